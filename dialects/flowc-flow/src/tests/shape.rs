use super::{err, infer, ok};

const I64S: fn(&str) -> String =
    |v| format!("= dense<{v}> : tensor<{}xi64>", v.matches(',').count() + 1);

#[test]
fn reshape() {
    let s = I64S("[2, -1]");
    ok(
        "flow.reshape",
        &["tensor<2x3x4xf32>", &s],
        &[],
        &["tensor<2x12xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<2x3x4xf32>", &I64S("[0, 0, -1]")],
        &[],
        &["tensor<2x3x4xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<?x3x4xf32>", &I64S("[0, -1]")],
        &[],
        &["tensor<?x12xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<?x3x4xf32>", &I64S("[-1, 4]")],
        &[],
        &["tensor<?x4xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<2x?x4xf32>", &I64S("[0, -1, 2]")],
        &[],
        &["tensor<2x?x2xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<?x3x4xf32>", &I64S("[0, 12]")],
        &[],
        &["tensor<?x12xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<0x3xf32>", &I64S("[3, 0]")],
        &[("allowzero", "1 : i64")],
        &["tensor<3x0xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<2x3xf32>", "tensor<3xi64>"],
        &[],
        &["tensor<?x?x?xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<2x3xf32>", "tensor<?xi64>"],
        &[],
        &["tensor<*xf32>"],
    );
    ok(
        "flow.reshape",
        &["tensor<*xf32>", &I64S("[0, 4]")],
        &[],
        &["tensor<?x4xf32>"],
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", &I64S("[4, -1]")],
        &[],
        1,
        "cannot reshape tensor<2x3xf32> (6 elements)",
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", &I64S("[5]")],
        &[],
        1,
        "(5 elements)",
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", &I64S("[-1, -1]")],
        &[],
        1,
        "more than one -1",
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", &I64S("[-2, 3]")],
        &[],
        1,
        "invalid dimension -2",
    );
    err(
        "flow.reshape",
        &["tensor<6xf32>", &I64S("[0, 0, 6]")],
        &[],
        1,
        "copies dimension 1",
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", &I64S("[0, -1]")],
        &[("allowzero", "1 : i64")],
        1,
        "allowzero",
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", "tensor<2x2xi64>"],
        &[],
        1,
        "must have rank 1",
    );
    err(
        "flow.reshape",
        &["tensor<2x3xf32>", "tensor<2xi32>"],
        &[],
        1,
        "tensor of i64 values",
    );
    err(
        "flow.reshape",
        &["tensor<9223372036854775807x2xf32>", &I64S("[-1]")],
        &[],
        1,
        "overflows",
    );
}

#[test]
fn reshape_of_empty_shape_is_scalar() {
    assert_eq!(
        infer(
            "flow.reshape",
            &["tensor<1xf32>", "= dense<> : tensor<0xi64>"],
            &[],
            1
        )
        .ok(),
        Some(vec!["tensor<f32>".to_string()])
    );
}

#[test]
fn flatten_squeeze_unsqueeze_transpose() {
    ok(
        "flow.flatten",
        &["tensor<2x3x4x5xf32>"],
        &[],
        &["tensor<2x60xf32>"],
    );
    ok(
        "flow.flatten",
        &["tensor<2x3x4x5xf32>"],
        &[("axis", "0 : i64")],
        &["tensor<1x120xf32>"],
    );
    ok(
        "flow.flatten",
        &["tensor<2x3x4x5xf32>"],
        &[("axis", "-1 : i64")],
        &["tensor<24x5xf32>"],
    );
    ok(
        "flow.flatten",
        &["tensor<?x3x4xf32>"],
        &[],
        &["tensor<?x12xf32>"],
    );
    err(
        "flow.flatten",
        &["tensor<2x3xf32>"],
        &[("axis", "3 : i64")],
        1,
        "out of range",
    );
    ok(
        "flow.squeeze",
        &["tensor<1x3x1x4xf32>"],
        &[],
        &["tensor<3x4xf32>"],
    );
    ok(
        "flow.squeeze",
        &["tensor<1x3x1x4xf32>", &I64S("[-2]")],
        &[],
        &["tensor<1x3x4xf32>"],
    );
    ok(
        "flow.squeeze",
        &["tensor<1x?xf32>"],
        &[],
        &["tensor<*xf32>"],
    );
    ok(
        "flow.squeeze",
        &["tensor<1x?xf32>", &I64S("[1]")],
        &[],
        &["tensor<1xf32>"],
    );
    ok(
        "flow.squeeze",
        &["tensor<1x3x1xf32>", "tensor<2xi64>"],
        &[],
        &["tensor<?xf32>"],
    );
    err(
        "flow.squeeze",
        &["tensor<1x3xf32>", &I64S("[1]")],
        &[],
        1,
        "cannot squeeze dimension 1 of size 3",
    );
    err(
        "flow.squeeze",
        &["tensor<1x3xf32>", &I64S("[0, -2]")],
        &[],
        1,
        "more than once",
    );
    ok(
        "flow.unsqueeze",
        &["tensor<3x4xf32>", &I64S("[0, 3]")],
        &[],
        &["tensor<1x3x4x1xf32>"],
    );
    ok(
        "flow.unsqueeze",
        &["tensor<3x4xf32>", &I64S("[-1]")],
        &[],
        &["tensor<3x4x1xf32>"],
    );
    ok(
        "flow.unsqueeze",
        &["tensor<f32>", &I64S("[0]")],
        &[],
        &["tensor<1xf32>"],
    );
    ok(
        "flow.unsqueeze",
        &["tensor<3xf32>", "tensor<2xi64>"],
        &[],
        &["tensor<?x?x?xf32>"],
    );
    err(
        "flow.unsqueeze",
        &["tensor<3xf32>", &I64S("[2]")],
        &[],
        1,
        "out of range",
    );
    err(
        "flow.unsqueeze",
        &["tensor<3xf32>"],
        &[],
        1,
        "expects 2 operands",
    );
    ok(
        "flow.transpose",
        &["tensor<2x3x4xf32>"],
        &[],
        &["tensor<4x3x2xf32>"],
    );
    ok(
        "flow.transpose",
        &["tensor<2x?x4xf32>"],
        &[("perm", "array<i64: 0, 2, 1>")],
        &["tensor<2x4x?xf32>"],
    );
    ok(
        "flow.transpose",
        &["tensor<*xf32>"],
        &[("perm", "array<i64: 1, 0>")],
        &["tensor<?x?xf32>"],
    );
    err(
        "flow.transpose",
        &["tensor<2x3xf32>"],
        &[("perm", "array<i64: 0, 0>")],
        1,
        "not a permutation",
    );
    err(
        "flow.transpose",
        &["tensor<2x3xf32>"],
        &[("perm", "array<i64: 0, 1, 2>")],
        1,
        "not a permutation",
    );
}

