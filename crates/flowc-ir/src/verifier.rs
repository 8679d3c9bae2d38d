//! The verifier: structural invariants, op definitions (operand / result / attribute
//! constraints, regions, successors, traits), op-specific hooks, symbol uniqueness and SSA
//! dominance. Diagnostics are worded like MLIR's so that tests written for one read like tests
//! written for the other.
//!
//! The walk is iterative and every check is local, so deep or large IR verifies without
//! recursion and in linear time (block-position lookups are cached).

use crate::dominance::DominanceInfo;
use crate::registry::{ArgDef, Arity, OpDef};
use crate::symbol::SymbolTableCollection;
use crate::{Context, Diagnostic, Op, Traits, Type, ValueDef, WalkOrder, op_error};
use rustc_hash::FxHashMap;

/// Verifies `root` and everything nested in it. Returns every error found (verification of an
/// op's body continues after an error in the op itself, as far as it is meaningful).
pub fn verify(ctx: &Context, root: Op) -> Result<(), Vec<Diagnostic>> {
    let mut v = Verifier {
        ctx,
        dom: DominanceInfo::new(),
        symbols: SymbolTableCollection::new(),
        errors: Vec::new(),
    };
    for op in ctx.walk(root, WalkOrder::Pre) {
        v.verify_op(op);
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

struct Verifier<'c> {
    ctx: &'c Context,
    dom: DominanceInfo,
    symbols: SymbolTableCollection,
    errors: Vec<Diagnostic>,
}

impl Verifier<'_> {
    fn verify_op(&mut self, op: Op) {
        let before = self.errors.len();
        self.verify_structure(op);
        if let Some(def) = self.ctx.op_def(op) {
            self.verify_definition(op, def);
            // The op-specific hook assumes the definition's constraints hold.
            if self.errors.len() == before
                && let Some(hook) = def.verify
                && let Err(d) = hook(self.ctx, op)
            {
                self.errors.push(d);
            }
            if self.errors.len() == before
                && let Some(hook) = def.verify_symbol_uses
                && let Err(d) = hook(self.ctx, op, &mut self.symbols)
            {
                self.errors.push(d);
            }
        }
        self.verify_operands_dominate(op);
    }

    fn error(&mut self, op: Op, message: impl std::fmt::Display) {
        self.errors.push(op_error(self.ctx, op, message));
    }

    /// Blocks and terminators of the op's regions; successors in the same region.
    fn verify_structure(&mut self, op: Op) {
        let ctx = self.ctx;
        let registered = ctx.is_registered(op);
        let needs_terminator = registered && !ctx.has_trait(op, Traits::NO_TERMINATOR);
        for (ri, &region) in ctx.regions(op).iter().enumerate() {
            let blocks = ctx.region_blocks(region);
            if registered && ctx.has_trait(op, Traits::SINGLE_BLOCK) && blocks.len() > 1 {
                self.error(op, format!("expects region #{ri} to have 0 or 1 blocks"));
            }
            for (bi, &block) in blocks.iter().enumerate() {
                if bi == 0 && !ctx.block_predecessors(block).is_empty() {
                    self.error(
                        op,
                        format!("entry block of region #{ri} may not have predecessors"),
                    );
                }
                match ctx.block_last_op(block) {
                    None if needs_terminator => {
                        self.errors.push(Diagnostic::error(
                            ctx.op_loc(op),
                            "empty block: expect at least a terminator",
                        ));
                    }
                    Some(last)
                        if needs_terminator
                            && ctx.is_registered(last)
                            && !ctx.has_trait(last, Traits::TERMINATOR) =>
                    {
                        self.errors.push(
                            Diagnostic::error(
                                ctx.op_loc(last),
                                "block with no terminator, has ".to_string() + &describe(ctx, last),
                            )
                            .with_note(ctx.op_loc(op), "in region of this operation"),
                        );
                    }
                    _ => {}
                }
            }
        }
        if ctx.has_trait(op, Traits::TERMINATOR)
            && ctx.op_parent_block(op).is_some()
            && ctx.next_op(op).is_some()
        {
            self.error(op, "must be the last operation in the parent block");
        }
        let parent_region = ctx.op_parent_region(op);
        for (i, &succ) in ctx.successors(op).iter().enumerate() {
            if !ctx.is_block_alive(succ) || ctx.block_parent_region(succ) != parent_region {
                self.error(
                    op,
                    format!("reference to block defined in another region (successor #{i})"),
                );
            }
        }
    }

    fn verify_definition(&mut self, op: Op, def: &OpDef) {
        let ctx = self.ctx;
        let operand_types = ctx.operand_types(op);
        let result_types = ctx.result_types(op);
        self.verify_groups(
            op,
            def,
            &def.operands,
            &operand_types,
            "operand",
            "operandSegmentSizes",
        );
        self.verify_groups(
            op,
            def,
            &def.results,
            &result_types,
            "result",
            "resultSegmentSizes",
        );

        for a in &def.attributes {
            match ctx.attr(op, a.name) {
                None if !a.optional => self.error(op, format!("requires attribute '{}'", a.name)),
                Some(value) if !(a.constraint.check)(ctx, value) => self.error(
                    op,
                    format!(
                        "attribute '{}' failed to satisfy constraint: {}",
                        a.name, a.constraint.description
                    ),
                ),
                _ => {}
            }
        }

        let nregions = ctx.regions(op).len();
        if nregions != def.regions.len() {
            self.error(
                op,
                format!(
                    "requires {} regions, but found {nregions}",
                    def.regions.len()
                ),
            );
        }
        if let Some(n) = def.successors {
            let found = ctx.successors(op).len();
            if found != n {
                self.error(op, format!("requires {n} successors but found {found}"));
            }
        }

        let t = def.traits;
        let all: Vec<Type> = operand_types
            .iter()
            .chain(result_types.iter())
            .copied()
            .collect();
        if t.contains(Traits::SAME_OPERANDS_AND_RESULT_TYPE) && all.windows(2).any(|w| w[0] != w[1])
        {
            self.error(op, "requires the same type for all operands and results");
        }
        if t.contains(Traits::SAME_TYPE_OPERANDS) && operand_types.windows(2).any(|w| w[0] != w[1])
        {
            self.error(op, "requires all operands to have the same type");
        }
        if t.contains(Traits::SAME_OPERANDS_AND_RESULT_SHAPE) {
            let shapes: Vec<Option<&[i64]>> = all.iter().map(|&ty| ctx.shape(ty)).collect();
            if shapes.windows(2).any(|w| w[0] != w[1]) {
                self.error(op, "requires the same shape for all operands and results");
            }
        }
        if t.contains(Traits::SYMBOL) {
            match ctx.attr(op, "sym_name") {
                Some(a) if ctx.str_value(a).is_some() => {}
                _ => self.error(op, "requires string attribute 'sym_name'"),
            }
            if let Some(vis) = ctx.attr(op, "sym_visibility")
                && !matches!(ctx.str_value(vis), Some("public" | "private" | "nested"))
            {
                self.error(
                    op,
                    "visibility expected to be one of [\"public\", \"private\", \"nested\"]",
                );
            }
        }
        if t.contains(Traits::SYMBOL_TABLE) {
            self.verify_symbol_table(op);
        }
        if t.contains(Traits::ISOLATED_FROM_ABOVE) {
            self.verify_isolation(op);
        }
        if t.contains(Traits::TERMINATOR) && ctx.op_parent_block(op).is_none() {
            self.error(op, "terminator must be in a block");
        }
    }

    /// Counts and type constraints of operand or result groups.
    fn verify_groups(
        &mut self,
        op: Op,
        def: &OpDef,
        groups: &[ArgDef],
        types: &[Type],
        what: &str,
        sizes_attr: &str,
    ) {
        let ctx = self.ctx;
        let singles = groups.iter().filter(|g| g.arity == Arity::Single).count();
        let optionals = groups.iter().filter(|g| g.arity == Arity::Optional).count();
        let variadics = groups.iter().filter(|g| g.arity == Arity::Variadic).count();
        // Several optional groups without a variadic one are positional unless sized by the
        // attribute (see `Context::operand_segment`).
        let positional = variadics == 0
            && ctx.attr(op, sizes_attr).is_none()
            && !(what == "operand" && def.traits.contains(Traits::ATTR_SIZED_OPERAND_SEGMENTS));
        let segmented = optionals + variadics > 1 && !positional;
        if segmented {
            let attr_sized = if what == "operand" {
                def.traits.contains(Traits::ATTR_SIZED_OPERAND_SEGMENTS)
            } else {
                true
            };
            let sizes = ctx
                .attr(op, sizes_attr)
                .and_then(|a| ctx.dense_array_i64(a));
            match sizes {
                Some(sizes) => {
                    if sizes.len() != groups.len() {
                        self.error(op, format!("'{sizes_attr}' attribute for specifying {what} segments must have {} elements, but got {}", groups.len(), sizes.len()));
                        return;
                    }
                    if sizes.iter().any(|&s| s < 0)
                        || sizes.iter().sum::<i64>() != types.len() as i64
                    {
                        self.error(op, format!("{what} count ({}) does not match with the total size ({}) specified in attribute '{sizes_attr}'", types.len(), sizes.iter().sum::<i64>()));
                        return;
                    }
                    for (g, &s) in groups.iter().zip(&sizes) {
                        if (g.arity == Arity::Single && s != 1)
                            || (g.arity == Arity::Optional && s > 1)
                        {
                            self.error(op, format!("{what} group '{}' has {s} values", g.name));
                            return;
                        }
                    }
                }
                None if attr_sized => {
                    self.error(
                        op,
                        format!("requires dense i32 array attribute '{sizes_attr}'"),
                    );
                    return;
                }
                None => {}
            }
        } else {
            let n = types.len();
            let ok = if variadics == 1 {
                n >= singles
            } else {
                n >= singles && n <= singles + optionals
            };
            if !ok {
                let expected = if variadics == 1 || optionals == 1 {
                    format!("at least {singles}")
                } else if optionals > 1 {
                    format!("{singles} to {}", singles + optionals)
                } else {
                    singles.to_string()
                };
                self.error(op, format!("expected {expected} {what}s, but found {n}"));
                return;
            }
        }
        for (gi, g) in groups.iter().enumerate() {
            let range = if what == "operand" {
                ctx.operand_segment(op, gi)
            } else {
                ctx.result_segment(op, gi)
            };
            for i in range {
                let Some(&ty) = types.get(i) else { continue };
                if !(g.constraint.check)(ctx, ty) {
                    let desc = g.constraint.description;
                    let ty = ctx.print_type(ty);
                    let kind = if g.arity == Arity::Variadic {
                        "variadic of "
                    } else {
                        ""
                    };
                    self.error(
                        op,
                        format!("{what} #{i} must be {kind}{desc}, but got '{ty}'"),
                    );
                }
            }
        }
    }

    fn verify_symbol_table(&mut self, op: Op) {
        let ctx = self.ctx;
        let mut seen: FxHashMap<&str, Op> = FxHashMap::default();
        for child in ctx.child_ops(op) {
            let Some(name) = ctx.attr(child, "sym_name").and_then(|a| ctx.str_value(a)) else {
                continue;
            };
            if !ctx.has_trait(child, Traits::SYMBOL) && ctx.is_registered(child) {
                continue;
            }
            if let Some(&first) = seen.get(name) {
                self.errors.push(
                    Diagnostic::error(
                        ctx.op_loc(child),
                        format!("redefinition of symbol named '{name}'"),
                    )
                    .with_note(ctx.op_loc(first), "see existing symbol definition here"),
                );
            } else {
                seen.insert(name, child);
            }
        }
    }

    /// No op inside an isolated op uses a value defined outside it.
    fn verify_isolation(&mut self, op: Op) {
        let ctx = self.ctx;
        for inner in ctx.nested_ops(op) {
            for (i, v) in ctx.operands(inner).enumerate() {
                let defined_inside = match ctx.value_def(v) {
                    ValueDef::Result { op: d, .. } => ctx.is_ancestor(op, d) && d != op,
                    ValueDef::BlockArg { block, .. } => ctx
                        .block_parent_op(block)
                        .is_some_and(|p| ctx.is_ancestor(op, p)),
                    ValueDef::Placeholder => true, // reported by the dominance check
                };
                if !defined_inside {
                    self.errors.push(
                        op_error(
                            ctx,
                            inner,
                            format!("using value defined outside the region (operand #{i})"),
                        )
                        .with_note(ctx.op_loc(op), "required by region isolation constraints"),
                    );
                }
            }
        }
    }

    /// Every operand is defined, and in SSA regions its definition dominates the use (the first
    /// violating operand is reported).
    fn verify_operands_dominate(&mut self, op: Op) {
        let ctx = self.ctx;
        for (i, v) in ctx.operands(op).enumerate() {
            let Some(def_region) = ctx.value_parent_region(v) else {
                self.error(op, format!("operand #{i} is not defined"));
                continue;
            };
            if ctx.ancestor_in_region(def_region, op).is_none() {
                self.errors.push(
                    op_error(ctx, op, format!("operand #{i} does not dominate this use"))
                        .with_note(
                            ctx.value_loc(v),
                            "operand defined here (in a region that does not enclose the use)",
                        ),
                );
                continue;
            }
            if may_be_graph_region(ctx, def_region) {
                continue;
            }
            if !self.dom.value_dominates(ctx, v, op) {
                self.errors.push(
                    op_error(ctx, op, format!("operand #{i} does not dominate this use"))
                        .with_note(ctx.value_loc(v), "operand defined here"),
                );
                // One report per op, as MLIR does.
                return;
            }
        }
    }
}

/// Regions of unregistered ops may be graph regions (MLIR assumes so too), as are regions of ops
/// with the `GraphRegions` trait.
fn may_be_graph_region(ctx: &Context, region: crate::Region) -> bool {
    match ctx.region_parent_op(region) {
        Some(p) => !ctx.is_registered(p) || ctx.has_trait(p, Traits::GRAPH_REGIONS),
        None => true,
    }
}

fn describe(ctx: &Context, op: Op) -> String {
    format!("'{}'", ctx.op_name(op))
}
