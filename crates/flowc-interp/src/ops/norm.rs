//! Normalizations: BatchNormalization (inference and training mode), InstanceNormalization,
//! LayerNormalization, GroupNormalization, LRN, LpNormalization, MeanVarianceNormalization.
//!
//! Statistics are computed in f64 and results rounded once into the input's float type.

use super::elementwise::cast_tensor;
use super::mk;
use crate::util::{bcast_strides, for_each_offset, norm_axes, norm_axis, strides};
use crate::{KResult, Node, bail};
use flowc_tensor::{DType, Tensor};

fn float_input<'a>(n: &'a Node<'_>, i: usize) -> KResult<&'a Tensor> {
    let t = n.input(i)?;
    if !t.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", t.dtype());
    }
    Ok(t)
}

/// Per-group mean and (biased) variance of `v` (of `shape`) over `axes`; also the strides that
/// map an element of `shape` to its group.
fn moments(v: &[f64], shape: &[usize], axes: &[usize]) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    let kept: Vec<usize> = shape
        .iter()
        .enumerate()
        .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
        .collect();
    let groups: usize = kept.iter().product();
    let count: usize = axes.iter().map(|&a| shape[a]).product();
    let ins = strides(shape);
    let gs = bcast_strides(&kept, shape);
    let mut mean = vec![0.0; groups];
    for_each_offset(shape, [&ins, &gs], |[i, g]| mean[g] += v[i]);
    for m in &mut mean {
        *m /= count.max(1) as f64;
    }
    let mut var = vec![0.0; groups];
    for_each_offset(shape, [&ins, &gs], |[i, g]| {
        let d = v[i] - mean[g];
        var[g] += d * d;
    });
    for s in &mut var {
        *s /= count.max(1) as f64;
    }
    (mean, var, gs)
}

/// Per-channel (axis 1) values of a `[C]` tensor broadcast over `shape`.
fn channel_strides(shape: &[usize]) -> Vec<usize> {
    let mut kept = vec![1usize; shape.len()];
    if shape.len() > 1 {
        kept[1] = shape[1];
    }
    bcast_strides(&kept, shape)
}

fn check_channel_param(t: &Tensor, c: usize, what: &str) -> KResult<Vec<f64>> {
    if t.len() != c {
        bail!("{what} must have {c} elements, got shape {:?}", t.shape());
    }
    Ok(t.to_f64_vec())
}

pub fn batch_norm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    if x.rank() < 2 {
        bail!("X must have rank >= 2");
    }
    let c = x.shape()[1];
    let scale = check_channel_param(n.input(1)?, c, "scale")?;
    let bias = check_channel_param(n.input(2)?, c, "B")?;
    let in_mean = check_channel_param(n.input(3)?, c, "input_mean")?;
    let in_var = check_channel_param(n.input(4)?, c, "input_var")?;
    let eps = n.float("epsilon", 1e-5)? as f64;
    let momentum = n.float("momentum", 0.9)? as f64;
    let training = n.int("training_mode", 0)? != 0;
    let xv = x.to_f64_vec();
    let shape = x.shape();
    let (mean, var) = if training {
        let axes: Vec<usize> = (0..x.rank()).filter(|&a| a != 1).collect();
        let (m, v, _) = moments(&xv, shape, &axes);
        (m, v)
    } else {
        (in_mean.clone(), in_var.clone())
    };
    // Precompute per-channel a·x + b.
    let a: Vec<f64> = (0..c).map(|i| scale[i] / (var[i] + eps).sqrt()).collect();
    let b: Vec<f64> = (0..c).map(|i| bias[i] - mean[i] * a[i]).collect();
    let cs = channel_strides(shape);
    let ins = strides(shape);
    let mut y = vec![0.0f64; xv.len()];
    for_each_offset(shape, [&ins, &cs], |[i, ch]| y[i] = xv[i] * a[ch] + b[ch]);
    let y = cast_tensor(&mk(shape.to_vec(), y)?, x.dtype())?;
    if !training {
        return Ok(vec![Some(y)]);
    }
    let run_mean: Vec<f64> = (0..c)
        .map(|i| in_mean[i] * momentum + mean[i] * (1.0 - momentum))
        .collect();
    let run_var: Vec<f64> = (0..c)
        .map(|i| in_var[i] * momentum + var[i] * (1.0 - momentum))
        .collect();
    let md = n.input(3)?.dtype();
    let vd = n.input(4)?.dtype();
    Ok(vec![
        Some(y),
        Some(cast_tensor(&mk(vec![c], run_mean)?, md)?),
        Some(cast_tensor(&mk(vec![c], run_var)?, vd)?),
    ])
}

