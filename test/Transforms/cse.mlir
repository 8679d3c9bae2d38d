// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --cse | FileCheck %s

// Equal pure ops are merged into the first.
// CHECK-LABEL: func.func @simple
// CHECK-SAME:    (%[[X:.+]]: i32)
// CHECK-NEXT:    %[[C:.+]] = arith.constant 1 : i32
// CHECK-NEXT:    %[[A:.+]] = arith.addi %[[X]], %[[C]] : i32
// CHECK-NEXT:    return %[[A]], %[[A]] : i32, i32
func.func @simple(%x: i32) -> (i32, i32) {
  %c1 = arith.constant 1 : i32
  %c1b = arith.constant 1 : i32
  %0 = arith.addi %x, %c1 : i32
  %1 = arith.addi %x, %c1b : i32
  return %0, %1 : i32, i32
}

// -----

// Different operands, attributes or result types: different values.
// CHECK-LABEL: func.func @not_equal
// CHECK-COUNT-2: arith.subi
// CHECK-COUNT-2: arith.cmpi
// CHECK-COUNT-2: arith.constant
func.func @not_equal(%x: i32, %y: i32) -> (i32, i32, i1, i1, i32, i64) {
  %0 = arith.subi %x, %y : i32
  %1 = arith.subi %y, %x : i32
  %2 = arith.cmpi slt, %x, %y : i32
  %3 = arith.cmpi sgt, %x, %y : i32
  %4 = arith.constant 5 : i32
  %5 = arith.constant 5 : i64
  return %0, %1, %2, %3, %4, %5 : i32, i32, i1, i1, i32, i64
}

// -----

// Ops with side effects (unregistered ops, calls) are never merged.
// CHECK-LABEL: func.func @side_effects
// CHECK-COUNT-2: "foo.read"
// CHECK-COUNT-2: call @g
func.func private @g() -> i32
func.func @side_effects() -> (i32, i32, i32, i32) {
  %0 = "foo.read"() : () -> i32
  %1 = "foo.read"() : () -> i32
  %2 = call @g() : () -> i32
  %3 = call @g() : () -> i32
  return %0, %1, %2, %3 : i32, i32, i32, i32
}

// -----

// Once a duplicate is replaced, its users become duplicates in turn.
// CHECK-LABEL: func.func @transitive
// CHECK-COUNT-1: arith.muli
// CHECK-COUNT-1: arith.addi
// CHECK-NOT:     arith.
func.func @transitive(%x: i32) -> (i32, i32) {
  %0 = arith.muli %x, %x : i32
  %1 = arith.muli %x, %x : i32
  %2 = arith.addi %0, %x : i32
  %3 = arith.addi %1, %x : i32
  return %2, %3 : i32, i32
}

// -----

// Unused pure ops met on the way are erased.
// CHECK-LABEL: func.func @dead
// CHECK-NEXT:    return
func.func @dead(%x: i32) {
  %0 = arith.addi %x, %x : i32
  return
}

// -----

// The operands of commutative ops are compared in any order.
// CHECK-LABEL: func.func @commutative
// CHECK-SAME:    (%[[X:.+]]: i32, %[[Y:.+]]: i32)
// CHECK-NEXT:    %[[A:.+]] = arith.addi %[[X]], %[[Y]] : i32
// CHECK-NEXT:    return %[[A]], %[[A]] : i32, i32
func.func @commutative(%x: i32, %y: i32) -> (i32, i32) {
  %0 = arith.addi %x, %y : i32
  %1 = arith.addi %y, %x : i32
  return %0, %1 : i32, i32
}
