mod common;
use common::*;

fn iota(shape: &[usize]) -> flowc_tensor::Tensor {
    let n: usize = shape.iter().product();
    f32t(shape, &(0..n).map(|i| i as f32).collect::<Vec<_>>())
}

#[test]
fn reshape_flatten_squeeze() {
    let x = iota(&[2, 3, 4]);
    let r = run1("flow.reshape", "", vec![x.clone(), i64t(&[2], &[0, -1])]);
    assert_eq!(r.shape(), &[2, 12]);
    let e = run_err("flow.reshape", "", vec![x.clone(), i64t(&[2], &[5, -1])]);
    assert!(e.contains("reshape"), "{e}");
    let r = run1("flow.flatten", "axis = -1 : i64", vec![x.clone()]);
    assert_eq!(r.shape(), &[6, 4]);
    let r = run1("flow.unsqueeze", "", vec![x.clone(), i64t(&[2], &[0, -1])]);
    assert_eq!(r.shape(), &[1, 2, 3, 4, 1]);
    let r = run1("flow.squeeze", "", vec![r]);
    assert_eq!(r.shape(), &[2, 3, 4]);
    let e = run_err("flow.squeeze", "", vec![x, i64t(&[1], &[0])]);
    assert!(e.contains("squeeze"), "{e}");
}

#[test]
fn transpose_concat_split() {
    let x = iota(&[2, 3]);
    let r = run1("flow.transpose", "", vec![x.clone()]);
    assert_f32(&r, &[3, 2], &[0., 3., 1., 4., 2., 5.]);
    let r = run1("flow.concat", "axis = 1 : i64", vec![x.clone(), x.clone()]);
    assert_f32(
        &r,
        &[2, 6],
        &[0., 1., 2., 0., 1., 2., 3., 4., 5., 3., 4., 5.],
    );
    let r = run_op(
        "flow.split",
        "axis = 1 : i64",
        vec![Some(x.clone()), Some(i64t(&[2], &[1, 2]))],
        2,
    )
    .unwrap();
    assert_f32(&r[0], &[2, 1], &[0., 3.]);
    assert_f32(&r[1], &[2, 2], &[1., 2., 4., 5.]);
    let r = run_op(
        "flow.split",
        "axis = 1 : i64, num_outputs = 2 : i64",
        vec![Some(x)],
        2,
    )
    .unwrap();
    assert_eq!(r[0].shape(), &[2, 2]);
    assert_eq!(r[1].shape(), &[2, 1]);
}

#[test]
fn slice_semantics() {
    let x = iota(&[10]);
    let r = run1(
        "flow.slice",
        "",
        vec![
            x.clone(),
            i64t(&[1], &[-1]),
            i64t(&[1], &[i64::MIN]),
            i64t(&[1], &[0]),
            i64t(&[1], &[-3]),
        ],
    );
    assert_f32(&r, &[4], &[9., 6., 3., 0.]);
    let r = run1(
        "flow.slice",
        "",
        vec![x.clone(), i64t(&[1], &[2]), i64t(&[1], &[1000])],
    );
    assert_eq!(r.shape(), &[8]);
    let r = run1(
        "flow.slice",
        "",
        vec![x, i64t(&[1], &[5]), i64t(&[1], &[2])],
    );
    assert_eq!(r.shape(), &[0]);
}

