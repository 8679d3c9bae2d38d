//! DFT (forward, inverse, one-sided `rfft`, and inverse one-sided `irfft`), as the interpreter
//! computes it (crates/flowc-interp/src/ops/extra3.rs `dft`): a direct transform in f64, the
//! result rounded once into the input's type.
//!
//! `dft_length` and `axis` must be constants. The twiddle factors `sin` / `cos` of
//! `sign * 2 * pi * m / n` for `m` in `0..n` are computed at compile time exactly as the
//! interpreter computes them and kept as a table; the kernel, parallel over (outer, output
//! frequency), sums `x[t] * w[(k * t) % n]` over the signal in order for each inner position.
//! For `irfft` the signal is the Hermitian extension of the given half spectrum: index `t` past
//! the half reads the conjugate of `n - t`, and the imaginary parts of the DC (and Nyquist)
//! terms are dropped. Zero padding contributes nothing and is skipped.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpi};
use crate::common;
use flowc_ir::{Context, Diagnostic, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    if name != "flow.dft" {
        return Ok(false);
    }
    dft(ctx, cx)?;
    Ok(true)
}

fn dft(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if !e.is_float() || s.len() < 2 {
        return Err(cx.unsupported(ctx, "an input that is not a float [..., signal, 1 | 2]"));
    }
    let r = s.len();
    let comps = s[r - 1];
    if comps != 1 && comps != 2 {
        return Err(cx.unsupported(ctx, format!("a last dim of {comps} (not 1 or 2)")));
    }
    if !cx.has_operand(ctx, 2) {
        let axis = cx.attr_i64(ctx, "axis", -2);
        let axis = common::norm_axis(ctx, cx, axis, r)?;
        return transform(ctx, cx, axis, None);
    }
    if let Some(a) = common::const_ints(ctx, cx, 2).and_then(|v| v.first().copied()) {
        let axis = common::norm_axis(ctx, cx, a, r)?;
        return transform(ctx, cx, axis, None);
    }
    // A runtime axis: one kernel per axis the static result shape allows, each doing its work
    // only when the axis has its value (as given or counted from the end).
    let ae = cx.operand_elem(ctx, 2)?;
    if cx.operand_shape(ctx, 2).iter().product::<i64>() != 1 || !matches!(ae, Elem::Int { .. }) {
        return Err(cx.unsupported(ctx, "an axis that is not one integer"));
    }
    let fits: Vec<usize> = (0..r - 1)
        .filter(|&ax| plan(ctx, cx, ax).is_ok_and(|p| p.out_shape == cx.result_shape(ctx, 0)))
        .collect();
    if fits.is_empty() {
        return Err(cx.unsupported(ctx, "a runtime axis no axis of the result shape fits"));
    }
    for ax in fits {
        transform(ctx, cx, ax, Some(ae))?;
    }
    Ok(())
}

/// The transform's sizes along `axis`.
struct Plan {
    len: i64,
    nfft: i64,
    out_len: i64,
    out_comps: i64,
    out_shape: Vec<i64>,
}

fn plan(ctx: &Context, cx: &OpCx<'_, '_>, axis: usize) -> Result<Plan, Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    if axis == r - 1 {
        return Err(cx.unsupported(ctx, "a transform over the complex dim"));
    }
    let inverse = cx.attr_i64(ctx, "inverse", 0) != 0;
    let onesided = cx.attr_i64(ctx, "onesided", 0) != 0;
    let len = s[axis];
    let nfft = if cx.has_operand(ctx, 1) {
        match common::const_ints(ctx, cx, 1) {
            Some(v) => v.first().copied().unwrap_or(0),
            None => return Err(cx.unsupported(ctx, "a non-constant dft_length")),
        }
    } else if inverse && onesided {
        2 * (len - 1).max(0)
    } else {
        len
    };
    if nfft <= 0 || nfft > 1 << 20 {
        return Err(cx.unsupported(ctx, format!("dft_length {nfft}")));
    }
    let irfft = inverse && onesided;
    let (out_len, out_comps) = if irfft {
        (nfft, 1)
    } else if onesided {
        (nfft / 2 + 1, 2)
    } else {
        (nfft, 2)
    };
    let mut out_shape = s[..r - 1].to_vec();
    out_shape[axis] = out_len;
    out_shape.push(out_comps);
    Ok(Plan {
        len,
        nfft,
        out_len,
        out_comps,
        out_shape,
    })
}

