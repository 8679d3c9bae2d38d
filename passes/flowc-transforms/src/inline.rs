//! `inline`: inlines calls to functions (MLIR's `Inliner`, simplified).
//!
//! A call (an op with the `CALL` trait whose `callee` is a flat symbol reference and whose
//! operands are all arguments) is inlined when its callee, looked up in the nearest symbol table,
//! is a function-like op whose body is a single block ending in a return-like terminator, whose
//! argument and result types match the call, and that is not recursive (not on a cycle of the
//! call graph). Calls marked `no_inline` are kept. Functions are processed callees first, so a
//! chain of calls is inlined in one run; after a function received its inlined calls, the
//! default pipeline (`canonicalize`, as in MLIR) runs on it. Private callees whose every use was
//! inlined are erased.
//!
//! Not supported (left as calls): callees with several blocks (MLIR splits the caller's block
//! and branches; flowc does not yet), declarations, recursive functions, calls inside graph
//! regions where the callee's body would need reordering, and indirect calls.

use crate::canonicalize::{CanonicalizeConfig, canonicalization_patterns};
use flowc_ir::mapping::IrMapping;
use flowc_ir::symbol::{
    SymbolTable, collect_all_symbol_uses, is_private, nearest_symbol_table, resolve_symbol_ref_path,
};
use flowc_ir::{Context, LocData, Op, Traits, Value, WalkOrder};
use flowc_pass::{Pass, PassFailure, PassInfo, PassOptions, PassRegistry, PassState};
use rustc_hash::{FxHashMap, FxHashSet};

/// How `inline` runs.
#[derive(Clone, Debug)]
pub struct InlineConfig {
    /// Canonicalize each function after calls were inlined into it (MLIR's default pipeline).
    pub canonicalize: bool,
}

impl Default for InlineConfig {
    fn default() -> Self {
        InlineConfig { canonicalize: true }
    }
}

/// What `inline` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InlineStats {
    /// Calls inlined.
    pub inlined: usize,
    /// Private callees erased because every use was inlined.
    pub callees_erased: usize,
}

fn is_function(ctx: &Context, op: Op) -> bool {
    ctx.has_trait(op, Traits::FUNCTION_LIKE)
}

fn is_call(ctx: &Context, op: Op) -> bool {
    ctx.has_trait(op, Traits::CALL)
        && ctx
            .attr(op, "callee")
            .is_some_and(|a| ctx.flat_symbol(a).is_some())
}

/// Symbol tables built on demand, for lookups by name in constant time.
#[derive(Default)]
struct Tables {
    tables: FxHashMap<Op, SymbolTable>,
}

impl Tables {
    /// The function-like op a call refers to.
    fn callee_of(&mut self, ctx: &Context, call: Op) -> Option<Op> {
        let name = ctx.flat_symbol(ctx.attr(call, "callee")?)?;
        let table_op = nearest_symbol_table(ctx, call)?;
        let table = self
            .tables
            .entry(table_op)
            .or_insert_with(|| SymbolTable::new(ctx, table_op));
        table
            .lookup(name)
            .filter(|&f| ctx.is_op_alive(f) && is_function(ctx, f))
    }
}

/// The nearest function-like op containing `op` (not `op` itself).
fn enclosing_function(ctx: &Context, op: Op) -> Option<Op> {
    let mut cur = ctx.op_parent_op(op);
    while let Some(p) = cur {
        if is_function(ctx, p) {
            return Some(p);
        }
        cur = ctx.op_parent_op(p);
    }
    None
}

