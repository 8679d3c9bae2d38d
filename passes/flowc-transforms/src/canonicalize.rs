//! `canonicalize`: folding, dead code removal and the canonicalization patterns of every
//! registered op, applied to a fixpoint by the greedy driver (MLIR's `Canonicalizer`).

use flowc_ir::pattern::RewritePattern;
use flowc_ir::{Context, Diagnostic, Op};
use flowc_pass::{Pass, PassFailure, PassInfo, PassOptions, PassRegistry, PassState};
use flowc_rewrite::{
    FrozenPatternSet, GreedyConfig, GreedyStats, NotConverged, apply_patterns_greedily_with_stats,
};

/// How `canonicalize` runs.
#[derive(Clone, Debug, Default)]
pub struct CanonicalizeConfig {
    pub greedy: GreedyConfig,
    /// Fail when the driver does not converge (canonicalization is otherwise best effort).
    pub test_convergence: bool,
    /// Patterns (by name) not to use.
    pub disabled_patterns: Vec<String>,
    /// When not empty, the only patterns to use.
    pub enabled_patterns: Vec<String>,
}

/// The canonicalization patterns of every registered op, filtered by the config.
pub fn canonicalization_patterns(ctx: &Context, config: &CanonicalizeConfig) -> FrozenPatternSet {
    let sources: Vec<_> = ctx
        .registered_ops()
        .into_iter()
        .filter_map(|d| d.canonicalize)
        .collect();
    let patterns: Vec<Box<dyn RewritePattern>> = sources
        .into_iter()
        .flat_map(|f| f())
        .filter(|p| {
            let name = p.name();
            !config.disabled_patterns.iter().any(|d| d == name)
                && (config.enabled_patterns.is_empty()
                    || config.enabled_patterns.iter().any(|e| e == name))
        })
        .collect();
    FrozenPatternSet::new(patterns)
}

/// Canonicalizes the ops nested in `op`. Errs only when `test_convergence` is set and the driver
/// did not converge.
pub fn canonicalize(
    ctx: &mut Context,
    op: Op,
    config: &CanonicalizeConfig,
) -> Result<GreedyStats, NotConverged> {
    let patterns = canonicalization_patterns(ctx, config);
    let mut stats = GreedyStats::default();
    match apply_patterns_greedily_with_stats(ctx, op, &patterns, &config.greedy, &mut stats) {
        Ok(_) => Ok(stats),
        Err(e) if config.test_convergence => Err(e),
        Err(_) => Ok(stats),
    }
}

/// The `canonicalize` pass.
pub struct Canonicalize {
    pub config: CanonicalizeConfig,
}

impl Canonicalize {
    pub fn from_options(o: &PassOptions) -> Result<Self, String> {
        let region_simplify = match o.get("region-simplify") {
            None => true,
            Some("" | "true" | "1" | "normal" | "aggressive") => true,
            Some("false" | "0" | "disabled") => false,
            Some(v) => {
                return Err(format!(
                    "invalid value '{v}' for option 'region-simplify': expected 'true', 'false', \
                     'normal', 'aggressive' or 'disabled'"
                ));
            }
        };
        let max_iterations = match o.get_i64("max-iterations", 10)? {
            -1 => usize::MAX,
            n if n >= 0 => n as usize,
            n => return Err(format!("invalid value '{n}' for option 'max-iterations'")),
        };
        let max_num_rewrites = match o.get_i64("max-num-rewrites", -1)? {
            -1 => None,
            n if n >= 0 => Some(n as usize),
            n => return Err(format!("invalid value '{n}' for option 'max-num-rewrites'")),
        };
        Ok(Canonicalize {
            config: CanonicalizeConfig {
                greedy: GreedyConfig {
                    max_iterations,
                    max_num_rewrites,
                    top_down: o.get_bool("top-down", true)?,
                    fold: true,
                    region_simplify,
                },
                test_convergence: o.get_bool("test-convergence", false)?,
                disabled_patterns: o.get_list("disable-patterns"),
                enabled_patterns: o.get_list("enable-patterns"),
            },
        })
    }
}

pub(crate) fn register(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new("canonicalize", "Canonicalize operations", |o| {
            Ok(Box::new(Canonicalize::from_options(o)?))
        })
        .option(
            "top-down",
            "Seed the worklist in general top-down order",
            "true",
        )
        .option(
            "region-simplify",
            "Perform control flow optimizations to the region tree",
            "true",
        )
        .option(
            "max-iterations",
            "Max. iterations between applying patterns / simplifying regions (-1: no limit)",
            "10",
        )
        .option(
            "max-num-rewrites",
            "Max. number of pattern rewrites within an iteration (-1: no limit)",
            "-1",
        )
        .option(
            "test-convergence",
            "Test only: Fail pass on non-convergence to detect cyclic pattern",
            "false",
        )
        .option(
            "disable-patterns",
            "Labels of patterns that should be filtered out during application",
            "",
        )
        .option(
            "enable-patterns",
            "Labels of patterns that should be used during application, all other patterns are filtered out",
            "",
        ),
    );
}

impl Pass for Canonicalize {
    fn argument(&self) -> &'static str {
        "canonicalize"
    }

    fn name(&self) -> &'static str {
        "Canonicalizer"
    }

    fn summary(&self) -> &'static str {
        "Canonicalize operations"
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match canonicalize(ctx, op, &self.config) {
            Ok(stats) => {
                record(state, &stats);
                Ok(())
            }
            Err(e) => Err(PassFailure::emit(
                ctx,
                Diagnostic::error(
                    ctx.op_loc(op),
                    format!(
                        "canonicalizer failed to converge within {} iterations",
                        e.max_iterations
                    ),
                ),
            )),
        }
    }
}

fn record(state: &mut PassState, s: &GreedyStats) {
    let entries = [
        ("num-folded", "Number of operations folded", s.folds),
        (
            "num-patterns-applied",
            "Number of canonicalization pattern applications",
            s.patterns_applied,
        ),
        (
            "num-dce'd",
            "Number of trivially dead operations erased",
            s.ops_erased,
        ),
        (
            "num-constants-uniqued",
            "Number of constants replaced by an equal constant",
            s.constants_deduplicated,
        ),
        (
            "num-blocks-erased",
            "Number of unreachable blocks erased",
            s.blocks_erased,
        ),
        (
            "num-iterations",
            "Number of driver iterations",
            s.iterations,
        ),
    ];
    for (name, description, n) in entries {
        state.stat_with_description(name, description, n as u64);
    }
}