#[test]
fn expand_tile_concat() {
    ok(
        "flow.expand",
        &["tensor<3x1xf32>", &I64S("[2, 1, 6]")],
        &[],
        &["tensor<2x3x6xf32>"],
    );
    ok(
        "flow.expand",
        &["tensor<3x1xf32>", &I64S("[1]")],
        &[],
        &["tensor<3x1xf32>"],
    );
    ok(
        "flow.expand",
        &["tensor<3x1xf32>", "tensor<3xi64>"],
        &[],
        &["tensor<?x3x?xf32>"],
    );
    err(
        "flow.expand",
        &["tensor<3x2xf32>", &I64S("[4, 4]")],
        &[],
        1,
        "cannot expand",
    );
    ok(
        "flow.tile",
        &["tensor<2x3xf32>", &I64S("[2, 0]")],
        &[],
        &["tensor<4x0xf32>"],
    );
    ok(
        "flow.tile",
        &["tensor<2x3xf32>", "tensor<2xi64>"],
        &[],
        &["tensor<?x?xf32>"],
    );
    err(
        "flow.tile",
        &["tensor<2x3xf32>", &I64S("[2]")],
        &[],
        1,
        "repeats must have 2 elements",
    );
    err(
        "flow.tile",
        &["tensor<2x3xf32>", &I64S("[2, -1]")],
        &[],
        1,
        "non-negative",
    );
    ok(
        "flow.concat",
        &["tensor<2x3xf32>", "tensor<2x5xf32>"],
        &[("axis", "1 : i64")],
        &["tensor<2x8xf32>"],
    );
    ok(
        "flow.concat",
        &["tensor<?x3xf32>", "tensor<2x?xf32>", "tensor<2x3xf32>"],
        &[("axis", "-2 : i64")],
        &["tensor<?x3xf32>"],
    );
    ok(
        "flow.concat",
        &["tensor<2x3xi64>", "tensor<*xi64>"],
        &[("axis", "0 : i64")],
        &["tensor<?x3xi64>"],
    );
    err(
        "flow.concat",
        &["tensor<2x3xf32>", "tensor<3x3xf32>"],
        &[("axis", "1 : i64")],
        1,
        "dimension 0",
    );
    err(
        "flow.concat",
        &["tensor<2x3xf32>", "tensor<3xf32>"],
        &[("axis", "0 : i64")],
        1,
        "same rank",
    );
    err(
        "flow.concat",
        &["tensor<2x3xf32>"],
        &[],
        1,
        "requires attribute 'axis'",
    );
    err(
        "flow.concat",
        &["tensor<2x3xf32>", "tensor<2x3xf16>"],
        &[("axis", "0 : i64")],
        1,
        "same element type",
    );
}

#[test]
fn split() {
    ok(
        "flow.split",
        &["tensor<6x4xf32>"],
        &[("num_outputs", "2 : i64")],
        &["tensor<3x4xf32>", "tensor<3x4xf32>"],
    );
    ok(
        "flow.split",
        &["tensor<6x4xf32>", &I64S("[1, 5]")],
        &[],
        &["tensor<1x4xf32>", "tensor<5x4xf32>"],
    );
    ok(
        "flow.split",
        &["tensor<7x4xf32>"],
        &[("num_outputs", "3 : i64")],
        &["tensor<3x4xf32>", "tensor<3x4xf32>", "tensor<1x4xf32>"],
    );
    ok(
        "flow.split",
        &["tensor<?x4xf32>"],
        &[("axis", "0 : i64"), ("num_outputs", "2 : i64")],
        &["tensor<?x4xf32>", "tensor<?x4xf32>"],
    );
    ok(
        "flow.split",
        &["tensor<6x4xf32>", "tensor<2xi64>"],
        &[("axis", "1 : i64")],
        &["tensor<6x?xf32>", "tensor<6x?xf32>"],
    );
    err(
        "flow.split",
        &["tensor<7x4xf32>"],
        &[],
        2,
        "requires the split operand or attribute 'num_outputs'",
    );
    err(
        "flow.split",
        &["tensor<6x4xf32>", &I64S("[1, 4]")],
        &[],
        2,
        "add up to 5",
    );
    err(
        "flow.split",
        &["tensor<6x4xf32>", &I64S("[1, 2, 3]")],
        &[],
        2,
        "3 elements, but the op has 2 results",
    );
    err(
        "flow.split",
        &["tensor<6x4xf32>"],
        &[("num_outputs", "3 : i64")],
        2,
        "num_outputs' is 3",
    );
}

