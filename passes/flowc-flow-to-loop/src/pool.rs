//! Pooling: MaxPool (with the optional Indices result, storage_order), AveragePool
//! (count_include_pad), LpPool, and the Global{Max,Average,Lp}Pool ops, N-D, with pads,
//! strides, dilations, auto_pad and ceil_mode; semantics of crates/flowc-interp/src/ops/conv.rs
//! (`geometry`, `pool`, `global_pool`).
//!
//! One kernel per op, parallel over (N * C planes, all output spatial dims but the last); the
//! last output dim is a sequential loop, and each window is a nest of loops whose bounds are
//! clipped to the input (no per-element padding tests). Window elements are visited in
//! row-major order, as the interpreter visits them (sums round the same way).

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common::{self, AccBody, acc_nest};
use flowc_ir::{Context, Diagnostic, FloatKind, Value};

#[derive(Copy, Clone, PartialEq)]
enum Pool {
    Max,
    Average,
    Lp,
}

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let (kind, global) = match name {
        "flow.max_pool" => (Pool::Max, false),
        "flow.average_pool" => (Pool::Average, false),
        "flow.lp_pool" => (Pool::Lp, false),
        "flow.global_max_pool" => (Pool::Max, true),
        "flow.global_average_pool" => (Pool::Average, true),
        "flow.global_lp_pool" => (Pool::Lp, true),
        _ => return Ok(false),
    };
    common::require_static(ctx, cx)?;
    let s = cx.operand_shape(ctx, 0);
    if s.len() < 3 {
        return Err(cx.unsupported(ctx, "an input of rank < 3"));
    }
    let e = cx.operand_elem(ctx, 0)?;
    if e == Elem::Bool || ((kind != Pool::Max || global) && !e.is_float()) {
        return Err(cx.unsupported(ctx, format!("element type {e:?}")));
    }
    if global {
        global_pool(ctx, cx, kind, e, &s)?;
    } else {
        pool(ctx, cx, kind, e, &s)?;
    }
    Ok(true)
}

/// The window geometry of one spatial dim.
#[derive(Clone, Debug)]
struct Dim {
    input: i64,
    kernel: i64,
    stride: i64,
    dilation: i64,
    pad_begin: i64,
    pad_end: i64,
    output: i64,
}

fn attr_dims(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    name: &str,
    len: usize,
    default: i64,
) -> Result<Vec<i64>, Diagnostic> {
    match cx.attr_ints(ctx, name) {
        None => Ok(vec![default; len]),
        Some(v) if v.is_empty() => Ok(vec![default; len]),
        Some(v) if v.len() == len && v.iter().all(|&x| x >= 0) => Ok(v),
        Some(v) => Err(cx.unsupported(ctx, format!("{name} = {v:?}"))),
    }
}

/// The interpreter's `geometry` (conv.rs) for pooling.
fn geometry(ctx: &Context, cx: &OpCx<'_, '_>, input: &[i64]) -> Result<Vec<Dim>, Diagnostic> {
    let r = input.len();
    let kernel = cx
        .attr_ints(ctx, "kernel_shape")
        .ok_or_else(|| cx.unsupported(ctx, "a missing kernel_shape"))?;
    if kernel.len() != r || kernel.iter().any(|&k| k < 0) {
        return Err(cx.unsupported(ctx, format!("kernel_shape {kernel:?}")));
    }
    let strides = attr_dims(ctx, cx, "strides", r, 1)?;
    let dilations = attr_dims(ctx, cx, "dilations", r, 1)?;
    if strides.contains(&0) || dilations.contains(&0) {
        return Err(cx.unsupported(ctx, "zero strides or dilations"));
    }
    let ceil = cx.attr_i64(ctx, "ceil_mode", 0) != 0;
    let auto_pad = cx.attr_str(ctx, "auto_pad").unwrap_or("NOTSET").to_string();
    let pads = attr_dims(ctx, cx, "pads", 2 * r, 0)?;
    let mut dims = Vec::new();
    for i in 0..r {
        let ek = (kernel[i] - 1).max(0) * dilations[i] + 1;
        let (pb, pe, o) = match auto_pad.as_str() {
            "NOTSET" | "" => {
                let (pb, pe) = (pads[i], pads[i + r]);
                let padded = input[i] + pb + pe;
                if padded < ek {
                    return Err(cx.unsupported(ctx, "a kernel larger than the padded input"));
                }
                let span = padded - ek;
                let mut o = if ceil {
                    (span + strides[i] - 1) / strides[i]
                } else {
                    span / strides[i]
                } + 1;
                if ceil && (o - 1) * strides[i] >= input[i] + pb {
                    o -= 1;
                }
                (pb, pe, o)
            }
            "VALID" => {
                if input[i] < ek {
                    return Err(cx.unsupported(ctx, "a kernel larger than the input"));
                }
                let span = input[i] - ek;
                let o = if ceil {
                    (span + strides[i] - 1) / strides[i]
                } else {
                    span / strides[i]
                } + 1;
                (0, 0, o)
            }
            "SAME_UPPER" | "SAME_LOWER" => {
                let o = (input[i] + strides[i] - 1) / strides[i];
                let total = ((o.max(1) - 1) * strides[i] + ek - input[i]).max(0);
                let small = total / 2;
                if auto_pad == "SAME_UPPER" {
                    (small, total - small, o)
                } else {
                    (total - small, small, o)
                }
            }
            other => return Err(cx.unsupported(ctx, format!("auto_pad {other}"))),
        };
        dims.push(Dim {
            input: input[i],
            kernel: kernel[i],
            stride: strides[i],
            dilation: dilations[i],
            pad_begin: pb,
            pad_end: pe,
            output: o,
        });
    }
    Ok(dims)
}

