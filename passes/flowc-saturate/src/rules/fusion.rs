//! `fusion`: fewer kernels.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `matmul-add-gemm` | `matmul(a, B) + c` -> `gemm(a, B, c)` for a 2-D f32 `B` and a bias broadcast along rows (`[N]`, `[1, N]`, scalar; `[M, N]` too when `a` is 2-D); a higher-rank `a` is viewed as 2-D (`reshape`, no kernel) and the result viewed back |
//! | `ew-fuse` | an elementwise op whose operand is an elementwise op (or a fused kernel) of the same shape, used only there -> one `flow.fused` kernel computing both per element |
//! | `ew-fuse-into` | idem with the consumer already a fused kernel |
//! | `head-fuse` | an elementwise op whose operand is a conv / gemm / matmul ([`HEADS`], f32) of the same shape, used only there -> one `flow.fused` kernel whose first op is that *head* and whose *tail* is the elementwise op: the head's kernel applies the tail to each output tile as it is stored (conv + bias + ReLU / Clip / LeakyReLU / Sigmoid / HardSwish, a residual Add, ...) |
//! | `head-fuse-into` | idem with the consumer already a fused kernel (one that holds every use of the head: Erf-GELU reads its input twice) |
//!
//! A head may be seen through a view (`reshape` and kin, right after it in the body): MatMul +
//! bias on a rank-3 activation is a Gemm between reshapes (`matmul-add-gemm`), and still heads
//! the GELU or residual Add that follows.
//!
//! Fused kernels hold elementwise ops only (the list in [`FUSIBLE`]) after at most one head,
//! every op in the body has the kernel's result shape, and a body has at most [`MAX_BODY`] ops.
//! Operands from outside may broadcast in a headless body; those of a headed body's tail must
//! have the result's shape or be single elements (the head's kernel reads them at the index of
//! the output element it finishes, whatever view of the output it uses). A head is always the
//! first op: a headed body absorbs consumers (`ew-fuse` with a headed producer), never
//! producers. Producers used more than once are not absorbed: that would compute them twice (a
//! multi-result `flow.fused` would be needed). GELU written out (`x * 0.5 * (1 + erf(x / sqrt
//! 2))`) becomes one kernel this way.

use super::{RuleSet::Fusion, add_node, add_op, i64_const, konst, ops_in, shape, ty};
use crate::lang::{FGraph, FNode, FusedBody, KeyData, Src};
use crate::rules::Rule;
use egg::Id;
use flowc_ir::{Type, TypeData};

/// Most ops in one fused body.
pub const MAX_BODY: usize = 24;

/// Elementwise ops a fused kernel may hold (their scalar semantics are in
/// `passes/flowc-flow-to-loop/src/elementwise.rs`).
pub const FUSIBLE: &[&str] = &[
    "flow.add",
    "flow.sub",
    "flow.mul",
    "flow.div",
    "flow.pow",
    "flow.max",
    "flow.min",
    "flow.relu",
    "flow.neg",
    "flow.abs",
    "flow.exp",
    "flow.log",
    "flow.sqrt",
    "flow.sigmoid",
    "flow.tanh",
    "flow.erf",
    "flow.reciprocal",
    "flow.floor",
    "flow.ceil",
    "flow.clip",
    "flow.leaky_relu",
    "flow.hard_sigmoid",
    "flow.hard_swish",
    "flow.elu",
    "flow.selu",
    "flow.softplus",
    "flow.gelu",
];

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: Fusion,
        root,
        apply,
    };
    vec![
        r("matmul-add-gemm", "flow.add", matmul_add_gemm),
        r("ew-fuse", "*", |eg, c, n| ew_fuse(eg, c, n, "ew-fuse")),
        r("ew-fuse-into", "flow.fused", |eg, c, n| {
            ew_fuse(eg, c, n, "ew-fuse-into")
        }),
        r("head-fuse", "*", |eg, c, n| {
            head_fuse(eg, c, n, "head-fuse")
        }),
        r("head-fuse-into", "flow.fused", |eg, c, n| {
            head_fuse(eg, c, n, "head-fuse-into")
        }),
    ]
}

