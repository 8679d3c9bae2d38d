//! Pass instrumentation: hooks around passes and pipelines, and the IR printer behind
//! `--mlir-print-ir-before/after*`.

use crate::Pass;
use flowc_ir::printer::PrintOptions;
use flowc_ir::{Context, Op};
use std::io::Write;

/// Hooks called by the pass manager. After-hooks run in the reverse order of before-hooks.
pub trait PassInstrumentation {
    /// Before a (possibly nested) manager runs on `op`.
    fn run_before_pipeline(&mut self, _ctx: &Context, _anchor: Option<&str>, _op: Op) {}
    /// After a (possibly nested) manager ran on `op`, whether or not it succeeded.
    fn run_after_pipeline(&mut self, _ctx: &Context, _anchor: Option<&str>, _op: Op) {}
    fn run_before_pass(&mut self, _ctx: &Context, _pass: &dyn Pass, _op: Op) {}
    /// After a pass succeeded (and the IR verified, with verify-each).
    fn run_after_pass(&mut self, _ctx: &Context, _pass: &dyn Pass, _op: Op) {}
    /// After a pass failed or left IR that does not verify.
    fn run_after_pass_failed(&mut self, _ctx: &Context, _pass: &dyn Pass, _op: Op) {}
}

/// When to print the IR (MLIR's `--mlir-print-ir-*` options).
#[derive(Clone, Debug, Default)]
pub struct IrPrintingConfig {
    /// `--mlir-print-ir-before-all`
    pub before_all: bool,
    /// `--mlir-print-ir-after-all`
    pub after_all: bool,
    /// `--mlir-print-ir-before=<pass-arg>`: pass arguments.
    pub before: Vec<String>,
    /// `--mlir-print-ir-after=<pass-arg>`: pass arguments.
    pub after: Vec<String>,
    /// `--mlir-print-ir-after-change`: print after a pass only when it changed the IR (alone: after
    /// every pass that changed it).
    pub after_change: bool,
    /// `--mlir-print-ir-after-failure`: print after a pass that failed.
    pub after_failure: bool,
    /// `--mlir-print-ir-module-scope`: print the top-level op instead of the op the pass ran on.
    pub module_scope: bool,
    /// How to print (generic form, locations).
    pub print_options: PrintOptions,
}

impl IrPrintingConfig {
    /// Whether any printing is requested.
    pub fn is_enabled(&self) -> bool {
        self.before_all
            || self.after_all
            || !self.before.is_empty()
            || !self.after.is_empty()
            || self.after_failure
            || self.after_change
    }

    fn print_before(&self, pass: &dyn Pass) -> bool {
        self.before_all || self.before.iter().any(|a| a == pass.argument())
    }

    fn print_after(&self, pass: &dyn Pass) -> bool {
        // `after_change` alone means "after every pass that changed the IR".
        self.after_all
            || self.after.iter().any(|a| a == pass.argument())
            || (self.after_change && self.after.is_empty())
    }
}

/// Prints the IR around passes in MLIR's format:
///
/// ```text
/// // -----// IR Dump After CSE (cse) //----- //
/// func.func @f() {
///   ...
/// }
///
/// ```
///
/// The op printed is the one the pass ran on (a `func.func` for a pass nested under
/// `func.func(...)`), or the top-level op with `module_scope`. IR that does not verify is printed
/// in the generic form, which every op has.
pub struct IrPrinting {
    config: IrPrintingConfig,
    out: Box<dyn Write>,
    /// With `after_change`: the text before each running pass.
    before_text: Vec<String>,
}

impl IrPrinting {
    /// Prints to stderr.
    pub fn new(config: IrPrintingConfig) -> Self {
        Self::with_writer(config, Box::new(std::io::stderr()))
    }

    pub fn with_writer(config: IrPrintingConfig, out: Box<dyn Write>) -> Self {
        IrPrinting {
            config,
            out,
            before_text: Vec::new(),
        }
    }

    fn render(&self, ctx: &Context, op: Op, force_generic: bool) -> String {
        let target = if self.config.module_scope {
            top_level(ctx, op)
        } else {
            op
        };
        let mut opts = self.config.print_options.clone();
        if force_generic || crate::verify_op(ctx, target).is_err() {
            opts.generic = true;
        }
        ctx.print_op(target, &opts)
    }

    fn dump(&mut self, ctx: &Context, banner: &str, op: Op, body: &str) {
        let mut header = format!("// -----// IR Dump {banner}");
        if self.config.module_scope {
            header.push_str(&format!(" ('{}' operation", ctx.op_name(op)));
            if let Some(name) = ctx.attr(op, "sym_name").and_then(|a| ctx.str_value(a)) {
                header.push_str(&format!(": @{name}"));
            }
            header.push(')');
        }
        // Errors writing a debug dump (a closed pipe) are not worth failing the run for.
        let _ = write!(self.out, "{header} //----- //\n{body}\n");
        let _ = self.out.flush();
    }
}

impl PassInstrumentation for IrPrinting {
    fn run_before_pass(&mut self, ctx: &Context, pass: &dyn Pass, op: Op) {
        if !ctx.is_op_alive(op) {
            return;
        }
        if self.config.after_change && self.config.print_after(pass) {
            let text = self.render(ctx, op, false);
            self.before_text.push(text);
        }
        if self.config.print_before(pass) {
            let body = self.render(ctx, op, false);
            self.dump(
                ctx,
                &format!("Before {} ({})", pass.name(), pass.argument()),
                op,
                &body,
            );
        }
    }

    fn run_after_pass(&mut self, ctx: &Context, pass: &dyn Pass, op: Op) {
        if !self.config.print_after(pass) {
            return;
        }
        if !ctx.is_op_alive(op) {
            if self.config.after_change {
                self.before_text.pop();
            }
            return;
        }
        let body = self.render(ctx, op, false);
        if self.config.after_change {
            let before = self.before_text.pop();
            if before.as_deref() == Some(body.as_str()) {
                return;
            }
        }
        self.dump(
            ctx,
            &format!("After {} ({})", pass.name(), pass.argument()),
            op,
            &body,
        );
    }

    fn run_after_pass_failed(&mut self, ctx: &Context, pass: &dyn Pass, op: Op) {
        if self.config.after_change && self.config.print_after(pass) {
            self.before_text.pop();
        }
        if !(self.config.after_failure || self.config.print_after(pass)) || !ctx.is_op_alive(op) {
            return;
        }
        let body = self.render(ctx, op, true);
        self.dump(
            ctx,
            &format!("After {} Failed ({})", pass.name(), pass.argument()),
            op,
            &body,
        );
    }
}

/// The outermost op containing `op`.
fn top_level(ctx: &Context, op: Op) -> Op {
    let mut cur = op;
    while let Some(p) = ctx.op_parent_op(cur) {
        cur = p;
    }
    cur
}
