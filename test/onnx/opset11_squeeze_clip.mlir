// RUN: flowc-translate --import-onnx %S/Inputs/opset11_squeeze_clip.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/opset11_squeeze_clip.onnx | flowc-opt | FileCheck %s
//
// Opset 11: the `axes` attributes of Unsqueeze, Squeeze and ReduceMean become constant operands
// (the newest opset takes them as inputs); Clip already takes min / max inputs, and an absent
// min followed by a present max is a flow.none operand.

// CHECK-LABEL: func.func @main(%arg0: tensor<3x4xf32>) -> tensor<3x1xf32>
// CHECK:         %[[NONE:.+]] = "flow.none"() : () -> none
// CHECK:         %[[A0:.+]] = "flow.constant"() <{value = dense<[0]> : tensor<1xi64>}>
// CHECK:         %[[U:.+]] = "flow.unsqueeze"(%arg0, %[[A0]]) : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<1x3x4xf32>
// CHECK:         %[[LO:.+]] = "flow.constant"() <{value = dense<0.000000e+00> : tensor<f32>}>
// CHECK:         %[[HI:.+]] = "flow.constant"() <{value = dense<6.000000e+00> : tensor<f32>}>
// CHECK:         %[[C:.+]] = "flow.clip"(%[[U]], %[[LO]], %[[HI]])
// CHECK:         %[[A1:.+]] = "flow.constant"() <{value = dense<[0]> : tensor<1xi64>}>
// CHECK:         %[[S:.+]] = "flow.squeeze"(%[[C]], %[[A1]]) : (tensor<1x3x4xf32>, tensor<1xi64>) -> tensor<3x4xf32>
// CHECK:         %[[A2:.+]] = "flow.constant"() <{value = dense<[1]> : tensor<1xi64>}>
// CHECK:         %[[M:.+]] = "flow.reduce_mean"(%[[S]], %[[A2]]) <{keepdims = 1 : i64}> : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1xf32>
// CHECK:         %[[Z:.+]] = "flow.clip"(%[[M]], %[[NONE]], %[[HI]]) : (tensor<3x1xf32>, none, tensor<f32>) -> tensor<3x1xf32>
// CHECK:         return %[[Z]]
