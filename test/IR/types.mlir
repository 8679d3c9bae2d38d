// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: flowc-opt %s --allow-unregistered-dialect --mlir-print-op-generic | flowc-opt --allow-unregistered-dialect | FileCheck %s

// Every builtin type prints back as written.

// CHECK: "foo.ints"() : () -> (i1, i7, si8, ui16, i64, i128, index)
"foo.ints"() : () -> (i1, i7, si8, ui16, i64, i128, index)
// CHECK: "foo.floats"() : () -> (f16, bf16, f32, f64, none, complex<f32>)
"foo.floats"() : () -> (f16, bf16, f32, f64, none, complex<f32>)
// CHECK: "foo.tensors"() : () -> (tensor<2x?x3xf32>, tensor<f32>, tensor<*xi8>, tensor<0x4xf16>, tensor<4xf32, "encoding">)
"foo.tensors"() : () -> (tensor<2x?x3xf32>, tensor<f32>, tensor<*xi8>, tensor<0x4xf16>, tensor<4xf32, "encoding">)
// CHECK: "foo.memrefs"() : () -> (memref<4x?xf32>, memref<4x8xf32, strided<[8, 1], offset: ?>>, memref<4xf32, strided<[1]>, 1>, memref<*xf32, 2>, memref<4xf32, affine_map<(d0) -> (d0 + 1)>>)
"foo.memrefs"() : () -> (memref<4x?xf32>, memref<4x8xf32, strided<[8, 1], offset: ?>>, memref<4xf32, strided<[1]>, 1>, memref<*xf32, 2>, memref<4xf32, affine_map<(d0) -> (d0 + 1)>>)
// CHECK: "foo.vectors"() : () -> (vector<4xf32>, vector<2x[8]xi1>)
"foo.vectors"() : () -> (vector<4xf32>, vector<2x[8]xi1>)
// CHECK: "foo.funcs"() : () -> (tuple<i32, tuple<>>, (i32, f32) -> i64, () -> (), () -> ((i32) -> i32))
"foo.funcs"() : () -> (tuple<i32, tuple<>>, (i32, f32) -> i64, () -> (), () -> ((i32) -> i32))
// CHECK: "foo.dialect"() : () -> (!foo.token, !foo.ptr<i32, "x>">)
"foo.dialect"() : () -> (!foo.token, !foo.ptr<i32, "x>">)
