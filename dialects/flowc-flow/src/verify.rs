//! Op definitions built from the table, the special ops, and the verifier shared by all ops.

use crate::infer::{self, TensorInfo, kind_description};
use crate::spec::AttrKind;
use crate::{OPS, OpSpec};
use flowc_ir::{
    AttrConstraint, AttrData, Attribute, Context, Diagnostic, DialectDef, Location, Op, OpDef,
    OperationState, Traits, Type, TypeConstraint, TypeData, op_error,
};

const ELEMENTWISE_BINARY: &[&str] = &[
    "Add",
    "And",
    "BitShift",
    "BitwiseAnd",
    "BitwiseOr",
    "BitwiseXor",
    "Div",
    "Equal",
    "Greater",
    "GreaterOrEqual",
    "Less",
    "LessOrEqual",
    "Max",
    "Mean",
    "Min",
    "Mod",
    "Mul",
    "Or",
    "Pow",
    "PRelu",
    "Sub",
    "Sum",
    "Where",
    "Xor",
];

const ELEMENTWISE_OTHER: &[&str] = &[
    "BitCast", "Cast", "CastLike", "Clip", "Identity", "IsInf", "IsNaN", "Shrink", "SwiGLU",
];

const COMMUTATIVE: &[&str] = &[
    "Add",
    "And",
    "BitwiseAnd",
    "BitwiseOr",
    "BitwiseXor",
    "Equal",
    "Max",
    "Mean",
    "Min",
    "Mul",
    "Or",
    "Sum",
    "Xor",
];

const IDEMPOTENT: &[&str] = &["Abs", "Ceil", "Floor", "Relu", "Round", "Sign"];
const INVOLUTION: &[&str] = &["BitwiseNot", "Neg", "Not"];

/// The traits of a table op: all are pure (Dropout included: `flow` is for inference, where it
/// is the identity); elementwise ops (with broadcasting) and MLIR-like commutative ones say so.
pub fn traits_for(onnx: &str) -> Traits {
    let mut t = Traits::PURE;
    if crate::infer::elementwise_unary().contains(&onnx)
        || ELEMENTWISE_BINARY.contains(&onnx)
        || ELEMENTWISE_OTHER.contains(&onnx)
    {
        t = t | Traits::ELEMENTWISE;
    }
    if COMMUTATIVE.contains(&onnx) {
        t = t | Traits::COMMUTATIVE;
    }
    if IDEMPOTENT.contains(&onnx) {
        t = t | Traits::IDEMPOTENT;
    }
    if INVOLUTION.contains(&onnx) {
        t = t | Traits::INVOLUTION;
    }
    t
}

macro_rules! kind_constraint {
    ($name:ident, $kind:expr) => {
        const $name: AttrConstraint = AttrConstraint {
            description: kind_description($kind),
            check: {
                fn check(ctx: &Context, a: Attribute) -> bool {
                    infer::has_kind(ctx, a, $kind)
                }
                check
            },
        };
    };
}

kind_constraint!(INT, AttrKind::Int);
kind_constraint!(FLOAT, AttrKind::Float);
kind_constraint!(STRING, AttrKind::String);
kind_constraint!(INTS, AttrKind::Ints);
kind_constraint!(FLOATS, AttrKind::Floats);
kind_constraint!(STRINGS, AttrKind::Strings);
kind_constraint!(TENSOR, AttrKind::Tensor);

fn attr_constraint(kind: AttrKind) -> AttrConstraint {
    match kind {
        AttrKind::Int => INT,
        AttrKind::Float => FLOAT,
        AttrKind::String => STRING,
        AttrKind::Ints => INTS,
        AttrKind::Floats => FLOATS,
        AttrKind::Strings => STRINGS,
        AttrKind::Tensor => TENSOR,
    }
}

const ANY_TENSOR: TypeConstraint = TypeConstraint {
    description: "tensor of any type",
    check: {
        fn check(ctx: &Context, ty: Type) -> bool {
            crate::dtype::type_in_mask(ctx, ty, 0x1fff, false)
        }
        check
    },
};

