// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of arith.addi, arith.subi and arith.muli: constants wrap at the type's width,
// and the integer identities of MLIR apply.

// CHECK-LABEL: func.func @addi(
// CHECK:         %[[C:.*]] = arith.constant 5 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @addi() -> i32 {
  %a = arith.constant 2 : i32
  %b = arith.constant 3 : i32
  %r = arith.addi %a, %b : i32
  return %r : i32
}

// Two's complement: INT_MAX + 1 wraps to INT_MIN.
// CHECK-LABEL: func.func @addi_wraps(
// CHECK:         %[[C:.*]] = arith.constant -2147483648 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @addi_wraps() -> i32 {
  %a = arith.constant 2147483647 : i32
  %b = arith.constant 1 : i32
  %r = arith.addi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @addi_i8_wraps(
// CHECK:         %[[C:.*]] = arith.constant -128 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @addi_i8_wraps() -> i8 {
  %a = arith.constant 127 : i8
  %b = arith.constant 1 : i8
  %r = arith.addi %a, %b : i8
  return %r : i8
}

// CHECK-LABEL: func.func @addi_index(
// CHECK:         %[[C:.*]] = arith.constant 42 : index
// CHECK-NEXT:    return %[[C]] : index
func.func @addi_index() -> index {
  %a = arith.constant 40 : index
  %b = arith.constant 2 : index
  %r = arith.addi %a, %b : index
  return %r : index
}

// CHECK-LABEL: func.func @addi_i1(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @addi_i1() -> i1 {
  %a = arith.constant true
  %r = arith.addi %a, %a : i1
  return %r : i1
}

// CHECK-LABEL: func.func @subi(
// CHECK:         %[[C:.*]] = arith.constant -2 : i64
// CHECK-NEXT:    return %[[C]] : i64
func.func @subi() -> i64 {
  %a = arith.constant 3 : i64
  %b = arith.constant 5 : i64
  %r = arith.subi %a, %b : i64
  return %r : i64
}

// CHECK-LABEL: func.func @subi_i8_wraps(
// CHECK:         %[[C:.*]] = arith.constant 127 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @subi_i8_wraps() -> i8 {
  %a = arith.constant -128 : i8
  %b = arith.constant 1 : i8
  %r = arith.subi %a, %b : i8
  return %r : i8
}

// CHECK-LABEL: func.func @muli(
// CHECK:         %[[C:.*]] = arith.constant 42 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @muli() -> i32 {
  %a = arith.constant 6 : i32
  %b = arith.constant 7 : i32
  %r = arith.muli %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @muli_wraps(
// CHECK:         %[[C:.*]] = arith.constant 0 : i16
// CHECK-NEXT:    return %[[C]] : i16
func.func @muli_wraps() -> i16 {
  %a = arith.constant 256 : i16
  %b = arith.constant 256 : i16
  %r = arith.muli %a, %b : i16
  return %r : i16
}

// x + 0 -> x
// CHECK-LABEL: func.func @addi_zero(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @addi_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.addi %x, %z : i32
  return %r : i32
}

// 0 + x -> x
// CHECK-LABEL: func.func @addi_zero_lhs(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @addi_zero_lhs(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.addi %z, %x : i32
  return %r : i32
}

// x - 0 -> x
// CHECK-LABEL: func.func @subi_zero(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @subi_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.subi %x, %z : i32
  return %r : i32
}

// x * 1 -> x
// CHECK-LABEL: func.func @muli_one(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @muli_one(%x: i32) -> i32 {
  %o = arith.constant 1 : i32
  %r = arith.muli %x, %o : i32
  return %r : i32
}

// x * 0 -> 0 for integers.
// CHECK-LABEL: func.func @muli_zero(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @muli_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.muli %x, %z : i32
  return %r : i32
}

// x - x -> 0 for integers.
// CHECK-LABEL: func.func @subi_self(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @subi_self(%x: i32) -> i32 {
  %r = arith.subi %x, %x : i32
  return %r : i32
}

// (x + y) - y -> x
// CHECK-LABEL: func.func @sub_of_add(
// CHECK-SAME:      %[[X:.*]]: i32, %{{.*}}: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @sub_of_add(%x: i32, %y: i32) -> i32 {
  %s = arith.addi %x, %y : i32
  %r = arith.subi %s, %y : i32
  return %r : i32
}

// (x + y) - x -> y
// CHECK-LABEL: func.func @sub_of_add_lhs(
// CHECK-SAME:      %{{.*}}: i32, %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @sub_of_add_lhs(%x: i32, %y: i32) -> i32 {
  %s = arith.addi %x, %y : i32
  %r = arith.subi %s, %x : i32
  return %r : i32
}

// (x - y) + y -> x
// CHECK-LABEL: func.func @add_of_sub(
// CHECK-SAME:      %[[X:.*]]: i32, %{{.*}}: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @add_of_sub(%x: i32, %y: i32) -> i32 {
  %s = arith.subi %x, %y : i32
  %r = arith.addi %s, %y : i32
  return %r : i32
}

// CHECK-LABEL: func.func @addi_unknown(
// CHECK:         %[[R:.*]] = arith.addi
// CHECK:         return %[[R]] : i32
func.func @addi_unknown(%x: i32, %y: i32) -> i32 {
  %r = arith.addi %x, %y : i32
  return %r : i32
}
