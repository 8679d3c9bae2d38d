// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// BitCast: load, arith.bitcast to the result's storage type, store.
// CHECK-LABEL: func.func private @k0_bit_cast
// CHECK: %[[V:.*]] = buffer.load %arg0
// CHECK: %[[B:.*]] = arith.bitcast %[[V]] : f32 to i32
// CHECK: buffer.store %[[B]], %arg1

// TopK: a task per (outer, inner) position; k selection scans carrying the last value / index
// taken (NaN ranks highest, ties go to the lower index).
// CHECK-LABEL: func.func private @k1_top_k
// CHECK-SAME: (%{{.*}}: memref<2x3x1xf32>, %{{.*}}: memref<2x2x1xf32>, %{{.*}}: memref<2x2x1xi64>)
// CHECK: loop.parallel
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32, index)
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32, index)
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: arith.select
// CHECK: buffer.store %{{.*}}, %arg1
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: buffer.store %{{.*}}, %arg2

// HannWindow: the f64 values computed at compile time, converted by the kernel.
// CHECK: buffer.global @cst0 : memref<5xf64> = dense<[0.000000e+00, 3.454915028125263e-01, 9.045084971874736e-01, 9.045084971874738e-01, 3.4549150281252644e-01]>
// CHECK-LABEL: func.func private @k2_window
// CHECK: arith.truncf %{{.*}} : f64 to f32

// CenterCropPad: crop rows (offset +1), pad columns (offset -1): the padded axis is bounds
// checked and clamped, the cropped one is not.
// CHECK-LABEL: func.func private @k3_center_crop_pad
// CHECK: %[[R:.*]] = arith.addi %arg2, %{{.*}} : index
// CHECK: %[[C:.*]] = arith.addi %arg3, %{{.*}} : index
// CHECK: arith.cmpi sge, %[[C]]
// CHECK: arith.cmpi slt, %[[C]]
// CHECK: %[[L:.*]] = buffer.load %arg0[%[[R]], %{{.*}}] : memref<4x2xi32>
// CHECK: arith.select %{{.*}}, %[[L]], %{{.*}} : i32
// CHECK-LABEL: func.func @main
// CHECK: call @k0_bit_cast(%arg0, %arg4)
// CHECK: call @k1_top_k
// CHECK: buffer.get_global @cst0
// CHECK: call @k2_window
// CHECK: call @k3_center_crop_pad(%arg3, %arg8)
func.func @main(%x: tensor<2x3xf32>, %k: tensor<1xi64>, %s: tensor<i64>, %c: tensor<4x2xi32>) -> (tensor<2x3xi32>, tensor<2x2xf32>, tensor<2x2xi64>, tensor<5xf32>, tensor<2x4xi32>) {
  %0 = "flow.bit_cast"(%x) {to = 6 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi32>
  %1:2 = "flow.top_k"(%x, %k) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> (tensor<2x2xf32>, tensor<2x2xi64>)
  %2 = "flow.hann_window"(%s) : (tensor<i64>) -> tensor<5xf32>
  %sh = "flow.constant"() {value = dense<[2, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %3 = "flow.center_crop_pad"(%c, %sh) : (tensor<4x2xi32>, tensor<2xi64>) -> tensor<2x4xi32>
  return %0, %1#0, %1#1, %2, %3 : tensor<2x3xi32>, tensor<2x2xf32>, tensor<2x2xi64>, tensor<5xf32>, tensor<2x4xi32>
}
