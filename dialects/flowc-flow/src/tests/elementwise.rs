use super::{err, infer, ok};

#[test]
fn unary_keeps_type() {
    ok("flow.relu", &["tensor<2x?xf32>"], &[], &["tensor<2x?xf32>"]);
    ok("flow.exp", &["tensor<*xf16>"], &[], &["tensor<*xf16>"]);
    ok("flow.abs", &["tensor<i8>"], &[], &["tensor<i8>"]);
    ok("flow.not", &["tensor<3xi1>"], &[], &["tensor<3xi1>"]);
    ok(
        "flow.bitwise_not",
        &["tensor<3xui16>"],
        &[],
        &["tensor<3xui16>"],
    );
    ok("flow.identity", &["tensor<3xi1>"], &[], &["tensor<3xi1>"]);
    ok(
        "flow.gelu",
        &["tensor<4xbf16>"],
        &[("approximate", "\"tanh\"")],
        &["tensor<4xbf16>"],
    );
    ok(
        "flow.leaky_relu",
        &["tensor<4xf64>"],
        &[("alpha", "0.2 : f32")],
        &["tensor<4xf64>"],
    );
}

#[test]
fn unary_errors() {
    err(
        "flow.exp",
        &["tensor<3xi32>"],
        &[],
        1,
        "operand #0 (input) must be tensor of f16, bf16, f32 or f64 values, but got 'tensor<3xi32>'",
    );
    err(
        "flow.not",
        &["tensor<3xf32>"],
        &[],
        1,
        "tensor of i1 values",
    );
    err("flow.relu", &["f32"], &[], 1, "must be a tensor");
    err(
        "flow.relu",
        &["tensor<3xf32>", "tensor<3xf32>"],
        &[],
        1,
        "expects 1 operand, but has 2",
    );
    err(
        "flow.relu",
        &["tensor<3xf32>"],
        &[],
        2,
        "expects 1 result, but has 2",
    );
    err(
        "flow.gelu",
        &["tensor<4xf32>"],
        &[("approximate", "\"fast\"")],
        1,
        "\"none\", \"tanh\"",
    );
    err(
        "flow.leaky_relu",
        &["tensor<4xf32>"],
        &[("alpha", "2 : i64")],
        1,
        "attribute 'alpha' must be a 32-bit float attribute",
    );
    err(
        "flow.relu",
        &["tensor<3xsi32>"],
        &[],
        1,
        "must be a tensor of a flow element type",
    );
    err(
        "flow.relu",
        &["tensor<3xindex>"],
        &[],
        1,
        "must be a tensor of a flow element type",
    );
}

#[test]
fn binary_broadcasting() {
    ok(
        "flow.add",
        &["tensor<2x3xf32>", "tensor<3xf32>"],
        &[],
        &["tensor<2x3xf32>"],
    );
    ok(
        "flow.add",
        &["tensor<2x1xf32>", "tensor<1x4xf32>"],
        &[],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.mul",
        &["tensor<f32>", "tensor<5x6xf32>"],
        &[],
        &["tensor<5x6xf32>"],
    );
    ok(
        "flow.sub",
        &["tensor<?x3xf32>", "tensor<4x1xf32>"],
        &[],
        &["tensor<4x3xf32>"],
    );
    ok(
        "flow.div",
        &["tensor<?x1xf32>", "tensor<1xf32>"],
        &[],
        &["tensor<?x1xf32>"],
    );
    ok(
        "flow.div",
        &["tensor<?xf32>", "tensor<?xf32>"],
        &[],
        &["tensor<?xf32>"],
    );
    ok(
        "flow.add",
        &["tensor<*xf32>", "tensor<3xf32>"],
        &[],
        &["tensor<*xf32>"],
    );
    ok(
        "flow.add",
        &["tensor<0x3xi64>", "tensor<1xi64>"],
        &[],
        &["tensor<0x3xi64>"],
    );
    ok(
        "flow.pow",
        &["tensor<3xf32>", "tensor<i64>"],
        &[],
        &["tensor<3xf32>"],
    );
    ok(
        "flow.bit_shift",
        &["tensor<3xui8>", "tensor<3xui8>"],
        &[("direction", "\"LEFT\"")],
        &["tensor<3xui8>"],
    );
    ok(
        "flow.mod",
        &["tensor<3xi32>", "tensor<3xi32>"],
        &[],
        &["tensor<3xi32>"],
    );
    ok(
        "flow.mod",
        &["tensor<3xf32>", "tensor<3xf32>"],
        &[("fmod", "1 : i64")],
        &["tensor<3xf32>"],
    );
    // Floor modulo of floats (fmod = 0) since opset 28.
    ok(
        "flow.mod",
        &["tensor<3xf16>", "tensor<1xf16>"],
        &[],
        &["tensor<3xf16>"],
    );
}

