//! `flow-saturate`: equality saturation of a function's `flow` graph with [egg].
//!
//! ```text
//! flowc-opt model.mlir --flow-saturate
//! flowc-opt model.mlir --flow-saturate='rules=redundancy,constant node-limit=50000 explain=true'
//! ```
//!
//! 1. The pure, single-result `flow` ops of the function's body go into an e-graph
//!    ([`graph::import`]): function arguments and the results of every other op are leaves,
//!    constants enter by value identity, an op's attributes are part of its node, and its type
//!    is in the e-graph's analysis (ONNX inference, [`lang::FlowAnalysis`]). Ops that do not
//!    enter (multi-result ops, region ops, other dialects) stay where they are.
//! 2. A [`egg::Runner`] applies the rule sets of [`rules`] until saturation or a limit
//!    (`node-limit`, `iter-limit`, `time-limit-ms`).
//! 3. [`egg::Extractor`] picks the cheapest term of every needed class under the target's cost
//!    model ([`cost`]: bytes moved, kernel launches, flops).
//! 4. The function is rebuilt from the chosen terms ([`graph::rebuild`]); each new op's location
//!    is the fused location of the input ops it stands for.
//! 5. With `explain=true`, every input op whose value is now computed differently gets a remark
//!    at its location naming the chain of rules that justifies the change (egg's explanations).
//!
//! Output is deterministic: egg's `deterministic` feature orders its maps, and everything here
//! iterates vectors or sorted keys.

pub mod cost;
pub mod graph;
pub mod lang;
pub mod rules;

use cost::{CostModel, Target};
use egg::{Extractor, Id, Runner, StopReason};
use flowc_ir::{Context, Diagnostic, Op};
use flowc_pass::{Pass, PassFailure, PassInfo, PassOptions, PassRegistry, PassState};
use graph::{Choice, Imported};
use lang::{FGraph, FNode, KeyData};
use rules::RuleSet;
use std::time::{Duration, Instant};

/// How `flow-saturate` runs.
#[derive(Clone, Debug)]
pub struct SaturateConfig {
    pub rules: Vec<RuleSet>,
    pub node_limit: usize,
    pub iter_limit: usize,
    pub time_limit: Duration,
    pub target: Target,
    /// Emit a remark per changed op with the rules that justify it.
    pub explain: bool,
}

impl Default for SaturateConfig {
    fn default() -> Self {
        SaturateConfig {
            rules: RuleSet::DEFAULT.to_vec(),
            node_limit: 200_000,
            iter_limit: 30,
            time_limit: Duration::from_millis(5000),
            target: Target::CPU,
            explain: false,
        }
    }
}

impl SaturateConfig {
    pub fn from_options(o: &PassOptions) -> Result<Self, String> {
        let d = SaturateConfig::default();
        let mut rules = Vec::new();
        let list = o.get_list("rules");
        for name in &list {
            let r = RuleSet::parse(name).ok_or_else(|| {
                let all: Vec<&str> = RuleSet::ALL.iter().map(|r| r.name()).collect();
                format!(
                    "invalid value '{name}' for option 'rules': expected a list of {}",
                    all.join(", ")
                )
            })?;
            if !rules.contains(&r) {
                rules.push(r);
            }
        }
        if list.is_empty() {
            rules = d.rules.clone();
        }
        let target_name = o.get_str("target", "cpu");
        let target = Target::parse(&target_name).ok_or_else(|| {
            format!("invalid value '{target_name}' for option 'target': expected 'cpu'")
        })?;
        Ok(SaturateConfig {
            rules,
            node_limit: o.get_usize("node-limit", d.node_limit)?,
            iter_limit: o.get_usize("iter-limit", d.iter_limit)?,
            time_limit: Duration::from_millis(o.get_u64("time-limit-ms", 5000)?),
            target,
            explain: o.get_bool("explain", false)?,
        })
    }
}

