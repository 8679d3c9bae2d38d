// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=redundancy,constant,fusion' | FileCheck %s

// softmax-spelled: exp(x - reduce_max(x)) / reduce_sum(..) over the last axis is one softmax.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[S:.*]] = "flow.softmax"(%arg0) <{axis = 2 : i64}> : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
// CHECK-NOT: flow.reduce
// CHECK-NOT: flow.exp
// CHECK: return %[[S]]
func.func @softmax(%x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %ax = "flow.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %m = "flow.reduce_max"(%x, %ax) {keepdims = 1 : i64} : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  %d = "flow.sub"(%x, %m) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  %e = "flow.exp"(%d) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %s = "flow.reduce_sum"(%e, %ax) {keepdims = 1 : i64} : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  %0 = "flow.div"(%e, %s) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// -----

// softmax-spelled-unshifted over a middle axis, then log-softmax-spelled.
// CHECK-LABEL: func.func @log_softmax
// CHECK: %[[S:.*]] = "flow.log_softmax"(%arg0) <{axis = 1 : i64}> : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
// CHECK-NOT: flow.reduce
// CHECK: return %[[S]]
func.func @log_softmax(%x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "flow.exp"(%x) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %s = "flow.reduce_sum"(%e, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x1x8xf32>
  %q = "flow.div"(%e, %s) : (tensor<2x3x8xf32>, tensor<2x1x8xf32>) -> tensor<2x3x8xf32>
  %0 = "flow.log"(%q) : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// -----

// The other spelling of log-softmax, (x - m) - log(sum exp(x - m)), stays: it is finite where
// exp(x - m) underflows and the op (log of the rounded softmax) is not.
// CHECK-LABEL: func.func @log_softmax_stays
// CHECK-NOT: flow.log_softmax
// CHECK: "flow.reduce_max"
// CHECK: "flow.reduce_sum"
func.func @log_softmax_stays(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %m = "flow.reduce_max"(%x, %ax) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %d = "flow.sub"(%x, %m) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %e = "flow.exp"(%d) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = "flow.reduce_sum"(%e, %ax) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %l = "flow.log"(%s) : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %0 = "flow.sub"(%d, %l) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// layer-norm-spelled, -scale and -bias: LayerNorm as PyTorch exports it before opset 17 (Pow,
// Div) is one layer_normalization with the graph's epsilon, scale and bias.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[L:.*]] = "flow.layer_normalization"(%arg0, %arg1, %arg2) <{axis = 2 : i64, epsilon = 1.000000e-05 : f32}> : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
// CHECK-NOT: flow.reduce_mean
// CHECK: return %[[L]]
func.func @layer_norm(%x: tensor<2x3x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x3x8xf32> {
  %ax = "flow.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %two = "flow.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %eps = "flow.constant"() {value = dense<9.99999974E-6> : tensor<f32>} : () -> tensor<f32>
  %mu = "flow.reduce_mean"(%x, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  %d = "flow.sub"(%x, %mu) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  %q = "flow.pow"(%d, %two) : (tensor<2x3x8xf32>, tensor<f32>) -> tensor<2x3x8xf32>
  %v = "flow.reduce_mean"(%q, %ax) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  %ve = "flow.add"(%v, %eps) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
  %sd = "flow.sqrt"(%ve) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32>
  %n = "flow.div"(%d, %sd) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  %y = "flow.mul"(%n, %g) : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %0 = "flow.add"(%y, %b) : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// -----

// layer-norm-spelled-recip over the last two axes (Mul(d, d), Mul by Reciprocal), no scale or
// bias: the op gets a splat scale of ones.
// CHECK-LABEL: func.func @layer_norm_recip
// CHECK: %[[O:.*]] = "flow.constant"() <{value = dense<1.000000e+00> : tensor<3x8xf32>}>
// CHECK: %[[L:.*]] = "flow.layer_normalization"(%arg0, %[[O]]) <{axis = 1 : i64, epsilon = 1.000000e-03 : f32}> : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
// CHECK-NOT: flow.reduce_mean
// CHECK: return %[[L]]
func.func @layer_norm_recip(%x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %ax = "flow.constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %eps = "flow.constant"() {value = dense<1.0E-3> : tensor<1xf32>} : () -> tensor<1xf32>
  %mu = "flow.reduce_mean"(%x, %ax) : (tensor<2x3x8xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
  %d = "flow.sub"(%x, %mu) : (tensor<2x3x8xf32>, tensor<2x1x1xf32>) -> tensor<2x3x8xf32>
  %q = "flow.mul"(%d, %d) : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %v = "flow.reduce_mean"(%q, %ax) : (tensor<2x3x8xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
  %ve = "flow.add"(%eps, %v) : (tensor<1xf32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %sd = "flow.sqrt"(%ve) : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %r = "flow.reciprocal"(%sd) : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %0 = "flow.mul"(%d, %r) : (tensor<2x3x8xf32>, tensor<2x1x1xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// -----

// The variance as E[x^2] - E[x]^2 (ONNX's own expansion of LayerNormalization) is another
// rounding of the statistics, with cancellation where the mean is large: not rewritten.
// CHECK-LABEL: func.func @layer_norm_moments_stays
// CHECK-NOT: flow.layer_normalization
// CHECK: return
func.func @layer_norm_moments_stays(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %eps = "flow.constant"() {value = dense<9.99999974E-6> : tensor<f32>} : () -> tensor<f32>
  %mu = "flow.reduce_mean"(%x, %ax) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %x2 = "flow.mul"(%x, %x) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %m2 = "flow.reduce_mean"(%x2, %ax) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %mm = "flow.mul"(%mu, %mu) : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %v = "flow.sub"(%m2, %mm) : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %ve = "flow.add"(%v, %eps) : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %sd = "flow.sqrt"(%ve) : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %d = "flow.sub"(%x, %mu) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %0 = "flow.div"(%d, %sd) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// GELU in its tanh form as ONNX's function body spells it (CastLike'd constants, Sum): one
// fused kernel (cast-like-noop, sum-as-add, then ew-fuse).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK: %[[F:.*]] = "flow.fused"(
// CHECK: "flow.pow"
// CHECK: "flow.tanh"
// CHECK: "flow.yield"
// CHECK-NOT: flow.sum
// CHECK-NOT: flow.cast_like
// CHECK: return %[[F]]
func.func @gelu_tanh(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %c0 = "flow.constant"() {value = dense<5.000000e-01> : tensor<f32>} : () -> tensor<f32>
  %h = "flow.cast_like"(%c0, %x) : (tensor<f32>, tensor<3x4xf32>) -> tensor<f32>
  %c1 = "flow.constant"() {value = dense<1.000000e+00> : tensor<f32>} : () -> tensor<f32>
  %one = "flow.cast_like"(%c1, %x) : (tensor<f32>, tensor<3x4xf32>) -> tensor<f32>
  %c2 = "flow.constant"() {value = dense<6.3661975e-01> : tensor<f32>} : () -> tensor<f32>
  %tp = "flow.cast_like"(%c2, %x) : (tensor<f32>, tensor<3x4xf32>) -> tensor<f32>
  %c3 = "flow.constant"() {value = dense<4.471500e-02> : tensor<f32>} : () -> tensor<f32>
  %k = "flow.cast_like"(%c3, %x) : (tensor<f32>, tensor<3x4xf32>) -> tensor<f32>
  %s = "flow.sqrt"(%tp) : (tensor<f32>) -> tensor<f32>
  %c4 = "flow.constant"() {value = dense<3.000000e+00> : tensor<f32>} : () -> tensor<f32>
  %three = "flow.cast_like"(%c4, %x) : (tensor<f32>, tensor<3x4xf32>) -> tensor<f32>
  %p = "flow.pow"(%x, %three) : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  %kp = "flow.mul"(%k, %p) : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %in = "flow.sum"(%x, %kp) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %ins = "flow.mul"(%s, %in) : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %t = "flow.tanh"(%ins) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %t1 = "flow.sum"(%one, %t) : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %hx = "flow.mul"(%h, %x) : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %0 = "flow.mul"(%hx, %t1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
