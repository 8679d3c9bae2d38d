//! The reshape family and other data-movement ops: Reshape, Flatten, Squeeze, Unsqueeze,
//! Transpose, Expand, Tile, Concat, Split, Slice, Pad, Shape, Size, ConstantOfShape, Range,
//! EyeLike, DepthToSpace, SpaceToDepth, Trilu, Dropout, ReverseSequence, OneHot, NonZero,
//! Compress.

use super::{broadcast_to, for_each_index, int_input, mk, opt_int_input};
use crate::num::Num;
use crate::util::{broadcast_shape, dim, norm_axes, norm_axis, split_at_axis, strides, transpose};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{DType, Element, Tensor, match_data};

fn reshaped(t: &Tensor, shape: Vec<usize>) -> KResult<Tensor> {
    Ok(t.clone().reshape(shape)?)
}

pub fn reshape(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let spec = int_input(n, 1, "shape")?;
    let allowzero = n.int("allowzero", 0)? != 0;
    let mut out = Vec::with_capacity(spec.len());
    let mut infer = None;
    for (i, &d) in spec.iter().enumerate() {
        if d == -1 {
            if infer.is_some() {
                bail!("shape {spec:?} has more than one -1");
            }
            infer = Some(i);
            out.push(1);
        } else if d == 0 && !allowzero {
            match x.shape().get(i) {
                Some(&v) => out.push(v),
                None => bail!(
                    "shape {spec:?} copies dimension {i} the input (rank {}) lacks",
                    x.rank()
                ),
            }
        } else {
            out.push(dim(d, "a shape dimension")?);
        }
    }
    if let Some(i) = infer {
        let known = crate::util::checked_len(&out)?;
        if known == 0 || x.len() % known != 0 {
            bail!("cannot reshape {:?} to {spec:?}", x.shape());
        }
        out[i] = x.len() / known;
    }
    if crate::util::checked_len(&out)? != x.len() {
        bail!(
            "cannot reshape {:?} ({} elements) to {out:?}",
            x.shape(),
            x.len()
        );
    }
    Ok(vec![Some(reshaped(x, out)?)])
}

pub fn flatten(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let r = x.rank();
    let axis = n.int("axis", 1)?;
    let axis = if axis < 0 { axis + r as i64 } else { axis };
    if axis < 0 || axis > r as i64 {
        bail!("axis {axis} is out of range for rank {r}");
    }
    let a = axis as usize;
    let outer = x.shape()[..a].iter().product();
    let inner = x.shape()[a..].iter().product();
    Ok(vec![Some(reshaped(x, vec![outer, inner])?)])
}

pub fn squeeze(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let axes = match opt_int_input(n, 1)? {
        Some(a) => Some(a),
        None => n.ints("axes")?,
    };
    let shape: Vec<usize> = match axes {
        None => x.shape().iter().copied().filter(|&d| d != 1).collect(),
        Some(axes) => {
            let axes = norm_axes(&axes, x.rank())?;
            for &a in &axes {
                if x.shape()[a] != 1 {
                    bail!("cannot squeeze axis {a} of size {}", x.shape()[a]);
                }
            }
            x.shape()
                .iter()
                .enumerate()
                .filter(|(i, _)| !axes.contains(i))
                .map(|(_, &d)| d)
                .collect()
        }
    };
    Ok(vec![Some(reshaped(x, shape)?)])
}

pub fn unsqueeze(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let axes = match opt_int_input(n, 1)? {
        Some(a) => a,
        None => n
            .ints("axes")?
            .ok_or_else(|| KError::invalid("missing axes"))?,
    };
    let r = x.rank() + axes.len();
    let axes = norm_axes(&axes, r)?;
    let mut shape = Vec::with_capacity(r);
    let mut src = x.shape().iter();
    for i in 0..r {
        if axes.contains(&i) {
            shape.push(1);
        } else {
            shape.push(*src.next().ok_or_else(|| KError::invalid("bad axes"))?);
        }
    }
    Ok(vec![Some(reshaped(x, shape)?)])
}

