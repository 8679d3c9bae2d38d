//! Reductions (Reduce*), ArgMax / ArgMin, Softmax / LogSoftmax / Hardmax, CumSum, TopK.

use super::{mk, opt_int_input};
use crate::num::{FloatElem, Num, Real};
use crate::util::{
    bcast_strides, dim, for_each_offset, norm_axes, norm_axis, split_at_axis, strides,
};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{Tensor, match_data};

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Reduce {
    Sum,
    Mean,
    Max,
    Min,
    Prod,
    SumSquare,
    L1,
    L2,
    LogSum,
    LogSumExp,
}

/// The reduced axes (sorted) and the output shape, or `None` for a no-op reduction.
fn reduce_plan(n: &Node<'_>, x: &Tensor) -> KResult<Option<(Vec<usize>, Vec<usize>)>> {
    let axes = match opt_int_input(n, 1)? {
        Some(a) => Some(a),
        None => n.ints("axes")?,
    };
    let keepdims = n.int("keepdims", 1)? != 0;
    let noop = n.int("noop_with_empty_axes", 0)? != 0;
    let axes: Vec<usize> = match axes {
        Some(a) if !a.is_empty() => {
            let mut a = norm_axes(&a, x.rank())?;
            a.sort_unstable();
            a
        }
        _ if noop => return Ok(None),
        _ => (0..x.rank()).collect(),
    };
    let mut out = Vec::with_capacity(x.rank());
    for (i, &d) in x.shape().iter().enumerate() {
        if axes.contains(&i) {
            if keepdims {
                out.push(1);
            }
        } else {
            out.push(d);
        }
    }
    Ok(Some((axes, out)))
}

/// Folds `v` (of `shape`) over `axes` into `acc` (one slot per output element) with `f`.
fn fold<T: Copy, A: Copy>(
    v: &[T],
    shape: &[usize],
    axes: &[usize],
    init: A,
    f: impl Fn(A, T) -> A,
) -> KResult<Vec<A>> {
    let kept: Vec<usize> = shape
        .iter()
        .enumerate()
        .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
        .collect();
    let n_out = crate::util::checked_len(&kept)?;
    let mut acc = vec![init; n_out];
    let ins = strides(shape);
    let outs = bcast_strides(&kept, shape);
    for_each_offset(shape, [&ins, &outs], |[i, o]| acc[o] = f(acc[o], v[i]));
    Ok(acc)
}

fn reduce_typed<T: Num>(op: Reduce, v: &[T], shape: &[usize], axes: &[usize]) -> KResult<Vec<T>> {
    let count: usize = axes.iter().map(|&a| shape[a]).product();
    Ok(match op {
        // Max / Min / Prod / Sum of integers stay in the element type (exact, wrapping).
        Reduce::Max => fold(v, shape, axes, T::lowest(), |a, x| a.max_nan(x))?,
        Reduce::Min => fold(v, shape, axes, T::highest(), |a, x| a.min_nan(x))?,
        Reduce::Sum | Reduce::Prod if !T::IS_FLOAT => {
            if op == Reduce::Sum {
                fold(v, shape, axes, T::zero(), |a, x| a.add(x))?
            } else {
                fold(v, shape, axes, T::one(), |a, x| a.mul(x))?
            }
        }
        // Everything else accumulates in f64 and rounds once.
        _ => {
            let acc: Vec<f64> = match op {
                Reduce::Sum | Reduce::Mean | Reduce::LogSum => {
                    fold(v, shape, axes, 0.0, |a, x| a + x.to_f64())?
                }
                Reduce::Prod => fold(v, shape, axes, 1.0, |a, x| a * x.to_f64())?,
                Reduce::SumSquare | Reduce::L2 => fold(v, shape, axes, 0.0, |a, x| {
                    let f = x.to_f64();
                    a + f * f
                })?,
                Reduce::L1 => fold(v, shape, axes, 0.0, |a, x| a + x.to_f64().abs())?,
                Reduce::LogSumExp => {
                    let m = fold(v, shape, axes, f64::NEG_INFINITY, |a, x| a.max(x.to_f64()))?;
                    // Second pass: sum of exp(x - max) per output slot.
                    let kept: Vec<usize> = shape
                        .iter()
                        .enumerate()
                        .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
                        .collect();
                    let mut acc = vec![0.0f64; m.len()];
                    let ins = strides(shape);
                    let outs = bcast_strides(&kept, shape);
                    for_each_offset(shape, [&ins, &outs], |[i, o]| {
                        let mo = if m[o].is_finite() { m[o] } else { 0.0 };
                        acc[o] += (v[i].to_f64() - mo).exp()
                    });
                    acc.iter()
                        .zip(&m)
                        .map(|(&s, &mx)| s.ln() + if mx.is_finite() { mx } else { 0.0 })
                        .collect()
                }
                _ => unreachable!("handled above"),
            };
            acc.into_iter()
                .map(|a| {
                    T::from_f64(match op {
                        Reduce::Mean => a / count as f64,
                        Reduce::L2 => a.sqrt(),
                        Reduce::LogSum => a.ln(),
                        _ => a,
                    })
                })
                .collect()
        }
    })
}

