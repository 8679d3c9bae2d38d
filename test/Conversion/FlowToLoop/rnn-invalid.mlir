// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// The flow verifier checks the attributes and shapes (activations, direction, hidden_size);
// what reaches the lowering and is refused there: empty sequences.

func.func @main(%x: tensor<0x2x4xf32>, %w: tensor<1x20x4xf32>, %r: tensor<1x20x5xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+1 {{has no CPU lowering for an empty sequence, batch or hidden state}}
  %0:2 = "flow.lstm"(%x, %w, %r) {hidden_size = 5 : i64} : (tensor<0x2x4xf32>, tensor<1x20x4xf32>, tensor<1x20x5xf32>) -> (none, tensor<1x2x5xf32>)
  return %0#1 : tensor<1x2x5xf32>
}
