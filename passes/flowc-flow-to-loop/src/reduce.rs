//! Reductions (`reduce_*`) and ArgMax / ArgMin, as the interpreter computes them
//! (crates/flowc-interp/src/ops/reduce.rs):
//!
//! - Max / Min (NaN propagates) and integer Sum / Prod accumulate in the element type (integers
//!   wrap); every other reduction accumulates in f64 and rounds once (Mean divides by the count,
//!   L2 takes the square root, LogSum the log; LogSumExp is max-shifted, NaN-ignoring max);
//! - each output element accumulates its inputs in row-major order of the reduced indices, as
//!   the interpreter does, so sums round the same way.
//!
//! Kernel shape: the trailing dims that are kept form a contiguous block; the kept dims before
//! it are the parallel tasks; the reduced dims are sequential loops (row-major) outside a
//! contiguous loop over the kept block, which accumulates into a buffer (the result itself when
//! the accumulator has the result's type, else an f64 scratch buffer). When the last dim is
//! reduced, each output element accumulates in registers.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf};
use crate::common::{self, acc_nest, par_nest, seq_nest};
use flowc_ir::{Context, Diagnostic, FloatKind, Value};

#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum Red {
    Sum,
    Mean,
    Max,
    Min,
    Prod,
    SumSquare,
    L1,
    L2,
    LogSum,
    LogSumExp,
}

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let red = match name {
        "flow.reduce_sum" => Red::Sum,
        "flow.reduce_mean" => Red::Mean,
        "flow.reduce_max" => Red::Max,
        "flow.reduce_min" => Red::Min,
        "flow.reduce_prod" => Red::Prod,
        "flow.reduce_sum_square" => Red::SumSquare,
        "flow.reduce_l1" => Red::L1,
        "flow.reduce_l2" => Red::L2,
        "flow.reduce_log_sum" => Red::LogSum,
        "flow.reduce_log_sum_exp" => Red::LogSumExp,
        "flow.arg_max" => return arg(ctx, cx, true).map(|_| true),
        "flow.arg_min" => return arg(ctx, cx, false).map(|_| true),
        _ => return Ok(false),
    };
    common::require_static(ctx, cx)?;
    reduce(ctx, cx, red)?;
    Ok(true)
}

/// Whether reducing a size-1 dim leaves values unchanged (so that such dims need not be known).
fn singleton_identity(red: Red) -> bool {
    matches!(red, Red::Sum | Red::Mean | Red::Max | Red::Min | Red::Prod)
}

/// The reduced axes: from the constant `axes` operand (or attribute), or, when the operand is
/// a runtime value, deduced from the result shape where that is unambiguous. `None`: no-op.
fn reduced_axes(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    red: Red,
    in_shape: &[i64],
    out_shape: &[i64],
) -> Result<Option<Vec<usize>>, Diagnostic> {
    let r = in_shape.len();
    let keepdims = cx.attr_i64(ctx, "keepdims", 1) != 0;
    let noop = cx.attr_i64(ctx, "noop_with_empty_axes", 0) != 0;
    let axes: Option<Vec<i64>> = if cx.has_operand(ctx, 1) {
        match common::const_ints(ctx, cx, 1) {
            Some(a) => Some(a),
            None => {
                return match deduce_axes(ctx, cx, red, in_shape, out_shape, keepdims) {
                    Ok(a) => Ok(Some(a)),
                    Err(e) => Err(e),
                };
            }
        }
    } else {
        cx.attr_ints(ctx, "axes")
    };
    let mut axes: Vec<usize> = match axes {
        Some(a) if !a.is_empty() => {
            let mut v = Vec::new();
            for x in a {
                let n = common::norm_axis(ctx, cx, x, r)?;
                if !v.contains(&n) {
                    v.push(n);
                }
            }
            v
        }
        _ if noop => return Ok(None),
        _ => (0..r).collect(),
    };
    axes.sort_unstable();
    Ok(Some(axes))
}

