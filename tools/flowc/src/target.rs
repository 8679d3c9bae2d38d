//! Targets: where a model runs. Each target is one [`Backend`] implementation; the driver picks
//! one by [`Target`] and knows nothing else about it.
//!
//! Adding a target (the CPU backend, a `.flowc` bundle runner, ...) means a new [`Target`]
//! variant, a new module implementing [`Backend`], and one arm in [`Target::backend`].

use flowc_tensor::Tensor;

use crate::error::Result;
use crate::model::{ImportedModel, ModelFile};

/// The targets `--target` accepts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Target {
    /// Native code for the host CPU (crates/flowc-compiler), run by crates/flowc-runtime.
    Cpu,
    /// The reference interpreter of the `flow` dialect (crates/flowc-interp).
    Interp,
    /// PTX for NVIDIA GPUs (sm_90 unless `FLOWC_GPU_ARCH` / `--gpu-arch` say otherwise), run on
    /// GPU 0 through the CUDA driver.
    Cuda,
}

impl Target {
    /// The target used when `--target` is not given.
    pub const DEFAULT: Target = Target::Cpu;

    pub fn name(self) -> &'static str {
        match self {
            Target::Cpu => "cpu",
            Target::Interp => "interp",
            Target::Cuda => "cuda",
        }
    }

    /// The backend, configured by `opts`.
    pub fn backend(self, opts: BackendOptions) -> Box<dyn Backend> {
        match self {
            Target::Cpu => Box::new(crate::cpu::CpuBackend { opts }),
            Target::Interp => Box::new(interp::InterpBackend),
            Target::Cuda => Box::new(crate::cuda::CudaBackend { opts }),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a backend prepares and runs models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackendOptions {
    /// Threads to run on where the backend is parallel (all cores when `None`).
    pub threads: Option<usize>,
    /// Run `flow-saturate` before code generation (compiling backends).
    pub saturate: bool,
}

impl Default for BackendOptions {
    fn default() -> Self {
        BackendOptions {
            threads: None,
            saturate: true,
        }
    }
}

/// A way to run models.
pub trait Backend {
    /// Prepares an imported model for running (a compiling backend compiles it here; `file` is
    /// the model it was imported from, for backends that specialize it to input shapes).
    fn prepare(&self, file: &ModelFile, model: ImportedModel) -> Result<Box<dyn Executable>>;
}

/// A model ready to run, reusable across runs.
pub trait Executable {
    /// Runs the model on inputs in graph-input order (already checked against the model's
    /// declared types) and returns the outputs in graph-output order.
    fn run(&mut self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>>;

    /// Sets the inputs for [`Executable::run_again`] (what `flowc bench` times).
    fn bind_inputs(&mut self, inputs: Vec<Tensor>) -> Result<()>;

    /// Runs on the bound inputs, leaving the outputs where the backend keeps them: the work of
    /// one inference without the copies in and out.
    fn run_again(&mut self) -> Result<()>;

    /// [`Executable::run_again`] with the time of each kernel launch, in launch order; `None`
    /// when the backend has no launches to time (the interpreter).
    fn run_profiled(&mut self) -> Result<Option<Vec<flowc_runtime::LaunchTime>>> {
        self.run_again().map(|()| None)
    }
}

pub mod interp {
    //! The `interp` target: the reference interpreter runs the imported `flow` IR directly.

    use super::*;
    use crate::error::{DriverError, ErrorKind};

    pub struct InterpBackend;

    struct InterpExecutable {
        model: ImportedModel,
        bound: Vec<Tensor>,
    }

    impl Backend for InterpBackend {
        fn prepare(&self, _file: &ModelFile, model: ImportedModel) -> Result<Box<dyn Executable>> {
            Ok(Box::new(InterpExecutable {
                model,
                bound: Vec::new(),
            }))
        }
    }

    impl Executable for InterpExecutable {
        fn run(&mut self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
            let m = &self.model;
            flowc_interp::run_function(&m.ctx, m.func, inputs).map_err(|e| {
                DriverError::from_kind(e.is_unsupported(), e.to_string(), ErrorKind::Runtime)
            })
        }

        fn bind_inputs(&mut self, inputs: Vec<Tensor>) -> Result<()> {
            self.bound = inputs;
            Ok(())
        }

        fn run_again(&mut self) -> Result<()> {
            // The interpreter takes its inputs by value; the clone is part of its run.
            let inputs = self.bound.clone();
            self.run(inputs).map(drop)
        }
    }
}
