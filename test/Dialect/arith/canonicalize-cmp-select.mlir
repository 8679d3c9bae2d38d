// RUN: flowc-opt %s --canonicalize --split-input-file | FileCheck %s

// xori with true inverts a comparison.
// CHECK-LABEL: func.func @not_slt(
// CHECK-SAME:      %[[A:.*]]: i32, %[[B:.*]]: i32)
// CHECK-NEXT:    %[[R:.*]] = arith.cmpi sge, %[[A]], %[[B]] : i32
// CHECK-NEXT:    return %[[R]]
func.func @not_slt(%a: i32, %b: i32) -> i1 {
  %true = arith.constant true
  %c = arith.cmpi slt, %a, %b : i32
  %r = arith.xori %c, %true : i1
  return %r : i1
}

// -----

// CHECK-LABEL: func.func @not_eq(
// CHECK:         arith.cmpi ne
// CHECK-NOT:     arith.xori
func.func @not_eq(%a: index, %b: index) -> i1 {
  %true = arith.constant true
  %c = arith.cmpi eq, %a, %b : index
  %r = arith.xori %true, %c : i1
  return %r : i1
}

// -----

// select %c, false, true -> xori %c, true
// CHECK-LABEL: func.func @select_not(
// CHECK-SAME:      %[[C:.*]]: i1)
// CHECK:         %[[T:.*]] = arith.constant true
// CHECK:         %[[R:.*]] = arith.xori %[[C]], %[[T]] : i1
// CHECK:         return %[[R]]
func.func @select_not(%c: i1) -> i1 {
  %true = arith.constant true
  %false = arith.constant false
  %r = arith.select %c, %false, %true : i1
  return %r : i1
}

// -----

// select (not %c), %a, %b -> select %c, %b, %a
// CHECK-LABEL: func.func @select_of_not(
// CHECK-SAME:      %[[C:.*]]: i1, %[[A:.*]]: i32, %[[B:.*]]: i32)
// CHECK:         %[[R:.*]] = arith.select %[[C]], %[[B]], %[[A]] : i32
// CHECK:         return %[[R]]
func.func @select_of_not(%c: i1, %a: i32, %b: i32) -> i32 {
  %true = arith.constant true
  %n = arith.xori %c, %true : i1
  %r = arith.select %n, %a, %b : i32
  return %r : i32
}

// -----

// A select nested under the same condition picks its arm directly.
// CHECK-LABEL: func.func @select_of_select(
// CHECK-SAME:      %[[C:.*]]: i1, %[[A:.*]]: f32, %[[B:.*]]: f32, %[[D:.*]]: f32)
// CHECK:         %[[R:.*]] = arith.select %[[C]], %[[A]], %[[D]] : f32
// CHECK:         return %[[R]]
func.func @select_of_select(%c: i1, %a: f32, %b: f32, %d: f32) -> f32 {
  %s = arith.select %c, %a, %b : f32
  %r = arith.select %c, %s, %d : f32
  return %r : f32
}
