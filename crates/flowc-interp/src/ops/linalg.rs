//! MatMul (numpy semantics), Gemm, MatMulInteger, Einsum, Det.

use super::gemm::gemm;
use super::{mk, same};
use crate::num::{FloatElem, Num, Real};
use crate::util::{bcast_strides, broadcast_shape, for_each_offset, strides};
use crate::{KResult, Node, bail};
use flowc_tensor::{DType, Tensor, TensorData, match_data};

pub fn to_compute<T: FloatElem>(v: &[T]) -> Vec<T::A> {
    v.iter().map(|x| x.to_a()).collect()
}

pub fn from_compute<T: FloatElem>(v: Vec<T::A>) -> Vec<T> {
    v.into_iter().map(T::from_a).collect()
}

/// The shapes of a numpy matmul: (batch, m, k, n, output shape).
struct MatmulPlan {
    batch: Vec<usize>,
    a_batch_strides: Vec<usize>,
    b_batch_strides: Vec<usize>,
    m: usize,
    k: usize,
    n: usize,
    out: Vec<usize>,
}

fn matmul_plan(ash: &[usize], bsh: &[usize]) -> KResult<MatmulPlan> {
    if ash.is_empty() || bsh.is_empty() {
        bail!("matmul operands must have rank >= 1");
    }
    let mut a = ash.to_vec();
    let mut b = bsh.to_vec();
    let a_vec = a.len() == 1;
    let b_vec = b.len() == 1;
    if a_vec {
        a.insert(0, 1);
    }
    if b_vec {
        b.push(1);
    }
    let (m, k) = (a[a.len() - 2], a[a.len() - 1]);
    let (k2, n) = (b[b.len() - 2], b[b.len() - 1]);
    if k != k2 {
        bail!("matmul inner dimensions differ: {ash:?} x {bsh:?}");
    }
    let abatch = &a[..a.len() - 2];
    let bbatch = &b[..b.len() - 2];
    let batch = broadcast_shape(abatch, bbatch)?;
    // Batch strides in units of whole matrices.
    let a_batch_strides = bcast_strides(abatch, &batch);
    let b_batch_strides = bcast_strides(bbatch, &batch);
    let mut out = batch.clone();
    if !a_vec {
        out.push(m);
    }
    if !b_vec {
        out.push(n);
    }
    crate::util::checked_len(&out)?;
    Ok(MatmulPlan {
        batch,
        a_batch_strides,
        b_batch_strides,
        m,
        k,
        n,
        out,
    })
}

/// Runs `kernel(a_matrix_index, b_matrix_index, out_matrix)` for every batch entry.
fn for_each_batch(p: &MatmulPlan, mut kernel: impl FnMut(usize, usize, usize)) {
    let mut o = 0;
    if p.batch.is_empty() {
        kernel(0, 0, 0);
        return;
    }
    for_each_offset(
        &p.batch,
        [&p.a_batch_strides, &p.b_batch_strides],
        |[ia, ib]| {
            kernel(ia, ib, o);
            o += 1;
        },
    );
}

fn matmul_float<T: FloatElem>(p: &MatmulPlan, a: &[T], b: &[T]) -> Vec<T> {
    let (m, k, n) = (p.m, p.k, p.n);
    let a = to_compute(a);
    let b = to_compute(b);
    let total: usize = p.out.iter().product();
    let mut c = vec![T::A::ZERO; total];
    for_each_batch(p, |ia, ib, o| {
        gemm(
            m,
            n,
            k,
            &a[ia * m * k..(ia + 1) * m * k],
            &b[ib * k * n..(ib + 1) * k * n],
            &mut c[o * m * n..(o + 1) * m * n],
        );
    });
    from_compute(c)
}