const TENSOR_OR_NONE: TypeConstraint = TypeConstraint {
    description: "tensor of any type or none",
    check: {
        fn check(ctx: &Context, ty: Type) -> bool {
            crate::dtype::type_in_mask(ctx, ty, 0x1fff, true)
        }
        check
    },
};

const NONE_TYPE: TypeConstraint = TypeConstraint {
    description: "none type",
    check: {
        fn check(ctx: &Context, ty: Type) -> bool {
            matches!(ctx.type_data(ty), TypeData::None)
        }
        check
    },
};

/// The `OpDef` of a table op.
pub fn op_def(spec: &'static OpSpec) -> OpDef {
    let mut def = OpDef::new(spec.name)
        .summary(spec.summary)
        .traits(traits_for(spec.onnx))
        .verifier(verify_table_op);
    for p in spec.inputs {
        def = def.operand(p.name, p.arity, p.constraint);
    }
    for p in spec.outputs {
        def = def.result(p.name, p.arity, p.constraint);
    }
    for a in spec.attrs {
        def = def.attribute(a.name, !a.required, attr_constraint(a.kind));
    }
    // flowc's extension of Conv: the data layout of X and Y, "NCHW" (ONNX's, the default),
    // "NHWC" (channels last) or "NCHW16c" (channels blocked by 16, `crate::CONV_BLOCKED`);
    // flow-saturate's layout rules choose it, inference checks it.
    if spec.name == "flow.conv" {
        def = def.attribute("layout", true, STRING);
    }
    def
}

pub fn dialect() -> DialectDef {
    let mut d = DialectDef::new(
        "flow",
        "High-level tensor operations with ONNX semantics (newest opset), value semantics",
    );
    d.materialize_constant = Some(materialize_constant);
    for spec in OPS {
        d = d.op(op_def(spec));
    }
    d.op(OpDef::new("flow.constant")
        .summary("a constant tensor (ONNX Constant), dense or dense_resource")
        .result("output", flowc_ir::Arity::Single, ANY_TENSOR)
        .attribute("value", false, TENSOR)
        .traits(Traits::PURE | Traits::CONSTANT_LIKE)
        .verifier(verify_constant))
        .op(OpDef::new("flow.none")
            .summary("the absent optional value")
            .result("result", flowc_ir::Arity::Single, NONE_TYPE)
            .traits(Traits::PURE))
        .op(OpDef::new("flow.fused")
            .summary("one kernel's worth of fused flow ops")
            .description(
                "The body's entry block takes one argument per operand (same types) and ends in \
             `flow.yield`, whose operands are the results.",
            )
            .operand("inputs", flowc_ir::Arity::Variadic, TENSOR_OR_NONE)
            .result("results", flowc_ir::Arity::Variadic, ANY_TENSOR)
            .region("body")
            .traits(Traits::PURE | Traits::SINGLE_BLOCK)
            .verifier(verify_fused))
        .op(OpDef::new("flow.yield")
            .summary("terminates a flow.fused body with its results")
            .operand("values", flowc_ir::Arity::Variadic, ANY_TENSOR)
            .traits(Traits::PURE | Traits::TERMINATOR | Traits::RETURN_LIKE)
            .verifier(verify_yield))
}

/// The constant value of `v` when a constant-like op (`flow.constant`, `arith.constant`)
/// defines it.
pub fn constant_value(ctx: &Context, v: flowc_ir::Value) -> Option<Attribute> {
    let def = ctx.defining_op(v)?;
    if !ctx.has_trait(def, Traits::CONSTANT_LIKE) {
        return None;
    }
    ctx.attr(def, "value")
}

