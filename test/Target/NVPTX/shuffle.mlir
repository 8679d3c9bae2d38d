// RUN: flowc-translate --emit=ptx %s | FileCheck %s
// RUN: flowc-translate --emit=llvm --target-triple nvptx64-nvidia-cuda %s | FileCheck %s --check-prefix=NVVM

// gpu.shuffle becomes shfl.sync with the full-warp mask (-1). PTX's packed third operand is
// ((32 - width) << 8) | clamp: clamp 31 (the segment's last lane) for bfly / down / idx, 0 for up,
// so width 32 gives 31 / 0 and width 8 gives 0x181f = 6175 / 0x1800 = 6144. gpu.lane_id reads
// %laneid. A butterfly sum of one warp: the xor offsets 16, 8, 4, 2, 1 unroll into five shuffles.

// NVVM-LABEL: define ptx_kernel void @modes(
// NVVM:         call i32 @llvm.nvvm.read.ptx.sreg.laneid()
// NVVM:         call { float, i1 } @llvm.nvvm.shfl.sync.bfly.f32p(i32 -1, float %{{.*}}, i32 16, i32 31)
// NVVM:         call { float, i1 } @llvm.nvvm.shfl.sync.down.f32p(i32 -1, float %{{.*}}, i32 1, i32 6175)
// NVVM:         call { float, i1 } @llvm.nvvm.shfl.sync.up.f32p(i32 -1, float %{{.*}}, i32 1, i32 6144)
// NVVM:         call { i32, i1 } @llvm.nvvm.shfl.sync.idx.i32p(i32 -1, i32 %{{.*}}, i32 3, i32 31)

// CHECK-LABEL: .visible .entry modes(
// CHECK:         mov.u32 {{.*}}, %laneid;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 16, 31, -1;
// CHECK:         shfl.sync.down.b32 {{.*}}, 1, 6175, -1;
// CHECK:         shfl.sync.up.b32 {{.*}}, 1, 6144, -1;
// CHECK:         shfl.sync.idx.b32 {{.*}}, 3, 31, -1;
// CHECK:         ret;
func.func private @modes(%a: memref<64xf32>, %b: memref<64xi32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 64, 1, 1>} {
  %t = gpu.thread_id x
  %l = gpu.lane_id
  %v = buffer.load %a[%t] : memref<64xf32>
  %w32 = arith.constant 32 : i32
  %w8 = arith.constant 8 : i32
  %o1 = arith.constant 1 : i32
  %o3 = arith.constant 3 : i32
  %o16 = arith.constant 16 : i32
  %x, %xv = gpu.shuffle xor %v, %o16, %w32 : f32
  %d, %dv = gpu.shuffle down %x, %o1, %w8 : f32
  %u, %uv = gpu.shuffle up %d, %o1, %w8 : f32
  %r = arith.select %uv, %u, %v : f32
  buffer.store %r, %a[%t] : memref<64xf32>
  %li = arith.index_cast %l : index to i32
  %i, %iv = gpu.shuffle idx %li, %o3, %w32 : i32
  buffer.store %i, %b[%t] : memref<64xi32>
  return
}

// CHECK-LABEL: .visible .entry warp_sum(
// CHECK-COUNT-5: shfl.sync.bfly.b32 {{.*}}, 31, -1;
// CHECK-NOT:     shfl.sync
// CHECK:         st.global.b32
func.func private @warp_sum(%a: memref<32xf32>, %b: memref<1xf32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {
  %t = gpu.thread_id x
  %v = buffer.load %a[%t] : memref<32xf32>
  %w = arith.constant 32 : i32
  %c16 = arith.constant 16 : index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %s = loop.for %k = %c0 to %c5 step %c1 iter_args(%acc = %v) -> (f32) {
    %k32 = arith.index_cast %k : index to i32
    %sixteen = arith.constant 16 : i32
    %off = arith.shrui %sixteen, %k32 : i32
    %o, %ok = gpu.shuffle xor %acc, %off, %w : f32
    %n = arith.addf %acc, %o : f32
    loop.yield %n : f32
  }
  %first = arith.cmpi eq, %t, %c0 : index
  loop.if %first {
    buffer.store %s, %b[%c0] : memref<1xf32>
    loop.yield
  }
  return
}

func.func @main(%x: memref<64xf32>, %y: memref<64xi32>) attributes {flowc.entry} {
  func.call @modes(%x, %y) : (memref<64xf32>, memref<64xi32>) -> ()
  return
}
