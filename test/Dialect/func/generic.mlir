// RUN: flowc-opt %s | FileCheck %s

// The generic form of func ops parses into the same ops as the custom form.

// CHECK-LABEL: func.func @f(
// CHECK-SAME:      %[[A:.*]]: i32) -> i32 {
// CHECK:         %[[R:.*]] = {{(func.)?}}call @g(%[[A]]) : (i32) -> i32
// CHECK:         return %[[R]] : i32
"func.func"() <{function_type = (i32) -> i32, sym_name = "f"}> ({
^bb0(%a: i32):
  %r = "func.call"(%a) <{callee = @g}> : (i32) -> i32
  "func.return"(%r) : (i32) -> ()
}) : () -> ()

// CHECK-LABEL: func.func private @g(i32) -> i32
"func.func"() <{function_type = (i32) -> i32, sym_name = "g", sym_visibility = "private"}> ({
}) : () -> ()

// Attributes given as discardable attributes in the generic form are still the op's own.
// CHECK-LABEL: func.func @h() {
"func.func"() ({
  "func.return"() : () -> ()
}) {function_type = () -> (), sym_name = "h"} : () -> ()
