// RUN: flowc-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect --test-diagnostics | FileCheck %s
// RUN: not flowc-opt %s --split-input-file --allow-unregistered-dialect --test-diagnostics -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLAIN

// Chunks that succeed are still printed; chunks that fail (as expected) are not.
// CHECK:      // -----
// CHECK-NEXT: // -----
// CHECK-NEXT: module {
// CHECK-NEXT:   func.func @remarks()
// CHECK:      // -----
// CHECK-NEXT: // -----
// CHECK-NOT:  module

// Without --verify-diagnostics the same diagnostics are printed, with the source line, at
// their lines in the original file.
// PLAIN: verify-diagnostics.mlir:[[@LINE+6]]:3: error: boom
// PLAIN: verify-diagnostics.mlir:[[@LINE+8]]:3: warning: careful
// PLAIN: verify-diagnostics.mlir:[[@LINE+7]]:3: note: see the attribute

func.func @errors() {
  // expected-error @+1 {{boom}}
  "dummy.op"() {test.error = "boom"} : () -> ()
  // expected-warning @below {{careful}}
  // expected-note @below {{see the attribute}}
  "dummy.op"() {test.warning = "careful", test.note = "see the attribute"} : () -> ()
  return
}

// -----

// PLAIN: verify-diagnostics.mlir:[[@LINE+2]]:{{[0-9]+}}: error: use of undeclared SSA value name
// expected-error @below {{use of undeclared SSA value name}}
  "dummy.op"(%undefined) : (i32) -> ()

// -----

// PLAIN: verify-diagnostics.mlir:[[@LINE+3]]:3: remark: just saying
// PLAIN-NEXT: {{^}}  "dummy.op"() {test.remark = "just saying"} : () -> () // {{expected}}-remark
func.func @remarks() {
  "dummy.op"() {test.remark = "just saying"} : () -> () // expected-remark {{just saying}}
  // expected-remark-re @+1 {{just {{[a-z]+}}}}
  "dummy.op"() {test.remark = "just talking"} : () -> ()
  return
}

// -----

// The verifier runs right after parsing.
func.func @verifier() -> i32 {
  // expected-error @+1 {{'func.return' op has 0 operands, but enclosing function (@verifier) returns 1}}
  return
}

// -----

// Notes attached to a diagnostic are expected separately, here with designators relative to
// the op above.
func.func @note() {
  "dummy.op"() {test.error = "and this one", test.note = "with a note"} : () -> ()
  // expected-error @-1 {{and this one}}
  // expected-note @-2 {{with a note}}
  return
}
