//! GridSample (N-D; nearest / linear / cubic, also named bilinear / bicubic; zeros / border /
//! reflection padding; `align_corners`), as the interpreter computes it
//! (crates/flowc-interp/src/ops/sample.rs `grid_sample`): in f64, the denormalized coordinate
//! rounded through f32, the result rounded once into the input's type.
//!
//! One kernel, parallel over (batch, first output spatial dim). Per output position the taps of
//! every spatial dim (source index clamped into range, weight, and for zeros padding whether the
//! index is inside) are computed once; then a loop over the channels sums the taps in the
//! interpreter's order (row-major over the dims' taps, the first dim outermost), skipping taps
//! outside the input or of zero weight.
//!
//! AffineGrid (2-D / 3-D, `align_corners`; extra2.rs `affine_grid`) builds such grids: per
//! output position the base coordinates (x first) are computed in f64 with the interpreter's
//! expressions, multiplied by each row of theta in f64 in its order, and rounded once.

use crate::OpCx;
use crate::builder::{Kb, cmpf, cmpi};
use crate::common;
use flowc_ir::{Context, Diagnostic, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    match name {
        "flow.grid_sample" => grid_sample(ctx, cx)?,
        "flow.affine_grid" => affine_grid(ctx, cx)?,
        _ => return Ok(false),
    }
    Ok(true)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Nearest,
    Linear,
    Cubic,
}

#[derive(Clone, Copy, PartialEq)]
enum Pad {
    Zeros,
    Border,
    Reflection,
}