/// For output position `o` on `g`: (window start in input coordinates, first valid kernel
/// offset, end of the valid kernel offsets (exclusive), end of the offsets inside the padded
/// input (exclusive)).
fn window(kb: &mut Kb<'_>, g: &Dim, o: Value) -> (Value, Value, Value, Value) {
    let base = kb.mul_add_index(o, g.stride, None);
    let start = common::add_const(kb, base, -g.pad_begin);
    let dil = kb.index(g.dilation);
    let zero = kb.index(0);
    let kmax = kb.index(g.kernel);
    // lo = max(0, ceil(-start / dil))
    let nstart = kb.binary("arith.subi", zero, start);
    let lo = kb.binary("arith.ceildivsi", nstart, dil);
    let lo = kb.binary("arith.maxsi", lo, zero);
    let lo = kb.binary("arith.minsi", lo, kmax);
    // hi = min(K, ceil((in - start) / dil)), at least lo
    let inv = kb.index(g.input);
    let rem = kb.binary("arith.subi", inv, start);
    let hi = kb.binary("arith.ceildivsi", rem, dil);
    let hi = kb.binary("arith.minsi", hi, kmax);
    let hi = kb.binary("arith.maxsi", hi, lo);
    // inside the padded input: base + k * dil < in + pb + pe
    let padded = kb.index(g.input + g.pad_begin + g.pad_end);
    let prem = kb.binary("arith.subi", padded, base);
    let phi = kb.binary("arith.ceildivsi", prem, dil);
    let phi = kb.binary("arith.minsi", phi, kmax);
    let phi = kb.binary("arith.maxsi", phi, zero);
    (start, lo, hi, phi)
}

