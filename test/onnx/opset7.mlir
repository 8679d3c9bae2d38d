// RUN: flowc-translate --import-onnx %S/Inputs/opset7.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/opset7.onnx | flowc-opt | FileCheck %s
//
// An opset-7 model (IR version 3, initializers also listed as graph inputs): every op whose
// form changed since is rewritten into the newest opset's.

// The initializers are not arguments.
// CHECK-LABEL: func.func @main(%arg0: tensor<1x2x4x4xf32>) -> (tensor<1x1x8x3xf32>, tensor<1x1x8x3xi64>, tensor<1x1x8x8xf32>)
// CHECK:         %[[NONE:.+]] = "flow.none"() : () -> none

// BatchNormalization: `spatial = 1` dropped.
// CHECK:         %[[BN:.+]] = "flow.batch_normalization"(%arg0, {{.*}}) <{epsilon = 1.000000e-05 : f32}> : {{.*}} -> tensor<1x2x4x4xf32>

// Clip-6: min / max attributes become scalar constants.
// CHECK:         %[[MIN:.+]] = "flow.constant"() <{value = dense<0.000000e+00> : tensor<f32>}>
// CHECK:         %[[MAX:.+]] = "flow.constant"() <{value = dense<6.000000e+00> : tensor<f32>}>
// CHECK:         %[[CLIP:.+]] = "flow.clip"(%[[BN]], %[[MIN]], %[[MAX]])

// Dropout is removed: Pad reads the clip directly. Pad-2: pads / value become operands.
// CHECK-NOT:     flow.dropout
// CHECK:         %[[PADS:.+]] = "flow.constant"() <{value = dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>}>
// CHECK:         %[[VAL:.+]] = "flow.constant"() <{value = dense<5.000000e-01> : tensor<f32>}>
// CHECK:         %[[PAD:.+]] = "flow.pad"(%[[CLIP]], %[[PADS]], %[[VAL]]) : {{.*}} -> tensor<1x2x6x6xf32>

// Slice-1: starts / ends / axes become operands.
// CHECK:         %[[ST:.+]] = "flow.constant"() <{value = dense<1> : tensor<2xi64>}>
// CHECK:         %[[EN:.+]] = "flow.constant"() <{value = dense<5> : tensor<2xi64>}>
// CHECK:         %[[AX:.+]] = "flow.constant"() <{value = dense<[2, 3]> : tensor<2xi64>}>
// CHECK:         %[[SL:.+]] = "flow.slice"(%[[PAD]], %[[ST]], %[[EN]], %[[AX]]) : {{.*}} -> tensor<1x2x4x4xf32>

// Upsample-7 is Resize with asymmetric coordinates and floor rounding; no roi.
// CHECK:         %[[SC:.+]] = "flow.constant"() <{value = dense<[1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<4xf32>}>
// CHECK:         %[[UP:.+]] = "flow.resize"(%[[SL]], %[[NONE]], %[[SC]]) <{coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor"}> : (tensor<1x2x4x4xf32>, none, tensor<4xf32>) -> tensor<1x2x8x8xf32>

// Softmax-1 on axis 1 of a 4-D input: coerced to 2-D and reshaped back.
// CHECK:         %[[FL:.+]] = "flow.flatten"(%[[UP]]) <{axis = 1 : i64}> : (tensor<1x2x8x8xf32>) -> tensor<1x128xf32>
// CHECK:         %[[SM:.+]] = "flow.softmax"(%[[FL]]) <{axis = 1 : i64}> : (tensor<1x128xf32>) -> tensor<1x128xf32>
// CHECK:         %[[SH:.+]] = "flow.constant"() <{value = dense<[1, 2, 8, 8]> : tensor<4xi64>}>
// CHECK:         %[[RS:.+]] = "flow.reshape"(%[[SM]], %[[SH]]) : (tensor<1x128xf32>, tensor<4xi64>) -> tensor<1x2x8x8xf32>

// Split-2: the split attribute becomes an operand.
// CHECK:         %[[SPLIT:.+]] = "flow.constant"() <{value = dense<1> : tensor<2xi64>}>
// CHECK:         %[[S:.+]]:2 = "flow.split"(%[[RS]], %[[SPLIT]]) <{axis = 1 : i64}>

// TopK-1: k becomes a 1-element operand.
// CHECK:         %[[K:.+]] = "flow.constant"() <{value = dense<[3]> : tensor<1xi64>}>
// CHECK:         %[[T:.+]]:2 = "flow.top_k"(%[[S]]#0, %[[K]]) <{axis = -1 : i64}> : (tensor<1x1x8x8xf32>, tensor<1xi64>) -> (tensor<1x1x8x3xf32>, tensor<1x1x8x3xi64>)
// CHECK:         return %[[T]]#0, %[[T]]#1, %[[S]]#1