/// Inlines the calls in `root` that can be inlined.
pub fn inline(ctx: &mut Context, root: Op, config: &InlineConfig) -> InlineStats {
    let mut stats = InlineStats::default();
    let all = ctx.walk(root, WalkOrder::Pre);
    let functions: Vec<Op> = all
        .iter()
        .copied()
        .filter(|&o| is_function(ctx, o))
        .collect();
    // The call graph: function -> callees (calls outside functions belong to `None`).
    let mut tables = Tables::default();
    let mut edges: FxHashMap<Op, Vec<Op>> = FxHashMap::default();
    for &o in &all {
        if is_call(ctx, o)
            && let (Some(f), Some(g)) = (enclosing_function(ctx, o), tables.callee_of(ctx, o))
        {
            edges.entry(f).or_default().push(g);
        }
    }
    let recursive = recursive_functions(&functions, &edges);
    let order = post_order(&functions, &edges);

    let canonical = CanonicalizeConfig::default();
    let patterns = config
        .canonicalize
        .then(|| canonicalization_patterns(ctx, &canonical));
    let mut inlined_callees: FxHashSet<Op> = FxHashSet::default();
    for f in order {
        if !ctx.is_op_alive(f) {
            continue;
        }
        let calls: Vec<Op> = ctx
            .walk(f, WalkOrder::Pre)
            .into_iter()
            .filter(|&o| is_call(ctx, o) && enclosing_function(ctx, o) == Some(f))
            .collect();
        stats.inlined += inline_calls(ctx, &mut tables, calls, &recursive, &mut inlined_callees);
        if let Some(patterns) = &patterns {
            // Best effort, as the default pipeline of MLIR's inliner.
            let _ = flowc_rewrite::apply_patterns_greedily(ctx, f, patterns, &canonical.greedy);
        }
    }
    // Calls outside any function.
    let outside: Vec<Op> = ctx
        .walk(root, WalkOrder::Pre)
        .into_iter()
        .filter(|&o| is_call(ctx, o) && enclosing_function(ctx, o).is_none())
        .collect();
    stats.inlined += inline_calls(ctx, &mut tables, outside, &recursive, &mut inlined_callees);
    // Erase private callees whose uses were all inlined (one walk counts every reference).
    let mut referenced: FxHashSet<Op> = FxHashSet::default();
    for u in collect_all_symbol_uses(ctx, root) {
        if let Some(table) = nearest_symbol_table(ctx, u.user)
            && let Some(path) = resolve_symbol_ref_path(ctx, table, u.symbol_ref)
        {
            referenced.extend(path);
        }
    }
    let mut callees: Vec<Op> = inlined_callees.into_iter().collect();
    callees.sort();
    for g in callees {
        if ctx.is_op_alive(g) && is_private(ctx, g) && !referenced.contains(&g) {
            ctx.erase_op(g);
            stats.callees_erased += 1;
        }
    }
    stats
}

/// Inlines each of `calls` that can be inlined; returns how many were.
fn inline_calls(
    ctx: &mut Context,
    tables: &mut Tables,
    calls: Vec<Op>,
    recursive: &FxHashSet<Op>,
    inlined_callees: &mut FxHashSet<Op>,
) -> usize {
    let mut n = 0;
    for call in calls {
        if !ctx.is_op_alive(call) || ctx.has_attr(call, "no_inline") {
            continue;
        }
        let Some(callee) = tables.callee_of(ctx, call) else {
            continue;
        };
        if recursive.contains(&callee) || ctx.is_ancestor(callee, call) {
            continue;
        }
        if try_inline(ctx, call, callee) {
            inlined_callees.insert(callee);
            n += 1;
        }
    }
    n
}