pub fn instance_norm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    if x.rank() < 3 {
        bail!("input must have rank >= 3");
    }
    let c = x.shape()[1];
    let scale = check_channel_param(n.input(1)?, c, "scale")?;
    let bias = check_channel_param(n.input(2)?, c, "B")?;
    let eps = n.float("epsilon", 1e-5)? as f64;
    let xv = x.to_f64_vec();
    let shape = x.shape();
    let axes: Vec<usize> = (2..x.rank()).collect();
    let (mean, var, gs) = moments(&xv, shape, &axes);
    let cs = channel_strides(shape);
    let ins = strides(shape);
    let mut y = vec![0.0f64; xv.len()];
    for_each_offset(shape, [&ins, &gs, &cs], |[i, g, ch]| {
        y[i] = (xv[i] - mean[g]) / (var[g] + eps).sqrt() * scale[ch] + bias[ch];
    });
    Ok(vec![Some(cast_tensor(&mk(shape.to_vec(), y)?, x.dtype())?)])
}

pub fn layer_norm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", -1)?, x.rank())?;
    let eps = n.float("epsilon", 1e-5)? as f64;
    let shape = x.shape();
    let norm_shape = &shape[axis..];
    let scale = n.input(1)?;
    let scale = crate::util::expand(&scale.to_f64_vec(), scale.shape(), norm_shape)?;
    let bias = match n.opt(2) {
        Some(b) => crate::util::expand(&b.to_f64_vec(), b.shape(), norm_shape)?,
        None => vec![0.0; scale.len()],
    };
    let inner: usize = norm_shape.iter().product();
    let outer: usize = shape[..axis].iter().product();
    let xv = x.to_f64_vec();
    // stash_type = 1: statistics in f32 (f64 for f64 inputs); we keep f64 and round outputs.
    let mut y = vec![0.0f64; xv.len()];
    let mut means = Vec::with_capacity(outer);
    let mut inv_std = Vec::with_capacity(outer);
    for o in 0..outer {
        let s = &xv[o * inner..(o + 1) * inner];
        let m = s.iter().sum::<f64>() / inner.max(1) as f64;
        let v = s.iter().map(|e| (e - m) * (e - m)).sum::<f64>() / inner.max(1) as f64;
        let is = 1.0 / (v + eps).sqrt();
        for j in 0..inner {
            y[o * inner + j] = (s[j] - m) * is * scale[j] + bias[j];
        }
        means.push(m);
        inv_std.push(is);
    }
    let mut stat_shape = shape[..axis].to_vec();
    stat_shape.extend(std::iter::repeat_n(1, x.rank() - axis));
    let stash = if x.dtype() == DType::F64 {
        DType::F64
    } else {
        DType::F32
    };
    let stash = if n.int("stash_type", 1)? == 1 {
        stash
    } else {
        x.dtype()
    };
    Ok(vec![
        Some(cast_tensor(&mk(shape.to_vec(), y)?, x.dtype())?),
        Some(cast_tensor(&mk(stat_shape.clone(), means)?, stash)?),
        Some(cast_tensor(&mk(stat_shape, inv_std)?, stash)?),
    ])
}