fn pool(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    kind: Pool,
    e: Elem,
    s: &[i64],
) -> Result<(), Diagnostic> {
    let r = s.len() - 2;
    let dims = geometry(ctx, cx, &s[2..])?;
    let planes = s[0] * s[1];
    let mut out: Vec<i64> = vec![planes];
    out.extend(dims.iter().map(|d| d.output));
    let o = cx.result_shape(ctx, 0);
    if o[..2] != s[..2] || o[2..] != out[1..] {
        return Err(cx.unsupported(ctx, format!("a result shape {o:?} unlike the geometry's")));
    }
    let include_pad = cx.attr_i64(ctx, "count_include_pad", 0) != 0;
    let p = cx.attr_i64(ctx, "p", 2) as f64;
    let col_major = cx.attr_i64(ctx, "storage_order", 0) != 0;
    let mut xin = vec![planes];
    xin.extend_from_slice(&s[2..]);
    let in_size: i64 = s[2..].iter().product();
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &xin);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &out);
    let mut args = vec![xv, yv];
    let with_indices = kind == Pool::Max && ctx.num_results(cx.op) > 1 && cx.output(ctx, 1).is_ok();
    if with_indices {
        let ib = cx.output(ctx, 1)?;
        args.push(cx.view(ctx, ib, &out));
    }
    // Row-major and column-major strides of the input plane.
    let rstr = crate::builder::strides(&s[2..]);
    let mut cstr = vec![1i64; r];
    for d in 1..r {
        cstr[d] = cstr[d - 1] * s[2 + d - 1];
    }
    let hint = match kind {
        Pool::Max => "max_pool",
        Pool::Average => "average_pool",
        Pool::Lp => "lp_pool",
    };
    cx.kernel(ctx, hint, &args, |kb, a| {
        if out.contains(&0) {
            return Ok(());
        }
        let npar = out.len() - 1;
        common::par_nest(kb, &out, npar, &mut |kb, idx| {
            let pl = idx[0];
            let wins: Vec<(Value, Value, Value, Value)> =
                (0..r).map(|d| window(kb, &dims[d], idx[1 + d])).collect();
            let ct = e.compute_type(kb.ctx);
            // The nest over the valid window, row-major.
            let nest = |kb: &mut Kb<'_>, inits: &[Value], f: &mut AccBody<'_>| {
                fn go(
                    kb: &mut Kb<'_>,
                    d: usize,
                    wins: &[(Value, Value, Value, Value)],
                    dims: &[Dim],
                    pos: &mut Vec<Value>,
                    accs: &[Value],
                    f: &mut AccBody<'_>,
                ) -> Vec<Value> {
                    if d == wins.len() {
                        return f(kb, pos, accs);
                    }
                    let (start, lo, hi, _) = wins[d];
                    let one = kb.index(1);
                    let dil = dims[d].dilation;
                    kb.for_loop(lo, hi, one, accs, |kb, k, acc| {
                        let p = kb.mul_add_index(k, dil, Some(start));
                        pos.push(p);
                        let res = go(kb, d + 1, wins, dims, pos, acc, f);
                        pos.pop();
                        res
                    })
                }
                let mut pos = Vec::new();
                go(kb, 0, &wins, &dims, &mut pos, inits, f)
            };
            match kind {
                // Without an Indices output: `best = (v > best || v is NaN) ? v : best` from
                // -inf, which is the reference's rule (first maximum kept, a NaN sticks since
                // nothing compares greater) without the index bookkeeping.
                Pool::Max if !with_indices && e.is_float() => {
                    let lowest = common::lowest(kb, e);
                    let res = nest(kb, &[lowest], &mut |kb, pos, acc| {
                        let mut xi = vec![pl];
                        xi.extend_from_slice(pos);
                        let v = kb.load_elem(e, a[0], &xi);
                        let gt = kb.cmp(true, cmpf::OGT, v, acc[0]);
                        let nan = kb.cmp(true, cmpf::UNO, v, v);
                        let take = kb.binary("arith.ori", gt, nan);
                        vec![kb.select(take, v, acc[0])]
                    });
                    kb.store_elem(e, res[0], a[1], idx);
                }
                Pool::Max => {
                    let lowest = common::lowest(kb, e);
                    let m1 = kb.index(-1);
                    let res = nest(kb, &[lowest, m1], &mut |kb, pos, acc| {
                        let (best, bi) = (acc[0], acc[1]);
                        let mut xi = vec![pl];
                        xi.extend_from_slice(pos);
                        let v = kb.load_elem(e, a[0], &xi);
                        let z = kb.index(0);
                        let none = kb.cmp(false, cmpi::SLT, bi, z);
                        let gt = common::compare(kb, e, "gt", v, best);
                        let mut better = common::or(kb, none, gt);
                        if e.is_float() {
                            let vn = common::is_nan(kb, v);
                            let bn = common::not_nan(kb, best);
                            let nn = common::and(kb, vn, bn);
                            better = common::or(kb, better, nn);
                        }
                        let off = if with_indices {
                            let st = if col_major { &cstr } else { &rstr };
                            let mut off = kb.index(0);
                            for (d, &pv) in pos.iter().enumerate() {
                                off = kb.mul_add_index(pv, st[d], Some(off));
                            }
                            off
                        } else {
                            kb.index(0)
                        };
                        let nb = kb.select(better, v, best);
                        let nbi = kb.select(better, off, bi);
                        vec![nb, nbi]
                    });
                    kb.store_elem(e, res[0], a[1], idx);
                    if with_indices {
                        let z = kb.index(0);
                        let local = kb.binary("arith.maxsi", res[1], z);
                        let g = kb.mul_add_index(pl, in_size, Some(local));
                        let i64t = kb.ctx.integer_type(64);
                        let g = kb.cast("arith.index_cast", g, i64t);
                        kb.store(g, a[2], idx);
                    }
                }
                Pool::Average | Pool::Lp => {
                    let z = kb.constant(ct, 0.0);
                    let pa = kb.constant(ct, p);
                    let sum = nest(kb, &[z], &mut |kb, pos, acc| {
                        let mut xi = vec![pl];
                        xi.extend_from_slice(pos);
                        let v = kb.load_elem(e, a[0], &xi);
                        let t = if kind == Pool::Lp {
                            let ab = kb.unary("math.absf", v);
                            kb.op1("math.powf", &[ab, pa], ct, &[])
                        } else {
                            v
                        };
                        vec![kb.binary("arith.addf", acc[0], t)]
                    })[0];
                    let res = if kind == Pool::Lp {
                        let one = kb.constant(ct, 1.0);
                        let inv = kb.binary("arith.divf", one, pa);
                        kb.op1("math.powf", &[sum, inv], ct, &[])
                    } else {
                        let mut cnt = kb.index(1);
                        for &(_, lo, hi, phi) in &wins {
                            let c = if include_pad {
                                phi
                            } else {
                                kb.binary("arith.subi", hi, lo)
                            };
                            cnt = kb.muli(cnt, c);
                        }
                        let one = kb.index(1);
                        let cnt = kb.binary("arith.maxsi", cnt, one);
                        let i64t = kb.ctx.integer_type(64);
                        let ci = kb.cast("arith.index_cast", cnt, i64t);
                        let cf = kb.cast("arith.sitofp", ci, ct);
                        kb.binary("arith.divf", sum, cf)
                    };
                    kb.store_elem(e, res, a[1], idx);
                }
            }
        });
        Ok(())
    })
}

