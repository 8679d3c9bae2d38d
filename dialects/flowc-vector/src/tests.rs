//! Unit tests: combining kinds, builders and verification of built IR.

use super::*;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    ctx.register_dialect(flowc_buffer::dialect());
    ctx.register_dialect(dialect());
    ctx
}

#[test]
fn combining_kinds_round_trip() {
    let mut ctx = context();
    for kind in CombiningKind::ALL {
        let a = kind.to_attr(&mut ctx);
        assert_eq!(CombiningKind::from_attr(&ctx, a), Some(kind));
        assert_eq!(CombiningKind::from_keyword(kind.keyword()), Some(kind));
        assert!(kind.supports_floats() || kind.supports_integers());
    }
    assert!(CombiningKind::Add.supports_floats() && CombiningKind::Add.supports_integers());
    assert!(!CombiningKind::Xor.supports_floats());
    assert!(!CombiningKind::MaximumF.supports_integers());
    assert_eq!(CombiningKind::from_keyword("sum"), None);
    assert!(verify_attr_body("kind< add >").is_ok());
    assert!(verify_attr_body("kind<sum>").is_err());
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let f32t = ctx.f32_type();
    let index = ctx.index_type();
    let m = ctx.memref_type(vec![4, 32], f32t);
    let v16 = ctx.vector_type(vec![16], f32t);
    let module = ModuleOp::create(&mut ctx, loc);
    let fty = ctx.function_type(vec![m, index, f32t], vec![]);
    let f = flowc_func::FuncOp::create(&mut ctx, "f", fty, loc);
    let mb = module.body_block(&ctx);
    ctx.append_op(mb, f.op());
    let entry = f.entry_block(&ctx).unwrap();
    let (mem, i, s) = (
        ctx.block_arg(entry, 0),
        ctx.block_arg(entry, 1),
        ctx.block_arg(entry, 2),
    );
    let mut ip = InsertPoint::End(entry);
    let v = build_load(&mut ctx, &mut ip, v16, mem, &[i, i], loc);
    let b = build_broadcast(&mut ctx, &mut ip, s, v16, loc);
    let r = build_fma(&mut ctx, &mut ip, v, b, v, loc);
    build_store(&mut ctx, &mut ip, r, mem, &[i, i], loc);
    let sum = build_reduction(&mut ctx, &mut ip, CombiningKind::MaxNumF, r, loc);
    assert_eq!(ctx.value_type(sum), f32t);
    let red = ReductionOp(ctx.defining_op(sum).unwrap());
    assert_eq!(red.kind_value(&ctx), Some(CombiningKind::MaxNumF));
    let ret = flowc_func::ReturnOp::create(&mut ctx, &[], loc);
    ip.insert(&mut ctx, ret.0);
    verify(&ctx, module.op()).unwrap();
    assert_eq!(vector_1d(&ctx, v16), Some((16, f32t)));
    assert_eq!(vector_1d(&ctx, f32t), None);
    let text = ctx.print_op(module.op(), &PrintOptions::default());
    for line in [
        "%0 = vector.load %arg0[%arg1, %arg1] : memref<4x32xf32>, vector<16xf32>",
        "%1 = vector.broadcast %arg2 : f32 to vector<16xf32>",
        "%2 = vector.fma %0, %1, %0 : vector<16xf32>",
        "vector.store %2, %arg0[%arg1, %arg1] : memref<4x32xf32>, vector<16xf32>",
        "%3 = vector.reduction <maxnumf>, %2 : vector<16xf32> into f32",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}