/// Ops that may head a fused kernel (conv.rs / matmul.rs of convert-flow-to-loop apply its tail
/// as their GEMM epilogue).
pub const HEADS: &[&str] = &["flow.conv", "flow.gemm", "flow.matmul"];

/// Whether a fused body starts with a head.
pub fn is_headed(eg: &FGraph, body: &FusedBody) -> bool {
    body.ops
        .first()
        .and_then(|(k, _, _)| eg.analysis.op_name(*k))
        .is_some_and(|n| HEADS.contains(&n))
}

/// Whether the tail of a headed body (over children `args`) reads only values of the result's
/// shape (leading 1s aside) or single elements.
fn tail_fits(eg: &FGraph, body: &FusedBody, args: &[Id]) -> bool {
    let Some((out, _)) = shape_of_ty(eg, body.ty) else {
        return false;
    };
    let strip = |s: &[i64]| -> Vec<i64> { s.iter().copied().skip_while(|&d| d == 1).collect() };
    body.ops.iter().skip(1).all(|(k, srcs, _)| {
        // A view's other operands are its (constant) shape.
        if eg.analysis.op_name(*k).is_some_and(crate::cost::is_view) {
            return true;
        }
        srcs.iter().all(|s| match *s {
            Src::Op(_) => true,
            Src::Arg(j) => static_shape(eg, args[j as usize]).is_some_and(|(sh, e)| {
                is_f32(eg, e) && (strip(&sh) == strip(&out) || sh.iter().product::<i64>() == 1)
            }),
        })
    })
}

fn shape_of_ty(eg: &FGraph, t: Type) -> Option<(Vec<i64>, Type)> {
    crate::lang::shape_of(&eg.analysis.ctx, t)
}

/// A head node as a fused body of one op, if it can head a kernel: an f32 conv (1-D / 2-D),
/// gemm or matmul with a static result.
fn head_body(eg: &FGraph, n: &FNode, ty: Type) -> Option<FusedBody> {
    let name = eg.analysis.op_name(n.key)?;
    if !HEADS.contains(&name) {
        return None;
    }
    let (shape, e) = shape_of_ty(eg, ty)?;
    if !is_f32(eg, e) || shape.iter().any(|&d| d <= 0) {
        return None;
    }
    // (A blocked conv's result has one dim more: `[N, M / 16, spatial..., 16]`.)
    let conv_ranks = if super::layout::is_blocked(eg, n) {
        4..=5
    } else {
        3..=4
    };
    if name == "flow.conv" && !conv_ranks.contains(&shape.len()) {
        return None;
    }
    let srcs = (0..n.args.len() as u32).map(Src::Arg).collect();
    Some(FusedBody {
        ops: vec![(n.key, srcs, ty)],
        ty,
    })
}

/// A head node as a body over its children, or a view (`reshape` and kin: no data movement)
/// of a single-use head: `[head, view]`, so that a rank-3 MatMul + bias (a Gemm between
/// reshapes) still heads its activation or residual Add. The third part is the head node seen
/// through the view.
fn head_or_view(eg: &FGraph, n: &FNode, ty: Type) -> Option<(FusedBody, Vec<Id>, Option<FNode>)> {
    if let Some(b) = head_body(eg, n, ty) {
        return Some((b, n.args.clone(), None));
    }
    let name = eg.analysis.op_name(n.key)?;
    if !crate::cost::is_view(name) || n.args.is_empty() {
        return None;
    }
    // (A head made by a rewrite, e.g. matmul-add-gemm's, has no uses in the input: 0.)
    let h = n.args[0];
    if eg[h].data.uses > 1 {
        return None;
    }
    let hty = super::ty(eg, h)?;
    for hn in &eg[h].nodes {
        if let Some(mut b) = head_body(eg, hn, hty) {
            let k = hn.args.len() as u32;
            let mut srcs = vec![Src::Op(0)];
            srcs.extend((1..n.args.len() as u32).map(|j| Src::Arg(k + j - 1)));
            b.ops.push((n.key, srcs, ty));
            b.ty = ty;
            let mut args = hn.args.clone();
            args.extend(&n.args[1..]);
            return Some((b, args, Some(hn.clone())));
        }
    }
    None
}

