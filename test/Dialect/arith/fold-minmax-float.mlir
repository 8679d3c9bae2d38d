// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of the float minimum / maximum ops (IEEE 754-2019 minimum/maximum, and
// minNum/maxNum).

// maximumf orders -0.0 below +0.0.
// CHECK-LABEL: func.func @maximumf_zeros(
// CHECK:         %[[C:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @maximumf_zeros() -> f32 {
  %a = arith.constant -0.0 : f32
  %b = arith.constant 0.0 : f32
  %r = arith.maximumf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @minimumf_zeros(
// CHECK:         %[[C:.*]] = arith.constant -0.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @minimumf_zeros() -> f32 {
  %a = arith.constant -0.0 : f32
  %b = arith.constant 0.0 : f32
  %r = arith.minimumf %a, %b : f32
  return %r : f32
}

// maximumf propagates NaN.
// CHECK-LABEL: func.func @maximumf_nan(
// CHECK:         %[[C:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @maximumf_nan() -> f32 {
  %a = arith.constant 0x7FC00000 : f32
  %b = arith.constant 1.0 : f32
  %r = arith.maximumf %a, %b : f32
  return %r : f32
}

// maxnumf ignores a NaN operand.
// CHECK-LABEL: func.func @maxnumf_nan(
// CHECK:         %[[C:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @maxnumf_nan() -> f32 {
  %a = arith.constant 0x7FC00000 : f32
  %b = arith.constant 1.0 : f32
  %r = arith.maxnumf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @minnumf(
// CHECK:         %[[C:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @minnumf() -> f32 {
  %a = arith.constant 2.0 : f32
  %b = arith.constant 3.0 : f32
  %r = arith.minnumf %a, %b : f32
  return %r : f32
}

// CHECK-LABEL: func.func @maximumf_self(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @maximumf_self(%x: f32) -> f32 {
  %r = arith.maximumf %x, %x : f32
  return %r : f32
}

// CHECK-LABEL: func.func @maximumf_neg_inf(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @maximumf_neg_inf(%x: f32) -> f32 {
  %i = arith.constant 0xFF800000 : f32
  %r = arith.maximumf %x, %i : f32
  return %r : f32
}

// CHECK-LABEL: func.func @minimumf_pos_inf(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @minimumf_pos_inf(%x: f32) -> f32 {
  %i = arith.constant 0x7F800000 : f32
  %r = arith.minimumf %x, %i : f32
  return %r : f32
}

// CHECK-LABEL: func.func @minnumf_self(
// CHECK-SAME:      %[[X:.*]]: f16)
// CHECK-NEXT:    return %[[X]] : f16
func.func @minnumf_self(%x: f16) -> f16 {
  %r = arith.minnumf %x, %x : f16
  return %r : f16
}