/// What one run did.
#[derive(Clone, Debug, Default)]
pub struct SaturateStats {
    /// `flow` ops (constants excluded) in the e-graph's part of the function, before and after.
    pub ops_before: usize,
    pub ops_after: usize,
    /// Of those, ops that become kernels (not views, not `flow.none`), before and after.
    pub kernels_before: usize,
    pub kernels_after: usize,
    pub iterations: usize,
    pub enodes: usize,
    pub eclasses: usize,
    /// Why saturation stopped (`saturated`, `node limit`, ...).
    pub stop_reason: String,
    pub time: Duration,
}

/// Registers `flow-saturate`.
pub fn register_passes(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new(
            "flow-saturate",
            "Optimize flow graphs by equality saturation (egg): redundancy, exact algebra, constant work, fusion",
            |o| Ok(Box::new(FlowSaturate { config: SaturateConfig::from_options(o)? })),
        )
        .option(
            "rules",
            "Rule sets: redundancy, algebra, constant, fusion, layout, fast-math",
            "redundancy,algebra,constant,fusion,layout",
        )
        .option("node-limit", "Most e-nodes before saturation stops", "200000")
        .option("iter-limit", "Most rewrite iterations", "30")
        .option("time-limit-ms", "Most milliseconds of saturation", "5000")
        .option("target", "The cost model's target: cpu", "cpu")
        .option(
            "explain",
            "Emit a remark per changed op with the rules that justify it",
            "false",
        ),
    );
}

/// The `flow-saturate` pass.
pub struct FlowSaturate {
    pub config: SaturateConfig,
}

impl Pass for FlowSaturate {
    fn argument(&self) -> &'static str {
        "flow-saturate"
    }

    fn name(&self) -> &'static str {
        "FlowSaturate"
    }

    fn summary(&self) -> &'static str {
        "Optimize flow graphs by equality saturation (egg)"
    }

    fn anchor(&self) -> Option<&'static str> {
        Some("func.func")
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match saturate(ctx, op, &self.config) {
            Ok(s) => {
                state.stat_with_description(
                    "num-ops-before",
                    "flow ops before",
                    s.ops_before as u64,
                );
                state.stat_with_description("num-ops-after", "flow ops after", s.ops_after as u64);
                state.stat_with_description(
                    "num-kernels-before",
                    "flow ops that are kernels, before",
                    s.kernels_before as u64,
                );
                state.stat_with_description(
                    "num-kernels-after",
                    "flow ops that are kernels, after",
                    s.kernels_after as u64,
                );
                state.stat_with_description(
                    "num-iterations",
                    "Rewrite iterations",
                    s.iterations as u64,
                );
                Ok(())
            }
            Err(d) => Err(PassFailure::emit(ctx, d)),
        }
    }
}

/// Counts the flow ops and kernels of an e-graph's worth of ops.
fn count(ctx: &Context, ops: impl Iterator<Item = Op>) -> (usize, usize) {
    let (mut n, mut k) = (0, 0);
    for op in ops {
        let name = ctx.op_name(op);
        if name == "flow.constant" || name == "flow.none" {
            continue;
        }
        n += 1;
        if !cost::is_view(name) {
            k += 1;
        }
    }
    (n, k)
}