#[test]
fn slice() {
    let x = "tensor<10x20x30xf32>";
    ok(
        "flow.slice",
        &[x, &I64S("[1]"), &I64S("[5]")],
        &[],
        &["tensor<4x20x30xf32>"],
    );
    ok(
        "flow.slice",
        &[
            x,
            &I64S("[0, 2]"),
            &I64S("[-1, 100]"),
            &I64S("[1, 2]"),
            &I64S("[1, 3]"),
        ],
        &[],
        &["tensor<10x19x10xf32>"],
    );
    ok(
        "flow.slice",
        &[
            x,
            &I64S("[-1]"),
            &I64S("[-9223372036854775807]"),
            &I64S("[0]"),
            &I64S("[-1]"),
        ],
        &[],
        &["tensor<10x20x30xf32>"],
    );
    ok(
        "flow.slice",
        &[x, &I64S("[5]"), &I64S("[1]"), &I64S("[2]"), &I64S("[-2]")],
        &[],
        &["tensor<10x20x2xf32>"],
    );
    ok(
        "flow.slice",
        &[x, &I64S("[8]"), &I64S("[2]")],
        &[],
        &["tensor<0x20x30xf32>"],
    );
    ok(
        "flow.slice",
        &["tensor<?x20xf32>", &I64S("[1, 1]"), &I64S("[3, 3]")],
        &[],
        &["tensor<?x2xf32>"],
    );
    ok(
        "flow.slice",
        &[x, "tensor<1xi64>", "tensor<1xi64>", &I64S("[1]")],
        &[],
        &["tensor<10x?x30xf32>"],
    );
    ok(
        "flow.slice",
        &[x, "tensor<1xi64>", "tensor<1xi64>"],
        &[],
        &["tensor<?x?x?xf32>"],
    );
    ok(
        "flow.slice",
        &[
            x,
            "= dense<[1]> : tensor<1xi32>",
            "= dense<[3]> : tensor<1xi32>",
        ],
        &[],
        &["tensor<2x20x30xf32>"],
    );
    err(
        "flow.slice",
        &[x, &I64S("[0]"), &I64S("[1]"), &I64S("[0]"), &I64S("[0]")],
        &[],
        1,
        "steps must be non-zero",
    );
    err(
        "flow.slice",
        &[x, &I64S("[0, 1]"), &I64S("[1]")],
        &[],
        1,
        "same length",
    );
    err(
        "flow.slice",
        &[x, &I64S("[0]"), &I64S("[1]"), &I64S("[3]")],
        &[],
        1,
        "out of range",
    );
    err(
        "flow.slice",
        &[x, "= dense<[1]> : tensor<1xi32>", &I64S("[3]")],
        &[],
        1,
        "same element type",
    );
}

#[test]
fn slice_negative_step() {
    // x[5:1:-2] on 10 elements: 5, 3
    ok(
        "flow.slice",
        &[
            "tensor<10xf32>",
            &I64S("[5]"),
            &I64S("[1]"),
            &I64S("[0]"),
            &I64S("[-2]"),
        ],
        &[],
        &["tensor<2xf32>"],
    );
    // x[::-1]
    ok(
        "flow.slice",
        &[
            "tensor<10xf32>",
            &I64S("[-1]"),
            &I64S("[-11]"),
            &I64S("[0]"),
            &I64S("[-1]"),
        ],
        &[],
        &["tensor<10xf32>"],
    );
}

#[test]
fn pad() {
    ok(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[1, 0, 1, 2]")],
        &[],
        &["tensor<4x5xf32>"],
    );
    ok(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[1, 1]"), "none", &I64S("[-1]")],
        &[("mode", "\"reflect\"")],
        &["tensor<2x5xf32>"],
    );
    ok(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[0, -1, 0, 0]")],
        &[],
        &["tensor<2x2xf32>"],
    );
    ok(
        "flow.pad",
        &[
            "tensor<2x3xf32>",
            "tensor<4xi64>",
            "= dense<0.0> : tensor<f32>",
        ],
        &[],
        &["tensor<?x?xf32>"],
    );
    ok(
        "flow.pad",
        &["tensor<2x3xf32>", "tensor<2xi64>", "none", &I64S("[0]")],
        &[],
        &["tensor<?x3xf32>"],
    );
    err(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[1, 1]")],
        &[],
        1,
        "pads must have 4 elements",
    );
    err(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[0, -4, 0, 0]")],
        &[],
        1,
        "remove more",
    );
    err(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[0, 0, 0, 0]")],
        &[("mode", "\"mirror\"")],
        1,
        "must be one of",
    );
    err(
        "flow.pad",
        &["tensor<2x3xf32>", &I64S("[0, 0, 0, 0]"), "tensor<f16>"],
        &[],
        1,
        "same element type",
    );
}

