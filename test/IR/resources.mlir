// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: flowc-opt %s --allow-unregistered-dialect | flowc-opt --allow-unregistered-dialect | FileCheck %s

// Weights live in dense_resource blobs: the text refers to them by name and the bytes sit in the
// file-level resource section (alignment first, then the data), never in the op.

// CHECK: "foo.const"() {value = dense_resource<weights> : tensor<2xf32>} : () -> ()
"foo.const"() {value = dense_resource<weights> : tensor<2xf32>} : () -> ()

// CHECK:      {-#
// CHECK-NEXT:   dialect_resources: {
// CHECK-NEXT:     builtin: {
// CHECK-NEXT:       weights: "0x040000000000803F00000040"
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: #-}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040",
      unused: "0x0400000001000000"
    }
  }
#-}
