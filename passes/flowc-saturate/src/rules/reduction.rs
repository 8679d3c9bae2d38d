//! `fusion` (reductions): softmax, log-softmax and layer normalization spelled out in primitives
//! (what PyTorch exports before opset 17, or a hand-written graph) become the single op, one
//! kernel instead of a reduction kernel per statistic plus the elementwise kernels between them.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `softmax-spelled` | `e / reduce_sum(e, [a])` with `e = exp(x - reduce_max(x, [a]))` -> `softmax(x) {axis = a}` |
//! | `softmax-spelled-unshifted` | `e / reduce_sum(e, [a])` with `e = exp(x)` -> `softmax(x) {axis = a}` |
//! | `log-softmax-spelled` | `log(softmax(x))` -> `log_softmax(x)` (same axis) |
//! | `layer-norm-spelled` | `d / sqrt(v + eps)` with `d = x - reduce_mean(x, A)`, `v = reduce_mean(d * d, A)` (or `pow(d, 2)`), `A` the trailing axes from `a` -> `layer_normalization(x, 1) {axis = a, epsilon = eps}` |
//! | `layer-norm-spelled-recip` | idem with `d * reciprocal(sqrt(v + eps))` (or `d * (1 / sqrt(..))`, either operand order) |
//! | `layer-norm-scale` | `layer_normalization(x, 1) * g` -> `layer_normalization(x, g)` (same axis and epsilon) |
//! | `layer-norm-bias` | `layer_normalization(x, g) + b` -> `layer_normalization(x, g, b)` |
//!
//! Every reduction must keep its dims (`keepdims = 1`, the default) and name its axes by a
//! constant (or an `axes` attribute); everything is f32 and ranked. The scale and bias folds
//! apply when `g` / `b` have at most as many dims as the normalized part (they then broadcast
//! along it only, as the op reads them) and the product / sum has the input's type.
//!
//! Why the single op computes the same function, to within the spelled-out form's own rounding:
//!
//! - Softmax (convert-flow-to-loop's `norm.rs` and, on the GPU, `gpu_reduce.rs`; the
//!   interpreter's `softmax_typed`) computes
//!   exactly the spelled-out steps with the same roundings into f32: the lane's max,
//!   `r(exp(r(x - max)))`, their sum rounded, each quotient rounded. Only the order of the sum
//!   and the exp implementation may differ from the separate kernels' (a few ulps).
//! - Without the max subtracted, `exp(x) / sum exp(x)` equals `exp(x - m) / sum exp(x - m)` in
//!   real numbers (the factor `exp(-m)` cancels). Where no `exp(x)` overflows or underflows in
//!   f32 the two agree to a few ulps; where one does, the spelled-out form gives `inf / inf =
//!   NaN` or loses precision in subnormals and the single op still gives the correctly scaled
//!   value. The rewrite never makes a result less accurate.
//! - LogSoftmax is, in both the op and the reference, `log` of the rounded softmax: the same
//!   steps as `log(softmax(x))`. The other spelling, `(x - m) - log(sum exp(x - m))`, is NOT
//!   rewritten: it stays finite where `exp(x - m)` underflows, and the op gives `-inf` there.
//! - LayerNormalization computes per row in f64, `((x - mean) * (1 / sqrt(var + eps))) * scale +
//!   bias`, with the biased variance `mean((x - mean)^2)`, and rounds once into f32; the
//!   spelled-out form evaluates the same expression with every step rounded into f32 (and its
//!   sums in f32). The op's result is the exact value correctly rounded up to the f64 error of
//!   its sums; the spelled-out one is within its own accumulated f32 rounding of it. `pow(d, 2)`
//!   and `d * d` are the same rounded square; `d / s` and `d * (1 / s)` differ by one rounding.
//!   `eps` is the f32 constant of the graph in both. On the GPU target (gpu_reduce.rs) the op
//!   sums in f32 as a tree over the row, which is no less accurate than the spelled-out form's
//!   f32 sums (a tree's error grows with log n, a sequential sum's with n).

