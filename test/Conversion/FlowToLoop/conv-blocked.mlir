// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s
// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop=target=gpu | FileCheck %s --check-prefix=GPU

// Blocked (NCHW16c) f32 3x3 Conv with constant weights, two input blocks (32 channels), one
// output block, 40 output columns with one column of padding each side: the weights are
// re-packed at compile time to [M/16, C/16, KH, KW, 16 in, 16 out]; tasks over (image, output
// block, output row); a row is an edge tile of 14 columns at column 0, a loop over the whole
// interior tiles of 14 (one here, columns 14..27), and an edge tile of the 12 columns left.
// Per tile: the bias vector starts every accumulator (one per column); loops over input
// blocks, kernel rows (tested against the image's rows) and the 16 input channels of a block,
// the kernel columns unrolled: one weight vector each, one broadcast input value per (column,
// kernel column). An edge tile leaves the pairs in the padding out at compile time: column 0
// with kernel column 0 on the left (41 of 14 x 3 fmas), column 39 with kernel column 2 on the
// right (35 of 12 x 3); no column is tested at run time.

// CHECK: buffer.global @cst0 : memref<1x2x3x3x16x16xf32> = dense_resource<conv_w_blocked>
// CHECK-LABEL: func.func private @k0_conv_blocked
// CHECK-SAME: (%[[X:.*]]: memref<1x2x6x40x16xf32>, %[[W:.*]]: memref<1x2x3x3x16x16xf32>, %[[B:.*]]: memref<16xf32>, %[[Y:.*]]: memref<1x1x6x40x16xf32>)
// CHECK: loop.parallel (%[[N:[a-z0-9]+]], %[[OB:[a-z0-9]+]], %[[OY:[a-z0-9]+]]) =
// CHECK: %[[BV:.*]] = vector.load %[[B]][%{{.*}}] : memref<16xf32>, vector<16xf32>
// CHECK: %[[L:.*]]:14 = loop.for %[[IB:[a-z0-9]+]] = {{.*}} iter_args(%{{.*}} = %[[BV]], %{{.*}} = %[[BV]],
// CHECK: loop.for %[[KY:[a-z0-9]+]] =
// CHECK: loop.if
// CHECK: loop.for %[[CI:[a-z0-9]+]] =
// CHECK: %[[W0:.*]] = vector.load %[[W]][%[[OB]], %[[IB]], %[[KY]], %{{.*}}, %[[CI]], %{{.*}}] : memref<1x2x3x3x16x16xf32>, vector<16xf32>
// CHECK: vector.load %[[W]]
// CHECK: vector.load %[[W]]
// CHECK-NOT: loop.if
// CHECK: %[[XS:.*]] = buffer.load %[[X]][%[[N]], %[[IB]], %{{.*}}, %{{.*}}, %[[CI]]] : memref<1x2x6x40x16xf32>
// CHECK: %[[XV:.*]] = vector.broadcast %[[XS]] : f32 to vector<16xf32>
// CHECK: vector.fma %[[XV]], %[[W0]], %{{.*}} : vector<16xf32>
// CHECK-COUNT-40: vector.fma
// CHECK-NEXT: loop.yield
// CHECK: vector.store %[[L]]#0, %[[Y]][%[[N]], %[[OB]], %[[OY]], %{{.*}}, %{{.*}}] : memref<1x1x6x40x16xf32>, vector<16xf32>
// CHECK: vector.store %[[L]]#13, %[[Y]]
// Interior tiles: all 14 x 3 pairs.
// CHECK: loop.for
// CHECK: %[[T:.*]]:14 = loop.for
// CHECK-NOT: loop.if %{{.*}} -> (vector<16xf32>)
// CHECK: loop.if
// CHECK-NOT: loop.if
// CHECK-COUNT-42: vector.fma
// CHECK-NEXT: loop.yield
// CHECK: vector.store %[[T]]#13, %[[Y]]
// The right edge tile: 12 columns.
// CHECK: %[[R:.*]]:12 = loop.for
// CHECK-NOT: loop.if %{{.*}} -> (vector<16xf32>)
// CHECK: loop.if
// CHECK-NOT: loop.if
// CHECK-COUNT-35: vector.fma
// CHECK-NEXT: loop.yield
// CHECK: vector.store %[[R]]#11, %[[Y]]
// CHECK-LABEL: func.func @main

