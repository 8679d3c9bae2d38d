// RUN: flowc-opt %s --split-input-file --flow-saturate='explain=true' 2>&1 | FileCheck %s

// A fused kernel's remark names every rule its node rests on, in the order of egg's proof: the
// per-channel bias Add folded into the conv, the conv heading the residual Add, the ReLU joining.
// The bias and residual Adds are no longer computed on their own: no remark of their own.
// CHECK: loc("relu"): remark: flow-saturate: 'flow.relu' is now computed by 'flow.fused' [conv, add, relu]: conv-add-fold -> head-fuse -> ew-fuse
// CHECK-NOT: loc("bias"): remark
// CHECK-NOT: loc("res"): remark
func.func @conv_bias_res_relu(%x: tensor<1x3x8x8xf32>, %r: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "flow.constant"() {value = dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>} : () -> tensor<1x4x1x1xf32>
  %0 = "flow.conv"(%x, %w) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> loc("conv")
  %1 = "flow.add"(%0, %b) : (tensor<1x4x6x6xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x6x6xf32> loc("bias")
  %2 = "flow.add"(%1, %r) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("res")
  %3 = "flow.relu"(%2) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("relu")
  return %3 : tensor<1x4x6x6xf32>
}

// -----

// A rank-3 MatMul + bias is a Gemm between reshapes; the Gemm heads the Tanh through the view.
// CHECK: loc("tanh"): remark: flow-saturate: 'flow.tanh' is now computed by 'flow.fused' [gemm, reshape, tanh]: matmul-add-gemm -> head-fuse
func.func @gemm_view_tanh(%a: tensor<2x3x4xf32>, %c: tensor<5xf32>) -> tensor<2x3x5xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<4x5xf32>} : () -> tensor<4x5xf32>
  %m = "flow.matmul"(%a, %w) : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32> loc("mm")
  %0 = "flow.add"(%m, %c) : (tensor<2x3x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32> loc("add")
  %1 = "flow.tanh"(%0) : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32> loc("tanh")
  return %1 : tensor<2x3x5xf32>
}

// -----

// A spelled-out softmax: one rule, at the division the op replaces; the reductions and the exp
// it absorbs get no remarks (they are not computed any more).
// CHECK: loc("div"): remark: flow-saturate: 'flow.div' is now computed by 'flow.softmax': softmax-spelled
// CHECK-NOT: remark
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %m = "flow.reduce_max"(%x, %ax) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32> loc("max")
  %d = "flow.sub"(%x, %m) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32> loc("sub")
  %e = "flow.exp"(%d) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("exp")
  %s = "flow.reduce_sum"(%e, %ax) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32> loc("sum")
  %0 = "flow.div"(%e, %s) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32> loc("div")
  return %0 : tensor<2x8xf32>
}
