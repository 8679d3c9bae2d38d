// RUN: not flowc-translate --emit=llvm %s 2>&1 | FileCheck %s

// Code generation errors are located diagnostics.

// CHECK: invalid.mlir:[[@LINE+1]]:1: error: 'func.func' op kernel argument #0 has type 'memref<?x4xf32>': kernels take statically shaped memrefs with the identity layout
func.func private @dynamic(%a: memref<?x4xf32>) attributes {flowc.kernel} {
  return
}
