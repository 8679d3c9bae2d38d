//! Building small ONNX models in Rust for the tests.
#![allow(dead_code)]

use flowc_onnx::proto::attribute_proto::AttributeType;
use flowc_onnx::proto::tensor_shape_proto::{Dimension, dimension};
use flowc_onnx::proto::type_proto;
use flowc_onnx::proto::*;
use flowc_onnx::{ImportOptions, Model};

pub const F32: i32 = 1;
pub const I64: i32 = 7;
pub const BOOL: i32 = 9;

pub fn attr_int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Int as i32),
        i: Some(v),
        ..Default::default()
    }
}

pub fn attr_float(name: &str, v: f32) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Float as i32),
        f: Some(v),
        ..Default::default()
    }
}

pub fn attr_ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Ints as i32),
        ints: v.to_vec(),
        ..Default::default()
    }
}

pub fn attr_floats(name: &str, v: &[f32]) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Floats as i32),
        floats: v.to_vec(),
        ..Default::default()
    }
}

pub fn attr_str(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::String as i32),
        s: Some(v.as_bytes().to_vec()),
        ..Default::default()
    }
}

pub fn attr_tensor(name: &str, t: TensorProto) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Tensor as i32),
        t: Some(t),
        ..Default::default()
    }
}

pub fn node(
    op: &str,
    name: &str,
    inputs: &[&str],
    outputs: &[&str],
    attrs: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: (!name.is_empty()).then(|| name.to_string()),
        op_type: Some(op.into()),
        attribute: attrs,
        ..Default::default()
    }
}

/// A tensor value info; `dims` entries: `Ok(n)` static, `Err("N")` symbolic; `None` unranked.
pub fn vi(name: &str, elem: i32, dims: Option<&[i64]>) -> ValueInfoProto {
    let shape = dims.map(|dims| TensorShapeProto {
        dim: dims
            .iter()
            .map(|&d| Dimension {
                value: Some(if d < 0 && d != -1 {
                    dimension::Value::DimParam(format!("d{}", -d))
                } else if d == -1 {
                    return Dimension::default();
                } else {
                    dimension::Value::DimValue(d)
                }),
                denotation: None,
            })
            .collect(),
    });
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(elem),
                shape,
            })),
            denotation: None,
        }),
        doc_string: None,
    }
}

pub fn f32_tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: dims.to_vec(),
        data_type: Some(F32),
        float_data: values.to_vec(),
        ..Default::default()
    }
}

pub fn i64_tensor(name: &str, dims: &[i64], values: &[i64]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: dims.to_vec(),
        data_type: Some(I64),
        int64_data: values.to_vec(),
        ..Default::default()
    }
}

pub fn model(
    opset: i64,
    nodes: Vec<NodeProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    inits: Vec<TensorProto>,
) -> ModelProto {
    ModelProto {
        ir_version: Some(8),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(opset),
        }],
        graph: Some(GraphProto {
            node: nodes,
            name: Some("g".into()),
            initializer: inits,
            input: inputs,
            output: outputs,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Imports a model and prints it (generic form for flow ops, no locations).
pub fn import(m: ModelProto) -> Result<String, flowc_onnx::ImportError> {
    let model = Model::from_proto(m, None).map_err(flowc_onnx::ImportError::from)?;
    let mut ctx = flowc_init::context_with_all_dialects();
    let module = flowc_onnx::import_model(&mut ctx, &model, &ImportOptions::default())?;
    Ok(ctx.print_op(module, &Default::default()))
}

/// Imports and expects success.
pub fn import_ok(m: ModelProto) -> String {
    match import(m) {
        Ok(text) => text,
        Err(e) => panic!("import failed: {e}"),
    }
}

/// Imports and expects an error.
pub fn import_err(m: ModelProto) -> flowc_onnx::ImportError {
    match import(m) {
        Ok(text) => panic!("import succeeded:\n{text}"),
        Err(e) => e,
    }
}
