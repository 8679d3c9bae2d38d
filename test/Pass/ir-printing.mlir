// RUN: flowc-opt %s --test-mark-func --test-mark-module --mlir-print-ir-after-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=AFTER
// RUN: flowc-opt %s --test-mark-func --test-mark-module --mlir-print-ir-before=test-mark-module -o /dev/null 2>&1 | FileCheck %s --check-prefix=BEFORE
// RUN: flowc-opt %s --test-mark-func --test-mark-module --mlir-print-ir-after=test-mark-func --mlir-print-ir-module-scope -o /dev/null 2>&1 | FileCheck %s --check-prefix=SCOPE
// RUN: not flowc-opt %s --test-pass-failure --mlir-print-ir-after-failure -o /dev/null 2>&1 | FileCheck %s --check-prefix=FAILURE

// A pass nested under func.func prints the function it ran on.
// AFTER:      // -----// IR Dump After test-mark-func (test-mark-func) //----- //
// AFTER-NEXT: func.func @f() attributes {test.marked} {
// AFTER:      // -----// IR Dump After test-mark-func (test-mark-func) //----- //
// AFTER-NEXT: func.func @g() attributes {test.marked} {
// AFTER:      // -----// IR Dump After test-mark-module (test-mark-module) //----- //
// AFTER-NEXT: module attributes {test.marked} {
// AFTER-NEXT:   func.func @f() attributes {test.marked} {

// BEFORE-NOT: IR Dump After
// BEFORE:     // -----// IR Dump Before test-mark-module (test-mark-module) //----- //
// BEFORE-NEXT: module {
// BEFORE-NOT: IR Dump

// SCOPE:      // -----// IR Dump After test-mark-func (test-mark-func) ('func.func' operation: @f) //----- //
// SCOPE-NEXT: module {
// SCOPE-NEXT:   func.func @f() attributes {test.marked} {
// SCOPE:      // -----// IR Dump After test-mark-func (test-mark-func) ('func.func' operation: @g) //----- //
// SCOPE-NOT:  IR Dump After test-mark-module

// The dump is written while the pipeline runs, the diagnostics once it stopped.
// FAILURE:      // -----// IR Dump After TestFailurePass Failed (test-pass-failure) //----- //
// FAILURE-NEXT: "builtin.module"() ({
// FAILURE:      ir-printing.mlir:1:1: error: pass 'test-pass-failure' failed

func.func @f() {
  return
}
func.func @g() {
  return
}
