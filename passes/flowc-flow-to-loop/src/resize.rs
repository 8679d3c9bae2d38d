//! Resize (nearest / linear / cubic, every coordinate transformation mode, antialiasing,
//! `exclude_outside`, `cubic_coeff_a`, `keep_aspect_ratio_policy`, `axes`, `tf_crop_and_resize`
//! with its extrapolation value), as the interpreter computes it
//! (crates/flowc-interp/src/ops/resize.rs): separable, one axis at a time, in f64, and the result
//! rounded (integers: half to even) and saturated into the input's type.
//!
//! The source taps and weights of every output position along each resized axis become tables
//! (`[out, taps]` indices and weights, plus a validity flag per position for
//! `tf_crop_and_resize`): computed at compile time by the interpreter's own tap code
//! (`flowc_interp::resize_taps`), so both agree by construction, when `roi`,
//! `scales` and `sizes` are constants (read-only globals), else by a one-task kernel from the
//! runtime inputs (the result shape is static either way). Each resized axis is then one kernel
//! from the previous axis' f64 scratch buffer (or the input) to the next one (or the result),
//! parallel over the outer dims (and output positions), the inner dims contiguous.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common;
use flowc_interp::resize_taps::{Mode, Params, axis_taps};
use flowc_ir::{Context, Diagnostic, FloatKind, Type, Value};

