use super::{err, ok};

#[test]
fn matmul() {
    ok(
        "flow.matmul",
        &["tensor<2x3xf32>", "tensor<3x4xf32>"],
        &[],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<3xf32>", "tensor<3x4xf32>"],
        &[],
        &["tensor<4xf32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<2x3xf32>", "tensor<3xf32>"],
        &[],
        &["tensor<2xf32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<3xf32>", "tensor<3xf32>"],
        &[],
        &["tensor<f32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<?x8x16x64xf32>", "tensor<1x8x64x16xf32>"],
        &[],
        &["tensor<?x8x16x16xf32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<5x2x3xf32>", "tensor<3x7xf32>"],
        &[],
        &["tensor<5x2x7xf32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<?x?xf32>", "tensor<?x4xf32>"],
        &[],
        &["tensor<?x4xf32>"],
    );
    ok(
        "flow.matmul",
        &["tensor<*xf32>", "tensor<3x4xf32>"],
        &[],
        &["tensor<*xf32>"],
    );
    err(
        "flow.matmul",
        &["tensor<2x3xf32>", "tensor<4x5xf32>"],
        &[],
        1,
        "contracting dimensions differ",
    );
    err(
        "flow.matmul",
        &["tensor<f32>", "tensor<3xf32>"],
        &[],
        1,
        "rank at least 1",
    );
    err(
        "flow.matmul",
        &["tensor<2x2x3xf32>", "tensor<3x3x4xf32>"],
        &[],
        1,
        "batch dimensions",
    );
    err(
        "flow.matmul",
        &["tensor<2x3xi8>", "tensor<3x4xi8>"],
        &[],
        1,
        "must be tensor of",
    );
    ok(
        "flow.matmul_integer",
        &["tensor<2x3xui8>", "tensor<3x4xi8>"],
        &[],
        &["tensor<2x4xi32>"],
    );
    ok(
        "flow.matmul_integer",
        &[
            "tensor<2x3xui8>",
            "tensor<3x4xi8>",
            "tensor<ui8>",
            "tensor<4xi8>",
        ],
        &[],
        &["tensor<2x4xi32>"],
    );
    err(
        "flow.matmul_integer",
        &["tensor<2x3xui8>", "tensor<3x4xi8>", "tensor<i8>"],
        &[],
        1,
        "same element type",
    );
    ok(
        "flow.q_linear_matmul",
        &[
            "tensor<2x3xui8>",
            "tensor<f32>",
            "tensor<ui8>",
            "tensor<3x4xi8>",
            "tensor<f32>",
            "tensor<i8>",
            "tensor<f32>",
            "tensor<i8>",
        ],
        &[],
        &["tensor<2x4xi8>"],
    );
}

#[test]
fn gemm() {
    ok(
        "flow.gemm",
        &["tensor<2x3xf32>", "tensor<3x4xf32>"],
        &[],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.gemm",
        &["tensor<3x2xf32>", "tensor<4x3xf32>", "tensor<4xf32>"],
        &[("transA", "1 : i64"), ("transB", "1 : i64")],
        &["tensor<2x4xf32>"],
    );
    ok(
        "flow.gemm",
        &["tensor<?x3xf32>", "tensor<3x4xf32>", "tensor<1x4xf32>"],
        &[],
        &["tensor<?x4xf32>"],
    );
    err(
        "flow.gemm",
        &["tensor<2x3xf32>", "tensor<4x3xf32>"],
        &[],
        1,
        "contracting dimensions differ",
    );
    err(
        "flow.gemm",
        &["tensor<2x3xf32>", "tensor<3x4xf32>", "tensor<3xf32>"],
        &[],
        1,
        "does not broadcast",
    );
    err(
        "flow.gemm",
        &["tensor<2x3x1xf32>", "tensor<3x4xf32>"],
        &[],
        1,
        "must have rank 2",
    );
    err(
        "flow.gemm",
        &["tensor<2x3xf32>", "tensor<3x4xf32>"],
        &[("transA", "2 : i64")],
        1,
        "must be 0 or 1",
    );
}