fn deduce_axes(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    red: Red,
    s: &[i64],
    o: &[i64],
    keepdims: bool,
) -> Result<Vec<usize>, Diagnostic> {
    let fail = || cx.unsupported(ctx, "runtime axes that the result shape does not determine");
    if keepdims {
        if o.len() != s.len() {
            return Err(fail());
        }
        let mut axes = Vec::new();
        for d in 0..s.len() {
            if o[d] == 1 && s[d] != 1 {
                axes.push(d);
            } else if (s[d] == 1 && !singleton_identity(red)) || o[d] != s[d] {
                return Err(fail());
            }
        }
        return Ok(axes);
    }
    // keepdims = 0: the kept dims are a subsequence of the input dims; it must be unique.
    fn embeddings(
        s: &[i64],
        o: &[i64],
        start: usize,
        cur: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        if out.len() > 1 {
            return;
        }
        if cur.len() == o.len() {
            out.push(cur.clone());
            return;
        }
        for d in start..s.len() {
            if s[d] == o[cur.len()] {
                cur.push(d);
                embeddings(s, o, d + 1, cur, out);
                cur.pop();
            }
        }
    }
    let mut found = Vec::new();
    embeddings(s, o, 0, &mut Vec::new(), &mut found);
    if found.len() != 1 {
        return Err(fail());
    }
    Ok((0..s.len()).filter(|d| !found[0].contains(d)).collect())
}

/// The axes sets a runtime `axes` operand may hold given the shapes (at most 16), each sorted.
fn candidates(ctx: &Context, cx: &OpCx<'_, '_>, s: &[i64], o: &[i64]) -> Vec<Vec<usize>> {
    let l: i64 = cx.operand_shape(ctx, 1).iter().product();
    let keepdims = cx.attr_i64(ctx, "keepdims", 1) != 0;
    let r = s.len();
    let mut out = Vec::new();
    if l == 0 || l as usize > r {
        return out;
    }
    if keepdims {
        if o.len() != r {
            return out;
        }
        let fixed: Vec<usize> = (0..r).filter(|&d| o[d] == 1 && s[d] != 1).collect();
        let singles: Vec<usize> = (0..r).filter(|&d| s[d] == 1).collect();
        if singles.len() > 4 || (0..r).any(|d| o[d] != 1 && o[d] != s[d]) {
            return out;
        }
        for mask in 0..(1u32 << singles.len()) {
            let mut a = fixed.clone();
            for (k, &d) in singles.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    a.push(d);
                }
            }
            a.sort_unstable();
            if a.len() == l as usize {
                out.push(a);
            }
        }
        return out;
    }
    fn go(s: &[i64], o: &[i64], start: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if out.len() >= 16 {
            return;
        }
        if cur.len() == o.len() {
            out.push((0..s.len()).filter(|d| !cur.contains(d)).collect());
            return;
        }
        for d in start..s.len() {
            if s[d] == o[cur.len()] {
                cur.push(d);
                go(s, o, d + 1, cur, out);
                cur.pop();
            }
        }
    }
    let mut all = Vec::new();
    go(s, o, 0, &mut Vec::new(), &mut all);
    all.into_iter().filter(|a| a.len() == l as usize).collect()
}

