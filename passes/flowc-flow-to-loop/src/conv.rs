//! Conv and ConvTranspose.
//!
//! f32 2-D (and 1-D, as 2-D with height 1) Conv is a GEMM per image and group (gemm.rs):
//! `Y[M = Cout / group, N = OH * OW] = W[M, K = Cin / group * KH * KW] · im2col(X)[K, N]`.
//! W is the A side, packed into `[panels, K, MR]` panels (at compile time when it is a
//! constant, else by a packing kernel); the B side is read straight from X for 1x1 stride-1
//! unpadded convolutions, and otherwise packed per task and block of k from the image into a
//! stack buffer (implicit im2col: only a `[kc, nc]` block exists at a time, padding written as
//! zeros). The bias is added when the first block of k is stored. Tasks are (image x group,
//! block of output channels, block of output positions).
//!
//! Depthwise f32 2-D Conv (group = Cin = Cout) has its own kernel: one task per channel plane,
//! the zero-padded plane copied to the stack (split into `stride` column phases so that every
//! output row is a run of contiguous vector loads), then 16 outputs at a time with the
//! kernel's taps unrolled.
//!
//! The tail of a `flow.fused` region headed by the Conv (fused.rs: activation, residual add) is
//! applied by these f32 kernels to each output right after its final value is stored (gemm.rs's
//! `finish_tile`, the depthwise kernel per 16 outputs, the transposed kernel as it writes Y).
//!
//! NHWC Conv (`layout = "NHWC"`, chosen by flow-saturate's layout rules) with one group and
//! constant weights is one GEMM over all images, `Y[positions, M] = im2col(X)[positions, K] ·
//! W'[K, M]` with K ordered (tap, channel) so that im2col copies contiguous channel runs
//! ([`conv_gemm_nhwc`]); NHWC depthwise Conv computes 16 channels per vector
//! ([`conv_depthwise_nhwc`]); other NHWC convolutions take the direct loop nest.
//!
//! Blocked Conv (`layout = "NCHW16c"`, [`flowc_flow::CONV_BLOCKED`]: X `[N, C / 16, H, W,
//! 16]`, Y `[N, M / 16, OH, OW, 16]`) with constant f32 weights is a direct kernel in the
//! oneDNN style ([`conv_blocked`]): a row of output columns keeps one 16-wide accumulator per
//! column (the 16 output channels of a block), the sum runs over input-channel blocks, taps and
//! the 16 input channels of a block, one broadcast input value times one weight vector each.
//! No packing: a block of 16 channels is contiguous in X, in the re-packed W and in Y. Other
//! blocked convolutions (runtime weights, f16, the GPU) take the direct loop nest, which indexes
//! the blocked layout itself.
//!
//! Everything else (3-D, other element types) and ConvTranspose take a direct loop nest.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpi, strides};
use crate::gemm::{
    self, ASrc, BSrc, Bias, Epilogue, First, KC, MR, NR, VL, add_const, bcast, eq_const, for_dyn,
    mul_const, vfma, vload, vstore,
};
use flowc_ir::{Context, Diagnostic, FloatKind, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    match name {
        "flow.conv" => conv(ctx, cx)?,
        "flow.conv_transpose" => conv_transpose(ctx, cx)?,
        "flow.conv_integer" => conv_integer(ctx, cx)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The geometry of a convolution: per spatial dim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Geom {
    pub input: Vec<i64>,
    pub kernel: Vec<i64>,
    pub strides: Vec<i64>,
    pub dilations: Vec<i64>,
    pub pad_begin: Vec<i64>,
    pub pad_end: Vec<i64>,
    pub output: Vec<i64>,
}

fn dims_attr(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    name: &str,
    len: usize,
    default: i64,
) -> Result<Vec<i64>, Diagnostic> {
    match cx.attr_ints(ctx, name) {
        None => Ok(vec![default; len]),
        Some(v) if v.is_empty() => Ok(vec![default; len]),
        Some(v) if v.len() == len && v.iter().all(|&x| x >= 0) => Ok(v),
        Some(_) => Err(cx.unsupported(ctx, format!("this '{name}' attribute"))),
    }
}

/// Conv's output size and pads from the attributes (as the interpreter's `geometry`).
fn conv_geometry(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    input: &[i64],
    kernel: &[i64],
) -> Result<Geom, Diagnostic> {
    let r = input.len();
    let strides = dims_attr(ctx, cx, "strides", r, 1)?;
    let dilations = dims_attr(ctx, cx, "dilations", r, 1)?;
    if strides.contains(&0) || dilations.contains(&0) {
        return Err(cx.unsupported(ctx, "zero strides or dilations"));
    }
    let auto_pad = cx.attr_str(ctx, "auto_pad").unwrap_or("NOTSET").to_string();
    let mut g = Geom {
        input: input.to_vec(),
        kernel: kernel.to_vec(),
        strides,
        dilations,
        pad_begin: vec![0; r],
        pad_end: vec![0; r],
        output: vec![0; r],
    };
    for i in 0..r {
        let ek = (kernel[i] - 1).max(0) * g.dilations[i] + 1;
        match auto_pad.as_str() {
            "NOTSET" | "" => {
                let pads = dims_attr(ctx, cx, "pads", 2 * r, 0)?;
                g.pad_begin[i] = pads[i];
                g.pad_end[i] = pads[i + r];
                let padded = input[i] + pads[i] + pads[i + r];
                if padded < ek {
                    return Err(cx.unsupported(ctx, "a kernel larger than the padded input"));
                }
                g.output[i] = (padded - ek) / g.strides[i] + 1;
            }
            "VALID" => {
                if input[i] < ek {
                    return Err(cx.unsupported(ctx, "a kernel larger than the input"));
                }
                g.output[i] = (input[i] - ek) / g.strides[i] + 1;
            }
            "SAME_UPPER" | "SAME_LOWER" => {
                let o = (input[i] + g.strides[i] - 1) / g.strides[i];
                let total = ((o.max(1) - 1) * g.strides[i] + ek - input[i]).max(0);
                let small = total / 2;
                if auto_pad == "SAME_UPPER" {
                    g.pad_begin[i] = small;
                    g.pad_end[i] = total - small;
                } else {
                    g.pad_begin[i] = total - small;
                    g.pad_end[i] = small;
                }
                g.output[i] = o;
            }
            other => return Err(cx.unsupported(ctx, format!("auto_pad '{other}'"))),
        }
    }
    Ok(g)
}

#[derive(Clone)]
struct ConvShape {
    n: i64,
    c: i64,
    cout: i64,
    group: i64,
    g: Geom,
    /// X is `[n, spatial..., c]` and Y `[n, spatial..., cout]` (`layout = "NHWC"`).
    nhwc: bool,
    /// X is `[n, c / 16, spatial..., 16]` and Y `[n, cout / 16, spatial..., 16]` (`layout =
    /// "NCHW16c"`).
    blocked: bool,
}

fn conv(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let xs = cx.operand_shape(ctx, 0);
    let ws = cx.operand_shape(ctx, 1);
    // flowc's `layout`: "NHWC" puts the channels last in X and Y, "NCHW16c" blocks them by 16
    // (X one dim more than W); W is unchanged.
    let (nhwc, blocked) = match cx.attr_str(ctx, "layout").unwrap_or("NCHW") {
        "NCHW" => (false, false),
        "NHWC" => (true, false),
        flowc_flow::CONV_BLOCKED => (false, true),
        other => return Err(cx.unsupported(ctx, format!("layout '{other}'"))),
    };
    if ws.len() < 3 || xs.len() != ws.len() + usize::from(blocked) {
        return Err(cx.unsupported(ctx, "these operand ranks"));
    }
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() || cx.operand_elem(ctx, 1)? != e || cx.result_elem(ctx, 0)? != e {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let has_bias = cx.has_operand(ctx, 2);
    if has_bias && (cx.operand_elem(ctx, 2)? != e || cx.operand_shape(ctx, 2) != [ws[0]]) {
        return Err(cx.unsupported(ctx, "this bias"));
    }
    let group = cx.attr_i64(ctx, "group", 1);
    const LANES: i64 = flowc_flow::CONV_BLOCK;
    let (c, spatial) = if nhwc {
        (xs[xs.len() - 1], &xs[1..xs.len() - 1])
    } else if blocked {
        if xs[xs.len() - 1] != LANES || group != 1 || ws[0] % LANES != 0 {
            return Err(cx.unsupported(
                ctx,
                "a blocked conv other than one group of 16-channel blocks",
            ));
        }
        (xs[1] * LANES, &xs[2..xs.len() - 1])
    } else {
        (xs[1], &xs[2..])
    };
    let (n, cout) = (xs[0], ws[0]);
    if group <= 0 || c % group != 0 || cout % group != 0 || ws[1] * group != c {
        return Err(cx.unsupported(ctx, "these channel counts and group"));
    }
    let kernel = ws[2..].to_vec();
    if let Some(k) = cx.attr_ints(ctx, "kernel_shape")
        && k != kernel
    {
        return Err(cx.unsupported(ctx, "a kernel_shape other than W's"));
    }
    let g = conv_geometry(ctx, cx, spatial, &kernel)?;
    let out_shape: Vec<i64> = if nhwc {
        [n].iter()
            .chain(&g.output)
            .chain(&[cout])
            .copied()
            .collect()
    } else if blocked {
        [n, cout / LANES]
            .iter()
            .chain(&g.output)
            .chain(&[LANES])
            .copied()
            .collect()
    } else {
        [n, cout].iter().chain(&g.output).copied().collect()
    };
    if cx.result_shape(ctx, 0) != out_shape {
        return Err(cx.unsupported(ctx, "a result shape other than the geometry's"));
    }
    let shape = ConvShape {
        n,
        c,
        cout,
        group,
        g,
        nhwc,
        blocked,
    };
    // On the GPU, f32 1-D / 2-D NCHW convolutions take the GPU kernels (gpu_conv.rs).
    if cx.target() == crate::KernelTarget::Gpu
        && e == Elem::Float(FloatKind::F32)
        && cx.attr_str(ctx, "layout").is_none_or(|l| l == "NCHW")
        && xs.len() <= 4
        && xs.iter().chain(&out_shape).all(|&d| d > 0)
    {
        let s = as_2d(shape.clone());
        let dims = [s.n, s.c, s.cout, s.group];
        if crate::gpu_library::conv(ctx, cx, dims, &s.g, has_bias)? {
            return Ok(());
        }
        return crate::gpu_conv::conv(ctx, cx, dims, &s.g, has_bias);
    }
    let out_elems: i64 = out_shape.iter().product();
    let f32k = Elem::Float(FloatKind::F32);
    let gemm_ok = e == f32k && spatial.len() <= 2 && out_elems > 0 && xs.iter().all(|&d| d > 0);
    if blocked {
        // Constant weights (what flow-saturate's layout rules produce) on the CPU: the blocked
        // direct kernel; anything else (the GPU included) the direct loop nest, which reads
        // and writes the blocked layout as it is.
        let weights = cx
            .constant_operand(ctx, 1)
            .and_then(|a| gemm::f32_constant(ctx, a));
        if let (true, crate::KernelTarget::Cpu, Some(wdata)) = (gemm_ok, cx.target(), weights) {
            return conv_blocked(ctx, cx, &as_2d(shape), has_bias, &wdata);
        }
        return conv_direct(ctx, cx, &shape, e, has_bias, None);
    }
    if nhwc {
        // Constant weights (what flow-saturate's layout rules produce): depthwise convs take
        // the channel-vector kernel, one group the channels-last GEMM; anything else the
        // direct loop nest.
        let weights = cx
            .constant_operand(ctx, 1)
            .and_then(|a| gemm::f32_constant(ctx, a));
        let khw: i64 = shape.g.kernel.iter().product();
        if let (true, true, Some(wdata)) = (gemm_ok, group == c && cout == c, &weights) {
            return conv_depthwise_nhwc(ctx, cx, &as_2d(shape), has_bias, wdata);
        }
        if let (true, 1, true, Some(wdata)) = (gemm_ok, group, khw <= 1024, weights) {
            return conv_gemm_nhwc(ctx, cx, &as_2d(shape), has_bias, &wdata);
        }
        return conv_direct(ctx, cx, &shape, e, has_bias, None);
    }
    if gemm_ok {
        let shape = as_2d(shape.clone());
        let khw: i64 = shape.g.kernel.iter().product();
        if group == c && cout == c && khw <= 64 && depthwise_stack_bytes(&shape.g) <= STACK_LIMIT {
            return depthwise(ctx, cx, &shape, has_bias);
        }
        // (The stack blocks of the GEMM path hold whole kernel windows: huge kernels take the
        // direct loop nest.)
        if khw <= 1024 {
            return conv_gemm(ctx, cx, &shape, has_bias);
        }
    }
    conv_direct(ctx, cx, &shape, e, has_bias, None)
}

/// ConvInteger: `sum (x - x_zero_point) * (w - w_zero_point)` in i32 (the weight zero point a
/// scalar or one per output channel), through the direct loop nest.
fn conv_integer(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let xs = cx.operand_shape(ctx, 0);
    let ws = cx.operand_shape(ctx, 1);
    if xs.len() < 3 || ws.len() != xs.len() {
        return Err(cx.unsupported(ctx, "these operand ranks"));
    }
    let xe = cx.operand_elem(ctx, 0)?;
    let we = cx.operand_elem(ctx, 1)?;
    let i32k = Elem::Int {
        width: 32,
        signed: true,
    };
    let small_int = |e: Elem| matches!(e, Elem::Int { width: 8, .. });
    if !small_int(xe) || !small_int(we) || cx.result_elem(ctx, 0)? != i32k {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let group = cx.attr_i64(ctx, "group", 1);
    let (n, c, cout) = (xs[0], xs[1], ws[0]);
    if group <= 0 || c % group != 0 || cout % group != 0 || ws[1] * group != c {
        return Err(cx.unsupported(ctx, "these channel counts and group"));
    }
    let g = conv_geometry(ctx, cx, &xs[2..], &ws[2..])?;
    let mut out_shape = vec![n, cout];
    out_shape.extend(&g.output);
    if cx.result_shape(ctx, 0) != out_shape {
        return Err(cx.unsupported(ctx, "a result shape other than the geometry's"));
    }
    let zp_len = |i: usize| -> Option<i64> {
        cx.has_operand(ctx, i)
            .then(|| cx.operand_shape(ctx, i).iter().product())
    };
    let xzp = zp_len(2);
    let wzp = zp_len(3);
    if xzp.is_some_and(|l| l != 1) || wzp.is_some_and(|l| l != 1 && l != cout) {
        return Err(cx.unsupported(ctx, "these zero point shapes"));
    }
    let int = IntConv {
        x: xe,
        w: we,
        xzp: xzp.is_some(),
        wzp: wzp.map(|l| l > 1),
    };
    let shape = ConvShape {
        n,
        c,
        cout,
        group,
        g,
        nhwc: false,
        blocked: false,
    };
    conv_direct(ctx, cx, &shape, i32k, false, Some(int))
}

/// The integer mode of the direct loop nest (ConvInteger): operand element kinds and which zero
/// points are given (`wzp`: per output channel or not).
#[derive(Clone, Copy, Debug)]
struct IntConv {
    x: Elem,
    w: Elem,
    xzp: bool,
    wzp: Option<bool>,
}

/// Loads an 8-bit integer element widened to i32.
fn load_i32(kb: &mut Kb<'_>, e: Elem, mem: Value, idx: &[Value]) -> Value {
    let v = kb.load(mem, idx);
    let i32t = kb.ctx.integer_type(32);
    let signed = matches!(e, Elem::Int { signed: true, .. });
    kb.cast(if signed { "arith.extsi" } else { "arith.extui" }, v, i32t)
}

/// A 1-D convolution as a 2-D one with height 1.
fn as_2d(s: ConvShape) -> ConvShape {
    if s.g.input.len() == 2 {
        return s;
    }
    let mut g = s.g;
    g.input.insert(0, 1);
    g.kernel.insert(0, 1);
    g.strides.insert(0, 1);
    g.dilations.insert(0, 1);
    g.pad_begin.insert(0, 0);
    g.pad_end.insert(0, 0);
    g.output.insert(0, 1);
    ConvShape { g, ..s }
}

/// Blocks for a convolution's GEMM: all output channels in one block when the B side is packed
/// (so that each packed block serves every channel), split only when there are too few tasks.
fn conv_blocks(
    batch: i64,
    m: i64,
    n: i64,
    k: i64,
    direct: bool,
    max_panels: i64,
) -> ((i64, i64), (i64, i64)) {
    if direct {
        return crate::matmul::choose_blocks(batch, m, n, k);
    }
    let mt = (m + MR - 1) / MR;
    let np = (n + NR - 1) / NR;
    let flops = 2.0 * (batch * m * n * k) as f64;
    let want = ((flops / 4e6) as i64).clamp(1, 8);
    let (mut max_t, mut max_p) = (mt, max_panels);
    loop {
        let (mb, tpb) = split(mt, max_t);
        let (nbk, ppb) = split(np, max_p);
        if batch * mb * nbk >= want {
            return ((mb, tpb), (nbk, ppb));
        }
        if max_p > 1 && nbk < np {
            max_p = (max_p + 1) / 2;
        } else if max_t > 1 {
            max_t = (max_t + 1) / 2;
        } else {
            return ((mb, tpb), (nbk, ppb));
        }
    }
}

fn split(total: i64, max: i64) -> (i64, i64) {
    let blocks = (total + max - 1) / max;
    let per = (total + blocks - 1) / blocks;
    ((total + per - 1) / per, per)
}

/// Ceil division of a possibly negative numerator by a positive divisor.
fn ceil_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b) + i64::from(a.rem_euclid(b) != 0)
}

/// Where a convolution's GEMM reads its B side (im2col(X)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BMode {
    /// 1x1, stride 1, no padding: X itself, `[images * C, H * W]` (the tail panel is copied).
    Direct,
    /// im2col materialized once by a kernel into `[images * C * KH * KW, N rounded to 16]`:
    /// small images, where tasks must split the output channels and would each repack.
    Im2col,
    /// Packed per task and block of k on the stack.
    Packed,
}

fn conv_gemm(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    has_bias: bool,
) -> Result<(), Diagnostic> {
    let g = &s.g;
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (sh, sw) = (g.strides[0], g.strides[1]);
    let (dh, dw) = (g.dilations[0], g.dilations[1]);
    let (ph, pw) = (g.pad_begin[0], g.pad_begin[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (nimg, c, cout, group) = (s.n, s.c, s.cout, s.group);
    let cg = c / group;
    let m = cout / group;
    let khw = kh * kw;
    let k = cg * khw;
    let npos = oh * ow;
    let npad = (npos + VL - 1) / VL * VL;
    let pointwise = khw == 1
        && sh == 1
        && sw == 1
        && g.pad_begin.iter().chain(&g.pad_end).all(|&p| p == 0)
        && oh == h
        && ow == w;
    // Channels per block of k when packing per task (whole channels, so that packing loops
    // over (c, ky, kx)); the packed block [cb * khw, ppb * NR] stays within 256 KiB of stack.
    let cb = (KC / khw).max(1).min(cg);
    let max_panels = ((256 * 1024 / 4) / (cb * khw * NR)).clamp(1, 10);
    if npos <= 64 && m >= 64 {
        return conv_gemm_t(ctx, cx, s, has_bias, pointwise);
    }
    let mode = if pointwise {
        BMode::Direct
    } else {
        let ((mb, _), _) = conv_blocks(nimg * group, m, npos, k, false, max_panels);
        if mb > 1 && nimg * c * khw * npad * 4 <= 64 << 20 {
            BMode::Im2col
        } else {
            BMode::Packed
        }
    };
    let x = cx.input(ctx, 0)?;
    let wp = gemm::packed_operand(ctx, cx, 1, [group, k, m], true, MR, "conv_w")?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let geo = PackGeo {
        h,
        w,
        kh,
        kw,
        sh,
        sw,
        dh,
        dw,
        ph,
        pw,
        ow,
    };
    // The B source given to the GEMM kernel.
    let bsrc = if mode == BMode::Im2col {
        im2col_buffer(ctx, cx, x, nimg * c, npos, npad, &geo)?
    } else {
        x
    };
    // Every block of channels reads all of its columns of B: split the positions first.
    let ((mblocks, tpb), (nblocks, ppb)) = match mode {
        BMode::Packed => conv_blocks(nimg * group, m, npos, k, false, max_panels),
        BMode::Im2col => conv_blocks(nimg * group, m, npos, k, false, 10),
        BMode::Direct => crate::matmul::choose_blocks(nimg * group, m, npos, k),
    };
    let ncb = ppb * NR;
    let mp = (m + MR - 1) / MR;
    let nkb = if mode == BMode::Packed {
        (cg + cb - 1) / cb
    } else {
        (k + KC - 1) / KC
    };
    let mut args = vec![bsrc, wp];
    args.extend(bias);
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    cx.kernel(ctx, "conv", &args, |kb, args| {
        let bmem = match mode {
            BMode::Direct => gemm::view(kb, args[0], vec![nimg * c, npos]),
            BMode::Im2col => args[0],
            BMode::Packed => gemm::view(kb, args[0], vec![nimg * c, h, w]),
        };
        let wp = args[1];
        let o2 = gemm::view(kb, *args.last().expect("output"), vec![nimg * cout, npos]);
        let tmp = gemm::alloca(kb, vec![VL]);
        let bbuf = match mode {
            BMode::Direct => Some(gemm::alloca(kb, vec![KC.min(k), NR])),
            BMode::Im2col => None,
            BMode::Packed => Some(gemm::alloca(kb, vec![cb * khw, ncb])),
        };
        let nargs = args.len();
        let bound = tail.as_ref().map(|t| {
            t.bind(
                kb,
                &args[nargs - 1 - ntail..nargs - 1],
                &[nimg * cout, npos],
            )
        });
        let epi = Epilogue {
            out: o2,
            alpha: 1.0,
            bias: match bias {
                Some(_) => Bias::Row(args[2]),
                None => Bias::None,
            },
            tmp,
            tail: bound.as_ref(),
        };
        kb.parallel(&[nimg * group, mblocks, nblocks], |kb, ivs| {
            let (bg, mi, ni) = (ivs[0], ivs[1], ivs[2]);
            let gv = kb.index(group);
            let b = kb.binary("arith.divui", bg, gv);
            let gi = kb.binary("arith.remui", bg, gv);
            let block =
                crate::matmul::block_of(kb, mi, mblocks, tpb, m, MR, ni, nblocks, ppb, npos, NR);
            let m0 = mul_const(kb, mi, tpb * MR);
            let n0 = mul_const(kb, ni, ppb * NR);
            // Columns of this block.
            let ncols = {
                let np = kb.index(npos);
                let rest = kb.subi(np, n0);
                let cap = kb.index(ncb);
                kb.binary("arith.minsi", rest, cap)
            };
            // First input plane of the group (also the first B row in rows modes, times khw),
            // first output row, first weight panel.
            let cbase = kb.mul_add_index(gi, cg, None);
            let plane0 = kb.mul_add_index(b, c, Some(cbase));
            let brows0 = mul_const(kb, plane0, khw);
            let gm = kb.mul_add_index(gi, m, None);
            let brow0 = kb.addi(gm, m0);
            let orow0 = kb.mul_add_index(b, cout, Some(brow0));
            let gp = kb.mul_add_index(gi, mp, None);
            let tile0 = kb.index(tpb);
            let tile0 = kb.muli(mi, tile0);
            let panel0 = kb.addi(gp, tile0);
            let lb = kb.index(0);
            let ub = kb.index(nkb);
            for_dyn(kb, lb, ub, |kb, kbi| {
                // (kbase, klen) in k of the group; clen channels from c0 when packing.
                let (kbase, klen, c0, clen) = if mode == BMode::Packed {
                    let c0 = mul_const(kb, kbi, cb);
                    let clen = if cg % cb == 0 {
                        kb.index(cb)
                    } else {
                        let cgv = kb.index(cg);
                        let rest = kb.subi(cgv, c0);
                        let cbv = kb.index(cb);
                        kb.binary("arith.minsi", rest, cbv)
                    };
                    let klen = mul_const(kb, clen, khw);
                    let kbase = mul_const(kb, c0, khw);
                    (kbase, klen, c0, clen)
                } else {
                    let kbase = mul_const(kb, kbi, KC);
                    let klen = if k % KC == 0 {
                        kb.index(KC)
                    } else {
                        let kv = kb.index(k);
                        let rest = kb.subi(kv, kbase);
                        let kcv = kb.index(KC);
                        kb.binary("arith.minsi", rest, kcv)
                    };
                    (kbase, klen, kbase, klen)
                };
                let first = if nkb == 1 {
                    First::Yes
                } else {
                    First::Cond(eq_const(kb, kbi, 0))
                };
                let last = (nkb > 1 && epi.tail.is_some()).then(|| eq_const(kb, kbi, nkb - 1));
                // First B row of this block of k in the rows modes.
                let brow_k = kb.addi(brows0, kbase);
                match mode {
                    BMode::Direct => {
                        // The tail panel (past the last full one) is copied with zero padding.
                        if let (Some((width, cond)), Some(bbuf)) = (block.n_tail, bbuf) {
                            gemm::maybe_if(kb, cond, |kb| {
                                let nf = block.n_full.value(kb);
                                let off = mul_const(kb, nf, NR);
                                let col0 = kb.addi(n0, off);
                                let lb = kb.index(0);
                                for_dyn(kb, lb, klen, |kb, p| {
                                    let row = kb.addi(brow_k, p);
                                    kb.for_range(width, |kb, j| {
                                        let col = kb.addi(col0, j);
                                        let v = kb.load(bmem, &[row, col]);
                                        kb.store(v, bbuf, &[p, j]);
                                    });
                                    let zero = gemm::fconst(kb, 0.0);
                                    let wv = kb.index(width);
                                    let hi = kb.index((width + VL - 1) / VL * VL);
                                    for_dyn(kb, wv, hi, |kb, j| kb.store(zero, bbuf, &[p, j]));
                                });
                            });
                        }
                    }
                    BMode::Packed => {
                        let bbuf = bbuf.expect("packed mode has a stack block");
                        let p0 = kb.addi(plane0, c0);
                        pack_im2col(kb, bmem, bbuf, p0, clen, n0, ncols, &geo);
                    }
                    BMode::Im2col => {}
                }
                let a_at = |kb: &mut Kb<'_>, tile: Value| ASrc::Packed {
                    mem: wp,
                    panel: kb.addi(panel0, tile),
                    kbase: Some(kbase),
                };
                let b_at = |kb: &mut Kb<'_>, panel: Value, tail: bool| match (mode, bbuf) {
                    (BMode::Packed, Some(bbuf)) => BSrc::Rows {
                        mem: bbuf,
                        col0: mul_const(kb, panel, NR),
                        kbase: None,
                    },
                    (BMode::Direct, Some(bbuf)) if tail => BSrc::Rows {
                        mem: bbuf,
                        col0: kb.index(0),
                        kbase: None,
                    },
                    _ => {
                        let off = mul_const(kb, panel, NR);
                        BSrc::Rows {
                            mem: bmem,
                            col0: kb.addi(n0, off),
                            kbase: Some(brow_k),
                        }
                    }
                };
                let origin = gemm::BlockOrigin {
                    out_row: orow0,
                    bias_row: brow0,
                    col: n0,
                };
                gemm::macro_tile_stored(kb, klen, block, &a_at, &b_at, &epi, origin, first, last);
            });
        });
        Ok(())
    })
}

/// NHWC (channels-last) f32 2-D Conv with one group and constant weights, as one GEMM over all
/// images: `Y[N * OH * OW, M] = A[N * OH * OW, K] · W'[K, M]`, `K = KH * KW * C` ordered
/// (ky, kx, c), so that each (output position, kernel tap) of A is a contiguous run of input
/// channels. W' is W `[M, C, KH, KW]` permuted to `[M, KH, KW, C]` and packed into
/// `[panels, K, NR]` panels at compile time. A is X itself (`[N * H * W, C]`) for 1x1 stride-1
/// unpadded convolutions; otherwise each task packs its rows of A per block of k into a
/// row-major stack block (channel runs copied, taps in the padding as zeros). Blocks of k are
/// whole taps of all channels (`KC / C` taps), or for more than `KC` channels one tap's
/// channels in runs of `KC`: either way a contiguous range of K. Y is row-major
/// `[positions, M]`: the bias is a row vector added per column (Gemm's `C` of `[1, M]`), and the
/// fused tail is bound to Y's own shape. Tasks are (block of positions, block of channels).
fn conv_gemm_nhwc(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    has_bias: bool,
    wdata: &[f32],
) -> Result<(), Diagnostic> {
    let g = &s.g;
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (sh, sw) = (g.strides[0], g.strides[1]);
    let (dh, dw) = (g.dilations[0], g.dilations[1]);
    let (ph, pw) = (g.pad_begin[0], g.pad_begin[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (nimg, c, m) = (s.n, s.c, s.cout);
    let khw = kh * kw;
    let k = khw * c;
    let npos = oh * ow;
    let rows = nimg * npos;
    let pointwise = khw == 1
        && sh == 1
        && sw == 1
        && g.pad_begin.iter().chain(&g.pad_end).all(|&p| p == 0)
        && oh == h
        && ow == w;
    // W [M, C, KH, KW] -> [M, (ky, kx, c)], packed as B(p, j) = W'[j, p].
    let mut wperm = vec![0f32; (m * k) as usize];
    for (mi, row) in wperm.chunks_mut(k as usize).enumerate() {
        for ci in 0..c {
            for t in 0..khw {
                row[(t * c + ci) as usize] = wdata[((mi as i64 * c + ci) * khw + t) as usize];
            }
        }
    }
    let packed = gemm::pack_panels(&wperm, k as usize, m as usize, true, NR as usize);
    let panels = (m + NR - 1) / NR;
    let f32t = ctx.f32_type();
    let wshape = vec![panels, k, NR];
    let wty = ctx.memref_type(wshape.clone(), f32t);
    let wattr = gemm::f32_resource(ctx, "conv_w_nhwc", wshape, &packed);
    let wp = cx.weight(ctx, wattr, wty);
    // Blocks of k: `tb` taps of `cb` channels (tb > 1 only when cb = C).
    let (tb, cb) = if c >= KC {
        (1, KC)
    } else {
        ((KC / c).clamp(1, khw), c)
    };
    let cblocks = (c + cb - 1) / cb;
    let nkb = (khw + tb - 1) / tb * cblocks;
    let ((mblocks, tpb), (nblocks, ppb)) = crate::matmul::choose_blocks(1, rows, m, k);
    let x = cx.input(ctx, 0)?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let mut args = vec![x, wp];
    args.extend(bias);
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    cx.kernel(ctx, "conv_nhwc", &args, |kb, args| {
        let x2 = gemm::view(kb, args[0], vec![nimg * h * w, c]);
        let wp = args[1];
        let o2 = gemm::view(kb, *args.last().expect("output"), vec![rows, m]);
        let tmp = gemm::alloca(kb, vec![VL]);
        let abuf = (!pointwise).then(|| gemm::alloca(kb, vec![tpb * MR, tb * cb]));
        let nargs = args.len();
        let bound = tail
            .as_ref()
            .map(|t| t.bind(kb, &args[nargs - 1 - ntail..nargs - 1], &[rows, m]));
        let epi = Epilogue {
            out: o2,
            alpha: 1.0,
            bias: match bias {
                Some(_) => Bias::Gemm {
                    mem: gemm::view(kb, args[2], vec![1, m]),
                    rows: false,
                    cols: true,
                    beta: 1.0,
                },
                None => Bias::None,
            },
            tmp,
            tail: bound.as_ref(),
        };
        kb.parallel(&[mblocks, nblocks], |kb, ivs| {
            let (mi, ni) = (ivs[0], ivs[1]);
            let block =
                crate::matmul::block_of(kb, mi, mblocks, tpb, rows, MR, ni, nblocks, ppb, m, NR);
            let m0 = mul_const(kb, mi, tpb * MR);
            let n0 = mul_const(kb, ni, ppb * NR);
            let panel0 = mul_const(kb, ni, ppb);
            // Rows of A this task packs.
            let nrows = {
                let r = kb.index(rows);
                let rest = kb.subi(r, m0);
                let cap = kb.index(tpb * MR);
                kb.binary("arith.minsi", rest, cap)
            };
            let lb = kb.index(0);
            let ub = kb.index(nkb);
            for_dyn(kb, lb, ub, |kb, kbi| {
                // Taps [t0, t0 + tlen) of channels [c0, c0 + clen): K from t0 * C + c0.
                let cbv = kb.index(cblocks);
                let ti = kb.binary("arith.divui", kbi, cbv);
                let ci = kb.binary("arith.remui", kbi, cbv);
                let t0 = mul_const(kb, ti, tb);
                let c0 = mul_const(kb, ci, cb);
                let min_rest = |kb: &mut Kb<'_>, total: i64, start: Value, cap: i64| {
                    if total % cap == 0 {
                        kb.index(cap)
                    } else {
                        let tv = kb.index(total);
                        let rest = kb.subi(tv, start);
                        let capv = kb.index(cap);
                        kb.binary("arith.minsi", rest, capv)
                    }
                };
                let tlen = min_rest(kb, khw, t0, tb);
                let clen = min_rest(kb, c, c0, cb);
                let klen = kb.muli(tlen, clen);
                let kt = mul_const(kb, t0, c);
                let kbase = kb.addi(kt, c0);
                if let Some(abuf) = abuf {
                    let geo = PackGeo {
                        h,
                        w,
                        kh,
                        kw,
                        sh,
                        sw,
                        dh,
                        dw,
                        ph,
                        pw,
                        ow,
                    };
                    pack_rows_nhwc(kb, x2, abuf, m0, nrows, (t0, tlen), (c0, clen), npos, &geo);
                }
                let first = if nkb == 1 {
                    First::Yes
                } else {
                    First::Cond(eq_const(kb, kbi, 0))
                };
                let last = (nkb > 1 && epi.tail.is_some()).then(|| eq_const(kb, kbi, nkb - 1));
                let a_at = |kb: &mut Kb<'_>, tile: Value| {
                    let off = mul_const(kb, tile, MR);
                    match abuf {
                        Some(abuf) => ASrc::Rows {
                            mem: abuf,
                            row0: off,
                            kbase: None,
                        },
                        None => ASrc::Rows {
                            mem: x2,
                            row0: kb.addi(m0, off),
                            kbase: Some(kbase),
                        },
                    }
                };
                let b_at = |kb: &mut Kb<'_>, panel: Value, _tail: bool| BSrc::Packed {
                    mem: wp,
                    panel: kb.addi(panel0, panel),
                    kbase: Some(kbase),
                };
                let origin = gemm::BlockOrigin {
                    out_row: m0,
                    bias_row: m0,
                    col: n0,
                };
                gemm::macro_tile_stored(kb, klen, block, &a_at, &b_at, &epi, origin, first, last);
            });
        });
        Ok(())
    })
}

