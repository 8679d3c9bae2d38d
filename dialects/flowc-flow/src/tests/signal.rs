//! DFT, STFT, MelWeightMatrix and the window functions.

use super::{err, ok};

const AXIS1: &str = "= dense<1> : tensor<i64>";

#[test]
fn dft() {
    // Real in, complex out; the axis defaults to -2.
    ok(
        "flow.dft",
        &["tensor<2x8x1xf32>"],
        &[],
        &["tensor<2x8x2xf32>"],
    );
    ok(
        "flow.dft",
        &["tensor<1x10x10x1xf32>", "none", AXIS1],
        &[("onesided", "1 : i64")],
        &["tensor<1x6x10x2xf32>"],
    );
    // The inverse one-sided DFT (irfft) is real: 2 * (n - 1) samples by default.
    ok(
        "flow.dft",
        &["tensor<1x6x10x2xf32>", "none", AXIS1],
        &[("inverse", "1 : i64"), ("onesided", "1 : i64")],
        &["tensor<1x10x10x1xf32>"],
    );
    ok(
        "flow.dft",
        &["tensor<2x8x2xf64>", "= dense<10> : tensor<i64>"],
        &[("inverse", "1 : i64"), ("onesided", "1 : i64")],
        &["tensor<2x10x1xf64>"],
    );
    // dft_length pads or truncates; one-sided keeps n / 2 + 1 bins.
    ok(
        "flow.dft",
        &[
            "tensor<2x8x2xf32>",
            "= dense<10> : tensor<i32>",
            "= dense<-3> : tensor<i64>",
        ],
        &[],
        &["tensor<10x8x2xf32>"],
    );
    ok(
        "flow.dft",
        &["tensor<2x8x1xf16>", "= dense<9> : tensor<i64>"],
        &[("onesided", "1 : i64")],
        &["tensor<2x5x2xf16>"],
    );
    // Unknown length or axis: the affected dims are unknown.
    ok(
        "flow.dft",
        &["tensor<2x8x2xf32>", "tensor<i64>"],
        &[],
        &["tensor<2x?x2xf32>"],
    );
    ok(
        "flow.dft",
        &["tensor<2x8x2xf32>", "none", "tensor<i64>"],
        &[],
        &["tensor<2x8x2xf32>"],
    );
    ok(
        "flow.dft",
        &["tensor<2x8x1xf32>", "none", "tensor<i64>"],
        &[("onesided", "1 : i64")],
        &["tensor<?x?x2xf32>"],
    );
    ok(
        "flow.dft",
        &["tensor<2x?x1xf32>"],
        &[("onesided", "1 : i64")],
        &["tensor<2x?x2xf32>"],
    );
    ok("flow.dft", &["tensor<*xf32>"], &[], &["tensor<*xf32>"]);
}

#[test]
fn dft_errors() {
    err("flow.dft", &["tensor<8xf32>"], &[], 1, "rank at least 2");
    err(
        "flow.dft",
        &["tensor<2x8x3xf32>"],
        &[],
        1,
        "must be 1 (real) or 2 (complex)",
    );
    err(
        "flow.dft",
        &["tensor<2x8x2xf32>"],
        &[("onesided", "1 : i64")],
        1,
        "needs a real input",
    );
    err(
        "flow.dft",
        &["tensor<2x8x1xf32>"],
        &[("onesided", "1 : i64"), ("inverse", "1 : i64")],
        1,
        "needs a complex input",
    );
    for axis in ["-1", "2", "-4"] {
        err(
            "flow.dft",
            &[
                "tensor<2x8x2xf32>",
                "none",
                &format!("= dense<{axis}> : tensor<i64>"),
            ],
            &[],
            1,
            "out of range for rank 3",
        );
    }
    err(
        "flow.dft",
        &["tensor<2x8x2xf32>", "= dense<0> : tensor<i64>"],
        &[],
        1,
        "dft_length must be positive",
    );
    err(
        "flow.dft",
        &["tensor<2x0x2xf32>"],
        &[("onesided", "1 : i64"), ("inverse", "1 : i64")],
        1,
        "has no input bins",
    );
    err(
        "flow.dft",
        &["tensor<2x8x2xf32>", "tensor<2xi64>"],
        &[],
        1,
        "must be a scalar",
    );
    err(
        "flow.dft",
        &["tensor<2x8x2xf32>", "tensor<f32>"],
        &[],
        1,
        "must be none or tensor of i32 or i64 values",
    );
}

