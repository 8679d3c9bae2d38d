//! More kernels for ONNX operators outside the core `flow` set: CenterCropPad, Col2Im,
//! AffineGrid, TensorScatter, DynamicQuantizeLinear, BitCast, RotaryEmbedding, the Hann /
//! Hamming / Blackman windows, ConvInteger.

use super::elementwise::cast_tensor;
use super::{for_each_index, mk, opt_int_input};
use crate::util::{dim, norm_axes, norm_axis, strides};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{DType, Tensor, match_data};

pub fn center_crop_pad(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let target = super::int_input(n, 1, "shape")?;
    let r = x.rank();
    let axes: Vec<usize> = match n.ints("axes")? {
        Some(a) => norm_axes(&a, r)?,
        None => (0..r).collect(),
    };
    if target.len() != axes.len() {
        bail!("shape has {} values for {} axes", target.len(), axes.len());
    }
    let mut out = x.shape().to_vec();
    // Per axis: offset of the output's origin in input coordinates (may be negative: padding).
    let mut off = vec![0i64; r];
    for (&a, &t) in axes.iter().zip(&target) {
        let t = dim(t, "shape")?;
        let d = x.shape()[a];
        out[a] = t;
        off[a] = if t <= d {
            ((d - t) / 2) as i64
        } else {
            -(((t - d) / 2) as i64)
        };
    }
    crate::util::checked_len(&out)?;
    let st = strides(x.shape());
    let shape = x.shape().to_vec();
    let t = match_data!(x.data(), v => {
        let mut res = Vec::with_capacity(out.iter().product());
        for_each_index(&out, |idx| {
            let mut o = 0usize;
            for (i, &c) in idx.iter().enumerate() {
                let s = c as i64 + off[i];
                if s < 0 || s >= shape[i] as i64 {
                    res.push(Default::default());
                    return;
                }
                o += s as usize * st[i];
            }
            res.push(v[o]);
        });
        mk(out.clone(), res)?
    });
    Ok(vec![Some(t)])
}

pub fn col2im(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let image: Vec<usize> = super::int_input(n, 1, "image_shape")?
        .iter()
        .map(|&d| dim(d, "image_shape"))
        .collect::<KResult<_>>()?;
    let block: Vec<usize> = super::int_input(n, 2, "block_shape")?
        .iter()
        .map(|&d| dim(d, "block_shape"))
        .collect::<KResult<_>>()?;
    let nd = image.len();
    if block.len() != nd || x.rank() != 3 {
        bail!("input must be [N, C * prod(block), L] with matching image and block shapes");
    }
    let ints = |name: &str, len: usize, default: usize| -> KResult<Vec<usize>> {
        match n.ints(name)? {
            Some(v) if !v.is_empty() => {
                if v.len() != len {
                    bail!("'{name}' has {} values, expected {len}", v.len());
                }
                v.iter().map(|&x| dim(x, name)).collect()
            }
            _ => Ok(vec![default; len]),
        }
    };
    let dil = ints("dilations", nd, 1)?;
    let pads = ints("pads", 2 * nd, 0)?;
    let stride = ints("strides", nd, 1)?;
    if stride.contains(&0) || dil.contains(&0) || block.contains(&0) {
        bail!("strides, dilations and block_shape must be positive");
    }
    let kprod: usize = block.iter().product();
    let (nb, ck, l) = (x.shape()[0], x.shape()[1], x.shape()[2]);
    if ck % kprod != 0 {
        bail!("dimension 1 ({ck}) is not divisible by prod(block_shape) = {kprod}");
    }
    let c = ck / kprod;
    let mut cols = Vec::with_capacity(nd);
    for i in 0..nd {
        let span = image[i] + pads[i] + pads[i + nd];
        let ek = dil[i] * (block[i] - 1) + 1;
        if span < ek {
            bail!("the block does not fit the padded image");
        }
        cols.push((span - ek) / stride[i] + 1);
    }
    if cols.iter().product::<usize>() != l {
        bail!("input length {l} does not match the {cols:?} sliding blocks");
    }
    let xv = x.to_f64_vec();
    let img: usize = image.iter().product();
    let ist = strides(&image);
    let mut out = vec![0.0f64; nb * c * img];
    for b in 0..nb {
        for ch in 0..c {
            let mut kidx = 0;
            for_each_index(&block, |k| {
                let mut col = 0;
                for_each_index(&cols, |p| {
                    let mut off = 0usize;
                    let mut inside = true;
                    for i in 0..nd {
                        let pos = (p[i] * stride[i] + k[i] * dil[i]) as i64 - pads[i] as i64;
                        if pos < 0 || pos >= image[i] as i64 {
                            inside = false;
                            break;
                        }
                        off += pos as usize * ist[i];
                    }
                    if inside {
                        out[(b * c + ch) * img + off] +=
                            xv[((b * ck) + ch * kprod + kidx) * l + col];
                    }
                    col += 1;
                });
                kidx += 1;
            });
        }
    }
    let mut shape = vec![nb, c];
    shape.extend_from_slice(&image);
    Ok(vec![Some(cast_tensor(&mk(shape, out)?, x.dtype())?)])
}

