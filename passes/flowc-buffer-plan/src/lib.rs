//! `buffer-plan`: assigns every `buffer.alloc` of an entry function (`flowc.entry`) a byte offset
//! in one arena, so that buffers whose lifetimes overlap never share a byte.
//!
//! Program points are the ops of the entry function in order. A buffer is live from the first op
//! that uses it (or a `buffer.view` of it) to the last one; kernels read and write their
//! operands during their call, so two buffers used by the same call always conflict. The plan
//! comes from `flowc_memplan::plan` (greedy by size, never worse than no reuse). Each alloc gets
//! `offset = N : i64`; the module gets `flowc.arena_bytes` (the peak) and
//! `flowc.arena_lower_bound` (the liveness bound no plan can beat).

use flowc_ir::{Context, Diagnostic, Op, Type, TypeData, Value, WalkOrder, op_error};
use flowc_memplan::{BufferRequest, Strategy, plan};
use flowc_pass::{Pass, PassFailure, PassInfo, PassRegistry, PassState};
use rustc_hash::FxHashMap;

/// Every arena buffer starts on a cache line (and a full AVX-512 vector).
pub const ALIGNMENT: u64 = 64;

/// The result of planning one entry function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArenaPlan {
    /// Buffers placed.
    pub buffers: usize,
    /// Arena size (peak bytes).
    pub arena_bytes: u64,
    /// Bytes all buffers would take without reuse.
    pub total_bytes: u64,
    /// The liveness lower bound.
    pub lower_bound: u64,
}

pub fn register_passes(registry: &mut PassRegistry) {
    registry.register(PassInfo::new(
        "buffer-plan",
        "Place the entry function's intermediate buffers in one arena",
        |_| Ok(Box::new(BufferPlan)),
    ));
}

struct BufferPlan;

impl Pass for BufferPlan {
    fn argument(&self) -> &'static str {
        "buffer-plan"
    }

    fn name(&self) -> &'static str {
        "BufferPlan"
    }

    fn summary(&self) -> &'static str {
        "Place the entry function's intermediate buffers in one arena"
    }

    fn anchor(&self) -> Option<&'static str> {
        Some("builtin.module")
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match plan_module(ctx, op) {
            Ok(p) => {
                state.stat_with_description("num-buffers", "Buffers placed", p.buffers as u64);
                state.stat_with_description("arena-bytes", "Arena size in bytes", p.arena_bytes);
                state.stat_with_description(
                    "unplanned-bytes",
                    "Bytes without reuse",
                    p.total_bytes,
                );
                Ok(())
            }
            Err(d) => Err(PassFailure::emit(ctx, d)),
        }
    }
}

/// Plans the entry function of `module` (there must be at most one).
pub fn plan_module(ctx: &mut Context, module: Op) -> Result<ArenaPlan, Diagnostic> {
    let entries: Vec<Op> = ctx
        .walk(module, WalkOrder::Pre)
        .into_iter()
        .filter(|&o| ctx.op_name(o) == "func.func" && ctx.has_attr(o, "flowc.entry"))
        .collect();
    let result = match entries.as_slice() {
        [] => ArenaPlan::default(),
        [entry] => plan_function(ctx, *entry)?,
        [_, second, ..] => {
            return Err(op_error(
                ctx,
                *second,
                "is a second flowc.entry function in the module",
            ));
        }
    };
    let bytes = ctx.i64_attr(result.arena_bytes as i64);
    ctx.set_attr(module, "flowc.arena_bytes", bytes);
    let lb = ctx.i64_attr(result.lower_bound as i64);
    ctx.set_attr(module, "flowc.arena_lower_bound", lb);
    Ok(result)
}

/// The byte size of a static memref type.
pub fn memref_bytes(ctx: &Context, ty: Type) -> Option<u64> {
    let TypeData::MemRef { shape, element, .. } = ctx.type_data(ty) else {
        return None;
    };
    let elem_bits = match ctx.type_data(*element) {
        TypeData::Float(k) => u64::from(k.width()),
        TypeData::Integer { width, .. } => u64::from(*width).max(8),
        TypeData::Index => 64,
        _ => return None,
    };
    let mut n: u64 = 1;
    for &d in shape {
        n = n.checked_mul(u64::try_from(d).ok()?)?;
    }
    n.checked_mul(elem_bits.div_ceil(8))
}

fn plan_function(ctx: &mut Context, func: Op) -> Result<ArenaPlan, Diagnostic> {
    let region = ctx.region(func, 0);
    let Some(block) = ctx.region_entry(region) else {
        return Ok(ArenaPlan::default());
    };
    let ops: Vec<Op> = ctx.block_ops(block).collect();
    // Root alloc of every value that aliases one (the alloc itself and views of it).
    let mut root: FxHashMap<Value, usize> = FxHashMap::default();
    let mut allocs: Vec<Op> = Vec::new();
    let mut first: Vec<usize> = Vec::new();
    let mut last: Vec<usize> = Vec::new();
    for (point, &op) in ops.iter().enumerate() {
        match ctx.op_name(op) {
            "buffer.alloc" => {
                root.insert(ctx.result(op, 0), allocs.len());
                allocs.push(op);
                first.push(usize::MAX);
                last.push(0);
            }
            "buffer.view" => {
                if let Some(&r) = root.get(&ctx.operand(op, 0)) {
                    root.insert(ctx.result(op, 0), r);
                }
            }
            _ => {
                for v in ctx.operands(op) {
                    if let Some(&r) = root.get(&v) {
                        first[r] = first[r].min(point);
                        last[r] = last[r].max(point);
                    }
                }
            }
        }
    }
    let mut requests = Vec::with_capacity(allocs.len());
    let mut total = 0u64;
    for (i, &a) in allocs.iter().enumerate() {
        let ty = ctx.value_type(ctx.result(a, 0));
        let size = memref_bytes(ctx, ty)
            .ok_or_else(|| op_error(ctx, a, "allocates a buffer without a static byte size"))?;
        total += size;
        // A buffer nothing uses still gets a (private) point so the plan stays valid.
        let (f, l) = if first[i] == usize::MAX {
            let p = ops.iter().position(|&o| o == a).unwrap_or(0);
            (p, p)
        } else {
            (first[i], last[i])
        };
        requests.push(BufferRequest::new(size, ALIGNMENT, f, l));
    }
    let p = plan(&requests, Strategy::Best)
        .map_err(|e| op_error(ctx, func, format!("memory planning failed: {e}")))?;
    for (i, &a) in allocs.iter().enumerate() {
        let off = ctx.i64_attr(p.offsets[i] as i64);
        ctx.set_attr(a, "offset", off);
    }
    Ok(ArenaPlan {
        buffers: allocs.len(),
        arena_bytes: p.arena_size,
        total_bytes: total,
        lower_bound: p.lower_bound,
    })
}
