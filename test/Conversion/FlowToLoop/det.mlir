// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// Det: one task per matrix; an f64 stack copy, then per column a pivot search (first largest
// |a[r][c]|), a zero-pivot exit, a row swap that negates, and the elimination, in the
// interpreter's order; the f64 result is rounded to f32 once.
// CHECK-LABEL: func.func private @k0_det
// CHECK-SAME: (%[[X:.*]]: memref<2x3x3xf32>, %[[Y:.*]]: memref<2xf32>)
// CHECK: loop.parallel (%[[B:.*]]) =
// CHECK: %[[T:.*]] = buffer.alloca() : memref<3x3xf64>
// CHECK: arith.extf
// CHECK: loop.for
// CHECK: loop.if
// CHECK: math.absf
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: loop.if
// CHECK: arith.negf
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: arith.subf
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[B]]]
func.func @main(%x: tensor<2x3x3xf32>) -> tensor<2xf32> {
  %0 = "flow.det"(%x) : (tensor<2x3x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
