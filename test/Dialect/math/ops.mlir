// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s

// Round trip of the math ops in the custom syntax mlir-opt 22 prints.

// CHECK-LABEL: func.func @float_unary(
// CHECK-SAME:      %[[X:.*]]: f32, %[[V:.*]]: vector<4xf64>)
func.func @float_unary(%x: f32, %v: vector<4xf64>) {
  // CHECK: math.absf %[[X]] : f32
  %0 = math.absf %x : f32
  // CHECK: math.ceil %[[X]] : f32
  %1 = math.ceil %x : f32
  // CHECK: math.floor %[[X]] : f32
  %2 = math.floor %x : f32
  // CHECK: math.round %[[X]] : f32
  %3 = math.round %x : f32
  // CHECK: math.roundeven %[[X]] : f32
  %4 = math.roundeven %x : f32
  // CHECK: math.trunc %[[X]] : f32
  %5 = math.trunc %x : f32
  // CHECK: math.sqrt %[[V]] : vector<4xf64>
  %6 = math.sqrt %v : vector<4xf64>
  // CHECK: math.rsqrt %[[X]] : f32
  %7 = math.rsqrt %x : f32
  // CHECK: math.exp %[[X]] fastmath<fast> : f32
  %8 = math.exp %x fastmath<fast> : f32
  // CHECK: math.exp2 %[[X]] : f32
  %9 = math.exp2 %x : f32
  // CHECK: math.expm1 %[[X]] : f32
  %10 = math.expm1 %x : f32
  // CHECK: math.log %[[X]] fastmath<nnan,ninf> : f32
  %11 = math.log %x fastmath<nnan,ninf> : f32
  // CHECK: math.log2 %[[X]] : f32
  %12 = math.log2 %x : f32
  // CHECK: math.log10 %[[X]] : f32
  %13 = math.log10 %x : f32
  // CHECK: math.log1p %[[X]] : f32
  %14 = math.log1p %x : f32
  // CHECK: math.sin %[[X]] : f32
  %15 = math.sin %x : f32
  // CHECK: math.cos %[[X]] : f32
  %16 = math.cos %x : f32
  // CHECK: math.tan %[[X]] : f32
  %17 = math.tan %x : f32
  // CHECK: math.tanh %[[X]] : f32
  %18 = math.tanh %x : f32
  // CHECK: math.sinh %[[X]] : f32
  %19 = math.sinh %x : f32
  // CHECK: math.cosh %[[X]] : f32
  %20 = math.cosh %x : f32
  // CHECK: math.asin %[[X]] : f32
  %21 = math.asin %x : f32
  // CHECK: math.acos %[[X]] : f32
  %22 = math.acos %x : f32
  // CHECK: math.atan %[[X]] : f32
  %23 = math.atan %x : f32
  // CHECK: math.erf %[[X]] : f32
  %24 = math.erf %x : f32
  // CHECK: math.erfc %[[X]] : f32
  %25 = math.erfc %x : f32
  // CHECK: math.cbrt %[[X]] : f32
  %26 = math.cbrt %x : f32
  return
}

// CHECK-LABEL: func.func @float_nary(
// CHECK-SAME:      %[[X:.*]]: f32, %[[Y:.*]]: f32, %[[Z:.*]]: f32, %[[N:.*]]: i32)
func.func @float_nary(%x: f32, %y: f32, %z: f32, %n: i32) {
  // CHECK: math.atan2 %[[X]], %[[Y]] : f32
  %0 = math.atan2 %x, %y : f32
  // CHECK: math.powf %[[X]], %[[Y]] fastmath<nnan> : f32
  %1 = math.powf %x, %y fastmath<nnan> : f32
  // CHECK: math.copysign %[[X]], %[[Y]] : f32
  %2 = math.copysign %x, %y : f32
  // CHECK: math.fma %[[X]], %[[Y]], %[[Z]] : f32
  %3 = math.fma %x, %y, %z : f32
  // CHECK: math.fpowi %[[X]], %[[N]] : f32, i32
  %4 = math.fpowi %x, %n : f32, i32
  // CHECK: math.isnan %[[X]] : f32
  %5 = math.isnan %x : f32
  // CHECK: math.isinf %[[X]] : f32
  %6 = math.isinf %x : f32
  // CHECK: math.isfinite %[[X]] : f32
  %7 = math.isfinite %x : f32
  return
}

// CHECK-LABEL: func.func @integer(
// CHECK-SAME:      %[[A:.*]]: i32, %[[B:.*]]: i32, %[[I:.*]]: index)
func.func @integer(%a: i32, %b: i32, %i: index) {
  // CHECK: math.absi %[[A]] : i32
  %0 = math.absi %a : i32
  // CHECK: math.ctlz %[[A]] : i32
  %1 = math.ctlz %a : i32
  // CHECK: math.cttz %[[I]] : index
  %2 = math.cttz %i : index
  // CHECK: math.ctpop %[[A]] : i32
  %3 = math.ctpop %a : i32
  // CHECK: math.ipowi %[[A]], %[[B]] : i32
  %4 = math.ipowi %a, %b : i32
  return
}
