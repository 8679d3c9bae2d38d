// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: flowc-opt %s --allow-unregistered-dialect --mlir-print-op-generic | flowc-opt --allow-unregistered-dialect | FileCheck %s

// The generic form: result groups, successors, properties, regions and attributes.

// CHECK-LABEL: "foo.func"() <{sym_name = "cfg"}> ({
// CHECK-NEXT:  ^bb0(%[[A:.*]]: i32, %[[B:.*]]: f32):
// CHECK-NEXT:    %[[P:.*]]:2 = "foo.pair"(%[[A]]) : (i32) -> (i32, i32)
// CHECK-NEXT:    "foo.br"(%[[P]]#1)[^bb1, ^bb2] : (i32) -> ()
// CHECK-NEXT:  ^bb1:
// CHECK-NEXT:    "foo.use"(%[[P]]#0, %[[B]]) {tag} : (i32, f32) -> ()
// CHECK:       ^bb2(%[[C:.*]]: i32):
// CHECK-NEXT:    "foo.ret"(%[[C]]) : (i32) -> ()
"foo.func"() <{sym_name = "cfg"}> ({
^bb0(%a: i32, %b: f32):
  %0:2 = "foo.pair"(%a) : (i32) -> (i32, i32)
  "foo.br"(%0#1)[^bb1, ^bb2] : (i32) -> ()
^bb1:
  "foo.use"(%0#0, %b) {tag} : (i32, f32) -> ()
  "foo.ret"() : () -> ()
^bb2(%c: i32):
  "foo.ret"(%c) : (i32) -> ()
}) : () -> ()

// Two regions, an empty one included.
// CHECK-LABEL: "foo.two_regions"() ({
// CHECK:         "foo.yield"() : () -> ()
// CHECK-NEXT:  }, {
// CHECK-NEXT:  }) : () -> ()
"foo.two_regions"() ({
  "foo.yield"() : () -> ()
}, {
}) : () -> ()
