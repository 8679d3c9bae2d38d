//! Folding of shape computations at import.
//!
//! Exporters (PyTorch above all) compute reshape targets, expand shapes and resize sizes at run
//! time: `Shape -> Gather -> Unsqueeze -> Concat -> Reshape`. When the shapes involved are
//! static, these subgraphs are constants, and folding them while importing lets every later
//! op's type inference see the constant (a `Reshape` gets a static result type). Only small
//! results are folded ([`MAX_FOLD_ELEMENTS`]), only ops whose ONNX semantics are reproduced
//! exactly here, and anything unusual (out-of-range indices, division by zero, float16) is left
//! to the op itself.

use super::Importer;
use super::types::attr_tensor;
use crate::tensor::RawTensor;
use flowc_ir::{Attribute, DYNAMIC, NamedAttr, Op, Value};
use flowc_tensor::{DType, Tensor};

/// The largest folded result.
const MAX_FOLD_ELEMENTS: usize = 1024;

/// The most input elements of an op evaluated by the interpreter ([`Importer::try_eval`]).
const MAX_EVAL_INPUT_ELEMENTS: usize = 1 << 16;

/// Ops never evaluated at import: their results are not a function of their operands.
const NOT_EVALUATED: &[&str] = &["flow.dropout"];

/// Elements as wide numbers: integers (and bool) as `i128`, floats as `f64`.
#[derive(Clone, Debug)]
enum Data {
    I(Vec<i128>),
    F(Vec<f64>),
}

#[derive(Clone, Debug)]
struct Vals {
    dtype: DType,
    shape: Vec<usize>,
    data: Data,
}

impl Vals {
    fn from_raw(raw: &RawTensor) -> Option<Vals> {
        let size = raw.dtype.size_bytes();
        let word = |c: &[u8]| {
            let mut b = [0u8; 8];
            b[..size].copy_from_slice(c);
            u64::from_le_bytes(b)
        };
        let chunks = raw.data.chunks_exact(size);
        let data = match raw.dtype {
            DType::F32 => Data::F(
                chunks
                    .map(|c| f32::from_bits(word(c) as u32) as f64)
                    .collect(),
            ),
            DType::F64 => Data::F(chunks.map(|c| f64::from_bits(word(c))).collect()),
            DType::F16 | DType::BF16 => return None,
            DType::I8 => Data::I(chunks.map(|c| word(c) as u8 as i8 as i128).collect()),
            DType::I16 => Data::I(chunks.map(|c| word(c) as u16 as i16 as i128).collect()),
            DType::I32 => Data::I(chunks.map(|c| word(c) as u32 as i32 as i128).collect()),
            DType::I64 => Data::I(chunks.map(|c| word(c) as i64 as i128).collect()),
            DType::U8 | DType::U16 | DType::U32 | DType::U64 | DType::Bool => {
                Data::I(chunks.map(|c| word(c) as i128).collect())
            }
        };
        Some(Vals {
            dtype: raw.dtype,
            shape: raw.shape.clone(),
            data,
        })
    }

    fn len(&self) -> usize {
        match &self.data {
            Data::I(v) => v.len(),
            Data::F(v) => v.len(),
        }
    }

    fn ints(&self) -> Option<&[i128]> {
        match &self.data {
            Data::I(v) => Some(v),
            Data::F(_) => None,
        }
    }

    /// Converts to `dtype` (as ONNX `Cast` does for in-range values).
    fn cast(&self, dtype: DType) -> Option<Vals> {
        let data = match (dtype, &self.data) {
            (DType::F16 | DType::BF16, _) => return None,
            (DType::F32, Data::F(v)) => Data::F(v.iter().map(|&x| x as f32 as f64).collect()),
            (DType::F32, Data::I(v)) => Data::F(v.iter().map(|&x| x as f32 as f64).collect()),
            (DType::F64, Data::F(v)) => Data::F(v.clone()),
            (DType::F64, Data::I(v)) => Data::F(v.iter().map(|&x| x as f64).collect()),
            (DType::Bool, Data::F(v)) => Data::I(v.iter().map(|&x| (x != 0.0) as i128).collect()),
            (DType::Bool, Data::I(v)) => Data::I(v.iter().map(|&x| (x != 0) as i128).collect()),
            (_, Data::F(v)) => {
                let mut out = Vec::with_capacity(v.len());
                for &x in v {
                    if !x.is_finite() || x.abs() > 9.0e18 {
                        return None;
                    }
                    out.push(wrap(dtype, x.trunc() as i128));
                }
                Data::I(out)
            }
            (_, Data::I(v)) => Data::I(v.iter().map(|&x| wrap(dtype, x)).collect()),
        };
        Some(Vals {
            dtype,
            shape: self.shape.clone(),
            data,
        })
    }

