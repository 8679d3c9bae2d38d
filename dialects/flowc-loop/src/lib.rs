//! The `loop` dialect: structured control flow on `index` induction variables.
//!
//! ```mlir
//! %r = loop.for %iv = %lb to %ub step %s iter_args(%acc = %init) -> (f32) {
//!   ...
//!   loop.yield %next : f32
//! }
//! loop.parallel (%i, %j) = (%lb0, %lb1) to (%ub0, %ub1) step (%s0, %s1) {
//!   ...
//!   loop.yield
//! }
//! %v = loop.if %cond -> (f32) {
//!   loop.yield %a : f32
//! } else {
//!   loop.yield %b : f32
//! }
//! ```
//!
//! - `loop.for`: operands `lb, ub, step` (index) then the iter_args inits; results match the
//!   inits; one block with arguments `(iv: index, iter_args...)` ended by `loop.yield` with the
//!   next values. Runs `iv = lb, lb + step, ... < ub`; `step > 0`.
//! - `loop.parallel`: operands `lbs, ubs, steps` (N each, `operandSegmentSizes`); no results;
//!   one block with N index arguments; iterations are independent.
//! - `loop.if`: operand `cond: i1`; a `then` region and an `else` region that may be empty
//!   unless there are results; each non-empty region is one block ended by `loop.yield`.
//! - `loop.yield`: the terminator of all three.
//!
//! In the custom syntax a body without a terminator gets an empty `loop.yield` (as MLIR's
//! `scf` does); the printer always prints the terminator. The generic form works as for every op.
//!
//! Builders ([`build_for`], [`build_parallel`], [`build_if`], [`build_yield`]) create the ops
//! with empty body blocks; the caller fills a body and ends it with [`build_yield`].

use flowc_ir::constraints::{ANY_TYPE, I1, INDEX};
use flowc_ir::parser::{Argument, OpParser, ParseResult, UnresolvedOperand};
use flowc_ir::pattern::InsertPoint;
use flowc_ir::printer::OpPrinter;
use flowc_ir::{
    AttrData, Block, Context, Diagnostic, DialectDef, Location, Op, OperationState, Region, Traits,
    Type, Value, op_error,
};

flowc_ir::op! {
    /// A sequential loop with loop-carried values.
    pub struct ForOp = "loop.for" {
        summary: "sequential for loop with iter_args",
        description: "`%r = loop.for %iv = %lb to %ub step %s iter_args(%acc = %init) -> (f32) { ... }`; \
            the body's arguments are the induction variable then the iter_args; `loop.yield` gives \
            the next iter_args, the results are the last ones (the inits when the loop runs zero times).",
        operands: {
            lower_bound: one(INDEX),
            upper_bound: one(INDEX),
            step: one(INDEX),
            init_args: variadic(ANY_TYPE),
        },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: { body },
        traits: Traits::SINGLE_BLOCK | Traits::PURE,
    }
}

flowc_ir::op! {
    /// A multi-dimensional loop whose iterations are independent.
    pub struct ParallelOp = "loop.parallel" {
        summary: "parallel loop nest",
        description: "`loop.parallel (%i, %j) = (%lb0, %lb1) to (%ub0, %ub1) step (%s0, %s1) { ... }`; \
            iterations may run in any order or at once.",
        operands: {
            lower_bounds: variadic(INDEX),
            upper_bounds: variadic(INDEX),
            steps: variadic(INDEX),
        },
        results: {},
        attributes: {},
        regions: { body },
        traits: Traits::SINGLE_BLOCK | Traits::PURE | Traits::ATTR_SIZED_OPERAND_SEGMENTS,
    }
}

