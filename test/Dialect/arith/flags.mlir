// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Overflow flags, fast-math flags and rounding modes, in the custom syntax and as the
// properties `overflowFlags = #arith.overflow<...>`, `fastmath = #arith.fastmath<...>` and
// `roundingmode = N : i32` of the generic form.

// CHECK-LABEL: func.func @overflow(
func.func @overflow(%a: i32, %b: i32) {
  // CHECK: arith.addi %{{.*}}, %{{.*}} overflow<nsw, nuw> : i32
  // GENERIC: "arith.addi"(%{{.*}}, %{{.*}}) <{overflowFlags = #arith.overflow<nsw, nuw>}> : (i32, i32) -> i32
  %0 = arith.addi %a, %b overflow<nsw, nuw> : i32
  // The order in the text does not matter; MLIR's order is printed.
  // CHECK: arith.subi %{{.*}}, %{{.*}} overflow<nsw, nuw> : i32
  %1 = arith.subi %a, %b overflow<nuw, nsw> : i32
  // CHECK: arith.muli %{{.*}}, %{{.*}} overflow<nsw> {test.attr} : i32
  // GENERIC: "arith.muli"(%{{.*}}, %{{.*}}) <{overflowFlags = #arith.overflow<nsw>}> {test.attr} : (i32, i32) -> i32
  %2 = arith.muli %a, %b overflow<nsw> {test.attr} : i32
  // CHECK: arith.shli %{{.*}}, %{{.*}} overflow<nuw> : i32
  %3 = arith.shli %a, %b overflow<nuw> : i32
  // CHECK: arith.trunci %{{.*}} overflow<nsw> : i32 to i8
  %4 = arith.trunci %a overflow<nsw> : i32 to i8
  // `none` is the default: neither printed nor stored.
  // CHECK: %{{.*}} = arith.addi %{{.*}}, %{{.*}} : i32
  // GENERIC: "arith.addi"(%{{.*}}, %{{.*}}) : (i32, i32) -> i32
  %5 = arith.addi %a, %b overflow<none> : i32
  return
}

// CHECK-LABEL: func.func @fastmath(
func.func @fastmath(%x: f32, %y: f32, %d: f64) {
  // CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<fast> : f32
  // GENERIC: "arith.addf"(%{{.*}}, %{{.*}}) <{fastmath = #arith.fastmath<fast>}> : (f32, f32) -> f32
  %0 = arith.addf %x, %y fastmath<fast> : f32
  // CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<nnan,ninf> : f32
  // GENERIC: <{fastmath = #arith.fastmath<nnan,ninf>}>
  %1 = arith.mulf %x, %y fastmath<ninf,nnan> : f32
  // All seven flags are `fast`.
  // CHECK: arith.divf %{{.*}}, %{{.*}} fastmath<fast> : f32
  %2 = arith.divf %x, %y fastmath<reassoc,nnan,ninf,nsz,arcp,contract,afn> : f32
  // CHECK: arith.negf %{{.*}} fastmath<nsz> : f32
  %3 = arith.negf %x fastmath<nsz> : f32
  // CHECK: arith.cmpf olt, %{{.*}}, %{{.*}} fastmath<nnan> : f32
  // GENERIC: "arith.cmpf"(%{{.*}}, %{{.*}}) <{fastmath = #arith.fastmath<nnan>, predicate = 4 : i64}> : (f32, f32) -> i1
  %4 = arith.cmpf olt, %x, %y fastmath<nnan> : f32
  // CHECK: arith.extf %{{.*}} fastmath<contract> : f32 to f64
  %5 = arith.extf %x fastmath<contract> : f32 to f64
  // CHECK: arith.truncf %{{.*}} to_nearest_even fastmath<fast> : f64 to f32
  // GENERIC: "arith.truncf"(%{{.*}}) <{fastmath = #arith.fastmath<fast>, roundingmode = 0 : i32}> : (f64) -> f32
  %6 = arith.truncf %d to_nearest_even fastmath<fast> : f64 to f32
  // CHECK: arith.truncf %{{.*}} toward_zero : f64 to f32
  %7 = arith.truncf %d toward_zero : f64 to f32
  // CHECK: %{{.*}} = arith.addf %{{.*}}, %{{.*}} : f32
  %8 = arith.addf %x, %y fastmath<none> : f32
  return
}

// Flags given as properties in the generic form are the same flags.
// CHECK-LABEL: func.func @generic_flags(
// CHECK: arith.addi %{{.*}}, %{{.*}} overflow<nsw, nuw> : i32
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<nnan,ninf> : f32
func.func @generic_flags(%a: i32, %x: f32) {
  %0 = "arith.addi"(%a, %a) <{overflowFlags = #arith.overflow<nuw, nsw>}> : (i32, i32) -> i32
  %1 = "arith.addf"(%x, %x) <{fastmath = #arith.fastmath<nnan, ninf>}> : (f32, f32) -> f32
  return
}
