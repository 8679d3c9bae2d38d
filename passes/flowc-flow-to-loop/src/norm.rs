//! Softmax / LogSoftmax / Hardmax and the normalizations (Layer, Batch (inference), Instance,
//! Group, RMS, Lp, MeanVariance, LRN), as the interpreter computes them
//! (crates/flowc-interp/src/ops/reduce.rs `softmax_typed`, norm.rs, extra.rs `rms_norm`):
//! softmax in the element's compute type with the reference's roundings, normalization
//! statistics and results in f64 (sums sequential, in order), rounded once into the element
//! type. One kernel each, parallel over rows / planes, the row loops contiguous where the layout
//! allows.

use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common::{self, acc_nest, seq_nest};
use crate::elementwise::broadcast_index;
use crate::{KernelTarget, OpCx, gpu_reduce};
use flowc_ir::{Context, Diagnostic, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let f = match name {
        "flow.softmax" => |c: &mut Context, x: &mut OpCx<'_, '_>| softmax(c, x, 0),
        "flow.log_softmax" => |c: &mut Context, x: &mut OpCx<'_, '_>| softmax(c, x, 1),
        "flow.hardmax" => |c: &mut Context, x: &mut OpCx<'_, '_>| softmax(c, x, 2),
        "flow.layer_normalization" => |c: &mut Context, x: &mut OpCx<'_, '_>| row_norm(c, x, false),
        "flow.rms_normalization" => |c: &mut Context, x: &mut OpCx<'_, '_>| row_norm(c, x, true),
        "flow.batch_normalization" => batch_norm,
        "flow.instance_normalization" => instance_norm,
        "flow.group_normalization" => group_norm,
        "flow.lp_normalization" => lp_norm,
        "flow.mean_variance_normalization" => mvn,
        "flow.lrn" => lrn,
        _ => return Ok(false),
    };
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() {
        return Err(cx.unsupported(ctx, format!("element type {e:?}")));
    }
    f(ctx, cx)?;
    Ok(true)
}

/// `(outer, d, inner)` around `axis`.
fn split_at(s: &[i64], axis: usize) -> (i64, i64, i64) {
    (
        s[..axis].iter().product(),
        s[axis],
        s[axis + 1..].iter().product(),
    )
}

/// Softmax (`kind` 0), LogSoftmax (1), Hardmax (2) along `axis`: per lane, the max (NaN
/// ignored), then `e = r(exp(r(x - max)))` stored in the result, `s = r(sum e)`,
/// `y = r(e / s)` (LogSoftmax: `log(y)`); `r` rounds into the element type.
fn softmax(ctx: &mut Context, cx: &mut OpCx<'_, '_>, kind: u8) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", -1), s.len())?;
    if cx.target() == KernelTarget::Gpu && gpu_reduce::softmax(ctx, cx, kind, axis)? {
        return Ok(());
    }
    let (outer, d, inner) = split_at(&s, axis);
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, d, inner]);
    let yv = cx.view(ctx, y, &[outer, d, inner]);
    let hint = ["softmax", "log_softmax", "hardmax"][kind as usize];
    cx.kernel(ctx, hint, &[xv, yv], |kb, a| {
        let (xa, ya) = (a[0], a[1]);
        if outer * d * inner == 0 {
            return Ok(());
        }
        kb.parallel(&[outer], |kb, ivs| {
            let o = ivs[0];
            kb.for_range(inner, |kb, i| {
                let ct = e.compute_type(kb.ctx);
                let ninf = kb.constant(ct, f64::NEG_INFINITY);
                let z = kb.index(0);
                let lb = kb.index(0);
                let ub = kb.index(d);
                let one = kb.index(1);
                let mx = kb.for_loop(lb, ub, one, &[ninf, z], |kb, k, acc| {
                    let v = kb.load_elem(e, xa, &[o, k, i]);
                    let gt = kb.cmp(true, cmpf::OGT, v, acc[0]);
                    let m = kb.select(gt, v, acc[0]);
                    let ai = kb.select(gt, k, acc[1]);
                    vec![m, ai]
                });
                let (m, am) = (mx[0], mx[1]);
                if kind == 2 {
                    kb.for_range(d, |kb, k| {
                        let eq = kb.cmp(false, cmpi::EQ, k, am);
                        let onev = kb.constant(ct, 1.0);
                        let zv = kb.constant(ct, 0.0);
                        let v = kb.select(eq, onev, zv);
                        kb.store_elem(e, v, ya, &[o, k, i]);
                    });
                    return;
                }
                let zs = kb.constant(ct, 0.0);
                let sum = kb.for_loop(lb, ub, one, &[zs], |kb, k, acc| {
                    let v = kb.load_elem(e, xa, &[o, k, i]);
                    let dv = kb.binary("arith.subf", v, m);
                    let dv = common::round(kb, e, dv);
                    let ex = kb.unary("math.exp", dv);
                    let ex = common::round(kb, e, ex);
                    kb.store_elem(e, ex, ya, &[o, k, i]);
                    vec![kb.binary("arith.addf", acc[0], ex)]
                })[0];
                let sum = common::round(kb, e, sum);
                kb.for_range(d, |kb, k| {
                    let ex = kb.load_elem(e, ya, &[o, k, i]);
                    let q = kb.binary("arith.divf", ex, sum);
                    let q = common::round(kb, e, q);
                    let r = if kind == 1 {
                        kb.unary("math.log", q)
                    } else {
                        q
                    };
                    kb.store_elem(e, r, ya, &[o, k, i]);
                });
            });
        });
        Ok(())
    })
}