// On the GPU the blocked conv takes the direct loop nest (scalar, indexing the blocked
// layout: channel c at block c / 16, lane c % 16), not the CPU kernel.
// GPU-LABEL: func.func private @k0_conv(
// GPU-SAME: memref<1x2x6x40x16xf32>, %{{.*}}: memref<16x32x3x3xf32>
// GPU-DAG: %[[X4:.*]] = buffer.view %{{.*}} : memref<1x2x6x40x16xf32> to memref<1x2x240x16xf32>
// GPU-DAG: %[[Y4:.*]] = buffer.view %{{.*}} : memref<1x1x6x40x16xf32> to memref<1x1x240x16xf32>
// GPU-NOT: vector.
// GPU: loop.if
// GPU: %[[CIN:[a-z0-9]+]] = arith.addi
// GPU-NEXT: %[[L:[a-z0-9]+]] = arith.constant 16 : index
// GPU-NEXT: %[[BLK:[a-z0-9]+]] = arith.divui %[[CIN]], %[[L]] : index
// GPU-NEXT: %[[LANE:[a-z0-9]+]] = arith.remui %[[CIN]], %[[L]] : index
// GPU: buffer.load %[[X4]][%{{.*}}, %[[BLK]], %{{.*}}, %[[LANE]]] : memref<1x2x240x16xf32>
// GPU: buffer.store %{{.*}}, %[[Y4]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x1x240x16xf32>
func.func @main(%x: tensor<1x2x6x40x16xf32>) -> tensor<1x1x6x40x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x32x3x3xf32>} : () -> tensor<16x32x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %0 = "flow.conv"(%x, %w, %b) {layout = "NCHW16c", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x40x16xf32>, tensor<16x32x3x3xf32>, tensor<16xf32>) -> tensor<1x1x6x40x16xf32>
  return %0 : tensor<1x1x6x40x16xf32>
}

// -----

// A fused tail (ReLU) is applied to each column's 16 outputs right after they are stored, in
// the conv's own kernel: no second kernel. A 1x1 conv has no border columns: 5 columns are
// one tile of 5, no tests at all; no bias: the accumulators start at zero.

// CHECK-LABEL: func.func private @k0_conv_blocked
// CHECK-SAME: (%[[X:.*]]: memref<1x1x2x5x16xf32>, %[[W:.*]]: memref<2x1x1x1x16x16xf32>, %[[Y:.*]]: memref<1x2x2x5x16xf32>)
// CHECK: loop.parallel
// CHECK-NOT: loop.if
// CHECK: %[[T:.*]]:5 = loop.for
// CHECK-NOT: loop.if
// CHECK: vector.store %[[T]]#0, %[[Y]]
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: arith.constant 16 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: loop.for %[[E:[a-z0-9]+]] =
// CHECK-NEXT: %[[V:.*]] = buffer.load %[[Y]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[E]]] : memref<1x2x2x5x16xf32>
// CHECK: arith.cmpf olt, %[[V]]
// CHECK: buffer.store %{{.*}}, %[[Y]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[E]]] : memref<1x2x2x5x16xf32>
// CHECK: vector.store %[[T]]#4, %[[Y]]
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @main
// GPU-LABEL: func.func @main
func.func @main(%x: tensor<1x1x2x5x16xf32>) -> tensor<1x2x2x5x16xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<32x16x1x1xf32>} : () -> tensor<32x16x1x1xf32>
  %0 = "flow.fused"(%x, %w) ({
  ^bb0(%a: tensor<1x1x2x5x16xf32>, %b: tensor<32x16x1x1xf32>):
    %1 = "flow.conv"(%a, %b) {layout = "NCHW16c"} : (tensor<1x1x2x5x16xf32>, tensor<32x16x1x1xf32>) -> tensor<1x2x2x5x16xf32>
    %2 = "flow.relu"(%1) : (tensor<1x2x2x5x16xf32>) -> tensor<1x2x2x5x16xf32>
    "flow.yield"(%2) : (tensor<1x2x2x5x16xf32>) -> ()
  }) : (tensor<1x1x2x5x16xf32>, tensor<32x16x1x1xf32>) -> tensor<1x2x2x5x16xf32>
  return %0 : tensor<1x2x2x5x16xf32>
}

// -----

// Runtime weights: the direct loop nest, on the CPU too.

// CHECK-LABEL: func.func private @k0_conv(
// CHECK-SAME: memref<1x1x4x4x16xf32>, %{{.*}}: memref<16x16x3x3xf32>
// CHECK-NOT: vector.
// CHECK: arith.divui
// CHECK: arith.remui
// CHECK-LABEL: func.func @main
// GPU-LABEL: func.func private @k0_conv(
func.func @main(%x: tensor<1x1x4x4x16xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<1x1x2x2x16xf32> {
  %0 = "flow.conv"(%x, %w) {layout = "NCHW16c"} : (tensor<1x1x4x4x16xf32>, tensor<16x16x3x3xf32>) -> tensor<1x1x2x2x16xf32>
  return %0 : tensor<1x1x2x2x16xf32>
}
