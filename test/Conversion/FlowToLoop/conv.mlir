// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// f32 3x3 Conv with constant weights: the weights are packed at compile time into
// [panels, K = 3 * 3 * 3, MR = 8]; each task packs its block of im2col(X) into a stack buffer
// (zeros for the padding) and runs the micro-kernel with the weights as the broadcast side; the
// bias is added when the tile is stored.

// CHECK-NOT: buffer.global
// CHECK: buffer.global @cst0 : memref<2x27x8xf32> = dense_resource<packed_conv_w>
// CHECK: buffer.global @cst1 : memref<16xf32>
// CHECK-NOT: buffer.global
// CHECK-LABEL: func.func private @k0_conv
// CHECK-SAME: (%[[X:.*]]: memref<1x3x10x10xf32>, %[[W:.*]]: memref<2x27x8xf32>, %[[BIAS:.*]]: memref<16xf32>, %[[Y:.*]]: memref<1x16x5x5xf32>)
// CHECK-DAG: %[[X3:.*]] = buffer.view %[[X]] : memref<1x3x10x10xf32> to memref<3x10x10xf32>
// CHECK-DAG: %[[Y2:.*]] = buffer.view %[[Y]] : memref<1x16x5x5xf32> to memref<16x25xf32>
// CHECK-DAG: %[[PK:.*]] = buffer.alloca() : memref<27x48xf32>
// CHECK: loop.parallel
// im2col packing: loads from the image into the packed block.
// CHECK: %[[V:.*]] = buffer.load %[[X3]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<3x10x10xf32>
// CHECK: buffer.store %[[V]], %[[PK]][%{{.*}}, %{{.*}}] : memref<27x48xf32>
// The micro-kernel: packed weights broadcast, packed image rows as vectors.
// CHECK: loop.for {{.*}} iter_args
// CHECK: vector.load %[[PK]][%{{.*}}, %{{.*}}] : memref<27x48xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = buffer.load %[[W]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x27x8xf32>
// CHECK: vector.broadcast %[[S]]
// CHECK: vector.fma
// CHECK: buffer.load %[[BIAS]][%{{.*}}] : memref<16xf32>
// CHECK: arith.addf
// CHECK: buffer.store %{{.*}}, %[[Y2]]
func.func @main(%x: tensor<1x3x10x10xf32>) -> tensor<1x16x5x5xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x3x3x3xf32>} : () -> tensor<16x3x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %0 = "flow.conv"(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x10x10xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  return %0 : tensor<1x16x5x5xf32>
}

// -----

// A 1x1 stride-1 Conv reads the image directly as the B matrix (no packing of full panels);
// runtime weights are packed by a kernel.

// CHECK-LABEL: func.func private @k0_pack_conv_w
// CHECK-LABEL: func.func private @k1_conv
// CHECK-SAME: (%[[X:.*]]: memref<1x64x8x8xf32>,
// CHECK: %[[X2:.*]] = buffer.view %[[X]] : memref<1x64x8x8xf32> to memref<64x64xf32>
// CHECK: loop.parallel
// CHECK: loop.for {{.*}} iter_args
// CHECK: vector.load %[[X2]][%{{.*}}, %{{.*}}] : memref<64x64xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = buffer.alloc() : memref<4x64x8xf32>
// CHECK: call @k0_pack_conv_w(%{{.*}}, %[[P]])
// CHECK: call @k1_conv(%{{.*}}, %[[P]], %{{.*}})
func.func @main(%x: tensor<1x64x8x8xf32>, %w: tensor<32x64x1x1xf32>) -> tensor<1x32x8x8xf32> {
  %0 = "flow.conv"(%x, %w) : (tensor<1x64x8x8xf32>, tensor<32x64x1x1xf32>) -> tensor<1x32x8x8xf32>
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Depthwise: one task per channel plane, the padded plane copied to the stack, then 16 outputs
// at a time with the 9 taps unrolled (9 FMAs per vector).

// CHECK-LABEL: func.func private @k0_conv_dw
// CHECK: %[[Q:.*]] = buffer.alloca() : memref<34x34xf32>
// CHECK: loop.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}})
// CHECK-COUNT-9: vector.fma
// CHECK: vector.store
func.func @main(%x: tensor<1x8x32x32xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x32x32xf32> {
  %0 = "flow.conv"(%x, %w) {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x32x32xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x32x32xf32>
  return %0 : tensor<1x8x32x32xf32>
}

// -----

// 3-D (and non-f32) convolutions take the direct loop nest.

// CHECK-LABEL: func.func private @k0_conv
// CHECK: loop.parallel (%{{.*}}, %{{.*}}) =
// CHECK: loop.if
// CHECK: arith.mulf
// CHECK-NOT: vector.fma
func.func @main(%x: tensor<1x2x4x4x4xf16>, %w: tensor<3x2x2x2x2xf16>) -> tensor<1x3x3x3x3xf16> {
  %0 = "flow.conv"(%x, %w) : (tensor<1x2x4x4x4xf16>, tensor<3x2x2x2x2xf16>) -> tensor<1x3x3x3x3xf16>
  return %0 : tensor<1x3x3x3x3xf16>
}

// -----

// A small image with many output channels: tasks split the channels, so im2col is materialized
// once by its own kernel (offsets from a compile-time i32 table, -1 for padding, rows padded
// to 16 columns) and the GEMM reads it directly.

// CHECK: buffer.global @[[T:.*]] : memref<9x144xi32> = dense<
// CHECK-LABEL: func.func private @k0_im2col
// CHECK-SAME: (%[[X:.*]]: memref<1x64x12x12xf32>, %[[TB:.*]]: memref<9x144xi32>, %[[BUF:.*]]: memref<576x144xf32>)
// CHECK: loop.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}})
// CHECK: %[[O:.*]] = buffer.load %[[TB]]
// CHECK: arith.index_cast %[[O]] : i32 to index
// CHECK: arith.select
// CHECK: buffer.store %{{.*}}, %[[BUF]]
// CHECK-LABEL: func.func private @k1_conv
// CHECK-SAME: (%[[B:.*]]: memref<576x144xf32>,
// CHECK: vector.load %[[B]][%{{.*}}, %{{.*}}] : memref<576x144xf32>, vector<16xf32>
// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = buffer.alloc() : memref<576x144xf32>
// CHECK: call @k0_im2col(%{{.*}}, %{{.*}}, %[[S]])
// CHECK: call @k1_conv(%[[S]],
func.func @main(%x: tensor<1x64x12x12xf32>) -> tensor<1x256x12x12xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<256x64x3x3xf32>} : () -> tensor<256x64x3x3xf32>
  %0 = "flow.conv"(%x, %w) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x12x12xf32>, tensor<256x64x3x3xf32>) -> tensor<1x256x12x12xf32>
  return %0 : tensor<1x256x12x12xf32>
}

