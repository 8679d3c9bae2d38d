// RUN: flowc-opt %s --split-input-file --flow-saturate | FileCheck %s
// RUN: flowc-opt %s --split-input-file --flow-saturate='explain=true' 2>&1 >/dev/null | FileCheck %s --check-prefix=EXPLAIN
// RUN: flowc-opt %s --split-input-file --flow-saturate='rules=redundancy,algebra,constant,fusion' | FileCheck %s --check-prefix=OFF

// The layout rules (default on, cpu target). A model converted from TensorFlow: a Transpose
// NHWC -> NCHW before every Conv and back after it, ReLU and a per-channel scale in NHWC.
// conv-to-nhwc and transpose-compose turn every pair into nothing: three NHWC convs, each
// heading its ReLU (the scale folded into the second conv's weights, conv-mul-fold reading the
// NHWC channel axis); the function still takes and returns NHWC.
// CHECK-LABEL: func.func @tf_chain
// CHECK-SAME: (%arg0: tensor<1x12x12x8xf32>) -> tensor<1x6x6x16xf32>
// CHECK-NOT: flow.transpose
// CHECK: %[[A:.*]] = "flow.fused"(%arg0,
// CHECK: "flow.conv"({{.*}}layout = "NHWC", pads = array<i64: 1, 1, 1, 1>}> : (tensor<1x12x12x8xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x12x12x16xf32>
// CHECK-NEXT: "flow.relu"
// CHECK: %[[B:.*]] = "flow.fused"(%[[A]],
// CHECK: "flow.conv"({{.*}}layout = "NHWC", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}>
// CHECK-NEXT: "flow.relu"
// CHECK: %[[C:.*]] = "flow.fused"(%[[B]],
// CHECK: "flow.conv"({{.*}}layout = "NHWC"}> : (tensor<1x6x6x16xf32>, tensor<16x16x1x1xf32>) -> tensor<1x6x6x16xf32>
// CHECK-NEXT: "flow.relu"
// CHECK-NOT: flow.transpose
// CHECK-NOT: flow.mul
// CHECK: return %[[C]] : tensor<1x6x6x16xf32>
// The convs that vanished into NHWC ones say so; the ReLU after the first conv names the
// transposes' cancellation.
// EXPLAIN-DAG: loc("conv3"): remark: flow-saturate: 'flow.conv' is now computed in NHWC: {{.*}}: conv-to-nhwc
// EXPLAIN-DAG: loc("conv1"): remark: flow-saturate: 'flow.conv' is now computed in NHWC: {{.*}}: conv-to-nhwc
// Without the layout set: six transposes, three NCHW convs.
// OFF-LABEL: func.func @tf_chain
// OFF-COUNT-6: "flow.transpose"
// OFF-NOT: layout = "NHWC"
// OFF: return
func.func @tf_chain(%x: tensor<1x12x12x8xf32>) -> tensor<1x6x6x16xf32> {
  %w1 = "flow.constant"() {value = dense<0.5> : tensor<16x8x3x3xf32>} : () -> tensor<16x8x3x3xf32>
  %b1 = "flow.constant"() {value = dense<0.1> : tensor<16xf32>} : () -> tensor<16xf32>
  %w2 = "flow.constant"() {value = dense<0.25> : tensor<16x16x3x3xf32>} : () -> tensor<16x16x3x3xf32>
  %b2 = "flow.constant"() {value = dense<0.2> : tensor<16xf32>} : () -> tensor<16xf32>
  %w3 = "flow.constant"() {value = dense<0.125> : tensor<16x16x1x1xf32>} : () -> tensor<16x16x1x1xf32>
  %s = "flow.constant"() {value = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<16xf32>} : () -> tensor<16xf32>
  %t0 = "flow.transpose"(%x) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x12x12x8xf32>) -> tensor<1x8x12x12xf32>
  %c1 = "flow.conv"(%t0, %w1, %b1) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x12xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x12x12xf32> loc("conv1")
  %t1 = "flow.transpose"(%c1) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x12x12xf32>) -> tensor<1x12x12x16xf32>
  %r1 = "flow.relu"(%t1) : (tensor<1x12x12x16xf32>) -> tensor<1x12x12x16xf32>
  %t2 = "flow.transpose"(%r1) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x12x12x16xf32>) -> tensor<1x16x12x12xf32>
  %c2 = "flow.conv"(%t2, %w2, %b2) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x16x12x12xf32>, tensor<16x16x3x3xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
  %t3 = "flow.transpose"(%c2) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x6x6xf32>) -> tensor<1x6x6x16xf32>
  %m = "flow.mul"(%t3, %s) : (tensor<1x6x6x16xf32>, tensor<16xf32>) -> tensor<1x6x6x16xf32>
  %r2 = "flow.relu"(%m) : (tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %t4 = "flow.transpose"(%r2) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x16xf32>) -> tensor<1x16x6x6xf32>
  %c3 = "flow.conv"(%t4, %w3) : (tensor<1x16x6x6xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x6x6xf32> loc("conv3")
  %t5 = "flow.transpose"(%c3) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x6x6xf32>) -> tensor<1x6x6x16xf32>
  %r3 = "flow.relu"(%t5) : (tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  return %r3 : tensor<1x6x6x16xf32>
}

