// RUN: flowc-translate --import-onnx %S/Inputs/shape_fold_eval.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/shape_fold_eval.onnx --onnx-no-fold-shapes | FileCheck %s --check-prefix=NOFOLD
//
// Expand's shape computed by Mod / Equal / Not / Or / Where / Concat on constants (the shape
// arithmetic of onnx's expanded Attention): ops whose operands are all small constants are
// evaluated at import with the interpreter's kernels, so the shape is one constant and
// Expand's result type is static (the model declares only `?x?x?`).

// CHECK-LABEL: func.func @main(%arg0: tensor<2x1x4xf32>) -> tensor<2x5x4xf32>
// CHECK-NEXT:    %[[S:.+]] = "flow.constant"() <{value = dense<[2, 5, 4]> : tensor<3xi64>}>
// CHECK-NEXT:    %[[R:.+]] = "flow.expand"(%arg0, %[[S]]) : (tensor<2x1x4xf32>, tensor<3xi64>) -> tensor<2x5x4xf32>
// CHECK-NEXT:    return %[[R]]

// NOFOLD: "flow.mod"
// NOFOLD: "flow.where"
// NOFOLD: "flow.expand"{{.*}} -> tensor<2x?x4xf32>