#[test]
fn gather_scatter() {
    ok(
        "flow.gather",
        &["tensor<5x4xf32>", "tensor<2x3xi64>"],
        &[],
        &["tensor<2x3x4xf32>"],
    );
    ok(
        "flow.gather",
        &["tensor<5x4xf32>", "tensor<i32>"],
        &[("axis", "1 : i64")],
        &["tensor<5xf32>"],
    );
    ok(
        "flow.gather",
        &["tensor<5x4xf32>", "= dense<[-5, 4]> : tensor<2xi64>"],
        &[],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.gather",
        &["tensor<5x4xf32>", "tensor<*xi64>"],
        &[],
        &["tensor<*xf32>"],
    );
    err(
        "flow.gather",
        &["tensor<5x4xf32>", "= dense<[5]> : tensor<1xi64>"],
        &[],
        1,
        "index 5 is out of range",
    );
    err(
        "flow.gather",
        &["tensor<5x4xf32>", "tensor<2xi64>"],
        &[("axis", "2 : i64")],
        1,
        "out of range",
    );
    err(
        "flow.gather",
        &["tensor<5x4xf32>", "tensor<2xf32>"],
        &[],
        1,
        "tensor of i32 or i64 values",
    );
    ok(
        "flow.gather_elements",
        &["tensor<3x3xf32>", "tensor<2x3xi64>"],
        &[("axis", "1 : i64")],
        &["tensor<2x3xf32>"],
    );
    err(
        "flow.gather_elements",
        &["tensor<3x3xf32>", "tensor<3xi64>"],
        &[],
        1,
        "same rank",
    );
    ok(
        "flow.gather_nd",
        &["tensor<2x2xf32>", "tensor<2x2xi64>"],
        &[],
        &["tensor<2xf32>"],
    );
    ok(
        "flow.gather_nd",
        &["tensor<2x2x2xf32>", "tensor<2x1xi64>"],
        &[],
        &["tensor<2x2x2xf32>"],
    );
    ok(
        "flow.gather_nd",
        &["tensor<2x2x2xf32>", "tensor<2x1xi64>"],
        &[("batch_dims", "1 : i64")],
        &["tensor<2x2xf32>"],
    );
    err(
        "flow.gather_nd",
        &["tensor<2x2xf32>", "tensor<2x3xi64>"],
        &[],
        1,
        "must be in [1, 2]",
    );
    err(
        "flow.gather_nd",
        &["tensor<2x2xf32>", "tensor<2x1xi64>"],
        &[("batch_dims", "2 : i64")],
        1,
        "batch_dims",
    );
    ok(
        "flow.scatter_elements",
        &["tensor<3x3xf32>", "tensor<2x3xi64>", "tensor<2x3xf32>"],
        &[("reduction", "\"add\"")],
        &["tensor<3x3xf32>"],
    );
    ok(
        "flow.scatter",
        &["tensor<3x3xf32>", "tensor<2x3xi64>", "tensor<2x3xf32>"],
        &[],
        &["tensor<3x3xf32>"],
    );
    err(
        "flow.scatter_elements",
        &["tensor<3x3xf32>", "tensor<2x3xi64>", "tensor<2x2xf32>"],
        &[],
        1,
        "same shape",
    );
    err(
        "flow.scatter_elements",
        &["tensor<3x3xf32>", "tensor<2x3xi64>", "tensor<2x3xf32>"],
        &[("reduction", "\"sum\"")],
        1,
        "must be one of",
    );
    ok(
        "flow.scatter_nd",
        &["tensor<4x4x4xf32>", "tensor<2x1xi64>", "tensor<2x4x4xf32>"],
        &[],
        &["tensor<4x4x4xf32>"],
    );
    err(
        "flow.scatter_nd",
        &["tensor<4x4x4xf32>", "tensor<2x1xi64>", "tensor<2x4xf32>"],
        &[],
        1,
        "updates tensor<2x4xf32> must have shape [2, 4, 4]",
    );
}

