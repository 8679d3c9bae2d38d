//! The e-graph's language and analysis.
//!
//! A node is a [`Key`] plus its children. The key says what the node is, through the table of
//! [`KeyData`] in the analysis: a function argument or the result of an op that stays outside the
//! e-graph ([`KeyData::Leaf`]), a constant by value identity ([`KeyData::Const`]: the uniqued
//! `value` attribute, so equal constants are one node), a `flow` op with its attributes
//! ([`KeyData::Op`]), or a fused kernel ([`KeyData::Fused`]: the body of a `flow.fused` region
//! over the node's children). Keys are numbered in the order they are first seen, which is
//! deterministic for a given input.
//!
//! [`FlowAnalysis`] owns the IR [`Context`] while the e-graph lives (the pass moves it in and
//! back), so that the analysis computes each class's type with `flowc_flow::infer_result_types`
//! and rules can create attributes and evaluate constants.

use egg::{Analysis, DidMerge, EGraph, Id, Language};
use flowc_ir::{Attribute, Context, Ident, Location, NamedAttr, Type, TypeData};
use rustc_hash::FxHashMap;
use std::fmt;

/// The index of a [`KeyData`] in [`FlowAnalysis::keys`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u32);

/// An e-node: what it is and its children (operands, in order).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FNode {
    pub key: Key,
    pub args: Vec<Id>,
}

impl FNode {
    pub fn new(key: Key, args: Vec<Id>) -> Self {
        FNode { key, args }
    }
}

impl Language for FNode {
    type Discriminant = Key;

    fn discriminant(&self) -> Key {
        self.key
    }

    fn matches(&self, other: &Self) -> bool {
        self.key == other.key && self.args.len() == other.args.len()
    }

    fn children(&self) -> &[Id] {
        &self.args
    }

    fn children_mut(&mut self) -> &mut [Id] {
        &mut self.args
    }
}

/// `k<N>` (explanations need a textual form; the op behind a key is in the analysis).
impl fmt::Display for FNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "k{}", self.key.0)
    }
}

impl egg::FromOp for FNode {
    type Error = String;

    fn from_op(op: &str, children: Vec<Id>) -> Result<Self, String> {
        let n = op
            .strip_prefix('k')
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or_else(|| format!("not a node key: {op}"))?;
        Ok(FNode::new(Key(n), children))
    }
}

/// Where an operand of an op in a fused body comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Src {
    /// The fused node's child (the region's block argument) of this index.
    Arg(u32),
    /// The result of the body's op of this index.
    Op(u32),
}

/// The body of a fused kernel: ops in order, each an op key, its operands and its result type;
/// the last op's result is the kernel's result, of type `ty`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FusedBody {
    pub ops: Vec<(Key, Vec<Src>, Type)>,
    pub ty: Type,
}

/// What a [`Key`] stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyData {
    /// A value from outside the e-graph (argument `n` of the function, or a result of an op
    /// that stays in place), numbered in order of appearance.
    Leaf(u32, Type),
    /// A `flow.constant` with this `value`.
    Const(Attribute),
    /// A single-result pure `flow` op; attributes sorted by name.
    Op { name: Ident, attrs: Vec<NamedAttr> },
    /// A `flow.fused` kernel.
    Fused(FusedBody),
}

/// What the analysis knows of an e-class.
#[derive(Clone, Debug, Default)]
pub struct Data {
    /// The result type (`None` only for nodes whose type could not be inferred: never
    /// extracted).
    pub ty: Option<Type>,
    /// The constant value, when the class holds a constant.
    pub konst: Option<Attribute>,
    /// Uses of the value in the input function (0 for classes made by rewrites). Fusion only
    /// absorbs producers used once, so that no work is duplicated.
    pub uses: u32,
    /// Locations of the input ops in this class, sorted.
    pub locs: Vec<Location>,
}

