// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// NegativeLogLikelihoodLoss, weighted, mean: one task summing the weighted losses and the
// weights in f64; ignored targets weigh 0; the class index is wrapped and clamped.
// CHECK-LABEL: func.func private @k0_nll_loss
// CHECK-SAME: (%{{.*}}: memref<2x3x4xf32>, %{{.*}}: memref<2x4xi64>, %{{.*}}: memref<3xf32>, %{{.*}}: memref<f32>)
// CHECK-NOT: loop.parallel
// CHECK: iter_args({{.*}}) -> (f64, f64)
// CHECK: %[[T:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[IG:.*]] = arith.cmpi eq, %[[T]], %{{.*}} : index
// CHECK: arith.minsi
// CHECK: %[[LP:.*]] = buffer.load %arg0
// CHECK: arith.negf
// CHECK: buffer.load %arg2
// CHECK: arith.select %[[IG]]
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: buffer.store %{{.*}}, %arg3[] : memref<f32>

// SoftmaxCrossEntropyLoss: log-probabilities into the second result (a task per batch item:
// max, sum of exp, log of the quotient), then the per-element losses.
// CHECK-LABEL: func.func private @k1_sce_log_softmax
// CHECK: loop.parallel
// CHECK: arith.cmpf ogt
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.log %{{.*}} : f64
// CHECK: buffer.store %{{.*}}, %arg1
// CHECK-LABEL: func.func private @k2_sce_loss
// CHECK: loop.parallel
// CHECK: arith.negf
// CHECK: buffer.store %{{.*}}, %arg2
// CHECK-LABEL: func.func @main
// CHECK: call @k0_nll_loss
// CHECK: call @k1_sce_log_softmax(%arg0, %arg5)
// CHECK: call @k2_sce_loss(%arg5, %arg1, %arg4)
func.func @main(%x: tensor<2x3x4xf32>, %t: tensor<2x4xi64>, %w: tensor<3xf32>) -> (tensor<f32>, tensor<2x4xf32>, tensor<2x3x4xf32>) {
  %0 = "flow.negative_log_likelihood_loss"(%x, %t, %w) {ignore_index = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x4xi64>, tensor<3xf32>) -> tensor<f32>
  %1:2 = "flow.softmax_cross_entropy_loss"(%x, %t) {reduction = "none"} : (tensor<2x3x4xf32>, tensor<2x4xi64>) -> (tensor<2x4xf32>, tensor<2x3x4xf32>)
  return %0, %1#0, %1#1 : tensor<f32>, tensor<2x4xf32>, tensor<2x3x4xf32>
}