flowc_ir::op! {
    /// A two-way conditional with results.
    pub struct IfOp = "loop.if" {
        summary: "if-then-else",
        description: "`%v = loop.if %cond -> (f32) { loop.yield %a : f32 } else { loop.yield %b : f32 }`; \
            the else region may be empty when there are no results.",
        operands: { condition: one(I1) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {},
        regions: { then_region, else_region },
        traits: Traits::SINGLE_BLOCK | Traits::PURE,
    }
}

flowc_ir::op! {
    /// Ends the body of `loop.for`, `loop.parallel` and `loop.if`.
    pub struct YieldOp = "loop.yield" {
        summary: "loop yield and termination operation",
        description: "`loop.yield %a, %b : f32, i32`; the values become the parent's next iter_args \
            (`loop.for`) or results (`loop.if`); `loop.parallel` yields nothing.",
        operands: { values: variadic(ANY_TYPE) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR | Traits::PURE,
    }
}

/// The `loop` dialect definition.
pub fn dialect() -> DialectDef {
    DialectDef::new("loop", "Structured control flow: for, parallel, if, yield")
        .op(ForOp::base_def()
            .verifier(verify_for)
            .assembly(print_for, parse_for))
        .op(ParallelOp::base_def()
            .verifier(verify_parallel)
            .assembly(print_parallel, parse_parallel))
        .op(IfOp::base_def()
            .verifier(verify_if)
            .assembly(print_if, parse_if))
        .op(YieldOp::base_def()
            .verifier(verify_yield)
            .assembly(print_yield, parse_yield))
}

// ===== Accessors =====

impl ForOp {
    /// The body block (its arguments: `iv`, then the iter_args).
    pub fn body_block(self, ctx: &Context) -> Option<Block> {
        ctx.region_entry(self.body(ctx))
    }

    /// The induction variable.
    pub fn induction_var(self, ctx: &Context) -> Option<Value> {
        self.body_block(ctx)
            .and_then(|b| ctx.block_args(b).first().copied())
    }

    /// The iter_args block arguments.
    pub fn region_iter_args(self, ctx: &Context) -> Vec<Value> {
        self.body_block(ctx)
            .map(|b| ctx.block_args(b).iter().skip(1).copied().collect())
            .unwrap_or_default()
    }
}

impl ParallelOp {
    pub fn body_block(self, ctx: &Context) -> Option<Block> {
        ctx.region_entry(self.body(ctx))
    }

    /// The number of loop dimensions.
    pub fn rank(self, ctx: &Context) -> usize {
        self.lower_bounds(ctx).len()
    }

    /// The induction variables, one per dimension.
    pub fn induction_vars(self, ctx: &Context) -> Vec<Value> {
        self.body_block(ctx)
            .map(|b| ctx.block_args(b).to_vec())
            .unwrap_or_default()
    }
}

impl IfOp {
    pub fn then_block(self, ctx: &Context) -> Option<Block> {
        ctx.region_entry(self.then_region(ctx))
    }

    /// `None` when the else region is empty.
    pub fn else_block(self, ctx: &Context) -> Option<Block> {
        ctx.region_entry(self.else_region(ctx))
    }
}

/// The `i64` value of a constant-like op's `value` attribute defining `v`, if any (for the
/// positive-step check and for code that wants static trip counts).
pub fn constant_int(ctx: &Context, v: Value) -> Option<i64> {
    let op = ctx.defining_op(v)?;
    if !ctx.has_trait(op, Traits::CONSTANT_LIKE) {
        return None;
    }
    match ctx.attr_data(ctx.attr(op, "value")?) {
        AttrData::Integer { value, .. } => i64::try_from(*value).ok(),
        _ => None,
    }
}

/// The static trip count of `for lb to ub step s` when all three are constants:
/// `ceil((ub - lb) / s)`, 0 when `ub <= lb`.
pub fn static_trip_count(ctx: &Context, lb: Value, ub: Value, step: Value) -> Option<i64> {
    let (lb, ub, step) = (
        constant_int(ctx, lb)?,
        constant_int(ctx, ub)?,
        constant_int(ctx, step)?,
    );
    trip_count(lb, ub, step)
}

/// `ceil((ub - lb) / step)` clamped at 0; `None` for a non-positive step or overflow.
pub fn trip_count(lb: i64, ub: i64, step: i64) -> Option<i64> {
    if step <= 0 {
        return None;
    }
    if ub <= lb {
        return Some(0);
    }
    let span = ub.checked_sub(lb)?;
    Some(span / step + i64::from(span % step != 0))
}

// ===== Builders =====

/// Inserts `op` at `*ip` and advances `*ip` so that the next insertion comes after it.
fn insert(ctx: &mut Context, ip: &mut InsertPoint, op: Op) {
    *ip = ip.insert(ctx, op);
}

/// Creates `loop.for %iv = lb to ub step step iter_args(inits)` at `*ip` (advancing it past the
/// new op). Returns the op and its body block, whose arguments are `iv: index` then one per
/// init; the block is empty: fill it and end it with [`build_yield`] of the next values.
pub fn build_for(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    lb: Value,
    ub: Value,
    step: Value,
    inits: &[Value],
    loc: Location,
) -> (ForOp, Block) {
    let index = ctx.index_type();
    let types: Vec<Type> = inits.iter().map(|&v| ctx.value_type(v)).collect();
    let mut args = vec![(index, loc)];
    args.extend(types.iter().map(|&t| (t, loc)));
    let block = ctx.create_block(&args);
    let region = ctx.create_region();
    ctx.append_block(region, block);
    let mut state = OperationState::new(ctx, ForOp::NAME, loc)
        .operands(&[lb, ub, step])
        .operands(inits)
        .results(&types);
    state.regions.push(region);
    let op = ctx.create_op(state);
    insert(ctx, ip, op);
    (ForOp(op), block)
}

/// Creates `loop.parallel (ivs) = (lbs) to (ubs) step (steps)` at `*ip` (advancing it). The
/// three slices must have the same length. Returns the op and its empty body block (one index
/// argument per dimension); end the body with `build_yield(ctx, block, &[], loc)`.
pub fn build_parallel(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    lbs: &[Value],
    ubs: &[Value],
    steps: &[Value],
    loc: Location,
) -> (ParallelOp, Block) {
    let index = ctx.index_type();
    let args: Vec<(Type, Location)> = lbs.iter().map(|_| (index, loc)).collect();
    let block = ctx.create_block(&args);
    let region = ctx.create_region();
    ctx.append_block(region, block);
    let sizes = segment_sizes(ctx, lbs.len(), ubs.len(), steps.len());
    let mut state = OperationState::new(ctx, ParallelOp::NAME, loc)
        .operands(lbs)
        .operands(ubs)
        .operands(steps);
    state.add_attr(ctx, "operandSegmentSizes", sizes);
    state.regions.push(region);
    let op = ctx.create_op(state);
    insert(ctx, ip, op);
    (ParallelOp(op), block)
}

/// Creates `loop.if cond -> (result_types)` at `*ip` (advancing it). Returns the op, its empty
/// then block and, with `with_else`, its empty else block; each must end with [`build_yield`].
pub fn build_if(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    cond: Value,
    result_types: &[Type],
    with_else: bool,
    loc: Location,
) -> (IfOp, Block, Option<Block>) {
    let then_region = ctx.create_region();
    let then_block = ctx.create_block(&[]);
    ctx.append_block(then_region, then_block);
    let else_region = ctx.create_region();
    let else_block = with_else.then(|| {
        let b = ctx.create_block(&[]);
        ctx.append_block(else_region, b);
        b
    });
    let mut state = OperationState::new(ctx, IfOp::NAME, loc)
        .operands(&[cond])
        .results(result_types);
    state.regions.push(then_region);
    state.regions.push(else_region);
    let op = ctx.create_op(state);
    insert(ctx, ip, op);
    (IfOp(op), then_block, else_block)
}

/// Appends `loop.yield values` at the end of `block`.
pub fn build_yield(ctx: &mut Context, block: Block, values: &[Value], loc: Location) -> YieldOp {
    let state = OperationState::new(ctx, YieldOp::NAME, loc).operands(values);
    let op = ctx.create_op(state);
    ctx.append_op(block, op);
    YieldOp(op)
}

fn segment_sizes(ctx: &mut Context, a: usize, b: usize, c: usize) -> flowc_ir::Attribute {
    ctx.dense_i32_array_attr(&[a as i32, b as i32, c as i32])
}

// ===== Verifiers =====

fn type_list(ctx: &Context, types: &[Type]) -> String {
    types
        .iter()
        .map(|&t| format!("'{}'", ctx.print_type(t)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The single block of `region`, or an error naming the region.
fn single_block(ctx: &Context, op: Op, region: Region, what: &str) -> Result<Block, Diagnostic> {
    match ctx.region_blocks(region) {
        [b] => Ok(*b),
        _ => Err(op_error(
            ctx,
            op,
            format!("expects the {what} region to have exactly one block"),
        )),
    }
}

fn check_positive_step(ctx: &Context, op: Op, step: Value) -> Result<(), Diagnostic> {
    match constant_int(ctx, step) {
        Some(s) if s <= 0 => Err(op_error(ctx, op, "constant step operand must be positive")),
        _ => Ok(()),
    }
}

fn verify_for(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let f = ForOp(op);
    check_positive_step(ctx, op, f.step(ctx))?;
    let inits: Vec<Type> = f
        .init_args(ctx)
        .iter()
        .map(|&v| ctx.value_type(v))
        .collect();
    let results = ctx.result_types(op);
    if inits.len() != results.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "mismatch in number of loop-carried values and defined values: {} iter_args, {} results",
                inits.len(),
                results.len()
            ),
        ));
    }
    for (i, (&a, &r)) in inits.iter().zip(&results).enumerate() {
        if a != r {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "type of iter_arg init #{i} ('{}') does not match result type ('{}')",
                    ctx.print_type(a),
                    ctx.print_type(r)
                ),
            ));
        }
    }
    let block = single_block(ctx, op, f.body(ctx), "body")?;
    let args = ctx.block_args(block);
    if args.len() != 1 + inits.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the body to have {} arguments (the induction variable and one per iter_arg), but it has {}",
                1 + inits.len(),
                args.len()
            ),
        ));
    }
    if !ctx.is_index(ctx.value_type(args[0])) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the induction variable to be of type 'index', but got '{}'",
                ctx.print_type(ctx.value_type(args[0]))
            ),
        ));
    }
    for (i, (&arg, &t)) in args[1..].iter().zip(&inits).enumerate() {
        if ctx.value_type(arg) != t {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "type of body argument #{} ('{}') does not match iter_arg #{i} ('{}')",
                    i + 1,
                    ctx.print_type(ctx.value_type(arg)),
                    ctx.print_type(t)
                ),
            ));
        }
    }
    Ok(())
}