fn grid_sample(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let ge = cx.operand_elem(ctx, 1)?;
    if !e.is_float() || !ge.is_float() {
        return Err(cx.unsupported(ctx, "non-float input or grid"));
    }
    let mode = match cx.attr_str(ctx, "mode").unwrap_or("linear") {
        "nearest" => Mode::Nearest,
        "linear" | "bilinear" => Mode::Linear,
        "cubic" | "bicubic" => Mode::Cubic,
        other => return Err(cx.unsupported(ctx, format!("mode '{other}'"))),
    };
    let pad = match cx.attr_str(ctx, "padding_mode").unwrap_or("zeros") {
        "zeros" => Pad::Zeros,
        "border" => Pad::Border,
        "reflection" => Pad::Reflection,
        other => return Err(cx.unsupported(ctx, format!("padding_mode '{other}'"))),
    };
    let align = cx.attr_i64(ctx, "align_corners", 0) != 0;
    let xs = cx.operand_shape(ctx, 0);
    let gs = cx.operand_shape(ctx, 1);
    let r = xs.len();
    if r < 3 || gs.len() != r || gs[r - 1] != r as i64 - 2 || gs[0] != xs[0] {
        return Err(cx.unsupported(ctx, format!("X {xs:?} with grid {gs:?}")));
    }
    let (nb, c) = (xs[0], xs[1]);
    let dims = xs[2..].to_vec();
    let nd = dims.len();
    let out_sp = gs[1..r - 1].to_vec();
    let mut out_shape = vec![nb, c];
    out_shape.extend_from_slice(&out_sp);
    if out_shape != cx.result_shape(ctx, 0) {
        return Err(cx.unsupported(ctx, "a result shape that disagrees with X and grid"));
    }
    let x = cx.input(ctx, 0)?;
    let grid = cx.input(ctx, 1)?;
    let y = cx.output(ctx, 0)?;
    if out_shape.contains(&0) {
        return Ok(());
    }
    if dims.contains(&0) {
        return Err(cx.unsupported(ctx, "an empty input plane"));
    }
    let borders: Vec<(f64, f64)> = dims
        .iter()
        .map(|&d| {
            if align {
                (0.0, d as f64 - 1.0)
            } else {
                (-0.5, d as f64 - 0.5)
            }
        })
        .collect();
    let mut pshape = vec![nb];
    pshape.extend_from_slice(&out_sp);
    cx.kernel(ctx, "grid_sample", &[x, grid, y], |kb, a| {
        common::par_nest(kb, &pshape, 2, &mut |kb, pidx| {
            let (b, o) = (pidx[0], &pidx[1..]);
            let f64t = common::f64_type(kb);
            let f32t = kb.ctx.f32_type();
            // Taps per dim: (clamped source index, validity for zeros padding, weight).
            let mut taps: Vec<Vec<(Value, Option<Value>, Value)>> = Vec::with_capacity(nd);
            for i in 0..nd {
                let (lo, hi) = borders[i];
                let len = dims[i] as f64;
                let mut gidx = vec![b];
                gidx.extend_from_slice(o);
                gidx.push(kb.index((nd - 1 - i) as i64));
                let g = kb.load_elem(ge, a[1], &gidx);
                let v = common::to_f64(kb, ge, g);
                let one = kb.constant(f64t, 1.0);
                let two = kb.constant(f64t, 2.0);
                let v1 = kb.binary("arith.addf", v, one);
                let cf = if align {
                    let h = kb.binary("arith.divf", v1, two);
                    let l1 = kb.constant(f64t, len - 1.0);
                    kb.binary("arith.mulf", h, l1)
                } else {
                    let lv = kb.constant(f64t, len);
                    let m = kb.binary("arith.mulf", v1, lv);
                    let m = kb.binary("arith.subf", m, one);
                    kb.binary("arith.divf", m, two)
                };
                let cf = kb.cast("arith.truncf", cf, f32t);
                let mut cf = kb.cast("arith.extf", cf, f64t);
                if mode == Mode::Nearest {
                    cf = kb.unary("math.roundeven", cf);
                }
                let cf = match pad {
                    Pad::Zeros => cf,
                    Pad::Border => {
                        let lov = kb.constant(f64t, lo);
                        let hiv = kb.constant(f64t, hi);
                        let below = kb.cmp(true, cmpf::OLT, cf, lov);
                        let above = kb.cmp(true, cmpf::OGT, cf, hiv);
                        let out = common::or(kb, below, above);
                        let zero = kb.constant(f64t, 0.0);
                        let top = kb.constant(f64t, len - 1.0);
                        let lt0 = kb.cmp(true, cmpf::OLT, cf, zero);
                        let gtt = kb.cmp(true, cmpf::OGT, cf, top);
                        let cl = kb.select(gtt, top, cf);
                        let cl = kb.select(lt0, zero, cl);
                        kb.select(out, cl, cf)
                    }
                    Pad::Reflection => reflect(kb, cf, lo, hi),
                };
                let d = dims[i];
                let mut t = Vec::new();
                match mode {
                    Mode::Nearest => {
                        let ix = f64_to_index(kb, cf);
                        let (s, ok) = tap_index(kb, ix, d, pad, lo, hi);
                        t.push((s, ok, one));
                    }
                    Mode::Linear | Mode::Cubic => {
                        let x0 = kb.unary("math.floor", cf);
                        let frac = kb.binary("arith.subf", cf, x0);
                        let i0 = f64_to_index(kb, x0);
                        let ws = if mode == Mode::Linear {
                            vec![kb.binary("arith.subf", one, frac), frac]
                        } else {
                            cubic_coeffs(kb, frac).to_vec()
                        };
                        let first = if mode == Mode::Linear { 0 } else { -1 };
                        for (k, w) in ws.into_iter().enumerate() {
                            let ik = common::add_const(kb, i0, first + k as i64);
                            let (s, ok) = tap_index(kb, ik, d, pad, lo, hi);
                            t.push((s, ok, w));
                        }
                    }
                }
                taps.push(t);
            }
            let counts: Vec<usize> = taps.iter().map(Vec::len).collect();
            kb.for_range(c, |kb, ch| {
                let zero = kb.constant(f64t, 0.0);
                let mut acc = zero;
                let mut k = vec![0usize; nd];
                loop {
                    let mut idx = vec![b, ch];
                    let mut w: Option<Value> = None;
                    let mut ok: Option<Value> = None;
                    for d in 0..nd {
                        let (s, v, wt) = taps[d][k[d]];
                        idx.push(s);
                        w = Some(match w {
                            None => wt,
                            Some(p) => kb.binary("arith.mulf", p, wt),
                        });
                        if let Some(v) = v {
                            ok = Some(match ok {
                                None => v,
                                Some(p) => common::and(kb, p, v),
                            });
                        }
                    }
                    let w = w.unwrap_or(zero);
                    let xv = kb.load_elem(e, a[0], &idx);
                    let xv = common::to_f64(kb, e, xv);
                    let p = kb.binary("arith.mulf", w, xv);
                    let s = kb.binary("arith.addf", acc, p);
                    let mut take = kb.cmp(true, cmpf::UNE, w, zero);
                    if let Some(ok) = ok {
                        take = common::and(kb, ok, take);
                    }
                    acc = kb.select(take, s, acc);
                    // Next tap combination, the last dim fastest.
                    let mut d = nd;
                    let done = loop {
                        if d == 0 {
                            break true;
                        }
                        d -= 1;
                        k[d] += 1;
                        if k[d] < counts[d] {
                            break false;
                        }
                        k[d] = 0;
                    };
                    if done {
                        break;
                    }
                }
                let out = common::from_f64(kb, e, acc);
                let mut yidx = vec![b, ch];
                yidx.extend_from_slice(o);
                kb.store_elem(e, out, a[2], &yidx);
            });
        });
        Ok(())
    })
}

