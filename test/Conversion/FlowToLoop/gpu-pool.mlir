// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu | FileCheck %s

// Global pooling reduces a row per (n, c) plane. ResNet's end (512 channels of 7x7): a warp per
// plane (lanes fold elements lane and lane + 32), a 5-step xor butterfly, lane 0 stores the
// mean; 64-thread blocks, so the 512 planes spread over 256 blocks.
// CHECK-LABEL: func.func private @k0_global_average_pool
// CHECK-SAME:      (%[[X:.*]]: memref<512x49xf32>, %[[Y:.*]]: memref<512xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 256, 1, 1>, gpu.kernel
// CHECK:         %[[LANE:.*]] = arith.remui
// CHECK:         %[[ROW:.*]] = arith.addi
// CHECK:         %[[LEAD:.*]] = arith.cmpi eq, %[[LANE]]
// CHECK:         %[[N:.*]] = arith.constant 49 : index
// CHECK:         %[[T:.*]] = arith.constant 32 : index
// CHECK:         loop.for %[[K:.*]] = %[[LANE]] to %[[N]] step %[[T]] iter_args
// CHECK-NEXT:      buffer.load %[[X]][%[[ROW]], %[[K]]] : memref<512x49xf32>
// CHECK:         %[[W:.*]] = arith.constant 32 : i32
// CHECK-NEXT:    %[[O:.*]] = arith.constant 16 : i32
// CHECK-NEXT:    gpu.shuffle xor %{{.*}}, %[[O]], %[[W]] : f32
// CHECK-COUNT-4: gpu.shuffle xor
// CHECK-NEXT:    %[[SUM:.*]] = arith.addf
// CHECK-NEXT:    %[[C:.*]] = arith.constant 4.900000e+01 : f32
// CHECK-NEXT:    %[[MEAN:.*]] = arith.divf %[[SUM]], %[[C]] : f32
// CHECK-NEXT:    loop.if %[[LEAD]] {
// CHECK-NEXT:      buffer.store %[[MEAN]], %[[Y]][%[[ROW]]] : memref<512xf32>

// GlobalMaxPool (f16): NaN propagates through every fold and butterfly step (ord / ugt select),
// rounded to f16 at the store; 6 planes of 16 on 16 lanes each.
// CHECK-LABEL: func.func private @k1_global_max_pool
// CHECK-SAME:      gpu.block_size = array<i64: 96, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         arith.constant 0xFF800000 : f32
// CHECK:         loop.for
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT:      arith.cmpf ord
// CHECK-NEXT:      arith.cmpf ugt
// CHECK:         %[[W:.*]] = arith.constant 16 : i32
// CHECK-NEXT:    %[[O:.*]] = arith.constant 8 : i32
// CHECK-NEXT:    %[[S:.*]]:2 = gpu.shuffle xor %{{.*}}, %[[O]], %[[W]] : f32
// CHECK-NEXT:    arith.cmpf ord
// CHECK-NEXT:    arith.cmpf ugt, %[[S]]#0
// CHECK:         loop.if
// CHECK-NEXT:      arith.truncf %{{.*}} : f32 to f16

// GlobalLpPool (p = 3): the sum of |x|^3, then its cube root.
// CHECK-LABEL: func.func private @k2_global_lp_pool
// CHECK-SAME:      gpu.kernel
// CHECK:         loop.for
// CHECK:           %[[A:.*]] = math.absf
// CHECK-NEXT:      %[[P:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT:      math.powf %[[A]], %[[P]] : f32
// CHECK:         gpu.shuffle xor
// CHECK:         %[[INV:.*]] = arith.constant 3.3333334e-01 : f32
// CHECK-NEXT:    math.powf %{{.*}}, %[[INV]] : f32
func.func @main(%a: tensor<1x512x7x7xf32>, %b: tensor<2x3x4x4xf16>, %c: tensor<1x2x3x3xf32>) -> (tensor<1x512x1x1xf32>, tensor<2x3x1x1xf16>, tensor<1x2x1x1xf32>) {
  %0 = "flow.global_average_pool"(%a) : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>
  %1 = "flow.global_max_pool"(%b) : (tensor<2x3x4x4xf16>) -> tensor<2x3x1x1xf16>
  %2 = "flow.global_lp_pool"(%c) {p = 3 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  return %0, %1, %2 : tensor<1x512x1x1xf32>, tensor<2x3x1x1xf16>, tensor<1x2x1x1xf32>
}