/// One kernel transforming along `axis`; with `runtime_axis` (the axis operand's element type)
/// its work is guarded by the runtime axis value being `axis`.
fn transform(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    axis: usize,
    runtime_axis: Option<Elem>,
) -> Result<(), Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    let comps = s[r - 1];
    let inverse = cx.attr_i64(ctx, "inverse", 0) != 0;
    let onesided = cx.attr_i64(ctx, "onesided", 0) != 0;
    let irfft = inverse && onesided;
    let Plan {
        len,
        nfft,
        out_len,
        out_comps,
        out_shape,
    } = plan(ctx, cx, axis)?;
    if out_shape != cx.result_shape(ctx, 0) {
        return Err(cx.unsupported(ctx, "a result shape that disagrees with the attributes"));
    }
    let outer: i64 = s[..axis].iter().product();
    let inner: i64 = s[axis + 1..r - 1].iter().product();
    // Signal positions read: the given samples (at most nfft); for irfft every position of the
    // Hermitian extension.
    let sig = len.min(nfft);
    let half = nfft / 2 + 1;
    let terms = if irfft { nfft } else { sig };
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut data = Vec::with_capacity(nfft as usize * 16);
    for m in 0..nfft {
        let ang = sign * 2.0 * std::f64::consts::PI * m as f64 / nfft as f64;
        let (sn, cs) = ang.sin_cos();
        data.extend_from_slice(&cs.to_le_bytes());
        data.extend_from_slice(&sn.to_le_bytes());
    }
    let f64t = common::f64_type_ctx(ctx);
    let tty = ctx.tensor_type(vec![nfft, 2], f64t);
    let attr = ctx.intern_attr(flowc_ir::AttrData::DenseElements {
        ty: tty,
        splat: false,
        data,
    });
    let mt = ctx.memref_type(vec![nfft, 2], f64t);
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    if outer * inner == 0 {
        return Ok(());
    }
    if sig == 0 {
        return Err(cx.unsupported(ctx, "an empty signal"));
    }
    let tbl = cx.weight(ctx, attr, mt);
    let xv = cx.view(ctx, x, &[outer, len, inner, comps]);
    let yv = cx.view(ctx, y, &[outer, out_len, inner, out_comps]);
    let mut args = vec![xv, tbl, yv];
    let mut arank = 0;
    if runtime_axis.is_some() {
        args.push(cx.input(ctx, 2)?);
        arank = cx.operand_shape(ctx, 2).len();
    }
    cx.kernel(ctx, "dft", &args, |kb, a| {
        kb.parallel(&[outer, out_len], |kb, iv| {
            let (o, k) = (iv[0], iv[1]);
            let work = |kb: &mut Kb<'_>| {
                kb.for_range(inner, |kb, i| {
                    let zero = kb.constant(f64t, 0.0);
                    let lb = kb.index(0);
                    let ub = kb.index(terms);
                    let one = kb.index(1);
                    let acc = kb.for_loop(lb, ub, one, &[zero, zero], |kb, t, acc| {
                        let (re, im) = (acc[0], acc[1]);
                        let kt = kb.muli(k, t);
                        let nv = kb.index(nfft);
                        let m = kb.binary("arith.remui", kt, nv);
                        let c0 = kb.index(0);
                        let c1 = kb.index(1);
                        let cs = kb.load(a[1], &[m, c0]);
                        let sn = kb.load(a[1], &[m, c1]);
                        // The sample (a, b) at t, and whether it is inside the given signal.
                        let (src, valid, conj, drop_im) = if irfft {
                            let hv = kb.index(half);
                            let conj = kb.cmp(false, cmpi::SGE, t, hv);
                            let mirror = kb.subi(nv, t);
                            let src = kb.select(conj, mirror, t);
                            let sv = kb.index(sig);
                            let valid = kb.cmp(false, cmpi::SLT, src, sv);
                            let is0 = kb.cmp(false, cmpi::EQ, t, c0);
                            let drop_im = if nfft % 2 == 0 {
                                let nyq = kb.index(nfft / 2);
                                let isn = kb.cmp(false, cmpi::EQ, t, nyq);
                                common::or(kb, is0, isn)
                            } else {
                                is0
                            };
                            let src = common::clamp_index(kb, src, 0, sig - 1);
                            (src, Some(valid), Some(conj), Some(drop_im))
                        } else {
                            (t, None, None, None)
                        };
                        let av = kb.load_elem(e, a[0], &[o, src, i, c0]);
                        let av = common::to_f64(kb, e, av);
                        let mut bv = if comps == 2 {
                            let b = kb.load_elem(e, a[0], &[o, src, i, c1]);
                            common::to_f64(kb, e, b)
                        } else {
                            zero
                        };
                        if let Some(conj) = conj {
                            let nb = kb.unary("arith.negf", bv);
                            bv = kb.select(conj, nb, bv);
                        }
                        if let Some(d) = drop_im {
                            bv = kb.select(d, zero, bv);
                        }
                        let ac = kb.binary("arith.mulf", av, cs);
                        let bs = kb.binary("arith.mulf", bv, sn);
                        let dr = kb.binary("arith.subf", ac, bs);
                        let asn = kb.binary("arith.mulf", av, sn);
                        let bc = kb.binary("arith.mulf", bv, cs);
                        let di = kb.binary("arith.addf", asn, bc);
                        let nre = kb.binary("arith.addf", re, dr);
                        let nim = kb.binary("arith.addf", im, di);
                        match valid {
                            Some(v) => vec![kb.select(v, nre, re), kb.select(v, nim, im)],
                            None => vec![nre, nim],
                        }
                    });
                    let (mut re, mut im) = (acc[0], acc[1]);
                    if inverse {
                        let nf = kb.constant(f64t, nfft as f64);
                        re = kb.binary("arith.divf", re, nf);
                        im = kb.binary("arith.divf", im, nf);
                    }
                    let store = |kb: &mut Kb<'_>, v: Value, comp: i64| {
                        let v = common::from_f64(kb, e, v);
                        let cv = kb.index(comp);
                        kb.store_elem(e, v, a[2], &[o, k, i, cv]);
                    };
                    store(kb, re, 0);
                    if out_comps == 2 {
                        store(kb, im, 1);
                    }
                });
            };
            match runtime_axis {
                None => work(kb),
                Some(ae) => {
                    let zeros: Vec<Value> = (0..arank).map(|_| kb.index(0)).collect();
                    let av = kb.load_elem(ae, a[3], &zeros);
                    let av = common::to_index(kb, ae, av);
                    let p = kb.index(axis as i64);
                    let m = kb.index(axis as i64 - r as i64);
                    let is_p = kb.cmp(false, cmpi::EQ, av, p);
                    let is_m = kb.cmp(false, cmpi::EQ, av, m);
                    let hit = common::or(kb, is_p, is_m);
                    kb.if_else(
                        hit,
                        &[],
                        |kb| {
                            work(kb);
                            Vec::new()
                        },
                        None,
                    );
                }
            }
        });
        Ok(())
    })
}