fn verify_parallel(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let p = ParallelOp(op);
    let (lbs, ubs, steps) = (p.lower_bounds(ctx), p.upper_bounds(ctx), p.steps(ctx));
    if lbs.len() != ubs.len() || lbs.len() != steps.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the same number of lower bounds, upper bounds and steps, but got {}, {} and {}",
                lbs.len(),
                ubs.len(),
                steps.len()
            ),
        ));
    }
    if lbs.is_empty() {
        return Err(op_error(
            ctx,
            op,
            "needs at least one tuple element for lowerBound, upperBound and step",
        ));
    }
    for &s in &steps {
        check_positive_step(ctx, op, s)?;
    }
    let block = single_block(ctx, op, p.body(ctx), "body")?;
    let args = ctx.block_args(block);
    if args.len() != lbs.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the same number of induction variables: {} as bound and step values: {}",
                args.len(),
                lbs.len()
            ),
        ));
    }
    if let Some(&a) = args.iter().find(|&&a| !ctx.is_index(ctx.value_type(a))) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects arguments for the induction variable to be of index type, but got '{}'",
                ctx.print_type(ctx.value_type(a))
            ),
        ));
    }
    Ok(())
}

fn verify_if(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let i = IfOp(op);
    let then_block = single_block(ctx, op, i.then_region(ctx), "then")?;
    let else_region = i.else_region(ctx);
    let else_block = if ctx.region_is_empty(else_region) {
        None
    } else {
        Some(single_block(ctx, op, else_region, "else")?)
    };
    if ctx.num_results(op) > 0 && else_block.is_none() {
        return Err(op_error(
            ctx,
            op,
            "must have an else block if defining values",
        ));
    }
    for b in std::iter::once(then_block).chain(else_block) {
        if !ctx.block_args(b).is_empty() {
            return Err(op_error(
                ctx,
                op,
                "expects its regions to have no arguments",
            ));
        }
    }
    Ok(())
}