/// NHWC depthwise f32 Conv (group = C = M) with constant weights: vectors run over the
/// channels, which are contiguous in X, in W' and in Y, so no packing is needed. W
/// `[C, 1, KH, KW]` is transposed at compile time to W' `[KH * KW, C]`. One task per (image,
/// output row); per output position and block of 16 channels the taps are unrolled, a tap in
/// the padding skipped (a branch per tap, the same for every block of the position); the
/// channels past the last multiple of 16 one at a time. The bias starts the sum; the fused tail
/// is applied to each output right after it is stored.
fn conv_depthwise_nhwc(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    has_bias: bool,
    wdata: &[f32],
) -> Result<(), Diagnostic> {
    let g = s.g.clone();
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (nimg, c) = (s.n, s.c);
    let khw = kh * kw;
    let mut wt = vec![0f32; (khw * c) as usize];
    for ci in 0..c {
        for t in 0..khw {
            wt[(t * c + ci) as usize] = wdata[(ci * khw + t) as usize];
        }
    }
    let f32t = ctx.f32_type();
    let wty = ctx.memref_type(vec![khw, c], f32t);
    let wattr = gemm::f32_resource(ctx, "conv_dw_nhwc", vec![khw, c], &wt);
    let wv = cx.weight(ctx, wattr, wty);
    let x = cx.input(ctx, 0)?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let mut args = vec![x, wv];
    args.extend(bias);
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    let rows = nimg * oh * ow;
    let nvec = c / VL;
    cx.kernel(ctx, "conv_dw_nhwc", &args, |kb, args| {
        let x4 = gemm::view(kb, args[0], vec![nimg, h, w, c]);
        let wt = args[1];
        let bias = bias.map(|_| args[2]);
        let o2 = gemm::view(kb, *args.last().expect("output"), vec![rows, c]);
        let nargs = args.len();
        let bound = tail
            .as_ref()
            .map(|t| t.bind(kb, &args[nargs - 1 - ntail..nargs - 1], &[rows, c]));
        kb.parallel(&[nimg * oh], |kb, ivs| {
            let row = ivs[0];
            let ohv = kb.index(oh);
            let b = kb.binary("arith.divui", row, ohv);
            let oy = kb.binary("arith.remui", row, ohv);
            kb.for_range(ow, |kb, ox| {
                let pos = kb.mul_add_index(row, ow, Some(ox));
                // Per tap: (tap index, input row, input column, inside the image).
                let zero_i = kb.index(0);
                let hv = kb.index(h);
                let wvv = kb.index(w);
                let mut taps = Vec::with_capacity(khw as usize);
                for ky in 0..kh {
                    let iy = mul_const(kb, oy, g.strides[0]);
                    let iy = add_const(kb, iy, ky * g.dilations[0] - g.pad_begin[0]);
                    for kx in 0..kw {
                        let ix = mul_const(kb, ox, g.strides[1]);
                        let ix = add_const(kb, ix, kx * g.dilations[1] - g.pad_begin[1]);
                        let mut ok = kb.cmp(false, cmpi::SGE, iy, zero_i);
                        for (v, lo, hi) in [(iy, None, hv), (ix, Some(zero_i), wvv)] {
                            if let Some(lo) = lo {
                                let ge = kb.cmp(false, cmpi::SGE, v, lo);
                                ok = kb.binary("arith.andi", ok, ge);
                            }
                            let lt = kb.cmp(false, cmpi::SLT, v, hi);
                            ok = kb.binary("arith.andi", ok, lt);
                        }
                        taps.push((kb.index(ky * kw + kx), iy, ix, ok));
                    }
                }
                // One block of channels from `c0`: 16 lanes, or one channel.
                let block = |kb: &mut Kb<'_>, c0: Value, vector: bool| {
                    let ty = if vector {
                        gemm::vec_t(kb)
                    } else {
                        gemm::f32t(kb)
                    };
                    let mut acc = match (bias, vector) {
                        (Some(bm), true) => vload(kb, bm, &[c0]),
                        (Some(bm), false) => kb.load(bm, &[c0]),
                        (None, v) => {
                            let z = gemm::fconst(kb, 0.0);
                            if v { bcast(kb, z) } else { z }
                        }
                    };
                    for &(t, iy, ix, ok) in &taps {
                        let a = acc;
                        acc = kb.if_else(
                            ok,
                            &[ty],
                            |kb| {
                                let idx = [b, iy, ix, c0];
                                if vector {
                                    let xv = vload(kb, x4, &idx);
                                    let wv = vload(kb, wt, &[t, c0]);
                                    vec![vfma(kb, xv, wv, a)]
                                } else {
                                    let xv = kb.load(x4, &idx);
                                    let wv = kb.load(wt, &[t, c0]);
                                    let p = kb.binary("arith.mulf", xv, wv);
                                    vec![kb.binary("arith.addf", a, p)]
                                }
                            },
                            Some(Box::new(move |_kb: &mut Kb<'_>| vec![a])),
                        )[0];
                    }
                    if vector {
                        vstore(kb, acc, o2, &[pos, c0]);
                    } else {
                        kb.store(acc, o2, &[pos, c0]);
                    }
                    if let Some(t) = &bound {
                        let lanes = if vector { VL } else { 1 };
                        kb.for_range(lanes, |kb, e| {
                            let col = kb.addi(c0, e);
                            t.apply(kb, o2, &[pos, col]);
                        });
                    }
                };
                // (No vector code at all under 16 channels: it would not verify.)
                if nvec > 0 {
                    kb.for_range(nvec, |kb, cv| {
                        let c0 = mul_const(kb, cv, VL);
                        block(kb, c0, true);
                    });
                }
                if c % VL != 0 {
                    kb.for_range(c % VL, |kb, e| {
                        let c0 = add_const(kb, e, nvec * VL);
                        block(kb, c0, false);
                    });
                }
            });
        });
        Ok(())
    })
}

/// Output columns per register tile of the blocked kernel: one 16-wide accumulator each, plus
/// one weight vector per kernel column and the broadcast inputs, within AVX-512's 32 registers
/// (measured, one thread, 3x3 over 64 channels at 56x56: 8 columns 0.99 ms, 14 columns 0.86 ms,
/// 24 columns 1.73 ms: spills).
const BLOCKED_TILE: i64 = 14;

/// Blocked f32 2-D Conv (`layout = "NCHW16c"`, one group) with constant weights, in the oneDNN
/// style. W `[M, C, KH, KW]` is re-packed at compile time to W' `[M / 16, C / 16, KH, KW, 16
/// (input lane), 16 (output lane)]`: the 16 output channels of a block for one input channel
/// and tap are one vector. One task per (image, output-channel block, output row); the row is
/// cut into tiles of up to [`BLOCKED_TILE`] columns with one accumulator vector per column
/// (started from the bias), summed over input-channel blocks, kernel rows (a row in the padding
/// skipped: one branch per tile and row, none when no output row reaches the vertical
/// padding), kernel columns and the 16 input channels of a block:
/// broadcast `X[n, icb, iy, ix, ci]`, fma with `W'[ocb, icb, ky, kx, ci, :]` (the kernel
/// columns unrolled: one weight vector each, reused by every column of the tile). The tiles at
/// the row's edges, whose windows reach into the left or right padding, have known columns:
/// the (column, tap) pairs in the padding are left out at compile time, so that no tile tests
/// a column at run time. The fused tail is applied to each column's 16
/// outputs right after they are stored.
fn conv_blocked(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    has_bias: bool,
    wdata: &[f32],
) -> Result<(), Diagnostic> {
    const L: i64 = flowc_flow::CONV_BLOCK;
    let g = s.g.clone();
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (sh, sw) = (g.strides[0], g.strides[1]);
    let (dh, dw) = (g.dilations[0], g.dilations[1]);
    let (ph, pw) = (g.pad_begin[0], g.pad_begin[1]);
    let (nimg, cb, mb) = (s.n, s.c / L, s.cout / L);
    // W'[ob, ib, tap, il, ol] = W[ob * 16 + ol, ib * 16 + il, tap].
    let (l, c, khw) = (L as usize, s.c as usize, (kh * kw) as usize);
    let mut wp = vec![0f32; wdata.len()];
    for m in 0..s.cout as usize {
        for ci in 0..c {
            for t in 0..khw {
                let (ob, ol, ib, il) = (m / l, m % l, ci / l, ci % l);
                let dst = (((ob * (c / l) + ib) * khw + t) * l + il) * l + ol;
                wp[dst] = wdata[(m * c + ci) * khw + t];
            }
        }
    }
    let wshape = vec![mb, cb, kh, kw, L, L];
    let f32t = ctx.f32_type();
    let wty = ctx.memref_type(wshape.clone(), f32t);
    let wattr = gemm::f32_resource(ctx, "conv_w_blocked", wshape, &wp);
    let wv = cx.weight(ctx, wattr, wty);
    let x = cx.input(ctx, 0)?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let mut args = vec![x, wv];
    args.extend(bias);
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    // Output columns [lo, hi) read no padding: ox * sw >= pw and ox * sw - pw + (kw - 1) * dw
    // <= w - 1.
    let lo = ceil_div(pw, sw).min(ow);
    let last = w - 1 + pw - (kw - 1) * dw;
    let hi = if last < 0 { 0 } else { last / sw + 1 }.clamp(lo, ow);
    // Columns [0, left) and [left + interior * tile, ow) are edge tiles (left: the columns
    // before `lo` rounded up to whole tiles), the rest whole interior tiles within [lo, hi).
    let left = if lo == 0 {
        0
    } else {
        (ceil_div(lo, BLOCKED_TILE) * BLOCKED_TILE).min(ow)
    };
    let interior = (hi - left).max(0) / BLOCKED_TILE;
    // Every kernel row of every output row inside the image (no vertical padding reached): no
    // row tests.
    let rows_inside = ph == 0 && (oh - 1) * sh + (kh - 1) * dh < h;
    let yshape = vec![nimg, mb, oh, ow, L];
    cx.kernel(ctx, "conv_blocked", &args, |kb, args| {
        let x5 = gemm::view(kb, args[0], vec![nimg, cb, h, w, L]);
        let w6 = args[1];
        let bias = bias.map(|_| args[2]);
        let y5 = gemm::view(kb, *args.last().expect("output"), yshape.clone());
        let nargs = args.len();
        let bound = tail
            .as_ref()
            .map(|t| t.bind(kb, &args[nargs - 1 - ntail..nargs - 1], &yshape));
        kb.parallel(&[nimg, mb, oh], |kb, ivs| {
            let (b, ocb, oy) = (ivs[0], ivs[1], ivs[2]);
            // `width` output columns from `ox0`; `at`: `ox0` is known (an edge tile), and a
            // (column, kernel column) pair whose input column is in the padding is left out at
            // compile time. Other tiles hold interior columns only.
            let tile = |kb: &mut Kb<'_>, ox0: Value, width: i64, at: Option<i64>| {
                let vt = gemm::vec_t(kb);
                let types = vec![vt; width as usize];
                let zero = kb.index(0);
                let init = match bias {
                    Some(bm) => {
                        let c0 = mul_const(kb, ocb, L);
                        vload(kb, bm, &[c0])
                    }
                    None => {
                        let z = gemm::fconst(kb, 0.0);
                        bcast(kb, z)
                    }
                };
                let inits = vec![init; width as usize];
                let iy0 = mul_const(kb, oy, sh);
                let iy0 = add_const(kb, iy0, -ph);
                let ix0 = mul_const(kb, ox0, sw);
                let ix0 = add_const(kb, ix0, -pw);
                let hv = kb.index(h);
                // Input column offsets (from ix0) of (column j, kernel column kx), in order.
                let mut pairs = Vec::new();
                for kx in 0..kw {
                    for j in 0..width {
                        let off = j * sw + kx * dw;
                        let inside = at.is_none_or(|o| (0..w).contains(&(o * sw - pw + off)));
                        if inside {
                            pairs.push((kx, j, off));
                        }
                    }
                }
                let accs = range_iter(kb, cb, &inits, |kb, icb, accs| {
                    range_iter(kb, kh, accs, |kb, ky, accs| {
                        let dy = mul_const(kb, ky, dh);
                        let iy = kb.addi(iy0, dy);
                        let row = |kb: &mut Kb<'_>, accs: &[Value]| {
                            range_iter(kb, L, accs, |kb, ci, accs| {
                                let mut next = accs.to_vec();
                                let mut wvecs = Vec::with_capacity(kw as usize);
                                for kx in 0..kw {
                                    let kxv = kb.index(kx);
                                    wvecs.push(vload(kb, w6, &[ocb, icb, ky, kxv, ci, zero]));
                                }
                                for &(kx, j, off) in &pairs {
                                    let ix = add_const(kb, ix0, off);
                                    let xs = kb.load(x5, &[b, icb, iy, ix, ci]);
                                    let xv = bcast(kb, xs);
                                    let jj = j as usize;
                                    next[jj] = vfma(kb, xv, wvecs[kx as usize], next[jj]);
                                }
                                next
                            })
                        };
                        if rows_inside {
                            return row(kb, accs);
                        }
                        let ge = kb.cmp(false, cmpi::SGE, iy, zero);
                        let lt = kb.cmp(false, cmpi::SLT, iy, hv);
                        let ok = kb.binary("arith.andi", ge, lt);
                        let skip = accs.to_vec();
                        kb.if_else(
                            ok,
                            &types,
                            |kb| row(kb, &skip),
                            Some(Box::new(move |_kb: &mut Kb<'_>| accs.to_vec())),
                        )
                    })
                });
                for (j, &acc) in accs.iter().enumerate() {
                    let ox = add_const(kb, ox0, j as i64);
                    vstore(kb, acc, y5, &[b, ocb, oy, ox, zero]);
                    if let Some(t) = &bound {
                        kb.for_range(L, |kb, lane| t.apply(kb, y5, &[b, ocb, oy, ox, lane]));
                    }
                }
            };
            // Edge tiles at known columns, interior tiles in a loop.
            let edge = |kb: &mut Kb<'_>, from: i64, to: i64| {
                let mut o = from;
                while o < to {
                    let width = BLOCKED_TILE.min(to - o);
                    let ox0 = kb.index(o);
                    tile(kb, ox0, width, Some(o));
                    o += width;
                }
            };
            edge(kb, 0, left);
            if interior > 0 {
                kb.for_range(interior, |kb, t| {
                    let ox0 = mul_const(kb, t, BLOCKED_TILE);
                    let ox0 = add_const(kb, ox0, left);
                    tile(kb, ox0, BLOCKED_TILE, None);
                });
            }
            edge(kb, left + interior * BLOCKED_TILE, ow);
        });
        Ok(())
    })
}

