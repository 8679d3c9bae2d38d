//! Unit tests: type helpers, builders and verification of built IR.

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

#[test]
fn strides_and_sizes() {
    assert_eq!(row_major_strides(&[2, 3, 4]), vec![12, 4, 1]);
    assert_eq!(row_major_strides(&[7]), vec![1]);
    assert_eq!(row_major_strides(&[]), Vec::<i64>::new());
    let mut ctx = context();
    let f16 = ctx.float_type(flowc_ir::FloatKind::F16);
    let m = ctx.memref_type(vec![4, 8], f16);
    assert_eq!(byte_size(&ctx, m), Some(64));
    assert!(is_static_dense_memref(&ctx, m));
    let dynamic = ctx.memref_type(vec![flowc_ir::DYNAMIC, 8], f16);
    assert_eq!(byte_size(&ctx, dynamic), None);
    assert!(!is_static_dense_memref(&ctx, dynamic));
    let t = value_type_of(&mut ctx, m).unwrap();
    assert_eq!(ctx.print_type(t), "tensor<4x8xf16>");
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let f32t = ctx.f32_type();
    let index = ctx.index_type();
    let m48 = ctx.memref_type(vec![4, 8], f32t);
    let m32 = ctx.memref_type(vec![32], f32t);
    let module = ModuleOp::create(&mut ctx, loc);
    let mut top = InsertPoint::End(module.body_block(&ctx));
    let tensor = value_type_of(&mut ctx, m48).unwrap();
    let value = ctx.intern_attr(AttrData::DenseResource {
        name: "w".into(),
        ty: tensor,
    });
    let g = build_global(&mut ctx, &mut top, "w", m48, value, loc);
    assert_eq!(g.name(&ctx), "w");
    assert_eq!(g.memref_type(&ctx), Some(m48));
    let fty = ctx.function_type(vec![index, m48], vec![]);
    let f = flowc_func::FuncOp::create(&mut ctx, "f", fty, loc);
    top.insert(&mut ctx, f.op());
    let entry = f.entry_block(&ctx).unwrap();
    let (i, arg) = (ctx.block_arg(entry, 0), ctx.block_arg(entry, 1));
    let mut ip = InsertPoint::End(entry);
    let w = build_get_global(&mut ctx, &mut ip, "w", m48, loc);
    let a = build_alloc(&mut ctx, &mut ip, m48, Some(128), loc);
    let s = build_alloca(&mut ctx, &mut ip, m32, loc);
    let x = build_load(&mut ctx, &mut ip, w, &[i, i], loc);
    assert_eq!(ctx.value_type(x), f32t);
    build_store(&mut ctx, &mut ip, x, a, &[i, i], loc);
    let v = build_view(&mut ctx, &mut ip, a, m32, loc);
    build_copy(&mut ctx, &mut ip, v, s, loc);
    build_copy(&mut ctx, &mut ip, w, arg, loc);
    let ret = flowc_func::ReturnOp::create(&mut ctx, &[], loc);
    ip.insert(&mut ctx, ret.0);
    verify(&ctx, module.op()).unwrap();
    let alloc = AllocOp(ctx.defining_op(a).unwrap());
    assert_eq!(alloc.offset_value(&ctx), Some(128));
    let get = GetGlobalOp(ctx.defining_op(w).unwrap());
    assert_eq!(get.global_name(&ctx), Some("w"));
    let text = ctx.print_op(module.op(), &PrintOptions::default());
    for line in [
        "buffer.global @w : memref<4x8xf32> = dense_resource<w>",
        "%0 = buffer.get_global @w : memref<4x8xf32>",
        "%1 = buffer.alloc() {offset = 128 : i64} : memref<4x8xf32>",
        "%2 = buffer.alloca() : memref<32xf32>",
        "%3 = buffer.load %0[%arg0, %arg0] : memref<4x8xf32>",
        "buffer.store %3, %1[%arg0, %arg0] : memref<4x8xf32>",
        "%4 = buffer.view %1 : memref<4x8xf32> to memref<32xf32>",
        "buffer.copy %4, %2 : memref<32xf32>, memref<32xf32>",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn view_of_different_size_is_rejected() {
    let mut ctx = context();
    let loc = Location::UNKNOWN;
    let f32t = ctx.f32_type();
    let m48 = ctx.memref_type(vec![4, 8], f32t);
    let m31 = ctx.memref_type(vec![31], f32t);
    let module = ModuleOp::create(&mut ctx, loc);
    let fty = ctx.function_type(vec![m48], vec![]);
    let f = flowc_func::FuncOp::create(&mut ctx, "f", fty, loc);
    let mb = module.body_block(&ctx);
    ctx.append_op(mb, f.op());
    let entry = f.entry_block(&ctx).unwrap();
    let arg = ctx.block_arg(entry, 0);
    build_view(&mut ctx, &mut InsertPoint::End(entry), arg, m31, loc);
    let ret = flowc_func::ReturnOp::create(&mut ctx, &[], loc);
    ctx.append_op(entry, ret.0);
    let errors = verify(&ctx, module.op()).unwrap_err();
    let msg = errors[0].render(&ctx);
    assert!(msg.contains("must have the same byte size"), "{msg}");
}
