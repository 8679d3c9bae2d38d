// RUN: flowc-opt %s --split-input-file --convert-flow-to-loop | FileCheck %s

// ReduceSum over a middle axis: tasks over the leading kept dim; the reduced dim is a
// sequential loop outside the contiguous kept dim, accumulating in an f64 scratch buffer (the
// interpreter's f64 sums, in its order), rounded once into the result.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME: (%{{.*}}: memref<4x5x6xf32>, %{{.*}}: memref<4x1x6xf32>, %{{.*}}: memref<4x1x6xf64>)
// CHECK: loop.parallel (%[[O:.*]]) =
// CHECK: buffer.store %{{.*}}, %arg2[%[[O]], %{{.*}}, %{{.*}}] : memref<4x1x6xf64>
// CHECK: loop.for %[[R:.*]] = {{.*}} {
// CHECK: loop.for %[[I:.*]] = {{.*}} {
// CHECK: buffer.load %arg0[%[[O]], %[[R]], %[[I]]] : memref<4x5x6xf32>
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.addf %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: buffer.store %{{.*}}, %arg1[%[[O]], %{{.*}}, %{{.*}}] : memref<4x1x6xf32>

// ReduceMax over the last axis (keepdims = 0): one accumulator in registers per result
// element, NaN propagating (ord / ugt select), the result viewed with the kept dim.
// CHECK-LABEL: func.func private @k1_reduce
// CHECK-SAME: (%{{.*}}: memref<4x5x6xf32>, %{{.*}}: memref<4x5x1xf32>)
// CHECK: loop.parallel (%[[A:.*]], %[[B:.*]]) =
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: loop.for %[[K:.*]] = {{.*}} iter_args(%[[M:.*]] = %[[NINF]]) -> (f32)
// CHECK: arith.cmpf ord, %[[M]], %[[M]]
// CHECK: arith.cmpf ugt
// CHECK: loop.yield %{{.*}} : f32

// ArgMax over axis 1: first index of the max, NaN wins.
// CHECK-LABEL: func.func private @k2_arg_max
// CHECK: loop.for {{.*}} iter_args({{.*}}) -> (index, f32)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: arith.index_cast %{{.*}} : index to i64

// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = buffer.alloc() : memref<4x1x6xf64>
// CHECK: call @k0_reduce(%arg0, %arg1, %[[S]])
// CHECK: %[[V:.*]] = buffer.view %arg2 : memref<4x5xf32> to memref<4x5x1xf32>
// CHECK: call @k1_reduce(%arg0, %[[V]])
func.func @main(%a: tensor<4x5x6xf32>) -> (tensor<4x1x6xf32>, tensor<4x5xf32>, tensor<4x6xi64>) {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %ax2 = "flow.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_sum"(%a, %ax) : (tensor<4x5x6xf32>, tensor<1xi64>) -> tensor<4x1x6xf32>
  %1 = "flow.reduce_max"(%a, %ax2) {keepdims = 0 : i64} : (tensor<4x5x6xf32>, tensor<1xi64>) -> tensor<4x5xf32>
  %2 = "flow.arg_max"(%a) {axis = 1 : i64, keepdims = 0 : i64} : (tensor<4x5x6xf32>) -> tensor<4x6xi64>
  return %0, %1, %2 : tensor<4x1x6xf32>, tensor<4x5xf32>, tensor<4x6xi64>
}

// -----

// Integer sums accumulate in place in the result (wrapping); runtime axes are deduced from
// the result shape when it determines them.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME: (%{{.*}}: memref<3x4xi32>, %{{.*}}: memref<1x4xi32>)
// CHECK-NOT: loop.parallel
// CHECK: arith.addi %{{.*}} : i32
// CHECK-NOT: f64
// CHECK: func.return
func.func @main(%a: tensor<3x4xi32>, %ax: tensor<1xi64>) -> tensor<1x4xi32> {
  %0 = "flow.reduce_sum"(%a, %ax) : (tensor<3x4xi32>, tensor<1xi64>) -> tensor<1x4xi32>
  return %0 : tensor<1x4xi32>
}

// -----

// Runtime axes the result shape leaves ambiguous (axis 1 or 2 of 3x2x2): one task, a branch
// per candidate set, taken when the runtime axes name it.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME: (%{{.*}}: memref<1xi64>, %{{.*}}: memref<3x2x2xf32>, %{{.*}}: memref<3x2x1xf32>, %{{.*}}: memref<3x1x2xf32>)
// CHECK-NOT: loop.parallel
// CHECK: buffer.load %arg0
// CHECK: loop.if
// CHECK: arith.addf %{{.*}} : f64
// CHECK: buffer.store %{{.*}}, %arg2
// CHECK: loop.if
// CHECK: buffer.store %{{.*}}, %arg3
func.func @main(%a: tensor<3x2x2xf32>, %ax: tensor<1xi64>) -> tensor<3x2xf32> {
  %0 = "flow.reduce_sum"(%a, %ax) {keepdims = 0 : i64} : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Reducing the leading dim of a wide matrix: no kept dim before the row, so the row is cut into
// chunks of 4096, one task each.
// CHECK-LABEL: func.func private @k0_reduce
// CHECK: %[[N:.*]] = arith.constant 3 : index
// CHECK: loop.parallel (%[[C:.*]]) = (%{{.*}}) to (%[[N]])
// CHECK: %[[LO:.*]] = arith.muli %[[C]]
// CHECK: %[[HI:.*]] = arith.minsi
// CHECK: loop.for %{{.*}} = %[[LO]] to %[[HI]]
func.func @main(%a: tensor<8x10000xf32>) -> tensor<1x10000xf32> {
  %ax = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_sum"(%a, %ax) : (tensor<8x10000xf32>, tensor<1xi64>) -> tensor<1x10000xf32>
  return %0 : tensor<1x10000xf32>
}
