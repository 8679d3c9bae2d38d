// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu | FileCheck %s

// Reductions with no row (a zero outer dim) have nothing to launch as row kernels: they stay on
// the loop path (an empty loop nest that convert-loop-to-gpu maps to threads). Regression: the
// long rows (20000 and 200 * 200 elements, both above the 16384 where a row may be split) made
// the split heuristic divide by the zero row count and panic the compiler.

// CHECK-LABEL: func.func private @k0_reduce
// CHECK-SAME:      (%{{.*}}: memref<0x20000xf32>, %{{.*}}: memref<0x1xf32>)
// CHECK-NOT:       gpu.kernel
// CHECK:         loop.parallel
// CHECK-LABEL: func.func private @k1_global_average_pool
// CHECK-SAME:      (%{{.*}}: memref<0x40000xf32>, %{{.*}}: memref<0xf32>)
// CHECK-NOT:       gpu.kernel
// CHECK-LABEL: func.func @main
// CHECK:         call @k0_reduce
// CHECK:         call @k1_global_average_pool
func.func @main(%a: tensor<0x20000xf32>, %b: tensor<0x4x200x200xf32>) -> (tensor<0xf32>, tensor<0x4x1x1xf32>) {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_sum"(%a, %ax) {keepdims = 0 : i64} : (tensor<0x20000xf32>, tensor<1xi64>) -> tensor<0xf32>
  %1 = "flow.global_average_pool"(%b) : (tensor<0x4x200x200xf32>) -> tensor<0x4x1x1xf32>
  return %0, %1 : tensor<0xf32>, tensor<0x4x1x1xf32>
}
