//! flowc's host tensor, shared by the ONNX importer, the reference interpreter and the driver.
//!
//! - [`DType`]: the element types (f16, bf16, f32, f64, i8..i64, u8..u64, bool) with their
//!   sizes, ONNX `TensorProto.DataType` codes and names.
//! - [`Tensor`]: a dense row-major tensor. Elements live in a typed vector per dtype
//!   ([`TensorData`]), not in raw bytes, so typed views ([`Tensor::as_slice`]) are safe and
//!   aligned without `unsafe`; ONNX raw bytes (little-endian, row-major) are converted with
//!   [`Tensor::from_bytes_le`] / [`Tensor::to_bytes_le`].
//! - [`Element`]: the Rust element types (`half::f16`, `half::bf16`, `f32`, ..., `bool`);
//!   [`match_data!`] and [`with_dtype!`] dispatch generic code over them.
//! - [`npy`]: `.npy` read / write.
//! - [`compare`](mod@compare): `all_close` with ONNX's backend-test tolerances.

pub mod compare;
mod dtype;
mod element;
pub mod npy;
mod tensor;

pub use compare::{Mismatch, Tolerance, all_close, bit_equal};
pub use dtype::DType;
pub use element::{Element, TensorData};
pub use half;
pub use tensor::{Tensor, num_elements};

/// Errors from building, converting, reading or writing tensors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TensorError {
    /// Element count and shape disagree, or byte counts do not match.
    Shape(String),
    /// A size computation overflowed.
    Overflow(String),
    /// A typed access with the wrong element type.
    DType { expected: DType, actual: DType },
    /// Something flowc-tensor does not support (e.g. bf16 in `.npy`).
    Unsupported(String),
    /// A malformed `.npy` file.
    Npy(String),
    /// A file could not be read or written.
    Io(String),
}

impl std::fmt::Display for TensorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TensorError::Shape(m)
            | TensorError::Overflow(m)
            | TensorError::Unsupported(m)
            | TensorError::Npy(m)
            | TensorError::Io(m) => f.write_str(m),
            TensorError::DType { expected, actual } => {
                write!(f, "expected a {expected} tensor, got {actual}")
            }
        }
    }
}

impl std::error::Error for TensorError {}
