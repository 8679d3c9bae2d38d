//! The host tensor.

use crate::{DType, Element, TensorData, TensorError, match_data, with_dtype};
use half::{bf16, f16};

/// A dense, row-major (C order) host tensor.
///
/// Storage is a typed vector per dtype ([`TensorData`]), so typed views are safe and aligned;
/// [`Tensor::to_bytes_le`] / [`Tensor::from_bytes_le`] convert to and from ONNX's raw layout
/// (little-endian, row-major; bool as one byte). The invariant `data.len() == product(shape)`
/// is kept by every constructor, which is why the fields are private.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    shape: Vec<usize>,
    data: TensorData,
}

/// The number of elements of `shape` (1 for rank 0), or an error when the product overflows.
pub fn num_elements(shape: &[usize]) -> Result<usize, TensorError> {
    shape.iter().try_fold(1usize, |acc, &d| {
        acc.checked_mul(d)
            .ok_or_else(|| TensorError::Overflow(format!("shape {shape:?} has too many elements")))
    })
}

macro_rules! typed_ctor {
    ($name:ident, $t:ty) => {
        #[doc = concat!("A tensor of `", stringify!($t), "` elements; errors when the length does not match the shape.")]
        pub fn $name(shape: Vec<usize>, values: Vec<$t>) -> Result<Tensor, TensorError> {
            Tensor::from_vec(shape, values)
        }
    };
}

impl Tensor {
    /// A tensor from storage; errors when the length does not match the shape.
    pub fn new(shape: Vec<usize>, data: TensorData) -> Result<Tensor, TensorError> {
        let n = num_elements(&shape)?;
        if n != data.len() {
            return Err(TensorError::Shape(format!(
                "shape {shape:?} needs {n} elements, got {}",
                data.len()
            )));
        }
        Ok(Tensor { shape, data })
    }

    pub fn from_vec<T: Element>(shape: Vec<usize>, values: Vec<T>) -> Result<Tensor, TensorError> {
        Tensor::new(shape, T::into_data(values))
    }

    typed_ctor!(from_f16, f16);
    typed_ctor!(from_bf16, bf16);
    typed_ctor!(from_f32, f32);
    typed_ctor!(from_f64, f64);
    typed_ctor!(from_i8, i8);
    typed_ctor!(from_i16, i16);
    typed_ctor!(from_i32, i32);
    typed_ctor!(from_i64, i64);
    typed_ctor!(from_u8, u8);
    typed_ctor!(from_u16, u16);
    typed_ctor!(from_u32, u32);
    typed_ctor!(from_u64, u64);
    typed_ctor!(from_bool, bool);

    /// A rank-0 tensor.
    pub fn scalar<T: Element>(value: T) -> Tensor {
        Tensor {
            shape: Vec::new(),
            data: T::into_data(vec![value]),
        }
    }

    /// A tensor of zeros (`false` for bool).
    pub fn zeros(dtype: DType, shape: Vec<usize>) -> Result<Tensor, TensorError> {
        let n = num_elements(&shape)?;
        Ok(Tensor {
            shape,
            data: TensorData::zeros(dtype, n),
        })
    }

    /// A tensor filled with `value`.
    pub fn full<T: Element>(shape: Vec<usize>, value: T) -> Result<Tensor, TensorError> {
        let n = num_elements(&shape)?;
        Ok(Tensor {
            shape,
            data: T::into_data(vec![value; n]),
        })
    }

    /// Reads ONNX raw data: `bytes` holds the elements little-endian, row-major (bool: one
    /// byte each, non-zero is true). Errors when the byte count does not match.
    pub fn from_bytes_le(
        dtype: DType,
        shape: Vec<usize>,
        bytes: &[u8],
    ) -> Result<Tensor, TensorError> {
        let n = num_elements(&shape)?;
        let size = dtype.size_bytes();
        let expected = n
            .checked_mul(size)
            .ok_or_else(|| TensorError::Overflow(format!("shape {shape:?} has too many bytes")))?;
        if bytes.len() != expected {
            return Err(TensorError::Shape(format!(
                "{dtype} tensor of shape {shape:?} needs {expected} bytes, got {}",
                bytes.len()
            )));
        }
        let data = with_dtype!(dtype, T => T::into_data(bytes.chunks_exact(size).map(T::read_le).collect()));
        Ok(Tensor { shape, data })
    }

