//! Shape arithmetic shared by the kernels: strides, broadcasting, axes.

use crate::{KResult, bail};
use flowc_tensor::num_elements;

/// The most elements one tensor built by the interpreter may hold (2^32): shapes read from
/// tensor values (Expand, ConstantOfShape, Tile, Range, Resize sizes, ...) beyond it are errors
/// rather than allocation failures.
pub const MAX_ELEMENTS: usize = 1 << 32;

/// The element count of `shape`, or an error when it overflows or exceeds [`MAX_ELEMENTS`].
pub fn checked_len(shape: &[usize]) -> KResult<usize> {
    let n = num_elements(shape)?;
    if n > MAX_ELEMENTS {
        bail!("a tensor of shape {shape:?} ({n} elements) is too large");
    }
    Ok(n)
}

/// Row-major strides (in elements) of `shape`.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1].saturating_mul(shape[i + 1]);
    }
    s
}

/// The numpy broadcast of two shapes.
pub fn broadcast_shape(a: &[usize], b: &[usize]) -> KResult<Vec<usize>> {
    let rank = a.len().max(b.len());
    let mut out = vec![0usize; rank];
    for i in 0..rank {
        let da = if i + a.len() >= rank {
            a[i + a.len() - rank]
        } else {
            1
        };
        let db = if i + b.len() >= rank {
            b[i + b.len() - rank]
        } else {
            1
        };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            bail!("shapes {a:?} and {b:?} are not broadcastable");
        };
    }
    Ok(out)
}

/// The numpy broadcast of several shapes.
pub fn broadcast_all(shapes: &[&[usize]]) -> KResult<Vec<usize>> {
    let mut out: Vec<usize> = Vec::new();
    for s in shapes {
        out = broadcast_shape(&out, s)?;
    }
    Ok(out)
}

/// Strides (in elements) for reading a tensor of `shape` as if it had the broadcast shape
/// `out`: 0 along broadcast dimensions. `shape` must broadcast to `out`.
pub fn bcast_strides(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let st = strides(shape);
    let off = out.len() - shape.len();
    (0..out.len())
        .map(|i| {
            if i < off || shape[i - off] == 1 {
                0
            } else {
                st[i - off]
            }
        })
        .collect()
}

/// Calls `f` with the element offsets of `N` strided operands for every index of `out`, in
/// row-major order.
pub fn for_each_offset<const N: usize>(
    out: &[usize],
    strides: [&[usize]; N],
    mut f: impl FnMut([usize; N]),
) {
    if out.contains(&0) {
        return;
    }
    let rank = out.len();
    if rank == 0 {
        f([0; N]);
        return;
    }
    let inner = out[rank - 1];
    let inner_st: [usize; N] = std::array::from_fn(|k| strides[k][rank - 1]);
    let mut idx = vec![0usize; rank];
    let mut base = [0usize; N];
    loop {
        let mut o = base;
        for _ in 0..inner {
            f(o);
            for k in 0..N {
                o[k] += inner_st[k];
            }
        }
        // Advance the outer odometer.
        let mut d = rank - 1;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            for k in 0..N {
                base[k] += strides[k][d];
            }
            if idx[d] < out[d] {
                break;
            }
            for k in 0..N {
                base[k] -= strides[k][d] * out[d];
            }
            idx[d] = 0;
        }
    }
}

/// `f` applied to the numpy broadcast of `a` and `b`.
pub fn binary_map<A: Copy, B: Copy, R>(
    a: &[A],
    ash: &[usize],
    b: &[B],
    bsh: &[usize],
    f: impl Fn(A, B) -> R,
) -> KResult<(Vec<R>, Vec<usize>)> {
    let out = broadcast_shape(ash, bsh)?;
    let n = checked_len(&out)?;
    if ash == bsh {
        return Ok((a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect(), out));
    }
    if b.len() == 1 && out == ash {
        let y = b[0];
        return Ok((a.iter().map(|&x| f(x, y)).collect(), out));
    }
    if a.len() == 1 && out == bsh {
        let x = a[0];
        return Ok((b.iter().map(|&y| f(x, y)).collect(), out));
    }
    let (sa, sb) = (bcast_strides(ash, &out), bcast_strides(bsh, &out));
    let mut res = Vec::with_capacity(n);
    for_each_offset(&out, [&sa, &sb], |[i, j]| res.push(f(a[i], b[j])));
    Ok((res, out))
}

