// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// The flow verifier checks the attributes; what reaches the lowering and is refused there with a
// located error: caches that cannot hold every position (RotaryEmbedding without position ids).

func.func @main(%x: tensor<1x2x3x8xf32>, %c: tensor<2x4xf32>, %s: tensor<2x4xf32>) -> tensor<1x2x3x8xf32> {
  // expected-error @+1 {{has no CPU lowering for caches too short for the sequence}}
  %0 = "flow.rotary_embedding"(%x, %c, %s) : (tensor<1x2x3x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<1x2x3x8xf32>
  return %0 : tensor<1x2x3x8xf32>
}

