//! Registration of every dialect and pass flowc has, for tools such as `flowc-opt`.
//!
//! Each dialect and pass crate is added here once it exists and builds; a tool calls
//! [`register_all_dialects`] on each fresh [`Context`] and [`register_all_passes`] once.

use flowc_ir::Context;
use flowc_pass::PassRegistry;

/// Registers every dialect. `builtin` is always registered by [`Context::new`].
pub fn register_all_dialects(ctx: &mut Context) {
    ctx.register_dialect(flowc_func::dialect());
    ctx.register_dialect(flowc_arith::dialect());
    ctx.register_dialect(flowc_math::dialect());
    ctx.register_dialect(flowc_flow::dialect());
    ctx.register_dialect(flowc_loop::dialect());
    ctx.register_dialect(flowc_buffer::dialect());
    ctx.register_dialect(flowc_vector::dialect());
    ctx.register_dialect(flowc_gpu::dialect());
    ctx.register_dialect(flowc_test_dialect::dialect());
}

/// Registers every pass: the pass infrastructure's own (`print-ir`, the `test-*` passes) and
/// the generic transformations of `passes/flowc-transforms` (`canonicalize`, `cse`,
/// `symbol-dce`, `inline`, `test-legalize-patterns`), `flow-saturate`, and the conversions.
pub fn register_all_passes(registry: &mut PassRegistry) {
    flowc_pass::testing::register_test_passes(registry);
    flowc_transforms::register_passes(registry);
    flowc_saturate::register_passes(registry);
    flowc_flow_to_loop::register_passes(registry);
    flowc_buffer_plan::register_passes(registry);
    flowc_loop_to_gpu::register_passes(registry);
}

/// A registry with every pass.
pub fn all_passes() -> PassRegistry {
    let mut registry = PassRegistry::new();
    register_all_passes(&mut registry);
    registry
}

/// A context with every dialect registered.
pub fn context_with_all_dialects() -> Context {
    let mut ctx = Context::new();
    register_all_dialects(&mut ctx);
    ctx
}