pub fn transpose_op(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let r = x.rank();
    let perm: Vec<usize> = match n.ints("perm")? {
        Some(p) => {
            let p = norm_axes(&p, r)?;
            if p.len() != r {
                bail!("perm {p:?} is not a permutation of rank {r}");
            }
            p
        }
        None => (0..r).rev().collect(),
    };
    Ok(vec![Some(transpose_tensor(x, &perm)?)])
}

pub fn transpose_tensor(x: &Tensor, perm: &[usize]) -> KResult<Tensor> {
    let (data, shape) = match_data!(x.data(), v => {
        let (t, s) = transpose(v, x.shape(), perm);
        (Element::into_data(t), s)
    });
    Ok(Tensor::new(shape, data)?)
}

pub fn expand(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let spec: Vec<usize> = int_input(n, 1, "shape")?
        .into_iter()
        .map(|d| dim(d, "a shape dimension"))
        .collect::<KResult<_>>()?;
    let out = broadcast_shape(x.shape(), &spec)?;
    Ok(vec![Some(broadcast_to(x, &out)?)])
}

/// Copies elements: output element at multi-index `idx` is input element `f(idx)`.
fn gather_by<T: Copy>(
    v: &[T],
    out_shape: &[usize],
    mut f: impl FnMut(&[usize]) -> usize,
) -> Vec<T> {
    let mut res = Vec::with_capacity(out_shape.iter().product());
    for_each_index(out_shape, |idx| res.push(v[f(idx)]));
    res
}

pub fn tile(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let reps = int_input(n, 1, "repeats")?;
    if reps.len() != x.rank() {
        bail!("repeats has {} values for rank {}", reps.len(), x.rank());
    }
    let mut out = Vec::with_capacity(x.rank());
    for (&d, &r) in x.shape().iter().zip(&reps) {
        out.push(
            d.checked_mul(dim(r, "repeats")?)
                .ok_or_else(|| KError::invalid("output too large"))?,
        );
    }
    crate::util::checked_len(&out)?;
    let st = strides(x.shape());
    let shape = x.shape().to_vec();
    let t = match_data!(x.data(), v => mk(out.clone(), gather_by(v, &out, |idx| {
        idx.iter().zip(&shape).zip(&st).map(|((&i, &d), &s)| (i % d) * s).sum()
    }))?);
    Ok(vec![Some(t)])
}

pub fn concat_tensors(ts: &[&Tensor], axis: i64) -> KResult<Tensor> {
    let Some(first) = ts.first() else {
        bail!("concat of no inputs");
    };
    let r = first.rank();
    let axis = norm_axis(axis, r)?;
    let mut out = first.shape().to_vec();
    out[axis] = 0;
    for t in ts {
        if t.rank() != r || t.dtype() != first.dtype() {
            bail!("inputs differ in rank or element type");
        }
        for (i, (&a, &b)) in t.shape().iter().zip(first.shape()).enumerate() {
            if i != axis && a != b {
                bail!(
                    "input shapes {:?} and {:?} differ outside axis {axis}",
                    t.shape(),
                    first.shape()
                );
            }
        }
        out[axis] += t.shape()[axis];
    }
    let (outer, _, inner) = split_at_axis(&out, axis);
    let data = match_data!(first.data(), _f => {
        let mut res = Vec::with_capacity(crate::util::checked_len(&out)?);
        let parts: Vec<&[_]> = ts.iter().map(|t| super::same(_f, t)).collect::<KResult<_>>()?;
        for o in 0..outer {
            for (t, p) in ts.iter().zip(&parts) {
                let chunk = t.shape()[axis] * inner;
                res.extend_from_slice(&p[o * chunk..(o + 1) * chunk]);
            }
        }
        Element::into_data(res)
    });
    Ok(Tensor::new(out, data)?)
}