/// Inlines `call` to `callee` if the callee's shape allows it.
fn try_inline(ctx: &mut Context, call: Op, callee: Op) -> bool {
    let Some(&body) = ctx.regions(callee).first() else {
        return false;
    };
    let [entry] = ctx.region_blocks(body) else {
        return false; // declarations and multi-block bodies
    };
    let entry = *entry;
    let Some(term) = ctx.block_last_op(entry) else {
        return false;
    };
    if !ctx.has_trait(term, Traits::RETURN_LIKE) {
        return false;
    }
    let args = ctx.block_args(entry).to_vec();
    let operands: Vec<Value> = ctx.operands(call).collect();
    let arg_types: Vec<_> = args.iter().map(|&a| ctx.value_type(a)).collect();
    if arg_types != ctx.operand_types(call)
        || ctx.operand_types(term) != ctx.result_types(call)
        || ctx.op_parent_block(call).is_none()
    {
        return false;
    }
    let mut mapping = IrMapping::new();
    mapping.map_values(&args, &operands);
    let tmp = ctx.create_region();
    ctx.clone_region_into(body, tmp, &mut mapping);
    let block = ctx.region_entry(tmp).expect("cloned one block");
    let new_term = ctx.block_last_op(block).expect("cloned the terminator");
    let results: Vec<Value> = ctx.operands(new_term).collect();
    ctx.erase_op(new_term);
    // Inlined ops are located at `callee loc` called from the call site.
    let call_loc = ctx.op_loc(call);
    let inlined: Vec<Op> = ctx.block_ops(block).collect();
    for &o in &inlined {
        for n in ctx.walk(o, WalkOrder::Pre) {
            let loc = ctx.op_loc(n);
            let site = ctx.intern_loc(LocData::CallSite {
                callee: loc,
                caller: call_loc,
            });
            ctx.set_op_loc(n, site);
        }
    }
    let call_block = ctx.op_parent_block(call).expect("checked above");
    ctx.splice_ops(block, call_block, ctx.prev_op(call));
    ctx.replace_all_op_uses(call, &results);
    ctx.erase_op(call);
    ctx.erase_block(block);
    true
}

/// Functions on a cycle of the call graph (including self-calls).
fn recursive_functions(functions: &[Op], edges: &FxHashMap<Op, Vec<Op>>) -> FxHashSet<Op> {
    let mut out = FxHashSet::default();
    for &f in functions {
        let mut seen = FxHashSet::default();
        let mut stack: Vec<Op> = edges.get(&f).cloned().unwrap_or_default();
        while let Some(g) = stack.pop() {
            if g == f {
                out.insert(f);
                break;
            }
            if seen.insert(g) {
                stack.extend(edges.get(&g).into_iter().flatten().copied());
            }
        }
    }
    out
}

/// Functions with callees before callers (a DFS post-order of the call graph).
fn post_order(functions: &[Op], edges: &FxHashMap<Op, Vec<Op>>) -> Vec<Op> {
    let mut out = Vec::with_capacity(functions.len());
    let mut seen = FxHashSet::default();
    for &f in functions {
        if !seen.insert(f) {
            continue;
        }
        let mut stack: Vec<(Op, usize)> = vec![(f, 0)];
        while let Some((g, i)) = stack.last_mut() {
            let succ = edges.get(g).map(Vec::as_slice).unwrap_or(&[]);
            if *i < succ.len() {
                let next = succ[*i];
                *i += 1;
                if seen.insert(next) {
                    stack.push((next, 0));
                }
            } else {
                out.push(*g);
                stack.pop();
            }
        }
    }
    out
}

/// The `inline` pass.
pub struct Inline {
    pub config: InlineConfig,
}

impl Inline {
    pub fn from_options(o: &PassOptions) -> Result<Self, String> {
        let canonicalize = match o.get_str("default-pipeline", "canonicalize").trim() {
            "" => false,
            "canonicalize" => true,
            other => {
                return Err(format!(
                    "invalid value '{other}' for option 'default-pipeline': expected \
                     'canonicalize' or an empty string"
                ));
            }
        };
        Ok(Inline {
            config: InlineConfig { canonicalize },
        })
    }
}

pub(crate) fn register(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new("inline", "Inline function calls", |o| {
            Ok(Box::new(Inline::from_options(o)?))
        })
        .option(
            "default-pipeline",
            "The optimizer pipeline run on functions after inlining into them: 'canonicalize' or ''",
            "canonicalize",
        ),
    );
}

impl Pass for Inline {
    fn argument(&self) -> &'static str {
        "inline"
    }

    fn name(&self) -> &'static str {
        "Inliner"
    }

    fn summary(&self) -> &'static str {
        "Inline function calls"
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        let stats = inline(ctx, op, &self.config);
        state.stat_with_description(
            "num-inlined-calls",
            "Number of inlined calls",
            stats.inlined as u64,
        );
        state.stat_with_description(
            "num-erased-callees",
            "Number of private callees erased after inlining",
            stats.callees_erased as u64,
        );
        Ok(())
    }
}
