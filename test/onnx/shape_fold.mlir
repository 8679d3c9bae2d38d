// RUN: flowc-translate --import-onnx %S/Inputs/shape_fold.onnx | FileCheck %s
// RUN: flowc-translate --import-onnx %S/Inputs/shape_fold.onnx --onnx-no-fold-shapes | FileCheck %s --check-prefix=NOFOLD
//
// PyTorch's flatten pattern, Shape -> Gather -> Unsqueeze -> Concat -> Reshape, on a static
// shape folds to one constant, so Reshape's result type is static (the model declares only
// `?x?`).

// CHECK-LABEL: func.func @main(%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK-NEXT:    %[[S:.+]] = "flow.constant"() <{value = dense<[2, -1]> : tensor<2xi64>}>
// CHECK-NEXT:    %[[R:.+]] = "flow.reshape"(%arg0, %[[S]]) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
// CHECK-NEXT:    return %[[R]]

// NOFOLD: "flow.shape"
// NOFOLD: "flow.gather"
// NOFOLD: "flow.unsqueeze"
// NOFOLD: "flow.concat"
// NOFOLD: "flow.reshape"
