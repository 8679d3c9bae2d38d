//! `convert-flow-to-loop`: lowers a module of `flow` functions to kernels of `loop`, `buffer`,
//! `arith`, `math` and `vector` ops, and turns value semantics into buffers on the way
//! (docs/codegen.md is the contract with code generation and the runtime).
//!
//! For the entry function (the one public function, `@main` after ONNX import):
//!
//! - tensor arguments become memrefs, and one memref argument per result is appended: results are
//!   written in place by the kernel that produces them (destination passing), so no copy is made
//!   unless a result is an input, a weight, a view or returned twice;
//! - each `flow` op becomes one or more `flowc.kernel` functions plus a `func.call` of each in
//!   `@main`, with a `buffer.alloc` per intermediate result (placed in the arena later by
//!   `buffer-plan`);
//! - `flow.constant` values become read-only `buffer.global`s (only those some kernel reads: shape
//!   operands such as Reshape's are consumed at compile time);
//! - the reshape family (Reshape, Flatten, Squeeze, Unsqueeze, Identity) becomes `buffer.view`: an
//!   alias, no kernel; so does a Slice that selects one contiguous run of its operand (a view at
//!   a byte offset, see [`data::contiguous_slice`]).
//!
//! Each op kind's lowering lives in its own module and is reached through [`lower_op`]; an op
//! without one is a located error naming it.

mod attention;
pub mod builder;
mod common;
mod conv;
mod data;
mod dft;
mod einsum;
mod elementwise;
mod fused;
mod gemm;
mod gpu_conv;
mod gpu_gemm;
mod gpu_library;
mod gpu_reduce;
mod grid_sample;
mod loss;
mod matmul;
mod misc;
mod norm;
mod pool;
mod quant;
mod reduce;
mod resize;
mod rnn;

use builder::{Elem, Kb, memref_for_tensor};
use flowc_func::{CallOp, FuncOp, ReturnOp};
use flowc_ir::{
    Attribute, Block, Context, Diagnostic, Location, Op, OperationState, Type, Value, op_error,
};
use flowc_pass::{Pass, PassFailure, PassInfo, PassRegistry, PassState};
use rustc_hash::FxHashMap;

/// What one run of the conversion produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoweringStats {
    /// `flow` ops lowered (constants and views included).
    pub ops: usize,
    /// Kernel functions created.
    pub kernels: usize,
    /// Buffers allocated for intermediates.
    pub allocs: usize,
    /// Weights (`buffer.global`s) emitted.
    pub globals: usize,
}

/// The processor the kernels are shaped for. Most lowerings are the same for both (the loop
/// nests are mapped to threads later, by `convert-loop-to-gpu`); the heavy ops (GEMM, conv,
/// reductions) choose kernels built for the target's memory hierarchy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KernelTarget {
    /// Tasks over a thread pool, vector registers, cache blocking.
    #[default]
    Cpu,
    /// Grids of thread blocks with shared memory (kernels may come out of the lowering already
    /// mapped: `gpu.kernel` with grid and block sizes).
    Gpu,
}

/// Who computes the GPU target's f32 GEMMs and convolutions (gpu_library.rs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GpuGemm {
    /// The library (cuBLAS) for products of at least [`gpu_library::AUTO_MIN_FLOPS`], where
    /// it is faster than the generated kernels, except convolutions with few output channels
    /// and a large im2col buffer; generated kernels for the rest (one launch, with the
    /// epilogue fused).
    #[default]
    Auto,
    /// Always the generated shared-memory kernels.
    Generated,
    /// The library wherever it applies (f32, one group, batch strides it can express).
    Library,
}

/// Options of the conversion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LowerOptions {
    pub target: KernelTarget,
    pub gpu_gemm: GpuGemm,
}

