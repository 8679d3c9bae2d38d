// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Operations whose result is undefined (poison) for these operands are left alone.

// Division by zero is undefined: not folded.
// CHECK-LABEL: func.func @divsi_by_zero(
// CHECK:         %[[R:.*]] = arith.divsi
// CHECK:         return %[[R]] : i32
func.func @divsi_by_zero() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 0 : i32
  %r = arith.divsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @divui_by_zero(
// CHECK:         %[[R:.*]] = arith.divui
// CHECK:         return %[[R]] : i32
func.func @divui_by_zero() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 0 : i32
  %r = arith.divui %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ceildivsi_by_zero(
// CHECK:         %[[R:.*]] = arith.ceildivsi
// CHECK:         return %[[R]] : i32
func.func @ceildivsi_by_zero() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 0 : i32
  %r = arith.ceildivsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @floordivsi_by_zero(
// CHECK:         %[[R:.*]] = arith.floordivsi
// CHECK:         return %[[R]] : i32
func.func @floordivsi_by_zero() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 0 : i32
  %r = arith.floordivsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @remsi_by_zero(
// CHECK:         %[[R:.*]] = arith.remsi
// CHECK:         return %[[R]] : i32
func.func @remsi_by_zero() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 0 : i32
  %r = arith.remsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @remui_by_zero(
// CHECK:         %[[R:.*]] = arith.remui
// CHECK:         return %[[R]] : i32
func.func @remui_by_zero() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 0 : i32
  %r = arith.remui %a, %b : i32
  return %r : i32
}

// INT_MIN / -1 overflows: not folded.
// CHECK-LABEL: func.func @divsi_overflow(
// CHECK:         %[[R:.*]] = arith.divsi
// CHECK:         return %[[R]] : i32
func.func @divsi_overflow() -> i32 {
  %a = arith.constant -2147483648 : i32
  %b = arith.constant -1 : i32
  %r = arith.divsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @floordivsi_overflow(
// CHECK:         %[[R:.*]] = arith.floordivsi
// CHECK:         return %[[R]] : i8
func.func @floordivsi_overflow() -> i8 {
  %a = arith.constant -128 : i8
  %b = arith.constant -1 : i8
  %r = arith.floordivsi %a, %b : i8
  return %r : i8
}

// Shifting by the width or more is poison: not folded.
// CHECK-LABEL: func.func @shli_too_far(
// CHECK:         %[[R:.*]] = arith.shli
// CHECK:         return %[[R]] : i32
func.func @shli_too_far() -> i32 {
  %a = arith.constant 1 : i32
  %b = arith.constant 32 : i32
  %r = arith.shli %a, %b : i32
  return %r : i32
}

// The shift amount is unsigned: -1 is huge.
// CHECK-LABEL: func.func @shrsi_negative_amount(
// CHECK:         %[[R:.*]] = arith.shrsi
// CHECK:         return %[[R]] : i32
func.func @shrsi_negative_amount() -> i32 {
  %a = arith.constant 1 : i32
  %b = arith.constant -1 : i32
  %r = arith.shrsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @shrui_too_far(
// CHECK:         %[[R:.*]] = arith.shrui
// CHECK:         return %[[R]] : i8
func.func @shrui_too_far() -> i8 {
  %a = arith.constant 1 : i8
  %b = arith.constant 8 : i8
  %r = arith.shrui %a, %b : i8
  return %r : i8
}

// One zero lane is enough to keep the op.
// CHECK-LABEL: func.func @divsi_zero_vector(
// CHECK:         %[[R:.*]] = arith.divsi
// CHECK:         return %[[R]] : vector<2xi32>
func.func @divsi_zero_vector() -> vector<2xi32> {
  %a = arith.constant dense<[4, 6]> : vector<2xi32>
  %b = arith.constant dense<[2, 0]> : vector<2xi32>
  %r = arith.divsi %a, %b : vector<2xi32>
  return %r : vector<2xi32>
}
