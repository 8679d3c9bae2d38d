// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// Bufferization of the entry function: inputs and results become memref arguments; the kernel
// that makes a result writes it in place (destination passing); the reshape family is a view;
// constants read by kernels become globals, shape operands do not; a result that is a view, an
// input or returned twice is copied into its destination.

// CHECK: buffer.global @cst0 : memref<3xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NOT: buffer.global
// CHECK-LABEL: func.func private @k0_add
// CHECK-SAME: (%{{.*}}: memref<2x3xf32>, %{{.*}}: memref<1x3xf32>, %{{.*}}: memref<2x3xf32>) attributes {flowc.kernel}
// CHECK: loop.parallel (%[[I:.*]]) =
// CHECK: loop.for %[[J:.*]] =
// CHECK: buffer.load %arg0[%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK: buffer.load %arg1[%{{.*}}, %[[J]]] : memref<1x3xf32>
// CHECK: arith.addf
// CHECK: buffer.store {{.*}}, %arg2[%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK-LABEL: func.func private @k1_relu
// CHECK-LABEL: func.func private @k2_copy
// CHECK-LABEL: func.func private @k3_copy
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[R0:.*]]: memref<2x3xf32>, %[[R1:.*]]: memref<6xf32>, %[[R2:.*]]: memref<2x3xf32>) attributes {flowc.entry}
// CHECK: %[[T:.*]] = buffer.alloc() : memref<2x3xf32>
// CHECK: %[[W:.*]] = buffer.get_global @cst0 : memref<3xf32>
// CHECK: %[[WV:.*]] = buffer.view %[[W]] : memref<3xf32> to memref<1x3xf32>
// CHECK: call @k0_add(%[[A]], %[[WV]], %[[T]])
// CHECK: %[[TV:.*]] = buffer.view %[[T]] : memref<2x3xf32> to memref<6xf32>
// CHECK: %[[R0V:.*]] = buffer.view %[[R0]] : memref<2x3xf32> to memref<6xf32>
// CHECK: call @k1_relu(%[[TV]], %[[R0V]])
// CHECK: %[[V:.*]] = buffer.view %[[R0]] : memref<2x3xf32> to memref<6xf32>
// CHECK: call @k2_copy(%[[V]], %[[R1]])
// CHECK: call @k3_copy(%[[A]], %[[R2]])
// CHECK-NEXT: return
func.func @main(%a: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<6xf32>, tensor<2x3xf32>) {
  %s = "flow.constant"() {value = dense<[6]> : tensor<1xi64>} : () -> tensor<1xi64>
  %w = "flow.constant"() {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "flow.add"(%a, %w) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = "flow.relu"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = "flow.reshape"(%1, %s) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %1, %2, %a : tensor<2x3xf32>, tensor<6xf32>, tensor<2x3xf32>
}

// -----

// f16 is computed in f32 and rounded once per op; bool is stored as i8.
// CHECK-LABEL: func.func private @k0_add
// CHECK: %[[X:.*]] = buffer.load {{.*}} : memref<4xf16>
// CHECK: arith.extf %[[X]] : f16 to f32
// CHECK: %[[S:.*]] = arith.addf {{.*}} : f32
// CHECK: arith.truncf %[[S]] : f32 to f16
// CHECK-LABEL: func.func private @k1_less
// CHECK: arith.cmpf olt
// CHECK: arith.extui {{.*}} : i1 to i8
// CHECK: buffer.store {{.*}} : memref<4xi8>
func.func @main(%a: tensor<4xf16>, %b: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xi1>) {
  %0 = "flow.add"(%a, %b) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  %1 = "flow.less"(%a, %b) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xi1>
  return %0, %1 : tensor<4xf16>, tensor<4xi1>
}

// -----

// A boolean constant is stored as bytes: its global is an i8 memref with an i8 value.
// CHECK-LABEL: buffer.global @cst0 : memref<4xi8> = dense<[1, 0, 1, 0]> : tensor<4xi8>
// CHECK-LABEL: func.func @main
func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %c = "flow.constant"() {value = dense<[true, false, true, false]> : tensor<4xi1>} : () -> tensor<4xi1>
  %0 = "flow.where"(%c, %a, %b) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A graph without ops (an ONNX Identity model after import) still gets its result copied.
// CHECK-LABEL: func.func private @k0_copy
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>, %[[R:.*]]: memref<4xf32>) attributes {flowc.entry}
// CHECK-NEXT: call @k0_copy(%[[A]], %[[R]])
func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
