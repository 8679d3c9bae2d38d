//! What flowc prints, upstream MLIR accepts: every valid case of the builtin / func / arith / math
//! lit tests is parsed by flowc, printed in custom and in generic form, and handed to MLIR 22's
//! own parser and verifier through melior. MLIR's output then parses in flowc again.

use flowc_ir::parser::parse_source;
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;
use flowc_mlir_interop::parse_with_upstream_mlir;
use std::path::Path;

/// Dialects flowc has and upstream MLIR does not.
const FLOWC_ONLY: [&str; 3] = ["flow", "loop", "buffer"];

/// Whether IR text (comments aside) names an op of `dialect`.
fn uses_dialect(text: &str, dialect: &str) -> bool {
    let prefix = format!("{dialect}.");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .any(|l| l.contains(&prefix))
}

/// The lit test files whose cases use only dialects that upstream MLIR also has.
fn cases() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test");
    let mut out = Vec::new();
    for dir in [
        "Dialect/func",
        "Dialect/arith",
        "Dialect/math",
        "Transforms",
        "Examples",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            if file.extension().is_none_or(|e| e != "mlir") || name.starts_with("invalid") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            // Files exercising the test dialect or unregistered ops have no upstream meaning.
            if text.contains("test.") || text.contains("allow-unregistered-dialect") {
                continue;
            }
            for (i, chunk) in text.split("// -----").enumerate() {
                // Chunks using flowc's own dialects (flow, loop, buffer) have no upstream
                // meaning either; upstream checks of those go through the generic form elsewhere.
                if FLOWC_ONLY.iter().any(|d| uses_dialect(chunk, d)) {
                    continue;
                }
                out.push((format!("{dir}/{name}#{i}"), chunk.to_string()));
            }
        }
    }
    out
}

#[test]
fn flowc_output_is_accepted_by_upstream_mlir() {
    let mut checked = 0;
    for (name, chunk) in cases() {
        let mut ctx = flowc_init::context_with_all_dialects();
        let Ok(module) = parse_source(&mut ctx, &chunk, &name, 0) else {
            continue;
        };
        if verify(&ctx, module).is_err() {
            continue;
        }
        for generic in [false, true] {
            let printed = ctx.print_op(
                module,
                &PrintOptions {
                    generic,
                    debug_info: true,
                },
            );
            let upstream = parse_with_upstream_mlir(&printed).unwrap_or_else(|e| {
                panic!(
                    "MLIR rejects flowc's output for {name} (generic: {generic}):\n{e}\n{printed}"
                )
            });
            // And back: what MLIR prints, flowc reads.
            let mut back = flowc_init::context_with_all_dialects();
            let m = parse_source(&mut back, &upstream, "upstream.mlir", 0).unwrap_or_else(|d| {
                panic!(
                    "flowc rejects MLIR's output for {name}: {}\n{upstream}",
                    d[0].render(&back)
                )
            });
            verify(&back, m).unwrap_or_else(|d| panic!("{name}: {}", d[0].render(&back)));
            checked += 1;
        }
    }
    eprintln!("{checked} printed forms accepted by MLIR and read back");
    assert!(checked >= 40, "only {checked} cases checked");
}
