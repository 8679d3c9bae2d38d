//! flowc's pass infrastructure, modelled on MLIR's pass manager.
//!
//! - [`Pass`]: one transformation or analysis, run on one operation (its *anchor* op name, or any
//!   op). It reports problems through `ctx.emit(Diagnostic)` and fails by returning
//!   `Err(PassFailure)`; it counts what it did with [`PassState::stat`].
//! - [`PassRegistry`]: pass argument (`canonicalize`) to [`PassInfo`] (summary, declared
//!   [`PassOptionInfo`]s and a constructor taking [`PassOptions`]).
//! - [`parse_pass_pipeline`]: MLIR's textual pipeline syntax,
//!   `builtin.module(func.func(canonicalize{max-iterations=3},cse),symbol-dce)`, into an
//!   [`OpPassManager`]; its `Display` prints the same syntax back (`{:#}` pretty-prints it).
//! - [`OpPassManager`]: a list of passes and nested managers anchored on an op name; a nested
//!   manager runs on the operations directly inside the regions of the op its parent runs on.
//! - [`PassManager`]: the top-level manager plus what a run needs: verification after each pass
//!   (`verify-each`), [`PassInstrumentation`]s such as [`IrPrinting`], and the data behind the
//!   timing and statistics reports ([`report`]).
//!
//! The [`testing`] module holds small passes for testing the infrastructure itself (failure,
//! diagnostics, statistics, anchors, invalid IR); `flowc-init` registers them as `test-*`.

mod instrumentation;
mod manager;
mod options;
mod pipeline;
mod registry;
pub mod report;
pub mod testing;
mod verify;

pub use instrumentation::{IrPrinting, IrPrintingConfig, PassInstrumentation};
pub use manager::{OpPassManager, PassEntry, PassManager, PipelineFailure, ScheduledPass};
pub use options::{OptionParseError, PassOptionInfo, PassOptions};
pub use pipeline::{PipelineError, parse_pass_list, parse_pass_pipeline};
pub use registry::{PassInfo, PassRegistry};
pub use verify::verify_op;

use flowc_ir::{Context, Diagnostic, Op};

/// One pass. Passes are created by the registry (from their options) or directly, scheduled in
/// an [`OpPassManager`], and may run many times (once per matching op, once per input chunk), so
/// a pass must not rely on state left by an earlier run.
pub trait Pass {
    /// The command-line argument (`canonicalize`), kebab-case.
    fn argument(&self) -> &'static str;

    /// The display name used in IR dumps and reports (`Canonicalizer`); the argument by default.
    fn name(&self) -> &'static str {
        self.argument()
    }

    /// A one-line summary for `--help`.
    fn summary(&self) -> &'static str {
        ""
    }

    /// The op name this pass runs on (`func.func`), or `None` when it can run on any op.
    fn anchor(&self) -> Option<&'static str> {
        None
    }

    /// Runs the pass on `op`. On failure the pass emits an error with `ctx.emit` and returns
    /// `Err(PassFailure)` (see [`PassFailure::emit`]).
    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure>;
}

/// Returned by a pass that failed; the reason is in the diagnostics it emitted.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct PassFailure;

impl PassFailure {
    /// Emits `diagnostic` and returns the failure: `return Err(PassFailure::emit(ctx, diag))`.
    pub fn emit(ctx: &mut Context, diagnostic: Diagnostic) -> PassFailure {
        ctx.emit(diagnostic);
        PassFailure
    }
}

impl std::fmt::Display for PassFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("pass failed")
    }
}

impl std::error::Error for PassFailure {}

/// A named counter of a pass (MLIR's `Pass::Statistic`), summed over every run of the pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statistic {
    pub name: String,
    pub description: String,
    pub value: u64,
}

/// What a running pass can record besides IR changes: its statistics.
#[derive(Debug, Default)]
pub struct PassState {
    stats: Vec<Statistic>,
}

impl PassState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `n` to the statistic `name` (created at 0 the first time).
    pub fn stat(&mut self, name: &str, n: u64) {
        self.stat_entry(name, "").value += n;
    }

    /// [`PassState::stat`] with a description, shown in the statistics report
    /// (`(S) 3 num-folded - Number of folded ops`).
    pub fn stat_with_description(&mut self, name: &str, description: &str, n: u64) {
        let e = self.stat_entry(name, description);
        e.value += n;
        if e.description.is_empty() {
            e.description = description.to_string();
        }
    }

    /// The statistics recorded so far, in the order first recorded.
    pub fn statistics(&self) -> &[Statistic] {
        &self.stats
    }

    /// The value of one statistic (0 when never recorded).
    pub fn get(&self, name: &str) -> u64 {
        self.stats
            .iter()
            .find(|s| s.name == name)
            .map_or(0, |s| s.value)
    }

    fn stat_entry(&mut self, name: &str, description: &str) -> &mut Statistic {
        let i = match self.stats.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                self.stats.push(Statistic {
                    name: name.to_string(),
                    description: description.to_string(),
                    value: 0,
                });
                self.stats.len() - 1
            }
        };
        &mut self.stats[i]
    }

    pub(crate) fn from_stats(stats: Vec<Statistic>) -> Self {
        PassState { stats }
    }

    pub(crate) fn into_stats(self) -> Vec<Statistic> {
        self.stats
    }
}

#[cfg(test)]
mod tests;
