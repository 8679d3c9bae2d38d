// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// LSTM with constant W / R: both are packed at compile time, transposed, into
// [dirs, K, gates x padded hidden] (hidden 5 -> 8: 4 gates x 8 = 32 columns), f32 widened in
// registers. Kernel 1: the input projection for all 15 rows at once (tasks: direction x blocks of
// 4 rows, the last block of 3 rows in the else branch), 4 rows x 4 f64 vectors carried through
// the loop over the inputs, sums from -0.0 with separate mulf / addf (no fma: the interpreter's
// rounding). Kernel 2: the recurrence, one task per (direction, batch) chain, a sequential loop
// over time with the H x R^T product and the gate math (exp for sigmoid, tanh) per hidden unit.

// CHECK: buffer.global @cst0 : memref<1x4x32xf32> = dense_resource<lstm_wt>
// CHECK: buffer.global @cst1 : memref<1x5x32xf32> = dense_resource<lstm_rt>
// CHECK-LABEL: func.func private @k0_lstm_input
// CHECK-SAME: (%[[X:.*]]: memref<5x3x4xf32>, %[[W:.*]]: memref<1x4x32xf32>, %[[XW:.*]]: memref<1x15x32xf64>) attributes {flowc.kernel}
// CHECK: %[[XR:.*]] = buffer.view %[[X]] : memref<5x3x4xf32> to memref<15x4xf32>
// CHECK: loop.parallel (%[[D:.*]], %[[BLK:.*]]) =
// CHECK: loop.if
// CHECK: %[[Z:.*]] = arith.constant -0.000000e+00 : f64
// CHECK: %[[ZV:.*]] = vector.broadcast %[[Z]] : f64 to vector<8xf64>
// CHECK: %[[ACC:.*]]:16 = loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A0:[a-z0-9]+]] = %[[ZV]], {{.*}}) -> (vector<8xf64>,
// CHECK: %[[WV:.*]] = vector.load %[[W]][%[[D]], %{{.*}}, %{{.*}}] : memref<1x4x32xf32>, vector<8xf32>
// CHECK: %[[WD:.*]] = arith.extf %[[WV]] : vector<8xf32> to vector<8xf64>
// CHECK: %[[XS:.*]] = buffer.load %[[XR]][%{{.*}}, %{{.*}}] : memref<15x4xf32>
// CHECK: %[[XD:.*]] = arith.extf %[[XS]] : f32 to f64
// CHECK: %[[XB:.*]] = vector.broadcast %[[XD]] : f64 to vector<8xf64>
// CHECK: %[[P:.*]] = arith.mulf %[[WD]], %[[XB]] : vector<8xf64>
// CHECK: arith.addf %[[A0]], %[[P]] : vector<8xf64>
// CHECK-NOT: vector.fma
// CHECK: loop.yield
// CHECK: vector.store %[[ACC]]#0, %[[XW]][%[[D]], %{{.*}}, %{{.*}}] : memref<1x15x32xf64>, vector<8xf64>
// CHECK: } else {
// CHECK: loop.for {{.*}} -> (vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>)
// CHECK-LABEL: func.func private @k1_lstm
// CHECK-SAME: (%{{.*}}: memref<1x15x32xf64>, %[[R:.*]]: memref<1x5x32xf32>, %{{.*}}: memref<1x40xf32>, %[[H:.*]]: memref<3x5xf64>, %[[C:.*]]: memref<3x5xf64>, %[[HR:.*]]: memref<3x32xf64>, %[[Y:.*]]: memref<5x1x3x5xf32>, %[[YH:.*]]: memref<1x3x5xf32>, %[[YC:.*]]: memref<1x3x5xf32>)
// CHECK: loop.parallel (%{{.*}}, %[[B:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step
// CHECK: loop.for %[[T:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[HA:.*]]:4 = loop.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<8xf64>, vector<8xf64>, vector<8xf64>, vector<8xf64>)
// CHECK: vector.load %[[R]][%{{.*}}, %[[K]], %{{.*}}] : memref<1x5x32xf32>, vector<8xf32>
// CHECK: buffer.load %[[H]][%[[B]], %[[K]]] : memref<3x5xf64>
// CHECK: vector.store %[[HA]]#3, %[[HR]][%[[B]], %{{.*}}] : memref<3x32xf64>, vector<8xf64>
// CHECK: loop.for %[[J:.*]] =
// CHECK: buffer.load %[[C]][%[[B]], %[[J]]] : memref<3x5xf64>
// CHECK: math.exp
// CHECK: math.tanh
// CHECK: buffer.store %{{.*}}, %[[C]][%[[B]], %[[J]]] : memref<3x5xf64>
// CHECK: buffer.store %{{.*}}, %[[H]][%[[B]], %[[J]]] : memref<3x5xf64>
// CHECK: %[[YV:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %[[YV]], %[[Y]][%[[T]], %{{.*}}, %[[B]], %[[J]]] : memref<5x1x3x5xf32>
// CHECK: buffer.store %{{.*}}, %[[YH]][%{{.*}}, %[[B]], %{{.*}}] : memref<1x3x5xf32>
// CHECK: buffer.store %{{.*}}, %[[YC]][%{{.*}}, %[[B]], %{{.*}}] : memref<1x3x5xf32>
// CHECK-LABEL: func.func @main
// CHECK: %[[WG:.*]] = buffer.get_global @cst0 : memref<1x4x32xf32>
// CHECK: %[[RG:.*]] = buffer.get_global @cst1 : memref<1x5x32xf32>
// CHECK: %[[XWB:.*]] = buffer.alloc() : memref<1x15x32xf64>
// CHECK: call @k0_lstm_input(%{{.*}}, %[[WG]], %[[XWB]])
// CHECK: call @k1_lstm(%[[XWB]], %[[RG]],
func.func @main(%x: tensor<5x3x4xf32>, %b: tensor<1x40xf32>) -> (tensor<5x1x3x5xf32>, tensor<1x3x5xf32>, tensor<1x3x5xf32>) {
  %w = "flow.constant"() {value = dense<0.5> : tensor<1x20x4xf32>} : () -> tensor<1x20x4xf32>
  %r = "flow.constant"() {value = dense<0.25> : tensor<1x20x5xf32>} : () -> tensor<1x20x5xf32>
  %0:3 = "flow.lstm"(%x, %w, %r, %b) {hidden_size = 5 : i64} : (tensor<5x3x4xf32>, tensor<1x20x4xf32>, tensor<1x20x5xf32>, tensor<1x40xf32>) -> (tensor<5x1x3x5xf32>, tensor<1x3x5xf32>, tensor<1x3x5xf32>)
  return %0#0, %0#1, %0#2 : tensor<5x1x3x5xf32>, tensor<1x3x5xf32>, tensor<1x3x5xf32>
}