/// Saturates the body of `func` (a `func.func` of one block; others are left alone).
pub fn saturate(
    ctx: &mut Context,
    func: Op,
    config: &SaturateConfig,
) -> Result<SaturateStats, Diagnostic> {
    let Some(&region) = ctx.regions(func).first() else {
        return Ok(SaturateStats::default());
    };
    let blocks = ctx.region_blocks(region);
    if blocks.len() != 1 {
        return Ok(SaturateStats::default());
    }
    let block = blocks[0];
    if !ctx
        .block_ops(block)
        .any(|o| graph::is_pure_candidate(ctx, o) && ctx.op_name(o) != "flow.constant")
    {
        return Ok(SaturateStats::default());
    }
    let start = Instant::now();
    let owned = std::mem::take(ctx);
    let mut eg = graph::new_graph(owned, config.explain);
    let imp = graph::import(&mut eg, block);
    let (ops_before, kernels_before) =
        count(&eg.analysis.ctx, imp.pure_ops.iter().map(|&(o, _)| o));
    let rws = rules::rewrites(&config.rules);
    let runner = Runner::default()
        .with_egraph(eg)
        .with_node_limit(config.node_limit)
        .with_iter_limit(config.iter_limit)
        .with_time_limit(config.time_limit)
        .run(&rws);
    let stop_reason = match &runner.stop_reason {
        Some(StopReason::Saturated) => "saturated".to_string(),
        Some(StopReason::IterationLimit(_)) => "iteration limit".to_string(),
        Some(StopReason::NodeLimit(_)) => "node limit".to_string(),
        Some(StopReason::TimeLimit(_)) => "time limit".to_string(),
        Some(StopReason::Other(s)) => s.clone(),
        None => "unknown".to_string(),
    };
    let iterations = runner.iterations.len();
    let mut eg = runner.egraph;
    let choice = extract(&eg, &imp, config.target);
    let order = graph::check_order(&eg, &imp, &choice, &eg.analysis.ctx);
    let remarks = if config.explain && order.is_ok() {
        let mut r = explain(&mut eg, &imp, &choice);
        r.extend(explain_relayout(&mut eg, &imp, &choice));
        r
    } else {
        Vec::new()
    };
    *ctx = std::mem::take(&mut eg.analysis.ctx);
    if let Err(op) = order {
        return Err(Diagnostic::error(
            ctx.op_loc(op),
            "flow-saturate: the extracted graph uses a value before its definition",
        ));
    }
    let rebuilt = graph::rebuild(ctx, &eg, &imp, &choice)?;
    for r in remarks {
        ctx.emit(r);
    }
    let made: Vec<Op> = {
        let mut v: Vec<Op> = rebuilt.made.values().filter_map(|&o| o).collect();
        v.sort();
        v
    };
    let (ops_after, kernels_after) = count(ctx, made.into_iter());
    Ok(SaturateStats {
        ops_before,
        ops_after,
        kernels_before,
        kernels_after,
        iterations,
        enodes: eg.total_number_of_nodes(),
        eclasses: eg.number_of_classes(),
        stop_reason,
        time: start.elapsed(),
    })
}

/// The chosen node of every class the skeleton needs, transitively.
fn extract(eg: &FGraph, imp: &Imported, target: Target) -> Choice {
    let extractor = Extractor::new(eg, CostModel { eg, target });
    let mut choice = Choice::default();
    let ctx = &eg.analysis.ctx;
    let mut stack: Vec<Id> = Vec::new();
    for &op in &imp.skeleton {
        for v in ctx.operands(op) {
            stack.push(eg.find(imp.value_class[&v]));
        }
    }
    while let Some(c) = stack.pop() {
        if choice.contains_key(&c) {
            continue;
        }
        let node = extractor.find_best_node(c).clone();
        for &a in &node.args {
            let a = eg.find(a);
            if !choice.contains_key(&a) {
                stack.push(a);
            }
        }
        choice.insert(c, node);
    }
    choice
}

/// A short description of a node for remarks.
fn describe(eg: &FGraph, n: &FNode) -> String {
    let a = &eg.analysis;
    match a.key(n.key) {
        KeyData::Leaf(..) => "an existing value".into(),
        KeyData::Const(_) => "a constant".into(),
        KeyData::Op { .. } => format!("'{}'", a.op_name(n.key).unwrap_or("?")),
        KeyData::Fused(b) => {
            let names: Vec<&str> = b
                .ops
                .iter()
                .map(|(k, _, _)| a.op_name(*k).unwrap_or("?").trim_start_matches("flow."))
                .collect();
            format!("'flow.fused' [{}]", names.join(", "))
        }
    }
}

