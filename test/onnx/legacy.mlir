// One old operator form per model (test/onnx/Inputs/legacy_*.onnx), rewritten into the newest
// opset's form. compare_with_ort.py in Inputs/ checks the same models numerically against
// onnxruntime.
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_resize10_nearest.onnx | FileCheck %s --check-prefix=RESIZE10
// Resize-10: no roi; asymmetric coordinates and floor rounding, as ONNX's version converter does.
// RESIZE10: %[[NONE:.+]] = "flow.none"() : () -> none
// RESIZE10: %[[SC:.+]] = "flow.constant"() <{value = dense<[1.000000e+00, 1.000000e+00, 2.000000e+00, 2.500000e+00]> : tensor<4xf32>}>
// RESIZE10: "flow.resize"(%arg0, %[[NONE]], %[[SC]]) <{coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor"}> : (tensor<1x2x3x4xf32>, none, tensor<4xf32>) -> tensor<1x2x6x10xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_resize11_sizes.onnx | FileCheck %s --check-prefix=RESIZE11
// Resize-11 with empty roi and scales tensors: both absent in the newest form.
// RESIZE11: %[[NONE:.+]] = "flow.none"() : () -> none
// RESIZE11: %[[SZ:.+]] = "flow.constant"() <{value = dense<[1, 2, 5, 7]> : tensor<4xi64>}>
// RESIZE11: "flow.resize"(%arg0, %[[NONE]], %[[NONE]], %[[SZ]]) <{coordinate_transformation_mode = "pytorch_half_pixel", mode = "linear"}> : (tensor<1x2x3x4xf32>, none, none, tensor<4xi64>) -> tensor<1x2x5x7xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_upsample9_nearest.onnx | FileCheck %s --check-prefix=UPSAMPLE
// UPSAMPLE: "flow.resize"(%arg0, %{{.+}}, %{{.+}}) <{coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor"}> : (tensor<1x2x3x4xf32>, none, tensor<4xf32>) -> tensor<1x2x6x12xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_softmax11_axis0.onnx | FileCheck %s --check-prefix=SOFTMAX0
// Softmax-11 on axis 0 normalizes over everything: flatten at 0, softmax, reshape back.
// SOFTMAX0: %[[F:.+]] = "flow.flatten"(%arg0) <{axis = 0 : i64}> : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
// SOFTMAX0: %[[S:.+]] = "flow.softmax"(%[[F]]) <{axis = 1 : i64}> : (tensor<1x24xf32>) -> tensor<1x24xf32>
// SOFTMAX0: %[[SH:.+]] = "flow.constant"() <{value = dense<[2, 3, 4]> : tensor<3xi64>}>
// SOFTMAX0: "flow.reshape"(%[[S]], %[[SH]]) : (tensor<1x24xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_softmax11_axis2.onnx | FileCheck %s --check-prefix=SOFTMAX2
// On the last axis the old and new semantics agree.
// SOFTMAX2-NOT: flow.flatten
// SOFTMAX2: "flow.softmax"(%arg0) <{axis = -1 : i64}> : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_hardmax11_axis1.onnx | FileCheck %s --check-prefix=HARDMAX
// HARDMAX: "flow.flatten"(%arg0) <{axis = 1 : i64}> : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// HARDMAX: "flow.hardmax"(%{{.+}}) <{axis = 1 : i64}> : (tensor<2x12xf32>) -> tensor<2x12xf32>
// HARDMAX: "flow.reshape"
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_split11_equal.onnx | FileCheck %s --check-prefix=SPLIT
// Split without sizes before opset 18: one equal part per output.
// SPLIT: %[[S:.+]]:3 = "flow.split"(%arg0) <{axis = 0 : i64, num_outputs = 3 : i64}> : (tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>)
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_squeeze11_all.onnx | FileCheck %s --check-prefix=SQUEEZE
// SQUEEZE: "flow.squeeze"(%arg0) : (tensor<1x3x1x2xf32>) -> tensor<3x2xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_reducesum11_all.onnx | FileCheck %s --check-prefix=REDUCESUM
// No axes: every axis, as in the newest form without the axes input.
// REDUCESUM: "flow.reduce_sum"(%arg0) : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_slice9_neg.onnx | FileCheck %s --check-prefix=SLICE
// SLICE: %[[ST:.+]] = "flow.constant"() <{value = dense<[-2, 1]> : tensor<2xi64>}>
// SLICE: %[[EN:.+]] = "flow.constant"() <{value = dense<[1000, -1]> : tensor<2xi64>}>
// SLICE: %[[AX:.+]] = "flow.constant"() <{value = dense<[1, 2]> : tensor<2xi64>}>
// SLICE: "flow.slice"(%arg0, %[[ST]], %[[EN]], %[[AX]]) : {{.*}} -> tensor<2x2x2xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_dropout7_mask.onnx | FileCheck %s --check-prefix=DROPOUT7
// Dropout is removed; before opset 10 its mask has the input's type (all ones), since then bool.
// DROPOUT7: %[[M:.+]] = "flow.constant"() <{value = dense<1.000000e+00> : tensor<2x3x4xf32>}>
// DROPOUT7: return %arg0, %[[M]] : tensor<2x3x4xf32>, tensor<2x3x4xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_dropout12_mask.onnx | FileCheck %s --check-prefix=DROPOUT12
// DROPOUT12: %[[M:.+]] = "flow.constant"() <{value = dense<true> : tensor<2x3x4xi1>}>
// DROPOUT12: return %arg0, %[[M]] : tensor<2x3x4xf32>, tensor<2x3x4xi1>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_topk1.onnx | FileCheck %s --check-prefix=TOPK
// TOPK: %[[K:.+]] = "flow.constant"() <{value = dense<[2]> : tensor<1xi64>}>
// TOPK: "flow.top_k"(%arg0, %[[K]]) : (tensor<2x3x4xf32>, tensor<1xi64>) -> (tensor<2x3x2xf32>, tensor<2x3x2xi64>)
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_pad2_reflect.onnx | FileCheck %s --check-prefix=PAD
// PAD: %[[P:.+]] = "flow.constant"() <{value = dense<[1, 2, 1, 2]> : tensor<4xi64>}>
// PAD: "flow.pad"(%arg0, %[[P]]) <{mode = "reflect"}> : (tensor<3x4xf32>, tensor<4xi64>) -> tensor<5x8xf32>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_roialign10.onnx | FileCheck %s --check-prefix=ROIALIGN
// RoiAlign-10 behaved as `output_half_pixel`; the newest default is `half_pixel`.
// ROIALIGN: "flow.roi_align"(%arg0, %{{.+}}, %{{.+}}) <{coordinate_transformation_mode = "output_half_pixel", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 2 : i64}>
//
// RUN: flowc-translate --import-onnx %S/Inputs/legacy_gridsample16_bicubic.onnx | FileCheck %s --check-prefix=GRIDSAMPLE
// GridSample-16's `bicubic` is `cubic` since opset 20.
// GRIDSAMPLE: "flow.grid_sample"(%arg0, %{{.+}}) <{align_corners = 1 : i64, mode = "cubic"}>
