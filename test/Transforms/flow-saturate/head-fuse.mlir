// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=redundancy,constant,fusion' --mlir-print-debuginfo | FileCheck %s
// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=redundancy,constant,fusion explain=true' 2>&1 >/dev/null | FileCheck %s --check-prefix=EXPLAIN

// head-fuse: a conv and its single-use elementwise tail become one flow.fused kernel whose
// first op is the conv (convert-flow-to-loop applies the tail as the conv's epilogue).
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[F:.*]] = "flow.fused"(%arg0, %arg1, %arg2) ({
// CHECK-NEXT: ^bb0(%[[X:[a-z0-9]+]]: tensor<1x3x8x8xf32> {{.*}}, %[[W:[a-z0-9]+]]: tensor<4x3x3x3xf32> {{.*}}, %[[B:[a-z0-9]+]]: tensor<4xf32> {{.*}}):
// CHECK-NEXT: %[[C:.*]] = "flow.conv"(%[[X]], %[[W]], %[[B]])
// CHECK-NEXT: %[[R:.*]] = "flow.relu"(%[[C]])
// CHECK-NEXT: "flow.yield"(%[[R]])
// CHECK-NEXT: }) : {{.*}} loc(fused["conv", "relu"])
// CHECK-NEXT: return %[[F]]
// EXPLAIN: loc("relu"): remark: flow-saturate: 'flow.relu' is now computed by 'flow.fused' [conv, relu]: head-fuse
func.func @conv_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %0 = "flow.conv"(%x, %w, %b) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> loc("conv")
  %1 = "flow.relu"(%0) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("relu")
  return %1 : tensor<1x4x6x6xf32>
}

// -----

// ResNet's block end: conv + BatchNormalization (folded into the conv's weights, constant
// set) + residual Add + ReLU is one kernel; the residual is an operand of the output's shape.
// CHECK-LABEL: func.func @residual
// CHECK: "flow.fused"(%arg0, %{{.*}}, %{{.*}}, %arg1) ({
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: %[[C:.*]] = "flow.conv"
// CHECK-NEXT: %[[A:.*]] = "flow.add"(%[[C]], %{{.*}})
// CHECK-NEXT: %[[R:.*]] = "flow.relu"(%[[A]])
// CHECK-NEXT: "flow.yield"(%[[R]])
// CHECK-NOT: flow.batch_normalization
// EXPLAIN: loc("relu2"): remark: flow-saturate: 'flow.relu' is now computed by 'flow.fused' [conv, add, relu]: conv-bn-fold -> head-fuse -> ew-fuse
func.func @residual(%x: tensor<1x4x6x6xf32>, %r: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<4x4x3x3xf32>} : () -> tensor<4x4x3x3xf32>
  %s = "flow.constant"() {value = dense<[1.0, 2.0, 0.5, 1.5]> : tensor<4xf32>} : () -> tensor<4xf32>
  %bb = "flow.constant"() {value = dense<[0.0, 1.0, -1.0, 0.5]> : tensor<4xf32>} : () -> tensor<4xf32>
  %m = "flow.constant"() {value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>} : () -> tensor<4xf32>
  %v = "flow.constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = "flow.conv"(%x, %w) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> loc("conv")
  %1 = "flow.batch_normalization"(%0, %s, %bb, %m, %v) : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> loc("bn")
  %2 = "flow.add"(%1, %r) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("add")
  %3 = "flow.relu"(%2) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("relu2")
  return %3 : tensor<1x4x6x6xf32>
}

// -----

// MatMul + bias Add becomes a Gemm (matmul-add-gemm), which heads the Clip (ReLU6): one
// kernel, the Clip's scalar bounds are operands.
// CHECK-LABEL: func.func @gemm_relu6
// CHECK: "flow.fused"(%arg0, %arg1, %arg2, %{{.*}}, %{{.*}}) ({
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: %[[G:.*]] = "flow.gemm"
// CHECK-NEXT: %[[C:.*]] = "flow.clip"(%[[G]], %{{.*}}, %{{.*}})
// CHECK-NEXT: "flow.yield"(%[[C]])
// CHECK: loc(fused[{{.*}}"mm"{{.*}}"clip"])
// CHECK-NOT: flow.matmul
// EXPLAIN: loc("clip"): remark: flow-saturate: 'flow.clip' is now computed by 'flow.fused' [gemm, clip]: matmul-add-gemm -> head-fuse
func.func @gemm_relu6(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %c: tensor<32xf32>) -> tensor<8x32xf32> {
  %lo = "flow.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %hi = "flow.constant"() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
  %m = "flow.matmul"(%a, %b) : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32> loc("mm")
  %0 = "flow.add"(%m, %c) : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> loc("add")
  %1 = "flow.clip"(%0, %lo, %hi) : (tensor<8x32xf32>, tensor<f32>, tensor<f32>) -> tensor<8x32xf32> loc("clip")
  return %1 : tensor<8x32xf32>
}

// -----

// A head used twice is not absorbed (it would be computed twice), nor is one whose tail reads
// an operand that broadcasts (a Mul by a per-column vector).
// CHECK-LABEL: func.func @not_fused
// CHECK: %[[M:.*]] = "flow.matmul"
// CHECK: "flow.sigmoid"(%[[M]])
// CHECK: %[[M2:.*]] = "flow.matmul"
// CHECK: "flow.mul"(%[[M2]], %arg2)
// CHECK-NOT: flow.fused
func.func @not_fused(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %s: tensor<32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>) {
  %m = "flow.matmul"(%a, %b) : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %1 = "flow.sigmoid"(%m) : (tensor<8x32xf32>) -> tensor<8x32xf32>
  %m2 = "flow.matmul"(%a, %b) {note = "again"} : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %2 = "flow.mul"(%m2, %s) : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  return %1, %m, %2 : tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// A rank-3 MatMul + bias is a Gemm between reshapes (matmul-add-gemm); the Gemm, seen
// through the reshape, heads the residual Add (BERT's attention output / FFN end).
// CHECK-LABEL: func.func @gemm_view_residual
// CHECK: "flow.fused"(%{{.*}}, %arg1, %arg2, %{{.*}}, %arg3) ({
// CHECK-NEXT: ^bb0(
// CHECK-NEXT: %[[G:.*]] = "flow.gemm"({{.*}}) : (tensor<6x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<6x5xf32>
// CHECK-NEXT: %[[V:.*]] = "flow.reshape"(%[[G]], %{{.*}}) : (tensor<6x5xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
// CHECK-NEXT: %[[A:.*]] = "flow.add"(%[[V]], %{{.*}})
// CHECK-NEXT: "flow.yield"(%[[A]])
// CHECK-NOT: flow.matmul
func.func @gemm_view_residual(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>, %r: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %m = "flow.matmul"(%a, %b) : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %0 = "flow.add"(%m, %c) : (tensor<2x3x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  %1 = "flow.add"(%0, %r) : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %1 : tensor<2x3x5xf32>
}