#[test]
fn conv_nhwc() {
    // Channels last: X [N, H, W, C], Y [N, OH, OW, M], W still [M, C / group, kH, kW].
    ok(
        "flow.conv",
        &[
            "tensor<1x224x224x3xf32>",
            "tensor<64x3x7x7xf32>",
            "tensor<64xf32>",
        ],
        &[
            ("layout", "\"NHWC\""),
            ("pads", "array<i64: 3, 3, 3, 3>"),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x112x112x64xf32>"],
    );
    ok(
        "flow.conv",
        &["tensor<2x9x8xf32>", "tensor<4x2x3xf32>"],
        &[("layout", "\"NHWC\""), ("group", "4 : i64")],
        &["tensor<2x7x4xf32>"],
    );
    ok(
        "flow.conv",
        &["tensor<1x3x8x8xf32>", "tensor<4x3x3x3xf32>"],
        &[("layout", "\"NCHW\"")],
        &["tensor<1x4x6x6xf32>"],
    );
    // The channels are the last dim: 3 there does not match W's 4 x group 1.
    err(
        "flow.conv",
        &["tensor<1x4x8x3xf32>", "tensor<4x4x3x3xf32>"],
        &[("layout", "\"NHWC\"")],
        1,
        "input channels (3) must equal weight channels (4) times group (1)",
    );
    err(
        "flow.conv",
        &["tensor<1x3x8x8xf32>", "tensor<4x3x3x3xf32>"],
        &[("layout", "\"CHWN\"")],
        1,
        "attribute 'layout' must be one of \"NCHW\", \"NHWC\", \"NCHW16c\", but is \"CHWN\"",
    );
}

#[test]
fn conv_blocked() {
    // Channels blocked by 16: X [N, C / 16, H, W, 16], Y [N, M / 16, OH, OW, 16], W unchanged.
    ok(
        "flow.conv",
        &[
            "tensor<1x2x56x56x16xf32>",
            "tensor<64x32x3x3xf32>",
            "tensor<64xf32>",
        ],
        &[
            ("layout", "\"NCHW16c\""),
            ("pads", "array<i64: 1, 1, 1, 1>"),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x4x28x28x16xf32>"],
    );
    // A dynamic batch stays dynamic; the blocks are still known.
    ok(
        "flow.conv",
        &["tensor<?x1x8x8x16xf32>", "tensor<16x16x1x1xf32>"],
        &[("layout", "\"NCHW16c\"")],
        &["tensor<?x1x8x8x16xf32>"],
    );
    // C = 2 blocks of 16 = 32, W says 16.
    err(
        "flow.conv",
        &["tensor<1x2x8x8x16xf32>", "tensor<16x16x3x3xf32>"],
        &[("layout", "\"NCHW16c\"")],
        1,
        "input channels (32) must equal weight channels (16) times group (1)",
    );
    err(
        "flow.conv",
        &["tensor<1x1x8x8x8xf32>", "tensor<16x8x3x3xf32>"],
        &[("layout", "\"NCHW16c\"")],
        1,
        "a NCHW16c input's last dim must be 16, but is 8",
    );
    err(
        "flow.conv",
        &["tensor<1x1x8x8x16xf32>", "tensor<24x16x3x3xf32>"],
        &[("layout", "\"NCHW16c\"")],
        1,
        "layout \"NCHW16c\" needs a multiple of 16 output channels, but W has 24",
    );
    err(
        "flow.conv",
        &["tensor<1x2x8x8x16xf32>", "tensor<32x16x3x3xf32>"],
        &[("layout", "\"NCHW16c\""), ("group", "2 : i64")],
        1,
        "layout \"NCHW16c\" needs one group, but 'group' is 2",
    );
    // X must have one dim more than W.
    err(
        "flow.conv",
        &["tensor<1x16x8x8xf32>", "tensor<16x16x3x3xf32>"],
        &[("layout", "\"NCHW16c\"")],
        1,
        "operand #0 (X) must have rank 5, but has type 'tensor<1x16x8x8xf32>'",
    );
}

#[test]
fn conv() {
    let x = "tensor<1x3x224x224xf32>";
    let w = "tensor<64x3x7x7xf32>";
    ok(
        "flow.conv",
        &[x, w],
        &[
            ("pads", "array<i64: 3, 3, 3, 3>"),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x64x112x112xf32>"],
    );
    ok(
        "flow.conv",
        &[x, w, "tensor<64xf32>"],
        &[
            ("auto_pad", "\"SAME_UPPER\""),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x64x112x112xf32>"],
    );
    ok(
        "flow.conv",
        &[x, w],
        &[("auto_pad", "\"VALID\"")],
        &["tensor<1x64x218x218xf32>"],
    );
    ok(
        "flow.conv",
        &["tensor<?x3x?x32xf32>", w],
        &[("dilations", "array<i64: 2, 2>")],
        &["tensor<?x64x?x20xf32>"],
    );
    ok(
        "flow.conv",
        &["tensor<1x32x8x8xf32>", "tensor<32x1x3x3xf32>"],
        &[("group", "32 : i64"), ("pads", "array<i64: 1, 1, 1, 1>")],
        &["tensor<1x32x8x8xf32>"],
    );
    ok(
        "flow.conv",
        &["tensor<1x4x10xf32>", "tensor<8x4x3xf32>"],
        &[],
        &["tensor<1x8x8xf32>"],
    );
    ok(
        "flow.conv",
        &["tensor<*xf32>", w],
        &[],
        &["tensor<?x64x?x?xf32>"],
    );
    err(
        "flow.conv",
        &[x, w],
        &[("kernel_shape", "array<i64: 7>")],
        1,
        "'kernel_shape' must have 2 elements (the spatial rank), but has 1",
    );
    err(
        "flow.conv",
        &[x, w],
        &[("kernel_shape", "array<i64: 5, 5>")],
        1,
        "disagrees with the weight",
    );
    err(
        "flow.conv",
        &[x, w],
        &[("pads", "array<i64: 1, 1>")],
        1,
        "'pads' must have 4 elements",
    );
    err(
        "flow.conv",
        &[x, w],
        &[("strides", "array<i64: 0, 1>")],
        1,
        "strides must be positive",
    );
    err(
        "flow.conv",
        &[x, w],
        &[("auto_pad", "\"SAME\"")],
        1,
        "\"NOTSET\", \"SAME_UPPER\", \"SAME_LOWER\", \"VALID\"",
    );
    err(
        "flow.conv",
        &["tensor<1x4x8x8xf32>", w],
        &[],
        1,
        "input channels (4) must equal weight channels (3) times group (1)",
    );
    err(
        "flow.conv",
        &[x, w, "tensor<32xf32>"],
        &[],
        1,
        "bias must be 1-D",
    );
    err(
        "flow.conv",
        &["tensor<1x3x4x4xf32>", w],
        &[],
        1,
        "larger than the padded input",
    );
    err(
        "flow.conv",
        &["tensor<3x4xf32>", "tensor<3x4xf32>"],
        &[],
        1,
        "rank at least 3",
    );
    err(
        "flow.conv",
        &[x, "tensor<64x3x7xf32>"],
        &[],
        1,
        "must have rank 4",
    );
    err(
        "flow.conv",
        &[x, w],
        &[("group", "0 : i64")],
        1,
        "'group' must be positive",
    );
    err(
        "flow.conv",
        &["tensor<1x4x8x8xf32>", "tensor<6x2x3x3xf32>"],
        &[("group", "4 : i64")],
        1,
        "",
    );
}

#[test]
fn conv_transpose() {
    let x = "tensor<1x1x4x4xf32>";
    let w = "tensor<1x2x3x3xf32>";
    ok(
        "flow.conv_transpose",
        &[x, w],
        &[("strides", "array<i64: 2, 2>")],
        &["tensor<1x2x9x9xf32>"],
    );
    ok(
        "flow.conv_transpose",
        &[x, w],
        &[
            ("strides", "array<i64: 2, 2>"),
            ("auto_pad", "\"SAME_UPPER\""),
        ],
        &["tensor<1x2x8x8xf32>"],
    );
    ok(
        "flow.conv_transpose",
        &[x, w],
        &[
            ("strides", "array<i64: 2, 2>"),
            ("output_shape", "array<i64: 10, 10>"),
        ],
        &["tensor<1x2x10x10xf32>"],
    );
    ok(
        "flow.conv_transpose",
        &[x, w],
        &[
            ("strides", "array<i64: 2, 2>"),
            ("pads", "array<i64: 1, 1, 1, 1>"),
            ("output_padding", "array<i64: 1, 1>"),
        ],
        &["tensor<1x2x8x8xf32>"],
    );
    ok(
        "flow.conv_transpose",
        &["tensor<1x4x5xf32>", "tensor<4x3x3xf32>"],
        &[("group", "2 : i64")],
        &["tensor<1x6x7xf32>"],
    );
    err(
        "flow.conv_transpose",
        &["tensor<1x2x4x4xf32>", w],
        &[],
        1,
        "input channels (2)",
    );
    err(
        "flow.conv_transpose",
        &[x, w],
        &[("output_padding", "array<i64: 1>")],
        1,
        "'output_padding' must have 2 elements",
    );
}

#[test]
fn pools() {
    let x = "tensor<1x64x112x112xf32>";
    ok(
        "flow.max_pool",
        &[x],
        &[
            ("kernel_shape", "array<i64: 3, 3>"),
            ("strides", "array<i64: 2, 2>"),
            ("pads", "array<i64: 1, 1, 1, 1>"),
        ],
        &["tensor<1x64x56x56xf32>"],
    );
    ok(
        "flow.max_pool",
        &[x],
        &[
            ("kernel_shape", "array<i64: 3, 3>"),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x64x55x55xf32>", "tensor<1x64x55x55xi64>"],
    );
    ok(
        "flow.max_pool",
        &["tensor<1x1x5x5xf32>"],
        &[
            ("kernel_shape", "array<i64: 2, 2>"),
            ("strides", "array<i64: 2, 2>"),
            ("ceil_mode", "1 : i64"),
        ],
        &["tensor<1x1x3x3xf32>"],
    );
    ok(
        "flow.max_pool",
        &["tensor<1x1x4x4xf32>"],
        &[
            ("kernel_shape", "array<i64: 1, 1>"),
            ("strides", "array<i64: 2, 2>"),
            ("pads", "array<i64: 1, 1, 1, 1>"),
            ("ceil_mode", "1 : i64"),
        ],
        &["tensor<1x1x3x3xf32>"],
    );
    ok(
        "flow.average_pool",
        &["tensor<1x1x4x4xf32>"],
        &[
            ("kernel_shape", "array<i64: 3, 3>"),
            ("strides", "array<i64: 2, 2>"),
            ("auto_pad", "\"SAME_UPPER\""),
            ("dilations", "array<i64: 2, 2>"),
        ],
        &["tensor<1x1x2x2xf32>"],
    );
    ok(
        "flow.average_pool",
        &["tensor<1x1x4x4xf32>"],
        &[
            ("kernel_shape", "array<i64: 3, 3>"),
            ("strides", "array<i64: 2, 2>"),
            ("auto_pad", "\"VALID\""),
        ],
        &["tensor<1x1x1x1xf32>"],
    );
    ok(
        "flow.lp_pool",
        &["tensor<?x3x8xf32>"],
        &[("kernel_shape", "array<i64: 2>")],
        &["tensor<?x3x7xf32>"],
    );
    ok(
        "flow.max_pool",
        &["tensor<1x1x4x4xi8>"],
        &[("kernel_shape", "array<i64: 2, 2>")],
        &["tensor<1x1x3x3xi8>"],
    );
    err(
        "flow.max_pool",
        &[x],
        &[],
        1,
        "requires attribute 'kernel_shape'",
    );
    err(
        "flow.max_pool",
        &[x],
        &[("kernel_shape", "array<i64: 3>")],
        1,
        "must have 2 elements",
    );
    err(
        "flow.average_pool",
        &["tensor<1x1x4x4xi8>"],
        &[("kernel_shape", "array<i64: 2, 2>")],
        1,
        "must be tensor of",
    );
    err(
        "flow.max_pool",
        &["tensor<4x4xf32>"],
        &[("kernel_shape", "array<i64: 2, 2>")],
        1,
        "rank at least 3",
    );
    err(
        "flow.max_pool",
        &[x],
        &[
            ("kernel_shape", "array<i64: 3, 3>"),
            ("pads", "array<i64: -1, 0, 0, 0>"),
        ],
        1,
        "non-negative",
    );
    ok(
        "flow.global_average_pool",
        &["tensor<2x8x7x7xf32>"],
        &[],
        &["tensor<2x8x1x1xf32>"],
    );
    ok(
        "flow.global_max_pool",
        &["tensor<?x8x?xf32>"],
        &[],
        &["tensor<?x8x1xf32>"],
    );
    ok(
        "flow.global_lp_pool",
        &["tensor<*xf32>"],
        &[],
        &["tensor<*xf32>"],
    );
    err(
        "flow.global_average_pool",
        &["tensor<8xf32>"],
        &[],
        1,
        "rank at least 2",
    );
    ok(
        "flow.max_unpool",
        &["tensor<1x1x2x2xf32>", "tensor<1x1x2x2xi64>"],
        &[
            ("kernel_shape", "array<i64: 2, 2>"),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x1x4x4xf32>"],
    );
    ok(
        "flow.max_unpool",
        &[
            "tensor<1x1x2x2xf32>",
            "tensor<1x1x2x2xi64>",
            "= dense<[1, 1, 5, 5]> : tensor<4xi64>",
        ],
        &[
            ("kernel_shape", "array<i64: 2, 2>"),
            ("strides", "array<i64: 2, 2>"),
        ],
        &["tensor<1x1x5x5xf32>"],
    );
    err(
        "flow.max_unpool",
        &["tensor<1x1x2x2xf32>", "tensor<1x1x2x3xi64>"],
        &[("kernel_shape", "array<i64: 2, 2>")],
        1,
        "must have the shape of the input",
    );
}

#[test]
fn normalization() {
    let c = "tensor<8xf32>";
    ok(
        "flow.batch_normalization",
        &["tensor<2x8x4x4xf32>", c, c, c, c],
        &[],
        &["tensor<2x8x4x4xf32>"],
    );
    ok(
        "flow.batch_normalization",
        &["tensor<2x8x4x4xf32>", c, c, c, c],
        &[("training_mode", "1 : i64")],
        &["tensor<2x8x4x4xf32>", "tensor<8xf32>", "tensor<8xf32>"],
    );
    err(
        "flow.batch_normalization",
        &["tensor<2x8x4x4xf32>", c, c, c, c],
        &[],
        3,
        "training_mode",
    );
    err(
        "flow.batch_normalization",
        &["tensor<2x8x4x4xf32>", "tensor<4xf32>", c, c, c],
        &[],
        1,
        "operand #1 (scale) must be 1-D with [8] elements",
    );
    err(
        "flow.batch_normalization",
        &["tensor<2x8x4x4xf32>", c, c, c],
        &[],
        1,
        "expects 5 operands, but has 4",
    );
    ok(
        "flow.batch_normalization",
        &[
            "tensor<2x8x4x4xf16>",
            c,
            c,
            "tensor<8xf16>",
            "tensor<8xf16>",
        ],
        &[],
        &["tensor<2x8x4x4xf16>"],
    );
    ok(
        "flow.instance_normalization",
        &["tensor<2x8x4x4xf32>", c, c],
        &[],
        &["tensor<2x8x4x4xf32>"],
    );
    err(
        "flow.instance_normalization",
        &["tensor<2x8xf32>", c, c],
        &[],
        1,
        "rank at least 3",
    );
    ok(
        "flow.layer_normalization",
        &["tensor<2x5x16xf32>", "tensor<16xf32>", "tensor<16xf32>"],
        &[],
        &["tensor<2x5x16xf32>"],
    );
    ok(
        "flow.layer_normalization",
        &["tensor<2x5x16xf16>", "tensor<5x16xf16>"],
        &[("axis", "1 : i64")],
        &[
            "tensor<2x5x16xf16>",
            "tensor<2x1x1xf32>",
            "tensor<2x1x1xf32>",
        ],
    );
    err(
        "flow.layer_normalization",
        &["tensor<2x5x16xf32>", "tensor<8xf32>"],
        &[],
        1,
        "does not broadcast",
    );
    err(
        "flow.layer_normalization",
        &["tensor<2x5x16xf32>", "tensor<16xf32>"],
        &[("axis", "3 : i64")],
        1,
        "out of range",
    );
    err(
        "flow.layer_normalization",
        &["tensor<2x5x16xf32>", "tensor<16xf32>"],
        &[("stash_type", "7 : i64")],
        1,
        "stash_type",
    );
}

#[test]
fn recurrent() {
    // X [seq, batch, input], W [dirs, 4H, input], R [dirs, 4H, H]
    ok(
        "flow.lstm",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x80x10xf32>",
            "tensor<1x80x20xf32>",
        ],
        &[("hidden_size", "20 : i64")],
        &[
            "tensor<7x1x2x20xf32>",
            "tensor<1x2x20xf32>",
            "tensor<1x2x20xf32>",
        ],
    );
    ok(
        "flow.gru",
        &[
            "tensor<2x?x10xf32>",
            "tensor<2x60x10xf32>",
            "tensor<2x60x20xf32>",
            "tensor<2x120xf32>",
        ],
        &[("direction", "\"bidirectional\""), ("layout", "1 : i64")],
        &["tensor<2x?x2x20xf32>", "tensor<2x2x20xf32>"],
    );
    ok(
        "flow.rnn",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x20x10xf32>",
            "tensor<1x20x20xf32>",
            "none",
            "tensor<2xi32>",
        ],
        &[],
        &["tensor<7x1x2x20xf32>"],
    );
    err(
        "flow.lstm",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x80x10xf32>",
            "tensor<1x80x20xf32>",
        ],
        &[("hidden_size", "16 : i64")],
        1,
        "hidden_size",
    );
    err(
        "flow.lstm",
        &[
            "tensor<7x2x10xf32>",
            "tensor<2x80x10xf32>",
            "tensor<1x80x20xf32>",
        ],
        &[],
        1,
        "directions",
    );
    err(
        "flow.lstm",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x80x12xf32>",
            "tensor<1x80x20xf32>",
        ],
        &[],
        1,
        "input size",
    );
    err(
        "flow.gru",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x60x10xf32>",
            "tensor<1x60x20xf32>",
        ],
        &[("activations", "[\"Sigmoid\"]")],
        1,
        "'activations' must have 2 elements",
    );
    err(
        "flow.rnn",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x20x10xf32>",
            "tensor<1x20x20xf32>",
        ],
        &[("direction", "\"both\"")],
        1,
        "must be one of",
    );
    err(
        "flow.rnn",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x20x10xf32>",
            "tensor<1x20x20xf32>",
            "none",
            "tensor<2xi64>",
        ],
        &[],
        1,
        "sequence_lens",
    );
}

