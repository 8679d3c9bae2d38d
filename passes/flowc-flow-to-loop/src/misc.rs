//! BitCast, the Hann / Hamming / Blackman windows, TopK, CenterCropPad, MaxUnpool, Det and
//! Col2Im, as the interpreter computes them (crates/flowc-interp/src/ops/extra2.rs `bit_cast`,
//! `window`, `center_crop_pad`, `col2im`; reduce.rs `top_k`; conv.rs `max_unpool`; linalg.rs
//! `det`).
//!
//! - BitCast reinterprets each element's bytes: a load, an `arith.bitcast` to the result's
//!   storage type, a store.
//! - A window's values are computed at compile time in f64 exactly as the interpreter does and
//!   kept as a table; the kernel converts them to the result type.
//! - TopK is a selection per (outer, inner) position: `k` scans of the axis, each taking the
//!   first element (in the interpreter's stable order: NaN largest, ties by lower index) that
//!   comes after the previously taken one.
//! - CenterCropPad reads the input at the output index plus a per-axis offset fixed at compile
//!   time; positions outside the input are zero.
//! - MaxUnpool zero-fills the result, then scatters the input in order (a later index wins) in
//!   one task: each index addresses the default (inferred) output shape and is re-placed in the
//!   result's shape; an index the interpreter rejects (out of range, outside the result) is
//!   skipped.
//! - Det is Gaussian elimination with partial pivoting in f64 on a stack copy of each matrix
//!   (one task per matrix), in the interpreter's order of operations; a zero pivot ends it with
//!   0.
//! - Col2Im sums each (batch, channel) image in an f64 stack buffer in the interpreter's order
//!   (block positions row-major, then sliding positions row-major) and rounds it once. The block
//!   shape may be a runtime input: it is read by the kernel and the loops over block and
//!   sliding positions take runtime bounds; input reads are clamped into range.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common::{self, and, is_nan, not, or};
use crate::elementwise::broadcast_nest;
use flowc_ir::{Context, Diagnostic, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    match name {
        "flow.bit_cast" => bit_cast(ctx, cx)?,
        "flow.hann_window" => window(ctx, cx, Window::Hann)?,
        "flow.hamming_window" => window(ctx, cx, Window::Hamming)?,
        "flow.blackman_window" => window(ctx, cx, Window::Blackman)?,
        "flow.top_k" => top_k(ctx, cx)?,
        "flow.center_crop_pad" => center_crop_pad(ctx, cx)?,
        "flow.max_unpool" => max_unpool(ctx, cx)?,
        "flow.det" => det(ctx, cx)?,
        "flow.col2_im" => col2im(ctx, cx)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn bit_cast(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let ie = cx.operand_elem(ctx, 0)?;
    let oe = cx.result_elem(ctx, 0)?;
    if ie.bytes() != oe.bytes() {
        return Err(cx.unsupported(ctx, "types of different widths"));
    }
    let shape = cx.operand_shape(ctx, 0);
    let ot = oe.storage_type(ctx);
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    cx.kernel(ctx, "bit_cast", &[x, y], |kb, a| {
        broadcast_nest(kb, &shape, |kb, idx| {
            let v = kb.load(a[0], idx);
            let v = if kb.value_type(v) == ot {
                v
            } else {
                kb.cast("arith.bitcast", v, ot)
            };
            kb.store(v, a[1], idx);
        });
        Ok(())
    })
}

#[derive(Copy, Clone)]
enum Window {
    Hann,
    Hamming,
    Blackman,
}

fn window(ctx: &mut Context, cx: &mut OpCx<'_, '_>, kind: Window) -> Result<(), Diagnostic> {
    let shape = cx.result_shape(ctx, 0);
    let size = match shape.as_slice() {
        [s] if *s >= 0 => *s,
        _ => return Err(cx.unsupported(ctx, "a window size not known at compile time")),
    };
    // The size operand may be a runtime input; the static result shape fixes its value.
    if common::const_ints(ctx, cx, 0).is_some_and(|v| v.first() != Some(&size)) {
        return Err(cx.unsupported(ctx, "a size that disagrees with the result shape"));
    }
    let oe = cx.result_elem(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    if size == 0 {
        return Ok(());
    }
    let periodic = cx.attr_i64(ctx, "periodic", 1) != 0;
    let nn = if periodic {
        size as f64
    } else {
        size as f64 - 1.0
    };
    let pi = std::f64::consts::PI;
    let mut data = Vec::with_capacity(size as usize * 8);
    for i in 0..size {
        let i = i as f64;
        let v = match kind {
            Window::Hann => (i * pi / nn).sin().powi(2),
            Window::Hamming => 25.0 / 46.0 - (i * pi * 2.0 / nn).cos() * (1.0 - 25.0 / 46.0),
            Window::Blackman => {
                0.42 - 0.5 * (i * pi * 2.0 / nn).cos() + 0.08 * (i * pi * 4.0 / nn).cos()
            }
        };
        data.extend_from_slice(&v.to_le_bytes());
    }
    let f64t = common::f64_type_ctx(ctx);
    let tty = ctx.tensor_type(vec![size], f64t);
    let attr = ctx.intern_attr(flowc_ir::AttrData::DenseElements {
        ty: tty,
        splat: false,
        data,
    });
    let mt = ctx.memref_type(vec![size], f64t);
    let tbl = cx.weight(ctx, attr, mt);
    cx.kernel(ctx, "window", &[tbl, y], |kb, a| {
        kb.for_range(size, |kb, i| {
            let v = kb.load(a[0], &[i]);
            let v = common::from_f64(kb, oe, v);
            kb.store_elem(oe, v, a[1], &[i]);
        });
        Ok(())
    })
}

/// Whether `a` (value, index) comes strictly before `b` in TopK's order.
fn precedes(
    kb: &mut Kb<'_>,
    e: Elem,
    largest: bool,
    a: (Value, Value),
    b: (Value, Value),
) -> Value {
    let (hi, lo) = if largest { (a.0, b.0) } else { (b.0, a.0) };
    // `hi` ranks above `lo`: NaN above every number, NaNs equal.
    let (above, equal) = match e {
        Elem::Float(_) => {
            let hn = is_nan(kb, hi);
            let ln = is_nan(kb, lo);
            let nl = not(kb, ln);
            let nan_above = and(kb, hn, nl);
            let gt = common::compare(kb, e, "gt", hi, lo);
            let above = or(kb, nan_above, gt);
            let both = and(kb, hn, ln);
            let eq = common::compare(kb, e, "eq", hi, lo);
            (above, or(kb, both, eq))
        }
        _ => {
            let gt = common::compare(kb, e, "gt", hi, lo);
            let eq = common::compare(kb, e, "eq", hi, lo);
            (gt, eq)
        }
    };
    let first = kb.cmp(false, cmpi::SLT, a.1, b.1);
    let tie = and(kb, equal, first);
    or(kb, above, tie)
}

fn top_k(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if e == Elem::Bool {
        return Err(cx.unsupported(ctx, "bool input"));
    }
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", -1), s.len())?;
    let largest = cx.attr_i64(ctx, "largest", 1) != 0;
    let os = cx.result_shape(ctx, 0);
    let k = os[axis];
    // K may be a runtime input; the static result shape fixes its value.
    if common::const_ints(ctx, cx, 1).is_some_and(|v| v.first() != Some(&k)) {
        return Err(cx.unsupported(ctx, "a K that disagrees with the result shape"));
    }
    let outer: i64 = s[..axis].iter().product();
    let d = s[axis];
    let inner: i64 = s[axis + 1..].iter().product();
    if k > d {
        return Err(cx.unsupported(ctx, format!("K = {k} beyond the axis size {d}")));
    }
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, d, inner]);
    let mut args = vec![xv];
    for r in 0..2 {
        if let Ok(b) = cx.output(ctx, r) {
            args.push(cx.view(ctx, b, &[outer, k, inner]));
        }
    }
    let (has_v, has_i) = (cx.output(ctx, 0).is_ok(), cx.output(ctx, 1).is_ok());
    if outer * inner * k == 0 || !(has_v || has_i) {
        return Ok(());
    }
    cx.kernel(ctx, "top_k", &args, |kb, a| {
        let ct = e.compute_type(kb.ctx);
        let yv = if has_v { Some(a[1]) } else { None };
        let yi = if has_i { Some(a[a.len() - 1]) } else { None };
        kb.parallel(&[outer, inner], |kb, iv| {
            let (o, i) = (iv[0], iv[1]);
            let v0 = kb.constant(ct, 0.0);
            let none = kb.index(-1);
            let lb = kb.index(0);
            let ub = kb.index(k);
            let one = kb.index(1);
            kb.for_loop(lb, ub, one, &[v0, none], |kb, j, prev| {
                let (pv, pi) = (prev[0], prev[1]);
                let lb = kb.index(0);
                let ub = kb.index(d);
                let one = kb.index(1);
                let best = kb.for_loop(lb, ub, one, &[pv, none], |kb, c, acc| {
                    let (bv, bi) = (acc[0], acc[1]);
                    let cv = kb.load_elem(e, a[0], &[o, c, i]);
                    let zero = kb.index(0);
                    let first = kb.cmp(false, cmpi::SLT, pi, zero);
                    let after = precedes(kb, e, largest, (pv, pi), (cv, c));
                    let eligible = or(kb, first, after);
                    let empty = kb.cmp(false, cmpi::SLT, bi, zero);
                    let better = precedes(kb, e, largest, (cv, c), (bv, bi));
                    let wins = or(kb, empty, better);
                    let take = and(kb, eligible, wins);
                    let nv = kb.select(take, cv, bv);
                    let ni = kb.select(take, c, bi);
                    vec![nv, ni]
                });
                if let Some(yv) = yv {
                    kb.store_elem(e, best[0], yv, &[o, j, i]);
                }
                if let Some(yi) = yi {
                    let i64t = kb.ctx.integer_type(64);
                    let bi = kb.cast("arith.index_cast", best[1], i64t);
                    kb.store(bi, yi, &[o, j, i]);
                }
                best
            });
        });
        Ok(())
    })
}

fn center_crop_pad(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    let os = cx.result_shape(ctx, 0);
    if os.len() != s.len() {
        return Err(cx.unsupported(ctx, "a result of another rank than the input"));
    }
    // The offset of the output's origin in input coordinates (negative: padding).
    let off: Vec<i64> = s
        .iter()
        .zip(&os)
        .map(|(&d, &t)| if t <= d { (d - t) / 2 } else { -((t - d) / 2) })
        .collect();
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    if os.iter().product::<i64>() == 0 {
        return Ok(());
    }
    let empty_in = s.iter().product::<i64>() == 0;
    cx.kernel(ctx, "center_crop_pad", &[x, y], |kb, a| {
        broadcast_nest(kb, &os, |kb, idx| {
            let ct = e.compute_type(kb.ctx);
            let zero = kb.constant(ct, 0.0);
            if empty_in {
                kb.store_elem(e, zero, a[1], idx);
                return;
            }
            let mut inb: Option<Value> = None;
            let mut src = Vec::with_capacity(idx.len());
            for (ax, &i) in idx.iter().enumerate() {
                let p = common::add_const(kb, i, off[ax]);
                if off[ax] < 0 || os[ax] + off[ax] > s[ax] {
                    let lo = kb.index(0);
                    let hi = kb.index(s[ax]);
                    let ge = kb.cmp(false, cmpi::SGE, p, lo);
                    let lt = kb.cmp(false, cmpi::SLT, p, hi);
                    let ok = and(kb, ge, lt);
                    inb = Some(match inb {
                        Some(b) => and(kb, b, ok),
                        None => ok,
                    });
                    src.push(common::clamp_index(kb, p, 0, s[ax] - 1));
                } else {
                    src.push(p);
                }
            }
            let v = kb.load_elem(e, a[0], &src);
            let v = match inb {
                Some(b) => kb.select(b, v, zero),
                None => v,
            };
            kb.store_elem(e, v, a[1], idx);
        });
        Ok(())
    })
}

fn max_unpool(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let ie = cx.operand_elem(ctx, 1)?;
    if e == Elem::Bool || !matches!(ie, Elem::Int { .. }) {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let s = cx.operand_shape(ctx, 0);
    let os = cx.result_shape(ctx, 0);
    if s.len() < 3 || os.len() != s.len() || cx.operand_shape(ctx, 1) != s {
        return Err(cx.unsupported(ctx, "these shapes"));
    }
    let r = s.len() - 2;
    let kernel = cx
        .attr_ints(ctx, "kernel_shape")
        .filter(|k| k.len() == r && k.iter().all(|&v| v > 0))
        .ok_or_else(|| cx.unsupported(ctx, "this kernel_shape"))?;
    let dims = |name: &str, len: usize, default: i64| -> Option<Vec<i64>> {
        match cx.attr_ints(ctx, name) {
            None => Some(vec![default; len]),
            Some(v) if v.is_empty() => Some(vec![default; len]),
            Some(v) if v.len() == len && v.iter().all(|&x| x >= 0) => Some(v),
            Some(_) => None,
        }
    };
    let (Some(strides), Some(pads)) = (dims("strides", r, 1), dims("pads", 2 * r, 0)) else {
        return Err(cx.unsupported(ctx, "these strides / pads"));
    };
    // The default output shape: indices address positions in it.
    let mut inferred = s[..2].to_vec();
    for i in 0..r {
        let v = (s[i + 2] - 1).max(0) * strides[i] + kernel[i] - pads[i] - pads[i + r];
        if v < 0 {
            return Err(cx.unsupported(ctx, "pads larger than the output"));
        }
        inferred.push(v);
    }
    let n: i64 = s.iter().product();
    let total: i64 = os.iter().product();
    let inferred_total: i64 = inferred.iter().product();
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[n]);
    let ind = cx.input(ctx, 1)?;
    let iv = cx.view(ctx, ind, &[n]);
    let y = cx.output(ctx, 0)?;
    if total == 0 {
        return Ok(());
    }
    let yv = cx.view(ctx, y, &[total]);
    let ost = crate::builder::strides(&os);
    cx.kernel(ctx, "max_unpool", &[xv, iv, yv], |kb, a| {
        let st = e.storage_type(kb.ctx);
        let zero = kb.constant(st, 0.0);
        kb.for_range(total, |kb, i| kb.store(zero, a[2], &[i]));
        if n == 0 || inferred_total == 0 {
            return Ok(());
        }
        kb.for_range(n, |kb, i| {
            let v = kb.load(a[1], &[i]);
            let k = common::to_index(kb, ie, v);
            let z = kb.index(0);
            let ge = kb.cmp(false, cmpi::SGE, k, z);
            let tv = kb.index(inferred_total);
            let lt = kb.cmp(false, cmpi::SLT, k, tv);
            let mut ok = and(kb, ge, lt);
            let mut rem = common::clamp_index(kb, k, 0, inferred_total - 1);
            let mut off: Option<Value> = None;
            for d in (0..inferred.len()).rev() {
                let dv = kb.index(inferred[d]);
                let c = kb.binary("arith.remsi", rem, dv);
                rem = kb.binary("arith.divsi", rem, dv);
                if inferred[d] > os[d] {
                    let ov = kb.index(os[d]);
                    let inside = kb.cmp(false, cmpi::SLT, c, ov);
                    ok = and(kb, ok, inside);
                }
                let t = common::mul_const(kb, c, ost[d]);
                off = Some(match off {
                    Some(o) => kb.addi(o, t),
                    None => t,
                });
            }
            let off = off.unwrap_or(z);
            kb.if_else(
                ok,
                &[],
                |kb| {
                    let xv = kb.load(a[0], &[i]);
                    kb.store(xv, a[2], &[off]);
                    Vec::new()
                },
                None,
            );
        });
        Ok(())
    })
}

fn det(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() {
        return Err(cx.unsupported(ctx, "a non-float input"));
    }
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    if r < 2 || s[r - 1] != s[r - 2] {
        return Err(cx.unsupported(ctx, "an input that is not [..., M, M]"));
    }
    let m = s[r - 1];
    let batch: i64 = s[..r - 2].iter().product();
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[batch, m, m]);
    let y = cx.output(ctx, 0)?;
    if batch == 0 {
        return Ok(());
    }
    let yv = cx.view(ctx, y, &[batch]);
    cx.kernel(ctx, "det", &[xv, yv], |kb, a| {
        kb.parallel(&[batch], |kb, iv| {
            let b = iv[0];
            let f64t = common::f64_type(kb);
            let mt = kb.ctx.memref_type(vec![m.max(1), m.max(1)], f64t);
            let t = kb.op1("buffer.alloca", &[], mt, &[]);
            kb.for_range(m, |kb, i| {
                kb.for_range(m, |kb, j| {
                    let v = kb.load_elem(e, a[0], &[b, i, j]);
                    let v = common::to_f64(kb, e, v);
                    kb.store(v, t, &[i, j]);
                });
            });
            let one = kb.constant(f64t, 1.0);
            let i1 = kb.ctx.i1_type();
            let no = kb.constant(i1, 0.0);
            let lb = kb.index(0);
            let ub = kb.index(m);
            let step = kb.index(1);
            let res = kb.for_loop(lb, ub, step, &[one, no], |kb, c, acc| {
                let (d0, done) = (acc[0], acc[1]);
                let types = [f64t, i1];
                kb.if_else(
                    done,
                    &types,
                    |_| vec![d0, done],
                    Some(Box::new(move |kb: &mut Kb<'_>| elim_step(kb, t, m, c, d0))),
                )
            });
            let v = common::from_f64(kb, e, res[0]);
            kb.store_elem(e, v, a[1], &[b]);
        });
        Ok(())
    })
}

/// Column `c` of Det's elimination on the f64 matrix `t` (`m` x `m`), determinant so far `d`:
/// yields the new determinant and whether a zero pivot ended it.
fn elim_step(kb: &mut Kb<'_>, t: Value, m: i64, c: Value, d: Value) -> Vec<Value> {
    let f64t = kb.value_type(d);
    let i1 = kb.ctx.i1_type();
    let one = kb.index(1);
    let ub = kb.index(m);
    let c1 = kb.addi(c, one);
    // Pivot: the first row of largest |a[r][c]|.
    let piv = kb.for_loop(c1, ub, one, &[c], |kb, r, acc| {
        let p = acc[0];
        let ar = kb.load(t, &[r, c]);
        let ar = kb.unary("math.absf", ar);
        let ap = kb.load(t, &[p, c]);
        let ap = kb.unary("math.absf", ap);
        let gt = kb.cmp(true, cmpf::OGT, ar, ap);
        vec![kb.select(gt, r, p)]
    })[0];
    let pv = kb.load(t, &[piv, c]);
    let zero = kb.constant(f64t, 0.0);
    let is_zero = kb.cmp(true, cmpf::OEQ, pv, zero);
    kb.if_else(
        is_zero,
        &[f64t, i1],
        |kb| {
            let z = kb.constant(f64t, 0.0);
            let yes = kb.constant(i1, 1.0);
            vec![z, yes]
        },
        Some(Box::new(move |kb: &mut Kb<'_>| {
            let lb = kb.index(0);
            let ub = kb.index(m);
            let one = kb.index(1);
            kb.for_loop(lb, ub, one, &[], |kb, j, _| {
                let u = kb.load(t, &[c, j]);
                let v = kb.load(t, &[piv, j]);
                kb.store(v, t, &[c, j]);
                kb.store(u, t, &[piv, j]);
                Vec::new()
            });
            let swapped = kb.cmp(false, cmpi::NE, piv, c);
            let nd = kb.unary("arith.negf", d);
            let d = kb.select(swapped, nd, d);
            let p = kb.load(t, &[c, c]);
            let d = kb.binary("arith.mulf", d, p);
            let c1 = kb.addi(c, one);
            kb.for_loop(c1, ub, one, &[], |kb, r, _| {
                let arc = kb.load(t, &[r, c]);
                let f = kb.binary("arith.divf", arc, p);
                kb.for_loop(c, ub, one, &[], |kb, j, _| {
                    let arj = kb.load(t, &[r, j]);
                    let acj = kb.load(t, &[c, j]);
                    let fm = kb.binary("arith.mulf", f, acj);
                    let v = kb.binary("arith.subf", arj, fm);
                    kb.store(v, t, &[r, j]);
                    Vec::new()
                });
                Vec::new()
            });
            let no = kb.constant(i1, 0.0);
            vec![d, no]
        })),
    )
}

/// Loops `0..ubs[i]` (runtime bounds, step 1) nested in order around `body(kb, ivs)`.
fn runtime_nest(
    kb: &mut Kb<'_>,
    ubs: &[Value],
    ivs: &mut Vec<Value>,
    body: &mut common::NestBody<'_>,
) {
    let Some((&ub, rest)) = ubs.split_first() else {
        body(kb, ivs);
        return;
    };
    let lb = kb.index(0);
    let one = kb.index(1);
    kb.for_loop(lb, ub, one, &[], |kb, i, _| {
        ivs.push(i);
        runtime_nest(kb, rest, ivs, body);
        ivs.pop();
        Vec::new()
    });
}

fn col2im(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() {
        return Err(cx.unsupported(ctx, "a non-float input"));
    }
    let xs = cx.operand_shape(ctx, 0);
    let os = cx.result_shape(ctx, 0);
    let nd = os.len().saturating_sub(2);
    if xs.len() != 3 || nd == 0 || os[0] != xs[0] || cx.operand_shape(ctx, 2) != [nd as i64] {
        return Err(cx.unsupported(ctx, "these shapes"));
    }
    let image = os[2..].to_vec();
    // The image shape may be a runtime input; the static result shape fixes it.
    if common::const_ints(ctx, cx, 1).is_some_and(|v| v != image) {
        return Err(cx.unsupported(ctx, "an image_shape that disagrees with the result shape"));
    }
    let dims = |name: &str, len: usize, default: i64| -> Option<Vec<i64>> {
        match cx.attr_ints(ctx, name) {
            Some(v) if !v.is_empty() => (v.len() == len && v.iter().all(|&x| x >= 0)).then_some(v),
            _ => Some(vec![default; len]),
        }
    };
    let (Some(dil), Some(pads), Some(stride)) = (
        dims("dilations", nd, 1),
        dims("pads", 2 * nd, 0),
        dims("strides", nd, 1),
    ) else {
        return Err(cx.unsupported(ctx, "these dilations / pads / strides"));
    };
    if stride.contains(&0) || dil.contains(&0) {
        return Err(cx.unsupported(ctx, "zero strides or dilations"));
    }
    let (nb, ck, l) = (xs[0], xs[1], xs[2]);
    let c = os[1];
    if c == 0 || ck % c != 0 {
        return Err(cx.unsupported(ctx, "a channel count that does not divide the input's"));
    }
    let kprod = ck / c;
    let block_const = common::const_ints(ctx, cx, 2);
    if let Some(b) = &block_const
        && (b.iter().any(|&v| v <= 0) || b.iter().product::<i64>() != kprod)
    {
        return Err(cx.unsupported(ctx, "this block_shape"));
    }
    let img: i64 = image.iter().product();
    let x = cx.input(ctx, 0)?;
    let mut args = vec![x];
    // A runtime block shape is argument 1.
    if block_const.is_none() {
        let bi = cx.input(ctx, 2)?;
        args.push(bi);
    }
    let be = cx.operand_elem(ctx, 2)?;
    if !matches!(be, Elem::Int { .. }) {
        return Err(cx.unsupported(ctx, "a block_shape that is not integer"));
    }
    let y = cx.output(ctx, 0)?;
    if nb * c * img == 0 {
        return Ok(());
    }
    let yv = cx.view(ctx, y, &[nb, c, img]);
    args.push(yv);
    cx.kernel(ctx, "col2im", &args, |kb, a| {
        let yo = a[a.len() - 1];
        kb.parallel(&[nb, c], |kb, iv| {
            let (b, ch) = (iv[0], iv[1]);
            let f64t = common::f64_type(kb);
            let mt = kb.ctx.memref_type(vec![img], f64t);
            let acc = kb.op1("buffer.alloca", &[], mt, &[]);
            let zero = kb.constant(f64t, 0.0);
            kb.for_range(img, |kb, i| kb.store(zero, acc, &[i]));
            // Block dims (at least 1) and the number of sliding positions per dim.
            let mut block = Vec::with_capacity(nd);
            let mut cols = Vec::with_capacity(nd);
            for i in 0..nd {
                let bk = match &block_const {
                    Some(v) => kb.index(v[i]),
                    None => {
                        let iv = kb.index(i as i64);
                        let v = kb.load_elem(be, a[1], &[iv]);
                        let v = common::to_index(kb, be, v);
                        common::clamp_index(kb, v, 1, i64::MAX)
                    }
                };
                // cols = (span - (dil * (block - 1) + 1)) / stride + 1, at least 0.
                let span = image[i] + pads[i] + pads[i + nd];
                let bm1 = common::add_const(kb, bk, -1);
                let ek = kb.mul_add_index(bm1, dil[i], None);
                let ek = common::add_const(kb, ek, 1);
                let sv = kb.index(span);
                let room = kb.subi(sv, ek);
                let stv = kb.index(stride[i]);
                let q = kb.binary("arith.divsi", room, stv);
                let q = common::add_const(kb, q, 1);
                let z = kb.index(0);
                let neg = kb.cmp(false, cmpi::SLT, room, z);
                cols.push(kb.select(neg, z, q));
                block.push(bk);
            }
            let mut kiv = Vec::new();
            runtime_nest(kb, &block, &mut kiv, &mut |kb, k| {
                let mut kidx = k[0];
                for i in 1..nd {
                    let t = kb.muli(kidx, block[i]);
                    kidx = kb.addi(t, k[i]);
                }
                let row = kb.mul_add_index(ch, kprod, Some(kidx));
                let row = common::clamp_index(kb, row, 0, ck - 1);
                let mut piv = Vec::new();
                runtime_nest(kb, &cols, &mut piv, &mut |kb, p| {
                    let mut col = p[0];
                    for i in 1..nd {
                        let t = kb.muli(col, cols[i]);
                        col = kb.addi(t, p[i]);
                    }
                    let col = common::clamp_index(kb, col, 0, l - 1);
                    let i1 = kb.ctx.i1_type();
                    let mut inside = kb.constant(i1, 1.0);
                    let mut pos = Vec::with_capacity(nd);
                    for i in 0..nd {
                        let t = kb.mul_add_index(p[i], stride[i], None);
                        let u = kb.mul_add_index(k[i], dil[i], Some(t));
                        let q = common::add_const(kb, u, -pads[i]);
                        let z = kb.index(0);
                        let hi = kb.index(image[i]);
                        let ge = kb.cmp(false, cmpi::SGE, q, z);
                        let lt = kb.cmp(false, cmpi::SLT, q, hi);
                        let ok = and(kb, ge, lt);
                        inside = and(kb, inside, ok);
                        pos.push(common::clamp_index(kb, q, 0, image[i] - 1));
                    }
                    let off = common::linearize(kb, &pos, &image);
                    kb.if_else(
                        inside,
                        &[],
                        |kb| {
                            let v = kb.load_elem(e, a[0], &[b, row, col]);
                            let v = common::to_f64(kb, e, v);
                            let old = kb.load(acc, &[off]);
                            let s = kb.binary("arith.addf", old, v);
                            kb.store(s, acc, &[off]);
                            Vec::new()
                        },
                        None,
                    );
                });
            });
            kb.for_range(img, |kb, i| {
                let v = kb.load(acc, &[i]);
                let v = common::from_f64(kb, e, v);
                kb.store_elem(e, v, yo, &[b, ch, i]);
            });
        });
        Ok(())
    })
}
