// RUN: flowc-opt %s --canonicalize | FileCheck %s

// Folding on vectors and tensors: splat and non-splat dense constants.

// CHECK-LABEL: func.func @addi_splats(
// CHECK:         %[[C:.*]] = arith.constant dense<3> : tensor<4xi32>
// CHECK-NEXT:    return %[[C]] : tensor<4xi32>
func.func @addi_splats() -> tensor<4xi32> {
  %a = arith.constant dense<1> : tensor<4xi32>
  %b = arith.constant dense<2> : tensor<4xi32>
  %r = arith.addi %a, %b : tensor<4xi32>
  return %r : tensor<4xi32>
}

// CHECK-LABEL: func.func @muli_dense(
// CHECK:         %[[C:.*]] = arith.constant dense<[10, 40]> : tensor<2xi32>
// CHECK-NEXT:    return %[[C]] : tensor<2xi32>
func.func @muli_dense() -> tensor<2xi32> {
  %a = arith.constant dense<[1, 2]> : tensor<2xi32>
  %b = arith.constant dense<[10, 20]> : tensor<2xi32>
  %r = arith.muli %a, %b : tensor<2xi32>
  return %r : tensor<2xi32>
}

// CHECK-LABEL: func.func @subi_splat_dense(
// CHECK:         %[[C:.*]] = arith.constant dense<[6, 5]> : tensor<2xi32>
// CHECK-NEXT:    return %[[C]] : tensor<2xi32>
func.func @subi_splat_dense() -> tensor<2xi32> {
  %a = arith.constant dense<7> : tensor<2xi32>
  %b = arith.constant dense<[1, 2]> : tensor<2xi32>
  %r = arith.subi %a, %b : tensor<2xi32>
  return %r : tensor<2xi32>
}

// Equal results make a splat.
// CHECK-LABEL: func.func @equal_results_splat(
// CHECK:         %[[C:.*]] = arith.constant dense<10> : tensor<2xi32>
// CHECK-NEXT:    return %[[C]] : tensor<2xi32>
func.func @equal_results_splat() -> tensor<2xi32> {
  %a = arith.constant dense<[1, 2]> : tensor<2xi32>
  %b = arith.constant dense<[9, 8]> : tensor<2xi32>
  %r = arith.addi %a, %b : tensor<2xi32>
  return %r : tensor<2xi32>
}

// CHECK-LABEL: func.func @addf_vector(
// CHECK:         %[[C:.*]] = arith.constant dense<1.000000e+00> : vector<4xf32>
// CHECK-NEXT:    return %[[C]] : vector<4xf32>
func.func @addf_vector() -> vector<4xf32> {
  %a = arith.constant dense<0.5> : vector<4xf32>
  %r = arith.addf %a, %a : vector<4xf32>
  return %r : vector<4xf32>
}

// CHECK-LABEL: func.func @mulf_2d(
// CHECK:         %[[C:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    return %[[C]] : tensor<2x2xf32>
func.func @mulf_2d() -> tensor<2x2xf32> {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<2.0> : tensor<2x2xf32>
  %r = arith.mulf %a, %b : tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @subi_self_tensor(
// CHECK:         %[[C:.*]] = arith.constant dense<0> : tensor<3xi64>
// CHECK-NEXT:    return %[[C]] : tensor<3xi64>
func.func @subi_self_tensor(%x: tensor<3xi64>) -> tensor<3xi64> {
  %r = arith.subi %x, %x : tensor<3xi64>
  return %r : tensor<3xi64>
}

// No constant of a dynamic shape: not folded.
// CHECK-LABEL: func.func @subi_self_dynamic(
// CHECK:         %[[R:.*]] = arith.subi
// CHECK:         return %[[R]] : tensor<?xi64>
func.func @subi_self_dynamic(%x: tensor<?xi64>) -> tensor<?xi64> {
  %r = arith.subi %x, %x : tensor<?xi64>
  return %r : tensor<?xi64>
}