fn matmul_int<T: Num>(p: &MatmulPlan, a: &[T], b: &[T]) -> Vec<T> {
    let (m, k, n) = (p.m, p.k, p.n);
    let total: usize = p.out.iter().product();
    let mut c = vec![T::zero(); total];
    for_each_batch(p, |ia, ib, o| {
        let (a, b) = (&a[ia * m * k..], &b[ib * k * n..]);
        let c = &mut c[o * m * n..(o + 1) * m * n];
        for i in 0..m {
            for q in 0..k {
                let av = a[i * k + q];
                for j in 0..n {
                    c[i * n + j] = c[i * n + j].add(av.mul(b[q * n + j]));
                }
            }
        }
    });
    c
}

pub fn matmul_tensors(a: &Tensor, b: &Tensor) -> KResult<Tensor> {
    let p = matmul_plan(a.shape(), b.shape())?;
    if a.dtype() != b.dtype() {
        bail!(
            "operands have different element types {} and {}",
            a.dtype(),
            b.dtype()
        );
    }
    let out = p.out.clone();
    Ok(match a.data() {
        TensorData::F16(v) => mk(out, matmul_float(&p, v, same(v, b)?))?,
        TensorData::BF16(v) => mk(out, matmul_float(&p, v, same(v, b)?))?,
        TensorData::F32(v) => mk(out, matmul_float(&p, v, same(v, b)?))?,
        TensorData::F64(v) => mk(out, matmul_float(&p, v, same(v, b)?))?,
        TensorData::Bool(_) => crate::unsupported!("unsupported element type bool"),
        other => match_data!(other, v => mk(out, matmul_int(&p, v, same(v, b)?))?),
    })
}

pub fn matmul(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    Ok(vec![Some(matmul_tensors(n.input(0)?, n.input(1)?)?)])
}

fn transpose2<T: Copy>(v: &[T], rows: usize, cols: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    for j in 0..cols {
        for i in 0..rows {
            out.push(v[i * cols + j]);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn gemm_typed<T: Num>(
    a: &[T],
    b: &[T],
    c: Option<(&[T], &[usize])>,
    m: usize,
    k: usize,
    n: usize,
    alpha: f64,
    beta: f64,
) -> KResult<Vec<T>> {
    // A·B in the compute precision: floats through the blocked kernel, integers exactly.
    let ab: Vec<T> = if T::IS_FLOAT {
        // Computed in f64 for f64, f32 otherwise.
        if T::DTYPE == DType::F64 {
            let a: Vec<f64> = a.iter().map(|x| x.to_f64()).collect();
            let b: Vec<f64> = b.iter().map(|x| x.to_f64()).collect();
            let mut r = vec![0.0f64; m * n];
            gemm(m, n, k, &a, &b, &mut r);
            r.into_iter().map(T::from_f64).collect()
        } else {
            let a: Vec<f32> = a.iter().map(|x| x.to_f64() as f32).collect();
            let b: Vec<f32> = b.iter().map(|x| x.to_f64() as f32).collect();
            let mut r = vec![0.0f32; m * n];
            gemm(m, n, k, &a, &b, &mut r);
            return finish_gemm(r, c, m, n, alpha as f32, beta as f32);
        }
    } else {
        let mut r = vec![T::zero(); m * n];
        for i in 0..m {
            for q in 0..k {
                let av = a[i * k + q];
                for j in 0..n {
                    r[i * n + j] = r[i * n + j].add(av.mul(b[q * n + j]));
                }
            }
        }
        r
    };
    // alpha · AB + beta · C, integers with wrapping multiplications by the integral factors.
    let cvals: Option<Vec<T>> = match c {
        Some((cv, cs)) => Some(crate::util::expand(cv, cs, &[m, n])?),
        None => None,
    };
    Ok(ab
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let mut y = if alpha == 1.0 {
                x
            } else {
                T::from_f64(alpha * x.to_f64())
            };
            if let Some(cv) = &cvals {
                let cterm = if beta == 1.0 {
                    cv[i]
                } else {
                    T::from_f64(beta * cv[i].to_f64())
                };
                y = y.add(cterm);
            }
            y
        })
        .collect())
}

/// alpha · AB + beta · C for the f32-computed float types, rounded once into `T`.
fn finish_gemm<T: Num>(
    ab: Vec<f32>,
    c: Option<(&[T], &[usize])>,
    m: usize,
    n: usize,
    alpha: f32,
    beta: f32,
) -> KResult<Vec<T>> {
    let cvals: Option<Vec<T>> = match c {
        Some((cv, cs)) => Some(crate::util::expand(cv, cs, &[m, n])?),
        None => None,
    };
    Ok(ab
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let mut y = alpha * x;
            if let Some(cv) = &cvals {
                y += beta * cv[i].to_f64() as f32;
            }
            T::from_f64(y as f64)
        })
        .collect())
}