/// `for i in 0..n iter_args(inits)`: `body(kb, i, args)` returns the next values; returns the
/// loop's results.
fn range_iter(
    kb: &mut Kb<'_>,
    n: i64,
    inits: &[Value],
    body: impl FnOnce(&mut Kb<'_>, Value, &[Value]) -> Vec<Value>,
) -> Vec<Value> {
    let lb = kb.index(0);
    let ub = kb.index(n);
    let one = kb.index(1);
    kb.for_loop(lb, ub, one, inits, body)
}

/// Packs rows `[m0, m0 + nrows)` of the NHWC im2col matrix (row = output position over all
/// images, column = (tap, channel)) for taps `[t0, t0 + tlen)` and channels `[c0, c0 + clen)`
/// into `dst[r, tl * clen + cc]`: per (row, tap) one run of `clen` channels copied from
/// `x2[(img * H + iy) * W + ix, c0 ..]`, or zeros when the tap falls in the padding.
#[allow(clippy::too_many_arguments)]
fn pack_rows_nhwc(
    kb: &mut Kb<'_>,
    x2: Value,
    dst: Value,
    m0: Value,
    nrows: Value,
    (t0, tlen): (Value, Value),
    (c0, clen): (Value, Value),
    npos: i64,
    g: &PackGeo,
) {
    let lb = kb.index(0);
    for_dyn(kb, lb, nrows, |kb, r| {
        let pos = kb.addi(m0, r);
        let np = kb.index(npos);
        let img = kb.binary("arith.divui", pos, np);
        let rem = kb.binary("arith.remui", pos, np);
        let owv = kb.index(g.ow);
        let oy = kb.binary("arith.divui", rem, owv);
        let ox = kb.binary("arith.remui", rem, owv);
        let iy0 = mul_const(kb, oy, g.sh);
        let iy0 = add_const(kb, iy0, -g.ph);
        let ix0 = mul_const(kb, ox, g.sw);
        let ix0 = add_const(kb, ix0, -g.pw);
        let lb = kb.index(0);
        for_dyn(kb, lb, tlen, |kb, tl| {
            let tap = kb.addi(t0, tl);
            let kwv = kb.index(g.kw);
            let ky = kb.binary("arith.divui", tap, kwv);
            let kx = kb.binary("arith.remui", tap, kwv);
            let dy = mul_const(kb, ky, g.dh);
            let iy = kb.addi(iy0, dy);
            let dx = mul_const(kb, kx, g.dw);
            let ix = kb.addi(ix0, dx);
            let zero_i = kb.index(0);
            let hv = kb.index(g.h);
            let wv = kb.index(g.w);
            let mut valid = kb.cmp(false, cmpi::SGE, iy, zero_i);
            for (v, hi) in [(iy, hv), (ix, wv)] {
                let lt = kb.cmp(false, cmpi::SLT, v, hi);
                valid = kb.binary("arith.andi", valid, lt);
            }
            let ge = kb.cmp(false, cmpi::SGE, ix, zero_i);
            valid = kb.binary("arith.andi", valid, ge);
            let col0 = kb.muli(tl, clen);
            kb.if_else(
                valid,
                &[],
                |kb| {
                    let pix = kb.mul_add_index(img, g.h, Some(iy));
                    let pix = kb.mul_add_index(pix, g.w, Some(ix));
                    let lb = kb.index(0);
                    for_dyn(kb, lb, clen, |kb, cc| {
                        let ch = kb.addi(c0, cc);
                        let v = kb.load(x2, &[pix, ch]);
                        let col = kb.addi(col0, cc);
                        kb.store(v, dst, &[r, col]);
                    });
                    Vec::new()
                },
                Some(Box::new(move |kb: &mut Kb<'_>| {
                    let zero = gemm::fconst(kb, 0.0);
                    let lb = kb.index(0);
                    for_dyn(kb, lb, clen, |kb, cc| {
                        let col = kb.addi(col0, cc);
                        kb.store(zero, dst, &[r, col]);
                    });
                    Vec::new()
                })),
            );
        });
    });
}