// -----

// Convs in NCHW between a Transpose at the input and one at the output, with a ReLU and a
// per-channel [C, 1, 1] Add (not foldable: after the ReLU) between them: transpose-hoist moves
// the transposes through the ReLU and the Add (whose operand is permuted to [1, 1, 1, C] and
// folded), so they meet the convs' and cancel: both convs run NHWC and no transpose is left.
// CHECK-LABEL: func.func @mixed
// CHECK-NOT: flow.transpose
// CHECK: %[[C1:.*]] = "flow.conv"(%arg0, %{{.*}}) <{layout = "NHWC", pads = array<i64: 1, 1, 1, 1>}> : (tensor<1x12x12x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x12x12x16xf32>
// CHECK: %[[F:.*]] = "flow.fused"(%[[C1]], %{{.*}}) ({
// CHECK-NEXT: ^bb0(%{{.*}}: tensor<1x12x12x16xf32>{{.*}}, %{{.*}}: tensor<1x1x1x16xf32>
// CHECK-NEXT: "flow.relu"
// CHECK-NEXT: "flow.add"
// CHECK: %[[C2:.*]] = "flow.conv"(%[[F]], %{{.*}}) <{layout = "NHWC", pads = array<i64: 1, 1, 1, 1>}>
// CHECK-NOT: flow.transpose
// CHECK: return %[[C2]] : tensor<1x12x12x16xf32>
// EXPLAIN-DAG: loc("conv2"): remark: flow-saturate: 'flow.conv' is now computed in NHWC: {{.*}}: conv-to-nhwc
// OFF-LABEL: func.func @mixed
// OFF-COUNT-2: "flow.transpose"
// OFF-NOT: layout = "NHWC"
func.func @mixed(%x: tensor<1x12x12x8xf32>) -> tensor<1x12x12x16xf32> {
  %w1 = "flow.constant"() {value = dense<0.5> : tensor<16x8x3x3xf32>} : () -> tensor<16x8x3x3xf32>
  %w2 = "flow.constant"() {value = dense<0.25> : tensor<16x16x3x3xf32>} : () -> tensor<16x16x3x3xf32>
  %s = "flow.constant"() {value = dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]], [[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]]]> : tensor<16x1x1xf32>} : () -> tensor<16x1x1xf32>
  %t0 = "flow.transpose"(%x) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x12x12x8xf32>) -> tensor<1x8x12x12xf32> loc("t0")
  %c1 = "flow.conv"(%t0, %w1) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x12xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x12x12xf32> loc("conv1")
  %r1 = "flow.relu"(%c1) : (tensor<1x16x12x12xf32>) -> tensor<1x16x12x12xf32> loc("relu1")
  %m = "flow.add"(%r1, %s) : (tensor<1x16x12x12xf32>, tensor<16x1x1xf32>) -> tensor<1x16x12x12xf32> loc("add")
  %c2 = "flow.conv"(%m, %w2) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x12x12xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x12x12xf32> loc("conv2")
  %t1 = "flow.transpose"(%c2) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x12x12xf32>) -> tensor<1x12x12x16xf32> loc("t1")
  return %t1 : tensor<1x12x12x16xf32>
}

// -----

