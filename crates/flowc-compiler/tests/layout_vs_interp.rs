//! NHWC and blocked convolutions (`flow.conv {layout = "NHWC"}`, `{layout = "NCHW16c"}`) and
//! TensorFlow-style graphs (a Transpose to NCHW before every Conv and back after it), compiled
//! and run by the runtime against the reference interpreter. A convolution's sums run in
//! another order in the compiled kernels (blocks of k, (tap, channel) order in NHWC), so outputs
//! are compared with a tolerance.

#[allow(dead_code)]
mod common;

use common::{compile_session, interpret, run_session, values};
use flowc_compiler::CompileOptions;
use flowc_tensor::Tensor;

fn tensor(shape: &[usize], seed: u64) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec(shape.to_vec(), values(n, seed)).unwrap()
}

/// A dense f32 constant op of `shape` with pseudo-random values.
fn constant(name: &str, shape: &[usize], seed: u64) -> String {
    let n: usize = shape.iter().product();
    let vals: Vec<String> = values(n, seed).iter().map(|v| format!("{v:e}")).collect();
    // The literal nests one bracket level per dim.
    fn nest(vals: &[String], shape: &[usize]) -> String {
        match shape {
            [] | [_] => format!("[{}]", vals.join(", ")),
            [d, rest @ ..] => {
                let chunk = vals.len() / d;
                let parts: Vec<String> = vals.chunks(chunk).map(|c| nest(c, rest)).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }
    let ty = format!(
        "tensor<{}xf32>",
        shape
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("x")
    );
    format!(
        "  %{name} = \"flow.constant\"() {{value = dense<{}> : {ty}}} : () -> {ty}\n",
        nest(&vals, shape)
    )
}

/// Compiles `src` (with the pass on or off), runs it with `threads` threads and compares every
/// output with the interpreter's; returns the number of kernel launches.
fn check(src: &str, inputs: Vec<Tensor>, saturate: bool, threads: usize) -> usize {
    let expected = interpret(src, &inputs);
    let options = CompileOptions {
        saturate: saturate.then(flowc_saturate::SaturateConfig::default),
        ..CompileOptions::default()
    };
    let (compiled, mut session) = compile_session(src, options, threads);
    let got = run_session(&mut session, &inputs, expected.len());
    for (i, (got, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got.shape(), e.shape(), "output {i} shape\n{src}");
        let (g, w) = (got.to_f64_vec(), e.to_f64_vec());
        for (j, (a, b)) in g.iter().zip(&w).enumerate() {
            assert!(
                (a - b).abs() <= 1e-4 + 1e-4 * b.abs(),
                "output {i} element {j}: {a} vs {b}\n{src}"
            );
        }
    }
    compiled.report.launches
}

/// An NHWC conv (constant weights and bias) followed by ReLU; `attrs` are the conv's.
fn nhwc_conv_relu(
    (n, h, w, c): (usize, usize, usize, usize),
    (m, kh, kw): (usize, usize, usize),
    out: (usize, usize),
    attrs: &str,
) -> String {
    let x = format!("tensor<{n}x{h}x{w}x{c}xf32>");
    let y = format!("tensor<{n}x{}x{}x{m}xf32>", out.0, out.1);
    let wt = format!("tensor<{m}x{c}x{kh}x{kw}xf32>");
    let mut s = format!("func.func @main(%x: {x}) -> {y} {{\n");
    s += &constant("w", &[m, c, kh, kw], 11);
    s += &constant("b", &[m], 12);
    s += &format!(
        "  %0 = \"flow.conv\"(%x, %w, %b) {{layout = \"NHWC\"{attrs}}} : ({x}, {wt}, tensor<{m}xf32>) -> {y}\n"
    );
    s += &format!("  %1 = \"flow.relu\"(%0) : ({y}) -> {y}\n  return %1 : {y}\n}}");
    s
}

#[test]
fn nhwc_conv_bias_relu() {
    // (input NHWC, weights, output spatial, attributes): 3x3 padded (taps of all channels per
    // block of k), 1x1 (X read directly), strided 3x3 with more than 256 channels (one tap's
    // channels in runs of 256), two images with dilation and asymmetric pads, and 64 output
    // channels (a partial column panel).
    let cases = [
        (
            (1, 9, 9, 5),
            (16, 3, 3),
            (9, 9),
            ", pads = array<i64: 1, 1, 1, 1>",
        ),
        ((1, 7, 6, 40), (20, 1, 1), (7, 6), ""),
        (
            (1, 6, 6, 300),
            (8, 3, 3),
            (3, 3),
            ", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>",
        ),
        (
            (2, 8, 7, 6),
            (64, 3, 2),
            (6, 7),
            ", pads = array<i64: 1, 0, 1, 1>, dilations = array<i64: 2, 1>",
        ),
    ];
    for (k, &(xs, ws, out, attrs)) in cases.iter().enumerate() {
        let src = nhwc_conv_relu(xs, ws, out, attrs);
        let x = tensor(&[xs.0, xs.1, xs.2, xs.3], 100 + k as u64);
        // Pass on: conv + ReLU are one fused kernel (the ReLU is the GEMM's epilogue); off: two.
        assert_eq!(check(&src, vec![x.clone()], true, 2), 1, "case {k}");
        assert_eq!(check(&src, vec![x.clone()], false, 1), 2, "case {k}");
    }
}

/// An NHWC depthwise conv (group = channels, constant weights and bias) followed by ReLU.
fn nhwc_depthwise_relu(
    (n, h, w, c): (usize, usize, usize, usize),
    (kh, kw): (usize, usize),
    out: (usize, usize),
    attrs: &str,
) -> String {
    let x = format!("tensor<{n}x{h}x{w}x{c}xf32>");
    let y = format!("tensor<{n}x{}x{}x{c}xf32>", out.0, out.1);
    let wt = format!("tensor<{c}x1x{kh}x{kw}xf32>");
    let mut s = format!("func.func @main(%x: {x}) -> {y} {{\n");
    s += &constant("w", &[c, 1, kh, kw], 13);
    s += &constant("b", &[c], 14);
    s += &format!(
        "  %0 = \"flow.conv\"(%x, %w, %b) {{layout = \"NHWC\", group = {c} : i64{attrs}}} : ({x}, {wt}, tensor<{c}xf32>) -> {y}\n"
    );
    s += &format!("  %1 = \"flow.relu\"(%0) : ({y}) -> {y}\n  return %1 : {y}\n}}");
    s
}

#[test]
fn nhwc_depthwise_bias_relu() {
    // 32 channels (two full vectors), 20 (one vector and four single channels) with stride 2,
    // dilation and asymmetric pads over two images, 5 (single channels only) with a 5x5 kernel.
    let cases = [
        (
            (1, 9, 9, 32),
            (3, 3),
            (9, 9),
            ", pads = array<i64: 1, 1, 1, 1>",
        ),
        (
            (2, 8, 7, 20),
            (3, 3),
            (5, 2),
            ", pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 2>",
        ),
        (
            (1, 6, 6, 5),
            (5, 5),
            (6, 6),
            ", pads = array<i64: 2, 2, 2, 2>",
        ),
    ];
    for (k, &(xs, ks, out, attrs)) in cases.iter().enumerate() {
        let src = nhwc_depthwise_relu(xs, ks, out, attrs);
        let x = tensor(&[xs.0, xs.1, xs.2, xs.3], 200 + k as u64);
        // Pass on: the ReLU is applied as each output is stored (one kernel); off: two.
        assert_eq!(check(&src, vec![x.clone()], true, 2), 1, "case {k}");
        assert_eq!(check(&src, vec![x], false, 1), 2, "case {k}");
    }
}

#[test]
fn nhwc_conv_without_the_gemm_path() {
    // Groups and runtime weights take the direct loop nest in NHWC.
    let src = r#"
func.func @main(%x: tensor<1x6x5x4xf32>, %w: tensor<6x2x3x3xf32>) -> (tensor<1x4x3x6xf32>, tensor<1x4x3x6xf32>) {
  %0 = "flow.conv"(%x, %w) {layout = "NHWC", group = 2 : i64} : (tensor<1x6x5x4xf32>, tensor<6x2x3x3xf32>) -> tensor<1x4x3x6xf32>
  %v = "flow.constant"() {value = dense<0.25> : tensor<6x4x3x3xf32>} : () -> tensor<6x4x3x3xf32>
  %1 = "flow.conv"(%x, %v) {layout = "NHWC"} : (tensor<1x6x5x4xf32>, tensor<6x4x3x3xf32>) -> tensor<1x4x3x6xf32>
  return %0, %1 : tensor<1x4x3x6xf32>, tensor<1x4x3x6xf32>
}"#;
    let x = tensor(&[1, 6, 5, 4], 7);
    let w = tensor(&[6, 2, 3, 3], 8);
    check(src, vec![x.clone(), w.clone()], false, 2);
    check(src, vec![x, w], true, 1);
}

/// A TensorFlow-style chain: per conv a Transpose NHWC -> NCHW before it and back after it,
/// activations between them in NHWC, input and output NHWC.
fn tf_chain() -> String {
    let mut s =
        String::from("func.func @main(%x: tensor<1x12x12x8xf32>) -> tensor<1x6x6x16xf32> {\n");
    s += &constant("w1", &[16, 8, 3, 3], 21);
    s += &constant("b1", &[16], 22);
    s += &constant("w2", &[16, 16, 3, 3], 23);
    s += &constant("b2", &[16], 24);
    s += &constant("w3", &[16, 16, 1, 1], 25);
    s += &constant("s", &[16], 26);
    s += r#"  %t0 = "flow.transpose"(%x) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x12x12x8xf32>) -> tensor<1x8x12x12xf32>
  %c1 = "flow.conv"(%t0, %w1, %b1) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x12xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x12x12xf32>
  %t1 = "flow.transpose"(%c1) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x12x12xf32>) -> tensor<1x12x12x16xf32>
  %r1 = "flow.relu"(%t1) : (tensor<1x12x12x16xf32>) -> tensor<1x12x12x16xf32>
  %t2 = "flow.transpose"(%r1) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x12x12x16xf32>) -> tensor<1x16x12x12xf32>
  %c2 = "flow.conv"(%t2, %w2, %b2) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x16x12x12xf32>, tensor<16x16x3x3xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
  %t3 = "flow.transpose"(%c2) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x6x6xf32>) -> tensor<1x6x6x16xf32>
  %m = "flow.mul"(%t3, %s) : (tensor<1x6x6x16xf32>, tensor<16xf32>) -> tensor<1x6x6x16xf32>
  %r2 = "flow.relu"(%m) : (tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %t4 = "flow.transpose"(%r2) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x16xf32>) -> tensor<1x16x6x6xf32>
  %c3 = "flow.conv"(%t4, %w3) : (tensor<1x16x6x6xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x6x6xf32>
  %t5 = "flow.transpose"(%c3) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x6x6xf32>) -> tensor<1x6x6x16xf32>
  %r3 = "flow.relu"(%t5) : (tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  return %r3 : tensor<1x6x6x16xf32>
}"#;
    s
}