// -----

// Few output positions (7x7) and many channels: computed transposed, vectors over output
// channels. The weights are packed as W^T panels of NR = 48 channels, the broadcast side is a
// row of X (1x1), the tiles accumulate in a stack buffer and are written transposed with the
// bias at the end.

// CHECK: buffer.global @[[W:.*]] : memref<2x512x48xf32> = dense_resource<packed_conv_w>
// CHECK-LABEL: func.func private @k0_conv_t
// CHECK-SAME: (%[[X:.*]]: memref<1x512x7x7xf32>, %[[WT:.*]]: memref<2x512x48xf32>, %[[BIAS:.*]]: memref<96xf32>, %[[Y:.*]]: memref<1x96x7x7xf32>)
// CHECK-DAG: %[[X2:.*]] = buffer.view %[[X]] : memref<1x512x7x7xf32> to memref<512x49xf32>
// CHECK-DAG: %[[Y2:.*]] = buffer.view %[[Y]] : memref<1x96x7x7xf32> to memref<96x49xf32>
// CHECK-DAG: %[[ACC:.*]] = buffer.alloca() : memref<112x48xf32>
// CHECK: loop.parallel
// CHECK: loop.for {{.*}} iter_args
// CHECK: vector.load %[[WT]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x512x48xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = buffer.load %[[X2]][%{{.*}}, %{{.*}}] : memref<512x49xf32>
// CHECK: vector.broadcast %[[S]]
// CHECK: vector.fma
// CHECK: vector.store %{{.*}}, %[[ACC]][%{{.*}}, %{{.*}}] : memref<112x48xf32>, vector<16xf32>
// CHECK: %[[V:.*]] = buffer.load %[[ACC]][%{{.*}}, %{{.*}}] : memref<112x48xf32>
// CHECK: %[[VB:.*]] = arith.addf %[[V]], %{{.*}} : f32
// CHECK: buffer.store %[[VB]], %[[Y2]][%{{.*}}, %{{.*}}] : memref<96x49xf32>
func.func @main(%x: tensor<1x512x7x7xf32>) -> tensor<1x96x7x7xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<96x512x1x1xf32>} : () -> tensor<96x512x1x1xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<96xf32>} : () -> tensor<96xf32>
  %0 = "flow.conv"(%x, %w, %b) : (tensor<1x512x7x7xf32>, tensor<96x512x1x1xf32>, tensor<96xf32>) -> tensor<1x96x7x7xf32>
  return %0 : tensor<1x96x7x7xf32>
}

// -----

// ConvInteger: the direct loop nest in i32 with the zero points subtracted.

// CHECK-LABEL: func.func private @k0_conv
// CHECK-SAME: (%{{.*}}: memref<1x2x5x5xi8>, %{{.*}}: memref<3x2x3x3xi8>, %{{.*}}: memref<i8>, %{{.*}}: memref<1x3x3x3xi32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: loop.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (i32)
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.addi
func.func @main(%x: tensor<1x2x5x5xui8>, %w: tensor<3x2x3x3xi8>, %zx: tensor<ui8>) -> tensor<1x3x3x3xi32> {
  %0 = "flow.conv_integer"(%x, %w, %zx) : (tensor<1x2x5x5xui8>, tensor<3x2x3x3xi8>, tensor<ui8>) -> tensor<1x3x3x3xi32>
  return %0 : tensor<1x3x3x3xi32>
}
