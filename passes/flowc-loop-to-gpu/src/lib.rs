//! `convert-loop-to-gpu`: turns the CPU kernels of `convert-flow-to-loop` into GPU kernels.
//!
//! A kernel's task loop (its first top-level loop, when that is a `loop.parallel` with constant
//! bounds and steps, as `docs/codegen.md` defines it) becomes a one-dimensional grid: iteration
//! `t` of the loop, linearized row-major over its dimensions, runs on the thread with
//! `t = blockIdx.x * blockDim.x + threadIdx.x`, guarded by `t < trip count`:
//!
//! ```mlir
//! %tid = gpu.thread_id x
//! %bid = gpu.block_id x
//! %bdim = gpu.block_dim x
//! %0 = arith.muli %bid, %bdim : index
//! %t = arith.addi %0, %tid : index
//! %in = arith.cmpi ult, %t, %total : index
//! loop.if %in {
//!   // t delinearized (remui / divui by the trip counts), iv = lb + idx * step, then the body
//! }
//! ```
//!
//! The function gets `gpu.kernel`, `gpu.block_size = array<i64: B, 1, 1>` (B = `block-size`,
//! or the trip count when smaller) and `gpu.grid_size = array<i64: ceil(total / B), 1, 1>`.
//! Ops before the task loop (constants, scratch) run in every thread. A kernel whose task loop
//! is followed by other ops than its `return`, or that has no task loop, runs as one thread
//! (grid and block of 1), its body unchanged.

use flowc_func::FuncOp;
use flowc_gpu::{BlockDimOp, BlockIdOp, Dimension, ThreadIdOp};
use flowc_ir::pattern::InsertPoint;
use flowc_ir::{Block, Context, Diagnostic, Location, Op, OperationState, Value, op_error};
use flowc_loop::{ForOp, ParallelOp};
use flowc_pass::{Pass, PassFailure, PassInfo, PassRegistry, PassState};

/// The `flowc.kernel` attribute (docs/codegen.md).
const KERNEL_ATTR: &str = "flowc.kernel";
/// Threads per block unless told otherwise.
pub const DEFAULT_BLOCK_SIZE: i64 = 256;
/// `arith.cmpi ult`.
const CMPI_ULT: i64 = 6;

/// Registers `convert-loop-to-gpu`.
pub fn register_passes(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new(
            "convert-loop-to-gpu",
            "Map each kernel's task loop to a grid of GPU blocks x threads",
            |opts| {
                let block_size = opts.get_i64("block-size", DEFAULT_BLOCK_SIZE)?;
                if !(1..=1024).contains(&block_size) {
                    return Err(format!("block-size must be in 1..=1024, got {block_size}"));
                }
                Ok(Box::new(ConvertLoopToGpu { block_size }))
            },
        )
        .option("block-size", "Threads per block", DEFAULT_BLOCK_SIZE),
    );
}

struct ConvertLoopToGpu {
    block_size: i64,
}

impl Pass for ConvertLoopToGpu {
    fn argument(&self) -> &'static str {
        "convert-loop-to-gpu"
    }

    fn name(&self) -> &'static str {
        "ConvertLoopToGpu"
    }

    fn summary(&self) -> &'static str {
        "Map each kernel's task loop to a grid of GPU blocks x threads"
    }

    fn anchor(&self) -> Option<&'static str> {
        Some("builtin.module")
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match convert_loop_to_gpu(ctx, op, self.block_size) {
            Ok(stats) => {
                state.stat_with_description("num-mapped", "Kernels mapped to a grid", stats.mapped);
                state.stat_with_description(
                    "num-single-thread",
                    "Kernels left to one thread",
                    stats.single_thread,
                );
                Ok(())
            }
            Err(d) => Err(PassFailure::emit(ctx, d)),
        }
    }
}