/// A reduction whose runtime axes the shapes leave ambiguous: one kernel (one task) with a
/// branch per candidate axes set, taken when the runtime axes are that set.
#[allow(clippy::too_many_arguments)]
fn reduce_runtime(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    red: Red,
    e: Elem,
    s: &[i64],
    x: Value,
    y: Value,
    cands: Vec<Vec<usize>>,
) -> Result<(), Diagnostic> {
    if e == Elem::Bool && !matches!(red, Red::Max | Red::Min) {
        return Err(cx.unsupported(ctx, "this reduction of bool"));
    }
    let acc_kind = match (red, e) {
        (Red::Max | Red::Min, _) => Acc::Elem,
        (Red::Sum | Red::Prod, Elem::Int { .. }) => Acc::Elem,
        _ => Acc::F64,
    };
    let r = s.len();
    let l: i64 = cx.operand_shape(ctx, 1).iter().product();
    let ae = cx.operand_elem(ctx, 1)?;
    let ab = cx.input(ctx, 1)?;
    let av = cx.view(ctx, ab, &[l]);
    let mut args = vec![av, x];
    for a in &cands {
        let k: Vec<i64> = (0..r)
            .map(|d| if a.contains(&d) { 1 } else { s[d] })
            .collect();
        args.push(cx.view(ctx, y, &k));
    }
    cx.kernel(ctx, "reduce", &args, |kb, a| {
        let mut vals = Vec::new();
        for i in 0..l {
            let iv = kb.index(i);
            let v = kb.load_elem(ae, a[0], &[iv]);
            vals.push(common::to_index(kb, ae, v));
        }
        for (c, axes) in cands.iter().enumerate() {
            let i1 = kb.ctx.i1_type();
            let mut hit = kb.constant(i1, 1.0);
            for &v in &vals {
                let mut any = kb.constant(i1, 0.0);
                for &d in axes {
                    let m = crate::data::axis_is(kb, v, d, r);
                    any = common::or(kb, any, m);
                }
                hit = common::and(kb, hit, any);
            }
            let plan = RegPlan {
                red,
                e,
                acc_kind,
                s: s.to_vec(),
                axes: axes.clone(),
            };
            let (xa, ya) = (a[1], a[2 + c]);
            kb.if_else(
                hit,
                &[],
                |kb| {
                    plan.body(kb, xa, ya, false);
                    Vec::new()
                },
                None,
            );
        }
        Ok(())
    })
}

/// How a reduction accumulates.
#[derive(Copy, Clone, PartialEq)]
enum Acc {
    /// In the element's compute type (Max / Min, integer Sum / Prod).
    Elem,
    /// In f64, rounded once at the end.
    F64,
}

