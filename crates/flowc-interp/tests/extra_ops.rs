//! Kernels for ONNX operators outside the core flow set.
mod common;
use common::*;
use flowc_tensor::Tensor;

#[test]
fn attention_basics() {
    // One head, one query, two keys: equal scores average the values.
    let q = f32t(&[1, 1, 1, 2], &[1., 0.]);
    let k = f32t(&[1, 1, 2, 2], &[0., 1., 0., 2.]);
    let v = f32t(&[1, 1, 2, 2], &[1., 2., 3., 4.]);
    let r = run_op(
        "flow.attention",
        "",
        vec![Some(q.clone()), Some(k.clone()), Some(v.clone())],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 1, 2], &[2., 3.]);
    // A boolean mask hiding the second key.
    let m = boolt(&[1, 2], &[true, false]);
    let r = run_op(
        "flow.attention",
        "",
        vec![Some(q.clone()), Some(k.clone()), Some(v.clone()), Some(m)],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 1, 2], &[1., 2.]);
    // Causal with two queries: the first sees only the first key.
    let q2 = f32t(&[1, 1, 2, 2], &[0.; 4]);
    let r = run_op(
        "flow.attention",
        "is_causal = 1 : i64",
        vec![Some(q2), Some(k), Some(v)],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 2, 2], &[1., 2., 2., 3.]);
}

#[test]
fn losses_and_norms() {
    // NLL: mean of -x[target].
    let x = f32t(&[2, 3], &[-1., -2., -3., -4., -5., -6.]);
    let t = i64t(&[2], &[0, 2]);
    let r = run_op(
        "flow.negative_log_likelihood_loss",
        "",
        vec![Some(x.clone()), Some(t.clone())],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[], &[3.5]);
    let r = run_op(
        "flow.negative_log_likelihood_loss",
        "reduction = \"none\", ignore_index = 2 : i64",
        vec![Some(x), Some(t)],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[2], &[1., 0.]);
    // SCE of uniform logits is ln(C).
    let r = run_op(
        "flow.softmax_cross_entropy_loss",
        "",
        vec![Some(f32t(&[1, 4], &[0.; 4])), Some(i64t(&[1], &[1]))],
        2,
    )
    .unwrap();
    assert_f32(&r[0], &[], &[4f32.ln()]);
    assert_f32(&r[1], &[1, 4], &[-(4f32.ln()); 4]);
    let r = run1(
        "flow.rms_normalization",
        "epsilon = 0.0 : f32",
        vec![f32t(&[2], &[3., 4.]), f32t(&[2], &[1., 2.])],
    );
    let rms = (12.5f32).sqrt();
    assert_f32(&r, &[2], &[3. / rms, 8. / rms]);
    let r = run1("flow.swish", "", vec![f32t(&[1], &[1.])]);
    assert_f32(&r, &[1], &[1. / (1. + (-1f32).exp())]);
    let r = run1(
        "flow.cum_prod",
        "exclusive = 1 : i64",
        vec![f32t(&[3], &[2., 3., 4.]), i64t(&[], &[0])],
    );
    assert_f32(&r, &[3], &[1., 2., 6.]);
}

#[test]
fn shapes_windows_and_casts() {
    let x = f32t(&[3, 4], &(0..12).map(|i| i as f32).collect::<Vec<_>>());
    let r = run1("flow.center_crop_pad", "", vec![x, i64t(&[2], &[1, 6])]);
    assert_f32(&r, &[1, 6], &[0., 4., 5., 6., 7., 0.]);
    // Col2Im of an identity im2col (1x1 blocks) is a reshape.
    let r = run1(
        "flow.col2_im",
        "",
        vec![
            f32t(&[1, 1, 4], &[1., 2., 3., 4.]),
            i64t(&[2], &[2, 2]),
            i64t(&[2], &[1, 1]),
        ],
    );
    assert_f32(&r, &[1, 1, 2, 2], &[1., 2., 3., 4.]);
    let r = run1(
        "flow.hann_window",
        "periodic = 0 : i64",
        vec![i64t(&[], &[3])],
    );
    assert_f32(&r, &[3], &[0., 1., 0.]);
    let r = run1("flow.bit_cast", "to = 6 : i64", vec![f32t(&[1], &[1.0])]);
    assert_eq!(r.as_slice::<i32>().unwrap(), &[0x3f80_0000]);
    let r = run_op(
        "flow.dynamic_quantize_linear",
        "",
        vec![Some(f32t(&[3], &[0., 2., -1.]))],
        3,
    )
    .unwrap();
    assert_eq!(r[0].as_slice::<u8>().unwrap(), &[85, 255, 0]);
    assert_eq!(r[2], Tensor::scalar(85u8));
    // Rotary embedding with angle 90 degrees rotates (x1, x2) to (-x2, x1).
    let r = run1(
        "flow.rotary_embedding",
        "",
        vec![
            f32t(&[1, 1, 1, 2], &[1., 2.]),
            f32t(&[1, 1], &[0.]),
            f32t(&[1, 1], &[1.]),
        ],
    );
    assert_f32(&r, &[1, 1, 1, 2], &[-2., 1.]);
}

#[test]
fn dft_and_causal_conv() {
    // DFT of an impulse is flat; of a constant, an impulse.
    let x = f32t(&[1, 4, 1], &[1., 0., 0., 0.]);
    let r = run1("flow.dft", "", vec![x]);
    assert_f32(&r, &[1, 4, 2], &[1., 0., 1., 0., 1., 0., 1., 0.]);
    let x = f32t(&[1, 4, 1], &[1., 1., 1., 1.]);
    let r = run1("flow.dft", "onesided = 1 : i64", vec![x]);
    assert_f32(&r, &[1, 3, 2], &[4., 0., 0., 0., 0., 0.]);
    // Inverse of the forward transform is the identity.
    let r = run1(
        "flow.dft",
        "inverse = 1 : i64",
        vec![f32t(&[1, 2, 2], &[3., 0., -1., 0.])],
    );
    assert_f32(&r, &[1, 2, 2], &[1., 0., 2., 0.]);
    // Causal depthwise conv with a carried state.
    let r = run_op(
        "flow.causal_conv_with_state",
        "",
        vec![
            Some(f32t(&[1, 1, 3], &[1., 2., 3.])),
            Some(f32t(&[1, 1, 2], &[1., 10.])),
            None,
            Some(f32t(&[1, 1, 1], &[5.])),
        ],
        2,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 3], &[15., 21., 32.]);
    assert_f32(&r[1], &[1, 1, 1], &[3.]);
}
