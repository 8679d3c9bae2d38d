//! The front end of the driver: reading an ONNX model, its declared signature, and importing it
//! into verified `flow` IR.

use std::path::{Path, PathBuf};

use flowc_ir::{Context, Op};
use flowc_onnx::proto;
use flowc_tensor::DType;

use crate::error::{DriverError, ErrorKind, Result};
use crate::signature::{Dim, Signature, ValueSpec, ValueType};

/// A parsed ONNX model file (not yet imported).
pub struct ModelFile {
    pub path: PathBuf,
    pub model: flowc_onnx::Model,
}

/// A model imported into verified `flow` IR: the context that owns it and the function to run
/// (inside the imported module; its arguments are the graph inputs, its results the graph
/// outputs).
pub struct ImportedModel {
    pub ctx: Context,
    pub func: Op,
}

impl ModelFile {
    /// Reads and decodes `path` (external data files are resolved beside it).
    pub fn read(path: &Path) -> Result<ModelFile> {
        let model = flowc_onnx::load_model(path).map_err(|e| onnx_error(e, path))?;
        Ok(ModelFile {
            path: path.to_path_buf(),
            model,
        })
    }

    /// The model path as given, for messages.
    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// The graph's inputs (initializers excluded) and outputs with their declared types.
    pub fn signature(&self) -> Result<Signature> {
        let graph = self.model.graph();
        let initializers: std::collections::HashSet<&str> =
            graph.initializer.iter().map(|t| t.name()).collect();
        let inputs = graph
            .input
            .iter()
            .filter(|v| !initializers.contains(v.name()))
            .map(value_spec)
            .collect();
        let outputs = graph.output.iter().map(value_spec).collect();
        Ok(Signature { inputs, outputs })
    }

    /// The op types of the main graph's nodes, in node order.
    pub fn op_types(&self) -> Vec<String> {
        self.model
            .graph()
            .node
            .iter()
            .map(|n| n.op_type().to_string())
            .collect()
    }

    /// This model with its graph inputs' shapes fixed to `shapes` (signature order): symbolic and
    /// unknown dims become static, so the import folds shape computations and code generation
    /// sees static shapes everywhere.
    pub fn with_input_shapes(&self, shapes: &[Vec<usize>]) -> ModelFile {
        use proto::tensor_shape_proto::{Dimension, dimension::Value as D};
        let mut model = self.model.clone();
        if let Some(graph) = model.proto.graph.as_mut() {
            let initializers: std::collections::HashSet<String> = graph
                .initializer
                .iter()
                .map(|t| t.name().to_string())
                .collect();
            let inputs = graph
                .input
                .iter_mut()
                .filter(|v| !initializers.contains(v.name()));
            for (v, shape) in inputs.zip(shapes) {
                if let Some(proto::type_proto::Value::TensorType(tt)) =
                    v.r#type.as_mut().and_then(|t| t.value.as_mut())
                {
                    tt.shape = Some(proto::TensorShapeProto {
                        dim: shape
                            .iter()
                            .map(|&d| Dimension {
                                value: Some(D::DimValue(d as i64)),
                                ..Default::default()
                            })
                            .collect(),
                    });
                }
            }
        }
        ModelFile {
            path: self.path.clone(),
            model,
        }
    }

    /// Imports the model into `flow` IR and verifies the result.
    pub fn import(&self) -> Result<ImportedModel> {
        let mut ctx = flowc_init::context_with_all_dialects();
        let opts = flowc_onnx::ImportOptions::default();
        debug_assert!(opts.verify, "the importer verifies what it imports");
        let module = flowc_onnx::import_model(&mut ctx, &self.model, &opts).map_err(|e| {
            DriverError::from_kind(
                e.is_unsupported(),
                format!("{}: {e}", self.display_path()),
                ErrorKind::Model,
            )
        })?;
        let func = find_function(&ctx, module, &opts.func_name).ok_or_else(|| {
            DriverError::model(format!(
                "{}: the imported module has no function '@{}'",
                self.display_path(),
                opts.func_name
            ))
        })?;
        Ok(ImportedModel { ctx, func })
    }
}

/// The `func.func` named `name` at the top of `module`.
fn find_function(ctx: &Context, module: Op, name: &str) -> Option<Op> {
    let region = *ctx.regions(module).first()?;
    let block = *ctx.region_blocks(region).first()?;
    ctx.block_ops(block).find(|&op| {
        ctx.op_name(op) == "func.func"
            && ctx
                .attr(op, "sym_name")
                .and_then(|a| ctx.str_value(a))
                .is_some_and(|s| s == name)
    })
}

/// A reading error, kept as unsupported when flowc-onnx says so.
pub fn onnx_error(e: flowc_onnx::OnnxError, path: &Path) -> DriverError {
    let unsupported = matches!(e, flowc_onnx::OnnxError::Unsupported(_));
    let text = e.to_string();
    // Messages about a file already start with its path.
    let message = if text.starts_with(&path.display().to_string()) {
        text
    } else {
        format!("{}: {text}", path.display())
    };
    if unsupported {
        DriverError::unsupported(message)
    } else {
        DriverError::model(message)
    }
}

fn value_spec(v: &proto::ValueInfoProto) -> ValueSpec {
    ValueSpec {
        name: v.name().to_string(),
        ty: value_type(v.r#type.as_ref()),
    }
}

fn value_type(t: Option<&proto::TypeProto>) -> ValueType {
    use proto::type_proto::Value;
    match t.and_then(|t| t.value.as_ref()) {
        None => ValueType::Other("a value of unknown type".to_string()),
        Some(Value::TensorType(tt)) => {
            let code = tt.elem_type();
            let Some(dtype) = DType::from_onnx_code(code) else {
                return ValueType::Other(format!(
                    "a tensor of ONNX element type {} ({code})",
                    onnx_type_name(code)
                ));
            };
            let shape = tt.shape.as_ref().map(|s| {
                s.dim
                    .iter()
                    .map(|d| {
                        use proto::tensor_shape_proto::dimension::Value as D;
                        match &d.value {
                            Some(D::DimValue(n)) if *n >= 0 => Dim::Fixed(*n as u64),
                            Some(D::DimParam(p)) => Dim::Symbolic(p.clone()),
                            _ => Dim::Symbolic(String::new()),
                        }
                    })
                    .collect()
            });
            ValueType::Tensor { dtype, shape }
        }
        Some(Value::SequenceType(_)) => ValueType::Other("a sequence".to_string()),
        Some(Value::MapType(_)) => ValueType::Other("a map".to_string()),
        Some(Value::OptionalType(_)) => ValueType::Other("an optional".to_string()),
        Some(Value::SparseTensorType(_)) => ValueType::Other("a sparse tensor".to_string()),
        Some(Value::OpaqueType(_)) => ValueType::Other("an opaque value".to_string()),
    }
}

/// The ONNX name of a `TensorProto.DataType` code.
fn onnx_type_name(code: i32) -> &'static str {
    match code {
        0 => "UNDEFINED",
        8 => "STRING",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        17 => "FLOAT8E4M3FN",
        18 => "FLOAT8E4M3FNUZ",
        19 => "FLOAT8E5M2",
        20 => "FLOAT8E5M2FNUZ",
        21 => "UINT4",
        22 => "INT4",
        23 => "FLOAT4E2M1",
        _ => match DType::from_onnx_code(code) {
            Some(d) => d.name(),
            None => "unknown",
        },
    }
}