#[test]
fn sampling() {
    ok(
        "flow.grid_sample",
        &["tensor<1x3x8x8xf32>", "tensor<1x4x5x2xf32>"],
        &[],
        &["tensor<1x3x4x5xf32>"],
    );
    err(
        "flow.grid_sample",
        &["tensor<1x3x8x8xf32>", "tensor<1x4x5x3xf32>"],
        &[],
        1,
        "spatial rank",
    );
    err(
        "flow.grid_sample",
        &["tensor<1x3x8x8xf32>", "tensor<1x4x5x2xf32>"],
        &[("mode", "\"bilinear\"")],
        1,
        "must be one of",
    );
    ok(
        "flow.roi_align",
        &[
            "tensor<1x256x14x14xf32>",
            "tensor<5x4xf32>",
            "tensor<5xi64>",
        ],
        &[("output_height", "7 : i64"), ("output_width", "7 : i64")],
        &["tensor<5x256x7x7xf32>"],
    );
    err(
        "flow.roi_align",
        &[
            "tensor<1x256x14x14xf32>",
            "tensor<5x4xf32>",
            "tensor<4xi64>",
        ],
        &[],
        1,
        "number of rois",
    );
}

#[test]
fn recurrent_without_results() {
    // All outputs are optional in ONNX: a node whose outputs are all unused has none.
    ok(
        "flow.gru",
        &[
            "tensor<7x2x10xf32>",
            "tensor<1x60x10xf32>",
            "tensor<1x60x20xf32>",
        ],
        &[],
        &[],
    );
}

