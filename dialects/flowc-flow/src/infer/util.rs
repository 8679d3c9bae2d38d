//! Shapes, dims and constant values for inference.

use crate::dtype::{DType, DTypeIr};
use flowc_ir::float::f64_from_bits;
use flowc_ir::{AttrData, Attribute, Context, DYNAMIC, FloatKind, Type, TypeData};

/// A dynamic (`?`) dimension.
pub const DYN: i64 = DYNAMIC;

/// Constants larger than this are not read (a value-dependent shape then becomes `?`).
const MAX_CONST_ELEMENTS: u64 = 1 << 16;

/// A tensor type as inference sees it: an element type and a shape (`None`: unranked).
/// Dynamic dims are [`DYN`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorInfo {
    pub dt: DType,
    pub shape: Option<Vec<i64>>,
}

impl TensorInfo {
    pub fn new(dt: DType, shape: Option<Vec<i64>>) -> Self {
        TensorInfo { dt, shape }
    }

    pub fn ranked(dt: DType, shape: Vec<i64>) -> Self {
        TensorInfo {
            dt,
            shape: Some(shape),
        }
    }

    pub fn unranked(dt: DType) -> Self {
        TensorInfo { dt, shape: None }
    }

    pub fn rank(&self) -> Option<usize> {
        self.shape.as_ref().map(Vec::len)
    }

    pub fn dims(&self) -> Option<&[i64]> {
        self.shape.as_deref()
    }

    /// The same shape with another element type.
    pub fn with_dt(&self, dt: DType) -> Self {
        TensorInfo {
            dt,
            shape: self.shape.clone(),
        }
    }

    /// The number of elements when the shape is static.
    pub fn num_elements(&self) -> Option<i64> {
        let mut n: i64 = 1;
        for &d in self.dims()? {
            if d < 0 {
                return None;
            }
            n = n.checked_mul(d)?;
        }
        Some(n)
    }

    /// Reads a tensor type; `None` for other types or element types `flow` has no name for.
    pub fn from_type(ctx: &Context, ty: Type) -> Option<Self> {
        match ctx.type_data(ty) {
            TypeData::RankedTensor {
                shape,
                element,
                encoding: None,
            } => Some(TensorInfo {
                dt: DType::from_type(ctx, *element)?,
                shape: Some(shape.iter().map(|&d| if d < 0 { DYN } else { d }).collect()),
            }),
            TypeData::UnrankedTensor { element } => Some(TensorInfo {
                dt: DType::from_type(ctx, *element)?,
                shape: None,
            }),
            _ => None,
        }
    }

    pub fn to_type(&self, ctx: &mut Context) -> Type {
        let element = self.dt.to_type(ctx);
        match &self.shape {
            Some(shape) => ctx.tensor_type(shape.clone(), element),
            None => ctx.intern_type(TypeData::UnrankedTensor { element }),
        }
    }

    /// Whether a value of type `other` may hold what this type says: same element type, and
    /// where both are ranked the same rank and equal static dims (`?` matches anything).
    pub fn compatible(&self, other: &TensorInfo) -> bool {
        if self.dt != other.dt {
            return false;
        }
        match (&self.shape, &other.shape) {
            (Some(a), Some(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| x < 0 || y < 0 || x == y)
            }
            _ => true,
        }
    }
}

impl std::fmt::Display for TensorInfo {
    /// MLIR's spelling: `tensor<2x?xf32>`, `tensor<f32>`, `tensor<*xf32>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("tensor<")?;
        match &self.shape {
            None => f.write_str("*x")?,
            Some(shape) => {
                for &d in shape {
                    if d < 0 {
                        f.write_str("?x")?;
                    } else {
                        write!(f, "{d}x")?;
                    }
                }
            }
        }
        write!(f, "{}>", self.dt.mlir_name())
    }
}

