//! GPU kernels for NVPTX: `gpu.kernel` functions become `ptx_kernel` functions whose memref
//! parameters are global-memory pointers; `gpu` ops become NVVM intrinsics and shared-memory
//! globals; transcendental math, which NVPTX has no instructions for (and which would otherwise
//! need libdevice), is computed here from polynomials (see [`Translator::gpu_math`]).

use super::*;

/// LLVM's `ptx_kernel` calling convention.
const PTX_KERNEL_CC: u32 = 71;
/// NVPTX address spaces.
const GLOBAL: u16 = 1;
const SHARED: u16 = 3;

/// The `math` ops computed by [`Translator::gpu_math`] on NVPTX (`fpowi` goes through `powf`).
pub(super) const GPU_MATH: [&str; 24] = [
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "sinh", "cosh",
    "tanh", "asin", "acos", "atan", "atan2", "powf", "erf", "erfc", "cbrt", "asinh", "acosh",
    "atanh",
];

/// Whether every `index` value of `kernel` fits 32 bits, so that index math can be 32-bit:
/// every memref it touches (arguments, views, stack and shared buffers) has fewer than 2^30
/// elements, every `index` constant (loop bounds, steps, strides, sizes) is below 2^30 in
/// magnitude, and so are its grid's thread count and its task loop's iteration count. Values
/// computed from these may pass their bound, but by less than another bound: a loop variable
/// by one step when it exits, a tile coordinate by less than a tile, a guarded-out gather
/// corner by less than the operand's size, a linear offset of an in-bounds access not at all.
/// So they stay below 2 * 2^30 = 2^31, in range of a signed 32-bit integer. (An index read
/// from tensor data, `arith.index_cast`, that is out of range is out of bounds either way.)
fn index_fits_i32(ir: &Context, kernel: FuncOp) -> bool {
    const LIMIT: i64 = 1 << 30;
    let small_memref = |ty: Type| match ir.type_data(ty) {
        TypeData::MemRef { shape, .. } => shape
            .iter()
            .try_fold(1i64, |acc, &d| {
                acc.checked_mul(d).filter(|&n| d >= 0 && n < LIMIT)
            })
            .is_some(),
        _ => true,
    };
    let block = flowc_gpu::launch_dims(ir, kernel.op(), flowc_gpu::BLOCK_SIZE_ATTR);
    let grid = flowc_gpu::launch_dims(ir, kernel.op(), flowc_gpu::GRID_SIZE_ATTR);
    let (Some(block), Some(grid)) = (block, grid) else {
        return false;
    };
    let threads = block
        .iter()
        .chain(&grid)
        .try_fold(1i64, |acc, &d| acc.checked_mul(d).filter(|&n| n < LIMIT));
    if threads.is_none() {
        return false;
    }
    if let Some(par) = task_loop_of(ir, kernel)
        && task_trip_counts(ir, par)
            .ok()
            .and_then(|t| t.iter().try_fold(1i64, |a, &d| a.checked_mul(d)))
            .is_none_or(|n| n >= LIMIT)
    {
        return false;
    }
    ir.walk(kernel.op(), flowc_ir::WalkOrder::Pre)
        .into_iter()
        .all(|op| {
            // Results, and block arguments (the kernel's memrefs, loop variables).
            let results_ok = ir
                .results(op)
                .iter()
                .all(|&v| small_memref(ir.value_type(v)));
            let args_ok = ir.regions(op).iter().all(|&r| {
                ir.region_blocks(r).iter().all(|&b| {
                    ir.block_args(b)
                        .iter()
                        .all(|&a| small_memref(ir.value_type(a)))
                })
            });
            let constant_ok = ir.op_name(op) != "arith.constant"
                || ir.results(op).first().is_none_or(|&r| {
                    !matches!(ir.type_data(ir.value_type(r)), TypeData::Index)
                        || ir
                            .attr(op, "value")
                            .and_then(|a| ir.int_value(a))
                            .is_some_and(|v| (-i128::from(LIMIT)..i128::from(LIMIT)).contains(&v))
                });
            results_ok && args_ok && constant_ok
        })
}

