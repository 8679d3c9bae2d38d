//! [`Session`]: the mutable half of running a model: arena, input and output buffers, threads.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::sync::Arc;

use flowc_tensor::{DType, Tensor};

use crate::RuntimeError;
use crate::aligned::AlignedBuf;
use crate::model::{ALIGN, ArgPlan, Model, TensorInfo};
use crate::pool::Pool;

/// One launch of a profiled run ([`Session::run_profiled`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchTime {
    /// The kernel's symbol.
    pub kernel: String,
    /// Its task count.
    pub tasks: u64,
    /// Wall-clock time of the launch, all threads.
    pub time: std::time::Duration,
}

/// How a [`Session`] runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionOptions {
    /// Threads per launch, the caller's included (0 means the default: every available core).
    pub threads: usize,
}

impl Default for SessionOptions {
    fn default() -> SessionOptions {
        SessionOptions {
            threads: default_threads(),
        }
    }
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Names an input or output: its index (`usize`) or its name (`&str`, `String`).
pub trait TensorKey {
    /// The index of the entry in `infos`; `what` is "input" or "output", for the error.
    fn index_in(&self, infos: &[TensorInfo], what: &'static str) -> Result<usize, RuntimeError>;
}

impl TensorKey for usize {
    fn index_in(&self, infos: &[TensorInfo], what: &'static str) -> Result<usize, RuntimeError> {
        if *self < infos.len() {
            Ok(*self)
        } else {
            Err(RuntimeError::NotFound {
                what,
                key: format!("#{self} (it has {})", infos.len()),
            })
        }
    }
}

impl TensorKey for &str {
    fn index_in(&self, infos: &[TensorInfo], what: &'static str) -> Result<usize, RuntimeError> {
        infos
            .iter()
            .position(|t| t.name == *self)
            .ok_or_else(|| RuntimeError::NotFound {
                what,
                key: format!("{self:?}"),
            })
    }
}

impl TensorKey for String {
    fn index_in(&self, infos: &[TensorInfo], what: &'static str) -> Result<usize, RuntimeError> {
        self.as_str().index_in(infos, what)
    }
}

impl TensorKey for &String {
    fn index_in(&self, infos: &[TensorInfo], what: &'static str) -> Result<usize, RuntimeError> {
        self.as_str().index_in(infos, what)
    }
}

/// One output after a run: its signature entry and its bytes (little-endian, row-major).
#[derive(Clone, Copy, Debug)]
pub struct Output<'a> {
    info: &'a TensorInfo,
    bytes: &'a [u8],
}

impl<'a> Output<'a> {
    pub fn name(&self) -> &'a str {
        &self.info.name
    }

    pub fn dtype(&self) -> DType {
        self.info.dtype
    }

    pub fn shape(&self) -> &'a [usize] {
        &self.info.shape
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// A host tensor holding a copy of the output.
    pub fn to_tensor(&self) -> Result<Tensor, RuntimeError> {
        Ok(Tensor::from_bytes_le(
            self.info.dtype,
            self.info.shape.clone(),
            self.bytes,
        )?)
    }
}

/// Runs a [`Model`]: owns a 64-byte aligned arena, the input and output buffers and a thread
/// pool, all allocated once and reused by every [`Session::run`]. Inputs stay set across runs.
/// Use one session per thread; any number of sessions may share one model and run at once.
pub struct Session {
    model: Arc<Model>,
    arena: AlignedBuf,
    inputs: Vec<AlignedBuf>,
    input_set: Vec<bool>,
    outputs: Vec<AlignedBuf>,
    has_run: bool,
    /// Every launch's argument pointers, `model.launches[l].args` indexing into it.
    args: Vec<*mut c_void>,
    pool: Pool,
}

// SAFETY: the raw pointers in `args` point into buffers this session owns (or into the model,
// which it keeps alive through its Arc); nothing else refers to them, so moving the session to
// another thread moves exclusive ownership along.
unsafe impl Send for Session {}
// SAFETY: `&Session` only reads buffers; every write needs `&mut Session`.
unsafe impl Sync for Session {}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("threads", &self.pool.threads())
            .field("arena_bytes", &self.arena.len())
            .field("has_run", &self.has_run)
            .finish_non_exhaustive()
    }
}

fn alloc_all(infos: &[TensorInfo], what: &str) -> Result<Vec<AlignedBuf>, RuntimeError> {
    infos
        .iter()
        .map(|t| AlignedBuf::zeroed(t.bytes as u64, ALIGN, &format!("{what} {:?}", t.name)))
        .collect()
}

