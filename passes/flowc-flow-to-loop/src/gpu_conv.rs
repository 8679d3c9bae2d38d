//! GPU kernels for f32 1-D / 2-D Conv in NCHW (chosen when the target is
//! [`crate::KernelTarget::Gpu`]).
//!
//! - One input channel per group (depthwise, and group = 1 with one input channel) and at most
//!   64 taps: a direct kernel, one thread per output element (a `loop.parallel` over the output
//!   that `convert-loop-to-gpu` maps to a grid; neighbouring threads read neighbouring pixels).
//!   The CPU depthwise kernel would not do: it runs one task per channel plane with the whole
//!   padded plane on the stack, i.e. one GPU thread per plane.
//! - Everything else: an implicit GEMM per group on gpu_gemm.rs's tiled kernel, with
//!   `M = Cout / group`, `N = batch * OH * OW`, `K = Cin / group * KH * KW`: A is W viewed as
//!   `[Cout, K]` (k contiguous), B is im2col(X), gathered from X while a tile is loaded
//!   (consecutive threads take consecutive output positions; nothing is materialized). A
//!   thread's column j = (image, oy, ox) is fixed, so its window corner in X is computed once;
//!   the depth q = (channel, ky, kx) comes from a compile-time table (a weight: per q the offset
//!   from the corner and the row and column shifts), which spares the divisions per element;
//!   taps in the padding read nothing and give 0. 1x1 stride-1 unpadded convolutions read X as
//!   the B matrix directly. The bias and a fused region's tail are applied to each accumulator
//!   before its store (or in the reduction kernel when K is split).

use crate::OpCx;
use crate::builder::{Kb, cmpi};
use crate::conv::Geom;
use crate::gemm::{self, add_const, fconst, mul_const};
use crate::gpu_gemm::{
    self, GemmShape, MAX_BLOCKS, Side, StageCx, and_opt, ceil_div, div_const, guarded, rem_const,
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
    let (tail, ntail) = gpu_gemm::push_epilogue_args(ctx, cx, &mut args)?;
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
        return Err(cx.unsupported(ctx, "a convolution of more than 2^31 - 1 blocks"));
    }
    // 1x1, stride 1, no padding: column j of im2col is pixel j of the image itself.
    let pointwise = khw == 1
        && g.strides == [1, 1]
        && g.pad_begin == [0, 0]
        && g.pad_end == [0, 0]
        && g.output == g.input;
    // The depth table of the gather (not for 1x1 stride-1 convs): per depth q, the offset of
    // its (channel, ky, kx) in the image and its row and column shifts. Its rows run past K to
    // the last depth a block can compute (the prefetch of the step after a slice's last):
    // the gather reads the table unguarded.
    if !pointwise {
        let nk = ceil_div(shape.k, tiles.bk);
        let rows = (splits * ceil_div(nk, splits) + 1) * tiles.bk;
        let table: Result<Vec<i32>, _> = tap_table(&g, cg, rows)
            .into_iter()
            .map(i32::try_from)
            .collect();
        let Ok(table) = table else {
            return Err(cx.unsupported(ctx, "a convolution with image offsets beyond i32"));
        };
        let i32t = ctx.integer_type(32);
        let bytes = table.iter().flat_map(|x| x.to_le_bytes()).collect();
        let attr = gemm::resource(ctx, "conv_taps", vec![rows, 3], i32t, bytes);
        let ty = ctx.memref_type(vec![rows, 3], i32t);
        args.insert(2, cx.weight(ctx, attr, ty));
    }
    let nargs = args.len();
    // As in gpu_gemm::product: run once, or twice for a split K.
    let body = |kb: &mut Kb<'_>, sc: &StageCx<'_>| {
        let args = sc.args;
        let (operands, epilogue) = (sc.operands(), sc.epilogue());
        let view = StageCx::view;
        let x1 = view(kb, operands && !pointwise, args[0], vec![nimg * c * h * wd]);
        let x3 = view(kb, operands && pointwise, args[0], vec![nimg, c, h * wd]);
        // Arguments: X, W, the depth table (unless pointwise), the bias ...
        let table = (!pointwise).then(|| args[2]);
        let bias_at = 2 + usize::from(!pointwise);
        let w2 = view(kb, operands, args[1], vec![cout, cg * khw]);
        let o3 = view(kb, epilogue, args[nargs - 1], vec![nimg, cout, ohw]);
        let tail_args = &args[nargs - 1 - ntail..nargs - 1];
        let bound = sc.bind_tail(kb, tail.as_ref(), tail_args, &[nimg, cout, ohw]);
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
            let Some(table) = table else {
                let cin = kb.mul_add_index(z, cg, Some(q));
                return guarded(kb, guard, |kb| kb.load(x3, &[img, cin, pos]));
            };
            // The window's corner: (oy * sh - ph, ox * sw - pw) of image img, channel z * cg
            // (flat in X); the table adds the tap.
            let oy = div_const(kb, pos, ow);
            let ox = rem_const(kb, pos, ow);
            let y0 = mul_const(kb, oy, g.strides[0]);
            let y0 = add_const(kb, y0, -g.pad_begin[0]);
            let x0 = mul_const(kb, ox, g.strides[1]);
            let x0 = add_const(kb, x0, -g.pad_begin[1]);
            let plane = kb.mul_add_index(img, group, Some(z));
            let corner = kb.mul_add_index(plane, cg * h * wd, None);
            let corner = kb.mul_add_index(y0, wd, Some(corner));
            let corner = kb.addi(corner, x0);
            let entry = |kb: &mut Kb<'_>, col: i64| {
                let cv = kb.index(col);
                let v = kb.load(table, &[q, cv]);
                let index = kb.ctx.index_type();
                kb.cast("arith.index_cast", v, index)
            };
            let (off, dy, dx) = (entry(kb, 0), entry(kb, 1), entry(kb, 2));
            let iy = kb.addi(y0, dy);
            let ix = kb.addi(x0, dx);
            let in_image = |kb: &mut Kb<'_>, d: usize, i: Value| {
                let lo = -g.pad_begin[d];
                let hi = (g.output[d] - 1) * g.strides[d] + (g.kernel[d] - 1) * g.dilations[d]
                    - g.pad_begin[d];
                in_range(kb, i, g.input[d], lo >= 0, hi < g.input[d])
            };
            let vy = in_image(kb, 0, iy);
            let vx = in_image(kb, 1, ix);
            let valid = and_opt(kb, vy, vx);
            let guard = and_opt(kb, guard, valid);
            guarded(kb, guard, |kb| {
                let at = kb.addi(corner, off);
                kb.load(x1, &[at])
            })
        };
        let store = |kb: &mut Kb<'_>, z: Value, i: Value, j: Value, acc: Value| {
            let oc = kb.mul_add_index(z, m, Some(i));
            let img = div_const(kb, j, ohw);
            let pos = rem_const(kb, j, ohw);
            let mut v = acc;
            if has_bias {
                let b = kb.load(args[bias_at], &[oc]);
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
        sc.tiled(kb, shape, tiles, (a, b), &store);
        Ok(())
    };
    gpu_gemm::emit_stages(ctx, cx, "conv_gemm_gpu", args, shape, splits, &body)
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

