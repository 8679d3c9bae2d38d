// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// Code generation needs static shapes.
// expected-error @+1 {{argument #0 has type tensor<?x3xf32>: code generation needs static shapes}}
func.func @main(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = "flow.relu"(%a) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// Dropout in training mode is random: not compiled.
func.func @main(%a: tensor<3x4xf32>, %t: tensor<i1>) -> tensor<3x4xf32> {
  %r = "flow.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  // expected-error @+1 {{has no CPU lowering for training mode (random)}}
  %0 = "flow.dropout"(%a, %r, %t) : (tensor<3x4xf32>, tensor<f32>, tensor<i1>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
