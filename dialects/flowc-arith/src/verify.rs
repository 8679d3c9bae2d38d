//! Op-specific verifiers: what the op definitions (operand / result constraints, traits) cannot
//! say. Messages are MLIR 22's.

use crate::elements::constant_type;
use flowc_ir::{AttrData, Context, Diagnostic, Op, Type, TypeData, op_error};

/// `same shape` in MLIR's sense for element-wise results: scalars match scalars, vectors match
/// vectors of the same shape, tensors tensors.
fn same_container(ctx: &Context, a: Type, b: Type) -> bool {
    match (ctx.type_data(a), ctx.type_data(b)) {
        (
            TypeData::Vector {
                shape: s1,
                scalable: c1,
                ..
            },
            TypeData::Vector {
                shape: s2,
                scalable: c2,
                ..
            },
        ) => s1 == s2 && c1 == c2,
        (TypeData::RankedTensor { shape: s1, .. }, TypeData::RankedTensor { shape: s2, .. }) => {
            s1 == s2
        }
        (TypeData::UnrankedTensor { .. }, TypeData::UnrankedTensor { .. }) => true,
        (TypeData::MemRef { shape: s1, .. }, TypeData::MemRef { shape: s2, .. }) => s1 == s2,
        (TypeData::UnrankedMemRef { .. }, TypeData::UnrankedMemRef { .. }) => true,
        (x, y) => !is_container(x) && !is_container(y),
    }
}

fn is_container(t: &TypeData) -> bool {
    matches!(
        t,
        TypeData::Vector { .. }
            | TypeData::RankedTensor { .. }
            | TypeData::UnrankedTensor { .. }
            | TypeData::MemRef { .. }
            | TypeData::UnrankedMemRef { .. }
    )
}

pub(crate) fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(value) = ctx.attr(op, "value") else {
        return Ok(());
    };
    let ty = ctx.value_type(ctx.result(op, 0));
    if constant_type(ctx, value) != Some(ty) {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {value, result} have same type",
        ));
    }
    if ctx.is_integer(ty) && !ctx.is_signless_integer(ty) {
        return Err(op_error(ctx, op, "integer return type must be signless"));
    }
    let kind_ok = matches!(
        ctx.attr_data(value),
        AttrData::Integer { .. }
            | AttrData::Bool(_)
            | AttrData::Float { .. }
            | AttrData::DenseElements { .. }
            | AttrData::DenseResource { .. }
    );
    if !kind_ok {
        return Err(op_error(
            ctx,
            op,
            "value must be an integer, float, or elements attribute",
        ));
    }
    if let TypeData::Vector { scalable, .. } = ctx.type_data(ty)
        && scalable.iter().any(|&s| s)
        && !matches!(
            ctx.attr_data(value),
            AttrData::DenseElements { splat: true, .. }
        )
    {
        return Err(op_error(
            ctx,
            op,
            "intializing scalable vectors with elements attribute is not supported unless it's a vector splat",
        ));
    }
    Ok(())
}

/// `cmpi` / `cmpf`: the result is `i1`-like with the operands' shape.
pub(crate) fn verify_cmp(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let operand = ctx.value_type(ctx.operand(op, 0));
    let result = ctx.value_type(ctx.result(op, 0));
    let elem = ctx.element_type_or_self(result);
    if !ctx.is_signless_int_of_width(elem, 1) || !same_container(ctx, operand, result) {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that result type has i1 element type and same shape as operands",
        ));
    }
    Ok(())
}

pub(crate) fn verify_select(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let types = ctx.operand_types(op);
    let result = ctx.value_type(ctx.result(op, 0));
    if types[1] != result || types[2] != result {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {true_value, false_value, result} have same type",
        ));
    }
    let cond = types[0];
    if ctx.is_signless_int_of_width(cond, 1) {
        return Ok(());
    }
    let result_data = ctx.type_data(result);
    if !matches!(
        result_data,
        TypeData::Vector { .. } | TypeData::RankedTensor { .. } | TypeData::UnrankedTensor { .. }
    ) {
        if is_container(ctx.type_data(cond)) {
            return Err(op_error(
                ctx,
                op,
                "if an operand is non-scalar, then there must be at least one non-scalar result",
            ));
        }
        return Err(op_error(
            ctx,
            op,
            format!(
                "expected condition to be a signless i1, but got {}",
                ctx.print_type(cond)
            ),
        ));
    }
    let cond_data = ctx.type_data(cond);
    let same_kind = matches!(
        (cond_data, result_data),
        (TypeData::Vector { .. }, TypeData::Vector { .. })
            | (
                TypeData::RankedTensor { .. } | TypeData::UnrankedTensor { .. },
                TypeData::RankedTensor { .. } | TypeData::UnrankedTensor { .. }
            )
    );
    if !same_kind || !same_container(ctx, cond, result) {
        return Err(op_error(
            ctx,
            op,
            "all non-scalar operands/results must have the same shape and base type",
        ));
    }
    Ok(())
}

/// Element-type compatibility of the casts (`areCastCompatible` in MLIR).
pub(crate) fn verify_cast(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let from = ctx.value_type(ctx.operand(op, 0));
    let to = ctx.value_type(ctx.result(op, 0));
    let (a, b) = (ctx.element_type_or_self(from), ctx.element_type_or_self(to));
    let int_w = |t: Type| match ctx.type_data(t) {
        TypeData::Integer { width, .. } => Some(*width),
        _ => None,
    };
    let float_w = |t: Type| ctx.float_kind(t).map(|k| k.width());
    let ok = match ctx.op_name(op) {
        "arith.extsi" | "arith.extui" => {
            matches!((int_w(a), int_w(b)), (Some(x), Some(y)) if x < y)
        }
        "arith.trunci" => matches!((int_w(a), int_w(b)), (Some(x), Some(y)) if x > y),
        "arith.extf" => matches!((float_w(a), float_w(b)), (Some(x), Some(y)) if x < y),
        "arith.truncf" => matches!((float_w(a), float_w(b)), (Some(x), Some(y)) if x > y),
        "arith.sitofp" | "arith.uitofp" => int_w(a).is_some() && float_w(b).is_some(),
        "arith.fptosi" | "arith.fptoui" => float_w(a).is_some() && int_w(b).is_some(),
        "arith.bitcast" => {
            let bits = |t: Type| int_w(t).or_else(|| float_w(t));
            matches!((bits(a), bits(b)), (Some(x), Some(y)) if x == y)
        }
        "arith.index_cast" | "arith.index_castui" => {
            (ctx.is_index(a) && ctx.is_signless_integer(b))
                || (ctx.is_signless_integer(a) && ctx.is_index(b))
        }
        _ => true,
    };
    if !ok {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                ctx.print_type(from),
                ctx.print_type(to)
            ),
        ));
    }
    Ok(())
}
