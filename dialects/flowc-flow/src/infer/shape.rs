//! The reshape family, gather / scatter, slicing, padding and shape-producing ops.

use super::util::{
    DYN, TensorInfo, broadcast_dims, dim_add, dim_mul, dims_str, norm_axes, norm_axis, product,
};
use super::{Infer, R};
use crate::dtype::{DType, from_onnx_attr};

fn merge(a: i64, b: i64) -> Option<i64> {
    match (a, b) {
        (a, b) if a < 0 => Some(b),
        (a, b) if b < 0 => Some(a),
        (a, b) if a == b => Some(a),
        _ => None,
    }
}

const REDUCTIONS: &[&str] = &["none", "add", "mul", "max", "min"];

impl Infer<'_> {
    /// Checks that operand `i` is 1-D (when ranked).
    pub(super) fn expect_1d(&self, i: usize) -> Result<(), String> {
        self.expect_rank(i, 1)
    }

    /// The static length of 1-D operand `i`, if known and plausible as a rank (longer shape
    /// operands, which no real tensor has, count as unknown rather than building huge types).
    pub(super) fn len_1d(&self, i: usize) -> Option<usize> {
        const MAX_RANK: i64 = 1 << 12;
        match self.opt(i)?.dims()? {
            &[n] if (0..=MAX_RANK).contains(&n) => usize::try_from(n).ok(),
            _ => None,
        }
    }

    pub(super) fn reshape(&self) -> R {
        let x = self.t(0)?;
        self.expect_1d(1)?;
        let allowzero = self.attrs.flag("allowzero", false)?;
        let Some(shape) = self.const_ints(1) else {
            return Ok(vec![match self.len_1d(1) {
                Some(k) => TensorInfo::ranked(x.dt, vec![DYN; k]),
                None => TensorInfo::unranked(x.dt),
            }]);
        };
        if shape.iter().filter(|&&v| v == -1).count() > 1 {
            return Err(format!("shape {shape:?} has more than one -1"));
        }
        if let Some(v) = shape.iter().find(|&&v| v < -1) {
            return Err(format!("shape has an invalid dimension {v}"));
        }
        if allowzero && shape.contains(&0) && shape.contains(&-1) {
            return Err("shape has both 0 and -1, which allowzero = 1 forbids".into());
        }
        let xd = x.dims();
        let mut out = Vec::with_capacity(shape.len());
        for (i, &v) in shape.iter().enumerate() {
            out.push(if v == 0 && !allowzero {
                match xd {
                    Some(d) => *d.get(i).ok_or_else(|| {
                        format!(
                            "shape {shape:?} copies dimension {i} (a 0), but the input {x} has rank {}",
                            d.len()
                        )
                    })?,
                    None => DYN,
                }
            } else {
                v
            });
        }
        let total = match xd {
            Some(d) => Some(product(d)?).filter(|&p| p >= 0),
            None => None,
        };
        let known: Vec<i64> = out.iter().copied().filter(|&d| d != -1).collect();
        let known_prod = product(&known)?;
        if let Some(pos) = out.iter().position(|&d| d == -1) {
            out[pos] = match total {
                Some(t) if known_prod >= 0 => {
                    if known_prod == 0 {
                        return Err(format!(
                            "cannot infer the -1 of shape {shape:?} next to a zero dimension"
                        ));
                    }
                    if t % known_prod != 0 {
                        return Err(format!("cannot reshape {x} ({t} elements) to {shape:?}"));
                    }
                    t / known_prod
                }
                // Dims copied by a 0 cancel out: `?x3x4` to `[0, -1]` gives `?x12`.
                _ => match xd {
                    Some(d) => {
                        let copied = |i: usize| shape[i] == 0 && !allowzero;
                        let num: Vec<i64> = (0..d.len())
                            .filter(|&i| !(i < shape.len() && copied(i)))
                            .map(|i| d[i])
                            .collect();
                        let den: Vec<i64> = (0..out.len())
                            .filter(|&i| i != pos && !copied(i))
                            .map(|i| out[i])
                            .collect();
                        match (product(&num)?, product(&den)?) {
                            (n, m) if n >= 0 && m > 0 && n % m == 0 => n / m,
                            _ => DYN,
                        }
                    }
                    None => DYN,
                },
            };
        } else if let Some(t) = total
            && known_prod >= 0
            && t != known_prod
        {
            return Err(format!(
                "cannot reshape {x} ({t} elements) to {} ({known_prod} elements)",
                dims_str(&out)
            ));
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn flatten(&self) -> R {
        let x = self.t(0)?;
        let axis = self.attrs.int("axis", 1)?;
        let Some(xd) = x.dims() else {
            return Ok(vec![TensorInfo::ranked(x.dt, vec![DYN, DYN])]);
        };
        let r = xd.len() as i64;
        if axis < -r || axis > r {
            return Err(format!(
                "axis {axis} is out of range [{}, {r}] for rank {r}",
                -r
            ));
        }
        let a = if axis < 0 { axis + r } else { axis } as usize;
        Ok(vec![TensorInfo::ranked(
            x.dt,
            vec![product(&xd[..a])?, product(&xd[a..])?],
        )])
    }

    pub(super) fn squeeze(&self) -> R {
        let x = self.t(0)?;
        if self.opt(1).is_some() {
            self.expect_1d(1)?;
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let axes = match self.opt(1) {
            None => None,
            Some(_) => match self.const_ints(1) {
                Some(a) => Some(a),
                None => {
                    return Ok(vec![match self.len_1d(1) {
                        Some(k) if k <= xd.len() => {
                            TensorInfo::ranked(x.dt, vec![DYN; xd.len() - k])
                        }
                        _ => TensorInfo::unranked(x.dt),
                    }]);
                }
            },
        };
        match axes {
            Some(axes) if !axes.is_empty() => {
                let axes = norm_axes(&axes, xd.len(), "axis")?;
                for &a in &axes {
                    if xd[a] >= 0 && xd[a] != 1 {
                        return Err(format!(
                            "cannot squeeze dimension {a} of size {} of {x}",
                            xd[a]
                        ));
                    }
                }
                let out = xd
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !axes.contains(i))
                    .map(|(_, &d)| d)
                    .collect();
                Ok(vec![TensorInfo::ranked(x.dt, out)])
            }
            _ => {
                if xd.iter().any(|&d| d < 0) {
                    return Ok(vec![TensorInfo::unranked(x.dt)]);
                }
                let out = xd.iter().copied().filter(|&d| d != 1).collect();
                Ok(vec![TensorInfo::ranked(x.dt, out)])
            }
        }
    }

    pub(super) fn unsqueeze(&self) -> R {
        let x = self.t(0)?;
        self.expect_1d(1)?;
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let Some(axes) = self.const_ints(1) else {
            return Ok(vec![match self.len_1d(1) {
                Some(k) => TensorInfo::ranked(x.dt, vec![DYN; xd.len() + k]),
                None => TensorInfo::unranked(x.dt),
            }]);
        };
        let out_rank = xd.len() + axes.len();
        let axes = norm_axes(&axes, out_rank, "axis")?;
        let mut out = Vec::with_capacity(out_rank);
        let mut it = xd.iter();
        for i in 0..out_rank {
            if axes.contains(&i) {
                out.push(1);
            } else {
                out.push(*it.next().unwrap_or(&DYN));
            }
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn transpose(&self) -> R {
        let x = self.t(0)?;
        let perm = self.attrs.ints("perm")?;
        let Some(xd) = x.dims() else {
            return Ok(vec![match perm {
                Some(p) => TensorInfo::ranked(x.dt, vec![DYN; p.len()]),
                None => x.clone(),
            }]);
        };
        let r = xd.len();
        let perm = perm.unwrap_or_else(|| (0..r as i64).rev().collect());
        let mut seen = vec![false; r];
        let valid = perm.len() == r
            && perm.iter().all(|&p| {
                p >= 0 && (p as usize) < r && !std::mem::replace(&mut seen[p as usize], true)
            });
        if !valid {
            return Err(format!(
                "perm {perm:?} is not a permutation of the {r} dimensions of {x}"
            ));
        }
        Ok(vec![TensorInfo::ranked(
            x.dt,
            perm.iter().map(|&p| xd[p as usize]).collect(),
        )])
    }

    pub(super) fn expand(&self) -> R {
        let x = self.t(0)?;
        self.expect_1d(1)?;
        match (x.dims(), self.const_ints(1)) {
            (xd, Some(shape)) => {
                if let Some(v) = shape.iter().find(|&&v| v < 0) {
                    return Err(format!("shape has a negative dimension {v}"));
                }
                let Some(xd) = xd else {
                    // Each result dim is the shape's, or the input's where the shape says 1.
                    let out = shape
                        .iter()
                        .map(|&d| if d == 1 { DYN } else { d })
                        .collect();
                    return Ok(vec![TensorInfo::ranked(x.dt, out)]);
                };
                let out = broadcast_dims(xd, &shape)
                    .ok_or_else(|| format!("cannot expand {x} to shape {}", dims_str(&shape)))?;
                Ok(vec![TensorInfo::ranked(x.dt, out)])
            }
            (Some(xd), None) => Ok(vec![match self.len_1d(1) {
                Some(k) => {
                    let r = xd.len().max(k);
                    let out = (0..r)
                        .map(|i| {
                            let d = if i + xd.len() >= r {
                                xd[i + xd.len() - r]
                            } else {
                                1
                            };
                            if d > 1 { d } else { DYN }
                        })
                        .collect();
                    TensorInfo::ranked(x.dt, out)
                }
                None => TensorInfo::unranked(x.dt),
            }]),
            (None, None) => Ok(vec![x.clone()]),
        }
    }

    pub(super) fn tile(&self) -> R {
        let x = self.t(0)?;
        self.expect_1d(1)?;
        let Some(xd) = x.dims() else {
            return Ok(vec![match self.len_1d(1) {
                Some(k) => TensorInfo::ranked(x.dt, vec![DYN; k]),
                None => x.clone(),
            }]);
        };
        if let Some(k) = self.len_1d(1)
            && k != xd.len()
        {
            return Err(format!(
                "repeats must have {} elements (the input rank), but has {k}",
                xd.len()
            ));
        }
        let out = match self.const_ints(1) {
            Some(reps) => {
                if let Some(v) = reps.iter().find(|&&v| v < 0) {
                    return Err(format!("repeats must be non-negative, but got {v}"));
                }
                xd.iter()
                    .zip(&reps)
                    .map(|(&d, &r)| dim_mul(d, r))
                    .collect::<Result<_, _>>()?
            }
            None => xd.iter().map(|&d| if d == 0 { 0 } else { DYN }).collect(),
        };
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn concat(&self) -> R {
        let axis = self.attrs.int("axis", 0)?;
        let first = self.t(0)?;
        let mut acc: Option<Vec<i64>> = None;
        let mut any_unranked = false;
        let mut a = 0;
        for i in 0..self.operands.len() {
            let t = self.t(i)?;
            let Some(d) = t.dims() else {
                any_unranked = true;
                continue;
            };
            match &mut acc {
                None => {
                    a = norm_axis(axis, d.len(), "axis")?;
                    acc = Some(d.to_vec());
                }
                Some(cur) => {
                    if cur.len() != d.len() {
                        return Err(format!(
                            "operands must have the same rank, but #{i} is {t} and #0 is {first}"
                        ));
                    }
                    for (j, (c, &v)) in cur.iter_mut().zip(d).enumerate() {
                        if j == a {
                            *c = dim_add(*c, v)?;
                        } else {
                            *c = merge(*c, v).ok_or_else(|| {
                                format!(
                                    "operand #{i} {t} differs from the others in dimension {j} (not the concatenation axis {a})"
                                )
                            })?;
                        }
                    }
                }
            }
        }
        Ok(vec![match acc {
            Some(mut d) => {
                if any_unranked {
                    d[a] = DYN;
                }
                TensorInfo::ranked(first.dt, d)
            }
            None => TensorInfo::unranked(first.dt),
        }])
    }

    pub(super) fn split(&self) -> R {
        let x = self.t(0)?;
        let n = self.num_results;
        let axis = self.attrs.int("axis", 0)?;
        let num_outputs = self.attrs.opt_int("num_outputs")?;
        if self.opt(1).is_some() {
            self.expect_1d(1)?;
            if num_outputs.is_some() {
                return Err("takes either the split operand or 'num_outputs', not both".into());
            }
        }
        if let Some(k) = num_outputs {
            if k < 1 {
                return Err(format!(
                    "attribute 'num_outputs' must be positive, but is {k}"
                ));
            }
            if k as u64 != n as u64 {
                return Err(format!(
                    "attribute 'num_outputs' is {k}, but the op has {n} results"
                ));
            }
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone(); n]);
        };
        let a = norm_axis(axis, xd.len(), "axis")?;
        let d = xd[a];
        let sizes: Vec<i64> = if self.opt(1).is_some() {
            if let Some(k) = self.len_1d(1)
                && k != n
            {
                return Err(format!(
                    "split has {k} elements, but the op has {n} results"
                ));
            }
            match self.const_ints(1) {
                Some(s) => {
                    if let Some(v) = s.iter().find(|&&v| v < 0) {
                        return Err(format!("split sizes must be non-negative, but got {v}"));
                    }
                    let sum = s
                        .iter()
                        .try_fold(0i64, |acc, &v| acc.checked_add(v))
                        .ok_or("split sizes overflow i64")?;
                    if d >= 0 && sum != d {
                        return Err(format!(
                            "split sizes {} add up to {sum}, not to dimension {a} of {x}",
                            dims_str(&s)
                        ));
                    }
                    s
                }
                None => vec![DYN; n],
            }
        } else if num_outputs.is_none() {
            return Err("requires the split operand or attribute 'num_outputs'".into());
        } else if d < 0 {
            vec![DYN; n]
        } else {
            let n64 = n as i64;
            let chunk = (d as u64).div_ceil(n as u64) as i64;
            let last = d - chunk * (n64 - 1);
            if last < 0 {
                return Err(format!(
                    "cannot split dimension {a} of size {d} into {n} parts"
                ));
            }
            let mut s = vec![chunk; n - 1];
            s.push(last);
            s
        };
        Ok(sizes
            .into_iter()
            .map(|s| {
                let mut o = xd.to_vec();
                o[a] = s;
                TensorInfo::ranked(x.dt, o)
            })
            .collect())
    }

    pub(super) fn slice(&self) -> R {
        let x = self.t(0)?;
        for i in 1..5 {
            if self.opt(i).is_some() {
                self.expect_1d(i)?;
            }
        }
        let lens: Vec<Option<usize>> = (1..5)
            .filter(|&i| self.opt(i).is_some())
            .map(|i| self.len_1d(i))
            .collect();
        let known: Vec<usize> = lens.iter().flatten().copied().collect();
        if known.windows(2).any(|w| w[0] != w[1]) {
            return Err("starts, ends, axes and steps must have the same length".into());
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let r = xd.len();
        let axes: Option<Vec<usize>> = match self.opt(3) {
            None => known.first().map(|&k| (0..k.min(r)).collect()),
            Some(_) => match self.const_ints(3) {
                Some(a) => Some(norm_axes(&a, r, "axis")?),
                None => None,
            },
        };
        let starts = self.const_ints(1);
        let ends = self.const_ints(2);
        let steps = match self.opt(4) {
            None => starts.as_ref().map(|s| vec![1; s.len()]),
            Some(_) => self.const_ints(4),
        };
        let (Some(axes), Some(starts), Some(ends), Some(steps)) = (axes, starts, ends, steps)
        else {
            // Which dims change is unknown (or how).
            let axes = match self.opt(3) {
                Some(_) => self
                    .const_ints(3)
                    .and_then(|a| norm_axes(&a, r, "axis").ok()),
                None => None,
            };
            let out = (0..r)
                .map(|i| {
                    if axes.as_ref().is_some_and(|a| !a.contains(&i)) {
                        xd[i]
                    } else {
                        DYN
                    }
                })
                .collect();
            return Ok(vec![TensorInfo::ranked(x.dt, out)]);
        };
        if starts.len() != ends.len() || axes.len() != starts.len() || steps.len() != starts.len() {
            return Err("starts, ends, axes and steps must have the same length".into());
        }
        let mut out = xd.to_vec();
        for (k, &a) in axes.iter().enumerate() {
            let step = steps[k];
            if step == 0 {
                return Err("steps must be non-zero".into());
            }
            let d = xd[a];
            if d < 0 {
                out[a] = DYN;
                continue;
            }
            let (mut s, mut e) = (starts[k], ends[k]);
            if s < 0 {
                s = s.saturating_add(d);
            }
            if e < 0 {
                e = e.saturating_add(d);
            }
            let len = if step > 0 {
                let s = s.clamp(0, d);
                let e = e.clamp(0, d);
                if e > s { (e - s - 1) / step + 1 } else { 0 }
            } else {
                let s = s.clamp(-1, d - 1);
                let e = e.clamp(-1, d - 1);
                if s > e {
                    (s - e - 1) / step.saturating_neg().max(1) + 1
                } else {
                    0
                }
            };
            out[a] = len;
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn pad(&self) -> R {
        let x = self.t(0)?;
        self.expect_1d(1)?;
        self.expect_scalar(2)?;
        if self.opt(3).is_some() {
            self.expect_1d(3)?;
        }
        self.attrs
            .choice("mode", &["constant", "reflect", "edge", "wrap"])?;
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let r = xd.len();
        let axes: Option<Vec<usize>> = match self.opt(3) {
            None => Some((0..r).collect()),
            Some(_) => match self.const_ints(3) {
                Some(a) => Some(norm_axes(&a, r, "axis")?),
                None => None,
            },
        };
        if let (Some(axes), Some(k)) = (&axes, self.len_1d(1))
            && k != 2 * axes.len()
        {
            return Err(format!(
                "pads must have {} elements (twice the number of padded axes), but has {k}",
                2 * axes.len()
            ));
        }
        let (Some(axes), Some(pads)) = (axes, self.const_ints(1)) else {
            let axes = self
                .const_ints(3)
                .and_then(|a| norm_axes(&a, r, "axis").ok());
            let out = (0..r)
                .map(|i| {
                    if self.opt(3).is_some() && axes.as_ref().is_some_and(|a| !a.contains(&i)) {
                        xd[i]
                    } else {
                        DYN
                    }
                })
                .collect();
            return Ok(vec![TensorInfo::ranked(x.dt, out)]);
        };
        if pads.len() != 2 * axes.len() {
            return Err(format!(
                "pads must have {} elements (twice the number of padded axes), but has {}",
                2 * axes.len(),
                pads.len()
            ));
        }
        let k = axes.len();
        let mut out = xd.to_vec();
        for (i, &a) in axes.iter().enumerate() {
            let d = xd[a];
            if d < 0 {
                continue;
            }
            let v = d
                .checked_add(pads[i])
                .and_then(|v| v.checked_add(pads[i + k]))
                .ok_or("padded dimension overflows i64")?;
            if v < 0 {
                return Err(format!(
                    "pads {pads:?} remove more than dimension {a} of {x} holds"
                ));
            }
            out[a] = v;
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn gather(&self) -> R {
        let (x, idx) = (self.t(0)?, self.t(1)?);
        let axis = self.attrs.int("axis", 0)?;
        let (Some(xd), Some(id)) = (x.dims(), idx.dims()) else {
            if let Some(xd) = x.dims() {
                norm_axis(axis, xd.len(), "axis")?;
            }
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        if xd.is_empty() {
            return Err(format!("expects data of rank at least 1, but got {x}"));
        }
        let a = norm_axis(axis, xd.len(), "axis")?;
        if let (Some(vals), d) = (self.const_ints(1), xd[a])
            && d >= 0
            && let Some(v) = vals.iter().find(|&&v| v < -d || v >= d)
        {
            return Err(format!(
                "index {v} is out of range for dimension {a} of size {d}"
            ));
        }
        let mut out = xd[..a].to_vec();
        out.extend_from_slice(id);
        out.extend_from_slice(&xd[a + 1..]);
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn gather_elements(&self) -> R {
        let (x, idx) = (self.t(0)?, self.t(1)?);
        let axis = self.attrs.int("axis", 0)?;
        if let (Some(xd), Some(id)) = (x.dims(), idx.dims())
            && xd.len() != id.len()
        {
            return Err(format!(
                "data {x} and indices {idx} must have the same rank"
            ));
        }
        if let Some(r) = x.rank().or(idx.rank()) {
            if r == 0 {
                return Err(format!("expects data of rank at least 1, but got {x}"));
            }
            norm_axis(axis, r, "axis")?;
        }
        Ok(vec![idx.with_dt(x.dt)])
    }

    pub(super) fn gather_nd(&self) -> R {
        let (x, idx) = (self.t(0)?, self.t(1)?);
        let b = self.attrs.int("batch_dims", 0)?;
        let (Some(xd), Some(id)) = (x.dims(), idx.dims()) else {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        let (r, q) = (xd.len() as i64, id.len() as i64);
        if r < 1 || q < 1 {
            return Err(format!(
                "expects data and indices of rank at least 1, but got {x} and {idx}"
            ));
        }
        if b < 0 || b >= r.min(q) {
            return Err(format!(
                "attribute 'batch_dims' ({b}) must be less than the ranks of data ({r}) and indices ({q})"
            ));
        }
        let bu = b as usize;
        let mut batch = Vec::with_capacity(bu);
        for i in 0..bu {
            batch.push(merge(xd[i], id[i]).ok_or_else(|| {
                format!("data {x} and indices {idx} differ in batch dimension {i}")
            })?);
        }
        let last = id[id.len() - 1];
        if last < 0 {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        }
        if last < 1 || last > r - b {
            return Err(format!(
                "the last dimension of indices ({last}) must be in [1, {}]",
                r - b
            ));
        }
        let mut out = batch;
        out.extend_from_slice(&id[bu..id.len() - 1]);
        out.extend_from_slice(&xd[bu + last as usize..]);
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn scatter_elements(&self) -> R {
        let (x, idx, upd) = (self.t(0)?, self.t(1)?, self.t(2)?);
        if self.spec.onnx == "ScatterElements" {
            self.attrs.choice("reduction", REDUCTIONS)?;
        }
        let axis = self.attrs.int("axis", 0)?;
        if let (Some(a), Some(b)) = (idx.dims(), upd.dims())
            && (a.len() != b.len() || a.iter().zip(b).any(|(&p, &q)| merge(p, q).is_none()))
        {
            return Err(format!(
                "indices {idx} and updates {upd} must have the same shape"
            ));
        }
        if let (Some(r), Some(q)) = (x.rank(), idx.rank())
            && r != q
        {
            return Err(format!(
                "data {x} and indices {idx} must have the same rank"
            ));
        }
        if let Some(r) = x.rank() {
            if r == 0 {
                return Err(format!("expects data of rank at least 1, but got {x}"));
            }
            norm_axis(axis, r, "axis")?;
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn scatter_nd(&self) -> R {
        let (x, idx, upd) = (self.t(0)?, self.t(1)?, self.t(2)?);
        self.attrs.choice("reduction", REDUCTIONS)?;
        if let (Some(xd), Some(id)) = (x.dims(), idx.dims()) {
            if xd.is_empty() || id.is_empty() {
                return Err(format!(
                    "expects data and indices of rank at least 1, but got {x} and {idx}"
                ));
            }
            let last = id[id.len() - 1];
            if last > xd.len() as i64 {
                return Err(format!(
                    "the last dimension of indices ({last}) exceeds the rank of data {x}"
                ));
            }
            if last >= 0 {
                let mut want = id[..id.len() - 1].to_vec();
                want.extend_from_slice(&xd[last as usize..]);
                if let Some(ud) = upd.dims()
                    && (ud.len() != want.len()
                        || ud.iter().zip(&want).any(|(&p, &q)| merge(p, q).is_none()))
                {
                    return Err(format!("updates {upd} must have shape {}", dims_str(&want)));
                }
            }
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn shape_op(&self) -> R {
        let x = self.t(0)?;
        let start = self.attrs.int("start", 0)?;
        let end = self.attrs.opt_int("end")?;
        let Some(r) = x.rank() else {
            return Ok(vec![TensorInfo::ranked(DType::I64, vec![DYN])]);
        };
        let r = r as i64;
        let clamp = |v: i64| if v < 0 { v.saturating_add(r) } else { v }.clamp(0, r);
        let (s, e) = (clamp(start), clamp(end.unwrap_or(r)));
        Ok(vec![TensorInfo::ranked(DType::I64, vec![(e - s).max(0)])])
    }

    pub(super) fn constant_of_shape(&self) -> R {
        self.expect_1d(0)?;
        let dt = match self.attrs.get("value") {
            None => DType::F32,
            Some(v) => {
                let ty = self
                    .ctx
                    .attr_type(v)
                    .ok_or("attribute 'value' has no type")?;
                let info = TensorInfo::from_type(self.ctx, ty).ok_or_else(|| {
                    format!(
                        "attribute 'value' must be a tensor of a flow element type, but has type '{}'",
                        self.ctx.print_type(ty)
                    )
                })?;
                if info.num_elements() != Some(1) || info.rank().is_some_and(|r| r > 1) {
                    return Err(format!(
                        "attribute 'value' must hold one element, but has type '{info}'"
                    ));
                }
                info.dt
            }
        };
        Ok(vec![match self.const_ints(0) {
            Some(shape) => {
                if let Some(v) = shape.iter().find(|&&v| v < 0) {
                    return Err(format!("shape has a negative dimension {v}"));
                }
                TensorInfo::ranked(dt, shape)
            }
            None => match self.len_1d(0) {
                Some(k) => TensorInfo::ranked(dt, vec![DYN; k]),
                None => TensorInfo::unranked(dt),
            },
        }])
    }

    pub(super) fn range(&self) -> R {
        for i in 0..3 {
            self.expect_scalar(i)?;
        }
        let dt = self.t(0)?.dt;
        let n = if dt.is_float() {
            match (
                self.const_floats(0),
                self.const_floats(1),
                self.const_floats(2),
            ) {
                (Some(s), Some(l), Some(d)) if !s.is_empty() && !l.is_empty() && !d.is_empty() => {
                    if d[0] == 0.0 {
                        return Err("delta must be non-zero".into());
                    }
                    let n = ((l[0] - s[0]) / d[0]).ceil();
                    if !n.is_finite() || n > i64::MAX as f64 {
                        return Err("the number of elements is not a finite i64".into());
                    }
                    (n.max(0.0)) as i64
                }
                _ => DYN,
            }
        } else {
            match (self.const_ints(0), self.const_ints(1), self.const_ints(2)) {
                (Some(s), Some(l), Some(d)) if !s.is_empty() && !l.is_empty() && !d.is_empty() => {
                    let (s, l, d) = (s[0] as i128, l[0] as i128, d[0] as i128);
                    if d == 0 {
                        return Err("delta must be non-zero".into());
                    }
                    let span = l - s;
                    let n = if span == 0 || (span > 0) != (d > 0) {
                        0
                    } else {
                        (span.abs() + d.abs() - 1) / d.abs()
                    };
                    i64::try_from(n).map_err(|_| "the number of elements overflows i64")?
                }
                _ => DYN,
            }
        };
        Ok(vec![TensorInfo::ranked(dt, vec![n])])
    }

    pub(super) fn eye_like(&self) -> R {
        let x = self.t(0)?;
        self.expect_rank(0, 2)?;
        self.attrs.int("k", 0)?;
        let dt = match self.attrs.opt_int("dtype")? {
            Some(code) => from_onnx_attr(code).ok_or_else(|| {
                format!("attribute 'dtype' is {code}, not a data type flow supports")
            })?,
            None => x.dt,
        };
        Ok(vec![match x.dims() {
            Some(d) => TensorInfo::ranked(dt, d.to_vec()),
            None => TensorInfo::ranked(dt, vec![DYN, DYN]),
        }])
    }

    pub(super) fn one_hot(&self) -> R {
        let (idx, vals) = (self.t(0)?, self.t(2)?);
        self.expect_scalar(1)?;
        if let Some(d) = vals.dims()
            && (d.len() != 1 || merge(d[0], 2).is_none())
        {
            return Err(format!(
                "values must be 1-D with 2 elements (off, on), but has type '{vals}'"
            ));
        }
        let axis = self.attrs.int("axis", -1)?;
        let Some(id) = idx.dims() else {
            return Ok(vec![TensorInfo::unranked(vals.dt)]);
        };
        let a = norm_axis(axis, id.len() + 1, "axis")?;
        let depth = match self.const_floats(1).as_deref() {
            Some(&[d]) => {
                let d = d.trunc();
                if !(d >= 1.0 && d <= i64::MAX as f64) {
                    return Err(format!("depth must be positive, but is {d}"));
                }
                d as i64
            }
            _ => DYN,
        };
        let mut out = id.to_vec();
        out.insert(a, depth);
        Ok(vec![TensorInfo::ranked(vals.dt, out)])
    }

    pub(super) fn depth_space(&self) -> R {
        let x = self.t(0)?;
        self.expect_rank(0, 4)?;
        let b = self.attrs.int("blocksize", 0)?;
        if b < 1 {
            return Err(format!(
                "attribute 'blocksize' must be positive, but is {b}"
            ));
        }
        let d2s = self.spec.onnx == "DepthToSpace";
        self.attrs.choice("mode", &["DCR", "CRD"])?;
        let Some(xd) = x.dims() else {
            return Ok(vec![TensorInfo::ranked(x.dt, vec![DYN; 4])]);
        };
        let bb = b.checked_mul(b).ok_or("blocksize overflows i64")?;
        let (n, c, h, w) = (xd[0], xd[1], xd[2], xd[3]);
        let out = if d2s {
            if c >= 0 && c % bb != 0 {
                return Err(format!(
                    "channels ({c}) must be a multiple of blocksize squared ({bb})"
                ));
            }
            vec![
                n,
                if c < 0 { DYN } else { c / bb },
                dim_mul(h, b)?,
                dim_mul(w, b)?,
            ]
        } else {
            for (name, v) in [("height", h), ("width", w)] {
                if v >= 0 && v % b != 0 {
                    return Err(format!(
                        "{name} ({v}) must be a multiple of blocksize ({b})"
                    ));
                }
            }
            let div = |v: i64| if v < 0 { DYN } else { v / b };
            vec![n, dim_mul(c, bb)?, div(h), div(w)]
        };
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn resize(&self) -> R {
        let x = self.t(0)?;
        let mode = self.attrs.choice("mode", &["nearest", "linear", "cubic"])?;
        let _ = mode;
        let ctm = self.attrs.choice(
            "coordinate_transformation_mode",
            &[
                "half_pixel",
                "half_pixel_symmetric",
                "pytorch_half_pixel",
                "align_corners",
                "asymmetric",
                "tf_crop_and_resize",
            ],
        )?;
        self.attrs.choice(
            "nearest_mode",
            &["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"],
        )?;
        let policy = self.attrs.choice(
            "keep_aspect_ratio_policy",
            &["stretch", "not_larger", "not_smaller"],
        )?;
        self.attrs.flag("antialias", false)?;
        self.attrs.flag("exclude_outside", false)?;
        for i in 1..4 {
            if self.opt(i).is_some() {
                self.expect_1d(i)?;
            }
        }
        // An empty scales tensor counts as absent (older exporters write one).
        let has_scales = self.opt(2).is_some() && self.len_1d(2) != Some(0);
        let has_sizes = self.opt(3).is_some() && self.len_1d(3) != Some(0);
        if has_scales == has_sizes {
            return Err("expects exactly one of scales and sizes".into());
        }
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let r = xd.len();
        let axes = match self.attrs.ints("axes")? {
            Some(a) => norm_axes(&a, r, "axis")?,
            None => (0..r).collect(),
        };
        let k = axes.len();
        let which = if has_scales { 2 } else { 3 };
        if let Some(len) = self.len_1d(which)
            && len != k
        {
            return Err(format!(
                "{} must have {k} elements (one per resized axis), but has {len}",
                if has_scales { "scales" } else { "sizes" }
            ));
        }
        let mut out = xd.to_vec();
        if has_sizes {
            let Some(sizes) = self.const_ints(3) else {
                for &a in &axes {
                    out[a] = DYN;
                }
                return Ok(vec![TensorInfo::ranked(x.dt, out)]);
            };
            if sizes.len() != k {
                return Err(format!(
                    "sizes must have {k} elements, but has {}",
                    sizes.len()
                ));
            }
            if let Some(v) = sizes.iter().find(|&&v| v < 0) {
                return Err(format!("sizes must be non-negative, but got {v}"));
            }
            if policy == "stretch" {
                for (i, &a) in axes.iter().enumerate() {
                    out[a] = sizes[i];
                }
            } else if axes.iter().any(|&a| xd[a] <= 0) {
                for &a in &axes {
                    out[a] = DYN;
                }
            } else {
                let ratios = axes
                    .iter()
                    .zip(&sizes)
                    .map(|(&a, &s)| s as f64 / xd[a] as f64);
                let scale = if policy == "not_larger" {
                    ratios.fold(f64::INFINITY, f64::min)
                } else {
                    ratios.fold(0.0, f64::max)
                };
                for &a in &axes {
                    out[a] = (scale * xd[a] as f64).round() as i64;
                }
            }
        } else {
            let Some(scales) = self.const_floats(2) else {
                for &a in &axes {
                    out[a] = DYN;
                }
                return Ok(vec![TensorInfo::ranked(x.dt, out)]);
            };
            if scales.len() != k {
                return Err(format!(
                    "scales must have {k} elements, but has {}",
                    scales.len()
                ));
            }
            if let Some(s) = scales.iter().find(|&&s| !(s > 0.0 && s.is_finite())) {
                return Err(format!("scales must be positive, but got {s}"));
            }
            let roi = if ctm == "tf_crop_and_resize" {
                match self.const_floats(1) {
                    Some(roi) if roi.len() == 2 * k => Some(roi),
                    Some(roi) => {
                        return Err(format!(
                            "roi must have {} elements, but has {}",
                            2 * k,
                            roi.len()
                        ));
                    }
                    None => None,
                }
            } else {
                Some(Vec::new())
            };
            for (i, &a) in axes.iter().enumerate() {
                let d = xd[a];
                out[a] = match &roi {
                    _ if d < 0 => DYN,
                    None => DYN,
                    Some(roi) => {
                        let extent = if roi.is_empty() {
                            1.0
                        } else {
                            roi[i + k] - roi[i]
                        };
                        let v = (d as f64 * extent * scales[i]).floor();
                        if !(0.0..=i64::MAX as f64).contains(&v) {
                            return Err(format!("resized dimension {a} ({v}) is not a valid size"));
                        }
                        v as i64
                    }
                };
            }
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn reverse_sequence(&self) -> R {
        let (x, lens) = (self.t(0)?, self.t(1)?);
        self.expect_min_rank(0, 2)?;
        self.expect_1d(1)?;
        let ba = self.attrs.int("batch_axis", 1)?;
        let ta = self.attrs.int("time_axis", 0)?;
        if !matches!((ba, ta), (0, 1) | (1, 0)) {
            return Err(format!(
                "batch_axis and time_axis must be 0 and 1 in some order, but are {ba} and {ta}"
            ));
        }
        if let (Some(xd), Some(ld)) = (x.dims(), lens.dims())
            && merge(xd[ba as usize], ld[0]).is_none()
        {
            return Err(format!(
                "sequence_lens {lens} must have one element per batch entry of {x}"
            ));
        }
        Ok(vec![x.clone()])
    }

    pub(super) fn det(&self) -> R {
        let x = self.t(0)?;
        self.expect_min_rank(0, 2)?;
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let r = xd.len();
        if merge(xd[r - 1], xd[r - 2]).is_none() {
            return Err(format!("expects square matrices, but got {x}"));
        }
        Ok(vec![TensorInfo::ranked(x.dt, xd[..r - 2].to_vec())])
    }

    pub(super) fn center_crop_pad(&self) -> R {
        let x = self.t(0)?;
        self.expect_1d(1)?;
        let target = self.const_ints(1);
        if let Some(v) = target.as_ref().and_then(|t| t.iter().find(|&&d| d < 0)) {
            return Err(format!("shape must be non-negative, but has {v}"));
        }
        let n = target.as_ref().map(Vec::len).or(self.len_1d(1));
        let axes = self.attrs.ints("axes")?;
        let rank = x.rank().or(if axes.is_none() { n } else { None });
        let Some(r) = rank else {
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        let axes = match axes {
            Some(a) => norm_axes(&a, r, "axis")?,
            None => (0..r).collect(),
        };
        if let Some(n) = n
            && n != axes.len()
        {
            return Err(format!(
                "shape has {n} elements, but there are {} axes to crop or pad",
                axes.len()
            ));
        }
        let mut out = x.dims().map_or_else(|| vec![DYN; r], <[i64]>::to_vec);
        for (k, &a) in axes.iter().enumerate() {
            out[a] = target.as_ref().map_or(DYN, |t| t[k]);
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }
}
