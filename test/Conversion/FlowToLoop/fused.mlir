// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// A flow.fused region of elementwise ops is ONE kernel: one loop nest that loads each operand
// once per element (broadcast operands at index 0 of their size-1 dims), evaluates the chain in
// registers and stores only the result. No buffer is allocated for the intermediates.

// CHECK-LABEL: func.func private @k0_fused
// CHECK-SAME: (%[[X:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<4x8xf32>)
// CHECK: loop.parallel
// CHECK: loop.for
// CHECK: %[[XV:.*]] = buffer.load %[[X]]
// CHECK: %[[BV:.*]] = buffer.load %[[B]]
// CHECK: %[[S:.*]] = arith.addf %[[XV]], %[[BV]] : f32
// CHECK: %[[E:.*]] = math.exp %[[S]] : f32
// CHECK: %[[M:.*]] = arith.mulf %[[E]], %[[XV]] : f32
// CHECK-NOT: buffer.store
// CHECK: buffer.store %[[M]], %[[OUT]]
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @main
// CHECK-NOT: buffer.alloc
// CHECK: call @k0_fused(%{{.*}}, %{{.*}}, %{{.*}})
// CHECK-NEXT: return
func.func @main(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = "flow.fused"(%x, %b) ({
  ^bb0(%a0: tensor<4x8xf32>, %a1: tensor<8xf32>):
    %1 = "flow.add"(%a0, %a1) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %2 = "flow.exp"(%1) : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %3 = "flow.mul"(%2, %a0) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    "flow.yield"(%3) : (tensor<4x8xf32>) -> ()
  }) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// GELU written out, fused by flow-saturate: erf and the products in one kernel.

// CHECK-LABEL: func.func private @k0_fused
// CHECK: arith.divf
// CHECK: math.erf
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: buffer.store
// CHECK-LABEL: func.func @main
// CHECK: call @k0_fused
func.func @main(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %s = "flow.constant"() {value = dense<1.41421354> : tensor<f32>} : () -> tensor<f32>
  %one = "flow.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %half = "flow.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %0 = "flow.fused"(%x, %s, %one, %half) ({
  ^bb0(%a: tensor<2x16xf32>, %c0: tensor<f32>, %c1: tensor<f32>, %c2: tensor<f32>):
    %1 = "flow.div"(%a, %c0) : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
    %2 = "flow.erf"(%1) : (tensor<2x16xf32>) -> tensor<2x16xf32>
    %3 = "flow.add"(%2, %c1) : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
    %4 = "flow.mul"(%a, %3) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
    %5 = "flow.mul"(%4, %c2) : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
    "flow.yield"(%5) : (tensor<2x16xf32>) -> ()
  }) : (tensor<2x16xf32>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

