// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu --buffer-plan --convert-loop-to-gpu | flowc-translate --emit=ptx | FileCheck %s

// The GPU GEMM / conv kernels of convert-flow-to-loop (target=gpu) in PTX.

// The tiled kernel (32 x 32 tiles, 64 threads) stages its tiles through shared memory (two
// arrays of 16 x 34 f32 = 2176 bytes): it loads 8 + 8 elements per thread and step from global
// memory into registers under their guards (the first step's before the loop); per step it
// stores them to shared memory, bar.sync, loads the next step's, does the FMAs from shared
// memory, bar.sync; then the guarded stores to global memory. (LLVM lays the loop out with the
// FMAs first.)
// CHECK-LABEL: .visible .entry k0_matmul_tiled(
// CHECK:       .maxntid 64, 1, 1
// CHECK:       .shared .align 16 .b8 {{.*}}[2176];
// CHECK:       .shared .align 16 .b8 {{.*}}[2176];
// CHECK:       mov.u32 {{.*}}, %tid.x;
// CHECK:       mov.u32 {{.*}}, %ctaid.x;
// CHECK:       ld.global.nc.b32
// CHECK:       ld.global.nc.b32
// CHECK:       ld.shared.b32
// CHECK:       fma.rn.f32
// CHECK:       bar.sync 0;
// CHECK-COUNT-16: st.shared.b32
// CHECK-NEXT:  bar.sync 0;
// CHECK:       ld.global.nc.b32
// CHECK:       ld.global.nc.b32
// CHECK-NOT:   bar.sync
// CHECK:       st.global.b32
// CHECK-NOT:   bar.sync
// CHECK:       ret;

// The small-M kernel: partial sums through shared memory (8 slices x 1 row x 32 columns), one
// barrier, then the first warp's sums.
// CHECK-LABEL: .visible .entry k1_matmul_small_m(
// CHECK:       .maxntid 256, 1, 1
// CHECK:       .shared .align 16 .b8 {{.*}}[1024];
// CHECK:       ld.global.nc.b32
// CHECK:       fma.rn.f32
// CHECK:       st.shared.b32
// CHECK-NEXT:  bar.sync 0;
// CHECK:       ld.shared.b32
// CHECK-COUNT-7: add.rn.f32
// CHECK:       st.global.b32
// CHECK-NOT:   bar.sync
// CHECK:       ret;

// The depthwise direct kernel is a loop nest that convert-loop-to-gpu maps to a grid: one
// thread per output element (2 * 8 * 9 * 9 = 1296 of them, in 6 blocks), no shared memory and
// no barrier.
// CHECK-LABEL: .visible .entry k2_conv_direct_gpu(
// CHECK:       .maxntid 256, 1, 1
// CHECK:       mov.u32 {{.*}}, %tid.x;
// CHECK:       setp.{{.*}}1295;
// CHECK-NOT:   bar.sync
// CHECK:       fma.rn.f32
// CHECK-NOT:   bar.sync
// CHECK:       st.global.b32
// CHECK-NOT:   bar.sync
// CHECK:       ret;
func.func @main(%a: tensor<100x70xf32>, %b: tensor<70x50xf32>, %v: tensor<1x512xf32>, %m: tensor<512x1000xf32>,
                %x: tensor<2x8x9x9xf32>, %w: tensor<8x1x3x3xf32>) -> (tensor<100x50xf32>, tensor<1x1000xf32>, tensor<2x8x9x9xf32>) {
  %0 = "flow.matmul"(%a, %b) : (tensor<100x70xf32>, tensor<70x50xf32>) -> tensor<100x50xf32>
  %1 = "flow.matmul"(%v, %m) : (tensor<1x512xf32>, tensor<512x1000xf32>) -> tensor<1x1000xf32>
  %2 = "flow.conv"(%x, %w) {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<2x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x9x9xf32>
  return %0, %1, %2 : tensor<100x50xf32>, tensor<1x1000xf32>, tensor<2x8x9x9xf32>
}
