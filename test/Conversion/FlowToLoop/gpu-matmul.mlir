// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop=target=gpu | FileCheck %s

// With target=gpu, f32 MatMul / Gemm become GPU kernels straight away (gpu_gemm.rs): functions
// marked gpu.kernel with their grid and block sizes, which convert-loop-to-gpu leaves alone.

// The tiled kernel on a Gemm with transB, alpha, beta and a fused residual Add + ReLU. 8 x 40
// is too small for the bigger tiles: 32 x 32 tiles, 2 blocks of 64 threads, a 4 x 4 register
// tile per thread. Per step of k = 16, the A[32, 16] and B[16, 32] tiles go through shared
// memory: each thread's 8 + 8 elements are loaded into registers (guarded: 0 outside M = 8,
// N = 40, K = 30), the first step's before the loop and the next step's inside it, before this
// step's FMAs; the loop carries them with the 16 accumulators. A step stores them to shared
// memory, waits at a barrier, loads the next ones, does its 16 x 16 FMAs from shared memory
// and waits again. The epilogue applies alpha, beta * C, the residual and the ReLU to each
// accumulator and stores it, guarded by row < 8 and column < 40.
// CHECK-LABEL: func.func private @k0_gemm_tiled
// CHECK-SAME: (%[[A:.*]]: memref<8x30xf32>, %[[B:.*]]: memref<40x30xf32>, %[[C:.*]]: memref<40xf32>, %[[R:.*]]: memref<8x40xf32>, %[[Y:.*]]: memref<8x40xf32>)
// CHECK-SAME: attributes {flowc.kernel, gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 2, 1, 1>, gpu.kernel}
// CHECK-DAG: %[[AV:.*]] = buffer.view %[[A]] : memref<8x30xf32> to memref<1x8x30xf32>
// CHECK-DAG: %[[BV:.*]] = buffer.view %[[B]] : memref<40x30xf32> to memref<1x40x30xf32>
// CHECK-DAG: %[[CV:.*]] = buffer.view %[[C]] : memref<40xf32> to memref<1x40xf32>
// CHECK: %[[AS:.*]] = gpu.alloc_shared : memref<16x34xf32, 3>
// CHECK-NEXT: %[[BS:.*]] = gpu.alloc_shared : memref<16x34xf32, 3>
// CHECK-NEXT: %[[TID:.*]] = gpu.thread_id x
// CHECK-NEXT: %[[BID:.*]] = gpu.block_id x
// CHECK: %[[AOK:.*]] = arith.andi
// CHECK-NEXT: %[[A0:.*]] = loop.if %[[AOK]] -> (f32) {
// CHECK-NEXT: %[[L:.*]] = buffer.load %[[AV]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<1x8x30xf32>
// CHECK-NEXT: loop.yield %[[L]] : f32
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: loop.yield %[[Z]] : f32
// CHECK-COUNT-7: buffer.load %[[AV]]
// CHECK: loop.if %{{.*}} -> (f32) {
// CHECK-NEXT: buffer.load %[[BV]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<1x40x30xf32>
// CHECK: %[[ACC:.*]]:32 = loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[SA:.*]] = %[[A0]], {{.*}}) -> ({{(f32, ){31}f32}}) {
// CHECK-NEXT: buffer.store %[[SA]], %[[AS]][%{{.*}}, %{{.*}}] : memref<16x34xf32, 3>
// CHECK-COUNT-7: buffer.store %{{.*}}, %[[AS]]
// CHECK-COUNT-8: buffer.store %{{.*}}, %[[BS]]
// CHECK-NEXT: gpu.barrier
// CHECK: %[[NA:.*]] = loop.if %{{.*}} -> (f32) {
// CHECK-NEXT: buffer.load %[[AV]]
// CHECK-COUNT-7: buffer.load %[[AV]]
// CHECK: loop.if %{{.*}} -> (f32) {
// CHECK-NEXT: buffer.load %[[BV]]
// CHECK: buffer.load %[[AS]]
// CHECK-COUNT-256: math.fma
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: loop.yield %[[NA]], {{.*}} : {{(f32, ){31}f32}}
// CHECK: loop.if
// CHECK: loop.if
// CHECK: %[[S:.*]] = arith.mulf %[[ACC]]#16, %{{.*}} : f32
// CHECK: %[[CE:.*]] = buffer.load %[[CV]][%{{.*}}, %{{.*}}] : memref<1x40xf32>
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[BC:.*]] = arith.mulf %[[BETA]], %[[CE]] : f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[S]], %[[BC]] : f32
// CHECK-NEXT: %[[RE:.*]] = buffer.load %[[R]][%[[I:.*]], %[[J:.*]]] : memref<8x40xf32>
// CHECK-NEXT: %[[SR:.*]] = arith.addf %[[SUM]], %[[RE]] : f32
// CHECK: arith.cmpf olt, %[[SR]]
// CHECK-NEXT: %[[OUT:.*]] = arith.select
// CHECK-NEXT: buffer.store %[[OUT]], %[[Y]][%[[I]], %[[J]]] : memref<8x40xf32>
// CHECK-LABEL: func.func @main
// CHECK-NOT: buffer.alloc
// CHECK: call @k0_gemm_tiled
// CHECK-NEXT: return
func.func @main(%a: tensor<8x30xf32>, %b: tensor<40x30xf32>, %c: tensor<40xf32>, %r: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %0 = "flow.fused"(%a, %b, %c, %r) ({
  ^bb0(%a0: tensor<8x30xf32>, %a1: tensor<40x30xf32>, %a2: tensor<40xf32>, %a3: tensor<8x40xf32>):
    %1 = "flow.gemm"(%a0, %a1, %a2) {transB = 1 : i64, alpha = 2.0 : f32, beta = 0.5 : f32} : (tensor<8x30xf32>, tensor<40x30xf32>, tensor<40xf32>) -> tensor<8x40xf32>
    %2 = "flow.add"(%1, %a3) : (tensor<8x40xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
    %3 = "flow.relu"(%2) : (tensor<8x40xf32>) -> tensor<8x40xf32>
    "flow.yield"(%3) : (tensor<8x40xf32>) -> ()
  }) : (tensor<8x30xf32>, tensor<40x30xf32>, tensor<40xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
  return %0 : tensor<8x40xf32>
}

// -----

// 40 products of 128 x 64 x 128: 64 x 64 tiles (160 blocks), k steps of 16, 4 x 4 per
// thread. Every dimension is a multiple of its tile: the first step's loads and the stores are
// unguarded, and the next step's loads check only k (false past the last step).
// CHECK-LABEL: func.func private @k0_matmul_tiled
// CHECK-SAME: gpu.block_size = array<i64: 256, 1, 1>, gpu.grid_size = array<i64: 160, 1, 1>, gpu.kernel
// CHECK: gpu.alloc_shared : memref<16x66xf32, 3>
// CHECK-NEXT: gpu.alloc_shared : memref<16x66xf32, 3>
// CHECK-NOT: loop.if
// CHECK: loop.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK: gpu.barrier
// CHECK-NOT: arith.andi
// CHECK: %[[OK:.*]] = arith.cmpi ult
// CHECK-NEXT: loop.if %[[OK]] -> (f32)
// CHECK-COUNT-256: math.fma
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: loop.if
// CHECK: func.func @main
func.func @main(%a: tensor<40x128x64xf32>, %b: tensor<40x64x128xf32>) -> tensor<40x128x128xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<40x128x64xf32>, tensor<40x64x128xf32>) -> tensor<40x128x128xf32>
  return %0 : tensor<40x128x128xf32>
}

