//! The rewrite rules, in named sets (`rules=` option of the pass):
//!
//! | set | what | default |
//! | --- | --- | --- |
//! | [`redundancy`] | identities that remove work: Identity / Dropout / no-op Cast / Pad / Slice / Reshape, transpose and reshape chains composed or cancelled, `x+0`, `x-0`, `x*1`, `x/1`, double negation (equal subgraphs merge by hash-consing) | on |
//! | [`algebra`] | rewrites exact in IEEE floating point: negations through products, `a+(-b)` -> `a-b`, idempotent activations | on |
//! | [`constant`] | constant work: ops of constants evaluated with the interpreter, Conv + BatchNormalization folded, per-channel Mul / Add folded into a Conv's weights and bias | on |
//! | [`fusion`] | MatMul + Add -> Gemm, chains of same-shape elementwise ops -> one `flow.fused` kernel; softmax, log-softmax and layer norm spelled out in primitives -> the single op ([`reduction`]); parallel projections of one input (Q and V) -> one wider GEMM ([`merge`]) | on |
//! | [`layout`] | NCHW / NHWC per conv (`conv-to-nhwc`) with transposes at the borders; transposes moved through elementwise ops and headless fused kernels so that pairs cancel between convs | on |
//! | [`fast_math`] | reassociation that changes rounding (constant factors combined, division by a constant as a multiplication) | off |
//!
//! Each rule is a Rust function over the e-graph rather than a pattern string: it reads
//! attributes, shapes and constants from the analysis, builds the right-hand side with inferred
//! types, and returns the classes to union with the matched one. Rules rewrite in one direction
//! and never make code worse by the cost model's measure (Cranelift's rule of thumb): no blanket
//! commutativity or associativity. A right-hand side whose type differs from the matched class's
//! is dropped, so a rule can never change a value's type.

pub mod algebra;
pub mod constant;
pub mod fast_math;
pub mod fusion;
pub mod layout;
pub mod merge;
pub mod reduction;
pub mod redundancy;

use crate::lang::{FGraph, FNode, FlowAnalysis, KeyData, shape_of};
use egg::{Applier, Id, PatternAst, Rewrite, SearchMatches, Searcher, Subst, Symbol, Var};
use flowc_ir::{AttrData, Attribute, ResourceBlob, Type};

/// A named rule set.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleSet {
    Redundancy,
    Algebra,
    Constant,
    Fusion,
    Layout,
    FastMath,
}

impl RuleSet {
    pub const ALL: [RuleSet; 6] = [
        RuleSet::Redundancy,
        RuleSet::Algebra,
        RuleSet::Constant,
        RuleSet::Fusion,
        RuleSet::Layout,
        RuleSet::FastMath,
    ];

    /// The sets used when the `rules` option is not given.
    pub const DEFAULT: [RuleSet; 5] = [
        RuleSet::Redundancy,
        RuleSet::Algebra,
        RuleSet::Constant,
        RuleSet::Fusion,
        RuleSet::Layout,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RuleSet::Redundancy => "redundancy",
            RuleSet::Algebra => "algebra",
            RuleSet::Constant => "constant",
            RuleSet::Fusion => "fusion",
            RuleSet::Layout => "layout",
            RuleSet::FastMath => "fast-math",
        }
    }

    pub fn parse(s: &str) -> Option<RuleSet> {
        RuleSet::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// A rule: given the matched class and one of its nodes whose op is `root`, the classes equal
/// to it (usually one, built by the rule).
pub type RuleFn = fn(&mut FGraph, Id, &FNode) -> Vec<Id>;

pub struct Rule {
    /// kebab-case, unique: the name explanations print.
    pub name: &'static str,
    pub set: RuleSet,
    /// The op name of the matched node (`flow.add`), or `*` for any op.
    pub root: &'static str,
    pub apply: RuleFn,
}

/// Every rule of every set.
pub fn all_rules() -> Vec<Rule> {
    let mut v = Vec::new();
    v.extend(redundancy::rules());
    v.extend(algebra::rules());
    v.extend(constant::rules());
    v.extend(fusion::rules());
    v.extend(layout::rules());
    v.extend(reduction::rules());
    v.extend(merge::rules());
    v.extend(fast_math::rules());
    v
}

/// The egg rewrites of `sets`, in a fixed order.
pub fn rewrites(sets: &[RuleSet]) -> Vec<Rewrite<FNode, FlowAnalysis>> {
    rewrites_where(|r| sets.contains(&r.set))
}

/// The egg rewrites of the rules `keep` selects, in a fixed order.
pub fn rewrites_where(keep: impl Fn(&Rule) -> bool) -> Vec<Rewrite<FNode, FlowAnalysis>> {
    all_rules()
        .into_iter()
        .filter(|r| keep(r))
        .map(|r| {
            Rewrite::new(
                r.name,
                RootSearcher { root: r.root },
                RuleApplier {
                    apply: r.apply,
                    root: r.root,
                },
            )
            .expect("rules bind no pattern variables")
        })
        .collect()
}

/// Matches each class holding a node whose op is `root`.
struct RootSearcher {
    root: &'static str,
}

impl Searcher<FNode, FlowAnalysis> for RootSearcher {
    fn search_eclass_with_limit(
        &self,
        egraph: &FGraph,
        eclass: Id,
        limit: usize,
    ) -> Option<SearchMatches<'_, FNode>> {
        if limit == 0 {
            return None;
        }
        let a = &egraph.analysis;
        let hit = egraph[eclass]
            .nodes
            .iter()
            .any(|n| root_matches(a, n, self.root));
        hit.then(|| SearchMatches {
            eclass,
            substs: vec![Subst::default()],
            ast: None,
        })
    }

    fn vars(&self) -> Vec<Var> {
        Vec::new()
    }
}

