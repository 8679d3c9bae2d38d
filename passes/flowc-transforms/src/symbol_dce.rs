//! `symbol-dce`: erases symbols nothing can reference (MLIR's `SymbolDCE`).
//!
//! The pass runs on a symbol table (usually the module). Only private symbols can be discarded
//! (MLIR's default `canDiscardOnUseEmpty`); public and nested-visibility symbols, and every op
//! that is not a symbol, are live. Liveness then flows through symbol references: the uses held
//! by a live op (anywhere in its attributes, in it and the ops nested in it) make the symbols
//! they name live, nested references (`@a::@b`) making every symbol on the path live. Nested
//! symbol tables are handled recursively. Whatever is not found live is erased, so private
//! functions that only call each other go away together.

use flowc_ir::symbol::{
    collect_symbol_uses, is_private, is_symbol, is_symbol_table, resolve_symbol_ref_path,
};
use flowc_ir::{Context, Diagnostic, Op, op_error};
use flowc_pass::{Pass, PassFailure, PassInfo, PassRegistry, PassState};
use rustc_hash::FxHashSet;

/// Erases the dead symbols of the symbol table `root` and of the tables nested in it. Returns
/// the number of symbols erased.
pub fn symbol_dce(ctx: &mut Context, root: Op) -> Result<usize, Diagnostic> {
    if !is_symbol_table(ctx, root) {
        return Err(op_error(
            ctx,
            root,
            "was scheduled to run under SymbolDCE, but does not define a symbol table",
        ));
    }
    let mut live = FxHashSet::default();
    compute_liveness(ctx, root, &mut live);

    let tables: Vec<Op> = ctx
        .walk(root, flowc_ir::WalkOrder::Pre)
        .into_iter()
        .filter(|&o| is_symbol_table(ctx, o))
        .collect();
    let mut erased = 0;
    for table in tables {
        if !ctx.is_op_alive(table) {
            continue;
        }
        let Some(&region) = ctx.regions(table).first() else {
            continue;
        };
        let blocks = ctx.region_blocks(region).to_vec();
        for block in blocks {
            let ops: Vec<Op> = ctx.block_ops(block).collect();
            for op in ops {
                if is_symbol(ctx, op) && !live.contains(&op) && values_stay_inside(ctx, op) {
                    ctx.erase_op(op);
                    erased += 1;
                }
            }
        }
    }
    Ok(erased)
}

/// Whether no value defined by `op` or inside it is used outside it (symbols have no results in
/// valid IR, but unregistered ops might).
fn values_stay_inside(ctx: &Context, op: Op) -> bool {
    ctx.walk(op, flowc_ir::WalkOrder::Pre).into_iter().all(|o| {
        ctx.results(o)
            .iter()
            .all(|&r| ctx.uses(r).iter().all(|u| ctx.is_ancestor(op, u.op)))
    })
}

fn compute_liveness(ctx: &Context, table: Op, live: &mut FxHashSet<Op>) {
    let mut worklist: Vec<Op> = Vec::new();
    if let Some(&region) = ctx.regions(table).first() {
        for &block in ctx.region_blocks(region) {
            for op in ctx.block_ops(block) {
                if !is_symbol(ctx, op) {
                    worklist.push(op);
                    continue;
                }
                if !is_private(ctx, op) && live.insert(op) {
                    worklist.push(op);
                }
            }
        }
    }
    while let Some(op) = worklist.pop() {
        if is_symbol_table(ctx, op) {
            compute_liveness(ctx, op, live);
        } else {
            // Nested ops with regions may hold symbol tables of their own.
            for &r in ctx.regions(op) {
                for &b in ctx.region_blocks(r) {
                    worklist.extend(ctx.block_ops(b).filter(|&o| !ctx.regions(o).is_empty()));
                }
            }
        }
        let Some(parent) = ctx.op_parent_op(op) else {
            continue;
        };
        if !is_symbol_table(ctx, parent) {
            continue;
        }
        for u in collect_symbol_uses(ctx, op) {
            // References to unknown symbols are ignored (the verifier reports them).
            if let Some(path) = resolve_symbol_ref_path(ctx, parent, u.symbol_ref) {
                for s in path {
                    if live.insert(s) {
                        worklist.push(s);
                    }
                }
            }
        }
    }
}

/// The `symbol-dce` pass.
pub struct SymbolDce;

pub(crate) fn register(registry: &mut PassRegistry) {
    registry.register(PassInfo::new(
        "symbol-dce",
        "Eliminate dead symbols",
        |_| Ok(Box::new(SymbolDce)),
    ));
}

impl Pass for SymbolDce {
    fn argument(&self) -> &'static str {
        "symbol-dce"
    }

    fn name(&self) -> &'static str {
        "SymbolDCE"
    }

    fn summary(&self) -> &'static str {
        "Eliminate dead symbols"
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match symbol_dce(ctx, op) {
            Ok(n) => {
                state.stat_with_description("num-dce'd", "Number of symbols DCE'd", n as u64);
                Ok(())
            }
            Err(d) => Err(PassFailure::emit(ctx, d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_ir::builtin::ModuleOp;
    use flowc_ir::symbol::{SYM_NAME, SYM_VISIBILITY};
    use flowc_ir::{Block, Location, OperationState};

    fn sym(ctx: &mut Context, parent: Block, name: &str, private: bool, refs: &[&str]) -> Op {
        let mut s = OperationState::new(ctx, "x.sym", Location::UNKNOWN);
        let n = ctx.string_attr(name);
        s.add_attr(ctx, SYM_NAME, n);
        if private {
            let v = ctx.string_attr("private");
            s.add_attr(ctx, SYM_VISIBILITY, v);
        }
        let refs: Vec<_> = refs.iter().map(|r| ctx.symbol_ref_attr(r)).collect();
        let arr = ctx.array_attr(refs);
        s.add_attr(ctx, "uses", arr);
        let op = ctx.create_op(s);
        ctx.append_op(parent, op);
        op
    }

    #[test]
    fn erases_unreachable_private_symbols_and_cycles() {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        let m = ModuleOp::create(&mut ctx, Location::UNKNOWN);
        let b = m.body_block(&ctx);
        let public = sym(&mut ctx, b, "main", false, &["used"]);
        let used = sym(&mut ctx, b, "used", true, &["used2"]);
        let used2 = sym(&mut ctx, b, "used2", true, &[]);
        let dead = sym(&mut ctx, b, "dead", true, &[]);
        let cyc_a = sym(&mut ctx, b, "a", true, &["b"]);
        let cyc_b = sym(&mut ctx, b, "b", true, &["a"]);
        assert_eq!(symbol_dce(&mut ctx, m.0), Ok(3));
        for op in [public, used, used2] {
            assert!(ctx.is_op_alive(op));
        }
        for op in [dead, cyc_a, cyc_b] {
            assert!(!ctx.is_op_alive(op));
        }
    }

    #[test]
    fn requires_a_symbol_table() {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        let s = OperationState::new(&mut ctx, "x.op", Location::UNKNOWN);
        let op = ctx.create_op(s);
        let err = symbol_dce(&mut ctx, op).unwrap_err();
        assert_eq!(
            err.message,
            "'x.op' op was scheduled to run under SymbolDCE, but does not define a symbol table"
        );
    }
}
