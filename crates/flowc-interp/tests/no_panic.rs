//! Every kernel, fed odd inputs and attributes (wrong dtypes, ranks, empty and scalar tensors,
//! out-of-range axes and indices, bad modes), returns an error or a result, never panics.
mod common;
use common::*;
use flowc_tensor::{Tensor, half::f16};

fn pool() -> Vec<Tensor> {
    vec![
        f32t(&[2, 3], &[1., -2., 3., 0., 5., f32::NAN]),
        f32t(&[], &[2.]),
        f32t(&[0], &[]),
        i64t(&[2], &[1, -1]),
        i64t(&[3], &[0, 2, 5]),
        i64t(&[1], &[i64::MAX]),
        boolt(&[2, 3], &[true, false, true, false, true, true]),
        Tensor::from_f16(vec![2, 3], vec![f16::from_f32(1.5); 6]).unwrap(),
        Tensor::from_u8(vec![4], vec![0, 1, 200, 255]).unwrap(),
        i32t(&[1, 2, 2, 2], &[1, 2, 3, 4, 5, 6, 7, 8]),
        f32t(&[1, 2, 3, 3], &[0.5; 18]),
        f32t(&[1, 1, 4, 4], &[1.0; 16]),
        f32t(&[2, 1, 1], &[1., 2.]),
        f32t(&[1, 4, 2], &[0.1; 8]),
    ]
}

const ATTRS: &[&str] = &[
    "",
    "axis = 7 : i64",
    "axis = -1 : i64, keepdims = 0 : i64",
    "perm = array<i64: 0, 0>",
    "kernel_shape = array<i64: 2, 2>",
    "kernel_shape = array<i64: 2, 2>, pads = array<i64: -1, 100, 0, 0>, strides = array<i64: 0, 1>",
    "kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = 1 : i64, dilations = array<i64: 2, 2>",
    "mode = \"bogus\", to = 99 : i64, direction = \"sideways\"",
    "hidden_size = 3 : i64, blocksize = 0 : i64, group = 0 : i64, k = 1000 : i64",
    "num_outputs = 0 : i64, q_num_heads = 3 : i64, kv_num_heads = 2 : i64, num_heads = 0 : i64",
    "axes = array<i64: 9>, batch_dims = 5 : i64, block_size = 7 : i64",
    "equation = \"ij,jk->ik\"",
    "equation = \"...,->?\"",
    "kernel_shape = array<i64: 2, 2>, pads = array<i64: 9223372036854775807, 0, 9223372036854775807, 0>",
    "kernel_shape = array<i64: 2, 2>, dilations = array<i64: 4611686018427387904, 2>, strides = array<i64: 9223372036854775807, 1>",
    "kernel_shape = array<i64: 4611686018427387904, 4611686018427387904>, output_padding = array<i64: 9223372036854775807, 1>",
    "output_shape = array<i64: 9223372036854775807, 1>, strides = array<i64: 3, 3>",
    "blocksize = 4611686018427387904 : i64, size = 9223372036854775807 : i64, num_groups = 9223372036854775807 : i64",
    "axis = -9223372036854775808 : i64, batch_axis = 9223372036854775807 : i64, time_axis = 0 : i64",
    "output_height = 4611686018427387904 : i64, output_width = 3 : i64, sampling_ratio = 9223372036854775807 : i64",
];

#[test]
fn no_kernel_panics() {
    let pool = pool();
    let ops: Vec<&str> = flowc_interp::supported_ops().collect();
    assert!(ops.len() > 150, "{} ops", ops.len());
    let prev = std::panic::take_hook();
    static LAST: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut l) = LAST.lock() {
            *l = info.to_string();
        }
    }));
    let mut panics = Vec::new();
    // FLOWC_INTERP_FUZZ_CASES=N runs more cases per op (and FLOWC_INTERP_FUZZ_SEED another seed).
    let cases: usize = std::env::var("FLOWC_INTERP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut seed: u64 = std::env::var("FLOWC_INTERP_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12345);
    let mut next = |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    for op in &ops {
        for case in 0..cases {
            let arity = next(9);
            let inputs: Vec<Option<Tensor>> = (0..arity)
                .map(|_| Some(pool[next(pool.len())].clone()))
                .collect();
            let attrs = ATTRS[next(ATTRS.len())];
            let results = 1 + next(3);
            let desc = format!(
                "{op} case {case}: attrs {{{attrs}}}, inputs {:?}",
                inputs
                    .iter()
                    .map(|t| t.as_ref().map(|t| (t.dtype(), t.shape().to_vec())))
                    .collect::<Vec<_>>()
            );
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_op(op, attrs, inputs, results)
            }));
            if r.is_err() {
                let msg = LAST.lock().map(|l| l.clone()).unwrap_or_default();
                panics.push(format!("{desc}\n    {msg}"));
            }
        }
    }
    std::panic::set_hook(prev);
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics.join("\n")
    );
}
