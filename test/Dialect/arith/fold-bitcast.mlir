// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of arith.bitcast: the bits are kept, only the type changes.

// CHECK-LABEL: func.func @bitcast_float_to_int(
// CHECK:         %[[C:.*]] = arith.constant 1065353216 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @bitcast_float_to_int() -> i32 {
  %a = arith.constant 1.0 : f32
  %r = arith.bitcast %a : f32 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @bitcast_int_to_float(
// CHECK:         %[[C:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @bitcast_int_to_float() -> f32 {
  %a = arith.constant 1069547520 : i32
  %r = arith.bitcast %a : i32 to f32
  return %r : f32
}

// A NaN bit pattern survives.
// CHECK-LABEL: func.func @bitcast_all_ones(
// CHECK:         %[[C:.*]] = arith.constant 0xFFFFFFFF : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @bitcast_all_ones() -> f32 {
  %a = arith.constant -1 : i32
  %r = arith.bitcast %a : i32 to f32
  return %r : f32
}

// CHECK-LABEL: func.func @bitcast_f16_bf16(
// CHECK:         %[[C:.*]] = arith.constant 7.812500e-03 : bf16
// CHECK-NEXT:    return %[[C]] : bf16
func.func @bitcast_f16_bf16() -> bf16 {
  %a = arith.constant 1.0 : f16
  %r = arith.bitcast %a : f16 to bf16
  return %r : bf16
}

// CHECK-LABEL: func.func @bitcast_round_trip(
// CHECK-SAME:      %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @bitcast_round_trip(%x: f32) -> f32 {
  %i = arith.bitcast %x : f32 to i32
  %r = arith.bitcast %i : i32 to f32
  return %r : f32
}
