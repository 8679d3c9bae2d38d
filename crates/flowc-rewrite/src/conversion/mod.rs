//! Dialect conversion, modelled on MLIR's `DialectConversion` (simplified).
//!
//! A conversion turns the ops nested in a root into ops a [`ConversionTarget`] calls legal, by
//! applying [`ConversionPattern`]s. Patterns see their op's operands *already converted*
//! (`adaptor operands`): the replacement values of converted producers, or values materialized
//! to the type the [`TypeConverter`] gives. When a pattern replaces a value with one of another
//! type while unconverted users remain, a *source materialization* (by default a
//! `builtin.unrealized_conversion_cast`) gives those users a value of the original type; when a
//! pattern needs an operand in the converted type, a *target materialization* provides it.
//! Materializations that end up unused are erased at the end; the others stay in the IR (as
//! unrealized casts, like MLIR's).
//!
//! - [`apply_partial_conversion`]: converts what it can; fails only when an op that is
//!   explicitly illegal remains (`failed to legalize operation 'x' that was explicitly marked
//!   illegal`).
//! - [`apply_full_conversion`]: every op must be legal afterwards; an op that is illegal or
//!   unknown to the target fails (`failed to legalize operation 'x'`).
//!
//! Ops are visited in pre-order; the ops a pattern creates are legalized right away
//! (recursively), and a pattern is never applied to an op it created itself (MLIR's default
//! bounded-recursion rule). The root op itself is not converted.
//!
//! Differences from MLIR:
//! - **No rollback.** MLIR records every change and undoes a failed pattern or a failed
//!   conversion. flowc applies changes directly: a pattern that returns `false` must not have
//!   changed the IR, and a failed conversion leaves the IR partly converted (the caller reports
//!   the error and stops).
//! - Replacements are applied eagerly (uses are rewired when a pattern replaces an op), with
//!   source materializations where types differ; MLIR defers this to the end.
//! - Only the first failure is reported; MLIR stops at the first failure too, but rolls back.
//! - No legalization graph / cost model: patterns are tried by benefit, and a pattern that
//!   produces illegal ops relies on other patterns to legalize them.
//! - Adaptor operands are 1:1; a value replaced by several values (1:N) is seen through its
//!   source materialization.
//! - Block signature conversion rewrites block arguments in place (types changed, arguments
//!   added or removed) instead of creating new blocks.

mod target;
mod type_converter;

pub use target::{ConversionTarget, Legality, LegalityFn};
pub use type_converter::{ConversionFn, MaterializationFn, TypeConverter};

use flowc_ir::pattern::InsertPoint;
use flowc_ir::{
    Block, Context, Diagnostic, Op, OperationState, Region, Traits, Type, Value, WalkOrder,
};
use rustc_hash::{FxHashMap, FxHashSet};

/// A rewrite from illegal ops to legal ones (MLIR's `ConversionPattern`).
pub trait ConversionPattern {
    /// A short kebab-case name for debug output.
    fn name(&self) -> &str {
        "conversion-pattern"
    }
    /// The op name this pattern applies to, or `None` for any op.
    fn root(&self) -> Option<&str>;
    /// Higher benefit patterns are tried first.
    fn benefit(&self) -> u16 {
        1
    }
    /// Rewrites `op`, whose operands converted so far are `operands` (one per operand of `op`),
    /// and returns `true`; or returns `false` without having changed anything.
    fn match_and_rewrite(
        &self,
        op: Op,
        operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool;
}

/// A list of conversion patterns.
#[derive(Default)]
pub struct ConversionPatternSet<'a> {
    patterns: Vec<Box<dyn ConversionPattern + 'a>>,
}

impl<'a> ConversionPatternSet<'a> {
    pub fn new() -> Self {
        ConversionPatternSet {
            patterns: Vec::new(),
        }
    }

