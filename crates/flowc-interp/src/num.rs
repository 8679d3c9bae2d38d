//! Element-type traits for the kernels.
//!
//! - [`Num`]: every element type (`f16`, `bf16`, `f32`, `f64`, `i8`..`u64`, `bool`), with the
//!   arithmetic ONNX defines on it: integer ops wrap (as numpy does) and never panic (division
//!   by zero gives 0); `f16` / `bf16` ops are computed in `f32` and rounded once, as numpy does.
//! - [`FloatElem`]: the four float types, each with a compute type [`FloatElem::A`] (`f32` for
//!   `f16`, `bf16` and `f32`; `f64` for `f64`) in which float kernels run before rounding back.
//! - [`Real`]: the compute types `f32` and `f64`: math functions, computed in that precision.

use flowc_tensor::Element;
use half::{bf16, f16};

/// A wide scalar, used for casts: integers (any width) exactly, floats as `f64` (exact for every
/// float type flowc supports).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Wide {
    I(i128),
    F(f64),
}

pub trait Num: Element {
    const IS_FLOAT: bool;
    const IS_SIGNED: bool;
    fn zero() -> Self;
    fn one() -> Self;
    /// The smallest value (`-inf` for floats, `false` for bool).
    fn lowest() -> Self;
    /// The largest value (`+inf` for floats, `true` for bool).
    fn highest() -> Self;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// Floats: IEEE division. Integers: truncating division (ONNX `Div` casts numpy's true
    /// division back to the integer type); division by zero gives 0 and `MIN / -1` wraps.
    fn div(self, o: Self) -> Self;
    /// C `fmod`: the result has the sign of the dividend (ONNX `Mod` with `fmod = 1`).
    fn fmod(self, o: Self) -> Self;
    /// Python / numpy `mod`: the result has the sign of the divisor (`Mod` with `fmod = 0`).
    fn pymod(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn abs(self) -> Self;
    fn is_nan(self) -> bool;
    fn to_wide(self) -> Wide;
    /// From a wide scalar with numpy `astype` semantics: integers wrap, floats truncate toward
    /// zero when converted to integers (saturating where numpy is undefined), anything non-zero
    /// is `true`.
    fn from_wide(w: Wide) -> Self;
    fn from_f64(v: f64) -> Self {
        Self::from_wide(Wide::F(v))
    }
    fn from_i64(v: i64) -> Self {
        Self::from_wide(Wide::I(v as i128))
    }
    /// numpy `maximum`: NaN propagates.
    fn max_nan(self, o: Self) -> Self {
        if self.is_nan() {
            self
        } else if o.is_nan() || o > self {
            o
        } else {
            self
        }
    }
    /// numpy `minimum`: NaN propagates.
    fn min_nan(self, o: Self) -> Self {
        if self.is_nan() {
            self
        } else if o.is_nan() || o < self {
            o
        } else {
            self
        }
    }
}

/// 2^63 as f64: the bound of the i64 range for float-to-integer casts.
const I64_BOUND: f64 = 9_223_372_036_854_775_808.0;

macro_rules! int_num {
    ($t:ty, $signed:expr) => {
        impl Num for $t {
            const IS_FLOAT: bool = false;
            const IS_SIGNED: bool = $signed;
            fn zero() -> Self {
                0
            }
            fn one() -> Self {
                1
            }
            fn lowest() -> Self {
                <$t>::MIN
            }
            fn highest() -> Self {
                <$t>::MAX
            }
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            fn div(self, o: Self) -> Self {
                if o == 0 { 0 } else { self.wrapping_div(o) }
            }
            fn fmod(self, o: Self) -> Self {
                if o == 0 { 0 } else { self.wrapping_rem(o) }
            }
            #[allow(unused_comparisons)]
            fn pymod(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(o);
                if r != 0 && ((r < 0) != (o < 0)) {
                    r.wrapping_add(o)
                } else {
                    r
                }
            }
            fn neg(self) -> Self {
                (0 as $t).wrapping_sub(self)
            }
            #[allow(unused_comparisons)]
            fn abs(self) -> Self {
                if self < 0 { self.neg() } else { self }
            }
            fn is_nan(self) -> bool {
                false
            }
            fn to_wide(self) -> Wide {
                Wide::I(self as i128)
            }
            fn from_wide(w: Wide) -> Self {
                match w {
                    Wide::I(i) => i as $t,
                    Wide::F(f) => {
                        // numpy: float -> int truncates; out of range / NaN is undefined there.
                        // Values in range of i64 go through i64 so that wrapping matches the
                        // usual C behaviour for the narrower types.
                        let t = f.trunc();
                        if t.is_nan() {
                            0
                        } else if (-I64_BOUND..I64_BOUND).contains(&t) {
                            (t as i64) as $t
                        } else {
                            t as $t
                        }
                    }
                }
            }
        }
    };
}

int_num!(i8, true);
int_num!(i16, true);
int_num!(i32, true);
int_num!(i64, true);
int_num!(u8, false);
int_num!(u16, false);
int_num!(u32, false);
int_num!(u64, false);

impl Num for bool {
    const IS_FLOAT: bool = false;
    const IS_SIGNED: bool = false;
    fn zero() -> Self {
        false
    }
    fn one() -> Self {
        true
    }
    fn lowest() -> Self {
        false
    }
    fn highest() -> Self {
        true
    }
    // numpy's bool arithmetic: + is or, * is and.
    fn add(self, o: Self) -> Self {
        self | o
    }
    fn sub(self, o: Self) -> Self {
        self ^ o
    }
    fn mul(self, o: Self) -> Self {
        self & o
    }
    fn div(self, o: Self) -> Self {
        self & o
    }
    fn fmod(self, _o: Self) -> Self {
        false
    }
    fn pymod(self, _o: Self) -> Self {
        false
    }
    fn neg(self) -> Self {
        self
    }
    fn abs(self) -> Self {
        self
    }
    fn is_nan(self) -> bool {
        false
    }
    fn to_wide(self) -> Wide {
        Wide::I(self as i128)
    }
    fn from_wide(w: Wide) -> Self {
        match w {
            Wide::I(i) => i != 0,
            Wide::F(f) => f != 0.0,
        }
    }
}

macro_rules! float_num {
    ($t:ty, $to:expr, $from:expr) => {
        impl Num for $t {
            const IS_FLOAT: bool = true;
            const IS_SIGNED: bool = true;
            fn zero() -> Self {
                ($from)(0.0)
            }
            fn one() -> Self {
                ($from)(1.0)
            }
            fn lowest() -> Self {
                <$t as FloatElem>::from_f64_round(f64::NEG_INFINITY)
            }
            fn highest() -> Self {
                <$t as FloatElem>::from_f64_round(f64::INFINITY)
            }
            fn add(self, o: Self) -> Self {
                ($from)(($to)(self) + ($to)(o))
            }
            fn sub(self, o: Self) -> Self {
                ($from)(($to)(self) - ($to)(o))
            }
            fn mul(self, o: Self) -> Self {
                ($from)(($to)(self) * ($to)(o))
            }
            fn div(self, o: Self) -> Self {
                ($from)(($to)(self) / ($to)(o))
            }
            fn fmod(self, o: Self) -> Self {
                ($from)(($to)(self) % ($to)(o))
            }
            fn pymod(self, o: Self) -> Self {
                let (a, b) = (($to)(self), ($to)(o));
                let r = a % b;
                // numpy.mod: sign of the divisor; a zero result takes the divisor's sign.
                let r = if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
                    r + b
                } else if r == 0.0 {
                    r.abs().copysign(b)
                } else {
                    r
                };
                ($from)(r)
            }
            fn neg(self) -> Self {
                ($from)(-($to)(self))
            }
            fn abs(self) -> Self {
                ($from)(($to)(self).abs())
            }
            fn is_nan(self) -> bool {
                ($to)(self).is_nan()
            }
            fn to_wide(self) -> Wide {
                Wide::F(($to)(self) as f64)
            }
            fn from_wide(w: Wide) -> Self {
                match w {
                    Wide::I(i) => int_to_float::<$t>(i),
                    Wide::F(f) => <$t as FloatElem>::from_f64_round(f),
                }
            }
        }
    };
}

