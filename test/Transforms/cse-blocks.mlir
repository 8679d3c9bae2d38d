// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --cse | FileCheck %s

// An op in a block dominated by an equal op's block is merged; blocks that do not dominate
// each other keep their copies.
// CHECK-LABEL: func.func @dominance
// CHECK-SAME:    (%[[X:.+]]: i32)
// CHECK:         %[[A:.+]] = arith.addi %[[X]], %[[X]] : i32
// CHECK-NEXT:    "foo.use"(%[[A]])
// CHECK-NEXT:    "foo.cond_br"()[^[[T:bb[0-9]+]], ^[[F:bb[0-9]+]]]
// CHECK:       ^[[T]]:
// CHECK-NEXT:    %[[M1:.+]] = arith.muli %[[X]], %[[X]]
// CHECK-NEXT:    "foo.use"(%[[A]], %[[M1]])
// CHECK:       ^[[F]]:
// CHECK-NEXT:    %[[M2:.+]] = arith.muli %[[X]], %[[X]]
// CHECK-NEXT:    "foo.use"(%[[A]], %[[M2]])
// CHECK:       ^bb3:
// CHECK-NEXT:    %[[M3:.+]] = arith.muli %[[X]], %[[X]]
// CHECK-NEXT:    "foo.use"(%[[A]], %[[M3]])
func.func @dominance(%x: i32) {
  %0 = arith.addi %x, %x : i32
  "foo.use"(%0) : (i32) -> ()
  "foo.cond_br"()[^bb1, ^bb2] : () -> ()
^bb1:
  %1 = arith.addi %x, %x : i32
  %2 = arith.muli %x, %x : i32
  "foo.use"(%1, %2) : (i32, i32) -> ()
  "foo.br"()[^bb3] : () -> ()
^bb2:
  %3 = arith.addi %x, %x : i32
  %4 = arith.muli %x, %x : i32
  "foo.use"(%3, %4) : (i32, i32) -> ()
  "foo.br"()[^bb3] : () -> ()
^bb3:
  %5 = arith.addi %x, %x : i32
  %6 = arith.muli %x, %x : i32
  "foo.use"(%5, %6) : (i32, i32) -> ()
  return
}

// -----

// Blocks are visited in dominance order, not in textual order.
// CHECK-LABEL: func.func @block_order
// CHECK:       ^bb1:
// CHECK-NEXT:    "foo.use"(%[[C:.+]]) : (i32)
// CHECK-NEXT:    return
// CHECK:       ^bb2:
// CHECK-NEXT:    %[[C]] = arith.constant 3 : i32
// CHECK-NEXT:    "foo.use"(%[[C]])
func.func @block_order() {
  "foo.br"()[^bb2] : () -> ()
^bb1:
  %a = arith.constant 3 : i32
  "foo.use"(%a) : (i32) -> ()
  return
^bb2:
  %b = arith.constant 3 : i32
  "foo.use"(%b) : (i32) -> ()
  "foo.br"()[^bb1] : () -> ()
}

// -----

// Unreachable blocks are left alone.
// CHECK-LABEL: func.func @unreachable
// CHECK:       ^bb1:
// CHECK-NEXT:    arith.constant 3 : i32
// CHECK-NEXT:    arith.constant 3 : i32
func.func @unreachable() {
  return
^bb1:
  %a = arith.constant 3 : i32
  %b = arith.constant 3 : i32
  "foo.use"(%a, %b) : (i32, i32) -> ()
  return
}
