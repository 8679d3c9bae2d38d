use super::*;
use crate::testing::*;
use flowc_ir::Location;

/// `tst.source` -> `tst.target`, with operands taken from the adaptor and result types converted
/// by the type converter (when there is one).
struct SourceToTarget;
impl ConversionPattern for SourceToTarget {
    fn name(&self) -> &str {
        "source-to-target"
    }
    fn root(&self) -> Option<&str> {
        Some("tst.source")
    }
    fn match_and_rewrite(
        &self,
        op: Op,
        operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool {
        let mut results = rewriter.ctx.result_types(op);
        if let Some(tc) = rewriter.type_converter() {
            match tc.convert_types(rewriter.ctx, &results) {
                Some(r) => results = r,
                None => return false,
            }
        }
        let state = OperationState::new(rewriter.ctx, "tst.target", Location::UNKNOWN)
            .operands(operands)
            .results(&results);
        rewriter.replace_op_with_new(op, state);
        true
    }
}

/// Replaces `tst.source` with another `tst.source` (it must not loop).
struct SourceToSource;
impl ConversionPattern for SourceToSource {
    fn root(&self) -> Option<&str> {
        Some("tst.source")
    }
    fn match_and_rewrite(
        &self,
        op: Op,
        operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool {
        let results = rewriter.ctx.result_types(op);
        let state = OperationState::new(rewriter.ctx, "tst.source", Location::UNKNOWN)
            .operands(operands)
            .results(&results);
        rewriter.replace_op_with_new(op, state);
        true
    }
}

/// A module with a `tst.func` body: `%a = tst.source`, `%b = tst.other(%a)`, `tst.print(%b)`.
fn setup(ctx: &mut Context) -> (Op, Block) {
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(ctx, &[]);
    let a = value(ctx, body, "tst.source", &[], i32);
    let b = value(ctx, body, "tst.other", &[a], i32);
    push(ctx, body, "tst.print", &[b], &[]);
    (module, body)
}

fn target<'a>() -> ConversionTarget<'a> {
    let mut t = ConversionTarget::new();
    t.add_legal_op("tst.target")
        .add_illegal_op("tst.source")
        .add_legal_op("tst.print")
        .add_legal_op("tst.func");
    t
}

fn patterns<'a>() -> ConversionPatternSet<'a> {
    let mut p = ConversionPatternSet::new();
    p.add(Box::new(SourceToTarget));
    p
}

#[test]
fn partial_conversion_leaves_unknown_ops() {
    let mut ctx = new_ctx();
    let (module, body) = setup(&mut ctx);
    let tc = TypeConverter::new();
    apply_partial_conversion(&mut ctx, module, &target(), &patterns(), &tc).unwrap();
    assert_eq!(names(&ctx, body), ["tst.target", "tst.other", "tst.print"]);
}

#[test]
fn full_conversion_fails_on_unknown_ops() {
    let mut ctx = new_ctx();
    let (module, _body) = setup(&mut ctx);
    let loc = ctx.file_loc("in.mlir", 3, 5);
    let other = ctx
        .nested_ops(module)
        .into_iter()
        .find(|&o| ctx.op_name(o) == "tst.other")
        .unwrap();
    ctx.set_op_loc(other, loc);
    let tc = TypeConverter::new();
    let err = apply_full_conversion(&mut ctx, module, &target(), &patterns(), &tc).unwrap_err();
    assert_eq!(
        err.render(&ctx),
        "in.mlir:3:5: error: failed to legalize operation 'tst.other'\n"
    );
    // Marking it legal makes the full conversion succeed.
    let mut t = target();
    t.add_legal_dialect("tst");
    t.add_illegal_op("tst.source");
    apply_full_conversion(&mut ctx, module, &t, &patterns(), &tc).unwrap();
}

#[test]
fn partial_conversion_fails_on_explicitly_illegal_ops() {
    let mut ctx = new_ctx();
    let (module, _body) = setup(&mut ctx);
    let mut t = target();
    t.add_dynamically_legal_op("tst.other", |_, _| false);
    let tc = TypeConverter::new();
    let err = apply_partial_conversion(&mut ctx, module, &t, &patterns(), &tc).unwrap_err();
    assert_eq!(
        err.message,
        "failed to legalize operation 'tst.other' that was explicitly marked illegal"
    );
}

#[test]
fn patterns_are_not_applied_to_their_own_products() {
    let mut ctx = new_ctx();
    let (module, _body) = setup(&mut ctx);
    let mut p = ConversionPatternSet::new();
    p.add(Box::new(SourceToSource));
    let tc = TypeConverter::new();
    let err = apply_partial_conversion(&mut ctx, module, &target(), &p, &tc).unwrap_err();
    assert_eq!(
        err.message,
        "failed to legalize operation 'tst.source' that was explicitly marked illegal"
    );
}

fn i32_to_i64<'a>(ctx: &mut Context) -> TypeConverter<'a> {
    let (i32, i64) = (ctx.i32_type(), ctx.i64_type());
    let mut tc = TypeConverter::new();
    tc.add_identity_conversion();
    tc.add_type_conversion(move |_, t| (t == i32).then_some(i64));
    tc
}

#[test]
fn type_conversion_with_function_signatures() {
    let mut ctx = new_ctx();
    let (i32, i64) = (ctx.i32_type(), ctx.i64_type());
    // tst.fn (i32) -> i32 { ^bb0(%a: i32): %r = tst.source(%a); tst.return %r }
    let fty = ctx.function_type(vec![i32], vec![i32]);
    let (f, body) = region_op(&mut ctx, "tst.fn", &[], &[], &[i32]);
    let fty_attr = ctx.type_attr(fty);
    ctx.set_attr(f, "function_type", fty_attr);
    let module = flowc_ir::builtin::ModuleOp::create(&mut ctx, Location::UNKNOWN);
    let mb = module.body_block(&ctx);
    ctx.append_op(mb, f);
    let a = ctx.block_arg(body, 0);
    let r = value(&mut ctx, body, "tst.source", &[a], i32);
    push(&mut ctx, body, "tst.return", &[r], &[]);

    let tc = i32_to_i64(&mut ctx);
    let mut t = ConversionTarget::new();
    t.add_legal_op("tst.target").add_illegal_op("tst.source");
    t.add_dynamically_legal_op("tst.fn", |ctx, op| tc.is_function_legal(ctx, op));
    t.add_dynamically_legal_op("tst.return", |ctx, op| tc.is_legal_op(ctx, op));
    let mut p = patterns();
    populate_function_signature_conversion(&mut p);
    populate_type_conversion_patterns(&mut p, &["tst.return"]);
    let stats = apply_conversion(&mut ctx, module.0, &t, &p, &tc, ConversionMode::Full).unwrap();
    assert_eq!(stats.patterns_applied, 3);
    assert_eq!(stats.materializations_left, 0);

    let new_fty = ctx.attr(f, "function_type").and_then(|a| ctx.type_value(a));
    assert_eq!(new_fty, Some(ctx.function_type(vec![i64], vec![i64])));
    assert_eq!(names(&ctx, body), ["tst.target", "tst.return"]);
    let a = ctx.block_arg(body, 0);
    assert_eq!(ctx.value_type(a), i64);
    let target_op = ctx.block_first_op(body).unwrap();
    assert_eq!(ctx.operand_vec(target_op), vec![a]);
    let ret = ctx.block_last_op(body).unwrap();
    assert_eq!(ctx.operand_vec(ret), vec![ctx.result(target_op, 0)]);
}

#[test]
fn unconverted_users_keep_a_cast() {
    let mut ctx = new_ctx();
    let (i32, i64) = (ctx.i32_type(), ctx.i64_type());
    let (module, body) = setup(&mut ctx);
    let tc = i32_to_i64(&mut ctx);
    apply_partial_conversion(&mut ctx, module, &target(), &patterns(), &tc).unwrap();
    assert_eq!(
        names(&ctx, body),
        [
            "tst.target",
            "builtin.unrealized_conversion_cast",
            "tst.other",
            "tst.print"
        ]
    );
    let ops: Vec<Op> = ctx.block_ops(body).collect();
    assert_eq!(ctx.result_types(ops[0]), vec![i64]);
    assert_eq!(ctx.result_types(ops[1]), vec![i32]);
    assert_eq!(ctx.operand(ops[2], 0), ctx.result(ops[1], 0));
}

#[test]
fn target_materializations_feed_patterns() {
    let mut ctx = new_ctx();
    let (i32, i64) = (ctx.i32_type(), ctx.i64_type());
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    // %a = tst.other : i32 (legal, not converted); %b = tst.source(%a) : i32
    let a = value(&mut ctx, body, "tst.other", &[], i32);
    let b = value(&mut ctx, body, "tst.source", &[a], i32);
    push(&mut ctx, body, "tst.print", &[b], &[]);
    let tc = i32_to_i64(&mut ctx);
    let mut t = target();
    t.add_legal_op("tst.other");
    apply_partial_conversion(&mut ctx, module, &t, &patterns(), &tc).unwrap();
    // other : i32 -> cast to i64 -> target : i64 -> cast back to i32 -> print
    let ops: Vec<Op> = ctx.block_ops(body).collect();
    let names: Vec<&str> = ops.iter().map(|&o| ctx.op_name(o)).collect();
    assert_eq!(
        names,
        [
            "tst.other",
            "builtin.unrealized_conversion_cast",
            "tst.target",
            "builtin.unrealized_conversion_cast",
            "tst.print"
        ]
    );
    assert_eq!(ctx.result_types(ops[1]), vec![i64]);
    assert_eq!(ctx.operand_vec(ops[2]), vec![ctx.result(ops[1], 0)]);
}

#[test]
fn recursively_legal_ops_are_not_entered() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let (wrapper, inner) = region_op(&mut ctx, "tst.region", &[], &[], &[]);
    ctx.append_op(body, wrapper);
    push(&mut ctx, inner, "tst.source", &[], &[i32]);
    let mut t = target();
    t.add_legal_op("tst.region")
        .mark_op_recursively_legal("tst.region");
    let tc = TypeConverter::new();
    apply_full_conversion(&mut ctx, module, &t, &ConversionPatternSet::new(), &tc).unwrap();
    assert_eq!(names(&ctx, inner), ["tst.source"]);
}

/// Rebuilds `tst.region` ops (moving their region) as long as they lack the `done` attribute.
struct RebuildRegion;
impl ConversionPattern for RebuildRegion {
    fn root(&self) -> Option<&str> {
        Some("tst.region")
    }
    fn match_and_rewrite(
        &self,
        op: Op,
        operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool {
        let ctx = &mut *rewriter.ctx;
        let region = ctx.create_region();
        ctx.take_region_body(ctx.region(op, 0), region);
        let unit = ctx.unit_attr();
        let mut state = OperationState::new(ctx, "tst.region", Location::UNKNOWN)
            .operands(operands)
            .attr(ctx, "done", unit);
        state.regions.push(region);
        rewriter.replace_op_with_new(op, state);
        true
    }
}

#[test]
fn ops_moved_into_a_pattern_product_can_match_the_same_pattern() {
    let mut ctx = new_ctx();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let (outer, outer_body) = region_op(&mut ctx, "tst.region", &[], &[], &[]);
    ctx.append_op(body, outer);
    let (inner, inner_body) = region_op(&mut ctx, "tst.region", &[], &[], &[]);
    ctx.append_op(outer_body, inner);
    push(&mut ctx, inner_body, "tst.print", &[], &[]);
    let mut t = target();
    t.add_dynamically_legal_op("tst.region", |ctx, op| ctx.has_attr(op, "done"));
    let mut p = ConversionPatternSet::new();
    p.add(Box::new(RebuildRegion));
    let tc = TypeConverter::new();
    let stats = apply_conversion(&mut ctx, module, &t, &p, &tc, ConversionMode::Full).unwrap();
    assert_eq!(stats.patterns_applied, 2);
    let regions: Vec<Op> = ctx
        .nested_ops(module)
        .into_iter()
        .filter(|&o| ctx.op_name(o) == "tst.region")
        .collect();
    assert_eq!(regions.len(), 2);
    assert!(regions.iter().all(|&r| ctx.has_attr(r, "done")));
}
