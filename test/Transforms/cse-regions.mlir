// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --cse | FileCheck %s

// Functions are isolated from above: equal ops in two functions are both kept.
// CHECK-LABEL: func.func @f
// CHECK:         arith.constant 1 : i32
// CHECK-LABEL: func.func @g
// CHECK:         arith.constant 1 : i32
func.func @f() -> i32 {
  %c = arith.constant 1 : i32
  return %c : i32
}
func.func @g() -> i32 {
  %c = arith.constant 1 : i32
  return %c : i32
}

// -----

// Unregistered ops might be isolated from above: nothing is merged with ops outside their
// regions, but duplicates within a region are.
// CHECK-LABEL: func.func @unregistered_region
// CHECK:         %[[OUT:.+]] = arith.constant 1 : i32
// CHECK:         "foo.region"() ({
// CHECK-NEXT:      %[[IN:.+]] = arith.constant 1 : i32
// CHECK-NEXT:      "foo.use"(%[[IN]], %[[IN]])
// CHECK:         "foo.use"(%[[OUT]])
func.func @unregistered_region() {
  %c = arith.constant 1 : i32
  "foo.region"() ({
    %c1 = arith.constant 1 : i32
    %c2 = arith.constant 1 : i32
    "foo.use"(%c1, %c2) : (i32, i32) -> ()
  }) : () -> ()
  "foo.use"(%c) : (i32) -> ()
  return
}

// -----

// Nested modules are symbol tables and isolated from above: each is its own scope.
// CHECK-LABEL: module @outer
// CHECK:         func.func @h
// CHECK-COUNT-1:   arith.constant 2 : i32
// CHECK:         module @inner
// CHECK:           func.func @h
// CHECK-COUNT-1:     arith.constant 2 : i32
module @outer {
  func.func @h() -> (i32, i32) {
    %a = arith.constant 2 : i32
    %b = arith.constant 2 : i32
    return %a, %b : i32, i32
  }
  module @inner {
    func.func @h() -> (i32, i32) {
      %a = arith.constant 2 : i32
      %b = arith.constant 2 : i32
      return %a, %b : i32, i32
    }
  }
}
