//! The greedy pattern rewrite driver (MLIR's `applyPatternsGreedily`).
//!
//! Each iteration puts every op nested in the root (not the root itself) on a worklist, in
//! pre-order (`top_down`) or post-order, and pops ops one by one:
//!
//! 1. a trivially dead op is erased;
//! 2. a constant is uniqued and hoisted by the [`OperationFolder`];
//! 3. any other op is folded (its [`flowc_ir::OpDef::fold`] with the constant values of its
//!    operands): folded values replace its results, folded attributes become constants through
//!    the dialect's materializer; a commutative op that does not fold gets its constant operands
//!    moved to the end (MLIR's `foldCommutative`);
//! 4. otherwise the patterns rooted on its name (and those for any op) are tried by decreasing
//!    benefit until one applies.
//!
//! Every change goes through a [`Rewriter`] whose listener keeps the worklist right: created
//! and modified ops, users of replaced values and the producers of erased ops' operands are
//! (re)visited. After the worklist is empty, regions are simplified (unreachable blocks
//! erased). Iterations repeat until one changes nothing (converged) or `max_iterations` is
//! reached.

use crate::folder::{KnownConstant, OperationFolder, is_trivially_dead, op_constant_value};
use crate::pattern_set::FrozenPatternSet;
use flowc_ir::pattern::{InsertPoint, RewriteListener, Rewriter};
use flowc_ir::{Context, FoldResult, Op, Traits, Value, WalkOrder};
use rustc_hash::FxHashSet;
use std::fmt;

/// How the greedy driver runs.
#[derive(Clone, Debug)]
pub struct GreedyConfig {
    /// The most iterations over the whole IR; reaching it without converging is an error.
    pub max_iterations: usize,
    /// The most pattern applications in total (`None`: no limit).
    pub max_num_rewrites: Option<usize>,
    /// Visit ops in pre-order (producers before users) rather than post-order.
    pub top_down: bool,
    /// Fold ops and unique constants.
    pub fold: bool,
    /// Erase unreachable blocks after each iteration.
    pub region_simplify: bool,
}

impl Default for GreedyConfig {
    fn default() -> Self {
        GreedyConfig {
            max_iterations: 10,
            max_num_rewrites: None,
            top_down: true,
            fold: true,
            region_simplify: true,
        }
    }
}

/// What the driver did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GreedyStats {
    /// Iterations run (the last one changed nothing when converged).
    pub iterations: usize,
    /// Ops replaced by folding.
    pub folds: usize,
    /// Commutative ops whose constant operands were moved to the end.
    pub operands_reordered: usize,
    /// Constants replaced by an equal uniqued constant.
    pub constants_deduplicated: usize,
    /// Pattern applications.
    pub patterns_applied: usize,
    /// Trivially dead ops erased.
    pub ops_erased: usize,
    /// Unreachable blocks erased.
    pub blocks_erased: usize,
}

impl GreedyStats {
    fn add(&mut self, o: &GreedyStats) {
        self.iterations += o.iterations;
        self.folds += o.folds;
        self.operands_reordered += o.operands_reordered;
        self.constants_deduplicated += o.constants_deduplicated;
        self.patterns_applied += o.patterns_applied;
        self.ops_erased += o.ops_erased;
        self.blocks_erased += o.blocks_erased;
    }
}

/// The driver stopped before reaching a fixpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotConverged {
    pub max_iterations: usize,
    /// Whether the IR was changed anyway.
    pub changed: bool,
}

impl fmt::Display for NotConverged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "greedy pattern rewrite did not converge after {} iterations",
            self.max_iterations
        )
    }
}

impl std::error::Error for NotConverged {}

/// Applies `patterns` and folding to the ops nested in `root` until a fixpoint. Returns whether
/// the IR changed, or [`NotConverged`] when `max_iterations` (or `max_num_rewrites`) ran out.
pub fn apply_patterns_greedily(
    ctx: &mut Context,
    root: Op,
    patterns: &FrozenPatternSet,
    config: &GreedyConfig,
) -> Result<bool, NotConverged> {
    let mut stats = GreedyStats::default();
    apply_patterns_greedily_with_stats(ctx, root, patterns, config, &mut stats)
}

/// [`apply_patterns_greedily`], adding what it did to `stats`.
pub fn apply_patterns_greedily_with_stats(
    ctx: &mut Context,
    root: Op,
    patterns: &FrozenPatternSet,
    config: &GreedyConfig,
    stats: &mut GreedyStats,
) -> Result<bool, NotConverged> {
    let mut driver = Driver {
        root,
        patterns,
        config,
        state: State {
            root,
            worklist: Worklist::default(),
            folder: OperationFolder::new(root),
        },
        stats: GreedyStats::default(),
        rewrites: 0,
    };
    let mut changed = false;
    let mut converged = false;
    while driver.stats.iterations < config.max_iterations {
        driver.stats.iterations += 1;
        let mut iteration_changed = driver.run_iteration(ctx);
        if config.region_simplify {
            let state = &mut driver.state;
            let n = crate::region::erase_unreachable_blocks(ctx, root, &mut |_, op| {
                state.worklist.remove(op);
                state.folder.notify_removal(op);
            });
            driver.stats.blocks_erased += n;
            iteration_changed |= n > 0;
        }
        changed |= iteration_changed;
        if !iteration_changed {
            converged = true;
            break;
        }
        if config
            .max_num_rewrites
            .is_some_and(|m| driver.rewrites >= m)
        {
            break;
        }
    }
    stats.add(&driver.stats);
    tracing::debug!(?stats, converged, "greedy pattern rewrite");
    if converged {
        Ok(changed)
    } else {
        Err(NotConverged {
            max_iterations: config.max_iterations,
            changed,
        })
    }
}

