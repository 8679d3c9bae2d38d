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

// Inner loops with independent iterations become grid dimensions too: the task loop (2) and
// the loop.for (8) make 16 threads; thread t runs i = t / 8, j = t % 8. The read-only code
// before the loop (here a load) runs in every thread.
// CHECK-LABEL: func.func private @inner(
// CHECK-SAME:      gpu.block_size = array<i64: 16, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         %[[N:.*]] = arith.constant 16 : index
// CHECK:         loop.if
// CHECK-NEXT:      %[[C8:.*]] = arith.constant 8 : index
// CHECK-NEXT:      %[[J:.*]] = arith.remui %{{.*}}, %[[C8]] : index
// CHECK-NEXT:      %[[I:.*]] = arith.divui %{{.*}}, %[[C8]] : index
// CHECK:           %[[S:.*]] = buffer.load %{{.*}}[%[[I]]] : memref<2xf32>
// CHECK-NOT:       loop.for
// CHECK:           %[[V:.*]] = buffer.load %{{.*}}[%[[I]], %[[J]]] : memref<2x8xf32>
// CHECK-NEXT:      %[[W:.*]] = arith.mulf %[[V]], %[[S]] : f32
// CHECK-NEXT:      buffer.store %[[W]], %{{.*}}[%[[J]], %[[I]]] : memref<8x2xf32>
// CHECK-NEXT:      loop.yield
func.func private @inner(%a: memref<2x8xf32>, %s: memref<2xf32>, %b: memref<8x2xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %sc = buffer.load %s[%i] : memref<2xf32>
    loop.for %j = %c0 to %c8 step %c1 {
      %v = buffer.load %a[%i, %j] : memref<2x8xf32>
      %w = arith.mulf %v, %sc : f32
      buffer.store %w, %b[%j, %i] : memref<8x2xf32>
      loop.yield
    }
    loop.yield
  }
  return
}

// Two nested loops, a row reduction before them (every thread recomputes its row's sum), and an
// in-place update (load and store at the same slice): 2 x 3 x 4 = 24 threads.
// CHECK-LABEL: func.func private @nested(
// CHECK-SAME:      gpu.block_size = array<i64: 24, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK:         loop.if
// CHECK:           loop.for %{{.*}} iter_args
// CHECK-NOT:       loop.for
// CHECK:           buffer.store
// CHECK-NEXT:      loop.yield
func.func private @nested(%a: memref<2x3x4xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %sum = loop.for %k = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (f32) {
      %x = buffer.load %a[%i, %c0, %k] : memref<2x3x4xf32>
      %y = arith.addf %acc, %x : f32
      loop.yield %y : f32
    }
    loop.for %j = %c0 to %c3 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %v = buffer.load %a[%i, %j, %k] : memref<2x3x4xf32>
        %w = arith.mulf %v, %sum : f32
        buffer.store %w, %a[%i, %j, %k] : memref<2x3x4xf32>
        loop.yield
      }
      loop.yield
    }
    loop.yield
  }
  return
}

// Vector accesses in the last dimension: independent when no wider than the step (16 here, so
// 2 x 2 threads), not when iterations overlap (step 8, vectors of 16: the loop stays).
// CHECK-LABEL: func.func private @vec_step(
// CHECK-SAME:      gpu.block_size = array<i64: 4, 1, 1>
// CHECK-NOT:     loop.for
// CHECK:         vector.store
// CHECK-LABEL: func.func private @vec_overlap(
// CHECK-SAME:      gpu.block_size = array<i64: 2, 1, 1>
// CHECK:         loop.for
// CHECK:         vector.store
func.func private @vec_step(%a: memref<2x32xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    loop.for %j = %c0 to %c32 step %c16 {
      %v = vector.load %a[%i, %j] : memref<2x32xf32>, vector<16xf32>
      %w = vector.fma %v, %v, %v : vector<16xf32>
      vector.store %w, %a[%i, %j] : memref<2x32xf32>, vector<16xf32>
      loop.yield
    }
    loop.yield
  }
  return
}
func.func private @vec_overlap(%a: memref<2x40xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c24 = arith.constant 24 : index
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    loop.for %j = %c0 to %c24 step %c8 {
      %v = vector.load %a[%i, %j] : memref<2x40xf32>, vector<16xf32>
      %w = vector.fma %v, %v, %v : vector<16xf32>
      vector.store %w, %a[%i, %j] : memref<2x40xf32>, vector<16xf32>
      loop.yield
    }
    loop.yield
  }
  return
}

