// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Constant folding of the math functions. Results are exact or a property of the value so
// that they do not depend on the last bit of a libm.

// CHECK-LABEL: func.func @exact_values
// CHECK-DAG: arith.constant 2.000000e+00 : f32
// CHECK-DAG: arith.constant 5.000000e-01 : f32
// CHECK-DAG: arith.constant 3.000000e+00 : f64
// CHECK-DAG: arith.constant 1.024000e+03 : f32
// CHECK-DAG: arith.constant 7.000000e+00 : f32
// CHECK-DAG: arith.constant -2.000000e+00 : f32
// CHECK-DAG: arith.constant 0.000000e+00 : f32
// CHECK-DAG: arith.constant 1.000000e+00 : f32
// CHECK-NOT: math.
func.func @exact_values() -> (f32, f32, f64, f32, f32, f32, f32, f32) {
  %four = arith.constant 4.0 : f32
  %sqrt = math.sqrt %four : f32
  %rsqrt = math.rsqrt %four : f32
  %c27 = arith.constant 27.0 : f64
  %cbrt = math.cbrt %c27 : f64
  %two = arith.constant 2.0 : f32
  %ten = arith.constant 10.0 : f32
  %pow = math.powf %two, %ten : f32
  %three = arith.constant 3.0 : f32
  %one = arith.constant 1.0 : f32
  %fma = math.fma %two, %three, %one : f32
  %neg = arith.constant -0.0 : f32
  %cs = math.copysign %two, %neg : f32
  %zero = arith.constant 0.0 : f32
  %sin = math.sin %zero : f32
  %exp = math.exp %zero : f32
  return %sqrt, %rsqrt, %cbrt, %pow, %fma, %cs, %sin, %exp : f32, f32, f64, f32, f32, f32, f32, f32
}

// CHECK-LABEL: func.func @rounding
// CHECK-DAG: arith.constant 3.000000e+00 : f32
// CHECK-DAG: arith.constant 2.000000e+00 : f32
// CHECK-DAG: arith.constant -3.000000e+00 : f32
// CHECK-DAG: arith.constant -2.000000e+00 : f32
// CHECK-NOT: math.
func.func @rounding() -> (f32, f32, f32, f32, f32, f32) {
  %x = arith.constant 2.5 : f32
  %m = arith.constant -2.5 : f32
  // round: half away from zero; roundeven: half to even.
  %r = math.round %x : f32
  %re = math.roundeven %x : f32
  %fl = math.floor %m : f32
  %ce = math.ceil %m : f32
  %tr = math.trunc %m : f32
  %ab = math.absf %m : f32
  return %r, %re, %fl, %ce, %tr, %ab : f32, f32, f32, f32, f32, f32
}

// CHECK-LABEL: func.func @vectors
// CHECK: arith.constant dense<2.000000e+00> : vector<4xf32>
// CHECK-NOT: math.sqrt
func.func @vectors() -> vector<4xf32> {
  %c = arith.constant dense<4.0> : vector<4xf32>
  %r = math.sqrt %c : vector<4xf32>
  return %r : vector<4xf32>
}

// CHECK-LABEL: func.func @classification
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: return %[[T]], %[[F]], %[[F]]
func.func @classification() -> (i1, i1, i1) {
  %nan = arith.constant 0x7FC00000 : f32
  %one = arith.constant 1.0 : f32
  %a = math.isnan %nan : f32
  %b = math.isinf %one : f32
  %c = math.isfinite %nan : f32
  return %a, %b, %c : i1, i1, i1
}
