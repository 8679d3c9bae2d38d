use super::*;
use crate::testing::*;
use flowc_ir::pattern::RewritePattern;
use flowc_ir::{Block, Location, OperationState};

fn run(ctx: &mut Context, root: Op, patterns: Vec<Box<dyn RewritePattern>>) -> GreedyStats {
    run_with(ctx, root, patterns, &GreedyConfig::default()).expect("converges")
}

fn run_with(
    ctx: &mut Context,
    root: Op,
    patterns: Vec<Box<dyn RewritePattern>>,
    config: &GreedyConfig,
) -> Result<GreedyStats, NotConverged> {
    let frozen = FrozenPatternSet::new(patterns);
    let mut stats = GreedyStats::default();
    apply_patterns_greedily_with_stats(ctx, root, &frozen, config, &mut stats).map(|_| stats)
}

fn operand_const(ctx: &Context, op: Op, i: usize) -> Option<i128> {
    crate::constant_value(ctx, ctx.operand(op, i)).and_then(|a| ctx.int_value(a))
}

#[test]
fn folds_constants_and_erases_dead_producers() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let c2 = constant(&mut ctx, body, 2, i32);
    let c3 = constant(&mut ctx, body, 3, i32);
    let s = value(&mut ctx, body, "tst.add", &[c2, c3], i32);
    let c4 = constant(&mut ctx, body, 4, i32);
    let t = value(&mut ctx, body, "tst.add", &[s, c4], i32);
    let print = push(&mut ctx, body, "tst.print", &[t], &[]);
    push(&mut ctx, body, "tst.return", &[], &[]);

    let stats = run(&mut ctx, module, vec![]);
    assert_eq!(
        names(&ctx, body),
        ["tst.constant", "tst.print", "tst.return"]
    );
    assert_eq!(operand_const(&ctx, print, 0), Some(9));
    assert_eq!(stats.folds, 2);
    assert_eq!(stats.ops_erased, 4, "2, 3, 4 and the intermediate 5");
    assert_eq!(
        stats.iterations, 2,
        "one iteration changes, the next confirms"
    );
}

#[test]
fn bottom_up_reaches_the_same_fixpoint() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let c2 = constant(&mut ctx, body, 2, i32);
    let c3 = constant(&mut ctx, body, 3, i32);
    let s = value(&mut ctx, body, "tst.add", &[c2, c3], i32);
    let print = push(&mut ctx, body, "tst.print", &[s], &[]);
    let config = GreedyConfig {
        top_down: false,
        ..GreedyConfig::default()
    };
    run_with(&mut ctx, module, vec![], &config).unwrap();
    assert_eq!(names(&ctx, body), ["tst.constant", "tst.print"]);
    assert_eq!(operand_const(&ctx, print, 0), Some(5));
}

#[test]
fn value_folds_and_commutative_operand_order() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[i32, i32]);
    let (x, y) = (ctx.block_arg(body, 0), ctx.block_arg(body, 1));
    let c0 = constant(&mut ctx, body, 0, i32);
    let c7 = constant(&mut ctx, body, 7, i32);
    // 0 + x folds to x once the constant is moved to the right.
    let a = value(&mut ctx, body, "tst.add", &[c0, x], i32);
    // 7 + y stays, with the constant on the right.
    let b = value(&mut ctx, body, "tst.add", &[c7, y], i32);
    let print = push(&mut ctx, body, "tst.print", &[a, b], &[]);
    let stats = run(&mut ctx, module, vec![]);
    assert_eq!(ctx.operand(print, 0), x);
    let b_op = ctx.defining_op(ctx.operand(print, 1)).unwrap();
    assert_eq!(ctx.operand(b_op, 0), y);
    assert_eq!(operand_const(&ctx, b_op, 1), Some(7));
    assert_eq!(stats.operands_reordered, 2);
    assert_eq!(stats.folds, 1);
}

