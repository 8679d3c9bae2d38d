// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=fusion' --mlir-print-debuginfo | FileCheck %s

// matmul-add-gemm, with the fused location of both nodes.
// CHECK-LABEL: func.func @gemm
// CHECK: %[[G:.*]] = "flow.gemm"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc(fused["mm", "add"])
// CHECK-NOT: flow.matmul
// CHECK: return %[[G]]
func.func @gemm(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %m = "flow.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32> loc("mm")
  %0 = "flow.add"(%m, %c) : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc("add")
  return %0 : tensor<3x5xf32>
}

// -----

// matmul-add-gemm on a rank-3 activation: views around a gemm (views are no kernels).
// CHECK-LABEL: func.func @gemm3d
// CHECK: "flow.reshape"
// CHECK: "flow.gemm"({{.*}}) : (tensor<6x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<6x5xf32>
// CHECK: "flow.reshape"
// CHECK-NOT: flow.matmul
func.func @gemm3d(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<2x3x5xf32> {
  %m = "flow.matmul"(%a, %b) : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %0 = "flow.add"(%m, %c) : (tensor<2x3x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// ew-fuse / ew-fuse-into: GELU written out is one flow.fused kernel; its location fuses the
// five nodes'.
// CHECK-LABEL: func.func @gelu
// CHECK: %[[F:.*]] = "flow.fused"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) ({
// CHECK: ^bb0(
// CHECK: "flow.div"
// CHECK: "flow.erf"
// CHECK: "flow.add"
// CHECK: "flow.mul"
// CHECK: "flow.mul"
// CHECK: "flow.yield"
// CHECK: }) : (tensor<2x16xf32>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<2x16xf32> loc(fused["div", "erf", "add", "mul1", "mul2"])
// CHECK: return %[[F]]
func.func @gelu(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %s = "flow.constant"() {value = dense<1.41421354> : tensor<f32>} : () -> tensor<f32>
  %one = "flow.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %half = "flow.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %1 = "flow.div"(%x, %s) : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32> loc("div")
  %2 = "flow.erf"(%1) : (tensor<2x16xf32>) -> tensor<2x16xf32> loc("erf")
  %3 = "flow.add"(%2, %one) : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32> loc("add")
  %4 = "flow.mul"(%x, %3) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32> loc("mul1")
  %5 = "flow.mul"(%4, %half) : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32> loc("mul2")
  return %5 : tensor<2x16xf32>
}

// -----

// A producer with two users is not absorbed (it would be computed twice).
// CHECK-LABEL: func.func @shared
// CHECK: %[[A:.*]] = "flow.add"
// CHECK: "flow.relu"(%[[A]])
// CHECK-NOT: flow.fused
func.func @shared(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "flow.add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = "flow.relu"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  return %1, %0 : tensor<4xf32>, tensor<4xf32>
}
