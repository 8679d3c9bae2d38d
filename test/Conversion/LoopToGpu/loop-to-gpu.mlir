// RUN: flowc-opt %s --convert-loop-to-gpu | FileCheck %s
// RUN: flowc-opt %s --convert-loop-to-gpu=block-size=4 | FileCheck %s --check-prefix=SMALL
// RUN: flowc-opt %s --convert-loop-to-gpu | flowc-opt | FileCheck %s
// RUN: not flowc-opt %s --convert-loop-to-gpu=block-size=2048 2>&1 | FileCheck %s --check-prefix=BAD

// The task loop (the first top-level loop.parallel) of each kernel becomes a 1-D grid: thread
// t = blockIdx.x * blockDim.x + threadIdx.x runs iteration t (row-major) when t < the trip
// count. Kernels without a task loop, or with code after it, run as one thread. @main is left
// alone.

// CHECK-LABEL: func.func private @k2d(
// CHECK-SAME:      attributes {flowc.kernel, gpu.block_size = array<i64: 6, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel}
// CHECK:         %[[TID:.*]] = gpu.thread_id x
// CHECK-NEXT:    %[[BID:.*]] = gpu.block_id x
// CHECK-NEXT:    %[[BDIM:.*]] = gpu.block_dim x
// CHECK-NEXT:    %[[BASE:.*]] = arith.muli %[[BID]], %[[BDIM]] : index
// CHECK-NEXT:    %[[T:.*]] = arith.addi %[[BASE]], %[[TID]] : index
// CHECK-NEXT:    %[[N:.*]] = arith.constant 6 : index
// CHECK-NEXT:    %[[IN:.*]] = arith.cmpi ult, %[[T]], %[[N]] : index
// CHECK-NEXT:    loop.if %[[IN]] {
// CHECK-NEXT:      %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT:      %[[J0:.*]] = arith.remui %[[T]], %[[C2]] : index
// CHECK-NEXT:      %[[I:.*]] = arith.divui %[[T]], %[[C2]] : index
// CHECK-NEXT:      %[[S:.*]] = arith.constant 2 : index
// CHECK-NEXT:      %[[J1:.*]] = arith.muli %[[J0]], %[[S]] : index
// CHECK-NEXT:      %[[L:.*]] = arith.constant 1 : index
// CHECK-NEXT:      %[[J:.*]] = arith.addi %[[J1]], %[[L]] : index
// CHECK-NEXT:      %[[V:.*]] = buffer.load %{{.*}}[%[[I]], %[[J]]] : memref<3x5xf32>
// CHECK-NEXT:      buffer.store %[[V]], %{{.*}}[%[[I]], %[[J]]] : memref<3x5xf32>
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    return
// CHECK-NOT:     loop.parallel
func.func private @k2d(%a: memref<3x5xf32>, %b: memref<3x5xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  loop.parallel (%i, %j) = (%c0, %c1) to (%c3, %c5) step (%c1, %c2) {
    %v = buffer.load %a[%i, %j] : memref<3x5xf32>
    buffer.store %v, %b[%i, %j] : memref<3x5xf32>
  }
  return
}

// 1000 iterations: 4 blocks of 256 threads (250 with block-size=4).
// CHECK-LABEL: func.func private @k1d(
// CHECK-SAME:      gpu.block_size = array<i64: 256, 1, 1>, gpu.grid_size = array<i64: 4, 1, 1>, gpu.kernel
// SMALL-LABEL: func.func private @k1d(
// SMALL-SAME:      gpu.block_size = array<i64: 4, 1, 1>, gpu.grid_size = array<i64: 250, 1, 1>, gpu.kernel
func.func private @k1d(%a: memref<1000xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %f = arith.constant 1.0 : f32
  loop.parallel (%i) = (%c0) to (%c1000) step (%c1) {
    buffer.store %f, %a[%i] : memref<1000xf32>
  }
  return
}

// No task loop (a loop.for comes first): one thread, body unchanged.
// CHECK-LABEL: func.func private @serial(
// CHECK-SAME:      gpu.block_size = array<i64: 1, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK-NOT:     gpu.thread_id
// CHECK:         loop.for
func.func private @serial(%a: memref<4xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  loop.for %i = %c0 to %c4 step %c1 {
    buffer.store %f, %a[%i] : memref<4xf32>
    loop.yield
  }
  return
}

// Code after the task loop would race with the other threads: one thread.
// CHECK-LABEL: func.func private @tail(
// CHECK-SAME:      gpu.block_size = array<i64: 1, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         loop.parallel
func.func private @tail(%a: memref<4xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  loop.parallel (%i) = (%c0) to (%c4) step (%c1) {
    buffer.store %f, %a[%i] : memref<4xf32>
  }
  buffer.store %f, %a[%c0] : memref<4xf32>
  return
}

// CHECK-LABEL: func.func @main(
// CHECK-NOT:     gpu.
// CHECK:         call @k1d
func.func @main(%x: memref<1000xf32>) attributes {flowc.entry} {
  func.call @k1d(%x) : (memref<1000xf32>) -> ()
  return
}

// BAD: block-size must be in 1..=1024, got 2048
