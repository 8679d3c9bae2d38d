// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --verify-diagnostics

// dft_length must be a constant (it fixes the twiddle table and the loop bounds).
func.func @main(%x: tensor<1x4x1xf32>, %n: tensor<i64>) -> tensor<1x4x2xf32> {
  // expected-error @+1 {{has no CPU lowering for a non-constant dft_length}}
  %0 = "flow.dft"(%x, %n) {axis = 1 : i64} : (tensor<1x4x1xf32>, tensor<i64>) -> tensor<1x4x2xf32>
  return %0 : tensor<1x4x2xf32>
}