pub fn gemm_op(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let a = n.input(0)?;
    let b = n.input(1)?;
    let c = n.opt(2);
    if a.rank() != 2 || b.rank() != 2 {
        bail!(
            "A and B must be 2-D, got {:?} and {:?}",
            a.shape(),
            b.shape()
        );
    }
    let alpha = n.float("alpha", 1.0)? as f64;
    let beta = n.float("beta", 1.0)? as f64;
    let ta = n.int("transA", 0)? != 0;
    let tb = n.int("transB", 0)? != 0;
    let (m, k) = if ta {
        (a.shape()[1], a.shape()[0])
    } else {
        (a.shape()[0], a.shape()[1])
    };
    let (k2, nn) = if tb {
        (b.shape()[1], b.shape()[0])
    } else {
        (b.shape()[0], b.shape()[1])
    };
    if k != k2 {
        bail!("inner dimensions differ: {k} and {k2}");
    }
    if a.dtype() == DType::Bool {
        crate::unsupported!("unsupported element type bool");
    }
    let t = match_data!(a.data(), av => {
        let bv = same(av, b)?;
        let av = if ta { transpose2(av, k, m) } else { av.clone() };
        let bv = if tb { transpose2(bv, nn, k) } else { bv.to_vec() };
        let cv = match c {
            Some(c) => Some((same(&av, c)?, c.shape())),
            None => None,
        };
        mk(vec![m, nn], gemm_typed(&av, &bv, cv, m, k, nn, alpha, beta)?)?
    });
    Ok(vec![Some(t)])
}

/// Zero points broadcast against the row (A: `[M]` per row) or column (B: `[N]` per column) of
/// a 2-D operand, or a scalar.
fn zero_point(t: Option<&Tensor>) -> KResult<Vec<i64>> {
    match t {
        None => Ok(vec![0]),
        Some(t) => Ok(t.to_i64_vec()?),
    }
}

pub fn matmul_integer(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let a = n.input(0)?;
    let b = n.input(1)?;
    let azp = zero_point(n.opt(2))?;
    let bzp = zero_point(n.opt(3))?;
    let p = matmul_plan(a.shape(), b.shape())?;
    let av = a.to_i64_vec()?;
    let bv = b.to_i64_vec()?;
    let (m, k, nn) = (p.m, p.k, p.n);
    if azp.len() != 1 && azp.len() != m {
        bail!("a_zero_point must be a scalar or have M = {m} values");
    }
    if bzp.len() != 1 && bzp.len() != nn {
        bail!("b_zero_point must be a scalar or have N = {nn} values");
    }
    let total: usize = p.out.iter().product();
    let mut c = vec![0i32; total];
    for_each_batch(&p, |ia, ib, o| {
        for i in 0..m {
            let za = azp[if azp.len() == 1 { 0 } else { i }];
            for j in 0..nn {
                let zb = bzp[if bzp.len() == 1 { 0 } else { j }];
                let mut s: i32 = 0;
                for q in 0..k {
                    let x = (av[ia * m * k + i * k + q] - za) as i32;
                    let y = (bv[ib * k * nn + q * nn + j] - zb) as i32;
                    s = s.wrapping_add(x.wrapping_mul(y));
                }
                c[o * m * nn + i * nn + j] = s;
            }
        }
    });
    Ok(vec![Some(mk(p.out, c)?)])
}

// ===== Einsum =====

struct Term {
    labels: Vec<char>,
}