pub fn affine_grid(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let theta = n.input(0)?;
    let size = super::int_input(n, 1, "size")?;
    let align = n.int("align_corners", 0)? != 0;
    let sp: Vec<usize> = size
        .iter()
        .skip(2)
        .map(|&d| dim(d, "size"))
        .collect::<KResult<_>>()?;
    let nd = sp.len();
    if !(nd == 2 || nd == 3)
        || theta.rank() != 3
        || theta.shape()[1] != nd
        || theta.shape()[2] != nd + 1
    {
        bail!("theta must be [N, {nd}, {}] for a {nd}-D size", nd + 1);
    }
    let nb = theta.shape()[0];
    let th = theta.to_f64_vec();
    // Base coordinates per dim (the last spatial dim is x).
    let base: Vec<Vec<f64>> = sp
        .iter()
        .map(|&d| {
            (0..d)
                .map(|i| {
                    if align {
                        if d == 1 {
                            -1.0
                        } else {
                            -1.0 + 2.0 * i as f64 / (d - 1) as f64
                        }
                    } else {
                        -1.0 + (2.0 * i as f64 + 1.0) / d as f64
                    }
                })
                .collect()
        })
        .collect();
    let total: usize = sp.iter().product();
    let mut out = Vec::with_capacity(nb * total * nd);
    for b in 0..nb {
        let t = &th[b * nd * (nd + 1)..(b + 1) * nd * (nd + 1)];
        for_each_index(&sp, |idx| {
            // Homogeneous point (x, y[, z], 1): coordinates in reverse dim order.
            let mut p: Vec<f64> = (0..nd).map(|k| base[nd - 1 - k][idx[nd - 1 - k]]).collect();
            p.push(1.0);
            for row in 0..nd {
                let s: f64 = (0..=nd).map(|k| t[row * (nd + 1) + k] * p[k]).sum();
                out.push(s);
            }
        });
    }
    let mut shape = vec![nb];
    shape.extend_from_slice(&sp);
    shape.push(nd);
    Ok(vec![Some(cast_tensor(&mk(shape, out)?, theta.dtype())?)])
}

pub fn tensor_scatter(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let cache = n.input(0)?;
    let upd = n.input(1)?;
    let r = cache.rank();
    if upd.rank() != r || r == 0 {
        bail!("past_cache and update must have the same rank");
    }
    let axis = norm_axis(n.int("axis", -2)?, r)?;
    let circular = match n.string("mode", "linear")?.as_str() {
        "linear" => false,
        "circular" => true,
        other => bail!("unknown mode '{other}'"),
    };
    for i in 0..r {
        let ok = if i == axis {
            upd.shape()[i] <= cache.shape()[i]
        } else {
            upd.shape()[i] == cache.shape()[i]
        };
        if !ok {
            bail!(
                "update {:?} does not fit past_cache {:?}",
                upd.shape(),
                cache.shape()
            );
        }
    }
    let batch = cache.shape()[0];
    let wi: Vec<i64> = match n.opt(2) {
        Some(t) => t.to_i64_vec()?,
        None => vec![0; batch],
    };
    let max_len = cache.shape()[axis] as i64;
    let cst = strides(cache.shape());
    let t = match_data!(cache.data(), v => {
        let u = super::same(v, upd)?;
        let mut out = v.clone();
        let mut k = 0;
        let mut err = None;
        for_each_index(upd.shape(), |idx| {
            let b = if axis == 0 { 0 } else { idx[0] };
            let mut pos = wi.get(b).copied().unwrap_or(0).saturating_add(idx[axis] as i64);
            if circular {
                pos = pos.rem_euclid(max_len);
            }
            if pos < 0 || pos >= max_len {
                err = Some(KError::invalid(format!("write position {pos} is out of range")));
            } else {
                let mut off = 0;
                for (i, &c) in idx.iter().enumerate() {
                    off += if i == axis { pos as usize } else { c } * cst[i];
                }
                out[off] = u[k];
            }
            k += 1;
        });
        if let Some(e) = err {
            return Err(e);
        }
        mk(cache.shape().to_vec(), out)?
    });
    Ok(vec![Some(t)])
}