#[test]
fn stft() {
    // frames = (128 - 16) / 8 + 1 = 15; one-sided by default: 16 / 2 + 1 = 9 bins.
    ok(
        "flow.stft",
        &[
            "tensor<1x128x1xf32>",
            "= dense<8> : tensor<i64>",
            "none",
            "= dense<16> : tensor<i64>",
        ],
        &[],
        &["tensor<1x15x9x2xf32>"],
    );
    ok(
        "flow.stft",
        &[
            "tensor<1x128x1xf32>",
            "= dense<8> : tensor<i64>",
            "tensor<16xf32>",
        ],
        &[],
        &["tensor<1x15x9x2xf32>"],
    );
    ok(
        "flow.stft",
        &[
            "tensor<3x128x2xf32>",
            "= dense<8> : tensor<i64>",
            "tensor<16xf32>",
        ],
        &[("onesided", "0 : i64")],
        &["tensor<3x15x16x2xf32>"],
    );
    // Without window and frame length, one frame of the whole signal.
    ok(
        "flow.stft",
        &["tensor<1x64x1xf32>", "= dense<8> : tensor<i64>"],
        &[],
        &["tensor<1x1x33x2xf32>"],
    );
    // Operands that are not constants.
    ok(
        "flow.stft",
        &["tensor<1x128x1xf32>", "tensor<i64>", "none", "tensor<i64>"],
        &[],
        &["tensor<1x?x?x2xf32>"],
    );
    ok(
        "flow.stft",
        &[
            "tensor<?x?x1xf32>",
            "= dense<8> : tensor<i64>",
            "tensor<16xf32>",
        ],
        &[],
        &["tensor<?x?x9x2xf32>"],
    );
    err(
        "flow.stft",
        &[
            "tensor<1x128x1xf32>",
            "= dense<8> : tensor<i64>",
            "tensor<15xf32>",
            "= dense<16> : tensor<i64>",
        ],
        &[],
        1,
        "the window has 15 elements, but frame_length is 16",
    );
    err(
        "flow.stft",
        &["tensor<1x128x1xf32>", "= dense<0> : tensor<i64>"],
        &[],
        1,
        "frame_step must be positive",
    );
    err(
        "flow.stft",
        &[
            "tensor<1x8x1xf32>",
            "= dense<1> : tensor<i64>",
            "tensor<16xf32>",
        ],
        &[],
        1,
        "exceeds the signal length 8",
    );
    err(
        "flow.stft",
        &["tensor<128x1xf32>", "= dense<1> : tensor<i64>"],
        &[],
        1,
        "must have rank 3",
    );
    err(
        "flow.stft",
        &["tensor<1x128x3xf32>", "= dense<1> : tensor<i64>"],
        &[],
        1,
        "must be 1 (real) or 2 (complex)",
    );
    err(
        "flow.stft",
        &[
            "tensor<1x128x1xf32>",
            "= dense<8> : tensor<i64>",
            "none",
            "= dense<-4> : tensor<i64>",
        ],
        &[],
        1,
        "frame length must be positive",
    );
}

#[test]
fn mel_weight_matrix() {
    let consts = [
        "= dense<8> : tensor<i64>",
        "= dense<16> : tensor<i64>",
        "= dense<8000> : tensor<i64>",
        "= dense<0.0> : tensor<f32>",
        "= dense<4000.0> : tensor<f32>",
    ];
    ok("flow.mel_weight_matrix", &consts, &[], &["tensor<9x8xf32>"]);
    ok(
        "flow.mel_weight_matrix",
        &consts,
        &[("output_datatype", "11 : i64")],
        &["tensor<9x8xf64>"],
    );
    ok(
        "flow.mel_weight_matrix",
        &[
            "tensor<i32>",
            "tensor<i32>",
            "tensor<i32>",
            "tensor<f16>",
            "tensor<f16>",
        ],
        &[],
        &["tensor<?x?xf32>"],
    );
    err(
        "flow.mel_weight_matrix",
        &consts,
        &[("output_datatype", "9 : i64")],
        1,
        "output_datatype",
    );
    err(
        "flow.mel_weight_matrix",
        &[
            "= dense<-1> : tensor<i64>",
            consts[1],
            consts[2],
            consts[3],
            consts[4],
        ],
        &[],
        1,
        "num_mel_bins must be non-negative",
    );
    err(
        "flow.mel_weight_matrix",
        &[
            consts[0],
            consts[1],
            "= dense<0> : tensor<i64>",
            consts[3],
            consts[4],
        ],
        &[],
        1,
        "sample_rate must be positive",
    );
    err(
        "flow.mel_weight_matrix",
        &[
            consts[0],
            "= dense<16> : tensor<i32>",
            consts[2],
            consts[3],
            consts[4],
        ],
        &[],
        1,
        "must have the same element type",
    );
}

#[test]
fn windows() {
    for op in [
        "flow.hann_window",
        "flow.hamming_window",
        "flow.blackman_window",
    ] {
        ok(op, &["= dense<10> : tensor<i64>"], &[], &["tensor<10xf32>"]);
        ok(
            op,
            &["= dense<10> : tensor<i32>"],
            &[("periodic", "0 : i64"), ("output_datatype", "10 : i64")],
            &["tensor<10xf16>"],
        );
        ok(op, &["tensor<i64>"], &[], &["tensor<?xf32>"]);
        err(
            op,
            &["= dense<0> : tensor<i64>"],
            &[],
            1,
            "size must be positive",
        );
        err(op, &["tensor<3xi64>"], &[], 1, "must be a scalar");
        err(
            op,
            &["tensor<i64>"],
            &[("output_datatype", "8 : i64")],
            1,
            "output_datatype",
        );
    }
}