    fn into_raw(self) -> RawTensor {
        let mut data = Vec::with_capacity(self.len() * self.dtype.size_bytes());
        match self.data {
            Data::F(v) => {
                for x in v {
                    match self.dtype {
                        DType::F64 => data.extend(x.to_le_bytes()),
                        _ => data.extend((x as f32).to_le_bytes()),
                    }
                }
            }
            Data::I(v) => {
                let size = self.dtype.size_bytes();
                for x in v {
                    data.extend_from_slice(&(x as u128).to_le_bytes()[..size]);
                }
            }
        }
        RawTensor {
            dtype: self.dtype,
            shape: self.shape,
            data,
        }
    }

    /// Elements `idx` (a gather of a flat index list).
    fn pick(&self, idx: &[usize], shape: Vec<usize>) -> Vals {
        let data = match &self.data {
            Data::I(v) => Data::I(idx.iter().map(|&i| v[i]).collect()),
            Data::F(v) => Data::F(idx.iter().map(|&i| v[i]).collect()),
        };
        Vals {
            dtype: self.dtype,
            shape,
            data,
        }
    }

    fn reshaped(mut self, shape: Vec<usize>) -> Vals {
        self.shape = shape;
        self
    }
}

/// Wraps an integer to `dtype`'s width and signedness.
fn wrap(dtype: DType, x: i128) -> i128 {
    match dtype {
        DType::I8 => x as i8 as i128,
        DType::I16 => x as i16 as i128,
        DType::I32 => x as i32 as i128,
        DType::I64 => x as i64 as i128,
        DType::U8 => x as u8 as i128,
        DType::U16 => x as u16 as i128,
        DType::U32 => x as u32 as i128,
        DType::U64 => x as u64 as i128,
        DType::Bool => (x != 0) as i128,
        _ => x,
    }
}

fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// Numpy broadcasting of several shapes.
fn broadcast_shape(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let rank = shapes.iter().map(|s| s.len()).max()?;
    let mut out = vec![1; rank];
    for s in shapes {
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[rank - s.len() + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return None;
            }
        }
    }
    Some(out)
}

/// For each element of `out`, the flat index into a tensor of `shape` broadcast to it.
fn broadcast_index(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let n: usize = out.iter().product();
    let st = strides(shape);
    let ost = strides(out);
    let off = out.len() - shape.len();
    (0..n)
        .map(|flat| {
            let mut idx = 0;
            for (i, (&d, &s)) in shape.iter().zip(&st).enumerate() {
                let coord = (flat / ost[off + i]) % out[off + i];
                if d != 1 {
                    idx += coord * s;
                }
            }
            idx
        })
        .collect()
}

/// Normalizes an axis against `rank` (negative counts from the end).
fn norm_axis(axis: i128, rank: usize) -> Option<usize> {
    let r = rank as i128;
    let a = if axis < 0 { axis + r } else { axis };
    (0..r).contains(&a).then_some(a as usize)
}