use super::{RuleSet::Fusion, add_key, add_op, konst, konst_all, konst_i64s, ops_in, shape, ty};
use crate::lang::{FGraph, FNode};
use crate::rules::Rule;
use egg::Id;
use flowc_ir::{FloatKind, Type, TypeData};

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: Fusion,
        root,
        apply,
    };
    vec![
        r("softmax-spelled", "flow.div", softmax_spelled),
        r(
            "softmax-spelled-unshifted",
            "flow.div",
            softmax_spelled_unshifted,
        ),
        r("log-softmax-spelled", "flow.log", log_softmax_spelled),
        r("layer-norm-spelled", "flow.div", layer_norm_spelled),
        r(
            "layer-norm-spelled-recip",
            "flow.mul",
            layer_norm_spelled_recip,
        ),
        r("layer-norm-scale", "flow.mul", layer_norm_scale),
        r("layer-norm-bias", "flow.add", layer_norm_bias),
    ]
}

// ===== Matching helpers =====

/// The rank of class `id` when it is a ranked f32 tensor.
fn f32_rank(eg: &FGraph, id: Id) -> Option<usize> {
    let (s, e) = shape(eg, id)?;
    matches!(
        eg.analysis.ctx.type_data(e),
        TypeData::Float(FloatKind::F32)
    )
    .then_some(s.len())
}

/// The normalized, sorted axes of reduction node `n` of an input of rank `rank`, when it keeps
/// its dims and names its axes (operand constant or `axes` attribute).
fn reduce_axes(eg: &FGraph, n: &FNode, rank: usize) -> Option<Vec<usize>> {
    let a = &eg.analysis;
    if a.attr_i64(n.key, "keepdims").unwrap_or(1) != 1 {
        return None;
    }
    let raw = match n.args.get(1) {
        Some(&c) => konst_i64s(eg, c)?,
        None => a.attr_ints(n.key, "axes")?,
    };
    if raw.is_empty() {
        return None;
    }
    let r = rank as i64;
    let mut axes = Vec::with_capacity(raw.len());
    for v in raw {
        let v = if v < 0 { v + r } else { v };
        if !(0..r).contains(&v) {
            return None;
        }
        axes.push(v as usize);
    }
    axes.sort_unstable();
    axes.dedup();
    Some(axes)
}

/// The reductions `name` of class `id` over `x`'s class: `(x, sorted axes)`.
fn reductions(eg: &FGraph, id: Id, name: &str) -> Vec<(Id, Vec<usize>)> {
    ops_in(eg, id, name)
        .into_iter()
        .filter_map(|n| {
            let x = *n.args.first()?;
            let rank = f32_rank(eg, x)?;
            Some((eg.find(x), reduce_axes(eg, &n, rank)?))
        })
        .collect()
}

fn same(eg: &FGraph, a: Id, b: Id) -> bool {
    eg.find(a) == eg.find(b)
}

fn axis_attr(eg: &mut FGraph, axis: usize) -> flowc_ir::Attribute {
    eg.analysis.ctx.i64_attr(axis as i64)
}

// ===== Softmax =====

/// `(t, a)` for each way the division `n` is `e / reduce_sum(e, [a])` with `e = exp(t)`.
fn softmax_parts(eg: &FGraph, n: &FNode) -> Vec<(Id, usize)> {
    let (e, s) = (n.args[0], n.args[1]);
    let mut out = Vec::new();
    for (summed, axes) in reductions(eg, s, "flow.reduce_sum") {
        if !same(eg, summed, e) || axes.len() != 1 {
            continue;
        }
        for ex in ops_in(eg, e, "flow.exp") {
            out.push((ex.args[0], axes[0]));
        }
    }
    out
}

fn softmax_op(eg: &mut FGraph, class: Id, x: Id, axis: usize) -> Option<Id> {
    if f32_rank(eg, x)? == 0 || ty(eg, x) != ty(eg, class) {
        return None;
    }
    let attr = axis_attr(eg, axis);
    add_op(eg, "flow.softmax", &[("axis", attr)], &[x])
}

