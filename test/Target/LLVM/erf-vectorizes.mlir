// RUN: flowc-translate --emit=llvm %s | FileCheck %s

// A loop of f32 erf (GELU's inner loop) vectorizes at O3: erf is an inline polynomial, not a call
// to libm's erff per element.

// CHECK-LABEL: define void @gelu_erf(
// CHECK-NOT:   call float @erff
// CHECK:       fmul <{{[0-9]+}} x float>
// CHECK-NOT:   call float @erff
module {
  func.func private @gelu_erf(%x: memref<1024xf32>, %y: memref<1024xf32>) attributes {flowc.kernel} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %n = arith.constant 1024 : index
    loop.for %i = %c0 to %n step %c1 {
      %v = buffer.load %x[%i] : memref<1024xf32>
      %e = math.erf %v : f32
      buffer.store %e, %y[%i] : memref<1024xf32>
    }
    func.return
  }
}