fn verify_table_op(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let types = ctx.operand_types(op);
    let consts: Vec<Option<Attribute>> = ctx.operands(op).map(|v| constant_value(ctx, v)).collect();
    let attrs: Vec<_> = ctx.all_attrs(op).collect();
    let results = ctx.result_types(op);
    let inferred = infer::infer(ctx, ctx.op_name(op), &types, &consts, &attrs, results.len())
        .map_err(|m| op_error(ctx, op, m))?;
    let spec = crate::spec_for(ctx.op_name(op));
    for (i, (&ty, want)) in results.iter().zip(&inferred).enumerate() {
        if matches!(ctx.type_data(ty), TypeData::None) {
            let optional = spec
                .and_then(|s| crate::spec::param_at(s.outputs, i))
                .is_some_and(|p| p.arity == flowc_ir::Arity::Optional);
            if optional {
                continue;
            }
        }
        let Some(got) = TensorInfo::from_type(ctx, ty) else {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "result #{i} must be a tensor of a flow element type, but got '{}'",
                    ctx.print_type(ty)
                ),
            ));
        };
        if !want.compatible(&got) {
            return Err(op_error(
                ctx,
                op,
                format!("result #{i} type '{got}' is incompatible with the inferred type '{want}'"),
            ));
        }
    }
    Ok(())
}

fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let attrs: Vec<_> = ctx.all_attrs(op).collect();
    let want = infer::infer(ctx, "flow.constant", &[], &[], &attrs, 1)
        .map_err(|m| op_error(ctx, op, m))?;
    let ty = ctx.value_type(ctx.result(op, 0));
    let value = ctx.attr(op, "value");
    if value.and_then(|v| ctx.attr_type(v)) != Some(ty) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type '{}' differs from the type of 'value' ('{}')",
                ctx.print_type(ty),
                want[0]
            ),
        ));
    }
    if let Some(v) = value
        && let AttrData::DenseResource { name, .. } = ctx.attr_data(v)
        && let Some(blob) = ctx.resource(name)
        && let (Some(n), Some(w)) = (
            ctx.num_elements(ty),
            ctx.element_type(ty).and_then(|e| ctx.scalar_byte_width(e)),
        )
        && (blob.data.len() as u64) < n.saturating_mul(w as u64)
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "resource '{name}' holds {} bytes, fewer than the {} bytes of '{}'",
                blob.data.len(),
                n.saturating_mul(w as u64),
                want[0]
            ),
        ));
    }
    Ok(())
}

fn verify_fused(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let region = ctx.region(op, 0);
    let Some(block) = ctx.region_entry(region) else {
        return Err(op_error(ctx, op, "expects a body with one block"));
    };
    let args: Vec<Type> = ctx
        .block_args(block)
        .iter()
        .map(|&a| ctx.value_type(a))
        .collect();
    let inputs = ctx.operand_types(op);
    if args != inputs {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the body's {} arguments to have the types of the {} operands",
                args.len(),
                inputs.len()
            ),
        ));
    }
    let Some(term) = ctx.block_last_op(block) else {
        return Err(op_error(ctx, op, "expects a body ending in 'flow.yield'"));
    };
    if ctx.op_name(term) != "flow.yield" {
        return Err(op_error(ctx, op, "expects a body ending in 'flow.yield'"));
    }
    let yielded = ctx.operand_types(term);
    let results = ctx.result_types(op);
    if yielded != results {
        return Err(op_error(
            ctx,
            op,
            format!(
                "yields {} values whose types differ from its {} result types",
                yielded.len(),
                results.len()
            ),
        ));
    }
    Ok(())
}

fn verify_yield(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    match ctx.op_parent_op(op) {
        Some(p) if ctx.op_name(p) == "flow.fused" => Ok(()),
        _ => Err(op_error(ctx, op, "expects parent op 'flow.fused'")),
    }
}

/// Folded values become `flow.constant` ops.
fn materialize_constant(
    ctx: &mut Context,
    value: Attribute,
    ty: Type,
    loc: Location,
) -> Option<Op> {
    if !matches!(
        ctx.attr_data(value),
        AttrData::DenseElements { .. } | AttrData::DenseResource { .. }
    ) || ctx.attr_type(value) != Some(ty)
        || TensorInfo::from_type(ctx, ty).is_none()
    {
        return None;
    }
    let state = OperationState::new(ctx, "flow.constant", loc)
        .attr(ctx, "value", value)
        .results(&[ty]);
    Some(ctx.create_op(state))
}
