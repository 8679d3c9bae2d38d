// RUN: flowc-translate --import-onnx %S/Inputs/opset9_misc.onnx --mlir-print-debuginfo --onnx-no-file-locations | FileCheck %s
//
// Opset 9: Upsample with a scales input (linear: no nearest_mode), Softmax on the last axis
// (the old and new semantics agree: no coercion), ReduceSum's axes attribute. The nodes have
// no names: locations are `<op_type>_<index>`.

// CHECK-LABEL: func.func @main(%arg0: tensor<1x1x2x2xf32> loc("x")) -> tensor<1x4xf32>
// CHECK:         %[[NONE:.+]] = "flow.none"() : () -> none
// CHECK:         %[[SC:.+]] = "flow.constant"() {{.*}} loc("scales")
// CHECK:         %[[UP:.+]] = "flow.resize"(%arg0, %[[NONE]], %[[SC]]) <{coordinate_transformation_mode = "asymmetric", mode = "linear"}> : {{.*}} -> tensor<1x1x4x4xf32> loc("Upsample_0")
// CHECK-NOT:     flow.flatten
// CHECK:         %[[SM:.+]] = "flow.softmax"(%[[UP]]) <{axis = -1 : i64}> : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> loc("Softmax_1")
// CHECK:         %[[AX:.+]] = "flow.constant"() <{value = dense<[1, 2]> : tensor<2xi64>}>
// CHECK:         "flow.reduce_sum"(%[[SM]], %[[AX]]) <{keepdims = 0 : i64}> : (tensor<1x1x4x4xf32>, tensor<2xi64>) -> tensor<1x4xf32> loc("ReduceSum_2")