/// What [`convert_loop_to_gpu`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GpuMappingStats {
    /// Kernels whose task loop became a grid.
    pub mapped: u64,
    /// Kernels that run as one thread.
    pub single_thread: u64,
}

/// Maps every `flowc.kernel` function of `module` that is not yet a `gpu.kernel`.
pub fn convert_loop_to_gpu(
    ctx: &mut Context,
    module: Op,
    block_size: i64,
) -> Result<GpuMappingStats, Diagnostic> {
    let body = ctx
        .region_entry(ctx.region(module, 0))
        .ok_or_else(|| op_error(ctx, module, "has no body"))?;
    let kernels: Vec<FuncOp> = ctx
        .block_ops(body)
        .filter_map(|o| FuncOp::cast(ctx, o))
        .filter(|f| {
            ctx.has_attr(f.op(), KERNEL_ATTR) && !ctx.has_attr(f.op(), flowc_gpu::KERNEL_ATTR)
        })
        .collect();
    let mut stats = GpuMappingStats::default();
    for k in kernels {
        if map_kernel(ctx, k, block_size)? {
            stats.mapped += 1;
        } else {
            stats.single_thread += 1;
        }
    }
    Ok(stats)
}

/// `(lb, step, trips)` per dimension of a task loop with constant bounds, or `None`.
fn constant_dims(ctx: &Context, par: ParallelOp) -> Option<Vec<(i64, i64, i64)>> {
    let (lbs, ubs, steps) = (par.lower_bounds(ctx), par.upper_bounds(ctx), par.steps(ctx));
    let mut dims = Vec::new();
    for ((&lb, &ub), &step) in lbs.iter().zip(&ubs).zip(&steps) {
        let c = |v| flowc_loop::constant_int(ctx, v);
        let (lb, ub, step) = (c(lb)?, c(ub)?, c(step)?);
        dims.push((lb, step, flowc_loop::trip_count(lb, ub, step)?));
    }
    Some(dims)
}

