// RUN: flowc-opt %s --canonicalize='top-down=false' | FileCheck %s
// RUN: flowc-opt %s --canonicalize='max-iterations=-1' | FileCheck %s
// RUN: not flowc-opt %s --canonicalize='max-iterations=1 test-convergence=true' 2>&1 | FileCheck %s --check-prefix=CONVERGE
// RUN: flowc-opt %s --canonicalize='max-iterations=1' | FileCheck %s --check-prefix=BEST-EFFORT
// RUN: not flowc-opt %s --canonicalize='region-simplify=sometimes' 2>&1 | FileCheck %s --check-prefix=BAD-VALUE
// RUN: flowc-opt %s --dump-pass-pipeline --canonicalize -o /dev/null 2>&1 | FileCheck %s --check-prefix=PIPELINE

// Bottom-up processing and unlimited iterations reach the same fixpoint.
// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %[[C:.+]] = arith.constant 10 : i32
// CHECK-NEXT:    return %[[C]] : i32

// With one iteration allowed the rewrite does not converge (the second iteration would show
// that nothing changes): an error with test-convergence, best effort otherwise.
// CONVERGE: error: canonicalizer failed to converge within 1 iterations
// BEST-EFFORT: arith.constant 10 : i32

// BAD-VALUE: invalid value 'sometimes' for option 'region-simplify'

// PIPELINE: canonicalize{top-down=true region-simplify=true max-iterations=10 max-num-rewrites=-1 test-convergence=false disable-patterns="" enable-patterns=""}
func.func @f() -> i32 {
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %0 = arith.addi %c1, %c2 : i32
  %1 = arith.addi %0, %c3 : i32
  %2 = arith.addi %1, %c4 : i32
  return %2 : i32
}