pub fn reduce(n: &Node<'_>, op: Reduce) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let Some((axes, out)) = reduce_plan(n, x)? else {
        return Ok(vec![Some(x.clone())]);
    };
    if x.dtype().is_bool() && !matches!(op, Reduce::Max | Reduce::Min) {
        crate::unsupported!("unsupported element type bool");
    }
    let t = match_data!(x.data(), v => mk(out, reduce_typed(op, v, x.shape(), &axes)?)?);
    Ok(vec![Some(t)])
}

fn arg_typed<T: Num>(
    v: &[T],
    outer: usize,
    d: usize,
    inner: usize,
    max: bool,
    last: bool,
) -> Vec<i64> {
    let mut res = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let mut best = 0usize;
            for k in 1..d {
                let (x, b) = (v[(o * d + k) * inner + i], v[(o * d + best) * inner + i]);
                let better = if b.is_nan() {
                    false
                } else if x.is_nan() {
                    true
                } else if max {
                    x > b || (last && x == b)
                } else {
                    x < b || (last && x == b)
                };
                if better {
                    best = k;
                }
            }
            res.push(best as i64);
        }
    }
    res
}

pub fn arg(n: &Node<'_>, max: bool) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", 0)?, x.rank())?;
    let keepdims = n.int("keepdims", 1)? != 0;
    let last = n.int("select_last_index", 0)? != 0;
    let (outer, d, inner) = split_at_axis(x.shape(), axis);
    if d == 0 {
        bail!(
            "cannot take arg{} over an empty axis",
            if max { "max" } else { "min" }
        );
    }
    let res = match_data!(x.data(), v => arg_typed(v, outer, d, inner, max, last));
    let mut shape = x.shape().to_vec();
    if keepdims {
        shape[axis] = 1;
    } else {
        shape.remove(axis);
    }
    Ok(vec![Some(mk(shape, res)?)])
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum SoftmaxKind {
    Softmax,
    LogSoftmax,
    Hardmax,
}

fn softmax_typed<T: FloatElem>(
    kind: SoftmaxKind,
    v: &[T],
    outer: usize,
    d: usize,
    inner: usize,
) -> Vec<T> {
    let mut out = vec![T::zero(); v.len()];
    let mut lane: Vec<T::A> = vec![T::A::ZERO; d];
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| (o * d + k) * inner + i;
            let mut m = T::A::ZERO - T::A::INF;
            let mut arg = 0;
            for k in 0..d {
                lane[k] = v[at(k)].to_a();
                if lane[k] > m {
                    m = lane[k];
                    arg = k;
                }
            }
            match kind {
                SoftmaxKind::Hardmax => {
                    out[at(arg)] = T::one();
                }
                SoftmaxKind::Softmax | SoftmaxKind::LogSoftmax => {
                    // As ONNX's reference computes it, each step rounded into T:
                    // e = exp(x - max); y = e / sum(e); LogSoftmax = log(y).
                    let r = |a: T::A| T::from_a(a).to_a();
                    let mut s = T::A::ZERO;
                    for e in lane.iter_mut() {
                        *e = r(r(*e - m).exp());
                        s += *e;
                    }
                    let s = r(s);
                    for k in 0..d {
                        let y = r(lane[k] / s);
                        out[at(k)] = T::from_a(if kind == SoftmaxKind::Softmax {
                            y
                        } else {
                            y.ln()
                        });
                    }
                }
            }
        }
    }
    out
}