/// A constant float operand that may be absent or empty (`None` then).
fn opt_floats(ctx: &Context, cx: &OpCx<'_, '_>, i: usize) -> Result<Option<Vec<f64>>, Diagnostic> {
    if !cx.has_operand(ctx, i) || cx.operand_shape(ctx, i).contains(&0) {
        return Ok(None);
    }
    match common::const_floats(ctx, cx, i) {
        Some(v) => Ok(Some(v)),
        None => Err(cx.unsupported(ctx, format!("a non-constant operand #{i}"))),
    }
}

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    if name != "flow.resize" {
        return Ok(false);
    }
    common::require_static(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    if e == Elem::Bool {
        return Err(cx.unsupported(ctx, "element type bool"));
    }
    let shape: Vec<usize> = cx
        .operand_shape(ctx, 0)
        .iter()
        .map(|&d| d as usize)
        .collect();
    let r = shape.len();
    let present = |i: usize| cx.has_operand(ctx, i) && !cx.operand_shape(ctx, i).contains(&0);
    let runtime = (1..4).any(|i| present(i) && cx.constant_operand(ctx, i).is_none());
    let roi = if runtime {
        None
    } else {
        opt_floats(ctx, cx, 1)?
    };
    let scales = if runtime {
        None
    } else {
        opt_floats(ctx, cx, 2)?
    };
    let sizes = if runtime || !present(3) {
        None
    } else {
        match common::const_ints(ctx, cx, 3) {
            Some(v) => Some(v),
            None => return Err(cx.unsupported(ctx, "non-constant sizes")),
        }
    };
    let mode = match cx.attr_str(ctx, "mode").unwrap_or("nearest") {
        "nearest" => Mode::Nearest,
        "linear" | "bilinear" | "trilinear" => Mode::Linear,
        "cubic" | "bicubic" => Mode::Cubic,
        other => return Err(cx.unsupported(ctx, format!("mode '{other}'"))),
    };
    let p = Params {
        mode,
        nearest_mode: cx
            .attr_str(ctx, "nearest_mode")
            .unwrap_or("round_prefer_floor")
            .to_string(),
        coord: cx
            .attr_str(ctx, "coordinate_transformation_mode")
            .unwrap_or("half_pixel")
            .to_string(),
        cubic_a: cx.attr_f64(ctx, "cubic_coeff_a", -0.75),
        antialias: cx.attr_i64(ctx, "antialias", 0) != 0,
        exclude_outside: cx.attr_i64(ctx, "exclude_outside", 0) != 0,
        extrapolation: cx.attr_f64(ctx, "extrapolation_value", 0.0),
    };
    let extrapolation = p.extrapolation;
    if p.antialias && p.mode == Mode::Nearest {
        return Err(cx.unsupported(ctx, "antialias with mode 'nearest'"));
    }
    if !matches!(
        p.nearest_mode.as_str(),
        "round_prefer_floor" | "round_prefer_ceil" | "floor" | "ceil"
    ) {
        return Err(cx.unsupported(ctx, format!("nearest_mode '{}'", p.nearest_mode)));
    }
    if !matches!(
        p.coord.as_str(),
        "align_corners"
            | "asymmetric"
            | "tf_crop_and_resize"
            | "pytorch_half_pixel"
            | "half_pixel"
            | "half_pixel_symmetric"
    ) {
        return Err(cx.unsupported(ctx, format!("coordinate_transformation_mode '{}'", p.coord)));
    }
    let axes: Vec<usize> = match cx.attr_ints(ctx, "axes") {
        Some(a) => {
            let mut v = Vec::new();
            for x in a {
                v.push(common::norm_axis(ctx, cx, x, r)?);
            }
            v
        }
        None => (0..r).collect(),
    };
    // Runtime `sizes` with the "stretch" policy (and no roi) give every scale at compile time
    // (output / input, the result shape being static): the taps are constants then too.
    let stretch = cx
        .attr_str(ctx, "keep_aspect_ratio_policy")
        .unwrap_or("stretch")
        == "stretch";
    let (runtime, sizes) = if runtime && !present(1) && !present(2) && present(3) && stretch {
        let out = cx.result_shape(ctx, 0);
        (
            false,
            Some(axes.iter().map(|&a| out[a]).collect::<Vec<_>>()),
        )
    } else {
        (runtime, sizes)
    };
    if runtime {
        runtime_resize(ctx, cx, e, &p, extrapolation, &axes)?;
        return Ok(true);
    }
    let k = axes.len();
    let mut full_scale = vec![1.0f64; r];
    let mut full_size = shape.clone();
    let mut full_roi: Vec<(f64, f64)> = vec![(0.0, 1.0); r];
    if let Some(roi) = &roi {
        if roi.len() != 2 * k {
            return Err(cx.unsupported(ctx, format!("roi of {} values for {k} axes", roi.len())));
        }
        for (i, &a) in axes.iter().enumerate() {
            full_roi[a] = (roi[i], roi[k + i]);
        }
    }
    match (&scales, &sizes) {
        (Some(s), None) => {
            if s.len() != k {
                return Err(cx.unsupported(ctx, "scales that do not match the axes"));
            }
            for (i, &a) in axes.iter().enumerate() {
                if s[i] <= 0.0 || !s[i].is_finite() {
                    return Err(cx.unsupported(ctx, format!("scale {}", s[i])));
                }
                full_scale[a] = s[i];
                full_size[a] = (s[i] * shape[a] as f64) as usize;
            }
        }
        (None, Some(sz)) => {
            if sz.len() != k || sz.iter().any(|&v| v < 0) {
                return Err(cx.unsupported(ctx, "sizes that do not match the axes"));
            }
            for (i, &a) in axes.iter().enumerate() {
                full_size[a] = sz[i] as usize;
                full_scale[a] = full_size[a] as f64 / shape[a] as f64;
            }
            let policy = cx
                .attr_str(ctx, "keep_aspect_ratio_policy")
                .unwrap_or("stretch")
                .to_string();
            if policy != "stretch" {
                let sel = axes.iter().map(|&a| full_scale[a]);
                let s = match policy.as_str() {
                    "not_larger" => sel.fold(f64::INFINITY, f64::min),
                    "not_smaller" => sel.fold(f64::NEG_INFINITY, f64::max),
                    other => {
                        return Err(
                            cx.unsupported(ctx, format!("keep_aspect_ratio_policy '{other}'"))
                        );
                    }
                };
                for &a in &axes {
                    full_scale[a] = s;
                    full_size[a] = (s * shape[a] as f64 + 0.5) as usize;
                }
            }
        }
        _ => return Err(cx.unsupported(ctx, "neither or both of scales and sizes")),
    }
    let out_shape: Vec<i64> = full_size.iter().map(|&d| d as i64).collect();
    if cx.result_shape(ctx, 0) != out_shape {
        return Err(cx.unsupported(ctx, "a result shape other than the computed one"));
    }
    // The resized axes, in order, with their taps as read-only tables.
    let mut steps: Vec<Step> = Vec::new();
    for a in 0..r {
        let trivial_roi = roi.is_none() || (full_roi[a].0 == 0.0 && full_roi[a].1 == 1.0);
        if (full_scale[a] - 1.0).abs() < 1e-9 && full_size[a] == shape[a] && trivial_roi {
            continue;
        }
        let axis_roi = roi.as_ref().map(|_| full_roi[a]);
        let out_w = full_size[a] as i64;
        if shape[a] == 0 || out_w == 0 {
            steps.push(Step {
                axis: a,
                out_w,
                ntap: 0,
                idx: None,
                w: None,
                valid: None,
            });
            continue;
        }
        let taps = axis_taps(shape[a], full_scale[a], full_size[a], axis_roi, &p)
            .map_err(|w| cx.unsupported(ctx, w))?;
        let ntap = taps
            .iter()
            .flatten()
            .map(|(i, _)| i.len())
            .next()
            .unwrap_or(1);
        let mut idx_t: Vec<i32> = Vec::with_capacity((out_w as usize) * ntap);
        let mut w_t: Vec<f64> = Vec::with_capacity((out_w as usize) * ntap);
        let mut valid: Vec<u8> = Vec::with_capacity(out_w as usize);
        for t in &taps {
            match t {
                Some((i, w)) => {
                    if i.len() != ntap {
                        return Err(cx.unsupported(ctx, "a varying tap count"));
                    }
                    idx_t.extend(i.iter().map(|&v| v as i32));
                    w_t.extend(w);
                    valid.push(1);
                }
                None => {
                    idx_t.extend(std::iter::repeat_n(0, ntap));
                    w_t.extend(std::iter::repeat_n(0.0, ntap));
                    valid.push(0);
                }
            }
        }
        let nt = ntap as i64;
        let i32t = ctx.integer_type(32);
        let i8t = ctx.integer_type(8);
        let f64t = common::f64_type_ctx(ctx);
        let ib: Vec<u8> = idx_t.iter().flat_map(|v| v.to_le_bytes()).collect();
        let wb: Vec<u8> = w_t.iter().flat_map(|v| v.to_le_bytes()).collect();
        let it = table(ctx, cx, &[out_w, nt], i32t, ib);
        let wt = table(ctx, cx, &[out_w, nt], f64t, wb);
        let vt = if valid.contains(&0) {
            Some(table(ctx, cx, &[out_w], i8t, valid))
        } else {
            None
        };
        steps.push(Step {
            axis: a,
            out_w,
            ntap: nt,
            idx: Some(it),
            w: Some(wt),
            valid: vt,
        });
    }
    apply_steps(ctx, cx, e, &steps, extrapolation)?;
    Ok(true)
}

