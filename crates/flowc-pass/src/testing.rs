//! Small passes for testing the pass infrastructure (MLIR's `test/lib/Pass`), plus `print-ir`.
//!
//! [`register_test_passes`] registers them; `flowc-init` does so for `flowc-opt`, so lit tests
//! can drive failures, diagnostics, statistics and anchors without depending on real passes:
//!
//! | argument | anchor | does |
//! | --- | --- | --- |
//! | `test-pass-failure{message=...}` | any | fails; emits `message` as an error when given |
//! | `test-count-ops{emit-remark}` | any | counts nested ops (`num-ops`); optionally a remark |
//! | `test-mark{attr=...}` | any | sets a unit attribute on the op (`num-marked`) |
//! | `test-mark-func{attr=...}` | `func.func` | same, restricted to `func.func` |
//! | `test-mark-module{attr=...}` | `builtin.module` | same, restricted to `builtin.module` |
//! | `test-diagnostics` | any | emits `test.remark` / `test.warning` / `test.error` attributes of nested ops as diagnostics (with `test.note` as a note); fails if it emitted an error |
//! | `test-invalid-ir` | any | appends a `builtin.module` without a region: IR the verifier rejects |
//! | `print-ir{label=...}` | any | prints the op to stderr |

use crate::{Pass, PassFailure, PassInfo, PassOptions, PassRegistry, PassState};
use flowc_ir::{Context, Diagnostic, Op, OperationState, WalkOrder};

/// Registers the `test-*` passes and `print-ir`.
pub fn register_test_passes(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new("test-pass-failure", "Test pass that always fails", |o| {
            Ok(Box::new(TestPassFailure {
                message: o.get_str("message", ""),
            }))
        })
        .option(
            "message",
            "Error emitted at the op before failing (none when empty)",
            "",
        ),
    );
    registry.register(
        PassInfo::new(
            "test-count-ops",
            "Test pass counting the operations nested in the op",
            |o| {
                Ok(Box::new(TestCountOps {
                    emit_remark: o.get_bool("emit-remark", false)?,
                }))
            },
        )
        .option(
            "emit-remark",
            "Emit a remark with the count at the op",
            "false",
        ),
    );
    registry.register(
        PassInfo::new(
            "test-mark",
            "Test pass setting a unit attribute on the op",
            |o| mark(o, "test-mark", None),
        )
        .option("attr", "Name of the attribute to set", "test.marked"),
    );
    registry.register(
        PassInfo::new(
            "test-mark-func",
            "Test pass setting a unit attribute on func.func ops",
            |o| mark(o, "test-mark-func", Some("func.func")),
        )
        .option("attr", "Name of the attribute to set", "test.marked"),
    );
    registry.register(
        PassInfo::new(
            "test-mark-module",
            "Test pass setting a unit attribute on builtin.module ops",
            |o| mark(o, "test-mark-module", Some("builtin.module")),
        )
        .option("attr", "Name of the attribute to set", "test.marked"),
    );
    registry.register(PassInfo::new(
        "test-diagnostics",
        "Test pass emitting the test.remark / test.warning / test.error attributes of nested ops as diagnostics",
        |_| Ok(Box::new(TestDiagnostics)),
    ));
    registry.register(PassInfo::new(
        "test-invalid-ir",
        "Test pass leaving IR that does not verify",
        |_| Ok(Box::new(TestInvalidIr)),
    ));
    registry.register(
        PassInfo::new("print-ir", "Print IR on stderr", |o| {
            Ok(Box::new(PrintIr {
                label: o.get_str("label", ""),
            }))
        })
        .option("label", "Label shown in the dump header", ""),
    );
}

/// Fails, emitting `message` as an error when it is not empty.
pub struct TestPassFailure {
    pub message: String,
}

impl Pass for TestPassFailure {
    fn argument(&self) -> &'static str {
        "test-pass-failure"
    }
    fn name(&self) -> &'static str {
        "TestFailurePass"
    }
    fn summary(&self) -> &'static str {
        "Test pass that always fails"
    }
    fn run(
        &mut self,
        ctx: &mut Context,
        op: Op,
        _state: &mut PassState,
    ) -> Result<(), PassFailure> {
        if !self.message.is_empty() {
            ctx.emit(Diagnostic::error(ctx.op_loc(op), self.message.clone()));
        }
        Err(PassFailure)
    }
}

/// Counts the operations nested in the op (`num-ops`).
pub struct TestCountOps {
    pub emit_remark: bool,
}

