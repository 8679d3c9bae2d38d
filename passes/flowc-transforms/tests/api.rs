//! The passes as plain functions, on IR parsed from text.

use flowc_ir::printer::PrintOptions;
use flowc_ir::{Context, Op};
use flowc_transforms::{
    CanonicalizeConfig, CseStats, InlineConfig, canonicalize, cse, inline, symbol_dce,
};

fn parse(ctx: &mut Context, text: &str) -> Op {
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    flowc_ir::parser::parse_source(ctx, text, "test.mlir", 0).expect("parses")
}

fn print(ctx: &Context, op: Op) -> String {
    ctx.print_op(op, &PrintOptions::default())
}

#[test]
fn inline_then_canonicalize_then_symbol_dce() {
    let mut ctx = Context::new();
    let m = parse(
        &mut ctx,
        r#"
        func.func private @sq(%x: i32) -> i32 {
          %0 = arith.muli %x, %x : i32
          return %0 : i32
        }
        func.func private @never() {
          return
        }
        func.func @main() -> i32 {
          %c3 = arith.constant 3 : i32
          %0 = call @sq(%c3) : (i32) -> i32
          return %0 : i32
        }
        "#,
    );
    let stats = inline(
        &mut ctx,
        m,
        &InlineConfig {
            canonicalize: false,
        },
    );
    assert_eq!((stats.inlined, stats.callees_erased), (1, 1));
    let stats = canonicalize(&mut ctx, m, &CanonicalizeConfig::default()).unwrap();
    assert_eq!(stats.folds, 1);
    assert_eq!(symbol_dce(&mut ctx, m), Ok(1));
    let text = print(&ctx, m);
    assert!(text.contains("arith.constant 9 : i32"), "{text}");
    assert!(!text.contains("@never") && !text.contains("@sq"), "{text}");
}

#[test]
fn cse_counts_what_it_merges() {
    let mut ctx = Context::new();
    let m = parse(
        &mut ctx,
        r#"
        func.func @f(%a: i32) -> (i32, i32) {
          %0 = arith.addi %a, %a : i32
          %1 = arith.addi %a, %a : i32
          %2 = arith.subi %a, %a : i32
          return %0, %1 : i32, i32
        }
        "#,
    );
    assert_eq!(cse(&mut ctx, m), CseStats { cse: 1, dce: 1 });
    assert_eq!(print(&ctx, m).matches("arith.").count(), 1);
}