/// The analysis: the IR context (owned while saturating), the key table and per-class [`Data`].
pub struct FlowAnalysis {
    pub ctx: Context,
    pub keys: Vec<KeyData>,
    key_index: FxHashMap<KeyData, Key>,
    /// Set by the importer before adding an input op: its result type, used when inference
    /// cannot say (it does for every verified op; this keeps odd inputs working).
    pub type_hint: Option<Type>,
    /// Rules that fold constants create blobs named `__saturate_<n>`.
    pub next_blob: usize,
    /// Blobs made so far by content hash, so that a rule applied again (every iteration
    /// re-matches) finds the same constant instead of growing the e-graph forever.
    pub blobs: FxHashMap<(Type, u64), Vec<Attribute>>,
}

/// An empty analysis around a fresh context (what [`egg::Runner::default`] starts from before
/// the pass gives it the real e-graph).
impl Default for FlowAnalysis {
    fn default() -> Self {
        FlowAnalysis::new(Context::new())
    }
}

impl FlowAnalysis {
    pub fn new(ctx: Context) -> Self {
        FlowAnalysis {
            ctx,
            keys: Vec::new(),
            key_index: FxHashMap::default(),
            type_hint: None,
            next_blob: 0,
            blobs: FxHashMap::default(),
        }
    }

    pub fn intern(&mut self, data: KeyData) -> Key {
        if let Some(&k) = self.key_index.get(&data) {
            return k;
        }
        let k = Key(self.keys.len() as u32);
        self.keys.push(data.clone());
        self.key_index.insert(data, k);
        k
    }

    pub fn key(&self, k: Key) -> &KeyData {
        &self.keys[k.0 as usize]
    }

    /// The key of op `name` with `attrs` (sorted here by name).
    pub fn op_key(&mut self, name: &str, attrs: &[(&str, Attribute)]) -> Key {
        let name = self.ctx.ident(name);
        let mut named: Vec<NamedAttr> =
            attrs.iter().map(|&(n, a)| (self.ctx.ident(n), a)).collect();
        self.sort_attrs(&mut named);
        self.intern(KeyData::Op { name, attrs: named })
    }

    pub fn sort_attrs(&self, attrs: &mut [NamedAttr]) {
        attrs.sort_by(|a, b| self.ctx.ident_str(a.0).cmp(self.ctx.ident_str(b.0)));
    }

    /// The op name of a key (`None` for leaves, constants and fused kernels).
    pub fn op_name(&self, k: Key) -> Option<&str> {
        match self.key(k) {
            KeyData::Op { name, .. } => Some(self.ctx.ident_str(*name)),
            _ => None,
        }
    }

    /// The attributes of an op key (empty for the others).
    pub fn op_attrs(&self, k: Key) -> &[NamedAttr] {
        match self.key(k) {
            KeyData::Op { attrs, .. } => attrs,
            _ => &[],
        }
    }

    /// Attribute `name` of an op key.
    pub fn attr(&self, k: Key, name: &str) -> Option<Attribute> {
        self.op_attrs(k)
            .iter()
            .find(|(n, _)| self.ctx.ident_str(*n) == name)
            .map(|&(_, a)| a)
    }

    pub fn attr_i64(&self, k: Key, name: &str) -> Option<i64> {
        self.attr(k, name)
            .and_then(|a| self.ctx.int_value(a))
            .map(|v| v as i64)
    }

    pub fn attr_f64(&self, k: Key, name: &str) -> Option<f64> {
        self.attr(k, name).and_then(|a| self.ctx.float_value(a))
    }

    pub fn attr_ints(&self, k: Key, name: &str) -> Option<Vec<i64>> {
        self.attr(k, name).and_then(|a| self.ctx.dense_array_i64(a))
    }

