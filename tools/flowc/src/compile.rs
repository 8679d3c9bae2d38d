//! `flowc compile MODEL.onnx -o model.flowc [--target cpu] [--input-shape NAME=DIMS]...`.

use std::io::Write;
use std::path::PathBuf;

use crate::error::{DriverError, Result};
use crate::model::ModelFile;
use crate::signature::{Dim, ValueType};
use crate::target::Target;

#[derive(Debug, clap::Args)]
pub struct CompileArgs {
    /// The model to compile (ONNX).
    pub model: PathBuf,
    /// Where to write the bundle.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// What to compile for.
    #[arg(long, value_enum, default_value_t = Target::Cpu)]
    pub target: Target,

    /// The GPU architecture of `--target cuda` (PTX for `sm_80`, `sm_90`, ...).
    #[arg(long = "gpu-arch", value_name = "ARCH", default_value = "sm_90")]
    pub gpu_arch: String,
    /// Who computes `--target cuda`'s f32 GEMMs and convolutions: `auto` (cuBLAS for large
    /// products, generated kernels for the rest), `generated` or `library` (cuBLAS wherever it
    /// applies).
    #[arg(long = "gpu-gemm", value_enum, default_value_t = GpuGemmArg::Auto)]
    pub gpu_gemm: GpuGemmArg,
    /// Fix the shape of an input whose declared shape has symbolic dims: `NAME=1x3x224x224`
    /// (`x`-separated). Repeat per input.
    #[arg(long = "input-shape", value_name = "NAME=DIMS")]
    pub input_shapes: Vec<String>,
    /// Compile without the equality-saturation optimizer (flow-saturate).
    #[arg(long)]
    pub no_saturate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GpuGemmArg {
    Auto,
    Generated,
    Library,
}

impl From<GpuGemmArg> for flowc_compiler::GpuGemm {
    fn from(a: GpuGemmArg) -> Self {
        match a {
            GpuGemmArg::Auto => flowc_compiler::GpuGemm::Auto,
            GpuGemmArg::Generated => flowc_compiler::GpuGemm::Generated,
            GpuGemmArg::Library => flowc_compiler::GpuGemm::Library,
        }
    }
}

fn parse_dims(text: &str) -> Option<Vec<usize>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split('x').map(|d| d.trim().parse().ok()).collect()
}

/// The static shape of every graph input: declared dims, with `--input-shape` overriding.
fn input_shapes(file: &ModelFile, args: &CompileArgs) -> Result<Vec<Vec<usize>>> {
    let sig = file.signature()?;
    let mut given: Vec<(String, Vec<usize>)> = Vec::new();
    for s in &args.input_shapes {
        let (name, dims) = s.split_once('=').ok_or_else(|| {
            DriverError::input(format!(
                "--input-shape '{s}': expected NAME=DIMS, e.g. x=1x3x224x224"
            ))
        })?;
        let dims = parse_dims(dims).ok_or_else(|| {
            DriverError::input(format!(
                "--input-shape '{s}': dims must be x-separated numbers"
            ))
        })?;
        if !sig.inputs.iter().any(|i| i.name == name) {
            return Err(DriverError::input(format!(
                "--input-shape '{s}': the model has no input named '{name}'"
            )));
        }
        given.push((name.to_string(), dims));
    }
    sig.inputs
        .iter()
        .map(|spec| {
            if let Some((_, d)) = given.iter().find(|(n, _)| *n == spec.name) {
                return Ok(d.clone());
            }
            let dims = match &spec.ty {
                ValueType::Tensor {
                    shape: Some(dims), ..
                } => dims
                    .iter()
                    .map(|d| match d {
                        Dim::Fixed(n) => Some(*n as usize),
                        Dim::Symbolic(_) => None,
                    })
                    .collect::<Option<Vec<_>>>(),
                _ => None,
            };
            dims.ok_or_else(|| {
                DriverError::input(format!(
                    "input {spec} has no static shape: give it with --input-shape {}=DIMS",
                    spec.name
                ))
            })
        })
        .collect()
}

pub fn compile(args: &CompileArgs) -> Result<()> {
    if args.target == Target::Interp {
        return Err(DriverError::input(format!(
            "flowc compile supports --target cpu and cuda (the '{}' target runs models directly)",
            args.target
        )));
    }
    let name = args.model.display().to_string();
    let file = ModelFile::read(&args.model)?;
    let shapes = input_shapes(&file, args)?;
    let file = file.with_input_shapes(&shapes);
    let imported = file.import()?;
    let start = std::time::Instant::now();
    let compiled = if args.target == Target::Cuda {
        crate::cuda::compile_imported(
            &file,
            imported,
            !args.no_saturate,
            &args.gpu_arch,
            args.gpu_gemm.into(),
        )
    } else {
        crate::cpu::compile_imported(&file, imported, !args.no_saturate)
    }
    .map_err(|e| DriverError::new(e.kind, format!("{name}: {e}")))?;
    let bytes = flowc_bundle::encode(&compiled.bundle);
    std::fs::write(&args.output, &bytes).map_err(|e| {
        DriverError::output(format!(
            "{}: cannot write the bundle: {e}",
            args.output.display()
        ))
    })?;
    let r = &compiled.report;
    let line = format!(
        "{}: {} flow ops -> {} kernels, {} launches; arena {} bytes, weights {} bytes, code {} bytes; {} bytes written in {:.0} ms\n",
        args.output.display(),
        r.flow_ops,
        r.kernels,
        r.launches,
        r.arena_bytes,
        r.weight_bytes,
        r.code_bytes,
        bytes.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    Ok(())
}
