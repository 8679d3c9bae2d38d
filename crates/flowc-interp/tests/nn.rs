mod common;
use common::*;

fn iota(shape: &[usize]) -> flowc_tensor::Tensor {
    let n: usize = shape.iter().product();
    f32t(shape, &(0..n).map(|i| i as f32).collect::<Vec<_>>())
}

#[test]
fn conv_padding_and_strides() {
    let x = iota(&[1, 1, 5, 5]);
    let w = f32t(&[1, 1, 3, 3], &[1.0; 9]);
    let r = run1(
        "flow.conv",
        "pads = array<i64: 1, 1, 1, 1>",
        vec![x.clone(), w.clone()],
    );
    assert_f32(
        &r,
        &[1, 1, 5, 5],
        &[
            12., 21., 27., 33., 24., 33., 54., 63., 72., 51., 63., 99., 108., 117., 81., 93., 144.,
            153., 162., 111., 72., 111., 117., 123., 84.,
        ],
    );
    let r = run1("flow.conv", "", vec![x.clone(), w.clone()]);
    assert_f32(
        &r,
        &[1, 1, 3, 3],
        &[54., 63., 72., 99., 108., 117., 144., 153., 162.],
    );
    let r = run1(
        "flow.conv",
        "pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>",
        vec![x.clone(), w.clone()],
    );
    assert_f32(
        &r,
        &[1, 1, 3, 3],
        &[12., 27., 24., 63., 108., 81., 72., 117., 84.],
    );
    let r = run1(
        "flow.conv",
        "auto_pad = \"SAME_UPPER\", strides = array<i64: 2, 2>",
        vec![x.clone(), w.clone()],
    );
    assert_f32(
        &r,
        &[1, 1, 3, 3],
        &[12., 27., 24., 63., 108., 81., 72., 117., 84.],
    );
    // Bias, groups and a 1x1 kernel.
    let x2 = iota(&[1, 2, 2, 2]);
    let w2 = f32t(&[2, 1, 1, 1], &[1.0, 2.0]);
    let r = run_op(
        "flow.conv",
        "group = 2 : i64",
        vec![Some(x2), Some(w2), Some(f32t(&[2], &[0.5, -1.0]))],
        1,
    )
    .unwrap();
    assert_f32(
        &r[0],
        &[1, 2, 2, 2],
        &[0.5, 1.5, 2.5, 3.5, 7., 9., 11., 13.],
    );
    let e = run_err("flow.conv", "", vec![iota(&[1, 3, 5, 5]), w]);
    assert!(e.contains("channels"), "{e}");
}

#[test]
fn conv_transpose_pads_strides() {
    let x = iota(&[1, 1, 3, 3]);
    let w = f32t(&[1, 2, 3, 3], &[1.0; 18]);
    let r = run1(
        "flow.conv_transpose",
        "strides = array<i64: 3, 2>, pads = array<i64: 1, 2, 1, 2>",
        vec![x.clone(), w.clone()],
    );
    let plane = [
        1., 1., 3., 1., 1., 3., 7., 4., 9., 7., 4., 9., 7., 4., 9., 13., 7., 15., 13., 7., 15.,
    ];
    let mut both = plane.to_vec();
    both.extend_from_slice(&plane);
    assert_f32(&r, &[1, 2, 7, 3], &both);
    let r = run1("flow.conv_transpose", "", vec![x, w]);
    assert_eq!(r.shape(), &[1, 2, 5, 5]);
    let v = r.as_slice::<f32>().unwrap();
    assert_eq!(&v[..5], &[0., 1., 3., 3., 2.]);
}

#[test]
fn pools() {
    let x = iota(&[1, 1, 4, 4]);
    let r = run_op(
        "flow.max_pool",
        "kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>",
        vec![Some(x.clone())],
        2,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 2, 2], &[5., 7., 13., 15.]);
    assert_i64(&r[1], &[1, 1, 2, 2], &[5, 7, 13, 15]);
    let r = run_op(
        "flow.max_pool",
        "kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, storage_order = 1 : i64",
        vec![Some(x.clone())],
        2,
    )
    .unwrap();
    assert_i64(&r[1], &[1, 1, 2, 2], &[5, 13, 7, 15]);
    let r = run1(
        "flow.average_pool",
        "kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>",
        vec![x.clone()],
    );
    assert_f32(&r, &[1, 1, 2, 2], &[0., 1.5, 6., 7.5]);
    let r = run1(
        "flow.average_pool",
        "kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>, count_include_pad = 1 : i64",
        vec![x.clone()],
    );
    assert_f32(&r, &[1, 1, 2, 2], &[0., 0.75, 3., 7.5]);
    let r = run_op(
        "flow.max_pool",
        "kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = 1 : i64",
        vec![Some(x.clone())],
        1,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 1, 2, 2], &[10., 11., 14., 15.]);
    let r = run1("flow.global_average_pool", "", vec![x.clone()]);
    assert_f32(&r, &[1, 1, 1, 1], &[7.5]);
    let r = run1("flow.global_max_pool", "", vec![x]);
    assert_f32(&r, &[1, 1, 1, 1], &[15.]);
}

