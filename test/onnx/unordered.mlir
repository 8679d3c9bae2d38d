// RUN: flowc-translate --import-onnx %S/Inputs/unordered.onnx | FileCheck %s
//
// Nodes listed out of topological order are sorted: `first` (Abs) before `second` (Neg).

// CHECK-LABEL: func.func @main
// CHECK:         %[[A:.+]] = "flow.abs"(%arg0)
// CHECK:         %[[N:.+]] = "flow.neg"(%[[A]])
// CHECK:         return %[[N]]