    pub fn add(&mut self, pattern: Box<dyn ConversionPattern + 'a>) -> &mut Self {
        self.patterns.push(pattern);
        self
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Indices of the patterns that may apply to `name`, best first (stable on ties, in
    /// insertion order).
    fn candidates(&self, name: &str) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.patterns.len())
            .filter(|&i| self.patterns[i].root().is_none_or(|r| r == name))
            .collect();
        v.sort_by_key(|&i| std::cmp::Reverse(self.patterns[i].benefit()));
        v
    }
}

/// How strict a conversion is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ConversionMode {
    Partial,
    Full,
}

/// What a conversion did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversionStats {
    /// Pattern applications.
    pub patterns_applied: usize,
    /// Materializations created and still in the IR at the end.
    pub materializations_left: usize,
}

/// The bookkeeping shared by the driver and the rewriter.
#[derive(Default)]
struct ConversionState {
    /// Ops created (or inserted) by the current pattern application and the ops nested in
    /// them (which may be moved from elsewhere), in order.
    created: Vec<Op>,
    /// The ops the current pattern application inserted itself (not the ones nested in them).
    inserted: Vec<Op>,
    /// Ops modified in place by the current pattern application.
    modified: Vec<Op>,
    /// Casts created as materializations.
    materializations: FxHashSet<Op>,
}

/// The rewriter conversion patterns change the IR through. Like [`flowc_ir::pattern::Rewriter`],
/// it has an insertion point (before the op being converted, initially); it also knows the type
/// converter and materializes values where types differ.
pub struct ConversionRewriter<'a> {
    pub ctx: &'a mut Context,
    converter: Option<&'a TypeConverter<'a>>,
    state: &'a mut ConversionState,
    insert: Option<InsertPoint>,
}

impl<'a> ConversionRewriter<'a> {
    /// The type converter of the conversion, if it has one.
    pub fn type_converter(&self) -> Option<&'a TypeConverter<'a>> {
        self.converter
    }

    pub fn set_insertion_point(&mut self, ip: InsertPoint) {
        self.insert = Some(ip);
    }

    pub fn insertion_point(&self) -> Option<InsertPoint> {
        self.insert
    }

    /// Creates an op at the insertion point.
    pub fn create(&mut self, state: OperationState) -> Op {
        let op = self.ctx.create_op(state);
        self.insert_op(op);
        op
    }

    /// Inserts a detached op at the insertion point; it (and what it holds) will be legalized.
    pub fn insert_op(&mut self, op: Op) {
        let ip = self
            .insert
            .expect("conversion rewriter has no insertion point");
        self.insert = Some(ip.insert(self.ctx, op));
        self.state.inserted.push(op);
        let nested = self.ctx.walk(op, WalkOrder::Pre);
        self.state.created.extend(nested);
    }

    /// Replaces the results of `op` with `values` and erases `op`. Where a value's type differs
    /// from the result's and the result is still used, the users get a source materialization.
    pub fn replace_op(&mut self, op: Op, values: &[Value]) {
        let results = self.ctx.results(op).to_vec();
        assert_eq!(
            results.len(),
            values.len(),
            "replacing '{}' with a different number of values",
            self.ctx.op_name(op)
        );
        for (r, &v) in results.into_iter().zip(values) {
            if !self.ctx.has_uses(r) {
                continue;
            }
            let ty = self.ctx.value_type(r);
            let v = if self.ctx.value_type(v) == ty {
                v
            } else {
                self.materialize_source_before(op, ty, &[v])
            };
            self.ctx.replace_all_uses(r, v);
        }
        self.erase_op(op);
    }

    /// Creates `state` at the insertion point and replaces `op` with its results.
    pub fn replace_op_with_new(&mut self, op: Op, state: OperationState) -> Op {
        let new = self.create(state);
        let results = self.ctx.results(new).to_vec();
        self.replace_op(op, &results);
        new
    }