pub fn group_norm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    if x.rank() < 2 {
        bail!("input must have rank >= 2");
    }
    let groups = crate::util::dim(n.int("num_groups", 0)?, "num_groups")?;
    let (nb, c) = (x.shape()[0], x.shape()[1]);
    if groups == 0 || c % groups != 0 {
        bail!("num_groups {groups} does not divide {c} channels");
    }
    let eps = n.float("epsilon", 1e-5)? as f64;
    let scale = n.input(1)?.to_f64_vec();
    let bias = n.input(2)?.to_f64_vec();
    let cpg = c / groups;
    // Scale / bias per channel (opset 21) or per group (opset 18).
    let per_channel = |v: &[f64], what: &str| -> KResult<Vec<f64>> {
        if v.len() == c {
            Ok(v.to_vec())
        } else if v.len() == groups {
            Ok((0..c).map(|ch| v[ch / cpg]).collect())
        } else {
            bail!(
                "{what} must have {c} (or {groups}) elements, got {}",
                v.len()
            )
        }
    };
    let scale = per_channel(&scale, "scale")?;
    let bias = per_channel(&bias, "bias")?;
    let spatial: usize = x.shape()[2..].iter().product();
    let block = cpg * spatial;
    let xv = x.to_f64_vec();
    let mut y = vec![0.0f64; xv.len()];
    for b in 0..nb {
        for g in 0..groups {
            let base = (b * c + g * cpg) * spatial;
            let s = &xv[base..base + block];
            let m = s.iter().sum::<f64>() / block.max(1) as f64;
            let v = s.iter().map(|e| (e - m) * (e - m)).sum::<f64>() / block.max(1) as f64;
            let is = 1.0 / (v + eps).sqrt();
            for j in 0..block {
                let ch = g * cpg + j / spatial.max(1);
                y[base + j] = (s[j] - m) * is * scale[ch] + bias[ch];
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(x.shape().to_vec(), y)?,
        x.dtype(),
    )?)])
}

pub fn lrn(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    if x.rank() < 3 {
        bail!("input must have rank >= 3");
    }
    let size = crate::util::dim(n.int("size", 0)?, "size")?;
    if size == 0 {
        bail!("size must be positive");
    }
    let alpha = n.float("alpha", 1e-4)? as f64;
    let beta = n.float("beta", 0.75)? as f64;
    let bias = n.float("bias", 1.0)? as f64;
    let (nb, c) = (x.shape()[0], x.shape()[1]);
    let spatial: usize = x.shape()[2..].iter().product();
    let xv = x.to_f64_vec();
    let lo = (size - 1) / 2;
    let hi = (size - 1).div_ceil(2);
    let mut y = vec![0.0f64; xv.len()];
    for b in 0..nb {
        for ch in 0..c {
            let c0 = ch.saturating_sub(lo);
            let c1 = (ch + hi).min(c - 1);
            for s in 0..spatial {
                let mut sq = 0.0;
                for k in c0..=c1 {
                    let v = xv[(b * c + k) * spatial + s];
                    sq += v * v;
                }
                let i = (b * c + ch) * spatial + s;
                y[i] = xv[i] / (bias + alpha / size as f64 * sq).powf(beta);
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(x.shape().to_vec(), y)?,
        x.dtype(),
    )?)])
}

pub fn lp_norm(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", -1)?, x.rank())?;
    let p = n.int("p", 2)?;
    if p != 1 && p != 2 {
        bail!("p must be 1 or 2, got {p}");
    }
    let xv = x.to_f64_vec();
    let (outer, d, inner) = crate::util::split_at_axis(x.shape(), axis);
    let mut y = vec![0.0; xv.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| (o * d + k) * inner + i;
            let mut s = 0.0;
            for k in 0..d {
                let v = xv[at(k)];
                s += if p == 1 { v.abs() } else { v * v };
            }
            let norm = if p == 1 { s } else { s.sqrt() };
            for k in 0..d {
                y[at(k)] = if norm == 0.0 { 0.0 } else { xv[at(k)] / norm };
            }
        }
    }
    Ok(vec![Some(cast_tensor(
        &mk(x.shape().to_vec(), y)?,
        x.dtype(),
    )?)])
}

pub fn mvn(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = float_input(n, 0)?;
    let axes = n.ints("axes")?.unwrap_or_else(|| vec![0, 2, 3]);
    let axes = norm_axes(&axes, x.rank())?;
    let xv = x.to_f64_vec();
    let shape = x.shape();
    let (mean, var, gs) = moments(&xv, shape, &axes);
    let ins = strides(shape);
    let mut y = vec![0.0f64; xv.len()];
    for_each_offset(shape, [&ins, &gs], |[i, g]| {
        y[i] = (xv[i] - mean[g]) / (var[g].sqrt() + 1e-9);
    });
    Ok(vec![Some(cast_tensor(&mk(shape.to_vec(), y)?, x.dtype())?)])
}