/// LayerNormalization (`rms = false`) and RMSNormalization (`rms = true`) over the dims from
/// `axis` on: per row, in f64, `y = ((x - mean) * inv_std) * scale + bias`, resp.
/// `y = (x * (1 / sqrt(mean(x^2) + eps))) * scale`; scale / bias broadcast to the normalized
/// dims (RMS: to the whole input). LayerNorm's optional Mean / InvStdDev results are written in
/// their element type.
fn row_norm(ctx: &mut Context, cx: &mut OpCx<'_, '_>, rms: bool) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let r = s.len();
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", -1), r)?;
    let eps = cx.attr_f64(ctx, "epsilon", 1e-5f32 as f64);
    let norm_shape: Vec<i64> = s[axis..].to_vec();
    let n: i64 = norm_shape.iter().product();
    let outer_shape: Vec<i64> = s[..axis].to_vec();
    let outer: i64 = outer_shape.iter().product();
    let scale_e = cx.operand_elem(ctx, 1)?;
    let scale_s = cx.operand_shape(ctx, 1);
    let has_bias = !rms && cx.has_operand(ctx, 2);
    let bias_e = if has_bias {
        Some(cx.operand_elem(ctx, 2)?)
    } else {
        None
    };
    let bias_s = if has_bias {
        cx.operand_shape(ctx, 2)
    } else {
        Vec::new()
    };
    if scale_s.len() > r || bias_s.len() > r {
        return Err(cx.unsupported(ctx, "scale / bias of a higher rank than the input"));
    }
    if !rms && (scale_s.len() > norm_shape.len() || bias_s.len() > norm_shape.len()) {
        return Err(cx.unsupported(ctx, "scale / bias broadcast beyond the normalized dims"));
    }
    if cx.target() == KernelTarget::Gpu && gpu_reduce::row_norm(ctx, cx, rms, axis, eps)? {
        return Ok(());
    }
    let mut args = vec![cx.input(ctx, 0)?, cx.input(ctx, 1)?];
    if has_bias {
        args.push(cx.input(ctx, 2)?);
    }
    args.push(cx.output(ctx, 0)?);
    // Optional statistics (LayerNormalization only).
    let stats = if rms {
        Vec::new()
    } else {
        layer_norm_stats(ctx, cx, &mut args, outer.max(1))?
    };
    let hint = if rms { "rms_norm" } else { "layer_norm" };
    cx.kernel(ctx, hint, &args, |kb, a| {
        if outer * n == 0 {
            return Ok(());
        }
        let xa = a[0];
        let sa = a[1];
        let ba = has_bias.then(|| a[2]);
        let ya = a[if has_bias { 3 } else { 2 }];
        let first_stat = if has_bias { 4 } else { 3 };
        let par: Vec<i64> = if outer_shape.is_empty() {
            vec![1]
        } else {
            outer_shape.clone()
        };
        kb.parallel(&par, |kb, ivs| {
            let oidx: Vec<Value> = if outer_shape.is_empty() {
                Vec::new()
            } else {
                ivs.to_vec()
            };
            let full = |tidx: &[Value]| {
                let mut v = oidx.clone();
                v.extend_from_slice(tidx);
                v
            };
            let f64t = common::f64_type(kb);
            let z = kb.constant(f64t, 0.0);
            let cnt = kb.constant(f64t, n as f64);
            let one = kb.constant(f64t, 1.0);
            let epsv = kb.constant(f64t, eps);
            let (mean, inv) = if rms {
                let ss = acc_nest(kb, &norm_shape, &[z], &mut |kb, t, acc| {
                    let v = kb.load_elem(e, xa, &full(t));
                    let f = common::to_f64(kb, e, v);
                    let sq = kb.binary("arith.mulf", f, f);
                    vec![kb.binary("arith.addf", acc[0], sq)]
                })[0];
                let ms = kb.binary("arith.divf", ss, cnt);
                let d = kb.binary("arith.addf", ms, epsv);
                let sq = kb.unary("math.sqrt", d);
                (z, kb.binary("arith.divf", one, sq))
            } else {
                let sum = acc_nest(kb, &norm_shape, &[z], &mut |kb, t, acc| {
                    let v = kb.load_elem(e, xa, &full(t));
                    let f = common::to_f64(kb, e, v);
                    vec![kb.binary("arith.addf", acc[0], f)]
                })[0];
                let m = kb.binary("arith.divf", sum, cnt);
                let vs = acc_nest(kb, &norm_shape, &[z], &mut |kb, t, acc| {
                    let v = kb.load_elem(e, xa, &full(t));
                    let f = common::to_f64(kb, e, v);
                    let dd = kb.binary("arith.subf", f, m);
                    let sq = kb.binary("arith.mulf", dd, dd);
                    vec![kb.binary("arith.addf", acc[0], sq)]
                })[0];
                let var = kb.binary("arith.divf", vs, cnt);
                let d = kb.binary("arith.addf", var, epsv);
                let sq = kb.unary("math.sqrt", d);
                (m, kb.binary("arith.divf", one, sq))
            };
            seq_nest(kb, &norm_shape, &mut |kb, t| {
                let idx = full(t);
                let v = kb.load_elem(e, xa, &idx);
                let f = common::to_f64(kb, e, v);
                let (si, base) = if rms {
                    (
                        broadcast_index(kb, &idx, &scale_s, &s),
                        kb.binary("arith.mulf", f, inv),
                    )
                } else {
                    let dd = kb.binary("arith.subf", f, mean);
                    (
                        broadcast_index(kb, t, &scale_s, &norm_shape),
                        kb.binary("arith.mulf", dd, inv),
                    )
                };
                let sv = kb.load_elem(scale_e, sa, &si);
                let sf = common::to_f64(kb, scale_e, sv);
                let mut yv = kb.binary("arith.mulf", base, sf);
                if !rms {
                    let bf = match (ba, bias_e) {
                        (Some(ba), Some(be)) => {
                            let bi = broadcast_index(kb, t, &bias_s, &norm_shape);
                            let bv = kb.load_elem(be, ba, &bi);
                            common::to_f64(kb, be, bv)
                        }
                        _ => kb.constant(f64t, 0.0),
                    };
                    yv = kb.binary("arith.addf", yv, bf);
                }
                let yv = common::from_f64(kb, e, yv);
                kb.store_elem(e, yv, ya, &idx);
            });
            if !stats.is_empty() {
                let lin = if oidx.is_empty() {
                    kb.index(0)
                } else {
                    common::linearize(kb, &oidx, &outer_shape)
                };
                for (j, &(k, se)) in stats.iter().enumerate() {
                    let v = if k == 1 { mean } else { inv };
                    let v = common::from_f64(kb, se, v);
                    kb.store_elem(se, v, a[first_stat + j], &[lin]);
                }
            }
        });
        Ok(())
    })
}

