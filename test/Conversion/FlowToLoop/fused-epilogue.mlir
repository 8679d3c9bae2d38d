// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// A flow.fused region headed by a conv / gemm / matmul (made by flow-saturate's head-fuse) is
// the head's own kernel: the elementwise tail is applied to each output element right after
// its final value is stored (gemm.rs's Epilogue / finish_tile), re-reading the cache-hot tile.
// One kernel, no intermediate buffer.

// Conv + bias + residual Add + ReLU (ResNet's block end), the GEMM path with im2col packing:
// the tile is stored with the bias, then each element is re-read, the residual read at the
// same index of the output's 2-D view, and the ReLU stored back.
// CHECK-LABEL: func.func private @k0_conv
// CHECK-SAME: (%[[X:.*]]: memref<1x3x10x10xf32>, %[[W:.*]]: memref<2x27x8xf32>, %[[BIAS:.*]]: memref<16xf32>, %[[R:.*]]: memref<1x16x5x5xf32>, %[[Y:.*]]: memref<1x16x5x5xf32>)
// CHECK-DAG: %[[Y2:.*]] = buffer.view %[[Y]] : memref<1x16x5x5xf32> to memref<16x25xf32>
// CHECK-DAG: %[[R2:.*]] = buffer.view %[[R]] : memref<1x16x5x5xf32> to memref<16x25xf32>
// CHECK: vector.fma
// CHECK: buffer.load %[[BIAS]]
// CHECK: buffer.store %{{.*}}, %[[Y2]]
// CHECK: loop.for
// CHECK: loop.for
// CHECK: %[[V:.*]] = buffer.load %[[Y2]][%[[I:.*]], %[[J:.*]]] : memref<16x25xf32>
// CHECK: %[[RV:.*]] = buffer.load %[[R2]][%[[I]], %[[J]]] : memref<16x25xf32>
// CHECK: %[[S:.*]] = arith.addf %[[V]], %[[RV]] : f32
// CHECK: arith.cmpf olt, %[[S]]
// CHECK: %[[M:.*]] = arith.select
// CHECK: buffer.store %[[M]], %[[Y2]][%[[I]], %[[J]]] : memref<16x25xf32>
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @main
// CHECK-NOT: buffer.alloc
// CHECK: call @k0_conv
// CHECK-NEXT: return
func.func @main(%x: tensor<1x3x10x10xf32>, %r: tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32> {
  %w = "flow.constant"() {value = dense<0.5> : tensor<16x3x3x3xf32>} : () -> tensor<16x3x3x3xf32>
  %b = "flow.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %0 = "flow.fused"(%x, %w, %b, %r) ({
  ^bb0(%a0: tensor<1x3x10x10xf32>, %a1: tensor<16x3x3x3xf32>, %a2: tensor<16xf32>, %a3: tensor<1x16x5x5xf32>):
    %1 = "flow.conv"(%a0, %a1, %a2) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x10x10xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
    %2 = "flow.add"(%1, %a3) : (tensor<1x16x5x5xf32>, tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
    %3 = "flow.relu"(%2) : (tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
    "flow.yield"(%3) : (tensor<1x16x5x5xf32>) -> ()
  }) : (tensor<1x3x10x10xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>, tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  return %0 : tensor<1x16x5x5xf32>
}

// -----

// Conv with K = 64 * 9 = 576 (three blocks of k): the tail runs only when the last block is
// stored, under `kb == 2`.
// CHECK-LABEL: func.func private @k0_conv
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK: vector.fma
// CHECK: loop.if %[[LAST]] {
// CHECK: buffer.load
// CHECK: arith.select
// CHECK: buffer.store
// CHECK-LABEL: func.func @main
// CHECK: call @k0_conv
// CHECK-NEXT: return
func.func @main(%x: tensor<1x64x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = "flow.constant"() {value = dense<0.01> : tensor<8x64x3x3xf32>} : () -> tensor<8x64x3x3xf32>
  %0 = "flow.fused"(%x, %w) ({
  ^bb0(%a0: tensor<1x64x6x6xf32>, %a1: tensor<8x64x3x3xf32>):
    %1 = "flow.conv"(%a0, %a1) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x6x6xf32>, tensor<8x64x3x3xf32>) -> tensor<1x8x6x6xf32>
    %2 = "flow.relu"(%1) : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
    "flow.yield"(%2) : (tensor<1x8x6x6xf32>) -> ()
  }) : (tensor<1x64x6x6xf32>, tensor<8x64x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// Depthwise conv + Clip(0, 6) (MobileNet's ReLU6): the depthwise kernel applies the tail to
// each run of 16 outputs it stores; the bounds are one-element buffers read at index 0.
// CHECK-LABEL: func.func private @k0_conv_dw
// CHECK-SAME: (%{{.*}}: memref<1x8x8x8xf32>, %{{.*}}: memref<8x1x3x3xf32>, %[[LO:.*]]: memref<f32>, %[[HI:.*]]: memref<f32>, %[[Y:.*]]: memref<1x8x8x8xf32>)
// CHECK-DAG: %[[Y3:.*]] = buffer.view %[[Y]] : memref<1x8x8x8xf32> to memref<8x8x8xf32>
// CHECK-DAG: %[[LO1:.*]] = buffer.view %[[LO]] : memref<f32> to memref<1xf32>
// CHECK-DAG: %[[HI1:.*]] = buffer.view %[[HI]] : memref<f32> to memref<1xf32>
// CHECK: vector.fma
// CHECK: buffer.store %{{.*}}, %[[Y3]]
// CHECK: loop.for
// CHECK: %[[V:.*]] = buffer.load %[[Y3]][%[[P:.*]], %[[OY:.*]], %[[C:.*]]] : memref<8x8x8xf32>
// CHECK: buffer.load %[[LO1]]
// CHECK: buffer.load %[[HI1]]
// CHECK: buffer.store %{{.*}}, %[[Y3]][%[[P]], %[[OY]], %[[C]]] : memref<8x8x8xf32>
// CHECK-LABEL: func.func @main
// CHECK: call @k0_conv_dw
// CHECK-NEXT: return
func.func @main(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = "flow.constant"() {value = dense<0.1> : tensor<8x1x3x3xf32>} : () -> tensor<8x1x3x3xf32>
  %lo = "flow.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %hi = "flow.constant"() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "flow.fused"(%x, %w, %lo, %hi) ({
  ^bb0(%a0: tensor<1x8x8x8xf32>, %a1: tensor<8x1x3x3xf32>, %a2: tensor<f32>, %a3: tensor<f32>):
    %1 = "flow.conv"(%a0, %a1) {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
    %2 = "flow.clip"(%1, %a2, %a3) : (tensor<1x8x8x8xf32>, tensor<f32>, tensor<f32>) -> tensor<1x8x8x8xf32>
    "flow.yield"(%2) : (tensor<1x8x8x8xf32>) -> ()
  }) : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>, tensor<f32>, tensor<f32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// A conv with few positions and many channels (the transposed kernel): the tail (HardSwish)
// is applied as the kernel writes Y from its stack tiles.
// CHECK-LABEL: func.func private @k0_conv_t
// CHECK: vector.fma
// CHECK: %[[A:.*]] = buffer.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<{{.*}}x48xf32>
// CHECK: arith.mulf
// CHECK: buffer.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : memref<64x16xf32>
// CHECK-LABEL: func.func @main
// CHECK: call @k0_conv_t
// CHECK-NEXT: return
func.func @main(%x: tensor<1x32x4x4xf32>) -> tensor<1x64x4x4xf32> {
  %w = "flow.constant"() {value = dense<0.02> : tensor<64x32x1x1xf32>} : () -> tensor<64x32x1x1xf32>
  %0 = "flow.fused"(%x, %w) ({
  ^bb0(%a0: tensor<1x32x4x4xf32>, %a1: tensor<64x32x1x1xf32>):
    %1 = "flow.conv"(%a0, %a1) : (tensor<1x32x4x4xf32>, tensor<64x32x1x1xf32>) -> tensor<1x64x4x4xf32>
    %2 = "flow.hard_swish"(%1) : (tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32>
    "flow.yield"(%2) : (tensor<1x64x4x4xf32>) -> ()
  }) : (tensor<1x32x4x4xf32>, tensor<64x32x1x1xf32>) -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

// Gemm (bias row) + Sigmoid: the product kernel's tiles are finished with the sigmoid.
// CHECK-LABEL: func.func private @k0_gemm
// CHECK-SAME: (%{{.*}}: memref<4x6xf32>, %{{.*}}: memref<1x6x48xf32>, %{{.*}}: memref<5xf32>, %[[Y:.*]]: memref<4x5xf32>)
// CHECK: vector.fma
// CHECK: buffer.store %{{.*}}, %[[Y]]
// CHECK: %[[V:.*]] = buffer.load %[[Y]][%[[I:.*]], %[[J:.*]]] : memref<4x5xf32>
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK-LABEL: func.func @main
// CHECK: call @k0_gemm
// CHECK-NEXT: return
func.func @main(%a: tensor<4x6xf32>, %c: tensor<5xf32>) -> tensor<4x5xf32> {
  %b = "flow.constant"() {value = dense<0.25> : tensor<6x5xf32>} : () -> tensor<6x5xf32>
  %0 = "flow.fused"(%a, %b, %c) ({
  ^bb0(%a0: tensor<4x6xf32>, %a1: tensor<6x5xf32>, %a2: tensor<5xf32>):
    %1 = "flow.gemm"(%a0, %a1, %a2) : (tensor<4x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
    %2 = "flow.sigmoid"(%1) : (tensor<4x5xf32>) -> tensor<4x5xf32>
    "flow.yield"(%2) : (tensor<4x5xf32>) -> ()
  }) : (tensor<4x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Batched MatMul + LeakyRelu: the tail reads the output through the kernel's [batch * M, N]
// view.
// CHECK-LABEL: func.func private @k0_matmul
// CHECK: %[[Y2:.*]] = buffer.view %{{.*}} : memref<2x3x5xf32> to memref<6x5xf32>
// CHECK: vector.fma
// CHECK: %[[V:.*]] = buffer.load %[[Y2]][%[[I:.*]], %[[J:.*]]] : memref<6x5xf32>
// CHECK: arith.mulf
// CHECK: arith.select
// CHECK: buffer.store %{{.*}}, %[[Y2]][%[[I]], %[[J]]] : memref<6x5xf32>
// CHECK-LABEL: func.func @main
// CHECK: call @k0_matmul
// CHECK-NEXT: return
func.func @main(%a: tensor<2x3x4xf32>) -> tensor<2x3x5xf32> {
  %b = "flow.constant"() {value = dense<0.5> : tensor<4x5xf32>} : () -> tensor<4x5xf32>
  %0 = "flow.fused"(%a, %b) ({
  ^bb0(%a0: tensor<2x3x4xf32>, %a1: tensor<4x5xf32>):
    %1 = "flow.matmul"(%a0, %a1) : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    %2 = "flow.leaky_relu"(%1) {alpha = 0.1 : f32} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
    "flow.yield"(%2) : (tensor<2x3x5xf32>) -> ()
  }) : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// A head whose lowering has no epilogue (an integer MatMul's loop nest): the tail becomes a
// second kernel that applies it in place on the result; still no intermediate buffer.
// CHECK-LABEL: func.func private @k0_matmul
// CHECK-LABEL: func.func private @k1_fused_tail
// CHECK-SAME: (%[[Y:.*]]: memref<3x5xi32>)
// CHECK: %[[V:.*]] = buffer.load %[[Y]][%[[I:.*]], %[[J:.*]]] : memref<3x5xi32>
// CHECK: arith.cmpi
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[I]], %[[J]]] : memref<3x5xi32>
// CHECK-LABEL: func.func @main
// CHECK-NOT: buffer.alloc
// CHECK: call @k0_matmul
// CHECK-NEXT: call @k1_fused_tail
// CHECK-NEXT: return
func.func @main(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  %0 = "flow.fused"(%a, %b) ({
  ^bb0(%a0: tensor<3x4xi32>, %a1: tensor<4x5xi32>):
    %1 = "flow.matmul"(%a0, %a1) : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
    %2 = "flow.relu"(%1) : (tensor<3x5xi32>) -> tensor<3x5xi32>
    "flow.yield"(%2) : (tensor<3x5xi32>) -> ()
  }) : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

// A Gemm seen through a reshape (a rank-3 MatMul + bias after flow-saturate) heading a
// residual Add: the product kernel writes the [6, 5] view of the result buffer, and the
// residual, of the result's shape [2, 3, 5], is read through the same [6, 5] view.
// CHECK-LABEL: func.func private @k0_gemm
// CHECK-SAME: (%{{.*}}: memref<6x4xf32>, %{{.*}}: memref<1x4x48xf32>, %{{.*}}: memref<5xf32>, %[[R:.*]]: memref<2x3x5xf32>, %[[Y:.*]]: memref<6x5xf32>)
// CHECK: %[[R2:.*]] = buffer.view %[[R]] : memref<2x3x5xf32> to memref<6x5xf32>
// CHECK: vector.fma
// CHECK: %[[V:.*]] = buffer.load %[[Y]][%[[I:.*]], %[[J:.*]]] : memref<6x5xf32>
// CHECK: %[[RV:.*]] = buffer.load %[[R2]][%[[I]], %[[J]]] : memref<6x5xf32>
// CHECK: arith.addf %[[V]], %[[RV]]
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[I]], %[[J]]] : memref<6x5xf32>
// CHECK-LABEL: func.func @main
// CHECK: %[[V6:.*]] = buffer.view %arg2 : memref<2x3x5xf32> to memref<6x5xf32>
// CHECK: call @k0_gemm(%{{.*}}, %{{.*}}, %{{.*}}, %arg1, %[[V6]])
// CHECK-NEXT: return
func.func @main(%a: tensor<6x4xf32>, %r: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %b = "flow.constant"() {value = dense<0.5> : tensor<4x5xf32>} : () -> tensor<4x5xf32>
  %c = "flow.constant"() {value = dense<0.5> : tensor<5xf32>} : () -> tensor<5xf32>
  %s = "flow.constant"() {value = dense<[2, 3, 5]> : tensor<3xi64>} : () -> tensor<3xi64>
  %0 = "flow.fused"(%a, %b, %c, %s, %r) ({
  ^bb0(%a0: tensor<6x4xf32>, %a1: tensor<4x5xf32>, %a2: tensor<5xf32>, %a3: tensor<3xi64>, %a4: tensor<2x3x5xf32>):
    %1 = "flow.gemm"(%a0, %a1, %a2) : (tensor<6x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<6x5xf32>
    %2 = "flow.reshape"(%1, %a3) : (tensor<6x5xf32>, tensor<3xi64>) -> tensor<2x3x5xf32>
    %3 = "flow.add"(%2, %a4) : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
    "flow.yield"(%3) : (tensor<2x3x5xf32>) -> ()
  }) : (tensor<6x4xf32>, tensor<4x5xf32>, tensor<5xf32>, tensor<3xi64>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}
