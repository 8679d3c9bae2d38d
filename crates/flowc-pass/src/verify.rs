//! The verifier run after parsing and after each pass (`verify-each`).

use flowc_ir::{Context, Diagnostic, Op};

/// Verifies `op` and everything nested in it; on failure returns the diagnostics (not emitted).
/// This is `flowc_ir::verifier::verify`, re-exported so that tools need only this crate.
pub fn verify_op(ctx: &Context, op: Op) -> Result<(), Vec<Diagnostic>> {
    flowc_ir::verifier::verify(ctx, op)
}