/// What `loop.yield` must yield inside `parent`: the results of `loop.for` / `loop.if`, nothing
/// in `loop.parallel`. `None` for other parents; `Some(None)` when the parent's own signature is
/// inconsistent (a `loop.for` whose inits and results differ), which the parent reports.
fn expected_yield_types(ctx: &Context, parent: Op) -> Option<Option<Vec<Type>>> {
    match ctx.op_name(parent) {
        ForOp::NAME => {
            let results = ctx.result_types(parent);
            let inits: Vec<Type> = ForOp(parent)
                .init_args(ctx)
                .iter()
                .map(|&v| ctx.value_type(v))
                .collect();
            Some((inits == results).then_some(results))
        }
        IfOp::NAME => Some(Some(ctx.result_types(parent))),
        ParallelOp::NAME => Some(Some(Vec::new())),
        _ => None,
    }
}

fn verify_yield(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let parent = ctx.op_parent_op(op);
    let Some(expected) = parent.and_then(|p| expected_yield_types(ctx, p)) else {
        return Err(op_error(
            ctx,
            op,
            "expects parent op to be one of 'loop.for, loop.parallel, loop.if'",
        ));
    };
    let Some(expected) = expected else {
        return Ok(());
    };
    let got = ctx.operand_types(op);
    if got != expected {
        let parent = parent.map_or("", |p| ctx.op_name(p));
        return Err(op_error(
            ctx,
            op,
            format!(
                "types mismatch between yield op and its parent '{parent}': yields ({}), expected ({})",
                type_list(ctx, &got),
                type_list(ctx, &expected)
            ),
        ));
    }
    Ok(())
}

