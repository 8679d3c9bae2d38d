//! [`RuntimeError`]: everything that can go wrong loading or running a model.

use std::fmt;
use std::path::PathBuf;

use flowc_bundle::BundleError;
use flowc_tensor::{DType, TensorError};

/// An error of the runtime. Bad files, wrong inputs and missing symbols are all errors, never
/// panics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeError {
    /// The bundle file could not be read.
    Io { path: PathBuf, message: String },
    /// The bundle is malformed or inconsistent.
    Bundle(BundleError),
    /// The bundle launches kernels on a device this runtime does not run.
    UnsupportedDevice(String),
    /// The CPU code was built for another target.
    WrongTarget { triple: String, host: String },
    /// The shared object could not be written out or loaded.
    Load(String),
    /// The shared object does not export a kernel the launch plan names.
    MissingSymbol { kernel: String, message: String },
    /// An allocation failed (`what` says which buffer).
    OutOfMemory { what: String, bytes: u64 },
    /// No input / output with this index or name.
    NotFound { what: &'static str, key: String },
    /// An input was given with another element type than the signature's.
    DType {
        input: String,
        expected: DType,
        actual: DType,
    },
    /// An input was given with another shape than the signature's.
    Shape {
        input: String,
        expected: Vec<usize>,
        actual: Vec<usize>,
    },
    /// An input's data has the wrong number of bytes for its dtype and shape.
    Size {
        input: String,
        expected: usize,
        actual: usize,
    },
    /// `run` was called before this input was set.
    MissingInput(String),
    /// An output was read before the first successful `run`.
    NotRun,
    /// A caller-provided buffer is too small (C API `flowc_session_copy_output`).
    BufferTooSmall { needed: usize, given: usize },
    /// An invalid argument at the C API (a NULL pointer, an unknown dtype code, ...).
    InvalidArgument(String),
    /// The thread pool could not be started.
    ThreadPool(String),
    /// Building a host tensor failed.
    Tensor(TensorError),
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            RuntimeError::Bundle(e) => e.fmt(f),
            RuntimeError::UnsupportedDevice(d) => {
                write!(
                    f,
                    "the bundle launches kernels on device {d:?}, which this runtime does not run"
                )
            }
            RuntimeError::WrongTarget { triple, host } => write!(
                f,
                "the bundle's CPU code is built for {triple}, this machine is {host}"
            ),
            RuntimeError::Load(m) => write!(f, "loading the kernels' shared object: {m}"),
            RuntimeError::MissingSymbol { kernel, message } => write!(
                f,
                "the shared object does not export kernel {kernel:?}: {message}"
            ),
            RuntimeError::OutOfMemory { what, bytes } => {
                write!(f, "out of memory allocating {bytes} bytes for {what}")
            }
            RuntimeError::NotFound { what, key } => write!(f, "the model has no {what} {key}"),
            RuntimeError::DType {
                input,
                expected,
                actual,
            } => write!(f, "input {input:?} has dtype {expected}, got {actual}"),
            RuntimeError::Shape {
                input,
                expected,
                actual,
            } => write!(f, "input {input:?} has shape {expected:?}, got {actual:?}"),
            RuntimeError::Size {
                input,
                expected,
                actual,
            } => write!(f, "input {input:?} needs {expected} bytes, got {actual}"),
            RuntimeError::MissingInput(name) => {
                write!(f, "input {name:?} was not set before run")
            }
            RuntimeError::NotRun => write!(f, "outputs are read before the first run"),
            RuntimeError::BufferTooSmall { needed, given } => write!(
                f,
                "the buffer holds {given} bytes, the output needs {needed}"
            ),
            RuntimeError::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            RuntimeError::ThreadPool(m) => write!(f, "starting the thread pool: {m}"),
            RuntimeError::Tensor(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RuntimeError {}

impl From<BundleError> for RuntimeError {
    fn from(e: BundleError) -> RuntimeError {
        RuntimeError::Bundle(e)
    }
}

impl From<TensorError> for RuntimeError {
    fn from(e: TensorError) -> RuntimeError {
        RuntimeError::Tensor(e)
    }
}
