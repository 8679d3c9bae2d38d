//! The verifier run after parsing and after each pass (`verify-each`).
//!
//! TEMPORARY: `flowc_ir::verifier::verify` is being written; until it lands this module holds a
//! local shim with the same signature that checks only the region and successor counts of
//! registered ops. Once `flowc_ir::verifier::verify` exists, `verify_op` forwards to it and the
//! shim goes away.

use flowc_ir::{Context, Diagnostic, Op, op_error};

/// Verifies `op` and everything nested in it; on failure returns the diagnostics (not emitted).
pub fn verify_op(ctx: &Context, op: Op) -> Result<(), Vec<Diagnostic>> {
    shim_verify(ctx, op)
}

fn shim_verify(ctx: &Context, root: Op) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for op in ctx.walk(root, flowc_ir::WalkOrder::Pre) {
        let Some(def) = ctx.op_def(op) else { continue };
        let regions = ctx.regions(op).len();
        if regions != def.regions.len() {
            diags.push(op_error(
                ctx,
                op,
                format!("requires {} regions", def.regions.len()),
            ));
            continue;
        }
        if let Some(n) = def.successors
            && ctx.successors(op).len() != n
        {
            diags.push(op_error(ctx, op, format!("requires {n} successors")));
        }
    }
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}
