// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop="target=gpu" | FileCheck %s

// gpu-gemm=auto (the default): big products go to cuBLAS, small ones stay generated, and a
// convolution with few output channels whose im2col buffer would be large (here 32 images,
// 64 -> 64 channels, 3x3 over 56x56: 231 MB) takes the generated implicit GEMM, while 256
// output channels amortize it.

// A 1024^3 MatMul (2^31 flops): cuBLAS.
// CHECK-LABEL: func.func private @k0_sgemm
// CHECK-SAME: flowc.library = "cublas.sgemm"
func.func @main(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

// -----

// 64x64x64 (2^19 flops): generated.
// CHECK-NOT: cublas
// CHECK: gpu.kernel
func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// CHECK-NOT: cublas
// CHECK: func.func private @k0_conv_gemm_gpu
func.func @main(%x: tensor<32x64x56x56xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<32x64x56x56xf32> {
  %0 = "flow.conv"(%x, %w) {pads = array<i64: 1, 1, 1, 1>} : (tensor<32x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<32x64x56x56xf32>
  return %0 : tensor<32x64x56x56xf32>
}

// -----

// CHECK: func.func private @k0_im2col
// CHECK: func.func private @k1_sgemm
// CHECK-SAME: flowc.library = "cublas.sgemm"
func.func @main(%x: tensor<32x256x14x14xf32>, %w: tensor<256x256x3x3xf32>) -> tensor<32x256x14x14xf32> {
  %0 = "flow.conv"(%x, %w) {pads = array<i64: 1, 1, 1, 1>} : (tensor<32x256x14x14xf32>, tensor<256x256x3x3xf32>) -> tensor<32x256x14x14xf32>
  return %0 : tensor<32x256x14x14xf32>
}
