//! Conversions between `f64` and the bit patterns of the float formats flowc supports.

use crate::FloatKind;
use half::{bf16, f16};

/// The bits of `value` rounded to `kind`, in the low bits of a `u64`.
pub fn bits_from_f64(kind: FloatKind, value: f64) -> u64 {
    match kind {
        FloatKind::F16 => f16::from_f64(value).to_bits() as u64,
        FloatKind::BF16 => bf16::from_f64(value).to_bits() as u64,
        FloatKind::F32 => (value as f32).to_bits() as u64,
        FloatKind::F64 => value.to_bits(),
    }
}

/// The value of `bits` in `kind`'s encoding, widened exactly to `f64`.
pub fn f64_from_bits(kind: FloatKind, bits: u64) -> f64 {
    match kind {
        FloatKind::F16 => f16::from_bits(bits as u16).to_f64(),
        FloatKind::BF16 => bf16::from_bits(bits as u16).to_f64(),
        FloatKind::F32 => f32::from_bits(bits as u32) as f64,
        FloatKind::F64 => f64::from_bits(bits),
    }
}

/// Whether `value` survives a round trip through `kind` unchanged (then the decimal form is
/// exact; otherwise the printer uses the hexadecimal bit pattern).
pub fn is_exact_in(kind: FloatKind, value: f64) -> bool {
    let back = f64_from_bits(kind, bits_from_f64(kind, value));
    back.to_bits() == value.to_bits()
}
