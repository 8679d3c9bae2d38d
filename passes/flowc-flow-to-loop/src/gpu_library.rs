//! Library GEMMs for the GPU target: f32 products handed to the device's BLAS (cuBLAS) instead of
//! a generated kernel, the way linalg's `library_call` hands a named op to a library.
//!
//! The lowering emits, per product, a private function *declaration* that names the routine and
//! carries its parameters, and calls it from the entry function like a kernel:
//!
//! ```mlir
//! func.func private @k3_sgemm(memref<128x256xf32>, memref<256x768xf32>, memref<128x768xf32>)
//!     attributes {flowc.library = "cublas.sgemm",
//!                 flowc.gemm = array<i64: 0, 0, 128, 768, 256, 256, 768, 768, 0, 0, 0, 1>,
//!                 flowc.gemm_alpha = 1.0 : f32, flowc.gemm_beta = 0.0 : f32}
//! ```
//!
//! `flowc.gemm` is `[trans_a, trans_b, m, n, k, lda, ldb, ldc, stride_a, stride_b, stride_c,
//! batch]` of a row-major strided-batched GEMM `C[b] = alpha op(A[b]) op(B[b]) + beta C[b]` on
//! the call's three memrefs (docs/codegen.md; the launch plan turns the call into a bundle
//! `GemmCall` launch). Code generation skips the declaration.
//!
//! What the library cannot fuse follows as one elementwise kernel over the product, in place: the
//! Gemm's `beta * C` or the conv's bias (broadcast) and the fused region's tail when every
//! operand of the tail is the output's shape or one element
//! ([`crate::fused::Tail::fits_epilogue`]; otherwise fused.rs runs the tail as its own kernel
//! after this).
//!
//! A convolution with one group is an im2col kernel into an arena scratch `col[n][K][P]` (K =
//! input channel x kernel taps, P = output positions; zero where a tap reads padding), then one
//! batched GEMM per image `Y[n] = W[Cout, K] col[n][K, P]` with W shared (stride 0). A 1x1
//! convolution with unit strides and no padding reads X as `col` directly, no kernel.

use crate::builder::{Kb, cmpi};
use crate::conv::Geom;
use crate::elementwise::{broadcast_index, chunked_nest};
use crate::gpu_gemm::Product;
use crate::{GpuGemm, OpCx};
use flowc_func::{CallOp, FuncOp};
use flowc_ir::{Context, Diagnostic, Value};

/// The attribute naming a declaration's library routine.
pub const LIBRARY_ATTR: &str = "flowc.library";
/// The routine of [`LIBRARY_ATTR`] for f32 GEMMs.
pub const SGEMM: &str = "cublas.sgemm";

/// The smallest product (2 m n k flops, all batches) that [`GpuGemm::Auto`] gives to the library.
pub const AUTO_MIN_FLOPS: i64 = 1 << 27;

/// Under [`GpuGemm::Auto`], a convolution whose im2col buffer would exceed this many bytes
/// stays on the generated implicit GEMM unless it has at least [`AUTO_MIN_CONV_COUT`] output
/// channels.
pub const AUTO_MAX_IM2COL_BYTES: i64 = 64 << 20;
/// See [`AUTO_MAX_IM2COL_BYTES`].
pub const AUTO_MIN_CONV_COUT: i64 = 128;

/// Whether a product of `flops` goes to the library under the conversion's [`GpuGemm`] choice.
///
/// `auto` follows `tools/bench/gpu-kernels.py` on an H100 (fp32, against torch): cuBLAS beats
/// the generated tiled kernel on every product of at least [`AUTO_MIN_FLOPS`] (1024^3: 0.061
/// vs 0.097 ms; BERT-small's batch-32 linear: 0.055 vs 0.076 ms), while below it the generated
/// kernel is as fast and fuses its epilogue into the same launch.
pub(crate) fn wanted(cx: &OpCx<'_, '_>, flops: i64) -> bool {
    match cx.gpu_gemm() {
        GpuGemm::Auto => flops >= AUTO_MIN_FLOPS,
        GpuGemm::Generated => false,
        GpuGemm::Library => true,
    }
}

