// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// Transpose: a gather over the result, the input read through the inverse permutation.
// CHECK-LABEL: func.func private @k0_transpose
// CHECK: loop.parallel (%[[A:.*]], %[[B:.*]]) =
// CHECK: loop.for %[[C:.*]] =
// CHECK: buffer.load %arg0[%[[B]], %[[C]], %[[A]]] : memref<2x3x4xf32>
// CHECK: buffer.store %{{.*}}, %arg1[%[[A]], %[[B]], %[[C]]] : memref<4x2x3xf32>

// Concat: one kernel per input, each copying contiguous slabs to its offset along the axis.
// CHECK-LABEL: func.func private @k1_concat
// CHECK-SAME: (%{{.*}}: memref<2x12xf32>, %{{.*}}: memref<2x20xf32>)
// CHECK-LABEL: func.func private @k2_concat
// CHECK-SAME: (%{{.*}}: memref<2x8xf32>, %{{.*}}: memref<2x20xf32>)
// CHECK: %[[OFF:.*]] = arith.constant 12 : index
// CHECK: arith.addi %{{.*}}, %[[OFF]] : index

// Gather with runtime indices: negative ones wrap, all are clamped into range.
// CHECK-LABEL: func.func private @k3_gather
// CHECK: %[[X:.*]] = buffer.load %arg1[%{{.*}}] : memref<5xi64>
// CHECK: %[[J:.*]] = arith.index_cast %[[X]] : i64 to index
// CHECK: arith.cmpi slt, %[[J]]
// CHECK: arith.maxsi
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: buffer.load %arg0[%{{.*}}, %[[K]], %{{.*}}] : memref<2x3x4xf32>

// Slice with constant starts / steps: affine indices.
// CHECK-LABEL: func.func private @k4_slice
// CHECK: loop.for %[[K:.*]] =
// CHECK: arith.addi
// CHECK: arith.muli %[[K]]
// CHECK: buffer.load %arg0

// Reflect padding: Euclidean remainder by the period, mirrored.
// CHECK-LABEL: func.func private @k5_pad
// CHECK: arith.remsi
// CHECK: arith.cmpi sge
// CHECK: arith.subi
// CHECK: buffer.load %arg0

// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]] = buffer.view %arg4 : memref<2x5x4xf32> to memref<2x20xf32>
// CHECK: call @k1_concat(%{{.*}}, %[[Y]])
// CHECK: call @k2_concat(%{{.*}}, %[[Y]])
func.func @main(%a: tensor<2x3x4xf32>, %b: tensor<2x2x4xf32>, %i: tensor<5xi64>) -> (tensor<4x2x3xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x2x2xf32>, tensor<2x3x8xf32>) {
  %st = "flow.constant"() {value = dense<[1, 0]> : tensor<2xi64>} : () -> tensor<2xi64>
  %en = "flow.constant"() {value = dense<[3, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %ax = "flow.constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %sp = "flow.constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %pads = "flow.constant"() {value = dense<[0, 0, 2, 0, 0, 2]> : tensor<6xi64>} : () -> tensor<6xi64>
  %0 = "flow.transpose"(%a) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = "flow.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2x4xf32>) -> tensor<2x5x4xf32>
  %2 = "flow.gather"(%a, %i) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
  %3 = "flow.slice"(%a, %st, %en, %ax, %sp) : (tensor<2x3x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2x2xf32>
  %4 = "flow.pad"(%a, %pads) {mode = "reflect"} : (tensor<2x3x4xf32>, tensor<6xi64>) -> tensor<2x3x8xf32>
  return %0, %1, %2, %3, %4 : tensor<4x2x3xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x2x2xf32>, tensor<2x3x8xf32>
}
