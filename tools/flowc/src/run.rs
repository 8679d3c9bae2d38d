//! `flowc run MODEL.onnx --input PATH ... --output-dir DIR [--target T]`.

use std::io::Write;
use std::path::{Path, PathBuf};

use flowc_tensor::Tensor;

use crate::error::{DriverError, Result};
use crate::model::ModelFile;
use crate::signature::{Signature, check_input, shape_string};
use crate::target::{BackendOptions, Target};
use crate::tensor_io;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The model to run (ONNX).
    pub model: PathBuf,
    /// An input tensor: an ONNX TensorProto `.pb` file or a numpy `.npy` file. Repeat it once
    /// per graph input; plain paths bind in graph-input order, `NAME=PATH` binds by input name.
    #[arg(short, long = "input", value_name = "[NAME=]PATH")]
    pub inputs: Vec<String>,
    /// Where to write `output_0.pb`, `output_1.pb`, ... (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output_dir: PathBuf,
    /// Where to run the model.
    #[arg(long, value_enum, default_value_t = Target::DEFAULT)]
    pub target: Target,
    /// Threads to run on (default: all cores).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Compile without the equality-saturation optimizer (flow-saturate).
    #[arg(long)]
    pub no_saturate: bool,
    /// Also print the first N values of each output (row-major), after its description.
    #[arg(long, value_name = "N")]
    pub print_values: Option<usize>,
}

/// Binds `--input` arguments to the graph inputs: `NAME=PATH` where `NAME` is a graph input
/// binds by name, anything else binds positionally to the inputs not bound by name, in graph
/// order. Returns one path per graph input.
pub fn bind_inputs(sig: &Signature, args: &[String], model: &str) -> Result<Vec<PathBuf>> {
    let n = sig.inputs.len();
    let mut bound: Vec<Option<PathBuf>> = vec![None; n];
    let mut positional: Vec<&str> = Vec::new();
    for arg in args {
        let named = arg.split_once('=').and_then(|(name, path)| {
            sig.inputs
                .iter()
                .position(|s| s.name == name)
                .map(|i| (i, name, path))
        });
        match named {
            Some((i, name, path)) => {
                if bound[i].is_some() {
                    return Err(DriverError::input(format!(
                        "input '{name}' is given more than once"
                    )));
                }
                bound[i] = Some(PathBuf::from(path));
            }
            None => {
                if let Some((name, _)) = arg.split_once('=')
                    && !name.is_empty()
                    && !Path::new(arg).exists()
                    && !sig.inputs.iter().any(|s| s.name == name)
                {
                    return Err(DriverError::input(format!(
                        "{model}: the model has no input named '{name}' (inputs: {})",
                        input_list(sig)
                    )));
                }
                positional.push(arg);
            }
        }
    }
    let free: Vec<usize> = (0..n).filter(|&i| bound[i].is_none()).collect();
    if positional.len() != free.len() {
        let given = args.len();
        return Err(DriverError::input(format!(
            "{model}: the model has {n} input{} ({}), but {given} {} given",
            if n == 1 { "" } else { "s" },
            input_list(sig),
            if given == 1 { "was" } else { "were" }
        )));
    }
    for (i, path) in free.into_iter().zip(positional) {
        bound[i] = Some(PathBuf::from(path));
    }
    Ok(bound.into_iter().flatten().collect())
}

