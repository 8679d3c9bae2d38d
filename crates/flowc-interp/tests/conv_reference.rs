//! Conv / ConvTranspose / MaxPool against direct (naive) implementations on pseudo-random data.
mod common;
use common::*;

fn data(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2654435761).max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s % 1000) as f32 / 500.0 - 1.0
        })
        .collect()
}

/// Direct 2-D convolution.
#[allow(clippy::too_many_arguments)]
fn naive_conv(
    x: &[f32],
    (n, c, h, w): (usize, usize, usize, usize),
    wt: &[f32],
    (m, kh, kw): (usize, usize, usize),
    group: usize,
    stride: (usize, usize),
    pad: (usize, usize, usize, usize),
    dil: (usize, usize),
) -> (Vec<f32>, Vec<usize>) {
    let oh = (h + pad.0 + pad.2 - ((kh - 1) * dil.0 + 1)) / stride.0 + 1;
    let ow = (w + pad.1 + pad.3 - ((kw - 1) * dil.1 + 1)) / stride.1 + 1;
    let cg = c / group;
    let mg = m / group;
    let mut y = vec![0f32; n * m * oh * ow];
    for b in 0..n {
        for o in 0..m {
            let g = o / mg;
            for i in 0..oh {
                for j in 0..ow {
                    let mut s = 0f64;
                    for ci in 0..cg {
                        for a in 0..kh {
                            for e in 0..kw {
                                let ih = (i * stride.0 + a * dil.0) as isize - pad.0 as isize;
                                let iw = (j * stride.1 + e * dil.1) as isize - pad.1 as isize;
                                if ih < 0 || iw < 0 || ih >= h as isize || iw >= w as isize {
                                    continue;
                                }
                                let xi =
                                    ((b * c + g * cg + ci) * h + ih as usize) * w + iw as usize;
                                let wi = ((o * cg + ci) * kh + a) * kw + e;
                                s += x[xi] as f64 * wt[wi] as f64;
                            }
                        }
                    }
                    y[((b * m + o) * oh + i) * ow + j] = s as f32;
                }
            }
        }
    }
    (y, vec![n, m, oh, ow])
}

#[test]
fn conv_matches_direct_convolution() {
    // (n, c, h, w), (m, kh, kw), group, stride, pads, dilations
    let cases = [
        ((1, 3, 9, 8), (4, 3, 3), 1, (1, 1), (1, 1, 1, 1), (1, 1)),
        ((2, 4, 7, 7), (6, 3, 2), 2, (2, 1), (0, 1, 2, 0), (1, 2)),
        ((1, 4, 6, 5), (4, 1, 1), 4, (1, 1), (0, 0, 0, 0), (1, 1)),
        ((1, 5, 12, 12), (7, 5, 5), 1, (3, 2), (2, 2, 2, 2), (2, 1)),
        ((1, 16, 5, 5), (32, 1, 1), 1, (2, 2), (0, 0, 0, 0), (1, 1)),
    ];
    for (k, &((n, c, h, w), (m, kh, kw), g, st, pad, dil)) in cases.iter().enumerate() {
        let x = data(n * c * h * w, k as u32 + 1);
        let wt = data(m * (c / g) * kh * kw, k as u32 + 100);
        let (expect, shape) = naive_conv(&x, (n, c, h, w), &wt, (m, kh, kw), g, st, pad, dil);
        let attrs = format!(
            "group = {g} : i64, strides = array<i64: {}, {}>, pads = array<i64: {}, {}, {}, {}>, dilations = array<i64: {}, {}>",
            st.0, st.1, pad.0, pad.1, pad.2, pad.3, dil.0, dil.1
        );
        let r = run1(
            "flow.conv",
            &attrs,
            vec![f32t(&[n, c, h, w], &x), f32t(&[m, c / g, kh, kw], &wt)],
        );
        assert_eq!(r.shape(), shape.as_slice(), "case {k}");
        let e = f32t(&shape, &expect);
        assert!(
            flowc_tensor::all_close(&r, &e, 1e-4, 1e-5, false),
            "case {k}"
        );
    }
}