pub fn concat(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let axis = n
        .opt_int("axis")?
        .ok_or_else(|| KError::invalid("missing 'axis' attribute"))?;
    let ts: Vec<&Tensor> = (0..n.num_inputs())
        .map(|i| n.input(i))
        .collect::<KResult<_>>()?;
    Ok(vec![Some(concat_tensors(&ts, axis)?)])
}

/// `x` restricted to `[start, start + len)` along `axis`.
pub fn narrow(x: &Tensor, axis: usize, start: usize, len: usize) -> KResult<Tensor> {
    let (outer, d, inner) = split_at_axis(x.shape(), axis);
    if start + len > d {
        bail!("range {start}..{} exceeds dimension {d}", start + len);
    }
    let mut shape = x.shape().to_vec();
    shape[axis] = len;
    let data = match_data!(x.data(), v => {
        let mut res = Vec::with_capacity(outer * len * inner);
        for o in 0..outer {
            let base = o * d * inner + start * inner;
            res.extend_from_slice(&v[base..base + len * inner]);
        }
        Element::into_data(res)
    });
    Ok(Tensor::new(shape, data)?)
}

pub fn split(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() == 0 {
        bail!("cannot split a scalar");
    }
    let axis = norm_axis(n.int("axis", 0)?, x.rank())?;
    let d = x.shape()[axis];
    let sizes: Vec<usize> = match opt_int_input(n, 1)? {
        Some(s) => s.iter().map(|&v| dim(v, "split")).collect::<KResult<_>>()?,
        None => {
            let k = match n.opt_int("num_outputs")? {
                Some(k) => dim(k, "num_outputs")?,
                None => n.num_results(),
            };
            if k == 0 {
                bail!("split into 0 outputs");
            }
            let chunk = d.div_ceil(k);
            if n.has_attr("num_outputs") {
                (0..k)
                    .map(|i| chunk.min(d.saturating_sub(i * chunk)))
                    .collect()
            } else {
                if d % k != 0 {
                    bail!("dimension {d} does not split evenly into {k} outputs");
                }
                vec![d / k; k]
            }
        }
    };
    if sizes.iter().sum::<usize>() != d {
        bail!("split sizes {sizes:?} do not add up to dimension {d}");
    }
    let mut start = 0;
    let mut outs = Vec::with_capacity(sizes.len());
    for s in sizes {
        outs.push(Some(narrow(x, axis, start, s)?));
        start += s;
    }
    Ok(outs)
}

/// ONNX Slice: clamps starts / ends per step sign and returns (start, count) per axis.
fn slice_range(start: i64, end: i64, step: i64, d: usize) -> KResult<(i64, usize)> {
    if step == 0 {
        bail!("slice step must not be 0");
    }
    // i128 arithmetic: starts, ends and steps may be anywhere in i64.
    let (d, step) = (d as i128, step as i128);
    let norm = |v: i64| if v < 0 { v as i128 + d } else { v as i128 };
    let (s, e) = (norm(start), norm(end));
    let (s, e) = if step > 0 {
        (s.clamp(0, d), e.clamp(0, d))
    } else {
        (s.clamp(-1, d - 1), e.clamp(-1, d - 1))
    };
    let count = if step > 0 {
        if e > s { (e - s + step - 1) / step } else { 0 }
    } else if s > e {
        (s - e - step - 1) / (-step)
    } else {
        0
    };
    Ok((s as i64, count as usize))
}