    /// Erases `op`; its results must be unused (as for [`Context::erase_op`]).
    pub fn erase_op(&mut self, op: Op) {
        for o in self.ctx.walk(op, WalkOrder::Post) {
            self.state.materializations.remove(&o);
        }
        self.ctx.erase_op(op);
    }

    /// Changes `op` in place through `f`; `op` is legalized again afterwards.
    pub fn modify_in_place<R>(&mut self, op: Op, f: impl FnOnce(&mut Context) -> R) -> R {
        let r = f(self.ctx);
        self.state.modified.push(op);
        r
    }

    /// Moves the blocks of `from` into `to`, before block position `index` (MLIR's
    /// `inlineRegionBefore`). The moved ops keep their identity and are legalized in turn.
    pub fn inline_region_before(&mut self, from: Region, to: Region, index: usize) {
        let blocks = self.ctx.region_blocks(from).to_vec();
        for (i, b) in blocks.into_iter().enumerate() {
            self.ctx.detach_block(b);
            self.ctx.insert_block(to, index + i, b);
        }
    }

    /// A value of `ty` built from `inputs` right before `anchor` (a source materialization).
    pub fn materialize_source_before(&mut self, anchor: Op, ty: Type, inputs: &[Value]) -> Value {
        let loc = self.ctx.op_loc(anchor);
        let cast = match self.converter {
            Some(c) => c.materialize_source(self.ctx, ty, inputs, loc),
            None => flowc_ir::builtin::create_cast(self.ctx, inputs, &[ty], loc),
        };
        self.ctx.insert_op_before(anchor, cast);
        self.state.materializations.insert(cast);
        self.ctx.result(cast, 0)
    }

    /// Converts the argument types of every block of `region` through the type converter (MLIR's
    /// `convertRegionTypes`). Returns `false`, changing nothing, when there is no converter or
    /// some argument type is not convertible.
    pub fn convert_region_types(&mut self, region: Region) -> bool {
        let Some(converter) = self.converter else {
            return false;
        };
        let blocks = self.ctx.region_blocks(region).to_vec();
        let mut plans = Vec::with_capacity(blocks.len());
        for &b in &blocks {
            let mut plan = Vec::new();
            for &a in self.ctx.block_args(b).to_vec().iter() {
                let ty = self.ctx.value_type(a);
                match converter.convert_type_n(self.ctx, ty) {
                    Some(types) => plan.push(types),
                    None => return false,
                }
            }
            plans.push(plan);
        }
        for (b, plan) in blocks.into_iter().zip(plans) {
            self.apply_signature_conversion(b, &plan);
        }
        true
    }

    /// Rewrites the arguments of `block`: argument `i` becomes arguments of types
    /// `new_types[i]` (none, one or several). Old uses see a source materialization where the
    /// types differ.
    pub fn apply_signature_conversion(&mut self, block: Block, new_types: &[Vec<Type>]) {
        let old_args = self.ctx.block_args(block).to_vec();
        assert_eq!(
            old_args.len(),
            new_types.len(),
            "signature conversion for a different number of arguments"
        );
        let unchanged = old_args
            .iter()
            .zip(new_types)
            .all(|(&a, t)| t.len() == 1 && t[0] == self.ctx.value_type(a));
        if unchanged {
            return;
        }
        // New arguments are appended, old uses redirected, then the old arguments removed.
        let mut last_cast: Option<Op> = None;
        for (&old, types) in old_args.iter().zip(new_types) {
            let loc = self.ctx.value_loc(old);
            let new: Vec<Value> = types
                .iter()
                .map(|&t| self.ctx.add_block_arg(block, t, loc))
                .collect();
            let old_ty = self.ctx.value_type(old);
            if new.len() == 1 && self.ctx.value_type(new[0]) == old_ty {
                self.ctx.replace_all_uses(old, new[0]);
                continue;
            }
            if !self.ctx.has_uses(old) {
                continue;
            }
            let cast = match self.converter {
                Some(c) => c.materialize_source(self.ctx, old_ty, &new, loc),
                None => flowc_ir::builtin::create_cast(self.ctx, &new, &[old_ty], loc),
            };
            match last_cast {
                Some(prev) => self.ctx.insert_op_after(prev, cast),
                None => self.ctx.prepend_op(block, cast),
            }
            last_cast = Some(cast);
            self.state.materializations.insert(cast);
            let replacement = self.ctx.result(cast, 0);
            self.ctx.replace_all_uses(old, replacement);
        }
        for _ in 0..old_args.len() {
            self.ctx.erase_block_arg(block, 0);
        }
    }
}

