//! `flowc-translate`: flowc's `mlir-translate`. Each translation is one flag, and exactly one
//! is given per run (as in `mlir-translate --import-llvm`):
//!
//! - `--import-onnx MODEL.onnx`: reads an ONNX model (with its external data files) and prints
//!   the `flow` IR of its graph, weights as `dense_resource` blobs in the
//!   `{-# dialect_resources #-}` section.
//!
//! - `--emit=llvm|asm|obj`: reads loop-level MLIR (`loop` / `buffer` / `vector` / `arith` /
//!   `math` / `func`, as `convert-flow-to-loop` leaves it), translates its `flowc.kernel`
//!   functions to LLVM IR (codegen/flowc-llvm), optimizes them (`-O3` by default) and writes LLVM
//!   IR text, assembly or an object (`obj` needs `-o FILE`). The target is the host unless
//!   `--target-triple` / `--mcpu` / `--mattr` say otherwise (another triple defaults to the
//!   `generic` CPU without extra features).
//!
//! - `--emit=ptx`: the same for NVIDIA GPUs: the kernels are mapped to grids first
//!   (`convert-loop-to-gpu`, for those not yet `gpu.kernel`s), then translated for
//!   `nvptx64-nvidia-cuda` and the architecture of `--gpu-arch` (`sm_90` by default); prints PTX.
//!   `--emit=llvm --target-triple nvptx64-nvidia-cuda` prints the NVVM IR of the same.
//!
//! ```text
//! flowc-translate --import-onnx model.onnx [-o out.mlir] [--mlir-print-debuginfo] [--mlir-print-op-generic]
//! flowc-translate --emit=llvm|asm|obj kernels.mlir [-o out] [--target-triple T] [--mcpu CPU] [--mattr +f1,-f2] [-O N]
//! flowc-translate --emit=ptx kernels.mlir [-o out] [--gpu-arch sm_90] [-O N]
//! ```
//!
//! Errors print as `model.onnx: error: node 'n' (op 'X', domain '', opset 13): message` (import)
//! or as located diagnostics `file:line:col: error: ...` (emission); the exit status is 0 on
//! success and 1 on any error.

use clap::{ArgGroup, Parser, ValueEnum};
use flowc_ir::printer::PrintOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "flowc-translate",
    version,
    about = "Translates between flowc IR and other formats",
    group(ArgGroup::new("translation").required(true).args(["import_onnx", "emit"]))
)]
struct Cli {
    /// Translation: import an ONNX model into flow IR.
    #[arg(long = "import-onnx")]
    import_onnx: bool,

    /// Translation: loop-level MLIR to LLVM IR text, assembly or an object file.
    #[arg(long = "emit", value_name = "KIND")]
    emit: Option<Emit>,

    /// Code generation: the target triple (default: the host's).
    #[arg(long = "target-triple", value_name = "TRIPLE")]
    target_triple: Option<String>,

    /// Code generation: the CPU (default: the host's, or `generic` for another triple).
    #[arg(long = "mcpu", value_name = "CPU")]
    mcpu: Option<String>,

    /// Code generation: target features, e.g. `+avx2,+fma` (default: the host's, or none for
    /// another triple).
    #[arg(long = "mattr", value_name = "FEATURES")]
    mattr: Option<String>,

    /// PTX: the GPU architecture (`sm_80`, `sm_90`, ...).
    #[arg(long = "gpu-arch", value_name = "ARCH", default_value = flowc_llvm::DEFAULT_GPU_ARCH)]
    gpu_arch: String,

    /// Code generation: optimization level 0-3.
    #[arg(short = 'O', value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=3))]
    opt_level: u32,

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

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// LLVM IR text.
    Llvm,
    /// Assembly text.
    Asm,
    /// A relocatable object file (needs -o).
    Obj,
    /// PTX text for NVIDIA GPUs (`--gpu-arch`).
    Ptx,
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
    if let Some(kind) = cli.emit {
        return emit(cli, kind);
    }
    let text = if cli.import_onnx {
        import_onnx(cli)?
    } else {
        return Err("flowc-translate: error: no translation given".to_string());
    };
    write_output(&cli.output, text.as_bytes())
}

/// The code generation target from the command line.
fn target_options(cli: &Cli, kind: Emit) -> flowc_llvm::TargetOptions {
    let mut opts = match &cli.target_triple {
        _ if kind == Emit::Ptx => flowc_llvm::TargetOptions::nvptx(&cli.gpu_arch),
        Some(triple) if triple.starts_with("nvptx") => flowc_llvm::TargetOptions {
            triple: triple.clone(),
            ..flowc_llvm::TargetOptions::nvptx(&cli.gpu_arch)
        },
        Some(triple) => {
            let cross = flowc_llvm::TargetOptions::cross(triple);
            if cross.is_host() {
                flowc_llvm::TargetOptions {
                    triple: triple.clone(),
                    ..flowc_llvm::TargetOptions::host()
                }
            } else {
                cross
            }
        }
        None => flowc_llvm::TargetOptions::host(),
    };
    if let Some(cpu) = &cli.mcpu {
        opts.cpu = cpu.clone();
    }
    if let Some(features) = &cli.mattr {
        opts.features = features.clone();
    }
    opts.opt_level = flowc_llvm::OptLevel::from_number(cli.opt_level).unwrap_or_default();
    opts
}

fn emit(cli: &Cli, kind: Emit) -> Result<(), String> {
    let file = input_name(cli);
    if kind == Emit::Obj && cli.output == "-" {
        return Err("flowc-translate: error: --emit=obj needs an output file (-o FILE)".into());
    }
    let source = if cli.input == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
            .map_err(|e| format!("{file}: error: {e}"))?;
        text
    } else {
        std::fs::read_to_string(&cli.input).map_err(|e| format!("{file}: error: {e}"))?
    };
    let mut ctx = flowc_init::context_with_all_dialects();
    let render = |ctx: &flowc_ir::Context, diags: &[flowc_ir::Diagnostic]| {
        diags
            .iter()
            .map(|d| d.render(ctx))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let module =
        flowc_ir::parser::parse_source(&mut ctx, &source, file, 0).map_err(|d| render(&ctx, &d))?;
    flowc_ir::verifier::verify(&ctx, module).map_err(|d| render(&ctx, &d))?;
    let opts = target_options(cli, kind);
    if opts.is_nvptx() {
        flowc_loop_to_gpu::convert_loop_to_gpu(
            &mut ctx,
            module,
            flowc_loop_to_gpu::DEFAULT_BLOCK_SIZE,
        )
        .map_err(|d| render(&ctx, &[d]))?;
    }
    let kind = match kind {
        Emit::Llvm => flowc_llvm::EmitKind::LlvmIr,
        Emit::Asm | Emit::Ptx => flowc_llvm::EmitKind::Assembly,
        Emit::Obj => flowc_llvm::EmitKind::Object,
    };
    let bytes = flowc_llvm::emit(&ctx, module, &opts, kind).map_err(|d| render(&ctx, &[d]))?;
    write_output(&cli.output, &bytes)
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

fn write_output(output: &str, text: &[u8]) -> Result<(), String> {
    if output == "-" {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = stdout.write_all(text);
        let _ = stdout.flush();
        Ok(())
    } else {
        let path = PathBuf::from(output);
        std::fs::write(&path, text).map_err(|e| format!("error: {}: {e}", path.display()))
    }
}
