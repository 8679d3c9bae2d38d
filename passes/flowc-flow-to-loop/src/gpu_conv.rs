//! GPU kernels for f32 1-D / 2-D Conv in NCHW (chosen when the target is
//! [`crate::KernelTarget::Gpu`]).
//!
//! - One input channel per group (depthwise, and group = 1 with one input channel) and at most
//!   64 taps: a direct kernel, one thread per output element (a `loop.parallel` over the output that
//!   `convert-loop-to-gpu` maps to a grid; neighbouring threads read neighbouring pixels). The
//!   CPU depthwise kernel would not do: it runs one task per channel plane with the whole padded
//!   plane on the stack, i.e. one GPU thread per plane.
//! - Everything else: an implicit GEMM per group on gpu_gemm.rs's tiled kernel, with
//!   `M = Cout / group`, `N = batch * OH * OW`, `K = Cin / group * KH * KW`: A is W viewed as
//!   `[Cout, K]` (k contiguous), B is im2col(X), gathered from X while a tile is staged
//!   (column `j` = (image, oy, ox), depth `q` = (input channel, ky, kx); zero outside the
//!   padded image, so nothing is materialized), consecutive threads take consecutive output
//!   positions. The bias and a fused region's tail are applied to each accumulator before its
//!   store.

use crate::OpCx;
use crate::builder::{Kb, cmpi};
use crate::conv::Geom;
use crate::gemm::{self, add_const, fconst, mul_const};
use crate::gpu_gemm::{
    self, GemmShape, MAX_BLOCKS, Out, Side, Stage, and_opt, ceil_div, div_const, guarded, rem_const,
};
use flowc_ir::{Context, Diagnostic, Value};

/// The most taps of the direct kernel (unrolled into each thread's code).
const MAX_DIRECT_TAPS: i64 = 64;