/// The per-channel parameter `i` (a [C] tensor) as a view of `[C]`.
fn channel_param(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    i: usize,
    c: i64,
) -> Result<(Value, Elem), Diagnostic> {
    let sh = cx.operand_shape(ctx, i);
    if sh.iter().product::<i64>() != c {
        return Err(cx.unsupported(
            ctx,
            format!("operand #{i} of shape {sh:?} for {c} channels"),
        ));
    }
    let b = cx.input(ctx, i)?;
    let el = cx.operand_elem(ctx, i)?;
    Ok((cx.view(ctx, b, &[c]), el))
}

/// BatchNormalization, inference form: `y = x * a + b` in f64 with
/// `a = scale / sqrt(var + eps)`, `b = bias - mean * a` per channel.
fn batch_norm(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    if cx.attr_i64(ctx, "training_mode", 0) != 0 {
        return Err(cx.unsupported(ctx, "training_mode = 1"));
    }
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.len() < 2 {
        return Err(cx.unsupported(ctx, "an input of rank < 2"));
    }
    let (nb, c) = (s[0], s[1]);
    let sp: i64 = s[2..].iter().product();
    let eps = cx.attr_f64(ctx, "epsilon", 1e-5f32 as f64);
    let mut args = Vec::new();
    let mut elems = Vec::new();
    let x = cx.input(ctx, 0)?;
    args.push(cx.view(ctx, x, &[nb, c, sp]));
    for i in 1..5 {
        let (v, el) = channel_param(ctx, cx, i, c)?;
        args.push(v);
        elems.push(el);
    }
    let y = cx.output(ctx, 0)?;
    args.push(cx.view(ctx, y, &[nb, c, sp]));
    cx.kernel(ctx, "batch_norm", &args, |kb, a| {
        if nb * c * sp == 0 {
            return Ok(());
        }
        kb.parallel(&[nb, c], |kb, ivs| {
            let (n, ch) = (ivs[0], ivs[1]);
            let mut p = Vec::new();
            for k in 0..4 {
                let v = kb.load_elem(elems[k], a[1 + k], &[ch]);
                p.push(common::to_f64(kb, elems[k], v));
            }
            let (scale, bias, mean, var) = (p[0], p[1], p[2], p[3]);
            let epsv = common::fconst(kb, var, eps);
            let ve = kb.binary("arith.addf", var, epsv);
            let sq = kb.unary("math.sqrt", ve);
            let av = kb.binary("arith.divf", scale, sq);
            let ma = kb.binary("arith.mulf", mean, av);
            let bv = kb.binary("arith.subf", bias, ma);
            kb.for_range(sp, |kb, i| {
                let v = kb.load_elem(e, a[0], &[n, ch, i]);
                let f = common::to_f64(kb, e, v);
                let t = kb.binary("arith.mulf", f, av);
                let t = kb.binary("arith.addf", t, bv);
                let r = common::from_f64(kb, e, t);
                kb.store_elem(e, r, a[5], &[n, ch, i]);
            });
        });
        Ok(())
    })
}

