// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop=target=gpu | FileCheck %s

// Reduce* whose reduced axes are innermost become gpu.kernels that reduce rows with warp
// shuffles. Short rows: a power-of-two part of a warp per row (6 elements: 8 lanes, 4 rows in a
// block of 32), each lane folding elements lane, lane + 8, ..., then an xor butterfly of
// width 8 (offsets 4, 2, 1); lane 0 of the row stores. All rows fill the block exactly, so there
// is no guard.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME:      (%[[X:.*]]: memref<4x6xf32>, %[[Y:.*]]: memref<4xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 32, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         %[[TID:.*]] = gpu.thread_id x
// CHECK:         %[[BID:.*]] = gpu.block_id x
// CHECK:         %[[C8:.*]] = arith.constant 8 : index
// CHECK:         %[[SUB:.*]] = arith.divui %[[TID]], %[[C8]] : index
// CHECK:         %[[LANE:.*]] = arith.remui %[[TID]], %[[C8]] : index
// CHECK:         %[[RPB:.*]] = arith.constant 4 : index
// CHECK:         %[[B4:.*]] = arith.muli %[[BID]], %[[RPB]] : index
// CHECK:         %[[ROW:.*]] = arith.addi %[[B4]], %[[SUB]] : index
// CHECK:         %[[LEAD:.*]] = arith.cmpi eq, %[[LANE]], %{{.*}} : index
// CHECK:         %[[N:.*]] = arith.constant 6 : index
// CHECK:         %[[STEP:.*]] = arith.constant 8 : index
// CHECK:         %[[P:.*]] = loop.for %[[K:.*]] = %[[LANE]] to %[[N]] step %[[STEP]] iter_args(%[[A:.*]] = %{{.*}}) -> (f32) {
// CHECK:           %[[V:.*]] = buffer.load %[[X]][%[[ROW]], %[[K]]] : memref<4x6xf32>
// CHECK:           arith.addf %[[A]], %[[V]] : f32
// CHECK:         %[[W:.*]] = arith.constant 8 : i32
// CHECK:         %[[O4:.*]] = arith.constant 4 : i32
// CHECK:         %[[S4:.*]]:2 = gpu.shuffle xor %[[P]], %[[O4]], %[[W]] : f32
// CHECK:         %[[R4:.*]] = arith.addf %[[P]], %[[S4]]#0 : f32
// CHECK:         %[[O2:.*]] = arith.constant 2 : i32
// CHECK:         gpu.shuffle xor %[[R4]], %[[O2]], %[[W]] : f32
// CHECK:         %[[O1:.*]] = arith.constant 1 : i32
// CHECK:         %[[S1:.*]]:2 = gpu.shuffle xor %{{.*}}, %[[O1]], %[[W]] : f32
// CHECK:         %[[SUM:.*]] = arith.addf %{{.*}}, %[[S1]]#0 : f32
// CHECK-NOT:     gpu.shuffle
// CHECK-NOT:     gpu.barrier
// CHECK:         loop.if %[[LEAD]] {
// CHECK-NEXT:      buffer.store %[[SUM]], %[[Y]][%[[ROW]]] : memref<4xf32>

