//! The `cpu` target: models are compiled to native code (crates/flowc-compiler) and run by the
//! runtime (crates/flowc-runtime), the same way a deployed `.flowc` bundle runs.
//!
//! Models whose inputs have symbolic dims are compiled on their first run, specialized to the
//! shapes of the inputs given (and again when later inputs have other shapes).

use std::sync::Arc;
use std::time::{Duration, Instant};

use flowc_tensor::Tensor;

use crate::error::{DriverError, ErrorKind, Result};
use crate::model::{ImportedModel, ModelFile};
use crate::target::{Backend, BackendOptions, Executable};

/// Compiles for and runs on the host CPU.
pub struct CpuBackend {
    pub opts: BackendOptions,
}

/// A compiled model and a session to run it.
pub struct BundleExecutable {
    session: flowc_runtime::Session,
}

impl BundleExecutable {
    /// Loads a bundle's bytes (a `.flowc` file).
    pub fn load(bytes: &[u8], threads: Option<usize>) -> Result<BundleExecutable> {
        let model = flowc_runtime::Model::from_bytes(bytes)
            .map_err(|e| DriverError::model(format!("cannot load the bundle: {e}")))?;
        let mut opts = flowc_runtime::SessionOptions::default();
        if let Some(t) = threads {
            opts.threads = t.max(1);
        }
        let session = flowc_runtime::Session::new(Arc::new(model), opts)
            .map_err(|e| DriverError::runtime(e.to_string()))?;
        Ok(BundleExecutable { session })
    }

    pub fn model(&self) -> &flowc_runtime::Model {
        self.session.model()
    }
}

impl Executable for BundleExecutable {
    fn run(&mut self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        self.bind_inputs(inputs)?;
        self.run_again()?;
        (0..self.session.model().outputs().len())
            .map(|i| {
                self.session
                    .output_tensor(i)
                    .map_err(|e| DriverError::runtime(e.to_string()))
            })
            .collect()
    }

    fn bind_inputs(&mut self, inputs: Vec<Tensor>) -> Result<()> {
        self.bind(&inputs)
    }

    fn run_again(&mut self) -> Result<()> {
        self.session
            .run()
            .map_err(|e| DriverError::runtime(e.to_string()))
    }

    fn run_profiled(&mut self) -> Result<Option<Vec<flowc_runtime::LaunchTime>>> {
        self.session
            .run_profiled()
            .map(Some)
            .map_err(|e| DriverError::runtime(e.to_string()))
    }
}

impl BundleExecutable {
    fn bind(&mut self, inputs: &[Tensor]) -> Result<()> {
        for (i, t) in inputs.iter().enumerate() {
            self.session
                .set_input_tensor(i, t)
                .map_err(|e| DriverError::input(e.to_string()))?;
        }
        Ok(())
    }
}

/// Compile options for a model: its I/O names, host target, whether to saturate, and progress
/// lines on stderr once a compile has taken more than a second.
pub fn compile_options(file: &ModelFile, saturate: bool) -> Result<flowc_compiler::CompileOptions> {
    let sig = file.signature()?;
    let start = Instant::now();
    let mut shown = false;
    let progress = move |stage: &flowc_compiler::Stage| {
        if shown || start.elapsed() > Duration::from_secs(1) {
            shown = true;
            eprintln!("flowc: [{:.1} s] {stage}", start.elapsed().as_secs_f64());
        }
    };
    let mut opts = flowc_compiler::CompileOptions {
        input_names: sig.inputs.iter().map(|s| s.name.clone()).collect(),
        output_names: sig.outputs.iter().map(|s| s.name.clone()).collect(),
        progress: Some(Box::new(progress)),
        ..Default::default()
    };
    if !saturate {
        opts.saturate = None;
    }
    Ok(opts)
}

/// Compiles an imported model to a bundle.
pub fn compile_imported(
    file: &ModelFile,
    mut model: ImportedModel,
    saturate: bool,
) -> Result<flowc_compiler::Compiled> {
    let opts = compile_options(file, saturate)?;
    let module = model
        .ctx
        .op_parent_op(model.func)
        .ok_or_else(|| DriverError::model("the imported function has no module"))?;
    flowc_compiler::compile(&mut model.ctx, module, opts)
        .map_err(|e| DriverError::from_kind(e.is_unsupported(), e.to_string(), ErrorKind::Model))
}

/// Whether every input of the imported function has a static shape.
fn inputs_are_static(model: &ImportedModel) -> bool {
    let ctx = &model.ctx;
    let Some(block) = ctx.region_entry(ctx.region(model.func, 0)) else {
        return true;
    };
    ctx.block_args(block).iter().all(|&a| {
        ctx.shape(ctx.value_type(a))
            .is_some_and(|s| s.iter().all(|&d| d >= 0))
    })
}

/// A model compiled on demand for the input shapes it is run with.
struct Specializing {
    file: ModelFile,
    opts: BackendOptions,
    compiled: Option<(Vec<Vec<usize>>, BundleExecutable)>,
}

impl Specializing {
    /// The executable compiled for the shapes of `inputs` (compiling it first if needed).
    fn for_inputs(&mut self, inputs: &[Tensor]) -> Result<&mut BundleExecutable> {
        let shapes: Vec<Vec<usize>> = inputs.iter().map(|t| t.shape().to_vec()).collect();
        if self.compiled.as_ref().is_none_or(|(s, _)| *s != shapes) {
            let file = self.file.with_input_shapes(&shapes);
            let imported = file.import()?;
            let compiled = compile_imported(&file, imported, self.opts.saturate)?;
            let bytes = flowc_bundle::encode(&compiled.bundle);
            self.compiled = Some((shapes, BundleExecutable::load(&bytes, self.opts.threads)?));
        }
        let (_, exe) = self.compiled.as_mut().expect("compiled above");
        Ok(exe)
    }
}

impl Executable for Specializing {
    fn run(&mut self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        let exe = self.for_inputs(&inputs)?;
        exe.run(inputs)
    }

    fn bind_inputs(&mut self, inputs: Vec<Tensor>) -> Result<()> {
        let exe = self.for_inputs(&inputs)?;
        exe.bind_inputs(inputs)
    }

    fn run_again(&mut self) -> Result<()> {
        match self.compiled.as_mut() {
            Some((_, exe)) => exe.run_again(),
            None => Err(DriverError::runtime("run_again before bind_inputs")),
        }
    }

    fn run_profiled(&mut self) -> Result<Option<Vec<flowc_runtime::LaunchTime>>> {
        match self.compiled.as_mut() {
            Some((_, exe)) => exe.run_profiled(),
            None => Err(DriverError::runtime("run_profiled before bind_inputs")),
        }
    }
}

impl Backend for CpuBackend {
    fn prepare(&self, file: &ModelFile, model: ImportedModel) -> Result<Box<dyn Executable>> {
        if !inputs_are_static(&model) {
            return Ok(Box::new(Specializing {
                file: ModelFile {
                    path: file.path.clone(),
                    model: file.model.clone(),
                },
                opts: self.opts,
                compiled: None,
            }));
        }
        let compiled = compile_imported(file, model, self.opts.saturate)?;
        let bytes = flowc_bundle::encode(&compiled.bundle);
        Ok(Box::new(BundleExecutable::load(&bytes, self.opts.threads)?))
    }
}
