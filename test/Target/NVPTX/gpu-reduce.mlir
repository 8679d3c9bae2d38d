// RUN: flowc-opt %s --convert-flow-to-loop=target=gpu | flowc-translate --emit=ptx | FileCheck %s

// The row reductions of convert-flow-to-loop (target=gpu) down to PTX. A row of 8 on 8 lanes:
// three butterfly shuffles of width 8 (c = (32 - 8) << 8 | 31 = 6175), no shared memory. A row
// of 5000 on a block of 256: the warps' five width-32 butterflies, a shared slot per warp, one
// bar.sync, then the 8 slots read back; 1 block per row.

// CHECK-LABEL: .visible .entry k0_reduce(
// CHECK:       .maxntid 64, 1, 1
// CHECK-NOT:   .shared
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 4, 6175, -1;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 2, 6175, -1;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 1, 6175, -1;
// CHECK-NOT:     bar.sync
// CHECK:         st.global.b32
// CHECK:         ret;

// CHECK-LABEL: .visible .entry k1_reduce(
// CHECK:       .maxntid 256, 1, 1
// CHECK:         .shared .align 16 .b8 [[SMEM:.*]][32];
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 16, 31, -1;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 8, 31, -1;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 4, 31, -1;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 2, 31, -1;
// CHECK:         shfl.sync.bfly.b32 {{.*}}, 1, 31, -1;
// CHECK:         st.shared.b32
// CHECK:         bar.sync 0;
// CHECK-NOT:     bar.sync
// CHECK:         ld.shared.b32 {{.*}}, [[[SMEM]]];
// CHECK:         ld.shared.b32 {{.*}}, [[[SMEM]]+28];
// CHECK:         st.global.b32
// CHECK:         ret;
func.func @main(%a: tensor<6x8xf32>, %b: tensor<3x5000xf32>) -> (tensor<6xf32>, tensor<3xf32>) {
  %ax = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "flow.reduce_sum"(%a, %ax) {keepdims = 0 : i64} : (tensor<6x8xf32>, tensor<1xi64>) -> tensor<6xf32>
  %1 = "flow.reduce_sum"(%b, %ax) {keepdims = 0 : i64} : (tensor<3x5000xf32>, tensor<1xi64>) -> tensor<3xf32>
  return %0, %1 : tensor<6xf32>, tensor<3xf32>
}
