// RUN: flowc-translate --emit=llvm -O0 %s | FileCheck %s

// arith and math ops, scalar and vector: LLVM instructions, intrinsics, and C math library
// calls for what LLVM has no intrinsic for; f16 is computed in f32 and rounded per op.

// CHECK-LABEL: define internal void @ops.body(
// CHECK:         fadd float
// CHECK:         fmul <8 x float>
// CHECK:         call <8 x float> @llvm.maximum.v8f32(
// CHECK:         fcmp olt <8 x float>
// CHECK:         select <8 x i1> %{{.*}}, <8 x float>
// CHECK:         sub i32
// CHECK:         sdiv i32
// CHECK:         call i32 @llvm.smax.i32(
// CHECK:         icmp ult i32
// CHECK:         sext i32 %{{.*}} to i64
// CHECK:         sitofp i32 %{{.*}} to float
// CHECK:         fptosi float %{{.*}} to i32
// CHECK:         bitcast float %{{.*}} to i32
// f16 arithmetic: extend, compute in f32, round back.
// CHECK:         %[[X:.*]] = fpext half %{{.*}} to float
// CHECK-NEXT:    %[[Y:.*]] = fpext half %{{.*}} to float
// CHECK-NEXT:    %[[S:.*]] = fadd float %[[X]], %[[Y]]
// CHECK-NEXT:    fptrunc float %[[S]] to half
// CHECK:         fptrunc float %{{.*}} to bfloat
// Math: intrinsics, then libm for what has none (log1p), lane by lane for vectors; f32 erf is
// an inline polynomial (its exp is the intrinsic), so loops of it vectorize.
// CHECK:         call float @llvm.exp.f32(
// CHECK:         call <8 x float> @llvm.tanh.v8f32(
// CHECK:         call float @llvm.sqrt.f32(
// CHECK-NOT:     @erff
// CHECK:         call double @log1p(
// CHECK-NOT:     @erff
// CHECK:         call i1 @llvm.is.fpclass.f32(float %{{.*}}, i32 3)
// CHECK:         call i32 @llvm.ctlz.i32(i32 %{{.*}}, i1 false)
// CHECK:         call i64 @llvm.abs.i64(i64 %{{.*}}, i1 false)
// CHECK:         fpext half %{{.*}} to float
// CHECK-NEXT:    call float @llvm.exp.f32(
// CHECK-NEXT:    fptrunc float %{{.*}} to half
// CHECK:         store i32 0, ptr %arg2, align 4
// CHECK-NOT:   declare float @erff(float)
func.func private @ops(%f: memref<8xf32>, %h: memref<8xf16>, %i: memref<8xi32>, %d: memref<8xf64>, %l: memref<8xi64>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %x = buffer.load %f[%c0] : memref<8xf32>
  %a = arith.addf %x, %x : f32
  %v = vector.load %f[%c0] : memref<8xf32>, vector<8xf32>
  %vm = arith.mulf %v, %v : vector<8xf32>
  %vx = arith.maximumf %vm, %v : vector<8xf32>
  %vc = arith.cmpf olt, %vx, %v : vector<8xf32>
  %vs = arith.select %vc, %vx, %v : vector<8xi1>, vector<8xf32>
  %n = buffer.load %i[%c0] : memref<8xi32>
  %n1 = arith.subi %n, %n : i32
  %n2 = arith.divsi %n, %n : i32
  %n3 = arith.maxsi %n1, %n2 : i32
  %n4 = arith.cmpi ult, %n3, %n : i32
  %n5 = arith.extsi %n : i32 to i64
  %n6 = arith.sitofp %n : i32 to f32
  %n7 = arith.fptosi %a : f32 to i32
  %n8 = arith.bitcast %a : f32 to i32
  %hx = buffer.load %h[%c0] : memref<8xf16>
  %hs = arith.addf %hx, %hx : f16
  %bf = arith.truncf %a : f32 to bf16
  %e = math.exp %a : f32
  %vt = math.tanh %vs : vector<8xf32>
  %sq = math.sqrt %e : f32
  %er = math.erf %sq : f32
  %dx = buffer.load %d[%c0] : memref<8xf64>
  %lp = math.log1p %dx : f64
  %ve = math.erf %vt : vector<8xf32>
  %nan = math.isnan %er : f32
  %cl = math.ctlz %n : i32
  %lx = buffer.load %l[%c0] : memref<8xi64>
  %ab = math.absi %lx : i64
  %he = math.exp %hx : f16
  %ic = arith.index_cast %c0 : index to i32
  buffer.store %ic, %i[%c0] : memref<8xi32>
  return
}
