// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --canonicalize | FileCheck %s
// RUN: flowc-opt %s --split-input-file --allow-unregistered-dialect --canonicalize='region-simplify=false' | FileCheck %s --check-prefix=KEEP

// Blocks that no branch reaches are erased, with their ops.
// CHECK-LABEL: func.func @unreachable
// CHECK:         "foo.br"()[^[[EXIT:bb[0-9]+]]]
// CHECK-NOT:     "foo.dead"
// CHECK:       ^[[EXIT]]:
// CHECK-NEXT:    return
// KEEP-LABEL:  func.func @unreachable
// KEEP:          "foo.dead"
func.func @unreachable() {
  "foo.br"()[^bb2] : () -> ()
^bb1:
  "foo.dead"() : () -> ()
  "foo.br"()[^bb2] : () -> ()
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
  "foo.br"(%a)[^bb2] : (i32) -> ()
^bb2(%b: i32):
  "foo.br"(%b)[^bb1] : (i32) -> ()
}

// -----

// Reachable blocks stay, whatever their order.
// CHECK-LABEL: func.func @reachable
// CHECK:         "foo.br"()[^bb2]
// CHECK:       ^bb1:
// CHECK-NEXT:    return
// CHECK:       ^bb2:
// CHECK-NEXT:    "foo.br"()[^bb1]
func.func @reachable() {
  "foo.br"()[^bb2] : () -> ()
^bb1:
  return
^bb2:
  "foo.br"()[^bb1] : () -> ()
}
