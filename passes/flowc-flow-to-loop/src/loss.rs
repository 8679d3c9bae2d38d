//! NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, as the interpreter computes them
//! (crates/flowc-interp/src/ops/extra.rs `nll`, `softmax_cross_entropy`): in f64, rounded into
//! the element type after each step, sums sequential and in order.
//!
//! SoftmaxCrossEntropyLoss first writes the log-probabilities (its second result, or a scratch
//! buffer when that result is absent) in a kernel parallel over the batch; the loss kernel then
//! gathers `-logp[n, target, d...]`, weighted, and reduces it (one task) or stores it per element
//! (`reduction = "none"`: parallel over the batch). Targets are wrapped (negative from the end)
//! and clamped into range, where the interpreter reports an error.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common::{self, acc_nest};
use flowc_ir::{Context, Diagnostic, FloatKind, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let sce = match name {
        "flow.negative_log_likelihood_loss" => false,
        "flow.softmax_cross_entropy_loss" => true,
        _ => return Ok(false),
    };
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() {
        return Err(cx.unsupported(ctx, format!("element type {e:?}")));
    }
    let s = cx.operand_shape(ctx, 0);
    if s.len() < 2 {
        return Err(cx.unsupported(ctx, "an input of rank < 2"));
    }
    let (n, c) = (s[0], s[1]);
    let d: i64 = s[2..].iter().product();
    if !matches!(cx.operand_elem(ctx, 1)?, Elem::Int { .. }) {
        return Err(cx.unsupported(ctx, "a non-integer target"));
    }
    if cx.operand_shape(ctx, 1).iter().product::<i64>() != n * d {
        return Err(cx.unsupported(ctx, "a target shape that does not match the input"));
    }
    let weighted = cx.has_operand(ctx, 2);
    if weighted && (!cx.operand_elem(ctx, 2)?.is_float() || cx.operand_shape(ctx, 2) != [c]) {
        return Err(cx.unsupported(ctx, "a weight that is not a float vector of C elements"));
    }
    let reduction = cx.attr_str(ctx, "reduction").unwrap_or("mean").to_string();
    if !matches!(reduction.as_str(), "none" | "sum" | "mean") {
        return Err(cx.unsupported(ctx, format!("reduction '{reduction}'")));
    }
    let ignore = cx
        .attr(ctx, "ignore_index")
        .and_then(|a| ctx.int_value(a))
        .map(|v| v as i64);
    // The per-element weights of the reference (`gw`).
    let gw = if weighted {
        Gw::Weight
    } else if ignore.is_some() || !sce {
        if !sce && ignore == Some(-1) {
            Gw::None
        } else {
            Gw::Ones
        }
    } else {
        Gw::None
    };

    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[n, c, d]);
    let logp = if sce {
        let lp = match cx.output(ctx, 1) {
            Ok(b) => b,
            Err(_) => {
                let st = e.storage_type(ctx);
                let m = ctx.memref_type(s.clone(), st);
                cx.scratch(ctx, m)
            }
        };
        let lpv = cx.view(ctx, lp, &[n, c, d]);
        log_softmax(ctx, cx, e, xv, lpv, [n, c, d])?;
        lpv
    } else {
        xv
    };
    let t = cx.input(ctx, 1)?;
    let te = cx.operand_elem(ctx, 1)?;
    let tv = cx.view(ctx, t, &[n, d]);
    let y = cx.output(ctx, 0)?;
    let p = Params {
        e,
        te,
        c,
        ignore,
        gw,
        we: if weighted {
            Some(cx.operand_elem(ctx, 2)?)
        } else {
            None
        },
    };
    let mut args = vec![logp, tv];
    if weighted {
        args.push(cx.input(ctx, 2)?);
    }
    if reduction == "none" {
        let yv = cx.view(ctx, y, &[n, d]);
        args.push(yv);
        let hint = if sce { "sce_loss" } else { "nll_loss" };
        cx.kernel(ctx, hint, &args, |kb, a| {
            if n * d == 0 {
                return Ok(());
            }
            let out = a[a.len() - 1];
            kb.parallel(&[n], |kb, iv| {
                let i = iv[0];
                kb.for_range(d, |kb, k| {
                    let (l, _) = element_loss(kb, &p, a, i, k);
                    let v = common::from_f64(kb, e, l);
                    kb.store_elem(e, v, out, &[i, k]);
                });
            });
            Ok(())
        })?;
    } else {
        args.push(y);
        let mean = reduction == "mean";
        let hint = if sce { "sce_loss" } else { "nll_loss" };
        cx.kernel(ctx, hint, &args, |kb, a| {
            let out = a[a.len() - 1];
            let f64t = common::f64_type(kb);
            let z = kb.constant(f64t, 0.0);
            let sums = acc_nest(kb, &[n, d], &[z, z], &mut |kb, idx, acc| {
                let (l, g) = element_loss(kb, &p, a, idx[0], idx[1]);
                let s = kb.binary("arith.addf", acc[0], l);
                let w = match g {
                    Some(g) => kb.binary("arith.addf", acc[1], g),
                    None => acc[1],
                };
                vec![s, w]
            });
            let s = rnd(kb, e, sums[0]);
            let v = if mean {
                if gw == Gw::None {
                    let cnt = kb.constant(f64t, (n * d).max(1) as f64);
                    let q = kb.binary("arith.divf", sums[0], cnt);
                    rnd(kb, e, q)
                } else {
                    let ws = rnd(kb, e, sums[1]);
                    let q = kb.binary("arith.divf", s, ws);
                    rnd(kb, e, q)
                }
            } else {
                s
            };
            let v = common::from_f64(kb, e, v);
            kb.store_elem(e, v, out, &[]);
            Ok(())
        })?;
    }
    Ok(true)
}

