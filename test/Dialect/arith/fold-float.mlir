// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of the float arithmetic ops: IEEE 754, rounded to the type; only exact identities.

// CHECK-LABEL: func.func @addf(
// CHECK:         %[[C:.*]] = arith.constant 3.750000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @addf() -> f32 {
  %a = arith.constant 1.5 : f32
  %b = arith.constant 2.25 : f32
  %r = arith.addf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @subf(
// CHECK:         %[[C:.*]] = arith.constant 7.500000e-01 : f64
// CHECK-NEXT:    return %[[C]] : f64
func.func @subf() -> f64 {
  %a = arith.constant 1.0 : f64
  %b = arith.constant 0.25 : f64
  %r = arith.subf %a, %b : f64
  return %r : f64
}

// CHECK-LABEL: func.func @mulf(
// CHECK:         %[[C:.*]] = arith.constant 6.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @mulf() -> f32 {
  %a = arith.constant 1.5 : f32
  %b = arith.constant 4.0 : f32
  %r = arith.mulf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @divf(
// CHECK:         %[[C:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @divf() -> f32 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 4.0 : f32
  %r = arith.divf %a, %b : f32
  return %r : f32
}

// IEEE division by zero is +inf, and folds.
// CHECK-LABEL: func.func @divf_by_zero(
// CHECK:         %[[C:.*]] = arith.constant 0x7F800000 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @divf_by_zero() -> f32 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 0.0 : f32
  %r = arith.divf %a, %b : f32
  return %r : f32
}

// remf is fmod: the sign of the dividend.
// CHECK-LABEL: func.func @remf(
// CHECK:         %[[C:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @remf() -> f32 {
  %a = arith.constant 7.5 : f32
  %b = arith.constant 2.0 : f32
  %r = arith.remf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @remf_negative(
// CHECK:         %[[C:.*]] = arith.constant -1.500000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @remf_negative() -> f32 {
  %a = arith.constant -7.5 : f32
  %b = arith.constant 2.0 : f32
  %r = arith.remf %a, %b : f32
  return %r : f32
}

// The sum is rounded to f32: 1e-8 is lost.
// CHECK-LABEL: func.func @addf_f32_rounding(
// CHECK:         %[[C:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @addf_f32_rounding() -> f32 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 1.0e-8 : f32
  %r = arith.addf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @addf_f64_keeps(
// CHECK:         %[[C:.*]] = arith.constant 1.00000001e+00 : f64
// CHECK-NEXT:    return %[[C]] : f64
func.func @addf_f64_keeps() -> f64 {
  %a = arith.constant 1.0 : f64
  %b = arith.constant 1.0e-8 : f64
  %r = arith.addf %a, %b : f64
  return %r : f64
}

// x + -0.0 -> x
// CHECK-LABEL: func.func @addf_negative_zero(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @addf_negative_zero(%x: f32) -> f32 {
  %z = arith.constant -0.0 : f32
  %r = arith.addf %x, %z : f32
  return %r : f32
}

// x + 0.0 is not x when x is -0.0.
// CHECK-LABEL: func.func @addf_positive_zero(
// CHECK:         %[[R:.*]] = arith.addf
// CHECK:         return %[[R]] : f32
func.func @addf_positive_zero(%x: f32) -> f32 {
  %z = arith.constant 0.0 : f32
  %r = arith.addf %x, %z : f32
  return %r : f32
}

// x - 0.0 -> x
// CHECK-LABEL: func.func @subf_zero(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @subf_zero(%x: f32) -> f32 {
  %z = arith.constant 0.0 : f32
  %r = arith.subf %x, %z : f32
  return %r : f32
}

// CHECK-LABEL: func.func @mulf_one(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @mulf_one(%x: f32) -> f32 {
  %o = arith.constant 1.0 : f32
  %r = arith.mulf %x, %o : f32
  return %r : f32
}

// CHECK-LABEL: func.func @mulf_one_lhs(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @mulf_one_lhs(%x: f32) -> f32 {
  %o = arith.constant 1.0 : f32
  %r = arith.mulf %o, %x : f32
  return %r : f32
}

// CHECK-LABEL: func.func @divf_one(
// CHECK-SAME:      %[[X:.*]]: f64)
// CHECK-NEXT:    return %[[X]] : f64
func.func @divf_one(%x: f64) -> f64 {
  %o = arith.constant 1.0 : f64
  %r = arith.divf %x, %o : f64
  return %r : f64
}

// x * 0.0 is not 0.0 for NaN, infinities and negative x.
// CHECK-LABEL: func.func @mulf_zero(
// CHECK:         %[[R:.*]] = arith.mulf
// CHECK:         return %[[R]] : f32
func.func @mulf_zero(%x: f32) -> f32 {
  %z = arith.constant 0.0 : f32
  %r = arith.mulf %x, %z : f32
  return %r : f32
}

// x - x is NaN for infinite x.
// CHECK-LABEL: func.func @subf_self(
// CHECK:         %[[R:.*]] = arith.subf
// CHECK:         return %[[R]] : f32
func.func @subf_self(%x: f32) -> f32 {
  %r = arith.subf %x, %x : f32
  return %r : f32
}
