// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --inline='default-pipeline=""' | FileCheck %s
// RUN: not flowc-opt %s --inline='default-pipeline=cse' 2>&1 | FileCheck %s --check-prefix=BAD

// Without the default pipeline the inlined body is left as it is.
// CHECK-LABEL: func.func @unfolded
// CHECK-NEXT:    %[[C:.+]] = arith.constant 21 : i32
// CHECK-NEXT:    %[[S:.+]] = arith.addi %[[C]], %[[C]] : i32
// CHECK-NEXT:    return %[[S]] : i32
func.func private @times_two(%x: i32) -> i32 {
  %0 = arith.addi %x, %x : i32
  return %0 : i32
}
func.func @unfolded() -> i32 {
  %c21 = arith.constant 21 : i32
  %0 = call @times_two(%c21) : (i32) -> i32
  return %0 : i32
}

// -----

// flowc inlines single-block callees only: a callee with branches stays a call.
// CHECK-LABEL: func.func private @branches
// CHECK-LABEL: func.func @multi_block_callee
// CHECK-NEXT:    call @branches
func.func private @branches() {
  "foo.br"()[^bb1] : () -> ()
^bb1:
  return
}
func.func @multi_block_callee() {
  call @branches() : () -> ()
  return
}

// BAD: invalid value 'cse' for option 'default-pipeline'
