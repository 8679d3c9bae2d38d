// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of arith.negf.

// CHECK-LABEL: func.func @negf(
// CHECK:         %[[C:.*]] = arith.constant -2.500000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @negf() -> f32 {
  %a = arith.constant 2.5 : f32
  %r = arith.negf %a : f32
  return %r : f32
}

// negf flips the sign of zero too.
// CHECK-LABEL: func.func @negf_zero(
// CHECK:         %[[C:.*]] = arith.constant -0.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @negf_zero() -> f32 {
  %a = arith.constant 0.0 : f32
  %r = arith.negf %a : f32
  return %r : f32
}

// negf(negf(x)) -> x
// CHECK-LABEL: func.func @negf_negf(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @negf_negf(%x: f32) -> f32 {
  %a = arith.negf %x : f32
  %r = arith.negf %a : f32
  return %r : f32
}

// CHECK-LABEL: func.func @negf_splat(
// CHECK:         %[[C:.*]] = arith.constant dense<-1.000000e+00> : vector<4xf32>
// CHECK-NEXT:    return %[[C]] : vector<4xf32>
func.func @negf_splat() -> vector<4xf32> {
  %a = arith.constant dense<1.0> : vector<4xf32>
  %r = arith.negf %a : vector<4xf32>
  return %r : vector<4xf32>
}
