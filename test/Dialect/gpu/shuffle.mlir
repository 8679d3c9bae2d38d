// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// gpu.shuffle in its four modes (f32 and i32 values) and gpu.lane_id, round-tripped through the
// custom and the generic form: two results (the value, whether the source lane was in the
// segment), the mode as a keyword.

// CHECK-LABEL: func.func private @warp
// CHECK:         %[[L:.*]] = gpu.lane_id
// CHECK:         %[[X:.*]]:2 = gpu.shuffle xor %{{.*}}, %[[O:.*]], %[[W:.*]] : f32
// CHECK-NEXT:    arith.addf %{{.*}}, %[[X]]#0 : f32
// CHECK-NEXT:    %{{.*}}:2 = gpu.shuffle down %{{.*}}, %[[O]], %[[W]] : f32
// CHECK-NEXT:    %[[U:.*]]:2 = gpu.shuffle up %{{.*}}, %[[O]], %[[W]] : f32
// CHECK:         %{{.*}}:2 = gpu.shuffle idx %{{.*}}, %[[O]], %[[W]] {tag} : i32
// CHECK:         arith.select %[[U]]#1,
// GENERIC:       "gpu.lane_id"() : () -> index
// GENERIC:       "gpu.shuffle"(%{{.*}}, %{{.*}}, %{{.*}}) <{mode = "xor"}> : (f32, i32, i32) -> (f32, i1)
// GENERIC:       "gpu.shuffle"(%{{.*}}, %{{.*}}, %{{.*}}) <{mode = "down"}> : (f32, i32, i32) -> (f32, i1)
// GENERIC:       "gpu.shuffle"(%{{.*}}, %{{.*}}, %{{.*}}) <{mode = "up"}> : (f32, i32, i32) -> (f32, i1)
// GENERIC:       "gpu.shuffle"(%{{.*}}, %{{.*}}, %{{.*}}) <{mode = "idx"}> {tag} : (i32, i32, i32) -> (i32, i1)
func.func private @warp(%a: memref<64xf32>, %b: memref<64xi32>) attributes {flowc.kernel, gpu.kernel,
    gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 64, 1, 1>} {
  %t = gpu.thread_id x
  %l = gpu.lane_id
  %v = buffer.load %a[%t] : memref<64xf32>
  %w = arith.constant 32 : i32
  %o = arith.constant 1 : i32
  %x, %xv = gpu.shuffle xor %v, %o, %w : f32
  %s = arith.addf %v, %x : f32
  %d, %dv = gpu.shuffle down %s, %o, %w : f32
  %u, %uv = gpu.shuffle up %d, %o, %w : f32
  %li = arith.index_cast %l : index to i32
  %i, %iv = gpu.shuffle idx %li, %o, %w {tag} : i32
  %r = arith.select %uv, %u, %v : f32
  buffer.store %r, %a[%t] : memref<64xf32>
  buffer.store %i, %b[%t] : memref<64xi32>
  return
}