impl<'a, 'ctx> Translator<'a, 'ctx> {
    /// Translates a `gpu.kernel` function: `void name(ptr addrspace(1) noalias %a0, ...)` with
    /// the `ptx_kernel` calling convention. Each parameter is cast to a generic pointer (the
    /// optimizer's address-space inference turns the accesses back into global ones). A task
    /// loop still at the top level (a one-thread kernel) runs all its iterations.
    pub(super) fn gpu_kernel(&mut self, kernel: FuncOp) -> R<()> {
        let ir = self.ir;
        let op = kernel.op();
        let name = kernel.name(ir).to_string();
        let (inputs, results) = kernel.signature(ir);
        if !results.is_empty() {
            return Err(self.err(op, "a kernel returns no values"));
        }
        let Some(entry_block) = kernel.entry_block(ir) else {
            return Err(self.err(op, "a kernel needs a body"));
        };
        flowc_gpu::verify_kernel_attrs(ir, op)?;
        let sizes = self.arg_sizes(op, &inputs)?;
        let may_alias = ir.has_attr(op, MAY_ALIAS_ATTR);
        let gptr = self.llcx.ptr_type(AddressSpace::from(GLOBAL));
        let params: Vec<inkwell::types::BasicMetadataTypeEnum<'ctx>> =
            inputs.iter().map(|_| gptr.into()).collect();
        let f = self.module.add_function(
            &name,
            self.llcx.void_type().fn_type(&params, false),
            Some(Linkage::External),
        );
        f.set_call_conventions(PTX_KERNEL_CC);
        for (i, &size) in sizes.iter().enumerate() {
            let loc = AttributeLoc::Param(i as u32);
            if !may_alias {
                f.add_attribute(loc, self.enum_attr("noalias", 0));
            }
            f.add_attribute(loc, self.enum_attr("align", 64));
            f.add_attribute(loc, self.enum_attr("noundef", 0));
            if size > 0 {
                f.add_attribute(loc, self.enum_attr("dereferenceable", size));
            }
        }
        self.function_attrs(f);
        if let Some(block) = flowc_gpu::launch_dims(ir, op, flowc_gpu::BLOCK_SIZE_ATTR) {
            let v = format!("{},{},{}", block[0], block[1], block[2]);
            f.add_attribute(
                AttributeLoc::Function,
                self.llcx.create_string_attribute("nvvm.maxntid", &v),
            );
        }
        self.index_bits = if index_fits_i32(ir, kernel) { 32 } else { 64 };
        self.func = Some(f);
        let entry = self.llcx.append_basic_block(f, "entry");
        self.entry = Some(entry);
        self.builder.position_at_end(entry);
        self.values.clear();
        let generic = self.llcx.ptr_type(AddressSpace::default());
        for (i, &arg) in ir.block_args(entry_block).iter().enumerate() {
            let p = f
                .get_nth_param(i as u32)
                .expect("param")
                .into_pointer_value();
            p.set_name(&format!("arg{i}"));
            let g = b!(self.build_address_space_cast(p, generic, &format!("a{i}")));
            self.values.insert(arg, g.into());
        }
        let task_loop = task_loop_of(ir, kernel);
        for op in ir.block_ops(entry_block).collect::<Vec<_>>() {
            self.loc = ir.op_loc(op);
            if Some(op) == task_loop.map(|p| p.op()) {
                let it = self.index_t();
                // The largest signed value: every iteration.
                let all = it.const_int(u64::MAX >> (65 - self.index_bits), false);
                self.task_loop(ParallelOp(op), it.const_zero(), all)?;
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

    /// `gpu.*` ops.
    pub(super) fn gpu(&mut self, op: Op, name: &str) -> R<()> {
        let ir = self.ir;
        if !self.opts.is_nvptx() {
            return Err(self.err(op, "needs the NVPTX target (gpu ops have no CPU lowering)"));
        }
        match name {
            "thread_id" | "block_id" | "block_dim" | "grid_dim" => {
                let dim = flowc_gpu::dimension(ir, op)
                    .ok_or_else(|| self.err(op, "has no dimension"))?
                    .name();
                let reg = match name {
                    "thread_id" => "tid",
                    "block_id" => "ctaid",
                    "block_dim" => "ntid",
                    _ => "nctaid",
                };
                let v =
                    self.intrinsic(&format!("llvm.nvvm.read.ptx.sreg.{reg}.{dim}"), &[], &[])?;
                let v = b!(self.build_int_z_extend_or_bit_cast(
                    v.into_int_value(),
                    self.index_t(),
                    name
                ));
                self.set_result(op, 0, v.into());
                Ok(())
            }
            "lane_id" => {
                let v = self.intrinsic("llvm.nvvm.read.ptx.sreg.laneid", &[], &[])?;
                let v = b!(self.build_int_z_extend_or_bit_cast(
                    v.into_int_value(),
                    self.index_t(),
                    name
                ));
                self.set_result(op, 0, v.into());
                Ok(())
            }
            "shuffle" => self.gpu_shuffle(op),
            "barrier" => {
                let zero = self.llcx.i32_type().const_zero();
                self.call_void_intrinsic("llvm.nvvm.barrier.cta.sync.aligned.all", &[zero.into()])
            }
            "alloc_shared" => {
                let ty = ir.value_type(ir.result(op, 0));
                let (shape, element) = flowc_gpu::shared_memref_parts(ir, ty)
                    .ok_or_else(|| self.err(op, "needs a static shared memref"))?;
                let n: i64 = shape.iter().product::<i64>().max(1);
                let n = u32::try_from(n).map_err(|_| self.err(op, "is too large"))?;
                let elem = self.mem_type(op, element)?;
                let array = elem.array_type(n);
                let g = self
                    .module
                    .add_global(array, Some(AddressSpace::from(SHARED)), "smem");
                g.set_linkage(Linkage::Internal);
                g.set_initializer(&array.get_undef());
                g.set_alignment(16);
                let generic = self.llcx.ptr_type(AddressSpace::default());
                let p = b!(self.build_address_space_cast(g.as_pointer_value(), generic, "smem"));
                self.set_result(op, 0, p.into());
                Ok(())
            }
            _ => Err(self.unsupported(op)),
        }
    }

    /// `gpu.shuffle` as `llvm.nvvm.shfl.sync.{bfly,down,up,idx}.{f32,i32}p` with the full-warp
    /// mask. The packed `c` operand is PTX's: the segment mask `(32 - width) << 8` and the lane
    /// clamp (`31` for xor / down / idx: the segment's last lane; `0` for up: its first).
    fn gpu_shuffle(&mut self, op: Op) -> R<()> {
        let ir = self.ir;
        let mode = flowc_gpu::shuffle_mode(ir, op).ok_or_else(|| self.err(op, "has no mode"))?;
        let value = self.val(op, ir.operand(op, 0))?;
        let offset = self.val(op, ir.operand(op, 1))?.into_int_value();
        let width = self.val(op, ir.operand(op, 2))?.into_int_value();
        let (kind, clamp) = match mode {
            flowc_gpu::ShuffleMode::Xor => ("bfly", 31),
            flowc_gpu::ShuffleMode::Down => ("down", 31),
            flowc_gpu::ShuffleMode::Up => ("up", 0),
            flowc_gpu::ShuffleMode::Idx => ("idx", 31),
        };
        let ty = if value.is_float_value() { "f32" } else { "i32" };
        let i32t = self.llcx.i32_type();
        let lanes = i32t.const_int(flowc_gpu::WARP_SIZE as u64, false);
        let seg = b!(self.build_int_sub(lanes, width, ""));
        let seg = b!(self.build_left_shift(seg, i32t.const_int(8, false), ""));
        let c = b!(self.build_or(seg, i32t.const_int(clamp, false), ""));
        let mask = i32t.const_all_ones();
        let r = self.intrinsic(
            &format!("llvm.nvvm.shfl.sync.{kind}.{ty}p"),
            &[],
            &[mask.into(), value, offset.into(), c.into()],
        )?;
        let r = r.into_struct_value();
        let v = b!(self.build_extract_value(r, 0, "shfl"));
        let ok = b!(self.build_extract_value(r, 1, "shfl.valid"));
        self.set_result(op, 0, v);
        self.set_result(op, 1, ok);
        Ok(())
    }

    fn call_void_intrinsic(&self, name: &str, args: &[BasicValueEnum<'ctx>]) -> R<()> {
        let f = Intrinsic::find(name)
            .and_then(|i| i.get_declaration(self.module, &[]))
            .ok_or_else(|| {
                Diagnostic::error(
                    self.loc,
                    format!("internal error: no LLVM intrinsic {name}"),
                )
            })?;
        let args: Vec<BasicMetadataValueEnum<'ctx>> = args.iter().map(|&a| a.into()).collect();
        b!(self.build_call(f, &args, ""));
        Ok(())
    }

    // ===== Math without libdevice =====

    /// `math.<name>` for NVPTX where LLVM would call a C library function (`expf`, `logf`, ...)
    /// that a GPU does not have. Computed in f32 (f64 operands are rounded to f32 and back, so
    /// f64 results have f32 accuracy) from the Cephes single-precision polynomials: exp, log,
    /// sin / cos (range reduced by pi/4 in three parts), tanh, atan, erf (Taylor series below 0.5,
    /// Abramowitz & Stegun 7.1.26 above) and what derives from them. `None` when `name` is not
    /// one of [`GPU_MATH`] (the caller's lowering applies: sqrt, fabs, floor, fma ... are
    /// instructions).
    pub(super) fn gpu_math(
        &mut self,
        name: &str,
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let ty = args[0].get_type();
        let f32t: BasicTypeEnum<'ctx> = self.llcx.f32_type().into();
        let wide = self.with_element(ty, f32t);
        let is_f32 = ty == wide;
        let mut a = Vec::new();
        for &x in args {
            a.push(if is_f32 {
                x
            } else {
                b!(self.build_cast(Opc::FPTrunc, x, wide, ""))
            });
        }
        let r = self.math_f32(name, &a)?;
        Ok(if is_f32 {
            r
        } else {
            b!(self.build_cast(Opc::FPExt, r, ty, ""))
        })
    }

    fn math_f32(&mut self, name: &str, a: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        let x = a[0];
        Ok(match name {
            "exp" => self.m_exp(x)?,
            "exp2" => {
                let t = self.m_mul_c(x, std::f64::consts::LN_2)?;
                self.m_exp(t)?
            }
            "expm1" => {
                // Near 0, exp(x) - 1 cancels: x + x^2/2 + x^3/6 + x^4/24 there.
                let e = self.m_exp(x)?;
                let em1 = self.m_sub_c(e, 1.0)?;
                let p = self.m_poly(x, &[1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 0.0])?;
                let small = self.m_abs_lt(x, 0.01)?;
                self.select(small, p, em1)?
            }
            "log" => self.m_log(x)?,
            "log2" => {
                let l = self.m_log(x)?;
                self.m_mul_c(l, std::f64::consts::LOG2_E)?
            }
            "log10" => {
                let l = self.m_log(x)?;
                self.m_mul_c(l, std::f64::consts::LOG10_E)?
            }
            "log1p" => {
                // log(1 + x) with the rounding of 1 + x corrected: log(u) * x / (u - 1).
                let u = self.m_add_c(x, 1.0)?;
                let l = self.m_log(u)?;
                let um1 = self.m_sub_c(u, 1.0)?;
                let q = self.binop(Opc::FDiv, x, um1)?;
                let corrected = self.binop(Opc::FMul, l, q)?;
                let exact = self.m_cmp_c(FloatPredicate::OEQ, um1, 0.0)?;
                self.select(exact, x, corrected)?
            }
            "sin" => self.m_sincos(x, false)?,
            "cos" => self.m_sincos(x, true)?,
            "tan" => {
                let s = self.m_sincos(x, false)?;
                let c = self.m_sincos(x, true)?;
                self.binop(Opc::FDiv, s, c)?
            }
            "sinh" | "cosh" => {
                let ax = self.m_fabs(x)?;
                let e = self.m_exp(ax)?;
                let inv = self.m_rcp(e)?;
                if name == "cosh" {
                    let s = self.binop(Opc::FAdd, e, inv)?;
                    self.m_mul_c(s, 0.5)?
                } else {
                    let d = self.binop(Opc::FSub, e, inv)?;
                    let h = self.m_mul_c(d, 0.5)?;
                    let big = self.m_copysign(h, x)?;
                    // x + x^3/6 + x^5/120 near 0.
                    let x2 = self.binop(Opc::FMul, x, x)?;
                    let p = self.m_poly(x2, &[1.0 / 5040.0, 1.0 / 120.0, 1.0 / 6.0, 1.0])?;
                    let small = self.binop(Opc::FMul, p, x)?;
                    let is_small = self.m_abs_lt(x, 0.5)?;
                    self.select(is_small, small, big)?
                }
            }
            "tanh" => self.m_tanh(x)?,
            "atan" => self.m_atan(x)?,
            "asin" => {
                // atan(x / sqrt(1 - x^2)).
                let x2 = self.binop(Opc::FMul, x, x)?;
                let one = self.float_const_like(x.get_type(), 1.0)?;
                let d = self.binop(Opc::FSub, one, x2)?;
                let s = self.intrinsic("llvm.sqrt", &[x.get_type()], &[d])?;
                let q = self.binop(Opc::FDiv, x, s)?;
                self.m_atan(q)?
            }
            "acos" => {
                // 2 atan(sqrt((1 - x) / (1 + x))).
                let one = self.float_const_like(x.get_type(), 1.0)?;
                let n = self.binop(Opc::FSub, one, x)?;
                let d = self.binop(Opc::FAdd, one, x)?;
                let q = self.binop(Opc::FDiv, n, d)?;
                let s = self.intrinsic("llvm.sqrt", &[x.get_type()], &[q])?;
                let t = self.m_atan(s)?;
                self.m_mul_c(t, 2.0)?
            }
            "atan2" => self.m_atan2(x, a[1])?,
            "powf" => self.m_pow(x, a[1])?,
            "erf" => self.m_erf(x)?,
            "erfc" => {
                let e = self.m_erf(x)?;
                let one = self.float_const_like(x.get_type(), 1.0)?;
                self.binop(Opc::FSub, one, e)?
            }
            "cbrt" => {
                let ax = self.m_fabs(x)?;
                let l = self.m_log(ax)?;
                let t = self.m_mul_c(l, 1.0 / 3.0)?;
                let e = self.m_exp(t)?;
                // One Newton step: y - (y^3 - |x|) / (3 y^2).
                let y2 = self.binop(Opc::FMul, e, e)?;
                let y3 = self.binop(Opc::FMul, y2, e)?;
                let num = self.binop(Opc::FSub, y3, ax)?;
                let den = self.m_mul_c(y2, 3.0)?;
                let step = self.binop(Opc::FDiv, num, den)?;
                let y = self.binop(Opc::FSub, e, step)?;
                let zero = self.m_cmp_c(FloatPredicate::OEQ, ax, 0.0)?;
                let inf = self.m_cmp_c(FloatPredicate::OEQ, ax, f64::INFINITY)?;
                let y = self.select(inf, ax, y)?;
                let y = self.select(zero, ax, y)?;
                self.m_copysign(y, x)?
            }
            "asinh" => {
                // sign(x) log(|x| + sqrt(x^2 + 1)); x - x^3/6 near 0.
                let ax = self.m_fabs(x)?;
                let x2 = self.binop(Opc::FMul, ax, ax)?;
                let s1 = self.m_add_c(x2, 1.0)?;
                let s = self.intrinsic("llvm.sqrt", &[x.get_type()], &[s1])?;
                let u = self.binop(Opc::FAdd, ax, s)?;
                let l = self.m_log(u)?;
                let big = self.m_copysign(l, x)?;
                let p = self.m_poly(x2, &[3.0 / 40.0, -1.0 / 6.0, 1.0])?;
                let small = self.binop(Opc::FMul, p, x)?;
                let is_small = self.m_abs_lt(x, 0.1)?;
                self.select(is_small, small, big)?
            }
            "acosh" => {
                let x2 = self.binop(Opc::FMul, x, x)?;
                let s1 = self.m_sub_c(x2, 1.0)?;
                let s = self.intrinsic("llvm.sqrt", &[x.get_type()], &[s1])?;
                let u = self.binop(Opc::FAdd, x, s)?;
                self.m_log(u)?
            }
            "atanh" => {
                // log((1 + x) / (1 - x)) / 2; x + x^3/3 near 0.
                let one = self.float_const_like(x.get_type(), 1.0)?;
                let n = self.binop(Opc::FAdd, one, x)?;
                let d = self.binop(Opc::FSub, one, x)?;
                let q = self.binop(Opc::FDiv, n, d)?;
                let l = self.m_log(q)?;
                let big = self.m_mul_c(l, 0.5)?;
                let x2 = self.binop(Opc::FMul, x, x)?;
                let p = self.m_poly(x2, &[1.0 / 5.0, 1.0 / 3.0, 1.0])?;
                let small = self.binop(Opc::FMul, p, x)?;
                let is_small = self.m_abs_lt(x, 0.1)?;
                self.select(is_small, small, big)?
            }
            _ => return Err(Diagnostic::error(self.loc, "internal error: gpu math")),
        })
    }

    // ----- small helpers (f32 scalars or vectors) -----

    fn m_c(&self, like: BasicValueEnum<'ctx>, v: f64) -> R<BasicValueEnum<'ctx>> {
        self.float_const_like(like.get_type(), v)
    }

    fn m_mul_c(&self, x: BasicValueEnum<'ctx>, c: f64) -> R<BasicValueEnum<'ctx>> {
        let c = self.m_c(x, c)?;
        self.binop(Opc::FMul, x, c)
    }

    fn m_add_c(&self, x: BasicValueEnum<'ctx>, c: f64) -> R<BasicValueEnum<'ctx>> {
        let c = self.m_c(x, c)?;
        self.binop(Opc::FAdd, x, c)
    }

    fn m_sub_c(&self, x: BasicValueEnum<'ctx>, c: f64) -> R<BasicValueEnum<'ctx>> {
        let c = self.m_c(x, c)?;
        self.binop(Opc::FSub, x, c)
    }

    fn m_cmp_c(
        &self,
        p: FloatPredicate,
        x: BasicValueEnum<'ctx>,
        c: f64,
    ) -> R<BasicValueEnum<'ctx>> {
        let c = self.m_c(x, c)?;
        self.float_compare(p, x, c)
    }

    fn m_fabs(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        self.intrinsic("llvm.fabs", &[x.get_type()], &[x])
    }

    fn m_abs_lt(&self, x: BasicValueEnum<'ctx>, c: f64) -> R<BasicValueEnum<'ctx>> {
        let ax = self.m_fabs(x)?;
        self.m_cmp_c(FloatPredicate::OLT, ax, c)
    }

    fn m_copysign(
        &self,
        mag: BasicValueEnum<'ctx>,
        sign: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        self.intrinsic("llvm.copysign", &[mag.get_type()], &[mag, sign])
    }

    fn m_rcp(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let one = self.m_c(x, 1.0)?;
        self.binop(Opc::FDiv, one, x)
    }

    fn m_fma(
        &self,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
        c: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        self.intrinsic("llvm.fma", &[a.get_type()], &[a, b, c])
    }

    /// Horner: `coeffs[0] x^(n-1) + ... + coeffs[n-1]`.
    fn m_poly(&self, x: BasicValueEnum<'ctx>, coeffs: &[f64]) -> R<BasicValueEnum<'ctx>> {
        let mut acc = self.m_c(x, coeffs[0])?;
        for &c in &coeffs[1..] {
            let c = self.m_c(x, c)?;
            acc = self.m_fma(acc, x, c)?;
        }
        Ok(acc)
    }

    /// The integer vector / scalar type of the same shape as f32 `x`.
    fn m_int_type(&self, x: BasicValueEnum<'ctx>) -> BasicTypeEnum<'ctx> {
        self.with_element(x.get_type(), self.llcx.i32_type().into())
    }

    fn m_bitcast(
        &self,
        x: BasicValueEnum<'ctx>,
        ty: BasicTypeEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(b!(self.build_cast(Opc::BitCast, x, ty, "")))
    }

    /// `e^x`: n = round(x log2 e), r = x - n ln 2 (in two parts), e^r by a degree-7 polynomial,
    /// times 2^n built in the exponent bits (n split in two halves so that 2^n stays finite down
    /// to the subnormal range).
    fn m_exp(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ty = x.get_type();
        let hi = self.m_c(x, 88.72284)?;
        let lo = self.m_c(x, -103.0)?;
        let xc = self.intrinsic("llvm.minnum", &[ty], &[x, hi])?;
        let xc = self.intrinsic("llvm.maxnum", &[ty], &[xc, lo])?;
        let t = self.m_mul_c(xc, std::f64::consts::LOG2_E)?;
        let n = self.intrinsic("llvm.rint", &[ty], &[t])?;
        let c1 = self.m_c(x, -0.693_359_375)?;
        let c2 = self.m_c(x, 2.121_944_4e-4)?;
        let r = self.m_fma(n, c1, xc)?;
        let r = self.m_fma(n, c2, r)?;
        let p = self.m_poly(
            r,
            &[
                1.987_569_150_0e-4,
                1.398_199_950_7e-3,
                8.333_451_907_3e-3,
                4.166_579_589_4e-2,
                1.666_666_545_9e-1,
                5.000_000_120_1e-1,
            ],
        )?;
        let r2 = self.binop(Opc::FMul, r, r)?;
        let one = self.m_c(x, 1.0)?;
        let rp1 = self.binop(Opc::FAdd, r, one)?;
        let er = self.m_fma(p, r2, rp1)?;
        // 2^n = 2^(n/2) * 2^(n - n/2), each a normal float for n in [-150, 128].
        let ity = self.m_int_type(x);
        let ni = b!(self.build_cast(Opc::FPToSI, n, ity, ""));
        let one_i = self.int_const_like(ity, 1)?;
        let half = b!(self.build_binop(Opc::AShr, ni, one_i, ""));
        let other = b!(self.build_binop(Opc::Sub, ni, half, ""));
        let bias = self.int_const_like(ity, 127)?;
        let sh = self.int_const_like(ity, 23)?;
        let mut r = er;
        for part in [half, other] {
            let e = b!(self.build_binop(Opc::Add, part, bias, ""));
            let e = b!(self.build_binop(Opc::Shl, e, sh, ""));
            let s = self.m_bitcast(e, ty)?;
            r = self.binop(Opc::FMul, r, s)?;
        }
        // Overflow to +inf; NaN stays NaN (min / max dropped it).
        let over = self.m_cmp_c(FloatPredicate::OGT, x, 88.72284)?;
        let inf = self.m_c(x, f64::INFINITY)?;
        let r = self.select(over, inf, r)?;
        // Below ln(2^-150) (half the smallest subnormal): 0.
        let under = self.m_cmp_c(FloatPredicate::OLT, x, -103.972_08)?;
        let zero = self.m_c(x, 0.0)?;
        let r = self.select(under, zero, r)?;
        let nan = self.float_compare(FloatPredicate::UNO, x, x)?;
        self.select(nan, x, r)
    }

    /// `ln x`: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln(m) by Cephes' degree-9 polynomial.
    /// Subnormal inputs are scaled by 2^23 first; 0 gives -inf, negatives NaN, +inf itself.
    fn m_log(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ty = x.get_type();
        let ity = self.m_int_type(x);
        let tiny = self.m_cmp_c(FloatPredicate::OLT, x, 1.175_494_4e-38)?;
        let scaled = self.m_mul_c(x, 8_388_608.0)?;
        let xs = self.select(tiny, scaled, x)?;
        let zero_f = self.m_c(x, 0.0)?;
        let m23 = self.m_c(x, -23.0)?;
        let e_adj = self.select(tiny, m23, zero_f)?;
        let bits = self.m_bitcast(xs, ity)?;
        let sh = self.int_const_like(ity, 23)?;
        let eb = b!(self.build_binop(Opc::LShr, bits, sh, ""));
        let mask8 = self.int_const_like(ity, 0xff)?;
        let eb = b!(self.build_binop(Opc::And, eb, mask8, ""));
        let c126 = self.int_const_like(ity, 126)?;
        let ei = b!(self.build_binop(Opc::Sub, eb, c126, ""));
        let mmask = self.int_const_like(ity, 0x007f_ffff)?;
        let half_bits = self.int_const_like(ity, 0x3f00_0000)?;
        let mb = b!(self.build_binop(Opc::And, bits, mmask, ""));
        let mb = b!(self.build_binop(Opc::Or, mb, half_bits, ""));
        let m = self.m_bitcast(mb, ty)?; // [0.5, 1)
        let e = b!(self.build_cast(Opc::SIToFP, ei, ty, ""));
        let e = self.binop(Opc::FAdd, e, e_adj)?;
        let below = self.m_cmp_c(FloatPredicate::OLT, m, std::f64::consts::FRAC_1_SQRT_2)?;
        let one = self.m_c(x, 1.0)?;
        let e_m1 = self.binop(Opc::FSub, e, one)?;
        let e = self.select(below, e_m1, e)?;
        let m2 = self.binop(Opc::FAdd, m, m)?;
        let m = self.select(below, m2, m)?;
        let f = self.binop(Opc::FSub, m, one)?;
        let z = self.binop(Opc::FMul, f, f)?;
        let p = self.m_poly(
            f,
            &[
                7.037_683_629_2e-2,
                -1.151_461_031_0e-1,
                1.167_699_874_0e-1,
                -1.242_014_084_6e-1,
                1.424_932_278_7e-1,
                -1.666_805_766_5e-1,
                2.000_071_476_5e-1,
                -2.499_999_399_3e-1,
                3.333_333_117_4e-1,
            ],
        )?;
        let y = self.binop(Opc::FMul, p, f)?;
        let y = self.binop(Opc::FMul, y, z)?;
        let c1 = self.m_c(x, -2.121_944_4e-4)?;
        let y = self.m_fma(e, c1, y)?;
        let mhalf = self.m_c(x, -0.5)?;
        let y = self.m_fma(z, mhalf, y)?;
        let r = self.binop(Opc::FAdd, f, y)?;
        let c2 = self.m_c(x, 0.693_359_375)?;
        let r = self.m_fma(e, c2, r)?;
        // Special values.
        let is_zero = self.m_cmp_c(FloatPredicate::OEQ, x, 0.0)?;
        let ninf = self.m_c(x, f64::NEG_INFINITY)?;
        let r = self.select(is_zero, ninf, r)?;
        let is_inf = self.m_cmp_c(FloatPredicate::OEQ, x, f64::INFINITY)?;
        let r = self.select(is_inf, x, r)?;
        let bad = self.m_cmp_c(FloatPredicate::ULT, x, 0.0)?; // negative or NaN
        let nan = self.m_c(x, f64::NAN)?;
        self.select(bad, nan, r)
    }

    /// sin or cos: j = round-down(|x| 4/pi) made even, z = |x| - j pi/4 in three parts, then
    /// the sine or cosine polynomial on [-pi/4, pi/4] as the octant says.
    fn m_sincos(&self, x: BasicValueEnum<'ctx>, cos: bool) -> R<BasicValueEnum<'ctx>> {
        let ty = x.get_type();
        let ity = self.m_int_type(x);
        let ax = self.m_fabs(x)?;
        let q = self.m_mul_c(ax, 4.0 / std::f64::consts::PI)?;
        let j = b!(self.build_cast(Opc::FPToUI, q, ity, ""));
        let one_i = self.int_const_like(ity, 1)?;
        let j = b!(self.build_binop(Opc::Add, j, one_i, ""));
        let not1 = self.int_const_like(ity, !1)?;
        let j = b!(self.build_binop(Opc::And, j, not1, "")); // even
        let y = b!(self.build_cast(Opc::UIToFP, j, ty, ""));
        let dp1 = self.m_c(x, -0.785_156_25)?;
        let dp2 = self.m_c(x, -2.418_756_484_985_351_6e-4)?;
        let dp3 = self.m_c(x, -3.774_894_977_445_941e-8)?;
        let z = self.m_fma(y, dp1, ax)?;
        let z = self.m_fma(y, dp2, z)?;
        let z = self.m_fma(y, dp3, z)?;
        let zz = self.binop(Opc::FMul, z, z)?;
        let sp = self.m_poly(
            zz,
            &[-1.951_529_589_1e-4, 8.332_160_873_6e-3, -1.666_665_461_1e-1],
        )?;
        let sp = self.binop(Opc::FMul, sp, zz)?;
        let s = self.m_fma(sp, z, z)?;
        let cp = self.m_poly(
            zz,
            &[
                2.443_315_711_809_948e-5,
                -1.388_731_625_493_765e-3,
                4.166_664_568_298_827e-2,
            ],
        )?;
        let zz2 = self.binop(Opc::FMul, zz, zz)?;
        let c = self.binop(Opc::FMul, cp, zz2)?;
        let mhalf = self.m_c(x, -0.5)?;
        let c = self.m_fma(zz, mhalf, c)?;
        let c = self.m_add_c(c, 1.0)?;
        // Octant j (mod 8, even): 0 -> (s, c), 2 -> (c, -s), 4 -> (-s, -c), 6 -> (-c, s).
        let seven = self.int_const_like(ity, 7)?;
        let j8 = b!(self.build_binop(Opc::And, j, seven, ""));
        let two = self.int_const_like(ity, 2)?;
        let swap = b!(self.build_binop(Opc::And, j8, two, ""));
        let zero_i = self.int_const_like(ity, 0)?;
        let swap = self.int_compare(IntPredicate::NE, swap, zero_i)?;
        let (first, second) = if cos { (c, s) } else { (s, c) };
        let r = self.select(swap, second, first)?;
        // Negate: sin for j8 in {4, 6}; cos for j8 in {2, 4}.
        let four = self.int_const_like(ity, 4)?;
        let neg = if cos {
            let a = self.int_compare(IntPredicate::EQ, j8, two)?;
            let b4 = self.int_compare(IntPredicate::EQ, j8, four)?;
            self.binop(Opc::Or, a, b4)?
        } else {
            self.int_compare(IntPredicate::UGE, j8, four)?
        };
        let nr = self.fneg(r)?;
        let r = self.select(neg, nr, r)?;
        if cos {
            Ok(r)
        } else {
            // sin(-x) = -sin(x).
            let neg_x = self.m_cmp_c(FloatPredicate::OLT, x, 0.0)?;
            let nr = self.fneg(r)?;
            self.select(neg_x, nr, r)
        }
    }

    fn fneg(&self, v: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let z = self.float_const_like(v.get_type(), -0.0)?;
        self.binop(Opc::FSub, z, v)
    }

    /// tanh: Cephes' odd polynomial below 0.625, `1 - 2 / (e^(2|x|) + 1)` with the sign above.
    fn m_tanh(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ax = self.m_fabs(x)?;
        let t = self.m_mul_c(ax, 2.0)?;
        let e = self.m_exp(t)?;
        let e1 = self.m_add_c(e, 1.0)?;
        let two = self.m_c(x, 2.0)?;
        let q = self.binop(Opc::FDiv, two, e1)?;
        let one = self.m_c(x, 1.0)?;
        let big = self.binop(Opc::FSub, one, q)?;
        let big = self.m_copysign(big, x)?;
        let z = self.binop(Opc::FMul, x, x)?;
        let p = self.m_poly(
            z,
            &[
                -5.704_988_727_45e-3,
                2.063_908_879_54e-2,
                -5.373_971_555_31e-2,
                1.333_144_220_36e-1,
                -3.333_328_194_22e-1,
            ],
        )?;
        let p = self.binop(Opc::FMul, p, z)?;
        let small = self.m_fma(p, x, x)?;
        let is_small = self.m_abs_lt(x, 0.625)?;
        self.select(is_small, small, big)
    }

    /// atan: Cephes' reduction to |x| <= tan(pi/8) and its degree-4 polynomial in x^2.
    fn m_atan(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ax = self.m_fabs(x)?;
        let one = self.m_c(x, 1.0)?;
        let big = self.m_cmp_c(FloatPredicate::OGT, ax, 2.414_213_562_373_095)?;
        let mid = self.m_cmp_c(FloatPredicate::OGT, ax, 0.414_213_562_373_095)?;
        let inv = self.m_rcp(ax)?;
        let ninv = self.fneg(inv)?;
        let n = self.binop(Opc::FSub, ax, one)?;
        let d = self.binop(Opc::FAdd, ax, one)?;
        let midx = self.binop(Opc::FDiv, n, d)?;
        let xr = self.select(mid, midx, ax)?;
        let xr = self.select(big, ninv, xr)?;
        let zero = self.m_c(x, 0.0)?;
        let q = self.m_c(x, std::f64::consts::FRAC_PI_4)?;
        let h = self.m_c(x, std::f64::consts::FRAC_PI_2)?;
        let y0 = self.select(mid, q, zero)?;
        let y0 = self.select(big, h, y0)?;
        let z = self.binop(Opc::FMul, xr, xr)?;
        let p = self.m_poly(
            z,
            &[
                8.053_744_495_38e-2,
                -1.387_768_560_32e-1,
                1.997_771_064_78e-1,
                -3.333_294_915_39e-1,
            ],
        )?;
        let p = self.binop(Opc::FMul, p, z)?;
        let r = self.m_fma(p, xr, xr)?;
        let r = self.binop(Opc::FAdd, y0, r)?;
        self.m_copysign(r, x)
    }

    /// atan2(y, x) from atan(y / x) and the quadrant.
    fn m_atan2(&self, y: BasicValueEnum<'ctx>, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let q = self.binop(Opc::FDiv, y, x)?;
        let a = self.m_atan(q)?;
        let pi = self.m_c(x, std::f64::consts::PI)?;
        let pi_signed = self.m_copysign(pi, y)?;
        let shifted = self.binop(Opc::FAdd, a, pi_signed)?;
        let x_neg = self.m_cmp_c(FloatPredicate::OLT, x, 0.0)?;
        let r = self.select(x_neg, shifted, a)?;
        // x == 0: +-pi/2 (or 0 when y is 0 too).
        let h = self.m_c(x, std::f64::consts::FRAC_PI_2)?;
        let h = self.m_copysign(h, y)?;
        let x_zero = self.m_cmp_c(FloatPredicate::OEQ, x, 0.0)?;
        let r = self.select(x_zero, h, r)?;
        let y_zero = self.m_cmp_c(FloatPredicate::OEQ, y, 0.0)?;
        let zero_case = self.select(x_neg, pi_signed, y)?;
        self.select(y_zero, zero_case, r)
    }

    /// x^y = e^(y ln|x|), negative x only with an integer y (odd y keeps the sign); 0^y, x^0
    /// and 1^y as C's powf.
    fn m_pow(&self, x: BasicValueEnum<'ctx>, y: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ty = x.get_type();
        let ax = self.m_fabs(x)?;
        let l = self.m_log(ax)?;
        let t = self.binop(Opc::FMul, y, l)?;
        let r = self.m_exp(t)?;
        let yt = self.intrinsic("llvm.trunc", &[ty], &[y])?;
        let y_int = self.float_compare(FloatPredicate::OEQ, yt, y)?;
        let half = self.m_mul_c(y, 0.5)?;
        let ht = self.intrinsic("llvm.trunc", &[ty], &[half])?;
        let y_even = self.float_compare(FloatPredicate::OEQ, ht, half)?;
        let x_neg = self.m_cmp_c(FloatPredicate::OLT, x, 0.0)?;
        let nr = self.fneg(r)?;
        let odd_neg = self.select(y_even, r, nr)?;
        let neg_res = self.select(y_int, odd_neg, self.m_c(x, f64::NAN)?)?;
        let r = self.select(x_neg, neg_res, r)?;
        // x == 0: 0 for y > 0, inf for y < 0 (with the sign of x for odd integer y).
        let x_zero = self.m_cmp_c(FloatPredicate::OEQ, x, 0.0)?;
        let y_pos = self.m_cmp_c(FloatPredicate::OGT, y, 0.0)?;
        let zero = self.m_c(x, 0.0)?;
        let inf = self.m_c(x, f64::INFINITY)?;
        let z = self.select(y_pos, zero, inf)?;
        let odd_int = {
            let not_even = self.binop(
                Opc::Xor,
                y_even,
                self.int_const_like(y_even.get_type(), -1)?,
            )?;
            self.binop(Opc::And, y_int, not_even)?
        };
        let zs = self.m_copysign(z, x)?;
        let z = self.select(odd_int, zs, z)?;
        let r = self.select(x_zero, z, r)?;
        let one = self.m_c(x, 1.0)?;
        let y_zero = self.m_cmp_c(FloatPredicate::OEQ, y, 0.0)?;
        let x_one = self.m_cmp_c(FloatPredicate::OEQ, x, 1.0)?;
        let r = self.select(x_one, one, r)?;
        self.select(y_zero, one, r)
    }

    /// erf: `2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)` below 0.5,
    /// `1 - t (a1 + t (a2 + ...)) e^(-x^2)` with `t = 1 / (1 + p|x|)` (A&S 7.1.26) above.
    fn m_erf(&self, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ax = self.m_fabs(x)?;
        let t = self.m_mul_c(ax, 0.327_591_1)?;
        let t = self.m_add_c(t, 1.0)?;
        let t = self.m_rcp(t)?;
        let p = self.m_poly(
            t,
            &[
                1.061_405_429,
                -1.453_152_027,
                1.421_413_741,
                -0.284_496_736,
                0.254_829_592,
            ],
        )?;
        let p = self.binop(Opc::FMul, p, t)?;
        let x2 = self.binop(Opc::FMul, ax, ax)?;
        let nx2 = self.fneg(x2)?;
        let e = self.m_exp(nx2)?;
        let pe = self.binop(Opc::FMul, p, e)?;
        let one = self.m_c(x, 1.0)?;
        let big = self.binop(Opc::FSub, one, pe)?;
        let big = self.m_copysign(big, x)?;
        let s = self.m_poly(
            x2,
            &[
                -1.0 / 1320.0,
                1.0 / 216.0,
                -1.0 / 42.0,
                1.0 / 10.0,
                -1.0 / 3.0,
                1.0,
            ],
        )?;
        let s = self.binop(Opc::FMul, s, x)?;
        let small = self.m_mul_c(s, std::f64::consts::FRAC_2_SQRT_PI)?;
        let is_small = self.m_abs_lt(x, 0.5)?;
        self.select(is_small, small, big)
    }
}