/// A convolution with few output positions and many output channels, computed transposed:
/// `Y^T[positions, channels] = im2col(X)^T · W^T`, so that vectors run over output channels (no
/// waste on a 7x7 image) and the broadcast side is a row of im2col (X itself for 1x1 stride-1
/// convolutions, else the im2col buffer). W^T is packed into `[panels, K, NR]` panels. Each
/// task owns a block of channel panels and keeps its `Y^T` tiles in a stack buffer across the
/// blocks of k, then writes them transposed (with the bias) into the output.
fn conv_gemm_t(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    has_bias: bool,
    pointwise: bool,
) -> Result<(), Diagnostic> {
    let g = &s.g;
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (nimg, c, cout, group) = (s.n, s.c, s.cout, s.group);
    let cg = c / group;
    let m = cout / group;
    let khw = kh * kw;
    let k = cg * khw;
    let npos = oh * ow;
    let npad = (npos + VL - 1) / VL * VL;
    let npad8 = (npos + MR - 1) / MR * MR;
    let x = cx.input(ctx, 0)?;
    let bsrc = if pointwise {
        x
    } else {
        let geo = PackGeo {
            h,
            w,
            kh,
            kw,
            sh: g.strides[0],
            sw: g.strides[1],
            dh: g.dilations[0],
            dw: g.dilations[1],
            ph: g.pad_begin[0],
            pw: g.pad_begin[1],
            ow,
        };
        im2col_buffer(ctx, cx, x, nimg * c, npos, npad, &geo)?
    };
    let wt = gemm::packed_operand(ctx, cx, 1, [group, k, m], true, NR, "conv_w")?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    // Tasks: (image x group, block of channel panels).
    let npw = (m + NR - 1) / NR;
    let flops = 2.0 * (nimg * group * m * npos * k) as f64;
    // (Every task reads the whole im2col of its image: not more tasks than needed.)
    let want = ((flops / 4e6) as i64).clamp(1, 8);
    let mut max_p = 10;
    let (nblocks, ppb) = loop {
        let (b, per) = split(npw, max_p);
        if nimg * group * b >= want || max_p == 1 {
            break (b, per);
        }
        max_p = (max_p + 1) / 2;
    };
    let nkb = (k + KC - 1) / KC;
    let brows = if pointwise { nimg * c } else { nimg * c * khw };
    let bcols = if pointwise { npos } else { npad };
    let mut args = vec![bsrc, wt];
    args.extend(bias);
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    cx.kernel(ctx, "conv_t", &args, |kb, args| {
        let bmem = gemm::view(kb, args[0], vec![brows, bcols]);
        let wt = args[1];
        let o2 = gemm::view(kb, *args.last().expect("output"), vec![nimg * cout, npos]);
        let bias = bias.map(|_| args[2]);
        let tmp = gemm::alloca(kb, vec![VL]);
        let acc = gemm::alloca(kb, vec![ppb * npad8, NR]);
        let nargs = args.len();
        // The tail is applied when the transposed tiles are written out, not to `acc`.
        let bound = tail.as_ref().map(|t| {
            t.bind(
                kb,
                &args[nargs - 1 - ntail..nargs - 1],
                &[nimg * cout, npos],
            )
        });
        let epi = Epilogue {
            out: acc,
            alpha: 1.0,
            bias: Bias::None,
            tmp,
            tail: None,
        };
        kb.parallel(&[nimg * group, nblocks], |kb, ivs| {
            let (bg, ni) = (ivs[0], ivs[1]);
            let gv = kb.index(group);
            let b = kb.binary("arith.divui", bg, gv);
            let gi = kb.binary("arith.remui", bg, gv);
            // Positions are the rows of the tiles, channel panels the columns.
            let block = crate::matmul::block_of(kb, ni, 1, 1, npos, MR, ni, nblocks, ppb, m, NR);
            let block = gemm::Block {
                m_full: gemm::Count::Static(npos / MR),
                m_tail: (npos % MR != 0).then_some((npos % MR, None)),
                ..block
            };
            let cbase = kb.mul_add_index(gi, cg, None);
            let plane0 = kb.mul_add_index(b, c, Some(cbase));
            let brows0 = mul_const(kb, plane0, if pointwise { 1 } else { khw });
            let gp = kb.mul_add_index(gi, npw, None);
            let pfirst = mul_const(kb, ni, ppb);
            let panel0 = kb.addi(gp, pfirst);
            let lb = kb.index(0);
            let ub = kb.index(nkb);
            for_dyn(kb, lb, ub, |kb, kbi| {
                let kbase = mul_const(kb, kbi, KC);
                let klen = if k % KC == 0 {
                    kb.index(KC)
                } else {
                    let kv = kb.index(k);
                    let rest = kb.subi(kv, kbase);
                    let kcv = kb.index(KC);
                    kb.binary("arith.minsi", rest, kcv)
                };
                let first = if nkb == 1 {
                    First::Yes
                } else {
                    First::Cond(eq_const(kb, kbi, 0))
                };
                let brow_k = kb.addi(brows0, kbase);
                let a_at = |kb: &mut Kb<'_>, tile: Value| ASrc::Cols {
                    mem: bmem,
                    col0: mul_const(kb, tile, MR),
                    kbase: Some(brow_k),
                };
                let b_at = |kb: &mut Kb<'_>, panel: Value, _tail: bool| BSrc::Packed {
                    mem: wt,
                    panel: kb.addi(panel0, panel),
                    kbase: Some(kbase),
                };
                let store = |kb: &mut Kb<'_>,
                             accs: &[Value],
                             mr: i64,
                             nv: i64,
                             _width: i64,
                             tile: Value,
                             panel: Value| {
                    let p8 = mul_const(kb, panel, npad8);
                    let t8 = mul_const(kb, tile, MR);
                    let row = kb.addi(p8, t8);
                    let zero = kb.index(0);
                    gemm::store_tile(kb, &epi, accs, mr, nv, nv * VL, row, row, zero, first);
                };
                gemm::macro_tile(kb, klen, block, &a_at, &b_at, &store);
            });
            // Y[channel, position] = acc[panel * npad8 + position, channel % NR] (+ bias).
            let m0 = mul_const(kb, ni, ppb * NR);
            let mlen = {
                let mv = kb.index(m);
                let rest = kb.subi(mv, m0);
                let cap = kb.index(ppb * NR);
                kb.binary("arith.minsi", rest, cap)
            };
            let gm = kb.mul_add_index(gi, m, Some(m0));
            let orow0 = kb.mul_add_index(b, cout, Some(gm));
            let lb = kb.index(0);
            for_dyn(kb, lb, mlen, |kb, j| {
                let nrv = kb.index(NR);
                let pj = kb.binary("arith.divui", j, nrv);
                let cj = kb.binary("arith.remui", j, nrv);
                let prow = mul_const(kb, pj, npad8);
                let orow = kb.addi(orow0, j);
                let bv = bias.map(|bm| {
                    let bi = kb.addi(gm, j);
                    kb.load(bm, &[bi])
                });
                kb.for_range(npos, |kb, pos| {
                    let r = kb.addi(prow, pos);
                    let v = kb.load(acc, &[r, cj]);
                    let v = match bv {
                        Some(b) => kb.binary("arith.addf", v, b),
                        None => v,
                    };
                    let v = match &bound {
                        Some(t) => t.eval(kb, v, &[orow, pos]),
                        None => v,
                    };
                    kb.store(v, o2, &[orow, pos]);
                });
            });
        });
        Ok(())
    })
}