/// One remark per input op whose class is now computed by another node: the rules along
/// egg's explanation of `input term = extracted node`, in the order the proof applies them.
///
/// The extracted node's operands are written as the input's own subterms where the input term
/// holds one of the same class (the operands of a fused kernel are values the input computed
/// too), so the proof only rebuilds what the node itself stands for: for a conv + bias + ReLU
/// kernel `conv-add-fold -> head-fuse`, each rule that made a part of the node, not the rules
/// that changed its operands (those have remarks of their own). The proof is read as egg's tree
/// (shared subproofs once), not flattened into whole terms per step, which costs the size of the
/// term times the steps: a late op of a transformer stands for most of the network.
fn explain(eg: &mut FGraph, imp: &Imported, choice: &Choice) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(op, id) in &imp.pure_ops {
        let c = eg.find(id);
        let Some(chosen) = choice.get(&c).cloned() else {
            continue;
        };
        let name = eg.analysis.ctx.op_name(op).to_string();
        if name == "flow.constant" {
            continue;
        }
        let original = eg.id_to_node(id).clone();
        let same = original.key == chosen.key
            && original
                .args
                .iter()
                .zip(&chosen.args)
                .all(|(&x, &y)| eg.find(x) == eg.find(y));
        if same {
            continue;
        }
        let after = node_over_input(eg, choice, &chosen, id);
        let explanation = eg.explain_id_equivalence(id, after);
        let mut rules_used: Vec<String> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for term in &explanation.explanation_trees {
            collect_rules(term, &mut rules_used, &mut seen);
        }
        if rules_used.is_empty() {
            continue;
        }
        let loc = eg.analysis.ctx.op_loc(op);
        out.push(Diagnostic::remark(
            loc,
            format!(
                "flow-saturate: '{name}' is now computed by {}: {}",
                describe(eg, &chosen),
                rules_used.join(" -> ")
            ),
        ));
    }
    out
}

/// The extracted node `chosen` over, for each operand class, the input term's outermost
/// subterm of that class under input node `id`, or where the input has none (a value only the
/// rewritten graph computes) the extracted node of that class over its operands likewise; its
/// id.
fn node_over_input(eg: &mut FGraph, choice: &Choice, chosen: &FNode, id: Id) -> Id {
    let mut first: rustc_hash::FxHashMap<Id, Id> = rustc_hash::FxHashMap::default();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut queue = std::collections::VecDeque::from([id]);
    while let Some(u) = queue.pop_front() {
        first.entry(eg.find(u)).or_insert(u);
        for &a in &eg.id_to_node(u).args {
            if seen.insert(a) {
                queue.push_back(a);
            }
        }
    }
    fn build(
        eg: &mut FGraph,
        choice: &Choice,
        first: &mut rustc_hash::FxHashMap<Id, Id>,
        node: &FNode,
    ) -> Id {
        let mut args = Vec::with_capacity(node.args.len());
        for &a in &node.args {
            let c = eg.find(a);
            let arg = match (first.get(&c), choice.get(&c)) {
                (Some(&u), _) => u,
                (None, Some(n)) => {
                    let n = n.clone();
                    let u = build(eg, choice, first, &n);
                    first.insert(c, u);
                    u
                }
                (None, None) => c,
            };
            args.push(arg);
        }
        eg.add_uncanonical(FNode::new(node.key, args))
    }
    build(eg, choice, &mut first, chosen)
}

