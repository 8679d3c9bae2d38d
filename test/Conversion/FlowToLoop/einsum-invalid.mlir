// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// Broadcasting an ellipsis dim of size 1 (unsupported in the interpreter as well).
func.func @main(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{has no CPU lowering for label}}
  %0 = "flow.einsum"(%a, %b) {equation = "...i,...i->...i"} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
