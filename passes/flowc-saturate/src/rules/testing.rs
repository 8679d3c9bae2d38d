//! Unit-test helpers: a function in text form whose two results are a start term and a goal
//! term; saturating with one rule must (or must not) put them in one class.

use crate::graph::{import, new_graph};
use crate::lang::FGraph;
use crate::rules::all_rules;
use egg::{Id, Rewrite, Runner};
use flowc_ir::Context;

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_flow::dialect());
    ctx
}

/// Saturates `func.func @t<signature_and_body>` with the rule named `rule` (none for `""`);
/// whether its two results ended in one class.
pub fn equal_after(rule: &str, text: &str) -> bool {
    let mut ctx = context();
    let src = format!("func.func @t{text}\n}}\n");
    let module = flowc_ir::parser::parse_source(&mut ctx, &src, "t.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(&ctx)));
    let body = ctx
        .region_entry(ctx.region(module, 0))
        .expect("module body");
    let func = ctx.block_ops(body).next().expect("a function");
    let block = ctx
        .region_entry(ctx.region(func, 0))
        .expect("function body");
    let ret = ctx.block_last_op(block).expect("return");
    let (a, b) = (ctx.operand(ret, 0), ctx.operand(ret, 1));
    let mut eg = new_graph(ctx, false);
    let imp = import(&mut eg, block);
    let rws: Vec<Rewrite<_, _>> = crate::rules::rewrites_where(|r| r.name == rule);
    assert!(rule.is_empty() || rws.len() == 1, "no rule named {rule}");
    assert!(all_rules().iter().filter(|r| r.name == rule).count() <= 1);
    let runner = Runner::default()
        .with_egraph(eg)
        .with_iter_limit(8)
        .with_node_limit(10_000)
        .run(&rws);
    let eg = runner.egraph;
    eg.find(imp.value_class[&a]) == eg.find(imp.value_class[&b])
}

#[track_caller]
pub fn assert_equal(rule: &str, text: &str) {
    assert!(
        equal_after(rule, text),
        "{rule}: the two results are not equal"
    );
}

#[track_caller]
pub fn assert_not_equal(rule: &str, text: &str) {
    assert!(
        !equal_after(rule, text),
        "{rule}: the two results were made equal"
    );
}

/// Saturates with the fusion rules; the longest fused body in the class of the first result
/// must have `ops` ops (0: no fused node at all).
#[track_caller]
pub fn assert_fused(text: &str, ops: usize) {
    let longest = longest_fused(text, &["ew-fuse", "ew-fuse-into"]).len();
    assert_eq!(longest, ops, "longest fused body");
}

/// Saturates with the rules named `rules`; the op names (without `flow.`) of the longest fused
/// body in the class of the first result (empty: none; the first in order of ties).
pub fn longest_fused(text: &str, rules: &[&str]) -> Vec<String> {
    let bodies = fused_bodies(text, rules);
    let n = bodies.iter().map(Vec::len).max().unwrap_or(0);
    bodies
        .into_iter()
        .find(|b| b.len() == n)
        .unwrap_or_default()
}

/// `func.func @t<text>` saturated with the rules named `rules` (8 iterations at most): the
/// e-graph and the class of the function's first result.
fn saturated_first_result(text: &str, rules: &[&str]) -> (FGraph, Id) {
    let mut ctx = context();
    let src = format!("func.func @t{text}\n}}\n");
    let module = flowc_ir::parser::parse_source(&mut ctx, &src, "t.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(&ctx)));
    let body = ctx
        .region_entry(ctx.region(module, 0))
        .expect("module body");
    let func = ctx.block_ops(body).next().expect("a function");
    let block = ctx
        .region_entry(ctx.region(func, 0))
        .expect("function body");
    let ret = ctx.block_last_op(block).expect("return");
    let a = ctx.operand(ret, 0);
    let mut eg = new_graph(ctx, false);
    let imp = import(&mut eg, block);
    let rws = crate::rules::rewrites_where(|r| rules.contains(&r.name));
    let runner = Runner::default()
        .with_egraph(eg)
        .with_iter_limit(8)
        .run(&rws);
    let eg = runner.egraph;
    let c = eg.find(imp.value_class[&a]);
    (eg, c)
}

/// The op names (without `flow.`) of a fused kernel node's body; `None` for other nodes.
fn fused_ops(eg: &FGraph, n: &crate::lang::FNode) -> Option<Vec<String>> {
    match eg.analysis.key(n.key) {
        crate::lang::KeyData::Fused(b) => Some(
            b.ops
                .iter()
                .map(|(k, _, _)| {
                    let name = eg.analysis.op_name(*k).unwrap_or("?");
                    name.trim_start_matches("flow.").to_string()
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Saturates with the rules named `rules`; the op names of every fused body in the class of
/// the first result, sorted.
pub fn fused_bodies(text: &str, rules: &[&str]) -> Vec<Vec<String>> {
    let (eg, c) = saturated_first_result(text, rules);
    let mut v: Vec<Vec<String>> = eg[c]
        .nodes
        .iter()
        .filter_map(|n| fused_ops(&eg, n))
        .collect();
    v.sort();
    v
}

/// Saturates with the rules named `rules`; the nodes of the first result's class, sorted: op
/// names, `fused[ops]` for fused kernels, and for a transpose of a fused kernel
/// `flow.transpose(fused[ops] SHAPE)` with the kernel's shape (the layout rules' view).
pub fn class_ops(text: &str, rules: &[&str]) -> Vec<String> {
    let (eg, c) = saturated_first_result(text, rules);
    let fused =
        |n: &crate::lang::FNode| fused_ops(&eg, n).map(|ops| format!("fused[{}]", ops.join(", ")));
    let mut v: Vec<String> = eg[c]
        .nodes
        .iter()
        .filter_map(|n| {
            if let Some(f) = fused(n) {
                return Some(f);
            }
            let name = eg.analysis.op_name(n.key)?.to_string();
            if name == "flow.transpose"
                && let Some(inner) = eg[n.args[0]].nodes.iter().find_map(fused)
            {
                let dims = crate::rules::shape(&eg, n.args[0])
                    .map(|(s, _)| {
                        s.iter()
                            .map(|d| d.to_string())
                            .collect::<Vec<_>>()
                            .join("x")
                    })
                    .unwrap_or_default();
                return Some(format!("{name}({inner} {dims})"));
            }
            Some(name)
        })
        .collect();
    v.sort();
    v.dedup();
    v
}
