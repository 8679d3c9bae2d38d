//! Sampling ops: GridSample (N-D; nearest / linear / cubic; zeros / border / reflection
//! padding) and RoiAlign (avg / max, half_pixel or output_half_pixel). Computed in f64.

use super::elementwise::cast_tensor;
use super::mk;
use crate::util::strides;
use crate::{KResult, Node, bail};
use flowc_tensor::Tensor;

/// Reflects `x` into `[lo, hi]` by the nearer border, repeatedly.
fn reflect(x: f64, lo: f64, hi: f64) -> f64 {
    let rng = hi - lo;
    if rng <= 0.0 {
        return lo;
    }
    if x < lo {
        let dx = lo - x;
        let n = (dx / rng) as i64;
        let r = dx - n as f64 * rng;
        if n % 2 == 0 { lo + r } else { hi - r }
    } else if x > hi {
        let dx = x - hi;
        let n = (dx / rng) as i64;
        let r = dx - n as f64 * rng;
        if n % 2 == 0 { hi - r } else { lo + r }
    } else {
        x
    }
}

fn cubic_coeffs(t: f64) -> [f64; 4] {
    let a = -0.75;
    let x = t.abs();
    [
        ((a * (x + 1.0) - 5.0 * a) * (x + 1.0) + 8.0 * a) * (x + 1.0) - 4.0 * a,
        ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0,
        ((a + 2.0) * (1.0 - x) - (a + 3.0)) * (1.0 - x) * (1.0 - x) + 1.0,
        ((a * (2.0 - x) - 5.0 * a) * (2.0 - x) + 8.0 * a) * (2.0 - x) - 4.0 * a,
    ]
}

#[derive(Clone, Copy, PartialEq)]
enum Pad {
    Zeros,
    Border,
    Reflection,
}

/// The source index of tap `i` on a dim of size `d` under the padding mode, or None (zero).
fn tap_index(i: i64, d: usize, pad: Pad, lo: f64, hi: f64) -> Option<usize> {
    match pad {
        Pad::Zeros => (i >= 0 && (i as usize) < d).then_some(i as usize),
        Pad::Border => Some(i.clamp(0, d as i64 - 1) as usize),
        Pad::Reflection => {
            let r = reflect(i as f64, lo, hi) as i64;
            Some(r.clamp(0, d as i64 - 1) as usize)
        }
    }
}