/// One resized axis: its output size, tap count and tables (`[out, taps]` source indices as
/// `i32` and weights as `f64`; `[out]` validity as `i8` where positions extrapolate). No tables
/// when the axis or the input is empty (the reference gives zeros).
struct Step {
    axis: usize,
    out_w: i64,
    ntap: i64,
    idx: Option<Value>,
    w: Option<Value>,
    valid: Option<Value>,
}

/// One kernel per step, each from the previous step's f64 scratch (or the input) to the next
/// one (or the result), the last converting with [`saturate`].
fn apply_steps(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    e: Elem,
    steps: &[Step],
    extrapolation: f64,
) -> Result<(), Diagnostic> {
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let out_shape = cx.result_shape(ctx, 0);
    let total: i64 = out_shape.iter().product();
    if total == 0 {
        return Ok(());
    }
    if steps.is_empty() {
        // No axis changes: the saturating conversion alone.
        let n = total;
        let xv = cx.view(ctx, x, &[n]);
        let yv = cx.view(ctx, y, &[n]);
        return cx.kernel(ctx, "resize_copy", &[xv, yv], |kb, a| {
            crate::elementwise::chunked_nest(kb, &[n], &mut |kb, idx| {
                let v = kb.load_elem(e, a[0], idx);
                let v = common::to_f64(kb, e, v);
                let v = saturate(kb, e, v);
                kb.store_elem(e, v, a[1], idx);
            });
            Ok(())
        });
    }
    let f64e = Elem::Float(FloatKind::F64);
    let f64t = common::f64_type_ctx(ctx);
    let i8t = ctx.integer_type(8);
    let mut cur_shape = cx.operand_shape(ctx, 0);
    let mut src = x;
    let mut src_e = e;
    let last = steps.len() - 1;
    for (si, st) in steps.iter().enumerate() {
        let a = st.axis;
        let in_w = cur_shape[a];
        let out_w = st.out_w;
        let outer: i64 = cur_shape[..a].iter().product();
        let inner: i64 = cur_shape[a + 1..].iter().product();
        let mut next_shape = cur_shape.clone();
        next_shape[a] = out_w;
        let final_step = si == last;
        let (dst, dst_e) = if final_step {
            (y, e)
        } else {
            let m = ctx.memref_type(next_shape.clone(), f64t);
            (cx.scratch(ctx, m), f64e)
        };
        let sv = cx.view(ctx, src, &[outer, in_w, inner]);
        let dv = cx.view(ctx, dst, &[outer, out_w, inner]);
        match (st.idx, st.w) {
            (Some(it), Some(wt)) if in_w > 0 => {
                let nt = st.ntap;
                let extrap = st.valid.is_some();
                let mut args = vec![sv, it, wt];
                args.extend(st.valid);
                args.push(dv);
                cx.kernel(ctx, "resize", &args, |kb, ka| {
                    let (s, it, wt, d) = (ka[0], ka[1], ka[2], ka[ka.len() - 1]);
                    let vt = if extrap { Some(ka[3]) } else { None };
                    let row = &mut |kb: &mut Kb<'_>, o: Value, yy: Value| {
                        let ok = vt.map(|vt| {
                            let v = kb.load(vt, &[yy]);
                            let z = kb.constant(i8t, 0.0);
                            kb.cmp(false, cmpi::NE, v, z)
                        });
                        kb.for_range(inner, |kb, i| {
                            let z = kb.constant(f64t, 0.0);
                            let lb = kb.index(0);
                            let ub = kb.index(nt);
                            let one = kb.index(1);
                            let sum = kb.for_loop(lb, ub, one, &[z], |kb, j, acc| {
                                let ki = kb.load(it, &[yy, j]);
                                let i32e = Elem::Int {
                                    width: 32,
                                    signed: true,
                                };
                                let ki = common::to_index(kb, i32e, ki);
                                let w = kb.load(wt, &[yy, j]);
                                let v = kb.load_elem(src_e, s, &[o, ki, i]);
                                let v = common::to_f64(kb, src_e, v);
                                let m = kb.binary("arith.mulf", v, w);
                                vec![kb.binary("arith.addf", acc[0], m)]
                            })[0];
                            let v = match ok {
                                Some(ok) => {
                                    let ex = kb.constant(f64t, extrapolation);
                                    kb.select(ok, sum, ex)
                                }
                                None => sum,
                            };
                            let v = if final_step {
                                saturate(kb, dst_e, v)
                            } else {
                                v
                            };
                            kb.store_elem(dst_e, v, d, &[o, yy, i]);
                        });
                    };
                    if inner >= 16 {
                        kb.parallel(&[outer, out_w], |kb, iv| row(kb, iv[0], iv[1]));
                    } else {
                        kb.parallel(&[outer], |kb, iv| {
                            let o = iv[0];
                            kb.for_range(out_w, |kb, yy| row(kb, o, yy));
                        });
                    }
                    Ok(())
                })?;
            }
            _ => {
                // An empty axis: the reference gives zeros.
                cx.kernel(ctx, "resize_zero", &[dv], |kb, args| {
                    crate::elementwise::chunked_nest(kb, &[outer, out_w, inner], &mut |kb, idx| {
                        let z = kb.constant(f64t, 0.0);
                        let v = if final_step {
                            saturate(kb, dst_e, z)
                        } else {
                            z
                        };
                        kb.store_elem(dst_e, v, args[0], idx);
                    });
                    Ok(())
                })?;
            }
        }
        src = dst;
        src_e = dst_e;
        cur_shape = next_shape;
    }
    Ok(())
}