#[test]
fn shape_size_constant_of_shape_range() {
    ok(
        "flow.shape",
        &["tensor<2x?x4xf32>"],
        &[],
        &["tensor<3xi64>"],
    );
    ok(
        "flow.shape",
        &["tensor<2x?x4xf32>"],
        &[("start", "-2 : i64")],
        &["tensor<2xi64>"],
    );
    ok(
        "flow.shape",
        &["tensor<2x?x4xf32>"],
        &[("start", "1 : i64"), ("end", "1 : i64")],
        &["tensor<0xi64>"],
    );
    ok("flow.shape", &["tensor<*xf32>"], &[], &["tensor<?xi64>"]);
    ok("flow.size", &["tensor<2x?xi1>"], &[], &["tensor<i64>"]);
    ok(
        "flow.constant_of_shape",
        &[&I64S("[2, 3]")],
        &[],
        &["tensor<2x3xf32>"],
    );
    ok(
        "flow.constant_of_shape",
        &[&I64S("[2, 3]")],
        &[("value", "dense<1> : tensor<1xi32>")],
        &["tensor<2x3xi32>"],
    );
    ok(
        "flow.constant_of_shape",
        &["tensor<3xi64>"],
        &[],
        &["tensor<?x?x?xf32>"],
    );
    err(
        "flow.constant_of_shape",
        &[&I64S("[2, -3]")],
        &[],
        1,
        "negative",
    );
    err(
        "flow.constant_of_shape",
        &[&I64S("[2]")],
        &[("value", "dense<1> : tensor<2xi32>")],
        1,
        "one element",
    );
    ok(
        "flow.range",
        &[
            "= dense<0> : tensor<i64>",
            "= dense<10> : tensor<i64>",
            "= dense<3> : tensor<i64>",
        ],
        &[],
        &["tensor<4xi64>"],
    );
    ok(
        "flow.range",
        &[
            "= dense<10> : tensor<i32>",
            "= dense<0> : tensor<i32>",
            "= dense<-3> : tensor<i32>",
        ],
        &[],
        &["tensor<4xi32>"],
    );
    ok(
        "flow.range",
        &[
            "= dense<1.0> : tensor<f32>",
            "= dense<2.0> : tensor<f32>",
            "= dense<0.25> : tensor<f32>",
        ],
        &[],
        &["tensor<4xf32>"],
    );
    ok(
        "flow.range",
        &[
            "= dense<5> : tensor<i64>",
            "= dense<0> : tensor<i64>",
            "= dense<1> : tensor<i64>",
        ],
        &[],
        &["tensor<0xi64>"],
    );
    ok(
        "flow.range",
        &["tensor<i64>", "tensor<i64>", "tensor<i64>"],
        &[],
        &["tensor<?xi64>"],
    );
    err(
        "flow.range",
        &[
            "= dense<0> : tensor<i64>",
            "= dense<1> : tensor<i64>",
            "= dense<0> : tensor<i64>",
        ],
        &[],
        1,
        "delta must be non-zero",
    );
    err(
        "flow.range",
        &["tensor<2xi64>", "tensor<i64>", "tensor<i64>"],
        &[],
        1,
        "must be a scalar",
    );
    err(
        "flow.range",
        &["tensor<i64>", "tensor<i32>", "tensor<i64>"],
        &[],
        1,
        "same element type",
    );
}

#[test]
fn one_hot_eye_depth_space_det() {
    ok(
        "flow.one_hot",
        &[
            "tensor<2x3xi64>",
            "= dense<10> : tensor<i64>",
            "tensor<2xf32>",
        ],
        &[],
        &["tensor<2x3x10xf32>"],
    );
    ok(
        "flow.one_hot",
        &[
            "tensor<2x3xi64>",
            "= dense<10.0> : tensor<f32>",
            "tensor<2xi1>",
        ],
        &[("axis", "0 : i64")],
        &["tensor<10x2x3xi1>"],
    );
    ok(
        "flow.one_hot",
        &["tensor<2xi64>", "tensor<i64>", "tensor<2xf32>"],
        &[("axis", "1 : i64")],
        &["tensor<2x?xf32>"],
    );
    err(
        "flow.one_hot",
        &["tensor<2xi64>", "tensor<i64>", "tensor<3xf32>"],
        &[],
        1,
        "2 elements",
    );
    err(
        "flow.one_hot",
        &["tensor<2xi64>", "tensor<i64>", "tensor<2xf32>"],
        &[("axis", "2 : i64")],
        1,
        "out of range",
    );
    ok(
        "flow.eye_like",
        &["tensor<3x4xf32>"],
        &[("dtype", "7 : i64")],
        &["tensor<3x4xi64>"],
    );
    ok(
        "flow.eye_like",
        &["tensor<3x4xi32>"],
        &[],
        &["tensor<3x4xi32>"],
    );
    err("flow.eye_like", &["tensor<3xf32>"], &[], 1, "rank 2");
    ok(
        "flow.depth_to_space",
        &["tensor<1x8x2x3xf32>"],
        &[("blocksize", "2 : i64")],
        &["tensor<1x2x4x6xf32>"],
    );
    ok(
        "flow.space_to_depth",
        &["tensor<1x2x4x6xf32>"],
        &[("blocksize", "2 : i64")],
        &["tensor<1x8x2x3xf32>"],
    );
    err(
        "flow.depth_to_space",
        &["tensor<1x6x2x3xf32>"],
        &[("blocksize", "2 : i64")],
        1,
        "multiple of blocksize squared",
    );
    err(
        "flow.space_to_depth",
        &["tensor<1x2x5x6xf32>"],
        &[("blocksize", "2 : i64")],
        1,
        "height (5)",
    );
    err(
        "flow.depth_to_space",
        &["tensor<1x8x2x3xf32>"],
        &[("blocksize", "2 : i64"), ("mode", "\"XYZ\"")],
        1,
        "must be one of",
    );
    ok("flow.det", &["tensor<5x3x3xf32>"], &[], &["tensor<5xf32>"]);
    err("flow.det", &["tensor<3x4xf32>"], &[], 1, "square");
    ok(
        "flow.reverse_sequence",
        &["tensor<4x2x3xf32>", "tensor<2xi64>"],
        &[],
        &["tensor<4x2x3xf32>"],
    );
    err(
        "flow.reverse_sequence",
        &["tensor<4x2x3xf32>", "tensor<4xi64>"],
        &[],
        1,
        "one element per batch entry",
    );
}

