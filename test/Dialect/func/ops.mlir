// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s

// Round trip of the func dialect's custom syntax, as mlir-opt 22 prints it.

// CHECK-LABEL: func.func private @declaration(i32, f32) -> i32
func.func private @declaration(i32, f32) -> i32

// CHECK-LABEL: func.func private @no_results(i32)
func.func private @no_results(i32)

// CHECK-LABEL: func.func private @multiple_results() -> (i32, f32)
func.func private @multiple_results() -> (i32, f32)

// CHECK-LABEL: func.func private @returns_function() -> ((i32) -> i32)
func.func private @returns_function() -> ((i32) -> i32)

// CHECK-LABEL: func.func @identity(
// CHECK-SAME:      %[[ARG:.*]]: i32) -> i32 {
// CHECK:         return %[[ARG]] : i32
func.func @identity(%a: i32) -> i32 {
  return %a : i32
}

// CHECK-LABEL: func.func @empty() {
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @empty() {
  return
}

// CHECK-LABEL: func.func @two_results(
// CHECK-SAME:      %[[A:.*]]: i32, %[[B:.*]]: f32) -> (i32, f32) {
// CHECK:         return %[[A]], %[[B]] : i32, f32
func.func @two_results(%a: i32, %b: f32) -> (i32, f32) {
  return %a, %b : i32, f32
}

// CHECK-LABEL: func.func @calls(
// CHECK-SAME:      %[[A:.*]]: i32, %[[B:.*]]: f32)
// CHECK:         %[[R:.*]] = {{(func.)?}}call @declaration(%[[A]], %[[B]]) : (i32, f32) -> i32
// CHECK:         %[[M:.*]]:2 = {{(func.)?}}call @multiple_results() : () -> (i32, f32)
// CHECK:         {{(func.)?}}call @no_results(%[[R]]) : (i32) -> ()
// CHECK:         return %[[M]]#0 : i32
func.func @calls(%a: i32, %b: f32) -> i32 {
  %r = call @declaration(%a, %b) : (i32, f32) -> i32
  %m:2 = func.call @multiple_results() : () -> (i32, f32)
  call @no_results(%r) : (i32) -> ()
  return %m#0 : i32
}

// CHECK-LABEL: func.func @indirect(
// CHECK-SAME:      %[[A:.*]]: i32)
// CHECK:         %[[F:.*]] = {{(func.)?}}constant @identity : (i32) -> i32
// CHECK:         %[[R:.*]] = {{(func.)?}}call_indirect %[[F]](%[[A]]) : (i32) -> i32
// CHECK:         return %[[R]] : i32
func.func @indirect(%a: i32) -> i32 {
  %f = constant @identity : (i32) -> i32
  %r = call_indirect %f(%a) : (i32) -> i32
  return %r : i32
}

// CHECK-LABEL: func.func @multiple_blocks(
// CHECK:         "test.br"()[^[[BB:.*]]] : () -> ()
// CHECK:       ^[[BB]]:
// CHECK:         return
func.func @multiple_blocks(%a: i32) -> i32 {
  "test.br"()[^bb1] : () -> ()
^bb1:
  return %a : i32
}
