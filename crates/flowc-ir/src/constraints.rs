//! Common type and attribute constraints for op definitions, named like MLIR's ODS constraints.

use crate::registry::{AttrConstraint, TypeConstraint};
use crate::{AttrData, Context, Type, TypeData};

macro_rules! type_constraint {
    ($(#[$m:meta])* $name:ident, $desc:literal, |$ctx:ident, $ty:ident| $body:expr) => {
        $(#[$m])*
        pub const $name: TypeConstraint = TypeConstraint {
            description: $desc,
            check: {
                fn check($ctx: &Context, $ty: Type) -> bool {
                    $body
                }
                check
            },
        };
    };
}

macro_rules! attr_constraint {
    ($(#[$m:meta])* $name:ident, $desc:literal, |$ctx:ident, $a:ident| $body:expr) => {
        $(#[$m])*
        pub const $name: AttrConstraint = AttrConstraint {
            description: $desc,
            check: {
                fn check($ctx: &Context, $a: crate::Attribute) -> bool {
                    $body
                }
                check
            },
        };
    };
}

/// Element types of vectors and tensors, or the type itself.
fn scalar_of(ctx: &Context, ty: Type) -> Option<Type> {
    match ctx.type_data(ty) {
        TypeData::Vector { element, .. }
        | TypeData::RankedTensor { element, .. }
        | TypeData::UnrankedTensor { element } => Some(*element),
        TypeData::MemRef { .. } | TypeData::UnrankedMemRef { .. } => None,
        _ => Some(ty),
    }
}

type_constraint!(ANY_TYPE, "any type", |_ctx, _ty| true);
type_constraint!(SIGNLESS_INTEGER, "signless integer", |ctx, ty| ctx
    .is_signless_integer(ty));
type_constraint!(INDEX, "index", |ctx, ty| ctx.is_index(ty));
type_constraint!(I1, "1-bit signless integer", |ctx, ty| ctx
    .is_signless_int_of_width(ty, 1));
type_constraint!(
    /// Signless integer or index, or a vector / tensor of them (MLIR's `SignlessIntegerOrIndexLike`).
    SIGNLESS_INTEGER_LIKE,
    "signless-integer-like",
    |ctx, ty| scalar_of(ctx, ty).is_some_and(|s| ctx.is_signless_integer(s) || ctx.is_index(s))
);
type_constraint!(
    /// Signless integer (not index) or a vector / tensor of them.
    SIGNLESS_FIXED_WIDTH_INTEGER_LIKE,
    "signless-fixed-width-integer-like",
    |ctx, ty| scalar_of(ctx, ty).is_some_and(|s| ctx.is_signless_integer(s))
);
type_constraint!(FLOAT_LIKE, "floating-point-like", |ctx, ty| scalar_of(
    ctx, ty
)
.is_some_and(|s| ctx.is_float(s)));
type_constraint!(BOOL_LIKE, "bool-like", |ctx, ty| scalar_of(ctx, ty)
    .is_some_and(|s| ctx.is_signless_int_of_width(s, 1)));
type_constraint!(INTEGER_OR_FLOAT_LIKE, "integer-or-float-like", |ctx, ty| {
    scalar_of(ctx, ty)
        .is_some_and(|s| ctx.is_signless_integer(s) || ctx.is_index(s) || ctx.is_float(s))
});
type_constraint!(INDEX_OR_INTEGER_LIKE, "index-or-integer-like", |ctx, ty| {
    scalar_of(ctx, ty).is_some_and(|s| ctx.is_integer(s) || ctx.is_index(s))
});
type_constraint!(TENSOR, "tensor", |ctx, ty| ctx.is_tensor(ty));
type_constraint!(MEMREF, "memref", |ctx, ty| matches!(
    ctx.type_data(ty),
    TypeData::MemRef { .. } | TypeData::UnrankedMemRef { .. }
));

attr_constraint!(ANY_ATTR, "any attribute", |_ctx, _a| true);
attr_constraint!(UNIT_ATTR, "unit attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::Unit
));
attr_constraint!(STRING_ATTR, "string attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::String { .. }
));
attr_constraint!(TYPE_ATTR, "type attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::Type(_)
));
attr_constraint!(
    FUNCTION_TYPE_ATTR,
    "type attribute of function type",
    |ctx, a| ctx
        .type_value(a)
        .is_some_and(|t| ctx.function_signature(t).is_some())
);
attr_constraint!(INTEGER_ATTR, "integer attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::Integer { .. }
));
attr_constraint!(
    I64_ATTR,
    "64-bit signless integer attribute",
    |ctx, a| matches!(ctx.attr_data(a), AttrData::Integer { ty, .. } if ctx.is_signless_int_of_width(*ty, 64))
);
attr_constraint!(FLOAT_ATTR, "float attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::Float { .. }
));
attr_constraint!(BOOL_ATTR, "bool attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::Bool(_)
));
attr_constraint!(ARRAY_ATTR, "array attribute", |ctx, a| matches!(
    ctx.attr_data(a),
    AttrData::Array(_)
));
attr_constraint!(
    DICTIONARY_ARRAY_ATTR,
    "array of dictionary attributes",
    |ctx, a| ctx.array_value(a).is_some_and(|v| v
        .iter()
        .all(|e| matches!(ctx.attr_data(*e), AttrData::Dictionary(_))))
);
attr_constraint!(
    FLAT_SYMBOL_REF_ATTR,
    "flat symbol reference attribute",
    |ctx, a| ctx.flat_symbol(a).is_some()
);
attr_constraint!(
    SYMBOL_REF_ATTR,
    "symbol reference attribute",
    |ctx, a| matches!(ctx.attr_data(a), AttrData::SymbolRef { .. })
);
attr_constraint!(TYPED_ATTR, "typed attribute", |ctx, a| ctx
    .attr_type(a)
    .is_some());
attr_constraint!(
    DENSE_I32_ARRAY_ATTR,
    "i32 dense array attribute",
    |ctx, a| matches!(ctx.attr_data(a), AttrData::DenseArray { element, .. } if ctx.is_signless_int_of_width(*element, 32))
);
attr_constraint!(
    DENSE_I64_ARRAY_ATTR,
    "i64 dense array attribute",
    |ctx, a| matches!(ctx.attr_data(a), AttrData::DenseArray { element, .. } if ctx.is_signless_int_of_width(*element, 64))
);
