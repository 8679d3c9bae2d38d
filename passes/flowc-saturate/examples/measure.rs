//! Measures `flow-saturate` on ONNX models: ops and kernel ops before / after, saturation
//! time, and whether the saturated function still computes the model's reference outputs
//! (run by the interpreter, compared with `test_data_set_0/output_*.pb`).
//!
//! ```text
//! cargo run -p flowc-saturate --example measure -- target/onnx-models/* target/bench-models/*
//! cargo run -p flowc-saturate --example measure -- --synthetic 2000
//! cargo run -p flowc-saturate --example measure -- --rules redundancy,constant MODEL...
//! ```

use flowc_ir::{Context, Op};
use flowc_saturate::{SaturateConfig, saturate};
use flowc_tensor::Tensor;
use std::path::Path;
use std::time::Instant;

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_flow::dialect());
    ctx
}

fn entry(ctx: &Context, module: Op) -> Op {
    let body = ctx
        .region_entry(ctx.region(module, 0))
        .expect("module body");
    ctx.block_ops(body)
        .find(|&o| ctx.op_name(o) == "func.func")
        .expect("a function")
}

fn kernel_ops(ctx: &Context, func: Op) -> (usize, usize) {
    let block = ctx.region_entry(ctx.region(func, 0)).expect("body");
    let (mut ops, mut kernels) = (0, 0);
    for o in ctx.block_ops(block) {
        let n = ctx.op_name(o);
        if ctx.op_dialect(o) != "flow" || n == "flow.constant" || n == "flow.none" {
            continue;
        }
        ops += 1;
        if !flowc_saturate::cost::is_view(n) {
            kernels += 1;
        }
    }
    (ops, kernels)
}

fn pbs(dir: &Path, prefix: &str) -> Vec<Tensor> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".pb"))
    });
    files.sort_by_key(|p| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit('_').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
    });
    files
        .iter()
        .map(|p| flowc_onnx::read_tensor_pb(p).expect("a tensor"))
        .collect()
}

fn model(dir: &Path, config: &SaturateConfig) {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    let mut ctx = context();
    let module = match flowc_onnx::import_file(
        &mut ctx,
        dir.join("model.onnx"),
        &flowc_onnx::ImportOptions::default(),
    ) {
        Ok(m) => m,
        Err(e) => {
            println!("| {name} | import failed: {e} |");
            return;
        }
    };
    let func = entry(&ctx, module);
    let data = dir.join("test_data_set_0");
    let inputs = pbs(&data, "input_");
    let expected = pbs(&data, "output_");
    let (ops_before, kernels_before) = kernel_ops(&ctx, func);
    let reference = flowc_interp::run_function(&ctx, func, inputs.clone());
    let t = Instant::now();
    let stats = saturate(&mut ctx, func, config);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let stats = match stats {
        Ok(s) => s,
        Err(d) => {
            println!("| {name} | saturation failed: {} |", d.render(&ctx).trim());
            return;
        }
    };
    let verified = flowc_ir::verifier::verify(&ctx, module).is_ok();
    let (ops_after, kernels_after) = kernel_ops(&ctx, func);
    let got = flowc_interp::run_function(&ctx, func, inputs);
    let matches = match (&reference, &got) {
        (Ok(r), Ok(g)) => {
            let vs_onnx = expected.len() == g.len()
                && g.iter()
                    .zip(&expected)
                    .all(|(a, b)| a.all_close(b, 1e-3, 1e-4));
            let vs_ref =
                r.len() == g.len() && g.iter().zip(r).all(|(a, b)| a.all_close(b, 1e-4, 1e-5));
            format!(
                "{} (vs interp before: {})",
                if vs_onnx { "yes" } else { "NO" },
                if vs_ref { "yes" } else { "NO" }
            )
        }
        (Err(e), _) => format!("reference run failed: {}", e.message),
        (_, Err(e)) => format!("NO: {}", e.message),
    };
    println!(
        "| {name} | {ops_before} | {kernels_before} | {ops_after} | {kernels_after} | {ms:.0} | {} | {} | {} | {matches} |",
        stats.iterations,
        stats.stop_reason,
        if verified { "yes" } else { "NO" },
    );
}

/// A function of `n` ops: blocks of matmul, add, relu, mul, exp on 32x32 tensors.
fn synthetic(n: usize) {
    let mut ctx = context();
    let mut src = String::from(
        "func.func @main(%x: tensor<32x32xf32>, %w: tensor<32x32xf32>, %b: tensor<32xf32>) -> tensor<32x32xf32> {\n",
    );
    src.push_str(
        "  %h = \"flow.constant\"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>\n",
    );
    let mut cur = "%x".to_string();
    let mut k = 0;
    while k < n {
        let t = |i: usize| format!("%v{}", k + i);
        src.push_str(&format!("  {} = \"flow.matmul\"({cur}, %w) : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>\n", t(0)));
        src.push_str(&format!("  {} = \"flow.add\"({}, %b) : (tensor<32x32xf32>, tensor<32xf32>) -> tensor<32x32xf32>\n", t(1), t(0)));
        src.push_str(&format!(
            "  {} = \"flow.relu\"({}) : (tensor<32x32xf32>) -> tensor<32x32xf32>\n",
            t(2),
            t(1)
        ));
        src.push_str(&format!(
            "  {} = \"flow.mul\"({}, %h) : (tensor<32x32xf32>, tensor<f32>) -> tensor<32x32xf32>\n",
            t(3),
            t(2)
        ));
        src.push_str(&format!(
            "  {} = \"flow.identity\"({}) : (tensor<32x32xf32>) -> tensor<32x32xf32>\n",
            t(4),
            t(3)
        ));
        cur = t(4);
        k += 5;
    }
    src.push_str(&format!("  return {cur} : tensor<32x32xf32>\n}}\n"));
    let module =
        flowc_ir::parser::parse_source(&mut ctx, &src, "synthetic.mlir", 0).expect("parses");
    let func = entry(&ctx, module);
    let t = Instant::now();
    let s = saturate(&mut ctx, func, &SaturateConfig::default()).expect("saturates");
    println!(
        "synthetic: {} ops ({} kernels) -> {} ops ({} kernels) in {:.0} ms, {} iterations, {}, {} e-nodes",
        s.ops_before,
        s.kernels_before,
        s.ops_after,
        s.kernels_after,
        t.elapsed().as_secs_f64() * 1e3,
        s.iterations,
        s.stop_reason,
        s.enodes
    );
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--rules a,b,...`: these rule sets instead of the default ones (to compare).
    let mut config = SaturateConfig::default();
    if args.first().map(String::as_str) == Some("--rules") && args.len() > 1 {
        config.rules = args[1]
            .split(',')
            .map(|r| flowc_saturate::rules::RuleSet::parse(r).expect("a rule set name"))
            .collect();
        args.drain(..2);
    }
    if args.first().map(String::as_str) == Some("--synthetic") {
        synthetic(args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2000));
        return;
    }
    println!(
        "| model | ops before | kernel ops before | ops after | kernel ops after | saturation ms | iterations | stop | verifies | outputs match |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for a in args {
        model(Path::new(&a), &config);
    }
}