// -----

// A batched MatMul, B's batch broadcast: 6 products of 20 x 40, each one block of 32 x 32
// tiles by 2 (grid 12: block / 2 is the product z, which indexes A directly and B by z mod 3).
// CHECK-LABEL: func.func private @k0_matmul_tiled
// CHECK-SAME: (%[[A:.*]]: memref<2x3x20x30xf32>, %[[B:.*]]: memref<3x30x40xf32>, %{{.*}}: memref<2x3x20x40xf32>)
// CHECK-SAME: gpu.grid_size = array<i64: 12, 1, 1>
// CHECK-DAG: %[[AV:.*]] = buffer.view %[[A]] : memref<2x3x20x30xf32> to memref<6x20x30xf32>
// CHECK: %[[BID:.*]] = gpu.block_id x
// CHECK: %[[Z:.*]] = arith.divui %[[BID]], %{{.*}} : index
// CHECK: loop.for
// CHECK: buffer.load %[[AV]][%[[Z]], %{{.*}}, %{{.*}}] : memref<6x20x30xf32>
// CHECK: %[[THREE:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[ZB:.*]] = arith.remui %{{.*}}, %[[THREE]] : index
// CHECK-NEXT: %[[IB:.*]] = arith.addi %[[ZB]], %{{.*}} : index
// CHECK-NEXT: buffer.load %[[B]][%[[IB]], %{{.*}}, %{{.*}}] : memref<3x30x40xf32>
func.func @main(%a: tensor<2x3x20x30xf32>, %b: tensor<3x30x40xf32>) -> tensor<2x3x20x40xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<2x3x20x30xf32>, tensor<3x30x40xf32>) -> tensor<2x3x20x40xf32>
  return %0 : tensor<2x3x20x40xf32>
}

// -----

