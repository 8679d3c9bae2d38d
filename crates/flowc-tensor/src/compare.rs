//! Comparing tensors with tolerances, as ONNX's backend tests do
//! (`numpy.testing.assert_allclose(expected, actual, rtol, atol)`).

use crate::{Tensor, TensorData};

/// Tolerances for [`compare`]: `|actual - expected| <= atol + rtol * |expected|`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
    /// NaN equals NaN (numpy's `equal_nan`, on by default in `assert_allclose`).
    pub nan_equal: bool,
}

impl Default for Tolerance {
    /// ONNX backend test defaults: rtol 1e-3, atol 1e-7, NaN equal.
    fn default() -> Self {
        Tolerance {
            rtol: 1e-3,
            atol: 1e-7,
            nan_equal: true,
        }
    }
}

/// Where two tensors differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub message: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn close_f64(a: f64, e: f64, tol: &Tolerance) -> bool {
    if a.is_nan() || e.is_nan() {
        return tol.nan_equal && a.is_nan() && e.is_nan();
    }
    if a.is_infinite() || e.is_infinite() {
        return a == e;
    }
    (a - e).abs() <= tol.atol + tol.rtol * e.abs()
}

/// Integers compare exactly in `i128` before tolerances are applied, so large values keep
/// their precision.
fn int_vals(d: &TensorData) -> Option<Vec<i128>> {
    Some(match d {
        TensorData::I8(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::I16(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::I32(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::I64(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::U8(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::U16(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::U32(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::U64(v) => v.iter().map(|&x| x as i128).collect(),
        TensorData::Bool(v) => v.iter().map(|&x| x as i128).collect(),
        _ => return None,
    })
}

/// Checks that `actual` matches `expected`: same dtype, same shape, and every element within
/// tolerance (integers and bools: `|a - e| <= atol + rtol * |e|` computed exactly, so with the
/// defaults they must be equal up to rtol of large values, as numpy does).
pub fn compare(actual: &Tensor, expected: &Tensor, tol: &Tolerance) -> Result<(), Mismatch> {
    if actual.dtype() != expected.dtype() {
        return Err(Mismatch {
            message: format!("dtype {} != expected {}", actual.dtype(), expected.dtype()),
        });
    }
    if actual.shape() != expected.shape() {
        return Err(Mismatch {
            message: format!(
                "shape {:?} != expected {:?}",
                actual.shape(),
                expected.shape()
            ),
        });
    }
    let mut bad = 0usize;
    let mut first: Option<String> = None;
    if let (Some(a), Some(e)) = (int_vals(actual.data()), int_vals(expected.data())) {
        for (i, (x, y)) in a.iter().zip(&e).enumerate() {
            let diff = (x - y).unsigned_abs() as f64;
            if x != y && diff > tol.atol + tol.rtol * (*y as f64).abs() {
                bad += 1;
                first.get_or_insert_with(|| format!("at {i}: {x} != expected {y}"));
            }
        }
    } else {
        let a = actual.to_f64_vec();
        let e = expected.to_f64_vec();
        for (i, (&x, &y)) in a.iter().zip(&e).enumerate() {
            if !close_f64(x, y, tol) {
                bad += 1;
                first.get_or_insert_with(|| format!("at {i}: {x} != expected {y}"));
            }
        }
    }
    match first {
        None => Ok(()),
        Some(f) => Err(Mismatch {
            message: format!(
                "{bad} of {} elements differ (rtol {}, atol {}); first {f}",
                actual.len(),
                tol.rtol,
                tol.atol
            ),
        }),
    }
}

/// `true` when [`compare`] finds no difference.
pub fn all_close(
    actual: &Tensor,
    expected: &Tensor,
    rtol: f64,
    atol: f64,
    nan_equal: bool,
) -> bool {
    compare(
        actual,
        expected,
        &Tolerance {
            rtol,
            atol,
            nan_equal,
        },
    )
    .is_ok()
}

/// Bitwise equality of dtype, shape and element bits (NaN payloads and signed zeros included).
pub fn bit_equal(a: &Tensor, b: &Tensor) -> bool {
    a.dtype() == b.dtype() && a.shape() == b.shape() && a.to_bytes_le() == b.to_bytes_le()
}

impl Tensor {
    /// [`all_close`] with this tensor as the actual value.
    pub fn all_close(&self, expected: &Tensor, rtol: f64, atol: f64) -> bool {
        all_close(self, expected, rtol, atol, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerances() {
        let e = Tensor::from_f32(vec![3], vec![1.0, f32::NAN, f32::INFINITY]).unwrap();
        let a = Tensor::from_f32(vec![3], vec![1.0005, f32::NAN, f32::INFINITY]).unwrap();
        assert!(all_close(&a, &e, 1e-3, 1e-7, true));
        assert!(!all_close(&a, &e, 1e-3, 1e-7, false));
        assert!(!all_close(&a, &e, 1e-4, 1e-7, true));
        let a2 = Tensor::from_f32(vec![3], vec![1.0, f32::NAN, f32::NEG_INFINITY]).unwrap();
        assert!(!all_close(&a2, &e, 1e-3, 1e-7, true));
        // Shapes and dtypes must match.
        assert!(!all_close(
            &a.clone().reshape(vec![1, 3]).unwrap(),
            &e,
            1.0,
            1.0,
            true
        ));
        let i = Tensor::from_i64(vec![2], vec![i64::MAX, -1]).unwrap();
        let j = Tensor::from_i64(vec![2], vec![i64::MAX - 1, -1]).unwrap();
        assert!(all_close(&i, &i, 0.0, 0.0, true));
        assert!(!all_close(&i, &j, 0.0, 0.0, true));
        let m = compare(
            &j,
            &i,
            &Tolerance {
                rtol: 0.0,
                atol: 0.0,
                nan_equal: true,
            },
        )
        .unwrap_err();
        assert!(m.message.contains("1 of 2"), "{m}");
        assert!(bit_equal(
            &Tensor::scalar(-0.0f32),
            &Tensor::scalar(-0.0f32)
        ));
        assert!(!bit_equal(
            &Tensor::scalar(-0.0f32),
            &Tensor::scalar(0.0f32)
        ));
    }
}
