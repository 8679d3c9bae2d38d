//! Quantization: QuantizeLinear, DequantizeLinear (scalar, per-axis and blocked parameters),
//! QLinearMatMul, QLinearConv. Integer target types only (u8, i8, u16, i16); float8 / int4
//! types have no flowc dtype.

use super::elementwise::cast_tensor;
use super::mk;
use crate::util::{dim, expand, norm_axis};
use crate::{KError, KResult, Node, bail};
use flowc_tensor::{DType, Tensor};

/// `value` (a scale or zero point) as one value per element of `shape`: a scalar, a 1-D
/// per-axis vector, or a blocked tensor repeated `block_size` times along `axis`.
fn per_element(
    value: &[f64],
    vshape: &[usize],
    shape: &[usize],
    axis: i64,
    block: usize,
) -> KResult<Vec<f64>> {
    let n: usize = shape.iter().product();
    if value.len() == 1 {
        return Ok(vec![value[0]; n]);
    }
    let axis = norm_axis(axis, shape.len())?;
    if block == 0 {
        if vshape.len() != 1 || vshape[0] != shape[axis] {
            bail!("per-axis parameter of shape {vshape:?} does not match axis {axis} of {shape:?}");
        }
        let mut vs = vec![1usize; shape.len()];
        vs[axis] = shape[axis];
        return expand(value, &vs, shape);
    }
    if vshape.len() != shape.len() {
        bail!("blocked parameter of shape {vshape:?} does not match {shape:?}");
    }
    for (i, (&v, &s)) in vshape.iter().zip(shape).enumerate() {
        let ok = if i == axis {
            v == s.div_ceil(block)
        } else {
            v == s
        };
        if !ok {
            bail!(
                "blocked parameter of shape {vshape:?} does not match {shape:?} with block_size {block}"
            );
        }
    }
    let st = crate::util::strides(vshape);
    let mut out = Vec::with_capacity(n);
    super::for_each_index(shape, |idx| {
        let mut off = 0;
        for (i, &c) in idx.iter().enumerate() {
            let c = if i == axis { c / block } else { c };
            off += c * st[i];
        }
        out.push(value[off]);
    });
    Ok(out)
}

fn quant_range(d: DType) -> KResult<(f64, f64)> {
    Ok(match d {
        DType::U8 => (0.0, 255.0),
        DType::I8 => (-128.0, 127.0),
        DType::U16 => (0.0, 65535.0),
        DType::I16 => (-32768.0, 32767.0),
        DType::I32 => (i32::MIN as f64, i32::MAX as f64),
        other => crate::unsupported!("unsupported quantized type {other}"),
    })
}

fn axis_block(n: &Node<'_>) -> KResult<(i64, usize)> {
    let axis = n.int("axis", 1)?;
    let block = dim(n.int("block_size", 0)?, "block_size")?;
    Ok((axis, block))
}