fn input_list(sig: &Signature) -> String {
    if sig.inputs.is_empty() {
        return "none".to_string();
    }
    sig.inputs
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the input files and checks them against the model's declared input types.
pub fn read_inputs(sig: &Signature, paths: &[PathBuf]) -> Result<Vec<Tensor>> {
    sig.inputs
        .iter()
        .zip(paths)
        .map(|(spec, path)| {
            let t = tensor_io::read_tensor(path)?;
            check_input(spec, &t, &path.display().to_string())?;
            Ok(t)
        })
        .collect()
}

/// `  values: [a, b, ...]`: the first `n` values of `t` (all when it has no more), for
/// `--print-values`.
pub fn describe_values(t: &Tensor, n: usize) -> String {
    let values = t.to_f64_vec();
    let shown: Vec<String> = values.iter().take(n).map(|v| format!("{v:.6}")).collect();
    let more = if values.len() > n { ", ..." } else { "" };
    format!("  values: [{}{more}]", shown.join(", "))
}

/// The one-line description of an output that `flowc run` prints.
pub fn describe_output(index: usize, name: &str, t: &Tensor) -> String {
    format!(
        "output {index} '{name}': {} {}",
        t.dtype(),
        shape_string(t.shape())
    )
}

/// A model ready to run: its signature, the executable, and how long preparing (importing and
/// compiling) took.
pub struct Prepared {
    pub name: String,
    pub sig: Signature,
    pub exe: Box<dyn crate::target::Executable>,
    pub prepare_time: std::time::Duration,
}

/// Whether `path` is a `.flowc` bundle (by its magic bytes, whatever its name).
pub fn is_bundle(path: &Path) -> bool {
    let mut magic = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok_and(|()| magic == flowc_bundle::MAGIC)
}

/// Reads `--input` files for `model` (an `.onnx` or a `.flowc` bundle) and prepares it on
/// `target` with `threads` threads. ONNX models are specialized to the input shapes given.
pub fn prepare(
    model: &Path,
    input_args: &[String],
    target: Target,
    opts: BackendOptions,
) -> Result<(Prepared, Vec<Tensor>)> {
    let name = model.display().to_string();
    if is_bundle(model) {
        let start = std::time::Instant::now();
        let bytes = std::fs::read(model)
            .map_err(|e| DriverError::input(format!("{name}: cannot read: {e}")))?;
        let decoded = flowc_bundle::decode(&bytes).ok();
        let is_cuda = decoded
            .as_ref()
            .is_some_and(|b| b.code_for(flowc_bundle::DEVICE_CUDA).is_some());
        let device = if is_cuda { Target::Cuda } else { Target::Cpu };
        if target != device {
            return Err(DriverError::input(format!(
                "{name}: a .flowc bundle runs on the {device} target, not '{target}'"
            )));
        }
        if let (true, Some(bundle)) = (is_cuda, decoded.as_ref()) {
            let exe = crate::cuda::CudaBundleExecutable::load(bundle)
                .map_err(|e| DriverError::new(e.kind, format!("{name}: {e}")))?;
            let sig = exe.sig.clone();
            let paths = bind_inputs(&sig, input_args, &name)?;
            let inputs = read_inputs(&sig, &paths)?;
            return Ok((
                Prepared {
                    name,
                    sig,
                    exe: Box::new(exe),
                    prepare_time: start.elapsed(),
                },
                inputs,
            ));
        }
        let exe = crate::cpu::BundleExecutable::load(&bytes, opts.threads)
            .map_err(|e| DriverError::new(e.kind, format!("{name}: {e}")))?;
        let sig = crate::signature::bundle_signature(exe.model());
        let paths = bind_inputs(&sig, input_args, &name)?;
        let inputs = read_inputs(&sig, &paths)?;
        let prepare_time = start.elapsed();
        return Ok((
            Prepared {
                name,
                sig,
                exe: Box::new(exe),
                prepare_time,
            },
            inputs,
        ));
    }
    let file = ModelFile::read(model)?;
    let sig = file.signature()?;
    let paths = bind_inputs(&sig, input_args, &name)?;
    let inputs = read_inputs(&sig, &paths)?;
    let shapes: Vec<Vec<usize>> = inputs.iter().map(|t| t.shape().to_vec()).collect();
    let start = std::time::Instant::now();
    let file = file.with_input_shapes(&shapes);
    let imported = file.import()?;
    let in_model = |e: DriverError| DriverError::new(e.kind, format!("{name}: {e}"));
    let exe = target
        .backend(opts)
        .prepare(&file, imported)
        .map_err(in_model)?;
    let prepare_time = start.elapsed();
    Ok((
        Prepared {
            name,
            sig,
            exe,
            prepare_time,
        },
        inputs,
    ))
}

pub fn run(args: &RunArgs) -> Result<()> {
    let opts = BackendOptions {
        threads: args.threads,
        saturate: !args.no_saturate,
    };
    let (mut prepared, inputs) = prepare(&args.model, &args.inputs, args.target, opts)?;
    let model_name = prepared.name.clone();
    let sig = prepared.sig.clone();
    let in_model = |e: DriverError| DriverError::new(e.kind, format!("{model_name}: {e}"));
    let outputs = prepared.exe.run(inputs).map_err(in_model)?;
    if outputs.len() != sig.outputs.len() {
        return Err(DriverError::runtime(format!(
            "{model_name}: the model declares {} outputs, but running it produced {}",
            sig.outputs.len(),
            outputs.len()
        )));
    }
    std::fs::create_dir_all(&args.output_dir).map_err(|e| {
        DriverError::output(format!(
            "{}: cannot create the output directory: {e}",
            args.output_dir.display()
        ))
    })?;
    let mut lines = String::new();
    for (i, (t, spec)) in outputs.iter().zip(&sig.outputs).enumerate() {
        let path = args.output_dir.join(format!("output_{i}.pb"));
        tensor_io::write_tensor_pb(&path, t, &spec.name)?;
        lines.push_str(&describe_output(i, &spec.name, t));
        lines.push('\n');
        if let Some(n) = args.print_values {
            lines.push_str(&describe_values(t, n));
            lines.push('\n');
        }
    }
    let _ = std::io::stdout().lock().write_all(lines.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Dim, ValueSpec, ValueType};
    use flowc_tensor::DType;

    fn sig(names: &[&str]) -> Signature {
        Signature {
            inputs: names
                .iter()
                .map(|n| ValueSpec {
                    name: n.to_string(),
                    ty: ValueType::Tensor {
                        dtype: DType::F32,
                        shape: Some(vec![Dim::Fixed(2)]),
                    },
                })
                .collect(),
            outputs: vec![],
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_are_listed_up_to_the_limit() {
        let t = Tensor::from_f32(vec![3], vec![1.0, 0.5, -2.0]).unwrap();
        assert_eq!(
            describe_values(&t, 2),
            "  values: [1.000000, 0.500000, ...]"
        );
        assert_eq!(
            describe_values(&t, 3),
            "  values: [1.000000, 0.500000, -2.000000]"
        );
    }

    #[test]
    fn positional_and_named() {
        let s = sig(&["a", "b", "c"]);
        let got = bind_inputs(&s, &strings(&["b=x.pb", "y.pb", "z.npy"]), "m.onnx").unwrap();
        assert_eq!(
            got,
            vec![PathBuf::from("y.pb"), "x.pb".into(), "z.npy".into()]
        );
        let got = bind_inputs(&s, &strings(&["1.pb", "2.pb", "3.pb"]), "m.onnx").unwrap();
        assert_eq!(
            got,
            vec![PathBuf::from("1.pb"), "2.pb".into(), "3.pb".into()]
        );
    }

    #[test]
    fn count_and_name_errors() {
        let s = sig(&["a", "b"]);
        let e = bind_inputs(&s, &strings(&["1.pb"]), "m.onnx").unwrap_err();
        assert_eq!(
            e.message,
            "m.onnx: the model has 2 inputs ('a': f32 [2], 'b': f32 [2]), but 1 was given"
        );
        let e = bind_inputs(&s, &strings(&["a=1.pb", "a=2.pb"]), "m.onnx").unwrap_err();
        assert_eq!(e.message, "input 'a' is given more than once");
        let e = bind_inputs(&s, &strings(&["q=1.pb", "2.pb"]), "m.onnx").unwrap_err();
        assert!(e.message.contains("no input named 'q'"), "{e}");
    }
}
