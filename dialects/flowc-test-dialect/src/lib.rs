//! The `test` dialect: ops that exist to test the IR core, the verifier and the passes, as
//! MLIR's test dialect does. They use the generic syntax only:
//!
//! ```mlir
//! %0 = "test.op"(%a) {any} : (i32) -> f32
//! "test.region"() ({ "test.terminator"() : () -> () }) : () -> ()
//! "test.br"(%x)[^bb1] : (i32) -> ()
//! %1 = "test.i32_operand"(%a) : (i32) -> i32
//! ```
//!
//! Each op has one purpose: a trait (`test.pure`, `test.isolated`, `test.graph_region`,
//! `test.symbol_table`), a constraint whose verifier message lit tests pin (`test.i32_operand`,
//! `test.attr_i64`, `test.same_types`), a folder (`test.fold_to_operand`), or a role in
//! dialect-conversion tests (`test.conv_source` is illegal, `test.conv_target` legal).

use flowc_ir::constraints::{ANY_TYPE, I64_ATTR, STRING_ATTR};
use flowc_ir::{Attribute, Context, DialectDef, FoldResult, Op, Traits, TypeConstraint};

/// `i32` exactly, with MLIR's wording.
pub const I32: TypeConstraint = TypeConstraint {
    description: "32-bit signless integer",
    check: |ctx, ty| ctx.is_signless_int_of_width(ty, 32),
};