#[test]
fn comparisons_and_logic_give_bool() {
    ok(
        "flow.equal",
        &["tensor<2x3xi64>", "tensor<3xi64>"],
        &[],
        &["tensor<2x3xi1>"],
    );
    ok(
        "flow.less_or_equal",
        &["tensor<?xf32>", "tensor<f32>"],
        &[],
        &["tensor<?xi1>"],
    );
    ok(
        "flow.and",
        &["tensor<2xi1>", "tensor<2xi1>"],
        &[],
        &["tensor<2xi1>"],
    );
    ok(
        "flow.xor",
        &["tensor<2xi1>", "tensor<1xi1>"],
        &[],
        &["tensor<2xi1>"],
    );
}

#[test]
fn binary_errors() {
    err(
        "flow.add",
        &["tensor<3xf32>", "tensor<4xf32>"],
        &[],
        1,
        "incompatible broadcast: tensor<3xf32> vs tensor<4xf32>",
    );
    err(
        "flow.add",
        &["tensor<3xf32>", "tensor<3xf64>"],
        &[],
        1,
        "operands #0 (A) and #1 (B) must have the same element type, but got f32 and f64",
    );
    err(
        "flow.add",
        &["tensor<3xf32>"],
        &[],
        1,
        "expects 2 operands, but has 1",
    );
    err(
        "flow.mod",
        &["tensor<3xf32>", "tensor<3xf32>"],
        &[("fmod", "2 : i64")],
        1,
        "attribute 'fmod' must be 0 or 1, but is 2",
    );
    err(
        "flow.bit_shift",
        &["tensor<3xui8>", "tensor<3xui8>"],
        &[],
        1,
        "requires attribute 'direction'",
    );
    err(
        "flow.bit_shift",
        &["tensor<3xui8>", "tensor<3xui8>"],
        &[("direction", "\"UP\"")],
        1,
        "must be one of",
    );
    err(
        "flow.and",
        &["tensor<2xi32>", "tensor<2xi32>"],
        &[],
        1,
        "tensor of i1 values",
    );
    err(
        "flow.bitwise_and",
        &["tensor<2xf32>", "tensor<2xf32>"],
        &[],
        1,
        "must be tensor of i8",
    );
}

#[test]
fn variadic_and_where() {
    ok("flow.sum", &["tensor<3xf32>"], &[], &["tensor<3xf32>"]);
    ok(
        "flow.max",
        &["tensor<3x1xi32>", "tensor<4xi32>", "tensor<i32>"],
        &[],
        &["tensor<3x4xi32>"],
    );
    ok(
        "flow.mean",
        &["tensor<2x?xf16>", "tensor<2x5xf16>"],
        &[],
        &["tensor<2x5xf16>"],
    );
    err("flow.min", &[], &[], 1, "expects at least 1 operand");
    err(
        "flow.min",
        &["tensor<2xf32>", "tensor<3xf32>"],
        &[],
        1,
        "incompatible broadcast",
    );
    ok(
        "flow.where",
        &["tensor<2x1xi1>", "tensor<3xf32>", "tensor<f32>"],
        &[],
        &["tensor<2x3xf32>"],
    );
    err(
        "flow.where",
        &["tensor<2xi32>", "tensor<2xf32>", "tensor<2xf32>"],
        &[],
        1,
        "operand #0 (condition)",
    );
    err(
        "flow.where",
        &["tensor<2xi1>", "tensor<2xf32>", "tensor<2xf16>"],
        &[],
        1,
        "same element type",
    );
}