/// [`wanted`] for a convolution, which the library computes through an im2col buffer of
/// `im2col_bytes` (0 for a 1x1 stride-1 conv, which reads X in place). The im2col buffer is
/// written once and read once, `cout / 2` flops per byte of it: with few output channels and a
/// big buffer that traffic costs more than cuBLAS gains. Measured (H100, batch 32, ms,
/// generated / cuBLAS path): ResNet-18 stem 0.359 / 0.433 and 3x3 64-channel stage 0.321 /
/// 0.373 (im2col 236 and 231 MB), 256- and 512-channel stages 0.339 / 0.254 and 0.449 / 0.266;
/// at batch 1 (im2col 7 MB) the cuBLAS path wins or ties everywhere.
fn conv_wanted(cx: &OpCx<'_, '_>, flops: i64, cout: i64, im2col_bytes: i64) -> bool {
    match cx.gpu_gemm() {
        GpuGemm::Auto => {
            flops >= AUTO_MIN_FLOPS
                && (im2col_bytes <= AUTO_MAX_IM2COL_BYTES || cout >= AUTO_MIN_CONV_COUT)
        }
        _ => wanted(cx, flops),
    }
}

/// A row-major strided-batched GEMM on three buffers (sizes in elements).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sgemm {
    pub trans_a: bool,
    pub trans_b: bool,
    pub m: i64,
    pub n: i64,
    pub k: i64,
    pub lda: i64,
    pub ldb: i64,
    pub ldc: i64,
    pub stride_a: i64,
    pub stride_b: i64,
    pub stride_c: i64,
    pub batch: i64,
    pub alpha: f64,
    pub beta: f64,
}

impl OpCx<'_, '_> {
    /// Calls the library GEMM `g` on `[a, b, c]` (memrefs of the entry function).
    pub(crate) fn library_sgemm(
        &mut self,
        ctx: &mut Context,
        g: &Sgemm,
        a: Value,
        b: Value,
        c: Value,
    ) {
        let name = format!("k{}_sgemm", self.lw.names.next_kernel);
        self.lw.names.next_kernel += 1;
        self.lw.stats.kernels += 1;
        let loc = ctx.op_loc(self.op);
        let args = [a, b, c];
        let types = args.iter().map(|&v| ctx.value_type(v)).collect();
        let fty = ctx.function_type(types, Vec::new());
        let f = FuncOp::create_declaration(ctx, &name, fty, loc);
        let routine = ctx.string_attr(SGEMM);
        ctx.set_attr(f.op(), LIBRARY_ATTR, routine);
        let params = ctx.dense_i64_array_attr(&[
            i64::from(g.trans_a),
            i64::from(g.trans_b),
            g.m,
            g.n,
            g.k,
            g.lda,
            g.ldb,
            g.ldc,
            g.stride_a,
            g.stride_b,
            g.stride_c,
            g.batch,
        ]);
        ctx.set_attr(f.op(), "flowc.gemm", params);
        let f32t = ctx.f32_type();
        for (attr, v) in [("flowc.gemm_alpha", g.alpha), ("flowc.gemm_beta", g.beta)] {
            let a = ctx.float_attr(f32t, v);
            ctx.set_attr(f.op(), attr, a);
        }
        ctx.insert_op_before(self.lw.func_op, f.op());
        let call = CallOp::create(ctx, &name, &args, &[], loc);
        ctx.insert_op_before(self.lw.anchor, call.op());
    }
}