pub fn grid_sample(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let grid = n.input(1)?;
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let r = x.rank();
    if r < 3 || grid.rank() != r || grid.shape()[r - 1] != r - 2 || grid.shape()[0] != x.shape()[0]
    {
        bail!("X {:?} and grid {:?} do not match", x.shape(), grid.shape());
    }
    let mode = n.string("mode", "linear")?;
    let mode = match mode.as_str() {
        "bilinear" => "linear".to_string(),
        "bicubic" => "cubic".to_string(),
        _ => mode,
    };
    if !matches!(mode.as_str(), "nearest" | "linear" | "cubic") {
        bail!("unknown mode '{mode}'");
    }
    let pad = match n.string("padding_mode", "zeros")?.as_str() {
        "zeros" => Pad::Zeros,
        "border" => Pad::Border,
        "reflection" => Pad::Reflection,
        other => bail!("unknown padding_mode '{other}'"),
    };
    let align = n.int("align_corners", 0)? != 0;
    let (nb, c) = (x.shape()[0], x.shape()[1]);
    let dims = &x.shape()[2..];
    let nd = dims.len();
    let out_sp = &grid.shape()[1..r - 1];
    let mut out_shape = vec![nb, c];
    out_shape.extend_from_slice(out_sp);
    let out_n: usize = crate::util::checked_len(out_sp)?;
    crate::util::checked_len(&out_shape)?;
    let xv = x.to_f64_vec();
    let gv = grid.to_f64_vec();
    let plane: usize = dims.iter().product();
    let dst = strides(dims);
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
    let mut y = vec![0.0f64; nb * c * out_n];
    for b in 0..nb {
        for o in 0..out_n {
            let g = &gv[(b * out_n + o) * nd..(b * out_n + o + 1) * nd];
            // Grid holds (x, y, z...) innermost-dim first; reverse to match dims.
            let mut coord: Vec<f64> = (0..nd)
                .map(|i| {
                    let v = g[nd - 1 - i];
                    let len = dims[i] as f64;
                    // Denormalized in f32, as the reference stores it.
                    (if align {
                        (v + 1.0) / 2.0 * (len - 1.0)
                    } else {
                        ((v + 1.0) * len - 1.0) / 2.0
                    }) as f32 as f64
                })
                .collect();
            if mode == "nearest" {
                for v in &mut coord {
                    *v = v.round_ties_even();
                }
            }
            for i in 0..nd {
                let (lo, hi) = borders[i];
                let v = coord[i];
                if v < lo || v > hi {
                    coord[i] = match pad {
                        Pad::Border => v.clamp(0.0, dims[i] as f64 - 1.0),
                        Pad::Reflection => reflect(v, lo, hi),
                        Pad::Zeros => v,
                    };
                }
            }
            // Taps per dim: (source index or None, weight).
            let taps: Vec<Vec<(Option<usize>, f64)>> = (0..nd)
                .map(|i| {
                    let (lo, hi) = borders[i];
                    let v = coord[i];
                    match mode.as_str() {
                        "nearest" => vec![(tap_index(v as i64, dims[i], pad, lo, hi), 1.0)],
                        "linear" => {
                            let x0 = v.floor();
                            let t = v - x0;
                            vec![
                                (tap_index(x0 as i64, dims[i], pad, lo, hi), 1.0 - t),
                                (tap_index(x0 as i64 + 1, dims[i], pad, lo, hi), t),
                            ]
                        }
                        _ => {
                            let x0 = v.floor();
                            let cf = cubic_coeffs(v - x0);
                            (0..4)
                                .map(|k| {
                                    (
                                        tap_index(x0 as i64 - 1 + k as i64, dims[i], pad, lo, hi),
                                        cf[k],
                                    )
                                })
                                .collect()
                        }
                    }
                })
                .collect();
            for ch in 0..c {
                let xp = &xv[(b * c + ch) * plane..(b * c + ch + 1) * plane];
                let mut acc = 0.0;
                let mut idx = vec![0usize; nd];
                let counts: Vec<usize> = taps.iter().map(|t| t.len()).collect();
                super::for_each_index(&counts, |k| {
                    let mut w = 1.0;
                    let mut off = 0;
                    for d in 0..nd {
                        let (src, wt) = taps[d][k[d]];
                        match src {
                            Some(s) => {
                                idx[d] = s;
                                off += s * dst[d];
                            }
                            None => {
                                w = 0.0;
                                break;
                            }
                        }
                        w *= wt;
                    }
                    if w != 0.0 {
                        acc += w * xp[off];
                    }
                });
                y[(b * c + ch) * out_n + o] = acc;
            }
        }
    }
    Ok(vec![Some(cast_tensor(&mk(out_shape, y)?, x.dtype())?)])
}

