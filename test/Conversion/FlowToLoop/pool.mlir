// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// MaxPool with Indices: tasks over (N * C planes, output rows); each window is a loop nest
// whose bounds are clipped to the input (ceildivsi), carrying the max and its offset.
// CHECK-LABEL: func.func private @k0_max_pool
// CHECK-SAME: (%{{.*}}: memref<2x5x5xf32>, %{{.*}}: memref<2x3x3xf32>, %{{.*}}: memref<2x3x3xi64>)
// CHECK: loop.parallel (%[[P:.*]], %[[OH:.*]]) =
// CHECK: loop.for %[[OW:.*]] =
// CHECK: arith.ceildivsi
// CHECK: loop.for %{{.*}} = %[[LO:.*]] to %[[HI:.*]] step %{{.*}} iter_args({{.*}}) -> (f32, index)
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32, index)
// CHECK: buffer.load %arg0[%[[P]], %{{.*}}, %{{.*}}] : memref<2x5x5xf32>
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: buffer.store %{{.*}}, %arg1[%[[P]], %[[OH]], %[[OW]]]
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: buffer.store %{{.*}}, %arg2[%[[P]], %[[OH]], %[[OW]]]

// AveragePool with count_include_pad: the count is the window within the padded input.
// CHECK-LABEL: func.func private @k1_average_pool
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32)
// CHECK: arith.addf
// CHECK: arith.sitofp
// CHECK: arith.divf

// GlobalAveragePool: a task per plane, an f64 sum.
// CHECK-LABEL: func.func private @k2_global_average_pool
// CHECK-SAME: (%{{.*}}: memref<2x25xf32>, %{{.*}}: memref<2xf32>)
// CHECK: loop.parallel
// CHECK: iter_args({{.*}}) -> (f64)
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @main(%a: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>, tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) {
  %0:2 = "flow.max_pool"(%a) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  %1 = "flow.average_pool"(%a) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, count_include_pad = 1 : i64} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %2 = "flow.global_average_pool"(%a) : (tensor<1x2x5x5xf32>) -> tensor<1x2x1x1xf32>
  return %0#0, %0#1, %1, %2 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>, tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>
}
