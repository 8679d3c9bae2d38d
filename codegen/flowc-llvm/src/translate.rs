//! The translation of kernels to LLVM IR.

use crate::MAY_ALIAS_ATTR;
use crate::target::TargetOptions;
use flowc_func::FuncOp;
use flowc_ir::{
    AttrData, Attribute, Block, Context, Diagnostic, FloatKind, Location, Op, Type, TypeData,
    Value, op_error,
};
use flowc_loop::{ForOp, IfOp, ParallelOp};
use flowc_vector::CombiningKind;
use inkwell::attributes::{Attribute as LlAttr, AttributeLoc};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::{Builder, BuilderError};
use inkwell::intrinsics::Intrinsic;
use inkwell::module::{Linkage, Module};
use inkwell::types::{BasicType, BasicTypeEnum, FloatType, IntType};
use inkwell::values::InstructionOpcode as Opc;
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, FunctionValue, IntValue, PointerValue,
    ValueKind, VectorValue,
};
use inkwell::{AddressSpace, FloatPredicate, IntPredicate};
use rustc_hash::FxHashMap;

type R<T> = Result<T, Diagnostic>;
type LlCtx = inkwell::context::Context;
/// A loop body for [`Translator::emit_loop`]: gets the induction variable and the carried values,
/// returns the next carried values.
type LoopBody<'f, 'a, 'ctx> = dyn FnMut(
        &mut Translator<'a, 'ctx>,
        IntValue<'ctx>,
        &[BasicValueEnum<'ctx>],
    ) -> R<Vec<BasicValueEnum<'ctx>>>
    + 'f;

/// Translates every kernel of `module` into `llmod`.
pub(crate) fn translate_module<'ctx>(
    ctx: &Context,
    module: Op,
    llcx: &'ctx LlCtx,
    llmod: &Module<'ctx>,
    opts: &TargetOptions,
) -> R<()> {
    if ctx.op_name(module) != "builtin.module" {
        return Err(op_error(
            ctx,
            module,
            "expected a 'builtin.module' to translate",
        ));
    }
    for kernel in crate::kernels(ctx, module) {
        let mut t = Translator {
            ir: ctx,
            llcx,
            module: llmod,
            builder: llcx.create_builder(),
            values: FxHashMap::default(),
            func: None,
            entry: None,
            loc: ctx.op_loc(kernel.op()),
            opts,
            index_bits: 64,
        };
        t.kernel(kernel)?;
    }
    Ok(())
}

/// The task loop of a kernel: its first top-level loop when that is a `loop.parallel`.
pub(crate) fn task_loop_of(ctx: &Context, kernel: FuncOp) -> Option<ParallelOp> {
    let entry = kernel.entry_block(ctx)?;
    let first_loop = ctx
        .block_ops(entry)
        .find(|&op| matches!(ctx.op_name(op), ForOp::NAME | ParallelOp::NAME))?;
    ParallelOp::cast(ctx, first_loop)
}

/// `(lb, step, trip count)` per dimension of a task loop, all constants.
fn task_dims(ctx: &Context, par: ParallelOp) -> R<Vec<(i64, i64, i64)>> {
    let (lbs, ubs, steps) = (par.lower_bounds(ctx), par.upper_bounds(ctx), par.steps(ctx));
    let mut dims = Vec::new();
    for ((&lb, &ub), &step) in lbs.iter().zip(&ubs).zip(&steps) {
        let c = |v| flowc_loop::constant_int(ctx, v);
        let (Some(lb), Some(ub), Some(step)) = (c(lb), c(ub), c(step)) else {
            return Err(op_error(
                ctx,
                par.op(),
                "the task loop of a kernel needs constant bounds and steps",
            ));
        };
        let Some(trips) = flowc_loop::trip_count(lb, ub, step) else {
            return Err(op_error(
                ctx,
                par.op(),
                "the task loop has a non-positive step",
            ));
        };
        dims.push((lb, step, trips));
    }
    let total = dims
        .iter()
        .try_fold(1i64, |acc, &(_, _, t)| acc.checked_mul(t));
    if total.is_none() {
        return Err(op_error(
            ctx,
            par.op(),
            "the task loop has more than 2^63 iterations",
        ));
    }
    Ok(dims)
}

/// The trip counts of a task loop.
pub(crate) fn task_trip_counts(ctx: &Context, par: ParallelOp) -> R<Vec<i64>> {
    Ok(task_dims(ctx, par)?.into_iter().map(|d| d.2).collect())
}

struct Translator<'a, 'ctx> {
    ir: &'a Context,
    llcx: &'ctx LlCtx,
    module: &'a Module<'ctx>,
    builder: Builder<'ctx>,
    values: FxHashMap<Value, BasicValueEnum<'ctx>>,
    func: Option<FunctionValue<'ctx>>,
    /// The entry block of the function being built (allocas go there).
    entry: Option<BasicBlock<'ctx>>,
    /// The location of the op being translated (for internal errors).
    loc: Location,
    opts: &'a TargetOptions,
    /// The width of `index` in the function being translated: 64, or 32 in a GPU kernel whose
    /// index values provably fit (see `nvptx::index_fits_i32`; 64-bit division and
    /// multiplication are emulated on NVIDIA GPUs, and index math is most of a memory-bound
    /// kernel's instructions).
    index_bits: u32,
}

/// `builder.method(...)` with LLVM builder errors as diagnostics at the current op.
macro_rules! b {
    ($self:ident . $method:ident ( $($arg:expr),* $(,)? )) => {
        $self.builder.$method($($arg),*).map_err(|e| $self.builder_error(e))?
    };
}

mod nvptx;

impl<'a, 'ctx> Translator<'a, 'ctx> {
    // ===== Errors and lookups =====

    fn builder_error(&self, e: BuilderError) -> Diagnostic {
        Diagnostic::error(self.loc, format!("internal error: LLVM builder: {e}"))
    }

    fn err(&self, op: Op, message: impl std::fmt::Display) -> Diagnostic {
        op_error(self.ir, op, message)
    }

