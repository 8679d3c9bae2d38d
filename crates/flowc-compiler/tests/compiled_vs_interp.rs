//! End to end: flow IR compiled to a bundle, run by the runtime, compared with the reference
//! interpreter on the same inputs, bit for bit (these ops compute the same way in both).

#[allow(dead_code)] // each test file uses part of the shared helpers
mod common;

use common::{check_src as check, parse};
use flowc_compiler::{CompileOptions, compile};
use flowc_tensor::Tensor;

/// Deterministic pseudo-random values in [-2, 2).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

#[test]
fn elementwise_chain_with_broadcast_views_and_copies() {
    let src = r#"
func.func @main(%a: tensor<2x3x40xf32>, %b: tensor<40xf32>) -> (tensor<2x3x40xf32>, tensor<240xf32>, tensor<2x3x40xf32>) {
  %s = "flow.constant"() {value = dense<[240]> : tensor<1xi64>} : () -> tensor<1xi64>
  %w = "flow.constant"() {value = dense<0.5> : tensor<1x1x40xf32>} : () -> tensor<1x1x40xf32>
  %0 = "flow.add"(%a, %b) : (tensor<2x3x40xf32>, tensor<40xf32>) -> tensor<2x3x40xf32>
  %1 = "flow.mul"(%0, %w) : (tensor<2x3x40xf32>, tensor<1x1x40xf32>) -> tensor<2x3x40xf32>
  %2 = "flow.relu"(%1) : (tensor<2x3x40xf32>) -> tensor<2x3x40xf32>
  %3 = "flow.reshape"(%2, %s) : (tensor<2x3x40xf32>, tensor<1xi64>) -> tensor<240xf32>
  return %2, %3, %a : tensor<2x3x40xf32>, tensor<240xf32>, tensor<2x3x40xf32>
}"#;
    let a = Tensor::from_vec(vec![2, 3, 40], values(240, 1)).unwrap();
    let b = Tensor::from_vec(vec![40], values(40, 2)).unwrap();
    check(src, vec![a.clone(), b.clone()], 1);
    check(src, vec![a, b], 2);
}

#[test]
fn long_rows_are_split_into_tasks() {
    // 10,000 elements: several 4096-element tasks, the last one partial.
    let src = r#"
func.func @main(%a: tensor<10000xf32>) -> tensor<10000xf32> {
  %0 = "flow.sigmoid"(%a) : (tensor<10000xf32>) -> tensor<10000xf32>
  %1 = "flow.neg"(%0) : (tensor<10000xf32>) -> tensor<10000xf32>
  return %1 : tensor<10000xf32>
}"#;
    let a = Tensor::from_vec(vec![10000], values(10000, 3)).unwrap();
    check(src, vec![a], 2);
}

#[test]
fn f16_and_bool_storage() {
    let src = r#"
func.func @main(%a: tensor<8xf16>, %b: tensor<8xf16>) -> (tensor<8xf16>, tensor<8xi1>, tensor<8xf32>) {
  %0 = "flow.add"(%a, %b) : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xf16>
  %1 = "flow.less"(%a, %b) : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xi1>
  %2 = "flow.cast"(%0) {to = 1 : i64} : (tensor<8xf16>) -> tensor<8xf32>
  return %0, %1, %2 : tensor<8xf16>, tensor<8xi1>, tensor<8xf32>
}"#;
    let to_f16 = |v: Vec<f32>| v.into_iter().map(half::f16::from_f32).collect::<Vec<_>>();
    let a = Tensor::from_vec(vec![8], to_f16(values(8, 4))).unwrap();
    let b = Tensor::from_vec(vec![8], to_f16(values(8, 5))).unwrap();
    check(src, vec![a, b], 1);
}

#[test]
fn data_dependent_result_shapes_are_refused() {
    let src = r#"
func.func @main(%a: tensor<4xf32>) -> tensor<1x?xi64> {
  %0 = "flow.relu"(%a) : (tensor<4xf32>) -> tensor<4xf32> loc("my_relu")
  %1 = "flow.non_zero"(%0) : (tensor<4xf32>) -> tensor<1x?xi64> loc("the_node")
  return %1 : tensor<1x?xi64>
}"#;
    let mut ctx = flowc_init::context_with_all_dialects();
    let module = parse(&mut ctx, src);
    let err = compile(&mut ctx, module, CompileOptions::default())
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(err.is_unsupported(), "{msg}");
    // The result's data-dependent shape is known only when it runs.
    assert!(
        msg.contains("output #0") && msg.contains("dynamic shape"),
        "{msg}"
    );
}

