// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding of arith.select.

// CHECK-LABEL: func.func @select_true(
// CHECK-SAME:      %[[X:.*]]: i32, %{{.*}}: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @select_true(%a: i32, %b: i32) -> i32 {
  %c = arith.constant true
  %r = arith.select %c, %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @select_false(
// CHECK-SAME:      %{{.*}}: i32, %[[X:.*]]: i32)
// CHECK-NEXT:    return %[[X]] : i32
func.func @select_false(%a: i32, %b: i32) -> i32 {
  %c = arith.constant false
  %r = arith.select %c, %a, %b : i32
  return %r : i32
}

// CHECK-LABEL: func.func @select_same_arms(
// CHECK-SAME:      %{{.*}}: i1, %[[X:.*]]: f32)
// CHECK-NEXT:    return %[[X]] : f32
func.func @select_same_arms(%c: i1, %a: f32) -> f32 {
  %r = arith.select %c, %a, %a : f32
  return %r : f32
}

// select %c, true, false -> %c
// CHECK-LABEL: func.func @select_i1_identity(
// CHECK-SAME:      %[[X:.*]]: i1)
// CHECK-NEXT:    return %[[X]] : i1
func.func @select_i1_identity(%c: i1) -> i1 {
  %t = arith.constant true
  %f = arith.constant false
  %r = arith.select %c, %t, %f : i1
  return %r : i1
}

// CHECK-LABEL: func.func @select_splat_condition(
// CHECK-SAME:      %[[X:.*]]: vector<4xi32>, %{{.*}}: vector<4xi32>)
// CHECK-NEXT:    return %[[X]] : vector<4xi32>
func.func @select_splat_condition(%a: vector<4xi32>, %b: vector<4xi32>) -> vector<4xi32> {
  %c = arith.constant dense<true> : vector<4xi1>
  %r = arith.select %c, %a, %b : vector<4xi1>, vector<4xi32>
  return %r : vector<4xi32>
}

// CHECK-LABEL: func.func @select_elementwise(
// CHECK:         %[[C:.*]] = arith.constant dense<[1, 5]> : tensor<2xi32>
// CHECK-NEXT:    return %[[C]] : tensor<2xi32>
func.func @select_elementwise() -> tensor<2xi32> {
  %c = arith.constant dense<[true, false]> : tensor<2xi1>
  %a = arith.constant dense<[1, 2]> : tensor<2xi32>
  %b = arith.constant dense<5> : tensor<2xi32>
  %r = arith.select %c, %a, %b : tensor<2xi1>, tensor<2xi32>
  return %r : tensor<2xi32>
}