    /// The elements as little-endian bytes, row-major (bool: one byte, 0 or 1).
    pub fn to_bytes_le(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() * self.dtype().size_bytes());
        match_data!(&self.data, v => {
            for &x in v.iter() {
                x.write_le(&mut out);
            }
        });
        out
    }

    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The number of elements (same as [`Tensor::len`]).
    pub fn num_elements(&self) -> usize {
        self.data.len()
    }

    pub fn data(&self) -> &TensorData {
        &self.data
    }

    pub fn into_data(self) -> TensorData {
        self.data
    }

    /// Splits into shape and storage.
    pub fn into_parts(self) -> (Vec<usize>, TensorData) {
        (self.shape, self.data)
    }

    /// A typed view; errors when `T` is not the tensor's element type.
    pub fn as_slice<T: Element>(&self) -> Result<&[T], TensorError> {
        T::slice(&self.data).ok_or(TensorError::DType {
            expected: T::DTYPE,
            actual: self.dtype(),
        })
    }

    /// A mutable typed view; errors when `T` is not the tensor's element type.
    pub fn as_slice_mut<T: Element>(&mut self) -> Result<&mut [T], TensorError> {
        let actual = self.dtype();
        T::slice_mut(&mut self.data).ok_or(TensorError::DType {
            expected: T::DTYPE,
            actual,
        })
    }

    /// Takes the typed vector out; errors when `T` is not the element type.
    pub fn into_vec<T: Element>(self) -> Result<Vec<T>, TensorError> {
        T::from_data(self.data).map_err(|d| TensorError::DType {
            expected: T::DTYPE,
            actual: d.dtype(),
        })
    }

    /// The same elements under a new shape with the same element count.
    pub fn reshape(self, shape: Vec<usize>) -> Result<Tensor, TensorError> {
        Tensor::new(shape, self.data)
    }

    /// Element `i` (row-major) widened to `f64`.
    pub fn get_f64(&self, i: usize) -> Option<f64> {
        self.data.get_f64(i)
    }

    /// All elements widened to `f64` (integers above 2^53 lose precision).
    pub fn to_f64_vec(&self) -> Vec<f64> {
        match_data!(&self.data, v => v.iter().map(|x| x.to_f64()).collect())
    }

    /// Integer or bool elements as `i64` (u64 above `i64::MAX` wraps); errors for floats.
    pub fn to_i64_vec(&self) -> Result<Vec<i64>, TensorError> {
        Ok(match &self.data {
            TensorData::I8(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::I16(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::I32(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::I64(v) => v.clone(),
            TensorData::U8(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::U16(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::U32(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::U64(v) => v.iter().map(|&x| x as i64).collect(),
            TensorData::Bool(v) => v.iter().map(|&x| x as i64).collect(),
            other => {
                return Err(TensorError::Unsupported(format!(
                    "expected an integer tensor, got {}",
                    other.dtype()
                )));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn construct_and_view() {
        let t = Tensor::from_f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]).unwrap();
        assert_eq!(t.dtype(), DType::F32);
        assert_eq!(t.shape(), &[2, 3]);
        assert_eq!(t.as_slice::<f32>().unwrap()[4], 5.0);
        assert!(t.as_slice::<f64>().is_err());
        assert!(Tensor::from_f32(vec![2, 2], vec![1.0]).is_err());
        let s = Tensor::scalar(7i64);
        assert_eq!(s.rank(), 0);
        assert_eq!(s.len(), 1);
        let e = Tensor::from_i32(vec![0, 5], vec![]).unwrap();
        assert!(e.is_empty());
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(num_elements(&[usize::MAX, 2]).is_err());
        assert!(Tensor::zeros(DType::F32, vec![usize::MAX / 2, 4]).is_err());
        assert!(Tensor::from_bytes_le(DType::F64, vec![usize::MAX / 4], &[]).is_err());
        assert_eq!(num_elements(&[]).unwrap(), 1);
        assert_eq!(num_elements(&[3, 0, usize::MAX]).unwrap(), 0);
    }

    #[test]
    fn bytes_round_trip_every_dtype() {
        for dtype in DType::ALL {
            let n = 3;
            let bytes: Vec<u8> = (0..n * dtype.size_bytes())
                .map(|i| {
                    if dtype == DType::Bool {
                        (i % 2) as u8
                    } else {
                        (i * 37 + 1) as u8
                    }
                })
                .collect();
            let t = Tensor::from_bytes_le(dtype, vec![n], &bytes).unwrap();
            assert_eq!(t.dtype(), dtype);
            assert_eq!(t.to_bytes_le(), bytes, "{dtype}");
            assert_eq!(DType::from_onnx_code(dtype.onnx_code()), Some(dtype));
            assert_eq!(DType::from_name(dtype.name()), Some(dtype));
            assert_eq!(DType::from_name(dtype.mlir_name()), Some(dtype));
        }
        assert!(Tensor::from_bytes_le(DType::I32, vec![2], &[0; 7]).is_err());
        assert_eq!(DType::from_onnx_code(8), None);
    }

    #[test]
    fn little_endian_layout() {
        let t = Tensor::from_i32(vec![2], vec![1, -2]).unwrap();
        assert_eq!(t.to_bytes_le(), vec![1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
        let h = Tensor::from_f16(vec![1], vec![f16::from_f32(1.0)]).unwrap();
        assert_eq!(h.to_bytes_le(), vec![0x00, 0x3c]);
        let b = Tensor::from_bytes_le(DType::Bool, vec![3], &[0, 1, 2]).unwrap();
        assert_eq!(b.as_slice::<bool>().unwrap(), &[false, true, true]);
        assert_eq!(b.to_bytes_le(), vec![0, 1, 1]);
    }

    #[test]
    fn conversions() {
        let t = Tensor::from_u8(vec![3], vec![1, 2, 255]).unwrap();
        assert_eq!(t.to_i64_vec().unwrap(), vec![1, 2, 255]);
        assert_eq!(t.to_f64_vec(), vec![1.0, 2.0, 255.0]);
        assert!(Tensor::scalar(1.0f32).to_i64_vec().is_err());
        let r = t.clone().reshape(vec![1, 3]).unwrap();
        assert_eq!(r.shape(), &[1, 3]);
        assert!(t.reshape(vec![2]).is_err());
    }
}