#[test]
fn group_normalization() {
    ok(
        "flow.group_normalization",
        &["tensor<3x4x2x2xf32>", "tensor<4xf32>", "tensor<4xf32>"],
        &[("num_groups", "2 : i64")],
        &["tensor<3x4x2x2xf32>"],
    );
    ok(
        "flow.group_normalization",
        &["tensor<?x?x7xf16>", "tensor<6xf16>", "tensor<6xf16>"],
        &[("num_groups", "3 : i64"), ("stash_type", "10 : i64")],
        &["tensor<?x?x7xf16>"],
    );
    err(
        "flow.group_normalization",
        &["tensor<3x4x2x2xf32>", "tensor<4xf32>", "tensor<4xf32>"],
        &[("num_groups", "3 : i64")],
        1,
        "num_groups (3) must divide the channels (4)",
    );
    // Per-group scale and bias are the opset-18 form.
    err(
        "flow.group_normalization",
        &["tensor<3x4x2x2xf32>", "tensor<2xf32>", "tensor<2xf32>"],
        &[("num_groups", "2 : i64")],
        1,
        "operand #1 (scale) must be 1-D with [4] elements",
    );
    err(
        "flow.group_normalization",
        &["tensor<3x4x2x2xf32>", "tensor<4xf32>", "tensor<4xf32>"],
        &[("num_groups", "0 : i64")],
        1,
        "must be positive",
    );
    err(
        "flow.group_normalization",
        &["tensor<3x4x2x2xf32>", "tensor<4xf32>", "tensor<4xf32>"],
        &[],
        1,
        "requires attribute 'num_groups'",
    );
    err(
        "flow.group_normalization",
        &["tensor<4xf32>", "tensor<4xf32>", "tensor<4xf32>"],
        &[("num_groups", "2 : i64")],
        1,
        "rank at least 2",
    );
}

