// RUN: flowc-opt %s | flowc-opt | FileCheck %s

// The test dialect's ops in the generic form: registered, so no --allow-unregistered-dialect.

// CHECK-LABEL: func.func @ops(
// CHECK-SAME:      %[[A:.*]]: i32, %[[C:.*]]: i1)
func.func @ops(%a: i32, %c: i1) {
  // CHECK: %[[X:.*]] = "test.op"(%[[A]]) {anything = [1, "two"]} : (i32) -> f32
  %x = "test.op"(%a) {anything = [1, "two"]} : (i32) -> f32
  // CHECK: %{{.*}}:2 = "test.pure"(%[[X]]) : (f32) -> (i32, i32)
  %p:2 = "test.pure"(%x) : (f32) -> (i32, i32)
  // CHECK: "test.i32_operand"(%[[A]]) : (i32) -> ()
  "test.i32_operand"(%a) : (i32) -> ()
  // CHECK: "test.attr_i64"() <{value = 3 : i64}> : () -> ()
  "test.attr_i64"() {value = 3 : i64} : () -> ()
  // CHECK: "test.same_types"(%[[A]], %[[A]]) : (i32, i32) -> i32
  %s = "test.same_types"(%a, %a) : (i32, i32) -> i32
  // CHECK: "test.variadic"(%[[A]], %[[A]], %[[X]]) <{operandSegmentSizes = array<i32: 2, 1>}> : (i32, i32, f32) -> ()
  "test.variadic"(%a, %a, %x) {operandSegmentSizes = array<i32: 2, 1>} : (i32, i32, f32) -> ()
  // CHECK: "test.conv_source"(%[[A]]) : (i32) -> i64
  %cs = "test.conv_source"(%a) : (i32) -> i64
  // CHECK: "test.conv_target"(%[[A]]) : (i32) -> i64
  %ct = "test.conv_target"(%a) : (i32) -> i64
  return
}

// CHECK-LABEL: func.func @regions(
func.func @regions(%a: i32) {
  // CHECK: "test.region"() ({
  // CHECK:   "test.terminator"(%{{.*}}) : (i32) -> ()
  // CHECK: }) : () -> ()
  "test.region"() ({
    "test.terminator"(%a) : (i32) -> ()
  }) : () -> ()
  // CHECK: "test.isolated"() ({
  // CHECK: ^bb0(%{{.*}}: i32):
  "test.isolated"() ({
  ^bb0(%arg: i32):
    "test.terminator"(%arg) : (i32) -> ()
  }) : () -> ()
  // Graph regions need no terminator and allow uses before definitions.
  // CHECK: "test.graph_region"() ({
  // CHECK:   %[[U:.*]] = "test.op"(%[[V:.*]]) : (i32) -> i32
  // CHECK:   %[[V]] = "test.op"(%[[U]]) : (i32) -> i32
  // CHECK: }) : () -> ()
  "test.graph_region"() ({
    %u = "test.op"(%v) : (i32) -> i32
    %v = "test.op"(%u) : (i32) -> i32
  }) : () -> ()
  return
}

// CHECK-LABEL: func.func @branches(
func.func @branches(%c: i1, %a: i32) {
  // CHECK: "test.region"() ({
  // CHECK:   "test.cond_br"(%{{.*}})[^[[T:.*]], ^[[F:.*]]] : (i1) -> ()
  // CHECK: ^[[T]]:
  // CHECK:   "test.br"(%{{.*}})[^[[J:.*]]] : (i32) -> ()
  // CHECK: ^[[F]]:
  // CHECK:   "test.br"(%{{.*}})[^[[J]]] : (i32) -> ()
  // CHECK: ^[[J]](%{{.*}}: i32):
  // CHECK:   "test.terminator"() : () -> ()
  "test.region"() ({
    "test.cond_br"(%c)[^bb1, ^bb2] : (i1) -> ()
  ^bb1:
    "test.br"(%a)[^bb3] : (i32) -> ()
  ^bb2:
    "test.br"(%a)[^bb3] : (i32) -> ()
  ^bb3(%x: i32):
    "test.terminator"() : () -> ()
  }) : () -> ()
  return
}

// CHECK-LABEL: "test.symbol_table"() <{sym_name = "table"}> ({
// CHECK:         "test.symbol"() <{sym_name = "a"}> : () -> ()
// CHECK:         "test.symbol"() <{sym_name = "b", sym_visibility = "private"}> : () -> ()
"test.symbol_table"() ({
  "test.symbol"() {sym_name = "a"} : () -> ()
  "test.symbol"() {sym_name = "b", sym_visibility = "private"} : () -> ()
}) {sym_name = "table"} : () -> ()
