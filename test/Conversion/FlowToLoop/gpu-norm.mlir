// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu | FileCheck %s

// The normalizations reduce rows on the GPU like the Reduce* ops (gpu-reduce.mlir): every
// statistic is a fold over the lane's elements plus an xor butterfly, so all lanes of the row
// hold it, then each lane normalizes its own elements.

// LayerNormalization over the last dim (6 rows of 8, 8 lanes a row): the mean, then the sum of
// squared deviations (a second pass over the row), inv = 1 / sqrt(var + eps),
// y = ((x - mean) * inv) * scale + bias with the per-element scale / bias read at k; the
// Mean / InvStdDev results are written by the row's first lane (only when in range).
// CHECK-LABEL: func.func private @k0_layer_norm
// CHECK-SAME:      (%[[X:.*]]: memref<6x8xf32>, %[[S:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>, %[[Y:.*]]: memref<6x8xf32>, %[[MEAN:.*]]: memref<6xf32>, %[[INV:.*]]: memref<6xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         %[[ROW:.*]] = arith.select
// CHECK:         %[[END:.*]] = arith.select
// CHECK:         %[[LEAD:.*]] = arith.andi
// CHECK:         %[[CNT:.*]] = arith.constant 8.000000e+00 : f32
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         %[[EPS:.*]] = arith.constant 1.000000e-05 : f32
// CHECK:         loop.for
// CHECK-COUNT-3: gpu.shuffle xor
// CHECK-NEXT:    %[[SUM:.*]] = arith.addf
// CHECK-NEXT:    %[[M:.*]] = arith.divf %[[SUM]], %[[CNT]] : f32
// CHECK:         loop.for
// CHECK:           arith.subf %{{.*}}, %[[M]] : f32
// CHECK-COUNT-3: gpu.shuffle xor
// CHECK-NEXT:    %[[VS:.*]] = arith.addf
// CHECK-NEXT:    %[[VAR:.*]] = arith.divf %[[VS]], %[[CNT]] : f32
// CHECK-NEXT:    %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK-NEXT:    %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT:    %[[I:.*]] = arith.divf %[[ONE]], %[[SD]] : f32
// CHECK:         loop.for %[[K:.*]] = %{{.*}} to %[[END]] step
// CHECK-NEXT:      %[[V:.*]] = buffer.load %[[X]][%[[ROW]], %[[K]]]
// CHECK-NEXT:      %[[D:.*]] = arith.subf %[[V]], %[[M]] : f32
// CHECK-NEXT:      %[[N:.*]] = arith.mulf %[[D]], %[[I]] : f32
// CHECK-NEXT:      %[[SV:.*]] = buffer.load %[[S]][%[[K]]] : memref<8xf32>
// CHECK-NEXT:      %[[T:.*]] = arith.mulf %[[N]], %[[SV]] : f32
// CHECK-NEXT:      %[[BV:.*]] = buffer.load %[[B]][%[[K]]] : memref<8xf32>
// CHECK-NEXT:      %[[R:.*]] = arith.addf %[[T]], %[[BV]] : f32
// CHECK-NEXT:      buffer.store %[[R]], %[[Y]][%[[ROW]], %[[K]]]
// CHECK:         loop.if %[[LEAD]] {
// CHECK-NEXT:      buffer.store %[[M]], %[[MEAN]][%[[ROW]]] : memref<6xf32>
// CHECK-NEXT:      buffer.store %[[I]], %[[INV]][%[[ROW]]] : memref<6xf32>