    fn val(&self, op: Op, v: Value) -> R<BasicValueEnum<'ctx>> {
        self.values.get(&v).copied().ok_or_else(|| {
            self.err(
                op,
                "internal error: operand not translated (defined outside the kernel?)",
            )
        })
    }

    fn operand(&self, op: Op, i: usize) -> R<BasicValueEnum<'ctx>> {
        self.val(op, self.ir.operand(op, i))
    }

    fn operands(&self, op: Op) -> R<Vec<BasicValueEnum<'ctx>>> {
        self.ir.operands(op).map(|v| self.val(op, v)).collect()
    }

    fn set_result(&mut self, op: Op, i: usize, v: BasicValueEnum<'ctx>) {
        self.values.insert(self.ir.result(op, i), v);
    }

    fn func(&self) -> FunctionValue<'ctx> {
        self.func.expect("inside a function")
    }

    fn append_block(&self, name: &str) -> BasicBlock<'ctx> {
        self.llcx.append_basic_block(self.func(), name)
    }

    /// A new block right after `after`, so that blocks read in program order.
    fn block_after(&self, after: BasicBlock<'ctx>, name: &str) -> BasicBlock<'ctx> {
        self.llcx.insert_basic_block_after(after, name)
    }

    fn current_block(&self) -> BasicBlock<'ctx> {
        self.builder.get_insert_block().expect("builder positioned")
    }

    fn i64t(&self) -> IntType<'ctx> {
        self.llcx.i64_type()
    }

    /// The LLVM type of `index` in the current function.
    fn index_t(&self) -> IntType<'ctx> {
        self.llcx
            .custom_width_int_type(std::num::NonZeroU32::new(self.index_bits).expect("32 or 64"))
            .expect("a valid width")
    }

    fn const_i64(&self, v: i64) -> IntValue<'ctx> {
        self.i64t().const_int(v as u64, true)
    }

    // ===== Types =====

    /// The LLVM type of a scalar or vector IR type; `None` for what codegen does not handle.
    fn ll_type(&self, ty: Type) -> Option<BasicTypeEnum<'ctx>> {
        match self.ir.type_data(ty) {
            TypeData::Integer { width, .. } => Some(
                self.llcx
                    .custom_width_int_type(std::num::NonZeroU32::new(*width)?)
                    .ok()?
                    .into(),
            ),
            TypeData::Index => Some(self.index_t().into()),
            TypeData::Float(k) => Some(self.float_type(*k).into()),
            TypeData::Vector {
                shape,
                scalable,
                element,
            } if shape.len() == 1 && !scalable[0] && shape[0] > 0 => {
                let n = u32::try_from(shape[0]).ok()?;
                Some(match self.ll_type(*element)? {
                    BasicTypeEnum::IntType(t) => t.vec_type(n).into(),
                    BasicTypeEnum::FloatType(t) => t.vec_type(n).into(),
                    _ => return None,
                })
            }
            TypeData::MemRef { .. } => Some(self.llcx.ptr_type(AddressSpace::default()).into()),
            _ => None,
        }
    }

    fn float_type(&self, k: FloatKind) -> FloatType<'ctx> {
        match k {
            FloatKind::F16 => self.llcx.f16_type(),
            FloatKind::BF16 => self.llcx.bf16_type(),
            FloatKind::F32 => self.llcx.f32_type(),
            FloatKind::F64 => self.llcx.f64_type(),
        }
    }

    fn type_of(&self, op: Op, ty: Type) -> R<BasicTypeEnum<'ctx>> {
        self.ll_type(ty).ok_or_else(|| {
            self.err(
                op,
                format!(
                    "type '{}' is not supported by code generation",
                    self.ir.print_type(ty)
                ),
            )
        })
    }

    fn result_type(&self, op: Op) -> R<BasicTypeEnum<'ctx>> {
        self.type_of(op, self.ir.value_type(self.ir.result(op, 0)))
    }

    /// The type elements of a memref have in memory: `i1` is stored as a byte.
    fn mem_type(&self, op: Op, element: Type) -> R<BasicTypeEnum<'ctx>> {
        if self.ir.is_signless_int_of_width(element, 1) {
            return Ok(self.llcx.i8_type().into());
        }
        self.type_of(op, element)
    }

    /// The same shape as `like` (scalar or vector) with element type `element`.
    fn with_element(
        &self,
        like: BasicTypeEnum<'ctx>,
        element: BasicTypeEnum<'ctx>,
    ) -> BasicTypeEnum<'ctx> {
        match like {
            BasicTypeEnum::VectorType(v) => match element {
                BasicTypeEnum::IntType(t) => t.vec_type(v.get_size()).into(),
                BasicTypeEnum::FloatType(t) => t.vec_type(v.get_size()).into(),
                other => other,
            },
            _ => element,
        }
    }

    /// The float kind of a scalar or vector IR type.
    fn float_kind(&self, ty: Type) -> Option<FloatKind> {
        self.ir.float_kind(self.ir.element_type_or_self(ty))
    }

    // ===== Kernels =====

    /// The byte size of each kernel argument; an error naming the argument that is not a
    /// statically shaped memref with the identity layout.
    fn arg_sizes(&self, op: Op, inputs: &[Type]) -> R<Vec<u64>> {
        let ir = self.ir;
        inputs
            .iter()
            .enumerate()
            .map(|(i, &ty)| {
                flowc_buffer::byte_size(ir, ty)
                    .filter(|_| flowc_buffer::is_static_dense_memref(ir, ty))
                    .ok_or_else(|| {
                        self.err(
                            op,
                            format!(
                                "kernel argument #{i} has type '{}': kernels take statically shaped memrefs with the identity layout",
                                ir.print_type(ty)
                            ),
                        )
                    })
            })
            .collect()
    }

    fn kernel(&mut self, kernel: FuncOp) -> R<()> {
        let ir = self.ir;
        let op = kernel.op();
        let is_gpu = ir.has_attr(op, flowc_gpu::KERNEL_ATTR);
        match (self.opts.is_nvptx(), is_gpu) {
            (true, true) => return self.gpu_kernel(kernel),
            (true, false) => {
                return Err(self.err(
                    op,
                    "the NVPTX target needs GPU kernels ('gpu.kernel'): run convert-loop-to-gpu first",
                ));
            }
            (false, true) => {
                return Err(self.err(op, "a 'gpu.kernel' function needs the NVPTX target"));
            }
            (false, false) => {}
        }
        let name = kernel.name(ir).to_string();
        let (inputs, results) = kernel.signature(ir);
        if !results.is_empty() {
            return Err(self.err(op, "a kernel returns no values"));
        }
        let Some(entry_block) = kernel.entry_block(ir) else {
            return Err(self.err(op, "a kernel needs a body"));
        };
        if ir.region_blocks(kernel.body(ir)).len() != 1 {
            return Err(self.err(op, "a kernel body is a single block"));
        }
        let sizes = self.arg_sizes(op, &inputs)?;
        let may_alias = ir.has_attr(op, MAY_ALIAS_ATTR);
        let ptr = self.llcx.ptr_type(AddressSpace::default());
        let i64t = self.i64t();
        let void = self.llcx.void_type();

        // The body: `void name.body(ptr noalias align 64 %a0, ..., i64 begin, i64 end)`.
        let mut params: Vec<inkwell::types::BasicMetadataTypeEnum<'ctx>> =
            inputs.iter().map(|_| ptr.into()).collect();
        params.push(i64t.into());
        params.push(i64t.into());
        let body_fn = self.module.add_function(
            &format!("{name}.body"),
            void.fn_type(&params, false),
            Some(Linkage::Internal),
        );
        for (i, &size) in sizes.iter().enumerate() {
            let loc = AttributeLoc::Param(i as u32);
            if !may_alias {
                body_fn.add_attribute(loc, self.enum_attr("noalias", 0));
            }
            body_fn.add_attribute(loc, self.enum_attr("align", 64));
            body_fn.add_attribute(loc, self.enum_attr("noundef", 0));
            if size > 0 {
                body_fn.add_attribute(loc, self.enum_attr("dereferenceable", size));
            }
        }
        // Internal with one call site: the O2 / O3 inliner folds it into the wrapper (turning the
        // `noalias` parameters into alias scopes); at O0 it stays a function of its own.
        self.function_attrs(body_fn);

        // The exported wrapper: `void name(ptr args, i64 begin, i64 end)`.
        let wrapper = self.module.add_function(
            &name,
            void.fn_type(&[ptr.into(), i64t.into(), i64t.into()], false),
            Some(Linkage::External),
        );
        self.function_attrs(wrapper);
        let bb = self.llcx.append_basic_block(wrapper, "entry");
        self.builder.position_at_end(bb);
        let args = wrapper
            .get_nth_param(0)
            .expect("param")
            .into_pointer_value();
        let mut call_args: Vec<BasicMetadataValueEnum<'ctx>> = Vec::new();
        for i in 0..inputs.len() {
            let slot = self.gep(ptr.into(), args, self.const_i64(i as i64))?;
            let p = b!(self.build_load(ptr, slot, &format!("arg{i}")));
            if let Some(inst) = p.as_instruction_value() {
                let _ = inst.set_alignment(8);
            }
            call_args.push(p.into());
        }
        call_args.push(wrapper.get_nth_param(1).expect("param").into());
        call_args.push(wrapper.get_nth_param(2).expect("param").into());
        b!(self.build_call(body_fn, &call_args, ""));
        b!(self.build_return(None));

        // The body's code.
        self.func = Some(body_fn);
        let entry = self.llcx.append_basic_block(body_fn, "entry");
        self.entry = Some(entry);
        self.builder.position_at_end(entry);
        self.values.clear();
        for (i, &arg) in ir.block_args(entry_block).iter().enumerate() {
            let p = body_fn.get_nth_param(i as u32).expect("param");
            p.set_name(&format!("arg{i}"));
            self.values.insert(arg, p);
        }
        let n = inputs.len() as u32;
        let begin = body_fn.get_nth_param(n).expect("param").into_int_value();
        let end = body_fn
            .get_nth_param(n + 1)
            .expect("param")
            .into_int_value();
        begin.set_name("task_begin");
        end.set_name("task_end");
        let task_loop = task_loop_of(ir, kernel);
        if task_loop.is_none() {
            // One task: nothing to do for an empty range.
            let run = self.append_block("run");
            let done = self.append_block("done");
            let c = b!(self.build_int_compare(IntPredicate::SLT, begin, end, "has_task"));
            b!(self.build_conditional_branch(c, run, done));
            self.builder.position_at_end(done);
            b!(self.build_return(None));
            self.builder.position_at_end(run);
        }
        for op in ir.block_ops(entry_block).collect::<Vec<_>>() {
            self.loc = ir.op_loc(op);
            if Some(op) == task_loop.map(|p| p.op()) {
                self.task_loop(ParallelOp(op), begin, end)?;
            } else {
                self.op(op)?;
            }
        }
        if ir
            .block_last_op(entry_block)
            .is_none_or(|last| ir.op_name(last) != flowc_func::ReturnOp::NAME)
        {
            return Err(self.err(op, "a kernel body ends with 'func.return'"));
        }
        Ok(())
    }

    fn enum_attr(&self, name: &str, value: u64) -> LlAttr {
        let kind = LlAttr::get_named_enum_kind_id(name);
        self.llcx.create_enum_attribute(kind, value)
    }

    fn function_attrs(&self, f: FunctionValue<'ctx>) {
        f.add_attribute(AttributeLoc::Function, self.enum_attr("nounwind", 0));
        if !self.opts.cpu.is_empty() {
            f.add_attribute(
                AttributeLoc::Function,
                self.llcx
                    .create_string_attribute("target-cpu", &self.opts.cpu),
            );
        }
        if !self.opts.features.is_empty() {
            f.add_attribute(
                AttributeLoc::Function,
                self.llcx
                    .create_string_attribute("target-features", &self.opts.features),
            );
        }
    }

    /// `getelementptr inbounds elem, ptr, index`.
    #[allow(unsafe_code)]
    fn gep(
        &self,
        elem: BasicTypeEnum<'ctx>,
        ptr: PointerValue<'ctx>,
        index: IntValue<'ctx>,
    ) -> R<PointerValue<'ctx>> {
        // SAFETY: the index stays inside the memref: indices are in bounds by the IR's contract
        // (an out-of-bounds access is undefined behavior in the IR as in LLVM).
        let p = unsafe { self.builder.build_in_bounds_gep(elem, ptr, &[index], "") };
        p.map_err(|e| self.builder_error(e))
    }

    // ===== Loops =====

    /// The task loop: iterations `[begin, end)` of `par`, delinearized row-major.
    fn task_loop(&mut self, par: ParallelOp, begin: IntValue<'ctx>, end: IntValue<'ctx>) -> R<()> {
        let ir = self.ir;
        let dims = task_dims(ir, par)?;
        let total: i64 = dims.iter().map(|d| d.2).product();
        let body = par
            .body_block(ir)
            .ok_or_else(|| self.err(par.op(), "a loop needs a body"))?;
        // Clamp the range to the loop's iterations. The loop counts in `begin`'s type, the
        // kernel's index type.
        let it = begin.get_type();
        let c = |v: i64| it.const_int(v as u64, true);
        let end = self.intrinsic("llvm.smin", &[it.into()], &[end.into(), c(total).into()])?;
        let end = end.into_int_value();
        self.emit_loop(begin, end, c(1), &[], "task", &mut |t, task, _| {
            let mut rem = task;
            let mut ivs = vec![c(0); dims.len()];
            for (k, &(lb, step, trips)) in dims.iter().enumerate().rev() {
                let idx = if k == 0 {
                    rem
                } else {
                    let idx = b!(t.build_int_unsigned_rem(rem, c(trips), "idx"));
                    rem = b!(t.build_int_unsigned_div(rem, c(trips), "rem"));
                    idx
                };
                let scaled = b!(t.build_int_nsw_mul(idx, c(step), ""));
                ivs[k] = b!(t.build_int_nsw_add(scaled, c(lb), "iv"));
            }
            for (k, &arg) in ir.block_args(body).iter().enumerate() {
                t.values.insert(arg, ivs[k].into());
            }
            t.block_body(body)?;
            Ok(Vec::new())
        })?;
        Ok(())
    }

    /// Emits `for (iv = lb; iv < ub; iv += step)` with loop-carried values; `body` gets the
    /// induction variable and the carried values and returns the next ones. Returns the carried
    /// values after the loop.
    fn emit_loop(
        &mut self,
        lb: IntValue<'ctx>,
        ub: IntValue<'ctx>,
        step: IntValue<'ctx>,
        inits: &[BasicValueEnum<'ctx>],
        name: &str,
        body: &mut LoopBody<'_, 'a, 'ctx>,
    ) -> R<Vec<BasicValueEnum<'ctx>>> {
        let pre = self.current_block();
        let header = self.block_after(pre, &format!("{name}.header"));
        let body_bb = self.block_after(header, &format!("{name}.body"));
        let exit = self.block_after(body_bb, &format!("{name}.exit"));
        b!(self.build_unconditional_branch(header));
        self.builder.position_at_end(header);
        let iv = b!(self.build_phi(lb.get_type(), &format!("{name}.iv")));
        iv.add_incoming(&[(&lb, pre)]);
        let mut phis = Vec::new();
        for init in inits {
            let phi = b!(self.build_phi(init.get_type(), ""));
            phi.add_incoming(&[(init as &dyn BasicValue<'ctx>, pre)]);
            phis.push(phi);
        }
        let iv_v = iv.as_basic_value().into_int_value();
        let cond = b!(self.build_int_compare(IntPredicate::SLT, iv_v, ub, ""));
        b!(self.build_conditional_branch(cond, body_bb, exit));
        self.builder.position_at_end(body_bb);
        let carried: Vec<_> = phis.iter().map(|p| p.as_basic_value()).collect();
        let next = body(self, iv_v, &carried)?;
        if next.len() != phis.len() {
            return Err(Diagnostic::error(
                self.loc,
                "internal error: a loop body yields the wrong number of values",
            ));
        }
        let latch = self.current_block();
        let iv_next = b!(self.build_int_nsw_add(iv_v, step, &format!("{name}.next")));
        b!(self.build_unconditional_branch(header));
        iv.add_incoming(&[(&iv_next, latch)]);
        for (phi, v) in phis.iter().zip(&next) {
            phi.add_incoming(&[(v as &dyn BasicValue<'ctx>, latch)]);
        }
        self.builder.position_at_end(exit);
        Ok(carried)
    }

    /// Translates the ops of `block` except its terminator.
    fn block_body(&mut self, block: Block) -> R<()> {
        let ir = self.ir;
        for op in ir.block_ops(block).collect::<Vec<_>>() {
            if ir.op_name(op) == flowc_loop::YieldOp::NAME {
                continue;
            }
            self.loc = ir.op_loc(op);
            self.op(op)?;
        }
        Ok(())
    }

    /// The values the `loop.yield` ending `block` yields.
    fn yielded(&self, block: Block) -> R<Vec<BasicValueEnum<'ctx>>> {
        let ir = self.ir;
        match ir.block_last_op(block) {
            Some(last) if ir.op_name(last) == flowc_loop::YieldOp::NAME => self.operands(last),
            _ => Err(Diagnostic::error(
                self.loc,
                "a loop or if body must end with 'loop.yield'",
            )),
        }
    }

    fn for_op(&mut self, op: Op) -> R<()> {
        let ir = self.ir;
        let f = ForOp(op);
        let body = f
            .body_block(ir)
            .ok_or_else(|| self.err(op, "a loop needs a body"))?;
        let lb = self.val(op, f.lower_bound(ir))?.into_int_value();
        let ub = self.val(op, f.upper_bound(ir))?.into_int_value();
        let step = self.val(op, f.step(ir))?.into_int_value();
        let inits: Vec<_> = f
            .init_args(ir)
            .iter()
            .map(|&v| self.val(op, v))
            .collect::<R<_>>()?;
        let results = self.emit_loop(lb, ub, step, &inits, "for", &mut |t, iv, carried| {
            let args = ir.block_args(body);
            t.values.insert(args[0], iv.into());
            for (&a, &v) in args[1..].iter().zip(carried) {
                t.values.insert(a, v);
            }
            t.block_body(body)?;
            t.yielded(body)
        })?;
        for (i, v) in results.into_iter().enumerate() {
            self.set_result(op, i, v);
        }
        Ok(())
    }

    /// A `loop.parallel` inside a kernel (not its task loop): sequential nested loops.
    fn parallel_op(&mut self, op: Op) -> R<()> {
        let ir = self.ir;
        let par = ParallelOp(op);
        let body = par
            .body_block(ir)
            .ok_or_else(|| self.err(op, "a loop needs a body"))?;
        let get = |t: &Self, vs: Vec<Value>| -> R<Vec<IntValue<'ctx>>> {
            vs.into_iter()
                .map(|v| t.val(op, v).map(|x| x.into_int_value()))
                .collect()
        };
        let lbs = get(self, par.lower_bounds(ir))?;
        let ubs = get(self, par.upper_bounds(ir))?;
        let steps = get(self, par.steps(ir))?;
        self.parallel_dims(body, &lbs, &ubs, &steps, 0)
    }

    fn parallel_dims(
        &mut self,
        body: Block,
        lbs: &[IntValue<'ctx>],
        ubs: &[IntValue<'ctx>],
        steps: &[IntValue<'ctx>],
        dim: usize,
    ) -> R<()> {
        if dim == lbs.len() {
            return self.block_body(body);
        }
        let arg = self.ir.block_args(body)[dim];
        self.emit_loop(
            lbs[dim],
            ubs[dim],
            steps[dim],
            &[],
            "par",
            &mut |t, iv, _| {
                t.values.insert(arg, iv.into());
                t.parallel_dims(body, lbs, ubs, steps, dim + 1)?;
                Ok(Vec::new())
            },
        )?;
        Ok(())
    }

    fn if_op(&mut self, op: Op) -> R<()> {
        let ir = self.ir;
        let i = IfOp(op);
        let cond = self.operand(op, 0)?.into_int_value();
        let then_block = i
            .then_block(ir)
            .ok_or_else(|| self.err(op, "'loop.if' needs a then block"))?;
        let else_block = i.else_block(ir);
        let here = self.current_block();
        let then_bb = self.block_after(here, "if.then");
        let else_bb = else_block.map(|_| self.block_after(then_bb, "if.else"));
        let merge = self.block_after(else_bb.unwrap_or(then_bb), "if.end");
        b!(self.build_conditional_branch(cond, then_bb, else_bb.unwrap_or(merge)));
        let mut incoming = Vec::new();
        self.builder.position_at_end(then_bb);
        self.block_body(then_block)?;
        let vals = self.yielded(then_block)?;
        incoming.push((vals, self.current_block()));
        b!(self.build_unconditional_branch(merge));
        if let (Some(eb), Some(ebb)) = (else_block, else_bb) {
            self.builder.position_at_end(ebb);
            self.block_body(eb)?;
            let vals = self.yielded(eb)?;
            incoming.push((vals, self.current_block()));
            b!(self.build_unconditional_branch(merge));
        }
        self.builder.position_at_end(merge);
        for r in 0..ir.num_results(op) {
            let ty = self.type_of(op, ir.value_type(ir.result(op, r)))?;
            let phi = b!(self.build_phi(ty, ""));
            for (vals, bb) in &incoming {
                let v = vals.get(r).ok_or_else(|| {
                    self.err(op, "internal error: a branch yields too few values")
                })?;
                phi.add_incoming(&[(v as &dyn BasicValue<'ctx>, *bb)]);
            }
            self.set_result(op, r, phi.as_basic_value());
        }
        Ok(())
    }

    // ===== Ops =====

    fn op(&mut self, op: Op) -> R<()> {
        let ir = self.ir;
        let name = ir.op_name(op);
        match name {
            "func.return" => {
                if ir.num_operands(op) != 0 {
                    return Err(self.err(op, "a kernel returns no values"));
                }
                b!(self.build_return(None));
                Ok(())
            }
            ForOp::NAME => self.for_op(op),
            ParallelOp::NAME => self.parallel_op(op),
            IfOp::NAME => self.if_op(op),
            _ if name.starts_with("arith.") => self.arith(op, &name["arith.".len()..]),
            _ if name.starts_with("math.") => self.math(op, &name["math.".len()..]),
            _ if name.starts_with("buffer.") => self.buffer(op, &name["buffer.".len()..]),
            _ if name.starts_with("vector.") => self.vector(op, &name["vector.".len()..]),
            _ if name.starts_with("gpu.") => self.gpu(op, &name["gpu.".len()..]),
            _ => Err(self.unsupported(op)),
        }
    }

    fn unsupported(&self, op: Op) -> Diagnostic {
        self.err(op, "is not supported by LLVM code generation")
    }

    // ----- buffer -----

    /// The address of `memref[indices]` (row-major, static strides) and the element's memory type.
    fn element_address(
        &mut self,
        op: Op,
        memref: Value,
        indices: &[Value],
    ) -> R<(PointerValue<'ctx>, BasicTypeEnum<'ctx>, Type)> {
        let ir = self.ir;
        let mty = ir.value_type(memref);
        let shared = self.opts.is_nvptx() && flowc_gpu::shared_memref_parts(ir, mty).is_some();
        if !flowc_buffer::is_static_dense_memref(ir, mty) && !shared {
            return Err(self.err(
                op,
                format!(
                    "memref type '{}' is not supported: code generation needs static shapes and the identity layout",
                    ir.print_type(mty)
                ),
            ));
        }
        let (shape, element) = flowc_buffer::memref_parts(ir, mty).expect("checked above");
        let strides = flowc_buffer::row_major_strides(shape);
        let base = self.val(op, memref)?.into_pointer_value();
        let mut linear: Option<IntValue<'ctx>> = None;
        for (&idx, &stride) in indices.iter().zip(&strides) {
            let iv = self.val(op, idx)?.into_int_value();
            let term = if stride == 1 {
                iv
            } else {
                let stride = iv.get_type().const_int(stride as u64, true);
                b!(self.build_int_nsw_mul(iv, stride, ""))
            };
            linear = Some(match linear {
                None => term,
                Some(acc) => b!(self.build_int_nsw_add(acc, term, "")),
            });
        }
        let elem_ty = self.mem_type(op, element)?;
        let ptr = match linear {
            // Index 0 (a rank-0 memref, or constant zero indices) is the base itself.
            Some(l) if !(l.is_const() && l.get_zero_extended_constant() == Some(0)) => {
                self.gep(elem_ty, base, l)?
            }
            _ => base,
        };
        Ok((ptr, elem_ty, element))
    }

    fn elem_align(&self, element: Type) -> u32 {
        self.ir.scalar_byte_width(element).unwrap_or(1) as u32
    }

    fn buffer(&mut self, op: Op, name: &str) -> R<()> {
        let ir = self.ir;
        match name {
            "load" => {
                let load = flowc_buffer::LoadOp(op);
                let (ptr, mem_ty, element) =
                    self.element_address(op, load.memref(ir), &load.indices(ir))?;
                let v = b!(self.build_load(mem_ty, ptr, ""));
                set_align(v, self.elem_align(element));
                let v = if ir.is_signless_int_of_width(element, 1) {
                    let zero = self.llcx.i8_type().const_zero();
                    b!(self.build_int_compare(IntPredicate::NE, v.into_int_value(), zero, ""))
                        .into()
                } else {
                    v
                };
                self.set_result(op, 0, v);
                Ok(())
            }
            "store" => {
                let store = flowc_buffer::StoreOp(op);
                let (ptr, _, element) =
                    self.element_address(op, store.memref(ir), &store.indices(ir))?;
                let mut v = self.val(op, store.value(ir))?;
                if ir.is_signless_int_of_width(element, 1) {
                    v = b!(self.build_int_z_extend(v.into_int_value(), self.llcx.i8_type(), ""))
                        .into();
                }
                let st = b!(self.build_store(ptr, v));
                let _ = st.set_alignment(self.elem_align(element));
                Ok(())
            }
            "view" => {
                // An offset view (a contiguous slice) is an alias of the entry function that the
                // launch plan resolves; reusing the source pointer here would drop the offset.
                if ir
                    .attr(op, "offset")
                    .and_then(|a| ir.int_value(a))
                    .is_some_and(|o| o != 0)
                {
                    return Err(self.err(op, "with a byte offset is not supported in a kernel"));
                }
                let source = self.operand(op, 0)?;
                self.set_result(op, 0, source);
                Ok(())
            }
            "alloca" => {
                let ty = ir.value_type(ir.result(op, 0));
                if !flowc_buffer::is_static_dense_memref(ir, ty) {
                    return Err(self.err(op, "needs a statically shaped memref"));
                }
                let (_, element) = flowc_buffer::memref_parts(ir, ty).expect("memref");
                let n = ir.num_elements(ty).unwrap_or(0).max(1);
                let n = u32::try_from(n).map_err(|_| self.err(op, "is too large for the stack"))?;
                let elem = self.mem_type(op, element)?;
                let array = elem.array_type(n);
                // Allocas go to the entry block, so that loops reuse one slot.
                let here = self.current_block();
                let entry = self.entry.expect("entry block");
                match entry.get_first_instruction() {
                    Some(first) => self.builder.position_before(&first),
                    None => self.builder.position_at_end(entry),
                }
                let slot = b!(self.build_alloca(array, "scratch"));
                if let Some(inst) = slot.as_instruction_value() {
                    let _ = inst.set_alignment(64);
                }
                self.builder.position_at_end(here);
                self.set_result(op, 0, slot.into());
                Ok(())
            }
            "copy" => {
                let copy = flowc_buffer::CopyOp(op);
                let src_ty = ir.value_type(copy.source(ir));
                let size = flowc_buffer::byte_size(ir, src_ty)
                    .filter(|_| flowc_buffer::is_static_dense_memref(ir, src_ty))
                    .ok_or_else(|| self.err(op, "needs statically shaped memrefs"))?;
                let src = self.operand(op, 0)?.into_pointer_value();
                let dst = self.operand(op, 1)?.into_pointer_value();
                let (_, element) = flowc_buffer::memref_parts(ir, src_ty).expect("memref");
                let align = self.elem_align(element);
                let len = self.const_i64(size as i64);
                b!(self.build_memcpy(dst, align, src, align, len));
                Ok(())
            }
            "alloc" | "get_global" => Err(self.err(
                op,
                "is not supported inside a kernel (kernels take their buffers as arguments)",
            )),
            _ => Err(self.unsupported(op)),
        }
    }

    // ----- vector -----

    fn vector(&mut self, op: Op, name: &str) -> R<()> {
        let ir = self.ir;
        match name {
            "load" => {
                let load = flowc_vector::LoadOp(op);
                let (ptr, _, element) =
                    self.element_address(op, load.base(ir), &load.indices(ir))?;
                let ty = self.result_type(op)?;
                if ir.is_signless_int_of_width(element, 1) {
                    return Err(self.err(op, "vectors of i1 in memory are not supported"));
                }
                let v = b!(self.build_load(ty, ptr, ""));
                set_align(v, self.elem_align(element));
                self.set_result(op, 0, v);
                Ok(())
            }
            "store" => {
                let store = flowc_vector::StoreOp(op);
                let (ptr, _, element) =
                    self.element_address(op, store.base(ir), &store.indices(ir))?;
                if ir.is_signless_int_of_width(element, 1) {
                    return Err(self.err(op, "vectors of i1 in memory are not supported"));
                }
                let v = self.val(op, store.value(ir))?;
                let st = b!(self.build_store(ptr, v));
                let _ = st.set_alignment(self.elem_align(element));
                Ok(())
            }
            "broadcast" => {
                let source = self.operand(op, 0)?;
                let ty = self.result_type(op)?;
                let v = if source.get_type() == ty {
                    source
                } else {
                    self.splat(ty, source)?.into()
                };
                self.set_result(op, 0, v);
                Ok(())
            }
            "fma" => {
                let args = self.operands(op)?;
                let ty = self.result_type(op)?;
                let kind = self.float_kind(ir.value_type(ir.result(op, 0)));
                let r = self.promoted(kind, &args, ty, |t, a| {
                    t.intrinsic("llvm.fma", &[a[0].get_type()], a)
                })?;
                self.set_result(op, 0, r);
                Ok(())
            }
            "reduction" => {
                let red = flowc_vector::ReductionOp(op);
                let kind = red
                    .kind_value(ir)
                    .ok_or_else(|| self.err(op, "has no valid combining kind"))?;
                let v = self.operand(op, 0)?;
                let vty = v.get_type();
                let ety = self.result_type(op)?;
                let is_float = ety.is_float_type();
                let r = match (kind, is_float) {
                    (CombiningKind::Add, true) => {
                        let start = ety.into_float_type().const_float(-0.0);
                        self.intrinsic("llvm.vector.reduce.fadd", &[vty], &[start.into(), v])?
                    }
                    (CombiningKind::Mul, true) => {
                        let start = ety.into_float_type().const_float(1.0);
                        self.intrinsic("llvm.vector.reduce.fmul", &[vty], &[start.into(), v])?
                    }
                    _ => {
                        let name = match kind {
                            CombiningKind::Add => "llvm.vector.reduce.add",
                            CombiningKind::Mul => "llvm.vector.reduce.mul",
                            CombiningKind::MinSI => "llvm.vector.reduce.smin",
                            CombiningKind::MaxSI => "llvm.vector.reduce.smax",
                            CombiningKind::MinUI => "llvm.vector.reduce.umin",
                            CombiningKind::MaxUI => "llvm.vector.reduce.umax",
                            CombiningKind::MinNumF => "llvm.vector.reduce.fmin",
                            CombiningKind::MaxNumF => "llvm.vector.reduce.fmax",
                            CombiningKind::MinimumF => "llvm.vector.reduce.fminimum",
                            CombiningKind::MaximumF => "llvm.vector.reduce.fmaximum",
                            CombiningKind::And => "llvm.vector.reduce.and",
                            CombiningKind::Or => "llvm.vector.reduce.or",
                            CombiningKind::Xor => "llvm.vector.reduce.xor",
                        };
                        self.intrinsic(name, &[vty], &[v])?
                    }
                };
                self.set_result(op, 0, r);
                Ok(())
            }
            _ => Err(self.unsupported(op)),
        }
    }

    /// A vector of type `ty` with every lane `scalar`.
    fn splat(&self, ty: BasicTypeEnum<'ctx>, scalar: BasicValueEnum<'ctx>) -> R<VectorValue<'ctx>> {
        let vty = ty.into_vector_type();
        let zero = self.i64t().const_zero();
        let one = b!(self.build_insert_element(vty.get_poison(), scalar, zero, ""));
        let mask = self.llcx.i32_type().vec_type(vty.get_size()).const_zero();
        Ok(b!(self.build_shuffle_vector(
            one,
            vty.get_poison(),
            mask,
            "splat"
        )))
    }

    // ----- helpers for arith / math -----

    /// Calls an overloaded intrinsic.
    fn intrinsic(
        &self,
        name: &str,
        overloads: &[BasicTypeEnum<'ctx>],
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let f = Intrinsic::find(name)
            .and_then(|i| i.get_declaration(self.module, overloads))
            .ok_or_else(|| {
                Diagnostic::error(
                    self.loc,
                    format!("internal error: no LLVM intrinsic {name}"),
                )
            })?;
        let args: Vec<BasicMetadataValueEnum<'ctx>> = args.iter().map(|&a| a.into()).collect();
        let call = b!(self.build_call(f, &args, ""));
        match call.try_as_basic_value() {
            ValueKind::Basic(v) => Ok(v),
            ValueKind::Instruction(_) => Err(Diagnostic::error(
                self.loc,
                format!("internal error: {name} returns nothing"),
            )),
        }
    }

    /// Calls the C math library's `base` (`erff` for f32, `erf` for f64) lane by lane.
    fn libm(&self, base: &str, args: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let ty = args[0].get_type();
        let (scalar_ty, lanes) = match ty {
            BasicTypeEnum::VectorType(v) => (v.get_element_type(), Some(v.get_size())),
            t => (t, None),
        };
        let ft = scalar_ty.into_float_type();
        let name = if ft == self.llcx.f64_type() {
            base.to_string()
        } else {
            format!("{base}f")
        };
        let f = match self.module.get_function(&name) {
            Some(f) => f,
            None => {
                let params: Vec<inkwell::types::BasicMetadataTypeEnum<'ctx>> =
                    args.iter().map(|_| ft.into()).collect();
                let f = self.module.add_function(
                    &name,
                    ft.fn_type(&params, false),
                    Some(Linkage::External),
                );
                f.add_attribute(AttributeLoc::Function, self.enum_attr("nounwind", 0));
                f
            }
        };
        let call = |scalars: &[BasicValueEnum<'ctx>]| -> R<BasicValueEnum<'ctx>> {
            let a: Vec<BasicMetadataValueEnum<'ctx>> = scalars.iter().map(|&x| x.into()).collect();
            let c = b!(self.build_call(f, &a, ""));
            match c.try_as_basic_value() {
                ValueKind::Basic(v) => Ok(v),
                ValueKind::Instruction(_) => {
                    Err(Diagnostic::error(self.loc, "internal error: libm call"))
                }
            }
        };
        let Some(n) = lanes else {
            return call(args);
        };
        let mut out = ty.into_vector_type().get_poison();
        for lane in 0..n {
            let idx = self.i64t().const_int(lane as u64, false);
            let scalars: Vec<BasicValueEnum<'ctx>> = args
                .iter()
                .map(|a| {
                    self.builder
                        .build_extract_element(a.into_vector_value(), idx, "")
                        .map_err(|e| self.builder_error(e))
                })
                .collect::<R<_>>()?;
            let r = call(&scalars)?;
            out = b!(self.build_insert_element(out, r, idx, ""));
        }
        Ok(out.into())
    }

    /// Runs `f` on the operands in `f32` when `kind` is `f16` / `bf16` (extending them and
    /// rounding the result to `result_ty`), as the interpreter computes half floats; otherwise on
    /// the operands themselves.
    fn promoted(
        &mut self,
        kind: Option<FloatKind>,
        args: &[BasicValueEnum<'ctx>],
        result_ty: BasicTypeEnum<'ctx>,
        f: impl FnOnce(&mut Self, &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>>,
    ) -> R<BasicValueEnum<'ctx>> {
        if !matches!(kind, Some(FloatKind::F16 | FloatKind::BF16)) {
            return f(self, args);
        }
        let f32t: BasicTypeEnum<'ctx> = self.llcx.f32_type().into();
        let mut wide = Vec::new();
        for &a in args {
            let aty = a.get_type();
            let is_float = match aty {
                BasicTypeEnum::VectorType(v) => v.get_element_type().is_float_type(),
                t => t.is_float_type(),
            };
            wide.push(if is_float {
                b!(self.build_cast(Opc::FPExt, a, self.with_element(aty, f32t), ""))
            } else {
                a
            });
        }
        let r = f(self, &wide)?;
        if r.get_type() == result_ty {
            return Ok(r);
        }
        Ok(b!(self.build_cast(Opc::FPTrunc, r, result_ty, "")))
    }

    fn int_compare(
        &self,
        pred: IntPredicate,
        a: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(match (a, c) {
            (BasicValueEnum::IntValue(x), BasicValueEnum::IntValue(y)) => {
                b!(self.build_int_compare(pred, x, y, "")).into()
            }
            (BasicValueEnum::VectorValue(x), BasicValueEnum::VectorValue(y)) => {
                b!(self.build_int_compare(pred, x, y, "")).into()
            }
            _ => {
                return Err(Diagnostic::error(
                    self.loc,
                    "internal error: integer compare of mixed values",
                ));
            }
        })
    }

    fn float_compare(
        &self,
        pred: FloatPredicate,
        a: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(match (a, c) {
            (BasicValueEnum::FloatValue(x), BasicValueEnum::FloatValue(y)) => {
                b!(self.build_float_compare(pred, x, y, "")).into()
            }
            (BasicValueEnum::VectorValue(x), BasicValueEnum::VectorValue(y)) => {
                b!(self.build_float_compare(pred, x, y, "")).into()
            }
            _ => {
                return Err(Diagnostic::error(
                    self.loc,
                    "internal error: float compare of mixed values",
                ));
            }
        })
    }

    fn select(
        &self,
        cond: BasicValueEnum<'ctx>,
        a: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(match cond {
            BasicValueEnum::IntValue(x) => b!(self.build_select(x, a, c, "")),
            BasicValueEnum::VectorValue(x) => b!(self.build_select(x, a, c, "")),
            _ => {
                return Err(Diagnostic::error(
                    self.loc,
                    "internal error: select condition",
                ));
            }
        })
    }

    fn binop(
        &self,
        opc: Opc,
        a: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(b!(self.build_binop(opc, a, c, "")))
    }

    /// A constant of `ty` (scalar or splat vector) from an integer.
    fn int_const_like(&self, ty: BasicTypeEnum<'ctx>, v: i64) -> R<BasicValueEnum<'ctx>> {
        match ty {
            BasicTypeEnum::IntType(t) => Ok(t.const_int(v as u64, true).into()),
            BasicTypeEnum::VectorType(vt) => {
                let e = vt
                    .get_element_type()
                    .into_int_type()
                    .const_int(v as u64, true);
                let lanes: Vec<BasicValueEnum<'ctx>> =
                    (0..vt.get_size()).map(|_| e.into()).collect();
                Ok(inkwell::types::VectorType::const_vector(&lanes).into())
            }
            _ => Err(Diagnostic::error(
                self.loc,
                "internal error: integer constant type",
            )),
        }
    }

    fn float_const_like(&self, ty: BasicTypeEnum<'ctx>, v: f64) -> R<BasicValueEnum<'ctx>> {
        match ty {
            BasicTypeEnum::FloatType(t) => Ok(t.const_float(v).into()),
            BasicTypeEnum::VectorType(vt) => {
                let e = vt.get_element_type().into_float_type().const_float(v);
                let lanes: Vec<BasicValueEnum<'ctx>> =
                    (0..vt.get_size()).map(|_| e.into()).collect();
                Ok(inkwell::types::VectorType::const_vector(&lanes).into())
            }
            _ => Err(Diagnostic::error(
                self.loc,
                "internal error: float constant type",
            )),
        }
    }

    // ----- arith -----

    fn arith(&mut self, op: Op, name: &str) -> R<()> {
        let ir = self.ir;
        if name == "constant" {
            let value = ir
                .attr(op, "value")
                .ok_or_else(|| self.err(op, "has no value"))?;
            let ty = ir.value_type(ir.result(op, 0));
            let v = self.constant(op, value, ty)?;
            self.set_result(op, 0, v);
            return Ok(());
        }
        let args = self.operands(op)?;
        let rty_ir = ir.value_type(ir.result(op, 0));
        let rty = self.type_of(op, rty_ir)?;
        let fkind = self.float_kind(rty_ir);
        let float_bin = |t: &mut Self, opc: Opc| -> R<BasicValueEnum<'ctx>> {
            t.promoted(fkind, &args, rty, |t, a| t.binop(opc, a[0], a[1]))
        };
        let float_intr = |t: &mut Self, intr: &str| -> R<BasicValueEnum<'ctx>> {
            t.promoted(fkind, &args, rty, |t, a| {
                t.intrinsic(intr, &[a[0].get_type()], a)
            })
        };
        let r: BasicValueEnum<'ctx> = match name {
            "addi" => self.binop(Opc::Add, args[0], args[1])?,
            "subi" => self.binop(Opc::Sub, args[0], args[1])?,
            "muli" => self.binop(Opc::Mul, args[0], args[1])?,
            "divsi" => self.binop(Opc::SDiv, args[0], args[1])?,
            "divui" => self.binop(Opc::UDiv, args[0], args[1])?,
            "remsi" => self.binop(Opc::SRem, args[0], args[1])?,
            "remui" => self.binop(Opc::URem, args[0], args[1])?,
            "andi" => self.binop(Opc::And, args[0], args[1])?,
            "ori" => self.binop(Opc::Or, args[0], args[1])?,
            "xori" => self.binop(Opc::Xor, args[0], args[1])?,
            "shli" => self.binop(Opc::Shl, args[0], args[1])?,
            "shrsi" => self.binop(Opc::AShr, args[0], args[1])?,
            "shrui" => self.binop(Opc::LShr, args[0], args[1])?,
            "maxsi" => self.intrinsic("llvm.smax", &[rty], &args)?,
            "maxui" => self.intrinsic("llvm.umax", &[rty], &args)?,
            "minsi" => self.intrinsic("llvm.smin", &[rty], &args)?,
            "minui" => self.intrinsic("llvm.umin", &[rty], &args)?,
            "ceildivui" => self.ceildivui(rty, args[0], args[1])?,
            "ceildivsi" => self.signed_div_adjust(rty, args[0], args[1], true)?,
            "floordivsi" => self.signed_div_adjust(rty, args[0], args[1], false)?,
            "addf" => float_bin(self, Opc::FAdd)?,
            "subf" => float_bin(self, Opc::FSub)?,
            "mulf" => float_bin(self, Opc::FMul)?,
            "divf" => float_bin(self, Opc::FDiv)?,
            "remf" => float_bin(self, Opc::FRem)?,
            "maximumf" => float_intr(self, "llvm.maximum")?,
            "minimumf" => float_intr(self, "llvm.minimum")?,
            "maxnumf" => float_intr(self, "llvm.maxnum")?,
            "minnumf" => float_intr(self, "llvm.minnum")?,
            "negf" => match args[0] {
                BasicValueEnum::FloatValue(x) => b!(self.build_float_neg(x, "")).into(),
                BasicValueEnum::VectorValue(x) => b!(self.build_float_neg(x, "")).into(),
                _ => return Err(self.unsupported(op)),
            },
            "cmpi" => {
                let p = predicate(ir, op).unwrap_or(usize::MAX);
                let pred = [
                    IntPredicate::EQ,
                    IntPredicate::NE,
                    IntPredicate::SLT,
                    IntPredicate::SLE,
                    IntPredicate::SGT,
                    IntPredicate::SGE,
                    IntPredicate::ULT,
                    IntPredicate::ULE,
                    IntPredicate::UGT,
                    IntPredicate::UGE,
                ]
                .get(p)
                .copied()
                .ok_or_else(|| self.err(op, "has an invalid predicate"))?;
                self.int_compare(pred, args[0], args[1])?
            }
            "cmpf" => {
                let p = predicate(ir, op).unwrap_or(usize::MAX);
                let pred = [
                    FloatPredicate::PredicateFalse,
                    FloatPredicate::OEQ,
                    FloatPredicate::OGT,
                    FloatPredicate::OGE,
                    FloatPredicate::OLT,
                    FloatPredicate::OLE,
                    FloatPredicate::ONE,
                    FloatPredicate::ORD,
                    FloatPredicate::UEQ,
                    FloatPredicate::UGT,
                    FloatPredicate::UGE,
                    FloatPredicate::ULT,
                    FloatPredicate::ULE,
                    FloatPredicate::UNE,
                    FloatPredicate::UNO,
                    FloatPredicate::PredicateTrue,
                ]
                .get(p)
                .copied()
                .ok_or_else(|| self.err(op, "has an invalid predicate"))?;
                self.float_compare(pred, args[0], args[1])?
            }
            "select" => self.select(args[0], args[1], args[2])?,
            "extsi" => b!(self.build_cast(Opc::SExt, args[0], rty, "")),
            "extui" => b!(self.build_cast(Opc::ZExt, args[0], rty, "")),
            "trunci" => b!(self.build_cast(Opc::Trunc, args[0], rty, "")),
            "sitofp" => b!(self.build_cast(Opc::SIToFP, args[0], rty, "")),
            "uitofp" => b!(self.build_cast(Opc::UIToFP, args[0], rty, "")),
            "fptosi" => b!(self.build_cast(Opc::FPToSI, args[0], rty, "")),
            "fptoui" => b!(self.build_cast(Opc::FPToUI, args[0], rty, "")),
            "extf" => self.float_resize(args[0], rty)?,
            "truncf" => {
                if let Some(mode) = ir.attr(op, "roundingmode").and_then(|a| ir.int_value(a))
                    && mode != 0
                {
                    return Err(self.err(
                        op,
                        "rounding modes other than to_nearest_even are not supported by code generation",
                    ));
                }
                self.float_resize(args[0], rty)?
            }
            "bitcast" => b!(self.build_cast(Opc::BitCast, args[0], rty, "")),
            "index_cast" | "index_castui" => {
                let from = int_width(args[0].get_type());
                let to = int_width(rty);
                if from == to {
                    args[0]
                } else if from > to {
                    b!(self.build_cast(Opc::Trunc, args[0], rty, ""))
                } else if name == "index_cast" {
                    b!(self.build_cast(Opc::SExt, args[0], rty, ""))
                } else {
                    b!(self.build_cast(Opc::ZExt, args[0], rty, ""))
                }
            }
            _ => return Err(self.unsupported(op)),
        };
        self.set_result(op, 0, r);
        Ok(())
    }

    /// `fpext` / `fptrunc`, through `f32` between the two 16-bit formats.
    fn float_resize(
        &self,
        v: BasicValueEnum<'ctx>,
        to: BasicTypeEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let from_w = float_width(v.get_type());
        let to_w = float_width(to);
        if v.get_type() == to {
            return Ok(v);
        }
        if from_w == to_w {
            let f32t: BasicTypeEnum<'ctx> = self.llcx.f32_type().into();
            let wide = b!(self.build_cast(Opc::FPExt, v, self.with_element(to, f32t), ""));
            return Ok(b!(self.build_cast(Opc::FPTrunc, wide, to, "")));
        }
        let opc = if from_w < to_w {
            Opc::FPExt
        } else {
            Opc::FPTrunc
        };
        Ok(b!(self.build_cast(opc, v, to, "")))
    }

    /// `ceil(a / b)` unsigned: `a == 0 ? 0 : (a - 1) / b + 1` (MLIR's expansion).
    fn ceildivui(
        &self,
        ty: BasicTypeEnum<'ctx>,
        a: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let zero = self.int_const_like(ty, 0)?;
        let one = self.int_const_like(ty, 1)?;
        let is_zero = self.int_compare(IntPredicate::EQ, a, zero)?;
        let am1 = self.binop(Opc::Sub, a, one)?;
        let q = self.binop(Opc::UDiv, am1, c)?;
        let q1 = self.binop(Opc::Add, q, one)?;
        self.select(is_zero, zero, q1)
    }

    /// Signed division rounded up (`ceil`) or down (`floor`): the truncated quotient adjusted by
    /// one when the remainder is non-zero and the exact quotient is positive (ceil) / negative
    /// (floor).
    fn signed_div_adjust(
        &self,
        ty: BasicTypeEnum<'ctx>,
        a: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
        ceil: bool,
    ) -> R<BasicValueEnum<'ctx>> {
        let zero = self.int_const_like(ty, 0)?;
        let one = self.int_const_like(ty, 1)?;
        let q = self.binop(Opc::SDiv, a, c)?;
        let r = self.binop(Opc::SRem, a, c)?;
        let r_nonzero = self.int_compare(IntPredicate::NE, r, zero)?;
        // The exact quotient is negative when a and b have different signs.
        let a_neg = self.int_compare(IntPredicate::SLT, a, zero)?;
        let b_neg = self.int_compare(IntPredicate::SLT, c, zero)?;
        let signs_differ = self.binop(Opc::Xor, a_neg, b_neg)?;
        let wants = if ceil {
            let one_b = self.int_const_like(signs_differ.get_type(), 1)?;
            self.binop(Opc::Xor, signs_differ, one_b)?
        } else {
            signs_differ
        };
        let adjust = self.binop(Opc::And, r_nonzero, wants)?;
        let moved = if ceil {
            self.binop(Opc::Add, q, one)?
        } else {
            self.binop(Opc::Sub, q, one)?
        };
        self.select(adjust, moved, q)
    }

    /// The LLVM constant for an `arith.constant` value of IR type `ty`.
    fn constant(&self, op: Op, value: Attribute, ty: Type) -> R<BasicValueEnum<'ctx>> {
        let ir = self.ir;
        let llty = self.type_of(op, ty)?;
        match ir.attr_data(value) {
            AttrData::Integer { value, .. } => self.int_constant(op, llty, *value),
            AttrData::Bool(b) => self.int_constant(op, llty, i128::from(*b)),
            AttrData::Float { bits, ty: fty } => {
                let k = ir.float_kind(*fty).ok_or_else(|| self.err(op, "has a bad float value"))?;
                self.float_const_like(llty, float_from_bits(k, *bits))
            }
            AttrData::DenseElements { ty: dty, splat, data } => {
                let BasicTypeEnum::VectorType(vty) = llty else {
                    return Err(self.err(
                        op,
                        format!(
                            "constants of type '{}' are not supported by code generation",
                            ir.print_type(ty)
                        ),
                    ));
                };
                let element = ir.element_type(*dty).ok_or_else(|| self.err(op, "has a bad dense value"))?;
                let width = ir.scalar_byte_width(element).ok_or_else(|| self.err(op, "has a bad dense value"))?;
                let n = vty.get_size() as usize;
                let elem_ty = vty.get_element_type();
                let mut lanes: Vec<BasicValueEnum<'ctx>> = Vec::with_capacity(n);
                for i in 0..n {
                    let at = if *splat { 0 } else { i * width };
                    let chunk = data
                        .get(at..at + width)
                        .ok_or_else(|| self.err(op, "has too little dense data"))?;
                    let mut raw = [0u8; 16];
                    raw[..width].copy_from_slice(chunk);
                    let bits = u128::from_le_bytes(raw);
                    lanes.push(if let Some(k) = ir.float_kind(element) {
                        elem_ty.into_float_type().const_float(float_from_bits(k, bits as u64)).into()
                    } else {
                        let w = ir.integer_width(element).unwrap_or(64);
                        // Sign-extend the element's bits.
                        let shift = 128 - w.min(128);
                        let v = ((bits as i128) << shift) >> shift;
                        self.int_constant(op, elem_ty, if w == 1 { i128::from(bits & 1 != 0) } else { v })?
                    });
                }
                Ok(inkwell::types::VectorType::const_vector(&lanes).into())
            }
            _ => Err(self.err(
                op,
                "constant values other than integers, floats and dense vectors are not supported by code generation",
            )),
        }
    }

    fn int_constant(&self, op: Op, ty: BasicTypeEnum<'ctx>, v: i128) -> R<BasicValueEnum<'ctx>> {
        let it = match ty {
            BasicTypeEnum::IntType(t) => t,
            BasicTypeEnum::VectorType(vt) if vt.get_element_type().is_int_type() => {
                let e = self.int_constant(op, vt.get_element_type(), v)?;
                let lanes: Vec<BasicValueEnum<'ctx>> = (0..vt.get_size()).map(|_| e).collect();
                return Ok(inkwell::types::VectorType::const_vector(&lanes).into());
            }
            _ => return Err(self.err(op, "has an integer value for a non-integer type")),
        };
        if it.get_bit_width() <= 64 {
            Ok(it.const_int(v as u64, true).into())
        } else {
            let u = v as u128;
            Ok(it
                .const_int_arbitrary_precision(&[u as u64, (u >> 64) as u64])
                .into())
        }
    }

    // ----- math -----

    fn math(&mut self, op: Op, name: &str) -> R<()> {
        let ir = self.ir;
        let args = self.operands(op)?;
        let rty_ir = ir.value_type(ir.result(op, 0));
        let rty = self.type_of(op, rty_ir)?;
        let in_kind = self.float_kind(ir.value_type(ir.operand(op, 0)));
        let fkind = self.float_kind(rty_ir);
        let intr = |t: &mut Self, name: &str| -> R<BasicValueEnum<'ctx>> {
            t.promoted(fkind, &args, rty, |t, a| {
                t.intrinsic(name, &[a[0].get_type()], a)
            })
        };
        let libm = |t: &mut Self, base: &str| -> R<BasicValueEnum<'ctx>> {
            t.promoted(fkind, &args, rty, |t, a| t.libm(base, a))
        };
        // erf has no LLVM intrinsic, so libm's `erff` would be called per element and keep
        // loops scalar (GELU spends most of its time there); the branch-free polynomial (A&S
        // 7.1.26, |error| < 1.5e-7) vectorizes.
        let vector_erf = name == "erf" && matches!(fkind, Some(FloatKind::F32));
        if self.opts.is_nvptx() || self.opts.portable_math || vector_erf {
            // No C math library on the GPU: see `gpu_math`.
            let gpu_name = if name == "fpowi" { "powf" } else { name };
            if nvptx::GPU_MATH.contains(&gpu_name) {
                let r = self.promoted(fkind, &args, rty, |t, a| {
                    if name == "fpowi" {
                        let n = b!(t.build_cast(Opc::SIToFP, a[1], a[0].get_type(), ""));
                        t.gpu_math("powf", &[a[0], n])
                    } else {
                        t.gpu_math(gpu_name, a)
                    }
                })?;
                self.set_result(op, 0, r);
                return Ok(());
            }
        }
        let r: BasicValueEnum<'ctx> = match name {
            "absf" => intr(self, "llvm.fabs")?,
            "ceil" => intr(self, "llvm.ceil")?,
            "floor" => intr(self, "llvm.floor")?,
            "round" => intr(self, "llvm.round")?,
            "roundeven" => intr(self, "llvm.roundeven")?,
            "trunc" => intr(self, "llvm.trunc")?,
            "sqrt" => intr(self, "llvm.sqrt")?,
            "rsqrt" => self.promoted(fkind, &args, rty, |t, a| {
                let s = t.intrinsic("llvm.sqrt", &[a[0].get_type()], a)?;
                let one = t.float_const_like(a[0].get_type(), 1.0)?;
                t.binop(Opc::FDiv, one, s)
            })?,
            "exp" => intr(self, "llvm.exp")?,
            "exp2" => intr(self, "llvm.exp2")?,
            "log" => intr(self, "llvm.log")?,
            "log2" => intr(self, "llvm.log2")?,
            "log10" => intr(self, "llvm.log10")?,
            "sin" => intr(self, "llvm.sin")?,
            "cos" => intr(self, "llvm.cos")?,
            "tan" => intr(self, "llvm.tan")?,
            "sinh" => intr(self, "llvm.sinh")?,
            "cosh" => intr(self, "llvm.cosh")?,
            "tanh" => intr(self, "llvm.tanh")?,
            "asin" => intr(self, "llvm.asin")?,
            "acos" => intr(self, "llvm.acos")?,
            "atan" => intr(self, "llvm.atan")?,
            "atan2" => intr(self, "llvm.atan2")?,
            "powf" => intr(self, "llvm.pow")?,
            "copysign" => intr(self, "llvm.copysign")?,
            "fma" => intr(self, "llvm.fma")?,
            "cbrt" => libm(self, "cbrt")?,
            "expm1" => libm(self, "expm1")?,
            "log1p" => libm(self, "log1p")?,
            "asinh" => libm(self, "asinh")?,
            "acosh" => libm(self, "acosh")?,
            "atanh" => libm(self, "atanh")?,
            "erf" => libm(self, "erf")?,
            "erfc" => libm(self, "erfc")?,
            "fpowi" => {
                // As the folder: `powf(x, (float) n)`.
                self.promoted(fkind, &args, rty, |t, a| {
                    let xt = a[0].get_type();
                    let n = b!(t.build_cast(Opc::SIToFP, a[1], xt, ""));
                    t.intrinsic("llvm.pow", &[xt], &[a[0], n])
                })?
            }
            "absi" => {
                let f =
                    self.int_const_like(self.with_element(rty, self.llcx.bool_type().into()), 0)?;
                self.intrinsic("llvm.abs", &[rty], &[args[0], f])?
            }
            "ctlz" | "cttz" => {
                let f =
                    self.int_const_like(self.with_element(rty, self.llcx.bool_type().into()), 0)?;
                let n = if name == "ctlz" {
                    "llvm.ctlz"
                } else {
                    "llvm.cttz"
                };
                self.intrinsic(n, &[rty], &[args[0], f])?
            }
            "ctpop" => self.intrinsic("llvm.ctpop", &[rty], &args)?,
            "ipowi" => self.ipowi(rty, args[0], args[1])?,
            "isnan" | "isinf" | "isfinite" | "isnormal" => {
                let _ = in_kind;
                // llvm.is.fpclass masks: nan 0x3, inf 0x204, finite 0x1f8, normal 0x108.
                let mask = match name {
                    "isnan" => 0x3,
                    "isinf" => 0x204,
                    "isfinite" => 0x1f8,
                    _ => 0x108,
                };
                let m = self.llcx.i32_type().const_int(mask, false);
                self.intrinsic(
                    "llvm.is.fpclass",
                    &[args[0].get_type()],
                    &[args[0], m.into()],
                )?
            }
            _ => return Err(self.unsupported(op)),
        };
        self.set_result(op, 0, r);
        Ok(())
    }

    /// `base ** power` in two's complement, as the folder: a negative power gives 0 unless
    /// `|base| == 1` (and `0 ** negative` gives 0 here, where the folder leaves it alone).
    fn ipowi(
        &mut self,
        ty: BasicTypeEnum<'ctx>,
        base: BasicValueEnum<'ctx>,
        power: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let width = int_width(ty);
        let zero = self.int_const_like(ty, 0)?;
        let one = self.int_const_like(ty, 1)?;
        // Square-and-multiply over every bit of the power (a fixed trip count).
        let lb = self.const_i64(0);
        let ub = self.const_i64(i64::from(width));
        let step = self.const_i64(1);
        let results = self.emit_loop(
            lb,
            ub,
            step,
            &[one, base, power],
            "ipowi",
            &mut |t, _, c| {
                let (acc, b, p) = (c[0], c[1], c[2]);
                let bit = t.binop(Opc::And, p, one)?;
                let odd = t.int_compare(IntPredicate::NE, bit, zero)?;
                let times = t.binop(Opc::Mul, acc, b)?;
                let acc = t.select(odd, times, acc)?;
                let b = t.binop(Opc::Mul, b, b)?;
                let p = t.binop(Opc::LShr, p, one)?;
                Ok(vec![acc, b, p])
            },
        )?;
        let positive = results[0];
        // Negative powers: 1 for base 1, +-1 for base -1 (by parity), else 0.
        let minus_one = self.int_const_like(ty, -1)?;
        let neg = self.int_compare(IntPredicate::SLT, power, zero)?;
        let is_one = self.int_compare(IntPredicate::EQ, base, one)?;
        let is_minus_one = self.int_compare(IntPredicate::EQ, base, minus_one)?;
        let odd_bit = self.binop(Opc::And, power, one)?;
        let odd = self.int_compare(IntPredicate::NE, odd_bit, zero)?;
        let m1 = self.select(odd, minus_one, one)?;
        let neg_val = self.select(is_minus_one, m1, zero)?;
        let neg_val = self.select(is_one, one, neg_val)?;
        self.select(neg, neg_val, positive)
    }
}

/// Sets the alignment of a load.
fn set_align(v: BasicValueEnum<'_>, align: u32) {
    if let Some(inst) = v.as_instruction_value() {
        let _ = inst.set_alignment(align);
    }
}

fn predicate(ctx: &Context, op: Op) -> Option<usize> {
    ctx.attr(op, "predicate")
        .and_then(|a| ctx.int_value(a))
        .and_then(|v| usize::try_from(v).ok())
}

fn int_width(ty: BasicTypeEnum<'_>) -> u32 {
    match ty {
        BasicTypeEnum::IntType(t) => t.get_bit_width(),
        BasicTypeEnum::VectorType(v) => int_width(v.get_element_type()),
        _ => 0,
    }
}

fn float_width(ty: BasicTypeEnum<'_>) -> u32 {
    match ty {
        BasicTypeEnum::FloatType(t) => {
            // Compare against the context's types by printing the name (half / bfloat / float / double).
            match t.print_to_string().to_string().as_str() {
                "half" | "bfloat" => 16,
                "float" => 32,
                "double" => 64,
                "x86_fp80" => 80,
                _ => 128,
            }
        }
        BasicTypeEnum::VectorType(v) => float_width(v.get_element_type()),
        _ => 0,
    }
}

/// The value of float `bits` in format `k`, as an `f64` (exact for every format flowc has).
fn float_from_bits(k: FloatKind, bits: u64) -> f64 {
    match k {
        FloatKind::F16 => half::f16::from_bits(bits as u16).to_f64(),
        FloatKind::BF16 => half::bf16::from_bits(bits as u16).to_f64(),
        FloatKind::F32 => f64::from(f32::from_bits(bits as u32)),
        FloatKind::F64 => f64::from_bits(bits),
    }
}
