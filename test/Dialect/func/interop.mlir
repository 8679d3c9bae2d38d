// REQUIRES: mlir-opt
// RUN: flowc-opt %s | mlir-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | mlir-opt | FileCheck %s
// RUN: mlir-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: mlir-opt %s | flowc-opt | FileCheck %s

// What flowc-opt prints for the func dialect is what mlir-opt 22 reads, and the other way round.

// CHECK-LABEL: func.func private @decl(i32 {test.a}, f32) -> (i32 {test.r}, f32)
func.func private @decl(i32 {test.a}, f32) -> (i32 {test.r}, f32)

// CHECK-LABEL: func.func nested @nested_decl()
func.func nested @nested_decl()

// CHECK-LABEL: func.func @caller(
// CHECK-SAME:      %[[A:.*]]: i32 {test.arg}, %[[B:.*]]: f32) -> (i32, f32) attributes {test.fn} {
// CHECK:         %[[R:.*]]:2 = {{(func.)?}}call @decl(%[[A]], %[[B]]) : (i32, f32) -> (i32, f32)
// CHECK:         %[[F:.*]] = {{(func.)?}}constant @decl : (i32, f32) -> (i32, f32)
// CHECK:         %[[S:.*]]:2 = {{(func.)?}}call_indirect %[[F]](%[[R]]#0, %[[B]]) : (i32, f32) -> (i32, f32)
// CHECK:         return %[[S]]#0, %[[S]]#1 : i32, f32
func.func @caller(%a: i32 {test.arg}, %b: f32) -> (i32, f32) attributes {test.fn} {
  %r:2 = call @decl(%a, %b) : (i32, f32) -> (i32, f32)
  %f = constant @decl : (i32, f32) -> (i32, f32)
  %s:2 = call_indirect %f(%r#0, %b) : (i32, f32) -> (i32, f32)
  return %s#0, %s#1 : i32, f32
}

// CHECK-LABEL: func.func @no_results() {
// CHECK-NEXT:    return
func.func @no_results() {
  return
}
