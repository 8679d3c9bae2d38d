// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// Code generation needs static shapes.
// expected-error @+1 {{argument #0 has type tensor<?x3xf32>: code generation needs static shapes}}
func.func @main(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = "flow.relu"(%a) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
