// RUN: flowc-opt %s --canonicalize | FileCheck %s

// As in MLIR, square roots and logarithms of negative numbers are not folded.

// CHECK-LABEL: func.func @negative_sqrt
// CHECK: math.sqrt
func.func @negative_sqrt() -> f32 {
  %c = arith.constant -4.0 : f32
  %r = math.sqrt %c : f32
  return %r : f32
}

// CHECK-LABEL: func.func @negative_log
// CHECK: math.log
func.func @negative_log() -> f64 {
  %c = arith.constant -1.0 : f64
  %r = math.log %c : f64
  return %r : f64
}

// CHECK-LABEL: func.func @log1p_below_minus_one
// CHECK: math.log1p
func.func @log1p_below_minus_one() -> f32 {
  %c = arith.constant -2.0 : f32
  %r = math.log1p %c : f32
  return %r : f32
}

// Non-constant operands stay.
// CHECK-LABEL: func.func @unknown(
// CHECK: math.exp
func.func @unknown(%x: f32) -> f32 {
  %r = math.exp %x : f32
  return %r : f32
}
