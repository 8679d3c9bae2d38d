// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --test-legalize-patterns='convert-types=true' | FileCheck %s

// Function signatures, returns and converted ops move from i32 to i64 together: no cast is
// left when every user is converted.
// CHECK-LABEL: func.func @signature
// CHECK-SAME:    (%[[A:.+]]: i64, %[[B:.+]]: f32) -> i64
// CHECK-NEXT:    %[[T:.+]] = "test.conv_target"(%[[A]], %[[B]]) : (i64, f32) -> i64
// CHECK-NEXT:    return %[[T]] : i64
func.func @signature(%a: i32, %b: f32) -> i32 {
  %0 = "test.conv_source"(%a, %b) : (i32, f32) -> i32
  return %0 : i32
}

// -----

// Users the conversion does not touch keep seeing the original type through a cast, and values
// they produce are cast to the converted type where converted users need it.
// CHECK-LABEL: func.func @casts
// CHECK-SAME:    (%[[A:.+]]: i64) -> i64
// CHECK-NEXT:    %[[T:.+]] = "test.conv_target"(%[[A]]) : (i64) -> i64
// CHECK-NEXT:    %[[C1:.+]] = {{(builtin.)?}}unrealized_conversion_cast %[[T]] : i64 to i32
// CHECK-NEXT:    %[[U:.+]] = "foo.unknown"(%[[C1]]) : (i32) -> i32
// CHECK-NEXT:    %[[C2:.+]] = {{(builtin.)?}}unrealized_conversion_cast %[[U]] : i32 to i64
// CHECK-NEXT:    return %[[C2]] : i64
func.func @casts(%a: i32) -> i32 {
  %0 = "test.conv_source"(%a) : (i32) -> i32
  %1 = "foo.unknown"(%0) : (i32) -> i32
  return %1 : i32
}

// -----

// Calls and their callees convert consistently.
// CHECK-LABEL: func.func private @callee(i64) -> i64
// CHECK-LABEL: func.func @caller
// CHECK-SAME:    (%[[A:.+]]: i64) -> i64
// CHECK-NEXT:    %[[R:.+]] = {{(func.)?}}call @callee(%[[A]]) : (i64) -> i64
// CHECK-NEXT:    return %[[R]] : i64
func.func private @callee(i32) -> i32
func.func @caller(%a: i32) -> i32 {
  %0 = call @callee(%a) : (i32) -> i32
  return %0 : i32
}

// -----

// Types the converter leaves alone stay, and so do ops with only such types.
// CHECK-LABEL: func.func @untouched
// CHECK-SAME:    (%[[X:.+]]: f32) -> f32
// CHECK-NEXT:    %[[S:.+]] = arith.addf %[[X]], %[[X]] : f32
// CHECK-NEXT:    return %[[S]] : f32
func.func @untouched(%x: f32) -> f32 {
  %0 = arith.addf %x, %x : f32
  return %0 : f32
}