/// im2col of every image and channel, materialized once: `[planes * KH * KW, npad]` with row
/// `plane * KH * KW + ky * KW + kx`, zeros for padding and past column `npos`. The input offset
/// of each (kernel position, output position) comes from a compile-time table (-1 for padding),
/// so each row is one branch-free loop; one task per plane.
fn im2col_buffer(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    x: Value,
    planes: i64,
    npos: i64,
    npad: i64,
    g: &PackGeo,
) -> Result<Value, Diagnostic> {
    let khw = g.kh * g.kw;
    let mut table = Vec::with_capacity((khw * npos) as usize);
    for ky in 0..g.kh {
        for kx in 0..g.kw {
            for n in 0..npos {
                let (oy, ox) = (n / g.ow, n % g.ow);
                let iy = oy * g.sh + ky * g.dh - g.ph;
                let ix = ox * g.sw + kx * g.dw - g.pw;
                let inside = (0..g.h).contains(&iy) && (0..g.w).contains(&ix);
                table.push(if inside { (iy * g.w + ix) as i32 } else { -1 });
            }
        }
    }
    let i32t = ctx.integer_type(32);
    let tty = ctx.tensor_type(vec![khw, npos], i32t);
    let data: Vec<u8> = table.iter().flat_map(|v| v.to_le_bytes()).collect();
    let attr = ctx.intern_attr(flowc_ir::AttrData::DenseElements {
        ty: tty,
        splat: false,
        data,
    });
    let tmt = ctx.memref_type(vec![khw, npos], i32t);
    let tbl = cx.weight(ctx, attr, tmt);
    let f32t = ctx.f32_type();
    let bt = ctx.memref_type(vec![planes * khw, npad], f32t);
    let buf = cx.scratch(ctx, bt);
    let (h, w) = (g.h, g.w);
    cx.kernel(ctx, "im2col", &[x, tbl, buf], |kb, args| {
        let x2 = gemm::view(kb, args[0], vec![planes, h * w]);
        let (tbl, buf) = (args[1], args[2]);
        kb.parallel(&[planes], |kb, ivs| {
            let plane = ivs[0];
            let zero = gemm::fconst(kb, 0.0);
            let zi = kb.index(0);
            let row0 = mul_const(kb, plane, khw);
            kb.for_range(khw, |kb, kk| {
                let row = kb.addi(row0, kk);
                kb.for_range(npos, |kb, n| {
                    let t = kb.load(tbl, &[kk, n]);
                    let it = kb.ctx.index_type();
                    let t = kb.cast("arith.index_cast", t, it);
                    let tc = kb.binary("arith.maxsi", t, zi);
                    let v = kb.load(x2, &[plane, tc]);
                    let ok = kb.cmp(false, cmpi::SGE, t, zi);
                    let v = kb.select(ok, v, zero);
                    kb.store(v, buf, &[row, n]);
                });
                if npad > npos {
                    let lo = kb.index(npos);
                    let hi = kb.index(npad);
                    for_dyn(kb, lo, hi, |kb, n| kb.store(zero, buf, &[row, n]));
                }
            });
        });
        Ok(())
    })?;
    Ok(buf)
}