/// Mean and biased variance (f64, sequential sums) of `x[pre..., k...]` over the loop `shape`.
fn moments(kb: &mut Kb<'_>, e: Elem, x: Value, pre: &[Value], shape: &[i64]) -> (Value, Value) {
    let f64t = common::f64_type(kb);
    let z = kb.constant(f64t, 0.0);
    let count: i64 = shape.iter().product();
    let cnt = kb.constant(f64t, count.max(1) as f64);
    let full = |t: &[Value]| {
        let mut v = pre.to_vec();
        v.extend_from_slice(t);
        v
    };
    let sum = acc_nest(kb, shape, &[z], &mut |kb, t, acc| {
        let v = kb.load_elem(e, x, &full(t));
        let f = common::to_f64(kb, e, v);
        vec![kb.binary("arith.addf", acc[0], f)]
    })[0];
    let m = kb.binary("arith.divf", sum, cnt);
    let vs = acc_nest(kb, shape, &[z], &mut |kb, t, acc| {
        let v = kb.load_elem(e, x, &full(t));
        let f = common::to_f64(kb, e, v);
        let d = kb.binary("arith.subf", f, m);
        let sq = kb.binary("arith.mulf", d, d);
        vec![kb.binary("arith.addf", acc[0], sq)]
    })[0];
    let var = kb.binary("arith.divf", vs, cnt);
    (m, var)
}

