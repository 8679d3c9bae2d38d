//! Indexing ops: Gather, GatherElements, GatherND, Scatter / ScatterElements, ScatterND.
//! Negative indices count from the end; out-of-range indices are errors.

use super::{for_each_index, mk, same};
use crate::num::Num;
use crate::util::{norm_axis, split_at_axis, strides};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{Tensor, match_data};

fn fix_index(i: i64, d: usize) -> KResult<usize> {
    let di = d as i64;
    let j = if i < 0 { i + di } else { i };
    if j < 0 || j >= di {
        bail!("index {i} is out of range for a dimension of size {d}");
    }
    Ok(j as usize)
}

pub fn gather(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let ind_t = n.input(1)?;
    if x.rank() == 0 {
        bail!("data must have rank >= 1");
    }
    let axis = norm_axis(n.int("axis", 0)?, x.rank())?;
    let (outer, d, inner) = split_at_axis(x.shape(), axis);
    let ind: Vec<usize> = ind_t
        .to_i64_vec()?
        .into_iter()
        .map(|i| fix_index(i, d))
        .collect::<KResult<_>>()?;
    let mut shape = x.shape()[..axis].to_vec();
    shape.extend_from_slice(ind_t.shape());
    shape.extend_from_slice(&x.shape()[axis + 1..]);
    let t = match_data!(x.data(), v => {
        let mut out = Vec::with_capacity(outer * ind.len() * inner);
        for o in 0..outer {
            for &i in &ind {
                let b = (o * d + i) * inner;
                out.extend_from_slice(&v[b..b + inner]);
            }
        }
        mk(shape, out)?
    });
    Ok(vec![Some(t)])
}

pub fn gather_elements(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let ind_t = n.input(1)?;
    if ind_t.rank() != x.rank() || x.rank() == 0 {
        bail!("indices must have the data's rank");
    }
    let axis = norm_axis(n.int("axis", 0)?, x.rank())?;
    for (i, (&a, &b)) in ind_t.shape().iter().zip(x.shape()).enumerate() {
        if i != axis && a > b {
            bail!(
                "indices shape {:?} exceeds data shape {:?}",
                ind_t.shape(),
                x.shape()
            );
        }
    }
    let ind = ind_t.to_i64_vec()?;
    let st = strides(x.shape());
    let d = x.shape()[axis];
    let mut offs = Vec::with_capacity(ind.len());
    let mut flat = 0;
    let mut err = None;
    for_each_index(ind_t.shape(), |idx| {
        let mut off = 0;
        for (k, &c) in idx.iter().enumerate() {
            if k == axis {
                match fix_index(ind[flat], d) {
                    Ok(j) => off += j * st[k],
                    Err(e) => err = Some(e),
                }
            } else {
                off += c * st[k];
            }
        }
        offs.push(off);
        flat += 1;
    });
    if let Some(e) = err {
        return Err(e);
    }
    let t = match_data!(x.data(), v => mk(ind_t.shape().to_vec(), offs.iter().map(|&o| v[o]).collect())?);
    Ok(vec![Some(t)])
}

/// For GatherND / ScatterND: the data offsets addressed by each index tuple (the last dim of
/// `indices`), with `batch_dims` leading batch dimensions; also the size of one slice.
fn nd_offsets(
    data_shape: &[usize],
    ind_t: &Tensor,
    batch_dims: usize,
) -> KResult<(Vec<usize>, usize)> {
    let ir = ind_t.rank();
    if ir == 0 {
        bail!("indices must have rank >= 1");
    }
    let k = ind_t.shape()[ir - 1];
    if batch_dims >= ir || batch_dims + k > data_shape.len() {
        bail!(
            "indices tuples of length {k} do not fit data of rank {} with batch_dims {batch_dims}",
            data_shape.len()
        );
    }
    for (b, &d) in data_shape.iter().enumerate().take(batch_dims) {
        if ind_t.shape()[b] != d {
            bail!("batch dimensions of data and indices differ");
        }
    }
    let ind = ind_t.to_i64_vec()?;
    let st = strides(data_shape);
    let slice: usize = data_shape[batch_dims + k..].iter().product();
    let batch: usize = data_shape[..batch_dims].iter().product();
    let n_tuples = ind
        .len()
        .checked_div(k)
        .unwrap_or_else(|| ind_t.shape()[..ir - 1].iter().product());
    let per_batch = n_tuples / batch.max(1);
    let batch_stride = if batch_dims > 0 {
        st[batch_dims - 1]
    } else {
        0
    };
    let mut offs = Vec::with_capacity(n_tuples);
    for t in 0..n_tuples {
        let b = t.checked_div(per_batch).unwrap_or(0);
        let mut off = b * batch_stride;
        for j in 0..k {
            let dd = batch_dims + j;
            off += fix_index(ind[t * k + j], data_shape[dd])? * st[dd];
        }
        offs.push(off);
    }
    Ok((offs, slice))
}

