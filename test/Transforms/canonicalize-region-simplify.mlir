// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --canonicalize | FileCheck %s
// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --canonicalize='region-simplify=false' | FileCheck %s --check-prefix=KEEP

// Blocks that no branch reaches are erased, with their ops.
// CHECK-LABEL: func.func @unreachable
// CHECK:         "test.br"()[^[[EXIT:bb[0-9]+]]]
// CHECK-NOT:     "test.dead"
// CHECK:       ^[[EXIT]]:
// CHECK-NEXT:    return
// KEEP-LABEL:  func.func @unreachable
// KEEP:          "test.dead"
func.func @unreachable() {
  "test.br"()[^bb2] : () -> ()
^bb1:
  "test.dead"() : () -> ()
  "test.br"()[^bb2] : () -> ()
^bb2:
  return
}

// -----

// Unreachable blocks that only reach each other go together, block arguments included.
// CHECK-LABEL: func.func @unreachable_cycle
// CHECK-NOT:     ^bb
// CHECK:         return
func.func @unreachable_cycle(%x: i32) {
  return
^bb1(%a: i32):
  "test.br"(%a)[^bb2] : (i32) -> ()
^bb2(%b: i32):
  "test.br"(%b)[^bb1] : (i32) -> ()
}

// -----

// Reachable blocks stay, whatever their order.
// CHECK-LABEL: func.func @reachable
// CHECK:         "test.br"()[^bb2]
// CHECK:       ^bb1:
// CHECK-NEXT:    return
// CHECK:       ^bb2:
// CHECK-NEXT:    "test.br"()[^bb1]
func.func @reachable() {
  "test.br"()[^bb2] : () -> ()
^bb1:
  return
^bb2:
  "test.br"()[^bb1] : () -> ()
}