float_num!(f32, |x: f32| x, |x: f32| x);
float_num!(f64, |x: f64| x, |x: f64| x);
float_num!(f16, |x: f16| x.to_f32(), f16::from_f32);
float_num!(bf16, |x: bf16| x.to_f32(), bf16::from_f32);

/// An integer to the nearest float of type `T` (one rounding for f32 / f64).
fn int_to_float<T: FloatElem>(i: i128) -> T {
    T::from_int_round(i)
}

/// The float element types: `f16`, `bf16`, `f32`, `f64`.
pub trait FloatElem: Num {
    /// The compute type: `f32` for `f16`, `bf16`, `f32`; `f64` for `f64`.
    type A: Real;
    fn to_a(self) -> Self::A;
    /// Rounds (to nearest, ties to even) into this type.
    fn from_a(a: Self::A) -> Self;
    fn from_f64_round(v: f64) -> Self;
    fn from_int_round(i: i128) -> Self;
}

impl FloatElem for f32 {
    type A = f32;
    fn to_a(self) -> f32 {
        self
    }
    fn from_a(a: f32) -> f32 {
        a
    }
    fn from_f64_round(v: f64) -> f32 {
        v as f32
    }
    fn from_int_round(i: i128) -> f32 {
        i as f32
    }
}
impl FloatElem for f64 {
    type A = f64;
    fn to_a(self) -> f64 {
        self
    }
    fn from_a(a: f64) -> f64 {
        a
    }
    fn from_f64_round(v: f64) -> f64 {
        v
    }
    fn from_int_round(i: i128) -> f64 {
        i as f64
    }
}
impl FloatElem for f16 {
    type A = f32;
    fn to_a(self) -> f32 {
        self.to_f32()
    }
    fn from_a(a: f32) -> f16 {
        f16::from_f32(a)
    }
    fn from_f64_round(v: f64) -> f16 {
        f16::from_f64(v)
    }
    fn from_int_round(i: i128) -> f16 {
        f16::from_f64(i as f64)
    }
}
impl FloatElem for bf16 {
    type A = f32;
    fn to_a(self) -> f32 {
        self.to_f32()
    }
    fn from_a(a: f32) -> bf16 {
        bf16::from_f32(a)
    }
    fn from_f64_round(v: f64) -> bf16 {
        bf16::from_f64(v)
    }
    fn from_int_round(i: i128) -> bf16 {
        bf16::from_f64(i as f64)
    }
}

