//! Resize (and Upsample, which the importer maps to it): nearest / linear / cubic, every
//! coordinate transformation mode, antialiasing, `exclude_outside`, `keep_aspect_ratio_policy`,
//! `axes`, and `tf_crop_and_resize` with its extrapolation value.
//!
//! As in ONNX's reference, interpolation is separable: it runs along one axis at a time, in f64,
//! and the result is rounded (integers: half to even) and saturated into the input's type.

use super::elementwise::cast_tensor;
use super::{mk, opt_int_input};
use crate::util::{norm_axes, split_at_axis};
use crate::{KResult, Node, bail};
use flowc_tensor::{DType, Tensor};

/// The interpolation of a Resize.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Mode {
    Nearest,
    Linear,
    Cubic,
}

/// The attributes of a Resize that decide its taps (code generation builds its tap tables at
/// compile time with [`axis_taps`], so compiled and interpreted Resize agree by construction).
#[derive(Clone, Debug)]
pub struct Params {
    pub mode: Mode,
    pub nearest_mode: String,
    pub coord: String,
    pub cubic_a: f64,
    pub antialias: bool,
    pub exclude_outside: bool,
    pub extrapolation: f64,
}

fn coeffs(p: &Params, ratio: f64, scale: f64) -> KResult<Vec<f64>> {
    let is_int = ratio.fract() == 0.0;
    Ok(match p.mode {
        Mode::Nearest => {
            if is_int {
                return Ok(vec![0.0, 1.0]);
            }
            let (a, b) = match p.nearest_mode.as_str() {
                "round_prefer_floor" => (ratio <= 0.5, ratio > 0.5),
                "round_prefer_ceil" => (ratio < 0.5, ratio >= 0.5),
                "floor" => (true, false),
                "ceil" => (false, true),
                other => bail!("unknown nearest_mode '{other}'"),
            };
            vec![a as u8 as f64, b as u8 as f64]
        }
        Mode::Linear if !p.antialias => vec![1.0 - ratio, ratio],
        Mode::Linear => {
            let scale = scale.min(1.0);
            let start = (-1.0 / scale).floor() as i64 + 1;
            let footprint = 2 - 2 * start;
            let c: Vec<f64> = (start..start + footprint)
                .map(|i| (1.0 - ((i as f64 - ratio) * scale).abs()).clamp(0.0, 1.0))
                .collect();
            let s: f64 = c.iter().sum();
            c.into_iter().map(|v| v / s).collect()
        }
        Mode::Cubic if !p.antialias => {
            let a = p.cubic_a;
            let r = ratio;
            vec![
                ((a * (r + 1.0) - 5.0 * a) * (r + 1.0) + 8.0 * a) * (r + 1.0) - 4.0 * a,
                ((a + 2.0) * r - (a + 3.0)) * r * r + 1.0,
                ((a + 2.0) * (1.0 - r) - (a + 3.0)) * (1.0 - r) * (1.0 - r) + 1.0,
                ((a * ((1.0 - r) + 1.0) - 5.0 * a) * ((1.0 - r) + 1.0) + 8.0 * a)
                    * ((1.0 - r) + 1.0)
                    - 4.0 * a,
            ]
        }
        Mode::Cubic => {
            let a = p.cubic_a;
            let scale = scale.min(1.0);
            let f = |x: f64| {
                let x = x.abs();
                let (x2, x3) = (x * x, x * x * x);
                if x <= 1.0 {
                    (a + 2.0) * x3 - (a + 3.0) * x2 + 1.0
                } else if x < 2.0 {
                    a * x3 - 5.0 * a * x2 + 8.0 * a * x - 4.0 * a
                } else {
                    0.0
                }
            };
            let start = (-2.0 / scale).floor() as i64 + 1;
            let end = 2 - start;
            let c: Vec<f64> = (start..end)
                .map(|i| f(scale * (i as f64 - ratio)))
                .collect();
            let s: f64 = c.iter().sum();
            c.into_iter().map(|v| v / s).collect()
        }
    })
}

/// The taps of one axis: per output position, the source indices and weights, or `None` where
/// `tf_crop_and_resize` extrapolates.
pub type Taps = Vec<Option<(Vec<usize>, Vec<f64>)>>;

