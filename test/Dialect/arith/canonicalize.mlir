// RUN: flowc-opt %s --canonicalize --cse --split-input-file | FileCheck %s

// Constants move to the right of commutative ops.
// CHECK-LABEL: func.func @constant_to_the_right(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK:         %[[C:.*]] = arith.constant 5 : i32
// CHECK:         %[[R:.*]] = arith.muli %[[X]], %[[C]] : i32
// CHECK:         return %[[R]]
func.func @constant_to_the_right(%x: i32) -> i32 {
  %c = arith.constant 5 : i32
  %r = arith.muli %c, %x : i32
  return %r : i32
}

// -----

// cmpi swaps its predicate when the constant moves right.
// CHECK-LABEL: func.func @cmpi_constant_to_the_right(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK:         %[[C:.*]] = arith.constant 5 : i32
// CHECK:         %[[R:.*]] = arith.cmpi sgt, %[[X]], %[[C]] : i32
// CHECK:         return %[[R]]
func.func @cmpi_constant_to_the_right(%x: i32) -> i1 {
  %c = arith.constant 5 : i32
  %r = arith.cmpi slt, %c, %x : i32
  return %r : i1
}

// -----

// CHECK-LABEL: func.func @add_add_constants(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK:         %[[C:.*]] = arith.constant 7 : i32
// CHECK:         %[[R:.*]] = arith.addi %[[X]], %[[C]] : i32
// CHECK:         return %[[R]]
func.func @add_add_constants(%x: i32) -> i32 {
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %a = arith.addi %x, %c3 : i32
  %r = arith.addi %a, %c4 : i32
  return %r : i32
}

// -----

// (x - 3) - 4 -> x + (-7)
// CHECK-LABEL: func.func @sub_sub_constants(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK:         %[[C:.*]] = arith.constant -7 : i32
// CHECK:         %[[R:.*]] = arith.addi %[[X]], %[[C]] : i32
// CHECK:         return %[[R]]
func.func @sub_sub_constants(%x: i32) -> i32 {
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %a = arith.subi %x, %c3 : i32
  %r = arith.subi %a, %c4 : i32
  return %r : i32
}

// -----

// 10 - (3 - x) -> x + 7
// CHECK-LABEL: func.func @sub_of_constant_minus_x(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK:         %[[C:.*]] = arith.constant 7 : i32
// CHECK:         %[[R:.*]] = arith.addi %[[X]], %[[C]] : i32
// CHECK:         return %[[R]]
func.func @sub_of_constant_minus_x(%x: i32) -> i32 {
  %c3 = arith.constant 3 : i32
  %c10 = arith.constant 10 : i32
  %a = arith.subi %c3, %x : i32
  %r = arith.subi %c10, %a : i32
  return %r : i32
}

// -----

// (3 - x) + 4 -> 7 - x
// CHECK-LABEL: func.func @add_of_constant_minus_x(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK:         %[[C:.*]] = arith.constant 7 : i32
// CHECK:         %[[R:.*]] = arith.subi %[[C]], %[[X]] : i32
// CHECK:         return %[[R]]
func.func @add_of_constant_minus_x(%x: i32) -> i32 {
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %a = arith.subi %c3, %x : i32
  %r = arith.addi %a, %c4 : i32
  return %r : i32
}

// -----

// The combined constant wraps like the ops would.
// CHECK-LABEL: func.func @add_add_wraps(
// CHECK:         arith.constant -56 : i8
func.func @add_add_wraps(%x: i8) -> i8 {
  %c = arith.constant 100 : i8
  %a = arith.addi %x, %c : i8
  %r = arith.addi %a, %c : i8
  return %r : i8
}

// -----

// CHECK-LABEL: func.func @mul_mul_constants(
// CHECK-SAME:      %[[X:.*]]: i64)
// CHECK:         %[[C:.*]] = arith.constant 12 : i64
// CHECK:         %[[R:.*]] = arith.muli %[[X]], %[[C]] : i64
// CHECK:         return %[[R]]
func.func @mul_mul_constants(%x: i64) -> i64 {
  %c3 = arith.constant 3 : i64
  %c4 = arith.constant 4 : i64
  %a = arith.muli %c3, %x : i64
  %r = arith.muli %a, %c4 : i64
  return %r : i64
}

// -----

// Splat vectors reassociate too.
// CHECK-LABEL: func.func @add_add_vector(
// CHECK:         arith.constant dense<3> : vector<4xi32>
// CHECK-NOT:     arith.addi
// CHECK:         arith.addi
// CHECK-NOT:     arith.addi
func.func @add_add_vector(%x: vector<4xi32>) -> vector<4xi32> {
  %c1 = arith.constant dense<1> : vector<4xi32>
  %c2 = arith.constant dense<2> : vector<4xi32>
  %a = arith.addi %x, %c1 : vector<4xi32>
  %r = arith.addi %a, %c2 : vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// Flags equal to their defaults, as mlir-opt's generic form spells them, are dropped, so that
// CSE sees the two additions as one.
// CHECK-LABEL: func.func @default_flags(
// CHECK-SAME:      %[[A:.*]]: i32, %[[X:.*]]: f32)
// CHECK:         %[[S:.*]] = arith.addi %[[A]], %[[A]] : i32
// CHECK:         %[[F:.*]] = arith.addf %[[X]], %[[X]] : f32
// CHECK:         return %[[S]], %[[S]], %[[F]]
func.func @default_flags(%a: i32, %x: f32) -> (i32, i32, f32) {
  %0 = "arith.addi"(%a, %a) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
  %1 = arith.addi %a, %a : i32
  %2 = "arith.addf"(%x, %x) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
  return %0, %1, %2 : i32, i32, f32
}
