// RUN: flowc-translate --import-onnx %S/Inputs/external_data.onnx | FileCheck %s
// RUN: cd %S/Inputs && flowc-translate --import-onnx external_data.onnx | FileCheck %s
// RUN: not flowc-translate --import-onnx - < %S/Inputs/external_data.onnx 2>&1 | FileCheck %s --check-prefix=STDIN
//
// Both initializers live in external_data.bin beside the model (the bias at an offset after
// the weight); they are read relative to the model's directory, wherever flowc-translate runs.

// CHECK-LABEL: func.func @main(%arg0: tensor<1x16xf32>) -> tensor<1x16xf32>
// CHECK:         "flow.constant"() <{value = dense_resource<weight> : tensor<16x16xf32>}>
// CHECK:         "flow.matmul"
// CHECK:         "flow.constant"() <{value = dense<[-4.000000e+00, -3.500000e+00, {{.*}}, 3.500000e+00]> : tensor<16xf32>}>
// CHECK:         "flow.add"
// CHECK:       weight: "0x400000000AD7A3BF

// From standard input there is no model directory to read external data from.
// STDIN: <stdin>: error: initializer 'weight': tensor 'weight': external data 'external_data.bin' cannot be read without the model's directory
