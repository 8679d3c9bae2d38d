// REQUIRES: mlir-opt
// RUN: flowc-opt %s | mlir-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | mlir-opt | FileCheck %s
// RUN: mlir-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s

// The math ops exchange with mlir-opt 22 in both directions.

// CHECK-LABEL: func.func @interop(
// CHECK-SAME:      %[[X:.*]]: f32, %[[Y:.*]]: f32, %[[N:.*]]: i32, %[[V:.*]]: vector<4xf32>)
// CHECK: math.exp %[[X]] fastmath<fast> : f32
// CHECK: math.atan2 %[[X]], %[[Y]] : f32
// CHECK: math.fma %[[X]], %[[Y]], %[[X]] : f32
// CHECK: math.fpowi %[[X]], %[[N]] : f32, i32
// CHECK: math.ctlz %[[N]] : i32
// CHECK: math.ipowi %[[N]], %[[N]] : i32
// CHECK: math.isnan %[[V]] : vector<4xf32>
// CHECK: math.erf %[[V]] fastmath<nnan,ninf> : vector<4xf32>
func.func @interop(%x: f32, %y: f32, %n: i32, %v: vector<4xf32>) -> (f32, f32, f32, f32, i32, i32, vector<4xi1>, vector<4xf32>) {
  %0 = math.exp %x fastmath<fast> : f32
  %1 = math.atan2 %x, %y : f32
  %2 = math.fma %x, %y, %x : f32
  %3 = math.fpowi %x, %n : f32, i32
  %4 = math.ctlz %n : i32
  %5 = math.ipowi %n, %n : i32
  %6 = math.isnan %v : vector<4xf32>
  %7 = math.erf %v fastmath<nnan,ninf> : vector<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : f32, f32, f32, f32, i32, i32, vector<4xi1>, vector<4xf32>
}
