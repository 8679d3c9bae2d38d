//! Unit tests: build IR with the builders, print it, and run the verifiers directly.

use super::*;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::printer::PrintOptions;

fn setup() -> (Context, ModuleOp) {
    let mut ctx = Context::new();
    ctx.register_dialect(dialect());
    let module = ModuleOp::create(&mut ctx, Location::UNKNOWN);
    (ctx, module)
}

/// Runs the op's own verifier and its symbol-use verifier.
fn verify_op_diag(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let def = ctx.op_def(op).expect("registered");
    if let Some(f) = def.verify {
        f(ctx, op)?;
    }
    if let Some(f) = def.verify_symbol_uses {
        f(ctx, op, &mut flowc_ir::symbol::SymbolTableCollection::new())?;
    }
    Ok(())
}

fn verify_op(ctx: &Context, op: Op) -> Result<(), String> {
    verify_op_diag(ctx, op).map_err(|d| d.message)
}

/// `@callee(i32) -> i32` (a declaration) and `@caller(%arg0: i32) -> i32` calling it.
fn build_call(ctx: &mut Context, module: ModuleOp, arg_ty: Type, res_ty: Type) -> (FuncOp, Op, Op) {
    let i32t = ctx.i32_type();
    let body = module.body_block(ctx);
    let callee_ty = ctx.function_type(vec![i32t], vec![i32t]);
    let callee = FuncOp::create_declaration(ctx, "callee", callee_ty, Location::UNKNOWN);
    ctx.append_op(body, callee.op());
    let caller_ty = ctx.function_type(vec![arg_ty], vec![res_ty]);
    let caller = FuncOp::create(ctx, "caller", caller_ty, Location::UNKNOWN);
    ctx.append_op(body, caller.op());
    let entry = caller.entry_block(ctx).unwrap();
    let arg = ctx.block_arg(entry, 0);
    let call = CallOp::create(ctx, "callee", &[arg], &[res_ty], Location::UNKNOWN);
    ctx.append_op(entry, call.op());
    let r = ctx.result(call.op(), 0);
    let ret = ReturnOp::create(ctx, &[r], Location::UNKNOWN);
    ctx.append_op(entry, ret.op());
    (caller, call.op(), ret.op())
}

#[test]
fn prints_mlir_custom_syntax() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (caller, _, _) = build_call(&mut ctx, module, i32t, i32t);
    let unit = ctx.unit_attr();
    let foo = ctx.ident("foo.x");
    let dict = ctx.dictionary_attr(vec![(foo, unit)]);
    let arr = ctx.array_attr(vec![dict]);
    ctx.set_attr(caller.op(), "arg_attrs", arr);
    let text = ctx.print_op(module.op(), &PrintOptions::default());
    let expected = "module {
  func.func private @callee(i32) -> i32
  func.func @caller(%arg0: i32 {foo.x}) -> i32 {
    %0 = func.call @callee(%arg0) : (i32) -> i32
    func.return %0 : i32
  }
}
";
    assert_eq!(text, expected);
}

#[test]
fn prints_generic_form() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    build_call(&mut ctx, module, i32t, i32t);
    let text = ctx.print_op(
        module.op(),
        &PrintOptions {
            generic: true,
            ..Default::default()
        },
    );
    assert!(
        text.contains(r#""func.call"(%arg0) <{callee = @callee}> : (i32) -> i32"#),
        "{text}"
    );
    assert!(
        text.contains(r#""func.func"() <{function_type = (i32) -> i32, sym_name = "callee", sym_visibility = "private"}>"#),
        "{text}"
    );
}

#[test]
fn multiple_results_and_result_attrs_print_in_parens() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let f32t = ctx.f32_type();
    let fty = ctx.function_type(vec![], vec![i32t, f32t]);
    let f = FuncOp::create_declaration(&mut ctx, "two", fty, Location::UNKNOWN);
    let body = module.body_block(&ctx);
    ctx.append_op(body, f.op());
    let one = ctx.function_type(vec![], vec![i32t]);
    let g = FuncOp::create_declaration(&mut ctx, "one", one, Location::UNKNOWN);
    ctx.append_op(body, g.op());
    let unit = ctx.unit_attr();
    let name = ctx.ident("foo.r");
    let dict = ctx.dictionary_attr(vec![(name, unit)]);
    let arr = ctx.array_attr(vec![dict]);
    ctx.set_attr(g.op(), "res_attrs", arr);
    let text = ctx.print_op(module.op(), &PrintOptions::default());
    assert!(
        text.contains("func.func private @two() -> (i32, f32)\n"),
        "{text}"
    );
    assert!(
        text.contains("func.func private @one() -> (i32 {foo.r})\n"),
        "{text}"
    );
}

