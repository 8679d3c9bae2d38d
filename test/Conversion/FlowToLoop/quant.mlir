// RUN: flowc-opt %s --convert-flow-to-loop | FileCheck %s

// QuantizeLinear, per-axis scale and zero point: x / scale in f32, rounded half to even in f64,
// plus the zero point, clamped to i8's range.
// CHECK-LABEL: func.func private @k0_quantize
// CHECK: %[[S:.*]] = buffer.load %arg1[%[[J:.*]]] : memref<4xf32>
// CHECK: buffer.load %arg2[%[[J]]] : memref<4xi8>
// CHECK: %[[D:.*]] = arith.divf %{{.*}}, %[[S]] : f32
// CHECK: %[[W:.*]] = arith.extf %[[D]] : f32 to f64
// CHECK: math.roundeven %[[W]] : f64
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: buffer.store %{{.*}}, %arg3

// DequantizeLinear, scalar parameters of ui8: (x - zero_point) in f64, times the scale in f32.
// CHECK-LABEL: func.func private @k1_dequantize
// CHECK: buffer.load %arg1[] : memref<f32>
// CHECK: arith.uitofp %{{.*}} : i8 to f64
// CHECK: arith.subf %{{.*}} : f64
// CHECK: arith.mulf %{{.*}} : f32

// DynamicQuantizeLinear: one task for the scale and the zero point (min / max folded from 0),
// then an elementwise kernel reading them.
// CHECK-LABEL: func.func private @k2_dynamic_quantize_params
// CHECK-NOT: loop.parallel
// CHECK: arith.maxnumf
// CHECK: arith.minnumf
// CHECK: math.roundeven %{{.*}} : f32
// CHECK: buffer.store %{{.*}}, %arg1[] : memref<f32>
// CHECK: buffer.store %{{.*}}, %arg2[] : memref<i8>
// CHECK-LABEL: func.func private @k3_dynamic_quantize
// CHECK: loop.parallel
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK-LABEL: func.func @main
// CHECK: call @k0_quantize
// CHECK: call @k1_dequantize
// CHECK: %[[V:.*]] = buffer.view %arg0 : memref<2x4xf32> to memref<8xf32>
// CHECK: call @k2_dynamic_quantize_params(%[[V]], %arg9, %arg10)
// CHECK: call @k3_dynamic_quantize(%arg0, %arg9, %arg10, %arg8)
func.func @main(%x: tensor<2x4xf32>, %s: tensor<4xf32>, %z: tensor<4xi8>, %q: tensor<2x4xui8>, %qs: tensor<f32>, %qz: tensor<ui8>) -> (tensor<2x4xi8>, tensor<2x4xf32>, tensor<2x4xui8>, tensor<f32>, tensor<ui8>) {
  %0 = "flow.quantize_linear"(%x, %s, %z) : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<2x4xi8>
  %1 = "flow.dequantize_linear"(%q, %qs, %qz) : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xf32>
  %2:3 = "flow.dynamic_quantize_linear"(%x) : (tensor<2x4xf32>) -> (tensor<2x4xui8>, tensor<f32>, tensor<ui8>)
  return %0, %1, %2#0, %2#1, %2#2 : tensor<2x4xi8>, tensor<2x4xf32>, tensor<2x4xui8>, tensor<f32>, tensor<ui8>
}