impl Importer<'_> {
    fn fold_attr(&self, attrs: &[NamedAttr], name: &str) -> Option<Attribute> {
        attrs
            .iter()
            .find(|(n, _)| self.ctx.ident_str(*n) == name)
            .map(|(_, a)| *a)
    }

    fn fold_int_attr(&self, attrs: &[NamedAttr], name: &str, default: i64) -> Option<i64> {
        match self.fold_attr(attrs, name) {
            Some(a) => self.ctx.int_value(a).map(|v| v as i64),
            None => Some(default),
        }
    }

    /// The data of a constant operand; `None` also for `flow.none`.
    fn const_vals(&self, v: Value) -> Option<Vals> {
        Vals::from_raw(self.small.get(&v)?)
    }

    /// Evaluates `op` (just built from `operands`) with the interpreter's kernels when every
    /// operand is a constant (or `flow.none`) and every result has a small static type: the
    /// results as constants, or `None` to keep the op (also when the kernel refuses its
    /// inputs, which leaves the error to run time, as without folding).
    pub(super) fn try_eval(&mut self, op: Op, operands: &[Value]) -> Option<Vec<RawTensor>> {
        let name = self.ctx.op_name(op);
        if !name.starts_with("flow.")
            || NOT_EVALUATED.contains(&name)
            || !self.ctx.regions(op).is_empty()
        {
            return None;
        }
        let mut expected = Vec::new();
        for &r in self.ctx.results(op) {
            let ty = self.ctx.value_type(r);
            let elem = self.ctx.element_type(ty)?;
            let dtype = flowc_interp::type_to_dtype(self.ctx, elem)?;
            let dims = self.ctx.shape(ty)?;
            let dims = dims
                .iter()
                .map(|&d| usize::try_from(d).ok())
                .collect::<Option<Vec<_>>>()?;
            let n = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d))?;
            if n > MAX_FOLD_ELEMENTS {
                return None;
            }
            expected.push((dtype, dims));
        }
        let mut inputs = Vec::with_capacity(operands.len());
        let mut total = 0usize;
        for &v in operands {
            if Some(v) == self.none {
                inputs.push(None);
                continue;
            }
            let raw = self.small.get(&v)?;
            total += raw.num_elements();
            if total > MAX_EVAL_INPUT_ELEMENTS {
                return None;
            }
            let t = Tensor::from_bytes_le(raw.dtype, raw.shape.clone(), &raw.data).ok()?;
            inputs.push(Some(t));
        }
        let outputs = flowc_interp::eval_op(self.ctx, op, inputs).ok()?;
        if outputs.len() != expected.len() {
            return None;
        }
        outputs
            .into_iter()
            .zip(expected)
            .map(|(t, (dtype, dims))| {
                let t = t?;
                (t.dtype() == dtype && t.shape() == dims.as_slice()).then(|| RawTensor {
                    dtype,
                    shape: dims,
                    data: t.to_bytes_le(),
                })
            })
            .collect()
    }

    /// Folds `op_name` applied to `operands` when it is a small computation on constants or
    /// static shapes.
    pub(super) fn try_fold(
        &mut self,
        op_name: &str,
        operands: &[Value],
        attrs: &[NamedAttr],
        num_results: usize,
    ) -> Option<RawTensor> {
        if num_results != 1 {
            return None;
        }
        let out = self.fold(op_name, operands, attrs)?;
        (out.len() <= MAX_FOLD_ELEMENTS).then(|| out.into_raw())
    }

    fn fold(&mut self, op_name: &str, operands: &[Value], attrs: &[NamedAttr]) -> Option<Vals> {
        match op_name {
            "flow.shape" | "flow.size" => {
                let [x] = operands else { return None };
                let ty = self.ctx.value_type(*x);
                let dims = self.ctx.shape(ty)?.to_vec();
                if dims.contains(&DYNAMIC) || dims.iter().any(|&d| d < 0) {
                    return None;
                }
                if op_name == "flow.size" {
                    let n = dims
                        .iter()
                        .try_fold(1i128, |a, &d| a.checked_mul(d as i128))?;
                    return Some(Vals {
                        dtype: DType::I64,
                        shape: Vec::new(),
                        data: Data::I(vec![n]),
                    });
                }
                let rank = dims.len() as i64;
                let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
                let start = clamp(self.fold_int_attr(attrs, "start", 0)?);
                let end = clamp(self.fold_int_attr(attrs, "end", rank)?);
                let dims: Vec<i128> = dims[start..end.max(start)]
                    .iter()
                    .map(|&d| d as i128)
                    .collect();
                Some(Vals {
                    dtype: DType::I64,
                    shape: vec![dims.len()],
                    data: Data::I(dims),
                })
            }
            "flow.cast" => {
                let [x] = operands else { return None };
                let to = self.fold_int_attr(attrs, "to", 0)?;
                let dtype = DType::from_onnx_code(i32::try_from(to).ok()?)?;
                self.const_vals(*x)?.cast(dtype)
            }
            "flow.gather" => {
                let [data, indices] = operands else {
                    return None;
                };
                let data = self.const_vals(*data)?;
                let indices = self.const_vals(*indices)?;
                let axis = norm_axis(
                    self.fold_int_attr(attrs, "axis", 0)? as i128,
                    data.shape.len(),
                )?;
                let dim = data.shape[axis];
                let mut idx = Vec::with_capacity(indices.len());
                for &i in indices.ints()? {
                    let i = if i < 0 { i + dim as i128 } else { i };
                    if !(0..dim as i128).contains(&i) {
                        return None;
                    }
                    idx.push(i as usize);
                }
                let outer: usize = data.shape[..axis].iter().product();
                let inner: usize = data.shape[axis + 1..].iter().product();
                let mut flat = Vec::with_capacity(outer * idx.len() * inner);
                for o in 0..outer {
                    for &i in &idx {
                        for k in 0..inner {
                            flat.push((o * dim + i) * inner + k);
                        }
                    }
                }
                let mut shape = data.shape[..axis].to_vec();
                shape.extend(&indices.shape);
                shape.extend(&data.shape[axis + 1..]);
                Some(data.pick(&flat, shape))
            }
            "flow.unsqueeze" => {
                let [data, axes] = operands else { return None };
                let data = self.const_vals(*data)?;
                let axes = self.const_vals(*axes)?;
                let rank = data.shape.len() + axes.len();
                let mut ones = vec![false; rank];
                for &a in axes.ints()? {
                    let a = norm_axis(a, rank)?;
                    if std::mem::replace(&mut ones[a], true) {
                        return None;
                    }
                }
                let mut dims = data.shape.iter();
                let shape = ones
                    .iter()
                    .map(|&one| if one { Some(1) } else { dims.next().copied() })
                    .collect::<Option<Vec<_>>>()?;
                Some(data.reshaped(shape))
            }
            "flow.squeeze" => {
                let data = self.const_vals(*operands.first()?)?;
                let rank = data.shape.len();
                let mut drop = vec![false; rank];
                match operands.get(1) {
                    Some(axes) => {
                        for &a in self.const_vals(*axes)?.ints()? {
                            let a = norm_axis(a, rank)?;
                            if data.shape[a] != 1 {
                                return None;
                            }
                            drop[a] = true;
                        }
                    }
                    None => drop
                        .iter_mut()
                        .zip(&data.shape)
                        .for_each(|(d, &s)| *d = s == 1),
                }
                let shape = data
                    .shape
                    .iter()
                    .zip(&drop)
                    .filter(|(_, d)| !**d)
                    .map(|(&s, _)| s)
                    .collect();
                Some(data.reshaped(shape))
            }
            "flow.concat" => {
                let parts = operands
                    .iter()
                    .map(|&v| self.const_vals(v))
                    .collect::<Option<Vec<_>>>()?;
                let first = parts.first()?;
                let rank = first.shape.len();
                let axis = norm_axis(self.fold_int_attr(attrs, "axis", 0)? as i128, rank)?;
                for p in &parts {
                    let same = p.dtype == first.dtype
                        && p.shape.len() == rank
                        && (0..rank).all(|i| i == axis || p.shape[i] == first.shape[i]);
                    if !same {
                        return None;
                    }
                }
                let outer: usize = first.shape[..axis].iter().product();
                let mut shape = first.shape.clone();
                shape[axis] = parts.iter().map(|p| p.shape[axis]).sum();
                let mut ints = Vec::new();
                let mut floats = Vec::new();
                for o in 0..outer {
                    for p in &parts {
                        let chunk: usize = p.shape[axis..].iter().product();
                        let range = o * chunk..(o + 1) * chunk;
                        match &p.data {
                            Data::I(v) => ints.extend_from_slice(&v[range]),
                            Data::F(v) => floats.extend_from_slice(&v[range]),
                        }
                    }
                }
                let data = match first.data {
                    Data::I(_) => Data::I(ints),
                    Data::F(_) => Data::F(floats),
                };
                Some(Vals {
                    dtype: first.dtype,
                    shape,
                    data,
                })
            }
            "flow.reshape" => {
                let [data, shape] = operands else { return None };
                let data = self.const_vals(*data)?;
                let target = self.const_vals(*shape)?;
                let allowzero = self.fold_int_attr(attrs, "allowzero", 0)? != 0;
                let mut out = Vec::with_capacity(target.len());
                let mut infer = None;
                for (i, &d) in target.ints()?.iter().enumerate() {
                    match d {
                        -1 if infer.is_none() => {
                            infer = Some(i);
                            out.push(1);
                        }
                        0 if !allowzero => out.push(*data.shape.get(i)?),
                        d if d >= 0 => out.push(usize::try_from(d).ok()?),
                        _ => return None,
                    }
                }
                let known: usize = out.iter().try_fold(1usize, |a, &d| a.checked_mul(d))?;
                if let Some(i) = infer {
                    if known == 0 || data.len() % known != 0 {
                        return None;
                    }
                    out[i] = data.len() / known;
                }
                (out.iter().product::<usize>() == data.len()).then(|| data.reshaped(out))
            }
            "flow.add" | "flow.sub" | "flow.mul" | "flow.div" | "flow.equal" => {
                let [a, b] = operands else { return None };
                let a = self.const_vals(*a)?;
                let b = self.const_vals(*b)?;
                if a.dtype != b.dtype {
                    return None;
                }
                let shape = broadcast_shape(&[&a.shape, &b.shape])?;
                if shape.iter().product::<usize>() > MAX_FOLD_ELEMENTS {
                    return None;
                }
                let ia = broadcast_index(&a.shape, &shape);
                let ib = broadcast_index(&b.shape, &shape);
                let (data, dtype) = match (&a.data, &b.data) {
                    (Data::I(x), Data::I(y)) => {
                        let mut out = Vec::with_capacity(ia.len());
                        for (&i, &j) in ia.iter().zip(&ib) {
                            let (p, q) = (x[i], y[j]);
                            out.push(match op_name {
                                "flow.add" => wrap(a.dtype, p + q),
                                "flow.sub" => wrap(a.dtype, p - q),
                                "flow.mul" => wrap(a.dtype, p.checked_mul(q)?),
                                // Truncating and flooring division agree on non-negatives.
                                "flow.div" if p >= 0 && q > 0 => p / q,
                                "flow.div" => return None,
                                _ => (p == q) as i128,
                            });
                        }
                        (Data::I(out), a.dtype)
                    }
                    (Data::F(x), Data::F(y)) => {
                        if op_name == "flow.equal" {
                            let out = ia.iter().zip(&ib).map(|(&i, &j)| (x[i] == y[j]) as i128);
                            (Data::I(out.collect()), DType::Bool)
                        } else {
                            let f = |p: f64, q: f64| match op_name {
                                "flow.add" => p + q,
                                "flow.sub" => p - q,
                                "flow.mul" => p * q,
                                _ => p / q,
                            };
                            let round = |v: f64| {
                                if a.dtype == DType::F32 {
                                    v as f32 as f64
                                } else {
                                    v
                                }
                            };
                            let out = ia.iter().zip(&ib).map(|(&i, &j)| round(f(x[i], y[j])));
                            (Data::F(out.collect()), a.dtype)
                        }
                    }
                    _ => return None,
                };
                let dtype = if op_name == "flow.equal" {
                    DType::Bool
                } else {
                    dtype
                };
                Some(Vals { dtype, shape, data })
            }
            "flow.where" => {
                let [c, x, y] = operands else { return None };
                let c = self.const_vals(*c)?;
                let x = self.const_vals(*x)?;
                let y = self.const_vals(*y)?;
                if c.dtype != DType::Bool || x.dtype != y.dtype {
                    return None;
                }
                let shape = broadcast_shape(&[&c.shape, &x.shape, &y.shape])?;
                if shape.iter().product::<usize>() > MAX_FOLD_ELEMENTS {
                    return None;
                }
                let ic = broadcast_index(&c.shape, &shape);
                let ix = broadcast_index(&x.shape, &shape);
                let iy = broadcast_index(&y.shape, &shape);
                let cv = c.ints()?;
                let data = match (&x.data, &y.data) {
                    (Data::I(a), Data::I(b)) => Data::I(
                        (0..ic.len())
                            .map(|k| if cv[ic[k]] != 0 { a[ix[k]] } else { b[iy[k]] })
                            .collect(),
                    ),
                    (Data::F(a), Data::F(b)) => Data::F(
                        (0..ic.len())
                            .map(|k| if cv[ic[k]] != 0 { a[ix[k]] } else { b[iy[k]] })
                            .collect(),
                    ),
                    _ => return None,
                };
                Some(Vals {
                    dtype: x.dtype,
                    shape,
                    data,
                })
            }
            "flow.constant_of_shape" => {
                let [shape] = operands else { return None };
                let shape = self.const_vals(*shape)?;
                let dims = shape
                    .ints()?
                    .iter()
                    .map(|&d| usize::try_from(d).ok())
                    .collect::<Option<Vec<_>>>()?;
                let n = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d))?;
                if n > MAX_FOLD_ELEMENTS {
                    return None;
                }
                let value = match self.fold_attr(attrs, "value") {
                    Some(a) => Vals::from_raw(&attr_tensor(self.ctx, a)?)?,
                    None => Vals {
                        dtype: DType::F32,
                        shape: vec![1],
                        data: Data::F(vec![0.0]),
                    },
                };
                if value.len() != 1 {
                    return None;
                }
                Some(value.pick(&vec![0; n], dims))
            }
            "flow.range" => {
                let [start, limit, delta] = operands else {
                    return None;
                };
                let (s, l, d) = (
                    self.const_vals(*start)?,
                    self.const_vals(*limit)?,
                    self.const_vals(*delta)?,
                );
                if s.len() != 1
                    || l.len() != 1
                    || d.len() != 1
                    || s.dtype != l.dtype
                    || s.dtype != d.dtype
                {
                    return None;
                }
                match (&s.data, &l.data, &d.data) {
                    (Data::I(s0), Data::I(l0), Data::I(d0)) => {
                        let (s0, l0, d0) = (s0[0], l0[0], d0[0]);
                        if d0 == 0 {
                            return None;
                        }
                        let n = ((l0 - s0) as f64 / d0 as f64).ceil().max(0.0) as usize;
                        if n > MAX_FOLD_ELEMENTS {
                            return None;
                        }
                        let v = (0..n as i128).map(|i| wrap(s.dtype, s0 + i * d0)).collect();
                        Some(Vals {
                            dtype: s.dtype,
                            shape: vec![n],
                            data: Data::I(v),
                        })
                    }
                    _ => None,
                }
            }
            "flow.slice" => self.fold_slice(operands),
            _ => None,
        }
    }

    /// ONNX `Slice` (opset 13) on a constant.
    fn fold_slice(&self, operands: &[Value]) -> Option<Vals> {
        let data = self.const_vals(*operands.first()?)?;
        let read = |i: usize| -> Option<Option<Vec<i128>>> {
            match operands.get(i) {
                Some(&v) if self.ctx.element_type(self.ctx.value_type(v)).is_some() => {
                    Some(Some(self.const_vals(v)?.ints()?.to_vec()))
                }
                _ => Some(None),
            }
        };
        let starts = read(1)??;
        let ends = read(2)??;
        let rank = data.shape.len();
        let axes = read(3)?.unwrap_or_else(|| (0..starts.len() as i128).collect());
        let steps = read(4)?.unwrap_or_else(|| vec![1; starts.len()]);
        if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
            return None;
        }
        // Per axis: start, step and count.
        let mut sel: Vec<(i128, i128, usize)> = data.shape.iter().map(|&d| (0, 1, d)).collect();
        let mut seen = vec![false; rank];
        for k in 0..starts.len() {
            let axis = norm_axis(axes[k], rank)?;
            if std::mem::replace(&mut seen[axis], true) {
                return None;
            }
            let dim = data.shape[axis] as i128;
            let step = steps[k];
            if step == 0 {
                return None;
            }
            let adjust = |v: i128| if v < 0 { v + dim } else { v };
            let (start, end) = if step > 0 {
                (
                    adjust(starts[k]).clamp(0, dim),
                    adjust(ends[k]).clamp(0, dim),
                )
            } else {
                (
                    adjust(starts[k]).clamp(0, dim - 1),
                    adjust(ends[k]).clamp(-1, dim - 1),
                )
            };
            let count = if step > 0 {
                (end - start + step - 1).div_euclid(step).max(0)
            } else {
                (start - end + (-step) - 1).div_euclid(-step).max(0)
            };
            sel[axis] = (start, step, count as usize);
        }
        let shape: Vec<usize> = sel.iter().map(|s| s.2).collect();
        let n: usize = shape.iter().product();
        if n > MAX_FOLD_ELEMENTS {
            return None;
        }
        let st = strides(&data.shape);
        let ost = strides(&shape);
        let idx: Vec<usize> = (0..n)
            .map(|flat| {
                (0..rank)
                    .map(|i| {
                        let c = (flat / ost[i]) % shape[i];
                        ((sel[i].0 + c as i128 * sel[i].1) as usize) * st[i]
                    })
                    .sum()
            })
            .collect();
        Some(data.pick(&idx, shape))
    }
}
