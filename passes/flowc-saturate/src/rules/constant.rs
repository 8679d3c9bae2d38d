//! `constant`: work done at compile time.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `const-fold` | an op all of whose operands are constants -> its value, computed by the reference interpreter (`flowc_interp::run_function`); not for random ops, nor when the result has more than max(4096, operand elements) elements (no Expand of a scalar into megabytes) |
//! | `conv-bn-fold` | `batch_normalization(conv(x, W, b), γ, β, μ, σ²)` -> `conv(x, W·s, (b-μ)·s + β)` with `s = γ / sqrt(σ² + ε)` |
//! | `conv-mul-fold` | `conv(x, W, b) * c` -> `conv(x, W·c, b·c)` for a per-output-channel (or scalar) constant `c` |
//! | `conv-add-fold` | `conv(x, W, b) + c` -> `conv(x, W, b + c)` for a per-output-channel (or scalar) constant `c` |
//! | `matmul-mul-fold` | `matmul(x, W) * c` -> `matmul(x, W·c)` for a constant 2-D `W` and a per-column (or scalar) constant `c` |
//!
//! The folds into weights need f32 constants and a conv / matmul used only by the folded op
//! (otherwise both would be computed). Tolerance: new weights are computed in f64 and rounded
//! once to f32, so each product `w·x` differs from the unfolded `(w·x)·s` by at most about one
//! f32 ulp; the sums are unchanged in order. Results agree with the unfolded graph to about
//! 1e-6 relative (the checks against onnxruntime use rtol 1e-4 / atol 1e-5), which is what
//! onnxruntime's own Conv + BatchNormalization fusion does.

use super::{
    RuleSet::Constant, add_key, add_op, f32_const, konst, konst_f32s, ops_in, shape, tensor_attr,
    ty,
};
use crate::lang::{FGraph, FNode, KeyData};
use crate::rules::Rule;
use egg::Id;
use flowc_func::{FuncOp, ReturnOp};
use flowc_ir::{Attribute, Location, OperationState};

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: Constant,
        root,
        apply,
    };
    vec![
        r("const-fold", "*", const_fold),
        r("conv-bn-fold", "flow.batch_normalization", conv_bn_fold),
        r("conv-mul-fold", "flow.mul", conv_mul_fold),
        r("conv-add-fold", "flow.add", conv_add_fold),
        r("matmul-mul-fold", "flow.mul", matmul_mul_fold),
    ]
}

fn num_elements(eg: &FGraph, id: Id) -> Option<i64> {
    let (s, _) = shape(eg, id)?;
    if s.iter().any(|&d| d < 0) {
        return None;
    }
    Some(s.iter().product())
}

fn const_fold(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let name = eg.analysis.op_name(n.key).unwrap_or("").to_string();
    if name.starts_with("flow.random")
        || matches!(
            name.as_str(),
            "flow.bernoulli" | "flow.multinomial" | "flow.none"
        )
    {
        return vec![];
    }
    if konst(eg, class).is_some() {
        return vec![];
    }
    let mut inputs = Vec::new();
    let mut total = 0i64;
    for &a in &n.args {
        let Some(c) = konst(eg, a) else {
            return vec![];
        };
        total += num_elements(eg, a).unwrap_or(0);
        inputs.push((c, ty(eg, a)));
    }
    let Some(out_ty) = ty(eg, class) else {
        return vec![];
    };
    match num_elements(eg, class) {
        Some(m) if m <= total.max(4096) => {}
        _ => return vec![],
    }
    match evaluate(eg, &name, n, &inputs, out_ty) {
        Some(attr) => {
            let key = eg.analysis.intern(KeyData::Const(attr));
            vec![super::add_node(eg, FNode::new(key, Vec::new()))]
        }
        None => vec![],
    }
}

