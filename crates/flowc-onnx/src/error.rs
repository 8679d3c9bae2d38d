//! Errors of the ONNX front end.
//!
//! [`OnnxError`] is what reading a model or a tensor can fail with; [`ImportError`] is what
//! importing a graph can fail with, naming the node (name, op type, domain, opset) when one is
//! to blame, so that a user can find it in their model.

use std::fmt;
use std::path::PathBuf;

/// An error reading an ONNX file or converting a tensor.
#[derive(Debug)]
pub enum OnnxError {
    /// A file could not be opened or read.
    Io { path: PathBuf, message: String },
    /// The bytes are not a valid protobuf message of the expected kind.
    Decode(String),
    /// The message decodes but breaks the ONNX specification (or a limit of flowc).
    Invalid(String),
    /// Valid ONNX that flowc does not support (string tensors, sparse initializers, ...).
    Unsupported(String),
}

impl OnnxError {
    pub(crate) fn io(path: impl Into<PathBuf>, err: impl fmt::Display) -> Self {
        OnnxError::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        OnnxError::Invalid(message.into())
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        OnnxError::Unsupported(message.into())
    }
}

impl fmt::Display for OnnxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OnnxError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            OnnxError::Decode(m) => write!(f, "not a valid ONNX protobuf: {m}"),
            OnnxError::Invalid(m) => f.write_str(m),
            OnnxError::Unsupported(m) => write!(f, "unsupported: {m}"),
        }
    }
}

impl std::error::Error for OnnxError {}

/// The node an import error is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    /// The node's name, or `<op_type>_<index>` when it has none.
    pub name: String,
    pub op_type: String,
    /// The node's domain as written in the model (`""` is the default ONNX domain).
    pub domain: String,
    /// The opset version imported for that domain, when the model imports it.
    pub opset: Option<i64>,
}

impl fmt::Display for NodeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "node '{}' (op '{}', domain '{}', opset ",
            self.name, self.op_type, self.domain
        )?;
        match self.opset {
            Some(v) => write!(f, "{v})"),
            None => f.write_str("not imported)"),
        }
    }
}

/// Whether an import failed on a malformed model or on one flowc does not support.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImportErrorKind {
    /// The model breaks the ONNX specification (or is inconsistent).
    Invalid,
    /// Valid ONNX that flowc cannot import (an op, attribute, type, domain or opset).
    Unsupported,
}

/// An error importing a model into flowc IR.
#[derive(Debug)]
pub struct ImportError {
    /// The node at fault, if any (graph-level problems have none).
    pub node: Option<NodeInfo>,
    pub message: String,
    pub kind: ImportErrorKind,
}

impl ImportError {
    pub(crate) fn graph(message: impl Into<String>) -> Self {
        ImportError {
            node: None,
            message: message.into(),
            kind: ImportErrorKind::Invalid,
        }
    }

    /// A reading error about `what` (an initializer, a graph input).
    pub(crate) fn about(what: &str, e: OnnxError) -> Self {
        let kind = match e {
            OnnxError::Unsupported(_) => ImportErrorKind::Unsupported,
            _ => ImportErrorKind::Invalid,
        };
        ImportError {
            node: None,
            message: format!("{what}: {e}"),
            kind,
        }
    }

    /// Whether the model is valid ONNX that flowc does not support.
    pub fn is_unsupported(&self) -> bool {
        self.kind == ImportErrorKind::Unsupported
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) => write!(f, "{node}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<OnnxError> for ImportError {
    fn from(e: OnnxError) -> Self {
        let kind = match e {
            OnnxError::Unsupported(_) => ImportErrorKind::Unsupported,
            _ => ImportErrorKind::Invalid,
        };
        ImportError {
            node: None,
            message: e.to_string(),
            kind,
        }
    }
}