/// `v as i64` (truncation toward zero) as an index.
fn f64_to_index(kb: &mut Kb<'_>, v: Value) -> Value {
    let i64t = kb.ctx.integer_type(64);
    let it = kb.ctx.index_type();
    let i = kb.cast("arith.fptosi", v, i64t);
    kb.cast("arith.index_cast", i, it)
}

/// The interpreter's `tap_index`: the source index of tap `i` on a dim of size `d`, clamped into
/// range, and for zeros padding whether it was inside.
fn tap_index(
    kb: &mut Kb<'_>,
    i: Value,
    d: i64,
    pad: Pad,
    lo: f64,
    hi: f64,
) -> (Value, Option<Value>) {
    match pad {
        Pad::Zeros => {
            let zero = kb.index(0);
            let dv = kb.index(d);
            let ge = kb.cmp(false, cmpi::SGE, i, zero);
            let lt = kb.cmp(false, cmpi::SLT, i, dv);
            let ok = common::and(kb, ge, lt);
            (common::clamp_index(kb, i, 0, d - 1), Some(ok))
        }
        Pad::Border => (common::clamp_index(kb, i, 0, d - 1), None),
        Pad::Reflection => {
            let i64t = kb.ctx.integer_type(64);
            let f64t = common::f64_type(kb);
            let ii = kb.cast("arith.index_cast", i, i64t);
            let f = kb.cast("arith.sitofp", ii, f64t);
            let rf = reflect(kb, f, lo, hi);
            let r = f64_to_index(kb, rf);
            (common::clamp_index(kb, r, 0, d - 1), None)
        }
    }
}

/// The interpreter's `reflect`: `x` reflected into `[lo, hi]` by the nearer border, repeatedly.
fn reflect(kb: &mut Kb<'_>, x: Value, lo: f64, hi: f64) -> Value {
    let f64t = common::f64_type(kb);
    let rng = hi - lo;
    if rng <= 0.0 {
        return kb.constant(f64t, lo);
    }
    let lov = kb.constant(f64t, lo);
    let hiv = kb.constant(f64t, hi);
    let rv = kb.constant(f64t, rng);
    // (dx / rng) truncated; the remainder dx - n * rng; whether n is even.
    let fold = |kb: &mut Kb<'_>, dx: Value| -> (Value, Value) {
        let q = kb.binary("arith.divf", dx, rv);
        let i64t = kb.ctx.integer_type(64);
        let n = kb.cast("arith.fptosi", q, i64t);
        let nf = kb.cast("arith.sitofp", n, f64t);
        let nr = kb.binary("arith.mulf", nf, rv);
        let rem = kb.binary("arith.subf", dx, nr);
        let one = kb.constant(i64t, 1.0);
        let zero = kb.constant(i64t, 0.0);
        let bit = kb.binary("arith.andi", n, one);
        let even = kb.cmp(false, cmpi::EQ, bit, zero);
        (rem, even)
    };
    let dlo = kb.binary("arith.subf", lov, x);
    let (r1, even1) = fold(kb, dlo);
    let a1 = kb.binary("arith.addf", lov, r1);
    let b1 = kb.binary("arith.subf", hiv, r1);
    let below_v = kb.select(even1, a1, b1);
    let dhi = kb.binary("arith.subf", x, hiv);
    let (r2, even2) = fold(kb, dhi);
    let a2 = kb.binary("arith.subf", hiv, r2);
    let b2 = kb.binary("arith.addf", lov, r2);
    let above_v = kb.select(even2, a2, b2);
    let below = kb.cmp(true, cmpf::OLT, x, lov);
    let above = kb.cmp(true, cmpf::OGT, x, hiv);
    let v = kb.select(above, above_v, x);
    kb.select(below, below_v, v)
}

/// The interpreter's `cubic_coeffs` (a = -0.75), in its order of operations.
fn cubic_coeffs(kb: &mut Kb<'_>, t: Value) -> [Value; 4] {
    let f64t = common::f64_type(kb);
    let a = -0.75f64;
    let c = |kb: &mut Kb<'_>, v: f64| kb.constant(f64t, v);
    let x = kb.unary("math.absf", t);
    let one = c(kb, 1.0);
    let two = c(kb, 2.0);
    let av = c(kb, a);
    let a5 = c(kb, 5.0 * a);
    let a8 = c(kb, 8.0 * a);
    let a4 = c(kb, 4.0 * a);
    let a2 = c(kb, a + 2.0);
    let a3 = c(kb, a + 3.0);
    // ((a * u - 5a) * u + 8a) * u - 4a
    let outer = |kb: &mut Kb<'_>, u: Value| {
        let p = kb.binary("arith.mulf", av, u);
        let p = kb.binary("arith.subf", p, a5);
        let p = kb.binary("arith.mulf", p, u);
        let p = kb.binary("arith.addf", p, a8);
        let p = kb.binary("arith.mulf", p, u);
        kb.binary("arith.subf", p, a4)
    };
    // ((a + 2) * u - (a + 3)) * u * u + 1
    let inner = |kb: &mut Kb<'_>, u: Value| {
        let p = kb.binary("arith.mulf", a2, u);
        let p = kb.binary("arith.subf", p, a3);
        let p = kb.binary("arith.mulf", p, u);
        let p = kb.binary("arith.mulf", p, u);
        kb.binary("arith.addf", p, one)
    };
    let x1 = kb.binary("arith.addf", x, one);
    let c0 = outer(kb, x1);
    let c1 = inner(kb, x);
    let omx = kb.binary("arith.subf", one, x);
    let c2 = inner(kb, omx);
    let tmx = kb.binary("arith.subf", two, x);
    let c3 = outer(kb, tmx);
    [c0, c1, c2, c3]
}

