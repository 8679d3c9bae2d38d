// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Round trip of the loop dialect's custom syntax, and through the generic form.

// CHECK-LABEL: func.func @for_iter_args(
// CHECK-SAME:      %[[M:.*]]: memref<8xf32>) -> f32 {
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[R:.*]] = loop.for %[[IV:.*]] = %[[C0]] to %[[C8]] step %[[C1]] iter_args(%[[ACC:.*]] = %[[Z]]) -> (f32) {
// CHECK-NEXT:      %[[X:.*]] = buffer.load %[[M]][%[[IV]]] : memref<8xf32>
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:      loop.yield %[[S]] : f32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f32
// GENERIC-LABEL: "func.func"
// GENERIC:       "loop.for"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) ({
// GENERIC-NEXT:  ^bb0(%{{.*}}: index, %{{.*}}: f32):
// GENERIC:       "loop.yield"(%{{.*}}) : (f32) -> ()
// GENERIC-NEXT:  }) : (index, index, index, f32) -> f32
func.func @for_iter_args(%m: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %r = loop.for %iv = %c0 to %c8 step %c1 iter_args(%acc = %z) -> (f32) {
    %x = buffer.load %m[%iv] : memref<8xf32>
    %s = arith.addf %acc, %x : f32
    loop.yield %s : f32
  }
  return %r : f32
}

// Two iter_args of different types; no iter_args; an implicit terminator.
// CHECK-LABEL: func.func @for_forms(
// CHECK:         %{{.*}}:2 = loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, index) {
// CHECK:           loop.yield %{{.*}}, %{{.*}} : f32, index
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      buffer.store
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    }
func.func @for_forms(%m: memref<8xf32>, %lb: index, %ub: index, %step: index, %f: f32) {
  %r:2 = loop.for %iv = %lb to %ub step %step iter_args(%a = %f, %n = %lb) -> (f32, index) {
    %n1 = arith.addi %n, %iv : index
    loop.yield %a, %n1 : f32, index
  }
  loop.for %iv = %lb to %ub step %step {
    buffer.store %f, %m[%iv] : memref<8xf32>
  }
  return
}

// CHECK-LABEL: func.func @parallel(
// CHECK:         loop.parallel (%[[I:.*]], %[[J:.*]]) = (%[[C0:.*]], %[[C0]]) to (%[[C4:.*]], %[[C8:.*]]) step (%[[C1:.*]], %[[C1]]) {
// CHECK-NEXT:      %[[X:.*]] = buffer.load %{{.*}}[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:      buffer.store %[[X]], %{{.*}}[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    }
// CHECK:         loop.parallel (%{{.*}}) = (%[[C0]]) to (%[[C4]]) step (%[[C1]]) {
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    } {tag}
// GENERIC:       "loop.parallel"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 2, 2, 2>}> ({
// GENERIC-NEXT:  ^bb0(%{{.*}}: index, %{{.*}}: index):
func.func @parallel(%a: memref<4x8xf32>, %b: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  loop.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %x = buffer.load %a[%i, %j] : memref<4x8xf32>
    buffer.store %x, %b[%i, %j] : memref<4x8xf32>
    loop.yield
  }
  loop.parallel (%i) = (%c0) to (%c4) step (%c1) {
  } {tag}
  return
}

// CHECK-LABEL: func.func @if(
// CHECK-SAME:      %[[C:.*]]: i1, %[[A:.*]]: f32, %[[B:.*]]: f32, %[[M:.*]]: memref<1xf32>, %[[I:.*]]: index) -> f32 {
// CHECK:         %[[V:.*]] = loop.if %[[C]] -> (f32) {
// CHECK-NEXT:      loop.yield %[[A]] : f32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      loop.yield %[[B]] : f32
// CHECK-NEXT:    }
// CHECK:         loop.if %[[C]] {
// CHECK-NEXT:      buffer.store %[[V]], %[[M]][%[[I]]] : memref<1xf32>
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    }
// CHECK-NOT:     else
// CHECK:         return %[[V]] : f32
// GENERIC:       "loop.if"(%{{.*}}) ({
// GENERIC:       }, {
// GENERIC:       }) : (i1) -> f32
func.func @if(%c: i1, %a: f32, %b: f32, %m: memref<1xf32>, %i: index) -> f32 {
  %v = loop.if %c -> (f32) {
    loop.yield %a : f32
  } else {
    loop.yield %b : f32
  }
  loop.if %c {
    buffer.store %v, %m[%i] : memref<1xf32>
  }
  return %v : f32
}

// Nesting: a parallel loop over rows, a reduction loop inside, a conditional on the result.
// CHECK-LABEL: func.func @nested(
// CHECK:         loop.parallel
// CHECK:           loop.for
// CHECK:             loop.if
// CHECK:               loop.yield %{{.*}} : vector<4xf32>
// CHECK:             } else {
// CHECK:             loop.yield %{{.*}} : vector<4xf32>
// CHECK:           loop.yield
func.func @nested(%m: memref<4x4xf32>, %c: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant dense<0.0> : vector<4xf32>
  loop.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %r = loop.for %k = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (vector<4xf32>) {
      %v = vector.load %m[%i, %c0] : memref<4x4xf32>, vector<4xf32>
      %n = loop.if %c -> (vector<4xf32>) {
        %s = arith.addf %acc, %v : vector<4xf32>
        loop.yield %s : vector<4xf32>
      } else {
        loop.yield %acc : vector<4xf32>
      }
      loop.yield %n : vector<4xf32>
    }
    vector.store %r, %m[%i, %c0] : memref<4x4xf32>, vector<4xf32>
    loop.yield
  }
  return
}