fn reduce(ctx: &mut Context, cx: &mut OpCx<'_, '_>, red: Red) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    let o = cx.result_shape(ctx, 0);
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let fixed = match reduced_axes(ctx, cx, red, &s, &o) {
        Ok(f) => f,
        Err(err) => {
            let cands = candidates(ctx, cx, &s, &o);
            if cands.len() < 2 {
                return Err(err);
            }
            return reduce_runtime(ctx, cx, red, e, &s, x, y, cands);
        }
    };
    let Some(axes) = fixed else {
        // No-op: the result is the input.
        return copy(ctx, cx, x, y, e, &s);
    };
    if e == Elem::Bool && !matches!(red, Red::Max | Red::Min) {
        return Err(cx.unsupported(ctx, "this reduction of bool"));
    }
    let acc_kind = match (red, e) {
        (Red::Max | Red::Min, _) => Acc::Elem,
        (Red::Sum | Red::Prod, Elem::Int { .. }) => Acc::Elem,
        _ => Acc::F64,
    };
    let r = s.len();
    let kshape: Vec<i64> = (0..r)
        .map(|d| if axes.contains(&d) { 1 } else { s[d] })
        .collect();
    if kshape.iter().product::<i64>() != o.iter().product::<i64>() {
        return Err(cx.unsupported(ctx, "a result shape that does not match the axes"));
    }
    if cx.target() == crate::KernelTarget::Gpu
        && crate::gpu_reduce::reduce(ctx, cx, red, e, &s, &axes, x, y)?
    {
        return Ok(());
    }
    let y = cx.view(ctx, y, &kshape);
    let count: i64 = axes.iter().map(|&a| s[a]).product();
    // Trailing kept block.
    let t = (0..r).rev().take_while(|d| !axes.contains(d)).count();
    let inner: i64 = s[r - t..].iter().product();
    let pdims: Vec<usize> = (0..r - t).filter(|d| !axes.contains(d)).collect();
    let rdims: Vec<usize> = axes.clone();
    let f64e = Elem::Float(FloatKind::F64);
    // On the GPU (reductions the row kernels leave: kept dims after reduced ones, f64, integers)
    // a thread per output element, neighbouring threads reading neighbouring elements, beats
    // the CPU's accumulation into a buffer row, whose tasks are only the leading kept dims.
    if t == 0 || inner == 1 || cx.target() == crate::KernelTarget::Gpu {
        // Registers: parallel over all kept dims; sequential over the reduced ones.
        let plan = RegPlan {
            red,
            e,
            acc_kind,
            s: s.clone(),
            axes: axes.clone(),
        };
        cx.kernel(ctx, "reduce", &[x, y], |kb, a| {
            plan.body(kb, a[0], a[1], true);
            Ok(())
        })?;
        return Ok(());
    }
    // A contiguous kept block of `inner` elements (viewed as one dim): accumulate into a buffer
    // row. Tasks: the kept dims before it, or chunks of the row when there are none.
    let rt = r - t;
    let mut s2 = s[..rt].to_vec();
    s2.push(inner);
    let mut k2 = kshape[..rt].to_vec();
    k2.push(inner);
    let r = rt + 1;
    let x = cx.view(ctx, x, &s2);
    let y = cx.view(ctx, y, &k2);
    let chunked = pdims.is_empty() && inner > crate::elementwise::CHUNK;
    let chunk = crate::elementwise::CHUNK;
    let psizes: Vec<i64> = if chunked {
        vec![(inner + chunk - 1) / chunk]
    } else {
        pdims.iter().map(|&d| s[d]).collect()
    };
    let rsizes: Vec<i64> = rdims.iter().map(|&d| s[d]).collect();
    let in_place = acc_kind == Acc::Elem || e == f64e;
    let f64t = common::f64_type_ctx(ctx);
    let mut args = vec![x, y];
    if !in_place {
        let m = ctx.memref_type(k2.clone(), f64t);
        args.push(cx.scratch(ctx, m));
    }
    if red == Red::LogSumExp {
        let m = ctx.memref_type(k2.clone(), f64t);
        args.push(cx.scratch(ctx, m));
    }
    let npar = psizes.len();
    cx.kernel(ctx, "reduce", &args, |kb, a| {
        let (xa, ya) = (a[0], a[1]);
        let acc_buf = if in_place { ya } else { a[2] };
        let acc_e = if in_place { e } else { f64e };
        let max_buf = (red == Red::LogSumExp).then(|| a[a.len() - 1]);
        par_nest(kb, &psizes, npar, &mut |kb, pidx| {
            let pidx = pidx.to_vec();
            // The row range of this task.
            let (lo, hi) = if chunked {
                let lo = kb.mul_add_index(pidx[0], chunk, None);
                let hi = common::add_const(kb, lo, chunk);
                let n = kb.index(inner);
                (lo, kb.binary("arith.minsi", hi, n))
            } else {
                (kb.index(0), kb.index(inner))
            };
            let tail_loop = |kb: &mut Kb<'_>, body: &mut common::NestBody<'_>| {
                let one = kb.index(1);
                kb.for_loop(lo, hi, one, &[], |kb, j, _| {
                    body(kb, &[j]);
                    Vec::new()
                });
            };
            // Index of the accumulator row element j.
            let kidx = |kb: &mut Kb<'_>, tidx: &[Value]| {
                let mut idx = vec![kb.index(0); r];
                if !chunked {
                    for (k, &d) in pdims.iter().enumerate() {
                        idx[d] = pidx[k];
                    }
                }
                idx[r - 1] = tidx[0];
                idx
            };
            let xidx = |kb: &mut Kb<'_>, ridx: &[Value], tidx: &[Value]| {
                let mut idx = kidx(kb, tidx);
                for (k, &d) in rdims.iter().enumerate() {
                    idx[d] = ridx[k];
                }
                idx
            };
            if let Some(mb) = max_buf {
                // Pass 1: NaN-ignoring max in f64.
                tail_loop(kb, &mut |kb, tidx| {
                    let i = kidx(kb, tidx);
                    let t = common::f64_type(kb);
                    let ninf = kb.constant(t, f64::NEG_INFINITY);
                    kb.store(ninf, mb, &i);
                });
                seq_nest(kb, &rsizes, &mut |kb, ridx| {
                    let ridx = ridx.to_vec();
                    tail_loop(kb, &mut |kb, tidx| {
                        let xi = xidx(kb, &ridx, tidx);
                        let ki = kidx(kb, tidx);
                        let v = kb.load_elem(e, xa, &xi);
                        let f = common::to_f64(kb, e, v);
                        let m = kb.load(mb, &ki);
                        let m = kb.binary("arith.maxnumf", m, f);
                        kb.store(m, mb, &ki);
                    });
                });
            }
            // Init.
            tail_loop(kb, &mut |kb, tidx| {
                let i = kidx(kb, tidx);
                let init = init_value(kb, red, e, acc_kind);
                kb.store_elem(acc_e, init, acc_buf, &i);
            });
            // Accumulate, reduced indices in row-major order.
            seq_nest(kb, &rsizes, &mut |kb, ridx| {
                let ridx = ridx.to_vec();
                tail_loop(kb, &mut |kb, tidx| {
                    let xi = xidx(kb, &ridx, tidx);
                    let ki = kidx(kb, tidx);
                    let v = kb.load_elem(e, xa, &xi);
                    let a = kb.load_elem(acc_e, acc_buf, &ki);
                    let n = if let Some(mb) = max_buf {
                        let m = kb.load(mb, &ki);
                        let mo = finite_or_zero(kb, m);
                        let f = common::to_f64(kb, e, v);
                        let d = kb.binary("arith.subf", f, mo);
                        let ex = kb.unary("math.exp", d);
                        kb.binary("arith.addf", a, ex)
                    } else {
                        combine(kb, red, e, acc_kind, a, v)
                    };
                    kb.store_elem(acc_e, n, acc_buf, &ki);
                });
            });
            // Finish.
            let needs_finish = !in_place
                || !matches!(
                    red,
                    Red::Sum | Red::Prod | Red::Max | Red::Min | Red::SumSquare | Red::L1
                );
            if needs_finish {
                tail_loop(kb, &mut |kb, tidx| {
                    let ki = kidx(kb, tidx);
                    let a = kb.load_elem(acc_e, acc_buf, &ki);
                    let res = if let Some(mb) = max_buf {
                        let m = kb.load(mb, &ki);
                        let mo = finite_or_zero(kb, m);
                        let l = kb.unary("math.log", a);
                        kb.binary("arith.addf", l, mo)
                    } else {
                        finish(kb, red, acc_kind, a, count)
                    };
                    let res = if acc_kind == Acc::F64 {
                        common::from_f64(kb, e, res)
                    } else {
                        res
                    };
                    kb.store_elem(e, res, ya, &ki);
                });
            }
        });
        Ok(())
    })?;
    Ok(())
}