#[test]
fn resize() {
    let x = "tensor<1x3x8x8xf32>";
    ok(
        "flow.resize",
        &[x, "none", "= dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>"],
        &[],
        &["tensor<1x3x16x16xf32>"],
    );
    ok(
        "flow.resize",
        &[x, "none", "none", &I64S("[1, 3, 5, 7]")],
        &[],
        &["tensor<1x3x5x7xf32>"],
    );
    ok(
        "flow.resize",
        &[x, "none", "= dense<[0.5, 1.5]> : tensor<2xf32>"],
        &[("axes", "array<i64: 2, 3>")],
        &["tensor<1x3x4x12xf32>"],
    );
    ok(
        "flow.resize",
        &[x, "none", "none", &I64S("[4, 2]")],
        &[
            ("axes", "array<i64: 2, 3>"),
            ("keep_aspect_ratio_policy", "\"not_larger\""),
        ],
        &["tensor<1x3x2x2xf32>"],
    );
    ok(
        "flow.resize",
        &[x, "none", "tensor<4xf32>"],
        &[],
        &["tensor<?x?x?x?xf32>"],
    );
    ok(
        "flow.resize",
        &[
            x,
            "= dense<> : tensor<0xf32>",
            "= dense<> : tensor<0xf32>",
            &I64S("[1, 3, 5, 7]"),
        ],
        &[],
        &["tensor<1x3x5x7xf32>"],
    );
    err(
        "flow.resize",
        &[x],
        &[],
        1,
        "exactly one of scales and sizes",
    );
    err(
        "flow.resize",
        &[x, "none", "tensor<4xf32>", "tensor<4xi64>"],
        &[],
        1,
        "exactly one",
    );
    err(
        "flow.resize",
        &[x, "none", "= dense<[1.0, 2.0]> : tensor<2xf32>"],
        &[],
        1,
        "must have 4 elements",
    );
    err(
        "flow.resize",
        &[x, "none", "= dense<[1.0, 1.0, 0.0, 2.0]> : tensor<4xf32>"],
        &[],
        1,
        "positive",
    );
    err(
        "flow.resize",
        &[x, "none", "tensor<4xf32>"],
        &[("mode", "\"bilinear\"")],
        1,
        "must be one of",
    );
}

#[test]
fn reductions() {
    let x = "tensor<2x3x4xf32>";
    ok("flow.reduce_sum", &[x], &[], &["tensor<1x1x1xf32>"]);
    ok(
        "flow.reduce_sum",
        &[x, &I64S("[1]")],
        &[],
        &["tensor<2x1x4xf32>"],
    );
    ok(
        "flow.reduce_mean",
        &[x, &I64S("[-1, 0]")],
        &[("keepdims", "0 : i64")],
        &["tensor<3xf32>"],
    );
    ok(
        "flow.reduce_max",
        &[x],
        &[("keepdims", "0 : i64")],
        &["tensor<f32>"],
    );
    ok(
        "flow.reduce_min",
        &[x, "= dense<> : tensor<0xi64>"],
        &[("noop_with_empty_axes", "1 : i64")],
        &["tensor<2x3x4xf32>"],
    );
    ok(
        "flow.reduce_l2",
        &["tensor<2x1x?xf32>", "tensor<1xi64>"],
        &[],
        &["tensor<?x1x?xf32>"],
    );
    ok(
        "flow.reduce_prod",
        &[x, "tensor<2xi64>"],
        &[("keepdims", "0 : i64")],
        &["tensor<?xf32>"],
    );
    ok(
        "flow.reduce_log_sum_exp",
        &[x, "tensor<?xi64>"],
        &[("keepdims", "0 : i64")],
        &["tensor<*xf32>"],
    );
    ok(
        "flow.reduce_max",
        &["tensor<2x3xi1>", &I64S("[1]")],
        &[],
        &["tensor<2x1xi1>"],
    );
    err(
        "flow.reduce_sum",
        &[x, &I64S("[3]")],
        &[],
        1,
        "axis 3 is out of range [-3, 2]",
    );
    err(
        "flow.reduce_sum",
        &[x, &I64S("[1, -2]")],
        &[],
        1,
        "more than once",
    );
    err(
        "flow.reduce_sum",
        &["tensor<2xi8>"],
        &[],
        1,
        "must be tensor of",
    );
    err(
        "flow.reduce_log_sum",
        &["tensor<2xi32>"],
        &[],
        1,
        "must be tensor of",
    );
    ok(
        "flow.arg_max",
        &[x],
        &[("axis", "1 : i64")],
        &["tensor<2x1x4xi64>"],
    );
    ok(
        "flow.arg_min",
        &[x],
        &[("axis", "-1 : i64"), ("keepdims", "0 : i64")],
        &["tensor<2x3xi64>"],
    );
    err(
        "flow.arg_max",
        &[x],
        &[("axis", "3 : i64")],
        1,
        "out of range",
    );
    ok(
        "flow.top_k",
        &[x, &I64S("[2]")],
        &[],
        &["tensor<2x3x2xf32>", "tensor<2x3x2xi64>"],
    );
    ok(
        "flow.top_k",
        &[x, "tensor<1xi64>"],
        &[("axis", "0 : i64")],
        &["tensor<?x3x4xf32>", "tensor<?x3x4xi64>"],
    );
    err(
        "flow.top_k",
        &[x, &I64S("[5]")],
        &[],
        2,
        "larger than dimension 2",
    );
    err("flow.top_k", &[x, &I64S("[1, 2]")], &[], 2, "one element");
}