/// How the reference weights each element's loss.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Gw {
    /// Not weighted.
    None,
    /// `0` where the target is ignored, else `1`.
    Ones,
    /// `0` where ignored, else `weight[clamp(target, 0, C - 1)]`.
    Weight,
}

struct Params {
    e: Elem,
    te: Elem,
    c: i64,
    ignore: Option<i64>,
    gw: Gw,
    we: Option<Elem>,
}

/// Rounds an f64 value into `e` and back (the reference's `r`).
fn rnd(kb: &mut Kb<'_>, e: Elem, v: Value) -> Value {
    match e {
        Elem::Float(FloatKind::F64) => v,
        _ => {
            let st = e.storage_type(kb.ctx);
            let f64t = common::f64_type(kb);
            let t = kb.cast("arith.truncf", v, st);
            kb.cast("arith.extf", t, f64t)
        }
    }
}

/// The loss at `(i, k)` in f64 (weighted and rounded as the reference does) and its weight when
/// the reference weights elements. `a` = logp `[N, C, D]`, target `[N, D]`, weight `[C]`?.
fn element_loss(
    kb: &mut Kb<'_>,
    p: &Params,
    a: &[Value],
    i: Value,
    k: Value,
) -> (Value, Option<Value>) {
    let f64t = common::f64_type(kb);
    let traw = kb.load(a[1], &[i, k]);
    let ti = common::to_index(kb, p.te, traw);
    let ignored = p.ignore.map(|ig| {
        let igv = kb.index(ig);
        kb.cmp(false, cmpi::EQ, ti, igv)
    });
    let cls = common::wrap_index(kb, ti, p.c);
    let lp = kb.load_elem(p.e, a[0], &[i, cls, k]);
    let lp = common::to_f64(kb, p.e, lp);
    let mut l = kb.unary("arith.negf", lp);
    let zero = kb.constant(f64t, 0.0);
    if let Some(ig) = ignored {
        l = kb.select(ig, zero, l);
    }
    let g = match p.gw {
        Gw::None => None,
        Gw::Ones => {
            let one = kb.constant(f64t, 1.0);
            Some(match ignored {
                Some(ig) => kb.select(ig, zero, one),
                None => one,
            })
        }
        Gw::Weight => {
            let we = p.we.expect("weighted");
            let wi = common::clamp_index(kb, ti, 0, p.c - 1);
            let w = kb.load_elem(we, a[2], &[wi]);
            let w = common::to_f64(kb, we, w);
            Some(match ignored {
                Some(ig) => kb.select(ig, zero, w),
                None => w,
            })
        }
    };
    if let Some(g) = g {
        let m = kb.binary("arith.mulf", l, g);
        l = rnd(kb, p.e, m);
    }
    (l, g)
}

/// `logp = r(ln(r(e / s)))` with `e = r(exp(r(x - max)))` and `s = r(sum e)` along C, in f64;
/// a task per batch item.
fn log_softmax(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    e: Elem,
    x: Value,
    lp: Value,
    [n, c, d]: [i64; 3],
) -> Result<(), Diagnostic> {
    cx.kernel(ctx, "sce_log_softmax", &[x, lp], |kb, a| {
        if n * c * d == 0 {
            return Ok(());
        }
        let (xa, la) = (a[0], a[1]);
        kb.parallel(&[n], |kb, iv| {
            let i = iv[0];
            kb.for_range(d, |kb, k| {
                let f64t = common::f64_type(kb);
                let load = |kb: &mut Kb<'_>, ci: Value| {
                    let v = kb.load_elem(e, xa, &[i, ci, k]);
                    common::to_f64(kb, e, v)
                };
                let ninf = kb.constant(f64t, f64::NEG_INFINITY);
                let lb = kb.index(0);
                let ub = kb.index(c);
                let one = kb.index(1);
                let mx = kb.for_loop(lb, ub, one, &[ninf], |kb, ci, acc| {
                    let v = load(kb, ci);
                    let gt = kb.cmp(true, cmpf::OGT, v, acc[0]);
                    vec![kb.select(gt, v, acc[0])]
                })[0];
                let exp_at = |kb: &mut Kb<'_>, ci: Value| {
                    let v = load(kb, ci);
                    let t = kb.binary("arith.subf", v, mx);
                    let t = rnd(kb, e, t);
                    let t = kb.unary("math.exp", t);
                    rnd(kb, e, t)
                };
                let z = kb.constant(f64t, 0.0);
                let s = kb.for_loop(lb, ub, one, &[z], |kb, ci, acc| {
                    let ev = exp_at(kb, ci);
                    vec![kb.binary("arith.addf", acc[0], ev)]
                })[0];
                let s = rnd(kb, e, s);
                kb.for_loop(lb, ub, one, &[], |kb, ci, _| {
                    let ev = exp_at(kb, ci);
                    let q = kb.binary("arith.divf", ev, s);
                    let q = rnd(kb, e, q);
                    let l = kb.unary("math.log", q);
                    let l = rnd(kb, e, l);
                    let v = common::from_f64(kb, e, l);
                    kb.store_elem(e, v, la, &[i, ci, k]);
                    Vec::new()
                });
            });
        });
        Ok(())
    })
}
