//! DFT, CausalConvWithState and LinearAttention (ONNX operators outside the core `flow` set).

use super::elementwise::cast_tensor;
use super::mk;
use crate::util::{dim, norm_axis, split_at_axis};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{DType, Tensor};

/// Direct DFT of `x` (complex, as (re, im) pairs) of length `n`: `sign` -1 forward, +1 inverse.
fn dft_1d(x: &[(f64, f64)], n: usize, sign: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|k| {
            let mut re = 0.0;
            let mut im = 0.0;
            for (t, &(a, b)) in x.iter().enumerate().take(n) {
                let ang = sign * 2.0 * std::f64::consts::PI * ((k * t) % n) as f64 / n as f64;
                let (s, c) = ang.sin_cos();
                re += a * c - b * s;
                im += a * s + b * c;
            }
            (re, im)
        })
        .collect()
}

pub fn dft(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if !x.dtype().is_float() || x.rank() < 2 {
        bail!("input must be a float tensor [..., signal, 1 | 2]");
    }
    let r = x.rank();
    let comps = x.shape()[r - 1];
    if comps != 1 && comps != 2 {
        bail!("the last dimension must be 1 (real) or 2 (complex), got {comps}");
    }
    let axis = match n.opt(2) {
        Some(t) => t
            .to_i64_vec()?
            .first()
            .copied()
            .ok_or_else(|| KError::invalid("axis is empty"))?,
        None => n.int("axis", -2)?,
    };
    // The axis counts over all dims; the complex dim cannot be transformed.
    let axis = norm_axis(axis, r)?;
    if axis == r - 1 {
        bail!("axis must not be the last (complex) dimension");
    }
    let inverse = n.int("inverse", 0)? != 0;
    let onesided = n.int("onesided", 0)? != 0;
    let len = x.shape()[axis];
    let nfft = match n.opt(1) {
        Some(t) => dim(t.to_i64_vec()?.first().copied().unwrap_or(0), "dft_length")?,
        None if inverse && onesided => 2 * len.saturating_sub(1),
        None => len,
    };
    if nfft == 0 || nfft > 1 << 20 {
        bail!("dft_length {nfft} is out of range");
    }
    let sig_shape = &x.shape()[..r - 1];
    let (outer, _, inner) = split_at_axis(sig_shape, axis);
    let xv = x.to_f64_vec();
    let at = |o: usize, t: usize, i: usize| -> (f64, f64) {
        let base = ((o * len + t) * inner + i) * comps;
        (xv[base], if comps == 2 { xv[base + 1] } else { 0.0 })
    };
    let (out_len, out_comps) = if inverse && onesided {
        (nfft, 1)
    } else if onesided {
        (nfft / 2 + 1, 2)
    } else {
        (nfft, 2)
    };
    let mut out = vec![0.0f64; outer * out_len * inner * out_comps];
    for o in 0..outer {
        for i in 0..inner {
            let mut sig: Vec<(f64, f64)> = (0..len.min(nfft)).map(|t| at(o, t, i)).collect();
            let res: Vec<(f64, f64)> = if inverse && onesided {
                // irfft: a Hermitian spectrum from its first half; imaginary parts of the DC
                // (and Nyquist) terms are ignored.
                let half = nfft / 2 + 1;
                sig.resize(half, (0.0, 0.0));
                let mut full = vec![(0.0, 0.0); nfft];
                let m = half.min(nfft);
                full[..m].copy_from_slice(&sig[..m]);
                for k in 1..nfft.div_ceil(2) {
                    full[nfft - k] = (sig[k].0, -sig[k].1);
                }
                full[0].1 = 0.0;
                if nfft % 2 == 0 {
                    full[nfft / 2].1 = 0.0;
                }
                dft_1d(&full, nfft, 1.0)
                    .into_iter()
                    .map(|(a, b)| (a / nfft as f64, b / nfft as f64))
                    .collect()
            } else if inverse {
                sig.resize(nfft, (0.0, 0.0));
                dft_1d(&sig, nfft, 1.0)
                    .into_iter()
                    .map(|(a, b)| (a / nfft as f64, b / nfft as f64))
                    .collect()
            } else {
                sig.resize(nfft, (0.0, 0.0));
                dft_1d(&sig, nfft, -1.0)
            };
            for (k, &(a, b)) in res.iter().take(out_len).enumerate() {
                let base = ((o * out_len + k) * inner + i) * out_comps;
                out[base] = a;
                if out_comps == 2 {
                    out[base + 1] = b;
                }
            }
        }
    }
    let mut shape = sig_shape.to_vec();
    shape[axis] = out_len;
    shape.push(out_comps);
    Ok(vec![Some(cast_tensor(&mk(shape, out)?, x.dtype())?)])
}

