//! Parsing and printing: round trips to a fixed point, and located errors.

use flowc_ir::parser::{parse_attribute_str, parse_source, parse_type_str};
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;
use flowc_ir::{AttrData, Context};

fn ctx() -> Context {
    let mut c = Context::new();
    c.allow_unregistered_dialects = true;
    c
}

/// Parses, verifies and prints; then checks that printing the reparsed text gives the same text.
fn round_trip_with(src: &str, opts: &PrintOptions) -> String {
    let mut c = ctx();
    let m = parse_source(&mut c, src, "in.mlir", 0)
        .unwrap_or_else(|d| panic!("{}\n{src}", d[0].render(&c)));
    verify(&c, m).unwrap_or_else(|d| panic!("{}", d[0].render(&c)));
    let once = c.print_op(m, opts);
    let mut c2 = ctx();
    let m2 = parse_source(&mut c2, &once, "out.mlir", 0)
        .unwrap_or_else(|d| panic!("{}\n{once}", d[0].render(&c2)));
    let twice = c2.print_op(m2, opts);
    assert_eq!(once, twice, "printing is not a fixed point");
    once
}

fn round_trip(src: &str) -> String {
    round_trip_with(src, &PrintOptions::default())
}

fn parse_error(src: &str) -> String {
    let mut c = ctx();
    match parse_source(&mut c, src, "e.mlir", 0) {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(d) => d[0].render(&c),
    }
}