/// Parses an operand's subscripts, expanding `...` into `ellipsis_rank` labels drawn from
/// upper-case private letters.
fn expand_term(s: &str, rank: usize) -> KResult<Term> {
    let letters: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let explicit = letters.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let mut labels = Vec::new();
    let text: String = letters.iter().collect();
    if let Some(pos) = text.find("...") {
        if rank < explicit {
            bail!("operand of rank {rank} has {explicit} subscripts");
        }
        let ell = rank - explicit;
        for c in text[..pos].chars() {
            labels.push(c);
        }
        for i in 0..ell {
            labels.push(char::from_u32(0x10000 + i as u32).unwrap_or('?'));
        }
        for c in text[pos + 3..].chars() {
            labels.push(c);
        }
    } else {
        labels = letters;
    }
    if labels
        .iter()
        .any(|c| !(c.is_ascii_alphabetic() || *c as u32 >= 0x10000))
    {
        bail!("bad subscripts '{s}'");
    }
    if labels.len() != rank {
        bail!("subscripts '{s}' do not match an operand of rank {rank}");
    }
    Ok(Term { labels })
}

fn einsum_typed<T: Num>(
    inputs: &[(&[T], &[usize])],
    terms: &[Term],
    out_labels: &[char],
    dims: &std::collections::BTreeMap<char, usize>,
) -> KResult<(Vec<T>, Vec<usize>)> {
    let all: Vec<char> = {
        let mut v: Vec<char> = out_labels.to_vec();
        for (&c, _) in dims.iter() {
            if !v.contains(&c) {
                v.push(c);
            }
        }
        v
    };
    let sizes: Vec<usize> = all.iter().map(|c| dims[c]).collect();
    let out_shape: Vec<usize> = out_labels.iter().map(|c| dims[c]).collect();
    let out_n = crate::util::checked_len(&out_shape)?;
    let iter_n = crate::util::checked_len(&sizes)?;
    if iter_n > 1 << 32 {
        bail!("einsum iteration space is too large");
    }
    // Strides of each operand (and of the output) along every label.
    let op_strides: Vec<Vec<usize>> = inputs
        .iter()
        .zip(terms)
        .map(|((_, shape), term)| {
            let st = strides(shape);
            all.iter()
                .map(|c| {
                    term.labels
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| *l == c)
                        .map(|(i, _)| st[i])
                        .sum()
                })
                .collect()
        })
        .collect();
    let out_st = strides(&out_shape);
    let out_strides: Vec<usize> = (0..all.len())
        .map(|i| if i < out_labels.len() { out_st[i] } else { 0 })
        .collect();
    let mut out = vec![T::zero(); out_n];
    let mut idx = vec![0usize; all.len()];
    if iter_n == 0 {
        return Ok((out, out_shape));
    }
    loop {
        let mut prod = T::one();
        for (k, (v, _)) in inputs.iter().enumerate() {
            let off: usize = idx.iter().zip(&op_strides[k]).map(|(i, s)| i * s).sum();
            prod = prod.mul(v[off]);
        }
        let o: usize = idx.iter().zip(&out_strides).map(|(i, s)| i * s).sum();
        out[o] = out[o].add(prod);
        let mut d = all.len();
        loop {
            if d == 0 {
                return Ok((out, out_shape));
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < sizes[d] {
                break;
            }
            idx[d] = 0;
        }
    }
}

