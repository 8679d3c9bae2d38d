//! From a function's block to the e-graph ([`import`]) and back ([`rebuild`]).
//!
//! Only pure, single-result `flow` ops without regions enter the e-graph; `flow.constant`s enter
//! as constants (by value identity). Every other op stays where it is (the skeleton): its
//! results enter as leaves, and its operands are rewired to the extracted values, which are
//! materialized just before it.

use crate::lang::{FGraph, FNode, FlowAnalysis, FusedBody, KeyData, Src};
use egg::Id;
use flowc_ir::{Block, Context, Diagnostic, Location, Op, OperationState, Type, TypeData, Value};
use rustc_hash::FxHashMap;

/// The function as the e-graph sees it.
pub struct Imported {
    /// The class of every value of the block (arguments and results), as added.
    pub value_class: FxHashMap<Value, Id>,
    /// The ops that entered the e-graph, in block order, with the id their node was added as.
    pub pure_ops: Vec<(Op, Id)>,
    /// The ops that stay, in block order (the terminator last).
    pub skeleton: Vec<Op>,
    /// Leaf `n`'s value, and the skeleton position after which it exists (0: an argument).
    pub leaves: Vec<(Value, usize)>,
}

/// Whether `op` enters the e-graph (constants included).
pub fn is_pure_candidate(ctx: &Context, op: Op) -> bool {
    let name = ctx.op_name(op);
    if ctx.op_dialect(op) != "flow" || matches!(name, "flow.fused" | "flow.yield") {
        return false;
    }
    if ctx.num_results(op) != 1 || !ctx.regions(op).is_empty() {
        return false;
    }
    let t = ctx.value_type(ctx.result(op, 0));
    matches!(
        ctx.type_data(t),
        TypeData::RankedTensor { .. } | TypeData::None
    )
}

/// Adds the ops of `block` to `eg`.
pub fn import(eg: &mut FGraph, block: Block) -> Imported {
    let mut imp = Imported {
        value_class: FxHashMap::default(),
        pure_ops: Vec::new(),
        skeleton: Vec::new(),
        leaves: Vec::new(),
    };
    let args = eg.analysis.ctx.block_args(block).to_vec();
    for a in args {
        let id = add_leaf(eg, &mut imp, a, 0);
        bump_uses(eg, id, a);
    }
    let ops: Vec<Op> = eg.analysis.ctx.block_ops(block).collect();
    for op in ops {
        let ctx = &eg.analysis.ctx;
        let operands = ctx.operand_vec(op);
        let known = operands.iter().all(|v| imp.value_class.contains_key(v));
        if known && is_pure_candidate(ctx, op) {
            let r = ctx.result(op, 0);
            let loc = ctx.op_loc(op);
            let node = if ctx.op_name(op) == "flow.constant" {
                match ctx.attr(op, "value") {
                    Some(v) => {
                        let key = eg.analysis.intern(KeyData::Const(v));
                        FNode::new(key, Vec::new())
                    }
                    None => {
                        skeleton_op(eg, &mut imp, op);
                        continue;
                    }
                }
            } else {
                let name = ctx.op_name(op).to_string();
                let mut attrs: Vec<_> = ctx.all_attrs(op).collect();
                eg.analysis.sort_attrs(&mut attrs);
                let name = eg.analysis.ctx.ident(&name);
                let key = eg.analysis.intern(KeyData::Op { name, attrs });
                let args = operands.iter().map(|v| imp.value_class[v]).collect();
                FNode::new(key, args)
            };
            eg.analysis.type_hint = Some(eg.analysis.ctx.value_type(r));
            let id = crate::rules::add_node(eg, node);
            eg.analysis.type_hint = None;
            let c = eg.find(id);
            let d = &mut eg[c].data;
            if !d.locs.contains(&loc) {
                d.locs.push(loc);
                d.locs.sort();
            }
            bump_uses(eg, id, r);
            imp.value_class.insert(r, id);
            imp.pure_ops.push((op, id));
        } else {
            skeleton_op(eg, &mut imp, op);
        }
    }
    imp
}

fn skeleton_op(eg: &mut FGraph, imp: &mut Imported, op: Op) {
    imp.skeleton.push(op);
    let pos = imp.skeleton.len();
    for r in eg.analysis.ctx.results(op).to_vec() {
        let id = add_leaf(eg, imp, r, pos);
        bump_uses(eg, id, r);
    }
}

fn add_leaf(eg: &mut FGraph, imp: &mut Imported, v: Value, pos: usize) -> Id {
    let ty = eg.analysis.ctx.value_type(v);
    let key = eg
        .analysis
        .intern(KeyData::Leaf(imp.leaves.len() as u32, ty));
    imp.leaves.push((v, pos));
    let id = crate::rules::add_node(eg, FNode::new(key, Vec::new()));
    imp.value_class.insert(v, id);
    id
}

