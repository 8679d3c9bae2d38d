//! `test-legalize-patterns`: a dialect conversion over `test.conv_*` ops, for testing the
//! conversion framework from lit (MLIR's `test-legalize-patterns`).
//!
//! | op | target | pattern |
//! | --- | --- | --- |
//! | `test.conv_source` | illegal | becomes `test.conv_target` (same operands, attributes) |
//! | `test.conv_chain` | illegal | becomes `test.conv_source`, itself legalized in turn |
//! | `test.conv_target` | legal (with `convert-types`: when its types are legal) | |
//! | `test.conv_illegal` | illegal | none: the conversion fails on it |
//! | `func`, `arith`, `math` ops | legal (with `convert-types`: when their types are legal) | |
//! | anything else | unknown: kept by a partial conversion, an error for a full one | |
//!
//! Options: `mode=partial|full`; `convert-types` converts `i32` to `i64` (results of
//! `test.conv_target`, function signatures, `func.return` / `func.call` operands and results),
//! with `builtin.unrealized_conversion_cast` materializations where unconverted users remain.

use flowc_ir::{Context, Location, Op, OperationState, Value};
use flowc_pass::{Pass, PassFailure, PassInfo, PassOptions, PassRegistry, PassState};
use flowc_rewrite::conversion::{
    ConversionMode, ConversionPattern, ConversionPatternSet, ConversionRewriter, ConversionTarget,
    TypeConverter, apply_conversion, populate_function_signature_conversion,
    populate_type_conversion_patterns,
};

/// Renames an op, keeping operands and attributes; result types go through the type converter
/// when there is one.
struct Rename {
    from: &'static str,
    to: &'static str,
}

impl ConversionPattern for Rename {
    fn name(&self) -> &str {
        self.from
    }

    fn root(&self) -> Option<&str> {
        Some(self.from)
    }

    fn match_and_rewrite(
        &self,
        op: Op,
        operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool {
        let mut results = rewriter.ctx.result_types(op);
        if let Some(tc) = rewriter.type_converter() {
            match tc.convert_types(rewriter.ctx, &results) {
                Some(r) if r.len() == results.len() => results = r,
                _ => return false,
            }
        }
        let loc: Location = rewriter.ctx.op_loc(op);
        let mut state = OperationState::new(rewriter.ctx, self.to, loc)
            .operands(operands)
            .results(&results);
        state.attributes = rewriter.ctx.discardable_attrs(op).to_vec();
        state.properties = rewriter.ctx.properties(op).to_vec();
        rewriter.replace_op_with_new(op, state);
        true
    }
}

/// Runs the test conversion on `root`.
pub fn test_legalize(
    ctx: &mut Context,
    root: Op,
    mode: ConversionMode,
    convert_types: bool,
) -> Result<usize, flowc_ir::Diagnostic> {
    let (i32, i64) = (ctx.i32_type(), ctx.i64_type());
    let mut tc = TypeConverter::new();
    if convert_types {
        tc.add_identity_conversion();
        tc.add_type_conversion(move |_, t| (t == i32).then_some(i64));
    }
    let tc = &tc;
    let mut target = ConversionTarget::new();
    target
        .add_illegal_op("test.conv_source")
        .add_illegal_op("test.conv_chain")
        .add_illegal_op("test.conv_illegal");
    if convert_types {
        target.add_dynamically_legal_op("test.conv_target", move |ctx, op| tc.is_legal_op(ctx, op));
        target.add_dynamically_legal_op("func.func", move |ctx, op| tc.is_function_legal(ctx, op));
        for d in ["func", "arith", "math"] {
            target.add_dynamically_legal_dialect(d, move |ctx, op| tc.is_legal_op(ctx, op));
        }
    } else {
        target.add_legal_op("test.conv_target");
        for d in ["func", "arith", "math"] {
            target.add_legal_dialect(d);
        }
    }
    let mut patterns = ConversionPatternSet::new();
    patterns.add(Box::new(Rename {
        from: "test.conv_source",
        to: "test.conv_target",
    }));
    patterns.add(Box::new(Rename {
        from: "test.conv_chain",
        to: "test.conv_source",
    }));
    if convert_types {
        populate_function_signature_conversion(&mut patterns);
        populate_type_conversion_patterns(&mut patterns, &["func.return", "func.call"]);
    }
    apply_conversion(ctx, root, &target, &patterns, tc, mode).map(|s| s.patterns_applied)
}

/// The `test-legalize-patterns` pass.
pub struct TestLegalizePatterns {
    pub mode: ConversionMode,
    pub convert_types: bool,
}

pub(crate) fn register(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new(
            "test-legalize-patterns",
            "Test dialect conversion: legalize test.conv_* ops",
            |o: &PassOptions| {
                let mode = match o.get_choice("mode", &["partial", "full"], "partial")? {
                    "full" => ConversionMode::Full,
                    _ => ConversionMode::Partial,
                };
                Ok(Box::new(TestLegalizePatterns {
                    mode,
                    convert_types: o.get_bool("convert-types", false)?,
                }))
            },
        )
        .option(
            "mode",
            "The conversion mode: 'partial' or 'full'",
            "partial",
        )
        .option(
            "convert-types",
            "Convert i32 to i64 (signatures, returns, calls, test.conv_target results)",
            "false",
        ),
    );
}

impl Pass for TestLegalizePatterns {
    fn argument(&self) -> &'static str {
        "test-legalize-patterns"
    }

    fn summary(&self) -> &'static str {
        "Test dialect conversion: legalize test.conv_* ops"
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match test_legalize(ctx, op, self.mode, self.convert_types) {
            Ok(n) => {
                state.stat_with_description(
                    "num-patterns-applied",
                    "Number of conversion pattern applications",
                    n as u64,
                );
                Ok(())
            }
            Err(d) => Err(PassFailure::emit(ctx, d)),
        }
    }
}