/// Lowers a 2-D (or 1-D seen as 2-D) f32 convolution of `nimg` images of `c` channels to
/// `cout` channels in `group` groups with geometry `g`.
pub(crate) fn conv(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    [nimg, c, cout, group]: [i64; 4],
    g: &Geom,
    has_bias: bool,
) -> Result<(), Diagnostic> {
    debug_assert_eq!(g.input.len(), 2);
    let x = cx.input(ctx, 0)?;
    let w = cx.input(ctx, 1)?;
    let mut args = vec![x, w];
    if has_bias {
        args.push(cx.input(ctx, 2)?);
    }
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(cx.output(ctx, 0)?);
    let cg = c / group;
    let m = cout / group;
    let (h, wd) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let (oh, ow) = (g.output[0], g.output[1]);
    let ohw = oh * ow;
    let khw = kh * kw;
    let g = g.clone();
    // (Its taps are unrolled: big kernels take the GEMM.)
    if cg == 1 && khw <= MAX_DIRECT_TAPS {
        return cx.kernel(ctx, "conv_direct_gpu", &args, |kb, args| {
            let nargs = args.len();
            let x4 = gemm::view(kb, args[0], vec![nimg, c, h, wd]);
            let w2 = gemm::view(kb, args[1], vec![cout, khw]);
            let o4 = gemm::view(kb, args[nargs - 1], vec![nimg, cout, oh, ow]);
            let bound = tail.as_ref().map(|t| {
                t.bind(
                    kb,
                    &args[nargs - 1 - ntail..nargs - 1],
                    &[nimg, cout, oh, ow],
                )
            });
            kb.parallel(&[nimg, cout, oh, ow], |kb, ivs| {
                let (img, oc, oy, ox) = (ivs[0], ivs[1], ivs[2], ivs[3]);
                // The group of output channel oc, which is also its one input channel.
                let ci = div_const(kb, oc, m);
                let init = if has_bias {
                    kb.load(args[2], &[oc])
                } else {
                    fconst(kb, 0.0)
                };
                let mut acc = init;
                // Taps in order, as the CPU kernels sum them (bias first).
                for ky in 0..kh {
                    for kx in 0..kw {
                        let (iy, ix, valid) = tap(kb, &g, oy, ox, ky, kx);
                        let v = guarded(kb, valid, |kb| kb.load(x4, &[img, ci, iy, ix]));
                        let t = kb.index(ky * kw + kx);
                        let wv = kb.load(w2, &[oc, t]);
                        let f = kb.ctx.f32_type();
                        acc = kb.op1("math.fma", &[wv, v, acc], f, &[]);
                    }
                }
                if let Some(t) = &bound {
                    acc = t.eval(kb, acc, &[img, oc, oy, ox]);
                }
                kb.store(acc, o4, &[img, oc, oy, ox]);
            });
            Ok(())
        });
    }
    let shape = GemmShape {
        batches: group,
        m,
        n: nimg * ohw,
        k: cg * khw,
    };
    let tiles = gpu_gemm::choose_tiles(shape.batches, shape.m, shape.n);
    let splits = gpu_gemm::choose_splits(shape, tiles);
    if splits * shape.batches * ceil_div(m, tiles.bm) * ceil_div(shape.n, tiles.bn) > MAX_BLOCKS {
        return Err(cx.unsupported(ctx, "a GPU convolution of more than 2^31 - 1 blocks"));
    }
    // 1x1, stride 1, no padding: column j of im2col is pixel j of the image itself.
    let pointwise = khw == 1
        && g.strides == [1, 1]
        && g.pad_begin == [0, 0]
        && g.pad_end == [0, 0]
        && g.output == g.input;
    let nargs = args.len();
    if splits > 1 {
        let f32t = ctx.f32_type();
        let ty = ctx.memref_type(vec![splits, group * m, shape.n], f32t);
        args.push(cx.scratch(ctx, ty));
    }
    // As in gpu_gemm::product: run once, or twice for a split K.
    let body = |kb: &mut Kb<'_>, all: &[Value], stage: Stage| {
        let args = &all[..nargs];
        // Views of what this stage reads (see gpu_gemm::product).
        let (operands, epilogue) = (stage != Stage::Reduce, stage != Stage::Partial);
        let view = |kb: &mut Kb<'_>, used: bool, v: Value, shape: Vec<i64>| {
            if used { gemm::view(kb, v, shape) } else { v }
        };
        let x4 = view(kb, operands && !pointwise, args[0], vec![nimg, c, h, wd]);
        let x3 = view(kb, operands && pointwise, args[0], vec![nimg, c, h * wd]);
        let w2 = view(kb, operands, args[1], vec![cout, cg * khw]);
        let o3 = view(kb, epilogue, args[nargs - 1], vec![nimg, cout, ohw]);
        let bound = tail
            .as_ref()
            .filter(|_| epilogue)
            .map(|t| t.bind(kb, &args[nargs - 1 - ntail..nargs - 1], &[nimg, cout, ohw]));
        // A: W[z * M + i, q].
        let load_w = |kb: &mut Kb<'_>, z: Value, i: Value, q: Value, guard: Option<Value>| {
            guarded(kb, guard, |kb| {
                let row = kb.mul_add_index(z, m, Some(i));
                kb.load(w2, &[row, q])
            })
        };
        // B: im2col(X)[q, j] of group z.
        let load_x = |kb: &mut Kb<'_>, z: Value, j: Value, q: Value, guard: Option<Value>| {
            let img = div_const(kb, j, ohw);
            let pos = rem_const(kb, j, ohw);
            let ci = div_const(kb, q, khw);
            let cin = kb.mul_add_index(z, cg, Some(ci));
            if pointwise {
                return guarded(kb, guard, |kb| kb.load(x3, &[img, cin, pos]));
            }
            let oy = div_const(kb, pos, ow);
            let ox = rem_const(kb, pos, ow);
            let r = rem_const(kb, q, khw);
            let ky = div_const(kb, r, kw);
            let kx = rem_const(kb, r, kw);
            let (iy, ix, valid) = tap_dyn(kb, &g, oy, ox, ky, kx);
            let guard = and_opt(kb, guard, valid);
            guarded(kb, guard, |kb| kb.load(x4, &[img, cin, iy, ix]))
        };
        let store = |kb: &mut Kb<'_>, z: Value, i: Value, j: Value, acc: Value| {
            let oc = kb.mul_add_index(z, m, Some(i));
            let img = div_const(kb, j, ohw);
            let pos = rem_const(kb, j, ohw);
            let mut v = acc;
            if has_bias {
                let b = kb.load(args[2], &[oc]);
                v = kb.binary("arith.addf", v, b);
            }
            if let Some(t) = &bound {
                v = t.eval(kb, v, &[img, oc, pos]);
            }
            kb.store(v, o3, &[img, oc, pos]);
        };
        let (a, b) = (
            Side {
                k_fast: true,
                load: &load_w,
            },
            Side {
                k_fast: false,
                load: &load_x,
            },
        );
        match stage {
            Stage::Whole => gpu_gemm::tiled_kernel(kb, shape, tiles, a, b, Out::Store(&store)),
            Stage::Partial => {
                let out = Out::Partial {
                    mem: all[nargs],
                    splits,
                };
                gpu_gemm::tiled_kernel(kb, shape, tiles, a, b, out);
            }
            Stage::Reduce => gpu_gemm::reduce_partials(kb, shape, all[nargs], splits, &store),
        }
        Ok(())
    };
    gpu_gemm::emit_stages(ctx, cx, "conv_gemm_gpu", &args, splits, &body)
}

