// RUN: flowc-opt %s --split-input-file --verify-diagnostics --convert-flow-to-loop

// A region holding a non-elementwise op is a located error.
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = "flow.fused"(%x) ({
  ^bb0(%a: tensor<2x4xf32>):
    // expected-error @+1 {{cannot be fused into a loop nest}}
    %1 = "flow.softmax"(%a) : (tensor<2x4xf32>) -> tensor<2x4xf32>
    "flow.yield"(%1) : (tensor<2x4xf32>) -> ()
  }) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Every op of the region must have the region's result shape.
func.func @main(%x: tensor<2x4xf32>, %y: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = "flow.fused"(%x, %y) ({
  ^bb0(%a: tensor<2x4xf32>, %b: tensor<4xf32>):
    // expected-error @+1 {{must have the fused op's result shape}}
    %1 = "flow.exp"(%b) : (tensor<4xf32>) -> tensor<4xf32>
    %2 = "flow.add"(%a, %1) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    "flow.yield"(%2) : (tensor<2x4xf32>) -> ()
  }) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
