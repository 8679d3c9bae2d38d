// RUN: flowc-translate --import-onnx %S/Inputs/conv_relu.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/conv_relu.onnx --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// RUN: flowc-translate --import-onnx %S/Inputs/conv_relu.onnx | flowc-opt | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/conv_relu.onnx --onnx-resource-threshold=1000 | FileCheck %s --check-prefix=INLINE
//
// Conv + Relu (opset 13): the graph becomes func.func @main; the 4x3x3x3 weight (108 elements)
// is a dense_resource blob, the 4-element bias inline; locations carry the node names, fused
// with the model file.

// CHECK-LABEL: func.func @main(%arg0: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         %[[W:.+]] = "flow.constant"() <{value = dense_resource<conv.weight> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32>
// CHECK:         %[[B:.+]] = "flow.constant"() <{value = dense<[-1.000000e+00, -5.000000e-01, 0.000000e+00, 5.000000e-01]> : tensor<4xf32>}>
// CHECK:         %[[C:.+]] = "flow.conv"(%arg0, %[[W]], %[[B]]) <{kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         %[[R:.+]] = "flow.relu"(%[[C]]) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         return %[[R]] : tensor<1x4x8x8xf32>
// CHECK:       {-#
// CHECK:         dialect_resources: {
// CHECK:           builtin: {
// The blob starts with its alignment (64, little-endian), then the first weight (-0.54 as f32).
// CHECK:             conv.weight: "0x40000000713D0ABF
// CHECK:       #-}

// LOC: func.func @main(%arg0: tensor<1x3x8x8xf32> loc(fused["x", "{{.*}}conv_relu.onnx":0:0]))
// LOC: "flow.constant"(){{.*}} loc(fused["conv.weight", "{{.*}}conv_relu.onnx":0:0])
// LOC: "flow.conv"{{.*}} loc(fused["conv1", "{{.*}}conv_relu.onnx":0:0])
// LOC: "flow.relu"{{.*}} loc(fused["relu1", "{{.*}}conv_relu.onnx":0:0])

// INLINE-NOT: dense_resource
// INLINE: "flow.constant"() <{value = dense<{{\[\[\[\[}}-5.400000e-01
// INLINE-NOT: dialect_resources