#[test]
fn matmul_and_gemm() {
    let a = iota(&[2, 2, 3]);
    let b = iota(&[3, 2]);
    let r = run1("flow.matmul", "", vec![a, b.clone()]);
    assert_f32(&r, &[2, 2, 2], &[10., 13., 28., 40., 46., 67., 64., 94.]);
    let r = run1(
        "flow.matmul",
        "",
        vec![f32t(&[3], &[1., 1., 1.]), b.clone()],
    );
    assert_f32(&r, &[2], &[6., 9.]);
    let r = run1(
        "flow.matmul",
        "",
        vec![i64t(&[1, 2], &[2, 3]), i64t(&[2], &[4, 5])],
    );
    assert_i64(&r, &[1], &[23]);
    let e = run_err("flow.matmul", "", vec![iota(&[2, 2]), iota(&[3, 2])]);
    assert!(e.contains("inner"), "{e}");
    let r = run_op(
        "flow.gemm",
        "alpha = 2.0 : f32, beta = 0.5 : f32, transA = 1 : i64",
        vec![Some(iota(&[3, 2])), Some(b), Some(f32t(&[2], &[2., 4.]))],
        1,
    )
    .unwrap();
    // A^T = [[0,2,4],[1,3,5]]; A^T·B = [[20,26],[26,35]].
    assert_f32(&r[0], &[2, 2], &[41., 54., 53., 72.]);
    let r = run_op(
        "flow.matmul_integer",
        "",
        vec![
            Some(flowc_tensor::Tensor::from_u8(vec![1, 2], vec![10, 20]).unwrap()),
            Some(flowc_tensor::Tensor::from_u8(vec![2, 1], vec![1, 2]).unwrap()),
            Some(flowc_tensor::Tensor::from_u8(vec![], vec![10]).unwrap()),
        ],
        1,
    )
    .unwrap();
    assert_eq!(r[0].as_slice::<i32>().unwrap(), &[20]);
}

#[test]
fn einsum_and_det() {
    let r = run1(
        "flow.einsum",
        "equation = \"ij,jk->ik\"",
        vec![iota(&[2, 3]), iota(&[3, 2])],
    );
    assert_f32(&r, &[2, 2], &[10., 13., 28., 40.]);
    let r = run1("flow.einsum", "equation = \"ii->i\"", vec![iota(&[3, 3])]);
    assert_f32(&r, &[3], &[0., 4., 8.]);
    let r = run1(
        "flow.einsum",
        "equation = \"...ij->...ji\"",
        vec![iota(&[2, 1, 2])],
    );
    assert_f32(&r, &[2, 2, 1], &[0., 1., 2., 3.]);
    let r = run1("flow.einsum", "equation = \"ij\"", vec![iota(&[2, 2])]);
    assert_f32(&r, &[2, 2], &[0., 1., 2., 3.]);
    let r = run1("flow.einsum", "equation = \"ij->\"", vec![iota(&[2, 2])]);
    assert_f32(&r, &[], &[6.]);
    let r = run1("flow.det", "", vec![f32t(&[2, 2], &[1., 2., 3., 4.])]);
    assert_f32(&r, &[], &[-2.]);
}

#[test]
fn normalizations() {
    let x = f32t(&[1, 2, 1, 2], &[1., 3., 2., 6.]);
    let r = run_op(
        "flow.batch_normalization",
        "",
        vec![
            Some(x.clone()),
            Some(f32t(&[2], &[1., 2.])),
            Some(f32t(&[2], &[0., 1.])),
            Some(f32t(&[2], &[2., 4.])),
            Some(f32t(&[2], &[1., 4.])),
        ],
        1,
    )
    .unwrap();
    let s = |v: f32, var: f32| v / (var + 1e-5f32).sqrt();
    assert_f32(
        &r[0],
        &[1, 2, 1, 2],
        &[
            s(-1., 1.),
            s(1., 1.),
            2. * s(-2., 4.) + 1.,
            2. * s(2., 4.) + 1.,
        ],
    );
    let r = run1(
        "flow.instance_normalization",
        "epsilon = 0.0 : f32",
        vec![x.clone(), f32t(&[2], &[1., 1.]), f32t(&[2], &[0., 0.])],
    );
    assert_f32(&r, &[1, 2, 1, 2], &[-1., 1., -1., 1.]);
    let r = run_op(
        "flow.layer_normalization",
        "epsilon = 0.0 : f32",
        vec![Some(x.clone()), Some(f32t(&[2], &[1., 2.]))],
        3,
    )
    .unwrap();
    assert_f32(&r[0], &[1, 2, 1, 2], &[-1., 2., -1., 2.]);
    assert_f32(&r[1], &[1, 2, 1, 1], &[2., 4.]);
    assert_f32(&r[2], &[1, 2, 1, 1], &[1., 0.5]);
    let r = run1(
        "flow.lp_normalization",
        "p = 1 : i64",
        vec![f32t(&[2], &[1., 3.])],
    );
    assert_f32(&r, &[2], &[0.25, 0.75]);
}
