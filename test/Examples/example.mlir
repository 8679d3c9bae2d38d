// RUN: flowc-opt %s --canonicalize --cse | FileCheck %s
//
// A small module in the builtin / func / arith dialects, written as MLIR text. tools/demo.sh runs
// `flowc-opt test/Examples/example.mlir --canonicalize --cse` on it; as a lit test it pins what
// canonicalization (constant folding, algebraic identities) and CSE leave behind.

// Everything here is known at compile time: the whole body folds to one constant.
// CHECK-LABEL: func.func @fold_constants
// CHECK:         %[[C20:.+]] = arith.constant 20 : i32
// CHECK-NOT:     arith.addi
// CHECK-NOT:     arith.muli
// CHECK-NOT:     arith.select
// CHECK:         return %[[C20]] : i32
func.func @fold_constants() -> i32 {
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %sum = arith.addi %c2, %c3 : i32              // 5
  %prod = arith.muli %sum, %c4 : i32            // 20
  %less = arith.cmpi slt, %c2, %c3 : i32        // true
  %r = arith.select %less, %prod, %c4 : i32     // 20
  return %r : i32
}

// Identities (x + 0, x * 1) disappear, and the two equal products become one.
// CHECK-LABEL: func.func @redundant
// CHECK:         arith.muli
// CHECK-NOT:     arith.muli
// CHECK:         return
func.func @redundant(%a: i32, %b: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %a0 = arith.addi %a, %c0 : i32                // a
  %a1 = arith.muli %a0, %c1 : i32               // a
  %p = arith.muli %a1, %b : i32                 // a * b
  %q = arith.muli %a, %b : i32                  // a * b again
  %s = arith.addi %p, %q : i32
  %same = arith.cmpi eq, %a, %a : i32           // true
  %r = arith.select %same, %s, %c0 : i32        // %s
  return %r : i32
}
