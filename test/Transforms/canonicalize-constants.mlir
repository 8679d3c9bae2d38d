// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --canonicalize | FileCheck %s

// Equal constants are uniqued; the first one stays, in its place.
// CHECK-LABEL: func.func @duplicates
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : i32
// CHECK-NEXT:    %[[C2:.+]] = arith.constant 2 : i32
// CHECK-NEXT:    "foo.use"(%[[C1]], %[[C2]], %[[C1]], %[[C2]])
// CHECK-NEXT:    return
func.func @duplicates() {
  %a = arith.constant 1 : i32
  %b = arith.constant 2 : i32
  %c = arith.constant 1 : i32
  %d = arith.constant 2 : i32
  "foo.use"(%a, %b, %c, %d) : (i32, i32, i32, i32) -> ()
  return
}

// -----

// Same value, different types: different constants.
// CHECK-LABEL: func.func @types_differ
// CHECK-DAG:     arith.constant 1 : i32
// CHECK-DAG:     arith.constant 1 : i64
// CHECK-DAG:     arith.constant 1.000000e+00 : f32
func.func @types_differ() {
  %a = arith.constant 1 : i32
  %b = arith.constant 1 : i64
  %c = arith.constant 1.0 : f32
  "foo.use"(%a, %b, %c) : (i32, i64, f32) -> ()
  return
}

// -----

// Constants defined after their first use in the block are hoisted to the start.
// CHECK-LABEL: func.func @hoisted
// CHECK-NEXT:    %[[C:.+]] = arith.constant 3 : i32
// CHECK-NEXT:    "foo.use"() : () -> ()
// CHECK-NEXT:    "foo.use"(%[[C]], %[[C]])
func.func @hoisted() {
  "foo.use"() : () -> ()
  %a = arith.constant 3 : i32
  %b = arith.constant 3 : i32
  "foo.use"(%a, %b) : (i32, i32) -> ()
  return
}

// -----

// Unregistered ops might be isolated from above: constants in their regions stay there, and
// are uniqued within the region.
// CHECK-LABEL: func.func @unregistered_region
// CHECK-NEXT:    %[[OUT:.+]] = arith.constant 4 : i32
// CHECK-NEXT:    "foo.region"() ({
// CHECK-NEXT:      %[[IN:.+]] = arith.constant 4 : i32
// CHECK-NEXT:      "foo.use"(%[[IN]], %[[IN]])
// CHECK-NEXT:    })
// CHECK-NEXT:    "foo.use"(%[[OUT]])
func.func @unregistered_region() {
  %a = arith.constant 4 : i32
  "foo.region"() ({
    %b = arith.constant 4 : i32
    %c = arith.constant 2 : i32
    %d = arith.addi %c, %c : i32
    "foo.use"(%b, %d) : (i32, i32) -> ()
  }) : () -> ()
  "foo.use"(%a) : (i32) -> ()
  return
}

// -----

// Functions are isolated from above: each keeps its own constants.
// CHECK-LABEL: func.func @first
// CHECK-NEXT:    arith.constant 9 : i32
// CHECK-LABEL: func.func @second
// CHECK-NEXT:    arith.constant 9 : i32
func.func @first() -> i32 {
  %a = arith.constant 9 : i32
  return %a : i32
}
func.func @second() -> i32 {
  %a = arith.constant 9 : i32
  return %a : i32
}
