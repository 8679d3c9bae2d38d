//! The driver's error type: a message for the user and a kind that `flowc test-onnx` uses to
//! classify a case (unsupported vs. any other error).

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

/// Phrases (lower case) by which the importer and the interpreter say that they refuse
/// something valid that flowc does not support: "op 'X' is not supported", "unsupported op",
/// "unsupported element type", "attribute ... of type GRAPH, which flowc does not support",
/// "not a data type flow supports", and "(flowc compiles for inference)" for training modes.
pub const UNSUPPORTED_WORDING: &[&str] = &[
    "unsupported",
    "not supported",
    "does not support",
    "not a data type flow supports",
    "flowc compiles for inference",
];

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

    /// An error from a library whose errors carry no kind (flowc-onnx's `ImportError`,
    /// flowc-interp's `InterpError`): unsupported when the message uses the wording those
    /// crates use for refused ops, dtypes and attributes ([`UNSUPPORTED_WORDING`]), else
    /// `otherwise`.
    pub fn classified(message: impl Into<String>, otherwise: ErrorKind) -> Self {
        let message = message.into();
        let lower = message.to_ascii_lowercase();
        let kind = if UNSUPPORTED_WORDING.iter().any(|w| lower.contains(w)) {
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
