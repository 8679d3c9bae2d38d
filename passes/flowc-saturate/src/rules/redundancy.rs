//! `redundancy`: rewrites that remove work without changing a single bit of any result.
//!
//! Equal subgraphs need no rule: the e-graph hash-conses them (same op, attributes and operand
//! classes), which is CSE through every rewrite.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `identity-elim` | `identity(x)` -> `x` |
//! | `dropout-elim` | `dropout(x)` -> `x` (inference: no `training_mode`, or a constant false one) |
//! | `cast-noop` | `cast(x)` to `x`'s own element type -> `x` |
//! | `cast-like-noop` | `cast_like(x, y)` with `y` of `x`'s element type -> `x` (ONNX function bodies, e.g. expanded GELU, cast every constant so) |
//! | `sum-as-add` | `sum(x)` -> `x`, `sum(a, b)` -> `a + b` (the elementwise kernels fuse `add`) |
//! | `pad-noop` | `pad(x, pads)` with constant all-zero pads -> `x` |
//! | `slice-noop` | `slice(x, ...)` with steps 1 whose static result type is `x`'s -> `x` |
//! | `view-noop` | reshape / flatten / squeeze / unsqueeze whose static result type is `x`'s -> `x` |
//! | `view-compose` | a view of a view -> one `reshape` to the static result shape |
//! | `transpose-compose` | `transpose(transpose(x, p), q)` -> `transpose(x, p∘q)` |
//! | `transpose-identity` | `transpose(x, identity)` -> `x` |
//! | `add-zero` | `x + 0`, `0 + x` -> `x` (only the sign of a zero result may change: `-0 + 0 = +0`) |
//! | `sub-zero` | `x - 0` -> `x` (`+0` only: exact) |
//! | `mul-one` | `x * 1`, `1 * x` -> `x` |
//! | `div-one` | `x / 1` -> `x` |
//! | `neg-neg` | `-(-x)` -> `x` |
//!
//! A right-hand side whose type differs from the matched class's (a broadcasting `x + 0` that
//! widens `x`, a cast that changes the type) is dropped by the applier, so the rules need not
//! check it.

use super::{
    RuleSet::Redundancy, add_op, i64_const, konst, konst_all, konst_i64s, konst_pos_zero, ops_in,
    shape,
};
use crate::cost::is_view;
use crate::lang::{FGraph, FNode};
use crate::rules::Rule;
use egg::Id;

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: Redundancy,
        root,
        apply,
    };
    vec![
        r("identity-elim", "flow.identity", first_operand),
        r("dropout-elim", "flow.dropout", dropout_elim),
        r("cast-noop", "flow.cast", first_operand),
        r("cast-like-noop", "flow.cast_like", first_operand),
        r("sum-as-add", "flow.sum", sum_as_add),
        r("pad-noop", "flow.pad", pad_noop),
        r("slice-noop", "flow.slice", slice_noop),
        r("view-noop", "*", view_noop),
        r("view-compose", "*", view_compose),
        r("transpose-compose", "flow.transpose", transpose_compose),
        r("transpose-identity", "flow.transpose", transpose_identity),
        r("add-zero", "flow.add", add_zero),
        r("sub-zero", "flow.sub", sub_zero),
        r("mul-one", "flow.mul", mul_one),
        r("div-one", "flow.div", div_one),
        r("neg-neg", "flow.neg", neg_neg),
    ]
}

/// `op(x, ...)` -> `x` (the applier keeps it only when the types agree).
fn first_operand(_: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    n.args.first().copied().into_iter().collect()
}

fn sum_as_add(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    match n.args[..] {
        [x] => vec![x],
        [a, b] => add_op(eg, "flow.add", &[], &[a, b]).into_iter().collect(),
        _ => vec![],
    }
}