#[test]
fn tf_style_chain_matches_the_interpreter() {
    let src = tf_chain();
    let x = tensor(&[1, 12, 12, 8], 31);
    let off = check(&src, vec![x.clone()], false, 1);
    let on = check(&src, vec![x.clone()], true, 2);
    // Without the pass: 6 transposes, 3 convs, the Mul and 3 ReLUs. With it: every transpose
    // gone into NHWC convs, each with its tail fused (the Mul's per-channel scale too).
    assert_eq!(off, 13);
    assert_eq!(on, 3);
}

/// A blocked conv (`layout = "NCHW16c"`, constant weights and bias) followed by ReLU; X is
/// given blocked, `[n, c / 16, h, w, 16]`.
fn blocked_conv_relu(
    (n, c, h, w): (usize, usize, usize, usize),
    (m, kh, kw): (usize, usize, usize),
    out: (usize, usize),
    attrs: &str,
) -> String {
    let x = format!("tensor<{n}x{}x{h}x{w}x16xf32>", c / 16);
    let y = format!("tensor<{n}x{}x{}x{}x16xf32>", m / 16, out.0, out.1);
    let wt = format!("tensor<{m}x{c}x{kh}x{kw}xf32>");
    let mut s = format!("func.func @main(%x: {x}) -> {y} {{\n");
    s += &constant("w", &[m, c, kh, kw], 15);
    s += &constant("b", &[m], 16);
    s += &format!(
        "  %0 = \"flow.conv\"(%x, %w, %b) {{layout = \"NCHW16c\"{attrs}}} : ({x}, {wt}, tensor<{m}xf32>) -> {y}\n"
    );
    s += &format!("  %1 = \"flow.relu\"(%0) : ({y}) -> {y}\n  return %1 : {y}\n}}");
    s
}

