//! Resize, quantization, recurrent layers, NonMaxSuppression, Unique, GridSample, RoiAlign.
mod common;
use common::*;
use flowc_tensor::Tensor;

#[test]
fn resize_nearest_and_linear() {
    let x = f32t(&[1, 1, 2, 2], &[1., 2., 3., 4.]);
    let r = run_op(
        "flow.resize",
        "mode = \"nearest\"",
        vec![Some(x.clone()), None, Some(f32t(&[4], &[1., 1., 2., 3.]))],
        1,
    )
    .unwrap();
    assert_f32(
        &r[0],
        &[1, 1, 4, 6],
        &[
            1., 1., 1., 2., 2., 2., 1., 1., 1., 2., 2., 2., 3., 3., 3., 4., 4., 4., 3., 3., 3., 4.,
            4., 4.,
        ],
    );
    let x = f32t(&[1, 1, 2, 4], &[1., 2., 3., 4., 5., 6., 7., 8.]);
    let r = run_op(
        "flow.resize",
        "mode = \"linear\"",
        vec![Some(x.clone()), None, Some(f32t(&[4], &[1., 1., 0.6, 0.6]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 1, 2], &[2.666_666_5, 4.333_333]);
    // sizes with align_corners.
    let r = run_op(
        "flow.resize",
        "mode = \"linear\", coordinate_transformation_mode = \"align_corners\"",
        vec![
            Some(f32t(&[1, 1, 1, 2], &[0., 3.])),
            None,
            None,
            Some(i64t(&[4], &[1, 1, 1, 4])),
        ],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 1, 4], &[0., 1., 2., 3.]);
    // Integer inputs round half to even and saturate.
    let r = run_op(
        "flow.resize",
        "mode = \"linear\", coordinate_transformation_mode = \"align_corners\"",
        vec![
            Some(Tensor::from_u8(vec![3], vec![0, 1, 255]).unwrap()),
            None,
            None,
            Some(i64t(&[1], &[5])),
        ],
        1,
    )
    .unwrap();
    assert_eq!(r[0].as_slice::<u8>().unwrap(), &[0, 0, 1, 128, 255]);
}

#[test]
fn quantize_dequantize() {
    let r = run_op(
        "flow.quantize_linear",
        "",
        vec![
            Some(f32t(&[6], &[0., 2., 3., 1000., -254., -1000.])),
            Some(f32t(&[], &[2.])),
            Some(Tensor::from_u8(vec![], vec![128]).unwrap()),
        ],
        1,
    )
    .unwrap();
    assert_eq!(r[0].as_slice::<u8>().unwrap(), &[128, 129, 130, 255, 1, 0]);
    // Without a zero point: uint8, round half to even.
    let r = run_op(
        "flow.quantize_linear",
        "",
        vec![Some(f32t(&[3], &[1., 3., 5.])), Some(f32t(&[], &[2.]))],
        1,
    )
    .unwrap();
    assert_eq!(r[0].as_slice::<u8>().unwrap(), &[0, 2, 2]);
    let r = run_op(
        "flow.dequantize_linear",
        "",
        vec![
            Some(Tensor::from_u8(vec![4], vec![0, 3, 128, 255]).unwrap()),
            Some(f32t(&[], &[2.])),
            Some(Tensor::from_u8(vec![], vec![128]).unwrap()),
        ],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[4], &[-256., -250., 0., 254.]);
    // Per-axis.
    let r = run_op(
        "flow.dequantize_linear",
        "axis = 0 : i64",
        vec![
            Some(Tensor::from_i8(vec![2, 2], vec![1, 2, 3, 4]).unwrap()),
            Some(f32t(&[2], &[1., 10.])),
            Some(Tensor::from_i8(vec![2], vec![0, 1]).unwrap()),
        ],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[2, 2], &[1., 2., 20., 30.]);
}

#[test]
fn recurrent_layers() {
    let x = f32t(&[2, 1, 1], &[1., 2.]);
    let w = f32t(&[1, 1, 1], &[1.]);
    let r = f32t(&[1, 1, 1], &[1.]);
    let out = run_op(
        "flow.rnn",
        "hidden_size = 1 : i64",
        vec![Some(x.clone()), Some(w.clone()), Some(r.clone())],
        2,
    )
    .unwrap();
    let h1 = 1f32.tanh();
    let h2 = (2. + h1).tanh();
    assert_f32(&out[0], &[2, 1, 1, 1], &[h1, h2]);
    assert_f32(&out[1], &[1, 1, 1], &[h2]);
    // Reverse direction runs from the last step.
    let out = run_op(
        "flow.rnn",
        "direction = \"reverse\"",
        vec![Some(x.clone()), Some(w.clone()), Some(r.clone())],
        2,
    )
    .unwrap();
    let g2 = 2f32.tanh();
    let g1 = (1. + g2).tanh();
    assert_f32(&out[0], &[2, 1, 1, 1], &[g1, g2]);
    // GRU with zero weights: z = r = 0.5, h~ = 0, H = 0.5 * H_prev.
    let out = run_op(
        "flow.gru",
        "",
        vec![
            Some(x.clone()),
            Some(f32t(&[1, 3, 1], &[0.; 3])),
            Some(f32t(&[1, 3, 1], &[0.; 3])),
            None,
            None,
            Some(f32t(&[1, 1, 1], &[4.])),
        ],
        2,
    )
    .unwrap();
    assert_f32(&out[1], &[1, 1, 1], &[1.]);
    // LSTM with zero weights: i = f = o = 0.5, c~ = 0: C = 0.5 C_prev, H = 0.5 tanh(C).
    let out = run_op(
        "flow.lstm",
        "",
        vec![
            Some(f32t(&[1, 1, 1], &[3.])),
            Some(f32t(&[1, 4, 1], &[0.; 4])),
            Some(f32t(&[1, 4, 1], &[0.; 4])),
            None,
            None,
            None,
            Some(f32t(&[1, 1, 1], &[2.])),
        ],
        3,
    )
    .unwrap();
    assert_f32(&out[2], &[1, 1, 1], &[1.]);
    assert_f32(&out[1], &[1, 1, 1], &[0.5 * 1f32.tanh()]);
    let e = run_op("flow.lstm", "", vec![Some(x), Some(w), Some(r)], 3).unwrap_err();
    assert!(e.to_string().contains("hidden size"), "{e}");
}

#[test]
fn nms_and_unique() {
    let boxes = f32t(
        &[1, 6, 4],
        &[
            0., 0., 1., 1., 0., 0.1, 1., 1.1, 0., -0.1, 1., 0.9, 0., 10., 1., 11., 0., 10.1, 1.,
            11.1, 0., 100., 1., 101.,
        ],
    );
    let scores = f32t(&[1, 1, 6], &[0.9, 0.75, 0.6, 0.95, 0.5, 0.3]);
    let r = run_op(
        "flow.non_max_suppression",
        "",
        vec![
            Some(boxes),
            Some(scores),
            Some(i64t(&[1], &[3])),
            Some(f32t(&[1], &[0.5])),
            Some(f32t(&[1], &[0.])),
        ],
        1,
    )
    .unwrap();
    assert_i64(&r[0], &[3, 3], &[0, 0, 3, 0, 0, 0, 0, 0, 5]);

    let x = f32t(&[6], &[2., 1., 1., 3., 4., 3.]);
    let r = run_op("flow.unique", "", vec![Some(x.clone())], 4).unwrap();
    assert_f32(&r[0], &[4], &[1., 2., 3., 4.]);
    assert_i64(&r[1], &[4], &[1, 0, 3, 4]);
    assert_i64(&r[2], &[6], &[1, 0, 0, 2, 3, 2]);
    assert_i64(&r[3], &[4], &[2, 1, 2, 1]);
    let r = run_op("flow.unique", "sorted = 0 : i64", vec![Some(x)], 4).unwrap();
    assert_f32(&r[0], &[4], &[2., 1., 3., 4.]);
    assert_i64(&r[1], &[4], &[0, 1, 3, 4]);
    assert_i64(&r[2], &[6], &[0, 1, 1, 2, 3, 2]);
    assert_i64(&r[3], &[4], &[1, 2, 2, 1]);
    let r = run_op(
        "flow.unique",
        "axis = 0 : i64",
        vec![Some(f32t(&[3, 2], &[1., 0., 1., 0., 0., 1.]))],
        4,
    )
    .unwrap();
    assert_f32(&r[0], &[2, 2], &[0., 1., 1., 0.]);
    assert_i64(&r[3], &[2], &[1, 2]);
}

#[test]
fn grid_sample_and_roi_align() {
    // An identity grid with align_corners reproduces the input.
    let x = f32t(&[1, 1, 2, 3], &[1., 2., 3., 4., 5., 6.]);
    let mut g = Vec::new();
    for i in 0..2 {
        for j in 0..3 {
            g.push(-1.0 + j as f32); // x
            g.push(-1.0 + 2.0 * i as f32); // y
        }
    }
    for mode in ["linear", "nearest", "cubic"] {
        let r = run1(
            "flow.grid_sample",
            &format!("align_corners = 1 : i64, mode = \"{mode}\""),
            vec![x.clone(), f32t(&[1, 2, 3, 2], &g)],
        );
        assert_f32(&r, &[1, 1, 2, 3], &[1., 2., 3., 4., 5., 6.]);
    }
    // Outside the input: zeros padding gives 0, border padding the edge value.
    let far = f32t(&[1, 1, 1, 2], &[5., 0.]);
    assert_f32(
        &run1("flow.grid_sample", "", vec![x.clone(), far.clone()]),
        &[1, 1, 1, 1],
        &[0.],
    );
    let r = run1(
        "flow.grid_sample",
        "padding_mode = \"border\", align_corners = 1 : i64",
        vec![x, far],
    );
    assert_f32(&r, &[1, 1, 1, 1], &[4.5]);
    // RoiAlign of a constant map is that constant.
    let r = run1(
        "flow.roi_align",
        "output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 2 : i64",
        vec![
            f32t(&[1, 1, 4, 4], &[3.; 16]),
            f32t(&[1, 4], &[0., 0., 3., 3.]),
            i64t(&[1], &[0]),
        ],
    );
    assert_f32(&r, &[1, 1, 2, 2], &[3.; 4]);
}

#[test]
fn tf_idf_vectorizer_counts_skip_grams() {
    let attrs = "max_gram_length = 2 : i64, max_skip_count = 5 : i64, min_gram_length = 1 : i64, mode = \"TF\", \
                 ngram_counts = array<i64: 0, 4>, ngram_indexes = array<i64: 0, 1, 2, 3, 4, 5, 6>, \
                 pool_int64s = array<i64: 2, 3, 5, 4, 5, 6, 7, 8, 6, 7>";
    let x = i32t(&[12], &[1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8]);
    let r = run1("flow.tf_idf_vectorizer", attrs, vec![x]);
    assert_f32(&r, &[7], &[0., 3., 1., 0., 1., 3., 1.]);
}