/// Runs the op on constant operands with the interpreter (a throw-away function in the
/// context); its result as a constant attribute.
fn evaluate(
    eg: &mut FGraph,
    name: &str,
    n: &FNode,
    inputs: &[(Attribute, Option<flowc_ir::Type>)],
    out_ty: flowc_ir::Type,
) -> Option<Attribute> {
    let attrs = eg.analysis.op_attrs(n.key).to_vec();
    let ctx = &mut eg.analysis.ctx;
    let loc = Location::UNKNOWN;
    let fty = ctx.function_type(Vec::new(), vec![out_ty]);
    let f = FuncOp::create(ctx, "__flow_saturate_fold", fty, loc);
    let block = f.entry_block(ctx)?;
    let mut operands = Vec::new();
    for &(attr, t) in inputs {
        let st = OperationState::new(ctx, "flow.constant", loc)
            .results(&[t?])
            .attr(ctx, "value", attr);
        let c = ctx.create_op(st);
        ctx.append_op(block, c);
        operands.push(ctx.result(c, 0));
    }
    let mut st = OperationState::new(ctx, name, loc)
        .operands(&operands)
        .results(&[out_ty]);
    st.attributes.extend(attrs);
    let op = ctx.create_op(st);
    ctx.append_op(block, op);
    let r = ctx.result(op, 0);
    let ret = ReturnOp::create(ctx, &[r], loc);
    ctx.append_op(block, ret.op());
    let result = flowc_interp::run_function(ctx, f.op(), Vec::new());
    ctx.erase_op(f.op());
    let t = result.ok()?.pop()?;
    // The value must have the type inference gave.
    let elem = ctx.element_type(out_ty)?;
    if flowc_interp::type_to_dtype(ctx, elem)? != t.dtype() {
        return None;
    }
    let shape = ctx.shape(out_ty)?;
    if shape.len() != t.rank() || shape.iter().zip(t.shape()).any(|(&a, &b)| a != b as i64) {
        return None;
    }
    if t.dtype() == flowc_tensor::DType::Bool {
        return None;
    }
    Some(tensor_attr(eg, out_ty, t.to_bytes_le()))
}

/// The per-output-channel factors of a constant `c` combined with a result of rank `rank`
/// whose channel dim (1 for conv, last for matmul) is `axis` of size `n`: `c` must be 1 on
/// every other dim.
fn per_channel(eg: &FGraph, c: Id, rank: usize, axis: usize, n: i64) -> Option<Vec<f32>> {
    let (s, _) = shape(eg, c)?;
    if s.len() > rank {
        return None;
    }
    let vals = konst_f32s(eg, c)?;
    let off = rank - s.len();
    let mut chan = false;
    for (i, &d) in s.iter().enumerate() {
        if i + off == axis && d == n {
            chan = true;
        } else if d != 1 {
            return None;
        }
    }
    Some(if chan {
        vals
    } else {
        vec![*vals.first()?; n as usize]
    })
}

/// A conv node in class `id` with constant f32 weights (and bias), used once.
struct ConvParts {
    node: FNode,
    w_shape: Vec<i64>,
    w: Vec<f32>,
    b: Option<Vec<f32>>,
    /// `layout = "NHWC"`: the output channels are the last dim, not dim 1.
    nhwc: bool,
}

impl ConvParts {
    /// The output's channel dim for a result of rank `rank`.
    fn channel_axis(&self, rank: usize) -> usize {
        if self.nhwc { rank - 1 } else { 1 }
    }
}

fn conv_in(eg: &FGraph, id: Id) -> Vec<ConvParts> {
    if eg[id].data.uses > 1 {
        return vec![];
    }
    let mut out = Vec::new();
    for node in ops_in(eg, id, "flow.conv") {
        let Some((w_shape, _)) = shape(eg, node.args[1]) else {
            continue;
        };
        let Some(w) = konst_f32s(eg, node.args[1]) else {
            continue;
        };
        let b = match node.args.get(2) {
            Some(&b) => match konst_f32s(eg, b) {
                Some(v) => Some(v),
                None => continue,
            },
            None => None,
        };
        // A blocked conv's channels are split over two dims: no per-channel fold into it
        // (it is folded into the NCHW conv before the layout rules block it).
        if w_shape.is_empty() || w_shape[0] <= 0 || super::layout::is_blocked(eg, &node) {
            continue;
        }
        let nhwc = super::layout::is_nhwc(eg, &node);
        out.push(ConvParts {
            node,
            w_shape,
            w,
            b,
            nhwc,
        });
    }
    out
}