#[test]
fn constants_are_uniqued_and_hoisted_but_not_across_isolated_ops() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let outer = value(&mut ctx, body, "tst.neg", &[], i32);
    let (reg, inner) = region_op(&mut ctx, "tst.region", &[], &[], &[]);
    ctx.append_op(body, reg);
    let c1 = constant(&mut ctx, inner, 1, i32);
    push(&mut ctx, inner, "tst.print", &[c1], &[]);
    let c1b = constant(&mut ctx, inner, 1, i32);
    push(&mut ctx, inner, "tst.print", &[c1b], &[]);
    push(&mut ctx, inner, "tst.return", &[], &[]);
    // An isolated op keeps its own constants.
    let (iso, iso_body) = region_op(&mut ctx, "tst.func", &[], &[], &[]);
    ctx.append_op(body, iso);
    let c1c = constant(&mut ctx, iso_body, 1, i32);
    push(&mut ctx, iso_body, "tst.print", &[c1c], &[]);
    push(&mut ctx, body, "tst.print", &[outer], &[]);

    let stats = run(&mut ctx, module, vec![]);
    assert_eq!(
        names(&ctx, body),
        [
            "tst.constant",
            "tst.neg",
            "tst.region",
            "tst.func",
            "tst.print"
        ]
    );
    assert_eq!(names(&ctx, inner), ["tst.print", "tst.print", "tst.return"]);
    assert_eq!(names(&ctx, iso_body), ["tst.constant", "tst.print"]);
    let hoisted = ctx.result(ctx.block_first_op(body).unwrap(), 0);
    for p in ctx.block_ops(inner).take(2) {
        assert_eq!(ctx.operand(p, 0), hoisted);
    }
    assert_eq!(stats.constants_deduplicated, 1);
}

#[test]
fn materialized_constants_are_shared() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let c2 = constant(&mut ctx, body, 2, i32);
    let c3 = constant(&mut ctx, body, 3, i32);
    let a = value(&mut ctx, body, "tst.add", &[c2, c3], i32);
    let b = value(&mut ctx, body, "tst.add", &[c3, c2], i32);
    let c5 = constant(&mut ctx, body, 5, i32);
    let print = push(&mut ctx, body, "tst.print", &[a, b, c5], &[]);
    run(&mut ctx, module, vec![]);
    assert_eq!(names(&ctx, body), ["tst.constant", "tst.print"]);
    let ops: Vec<Value> = ctx.operands(print).collect();
    assert!(ops[0] == ops[1] && ops[1] == ops[2]);
}

#[test]
fn dead_code_goes_side_effects_stay() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[i32]);
    let x = ctx.block_arg(body, 0);
    let a = value(&mut ctx, body, "tst.neg", &[x], i32);
    let b = value(&mut ctx, body, "tst.neg", &[a], i32);
    let _c = value(&mut ctx, body, "tst.neg", &[b], i32);
    push(&mut ctx, body, "tst.print", &[], &[]);
    // An unregistered op is never assumed dead.
    push(&mut ctx, body, "other.thing", &[x], &[i32]);
    push(&mut ctx, body, "tst.return", &[], &[]);
    let stats = run(&mut ctx, module, vec![]);
    assert_eq!(
        names(&ctx, body),
        ["tst.print", "other.thing", "tst.return"]
    );
    assert_eq!(stats.ops_erased, 3);
    assert_eq!(stats.iterations, 2);
}

/// `neg(neg(x))` -> `x`
struct DoubleNeg;
impl RewritePattern for DoubleNeg {
    fn name(&self) -> &str {
        "double-neg"
    }
    fn root(&self) -> Option<&str> {
        Some("tst.neg")
    }
    fn match_and_rewrite(&self, op: Op, rewriter: &mut Rewriter<'_>) -> bool {
        let ctx = &*rewriter.ctx;
        let Some(inner) = ctx.defining_op(ctx.operand(op, 0)) else {
            return false;
        };
        if ctx.op_name(inner) != "tst.neg" {
            return false;
        }
        let x = ctx.operand(inner, 0);
        rewriter.replace_op(op, &[x]);
        true
    }
}

/// Renames `tst.neg` of a `tst.neg` to `tst.other` (competes with DoubleNeg).
struct NegToOther(u16);
impl RewritePattern for NegToOther {
    fn name(&self) -> &str {
        "neg-to-other"
    }
    fn root(&self) -> Option<&str> {
        None
    }
    fn benefit(&self) -> u16 {
        self.0
    }
    fn match_and_rewrite(&self, op: Op, rewriter: &mut Rewriter<'_>) -> bool {
        let ctx = &*rewriter.ctx;
        if ctx.op_name(op) != "tst.neg" {
            return false;
        }
        let inner = ctx.defining_op(ctx.operand(op, 0));
        if inner.is_none_or(|i| ctx.op_name(i) != "tst.neg") {
            return false;
        }
        let operands: Vec<Value> = rewriter.ctx.operands(op).collect();
        let types = rewriter.ctx.result_types(op);
        let state = OperationState::new(rewriter.ctx, "tst.other", Location::UNKNOWN)
            .operands(&operands)
            .results(&types);
        rewriter.replace_op_with_new(op, state);
        true
    }
}