pub fn causal_conv_with_state(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let w = n.input(1)?;
    if x.rank() != 3 || w.rank() != 3 || !x.dtype().is_float() {
        bail!("input must be [batch, channels, length] and weight [channels, 1, k]");
    }
    let (b, c, l) = (x.shape()[0], x.shape()[1], x.shape()[2]);
    let k = w.shape()[2];
    if w.shape()[0] != c || w.shape()[1] != 1 || k == 0 {
        bail!("weight {:?} does not match {c} channels", w.shape());
    }
    let act = n.string("activation", "none")?;
    if !matches!(act.as_str(), "none" | "silu" | "swish") {
        bail!("unknown activation '{act}'");
    }
    let xv = x.to_f64_vec();
    let wv = w.to_f64_vec();
    let bias = n.opt(2).map(|t| t.to_f64_vec());
    let past = match n.opt(3) {
        Some(p) => {
            if p.shape() != [b, c, k - 1] {
                bail!("past_state must be [{b}, {c}, {}]", k - 1);
            }
            p.to_f64_vec()
        }
        None => vec![0.0; b * c * (k - 1)],
    };
    let r = |v: f64| cast_round(v, x.dtype());
    let total = l + k - 1;
    let mut y = vec![0.0f64; b * c * l];
    let mut state = vec![0.0f64; b * c * (k - 1)];
    for bi in 0..b {
        for ch in 0..c {
            let padded: Vec<f64> = past[(bi * c + ch) * (k - 1)..(bi * c + ch + 1) * (k - 1)]
                .iter()
                .chain(&xv[(bi * c + ch) * l..(bi * c + ch + 1) * l])
                .copied()
                .collect();
            for t in 0..l {
                let mut s = bias.as_ref().map(|bb| bb[ch]).unwrap_or(0.0);
                for j in 0..k {
                    s += padded[t + j] * wv[ch * k + j];
                }
                let s = r(s);
                y[(bi * c + ch) * l + t] = if act == "none" {
                    s
                } else {
                    s * (1.0 / (1.0 + (-s).exp()))
                };
            }
            state[(bi * c + ch) * (k - 1)..(bi * c + ch + 1) * (k - 1)]
                .copy_from_slice(&padded[total - (k - 1)..]);
        }
    }
    Ok(vec![
        Some(cast_tensor(&mk(vec![b, c, l], y)?, x.dtype())?),
        Some(cast_tensor(&mk(vec![b, c, k - 1], state)?, x.dtype())?),
    ])
}

fn cast_round(v: f64, d: DType) -> f64 {
    match d {
        DType::F16 => flowc_tensor::half::f16::from_f64(v).to_f64(),
        DType::BF16 => flowc_tensor::half::bf16::from_f64(v).to_f64(),
        DType::F32 => v as f32 as f64,
        _ => v,
    }
}