/// `conv(x, W·s, b')`.
fn new_conv(eg: &mut FGraph, p: &ConvParts, s: &[f64], bias: &[f64]) -> Option<Id> {
    let c = p.w_shape[0] as usize;
    if s.len() != c || bias.len() != c {
        return None;
    }
    let per = p.w.len() / c;
    let w: Vec<f32> =
        p.w.iter()
            .enumerate()
            .map(|(i, &v)| (v as f64 * s[i / per.max(1)]) as f32)
            .collect();
    let b: Vec<f32> = bias.iter().map(|&v| v as f32).collect();
    let wid = f32_const(eg, p.w_shape.clone(), &w);
    let bid = f32_const(eg, vec![c as i64], &b);
    add_key(eg, FNode::new(p.node.key, vec![p.node.args[0], wid, bid]))
}

fn conv_bn_fold(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    if n.args.len() != 5 || eg.analysis.attr_i64(n.key, "training_mode").unwrap_or(0) != 0 {
        return vec![];
    }
    let eps = eg
        .analysis
        .attr_f64(n.key, "epsilon")
        .unwrap_or(1e-5f32 as f64);
    let params: Option<Vec<Vec<f32>>> = n.args[1..].iter().map(|&a| konst_f32s(eg, a)).collect();
    let Some(params) = params else {
        return vec![];
    };
    let mut out = Vec::new();
    for p in conv_in(eg, n.args[0]) {
        let c = p.w_shape[0] as usize;
        // BatchNormalization's channels are dim 1: an NHWC conv's are last.
        if p.nhwc || params.iter().any(|v| v.len() != c) {
            continue;
        }
        let (g, beta, mean, var) = (&params[0], &params[1], &params[2], &params[3]);
        let s: Vec<f64> = (0..c)
            .map(|i| g[i] as f64 / (var[i] as f64 + eps).sqrt())
            .collect();
        let bias: Vec<f64> = (0..c)
            .map(|i| {
                let b = p.b.as_ref().map_or(0.0, |b| b[i] as f64);
                (b - mean[i] as f64) * s[i] + beta[i] as f64
            })
            .collect();
        out.extend(new_conv(eg, &p, &s, &bias));
    }
    out
}

/// `(conv operand, constant operand)` pairs of a commutative binary node.
fn with_const(eg: &FGraph, n: &FNode) -> Vec<(Id, Id)> {
    let mut v = Vec::new();
    if konst(eg, n.args[1]).is_some() {
        v.push((n.args[0], n.args[1]));
    }
    if konst(eg, n.args[0]).is_some() {
        v.push((n.args[1], n.args[0]));
    }
    v
}

fn conv_mul_fold(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (x, c) in with_const(eg, n) {
        for p in conv_in(eg, x) {
            let Some((s, _)) = shape(eg, x) else { continue };
            let Some(f) = per_channel(eg, c, s.len(), p.channel_axis(s.len()), p.w_shape[0]) else {
                continue;
            };
            let f: Vec<f64> = f.iter().map(|&v| v as f64).collect();
            let bias: Vec<f64> = (0..f.len())
                .map(|i| p.b.as_ref().map_or(0.0, |b| b[i] as f64) * f[i])
                .collect();
            if p.b.is_none() {
                // Keep the bias absent: a zero bias times anything is zero.
                let c = p.w_shape[0] as usize;
                let per = p.w.len() / c;
                let w: Vec<f32> =
                    p.w.iter()
                        .enumerate()
                        .map(|(i, &v)| (v as f64 * f[i / per.max(1)]) as f32)
                        .collect();
                let wid = f32_const(eg, p.w_shape.clone(), &w);
                out.extend(add_key(
                    eg,
                    FNode::new(p.node.key, vec![p.node.args[0], wid]),
                ));
            } else {
                out.extend(new_conv(eg, &p, &f, &bias));
            }
        }
    }
    out
}

fn conv_add_fold(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (x, c) in with_const(eg, n) {
        for p in conv_in(eg, x) {
            let Some((s, _)) = shape(eg, x) else { continue };
            let Some(f) = per_channel(eg, c, s.len(), p.channel_axis(s.len()), p.w_shape[0]) else {
                continue;
            };
            let ones = vec![1.0; f.len()];
            let bias: Vec<f64> = (0..f.len())
                .map(|i| p.b.as_ref().map_or(0.0, |b| b[i] as f64) + f[i] as f64)
                .collect();
            out.extend(new_conv(eg, &p, &ones, &bias));
        }
    }
    out
}