/// A reduction with one accumulator in registers per result element (the result viewed with
/// the reduced dims kept as 1).
struct RegPlan {
    red: Red,
    e: Elem,
    acc_kind: Acc,
    s: Vec<i64>,
    axes: Vec<usize>,
}

impl RegPlan {
    /// Parallel over the kept dims when `parallel`, else sequential loops.
    fn body(&self, kb: &mut Kb<'_>, xa: Value, ya: Value, parallel: bool) {
        let RegPlan {
            red,
            e,
            acc_kind,
            ref s,
            ref axes,
        } = *self;
        let r = s.len();
        let kept: Vec<usize> = (0..r).filter(|d| !axes.contains(d)).collect();
        let psizes: Vec<i64> = kept.iter().map(|&d| s[d]).collect();
        let rsizes: Vec<i64> = axes.iter().map(|&d| s[d]).collect();
        let count: i64 = rsizes.iter().product();
        let npar = if parallel { psizes.len() } else { 0 };
        par_nest(kb, &psizes, npar, &mut |kb, kidx| {
            let full = |ridx: &[Value], kb: &mut Kb<'_>| {
                let mut idx = vec![kb.index(0); r];
                for (k, &d) in kept.iter().enumerate() {
                    idx[d] = kidx[k];
                }
                for (k, &d) in axes.iter().enumerate() {
                    idx[d] = ridx[k];
                }
                idx
            };
            let mut yidx = vec![kb.index(0); r];
            for (k, &d) in kept.iter().enumerate() {
                yidx[d] = kidx[k];
            }
            let res = if red == Red::LogSumExp {
                let ninf = {
                    let t = common::f64_type(kb);
                    kb.constant(t, f64::NEG_INFINITY)
                };
                let m = acc_nest(kb, &rsizes, &[ninf], &mut |kb, ridx, acc| {
                    let idx = full(ridx, kb);
                    let v = kb.load_elem(e, xa, &idx);
                    let f = common::to_f64(kb, e, v);
                    vec![kb.binary("arith.maxnumf", acc[0], f)]
                })[0];
                let mo = finite_or_zero(kb, m);
                let z = common::fconst(kb, m, 0.0);
                let sum = acc_nest(kb, &rsizes, &[z], &mut |kb, ridx, acc| {
                    let idx = full(ridx, kb);
                    let v = kb.load_elem(e, xa, &idx);
                    let f = common::to_f64(kb, e, v);
                    let d = kb.binary("arith.subf", f, mo);
                    let ex = kb.unary("math.exp", d);
                    vec![kb.binary("arith.addf", acc[0], ex)]
                })[0];
                let l = kb.unary("math.log", sum);
                kb.binary("arith.addf", l, mo)
            } else {
                let init = init_value(kb, red, e, acc_kind);
                let a = acc_nest(kb, &rsizes, &[init], &mut |kb, ridx, acc| {
                    let idx = full(ridx, kb);
                    let v = kb.load_elem(e, xa, &idx);
                    vec![combine(kb, red, e, acc_kind, acc[0], v)]
                })[0];
                finish(kb, red, acc_kind, a, count)
            };
            let res = if acc_kind == Acc::F64 {
                common::from_f64(kb, e, res)
            } else {
                res
            };
            kb.store_elem(e, res, ya, &yidx);
        });
    }
}

