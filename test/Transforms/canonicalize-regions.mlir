// RUN: flowc-opt %s --split-input-file --canonicalize | FileCheck %s

// Constants are materialized and uniqued at the start of the entry block of the nearest region
// isolated from above, so uses in nested regions share the function's constants.
// CHECK-LABEL: func.func @hoisted_from_nested_region
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : i32
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : i32
// CHECK:         "test.region"() ({
// CHECK-NEXT:      "test.op"(%[[C1]], %[[C2]]) : (i32, i32) -> ()
// CHECK-NEXT:      "test.terminator"() : () -> ()
// CHECK-NEXT:    }) : () -> ()
// CHECK-NEXT:    "test.op"(%[[C1]]) : (i32) -> ()
func.func @hoisted_from_nested_region() {
  %c1 = arith.constant 1 : i32
  "test.region"() ({
    %one = arith.constant 1 : i32
    %sum = arith.addi %one, %one : i32
    "test.op"(%one, %sum) : (i32, i32) -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  "test.op"(%c1) : (i32) -> ()
  return
}

// -----

// Isolated regions keep their own constants.
// CHECK-LABEL: func.func @isolated
// CHECK-NEXT:    %[[OUT:.+]] = arith.constant 3 : i32
// CHECK-NEXT:    "test.isolated"() ({
// CHECK-NEXT:      %[[IN:.+]] = arith.constant 3 : i32
// CHECK-NEXT:      "test.op"(%[[IN]]) : (i32) -> ()
// CHECK-NEXT:      "test.terminator"() : () -> ()
// CHECK-NEXT:    }) : () -> ()
// CHECK-NEXT:    "test.op"(%[[OUT]]) : (i32) -> ()
func.func @isolated() {
  %c3 = arith.constant 3 : i32
  "test.isolated"() ({
    %d3 = arith.constant 3 : i32
    "test.op"(%d3) : (i32) -> ()
    "test.terminator"() : () -> ()
  }) : () -> ()
  "test.op"(%c3) : (i32) -> ()
  return
}

// -----

// Folders of any dialect run: test.fold_to_operand folds to its operand.
// CHECK-LABEL: func.func @fold_to_operand
// CHECK-SAME:    (%[[X:.+]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @fold_to_operand(%x: f32) -> f32 {
  %0 = "test.fold_to_operand"(%x) : (f32) -> f32
  %1 = "test.fold_to_operand"(%0) : (f32) -> f32
  return %1 : f32
}

// -----

// A pure op with no uses is erased, even with a region, when everything in it is pure too;
// test.region is not pure, so it stays.
// CHECK-LABEL: func.func @pure_ops
// CHECK-NOT:     test.pure
// CHECK:         "test.region"
func.func @pure_ops(%x: i32) {
  %0 = "test.pure"(%x) : (i32) -> i32
  "test.region"() ({
    "test.terminator"() : () -> ()
  }) : () -> ()
  return
}