impl Pass for TestCountOps {
    fn argument(&self) -> &'static str {
        "test-count-ops"
    }
    fn name(&self) -> &'static str {
        "TestCountOps"
    }
    fn summary(&self) -> &'static str {
        "Test pass counting the operations nested in the op"
    }
    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        let n = ctx.nested_ops(op).len() as u64;
        state.stat_with_description("num-ops", "Number of operations counted", n);
        if self.emit_remark {
            let name = ctx.op_name(op).to_string();
            ctx.emit(Diagnostic::remark(
                ctx.op_loc(op),
                format!("'{name}' holds {n} nested operations"),
            ));
        }
        Ok(())
    }
}

/// Sets a unit attribute on the op it runs on.
pub struct TestMark {
    pub argument: &'static str,
    pub anchor: Option<&'static str>,
    pub attr: String,
}

fn mark(
    o: &PassOptions,
    argument: &'static str,
    anchor: Option<&'static str>,
) -> Result<Box<dyn Pass>, String> {
    let attr = o.get_str("attr", "test.marked");
    if attr.is_empty() {
        return Err("option 'attr' must not be empty".to_string());
    }
    Ok(Box::new(TestMark {
        argument,
        anchor,
        attr,
    }))
}

impl Pass for TestMark {
    fn argument(&self) -> &'static str {
        self.argument
    }
    fn summary(&self) -> &'static str {
        "Test pass setting a unit attribute on the op"
    }
    fn anchor(&self) -> Option<&'static str> {
        self.anchor
    }
    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        let unit = ctx.unit_attr();
        ctx.set_attr(op, &self.attr, unit);
        state.stat_with_description("num-marked", "Number of operations marked", 1);
        Ok(())
    }
}

/// Emits the `test.remark`, `test.warning` and `test.error` string attributes of the nested
/// operations as diagnostics at their locations, attaching `test.note` as a note.
pub struct TestDiagnostics;

impl Pass for TestDiagnostics {
    fn argument(&self) -> &'static str {
        "test-diagnostics"
    }
    fn name(&self) -> &'static str {
        "TestDiagnostics"
    }
    fn run(
        &mut self,
        ctx: &mut Context,
        op: Op,
        _state: &mut PassState,
    ) -> Result<(), PassFailure> {
        let mut failed = false;
        for o in ctx.walk(op, WalkOrder::Pre) {
            let text = |name: &str| {
                ctx.attr(o, name)
                    .and_then(|a| ctx.str_value(a))
                    .map(str::to_string)
            };
            let note = text("test.note");
            let loc = ctx.op_loc(o);
            let mut diags = Vec::new();
            if let Some(m) = text("test.remark") {
                diags.push(Diagnostic::remark(loc, m));
            }
            if let Some(m) = text("test.warning") {
                diags.push(Diagnostic::warning(loc, m));
            }
            if let Some(m) = text("test.error") {
                diags.push(Diagnostic::error(loc, m));
                failed = true;
            }
            for mut d in diags {
                if let Some(n) = &note {
                    d = d.with_note(loc, n.clone());
                }
                ctx.emit(d);
            }
        }
        if failed { Err(PassFailure) } else { Ok(()) }
    }
}

/// Appends a region-less `builtin.module` to the op's first block, which the verifier rejects.
pub struct TestInvalidIr;

impl Pass for TestInvalidIr {
    fn argument(&self) -> &'static str {
        "test-invalid-ir"
    }
    fn run(
        &mut self,
        ctx: &mut Context,
        op: Op,
        _state: &mut PassState,
    ) -> Result<(), PassFailure> {
        let block = ctx.regions(op).first().and_then(|&r| ctx.region_entry(r));
        let Some(block) = block else {
            let d = Diagnostic::error(ctx.op_loc(op), "test-invalid-ir needs an op with a block");
            return Err(PassFailure::emit(ctx, d));
        };
        let loc = ctx.op_loc(op);
        let state = OperationState::new(ctx, "builtin.module", loc);
        let bad = ctx.create_op(state);
        ctx.append_op(block, bad);
        Ok(())
    }
}

/// Prints the op to stderr (MLIR's `print-ir`).
pub struct PrintIr {
    pub label: String,
}

impl Pass for PrintIr {
    fn argument(&self) -> &'static str {
        "print-ir"
    }
    fn name(&self) -> &'static str {
        "PrintIRPass"
    }
    fn summary(&self) -> &'static str {
        "Print IR on stderr"
    }
    fn run(
        &mut self,
        ctx: &mut Context,
        op: Op,
        _state: &mut PassState,
    ) -> Result<(), PassFailure> {
        let mut text = String::from("// -----// IR Dump");
        if !self.label.is_empty() {
            text.push(' ');
            text.push_str(&self.label);
        }
        text.push_str(" //----- //\n");
        text.push_str(&ctx.print_op(op, &Default::default()));
        // A closed stderr is not worth failing the pass for.
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
        Ok(())
    }
}
