// RUN: flowc-opt %s --convert-flow-to-loop --split-input-file | FileCheck %s

// Batched matmul "bij,bjk->bik": parallel over the output's leading labels (b, i), a loop over
// k, then the reduction loop over j carrying the f32 accumulator; each operand is read at the
// loop indices of its labels.
// CHECK-LABEL: func.func private @k0_einsum
// CHECK-SAME: (%[[A:.*]]: memref<2x3x4xf32>, %[[B:.*]]: memref<2x4x5xf32>, %[[Y:.*]]: memref<2x3x5xf32>)
// CHECK: loop.parallel (%[[BI:.*]], %[[I:.*]]) =
// CHECK: loop.for %[[K:.*]] =
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: loop.for %[[J:.*]] = {{.*}} iter_args(%[[ACC:.*]] = {{.*}}) -> (f32)
// CHECK: %[[X:.*]] = buffer.load %[[A]][%[[BI]], %[[I]], %[[J]]]
// CHECK: %[[W:.*]] = buffer.load %[[B]][%[[BI]], %[[J]], %[[K]]]
// CHECK: %[[P:.*]] = arith.mulf %[[X]], %[[W]] : f32
// CHECK: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK: loop.yield %[[S]] : f32
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[BI]], %[[I]], %[[K]]]
func.func @main(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = "flow.einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Implicit output of a diagonal "...ii": the ellipsis label, no letter seen once; both dims of
// the operand read the same summed index; i64 wraps (muli / addi, no rounding).
// CHECK-LABEL: func.func private @k0_einsum
// CHECK-SAME: (%[[A:.*]]: memref<2x3x3xi64>, %[[Y:.*]]: memref<2xi64>)
// CHECK: loop.parallel (%[[E:.*]]) =
// CHECK: loop.for %[[I:.*]] = {{.*}} iter_args(%[[ACC:.*]] = {{.*}}) -> (i64)
// CHECK: %[[X:.*]] = buffer.load %[[A]][%[[E]], %[[I]], %[[I]]]
// CHECK: arith.addi %[[ACC]], %[[X]] : i64
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[E]]]
func.func @main(%a: tensor<2x3x3xi64>) -> tensor<2xi64> {
  %0 = "flow.einsum"(%a) {equation = "...ii"} : (tensor<2x3x3xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// bf16: computed in f32, rounded back after each multiply and add.
// CHECK-LABEL: func.func private @k0_einsum
// CHECK: arith.mulf
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NEXT: arith.extf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to bf16
func.func @main(%a: tensor<3xbf16>, %b: tensor<3xbf16>) -> tensor<bf16> {
  %0 = "flow.einsum"(%a, %b) {equation = "i,i"} : (tensor<3xbf16>, tensor<3xbf16>) -> tensor<bf16>
  return %0 : tensor<bf16>
}