// Loops that stay inside the threads (block = the 2 tasks): a reduction (iter_args); a store
// that every iteration makes to the same place; a read of a neighbour that another iteration
// writes; a write to scratch shared by the iterations; a prefix that writes.
// CHECK-LABEL: func.func private @stay_reduce(
// CHECK-SAME:      gpu.block_size = array<i64: 2, 1, 1>
// CHECK:         loop.for
// CHECK-LABEL: func.func private @stay_same_place(
// CHECK-SAME:      gpu.block_size = array<i64: 2, 1, 1>
// CHECK:         loop.for
// CHECK-LABEL: func.func private @stay_neighbour(
// CHECK-SAME:      gpu.block_size = array<i64: 2, 1, 1>
// CHECK:         loop.for
// CHECK-LABEL: func.func private @stay_scratch(
// CHECK-SAME:      gpu.block_size = array<i64: 2, 1, 1>
// CHECK:         loop.for
// CHECK-LABEL: func.func private @stay_prefix_writes(
// CHECK-SAME:      gpu.block_size = array<i64: 2, 1, 1>
// CHECK:         loop.for
func.func private @stay_reduce(%a: memref<2x8xf32>, %b: memref<2xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    %s = loop.for %j = %c0 to %c8 step %c1 iter_args(%acc = %z) -> (f32) {
      %v = buffer.load %a[%i, %j] : memref<2x8xf32>
      %w = arith.addf %acc, %v : f32
      loop.yield %w : f32
    }
    buffer.store %s, %b[%i] : memref<2xf32>
    loop.yield
  }
  return
}
func.func private @stay_same_place(%a: memref<2x8xf32>, %b: memref<2xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    loop.for %j = %c0 to %c8 step %c1 {
      %v = buffer.load %a[%i, %j] : memref<2x8xf32>
      buffer.store %v, %b[%i] : memref<2xf32>
      loop.yield
    }
    loop.yield
  }
  return
}
func.func private @stay_neighbour(%a: memref<2x9xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    loop.for %j = %c0 to %c8 step %c1 {
      %n = arith.addi %j, %c1 : index
      %v = buffer.load %a[%i, %n] : memref<2x9xf32>
      buffer.store %v, %a[%i, %j] : memref<2x9xf32>
      loop.yield
    }
    loop.yield
  }
  return
}
func.func private @stay_scratch(%a: memref<2x8xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %t = buffer.alloca() : memref<8xf32>
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    loop.for %j = %c0 to %c8 step %c1 {
      %v = buffer.load %a[%i, %j] : memref<2x8xf32>
      buffer.store %v, %t[%c0] : memref<8xf32>
      %w = buffer.load %t[%c0] : memref<8xf32>
      buffer.store %w, %a[%i, %j] : memref<2x8xf32>
      loop.yield
    }
    loop.yield
  }
  return
}
func.func private @stay_prefix_writes(%a: memref<2x8xf32>, %b: memref<2xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  loop.parallel (%i) = (%c0) to (%c2) step (%c1) {
    buffer.store %z, %b[%i] : memref<2xf32>
    loop.for %j = %c0 to %c8 step %c1 {
      %v = buffer.load %a[%i, %j] : memref<2x8xf32>
      buffer.store %v, %a[%i, %j] : memref<2x8xf32>
      loop.yield
    }
    loop.yield
  }
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
