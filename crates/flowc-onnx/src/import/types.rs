//! ONNX types and tensors as flowc IR types and attributes.

use crate::OnnxError;
use crate::proto::{TypeProto, type_proto};
use crate::tensor::{RawTensor, dtype_from_onnx};
use flowc_flow::DTypeIr;
use flowc_ir::{AttrData, Attribute, Context, DYNAMIC, Type, TypeData};
use flowc_tensor::DType;

/// The dtype of the elements of a tensor type.
pub fn tensor_dtype(ctx: &Context, ty: Type) -> Option<DType> {
    DType::from_type(ctx, ctx.element_type(ty)?)
}

/// A ranked tensor type.
pub fn tensor_type(ctx: &mut Context, dtype: DType, shape: &[usize]) -> Type {
    let elem = dtype.to_type(ctx);
    ctx.tensor_type(shape.iter().map(|&d| d as i64).collect(), elem)
}

/// What an ONNX `TypeProto` says about a tensor: its IR type and the `dim_param` names (one
/// entry per dim, empty where the dim has no name; empty when unranked).
pub struct ValueType {
    pub ty: Type,
    pub dim_params: Vec<String>,
}

/// Converts a `TypeProto` to a tensor type: `dim_value` dims are static, `dim_param` and unset
/// dims are `?`, a missing shape is unranked.
pub fn value_type(ctx: &mut Context, tp: &TypeProto) -> Result<ValueType, OnnxError> {
    let tensor = match &tp.value {
        Some(type_proto::Value::TensorType(t)) => t,
        Some(other) => {
            let kind = match other {
                type_proto::Value::SequenceType(_) => "sequence",
                type_proto::Value::MapType(_) => "map",
                type_proto::Value::OpaqueType(_) => "opaque",
                type_proto::Value::SparseTensorType(_) => "sparse tensor",
                type_proto::Value::OptionalType(_) => "optional",
                type_proto::Value::TensorType(_) => "tensor",
            };
            return Err(OnnxError::unsupported(format!("{kind} types")));
        }
        None => {
            return Err(OnnxError::invalid(
                "the type is missing or of an unknown kind",
            ));
        }
    };
    let dtype = dtype_from_onnx(tensor.elem_type())?;
    let elem = dtype.to_type(ctx);
    let Some(shape) = &tensor.shape else {
        let ty = ctx.intern_type(TypeData::UnrankedTensor { element: elem });
        return Ok(ValueType {
            ty,
            dim_params: Vec::new(),
        });
    };
    let mut dims = Vec::with_capacity(shape.dim.len());
    let mut dim_params = Vec::with_capacity(shape.dim.len());
    use crate::proto::tensor_shape_proto::dimension::Value as Dim;
    for d in &shape.dim {
        match &d.value {
            Some(Dim::DimValue(v)) if *v >= 0 => {
                dims.push(*v);
                dim_params.push(String::new());
            }
            Some(Dim::DimValue(v)) => {
                return Err(OnnxError::invalid(format!("dim {v} is negative")));
            }
            Some(Dim::DimParam(p)) => {
                dims.push(DYNAMIC);
                dim_params.push(p.clone());
            }
            None => {
                dims.push(DYNAMIC);
                dim_params.push(String::new());
            }
        }
    }
    let ty = ctx.tensor_type(dims, elem);
    Ok(ValueType { ty, dim_params })
}

/// Combines an inferred type with a declared one (`value_info`, graph outputs), keeping the
/// more precise of each: a rank where one is unranked, a static dim where one is `?`. Element
/// types, ranks and static dims must agree.
pub fn refine_type(ctx: &mut Context, inferred: Type, declared: Type) -> Result<Type, String> {
    if inferred == declared {
        return Ok(inferred);
    }
    let (ie, de) = match (ctx.element_type(inferred), ctx.element_type(declared)) {
        (Some(a), Some(b)) => (a, b),
        // Not tensors (e.g. `none`): nothing to refine.
        _ => return Ok(inferred),
    };
    if ie != de {
        return Err(format!(
            "its type is declared as {} but inferred as {}",
            ctx.print_type(declared),
            ctx.print_type(inferred)
        ));
    }
    let (is, ds) = match (ctx.shape(inferred), ctx.shape(declared)) {
        (Some(a), Some(b)) => (a.to_vec(), b.to_vec()),
        (None, _) => return Ok(declared),
        (_, None) => return Ok(inferred),
    };
    if is.len() != ds.len() {
        return Err(format!(
            "its type is declared as {} but inferred as {} (ranks differ)",
            ctx.print_type(declared),
            ctx.print_type(inferred)
        ));
    }
    let mut dims = Vec::with_capacity(is.len());
    for (&a, &b) in is.iter().zip(&ds) {
        dims.push(match (a == DYNAMIC, b == DYNAMIC) {
            (false, false) if a != b => {
                return Err(format!(
                    "its type is declared as {} but inferred as {}",
                    ctx.print_type(declared),
                    ctx.print_type(inferred)
                ));
            }
            (true, _) => b,
            _ => a,
        });
    }
    Ok(ctx.tensor_type(dims, ie))
}

/// A `dense<...>` attribute holding `raw` (a splat when every element is the same).
pub fn dense_attr(ctx: &mut Context, raw: &RawTensor) -> Attribute {
    let ty = tensor_type(ctx, raw.dtype, &raw.shape);
    let size = raw.dtype.size_bytes();
    let first = raw.data.get(..size);
    let splat =
        raw.data.len() > size && first.is_some_and(|f| raw.data.chunks_exact(size).all(|c| c == f));
    let data = if splat {
        raw.data[..size].to_vec()
    } else {
        raw.data.clone()
    };
    ctx.intern_attr(AttrData::DenseElements { ty, splat, data })
}

/// The elements of a `dense<...>` or `dense_resource<...>` attribute, splats expanded.
/// `None` for other attributes, unsupported element types, or a missing resource blob.
pub fn attr_tensor(ctx: &Context, attr: Attribute) -> Option<RawTensor> {
    let (ty, data) = match ctx.attr_data(attr) {
        AttrData::DenseElements { ty, splat, data } => {
            let n = usize::try_from(ctx.num_elements(*ty)?).ok()?;
            let data = if *splat {
                let mut out = Vec::with_capacity(n.checked_mul(data.len())?);
                for _ in 0..n {
                    out.extend_from_slice(data);
                }
                out
            } else {
                data.clone()
            };
            (*ty, data)
        }
        AttrData::DenseResource { name, ty } => (*ty, ctx.resource(name)?.data.clone()),
        _ => return None,
    };
    let dtype = tensor_dtype(ctx, ty)?;
    let shape: Vec<usize> = ctx
        .shape(ty)?
        .iter()
        .map(|&d| usize::try_from(d).ok())
        .collect::<Option<_>>()?;
    let n: usize = shape.iter().product();
    (data.len() == n * dtype.size_bytes()).then_some(RawTensor { dtype, shape, data })
}
