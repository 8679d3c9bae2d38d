//! CPU code generation: `loop` / `buffer` / `vector` / `arith` / `math` / `func` IR to LLVM IR
//! (through inkwell and LLVM 22), optimized with the new pass manager's `default<O3>` pipeline and
//! emitted as LLVM text, assembly or an object; [`link_shared_object`] links an object into a
//! shared object with the system C compiler. This crate is the only one that links LLVM.
//!
//! Every `func.func` with the `flowc.kernel` attribute becomes an exported function with the
//! kernel ABI of `docs/codegen.md`:
//!
//! ```c
//! void kernel(void *const *args, int64_t task_begin, int64_t task_end);
//! ```
//!
//! `args[i]` is the base address of memref argument `i` (dense, row-major, 64-byte aligned). The
//! kernel's first top-level loop, when it is a `loop.parallel`, is its task loop: iterations
//! `[task_begin, task_end)` of it run, linearized row-major over its dimensions (its bounds and
//! steps must be constants). Everything else in the body runs in every call, so code around the
//! task loop must be setup (constants, scratch) or idempotent. A kernel without a task loop has
//! one task and does nothing when `task_begin >= task_end`. Other functions (`@main`, the launch
//! plan) and `buffer.global`s are not translated.
//!
//! The exported function loads the pointers and calls an internal `<name>.body` function whose
//! memref parameters are `noalias` (unless the kernel has `flowc.may_alias`), `align 64` and
//! `dereferenceable(size)`; the optimizer inlines it and keeps the aliasing facts.
//!
//! ```no_run
//! # fn demo(ctx: &flowc_ir::Context, module: flowc_ir::Op) -> Result<(), String> {
//! let opts = flowc_llvm::TargetOptions::host();
//! let object = flowc_llvm::emit_object(ctx, module, &opts).map_err(|d| d.render(ctx))?;
//! let so = flowc_llvm::link_shared_object(&object).map_err(|e| e.to_string())?;
//! # let _ = so; Ok(()) }
//! ```

mod link;
mod target;
mod translate;

pub use link::{LinkError, link_shared_object};
pub use target::{DEFAULT_GPU_ARCH, NVPTX_TRIPLE, OptLevel, TargetOptions};

use flowc_ir::{Context, Diagnostic, Location, Op};

/// What [`emit`] produces.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EmitKind {
    /// LLVM IR text (after the optimization pipeline).
    LlvmIr,
    /// Target assembly text.
    Assembly,
    /// A relocatable object (position independent, ready for [`link_shared_object`]).
    Object,
}

/// Translates the kernels of `module` (a `builtin.module`), optimizes them for `opts` and emits
/// `kind`. The module is verified first (its first verifier error is returned). Unsupported IR (an op codegen does not know, dynamic shapes, a task loop without
/// constant bounds) is reported as a located diagnostic; so are LLVM's own failures (an unknown
/// triple), at an unknown location.
pub fn emit(
    ctx: &Context,
    module: Op,
    opts: &TargetOptions,
    kind: EmitKind,
) -> Result<Vec<u8>, Diagnostic> {
    target::compile(ctx, module, opts, kind)
}

/// [`emit`] of [`EmitKind::LlvmIr`], as text.
pub fn emit_llvm_ir(ctx: &Context, module: Op, opts: &TargetOptions) -> Result<String, Diagnostic> {
    emit(ctx, module, opts, EmitKind::LlvmIr).map(into_text)
}

/// [`emit`] of [`EmitKind::Assembly`], as text.
pub fn emit_assembly(
    ctx: &Context,
    module: Op,
    opts: &TargetOptions,
) -> Result<String, Diagnostic> {
    emit(ctx, module, opts, EmitKind::Assembly).map(into_text)
}

/// [`emit`] of [`EmitKind::Object`].
pub fn emit_object(ctx: &Context, module: Op, opts: &TargetOptions) -> Result<Vec<u8>, Diagnostic> {
    emit(ctx, module, opts, EmitKind::Object)
}

fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The kernels of `module` in order: the `func.func`s with `flowc.kernel`.
pub fn kernels(ctx: &Context, module: Op) -> Vec<flowc_func::FuncOp> {
    let Some(block) = ctx
        .regions(module)
        .first()
        .and_then(|&r| ctx.region_entry(r))
    else {
        return Vec::new();
    };
    ctx.block_ops(block)
        .filter_map(|op| flowc_func::FuncOp::cast(ctx, op))
        .filter(|f| ctx.has_attr(f.op(), KERNEL_ATTR))
        .collect()
}

/// The attribute that marks a kernel.
pub const KERNEL_ATTR: &str = "flowc.kernel";
/// The attribute that says a kernel's outputs may alias its inputs (no `noalias`).
pub const MAY_ALIAS_ATTR: &str = "flowc.may_alias";

/// The number of tasks of a kernel: the product of the trip counts of its task loop (its first
/// top-level loop, when that is a `loop.parallel`), or 1. Errors when the task loop's bounds or
/// steps are not constants.
pub fn kernel_task_count(ctx: &Context, kernel: flowc_func::FuncOp) -> Result<u64, Diagnostic> {
    match translate::task_loop_of(ctx, kernel) {
        Some(par) => translate::task_trip_counts(ctx, par)
            .map(|trips| trips.iter().map(|&t| t as u64).product()),
        None => Ok(1),
    }
}

/// An error at an unknown location (LLVM's own failures).
pub(crate) fn llvm_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Location::UNKNOWN, message)
}
