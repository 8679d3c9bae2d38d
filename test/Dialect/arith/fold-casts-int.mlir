// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of the integer casts.

// CHECK-LABEL: func.func @extsi(
// CHECK:         %[[C:.*]] = arith.constant -1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @extsi() -> i32 {
  %a = arith.constant -1 : i8
  %r = arith.extsi %a : i8 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @extui(
// CHECK:         %[[C:.*]] = arith.constant 255 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @extui() -> i32 {
  %a = arith.constant -1 : i8
  %r = arith.extui %a : i8 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @extui_i1(
// CHECK:         %[[C:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @extui_i1() -> i32 {
  %a = arith.constant true
  %r = arith.extui %a : i1 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @extsi_i1(
// CHECK:         %[[C:.*]] = arith.constant -1 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @extsi_i1() -> i32 {
  %a = arith.constant true
  %r = arith.extsi %a : i1 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @trunci(
// CHECK:         %[[C:.*]] = arith.constant 1 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @trunci() -> i8 {
  %a = arith.constant 257 : i32
  %r = arith.trunci %a : i32 to i8
  return %r : i8
}

// CHECK-LABEL: func.func @index_cast_to_index(
// CHECK:         %[[C:.*]] = arith.constant -2 : index
// CHECK-NEXT:    return %[[C]] : index
func.func @index_cast_to_index() -> index {
  %a = arith.constant -2 : i32
  %r = arith.index_cast %a : i32 to index
  return %r : index
}

// index_castui zero-extends.
// CHECK-LABEL: func.func @index_castui_to_index(
// CHECK:         %[[C:.*]] = arith.constant 4294967294 : index
// CHECK-NEXT:    return %[[C]] : index
func.func @index_castui_to_index() -> index {
  %a = arith.constant -2 : i32
  %r = arith.index_castui %a : i32 to index
  return %r : index
}

// CHECK-LABEL: func.func @index_cast_from_index(
// CHECK:         %[[C:.*]] = arith.constant 44 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @index_cast_from_index() -> i8 {
  %a = arith.constant 300 : index
  %r = arith.index_cast %a : index to i8
  return %r : i8
}

// trunci(extsi(x)) -> x
// CHECK-LABEL: func.func @trunci_of_extsi(
// CHECK-SAME:      %[[X:.*]]: i8)
// CHECK-NEXT:    return %[[X]] : i8
func.func @trunci_of_extsi(%x: i8) -> i8 {
  %e = arith.extsi %x : i8 to i32
  %r = arith.trunci %e : i32 to i8
  return %r : i8
}

// CHECK-LABEL: func.func @trunci_of_extui(
// CHECK-SAME:      %[[X:.*]]: i16)
// CHECK-NEXT:    return %[[X]] : i16
func.func @trunci_of_extui(%x: i16) -> i16 {
  %e = arith.extui %x : i16 to i64
  %r = arith.trunci %e : i64 to i16
  return %r : i16
}

// CHECK-LABEL: func.func @index_cast_round_trip(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @index_cast_round_trip(%x: i32) -> i32 {
  %i = arith.index_cast %x : i32 to index
  %r = arith.index_cast %i : index to i32
  return %r : i32
}

// CHECK-LABEL: func.func @extsi_dense(
// CHECK:         %[[C:.*]] = arith.constant dense<[-1, 0, 127]> : tensor<3xi32>
// CHECK-NEXT:    return %[[C]] : tensor<3xi32>
func.func @extsi_dense() -> tensor<3xi32> {
  %a = arith.constant dense<[-1, 0, 127]> : tensor<3xi8>
  %r = arith.extsi %a : tensor<3xi8> to tensor<3xi32>
  return %r : tensor<3xi32>
}