/// A read-only table of `shape` and element type `et` from little-endian bytes.
fn table(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    shape: &[i64],
    et: Type,
    data: Vec<u8>,
) -> Value {
    let tty = ctx.tensor_type(shape.to_vec(), et);
    let attr = ctx.intern_attr(flowc_ir::AttrData::DenseElements {
        ty: tty,
        splat: false,
        data,
    });
    let mt = ctx.memref_type(shape.to_vec(), et);
    cx.weight(ctx, attr, mt)
}

/// The reference's final conversion of an f64 value into `e`: integers rounded half to even,
/// then (NaN aside) clamped into the type's finite range, then converted.
fn saturate(kb: &mut Kb<'_>, e: Elem, v: Value) -> Value {
    let (lo, hi) = match e {
        Elem::Float(FloatKind::F16) => (-65504.0, 65504.0),
        Elem::Float(FloatKind::BF16) => (-3.3895313892515355e38, 3.3895313892515355e38),
        Elem::Float(FloatKind::F32) => (f32::MIN as f64, f32::MAX as f64),
        Elem::Float(_) => (f64::MIN, f64::MAX),
        Elem::Int { width, signed } => (
            common::int_min(width, signed) as f64,
            common::int_max(width, signed) as f64,
        ),
        Elem::Bool => (0.0, 1.0),
    };
    let v = if e.is_float() {
        v
    } else {
        kb.unary("math.roundeven", v)
    };
    let lov = common::fconst(kb, v, lo);
    let hiv = common::fconst(kb, v, hi);
    let below = kb.cmp(true, cmpf::OLT, v, lov);
    let v = kb.select(below, lov, v);
    let above = kb.cmp(true, cmpf::OGT, v, hiv);
    let v = kb.select(above, hiv, v);
    common::from_f64(kb, e, v)
}

