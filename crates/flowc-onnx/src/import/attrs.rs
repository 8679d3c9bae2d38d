//! ONNX attributes as MLIR attributes, per the flow dialect's table:
//!
//! | ONNX | MLIR |
//! | --- | --- |
//! | INT | `3 : i64` |
//! | FLOAT | `1.0e-05 : f32` |
//! | STRING | `"SAME_UPPER"` |
//! | INTS | `array<i64: ...>` |
//! | FLOATS | `array<f32: ...>` |
//! | STRINGS | `["a", "b"]` |
//! | TENSOR | `dense<...> : tensor<...>` |
//!
//! Graphs, sparse tensors, type protos and their lists are refused.

use super::types::dense_attr;
use crate::OnnxError;
use crate::proto::AttributeProto;
use crate::proto::attribute_proto::AttributeType;
use crate::tensor::decode_tensor;
use flowc_ir::{AttrData, Attribute, Context};
use std::path::Path;

/// The kind of an attribute: its `type` field, or for producers that leave it unset (IR
/// version 1), the one value field that is set.
pub fn attr_kind(a: &AttributeProto) -> AttributeType {
    let declared = a.r#type();
    if declared != AttributeType::Undefined {
        return declared;
    }
    if a.f.is_some() {
        AttributeType::Float
    } else if a.i.is_some() {
        AttributeType::Int
    } else if a.s.is_some() {
        AttributeType::String
    } else if a.t.is_some() {
        AttributeType::Tensor
    } else if a.g.is_some() {
        AttributeType::Graph
    } else if !a.floats.is_empty() {
        AttributeType::Floats
    } else if !a.ints.is_empty() {
        AttributeType::Ints
    } else if !a.strings.is_empty() {
        AttributeType::Strings
    } else if !a.tensors.is_empty() {
        AttributeType::Tensors
    } else if !a.graphs.is_empty() {
        AttributeType::Graphs
    } else if a.tp.is_some() {
        AttributeType::TypeProto
    } else {
        AttributeType::Undefined
    }
}

fn utf8(bytes: &[u8], name: &str) -> Result<String, String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| format!("string attribute '{name}' is not valid UTF-8"))
}

/// Why an attribute could not be converted.
pub enum AttrError {
    Invalid(String),
    Unsupported(String),
}

impl From<String> for AttrError {
    fn from(m: String) -> Self {
        AttrError::Invalid(m)
    }
}

/// Converts one attribute. `base_dir` is for tensors whose data is external.
pub fn convert_attr(
    ctx: &mut Context,
    a: &AttributeProto,
    base_dir: Option<&Path>,
) -> Result<Attribute, AttrError> {
    let name = a.name();
    if a.ref_attr_name.is_some() {
        return Err(AttrError::Invalid(format!(
            "attribute '{name}' refers to a function attribute, which only functions may do"
        )));
    }
    Ok(match attr_kind(a) {
        AttributeType::Int => ctx.i64_attr(a.i()),
        AttributeType::Float => {
            let f32 = ctx.f32_type();
            ctx.intern_attr(AttrData::Float {
                bits: a.f().to_bits() as u64,
                ty: f32,
            })
        }
        AttributeType::String => {
            let s = utf8(a.s(), name)?;
            ctx.string_attr(s)
        }
        AttributeType::Ints => ctx.dense_i64_array_attr(&a.ints),
        AttributeType::Floats => {
            let element = ctx.f32_type();
            let data = a.floats.iter().flat_map(|v| v.to_le_bytes()).collect();
            ctx.intern_attr(AttrData::DenseArray { element, data })
        }
        AttributeType::Strings => {
            let mut items = Vec::with_capacity(a.strings.len());
            for s in &a.strings {
                let s = utf8(s, name)?;
                items.push(ctx.string_attr(s));
            }
            ctx.array_attr(items)
        }
        AttributeType::Tensor => {
            let t =
                a.t.as_ref()
                    .ok_or_else(|| format!("attribute '{name}' has no tensor"))?;
            let raw = decode_tensor(t, base_dir).map_err(|e| match e {
                OnnxError::Unsupported(_) => {
                    AttrError::Unsupported(format!("attribute '{name}': {e}"))
                }
                e => AttrError::Invalid(format!("attribute '{name}': {e}")),
            })?;
            dense_attr(ctx, &raw)
        }
        AttributeType::Undefined => {
            return Err(AttrError::Invalid(format!(
                "attribute '{name}' has no value"
            )));
        }
        other => {
            return Err(AttrError::Unsupported(format!(
                "attribute '{name}' is of type {}, which flowc does not support",
                other.as_str_name()
            )));
        }
    })
}
