// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// Forward real DFT over axis 1 (constant): the twiddle table [n, (cos, sin)] of -2 pi m / n
// computed at compile time; a task per (outer, frequency k); the sum over t reads the table at
// (k * t) mod n and accumulates re += a c - b s, im += a s + b c in f64 (b = 0 for real input).
// CHECK: buffer.global @cst0 : memref<4x2xf64> = dense<[
// CHECK-SAME: [1.000000e+00, -0.000000e+00]
// CHECK-LABEL: func.func private @k0_dft
// CHECK-SAME: (%[[X:.*]]: memref<2x4x1x1xf32>, %[[T:.*]]: memref<4x2xf64>, %[[Y:.*]]: memref<2x4x1x2xf32>)
// CHECK: loop.parallel (%[[O:.*]], %[[K:.*]]) =
// CHECK: loop.for %[[I:.*]] =
// CHECK: loop.for %[[TT:.*]] = {{.*}} iter_args(%[[RE:.*]] = %{{.*}}, %[[IM:.*]] = %{{.*}}) -> (f64, f64)
// CHECK: %[[KT:.*]] = arith.muli %[[K]], %[[TT]] : index
// CHECK: %[[M:.*]] = arith.remui %[[KT]], %{{.*}} : index
// CHECK: buffer.load %[[T]][%[[M]], %{{.*}}]
// CHECK: buffer.load %[[X]][%[[O]], %[[TT]], %[[I]], %{{.*}}]
// CHECK: arith.subf
// CHECK: arith.addf
// CHECK: arith.addf %[[RE]]
// CHECK: arith.addf %[[IM]]
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[O]], %[[K]], %[[I]], %{{.*}}]
// CHECK: buffer.store %{{.*}}, %[[Y]][%[[O]], %[[K]], %[[I]], %{{.*}}]
func.func @main(%x: tensor<2x4x1xf32>) -> tensor<2x4x2xf32> {
  %0 = "flow.dft"(%x) {axis = 1 : i64} : (tensor<2x4x1xf32>) -> tensor<2x4x2xf32>
  return %0 : tensor<2x4x2xf32>
}

// -----

// irfft (inverse, onesided) of a 3-bin half spectrum: n = 4 terms of the Hermitian extension,
// past the half the conjugate of n - t; the DC and Nyquist imaginary parts dropped; divided by n.
// CHECK-LABEL: func.func private @k0_dft
// CHECK: arith.cmpi sge
// CHECK: arith.subi
// CHECK: arith.cmpi eq
// CHECK: arith.cmpi eq
// CHECK: arith.negf
// CHECK: arith.divf
// CHECK: arith.divf
func.func @main(%x: tensor<1x3x2xf32>) -> tensor<1x4x1xf32> {
  %0 = "flow.dft"(%x) {axis = 1 : i64, inverse = 1 : i64, onesided = 1 : i64} : (tensor<1x3x2xf32>) -> tensor<1x4x1xf32>
  return %0 : tensor<1x4x1xf32>
}

// -----

// A runtime axis: a kernel per axis the result shape allows (each of 0, 1, 2 here), each working
// only when the axis operand is that axis (or that axis counted from the end).
// CHECK-LABEL: func.func private @k0_dft
// CHECK: loop.parallel
// CHECK: arith.cmpi eq
// CHECK: arith.cmpi eq
// CHECK: loop.if
// CHECK-LABEL: func.func private @k1_dft
// CHECK: loop.if
// CHECK-LABEL: func.func private @k2_dft
// CHECK: loop.if
// CHECK-LABEL: func.func @main
// CHECK: call @k0_dft
// CHECK: call @k1_dft
// CHECK: call @k2_dft
func.func @main(%x: tensor<2x3x3x2xf32>, %a: tensor<i64>) -> tensor<2x3x3x2xf32> {
  %n = "flow.none"() : () -> none
  %0 = "flow.dft"(%x, %n, %a) : (tensor<2x3x3x2xf32>, none, tensor<i64>) -> tensor<2x3x3x2xf32>
  return %0 : tensor<2x3x3x2xf32>
}