/// Registers `convert-flow-to-loop`.
pub fn register_passes(registry: &mut PassRegistry) {
    registry.register(
        PassInfo::new(
            "convert-flow-to-loop",
            "Lower flow tensor ops to loop / buffer / arith / math / vector kernels",
            |opts| {
                let target = match opts.get_choice("target", &["cpu", "gpu"], "cpu")? {
                    "gpu" => KernelTarget::Gpu,
                    _ => KernelTarget::Cpu,
                };
                let choices = ["auto", "generated", "library"];
                let gpu_gemm = match opts.get_choice("gpu-gemm", &choices, "auto")? {
                    "generated" => GpuGemm::Generated,
                    "library" => GpuGemm::Library,
                    _ => GpuGemm::Auto,
                };
                Ok(Box::new(ConvertFlowToLoop {
                    opts: LowerOptions { target, gpu_gemm },
                }))
            },
        )
        .option("target", "Kernels for 'cpu' or 'gpu'", "cpu")
        .option(
            "gpu-gemm",
            "GPU GEMMs / convs: 'auto', 'generated' kernels or the 'library' (cuBLAS)",
            "auto",
        ),
    );
}

struct ConvertFlowToLoop {
    opts: LowerOptions,
}

impl Pass for ConvertFlowToLoop {
    fn argument(&self) -> &'static str {
        "convert-flow-to-loop"
    }

    fn name(&self) -> &'static str {
        "ConvertFlowToLoop"
    }

    fn summary(&self) -> &'static str {
        "Lower flow tensor ops to loop / buffer / arith / math / vector kernels"
    }

    fn anchor(&self) -> Option<&'static str> {
        Some("builtin.module")
    }

    fn run(&mut self, ctx: &mut Context, op: Op, state: &mut PassState) -> Result<(), PassFailure> {
        match convert_flow_to_loop_with(ctx, op, &self.opts) {
            Ok(stats) => {
                state.stat_with_description("num-kernels", "Kernels created", stats.kernels as u64);
                state.stat_with_description(
                    "num-allocs",
                    "Intermediate buffers",
                    stats.allocs as u64,
                );
                state.stat_with_description("num-globals", "Weights", stats.globals as u64);
                Ok(())
            }
            Err(d) => Err(PassFailure::emit(ctx, d)),
        }
    }
}

/// Lowers every public function of `module` that holds `flow` ops, with kernels for the CPU.
pub fn convert_flow_to_loop(ctx: &mut Context, module: Op) -> Result<LoweringStats, Diagnostic> {
    convert_flow_to_loop_with(ctx, module, &LowerOptions::default())
}

/// Lowers every public function of `module` that holds `flow` ops.
pub fn convert_flow_to_loop_with(
    ctx: &mut Context,
    module: Op,
    opts: &LowerOptions,
) -> Result<LoweringStats, Diagnostic> {
    let body = ctx
        .region_entry(ctx.region(module, 0))
        .ok_or_else(|| op_error(ctx, module, "has no body"))?;
    let funcs: Vec<FuncOp> = ctx
        .block_ops(body)
        .filter_map(|o| FuncOp::cast(ctx, o))
        .filter(|f| !f.is_declaration(ctx) && f.visibility(ctx) == "public")
        .collect();
    let mut stats = LoweringStats::default();
    let mut names = Names::default();
    for f in funcs {
        // A function of tensors is converted even without flow ops (a model whose graph is
        // an identity still needs its copies).
        let (ins, outs) = f.signature(ctx);
        let has_tensors = ins.iter().chain(&outs).any(|&t| ctx.is_tensor(t));
        let has_flow = ctx
            .walk(f.op(), flowc_ir::WalkOrder::Pre)
            .into_iter()
            .any(|o| ctx.op_dialect(o) == "flow");
        if has_flow || has_tensors {
            convert_function(ctx, f, opts, &mut names, &mut stats)?;
        }
    }
    Ok(stats)
}

/// Unique symbol names for kernels and globals.
#[derive(Default)]
struct Names {
    next_kernel: usize,
    next_global: usize,
}

