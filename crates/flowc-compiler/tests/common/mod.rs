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

/// Compiles `src`, runs it with `threads` threads (twice, on one session: a session is
/// reusable and results do not depend on leftovers in the arena), and checks each output bit
/// for bit against the interpreter's.
pub fn check_src(src: &str, inputs: Vec<Tensor>, threads: usize) {
    let mut ictx = flowc_init::context_with_all_dialects();
    let imodule = parse(&mut ictx, src);
    let expected = flowc_interp::run_function(&ictx, main_func(&ictx, imodule), inputs.clone())
        .unwrap_or_else(|e| panic!("the interpreter runs the test program: {e:?}\n{src}"));

    let mut ctx = flowc_init::context_with_all_dialects();
    let module = parse(&mut ctx, src);
    let compiled = compile(&mut ctx, module, CompileOptions::default())
        .unwrap_or_else(|e| panic!("compile failed: {e}\n{src}"));
    let bytes = flowc_bundle::encode(&compiled.bundle);
    let model = Arc::new(flowc_runtime::Model::from_bytes(&bytes).expect("bundle loads"));
    let mut session = flowc_runtime::Session::new(model, flowc_runtime::SessionOptions { threads })
        .expect("session");
    for _ in 0..2 {
        for (i, t) in inputs.iter().enumerate() {
            session.set_input_tensor(i, t).expect("input accepted");
        }
        session.run().expect("runs");
        for (i, e) in expected.iter().enumerate() {
            let got = session.output_tensor(i).expect("output");
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
