// RUN: not flowc-translate --emit=llvm %s 2>&1 | FileCheck %s
// RUN: not flowc-translate --emit=obj %s 2>&1 | FileCheck %s --check-prefix=OBJ

// CHECK: invalid-ops.mlir:[[@LINE+4]]:3: error: 'loop.parallel' op the task loop of a kernel needs constant bounds and steps
func.func private @task_bounds(%a: memref<4xindex>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %n = buffer.load %a[%c0] : memref<4xindex>
  loop.parallel (%i) = (%c0) to (%n) step (%n) {
    loop.yield
  }
  return
}

// OBJ: error: --emit=obj needs an output file (-o FILE)
