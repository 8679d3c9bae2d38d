//! The driver's error type: a message for the user and a kind that `flowc test-onnx` uses to
//! classify a case (unsupported vs. any other error). Errors of flowc-onnx and flowc-interp
//! carry their own kind (`ImportErrorKind`, `InterpErrorKind`), which [`DriverError::from_kind`]
//! keeps.

use std::fmt;

/// What went wrong, coarsely.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line or an input file does not fit the model (count, name, dtype, shape), or
    /// an input file cannot be read.
    Input,
    /// The model file is missing, unreadable or malformed.
    Model,
    /// A well-formed model uses an operator, dtype or attribute that flowc does not support.
    Unsupported,
    /// Running the model failed.
    Runtime,
    /// An output could not be written.
    Output,
}

/// An error with a message that names the file or value it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriverError {
    pub kind: ErrorKind,
    pub message: String,
}

impl DriverError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DriverError {
            kind,
            message: message.into(),
        }
    }

    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    pub fn model(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Model, message)
    }

    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Runtime, message)
    }

    pub fn output(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Output, message)
    }

    /// An error from a library that says whether it refused something valid that flowc does
    /// not support (flowc-onnx's `ImportError::is_unsupported`, flowc-interp's
    /// `InterpError::is_unsupported`): unsupported if so, else `otherwise`.
    pub fn from_kind(unsupported: bool, message: impl Into<String>, otherwise: ErrorKind) -> Self {
        let kind = if unsupported {
            ErrorKind::Unsupported
        } else {
            otherwise
        };
        Self::new(kind, message)
    }

    pub fn is_unsupported(&self) -> bool {
        self.kind == ErrorKind::Unsupported
    }
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DriverError {}

pub type Result<T, E = DriverError> = std::result::Result<T, E>;