// Long rows (5000 elements): a block of 256 threads per row. The warps' butterflies (width
// 32: offsets 16 ... 1) leave each warp's sum in its lanes; lane 0 of warp w stores it in
// shared slot w; after the barrier (at the kernel's top level) every thread adds slots 0..7 in
// order; thread 0 stores the mean.
// CHECK-LABEL: func.func private @k1_reduce
// CHECK-SAME:      gpu.block_size = array<i64: 256, 1, 1>, gpu.grid_size = array<i64: 3, 1, 1>, gpu.kernel
// CHECK:         %[[TID:.*]] = gpu.thread_id x
// CHECK:         %[[ROW:.*]] = gpu.block_id x
// CHECK:         %[[LEAD:.*]] = arith.cmpi eq, %[[TID]], %{{.*}} : index
// CHECK:         loop.for %{{.*}} = %[[TID]] to %{{.*}} step %{{.*}} iter_args
// CHECK:           buffer.load %{{.*}}[%[[ROW]], %{{.*}}] : memref<3x5000xf32>
// CHECK:         %[[W:.*]] = arith.constant 32 : i32
// CHECK:         %[[O16:.*]] = arith.constant 16 : i32
// CHECK:         gpu.shuffle xor %{{.*}}, %[[O16]], %[[W]] : f32
// CHECK-COUNT-4: gpu.shuffle xor
// CHECK:         %[[WS:.*]] = arith.addf
// CHECK:         %[[SM:.*]] = gpu.alloc_shared : memref<8xf32, 3>
// CHECK:         %[[WARP:.*]] = arith.divui %[[TID]], %{{.*}} : index
// CHECK:         %[[WLANE:.*]] = arith.remui %[[TID]], %{{.*}} : index
// CHECK:         %[[FIRST:.*]] = arith.cmpi eq, %[[WLANE]], %{{.*}} : index
// CHECK:         loop.if %[[FIRST]] {
// CHECK-NEXT:      buffer.store %[[WS]], %[[SM]][%[[WARP]]] : memref<8xf32, 3>
// CHECK:         }
// CHECK-NEXT:    gpu.barrier
// CHECK-NEXT:    %[[S0:.*]] = buffer.load %[[SM]][%{{.*}}] : memref<8xf32, 3>
// CHECK:         %[[T:.*]] = loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[AC:.*]] = %[[S0]]) -> (f32) {
// CHECK-NEXT:      %[[SJ:.*]] = buffer.load %[[SM]][%[[J]]] : memref<8xf32, 3>
// CHECK-NEXT:      arith.addf %[[AC]], %[[SJ]] : f32
// CHECK:         %[[CNT:.*]] = arith.constant 5.000000e+03 : f32
// CHECK:         %[[MEAN:.*]] = arith.divf %[[T]], %[[CNT]] : f32
// CHECK:         loop.if %[[LEAD]] {
// CHECK-NEXT:      buffer.store %[[MEAN]], %{{.*}}[%[[ROW]]] : memref<3xf32>

// 9 rows of 100 f16: 32 lanes per row; blocks shrink to 64 threads (2 rows) to spread 9 rows
// over 5 blocks instead of 2; the last block runs past the last row, so the row is clamped, the element range emptied and the store masked
// (the threads still take part in every shuffle). Max propagates NaN at every step (ord / ugt
// select), in f32, rounded to f16 once.
// CHECK-LABEL: func.func private @k2_reduce
// CHECK-SAME:      gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 5, 1, 1>, gpu.kernel
// CHECK:         %[[LANE:.*]] = arith.remui
// CHECK:         %[[ROW:.*]] = arith.addi
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : index
// CHECK:         %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %[[ZERO]] : index
// CHECK:         %[[N:.*]] = arith.constant 100 : index
// CHECK:         %[[ROWS:.*]] = arith.constant 9 : index
// CHECK:         %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[ROWS]] : index
// CHECK:         %[[RC:.*]] = arith.select %[[IN]], %[[ROW]], %[[ZERO]] : index
// CHECK:         %[[END:.*]] = arith.select %[[IN]], %[[N]], %[[ZERO]] : index
// CHECK:         %[[LEAD:.*]] = arith.andi %[[FIRST]], %[[IN]] : i1
// CHECK:         loop.for %{{.*}} = %[[LANE]] to %[[END]] step
// CHECK:           buffer.load %{{.*}}[%[[RC]], %{{.*}}] : memref<9x100xf16>
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK:           arith.cmpf ord
// CHECK:           arith.cmpf ugt
// CHECK:         %[[SH:.*]]:2 = gpu.shuffle xor
// CHECK:         arith.cmpf ord
// CHECK:         arith.cmpf ugt, %[[SH]]#0
// CHECK:         loop.if %[[LEAD]] {
// CHECK-NEXT:      arith.truncf %{{.*}} : f32 to f16
// CHECK-NEXT:      buffer.store %{{.*}}, %{{.*}}[%[[RC]]] : memref<9xf16>
func.func @main(%a: tensor<4x6xf32>, %b: tensor<3x5000xf32>, %c: tensor<9x100xf16>) -> (tensor<4x1xf32>, tensor<3xf32>, tensor<9xf16>) {
  %ax = "flow.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_sum"(%a, %ax) : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %1 = "flow.reduce_mean"(%b, %ax) {keepdims = 0 : i64} : (tensor<3x5000xf32>, tensor<1xi64>) -> tensor<3xf32>
  %2 = "flow.reduce_max"(%c, %ax) {keepdims = 0 : i64} : (tensor<9x100xf16>, tensor<1xi64>) -> tensor<9xf16>
  return %0, %1, %2 : tensor<4x1xf32>, tensor<3xf32>, tensor<9xf16>
}

