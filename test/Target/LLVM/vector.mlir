// RUN: flowc-translate --emit=llvm -O0 %s | FileCheck %s
// RUN: flowc-translate --emit=llvm --target-triple=x86_64-unknown-linux-gnu --mcpu=skylake-avx512 %s | FileCheck %s --check-prefix=O3

// vector ops: loads / stores of <16 x float> at the element's alignment, broadcast as
// insertelement + shufflevector, llvm.fma, and reductions as llvm.vector.reduce.*.

// CHECK-LABEL: define internal void @micro.body(
// CHECK:         %[[A:.*]] = load float, ptr %{{.*}}, align 4
// CHECK-NEXT:    %[[I:.*]] = insertelement <16 x float> poison, float %[[A]], i64 0
// CHECK-NEXT:    %[[B:.*]] = shufflevector <16 x float> %[[I]], <16 x float> poison, <16 x i32> zeroinitializer
// CHECK:         %[[R:.*]] = load <16 x float>, ptr %{{.*}}, align 4
// CHECK-NEXT:    %[[F:.*]] = call <16 x float> @llvm.fma.v16f32(<16 x float> %[[B]], <16 x float> %[[R]], <16 x float> %{{.*}})
// CHECK:         store <16 x float> %{{.*}}, ptr %{{.*}}, align 4
// CHECK:         call float @llvm.vector.reduce.fadd.v16f32(float -0.000000e+00, <16 x float> %{{.*}})
// CHECK:         call float @llvm.vector.reduce.fmaximum.v16f32(<16 x float> %{{.*}})
// CHECK:         call i32 @llvm.vector.reduce.smax.v8i32(<8 x i32> <i32 1,
// CHECK:         store <8 x i32> <i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8>

// Optimized for AVX-512: the body is inlined into the exported kernel and the fma stays a
// 16-lane vector operation.
// O3-LABEL: define void @micro(
// O3:         @llvm.fma.v16f32
// O3-NOT:   define internal
func.func private @micro(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>, %s: memref<4xf32>, %iv: memref<8xi32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %ints = arith.constant dense<[1, 2, 3, 4, 5, 6, 7, 8]> : vector<8xi32>
  loop.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %acc = loop.for %k = %c0 to %c8 step %c1 iter_args(%v = %zero) -> (vector<16xf32>) {
      %x = buffer.load %a[%i, %k] : memref<4x8xf32>
      %xv = vector.broadcast %x : f32 to vector<16xf32>
      %row = vector.load %b[%k, %c0] : memref<8x16xf32>, vector<16xf32>
      %n = vector.fma %xv, %row, %v : vector<16xf32>
      loop.yield %n : vector<16xf32>
    }
    vector.store %acc, %c[%i, %c0] : memref<4x16xf32>, vector<16xf32>
    %sum = vector.reduction <add>, %acc : vector<16xf32> into f32
    %mx = vector.reduction <maximumf>, %acc : vector<16xf32> into f32
    %t = arith.addf %sum, %mx : f32
    buffer.store %t, %s[%i] : memref<4xf32>
    %im = vector.reduction <maxsi>, %ints : vector<8xi32> into i32
    vector.store %ints, %iv[%c0] : memref<8xi32>, vector<8xi32>
    loop.yield
  }
  return
}
