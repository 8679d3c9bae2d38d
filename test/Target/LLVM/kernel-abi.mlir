// RUN: flowc-translate --emit=llvm -O0 %s | FileCheck %s
// RUN: flowc-translate --emit=llvm -O0 %s | FileCheck %s --check-prefix=BODY

// The kernel ABI: `void k(ptr args, i64 task_begin, i64 task_end)` loads each memref's base
// pointer from args and calls the body, whose memref parameters are noalias, 64-byte aligned
// and dereferenceable; the task loop runs tasks [begin, end) of the first top-level
// loop.parallel, delinearized row-major. @main (the launch plan) and buffer.global are not
// translated.

// CHECK-NOT:   @w0
// CHECK-LABEL: define void @k2d(ptr %0, i64 %1, i64 %2)
// CHECK:         %[[P0:.*]] = getelementptr inbounds ptr, ptr %0, i64 0
// CHECK-NEXT:    %[[A0:.*]] = load ptr, ptr %[[P0]], align 8
// CHECK-NEXT:    %[[P1:.*]] = getelementptr inbounds ptr, ptr %0, i64 1
// CHECK-NEXT:    %[[A1:.*]] = load ptr, ptr %[[P1]], align 8
// CHECK-NEXT:    call void @k2d.body(ptr %[[A0]], ptr %[[A1]], i64 %1, i64 %2)
// CHECK-NEXT:    ret void

// BODY-LABEL: define internal void @k2d.body(ptr noalias noundef align 64 dereferenceable(96) %arg0, ptr noalias noundef align 64 dereferenceable(96) %arg1, i64 %task_begin, i64 %task_end)
// The range is clamped to the 3 x 2 = 6 tasks.
// BODY:         %[[END:.*]] = call i64 @llvm.smin.i64(i64 %task_end, i64 6)
// BODY:       task.header:
// BODY-NEXT:    %[[T:.*]] = phi i64 [ %task_begin, %entry ], [ %[[NEXT:.*]], %{{.*}} ]
// BODY-NEXT:    %[[C:.*]] = icmp slt i64 %[[T]], %[[END]]
// BODY-NEXT:    br i1 %[[C]], label %task.body, label %task.exit
// BODY:       task.body:
// Row-major delinearization: j = t % 2, i = t / 2; iv = lb + idx * step.
// BODY-NEXT:    %[[J:.*]] = urem i64 %[[T]], 2
// BODY-NEXT:    %[[I:.*]] = udiv i64 %[[T]], 2
// BODY:         %[[NEXT]] = add nsw i64 %[[T]], 1
// BODY:       task.exit:
// BODY-NEXT:    ret void
module {
  buffer.global @w0 : memref<2xf32> = dense<[1.0, 2.0]> : tensor<2xf32>
  func.func private @k2d(%a: memref<3x8xf32>, %b: memref<3x8xf32>) attributes {flowc.kernel} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    loop.parallel (%i, %j) = (%c0, %c0) to (%c3, %c8) step (%c1, %c4) {
      loop.for %k = %c0 to %c4 step %c1 {
        %jk = arith.addi %j, %k : index
        %x = buffer.load %a[%i, %jk] : memref<3x8xf32>
        buffer.store %x, %b[%i, %jk] : memref<3x8xf32>
      }
      loop.yield
    }
    return
  }
  func.func @main(%a: memref<3x8xf32>, %b: memref<3x8xf32>) attributes {flowc.entry} {
    %w = buffer.get_global @w0 : memref<2xf32>
    func.call @k2d(%a, %b) : (memref<3x8xf32>, memref<3x8xf32>) -> ()
    return
  }

  // A kernel without a top-level loop.parallel has one task and returns on an empty range;
  // flowc.may_alias drops noalias.
  // CHECK-LABEL: define void @single(ptr %0, i64 %1, i64 %2)
  // BODY-LABEL:  define internal void @single.body(ptr noundef align 64 dereferenceable(16) %arg0, i64 %task_begin, i64 %task_end)
  // BODY:          %has_task = icmp slt i64 %task_begin, %task_end
  // BODY-NEXT:     br i1 %has_task, label %run, label %done
  // Memref indexing is a GEP on row-major strides: [%i, 3] of 1x4 is %i * 4 + 3.
  // BODY:        for.body:
  // BODY:          %[[M:.*]] = mul nsw i64 %for.iv, 4
  // BODY-NEXT:     %[[L:.*]] = add nsw i64 %[[M]], 3
  // BODY-NEXT:     %[[G:.*]] = getelementptr inbounds float, ptr %arg0, i64 %[[L]]
  // BODY-NEXT:     store float 0.000000e+00, ptr %[[G]], align 4
  func.func private @single(%a: memref<2x2xf32>) attributes {flowc.kernel, flowc.may_alias} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %z = arith.constant 0.0 : f32
    %v = buffer.view %a : memref<2x2xf32> to memref<1x4xf32>
    loop.for %i = %c0 to %c1 step %c1 {
      buffer.store %z, %v[%i, %c3] : memref<1x4xf32>
    }
    return
  }
}
