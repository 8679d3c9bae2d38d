// RUN: flowc-opt %s --allow-unregistered-dialect | FileCheck %s

// Type and attribute aliases are expanded where they are used.

!tensor4 = tensor<4xf32>
#identity = affine_map<(d0) -> (d0)>
#config = {tile = 8 : i64, name = "x"}

// CHECK: "foo.op"() {config = {name = "x", tile = 8 : i64}, map = affine_map<(d0) -> (d0)>} : () -> tensor<4xf32>
"foo.op"() {map = #identity, config = #config} : () -> !tensor4
// CHECK: "foo.nested"() : () -> memref<4xf32, affine_map<(d0) -> (d0)>>
"foo.nested"() : () -> memref<4xf32, #identity>
