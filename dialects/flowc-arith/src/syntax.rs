//! Custom assembly of the arith ops, exactly as `mlir-opt` 22 prints it.
//!
//! ```mlir
//! %c = arith.constant {attrs} 42 : i32
//! %0 = arith.addi %a, %b overflow<nsw, nuw> {attrs} : i32
//! %1 = arith.addf %x, %y fastmath<nnan,ninf> : f32
//! %2 = arith.negf %x fastmath<fast> : f32
//! %3 = arith.cmpi slt, %a, %b : i32
//! %4 = arith.select %c, %a, %b : vector<4xi1>, vector<4xi32>
//! %5 = arith.truncf %x to_nearest_even fastmath<fast> : f32 to f16
//! ```
//!
//! Flags equal to `none` are neither printed nor stored when parsed, so `addi %a, %b` and
//! `addi %a, %b overflow<none>` make the same op.

use crate::flags::{self, FastMathFlags, OverflowFlags};
use crate::{CMPF_PREDICATES, CMPI_PREDICATES, bool_like};
use flowc_ir::parser::{OpParser, ParseResult};
use flowc_ir::printer::OpPrinter;
use flowc_ir::{AttrData, Op, OperationState};

/// Prints the flags inline (` overflow<nsw>`, ` fastmath<fast>`, ` to_nearest_even`) and
/// returns the attribute names printed that way, to elide from the attribute dictionary.
fn print_flags(p: &mut OpPrinter<'_, '_>, op: Op) -> Vec<&'static str> {
    let ctx = p.ctx();
    let mut elided = Vec::new();
    if let Some(a) = ctx.attr(op, "roundingmode")
        && let AttrData::Integer { value, .. } = ctx.attr_data(a)
        && let Some(name) = usize::try_from(*value)
            .ok()
            .and_then(|i| flags::ROUNDING_MODES.get(i))
        && (flags::ROUNDING_MODE_ATTR.check)(ctx, a)
    {
        p.write(" ");
        p.write(name);
        elided.push("roundingmode");
    }
    if let Some(a) = ctx.attr(op, "overflowFlags")
        && let Some(f) = OverflowFlags::from_attr(ctx, a)
    {
        if f != OverflowFlags::NONE {
            p.write(" overflow<");
            p.write(&f.keywords());
            p.write(">");
        }
        elided.push("overflowFlags");
    }
    if let Some(a) = ctx.attr(op, "fastmath")
        && let Some(f) = FastMathFlags::from_attr(ctx, a)
    {
        if f != FastMathFlags::NONE {
            p.write(" fastmath<");
            p.write(&f.keywords());
            p.write(">");
        }
        elided.push("fastmath");
    }
    elided
}

fn add_overflow(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    if let Some(f) = flags::parse_optional_overflow(p)?
        && f != OverflowFlags::NONE
    {
        let a = f.to_attr(p.ctx());
        state.add_attr(p.ctx(), "overflowFlags", a);
    }
    Ok(())
}

fn add_fastmath(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    if let Some(f) = flags::parse_optional_fastmath(p)?
        && f != FastMathFlags::NONE
    {
        let a = f.to_attr(p.ctx());
        state.add_attr(p.ctx(), "fastmath", a);
    }
    Ok(())
}

// ===== Binary and unary ops =====

/// ` %a, %b [flags] {attrs} : type`
pub fn print_binary(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let operands = ctx.operand_vec(op);
    p.write(" ");
    p.print_operands(&operands);
    let elided = print_flags(p, op);
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

/// `Flags` says which inline flags the op accepts.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Flags {
    None,
    Overflow,
    FastMath,
}