/// The compute types `f32` and `f64`.
pub trait Real:
    Copy
    + PartialOrd
    + Default
    + Send
    + Sync
    + std::fmt::Debug
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::Neg<Output = Self>
    + std::ops::AddAssign
    + std::ops::MulAssign
    + 'static
{
    const ZERO: Self;
    const ONE: Self;
    const INF: Self;
    const NAN: Self;
    fn c(v: f64) -> Self;
    fn as_f64(self) -> f64;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
    fn sqrt(self) -> Self;
    fn powf(self, e: Self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn asinh(self) -> Self;
    fn acosh(self) -> Self;
    fn atanh(self) -> Self;
    fn erf(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn round_even(self) -> Self;
    fn abs(self) -> Self;
    fn is_nan(self) -> bool;
    fn is_inf(self) -> bool;
    fn ln_1p(self) -> Self;
    /// NaN-propagating max / min.
    fn maxn(self, o: Self) -> Self {
        if self.is_nan() || o.is_nan() {
            Self::NAN
        } else if o > self {
            o
        } else {
            self
        }
    }
    fn minn(self, o: Self) -> Self {
        if self.is_nan() || o.is_nan() {
            Self::NAN
        } else if o < self {
            o
        } else {
            self
        }
    }
}

macro_rules! real {
    ($t:ident, $erf:path) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const INF: Self = $t::INFINITY;
            const NAN: Self = $t::NAN;
            fn c(v: f64) -> Self {
                v as $t
            }
            fn as_f64(self) -> f64 {
                self as f64
            }
            fn exp(self) -> Self {
                $t::exp(self)
            }
            fn ln(self) -> Self {
                $t::ln(self)
            }
            fn sqrt(self) -> Self {
                $t::sqrt(self)
            }
            fn powf(self, e: Self) -> Self {
                $t::powf(self, e)
            }
            fn sin(self) -> Self {
                $t::sin(self)
            }
            fn cos(self) -> Self {
                $t::cos(self)
            }
            fn tan(self) -> Self {
                $t::tan(self)
            }
            fn asin(self) -> Self {
                $t::asin(self)
            }
            fn acos(self) -> Self {
                $t::acos(self)
            }
            fn atan(self) -> Self {
                $t::atan(self)
            }
            fn sinh(self) -> Self {
                $t::sinh(self)
            }
            fn cosh(self) -> Self {
                $t::cosh(self)
            }
            fn tanh(self) -> Self {
                $t::tanh(self)
            }
            fn asinh(self) -> Self {
                $t::asinh(self)
            }
            fn acosh(self) -> Self {
                $t::acosh(self)
            }
            fn atanh(self) -> Self {
                $t::atanh(self)
            }
            fn erf(self) -> Self {
                $erf(self)
            }
            fn floor(self) -> Self {
                $t::floor(self)
            }
            fn ceil(self) -> Self {
                $t::ceil(self)
            }
            fn round_even(self) -> Self {
                $t::round_ties_even(self)
            }
            fn abs(self) -> Self {
                $t::abs(self)
            }
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            fn is_inf(self) -> bool {
                $t::is_infinite(self)
            }
            fn ln_1p(self) -> Self {
                $t::ln_1p(self)
            }
        }
    };
}

