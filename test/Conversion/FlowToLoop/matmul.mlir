// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// f32 MatMul with a constant B: B is packed at compile time into [panels, K, NR = 48] (a new
// weight; the original constant is not emitted), the product kernel's tasks are a loop.parallel
// over (batch, row blocks, column blocks), and the micro-kernel is a loop over k carrying the
// 8 x 3 vector accumulators, with one broadcast of A and three FMAs per row.

// CHECK-NOT: buffer.global
// CHECK: buffer.global @cst0 : memref<2x70x48xf32> = dense_resource<packed_b>
// CHECK-NOT: buffer.global
// CHECK-LABEL: func.func private @k0_matmul
// CHECK-SAME: (%[[A:.*]]: memref<20x70xf32>, %[[B:.*]]: memref<2x70x48xf32>, %[[C:.*]]: memref<20x50xf32>) attributes {flowc.kernel}
// CHECK: buffer.alloca() : memref<16xf32>
// CHECK: loop.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
// CHECK: loop.for
// CHECK: %[[ACC:.*]]:24 = loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>,
// CHECK: %[[B0:.*]] = vector.load %[[B]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x70x48xf32>, vector<16xf32>
// CHECK: %[[B1:.*]] = vector.load %[[B]]
// CHECK: %[[B2:.*]] = vector.load %[[B]]
// CHECK: %[[S:.*]] = buffer.load %[[A]][%{{.*}}, %{{.*}}] : memref<20x70xf32>
// CHECK: %[[SV:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK: vector.fma %[[SV]], %[[B0]], %{{.*}} : vector<16xf32>
// CHECK: vector.fma %[[SV]], %[[B1]], %{{.*}} : vector<16xf32>
// CHECK: vector.fma %[[SV]], %[[B2]], %{{.*}} : vector<16xf32>
// CHECK: loop.yield
// CHECK: vector.store %[[ACC]]#0, %[[C]][%{{.*}}, %{{.*}}] : memref<20x50xf32>, vector<16xf32>
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = buffer.get_global @cst0 : memref<2x70x48xf32>
// CHECK: call @k0_matmul(%{{.*}}, %[[W]], %{{.*}})
func.func @main(%a: tensor<20x70xf32>) -> tensor<20x50xf32> {
  %b = "flow.constant"() {value = dense<0.5> : tensor<70x50xf32>} : () -> tensor<70x50xf32>
  %0 = "flow.matmul"(%a, %b) : (tensor<20x70xf32>, tensor<70x50xf32>) -> tensor<20x50xf32>
  return %0 : tensor<20x50xf32>
}

// -----

// A runtime B is packed by a kernel (one task per batch and panel) into an arena buffer; the
// batch of A is broadcast.

// CHECK-LABEL: func.func private @k0_pack_b
// CHECK-SAME: (%{{.*}}: memref<3x17x5xf32>, %{{.*}}: memref<3x17x48xf32>)
// CHECK: loop.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}})
// CHECK-LABEL: func.func private @k1_matmul
// CHECK: vector.fma
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = buffer.alloc() : memref<3x17x48xf32>
// CHECK: call @k0_pack_b(%{{.*}}, %[[P]])
// CHECK: call @k1_matmul(%{{.*}}, %[[P]], %{{.*}})
func.func @main(%a: tensor<2x3x9x17xf32>, %b: tensor<3x17x5xf32>) -> tensor<2x3x9x5xf32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<2x3x9x17xf32>, tensor<3x17x5xf32>) -> tensor<2x3x9x5xf32>
  return %0 : tensor<2x3x9x5xf32>
}

// -----

// Gemm: transA reads A by columns, alpha scales the accumulators, beta * C is added on the
// first block of k (C broadcast along rows here).

// CHECK-LABEL: func.func private @k1_gemm
// CHECK-SAME: (%[[A:.*]]: memref<30x20xf32>, %{{.*}}: memref<2x30x48xf32>, %[[C:.*]]: memref<50xf32>, %{{.*}}: memref<20x50xf32>)
// CHECK: %[[CV:.*]] = buffer.view %[[C]] : memref<50xf32> to memref<1x50xf32>
// CHECK: buffer.load %[[A]][%{{.*}}, %{{.*}}] : memref<30x20xf32>
// CHECK: vector.fma
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: vector.load %[[CV]]
// CHECK: arith.addf
func.func @main(%a: tensor<30x20xf32>, %b: tensor<50x30xf32>, %c: tensor<50xf32>) -> tensor<20x50xf32> {
  %0 = "flow.gemm"(%a, %b, %c) {transA = 1 : i64, transB = 1 : i64, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<30x20xf32>, tensor<50x30xf32>, tensor<50xf32>) -> tensor<20x50xf32>
  return %0 : tensor<20x50xf32>
}

// -----

// Integer MatMul: a plain loop nest with a wrapping sum.

// CHECK-LABEL: func.func private @k0_matmul
// CHECK: loop.parallel
// CHECK: loop.for {{.*}} iter_args(%[[S:.*]] = %{{.*}}) -> (i32)
// CHECK: arith.muli
// CHECK: arith.addi %[[S]]
// CHECK-NOT: vector.fma
func.func @main(%a: tensor<4x5xi32>, %b: tensor<5x3xi32>) -> tensor<4x3xi32> {
  %0 = "flow.matmul"(%a, %b) : (tensor<4x5xi32>, tensor<5x3xi32>) -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

// -----

// MatMulInteger: 8-bit operands widened to i32, zero points (per row of A here) subtracted.

// CHECK-LABEL: func.func private @k0_matmul_integer
// CHECK-SAME: (%[[A:.*]]: memref<5x7xi8>, %[[B:.*]]: memref<7x6xi8>, %[[ZA:.*]]: memref<5xi8>, %{{.*}}: memref<5x6xi32>)
// CHECK: %[[Z:.*]] = buffer.load %{{.*}}[%{{.*}}] : memref<5xi8>
// CHECK: %[[ZW:.*]] = arith.extsi %[[Z]] : i8 to i32
// CHECK: loop.for {{.*}} iter_args(%[[S:.*]] = %{{.*}}) -> (i32)
// CHECK: %[[X:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[Y:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi %[[X]], %[[ZW]] : i32
// CHECK: arith.muli
// CHECK: arith.addi %[[S]]
func.func @main(%a: tensor<5x7xi8>, %b: tensor<7x6xui8>, %za: tensor<5xi8>) -> tensor<5x6xi32> {
  %0 = "flow.matmul_integer"(%a, %b, %za) : (tensor<5x7xi8>, tensor<7x6xui8>, tensor<5xi8>) -> tensor<5x6xi32>
  return %0 : tensor<5x6xi32>
}