/// Where the scale of a resized axis comes from when `roi`, `scales` or `sizes` is a runtime
/// input.
#[derive(Clone, Copy)]
enum ScaleOf {
    /// Known at compile time (`sizes` with the "stretch" policy: output / input).
    Const(f64),
    /// `scales[i]`.
    Scales(usize),
    /// `keep_aspect_ratio_policy`: the min (`not_larger`, true) or max of `sizes[j] / in[axes[j]]`.
    Policy(bool),
}

/// Resize with runtime `roi` / `scales` / `sizes` (the result shape is static): a one-task
/// kernel computes each resized axis' tap tables from the inputs the way [`axis_taps`] does,
/// then [`apply_steps`] applies them. Not for antialiasing, whose tap count depends on the scale.
fn runtime_resize(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    e: Elem,
    p: &Params,
    extrapolation: f64,
    axes: &[usize],
) -> Result<(), Diagnostic> {
    if p.antialias {
        return Err(cx.unsupported(ctx, "antialias with runtime roi / scales / sizes"));
    }
    let present = |i: usize| cx.has_operand(ctx, i) && !cx.operand_shape(ctx, i).contains(&0);
    let (has_roi, has_scales, has_sizes) = (present(1), present(2), present(3));
    let k = axes.len() as i64;
    let in_shape = cx.operand_shape(ctx, 0);
    let out_shape = cx.result_shape(ctx, 0);
    if has_scales == has_sizes {
        return Err(cx.unsupported(ctx, "neither or both of scales and sizes"));
    }
    let pi = if has_scales { 2 } else { 3 };
    if cx.operand_shape(ctx, pi) != [k] || (has_roi && cx.operand_shape(ctx, 1) != [2 * k]) {
        return Err(cx.unsupported(ctx, "roi / scales / sizes that do not match the axes"));
    }
    let pe = cx.operand_elem(ctx, pi)?;
    let re = if has_roi {
        Some(cx.operand_elem(ctx, 1)?)
    } else {
        None
    };
    let policy = cx
        .attr_str(ctx, "keep_aspect_ratio_policy")
        .unwrap_or("stretch")
        .to_string();
    let mut plan: Vec<(usize, usize, ScaleOf)> = Vec::new();
    for (i, &a) in axes.iter().enumerate() {
        let of = if has_scales {
            ScaleOf::Scales(i)
        } else {
            match policy.as_str() {
                "stretch" => ScaleOf::Const(out_shape[a] as f64 / in_shape[a] as f64),
                "not_larger" => ScaleOf::Policy(true),
                "not_smaller" => ScaleOf::Policy(false),
                other => {
                    return Err(cx.unsupported(ctx, format!("keep_aspect_ratio_policy '{other}'")));
                }
            }
        };
        if let ScaleOf::Const(c) = of
            && (c - 1.0).abs() < 1e-9
            && out_shape[a] == in_shape[a]
            && !has_roi
        {
            continue;
        }
        plan.push((a, i, of));
    }
    plan.sort_by_key(|&(a, _, _)| a);
    let ntap: i64 = if p.mode == Mode::Cubic { 4 } else { 2 };
    let i32t = ctx.integer_type(32);
    let i8t = ctx.integer_type(8);
    let f64t = common::f64_type_ctx(ctx);
    let tf = p.coord == "tf_crop_and_resize";
    let mut steps = Vec::new();
    let mut args = vec![cx.input(ctx, pi)?];
    if has_roi {
        args.push(cx.input(ctx, 1)?);
    }
    for &(a, _, _) in &plan {
        let out_w = out_shape[a];
        if in_shape[a] == 0 || out_w == 0 {
            steps.push(Step {
                axis: a,
                out_w,
                ntap: 0,
                idx: None,
                w: None,
                valid: None,
            });
            continue;
        }
        let m = ctx.memref_type(vec![out_w, ntap], i32t);
        let it = cx.scratch(ctx, m);
        let m = ctx.memref_type(vec![out_w, ntap], f64t);
        let wt = cx.scratch(ctx, m);
        let vt = if tf {
            let m = ctx.memref_type(vec![out_w], i8t);
            Some(cx.scratch(ctx, m))
        } else {
            None
        };
        args.push(it);
        args.push(wt);
        args.extend(vt);
        steps.push(Step {
            axis: a,
            out_w,
            ntap,
            idx: Some(it),
            w: Some(wt),
            valid: vt,
        });
    }
    let axes = axes.to_vec();
    cx.kernel(ctx, "resize_taps", &args, |kb, ka| {
        let pbuf = ka[0];
        let rbuf = if has_roi { Some(ka[1]) } else { None };
        let mut next = if has_roi { 2 } else { 1 };
        for (si, &(a, i, of)) in plan.iter().enumerate() {
            let st = &steps[si];
            if st.idx.is_none() {
                continue;
            }
            let (it, wt) = (ka[next], ka[next + 1]);
            let vt = if tf { Some(ka[next + 2]) } else { None };
            next += if tf { 3 } else { 2 };
            let c = |kb: &mut Kb<'_>, v: f64| kb.constant(f64t, v);
            let load_f = |kb: &mut Kb<'_>, buf: Value, el: Elem, j: i64| {
                let jv = kb.index(j);
                let v = kb.load_elem(el, buf, &[jv]);
                common::to_f64(kb, el, v)
            };
            let scale = match of {
                ScaleOf::Const(v) => c(kb, v),
                ScaleOf::Scales(i) => load_f(kb, pbuf, pe, i as i64),
                ScaleOf::Policy(min) => {
                    let init = if min {
                        f64::INFINITY
                    } else {
                        f64::NEG_INFINITY
                    };
                    let mut acc = c(kb, init);
                    for (j, &aj) in axes.iter().enumerate() {
                        let v = load_f(kb, pbuf, pe, j as i64);
                        let d = c(kb, in_shape[aj] as f64);
                        let v = kb.binary("arith.divf", v, d);
                        let pred = if min { cmpf::OLT } else { cmpf::OGT };
                        let better = kb.cmp(true, pred, v, acc);
                        acc = kb.select(better, v, acc);
                    }
                    acc
                }
            };
            let (r0, r1) = match (rbuf, re) {
                (Some(rb), Some(re)) => (
                    load_f(kb, rb, re, i as i64),
                    load_f(kb, rb, re, k + i as i64),
                ),
                _ => (c(kb, 0.0), c(kb, 1.0)),
            };
            let in_w = in_shape[a];
            let out_w = st.out_w;
            let inw = c(kb, in_w as f64);
            let out_width = kb.binary("arith.mulf", scale, inw);
            kb.for_range(out_w, |kb, y| {
                let i64t = kb.ctx.integer_type(64);
                let yi = kb.cast("arith.index_cast", y, i64t);
                let yf = kb.cast("arith.sitofp", yi, f64t);
                let one = c(kb, 1.0);
                let half = c(kb, 0.5);
                let zero = c(kb, 0.0);
                let ow1 = kb.cmp(true, cmpf::OEQ, out_width, one);
                let inw1 = kb.binary("arith.subf", inw, one);
                let ow_1 = kb.binary("arith.subf", out_width, one);
                // (yf + 0.5) / scale - 0.5
                let half_pixel = |kb: &mut Kb<'_>| {
                    let t = kb.binary("arith.addf", yf, half);
                    let t = kb.binary("arith.divf", t, scale);
                    kb.binary("arith.subf", t, half)
                };
                let mut valid = None;
                let x = match p.coord.as_str() {
                    "align_corners" => {
                        let t = kb.binary("arith.mulf", yf, inw1);
                        let t = kb.binary("arith.divf", t, ow_1);
                        kb.select(ow1, zero, t)
                    }
                    "asymmetric" => kb.binary("arith.divf", yf, scale),
                    "tf_crop_and_resize" => {
                        let rr = kb.binary("arith.subf", r1, r0);
                        let two = c(kb, 2.0);
                        let t1 = kb.binary("arith.mulf", rr, inw1);
                        let t1 = kb.binary("arith.divf", t1, two);
                        let t2 = kb.binary("arith.mulf", yf, rr);
                        let t2 = kb.binary("arith.mulf", t2, inw1);
                        let t2 = kb.binary("arith.divf", t2, ow_1);
                        let t = kb.select(ow1, t1, t2);
                        let o = kb.binary("arith.mulf", r0, inw1);
                        let x = kb.binary("arith.addf", t, o);
                        let lo = kb.cmp(true, cmpf::OLT, x, zero);
                        let hi = kb.cmp(true, cmpf::OGT, x, inw1);
                        let out = common::or(kb, lo, hi);
                        valid = Some(common::not(kb, out));
                        x
                    }
                    "pytorch_half_pixel" => {
                        let t = half_pixel(kb);
                        let mh = c(kb, -0.5);
                        kb.select(ow1, mh, t)
                    }
                    "half_pixel_symmetric" => {
                        let ow = c(kb, out_w as f64);
                        let adj = kb.binary("arith.divf", ow, out_width);
                        let two = c(kb, 2.0);
                        let h = kb.binary("arith.divf", inw, two);
                        let t = kb.binary("arith.subf", one, adj);
                        let off = kb.binary("arith.mulf", h, t);
                        let t = kb.binary("arith.addf", yf, half);
                        let t = kb.binary("arith.divf", t, scale);
                        let t = kb.binary("arith.addf", off, t);
                        kb.binary("arith.subf", t, half)
                    }
                    _ => half_pixel(kb),
                };
                // Keep garbage (NaN, huge) coordinates from producing wild indices.
                let ax = kb.unary("math.absf", x);
                let big = c(kb, 1e15);
                let sane = kb.cmp(true, cmpf::OLT, ax, big);
                let x = kb.select(sane, x, zero);
                let fl = kb.unary("math.floor", x);
                let is_fl = kb.cmp(true, cmpf::OEQ, x, fl);
                let fr = kb.binary("arith.subf", x, fl);
                let ratio = kb.select(is_fl, one, fr);
                let mut cs = coeffs_ir(kb, p, ratio);
                let n = ntap;
                let pad = (n + 1) / 2;
                let padv = c(kb, pad as f64);
                let xp = kb.binary("arith.addf", x, padv);
                let pp = kb.unary("math.floor", xp);
                let frac = kb.binary("arith.subf", xp, pp);
                let f0 = kb.cmp(true, cmpf::OEQ, frac, zero);
                let o0 = kb.index(-(n / 2) - pad);
                let o1 = kb.index(-(n / 2) + 1 - pad);
                let off = kb.select(f0, o0, o1);
                let ppi = kb.cast("arith.fptosi", pp, i64t);
                let ity = kb.ctx.index_type();
                let ppi = kb.cast("arith.index_cast", ppi, ity);
                let start = kb.addi(ppi, off);
                let idx: Vec<Value> = (0..n).map(|j| common::add_const(kb, start, j)).collect();
                if p.exclude_outside {
                    let z = kb.index(0);
                    let w = kb.index(in_w);
                    for (cj, &ij) in cs.iter_mut().zip(&idx) {
                        let lo = kb.cmp(false, cmpi::SLT, ij, z);
                        let hi = kb.cmp(false, cmpi::SGE, ij, w);
                        let out = common::or(kb, lo, hi);
                        *cj = kb.select(out, zero, *cj);
                    }
                    let mut s = zero;
                    for &cj in &cs {
                        s = kb.binary("arith.addf", s, cj);
                    }
                    let s0 = kb.cmp(true, cmpf::OEQ, s, zero);
                    let s = kb.select(s0, one, s);
                    for cj in &mut cs {
                        *cj = kb.binary("arith.divf", *cj, s);
                    }
                }
                for (j, (&ij, &cj)) in idx.iter().zip(&cs).enumerate() {
                    let ij = common::clamp_index(kb, ij, 0, in_w - 1);
                    let v = kb.cast("arith.index_cast", ij, i32t);
                    let jv = kb.index(j as i64);
                    kb.store(v, it, &[y, jv]);
                    kb.store(cj, wt, &[y, jv]);
                }
                if let (Some(vt), Some(valid)) = (vt, valid) {
                    let v = kb.cast("arith.extui", valid, i8t);
                    kb.store(v, vt, &[y]);
                }
            });
        }
        Ok(())
    })?;
    apply_steps(ctx, cx, e, &steps, extrapolation)
}