pub fn linear_attention(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let (q, k, v) = (n.input(0)?, n.input(1)?, n.input(2)?);
    if q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || !q.dtype().is_float() {
        bail!("query, key and value must be float tensors [B, T, H*D]");
    }
    let rule = n.string("update_rule", "gated_delta")?;
    let (gating, delta) = match rule.as_str() {
        "linear" => (false, false),
        "gated" => (true, false),
        "delta" => (false, true),
        "gated_delta" => (true, true),
        other => bail!("unknown update_rule '{other}'"),
    };
    let qh = dim(
        n.opt_int("q_num_heads")?
            .ok_or_else(|| KError::invalid("q_num_heads is required"))?,
        "q_num_heads",
    )?;
    let kh = dim(
        n.opt_int("kv_num_heads")?
            .ok_or_else(|| KError::invalid("kv_num_heads is required"))?,
        "kv_num_heads",
    )?;
    if qh == 0 || kh == 0 || qh % kh != 0 {
        bail!("q_num_heads must be a positive multiple of kv_num_heads");
    }
    let (b, t) = (q.shape()[0], q.shape()[1]);
    let dk = q.shape()[2] / qh;
    let dv = v.shape()[2] / kh;
    if q.shape()[2] != qh * dk || k.shape()[2] != kh * dk || v.shape()[2] != kh * dv {
        bail!("head sizes do not match");
    }
    let decay = n.opt(4);
    let beta = n.opt(5);
    if gating != decay.is_some() || delta != beta.is_some() {
        bail!("update_rule '{rule}' does not match the given decay / beta inputs");
    }
    let f = |x: f64| x as f32 as f64;
    let (qv, kv, vv) = (q.to_f64_vec(), k.to_f64_vec(), v.to_f64_vec());
    let dec = decay.map(|d| (d.to_f64_vec(), d.shape()[2]));
    if let Some((_, last)) = &dec
        && *last != kh
        && *last != kh * dk
    {
        bail!("decay's last dimension must be kv_num_heads or kv_num_heads * d_k");
    }
    let bet = beta.map(|d| (d.to_f64_vec(), d.shape()[2]));
    let state_dtype = n.opt(3).map(|s| s.dtype()).unwrap_or(q.dtype());
    let mut state = match n.opt(3) {
        Some(s) => {
            if s.shape() != [b, kh, dk, dv] {
                bail!("past_state must be [{b}, {kh}, {dk}, {dv}]");
            }
            s.to_f64_vec()
        }
        None => vec![0.0; b * kh * dk * dv],
    };
    let scale = match n.opt_float("scale")? {
        Some(s) if s != 0.0 => s as f64,
        _ => f(1.0 / (dk as f64).sqrt()),
    };
    let group = qh / kh;
    let mut out = vec![0.0f64; b * t * qh * dv];
    for bi in 0..b {
        for ti in 0..t {
            for h in 0..kh {
                let st = &mut state[(bi * kh + h) * dk * dv..(bi * kh + h + 1) * dk * dv];
                let kt: Vec<f64> = (0..dk)
                    .map(|d| f(kv[(bi * t + ti) * kh * dk + h * dk + d]))
                    .collect();
                let mut vt: Vec<f64> = (0..dv)
                    .map(|m| f(vv[(bi * t + ti) * kh * dv + h * dv + m]))
                    .collect();
                if let Some((dd, last)) = &dec {
                    for d in 0..dk {
                        let g = if *last == kh {
                            dd[(bi * t + ti) * kh + h]
                        } else {
                            dd[(bi * t + ti) * kh * dk + h * dk + d]
                        };
                        let e = f(f(g).exp());
                        for m in 0..dv {
                            st[d * dv + m] = f(st[d * dv + m] * e);
                        }
                    }
                }
                if let Some((bb, last)) = &bet {
                    let be = f(if *last == 1 {
                        bb[bi * t + ti]
                    } else {
                        bb[(bi * t + ti) * kh + h]
                    });
                    for m in 0..dv {
                        let retrieved: f64 = (0..dk).map(|d| st[d * dv + m] * kt[d]).sum();
                        vt[m] = f(be * f(vt[m] - f(retrieved)));
                    }
                }
                for d in 0..dk {
                    for m in 0..dv {
                        st[d * dv + m] = f(st[d * dv + m] + f(kt[d] * vt[m]));
                    }
                }
                for g in 0..group {
                    let qhd = h * group + g;
                    for m in 0..dv {
                        let s: f64 = (0..dk)
                            .map(|d| f(qv[(bi * t + ti) * qh * dk + qhd * dk + d]) * st[d * dv + m])
                            .sum();
                        out[(bi * t + ti) * qh * dv + qhd * dv + m] = f(scale * f(s));
                    }
                }
            }
        }
    }
    Ok(vec![
        Some(cast_tensor(&mk(vec![b, t, qh * dv], out)?, q.dtype())?),
        Some(cast_tensor(&mk(vec![b, kh, dk, dv], state)?, state_dtype)?),
    ])
}

/// Bilinear sample of a `h x w` plane at (y, x); positions outside read as zero.
fn bilinear_zero(p: &[f64], h: usize, w: usize, y: f64, x: f64) -> f64 {
    let (y0, x0) = (y.floor(), x.floor());
    let (ty, tx) = (y - y0, x - x0);
    let mut s = 0.0;
    for (dy, wy) in [(0.0, 1.0 - ty), (1.0, ty)] {
        for (dx, wx) in [(0.0, 1.0 - tx), (1.0, tx)] {
            let (yy, xx) = (y0 + dy, x0 + dx);
            if yy >= 0.0 && xx >= 0.0 && (yy as usize) < h && (xx as usize) < w {
                s += wy * wx * p[yy as usize * w + xx as usize];
            }
        }
    }
    s
}

