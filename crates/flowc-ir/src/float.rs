//! Conversions between `f64` and the bit patterns of the float formats flowc supports.

use crate::FloatKind;
use half::{bf16, f16};

/// The bits of `value` rounded to `kind` (to nearest, ties to even, as IEEE 754 and MLIR's
/// `APFloat` do), in the low bits of a `u64`.
pub fn bits_from_f64(kind: FloatKind, value: f64) -> u64 {
    match kind {
        // `half`'s own conversions from `f64` round twice (through `f32`, or after dropping the
        // low mantissa bits), which is off by one ulp next to ties; round once instead.
        FloatKind::F16 => round_f64_to_format(value, 5, 10),
        FloatKind::BF16 => round_f64_to_format(value, 8, 7),
        FloatKind::F32 => (value as f32).to_bits() as u64,
        FloatKind::F64 => value.to_bits(),
    }
}

/// Rounds `value` to nearest-even in a binary format with `exp_bits` exponent bits and
/// `man_bits` stored mantissa bits (IEEE layout, subnormals, infinities; NaNs stay quiet NaNs
/// keeping the sign and the top payload bits). Returns the bits of the result.
pub fn round_f64_to_format(value: f64, exp_bits: u32, man_bits: u32) -> u64 {
    let sign = (value.to_bits() >> 63) << (exp_bits + man_bits);
    let exp_all_ones = (1u64 << exp_bits) - 1;
    if value.is_nan() {
        let payload = (value.to_bits() & ((1u64 << 52) - 1)) >> (52 - man_bits);
        return sign | (exp_all_ones << man_bits) | payload | (1 << (man_bits - 1));
    }
    if value.is_infinite() {
        return sign | (exp_all_ones << man_bits);
    }
    if value == 0.0 {
        return sign;
    }
    // |value| = m * 2^e with m a 53-bit integer.
    let bits = value.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let (m, e) = if raw_exp == 0 {
        (bits & ((1u64 << 52) - 1), -1074i64)
    } else {
        ((bits & ((1u64 << 52) - 1)) | (1u64 << 52), raw_exp - 1075)
    };
    // Exponent of the leading bit, and the exponent of one unit in the last place of the
    // target (fixed at the subnormal quantum below the smallest normal exponent).
    let lead = e + 63 - m.leading_zeros() as i64;
    let bias = (1i64 << (exp_bits - 1)) - 1;
    let emin = 1 - bias;
    let quantum = lead.max(emin) - man_bits as i64;
    // n = round(m * 2^(e - quantum)), ties to even.
    let shift = quantum - e;
    let n: u64 = if shift <= 0 {
        m << (-shift) as u32
    } else if shift > 64 {
        0
    } else {
        let kept = if shift == 64 { 0 } else { m >> shift };
        let rem = if shift == 64 {
            m
        } else {
            m & ((1u64 << shift) - 1)
        };
        let half = 1u64 << (shift - 1);
        if rem > half || (rem == half && kept & 1 == 1) {
            kept + 1
        } else {
            kept
        }
    };
    if lead < emin {
        // Subnormal (or rounded up to the smallest normal, whose encoding follows naturally).
        return sign | n;
    }
    let (n, lead) = if n == 1u64 << (man_bits + 1) {
        (n >> 1, lead + 1)
    } else {
        (n, lead)
    };
    let biased = lead + bias;
    if biased >= exp_all_ones as i64 {
        return sign | (exp_all_ones << man_bits);
    }
    sign | ((biased as u64) << man_bits) | (n & ((1u64 << man_bits) - 1))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Exhaustive check against `half`'s `f32` conversions, which round once.
    #[test]
    fn rounding_from_exact_f32_matches_half() {
        for bits in (0..=u32::MAX).step_by(4099) {
            let v = f32::from_bits(bits);
            if v.is_nan() {
                continue;
            }
            assert_eq!(
                bits_from_f64(FloatKind::F16, v as f64),
                f16::from_f32(v).to_bits() as u64,
                "{v:e}"
            );
            assert_eq!(
                bits_from_f64(FloatKind::BF16, v as f64),
                bf16::from_f32(v).to_bits() as u64,
                "{v:e}"
            );
        }
    }

    #[test]
    fn ties_and_near_ties_round_once() {
        // 1 + 2^-11 is a tie in f16 (rounds to even: 1.0); a hair above rounds up.
        let tie = 1.0 + 2f64.powi(-11);
        assert_eq!(bits_from_f64(FloatKind::F16, tie), 0x3c00);
        assert_eq!(bits_from_f64(FloatKind::F16, tie + 2f64.powi(-40)), 0x3c01);
        // Same for bf16: 1 + 2^-8 ties to 1.0, a hair above (below `half`'s truncation) goes up.
        let tie = 1.0 + 2f64.powi(-8);
        assert_eq!(bits_from_f64(FloatKind::BF16, tie), 0x3f80);
        assert_eq!(bits_from_f64(FloatKind::BF16, tie + 2f64.powi(-45)), 0x3f81);
        // Overflow, subnormals, signed zero, NaN.
        assert_eq!(bits_from_f64(FloatKind::F16, 65520.0), 0x7c00);
        assert_eq!(bits_from_f64(FloatKind::F16, 65519.0), 0x7bff);
        assert_eq!(bits_from_f64(FloatKind::F16, 2f64.powi(-24)), 0x0001);
        assert_eq!(bits_from_f64(FloatKind::F16, 2f64.powi(-25)), 0x0000);
        assert_eq!(bits_from_f64(FloatKind::F16, 1.5 * 2f64.powi(-25)), 0x0001);
        assert_eq!(bits_from_f64(FloatKind::F16, -0.0), 0x8000);
        assert!(f16::from_bits(bits_from_f64(FloatKind::F16, f64::NAN) as u16).is_nan());
        assert_eq!(bits_from_f64(FloatKind::BF16, 1e-300), 0);
    }
}