/// The reshape family: result is the operand's bytes under a new shape.
fn is_view_op(name: &str) -> bool {
    matches!(
        name,
        "flow.reshape" | "flow.flatten" | "flow.squeeze" | "flow.unsqueeze" | "flow.identity"
    )
}

fn convert_function(
    ctx: &mut Context,
    func: FuncOp,
    opts: &LowerOptions,
    names: &mut Names,
    stats: &mut LoweringStats,
) -> Result<(), Diagnostic> {
    let entry = func
        .entry_block(ctx)
        .ok_or_else(|| op_error(ctx, func.op(), "has no body"))?;
    let ops: Vec<Op> = ctx.block_ops(entry).collect();
    let ret = *ops
        .last()
        .ok_or_else(|| op_error(ctx, func.op(), "has an empty body"))?;
    if ReturnOp::cast(ctx, ret).is_none() {
        return Err(op_error(ctx, func.op(), "must end with func.return"));
    }
    let results: Vec<Value> = ctx.operand_vec(ret);

    // Arguments: tensors -> memrefs, in place.
    let args = ctx.block_args(entry).to_vec();
    let mut in_types = Vec::new();
    let mut arg_tensor_types = FxHashMap::default();
    for (i, &a) in args.iter().enumerate() {
        let t = ctx.value_type(a);
        let m = static_memref(ctx, t).ok_or_else(|| {
            op_error(
                ctx,
                func.op(),
                format!(
                    "argument #{i} has type {}: code generation needs static shapes of numeric \
                     element types (give the input shapes when compiling)",
                    ctx.print_type(t)
                ),
            )
        })?;
        arg_tensor_types.insert(a, t);
        ctx.set_value_type(a, m);
        in_types.push(m);
    }
    // One destination argument per result.
    let mut out_args = Vec::new();
    let mut out_types = Vec::new();
    for (i, &r) in results.iter().enumerate() {
        let t = ctx.value_type(r);
        let m = static_memref(ctx, t).ok_or_else(|| {
            op_error(
                ctx,
                ret,
                format!(
                    "result #{i} has type {}: code generation needs static shapes of numeric \
                     element types",
                    ctx.print_type(t)
                ),
            )
        })?;
        let loc = ctx.value_loc(r);
        out_args.push(ctx.add_block_arg(entry, m, loc));
        out_types.push(m);
    }

    // Slices that are views (contiguous runs), by their constant operands.
    let constants: FxHashMap<Value, Attribute> = ops
        .iter()
        .filter(|&&o| ctx.op_name(o) == "flow.constant")
        .filter_map(|&o| Some((ctx.result(o, 0), ctx.attr(o, "value")?)))
        .collect();
    let slice_views: FxHashMap<Op, u64> = ops
        .iter()
        .filter(|&&o| ctx.op_name(o) == "flow.slice")
        .filter_map(|&o| {
            let off = data::contiguous_slice(ctx, o, &|v| constants.get(&v).copied())?;
            Some((o, off))
        })
        .collect();

    // A result is written in place by its producer when that is a kernel (not a view, input or
    // constant) and the value is returned exactly once.
    let mut destination: FxHashMap<Value, Value> = FxHashMap::default();
    for (i, &r) in results.iter().enumerate() {
        let once = results.iter().filter(|&&x| x == r).count() == 1;
        let kernel_made = ctx.defining_op(r).is_some_and(|d| {
            let n = ctx.op_name(d);
            n != "flow.constant" && !is_view_op(n) && !slice_views.contains_key(&d)
        });
        if once && kernel_made {
            destination.insert(r, out_args[i]);
        }
    }

    let mut lw = Lowering {
        main_block: entry,
        anchor: ret,
        func_op: func.op(),
        buffers: args.iter().map(|&a| (a, a)).collect(),
        constants: FxHashMap::default(),
        arg_tensor_types,
        target: opts.target,
        gpu_gemm: opts.gpu_gemm,
        names,
        stats,
    };

    for &op in &ops[..ops.len() - 1] {
        lw.stats.ops += 1;
        let name = ctx.op_name(op).to_string();
        if name == "flow.constant" {
            let value = ctx
                .attr(op, "value")
                .ok_or_else(|| op_error(ctx, op, "has no value"))?;
            lw.constants.insert(ctx.result(op, 0), value);
            continue;
        }
        if name == "flow.none" {
            continue;
        }
        if ctx.op_dialect(op) != "flow" {
            return Err(op_error(
                ctx,
                op,
                "cannot be lowered: only flow ops may appear in the entry function",
            ));
        }
        if is_view_op(&name) {
            lw.lower_view(ctx, op, None)?;
            continue;
        }
        if let Some(&offset) = slice_views.get(&op) {
            lw.lower_view(ctx, op, Some(offset))?;
            continue;
        }
        lw.lower_kernel_op(ctx, op, &destination)?;
    }

    // Results that were not written in place are copied into their destinations.
    for (i, &r) in results.iter().enumerate() {
        if destination.get(&r) == Some(&out_args[i]) {
            continue;
        }
        let src = lw.buffer(ctx, r, ret)?;
        let dst = out_args[i];
        let loc = ctx.value_loc(r);
        let shape = ctx
            .shape(ctx.value_type(dst))
            .map(<[i64]>::to_vec)
            .unwrap_or_default();
        lw.make_kernel(ctx, "copy", loc, &[src, dst], |kb, a| {
            elementwise::broadcast_nest(kb, &shape, |kb, idx| {
                let v = kb.load(a[0], idx);
                kb.store(v, a[1], idx);
            });
            Ok(())
        })?;
    }

    // The old tensor ops go, last first (users before definitions).
    let new_ret = ReturnOp::create(ctx, &[], ctx.op_loc(ret));
    ctx.insert_op_before(ret, new_ret.op());
    for &op in ops.iter().rev() {
        ctx.erase_op(op);
    }
    let mut inputs = in_types;
    inputs.extend(out_types);
    let fty = ctx.function_type(inputs, Vec::new());
    let fty_attr = ctx.type_attr(fty);
    ctx.set_attr(func.op(), "function_type", fty_attr);
    let unit = ctx.unit_attr();
    ctx.set_attr(func.op(), "flowc.entry", unit);
    Ok(())
}

