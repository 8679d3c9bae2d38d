//! Unit tests: builders, trip counts and verification of built IR.

use super::*;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    ctx.register_dialect(dialect());
    ctx
}

/// A module holding `func.func @f(args) { return }`; returns the entry block and the return op.
fn function(ctx: &mut Context, args: Vec<Type>) -> (ModuleOp, Block, Op) {
    let loc = Location::UNKNOWN;
    let module = ModuleOp::create(ctx, loc);
    let fty = ctx.function_type(args, vec![]);
    let f = flowc_func::FuncOp::create(ctx, "f", fty, loc);
    let mb = module.body_block(ctx);
    ctx.append_op(mb, f.op());
    let entry = f.entry_block(ctx).unwrap();
    let ret = flowc_func::ReturnOp::create(ctx, &[], loc);
    ctx.append_op(entry, ret.0);
    (module, entry, ret.0)
}

fn index_constant(ctx: &mut Context, ip: &mut InsertPoint, v: i64) -> Value {
    let ty = ctx.index_type();
    let a = ctx.index_attr(v);
    let op = flowc_arith::ConstantOp::create_detached(ctx, a, ty, Location::UNKNOWN);
    *ip = ip.insert(ctx, op);
    ctx.result(op, 0)
}

fn print(ctx: &Context, op: Op) -> String {
    ctx.print_op(op, &PrintOptions::default())
}

#[test]
fn trip_counts() {
    assert_eq!(trip_count(0, 10, 1), Some(10));
    assert_eq!(trip_count(0, 10, 3), Some(4));
    assert_eq!(trip_count(2, 10, 4), Some(2));
    assert_eq!(trip_count(10, 10, 1), Some(0));
    assert_eq!(trip_count(10, 0, 1), Some(0));
    assert_eq!(trip_count(0, 10, 0), None);
    assert_eq!(trip_count(0, 10, -1), None);
    assert_eq!(trip_count(i64::MIN, i64::MAX, 1), None);
}

#[test]
fn build_for_with_iter_args_verifies_and_prints() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let f32t = ctx.f32_type();
    let (module, _, ret) = function(&mut ctx, vec![f32t]);
    let mut ip = InsertPoint::Before(ret);
    let c0 = index_constant(&mut ctx, &mut ip, 0);
    let c1 = index_constant(&mut ctx, &mut ip, 1);
    let c8 = index_constant(&mut ctx, &mut ip, 8);
    let init = ctx.block_arg(ctx.op_parent_block(ret).unwrap(), 0);
    let (for_op, body) = build_for(&mut ctx, &mut ip, c0, c8, c1, &[init], loc);
    assert_eq!(ctx.block_args(body).len(), 2);
    assert_eq!(for_op.induction_var(&ctx), Some(ctx.block_arg(body, 0)));
    assert_eq!(for_op.region_iter_args(&ctx), vec![ctx.block_arg(body, 1)]);
    let acc = ctx.block_arg(body, 1);
    let add = flowc_arith::create_op(&mut ctx, "arith.addf", &[acc, acc], f32t, &[], loc);
    ctx.append_op(body, add);
    let next = ctx.result(add, 0);
    build_yield(&mut ctx, body, &[next], loc);
    // The loop went before the return, after the constants.
    assert_eq!(ctx.next_op(for_op.op()), Some(ret));
    assert_eq!(
        static_trip_count(&ctx, c0, c8, c1),
        Some(8),
        "constants are read through arith.constant"
    );
    verify(&ctx, module.op()).unwrap();
    let text = print(&ctx, module.op());
    assert!(
        text.contains("loop.for %arg1 = %0 to %2 step %1 iter_args(%arg2 = %arg0) -> (f32) {"),
        "{text}"
    );
    assert!(text.contains("loop.yield %4 : f32"), "{text}");
    assert_eq!(ctx.result_types(for_op.op()), vec![f32t]);
}

#[test]
fn build_parallel_and_if() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let i1 = ctx.i1_type();
    let f32t = ctx.f32_type();
    let (module, entry, ret) = function(&mut ctx, vec![i1, f32t]);
    let (cond, x) = (ctx.block_arg(entry, 0), ctx.block_arg(entry, 1));
    let mut ip = InsertPoint::Before(ret);
    let c0 = index_constant(&mut ctx, &mut ip, 0);
    let c1 = index_constant(&mut ctx, &mut ip, 1);
    let c4 = index_constant(&mut ctx, &mut ip, 4);
    let (par, body) = build_parallel(&mut ctx, &mut ip, &[c0, c0], &[c4, c4], &[c1, c1], loc);
    assert_eq!(par.rank(&ctx), 2);
    assert_eq!(par.upper_bounds(&ctx), vec![c4, c4]);
    assert_eq!(par.steps(&ctx), vec![c1, c1]);
    let mut inner = InsertPoint::End(body);
    let (if_op, then_b, else_b) = build_if(&mut ctx, &mut inner, cond, &[f32t], true, loc);
    build_yield(&mut ctx, then_b, &[x], loc);
    build_yield(&mut ctx, else_b.unwrap(), &[x], loc);
    build_yield(&mut ctx, body, &[], loc);
    assert_eq!(if_op.else_block(&ctx), else_b);
    verify(&ctx, module.op()).unwrap();
    let text = print(&ctx, module.op());
    assert!(
        text.contains("loop.parallel (%arg2, %arg3) = (%0, %0) to (%2, %2) step (%1, %1) {"),
        "{text}"
    );
    assert!(text.contains("loop.if %arg0 -> (f32) {"), "{text}");
}

#[test]
fn if_without_else_and_results_is_rejected() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let i1 = ctx.i1_type();
    let f32t = ctx.f32_type();
    let (module, entry, ret) = function(&mut ctx, vec![i1, f32t]);
    let (cond, x) = (ctx.block_arg(entry, 0), ctx.block_arg(entry, 1));
    let (_, then_b, else_b) = build_if(
        &mut ctx,
        &mut InsertPoint::Before(ret),
        cond,
        &[f32t],
        false,
        loc,
    );
    assert!(else_b.is_none());
    build_yield(&mut ctx, then_b, &[x], loc);
    let errors = verify(&ctx, module.op()).unwrap_err();
    let msg = errors[0].render(&ctx);
    assert!(
        msg.contains("must have an else block if defining values"),
        "{msg}"
    );
}

#[test]
fn parse_print_round_trip() {
    let src = r#"
func.func @f(%m: memref<8xf32>, %c: i1) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %r = loop.for %iv = %c0 to %c8 step %c1 iter_args(%acc = %z) -> (f32) {
    %v = loop.if %c -> (f32) {
      loop.yield %acc : f32
    } else {
      loop.yield %z : f32
    }
    loop.yield %v : f32
  }
  loop.parallel (%i) = (%c0) to (%c8) step (%c1) {
  }
  return %r : f32
}
"#;
    let mut ctx = context();
    let module = flowc_ir::parser::parse_source(&mut ctx, src, "t.mlir", 0).unwrap();
    verify(&ctx, module).unwrap();
    let once = print(&ctx, module);
    // The parallel loop got its implicit terminator.
    assert!(
        once.contains("step (%1) {\n      loop.yield\n    }"),
        "{once}"
    );
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
    let mut ctx3 = context();
    let from_generic = flowc_ir::parser::parse_source(&mut ctx3, &generic, "t3.mlir", 0).unwrap();
    verify(&ctx3, from_generic).unwrap();
    assert_eq!(print(&ctx3, from_generic), once);
}
