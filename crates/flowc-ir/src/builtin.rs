//! The `builtin` dialect: `builtin.module` and `builtin.unrealized_conversion_cast`.
//!
//! It lives in the IR core, as in MLIR, because the parser wraps top-level operations in a
//! module and dialect conversion materializes casts.

use crate::constraints::{ANY_TYPE, STRING_ATTR};
use crate::parser::{OpParser, ParseResult};
use crate::printer::OpPrinter;
use crate::{Context, DialectDef, Location, Op, OperationState, Traits};

crate::op! {
    /// A top-level container of operations; its body is a graph region holding a symbol table.
    pub struct ModuleOp = "builtin.module" {
        summary: "A top level container operation",
        operands: {},
        results: {},
        attributes: { sym_name: optional(STRING_ATTR), sym_visibility: optional(STRING_ATTR) },
        regions: { body },
        traits: Traits::ISOLATED_FROM_ABOVE
            | Traits::SYMBOL_TABLE
            | Traits::NO_TERMINATOR
            | Traits::SINGLE_BLOCK
            | Traits::GRAPH_REGIONS,
    }
}

crate::op! {
    /// A cast between types that a partial dialect conversion leaves behind; folds away when
    /// casts cancel.
    pub struct UnrealizedConversionCastOp = "builtin.unrealized_conversion_cast" {
        summary: "An unrealized conversion from one set of types to another",
        operands: { inputs: variadic(ANY_TYPE) },
        results: { outputs: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

pub fn dialect() -> DialectDef {
    DialectDef::new(
        "builtin",
        "Types, attributes and the module operation of the IR core",
    )
    .op(ModuleOp::base_def().assembly(print_module, parse_module))
    .op(UnrealizedConversionCastOp::base_def().assembly(print_cast, parse_cast))
}

impl ModuleOp {
    /// Creates an empty module with one block, detached.
    pub fn create(ctx: &mut Context, loc: Location) -> ModuleOp {
        let region = ctx.create_region();
        let block = ctx.create_block(&[]);
        ctx.append_block(region, block);
        let mut state = OperationState::new(ctx, Self::NAME, loc);
        state.regions.push(region);
        ModuleOp(ctx.create_op(state))
    }

    pub fn body_block(self, ctx: &Context) -> crate::Block {
        ctx.region_entry(self.body(ctx))
            .expect("module without a block")
    }
}

/// Creates `builtin.unrealized_conversion_cast` ops (detached).
pub fn create_cast(
    ctx: &mut Context,
    inputs: &[crate::Value],
    outputs: &[crate::Type],
    loc: Location,
) -> Op {
    let state = OperationState::new(ctx, UnrealizedConversionCastOp::NAME, loc)
        .operands(inputs)
        .results(outputs);
    ctx.create_op(state)
}

// module @name attributes {...} { ... }
fn print_module(p: &mut OpPrinter<'_, '_>, op: Op) {
    if let Some(name) = p
        .ctx()
        .attr(op, "sym_name")
        .and_then(|a| p.ctx().str_value(a).map(str::to_owned))
    {
        p.write(" ");
        p.print_symbol_name(&name);
    }
    p.print_optional_attr_dict_with_keyword(op, &["sym_name"]);
    p.write(" ");
    let region = p.ctx().region(op, 0);
    p.print_region(region, false, false);
}

fn parse_module(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    if let Some(name) = p.parse_optional_symbol_name()? {
        let attr = p.ctx().string_attr(name);
        state.add_attr(p.ctx(), "sym_name", attr);
    }
    p.parse_optional_attr_dict_with_keyword(&mut state.attributes)?;
    let region = p.ctx().create_region();
    p.parse_region(region, &[], false)?;
    p.ensure_block(region);
    state.regions.push(region);
    Ok(())
}

// %0 = builtin.unrealized_conversion_cast %a, %b : i32, f32 to i64
fn print_cast(p: &mut OpPrinter<'_, '_>, op: Op) {
    let operands = p.ctx().operand_vec(op);
    if !operands.is_empty() {
        p.write(" ");
        p.print_operands(&operands);
    }
    p.print_optional_attr_dict(op, &[]);
    if !operands.is_empty() {
        p.write(" : ");
        let types = p.ctx().operand_types(op);
        p.print_type_list(&types);
    }
    p.write(" to ");
    let types = p.ctx().result_types(op);
    p.print_type_list(&types);
}

fn parse_cast(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let operands = p.parse_operand_list()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let mut types = Vec::new();
    if !operands.is_empty() {
        p.parse_punct(":")?;
        types = p.parse_type_list()?;
    }
    p.parse_keyword("to")?;
    state.result_types = p.parse_type_list()?;
    p.resolve_operands(&operands, &types, &mut state.operands)?;
    Ok(())
}
