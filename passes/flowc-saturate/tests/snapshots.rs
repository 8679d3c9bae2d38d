//! Snapshots of saturated IR of real (small) models checked into the repository: the CNN of
//! test/Examples and the ONNX importer's test models. Review with `cargo insta review`.

use flowc_ir::{Context, Op};
use flowc_saturate::{SaturateConfig, saturate};
use std::path::Path;

fn saturated(model: &str) -> String {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_flow::dialect());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let module = flowc_onnx::import_file(
        &mut ctx,
        root.join(model),
        &flowc_onnx::ImportOptions::default(),
    )
    .expect("imports");
    let body = ctx.region_entry(ctx.region(module, 0)).expect("body");
    let funcs: Vec<Op> = ctx.block_ops(body).collect();
    for f in funcs {
        saturate(&mut ctx, f, &SaturateConfig::default()).expect("saturates");
    }
    flowc_ir::verifier::verify(&ctx, module).expect("verifies");
    ctx.print_op(module, &flowc_ir::printer::PrintOptions::default())
}

#[test]
fn tiny_cnn() {
    insta::assert_snapshot!(saturated("test/Examples/tiny_cnn.onnx"));
}

#[test]
fn conv_relu() {
    insta::assert_snapshot!(saturated("test/onnx/Inputs/conv_relu.onnx"));
}

#[test]
fn gemm_mlp() {
    insta::assert_snapshot!(saturated("test/onnx/Inputs/gemm_mlp.onnx"));
}
