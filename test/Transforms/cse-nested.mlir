// RUN: flowc-opt %s --split-input-file --cse | FileCheck %s

// Ops in nested regions reuse equal ops of enclosing regions...
// CHECK-LABEL: func.func @nested_sees_outer
// CHECK-SAME:    (%[[X:.+]]: i32)
// CHECK-NEXT:    %[[A:.+]] = arith.muli %[[X]], %[[X]] : i32
// CHECK-NEXT:    "test.region"() ({
// CHECK-NEXT:      "test.op"(%[[A]]) : (i32) -> ()
// CHECK-NEXT:      "test.terminator"() : () -> ()
// CHECK-NEXT:    }) : () -> ()
// CHECK-NEXT:    "test.op"(%[[A]]) : (i32) -> ()
func.func @nested_sees_outer(%x: i32) {
  %0 = arith.muli %x, %x : i32
  "test.region"() ({
    %1 = arith.muli %x, %x : i32
    "test.op"(%1) : (i32) -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  "test.op"(%0) : (i32) -> ()
  return
}

// -----

// ...but not the other way round, nor between sibling regions.
// CHECK-LABEL: func.func @outer_does_not_see_nested
// CHECK:         "test.region"() ({
// CHECK-NEXT:      arith.muli
// CHECK:         "test.region"() ({
// CHECK-NEXT:      arith.muli
// CHECK:         }) : () -> ()
// CHECK-NEXT:    arith.muli
func.func @outer_does_not_see_nested(%x: i32) {
  "test.region"() ({
    %1 = arith.muli %x, %x : i32
    "test.op"(%1) : (i32) -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  "test.region"() ({
    %2 = arith.muli %x, %x : i32
    "test.op"(%2) : (i32) -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  %3 = arith.muli %x, %x : i32
  "test.op"(%3) : (i32) -> ()
  return
}

// -----

// Regions isolated from above start a new scope.
// CHECK-LABEL: func.func @isolated
// CHECK:         arith.constant 5 : i32
// CHECK:         "test.isolated"() ({
// CHECK-NEXT:      arith.constant 5 : i32
func.func @isolated() {
  %c = arith.constant 5 : i32
  "test.op"(%c) : (i32) -> ()
  "test.isolated"() ({
    %d = arith.constant 5 : i32
    "test.op"(%d) : (i32) -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  return
}

// -----

// In a single-block graph region an op may be used before it is defined; duplicates still
// merge into the first.
// CHECK-LABEL: func.func @graph_region
// CHECK:         "test.graph_region"() ({
// CHECK-NEXT:      "test.op"(%[[A:.+]], %[[A]]) : (i32, i32) -> ()
// CHECK-NEXT:      %[[A]] = arith.constant 6 : i32
// CHECK-NEXT:    }) : () -> ()
func.func @graph_region() {
  "test.graph_region"() ({
    "test.op"(%a, %b) : (i32, i32) -> ()
    %a = arith.constant 6 : i32
    %b = arith.constant 6 : i32
  }) : () -> ()
  return
}
