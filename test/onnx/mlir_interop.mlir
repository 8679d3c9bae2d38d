// REQUIRES: mlir-opt
// RUN: flowc-translate --import-onnx %S/Inputs/conv_relu.onnx --mlir-print-op-generic --mlir-print-debuginfo | mlir-opt --allow-unregistered-dialect --mlir-print-op-generic | FileCheck %s
//
// What flowc-translate prints in the generic form is MLIR 22's: upstream mlir-opt reads it,
// the dense_resource blob included.

// CHECK: "func.func"()
// CHECK: "flow.constant"() <{value = dense_resource<conv.weight> : tensor<4x3x3x3xf32>}>
// CHECK: "flow.conv"
// CHECK: "flow.relu"
// CHECK: conv.weight: "0x40000000713D0ABF