#[test]
fn conv_1d_and_3d() {
    // 1-D: a moving sum.
    let r = run1(
        "flow.conv",
        "",
        vec![
            f32t(&[1, 1, 5], &[1., 2., 3., 4., 5.]),
            f32t(&[1, 1, 2], &[1., 1.]),
        ],
    );
    assert_f32(&r, &[1, 1, 4], &[3., 5., 7., 9.]);
    // 3-D with a 2x2x2 kernel of ones over iota.
    let x: Vec<f32> = (0..27).map(|i| i as f32).collect();
    let r = run1(
        "flow.conv",
        "",
        vec![
            f32t(&[1, 1, 3, 3, 3], &x),
            f32t(&[1, 1, 2, 2, 2], &[1.0; 8]),
        ],
    );
    let at = |a: usize, b: usize, c: usize| (a * 9 + b * 3 + c) as f32;
    let mut e = Vec::new();
    for a in 0..2 {
        for b in 0..2 {
            for c in 0..2 {
                let mut s = 0.0;
                for (i, j, k) in [
                    (0, 0, 0),
                    (0, 0, 1),
                    (0, 1, 0),
                    (0, 1, 1),
                    (1, 0, 0),
                    (1, 0, 1),
                    (1, 1, 0),
                    (1, 1, 1),
                ] {
                    s += at(a + i, b + j, c + k);
                }
                e.push(s);
            }
        }
    }
    assert_f32(&r, &[1, 1, 2, 2, 2], &e);
}

#[test]
fn conv_transpose_is_the_adjoint_of_conv() {
    // <conv(x, w), y> == <x, conv_transpose(y, w)> for stride 2, pads 1.
    let (c, m, h) = (3, 2, 7);
    let x = data(c * h * h, 7);
    let w = data(m * c * 9, 8);
    let attrs = "strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>";
    let cx = run1(
        "flow.conv",
        attrs,
        vec![f32t(&[1, c, h, h], &x), f32t(&[m, c, 3, 3], &w)],
    );
    let oh = cx.shape()[2];
    let y = data(m * oh * oh, 9);
    // ConvTranspose's weight is [C_in(of the transpose) = m, C_out = c, k, k]: the same tensor.
    let ty = run1(
        "flow.conv_transpose",
        &format!("{attrs}, output_shape = array<i64: {h}, {h}>"),
        vec![f32t(&[1, m, oh, oh], &y), f32t(&[m, c, 3, 3], &w)],
    );
    assert_eq!(ty.shape(), &[1, c, h, h]);
    let lhs: f64 = cx
        .as_slice::<f32>()
        .unwrap()
        .iter()
        .zip(&y)
        .map(|(a, b)| (*a as f64) * (*b as f64))
        .sum();
    let rhs: f64 = ty
        .as_slice::<f32>()
        .unwrap()
        .iter()
        .zip(&x)
        .map(|(a, b)| (*a as f64) * (*b as f64))
        .sum();
    assert!(
        (lhs - rhs).abs() < 1e-3 * lhs.abs().max(1.0),
        "{lhs} vs {rhs}"
    );
}

/// NHWC Conv (flowc's `layout` attribute) against NCHW Conv between transposes, bitwise: pads,
/// strides, dilations, groups, bias, 1-D and 2-D.
#[test]
fn conv_nhwc_is_nchw_conv_between_transposes() {
    let cases = [
        (
            "group = 1 : i64, pads = array<i64: 1, 1, 1, 1>",
            (2, 3, 7, 6),
            (5, 3, 3),
            1,
        ),
        (
            "group = 2 : i64, strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>, pads = array<i64: 0, 1, 2, 0>",
            (1, 4, 9, 8),
            (6, 2, 3),
            2,
        ),
        ("group = 4 : i64", (1, 4, 5, 5), (4, 3, 3), 4),
        (
            "auto_pad = \"SAME_UPPER\", strides = array<i64: 2, 2>",
            (1, 8, 6, 6),
            (16, 1, 1),
            1,
        ),
    ];
    for (k, &(attrs, (n, c, h, w), (m, kh, kw), g)) in cases.iter().enumerate() {
        let x = f32t(&[n, c, h, w], &data(n * c * h * w, 20 + k as u32));
        let wt = f32t(
            &[m, c / g, kh, kw],
            &data(m * (c / g) * kh * kw, 40 + k as u32),
        );
        let b = f32t(&[m], &data(m, 60 + k as u32));
        let nchw = run1("flow.conv", attrs, vec![x.clone(), wt.clone(), b.clone()]);
        let xt = run1("flow.transpose", "perm = array<i64: 0, 2, 3, 1>", vec![x]);
        let nhwc = run1(
            "flow.conv",
            &format!("{attrs}, layout = \"NHWC\""),
            vec![xt, wt, b],
        );
        let back = run1(
            "flow.transpose",
            "perm = array<i64: 0, 3, 1, 2>",
            vec![nhwc.clone()],
        );
        let s = nchw.shape();
        assert_eq!(nhwc.shape(), [s[0], s[2], s[3], s[1]], "case {k}");
        assert_eq!(
            back.as_slice::<f32>().unwrap(),
            nchw.as_slice::<f32>().unwrap(),
            "case {k}"
        );
    }
    // 1-D: [N, W, C].
    let x = data(2 * 3 * 7, 5);
    let wt = f32t(&[2, 3, 3], &data(2 * 3 * 3, 6));
    let nchw = run1("flow.conv", "", vec![f32t(&[2, 3, 7], &x), wt.clone()]);
    let xt = run1(
        "flow.transpose",
        "perm = array<i64: 0, 2, 1>",
        vec![f32t(&[2, 3, 7], &x)],
    );
    let nhwc = run1("flow.conv", "layout = \"NHWC\"", vec![xt, wt]);
    let back = run1("flow.transpose", "perm = array<i64: 0, 2, 1>", vec![nhwc]);
    assert_eq!(
        back.as_slice::<f32>().unwrap(),
        nchw.as_slice::<f32>().unwrap()
    );
    // An unknown layout is an error, not NCHW.
    let e = run_err(
        "flow.conv",
        "layout = \"CHWN\"",
        vec![f32t(&[1, 1, 3, 3], &[0.0; 9]), f32t(&[1, 1, 1, 1], &[1.0])],
    );
    assert!(e.contains("layout"), "{e}");
}

