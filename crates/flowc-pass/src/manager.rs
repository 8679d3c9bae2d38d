//! Pass managers: [`OpPassManager`] (passes and nested managers anchored on an op name) and the
//! top-level [`PassManager`] that runs one with verification and instrumentation.

use crate::instrumentation::PassInstrumentation;
use crate::{Pass, PassOptions, PassState, Statistic};
use flowc_ir::{Context, Diagnostic, Op, Severity};
use std::fmt;
use std::time::{Duration, Instant};

/// A pass scheduled in a manager, with the options it was created from and what its runs have
/// accumulated (statistics, wall time).
pub struct ScheduledPass {
    pass: Box<dyn Pass>,
    options: PassOptions,
    stats: Vec<Statistic>,
    time: Duration,
    runs: u64,
}

impl ScheduledPass {
    pub fn pass(&self) -> &dyn Pass {
        &*self.pass
    }

    /// The options printed with the pass in the textual pipeline.
    pub fn options(&self) -> &PassOptions {
        &self.options
    }

    /// Statistics summed over every run.
    pub fn statistics(&self) -> &[Statistic] {
        &self.stats
    }

    /// Wall time summed over every run (verification excluded).
    pub fn time(&self) -> Duration {
        self.time
    }

    /// How many times the pass ran.
    pub fn runs(&self) -> u64 {
        self.runs
    }
}

/// One element of a pipeline: a pass or a nested manager.
pub enum PassEntry {
    Pass(ScheduledPass),
    Nested(OpPassManager),
}

/// A sequence of passes and nested managers that runs on operations named `anchor` (or on any
/// operation when the anchor is `None`, MLIR's `any(...)`).
///
/// Running a nested manager on an op `P` runs its whole pipeline on each operation directly inside
/// `P`'s regions whose name matches the nested anchor, one op after another (MLIR's
/// `OpToOpPassAdaptor`, without threads).
pub struct OpPassManager {
    anchor: Option<String>,
    passes: Vec<PassEntry>,
    time: Duration,
    runs: u64,
}

impl OpPassManager {
    /// A manager for operations named `anchor` (`builtin.module`, `func.func`).
    pub fn new(anchor: &str) -> Self {
        Self::with_anchor(Some(anchor))
    }

    /// An op-agnostic manager (`any(...)`).
    pub fn any() -> Self {
        Self::with_anchor(None)
    }

    pub fn with_anchor(anchor: Option<&str>) -> Self {
        OpPassManager {
            anchor: anchor.map(str::to_string),
            passes: Vec::new(),
            time: Duration::ZERO,
            runs: 0,
        }
    }

    /// The op name this manager runs on; `None` for any op.
    pub fn anchor(&self) -> Option<&str> {
        self.anchor.as_deref()
    }

    /// The anchor as written in a pipeline: the op name, or `any`.
    pub fn anchor_name(&self) -> &str {
        self.anchor.as_deref().unwrap_or("any")
    }

    /// Adds a pass; fails when the pass is restricted to an op other than this manager's anchor.
    pub fn add_pass(&mut self, pass: Box<dyn Pass>) -> Result<(), String> {
        self.add_pass_with_options(pass, PassOptions::new())
    }

    /// Adds a pass with the options it was created from (printed with it in the pipeline).
    pub fn add_pass_with_options(
        &mut self,
        pass: Box<dyn Pass>,
        options: PassOptions,
    ) -> Result<(), String> {
        self.check_schedulable(&*pass)?;
        self.passes.push(PassEntry::Pass(ScheduledPass {
            pass,
            options,
            stats: Vec::new(),
            time: Duration::ZERO,
            runs: 0,
        }));
        Ok(())
    }