#[test]
fn prelu_clip_cast() {
    ok(
        "flow.prelu",
        &["tensor<1x8x4x4xf32>", "tensor<8x1x1xf32>"],
        &[],
        &["tensor<1x8x4x4xf32>"],
    );
    err(
        "flow.prelu",
        &["tensor<1x8x4x4xf32>", "tensor<3x1x1xf32>"],
        &[],
        1,
        "does not broadcast",
    );
    ok("flow.clip", &["tensor<3xf32>"], &[], &["tensor<3xf32>"]);
    ok(
        "flow.clip",
        &["tensor<3xf32>", "none", "tensor<f32>"],
        &[],
        &["tensor<3xf32>"],
    );
    err(
        "flow.clip",
        &["tensor<3xf32>", "tensor<2xf32>"],
        &[],
        1,
        "must be a scalar",
    );
    err(
        "flow.clip",
        &["tensor<3xf32>", "tensor<f16>"],
        &[],
        1,
        "same element type",
    );
    err(
        "flow.clip",
        &["none", "tensor<f32>"],
        &[],
        1,
        "operand #0 (input) is required, but is 'none'",
    );
    ok(
        "flow.cast",
        &["tensor<2x?xf32>"],
        &[("to", "7 : i64")],
        &["tensor<2x?xi64>"],
    );
    ok(
        "flow.cast",
        &["tensor<2xi64>"],
        &[("to", "9 : i64")],
        &["tensor<2xi1>"],
    );
    ok(
        "flow.cast",
        &["tensor<2xi64>"],
        &[("to", "2 : i64")],
        &["tensor<2xui8>"],
    );
    ok(
        "flow.cast",
        &["tensor<2xi64>"],
        &[("to", "16 : i64")],
        &["tensor<2xbf16>"],
    );
    err(
        "flow.cast",
        &["tensor<2xi64>"],
        &[],
        1,
        "requires attribute 'to'",
    );
    err(
        "flow.cast",
        &["tensor<2xi64>"],
        &[("to", "8 : i64")],
        1,
        "not a data type flow supports",
    );
    err(
        "flow.cast",
        &["tensor<2xi64>"],
        &[("to", "1 : i32")],
        1,
        "64-bit signless integer attribute",
    );
    ok(
        "flow.cast_like",
        &["tensor<2xi64>", "tensor<f16>"],
        &[],
        &["tensor<2xf16>"],
    );
    ok("flow.is_nan", &["tensor<2xf32>"], &[], &["tensor<2xi1>"]);
    ok(
        "flow.is_inf",
        &["tensor<?xf64>"],
        &[("detect_negative", "0 : i64")],
        &["tensor<?xi1>"],
    );
}

#[test]
fn axis_ops() {
    ok(
        "flow.softmax",
        &["tensor<2x3xf32>"],
        &[("axis", "1 : i64")],
        &["tensor<2x3xf32>"],
    );
    ok(
        "flow.log_softmax",
        &["tensor<2x3xf32>"],
        &[],
        &["tensor<2x3xf32>"],
    );
    err(
        "flow.softmax",
        &["tensor<2x3xf32>"],
        &[("axis", "2 : i64")],
        1,
        "axis 2 is out of range [-2, 1] for rank 2",
    );
    ok(
        "flow.hardmax",
        &["tensor<*xf32>"],
        &[("axis", "7 : i64")],
        &["tensor<*xf32>"],
    );
    err(
        "flow.lp_normalization",
        &["tensor<2x3xf32>"],
        &[("p", "3 : i64")],
        1,
        "'p' must be 1 or 2",
    );
    ok(
        "flow.mean_variance_normalization",
        &["tensor<1x2x3x4xf32>"],
        &[],
        &["tensor<1x2x3x4xf32>"],
    );
    err(
        "flow.mean_variance_normalization",
        &["tensor<2x3xf32>"],
        &[],
        1,
        "out of range",
    );
    ok(
        "flow.lrn",
        &["tensor<1x8x4x4xf32>"],
        &[("size", "3 : i64")],
        &["tensor<1x8x4x4xf32>"],
    );
    err(
        "flow.lrn",
        &["tensor<1x8x4x4xf32>"],
        &[],
        1,
        "requires attribute 'size'",
    );
    err(
        "flow.lrn",
        &["tensor<8xf32>"],
        &[("size", "3 : i64")],
        1,
        "rank at least 3",
    );
    ok(
        "flow.cum_sum",
        &["tensor<2x3xf32>", "= dense<1> : tensor<i64>"],
        &[],
        &["tensor<2x3xf32>"],
    );
    err(
        "flow.cum_sum",
        &["tensor<2x3xf32>", "= dense<2> : tensor<i32>"],
        &[],
        1,
        "out of range",
    );
    ok(
        "flow.trilu",
        &["tensor<3x3xi64>", "= dense<1> : tensor<i64>"],
        &[],
        &["tensor<3x3xi64>"],
    );
    err("flow.trilu", &["tensor<3xi64>"], &[], 1, "rank at least 2");
}