// ===== Custom syntax =====

/// Appends an empty `loop.yield` to the single block of `region` when it has no terminator
/// (the custom syntax lets bodies without results omit it).
fn ensure_terminator(p: &mut OpParser<'_, '_>, region: Region, loc: Location) {
    let ctx = p.ctx();
    let blocks = ctx.region_blocks(region).to_vec();
    let [block] = blocks[..] else {
        return;
    };
    let has_terminator = ctx
        .block_last_op(block)
        .is_some_and(|last| ctx.has_trait(last, Traits::TERMINATOR) || !ctx.is_registered(last));
    if !has_terminator {
        build_yield(ctx, block, &[], loc);
    }
}

fn region_arg(name: UnresolvedOperand, ty: Type) -> Argument {
    Argument {
        name,
        ty,
        attrs: None,
        loc: None,
    }
}

// loop.for %iv = %lb to %ub step %s [iter_args(%a = %init, ...) -> (types)] { ... } {attrs}
fn print_for(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let f = ForOp(op);
    // Malformed loops (no body, wrong argument count) print what they have; the verifier
    // reports them, and the generic form is the faithful one for such IR.
    let args = f
        .body_block(ctx)
        .map(|b| ctx.block_args(b).to_vec())
        .unwrap_or_default();
    let inits = f.init_args(ctx);
    p.write(" ");
    if let Some(&iv) = args.first() {
        p.print_operand(iv);
        p.write(" = ");
    }
    p.print_operand(f.lower_bound(ctx));
    p.write(" to ");
    p.print_operand(f.upper_bound(ctx));
    p.write(" step ");
    p.print_operand(f.step(ctx));
    if !inits.is_empty() {
        p.write(" iter_args(");
        for (i, (&a, &init)) in args.iter().skip(1).zip(&inits).enumerate() {
            if i > 0 {
                p.write(", ");
            }
            p.print_operand(a);
            p.write(" = ");
            p.print_operand(init);
        }
        p.write(") -> (");
        p.print_type_list(&ctx.result_types(op));
        p.write(")");
    }
    p.write(" ");
    p.print_region(f.body(ctx), false, true);
    p.print_optional_attr_dict(op, &[]);
}

fn parse_for(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let loc = p.current_loc();
    let iv = p.parse_operand()?;
    p.parse_punct("=")?;
    let lb = p.parse_operand()?;
    p.parse_keyword("to")?;
    let ub = p.parse_operand()?;
    p.parse_keyword("step")?;
    let step = p.parse_operand()?;
    let index = p.ctx().index_type();
    p.resolve_operands(&[lb, ub, step], &[index, index, index], &mut state.operands)?;
    let mut args = vec![region_arg(iv, index)];
    if p.parse_optional_keyword("iter_args") {
        p.parse_punct("(")?;
        let mut names = Vec::new();
        let mut inits = Vec::new();
        if !p.parse_optional_punct(")") {
            loop {
                names.push(p.parse_operand()?);
                p.parse_punct("=")?;
                inits.push(p.parse_operand()?);
                if !p.parse_optional_punct(",") {
                    break;
                }
            }
            p.parse_punct(")")?;
        }
        p.parse_punct("->")?;
        let types = p.parse_result_type_list()?;
        if types.len() != inits.len() {
            return Err(p.error(&format!(
                "expected as many result types ({}) as iter_args ({})",
                types.len(),
                inits.len()
            )));
        }
        p.resolve_operands(&inits, &types, &mut state.operands)?;
        args.extend(
            names
                .into_iter()
                .zip(&types)
                .map(|(n, &t)| region_arg(n, t)),
        );
        state.result_types = types;
    }
    let region = p.ctx().create_region();
    p.parse_region(region, &args, false)?;
    ensure_terminator(p, region, loc);
    state.regions.push(region);
    p.parse_optional_attr_dict(&mut state.attributes)?;
    Ok(())
}

fn print_paren_operands(p: &mut OpPrinter<'_, '_>, values: &[Value]) {
    p.write("(");
    p.print_operands(values);
    p.write(")");
}

