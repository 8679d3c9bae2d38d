//! Typed element storage: the [`Element`] trait and the [`TensorData`] enum.

use crate::DType;
use half::{bf16, f16};

/// The storage of a tensor: one typed `Vec` per dtype.
///
/// Keeping elements in typed vectors (rather than a `Vec<u8>`) gives safe, aligned `&[T]` views
/// without `unsafe` code; bytes are produced on demand by [`crate::Tensor::to_bytes_le`].
#[derive(Clone, Debug, PartialEq)]
pub enum TensorData {
    F16(Vec<f16>),
    BF16(Vec<bf16>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    Bool(Vec<bool>),
}

/// `match_data!(data, v => expr)` evaluates `expr` with `v` bound to the typed `Vec` inside a
/// [`TensorData`] (or a reference to it, following the match ergonomics of `data`), for every
/// variant. `expr` is compiled once per element type, so it can call generic code.
#[macro_export]
macro_rules! match_data {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            $crate::TensorData::F16($v) => $body,
            $crate::TensorData::BF16($v) => $body,
            $crate::TensorData::F32($v) => $body,
            $crate::TensorData::F64($v) => $body,
            $crate::TensorData::I8($v) => $body,
            $crate::TensorData::I16($v) => $body,
            $crate::TensorData::I32($v) => $body,
            $crate::TensorData::I64($v) => $body,
            $crate::TensorData::U8($v) => $body,
            $crate::TensorData::U16($v) => $body,
            $crate::TensorData::U32($v) => $body,
            $crate::TensorData::U64($v) => $body,
            $crate::TensorData::Bool($v) => $body,
        }
    };
}

/// `with_dtype!(dtype, T => expr)` evaluates `expr` with the type alias `T` set to the Rust
/// element type of `dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            $crate::DType::F16 => {
                type $t = $crate::half::f16;
                $body
            }
            $crate::DType::BF16 => {
                type $t = $crate::half::bf16;
                $body
            }
            $crate::DType::F32 => {
                type $t = f32;
                $body
            }
            $crate::DType::F64 => {
                type $t = f64;
                $body
            }
            $crate::DType::I8 => {
                type $t = i8;
                $body
            }
            $crate::DType::I16 => {
                type $t = i16;
                $body
            }
            $crate::DType::I32 => {
                type $t = i32;
                $body
            }
            $crate::DType::I64 => {
                type $t = i64;
                $body
            }
            $crate::DType::U8 => {
                type $t = u8;
                $body
            }
            $crate::DType::U16 => {
                type $t = u16;
                $body
            }
            $crate::DType::U32 => {
                type $t = u32;
                $body
            }
            $crate::DType::U64 => {
                type $t = u64;
                $body
            }
            $crate::DType::Bool => {
                type $t = bool;
                $body
            }
        }
    };
}

impl TensorData {
    pub fn dtype(&self) -> DType {
        match self {
            TensorData::F16(_) => DType::F16,
            TensorData::BF16(_) => DType::BF16,
            TensorData::F32(_) => DType::F32,
            TensorData::F64(_) => DType::F64,
            TensorData::I8(_) => DType::I8,
            TensorData::I16(_) => DType::I16,
            TensorData::I32(_) => DType::I32,
            TensorData::I64(_) => DType::I64,
            TensorData::U8(_) => DType::U8,
            TensorData::U16(_) => DType::U16,
            TensorData::U32(_) => DType::U32,
            TensorData::U64(_) => DType::U64,
            TensorData::Bool(_) => DType::Bool,
        }
    }

    pub fn len(&self) -> usize {
        match_data!(self, v => v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `n` zeros (`false` for bool) of `dtype`.
    pub fn zeros(dtype: DType, n: usize) -> TensorData {
        with_dtype!(dtype, T => T::into_data(vec![T::default(); n]))
    }

    /// Element `i` widened to `f64` (integers above 2^53 lose precision; bool is 0 / 1).
    pub fn get_f64(&self, i: usize) -> Option<f64> {
        match_data!(self, v => v.get(i).map(|x| x.to_f64()))
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that can be a tensor element. Implemented for `half::f16`, `half::bf16`, `f32`,
/// `f64`, `i8`..`i64`, `u8`..`u64` and `bool`; sealed.
pub trait Element:
    Copy + Default + PartialEq + PartialOrd + std::fmt::Debug + Send + Sync + 'static + sealed::Sealed
{
    const DTYPE: DType;
    /// Bytes per element.
    const SIZE: usize;
    fn into_data(v: Vec<Self>) -> TensorData;
    fn slice(d: &TensorData) -> Option<&[Self]>;
    fn slice_mut(d: &mut TensorData) -> Option<&mut [Self]>;
    /// Takes the vector out of `d` when it holds this type, or gives `d` back.
    fn from_data(d: TensorData) -> Result<Vec<Self>, TensorData>;
    /// Appends the little-endian bytes.
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads from exactly [`Element::SIZE`] little-endian bytes (bool: non-zero is true).
    fn read_le(b: &[u8]) -> Self;
    /// The value as `f64` (exact except for integers above 2^53; bool is 0 / 1).
    fn to_f64(self) -> f64;
}

macro_rules! impl_element {
    ($t:ty, $variant:ident, $size:expr, |$s:ident| $to_f64:expr, |$b:ident| $read:expr, |$w:ident| $bytes:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$variant;
            const SIZE: usize = $size;
            fn into_data(v: Vec<Self>) -> TensorData {
                TensorData::$variant(v)
            }
            fn slice(d: &TensorData) -> Option<&[Self]> {
                match d {
                    TensorData::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn slice_mut(d: &mut TensorData) -> Option<&mut [Self]> {
                match d {
                    TensorData::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn from_data(d: TensorData) -> Result<Vec<Self>, TensorData> {
                match d {
                    TensorData::$variant(v) => Ok(v),
                    other => Err(other),
                }
            }
            fn write_le(self, out: &mut Vec<u8>) {
                let $w = self;
                out.extend_from_slice(&$bytes);
            }
            fn read_le($b: &[u8]) -> Self {
                $read
            }
            fn to_f64(self) -> f64 {
                let $s = self;
                $to_f64
            }
        }
    };
}

macro_rules! impl_prim {
    ($t:ty, $variant:ident) => {
        impl_element!(
            $t,
            $variant,
            std::mem::size_of::<$t>(),
            |s| s as f64,
            |b| {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            },
            |w| w.to_le_bytes()
        );
    };
}

impl_prim!(f32, F32);
impl_prim!(f64, F64);
impl_prim!(i8, I8);
impl_prim!(i16, I16);
impl_prim!(i32, I32);
impl_prim!(i64, I64);
impl_prim!(u8, U8);
impl_prim!(u16, U16);
impl_prim!(u32, U32);
impl_prim!(u64, U64);
impl_element!(
    f16,
    F16,
    2,
    |s| s.to_f64(),
    |b| f16::from_bits(u16::from_le_bytes([b[0], b[1]])),
    |w| w.to_bits().to_le_bytes()
);
impl_element!(
    bf16,
    BF16,
    2,
    |s| s.to_f64(),
    |b| bf16::from_bits(u16::from_le_bytes([b[0], b[1]])),
    |w| w.to_bits().to_le_bytes()
);
impl_element!(bool, Bool, 1, |s| s as u8 as f64, |b| b[0] != 0, |w| [
    w as u8
]);
