//! `cse`: common subexpression elimination (MLIR's `CSE`).
//!
//! Two operations are equal when they have the same name, attributes (properties and
//! discardable ones), operands (in any order for commutative ops) and result types. Only pure operations without regions or
//! successors are merged; the later of two equal operations is replaced by the earlier one when
//! the earlier dominates it. Operations in nested regions see the ones of enclosing regions,
//! except across ops that are isolated from above (or unregistered, which might be). Multi-block regions are walked in reverse
//! post-order (dominators first) and unreachable blocks are left alone; in multi-block graph
//! regions nothing is merged (there is no dominance). Trivially dead operations met on the way
//! are erased, as MLIR's CSE does.

use flowc_ir::dominance::DominanceInfo;
use flowc_ir::{Attribute, Block, Context, Ident, Location, Op, Region, Traits, Type, Value};
use flowc_pass::{Pass, PassFailure, PassInfo, PassRegistry, PassState};
use flowc_rewrite::is_trivially_dead;
use rustc_hash::{FxHashMap, FxHashSet};

/// What `cse` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CseStats {
    /// Operations replaced by an equal one.
    pub cse: usize,
    /// Trivially dead operations erased.
    pub dce: usize,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    name: Ident,
    attrs: Vec<(Ident, Attribute)>,
    operands: Vec<Value>,
    result_types: Vec<Type>,
}

fn key(ctx: &Context, op: Op) -> Key {
    let mut operands: Vec<Value> = ctx.operands(op).collect();
    // As in MLIR, the operands of commutative ops are compared as a multiset.
    if ctx.has_trait(op, Traits::COMMUTATIVE) {
        operands.sort();
    }
    Key {
        name: ctx.op_name_ident(op),
        attrs: ctx.all_attrs(op).collect(),
        operands,
        result_types: ctx.result_types(op),
    }
}

fn is_candidate(ctx: &Context, op: Op) -> bool {
    ctx.has_trait(op, Traits::PURE)
        && !ctx.has_trait(op, Traits::TERMINATOR)
        && ctx.regions(op).is_empty()
        && ctx.successors(op).is_empty()
        && ctx.num_results(op) > 0
}

/// Eliminates common subexpressions in the regions of `root`.
pub fn cse(ctx: &mut Context, root: Op) -> CseStats {
    let mut stats = CseStats::default();
    let mut dom = DominanceInfo::new();
    let mut scopes: Vec<FxHashMap<Key, Vec<Op>>> = vec![FxHashMap::default()];
    let mut work: Vec<(Region, usize)> = ctx.regions(root).iter().rev().map(|&r| (r, 0)).collect();
    while let Some((region, scope)) = work.pop() {
        let blocks = ctx.region_blocks(region).to_vec();
        let graph = ctx
            .region_parent_op(region)
            .is_some_and(|p| ctx.has_trait(p, Traits::GRAPH_REGIONS));
        // In multi-block regions, merge only where dominance says so; graph regions have none.
        let merge = blocks.len() == 1 || !graph;
        let order = if blocks.len() <= 1 {
            blocks
        } else {
            reverse_post_order(ctx, region)
        };
        let mut nested = Vec::new();
        for block in order {
            let ops: Vec<Op> = ctx.block_ops(block).collect();
            for op in ops {
                if !ctx.is_op_alive(op) {
                    continue;
                }
                if is_trivially_dead(ctx, op) {
                    ctx.erase_op(op);
                    stats.dce += 1;
                    continue;
                }
                if merge && is_candidate(ctx, op) {
                    let k = key(ctx, op);
                    let existing = scopes[scope].get(&k).and_then(|list| {
                        list.iter()
                            .copied()
                            .find(|&c| ctx.is_op_alive(c) && dominates(ctx, &mut dom, c, op))
                    });
                    match existing {
                        Some(c) => {
                            // Keep a known location if the survivor has none.
                            let loc = ctx.op_loc(op);
                            if ctx.op_loc(c) == Location::UNKNOWN && loc != Location::UNKNOWN {
                                ctx.set_op_loc(c, loc);
                            }
                            let values = ctx.results(c).to_vec();
                            ctx.replace_all_op_uses(op, &values);
                            ctx.erase_op(op);
                            stats.cse += 1;
                            continue;
                        }
                        None => scopes[scope].entry(k).or_default().push(op),
                    }
                }
                if !ctx.regions(op).is_empty() {
                    // Unregistered ops might be isolated from above: assume they are.
                    let isolated =
                        ctx.has_trait(op, Traits::ISOLATED_FROM_ABOVE) || !ctx.is_registered(op);
                    let s = if isolated {
                        scopes.push(FxHashMap::default());
                        scopes.len() - 1
                    } else {
                        scope
                    };
                    nested.extend(ctx.regions(op).iter().map(|&r| (r, s)));
                }
            }
        }
        work.extend(nested.into_iter().rev());
    }
    stats
}

