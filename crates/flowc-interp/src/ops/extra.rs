//! Kernels for ONNX operators newer than the core `flow` set: Attention, RMSNormalization,
//! SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss, Swish, SwiGLU, CumProd. They follow
//! ONNX's reference implementation step by step: each numpy-level step is computed in f64 and
//! rounded into the input's float type, as numpy computes it in that type.

use super::elementwise::cast_tensor;
use super::mk;
use crate::util::{binary_map, norm_axis};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{DType, Tensor, half};

/// Rounds an f64 into `dtype`'s precision (and back).
fn rounder(dtype: DType) -> fn(f64) -> f64 {
    match dtype {
        DType::F16 => |v| half::f16::from_f64(v).to_f64(),
        DType::BF16 => |v| half::bf16::from_f64(v).to_f64(),
        DType::F32 => |v| v as f32 as f64,
        _ => |v| v,
    }
}

/// An f64 array with a shape, for step-by-step reference computations.
#[derive(Clone, Debug)]
struct Arr {
    v: Vec<f64>,
    s: Vec<usize>,
}

impl Arr {
    fn of(t: &Tensor) -> Arr {
        Arr {
            v: t.to_f64_vec(),
            s: t.shape().to_vec(),
        }
    }
    fn map(&self, f: impl Fn(f64) -> f64) -> Arr {
        Arr {
            v: self.v.iter().map(|&x| f(x)).collect(),
            s: self.s.clone(),
        }
    }
    fn zip(&self, o: &Arr, f: impl Fn(f64, f64) -> f64) -> KResult<Arr> {
        let (v, s) = binary_map(&self.v, &self.s, &o.v, &o.s, f)?;
        Ok(Arr { v, s })
    }
    fn tensor(&self) -> KResult<Tensor> {
        mk(self.s.clone(), self.v.clone())
    }
    /// numpy.matmul, accumulated in f64, rounded by `r`.
    fn matmul(&self, o: &Arr, r: fn(f64) -> f64) -> KResult<Arr> {
        let t = super::linalg::matmul_tensors(&self.tensor()?, &o.tensor()?)?;
        Ok(Arr::of(&t).map(r))
    }
    fn transpose(&self, perm: &[usize]) -> Arr {
        let (v, s) = crate::util::transpose(&self.v, &self.s, perm);
        Arr { v, s }
    }
    fn reshape(mut self, s: Vec<usize>) -> KResult<Arr> {
        if s.iter().product::<usize>() != self.v.len() {
            bail!("cannot reshape {:?} to {s:?}", self.s);
        }
        self.s = s;
        Ok(self)
    }
    /// Concatenation along axis 2 of two 4-D arrays.
    fn concat2(&self, o: &Arr) -> KResult<Arr> {
        let a = self.tensor()?;
        let b = o.tensor()?;
        Ok(Arr::of(&super::shape::concat_tensors(&[&a, &b], 2)?))
    }
    /// numpy.repeat along axis 1.
    fn repeat_heads(&self, reps: usize) -> Arr {
        let (b, h, rest) = (self.s[0], self.s[1], self.s[2..].iter().product::<usize>());
        let mut v = Vec::with_capacity(self.v.len() * reps);
        for bi in 0..b {
            for hi in 0..h {
                let src = &self.v[(bi * h + hi) * rest..(bi * h + hi + 1) * rest];
                for _ in 0..reps {
                    v.extend_from_slice(src);
                }
            }
        }
        let mut s = self.s.clone();
        s[1] = h * reps;
        Arr { v, s }
    }
}

/// `[batch, seq, heads * size]` -> `[batch, heads, seq, size]`.
fn split_heads(a: &Arr, heads: usize) -> KResult<Arr> {
    let (b, s, hid) = (a.s[0], a.s[1], a.s[2]);
    if heads == 0 || hid % heads != 0 {
        bail!("hidden size {hid} is not divisible by {heads} heads");
    }
    a.clone()
        .reshape(vec![b, s, heads, hid / heads])
        .map(|x| x.transpose(&[0, 2, 1, 3]))
}

