// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s

// A module body is a graph region: a value may be used before the op that defines it.

// CHECK: "foo.consumer"(%[[V:.*]]) : (i32) -> ()
// CHECK: %[[V]] = "foo.producer"() : () -> i32
"foo.consumer"(%late) : (i32) -> ()
%late = "foo.producer"() : () -> i32

// So is the body of test.graph_region, even inside a function.
// CHECK-LABEL: func.func @graph_in_func
// CHECK: "test.graph_region"() ({
// CHECK-NEXT: "foo.use"(%[[X:.*]]) : (i32) -> ()
// CHECK-NEXT: %[[X]] = "foo.def"() : () -> i32
func.func @graph_in_func() {
  "test.graph_region"() ({
    "foo.use"(%x) : (i32) -> ()
    %x = "foo.def"() : () -> i32
  }) : () -> ()
  return
}
