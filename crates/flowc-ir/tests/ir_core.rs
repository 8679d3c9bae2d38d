//! IR core behaviour built through the Rust API: use-lists, mutation, walks, the op macro, the
//! verifier and the printer. (Parsing is covered by `parse_print.rs`.)

use flowc_ir::builtin::ModuleOp;
use flowc_ir::constraints::{ANY_TYPE, I1, INTEGER_ATTR, SIGNLESS_INTEGER_LIKE};
use flowc_ir::printer::PrintOptions;
use flowc_ir::verifier::verify;
use flowc_ir::*;

flowc_ir::op! {
    /// A pure binary op for tests.
    pub struct AddOp = "t.add" {
        summary: "adds",
        operands: { lhs: one(SIGNLESS_INTEGER_LIKE), rhs: one(SIGNLESS_INTEGER_LIKE) },
        results: { result: one(SIGNLESS_INTEGER_LIKE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE | Traits::SAME_OPERANDS_AND_RESULT_TYPE | Traits::COMMUTATIVE,
    }
}

flowc_ir::op! {
    pub struct ConstOp = "t.const" {
        summary: "a constant",
        operands: {},
        results: { result: one(ANY_TYPE) },
        attributes: { value: required(INTEGER_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::CONSTANT_LIKE,
    }
}

flowc_ir::op! {
    /// An SSA-region op with one region.
    pub struct BodyOp = "t.body" {
        summary: "holds a body",
        operands: { inputs: variadic(ANY_TYPE) },
        results: {},
        attributes: {},
        regions: { body },
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    pub struct YieldOp = "t.yield" {
        summary: "terminates a body",
        operands: { values: variadic(ANY_TYPE) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR | Traits::PURE,
    }
}

flowc_ir::op! {
    pub struct CondBrOp = "t.cond_br" {
        summary: "branches",
        operands: { cond: one(I1) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR,
    }
}

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(
        DialectDef::new("t", "test ops")
            .op(AddOp::base_def())
            .op(ConstOp::base_def())
            .op(BodyOp::base_def())
            .op(YieldOp::base_def())
            .op(CondBrOp::base_def().successors(Some(2))),
    );
    ctx
}

/// module { t.body { %c = t.const 1; %s = t.add %c, %c; t.yield } }
fn build(ctx: &mut Context) -> (Op, Op, Op, Op) {
    let module = ModuleOp::create(ctx, Location::UNKNOWN).op();
    let mblock = ModuleOp(module).body_block(ctx);
    let region = ctx.create_region();
    let block = ctx.create_block(&[]);
    ctx.append_block(region, block);
    let mut st = OperationState::new(ctx, BodyOp::NAME, Location::UNKNOWN);
    st.regions.push(region);
    let body = ctx.create_op(st);
    ctx.append_op(mblock, body);

    let i32t = ctx.i32_type();
    let one = ctx.integer_attr(i32t, 1);
    let st = OperationState::new(ctx, ConstOp::NAME, Location::UNKNOWN)
        .results(&[i32t])
        .attr(ctx, "value", one);
    let c = ctx.create_op(st);
    ctx.append_op(block, c);
    let cv = ctx.result(c, 0);
    let st = OperationState::new(ctx, AddOp::NAME, Location::UNKNOWN)
        .operands(&[cv, cv])
        .results(&[i32t]);
    let add = ctx.create_op(st);
    ctx.append_op(block, add);
    let st = OperationState::new(ctx, YieldOp::NAME, Location::UNKNOWN);
    let y = ctx.create_op(st);
    ctx.append_op(block, y);
    (module, c, add, y)
}

fn messages(ctx: &Context, r: Result<(), Vec<Diagnostic>>) -> Vec<String> {
    r.err()
        .unwrap_or_default()
        .iter()
        .map(|d| d.render(ctx))
        .collect()
}

#[test]
fn use_lists_follow_mutation() {
    let mut ctx = context();
    let (_, c, add, _) = build(&mut ctx);
    let cv = ctx.result(c, 0);
    assert_eq!(ctx.uses(cv).len(), 2);
    assert_eq!(ctx.users(cv), vec![add]);

    let i32t = ctx.i32_type();
    let two = ctx.integer_attr(i32t, 2);
    let st = OperationState::new(&mut ctx, ConstOp::NAME, Location::UNKNOWN)
        .results(&[i32t])
        .attr(&mut ctx, "value", two);
    let c2 = ctx.create_op(st);
    ctx.insert_op_before(add, c2);
    let c2v = ctx.result(c2, 0);
    ctx.set_operand(add, 1, c2v);
    assert_eq!(
        ctx.uses(cv),
        &[Use {
            op: add,
            operand: 0
        }]
    );
    assert_eq!(
        ctx.uses(c2v),
        &[Use {
            op: add,
            operand: 1
        }]
    );

    ctx.replace_all_uses(cv, c2v);
    assert!(!ctx.has_uses(cv));
    assert_eq!(ctx.uses(c2v).len(), 2);
    assert_eq!(ctx.operand_vec(add), vec![c2v, c2v]);
    ctx.erase_op(c);
    assert!(!ctx.is_op_alive(c));
}

#[test]
fn typed_accessors_come_from_the_definition() {
    let mut ctx = context();
    let (module, c, add, _) = build(&mut ctx);
    let a = AddOp::cast(&ctx, add).unwrap();
    assert_eq!(a.lhs(&ctx), ctx.result(c, 0));
    assert_eq!(a.result(&ctx), ctx.result(add, 0));
    assert!(AddOp::cast(&ctx, c).is_none());
    let k = ConstOp(c);
    assert_eq!(ctx.int_value(k.value(&ctx).unwrap()), Some(1));
    // `value` is declared, so it is a property; an undeclared attribute stays discardable.
    assert_eq!(ctx.properties(c).len(), 1);
    let u = ctx.unit_attr();
    ctx.set_attr(c, "note", u);
    assert_eq!(ctx.discardable_attrs(c).len(), 1);
    assert!(verify(&ctx, module).is_ok());
}

#[test]
fn walks_visit_in_order() {
    let mut ctx = context();
    let (module, c, add, y) = build(&mut ctx);
    let body = ctx.op_parent_op(c).unwrap();
    assert_eq!(
        ctx.walk(module, WalkOrder::Pre),
        vec![module, body, c, add, y]
    );
    assert_eq!(
        ctx.walk(module, WalkOrder::Post),
        vec![c, add, y, body, module]
    );
}

#[test]
fn split_and_move() {
    let mut ctx = context();
    let (_, c, add, y) = build(&mut ctx);
    let block = ctx.op_parent_block(c).unwrap();
    let new = ctx.split_block(block, add);
    assert_eq!(ctx.block_ops(block).collect::<Vec<_>>(), vec![c]);
    assert_eq!(ctx.block_ops(new).collect::<Vec<_>>(), vec![add, y]);
    ctx.move_op_before(c, add);
    assert_eq!(ctx.block_ops(new).collect::<Vec<_>>(), vec![c, add, y]);
    assert!(ctx.block_is_empty(block));
}

#[test]
fn verifier_reports_definition_violations() {
    let mut ctx = context();
    let (module, c, add, _) = build(&mut ctx);
    // Wrong operand type for `t.add` (and results no longer match).
    let f32t = ctx.f32_type();
    let st = OperationState::new(&mut ctx, "t.const", Location::UNKNOWN).results(&[f32t]);
    let bad = ctx.create_op(st);
    ctx.insert_op_before(add, bad);
    let bv = ctx.result(bad, 0);
    ctx.set_operand(add, 0, bv);
    let file = ctx.file_loc("x.mlir", 3, 5);
    ctx.set_op_loc(add, file);
    let msgs = messages(&ctx, verify(&ctx, module));
    assert!(
        msgs.iter()
            .any(|m| m.contains("'t.const' op requires attribute 'value'")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.starts_with(
            "x.mlir:3:5: error: 't.add' op operand #0 must be signless-integer-like, but got 'f32'"
        )),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("requires the same type for all operands and results")),
        "{msgs:?}"
    );
    let _ = c;
}

#[test]
fn verifier_checks_dominance_and_terminators() {
    let mut ctx = context();
    let (module, c, add, y) = build(&mut ctx);
    // Use before definition in an SSA region.
    ctx.move_op_after(c, add);
    let msgs = messages(&ctx, verify(&ctx, module));
    assert!(
        msgs.iter()
            .any(|m| m.contains("'t.add' op operand #0 does not dominate this use")),
        "{msgs:?}"
    );
    ctx.move_op_before(c, add);
    assert!(verify(&ctx, module).is_ok());
    // A terminator in the middle of a block, and a block without terminator.
    ctx.move_op_before(y, add);
    let msgs = messages(&ctx, verify(&ctx, module));
    assert!(
        msgs.iter()
            .any(|m| m.contains("must be the last operation in the parent block")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("block with no terminator")),
        "{msgs:?}"
    );
}

#[test]
fn verifier_checks_multi_block_dominance() {
    // ^bb0: cond_br ^bb1, ^bb2   ^bb1: %x = const; yield   ^bb2: add %x, %x (not dominated)
    let mut ctx = context();
    let (module, c, add, y) = build(&mut ctx);
    let region = ctx.op_parent_region(c).unwrap();
    let entry = ctx.region_entry(region).unwrap();
    let b1 = ctx.split_block(entry, c);
    let b2 = ctx.split_block(b1, add);
    let i1 = ctx.i1_type();
    let t = ctx.integer_attr(i1, 1);
    let st = OperationState::new(&mut ctx, ConstOp::NAME, Location::UNKNOWN)
        .results(&[i1])
        .attr(&mut ctx, "value", t);
    let cond = ctx.create_op(st);
    ctx.append_op(entry, cond);
    let cv = ctx.result(cond, 0);
    let mut st = OperationState::new(&mut ctx, CondBrOp::NAME, Location::UNKNOWN).operands(&[cv]);
    st.successors = vec![b1, b2];
    let br = ctx.create_op(st);
    ctx.append_op(entry, br);
    let st = OperationState::new(&mut ctx, YieldOp::NAME, Location::UNKNOWN);
    let y1 = ctx.create_op(st);
    ctx.append_op(b1, y1);
    let msgs = messages(&ctx, verify(&ctx, module));
    assert_eq!(msgs.len(), 1, "{msgs:?}"); // the first non-dominating operand of the add
    assert!(msgs[0].contains("operand #0 does not dominate this use"));
    let _ = y;
}

#[test]
fn verifier_reports_duplicate_symbols() {
    let mut ctx = context();
    ctx.allow_unregistered_dialects = true;
    let module = ModuleOp::create(&mut ctx, Location::UNKNOWN);
    let block = module.body_block(&ctx);
    for line in [1, 2] {
        let name = ctx.string_attr("f");
        let loc = ctx.file_loc("s.mlir", line, 1);
        let st = OperationState::new(&mut ctx, "x.sym", loc).attr(&mut ctx, "sym_name", name);
        let op = ctx.create_op(st);
        ctx.append_op(block, op);
    }
    let msgs = messages(&ctx, verify(&ctx, module.op()));
    assert_eq!(
        msgs,
        vec![
            "s.mlir:2:1: error: redefinition of symbol named 'f'\ns.mlir:1:1: note: see existing symbol definition here\n"
        ]
    );
}

#[test]
fn printer_generic_and_properties() {
    let mut ctx = context();
    let (module, c, _, _) = build(&mut ctx);
    let loc = ctx.file_loc("a.mlir", 1, 2);
    ctx.set_op_loc(c, loc);
    let text = ctx.print_op(module, &PrintOptions::default());
    insta::assert_snapshot!("generic_module", text);
    let text = ctx.print_op(
        module,
        &PrintOptions {
            generic: true,
            debug_info: true,
        },
    );
    insta::assert_snapshot!("generic_module_debuginfo", text);
}

#[test]
fn attributes_print_like_mlir() {
    let mut ctx = Context::new();
    let i32t = ctx.i32_type();
    let i8t = ctx.integer_type(8);
    let f32t = ctx.f32_type();
    let f16t = ctx.float_type(FloatKind::F16);
    let i64t = ctx.i64_type();
    let cases = [
        (ctx.integer_attr(i32t, 42), "42 : i32"),
        (ctx.integer_attr(i8t, 255), "-1 : i8"),
        (ctx.integer_attr(i64t, 7), "7 : i64"),
        (ctx.float_attr(f32t, 1.0), "1.000000e+00 : f32"),
        (ctx.float_attr(f32t, 0.1), "1.000000e-01 : f32"),
        (ctx.float_attr(f16t, f64::INFINITY), "0x7C00 : f16"),
        (ctx.float_attr(f32t, f64::NAN), "0x7FC00000 : f32"),
        (ctx.string_attr("a\"b\n\u{1}"), "\"a\\22b\\0A\\01\""),
        (ctx.dense_i64_array_attr(&[1, -2]), "array<i64: 1, -2>"),
    ];
    for (attr, expected) in cases {
        assert_eq!(ctx.print_attr(attr), expected);
    }
    let f64t = ctx.f64_type();
    let third = ctx.float_attr(f64t, 1.0 / 3.0);
    let printed = ctx.print_attr(third);
    let number = printed.strip_suffix(" : f64").unwrap();
    assert_eq!(number.parse::<f64>().unwrap(), 1.0 / 3.0, "{printed}");
    let t = ctx.tensor_type(vec![2, DYNAMIC], f32t);
    assert_eq!(ctx.print_type(t), "tensor<2x?xf32>");
    let one = ctx.float_attr(f32t, 1.5);
    let t4 = ctx.tensor_type(vec![4], f32t);
    let splat = ctx.splat_attr(t4, one).unwrap();
    assert_eq!(ctx.print_attr(splat), "dense<1.500000e+00> : tensor<4xf32>");
    let fty = ctx.function_type(vec![i32t], vec![t]);
    assert_eq!(ctx.print_type(fty), "(i32) -> tensor<2x?xf32>");
    let fty2 = ctx.function_type(vec![], vec![fty]);
    assert_eq!(ctx.print_type(fty2), "() -> ((i32) -> tensor<2x?xf32>)");
}

#[test]
fn fused_locations_flatten_and_dedupe() {
    let mut ctx = Context::new();
    let a = ctx.file_loc("a", 1, 1);
    let b = ctx.name_loc("b", None);
    let ab = ctx.fused_loc(&[a, b], None);
    let again = ctx.fused_loc(&[ab, a, Location::UNKNOWN], None);
    assert_eq!(ab, again);
    assert_eq!(ctx.fused_loc(&[a], None), a);
    assert_eq!(ctx.print_location(ab), "loc(fused[\"a\":1:1, \"b\"])");
    let cs = ctx.intern_loc(LocData::CallSite {
        callee: b,
        caller: a,
    });
    assert_eq!(ctx.file_line_col(cs), None);
    let named = ctx.name_loc("n", Some(a));
    assert_eq!(ctx.file_line_col(named), Some(("a", 1, 1)));
}

#[test]
fn deep_nesting_walks_without_recursion() {
    let mut ctx = context();
    ctx.allow_unregistered_dialects = true;
    let module = ModuleOp::create(&mut ctx, Location::UNKNOWN);
    let mut block = module.body_block(&ctx);
    for _ in 0..100_000 {
        let region = ctx.create_region();
        let inner = ctx.create_block(&[]);
        ctx.append_block(region, inner);
        let mut st = OperationState::new(&mut ctx, "x.nest", Location::UNKNOWN);
        st.regions.push(region);
        let op = ctx.create_op(st);
        ctx.append_op(block, op);
        block = inner;
    }
    assert_eq!(ctx.walk(module.op(), WalkOrder::Post).len(), 100_001);
    assert!(verify(&ctx, module.op()).is_ok());
    ctx.erase_op(module.op());
}