// Small M (a fully connected layer on 2 rows) with a constant transposed B: B is transposed at
// compile time (a new weight [K, N]) and the small-M kernel runs: per block 32 columns
// (grid ceil(100 / 32) = 4), 8 warps each summing the k of one slice (loop from the slice, step
// 8) for both rows, one coalesced load of B per k; the partial sums meet in shared memory
// [8 slices x 2 rows, 32] after the barrier, and the first warp adds them and the bias.
// CHECK: buffer.global @[[BT:.*]] : memref<64x100xf32> = dense_resource<transposed_b>
// CHECK-LABEL: func.func private @k0_gemm_small_m
// CHECK-SAME: (%{{.*}}: memref<2x64xf32>, %[[B:.*]]: memref<64x100xf32>, %{{.*}}: memref<100xf32>, %[[Y:.*]]: memref<2x100xf32>)
// CHECK-SAME: gpu.block_size = array<i64: 256, 1, 1>, gpu.grid_size = array<i64: 4, 1, 1>, gpu.kernel
// CHECK: %[[BV:.*]] = buffer.view %[[B]] : memref<64x100xf32> to memref<1x64x100xf32>
// CHECK: %[[RED:.*]] = gpu.alloc_shared : memref<16x32xf32, 3>
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[SLICE:.*]] = arith.divui %[[TID]], %{{.*}} : index
// CHECK: %[[J:.*]] = arith.addi
// CHECK: %[[INN:.*]] = arith.cmpi ult, %[[J]], %{{.*}} : index
// CHECK: %[[P:.*]]:2 = loop.if %[[INN]] -> (f32, f32) {
// CHECK: %[[EIGHT:.*]] = arith.constant 8 : index
// CHECK: loop.for %[[Q:.*]] = %[[SLICE]] to %{{.*}} step %[[EIGHT]] iter_args
// CHECK-NEXT: %[[BE:.*]] = buffer.load %[[BV]][%{{.*}}, %[[Q]], %[[J]]] : memref<1x64x100xf32>
// CHECK: math.fma %{{.*}}, %[[BE]]
// CHECK: math.fma %{{.*}}, %[[BE]]
// CHECK: buffer.store %[[P]]#0, %[[RED]]
// CHECK: buffer.store %[[P]]#1, %[[RED]]
// CHECK-NEXT: gpu.barrier
// CHECK: loop.if
// CHECK-COUNT-7: arith.addf
// CHECK: buffer.store %{{.*}}, %[[Y]]
// CHECK-LABEL: func.func @main
// CHECK: buffer.get_global @[[BT]]
func.func @main(%a: tensor<2x64xf32>) -> tensor<2x100xf32> {
  %b = "flow.constant"() {value = dense<0.5> : tensor<100x64xf32>} : () -> tensor<100x64xf32>
  %c = "flow.constant"() {value = dense<0.25> : tensor<100xf32>} : () -> tensor<100xf32>
  %0 = "flow.gemm"(%a, %b, %c) {transB = 1 : i64} : (tensor<2x64xf32>, tensor<100x64xf32>, tensor<100xf32>) -> tensor<2x100xf32>
  return %0 : tensor<2x100xf32>
}

// -----

// Few blocks for a long K: 64 x 64 in 32 x 32 tiles is 4 blocks, for 63 steps of k. K is split
// into 13 slices of 5 steps (52 blocks); each block stores its partial sums into an arena
// buffer [13, 64, 64], and a second kernel (a loop nest, one iteration per element of C, that
// convert-loop-to-gpu maps to threads) adds the 13 slices in order and stores C.
// CHECK-LABEL: func.func private @k0_matmul_tiled
// CHECK-SAME: (%{{.*}}: memref<64x1000xf32>, %{{.*}}: memref<1000x64xf32>, %{{.*}}: memref<64x64xf32>, %[[P:.*]]: memref<13x64x64xf32>)
// CHECK-SAME: gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 52, 1, 1>, gpu.kernel
// CHECK: %[[BID:.*]] = gpu.block_id x
// CHECK: %[[REST:.*]] = arith.divui %[[BID]], %{{.*}} : index
// CHECK: %[[SLICE:.*]] = arith.divui %[[REST]], %{{.*}} : index
// CHECK: %[[FIVE:.*]] = arith.constant 5 : index
// CHECK-NEXT: %[[STEP0:.*]] = arith.muli %[[SLICE]], %[[FIVE]] : index
// CHECK: loop.for
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK: buffer.store %{{.*}}, %[[P]][%[[SLICE]], %{{.*}}, %{{.*}}] : memref<13x64x64xf32>
// CHECK-LABEL: func.func private @k1_matmul_tiled_reduce
// CHECK-SAME: (%{{.*}}: memref<64x1000xf32>, %{{.*}}: memref<1000x64xf32>, %[[Y:.*]]: memref<64x64xf32>, %[[P2:.*]]: memref<13x64x64xf32>) attributes {flowc.kernel} {
// CHECK-NOT: buffer.view
// CHECK: loop.parallel
// CHECK: buffer.load %[[P2]]
// CHECK-COUNT-12: arith.addf
// CHECK: buffer.store %{{.*}}, %[[Y]]
// CHECK-LABEL: func.func @main
// CHECK: %[[BUF:.*]] = buffer.alloc() : memref<13x64x64xf32>
// CHECK: call @k0_matmul_tiled(%{{.*}}, %{{.*}}, %{{.*}}, %[[BUF]])
// CHECK-NEXT: call @k1_matmul_tiled_reduce(%{{.*}}, %{{.*}}, %{{.*}}, %[[BUF]])
func.func @main(%a: tensor<64x1000xf32>, %b: tensor<1000x64xf32>) -> tensor<64x64xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<64x1000xf32>, tensor<1000x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}