/// `root` is an op name, `*` for any op, or `flow.fused` for fused kernels.
fn root_matches(a: &FlowAnalysis, n: &FNode, root: &str) -> bool {
    if root == "flow.fused" {
        return matches!(a.key(n.key), KeyData::Fused(_));
    }
    match a.op_name(n.key) {
        Some(name) => root == "*" || name == root,
        None => false,
    }
}

struct RuleApplier {
    apply: RuleFn,
    root: &'static str,
}

impl Applier<FNode, FlowAnalysis> for RuleApplier {
    fn apply_one(
        &self,
        egraph: &mut FGraph,
        eclass: Id,
        _subst: &Subst,
        _searcher_ast: Option<&PatternAst<FNode>>,
        rule_name: Symbol,
    ) -> Vec<Id> {
        let eclass = egraph.find(eclass);
        let nodes: Vec<FNode> = egraph[eclass]
            .nodes
            .iter()
            .filter(|n| root_matches(&egraph.analysis, n, self.root))
            .cloned()
            .collect();
        let mut changed = Vec::new();
        for node in nodes {
            for target in (self.apply)(egraph, eclass, &node) {
                let (a, b) = (egraph.find(eclass), egraph.find(target));
                if a == b || egraph[a].data.ty != egraph[b].data.ty {
                    continue;
                }
                // With explanations on, union the matched node itself (not its class) so the
                // proof names this rule for this node.
                let from = if egraph.are_explanations_enabled() {
                    egraph.add_uncanonical(node.clone())
                } else {
                    a
                };
                if egraph.union_trusted(from, target, rule_name) {
                    changed.push(egraph.find(a));
                }
            }
        }
        changed
    }
}

// ===== Helpers for rules =====

/// The op name of a node (`None` for leaves, constants and fused kernels).
pub fn op_name(eg: &FGraph, n: &FNode) -> Option<String> {
    eg.analysis.op_name(n.key).map(str::to_string)
}

/// The nodes of class `id` whose op is `name`.
pub fn ops_in(eg: &FGraph, id: Id, name: &str) -> Vec<FNode> {
    eg[id]
        .nodes
        .iter()
        .filter(|n| eg.analysis.op_name(n.key) == Some(name))
        .cloned()
        .collect()
}

pub fn ty(eg: &FGraph, id: Id) -> Option<Type> {
    eg[id].data.ty
}

/// Static-or-not shape and element type of class `id`'s tensor type.
pub fn shape(eg: &FGraph, id: Id) -> Option<(Vec<i64>, Type)> {
    shape_of(&eg.analysis.ctx, ty(eg, id)?)
}

pub fn konst(eg: &FGraph, id: Id) -> Option<Attribute> {
    eg[id].data.konst
}

/// The values of a constant class, as f64 (splats expanded).
pub fn konst_f64s(eg: &FGraph, id: Id) -> Option<Vec<f64>> {
    flowc_flow::dense_f64s(&eg.analysis.ctx, konst(eg, id)?)
}

pub fn konst_i64s(eg: &FGraph, id: Id) -> Option<Vec<i64>> {
    flowc_flow::dense_i64s(&eg.analysis.ctx, konst(eg, id)?)
}

/// Whether the element type is a float type.
pub fn is_float(eg: &FGraph, id: Id) -> bool {
    shape(eg, id).is_some_and(|(_, e)| eg.analysis.ctx.is_float(e))
}

