// RUN: flowc-translate --emit=asm --target-triple=aarch64-linux-gnu %s | FileCheck %s
// RUN: flowc-translate --emit=obj --target-triple=aarch64-linux-gnu %s -o %t.o
// RUN: llvm-readelf -h -s %t.o | FileCheck %s --check-prefix=OBJ

// Cross compilation: AArch64 assembly with NEON fused multiply-adds, and an AArch64 ELF object
// exporting the kernel.

// CHECK-LABEL: axpy:
// CHECK:         fmla v{{[0-9]+}}.4s
// CHECK:         ret

// OBJ:       Machine: AArch64
// OBJ:       FUNC GLOBAL DEFAULT {{.*}} axpy
func.func private @axpy(%x: memref<64xf32>, %y: memref<64xf32>, %s: memref<1xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %a = buffer.load %s[%c0] : memref<1xf32>
  %av = vector.broadcast %a : f32 to vector<16xf32>
  loop.parallel (%t) = (%c0) to (%c4) step (%c1) {
    %i = arith.muli %t, %c16 : index
    %xv = vector.load %x[%i] : memref<64xf32>, vector<16xf32>
    %yv = vector.load %y[%i] : memref<64xf32>, vector<16xf32>
    %r = vector.fma %av, %xv, %yv : vector<16xf32>
    vector.store %r, %y[%i] : memref<64xf32>, vector<16xf32>
    loop.yield
  }
  return
}