/// A LIFO worklist without duplicates; removed ops are skipped when popped.
#[derive(Default)]
struct Worklist {
    list: Vec<Op>,
    pending: FxHashSet<Op>,
}

impl Worklist {
    fn push(&mut self, op: Op) {
        if self.pending.insert(op) {
            self.list.push(op);
        }
    }

    fn pop(&mut self) -> Option<Op> {
        while let Some(op) = self.list.pop() {
            if self.pending.remove(&op) {
                return Some(op);
            }
        }
        None
    }

    fn remove(&mut self, op: Op) {
        self.pending.remove(&op);
    }

    fn clear(&mut self) {
        self.list.clear();
        self.pending.clear();
    }
}

/// The listener side of the driver: keeps the worklist and the folder in sync with changes.
struct State {
    root: Op,
    worklist: Worklist,
    folder: OperationFolder,
}

impl State {
    /// The folder, and a listener over the rest of the state for it to report through.
    fn split(&mut self) -> (&mut OperationFolder, ShimListener<'_>) {
        let view = StateView {
            root: self.root,
            worklist: &mut self.worklist,
        };
        (&mut self.folder, ShimListener(view))
    }

    fn add(&mut self, ctx: &Context, op: Op) {
        if op != self.root && ctx.is_op_alive(op) && ctx.is_ancestor(self.root, op) {
            self.worklist.push(op);
        }
    }
}

impl RewriteListener for State {
    fn op_inserted(&mut self, ctx: &Context, op: Op) {
        self.add(ctx, op);
    }

    fn op_modified(&mut self, ctx: &Context, op: Op) {
        self.add(ctx, op);
    }

    fn op_erased(&mut self, _ctx: &Context, op: Op) {
        self.worklist.remove(op);
        self.folder.notify_removal(op);
    }

    fn op_replaced(&mut self, ctx: &Context, op: Op, _values: &[Value]) {
        for &r in ctx.results(op) {
            for u in ctx.users(r) {
                self.add(ctx, u);
            }
        }
    }
}

struct Driver<'a> {
    root: Op,
    patterns: &'a FrozenPatternSet,
    config: &'a GreedyConfig,
    state: State,
    stats: GreedyStats,
    rewrites: usize,
}