/// InstanceNormalization: per (n, c) plane, `y = (x - mean) / sqrt(var + eps) * scale + bias`.
fn instance_norm(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.len() < 3 {
        return Err(cx.unsupported(ctx, "an input of rank < 3"));
    }
    let (nb, c) = (s[0], s[1]);
    let sp: i64 = s[2..].iter().product();
    let eps = cx.attr_f64(ctx, "epsilon", 1e-5f32 as f64);
    if cx.target() == KernelTarget::Gpu
        && cx.operand_shape(ctx, 1).iter().product::<i64>() == c
        && cx.operand_shape(ctx, 2).iter().product::<i64>() == c
        && gpu_reduce::plane_norm(ctx, cx, 0, eps)?
    {
        return Ok(());
    }
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[nb, c, sp]);
    let (sc, se) = channel_param(ctx, cx, 1, c)?;
    let (bi, be) = channel_param(ctx, cx, 2, c)?;
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[nb, c, sp]);
    cx.kernel(ctx, "instance_norm", &[xv, sc, bi, yv], |kb, a| {
        if nb * c == 0 {
            return Ok(());
        }
        kb.parallel(&[nb, c], |kb, ivs| {
            let (n, ch) = (ivs[0], ivs[1]);
            let (m, var) = moments(kb, e, a[0], &[n, ch], &[sp]);
            let epsv = common::fconst(kb, var, eps);
            let ve = kb.binary("arith.addf", var, epsv);
            let sd = kb.unary("math.sqrt", ve);
            let sv = kb.load_elem(se, a[1], &[ch]);
            let sf = common::to_f64(kb, se, sv);
            let bv = kb.load_elem(be, a[2], &[ch]);
            let bf = common::to_f64(kb, be, bv);
            kb.for_range(sp, |kb, i| {
                let v = kb.load_elem(e, a[0], &[n, ch, i]);
                let f = common::to_f64(kb, e, v);
                let d = kb.binary("arith.subf", f, m);
                let q = kb.binary("arith.divf", d, sd);
                let t = kb.binary("arith.mulf", q, sf);
                let t = kb.binary("arith.addf", t, bf);
                let r = common::from_f64(kb, e, t);
                kb.store_elem(e, r, a[3], &[n, ch, i]);
            });
        });
        Ok(())
    })
}

