//! Constant operands as lists of values, for folders.
//!
//! A constant is a scalar attribute (`42 : i32`, `true`, `1.5 : f16`) or a dense elements
//! attribute (`dense<[1, 2]> : tensor<2xi32>`, splat or not). Folders read it as
//! [`Elements`] of integers (wrapped to the type's width and sign-extended, as MLIR's `APInt`
//! holds them) or of floats (widened exactly to `f64`), compute element by element, and build the
//! result attribute of the result type, a splat when all results are equal.

use flowc_ir::float::{bits_from_f64, f64_from_bits};
use flowc_ir::{AttrData, Attribute, Context, FloatKind, Type, TypeData};

/// The values of a constant: one value when `splat` (scalars are splats too), else one per
/// element in row-major order.
#[derive(Clone, Debug, PartialEq)]
pub struct Elements<T> {
    pub splat: bool,
    pub values: Vec<T>,
}

impl<T: Copy> Elements<T> {
    pub fn splat(value: T) -> Self {
        Elements {
            splat: true,
            values: vec![value],
        }
    }

    /// The single value when every element is the same.
    pub fn splat_value(&self) -> Option<T>
    where
        T: PartialEq,
    {
        let first = *self.values.first()?;
        self.values.iter().all(|v| *v == first).then_some(first)
    }

    /// Applies `f` to every value; `None` when `f` refuses any.
    pub fn map<R>(&self, mut f: impl FnMut(T) -> Option<R>) -> Option<Elements<R>> {
        let values = self
            .values
            .iter()
            .map(|&v| f(v))
            .collect::<Option<Vec<R>>>()?;
        Some(Elements {
            splat: self.splat,
            values,
        })
    }

    /// Combines two constants of the same shape element by element.
    pub fn zip<U: Copy, R>(
        &self,
        other: &Elements<U>,
        mut f: impl FnMut(T, U) -> Option<R>,
    ) -> Option<Elements<R>> {
        if self.splat && other.splat {
            return Some(Elements {
                splat: true,
                values: vec![f(self.values[0], other.values[0])?],
            });
        }
        let n = if self.splat {
            other.values.len()
        } else {
            self.values.len()
        };
        if !self.splat && !other.splat && self.values.len() != other.values.len() {
            return None;
        }
        let get_a = |i: usize| {
            if self.splat {
                self.values[0]
            } else {
                self.values[i]
            }
        };
        let get_b = |i: usize| {
            if other.splat {
                other.values[0]
            } else {
                other.values[i]
            }
        };
        let values = (0..n)
            .map(|i| f(get_a(i), get_b(i)))
            .collect::<Option<Vec<R>>>()?;
        Some(Elements {
            splat: false,
            values,
        })
    }

    /// Combines three constants of the same shape element by element.
    pub fn zip3<U: Copy, V: Copy, R>(
        &self,
        b: &Elements<U>,
        c: &Elements<V>,
        mut f: impl FnMut(T, U, V) -> Option<R>,
    ) -> Option<Elements<R>> {
        let ab = self.zip(b, |x, y| Some((x, y)))?;
        ab.zip(c, |(x, y), z| f(x, y, z))
    }
}

/// The bit width used to fold an integer-like element type (`index` folds as 64 bits), when it
/// is at most 64.
pub fn int_width(ctx: &Context, elem: Type) -> Option<u32> {
    let w = match ctx.type_data(elem) {
        TypeData::Integer { width, .. } => *width,
        TypeData::Index => 64,
        _ => return None,
    };
    (1..=64).contains(&w).then_some(w)
}

/// `v` wrapped to `width` bits and sign-extended.
pub fn wrap(v: i128, width: u32) -> i128 {
    let s = 128 - width;
    (v << s) >> s
}

/// The unsigned value of the low `width` bits of `v`.
pub fn to_unsigned(v: i128, width: u32) -> u128 {
    (v as u128) & (u128::MAX >> (128 - width))
}

/// The element type and the little-endian element bytes / splat flag of a constant attribute,
/// or, for scalars, the scalar's raw bits.
fn raw(ctx: &Context, attr: Attribute) -> Option<(Type, Elements<u128>)> {
    match ctx.attr_data(attr) {
        AttrData::Integer { value, ty } => Some((*ty, Elements::splat(*value as u128))),
        AttrData::Float { bits, ty } => Some((*ty, Elements::splat(*bits as u128))),
        AttrData::Bool(b) => {
            let i1 = ctx.lookup_type(&TypeData::Integer {
                width: 1,
                signedness: flowc_ir::Signedness::Signless,
            })?;
            Some((i1, Elements::splat(*b as u128)))
        }
        AttrData::DenseElements { ty, splat, data } => {
            let elem = ctx.element_type(*ty)?;
            let width = ctx.scalar_byte_width(elem)?;
            if width == 0 || width > 16 || (ctx.num_elements(*ty)? == 0 && !*splat) {
                return None;
            }
            let read = |chunk: &[u8]| {
                let mut b = [0u8; 16];
                b[..chunk.len()].copy_from_slice(chunk);
                u128::from_le_bytes(b)
            };
            let values: Vec<u128> = data.chunks_exact(width).map(read).collect();
            if values.is_empty() || (*splat && values.len() != 1) {
                return None;
            }
            if !*splat && values.len() as u64 != ctx.num_elements(*ty)? {
                return None;
            }
            Some((
                elem,
                Elements {
                    splat: *splat,
                    values,
                },
            ))
        }
        _ => None,
    }
}