pub fn dynamic_quantize_linear(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.dtype() != DType::F32 {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let v = x.as_slice::<f32>()?;
    let maxx = v.iter().copied().fold(0.0f32, f32::max);
    let minx = v.iter().copied().fold(0.0f32, f32::min);
    let scale = (if maxx == minx { 1.0 } else { maxx - minx }) / 255.0f32;
    let zp = (0.0f32 - minx / scale).clamp(0.0, 255.0).round_ties_even();
    let y: Vec<u8> = v
        .iter()
        .map(|&a| ((a / scale).round_ties_even() + zp).clamp(0.0, 255.0) as u8)
        .collect();
    Ok(vec![
        Some(mk(x.shape().to_vec(), y)?),
        Some(Tensor::scalar(scale)),
        Some(Tensor::scalar(zp as u8)),
    ])
}

pub fn bit_cast(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let code = n.int("to", 0)?;
    let to = i32::try_from(code)
        .ok()
        .and_then(DType::from_onnx_code)
        .ok_or_else(|| KError::unsupported(format!("unsupported target type code {code}")))?;
    if to.size_bytes() != x.dtype().size_bytes() {
        bail!(
            "BitCast needs types of the same width ({} and {to})",
            x.dtype()
        );
    }
    let bytes = x.to_bytes_le();
    if to == DType::Bool && bytes.iter().any(|&b| b > 1) {
        bail!("bytes other than 0 and 1 are not valid bools");
    }
    Ok(vec![Some(Tensor::from_bytes_le(
        to,
        x.shape().to_vec(),
        &bytes,
    )?)])
}

pub fn rotary_embedding(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let cos = n.input(1)?;
    let sin = n.input(2)?;
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let pos = opt_int_input(n, 3)?;
    let interleaved = n.int("interleaved", 0)? != 0;
    let four = x.rank() == 4;
    if !(four || x.rank() == 3) {
        bail!("input must be 3-D or 4-D");
    }
    // Work in [batch, seq, heads, head] order.
    let (b, s, h, d) = if four {
        (x.shape()[0], x.shape()[2], x.shape()[1], x.shape()[3])
    } else {
        let heads = dim(n.int("num_heads", 0)?, "num_heads")?;
        if heads == 0 || x.shape()[2] % heads != 0 {
            bail!("num_heads must divide the hidden size for 3-D input");
        }
        (x.shape()[0], x.shape()[1], heads, x.shape()[2] / heads)
    };
    let rd = match n.int("rotary_embedding_dim", 0)? {
        0 => d,
        v => dim(v, "rotary_embedding_dim")?,
    };
    if rd > d || rd % 2 != 0 {
        bail!("rotary_embedding_dim {rd} must be even and at most the head size {d}");
    }
    let half = rd / 2;
    let xv = x.to_f64_vec();
    let (cv, sv) = (cos.to_f64_vec(), sin.to_f64_vec());
    if cos.shape().last() != Some(&half) || sin.shape() != cos.shape() {
        bail!("cos / sin caches must end in rotary_embedding_dim / 2 = {half}");
    }
    // The cache row for (batch, position).
    let row = |bi: usize, si: usize| -> KResult<usize> {
        match &pos {
            Some(p) => {
                let pid = if p.len() == b * s {
                    p[bi * s + si]
                } else {
                    p.get(si).copied().unwrap_or(0)
                };
                let rows = cv.len() / half.max(1);
                if pid < 0 || pid as usize >= rows {
                    bail!("position id {pid} is out of range for {rows} cache rows");
                }
                Ok(pid as usize)
            }
            None => {
                if cos.rank() == 3 {
                    Ok(bi * s + si)
                } else {
                    Ok(si)
                }
            }
        }
    };
    let at = |bi: usize, si: usize, hi: usize, k: usize| -> usize {
        if four {
            ((bi * h + hi) * s + si) * d + k
        } else {
            ((bi * s + si) * h + hi) * d + k
        }
    };
    let mut out = xv.clone();
    for bi in 0..b {
        for si in 0..s {
            let rw = row(bi, si)?;
            for hi in 0..h {
                for j in 0..half {
                    let (c, sn) = (cv[rw * half + j], sv[rw * half + j]);
                    let (i1, i2) = if interleaved {
                        (2 * j, 2 * j + 1)
                    } else {
                        (j, j + half)
                    };
                    let (x1, x2) = (xv[at(bi, si, hi, i1)], xv[at(bi, si, hi, i2)]);
                    out[at(bi, si, hi, i1)] = c * x1 - sn * x2;
                    out[at(bi, si, hi, i2)] = sn * x1 + c * x2;
                }
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(x.shape().to_vec(), out)?,
        x.dtype(),
    )?)])
}