fn affine_grid(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() {
        return Err(cx.unsupported(ctx, "a non-float theta"));
    }
    let ts = cx.operand_shape(ctx, 0);
    let os = cx.result_shape(ctx, 0);
    let nd = os.len().saturating_sub(2);
    if !(nd == 2 || nd == 3) || os[nd + 1] != nd as i64 || ts != [os[0], nd as i64, nd as i64 + 1] {
        return Err(cx.unsupported(ctx, "these shapes"));
    }
    let nb = os[0];
    let sp = os[1..=nd].to_vec();
    // The size operand may be a runtime input; the static result shape fixes its value.
    if common::const_ints(ctx, cx, 1).is_some_and(|v| v.len() != nd + 2 || v[2..] != sp[..]) {
        return Err(cx.unsupported(ctx, "a size that disagrees with the result shape"));
    }
    let align = cx.attr_i64(ctx, "align_corners", 0) != 0;
    let th = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    if os.contains(&0) {
        return Ok(());
    }
    cx.kernel(ctx, "affine_grid", &[th, y], |kb, a| {
        kb.parallel(&[nb, sp[0]], |kb, iv| {
            let (b, i0) = (iv[0], iv[1]);
            let rest = |kb: &mut Kb<'_>, idx: &[Value]| {
                let f64t = common::f64_type(kb);
                let i64t = kb.ctx.integer_type(64);
                // Homogeneous point: coordinates in reverse dim order, then 1.
                let mut p: Vec<Value> = (0..nd)
                    .map(|k| {
                        let dim = nd - 1 - k;
                        let d = sp[dim];
                        let ii = kb.cast("arith.index_cast", idx[dim], i64t);
                        let f = kb.cast("arith.sitofp", ii, f64t);
                        let m1 = kb.constant(f64t, -1.0);
                        if align {
                            if d == 1 {
                                m1
                            } else {
                                let two = kb.constant(f64t, 2.0);
                                let t = kb.binary("arith.mulf", two, f);
                                let dv = kb.constant(f64t, (d - 1) as f64);
                                let q = kb.binary("arith.divf", t, dv);
                                kb.binary("arith.addf", m1, q)
                            }
                        } else {
                            let two = kb.constant(f64t, 2.0);
                            let t = kb.binary("arith.mulf", two, f);
                            let one = kb.constant(f64t, 1.0);
                            let t = kb.binary("arith.addf", t, one);
                            let dv = kb.constant(f64t, d as f64);
                            let q = kb.binary("arith.divf", t, dv);
                            kb.binary("arith.addf", m1, q)
                        }
                    })
                    .collect();
                p.push(kb.constant(f64t, 1.0));
                for row in 0..nd {
                    let rv = kb.index(row as i64);
                    let mut acc: Option<Value> = None;
                    for (k, &pk) in p.iter().enumerate() {
                        let kv = kb.index(k as i64);
                        let t = kb.load_elem(e, a[0], &[b, rv, kv]);
                        let t = common::to_f64(kb, e, t);
                        let m = kb.binary("arith.mulf", t, pk);
                        acc = Some(match acc {
                            Some(s) => kb.binary("arith.addf", s, m),
                            None => m,
                        });
                    }
                    let v = common::from_f64(kb, e, acc.expect("nd + 1 terms"));
                    let mut oi = vec![b];
                    oi.extend_from_slice(idx);
                    oi.push(rv);
                    kb.store_elem(e, v, a[1], &oi);
                }
            };
            kb.for_range(sp[1], |kb, i1| {
                if nd == 2 {
                    rest(kb, &[i0, i1]);
                } else {
                    kb.for_range(sp[2], |kb, i2| rest(kb, &[i0, i1, i2]));
                }
            });
        });
        Ok(())
    })
}