#[test]
fn max_pool_keeps_the_references_nan_and_zero_rules() {
    // NaN sticks once seen; among equal maxima (-0 and +0) the first is kept; padding never wins.
    let src = r#"
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %0 = "flow.max_pool"(%x) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}"#;
    let x = vec![
        -0.0,
        0.0,
        f32::NAN,
        1.0,
        0.0,
        -0.0,
        2.0,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
        -3.0,
        f32::NAN,
        -1.0,
        -2.0,
        f32::NEG_INFINITY,
        -5.0,
    ];
    check(src, vec![Tensor::from_vec(vec![1, 1, 4, 4], x).unwrap()], 1);
}

#[test]
fn contiguous_slices_are_views_at_an_offset() {
    // Slices of an input and of an intermediate along the outermost axis (and one with a
    // leading single index) are views: their readers get the buffer at a byte offset, no copy
    // kernel; one returned as is is copied into its output; a slice of the last axis and one
    // that takes one index under a whole outer axis are strided and stay gather kernels.
    let src = r#"
func.func @main(%x: tensor<3x4x16xf32>) -> (tensor<1x4x16xf32>, tensor<1x2x16xf32>, tensor<3x1x8xf32>) {
  %a0 = "flow.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %one = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %two = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %three = "flow.constant"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
  %n = "flow.neg"(%x) : (tensor<3x4x16xf32>) -> tensor<3x4x16xf32>
  %s1 = "flow.slice"(%n, %one, %two, %a0) : (tensor<3x4x16xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x4x16xf32>
  %e1 = "flow.exp"(%s1) : (tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %s2 = "flow.slice"(%x, %two, %three, %a0) : (tensor<3x4x16xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x4x16xf32>
  %y1 = "flow.mul"(%e1, %s2) : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %st = "flow.constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %en = "flow.constant"() {value = dense<[2, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %ax = "flow.constant"() {value = dense<[0, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %y2 = "flow.slice"(%x, %st, %en, %ax) : (tensor<3x4x16xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x2x16xf32>
  %c8 = "flow.constant"() {value = dense<[8]> : tensor<1xi64>} : () -> tensor<1xi64>
  %c16 = "flow.constant"() {value = dense<[16]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a2 = "flow.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %s3 = "flow.slice"(%n, %c8, %c16, %a2) : (tensor<3x4x16xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x4x8xf32>
  %a1 = "flow.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %y3 = "flow.slice"(%s3, %one, %two, %a1) : (tensor<3x4x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x1x8xf32>
  return %y1, %y2, %y3 : tensor<1x4x16xf32>, tensor<1x2x16xf32>, tensor<3x1x8xf32>
}"#;
    let x = Tensor::from_vec(vec![3, 4, 16], values(192, 6)).unwrap();
    check(src, vec![x.clone()], 1);
    check(src, vec![x], 2);

    let mut ctx = flowc_init::context_with_all_dialects();
    let module = parse(&mut ctx, src);
    let compiled = compile(&mut ctx, module, CompileOptions::default()).expect("compiles");
    let offsets: Vec<(Option<flowc_bundle::BufferKind>, u64)> = compiled
        .bundle
        .launches
        .iter()
        .flat_map(|l| l.args.iter())
        .filter(|a| a.byte_offset != 0)
        .map(|a| (a.kind(), a.byte_offset))
        .collect();
    // x[2] (an input, 512 bytes in) and x[1, 2:4] (384 bytes in) are read in place.
    assert!(
        offsets.contains(&(Some(flowc_bundle::BufferKind::Input(0)), 512)),
        "{offsets:?}"
    );
    assert!(
        offsets.contains(&(Some(flowc_bundle::BufferKind::Input(0)), 384)),
        "{offsets:?}"
    );
    // The two strided slices are the only slice kernels; none for the views.
    let kernels: Vec<&str> = compiled
        .bundle
        .launches
        .iter()
        .map(|l| l.kernel.as_str())
        .collect();
    assert_eq!(
        kernels.iter().filter(|k| k.ends_with("_slice")).count(),
        2,
        "{kernels:?}"
    );
}
