// RUN: not flowc-opt %s --test-invalid-ir 2>&1 | FileCheck %s
// RUN: flowc-opt %s --test-invalid-ir --verify-each=false | FileCheck %s --check-prefix=NOVERIFY

// The verifier runs after each pass and reports what the pass broke.
// CHECK: error: 'builtin.module' op
// CHECK-NOT: func.func @f

// Without it, the invalid result is printed in the generic form.
// NOVERIFY: "builtin.module"() ({
// NOVERIFY: "func.func"()
// NOVERIFY: "builtin.module"() : () -> ()

func.func @f() {
  return
}
