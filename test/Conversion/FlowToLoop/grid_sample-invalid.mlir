// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// Integer input (the interpreter does not sample integers either).
func.func @main(%x: tensor<1x1x3x4xi32>, %g: tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{has no CPU lowering for non-float input or grid}}
  %0 = "flow.grid_sample"(%x, %g) : (tensor<1x1x3x4xi32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}
