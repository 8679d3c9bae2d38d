// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of the integer minimum and maximum ops.

// CHECK-LABEL: func.func @maxsi(
// CHECK:         %[[C:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @maxsi() -> i32 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.maxsi %a, %b : i32
  return %r : i32
}

// -1 is the largest unsigned value.
// CHECK-LABEL: func.func @maxui(
// CHECK:         %[[C:.*]] = arith.constant -1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @maxui() -> i32 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.maxui %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @minsi(
// CHECK:         %[[C:.*]] = arith.constant -1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @minsi() -> i32 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.minsi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @minui(
// CHECK:         %[[C:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @minui() -> i32 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.minui %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @maxsi_self(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @maxsi_self(%x: i32) -> i32 {
  %r = arith.maxsi %x, %x : i32
  return %r : i32
}

// CHECK-LABEL: func.func @maxsi_int_min(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @maxsi_int_min(%x: i32) -> i32 {
  %m = arith.constant -2147483648 : i32
  %r = arith.maxsi %x, %m : i32
  return %r : i32
}

// CHECK-LABEL: func.func @maxsi_int_max(
// CHECK:         %[[C:.*]] = arith.constant 2147483647 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @maxsi_int_max(%x: i32) -> i32 {
  %m = arith.constant 2147483647 : i32
  %r = arith.maxsi %x, %m : i32
  return %r : i32
}

// CHECK-LABEL: func.func @minui_all_ones(
// CHECK-SAME:      %[[X:.*]]: i8)
// CHECK-NEXT:    return %[[X]] : i8
func.func @minui_all_ones(%x: i8) -> i8 {
  %m = arith.constant -1 : i8
  %r = arith.minui %x, %m : i8
  return %r : i8
}

// CHECK-LABEL: func.func @minui_zero(
// CHECK:         %[[C:.*]] = arith.constant 0 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @minui_zero(%x: i8) -> i8 {
  %z = arith.constant 0 : i8
  %r = arith.minui %x, %z : i8
  return %r : i8
}