// A TensorFlow-style depthwise conv (MobileNet's): the NHWC depthwise kernel computes it, the
// transposes vanish and the ReLU is its epilogue.
// CHECK-LABEL: func.func @tf_depthwise
// CHECK-NOT: flow.transpose
// CHECK: %[[F:.*]] = "flow.fused"(%arg0, %{{.*}}) ({
// CHECK: "flow.conv"({{.*}}<{group = 16 : i64, layout = "NHWC", pads = array<i64: 1, 1, 1, 1>}>
// CHECK-NEXT: "flow.relu"
// CHECK-NOT: flow.transpose
// CHECK: return %[[F]]
// EXPLAIN-DAG: loc("dw"): remark: flow-saturate: 'flow.conv' is now computed in NHWC: {{.*}}: conv-to-nhwc
func.func @tf_depthwise(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x1x3x3xf32>} : () -> tensor<16x1x3x3xf32>
  %t0 = "flow.transpose"(%x) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x16xf32>) -> tensor<1x16x8x8xf32> loc("dw_t0")
  %c = "flow.conv"(%t0, %w) {group = 16 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x8x8xf32> loc("dw")
  %t1 = "flow.transpose"(%c) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x8x8xf32>) -> tensor<1x8x8x16xf32> loc("dw_t1")
  %r = "flow.relu"(%t1) : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> loc("dw_relu")
  return %r : tensor<1x8x8x16xf32>
}

// -----

// A grouped conv that is not depthwise (2 groups): no NHWC kernel but the direct loop nest, so
// conv-to-nhwc does not fire and the transposes around it stay; transpose-hoist moves the ReLU
// before the output transpose, where it becomes the conv's epilogue.
// CHECK-LABEL: func.func @tf_grouped
// CHECK: %[[T:.*]] = "flow.transpose"(%arg0) <{perm = array<i64: 0, 3, 1, 2>}>
// CHECK: %[[F:.*]] = "flow.fused"(%[[T]], %{{.*}}) ({
// CHECK: "flow.conv"({{.*}}<{group = 2 : i64, pads = array<i64: 1, 1, 1, 1>}>
// CHECK-NEXT: "flow.relu"
// CHECK: %[[U:.*]] = "flow.transpose"(%[[F]]) <{perm = array<i64: 0, 2, 3, 1>}>
// CHECK: return %[[U]]
// EXPLAIN-DAG: loc("g_relu"): remark: flow-saturate: 'flow.relu' is now computed by 'flow.transpose': transpose-hoist -> head-fuse
func.func @tf_grouped(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x8x3x3xf32>} : () -> tensor<16x8x3x3xf32>
  %t0 = "flow.transpose"(%x) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x16xf32>) -> tensor<1x16x8x8xf32> loc("g_t0")
  %c = "flow.conv"(%t0, %w) {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x8x8xf32> loc("grouped")
  %t1 = "flow.transpose"(%c) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x8x8xf32>) -> tensor<1x8x8x16xf32> loc("g_t1")
  %r = "flow.relu"(%t1) : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> loc("g_relu")
  return %r : tensor<1x8x8x16xf32>
}

// -----

// The converse: an NHWC conv between transposes in an NCHW function (as a graph that already
// holds one might have) becomes an NCHW conv, and the transposes go (conv-to-nchw).
// CHECK-LABEL: func.func @to_nchw
// CHECK-NOT: flow.transpose
// CHECK: %[[C:.*]] = "flow.conv"(%arg0, %{{.*}}) <{pads = array<i64: 1, 1, 1, 1>}> : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT: return %[[C]]
// OFF-LABEL: func.func @to_nchw
// EXPLAIN-DAG: loc("nhwc_conv"): remark: flow-saturate: 'flow.conv' is now computed in NCHW: its value is a 'flow.transpose' of an NCHW 'flow.conv', whose consumers cancel the transpose: conv-to-nchw
func.func @to_nchw(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<32x16x3x3xf32>} : () -> tensor<32x16x3x3xf32>
  %t0 = "flow.transpose"(%x) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x8x8xf32>) -> tensor<1x8x8x16xf32> loc("n_t0")
  %c = "flow.conv"(%t0, %w) {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x16xf32>, tensor<32x16x3x3xf32>) -> tensor<1x8x8x32xf32> loc("nhwc_conv")
  %t1 = "flow.transpose"(%c) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x32xf32>) -> tensor<1x32x8x8xf32> loc("n_t1")
  return %t1 : tensor<1x32x8x8xf32>
}

// -----

