// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// AffineGrid (2-D, align_corners = 0): parallel over (batch, rows); per point the base
// coordinates -1 + (2i + 1) / d in f64 (x first), then each theta row dotted with (x, y, 1) in
// f64 and rounded to f32 once.
// CHECK-LABEL: func.func private @k0_affine_grid
// CHECK-SAME: (%[[T:.*]]: memref<2x2x3xf32>, %[[Y:.*]]: memref<2x3x4x2xf32>)
// CHECK: loop.parallel (%[[B:.*]], %[[I:.*]]) =
// CHECK: loop.for %[[J:.*]] =
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: arith.divf
// CHECK: buffer.load %[[T]][%[[B]]
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[B]], %[[I]], %[[J]], %{{.*}}]
func.func @main(%t: tensor<2x2x3xf32>) -> tensor<2x3x4x2xf32> {
  %s = "flow.constant"() {value = dense<[2, 1, 3, 4]> : tensor<4xi64>} : () -> tensor<4xi64>
  %0 = "flow.affine_grid"(%t, %s) : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x3x4x2xf32>
  return %0 : tensor<2x3x4x2xf32>
}