#[test]
fn valid_call_verifies() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (caller, call, ret) = build_call(&mut ctx, module, i32t, i32t);
    assert_eq!(verify_op(&ctx, caller.op()), Ok(()));
    assert_eq!(verify_op(&ctx, call), Ok(()));
    assert_eq!(verify_op(&ctx, ret), Ok(()));
    assert_eq!(
        lookup_function(&ctx, call, "callee").map(|f| f.name(&ctx).to_string()),
        Some("callee".into())
    );
}

#[test]
fn call_operand_type_mismatch() {
    let (mut ctx, module) = setup();
    let f32t = ctx.f32_type();
    let i32t = ctx.i32_type();
    let (_, call, _) = build_call(&mut ctx, module, f32t, i32t);
    assert_eq!(
        verify_op(&ctx, call),
        Err("'func.call' op operand type mismatch: expected operand type 'i32', but provided 'f32' for operand number 0".into())
    );
}

#[test]
fn call_result_type_mismatch_has_notes() {
    let (mut ctx, module) = setup();
    let f32t = ctx.f32_type();
    let i32t = ctx.i32_type();
    let (_, call, _) = build_call(&mut ctx, module, i32t, f32t);
    let d = verify_op_diag(&ctx, call).unwrap_err();
    assert_eq!(d.message, "'func.call' op result type mismatch at index 0");
    assert_eq!(d.notes[0].message, "      op result types: 'f32'");
    assert_eq!(d.notes[1].message, "function result types: 'i32'");
}

#[test]
fn call_to_unknown_function() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (_, call, _) = build_call(&mut ctx, module, i32t, i32t);
    let other = ctx.symbol_ref_attr("nope");
    ctx.set_attr(call, "callee", other);
    assert_eq!(
        verify_op(&ctx, call),
        Err("'func.call' op 'nope' does not reference a valid function".into())
    );
}

#[test]
fn call_operand_count_mismatch() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (_, call, _) = build_call(&mut ctx, module, i32t, i32t);
    let a = ctx.operand(call, 0);
    ctx.set_operands(call, &[a, a]);
    assert_eq!(
        verify_op(&ctx, call),
        Err("'func.call' op incorrect number of operands for callee".into())
    );
}

#[test]
fn return_count_and_type_mismatch() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (_, _, ret) = build_call(&mut ctx, module, i32t, i32t);
    ctx.set_operands(ret, &[]);
    assert_eq!(
        verify_op(&ctx, ret),
        Err("'func.return' op has 0 operands, but enclosing function (@caller) returns 1".into())
    );
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let f32t = ctx.f32_type();
    let (caller, _, ret) = build_call(&mut ctx, module, i32t, i32t);
    let entry = caller.entry_block(&ctx).unwrap();
    let other = ctx.add_block_arg(entry, f32t, Location::UNKNOWN);
    ctx.set_operands(ret, &[other]);
    assert_eq!(
        verify_op(&ctx, ret),
        Err("type of return operand 0 ('f32') doesn't match function result type ('i32') in function @caller".into())
    );
}

#[test]
fn entry_block_must_match_signature() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let f32t = ctx.f32_type();
    let (caller, _, _) = build_call(&mut ctx, module, i32t, i32t);
    let entry = caller.entry_block(&ctx).unwrap();
    ctx.add_block_arg(entry, f32t, Location::UNKNOWN);
    assert_eq!(
        verify_op(&ctx, caller.op()),
        Err("'func.func' op entry block must have 1 arguments to match function signature".into())
    );
    let arg = ctx.block_arg(entry, 0);
    ctx.set_value_type(arg, f32t);
    ctx.erase_block_arg(entry, 1);
    assert_eq!(
        verify_op(&ctx, caller.op()),
        Err("'func.func' op type of entry block argument #0('f32') must match the type of the corresponding argument in function signature('i32')".into())
    );
}