fn bump_uses(eg: &mut FGraph, id: Id, v: Value) {
    let n = eg.analysis.ctx.uses(v).len() as u32;
    let c = eg.find(id);
    eg[c].data.uses = eg[c].data.uses.saturating_add(n);
}

/// The chosen node of each class needed by the skeleton, from the extractor.
pub type Choice = FxHashMap<Id, FNode>;

/// Checks that every skeleton op's operands can be computed before it (a leaf is used only
/// after the op that defines it). Errs with the op that could not be served.
pub fn check_order(eg: &FGraph, imp: &Imported, choice: &Choice, ctx: &Context) -> Result<(), Op> {
    let mut ready: FxHashMap<Id, usize> = FxHashMap::default();
    for (k, &op) in imp.skeleton.iter().enumerate() {
        for v in ctx.operands(op) {
            let c = eg.find(imp.value_class[&v]);
            if ready_at(eg, imp, choice, c, &mut ready) > k {
                return Err(op);
            }
        }
    }
    Ok(())
}

/// The skeleton position after which class `c`'s chosen term can be computed.
fn ready_at(
    eg: &FGraph,
    imp: &Imported,
    choice: &Choice,
    c: Id,
    ready: &mut FxHashMap<Id, usize>,
) -> usize {
    // Iterative post-order (graphs are deep: no recursion).
    let mut stack = vec![(c, false)];
    while let Some((id, expanded)) = stack.pop() {
        if ready.contains_key(&id) {
            continue;
        }
        let node = &choice[&id];
        if !expanded {
            stack.push((id, true));
            for &a in &node.args {
                let a = eg.find(a);
                if !ready.contains_key(&a) {
                    stack.push((a, false));
                }
            }
            continue;
        }
        let own = match eg.analysis.key(node.key) {
            KeyData::Leaf(n, _) => imp.leaves[*n as usize].1,
            _ => 0,
        };
        let r = node
            .args
            .iter()
            .map(|&a| ready[&eg.find(a)])
            .fold(own, usize::max);
        ready.insert(id, r);
    }
    ready[&c]
}

/// What [`rebuild`] made.
#[derive(Default)]
pub struct Rebuilt {
    /// Classes materialized, with the op made for each (`None` for leaves).
    pub made: FxHashMap<Id, Option<Op>>,
}