#[test]
fn pad_modes() {
    let x = f32t(&[3], &[1., 2., 3.]);
    let p = i64t(&[2], &[2, 1]);
    let r = run_op(
        "flow.pad",
        "mode = \"reflect\"",
        vec![Some(x.clone()), Some(p.clone())],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[6], &[3., 2., 1., 2., 3., 2.]);
    let r = run_op(
        "flow.pad",
        "mode = \"edge\"",
        vec![Some(x.clone()), Some(p.clone())],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[6], &[1., 1., 1., 2., 3., 3.]);
    let r = run_op(
        "flow.pad",
        "mode = \"wrap\"",
        vec![Some(x.clone()), Some(p.clone())],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[6], &[2., 3., 1., 2., 3., 1.]);
    let r = run_op(
        "flow.pad",
        "",
        vec![Some(x.clone()), Some(p), Some(f32t(&[], &[9.]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[6], &[9., 9., 1., 2., 3., 9.]);
    // Negative pads crop.
    let r = run_op("flow.pad", "", vec![Some(x), Some(i64t(&[2], &[-1, 0]))], 1).unwrap();
    assert_f32(&r[0], &[2], &[2., 3.]);
}

#[test]
fn misc_shape_ops() {
    let x = iota(&[2, 3]);
    let r = run1("flow.shape", "start = -1 : i64", vec![x.clone()]);
    assert_i64(&r, &[1], &[3]);
    let r = run1(
        "flow.tile",
        "",
        vec![f32t(&[2], &[1., 2.]), i64t(&[1], &[2])],
    );
    assert_f32(&r, &[4], &[1., 2., 1., 2.]);
    let r = run1(
        "flow.expand",
        "",
        vec![f32t(&[2, 1], &[1., 2.]), i64t(&[2], &[1, 3])],
    );
    assert_f32(&r, &[2, 3], &[1., 1., 1., 2., 2., 2.]);
    let r = run1(
        "flow.range",
        "",
        vec![i64t(&[], &[10]), i64t(&[], &[4]), i64t(&[], &[-3])],
    );
    assert_i64(&r, &[2], &[10, 7]);
    let r = run1(
        "flow.constant_of_shape",
        "value = dense<7> : tensor<1xi64>",
        vec![i64t(&[2], &[2, 2])],
    );
    assert_i64(&r, &[2, 2], &[7, 7, 7, 7]);
    let r = run1("flow.non_zero", "", vec![f32t(&[2, 2], &[1., 0., 0., 3.])]);
    assert_i64(&r, &[2, 2], &[0, 1, 0, 1]);
    let r = run1("flow.trilu", "upper = 0 : i64", vec![iota(&[3, 3])]);
    assert_f32(&r, &[3, 3], &[0., 0., 0., 3., 4., 0., 6., 7., 8.]);
    let r = run1(
        "flow.one_hot",
        "axis = -1 : i64",
        vec![i64t(&[2], &[1, -1]), i64t(&[], &[3]), f32t(&[2], &[0., 5.])],
    );
    assert_f32(&r, &[2, 3], &[0., 5., 0., 0., 0., 5.]);
    let r = run1(
        "flow.depth_to_space",
        "blocksize = 2 : i64, mode = \"CRD\"",
        vec![iota(&[1, 4, 1, 1])],
    );
    assert_f32(&r, &[1, 1, 2, 2], &[0., 1., 2., 3.]);
    let r = run1(
        "flow.space_to_depth",
        "blocksize = 2 : i64",
        vec![iota(&[1, 1, 2, 2])],
    );
    assert_f32(&r, &[1, 4, 1, 1], &[0., 1., 2., 3.]);
}

#[test]
fn gather_scatter() {
    let x = iota(&[3, 2]);
    let r = run1("flow.gather", "", vec![x.clone(), i64t(&[2], &[2, -3])]);
    assert_f32(&r, &[2, 2], &[4., 5., 0., 1.]);
    let e = run_err("flow.gather", "", vec![x.clone(), i64t(&[1], &[3])]);
    assert!(e.contains("out of range"), "{e}");
    let r = run1(
        "flow.gather_elements",
        "axis = 1 : i64",
        vec![x.clone(), i64t(&[3, 1], &[1, 0, 1])],
    );
    assert_f32(&r, &[3, 1], &[1., 2., 5.]);
    let r = run1(
        "flow.gather_nd",
        "",
        vec![x.clone(), i64t(&[2, 2], &[0, 1, 2, 0])],
    );
    assert_f32(&r, &[2], &[1., 4.]);
    let r = run1(
        "flow.scatter_elements",
        "axis = 0 : i64, reduction = \"add\"",
        vec![
            x.clone(),
            i64t(&[1, 2], &[1, 1]),
            f32t(&[1, 2], &[10., 20.]),
        ],
    );
    assert_f32(&r, &[3, 2], &[0., 1., 12., 23., 4., 5.]);
    let r = run1(
        "flow.scatter_nd",
        "",
        vec![x, i64t(&[1, 1], &[2]), f32t(&[1, 2], &[7., 8.])],
    );
    assert_f32(&r, &[3, 2], &[0., 1., 2., 3., 7., 8.]);
}

#[test]
fn reductions() {
    let x = iota(&[2, 3]);
    let r = run_op(
        "flow.reduce_sum",
        "keepdims = 0 : i64",
        vec![Some(x.clone()), Some(i64t(&[1], &[-1]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[2], &[3., 12.]);
    let r = run_op("flow.reduce_mean", "", vec![Some(x.clone())], 1).unwrap();
    assert_f32(&r[0], &[1, 1], &[2.5]);
    let r = run_op(
        "flow.reduce_max",
        "keepdims = 0 : i64",
        vec![Some(x.clone()), Some(i64t(&[1], &[0]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[3], &[3., 4., 5.]);
    let r = run_op(
        "flow.reduce_sum",
        "noop_with_empty_axes = 1 : i64",
        vec![Some(x.clone()), Some(i64t(&[0], &[]))],
        1,
    )
    .unwrap();
    assert_eq!(r[0], x);
    // Empty reductions: sum 0, max -inf, prod 1.
    let e = f32t(&[0, 2], &[]);
    let r = run_op(
        "flow.reduce_sum",
        "keepdims = 0 : i64",
        vec![Some(e.clone()), Some(i64t(&[1], &[0]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[2], &[0., 0.]);
    let r = run_op(
        "flow.reduce_max",
        "keepdims = 0 : i64",
        vec![Some(e.clone()), Some(i64t(&[1], &[0]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[2], &[f32::NEG_INFINITY; 2]);
    let r = run_op(
        "flow.reduce_log_sum_exp",
        "keepdims = 0 : i64",
        vec![Some(f32t(&[2], &[1000., 1000.]))],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[], &[1000.0 + 2f32.ln()]);
    let r = run1(
        "flow.arg_max",
        "axis = 1 : i64, select_last_index = 1 : i64",
        vec![f32t(&[2, 2], &[1., 1., 3., 2.])],
    );
    assert_i64(&r, &[2, 1], &[1, 0]);
    let r = run1("flow.softmax", "", vec![f32t(&[2], &[0., 0.])]);
    assert_f32(&r, &[2], &[0.5, 0.5]);
    let r = run1("flow.log_softmax", "", vec![f32t(&[2], &[0., 0.])]);
    assert_f32(&r, &[2], &[-std::f32::consts::LN_2; 2]);
    let r = run1(
        "flow.cum_sum",
        "exclusive = 1 : i64, reverse = 1 : i64",
        vec![f32t(&[3], &[1., 2., 3.]), i64t(&[], &[0])],
    );
    assert_f32(&r, &[3], &[5., 3., 0.]);
    let r = run_op(
        "flow.top_k",
        "",
        vec![Some(f32t(&[4], &[1., 3., 3., 2.])), Some(i64t(&[1], &[2]))],
        2,
    )
    .unwrap();
    assert_f32(&r[0], &[2], &[3., 3.]);
    assert_i64(&r[1], &[2], &[1, 2]);
}