/// Blocked Conv (`layout = "NCHW16c"`) against NCHW Conv between the graph's re-layouts
/// (reshape + transpose, as flow-saturate writes them), bitwise: pads, strides, dilations, bias,
/// 1-D and 2-D.
#[test]
fn conv_blocked_is_nchw_conv_between_relayouts() {
    let cases = [
        ("pads = array<i64: 1, 1, 1, 1>", (2, 32, 7, 6), (16, 3, 3)),
        (
            "strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>, pads = array<i64: 0, 1, 2, 0>",
            (1, 16, 9, 8),
            (32, 3, 3),
        ),
        (
            "auto_pad = \"SAME_UPPER\", strides = array<i64: 2, 2>",
            (1, 16, 6, 6),
            (16, 1, 1),
        ),
    ];
    for (k, &(attrs, (n, c, h, w), (m, kh, kw))) in cases.iter().enumerate() {
        let x = f32t(&[n, c, h, w], &data(n * c * h * w, 70 + k as u32));
        let wt = f32t(&[m, c, kh, kw], &data(m * c * kh * kw, 80 + k as u32));
        let b = f32t(&[m], &data(m, 90 + k as u32));
        let nchw = run1("flow.conv", attrs, vec![x.clone(), wt.clone(), b.clone()]);
        let xb = x.reshape(vec![n, c / 16, 16, h, w]).unwrap();
        let xb = run1(
            "flow.transpose",
            "perm = array<i64: 0, 1, 3, 4, 2>",
            vec![xb],
        );
        let blocked = run1(
            "flow.conv",
            &format!("{attrs}, layout = \"NCHW16c\""),
            vec![xb, wt, b],
        );
        let s = nchw.shape().to_vec();
        assert_eq!(
            blocked.shape(),
            [s[0], s[1] / 16, s[2], s[3], 16],
            "case {k}"
        );
        let back = run1(
            "flow.transpose",
            "perm = array<i64: 0, 1, 4, 2, 3>",
            vec![blocked],
        );
        let back = back.reshape(s.clone()).unwrap();
        assert_eq!(
            back.as_slice::<f32>().unwrap(),
            nchw.as_slice::<f32>().unwrap(),
            "case {k}"
        );
    }
    // 1-D: [N, C / 16, W, 16].
    let x = f32t(&[1, 16, 7], &data(16 * 7, 7));
    let wt = f32t(&[16, 16, 3], &data(16 * 16 * 3, 8));
    let nchw = run1("flow.conv", "", vec![x.clone(), wt.clone()]);
    let xb = x.reshape(vec![1, 1, 16, 7]).unwrap();
    let xb = run1("flow.transpose", "perm = array<i64: 0, 1, 3, 2>", vec![xb]);
    let blocked = run1("flow.conv", "layout = \"NCHW16c\"", vec![xb, wt]);
    let back = run1(
        "flow.transpose",
        "perm = array<i64: 0, 1, 3, 2>",
        vec![blocked],
    );
    assert_eq!(
        back.reshape(vec![1, 16, 5])
            .unwrap()
            .as_slice::<f32>()
            .unwrap(),
        nchw.as_slice::<f32>().unwrap()
    );
    // Not 16 lanes: an error, not a guess.
    let e = run_err(
        "flow.conv",
        "layout = \"NCHW16c\"",
        vec![
            f32t(&[1, 1, 3, 3, 8], &[0.0; 72]),
            f32t(&[16, 8, 1, 1], &[1.0; 128]),
        ],
    );
    assert!(e.contains("16") || e.contains("rank"), "{e}");
}