    /// Adds a pass, nesting it under a manager for its anchor when it cannot run on this
    /// manager's ops directly (`cse` stays here; a `func.func` pass goes into `func.func(...)`,
    /// reusing the last entry when it is already such a nested manager, as MLIR coalesces
    /// adjacent adaptors). This is how `flowc-opt --pass-name` flags build their pipeline.
    pub fn add_pass_nested(
        &mut self,
        pass: Box<dyn Pass>,
        options: PassOptions,
    ) -> Result<(), String> {
        let target = match pass.anchor() {
            Some(a) if self.anchor() != Some(a) => a,
            _ => return self.add_pass_with_options(pass, options),
        };
        let reuse =
            matches!(self.passes.last(), Some(PassEntry::Nested(n)) if n.anchor() == Some(target));
        if !reuse {
            self.passes
                .push(PassEntry::Nested(OpPassManager::new(target)));
        }
        match self.passes.last_mut() {
            Some(PassEntry::Nested(n)) => n.add_pass_with_options(pass, options),
            _ => unreachable!("a nested manager was just ensured"),
        }
    }

    /// Whether `pass` may be scheduled here, with the reason when it may not.
    pub fn check_schedulable(&self, pass: &dyn Pass) -> Result<(), String> {
        let Some(restricted) = pass.anchor() else {
            return Ok(());
        };
        if self.anchor() == Some(restricted) {
            return Ok(());
        }
        let arg = pass.argument();
        let on = match self.anchor() {
            Some(a) => format!("'{a}'"),
            None => "an op-agnostic ('any') pass manager".to_string(),
        };
        Err(format!(
            "pass '{arg}' restricted to '{restricted}' can't be scheduled on {on}; nest it: '{restricted}({arg})'"
        ))
    }

    /// Appends a new nested manager for `anchor` and returns it.
    pub fn nest(&mut self, anchor: &str) -> &mut OpPassManager {
        self.add_nested(OpPassManager::new(anchor))
    }

    /// Appends a new op-agnostic nested manager (`any(...)`) and returns it.
    pub fn nest_any(&mut self) -> &mut OpPassManager {
        self.add_nested(OpPassManager::any())
    }

    /// Appends an existing manager as a nested one and returns it.
    pub fn add_nested(&mut self, pm: OpPassManager) -> &mut OpPassManager {
        self.passes.push(PassEntry::Nested(pm));
        match self.passes.last_mut() {
            Some(PassEntry::Nested(n)) => n,
            _ => unreachable!("just pushed a nested manager"),
        }
    }

    pub fn entries(&self) -> &[PassEntry] {
        &self.passes
    }

    /// The number of entries (passes and nested managers) at this level.
    pub fn len(&self) -> usize {
        self.passes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }

    /// Every pass, nested ones included, in pipeline order.
    pub fn all_passes(&self) -> Vec<&ScheduledPass> {
        let mut out = Vec::new();
        let mut stack: Vec<std::slice::Iter<'_, PassEntry>> = vec![self.passes.iter()];
        while let Some(it) = stack.last_mut() {
            match it.next() {
                Some(PassEntry::Pass(p)) => out.push(p),
                Some(PassEntry::Nested(n)) => stack.push(n.passes.iter()),
                None => {
                    stack.pop();
                }
            }
        }
        out
    }

    /// Wall time of every run of this manager (as a nested manager: over all the ops it ran on).
    pub fn time(&self) -> Duration {
        self.time
    }

    /// How many times the manager ran (as a nested manager: once per parent op).
    pub fn runs(&self) -> u64 {
        self.runs
    }

    fn fmt_pipeline(&self, f: &mut fmt::Formatter<'_>, pretty: bool, depth: usize) -> fmt::Result {
        let indent = |f: &mut fmt::Formatter<'_>, d: usize| -> fmt::Result {
            for _ in 0..d {
                f.write_str("  ")?;
            }
            Ok(())
        };
        write!(f, "{}(", self.anchor_name())?;
        for (i, entry) in self.passes.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if pretty {
                f.write_str("\n")?;
                indent(f, depth + 1)?;
            }
            match entry {
                PassEntry::Pass(p) => {
                    f.write_str(p.pass.argument())?;
                    if !p.options.is_empty() {
                        write!(f, "{{{}}}", p.options)?;
                    }
                }
                PassEntry::Nested(n) => n.fmt_pipeline(f, pretty, depth + 1)?,
            }
        }
        if pretty && !self.passes.is_empty() {
            f.write_str("\n")?;
            indent(f, depth)?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for OpPassManager {
    /// The textual pipeline, `builtin.module(func.func(cse),symbol-dce)`; `{:#}` spreads it over
    /// indented lines like `mlir-opt --dump-pass-pipeline`. Either form parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_pipeline(f, f.alternate(), 0)
    }
}