/// Lowers `p` (operands A, B and, with `p.c`, C of the op being lowered) to a library GEMM into
/// the op's output, then the bias and the fused tail in one elementwise kernel, when the
/// conversion's [`GpuGemm`] choice wants the library for it. Returns `Ok(false)`, having
/// emitted nothing, otherwise or when the batch broadcasting has no single stride per operand
/// (e.g. A `[2, 1]` against B `[1, 3]` batches): the caller takes a generated kernel.
pub(crate) fn product(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    p: &Product,
) -> Result<bool, Diagnostic> {
    let nb: i64 = p.batch.iter().product();
    if !wanted(cx, 2 * nb * p.m * p.n * p.k) {
        return Ok(false);
    }
    // One stride per operand: its batch is the whole batch (stride = its matrix) or one matrix
    // shared by every batch (stride 0).
    let stride = |shape: &[i64], size: i64| {
        let n: i64 = shape.iter().product();
        if n == 1 {
            Some(0)
        } else if n == nb && strip_ones(shape) == strip_ones(&p.batch) {
            Some(size)
        } else {
            None
        }
    };
    let (Some(stride_a), Some(stride_b)) =
        (stride(&p.a_batch, p.m * p.k), stride(&p.b_batch, p.k * p.n))
    else {
        return Ok(false);
    };
    let g = Sgemm {
        trans_a: p.trans_a,
        trans_b: p.trans_b,
        m: p.m,
        n: p.n,
        k: p.k,
        lda: if p.trans_a { p.m } else { p.k },
        ldb: if p.trans_b { p.k } else { p.n },
        ldc: p.n,
        stride_a,
        stride_b,
        stride_c: p.m * p.n,
        batch: nb,
        alpha: p.alpha,
        beta: 0.0,
    };
    let a = cx.input(ctx, 0)?;
    let b = cx.input(ctx, 1)?;
    let out = cx.output(ctx, 0)?;
    cx.library_sgemm(ctx, &g, a, b, out);
    let bias = match &p.c {
        Some((shape, beta)) => {
            let c = cx.input(ctx, 2)?;
            Some((cx.view(ctx, c, shape), shape.clone(), *beta))
        }
        None => None,
    };
    epilogue(ctx, cx, out, &[nb, p.m, p.n], bias)?;
    Ok(true)
}

/// `out[i] = tail(out[i] + beta * bias[broadcast i])` in place over `out` seen as `shape`, for
/// whichever of the bias and the tail there is (no kernel when neither). The bias is 2-D,
/// broadcast to the last two dims of `shape`.
pub(crate) fn epilogue(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    out: Value,
    shape: &[i64],
    bias: Option<(Value, Vec<i64>, f64)>,
) -> Result<(), Diagnostic> {
    let tail = cx.take_epilogue_tail();
    if bias.is_none() && tail.is_none() {
        return Ok(());
    }
    let out_view = cx.view(ctx, out, shape);
    let mut args = Vec::new();
    if let Some((b, _, _)) = &bias {
        args.push(*b);
    }
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    args.extend(&tail_bufs);
    args.push(out_view);
    let r = shape.len();
    cx.kernel(ctx, "gemm_epilogue", &args, |kb: &mut Kb<'_>, kargs| {
        let y = kargs[kargs.len() - 1];
        let first_tail = usize::from(bias.is_some());
        let bound = tail
            .as_ref()
            .map(|t| t.bind(kb, &kargs[first_tail..kargs.len() - 1], shape));
        chunked_nest(kb, shape, &mut |kb, idx| {
            let mut v = kb.load(y, idx);
            if let Some((_, bshape, beta)) = &bias {
                // The bias indexed by the last two dims, broadcast.
                let bidx = broadcast_index(kb, &idx[r - 2..], bshape, &shape[r - 2..]);
                let c = kb.load(kargs[0], &bidx);
                let c = if *beta == 1.0 {
                    c
                } else {
                    let bt = crate::common::fconst(kb, c, *beta);
                    kb.binary("arith.mulf", c, bt)
                };
                v = kb.binary("arith.addf", v, c);
            }
            if let Some(t) = &bound {
                v = t.eval(kb, v, idx);
            }
            kb.store(v, y, idx);
        });
        Ok(())
    })
}