/// The taps of resizing an axis of `in_w` elements to `out_w` with `scale` (and the axis' `roi`
/// for `tf_crop_and_resize`), as ONNX's reference computes them.
pub fn axis_taps(
    in_w: usize,
    scale: f64,
    out_w: usize,
    roi: Option<(f64, f64)>,
    p: &Params,
) -> KResult<Taps> {
    let out_width = scale * in_w as f64;
    let inw = in_w as f64;
    let mut taps: Taps = Vec::with_capacity(out_w);
    for y in 0..out_w {
        let yf = y as f64;
        let x = match p.coord.as_str() {
            "align_corners" => {
                if out_width == 1.0 {
                    0.0
                } else {
                    yf * (inw - 1.0) / (out_width - 1.0)
                }
            }
            "asymmetric" => yf / scale,
            "tf_crop_and_resize" => {
                let (r0, r1) = roi.unwrap_or((0.0, 1.0));
                let x = if out_width == 1.0 {
                    (r1 - r0) * (inw - 1.0) / 2.0
                } else {
                    yf * (r1 - r0) * (inw - 1.0) / (out_width - 1.0)
                } + r0 * (inw - 1.0);
                if x < 0.0 || x > inw - 1.0 {
                    taps.push(None);
                    continue;
                }
                x
            }
            "pytorch_half_pixel" => {
                if out_width == 1.0 {
                    -0.5
                } else {
                    (yf + 0.5) / scale - 0.5
                }
            }
            "half_pixel" => (yf + 0.5) / scale - 0.5,
            "half_pixel_symmetric" => {
                let adjustment = out_w as f64 / out_width;
                let offset = inw / 2.0 * (1.0 - adjustment);
                offset + (yf + 0.5) / scale - 0.5
            }
            other => bail!("unknown coordinate_transformation_mode '{other}'"),
        };
        let fl = x.floor();
        let ratio = if x == fl { 1.0 } else { x - fl };
        let mut c = coeffs(p, ratio, scale)?;
        let n = c.len();
        let pad = n.div_ceil(2) as f64;
        let xp = x + pad;
        let pp = xp.floor();
        let frac = xp - pp;
        let off: i64 = if n % 2 == 0 {
            if frac == 0.0 {
                -(n as i64 / 2)
            } else {
                -(n as i64 / 2) + 1
            }
        } else {
            let base = -((n as i64 - 1) / 2);
            if frac <= 0.5 { base } else { base + 1 }
        };
        let start = pp as i64 + off - pad as i64;
        let idx: Vec<i64> = (0..n as i64).map(|j| start + j).collect();
        if p.exclude_outside {
            for (cj, &i) in c.iter_mut().zip(&idx) {
                if i < 0 || i >= in_w as i64 {
                    *cj = 0.0;
                }
            }
            let s: f64 = c.iter().sum();
            let s = if s == 0.0 { 1.0 } else { s };
            for cj in &mut c {
                *cj /= s;
            }
        }
        let idx: Vec<usize> = idx
            .iter()
            .map(|&i| i.clamp(0, in_w as i64 - 1) as usize)
            .collect();
        taps.push(Some((idx, c)));
    }
    Ok(taps)
}

/// Resizes `data` (of `shape`) along `axis` to `out_w` with `scale`.
fn resize_axis(
    data: &[f64],
    shape: &[usize],
    axis: usize,
    scale: f64,
    out_w: usize,
    roi: Option<(f64, f64)>,
    p: &Params,
) -> KResult<(Vec<f64>, Vec<usize>)> {
    let (outer, in_w, inner) = split_at_axis(shape, axis);
    let mut out_shape = shape.to_vec();
    out_shape[axis] = out_w;
    let total = crate::util::checked_len(&out_shape)?;
    if total == 0 || in_w == 0 {
        return Ok((vec![0.0; total], out_shape));
    }
    let taps = axis_taps(in_w, scale, out_w, roi, p)?;
    let mut out = Vec::with_capacity(total);
    for o in 0..outer {
        for t in &taps {
            match t {
                None => out.extend(std::iter::repeat_n(p.extrapolation, inner)),
                Some((idx, c)) => {
                    for i in 0..inner {
                        let mut s = 0.0;
                        for (&k, &w) in idx.iter().zip(c) {
                            s += data[(o * in_w + k) * inner + i] * w;
                        }
                        out.push(s);
                    }
                }
            }
        }
    }
    Ok((out, out_shape))
}

pub fn resize(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let roi = n.opt_nonempty(1).map(|t| t.to_f64_vec());
    let scales = n.opt_nonempty(2).map(|t| t.to_f64_vec());
    let sizes = match n.opt_nonempty(3) {
        Some(_) => opt_int_input(n, 3)?,
        None => None,
    };
    let coord = n.string("coordinate_transformation_mode", "half_pixel")?;
    let nearest = n.string("nearest_mode", "round_prefer_floor")?;
    resize_impl(n, roi, scales, sizes, coord, nearest)
}

/// Upsample (opset 7 to 9): `scales` is input 1; coordinates are asymmetric and nearest
/// rounds down, so integer scales repeat elements.
pub fn upsample(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let scales = match n.opt(1) {
        Some(t) => Some(t.to_f64_vec()),
        None => n
            .floats("scales")?
            .map(|v| v.into_iter().map(|x| x as f64).collect()),
    };
    resize_impl(n, None, scales, None, "asymmetric".into(), "floor".into())
}

