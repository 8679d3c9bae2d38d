// RUN: flowc-opt %s --canonicalize | FileCheck %s

// test.fold_to_operand folds to its operand; test.pure ops without uses are dead; test.op
// (not pure) stays.

// CHECK-LABEL: func.func @fold_to_operand(
// CHECK-SAME:      %[[A:.*]]: i32)
// CHECK-NEXT:    return %[[A]] : i32
func.func @fold_to_operand(%a: i32) -> i32 {
  %0 = "test.fold_to_operand"(%a) : (i32) -> i32
  %1 = "test.fold_to_operand"(%0) : (i32) -> i32
  return %1 : i32
}

// CHECK-LABEL: func.func @dead_pure_ops(
// CHECK-NOT:     test.pure
// CHECK:         "test.op"
// CHECK-NEXT:    return
func.func @dead_pure_ops(%a: i32) {
  %0 = "test.pure"(%a) : (i32) -> i32
  %1 = "test.op"(%a) : (i32) -> i32
  return
}
