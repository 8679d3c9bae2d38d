// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// Same-shape operands: the dims collapse (views) into one contiguous loop.
// CHECK-LABEL: func.func private @k0_add
// CHECK-SAME: (%{{.*}}: memref<32xf32>, %{{.*}}: memref<32xf32>, %{{.*}}: memref<32xf32>)
// CHECK-NOT: loop.parallel
// CHECK: loop.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: buffer.load %arg0[%[[I]]] : memref<32xf32>
// CHECK: arith.addf
// CHECK-LABEL: func.func @main
// CHECK: buffer.view %arg0 : memref<4x8xf32> to memref<32xf32>
func.func @main(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = "flow.add"(%a, %b) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// A long row is cut into tasks of 4096 elements; Relu keeps NaN (x < 0 ? 0 : x).
// CHECK-LABEL: func.func private @k0_relu
// CHECK-SAME: memref<16384xf32>
// CHECK: %[[N:.*]] = arith.constant 4 : index
// CHECK: loop.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[N]])
// CHECK: %[[LO:.*]] = arith.muli %[[T]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi
// CHECK: loop.for %{{.*}} = %[[LO]] to %[[HI]]
// CHECK: arith.cmpf olt
// CHECK: arith.select
func.func @main(%a: tensor<2x8192xf32>) -> tensor<2x8192xf32> {
  %0 = "flow.relu"(%a) : (tensor<2x8192xf32>) -> tensor<2x8192xf32>
  return %0 : tensor<2x8192xf32>
}

// -----

// Integer Div: by 0 gives 0, by -1 negates (no trap); Mod takes the divisor's sign.
// CHECK-LABEL: func.func private @k0_div
// CHECK: %[[IS0:.*]] = arith.cmpi eq, %[[B:.*]], %{{.*}} : i32
// CHECK: %[[ISM1:.*]] = arith.cmpi eq, %[[B]], %{{.*}} : i32
// CHECK: %[[BAD:.*]] = arith.ori %[[IS0]], %[[ISM1]] : i1
// CHECK: %[[SAFE:.*]] = arith.select %[[BAD]], %{{.*}}, %[[B]] : i32
// CHECK: arith.divsi %{{.*}}, %[[SAFE]] : i32
// CHECK-LABEL: func.func private @k1_mod
// CHECK: %[[R:.*]] = arith.remsi
// CHECK: arith.xori
// CHECK: arith.addi
// CHECK: arith.select
func.func @main(%a: tensor<5xi32>, %b: tensor<5xi32>) -> (tensor<5xi32>, tensor<5xi32>) {
  %0 = "flow.div"(%a, %b) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %1 = "flow.mod"(%a, %b) : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0, %1 : tensor<5xi32>, tensor<5xi32>
}

// -----

// Cast float -> i8 goes through i64 (wrapping), NaN gives 0; IsInf honours detect_negative;
// BitShift of unsigned values: logical, amounts >= 8 give 0; Round is half to even.
// CHECK-LABEL: func.func private @k0_cast
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK: arith.cmpf uno
// CHECK-LABEL: func.func private @k1_is_inf
// CHECK: arith.cmpf oeq, %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.cmpf
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK-LABEL: func.func private @k2_bit_shift
// CHECK: arith.cmpi ult
// CHECK: arith.shrui
// CHECK-LABEL: func.func private @k3_round
// CHECK: math.roundeven
func.func @main(%a: tensor<5xf32>, %b: tensor<5xui8>, %c: tensor<5xui8>) -> (tensor<5xi8>, tensor<5xi1>, tensor<5xui8>, tensor<5xf32>) {
  %0 = "flow.cast"(%a) {to = 3 : i64} : (tensor<5xf32>) -> tensor<5xi8>
  %1 = "flow.is_inf"(%a) {detect_negative = 0 : i64} : (tensor<5xf32>) -> tensor<5xi1>
  %2 = "flow.bit_shift"(%b, %c) {direction = "RIGHT"} : (tensor<5xui8>, tensor<5xui8>) -> tensor<5xui8>
  %3 = "flow.round"(%a) : (tensor<5xf32>) -> tensor<5xf32>
  return %0, %1, %2, %3 : tensor<5xi8>, tensor<5xi1>, tensor<5xui8>, tensor<5xf32>
}

// -----

// Where with three-way broadcasting: index 0 on broadcast dims, a rank-0 operand seen as 1x1.
// CHECK-LABEL: func.func private @k0_where
// CHECK-SAME: (%{{.*}}: memref<3x1xi8>, %{{.*}}: memref<1x4xf32>, %{{.*}}: memref<1x1xf32>, %{{.*}}: memref<3x4xf32>)
// CHECK: loop.parallel (%[[I:.*]]) =
// CHECK: loop.for %[[J:.*]] =
// CHECK: buffer.load %arg0[%[[I]], %{{.*}}] : memref<3x1xi8>
// CHECK: buffer.load %arg1[%{{.*}}, %[[J]]] : memref<1x4xf32>
// CHECK: arith.select
// CHECK: buffer.store {{.*}}, %arg3[%[[I]], %[[J]]]
func.func @main(%c: tensor<3x1xi1>, %a: tensor<1x4xf32>, %b: tensor<f32>) -> tensor<3x4xf32> {
  %0 = "flow.where"(%c, %a, %b) : (tensor<3x1xi1>, tensor<1x4xf32>, tensor<f32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Variadic Sum of f16 rounds after each step, as the interpreter's pairwise adds do.
// CHECK-LABEL: func.func private @k0_sum
// CHECK: arith.addf
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to f16
// CHECK-NEXT: arith.extf
// CHECK: arith.addf
func.func @main(%a: tensor<4xf16>, %b: tensor<4xf16>, %c: tensor<4xf16>) -> tensor<4xf16> {
  %0 = "flow.sum"(%a, %b, %c) : (tensor<4xf16>, tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}
