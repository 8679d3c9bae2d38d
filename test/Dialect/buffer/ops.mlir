// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Round trip of the buffer dialect's custom syntax, and through the generic form.

// CHECK-LABEL: module
// CHECK:       buffer.global @w0 : memref<4x8xf32> = dense_resource<w0>
// CHECK-NEXT:  buffer.global private @w1 : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:  buffer.global @w2 : memref<2x2xi8> = dense<1> : tensor<4xi8> {note}
// CHECK-NEXT:  buffer.global @w3 : memref<4xf16> = dense_resource<w3> : tensor<2x2xf16>
// GENERIC:     "buffer.global"() <{sym_name = "w0", type = memref<4x8xf32>, value = dense_resource<w0> : tensor<4x8xf32>}> : () -> ()
// GENERIC:     "buffer.global"() <{sym_name = "w1", sym_visibility = "private", type = memref<2xf32>, value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}> : () -> ()
module {
  buffer.global @w0 : memref<4x8xf32> = dense_resource<w0>
  buffer.global private @w1 : memref<2xf32> = dense<[1.0, 2.0]> : tensor<2xf32>
  // A value of another shape with the same element count is accepted.
  buffer.global @w2 : memref<2x2xi8> = dense<1> : tensor<4xi8> {note}
  buffer.global @w3 : memref<4xf16> = dense_resource<w3> : tensor<2x2xf16>

  // CHECK-LABEL: func.func @memory(
  // CHECK-SAME:      %[[M:.*]]: memref<4x8xf32>, %[[I:.*]]: index, %[[J:.*]]: index)
  // CHECK:         %[[W:.*]] = buffer.get_global @w0 : memref<4x8xf32>
  // CHECK-NEXT:    %[[A:.*]] = buffer.alloc() {offset = 4096 : i64} : memref<4x8xf32>
  // CHECK-NEXT:    %[[B:.*]] = buffer.alloc() : memref<1x64xf32>
  // CHECK-NEXT:    %[[S:.*]] = buffer.alloca() : memref<8x32xf32>
  // CHECK-NEXT:    %[[X:.*]] = buffer.load %[[W]][%[[I]], %[[J]]] : memref<4x8xf32>
  // CHECK-NEXT:    buffer.store %[[X]], %[[A]][%[[I]], %[[J]]] : memref<4x8xf32>
  // CHECK-NEXT:    %[[V:.*]] = buffer.view %[[A]] : memref<4x8xf32> to memref<32xf32>
  // CHECK-NEXT:    %[[V2:.*]] = buffer.view %[[S]] : memref<8x32xf32> to memref<256xi32>
  // CHECK-NEXT:    buffer.copy %[[W]], %[[M]] : memref<4x8xf32>, memref<4x8xf32>
  // CHECK-NEXT:    %[[C:.*]] = buffer.alloca() : memref<f32>
  // CHECK-NEXT:    %[[Y:.*]] = buffer.load %[[C]][] : memref<f32>
  // CHECK-NEXT:    buffer.store %[[Y]], %[[C]][] : memref<f32>
  // GENERIC:       "buffer.get_global"() <{name = @w0}> : () -> memref<4x8xf32>
  // GENERIC:       "buffer.alloc"() <{offset = 4096 : i64}> : () -> memref<4x8xf32>
  // GENERIC:       "buffer.load"(%{{.*}}, %{{.*}}, %{{.*}}) : (memref<4x8xf32>, index, index) -> f32
  // GENERIC:       "buffer.store"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (f32, memref<4x8xf32>, index, index) -> ()
  // GENERIC:       "buffer.view"(%{{.*}}) : (memref<4x8xf32>) -> memref<32xf32>
  // GENERIC:       "buffer.copy"(%{{.*}}, %{{.*}}) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  func.func @memory(%m: memref<4x8xf32>, %i: index, %j: index) {
    %w = buffer.get_global @w0 : memref<4x8xf32>
    %a = buffer.alloc() {offset = 4096 : i64} : memref<4x8xf32>
    %b = buffer.alloc() : memref<1x64xf32>
    %s = buffer.alloca() : memref<8x32xf32>
    %x = buffer.load %w[%i, %j] : memref<4x8xf32>
    buffer.store %x, %a[%i, %j] : memref<4x8xf32>
    %v = buffer.view %a : memref<4x8xf32> to memref<32xf32>
    %v2 = buffer.view %s : memref<8x32xf32> to memref<256xi32>
    buffer.copy %w, %m : memref<4x8xf32>, memref<4x8xf32>
    %c = buffer.alloca() : memref<f32>
    %y = buffer.load %c[] : memref<f32>
    buffer.store %y, %c[] : memref<f32>
    return
  }
}