/// `head-fuse`: an elementwise op (or headless fused kernel) absorbs a head operand whose every
/// use it holds.
fn head_fuse(eg: &mut FGraph, class: Id, n: &FNode, rule: &'static str) -> Vec<Id> {
    let Some(cty) = ty(eg, class) else {
        return vec![];
    };
    let Some((out_shape, oe)) = static_shape(eg, class) else {
        return vec![];
    };
    if !is_f32(eg, oe) {
        return vec![];
    }
    let Some((cbody, cargs)) = as_body(eg, n, cty) else {
        return vec![];
    };
    if is_headed(eg, &cbody) || cbody.ops.len() >= MAX_BODY {
        return vec![];
    }
    let mut out = Vec::new();
    for (i, &p) in cargs.iter().enumerate() {
        // Every use of the head's value is in this consumer (GELU reads its input twice).
        let refs = cbody
            .ops
            .iter()
            .flat_map(|(_, srcs, _)| srcs)
            .filter(|s| matches!(s, Src::Arg(j) if eg.find(cargs[*j as usize]) == eg.find(p)))
            .count() as u32;
        if eg[p].data.uses != refs || konst(eg, p).is_some() {
            continue;
        }
        let Some(pty) = ty(eg, p) else { continue };
        if static_shape(eg, p).map(|s| s.0) != Some(out_shape.clone()) {
            continue;
        }
        let producers: Vec<FNode> = eg[p].nodes.clone();
        for pn in producers {
            let Some((hbody, hargs, seen)) = head_or_view(eg, &pn, pty) else {
                continue;
            };
            let node = merge(eg, (&hbody, &hargs), (&cbody, &cargs), i, cty);
            let KeyData::Fused(body) = eg.analysis.key(node.key).clone() else {
                continue;
            };
            if tail_fits(eg, &body, &node.args) {
                let producer = Producer {
                    node: &pn,
                    seen: seen.as_ref(),
                };
                out.push(add_fused(eg, (n, cargs[i]), producer, node, rule));
            }
        }
    }
    out
}

fn static_shape(eg: &FGraph, id: Id) -> Option<(Vec<i64>, Type)> {
    shape(eg, id).filter(|(s, _)| s.iter().all(|&d| d >= 0))
}

fn is_f32(eg: &FGraph, t: Type) -> bool {
    matches!(
        eg.analysis.ctx.type_data(t),
        TypeData::Float(flowc_ir::FloatKind::F32)
    )
}

fn matmul_add_gemm(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (x, c) in [(n.args[0], n.args[1]), (n.args[1], n.args[0])] {
        if eg[x].data.uses != 1 {
            continue;
        }
        let Some((cs, ce)) = shape(eg, c) else {
            continue;
        };
        let Some((out_shape, _)) = static_shape(eg, class) else {
            continue;
        };
        for m in ops_in(eg, x, "flow.matmul") {
            let (a, b) = (m.args[0], m.args[1]);
            let (Some((as_, ae)), Some((bs, _))) = (static_shape(eg, a), static_shape(eg, b))
            else {
                continue;
            };
            if bs.len() != 2 || as_.len() < 2 || !is_f32(eg, ae) || !is_f32(eg, ce) {
                continue;
            }
            let nn = bs[1];
            let rows: i64 = as_[..as_.len() - 1].iter().product();
            let bias_ok = match cs.as_slice() {
                [] => true,
                [d] => *d == nn || *d == 1,
                [r, d] => (*d == nn || *d == 1) && (*r == 1 || (as_.len() == 2 && *r == rows)),
                _ => false,
            };
            if !bias_ok || out_shape[..out_shape.len() - 1].iter().product::<i64>() != rows {
                continue;
            }
            if as_.len() == 2 {
                out.extend(add_op(eg, "flow.gemm", &[], &[a, b, c]));
                continue;
            }
            let s2 = i64_const(eg, &[rows, as_[as_.len() - 1]]);
            let Some(a2) = add_op(eg, "flow.reshape", &[], &[a, s2]) else {
                continue;
            };
            let Some(g) = add_op(eg, "flow.gemm", &[], &[a2, b, c]) else {
                continue;
            };
            let s3 = i64_const(eg, &out_shape);
            out.extend(add_op(eg, "flow.reshape", &[], &[g, s3]));
        }
    }
    out
}

