// REQUIRES: mlir-opt
// RUN: flowc-opt %s | mlir-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | mlir-opt | FileCheck %s
// RUN: mlir-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: mlir-opt %s | flowc-opt | FileCheck %s

// What flowc-opt prints for arith, custom or generic, mlir-opt 22 reads, and the other way
// round (including the properties mlir-opt prints by default, such as
// `overflowFlags = #arith.overflow<none>`).

// CHECK-LABEL: func.func @interop(
// CHECK-SAME:      %[[A:.*]]: i32, %[[B:.*]]: i32, %[[X:.*]]: f32, %[[V:.*]]: vector<4xi1>, %[[T:.*]]: vector<4xf32>)
func.func @interop(%a: i32, %b: i32, %x: f32, %v: vector<4xi1>, %t: vector<4xf32>) -> (i32, f32, vector<4xf32>, i64, f16, i1) {
  // CHECK: %[[C:.*]] = arith.constant 42 : i32
  %c = arith.constant 42 : i32
  // CHECK: %[[F:.*]] = arith.constant 1.500000e+00 : f32
  %f = arith.constant 1.5 : f32
  // CHECK: %[[S:.*]] = arith.addi %[[A]], %[[C]] overflow<nsw, nuw> : i32
  %s = arith.addi %a, %c overflow<nsw, nuw> : i32
  // CHECK: %[[M:.*]] = arith.muli %[[S]], %[[B]] : i32
  %m = arith.muli %s, %b : i32
  // CHECK: %[[Q:.*]] = arith.mulf %[[X]], %[[F]] fastmath<nnan,ninf> : f32
  %q = arith.mulf %x, %f fastmath<nnan,ninf> : f32
  // CHECK: %[[P:.*]] = arith.cmpi sle, %[[M]], %[[C]] : i32
  %p = arith.cmpi sle, %m, %c : i32
  // CHECK: %[[R:.*]] = arith.select %[[P]], %[[M]], %[[B]] : i32
  %r = arith.select %p, %m, %b : i32
  // CHECK: %[[VS:.*]] = arith.select %[[V]], %[[T]], %[[T]] : vector<4xi1>, vector<4xf32>
  %vs = arith.select %v, %t, %t : vector<4xi1>, vector<4xf32>
  // CHECK: %[[E:.*]] = arith.extsi %[[R]] : i32 to i64
  %e = arith.extsi %r : i32 to i64
  // CHECK: %[[H:.*]] = arith.truncf %[[Q]] to_nearest_even fastmath<fast> : f32 to f16
  %h = arith.truncf %q to_nearest_even fastmath<fast> : f32 to f16
  // CHECK: %[[O:.*]] = arith.cmpf ugt, %[[Q]], %[[F]] : f32
  %o = arith.cmpf ugt, %q, %f : f32
  // CHECK: return %[[R]], %[[Q]], %[[VS]], %[[E]], %[[H]], %[[O]]
  return %r, %q, %vs, %e, %h, %o : i32, f32, vector<4xf32>, i64, f16, i1
}

// CHECK-LABEL: func.func @dense_constants
// CHECK: arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK: arith.constant dense<2.500000e-01> : vector<8xf16>
// CHECK: arith.constant dense<[true, false]> : tensor<2xi1>
func.func @dense_constants() -> (tensor<4xi32>, vector<8xf16>, tensor<2xi1>) {
  %0 = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %1 = arith.constant dense<0.25> : vector<8xf16>
  %2 = arith.constant dense<[true, false]> : tensor<2xi1>
  return %0, %1, %2 : tensor<4xi32>, vector<8xf16>, tensor<2xi1>
}