/// Rewrites the block: materializes the chosen term of each skeleton operand before its user,
/// rewires the skeleton, erases the ops that were imported, and gives each new op the fused
/// locations of the input ops it stands for.
pub fn rebuild(
    ctx: &mut Context,
    eg: &FGraph,
    imp: &Imported,
    choice: &Choice,
) -> Result<Rebuilt, Diagnostic> {
    let mut out = Rebuilt::default();
    let mut values: FxHashMap<Id, Value> = FxHashMap::default();
    for &op in &imp.skeleton {
        let operands = ctx.operand_vec(op);
        for (i, v) in operands.into_iter().enumerate() {
            let c = eg.find(imp.value_class[&v]);
            let nv = materialize(ctx, eg, imp, choice, c, op, &mut values, &mut out)?;
            if nv != v {
                ctx.set_operand(op, i, nv);
            }
        }
    }
    // Locations: an input op that is gone is attributed to the new ops that consume it.
    let mut extra: FxHashMap<Id, Vec<Location>> = FxHashMap::default();
    let mut gone_to: FxHashMap<Op, Vec<Id>> = FxHashMap::default();
    let pure_class: FxHashMap<Op, Id> = imp
        .pure_ops
        .iter()
        .map(|&(o, id)| (o, eg.find(id)))
        .collect();
    for &(op, id) in imp.pure_ops.iter().rev() {
        let c = eg.find(id);
        if out.made.get(&c).is_some_and(|m| m.is_some()) {
            gone_to.insert(op, vec![c]);
            continue;
        }
        let mut targets = Vec::new();
        for user in ctx.users(ctx.result(op, 0)) {
            if let Some(t) = gone_to.get(&user) {
                targets.extend(t.iter().copied());
            }
        }
        targets.sort();
        targets.dedup();
        let loc = ctx.op_loc(op);
        for &t in &targets {
            extra.entry(t).or_default().push(loc);
        }
        gone_to.insert(op, targets);
    }
    let _ = pure_class;
    let mut made: Vec<(Id, Op)> = out
        .made
        .iter()
        .filter_map(|(&c, &o)| o.map(|o| (c, o)))
        .collect();
    made.sort();
    for (c, op) in made {
        let mut locs = eg[c].data.locs.clone();
        if let Some(e) = extra.get(&c) {
            locs.extend(e.iter().copied());
        }
        locs.sort();
        locs.dedup();
        if !locs.is_empty() {
            let loc = ctx.fused_loc(&locs, None);
            ctx.set_op_loc(op, loc);
            if ctx.op_name(op) == "flow.fused"
                && let Some(b) = ctx.region_entry(ctx.region(op, 0))
            {
                for inner in ctx.block_ops(b).collect::<Vec<_>>() {
                    ctx.set_op_loc(inner, loc);
                }
            }
        }
    }
    for &(op, _) in imp.pure_ops.iter().rev() {
        if !ctx.has_uses(ctx.result(op, 0)) {
            ctx.erase_op(op);
        } else {
            return Err(Diagnostic::error(
                ctx.op_loc(op),
                "flow-saturate: an input op still has uses after rebuilding",
            ));
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn materialize(
    ctx: &mut Context,
    eg: &FGraph,
    imp: &Imported,
    choice: &Choice,
    c: Id,
    before: Op,
    values: &mut FxHashMap<Id, Value>,
    out: &mut Rebuilt,
) -> Result<Value, Diagnostic> {
    let mut stack = vec![(c, false)];
    while let Some((id, expanded)) = stack.pop() {
        if values.contains_key(&id) {
            continue;
        }
        let node = choice.get(&id).ok_or_else(|| {
            Diagnostic::error(
                ctx.op_loc(before),
                "flow-saturate: no term extracted for a value",
            )
        })?;
        if !expanded {
            stack.push((id, true));
            for &a in &node.args {
                let a = eg.find(a);
                if !values.contains_key(&a) {
                    stack.push((a, false));
                }
            }
            continue;
        }
        let args: Vec<Value> = node.args.iter().map(|&a| values[&eg.find(a)]).collect();
        let ty = eg[id].data.ty.ok_or_else(|| {
            Diagnostic::error(
                ctx.op_loc(before),
                "flow-saturate: extracted a term without a type",
            )
        })?;
        let (v, op) = match eg.analysis.key(node.key) {
            KeyData::Leaf(n, _) => (imp.leaves[*n as usize].0, None),
            KeyData::Const(attr) => {
                let st = OperationState::new(ctx, "flow.constant", Location::UNKNOWN)
                    .results(&[ty])
                    .attr(ctx, "value", *attr);
                let op = ctx.create_op(st);
                ctx.insert_op_before(before, op);
                (ctx.result(op, 0), Some(op))
            }
            KeyData::Op { name, attrs } => {
                let name = ctx.ident_str(*name).to_string();
                let mut st = OperationState::new(ctx, &name, Location::UNKNOWN)
                    .operands(&args)
                    .results(&[ty]);
                st.attributes.extend(attrs.iter().copied());
                let op = ctx.create_op(st);
                ctx.insert_op_before(before, op);
                (ctx.result(op, 0), Some(op))
            }
            KeyData::Fused(body) => {
                let op = build_fused(ctx, eg, body, &args, ty);
                ctx.insert_op_before(before, op);
                (ctx.result(op, 0), Some(op))
            }
        };
        values.insert(id, v);
        out.made.insert(id, op);
    }
    Ok(values[&c])
}

/// A `flow.fused` op over `args` with `body`.
fn build_fused(ctx: &mut Context, eg: &FGraph, body: &FusedBody, args: &[Value], ty: Type) -> Op {
    let loc = Location::UNKNOWN;
    let st = OperationState::new(ctx, "flow.fused", loc)
        .operands(args)
        .results(&[ty])
        .region(ctx);
    let op = ctx.create_op(st);
    let arg_types: Vec<(Type, Location)> = args.iter().map(|&a| (ctx.value_type(a), loc)).collect();
    let block = ctx.create_block(&arg_types);
    let region = ctx.region(op, 0);
    ctx.append_block(region, block);
    let bargs = ctx.block_args(block).to_vec();
    let mut inner: Vec<Value> = Vec::new();
    for (key, srcs, t) in &body.ops {
        let KeyData::Op { name, attrs } = eg.analysis.key(*key) else {
            continue;
        };
        let operands: Vec<Value> = srcs
            .iter()
            .map(|s| match *s {
                Src::Arg(i) => bargs[i as usize],
                Src::Op(i) => inner[i as usize],
            })
            .collect();
        let name = ctx.ident_str(*name).to_string();
        let mut st = OperationState::new(ctx, &name, loc)
            .operands(&operands)
            .results(&[*t]);
        st.attributes.extend(attrs.iter().copied());
        let o = ctx.create_op(st);
        ctx.append_op(block, o);
        inner.push(ctx.result(o, 0));
    }
    let last = *inner.last().expect("a fused body has ops");
    let st = OperationState::new(ctx, "flow.yield", loc).operands(&[last]);
    let y = ctx.create_op(st);
    ctx.append_op(block, y);
    op
}

/// A fresh analysis around `ctx`.
pub fn new_graph(ctx: Context, explain: bool) -> FGraph {
    let eg = FGraph::new(FlowAnalysis::new(ctx));
    if explain {
        eg.with_explanations_enabled()
    } else {
        eg
    }
}