/// Static geometry for im2col packing.
struct PackGeo {
    h: i64,
    w: i64,
    kh: i64,
    kw: i64,
    sh: i64,
    sw: i64,
    dh: i64,
    dw: i64,
    ph: i64,
    pw: i64,
    ow: i64,
}

/// Packs the im2col block of channels `[plane0, plane0 + clen)` of `x3` (`[planes, H, W]`) and
/// output positions `[n0, n0 + ncols)` into `dst[(c * KH + ky) * KW + kx, n - n0]`, zeros for
/// padding; the columns up to the next multiple of 16 are zeroed too.
#[allow(clippy::too_many_arguments)]
fn pack_im2col(
    kb: &mut Kb<'_>,
    x3: Value,
    dst: Value,
    plane0: Value,
    clen: Value,
    n0: Value,
    ncols: Value,
    g: &PackGeo,
) {
    let owv = kb.index(g.ow);
    let one = kb.index(1);
    let oy_a = kb.binary("arith.divui", n0, owv);
    let nend = kb.addi(n0, ncols);
    let nlast = kb.subi(nend, one);
    let oy_b = kb.binary("arith.divui", nlast, owv);
    let oy_e = kb.addi(oy_b, one);
    // Zero the columns past ncols up to a multiple of 16 (read by the tail vectors).
    let rounded = {
        let c15 = add_const(kb, ncols, VL - 1);
        let v = kb.index(VL);
        let q = kb.binary("arith.divui", c15, v);
        kb.muli(q, v)
    };
    let rows = mul_const(kb, clen, g.kh * g.kw);
    let lb = kb.index(0);
    for_dyn(kb, lb, rows, |kb, r| {
        let zero = gemm::fconst(kb, 0.0);
        for_dyn(kb, ncols, rounded, |kb, j| kb.store(zero, dst, &[r, j]));
    });
    let lb = kb.index(0);
    for_dyn(kb, lb, clen, |kb, cl| {
        let plane = kb.addi(plane0, cl);
        kb.for_range(g.kh, |kb, ky| {
            for_dyn(kb, oy_a, oy_e, |kb, oy| {
                let zero_i = kb.index(0);
                let rowpos = kb.muli(oy, owv);
                let seg_a = {
                    let d = kb.subi(n0, rowpos);
                    kb.binary("arith.maxsi", d, zero_i)
                };
                let seg_b = {
                    let d = kb.subi(nend, rowpos);
                    kb.binary("arith.minsi", d, owv)
                };
                // dst column of output column ox: rowpos - n0 + ox.
                let base = kb.subi(rowpos, n0);
                let iy = {
                    let a = mul_const(kb, oy, g.sh);
                    let b = mul_const(kb, ky, g.dh);
                    let s = kb.addi(a, b);
                    add_const(kb, s, -g.ph)
                };
                let hv = kb.index(g.h);
                let ge0 = kb.cmp(false, cmpi::SGE, iy, zero_i);
                let lth = kb.cmp(false, cmpi::SLT, iy, hv);
                let valid = kb.binary("arith.andi", ge0, lth);
                let rowbase = {
                    let a = mul_const(kb, cl, g.kh);
                    let a = kb.addi(a, ky);
                    mul_const(kb, a, g.kw)
                };
                let zero = gemm::fconst(kb, 0.0);
                for kx in 0..g.kw {
                    let row = add_const(kb, rowbase, kx);
                    // Output columns whose input column is inside the image (static).
                    let off = kx * g.dw - g.pw;
                    let lo = ceil_div(-off, g.sw).clamp(0, g.ow);
                    let hi = (ceil_div(g.w - off, g.sw)).clamp(lo, g.ow);
                    let lov = kb.index(lo);
                    let hiv = kb.index(hi);
                    let c_lo = kb.binary("arith.maxsi", seg_a, lov);
                    let c_lo = kb.binary("arith.minsi", c_lo, seg_b);
                    let c_hi = kb.binary("arith.minsi", seg_b, hiv);
                    let c_hi = kb.binary("arith.maxsi", c_hi, c_lo);
                    let c_lo = kb.select(valid, c_lo, seg_b);
                    let c_hi = kb.select(valid, c_hi, seg_b);
                    for_dyn(kb, seg_a, c_lo, |kb, ox| {
                        let j = kb.addi(base, ox);
                        kb.store(zero, dst, &[row, j]);
                    });
                    for_dyn(kb, c_lo, c_hi, |kb, ox| {
                        let j = kb.addi(base, ox);
                        let ix = mul_const(kb, ox, g.sw);
                        let ix = add_const(kb, ix, off);
                        let v = kb.load(x3, &[plane, iy, ix]);
                        kb.store(v, dst, &[row, j]);
                    });
                    for_dyn(kb, c_hi, seg_b, |kb, ox| {
                        let j = kb.addi(base, ox);
                        kb.store(zero, dst, &[row, j]);
                    });
                }
            });
        });
    });
}

