// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop=target=gpu | FileCheck %s

// With target=gpu, f32 2-D Conv becomes GPU kernels (gpu_conv.rs).

// Implicit GEMM on the tiled kernel, with a fused ReLU: M = 16 output channels, N = 25 output
// positions, K = 8 * 3 * 3 = 72, 32 x 32 tiles (one block of 64 threads). B's elements are
// gathered from X (seen flat) as they are loaded (the first step's before the loop, the next
// one's in each step, see gpu-matmul.mlir): a thread's column gives the window's corner
// (image, oy * 2 - 1, ox * 2 - 1), and a compile-time table gives, per depth (channel, ky, kx),
// the offset from the corner and the row and column shifts (96 rows: K = 72 rounded up to the
// steps the kernel reaches, zeros past K). The input row / column are checked against the
// padding (only the low side: with stride 2 and pads 1 no tap reaches past row / column 9), and
// padding reads nothing. The epilogue adds the bias, applies the ReLU and stores into Y seen as
// [1, 16, 25].
// CHECK: buffer.global @[[TAPS:.*]] : memref<96x3xi32> = dense_resource<conv_taps>
// CHECK-LABEL: func.func private @k0_conv_gemm_gpu
// CHECK-SAME: (%[[X:.*]]: memref<1x8x10x10xf32>, %[[W:.*]]: memref<16x8x3x3xf32>, %[[T:.*]]: memref<96x3xi32>, %[[BIAS:.*]]: memref<16xf32>, %[[Y:.*]]: memref<1x16x5x5xf32>)
// CHECK-SAME: gpu.block_size = array<i64: 64, 1, 1>, gpu.grid_size = array<i64: 1, 1, 1>, gpu.kernel
// CHECK-DAG: %[[X1:.*]] = buffer.view %[[X]] : memref<1x8x10x10xf32> to memref<800xf32>
// CHECK-DAG: %[[W2:.*]] = buffer.view %[[W]] : memref<16x8x3x3xf32> to memref<16x72xf32>
// CHECK-DAG: %[[Y3:.*]] = buffer.view %[[Y]] : memref<1x16x5x5xf32> to memref<1x16x25xf32>
// CHECK: %[[AS:.*]] = gpu.alloc_shared : memref<16x34xf32, 3>
// CHECK-NEXT: %[[BS:.*]] = gpu.alloc_shared : memref<16x34xf32, 3>
// CHECK: buffer.load %[[W2]][%{{.*}}, %{{.*}}] : memref<16x72xf32>
// CHECK: %[[OFF:.*]] = buffer.load %[[T]][%[[Q:.*]], %{{.*}}] : memref<96x3xi32>
// CHECK-NEXT: %[[OFFI:.*]] = arith.index_cast %[[OFF]] : i32 to index
// CHECK: buffer.load %[[T]][%[[Q]], %{{.*}}] : memref<96x3xi32>
// CHECK: buffer.load %[[T]][%[[Q]], %{{.*}}] : memref<96x3xi32>
// CHECK: %[[OKY:.*]] = arith.cmpi sge, %{{.*}}, %{{.*}} : index
// CHECK: %[[OKX:.*]] = arith.cmpi sge, %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %[[OK:.*]] = arith.andi %[[OKY]], %[[OKX]] : i1
// CHECK-NOT: arith.cmpi slt
// CHECK: %[[G:.*]] = arith.andi %{{.*}}, %[[OK]] : i1
// CHECK-NEXT: %[[XE:.*]] = loop.if %[[G]] -> (f32) {
// CHECK-NEXT: %[[AT:.*]] = arith.addi %{{.*}}, %[[OFFI]] : index
// CHECK-NEXT: buffer.load %[[X1]][%[[AT]]] : memref<800xf32>
// CHECK: %[[ACC:.*]]:32 = loop.for %{{.*}} iter_args({{.*}}, %[[SB:[^ ]*]] = %[[XE]], {{.*}})
// CHECK-COUNT-8: buffer.store %{{.*}}, %[[AS]]
// CHECK-NEXT: buffer.store %[[SB]], %[[BS]]
// CHECK-COUNT-7: buffer.store %{{.*}}, %[[BS]]
// CHECK-NEXT: gpu.barrier
// CHECK: buffer.load %[[W2]]
// CHECK: buffer.load %[[X1]]
// CHECK-COUNT-256: math.fma
// CHECK-NEXT: gpu.barrier
// CHECK: %[[B:.*]] = buffer.load %[[BIAS]][%[[OC:.*]]] : memref<16xf32>
// CHECK-NEXT: %[[V:.*]] = arith.addf %[[ACC]]#16, %[[B]] : f32
// CHECK: arith.cmpf olt, %[[V]]
// CHECK-NEXT: %[[R:.*]] = arith.select
// CHECK-NEXT: buffer.store %[[R]], %[[Y3]][%{{.*}}, %[[OC]], %{{.*}}] : memref<1x16x25xf32>
// CHECK-LABEL: func.func @main
// CHECK-NOT: buffer.alloc
// CHECK: %[[TG:.*]] = buffer.get_global @[[TAPS]]
// CHECK-NOT: buffer.alloc
// CHECK: call @k0_conv_gemm_gpu(%{{.*}}, %{{.*}}, %[[TG]], %{{.*}}, %{{.*}})
// CHECK-NEXT: return
func.func @main(%x: tensor<1x8x10x10xf32>) -> tensor<1x16x5x5xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x8x3x3xf32>} : () -> tensor<16x8x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %0 = "flow.fused"(%x, %w, %b) ({
  ^bb0(%a0: tensor<1x8x10x10xf32>, %a1: tensor<16x8x3x3xf32>, %a2: tensor<16xf32>):
    %1 = "flow.conv"(%a0, %a1, %a2) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
    %2 = "flow.relu"(%1) : (tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
    "flow.yield"(%2) : (tensor<1x16x5x5xf32>) -> ()
  }) : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  return %0 : tensor<1x16x5x5xf32>
}

