// RUN: flowc-translate --emit=ptx %s | FileCheck %s
// RUN: flowc-translate --emit=ptx --gpu-arch sm_80 %s | FileCheck %s --check-prefix=SM80
// RUN: flowc-translate --emit=llvm --target-triple nvptx64-nvidia-cuda %s | FileCheck %s --check-prefix=NVVM

// Loop-level kernels become PTX kernels: the task loop is mapped to a grid (convert-loop-to-gpu
// runs first), memref arguments are global-memory pointers, exp is computed inline (no libdevice,
// no call), and gpu ops written by hand become special registers, shared memory and bar.sync.

// CHECK:       .version
// CHECK:       .target sm_90
// CHECK:       .address_size 64
// SM80:        .target sm_80

// NVVM:        target triple = "nvptx64-nvidia-cuda"
// NVVM-LABEL:  define ptx_kernel void @exp_kernel(ptr addrspace(1) noalias noundef readonly align 64 captures(none) dereferenceable(4096) %arg0, ptr addrspace(1) noalias noundef writeonly align 64 captures(none) dereferenceable(4096) %arg1)
// NVVM:        call {{.*}} i32 @llvm.nvvm.read.ptx.sreg.tid.x()
// NVVM-NOT:    call {{.*}}@expf
// NVVM-LABEL:  define ptx_kernel void @reverse_block(

// CHECK-LABEL: .visible .entry exp_kernel(
// CHECK-NEXT:    .param .u64 .ptr .global .align 64 exp_kernel_param_0,
// CHECK-NEXT:    .param .u64 .ptr .global .align 64 exp_kernel_param_1
// CHECK-NEXT:  )
// CHECK-NEXT:  .maxntid 256, 1, 1
// CHECK:         mov.u32 {{.*}}, %tid.x;
// CHECK:         mov.u32 {{.*}}, %ctaid.x;
// CHECK:         mov.u32 {{.*}}, %ntid.x;
// CHECK:         setp.gt.u32 {{.*}}, 1023;
// CHECK:         ld.global.nc.b32
// CHECK-NOT:     call
// CHECK:         fma.rn.f32
// CHECK-NOT:     call
// CHECK:         st.global.b32
// CHECK:         ret;
func.func private @exp_kernel(%a: memref<1024xf32>, %b: memref<1024xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1024 : index
  loop.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = buffer.load %a[%i] : memref<1024xf32>
    %y = math.exp %x : f32
    buffer.store %y, %b[%i] : memref<1024xf32>
    loop.yield
  }
  return
}

// CHECK-LABEL: .visible .entry reverse_block(
// CHECK:         .shared .align 16 .b8 {{.*}}[256];
// CHECK:         st.shared.b32
// CHECK-NEXT:    bar.sync 0;
// CHECK:         ld.shared.b32
// CHECK:         st.global.b32
func.func private @reverse_block(%a: memref<256xf32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 4, 1, 1>, gpu.block_size = array<i64: 64, 1, 1>} {
  %s = gpu.alloc_shared : memref<64xf32, 3>
  %t = gpu.thread_id x
  %b = gpu.block_id x
  %n = gpu.block_dim x
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

func.func @main(%x: memref<1024xf32>, %y: memref<1024xf32>) attributes {flowc.entry} {
  func.call @exp_kernel(%x, %y) : (memref<1024xf32>, memref<1024xf32>) -> ()
  return
}
