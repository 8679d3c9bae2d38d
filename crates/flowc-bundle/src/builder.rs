//! [`BundleBuilder`]: how the compiler writes a bundle.

use flowc_tensor::DType;

use crate::proto::buffer_ref::Buffer;
use crate::{
    ARG_ALIGNMENT, BufferRef, Bundle, BundleError, DEVICE_CPU, DEVICE_CUDA, DeviceCode,
    FORMAT_VERSION, GemmCall, Launch, MemoryPlan, TensorSig, Weight, encode, tensor_byte_size,
    validate,
};

/// The buffer a [`BufferRef`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BufferKind {
    /// Model input `i` (in signature order).
    Input(u32),
    /// Model output `i`.
    Output(u32),
    /// Weight `i`.
    Weight(u32),
    /// The intermediate buffer starting at this arena byte offset.
    Arena(u64),
}

/// A kernel argument under construction: a buffer and a byte range in it. Plain data; converts
/// to a [`BufferRef`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Arg {
    pub kind: BufferKind,
    /// Start of the range, in bytes from the buffer's start.
    pub byte_offset: u64,
    /// Length of the range in bytes.
    pub bytes: u64,
}

impl Arg {
    /// The intermediate of `bytes` bytes at arena offset `offset` (from the memory plan).
    pub fn arena(offset: u64, bytes: u64) -> Arg {
        Arg {
            kind: BufferKind::Arena(offset),
            byte_offset: 0,
            bytes,
        }
    }

    /// `bytes` bytes starting `byte_offset` bytes into this argument's range (a view). Not
    /// checked here; [`BundleBuilder::finish`] validates every range.
    pub fn view(self, byte_offset: u64, bytes: u64) -> Arg {
        Arg {
            kind: self.kind,
            byte_offset: self.byte_offset.saturating_add(byte_offset),
            bytes,
        }
    }
}

impl From<Arg> for BufferRef {
    fn from(a: Arg) -> BufferRef {
        BufferRef {
            buffer: Some(match a.kind {
                BufferKind::Input(i) => Buffer::Input(i),
                BufferKind::Output(i) => Buffer::Output(i),
                BufferKind::Weight(i) => Buffer::Weight(i),
                BufferKind::Arena(offset) => Buffer::Arena(offset),
            }),
            byte_offset: a.byte_offset,
            bytes: a.bytes,
        }
    }
}

/// Builds a [`Bundle`] piece by piece; [`BundleBuilder::finish`] fills in each device's kernel
/// list from the launches and validates the result. See the crate documentation for an
/// example.
#[derive(Clone, Debug)]
pub struct BundleBuilder {
    bundle: Bundle,
}

fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl BundleBuilder {
    /// An empty bundle written by `producer` (e.g. `"flowc 0.1.0"`), with an empty arena
    /// aligned to 64 bytes.
    pub fn new(producer: impl Into<String>) -> BundleBuilder {
        BundleBuilder {
            bundle: Bundle {
                format_version: FORMAT_VERSION,
                producer: producer.into(),
                memory: Some(MemoryPlan {
                    arena_bytes: 0,
                    alignment: ARG_ALIGNMENT,
                    peak_bytes: 0,
                }),
                ..Bundle::default()
            },
        }
    }

    /// Adds the next model input; returns the whole input as an argument.
    pub fn input(&mut self, name: impl Into<String>, dtype: DType, shape: &[i64]) -> Arg {
        let i = index(self.bundle.inputs.len());
        self.bundle.inputs.push(TensorSig::new(name, dtype, shape));
        Arg {
            kind: BufferKind::Input(i),
            byte_offset: 0,
            bytes: tensor_byte_size(dtype, shape).unwrap_or(u64::MAX),
        }
    }

    /// Adds the next model output; returns the whole output as an argument.
    pub fn output(&mut self, name: impl Into<String>, dtype: DType, shape: &[i64]) -> Arg {
        let i = index(self.bundle.outputs.len());
        self.bundle.outputs.push(TensorSig::new(name, dtype, shape));
        Arg {
            kind: BufferKind::Output(i),
            byte_offset: 0,
            bytes: tensor_byte_size(dtype, shape).unwrap_or(u64::MAX),
        }
    }

    /// Adds a weight (raw little-endian bytes); returns the whole weight as an argument.
    pub fn weight(&mut self, name: impl Into<String>, data: impl Into<Vec<u8>>) -> Arg {
        let i = index(self.bundle.weights.len());
        let data = data.into();
        let bytes = data.len() as u64;
        self.bundle.weights.push(Weight {
            name: name.into(),
            data,
        });
        Arg {
            kind: BufferKind::Weight(i),
            byte_offset: 0,
            bytes,
        }
    }

    /// Sets the memory plan: arena size, the arena base's alignment and the peak live bytes.
    pub fn memory(&mut self, arena_bytes: u64, alignment: u64, peak_bytes: u64) -> &mut Self {
        self.bundle.memory = Some(MemoryPlan {
            arena_bytes,
            alignment,
            peak_bytes,
        });
        self
    }

    /// Appends a CPU launch of `kernel` with `args` and `tasks` tasks.
    pub fn launch(&mut self, kernel: impl Into<String>, args: &[Arg], tasks: u64) -> &mut Self {
        self.launch_on(DEVICE_CPU, kernel, args, tasks)
    }

    /// Appends a launch on `device`.
    pub fn launch_on(
        &mut self,
        device: impl Into<String>,
        kernel: impl Into<String>,
        args: &[Arg],
        tasks: u64,
    ) -> &mut Self {
        self.bundle.launches.push(Launch {
            kernel: kernel.into(),
            args: args.iter().map(|&a| a.into()).collect(),
            tasks,
            device: device.into(),
            grid: Vec::new(),
            block: Vec::new(),
            gemm: None,
        });
        self
    }

    /// Appends a CUDA launch of `kernel` on `grid` blocks of `block` threads (x, y, z).
    pub fn cuda_launch(
        &mut self,
        kernel: impl Into<String>,
        args: &[Arg],
        grid: [u32; 3],
        block: [u32; 3],
    ) -> &mut Self {
        let tasks = grid.iter().chain(&block).map(|&d| u64::from(d)).product();
        self.bundle.launches.push(Launch {
            kernel: kernel.into(),
            args: args.iter().map(|&a| a.into()).collect(),
            tasks,
            device: DEVICE_CUDA.to_string(),
            grid: grid.to_vec(),
            block: block.to_vec(),
            gemm: None,
        });
        self
    }

    /// Adds a CUDA launch of the library GEMM ([`crate::LIBRARY_SGEMM`]) on `[a, b, c]`.
    pub fn cuda_gemm(&mut self, a: Arg, b: Arg, c: Arg, call: GemmCall) -> &mut Self {
        self.bundle.launches.push(Launch {
            kernel: crate::LIBRARY_SGEMM.to_string(),
            args: [a, b, c].iter().map(|&x| x.into()).collect(),
            tasks: 1,
            device: DEVICE_CUDA.to_string(),
            grid: Vec::new(),
            block: Vec::new(),
            gemm: Some(call),
        });
        self
    }

    /// Sets the CUDA code: PTX text (for `arch`, e.g. `sm_90`) defining the kernels, which the
    /// driver compiles when the bundle is loaded.
    pub fn cuda_code(&mut self, arch: impl Into<String>, ptx: impl Into<String>) -> &mut Self {
        self.code(DeviceCode {
            device: DEVICE_CUDA.to_string(),
            triple: format!("nvptx64-nvidia-cuda:{}", arch.into()),
            shared_object: Vec::new(),
            ptx: ptx.into(),
            kernels: Vec::new(),
        })
    }

    /// Sets the CPU code: the target triple and the shared object exporting the kernels.
    pub fn cpu_code(
        &mut self,
        triple: impl Into<String>,
        shared_object: impl Into<Vec<u8>>,
    ) -> &mut Self {
        self.code(DeviceCode {
            device: DEVICE_CPU.to_string(),
            triple: triple.into(),
            shared_object: shared_object.into(),
            ptx: String::new(),
            kernels: Vec::new(),
        })
    }

    /// Sets the code of `code.device`, replacing an earlier entry for that device. Kernels the
    /// launches use are added to `code.kernels` by [`BundleBuilder::finish`].
    pub fn code(&mut self, code: DeviceCode) -> &mut Self {
        self.bundle.code.retain(|c| c.device != code.device);
        self.bundle.code.push(code);
        self
    }

    /// The bundle so far (kernel lists not yet filled in).
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// Lists every launched kernel in its device's code (in order of first launch; library
    /// calls are not the code's) and validates the bundle.
    pub fn finish(mut self) -> Result<Bundle, BundleError> {
        let launches = &self.bundle.launches;
        for code in &mut self.bundle.code {
            let own = |l: &&Launch| l.device == code.device && l.gemm.is_none();
            for launch in launches.iter().filter(own) {
                if !code.kernels.contains(&launch.kernel) {
                    code.kernels.push(launch.kernel.clone());
                }
            }
        }
        validate(&self.bundle)?;
        Ok(self.bundle)
    }

    /// [`BundleBuilder::finish`], then [`encode`]: the file's bytes.
    pub fn finish_bytes(self) -> Result<Vec<u8>, BundleError> {
        Ok(encode(&self.finish()?))
    }
}