// -----

// A grouped 1x1 convolution (2 groups of 8 -> 12 channels): one GEMM per group, M = 12,
// N = 2 images * 49, K = 8; grid = 2 groups * 1 * 4 column tiles, the group z = block / 4. X is
// read as [images, channels, pixels] at channel z * 8 + k: no padding checks.
// CHECK-LABEL: func.func private @k0_conv_gemm_gpu
// CHECK-SAME: (%[[X:.*]]: memref<2x16x7x7xf32>, %[[W:.*]]: memref<24x8x1x1xf32>, %[[Y:.*]]: memref<2x24x7x7xf32>)
// CHECK-SAME: gpu.grid_size = array<i64: 8, 1, 1>
// CHECK-DAG: %[[X3:.*]] = buffer.view %[[X]] : memref<2x16x7x7xf32> to memref<2x16x49xf32>
// CHECK-DAG: %[[W2:.*]] = buffer.view %[[W]] : memref<24x8x1x1xf32> to memref<24x8xf32>
// CHECK: %[[BID:.*]] = gpu.block_id x
// CHECK: %[[Z:.*]] = arith.divui %[[BID]], %{{.*}} : index
// CHECK-COUNT-8: buffer.load %[[W2]]
// CHECK: %[[ZC:.*]] = arith.muli %[[Z]], %{{.*}} : index
// CHECK-NEXT: %[[C:.*]] = arith.addi %[[ZC]], %{{.*}} : index
// CHECK-NEXT: loop.if
// CHECK-NEXT: buffer.load %[[X3]][%{{.*}}, %[[C]], %{{.*}}] : memref<2x16x49xf32>
// CHECK-NOT: arith.cmpi s
// CHECK: gpu.barrier
func.func @main(%x: tensor<2x16x7x7xf32>, %w: tensor<24x8x1x1xf32>) -> tensor<2x24x7x7xf32> {
  %0 = "flow.conv"(%x, %w) {group = 2 : i64} : (tensor<2x16x7x7xf32>, tensor<24x8x1x1xf32>) -> tensor<2x24x7x7xf32>
  return %0 : tensor<2x24x7x7xf32>
}

// -----

// Depthwise (one input channel per group): the direct kernel, one iteration per output element
// of a loop.parallel that convert-loop-to-gpu maps to threads. The bias, then the 9 taps in
// order, each input read only inside the image.
// CHECK-LABEL: func.func private @k0_conv_direct_gpu
// CHECK-SAME: (%[[X:.*]]: memref<2x8x9x9xf32>, %[[W:.*]]: memref<8x1x3x3xf32>, %[[BIAS:.*]]: memref<8xf32>, %[[Y:.*]]: memref<2x8x9x9xf32>) attributes {flowc.kernel} {
// CHECK: %[[W2:.*]] = buffer.view %[[W]] : memref<8x1x3x3xf32> to memref<8x9xf32>
// CHECK: loop.parallel (%[[N:.*]], %[[C:.*]], %[[OY:.*]], %[[OX:.*]]) =
// CHECK-NEXT: %[[B:.*]] = buffer.load %[[BIAS]][%[[C]]] : memref<8xf32>
// CHECK: %[[XV:.*]] = loop.if %{{.*}} -> (f32) {
// CHECK-NEXT: buffer.load %[[X]][%[[N]], %[[C]], %{{.*}}, %{{.*}}] : memref<2x8x9x9xf32>
// CHECK: %[[T0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[WV:.*]] = buffer.load %[[W2]][%[[C]], %[[T0]]] : memref<8x9xf32>
// CHECK-NEXT: %[[A0:.*]] = math.fma %[[WV]], %[[XV]], %[[B]] : f32
// CHECK-COUNT-8: math.fma
// CHECK-NEXT: buffer.store %{{.*}}, %[[Y]][%[[N]], %[[C]], %[[OY]], %[[OX]]] : memref<2x8x9x9xf32>
// CHECK-NEXT: loop.yield
func.func @main(%x: tensor<2x8x9x9xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x9x9xf32> {
  %0 = "flow.conv"(%x, %w, %b) {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<2x8x9x9xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<2x8x9x9xf32>
  return %0 : tensor<2x8x9x9xf32>
}