/// GroupNormalization: per (n, group) block, `y = (x - mean) * inv_std * scale[ch] + bias[ch]`;
/// scale / bias per channel or per group.
fn group_norm(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.len() < 2 {
        return Err(cx.unsupported(ctx, "an input of rank < 2"));
    }
    let (nb, c) = (s[0], s[1]);
    let g = cx.attr_i64(ctx, "num_groups", 0);
    if g <= 0 || c % g != 0 {
        return Err(cx.unsupported(ctx, format!("num_groups {g} for {c} channels")));
    }
    let cpg = c / g;
    let sp: i64 = s[2..].iter().product();
    let eps = cx.attr_f64(ctx, "epsilon", 1e-5f32 as f64);
    if cx.target() == KernelTarget::Gpu && gpu_reduce::plane_norm(ctx, cx, g, eps)? {
        return Ok(());
    }
    let counts = group_param_counts(ctx, cx, c, g)
        .map_err(|(i, n)| cx.unsupported(ctx, format!("operand #{i} with {n} elements")))?;
    let params = group_param_views(ctx, cx, counts)?;
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[nb, g, cpg, sp]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[nb, g, cpg, sp]);
    let args = [xv, params[0].0, params[1].0, yv];
    cx.kernel(ctx, "group_norm", &args, |kb, a| {
        if nb * c * sp == 0 {
            return Ok(());
        }
        kb.parallel(&[nb, g], |kb, ivs| {
            let (n, gi) = (ivs[0], ivs[1]);
            let f64t = common::f64_type(kb);
            let (m, var) = moments(kb, e, a[0], &[n, gi], &[cpg, sp]);
            let one = kb.constant(f64t, 1.0);
            let epsv = kb.constant(f64t, eps);
            let ve = kb.binary("arith.addf", var, epsv);
            let sd = kb.unary("math.sqrt", ve);
            let inv = kb.binary("arith.divf", one, sd);
            kb.for_range(cpg, |kb, j| {
                let ch = kb.mul_add_index(gi, cpg, Some(j));
                let mut pv = Vec::new();
                for (k, &(_, el, per_group)) in params.iter().enumerate() {
                    let at = if per_group { gi } else { ch };
                    let v = kb.load_elem(el, a[1 + k], &[at]);
                    pv.push(common::to_f64(kb, el, v));
                }
                kb.for_range(sp, |kb, i| {
                    let v = kb.load_elem(e, a[0], &[n, gi, j, i]);
                    let f = common::to_f64(kb, e, v);
                    let d = kb.binary("arith.subf", f, m);
                    let t = kb.binary("arith.mulf", d, inv);
                    let t = kb.binary("arith.mulf", t, pv[0]);
                    let t = kb.binary("arith.addf", t, pv[1]);
                    let r = common::from_f64(kb, e, t);
                    kb.store_elem(e, r, a[3], &[n, gi, j, i]);
                });
            });
        });
        Ok(())
    })
}

/// LpNormalization (p = 1 or 2) along `axis`: `y = norm == 0 ? 0 : x / norm` in f64.
fn lp_norm(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", -1), s.len())?;
    let p = cx.attr_i64(ctx, "p", 2);
    if p != 1 && p != 2 {
        return Err(cx.unsupported(ctx, format!("p = {p}")));
    }
    let (outer, d, inner) = split_at(&s, axis);
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, d, inner]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[outer, d, inner]);
    cx.kernel(ctx, "lp_norm", &[xv, yv], |kb, a| {
        if outer * d * inner == 0 {
            return Ok(());
        }
        kb.parallel(&[outer], |kb, ivs| {
            let o = ivs[0];
            kb.for_range(inner, |kb, i| {
                let f64t = common::f64_type(kb);
                let z = kb.constant(f64t, 0.0);
                let sum = acc_nest(kb, &[d], &[z], &mut |kb, k, acc| {
                    let v = kb.load_elem(e, a[0], &[o, k[0], i]);
                    let f = common::to_f64(kb, e, v);
                    let t = if p == 1 {
                        kb.unary("math.absf", f)
                    } else {
                        kb.binary("arith.mulf", f, f)
                    };
                    vec![kb.binary("arith.addf", acc[0], t)]
                })[0];
                let norm = if p == 1 {
                    sum
                } else {
                    kb.unary("math.sqrt", sum)
                };
                let is0 = kb.cmp(true, cmpf::OEQ, norm, z);
                kb.for_range(d, |kb, k| {
                    let v = kb.load_elem(e, a[0], &[o, k, i]);
                    let f = common::to_f64(kb, e, v);
                    let q = kb.binary("arith.divf", f, norm);
                    let q = kb.select(is0, z, q);
                    let r = common::from_f64(kb, e, q);
                    kb.store_elem(e, r, a[1], &[o, k, i]);
                });
            });
        });
        Ok(())
    })
}

