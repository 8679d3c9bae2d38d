// RUN: flowc-opt %s --flow-saturate | FileCheck %s

// A Reshape / ReduceSum whose shape or axes come from a graph input cannot be inferred, but the
// IR already knows the result type (ONNX declares it): saturation keeps the static type rather
// than the `?` that inference alone gives, so code generation still sees static shapes.

// CHECK-LABEL: func.func @main
// CHECK: "flow.reshape"(%{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
// CHECK: "flow.reduce_sum"(%{{.*}}, %{{.*}}) <{keepdims = 0 : i64}> : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<4xf32>
// CHECK: func.return %{{.*}} : tensor<4xf32>
func.func @main(%x: tensor<2x3x4xf32>, %s: tensor<2xi64>, %axes: tensor<1xi64>) -> tensor<4xf32> {
  %0 = "flow.reshape"(%x, %s) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %1 = "flow.reduce_sum"(%0, %axes) <{keepdims = 0 : i64}> : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
