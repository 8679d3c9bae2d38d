//! Reading ONNX model files.

use crate::OnnxError;
use crate::proto::{GraphProto, ModelProto};
use prost::Message;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The oldest default-domain opset the importer accepts.
pub const MIN_OPSET: i64 = 7;
/// The newest default-domain opset the importer knows (onnx 1.23: opset 28). Newer models
/// are refused rather than imported with possibly changed semantics.
pub const MAX_OPSET: i64 = 28;

/// A decoded ONNX model and where its external data lives.
///
/// Tensor data stored in external files is not read here: [`crate::tensor_from_proto`] and
/// the importer read each tensor when needed, with seeks, so models whose weights are larger
/// than protobuf's 2 GB message limit load like any other.
#[derive(Clone, Debug)]
pub struct Model {
    pub proto: ModelProto,
    /// The model file, when read from disk.
    pub path: Option<PathBuf>,
    /// The directory that external data locations are relative to; `None` refuses external
    /// data (models decoded from memory).
    pub base_dir: Option<PathBuf>,
    /// Imported opset versions by domain; the default domain is `""` (`"ai.onnx"` is folded
    /// into it).
    pub opsets: BTreeMap<String, i64>,
}

/// The default ONNX domain has two spellings.
pub fn normalize_domain(domain: &str) -> &str {
    if domain == "ai.onnx" { "" } else { domain }
}

impl Model {
    /// Decodes a model from bytes; `base_dir` is where external data files are looked up.
    pub fn from_bytes(bytes: &[u8], base_dir: Option<PathBuf>) -> Result<Model, OnnxError> {
        let proto = ModelProto::decode(bytes).map_err(|e| OnnxError::Decode(e.to_string()))?;
        Model::from_proto(proto, base_dir)
    }

    /// Wraps a decoded model, checking its opset imports.
    pub fn from_proto(proto: ModelProto, base_dir: Option<PathBuf>) -> Result<Model, OnnxError> {
        if proto.graph.is_none() {
            return Err(OnnxError::invalid("the model has no graph"));
        }
        let mut opsets = BTreeMap::new();
        for o in &proto.opset_import {
            let domain = normalize_domain(o.domain()).to_string();
            let version = o.version();
            if version < 1 {
                return Err(OnnxError::invalid(format!(
                    "opset_import for domain '{}' has version {version}",
                    o.domain()
                )));
            }
            if let Some(prev) = opsets.insert(domain, version)
                && prev != version
            {
                return Err(OnnxError::invalid(format!(
                    "opset_import lists domain '{}' twice (versions {prev} and {version})",
                    o.domain()
                )));
            }
        }
        Ok(Model {
            proto,
            path: None,
            base_dir,
            opsets,
        })
    }

    /// The main graph.
    pub fn graph(&self) -> &GraphProto {
        // `from_proto` refuses models without a graph.
        self.proto.graph.as_ref().unwrap_or(&EMPTY_GRAPH)
    }

    /// The imported opset version of `domain` (`""` or `"ai.onnx"` for the default domain).
    pub fn opset_version(&self, domain: &str) -> Option<i64> {
        self.opsets.get(normalize_domain(domain)).copied()
    }

    /// The file name used in locations and messages (`model.onnx`, or `<memory>`).
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "<memory>".to_string(),
        }
    }
}

static EMPTY_GRAPH: GraphProto = GraphProto {
    node: Vec::new(),
    name: None,
    initializer: Vec::new(),
    doc_string: None,
    input: Vec::new(),
    output: Vec::new(),
    value_info: Vec::new(),
};

/// Reads an ONNX model file. External data files are resolved relative to the model's
/// directory when tensors are read.
pub fn load_model(path: impl AsRef<Path>) -> Result<Model, OnnxError> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| OnnxError::io(path, e))?;
    if meta.is_dir() {
        return Err(OnnxError::io(path, "is a directory"));
    }
    let bytes = std::fs::read(path).map_err(|e| OnnxError::io(path, e))?;
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut model = Model::from_bytes(&bytes, Some(base_dir))?;
    model.path = Some(path.to_path_buf());
    Ok(model)
}