/// MeanVarianceNormalization over `axes` (default [0, 2, 3]):
/// `y = (x - mean) / (sqrt(var) + 1e-9)` in f64.
fn mvn(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    let axes_in = cx.attr_ints(ctx, "axes").unwrap_or_else(|| vec![0, 2, 3]);
    let mut axes = Vec::new();
    for a in axes_in {
        let n = common::norm_axis(ctx, cx, a, r)?;
        if axes.contains(&n) {
            return Err(cx.unsupported(ctx, "repeated axes"));
        }
        axes.push(n);
    }
    axes.sort_unstable();
    let kept: Vec<usize> = (0..r).filter(|d| !axes.contains(d)).collect();
    let ksizes: Vec<i64> = kept.iter().map(|&d| s[d]).collect();
    let rsizes: Vec<i64> = axes.iter().map(|&d| s[d]).collect();
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    cx.kernel(ctx, "mvn", &[x, y], |kb, a| {
        if s.contains(&0) {
            return Ok(());
        }
        let npar = ksizes.len();
        common::par_nest(kb, &ksizes, npar, &mut |kb, kidx| {
            let full = |kb: &mut Kb<'_>, ridx: &[Value]| {
                let mut idx = vec![kb.index(0); r];
                for (k, &d) in kept.iter().enumerate() {
                    idx[d] = kidx[k];
                }
                for (k, &d) in axes.iter().enumerate() {
                    idx[d] = ridx[k];
                }
                idx
            };
            let f64t = common::f64_type(kb);
            let z = kb.constant(f64t, 0.0);
            let count: i64 = rsizes.iter().product();
            let cnt = kb.constant(f64t, count.max(1) as f64);
            let sum = acc_nest(kb, &rsizes, &[z], &mut |kb, ri, acc| {
                let idx = full(kb, ri);
                let v = kb.load_elem(e, a[0], &idx);
                let f = common::to_f64(kb, e, v);
                vec![kb.binary("arith.addf", acc[0], f)]
            })[0];
            let m = kb.binary("arith.divf", sum, cnt);
            let vs = acc_nest(kb, &rsizes, &[z], &mut |kb, ri, acc| {
                let idx = full(kb, ri);
                let v = kb.load_elem(e, a[0], &idx);
                let f = common::to_f64(kb, e, v);
                let d = kb.binary("arith.subf", f, m);
                let sq = kb.binary("arith.mulf", d, d);
                vec![kb.binary("arith.addf", acc[0], sq)]
            })[0];
            let var = kb.binary("arith.divf", vs, cnt);
            let sd = kb.unary("math.sqrt", var);
            let tiny = kb.constant(f64t, 1e-9);
            let den = kb.binary("arith.addf", sd, tiny);
            seq_nest(kb, &rsizes, &mut |kb, ri| {
                let idx = full(kb, ri);
                let v = kb.load_elem(e, a[0], &idx);
                let f = common::to_f64(kb, e, v);
                let d = kb.binary("arith.subf", f, m);
                let q = kb.binary("arith.divf", d, den);
                let r = common::from_f64(kb, e, q);
                kb.store_elem(e, r, a[1], &idx);
            });
        });
        Ok(())
    })
}