/// An integer (or index) constant: its element width and its values, wrapped and sign-extended.
pub fn int_elements(ctx: &Context, attr: Attribute) -> Option<(u32, Elements<i128>)> {
    let (elem, raw) = raw(ctx, attr)?;
    let width = int_width(ctx, elem)?;
    Some((width, raw.map(|v| Some(wrap(v as i128, width)))?))
}

/// A float constant: its format and its values widened to `f64`.
pub fn float_elements(ctx: &Context, attr: Attribute) -> Option<(FloatKind, Elements<f64>)> {
    let (elem, raw) = raw(ctx, attr)?;
    let kind = ctx.float_kind(elem)?;
    Some((kind, raw.map(|v| Some(f64_from_bits(kind, v as u64)))?))
}

/// The raw bits of each element (for bitcasts), with the element type.
pub fn bit_elements(ctx: &Context, attr: Attribute) -> Option<(Type, Elements<u128>)> {
    let (elem, raw) = raw(ctx, attr)?;
    let bits = match ctx.type_data(elem) {
        TypeData::Integer { width, .. } if *width <= 64 => *width,
        TypeData::Float(k) => k.width(),
        _ => return None,
    };
    Some((elem, raw.map(|v| Some(v & (u128::MAX >> (128 - bits))))?))
}

/// The splat value of an integer constant (scalar, splat, or all elements equal).
pub fn splat_int(ctx: &Context, attr: Attribute) -> Option<i128> {
    int_elements(ctx, attr)?.1.splat_value()
}

/// The splat value of a float constant, as `f64` bits so that `-0.0` and NaNs compare exactly.
pub fn splat_float(ctx: &Context, attr: Attribute) -> Option<f64> {
    let (_, e) = float_elements(ctx, attr)?;
    let first = *e.values.first()?;
    e.values
        .iter()
        .all(|v| v.to_bits() == first.to_bits())
        .then_some(first)
}

/// Builds a constant of type `ty` (a scalar or a statically shaped tensor / vector) from raw
/// element bits: a scalar attribute, or a dense attribute (a splat when all values are equal).
fn build(ctx: &mut Context, ty: Type, values: &Elements<u128>) -> Option<Attribute> {
    let elem = ctx.element_type_or_self(ty);
    let scalar = |ctx: &mut Context, v: u128| -> Option<Attribute> {
        match ctx.type_data(elem) {
            TypeData::Float(_) => Some(ctx.intern_attr(AttrData::Float {
                bits: v as u64,
                ty: elem,
            })),
            TypeData::Integer { .. } | TypeData::Index => Some(ctx.integer_attr(elem, v as i128)),
            _ => None,
        }
    };
    if elem == ty {
        if values.values.len() != 1 {
            return None;
        }
        return scalar(ctx, values.values[0]);
    }
    if !matches!(
        ctx.type_data(ty),
        TypeData::RankedTensor { .. } | TypeData::Vector { .. }
    ) {
        return None;
    }
    let n = ctx.num_elements(ty)?;
    let width = ctx.scalar_byte_width(elem)?;
    let all_equal = values.values.iter().all(|v| *v == values.values[0]);
    if values.values.is_empty() || (!values.splat && values.values.len() as u64 != n) {
        return None;
    }
    let encode = |ctx: &mut Context, v: u128| -> Option<Vec<u8>> {
        let a = scalar(ctx, v)?;
        ctx.scalar_bytes(elem, a)
    };
    if values.splat || all_equal {
        let data = encode(ctx, values.values[0])?;
        debug_assert_eq!(data.len(), width);
        return Some(ctx.intern_attr(AttrData::DenseElements {
            ty,
            splat: true,
            data,
        }));
    }
    let mut data = Vec::with_capacity(width * values.values.len());
    for &v in &values.values {
        data.extend(encode(ctx, v)?);
    }
    Some(ctx.intern_attr(AttrData::DenseElements {
        ty,
        splat: false,
        data,
    }))
}

/// An integer constant of type `ty` (integer / index scalar or a shaped type of them).
pub fn int_attr(ctx: &mut Context, ty: Type, values: &Elements<i128>) -> Option<Attribute> {
    let raw = values.map(|v| Some(v as u128))?;
    build(ctx, ty, &raw)
}

/// A float constant of type `ty`, each value rounded to the element format.
pub fn float_attr(ctx: &mut Context, ty: Type, values: &Elements<f64>) -> Option<Attribute> {
    let kind = ctx.float_kind(ctx.element_type_or_self(ty))?;
    let raw = values.map(|v| Some(bits_from_f64(kind, v) as u128))?;
    build(ctx, ty, &raw)
}

/// A constant of type `ty` from raw element bits.
pub fn bits_attr(ctx: &mut Context, ty: Type, values: &Elements<u128>) -> Option<Attribute> {
    build(ctx, ty, values)
}

/// The type a constant attribute has (`i1` for `true` / `false`).
pub fn constant_type(ctx: &Context, attr: Attribute) -> Option<Type> {
    match ctx.attr_data(attr) {
        AttrData::Bool(_) => ctx.lookup_type(&TypeData::Integer {
            width: 1,
            signedness: flowc_ir::Signedness::Signless,
        }),
        _ => ctx.attr_type(attr),
    }
}
