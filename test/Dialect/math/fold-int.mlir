// RUN: flowc-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @bit_counts
// CHECK-DAG: arith.constant 31 : i32
// CHECK-DAG: arith.constant 32 : i32
// CHECK-DAG: arith.constant 3 : i32
// CHECK-DAG: arith.constant 8 : i8
// CHECK-NOT: math.
func.func @bit_counts() -> (i32, i32, i32, i8, i8) {
  %one = arith.constant 1 : i32
  %zero = arith.constant 0 : i32
  %eight = arith.constant 8 : i32
  %m1 = arith.constant -1 : i8
  %a = math.ctlz %one : i32
  %b = math.ctlz %zero : i32
  %c = math.cttz %eight : i32
  %d = math.ctpop %m1 : i8
  %e = math.cttz %m1 : i8
  return %a, %b, %c, %d, %e : i32, i32, i32, i8, i8
}

// CHECK-LABEL: func.func @absi
// CHECK-DAG: arith.constant 5 : i32
// CHECK-DAG: arith.constant -128 : i8
func.func @absi() -> (i32, i8) {
  %a = arith.constant -5 : i32
  %b = arith.constant -128 : i8
  %r = math.absi %a : i32
  // abs(INT_MIN) wraps to INT_MIN.
  %s = math.absi %b : i8
  return %r, %s : i32, i8
}

// CHECK-LABEL: func.func @ipowi
// CHECK-DAG: arith.constant 81 : i32
// CHECK-DAG: arith.constant -128 : i8
// CHECK-DAG: arith.constant 0 : i32
// CHECK-DAG: arith.constant -1 : i32
// CHECK: math.ipowi
func.func @ipowi() -> (i32, i8, i32, i32, i32) {
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %p = math.ipowi %c3, %c4 : i32
  %c2 = arith.constant 2 : i8
  %c7 = arith.constant 7 : i8
  %q = math.ipowi %c2, %c7 : i8
  %m1 = arith.constant -1 : i32
  %m3 = arith.constant -3 : i32
  // A negative power of |base| > 1 is 0; of -1 it is +-1; 0 to a negative power stays.
  %r = math.ipowi %c3, %m1 : i32
  %s = math.ipowi %m1, %m3 : i32
  %zero = arith.constant 0 : i32
  %t = math.ipowi %zero, %m1 : i32
  return %p, %q, %r, %s, %t : i32, i8, i32, i32, i32
}