/// `f` applied to the numpy broadcast of three operands.
pub fn ternary_map<A: Copy, B: Copy, C: Copy, R>(
    a: (&[A], &[usize]),
    b: (&[B], &[usize]),
    c: (&[C], &[usize]),
    f: impl Fn(A, B, C) -> R,
) -> KResult<(Vec<R>, Vec<usize>)> {
    let out = broadcast_all(&[a.1, b.1, c.1])?;
    let n = checked_len(&out)?;
    let (sa, sb, sc) = (
        bcast_strides(a.1, &out),
        bcast_strides(b.1, &out),
        bcast_strides(c.1, &out),
    );
    let mut res = Vec::with_capacity(n);
    for_each_offset(&out, [&sa, &sb, &sc], |[i, j, k]| {
        res.push(f(a.0[i], b.0[j], c.0[k]))
    });
    Ok((res, out))
}

/// `v` (of `shape`) broadcast to `out`.
pub fn expand<T: Copy>(v: &[T], shape: &[usize], out: &[usize]) -> KResult<Vec<T>> {
    let b = broadcast_shape(shape, out)?;
    if b != out {
        bail!("shape {shape:?} does not broadcast to {out:?}");
    }
    let n = checked_len(out)?;
    if shape == out {
        return Ok(v.to_vec());
    }
    let s = bcast_strides(shape, out);
    let mut res = Vec::with_capacity(n);
    for_each_offset(out, [&s], |[i]| res.push(v[i]));
    Ok(res)
}

/// A possibly negative axis normalized into `0..rank`.
pub fn norm_axis(axis: i64, rank: usize) -> KResult<usize> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        bail!("axis {axis} is out of range for rank {rank}");
    }
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

/// Normalized, distinct axes.
pub fn norm_axes(axes: &[i64], rank: usize) -> KResult<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = norm_axis(a, rank)?;
        if out.contains(&a) {
            bail!("axis {a} appears twice");
        }
        out.push(a);
    }
    Ok(out)
}

/// `(outer, dim, inner)` sizes around `axis`.
pub fn split_at_axis(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    let outer = shape[..axis].iter().product();
    let inner = shape[axis + 1..].iter().product();
    (outer, shape[axis], inner)
}

/// Converts a signed dimension to `usize`, refusing negatives.
pub fn dim(v: i64, what: &str) -> KResult<usize> {
    if v < 0 {
        bail!("{what} must not be negative, got {v}");
    }
    usize::try_from(v).map_err(|_| crate::KError::invalid(format!("{what} is too large")))
}

/// A window-geometry value (kernel size, stride, dilation, pad, block size): non-negative and
/// at most 2^31, so that sums and products of two of them cannot overflow.
pub fn small_dim(v: i64, what: &str) -> KResult<usize> {
    let d = dim(v, what)?;
    if d > 1 << 31 {
        bail!("{what} {v} is too large");
    }
    Ok(d)
}

/// Permutes `v` (of `shape`) by `perm` (output dim i is input dim perm[i]).
pub fn transpose<T: Copy>(v: &[T], shape: &[usize], perm: &[usize]) -> (Vec<T>, Vec<usize>) {
    let out: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let st = strides(shape);
    let pst: Vec<usize> = perm.iter().map(|&p| st[p]).collect();
    let mut res = Vec::with_capacity(v.len());
    for_each_offset(&out, [&pst], |[i]| res.push(v[i]));
    (res, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_shape(&[2, 1, 3], &[4, 1]).unwrap(), vec![2, 4, 3]);
        assert_eq!(broadcast_shape(&[], &[3]).unwrap(), vec![3]);
        assert_eq!(broadcast_shape(&[0], &[1]).unwrap(), vec![0]);
        assert!(broadcast_shape(&[2], &[3]).is_err());
        let (v, s) = binary_map(&[1, 2], &[2, 1], &[10, 20, 30], &[3], |a, b| a + b).unwrap();
        assert_eq!(s, vec![2, 3]);
        assert_eq!(v, vec![11, 21, 31, 12, 22, 32]);
        let (t, s) = transpose(&[1, 2, 3, 4, 5, 6], &[2, 3], &[1, 0]);
        assert_eq!(s, vec![3, 2]);
        assert_eq!(t, vec![1, 4, 2, 5, 3, 6]);
    }
}
