// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --test-legalize-patterns='mode=full' --verify-diagnostics | FileCheck %s

// Everything is legal after a full conversion: it succeeds.
// CHECK-LABEL: func.func @converted
// CHECK-NEXT:    "test.conv_target"() : () -> ()
func.func @converted() {
  "test.conv_source"() : () -> ()
  return
}

// -----

// An op the target does not know about is an error in a full conversion.
func.func @unknown() {
  "test.conv_source"() : () -> ()
  // expected-error @+1 {{failed to legalize operation 'foo.unknown'}}
  "foo.unknown"() : () -> ()
  return
}

// -----

// So is an illegal op no pattern converts.
func.func @illegal() {
  // expected-error @+1 {{failed to legalize operation 'test.conv_illegal'}}
  "test.conv_illegal"() : () -> ()
  return
}
