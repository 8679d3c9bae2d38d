// RUN: flowc-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s
// RUN: flowc-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | flowc-opt --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s

// Every location kind survives printing with --mlir-print-debuginfo, including location aliases
// defined after their use (as mlir-opt prints them).

// CHECK: "foo.a"() : () -> () loc("file.mlir":3:7)
"foo.a"() : () -> () loc("file.mlir":3:7)
// CHECK: "foo.b"() : () -> () loc("conv1"("model.onnx":1:1))
"foo.b"() : () -> () loc("conv1"("model.onnx":1:1))
// CHECK: "foo.c"() : () -> () loc(callsite("callee" at "caller.mlir":5:6))
"foo.c"() : () -> () loc(callsite("callee" at "caller.mlir":5:6))
// CHECK: "foo.d"() : () -> () loc(fused["a.mlir":1:2, "relu"])
"foo.d"() : () -> () loc(fused["a.mlir":1:2, "relu"])
// CHECK: "foo.e"() : () -> () loc(fused<"fusion">["x", "y"])
"foo.e"() : () -> () loc(fused<"fusion">["x", "y"])
// CHECK: "foo.f"() : () -> () loc(unknown)
"foo.f"() : () -> () loc(unknown)
// CHECK: "foo.g"() : () -> () loc("later.mlir":9:9)
"foo.g"() : () -> () loc(#later)
// Without an explicit location an op is located where it is written.
// CHECK: "foo.h"() : () -> () loc("{{.*}}locations.mlir":[[# @LINE + 1]]:1)
"foo.h"() : () -> ()
// Block arguments keep theirs.
// CHECK: ^bb0(%{{.*}}: i32 loc("arg.mlir":1:1)):
"foo.i"() ({
^bb0(%x: i32 loc("arg.mlir":1:1)):
  "foo.j"(%x) : (i32) -> ()
}) : () -> ()
#later = loc("later.mlir":9:9)
