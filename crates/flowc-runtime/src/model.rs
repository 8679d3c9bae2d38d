//! [`Model`]: a loaded bundle (signature, weights, kernels, launch plan), immutable and shared.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use flowc_bundle::{ARG_ALIGNMENT, BufferKind, Bundle, DEVICE_CPU, TensorSig};
use flowc_tensor::DType;

use crate::RuntimeError;
use crate::aligned::AlignedBuf;
use crate::loader::{self, KernelFn, Loaded, Storage};

/// The alignment of every buffer the runtime allocates (weights, arena, inputs, outputs).
pub(crate) const ALIGN: usize = ARG_ALIGNMENT as usize;

/// A model input or output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    pub dtype: DType,
    /// The static shape.
    pub shape: Vec<usize>,
    /// Size in bytes (dense, row-major).
    pub bytes: usize,
}

/// Where a kernel argument points, resolved against the model (weights: an offset into the
/// model's weight block) or against a session's buffers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ArgPlan {
    Input { index: usize, offset: usize },
    Output { index: usize, offset: usize },
    Weight { offset: usize },
    Arena { offset: usize },
}

pub(crate) struct LaunchPlan {
    /// The kernel's symbol, for profiles.
    pub(crate) name: String,
    pub(crate) kernel: KernelFn,
    /// This launch's arguments in `Model::args`.
    pub(crate) args: Range<usize>,
    pub(crate) tasks: i64,
}

/// A loaded bundle: the signature, the weights (in one 64-byte aligned block, each weight
/// 64-byte aligned), the kernels (the shared object `dlopen`ed once, every symbol resolved
/// once) and the launch plan. Immutable: share it with `Arc` and create one
/// [`crate::Session`] per thread of use.
pub struct Model {
    inputs: Vec<TensorInfo>,
    outputs: Vec<TensorInfo>,
    producer: String,
    triple: String,
    pub(crate) arena_bytes: u64,
    pub(crate) arena_alignment: usize,
    pub(crate) weights: AlignedBuf,
    pub(crate) launches: Vec<LaunchPlan>,
    pub(crate) args: Vec<ArgPlan>,
    /// Keeps the kernels loaded; declared after everything that holds kernel pointers, so it
    /// is dropped last.
    #[cfg_attr(not(test), allow(dead_code))]
    code: Option<Loaded>,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("inputs", &self.inputs)
            .field("outputs", &self.outputs)
            .field("producer", &self.producer)
            .field("triple", &self.triple)
            .field("arena_bytes", &self.arena_bytes)
            .field("weight_bytes", &self.weights.len())
            .field("launches", &self.launches.len())
            .finish()
    }
}

fn infos(sigs: &[TensorSig]) -> Vec<TensorInfo> {
    // The bundle is validated: every dtype is known, every dim >= 0, every size fits.
    sigs.iter()
        .map(|s| TensorInfo {
            name: s.name.clone(),
            dtype: s.element_type().unwrap_or(DType::U8),
            shape: s.dims().unwrap_or_default(),
            bytes: s
                .byte_size()
                .and_then(|b| usize::try_from(b).ok())
                .unwrap_or(0),
        })
        .collect()
}

/// Only reachable if `validate` missed something: an error rather than a panic.
fn unvalidated(what: &str) -> RuntimeError {
    RuntimeError::Bundle(flowc_bundle::BundleError::Invalid {
        at: "launches".into(),
        message: format!("{what} (passed validation; please report)"),
    })
}

fn to_usize(v: u64, what: &str) -> Result<usize, RuntimeError> {
    usize::try_from(v).map_err(|_| RuntimeError::OutOfMemory {
        what: what.to_string(),
        bytes: v,
    })
}