// -----

// Bidirectional GRU with runtime W / R: packing kernels (one task per direction and input row)
// fill arena buffers. The recurrence branches on the direction (each branch has its own static
// time order and activations); without linear_before_reset it takes two products per step:
// H x R^T for the z and r gates (2 vectors), then (r * h) x R_h^T (1 vector) into the third gate's
// columns. Y is absent (a `none` result): only Y_h is written.

// CHECK-LABEL: func.func private @k0_gru_pack_w
// CHECK-SAME: (%{{.*}}: memref<2x9x3xf32>, %{{.*}}: memref<2x3x24xf32>)
// CHECK: loop.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}})
// CHECK-LABEL: func.func private @k1_gru_pack_r
// CHECK-LABEL: func.func private @k2_gru_input
// CHECK-LABEL: func.func private @k3_gru
// CHECK-SAME: (%{{.*}}: memref<2x8x24xf64>, %{{.*}}: memref<2x3x24xf32>, %[[H:.*]]: memref<4x3xf64>, %[[HR:.*]]: memref<4x24xf64>, %[[RH:.*]]: memref<4x3xf64>, %[[YH:.*]]: memref<2x2x3xf32>)
// CHECK: loop.parallel (%[[D:.*]], %[[B:.*]]) =
// CHECK: %[[FWD:.*]] = arith.cmpi eq, %[[D]], %{{.*}} : index
// CHECK: loop.if %[[FWD]] {
// CHECK: loop.for
// CHECK: %{{.*}}:2 = loop.for {{.*}} -> (vector<8xf64>, vector<8xf64>)
// CHECK: math.exp
// CHECK: buffer.store %{{.*}}, %[[RH]][%[[B]], %{{.*}}] : memref<4x3xf64>
// CHECK: loop.for {{.*}} -> (vector<8xf64>)
// CHECK: buffer.load %[[RH]]
// CHECK: math.tanh
// CHECK: } else {
// CHECK: %[[S1:.*]] = arith.addi %[[B]], %{{.*}} : index
// CHECK: buffer.store %{{.*}}, %[[H]][%[[S1]], %{{.*}}] : memref<4x3xf64>
// CHECK: arith.subi
// CHECK: buffer.store %{{.*}}, %[[YH]]
// CHECK-LABEL: func.func @main
// CHECK: %[[PW:.*]] = buffer.alloc() : memref<2x3x24xf32>
// CHECK: call @k0_gru_pack_w(%{{.*}}, %[[PW]])
// CHECK: %[[PR:.*]] = buffer.alloc() : memref<2x3x24xf32>
// CHECK: call @k1_gru_pack_r(%{{.*}}, %[[PR]])
// CHECK: call @k2_gru_input(%{{.*}}, %[[PW]], %{{.*}})
// CHECK: call @k3_gru(%{{.*}}, %[[PR]],
func.func @main(%x: tensor<4x2x3xf32>, %w: tensor<2x9x3xf32>, %r: tensor<2x9x3xf32>) -> tensor<2x2x3xf32> {
  %0:2 = "flow.gru"(%x, %w, %r) {direction = "bidirectional", hidden_size = 3 : i64} : (tensor<4x2x3xf32>, tensor<2x9x3xf32>, tensor<2x9x3xf32>) -> (none, tensor<2x2x3xf32>)
  return %0#1 : tensor<2x2x3xf32>
}