fn static_memref(ctx: &mut Context, t: Type) -> Option<Type> {
    memref_for_tensor(ctx, t)
}

/// State of the conversion of one function.
pub struct Lowering<'n> {
    main_block: Block,
    /// New ops of the entry function go before this op (the old `func.return`).
    anchor: Op,
    func_op: Op,
    /// Tensor value -> the memref holding it in the entry function.
    buffers: FxHashMap<Value, Value>,
    /// Values of `flow.constant` ops, materialized as globals only when a kernel reads them.
    constants: FxHashMap<Value, Attribute>,
    /// The tensor types the entry function's arguments had before they became memrefs.
    arg_tensor_types: FxHashMap<Value, Type>,
    /// What the kernels are built for.
    target: KernelTarget,
    gpu_gemm: GpuGemm,
    names: &'n mut Names,
    stats: &'n mut LoweringStats,
}

impl Lowering<'_> {
    /// The memref that holds tensor `v` (materializing a constant as a global on first use).
    fn buffer(&mut self, ctx: &mut Context, v: Value, user: Op) -> Result<Value, Diagnostic> {
        if let Some(&b) = self.buffers.get(&v) {
            return Ok(b);
        }
        if let Some(&value) = self.constants.get(&v) {
            let b = self.materialize_constant(ctx, v, value, user)?;
            self.buffers.insert(v, b);
            return Ok(b);
        }
        Err(op_error(
            ctx,
            user,
            "uses a value that has no buffer (defined by an unsupported op?)",
        ))
    }

    fn materialize_constant(
        &mut self,
        ctx: &mut Context,
        v: Value,
        value: Attribute,
        user: Op,
    ) -> Result<Value, Diagnostic> {
        let t = ctx.value_type(v);
        let m = static_memref(ctx, t)
            .ok_or_else(|| op_error(ctx, user, "reads a constant whose type has no buffer form"))?;
        let value = storage_value(ctx, value, m);
        let name = format!("cst{}", self.names.next_global);
        self.names.next_global += 1;
        self.stats.globals += 1;
        let loc = ctx.value_loc(v);
        let sym = ctx.string_attr(name.as_str());
        let ty = ctx.type_attr(m);
        let mut state = OperationState::new(ctx, "buffer.global", loc);
        state.add_attr(ctx, "sym_name", sym);
        state.add_attr(ctx, "type", ty);
        state.add_attr(ctx, "value", value);
        let g = ctx.create_op(state);
        ctx.insert_op_before(self.func_op, g);
        let sref = ctx.symbol_ref_attr(&name);
        let mut kb = self.main_builder(ctx, loc);
        Ok(kb.op1("buffer.get_global", &[], m, &[("name", sref)]))
    }

    fn main_builder<'c>(&self, ctx: &'c mut Context, loc: Location) -> Kb<'c> {
        let mut kb = Kb::new(ctx, self.main_block, loc);
        kb.before = Some(self.anchor);
        kb
    }

    /// Creates kernel `@k<N>_<hint>` taking `args` (memrefs of the entry function), builds its
    /// body with `body(kb, kernel_args)`, and calls it from the entry function.
    fn make_kernel(
        &mut self,
        ctx: &mut Context,
        hint: &str,
        loc: Location,
        args: &[Value],
        body: impl FnOnce(&mut Kb<'_>, &[Value]) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let name = format!("k{}_{}", self.names.next_kernel, hint);
        self.names.next_kernel += 1;
        self.stats.kernels += 1;
        let types: Vec<Type> = args.iter().map(|&a| ctx.value_type(a)).collect();
        let fty = ctx.function_type(types, Vec::new());
        let f = FuncOp::create(ctx, &name, fty, loc);
        let private = ctx.string_attr("private");
        ctx.set_attr(f.op(), "sym_visibility", private);
        let unit = ctx.unit_attr();
        ctx.set_attr(f.op(), "flowc.kernel", unit);
        ctx.insert_op_before(self.func_op, f.op());
        let block = f.entry_block(ctx).expect("created with a body");
        let kargs = ctx.block_args(block).to_vec();
        {
            let mut kb = Kb::new(ctx, block, loc);
            kb.gpu = self.target == KernelTarget::Gpu;
            body(&mut kb, &kargs)?;
            kb.op("func.return", &[], &[], &[]);
        }
        let call = CallOp::create(ctx, &name, args, &[], loc);
        ctx.insert_op_before(self.anchor, call.op());
        Ok(())
    }

    /// `op`'s result as a `buffer.view` of its first operand's buffer: the same bytes (the
    /// reshape family, `offset` `None`) or the run of them starting `offset` bytes in (a
    /// contiguous slice).
    fn lower_view(
        &mut self,
        ctx: &mut Context,
        op: Op,
        offset: Option<u64>,
    ) -> Result<(), Diagnostic> {
        let src_v = ctx.operand(op, 0);
        let src = self.buffer(ctx, src_v, op)?;
        let r = ctx.result(op, 0);
        let t = ctx.value_type(r);
        let m = static_memref(ctx, t)
            .ok_or_else(|| op_error(ctx, op, "has a result with a dynamic shape"))?;
        let loc = ctx.op_loc(op);
        let view = if ctx.value_type(src) == m && offset.unwrap_or(0) == 0 {
            src
        } else {
            let attrs: Vec<(&str, Attribute)> = offset
                .map(|o| ("offset", ctx.i64_attr(o as i64)))
                .into_iter()
                .collect();
            let mut kb = self.main_builder(ctx, loc);
            kb.op1("buffer.view", &[src], m, &attrs)
        };
        self.buffers.insert(r, view);
        Ok(())
    }

    fn lower_kernel_op(
        &mut self,
        ctx: &mut Context,
        op: Op,
        destination: &FxHashMap<Value, Value>,
    ) -> Result<(), Diagnostic> {
        // Result buffers: the destination argument, or a new intermediate.
        let loc = ctx.op_loc(op);
        let mut outputs = Vec::new();
        for r in ctx.results(op).to_vec() {
            let t = ctx.value_type(r);
            if matches!(ctx.type_data(t), flowc_ir::TypeData::None) {
                outputs.push(None);
                continue;
            }
            let m = static_memref(ctx, t).ok_or_else(|| {
                op_error(
                    ctx,
                    op,
                    format!(
                        "has a result of type {}: code generation needs static shapes",
                        ctx.print_type(t)
                    ),
                )
            })?;
            let b = match destination.get(&r) {
                Some(&d) => d,
                None => {
                    self.stats.allocs += 1;
                    let mut kb = self.main_builder(ctx, loc);
                    kb.op1("buffer.alloc", &[], m, &[])
                }
            };
            self.buffers.insert(r, b);
            outputs.push(Some(b));
        }
        let mut cx = OpCx {
            lw: self,
            op,
            outputs,
            tail: None,
        };
        lower_op(ctx, &mut cx)
    }
}

