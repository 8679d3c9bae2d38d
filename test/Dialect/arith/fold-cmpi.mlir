// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of arith.cmpi: signed and unsigned predicates on constants, and identities.

// CHECK-LABEL: func.func @cmpi_eq(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_eq() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi eq, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_ne(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_ne() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi ne, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_slt(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_slt() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi slt, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_sle(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_sle() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi sle, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_sgt(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_sgt() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi sgt, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_sge(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_sge() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi sge, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_ult(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_ult() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi ult, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_ule(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_ule() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi ule, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_ugt(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_ugt() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi ugt, %a, %b : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_uge(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_uge() -> i1 {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %r = arith.cmpi uge, %a, %b : i32
  return %r : i1
}

// A value compared with itself.
// CHECK-LABEL: func.func @cmpi_self_sle(
// CHECK:         %[[C:.*]] = arith.constant true
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_self_sle(%x: i32) -> i1 {
  %r = arith.cmpi sle, %x, %x : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_self_ult(
// CHECK:         %[[C:.*]] = arith.constant false
// CHECK-NEXT:    return %[[C]] : i1
func.func @cmpi_self_ult(%x: i32) -> i1 {
  %r = arith.cmpi ult, %x, %x : i32
  return %r : i1
}

// CHECK-LABEL: func.func @cmpi_vector(
// CHECK:         %[[C:.*]] = arith.constant dense<[true, false]> : vector<2xi1>
// CHECK-NEXT:    return %[[C]] : vector<2xi1>
func.func @cmpi_vector() -> vector<2xi1> {
  %a = arith.constant dense<[1, 5]> : vector<2xi32>
  %b = arith.constant dense<3> : vector<2xi32>
  %r = arith.cmpi slt, %a, %b : vector<2xi32>
  return %r : vector<2xi1>
}

// cmpi ne, %x, false -> %x
// CHECK-LABEL: func.func @cmpi_ne_false(
// CHECK-SAME:      %[[X:.*]]: i1)
// CHECK-NEXT:    return %[[X]] : i1
func.func @cmpi_ne_false(%x: i1) -> i1 {
  %f = arith.constant false
  %r = arith.cmpi ne, %x, %f : i1
  return %r : i1
}

// cmpi eq, %x, true -> %x
// CHECK-LABEL: func.func @cmpi_eq_true(
// CHECK-SAME:      %[[X:.*]]: i1)
// CHECK-NEXT:    return %[[X]] : i1
func.func @cmpi_eq_true(%x: i1) -> i1 {
  %t = arith.constant true
  %r = arith.cmpi eq, %x, %t : i1
  return %r : i1
}

// cmpi ne, (extui %x : i1), 0 -> %x
// CHECK-LABEL: func.func @cmpi_ext_ne_zero(
// CHECK-SAME:      %[[X:.*]]: i1)
// CHECK-NEXT:    return %[[X]] : i1
func.func @cmpi_ext_ne_zero(%x: i1) -> i1 {
  %e = arith.extui %x : i1 to i32
  %z = arith.constant 0 : i32
  %r = arith.cmpi ne, %e, %z : i32
  return %r : i1
}