real!(f32, libm::erff);
real!(f64, libm::erf);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_semantics() {
        assert_eq!(Num::div(7i32, -2), -3);
        assert_eq!(Num::div(-7i32, 2), -3);
        assert_eq!(Num::div(5i32, 0), 0);
        assert_eq!(Num::div(i32::MIN, -1), i32::MIN);
        assert_eq!(Num::fmod(-7i32, 3), -1);
        assert_eq!(Num::pymod(-7i32, 3), 2);
        assert_eq!(Num::pymod(7i32, -3), -2);
        assert_eq!(Num::pymod(6i32, -3), 0);
        assert_eq!(Num::pymod(250u8, 7), 5);
        assert_eq!(Num::add(250u8, 10), 4);
        assert_eq!(Num::neg(i8::MIN), i8::MIN);
        assert_eq!(Num::abs(i8::MIN), i8::MIN);
    }

    #[test]
    fn float_semantics() {
        assert_eq!(Num::pymod(-7.0f32, 3.0), 2.0);
        assert_eq!(Num::fmod(-7.0f32, 3.0), -1.0);
        assert!(Num::pymod(1.0f32, 0.0).is_nan());
        let h = Num::add(f16::from_f32(1.0), f16::from_f32(0.0004));
        assert_eq!(h, f16::from_f32(1.0));
        assert_eq!(<f16 as Num>::from_wide(Wide::I(65520)), f16::INFINITY);
        assert_eq!(<i8 as Num>::from_wide(Wide::F(-3.9)), -3);
        assert_eq!(<u8 as Num>::from_wide(Wide::I(300)), 44);
        assert_eq!(<i32 as Num>::from_wide(Wide::I(1 << 40)), 0);
        assert!(<bool as Num>::from_wide(Wide::F(f64::NAN)));
        assert!(Num::max_nan(f32::NAN, 1.0).is_nan());
        assert!(Num::min_nan(1.0, f32::NAN).is_nan());
        assert_eq!(Real::round_even(2.5f32), 2.0);
        assert_eq!(Real::round_even(-3.5f64), -4.0);
    }
}