fn dropout_elim(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    // Operands: data, ratio, training_mode.
    if let Some(&t) = n.args.get(2) {
        let is_none = super::ty(eg, t)
            .is_some_and(|t| matches!(eg.analysis.ctx.type_data(t), flowc_ir::TypeData::None));
        if !is_none && !konst_all(eg, t, 0.0) {
            return vec![];
        }
    }
    vec![n.args[0]]
}

fn static_shape(eg: &FGraph, id: Id) -> Option<Vec<i64>> {
    shape(eg, id)
        .map(|(s, _)| s)
        .filter(|s| s.iter().all(|&d| d >= 0))
}

fn pad_noop(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    match n.args.get(1).and_then(|&p| konst_i64s(eg, p)) {
        Some(p) if p.iter().all(|&v| v == 0) => vec![n.args[0]],
        _ => vec![],
    }
}

fn slice_noop(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let x = n.args[0];
    // Operands: data, starts, ends, axes, steps.
    if let Some(&s) = n.args.get(4) {
        match konst_i64s(eg, s) {
            Some(v) if v.iter().all(|&x| x == 1) => {}
            _ => return vec![],
        }
    }
    match (static_shape(eg, x), static_shape(eg, class)) {
        (Some(a), Some(b)) if a == b => vec![x],
        _ => vec![],
    }
}

fn view_noop(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let name = eg.analysis.op_name(n.key).unwrap_or("");
    if !is_view(name) || name == "flow.identity" {
        return vec![];
    }
    let x = n.args[0];
    match (static_shape(eg, x), static_shape(eg, class)) {
        (Some(a), Some(b)) if a == b => vec![x],
        _ => vec![],
    }
}

fn view_compose(eg: &mut FGraph, class: Id, n: &FNode) -> Vec<Id> {
    let name = eg.analysis.op_name(n.key).unwrap_or("");
    if !is_view(name) || name == "flow.identity" {
        return vec![];
    }
    let Some(out) = static_shape(eg, class) else {
        return vec![];
    };
    if out.contains(&0) {
        return vec![];
    }
    let inner: Vec<FNode> = eg[n.args[0]]
        .nodes
        .iter()
        .filter(|m| {
            eg.analysis
                .op_name(m.key)
                .is_some_and(|k| is_view(k) && k != "flow.identity")
        })
        .cloned()
        .collect();
    let mut out_ids = Vec::new();
    for m in inner {
        let x = m.args[0];
        let s = i64_const(eg, &out);
        if let Some(id) = add_op(eg, "flow.reshape", &[], &[x, s]) {
            out_ids.push(id);
        }
    }
    out_ids
}

/// The permutation of a transpose node (ONNX's default: reversed dims).
fn perm(eg: &FGraph, n: &FNode) -> Option<Vec<i64>> {
    if let Some(p) = eg.analysis.attr_ints(n.key, "perm") {
        return Some(p);
    }
    let (s, _) = shape(eg, n.args[0])?;
    Some((0..s.len() as i64).rev().collect())
}

fn transpose_compose(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let Some(q) = perm(eg, n) else {
        return vec![];
    };
    let mut out = Vec::new();
    for m in ops_in(eg, n.args[0], "flow.transpose") {
        let Some(p) = perm(eg, &m) else { continue };
        if p.len() != q.len() || q.iter().any(|&i| i < 0 || i as usize >= p.len()) {
            continue;
        }
        // out[i] = inner[q[i]] = x[p[q[i]]].
        let composed: Vec<i64> = q.iter().map(|&i| p[i as usize]).collect();
        let x = m.args[0];
        if composed.iter().enumerate().all(|(i, &v)| v == i as i64) {
            out.push(x);
            continue;
        }
        let attr = eg.analysis.ctx.dense_i64_array_attr(&composed);
        if let Some(id) = add_op(eg, "flow.transpose", &[("perm", attr)], &[x]) {
            out.push(id);
        }
    }
    out
}

fn transpose_identity(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    match perm(eg, n) {
        Some(p) if p.iter().enumerate().all(|(i, &v)| v == i as i64) => vec![n.args[0]],
        _ => vec![],
    }
}

