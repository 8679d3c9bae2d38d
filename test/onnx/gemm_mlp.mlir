// RUN: flowc-translate --import-onnx %S/Inputs/gemm_mlp.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/gemm_mlp.onnx --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
//
// A two-layer MLP (opset 17): Gemm with transB, Relu, Softmax on the last axis.

// CHECK-LABEL: func.func @main(%arg0: tensor<2x16xf32>) -> tensor<2x10xf32>
// CHECK:         %[[W1:.+]] = "flow.constant"() <{value = dense_resource<fc1.weight> : tensor<32x16xf32>}>
// CHECK:         %[[B1:.+]] = "flow.constant"() <{value = dense<{{.*}}> : tensor<32xf32>}>
// CHECK:         %[[H:.+]] = "flow.gemm"(%arg0, %[[W1]], %[[B1]]) <{transB = 1 : i64}> : (tensor<2x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<2x32xf32>
// CHECK:         %[[HR:.+]] = "flow.relu"(%[[H]])
// CHECK:         %[[W2:.+]] = "flow.constant"() <{value = dense_resource<fc2.weight> : tensor<10x32xf32>}>
// CHECK:         %[[B2:.+]] = "flow.constant"()
// CHECK:         %[[L:.+]] = "flow.gemm"(%[[HR]], %[[W2]], %[[B2]]) <{alpha = 1.000000e+00 : f32, transB = 1 : i64}> : (tensor<2x32xf32>, tensor<10x32xf32>, tensor<10xf32>) -> tensor<2x10xf32>
// CHECK:         %[[P:.+]] = "flow.softmax"(%[[L]]) <{axis = -1 : i64}> : (tensor<2x10xf32>) -> tensor<2x10xf32>
// CHECK:         return %[[P]] : tensor<2x10xf32>
// CHECK:       fc1.weight: "0x40000000
// CHECK:       fc2.weight: "0x40000000

// GENERIC: "builtin.module"() ({
// GENERIC:   "func.func"() <{function_type = (tensor<2x16xf32>) -> tensor<2x10xf32>, sym_name = "main"}> ({
// GENERIC:   "func.return"