/// A node as a fused body over its children: an elementwise op is a body of one op.
fn as_body(eg: &FGraph, n: &FNode, class_ty: Type) -> Option<(FusedBody, Vec<Id>)> {
    match eg.analysis.key(n.key) {
        KeyData::Fused(b) => Some((b.clone(), n.args.clone())),
        KeyData::Op { name, .. } => {
            let name = eg.analysis.ctx.ident_str(*name);
            if !FUSIBLE.contains(&name) {
                return None;
            }
            // Every operand a tensor (no absent optional operand), no bool.
            for &a in &n.args {
                let (_, e) = shape(eg, a)?;
                if eg.analysis.ctx.integer_width(e) == Some(1) {
                    return None;
                }
            }
            let srcs = (0..n.args.len() as u32).map(Src::Arg).collect();
            Some((
                FusedBody {
                    ops: vec![(n.key, srcs, class_ty)],
                    ty: class_ty,
                },
                n.args.clone(),
            ))
        }
        _ => None,
    }
}

fn ew_fuse(eg: &mut FGraph, class: Id, n: &FNode, rule: &'static str) -> Vec<Id> {
    let Some(cty) = ty(eg, class) else {
        return vec![];
    };
    let Some((out_shape, _)) = static_shape(eg, class) else {
        return vec![];
    };
    let Some((cbody, cargs)) = as_body(eg, n, cty) else {
        return vec![];
    };
    // A head stays first: a headed consumer absorbs no producer.
    if is_headed(eg, &cbody) {
        return vec![];
    }
    let mut out = Vec::new();
    for (i, &p) in cargs.iter().enumerate() {
        if eg[p].data.uses != 1 || konst(eg, p).is_some() {
            continue;
        }
        let Some(pty) = ty(eg, p) else { continue };
        if static_shape(eg, p).map(|s| s.0) != Some(out_shape.clone()) {
            continue;
        }
        let producers: Vec<FNode> = eg[p].nodes.clone();
        for pn in producers {
            let Some((pbody, pargs)) = as_body(eg, &pn, pty) else {
                continue;
            };
            if pbody.ops.len() + cbody.ops.len() > MAX_BODY {
                continue;
            }
            let headed = is_headed(eg, &pbody);
            let node = merge(eg, (&pbody, &pargs), (&cbody, &cargs), i, cty);
            if headed {
                let KeyData::Fused(body) = eg.analysis.key(node.key).clone() else {
                    continue;
                };
                if !tail_fits(eg, &body, &node.args) {
                    continue;
                }
            }
            let producer = Producer {
                node: &pn,
                seen: None,
            };
            out.push(add_fused(eg, (n, cargs[i]), producer, node, rule));
        }
    }
    out
}

/// The node a fusion absorbs into its consumer, and the head it sees through it when it is a
/// view of one.
struct Producer<'a> {
    node: &'a FNode,
    seen: Option<&'a FNode>,
}