impl Session {
    /// Allocates the session's buffers and starts its threads.
    pub fn new(model: Arc<Model>, options: SessionOptions) -> Result<Session, RuntimeError> {
        let threads = if options.threads == 0 {
            default_threads()
        } else {
            options.threads
        };
        let arena = AlignedBuf::zeroed(model.arena_bytes, model.arena_alignment, "the arena")?;
        let inputs = alloc_all(model.inputs(), "input")?;
        let outputs = alloc_all(model.outputs(), "output")?;
        let args = model
            .args
            .iter()
            .map(|a| {
                let (base, offset) = match *a {
                    ArgPlan::Input { index, offset } => (inputs[index].as_ptr(), offset),
                    ArgPlan::Output { index, offset } => (outputs[index].as_ptr(), offset),
                    ArgPlan::Weight { offset } => (model.weights.as_ptr(), offset),
                    ArgPlan::Arena { offset } => (arena.as_ptr(), offset),
                };
                // Validated: `offset` lies within the buffer (or equals its end for an empty
                // range), so this stays in bounds; wrapping_add keeps it safe regardless.
                base.wrapping_add(offset).cast::<c_void>()
            })
            .collect();
        Ok(Session {
            input_set: vec![false; inputs.len()],
            pool: Pool::new(threads)?,
            model,
            arena,
            inputs,
            outputs,
            has_run: false,
            args,
        })
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Threads per launch, the caller's included.
    pub fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// Sets an input from raw little-endian bytes after checking dtype, shape and size against
    /// the signature. The bytes are copied; the input stays set for later runs.
    pub fn set_input(
        &mut self,
        input: impl TensorKey,
        dtype: DType,
        shape: &[usize],
        data: &[u8],
    ) -> Result<(), RuntimeError> {
        let i = self.check_input(input, dtype, shape)?;
        let info = &self.model.inputs()[i];
        if data.len() != info.bytes {
            return Err(RuntimeError::Size {
                input: info.name.clone(),
                expected: info.bytes,
                actual: data.len(),
            });
        }
        self.inputs[i].as_mut_slice().copy_from_slice(data);
        self.input_set[i] = true;
        Ok(())
    }

    /// Sets an input from a host tensor (dtype and shape checked against the signature).
    pub fn set_input_tensor(
        &mut self,
        input: impl TensorKey,
        tensor: &Tensor,
    ) -> Result<(), RuntimeError> {
        let i = self.check_input(input, tensor.dtype(), tensor.shape())?;
        self.inputs[i]
            .as_mut_slice()
            .copy_from_slice(&tensor.to_bytes_le());
        self.input_set[i] = true;
        Ok(())
    }

    /// The input's buffer, to be filled in place (no copy); marks the input as set.
    pub fn input_bytes_mut(&mut self, input: impl TensorKey) -> Result<&mut [u8], RuntimeError> {
        let i = input.index_in(self.model.inputs(), "input")?;
        self.input_set[i] = true;
        Ok(self.inputs[i].as_mut_slice())
    }

    fn check_input(
        &self,
        input: impl TensorKey,
        dtype: DType,
        shape: &[usize],
    ) -> Result<usize, RuntimeError> {
        let i = input.index_in(self.model.inputs(), "input")?;
        let info = &self.model.inputs()[i];
        if dtype != info.dtype {
            return Err(RuntimeError::DType {
                input: info.name.clone(),
                expected: info.dtype,
                actual: dtype,
            });
        }
        if shape != info.shape.as_slice() {
            return Err(RuntimeError::Shape {
                input: info.name.clone(),
                expected: info.shape.clone(),
                actual: shape.to_vec(),
            });
        }
        Ok(i)
    }

    /// Runs every launch in order. Every input must have been set (in this or an earlier run).
    pub fn run(&mut self) -> Result<(), RuntimeError> {
        if let Some(i) = self.input_set.iter().position(|set| !set) {
            return Err(RuntimeError::MissingInput(
                self.model.inputs()[i].name.clone(),
            ));
        }
        // SAFETY: every kernel was resolved from the model's shared object (kept loaded by
        // `self.model`); `self.args` holds each launch's pointers into buffers that this
        // session owns or the model holds, each at least as large as the bundle says
        // (validated); `&mut self` keeps them from being touched until the run ends.
        unsafe { self.pool.run(&self.model.launches, &self.args) };
        self.has_run = true;
        Ok(())
    }

    /// [`Session::run`], timing every launch: one entry per launch of the launch plan, in
    /// order, with the kernel's symbol, its task count and its wall-clock time (all threads).
    /// Timing adds a clock read per launch; use [`Session::run`] when no profile is needed.
    pub fn run_profiled(&mut self) -> Result<Vec<LaunchTime>, RuntimeError> {
        if let Some(i) = self.input_set.iter().position(|set| !set) {
            return Err(RuntimeError::MissingInput(
                self.model.inputs()[i].name.clone(),
            ));
        }
        let mut times = Vec::with_capacity(self.model.launches.len());
        // SAFETY: as in `run`.
        unsafe {
            self.pool
                .run_timed(&self.model.launches, &self.args, &mut times)
        };
        self.has_run = true;
        Ok(self
            .model
            .launches
            .iter()
            .zip(times)
            .map(|(l, time)| LaunchTime {
                kernel: l.name.clone(),
                tasks: l.tasks as u64,
                time,
            })
            .collect())
    }

    /// An output of the last run.
    pub fn output(&self, output: impl TensorKey) -> Result<Output<'_>, RuntimeError> {
        let i = output.index_in(self.model.outputs(), "output")?;
        if !self.has_run {
            return Err(RuntimeError::NotRun);
        }
        Ok(Output {
            info: &self.model.outputs()[i],
            bytes: self.outputs[i].as_slice(),
        })
    }

    /// An output of the last run as a host tensor.
    pub fn output_tensor(&self, output: impl TensorKey) -> Result<Tensor, RuntimeError> {
        self.output(output)?.to_tensor()
    }
}
