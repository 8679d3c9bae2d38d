//! What the translation emits: the kernel ABI in LLVM IR, attributes, intrinsics, cross
//! compilation, and located errors for what code generation does not support.

use flowc_ir::{Context, Op};
use flowc_llvm::{EmitKind, OptLevel, TargetOptions, emit, emit_assembly, emit_llvm_ir};

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    ctx.register_dialect(flowc_math::dialect());
    ctx.register_dialect(flowc_loop::dialect());
    ctx.register_dialect(flowc_buffer::dialect());
    ctx.register_dialect(flowc_vector::dialect());
    ctx
}

fn parse(ctx: &mut Context, src: &str) -> Op {
    let module = match flowc_ir::parser::parse_source(ctx, src, "test.mlir", 0) {
        Ok(m) => m,
        Err(d) => panic!("{}", d[0].render(ctx)),
    };
    if let Err(d) = flowc_ir::verifier::verify(ctx, module) {
        panic!("{}", d[0].render(ctx));
    }
    module
}

fn host_at(level: OptLevel) -> TargetOptions {
    TargetOptions {
        opt_level: level,
        ..TargetOptions::host()
    }
}

fn ir(src: &str, level: OptLevel) -> String {
    let mut ctx = context();
    let module = parse(&mut ctx, src);
    emit_llvm_ir(&ctx, module, &host_at(level)).unwrap_or_else(|d| panic!("{}", d.render(&ctx)))
}

/// The error `src` gives, rendered.
fn error(src: &str) -> String {
    let mut ctx = context();
    let module = parse(&mut ctx, src);
    match emit_llvm_ir(&ctx, module, &host_at(OptLevel::O0)) {
        Ok(text) => panic!("expected an error, got\n{text}"),
        Err(d) => d.render(&ctx),
    }
}

const FMA: &str = r#"
module {
  buffer.global @w : memref<16xf32> = dense<1.0> : tensor<16xf32>
  func.func private @fma(%a: memref<8x16xf32>, %b: memref<8x16xf32>, %c: memref<8x16xf32>) attributes {flowc.kernel} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    loop.parallel (%i) = (%c0) to (%c8) step (%c1) {
      %x = vector.load %a[%i, %c0] : memref<8x16xf32>, vector<16xf32>
      %y = vector.load %b[%i, %c0] : memref<8x16xf32>, vector<16xf32>
      %z = vector.load %c[%i, %c0] : memref<8x16xf32>, vector<16xf32>
      %r = vector.fma %x, %y, %z : vector<16xf32>
      vector.store %r, %c[%i, %c0] : memref<8x16xf32>, vector<16xf32>
      loop.yield
    }
    return
  }
  func.func @main(%a: memref<8x16xf32>, %b: memref<8x16xf32>, %c: memref<8x16xf32>) attributes {flowc.entry} {
    func.call @fma(%a, %b, %c) : (memref<8x16xf32>, memref<8x16xf32>, memref<8x16xf32>) -> ()
    return
  }
}
"#;

#[test]
fn kernel_abi_and_attributes() {
    let text = ir(FMA, OptLevel::O0);
    // The exported kernel and its body with the aliasing facts.
    assert!(
        text.contains("define void @fma(ptr %0, i64 %1, i64 %2)"),
        "{text}"
    );
    assert!(
        text.contains(
            "define internal void @fma.body(ptr noalias noundef align 64 dereferenceable(512) %arg0"
        ),
        "{text}"
    );
    assert!(
        text.contains("call <16 x float> @llvm.fma.v16f32("),
        "{text}"
    );
    assert!(text.contains("task.header:"), "{text}");
    assert!(text.contains("load <16 x float>, ptr %"), "{text}");
    // Neither the launch plan nor the global is translated.
    assert!(!text.contains("@main"), "{text}");
    assert!(!text.contains("@w "), "{text}");
    // The target's CPU and features are on the functions.
    assert!(text.contains("\"target-cpu\"="), "{text}");
}

#[test]
fn optimized_kernel_keeps_the_abi() {
    let text = ir(FMA, OptLevel::O3);
    assert!(text.contains("define void @fma(ptr"), "{text}");
    // The body was inlined into the exported function.
    assert!(!text.contains("define internal void @fma.body"), "{text}");
    assert!(text.contains("@llvm.fma.v16f32"), "{text}");
}

#[test]
fn may_alias_kernels_have_no_noalias() {
    let src = FMA.replace(
        "attributes {flowc.kernel}",
        "attributes {flowc.kernel, flowc.may_alias}",
    );
    let text = ir(&src, OptLevel::O0);
    assert!(!text.contains("noalias"), "{text}");
    assert!(
        text.contains("ptr noundef align 64 dereferenceable(512) %arg0"),
        "{text}"
    );
}

#[test]
fn cross_compiles_to_aarch64() {
    let mut ctx = context();
    let module = parse(&mut ctx, FMA);
    let opts = TargetOptions::cross("aarch64-linux-gnu");
    assert!(!opts.is_host() || cfg!(target_arch = "aarch64"));
    let asm = emit_assembly(&ctx, module, &opts).unwrap_or_else(|d| panic!("{}", d.render(&ctx)));
    assert!(asm.contains("fmla"), "{asm}");
    assert!(asm.contains("fma:"), "{asm}");
    let obj = emit(&ctx, module, &opts, EmitKind::Object).unwrap();
    assert_eq!(&obj[..4], b"\x7fELF");
    // e_machine = EM_AARCH64 (183), little-endian.
    assert_eq!(u16::from_le_bytes([obj[18], obj[19]]), 183);
}

