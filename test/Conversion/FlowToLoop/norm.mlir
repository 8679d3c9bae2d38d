// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// Softmax along the last axis: a task per row; max, then exp stored in the result and summed,
// then divided in place.
// CHECK-LABEL: func.func private @k0_softmax
// CHECK-SAME: (%{{.*}}: memref<6x8x1xf32>, %{{.*}}: memref<6x8x1xf32>)
// CHECK: loop.parallel (%[[R:.*]]) =
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32, index)
// CHECK: arith.cmpf ogt
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: buffer.store %{{.*}}, %arg1[%[[R]], %{{.*}}, %{{.*}}]
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: buffer.store %{{.*}}, %arg1[%[[R]], %{{.*}}, %{{.*}}]

// LayerNormalization: a task per row; f64 mean, variance, then the normalized row.
// CHECK-LABEL: func.func private @k1_layer_norm
// CHECK: loop.parallel (%[[A:.*]], %[[B:.*]]) =
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f64)
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f64)
// CHECK: math.sqrt %{{.*}} : f64
// CHECK: loop.for %[[J:.*]] =
// CHECK: buffer.load %arg1[%[[J]]] : memref<8xf32>
// CHECK: buffer.load %arg2[%[[J]]] : memref<8xf32>
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %arg3[%[[A]], %[[B]], %[[J]]]

// BatchNormalization (inference): per (n, c) plane, a * x + b with a, b computed once per task.
// CHECK-LABEL: func.func private @k2_batch_norm
// CHECK: loop.parallel (%[[N:.*]], %[[C:.*]]) =
// CHECK: buffer.load %arg1[%[[C]]] : memref<3xf32>
// CHECK: math.sqrt
// CHECK: loop.for %[[I:.*]] =
// CHECK: buffer.load %arg0[%[[N]], %[[C]], %[[I]]]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: buffer.store %{{.*}}, %arg5[%[[N]], %[[C]], %[[I]]]
func.func @main(%a: tensor<2x3x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %c: tensor<3xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>) {
  %0 = "flow.softmax"(%a) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %1 = "flow.layer_normalization"(%a, %s, %b) {epsilon = 1.0e-05 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %2 = "flow.batch_normalization"(%a, %c, %c, %c, %c) : (tensor<2x3x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x8xf32>
  return %0, %1, %2 : tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>
}