fn parse_binary_with(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
    flags: Flags,
) -> ParseResult<()> {
    let lhs = p.parse_operand()?;
    p.parse_punct(",")?;
    let rhs = p.parse_operand()?;
    match flags {
        Flags::Overflow => add_overflow(p, state)?,
        Flags::FastMath => add_fastmath(p, state)?,
        Flags::None => {}
    }
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&[lhs, rhs], &[ty, ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

pub fn parse_binary(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    parse_binary_with(p, state, Flags::None)
}

pub fn parse_binary_overflow(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> ParseResult<()> {
    parse_binary_with(p, state, Flags::Overflow)
}

pub fn parse_binary_fastmath(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> ParseResult<()> {
    parse_binary_with(p, state, Flags::FastMath)
}

/// ` %a [fastmath<...>] {attrs} : type` (also used by the math dialect).
pub fn print_unary(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operand(ctx.operand(op, 0));
    let elided = print_flags(p, op);
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

/// Parses what [`print_unary`] prints, accepting `fastmath<...>`.
pub fn parse_unary_fastmath(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> ParseResult<()> {
    let operand = p.parse_operand()?;
    add_fastmath(p, state)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&[operand], &[ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

/// Parses what [`print_unary`] prints, without flags.
pub fn parse_unary(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let operand = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&[operand], &[ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

// ===== Constants =====

/// ` {attrs} 42 : i32`, ` true`, ` 1.000000e+00 : f64`, ` dense<...> : tensor<4xf32>`
pub(crate) fn print_constant(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.print_optional_attr_dict(op, &["value"]);
    p.write(" ");
    let Some(value) = ctx.attr(op, "value") else {
        return;
    };
    match ctx.attr_data(value) {
        AttrData::Integer { ty, .. } if !ctx.is_signless_int_of_width(*ty, 1) => {
            p.print_attr_without_type(value);
            p.write(" : ");
            p.print_type(*ty);
        }
        AttrData::Float { ty, .. } => {
            p.print_attr_without_type(value);
            p.write(" : ");
            p.print_type(*ty);
        }
        _ => p.print_attr(value),
    }
}

pub(crate) fn parse_constant(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> ParseResult<()> {
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let loc = p.current_loc();
    let value = p.parse_attribute()?;
    let ctx = p.ctx();
    let value = match ctx.attr_data(value) {
        AttrData::Bool(b) => {
            let b = *b;
            let i1 = ctx.i1_type();
            ctx.integer_attr(i1, b as i128)
        }
        _ => value,
    };
    let Some(ty) = ctx.attr_type(value) else {
        return Err(flowc_ir::Diagnostic::error(
            loc,
            "expected attribute with a type",
        ));
    };
    state.result_types.push(ty);
    state.add_attr(ctx, "value", value);
    Ok(())
}

// ===== Comparisons =====

/// ` slt, %a, %b [fastmath<...>] {attrs} : i32`
pub(crate) fn print_cmp(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let names: &[&str] = if ctx.op_name(op) == "arith.cmpf" {
        &CMPF_PREDICATES
    } else {
        &CMPI_PREDICATES
    };
    let pred = ctx.attr(op, "predicate").and_then(|a| ctx.int_value(a));
    let name = pred
        .and_then(|v| usize::try_from(v).ok())
        .and_then(|i| names.get(i));
    let mut elided = Vec::new();
    if let Some(name) = name {
        p.write(" ");
        p.write(name);
        p.write(",");
        elided.push("predicate");
    }
    p.write(" ");
    p.print_operands(&ctx.operand_vec(op));
    elided.extend(print_flags(p, op));
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn parse_cmp(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
    names: &[&str],
) -> ParseResult<()> {
    let loc = p.current_loc();
    let keyword = match p.parse_optional_any_keyword() {
        Some(k) => Some(k),
        None => p.parse_string().ok(),
    };
    let Some(index) = keyword
        .as_deref()
        .and_then(|k| names.iter().position(|n| *n == k))
    else {
        return Err(flowc_ir::Diagnostic::error(
            loc,
            format!(
                "custom op '{}' expected string or keyword containing one of the following enum values for attribute 'predicate' [{}]",
                p.ctx().ident_str(state.name),
                names.join(", ")
            ),
        ));
    };
    p.parse_punct(",")?;
    let lhs = p.parse_operand()?;
    p.parse_punct(",")?;
    let rhs = p.parse_operand()?;
    if names.len() == CMPF_PREDICATES.len() {
        add_fastmath(p, state)?;
    }
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&[lhs, rhs], &[ty, ty], &mut state.operands)?;
    let ctx = p.ctx();
    let pred = ctx.i64_attr(index as i64);
    state.add_attr(ctx, "predicate", pred);
    let result = bool_like(ctx, ty);
    state.result_types.push(result);
    Ok(())
}

pub(crate) fn parse_cmpi(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    parse_cmp(p, state, &CMPI_PREDICATES)
}

pub(crate) fn parse_cmpf(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    parse_cmp(p, state, &CMPF_PREDICATES)
}

// ===== Select =====

/// ` %c, %a, %b {attrs} : [cond_type, ]type`: the condition type is printed when it is shaped.
pub(crate) fn print_select(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operands(&ctx.operand_vec(op));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    let cond = ctx.value_type(ctx.operand(op, 0));
    if ctx.is_shaped(cond) {
        p.print_type(cond);
        p.write(", ");
    }
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

pub(crate) fn parse_select(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> ParseResult<()> {
    let operands = p.parse_operand_list()?;
    if operands.len() != 3 {
        return Err(p.error("expected 3 operands"));
    }
    p.parse_optional_attr_dict(&mut state.attributes)?;
    p.parse_punct(":")?;
    let first = p.parse_type()?;
    let (cond, ty) = if p.parse_optional_punct(",") {
        (first, p.parse_type()?)
    } else {
        (p.ctx().i1_type(), first)
    };
    p.resolve_operands(&operands, &[cond, ty, ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

// ===== Casts =====

/// ` %a [to_nearest_even] [fastmath<...>] {attrs} : i32 to i64`
pub(crate) fn print_cast(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operand(ctx.operand(op, 0));
    let elided = print_flags(p, op);
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.operand(op, 0)));
    p.write(" to ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

pub(crate) fn parse_cast(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let operand = p.parse_operand()?;
    let name = p.ctx().ident_str(state.name).to_string();
    if name == "arith.truncf" {
        for (i, mode) in flags::ROUNDING_MODES.iter().enumerate() {
            if p.parse_optional_keyword(mode) {
                let ctx = p.ctx();
                let i32t = ctx.i32_type();
                let a = ctx.integer_attr(i32t, i as i128);
                state.add_attr(ctx, "roundingmode", a);
                break;
            }
        }
    }
    match name.as_str() {
        "arith.trunci" => add_overflow(p, state)?,
        "arith.truncf" | "arith.extf" => add_fastmath(p, state)?,
        _ => {}
    }
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let from = p.parse_colon_type()?;
    p.parse_keyword("to")?;
    let to = p.parse_type()?;
    p.resolve_operands(&[operand], &[from], &mut state.operands)?;
    state.result_types.push(to);
    Ok(())
}
