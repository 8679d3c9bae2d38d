// RUN: flowc-opt %s --canonicalize | FileCheck %s

// f16 and bf16 fold in their own precision: every result is rounded once to the type.

// 2049 is halfway between the f16 values 2048 and 2050: ties go to even.
// CHECK-LABEL: func.func @addf_f16_tie(
// CHECK:         %[[C:.*]] = arith.constant 2.048000e+03 : f16
// CHECK-NEXT:    return %[[C]] : f16
func.func @addf_f16_tie() -> f16 {
  %a = arith.constant 2048.0 : f16
  %b = arith.constant 1.0 : f16
  %r = arith.addf %a, %b : f16
  return %r : f16
}

// CHECK-LABEL: func.func @addf_f16_up(
// CHECK:         %[[C:.*]] = arith.constant 2.052000e+03 : f16
// CHECK-NEXT:    return %[[C]] : f16
func.func @addf_f16_up() -> f16 {
  %a = arith.constant 2048.0 : f16
  %b = arith.constant 3.0 : f16
  %r = arith.addf %a, %b : f16
  return %r : f16
}

// Overflow to +inf.
// CHECK-LABEL: func.func @addf_f16_overflow(
// CHECK:         %[[C:.*]] = arith.constant 0x7C00 : f16
// CHECK-NEXT:    return %[[C]] : f16
func.func @addf_f16_overflow() -> f16 {
  %a = arith.constant 65504.0 : f16
  %b = arith.constant 65504.0 : f16
  %r = arith.addf %a, %b : f16
  return %r : f16
}

// CHECK-LABEL: func.func @mulf_bf16(
// CHECK:         %[[C:.*]] = arith.constant 1.500000e+00 : bf16
// CHECK-NEXT:    return %[[C]] : bf16
func.func @mulf_bf16() -> bf16 {
  %a = arith.constant 3.0 : bf16
  %b = arith.constant 0.5 : bf16
  %r = arith.mulf %a, %b : bf16
  return %r : bf16
}

// CHECK-LABEL: func.func @addf_bf16_tie(
// CHECK:         %[[C:.*]] = arith.constant 2.560000e+02 : bf16
// CHECK-NEXT:    return %[[C]] : bf16
func.func @addf_bf16_tie() -> bf16 {
  %a = arith.constant 256.0 : bf16
  %b = arith.constant 1.0 : bf16
  %r = arith.addf %a, %b : bf16
  return %r : bf16
}

// 65520 rounds up past the largest f16 (65504) to +inf.
// CHECK-LABEL: func.func @truncf_to_f16(
// CHECK:         %[[C:.*]] = arith.constant 0x7C00 : f16
// CHECK-NEXT:    return %[[C]] : f16
func.func @truncf_to_f16() -> f16 {
  %a = arith.constant 65520.0 : f32
  %r = arith.truncf %a : f32 to f16
  return %r : f16
}

// CHECK-LABEL: func.func @extf_from_bf16(
// CHECK:         %[[C:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @extf_from_bf16() -> f32 {
  %a = arith.constant 1.5 : bf16
  %r = arith.extf %a : bf16 to f32
  return %r : f32
}
