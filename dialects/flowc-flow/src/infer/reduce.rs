//! Reductions, ArgMax / ArgMin and TopK.

use super::util::{DYN, TensorInfo, dims_str, norm_axes, norm_axis};
use super::{Infer, R};
use crate::dtype::DType;

impl Infer<'_> {
    pub(super) fn reduce(&self) -> R {
        let x = self.t(0)?;
        let keepdims = self.attrs.flag("keepdims", true)?;
        let noop = self.attrs.flag("noop_with_empty_axes", false)?;
        if let Some(a) = self.opt(1)
            && a.rank().is_some_and(|r| r != 1)
        {
            return Err(format!("axes must be 1-D, but has type '{a}'"));
        }
        let axes: Option<Vec<i64>> = match self.opt(1) {
            None => Some(Vec::new()),
            Some(a) => self.const_ints(1).or_else(|| {
                // An axes operand known to be empty.
                (a.dims() == Some(&[0][..])).then(Vec::new)
            }),
        };
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone()]);
        };
        let r = xd.len();
        let Some(axes) = axes else {
            // Axes not known: with keepdims the rank stays, and a dim is 1 or unchanged.
            if keepdims {
                let out = xd.iter().map(|&d| if d == 1 { 1 } else { DYN }).collect();
                return Ok(vec![TensorInfo::ranked(x.dt, out)]);
            }
            if let Some(&[k]) = self.opt(1).and_then(|a| a.dims())
                && k >= 0
                && (k as usize) <= r
            {
                return Ok(vec![TensorInfo::ranked(x.dt, vec![DYN; r - k as usize])]);
            }
            return Ok(vec![TensorInfo::unranked(x.dt)]);
        };
        if axes.is_empty() && noop {
            return Ok(vec![x.clone()]);
        }
        let axes = if axes.is_empty() {
            (0..r).collect()
        } else {
            norm_axes(&axes, r, "axis")?
        };
        let mut out = Vec::with_capacity(r);
        for (i, &d) in xd.iter().enumerate() {
            if axes.contains(&i) {
                if keepdims {
                    out.push(1);
                }
            } else {
                out.push(d);
            }
        }
        Ok(vec![TensorInfo::ranked(x.dt, out)])
    }

    pub(super) fn arg_reduce(&self) -> R {
        let x = self.t(0)?;
        let keepdims = self.attrs.flag("keepdims", true)?;
        self.attrs.flag("select_last_index", false)?;
        let axis = self.attrs.int("axis", 0)?;
        let Some(xd) = x.dims() else {
            return Ok(vec![TensorInfo::unranked(DType::I64)]);
        };
        let a = norm_axis(axis, xd.len(), "axis")?;
        let mut out = xd.to_vec();
        if keepdims {
            out[a] = 1;
        } else {
            out.remove(a);
        }
        Ok(vec![TensorInfo::ranked(DType::I64, out)])
    }

    pub(super) fn top_k(&self) -> R {
        let x = self.t(0)?;
        let k_t = self.t(1)?;
        if let Some(d) = k_t.dims()
            && (d.len() != 1 || (d[0] >= 0 && d[0] != 1))
        {
            return Err(format!(
                "K must be a 1-D tensor with one element, but has type '{k_t}'"
            ));
        }
        self.attrs.flag("largest", true)?;
        self.attrs.flag("sorted", true)?;
        let axis = self.attrs.int("axis", -1)?;
        let Some(xd) = x.dims() else {
            return Ok(vec![x.clone(), TensorInfo::unranked(DType::I64)]);
        };
        let a = norm_axis(axis, xd.len(), "axis")?;
        let k = match self.const_ints(1).as_deref() {
            Some(&[k]) => {
                if k < 0 {
                    return Err(format!("K must be non-negative, but is {k}"));
                }
                if xd[a] >= 0 && k > xd[a] {
                    return Err(format!(
                        "K ({k}) is larger than dimension {a} of the input {}",
                        dims_str(xd)
                    ));
                }
                k
            }
            _ => DYN,
        };
        let mut out = xd.to_vec();
        out[a] = k;
        Ok(vec![
            TensorInfo::ranked(x.dt, out.clone()),
            TensorInfo::ranked(DType::I64, out),
        ])
    }
}
