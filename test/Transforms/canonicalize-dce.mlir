// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --canonicalize | FileCheck %s

// A chain of dead pure ops goes in one run, users before producers.
// CHECK-LABEL: func.func @dead_chain
// CHECK-NEXT:    return
func.func @dead_chain(%x: f32) {
  %0 = arith.addf %x, %x : f32
  %1 = arith.mulf %0, %x : f32
  %2 = arith.negf %1 : f32
  return
}

// -----

// Unregistered ops may have side effects: they and their operands stay.
// CHECK-LABEL: func.func @unregistered_ops_stay
// CHECK-NEXT:    %[[A:.+]] = arith.addi
// CHECK-NEXT:    "foo.effect"(%[[A]]) : (i32) -> i32
// CHECK-NEXT:    return
func.func @unregistered_ops_stay(%x: i32) {
  %0 = arith.addi %x, %x : i32
  %1 = "foo.effect"(%0) : (i32) -> i32
  return
}

// -----

// Calls are not known to be pure.
// CHECK-LABEL: func.func @calls_stay
// CHECK-NEXT:    call @g() : () -> i32
// CHECK-NEXT:    return
func.func private @g() -> i32
func.func @calls_stay() {
  %0 = call @g() : () -> i32
  return
}

// -----

// Dead code inside the region of an op that is kept is removed too.
// CHECK-LABEL: func.func @nested
// CHECK:         "foo.loop"() ({
// CHECK-NEXT:      "foo.effect"() : () -> ()
// CHECK-NEXT:    }) : () -> ()
func.func @nested(%x: i32) {
  "foo.loop"() ({
    %0 = arith.addi %x, %x : i32
    "foo.effect"() : () -> ()
  }) : () -> ()
  return
}