/// Adds the `fused` node that `rule` made from consumer node `c.0` and its operand class `c.1`
/// computed by `p`. With explanations on, the rule's union is stated for the consumer whose
/// operand is that producer node itself rather than its class, so that egg's proof of `input
/// term = fused` passes through whatever put the producer in the class (a Gemm made by
/// `matmul-add-gemm`, a Conv with a folded bias, a fused kernel made by an earlier fusion): the
/// explanation then names the whole chain of rules the kernel rests on.
fn add_fused(
    eg: &mut FGraph,
    c: (&FNode, Id),
    p: Producer<'_>,
    fused: FNode,
    rule: &'static str,
) -> Id {
    let f = add_node(eg, fused);
    if !eg.are_explanations_enabled() {
        return f;
    }
    let mut producer = p.node.clone();
    if let Some(head) = p.seen {
        producer.args[0] = eg.add_uncanonical(head.clone());
    }
    let producer = eg.add_uncanonical(producer);
    let operand = eg.find(c.1);
    let mut consumer = c.0.clone();
    for a in consumer.args.iter_mut() {
        if eg.find(*a) == operand {
            *a = producer;
        }
    }
    let from = eg.add_uncanonical(consumer);
    if eg[eg.find(from)].data.ty == eg[eg.find(f)].data.ty {
        eg.union_trusted(from, f, rule);
    }
    f
}

