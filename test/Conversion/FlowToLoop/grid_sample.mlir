// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// Linear (bilinear), zeros padding, align_corners = 0: a task per (batch, output row); per output
// position the grid's (x, y) pair is read last component first (dims order), denormalized in
// f64 and rounded through f32; two taps per dim from floor; then a loop over the channels sums
// the 2 x 2 taps, each guarded by its bounds check and a non-zero weight.
// CHECK-LABEL: func.func private @k0_grid_sample
// CHECK-SAME: (%[[X:.*]]: memref<1x2x3x4xf32>, %[[G:.*]]: memref<1x5x6x2xf32>, %[[Y:.*]]: memref<1x2x5x6xf32>)
// CHECK: loop.parallel (%[[B:.*]], %[[H:.*]]) =
// CHECK: loop.for %[[W:.*]] =
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: buffer.load %[[G]][%[[B]], %[[H]], %[[W]], %[[C1]]]
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: math.floor
// CHECK: arith.fptosi
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: buffer.load %[[G]][%[[B]], %[[H]], %[[W]], %{{.*}}]
// CHECK: loop.for %[[CH:.*]] =
// CHECK: buffer.load %[[X]][%[[B]], %[[CH]], %{{.*}}, %{{.*}}]
// CHECK-COUNT-4: arith.cmpf une
// CHECK: arith.select
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[B]], %[[CH]], %[[H]], %[[W]]]
func.func @main(%x: tensor<1x2x3x4xf32>, %g: tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32> {
  %0 = "flow.grid_sample"(%x, %g) {mode = "linear", padding_mode = "zeros", align_corners = 0 : i64} : (tensor<1x2x3x4xf32>, tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32>
  return %0 : tensor<1x2x5x6xf32>
}

// -----

// Bicubic with reflection padding on a volume: four taps per dim, reflected (fptosi of the
// quotient, parity by andi), 64 taps summed per channel.
// CHECK-LABEL: func.func private @k0_grid_sample
// CHECK: math.absf
// CHECK: arith.andi %{{.*}} : i64
// CHECK: loop.for
// CHECK-COUNT-64: arith.cmpf une
// CHECK-NOT: arith.cmpf une
// CHECK: buffer.store
func.func @main(%x: tensor<1x1x2x3x4xf32>, %g: tensor<1x2x2x2x3xf32>) -> tensor<1x1x2x2x2xf32> {
  %0 = "flow.grid_sample"(%x, %g) {mode = "cubic", padding_mode = "reflection", align_corners = 1 : i64} : (tensor<1x1x2x3x4xf32>, tensor<1x2x2x2x3xf32>) -> tensor<1x1x2x2x2xf32>
  return %0 : tensor<1x1x2x2x2xf32>
}

// -----

// Nearest with border padding: roundeven, the clamp applied only outside [lo, hi], one tap.
// CHECK-LABEL: func.func private @k0_grid_sample
// CHECK: math.roundeven
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: loop.for
// CHECK-COUNT-1: arith.cmpf une
// CHECK-NOT: arith.cmpf une
// CHECK: buffer.store
func.func @main(%x: tensor<1x1x3x4xf16>, %g: tensor<1x2x2x2xf16>) -> tensor<1x1x2x2xf16> {
  %0 = "flow.grid_sample"(%x, %g) {mode = "nearest", padding_mode = "border"} : (tensor<1x1x3x4xf16>, tensor<1x2x2x2xf16>) -> tensor<1x1x2x2xf16>
  return %0 : tensor<1x1x2x2xf16>
}
