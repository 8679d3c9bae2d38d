// RUN: flowc-opt %s | flowc-opt | FileCheck %s
// RUN: flowc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Argument, result and function attributes, and symbol visibility.

// CHECK-LABEL: func.func private @arg_attrs(i32 {test.a}, f32, i64 {test.b = 1 : i32})
// GENERIC: "func.func"() <{arg_attrs = [{test.a}, {}, {test.b = 1 : i32}], function_type = (i32, f32, i64) -> (), sym_name = "arg_attrs", sym_visibility = "private"}>
func.func private @arg_attrs(i32 {test.a}, f32, i64 {test.b = 1 : i32})

// CHECK-LABEL: func.func private @res_attrs() -> (i32 {test.r})
// GENERIC: "func.func"() <{function_type = () -> i32, res_attrs = [{test.r}], sym_name = "res_attrs", sym_visibility = "private"}>
func.func private @res_attrs() -> (i32 {test.r})

// CHECK-LABEL: func.func @named_arg_attrs(
// CHECK-SAME:      %{{.*}}: i32 {test.a}, %{{.*}}: f32) -> (i32 {test.r}, f32)
// GENERIC: "func.func"() <{arg_attrs = [{test.a}, {}], function_type = (i32, f32) -> (i32, f32), res_attrs = [{test.r}, {}], sym_name = "named_arg_attrs"}>
func.func @named_arg_attrs(%a: i32 {test.a}, %b: f32) -> (i32 {test.r}, f32) {
  return %a, %b : i32, f32
}

// CHECK-LABEL: func.func @with_attributes() attributes {test.flag, test.value = 3 : i32} {
// GENERIC: "func.func"() <{function_type = () -> (), sym_name = "with_attributes"}>
// GENERIC: }) {test.flag, test.value = 3 : i32} : () -> ()
func.func @with_attributes() attributes {test.flag, test.value = 3 : i32} {
  return
}

// CHECK-LABEL: func.func public @explicitly_public()
func.func public @explicitly_public() {
  return
}

// CHECK-LABEL: func.func nested @nested_declaration()
func.func nested @nested_declaration()

// An empty attribute dictionary everywhere is no `arg_attrs` at all.
// CHECK-LABEL: func.func private @empty_dicts(i32, i32)
// GENERIC: "func.func"() <{function_type = (i32, i32) -> (), sym_name = "empty_dicts", sym_visibility = "private"}>
func.func private @empty_dicts(i32 {}, i32 {})