#[test]
fn losses() {
    for op in [
        "flow.negative_log_likelihood_loss",
        "flow.softmax_cross_entropy_loss",
    ] {
        ok(
            op,
            &["tensor<3x5x6x7xf32>", "tensor<3x6x7xi64>"],
            &[("reduction", "\"none\"")],
            &["tensor<3x6x7xf32>"],
        );
        ok(
            op,
            &["tensor<3x5xf64>", "tensor<3xi32>", "tensor<5xf64>"],
            &[("reduction", "\"sum\""), ("ignore_index", "-1 : i64")],
            &["tensor<f64>"],
        );
        ok(
            op,
            &["tensor<?x5x?xf32>", "tensor<3x4xi64>"],
            &[("reduction", "\"none\"")],
            &["tensor<3x4xf32>"],
        );
        ok(
            op,
            &["tensor<*xf32>", "tensor<3x4xi64>"],
            &[("reduction", "\"none\"")],
            &["tensor<3x4xf32>"],
        );
        ok(
            op,
            &["tensor<3x5x2xf16>", "tensor<3x2xi64>"],
            &[],
            &["tensor<f16>"],
        );
        err(
            op,
            &["tensor<3x5x2xf32>", "tensor<3x4xi64>"],
            &[],
            1,
            "must have the shape of the input tensor<3x5x2xf32> without its class dimension, [3, 2]",
        );
        err(
            op,
            &["tensor<3x5x2xf32>", "tensor<3xi64>"],
            &[],
            1,
            "must have rank 2",
        );
        err(
            op,
            &["tensor<3xf32>", "tensor<3xi64>"],
            &[],
            1,
            "rank at least 2",
        );
        err(
            op,
            &["tensor<3x5xf32>", "tensor<3xi64>", "tensor<4xf32>"],
            &[],
            1,
            "must be 1-D with [5] elements (the classes)",
        );
        err(
            op,
            &["tensor<3x5xf32>", "tensor<3xi64>"],
            &[("reduction", "\"max\"")],
            1,
            "attribute 'reduction'",
        );
        err(
            op,
            &["tensor<3x5xf32>", "tensor<3xf32>"],
            &[],
            1,
            "must be tensor of i32 or i64",
        );
    }
    // SoftmaxCrossEntropyLoss also gives the log-probabilities.
    ok(
        "flow.softmax_cross_entropy_loss",
        &["tensor<3x5x2xf32>", "tensor<3x2xi64>"],
        &[],
        &["tensor<f32>", "tensor<3x5x2xf32>"],
    );
    err(
        "flow.negative_log_likelihood_loss",
        &["tensor<3x5x2xf32>", "tensor<3x2xi64>"],
        &[],
        2,
        "expects 1 result, but has 2",
    );
}