impl Driver<'_> {
    fn run_iteration(&mut self, ctx: &mut Context) -> bool {
        self.state.worklist.clear();
        let order = if self.config.top_down {
            WalkOrder::Pre
        } else {
            WalkOrder::Post
        };
        let mut ops = ctx.walk(self.root, order);
        ops.retain(|&o| o != self.root);
        if self.config.top_down {
            // Popped from the back: reverse so that pre-order is the processing order.
            ops.reverse();
        }
        for op in ops {
            self.state.worklist.push(op);
        }
        let mut changed = false;
        while let Some(op) = self.state.worklist.pop() {
            if self
                .config
                .max_num_rewrites
                .is_some_and(|m| self.rewrites >= m)
            {
                break;
            }
            if !ctx.is_op_alive(op) || !ctx.is_ancestor(self.root, op) {
                continue;
            }
            changed |= self.process(ctx, op);
        }
        changed
    }

    fn process(&mut self, ctx: &mut Context, op: Op) -> bool {
        if is_trivially_dead(ctx, op) {
            Rewriter::new(ctx, &mut self.state).erase_op(op);
            self.stats.ops_erased += 1;
            return true;
        }
        if self.config.fold {
            if op_constant_value(ctx, op).is_some() {
                // Constants are not folded (that would loop); they are uniqued and hoisted.
                let (folder, mut listener) = self.state.split();
                match folder.insert_known_constant(ctx, op, &mut listener) {
                    KnownConstant::Replaced => {
                        self.stats.constants_deduplicated += 1;
                        return true;
                    }
                    KnownConstant::Hoisted => {
                        // Moving a constant is a change, and the op may still match patterns.
                        self.apply_patterns(ctx, op);
                        return true;
                    }
                    KnownConstant::Kept => {}
                }
            } else {
                if self.try_fold(ctx, op) {
                    self.stats.folds += 1;
                    return true;
                }
                if self.reorder_commutative(ctx, op) {
                    self.stats.operands_reordered += 1;
                    self.apply_patterns(ctx, op);
                    return true;
                }
            }
        }
        self.apply_patterns(ctx, op)
    }

    fn apply_patterns(&mut self, ctx: &mut Context, op: Op) -> bool {
        let name = ctx.op_name(op).to_owned();
        for pattern in self.patterns.patterns_for(&name) {
            let mut rewriter = Rewriter::new(ctx, &mut self.state);
            rewriter.set_insertion_point(InsertPoint::Before(op));
            if pattern.match_and_rewrite(op, &mut rewriter) {
                tracing::trace!(pattern = pattern.name(), op = %name, "pattern applied");
                self.stats.patterns_applied += 1;
                self.rewrites += 1;
                // The op may have been modified in place: visit it again.
                self.state.add(ctx, op);
                return true;
            }
        }
        false
    }

    /// Folds `op` through its definition's folder; replaces it and returns `true` on success.
    fn try_fold(&mut self, ctx: &mut Context, op: Op) -> bool {
        let Some(fold) = ctx.op_def(op).and_then(|d| d.fold) else {
            return false;
        };
        let operands: Vec<_> = ctx.operands(op).collect();
        let constants: Vec<_> = operands
            .iter()
            .map(|&v| crate::folder::constant_value(ctx, v))
            .collect();
        let Some(results) = fold(ctx, op, &constants) else {
            return false;
        };
        let num_results = ctx.num_results(op);
        if results.len() != num_results || num_results == 0 {
            return false;
        }
        let own_results = ctx.results(op).to_vec();
        // Folding a result to itself is no change.
        if results
            .iter()
            .zip(&own_results)
            .all(|(r, &own)| *r == FoldResult::Value(own))
        {
            return false;
        }
        let mut values = Vec::with_capacity(num_results);
        let mut created: Vec<Op> = Vec::new();
        for (i, r) in results.into_iter().enumerate() {
            let ty = ctx.value_type(own_results[i]);
            let v = match r {
                FoldResult::Value(v) if ctx.value_type(v) == ty && v != own_results[i] => Some(v),
                FoldResult::Value(_) => None,
                FoldResult::Attr(a) => {
                    let (folder, mut listener) = self.state.split();
                    let v = folder.get_or_create_constant(ctx, op, a, ty, &mut listener);
                    if let Some(d) = v.and_then(|v| ctx.defining_op(v))
                        && !created.contains(&d)
                        && !ctx.op_has_uses(d)
                    {
                        created.push(d);
                    }
                    v
                }
            };
            match v {
                Some(v) => values.push(v),
                None => {
                    // Undo the constants made for earlier results if nothing uses them.
                    for c in created {
                        if ctx.is_op_alive(c) && !ctx.op_has_uses(c) {
                            Rewriter::new(ctx, &mut self.state).erase_op(c);
                        }
                    }
                    return false;
                }
            }
        }
        Rewriter::new(ctx, &mut self.state).replace_op(op, &values);
        true
    }

    /// Moves the constant operands of a commutative op to the end, keeping relative order.
    fn reorder_commutative(&mut self, ctx: &mut Context, op: Op) -> bool {
        if ctx.num_operands(op) < 2 || !ctx.has_trait(op, Traits::COMMUTATIVE) {
            return false;
        }
        let operands: Vec<Value> = ctx.operands(op).collect();
        let is_const = |v: &Value| crate::folder::constant_value(ctx, *v).is_some();
        let mut reordered: Vec<Value> = operands.iter().copied().filter(|v| !is_const(v)).collect();
        reordered.extend(operands.iter().copied().filter(is_const));
        if reordered == operands {
            return false;
        }
        Rewriter::new(ctx, &mut self.state)
            .modify_in_place(op, |ctx| ctx.set_operands(op, &reordered));
        true
    }
}

/// The worklist part of [`State`], handed to the folder while the folder itself is borrowed.
struct StateView<'a> {
    root: Op,
    worklist: &'a mut Worklist,
}

/// A listener over a [`StateView`]: new and modified ops go on the worklist, erased ones off it
/// (the folder forgets erased constants itself).
struct ShimListener<'a>(StateView<'a>);

impl ShimListener<'_> {
    fn add(&mut self, ctx: &Context, op: Op) {
        if op != self.0.root && ctx.is_op_alive(op) && ctx.is_ancestor(self.0.root, op) {
            self.0.worklist.push(op);
        }
    }
}

impl RewriteListener for ShimListener<'_> {
    fn op_inserted(&mut self, ctx: &Context, op: Op) {
        self.add(ctx, op);
    }

    fn op_modified(&mut self, ctx: &Context, op: Op) {
        self.add(ctx, op);
    }

    fn op_erased(&mut self, _ctx: &Context, op: Op) {
        self.0.worklist.remove(op);
    }

    fn op_replaced(&mut self, ctx: &Context, op: Op, _values: &[Value]) {
        for &r in ctx.results(op) {
            for u in ctx.users(r) {
                self.add(ctx, u);
            }
        }
    }
}

#[cfg(test)]
mod tests;