pub fn softmax(n: &Node<'_>, kind: SoftmaxKind) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", -1)?, x.rank())?;
    let (outer, d, inner) = split_at_axis(x.shape(), axis);
    if x.is_empty() {
        return Ok(vec![Some(x.clone())]);
    }
    let shape = x.shape().to_vec();
    let t = match_float!(x.data(), v => mk(shape, softmax_typed(kind, v, outer, d, inner))?);
    Ok(vec![Some(t)])
}

fn cumulate_typed<T: Num>(
    v: &[T],
    (outer, d, inner): (usize, usize, usize),
    exclusive: bool,
    reverse: bool,
    prod: bool,
) -> Vec<T> {
    let start = if prod { T::one() } else { T::zero() };
    let step = |a: T, b: T| if prod { a.mul(b) } else { a.add(b) };
    let mut out = vec![start; v.len()];
    for o in 0..outer {
        for i in 0..inner {
            let mut acc = start;
            for j in 0..d {
                let k = if reverse { d - 1 - j } else { j };
                let at = (o * d + k) * inner + i;
                if exclusive {
                    out[at] = acc;
                    acc = step(acc, v[at]);
                } else {
                    acc = step(acc, v[at]);
                    out[at] = acc;
                }
            }
        }
    }
    out
}

/// CumSum (`prod = false`) and CumProd (`prod = true`).
fn cumulate(n: &Node<'_>, prod: bool) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let axis = n
        .input(1)?
        .to_i64_vec()?
        .first()
        .copied()
        .ok_or_else(|| KError::invalid("axis is empty"))?;
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(axis, x.rank())?;
    let exclusive = n.int("exclusive", 0)? != 0;
    let reverse = n.int("reverse", 0)? != 0;
    let dims = split_at_axis(x.shape(), axis);
    let shape = x.shape().to_vec();
    let t = match_numeric!(x.data(), v => mk(shape, cumulate_typed(v, dims, exclusive, reverse, prod))?);
    Ok(vec![Some(t)])
}

pub fn cumsum(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    cumulate(n, false)
}

pub fn cumprod(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    cumulate(n, true)
}

fn topk_typed<T: Num>(
    v: &[T],
    outer: usize,
    d: usize,
    inner: usize,
    k: usize,
    largest: bool,
) -> (Vec<T>, Vec<i64>) {
    let mut vals = Vec::with_capacity(outer * k * inner);
    let mut idxs = Vec::with_capacity(outer * k * inner);
    vals.resize(outer * k * inner, T::zero());
    idxs.resize(outer * k * inner, 0i64);
    let mut order: Vec<usize> = Vec::with_capacity(d);
    for o in 0..outer {
        for i in 0..inner {
            let at = |j: usize| (o * d + j) * inner + i;
            order.clear();
            order.extend(0..d);
            // Stable sort: equal values keep the lower index first; NaN counts as largest.
            order.sort_by(|&a, &b| {
                let (x, y) = (v[at(a)], v[at(b)]);
                let ord = match (x.is_nan(), y.is_nan()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
                };
                if largest { ord.reverse() } else { ord }
            });
            for (j, &src) in order.iter().take(k).enumerate() {
                vals[(o * k + j) * inner + i] = v[at(src)];
                idxs[(o * k + j) * inner + i] = src as i64;
            }
        }
    }
    (vals, idxs)
}

pub fn top_k(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let k = n
        .input(1)?
        .to_i64_vec()?
        .first()
        .copied()
        .ok_or_else(|| KError::invalid("K is empty"))?;
    if x.rank() == 0 {
        bail!("input must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", -1)?, x.rank())?;
    let largest = n.int("largest", 1)? != 0;
    let k = dim(k, "K")?;
    let (outer, d, inner) = split_at_axis(x.shape(), axis);
    if k > d {
        bail!("K = {k} exceeds the axis size {d}");
    }
    let mut shape = x.shape().to_vec();
    shape[axis] = k;
    let (vals, idx) = match_numeric!(x.data(), v => {
        let (a, b) = topk_typed(v, outer, d, inner, k, largest);
        (mk(shape.clone(), a)?, b)
    });
    Ok(vec![Some(vals), Some(mk(shape, idx)?)])
}
