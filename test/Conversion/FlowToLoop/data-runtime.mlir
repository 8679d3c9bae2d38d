// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// Slice with runtime starts / axes / steps: the kernel reads them, normalizes each start
// (negative from the end), clamps it by the step's sign, selects it for the dim its axis names,
// and clamps the source index into the input.
// CHECK-LABEL: func.func private @k0_slice
// CHECK-SAME: (%[[X:.*]]: memref<2x3x4xf32>, %[[S:.*]]: memref<2xi64>, %[[A:.*]]: memref<2xi64>, %[[P:.*]]: memref<2xi64>, %[[Y:.*]]: memref<2x2x2xf32>)
// CHECK: buffer.load %[[A]]
// CHECK: arith.cmpi eq
// CHECK: buffer.load %[[S]]
// CHECK: buffer.load %[[P]]
// CHECK: arith.cmpi sgt
// CHECK: arith.select
// CHECK: arith.muli
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: buffer.load %[[X]]

// Pad with runtime pads and axes: each dim's leading pad is selected by axis, subtracted from
// the output index; outside the input the constant operand is stored.
// CHECK-LABEL: func.func private @k1_pad
// CHECK-SAME: (%[[X:.*]]: memref<2x3x4xf32>, %[[C:.*]]: memref<1xf32>, %[[Q:.*]]: memref<2xi64>, %[[A:.*]]: memref<1xi64>, %[[Y:.*]]: memref<2x3x7xf32>)
// CHECK: buffer.load %[[A]]
// CHECK: buffer.load %[[Q]]
// CHECK: arith.select
// CHECK: %[[P:.*]] = arith.subi
// CHECK: arith.cmpi sge, %[[P]]
// CHECK: buffer.load %[[X]]
// CHECK: %[[V:.*]] = buffer.load %[[C]]
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[V]]
func.func @main(%a: tensor<2x3x4xf32>, %st: tensor<2xi64>, %ax: tensor<2xi64>, %sp: tensor<2xi64>, %pads: tensor<2xi64>, %pax: tensor<1xi64>, %c: tensor<1xf32>) -> (tensor<2x2x2xf32>, tensor<2x3x7xf32>) {
  %en = "flow.constant"() {value = dense<[3, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "flow.slice"(%a, %st, %en, %ax, %sp) : (tensor<2x3x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2x2xf32>
  %1 = "flow.pad"(%a, %pads, %c, %pax) {mode = "constant"} : (tensor<2x3x4xf32>, tensor<2xi64>, tensor<1xf32>, tensor<1xi64>) -> tensor<2x3x7xf32>
  return %0, %1 : tensor<2x2x2xf32>, tensor<2x3x7xf32>
}