#[test]
fn public_declaration_and_bad_visibility() {
    let (mut ctx, module) = setup();
    let fty = ctx.function_type(vec![], vec![]);
    let f = FuncOp::create_declaration(&mut ctx, "d", fty, Location::UNKNOWN);
    let body = module.body_block(&ctx);
    ctx.append_op(body, f.op());
    assert_eq!(verify_op(&ctx, f.op()), Ok(()));
    ctx.remove_attr(f.op(), "sym_visibility");
    assert_eq!(
        verify_op(&ctx, f.op()),
        Err("'func.func' op symbol declaration cannot have public visibility".into())
    );
    let bad = ctx.string_attr("foo");
    ctx.set_attr(f.op(), "sym_visibility", bad);
    assert_eq!(
        verify_op(&ctx, f.op()),
        Err("'func.func' op visibility expected to be one of [\"public\", \"private\", \"nested\"], but got \"foo\"".into())
    );
}

#[test]
fn arg_attrs_count_must_match() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (caller, _, _) = build_call(&mut ctx, module, i32t, i32t);
    let empty = ctx.dictionary_attr(vec![]);
    let arr = ctx.array_attr(vec![empty, empty]);
    ctx.set_attr(caller.op(), "arg_attrs", arr);
    assert_eq!(
        verify_op(&ctx, caller.op()),
        Err("'func.func' op expects argument attribute array to have the same number of elements as the number of function arguments, got 2, but expected 1".into())
    );
}

#[test]
fn func_constant_and_call_indirect() {
    let (mut ctx, module) = setup();
    let i32t = ctx.i32_type();
    let (caller, call, _) = build_call(&mut ctx, module, i32t, i32t);
    let fty = ctx.function_type(vec![i32t], vec![i32t]);
    let loc = Location::UNKNOWN;
    let value = ctx.symbol_ref_attr("callee");
    let cst = materialize_constant(&mut ctx, value, fty, loc).unwrap();
    ctx.insert_op_before(call, cst);
    assert_eq!(verify_op(&ctx, cst), Ok(()));
    let f = ctx.result(cst, 0);
    let arg = ctx.block_arg(caller.entry_block(&ctx).unwrap(), 0);
    let state = OperationState::new(&mut ctx, CallIndirectOp::NAME, loc)
        .operands(&[f, arg])
        .results(&[i32t]);
    let ci = ctx.create_op(state);
    ctx.insert_op_before(call, ci);
    assert_eq!(verify_op(&ctx, ci), Ok(()));
    let text = ctx.print_op(module.op(), &PrintOptions::default());
    assert!(
        text.contains("%0 = func.constant @callee : (i32) -> i32\n"),
        "{text}"
    );
    assert!(
        text.contains("%1 = func.call_indirect %0(%arg0) : (i32) -> i32\n"),
        "{text}"
    );
    assert_eq!(
        fold_constant(&mut ctx, cst, &[]),
        Some(vec![FoldResult::Attr(value)])
    );

    // A mismatched type or an unknown symbol is rejected.
    let f32t = ctx.f32_type();
    let bad_ty = ctx.function_type(vec![f32t], vec![]);
    ctx.set_value_type(f, bad_ty);
    assert_eq!(
        verify_op(&ctx, cst),
        Err("'func.constant' op reference to function with mismatched type".into())
    );
    assert_eq!(
        verify_op(&ctx, ci),
        Err(
            "'func.call_indirect' op failed to verify that callee input types match argument types"
                .into()
        )
    );
    let nope = ctx.symbol_ref_attr("nope");
    ctx.set_attr(cst, "value", nope);
    assert_eq!(
        verify_op(&ctx, cst),
        Err("'func.constant' op reference to undefined function 'nope'".into())
    );
}

#[test]
fn return_outside_func() {
    let (mut ctx, module) = setup();
    let ret = ReturnOp::create(&mut ctx, &[], Location::UNKNOWN);
    let body = module.body_block(&ctx);
    ctx.append_op(body, ret.op());
    assert_eq!(
        verify_op(&ctx, ret.op()),
        Err("'func.return' op expects parent op 'func.func'".into())
    );
}