/// LRN across channels: `y = x / (bias + alpha / size * sum(x^2 over the window))^beta`.
fn lrn(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if s.len() < 3 {
        return Err(cx.unsupported(ctx, "an input of rank < 3"));
    }
    let size = cx.attr_i64(ctx, "size", 0);
    if size <= 0 {
        return Err(cx.unsupported(ctx, format!("size {size}")));
    }
    let alpha = cx.attr_f64(ctx, "alpha", 1e-4f32 as f64);
    let beta = cx.attr_f64(ctx, "beta", 0.75);
    let bias = cx.attr_f64(ctx, "bias", 1.0);
    let (nb, c) = (s[0], s[1]);
    let sp: i64 = s[2..].iter().product();
    let lo = (size - 1) / 2;
    let hi = (size - 1 + 1) / 2;
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[nb, c, sp]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[nb, c, sp]);
    cx.kernel(ctx, "lrn", &[xv, yv], |kb, a| {
        if nb * c * sp == 0 {
            return Ok(());
        }
        kb.parallel(&[nb, c], |kb, ivs| {
            let (n, ch) = (ivs[0], ivs[1]);
            let lov = kb.index(lo);
            let c0 = kb.binary("arith.subi", ch, lov);
            let zero = kb.index(0);
            let c0 = kb.binary("arith.maxsi", c0, zero);
            let c1 = common::add_const(kb, ch, hi + 1);
            let cv = kb.index(c);
            let c1 = kb.binary("arith.minsi", c1, cv);
            kb.for_range(sp, |kb, i| {
                let f64t = common::f64_type(kb);
                let z = kb.constant(f64t, 0.0);
                let one = kb.index(1);
                let sq = kb.for_loop(c0, c1, one, &[z], |kb, k, acc| {
                    let v = kb.load_elem(e, a[0], &[n, k, i]);
                    let f = common::to_f64(kb, e, v);
                    let q = kb.binary("arith.mulf", f, f);
                    vec![kb.binary("arith.addf", acc[0], q)]
                })[0];
                let v = kb.load_elem(e, a[0], &[n, ch, i]);
                let f = common::to_f64(kb, e, v);
                let k = kb.constant(f64t, alpha / size as f64);
                let b = kb.constant(f64t, bias);
                let t = kb.binary("arith.mulf", k, sq);
                let t = kb.binary("arith.addf", b, t);
                let be = kb.constant(f64t, beta);
                let p = kb.op1("math.powf", &[t, be], f64t, &[]);
                let q = kb.binary("arith.divf", f, p);
                let r = common::from_f64(kb, e, q);
                kb.store_elem(e, r, a[1], &[n, ch, i]);
            });
        });
        Ok(())
    })
}

/// LayerNormalization's optional Mean (result 1) and InvStdDev (result 2) outputs that are
/// present, each viewed as `[rows]` and appended to `args`; per output, its result index and
/// element type.
pub(crate) fn layer_norm_stats(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    args: &mut Vec<Value>,
    rows: i64,
) -> Result<Vec<(usize, Elem)>, Diagnostic> {
    let mut stats = Vec::new();
    for k in 1..3 {
        if k < ctx.num_results(cx.op)
            && let Ok(b) = cx.output(ctx, k)
        {
            let se = cx.result_elem(ctx, k)?;
            args.push(cx.view(ctx, b, &[rows]));
            stats.push((k, se));
        }
    }
    Ok(stats)
}

/// A group / instance normalization's scale or bias (operand 1 or 2): its operand index, its
/// value count and whether it holds one value per group (else one per channel).
pub(crate) type GroupParam = (usize, i64, bool);

/// Checks scale and bias (operands 1 and 2) for `c` channels in `g` groups: each must hold a
/// value per channel or a value per group. `Err((operand, count))` names the first that does
/// neither. Emits nothing, so a lowering may still decline after it.
pub(crate) fn group_param_counts(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    c: i64,
    g: i64,
) -> Result<[GroupParam; 2], (usize, i64)> {
    let check = |i: usize| {
        let n: i64 = cx.operand_shape(ctx, i).iter().product();
        if n == c {
            Ok((i, n, false))
        } else if n == g {
            Ok((i, n, true))
        } else {
            Err((i, n))
        }
    };
    Ok([check(1)?, check(2)?])
}

/// The checked parameters as `[count]` views with their element types and per-group flags.
pub(crate) fn group_param_views(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    params: [GroupParam; 2],
) -> Result<Vec<(Value, Elem, bool)>, Diagnostic> {
    let mut views = Vec::new();
    for (i, n, per_group) in params {
        let b = cx.input(ctx, i)?;
        let el = cx.operand_elem(ctx, i)?;
        views.push((cx.view(ctx, b, &[n]), el, per_group));
    }
    Ok(views)
}