/// Whether `a` (an op without regions) dominates `b`: `b` or its ancestor in `a`'s region comes
/// after `a` in the same block, or in a block `a`'s block dominates.
fn dominates(ctx: &Context, dom: &mut DominanceInfo, a: Op, b: Op) -> bool {
    let Some(a_block) = ctx.op_parent_block(a) else {
        return false;
    };
    let Some(region) = ctx.block_parent_region(a_block) else {
        return false;
    };
    let Some(anc) = ctx.ancestor_in_region(region, b) else {
        return false;
    };
    if anc == a {
        return false;
    }
    let anc_block = ctx
        .op_parent_block(anc)
        .expect("ancestor in a region is in a block");
    if anc_block == a_block {
        return dom.is_before_in_block(ctx, a, anc);
    }
    dom.is_reachable(ctx, anc_block) && dom.block_dominates(ctx, a_block, anc_block)
}

/// The blocks of `region` reachable from the entry, in reverse post-order.
fn reverse_post_order(ctx: &Context, region: Region) -> Vec<Block> {
    let Some(entry) = ctx.region_entry(region) else {
        return Vec::new();
    };
    let succs = |b: Block| -> Vec<Block> {
        ctx.block_last_op(b)
            .map(|t| ctx.successors(t).to_vec())
            .unwrap_or_default()
    };
    let mut post = Vec::new();
    let mut seen = FxHashSet::default();
    seen.insert(entry);
    let mut stack = vec![(entry, succs(entry), 0usize)];
    while let Some((b, s, i)) = stack.last_mut() {
        if *i < s.len() {
            let next = s[*i];
            *i += 1;
            if ctx.block_parent_region(next) == Some(region) && seen.insert(next) {
                let ns = succs(next);
                stack.push((next, ns, 0));
            }
        } else {
            post.push(*b);
            stack.pop();
        }
    }
    post.reverse();
    post
}

/// The `cse` pass.
pub struct Cse;

pub(crate) fn register(registry: &mut PassRegistry) {
    registry.register(PassInfo::new(
        "cse",
        "Eliminate common sub-expressions",
        |_| Ok(Box::new(Cse)),
    ));
}

