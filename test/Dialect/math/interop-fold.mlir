// REQUIRES: mlir-opt
// RUN: flowc-opt %s --canonicalize | FileCheck %s
// RUN: mlir-opt %s --canonicalize | FileCheck %s

// flowc folds f32 math with the C library's float functions, as MLIR does, so both tools
// print the same bits.

// CHECK-LABEL: func.func @same_bits
// CHECK: arith.constant dense<1.000000e+00> : vector<2xf32>
func.func @same_bits() -> vector<2xf32> {
  %z = arith.constant dense<0.0> : vector<2xf32>
  %r = math.exp %z : vector<2xf32>
  return %r : vector<2xf32>
}

// erff(0.5), bit for bit (the bitcast folds too).
// CHECK-LABEL: func.func @erf_half
// CHECK: arith.constant 1057308539 : i32
func.func @erf_half() -> i32 {
  %h = arith.constant 0.5 : f32
  %e = math.erf %h : f32
  %b = arith.bitcast %e : f32 to i32
  return %b : i32
}
