// RUN: flowc-translate --import-onnx %S/Inputs/dim_param.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/dim_param.onnx | flowc-opt | FileCheck %s
//
// Symbolic dims (dim_param) are `?`; their names are kept in the argument attributes.

// CHECK-LABEL: func.func @main(%arg0: tensor<?x3x?x?xf32> {flow.dim_params = ["N", "", "H", "W"]}, %arg1: tensor<3xf32>) -> tensor<?x?x?x3xf32>
// CHECK:         %[[R:.+]] = "flow.relu"(%arg0) : (tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32>
// CHECK:         %[[T:.+]] = "flow.transpose"(%[[R]]) <{perm = array<i64: 0, 2, 3, 1>}> : (tensor<?x3x?x?xf32>) -> tensor<?x?x?x3xf32>
// CHECK:         %[[A:.+]] = "flow.add"(%[[T]], %arg1) : (tensor<?x?x?x3xf32>, tensor<3xf32>) -> tensor<?x?x?x3xf32>
// CHECK:         return %[[A]]