flowc_ir::op! {
    /// Anything: any operands, results and attributes, any number of successors.
    pub struct TestOp = "test.op" {
        summary: "an op with any operands, results and attributes",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Like `test.op`, but pure: removable when unused, merged by CSE.
    pub struct PureOp = "test.pure" {
        summary: "a pure op with any operands and results",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// One region with SSA dominance; values from above are visible.
    pub struct RegionOp = "test.region" {
        summary: "an op with one region",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: { body },
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// One graph region: no dominance, no terminator.
    pub struct GraphRegionOp = "test.graph_region" {
        summary: "an op with one graph region",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: { body },
        traits: Traits::GRAPH_REGIONS | Traits::NO_TERMINATOR,
    }
}

flowc_ir::op! {
    /// One region that may not use values defined outside.
    pub struct IsolatedOp = "test.isolated" {
        summary: "an op with one region isolated from above",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: { body },
        traits: Traits::ISOLATED_FROM_ABOVE,
    }
}

flowc_ir::op! {
    /// Ends a block of `test.region` / `test.isolated`.
    pub struct TerminatorOp = "test.terminator" {
        summary: "a terminator with any operands",
        operands: { operands: variadic(ANY_TYPE) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR,
    }
}

flowc_ir::op! {
    /// Branches to its one successor, passing its operands as the block's arguments.
    pub struct BranchOp = "test.br" {
        summary: "an unconditional branch",
        operands: { operands: variadic(ANY_TYPE) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR,
    }
}

flowc_ir::op! {
    /// Branches to one of two successors (no operands are forwarded).
    pub struct CondBranchOp = "test.cond_br" {
        summary: "a two-way branch on an i1",
        operands: { condition: one(flowc_ir::constraints::I1) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR,
    }
}

flowc_ir::op! {
    /// A symbol: `"test.symbol"() {sym_name = "s"} : () -> ()`.
    pub struct SymbolOp = "test.symbol" {
        summary: "a symbol",
        operands: {},
        results: {},
        attributes: { sym_name: required(STRING_ATTR), sym_visibility: optional(STRING_ATTR) },
        regions: {},
        traits: Traits::SYMBOL,
    }
}

flowc_ir::op! {
    /// A symbol table with one block and no terminator, like a module.
    pub struct SymbolTableOp = "test.symbol_table" {
        summary: "a symbol table",
        operands: {},
        results: {},
        attributes: { sym_name: optional(STRING_ATTR), sym_visibility: optional(STRING_ATTR) },
        regions: { body },
        traits: Traits::SYMBOL_TABLE | Traits::NO_TERMINATOR | Traits::SINGLE_BLOCK | Traits::GRAPH_REGIONS,
    }
}

flowc_ir::op! {
    /// Takes exactly one `i32` (tests the operand constraint message).
    pub struct I32OperandOp = "test.i32_operand" {
        summary: "an op whose operand must be i32",
        operands: { input: one(I32) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Requires an `i64` attribute `value` (tests attribute presence and constraint messages).
    pub struct AttrI64Op = "test.attr_i64" {
        summary: "an op with a required i64 attribute",
        operands: {},
        results: {},
        attributes: { value: required(I64_ATTR) },
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Operands and results all of one type.
    pub struct SameTypesOp = "test.same_types" {
        summary: "an op whose operands and results have the same type",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::SAME_OPERANDS_AND_RESULT_TYPE,
    }
}

flowc_ir::op! {
    /// Two variadic operand groups sized by `operandSegmentSizes`.
    pub struct VariadicOp = "test.variadic" {
        summary: "two variadic operand groups",
        operands: { first: variadic(ANY_TYPE), second: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::ATTR_SIZED_OPERAND_SEGMENTS,
    }
}

flowc_ir::op! {
    /// Folds to its first operand.
    pub struct FoldToOperandOp = "test.fold_to_operand" {
        summary: "an op that folds to its operand",
        operands: { input: one(ANY_TYPE) },
        results: { result: one(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// The op dialect-conversion tests convert away (declared illegal there).
    pub struct ConvSourceOp = "test.conv_source" {
        summary: "the source op of conversion tests",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// What conversion tests produce from `test.conv_source`.
    pub struct ConvTargetOp = "test.conv_target" {
        summary: "the target op of conversion tests",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

/// The `test` dialect definition.
pub fn dialect() -> DialectDef {
    DialectDef::new(
        "test",
        "Ops for testing the IR core, the verifier and passes",
    )
    .op(TestOp::base_def().successors(None))
    .op(PureOp::base_def())
    .op(RegionOp::base_def())
    .op(GraphRegionOp::base_def())
    .op(IsolatedOp::base_def())
    .op(TerminatorOp::base_def())
    .op(BranchOp::base_def().successors(Some(1)))
    .op(CondBranchOp::base_def().successors(Some(2)))
    .op(SymbolOp::base_def())
    .op(SymbolTableOp::base_def())
    .op(I32OperandOp::base_def())
    .op(AttrI64Op::base_def())
    .op(SameTypesOp::base_def())
    .op(VariadicOp::base_def())
    .op(FoldToOperandOp::base_def().folder(fold_to_operand))
    .op(ConvSourceOp::base_def())
    .op(ConvTargetOp::base_def())
}

fn fold_to_operand(
    ctx: &mut Context,
    op: Op,
    _operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    Some(vec![FoldResult::Value(ctx.operand(op, 0))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_ir::{Location, OperationState};

    #[test]
    fn registers_and_folds() {
        let mut ctx = Context::new();
        ctx.register_dialect(dialect());
        assert!(
            ctx.lookup_op_def("test.graph_region")
                .unwrap()
                .has_trait(Traits::GRAPH_REGIONS)
        );
        assert!(
            ctx.lookup_op_def("test.variadic")
                .unwrap()
                .declares_attr("operandSegmentSizes")
        );
        let i32t = ctx.i32_type();
        let state = OperationState::new(&mut ctx, "test.op", Location::UNKNOWN).results(&[i32t]);
        let src = ctx.create_op(state);
        let v = ctx.result(src, 0);
        let state = OperationState::new(&mut ctx, "test.fold_to_operand", Location::UNKNOWN)
            .operands(&[v])
            .results(&[i32t]);
        let op = ctx.create_op(state);
        let fold = ctx.op_def(op).unwrap().fold.unwrap();
        assert_eq!(
            fold(&mut ctx, op, &[None]),
            Some(vec![FoldResult::Value(v)])
        );
        assert!((I32.check)(&ctx, i32t));
        let i64t = ctx.i64_type();
        assert!(!(I32.check)(&ctx, i64t));
    }
}
