// RUN: flowc-translate --import-onnx %S/tiny_cnn.onnx | FileCheck %s
// RUN: flowc run %S/tiny_cnn.onnx --input %S/tiny_cnn_input.npy --output-dir %t --print-values 3 | FileCheck %s --check-prefix=EXEC

// The demo's bundled model (tools/demo.sh; regenerate with gen_example_model.py): imported into
// the flow dialect, then run by the reference interpreter.

// CHECK-LABEL: func.func @main(%{{.*}}: tensor<1x3x16x16xf32>) -> tensor<1x10xf32>
// CHECK:         "flow.conv"
// CHECK:         "flow.batch_normalization"
// CHECK:         "flow.relu"
// CHECK:         "flow.max_pool"
// CHECK:         "flow.flatten"
// CHECK-SAME:      -> tensor<1x512xf32>
// CHECK:         "flow.gemm"
// CHECK:         %[[P:.*]] = "flow.softmax"
// CHECK:         func.return %[[P]] : tensor<1x10xf32>
// CHECK:       dialect_resources

// onnxruntime gives 0.039953, 0.021176, 0.255572 for the first three probabilities.
// EXEC:      output 0 'probabilities': f32 [1, 10]
// EXEC-NEXT:   values: [0.039953, 0.021176, 0.255572, ...]
