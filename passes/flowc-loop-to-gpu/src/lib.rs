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
//! Loops inside a task become grid dimensions too, level by level, while a task's body is
//! read-only code (loads, arithmetic, reductions into iter_args) followed by one `loop.for` with
//! constant bounds, no iter_args and independent iterations (see `parallel_inner_loop`): the
//! elementwise, data-movement, pooling and row-wise (norm, softmax) kernels. Each thread then
//! runs one iteration of the innermost absorbed loop; the read-only code before a loop runs in
//! each of its threads (a row's statistics are recomputed per element, bounded by
//! `MAX_PREFIX_WORK`). Reductions stay sequential inside a thread; a loop that writes scratch
//! shared by its iterations (the packed GEMM / conv tiles) stays inside the thread.
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
    let Some((par, mut dims, mut total)) = mapping else {
        flowc_gpu::mark_kernel(ctx, kernel.op(), [1, 1, 1], [1, 1, 1]);
        return Ok(false);
    };
    // Loops nested in the task whose iterations are independent become grid dimensions too.
    let mut inner: Vec<ForOp> = Vec::new();
    let mut level = par
        .body_block(ctx)
        .ok_or_else(|| op_error(ctx, par.op(), "a loop needs a body"))?;
    while let Some((l, dim)) = parallel_inner_loop(ctx, level) {
        let Some(t) = total.checked_mul(dim.2).filter(|&t| t <= MAX_THREADS) else {
            break;
        };
        total = t;
        dims.push(dim);
        inner.push(l);
        level = l
            .body_block(ctx)
            .ok_or_else(|| op_error(ctx, l.op(), "a loop needs a body"))?;
    }
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
    let mut args = ctx.block_args(body).to_vec();
    for l in &inner {
        args.extend(l.induction_var(ctx));
    }
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
    move_body(ctx, body, then_block, inner.first().map(|l| l.op()));
    for (j, l) in inner.iter().enumerate() {
        let b = l
            .body_block(ctx)
            .ok_or_else(|| op_error(ctx, l.op(), "a loop needs a body"))?;
        move_body(ctx, b, then_block, inner.get(j + 1).map(|l| l.op()));
    }
    flowc_loop::build_yield(ctx, then_block, &[], loc);
    for l in inner.iter().rev() {
        ctx.erase_op(l.op());
    }
    ctx.erase_op(par.op());
    flowc_gpu::mark_kernel(ctx, kernel.op(), [grid, 1, 1], [block, 1, 1]);
    Ok(true)
}

/// Most threads of one kernel: more iterations stay in loops inside the threads.
const MAX_THREADS: i64 = 1 << 34;
/// Most loop iterations (estimated, per thread) in the code before an absorbed loop, which every
/// thread of that loop then runs (a row's mean and variance before its normalization).
const MAX_PREFIX_WORK: i64 = 4096;

/// The loop that ends `block` when its iterations are independent and it can become one more
/// grid dimension: `block` is a loop body holding read-only code (no stores, no scratch), then a
/// `loop.for` with constant bounds and no iter_args, then the terminator. Independent means
/// that every memory the loop writes (outside scratch allocated in its body) is accessed in it
/// through one memref value, always with the loop's induction variable itself as the index of
/// one and the same dimension (a vector access there, when that dimension is the last, no wider
/// than the step): iteration `i` touches only the slice at `i`. Other memory is only read.
/// Kernel arguments are distinct buffers (or, in place, the same element at the same index), as
/// the CPU kernels assume already.
fn parallel_inner_loop(ctx: &Context, block: Block) -> Option<(ForOp, (i64, i64, i64))> {
    let ops: Vec<Op> = ctx.block_ops(block).collect();
    let (&last, rest) = ops.split_last()?;
    if ctx.op_name(last) != flowc_loop::YieldOp::NAME {
        return None;
    }
    let (&l_op, prefix) = rest.split_last()?;
    let l = ForOp::cast(ctx, l_op)?;
    if ctx.num_results(l_op) != 0 || !l.init_args(ctx).is_empty() {
        return None;
    }
    let c = |v| flowc_loop::constant_int(ctx, v);
    let (lb, ub, step) = (
        c(l.lower_bound(ctx))?,
        c(l.upper_bound(ctx))?,
        c(l.step(ctx))?,
    );
    let trips = flowc_loop::trip_count(lb, ub, step)?;
    if trips <= 0 {
        return None;
    }
    let mut prefix_work = 0i64;
    for &op in prefix {
        prefix_work = prefix_work.saturating_add(read_only_work(ctx, op)?);
    }
    if prefix_work > MAX_PREFIX_WORK {
        return None;
    }
    let iv = l.induction_var(ctx)?;
    // Per written root: the memref value and the dimension holding `iv`.
    let mut accesses: Vec<(Value, Value, Vec<Value>, i64)> = Vec::new(); // (root, memref, indices, width)
    let mut written: Vec<Value> = Vec::new();
    for op in ctx.walk(l_op, flowc_ir::WalkOrder::Pre) {
        if op == l_op {
            continue;
        }
        let name = ctx.op_name(op);
        let (memref_at, is_write) = match name {
            "buffer.load" | "vector.load" => (0, false),
            "buffer.store" | "vector.store" => (1, true),
            _ if is_pure(ctx, op) || name == "buffer.alloca" => continue,
            _ => return None,
        };
        let memref = ctx.operand(op, memref_at);
        let root = memref_root(ctx, memref);
        if defined_inside(ctx, root, l_op) {
            continue; // scratch of one iteration
        }
        let indices: Vec<Value> = ctx.operands(op).skip(memref_at + 1).collect();
        let width = if name.starts_with("vector.") {
            let v = if is_write {
                ctx.operand(op, 0)
            } else {
                ctx.result(op, 0)
            };
            match ctx.type_data(ctx.value_type(v)) {
                flowc_ir::TypeData::Vector { shape, .. } => shape.iter().product(),
                _ => return None,
            }
        } else {
            1
        };
        if is_write && !written.contains(&root) {
            written.push(root);
        }
        accesses.push((root, memref, indices, width));
    }
    for &root in &written {
        let mine: Vec<_> = accesses.iter().filter(|a| a.0 == root).collect();
        let memref = mine[0].1;
        if mine.iter().any(|a| a.1 != memref) {
            return None;
        }
        let rank = mine[0].2.len();
        let ok_dim = (0..rank).any(|p| {
            mine.iter()
                .all(|a| a.2.len() == rank && a.2[p] == iv && (p + 1 < rank || a.3 <= step))
        });
        if !ok_dim {
            return None;
        }
    }
    Some((l, (lb, step, trips)))
}

