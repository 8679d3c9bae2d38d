//! Unit tests: custom syntax round trips, builders and verification.

use super::*;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    ctx.register_dialect(flowc_buffer::dialect());
    ctx.register_dialect(flowc_loop::dialect());
    ctx.register_dialect(dialect());
    ctx
}

fn print(ctx: &Context, op: Op) -> String {
    ctx.print_op(op, &PrintOptions::default())
}

const KERNEL: &str = r#"
func.func private @k(%a: memref<64xf32>) attributes {flowc.kernel, gpu.kernel, gpu.block_size = array<i64: 32, 1, 1>, gpu.grid_size = array<i64: 2, 1, 1>} {
  %s = gpu.alloc_shared : memref<32xf32, 3>
  %t = gpu.thread_id x
  %b = gpu.block_id x
  %n = gpu.block_dim x
  %g = gpu.grid_dim y
  %m = arith.muli %b, %n : index
  %i = arith.addi %m, %t : index
  %v = buffer.load %a[%i] : memref<64xf32>
  buffer.store %v, %s[%t] : memref<32xf32, 3>
  gpu.barrier
  %w = buffer.load %s[%t] : memref<32xf32, 3>
  buffer.store %w, %a[%i] : memref<64xf32>
  return
}
"#;

#[test]
fn custom_syntax_round_trips() {
    let mut ctx = context();
    let module = flowc_ir::parser::parse_source(&mut ctx, KERNEL, "t.mlir", 0).unwrap();
    verify(&ctx, module).unwrap();
    let once = print(&ctx, module);
    for s in [
        "gpu.thread_id x",
        "gpu.grid_dim y",
        "gpu.barrier\n",
        "gpu.alloc_shared : memref<32xf32, 3>",
    ] {
        assert!(once.contains(s), "{s} in {once}");
    }
    let mut ctx2 = context();
    let again = flowc_ir::parser::parse_source(&mut ctx2, &once, "t2.mlir", 0).unwrap();
    assert_eq!(print(&ctx2, again), once);
    let generic = ctx.print_op(
        module,
        &PrintOptions {
            generic: true,
            debug_info: false,
        },
    );
    assert!(
        generic.contains(r#""gpu.thread_id"() <{dimension = "x"}>"#),
        "{generic}"
    );
    let mut ctx3 = context();
    let from_generic = flowc_ir::parser::parse_source(&mut ctx3, &generic, "t3.mlir", 0).unwrap();
    verify(&ctx3, from_generic).unwrap();
    assert_eq!(print(&ctx3, from_generic), once);
}

fn verify_error(src: &str) -> String {
    let mut ctx = context();
    let module = flowc_ir::parser::parse_source(&mut ctx, src, "t.mlir", 0).unwrap();
    let errors = verify(&ctx, module).expect_err("must not verify");
    errors[0].message.clone()
}

#[test]
fn ids_need_a_gpu_kernel() {
    let e = verify_error("func.func @f() -> index {\n %t = gpu.thread_id x\n return %t : index\n}");
    assert!(e.contains("'gpu.kernel'"), "{e}");
}

#[test]
fn kernel_needs_launch_shape() {
    let e = verify_error(
        "func.func @f() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>} {\n gpu.barrier\n return\n}",
    );
    assert!(e.contains("gpu.block_size"), "{e}");
    let e = verify_error(
        "func.func @f() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 2048, 1, 1>} {\n gpu.barrier\n return\n}",
    );
    assert!(e.contains("at most 1024 threads"), "{e}");
    let e = verify_error(
        "func.func @f() attributes {gpu.kernel, gpu.grid_size = array<i64: 0, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {\n gpu.barrier\n return\n}",
    );
    assert!(e.contains("positive"), "{e}");
}

#[test]
fn shared_memory_is_space_3_at_top_level() {
    let e = verify_error(
        "func.func @f() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {\n %s = gpu.alloc_shared : memref<32xf32>\n return\n}",
    );
    assert!(e.contains("memory space 3"), "{e}");
    let e = verify_error(
        "func.func @f() attributes {gpu.kernel, gpu.grid_size = array<i64: 1, 1, 1>, gpu.block_size = array<i64: 32, 1, 1>} {\n %c0 = arith.constant 0 : index\n %c1 = arith.constant 1 : index\n loop.for %i = %c0 to %c1 step %c1 {\n %s = gpu.alloc_shared : memref<32xf32, 3>\n loop.yield\n }\n return\n}",
    );
    assert!(e.contains("top level"), "{e}");
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let module = ModuleOp::create(&mut ctx, loc);
    let fty = ctx.function_type(vec![], vec![]);
    let f = flowc_func::FuncOp::create(&mut ctx, "k", fty, loc);
    let mb = module.body_block(&ctx);
    ctx.append_op(mb, f.op());
    let entry = f.entry_block(&ctx).unwrap();
    let ret = flowc_func::ReturnOp::create(&mut ctx, &[], loc);
    ctx.append_op(entry, ret.0);
    mark_kernel(&mut ctx, f.op(), [4, 1, 1], [128, 1, 1]);
    let mut ip = InsertPoint::Before(ret.0);
    let f32t = ctx.f32_type();
    let sty = shared_memref_type(&mut ctx, vec![128], f32t);
    let s = build_alloc_shared(&mut ctx, &mut ip, sty, loc);
    let t = build_dim_op(&mut ctx, &mut ip, ThreadIdOp::NAME, Dimension::X, loc);
    build_barrier(&mut ctx, &mut ip, loc);
    verify(&ctx, module.op()).unwrap();
    assert_eq!(launch_dims(&ctx, f.op(), GRID_SIZE_ATTR), Some([4, 1, 1]));
    assert_eq!(
        launch_dims(&ctx, f.op(), BLOCK_SIZE_ATTR),
        Some([128, 1, 1])
    );
    assert_eq!(
        dimension(&ctx, ctx.defining_op(t).unwrap()),
        Some(Dimension::X)
    );
    assert_eq!(
        shared_memref_parts(&ctx, ctx.value_type(s)).map(|p| p.0.to_vec()),
        Some(vec![128])
    );
    let text = print(&ctx, module.op());
    assert!(
        text.contains("gpu.alloc_shared : memref<128xf32, 3>"),
        "{text}"
    );
}

#[test]
fn shuffle_and_lane_id_builders() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let module = ModuleOp::create(&mut ctx, loc);
    let f32t = ctx.f32_type();
    let fty = ctx.function_type(vec![f32t], vec![]);
    let f = flowc_func::FuncOp::create(&mut ctx, "k", fty, loc);
    let mb = module.body_block(&ctx);
    ctx.append_op(mb, f.op());
    let entry = f.entry_block(&ctx).unwrap();
    let v = ctx.block_arg(entry, 0);
    let ret = flowc_func::ReturnOp::create(&mut ctx, &[], loc);
    ctx.append_op(entry, ret.0);
    mark_kernel(&mut ctx, f.op(), [1, 1, 1], [64, 1, 1]);
    let mut ip = InsertPoint::Before(ret.0);
    let lane = build_lane_id(&mut ctx, &mut ip, loc);
    let i32t = ctx.integer_type(32);
    let int = |ctx: &mut Context, ip: &mut InsertPoint, x: i128| {
        let a = ctx.integer_attr(i32t, x);
        let mut st = OperationState::new(ctx, "arith.constant", loc).results(&[i32t]);
        st.add_attr(ctx, "value", a);
        let op = ctx.create_op(st);
        *ip = ip.insert(ctx, op);
        ctx.result(op, 0)
    };
    let off = int(&mut ctx, &mut ip, 4);
    let width = int(&mut ctx, &mut ip, 16);
    let (r, valid) = build_shuffle(&mut ctx, &mut ip, ShuffleMode::Down, v, off, width, loc);
    verify(&ctx, module.op()).unwrap();
    assert!(ctx.is_index(ctx.value_type(lane)));
    assert_eq!(ctx.value_type(r), f32t);
    assert!(ctx.is_signless_int_of_width(ctx.value_type(valid), 1));
    let shfl = ctx.defining_op(r).unwrap();
    assert_eq!(shuffle_mode(&ctx, shfl), Some(ShuffleMode::Down));
    let text = print(&ctx, module.op());
    assert!(text.contains("gpu.lane_id"), "{text}");
    assert!(text.contains(":2 = gpu.shuffle down %arg0, "), "{text}");
    // The block must be whole warps; a constant width must be a power of two up to 32.
    mark_kernel(&mut ctx, f.op(), [1, 1, 1], [48, 1, 1]);
    let e = verify(&ctx, module.op()).expect_err("48 threads");
    assert!(e[0].message.contains("whole warps"), "{}", e[0].message);
}

#[test]
fn shuffle_modes_round_trip_by_name() {
    for m in [
        ShuffleMode::Xor,
        ShuffleMode::Down,
        ShuffleMode::Up,
        ShuffleMode::Idx,
    ] {
        assert_eq!(ShuffleMode::from_name(m.name()), Some(m));
    }
    assert_eq!(ShuffleMode::from_name("bfly"), None);
}