#[test]
fn generic_ops_with_regions_successors_and_groups() {
    let out = round_trip(
        r#"
"test.func"() ({
^bb0(%a: i32, %b: f32):
  %0:2 = "test.pair"(%a) : (i32) -> (i32, i32)
  "test.br"(%0#1)[^bb1, ^bb2] : (i32) -> ()
^bb1:
  "test.use"(%0#0, %b) : (i32, f32) -> ()
  "test.ret"() : () -> ()
^bb2(%c: i32):
  "test.ret"(%c) : (i32) -> ()
}) {sym_name = "f"} : () -> ()
"#,
    );
    assert!(
        out.contains("%0:2 = \"test.pair\"(%arg0) : (i32) -> (i32, i32)"),
        "{out}"
    );
    assert!(
        out.contains("\"test.br\"(%0#1)[^bb1, ^bb2] : (i32) -> ()"),
        "{out}"
    );
    assert!(out.contains("^bb2(%1: i32):"), "{out}");
}

#[test]
fn graph_regions_allow_forward_references() {
    let out = round_trip(
        r#"
module {
  "test.a"(%1) : (i32) -> ()
  %1 = "test.b"() : () -> i32
}
"#,
    );
    assert!(out.contains("\"test.a\"(%0) : (i32) -> ()"), "{out}");
}

#[test]
fn every_type_round_trips() {
    for t in [
        "i1",
        "i32",
        "si8",
        "ui64",
        "i128",
        "index",
        "f16",
        "bf16",
        "f32",
        "f64",
        "none",
        "complex<f32>",
        "tuple<i32, f32>",
        "tuple<>",
        "(i32, f32) -> i64",
        "() -> ()",
        "(i32) -> (i32, i32)",
        "() -> ((i32) -> i32)",
        "tensor<2x?x3xf32>",
        "tensor<f32>",
        "tensor<*xf32>",
        "tensor<0x4xi8>",
        "tensor<4xf32, \"enc\">",
        "memref<4x?xf32>",
        "memref<4x8xf32, strided<[8, 1], offset: ?>>",
        "memref<4xf32, strided<[1]>, 1>",
        "memref<*xf32, 1>",
        "memref<4xf32, affine_map<(d0) -> (d0 + 1)>>",
        "vector<4xf32>",
        "vector<2x[8]xi1>",
        "!test.opaque<a, \"b>\", <c>>",
        "!test.token",
    ] {
        let mut c = ctx();
        let ty = parse_type_str(&mut c, t).unwrap_or_else(|d| panic!("{t}: {}", d.render(&c)));
        assert_eq!(c.print_type(ty), t);
    }
}

#[test]
fn every_attribute_round_trips() {
    for a in [
        "unit",
        "true",
        "false",
        "42 : i64",
        "[42, 4.200000e+01, 42 : i32]",
        "-7 : i8",
        "255 : ui8",
        "true",
        "1.500000e+00 : f32",
        "-0.000000e+00 : f64",
        "0x7FC00000 : f32",
        "0xFC00 : f16",
        "\"a\\22b\\0A\\01\"",
        "\"typed\" : i32",
        "i32",
        "tensor<4xf32>",
        "[1, \"x\", [unit]]",
        "{a = 1 : i32, b, \"c d\" = []}",
        "@sym",
        "@a::@b::@c",
        "@\"quoted sym\"",
        "dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>",
        "dense<1.000000e+00> : tensor<4xf32>",
        "dense<[true, false]> : tensor<2xi1>",
        "dense<> : tensor<0xf32>",
        "dense<[(1.000000e+00, 2.000000e+00)]> : tensor<1xcomplex<f32>>",
        "dense<5> : tensor<i64>",
        "dense<[-1, 255]> : vector<2xi16>",
        "array<i64: 1, -2>",
        "array<i32>",
        "array<f32: 1.500000e+00>",
        "array<i1: true, false>",
        "dense_resource<blob> : tensor<4xf32>",
        "strided<[?, 1], offset: 4>",
        "affine_map<(d0, d1) -> (d1, d0)>",
        "#test.attr<x, [y]>",
        "loc(\"f.mlir\":3:4)",
    ] {
        let mut c = ctx();
        let attr =
            parse_attribute_str(&mut c, a).unwrap_or_else(|d| panic!("{a}: {}", d.render(&c)));
        let printed = c.print_attr(attr);
        let again = parse_attribute_str(&mut c, &printed).unwrap();
        assert_eq!(attr, again, "{a} printed as {printed}");
        // Integer and float shorthands normalize; everything else prints as written.
        if !a.contains("255 : ui8") {
            assert_eq!(printed, a);
        }
    }
}

#[test]
fn dense_values_are_stored_in_element_width() {
    let mut c = ctx();
    let a = parse_attribute_str(&mut c, "dense<[1.0, 2]> : tensor<2xf16>").unwrap();
    match c.attr_data(a) {
        AttrData::DenseElements {
            data, splat: false, ..
        } => assert_eq!(data, &vec![0x00, 0x3C, 0x00, 0x40]),
        other => panic!("{other:?}"),
    }
    let hex = parse_attribute_str(&mut c, "dense<\"0x0100000002000000\"> : tensor<2xi32>").unwrap();
    assert_eq!(c.print_attr(hex), "dense<[1, 2]> : tensor<2xi32>");
}

#[test]
fn locations_and_aliases() {
    let src = r#"
#map = affine_map<(d0) -> (d0)>
!t = tensor<4xf32>
"test.op"() {m = #map} : () -> (!t) loc(#loc1)
"test.op"() : () -> () loc(fused["a.mlir":1:2, "name"("b.mlir":3:4)])
"test.op"() : () -> () loc(callsite("callee" at "caller.mlir":5:6))
#loc1 = loc("later.mlir":7:8)
"#;
    let out = round_trip_with(
        src,
        &PrintOptions {
            generic: false,
            debug_info: true,
        },
    );
    assert!(
        out.contains(
            "{m = affine_map<(d0) -> (d0)>} : () -> tensor<4xf32> loc(\"later.mlir\":7:8)"
        ),
        "{out}"
    );
    assert!(
        out.contains("loc(fused[\"a.mlir\":1:2, \"name\"(\"b.mlir\":3:4)])"),
        "{out}"
    );
    assert!(
        out.contains("loc(callsite(\"callee\" at \"caller.mlir\":5:6))"),
        "{out}"
    );
}

#[test]
fn default_locations_point_at_the_op() {
    let mut c = ctx();
    let m = parse_source(&mut c, "\n  %0 = \"test.op\"() : () -> i32\n", "p.mlir", 10).unwrap();
    let op = c.nested_ops(m)[0];
    assert_eq!(c.file_line_col(c.op_loc(op)), Some(("p.mlir", 12, 3)));
}

#[test]
fn resources_round_trip() {
    let src = r#"
"test.op"() {w = dense_resource<weights> : tensor<2xf32>} : () -> ()
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040"
    }
  }
#-}
"#;
    let mut c = ctx();
    parse_source(&mut c, src, "r.mlir", 0).unwrap();
    let blob = c.resource("weights").unwrap();
    assert_eq!(blob.alignment, 4);
    assert_eq!(blob.data, vec![0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]);
    let out = round_trip(src);
    assert!(
        out.contains("weights: \"0x040000000000803F00000040\""),
        "{out}"
    );
}

#[test]
fn nested_modules_and_custom_module_syntax() {
    let out = round_trip("module @outer attributes {x = 1 : i64} {\n  module @inner {\n  }\n}\n");
    assert_eq!(
        out,
        "module @outer attributes {x = 1 : i64} {\n  module @inner {\n  }\n}\n"
    );
    let out = round_trip("\"builtin.module\"() ({\n}) : () -> ()");
    assert_eq!(out, "module {\n}\n");
}

#[test]
fn unrealized_casts_use_custom_syntax() {
    let out = round_trip(
        "%0 = \"test.a\"() : () -> i32\n%1 = builtin.unrealized_conversion_cast %0 : i32 to f32\n",
    );
    assert!(
        out.contains("%1 = builtin.unrealized_conversion_cast %0 : i32 to f32"),
        "{out}"
    );
}

#[test]
fn errors_are_located_and_worded_like_mlir() {
    let cases = [
        (
            "\"test.op\"(%x) : (i32) -> ()",
            "e.mlir:1:11: error: use of undeclared SSA value name",
        ),
        (
            "%0 = \"test.op\"() : () -> (i32, i32)",
            "e.mlir:1:1: error: operation defines 2 results but was provided 1 to bind",
        ),
        (
            "%0 = \"t.a\"() : () -> i32\n%0 = \"t.a\"() : () -> i32",
            "e.mlir:2:1: error: redefinition of SSA value '%0'",
        ),
        (
            "\"test.op\"() : () -> tensor<4xf32",
            "e.mlir:1:33: error: expected '>'",
        ),
        (
            "\"test.op\"() {a = 300 : i8} : () -> ()",
            "e.mlir:1:18: error: integer constant out of range for attribute",
        ),
        (
            "\"test.op\"() {a = dense<[1, 2]> : tensor<3xi32>} : () -> ()",
            "does not match type ([3])",
        ),
        (
            "foo.bar",
            "e.mlir:1:1: error: Dialect `foo' not found for custom op 'foo.bar'",
        ),
        (
            "\"test.op\"() : () -> i32 loc(#nope)",
            "undefined symbol alias id 'nope'",
        ),
        (
            "\"test.op\"() ({\n  \"test.br\"()[^missing] : () -> ()\n}) : () -> ()",
            "e.mlir:2:15: error: reference to an undefined block '^missing'",
        ),
        (
            "\"test.op\"() : () -> i32 \u{1}",
            "e.mlir:1:25: error: unexpected character",
        ),
        (
            "\"test.op\"() {s = \"unterminated} : () -> ()",
            "expected '\"' in string literal",
        ),
        (
            "%0 = \"t.a\"() : () -> i32\n\"t.b\"(%0) : (f32) -> ()",
            "use of value '%0' expects different type than prior uses: 'f32' vs 'i32'",
        ),
    ];
    for (src, expected) in cases {
        let got = parse_error(src);
        assert!(
            got.contains(expected),
            "for {src:?}\n  got: {got}\n  expected: {expected}"
        );
    }
}

#[test]
fn unregistered_ops_need_the_flag() {
    let mut c = Context::new();
    let err = parse_source(&mut c, "\"foo.bar\"() : () -> ()", "u.mlir", 0).unwrap_err();
    assert!(
        err[0].message.contains("unregistered dialect"),
        "{}",
        err[0].message
    );
}

#[test]
fn isolated_regions_hide_outer_values() {
    let src = "%0 = \"t.a\"() : () -> i32\nmodule {\n  \"t.use\"(%0) : (i32) -> ()\n}";
    let got = parse_error(src);
    assert!(got.contains("use of undeclared SSA value name"), "{got}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 100_000;
    let nested = |open: &str, inner: &str, close: &str| {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    };
    for src in [
        // Arrays in an attribute, tensor types in a type, regions in ops.
        format!("\"t.op\"() {{a = {}}} : () -> ()", nested("[", "1", "]")),
        format!("\"t.op\"() : () -> {}", nested("tensor<", "f32", ">")),
        nested("\"t.r\"() ({", "", "}) : () -> ()"),
    ] {
        let got = parse_error(&src);
        assert!(got.contains("nesting too deep"), "{got}");
    }
}