pub fn quantize_linear(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let scale = n.input(1)?;
    let zp = n.opt(2);
    if !x.dtype().is_float() {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let (axis, block) = axis_block(n)?;
    let out_dtype = match (zp, super::shape::dtype_attr(n, "output_dtype")?) {
        (Some(z), _) => z.dtype(),
        (None, Some(d)) => d,
        (None, None) => DType::U8,
    };
    let (lo, hi) = quant_range(out_dtype)?;
    let s = per_element(&scale.to_f64_vec(), scale.shape(), x.shape(), axis, block)?;
    let z = match zp {
        Some(z) => per_element(&z.to_f64_vec(), z.shape(), x.shape(), axis, block)?,
        None => vec![0.0; x.len()],
    };
    // x / scale in x's precision (f32 for f32 / f16 / bf16 inputs, as numpy divides f32 by f32).
    let wide = x.dtype() == DType::F64 || scale.dtype() == DType::F64;
    let xv = x.to_f64_vec();
    let q: Vec<f64> = xv
        .iter()
        .zip(&s)
        .zip(&z)
        .map(|((&v, &sc), &zz)| {
            let r = if wide {
                v / sc
            } else {
                (v as f32 / sc as f32) as f64
            };
            (r.round_ties_even() + zz).clamp(lo, hi)
        })
        .collect();
    let t = mk(x.shape().to_vec(), q)?;
    Ok(vec![Some(cast_tensor(&t, out_dtype)?)])
}

pub fn dequantize_linear(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let scale = n.input(1)?;
    let zp = n.opt(2);
    if x.dtype().is_float() || x.dtype() == DType::Bool {
        crate::unsupported!("unsupported element type {}", x.dtype());
    }
    let (axis, block) = axis_block(n)?;
    let out_dtype = super::shape::dtype_attr(n, "output_dtype")?.unwrap_or(scale.dtype());
    let s = per_element(&scale.to_f64_vec(), scale.shape(), x.shape(), axis, block)?;
    let z = match zp {
        Some(z) => per_element(&z.to_f64_vec(), z.shape(), x.shape(), axis, block)?,
        None => vec![0.0; x.len()],
    };
    let xv = x.to_f64_vec();
    // (x - zero_point) · scale computed in f32, as the reference does.
    let y: Vec<f32> = xv
        .iter()
        .zip(&s)
        .zip(&z)
        .map(|((&v, &sc), &zz)| ((v - zz) as f32) * sc as f32)
        .collect();
    let y: Vec<f64> = if scale.dtype() == DType::F64 {
        xv.iter()
            .zip(&s)
            .zip(&z)
            .map(|((&v, &sc), &zz)| (v - zz) * sc)
            .collect()
    } else {
        y.into_iter().map(|v| v as f64).collect()
    };
    let t = mk(x.shape().to_vec(), y)?;
    Ok(vec![Some(cast_tensor(&t, out_dtype)?)])
}

/// `a · b / c` computed in the dtype of the scales (numpy's per-op rounding), widened to f64.
fn scale_ratio(a: &Tensor, b: &Tensor, c: &Tensor) -> KResult<(Vec<f64>, Vec<usize>)> {
    use super::elementwise::{Arith, arith_tensors};
    let ab = arith_tensors(Arith::Mul, a, &cast_tensor(b, a.dtype())?)?;
    let r = arith_tensors(Arith::Div, &ab, &cast_tensor(c, a.dtype())?)?;
    Ok((r.to_f64_vec(), r.shape().to_vec()))
}

fn requantize(
    acc: &[f64],
    shape: &[usize],
    ratio: &(Vec<f64>, Vec<usize>),
    yzp: Option<&Tensor>,
    out: DType,
) -> KResult<Tensor> {
    let ratio = expand(&ratio.0, &ratio.1, shape)
        .map_err(|_| KError::invalid("scales do not broadcast to the output"))?;
    let z = match yzp {
        Some(z) => expand(&z.to_f64_vec(), z.shape(), shape)?,
        None => vec![0.0; acc.len()],
    };
    let (lo, hi) = quant_range(out)?;
    let q: Vec<f64> = acc
        .iter()
        .zip(&ratio)
        .zip(&z)
        .map(|((&c, &r), &zz)| (c * r + zz).round_ties_even().clamp(lo, hi))
        .collect();
    cast_tensor(&mk(shape.to_vec(), q)?, out)
}

/// `t - zp` as f64 (zp broadcast numpy-style against `t`).
fn centered(t: &Tensor, zp: Option<&Tensor>) -> KResult<Tensor> {
    let v = t.to_f64_vec();
    let v = match zp {
        Some(z) => {
            let (r, _) =
                crate::util::binary_map(&v, t.shape(), &z.to_f64_vec(), z.shape(), |a, b| a - b)?;
            if r.len() != v.len() {
                bail!("zero point does not broadcast to its operand");
            }
            r
        }
        None => v,
    };
    mk(t.shape().to_vec(), v)
}

pub fn qlinear_matmul(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let a = n.input(0)?;
    let b = n.input(3)?;
    let ac = centered(a, n.opt(2))?;
    let bc = centered(b, n.opt(5))?;
    let c = super::linalg::matmul_tensors(&ac, &bc)?;
    let ratio = scale_ratio(n.input(1)?, n.input(4)?, n.input(6)?)?;
    let yzp = n.opt(7);
    let out = yzp.map(|z| z.dtype()).unwrap_or(a.dtype());
    Ok(vec![Some(requantize(
        &c.to_f64_vec(),
        c.shape(),
        &ratio,
        yzp,
        out,
    )?)])
}

pub fn qlinear_conv(n: &Node<'_>) -> KResult<Vec<Option<Tensor>>> {
    let x = n.input(0)?;
    let w = n.input(3)?;
    let xc = centered(x, n.opt(2))?;
    // A per-output-channel weight zero point is laid along axis 0.
    let wzp = match n.opt(5) {
        Some(z) if z.rank() == 1 && w.shape().first() == Some(&z.len()) && z.len() > 1 => {
            let mut s = vec![1usize; w.rank()];
            s[0] = z.len();
            Some(z.clone().reshape(s)?)
        }
        other => other.cloned(),
    };
    let wc = centered(w, wzp.as_ref())?;
    let bias = match n.opt(8) {
        Some(b) => Some(cast_tensor(b, DType::F64)?),
        None => None,
    };
    let inputs = vec![
        Some(std::rc::Rc::new(xc)),
        Some(std::rc::Rc::new(wc)),
        bias.map(std::rc::Rc::new),
    ];
    let inner = crate::Node {
        ctx: n.ctx,
        op: n.op,
        name: n.name,
        inputs,
    };
    let y = super::conv::conv(&inner)?
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| KError::invalid("conv produced no result"))?;
    let ws = n.input(4)?;
    let (mut ratio, mut rshape) = scale_ratio(n.input(1)?, ws, n.input(6)?)?;
    if ws.len() > 1 {
        // Per output channel: [1, M, 1, ...].
        let mut s = vec![1usize; y.rank()];
        s[1] = ws.len();
        rshape = s;
        ratio.truncate(ws.len());
    }
    let yzp = n.opt(7);
    let out = yzp.map(|z| z.dtype()).unwrap_or(x.dtype());
    Ok(vec![Some(requantize(
        &y.to_f64_vec(),
        y.shape(),
        &(ratio, rshape),
        yzp,
        out,
    )?)])
}
