// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s

// Round trip of every arith op in its custom syntax (the one mlir-opt 22 prints).

// CHECK-LABEL: func.func @constants
func.func @constants() {
  // CHECK: arith.constant 42 : i32
  %0 = arith.constant 42 : i32
  // CHECK: arith.constant -1 : i64
  %1 = arith.constant -1 : i64
  // CHECK: arith.constant true
  %2 = arith.constant true
  // CHECK: arith.constant false
  %3 = arith.constant false
  // CHECK: arith.constant 3 : index
  %4 = arith.constant 3 : index
  // CHECK: arith.constant 1.000000e+00 : f32
  %5 = arith.constant 1.0 : f32
  // CHECK: arith.constant 1.000000e+10 : f64
  %6 = arith.constant 1.0e10 : f64
  // CHECK: arith.constant 1.500000e+00 : f16
  %7 = arith.constant 1.5 : f16
  // CHECK: arith.constant -0.000000e+00 : bf16
  %8 = arith.constant -0.0 : bf16
  // CHECK: arith.constant 0x7FC00000 : f32
  %9 = arith.constant 0x7FC00000 : f32
  // CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
  %10 = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  // CHECK: arith.constant dense<1> : vector<4xi32>
  %11 = arith.constant dense<1> : vector<4xi32>
  // CHECK: arith.constant dense<true> : vector<4xi1>
  %12 = arith.constant dense<true> : vector<4xi1>
  // CHECK: arith.constant -1 : i8
  %13 = arith.constant 255 : i8
  // CHECK: arith.constant {test.attr} 7 : i32
  %14 = arith.constant {test.attr} 7 : i32
  return
}

// CHECK-LABEL: func.func @integer_binary(
// CHECK-SAME:      %[[A:.*]]: i32, %[[B:.*]]: i32)
func.func @integer_binary(%a: i32, %b: i32) {
  // CHECK: arith.addi %[[A]], %[[B]] : i32
  %0 = arith.addi %a, %b : i32
  // CHECK: arith.subi %[[A]], %[[B]] : i32
  %1 = arith.subi %a, %b : i32
  // CHECK: arith.muli %[[A]], %[[B]] : i32
  %2 = arith.muli %a, %b : i32
  // CHECK: arith.divsi %[[A]], %[[B]] : i32
  %3 = arith.divsi %a, %b : i32
  // CHECK: arith.divui %[[A]], %[[B]] : i32
  %4 = arith.divui %a, %b : i32
  // CHECK: arith.ceildivsi %[[A]], %[[B]] : i32
  %5 = arith.ceildivsi %a, %b : i32
  // CHECK: arith.ceildivui %[[A]], %[[B]] : i32
  %6 = arith.ceildivui %a, %b : i32
  // CHECK: arith.floordivsi %[[A]], %[[B]] : i32
  %7 = arith.floordivsi %a, %b : i32
  // CHECK: arith.remsi %[[A]], %[[B]] : i32
  %8 = arith.remsi %a, %b : i32
  // CHECK: arith.remui %[[A]], %[[B]] : i32
  %9 = arith.remui %a, %b : i32
  // CHECK: arith.andi %[[A]], %[[B]] : i32
  %10 = arith.andi %a, %b : i32
  // CHECK: arith.ori %[[A]], %[[B]] : i32
  %11 = arith.ori %a, %b : i32
  // CHECK: arith.xori %[[A]], %[[B]] : i32
  %12 = arith.xori %a, %b : i32
  // CHECK: arith.shli %[[A]], %[[B]] : i32
  %13 = arith.shli %a, %b : i32
  // CHECK: arith.shrsi %[[A]], %[[B]] : i32
  %14 = arith.shrsi %a, %b : i32
  // CHECK: arith.shrui %[[A]], %[[B]] : i32
  %15 = arith.shrui %a, %b : i32
  // CHECK: arith.maxsi %[[A]], %[[B]] : i32
  %16 = arith.maxsi %a, %b : i32
  // CHECK: arith.maxui %[[A]], %[[B]] : i32
  %17 = arith.maxui %a, %b : i32
  // CHECK: arith.minsi %[[A]], %[[B]] : i32
  %18 = arith.minsi %a, %b : i32
  // CHECK: arith.minui %[[A]], %[[B]] : i32
  %19 = arith.minui %a, %b : i32
  return
}

