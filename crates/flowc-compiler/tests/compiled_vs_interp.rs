//! End to end: flow IR compiled to a bundle, run by the runtime, compared with the reference
//! interpreter on the same inputs (bit-exact for these ops, which compute the same way).

use std::sync::Arc;

use flowc_compiler::{CompileOptions, compile};
use flowc_ir::{Context, Op};
use flowc_tensor::Tensor;

fn parse(ctx: &mut Context, src: &str) -> Op {
    flowc_ir::parser::parse_source(ctx, src, "test.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(ctx)))
}

fn main_func(ctx: &Context, module: Op) -> Op {
    let block = ctx.region_entry(ctx.region(module, 0)).unwrap();
    ctx.block_ops(block)
        .find(|&o| ctx.op_name(o) == "func.func")
        .unwrap()
}

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

/// Compiles `src`, runs it with `threads` threads on `inputs`, and checks every output against
/// the interpreter's.
fn check(src: &str, inputs: Vec<Tensor>, threads: usize) {
    let mut ictx = flowc_init::context_with_all_dialects();
    let imodule = parse(&mut ictx, src);
    let expected = flowc_interp::run_function(&ictx, main_func(&ictx, imodule), inputs.clone())
        .expect("the interpreter runs the test program");

    let mut ctx = flowc_init::context_with_all_dialects();
    let module = parse(&mut ctx, src);
    let compiled = compile(&mut ctx, module, CompileOptions::default())
        .unwrap_or_else(|e| panic!("compile failed: {e}"));
    let bytes = flowc_bundle::encode(&compiled.bundle);
    let model = Arc::new(flowc_runtime::Model::from_bytes(&bytes).expect("bundle loads"));
    let mut session =
        flowc_runtime::Session::new(model.clone(), flowc_runtime::SessionOptions { threads })
            .expect("session");
    // Twice: a session is reusable and results do not depend on leftovers in the arena.
    for _ in 0..2 {
        for (i, t) in inputs.iter().enumerate() {
            session.set_input_tensor(i, t).expect("input accepted");
        }
        session.run().expect("runs");
        for (i, e) in expected.iter().enumerate() {
            let got = session.output_tensor(i).expect("output");
            assert_eq!(got.shape(), e.shape(), "output {i} shape");
            assert_eq!(got.dtype(), e.dtype(), "output {i} dtype");
            assert_eq!(got.to_f64_vec(), e.to_f64_vec(), "output {i} values");
        }
    }
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