#[test]
fn host_object_is_for_this_machine() {
    let mut ctx = context();
    let module = parse(&mut ctx, FMA);
    let obj = emit(&ctx, module, &TargetOptions::host(), EmitKind::Object).unwrap();
    assert_eq!(&obj[..4], b"\x7fELF");
    let machine = u16::from_le_bytes([obj[18], obj[19]]);
    if cfg!(target_arch = "x86_64") {
        assert_eq!(machine, 62);
    }
}

#[test]
fn unknown_triple_is_an_error() {
    let mut ctx = context();
    let module = parse(&mut ctx, FMA);
    let err = emit_llvm_ir(&ctx, module, &TargetOptions::cross("nonsense-unknown-none"))
        .unwrap_err()
        .render(&ctx);
    assert!(
        err.contains("unknown target triple 'nonsense-unknown-none'"),
        "{err}"
    );
}

#[test]
fn dynamic_shapes_are_located_errors() {
    let err = error(
        r#"
func.func private @k(%a: memref<?xf32>) attributes {flowc.kernel} {
  return
}
"#,
    );
    assert!(
        err.contains("test.mlir:2:1: error: 'func.func' op kernel argument #0 has type 'memref<?xf32>': kernels take statically shaped memrefs with the identity layout"),
        "{err}"
    );
}

#[test]
fn unsupported_ops_are_located_errors() {
    let err = error(
        r#"
func.func private @k(%a: memref<4xf32>) attributes {flowc.kernel} {
  %w = buffer.alloc() : memref<4xf32>
  return
}
"#,
    );
    assert!(
        err.contains("test.mlir:3:3: error: 'buffer.alloc' op is not supported inside a kernel"),
        "{err}"
    );
    let err = error(
        r#"
func.func private @k(%a: memref<4xf32>) attributes {flowc.kernel} {
  func.call @helper() : () -> ()
  return
}
func.func private @helper() {
  return
}
"#,
    );
    assert!(
        err.contains(
            "test.mlir:3:3: error: 'func.call' op is not supported by LLVM code generation"
        ),
        "{err}"
    );
    let err = error(
        r#"
func.func private @k(%a: memref<4xf32>) attributes {flowc.kernel} {
  %t = arith.constant dense<1.0> : tensor<4xf32>
  return
}
"#,
    );
    assert!(
        err.contains(
            "'arith.constant' op type 'tensor<4xf32>' is not supported by code generation"
        ),
        "{err}"
    );
}

#[test]
fn task_loop_needs_constant_bounds() {
    let err = error(
        r#"
func.func private @k(%a: memref<4xindex>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = buffer.load %a[%c0] : memref<4xindex>
  loop.parallel (%i) = (%c0) to (%n) step (%c1) {
    loop.yield
  }
  return
}
"#,
    );
    assert!(
        err.contains(
            "'loop.parallel' op the task loop of a kernel needs constant bounds and steps"
        ),
        "{err}"
    );
}

#[test]
fn nested_parallel_loops_are_sequential_and_kernels_listed() {
    let src = r#"
func.func private @k(%a: memref<4x4xf32>) attributes {flowc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  loop.for %t = %c0 to %c1 step %c1 {
    loop.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
      buffer.store %z, %a[%i, %j] : memref<4x4xf32>
      loop.yield
    }
  }
  return
}
func.func @not_a_kernel() {
  return
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, src);
    let kernels = flowc_llvm::kernels(&ctx, module);
    assert_eq!(kernels.len(), 1);
    // The first top-level loop is a loop.for: one task.
    assert_eq!(flowc_llvm::kernel_task_count(&ctx, kernels[0]).unwrap(), 1);
    let text = ir(src, OptLevel::O0);
    assert_eq!(text.matches("par.header:").count(), 1, "{text}");
    assert!(text.matches("par.header").count() > 1, "{text}");
    assert!(!text.contains("task.header"), "{text}");
    assert!(!text.contains("not_a_kernel"), "{text}");
}

#[test]
fn ir_that_does_not_verify_is_an_error_not_a_panic() {
    let mut ctx = context();
    let module = parse(&mut ctx, FMA);
    // Break a kernel after parsing: a loop.for whose step is a memref.
    let kernel = flowc_llvm::kernels(&ctx, module)[0];
    let body = kernel.entry_block(&ctx).unwrap();
    let memref = ctx.block_arg(body, 0);
    let par = ctx
        .block_ops(body)
        .find(|&op| ctx.op_name(op) == "loop.parallel")
        .unwrap();
    ctx.set_operand(par, 2, memref);
    let err = emit_llvm_ir(&ctx, module, &host_at(OptLevel::O0))
        .unwrap_err()
        .render(&ctx);
    assert!(
        err.contains("'loop.parallel' op operand #2 must be variadic of index"),
        "{err}"
    );
}
