// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Round trip of the gpu dialect's custom syntax and through the generic form: ids and dims,
// a shared-memory buffer (memory space 3) and a barrier inside a gpu.kernel function.

// CHECK-LABEL: func.func private @reverse_block(
// CHECK-SAME:      attributes {flowc.kernel, gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 4, 1, 1>, gpu.kernel}
// CHECK:         %[[S:.*]] = gpu.alloc_shared : memref<64xf32, 3>
// CHECK-NEXT:    %[[T:.*]] = gpu.thread_id x
// CHECK-NEXT:    %[[B:.*]] = gpu.block_id x
// CHECK-NEXT:    %[[N:.*]] = gpu.block_dim x
// CHECK-NEXT:    %{{.*}} = gpu.grid_dim z
// CHECK:         buffer.store %{{.*}}, %[[S]][%[[T]]] : memref<64xf32, 3>
// CHECK-NEXT:    gpu.barrier
// CHECK-NEXT:    arith.subi
// CHECK-NEXT:    %{{.*}} = buffer.load %[[S]][%{{.*}}] : memref<64xf32, 3>
// GENERIC:       "gpu.alloc_shared"() : () -> memref<64xf32, 3>
// GENERIC:       "gpu.thread_id"() <{dimension = "x"}> : () -> index
// GENERIC:       "gpu.barrier"() : () -> ()
func.func private @reverse_block(%a: memref<256xf32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 4, 1, 1>, gpu.block_size = array<i64: 64, 1, 1>} {
  %s = gpu.alloc_shared : memref<64xf32, 3>
  %t = gpu.thread_id x
  %b = gpu.block_id x
  %n = gpu.block_dim x
  %g = gpu.grid_dim z
  %c63 = arith.constant 63 : index
  %base = arith.muli %b, %n : index
  %i = arith.addi %base, %t : index
  %v = buffer.load %a[%i] : memref<256xf32>
  buffer.store %v, %s[%t] : memref<64xf32, 3>
  gpu.barrier
  %r = arith.subi %c63, %t : index
  %w = buffer.load %s[%r] : memref<64xf32, 3>
  buffer.store %w, %a[%i] : memref<256xf32>
  return
}