/// The input pixel of output (`oy`, `ox`) under tap (`ky`, `kx`) (compile-time tap) and whether
/// it lies inside the image (`None`: always, for this geometry).
fn tap(
    kb: &mut Kb<'_>,
    g: &Geom,
    oy: Value,
    ox: Value,
    ky: i64,
    kx: i64,
) -> (Value, Value, Option<Value>) {
    let coord = |kb: &mut Kb<'_>, d: usize, o: Value, t: i64| {
        let base = mul_const(kb, o, g.strides[d]);
        let off = t * g.dilations[d] - g.pad_begin[d];
        let i = add_const(kb, base, off);
        // Lowest and highest input index over all outputs.
        let lo = off;
        let hi = (g.output[d] - 1) * g.strides[d] + off;
        (i, in_range(kb, i, g.input[d], lo >= 0, hi < g.input[d]))
    };
    let (iy, vy) = coord(kb, 0, oy, ky);
    let (ix, vx) = coord(kb, 1, ox, kx);
    let valid = and_opt(kb, vy, vx);
    (iy, ix, valid)
}

/// [`tap`] with the tap known at run time.
fn tap_dyn(
    kb: &mut Kb<'_>,
    g: &Geom,
    oy: Value,
    ox: Value,
    ky: Value,
    kx: Value,
) -> (Value, Value, Option<Value>) {
    let coord = |kb: &mut Kb<'_>, d: usize, o: Value, t: Value| {
        let base = mul_const(kb, o, g.strides[d]);
        let i = kb.mul_add_index(t, g.dilations[d], Some(base));
        let i = add_const(kb, i, -g.pad_begin[d]);
        let lo = -g.pad_begin[d];
        let hi =
            (g.output[d] - 1) * g.strides[d] + (g.kernel[d] - 1) * g.dilations[d] - g.pad_begin[d];
        (i, in_range(kb, i, g.input[d], lo >= 0, hi < g.input[d]))
    };
    let (iy, vy) = coord(kb, 0, oy, ky);
    let (ix, vx) = coord(kb, 1, ox, kx);
    let valid = and_opt(kb, vy, vx);
    (iy, ix, valid)
}

/// `0 <= i < extent` on a signed index, leaving out the sides known to hold.
fn in_range(
    kb: &mut Kb<'_>,
    i: Value,
    extent: i64,
    above_zero: bool,
    below_extent: bool,
) -> Option<Value> {
    let ge = (!above_zero).then(|| {
        let zero = kb.index(0);
        kb.cmp(false, cmpi::SGE, i, zero)
    });
    let lt = (!below_extent).then(|| {
        let e = kb.index(extent);
        kb.cmp(false, cmpi::SLT, i, e)
    });
    and_opt(kb, ge, lt)
}