pub fn attention(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let qt = n.input(0)?;
    let dt = qt.dtype();
    if !dt.is_float() {
        crate::unsupported!("unsupported element type {dt}");
    }
    let r = rounder(dt);
    let (mut q, mut k, mut v) = (Arr::of(qt), Arr::of(n.input(1)?), Arr::of(n.input(2)?));
    let rank3 = q.s.len() == 3;
    if q.s.len() != k.s.len() || q.s.len() != v.s.len() || !(rank3 || q.s.len() == 4) {
        bail!("Q, K and V must all be 3-D or all 4-D");
    }
    let q_heads_attr = n.opt_int("q_num_heads")?;
    let kv_heads_attr = n.opt_int("kv_num_heads")?;
    if rank3 {
        let (Some(qh), Some(kh)) = (q_heads_attr, kv_heads_attr) else {
            bail!("3-D inputs need q_num_heads and kv_num_heads");
        };
        let (qh, kh) = (
            crate::util::dim(qh, "q_num_heads")?,
            crate::util::dim(kh, "kv_num_heads")?,
        );
        q = split_heads(&q, qh)?;
        k = split_heads(&k, kh)?;
        v = split_heads(&v, kh)?;
    }
    let batch = q.s[0];
    let scale = match n.opt_float("scale")? {
        Some(s) => s as f64,
        None => r(1.0 / (q.s[3] as f64).sqrt()),
    };
    let scale = r(scale.sqrt());
    let past_k = n.opt(4).map(Arr::of);
    let past_v = n.opt(5).map(Arr::of);
    if past_k.is_some() != past_v.is_some() {
        bail!("past_key and past_value must be given together");
    }
    for p in past_k.iter().chain(&past_v) {
        if p.s.len() != 4 || p.s[0] != batch || p.s[1] != k.s[1] {
            bail!(
                "past_key / past_value {:?} do not match the key / value heads",
                p.s
            );
        }
    }
    let past_len = past_k.as_ref().map(|p| p.s[2]);
    let present_k = match &past_k {
        Some(p) => p.concat2(&k)?,
        None => k.clone(),
    };
    let present_v = match &past_v {
        Some(p) => p.concat2(&v)?,
        None => v.clone(),
    };
    let (sq, skv) = (q.s[2], present_k.s[2]);
    let nonpad: Option<Vec<i64>> = match n.opt(6) {
        Some(t) => Some(t.to_i64_vec()?),
        None => None,
    };
    // The mask, padded on its last axis to the full key length, as an additive float bias.
    let mask = match n.opt(3) {
        Some(m) => {
            let is_bool = m.dtype() == DType::Bool;
            let mut a = Arr::of(m);
            if a.s.is_empty() {
                bail!("attn_mask must have rank >= 1");
            }
            let last = *a.s.last().unwrap_or(&0);
            if last < skv {
                let outer: usize = a.s[..a.s.len() - 1].iter().product();
                let fill = if is_bool { 0.0 } else { f64::NEG_INFINITY };
                let mut v2 = Vec::with_capacity(outer * skv);
                for o in 0..outer {
                    v2.extend_from_slice(&a.v[o * last..(o + 1) * last]);
                    v2.extend(std::iter::repeat_n(fill, skv - last));
                }
                a.v = v2;
                let l = a.s.len();
                a.s[l - 1] = skv;
            }
            if is_bool {
                a = a.map(|b| if b != 0.0 { 0.0 } else { f64::NEG_INFINITY });
            } else {
                a = a.map(r);
            }
            Some(a)
        }
        None => None,
    };
    let zeros = Arr {
        v: vec![0.0; sq * skv],
        s: vec![sq, skv],
    };
    // Offsets of the causal / window frontier: per batch with nonpad_kv_seqlen, else one.
    let offsets: Vec<i64> = match (&nonpad, past_len) {
        (Some(np), None) => {
            if np.len() != batch {
                bail!("nonpad_kv_seqlen has {} values for batch {batch}", np.len());
            }
            np.iter().map(|&l| l - sq as i64).collect()
        }
        (Some(_), Some(_)) => {
            bail!("nonpad_kv_seqlen cannot be combined with past_key / past_value")
        }
        (None, p) => vec![p.unwrap_or(0) as i64],
    };
    let frontier = |allowed: &dyn Fn(i64, i64, i64) -> bool| -> Arr {
        // [sq, skv] for one offset, [batch, 1, sq, skv] for per-batch offsets.
        let mut v = Vec::with_capacity(offsets.len() * sq * skv);
        for &off in &offsets {
            for i in 0..sq as i64 {
                for j in 0..skv as i64 {
                    v.push(if allowed(i, j, off) {
                        0.0
                    } else {
                        f64::NEG_INFINITY
                    });
                }
            }
        }
        let s = if offsets.len() == 1 && nonpad.is_none() {
            vec![sq, skv]
        } else {
            vec![offsets.len(), 1, sq, skv]
        };
        Arr { v, s }
    };
    let causal = n.int("is_causal", 0)? != 0;
    let mut bias = if causal {
        let base = mask.clone().unwrap_or_else(|| zeros.clone());
        base.zip(&frontier(&|i, j, off| j <= i + off), |a, b| a + b)?
    } else if let Some(m) = &mask {
        zeros.zip(m, |a, b| a + b)?
    } else {
        zeros.clone()
    };
    let left = n.int("left_window_size", -1)?;
    let right = n.int("right_window_size", -1)?;
    if left >= 0 || right >= 0 {
        let w = frontier(&|i, j, off| {
            let d = i + off - j;
            (left < 0 || d <= left) && (right < 0 || -d <= right)
        });
        bias = bias.zip(&w, |a, b| a + b)?;
    }
    if let Some(np) = &nonpad {
        let mut v = Vec::with_capacity(batch * skv);
        for &l in np {
            for j in 0..skv as i64 {
                v.push(if j < l { 0.0 } else { f64::NEG_INFINITY });
            }
        }
        bias = bias.zip(
            &Arr {
                v,
                s: vec![batch, 1, 1, skv],
            },
            |a, b| a + b,
        )?;
    }
    // Grouped-query attention: repeat K / V heads.
    let (qh, kh) = (q.s[1], present_k.s[1]);
    let (mut kk, mut vv) = (present_k.clone(), present_v.clone());
    if qh != kh {
        if kh == 0 || qh % kh != 0 || present_v.s[1] != kh {
            bail!("{qh} query heads are not a multiple of {kh} key / value heads");
        }
        kk = kk.repeat_heads(qh / kh);
        vv = vv.repeat_heads(qh / kh);
    }
    let kt = kk.transpose(&[0, 1, 3, 2]);
    let mut qk = q
        .map(|x| r(x * scale))
        .matmul(&kt.map(|x| r(x * scale)), r)?;
    let softcap = n.float("softcap", 0.0)? as f64;
    if softcap > 0.0 {
        qk = qk.map(|x| r(r(r(x / softcap).tanh()) * softcap));
    }
    let with_bias = qk.zip(&bias, |a, b| r(a + b))?;
    let mode = n.int("qk_matmul_output_mode", 0)?;
    let mut qk_out = if mode == 2 { with_bias.clone() } else { qk };
    // Softmax precision: the reference casts to that type first.
    let sr = match n.opt_int("softmax_precision")? {
        Some(code) => rounder(
            i32::try_from(code)
                .ok()
                .and_then(DType::from_onnx_code)
                .ok_or_else(|| {
                    KError::unsupported(format!("unsupported softmax_precision {code}"))
                })?,
        ),
        None => r,
    };
    let x = with_bias.map(sr);
    let last = *x.s.last().unwrap_or(&1);
    let rows = x.v.len() / last.max(1);
    let mut sm = vec![0.0; x.v.len()];
    for row in 0..rows {
        let lane = &x.v[row * last..(row + 1) * last];
        let mx = lane.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mx = if mx == f64::NEG_INFINITY { 0.0 } else { mx };
        let e: Vec<f64> = lane.iter().map(|&a| sr(sr(a - mx).exp())).collect();
        let s: f64 = sr(e.iter().sum());
        let s = if s == 0.0 { 1.0 } else { s };
        for (o, ev) in sm[row * last..(row + 1) * last].iter_mut().zip(e) {
            *o = sr(ev / s);
        }
    }
    let mut softmax = Arr {
        v: sm,
        s: x.s.clone(),
    };
    // Rows whose bias is entirely -inf give zeros.
    let bl = *bias.s.last().unwrap_or(&1);
    let masked: Vec<f64> = bias
        .v
        .chunks(bl.max(1))
        .map(|c| {
            if c.iter().all(|&b| b == f64::NEG_INFINITY) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let mut ms = bias.s.clone();
    if let Some(l) = ms.last_mut() {
        *l = 1;
    }
    softmax = softmax.zip(
        &Arr { v: masked, s: ms },
        |a, m| if m != 0.0 { 0.0 } else { a },
    )?;
    if mode == 3 {
        qk_out = softmax.clone();
    }
    let softmax = softmax.map(r);
    let mut y = softmax.matmul(&vv, r)?;
    if rank3 {
        let t = y.transpose(&[0, 2, 1, 3]);
        let (b, s) = (t.s[0], t.s[1]);
        let rest = t.s[2] * t.s[3];
        y = t.reshape(vec![b, s, rest])?;
    }
    Ok(vec![
        Some(cast_tensor(&y.tensor()?, dt)?),
        Some(cast_tensor(&present_k.tensor()?, dt)?),
        Some(cast_tensor(&present_v.tensor()?, dt)?),
        Some(cast_tensor(&qk_out.map(r).tensor()?, dt)?),
    ])
}

pub fn rms_norm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", -1)?, x.rank())?;
    let eps = n.float("epsilon", 1e-5)? as f64;
    let xa = Arr::of(x);
    let inner: usize = x.shape()[axis..].iter().product();
    let outer = x.len() / inner.max(1);
    let mut y = vec![0.0; x.len()];
    for o in 0..outer {
        let s = &xa.v[o * inner..(o + 1) * inner];
        let ms = s.iter().map(|v| v * v).sum::<f64>() / inner.max(1) as f64;
        let rr = 1.0 / (ms + eps).sqrt();
        for j in 0..inner {
            y[o * inner + j] = s[j] * rr;
        }
    }
    let y = Arr {
        v: y,
        s: x.shape().to_vec(),
    }
    .zip(&Arr::of(n.input(1)?), |a, b| a * b)?;
    if y.s != x.shape() {
        bail!("scale does not broadcast to the input's shape");
    }
    Ok(vec![Some(cast_tensor(&y.tensor()?, x.dtype())?)])
}

/// Shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: `logp` is [N, C, d...].
fn nll(
    logp: &Arr,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore: Option<i64>,
    reduction: &str,
    sce: bool,
    r: fn(f64) -> f64,
) -> KResult<Arr> {
    if logp.s.len() < 2 {
        bail!("input must have rank >= 2");
    }
    let (nb, c) = (logp.s[0], logp.s[1]);
    let d: usize = logp.s[2..].iter().product();
    let t = target.to_i64_vec()?;
    if t.len() != nb * d || target.shape().first() != Some(&nb) {
        bail!(
            "target shape {:?} does not match input {:?}",
            target.shape(),
            logp.s
        );
    }
    let w = match weight {
        Some(w) => {
            let w = w.to_f64_vec();
            if w.len() != c {
                bail!("weight must have {c} elements");
            }
            Some(w)
        }
        None => None,
    };
    // Per-element weights as the reference gathers them (None: no weighting).
    let gw: Option<Vec<f64>> = match (&w, ignore) {
        (Some(w), _) => Some(
            t.iter()
                .map(|&ti| {
                    if Some(ti) == ignore {
                        0.0
                    } else {
                        w[ti.clamp(0, c as i64 - 1) as usize]
                    }
                })
                .collect(),
        ),
        (None, ig) if ig.is_some() || !sce => {
            if !sce && ig == Some(-1) {
                None
            } else {
                Some(
                    t.iter()
                        .map(|&ti| if Some(ti) == ig { 0.0 } else { 1.0 })
                        .collect(),
                )
            }
        }
        _ => None,
    };
    let mut loss = vec![0.0; nb * d];
    for i in 0..nb {
        for k in 0..d {
            let ti = t[i * d + k];
            if Some(ti) == ignore {
                continue;
            }
            let cls = if ti < 0 { ti + c as i64 } else { ti };
            if cls < 0 || cls >= c as i64 {
                bail!("target {ti} is out of range for {c} classes");
            }
            loss[i * d + k] = r(-logp.v[(i * c + cls as usize) * d + k]);
        }
    }
    if let Some(gw) = &gw {
        for (l, g) in loss.iter_mut().zip(gw) {
            *l = r(*l * g);
        }
        if reduction == "mean" {
            let s: f64 = loss.iter().sum();
            let ws: f64 = gw.iter().sum();
            return Ok(Arr {
                v: vec![r(r(s) / r(ws))],
                s: vec![],
            });
        }
    }
    Ok(match reduction {
        "none" => Arr {
            v: loss,
            s: target.shape().to_vec(),
        },
        "sum" => Arr {
            v: vec![r(loss.iter().sum())],
            s: vec![],
        },
        "mean" => Arr {
            v: vec![r(loss.iter().sum::<f64>() / loss.len().max(1) as f64)],
            s: vec![],
        },
        other => bail!("unknown reduction '{other}'"),
    })
}

pub fn nll_loss(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let reduction = n.string("reduction", "mean")?;
    let loss = nll(
        &Arr::of(x),
        n.input(1)?,
        n.opt(2),
        n.opt_int("ignore_index")?,
        &reduction,
        false,
        rounder(x.dtype()),
    )?;
    Ok(vec![Some(cast_tensor(&loss.tensor()?, x.dtype())?)])
}

pub fn softmax_cross_entropy(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if !x.dtype().is_float() || x.rank() < 2 {
        bail!("input must be a float tensor of rank >= 2");
    }
    let r = rounder(x.dtype());
    let (nb, c) = (x.shape()[0], x.shape()[1]);
    let d: usize = x.shape()[2..].iter().product();
    let xa = Arr::of(x);
    let mut logp = vec![0.0; xa.v.len()];
    for i in 0..nb {
        for k in 0..d {
            let at = |ci: usize| (i * c + ci) * d + k;
            let mx = (0..c)
                .map(|ci| xa.v[at(ci)])
                .fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = (0..c).map(|ci| r(r(xa.v[at(ci)] - mx).exp())).collect();
            let s = r(e.iter().sum());
            for ci in 0..c {
                logp[at(ci)] = r(r(e[ci] / s).ln());
            }
        }
    }
    let logp = Arr {
        v: logp,
        s: x.shape().to_vec(),
    };
    let reduction = n.string("reduction", "mean")?;
    let loss = nll(
        &logp,
        n.input(1)?,
        n.opt(2),
        n.opt_int("ignore_index")?,
        &reduction,
        true,
        r,
    )?;
    Ok(vec![
        Some(cast_tensor(&loss.tensor()?, x.dtype())?),
        Some(cast_tensor(&logp.tensor()?, x.dtype())?),
    ])
}

fn swish_of(x: f64, alpha: f64, r: fn(f64) -> f64) -> f64 {
    r(x * r(1.0 / r(1.0 + r(r(-alpha * x).exp()))))
}

pub fn swish(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let r = rounder(x.dtype());
    let alpha = n.float("alpha", 1.0)? as f64;
    let y = Arr::of(x).map(|v| swish_of(v, alpha, r));
    Ok(vec![Some(cast_tensor(&y.tensor()?, x.dtype())?)])
}

pub fn swiglu(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let a = n.input(0)?;
    let b = n.input(1)?;
    if a.shape() != b.shape() || a.dtype() != b.dtype() || !a.dtype().is_float() {
        bail!("A and B must be float tensors of the same shape and type");
    }
    let r = rounder(a.dtype());
    let alpha = n.float("alpha", 1.0)? as f64;
    let y = Arr::of(a).zip(&Arr::of(b), |x, g| r(swish_of(x, alpha, r) * g))?;
    Ok(vec![Some(cast_tensor(&y.tensor()?, a.dtype())?)])
}
