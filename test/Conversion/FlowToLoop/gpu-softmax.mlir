// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu | FileCheck %s

// Softmax / LogSoftmax / Hardmax on contiguous rows become gpu.kernels: a row per 8 lanes
// (rows of 6 or 8), three phases over each lane's elements k = lane, lane + 8, ...: the max
// (NaN never wins: ogt select) joined by an xor butterfly, then e = exp(x - max) written to
// the result and summed (butterfly again), then y = e / sum (LogSoftmax: log) from what the
// same lane wrote. No shared memory or barrier: a row lives in one warp.

// 6 rows of 8 in a block of 64: the block is not full, so the row is clamped and the
// element range ends at 0 past the last row.
// CHECK-LABEL: func.func private @k0_log_softmax
// CHECK-SAME:      (%[[X:.*]]: memref<6x8xf32>, %[[Y:.*]]: memref<6x8xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         %[[LANE:.*]] = arith.remui
// CHECK:         %[[IN:.*]] = arith.cmpi ult
// CHECK:         %[[ROW:.*]] = arith.select %[[IN]]
// CHECK:         %[[END:.*]] = arith.select %[[IN]]
// CHECK:         %[[M0:.*]] = loop.for %[[K:.*]] = %[[LANE]] to %[[END]] step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT:      %[[V:.*]] = buffer.load %[[X]][%[[ROW]], %[[K]]] : memref<6x8xf32>
// CHECK-NEXT:      %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[A]] : f32
// CHECK-NEXT:      arith.select %[[GT]], %[[V]], %[[A]] : f32
// CHECK:         %[[S:.*]]:2 = gpu.shuffle xor %[[M0]], %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    %[[GT:.*]] = arith.cmpf ogt, %[[S]]#0, %[[M0]] : f32
// CHECK-NEXT:    arith.select %[[GT]], %[[S]]#0, %[[M0]] : f32
// CHECK-COUNT-2: gpu.shuffle xor
// CHECK-NEXT:    arith.cmpf ogt
// CHECK-NEXT:    %[[M:.*]] = arith.select
// CHECK:         %[[P:.*]] = loop.for %[[K:.*]] = %[[LANE]] to %[[END]] step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT:      %[[V:.*]] = buffer.load %[[X]][%[[ROW]], %[[K]]]
// CHECK-NEXT:      %[[D:.*]] = arith.subf %[[V]], %[[M]] : f32
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT:      buffer.store %[[E]], %[[Y]][%[[ROW]], %[[K]]] : memref<6x8xf32>
// CHECK-NEXT:      arith.addf %[[A]], %[[E]] : f32
// CHECK-COUNT-3: gpu.shuffle xor
// CHECK-NEXT:    %[[SUM:.*]] = arith.addf
// CHECK:         loop.for %[[K:.*]] = %[[LANE]] to %[[END]] step
// CHECK-NEXT:      %[[E:.*]] = buffer.load %[[Y]][%[[ROW]], %[[K]]]
// CHECK-NEXT:      %[[Q:.*]] = arith.divf %[[E]], %[[SUM]] : f32
// CHECK-NEXT:      %[[L:.*]] = math.log %[[Q]] : f32
// CHECK-NEXT:      buffer.store %[[L]], %[[Y]][%[[ROW]], %[[K]]]
// CHECK-NOT:     gpu.barrier

// f16: computed in f32 with the CPU kernel's roundings to f16 between steps (x - max, exp,
// the sum, the quotient).
// CHECK-LABEL: func.func private @k1_softmax
// CHECK-SAME:      gpu.kernel
// CHECK:         arith.subf
// CHECK-NEXT:    arith.truncf %{{.*}} : f32 to f16
// CHECK-NEXT:    arith.extf
// CHECK-NEXT:    math.exp
// CHECK-NEXT:    arith.truncf %{{.*}} : f32 to f16
// CHECK-COUNT-3: gpu.shuffle xor
// CHECK-NEXT:    %[[SUM:.*]] = arith.addf
// CHECK-NEXT:    arith.truncf %[[SUM]] : f32 to f16

// Hardmax: (value, index) pairs, the index shuffled as an i32; the larger value wins, equal
// values the smaller index; then 1 at that index, 0 elsewhere.
// CHECK-LABEL: func.func private @k2_hardmax
// CHECK-SAME:      gpu.kernel
// CHECK:         %[[P:.*]]:2 = loop.for %[[K:[^ ]*]] = {{.*}} -> (f32, i32) {
// CHECK:           arith.index_cast %[[K]] : index to i32
// CHECK:         %[[SV:.*]]:2 = gpu.shuffle xor %[[P]]#0, %[[O:.*]], %[[W:.*]] : f32
// CHECK-NEXT:    %[[SI:.*]]:2 = gpu.shuffle xor %[[P]]#1, %[[O]], %[[W]] : i32
// CHECK-NEXT:    %[[GT:.*]] = arith.cmpf ogt, %[[SV]]#0, %[[P]]#0 : f32
// CHECK-NEXT:    %[[EQ:.*]] = arith.cmpf oeq, %[[SV]]#0, %[[P]]#0 : f32
// CHECK-NEXT:    %[[LT:.*]] = arith.cmpi slt, %[[SI]]#0, %[[P]]#1 : i32
// CHECK-NEXT:    %[[TIE:.*]] = arith.andi %[[EQ]], %[[LT]] : i1
// CHECK-NEXT:    %[[PICK:.*]] = arith.ori %[[GT]], %[[TIE]] : i1
// CHECK-COUNT-2: arith.select %{{.*}}, %{{.*}}#0, %{{.*}} : i32
// CHECK:         %[[BI:.*]] = arith.select %{{.*}}, %{{.*}}#0, %{{.*}} : i32
// CHECK-NEXT:    %[[AM:.*]] = arith.index_cast %[[BI]] : i32 to index
// CHECK:         loop.for %[[K:.*]] =
// CHECK-NEXT:      arith.cmpi eq, %[[K]], %[[AM]] : index

// Along an axis followed by a dim other than 1, Softmax stays on the loop path (a thread per
// (outer, inner) lane there reads neighbouring elements).
// CHECK-LABEL: func.func private @k3_softmax
// CHECK-SAME:      attributes {flowc.kernel} {
// CHECK-NEXT:    arith.constant
// CHECK-NOT:     gpu.
// CHECK:         loop.parallel
func.func @main(%a: tensor<2x3x8xf32>, %h: tensor<4x6xf16>, %c: tensor<4x6xf32>) -> (tensor<2x3x8xf32>, tensor<4x6xf16>, tensor<4x6xf32>, tensor<4x6xf32>) {
  %0 = "flow.log_softmax"(%a) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %1 = "flow.softmax"(%h) : (tensor<4x6xf16>) -> tensor<4x6xf16>
  %2 = "flow.hardmax"(%c) : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %3 = "flow.softmax"(%c) {axis = 0 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  return %0, %1, %2, %3 : tensor<2x3x8xf32>, tensor<4x6xf16>, tensor<4x6xf32>, tensor<4x6xf32>
}
