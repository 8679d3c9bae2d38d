// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu | FileCheck %s

// A few long rows would leave most multiprocessors idle with a block per row, so one-pass
// reductions split each row into equal chunks (the largest divisor of the length up to
// 264 / rows blocks with chunks of at least 8192): a first kernel reduces each chunk (a block of
// 256 threads, shuffles and shared memory) into an f32 partial in an arena scratch buffer,
// without the finish; a second joins each row's partials and finishes.

// ReduceL2 of 3 rows of 65536: 8 chunks of 8192 a row, squares in the first kernel, the
// square root in the second only.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME:      (%[[X:.*]]: memref<24x8192xf32>, %[[P:.*]]: memref<24xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 256, 1, 1>, gpu.grid_size = array<i64: 24, 1, 1>, gpu.kernel
// CHECK:         %[[ROW:.*]] = gpu.block_id x
// CHECK:         loop.for
// CHECK:           %[[V:.*]] = buffer.load %[[X]][%[[ROW]], %{{.*}}] : memref<24x8192xf32>
// CHECK-NEXT:      %[[SQ:.*]] = arith.mulf %[[V]], %[[V]] : f32
// CHECK-NEXT:      arith.addf %{{.*}}, %[[SQ]] : f32
// CHECK:         gpu.barrier
// CHECK-NOT:     math.sqrt
// CHECK:         buffer.store %{{.*}}, %[[P]][%[[ROW]]] : memref<24xf32>
// CHECK-LABEL: func.func private @k1_reduce
// CHECK-SAME:      (%[[P:.*]]: memref<3x8xf32>, %[[Y:.*]]: memref<3xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 32, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         loop.for
// CHECK-NEXT:      %[[V:.*]] = buffer.load %[[P]][%{{.*}}, %{{.*}}] : memref<3x8xf32>
// CHECK-NEXT:      arith.addf %{{.*}}, %[[V]] : f32
// CHECK:         %[[R:.*]] = math.sqrt
// CHECK:         buffer.store %[[R]], %[[Y]]

// GlobalAveragePool of 3 planes of 224x224 = 50176 = 2^10 * 7^2: 4 chunks of 12544 (5 and 6
// do not divide it); the mean divides the joined sum by 50176.
// CHECK-LABEL: func.func private @k2_global_average_pool
// CHECK-SAME:      (%{{.*}}: memref<12x12544xf32>, %{{.*}}: memref<12xf32>)
// CHECK-SAME:      gpu.grid_size = array<i64: 12, 1, 1>
// CHECK-NOT:     arith.divf
// CHECK-LABEL: func.func private @k3_global_average_pool
// CHECK-SAME:      (%{{.*}}: memref<3x4xf32>, %{{.*}}: memref<3xf32>)
// CHECK:         %[[C:.*]] = arith.constant 5.017600e+04 : f32
// CHECK-NEXT:    arith.divf %{{.*}}, %[[C]] : f32

// CHECK-LABEL: func.func @main
// CHECK:         %[[XV:.*]] = buffer.view %arg0 : memref<3x65536xf32> to memref<24x8192xf32>
// CHECK-NEXT:    %[[S:.*]] = buffer.alloc() : memref<24xf32>
// CHECK-NEXT:    call @k0_reduce(%[[XV]], %[[S]])
// CHECK-NEXT:    %[[SV:.*]] = buffer.view %[[S]] : memref<24xf32> to memref<3x8xf32>
// CHECK-NEXT:    call @k1_reduce(%[[SV]], %arg2)
func.func @main(%a: tensor<3x65536xf32>, %b: tensor<1x3x224x224xf32>) -> (tensor<3xf32>, tensor<1x3x1x1xf32>) {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_l2"(%a, %ax) {keepdims = 0 : i64} : (tensor<3x65536xf32>, tensor<1xi64>) -> tensor<3xf32>
  %1 = "flow.global_average_pool"(%b) : (tensor<1x3x224x224xf32>) -> tensor<1x3x1x1xf32>
  return %0, %1 : tensor<3xf32>, tensor<1x3x1x1xf32>
}