pub fn deform_conv(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let w = n.input(1)?;
    let off = n.input(2)?;
    if x.rank() != 4 || w.rank() != 4 || off.rank() != 4 || !x.dtype().is_float() {
        crate::unsupported!(
            "only 2-D DeformConv on float tensors is supported: X [N, C, H, W], W [M, C/g, kH, kW], offset [N, 2 * og * kH * kW, oH, oW]"
        );
    }
    let (nb, ic, ih, iw) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    let (oc, icg, kh, kw) = (w.shape()[0], w.shape()[1], w.shape()[2], w.shape()[3]);
    let group = crate::util::small_dim(n.int("group", 1)?, "group")?;
    let og = crate::util::small_dim(n.int("offset_group", 1)?, "offset_group")?;
    if group == 0 || og == 0 || icg * group != ic || oc % group != 0 || ic % og != 0 {
        bail!(
            "channels: X has {ic}, W is {:?}, group {group}, offset_group {og}",
            w.shape()
        );
    }
    let attr = |name: &str, len: usize, default: usize| -> KResult<Vec<usize>> {
        match n.ints(name)? {
            Some(v) if !v.is_empty() => {
                if v.len() != len {
                    bail!("'{name}' has {} values, expected {len}", v.len());
                }
                v.iter().map(|&a| crate::util::small_dim(a, name)).collect()
            }
            _ => Ok(vec![default; len]),
        }
    };
    let st = attr("strides", 2, 1)?;
    let dil = attr("dilations", 2, 1)?;
    let pads = attr("pads", 4, 0)?;
    let (oh, ow) = (off.shape()[2], off.shape()[3]);
    if off.shape()[0] != nb || off.shape()[1] != og * kh * kw * 2 {
        bail!(
            "offset {:?} does not match offset_group {og} and kernel {kh}x{kw}",
            off.shape()
        );
    }
    let mask = match n.opt(4) {
        Some(m) => {
            if m.shape() != [nb, og * kh * kw, oh, ow] {
                bail!("mask must be [{nb}, {}, {oh}, {ow}]", og * kh * kw);
            }
            m.to_f64_vec()
        }
        None => vec![1.0; nb * og * kh * kw * oh * ow],
    };
    let xv = x.to_f64_vec();
    let wv = w.to_f64_vec();
    let ov = off.to_f64_vec();
    let bias = n.opt(3).map(|b| b.to_f64_vec());
    let (ocg, icpo) = (oc / group, ic / og);
    let mut y = vec![0.0f64; nb * oc * oh * ow];
    for b in 0..nb {
        for o in 0..oc {
            let g = o / ocg;
            for i in 0..oh {
                for j in 0..ow {
                    let mut s = bias
                        .as_ref()
                        .map(|bb| bb.get(o).copied().unwrap_or(0.0))
                        .unwrap_or(0.0);
                    for cg in 0..icg {
                        let c = g * icg + cg;
                        let ogi = c / icpo;
                        let plane = &xv[(b * ic + c) * ih * iw..(b * ic + c + 1) * ih * iw];
                        for a in 0..kh {
                            for e in 0..kw {
                                let k = a * kw + e;
                                let oidx = |comp: usize| {
                                    (((b * og + ogi) * kh * kw + k) * 2 + comp) * oh * ow
                                        + i * ow
                                        + j
                                };
                                let yy =
                                    (i * st[0] + a * dil[0]) as f64 - pads[0] as f64 + ov[oidx(0)];
                                let xx =
                                    (j * st[1] + e * dil[1]) as f64 - pads[1] as f64 + ov[oidx(1)];
                                let m = mask[((b * og + ogi) * kh * kw + k) * oh * ow + i * ow + j];
                                let wgt = wv[((o * icg + cg) * kh + a) * kw + e];
                                s += wgt * m * bilinear_zero(plane, ih, iw, yy, xx);
                            }
                        }
                    }
                    y[((b * oc + o) * oh + i) * ow + j] = s;
                }
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(vec![nb, oc, oh, ow], y)?,
        x.dtype(),
    )?)])
}

fn scalar_i64(n: &Node<'_>, i: usize, what: &str) -> KResult<i64> {
    n.input(i)?
        .to_i64_vec()
        .map_err(|_| KError::invalid(format!("{what} must be an integer scalar")))?
        .first()
        .copied()
        .ok_or_else(|| KError::invalid(format!("{what} is empty")))
}

