//! QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear, as the interpreter computes them
//! (crates/flowc-interp/src/ops/quant.rs, extra2.rs `dynamic_quantize_linear`): integer
//! quantized types only (u8, i8, u16, i16, i32), scale and zero point a scalar, a per-axis vector
//! or blocked along `axis`.
//!
//! Quantize divides in f32 (f64 when the input or the scale is f64), rounds half to even, adds
//! the zero point and clamps into the type's range; Dequantize computes `(x - zero_point) * scale`
//! in f32 (f64 for f64 scales). DynamicQuantizeLinear is a one-task kernel for the scale and the
//! zero point, then an elementwise kernel.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf};
use crate::common;
use crate::elementwise::{broadcast_nest, convert};
use flowc_ir::{Context, Diagnostic, FloatKind, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    match name {
        "flow.quantize_linear" => linear(ctx, cx, true)?,
        "flow.dequantize_linear" => linear(ctx, cx, false)?,
        "flow.dynamic_quantize_linear" => dynamic(ctx, cx)?,
        _ => return Ok(false),
    }
    Ok(true)
}

const F32: Elem = Elem::Float(FloatKind::F32);
const F64: Elem = Elem::Float(FloatKind::F64);

/// How a parameter (scale or zero point) is indexed from an element index of the input.
#[derive(Clone, Copy)]
enum Param {
    Scalar(usize),
    Axis(usize),
    Blocked(usize, i64),
}

fn param_kind(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    i: usize,
    s: &[i64],
    axis: i64,
    block: i64,
) -> Result<Param, Diagnostic> {
    let ps = cx.operand_shape(ctx, i);
    if ps.iter().product::<i64>() == 1 {
        return Ok(Param::Scalar(ps.len()));
    }
    let axis = common::norm_axis(ctx, cx, axis, s.len())?;
    if block == 0 {
        if ps != [s[axis]] {
            return Err(cx.unsupported(ctx, "a per-axis parameter that does not match the axis"));
        }
        return Ok(Param::Axis(axis));
    }
    let ok = ps.len() == s.len()
        && ps.iter().zip(s).enumerate().all(|(d, (&p, &x))| {
            if d == axis {
                p == (x + block - 1) / block
            } else {
                p == x
            }
        });
    if !ok {
        return Err(cx.unsupported(ctx, "a blocked parameter that does not match the input"));
    }
    Ok(Param::Blocked(axis, block))
}

fn load_param(kb: &mut Kb<'_>, e: Elem, p: Param, mem: Value, idx: &[Value]) -> Value {
    let at: Vec<Value> = match p {
        Param::Scalar(r) => (0..r).map(|_| kb.index(0)).collect(),
        Param::Axis(a) => vec![idx[a]],
        Param::Blocked(a, b) => {
            let mut at = idx.to_vec();
            let bv = kb.index(b);
            at[a] = kb.binary("arith.divui", idx[a], bv);
            at
        }
    };
    kb.load_elem(e, mem, &at)
}

fn quant_range(e: Elem) -> Option<(f64, f64)> {
    match e {
        Elem::Int {
            width: w @ (8 | 16 | 32),
            signed,
        } if signed || w != 32 => Some((
            common::int_min(w, signed) as f64,
            common::int_max(w, signed) as f64,
        )),
        _ => None,
    }
}

/// `min(max(v, lo), hi)` with NaN kept (Rust's `f64::clamp`).
fn clamp(kb: &mut Kb<'_>, v: Value, lo: f64, hi: f64) -> Value {
    let lov = common::fconst(kb, v, lo);
    let hiv = common::fconst(kb, v, hi);
    let below = kb.cmp(true, cmpf::OLT, v, lov);
    let v = kb.select(below, lov, v);
    let above = kb.cmp(true, cmpf::OGT, v, hiv);
    kb.select(above, hiv, v)
}

