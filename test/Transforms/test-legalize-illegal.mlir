// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --test-legalize-patterns --verify-diagnostics

// A partial conversion fails on an op that is explicitly illegal and that no pattern converts.
func.func @explicitly_illegal() {
  // expected-error @+1 {{failed to legalize operation 'test.conv_illegal' that was explicitly marked illegal}}
  "test.conv_illegal"() : () -> ()
  return
}

// -----

// Nested in a region, likewise.
func.func @nested_illegal() {
  "foo.region"() ({
    // expected-error @+1 {{failed to legalize operation 'test.conv_illegal' that was explicitly marked illegal}}
    "test.conv_illegal"() : () -> ()
  }) : () -> ()
  return
}