/// A constant's value with the element type its buffer stores (`i8` for `i1`, signless for
/// unsigned), re-typed as the memref's shape.
fn storage_value(ctx: &mut Context, value: Attribute, memref: Type) -> Attribute {
    // Unsigned integers have the bytes of their signless storage type, and booleans are one byte
    // (0 / 1) either way, so only the attribute's type changes.
    let Some(storage) = ctx.element_type(memref) else {
        return value;
    };
    let data = ctx.attr_data(value).clone();
    let retyped = |ctx: &mut Context, ty: Type| -> Option<Type> {
        if ctx.element_type(ty) == Some(storage) {
            return None;
        }
        let shape = ctx.shape(ty)?.to_vec();
        Some(ctx.tensor_type(shape, storage))
    };
    match data {
        flowc_ir::AttrData::DenseElements { ty, splat, data } => match retyped(ctx, ty) {
            Some(ty) => ctx.intern_attr(flowc_ir::AttrData::DenseElements { ty, splat, data }),
            None => value,
        },
        flowc_ir::AttrData::DenseResource { name, ty } => match retyped(ctx, ty) {
            Some(ty) => ctx.intern_attr(flowc_ir::AttrData::DenseResource { name, ty }),
            None => value,
        },
        _ => value,
    }
}

/// The op being lowered, its buffers, and the way to create its kernels.
pub struct OpCx<'l, 'n> {
    lw: &'l mut Lowering<'n>,
    pub op: Op,
    /// One buffer per result (`None` for absent optional results).
    outputs: Vec<Option<Value>>,
    /// The elementwise tail of the `flow.fused` region this op heads (fused.rs), for a kernel
    /// that can apply it as an epilogue; left here, it becomes a kernel of its own.
    pub(crate) tail: Option<fused::Tail>,
}

