// RUN: flowc-opt %s --test-mark-func --test-count-ops --mlir-timing -o /dev/null 2>&1 | FileCheck %s
// RUN: flowc-opt %s --split-input-file --pass-pipeline='builtin.module(any(test-count-ops),func.func(test-mark-func))' --mlir-timing -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTED

// The report's structure follows the pipeline; only the numbers vary.
// CHECK:      ===-------------------------------------------------------------------------===
// CHECK-NEXT:                          ... Execution time report ...
// CHECK-NEXT: ===-------------------------------------------------------------------------===
// CHECK-NEXT:   Total Execution Time: {{[0-9]+\.[0-9]+}} seconds
// CHECK-EMPTY:
// CHECK-NEXT:   ----Wall Time----  ----Name----
// CHECK-NEXT:   {{.*}}{{[0-9]+\.[0-9]{4} \( *[0-9]+\.[0-9]%\)}}  Parser
// CHECK-NEXT:   {{.*}}%)  'func.func' Pipeline
// CHECK-NEXT:   {{.*}}%)    test-mark-func
// CHECK-NEXT:   {{.*}}%)  TestCountOps
// CHECK-NEXT:   {{.*}}%)  Output
// CHECK-NEXT:   {{.*}}%)  Rest
// CHECK-NEXT:   {{.*}}(100.0%)  Total

// NESTED:      ----Wall Time----  ----Name----
// NESTED-NEXT: %)  Parser
// NESTED-NEXT: %)  'any' Pipeline
// NESTED-NEXT: %)    TestCountOps
// NESTED-NEXT: %)  'func.func' Pipeline
// NESTED-NEXT: %)    test-mark-func
// NESTED-NEXT: %)  Output
// NESTED-NEXT: %)  Rest
// NESTED-NEXT: %)  Total

func.func @f() {
  return
}

// -----

func.func @g() {
  return
}
