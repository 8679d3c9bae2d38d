// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: flowc-opt %s --allow-unregistered-dialect --mlir-print-op-generic | flowc-opt --allow-unregistered-dialect | FileCheck %s

// Every attribute kind, printed as MLIR prints it.

// CHECK: "foo.scalars"() {b = true, f16 = 1.500000e+00 : f16, f64 = 2.500000e-01 : f64, hex = 0x7FC00000 : f32, i = 42 : i64, i8 = -1 : i8, u = 255 : ui8, unit}
"foo.scalars"() {unit, b = true, i = 42, i8 = 255 : i8, u = 255 : ui8, f64 = 0.25, f16 = 1.5 : f16, hex = 0x7FC00000 : f32} : () -> ()
// CHECK: "foo.strings"() {esc = "q\22\\\0A\09", "quoted key" = "v", sym = @outer::@inner, t = tensor<4xf32>}
"foo.strings"() {esc = "q\"\\\n\t", "quoted key" = "v", sym = @outer::@inner, t = tensor<4xf32>} : () -> ()
// CHECK: "foo.containers"() {arr = [1, 2.000000e+00, "s", [unit]], dict = {a = 1 : i32, z}}
"foo.containers"() {arr = [1, 2.0, "s", [unit]], dict = {z, a = 1 : i32}} : () -> ()
// CHECK: "foo.dense"() {b = dense<[true, false]> : tensor<2xi1>, c = dense<(1.000000e+00, 2.000000e+00)> : tensor<2xcomplex<f32>>, e = dense<> : tensor<0xf32>, f = dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf16>, i = dense<[1, 2, 3]> : vector<3xi16>, s = dense<7> : tensor<2x2xi64>}
"foo.dense"() {i = dense<[1, 2, 3]> : vector<3xi16>, s = dense<7> : tensor<2x2xi64>, f = dense<[[1.0, 2.0]]> : tensor<1x2xf16>, b = dense<[true, false]> : tensor<2xi1>, e = dense<> : tensor<0xf32>, c = dense<(1.0, 2.0)> : tensor<2xcomplex<f32>>} : () -> ()
// CHECK: "foo.arrays"() {e = array<i32>, f = array<f32: 1.500000e+00>, i = array<i64: 1, -2>}
"foo.arrays"() {i = array<i64: 1, -2>, e = array<i32>, f = array<f32: 1.5>} : () -> ()
// CHECK: "foo.layouts"() {a = affine_map<(d0, d1) -> (d1, d0)>, d = #foo.attr<x, [y]>, l = loc("f.mlir":3:4), s = strided<[?, 1], offset: 4>}
"foo.layouts"() {s = strided<[?, 1], offset: 4>, a = affine_map<(d0, d1) -> (d1, d0)>, d = #foo.attr<x, [y]>, l = loc("f.mlir":3:4)} : () -> ()