/// The gather's depth table: row q (q < `cg * KH * KW`, the depth order of W) holds the offset
/// of (channel, ky, kx) from the window's corner in X (`[channels, H, W]` of one image, from
/// the group's first channel) and the tap's row and column shifts; `rows` rows, the ones past
/// the depths zero.
fn tap_table(g: &Geom, cg: i64, rows: i64) -> Vec<i64> {
    let (h, w) = (g.input[0], g.input[1]);
    let (kh, kw) = (g.kernel[0], g.kernel[1]);
    let mut t = vec![0i64; (rows * 3) as usize];
    for ci in 0..cg {
        for ky in 0..kh {
            for kx in 0..kw {
                let q = ((ci * kh + ky) * kw + kx) as usize;
                let (dy, dx) = (ky * g.dilations[0], kx * g.dilations[1]);
                t[3 * q] = (ci * h + dy) * w + dx;
                t[3 * q + 1] = dy;
                t[3 * q + 2] = dx;
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tap_table_offsets_follow_the_weight_order() {
        // 2 channels of 5 x 7, a 2 x 3 kernel with dilation (2, 1); 16 rows.
        let g = Geom {
            input: vec![5, 7],
            kernel: vec![2, 3],
            strides: vec![1, 1],
            dilations: vec![2, 1],
            pad_begin: vec![0, 0],
            pad_end: vec![0, 0],
            output: vec![3, 5],
        };
        let t = tap_table(&g, 2, 16);
        assert_eq!(t.len(), 48);
        // q = (ci * 2 + ky) * 3 + kx.
        let row = |q: usize| (t[3 * q], t[3 * q + 1], t[3 * q + 2]);
        assert_eq!(row(0), (0, 0, 0));
        assert_eq!(row(2), (2, 0, 2));
        assert_eq!(row(3), (2 * 7, 2, 0));
        assert_eq!(row(7), (35 + 1, 0, 1));
        assert_eq!(row(11), (35 + 14 + 2, 2, 2));
        assert!(t[36..].iter().all(|&x| x == 0));
    }
}