// A plain ONNX CNN (NCHW throughout): on the cpu target an NHWC conv packs no faster than an
// NCHW one at stride 1 (and not enough faster at stride 2) to pay for the transposes it would
// need at the function's borders; the blocked (NCHW16c) kernel packs nothing and is cheaper
// for 3x3 convs, enough to pay for one re-layout in: the two 3x3 convs run blocked, each
// heading its ReLU (the bias in the first conv), no re-layout between them (reshape-hoist and
// transpose-hoist move the one after the first conv past the ReLU, where it cancels the one
// before the second); the 1x1 conv, for which the blocked kernel is slower, runs NCHW after
// one re-layout out. The function still takes and returns NCHW.
// CHECK-LABEL: func.func @nchw_chain
// CHECK: %[[R:.*]] = "flow.reshape"(%arg0, %{{.*}}) : (tensor<1x16x12x12xf32>, tensor<5xi64>) -> tensor<1x1x16x12x12xf32>
// CHECK: %[[T:.*]] = "flow.transpose"(%[[R]]) <{perm = array<i64: 0, 1, 3, 4, 2>}> : (tensor<1x1x16x12x12xf32>) -> tensor<1x1x12x12x16xf32>
// CHECK: %[[F1:.*]] = "flow.fused"(%[[T]], %{{.*}}, %{{.*}})
// CHECK: "flow.conv"(%arg1, %arg2, %arg3) <{layout = "NCHW16c", pads = array<i64: 1, 1, 1, 1>}> : (tensor<1x1x12x12x16xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x2x12x12x16xf32>
// CHECK-NEXT: "flow.relu"
// CHECK: %[[F2:.*]] = "flow.fused"(%[[F1]], %{{.*}})
// CHECK: "flow.conv"(%arg1, %arg2) <{layout = "NCHW16c", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}> : (tensor<1x2x12x12x16xf32>, tensor<32x32x3x3xf32>) -> tensor<1x2x6x6x16xf32>
// CHECK-NEXT: "flow.relu"
// CHECK: %[[U:.*]] = "flow.transpose"(%[[F2]]) <{perm = array<i64: 0, 1, 4, 2, 3>}> : (tensor<1x2x6x6x16xf32>) -> tensor<1x2x16x6x6xf32>
// CHECK: %[[V:.*]] = "flow.reshape"(%[[U]], %{{.*}}) : (tensor<1x2x16x6x6xf32>, tensor<4xi64>) -> tensor<1x32x6x6xf32>
// CHECK: "flow.fused"(%[[V]], %{{.*}})
// CHECK: "flow.conv"(%arg1, %arg2) : (tensor<1x32x6x6xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x6x6xf32>
// CHECK-NOT: flow.transpose
// CHECK: return
// EXPLAIN-NOT: computed in NHWC
// EXPLAIN-DAG: loc("relu2"): remark: flow-saturate: 'flow.relu' is now computed by 'flow.reshape': reshape-hoist -> transpose-hoist
// OFF-LABEL: func.func @nchw_chain
// OFF-NOT: flow.transpose
// OFF-NOT: layout
// OFF: return
func.func @nchw_chain(%x: tensor<1x16x12x12xf32>) -> tensor<1x32x6x6xf32> {
  %w1 = "flow.constant"() {value = dense<0.5> : tensor<32x16x3x3xf32>} : () -> tensor<32x16x3x3xf32>
  %b1 = "flow.constant"() {value = dense<0.1> : tensor<32xf32>} : () -> tensor<32xf32>
  %w2 = "flow.constant"() {value = dense<0.25> : tensor<32x32x3x3xf32>} : () -> tensor<32x32x3x3xf32>
  %w3 = "flow.constant"() {value = dense<0.125> : tensor<32x32x1x1xf32>} : () -> tensor<32x32x1x1xf32>
  %c1 = "flow.conv"(%x, %w1, %b1) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x12x12xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x12x12xf32> loc("conv1")
  %r1 = "flow.relu"(%c1) : (tensor<1x32x12x12xf32>) -> tensor<1x32x12x12xf32> loc("relu1")
  %c2 = "flow.conv"(%r1, %w2) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x32x12x12xf32>, tensor<32x32x3x3xf32>) -> tensor<1x32x6x6xf32> loc("conv2")
  %r2 = "flow.relu"(%c2) : (tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32> loc("relu2")
  %c3 = "flow.conv"(%r2, %w3) : (tensor<1x32x6x6xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x6x6xf32> loc("conv3")
  %r3 = "flow.relu"(%c3) : (tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32> loc("relu3")
  return %r3 : tensor<1x32x6x6xf32>
}

// -----

// The converse of conv-to-blocked: a blocked 1x1 conv between re-layouts in an NCHW function
// (as a graph that already holds one might have) becomes an NCHW conv and the re-layouts go
// (blocked-to-nchw, then view-compose / view-noop / transpose-compose): for a 1x1 conv the
// blocked kernel is slower than the GEMM, which packs nothing either.
// CHECK-LABEL: func.func @blocked_to_nchw
// CHECK-NOT: flow.transpose
// CHECK: %[[C:.*]] = "flow.conv"(%arg0, %{{.*}}) : (tensor<1x32x8x8xf32>, tensor<16x32x1x1xf32>) -> tensor<1x16x8x8xf32>
// CHECK-NEXT: return %[[C]]
func.func @blocked_to_nchw(%x: tensor<1x32x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x32x1x1xf32>} : () -> tensor<16x32x1x1xf32>
  %s = "flow.constant"() {value = dense<[1, 2, 16, 8, 8]> : tensor<5xi64>} : () -> tensor<5xi64>
  %r = "flow.reshape"(%x, %s) : (tensor<1x32x8x8xf32>, tensor<5xi64>) -> tensor<1x2x16x8x8xf32>
  %t = "flow.transpose"(%r) {perm = array<i64: 0, 1, 3, 4, 2>} : (tensor<1x2x16x8x8xf32>) -> tensor<1x2x8x8x16xf32>
  %c = "flow.conv"(%t, %w) {layout = "NCHW16c"} : (tensor<1x2x8x8x16xf32>, tensor<16x32x1x1xf32>) -> tensor<1x1x8x8x16xf32>
  %u = "flow.transpose"(%c) {perm = array<i64: 0, 1, 4, 2, 3>} : (tensor<1x1x8x8x16xf32>) -> tensor<1x1x16x8x8xf32>
  %s2 = "flow.constant"() {value = dense<[1, 16, 8, 8]> : tensor<4xi64>} : () -> tensor<4xi64>
  %y = "flow.reshape"(%u, %s2) : (tensor<1x1x16x8x8xf32>, tensor<4xi64>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

// A graph whose input and output are already blocked (re-laid out to NCHW around an ONNX
// conv + per-channel bias Add + ReLU): conv-to-blocked and the re-layouts cancel at both ends,
// the bias folds into the conv (conv-add-fold, NCHW, before the re-layout) and the whole is
// one blocked conv heading its ReLU.
// CHECK-LABEL: func.func @blocked_io
// CHECK-NOT: flow.transpose
// CHECK-NOT: flow.reshape
// CHECK: %[[F:.*]] = "flow.fused"(%arg0, %{{.*}}, %{{.*}})
// CHECK: "flow.conv"(%arg1, %arg2, %arg3) <{layout = "NCHW16c", pads = array<i64: 1, 1, 1, 1>}> : (tensor<1x2x8x8x16xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT: "flow.relu"
// CHECK-NOT: flow.transpose
// CHECK: return %[[F]]
func.func @blocked_io(%x: tensor<1x2x8x8x16xf32>) -> tensor<1x2x8x8x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<32x32x3x3xf32>} : () -> tensor<32x32x3x3xf32>
  %b = "flow.constant"() {value = dense<0.25> : tensor<32x1x1xf32>} : () -> tensor<32x1x1xf32>
  %t = "flow.transpose"(%x) {perm = array<i64: 0, 1, 4, 2, 3>} : (tensor<1x2x8x8x16xf32>) -> tensor<1x2x16x8x8xf32>
  %s = "flow.constant"() {value = dense<[1, 32, 8, 8]> : tensor<4xi64>} : () -> tensor<4xi64>
  %r = "flow.reshape"(%t, %s) : (tensor<1x2x16x8x8xf32>, tensor<4xi64>) -> tensor<1x32x8x8xf32>
  %c = "flow.conv"(%r, %w) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x32x8x8xf32>, tensor<32x32x3x3xf32>) -> tensor<1x32x8x8xf32>
  %a = "flow.add"(%c, %b) : (tensor<1x32x8x8xf32>, tensor<32x1x1xf32>) -> tensor<1x32x8x8xf32>
  %y = "flow.relu"(%a) : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %s2 = "flow.constant"() {value = dense<[1, 2, 16, 8, 8]> : tensor<5xi64>} : () -> tensor<5xi64>
  %v = "flow.reshape"(%y, %s2) : (tensor<1x32x8x8xf32>, tensor<5xi64>) -> tensor<1x2x16x8x8xf32>
  %o = "flow.transpose"(%v) {perm = array<i64: 0, 1, 3, 4, 2>} : (tensor<1x2x16x8x8xf32>) -> tensor<1x2x8x8x16xf32>
  return %o : tensor<1x2x8x8x16xf32>
}