/// Converts what it can in `root`; fails if an explicitly illegal op remains.
pub fn apply_partial_conversion(
    ctx: &mut Context,
    root: Op,
    target: &ConversionTarget<'_>,
    patterns: &ConversionPatternSet<'_>,
    type_converter: &TypeConverter<'_>,
) -> Result<(), Diagnostic> {
    apply_conversion(
        ctx,
        root,
        target,
        patterns,
        type_converter,
        ConversionMode::Partial,
    )
    .map(|_| ())
}

/// Converts every op in `root` to legal ops; fails if an op is illegal or unknown to the target
/// afterwards.
pub fn apply_full_conversion(
    ctx: &mut Context,
    root: Op,
    target: &ConversionTarget<'_>,
    patterns: &ConversionPatternSet<'_>,
    type_converter: &TypeConverter<'_>,
) -> Result<(), Diagnostic> {
    apply_conversion(
        ctx,
        root,
        target,
        patterns,
        type_converter,
        ConversionMode::Full,
    )
    .map(|_| ())
}

/// The most nested pattern applications on ops created by patterns.
const MAX_DEPTH: usize = 64;

/// Runs a conversion in the given mode and returns what it did.
pub fn apply_conversion(
    ctx: &mut Context,
    root: Op,
    target: &ConversionTarget<'_>,
    patterns: &ConversionPatternSet<'_>,
    type_converter: &TypeConverter<'_>,
    mode: ConversionMode,
) -> Result<ConversionStats, Diagnostic> {
    let converter = (!type_converter.is_empty()).then_some(type_converter);
    let mut driver = ConversionDriver {
        root,
        target,
        patterns,
        converter,
        state: ConversionState::default(),
        created_by: FxHashMap::default(),
        recursively_legal: FxHashSet::default(),
        stats: ConversionStats::default(),
        candidates: FxHashMap::default(),
    };
    let ops = ctx.nested_ops(root);
    for op in ops {
        driver.legalize(ctx, op, 0)?;
    }
    driver.cleanup_materializations(ctx);
    driver.stats.materializations_left = driver.state.materializations.len();
    driver.check(ctx, mode)?;
    Ok(driver.stats)
}

struct ConversionDriver<'t, 'p, 'c> {
    root: Op,
    target: &'t ConversionTarget<'t>,
    patterns: &'p ConversionPatternSet<'p>,
    converter: Option<&'c TypeConverter<'c>>,
    state: ConversionState,
    /// The pattern that created each op (a pattern is not applied to its own products).
    created_by: FxHashMap<Op, usize>,
    /// Legal ops whose nested ops are legal too.
    recursively_legal: FxHashSet<Op>,
    stats: ConversionStats,
    candidates: FxHashMap<String, Vec<usize>>,
}

