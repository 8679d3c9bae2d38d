// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of and / or / xor and the shifts.

// CHECK-LABEL: func.func @andi(
// CHECK:         %[[C:.*]] = arith.constant 8 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @andi() -> i32 {
  %a = arith.constant 12 : i32
  %b = arith.constant 10 : i32
  %r = arith.andi %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ori(
// CHECK:         %[[C:.*]] = arith.constant 14 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @ori() -> i32 {
  %a = arith.constant 12 : i32
  %b = arith.constant 10 : i32
  %r = arith.ori %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @xori(
// CHECK:         %[[C:.*]] = arith.constant 6 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @xori() -> i32 {
  %a = arith.constant 12 : i32
  %b = arith.constant 10 : i32
  %r = arith.xori %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @xori_i1(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @xori_i1() -> i1 {
  %a = arith.constant true
  %b = arith.constant false
  %r = arith.xori %a, %b : i1
  return %r : i1
}

// CHECK-LABEL: func.func @shli(
// CHECK:         %[[C:.*]] = arith.constant -128 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @shli() -> i8 {
  %a = arith.constant 1 : i8
  %b = arith.constant 7 : i8
  %r = arith.shli %a, %b : i8
  return %r : i8
}

// Arithmetic shift keeps the sign.
// CHECK-LABEL: func.func @shrsi(
// CHECK:         %[[C:.*]] = arith.constant -4 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @shrsi() -> i32 {
  %a = arith.constant -8 : i32
  %b = arith.constant 1 : i32
  %r = arith.shrsi %a, %b : i32
  return %r : i32
}

// Logical shift brings in zeros.
// CHECK-LABEL: func.func @shrui(
// CHECK:         %[[C:.*]] = arith.constant 15 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @shrui() -> i32 {
  %a = arith.constant -8 : i32
  %b = arith.constant 28 : i32
  %r = arith.shrui %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @andi_self(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @andi_self(%x: i32) -> i32 {
  %r = arith.andi %x, %x : i32
  return %r : i32
}

// CHECK-LABEL: func.func @andi_all_ones(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @andi_all_ones(%x: i32) -> i32 {
  %m = arith.constant -1 : i32
  %r = arith.andi %x, %m : i32
  return %r : i32
}

// CHECK-LABEL: func.func @andi_zero(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @andi_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.andi %x, %z : i32
  return %r : i32
}

// x & ~x -> 0
// CHECK-LABEL: func.func @andi_not_self(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @andi_not_self(%x: i32) -> i32 {
  %m = arith.constant -1 : i32
  %n = arith.xori %x, %m : i32
  %r = arith.andi %x, %n : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ori_self(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @ori_self(%x: i32) -> i32 {
  %r = arith.ori %x, %x : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ori_zero(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @ori_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.ori %x, %z : i32
  return %r : i32
}

// CHECK-LABEL: func.func @ori_all_ones(
// CHECK:         %[[C:.*]] = arith.constant -1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @ori_all_ones(%x: i32) -> i32 {
  %m = arith.constant -1 : i32
  %r = arith.ori %x, %m : i32
  return %r : i32
}

// CHECK-LABEL: func.func @xori_self(
// CHECK:         %[[C:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @xori_self(%x: i32) -> i32 {
  %r = arith.xori %x, %x : i32
  return %r : i32
}

// CHECK-LABEL: func.func @xori_zero(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @xori_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.xori %x, %z : i32
  return %r : i32
}

// (x ^ y) ^ y -> x
// CHECK-LABEL: func.func @xori_twice(
// CHECK-SAME:      %[[X:.*]]: i32, %{{.*}}: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @xori_twice(%x: i32, %y: i32) -> i32 {
  %a = arith.xori %x, %y : i32
  %r = arith.xori %a, %y : i32
  return %r : i32
}

// CHECK-LABEL: func.func @shli_zero(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @shli_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.shli %x, %z : i32
  return %r : i32
}

// CHECK-LABEL: func.func @shrui_zero(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @shrui_zero(%x: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = arith.shrui %x, %z : i32
  return %r : i32
}