#[test]
fn blocked_conv_bias_relu() {
    // (input NCHW sizes, weights, output spatial, attributes): 3x3 padded over 20 columns (a
    // border column each side, two full tiles of 8 and a partial one), stride 2 padded with two
    // input blocks, 1x1 with three output blocks over two images, dilation and asymmetric pads
    // (border columns only on one side), and a kernel wider than the padded left border.
    let cases = [
        (
            (1, 16, 5, 20),
            (16, 3, 3),
            (5, 20),
            ", pads = array<i64: 1, 1, 1, 1>",
        ),
        (
            (1, 32, 9, 11),
            (32, 3, 3),
            (5, 6),
            ", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>",
        ),
        ((2, 16, 3, 7), (48, 1, 1), (3, 7), ""),
        (
            (2, 16, 8, 9),
            (16, 3, 2),
            (6, 10),
            ", pads = array<i64: 1, 0, 1, 2>, dilations = array<i64: 2, 1>",
        ),
        (
            (1, 16, 6, 6),
            (16, 5, 5),
            (6, 3),
            ", pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 2>",
        ),
    ];
    for (k, &(xs, ws, out, attrs)) in cases.iter().enumerate() {
        let src = blocked_conv_relu(xs, ws, out, attrs);
        let x = tensor(&[xs.0, xs.1 / 16, xs.2, xs.3, 16], 300 + k as u64);
        // Pass on: the ReLU is applied as each column's outputs are stored (one kernel); off:
        // two.
        assert_eq!(check(&src, vec![x.clone()], true, 2), 1, "case {k}");
        assert_eq!(check(&src, vec![x], false, 1), 2, "case {k}");
    }
}

#[test]
fn blocked_conv_without_the_kernel() {
    // Runtime weights take the direct loop nest, which indexes the blocked layout itself.
    let src = r#"
func.func @main(%x: tensor<1x2x5x4x16xf32>, %w: tensor<16x32x3x3xf32>) -> tensor<1x1x5x4x16xf32> {
  %0 = "flow.conv"(%x, %w) {layout = "NCHW16c", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x4x16xf32>, tensor<16x32x3x3xf32>) -> tensor<1x1x5x4x16xf32>
  return %0 : tensor<1x1x5x4x16xf32>
}"#;
    let x = tensor(&[1, 2, 5, 4, 16], 9);
    let w = tensor(&[16, 32, 3, 3], 10);
    check(src, vec![x.clone(), w.clone()], false, 2);
    check(src, vec![x, w], true, 1);
}
