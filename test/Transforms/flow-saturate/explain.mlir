// RUN: flowc-opt %s --flow-saturate='explain=true' 2>&1 | FileCheck %s

// Each changed op gets a remark with the rules that justify its new form.
// CHECK-DAG: loc("id"): remark: flow-saturate: 'flow.identity' is now computed by an existing value: identity-elim
// CHECK-DAG: loc("relu"): remark: flow-saturate: 'flow.relu' is now computed by 'flow.fused' [gemm, relu]: matmul-add-gemm -> head-fuse
// CHECK-DAG: loc("mul"): remark: flow-saturate: 'flow.mul' is now computed by 'flow.fused' [exp, mul]: ew-fuse
// CHECK-NOT: loc("add"): remark
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = "flow.identity"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("id")
  %1 = "flow.matmul"(%0, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("mm")
  %2 = "flow.add"(%1, %b) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("add")
  %3 = "flow.relu"(%2) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("relu")
  %4 = "flow.exp"(%3) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("exp")
  %5 = "flow.mul"(%4, %3) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("mul")
  return %5 : tensor<2x4xf32>
}