/// Ops without memory effects (pure arithmetic, views, structured control flow).
fn is_pure(ctx: &Context, op: Op) -> bool {
    match ctx.op_dialect(op) {
        "arith" | "math" => true,
        "vector" => matches!(
            ctx.op_name(op),
            "vector.broadcast" | "vector.fma" | "vector.reduction"
        ),
        "buffer" => matches!(ctx.op_name(op), "buffer.view" | "buffer.get_global"),
        "loop" => matches!(
            ctx.op_name(op),
            ForOp::NAME | flowc_loop::IfOp::NAME | flowc_loop::YieldOp::NAME
        ),
        _ => false,
    }
}

/// When `op` (with everything nested in it) only reads memory: the iterations it runs, estimated
/// (1 for a plain op, the product of the trip counts of nested loops; unknown bounds count as
/// `MAX_PREFIX_WORK`). `None` when it writes or allocates.
fn read_only_work(ctx: &Context, op: Op) -> Option<i64> {
    let name = ctx.op_name(op);
    if !(is_pure(ctx, op) || name == "buffer.load" || name == "vector.load") {
        return None;
    }
    let mut work = 1i64;
    if let Some(f) = ForOp::cast(ctx, op) {
        let trips =
            flowc_loop::static_trip_count(ctx, f.lower_bound(ctx), f.upper_bound(ctx), f.step(ctx))
                .unwrap_or(MAX_PREFIX_WORK);
        let mut inner = 0i64;
        if let Some(b) = f.body_block(ctx) {
            for o in ctx.block_ops(b) {
                inner = inner.saturating_add(read_only_work(ctx, o)?);
            }
        }
        work = trips.max(0).saturating_mul(inner);
    } else {
        for o in ctx.walk(op, flowc_ir::WalkOrder::Pre) {
            if o != op {
                let n = ctx.op_name(o);
                if !(is_pure(ctx, o) || n == "buffer.load" || n == "vector.load") {
                    return None;
                }
            }
        }
    }
    Some(work)
}

/// The memref a chain of `buffer.view`s starts from.
fn memref_root(ctx: &Context, mut v: Value) -> Value {
    while let Some(d) = ctx.defining_op(v) {
        if ctx.op_name(d) != "buffer.view" {
            break;
        }
        v = ctx.operand(d, 0);
    }
    v
}

/// Whether `v` is defined by an op nested in `ancestor` (or is an argument of one of its blocks).
fn defined_inside(ctx: &Context, v: Value, ancestor: Op) -> bool {
    let mut op = match ctx.value_def(v) {
        flowc_ir::ValueDef::Result { op, .. } => ctx.op_parent_op(op),
        flowc_ir::ValueDef::BlockArg { block, .. } => ctx.block_parent_op(block),
        _ => None,
    };
    while let Some(o) = op {
        if o == ancestor {
            return true;
        }
        op = ctx.op_parent_op(o);
    }
    false
}

/// Moves the ops of `from` except its terminator (`loop.yield`) and `skip` (the next absorbed
/// loop, whose body is moved after) to the end of `to`.
fn move_body(ctx: &mut Context, from: Block, to: Block, skip: Option<Op>) {
    let ops: Vec<Op> = ctx.block_ops(from).collect();
    for op in ops {
        if ctx.op_name(op) == flowc_loop::YieldOp::NAME || Some(op) == skip {
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
