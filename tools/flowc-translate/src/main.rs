//! `flowc-translate`: flowc's `mlir-translate`. Each translation is one flag, and exactly one
//! is given per run (as in `mlir-translate --import-llvm`):
//!
//! - `--import-onnx MODEL.onnx`: reads an ONNX model (with its external data files) and prints
//!   the `flow` IR of its graph, weights as `dense_resource` blobs in the
//!   `{-# dialect_resources #-}` section.
//!
//! ```text
//! flowc-translate --import-onnx model.onnx [-o out.mlir] [--mlir-print-debuginfo] [--mlir-print-op-generic]
//! ```
//!
//! Errors print as `model.onnx: error: node 'n' (op 'X', domain '', opset 13): message`; the
//! exit status is 0 on success and 1 on any error.

use clap::{ArgGroup, Parser};
use flowc_ir::printer::PrintOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "flowc-translate",
    version,
    about = "Translates between flowc IR and other formats",
    group(ArgGroup::new("translation").required(true).args(["import_onnx"]))
)]
struct Cli {
    /// Translation: import an ONNX model into flow IR.
    #[arg(long = "import-onnx")]
    import_onnx: bool,

    /// The input file ('-' for standard input).
    #[arg(value_name = "INPUT", default_value = "-")]
    input: String,

    /// Where to write the output ('-' for standard output).
    #[arg(short = 'o', value_name = "OUTPUT", default_value = "-")]
    output: String,

    /// Print locations.
    #[arg(long = "mlir-print-debuginfo")]
    print_debuginfo: bool,

    /// Print every op in the generic form.
    #[arg(long = "mlir-print-op-generic")]
    print_op_generic: bool,

    /// ONNX import: the name of the function holding the graph.
    #[arg(long = "onnx-func-name", value_name = "NAME", default_value = "main")]
    onnx_func_name: String,

    /// ONNX import: constants with more elements than this become dense_resource blobs.
    #[arg(
        long = "onnx-resource-threshold",
        value_name = "N",
        default_value_t = 64
    )]
    onnx_resource_threshold: usize,

    /// ONNX import: keep shape computations on static shapes instead of folding them.
    #[arg(long = "onnx-no-fold-shapes")]
    onnx_no_fold_shapes: bool,

    /// ONNX import: locations are the node names only, without the model file.
    #[arg(long = "onnx-no-file-locations")]
    onnx_no_file_locations: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{message}");
            ExitCode::FAILURE
        }
    }
}

/// The display name of the input in messages.
fn input_name(cli: &Cli) -> &str {
    if cli.input == "-" {
        "<stdin>"
    } else {
        &cli.input
    }
}

fn run(cli: &Cli) -> Result<(), String> {
    let text = if cli.import_onnx {
        import_onnx(cli)?
    } else {
        return Err("flowc-translate: error: no translation given".to_string());
    };
    write_output(&cli.output, &text)
}

fn import_onnx(cli: &Cli) -> Result<String, String> {
    let file = input_name(cli);
    let fail = |e: &dyn std::fmt::Display| format!("{file}: error: {e}");
    let model = if cli.input == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| fail(&e))?;
        // From a pipe there is no model directory: external data is refused.
        flowc_onnx::Model::from_bytes(&bytes, None).map_err(|e| fail(&e))?
    } else {
        flowc_onnx::load_model(&cli.input).map_err(|e| match e {
            flowc_onnx::OnnxError::Io { path, message } => {
                format!("{}: error: {message}", path.display())
            }
            e => fail(&e),
        })?
    };
    let mut ctx = flowc_init::context_with_all_dialects();
    let opts = flowc_onnx::ImportOptions {
        func_name: cli.onnx_func_name.clone(),
        file_locations: !cli.onnx_no_file_locations,
        resource_threshold: cli.onnx_resource_threshold,
        fold_shapes: !cli.onnx_no_fold_shapes,
        verify: true,
    };
    let module = flowc_onnx::import_model(&mut ctx, &model, &opts).map_err(|e| fail(&e))?;
    let print = PrintOptions {
        generic: cli.print_op_generic,
        debug_info: cli.print_debuginfo,
    };
    Ok(ctx.print_op(module, &print))
}

fn write_output(output: &str, text: &str) -> Result<(), String> {
    if output == "-" {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
        Ok(())
    } else {
        let path = PathBuf::from(output);
        std::fs::write(&path, text).map_err(|e| format!("error: {}: {e}", path.display()))
    }
}