#[test]
fn conv_integer() {
    ok(
        "flow.conv_integer",
        &[
            "tensor<1x1x3x3xui8>",
            "tensor<2x1x2x2xui8>",
            "tensor<ui8>",
            "tensor<2xui8>",
        ],
        &[("pads", "array<i64: 1, 1, 1, 1>")],
        &["tensor<1x2x4x4xi32>"],
    );
    ok(
        "flow.conv_integer",
        &["tensor<?x3x9x9xi8>", "tensor<8x3x3x3xi8>"],
        &[("strides", "array<i64: 2, 2>")],
        &["tensor<?x8x4x4xi32>"],
    );
    err(
        "flow.conv_integer",
        &[
            "tensor<1x1x3x3xui8>",
            "tensor<2x1x2x2xui8>",
            "tensor<2xui8>",
        ],
        &[],
        1,
        "must be a scalar",
    );
    err(
        "flow.conv_integer",
        &[
            "tensor<1x1x3x3xui8>",
            "tensor<2x1x2x2xui8>",
            "tensor<ui8>",
            "tensor<2x1xui8>",
        ],
        &[],
        1,
        "w_zero_point",
    );
    err(
        "flow.conv_integer",
        &["tensor<1x2x3x3xui8>", "tensor<2x1x2x2xui8>"],
        &[],
        1,
        "input channels (2) must equal weight channels (1) times group (1)",
    );
    err(
        "flow.conv_integer",
        &["tensor<1x1x3x3xf32>", "tensor<2x1x2x2xf32>"],
        &[],
        1,
        "must be tensor of i8 or ui8",
    );
}