// -----

// RNN, reverse, layout 1, runtime sequence_lens, initial_h after an absent B, Relu and clip:
// each chain reads its length (clamped into 0..6), zeroes Y past it, and runs the time loop
// backwards from length - 1. Without B the gate sum still adds the interpreter's zeros.

// CHECK-LABEL: func.func private @k1_rnn
// CHECK-SAME: (%{{.*}}: memref<1x12x8xf64>, %{{.*}}: memref<1x5x8xf32>, %[[L:.*]]: memref<2xi32>, %[[H0:.*]]: memref<2x1x5xf32>, %{{.*}}: memref<2x5xf64>, %{{.*}}: memref<2x8xf64>, %[[Y:.*]]: memref<2x6x1x5xf32>, %{{.*}}: memref<2x1x5xf32>)
// CHECK: loop.parallel (%{{.*}}, %[[B:.*]]) =
// CHECK: buffer.load %[[H0]][%[[B]], %{{.*}}, %{{.*}}] : memref<2x1x5xf32>
// CHECK: %[[LI:.*]] = buffer.load %[[L]][%[[B]]] : memref<2xi32>
// CHECK: %[[LX:.*]] = arith.index_cast %[[LI]] : i32 to index
// CHECK: %[[L0:.*]] = arith.maxsi %[[LX]], %{{.*}} : index
// CHECK: %[[LEN:.*]] = arith.minsi %[[L0]], %{{.*}} : index
// CHECK: loop.for %[[TZ:.*]] = %[[LEN]] to
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[B]], %[[TZ]], %{{.*}}, %{{.*}}] : memref<2x6x1x5xf32>
// CHECK: loop.for %[[STEP:.*]] = %{{.*}} to %[[LEN]] step
// CHECK: %[[LAST:.*]] = arith.subi %[[LEN]], %{{.*}} : index
// CHECK: %[[T:.*]] = arith.subi %[[LAST]], %[[STEP]] : index
// CHECK: %[[WB:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[RB:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[S0:.*]] = arith.addf %{{.*}}, %{{.*}} : f64
// CHECK: %[[S1:.*]] = arith.addf %[[S0]], %[[WB]] : f64
// CHECK: %[[S2:.*]] = arith.addf %[[S1]], %[[RB]] : f64
// CHECK: arith.constant -2.000000e+00 : f64
// CHECK: arith.maxnumf
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[B]], %[[T]], %{{.*}}, %{{.*}}] : memref<2x6x1x5xf32>
func.func @main(%x: tensor<2x6x4xf32>, %l: tensor<2xi32>, %h0: tensor<2x1x5xf32>) -> (tensor<2x6x1x5xf32>, tensor<2x1x5xf32>) {
  %w = "flow.constant"() {value = dense<0.5> : tensor<1x5x4xf32>} : () -> tensor<1x5x4xf32>
  %r = "flow.constant"() {value = dense<0.25> : tensor<1x5x5xf32>} : () -> tensor<1x5x5xf32>
  %n = "flow.none"() : () -> none
  %0:2 = "flow.rnn"(%x, %w, %r, %n, %l, %h0) {direction = "reverse", hidden_size = 5 : i64, layout = 1 : i64, activations = ["Relu"], clip = 2.0 : f32} : (tensor<2x6x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, none, tensor<2xi32>, tensor<2x1x5xf32>) -> (tensor<2x6x1x5xf32>, tensor<2x1x5xf32>)
  return %0#0, %0#1 : tensor<2x6x1x5xf32>, tensor<2x1x5xf32>
}

// -----

// A constant sequence_lens equal to the sequence length everywhere is the static full length:
// no lengths argument, no zeroing of Y.

// CHECK-LABEL: func.func private @k3_rnn
// CHECK-SAME: (%{{.*}}: memref<1x6x8xf64>, %{{.*}}: memref<1x5x8xf32>, %{{.*}}: memref<2x5xf64>, %{{.*}}: memref<2x8xf64>, %{{.*}}: memref<3x1x2x5xf32>)
// CHECK-NOT: index_cast
// CHECK-LABEL: func.func @main
func.func @main(%x: tensor<3x2x4xf32>, %w: tensor<1x5x4xf32>, %r: tensor<1x5x5xf32>) -> tensor<3x1x2x5xf32> {
  %n = "flow.none"() : () -> none
  %l = "flow.constant"() {value = dense<3> : tensor<2xi32>} : () -> tensor<2xi32>
  %0 = "flow.rnn"(%x, %w, %r, %n, %l) {hidden_size = 5 : i64} : (tensor<3x2x4xf32>, tensor<1x5x4xf32>, tensor<1x5x5xf32>, none, tensor<2xi32>) -> tensor<3x1x2x5xf32>
  return %0 : tensor<3x1x2x5xf32>
}