pub fn einsum(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let eq = n.string("equation", "")?;
    let eq: String = eq.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l.to_string(), Some(r.to_string())),
        None => (eq.clone(), None),
    };
    let parts: Vec<&str> = lhs.split(',').collect();
    if parts.len() != n.num_inputs() {
        bail!(
            "equation has {} operands, the op has {}",
            parts.len(),
            n.num_inputs()
        );
    }
    let ts: Vec<&Tensor> = (0..n.num_inputs())
        .map(|i| n.input(i))
        .collect::<KResult<_>>()?;
    let mut terms = Vec::new();
    let mut dims = std::collections::BTreeMap::new();
    let mut ell_rank = 0;
    for (p, t) in parts.iter().zip(&ts) {
        let term = expand_term(p, t.rank())?;
        for (&c, &d) in term.labels.iter().zip(t.shape()) {
            if c as u32 >= 0x10000 {
                ell_rank = ell_rank.max(c as u32 - 0x10000 + 1);
            }
            match dims.get(&c) {
                Some(&e) if e != d && e != 1 && d != 1 => {
                    bail!("label '{c}' has sizes {e} and {d}")
                }
                Some(&e) if e >= d => {}
                _ => {
                    dims.insert(c, d);
                }
            }
        }
        terms.push(term);
    }
    // Broadcasting of ellipsis dims of size 1 is not supported beyond equal sizes.
    for (term, t) in terms.iter().zip(&ts) {
        for (&c, &d) in term.labels.iter().zip(t.shape()) {
            if dims[&c] != d {
                crate::unsupported!("einsum broadcasting of label dimensions is not supported");
            }
        }
    }
    let out_labels: Vec<char> = match rhs {
        Some(r) => {
            let ell = ell_rank as usize;
            let t = expand_term(
                &r,
                r.chars().filter(|c| c.is_ascii_alphabetic()).count()
                    + if r.contains("...") { ell } else { 0 },
            )?;
            t.labels
        }
        None => {
            // Implicit output: ellipsis dims, then labels appearing once, alphabetically.
            let mut counts = std::collections::BTreeMap::new();
            for t in &terms {
                for &c in &t.labels {
                    *counts.entry(c).or_insert(0) += 1;
                }
            }
            let mut v: Vec<char> = (0..ell_rank)
                .map(|i| char::from_u32(0x10000 + i).unwrap_or('?'))
                .collect();
            v.extend(
                counts
                    .iter()
                    .filter(|(c, k)| **k == 1 && c.is_ascii_alphabetic())
                    .map(|(c, _)| *c),
            );
            v
        }
    };
    for c in &out_labels {
        if !dims.contains_key(c) {
            bail!("output label '{c}' does not appear in the inputs");
        }
    }
    let first = ts[0];
    for t in &ts {
        if t.dtype() != first.dtype() {
            bail!("operands have different element types");
        }
    }
    let t = match_data!(first.data(), v0 => {
        let inputs: Vec<(&[_], &[usize])> = ts.iter().map(|t| Ok((same(v0, t)?, t.shape()))).collect::<KResult<_>>()?;
        let (v, s) = einsum_typed(&inputs, &terms, &out_labels, &dims)?;
        mk(s, v)?
    });
    Ok(vec![Some(t)])
}

fn det_f64(a: &mut [f64], n: usize) -> f64 {
    let mut det = 1.0;
    for c in 0..n {
        let mut piv = c;
        for r in c + 1..n {
            if a[r * n + c].abs() > a[piv * n + c].abs() {
                piv = r;
            }
        }
        if a[piv * n + c] == 0.0 {
            return 0.0;
        }
        if piv != c {
            for j in 0..n {
                a.swap(c * n + j, piv * n + j);
            }
            det = -det;
        }
        let p = a[c * n + c];
        det *= p;
        for r in c + 1..n {
            let f = a[r * n + c] / p;
            for j in c..n {
                a[r * n + j] -= f * a[c * n + j];
            }
        }
    }
    det
}

pub fn det(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let r = x.rank();
    if r < 2 || x.shape()[r - 1] != x.shape()[r - 2] {
        bail!("input must be [..., M, M], got {:?}", x.shape());
    }
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let m = x.shape()[r - 1];
    let v = x.to_f64_vec();
    let batch: usize = x.shape()[..r - 2].iter().product();
    let out: Vec<f64> = (0..batch)
        .map(|b| {
            let mut a = v[b * m * m..(b + 1) * m * m].to_vec();
            det_f64(&mut a, m)
        })
        .collect();
    let t = mk(x.shape()[..r - 2].to_vec(), out)?;
    Ok(vec![Some(super::elementwise::cast_tensor(&t, x.dtype())?)])
}