/// Adds op `name` with `attrs` over `args` if its type infers; `None` otherwise.
pub fn add_op(eg: &mut FGraph, name: &str, attrs: &[(&str, Attribute)], args: &[Id]) -> Option<Id> {
    let key = eg.analysis.op_key(name, attrs);
    add_key(eg, FNode::new(key, args.to_vec()))
}

/// Adds a node (of an op key) if its type infers.
pub fn add_key(eg: &mut FGraph, node: FNode) -> Option<Id> {
    let mut types = Vec::new();
    let mut consts = Vec::new();
    for &a in &node.args {
        types.push(ty(eg, a)?);
        consts.push(konst(eg, a));
    }
    if let KeyData::Op { .. } = eg.analysis.key(node.key) {
        eg.analysis.infer_op(node.key, &types, &consts)?;
    }
    Some(add_node(eg, node))
}

/// Adds a node as is; with explanations on, through `add_uncanonical` so that its id names it.
pub fn add_node(eg: &mut FGraph, node: FNode) -> Id {
    if eg.are_explanations_enabled() {
        eg.add_uncanonical(node)
    } else {
        eg.add(node)
    }
}

/// Adds the constant `attr`.
pub fn add_const(eg: &mut FGraph, attr: Attribute) -> Id {
    let key = eg.analysis.intern(KeyData::Const(attr));
    add_node(eg, FNode::new(key, Vec::new()))
}

/// A tensor constant of type `ty` from its little-endian bytes: a `dense` attribute when small,
/// else a `dense_resource` blob named `__saturate_<n>`.
pub fn tensor_attr(eg: &mut FGraph, ty: Type, data: Vec<u8>) -> Attribute {
    let ctx = &mut eg.analysis.ctx;
    if data.len() <= 64 {
        return ctx.intern_attr(AttrData::DenseElements {
            ty,
            splat: false,
            data,
        });
    }
    let hash = {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        data.hash(&mut h);
        h.finish()
    };
    if let Some(found) = eg.analysis.blobs.get(&(ty, hash)) {
        for &a in found {
            if let AttrData::DenseResource { name, .. } = eg.analysis.ctx.attr_data(a)
                && eg
                    .analysis
                    .ctx
                    .resource(name)
                    .is_some_and(|b| b.data == data)
            {
                return a;
            }
        }
    }
    let name = format!("__saturate_{}", eg.analysis.next_blob);
    eg.analysis.next_blob += 1;
    let ctx = &mut eg.analysis.ctx;
    ctx.set_resource(
        name.clone(),
        ResourceBlob {
            alignment: 64,
            data,
        },
    );
    let attr = ctx.intern_attr(AttrData::DenseResource { name, ty });
    eg.analysis.blobs.entry((ty, hash)).or_default().push(attr);
    attr
}

/// An f32 tensor constant.
pub fn f32_const(eg: &mut FGraph, shape: Vec<i64>, values: &[f32]) -> Id {
    let f32t = eg.analysis.ctx.f32_type();
    let ty = eg.analysis.ctx.tensor_type(shape, f32t);
    let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let attr = tensor_attr(eg, ty, data);
    add_const(eg, attr)
}

/// An i64 tensor constant of rank 1.
pub fn i64_const(eg: &mut FGraph, values: &[i64]) -> Id {
    let i64t = eg.analysis.ctx.i64_type();
    let ty = eg.analysis.ctx.tensor_type(vec![values.len() as i64], i64t);
    let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let attr = tensor_attr(eg, ty, data);
    add_const(eg, attr)
}

/// The f32 values of a constant class (`None` for other element types).
pub fn konst_f32s(eg: &FGraph, id: Id) -> Option<Vec<f32>> {
    let attr = konst(eg, id)?;
    let t = flowc_interp::attribute_to_tensor(&eg.analysis.ctx, attr).ok()?;
    t.as_slice::<f32>().ok().map(<[f32]>::to_vec)
}

/// Every value of the constant class equals `v` (and it has at least one element).
pub fn konst_all(eg: &FGraph, id: Id, v: f64) -> bool {
    konst_f64s(eg, id).is_some_and(|xs| !xs.is_empty() && xs.iter().all(|&x| x == v))
}

/// Whether the constant is all +0.0 (not -0.0) or integer zero.
pub fn konst_pos_zero(eg: &FGraph, id: Id) -> bool {
    konst_f64s(eg, id)
        .is_some_and(|xs| !xs.is_empty() && xs.iter().all(|&x| x == 0.0 && x.is_sign_positive()))
}

#[cfg(test)]
pub(crate) mod testing;
