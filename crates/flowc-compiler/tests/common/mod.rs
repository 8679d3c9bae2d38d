//! Shared by the end-to-end tests: compile flow IR to a bundle, run it through the runtime, and
//! compare with the reference interpreter bit for bit.

use std::sync::Arc;

use flowc_compiler::{CompileOptions, compile};
use flowc_ir::{Context, Op};
use flowc_tensor::Tensor;

pub fn parse(ctx: &mut Context, src: &str) -> Op {
    flowc_ir::parser::parse_source(ctx, src, "test.mlir", 0)
        .unwrap_or_else(|d| panic!("{}", d[0].render(ctx)))
}

pub fn main_func(ctx: &Context, module: Op) -> Op {
    let block = ctx.region_entry(ctx.region(module, 0)).unwrap();
    ctx.block_ops(block)
        .find(|&o| ctx.op_name(o) == "func.func")
        .unwrap()
}

/// Deterministic pseudo-random values in [-1, 1) (xorshift from `seed`).
pub fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// The interpreter's outputs of `src` on `inputs`.
pub fn interpret(src: &str, inputs: &[Tensor]) -> Vec<Tensor> {
    let mut ictx = flowc_init::context_with_all_dialects();
    let imodule = parse(&mut ictx, src);
    flowc_interp::run_function(&ictx, main_func(&ictx, imodule), inputs.to_vec())
        .unwrap_or_else(|e| panic!("the interpreter runs the test program: {e:?}\n{src}"))
}

/// Compiles `src` with `options` and opens a session with `threads` threads on it.
pub fn compile_session(
    src: &str,
    options: CompileOptions,
    threads: usize,
) -> (flowc_compiler::Compiled, flowc_runtime::Session) {
    let mut ctx = flowc_init::context_with_all_dialects();
    let module = parse(&mut ctx, src);
    let compiled =
        compile(&mut ctx, module, options).unwrap_or_else(|e| panic!("compile failed: {e}\n{src}"));
    let bytes = flowc_bundle::encode(&compiled.bundle);
    let model = Arc::new(flowc_runtime::Model::from_bytes(&bytes).expect("bundle loads"));
    let session = flowc_runtime::Session::new(model, flowc_runtime::SessionOptions { threads })
        .expect("session");
    (compiled, session)
}

/// Runs `session` on `inputs` and returns its outputs (`n` of them).
pub fn run_session(
    session: &mut flowc_runtime::Session,
    inputs: &[Tensor],
    n: usize,
) -> Vec<Tensor> {
    for (i, t) in inputs.iter().enumerate() {
        session.set_input_tensor(i, t).expect("input accepted");
    }
    session.run().expect("runs");
    (0..n)
        .map(|i| session.output_tensor(i).expect("output"))
        .collect()
}

/// Compiles `src`, runs it with `threads` threads (twice, on one session: a session is
/// reusable and results do not depend on leftovers in the arena), and checks each output bit
/// for bit against the interpreter's.
pub fn check_src(src: &str, inputs: Vec<Tensor>, threads: usize) {
    let expected = interpret(src, &inputs);
    let (_, mut session) = compile_session(src, CompileOptions::default(), threads);
    for _ in 0..2 {
        let got = run_session(&mut session, &inputs, expected.len());
        for (i, (got, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(got.shape(), e.shape(), "output {i} shape\n{src}");
            assert_eq!(got.dtype(), e.dtype(), "output {i} dtype\n{src}");
            assert_eq!(
                got.to_bytes_le(),
                e.to_bytes_le(),
                "output {i} values: {:?}\nexpected {:?}\n{src}",
                got.to_f64_vec(),
                e.to_f64_vec()
            );
        }
    }
}
