// RUN: flowc-opt %s | flowc-opt | FileCheck %s

// A view with a byte offset: a contiguous run of the source (rows 2 and 3 of a 4x8 buffer), of
// any size up to the source's end.
// CHECK-LABEL: func.func @rows
// CHECK: buffer.view %{{.*}} {offset = 64 : i64} : memref<4x8xf32> to memref<2x8xf32>
// CHECK: buffer.view %{{.*}} {offset = 124 : i64} : memref<4x8xf32> to memref<1xf32>
func.func @rows(%m: memref<4x8xf32>) {
  %v = buffer.view %m {offset = 64 : i64} : memref<4x8xf32> to memref<2x8xf32>
  %w = buffer.view %m {offset = 124 : i64} : memref<4x8xf32> to memref<1xf32>
  return
}
