// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --test-legalize-patterns | FileCheck %s

// Illegal ops are rewritten; attributes and operands carry over.
// CHECK-LABEL: func.func @partial
// CHECK-SAME:    (%[[A:.+]]: i32)
// CHECK-NEXT:    %[[T:.+]] = "test.conv_target"(%[[A]]) {tag = 1{{( : i64)?}}} : (i32) -> i32
// CHECK-NEXT:    return %[[T]] : i32
func.func @partial(%a: i32) -> i32 {
  %0 = "test.conv_source"(%a) {tag = 1} : (i32) -> i32
  return %0 : i32
}

// -----

// Ops a pattern creates are legalized in turn: conv_chain becomes conv_source, which becomes
// conv_target.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT:    %[[T:.+]] = "test.conv_target"() : () -> f32
// CHECK-NEXT:    return %[[T]] : f32
func.func @chain() -> f32 {
  %0 = "test.conv_chain"() : () -> f32
  return %0 : f32
}

// -----

// A partial conversion leaves the ops the target does not know about alone.
// CHECK-LABEL: func.func @unknown_ops_stay
// CHECK-NEXT:    %[[U:.+]] = "foo.unknown"() : () -> i32
// CHECK-NEXT:    %[[T:.+]] = "test.conv_target"(%[[U]]) : (i32) -> i32
// CHECK-NEXT:    "foo.unknown"(%[[T]]) : (i32) -> ()
func.func @unknown_ops_stay() {
  %0 = "foo.unknown"() : () -> i32
  %1 = "test.conv_source"(%0) : (i32) -> i32
  "foo.unknown"(%1) : (i32) -> ()
  return
}

// -----

// Ops nested in regions are converted too.
// CHECK-LABEL: func.func @nested
// CHECK:         "foo.region"() ({
// CHECK-NEXT:      "test.conv_target"() : () -> ()
// CHECK-NEXT:    }) : () -> ()
func.func @nested() {
  "foo.region"() ({
    "test.conv_source"() : () -> ()
  }) : () -> ()
  return
}