impl Pass for Cse {
    fn argument(&self) -> &'static str {
        "cse"
    }

    fn name(&self) -> &'static str {
        "CSE"
    }

    fn summary(&self) -> &'static str {
        "Eliminate common sub-expressions"
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        let stats = cse(ctx, op);
        state.stat_with_description("num-cse'd", "Number of operations CSE'd", stats.cse as u64);
        state.stat_with_description("num-dce'd", "Number of operations DCE'd", stats.dce as u64);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_ir::OperationState;

    fn ctx() -> Context {
        let mut ctx = Context::new();
        flowc_ir_test_dialect(&mut ctx);
        ctx.allow_unregistered_dialects = true;
        ctx
    }

    /// `t.pure` (pure), `t.region` (a non-isolated region op), `t.iso` (isolated).
    fn flowc_ir_test_dialect(ctx: &mut Context) {
        use flowc_ir::constraints::{ANY_ATTR, ANY_TYPE};
        use flowc_ir::{Arity, DialectDef, OpDef};
        ctx.register_dialect(
            DialectDef::new("t", "cse test ops")
                .op(OpDef::new("t.pure")
                    .operand("x", Arity::Variadic, ANY_TYPE)
                    .result("r", Arity::Variadic, ANY_TYPE)
                    .attribute("k", true, ANY_ATTR)
                    .traits(Traits::PURE))
                .op(OpDef::new("t.region").region("body"))
                .op(OpDef::new("t.iso")
                    .region("body")
                    .traits(Traits::ISOLATED_FROM_ABOVE)),
        );
    }

    fn push(ctx: &mut Context, b: Block, name: &str, operands: &[Value], n: usize) -> Op {
        let i32 = ctx.i32_type();
        let s = OperationState::new(ctx, name, Location::UNKNOWN)
            .operands(operands)
            .results(&vec![i32; n]);
        let op = ctx.create_op(s);
        ctx.append_op(b, op);
        op
    }

    fn with_region(ctx: &mut Context, parent: Block, name: &str) -> Block {
        let r = ctx.create_region();
        let b = ctx.create_block(&[]);
        ctx.append_block(r, b);
        let mut s = OperationState::new(ctx, name, Location::UNKNOWN);
        s.regions.push(r);
        let op = ctx.create_op(s);
        ctx.append_op(parent, op);
        b
    }

    #[test]
    fn merges_pure_duplicates_in_scope() {
        let mut ctx = ctx();
        let module = flowc_ir::builtin::ModuleOp::create(&mut ctx, Location::UNKNOWN);
        let top = module.body_block(&ctx);
        let body = with_region(&mut ctx, top, "t.iso");
        let a = push(&mut ctx, body, "t.pure", &[], 1);
        let b = push(&mut ctx, body, "t.pure", &[], 1);
        let se1 = push(&mut ctx, body, "x.effect", &[], 1);
        let se2 = push(&mut ctx, body, "x.effect", &[], 1);
        let (va, vb) = (ctx.result(a, 0), ctx.result(b, 0));
        let user = push(&mut ctx, body, "x.use", &[va, vb], 0);
        let inner = with_region(&mut ctx, body, "t.region");
        let c = push(&mut ctx, inner, "t.pure", &[], 1);
        let vc = ctx.result(c, 0);
        push(&mut ctx, inner, "x.use", &[vc], 0);
        let iso = with_region(&mut ctx, body, "t.iso");
        let d = push(&mut ctx, iso, "t.pure", &[], 1);
        let vd = ctx.result(d, 0);
        push(&mut ctx, iso, "x.use", &[vd], 0);
        let (v1, v2) = (ctx.result(se1, 0), ctx.result(se2, 0));
        push(&mut ctx, body, "x.use", &[v1, v2], 0);

        let stats = cse(&mut ctx, module.0);
        assert_eq!(stats, CseStats { cse: 2, dce: 0 });
        assert_eq!(ctx.operand_vec(user), vec![va, va]);
        assert!(!ctx.is_op_alive(b) && !ctx.is_op_alive(c));
        assert!(ctx.is_op_alive(d), "not merged across an isolated op");
        assert!(ctx.is_op_alive(se2), "side effects are not merged");
    }

    #[test]
    fn respects_dominance_in_multi_block_regions() {
        let mut ctx = ctx();
        // bb0: a; cond_br ^bb1, ^bb2   bb1: b (dominated: merged)   bb2: c; d is in bb3 (join)
        let module = flowc_ir::builtin::ModuleOp::create(&mut ctx, Location::UNKNOWN);
        let top = module.body_block(&ctx);
        let r = ctx.create_region();
        let bbs: Vec<Block> = (0..4).map(|_| ctx.create_block(&[])).collect();
        for &b in &bbs {
            ctx.append_block(r, b);
        }
        let mut s = OperationState::new(&mut ctx, "t.iso", Location::UNKNOWN);
        s.regions.push(r);
        let f = ctx.create_op(s);
        ctx.append_op(top, f);
        let br = |ctx: &mut Context, from: Block, to: &[Block]| {
            let mut s = OperationState::new(ctx, "x.br", Location::UNKNOWN);
            s.successors.extend_from_slice(to);
            let op = ctx.create_op(s);
            ctx.append_op(from, op);
        };
        let x = push(&mut ctx, bbs[0], "x.arg", &[], 1);
        let xv = ctx.result(x, 0);
        // Different keys in bb1 and bb2 (operand), equal ones in bb1 / bb2 / bb3.
        let in1 = push(&mut ctx, bbs[1], "t.pure", &[xv], 1);
        br(&mut ctx, bbs[1], &[bbs[3]]);
        let in2 = push(&mut ctx, bbs[2], "t.pure", &[xv], 1);
        br(&mut ctx, bbs[2], &[bbs[3]]);
        let in3 = push(&mut ctx, bbs[3], "t.pure", &[xv], 1);
        let top_dup = push(&mut ctx, bbs[0], "t.pure", &[], 1);
        br(&mut ctx, bbs[0], &[bbs[1], bbs[2]]);
        let bottom_dup = push(&mut ctx, bbs[3], "t.pure", &[], 1);
        let vals: Vec<Value> = [in1, in2, in3, top_dup, bottom_dup]
            .iter()
            .map(|&o| ctx.result(o, 0))
            .collect();
        push(&mut ctx, bbs[3], "x.use", &vals, 0);
        let stats = cse(&mut ctx, module.0);
        assert_eq!(stats.cse, 1, "only bb3's copy of bb0's op merges");
        assert!(ctx.is_op_alive(in1) && ctx.is_op_alive(in2) && ctx.is_op_alive(in3));
        assert!(!ctx.is_op_alive(bottom_dup));
    }

    #[test]
    fn erases_dead_pure_ops() {
        let mut ctx = ctx();
        let module = flowc_ir::builtin::ModuleOp::create(&mut ctx, Location::UNKNOWN);
        let top = module.body_block(&ctx);
        let body = with_region(&mut ctx, top, "t.iso");
        push(&mut ctx, body, "t.pure", &[], 1);
        let stats = cse(&mut ctx, module.0);
        assert_eq!(stats, CseStats { cse: 0, dce: 1 });
    }
}