/// A kernel being built: its builder, positioned in the kernel's entry block, and its arguments
/// (the inputs then the outputs given to [`OpCx::kernel`]).
pub struct KernelArgs {
    pub args: Vec<Value>,
}

impl OpCx<'_, '_> {
    /// What the kernels are built for.
    pub fn target(&self) -> KernelTarget {
        self.lw.target
    }

    /// Who computes GPU GEMMs and convolutions.
    pub fn gpu_gemm(&self) -> GpuGemm {
        self.lw.gpu_gemm
    }

    /// The memref of operand `i` in the entry function.
    pub fn input(&mut self, ctx: &mut Context, i: usize) -> Result<Value, Diagnostic> {
        let v = ctx.operand(self.op, i);
        self.lw.buffer(ctx, v, self.op)
    }

    /// The buffer of result `i`.
    pub fn output(&self, ctx: &Context, i: usize) -> Result<Value, Diagnostic> {
        self.outputs
            .get(i)
            .copied()
            .flatten()
            .ok_or_else(|| op_error(ctx, self.op, format!("has no result #{i} to write")))
    }

    /// The constant value of operand `i`, if it is a `flow.constant`.
    pub fn constant_operand(&self, ctx: &Context, i: usize) -> Option<Attribute> {
        let v = ctx.operand(self.op, i);
        self.lw.constants.get(&v).copied()
    }

