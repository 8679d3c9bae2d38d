//! A tiny dialect and IR builders for the unit tests of this crate.

use flowc_ir::builtin::ModuleOp;
use flowc_ir::constraints::{ANY_ATTR, ANY_TYPE};
use flowc_ir::printer::PrintOptions;
use flowc_ir::{
    Arity, AttrData, Attribute, Block, Context, DialectDef, FoldResult, Location, Op, OpDef,
    OperationState, Traits, Type, Value,
};

fn fold_add(ctx: &mut Context, op: Op, consts: &[Option<Attribute>]) -> Option<Vec<FoldResult>> {
    let int = |ctx: &Context, a: Option<Attribute>| a.and_then(|a| ctx.int_value(a));
    match (int(ctx, consts[0]), int(ctx, consts[1])) {
        (Some(a), Some(b)) => {
            let ty = ctx.value_type(ctx.result(op, 0));
            Some(vec![FoldResult::Attr(ctx.integer_attr(ty, a + b))])
        }
        (_, Some(0)) => Some(vec![FoldResult::Value(ctx.operand(op, 0))]),
        _ => None,
    }
}

fn fold_constant(
    ctx: &mut Context,
    op: Op,
    _consts: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    ctx.attr(op, "value").map(|a| vec![FoldResult::Attr(a)])
}

fn materialize(ctx: &mut Context, value: Attribute, ty: Type, loc: Location) -> Option<Op> {
    if !matches!(ctx.attr_data(value), AttrData::Integer { .. }) {
        return None;
    }
    let state = OperationState::new(ctx, "tst.constant", loc)
        .results(&[ty])
        .attr(ctx, "value", value);
    Some(ctx.create_op(state))
}

/// The `tst` dialect: `constant`, `add` (commutative, folds), `neg`, `print` (side effects),
/// `func` (isolated region), `fn` (function-like), `region` (a pure op with a region), `return` (terminator),
/// `br` (branch), `source` / `target` / `other` (for conversions).
pub fn tst_dialect() -> DialectDef {
    let pure = Traits::PURE;
    let mut d = DialectDef::new("tst", "test dialect of flowc-rewrite")
        .op(OpDef::new("tst.constant")
            .attribute("value", false, ANY_ATTR)
            .result("r", Arity::Single, ANY_TYPE)
            .traits(pure | Traits::CONSTANT_LIKE)
            .folder(fold_constant))
        .op(OpDef::new("tst.add")
            .operand("lhs", Arity::Single, ANY_TYPE)
            .operand("rhs", Arity::Single, ANY_TYPE)
            .result("r", Arity::Single, ANY_TYPE)
            .traits(pure | Traits::COMMUTATIVE)
            .folder(fold_add))
        .op(OpDef::new("tst.neg")
            .operand("x", Arity::Single, ANY_TYPE)
            .result("r", Arity::Single, ANY_TYPE)
            .traits(pure))
        .op(OpDef::new("tst.print").operand("x", Arity::Variadic, ANY_TYPE))
        .op(OpDef::new("tst.func")
            .region("body")
            .traits(Traits::ISOLATED_FROM_ABOVE))
        .op(OpDef::new("tst.fn")
            .attribute("function_type", false, ANY_ATTR)
            .region("body")
            .traits(Traits::ISOLATED_FROM_ABOVE | Traits::FUNCTION_LIKE))
        .op(OpDef::new("tst.region")
            .operand("x", Arity::Variadic, ANY_TYPE)
            .result("r", Arity::Variadic, ANY_TYPE)
            .region("body")
            .traits(pure))
        .op(OpDef::new("tst.return")
            .operand("x", Arity::Variadic, ANY_TYPE)
            .traits(pure | Traits::TERMINATOR | Traits::RETURN_LIKE))
        .op(OpDef::new("tst.br")
            .operand("x", Arity::Variadic, ANY_TYPE)
            .successors(None)
            .traits(pure | Traits::TERMINATOR));
    for name in ["tst.source", "tst.target", "tst.other"] {
        d = d.op(OpDef::new(name)
            .operand("x", Arity::Variadic, ANY_TYPE)
            .result("r", Arity::Variadic, ANY_TYPE));
    }
    d.materialize_constant = Some(materialize);
    d
}

pub fn new_ctx() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(tst_dialect());
    ctx.allow_unregistered_dialects = true;
    ctx
}

/// A module holding a `tst.func` whose body block is returned (no terminator yet).
pub fn module_with_func(ctx: &mut Context, args: &[Type]) -> (Op, Op, Block) {
    let module = ModuleOp::create(ctx, Location::UNKNOWN);
    let (func, body) = region_op(ctx, "tst.func", &[], &[], args);
    let mb = module.body_block(ctx);
    ctx.append_op(mb, func);
    (module.0, func, body)
}

/// A detached op with one region holding one block with arguments of `args`.
pub fn region_op(
    ctx: &mut Context,
    name: &str,
    operands: &[Value],
    results: &[Type],
    args: &[Type],
) -> (Op, Block) {
    let region = ctx.create_region();
    let arg_locs: Vec<(Type, Location)> = args.iter().map(|&t| (t, Location::UNKNOWN)).collect();
    let block = ctx.create_block(&arg_locs);
    ctx.append_block(region, block);
    let mut state = OperationState::new(ctx, name, Location::UNKNOWN)
        .operands(operands)
        .results(results);
    state.regions.push(region);
    (ctx.create_op(state), block)
}

/// Appends `name(operands) -> results` to `block`.
pub fn push(
    ctx: &mut Context,
    block: Block,
    name: &str,
    operands: &[Value],
    results: &[Type],
) -> Op {
    let state = OperationState::new(ctx, name, Location::UNKNOWN)
        .operands(operands)
        .results(results);
    let op = ctx.create_op(state);
    ctx.append_op(block, op);
    op
}

/// Appends `tst.constant value : ty` to `block`.
pub fn constant(ctx: &mut Context, block: Block, value: i128, ty: Type) -> Value {
    let attr = ctx.integer_attr(ty, value);
    let state = OperationState::new(ctx, "tst.constant", Location::UNKNOWN)
        .results(&[ty])
        .attr(ctx, "value", attr);
    let op = ctx.create_op(state);
    ctx.append_op(block, op);
    ctx.result(op, 0)
}

pub fn value(ctx: &mut Context, block: Block, name: &str, operands: &[Value], ty: Type) -> Value {
    let op = push(ctx, block, name, operands, &[ty]);
    ctx.result(op, 0)
}

/// The generic form of `op` with the blank lines and module wrapper kept, for comparisons.
pub fn print(ctx: &Context, op: Op) -> String {
    ctx.print_op(
        op,
        &PrintOptions {
            generic: true,
            debug_info: false,
        },
    )
}

/// The op names in `block`, in order.
pub fn names(ctx: &Context, block: Block) -> Vec<String> {
    ctx.block_ops(block)
        .map(|o| ctx.op_name(o).to_owned())
        .collect()
}
