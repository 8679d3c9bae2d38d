// RUN: flowc-opt %s --dump-pass-pipeline --pass-pipeline='builtin.module(func.func(test-mark-func{attr=first}, test-mark-func{attr="second"}), any(test-count-ops), test-count-ops{emit-remark=false})' 2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: flowc-opt %s --dump-pass-pipeline --test-mark-func=attr=first --test-count-ops '--test-mark-func=attr=second' 2>&1 | FileCheck %s --check-prefix=FLAGS
// RUN: flowc-opt %s -test-mark-func='attr=x' -test-mark-module='attr=y' | FileCheck %s --check-prefix=MARKS

// The pipeline is printed in canonical form, every option with its value.
// PIPELINE:      Pass Manager with 3 passes:
// PIPELINE-NEXT: builtin.module(
// PIPELINE-NEXT:   func.func(
// PIPELINE-NEXT:     test-mark-func{attr=first},
// PIPELINE-NEXT:     test-mark-func{attr=second}
// PIPELINE-NEXT:   ),
// PIPELINE-NEXT:   any(
// PIPELINE-NEXT:     test-count-ops{emit-remark=false}
// PIPELINE-NEXT:   ),
// PIPELINE-NEXT:   test-count-ops{emit-remark=false}
// PIPELINE-NEXT: )

// Pass flags run in command-line order; a pass restricted to func.func is nested under
// func.func(...) automatically.
// FLAGS:      Pass Manager with 3 passes:
// FLAGS-NEXT: builtin.module(
// FLAGS-NEXT:   func.func(
// FLAGS-NEXT:     test-mark-func{attr=first}
// FLAGS-NEXT:   ),
// FLAGS-NEXT:   test-count-ops{emit-remark=false},
// FLAGS-NEXT:   func.func(
// FLAGS-NEXT:     test-mark-func{attr=second}
// FLAGS-NEXT:   )
// FLAGS-NEXT: )

// MARKS-LABEL: module attributes {y} {
// MARKS:       func.func @f() attributes {x} {
// MARKS:       func.func @g() attributes {x} {
func.func @f() {
  return
}
func.func @g() {
  return
}