    /// Whether operand `i` is present (not absent and not a `flow.none`).
    pub fn has_operand(&self, ctx: &Context, i: usize) -> bool {
        i < ctx.num_operands(self.op)
            && !matches!(
                ctx.type_data(ctx.value_type(ctx.operand(self.op, i))),
                flowc_ir::TypeData::None
            )
    }

    /// A scratch buffer in the arena for this op's kernels (e.g. packed operands).
    pub fn scratch(&mut self, ctx: &mut Context, ty: Type) -> Value {
        self.lw.stats.allocs += 1;
        let loc = ctx.op_loc(self.op);
        let mut kb = self.lw.main_builder(ctx, loc);
        kb.op1("buffer.alloc", &[], ty, &[])
    }

    /// `buf` (a memref of the entry function) seen with another static shape of the same element
    /// count: a `buffer.view` in the entry function, or `buf` itself when the shape is unchanged.
    pub fn view(&mut self, ctx: &mut Context, buf: Value, shape: &[i64]) -> Value {
        let t = ctx.value_type(buf);
        if ctx.shape(t) == Some(shape) {
            return buf;
        }
        let et = ctx.element_type(t).expect("a memref");
        let m = ctx.memref_type(shape.to_vec(), et);
        let loc = ctx.op_loc(self.op);
        let mut kb = self.lw.main_builder(ctx, loc);
        kb.op1("buffer.view", &[buf], m, &[])
    }

    /// Adds a weight computed at compile time (e.g. pre-packed) as a global and returns its
    /// memref in the entry function.
    pub fn weight(&mut self, ctx: &mut Context, value: Attribute, memref: Type) -> Value {
        let name = format!("cst{}", self.lw.names.next_global);
        self.lw.names.next_global += 1;
        self.lw.stats.globals += 1;
        let loc = ctx.op_loc(self.op);
        let sym = ctx.string_attr(name.as_str());
        let ty = ctx.type_attr(memref);
        let mut state = OperationState::new(ctx, "buffer.global", loc);
        state.add_attr(ctx, "sym_name", sym);
        state.add_attr(ctx, "type", ty);
        state.add_attr(ctx, "value", value);
        let g = ctx.create_op(state);
        ctx.insert_op_before(self.lw.func_op, g);
        let sref = ctx.symbol_ref_attr(&name);
        let mut kb = self.lw.main_builder(ctx, loc);
        kb.op1("buffer.get_global", &[], memref, &[("name", sref)])
    }