/// The most stack a kernel's buffers may take (worker threads have 2 MiB stacks).
const STACK_LIMIT: i64 = 512 * 1024;

/// Bytes of the depthwise kernel's padded plane (all stride phases).
fn depthwise_stack_bytes(g: &Geom) -> i64 {
    let hp = (g.output[0] - 1) * g.strides[0] + (g.kernel[0] - 1) * g.dilations[0] + 1;
    let nvec = (g.output[1] + VL - 1) / VL;
    let wq = nvec * VL + ((g.kernel[1] - 1) * g.dilations[1]) / g.strides[1];
    g.strides[1] * hp * wq * 4
}

/// Depthwise 2-D convolution (group = C = Cout), f32.
fn depthwise(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    has_bias: bool,
) -> Result<(), Diagnostic> {
    let g = &s.g;
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (sh, sw) = (g.strides[0], g.strides[1]);
    let (dh, dw) = (g.dilations[0], g.dilations[1]);
    let (ph, pw) = (g.pad_begin[0], g.pad_begin[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let (nimg, c) = (s.n, s.c);
    let nvec = (ow + VL - 1) / VL;
    // Padded plane rows, and columns per phase (a phase q holds padded columns q, q + sw, ...).
    let hp = (oh - 1) * sh + (kh - 1) * dh + 1;
    let wq = nvec * VL + ((kw - 1) * dw) / sw;
    let x = cx.input(ctx, 0)?;
    let wt = cx.input(ctx, 1)?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let mut args = vec![x, wt];
    args.extend(bias);
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    cx.kernel(ctx, "conv_dw", &args, |kb, args| {
        let x3 = gemm::view(kb, args[0], vec![nimg * c, h, w]);
        let w2 = gemm::view(kb, args[1], vec![c, kh * kw]);
        let o3 = gemm::view(kb, *args.last().expect("output"), vec![nimg * c, oh, ow]);
        let nargs = args.len();
        let bound = tail
            .as_ref()
            .map(|t| t.bind(kb, &args[nargs - 1 - ntail..nargs - 1], &[nimg * c, oh, ow]));
        let q = gemm::alloca(kb, vec![sw * hp, wq]);
        let tmp = gemm::alloca(kb, vec![VL]);
        kb.parallel(&[nimg * c], |kb, ivs| {
            let plane = ivs[0];
            let cv = kb.index(c);
            let ch = kb.binary("arith.remui", plane, cv);
            let zero = gemm::fconst(kb, 0.0);
            // Fill the phases: q[ph * hp + y, i] = x[y - ph, i * sw + phase - pw] or 0.
            let row_lo = ph.clamp(0, hp);
            let row_hi = (ph + h).clamp(row_lo, hp);
            for phase in 0..sw {
                let prow = phase * hp;
                let zero_rows = |kb: &mut Kb<'_>, a: i64, b: i64| {
                    if a < b {
                        let av = kb.index(a + prow);
                        let bv = kb.index(b + prow);
                        for_dyn(kb, av, bv, |kb, y| {
                            kb.for_range(wq, |kb, i| kb.store(zero, q, &[y, i]));
                        });
                    }
                };
                zero_rows(kb, 0, row_lo);
                zero_rows(kb, row_hi, hp);
                // Columns i with 0 <= i * sw + phase - pw < w.
                let off = phase - pw;
                let lo = ceil_div(-off, sw).clamp(0, wq);
                let hi = ceil_div(w - off, sw).clamp(lo, wq);
                if row_lo < row_hi {
                    let av = kb.index(row_lo);
                    let bv = kb.index(row_hi);
                    for_dyn(kb, av, bv, |kb, y| {
                        let qy = add_const(kb, y, prow);
                        let iy = add_const(kb, y, -ph);
                        if lo > 0 {
                            kb.for_range(lo, |kb, i| kb.store(zero, q, &[qy, i]));
                        }
                        let lov = kb.index(lo);
                        let hiv = kb.index(hi);
                        for_dyn(kb, lov, hiv, |kb, i| {
                            let ix = mul_const(kb, i, sw);
                            let ix = add_const(kb, ix, off);
                            let v = kb.load(x3, &[plane, iy, ix]);
                            kb.store(v, q, &[qy, i]);
                        });
                        let hiv = kb.index(hi);
                        let wqv = kb.index(wq);
                        for_dyn(kb, hiv, wqv, |kb, i| kb.store(zero, q, &[qy, i]));
                    });
                }
            }
            // The taps, broadcast once per plane.
            let taps: Vec<Value> = (0..kh * kw)
                .map(|t| {
                    let tv = kb.index(t);
                    let s = kb.load(w2, &[ch, tv]);
                    bcast(kb, s)
                })
                .collect();
            let init = match bias {
                Some(_) => {
                    let s = kb.load(args[2], &[ch]);
                    bcast(kb, s)
                }
                None => bcast(kb, zero),
            };
            kb.for_range(oh, |kb, oy| {
                let y0 = mul_const(kb, oy, sh);
                let chunk = |kb: &mut Kb<'_>, i0: Value, width: i64| {
                    let mut acc = init;
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let t = kx * dw;
                            let row = add_const(kb, y0, (t % sw) * hp + ky * dh);
                            let col = add_const(kb, i0, t / sw);
                            let v = vload(kb, q, &[row, col]);
                            acc = vfma(kb, taps[(ky * kw + kx) as usize], v, acc);
                        }
                    }
                    if width == VL {
                        vstore(kb, acc, o3, &[plane, oy, i0]);
                    } else {
                        let z = kb.index(0);
                        vstore(kb, acc, tmp, &[z]);
                        kb.for_range(width, |kb, e| {
                            let v = kb.load(tmp, &[e]);
                            let col = kb.addi(i0, e);
                            kb.store(v, o3, &[plane, oy, col]);
                        });
                    }
                    // A fused tail, on the 16 outputs just stored.
                    if let Some(t) = &bound {
                        kb.for_range(width, |kb, e| {
                            let col = kb.addi(i0, e);
                            t.apply(kb, o3, &[plane, oy, col]);
                        });
                    }
                };
                let full = ow / VL;
                if full > 0 {
                    kb.for_range(full, |kb, vi| {
                        let i0 = mul_const(kb, vi, VL);
                        chunk(kb, i0, VL);
                    });
                }
                if ow % VL != 0 {
                    let i0 = kb.index(full * VL);
                    chunk(kb, i0, ow % VL);
                }
            });
        });
        Ok(())
    })
}