fn add_zero(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    if konst(eg, n.args[1]).is_some() && konst_all(eg, n.args[1], 0.0) {
        out.push(n.args[0]);
    }
    if konst(eg, n.args[0]).is_some() && konst_all(eg, n.args[0], 0.0) {
        out.push(n.args[1]);
    }
    out
}

fn sub_zero(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    if konst_pos_zero(eg, n.args[1]) {
        vec![n.args[0]]
    } else {
        vec![]
    }
}

fn mul_one(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    if konst_all(eg, n.args[1], 1.0) {
        out.push(n.args[0]);
    }
    if konst_all(eg, n.args[0], 1.0) {
        out.push(n.args[1]);
    }
    out
}

fn div_one(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    if konst_all(eg, n.args[1], 1.0) {
        vec![n.args[0]]
    } else {
        vec![]
    }
}

fn neg_neg(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    ops_in(eg, n.args[0], "flow.neg")
        .into_iter()
        .map(|m| m.args[0])
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal};

    #[test]
    fn identity_elim() {
        assert_equal(
            "identity-elim",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.identity\"(%x) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn dropout_elim() {
        assert_equal(
            "dropout-elim",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.dropout\"(%x) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
        assert_not_equal(
            "dropout-elim",
            "(%x: tensor<4xf32>, %t: tensor<i1>) -> (tensor<4xf32>, tensor<4xf32>) {
               %r = \"flow.constant\"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.dropout\"(%x, %r, %t) : (tensor<4xf32>, tensor<f32>, tensor<i1>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn cast_noop() {
        assert_equal(
            "cast-noop",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.cast\"(%x) {to = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
        assert_not_equal(
            "cast-noop",
            "(%x: tensor<4xf32>) -> (tensor<4xf16>, tensor<4xf32>) {
               %0 = \"flow.cast\"(%x) {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
               return %0, %x : tensor<4xf16>, tensor<4xf32>",
        );
    }

    #[test]
    fn cast_like_noop() {
        assert_equal(
            "cast-like-noop",
            "(%x: tensor<f32>, %y: tensor<4xf32>) -> (tensor<f32>, tensor<f32>) {
               %0 = \"flow.cast_like\"(%x, %y) : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
               return %0, %x : tensor<f32>, tensor<f32>",
        );
        assert_not_equal(
            "cast-like-noop",
            "(%x: tensor<f32>, %y: tensor<4xf16>) -> (tensor<f16>, tensor<f32>) {
               %0 = \"flow.cast_like\"(%x, %y) : (tensor<f32>, tensor<4xf16>) -> tensor<f16>
               return %0, %x : tensor<f16>, tensor<f32>",
        );
    }

    #[test]
    fn sum_as_add() {
        assert_equal(
            "sum-as-add",
            "(%a: tensor<f32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.sum\"(%a, %b) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.add\"(%a, %b) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
        // Three operands: the order of the additions is the op's, not rewritten.
        assert_not_equal(
            "sum-as-add",
            "(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.sum\"(%a, %b, %c) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %s = \"flow.add\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.add\"(%s, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn pad_noop() {
        assert_equal(
            "pad-noop",
            "(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
               %p = \"flow.constant\"() {value = dense<0> : tensor<4xi64>} : () -> tensor<4xi64>
               %0 = \"flow.pad\"(%x, %p) : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<2x3xf32>
               return %0, %x : tensor<2x3xf32>, tensor<2x3xf32>",
        );
    }

    #[test]
    fn slice_noop() {
        assert_equal(
            "slice-noop",
            "(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
               %s = \"flow.constant\"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
               %e = \"flow.constant\"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
               %a = \"flow.constant\"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
               %0 = \"flow.slice\"(%x, %s, %e, %a) : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
               return %0, %x : tensor<2x3xf32>, tensor<2x3xf32>",
        );
        // A reversing slice keeps the shape but is not a no-op.
        assert_not_equal(
            "slice-noop",
            "(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
               %s = \"flow.constant\"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
               %e = \"flow.constant\"() {value = dense<[-4]> : tensor<1xi64>} : () -> tensor<1xi64>
               %a = \"flow.constant\"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
               %st = \"flow.constant\"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
               %0 = \"flow.slice\"(%x, %s, %e, %a, %st) : (tensor<3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xf32>
               return %0, %x : tensor<3xf32>, tensor<3xf32>",
        );
    }

    #[test]
    fn view_noop_and_compose() {
        assert_equal(
            "view-noop",
            "(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
               %s = \"flow.constant\"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
               %0 = \"flow.reshape\"(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
               return %0, %x : tensor<2x3xf32>, tensor<2x3xf32>",
        );
        assert_equal(
            "view-compose",
            "(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
               %f = \"flow.flatten\"(%x) {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
               %s = \"flow.constant\"() {value = dense<[3, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
               %0 = \"flow.reshape\"(%f, %s) : (tensor<1x6xf32>, tensor<2xi64>) -> tensor<3x2xf32>
               %1 = \"flow.reshape\"(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
               return %0, %1 : tensor<3x2xf32>, tensor<3x2xf32>",
        );
    }

    #[test]
    fn transposes() {
        assert_equal(
            "transpose-compose",
            "(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
               %0 = \"flow.transpose\"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
               %1 = \"flow.transpose\"(%0) {perm = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
               return %1, %x : tensor<2x3x4xf32>, tensor<2x3x4xf32>",
        );
        assert_equal(
            "transpose-compose",
            "(%x: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<4x2x3xf32>) {
               %0 = \"flow.transpose\"(%x) {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
               %1 = \"flow.transpose\"(%0) {perm = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
               %2 = \"flow.transpose\"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
               return %1, %2 : tensor<4x2x3xf32>, tensor<4x2x3xf32>",
        );
        assert_equal(
            "transpose-identity",
            "(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
               %0 = \"flow.transpose\"(%x) {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
               return %0, %x : tensor<2x3xf32>, tensor<2x3xf32>",
        );
    }

    #[test]
    fn arithmetic_identities() {
        assert_equal(
            "add-zero",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %z = \"flow.constant\"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.add\"(%z, %x) : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
        // Broadcasting changes the type: not an identity.
        assert_not_equal(
            "add-zero",
            "(%x: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>) {
               %z = \"flow.constant\"() {value = dense<0.0> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
               %0 = \"flow.add\"(%x, %z) : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
               return %0, %x : tensor<2x4xf32>, tensor<4xf32>",
        );
        assert_equal(
            "sub-zero",
            "(%x: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
               %z = \"flow.constant\"() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
               %0 = \"flow.sub\"(%x, %z) : (tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
               return %0, %x : tensor<4xi32>, tensor<4xi32>",
        );
        assert_equal(
            "mul-one",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %o = \"flow.constant\"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
               %0 = \"flow.mul\"(%x, %o) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
        assert_not_equal(
            "mul-one",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %o = \"flow.constant\"() {value = dense<[1.0, 1.0, 2.0, 1.0]> : tensor<4xf32>} : () -> tensor<4xf32>
               %0 = \"flow.mul\"(%x, %o) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
        assert_equal(
            "div-one",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %o = \"flow.constant\"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.div\"(%x, %o) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               return %0, %x : tensor<4xf32>, tensor<4xf32>",
        );
        assert_equal(
            "neg-neg",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.neg\"(%x) : (tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.neg\"(%0) : (tensor<4xf32>) -> tensor<4xf32>
               return %1, %x : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn cse_by_hash_consing() {
        // No rule at all: equal ops are one class as soon as they are added.
        assert_equal(
            "",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.relu\"(%x) : (tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.relu\"(%x) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
    }
}
