// RUN: flowc-opt %s --split-input-file --canonicalize | FileCheck %s

// Constant operands fold through chains of arithmetic; the producers die with their last use.
// CHECK-LABEL: func.func @fold_chain
// CHECK-NEXT:    %[[C:.+]] = arith.constant 14 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @fold_chain() -> i32 {
  %c2 = arith.constant 2 : i32
  %c5 = arith.constant 5 : i32
  %0 = arith.addi %c2, %c5 : i32
  %1 = arith.muli %0, %c2 : i32
  return %1 : i32
}

// -----

// Folders may return an existing value: x + 0 and x * 1 are x.
// CHECK-LABEL: func.func @identities
// CHECK-SAME:    (%[[X:.+]]: i32)
// CHECK-NOT:     arith.
// CHECK:         return %[[X]], %[[X]] : i32, i32
func.func @identities(%x: i32) -> (i32, i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %0 = arith.addi %x, %c0 : i32
  %1 = arith.muli %c1, %x : i32
  return %0, %1 : i32, i32
}

// -----

// Constant operands of commutative ops move to the right.
// CHECK-LABEL: func.func @commutative
// CHECK-SAME:    (%[[X:.+]]: i32)
// CHECK:         %[[C:.+]] = arith.constant 7 : i32
// CHECK:         %[[A:.+]] = arith.addi %[[X]], %[[C]] : i32
// CHECK:         %[[M:.+]] = arith.muli %[[X]], %[[C]] : i32
// CHECK:         return %[[A]], %[[M]]
func.func @commutative(%x: i32) -> (i32, i32) {
  %c7 = arith.constant 7 : i32
  %0 = arith.addi %c7, %x : i32
  %1 = arith.muli %c7, %x : i32
  return %0, %1 : i32, i32
}

// -----

// Comparisons and selects with known conditions fold away.
// CHECK-LABEL: func.func @select_of_compare
// CHECK-SAME:    (%[[X:.+]]: i32, %[[Y:.+]]: i32)
// CHECK-NOT:     arith.cmpi
// CHECK-NOT:     arith.select
// CHECK:         return %[[X]] : i32
func.func @select_of_compare(%x: i32, %y: i32) -> i32 {
  %eq = arith.cmpi eq, %x, %x : i32
  %0 = arith.select %eq, %x, %y : i32
  return %0 : i32
}

// -----

// Unused pure ops are erased; ops with side effects stay.
// CHECK-LABEL: func.func @dead_code
// CHECK-SAME:    (%[[X:.+]]: i32)
// CHECK-NEXT:    call @effect(%[[X]]) : (i32) -> ()
// CHECK-NEXT:    return
func.func private @effect(i32)
func.func @dead_code(%x: i32) {
  %0 = arith.addi %x, %x : i32
  %1 = arith.muli %0, %0 : i32
  call @effect(%x) : (i32) -> ()
  return
}

// -----

// Folding creates one constant per value and type, at the start of the function.
// CHECK-LABEL: func.func @materialized_constants_are_shared
// CHECK-DAG:     %[[C5:.+]] = arith.constant 5 : i32
// CHECK-DAG:     %[[C5_64:.+]] = arith.constant 5 : i64
// CHECK-NOT:     arith.constant
// CHECK:         return %[[C5]], %[[C5]], %[[C5_64]] : i32, i32, i64
func.func @materialized_constants_are_shared() -> (i32, i32, i64) {
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %a = arith.addi %c2, %c3 : i32
  %b = arith.addi %c3, %c2 : i32
  %d2 = arith.constant 2 : i64
  %d3 = arith.constant 3 : i64
  %c = arith.addi %d2, %d3 : i64
  return %a, %b, %c : i32, i32, i64
}