// loop.parallel (%i, ...) = (%lb, ...) to (%ub, ...) step (%s, ...) { ... } {attrs}
fn print_parallel(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let par = ParallelOp(op);
    let ivs = par.induction_vars(ctx);
    p.write(" ");
    print_paren_operands(p, &ivs);
    p.write(" = ");
    print_paren_operands(p, &par.lower_bounds(ctx));
    p.write(" to ");
    print_paren_operands(p, &par.upper_bounds(ctx));
    p.write(" step ");
    print_paren_operands(p, &par.steps(ctx));
    p.write(" ");
    p.print_region(par.body(ctx), false, true);
    p.print_optional_attr_dict(op, &["operandSegmentSizes"]);
}

fn parse_paren_operands(p: &mut OpParser<'_, '_>) -> ParseResult<Vec<UnresolvedOperand>> {
    p.parse_punct("(")?;
    let list = p.parse_operand_list()?;
    p.parse_punct(")")?;
    Ok(list)
}

fn parse_parallel(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let loc = p.current_loc();
    let ivs = parse_paren_operands(p)?;
    p.parse_punct("=")?;
    let lbs = parse_paren_operands(p)?;
    p.parse_keyword("to")?;
    let ubs = parse_paren_operands(p)?;
    p.parse_keyword("step")?;
    let steps = parse_paren_operands(p)?;
    let n = ivs.len();
    for (what, list) in [
        ("lower bounds", &lbs),
        ("upper bounds", &ubs),
        ("steps", &steps),
    ] {
        if list.len() != n {
            return Err(p.error(&format!(
                "expected {n} {what} (one per induction variable), got {}",
                list.len()
            )));
        }
    }
    let index = p.ctx().index_type();
    let types = vec![index; n];
    for list in [&lbs, &ubs, &steps] {
        p.resolve_operands(list, &types, &mut state.operands)?;
    }
    let sizes = segment_sizes(p.ctx(), n, n, n);
    state.add_attr(p.ctx(), "operandSegmentSizes", sizes);
    let args: Vec<Argument> = ivs.into_iter().map(|n| region_arg(n, index)).collect();
    let region = p.ctx().create_region();
    p.parse_region(region, &args, false)?;
    ensure_terminator(p, region, loc);
    state.regions.push(region);
    p.parse_optional_attr_dict(&mut state.attributes)?;
    Ok(())
}

// loop.if %cond [-> (types)] { ... } [else { ... }] {attrs}
fn print_if(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let i = IfOp(op);
    p.write(" ");
    p.print_operand(i.condition(ctx));
    let results = ctx.result_types(op);
    if !results.is_empty() {
        p.write(" -> (");
        p.print_type_list(&results);
        p.write(")");
    }
    p.write(" ");
    p.print_region(i.then_region(ctx), false, true);
    let else_region = i.else_region(ctx);
    if !ctx.region_is_empty(else_region) {
        p.write(" else ");
        p.print_region(else_region, false, true);
    }
    p.print_optional_attr_dict(op, &[]);
}

fn parse_if(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let loc = p.current_loc();
    let cond = p.parse_operand()?;
    let i1 = p.ctx().i1_type();
    let cond = p.resolve_operand(&cond, i1)?;
    state.operands.push(cond);
    state.result_types = p.parse_optional_arrow_type_list()?;
    let then_region = p.ctx().create_region();
    p.parse_region(then_region, &[], false)?;
    ensure_terminator(p, then_region, loc);
    let else_region = p.ctx().create_region();
    if p.parse_optional_keyword("else") {
        p.parse_region(else_region, &[], false)?;
        ensure_terminator(p, else_region, loc);
    }
    state.regions.push(then_region);
    state.regions.push(else_region);
    p.parse_optional_attr_dict(&mut state.attributes)?;
    Ok(())
}

// loop.yield [%a, ... : types] {attrs}
fn print_yield(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.print_optional_attr_dict(op, &[]);
    let values = ctx.operand_vec(op);
    if !values.is_empty() {
        p.write(" ");
        p.print_operands(&values);
        p.write(" : ");
        p.print_type_list(&ctx.operand_types(op));
    }
}

fn parse_yield(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let values = p.parse_operand_list()?;
    if !values.is_empty() {
        p.parse_punct(":")?;
        let types = p.parse_type_list()?;
        p.resolve_operands(&values, &types, &mut state.operands)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
