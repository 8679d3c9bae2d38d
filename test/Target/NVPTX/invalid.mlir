// RUN: not flowc-translate --emit=llvm %s 2>&1 | FileCheck %s

// A GPU kernel has no CPU lowering.

// CHECK: invalid.mlir:[[@LINE+1]]:1: error: 'func.func' op a 'gpu.kernel' function needs the NVPTX target
func.func private @k(%a: memref<4xf32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 4, 1, 1>} {
  %t = gpu.thread_id x
  %f = arith.constant 1.0 : f32
  buffer.store %f, %a[%t] : memref<4xf32>
  return
}