    /// The type an op node would have, by ONNX inference over its children's types and
    /// constants; `None` when inference fails or gives another count of results.
    pub fn infer_op(
        &mut self,
        k: Key,
        arg_types: &[Type],
        arg_consts: &[Option<Attribute>],
    ) -> Option<Type> {
        let KeyData::Op { name, attrs } = self.key(k).clone() else {
            return None;
        };
        let name = self.ctx.ident_str(name).to_string();
        if name == "flow.none" {
            return Some(self.ctx.none_type());
        }
        flowc_flow::infer_result_types(&mut self.ctx, &name, arg_types, arg_consts, &attrs, 1)
            .ok()
            .and_then(|v| v.first().copied())
    }
}

pub type FGraph = EGraph<FNode, FlowAnalysis>;

impl Analysis<FNode> for FlowAnalysis {
    type Data = Data;

    fn make(egraph: &mut FGraph, enode: &FNode, _id: Id) -> Data {
        let key = egraph.analysis.key(enode.key).clone();
        match key {
            KeyData::Leaf(_, ty) => Data {
                ty: Some(ty),
                ..Data::default()
            },
            KeyData::Const(attr) => Data {
                ty: egraph.analysis.ctx.attr_type(attr),
                konst: Some(attr),
                ..Data::default()
            },
            KeyData::Fused(body) => Data {
                ty: Some(body.ty),
                ..Data::default()
            },
            KeyData::Op { .. } => {
                let hint = egraph.analysis.type_hint.take();
                let mut types = Vec::with_capacity(enode.args.len());
                let mut consts = Vec::with_capacity(enode.args.len());
                for &c in &enode.args {
                    let d = &egraph[c].data;
                    match d.ty {
                        Some(t) => types.push(t),
                        None => return Data::default(),
                    }
                    consts.push(d.konst);
                }
                let inferred = egraph.analysis.infer_op(enode.key, &types, &consts);
                // The IR may know more than inference (a Reshape whose shape operand is a graph
                // input still has the static type the model declares): keep the more static.
                let ty = more_static(&egraph.analysis.ctx, inferred, hint);
                Data {
                    ty,
                    ..Data::default()
                }
            }
        }
    }

    fn merge(&mut self, a: &mut Data, b: Data) -> DidMerge {
        let mut changed_a = false;
        let mut changed_b = false;
        let best = more_static(&self.ctx, a.ty, b.ty);
        if best != a.ty {
            a.ty = best;
            changed_a = true;
        }
        if best != b.ty {
            changed_b = true;
        }
        if a.konst.is_none() && b.konst.is_some() {
            a.konst = b.konst;
            changed_a = true;
        } else if a.konst.is_some() && b.konst.is_none() {
            changed_b = true;
        }
        if b.uses > a.uses {
            a.uses = b.uses;
            changed_a = true;
        } else if a.uses > b.uses {
            changed_b = true;
        }
        if b.locs.iter().any(|l| !a.locs.contains(l)) {
            a.locs.extend(b.locs.iter().copied());
            a.locs.sort();
            a.locs.dedup();
            changed_a = true;
        }
        if a.locs.len() > b.locs.len() {
            changed_b = true;
        }
        DidMerge(changed_a, changed_b)
    }
}

/// Of two types for the same value, the one that knows more: any over none, ranked over
/// unranked, more static dims over fewer (the first on ties).
fn more_static(ctx: &Context, a: Option<Type>, b: Option<Type>) -> Option<Type> {
    let known = |t: Type| -> i64 {
        match ctx.type_data(t) {
            TypeData::RankedTensor { shape, .. } => {
                1 + shape.iter().filter(|&&d| d >= 0).count() as i64
            }
            _ => 0,
        }
    };
    match (a, b) {
        (Some(x), Some(y)) if known(y) > known(x) => Some(y),
        (Some(x), _) => Some(x),
        (None, y) => y,
    }
}

/// Shape and element type of a tensor type (`None` for other types or unranked tensors).
pub fn shape_of(ctx: &Context, ty: Type) -> Option<(Vec<i64>, Type)> {
    match ctx.type_data(ty) {
        TypeData::RankedTensor { shape, element, .. } => Some((shape.clone(), *element)),
        _ => None,
    }
}