impl fmt::Debug for OpPassManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OpPassManager({self})")
    }
}

/// Why a pipeline run failed; the details are in the diagnostics emitted into the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PipelineFailure {
    /// A pass returned `Err(PassFailure)`.
    PassFailed { pass: String, op: String },
    /// The IR did not verify after a pass (`verify-each`).
    InvalidIr { pass: String, op: String },
    /// The top-level manager was run on an op its anchor does not name.
    AnchorMismatch { anchor: String, op: String },
}

impl fmt::Display for PipelineFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineFailure::PassFailed { pass, op } => write!(f, "pass '{pass}' failed on '{op}'"),
            PipelineFailure::InvalidIr { pass, op } => {
                write!(f, "'{op}' failed to verify after pass '{pass}'")
            }
            PipelineFailure::AnchorMismatch { anchor, op } => {
                write!(f, "can't run '{anchor}' pass manager on '{op}' op")
            }
        }
    }
}

impl std::error::Error for PipelineFailure {}

/// The top-level pass manager: an [`OpPassManager`] plus verification after each pass (on by
/// default, as in `mlir-opt`) and instrumentations.
pub struct PassManager {
    root: OpPassManager,
    verify_each: bool,
    instrumentations: Vec<Box<dyn PassInstrumentation>>,
}

impl PassManager {
    /// A manager for ops named `anchor` (usually `builtin.module`).
    pub fn new(anchor: &str) -> Self {
        Self::from_op_pass_manager(OpPassManager::new(anchor))
    }

    pub fn from_op_pass_manager(root: OpPassManager) -> Self {
        PassManager {
            root,
            verify_each: true,
            instrumentations: Vec::new(),
        }
    }

    /// Enables or disables running the verifier after every pass.
    pub fn set_verify_each(&mut self, on: bool) {
        self.verify_each = on;
    }

    pub fn verify_each(&self) -> bool {
        self.verify_each
    }

    pub fn add_instrumentation(&mut self, instrumentation: Box<dyn PassInstrumentation>) {
        self.instrumentations.push(instrumentation);
    }

    pub fn op_pass_manager(&self) -> &OpPassManager {
        &self.root
    }

    pub fn op_pass_manager_mut(&mut self) -> &mut OpPassManager {
        &mut self.root
    }

    pub fn into_op_pass_manager(self) -> OpPassManager {
        self.root
    }

    /// Runs the pipeline on `op`, which must be named like the root anchor (any op for `any`).
    /// Diagnostics (pass errors, verifier errors) are emitted into `ctx`.
    pub fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), PipelineFailure> {
        if let Some(anchor) = self.root.anchor()
            && ctx.op_name(op) != anchor
        {
            let failure = PipelineFailure::AnchorMismatch {
                anchor: anchor.to_string(),
                op: ctx.op_name(op).to_string(),
            };
            ctx.emit(Diagnostic::error(ctx.op_loc(op), failure.to_string()));
            return Err(failure);
        }
        let mut runner = Runner {
            verify_each: self.verify_each,
            instrumentations: &mut self.instrumentations,
        };
        runner.run_manager(&mut self.root, ctx, op)
    }
}

impl std::ops::Deref for PassManager {
    type Target = OpPassManager;
    fn deref(&self) -> &OpPassManager {
        &self.root
    }
}

impl std::ops::DerefMut for PassManager {
    fn deref_mut(&mut self) -> &mut OpPassManager {
        &mut self.root
    }
}