#[test]
fn einsum() {
    ok(
        "flow.einsum",
        &["tensor<2x3xf32>", "tensor<3x4xf32>"],
        &[("equation", "\"ij,jk->ik\"")],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<2x3xf32>", "tensor<3x4xf32>"],
        &[("equation", "\"ij,jk\"")],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<5x2x3xf32>", "tensor<5x3x4xf32>"],
        &[("equation", "\"bij, bjk -> bik\"")],
        &["tensor<5x2x4xf32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<3x3xf32>"],
        &[("equation", "\"ii->i\"")],
        &["tensor<3xf32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<3x3xf32>"],
        &[("equation", "\"ii\"")],
        &["tensor<f32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<7x5x2x3xf32>", "tensor<5x3x4xf32>"],
        &[("equation", "\"...ij,...jk->...ik\"")],
        &["tensor<7x5x2x4xf32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<2x3xf32>"],
        &[("equation", "\"ij->ji\"")],
        &["tensor<3x2xf32>"],
    );
    ok(
        "flow.einsum",
        &["tensor<2x?xf32>", "tensor<3x4xf32>"],
        &[("equation", "\"ij,jk->ik\"")],
        &["tensor<2x4xf32>"],
    );
    err(
        "flow.einsum",
        &["tensor<2x3xf32>", "tensor<4x4xf32>"],
        &[("equation", "\"ij,jk->ik\"")],
        1,
        "different sizes",
    );
    err(
        "flow.einsum",
        &["tensor<2x3xf32>"],
        &[("equation", "\"ij,jk->ik\"")],
        1,
        "2 input terms",
    );
    err(
        "flow.einsum",
        &["tensor<2x3xf32>"],
        &[("equation", "\"ijk->i\"")],
        1,
        "3 subscripts",
    );
    err(
        "flow.einsum",
        &["tensor<2x3xf32>"],
        &[("equation", "\"ij->iz\"")],
        1,
        "appears in no input",
    );
    err(
        "flow.einsum",
        &["tensor<2x3xf32>"],
        &[("equation", "\"i1->i\"")],
        1,
        "invalid character",
    );
}

#[test]
fn data_dependent() {
    ok(
        "flow.non_zero",
        &["tensor<2x3xf32>"],
        &[],
        &["tensor<2x?xi64>"],
    );
    ok(
        "flow.non_zero",
        &["tensor<*xi1>"],
        &[],
        &["tensor<?x?xi64>"],
    );
    ok(
        "flow.unique",
        &["tensor<2x3xf32>"],
        &[],
        &[
            "tensor<?xf32>",
            "tensor<?xi64>",
            "tensor<6xi64>",
            "tensor<?xi64>",
        ],
    );
    ok(
        "flow.unique",
        &["tensor<2x3xf32>"],
        &[("axis", "1 : i64")],
        &["tensor<2x?xf32>", "tensor<?xi64>", "tensor<3xi64>"],
    );
    ok(
        "flow.compress",
        &["tensor<3x2xf32>", "tensor<2xi1>"],
        &[("axis", "1 : i64")],
        &["tensor<3x?xf32>"],
    );
    ok(
        "flow.compress",
        &["tensor<3x2xf32>", "tensor<2xi1>"],
        &[],
        &["tensor<?xf32>"],
    );
    err(
        "flow.compress",
        &["tensor<3x2xf32>", "tensor<3xi1>"],
        &[("axis", "1 : i64")],
        1,
        "longer than dimension 1",
    );
    ok(
        "flow.non_max_suppression",
        &[
            "tensor<1x6x4xf32>",
            "tensor<1x1x6xf32>",
            "= dense<3> : tensor<1xi64>",
        ],
        &[],
        &["tensor<?x3xi64>"],
    );
}

#[test]
fn quantization() {
    ok(
        "flow.quantize_linear",
        &["tensor<2x3xf32>", "tensor<f32>", "tensor<i8>"],
        &[],
        &["tensor<2x3xi8>"],
    );
    ok(
        "flow.quantize_linear",
        &["tensor<2x3xf32>", "tensor<f32>"],
        &[],
        &["tensor<2x3xui8>"],
    );
    ok(
        "flow.quantize_linear",
        &["tensor<2x3xf32>", "tensor<3xf32>"],
        &[("output_dtype", "5 : i64")],
        &["tensor<2x3xi16>"],
    );
    err(
        "flow.quantize_linear",
        &["tensor<2x3xf32>", "tensor<2xf32>"],
        &[],
        1,
        "per-axis scale",
    );
    err(
        "flow.quantize_linear",
        &["tensor<2x3xf32>", "tensor<f32>", "tensor<i8>"],
        &[("output_dtype", "2 : i64")],
        1,
        "disagrees",
    );
    ok(
        "flow.quantize_linear",
        &["tensor<2x8xf32>", "tensor<2x4xf32>"],
        &[("block_size", "2 : i64")],
        &["tensor<2x8xui8>"],
    );
    err(
        "flow.quantize_linear",
        &["tensor<2x8xf32>", "tensor<2x3xf32>"],
        &[("block_size", "2 : i64")],
        1,
        "blocked scale",
    );
    ok(
        "flow.dequantize_linear",
        &["tensor<2x3xi8>", "tensor<f32>", "tensor<i8>"],
        &[],
        &["tensor<2x3xf32>"],
    );
    ok(
        "flow.dequantize_linear",
        &["tensor<2x3xui8>", "tensor<3xf16>"],
        &[],
        &["tensor<2x3xf16>"],
    );
    err(
        "flow.dequantize_linear",
        &["tensor<2x3xi8>", "tensor<f32>", "tensor<ui8>"],
        &[],
        1,
        "same element type",
    );
    ok(
        "flow.q_linear_conv",
        &[
            "tensor<1x3x8x8xui8>",
            "tensor<f32>",
            "tensor<ui8>",
            "tensor<4x3x3x3xi8>",
            "tensor<f32>",
            "tensor<i8>",
            "tensor<f32>",
            "tensor<ui8>",
            "tensor<4xi32>",
        ],
        &[],
        &["tensor<1x4x6x6xui8>"],
    );
}

