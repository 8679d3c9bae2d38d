//! `fast-math` (off by default; `rules=...,fast-math`): rewrites that change rounding. Each is
//! within a few ulps per application, but they compound, so they are opt-in.
//!
//! | rule | rewrite |
//! | --- | --- |
//! | `mul-const-assoc` | `(x * c1) * c2` -> `x * (c1 * c2)` (the constant product folds) |
//! | `div-const-recip` | `x / c` -> `x * (1 / c)` for a float constant `c` |

use super::{RuleSet::FastMath, add_op, is_float, konst, ops_in};
use crate::lang::{FGraph, FNode};
use crate::rules::Rule;
use egg::Id;

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: FastMath,
        root,
        apply,
    };
    vec![
        r("mul-const-assoc", "flow.mul", mul_const_assoc),
        r("div-const-recip", "flow.div", div_const_recip),
    ]
}

fn mul_const_assoc(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let c2 = n.args[1];
    if konst(eg, c2).is_none() || !is_float(eg, c2) {
        return vec![];
    }
    let mut out = Vec::new();
    for m in ops_in(eg, n.args[0], "flow.mul") {
        let (x, c1) = (m.args[0], m.args[1]);
        if konst(eg, c1).is_none() || konst(eg, x).is_some() {
            continue;
        }
        if let Some(c) = add_op(eg, "flow.mul", &[], &[c1, c2]) {
            out.extend(add_op(eg, "flow.mul", &[], &[x, c]));
        }
    }
    out
}

fn div_const_recip(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let c = n.args[1];
    if konst(eg, c).is_none() || !is_float(eg, c) {
        return vec![];
    }
    match add_op(eg, "flow.reciprocal", &[], &[c]) {
        Some(r) => add_op(eg, "flow.mul", &[], &[n.args[0], r])
            .into_iter()
            .collect(),
        None => vec![],
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_equal;

    #[test]
    fn mul_const_assoc() {
        assert_equal(
            "mul-const-assoc",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %a = \"flow.constant\"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
               %b = \"flow.constant\"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.mul\"(%x, %a) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               %1 = \"flow.mul\"(%0, %b) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               %ab = \"flow.mul\"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32>
               %2 = \"flow.mul\"(%x, %ab) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               return %1, %2 : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn div_const_recip() {
        assert_equal(
            "div-const-recip",
            "(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %a = \"flow.constant\"() {value = dense<4.0> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.div\"(%x, %a) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               %r = \"flow.reciprocal\"(%a) : (tensor<f32>) -> tensor<f32>
               %1 = \"flow.mul\"(%x, %r) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
    }
}
