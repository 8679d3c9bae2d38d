// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --inline | FileCheck %s

// A call is replaced by the callee's body; a private callee with no use left is erased.
// CHECK-NOT:   func.func private @callee
// CHECK-LABEL: func.func @simple
// CHECK-SAME:    (%[[A:.+]]: i32)
// CHECK-NEXT:    %[[R:.+]] = arith.muli %[[A]], %[[A]] : i32
// CHECK-NEXT:    return %[[R]] : i32
func.func private @callee(%x: i32) -> i32 {
  %0 = arith.muli %x, %x : i32
  return %0 : i32
}
func.func @simple(%a: i32) -> i32 {
  %0 = call @callee(%a) : (i32) -> i32
  return %0 : i32
}

// -----

// A public callee stays, as it may be called from elsewhere.
// CHECK-LABEL: func.func @public_callee
// CHECK:         call @effect
// CHECK-LABEL: func.func @caller
// CHECK-NOT:     call @public_callee
// CHECK:         call @effect
func.func private @effect()
func.func @public_callee() {
  call @effect() : () -> ()
  return
}
func.func @caller() {
  call @public_callee() : () -> ()
  return
}

// -----

// Chains of calls are inlined, callees first; arguments and results map one to one.
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    (%[[A:.+]]: i32, %[[B:.+]]: i32)
// CHECK-NEXT:    %[[X:.+]] = arith.subi %[[B]], %[[A]] : i32
// CHECK-NEXT:    %[[Y:.+]] = arith.muli %[[X]], %[[X]] : i32
// CHECK-NEXT:    return %[[Y]], %[[A]] : i32, i32
// CHECK-NOT:   func.func private
func.func private @leaf(%p: i32, %q: i32) -> i32 {
  %0 = arith.subi %q, %p : i32
  return %0 : i32
}
func.func private @mid(%p: i32, %q: i32) -> (i32, i32) {
  %0 = call @leaf(%p, %q) : (i32, i32) -> i32
  %1 = arith.muli %0, %0 : i32
  return %1, %p : i32, i32
}
func.func @chain(%a: i32, %b: i32) -> (i32, i32) {
  %0:2 = call @mid(%a, %b) : (i32, i32) -> (i32, i32)
  return %0#0, %0#1 : i32, i32
}

// -----

// Recursive functions are not inlined, nor are declarations or calls marked no_inline.
// CHECK-LABEL: func.func @self
// CHECK:         call @self
// CHECK-LABEL: func.func private @ping
// CHECK:         call @pong
// CHECK-LABEL: func.func private @pong
// CHECK:         call @ping
// CHECK-LABEL: func.func @not_inlined
// CHECK:         call @self
// CHECK:         call @ping
// CHECK:         call @decl
// CHECK:         call @leaf(%{{.*}}) {no_inline}
// CHECK-LABEL: func.func private @leaf
func.func @self() {
  call @self() : () -> ()
  return
}
func.func private @ping() {
  call @pong() : () -> ()
  return
}
func.func private @pong() {
  call @ping() : () -> ()
  return
}
func.func private @decl(i32)
func.func @not_inlined(%a: i32) {
  call @self() : () -> ()
  call @ping() : () -> ()
  call @decl(%a) : (i32) -> ()
  call @leaf(%a) {no_inline} : (i32) -> ()
  return
}
func.func private @leaf(%a: i32) {
  call @decl(%a) : (i32) -> ()
  return
}

// -----

// After inlining, the function is canonicalized (MLIR's default pipeline): constant
// arguments fold through the inlined body.
// CHECK-LABEL: func.func @folded
// CHECK-NEXT:    %[[C:.+]] = arith.constant 42 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func private @times_two(%x: i32) -> i32 {
  %0 = arith.addi %x, %x : i32
  return %0 : i32
}
func.func @folded() -> i32 {
  %c21 = arith.constant 21 : i32
  %0 = call @times_two(%c21) : (i32) -> i32
  return %0 : i32
}