impl fmt::Display for PassManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.root, f)
    }
}

struct Runner<'a> {
    verify_each: bool,
    instrumentations: &'a mut Vec<Box<dyn PassInstrumentation>>,
}

impl Runner<'_> {
    /// Runs `pm`'s entries on `op` (whose name matches `pm`'s anchor).
    fn run_manager(
        &mut self,
        pm: &mut OpPassManager,
        ctx: &mut Context,
        op: Op,
    ) -> Result<(), PipelineFailure> {
        let start = Instant::now();
        for i in self.instrumentations.iter_mut() {
            i.run_before_pipeline(ctx, pm.anchor(), op);
        }
        let mut result = Ok(());
        for entry in &mut pm.passes {
            result = match entry {
                PassEntry::Pass(p) => self.run_pass(p, ctx, op),
                PassEntry::Nested(nested) => self.run_nested(nested, ctx, op),
            };
            if result.is_err() {
                break;
            }
        }
        for i in self.instrumentations.iter_mut().rev() {
            i.run_after_pipeline(ctx, pm.anchor(), op);
        }
        pm.time += start.elapsed();
        pm.runs += 1;
        result
    }

    /// Runs a nested manager on each matching op directly inside `parent`'s regions.
    fn run_nested(
        &mut self,
        nested: &mut OpPassManager,
        ctx: &mut Context,
        parent: Op,
    ) -> Result<(), PipelineFailure> {
        let children = ctx.child_ops(parent);
        for child in children {
            if !ctx.is_op_alive(child) || ctx.op_parent_op(child) != Some(parent) {
                continue;
            }
            if nested.anchor().is_some_and(|a| a != ctx.op_name(child)) {
                continue;
            }
            self.run_manager(nested, ctx, child)?;
        }
        Ok(())
    }

    fn run_pass(
        &mut self,
        p: &mut ScheduledPass,
        ctx: &mut Context,
        op: Op,
    ) -> Result<(), PipelineFailure> {
        let span = tracing::info_span!("pass", name = p.pass.argument(), op = ctx.op_name(op));
        let _guard = span.enter();
        for i in self.instrumentations.iter_mut() {
            i.run_before_pass(ctx, &*p.pass, op);
        }

        // Diagnostics emitted before this pass are set aside so that we can tell whether the
        // pass reported an error itself, then put back in front.
        let earlier = ctx.take_diagnostics();
        let mut state = PassState::from_stats(std::mem::take(&mut p.stats));
        let start = Instant::now();
        let result = p.pass.run(ctx, op, &mut state);
        p.time += start.elapsed();
        p.runs += 1;
        p.stats = state.into_stats();
        let produced = ctx.take_diagnostics();
        let reported_error = produced.iter().any(|d| d.severity == Severity::Error);
        for d in earlier.into_iter().chain(produced) {
            ctx.emit(d);
        }

        let mut failure = None;
        if result.is_err() {
            if !reported_error {
                ctx.emit(Diagnostic::error(
                    ctx.op_loc(op),
                    format!("pass '{}' failed", p.pass.argument()),
                ));
            }
            failure = Some(PipelineFailure::PassFailed {
                pass: p.pass.argument().to_string(),
                op: ctx.op_name(op).to_string(),
            });
        } else if self.verify_each
            && ctx.is_op_alive(op)
            && let Err(diags) = crate::verify_op(ctx, op)
        {
            tracing::debug!(pass = p.pass.argument(), "IR failed to verify after pass");
            for d in diags {
                ctx.emit(d);
            }
            failure = Some(PipelineFailure::InvalidIr {
                pass: p.pass.argument().to_string(),
                op: ctx.op_name(op).to_string(),
            });
        }

        for i in self.instrumentations.iter_mut().rev() {
            if failure.is_some() {
                i.run_after_pass_failed(ctx, &*p.pass, op);
            } else {
                i.run_after_pass(ctx, &*p.pass, op);
            }
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }
}