impl Model {
    /// Reads, validates and loads a bundle file.
    pub fn load(path: impl AsRef<Path>) -> Result<Model, RuntimeError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| RuntimeError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Model::from_bytes(&bytes)
    }

    /// Validates and loads a bundle from its file bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, RuntimeError> {
        let bundle = flowc_bundle::decode(bytes)?;
        Model::from_validated(&bundle, Storage::Memfd)
    }

    /// Validates and loads an in-memory bundle (e.g. straight from the compiler).
    pub fn from_bundle(bundle: &Bundle) -> Result<Model, RuntimeError> {
        flowc_bundle::validate(bundle)?;
        Model::from_validated(bundle, Storage::Memfd)
    }

    pub(crate) fn from_validated(bundle: &Bundle, storage: Storage) -> Result<Model, RuntimeError> {
        if let Some(l) = bundle.launches.iter().find(|l| l.device != DEVICE_CPU) {
            return Err(RuntimeError::UnsupportedDevice(l.device.clone()));
        }
        let memory = bundle.memory.unwrap_or_default();

        // Weights: one block, each weight at a 64-byte aligned offset.
        let mut weight_offsets = Vec::with_capacity(bundle.weights.len());
        let mut total = 0usize;
        for w in &bundle.weights {
            weight_offsets.push(total);
            total = total
                .checked_add(w.data.len().next_multiple_of(ALIGN))
                .ok_or(RuntimeError::OutOfMemory {
                    what: "the weights".into(),
                    bytes: u64::MAX,
                })?;
        }
        let mut weights = AlignedBuf::zeroed(total as u64, ALIGN, "the weights")?;
        for (w, &offset) in bundle.weights.iter().zip(&weight_offsets) {
            weights.as_mut_slice()[offset..offset + w.data.len()].copy_from_slice(&w.data);
        }

        // The code: load the shared object, resolve every listed kernel once.
        let mut kernels: HashMap<&str, KernelFn> = HashMap::new();
        let mut code = None;
        if let Some(cpu) = bundle.code_for(DEVICE_CPU)
            && !cpu.kernels.is_empty()
        {
            loader::check_triple(&cpu.triple)?;
            let loaded = loader::load(&cpu.shared_object, storage)?;
            for name in &cpu.kernels {
                kernels.insert(name, loaded.kernel(name)?);
            }
            code = Some(loaded);
        }

        let mut args = Vec::new();
        let mut launches = Vec::with_capacity(bundle.launches.len());
        for launch in &bundle.launches {
            let start = args.len();
            for a in &launch.args {
                let offset = to_usize(a.byte_offset, "a kernel argument")?;
                args.push(match a.kind() {
                    Some(BufferKind::Input(i)) => ArgPlan::Input {
                        index: i as usize,
                        offset,
                    },
                    Some(BufferKind::Output(i)) => ArgPlan::Output {
                        index: i as usize,
                        offset,
                    },
                    Some(BufferKind::Weight(i)) => ArgPlan::Weight {
                        offset: weight_offsets
                            .get(i as usize)
                            .ok_or_else(|| unvalidated("a weight index out of range"))?
                            + offset,
                    },
                    Some(BufferKind::Arena(base)) => ArgPlan::Arena {
                        offset: to_usize(base, "a kernel argument")? + offset,
                    },
                    None => return Err(unvalidated("an argument without a buffer")),
                });
            }
            launches.push(LaunchPlan {
                name: launch.kernel.clone(),
                kernel: *kernels
                    .get(launch.kernel.as_str())
                    .ok_or_else(|| unvalidated("a kernel missing from the code"))?,
                args: start..args.len(),
                tasks: launch.tasks as i64,
            });
        }

        Ok(Model {
            inputs: infos(&bundle.inputs),
            outputs: infos(&bundle.outputs),
            producer: bundle.producer.clone(),
            triple: bundle
                .code_for(DEVICE_CPU)
                .map(|c| c.triple.clone())
                .unwrap_or_default(),
            arena_bytes: memory.arena_bytes,
            arena_alignment: (memory.alignment as usize).max(ALIGN),
            weights,
            launches,
            args,
            code,
        })
    }

    /// The inputs, in signature order.
    pub fn inputs(&self) -> &[TensorInfo] {
        &self.inputs
    }

    /// The outputs, in signature order.
    pub fn outputs(&self) -> &[TensorInfo] {
        &self.outputs
    }

    /// The index of the input called `name`.
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|t| t.name == name)
    }

    /// The index of the output called `name`.
    pub fn output_index(&self, name: &str) -> Option<usize> {
        self.outputs.iter().position(|t| t.name == name)
    }

    /// Who wrote the bundle.
    pub fn producer(&self) -> &str {
        &self.producer
    }

    /// The CPU code's target triple ("" without CPU code).
    pub fn target_triple(&self) -> &str {
        &self.triple
    }

    /// The arena size each session allocates.
    pub fn arena_bytes(&self) -> u64 {
        self.arena_bytes
    }

    /// The bytes of the weight block (each weight rounded up to 64 bytes).
    pub fn weight_bytes(&self) -> usize {
        self.weights.len()
    }

    /// The number of kernel launches per run.
    pub fn num_launches(&self) -> usize {
        self.launches.len()
    }

    #[cfg(test)]
    pub(crate) fn storage(&self) -> Option<Storage> {
        self.code.as_ref().map(Loaded::storage)
    }

    #[cfg(test)]
    pub(crate) fn code_path(&self) -> Option<std::path::PathBuf> {
        self.code.as_ref().and_then(Loaded::path)
    }
}