#[derive(Copy, Clone)]
pub enum Window {
    Hann,
    Hamming,
    Blackman,
}

pub fn window(n: &Node<'_>, kind: Window) -> KResult<Vec<Option<Tensor>>> {
    let size = n
        .input(0)?
        .to_i64_vec()?
        .first()
        .copied()
        .ok_or_else(|| KError::invalid("size is empty"))?;
    let size = dim(size, "size")?;
    if size > 1 << 28 {
        bail!("window size {size} is too large");
    }
    let periodic = n.int("periodic", 1)? != 0;
    let dtype = super::shape::dtype_attr(n, "output_datatype")?.unwrap_or(DType::F32);
    let nn = if periodic {
        size as f64
    } else {
        size as f64 - 1.0
    };
    let pi = std::f64::consts::PI;
    let v: Vec<f64> = (0..size)
        .map(|i| {
            let i = i as f64;
            match kind {
                Window::Hann => (i * pi / nn).sin().powi(2),
                Window::Hamming => 25.0 / 46.0 - (i * pi * 2.0 / nn).cos() * (1.0 - 25.0 / 46.0),
                Window::Blackman => {
                    0.42 - 0.5 * (i * pi * 2.0 / nn).cos() + 0.08 * (i * pi * 4.0 / nn).cos()
                }
            }
        })
        .collect();
    Ok(vec![Some(cast_tensor(&mk(vec![size], v)?, dtype)?)])
}

pub fn conv_integer(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let w = n.input(1)?;
    let centered = |t: &Tensor, zp: Option<&Tensor>, per_channel: bool| -> KResult<Tensor> {
        let v = t.to_f64_vec();
        let z = match zp {
            Some(z) if !z.is_empty() => z.to_f64_vec(),
            _ => vec![0.0],
        };
        let per = if t.rank() > 0 {
            t.len() / t.shape()[0].max(1)
        } else {
            1
        };
        let out: Vec<f64> = v
            .iter()
            .enumerate()
            .map(|(i, &a)| {
                let zz = if z.len() == 1 {
                    z[0]
                } else if per_channel {
                    z[(i / per.max(1)).min(z.len() - 1)]
                } else {
                    z[0]
                };
                a - zz
            })
            .collect();
        mk(t.shape().to_vec(), out)
    };
    let xc = centered(x, n.opt(2), false)?;
    let wc = centered(w, n.opt(3), true)?;
    let inputs = vec![Some(std::rc::Rc::new(xc)), Some(std::rc::Rc::new(wc))];
    let inner = crate::Node {
        ctx: n.ctx,
        op: n.op,
        name: n.name,
        inputs,
    };
    let y = super::conv::conv(&inner)?
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| KError::invalid("no result"))?;
    Ok(vec![Some(cast_tensor(&y, DType::I32)?)])
}