fn softmax_spelled(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (t, axis) in softmax_parts(eg, n) {
        for sub in ops_in(eg, t, "flow.sub") {
            let (x, m) = (sub.args[0], sub.args[1]);
            let shifted = reductions(eg, m, "flow.reduce_max")
                .into_iter()
                .any(|(mx, axes)| same(eg, mx, x) && axes == [axis]);
            if shifted {
                out.extend(softmax_op(eg, class, x, axis));
            }
        }
    }
    out
}

fn softmax_spelled_unshifted(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (x, axis) in softmax_parts(eg, n) {
        out.extend(softmax_op(eg, class, x, axis));
    }
    out
}

fn log_softmax_spelled(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for s in ops_in(eg, n.args[0], "flow.softmax") {
        // Both ops default to the last axis when the attribute is absent.
        let attrs: Vec<(&str, flowc_ir::Attribute)> = eg
            .analysis
            .attr(s.key, "axis")
            .map(|a| ("axis", a))
            .into_iter()
            .collect();
        out.extend(add_op(eg, "flow.log_softmax", &attrs, &[s.args[0]]));
    }
    out
}

// ===== Layer normalization =====

/// `(x, first normalized axis)` when `d` is `x - reduce_mean(x, A)` with `A` the trailing axes
/// from that axis on.
fn centered(eg: &FGraph, d: Id) -> Vec<(Id, usize)> {
    let mut out = Vec::new();
    for sub in ops_in(eg, d, "flow.sub") {
        let (x, mu) = (sub.args[0], sub.args[1]);
        let Some(rank) = f32_rank(eg, x) else {
            continue;
        };
        if ty(eg, d) != ty(eg, x) {
            continue;
        }
        for (mx, axes) in reductions(eg, mu, "flow.reduce_mean") {
            let trailing =
                axes.last() == Some(&(rank - 1)) && axes.windows(2).all(|w| w[1] == w[0] + 1);
            if same(eg, mx, x) && trailing {
                out.push((x, axes[0]));
            }
        }
    }
    out
}

/// Whether class `sq` holds `d * d` or `pow(d, 2)`.
fn is_square_of(eg: &FGraph, sq: Id, d: Id) -> bool {
    ops_in(eg, sq, "flow.mul")
        .iter()
        .any(|m| same(eg, m.args[0], d) && same(eg, m.args[1], d))
        || ops_in(eg, sq, "flow.pow")
            .iter()
            .any(|p| same(eg, p.args[0], d) && konst_all(eg, p.args[1], 2.0))
}

/// The f32 epsilons `eps` for which class `den` is `sqrt(v + eps)` (either operand order) with
/// `v = reduce_mean(d * d, A)`, `A` the trailing axes from `axis`.
fn std_dev_eps(eg: &FGraph, den: Id, d: Id, axis: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let Some(rank) = f32_rank(eg, d) else {
        return out;
    };
    let want: Vec<usize> = (axis..rank).collect();
    for sq in ops_in(eg, den, "flow.sqrt") {
        for add in ops_in(eg, sq.args[0], "flow.add") {
            for (v, e) in [(add.args[0], add.args[1]), (add.args[1], add.args[0])] {
                let Some(eps) = single_f32(eg, e) else {
                    continue;
                };
                if ty(eg, v) != ty(eg, sq.args[0]) {
                    continue;
                }
                let var_of_d = reductions(eg, v, "flow.reduce_mean")
                    .into_iter()
                    .any(|(s, axes)| axes == want && is_square_of(eg, s, d));
                if var_of_d {
                    out.push(eps);
                }
            }
        }
    }
    out
}

/// The value of an f32 constant of one element.
fn single_f32(eg: &FGraph, id: Id) -> Option<f32> {
    konst(eg, id)?;
    let v = super::konst_f32s(eg, id)?;
    (v.len() == 1).then(|| v[0])
}

