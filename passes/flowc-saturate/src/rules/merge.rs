//! `fusion` (merging): parallel projections of one input become one wider GEMM.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `qkv-merge` | `k >= 2` heads `transpose(reshape(x @ W_j + b_j, [B, S, H, D]), p)` over one `x` (`[.., K]`, `B * S` rows) with one permutation `p`, constant `W_j` and `b_j` (`[N]`), `N = H * D` -> with `T = transpose(reshape(gemm(x, [W_1 .. W_k], [b_1 .. b_k]), [B, S, k, H, D]), [2, p'])` (`p` on the dims after the new one), head `j` is `reshape(slice(T, j, axis 0))`. A projection is `add(matmul(x, W), b)` (`W` `[K, N]`) or `gemm(x, W, b)` (no `transA`, `alpha = beta = 1`; `W` `[K, N]`, or `[N, K]` with `transB`, heads of one layout per group) |
//!
//! BERT's Q and V (`p = [0, 2, 1, 3]`): two GEMM kernels and two transpose (copy) kernels
//! become one GEMM and one transpose, and each head is a contiguous run of `T` (a
//! `buffer.view` at a byte offset, [`slice_is_view`], no kernel). K, transposed the other way
//! (`[0, 2, 3, 1]`) for `Q K^T`, is not in the group: in a three-way merge it would need a
//! transpose of its own after the slice, which makes its separate form cheaper for extraction,
//! and a merged GEMM would then be computed next to K's own. Each result element is the same
//! dot product plus bias as before; only the GEMM kernel's blocking of the wider matrix may
//! order the additions of `K` differently (the usual last-bit differences between tilings).
//!
//! Extraction counts a shared subterm once per use, which would charge the merged GEMM to each
//! head: the cost model ([`operand_share`]) charges a view slice `1 / k` of its operand when
//! `k` view slices in the e-graph cut that operand into `k` equal parts along its outermost
//! axis. The heads of a group are alike, so extraction picks the merged form for all of them
//! or for none.

use super::{RuleSet::Fusion, add_op, f32_const, i64_const, konst, konst_f32s, konst_i64s, ops_in};
use crate::lang::{FGraph, FNode, shape_of};
use crate::rules::Rule;
use egg::Id;
use flowc_flow::slice_view;
use flowc_ir::{Attribute, FloatKind, TypeData};

pub fn rules() -> Vec<Rule> {
    vec![Rule {
        name: "qkv-merge",
        set: Fusion,
        root: "flow.transpose",
        apply: qkv_merge,
    }]
}

/// One projection of the group.
#[derive(Clone, Debug)]
struct Head {
    w: Attribute,
    b: Attribute,
    w_id: Id,
    b_id: Id,
    /// `W` stored `[N, K]` (a Gemm with `transB`).
    trans_b: bool,
    /// The class of the head's transpose.
    t: Id,
}

/// A projection `x @ W + b` of an input: the class computing it and its constants.
struct Proj {
    class: Id,
    w: Attribute,
    w_id: Id,
    b: Attribute,
    b_id: Id,
    trans_b: bool,
}

/// Static shape of an f32 class.
fn f32_shape(eg: &FGraph, id: Id) -> Option<Vec<i64>> {
    let (s, e) = shape_of(&eg.analysis.ctx, eg[id].data.ty?)?;
    let f32 = matches!(
        eg.analysis.ctx.type_data(e),
        TypeData::Float(FloatKind::F32)
    );
    (f32 && s.iter().all(|&d| d > 0)).then_some(s)
}

/// The classes whose nodes use class `id` as an operand, in a fixed order.
fn parent_classes(eg: &FGraph, id: Id) -> Vec<Id> {
    let mut v: Vec<Id> = eg[id].parents().map(|p| eg.find(p)).collect();
    v.sort();
    v.dedup();
    v
}