/// The fused node computing consumer `c` with its operand `i` (and any other operand of the same
/// class) computed inline by producer `p`.
fn merge(
    eg: &mut FGraph,
    p: (&FusedBody, &[Id]),
    c: (&FusedBody, &[Id]),
    i: usize,
    ty: Type,
) -> FNode {
    let mut ext: Vec<Id> = Vec::new();
    let mut arg_of = |eg: &FGraph, id: Id| -> u32 {
        let id = eg.find(id);
        match ext.iter().position(|&e| e == id) {
            Some(k) => k as u32,
            None => {
                ext.push(id);
                (ext.len() - 1) as u32
            }
        }
    };
    let mut ops = Vec::new();
    for (key, srcs, t) in &p.0.ops {
        let srcs = srcs
            .iter()
            .map(|s| match *s {
                Src::Arg(j) => Src::Arg(arg_of(eg, p.1[j as usize])),
                o => o,
            })
            .collect();
        ops.push((*key, srcs, *t));
    }
    let base = ops.len() as u32;
    let p_last = base - 1;
    for (key, srcs, t) in &c.0.ops {
        let srcs = srcs
            .iter()
            .map(|s| match *s {
                Src::Arg(j) if eg.find(c.1[j as usize]) == eg.find(c.1[i]) => Src::Op(p_last),
                Src::Arg(j) => Src::Arg(arg_of(eg, c.1[j as usize])),
                Src::Op(k) => Src::Op(k + base),
            })
            .collect();
        ops.push((*key, srcs, *t));
    }
    let key = eg.analysis.intern(KeyData::Fused(FusedBody { ops, ty }));
    FNode::new(key, ext)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal, equal_after};

    #[test]
    fn matmul_add_gemm() {
        assert_equal(
            "matmul-add-gemm",
            "(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
               %m = \"flow.matmul\"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
               %0 = \"flow.add\"(%c, %m) : (tensor<5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
               %1 = \"flow.gemm\"(%a, %b, %c) : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
               return %0, %1 : tensor<3x5xf32>, tensor<3x5xf32>",
        );
        // Rank 3: through views.
        assert_equal(
            "matmul-add-gemm",
            "(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
               %m = \"flow.matmul\"(%a, %b) : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
               %0 = \"flow.add\"(%m, %c) : (tensor<2x3x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
               %s = \"flow.constant\"() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
               %a2 = \"flow.reshape\"(%a, %s) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
               %g = \"flow.gemm\"(%a2, %b, %c) : (tensor<6x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<6x5xf32>
               %s3 = \"flow.constant\"() {value = dense<[2, 3, 5]> : tensor<3xi64>} : () -> tensor<3xi64>
               %1 = \"flow.reshape\"(%g, %s3) : (tensor<6x5xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
               return %0, %1 : tensor<2x3x5xf32>, tensor<2x3x5xf32>",
        );
        // The matmul is used twice: fusing would compute it twice.
        assert_not_equal(
            "matmul-add-gemm",
            "(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
               %m = \"flow.matmul\"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
               %0 = \"flow.add\"(%m, %c) : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
               %1 = \"flow.gemm\"(%a, %b, %c) : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
               return %0, %1, %m : tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>",
        );
    }

    #[test]
    fn ew_fuse() {
        // The fused form has no textual goal here: check the consumer's class gained a fused
        // node, through the pass (tests/saturate.rs has the printed form).
        assert!(!equal_after(
            "ew-fuse",
            "(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.add\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.relu\"(%0) : (tensor<4xf32>) -> tensor<4xf32>
               return %1, %a : tensor<4xf32>, tensor<4xf32>"
        ));
        crate::rules::testing::assert_fused(
            "(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.add\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.relu\"(%0) : (tensor<4xf32>) -> tensor<4xf32>
               %2 = \"flow.exp\"(%1) : (tensor<4xf32>) -> tensor<4xf32>
               return %2, %a : tensor<4xf32>, tensor<4xf32>",
            3,
        );
        // A producer used twice stays a kernel of its own.
        crate::rules::testing::assert_fused(
            "(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.add\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.relu\"(%0) : (tensor<4xf32>) -> tensor<4xf32>
               return %1, %0 : tensor<4xf32>, tensor<4xf32>",
            0,
        );
        // A broadcast producer (smaller shape) is not recomputed per element.
        crate::rules::testing::assert_fused(
            "(%a: tensor<4xf32>, %b: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<4xf32>) {
               %0 = \"flow.exp\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.add\"(%0, %b) : (tensor<4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
               return %1, %a : tensor<3x4xf32>, tensor<4xf32>",
            0,
        );
    }

    fn fused(text: &str) -> Vec<String> {
        crate::rules::testing::longest_fused(
            text,
            &["ew-fuse", "ew-fuse-into", "head-fuse", "head-fuse-into"],
        )
    }

    #[test]
    fn head_fuse() {
        // Conv + bias + ReLU: one kernel headed by the conv.
        assert_eq!(
            fused(
                "(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x3x8x8xf32>) {
                   %0 = \"flow.conv\"(%x, %w, %b) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
                   %1 = \"flow.relu\"(%0) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
                   return %1, %x : tensor<1x4x6x6xf32>, tensor<1x3x8x8xf32>"
            ),
            ["conv", "relu"]
        );
        // Gemm + Sigmoid.
        assert_eq!(
            fused(
                "(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> (tensor<3x5xf32>, tensor<3x4xf32>) {
                   %0 = \"flow.gemm\"(%a, %b, %c) : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
                   %1 = \"flow.sigmoid\"(%0) : (tensor<3x5xf32>) -> tensor<3x5xf32>
                   return %1, %a : tensor<3x5xf32>, tensor<3x4xf32>"
            ),
            ["gemm", "sigmoid"]
        );
        // Integer matmul: no epilogue kernel for it, not fused.
        assert!(
            fused(
                "(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> (tensor<3x5xi32>, tensor<3x4xi32>) {
                   %0 = \"flow.matmul\"(%a, %b) : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
                   %1 = \"flow.relu\"(%0) : (tensor<3x5xi32>) -> tensor<3x5xi32>
                   return %1, %a : tensor<3x5xi32>, tensor<3x4xi32>"
            )
            .is_empty()
        );
        // A head used twice stays a kernel of its own.
        assert!(
            fused(
                "(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
                   %0 = \"flow.matmul\"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
                   %1 = \"flow.relu\"(%0) : (tensor<3x5xf32>) -> tensor<3x5xf32>
                   return %1, %0 : tensor<3x5xf32>, tensor<3x5xf32>"
            )
            .is_empty()
        );
        // A tail operand that broadcasts (a row bias) cannot be read at the output's index.
        assert!(
            fused(
                "(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> (tensor<3x5xf32>, tensor<3x4xf32>) {
                   %0 = \"flow.matmul\"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
                   %1 = \"flow.add\"(%0, %c) : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
                   return %1, %a : tensor<3x5xf32>, tensor<3x4xf32>"
            )
            .is_empty()
        );
    }

    #[test]
    fn head_fuse_into() {
        // Conv + residual Add + ReLU: the headless [add, relu] absorbs the conv, and the headed
        // [conv, add] absorbs the relu (ew-fuse): both give the same three-op kernel.
        let text = "(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>, %r: tensor<1x4x6x6xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
               %0 = \"flow.conv\"(%x, %w) : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
               %1 = \"flow.add\"(%0, %r) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
               %2 = \"flow.relu\"(%1) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
               return %2, %x : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>";
        assert_eq!(fused(text), ["conv", "add", "relu"]);
        assert_eq!(
            crate::rules::testing::longest_fused(
                text,
                &["ew-fuse", "ew-fuse-into", "head-fuse-into"]
            ),
            ["conv", "add", "relu"]
        );
        // Clip with scalar bounds (ReLU6) after a matmul.
        assert_eq!(
            fused(
                "(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> (tensor<3x5xf32>, tensor<3x4xf32>) {
                   %0 = \"flow.matmul\"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
                   %1 = \"flow.exp\"(%0) : (tensor<3x5xf32>) -> tensor<3x5xf32>
                   %2 = \"flow.clip\"(%1, %lo, %hi) : (tensor<3x5xf32>, tensor<f32>, tensor<f32>) -> tensor<3x5xf32>
                   return %2, %a : tensor<3x5xf32>, tensor<3x4xf32>"
            ),
            ["matmul", "exp", "clip"]
        );
        // The producer of a tail operand joins when the head comes last (head-fuse-into on the
        // headless [exp, add]); the head is still first. ew-fuse alone never puts a producer
        // before a head (checked below without head-fuse-into).
        let text = "(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>, %r: tensor<1x4x6x6xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
               %e = \"flow.exp\"(%r) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
               %0 = \"flow.conv\"(%x, %w) : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
               %1 = \"flow.add\"(%0, %e) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
               return %1, %x : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>";
        assert_eq!(fused(text), ["conv", "exp", "add"]);
        // Without head-fuse-into: [conv, add] and [exp, add], never a producer before a head.
        assert_eq!(
            crate::rules::testing::fused_bodies(text, &["ew-fuse", "ew-fuse-into", "head-fuse"]),
            [vec!["conv", "add"], vec!["exp", "add"]]
        );
    }

    #[test]
    fn head_fuse_through_view() {
        // A Gemm seen through a reshape heads a GELU-like tail that reads it twice: the tail
        // holds both uses, so the head is absorbed.
        assert_eq!(
            fused(
                "(%a: tensor<6x4xf32>, %b: tensor<4x5xf32>, %k: tensor<f32>) -> (tensor<2x3x5xf32>, tensor<6x4xf32>) {
                   %s = \"flow.constant\"() {value = dense<[2, 3, 5]> : tensor<3xi64>} : () -> tensor<3xi64>
                   %g = \"flow.gemm\"(%a, %b) : (tensor<6x4xf32>, tensor<4x5xf32>) -> tensor<6x5xf32>
                   %r = \"flow.reshape\"(%g, %s) : (tensor<6x5xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
                   %d = \"flow.div\"(%r, %k) : (tensor<2x3x5xf32>, tensor<f32>) -> tensor<2x3x5xf32>
                   %e = \"flow.erf\"(%d) : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
                   %m = \"flow.mul\"(%r, %e) : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
                   return %m, %a : tensor<2x3x5xf32>, tensor<6x4xf32>"
            ),
            ["gemm", "reshape", "div", "erf", "mul"]
        );
        // The reshaped value also used outside the tail: not absorbed.
        assert!(
            fused(
                "(%a: tensor<6x4xf32>, %b: tensor<4x5xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
                   %s = \"flow.constant\"() {value = dense<[2, 3, 5]> : tensor<3xi64>} : () -> tensor<3xi64>
                   %g = \"flow.gemm\"(%a, %b) : (tensor<6x4xf32>, tensor<4x5xf32>) -> tensor<6x5xf32>
                   %r = \"flow.reshape\"(%g, %s) : (tensor<6x5xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
                   %e = \"flow.erf\"(%r) : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
                   return %e, %r : tensor<2x3x5xf32>, tensor<2x3x5xf32>"
            )
            .is_empty()
        );
    }
}
