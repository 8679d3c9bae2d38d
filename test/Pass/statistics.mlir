// RUN: flowc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(test-mark-func,test-count-ops),test-count-ops)' --mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// Statistics are summed over every op a pass ran on, across the chunks of a split file.
// CHECK:      ===-------------------------------------------------------------------------===
// CHECK-NEXT:                          ... Pass statistics report ...
// CHECK-NEXT: ===-------------------------------------------------------------------------===
// CHECK-NEXT: 'func.func' Pipeline
// CHECK-NEXT:   test-mark-func
// CHECK-NEXT:     (S) 3 num-marked - Number of operations marked
// CHECK-NEXT:   TestCountOps
// CHECK-NEXT:     (S) 3 num-ops - Number of operations counted
// CHECK-NEXT: TestCountOps
// CHECK-NEXT:   (S) 6 num-ops - Number of operations counted

func.func @f() {
  return
}
func.func @g() {
  return
}

// -----

func.func @h() {
  return
}
