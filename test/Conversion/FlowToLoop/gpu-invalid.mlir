// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop="target=gpu gpu-gemm=generated" --verify-diagnostics

// What the GPU target cannot lower is reported as the GPU's, not the CPU's.

// A product of 2^17 x 2^17 tiles is more blocks than a grid launches (2^31 - 1).
func.func @main(%a: tensor<16777216x1xf32>, %b: tensor<1x16777216xf32>) -> tensor<16777216x16777216xf32> {
  // expected-error @+1 {{has no GPU lowering for a product of more than 2^31 - 1 blocks}}
  %0 = "flow.matmul"(%a, %b) : (tensor<16777216x1xf32>, tensor<1x16777216xf32>) -> tensor<16777216x16777216xf32>
  return %0 : tensor<16777216x16777216xf32>
}

// -----

// Checks shared with the CPU lowering name the target too.
func.func @main(%a: tensor<3x4xf32>, %t: tensor<i1>) -> tensor<3x4xf32> {
  %r = "flow.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  // expected-error @+1 {{has no GPU lowering for training mode (random)}}
  %0 = "flow.dropout"(%a, %r, %t) : (tensor<3x4xf32>, tensor<f32>, tensor<i1>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
