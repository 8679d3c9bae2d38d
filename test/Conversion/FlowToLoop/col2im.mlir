// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// Col2Im with a runtime block shape: parallel over (batch, channel); an f64 stack image is
// zeroed, the block dims are read (at least 1) and give the sliding positions per dim; loops
// with runtime bounds over block then sliding positions add the input in f64 where the image
// position is inside; the image is rounded to f32 once.
// CHECK-LABEL: func.func private @k0_col2im
// CHECK-SAME: (%[[X:.*]]: memref<1x4x9xf32>, %[[K:.*]]: memref<2xi64>, %[[Y:.*]]: memref<1x1x16xf32>)
// CHECK: loop.parallel (%[[B:.*]], %[[C:.*]]) =
// CHECK: %[[ACC:.*]] = buffer.alloca() : memref<16xf64>
// CHECK: buffer.load %[[K]]
// CHECK: arith.maxsi
// CHECK: arith.divsi
// CHECK: loop.for
// CHECK: loop.for
// CHECK: loop.for
// CHECK: loop.for
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: loop.if
// CHECK: buffer.load %[[X]][%[[B]]
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: buffer.store %{{.*}}, %[[ACC]]
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[B]], %[[C]], %{{.*}}]
func.func @main(%x: tensor<1x4x9xf32>, %k: tensor<2xi64>) -> tensor<1x1x4x4xf32> {
  %s = "flow.constant"() {value = dense<[4, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "flow.col2_im"(%x, %s, %k) : (tensor<1x4x9xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
