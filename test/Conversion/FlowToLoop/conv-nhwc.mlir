// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// NHWC (channels-last) f32 3x3 Conv with constant weights: one GEMM over the output positions,
// Y[25 positions, 16 channels] = im2col(X)[25, K] · W'[K, 16] with K = 3 * 3 taps x 3 channels
// ordered (tap, channel). The weights are permuted to [M, KH, KW, C] and packed at compile time
// into [panels, K, NR = 48]; each task copies runs of channels of X ([H * W, C] rows) into a
// row-major stack block of A (zeros for taps in the padding); the micro-kernel broadcasts A
// and reads the packed weights as vectors; the bias is a row vector added per column; Y is
// stored row-major [positions, channels], i.e. NHWC.

// CHECK: buffer.global @cst0 : memref<1x27x48xf32> = dense_resource<conv_w_nhwc>
// CHECK-LABEL: func.func private @k0_conv_nhwc
// CHECK-SAME: (%[[X:.*]]: memref<1x10x10x3xf32>, %[[W:.*]]: memref<1x27x48xf32>, %[[BIAS:.*]]: memref<16xf32>, %[[Y:.*]]: memref<1x5x5x16xf32>)
// CHECK-DAG: %[[X2:.*]] = buffer.view %[[X]] : memref<1x10x10x3xf32> to memref<100x3xf32>
// CHECK-DAG: %[[Y2:.*]] = buffer.view %[[Y]] : memref<1x5x5x16xf32> to memref<25x16xf32>
// CHECK-DAG: %[[A:.*]] = buffer.alloca() : memref<32x27xf32>
// CHECK-DAG: %[[B1:.*]] = buffer.view %[[BIAS]] : memref<16xf32> to memref<1x16xf32>
// CHECK: loop.parallel
// Packing: a tap inside the image copies its channel run, one in the padding writes zeros.
// CHECK: loop.if
// CHECK: %[[V:.*]] = buffer.load %[[X2]][%{{.*}}, %{{.*}}] : memref<100x3xf32>
// CHECK: buffer.store %[[V]], %[[A]][%{{.*}}, %{{.*}}] : memref<32x27xf32>
// CHECK: } else {
// CHECK: buffer.store %{{.*}}, %[[A]][%{{.*}}, %{{.*}}] : memref<32x27xf32>
// CHECK: loop.for {{.*}} iter_args
// CHECK: vector.load %[[W]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<1x27x48xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = buffer.load %[[A]][%{{.*}}, %{{.*}}] : memref<32x27xf32>
// CHECK: vector.broadcast %[[S]]
// CHECK: vector.fma
// CHECK: vector.load %[[B1]][%{{.*}}, %{{.*}}] : memref<1x16xf32>, vector<16xf32>
// CHECK: arith.addf
// CHECK: vector.store %{{.*}}, %[[Y2]][%{{.*}}, %{{.*}}] : memref<25x16xf32>, vector<16xf32>
// CHECK-NOT: func.func private
func.func @main(%x: tensor<1x10x10x3xf32>) -> tensor<1x5x5x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x3x3x3xf32>} : () -> tensor<16x3x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %0 = "flow.conv"(%x, %w, %b) {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x10x10x3xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x5x5x16xf32>
  return %0 : tensor<1x5x5x16xf32>
}

// -----

// A 1x1 stride-1 NHWC Conv is a plain matrix product: A is X itself, [N * H * W, C] (no
// packing, no stack block of A).

// CHECK-LABEL: func.func private @k0_conv_nhwc
// CHECK-SAME: (%[[X:.*]]: memref<2x8x8x64xf32>, %[[W:.*]]: memref<1x64x48xf32>, %[[Y:.*]]: memref<2x8x8x32xf32>)
// CHECK: %[[X2:.*]] = buffer.view %[[X]] : memref<2x8x8x64xf32> to memref<128x64xf32>
// CHECK: %[[Y2:.*]] = buffer.view %[[Y]] : memref<2x8x8x32xf32> to memref<128x32xf32>
// CHECK-NOT: buffer.alloca() : memref<{{[0-9]+}}x64xf32>
// CHECK: loop.parallel
// CHECK: loop.for {{.*}} iter_args
// CHECK: vector.load %[[W]]
// CHECK: buffer.load %[[X2]][%{{.*}}, %{{.*}}] : memref<128x64xf32>
// CHECK: vector.fma
// CHECK: vector.store %{{.*}}, %[[Y2]]
func.func @main(%x: tensor<2x8x8x64xf32>) -> tensor<2x8x8x32xf32> {
  %w = "flow.constant"() {value = dense<0.25> : tensor<32x64x1x1xf32>} : () -> tensor<32x64x1x1xf32>
  %0 = "flow.conv"(%x, %w) {layout = "NHWC"} : (tensor<2x8x8x64xf32>, tensor<32x64x1x1xf32>) -> tensor<2x8x8x32xf32>
  return %0 : tensor<2x8x8x32xf32>
}

