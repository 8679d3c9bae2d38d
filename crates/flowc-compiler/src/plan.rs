//! Reads the launch plan out of lowered IR: `@main`'s body is a sequence of `buffer.get_global`
//! (weights), `buffer.alloc` (arena slices), `buffer.view` (aliases, at a byte offset for a
//! contiguous slice) and `func.call`s of kernels; each call becomes one launch whose arguments
//! are buffer references.

use flowc_bundle::{Arg, BundleBuilder};
use flowc_ir::{Attribute, Context, Op, Value, WalkOrder};

use rustc_hash::FxHashMap;

use crate::{CompileOptions, IoSignature};

/// Why lowered IR is not a launch plan (a flowc bug when it comes from the pipeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchPlanError(pub String);

impl std::fmt::Display for LaunchPlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(m: impl Into<String>) -> LaunchPlanError {
    LaunchPlanError(m.into())
}

/// Fills `b` with the signature, weights, memory plan and launches of lowered `module`.
pub(crate) fn fill(
    ctx: &Context,
    module: Op,
    sig: &IoSignature,
    opts: &CompileOptions,
    b: &mut BundleBuilder,
) -> Result<(), LaunchPlanError> {
    let all = ctx.walk(module, WalkOrder::Pre);
    let entry = all
        .iter()
        .copied()
        .find(|&o| ctx.op_name(o) == "func.func" && ctx.has_attr(o, "flowc.entry"))
        .ok_or_else(|| err("the lowered module has no flowc.entry function"))?;
    let globals: FxHashMap<String, Op> = all
        .iter()
        .copied()
        .filter(|&o| ctx.op_name(o) == "buffer.global")
        .filter_map(|o| Some((sym_name(ctx, o)?.to_string(), o)))
        .collect();
    let kernels: FxHashMap<String, Op> = all
        .iter()
        .copied()
        .filter(|&o| ctx.op_name(o) == "func.func" && ctx.has_attr(o, "flowc.kernel"))
        .filter_map(|o| Some((sym_name(ctx, o)?.to_string(), o)))
        .collect();
    // Declarations of library routines (`flowc.library`), called like kernels.
    let library: FxHashMap<String, Op> = all
        .iter()
        .copied()
        .filter(|&o| ctx.op_name(o) == "func.func" && ctx.has_attr(o, "flowc.library"))
        .filter_map(|o| Some((sym_name(ctx, o)?.to_string(), o)))
        .collect();

    let block = ctx
        .region_entry(ctx.region(entry, 0))
        .ok_or_else(|| err("the entry function has no body"))?;
    let args = ctx.block_args(block).to_vec();
    let n_in = sig.inputs.len();
    if args.len() != n_in + sig.outputs.len() {
        return Err(err(
            "the entry function's arguments do not match its signature",
        ));
    }
    let mut refs: FxHashMap<Value, Arg> = FxHashMap::default();
    for (i, (dtype, shape)) in sig.inputs.iter().enumerate() {
        let name = opts
            .input_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("input_{i}"));
        refs.insert(args[i], b.input(name, *dtype, shape));
    }
    for (i, (dtype, shape)) in sig.outputs.iter().enumerate() {
        let name = opts
            .output_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("output_{i}"));
        refs.insert(args[n_in + i], b.output(name, *dtype, shape));
    }

    let arena = ctx
        .attr(module, "flowc.arena_bytes")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(0) as u64;
    let lower_bound = ctx
        .attr(module, "flowc.arena_lower_bound")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(0) as u64;
    b.memory(arena, flowc_buffer_plan::ALIGNMENT, lower_bound.min(arena));

    let mut weight_args: FxHashMap<String, Arg> = FxHashMap::default();
    for op in ctx.block_ops(block) {
        let bytes_of = |v: Value| -> Result<u64, LaunchPlanError> {
            flowc_buffer_plan::memref_bytes(ctx, ctx.value_type(v))
                .ok_or_else(|| err("a buffer without a static size in the entry function"))
        };
        match ctx.op_name(op) {
            "buffer.alloc" => {
                let r = ctx.result(op, 0);
                let offset = ctx
                    .attr(op, "offset")
                    .and_then(|a| ctx.int_value(a))
                    .ok_or_else(|| err("a buffer.alloc has no arena offset (run buffer-plan)"))?;
                refs.insert(r, Arg::arena(offset as u64, bytes_of(r)?));
            }
            "buffer.get_global" => {
                let r = ctx.result(op, 0);
                let name = ctx
                    .attr(op, "name")
                    .and_then(|a| ctx.flat_symbol(a))
                    .ok_or_else(|| err("a buffer.get_global without a symbol"))?
                    .to_string();
                let arg = match weight_args.get(&name) {
                    Some(&a) => a,
                    None => {
                        let g = *globals
                            .get(&name)
                            .ok_or_else(|| err(format!("no buffer.global @{name}")))?;
                        let data = global_bytes(ctx, g)?;
                        let a = b.weight(name.clone(), data);
                        weight_args.insert(name, a);
                        a
                    }
                };
                refs.insert(r, arg);
            }
            "buffer.view" => {
                let src = *refs
                    .get(&ctx.operand(op, 0))
                    .ok_or_else(|| err("a buffer.view of an unknown buffer"))?;
                let r = ctx.result(op, 0);
                // A contiguous slice starts `offset` bytes into its source (0: a reshape).
                let offset = match ctx.attr(op, "offset") {
                    None => 0,
                    Some(a) => ctx
                        .int_value(a)
                        .and_then(|o| u64::try_from(o).ok())
                        .ok_or_else(|| err("a buffer.view with an invalid offset"))?,
                };
                refs.insert(r, src.view(offset, bytes_of(r)?));
            }
            "func.call" => {
                let callee = ctx
                    .attr(op, "callee")
                    .and_then(|a| ctx.flat_symbol(a))
                    .ok_or_else(|| err("a call without a callee"))?;
                let mut launch_args = Vec::new();
                for v in ctx.operands(op) {
                    launch_args.push(
                        *refs
                            .get(&v)
                            .ok_or_else(|| err("a kernel argument of unknown origin"))?,
                    );
                }
                if let Some(&decl) = library.get(callee) {
                    library_launch(ctx, decl, callee, &launch_args, opts, b)?;
                    continue;
                }
                let k = *kernels
                    .get(callee)
                    .ok_or_else(|| err(format!("@{callee} is not a flowc.kernel function")))?;
                if opts.target.is_nvptx() {
                    let dims = |attr| {
                        flowc_gpu::launch_dims(ctx, k, attr)
                            .and_then(|d| {
                                let v: Option<Vec<u32>> =
                                    d.iter().map(|&x| u32::try_from(x).ok()).collect();
                                <[u32; 3]>::try_from(v?).ok()
                            })
                            .ok_or_else(|| err(format!("@{callee} has no valid {attr}")))
                    };
                    let grid = dims(flowc_gpu::GRID_SIZE_ATTR)?;
                    let block = dims(flowc_gpu::BLOCK_SIZE_ATTR)?;
                    b.cuda_launch(callee.to_string(), &launch_args, grid, block);
                    continue;
                }
                let tasks = flowc_llvm::kernel_task_count(ctx, flowc_func::FuncOp(k))
                    .map_err(|d| err(d.render(ctx)))?;
                b.launch(callee.to_string(), &launch_args, tasks.max(1));
            }
            "func.return" => {}
            other => {
                return Err(err(format!(
                    "'{other}' cannot appear in the entry function of lowered IR"
                )));
            }
        }
    }
    Ok(())
}