    /// Creates kernel `@k<N>_<hint>` taking `args` (memrefs of the entry function), builds its
    /// body with `body(kb, kernel_args)`, and calls it from the entry function.
    pub fn kernel(
        &mut self,
        ctx: &mut Context,
        hint: &str,
        args: &[Value],
        body: impl FnOnce(&mut Kb<'_>, &[Value]) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let loc = ctx.op_loc(self.op);
        self.lw.make_kernel(ctx, hint, loc, args, body)
    }

    /// The tensor type of operand `i` (for arguments of the entry function: the type they had
    /// before becoming memrefs, which keeps `ui8` and `i1` apart from `i8`).
    pub fn operand_type(&self, ctx: &Context, i: usize) -> Type {
        let v = ctx.operand(self.op, i);
        self.lw
            .arg_tensor_types
            .get(&v)
            .copied()
            .unwrap_or_else(|| ctx.value_type(v))
    }

    /// The element kind of operand `i`'s tensor type.
    pub fn operand_elem(&self, ctx: &Context, i: usize) -> Result<Elem, Diagnostic> {
        let t = self.operand_type(ctx, i);
        ctx.element_type(t)
            .and_then(|e| Elem::of(ctx, e))
            .ok_or_else(|| {
                op_error(
                    ctx,
                    self.op,
                    format!("operand #{i} has no numeric element type"),
                )
            })
    }

    /// The element kind of result `i`'s tensor type.
    pub fn result_elem(&self, ctx: &Context, i: usize) -> Result<Elem, Diagnostic> {
        let t = ctx.value_type(ctx.result(self.op, i));
        ctx.element_type(t)
            .and_then(|e| Elem::of(ctx, e))
            .ok_or_else(|| {
                op_error(
                    ctx,
                    self.op,
                    format!("result #{i} has no numeric element type"),
                )
            })
    }

    /// The static shape of operand `i`.
    pub fn operand_shape(&self, ctx: &Context, i: usize) -> Vec<i64> {
        ctx.shape(self.operand_type(ctx, i))
            .map(<[i64]>::to_vec)
            .unwrap_or_default()
    }

    /// The static shape of result `i`.
    pub fn result_shape(&self, ctx: &Context, i: usize) -> Vec<i64> {
        ctx.shape(ctx.value_type(ctx.result(self.op, i)))
            .map(<[i64]>::to_vec)
            .unwrap_or_default()
    }

    pub fn attr(&self, ctx: &Context, name: &str) -> Option<Attribute> {
        ctx.attr(self.op, name)
    }

    pub fn attr_i64(&self, ctx: &Context, name: &str, default: i64) -> i64 {
        self.attr(ctx, name)
            .and_then(|a| ctx.int_value(a))
            .map_or(default, |v| v as i64)
    }

    pub fn attr_f64(&self, ctx: &Context, name: &str, default: f64) -> f64 {
        self.attr(ctx, name)
            .and_then(|a| ctx.float_value(a))
            .unwrap_or(default)
    }

    pub fn attr_ints(&self, ctx: &Context, name: &str) -> Option<Vec<i64>> {
        self.attr(ctx, name).and_then(|a| ctx.dense_array_i64(a))
    }

    pub fn attr_str<'c>(&self, ctx: &'c Context, name: &str) -> Option<&'c str> {
        self.attr(ctx, name).and_then(|a| ctx.str_value(a))
    }

    /// The tail to apply as an epilogue, if this op heads a fused region and every operand of
    /// the tail can be read at the output's index ([`fused::Tail::fits_epilogue`]); the caller
    /// must then apply it.
    pub(crate) fn take_epilogue_tail(&mut self) -> Option<fused::Tail> {
        if self.tail.as_ref().is_some_and(|t| t.fits_epilogue()) {
            self.tail.take()
        } else {
            None
        }
    }

    /// A located "not supported" error for this op on the target being lowered for ("has no
    /// CPU lowering for ...", "has no GPU lowering for ...").
    pub fn unsupported(&self, ctx: &Context, what: impl std::fmt::Display) -> Diagnostic {
        let target = match self.target() {
            KernelTarget::Cpu => "CPU",
            KernelTarget::Gpu => "GPU",
        };
        op_error(ctx, self.op, format!("has no {target} lowering for {what}"))
    }
}

/// Dispatches `cx.op` to the lowering of its kind.
fn lower_op(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let name = ctx.op_name(cx.op).to_string();
    if fused::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if elementwise::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if reduce::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if norm::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if data::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if pool::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if matmul::lower(ctx, cx, &name)? || conv::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if rnn::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if attention::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if loss::lower(ctx, cx, &name)? || resize::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if misc::lower(ctx, cx, &name)? || quant::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if einsum::lower(ctx, cx, &name)? || grid_sample::lower(ctx, cx, &name)? {
        return Ok(());
    }
    if dft::lower(ctx, cx, &name)? {
        return Ok(());
    }
    Err(op_error(ctx, cx.op, "has no CPU lowering yet"))
}