#[test]
fn patterns_apply_by_benefit() {
    for (benefit, expect) in [
        (0, vec!["tst.print"]),
        (5, vec!["tst.neg", "tst.other", "tst.print"]),
    ] {
        let mut ctx = new_ctx();
        let i32 = ctx.i32_type();
        let (module, _func, body) = module_with_func(&mut ctx, &[i32]);
        let x = ctx.block_arg(body, 0);
        let a = value(&mut ctx, body, "tst.neg", &[x], i32);
        let b = value(&mut ctx, body, "tst.neg", &[a], i32);
        push(&mut ctx, body, "tst.print", &[b], &[]);
        let stats = run(
            &mut ctx,
            module,
            vec![Box::new(NegToOther(benefit)), Box::new(DoubleNeg)],
        );
        assert_eq!(names(&ctx, body), expect, "benefit {benefit}");
        assert!(stats.patterns_applied >= 1);
    }
}

/// Flips a unit attribute forever.
struct Flip;
impl RewritePattern for Flip {
    fn name(&self) -> &str {
        "flip"
    }
    fn root(&self) -> Option<&str> {
        Some("tst.print")
    }
    fn match_and_rewrite(&self, op: Op, rewriter: &mut Rewriter<'_>) -> bool {
        if rewriter.ctx.has_attr(op, "flag") {
            rewriter.modify_in_place(op, |ctx| ctx.remove_attr(op, "flag"));
        } else {
            let unit = rewriter.ctx.unit_attr();
            rewriter.set_attr(op, "flag", unit);
        }
        true
    }
}

#[test]
fn non_converging_patterns_are_reported() {
    let mut ctx = new_ctx();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    push(&mut ctx, body, "tst.print", &[], &[]);
    let config = GreedyConfig {
        max_iterations: 3,
        max_num_rewrites: Some(50),
        ..GreedyConfig::default()
    };
    let err = run_with(&mut ctx, module, vec![Box::new(Flip)], &config).unwrap_err();
    assert!(err.changed);
    assert_eq!(
        err.to_string(),
        "greedy pattern rewrite did not converge after 3 iterations"
    );
}

#[test]
fn unreachable_blocks_are_erased() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, func, entry) = module_with_func(&mut ctx, &[]);
    let region = ctx.region(func, 0);
    let dead = ctx.create_block(&[(i32, Location::UNKNOWN)]);
    let exit = ctx.create_block(&[]);
    ctx.append_block(region, dead);
    ctx.append_block(region, exit);
    let br = |ctx: &mut Context, from: Block, to: Block| {
        let mut s = OperationState::new(ctx, "tst.br", Location::UNKNOWN);
        s.successors.push(to);
        let op = ctx.create_op(s);
        ctx.append_op(from, op);
    };
    br(&mut ctx, entry, exit);
    let arg = ctx.block_arg(dead, 0);
    push(&mut ctx, dead, "tst.print", &[arg], &[]);
    br(&mut ctx, dead, exit);
    push(&mut ctx, exit, "tst.return", &[], &[]);
    let stats = run(&mut ctx, module, vec![]);
    assert_eq!(ctx.region_blocks(region), &[entry, exit]);
    assert_eq!(stats.blocks_erased, 1);
    let config = GreedyConfig {
        region_simplify: false,
        ..GreedyConfig::default()
    };
    let stats = run_with(&mut ctx, module, vec![], &config).unwrap();
    assert_eq!(stats.iterations, 1);
}

#[test]
fn folding_can_be_disabled() {
    let mut ctx = new_ctx();
    let i32 = ctx.i32_type();
    let (module, _func, body) = module_with_func(&mut ctx, &[]);
    let c2 = constant(&mut ctx, body, 2, i32);
    let s = value(&mut ctx, body, "tst.add", &[c2, c2], i32);
    push(&mut ctx, body, "tst.print", &[s], &[]);
    let before = print(&ctx, module);
    let config = GreedyConfig {
        fold: false,
        ..GreedyConfig::default()
    };
    assert_eq!(
        apply_patterns_greedily(&mut ctx, module, &FrozenPatternSet::empty(), &config),
        Ok(false)
    );
    assert_eq!(print(&ctx, module), before);
}
