// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of the integer divisions and remainders.

// Signed division rounds toward zero.
// CHECK-LABEL: func.func @divsi(
// CHECK:         %[[C:.*]] = arith.constant -3 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @divsi() -> i32 {
  %a = arith.constant -7 : i32
  %b = arith.constant 2 : i32
  %r = arith.divsi %a, %b : i32
  return %r : i32
}

// Unsigned: -1 is 0xFFFFFFFF.
// CHECK-LABEL: func.func @divui(
// CHECK:         %[[C:.*]] = arith.constant 2147483647 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @divui() -> i32 {
  %a = arith.constant -1 : i32
  %b = arith.constant 2 : i32
  %r = arith.divui %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ceildivsi(
// CHECK:         %[[C:.*]] = arith.constant 4 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @ceildivsi() -> i32 {
  %a = arith.constant 7 : i32
  %b = arith.constant 2 : i32
  %r = arith.ceildivsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ceildivsi_negative(
// CHECK:         %[[C:.*]] = arith.constant -3 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @ceildivsi_negative() -> i32 {
  %a = arith.constant -7 : i32
  %b = arith.constant 2 : i32
  %r = arith.ceildivsi %a, %b : i32
  return %r : i32
}

// 255 / 2 rounded up is 128, i.e. -128 as i8.
// CHECK-LABEL: func.func @ceildivui(
// CHECK:         %[[C:.*]] = arith.constant -128 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @ceildivui() -> i8 {
  %a = arith.constant -1 : i8
  %b = arith.constant 2 : i8
  %r = arith.ceildivui %a, %b : i8
  return %r : i8
}

// CHECK-LABEL: func.func @floordivsi(
// CHECK:         %[[C:.*]] = arith.constant -4 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @floordivsi() -> i32 {
  %a = arith.constant -7 : i32
  %b = arith.constant 2 : i32
  %r = arith.floordivsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @floordivsi_exact(
// CHECK:         %[[C:.*]] = arith.constant -4 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @floordivsi_exact() -> i32 {
  %a = arith.constant -8 : i32
  %b = arith.constant 2 : i32
  %r = arith.floordivsi %a, %b : i32
  return %r : i32
}

// The remainder has the sign of the dividend.
// CHECK-LABEL: func.func @remsi(
// CHECK:         %[[C:.*]] = arith.constant -1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @remsi() -> i32 {
  %a = arith.constant -7 : i32
  %b = arith.constant 2 : i32
  %r = arith.remsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @remsi_int_min(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @remsi_int_min() -> i32 {
  %a = arith.constant -2147483648 : i32
  %b = arith.constant -1 : i32
  %r = arith.remsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @remui(
// CHECK:         %[[C:.*]] = arith.constant 5 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @remui() -> i8 {
  %a = arith.constant -1 : i8
  %b = arith.constant 10 : i8
  %r = arith.remui %a, %b : i8
  return %r : i8
}

// x / 1 -> x
// CHECK-LABEL: func.func @divsi_one(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @divsi_one(%x: i32) -> i32 {
  %o = arith.constant 1 : i32
  %r = arith.divsi %x, %o : i32
  return %r : i32
}

// CHECK-LABEL: func.func @divui_one(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @divui_one(%x: i32) -> i32 {
  %o = arith.constant 1 : i32
  %r = arith.divui %x, %o : i32
  return %r : i32
}

// CHECK-LABEL: func.func @floordivsi_one(
// CHECK-SAME:      %[[X:.*]]: i64)
// CHECK-NEXT:    return %[[X]] : i64
func.func @floordivsi_one(%x: i64) -> i64 {
  %o = arith.constant 1 : i64
  %r = arith.floordivsi %x, %o : i64
  return %r : i64
}

// x % 1 -> 0
// CHECK-LABEL: func.func @remui_one(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @remui_one(%x: i32) -> i32 {
  %o = arith.constant 1 : i32
  %r = arith.remui %x, %o : i32
  return %r : i32
}