fn resize_impl(
    n: &Node<'_>,
    roi: Option<Vec<f64>>,
    scales: Option<Vec<f64>>,
    sizes: Option<Vec<i64>>,
    coord: String,
    nearest_mode: String,
) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let r = x.rank();
    let mode = n.string("mode", "nearest")?;
    let p = Params {
        mode: match mode.as_str() {
            "nearest" => Mode::Nearest,
            "linear" | "bilinear" | "trilinear" => Mode::Linear,
            "cubic" | "bicubic" => Mode::Cubic,
            other => bail!("unknown mode '{other}'"),
        },
        nearest_mode,
        coord,
        cubic_a: n.float("cubic_coeff_a", -0.75)? as f64,
        antialias: n.int("antialias", 0)? != 0,
        exclude_outside: n.int("exclude_outside", 0)? != 0,
        extrapolation: n.float("extrapolation_value", 0.0)? as f64,
    };
    if p.antialias && p.mode == Mode::Nearest {
        crate::unsupported!("antialias is not supported for mode 'nearest'");
    }
    let axes: Vec<usize> = match n.ints("axes")? {
        Some(a) => norm_axes(&a, r)?,
        None => (0..r).collect(),
    };
    let k = axes.len();
    let mut full_scale = vec![1.0f64; r];
    let mut full_size: Vec<usize> = x.shape().to_vec();
    let mut full_roi: Vec<(f64, f64)> = vec![(0.0, 1.0); r];
    if let Some(roi) = &roi {
        if roi.len() != 2 * k {
            bail!("roi has {} values for {k} axes", roi.len());
        }
        for (i, &a) in axes.iter().enumerate() {
            full_roi[a] = (roi[i], roi[k + i]);
        }
    }
    match (&scales, &sizes) {
        (Some(s), None) => {
            if s.len() != k {
                bail!("scales has {} values for {k} axes", s.len());
            }
            for (i, &a) in axes.iter().enumerate() {
                if s[i] <= 0.0 || !s[i].is_finite() {
                    bail!("scale {} must be positive", s[i]);
                }
                full_scale[a] = s[i];
                let o = s[i] * x.shape()[a] as f64;
                if o > 1e9 {
                    bail!("output dimension too large");
                }
                full_size[a] = o as usize;
            }
        }
        (None, Some(sz)) => {
            if sz.len() != k {
                bail!("sizes has {} values for {k} axes", sz.len());
            }
            for (i, &a) in axes.iter().enumerate() {
                full_size[a] = crate::util::dim(sz[i], "sizes")?;
                full_scale[a] = full_size[a] as f64 / x.shape()[a] as f64;
            }
            let policy = n.string("keep_aspect_ratio_policy", "stretch")?;
            if policy != "stretch" {
                let sel = axes.iter().map(|&a| full_scale[a]);
                let s = match policy.as_str() {
                    "not_larger" => sel.fold(f64::INFINITY, f64::min),
                    "not_smaller" => sel.fold(f64::NEG_INFINITY, f64::max),
                    other => bail!("unknown keep_aspect_ratio_policy '{other}'"),
                };
                for &a in &axes {
                    full_scale[a] = s;
                    full_size[a] = (s * x.shape()[a] as f64 + 0.5) as usize;
                }
            }
        }
        (Some(_), Some(_)) => bail!("only one of scales and sizes may be given"),
        (None, None) => bail!("one of scales and sizes is required"),
    }
    crate::util::checked_len(&full_size)?;
    let mut data = x.to_f64_vec();
    let mut shape = x.shape().to_vec();
    for a in 0..r {
        let trivial_roi = roi.is_none() || (full_roi[a].0 == 0.0 && full_roi[a].1 == 1.0);
        if (full_scale[a] - 1.0).abs() < 1e-9 && full_size[a] == shape[a] && trivial_roi {
            continue;
        }
        let axis_roi = roi.as_ref().map(|_| full_roi[a]);
        let (d, s) = resize_axis(&data, &shape, a, full_scale[a], full_size[a], axis_roi, &p)?;
        data = d;
        shape = s;
    }
    // Saturating, rounding cast into the input type.
    let dt = x.dtype();
    let (lo, hi) = match dt {
        DType::F16 => (-65504.0, 65504.0),
        DType::BF16 => (-3.3895313892515355e38, 3.3895313892515355e38),
        DType::F32 => (f32::MIN as f64, f32::MAX as f64),
        DType::F64 => (f64::MIN, f64::MAX),
        DType::I8 => (i8::MIN as f64, i8::MAX as f64),
        DType::I16 => (i16::MIN as f64, i16::MAX as f64),
        DType::I32 => (i32::MIN as f64, i32::MAX as f64),
        DType::I64 => (i64::MIN as f64, i64::MAX as f64),
        DType::U8 => (0.0, u8::MAX as f64),
        DType::U16 => (0.0, u16::MAX as f64),
        DType::U32 => (0.0, u32::MAX as f64),
        DType::U64 => (0.0, u64::MAX as f64),
        DType::Bool => crate::unsupported!("unsupported element type bool"),
    };
    let int = !dt.is_float();
    for v in &mut data {
        if int {
            *v = v.round_ties_even();
        }
        if !v.is_nan() {
            *v = v.clamp(lo, hi);
        }
    }
    let t = mk(shape, data)?;
    Ok(vec![Some(cast_tensor(&t, dt)?)])
}
