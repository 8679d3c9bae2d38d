// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Round trip of the vector dialect's custom syntax, and through the generic form; arith and
// math ops on vectors.

// CHECK-LABEL: func.func @vector_ops(
// CHECK-SAME:      %[[M:.*]]: memref<4x32xf32>, %[[I:.*]]: index, %[[J:.*]]: index, %[[S:.*]]: f32)
// CHECK:         %[[V:.*]] = vector.load %[[M]][%[[I]], %[[J]]] : memref<4x32xf32>, vector<16xf32>
// CHECK-NEXT:    %[[B:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK-NEXT:    %[[F:.*]] = vector.fma %[[V]], %[[B]], %[[V]] : vector<16xf32>
// CHECK-NEXT:    vector.store %[[F]], %[[M]][%[[I]], %[[J]]] : memref<4x32xf32>, vector<16xf32>
// CHECK-NEXT:    %{{.*}} = vector.reduction <add>, %[[F]] : vector<16xf32> into f32
// CHECK-NEXT:    %{{.*}} = vector.reduction <maximumf>, %[[F]] : vector<16xf32> into f32
// CHECK-NEXT:    %{{.*}} = vector.broadcast %[[F]] : vector<16xf32> to vector<16xf32>
// GENERIC:       "vector.load"(%{{.*}}, %{{.*}}, %{{.*}}) : (memref<4x32xf32>, index, index) -> vector<16xf32>
// GENERIC:       "vector.broadcast"(%{{.*}}) : (f32) -> vector<16xf32>
// GENERIC:       "vector.fma"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// GENERIC:       "vector.store"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xf32>, memref<4x32xf32>, index, index) -> ()
// GENERIC:       "vector.reduction"(%{{.*}}) <{kind = #vector.kind<add>}> : (vector<16xf32>) -> f32
func.func @vector_ops(%m: memref<4x32xf32>, %i: index, %j: index, %s: f32) {
  %v = vector.load %m[%i, %j] : memref<4x32xf32>, vector<16xf32>
  %b = vector.broadcast %s : f32 to vector<16xf32>
  %f = vector.fma %v, %b, %v : vector<16xf32>
  vector.store %f, %m[%i, %j] : memref<4x32xf32>, vector<16xf32>
  %r = vector.reduction <add>, %f : vector<16xf32> into f32
  %r2 = vector.reduction <maximumf>, %f : vector<16xf32> into f32
  %same = vector.broadcast %f : vector<16xf32> to vector<16xf32>
  return
}

// Every combining kind on the element types it accepts.
// CHECK-LABEL: func.func @reduction_kinds(
// CHECK-COUNT-6: vector.reduction <{{add|mul|minnumf|maxnumf|minimumf|maximumf}}>, %{{.*}} : vector<8xf32> into f32
// CHECK-COUNT-9: vector.reduction <{{add|mul|minsi|maxsi|minui|maxui|and|or|xor}}>, %{{.*}} : vector<8xi32> into i32
func.func @reduction_kinds(%f: vector<8xf32>, %i: vector<8xi32>) {
  %0 = vector.reduction <add>, %f : vector<8xf32> into f32
  %1 = vector.reduction <mul>, %f : vector<8xf32> into f32
  %2 = vector.reduction <minnumf>, %f : vector<8xf32> into f32
  %3 = vector.reduction <maxnumf>, %f : vector<8xf32> into f32
  %4 = vector.reduction <minimumf>, %f : vector<8xf32> into f32
  %5 = vector.reduction <maximumf>, %f : vector<8xf32> into f32
  %6 = vector.reduction <add>, %i : vector<8xi32> into i32
  %7 = vector.reduction <mul>, %i : vector<8xi32> into i32
  %8 = vector.reduction <minsi>, %i : vector<8xi32> into i32
  %9 = vector.reduction <maxsi>, %i : vector<8xi32> into i32
  %10 = vector.reduction <minui>, %i : vector<8xi32> into i32
  %11 = vector.reduction <maxui>, %i : vector<8xi32> into i32
  %12 = vector.reduction <and>, %i : vector<8xi32> into i32
  %13 = vector.reduction <or>, %i : vector<8xi32> into i32
  %14 = vector.reduction <xor>, %i : vector<8xi32> into i32
  return
}

// arith and math accept vector operands (elementwise), including casts and comparisons.
// CHECK-LABEL: func.func @elementwise(
// CHECK:         arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         arith.maximumf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         arith.cmpf olt, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi1>, vector<8xf32>
// CHECK:         arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK:         arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK:         arith.fptosi %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK:         arith.addi %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK:         arith.sitofp %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK:         arith.bitcast %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK:         arith.constant dense<1.000000e+00> : vector<8xf32>
// CHECK:         math.exp %{{.*}} : vector<8xf32>
// CHECK:         math.tanh %{{.*}} : vector<8xf32>
// CHECK:         math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK:         math.sqrt %{{.*}} : vector<8xf32>
// CHECK:         math.erf %{{.*}} : vector<8xf32>
func.func @elementwise(%a: vector<8xf32>, %b: vector<8xf32>) {
  %0 = arith.addf %a, %b : vector<8xf32>
  %1 = arith.mulf %0, %b : vector<8xf32>
  %2 = arith.maximumf %1, %a : vector<8xf32>
  %3 = arith.cmpf olt, %2, %a : vector<8xf32>
  %4 = arith.select %3, %2, %a : vector<8xi1>, vector<8xf32>
  %5 = arith.truncf %4 : vector<8xf32> to vector<8xf16>
  %6 = arith.extf %5 : vector<8xf16> to vector<8xf32>
  %7 = arith.fptosi %6 : vector<8xf32> to vector<8xi32>
  %8 = arith.addi %7, %7 : vector<8xi32>
  %9 = arith.sitofp %8 : vector<8xi32> to vector<8xf32>
  %10 = arith.bitcast %9 : vector<8xf32> to vector<8xi32>
  %11 = arith.constant dense<1.0> : vector<8xf32>
  %12 = math.exp %11 : vector<8xf32>
  %13 = math.tanh %12 : vector<8xf32>
  %14 = math.fma %13, %13, %a : vector<8xf32>
  %15 = math.sqrt %14 : vector<8xf32>
  %16 = math.erf %15 : vector<8xf32>
  return
}