/// Any float convolution as a direct loop nest: one task per (image, output channel), the sum
/// over (input channel of the group, kernel position) per output position, in the compute type
/// (f16 / bf16 in f32, rounded once).
fn conv_direct(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    s: &ConvShape,
    e: Elem,
    has_bias: bool,
    int: Option<IntConv>,
) -> Result<(), Diagnostic> {
    let g = s.g.clone();
    let (nimg, c, cout, group) = (s.n, s.c, s.cout, s.group);
    let cg = c / group;
    let m = cout / group;
    let isp: i64 = g.input.iter().product();
    let osp: i64 = g.output.iter().product();
    let ksp: i64 = g.kernel.iter().product();
    let x = cx.input(ctx, 0)?;
    let w = cx.input(ctx, 1)?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let mut args = vec![x, w];
    args.extend(bias);
    // ConvInteger's zero points follow X and W.
    let mut zps = Vec::new();
    if let Some(q) = int {
        if q.xzp {
            zps.push(cx.input(ctx, 2)?);
        }
        if q.wzp.is_some() {
            zps.push(cx.input(ctx, 3)?);
        }
    }
    let nzp = zps.len();
    args.extend(zps);
    args.push(out);
    let (nhwc, blocked) = (s.nhwc, s.blocked);
    const LANES: i64 = flowc_flow::CONV_BLOCK;
    // (batch, channel, spatial offset) -> the index of X / Y under their layout (blocked:
    // `[b, ch / 16, sp, ch % 16]`).
    let at = move |kb: &mut Kb<'_>, b: Value, ch: Value, sp: Value| -> Vec<Value> {
        if blocked {
            let lanes = kb.index(LANES);
            let blk = kb.binary("arith.divui", ch, lanes);
            let lane = kb.binary("arith.remui", ch, lanes);
            vec![b, blk, sp, lane]
        } else if nhwc {
            vec![b, sp, ch]
        } else {
            vec![b, ch, sp]
        }
    };
    // The 3-D (4-D blocked) shape X / Y are indexed with, for `ch` channels over `sp`.
    let dims = move |ch: i64, sp: i64| -> Vec<i64> {
        if blocked {
            vec![nimg, ch / LANES, sp, LANES]
        } else if nhwc {
            vec![nimg, sp, ch]
        } else {
            vec![nimg, ch, sp]
        }
    };
    cx.kernel(ctx, "conv", &args, |kb, args| {
        let x3 = gemm::view(kb, args[0], dims(c, isp));
        let w3 = gemm::view(kb, args[1], vec![cout, cg, ksp]);
        let bias = bias.map(|_| args[2]);
        // Zero points, flattened, as i32 values (0 when absent).
        let zp_args = &args[args.len() - 1 - nzp..args.len() - 1];
        let xzp_mem = int
            .filter(|q| q.xzp)
            .map(|_| gemm::view(kb, zp_args[0], vec![1]));
        let wzp_mem = int.and_then(|q| q.wzp).map(|per| {
            let len = if per { cout } else { 1 };
            (
                gemm::view(kb, *zp_args.last().expect("w zero point"), vec![len]),
                per,
            )
        });
        let o3 = gemm::view(kb, *args.last().expect("output"), dims(cout, osp));
        kb.parallel(&[nimg, cout], |kb, ivs| {
            let (b, oc) = (ivs[0], ivs[1]);
            let mv = kb.index(m);
            let gi = kb.binary("arith.divui", oc, mv);
            let cbase = kb.mul_add_index(gi, cg, None);
            let ct = e.compute_type(kb.ctx);
            let init = match bias {
                Some(bm) => kb.load_elem(e, bm, &[oc]),
                None => kb.constant(ct, 0.0),
            };
            let zero_i = kb.index(0);
            let zps = int.map(|q| {
                let i32t = kb.ctx.integer_type(32);
                let xz = match xzp_mem {
                    Some(mz) => load_i32(kb, q.x, mz, &[zero_i]),
                    None => kb.constant(i32t, 0.0),
                };
                let wz = match wzp_mem {
                    Some((mz, per)) => load_i32(kb, q.w, mz, &[if per { oc } else { zero_i }]),
                    None => kb.constant(i32t, 0.0),
                };
                (q, xz, wz)
            });
            kb.for_range(osp, |kb, o| {
                let ocoord = unflatten(kb, o, &g.output);
                let lb = kb.index(0);
                let ub = kb.index(ksp);
                let one = kb.index(1);
                let sum = kb.for_loop(lb, ub, one, &[init], |kb, kk, acc| {
                    let kcoord = unflatten(kb, kk, &g.kernel);
                    // Input offset and validity of this kernel position.
                    let zero = kb.index(0);
                    let mut valid: Option<Value> = None;
                    let mut off = zero;
                    let ist = strides(&g.input);
                    for d in 0..g.input.len() {
                        let a = mul_const(kb, ocoord[d], g.strides[d]);
                        let bb = mul_const(kb, kcoord[d], g.dilations[d]);
                        let i = kb.addi(a, bb);
                        let i = add_const(kb, i, -g.pad_begin[d]);
                        let hi = kb.index(g.input[d]);
                        let ge = kb.cmp(false, cmpi::SGE, i, zero);
                        let lt = kb.cmp(false, cmpi::SLT, i, hi);
                        let ok = kb.binary("arith.andi", ge, lt);
                        valid = Some(match valid {
                            Some(v) => kb.binary("arith.andi", v, ok),
                            None => ok,
                        });
                        off = kb.mul_add_index(i, ist[d], Some(off));
                    }
                    let valid = valid.expect("at least one spatial dim");
                    let acc0 = acc[0];
                    let r = kb.if_else(
                        valid,
                        &[ct],
                        |kb| {
                            let lb = kb.index(0);
                            let ub = kb.index(cg);
                            let one = kb.index(1);
                            let r = kb.for_loop(lb, ub, one, &[acc0], |kb, ci, a| {
                                let cin = kb.addi(cbase, ci);
                                if let Some((q, xz, wz)) = zps {
                                    let xi = at(kb, b, cin, off);
                                    let xv = load_i32(kb, q.x, x3, &xi);
                                    let xv = kb.subi(xv, xz);
                                    let wv = load_i32(kb, q.w, w3, &[oc, ci, kk]);
                                    let wv = kb.subi(wv, wz);
                                    let p = kb.muli(xv, wv);
                                    return vec![kb.addi(a[0], p)];
                                }
                                let xi = at(kb, b, cin, off);
                                let xv = kb.load_elem(e, x3, &xi);
                                let wv = kb.load_elem(e, w3, &[oc, ci, kk]);
                                let p = kb.binary("arith.mulf", xv, wv);
                                vec![kb.binary("arith.addf", a[0], p)]
                            });
                            vec![r[0]]
                        },
                        Some(Box::new(move |_kb: &mut Kb<'_>| vec![acc0])),
                    );
                    vec![r[0]]
                })[0];
                let oi = at(kb, b, oc, o);
                kb.store_elem(e, sum, o3, &oi);
            });
        });
        Ok(())
    })
}

/// Coordinates of the linear index `i` in `shape` (row-major).
fn unflatten(kb: &mut Kb<'_>, i: Value, shape: &[i64]) -> Vec<Value> {
    let st = strides(shape);
    (0..shape.len())
        .map(|d| {
            let s = kb.index(st[d]);
            let q = kb.binary("arith.divui", i, s);
            if d == 0 {
                q
            } else {
                let n = kb.index(shape[d]);
                kb.binary("arith.remui", q, n)
            }
        })
        .collect()
}

/// ConvTranspose as a direct gather: `y[b, oc, o] = bias[oc] + sum x[b, ci, i] · w[ci, oc', k]`
/// over the input channels of the group and kernel positions with `o = i * s + k * d - pad`.
fn conv_transpose(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let xs = cx.operand_shape(ctx, 0);
    let ws = cx.operand_shape(ctx, 1);
    if xs.len() < 3 || ws.len() != xs.len() {
        return Err(cx.unsupported(ctx, "these operand ranks"));
    }
    let e = cx.operand_elem(ctx, 0)?;
    if !e.is_float() || cx.operand_elem(ctx, 1)? != e || cx.result_elem(ctx, 0)? != e {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let group = cx.attr_i64(ctx, "group", 1);
    let (nimg, c) = (xs[0], xs[1]);
    if group <= 0 || c % group != 0 || ws[0] != c {
        return Err(cx.unsupported(ctx, "these channel counts and group"));
    }
    let icg = c / group;
    let ocg = ws[1];
    let cout = ocg * group;
    let has_bias = cx.has_operand(ctx, 2);
    if has_bias && (cx.operand_elem(ctx, 2)? != e || cx.operand_shape(ctx, 2) != [cout]) {
        return Err(cx.unsupported(ctx, "this bias"));
    }
    let input = xs[2..].to_vec();
    let kernel = ws[2..].to_vec();
    let r = input.len();
    let st = dims_attr(ctx, cx, "strides", r, 1)?;
    let dl = dims_attr(ctx, cx, "dilations", r, 1)?;
    if st.contains(&0) || dl.contains(&0) {
        return Err(cx.unsupported(ctx, "zero strides or dilations"));
    }
    // The result's type already carries the output size; the pads follow from it (as the
    // interpreter derives them).
    let out_shape = cx.result_shape(ctx, 0);
    if out_shape.len() != xs.len() || out_shape[0] != nimg || out_shape[1] != cout {
        return Err(cx.unsupported(ctx, "this result shape"));
    }
    let output = out_shape[2..].to_vec();
    let out_pad = dims_attr(ctx, cx, "output_padding", r, 0)?;
    let auto_pad = cx.attr_str(ctx, "auto_pad").unwrap_or("NOTSET").to_string();
    let explicit = cx.attr_ints(ctx, "output_shape").filter(|v| !v.is_empty());
    let pads = dims_attr(ctx, cx, "pads", 2 * r, 0)?;
    let mut pad_begin = vec![0i64; r];
    for i in 0..r {
        let ek = (kernel[i] - 1).max(0) * dl[i] + 1;
        let full = st[i] * (input[i] - 1).max(0) + out_pad[i] + ek;
        if explicit.is_some() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER" {
            let total = (full - output[i]).max(0);
            pad_begin[i] = if auto_pad == "SAME_UPPER" {
                total / 2
            } else {
                total - total / 2
            };
        } else if auto_pad != "VALID" {
            pad_begin[i] = pads[i];
        }
    }
    let isp: i64 = input.iter().product();
    let osp: i64 = output.iter().product();
    let ksp: i64 = kernel.iter().product();
    let x = cx.input(ctx, 0)?;
    let w = cx.input(ctx, 1)?;
    let bias = if has_bias {
        Some(cx.input(ctx, 2)?)
    } else {
        None
    };
    let out = cx.output(ctx, 0)?;
    let mut args = vec![x, w];
    args.extend(bias);
    args.push(out);
    cx.kernel(ctx, "conv_transpose", &args, |kb, args| {
        let x3 = gemm::view(kb, args[0], vec![nimg, c, isp]);
        let w3 = gemm::view(kb, args[1], vec![c, ocg, ksp]);
        let bias = bias.map(|_| args[2]);
        let o3 = gemm::view(kb, *args.last().expect("output"), vec![nimg, cout, osp]);
        kb.parallel(&[nimg, cout], |kb, ivs| {
            let (b, oc) = (ivs[0], ivs[1]);
            let ocgv = kb.index(ocg);
            let gi = kb.binary("arith.divui", oc, ocgv);
            let ocl = kb.binary("arith.remui", oc, ocgv);
            let cbase = kb.mul_add_index(gi, icg, None);
            let ct = e.compute_type(kb.ctx);
            kb.for_range(osp, |kb, o| {
                let ocoord = unflatten(kb, o, &output);
                let zero_f = kb.constant(ct, 0.0);
                let lb = kb.index(0);
                let ub = kb.index(ksp);
                let one = kb.index(1);
                let sum = kb.for_loop(lb, ub, one, &[zero_f], |kb, kk, acc| {
                    let kcoord = unflatten(kb, kk, &kernel);
                    let zero = kb.index(0);
                    let mut valid: Option<Value> = None;
                    let mut off = zero;
                    let ist = strides(&input);
                    for d in 0..r {
                        // i = (o + pad - k * dil) / s, exact and inside.
                        let t = add_const(kb, ocoord[d], pad_begin[d]);
                        let kd = mul_const(kb, kcoord[d], dl[d]);
                        let t = kb.subi(t, kd);
                        let sv = kb.index(st[d]);
                        let ge = kb.cmp(false, cmpi::SGE, t, zero);
                        // Clamp before dividing so that the division is of a non-negative value.
                        let tc = kb.binary("arith.maxsi", t, zero);
                        let i = kb.binary("arith.divui", tc, sv);
                        let rem = kb.binary("arith.remui", tc, sv);
                        let exact = kb.cmp(false, cmpi::EQ, rem, zero);
                        let hi = kb.index(input[d]);
                        let lt = kb.cmp(false, cmpi::SLT, i, hi);
                        let ok = kb.binary("arith.andi", ge, exact);
                        let ok = kb.binary("arith.andi", ok, lt);
                        valid = Some(match valid {
                            Some(v) => kb.binary("arith.andi", v, ok),
                            None => ok,
                        });
                        off = kb.mul_add_index(i, ist[d], Some(off));
                    }
                    let valid = valid.expect("at least one spatial dim");
                    let acc0 = acc[0];
                    let r = kb.if_else(
                        valid,
                        &[ct],
                        |kb| {
                            let lb = kb.index(0);
                            let ub = kb.index(icg);
                            let one = kb.index(1);
                            let r = kb.for_loop(lb, ub, one, &[acc0], |kb, ci, a| {
                                let cin = kb.addi(cbase, ci);
                                let xv = kb.load_elem(e, x3, &[b, cin, off]);
                                let wv = kb.load_elem(e, w3, &[cin, ocl, kk]);
                                let p = kb.binary("arith.mulf", xv, wv);
                                vec![kb.binary("arith.addf", a[0], p)]
                            });
                            vec![r[0]]
                        },
                        Some(Box::new(move |_kb: &mut Kb<'_>| vec![acc0])),
                    );
                    vec![r[0]]
                })[0];
                let y = match bias {
                    Some(bm) => {
                        let bv = kb.load_elem(e, bm, &[oc]);
                        kb.binary("arith.addf", sum, bv)
                    }
                    None => sum,
                };
                kb.store_elem(e, y, o3, &[b, oc, o]);
            });
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_div_rounds_up_for_negative_numerators() {
        assert_eq!(ceil_div(-3, 2), -1);
        assert_eq!(ceil_div(-4, 2), -2);
        assert_eq!(ceil_div(3, 2), 2);
        assert_eq!(ceil_div(4, 2), 2);
        assert_eq!(ceil_div(0, 3), 0);
    }

    #[test]
    fn conv_blocks_keep_channels_whole_when_packing() {
        // ResNet's 3x3 64 -> 64 at 56x56: every task has all 64 channels.
        let ((mb, tpb), (nbk, _)) = conv_blocks(1, 64, 3136, 576, false, 5);
        assert_eq!((mb, tpb), (1, 8));
        assert!(nbk >= 8);
        // A small convolution is one task.
        assert_eq!(conv_blocks(1, 8, 16, 9, false, 5), ((1, 1), (1, 1)));
        // 7x7 outputs, 512 channels: positions are split to single panels first, then channels.
        let ((mb, _), (nbk, ppb)) = conv_blocks(1, 512, 49, 4608, false, 5);
        assert_eq!((nbk, ppb), (2, 1));
        assert_eq!(mb, 4);
    }
}
