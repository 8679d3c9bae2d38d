//! The `cuda` target: models are compiled to PTX (crates/flowc-compiler with an NVPTX target,
//! `--gpu-arch`, `sm_90` by default) and run on GPU 0 by the runtime's CUDA device
//! (crates/flowc-runtime, `cuda` module). Compiling needs no GPU; running says clearly that
//! there is none and fails.

use flowc_tensor::{DType, Tensor};

use crate::error::{DriverError, ErrorKind, Result};
use crate::model::{ImportedModel, ModelFile};
use crate::signature::{Dim, Signature, ValueSpec, ValueType};
use crate::target::{Backend, BackendOptions, Executable};

/// The GPU architecture PTX is generated for (`FLOWC_GPU_ARCH` overrides the default).
pub fn gpu_arch() -> String {
    std::env::var("FLOWC_GPU_ARCH").unwrap_or_else(|_| flowc_llvm::DEFAULT_GPU_ARCH.to_string())
}

/// Compiles for and runs on an NVIDIA GPU.
pub struct CudaBackend {
    pub opts: BackendOptions,
}

/// Compiles an imported model to a CUDA bundle for `arch`, GEMMs and convolutions by `gemm`.
pub fn compile_imported(
    file: &ModelFile,
    mut model: ImportedModel,
    saturate: bool,
    arch: &str,
    gemm: flowc_compiler::GpuGemm,
) -> Result<flowc_compiler::Compiled> {
    let mut opts = crate::cpu::compile_options(file, saturate)?;
    opts.target = flowc_llvm::TargetOptions::nvptx(arch);
    opts.gpu_gemm = gemm;
    let module = model
        .ctx
        .op_parent_op(model.func)
        .ok_or_else(|| DriverError::model("the imported function has no module"))?;
    flowc_compiler::compile(&mut model.ctx, module, opts)
        .map_err(|e| DriverError::from_kind(e.is_unsupported(), e.to_string(), ErrorKind::Model))
}

/// A CUDA bundle loaded on the GPU.
pub struct CudaBundleExecutable {
    exe: flowc_runtime::cuda::CudaExecutable,
    outputs: Vec<(DType, Vec<usize>)>,
    pub sig: Signature,
}

impl CudaBundleExecutable {
    /// Loads a decoded CUDA bundle; fails (exit 1) when there is no GPU.
    pub fn load(bundle: &flowc_bundle::Bundle) -> Result<CudaBundleExecutable> {
        if let Err(why) = flowc_runtime::cuda::cuda_available() {
            return Err(DriverError::runtime(format!("--target cuda: {why}")));
        }
        let exe = flowc_runtime::cuda::CudaExecutable::load(bundle)
            .map_err(|e| DriverError::runtime(e.to_string()))?;
        let spec = |s: &flowc_bundle::TensorSig| -> Result<(ValueSpec, (DType, Vec<usize>))> {
            let dtype = s
                .element_type()
                .ok_or_else(|| DriverError::model(format!("{}: unknown dtype", s.name)))?;
            let dims = s.dims().unwrap_or_default();
            Ok((
                ValueSpec {
                    name: s.name.clone(),
                    ty: ValueType::Tensor {
                        dtype,
                        shape: Some(dims.iter().map(|&d| Dim::Fixed(d as u64)).collect()),
                    },
                },
                (dtype, dims),
            ))
        };
        let inputs: Vec<_> = bundle.inputs.iter().map(spec).collect::<Result<_>>()?;
        let outputs: Vec<_> = bundle.outputs.iter().map(spec).collect::<Result<_>>()?;
        Ok(CudaBundleExecutable {
            exe,
            sig: Signature {
                inputs: inputs.iter().map(|s| s.0.clone()).collect(),
                outputs: outputs.iter().map(|s| s.0.clone()).collect(),
            },
            outputs: outputs.into_iter().map(|s| s.1).collect(),
        })
    }
}

impl Executable for CudaBundleExecutable {
    fn run(&mut self, inputs: Vec<Tensor>) -> Result<Vec<Tensor>> {
        self.bind_inputs(inputs)?;
        self.run_again()?;
        let mut out = Vec::new();
        for (i, (dtype, dims)) in self.outputs.iter().enumerate() {
            let bytes = self
                .exe
                .output(i)
                .map_err(|e| DriverError::runtime(e.to_string()))?;
            out.push(
                Tensor::from_bytes_le(*dtype, dims.clone(), &bytes)
                    .map_err(|e| DriverError::runtime(e.to_string()))?,
            );
        }
        Ok(out)
    }

    fn bind_inputs(&mut self, inputs: Vec<Tensor>) -> Result<()> {
        for (i, t) in inputs.iter().enumerate() {
            self.exe
                .set_input(i, &t.to_bytes_le())
                .map_err(|e| DriverError::input(e.to_string()))?;
        }
        Ok(())
    }

    fn run_again(&mut self) -> Result<()> {
        self.exe
            .run()
            .map_err(|e| DriverError::runtime(e.to_string()))
    }
}

impl Backend for CudaBackend {
    fn prepare(&self, file: &ModelFile, model: ImportedModel) -> Result<Box<dyn Executable>> {
        // Say there is no GPU before spending time on a compile.
        if let Err(why) = flowc_runtime::cuda::cuda_available() {
            return Err(DriverError::runtime(format!("--target cuda: {why}")));
        }
        let compiled = compile_imported(
            file,
            model,
            self.opts.saturate,
            &gpu_arch(),
            flowc_compiler::GpuGemm::Auto,
        )?;
        Ok(Box::new(CudaBundleExecutable::load(&compiled.bundle)?))
    }
}
