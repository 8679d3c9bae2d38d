//! Unit tests: inference of every op family, the table, and the dialect's verifier.

mod agreement;
mod consts;
mod elementwise;
mod nn;
mod robust;
mod shape;
mod signal;
mod table;
mod transformer;
mod verifier;

use flowc_ir::parser::{parse_attribute_str, parse_type_str};
use flowc_ir::{Attribute, Context, NamedAttr, Type};

/// Runs inference. An operand is a type (`tensor<3xf32>`, `none`) or a constant
/// `= dense<[1, 2]> : tensor<2xi64>` (its type is the attribute's). Attributes are
/// `(name, attribute text)`. Returns the printed result types.
pub fn infer(
    op: &str,
    operands: &[&str],
    attrs: &[(&str, &str)],
    nres: usize,
) -> Result<Vec<String>, String> {
    let mut ctx = Context::new();
    let mut types: Vec<Type> = Vec::new();
    let mut consts: Vec<Option<Attribute>> = Vec::new();
    for o in operands {
        if let Some(text) = o.strip_prefix('=') {
            let a = parse_attribute_str(&mut ctx, text.trim())
                .unwrap_or_else(|e| panic!("bad attribute {text}: {e:?}"));
            types.push(ctx.attr_type(a).expect("typed constant"));
            consts.push(Some(a));
        } else {
            types.push(
                parse_type_str(&mut ctx, o).unwrap_or_else(|e| panic!("bad type {o}: {e:?}")),
            );
            consts.push(None);
        }
    }
    let named: Vec<NamedAttr> = attrs
        .iter()
        .map(|(n, text)| {
            let a = parse_attribute_str(&mut ctx, text)
                .unwrap_or_else(|e| panic!("bad attribute {text}: {e:?}"));
            (ctx.ident(n), a)
        })
        .collect();
    let tys = crate::infer_result_types(&mut ctx, op, &types, &consts, &named, nres)?;
    Ok(tys.iter().map(|&t| ctx.print_type(t)).collect())
}

/// Asserts inference gives `want` (all results).
#[track_caller]
pub fn ok(op: &str, operands: &[&str], attrs: &[(&str, &str)], want: &[&str]) {
    match infer(op, operands, attrs, want.len()) {
        Ok(got) => assert_eq!(got, want, "{op} {operands:?} {attrs:?}"),
        Err(e) => panic!("{op} {operands:?} {attrs:?}: unexpected error: {e}"),
    }
}

/// Asserts inference fails with a message containing `needle`.
#[track_caller]
pub fn err(op: &str, operands: &[&str], attrs: &[(&str, &str)], nres: usize, needle: &str) {
    match infer(op, operands, attrs, nres) {
        Ok(got) => panic!("{op} {operands:?} {attrs:?}: expected an error, got {got:?}"),
        Err(e) => assert!(e.contains(needle), "{op}: error `{e}` lacks `{needle}`"),
    }
}