#[test]
fn center_crop_pad() {
    ok(
        "flow.center_crop_pad",
        &["tensor<20x10x3xf32>", "= dense<[10, 7, 3]> : tensor<3xi64>"],
        &[],
        &["tensor<10x7x3xf32>"],
    );
    ok(
        "flow.center_crop_pad",
        &["tensor<20x8x3xi64>", "= dense<[10, 9]> : tensor<2xi32>"],
        &[("axes", "array<i64: -3, 1>")],
        &["tensor<10x9x3xi64>"],
    );
    ok(
        "flow.center_crop_pad",
        &["tensor<3x20x8xf32>", "tensor<2xi64>"],
        &[("axes", "array<i64: 1, 2>")],
        &["tensor<3x?x?xf32>"],
    );
    ok(
        "flow.center_crop_pad",
        &["tensor<*xf32>", "= dense<[4, 5]> : tensor<2xi64>"],
        &[],
        &["tensor<4x5xf32>"],
    );
    ok(
        "flow.center_crop_pad",
        &["tensor<*xf32>", "tensor<2xi64>"],
        &[("axes", "array<i64: 0>")],
        &["tensor<*xf32>"],
    );
    err(
        "flow.center_crop_pad",
        &["tensor<20x10x3xf32>", "= dense<[10, 7]> : tensor<2xi64>"],
        &[],
        1,
        "shape has 2 elements, but there are 3 axes",
    );
    err(
        "flow.center_crop_pad",
        &["tensor<20x10x3xf32>", "= dense<[10, -7]> : tensor<2xi64>"],
        &[("axes", "array<i64: 0, 1>")],
        1,
        "non-negative",
    );
    err(
        "flow.center_crop_pad",
        &["tensor<20x10x3xf32>", "= dense<[10, 7]> : tensor<2xi64>"],
        &[("axes", "array<i64: 0, 3>")],
        1,
        "out of range",
    );
    err(
        "flow.center_crop_pad",
        &["tensor<20x10x3xf32>", "= dense<[10, 7]> : tensor<2xi64>"],
        &[("axes", "array<i64: 0, -3>")],
        1,
        "more than once",
    );
}

#[test]
fn tf_idf_vectorizer() {
    let attrs = [
        ("mode", "\"TF\""),
        ("min_gram_length", "2 : i64"),
        ("max_gram_length", "2 : i64"),
        ("max_skip_count", "0 : i64"),
        ("ngram_counts", "array<i64: 0, 4>"),
        ("ngram_indexes", "array<i64: 0, 1, 2, 3, 4, 5, 6>"),
        ("pool_int64s", "array<i64: 2, 3, 5, 4, 5, 6, 7, 8, 6, 7>"),
    ];
    ok(
        "flow.tf_idf_vectorizer",
        &["tensor<12xi32>"],
        &attrs,
        &["tensor<7xf32>"],
    );
    ok(
        "flow.tf_idf_vectorizer",
        &["tensor<?x6xi64>"],
        &attrs,
        &["tensor<?x7xf32>"],
    );
    ok(
        "flow.tf_idf_vectorizer",
        &["tensor<*xi64>"],
        &attrs,
        &["tensor<*xf32>"],
    );
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<2x3x4xi64>"],
        &attrs,
        1,
        "must have rank 1 or 2",
    );
    let with = |name: &'static str, value: &'static str| {
        let mut a: Vec<(&str, &str)> = attrs.iter().filter(|(n, _)| *n != name).copied().collect();
        a.push((name, value));
        a
    };
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<12xi64>"],
        &with("min_gram_length", "3 : i64"),
        1,
        "min_gram_length <= max_gram_length",
    );
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<12xi64>"],
        &with("ngram_indexes", "array<i64: 0, -1>"),
        1,
        "must be non-negative",
    );
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<12xi64>"],
        &with("weights", "array<f32: 1.0, 2.0>"),
        1,
        "one value per ngram_indexes entry (7), but has 2",
    );
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<12xi64>"],
        &with("mode", "\"BM25\""),
        1,
        "attribute 'mode'",
    );
    let no_pool: Vec<(&str, &str)> = attrs
        .iter()
        .filter(|(n, _)| *n != "pool_int64s")
        .copied()
        .collect();
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<12xi64>"],
        &no_pool,
        1,
        "requires attribute 'pool_int64s'",
    );
    err(
        "flow.tf_idf_vectorizer",
        &["tensor<12xf32>"],
        &attrs,
        1,
        "must be tensor of i32 or i64",
    );
}