fn global_pool(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    kind: Pool,
    e: Elem,
    s: &[i64],
) -> Result<(), Diagnostic> {
    let planes = s[0] * s[1];
    let size: i64 = s[2..].iter().product();
    let p = cx.attr_i64(ctx, "p", 2) as f64;
    if cx.target() == crate::KernelTarget::Gpu {
        let gk = match kind {
            Pool::Max => crate::gpu_reduce::GlobalPool::Max,
            Pool::Average => crate::gpu_reduce::GlobalPool::Average,
            Pool::Lp => crate::gpu_reduce::GlobalPool::Lp(p),
        };
        if crate::gpu_reduce::global_pool(ctx, cx, gk, e, s)? {
            return Ok(());
        }
    }
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[planes, size]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[planes]);
    let f64e = Elem::Float(FloatKind::F64);
    let hint = match kind {
        Pool::Max => "global_max_pool",
        Pool::Average => "global_average_pool",
        Pool::Lp => "global_lp_pool",
    };
    cx.kernel(ctx, hint, &[xv, yv], |kb, a| {
        if planes == 0 {
            return Ok(());
        }
        kb.parallel(&[planes], |kb, ivs| {
            let pl = ivs[0];
            let res = match kind {
                Pool::Max => {
                    let init = common::lowest(kb, e);
                    acc_nest(kb, &[size], &[init], &mut |kb, i, acc| {
                        let v = kb.load_elem(e, a[0], &[pl, i[0]]);
                        vec![common::max_nan(kb, e, acc[0], v, true)]
                    })[0]
                }
                _ => {
                    let f64t = common::f64_type(kb);
                    let z = kb.constant(f64t, 0.0);
                    let pv = kb.constant(f64t, p);
                    let sum = acc_nest(kb, &[size], &[z], &mut |kb, i, acc| {
                        let v = kb.load_elem(e, a[0], &[pl, i[0]]);
                        let f = common::to_f64(kb, e, v);
                        let t = if kind == Pool::Lp {
                            let ab = kb.unary("math.absf", f);
                            kb.op1("math.powf", &[ab, pv], f64t, &[])
                        } else {
                            f
                        };
                        vec![kb.binary("arith.addf", acc[0], t)]
                    })[0];
                    let r = if kind == Pool::Lp {
                        let inv = kb.constant(f64t, 1.0 / p);
                        kb.op1("math.powf", &[sum, inv], f64t, &[])
                    } else {
                        let n = kb.constant(f64t, size as f64);
                        kb.binary("arith.divf", sum, n)
                    };
                    crate::elementwise::convert(kb, r, f64e, e)
                }
            };
            kb.store_elem(e, res, a[1], &[pl]);
        });
        Ok(())
    })
}