pub(crate) fn finite_or_zero(kb: &mut Kb<'_>, m: Value) -> Value {
    let a = kb.unary("math.absf", m);
    let inf = common::fconst(kb, m, f64::INFINITY);
    let fin = kb.cmp(true, cmpf::OLT, a, inf);
    let z = common::fconst(kb, m, 0.0);
    kb.select(fin, m, z)
}

fn init_value(kb: &mut Kb<'_>, red: Red, e: Elem, acc: Acc) -> Value {
    match (red, acc) {
        (Red::Max, _) => common::lowest(kb, e),
        (Red::Min, _) => common::highest(kb, e),
        (Red::Prod, Acc::Elem) => {
            let t = e.compute_type(kb.ctx);
            kb.constant(t, 1.0)
        }
        (Red::Sum, Acc::Elem) => {
            let t = e.compute_type(kb.ctx);
            kb.constant(t, 0.0)
        }
        (Red::Prod, Acc::F64) => {
            let t = common::f64_type(kb);
            kb.constant(t, 1.0)
        }
        _ => {
            let t = common::f64_type(kb);
            kb.constant(t, 0.0)
        }
    }
}

/// One accumulation step with element `v` (compute type of `e`).
fn combine(kb: &mut Kb<'_>, red: Red, e: Elem, acc: Acc, a: Value, v: Value) -> Value {
    match (red, acc) {
        (Red::Max, _) => common::max_nan(kb, e, a, v, true),
        (Red::Min, _) => common::max_nan(kb, e, a, v, false),
        (Red::Sum, Acc::Elem) => kb.binary("arith.addi", a, v),
        (Red::Prod, Acc::Elem) => kb.binary("arith.muli", a, v),
        _ => {
            let f = common::to_f64(kb, e, v);
            match red {
                Red::Prod => kb.binary("arith.mulf", a, f),
                Red::SumSquare | Red::L2 => {
                    let sq = kb.binary("arith.mulf", f, f);
                    kb.binary("arith.addf", a, sq)
                }
                Red::L1 => {
                    let ab = kb.unary("math.absf", f);
                    kb.binary("arith.addf", a, ab)
                }
                _ => kb.binary("arith.addf", a, f),
            }
        }
    }
}