#[test]
fn deform_conv() {
    ok(
        "flow.deform_conv",
        &[
            "tensor<1x1x3x3xf32>",
            "tensor<1x1x2x2xf32>",
            "tensor<1x8x4x4xf32>",
        ],
        &[
            ("kernel_shape", "array<i64: 2, 2>"),
            ("pads", "array<i64: 1, 1, 1, 1>"),
        ],
        &["tensor<1x1x4x4xf32>"],
    );
    // groups, offset groups, bias and mask; dilations and strides.
    ok(
        "flow.deform_conv",
        &[
            "tensor<2x4x9x9xf32>",
            "tensor<6x2x3x3xf32>",
            "tensor<2x36x3x3xf32>",
            "tensor<6xf32>",
            "tensor<2x18x3x3xf32>",
        ],
        &[
            ("group", "2 : i64"),
            ("offset_group", "2 : i64"),
            ("strides", "array<i64: 2, 2>"),
            ("dilations", "array<i64: 2, 2>"),
        ],
        &["tensor<2x6x3x3xf32>"],
    );
    // The offset gives the output's spatial dims where the input's are unknown.
    ok(
        "flow.deform_conv",
        &[
            "tensor<?x1x?x?xf32>",
            "tensor<1x1x2x2xf32>",
            "tensor<1x8x5x6xf32>",
        ],
        &[],
        &["tensor<1x1x5x6xf32>"],
    );
    err(
        "flow.deform_conv",
        &[
            "tensor<1x1x3x3xf32>",
            "tensor<1x1x2x2xf32>",
            "tensor<1x8x3x3xf32>",
        ],
        &[],
        1,
        "offset tensor<1x8x3x3xf32> must have shape [1, 8, 2, 2]",
    );
    err(
        "flow.deform_conv",
        &[
            "tensor<1x1x3x3xf32>",
            "tensor<1x1x2x2xf32>",
            "tensor<1x8x2x2xf32>",
            "none",
            "tensor<1x8x2x2xf32>",
        ],
        &[],
        1,
        "mask tensor<1x8x2x2xf32> must have shape [1, 4, 2, 2]",
    );
    err(
        "flow.deform_conv",
        &[
            "tensor<1x3x3x3xf32>",
            "tensor<1x3x2x2xf32>",
            "tensor<1x16x2x2xf32>",
        ],
        &[("offset_group", "2 : i64")],
        1,
        "multiple of offset_group (2)",
    );
    err(
        "flow.deform_conv",
        &[
            "tensor<1x1x3x3xf32>",
            "tensor<1x1x2x2xf32>",
            "tensor<1x8x2x2xf32>",
            "tensor<2xf32>",
        ],
        &[],
        1,
        "bias must be 1-D with [1] elements",
    );
    err(
        "flow.deform_conv",
        &["tensor<1x3xf32>", "tensor<1x3xf32>", "tensor<1x3xf32>"],
        &[],
        1,
        "rank at least 3",
    );
}

