// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of the casts between integers and floats, and between float types.

// CHECK-LABEL: func.func @sitofp(
// CHECK:         %[[C:.*]] = arith.constant -3.000000e+00 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @sitofp() -> f32 {
  %a = arith.constant -3 : i32
  %r = arith.sitofp %a : i32 to f32
  return %r : f32
}

// 2^24 + 1 is not an f32: it rounds to even.
// CHECK-LABEL: func.func @sitofp_rounds(
// CHECK:         %[[C:.*]] = arith.constant 1.6777216e+07 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @sitofp_rounds() -> f32 {
  %a = arith.constant 16777217 : i32
  %r = arith.sitofp %a : i32 to f32
  return %r : f32
}

// CHECK-LABEL: func.func @uitofp(
// CHECK:         %[[C:.*]] = arith.constant 4.294967295e+09 : f64
// CHECK-NEXT:    return %[[C]] : f64
func.func @uitofp() -> f64 {
  %a = arith.constant -1 : i32
  %r = arith.uitofp %a : i32 to f64
  return %r : f64
}

// Rounds toward zero.
// CHECK-LABEL: func.func @fptosi(
// CHECK:         %[[C:.*]] = arith.constant -3 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @fptosi() -> i32 {
  %a = arith.constant -3.9 : f32
  %r = arith.fptosi %a : f32 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @fptoui(
// CHECK:         %[[C:.*]] = arith.constant -1 : i8
// CHECK-NEXT:    return %[[C]] : i8
func.func @fptoui() -> i8 {
  %a = arith.constant 255.5 : f32
  %r = arith.fptoui %a : f32 to i8
  return %r : i8
}

// Out of range: not folded.
// CHECK-LABEL: func.func @fptosi_out_of_range(
// CHECK:         %[[R:.*]] = arith.fptosi
// CHECK:         return %[[R]] : i8
func.func @fptosi_out_of_range() -> i8 {
  %a = arith.constant 128.0 : f32
  %r = arith.fptosi %a : f32 to i8
  return %r : i8
}

// CHECK-LABEL: func.func @fptoui_negative(
// CHECK:         %[[R:.*]] = arith.fptoui
// CHECK:         return %[[R]] : i32
func.func @fptoui_negative() -> i32 {
  %a = arith.constant -1.0 : f32
  %r = arith.fptoui %a : f32 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @fptosi_nan(
// CHECK:         %[[R:.*]] = arith.fptosi
// CHECK:         return %[[R]] : i32
func.func @fptosi_nan() -> i32 {
  %a = arith.constant 0x7FC00000 : f32
  %r = arith.fptosi %a : f32 to i32
  return %r : i32
}

// CHECK-LABEL: func.func @extf(
// CHECK:         %[[C:.*]] = arith.constant 5.000000e-01 : f64
// CHECK-NEXT:    return %[[C]] : f64
func.func @extf() -> f64 {
  %a = arith.constant 0.5 : f32
  %r = arith.extf %a : f32 to f64
  return %r : f64
}

// CHECK-LABEL: func.func @truncf(
// CHECK:         %[[C:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:    return %[[C]] : f32
func.func @truncf() -> f32 {
  %a = arith.constant 0.5 : f64
  %r = arith.truncf %a : f64 to f32
  return %r : f32
}

// truncf(extf(x)) -> x
// CHECK-LABEL: func.func @truncf_of_extf(
// CHECK-SAME:      %[[X:.*]]: f16)
// CHECK-NEXT:    return %[[X]] : f16
func.func @truncf_of_extf(%x: f16) -> f16 {
  %e = arith.extf %x : f16 to f32
  %r = arith.truncf %e : f32 to f16
  return %r : f16
}

// Only the default rounding mode folds.
// CHECK-LABEL: func.func @truncf_other_rounding(
// CHECK:         %[[R:.*]] = arith.truncf
// CHECK:         return %[[R]] : f32
func.func @truncf_other_rounding() -> f32 {
  %a = arith.constant 0.1 : f64
  %r = arith.truncf %a toward_zero : f64 to f32
  return %r : f32
}