/// Numpy broadcasting of two shapes; `None` when static dims disagree. A `?` against `1` or
/// `?` stays `?`; against a static `n > 1` it is `n` (anything else would be an error).
pub fn broadcast_dims(a: &[i64], b: &[i64]) -> Option<Vec<i64>> {
    let rank = a.len().max(b.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        let x = if i + a.len() >= rank {
            a[i + a.len() - rank]
        } else {
            1
        };
        let y = if i + b.len() >= rank {
            b[i + b.len() - rank]
        } else {
            1
        };
        out[i] = match (x, y) {
            (1, y) => y,
            (x, 1) => x,
            (x, y) if x < 0 && y < 0 => DYN,
            (x, y) if x < 0 => y,
            (x, y) if y < 0 => x,
            (x, y) if x == y => x,
            _ => return None,
        };
    }
    Some(out)
}

/// Whether `from` broadcasts to `to` alone (ONNX's unidirectional broadcasting): trailing
/// aligned, each dim of `from` is 1, `?`, or equal to (or unknown against) `to`'s.
pub fn unidirectional_ok(from: &[i64], to: &[i64]) -> bool {
    if from.len() > to.len() {
        return false;
    }
    let off = to.len() - from.len();
    from.iter()
        .enumerate()
        .all(|(i, &d)| d == 1 || d < 0 || to[off + i] < 0 || to[off + i] == d)
}

/// Two sizes of one dimension merged: `?` yields to the other; `None` when static sizes differ.
pub fn merge_dim(a: i64, b: i64) -> Option<i64> {
    match (a, b) {
        (a, b) if a < 0 => Some(b),
        (a, b) if b < 0 => Some(a),
        (a, b) if a == b => Some(a),
        _ => None,
    }
}

/// Two shapes of one value merged dim by dim ([`merge_dim`]); `None` when the ranks or static
/// dims differ.
pub fn merge_dims(a: &[i64], b: &[i64]) -> Option<Vec<i64>> {
    if a.len() != b.len() {
        return None;
    }
    a.iter().zip(b).map(|(&x, &y)| merge_dim(x, y)).collect()
}

/// `a / b` on dims when `b` divides `a` exactly: `Ok(DYN)` if `a` is dynamic, an error
/// naming `what` if `b` does not divide a static `a` (or is not positive).
pub fn dim_div_exact(a: i64, b: i64, what: &str) -> Result<i64, String> {
    if b <= 0 {
        return Err(format!("{what}: cannot divide by {b}"));
    }
    if a < 0 {
        return Ok(DYN);
    }
    if a % b != 0 {
        return Err(format!("{what}: {a} is not divisible by {b}"));
    }
    Ok(a / b)
}

/// Normalizes an axis in `[-rank, rank - 1]`.
pub fn norm_axis(axis: i64, rank: usize, what: &str) -> Result<usize, String> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(format!(
            "{what} {axis} is out of range [{}, {}] for rank {rank}",
            -r,
            r - 1
        ));
    }
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

/// Normalized, distinct axes.
pub fn norm_axes(axes: &[i64], rank: usize, what: &str) -> Result<Vec<usize>, String> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let n = norm_axis(a, rank, what)?;
        if out.contains(&n) {
            return Err(format!("axes contain {a} more than once"));
        }
        out.push(n);
    }
    Ok(out)
}

/// The product of dims, `DYN` if any is dynamic; an error when it overflows.
pub fn product(dims: &[i64]) -> Result<i64, String> {
    if dims.contains(&0) {
        return Ok(0);
    }
    if dims.iter().any(|&d| d < 0) {
        return Ok(DYN);
    }
    dims.iter().try_fold(1i64, |acc, &d| {
        acc.checked_mul(d)
            .ok_or_else(|| "the number of elements overflows i64".to_string())
    })
}

/// `a + b` on dims (`DYN` if either is).
pub fn dim_add(a: i64, b: i64) -> Result<i64, String> {
    if a < 0 || b < 0 {
        return Ok(DYN);
    }
    a.checked_add(b)
        .ok_or_else(|| "dimension overflows i64".to_string())
}