/// Maps one kernel; returns whether it got a grid (else it is marked as one thread).
fn map_kernel(ctx: &mut Context, kernel: FuncOp, block_size: i64) -> Result<bool, Diagnostic> {
    let Some(entry) = kernel.entry_block(ctx) else {
        return Err(op_error(ctx, kernel.op(), "a kernel needs a body"));
    };
    let ops: Vec<Op> = ctx.block_ops(entry).collect();
    let first_loop = ops
        .iter()
        .position(|&o| matches!(ctx.op_name(o), ForOp::NAME | ParallelOp::NAME));
    let task = first_loop.and_then(|i| ParallelOp::cast(ctx, ops[i]).map(|p| (i, p)));
    let mapping = task.and_then(|(i, par)| {
        // Only the return may follow the task loop: code after it would run in every thread
        // without waiting for the others.
        let rest_ok = ops[i + 1..]
            .iter()
            .all(|&o| ctx.op_name(o) == flowc_func::ReturnOp::NAME);
        let dims = constant_dims(ctx, par)?;
        let total = dims.iter().try_fold(1i64, |acc, d| acc.checked_mul(d.2))?;
        (rest_ok && total > 0).then_some((par, dims, total))
    });
    let Some((par, dims, total)) = mapping else {
        flowc_gpu::mark_kernel(ctx, kernel.op(), [1, 1, 1], [1, 1, 1]);
        return Ok(false);
    };
    let block = block_size.min(total);
    let grid = (total + block - 1) / block;
    if grid > i64::from(i32::MAX) {
        flowc_gpu::mark_kernel(ctx, kernel.op(), [1, 1, 1], [1, 1, 1]);
        return Ok(false);
    }
    let loc = ctx.op_loc(par.op());
    let mut ip = InsertPoint::Before(par.op());
    let tid = flowc_gpu::build_dim_op(ctx, &mut ip, ThreadIdOp::NAME, Dimension::X, loc);
    let bid = flowc_gpu::build_dim_op(ctx, &mut ip, BlockIdOp::NAME, Dimension::X, loc);
    let bdim = flowc_gpu::build_dim_op(ctx, &mut ip, BlockDimOp::NAME, Dimension::X, loc);
    let base = binop(ctx, &mut ip, "arith.muli", bid, bdim, loc);
    let t = binop(ctx, &mut ip, "arith.addi", base, tid, loc);
    let total_v = index_constant(ctx, &mut ip, total, loc);
    let i1 = ctx.i1_type();
    let pred = ctx.i64_attr(CMPI_ULT);
    let mut state = OperationState::new(ctx, "arith.cmpi", loc)
        .operands(&[t, total_v])
        .results(&[i1]);
    state.add_attr(ctx, "predicate", pred);
    let cmp = ctx.create_op(state);
    ip = ip.insert(ctx, cmp);
    let in_range = ctx.result(cmp, 0);
    let (_, then_block, _) = flowc_loop::build_if(ctx, &mut ip, in_range, &[], false, loc);

    // Delinearize row-major: the last dimension varies fastest.
    let mut tip = InsertPoint::End(then_block);
    let body = par
        .body_block(ctx)
        .ok_or_else(|| op_error(ctx, par.op(), "a loop needs a body"))?;
    let args = ctx.block_args(body).to_vec();
    let mut rem = t;
    let mut ivs: Vec<Value> = vec![t; dims.len()];
    for (k, &(lb, step, trips)) in dims.iter().enumerate().rev() {
        let idx = if k == 0 {
            rem
        } else {
            let tv = index_constant(ctx, &mut tip, trips, loc);
            let idx = binop(ctx, &mut tip, "arith.remui", rem, tv, loc);
            rem = binop(ctx, &mut tip, "arith.divui", rem, tv, loc);
            idx
        };
        let mut iv = idx;
        if step != 1 {
            let s = index_constant(ctx, &mut tip, step, loc);
            iv = binop(ctx, &mut tip, "arith.muli", iv, s, loc);
        }
        if lb != 0 {
            let l = index_constant(ctx, &mut tip, lb, loc);
            iv = binop(ctx, &mut tip, "arith.addi", iv, l, loc);
        }
        ivs[k] = iv;
    }
    for (&arg, &iv) in args.iter().zip(&ivs) {
        ctx.replace_all_uses(arg, iv);
    }
    move_body(ctx, body, then_block);
    flowc_loop::build_yield(ctx, then_block, &[], loc);
    ctx.erase_op(par.op());
    flowc_gpu::mark_kernel(ctx, kernel.op(), [grid, 1, 1], [block, 1, 1]);
    Ok(true)
}

/// Moves the ops of `from` except its terminator (`loop.yield`) to the end of `to`.
fn move_body(ctx: &mut Context, from: Block, to: Block) {
    let ops: Vec<Op> = ctx.block_ops(from).collect();
    for op in ops {
        if ctx.op_name(op) == flowc_loop::YieldOp::NAME {
            continue;
        }
        ctx.detach_op(op);
        ctx.append_op(to, op);
    }
}

fn binop(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    name: &str,
    a: Value,
    b: Value,
    loc: Location,
) -> Value {
    let ty = ctx.value_type(a);
    let state = OperationState::new(ctx, name, loc)
        .operands(&[a, b])
        .results(&[ty]);
    let op = ctx.create_op(state);
    *ip = ip.insert(ctx, op);
    ctx.result(op, 0)
}

fn index_constant(ctx: &mut Context, ip: &mut InsertPoint, v: i64, loc: Location) -> Value {
    let index = ctx.index_type();
    let attr = ctx.index_attr(v);
    let mut state = OperationState::new(ctx, "arith.constant", loc).results(&[index]);
    state.add_attr(ctx, "value", attr);
    let op = ctx.create_op(state);
    *ip = ip.insert(ctx, op);
    ctx.result(op, 0)
}