/// A Gemm `x @ W + b` as written: no `transA`, `alpha = beta = 1`; its `transB`.
fn plain_gemm(eg: &FGraph, g: &FNode) -> Option<bool> {
    let a = &eg.analysis;
    let plain = a.attr_i64(g.key, "transA").unwrap_or(0) == 0
        && a.attr_f64(g.key, "alpha").unwrap_or(1.0) == 1.0
        && a.attr_f64(g.key, "beta").unwrap_or(1.0) == 1.0
        && g.args.len() == 3;
    plain.then(|| a.attr_i64(g.key, "transB").unwrap_or(0) != 0)
}

/// The single-use projections of `x` (`[.., K]`) to `n` columns with constant weights and bias:
/// `add(matmul(x, W), b)` (either order; `x` of any rank) and `gemm(x, W, b)` (`x` 2-D).
fn projections(eg: &FGraph, x: Id, kk: i64, n: i64) -> Vec<Proj> {
    let mut out = Vec::new();
    let weights = |eg: &FGraph, w_id: Id, b_id: Id, trans_b: bool| {
        let ws = if trans_b { vec![n, kk] } else { vec![kk, n] };
        if f32_shape(eg, w_id) != Some(ws) || f32_shape(eg, b_id) != Some(vec![n]) {
            return None;
        }
        Some((konst(eg, w_id)?, konst(eg, b_id)?))
    };
    for m in parent_classes(eg, x) {
        if eg[m].data.uses != 1 {
            continue;
        }
        for g in ops_in(eg, m, "flow.gemm") {
            let Some(trans_b) = plain_gemm(eg, &g) else {
                continue;
            };
            let (w_id, b_id) = (g.args[1], g.args[2]);
            if eg.find(g.args[0]) != x {
                continue;
            }
            if let Some((w, b)) = weights(eg, w_id, b_id, trans_b) {
                out.push(Proj {
                    class: m,
                    w,
                    w_id,
                    b,
                    b_id,
                    trans_b,
                });
            }
        }
        for mm in ops_in(eg, m, "flow.matmul") {
            if eg.find(mm.args[0]) != x {
                continue;
            }
            for a in parent_classes(eg, m) {
                if eg[a].data.uses != 1 {
                    continue;
                }
                for add in ops_in(eg, a, "flow.add") {
                    let b_id = if eg.find(add.args[0]) == m {
                        add.args[1]
                    } else {
                        add.args[0]
                    };
                    if eg.find(b_id) == m {
                        continue;
                    }
                    if let Some((w, b)) = weights(eg, mm.args[1], b_id, false) {
                        out.push(Proj {
                            class: a,
                            w,
                            w_id: mm.args[1],
                            b,
                            b_id,
                            trans_b: false,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The heads over `x` whose reshape is to `out4 = [B, S, H, D]` and whose transpose is by
/// `perm`, sorted by weights.
fn heads(eg: &FGraph, x: Id, out4: &[i64], perm: &[i64]) -> Vec<Head> {
    let Some(xs) = f32_shape(eg, x) else {
        return vec![];
    };
    let kk = *xs.last().unwrap_or(&0);
    let mut out: Vec<Head> = Vec::new();
    for p in projections(eg, x, kk, out4[2] * out4[3]) {
        for r in parent_classes(eg, p.class) {
            let reshaped = ops_in(eg, r, "flow.reshape")
                .iter()
                .any(|rn| eg.find(rn.args[0]) == p.class);
            if eg[r].data.uses != 1 || f32_shape(eg, r).as_deref() != Some(out4) || !reshaped {
                continue;
            }
            for t in parent_classes(eg, r) {
                for tr in ops_in(eg, t, "flow.transpose") {
                    let q = eg.analysis.attr_ints(tr.key, "perm");
                    if eg.find(tr.args[0]) == r && q.as_deref() == Some(perm) {
                        out.push(Head {
                            w: p.w,
                            b: p.b,
                            w_id: p.w_id,
                            b_id: p.b_id,
                            trans_b: p.trans_b,
                            t,
                        });
                    }
                }
            }
        }
    }
    // By the weights' attributes (interned in input order: Q, K, V as the model lists them).
    out.sort_by_key(|h| (h.w, h.b, h.t));
    out.dedup_by(|p, q| p.t == q.t);
    out
}

/// `x` and the reshape's shape `[B, S, H, D]` when transpose node `n` is
/// `transpose(reshape(x @ W + b, [B, S, H, D]))`.
fn head_input(eg: &FGraph, n: &FNode) -> Option<(Id, Vec<i64>)> {
    let r = n.args[0];
    let rs = f32_shape(eg, r)?;
    if rs.len() != 4 {
        return None;
    }
    for rn in ops_in(eg, r, "flow.reshape") {
        let a = rn.args[0];
        if let Some(g) = ops_in(eg, a, "flow.gemm").first() {
            return Some((eg.find(g.args[0]), rs));
        }
        for add in ops_in(eg, a, "flow.add") {
            for arg in add.args {
                if let Some(mm) = ops_in(eg, arg, "flow.matmul").first() {
                    return Some((eg.find(mm.args[0]), rs));
                }
            }
        }
    }
    None
}

fn qkv_merge(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let Some((x, out4)) = head_input(eg, n) else {
        return vec![];
    };
    let Some(perm) = eg.analysis.attr_ints(n.key, "perm") else {
        return vec![];
    };
    let mut sorted = perm.clone();
    sorted.sort_unstable();
    if sorted != [0, 1, 2, 3] {
        return vec![];
    }
    let all = heads(eg, x, &out4, &perm);
    let Some(me) = all.iter().find(|h| h.t == eg.find(class)).cloned() else {
        return vec![];
    };
    // One weight layout per merged matrix.
    let group: Vec<Head> = all
        .into_iter()
        .filter(|h| h.trans_b == me.trans_b)
        .collect();
    let Some(j) = group.iter().position(|h| h.t == me.t) else {
        return vec![];
    };
    let k = group.len() as i64;
    if k < 2 {
        return vec![];
    }
    let Some(xs) = f32_shape(eg, x) else {
        return vec![];
    };
    let kk = xs[xs.len() - 1];
    let rows: i64 = xs[..xs.len() - 1].iter().product();
    let (bb, ss, h, d) = (out4[0], out4[1], out4[2], out4[3]);
    let nn = h * d;
    if rows != bb * ss {
        return vec![];
    }
    // The merged weights and bias: [K, k * N] (row r: each head's row r in turn), or with
    // transB [k * N, K] (the heads' rows one after the other).
    let mut ws = Vec::with_capacity(group.len());
    let mut bs = Vec::with_capacity(group.len());
    for g in &group {
        let (Some(w), Some(b)) = (konst_f32s(eg, g.w_id), konst_f32s(eg, g.b_id)) else {
            return vec![];
        };
        ws.push(w);
        bs.push(b);
    }
    let (wcat, wshape) = if me.trans_b {
        (ws.concat(), vec![k * nn, kk])
    } else {
        let mut v = Vec::with_capacity((kk * nn * k) as usize);
        for r in 0..kk as usize {
            for w in &ws {
                v.extend_from_slice(&w[r * nn as usize..(r + 1) * nn as usize]);
            }
        }
        (v, vec![kk, k * nn])
    };
    let bcat: Vec<f32> = bs.concat();
    let wc = f32_const(eg, wshape, &wcat);
    let bc = f32_const(eg, vec![k * nn], &bcat);
    let build = |eg: &mut FGraph| -> Option<Id> {
        let x2 = if xs.len() == 2 {
            x
        } else {
            let s2 = i64_const(eg, &[rows, kk]);
            add_op(eg, "flow.reshape", &[], &[x, s2])?
        };
        let attrs: Vec<(&str, Attribute)> = if me.trans_b {
            vec![("transB", eg.analysis.ctx.i64_attr(1))]
        } else {
            vec![]
        };
        let g = add_op(eg, "flow.gemm", &attrs, &[x2, wc, bc])?;
        let s5 = i64_const(eg, &[bb, ss, k, h, d]);
        let r5 = add_op(eg, "flow.reshape", &[], &[g, s5])?;
        // The head dims [B, S, H, D] are dims 0, 1, 3, 4 of the merged [B, S, k, H, D].
        let mut p5 = vec![2i64];
        p5.extend(perm.iter().map(|&q| if q < 2 { q } else { q + 1 }));
        let p5 = eg.analysis.ctx.dense_i64_array_attr(&p5);
        let t5 = add_op(eg, "flow.transpose", &[("perm", p5)], &[r5])?;
        let (st, en, ax) = (
            i64_const(eg, &[j as i64]),
            i64_const(eg, &[j as i64 + 1]),
            i64_const(eg, &[0]),
        );
        let sl = add_op(eg, "flow.slice", &[], &[t5, st, en, ax])?;
        let out = super::shape(eg, class)?.0;
        let s4 = i64_const(eg, &out);
        add_op(eg, "flow.reshape", &[], &[sl, s4])
    };
    build(eg).into_iter().collect()
}

// ===== For the cost model =====

/// The constant integers of operand `i` of `n` (`Some(None)` when absent).
fn const_operand(eg: &FGraph, n: &FNode, i: usize) -> Option<Option<Vec<i64>>> {
    let Some(&c) = n.args.get(i) else {
        return Some(None);
    };
    let none = eg[c]
        .data
        .ty
        .is_some_and(|t| matches!(eg.analysis.ctx.type_data(t), TypeData::None));
    if none {
        return Some(None);
    }
    konst_i64s(eg, c).map(Some)
}

/// The constant operands of a `flow.slice` node and its operand's static shape and element
/// width in bytes: `(shape, width, starts, ends, axes, steps)`.
type SliceOperands = (
    Vec<i64>,
    u64,
    Vec<i64>,
    Vec<i64>,
    Option<Vec<i64>>,
    Option<Vec<i64>>,
);

fn slice_operands(eg: &FGraph, n: &FNode) -> Option<SliceOperands> {
    if eg.analysis.op_name(n.key) != Some("flow.slice") {
        return None;
    }
    let (s, e) = shape_of(&eg.analysis.ctx, eg[n.args[0]].data.ty?)?;
    let width = eg.analysis.ctx.scalar_byte_width(e)? as u64;
    let starts = const_operand(eg, n, 1)??;
    let ends = const_operand(eg, n, 2)??;
    let axes = const_operand(eg, n, 3)?;
    let steps = const_operand(eg, n, 4)?;
    Some((s, width, starts, ends, axes, steps))
}

/// The operand's static shape and the box a `flow.slice` node with constant operands and steps 1
/// selects (first index and count per dim: flowc_flow's
/// [`slice_box`](flowc_flow::slice_view::slice_box)).
fn slice_box(eg: &FGraph, n: &FNode) -> Option<(Vec<i64>, Vec<i64>, Vec<i64>)> {
    let (s, _, starts, ends, axes, steps) = slice_operands(eg, n)?;
    let (begin, count) =
        slice_view::slice_box(&s, &starts, &ends, axes.as_deref(), steps.as_deref())?;
    Some((s, begin, count))
}

/// Whether a `flow.slice` node is lowered as a view: convert-flow-to-loop's rule
/// (`data::contiguous_slice`), flowc_flow's
/// [`contiguous_run`](flowc_flow::slice_view::contiguous_run).
pub fn slice_is_view(eg: &FGraph, n: &FNode) -> bool {
    slice_operands(eg, n).is_some_and(|(s, width, starts, ends, axes, steps)| {
        slice_view::contiguous_run(&s, width, &starts, &ends, axes.as_deref(), steps.as_deref())
            .is_some()
    })
}

/// The share of its operand's cost a view slice carries: `1 / k` when it is one of `k` equal
/// parts along the operand's outermost axis and the e-graph holds view slices of the operand
/// for all `k` parts; 1 otherwise.
pub fn operand_share(eg: &FGraph, n: &FNode) -> f64 {
    let Some((s, _, count)) = slice_box(eg, n) else {
        return 1.0;
    };
    if !slice_is_view(eg, n) || count[0] == 0 || s[0] % count[0] != 0 {
        return 1.0;
    }
    if (1..s.len()).any(|d| count[d] != s[d]) {
        return 1.0;
    }
    let k = s[0] / count[0];
    if k < 2 {
        return 1.0;
    }
    let x = eg.find(n.args[0]);
    let mut parts: Vec<i64> = Vec::new();
    for p in parent_classes(eg, x) {
        for sn in ops_in(eg, p, "flow.slice") {
            if eg.find(sn.args[0]) != x || !slice_is_view(eg, &sn) {
                continue;
            }
            if let Some((_, b, c)) = slice_box(eg, &sn)
                && c == count
            {
                parts.push(b[0]);
            }
        }
    }
    parts.sort_unstable();
    parts.dedup();
    if parts.len() as i64 == k {
        1.0 / k as f64
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal};

    /// Two heads over `%x: 1x2x2` (H = 1, D = 2), Q-style and, with `kperm`, K-style; `%0` is
    /// the first head, `%1` the goal.
    fn text(kperm: &str, goal: &str) -> String {
        format!(
            "(%x: tensor<1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {{
               %wq = \"flow.constant\"() {{value = dense<0.5> : tensor<2x2xf32>}} : () -> tensor<2x2xf32>
               %wk = \"flow.constant\"() {{value = dense<0.25> : tensor<2x2xf32>}} : () -> tensor<2x2xf32>
               %bq = \"flow.constant\"() {{value = dense<1.0> : tensor<2xf32>}} : () -> tensor<2xf32>
               %bk = \"flow.constant\"() {{value = dense<2.0> : tensor<2xf32>}} : () -> tensor<2xf32>
               %s = \"flow.constant\"() {{value = dense<[1, 2, 1, 2]> : tensor<4xi64>}} : () -> tensor<4xi64>
               %mq = \"flow.matmul\"(%x, %wq) : (tensor<1x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2xf32>
               %aq = \"flow.add\"(%mq, %bq) : (tensor<1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2xf32>
               %rq = \"flow.reshape\"(%aq, %s) : (tensor<1x2x2xf32>, tensor<4xi64>) -> tensor<1x2x1x2xf32>
               %0 = \"flow.transpose\"(%rq) {{perm = array<i64: 0, 2, 1, 3>}} : (tensor<1x2x1x2xf32>) -> tensor<1x1x2x2xf32>
               %mk = \"flow.matmul\"(%x, %wk) : (tensor<1x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2xf32>
               %ak = \"flow.add\"(%bk, %mk) : (tensor<2xf32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
               %rk = \"flow.reshape\"(%ak, %s) : (tensor<1x2x2xf32>, tensor<4xi64>) -> tensor<1x2x1x2xf32>
               %k = \"flow.transpose\"(%rk) {{perm = array<i64: {kperm}>}} : (tensor<1x2x1x2xf32>) -> tensor<1x1x2x2xf32>
               {goal}
               return %0, %1, %k : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>"
        )
    }

    /// The first head through the merged projection (part 0: its weights come first).
    const GOAL: &str = "%wc = \"flow.constant\"() {value = dense<[[0.5, 0.5, 0.25, 0.25], [0.5, 0.5, 0.25, 0.25]]> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
               %bc = \"flow.constant\"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
               %s2 = \"flow.constant\"() {value = dense<[2, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
               %x2 = \"flow.reshape\"(%x, %s2) : (tensor<1x2x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
               %g = \"flow.gemm\"(%x2, %wc, %bc) : (tensor<2x2xf32>, tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
               %s5 = \"flow.constant\"() {value = dense<[1, 2, 2, 1, 2]> : tensor<5xi64>} : () -> tensor<5xi64>
               %r5 = \"flow.reshape\"(%g, %s5) : (tensor<2x4xf32>, tensor<5xi64>) -> tensor<1x2x2x1x2xf32>
               %t5 = \"flow.transpose\"(%r5) {perm = array<i64: 2, 0, 3, 1, 4>} : (tensor<1x2x2x1x2xf32>) -> tensor<2x1x1x2x2xf32>
               %st = \"flow.constant\"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
               %en = \"flow.constant\"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
               %sl = \"flow.slice\"(%t5, %st, %en, %st) : (tensor<2x1x1x2x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x1x2x2xf32>
               %s4 = \"flow.constant\"() {value = dense<[1, 1, 2, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
               %1 = \"flow.reshape\"(%sl, %s4) : (tensor<1x1x1x2x2xf32>, tensor<4xi64>) -> tensor<1x1x2x2xf32>";

    #[test]
    fn qkv_merge_gemm_trans_b() {
        // Gemm projections with transB (PyTorch's Linear): W_j is [N, K], the merged [2N, K].
        let text = "(%x: tensor<2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
               %wq = \"flow.constant\"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
               %wv = \"flow.constant\"() {value = dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
               %bq = \"flow.constant\"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
               %bv = \"flow.constant\"() {value = dense<2.0> : tensor<2xf32>} : () -> tensor<2xf32>
               %s = \"flow.constant\"() {value = dense<[1, 2, 1, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
               %gq = \"flow.gemm\"(%x, %wq, %bq) {transB = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
               %rq = \"flow.reshape\"(%gq, %s) : (tensor<2x2xf32>, tensor<4xi64>) -> tensor<1x2x1x2xf32>
               %0 = \"flow.transpose\"(%rq) {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x1x2xf32>) -> tensor<1x1x2x2xf32>
               %gv = \"flow.gemm\"(%x, %wv, %bv) {transB = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
               %rv = \"flow.reshape\"(%gv, %s) : (tensor<2x2xf32>, tensor<4xi64>) -> tensor<1x2x1x2xf32>
               %v = \"flow.transpose\"(%rv) {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x1x2xf32>) -> tensor<1x1x2x2xf32>
               %wc = \"flow.constant\"() {value = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>} : () -> tensor<4x2xf32>
               %bc = \"flow.constant\"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
               %g = \"flow.gemm\"(%x, %wc, %bc) {transB = 1 : i64} : (tensor<2x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<2x4xf32>
               %s5 = \"flow.constant\"() {value = dense<[1, 2, 2, 1, 2]> : tensor<5xi64>} : () -> tensor<5xi64>
               %r5 = \"flow.reshape\"(%g, %s5) : (tensor<2x4xf32>, tensor<5xi64>) -> tensor<1x2x2x1x2xf32>
               %t5 = \"flow.transpose\"(%r5) {perm = array<i64: 2, 0, 3, 1, 4>} : (tensor<1x2x2x1x2xf32>) -> tensor<2x1x1x2x2xf32>
               %st = \"flow.constant\"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
               %en = \"flow.constant\"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
               %ax = \"flow.constant\"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
               %sl = \"flow.slice\"(%t5, %st, %en, %ax) : (tensor<2x1x1x2x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x1x2x2xf32>
               %s4 = \"flow.constant\"() {value = dense<[1, 1, 2, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
               %1 = \"flow.reshape\"(%sl, %s4) : (tensor<1x1x1x2x2xf32>, tensor<4xi64>) -> tensor<1x1x2x2xf32>
               return %v, %1, %0 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>";
        assert_equal("qkv-merge", text);
    }

    #[test]
    fn qkv_merge() {
        assert_equal("qkv-merge", &text("0, 2, 1, 3", GOAL));
        // A head transposed another way (K for `Q K^T`) is no part of the group: alone, the
        // first head is not merged.
        assert_not_equal("qkv-merge", &text("0, 2, 3, 1", GOAL));
    }
}
