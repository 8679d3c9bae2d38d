// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of arith.cmpf, with IEEE NaN semantics.

// CHECK-LABEL: func.func @cmpf_olt(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_olt() -> i1 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 2.0 : f32
  %r = arith.cmpf olt, %a, %b : f32
  return %r : i1
}

// Ordered predicates are false when an operand is NaN...
// CHECK-LABEL: func.func @cmpf_olt_nan(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_olt_nan() -> i1 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 0x7FC00000 : f32
  %r = arith.cmpf olt, %a, %b : f32
  return %r : i1
}

// ... and unordered ones true.
// CHECK-LABEL: func.func @cmpf_ult_nan(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_ult_nan() -> i1 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 0x7FC00000 : f32
  %r = arith.cmpf ult, %a, %b : f32
  return %r : i1
}

// +0.0 == -0.0
// CHECK-LABEL: func.func @cmpf_oeq_zeros(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_oeq_zeros() -> i1 {
  %a = arith.constant 0.0 : f32
  %b = arith.constant -0.0 : f32
  %r = arith.cmpf oeq, %a, %b : f32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpf_une(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_une() -> i1 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 1.0 : f32
  %r = arith.cmpf une, %a, %b : f32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpf_ord(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_ord() -> i1 {
  %a = arith.constant 0x7FC00000 : f32
  %b = arith.constant 1.0 : f32
  %r = arith.cmpf ord, %a, %b : f32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpf_uno(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_uno() -> i1 {
  %a = arith.constant 0x7FC00000 : f32
  %b = arith.constant 1.0 : f32
  %r = arith.cmpf uno, %a, %b : f32
  return %r : i1
}

// The constant predicates fold whatever the operands.
// CHECK-LABEL: func.func @cmpf_true(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_true(%x: f32) -> i1 {
  %r = arith.cmpf true, %x, %x : f32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpf_false(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpf_false(%x: f32, %y: f32) -> i1 {
  %r = arith.cmpf false, %x, %y : f32
  return %r : i1
}

// x == x is false for NaN: not folded.
// CHECK-LABEL: func.func @cmpf_oeq_self(
// CHECK:         %[[R:.*]] = arith.cmpf oeq
// CHECK:         return %[[R]] : i1
func.func @cmpf_oeq_self(%x: f32) -> i1 {
  %r = arith.cmpf oeq, %x, %x : f32
  return %r : i1
}
