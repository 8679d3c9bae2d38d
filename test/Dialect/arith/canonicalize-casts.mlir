// RUN: flowc-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @extsi_of_extsi(
// CHECK-SAME:      %[[X:.*]]: i8)
// CHECK-NEXT:    %[[R:.*]] = arith.extsi %[[X]] : i8 to i64
// CHECK-NEXT:    return %[[R]]
func.func @extsi_of_extsi(%x: i8) -> i64 {
  %a = arith.extsi %x : i8 to i32
  %r = arith.extsi %a : i32 to i64
  return %r : i64
}

// -----

// CHECK-LABEL: func.func @extui_of_extui(
// CHECK-SAME:      %[[X:.*]]: i8)
// CHECK-NEXT:    %[[R:.*]] = arith.extui %[[X]] : i8 to i64
func.func @extui_of_extui(%x: i8) -> i64 {
  %a = arith.extui %x : i8 to i16
  %r = arith.extui %a : i16 to i64
  return %r : i64
}

// -----

// The zero-extended value has a clear sign bit, so sign-extending it zero-extends.
// CHECK-LABEL: func.func @extsi_of_extui(
// CHECK-SAME:      %[[X:.*]]: i8)
// CHECK-NEXT:    %[[R:.*]] = arith.extui %[[X]] : i8 to i64
func.func @extsi_of_extui(%x: i8) -> i64 {
  %a = arith.extui %x : i8 to i32
  %r = arith.extsi %a : i32 to i64
  return %r : i64
}

// -----

// CHECK-LABEL: func.func @extui_of_extsi(
// CHECK:         arith.extsi
// CHECK:         arith.extui
func.func @extui_of_extsi(%x: i8) -> i64 {
  %a = arith.extsi %x : i8 to i32
  %r = arith.extui %a : i32 to i64
  return %r : i64
}

// -----

// CHECK-LABEL: func.func @trunci_of_trunci(
// CHECK-SAME:      %[[X:.*]]: i64)
// CHECK-NEXT:    %[[R:.*]] = arith.trunci %[[X]] : i64 to i8
func.func @trunci_of_trunci(%x: i64) -> i8 {
  %a = arith.trunci %x : i64 to i32
  %r = arith.trunci %a : i32 to i8
  return %r : i8
}

// -----

// Truncating less than was extended leaves a narrower extension.
// CHECK-LABEL: func.func @trunci_of_wider_extsi(
// CHECK-SAME:      %[[X:.*]]: i8)
// CHECK-NEXT:    %[[R:.*]] = arith.extsi %[[X]] : i8 to i16
func.func @trunci_of_wider_extsi(%x: i8) -> i16 {
  %a = arith.extsi %x : i8 to i64
  %r = arith.trunci %a : i64 to i16
  return %r : i16
}

// -----

// Truncating more than was extended truncates the source.
// CHECK-LABEL: func.func @trunci_of_narrower_extui(
// CHECK-SAME:      %[[X:.*]]: i32)
// CHECK-NEXT:    %[[R:.*]] = arith.trunci %[[X]] : i32 to i8
func.func @trunci_of_narrower_extui(%x: i32) -> i8 {
  %a = arith.extui %x : i32 to i64
  %r = arith.trunci %a : i64 to i8
  return %r : i8
}

// -----

// Vectors work the same way.
// CHECK-LABEL: func.func @extsi_chain_vector(
// CHECK-NEXT:    arith.extsi %{{.*}} : vector<4xi8> to vector<4xi64>
func.func @extsi_chain_vector(%x: vector<4xi8>) -> vector<4xi64> {
  %a = arith.extsi %x : vector<4xi8> to vector<4xi16>
  %r = arith.extsi %a : vector<4xi16> to vector<4xi64>
  return %r : vector<4xi64>
}