// CHECK-LABEL: func.func @float_binary(
// CHECK-SAME:      %[[X:.*]]: f32, %[[Y:.*]]: f32)
func.func @float_binary(%x: f32, %y: f32) {
  // CHECK: arith.addf %[[X]], %[[Y]] : f32
  %0 = arith.addf %x, %y : f32
  // CHECK: arith.subf %[[X]], %[[Y]] : f32
  %1 = arith.subf %x, %y : f32
  // CHECK: arith.mulf %[[X]], %[[Y]] : f32
  %2 = arith.mulf %x, %y : f32
  // CHECK: arith.divf %[[X]], %[[Y]] : f32
  %3 = arith.divf %x, %y : f32
  // CHECK: arith.remf %[[X]], %[[Y]] : f32
  %4 = arith.remf %x, %y : f32
  // CHECK: arith.maximumf %[[X]], %[[Y]] : f32
  %5 = arith.maximumf %x, %y : f32
  // CHECK: arith.minimumf %[[X]], %[[Y]] : f32
  %6 = arith.minimumf %x, %y : f32
  // CHECK: arith.maxnumf %[[X]], %[[Y]] : f32
  %7 = arith.maxnumf %x, %y : f32
  // CHECK: arith.minnumf %[[X]], %[[Y]] : f32
  %8 = arith.minnumf %x, %y : f32
  // CHECK: arith.negf %[[X]] : f32
  %9 = arith.negf %x : f32
  return
}

// CHECK-LABEL: func.func @comparisons(
// CHECK-SAME:      %[[A:.*]]: i32, %[[X:.*]]: f64, %[[V:.*]]: vector<4xi32>)
func.func @comparisons(%a: i32, %x: f64, %v: vector<4xi32>) {
  // CHECK: arith.cmpi eq, %[[A]], %[[A]] : i32
  %0 = arith.cmpi eq, %a, %a : i32
  // CHECK: arith.cmpi uge, %[[A]], %[[A]] : i32
  %1 = arith.cmpi uge, %a, %a : i32
  // CHECK: %[[VC:.*]] = arith.cmpi slt, %[[V]], %[[V]] : vector<4xi32>
  %2 = arith.cmpi slt, %v, %v : vector<4xi32>
  // CHECK: arith.cmpf oeq, %[[X]], %[[X]] : f64
  %3 = arith.cmpf oeq, %x, %x : f64
  // CHECK: arith.cmpf uno, %[[X]], %[[X]] : f64
  %4 = arith.cmpf uno, %x, %x : f64
  // CHECK: arith.cmpf true, %[[X]], %[[X]] : f64
  %5 = arith.cmpf true, %x, %x : f64
  // CHECK: arith.select %[[VC]], %[[V]], %[[V]] : vector<4xi1>, vector<4xi32>
  %6 = arith.select %2, %v, %v : vector<4xi1>, vector<4xi32>
  // CHECK: arith.select %{{.*}}, %[[A]], %[[A]] : i32
  %7 = arith.select %0, %a, %a : i32
  // CHECK: arith.select %{{.*}}, %[[V]], %[[V]] : vector<4xi32>
  %8 = arith.select %0, %v, %v : vector<4xi32>
  return
}

// CHECK-LABEL: func.func @casts(
// CHECK-SAME:      %[[A:.*]]: i32, %[[X:.*]]: f32, %[[I:.*]]: index, %[[T:.*]]: tensor<4xi8>)
func.func @casts(%a: i32, %x: f32, %i: index, %t: tensor<4xi8>) {
  // CHECK: arith.extsi %[[A]] : i32 to i64
  %0 = arith.extsi %a : i32 to i64
  // CHECK: arith.extui %[[A]] : i32 to i64
  %1 = arith.extui %a : i32 to i64
  // CHECK: arith.trunci %[[A]] : i32 to i8
  %2 = arith.trunci %a : i32 to i8
  // CHECK: arith.sitofp %[[A]] : i32 to f32
  %3 = arith.sitofp %a : i32 to f32
  // CHECK: arith.uitofp %[[A]] : i32 to f64
  %4 = arith.uitofp %a : i32 to f64
  // CHECK: arith.fptosi %[[X]] : f32 to i32
  %5 = arith.fptosi %x : f32 to i32
  // CHECK: arith.fptoui %[[X]] : f32 to i16
  %6 = arith.fptoui %x : f32 to i16
  // CHECK: arith.extf %[[X]] : f32 to f64
  %7 = arith.extf %x : f32 to f64
  // CHECK: arith.truncf %[[X]] : f32 to bf16
  %8 = arith.truncf %x : f32 to bf16
  // CHECK: arith.bitcast %[[X]] : f32 to i32
  %9 = arith.bitcast %x : f32 to i32
  // CHECK: arith.index_cast %[[I]] : index to i32
  %10 = arith.index_cast %i : index to i32
  // CHECK: arith.index_castui %[[A]] : i32 to index
  %11 = arith.index_castui %a : i32 to index
  // CHECK: arith.extsi %[[T]] : tensor<4xi8> to tensor<4xi32>
  %12 = arith.extsi %t : tensor<4xi8> to tensor<4xi32>
  return
}
