//! Einsum, as the interpreter computes it (crates/flowc-interp/src/ops/linalg.rs `einsum`).
//!
//! The equation is a constant attribute: it is parsed at compile time (`...` expanded into
//! private labels, the implicit output of ellipsis labels then the labels seen once, in order)
//! into a loop nest over the output's labels, parallel over the leading ones, with a reduction
//! nest over the remaining labels in the interpreter's order (sorted). Each term is the product
//! of the operands left to right, added to an accumulator that starts at zero: integers wrap,
//! f16 / bf16 are rounded after every multiply and add, bool is `or` of `and`s.

use crate::OpCx;
use crate::builder::Elem;
use crate::common;
use flowc_ir::{Context, Diagnostic, Value};
use std::collections::BTreeMap;

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    if name != "flow.einsum" {
        return Ok(false);
    }
    einsum(ctx, cx)?;
    Ok(true)
}

/// The label of ellipsis dim `i` (outside the letters, as in the interpreter).
fn ell_label(i: usize) -> char {
    char::from_u32(0x10000 + i as u32).unwrap_or('?')
}

/// An operand's subscripts with `...` expanded to fit `rank`; `None` when they do not.
fn expand_term(s: &str, rank: usize) -> Option<Vec<char>> {
    let explicit = s.chars().filter(char::is_ascii_alphabetic).count();
    let labels: Vec<char> = match s.find("...") {
        Some(pos) => {
            let ell = rank.checked_sub(explicit)?;
            s[..pos]
                .chars()
                .chain((0..ell).map(ell_label))
                .chain(s[pos + 3..].chars())
                .collect()
        }
        None => s.chars().collect(),
    };
    let ok = labels
        .iter()
        .all(|c| c.is_ascii_alphabetic() || *c as u32 >= 0x10000);
    (ok && labels.len() == rank).then_some(labels)
}

fn einsum(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let eq: String = cx
        .attr_str(ctx, "equation")
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l.to_string(), Some(r.to_string())),
        None => (eq.clone(), None),
    };
    let parts: Vec<&str> = lhs.split(',').collect();
    let n_in = ctx.num_operands(cx.op);
    if parts.len() != n_in {
        return Err(cx.unsupported(
            ctx,
            format!("equation '{eq}' with {} operands on {n_in}", parts.len()),
        ));
    }
    let e = cx.operand_elem(ctx, 0)?;
    for i in 1..n_in {
        if cx.operand_elem(ctx, i)? != e {
            return Err(cx.unsupported(ctx, "operands of different element types"));
        }
    }
    let shapes: Vec<Vec<i64>> = (0..n_in).map(|i| cx.operand_shape(ctx, i)).collect();
    let mut terms = Vec::new();
    let mut dims: BTreeMap<char, i64> = BTreeMap::new();
    let mut ell_rank = 0usize;
    for (p, s) in parts.iter().zip(&shapes) {
        let term = expand_term(p, s.len()).ok_or_else(|| {
            cx.unsupported(
                ctx,
                format!("subscripts '{p}' on an operand of rank {}", s.len()),
            )
        })?;
        for (&c, &d) in term.iter().zip(s) {
            if c as u32 >= 0x10000 {
                ell_rank = ell_rank.max((c as u32 - 0x10000 + 1) as usize);
            }
            if let Some(&old) = dims.get(&c)
                && old != d
            {
                return Err(cx.unsupported(
                    ctx,
                    format!("label '{c}' of sizes {old} and {d} (broadcasting)"),
                ));
            }
            dims.insert(c, d);
        }
        terms.push(term);
    }
    let out_labels: Vec<char> = match rhs {
        Some(r) => {
            let rank = r.chars().filter(char::is_ascii_alphabetic).count()
                + if r.contains("...") { ell_rank } else { 0 };
            expand_term(&r, rank)
                .ok_or_else(|| cx.unsupported(ctx, format!("output subscripts '{r}'")))?
        }
        None => {
            let mut counts: BTreeMap<char, usize> = BTreeMap::new();
            for t in &terms {
                for &c in t {
                    *counts.entry(c).or_insert(0) += 1;
                }
            }
            (0..ell_rank)
                .map(ell_label)
                .chain(
                    counts
                        .iter()
                        .filter(|(c, k)| **k == 1 && c.is_ascii_alphabetic())
                        .map(|(c, _)| *c),
                )
                .collect()
        }
    };
    if let Some(c) = out_labels.iter().find(|c| !dims.contains_key(c)) {
        return Err(cx.unsupported(ctx, format!("output label '{c}' absent from the inputs")));
    }
    // Output labels first, then the summed ones in sorted order.
    let mut all = out_labels.clone();
    all.extend(dims.keys().filter(|c| !out_labels.contains(c)));
    let out_shape: Vec<i64> = out_labels.iter().map(|c| dims[c]).collect();
    if out_shape != cx.result_shape(ctx, 0) {
        return Err(cx.unsupported(ctx, "a result shape that disagrees with the equation"));
    }
    let sum_shape: Vec<i64> = all[out_labels.len()..].iter().map(|c| dims[c]).collect();
    // Each operand dim reads the loop index of its label.
    let pos: Vec<Vec<usize>> = terms
        .iter()
        .map(|t| {
            t.iter()
                .map(|c| all.iter().position(|a| a == c).unwrap_or(0))
                .collect()
        })
        .collect();
    let mut args: Vec<Value> = (0..n_in)
        .map(|i| cx.input(ctx, i))
        .collect::<Result<_, _>>()?;
    let y = cx.output(ctx, 0)?;
    if out_shape.contains(&0) {
        return Ok(());
    }
    args.push(y);
    let npar = out_shape.len().min(2);
    cx.kernel(ctx, "einsum", &args, |kb, a| {
        let (ins, y) = a.split_at(n_in);
        let y = y[0];
        common::par_nest(kb, &out_shape, npar, &mut |kb, oidx| {
            let ct = e.compute_type(kb.ctx);
            let zero = kb.constant(ct, 0.0);
            let oidx = oidx.to_vec();
            let acc = common::acc_nest(kb, &sum_shape, &[zero], &mut |kb, sidx, acc| {
                let mut idx = oidx.clone();
                idx.extend_from_slice(sidx);
                let mut prod: Option<Value> = None;
                for (k, &m) in ins.iter().enumerate() {
                    let at: Vec<Value> = pos[k].iter().map(|&p| idx[p]).collect();
                    let v = kb.load_elem(e, m, &at);
                    prod = Some(match prod {
                        None => v,
                        Some(p) => mul(kb, e, p, v),
                    });
                }
                let prod = prod.unwrap_or_else(|| kb.constant(ct, 1.0));
                vec![add(kb, e, acc[0], prod)]
            });
            kb.store_elem(e, acc[0], y, &oidx);
        });
        Ok(())
    })
}

fn mul(kb: &mut crate::builder::Kb<'_>, e: Elem, a: Value, b: Value) -> Value {
    let r = match e {
        Elem::Float(_) => kb.binary("arith.mulf", a, b),
        Elem::Int { .. } => kb.binary("arith.muli", a, b),
        Elem::Bool => kb.binary("arith.andi", a, b),
    };
    common::round(kb, e, r)
}

fn add(kb: &mut crate::builder::Kb<'_>, e: Elem, a: Value, b: Value) -> Value {
    let r = match e {
        Elem::Float(_) => kb.binary("arith.addf", a, b),
        Elem::Int { .. } => kb.binary("arith.addi", a, b),
        Elem::Bool => kb.binary("arith.ori", a, b),
    };
    common::round(kb, e, r)
}