// RMSNormalization with a scale that broadcasts over the leading dims too: read at the
// element's full index (the row split into [2, 3], the leading dim broadcast to 0).
// CHECK-LABEL: func.func private @k1_rms_norm
// CHECK-SAME:      (%[[X:.*]]: memref<6x8xf32>, %[[S:.*]]: memref<1x3x8xf32>, %[[Y:.*]]: memref<6x8xf32>)
// CHECK-SAME:      gpu.kernel
// CHECK:         %[[ROW:.*]] = arith.select
// CHECK:         loop.for
// CHECK:           arith.mulf
// CHECK:         gpu.shuffle xor
// CHECK:         math.sqrt
// CHECK-NEXT:    %[[I:.*]] = arith.divf
// CHECK:         loop.for %[[K:.*]] =
// CHECK:           %[[V:.*]] = buffer.load %[[X]][%[[ROW]], %[[K]]]
// CHECK-NEXT:      %[[N:.*]] = arith.mulf %[[V]], %[[I]] : f32
// CHECK-NEXT:      %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT:      %[[D1:.*]] = arith.remui %[[ROW]], %[[C3]] : index
// CHECK:           %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:      %[[SV:.*]] = buffer.load %[[S]][%[[Z]], %[[D1]], %[[K]]] : memref<1x3x8xf32>
// CHECK-NEXT:      arith.mulf %[[N]], %[[SV]] : f32

// InstanceNormalization: a row per (n, c) plane of 9, channel = row % 4;
// y = ((x - mean) / sqrt(var + eps)) * scale[c] + bias[c].
// CHECK-LABEL: func.func private @k2_instance_norm
// CHECK-SAME:      (%[[X:.*]]: memref<8x9xf32>, %[[S:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>, %[[Y:.*]]: memref<8x9xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 2, 1, 1>, gpu.kernel
// CHECK:         %[[ROW:.*]] = arith.addi
// CHECK:         %[[SD:.*]] = math.sqrt
// CHECK:         %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[G:.*]] = arith.remui %[[ROW]], %[[C4]] : index
// CHECK:         loop.for %[[K:.*]] =
// CHECK:           %[[J:.*]] = arith.divui %[[K]], %{{.*}} : index
// CHECK-NEXT:      %[[CH:.*]] = arith.addi %[[G]], %[[J]] : index
// CHECK-NEXT:      buffer.load %[[S]][%[[CH]]] : memref<4xf32>
// CHECK-NEXT:      buffer.load %[[B]][%[[CH]]] : memref<4xf32>
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      arith.divf %{{.*}}, %[[SD]] : f32

// GroupNormalization, 2 groups of 2 channels: a row per (n, group) of 2 * 9 elements, the
// channel of element k is group * 2 + k / 9.
// CHECK-LABEL: func.func private @k3_group_norm
// CHECK-SAME:      (%{{.*}}: memref<4x18xf32>, %[[S:.*]]: memref<4xf32>, %{{.*}}: memref<4xf32>, %{{.*}}: memref<4x18xf32>)
// CHECK-SAME:      gpu.kernel
// CHECK:         %[[ROW:.*]] = arith.addi
// CHECK:         %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT:    %[[G:.*]] = arith.remui %[[ROW]], %[[C2]] : index
// CHECK:         loop.for %[[K:.*]] =
// CHECK:           %[[C9:.*]] = arith.constant 9 : index
// CHECK-NEXT:      %[[J:.*]] = arith.divui %[[K]], %[[C9]] : index
// CHECK-NEXT:      %[[CPG:.*]] = arith.constant 2 : index
// CHECK-NEXT:      %[[G2:.*]] = arith.muli %[[G]], %[[CPG]] : index
// CHECK-NEXT:      %[[CH:.*]] = arith.addi %[[G2]], %[[J]] : index
// CHECK-NEXT:      buffer.load %[[S]][%[[CH]]] : memref<4xf32>
func.func @main(%a: tensor<2x3x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %r: tensor<1x3x8xf32>, %i: tensor<2x4x3x3xf32>, %is: tensor<4xf32>, %ib: tensor<4xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>, tensor<2x3x8xf32>, tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) {
  %0:3 = "flow.layer_normalization"(%a, %s, %b) {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  %1 = "flow.rms_normalization"(%a, %r) {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x8xf32>, tensor<1x3x8xf32>) -> tensor<2x3x8xf32>
  %2 = "flow.instance_normalization"(%i, %is, %ib) {epsilon = 1.0e-05 : f32} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
  %3 = "flow.group_normalization"(%i, %is, %ib) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
  return %0#0, %0#1, %0#2, %1, %2, %3 : tensor<2x3x8xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>, tensor<2x3x8xf32>, tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>
}