pub fn gather_nd(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let ind_t = n.input(1)?;
    let b = crate::util::dim(n.int("batch_dims", 0)?, "batch_dims")?;
    let (offs, slice) = nd_offsets(x.shape(), ind_t, b)?;
    let k = ind_t.shape()[ind_t.rank() - 1];
    let mut shape = ind_t.shape()[..ind_t.rank() - 1].to_vec();
    shape.extend_from_slice(&x.shape()[b + k..]);
    let t = match_data!(x.data(), v => {
        let mut out = Vec::with_capacity(offs.len() * slice);
        for &o in &offs {
            out.extend_from_slice(&v[o..o + slice]);
        }
        mk(shape, out)?
    });
    Ok(vec![Some(t)])
}

#[derive(Copy, Clone, PartialEq, Debug)]
enum Red {
    None,
    Add,
    Mul,
    Max,
    Min,
}

fn reduction(n: &Node<'_>) -> KResult<Red> {
    let r = n.string("reduction", "none")?;
    Ok(match r.as_str() {
        "none" => Red::None,
        "add" => Red::Add,
        "mul" => Red::Mul,
        "max" => Red::Max,
        "min" => Red::Min,
        _ => bail!("unknown reduction '{r}'"),
    })
}

fn combine<T: Num>(r: Red, old: T, new: T) -> T {
    match r {
        Red::None => new,
        Red::Add => old.add(new),
        Red::Mul => old.mul(new),
        Red::Max => old.max_nan(new),
        Red::Min => old.min_nan(new),
    }
}

pub fn scatter_elements(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let ind_t = n.input(1)?;
    let upd = n.input(2)?;
    if ind_t.shape() != upd.shape() || ind_t.rank() != x.rank() || x.rank() == 0 {
        bail!("indices and updates must have the same shape and the data's rank");
    }
    let axis = norm_axis(n.int("axis", 0)?, x.rank())?;
    let red = reduction(n)?;
    let ind = ind_t.to_i64_vec()?;
    let st = strides(x.shape());
    let d = x.shape()[axis];
    let mut offs = Vec::with_capacity(ind.len());
    let mut flat = 0;
    let mut err: Option<KError> = None;
    for_each_index(ind_t.shape(), |idx| {
        let mut off = 0;
        for (k, &c) in idx.iter().enumerate() {
            let c = if k == axis {
                match fix_index(ind[flat], d) {
                    Ok(j) => j,
                    Err(e) => {
                        err = Some(e);
                        0
                    }
                }
            } else {
                c
            };
            if c >= x.shape()[k] {
                err = Some(KError::invalid(format!(
                    "index {c} is out of range on axis {k}"
                )));
            }
            off += c * st[k];
        }
        offs.push(off);
        flat += 1;
    });
    if let Some(e) = err {
        return Err(e);
    }
    let t = match_data!(x.data(), v => {
        let u = same(v, upd)?;
        let mut out = v.clone();
        for (i, &o) in offs.iter().enumerate() {
            out[o] = combine(red, out[o], u[i]);
        }
        mk(x.shape().to_vec(), out)?
    });
    Ok(vec![Some(t)])
}

pub fn scatter_nd(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let ind_t = n.input(1)?;
    let upd = n.input(2)?;
    let red = reduction(n)?;
    let (offs, slice) = nd_offsets(x.shape(), ind_t, 0)?;
    let k = ind_t.shape()[ind_t.rank() - 1];
    let mut ushape = ind_t.shape()[..ind_t.rank() - 1].to_vec();
    ushape.extend_from_slice(&x.shape()[k..]);
    if upd.shape() != ushape.as_slice() {
        bail!("updates shape {:?} should be {ushape:?}", upd.shape());
    }
    let t = match_data!(x.data(), v => {
        let u = same(v, upd)?;
        let mut out = v.clone();
        for (t, &o) in offs.iter().enumerate() {
            for j in 0..slice {
                out[o + j] = combine(red, out[o + j], u[t * slice + j]);
            }
        }
        mk(x.shape().to_vec(), out)?
    });
    Ok(vec![Some(t)])
}