pub fn stft(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() != 3 || !x.dtype().is_float() || !(x.shape()[2] == 1 || x.shape()[2] == 2) {
        bail!("signal must be a float tensor [batch, length, 1 | 2]");
    }
    let step = crate::util::small_dim(scalar_i64(n, 1, "frame_step")?, "frame_step")?;
    if step == 0 {
        bail!("frame_step must be positive");
    }
    let window = n.opt(2).map(|w| w.to_f64_vec());
    let frame_len = match n.opt(3) {
        Some(_) => crate::util::small_dim(scalar_i64(n, 3, "frame_length")?, "frame_length")?,
        None => window.as_ref().map(|w| w.len()).unwrap_or(x.shape()[1]),
    };
    let window = window.unwrap_or_else(|| vec![1.0; frame_len]);
    let onesided = n.int("onesided", 1)? != 0;
    let (b, len, comps) = (x.shape()[0], x.shape()[1], x.shape()[2]);
    if frame_len == 0 || frame_len > len || window.is_empty() {
        bail!("frame_length {frame_len} does not fit a signal of length {len}");
    }
    let frames = 1 + (len - frame_len) / step;
    let bins = if onesided {
        frame_len / 2 + 1
    } else {
        frame_len
    };
    let xv = x.to_f64_vec();
    let mut out = vec![0.0f64; b * frames * bins * 2];
    for bi in 0..b {
        for f in 0..frames {
            let begin = f * step;
            let sig: Vec<(f64, f64)> = (0..window.len().min(frame_len))
                .map(|t| {
                    let pos = begin + t;
                    if pos >= len {
                        return (0.0, 0.0);
                    }
                    let base = (bi * len + pos) * comps;
                    let im = if comps == 2 { xv[base + 1] } else { 0.0 };
                    (xv[base] * window[t], im * window[t])
                })
                .collect();
            let mut sig = sig;
            sig.resize(frame_len, (0.0, 0.0));
            let spec = dft_1d(&sig, frame_len, -1.0);
            for (k, &(re, im)) in spec.iter().take(bins).enumerate() {
                let o = ((bi * frames + f) * bins + k) * 2;
                out[o] = re;
                out[o + 1] = im;
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(vec![b, frames, bins, 2], out)?,
        x.dtype(),
    )?)])
}

pub fn mel_weight_matrix(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let mel = crate::util::small_dim(scalar_i64(n, 0, "num_mel_bins")?, "num_mel_bins")?;
    let dft_len = crate::util::small_dim(scalar_i64(n, 1, "dft_length")?, "dft_length")?;
    let rate = scalar_i64(n, 2, "sample_rate")?;
    let lo = n
        .input(3)?
        .get_f64(0)
        .ok_or_else(|| KError::invalid("lower_edge_hertz is empty"))?;
    let hi = n
        .input(4)?
        .get_f64(0)
        .ok_or_else(|| KError::invalid("upper_edge_hertz is empty"))?;
    if rate <= 0 || mel > 1 << 16 || dft_len > 1 << 24 {
        bail!("num_mel_bins / dft_length / sample_rate out of range");
    }
    let dtype = super::shape::dtype_attr(n, "output_datatype")?.unwrap_or(DType::F32);
    let spec_bins = dft_len / 2 + 1;
    let to_mel = |hz: f64| 2595.0 * (hz / 700.0).ln_1p() / 10f64.ln();
    let (lm, hm) = (to_mel(lo), to_mel(hi));
    let step = (hm - lm) / (mel + 2) as f64;
    let bins: Vec<i64> = (0..mel + 2)
        .map(|i| {
            let m = i as f64 * step + lm;
            let hz = 700.0 * (m / 2595.0 * 10f64.ln()).exp_m1();
            (((dft_len + 1) as f64 * hz) / rate as f64).floor() as i64
        })
        .collect();
    let mut out = vec![0.0f64; spec_bins * mel];
    let mut set = |j: i64, i: usize, v: f64| -> KResult<()> {
        if j < 0 || j as usize >= spec_bins {
            bail!("mel bin edge {j} is outside the {spec_bins} spectrogram bins");
        }
        out[j as usize * mel + i] = v;
        Ok(())
    };
    for i in 0..mel {
        let (l, c, h) = (bins[i], bins[i + 1], bins[i + 2]);
        if c - l == 0 {
            set(c, i, 1.0)?;
        } else {
            for j in l..=c {
                set(j, i, (j - l) as f64 / (c - l) as f64)?;
            }
        }
        if h - c > 0 {
            for j in c..h {
                set(j, i, (h - j) as f64 / (h - c) as f64)?;
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(vec![spec_bins, mel], out)?,
        dtype,
    )?)])
}