pub fn slice(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let starts = int_input(n, 1, "starts")?;
    let ends = int_input(n, 2, "ends")?;
    let r = x.rank();
    let axes: Vec<i64> = opt_int_input(n, 3)?.unwrap_or_else(|| (0..starts.len() as i64).collect());
    let steps: Vec<i64> = opt_int_input(n, 4)?.unwrap_or_else(|| vec![1; starts.len()]);
    if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
        bail!("starts, ends, axes and steps differ in length");
    }
    let axes = norm_axes(&axes, r)?;
    let mut begin = vec![0i64; r];
    let mut step = vec![1i64; r];
    let mut out = x.shape().to_vec();
    for (k, &a) in axes.iter().enumerate() {
        let (s, c) = slice_range(starts[k], ends[k], steps[k], x.shape()[a])?;
        begin[a] = s;
        step[a] = steps[k];
        out[a] = c;
    }
    let st = strides(x.shape());
    let t = match_data!(x.data(), v => mk(out.clone(), gather_by(v, &out, |idx| {
        let mut off = 0i64;
        for i in 0..idx.len() {
            off += (begin[i] + idx[i] as i64 * step[i]) * st[i] as i64;
        }
        off as usize
    }))?);
    Ok(vec![Some(t)])
}

pub fn pad(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let r = x.rank();
    let mode = n.string("mode", "constant")?;
    let pads_in = match opt_int_input(n, 1)? {
        Some(p) => p,
        None => n
            .ints("pads")?
            .ok_or_else(|| KError::invalid("missing pads"))?,
    };
    let axes: Vec<usize> = match opt_int_input(n, 3)? {
        Some(a) => norm_axes(&a, r)?,
        None => (0..r).collect(),
    };
    if pads_in.len() != 2 * axes.len() {
        bail!("pads has {} values for {} axes", pads_in.len(), axes.len());
    }
    let mut before = vec![0i64; r];
    let mut after = vec![0i64; r];
    for (k, &a) in axes.iter().enumerate() {
        before[a] = pads_in[k];
        after[a] = pads_in[k + axes.len()];
    }
    let mut out = Vec::with_capacity(r);
    for i in 0..r {
        let d = (x.shape()[i] as i64)
            .checked_add(before[i])
            .and_then(|d| d.checked_add(after[i]))
            .ok_or_else(|| KError::invalid("pads are too large"))?;
        out.push(dim(d, "a padded dimension")?);
    }
    crate::util::checked_len(&out)?;
    let st = strides(x.shape());
    let shape = x.shape().to_vec();
    if mode != "constant" && x.is_empty() && !out.contains(&0) {
        bail!("mode '{mode}' cannot pad an empty input");
    }
    // Maps an output coordinate to an input coordinate, or None for the constant.
    let map = |i: usize, o: i64| -> Option<usize> {
        let d = shape[i] as i64;
        let p = o - before[i];
        if (0..d).contains(&p) {
            return Some(p as usize);
        }
        match mode.as_str() {
            "edge" => Some(p.clamp(0, d - 1) as usize),
            "reflect" => {
                if d == 1 {
                    return Some(0);
                }
                let period = 2 * (d - 1);
                let mut q = p.rem_euclid(period);
                if q >= d {
                    q = period - q;
                }
                Some(q as usize)
            }
            "wrap" => Some(p.rem_euclid(d) as usize),
            _ => None,
        }
    };
    if !matches!(mode.as_str(), "constant" | "edge" | "reflect" | "wrap") {
        bail!("unknown mode '{mode}'");
    }
    let t = match_data!(x.data(), v => {
        let cval = match n.opt(2) {
            Some(c) if !c.is_empty() => super::same(v, c)?[0],
            _ => Num::zero(),
        };
        let mut res = Vec::with_capacity(out.iter().product());
        for_each_index(&out, |idx| {
            let mut off = 0;
            for (i, &o) in idx.iter().enumerate() {
                match map(i, o as i64) {
                    Some(p) => off += p * st[i],
                    None => {
                        res.push(cval);
                        return;
                    }
                }
            }
            res.push(v[off]);
        });
        mk(out.clone(), res)?
    });
    Ok(vec![Some(t)])
}

