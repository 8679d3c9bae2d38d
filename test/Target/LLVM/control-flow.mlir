// RUN: flowc-translate --emit=llvm -O0 %s | FileCheck %s

// loop.for with iter_args becomes a loop with phi nodes; loop.if becomes branches and phis;
// nested loop.parallel loops are sequential; buffer.alloca is an entry-block alloca aligned 64.

// CHECK-LABEL: define internal void @control.body(
// CHECK:       entry:
// CHECK-NEXT:    %scratch = alloca [8 x float], align 64
// CHECK:       for.header:
// CHECK-NEXT:    %for.iv = phi i64 [ 0, %{{.*}} ], [ %for.next, %{{.*}} ]
// CHECK-NEXT:    %[[ACC:.*]] = phi float [ 0.000000e+00, %{{.*}} ], [ %[[PHI:.*]], %if.end ]
// CHECK-NEXT:    %[[C:.*]] = icmp slt i64 %for.iv, 8
// CHECK:       for.body:
// CHECK:         %[[X:.*]] = load float, ptr %{{.*}}, align 4
// CHECK:         %[[P:.*]] = fcmp ogt float %[[X]], 0.000000e+00
// CHECK-NEXT:    br i1 %[[P]], label %if.then, label %if.else
// CHECK:       if.then:
// CHECK-NEXT:    %[[S:.*]] = fadd float %[[ACC]], %[[X]]
// CHECK-NEXT:    br label %if.end
// CHECK:       if.else:
// CHECK-NEXT:    br label %if.end
// CHECK:       if.end:
// CHECK-NEXT:    %[[PHI]] = phi float [ %[[S]], %if.then ], [ %[[ACC]], %if.else ]
// CHECK:         %for.next = add nsw i64 %for.iv, 1
// CHECK:       for.exit:
// CHECK:         store float %[[ACC]], ptr %scratch, align 4
// The first top-level loop is a loop.for, so the kernel has one task and the loop.parallel
// after it is two sequential nested loops.
// CHECK:       par.header:
// CHECK:       par.header{{[0-9]+}}:
func.func private @control(%a: memref<8xf32>, %out: memref<4x4xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %s = buffer.alloca() : memref<8xf32>
  %r = loop.for %i = %c0 to %c8 step %c1 iter_args(%acc = %z) -> (f32) {
    %x = buffer.load %a[%i] : memref<8xf32>
    %p = arith.cmpf ogt, %x, %z : f32
    %n = loop.if %p -> (f32) {
      %sum = arith.addf %acc, %x : f32
      loop.yield %sum : f32
    } else {
      loop.yield %acc : f32
    }
    loop.yield %n : f32
  }
  buffer.store %r, %s[%c0] : memref<8xf32>
  loop.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    buffer.store %r, %out[%i, %j] : memref<4x4xf32>
    loop.yield
  }
  return
}