/// The launch of a call of library declaration `decl`: a cuBLAS GEMM (`flowc.library =
/// "cublas.sgemm"`, parameters in `flowc.gemm`, `flowc.gemm_alpha`, `flowc.gemm_beta`), which
/// only the CUDA runtime has.
fn library_launch(
    ctx: &Context,
    decl: Op,
    callee: &str,
    args: &[Arg],
    opts: &CompileOptions,
    b: &mut BundleBuilder,
) -> Result<(), LaunchPlanError> {
    let routine = ctx
        .attr(decl, "flowc.library")
        .and_then(|a| ctx.str_value(a))
        .unwrap_or_default();
    if routine != flowc_bundle::LIBRARY_SGEMM {
        return Err(err(format!(
            "@{callee} calls unknown library routine '{routine}'"
        )));
    }
    if !opts.target.is_nvptx() {
        return Err(err(format!(
            "@{callee} calls {routine}, which only CUDA has"
        )));
    }
    let p = ctx
        .attr(decl, "flowc.gemm")
        .and_then(|a| ctx.dense_array_i64(a))
        .filter(|p| p.len() == 12 && p.iter().all(|&v| v >= 0))
        .ok_or_else(|| err(format!("@{callee} has no valid flowc.gemm parameters")))?;
    let scale = |name| {
        ctx.attr(decl, name)
            .and_then(|a| ctx.float_value(a))
            .ok_or_else(|| err(format!("@{callee} has no {name}")))
    };
    let [a, bm, c] = <[Arg; 3]>::try_from(args)
        .map_err(|_| err(format!("@{callee} takes three buffers, got {}", args.len())))?;
    let u = |v: i64| v as u64;
    let call = flowc_bundle::GemmCall {
        trans_a: p[0] != 0,
        trans_b: p[1] != 0,
        m: u(p[2]),
        n: u(p[3]),
        k: u(p[4]),
        lda: u(p[5]),
        ldb: u(p[6]),
        ldc: u(p[7]),
        stride_a: u(p[8]),
        stride_b: u(p[9]),
        stride_c: u(p[10]),
        batch: u(p[11]),
        alpha: scale("flowc.gemm_alpha")? as f32,
        beta: scale("flowc.gemm_beta")? as f32,
    };
    b.cuda_gemm(a, bm, c, call);
    Ok(())
}

fn sym_name(ctx: &Context, op: Op) -> Option<&str> {
    ctx.attr(op, "sym_name").and_then(|a| ctx.str_value(a))
}

/// The bytes of a global as the kernels read them: the memref's storage element type (`i8` for
/// `i1`), row-major, little-endian.
fn global_bytes(ctx: &Context, global: Op) -> Result<Vec<u8>, LaunchPlanError> {
    let value: Attribute = ctx
        .attr(global, "value")
        .ok_or_else(|| err("a buffer.global without a value"))?;
    let t = flowc_interp::attribute_to_tensor(ctx, value)
        .map_err(|e| err(format!("cannot read a weight: {e}")))?;
    // Booleans are stored as one byte (0 / 1), which is also the tensor's byte form.
    Ok(t.to_bytes_le())
}
