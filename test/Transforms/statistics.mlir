// RUN: flowc-opt %s --inline='default-pipeline=""' --canonicalize --cse --symbol-dce --mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// Each pass counts what it did.
// CHECK:      Inliner
// CHECK-NEXT:   (S) 1 num-erased-callees - Number of private callees erased after inlining
// CHECK-NEXT:   (S) 2 num-inlined-calls - Number of inlined calls
// CHECK-NEXT: Canonicalizer
// CHECK-NEXT:   (S) 0 num-blocks-erased - Number of unreachable blocks erased
// CHECK-NEXT:   (S) 0 num-constants-uniqued - Number of constants replaced by an equal constant
// CHECK-NEXT:   (S) 1 num-dce'd - Number of trivially dead operations erased
// CHECK-NEXT:   (S) 2 num-folded - Number of operations folded
// CHECK-NEXT:   (S) 2 num-iterations - Number of driver iterations
// CHECK-NEXT:   (S) 0 num-patterns-applied - Number of canonicalization pattern applications
// CHECK-NEXT: CSE
// CHECK-NEXT:   (S) 1 num-cse'd - Number of operations CSE'd
// CHECK-NEXT:   (S) 0 num-dce'd - Number of operations DCE'd
// CHECK-NEXT: SymbolDCE
// CHECK-NEXT:   (S) 1 num-dce'd - Number of symbols DCE'd

func.func private @double(%x: i32) -> i32 {
  %0 = arith.addi %x, %x : i32
  return %0 : i32
}
func.func private @unused() {
  return
}
func.func @main(%a: i32) -> (i32, i32, i32) {
  %c2 = arith.constant 2 : i32
  %0 = call @double(%c2) : (i32) -> i32
  %1 = call @double(%c2) : (i32) -> i32
  %2 = arith.muli %a, %a : i32
  %3 = arith.muli %a, %a : i32
  %4 = arith.addi %2, %3 : i32
  return %0, %1, %4 : i32, i32, i32
}