/// [`coeffs`] (without antialiasing) of a runtime `ratio`: the same float operations in the
/// same order.
fn coeffs_ir(kb: &mut Kb<'_>, p: &Params, r: Value) -> Vec<Value> {
    let f64t = kb.value_type(r);
    let c = |kb: &mut Kb<'_>, v: f64| kb.constant(f64t, v);
    let one = c(kb, 1.0);
    let zero = c(kb, 0.0);
    let b2f = |kb: &mut Kb<'_>, b: Value| kb.select(b, one, zero);
    match p.mode {
        Mode::Nearest => {
            let fl = kb.unary("math.floor", r);
            let is_int = kb.cmp(true, cmpf::OEQ, r, fl);
            let h = c(kb, 0.5);
            let (a, b) = match p.nearest_mode.as_str() {
                "round_prefer_floor" => {
                    let a = kb.cmp(true, cmpf::OLE, r, h);
                    let b = kb.cmp(true, cmpf::OGT, r, h);
                    (b2f(kb, a), b2f(kb, b))
                }
                "round_prefer_ceil" => {
                    let a = kb.cmp(true, cmpf::OLT, r, h);
                    let b = kb.cmp(true, cmpf::OGE, r, h);
                    (b2f(kb, a), b2f(kb, b))
                }
                "floor" => (one, zero),
                _ => (zero, one),
            };
            vec![kb.select(is_int, zero, a), kb.select(is_int, one, b)]
        }
        Mode::Linear => vec![kb.binary("arith.subf", one, r), r],
        Mode::Cubic => {
            let a = c(kb, p.cubic_a);
            let a5 = c(kb, 5.0 * p.cubic_a);
            let a8 = c(kb, 8.0 * p.cubic_a);
            let a4 = c(kb, 4.0 * p.cubic_a);
            let a2 = c(kb, p.cubic_a + 2.0);
            let a3 = c(kb, p.cubic_a + 3.0);
            // ((a * t - 5a) * t + 8a) * t - 4a
            let outer = |kb: &mut Kb<'_>, t: Value| {
                let v = kb.binary("arith.mulf", a, t);
                let v = kb.binary("arith.subf", v, a5);
                let v = kb.binary("arith.mulf", v, t);
                let v = kb.binary("arith.addf", v, a8);
                let v = kb.binary("arith.mulf", v, t);
                kb.binary("arith.subf", v, a4)
            };
            // ((a + 2) * t - (a + 3)) * t * t + 1
            let inner = |kb: &mut Kb<'_>, t: Value| {
                let v = kb.binary("arith.mulf", a2, t);
                let v = kb.binary("arith.subf", v, a3);
                let v = kb.binary("arith.mulf", v, t);
                let v = kb.binary("arith.mulf", v, t);
                kb.binary("arith.addf", v, one)
            };
            let r1 = kb.binary("arith.addf", r, one);
            let omr = kb.binary("arith.subf", one, r);
            let omr1 = kb.binary("arith.addf", omr, one);
            vec![outer(kb, r1), inner(kb, r), inner(kb, omr), outer(kb, omr1)]
        }
    }
}