/// `a * b` on dims (`DYN` if either is, unless one is 0).
pub fn dim_mul(a: i64, b: i64) -> Result<i64, String> {
    if a == 0 || b == 0 {
        return Ok(0);
    }
    if a < 0 || b < 0 {
        return Ok(DYN);
    }
    a.checked_mul(b)
        .ok_or_else(|| "dimension overflows i64".to_string())
}

/// Dims as text for messages: `[2, ?, 3]`.
pub fn dims_str(dims: &[i64]) -> String {
    let parts: Vec<String> = dims
        .iter()
        .map(|&d| {
            if d < 0 {
                "?".to_string()
            } else {
                d.to_string()
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// The values of a constant (dense elements, splat or not, dense resource, or a scalar
/// integer / float attribute) as `f64`, or `None` when it is not readable or too large.
pub fn const_f64s(ctx: &Context, attr: Attribute) -> Option<Vec<f64>> {
    read_const(ctx, attr, |dt, raw| match dt {
        DType::F16 => f64_from_bits(FloatKind::F16, raw),
        DType::BF16 => f64_from_bits(FloatKind::BF16, raw),
        DType::F32 => f64_from_bits(FloatKind::F32, raw),
        DType::F64 => f64::from_bits(raw),
        _ => int_of(dt, raw) as f64,
    })
}

/// The values of an integer (or bool) constant as `i64` (`ui64` values above `i64::MAX`
/// saturate); floats are not read.
pub fn const_i64s(ctx: &Context, attr: Attribute) -> Option<Vec<i64>> {
    let dt = const_dt(ctx, attr)?;
    if dt.is_float() {
        return None;
    }
    read_const(ctx, attr, int_of)
}

fn int_of(dt: DType, raw: u64) -> i64 {
    match dt {
        DType::I8 => raw as u8 as i8 as i64,
        DType::I16 => raw as u16 as i16 as i64,
        DType::I32 => raw as u32 as i32 as i64,
        DType::I64 => raw as i64,
        DType::U8 => raw as u8 as i64,
        DType::U16 => raw as u16 as i64,
        DType::U32 => raw as u32 as i64,
        DType::U64 => i64::try_from(raw).unwrap_or(i64::MAX),
        DType::Bool => (raw & 1) as i64,
        _ => 0,
    }
}

fn const_dt(ctx: &Context, attr: Attribute) -> Option<DType> {
    let ty = ctx.attr_type(attr)?;
    DType::from_type(ctx, ctx.element_type_or_self(ty))
}

fn read_const<T>(ctx: &Context, attr: Attribute, conv: impl Fn(DType, u64) -> T) -> Option<Vec<T>> {
    let dt = const_dt(ctx, attr)?;
    let width = match dt {
        DType::Bool | DType::I8 | DType::U8 => 1,
        DType::F16 | DType::BF16 | DType::I16 | DType::U16 => 2,
        DType::F32 | DType::I32 | DType::U32 => 4,
        DType::F64 | DType::I64 | DType::U64 => 8,
    };
    let elem = |bytes: &[u8]| {
        let mut b = [0u8; 8];
        b[..width].copy_from_slice(&bytes[..width]);
        conv(dt, u64::from_le_bytes(b))
    };
    let (ty, splat, data): (Type, bool, &[u8]) = match ctx.attr_data(attr) {
        AttrData::Integer { value, .. } => return Some(vec![conv(dt, *value as u64)]),
        AttrData::Float { bits, .. } => return Some(vec![conv(dt, *bits)]),
        AttrData::DenseElements { ty, splat, data } => (*ty, *splat, data),
        AttrData::DenseResource { name, ty } => (*ty, false, &ctx.resource(name)?.data),
        _ => return None,
    };
    let n = ctx.num_elements(ty)?;
    if n > MAX_CONST_ELEMENTS {
        return None;
    }
    let n = n as usize;
    if splat {
        if data.len() < width {
            return None;
        }
        return Some((0..n).map(|_| elem(data)).collect());
    }
    if data.len() < n * width {
        return None;
    }
    Some(data.chunks_exact(width).take(n).map(elem).collect())
}