// -----

// A fused NHWC conv + ReLU: the ReLU is the GEMM's epilogue, applied to each stored tile of
// the [positions, channels] result (one kernel).

// CHECK-LABEL: func.func private @k0_conv_nhwc
// CHECK: vector.fma
// CHECK: vector.store
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK-NOT: func.func private
func.func @main(%x: tensor<1x6x6x8xf32>) -> tensor<1x6x6x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x8x3x3xf32>} : () -> tensor<16x8x3x3xf32>
  %0 = "flow.fused"(%x, %w) ({
  ^bb0(%a: tensor<1x6x6x8xf32>, %b: tensor<16x8x3x3xf32>):
    %1 = "flow.conv"(%a, %b) {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x6x6x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x6x6x16xf32>
    %2 = "flow.relu"(%1) : (tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
    "flow.yield"(%2) : (tensor<1x6x6x16xf32>) -> ()
  }) : (tensor<1x6x6x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x6x6x16xf32>
  return %0 : tensor<1x6x6x16xf32>
}

// -----

// Grouped NHWC Conv: the direct loop nest, X read as [N, H * W, C] and Y stored as
// [N, OH * OW, M].

// CHECK-LABEL: func.func private @k0_conv
// CHECK-SAME: (%[[X:.*]]: memref<1x5x5x4xf32>, %[[W:.*]]: memref<4x2x3x3xf32>, %[[Y:.*]]: memref<1x3x3x4xf32>)
// CHECK-DAG: %[[X3:.*]] = buffer.view %[[X]] : memref<1x5x5x4xf32> to memref<1x25x4xf32>
// CHECK-DAG: %[[Y3:.*]] = buffer.view %[[Y]] : memref<1x3x3x4xf32> to memref<1x9x4xf32>
// CHECK: buffer.load %[[X3]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<1x25x4xf32>
// CHECK: buffer.store %{{.*}}, %[[Y3]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<1x9x4xf32>
func.func @main(%x: tensor<1x5x5x4xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x3x3x4xf32> {
  %0 = "flow.conv"(%x, %w) {layout = "NHWC", group = 2 : i64} : (tensor<1x5x5x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}

// -----

// NHWC depthwise Conv (group = channels = 20): vectors over the channels, no packing. W
// [20, 1, 3, 3] is transposed at compile time to [taps, channels]; per output position and
// block of 16 channels the 9 taps are unrolled, each under its in-image condition; the bias
// starts the sum; the 4 channels past the vector go one at a time.

// CHECK: buffer.global @cst0 : memref<9x20xf32> = dense_resource<conv_dw_nhwc>
// CHECK-LABEL: func.func private @k0_conv_dw_nhwc
// CHECK-SAME: (%[[X:.*]]: memref<1x8x8x20xf32>, %[[W:.*]]: memref<9x20xf32>, %[[B:.*]]: memref<20xf32>, %[[Y:.*]]: memref<1x8x8x20xf32>)
// CHECK: %[[Y2:.*]] = buffer.view %[[Y]] : memref<1x8x8x20xf32> to memref<64x20xf32>
// CHECK: loop.parallel
// CHECK: %[[ACC:.*]] = vector.load %[[B]][%{{.*}}] : memref<20xf32>, vector<16xf32>
// CHECK: loop.if %{{.*}} -> (vector<16xf32>) {
// CHECK-NEXT: %[[XV:.*]] = vector.load %[[X]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x8x8x20xf32>, vector<16xf32>
// CHECK-NEXT: %[[WV:.*]] = vector.load %[[W]][%{{.*}}, %{{.*}}] : memref<9x20xf32>, vector<16xf32>
// CHECK-NEXT: vector.fma %[[XV]], %[[WV]], %[[ACC]] : vector<16xf32>
// CHECK-COUNT-8: loop.if %{{.*}} -> (vector<16xf32>)
// CHECK: vector.store %{{.*}}, %[[Y2]][%{{.*}}, %{{.*}}] : memref<64x20xf32>, vector<16xf32>
// The remaining channels, one at a time.
// CHECK: buffer.load %[[B]][%{{.*}}] : memref<20xf32>
// CHECK: loop.if %{{.*}} -> (f32)
// CHECK: buffer.store %{{.*}}, %[[Y2]][%{{.*}}, %{{.*}}] : memref<64x20xf32>
func.func @main(%x: tensor<1x8x8x20xf32>) -> tensor<1x8x8x20xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<20x1x3x3xf32>} : () -> tensor<20x1x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<20xf32>} : () -> tensor<20xf32>
  %0 = "flow.conv"(%x, %w, %b) {layout = "NHWC", group = 20 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x20xf32>, tensor<20x1x3x3xf32>, tensor<20xf32>) -> tensor<1x8x8x20xf32>
  return %0 : tensor<1x8x8x20xf32>
}
