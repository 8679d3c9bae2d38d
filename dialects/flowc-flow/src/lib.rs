//! The `flow` dialect: flowc's high-level tensor dialect, one value-semantics op per ONNX
//! operator at the newest ONNX opset (see `README.md` beside this crate for the conventions the
//! dialect, the ONNX importer and the interpreter share).
//!
//! ```mlir
//! %w = "flow.constant"() {value = dense_resource<conv1.weight> : tensor<64x3x7x7xf32>} : () -> tensor<64x3x7x7xf32>
//! %y = "flow.conv"(%x, %w) {pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>}
//!     : (tensor<?x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<?x64x112x112xf32>
//! %n = "flow.none"() : () -> none
//! %c = "flow.clip"(%y, %n, %max) : (tensor<?x64x112x112xf32>, none, tensor<f32>) -> tensor<?x64x112x112xf32>
//! ```
//!
//! - [`op_name_for_onnx`] maps ONNX operator names to op names (`MaxPool` -> `flow.max_pool`).
//! - [`dialect`] registers every op with ONNX's operands, results, element types and
//!   attributes (from the generated table [`OPS`]) and a verifier that checks ONNX's rules and
//!   that the result types agree with [`infer_result_types`].
//! - [`infer_result_types`] is ONNX shape and type inference over `flow` types, with numpy
//!   broadcasting, `?` dims and constant operands.

pub mod dtype;
pub mod infer;
mod names;
pub mod slice_view;
pub mod spec;
mod table;
mod verify;

#[cfg(test)]
mod tests;

pub use dtype::{DType, DTypeIr};
pub use infer::util::{DYN, TensorInfo, const_f64s as dense_f64s, const_i64s as dense_i64s};
pub use names::op_name_for_onnx;
pub use spec::{AttrKind, AttrSpec, OpSpec, Param};
pub use table::OPS;

use flowc_ir::{Attribute, Context, DialectDef, NamedAttr, Type};

/// flowc's blocked layout of `flow.conv` (`layout = "NCHW16c"`, chosen by flow-saturate's
/// layout rules): the channels of X and Y in blocks of [`CONV_BLOCK`], X
/// `[N, C / 16, spatial..., 16]` and Y `[N, M / 16, spatial..., 16]` (channel `c` at block
/// `c / 16`, lane `c % 16`), W still `[M, C, kernel...]`. Only one group, and C and M multiples
/// of 16 (no padded blocks). It is by definition the NCHW conv between the re-layouts
/// `transpose(reshape(x, [N, C / 16, 16, spatial...]), [0, 1, 3, ..., 2])` and back.
pub const CONV_BLOCKED: &str = "NCHW16c";

/// The channels per block of [`CONV_BLOCKED`] (one AVX-512 vector of f32).
pub const CONV_BLOCK: i64 = 16;

/// The table entry of a `flow` op name (`flow.conv`); `None` for the special ops
/// (`flow.constant`, `flow.none`, `flow.fused`, `flow.yield`) and unknown names.
pub fn spec_for(op_name: &str) -> Option<&'static OpSpec> {
    OPS.iter().find(|s| s.name == op_name)
}

/// The table entry of an ONNX operator name (`Conv`).
pub fn spec_for_onnx(onnx_op_type: &str) -> Option<&'static OpSpec> {
    OPS.iter().find(|s| s.onnx == onnx_op_type)
}

/// ONNX shape and type inference: the types of the first `num_results` results of `op_name`
/// given its operand types, the constant values of operands (`Some` dense elements or dense
/// resource attribute where operand `i` is a constant) and its attributes.
///
/// Unknown dims are `?`; a result is unranked only when its rank is unknown; data-dependent
/// sizes (NonZero, Unique, Compress, NonMaxSuppression) are `?`. Errors are plain strings
/// (`incompatible broadcast: tensor<3xf32> vs tensor<4xf32>`) without the op name; the
/// verifier prefixes them MLIR-style. `flow.none` gives `none`; `flow.constant` the type of its
/// `value`.
pub fn infer_result_types(
    ctx: &mut Context,
    op_name: &str,
    operand_types: &[Type],
    operand_constants: &[Option<Attribute>],
    attrs: &[NamedAttr],
    num_results: usize,
) -> Result<Vec<Type>, String> {
    if op_name == "flow.none" {
        if !operand_types.is_empty() || num_results != 1 {
            return Err("expects no operands and 1 result".into());
        }
        return Ok(vec![ctx.none_type()]);
    }
    let infos = infer::infer(
        ctx,
        op_name,
        operand_types,
        operand_constants,
        attrs,
        num_results,
    )?;
    Ok(infos.iter().map(|t| t.to_type(ctx)).collect())
}

/// The `flow` dialect: every op of [`OPS`] plus `flow.constant`, `flow.none`, `flow.fused`
/// and `flow.yield`.
pub fn dialect() -> DialectDef {
    verify::dialect()
}
