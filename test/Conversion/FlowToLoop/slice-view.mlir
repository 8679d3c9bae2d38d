// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s
// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop --buffer-plan | FileCheck %s --check-prefix=PLAN

// A Slice that selects a contiguous run of its operand (here the third of three blocks along the
// outermost axis, Q / K / V style) is a buffer.view at a byte offset: no kernel, no buffer.
// 2 * (4 * 8) f32 elements before it: 256 bytes.
// CHECK-LABEL: func.func @outer
// CHECK-NOT: func.call
// CHECK: %[[V:.*]] = buffer.view %arg0 {offset = 256 : i64} : memref<3x4x8xf32> to memref<1x4x8xf32>
// CHECK-NOT: buffer.alloc
// The returned view is copied into the result (a view is never written in place).
// CHECK: call @k{{[0-9]+}}_copy(%[[V]], %arg1)
func.func @outer(%x: tensor<3x4x8xf32>) -> tensor<1x4x8xf32> {
  %s = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "flow.constant"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.slice"(%x, %s, %e, %a) : (tensor<3x4x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x4x8xf32>
  return %0 : tensor<1x4x8xf32>
}

// -----

// Contiguous through a leading single index: x[1, 2:4, :] starts at (1 * 4 + 2) * 16 f32 = 384
// bytes; the view of an intermediate keeps its buffer alive until the view's last reader.
// CHECK-LABEL: func.func @inner
// CHECK: %[[B:.*]] = buffer.alloc() : memref<2x4x16xf32>
// CHECK: call @k{{[0-9]+}}_neg
// CHECK: %[[V:.*]] = buffer.view %[[B]] {offset = 384 : i64} : memref<2x4x16xf32> to memref<1x2x16xf32>
// CHECK: %[[V2:.*]] = buffer.view %[[V]] : memref<1x2x16xf32> to memref<32xf32>
// CHECK: call @k{{[0-9]+}}_exp(%[[V2]],
// PLAN-LABEL: func.func @inner
// PLAN: buffer.alloc() {offset = 0 : i64} : memref<2x4x16xf32>
// PLAN: buffer.view %{{.*}} {offset = 384 : i64}
func.func @inner(%x: tensor<2x4x16xf32>) -> tensor<1x2x16xf32> {
  %s = "flow.constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %e = "flow.constant"() {value = dense<[2, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %a = "flow.constant"() {value = dense<[0, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %n = "flow.neg"(%x) : (tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %0 = "flow.slice"(%n, %s, %e, %a) : (tensor<2x4x16xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x2x16xf32>
  %1 = "flow.exp"(%0) : (tensor<1x2x16xf32>) -> tensor<1x2x16xf32>
  return %1 : tensor<1x2x16xf32>
}

// -----

// Not contiguous: a slice of the last axis (a strided box), a step of 2, and a slice of an inner
// axis under a whole outer one stay gather kernels; so does a contiguous run that does not start
// on a 64-byte boundary (kernel arguments are 64-byte aligned): x[1:2] of 4x8 f32, 32 bytes in.
// CHECK-LABEL: func.func @strided
// CHECK-NOT: buffer.view
// CHECK: call @k{{[0-9]+}}_slice
// CHECK: call @k{{[0-9]+}}_slice
// CHECK: call @k{{[0-9]+}}_slice
// CHECK: call @k{{[0-9]+}}_slice
func.func @strided(%x: tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<2x8xf32>, tensor<4x2xf32>, tensor<1x8xf32>) {
  %s = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "flow.constant"() {value = dense<[4]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a1 = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a0 = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %two = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.slice"(%x, %s, %e, %a1) : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x4xf32>
  %1 = "flow.slice"(%x, %s, %e, %a0, %two) : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x8xf32>
  %e2 = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %2 = "flow.slice"(%x, %s, %e2, %a1) : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x2xf32>
  %e1 = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %3 = "flow.slice"(%x, %a1, %e1, %a0) : (tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x8xf32>
  return %0, %1, %2, %3 : tensor<4x4xf32>, tensor<2x8xf32>, tensor<4x2xf32>, tensor<1x8xf32>
}
