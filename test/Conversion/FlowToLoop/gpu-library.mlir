// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop="target=gpu gpu-gemm=library" | FileCheck %s

// gpu-gemm=library hands f32 products to cuBLAS: a private declaration naming the routine and
// its row-major strided-batched parameters [trans_a, trans_b, m, n, k, lda, ldb, ldc, stride_a,
// stride_b, stride_c, batch], called from @main like a kernel (the launch plan makes it a GEMM
// launch). What the library does not fuse (Gemm's beta * C, a fused tail) is one elementwise
// kernel after it, in place.

// Gemm with transB, alpha, beta and a row bias: C = 0.5 A B^T, then y += 2 * bias in place.
// CHECK-LABEL: func.func private @k0_sgemm(memref<4x8xf32>, memref<6x8xf32>, memref<4x6xf32>)
// CHECK-SAME: flowc.gemm = array<i64: 0, 1, 4, 6, 8, 8, 8, 6, 0, 0, 24, 1>
// CHECK-SAME: flowc.gemm_alpha = 5.000000e-01 : f32
// CHECK-SAME: flowc.gemm_beta = 0.000000e+00 : f32
// CHECK-SAME: flowc.library = "cublas.sgemm"
// CHECK-LABEL: func.func private @k1_gemm_epilogue
// CHECK-SAME: (%[[B:.*]]: memref<1x6xf32>, %[[Y:.*]]: memref<1x4x6xf32>)
// CHECK: %[[V:.*]] = buffer.load %[[Y]]
// CHECK: %[[C:.*]] = buffer.load %[[B]]
// CHECK: %[[S:.*]] = arith.mulf %[[C]]
// CHECK: %[[R:.*]] = arith.addf %[[V]], %[[S]]
// CHECK: buffer.store %[[R]], %[[Y]]
// CHECK-LABEL: func.func @main
// CHECK: call @k0_sgemm(%arg0, %{{.*}}, %arg1)
// CHECK: call @k1_gemm_epilogue
func.func @main(%a: tensor<4x8xf32>) -> tensor<4x6xf32> {
  %w = "flow.constant"() {value = dense<0.25> : tensor<6x8xf32>} : () -> tensor<6x8xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<6xf32>} : () -> tensor<6xf32>
  %0 = "flow.gemm"(%a, %w, %b) {transB = 1 : i64, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Batched MatMul with B shared by the batches: stride_b = 0; no bias, no tail: no kernel.
// CHECK-LABEL: func.func private @k0_sgemm(memref<3x5x7xf32>, memref<7x2xf32>, memref<3x5x2xf32>)
// CHECK-SAME: flowc.gemm = array<i64: 0, 0, 5, 2, 7, 7, 2, 2, 35, 0, 10, 3>
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @main
// CHECK: call @k0_sgemm
// CHECK-NEXT: return
func.func @main(%a: tensor<3x5x7xf32>, %b: tensor<7x2xf32>) -> tensor<3x5x2xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<3x5x7xf32>, tensor<7x2xf32>) -> tensor<3x5x2xf32>
  return %0 : tensor<3x5x2xf32>
}

// -----

// Batches that broadcast both ways ([2, 1] x [1, 3]) have no single stride per operand: the
// generated kernel instead.
// CHECK-NOT: cublas
// CHECK: gpu.kernel
func.func @main(%a: tensor<2x1x4x4xf32>, %b: tensor<1x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<2x1x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// Conv 3x3, pad 1, stride 2, bias, fused ReLU: im2col into an arena scratch [n, K, P] (zero
// where a tap reads padding), one GEMM per image with W shared (stride_a 0), then bias + ReLU in
// place, per output channel.
// CHECK-LABEL: func.func private @k0_im2col
// CHECK-SAME: (%{{.*}}: memref<2x3x10x10xf32>, %{{.*}}: memref<2x27x25xf32>)
// CHECK: arith.select
// CHECK-LABEL: func.func private @k1_sgemm(memref<16x3x3x3xf32>, memref<2x27x25xf32>, memref<2x16x5x5xf32>)
// CHECK-SAME: flowc.gemm = array<i64: 0, 0, 16, 25, 27, 27, 25, 25, 0, 675, 400, 2>
// CHECK-LABEL: func.func private @k2_gemm_epilogue
// CHECK-SAME: (%{{.*}}: memref<16x1xf32>, %{{.*}}: memref<2x16x25xf32>)
// CHECK: arith.addf
// CHECK: arith.cmpf
// CHECK: arith.select
// CHECK-LABEL: func.func @main
// CHECK: %[[COL:.*]] = buffer.alloc
// CHECK: call @k0_im2col(%arg0, %[[COL]])
// CHECK: call @k1_sgemm(%{{.*}}, %[[COL]], %arg1)
// CHECK: call @k2_gemm_epilogue
func.func @main(%x: tensor<2x3x10x10xf32>) -> tensor<2x16x5x5xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x3x3x3xf32>} : () -> tensor<16x3x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %0 = "flow.fused"(%x, %w, %b) ({
  ^bb0(%a0: tensor<2x3x10x10xf32>, %a1: tensor<16x3x3x3xf32>, %a2: tensor<16xf32>):
    %1 = "flow.conv"(%a0, %a1, %a2) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x3x10x10xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<2x16x5x5xf32>
    %2 = "flow.relu"(%1) : (tensor<2x16x5x5xf32>) -> tensor<2x16x5x5xf32>
    "flow.yield"(%2) : (tensor<2x16x5x5xf32>) -> ()
  }) : (tensor<2x3x10x10xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<2x16x5x5xf32>
  return %0 : tensor<2x16x5x5xf32>
}

// -----

// A 1x1 conv with unit strides and no padding reads X as the GEMM's B directly: no im2col.
// CHECK-NOT: im2col
// CHECK-LABEL: func.func private @k0_sgemm(memref<8x4x1x1xf32>, memref<1x4x6x6xf32>, memref<1x8x6x6xf32>)
// CHECK-SAME: flowc.gemm = array<i64: 0, 0, 8, 36, 4, 4, 36, 36, 0, 144, 288, 1>
func.func @main(%x: tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<8x4x1x1xf32>} : () -> tensor<8x4x1x1xf32>
  %0 = "flow.conv"(%x, %w) : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}
