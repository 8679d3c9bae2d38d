// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// MaxUnpool: zero-fill, then one sequential scatter; each index is split by the inferred shape
// 1x1x4x4 and re-placed in the result 1x1x5x5, skipped when out of range or outside it.
// CHECK-LABEL: func.func private @k0_max_unpool
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[I:.*]]: memref<4xi64>, %[[Y:.*]]: memref<25xf32>)
// CHECK-NOT: loop.parallel
// CHECK: buffer.store %{{.*}}, %[[Y]]
// CHECK: loop.for %[[K:.*]] =
// CHECK: buffer.load %[[I]][%[[K]]]
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: arith.remsi
// CHECK: arith.divsi
// CHECK: loop.if
// CHECK: %[[V:.*]] = buffer.load %[[X]][%[[K]]]
// CHECK: buffer.store %[[V]], %[[Y]]
func.func @main(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) -> tensor<1x1x5x5xf32> {
  %s = "flow.constant"() {value = dense<[1, 1, 5, 5]> : tensor<4xi64>} : () -> tensor<4xi64>
  %0 = "flow.max_unpool"(%x, %i, %s) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<4xi64>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}
