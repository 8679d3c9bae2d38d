// RUN: flowc-opt %s --canonicalize --split-input-file | FileCheck %s

// An indirect call of a known function becomes a direct call.

func.func private @callee(i32) -> i32

// CHECK-LABEL: func.func @indirect_to_direct(
// CHECK-SAME:      %[[A:.*]]: i32)
// CHECK-NOT:     call_indirect
// CHECK:         %[[R:.*]] = {{(func.)?}}call @callee(%[[A]]) : (i32) -> i32
// CHECK:         return %[[R]] : i32
func.func @indirect_to_direct(%a: i32) -> i32 {
  %f = func.constant @callee : (i32) -> i32
  %r = func.call_indirect %f(%a) : (i32) -> i32
  return %r : i32
}

// -----

// Calls are not pure: an unused call stays.

func.func private @effect()

// CHECK-LABEL: func.func @unused_call
// CHECK:         call @effect() : () -> ()
func.func @unused_call() {
  func.call @effect() : () -> ()
  return
}

// -----

// Unused function constants are pure and go away.

func.func private @f()

// CHECK-LABEL: func.func @unused_constant
// CHECK-NEXT:    return
func.func @unused_constant() {
  %f = func.constant @f : () -> ()
  return
}