pub fn roi_align(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let rois = n.input(1)?;
    let bidx = n.input(2)?.to_i64_vec()?;
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    if x.rank() != 4 || rois.rank() != 2 || rois.shape()[1] != 4 || rois.shape()[0] != bidx.len() {
        bail!("X must be [N, C, H, W], rois [R, 4], batch_indices [R]");
    }
    let half_pixel = n.string("coordinate_transformation_mode", "half_pixel")? == "half_pixel";
    let max_mode = match n.string("mode", "avg")?.to_ascii_lowercase().as_str() {
        "avg" => false,
        "max" => true,
        other => bail!("unknown mode '{other}'"),
    };
    let ph = crate::util::dim(n.int("output_height", 1)?, "output_height")?;
    let pw = crate::util::dim(n.int("output_width", 1)?, "output_width")?;
    let sampling = n.int("sampling_ratio", 0)?;
    let scale = n.float("spatial_scale", 1.0)? as f64;
    let (nb, c, h, w) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    let xv = x.to_f64_vec();
    let rv = rois.to_f64_vec();
    let nr = bidx.len();
    let mut y = vec![0.0f64; nr * c * ph * pw];
    let off = if half_pixel { 0.5 } else { 0.0 };
    for ri in 0..nr {
        let b = bidx[ri];
        if b < 0 || b as usize >= nb {
            bail!("batch index {b} is out of range");
        }
        let b = b as usize;
        let roi = &rv[ri * 4..ri * 4 + 4];
        let (sw, sh) = (roi[0] * scale - off, roi[1] * scale - off);
        let (ew, eh) = (roi[2] * scale - off, roi[3] * scale - off);
        let (mut rw, mut rh) = (ew - sw, eh - sh);
        if !half_pixel {
            rw = rw.max(1.0);
            rh = rh.max(1.0);
        }
        let (bh, bw) = (rh / ph as f64, rw / pw as f64);
        let gh = if sampling > 0 {
            sampling as usize
        } else {
            (rh / ph as f64).ceil().max(0.0) as usize
        };
        let gw = if sampling > 0 {
            sampling as usize
        } else {
            (rw / pw as f64).ceil().max(0.0) as usize
        };
        let count = (gh * gw).max(1) as f64;
        // Bilinear taps per sample: [(pos, weight); 4], precomputed per (ph, pw, iy, ix).
        let mut pre: Vec<[(usize, f64); 4]> = Vec::with_capacity(ph * pw * gh * gw);
        for py in 0..ph {
            for px in 0..pw {
                for iy in 0..gh {
                    let yy = sh + py as f64 * bh + (iy as f64 + 0.5) * bh / gh as f64;
                    for ix in 0..gw {
                        let xx = sw + px as f64 * bw + (ix as f64 + 0.5) * bw / gw as f64;
                        if yy < -1.0 || yy > h as f64 || xx < -1.0 || xx > w as f64 {
                            pre.push([(0, 0.0); 4]);
                            continue;
                        }
                        let (mut yv, mut xq) = (yy.max(0.0), xx.max(0.0));
                        let (mut yl, mut xl) = (yv as usize, xq as usize);
                        let yh2;
                        let xh2;
                        if yl >= h - 1 {
                            yl = h - 1;
                            yh2 = h - 1;
                            yv = yl as f64;
                        } else {
                            yh2 = yl + 1;
                        }
                        if xl >= w - 1 {
                            xl = w - 1;
                            xh2 = w - 1;
                            xq = xl as f64;
                        } else {
                            xh2 = xl + 1;
                        }
                        let (ly, lx) = (yv - yl as f64, xq - xl as f64);
                        let (hy, hx) = (1.0 - ly, 1.0 - lx);
                        pre.push([
                            (yl * w + xl, hy * hx),
                            (yl * w + xh2, hy * lx),
                            (yh2 * w + xl, ly * hx),
                            (yh2 * w + xh2, ly * lx),
                        ]);
                    }
                }
            }
        }
        for ch in 0..c {
            let plane = &xv[(b * c + ch) * h * w..(b * c + ch + 1) * h * w];
            let mut k = 0;
            for py in 0..ph {
                for px in 0..pw {
                    let mut acc = 0.0;
                    let mut first = true;
                    for _ in 0..gh * gw {
                        let t = &pre[k];
                        k += 1;
                        if max_mode {
                            let v = t
                                .iter()
                                .map(|&(p, wt)| wt * plane[p])
                                .fold(f64::NEG_INFINITY, f64::max);
                            acc = if first { v } else { acc.max(v) };
                            first = false;
                        } else {
                            acc += t.iter().map(|&(p, wt)| wt * plane[p]).sum::<f64>();
                        }
                    }
                    if !max_mode {
                        acc /= count;
                    }
                    y[((ri * c + ch) * ph + py) * pw + px] = acc;
                }
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(vec![nr, c, ph, pw], y)?,
        x.dtype(),
    )?)])
}