/// `layer_normalization(x, ones) {axis, epsilon}` of the type of `class`.
fn layer_norm_op(eg: &mut FGraph, class: Id, x: Id, axis: usize, eps: f32) -> Option<Id> {
    if ty(eg, x) != ty(eg, class) {
        return None;
    }
    let (xs, e) = shape(eg, x)?;
    let norm: Vec<i64> = xs[axis..].to_vec();
    if norm.iter().any(|&d| d < 0) {
        return None;
    }
    let ctx = &mut eg.analysis.ctx;
    let ones_ty: Type = ctx.tensor_type(norm, e);
    let one = ctx.float_attr(e, 1.0);
    let ones = ctx.splat_attr(ones_ty, one)?;
    let ones = super::add_const(eg, ones);
    let attrs = norm_attrs(eg, axis, eps);
    let attrs: Vec<(&str, flowc_ir::Attribute)> = attrs.iter().map(|&(n, a)| (n, a)).collect();
    add_op(eg, "flow.layer_normalization", &attrs, &[x, ones])
}

fn norm_attrs(eg: &mut FGraph, axis: usize, eps: f32) -> [(&'static str, flowc_ir::Attribute); 2] {
    let ctx = &mut eg.analysis.ctx;
    let f32t = ctx.f32_type();
    [
        ("axis", ctx.i64_attr(axis as i64)),
        ("epsilon", ctx.float_attr(f32t, eps as f64)),
    ]
}

fn layer_norm_spelled(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let (d, den) = (n.args[0], n.args[1]);
    normalized(eg, class, d, den)
}

/// The class of `1 / s` for each `s` it is `reciprocal(s)` or `1 / s` of.
fn reciprocal_of(eg: &FGraph, id: Id) -> Vec<Id> {
    let mut out: Vec<Id> = ops_in(eg, id, "flow.reciprocal")
        .into_iter()
        .map(|r| r.args[0])
        .collect();
    for q in ops_in(eg, id, "flow.div") {
        if konst_all(eg, q.args[0], 1.0)
            && super::konst_f64s(eg, q.args[0]).is_some_and(|v| v.len() == 1)
        {
            out.push(q.args[1]);
        }
    }
    out
}

fn layer_norm_spelled_recip(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (d, r) in [(n.args[0], n.args[1]), (n.args[1], n.args[0])] {
        for den in reciprocal_of(eg, r) {
            out.extend(normalized(eg, class, d, den));
        }
    }
    out
}

/// The layer norms `class` equals when it is `d` over the standard deviation `den`.
fn normalized(eg: &mut FGraph, class: Id, d: Id, den: Id) -> Vec<Id> {
    let mut out = Vec::new();
    for (x, axis) in centered(eg, d) {
        for eps in std_dev_eps(eg, den, d, axis) {
            out.extend(layer_norm_op(eg, class, x, axis, eps));
        }
    }
    out
}

/// The layer norms of class `id` with their axis.
fn layer_norms(eg: &FGraph, id: Id) -> Vec<(FNode, i64)> {
    ops_in(eg, id, "flow.layer_normalization")
        .into_iter()
        .map(|n| {
            let axis = eg.analysis.attr_i64(n.key, "axis").unwrap_or(-1);
            (n, axis)
        })
        .collect()
}

/// Whether `p` (a scale or bias) broadcasts along the normalized dims of `x` only: at most as
/// many dims as they are, f32.
fn fits_norm(eg: &FGraph, p: Id, x: Id, axis: i64) -> bool {
    let (Some(pr), Some(xr)) = (f32_rank(eg, p), f32_rank(eg, x)) else {
        return false;
    };
    let a = if axis < 0 { axis + xr as i64 } else { axis };
    (0..xr as i64).contains(&a) && pr as i64 <= xr as i64 - a
}

/// Layer norm `ln` (its attributes) over operands `args`.
fn with_args(eg: &mut FGraph, ln: &FNode, args: Vec<Id>) -> Option<Id> {
    add_key(eg, FNode::new(ln.key, args))
}

fn layer_norm_scale(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (l, g) in [(n.args[0], n.args[1]), (n.args[1], n.args[0])] {
        if ty(eg, l) != ty(eg, class) {
            continue;
        }
        for (ln, axis) in layer_norms(eg, l) {
            let [x, s] = ln.args[..] else { continue };
            if konst_all(eg, s, 1.0) && fits_norm(eg, g, x, axis) {
                out.extend(with_args(eg, &ln, vec![x, g]));
            }
        }
    }
    out
}

fn layer_norm_bias(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (l, b) in [(n.args[0], n.args[1]), (n.args[1], n.args[0])] {
        if ty(eg, l) != ty(eg, class) {
            continue;
        }
        for (ln, axis) in layer_norms(eg, l) {
            let [x, s] = ln.args[..] else { continue };
            if fits_norm(eg, b, x, axis) {
                out.extend(with_args(eg, &ln, vec![x, s, b]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal};

    /// `%x: 2x3x8`, softmax spelled out over `axis` (its reduced shape `red`), and the goal.
    fn softmax_text(axis: i64, red: &str, shifted: bool) -> String {
        let (e_in, pre) = if shifted {
            (
                "%d",
                format!(
                    "%m = \"flow.reduce_max\"(%x, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<{red}xf32>
                     %d = \"flow.sub\"(%x, %m) : (tensor<2x3x8xf32>, tensor<{red}xf32>) -> tensor<2x3x8xf32>"
                ),
            )
        } else {
            ("%x", String::new())
        };
        format!(
            "(%x: tensor<2x3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {{
               %ax = \"flow.constant\"() {{value = dense<[{axis}]> : tensor<1xi64>}} : () -> tensor<1xi64>
               {pre}
               %e = \"flow.exp\"({e_in}) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               %s = \"flow.reduce_sum\"(%e, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<{red}xf32>
               %0 = \"flow.div\"(%e, %s) : (tensor<2x3x8xf32>, tensor<{red}xf32>) -> tensor<2x3x8xf32>
               %1 = \"flow.softmax\"(%x) {{axis = {} : i64}} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               return %0, %1 : tensor<2x3x8xf32>, tensor<2x3x8xf32>",
            if axis < 0 { axis + 3 } else { axis }
        )
    }

    #[test]
    fn softmax_spelled() {
        assert_equal("softmax-spelled", &softmax_text(-1, "2x3x1", true));
        assert_equal("softmax-spelled", &softmax_text(1, "2x1x8", true));
        // The unshifted form is the other rule's.
        assert_not_equal("softmax-spelled", &softmax_text(-1, "2x3x1", false));
        // The max over another axis than the sum's: not a softmax.
        assert_not_equal(
            "softmax-spelled",
            "(%x: tensor<2x3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {
               %a1 = \"flow.constant\"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
               %a2 = \"flow.constant\"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
               %m = \"flow.reduce_max\"(%x, %a1) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x1x8xf32>
               %d = \"flow.sub\"(%x, %m) : (tensor<2x3x8xf32>, tensor<2x1x8xf32>) -> tensor<2x3x8xf32>
               %e = \"flow.exp\"(%d) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               %s = \"flow.reduce_sum\"(%e, %a2) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
               %0 = \"flow.div\"(%e, %s) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
               %1 = \"flow.softmax\"(%x) {axis = 2 : i64} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               return %0, %1 : tensor<2x3x8xf32>, tensor<2x3x8xf32>",
        );
        // A sum over two axes is no single-axis softmax.
        assert_not_equal(
            "softmax-spelled-unshifted",
            "(%x: tensor<2x3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {
               %ax = \"flow.constant\"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
               %e = \"flow.exp\"(%x) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               %s = \"flow.reduce_sum\"(%e, %ax) : (tensor<2x3x8xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
               %0 = \"flow.div\"(%e, %s) : (tensor<2x3x8xf32>, tensor<2x1x1xf32>) -> tensor<2x3x8xf32>
               %1 = \"flow.softmax\"(%x) {axis = 2 : i64} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               return %0, %1 : tensor<2x3x8xf32>, tensor<2x3x8xf32>",
        );
    }

    #[test]
    fn softmax_spelled_unshifted() {
        assert_equal(
            "softmax-spelled-unshifted",
            &softmax_text(-1, "2x3x1", false),
        );
        // Without keepdims the quotient would not broadcast along the axis: no match (the
        // reduced value is then reshaped by the graph, outside this pattern).
        assert_not_equal(
            "softmax-spelled-unshifted",
            "(%x: tensor<2x3x8xf32>, %y: tensor<2x3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {
               %ax = \"flow.constant\"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
               %e = \"flow.exp\"(%x) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               %s = \"flow.reduce_sum\"(%e, %ax) {keepdims = 0 : i64} : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3xf32>
               %sh = \"flow.constant\"() {value = dense<[2, 3, 1]> : tensor<3xi64>} : () -> tensor<3xi64>
               %r = \"flow.reshape\"(%s, %sh) : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<2x3x1xf32>
               %0 = \"flow.div\"(%e, %r) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
               %1 = \"flow.softmax\"(%x) {axis = 2 : i64} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
               return %0, %1 : tensor<2x3x8xf32>, tensor<2x3x8xf32>",
        );
    }

    #[test]
    fn log_softmax_spelled_default_axis() {
        assert_equal(
            "log-softmax-spelled",
            "(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
               %s = \"flow.softmax\"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
               %0 = \"flow.log\"(%s) : (tensor<2x8xf32>) -> tensor<2x8xf32>
               %1 = \"flow.log_softmax\"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
               return %0, %1 : tensor<2x8xf32>, tensor<2x8xf32>",
        );
    }

    #[test]
    fn log_softmax_spelled() {
        assert_equal(
            "log-softmax-spelled",
            "(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
               %s = \"flow.softmax\"(%x) {axis = 0 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
               %0 = \"flow.log\"(%s) : (tensor<2x8xf32>) -> tensor<2x8xf32>
               %1 = \"flow.log_softmax\"(%x) {axis = 0 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
               return %0, %1 : tensor<2x8xf32>, tensor<2x8xf32>",
        );
    }

    /// Layer norm of `%x: 2x3x8` over the last axis spelled out with `square` (`%d` squared
    /// into `%q`) and `norm` (`%d` over `%sd` into `%0`); the goal `%1` in `goal`.
    fn layer_norm_text(square: &str, norm: &str, goal: &str) -> String {
        format!(
            "(%x: tensor<2x3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {{
               %ax = \"flow.constant\"() {{value = dense<[-1]> : tensor<1xi64>}} : () -> tensor<1xi64>
               %two = \"flow.constant\"() {{value = dense<2.0> : tensor<f32>}} : () -> tensor<f32>
               %one = \"flow.constant\"() {{value = dense<1.0> : tensor<f32>}} : () -> tensor<f32>
               %eps = \"flow.constant\"() {{value = dense<9.99999974E-6> : tensor<f32>}} : () -> tensor<f32>
               %ones = \"flow.constant\"() {{value = dense<1.0> : tensor<8xf32>}} : () -> tensor<8xf32>
               %mu = \"flow.reduce_mean\"(%x, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
               %d = \"flow.sub\"(%x, %mu) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
               {square}
               %v = \"flow.reduce_mean\"(%q, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
               %ve = \"flow.add\"(%v, %eps) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
               %sd = \"flow.sqrt\"(%ve) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
               {norm}
               {goal}
               return %0, %1 : tensor<2x3x8xf32>, tensor<2x3x8xf32>"
        )
    }

    const POW: &str =
        "%q = \"flow.pow\"(%d, %two) : (tensor<2x3x8xf32>, tensor<f32>) -> tensor<2x3x8xf32>";
    const MUL: &str =
        "%q = \"flow.mul\"(%d, %d) : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>";
    const DIV: &str =
        "%0 = \"flow.div\"(%d, %sd) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>";
    const GOAL: &str = "%1 = \"flow.layer_normalization\"(%x, %ones) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>";

    #[test]
    fn layer_norm_spelled() {
        assert_equal("layer-norm-spelled", &layer_norm_text(POW, DIV, GOAL));
        assert_equal("layer-norm-spelled", &layer_norm_text(MUL, DIV, GOAL));
        // Another epsilon than the graph's: not equal.
        let other_eps = GOAL.replace("epsilon = 9.99999974E-6", "epsilon = 1.0E-6");
        assert_not_equal("layer-norm-spelled", &layer_norm_text(POW, DIV, &other_eps));
        // The square of another value than the centered input: a different function.
        let sq_x = "%q = \"flow.mul\"(%x, %d) : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>";
        assert_not_equal("layer-norm-spelled", &layer_norm_text(sq_x, DIV, GOAL));
        // Statistics over the middle axis only: not the trailing axes a layer norm reduces.
        let text = layer_norm_text(POW, DIV, GOAL)
            .replace("dense<[-1]>", "dense<[1]>")
            .replace("2x3x1xf32", "2x1x8xf32");
        assert_not_equal("layer-norm-spelled", &text);
    }

    #[test]
    fn layer_norm_spelled_recip() {
        let text = |norm: &str| layer_norm_text(MUL, norm, GOAL);
        assert_equal(
            "layer-norm-spelled-recip",
            &text(
                "%r = \"flow.reciprocal\"(%sd) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
                 %0 = \"flow.mul\"(%r, %d) : (tensor<2x3x1xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>",
            ),
        );
        assert_equal(
            "layer-norm-spelled-recip",
            &text(
                "%r = \"flow.div\"(%one, %sd) : (tensor<f32>, tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
                 %0 = \"flow.mul\"(%d, %r) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>",
            ),
        );
        // 2 / sd is not a reciprocal.
        assert_not_equal(
            "layer-norm-spelled-recip",
            &text(
                "%r = \"flow.div\"(%two, %sd) : (tensor<f32>, tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
                 %0 = \"flow.mul\"(%d, %r) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>",
            ),
        );
    }

    /// A layer norm of `%x: 2x3x8` with operands `ops` (types `tys`) into `%n`, then `tail`
    /// into `%0`; the goal `%1` is `goal_ops` (types `goal_tys`); `%g` is `g_ty`.
    fn fold_text(
        ops: &str,
        tys: &str,
        tail: &str,
        goal_ops: &str,
        goal_tys: &str,
        g_ty: &str,
    ) -> String {
        format!(
            "(%x: tensor<2x3x8xf32>, %g: tensor<{g_ty}xf32>, %h: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {{
               %ones = \"flow.constant\"() {{value = dense<1.0> : tensor<8xf32>}} : () -> tensor<8xf32>
               %n = \"flow.layer_normalization\"({ops}) {{axis = -1 : i64, epsilon = 9.99999974E-6 : f32}} : ({tys}) -> tensor<2x3x8xf32>
               {tail}
               %1 = \"flow.layer_normalization\"({goal_ops}) {{axis = -1 : i64, epsilon = 9.99999974E-6 : f32}} : ({goal_tys}) -> tensor<2x3x8xf32>
               return %0, %1 : tensor<2x3x8xf32>, tensor<2x3x8xf32>"
        )
    }

    #[test]
    fn layer_norm_scale() {
        let ones = ("%x, %ones", "tensor<2x3x8xf32>, tensor<8xf32>");
        let mul = |g_ty: &str| {
            format!(
                "%0 = \"flow.mul\"(%g, %n) : (tensor<{g_ty}xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>"
            )
        };
        let goal = |g_ty: &str| format!("tensor<2x3x8xf32>, tensor<{g_ty}xf32>");
        assert_equal(
            "layer-norm-scale",
            &fold_text(ones.0, ones.1, &mul("8"), "%x, %g", &goal("8"), "8"),
        );
        // A scale that varies along a dim outside the normalized one is no layer-norm scale.
        assert_not_equal(
            "layer-norm-scale",
            &fold_text(ones.0, ones.1, &mul("3x8"), "%x, %g", &goal("3x8"), "3x8"),
        );
        // A norm whose scale is not 1 would get the scale twice.
        assert_not_equal(
            "layer-norm-scale",
            &fold_text("%x, %h", ones.1, &mul("8"), "%x, %g", &goal("8"), "8"),
        );
    }

    #[test]
    fn layer_norm_bias() {
        let add =
            "%0 = \"flow.add\"(%n, %b) : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>";
        let two = "tensor<2x3x8xf32>, tensor<8xf32>";
        let three = "tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>";
        assert_equal(
            "layer-norm-bias",
            &fold_text("%x, %h", two, add, "%x, %h, %b", three, "8"),
        );
        // A norm that has a bias already would get it twice.
        assert_not_equal(
            "layer-norm-bias",
            &fold_text("%x, %h, %b", three, add, "%x, %h, %b", three, "8"),
        );
    }
}
