// RUN: flowc-opt %s --inline --mlir-print-debuginfo | FileCheck %s

// Inlined ops are located at their place in the callee, called from the call site.
// CHECK-LABEL: func.func @caller
// CHECK:         call @effect() : () -> () loc(callsite("callee.mlir":3:4 at "caller.mlir":7:8))
func.func private @effect()
func.func private @callee() {
  call @effect() : () -> () loc("callee.mlir":3:4)
  return
}
func.func @caller() {
  call @callee() : () -> () loc("caller.mlir":7:8)
  return
}
