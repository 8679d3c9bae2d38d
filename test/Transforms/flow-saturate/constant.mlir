// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=constant' | FileCheck %s

// const-fold: constant subgraphs are evaluated by the interpreter.
// CHECK-LABEL: func.func @fold
// CHECK: %[[C:.*]] = "flow.constant"() <{value = dense<[4.000000e+00, 9.000000e+00]> : tensor<2xf32>}>
// CHECK-NOT: flow.add
// CHECK-NOT: flow.mul
// CHECK: return %[[C]]
func.func @fold() -> tensor<2xf32> {
  %a = "flow.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "flow.constant"() {value = dense<[1.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "flow.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = "flow.mul"(%0, %0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----

// conv-bn-fold: s = 2 / sqrt(3 + 1) = 1, bias = (0.5 - 1) * 1 + 0.25.
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: %[[W:.*]] = "flow.constant"() <{value = dense<{{\[\[\[\[}}2.000000e+00]]]]> : tensor<1x1x1x1xf32>}>
// CHECK-DAG: %[[B:.*]] = "flow.constant"() <{value = dense<[-2.500000e-01]> : tensor<1xf32>}>
// CHECK: %[[C:.*]] = "flow.conv"(%{{.*}}, %[[W]], %[[B]])
// CHECK-NOT: flow.batch_normalization
// CHECK: return %[[C]]
func.func @conv_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %w = "flow.constant"() {value = dense<2.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %b = "flow.constant"() {value = dense<[0.5]> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = "flow.conv"(%x, %w, %b) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  %g = "flow.constant"() {value = dense<[2.0]> : tensor<1xf32>} : () -> tensor<1xf32>
  %be = "flow.constant"() {value = dense<[0.25]> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = "flow.constant"() {value = dense<[1.0]> : tensor<1xf32>} : () -> tensor<1xf32>
  %v = "flow.constant"() {value = dense<[3.0]> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = "flow.batch_normalization"(%c, %g, %be, %m, %v) {epsilon = 1.0 : f32} : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// conv-mul-fold then conv-add-fold: per-channel scale and shift end in the weights and bias.
// CHECK-LABEL: func.func @conv_affine
// CHECK: "flow.conv"
// CHECK-NOT: flow.mul
// CHECK-NOT: flow.add
// CHECK: return
func.func @conv_affine(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = "flow.constant"() {value = dense<1.0> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
  %c = "flow.conv"(%x, %w) : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %k = "flow.constant"() {value = dense<[[[2.0]], [[0.5]]]> : tensor<2x1x1xf32>} : () -> tensor<2x1x1xf32>
  %0 = "flow.mul"(%c, %k) : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %1 = "flow.add"(%0, %k) : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}

// -----

// matmul-mul-fold: a per-column scale ends in the weights.
// CHECK-LABEL: func.func @matmul_scale
// CHECK: %[[W:.*]] = "flow.constant"() <{value = dense<{{\[}}[2.000000e+00, 1.000000e+00], [6.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>}>
// CHECK: %[[M:.*]] = "flow.matmul"(%{{.*}}, %[[W]])
// CHECK-NOT: flow.mul
// CHECK: return %[[M]]
func.func @matmul_scale(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = "flow.constant"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %m = "flow.matmul"(%x, %w) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %k = "flow.constant"() {value = dense<[2.0, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "flow.mul"(%m, %k) : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