/// Remarks for the input convs that are no longer computed because the layout rules moved
/// them to the other layout (their value is a transpose of a conv in that layout that the
/// extracted graph computes, and their consumers cancelled the transpose): [`explain`] says nothing of an op whose value
/// is not in the extracted graph, so here the rules that equate the conv with that transpose
/// are named.
fn explain_relayout(eg: &mut FGraph, imp: &Imported, choice: &Choice) -> Vec<Diagnostic> {
    // The convs the extracted graph computes: (key, operand classes), fused heads included.
    let mut heads: Vec<(lang::Key, Vec<Id>)> = Vec::new();
    for n in choice.values() {
        let args = || n.args.iter().map(|&a| eg.find(a)).collect::<Vec<_>>();
        match eg.analysis.key(n.key) {
            KeyData::Fused(b) => {
                if let Some((k, srcs, _)) = b.ops.first() {
                    let a = args();
                    let srcs: Option<Vec<Id>> = srcs
                        .iter()
                        .map(|s| match s {
                            lang::Src::Arg(j) => a.get(*j as usize).copied(),
                            lang::Src::Op(_) => None,
                        })
                        .collect();
                    heads.extend(srcs.map(|s| (*k, s)));
                }
            }
            _ => heads.push((n.key, args())),
        }
    }
    let mut out = Vec::new();
    for &(op, id) in &imp.pure_ops {
        let c = eg.find(id);
        if choice.contains_key(&c) || eg.analysis.ctx.op_name(op) != "flow.conv" {
            continue;
        }
        // transpose(conv_nhwc(args)) in the class, with that NHWC conv extracted (on its own or
        // heading a fused kernel) over the same operands.
        // The op's own layout and the other one, which the extracted conv must have.
        let was_nhwc = rules::layout::is_nhwc(eg, &eg.id_to_node(id).clone());
        let relaid = eg[c].nodes.iter().find_map(|n| {
            (eg.analysis.op_name(n.key) == Some("flow.transpose")).then_some(())?;
            eg[n.args[0]].nodes.iter().find_map(|conv| {
                let args: Vec<Id> = conv.args.iter().map(|&a| eg.find(a)).collect();
                let extracted = heads.iter().any(|(k, a)| *k == conv.key && *a == args);
                let other = eg.analysis.op_name(conv.key) == Some("flow.conv")
                    && rules::layout::is_nhwc(eg, conv) != was_nhwc;
                (other && extracted).then(|| (n.clone(), conv.clone()))
            })
        });
        let Some((t, conv)) = relaid else { continue };
        // transpose(conv') over the input's own subterms, proved equal to the input conv
        // through the e-graph's proof tree (as `explain` does: no whole-term explanation).
        let conv_id = node_over_input(eg, choice, &conv, id);
        let after = eg.add_uncanonical(FNode::new(t.key, vec![conv_id]));
        let explanation = eg.explain_id_equivalence(id, after);
        let mut used: Vec<String> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for term in &explanation.explanation_trees {
            collect_rules(term, &mut used, &mut seen);
        }
        if used.is_empty() {
            continue;
        }
        out.push(Diagnostic::remark(
            eg.analysis.ctx.op_loc(op),
            format!(
                "flow-saturate: 'flow.conv' is now computed in {l}: its value is a 'flow.transpose' of an {l} 'flow.conv', whose consumers cancel the transpose: {}",
                used.join(" -> "),
                l = if was_nhwc { "NCHW" } else { "NHWC" }
            ),
        ));
    }
    out
}

/// The rules of a proof tree in the order it applies them: a step's own rule (relating it to
/// the previous step), then those inside its operands. A shared subproof (`Rc`) is read once.
fn collect_rules(
    t: &std::rc::Rc<egg::TreeTerm<FNode>>,
    out: &mut Vec<String>,
    seen: &mut rustc_hash::FxHashSet<*const egg::TreeTerm<FNode>>,
) {
    if !seen.insert(std::rc::Rc::as_ptr(t)) {
        return;
    }
    if let Some(r) = t.forward_rule.or(t.backward_rule) {
        let r = r.to_string();
        if out.last() != Some(&r) {
            out.push(r);
        }
    }
    for proof in &t.child_proofs {
        for c in proof {
            collect_rules(c, out, seen);
        }
    }
}