#[test]
fn dropout_outputs() {
    ok(
        "flow.dropout",
        &["tensor<2x?xf32>"],
        &[],
        &["tensor<2x?xf32>"],
    );
    ok(
        "flow.dropout",
        &["tensor<2x?xf32>", "= dense<0.5> : tensor<f32>"],
        &[],
        &["tensor<2x?xf32>", "tensor<2x?xi1>"],
    );
    err(
        "flow.dropout",
        &["tensor<2xf32>", "= dense<1.5> : tensor<f32>"],
        &[],
        1,
        "ratio must be in [0, 1)",
    );
    err(
        "flow.dropout",
        &["tensor<2xf32>"],
        &[],
        3,
        "expects 1 to 2 results, but has 3",
    );
}

#[test]
fn constants_and_none() {
    ok(
        "flow.constant",
        &[],
        &[("value", "dense<[1, 2]> : tensor<2xi64>")],
        &["tensor<2xi64>"],
    );
    ok(
        "flow.constant",
        &[],
        &[("value", "dense<1.0> : tensor<2x3xf16>")],
        &["tensor<2x3xf16>"],
    );
    err("flow.constant", &[], &[], 1, "requires attribute 'value'");
    err(
        "flow.constant",
        &[],
        &[("value", "1 : i64")],
        1,
        "dense elements or dense resource",
    );
    assert_eq!(infer("flow.none", &[], &[], 1).unwrap(), vec!["none"]);
    err("flow.fused", &[], &[], 1, "no tensor result types");
    err(
        "flow.frobnicate",
        &[],
        &[],
        1,
        "unknown flow op 'flow.frobnicate'",
    );
}

#[test]
fn swish_swiglu_bitcast() {
    ok(
        "flow.swish",
        &["tensor<2x?xbf16>"],
        &[("alpha", "1.5 : f32")],
        &["tensor<2x?xbf16>"],
    );
    ok(
        "flow.swi_glu",
        &["tensor<2x?xf32>", "tensor<?x4xf32>"],
        &[("alpha", "0.5 : f32")],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.swi_glu",
        &["tensor<*xf16>", "tensor<3xf16>"],
        &[],
        &["tensor<3xf16>"],
    );
    err(
        "flow.swi_glu",
        &["tensor<2x4xf32>", "tensor<4xf32>"],
        &[],
        1,
        "SwiGLU does not broadcast",
    );
    err(
        "flow.swi_glu",
        &["tensor<2x4xf32>", "tensor<2x4xf16>"],
        &[],
        1,
        "same element type",
    );
    ok(
        "flow.bit_cast",
        &["tensor<2x3xf32>"],
        &[("to", "6 : i64")],
        &["tensor<2x3xi32>"],
    );
    ok(
        "flow.bit_cast",
        &["tensor<4xi1>"],
        &[("to", "2 : i64")],
        &["tensor<4xui8>"],
    );
    ok(
        "flow.bit_cast",
        &["tensor<f16>"],
        &[("to", "16 : i64")],
        &["tensor<bf16>"],
    );
    err(
        "flow.bit_cast",
        &["tensor<3xf32>"],
        &[("to", "7 : i64")],
        1,
        "f32 has 32 bits and i64 has 64",
    );
    err(
        "flow.bit_cast",
        &["tensor<3xf32>"],
        &[("to", "17 : i64")],
        1,
        "not a data type flow supports",
    );
    err(
        "flow.bit_cast",
        &["tensor<3xf32>"],
        &[],
        1,
        "requires attribute 'to'",
    );
}

#[test]
fn cum_prod() {
    ok(
        "flow.cum_prod",
        &["tensor<2x3xf64>", "= dense<-1> : tensor<i32>"],
        &[("exclusive", "1 : i64"), ("reverse", "1 : i64")],
        &["tensor<2x3xf64>"],
    );
    ok(
        "flow.cum_prod",
        &["tensor<5xui32>", "tensor<i64>"],
        &[],
        &["tensor<5xui32>"],
    );
    err(
        "flow.cum_prod",
        &["tensor<2x3xf32>", "= dense<2> : tensor<i64>"],
        &[],
        1,
        "out of range",
    );
    err(
        "flow.cum_prod",
        &["tensor<2x3xi8>", "tensor<i64>"],
        &[],
        1,
        "must be tensor of",
    );
}

#[test]
fn dynamic_quantize_linear() {
    ok(
        "flow.dynamic_quantize_linear",
        &["tensor<3x?xf32>"],
        &[],
        &["tensor<3x?xui8>", "tensor<f32>", "tensor<ui8>"],
    );
    err(
        "flow.dynamic_quantize_linear",
        &["tensor<3xf16>"],
        &[],
        3,
        "must be tensor of f32 values",
    );
}
