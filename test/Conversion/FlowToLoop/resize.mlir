// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// Constant scales: the taps of each resized axis (H, then W) are compile-time tables; a kernel
// per axis, f64 in between, saturating conversion into the element type at the end.
// CHECK: buffer.global @cst0 : memref<8x2xi32> = dense<{{\[\[}}0, 0], [0, 1], [0, 1], [1, 2]
// CHECK: buffer.global @cst1 : memref<8x2xf64> = dense<{{\[\[}}2.500000e-01, 7.500000e-01]
// CHECK-LABEL: func.func private @k0_resize
// CHECK-SAME: (%{{.*}}: memref<1x4x4xf32>, %{{.*}}: memref<8x2xi32>, %{{.*}}: memref<8x2xf64>, %{{.*}}: memref<1x8x4xf64>)
// CHECK: loop.parallel
// CHECK: iter_args({{.*}}) -> (f64)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-LABEL: func.func private @k1_resize
// CHECK-SAME: memref<8x4x1xf64>
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.truncf %{{.*}} : f64 to f32

// Runtime scales: one task computes the tables of every axis from the scales input, then the
// same per-axis kernels read them (axes of size 1 included: their scale is not known).
// CHECK-LABEL: func.func private @k2_resize_taps
// CHECK-SAME: (%{{.*}}: memref<4xf32>,
// CHECK-NOT: loop.parallel
// CHECK: buffer.load %arg0
// CHECK: math.floor
// CHECK: arith.fptosi
// CHECK: buffer.store %{{.*}}, %arg1
// CHECK-LABEL: func.func private @k3_resize
// CHECK-LABEL: func.func @main
// CHECK: call @k0_resize
// CHECK: call @k1_resize
// CHECK: call @k2_resize_taps
func.func @main(%x: tensor<1x1x4x4xf32>, %s: tensor<4xf32>) -> (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) {
  %c = "flow.constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %n = "flow.none"() : () -> none
  %0 = "flow.resize"(%x, %n, %c) {mode = "linear"} : (tensor<1x1x4x4xf32>, none, tensor<4xf32>) -> tensor<1x1x8x8xf32>
  %1 = "flow.resize"(%x, %n, %s) {mode = "nearest"} : (tensor<1x1x4x4xf32>, none, tensor<4xf32>) -> tensor<1x1x8x8xf32>
  return %0, %1 : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>
}