/// Lowers a 2-D (or 1-D seen as 2-D) f32 convolution of `nimg` images, `c` to `cout` channels,
/// through im2col and the library GEMM, when the conversion's [`GpuGemm`] choice wants the
/// library for it. Returns `Ok(false)`, having emitted nothing, otherwise and for grouped
/// convolutions (the caller takes a generated kernel).
pub(crate) fn conv(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    [nimg, c, cout, group]: [i64; 4],
    g: &Geom,
    has_bias: bool,
) -> Result<bool, Diagnostic> {
    if group != 1 || g.input.len() != 2 {
        return Ok(false);
    }
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (k, pos) = (c * kh * kw, oh * ow);
    let pointwise = kh == 1
        && kw == 1
        && g.strides.iter().all(|&s| s == 1)
        && g.pad_begin.iter().chain(&g.pad_end).all(|&p| p == 0);
    let im2col_bytes = if pointwise { 0 } else { nimg * k * pos * 4 };
    if !conv_wanted(cx, 2 * nimg * cout * pos * k, cout, im2col_bytes) {
        return Ok(false);
    }
    let x = cx.input(ctx, 0)?;
    let wt = cx.input(ctx, 1)?;
    let out = cx.output(ctx, 0)?;
    let col = if pointwise {
        x
    } else {
        let f32t = ctx.f32_type();
        let ty = ctx.memref_type(vec![nimg, k, pos], f32t);
        let col = cx.scratch(ctx, ty);
        let g = g.clone();
        cx.kernel(ctx, "im2col", &[x, col], |kb, a| {
            let x4 = crate::gemm::view(kb, a[0], vec![nimg, c, h, w]);
            let shape = [nimg, c, kh, kw, oh, ow];
            let col6 = crate::gemm::view(kb, a[1], shape.to_vec());
            chunked_nest(kb, &shape, &mut |kb, idx| {
                // Input pixel of tap (ky, kx) at output (oy, ox), per spatial dim.
                let mut inside = None;
                let mut src = Vec::new();
                for d in 0..2 {
                    let (o, t) = (idx[4 + d], idx[2 + d]);
                    let os = crate::common::mul_const(kb, o, g.strides[d]);
                    let td = crate::common::mul_const(kb, t, g.dilations[d]);
                    let p = kb.addi(os, td);
                    // p - pad in [0, size): compare p against [pad, pad + size).
                    let lo = kb.index(g.pad_begin[d]);
                    let hi = kb.index(g.pad_begin[d] + g.input[d]);
                    let ge = kb.cmp(false, cmpi::UGE, p, lo);
                    let lt = kb.cmp(false, cmpi::ULT, p, hi);
                    let ok = crate::common::and(kb, ge, lt);
                    inside = Some(match inside {
                        Some(i) => crate::common::and(kb, i, ok),
                        None => ok,
                    });
                    // Clamped so that the load below stays in bounds when it is masked.
                    let q = kb.subi(p, lo);
                    src.push(crate::common::clamp_index(kb, q, 0, g.input[d] - 1));
                }
                let v = kb.load(x4, &[idx[0], idx[1], src[0], src[1]]);
                let zero = crate::common::fconst(kb, v, 0.0);
                let v = kb.select(inside.expect("two dims"), v, zero);
                kb.store(v, col6, idx);
            });
            Ok(())
        })?;
        col
    };
    let gemm = Sgemm {
        trans_a: false,
        trans_b: false,
        m: cout,
        n: pos,
        k,
        lda: k,
        ldb: pos,
        ldc: pos,
        stride_a: 0,
        stride_b: k * pos,
        stride_c: cout * pos,
        batch: nimg,
        alpha: 1.0,
        beta: 0.0,
    };
    cx.library_sgemm(ctx, &gemm, wt, col, out);
    let bias = if has_bias {
        let b = cx.input(ctx, 2)?;
        Some((cx.view(ctx, b, &[cout, 1]), vec![cout, 1], 1.0))
    } else {
        None
    };
    epilogue(ctx, cx, out, &[nimg, cout, pos], bias)?;
    Ok(true)
}

fn strip_ones(s: &[i64]) -> &[i64] {
    let k = s.iter().take_while(|&&d| d == 1).count();
    &s[k..]
}