#[test]
fn col2im() {
    let i64s = |v: &[i64]| {
        format!(
            "= dense<[{}]> : tensor<{}xi64>",
            v.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
            v.len()
        )
    };
    ok(
        "flow.col2_im",
        &["tensor<1x5x5xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[],
        &["tensor<1x1x5x5xf32>"],
    );
    ok(
        "flow.col2_im",
        &["tensor<1x10x12xf32>", &i64s(&[3, 4, 5]), &i64s(&[1, 1, 5])],
        &[],
        &["tensor<1x2x3x4x5xf32>"],
    );
    ok(
        "flow.col2_im",
        &["tensor<1x5x15xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[("pads", "array<i64: 0, 1, 0, 1>")],
        &["tensor<1x1x5x5xf32>"],
    );
    ok(
        "flow.col2_im",
        &["tensor<1x9x4xf32>", &i64s(&[5, 5]), &i64s(&[3, 3])],
        &[("strides", "array<i64: 2, 2>")],
        &["tensor<1x1x5x5xf32>"],
    );
    ok(
        "flow.col2_im",
        &["tensor<1x4x5xf32>", &i64s(&[6, 6]), &i64s(&[2, 2])],
        &[("dilations", "array<i64: 1, 5>")],
        &["tensor<1x1x6x6xf32>"],
    );
    ok(
        "flow.col2_im",
        &["tensor<?x10x?xf32>", "tensor<3xi64>", "tensor<3xi64>"],
        &[],
        &["tensor<?x?x?x?x?xf32>"],
    );
    ok(
        "flow.col2_im",
        &["tensor<2x12x?xf32>", "tensor<2xi64>", &i64s(&[2, 3])],
        &[],
        &["tensor<2x2x?x?xf32>"],
    );
    err(
        "flow.col2_im",
        &["tensor<1x7x5xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[],
        1,
        "7 is not divisible by 5",
    );
    err(
        "flow.col2_im",
        &["tensor<1x5x6xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[],
        1,
        "has 6 blocks, but the image and block shapes give 5",
    );
    err(
        "flow.col2_im",
        &["tensor<1x5x5xf32>", &i64s(&[5, 5]), &i64s(&[1, 2, 5])],
        &[],
        1,
        "the same length",
    );
    err(
        "flow.col2_im",
        &["tensor<1x5x5xf32>", &i64s(&[5, 5]), &i64s(&[0, 5])],
        &[],
        1,
        "block_shape must be positive",
    );
    err(
        "flow.col2_im",
        &["tensor<1x5x5xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[("strides", "array<i64: 1>")],
        1,
        "attribute 'strides' must have 2 elements",
    );
    err(
        "flow.col2_im",
        &["tensor<1x5x5xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[("dilations", "array<i64: 1, 0>")],
        1,
        "attribute 'dilations' must be positive",
    );
    err(
        "flow.col2_im",
        &["tensor<1x5x5xf32>", &i64s(&[5, 3]), &i64s(&[1, 5])],
        &[],
        1,
        "does not fit",
    );
    err(
        "flow.col2_im",
        &["tensor<5x5xf32>", &i64s(&[5, 5]), &i64s(&[1, 5])],
        &[],
        1,
        "must have rank 3",
    );
}

#[test]
fn affine_grid() {
    ok(
        "flow.affine_grid",
        &["tensor<2x2x3xf32>", "= dense<[2, 3, 5, 6]> : tensor<4xi64>"],
        &[("align_corners", "1 : i64")],
        &["tensor<2x5x6x2xf32>"],
    );
    ok(
        "flow.affine_grid",
        &[
            "tensor<?x3x4xf64>",
            "= dense<[2, 3, 4, 5, 6]> : tensor<5xi64>",
        ],
        &[],
        &["tensor<2x4x5x6x3xf64>"],
    );
    ok(
        "flow.affine_grid",
        &["tensor<2x2x3xf32>", "tensor<4xi64>"],
        &[],
        &["tensor<2x?x?x2xf32>"],
    );
    ok(
        "flow.affine_grid",
        &["tensor<2x3x4xf32>", "tensor<?xi64>"],
        &[],
        &["tensor<2x?x?x?x3xf32>"],
    );
    ok(
        "flow.affine_grid",
        &["tensor<*xf32>", "tensor<?xi64>"],
        &[],
        &["tensor<*xf32>"],
    );
    err(
        "flow.affine_grid",
        &["tensor<2x2x3xf32>", "tensor<5xi64>"],
        &[],
        1,
        "does not match a size of 5 elements",
    );
    err(
        "flow.affine_grid",
        &["tensor<2x2x4xf32>", "tensor<4xi64>"],
        &[],
        1,
        "must have shape [N, 2, 3]",
    );
    err(
        "flow.affine_grid",
        &["tensor<2x4x5xf32>", "tensor<?xi64>"],
        &[],
        1,
        "expects a 2-D grid",
    );
    err(
        "flow.affine_grid",
        &["tensor<2x2x3xf32>", "tensor<3xi64>"],
        &[],
        1,
        "size must have 4 (2-D) or 5 (3-D) elements, but has 3",
    );
    err(
        "flow.affine_grid",
        &["tensor<2x2x3xf32>", "= dense<[3, 3, 5, 6]> : tensor<4xi64>"],
        &[],
        1,
        "holds 2 matrices, but size says 3",
    );
}