// -----

// What stays on the loop path (no gpu.kernel: convert-loop-to-gpu maps it later): a reduced
// axis followed by a kept one and f64 (shuffles move 32 bits). On the GPU target these take the
// register plan, parallel over every kept dim (a thread per output element once mapped, and
// neighbouring threads read neighbouring elements), not the CPU's accumulation into an f64
// buffer row with the leading kept dims as the only tasks. ReduceLogSumExp over all axes
// (size-1 dims ignored: one row of 6) is a GPU kernel: a NaN-ignoring max (maxnumf) butterfly,
// the non-finite max taken as 0, then the sum of exp(x - max) and log(sum) + max.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME:      (%[[X:.*]]: memref<4x5x6xf32>, %[[Y:.*]]: memref<4x1x6xf32>) attributes {flowc.kernel} {
// CHECK-NOT:     gpu.
// CHECK:         loop.parallel (%[[A:.*]], %[[B:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step
// CHECK:           %[[S:.*]] = loop.for %[[K:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f64) {
// CHECK:             buffer.load %[[X]][%[[A]], %[[K]], %[[B]]] : memref<4x5x6xf32>
// CHECK:           arith.truncf %[[S]] : f64 to f32
// CHECK:           buffer.store %{{.*}}, %[[Y]][%[[A]], %{{.*}}, %[[B]]] : memref<4x1x6xf32>
// CHECK-LABEL: func.func private @k1_reduce
// CHECK-SAME:      (%{{.*}}: memref<4x6xf64>, %{{.*}}: memref<4x1xf64>) attributes {flowc.kernel} {
// CHECK-NOT:     gpu.
// CHECK-LABEL: func.func private @k2_reduce
// CHECK-SAME:      (%{{.*}}: memref<1x6xf32>, %{{.*}}: memref<1xf32>)
// CHECK-SAME:      gpu.block_size = array<i64: 32, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         arith.maxnumf
// CHECK:         %[[SH:.*]]:2 = gpu.shuffle xor
// CHECK:         arith.maxnumf %{{.*}}, %[[SH]]#0 : f32
// CHECK-COUNT-2: gpu.shuffle xor
// CHECK-NEXT:    %[[M:.*]] = arith.maxnumf
// CHECK-NEXT:    math.absf %[[M]] : f32
// CHECK:         %[[MO:.*]] = arith.select
// CHECK:         loop.for
// CHECK:           arith.subf %{{.*}}, %[[MO]] : f32
// CHECK:           math.exp
// CHECK:         gpu.shuffle xor
// CHECK:         %[[L:.*]] = math.log
// CHECK:         arith.addf %[[L]], %[[MO]] : f32
// CHECK-LABEL: func.func @main
// CHECK-NOT:     buffer.alloc
// CHECK:         call @k0_reduce(
// CHECK:         call @k1_reduce(
// CHECK:         %[[XV:.*]] = buffer.view %arg2 : memref<2x3x1xf32> to memref<1x6xf32>
// CHECK:         %[[YV:.*]] = buffer.view %arg5 : memref<1x1x1xf32> to memref<1xf32>
// CHECK:         call @k2_reduce(%[[XV]], %[[YV]])
func.func @main(%a: tensor<4x5x6xf32>, %d: tensor<4x6xf64>, %e: tensor<2x3x1xf32>) -> (tensor<4x1x6xf32>, tensor<4x1xf64>, tensor<1x1x1xf32>) {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %ax2 = "flow.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_sum"(%a, %ax) : (tensor<4x5x6xf32>, tensor<1xi64>) -> tensor<4x1x6xf32>
  %1 = "flow.reduce_sum"(%d, %ax2) : (tensor<4x6xf64>, tensor<1xi64>) -> tensor<4x1xf64>
  %2 = "flow.reduce_log_sum_exp"(%e) : (tensor<2x3x1xf32>) -> tensor<1x1x1xf32>
  return %0, %1, %2 : tensor<4x1x6xf32>, tensor<4x1xf64>, tensor<1x1x1xf32>
}
