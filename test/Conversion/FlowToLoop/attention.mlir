// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// Attention (GQA: 4 query heads on 2 key / value heads, causal, boolean mask): a first kernel
// writes the scaled keys transposed ([B, Hkv, D, Skv]); the second is a task per (batch, head,
// row block), scores accumulated per row contiguously in the key index, bias from the mask and
// the causal frontier, a stable softmax, then p[j] * V[j][:] accumulated contiguously in the
// value head dim. No [B, H, Sq, Skv] buffer is allocated.
// CHECK-LABEL: func.func private @k0_attention_kv
// CHECK-SAME: (%{{.*}}: memref<1x2x8x16xf32>, %{{.*}}: memref<1x2x8x16xf32>, %[[KT:.*]]: memref<1x2x16x8xf32>)
// CHECK: loop.parallel (%[[B:.*]], %[[H:.*]]) =
// CHECK: arith.mulf
// CHECK: buffer.store %{{.*}}, %[[KT]][%[[B]], %[[H]], %[[D:.*]], %[[J:.*]]] : memref<1x2x16x8xf32>
// CHECK-LABEL: func.func private @k1_attention
// CHECK: %[[Q:.*]] = buffer.alloca() : memref<16xf32>
// CHECK: %[[S:.*]] = buffer.alloca() : memref<8xf32>
// CHECK: %[[Y:.*]] = buffer.alloca() : memref<16xf32>
// CHECK: loop.parallel (%[[B1:.*]], %[[H1:.*]], %[[R:.*]]) =
// CHECK: %[[KVH:.*]] = arith.divui %[[H1]], %{{.*}} : index
// CHECK: buffer.store %{{.*}}, %[[Q]][
// CHECK: buffer.store %{{.*}}, %[[S]][
// CHECK: loop.for %[[D1:.*]] =
// CHECK: loop.for %[[J1:.*]] =
// CHECK: buffer.load %arg1[%[[B1]], %[[KVH]], %[[D1]], %[[J1]]] : memref<1x2x16x8xf32>
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: buffer.store %{{.*}}, %[[S]][%[[J1]]]
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32, i1)
// CHECK: buffer.load %arg3[
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpf une
// CHECK: arith.cmpf ogt
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f32)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: buffer.store %{{.*}}, %[[Y]][
// CHECK: loop.for %[[J2:.*]] =
// CHECK: loop.for %[[M:.*]] =
// CHECK: buffer.load %arg2[%[[B1]], %[[KVH]], %[[J2]], %[[M]]] : memref<1x2x8x16xf32>
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[M]]]
// CHECK: buffer.store %{{.*}}, %arg4[%[[B1]], %[[H1]], %{{.*}}, %{{.*}}] : memref<1x4x8x16xf32>
// CHECK-LABEL: func.func @main
// CHECK: buffer.alloc() : memref<1x2x16x8xf32>
// CHECK-NOT: buffer.alloc() : memref<1x4x8x8xf32>
// CHECK: return
func.func @main(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %m: tensor<8x8xi1>) -> tensor<1x4x8x16xf32> {
  %0 = "flow.attention"(%q, %k, %v, %m) {is_causal = 1 : i64} : (tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<8x8xi1>) -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

// f16 3-D attention with a past: present key / value written by the first kernel (past rows
// first, then the new ones), scores rounded through f16, qk_matmul_output (mode 0) stored.
// CHECK-LABEL: func.func private @k0_attention_kv
// CHECK: loop.parallel
// CHECK: buffer.load %arg2[
// CHECK: buffer.store %{{.*}}, %arg4[
// CHECK: buffer.load %arg0[
// CHECK: buffer.store %{{.*}}, %arg4[
// CHECK: buffer.store %{{.*}}, %arg5[
// CHECK-LABEL: func.func private @k1_attention
// CHECK: loop.parallel
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: buffer.store %{{.*}}, %arg4[{{.*}}] : memref<1x2x3x5xf16>
// CHECK: math.exp
func.func @main(%q: tensor<1x3x8xf16>, %k: tensor<1x3x8xf16>, %v: tensor<1x3x8xf16>, %pk: tensor<1x2x2x4xf16>, %pv: tensor<1x2x2x4xf16>) -> (tensor<1x3x8xf16>, tensor<1x2x5x4xf16>, tensor<1x2x5x4xf16>, tensor<1x2x3x5xf16>) {
  %n = "flow.none"() : () -> none
  %0:4 = "flow.attention"(%q, %k, %v, %n, %pk, %pv) {q_num_heads = 2 : i64, kv_num_heads = 2 : i64} : (tensor<1x3x8xf16>, tensor<1x3x8xf16>, tensor<1x3x8xf16>, none, tensor<1x2x2x4xf16>, tensor<1x2x2x4xf16>) -> (tensor<1x3x8xf16>, tensor<1x2x5x4xf16>, tensor<1x2x5x4xf16>, tensor<1x2x3x5xf16>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<1x3x8xf16>, tensor<1x2x5x4xf16>, tensor<1x2x5x4xf16>, tensor<1x2x3x5xf16>
}

// -----

// LinearAttention (gated delta): a task per (batch, kv head), sequential in time, the state
// updated in place in present_state (f32).
// CHECK-LABEL: func.func private @k0_linear_attention
// CHECK: loop.parallel (%[[B:.*]], %[[H:.*]]) =
// CHECK: loop.for %[[T:.*]] =
// CHECK: math.exp
// CHECK: arith.subf
// CHECK: buffer.store %{{.*}}, %arg6[%[[B]], %[[H]], %{{.*}}, %{{.*}}] : memref<1x2x4x4xf32>
// CHECK: buffer.store %{{.*}}, %arg5[%[[B]], %[[T]], %{{.*}}, %{{.*}}] : memref<1x3x2x4xf32>
func.func @main(%q: tensor<1x3x8xf32>, %k: tensor<1x3x8xf32>, %v: tensor<1x3x8xf32>, %g: tensor<1x3x2xf32>, %b: tensor<1x3x2xf32>) -> (tensor<1x3x8xf32>, tensor<1x2x4x4xf32>) {
  %n = "flow.none"() : () -> none
  %0:2 = "flow.linear_attention"(%q, %k, %v, %n, %g, %b) {q_num_heads = 2 : i64, kv_num_heads = 2 : i64} : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, none, tensor<1x3x2xf32>, tensor<1x3x2xf32>) -> (tensor<1x3x8xf32>, tensor<1x2x4x4xf32>)
  return %0#0, %0#1 : tensor<1x3x8xf32>, tensor<1x2x4x4xf32>
}

// -----

// RotaryEmbedding with position ids: a task per (batch, position), the cache row loaded from
// position_ids (clamped), the rotation in f64.
// CHECK-LABEL: func.func private @k0_rotary_embedding
// CHECK: loop.parallel (%[[B:.*]], %[[S:.*]]) =
// CHECK: buffer.load %arg3[
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.subf %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %arg4[%[[B]], %{{.*}}, %[[S]], %{{.*}}] : memref<1x2x3x8xf32>
func.func @main(%x: tensor<1x2x3x8xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>, %p: tensor<1x3xi64>) -> tensor<1x2x3x8xf32> {
  %0 = "flow.rotary_embedding"(%x, %c, %s, %p) : (tensor<1x2x3x8xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<1x3xi64>) -> tensor<1x2x3x8xf32>
  return %0 : tensor<1x2x3x8xf32>
}

// -----

// CausalConvWithState with SiLU: a task per (batch, channel); the window reads the past state or
// the input; the last k - 1 inputs become the state.
// CHECK-LABEL: func.func private @k0_causal_conv_with_state
// CHECK: loop.parallel (%[[B:.*]], %[[C:.*]]) =
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (f64)
// CHECK: arith.select
// CHECK: math.exp
// CHECK: buffer.store %{{.*}}, %arg3[%[[B]], %[[C]], %{{.*}}] : memref<1x2x6xf32>
// CHECK: buffer.store %{{.*}}, %arg4[%[[B]], %[[C]], %{{.*}}] : memref<1x2x2xf32>
func.func @main(%x: tensor<1x2x6xf32>, %w: tensor<2x1x3xf32>, %p: tensor<1x2x2xf32>) -> (tensor<1x2x6xf32>, tensor<1x2x2xf32>) {
  %n = "flow.none"() : () -> none
  %0:2 = "flow.causal_conv_with_state"(%x, %w, %n, %p) {activation = "silu"} : (tensor<1x2x6xf32>, tensor<2x1x3xf32>, none, tensor<1x2x2xf32>) -> (tensor<1x2x6xf32>, tensor<1x2x2xf32>)
  return %0#0, %0#1 : tensor<1x2x6xf32>, tensor<1x2x2xf32>
}
