//! Bridge between flowc and upstream MLIR (LLVM 22), through [`melior`] and the MLIR C API.
//!
//! flowc's textual IR for `builtin`, `func`, `arith` and the generic op form is meant to be read by
//! upstream MLIR unchanged. This crate is the place where that promise is checked and where IR is
//! exchanged with upstream tools: it hands text to MLIR's own parser and verifier and gives back
//! what MLIR prints.
//!
//! ```
//! let printed = flowc_mlir_interop::parse_with_upstream_mlir(
//!     "func.func @f(%a: i32) -> i32 { return %a : i32 }",
//! )
//! .unwrap();
//! assert!(printed.contains("func.func @f"));
//! ```
//!
//! Linking: `melior` pulls in `mlir-sys` and `tblgen`, which link LLVM and MLIR statically from
//! `/usr/lib/llvm-22` (see `.cargo/config.toml` and `tools/setup.sh`; Debian's `libpolly-22-dev` is
//! needed because `llvm-config --link-static` lists Polly). Binaries that depend on this crate are
//! therefore large and slow to link; the rest of flowc does not depend on it.

use std::{cell::RefCell, fmt::Write as _, rc::Rc};

use melior::{
    Context,
    diagnostic::{Diagnostic, DiagnosticSeverity},
    dialect::DialectRegistry,
    ir::{Module, operation::OperationLike as _},
    utility::register_all_dialects,
};

/// Parses `text` with upstream MLIR, verifies it (MLIR's parser already runs the verifier; the
/// module is verified once more before printing), and returns MLIR's printed form of the module.
///
/// All upstream dialects are registered, and unregistered dialects are allowed (as with
/// `mlir-opt --allow-unregistered-dialect`), so ops of flowc-only dialects such as `flow` are accepted
/// in their generic form. A top-level sequence of ops without an explicit `module` is wrapped in one,
/// as `mlir-opt` does.
///
/// On failure the error holds MLIR's diagnostics, one per line, in the form
/// `-:<line>:<col>: error: <message>` (the source name is `-`, as for `mlir-opt` reading stdin), followed by any attached notes.
pub fn parse_with_upstream_mlir(text: &str) -> Result<String, String> {
    let registry = DialectRegistry::new();
    register_all_dialects(&registry);
    // Parsing and verifying one module needs no thread pool.
    let context = Context::new_with_registry(&registry, false);
    context.set_allow_unregistered_dialects(true);

    let diagnostics = Rc::new(RefCell::new(Vec::<String>::new()));
    let handler_id = context.attach_diagnostic_handler({
        let diagnostics = Rc::clone(&diagnostics);
        move |diagnostic| {
            diagnostics
                .borrow_mut()
                .push(format_diagnostic(&diagnostic));
            // Handled: MLIR must not print it to stderr as well.
            true
        }
    });

    let result = match Module::parse(&context, text) {
        None => Err(error_message(
            "upstream MLIR could not parse the input",
            &diagnostics,
        )),
        Some(module) => {
            if module.as_operation().verify() {
                Ok(module.as_operation().to_string())
            } else {
                Err(error_message(
                    "upstream MLIR rejected the module in verification",
                    &diagnostics,
                ))
            }
        }
    };

    context.detach_diagnostic_handler(handler_id);
    result
}

fn error_message(summary: &str, diagnostics: &RefCell<Vec<String>>) -> String {
    let diagnostics = diagnostics.borrow();
    if diagnostics.is_empty() {
        summary.to_owned()
    } else {
        format!("{summary}:\n{}", diagnostics.join("\n"))
    }
}

fn format_diagnostic(diagnostic: &Diagnostic<'_>) -> String {
    let mut out = String::new();
    write_diagnostic(&mut out, diagnostic);
    for index in 0..diagnostic.note_count() {
        if let Ok(note) = diagnostic.note(index) {
            out.push('\n');
            write_diagnostic(&mut out, &note);
        }
    }
    out
}

fn write_diagnostic(out: &mut String, diagnostic: &Diagnostic<'_>) {
    let severity = match diagnostic.severity() {
        DiagnosticSeverity::Error => "error",
        DiagnosticSeverity::Warning => "warning",
        DiagnosticSeverity::Note => "note",
        DiagnosticSeverity::Remark => "remark",
    };
    let _ = write!(
        out,
        "{}: {severity}: {diagnostic}",
        plain_location(&diagnostic.location().to_string())
    );
}

/// `loc("file":3:7)` -> `file:3:7`, the form `mlir-opt` uses in front of a diagnostic; any other
/// location is kept as MLIR prints it.
fn plain_location(location: &str) -> String {
    location
        .strip_prefix("loc(\"")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|rest| rest.split_once("\":"))
        .filter(|(_, line_col)| {
            line_col
                .split(':')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(|(file, line_col)| format!("{file}:{line_col}"))
        .unwrap_or_else(|| location.to_owned())
}
