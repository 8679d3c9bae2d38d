//! `algebra`: rewrites that are exact in IEEE floating point (and in integers): every result
//! bit is unchanged, NaNs stay NaNs. Nothing here reassociates or distributes (see
//! [`super::fast_math`]).
//!
//! | rule | rewrite | why exact |
//! | --- | --- | --- |
//! | `mul-neg-neg` | `(-a) * (-b)` -> `a * b` | negation flips the sign bit only; the product's sign is the xor |
//! | `add-neg` | `a + (-b)` -> `a - b`, `(-a) + b` -> `b - a` | IEEE defines `a - b` as `a + (-b)` |
//! | `sub-neg` | `a - (-b)` -> `a + b` | idem |
//! | `mul-neg-one` | `x * -1` -> `-x` | multiplication by -1 is exact |
//! | `relu-idem` | `relu(relu(x))` -> `relu(x)` | idempotent |
//! | `abs-idem` | `abs(abs(x))` -> `abs(x)`, `abs(-x)` -> `abs(x)` | sign bit cleared either way |

use super::{RuleSet::Algebra, add_op, konst_all, ops_in};
use crate::lang::{FGraph, FNode};
use crate::rules::Rule;
use egg::Id;

pub fn rules() -> Vec<Rule> {
    let r = |name, root, apply| Rule {
        name,
        set: Algebra,
        root,
        apply,
    };
    vec![
        r("mul-neg-neg", "flow.mul", mul_neg_neg),
        r("add-neg", "flow.add", add_neg),
        r("sub-neg", "flow.sub", sub_neg),
        r("mul-neg-one", "flow.mul", mul_neg_one),
        r("relu-idem", "flow.relu", relu_idem),
        r("abs-idem", "flow.abs", abs_idem),
    ]
}

fn negated(eg: &FGraph, id: Id) -> Vec<Id> {
    ops_in(eg, id, "flow.neg")
        .into_iter()
        .map(|m| m.args[0])
        .collect()
}

fn mul_neg_neg(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for a in negated(eg, n.args[0]) {
        for b in negated(eg, n.args[1]) {
            out.extend(add_op(eg, "flow.mul", &[], &[a, b]));
        }
    }
    out
}

fn add_neg(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for b in negated(eg, n.args[1]) {
        out.extend(add_op(eg, "flow.sub", &[], &[n.args[0], b]));
    }
    for a in negated(eg, n.args[0]) {
        out.extend(add_op(eg, "flow.sub", &[], &[n.args[1], a]));
    }
    out
}

fn sub_neg(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    for b in negated(eg, n.args[1]) {
        out.extend(add_op(eg, "flow.add", &[], &[n.args[0], b]));
    }
    out
}

fn mul_neg_one(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    if konst_all(eg, n.args[1], -1.0) {
        return add_op(eg, "flow.neg", &[], &[n.args[0]])
            .into_iter()
            .collect();
    }
    vec![]
}

fn relu_idem(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    if ops_in(eg, n.args[0], "flow.relu").is_empty() {
        vec![]
    } else {
        vec![n.args[0]]
    }
}

fn abs_idem(eg: &mut FGraph, _: Id, n: &FNode) -> Vec<Id> {
    let mut out = Vec::new();
    if !ops_in(eg, n.args[0], "flow.abs").is_empty() {
        out.push(n.args[0]);
    }
    for x in negated(eg, n.args[0]) {
        out.extend(add_op(eg, "flow.abs", &[], &[x]));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_equal, assert_not_equal};

    #[test]
    fn mul_neg_neg() {
        assert_equal(
            "mul-neg-neg",
            "(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %na = \"flow.neg\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               %nb = \"flow.neg\"(%b) : (tensor<4xf32>) -> tensor<4xf32>
               %0 = \"flow.mul\"(%na, %nb) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.mul\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn add_and_sub_of_neg() {
        assert_equal(
            "add-neg",
            "(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %nb = \"flow.neg\"(%b) : (tensor<4xf32>) -> tensor<4xf32>
               %0 = \"flow.add\"(%a, %nb) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.sub\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
        assert_equal(
            "sub-neg",
            "(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %nb = \"flow.neg\"(%b) : (tensor<4xf32>) -> tensor<4xf32>
               %0 = \"flow.sub\"(%a, %nb) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.add\"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn mul_neg_one() {
        assert_equal(
            "mul-neg-one",
            "(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %m = \"flow.constant\"() {value = dense<-1.0> : tensor<f32>} : () -> tensor<f32>
               %0 = \"flow.mul\"(%a, %m) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
               %1 = \"flow.neg\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
    }

    #[test]
    fn idempotent() {
        assert_equal(
            "relu-idem",
            "(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.relu\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.relu\"(%0) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
        assert_equal(
            "abs-idem",
            "(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %n = \"flow.neg\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               %0 = \"flow.abs\"(%n) : (tensor<4xf32>) -> tensor<4xf32>
               %1 = \"flow.abs\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %1 : tensor<4xf32>, tensor<4xf32>",
        );
        assert_not_equal(
            "relu-idem",
            "(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
               %0 = \"flow.relu\"(%a) : (tensor<4xf32>) -> tensor<4xf32>
               return %0, %a : tensor<4xf32>, tensor<4xf32>",
        );
    }
}