fn matmul_mul_fold(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for (x, c) in with_const(eg, n) {
        if eg[x].data.uses > 1 {
            continue;
        }
        for m in ops_in(eg, x, "flow.matmul") {
            let Some((ws, _)) = shape(eg, m.args[1]) else {
                continue;
            };
            let Some(w) = konst_f32s(eg, m.args[1]) else {
                continue;
            };
            let Some((s, _)) = shape(eg, x) else { continue };
            if ws.len() != 2 || s.len() < 2 {
                continue;
            }
            let Some(f) = per_channel(eg, c, s.len(), s.len() - 1, ws[1]) else {
                continue;
            };
            let cols = ws[1] as usize;
            let w2: Vec<f32> = w
                .iter()
                .enumerate()
                .map(|(i, &v)| (v as f64 * f[i % cols] as f64) as f32)
                .collect();
            let wid = f32_const(eg, ws.clone(), &w2);
            out.extend(add_op(eg, "flow.matmul", &[], &[m.args[0], wid]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal};

    #[test]
    fn const_fold() {
        assert_equal(
            "const-fold",
            "() -> (tensor<2xf32>, tensor<2xf32>) {
               %a = \"flow.constant\"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
               %b = \"flow.constant\"() {value = dense<[3.0, 5.0]> : tensor<2xf32>} : () -> tensor<2xf32>
               %0 = \"flow.add\"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
               %1 = \"flow.constant\"() {value = dense<[4.0, 7.0]> : tensor<2xf32>} : () -> tensor<2xf32>
               return %0, %1 : tensor<2xf32>, tensor<2xf32>",
        );
        // An argument is not a constant.
        assert_not_equal(
            "const-fold",
            "(%a: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
               %b = \"flow.constant\"() {value = dense<[3.0, 5.0]> : tensor<2xf32>} : () -> tensor<2xf32>
               %0 = \"flow.add\"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
               %1 = \"flow.constant\"() {value = dense<[4.0, 7.0]> : tensor<2xf32>} : () -> tensor<2xf32>
               return %0, %1 : tensor<2xf32>, tensor<2xf32>",
        );
    }

    #[test]
    fn folds_into_nhwc_convs() {
        // NHWC: the per-channel factor broadcasts along the last dim.
        assert_equal(
            "conv-mul-fold",
            "(%x: tensor<1x3x3x2xf32>) -> (tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>) {
               %w = \"flow.constant\"() {value = dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %c = \"flow.constant\"() {value = dense<[2.0, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
               %w2 = \"flow.constant\"() {value = dense<[[[[2.0]], [[4.0]]], [[[1.5]], [[2.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %k = \"flow.conv\"(%x, %w) {layout = \"NHWC\"} : (tensor<1x3x3x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x3x3x2xf32>
               %0 = \"flow.mul\"(%k, %c) : (tensor<1x3x3x2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
               %1 = \"flow.conv\"(%x, %w2) {layout = \"NHWC\"} : (tensor<1x3x3x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x3x3x2xf32>
               return %0, %1 : tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>",
        );
        // A [2, 1, 1] factor is per H row in NHWC (H = 2 = M here): not per channel.
        assert_not_equal(
            "conv-mul-fold",
            "(%x: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
               %w = \"flow.constant\"() {value = dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %c = \"flow.constant\"() {value = dense<[[[2.0]], [[0.5]]]> : tensor<2x1x1xf32>} : () -> tensor<2x1x1xf32>
               %w2 = \"flow.constant\"() {value = dense<[[[[2.0]], [[4.0]]], [[[1.5]], [[2.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %k = \"flow.conv\"(%x, %w) {layout = \"NHWC\"} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
               %0 = \"flow.mul\"(%k, %c) : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
               %1 = \"flow.conv\"(%x, %w2) {layout = \"NHWC\"} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
               return %0, %1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>",
        );
        // BatchNormalization normalizes dim 1 (H of an NHWC conv): never folded.
        assert_not_equal(
            "conv-bn-fold",
            "(%x: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
               %w = \"flow.constant\"() {value = dense<1.0> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %g = \"flow.constant\"() {value = dense<[2.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
               %z = \"flow.constant\"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
               %o = \"flow.constant\"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
               %w2 = \"flow.constant\"() {value = dense<[[[[2.0]], [[2.0]]], [[[3.0]], [[3.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %k = \"flow.conv\"(%x, %w) {layout = \"NHWC\"} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
               %0 = \"flow.batch_normalization\"(%k, %g, %z, %z, %o) {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
               %1 = \"flow.conv\"(%x, %w2, %z) {layout = \"NHWC\"} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
               return %0, %1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>",
        );
    }

    #[test]
    fn conv_bn_fold() {
        // s = 2 / sqrt(3 + 1) = 1; bias' = (0.5 - 1) * 1 + 0.25 = -0.25: W stays, b = -0.25.
        assert_equal(
            "conv-bn-fold",
            "(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
               %w = \"flow.constant\"() {value = dense<[[[[2.0]]]]> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
               %b = \"flow.constant\"() {value = dense<[0.5]> : tensor<1xf32>} : () -> tensor<1xf32>
               %c = \"flow.conv\"(%x, %w, %b) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
               %g = \"flow.constant\"() {value = dense<[2.0]> : tensor<1xf32>} : () -> tensor<1xf32>
               %be = \"flow.constant\"() {value = dense<[0.25]> : tensor<1xf32>} : () -> tensor<1xf32>
               %m = \"flow.constant\"() {value = dense<[1.0]> : tensor<1xf32>} : () -> tensor<1xf32>
               %v = \"flow.constant\"() {value = dense<[3.0]> : tensor<1xf32>} : () -> tensor<1xf32>
               %0 = \"flow.batch_normalization\"(%c, %g, %be, %m, %v) {epsilon = 1.0 : f32} : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
               %b2 = \"flow.constant\"() {value = dense<[-0.25]> : tensor<1xf32>} : () -> tensor<1xf32>
               %1 = \"flow.conv\"(%x, %w, %b2) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
               return %0, %1 : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>",
        );
    }

    #[test]
    fn conv_mul_add_fold() {
        assert_equal(
            "conv-mul-fold",
            "(%x: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
               %w = \"flow.constant\"() {value = dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %c = \"flow.conv\"(%x, %w) : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
               %k = \"flow.constant\"() {value = dense<[[[2.0]], [[0.5]]]> : tensor<2x1x1xf32>} : () -> tensor<2x1x1xf32>
               %0 = \"flow.mul\"(%c, %k) : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
               %w2 = \"flow.constant\"() {value = dense<[[[[2.0]], [[4.0]]], [[[1.5]], [[2.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
               %1 = \"flow.conv\"(%x, %w2) : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
               return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>",
        );
        assert_equal(
            "conv-add-fold",
            "(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
               %w = \"flow.constant\"() {value = dense<[[[[2.0]]]]> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
               %c = \"flow.conv\"(%x, %w) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
               %k = \"flow.constant\"() {value = dense<1.5> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.add\"(%k, %c) : (tensor<f32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
               %b = \"flow.constant\"() {value = dense<[1.5]> : tensor<1xf32>} : () -> tensor<1xf32>
               %1 = \"flow.conv\"(%x, %w, %b) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
               return %0, %1 : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>",
        );
        // A constant that varies along H is not per channel.
        assert_not_equal(
            "conv-add-fold",
            "(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
               %w = \"flow.constant\"() {value = dense<[[[[2.0]]]]> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
               %c = \"flow.conv\"(%x, %w) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
               %k = \"flow.constant\"() {value = dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>} : () -> tensor<3x1xf32>
               %0 = \"flow.add\"(%c, %k) : (tensor<1x1x3x3xf32>, tensor<3x1xf32>) -> tensor<1x1x3x3xf32>
               %b = \"flow.constant\"() {value = dense<[1.0]> : tensor<1xf32>} : () -> tensor<1xf32>
               %1 = \"flow.conv\"(%x, %w, %b) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
               return %0, %1 : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>",
        );
    }

    #[test]
    fn matmul_mul_fold() {
        assert_equal(
            "matmul-mul-fold",
            "(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
               %w = \"flow.constant\"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
               %m = \"flow.matmul\"(%x, %w) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
               %k = \"flow.constant\"() {value = dense<[2.0, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
               %0 = \"flow.mul\"(%m, %k) : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
               %w2 = \"flow.constant\"() {value = dense<[[2.0, 1.0], [6.0, 2.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
               %1 = \"flow.matmul\"(%x, %w2) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
               return %0, %1 : tensor<3x2xf32>, tensor<3x2xf32>",
        );
    }
}