pub fn shape_op(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let r = x.rank() as i64;
    let clampi = |v: i64| if v < 0 { (v + r).max(0) } else { v.min(r) };
    let s = clampi(n.int("start", 0)?);
    let e = clampi(n.int("end", r)?);
    let dims: Vec<i64> = if e > s {
        x.shape()[s as usize..e as usize]
            .iter()
            .map(|&d| d as i64)
            .collect()
    } else {
        Vec::new()
    };
    Ok(vec![Some(mk(vec![dims.len()], dims)?)])
}

pub fn size(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    Ok(vec![Some(Tensor::scalar(n.input(0)?.len() as i64))])
}

pub fn constant_of_shape(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let dims: Vec<usize> = int_input(n, 0, "shape")?
        .into_iter()
        .map(|d| dim(d, "a shape dimension"))
        .collect::<KResult<_>>()?;
    let value = n
        .tensor_attr("value")?
        .unwrap_or_else(|| Tensor::scalar(0.0f32));
    if value.len() != 1 {
        bail!("value must hold one element");
    }
    let one = value.reshape(vec![])?;
    Ok(vec![Some(broadcast_to(&one, &dims)?)])
}

fn range_typed<T: Num>(s: T, l: T, d: T) -> KResult<Vec<T>> {
    // n = max(ceil((limit - start) / delta), 0), computed in f64 (exact for the sizes that fit).
    let (sf, lf, df) = (s.to_f64(), l.to_f64(), d.to_f64());
    if df == 0.0 {
        bail!("delta must not be 0");
    }
    let count = ((lf - sf) / df).ceil();
    if !count.is_finite() {
        bail!("range is not finite");
    }
    let count = count.max(0.0);
    if count > 1e9 {
        bail!("range of {count} elements is too large");
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut v = s;
    for _ in 0..count as usize {
        out.push(v);
        v = v.add(d);
    }
    Ok(out)
}

pub fn range(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let (s, l, d) = (n.input(0)?, n.input(1)?, n.input(2)?);
    if s.len() != 1 || l.len() != 1 || d.len() != 1 {
        bail!("start, limit and delta must be scalars");
    }
    let t = match_numeric!(s.data(), v => {
        let out = range_typed(v[0], super::same(v, l)?[0], super::same(v, d)?[0])?;
        mk(vec![out.len()], out)?
    });
    Ok(vec![Some(t)])
}

pub fn dtype_attr(n: &Node<'_>, name: &str) -> KResult<Option<DType>> {
    match n.opt_int(name)? {
        None => Ok(None),
        Some(c) => i32::try_from(c)
            .ok()
            .and_then(DType::from_onnx_code)
            .map(Some)
            .ok_or_else(|| {
                KError::unsupported(format!("unsupported data type code {c} in '{name}'"))
            }),
    }
}

pub fn eye_like(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() != 2 {
        bail!("input must be 2-D, got rank {}", x.rank());
    }
    let dtype = dtype_attr(n, "dtype")?.unwrap_or(x.dtype());
    let k = n.int("k", 0)?;
    let (rows, cols) = (x.shape()[0], x.shape()[1]);
    let mut v = vec![0i64; rows * cols];
    for i in 0..rows {
        let j = i as i64 + k;
        if j >= 0 && (j as usize) < cols {
            v[i * cols + j as usize] = 1;
        }
    }
    let t = mk(vec![rows, cols], v)?;
    Ok(vec![Some(super::elementwise::cast_tensor(&t, dtype)?)])
}

pub fn depth_to_space(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() != 4 {
        bail!("input must be 4-D");
    }
    let b = crate::util::small_dim(n.int("blocksize", 0)?, "blocksize")?;
    if b == 0 {
        bail!("blocksize must be positive");
    }
    let (nn, c, h, w) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    if c % (b * b) != 0 {
        bail!("channels {c} are not divisible by blocksize^2");
    }
    let mode = n.string("mode", "DCR")?;
    let c2 = c / (b * b);
    let (tmp_shape, perm): (Vec<usize>, Vec<usize>) = match mode.as_str() {
        "DCR" => (vec![nn, b, b, c2, h, w], vec![0, 3, 4, 1, 5, 2]),
        "CRD" => (vec![nn, c2, b, b, h, w], vec![0, 1, 4, 2, 5, 3]),
        _ => bail!("unknown mode '{mode}'"),
    };
    let t = transpose_tensor(&x.clone().reshape(tmp_shape)?, &perm)?;
    Ok(vec![Some(t.reshape(vec![nn, c2, h * b, w * b])?)])
}

pub fn space_to_depth(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() != 4 {
        bail!("input must be 4-D");
    }
    let b = crate::util::small_dim(n.int("blocksize", 0)?, "blocksize")?;
    if b == 0 {
        bail!("blocksize must be positive");
    }
    let (nn, c, h, w) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
    if h % b != 0 || w % b != 0 {
        bail!("spatial dims are not divisible by blocksize");
    }
    let mode = n.string("mode", "DCR")?;
    let perm: [usize; 6] = match mode.as_str() {
        "DCR" => [0, 3, 5, 1, 2, 4],
        "CRD" => [0, 1, 3, 5, 2, 4],
        _ => bail!("unknown mode '{mode}'"),
    };
    let t = x.clone().reshape(vec![nn, c, h / b, b, w / b, b])?;
    let t = transpose_tensor(&t, &perm)?;
    Ok(vec![Some(t.reshape(vec![nn, c * b * b, h / b, w / b])?)])
}

pub fn trilu(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    if x.rank() < 2 {
        bail!("input must have rank >= 2");
    }
    let k = match n.opt(1) {
        Some(t) => {
            let v = t.to_i64_vec()?;
            *v.first().ok_or_else(|| KError::invalid("k is empty"))?
        }
        None => 0,
    };
    let upper = n.int("upper", 1)? != 0;
    let r = x.rank();
    let (rows, cols) = (x.shape()[r - 2], x.shape()[r - 1]);
    let t = match_data!(x.data(), v => {
        let mut out = v.clone();
        for (idx, e) in out.iter_mut().enumerate() {
            let j = (idx % cols) as i64;
            let i = ((idx / cols.max(1)) % rows.max(1)) as i64;
            let keep = if upper { j - i >= k } else { j - i <= k };
            if !keep {
                *e = Num::zero();
            }
        }
        mk(x.shape().to_vec(), out)?
    });
    Ok(vec![Some(t)])
}

pub fn dropout(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let training = match n.opt(2) {
        Some(t) => t.as_slice::<bool>()?.first().copied().unwrap_or(false),
        None => false,
    };
    let ratio = match n.opt(1) {
        Some(t) => t.get_f64(0).unwrap_or(0.5),
        None => n.float("ratio", 0.5)? as f64,
    };
    if training && ratio != 0.0 {
        crate::unsupported!("training-mode Dropout with a non-zero ratio is random; not supported");
    }
    let mask = Tensor::full(x.shape().to_vec(), true)?;
    Ok(vec![Some(x.clone()), Some(mask)])
}

pub fn reverse_sequence(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let lens = n.input(1)?.to_i64_vec()?;
    if x.rank() < 2 {
        bail!("input must have rank >= 2");
    }
    let ba = norm_axis(n.int("batch_axis", 1)?, x.rank())?;
    let ta = norm_axis(n.int("time_axis", 0)?, x.rank())?;
    if ba == ta {
        bail!("batch_axis and time_axis must differ");
    }
    if lens.len() != x.shape()[ba] {
        bail!(
            "sequence_lens has {} values for batch size {}",
            lens.len(),
            x.shape()[ba]
        );
    }
    let tmax = x.shape()[ta] as i64;
    for &l in &lens {
        if l < 0 || l > tmax {
            bail!("sequence length {l} is out of range 0..={tmax}");
        }
    }
    let st = strides(x.shape());
    let shape = x.shape().to_vec();
    let t = match_data!(x.data(), v => mk(shape.clone(), gather_by(v, &shape, |idx| {
        let l = lens[idx[ba]] as usize;
        let mut off = 0;
        for (i, &c) in idx.iter().enumerate() {
            let c = if i == ta && c < l { l - 1 - c } else { c };
            off += c * st[i];
        }
        off
    }))?);
    Ok(vec![Some(t)])
}

pub fn one_hot(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let ind = n.input(0)?;
    let depth_t = n.input(1)?;
    let values = n.input(2)?;
    if values.len() != 2 {
        bail!("values must hold two elements");
    }
    let depth = depth_t
        .get_f64(0)
        .ok_or_else(|| KError::invalid("depth is empty"))?;
    if !(1.0..=1e9).contains(&depth) {
        bail!("depth {depth} is out of range");
    }
    let depth = depth as usize;
    let idx: Vec<f64> = ind.to_f64_vec();
    let r = ind.rank() + 1;
    let axis = norm_axis(n.int("axis", -1)?, r)?;
    let mut out = ind.shape().to_vec();
    out.insert(axis, depth);
    crate::util::checked_len(&out)?;
    let (outer, _, inner) = split_at_axis(&out, axis);
    let t = match_data!(values.data(), v => {
        let (off, on) = (v[0], v[1]);
        let mut res = vec![off; outer * depth * inner];
        for o in 0..outer {
            for i in 0..inner {
                let mut k = idx[o * inner + i].trunc() as i64;
                if k < 0 {
                    k += depth as i64;
                }
                if k >= 0 && (k as usize) < depth {
                    res[(o * depth + k as usize) * inner + i] = on;
                }
            }
        }
        mk(out.clone(), res)?
    });
    Ok(vec![Some(t)])
}

pub fn non_zero(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let nz: Vec<bool> = match_data!(x.data(), v => v.iter().map(|&e| e != Num::zero()).collect());
    let r = x.rank();
    let count = nz.iter().filter(|&&b| b).count();
    let mut res = vec![0i64; r * count];
    let mut k = 0;
    let mut flat = 0;
    for_each_index(x.shape(), |idx| {
        if nz[flat] {
            for (d, &i) in idx.iter().enumerate() {
                res[d * count + k] = i as i64;
            }
            k += 1;
        }
        flat += 1;
    });
    if r == 0 {
        // A scalar: numpy gives shape (1, count) of zeros for a non-zero scalar.
        return Ok(vec![Some(mk(vec![1, count], vec![0i64; count])?)]);
    }
    Ok(vec![Some(mk(vec![r, count], res)?)])
}

pub fn compress(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let cond = n.input(1)?.as_slice::<bool>()?.to_vec();
    match n.opt_int("axis")? {
        None => {
            let t = match_data!(x.data(), v => {
                let out: Vec<_> = v.iter().zip(cond.iter().chain(std::iter::repeat(&false))).filter(|(_, c)| **c).map(|(e, _)| *e).collect();
                mk(vec![out.len()], out)?
            });
            Ok(vec![Some(t)])
        }
        Some(a) => {
            let axis = norm_axis(a, x.rank())?;
            let (outer, d, inner) = split_at_axis(x.shape(), axis);
            if cond.len() > d {
                bail!("condition has {} values for dimension {d}", cond.len());
            }
            let keep: Vec<usize> = (0..cond.len()).filter(|&i| cond[i]).collect();
            let mut shape = x.shape().to_vec();
            shape[axis] = keep.len();
            let t = match_data!(x.data(), v => {
                let mut out = Vec::with_capacity(outer * keep.len() * inner);
                for o in 0..outer {
                    for &k in &keep {
                        let b = (o * d + k) * inner;
                        out.extend_from_slice(&v[b..b + inner]);
                    }
                }
                mk(shape.clone(), out)?
            });
            Ok(vec![Some(t)])
        }
    }
}
