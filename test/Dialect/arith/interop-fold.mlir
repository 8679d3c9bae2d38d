// REQUIRES: mlir-opt
// RUN: flowc-opt %s --canonicalize | FileCheck %s
// RUN: mlir-opt %s --canonicalize | FileCheck %s

// flowc's folders agree with mlir-opt's on the same input: both runs must print these
// constants.

// CHECK-LABEL: func.func @agree(
// CHECK-DAG: arith.constant -2147483648 : i32
// CHECK-DAG: arith.constant -4 : i32
// CHECK-DAG: arith.constant 15 : i32
// CHECK-DAG: arith.constant 255 : i32
// CHECK-DAG: arith.constant -3 : i32
// CHECK-DAG: arith.constant 2.500000e-01 : f32
// mlir-opt prints 2^24 as 0x4B800000, flowc-opt as 1.6777216e+07: the same f32.
// CHECK-DAG: arith.constant {{(1.6777216e\+07|0x4B800000)}} : f32
func.func @agree() -> (i32, i32, i32, i32, i32, f32, f32) {
  %max = arith.constant 2147483647 : i32
  %one = arith.constant 1 : i32
  %wrap = arith.addi %max, %one : i32
  %m7 = arith.constant -7 : i32
  %two = arith.constant 2 : i32
  %floor = arith.floordivsi %m7, %two : i32
  %m8 = arith.constant -8 : i32
  %c28 = arith.constant 28 : i32
  %shr = arith.shrui %m8, %c28 : i32
  %m1 = arith.constant -1 : i8
  %ext = arith.extui %m1 : i8 to i32
  %x = arith.constant -3.9 : f32
  %fi = arith.fptosi %x : f32 to i32
  %a = arith.constant 1.0 : f32
  %b = arith.constant 4.0 : f32
  %d = arith.divf %a, %b : f32
  %big = arith.constant 16777217 : i32
  %cv = arith.sitofp %big : i32 to f32
  return %wrap, %floor, %shr, %ext, %fi, %d, %cv : i32, i32, i32, i32, i32, f32, f32
}
