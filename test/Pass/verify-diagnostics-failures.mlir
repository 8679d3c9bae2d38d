// RUN: not flowc-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect --test-diagnostics -o /dev/null 2>&1 | FileCheck %s

// CHECK: verify-diagnostics-failures.mlir:[[@LINE+4]]:3: error: unexpected error: boom
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:6: error: expected error "not this" was not produced
func.func @wrong_text() {
  // expected-error @+1 {{not this}}
  "dummy.op"() {test.error = "boom"} : () -> ()
  return
}

// -----

// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:4: error: 'warning' diagnostic emitted when expecting a 'remark'
func.func @wrong_kind() {
// expected-remark @+1 {{careful}}
  "dummy.op"() {test.warning = "careful"} : () -> ()
  return
}

// -----

// CHECK: verify-diagnostics-failures.mlir:[[@LINE+1]]:4: error: expected error "never emitted" was not produced
// expected-error @below {{never emitted}}
func.func @nothing() {
  return
}