impl ConversionDriver<'_, '_, '_> {
    fn in_recursively_legal(&self, ctx: &Context, op: Op) -> bool {
        let mut cur = ctx.op_parent_op(op);
        while let Some(p) = cur {
            if p == self.root {
                return false;
            }
            if self.recursively_legal.contains(&p) {
                return true;
            }
            cur = ctx.op_parent_op(p);
        }
        false
    }

    fn legalize(&mut self, ctx: &mut Context, op: Op, depth: usize) -> Result<(), Diagnostic> {
        if !ctx.is_op_alive(op)
            || op == self.root
            || self.state.materializations.contains(&op)
            || self.in_recursively_legal(ctx, op)
        {
            return Ok(());
        }
        if depth > MAX_DEPTH {
            return Err(flowc_ir::op_error(
                ctx,
                op,
                "conversion patterns nest too deeply while legalizing this op",
            ));
        }
        if self.target.legality(ctx, op) == Legality::Legal {
            if self.target.is_recursively_legal(ctx, op) {
                self.recursively_legal.insert(op);
            }
            return Ok(());
        }
        let name = ctx.op_name(op).to_owned();
        let candidates = self
            .candidates
            .entry(name.clone())
            .or_insert_with(|| self.patterns.candidates(&name))
            .clone();
        let converter = self.converter;
        for index in candidates {
            if self.created_by.get(&op) == Some(&index) {
                continue;
            }
            let pattern = &self.patterns.patterns[index];
            let operands = self.adaptor_operands(ctx, op);
            self.state.created.clear();
            self.state.inserted.clear();
            self.state.modified.clear();
            let applied = {
                let mut rewriter = ConversionRewriter {
                    ctx,
                    converter,
                    state: &mut self.state,
                    insert: Some(InsertPoint::Before(op)),
                };
                pattern.match_and_rewrite(op, &operands, &mut rewriter)
            };
            if !applied {
                continue;
            }
            tracing::trace!(pattern = pattern.name(), op = %name, "conversion pattern applied");
            self.stats.patterns_applied += 1;
            let created = std::mem::take(&mut self.state.created);
            let modified = std::mem::take(&mut self.state.modified);
            // Only the ops the pattern inserted are its products: ops nested in them may have
            // been moved there from the original IR and are fair game for the same pattern.
            for c in std::mem::take(&mut self.state.inserted) {
                self.created_by.insert(c, index);
            }
            for c in created {
                self.legalize(ctx, c, depth + 1)?;
            }
            for m in modified {
                if m != op {
                    self.legalize(ctx, m, depth + 1)?;
                }
            }
            // Replaced or erased: done. Updated in place: done once legal, else keep trying
            // the remaining patterns.
            if !ctx.is_op_alive(op) || self.target.legality(ctx, op) == Legality::Legal {
                if ctx.is_op_alive(op) && self.target.is_recursively_legal(ctx, op) {
                    self.recursively_legal.insert(op);
                }
                return Ok(());
            }
        }
        Ok(())
    }

    /// The operands of `op` as patterns see them: through our source materializations to the
    /// converted values, and materialized to converted types where the converter says so.
    fn adaptor_operands(&mut self, ctx: &mut Context, op: Op) -> Vec<Value> {
        let operands: Vec<Value> = ctx.operands(op).collect();
        let mut out = Vec::with_capacity(operands.len());
        for v in operands {
            let mut cur = v;
            if let Some(d) = ctx.defining_op(v)
                && self.state.materializations.contains(&d)
                && ctx.num_operands(d) == 1
                && ctx.num_results(d) == 1
            {
                cur = ctx.operand(d, 0);
            }
            if let Some(conv) = self.converter {
                let orig_ty = ctx.value_type(v);
                if let Some(want) = conv.convert_type(ctx, orig_ty) {
                    if ctx.value_type(cur) != want {
                        if ctx.value_type(v) == want {
                            cur = v;
                        } else {
                            let loc = ctx.op_loc(op);
                            let cast = conv.materialize_target(ctx, want, &[v], loc);
                            ctx.insert_op_before(op, cast);
                            self.state.materializations.insert(cast);
                            cur = ctx.result(cast, 0);
                        }
                    }
                } else {
                    // Not convertible 1:1: the pattern sees the original value.
                    cur = v;
                }
            }
            out.push(cur);
        }
        out
    }

    /// Erases unused materializations and folds round trips (`cast(cast(x : A) : B) : A`).
    fn cleanup_materializations(&mut self, ctx: &mut Context) {
        loop {
            let mut changed = false;
            let mut list: Vec<Op> = self.state.materializations.iter().copied().collect();
            list.sort();
            for m in list {
                if !ctx.is_op_alive(m) {
                    self.state.materializations.remove(&m);
                    continue;
                }
                if !ctx.op_has_uses(m) {
                    ctx.erase_op(m);
                    self.state.materializations.remove(&m);
                    changed = true;
                    continue;
                }
                // cast(x) where x is itself a cast of y with y's type the result type: use y.
                if ctx.num_operands(m) == 1 && ctx.num_results(m) == 1 {
                    let input = ctx.operand(m, 0);
                    if let Some(d) = ctx.defining_op(input)
                        && self.state.materializations.contains(&d)
                        && ctx.num_operands(d) == 1
                    {
                        let y = ctx.operand(d, 0);
                        let r = ctx.result(m, 0);
                        if ctx.value_type(y) == ctx.value_type(r) {
                            ctx.replace_all_uses(r, y);
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Reports the first op left illegal (partial: explicitly illegal; full: not legal).
    fn check(&mut self, ctx: &mut Context, mode: ConversionMode) -> Result<(), Diagnostic> {
        let mut skip: FxHashSet<Op> = FxHashSet::default();
        for op in ctx.nested_ops(self.root) {
            if !ctx.is_op_alive(op) || self.state.materializations.contains(&op) {
                continue;
            }
            if ctx.op_parent_op(op).is_some_and(|p| skip.contains(&p)) {
                skip.insert(op);
                continue;
            }
            match self.target.legality(ctx, op) {
                Legality::Legal if self.target.is_recursively_legal(ctx, op) => {
                    skip.insert(op);
                }
                Legality::Illegal if mode == ConversionMode::Partial => {
                    return Err(Diagnostic::error(
                        ctx.op_loc(op),
                        format!(
                            "failed to legalize operation '{}' that was explicitly marked illegal",
                            ctx.op_name(op)
                        ),
                    ));
                }
                Legality::Illegal | Legality::Unknown if mode == ConversionMode::Full => {
                    return Err(Diagnostic::error(
                        ctx.op_loc(op),
                        format!("failed to legalize operation '{}'", ctx.op_name(op)),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

// ===== Common patterns =====

/// Converts the signature of function-like ops (`function_type` and the block arguments of the
/// body) through the type converter (MLIR's
/// `populateFunctionOpInterfaceTypeConversionPattern`).
pub struct FunctionSignatureConversion;

impl ConversionPattern for FunctionSignatureConversion {
    fn name(&self) -> &str {
        "function-signature-conversion"
    }

    fn root(&self) -> Option<&str> {
        None
    }

    fn match_and_rewrite(
        &self,
        op: Op,
        _operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool {
        if !rewriter.ctx.has_trait(op, Traits::FUNCTION_LIKE) {
            return false;
        }
        let Some(converter) = rewriter.type_converter() else {
            return false;
        };
        let ctx = &mut *rewriter.ctx;
        let Some(fty) = ctx
            .attr(op, "function_type")
            .and_then(|a| ctx.type_value(a))
        else {
            return false;
        };
        let Some((inputs, results)) = ctx
            .function_signature(fty)
            .map(|(i, r)| (i.to_vec(), r.to_vec()))
        else {
            return false;
        };
        let mut per_input = Vec::with_capacity(inputs.len());
        for &t in &inputs {
            match converter.convert_type_n(ctx, t) {
                Some(ts) => per_input.push(ts),
                None => return false,
            }
        }
        let Some(new_results) = converter.convert_types(ctx, &results) else {
            return false;
        };
        let new_inputs: Vec<Type> = per_input.iter().flatten().copied().collect();
        // Check the non-entry blocks too before changing anything.
        let body = ctx.regions(op).first().copied();
        if let Some(body) = body {
            let types: Vec<Type> = ctx.region_blocks(body)[1.min(ctx.region_blocks(body).len())..]
                .iter()
                .flat_map(|&b| ctx.block_args(b).iter().map(|&a| ctx.value_type(a)))
                .collect();
            if types
                .into_iter()
                .any(|t| converter.convert_type_n(ctx, t).is_none())
            {
                return false;
            }
        }
        let signature_same = new_inputs == inputs && new_results == results;
        let regions_legal = converter.are_regions_legal(ctx, op);
        if signature_same && regions_legal {
            return false;
        }
        let new_fty = ctx.function_type(new_inputs, new_results);
        if let Some(body) = body
            && let Some(entry) = ctx.region_entry(body)
        {
            if ctx.block_args(entry).len() != per_input.len() {
                return false;
            }
            rewriter.apply_signature_conversion(entry, &per_input);
            let rest: Vec<Block> = rewriter.ctx.region_blocks(body)[1..].to_vec();
            for b in rest {
                let args = rewriter.ctx.block_args(b).to_vec();
                let plan: Vec<Vec<Type>> = args
                    .iter()
                    .map(|&a| {
                        let ty = rewriter.ctx.value_type(a);
                        converter
                            .convert_type_n(rewriter.ctx, ty)
                            .expect("checked above")
                    })
                    .collect();
                rewriter.apply_signature_conversion(b, &plan);
            }
        }
        rewriter.modify_in_place(op, |ctx| {
            let attr = ctx.type_attr(new_fty);
            ctx.set_attr(op, "function_type", attr);
        });
        true
    }
}

/// Adds [`FunctionSignatureConversion`] to `patterns`.
pub fn populate_function_signature_conversion(patterns: &mut ConversionPatternSet<'_>) {
    patterns.add(Box::new(FunctionSignatureConversion));
}

/// Rebuilds an op of a given name with its operands converted (the adaptor operands) and its
/// result types converted 1:1, keeping attributes, regions and successors: the structural type
/// conversion that `func.return`, `func.call` and similar ops need.
pub struct TypeConversionPattern {
    root: String,
}

impl TypeConversionPattern {
    pub fn new(root: &str) -> Self {
        TypeConversionPattern {
            root: root.to_owned(),
        }
    }
}

impl ConversionPattern for TypeConversionPattern {
    fn name(&self) -> &str {
        "type-conversion"
    }

    fn root(&self) -> Option<&str> {
        Some(&self.root)
    }

    fn match_and_rewrite(
        &self,
        op: Op,
        operands: &[Value],
        rewriter: &mut ConversionRewriter<'_>,
    ) -> bool {
        let Some(converter) = rewriter.type_converter() else {
            return false;
        };
        let ctx = &mut *rewriter.ctx;
        let old_results = ctx.result_types(op);
        let mut new_results = Vec::with_capacity(old_results.len());
        for &t in &old_results {
            match converter.convert_type(ctx, t) {
                Some(n) => new_results.push(n),
                None => return false,
            }
        }
        let old_operands: Vec<Value> = ctx.operands(op).collect();
        if old_operands == operands && old_results == new_results {
            return false;
        }
        let loc = ctx.op_loc(op);
        let mut state = OperationState::new(ctx, &self.root, loc)
            .operands(operands)
            .results(&new_results);
        state.properties = ctx.properties(op).to_vec();
        state.attributes = ctx.discardable_attrs(op).to_vec();
        state.successors = ctx.successors(op).to_vec();
        for &r in ctx.regions(op).to_vec().iter() {
            let nr = ctx.create_region();
            ctx.take_region_body(r, nr);
            state.regions.push(nr);
        }
        rewriter.replace_op_with_new(op, state);
        true
    }
}

/// Adds a [`TypeConversionPattern`] for each op name.
pub fn populate_type_conversion_patterns(patterns: &mut ConversionPatternSet<'_>, names: &[&str]) {
    for n in names {
        patterns.add(Box::new(TypeConversionPattern::new(n)));
    }
}

#[cfg(test)]
mod tests;