fn linear(ctx: &mut Context, cx: &mut OpCx<'_, '_>, quantize: bool) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    let xe = cx.operand_elem(ctx, 0)?;
    let se = cx.operand_elem(ctx, 1)?;
    let oe = cx.result_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    let axis = cx.attr_i64(ctx, "axis", 1);
    let block = cx.attr_i64(ctx, "block_size", 0);
    if block < 0 {
        return Err(cx.unsupported(ctx, "a negative block_size"));
    }
    if !se.is_float() {
        return Err(cx.unsupported(ctx, "a non-float scale"));
    }
    let sp = param_kind(ctx, cx, 1, &s, axis, block)?;
    let has_z = cx.has_operand(ctx, 2);
    let (zp, ze) = if has_z {
        (
            Some(param_kind(ctx, cx, 2, &s, axis, block)?),
            Some(cx.operand_elem(ctx, 2)?),
        )
    } else {
        (None, None)
    };
    let range = if quantize {
        if !xe.is_float() {
            return Err(cx.unsupported(ctx, format!("input type {xe:?}")));
        }
        Some(quant_range(oe).ok_or_else(|| cx.unsupported(ctx, format!("quantized type {oe:?}")))?)
    } else {
        if quant_range(xe).is_none() {
            return Err(cx.unsupported(ctx, format!("quantized type {xe:?}")));
        }
        if !oe.is_float() {
            return Err(cx.unsupported(ctx, format!("result type {oe:?}")));
        }
        None
    };
    if let Some(ze) = ze
        && quant_range(ze).is_none()
    {
        return Err(cx.unsupported(ctx, format!("zero point type {ze:?}")));
    }
    let wide = if quantize {
        xe == F64 || se == F64
    } else {
        se == F64
    };
    let mut args = vec![cx.input(ctx, 0)?, cx.input(ctx, 1)?];
    if has_z {
        args.push(cx.input(ctx, 2)?);
    }
    args.push(cx.output(ctx, 0)?);
    if s.iter().product::<i64>() == 0 {
        return Ok(());
    }
    let hint = if quantize { "quantize" } else { "dequantize" };
    cx.kernel(ctx, hint, &args, |kb, a| {
        let y = a[a.len() - 1];
        broadcast_nest(kb, &s, |kb, idx| {
            let x = kb.load_elem(xe, a[0], idx);
            let sc = load_param(kb, se, sp, a[1], idx);
            let z = match (zp, ze) {
                (Some(p), Some(e)) => {
                    let v = load_param(kb, e, p, a[2], idx);
                    common::to_f64(kb, e, v)
                }
                _ => {
                    let t = common::f64_type(kb);
                    kb.constant(t, 0.0)
                }
            };
            let w = if wide { F64 } else { F32 };
            let out = if let Some((lo, hi)) = range {
                let xw = convert(kb, x, xe, w);
                let sw = convert(kb, sc, se, w);
                let r = kb.binary("arith.divf", xw, sw);
                let r = convert(kb, r, w, F64);
                let r = kb.unary("math.roundeven", r);
                let r = kb.binary("arith.addf", r, z);
                clamp(kb, r, lo, hi)
            } else {
                let xv = common::to_f64(kb, xe, x);
                let d = kb.binary("arith.subf", xv, z);
                let d = convert(kb, d, F64, w);
                let sw = convert(kb, sc, se, w);
                let r = kb.binary("arith.mulf", d, sw);
                convert(kb, r, w, F64)
            };
            let v = common::from_f64(kb, oe, out);
            kb.store_elem(oe, v, y, idx);
        });
        Ok(())
    })
}

fn dynamic(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    common::require_static(ctx, cx)?;
    if cx.operand_elem(ctx, 0)? != F32 {
        return Err(cx.unsupported(ctx, "an input that is not f32"));
    }
    let s = cx.operand_shape(ctx, 0);
    let n: i64 = s.iter().product();
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[n]);
    let y = cx.output(ctx, 0)?;
    let f32t = ctx.f32_type();
    let u8t = ctx.integer_type(8);
    let scale = match cx.output(ctx, 1) {
        Ok(b) => b,
        Err(_) => {
            let m = ctx.memref_type(vec![], f32t);
            cx.scratch(ctx, m)
        }
    };
    let zero = match cx.output(ctx, 2) {
        Ok(b) => b,
        Err(_) => {
            let m = ctx.memref_type(vec![], u8t);
            cx.scratch(ctx, m)
        }
    };
    let u8e = Elem::Int {
        width: 8,
        signed: false,
    };
    cx.kernel(
        ctx,
        "dynamic_quantize_params",
        &[xv, scale, zero],
        |kb, a| {
            let z0 = kb.constant(f32t, 0.0);
            let lb = kb.index(0);
            let ub = kb.index(n);
            let one = kb.index(1);
            let mm = kb.for_loop(lb, ub, one, &[z0, z0], |kb, i, acc| {
                let v = kb.load(a[0], &[i]);
                let mx = kb.binary("arith.maxnumf", acc[0], v);
                let mn = kb.binary("arith.minnumf", acc[1], v);
                vec![mx, mn]
            });
            let (maxx, minx) = (mm[0], mm[1]);
            let same = kb.cmp(true, cmpf::OEQ, maxx, minx);
            let diff = kb.binary("arith.subf", maxx, minx);
            let onef = kb.constant(f32t, 1.0);
            let range = kb.select(same, onef, diff);
            let c255 = kb.constant(f32t, 255.0);
            let sc = kb.binary("arith.divf", range, c255);
            let q = kb.binary("arith.divf", minx, sc);
            let zf = kb.binary("arith.subf", z0, q);
            let zf = clamp(kb, zf, 0.0, 255.0);
            let zf = kb.unary("math.roundeven", zf);
            let zq = convert(kb, zf, F32, u8e);
            kb.store(sc, a[1], &[]);
            kb.store(zq, a[2], &[]);
            Ok(())
        },
    )?;
    if n == 0 {
        return Ok(());
    }
    cx.kernel(ctx, "dynamic_quantize", &[x, scale, zero, y], |kb, a| {
        broadcast_nest(kb, &s, |kb, idx| {
            let v = kb.load(a[0], idx);
            let sc = kb.load(a[1], &[]);
            let zq = kb.load(a[2], &[]);
            let zf = convert(kb, zq, u8e, F32);
            let r = kb.binary("arith.divf", v, sc);
            let r = kb.unary("math.roundeven", r);
            let r = kb.binary("arith.addf", r, zf);
            let r = clamp(kb, r, 0.0, 255.0);
            let q = convert(kb, r, F32, u8e);
            kb.store(q, a[3], idx);
        });
        Ok(())
    })
}
