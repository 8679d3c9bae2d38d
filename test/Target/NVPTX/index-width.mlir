// RUN: flowc-translate --emit=ptx %s | FileCheck %s
// RUN: flowc-translate --emit=llvm --target-triple nvptx64-nvidia-cuda %s | FileCheck %s --check-prefix=NVVM

// `index` is 32-bit in a GPU kernel whose index values provably stay below 2^31 (every memref
// it touches has fewer than 2^30 elements, every index constant and its thread count are below
// 2^30, which leaves room for values computed from them): NVIDIA GPUs emulate 64-bit division
// and multiplication, which the delinearization of a thread id into a multi-dimensional index
// is made of. Otherwise index stays 64-bit.

// NVVM-LABEL: define ptx_kernel void @small(
// NVVM-NOT:   define
// NVVM:       udiv i32 %{{.*}}, 3000
// NVVM-LABEL: define ptx_kernel void @large(
// NVVM:       %thread_id = zext nneg i32 %{{.*}} to i64
// NVVM:       udiv i64 %{{.*}}, 3000

// CHECK-LABEL: .visible .entry small(
// CHECK-NOT:     .u64 {{.*}}%tid
// CHECK:         mul.hi.u32
// CHECK-LABEL: .visible .entry large(
// CHECK:         mul.hi.u64
func.func private @small(%a: memref<64x4000xf32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 750, 1, 1>, gpu.block_size = array<i64: 256, 1, 1>} {
  %t = gpu.thread_id x
  %b = gpu.block_id x
  %n = gpu.block_dim x
  %0 = arith.muli %b, %n : index
  %i = arith.addi %0, %t : index
  %c3000 = arith.constant 3000 : index
  %col = arith.remui %i, %c3000 : index
  %row = arith.divui %i, %c3000 : index
  %one = arith.constant 1.0 : f32
  buffer.store %one, %a[%row, %col] : memref<64x4000xf32>
  return
}

// 1000 x 1073742 = 2^30 + 176 elements: index math stays 64-bit.
func.func private @large(%a: memref<1000x1073742xi8>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 750, 1, 1>, gpu.block_size = array<i64: 256, 1, 1>} {
  %t = gpu.thread_id x
  %b = gpu.block_id x
  %n = gpu.block_dim x
  %0 = arith.muli %b, %n : index
  %i = arith.addi %0, %t : index
  %c3000 = arith.constant 3000 : index
  %col = arith.remui %i, %c3000 : index
  %row = arith.divui %i, %c3000 : index
  %one = arith.constant 1 : i8
  buffer.store %one, %a[%row, %col] : memref<1000x1073742xi8>
  return
}