/// The final value from the accumulator (f64 kinds: before rounding into the element type).
fn finish(kb: &mut Kb<'_>, red: Red, acc: Acc, a: Value, count: i64) -> Value {
    if acc == Acc::Elem {
        return a;
    }
    match red {
        Red::Mean => {
            let c = common::fconst(kb, a, count as f64);
            kb.binary("arith.divf", a, c)
        }
        Red::L2 => kb.unary("math.sqrt", a),
        Red::LogSum => kb.unary("math.log", a),
        _ => a,
    }
}

/// `y = x` (same shape): one contiguous chunked loop.
pub(crate) fn copy(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    x: Value,
    y: Value,
    _e: Elem,
    shape: &[i64],
) -> Result<(), Diagnostic> {
    let n: i64 = shape.iter().product();
    let xv = cx.view(ctx, x, &[n]);
    let yv = cx.view(ctx, y, &[n]);
    cx.kernel(ctx, "copy", &[xv, yv], |kb, a| {
        crate::elementwise::chunked_nest(kb, &[n], &mut |kb, idx| {
            let v = kb.load(a[0], idx);
            kb.store(v, a[1], idx);
        });
        Ok(())
    })
}

/// ArgMax / ArgMin over `axis`: NaN wins (the first NaN), ties keep the first index unless
/// `select_last_index`.
fn arg(ctx: &mut Context, cx: &mut OpCx<'_, '_>, max: bool) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", 0), s.len())?;
    let last = cx.attr_i64(ctx, "select_last_index", 0) != 0;
    let outer: i64 = s[..axis].iter().product();
    let d = s[axis];
    let inner: i64 = s[axis + 1..].iter().product();
    if d == 0 {
        return Err(cx.unsupported(ctx, "an empty axis"));
    }
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, d, inner]);
    let yv = cx.view(ctx, y, &[outer, inner]);
    let float = e.is_float();
    cx.kernel(
        ctx,
        if max { "arg_max" } else { "arg_min" },
        &[xv, yv],
        |kb, a| {
            let (xa, ya) = (a[0], a[1]);
            par_nest(kb, &[outer, inner], 1, &mut |kb, oi| {
                let (o, i) = (oi[0], oi[1]);
                let z = kb.index(0);
                let first = kb.load_elem(e, xa, &[o, z, i]);
                let lb = kb.index(1);
                let ub = kb.index(d);
                let one = kb.index(1);
                let res = kb.for_loop(lb, ub, one, &[z, first], |kb, k, acc| {
                    let (bi, b) = (acc[0], acc[1]);
                    let v = kb.load_elem(e, xa, &[o, k, i]);
                    let strict = common::compare(kb, e, if max { "gt" } else { "lt" }, v, b);
                    let mut better = if last {
                        let eq = common::compare(kb, e, "eq", v, b);
                        common::or(kb, strict, eq)
                    } else {
                        strict
                    };
                    if float {
                        // b NaN: never; else v NaN: always.
                        let bn = common::is_nan(kb, b);
                        let vn = common::is_nan(kb, v);
                        let t = common::or(kb, better, vn);
                        let i1 = kb.ctx.i1_type();
                        let f = kb.constant(i1, 0.0);
                        better = kb.select(bn, f, t);
                    }
                    let nbi = kb.select(better, k, bi);
                    let nb = kb.select(better, v, b);
                    vec![nbi, nb]
                });
                let i64t = kb.ctx.integer_type(64);
                let r = kb.cast("arith.index_cast", res[0], i64t);
                kb.store(r, ya, &[o, i]);
            });
            Ok(())
        },
    )?;
    Ok(())
}
