//! The shape of the generated op table (`table.rs`): what ONNX says about each operator's
//! inputs, outputs and attributes.

use flowc_ir::{Arity, TypeConstraint};

/// The ONNX kind of an attribute, and so its MLIR form (see the README's table).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AttrKind {
    /// `IntegerAttr` of type `i64`.
    Int,
    /// `FloatAttr` of type `f32`.
    Float,
    /// `StringAttr`.
    String,
    /// `array<i64: ...>`.
    Ints,
    /// `array<f32: ...>`.
    Floats,
    /// `ArrayAttr` of `StringAttr`.
    Strings,
    /// `DenseElementsAttr` (or `dense_resource`).
    Tensor,
}

/// An input or output of an ONNX operator.
#[derive(Copy, Clone)]
pub struct Param {
    pub name: &'static str,
    pub arity: Arity,
    /// ONNX's type variable (`T`, `T1`, ...); params sharing one have the same element type.
    /// Empty for a fixed type (`tensor(int64)`).
    pub var: &'static str,
    pub constraint: TypeConstraint,
}

/// An attribute of an ONNX operator.
#[derive(Copy, Clone, Debug)]
pub struct AttrSpec {
    pub name: &'static str,
    pub kind: AttrKind,
    pub required: bool,
}

/// What ONNX says about one operator (at the newest opset).
#[derive(Copy, Clone)]
pub struct OpSpec {
    /// The ONNX operator name (`Conv`).
    pub onnx: &'static str,
    /// The `flow` op name (`flow.conv`), `op_name_for_onnx(onnx)`.
    pub name: &'static str,
    /// The opset version of the schema the op follows.
    pub since: i64,
    pub summary: &'static str,
    pub inputs: &'static [Param],
    pub outputs: &'static [Param],
    pub attrs: &'static [AttrSpec],
}

impl OpSpec {
    /// The fewest and most inputs (`None`: unbounded).
    pub fn input_range(&self) -> (usize, Option<usize>) {
        range(self.inputs)
    }

    pub fn output_range(&self) -> (usize, Option<usize>) {
        range(self.outputs)
    }

    pub fn attr(&self, name: &str) -> Option<&AttrSpec> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

fn range(params: &[Param]) -> (usize, Option<usize>) {
    let min = params
        .iter()
        .rposition(|p| p.arity != Arity::Optional)
        .map_or(0, |i| i + 1);
    let max = if params.iter().any(|p| p.arity == Arity::Variadic) {
        None
    } else {
        Some(params.len())
    };
    (min, max)
}

/// The param that value `i` of a list of values belongs to (a variadic param, always the
/// last one in ONNX, takes the rest).
pub fn param_at(params: &[Param], i: usize) -> Option<&Param> {
    if let Some(last) = params.last()
        && last.arity == Arity::Variadic
        && i + 1 >= params.len()
    {
        return Some(last);
    }
    params.get(i)
}

/// Declares a `TypeConstraint` accepting tensors whose element type is in `mask` (bits of
/// `DTypeIr::bit`), and `none` when `$none`.
macro_rules! tensor_constraint {
    ($name:ident, $desc:literal, $mask:expr, $none:expr) => {
        pub const $name: flowc_ir::TypeConstraint = flowc_ir::TypeConstraint {
            description: $desc,
            check: {
                fn check(ctx: &flowc_ir::Context, ty: flowc_ir::Type) -> bool {
                    $crate::dtype::type_in_mask(ctx, ty, $mask, $none)
                }
                check
            },
        };
    };
}
pub(crate) use tensor_constraint;
