//! Row reductions for the GPU target: the Reduce* family (reduced axes innermost), Softmax /
//! LogSoftmax / Hardmax (along the last non-1 axis), LayerNormalization, RMSNormalization,
//! InstanceNormalization, GroupNormalization and GlobalAveragePool / GlobalMaxPool /
//! GlobalLpPool, emitted directly as `gpu.kernel` functions.
//!
//! Every one of them reduces rows: `rows` independent runs of `n` contiguous elements (a
//! softmax row, a layer-norm row, a channel plane, the reduced block of a ReduceSum). A row is
//! reduced by `T` threads together ([`RowLayout`]):
//!
//! - short rows (`n <= WARP_ROW_MAX`): `T` is `n` rounded up to a power of two, at most a warp
//!   (32), so one warp holds `32 / T` rows and a block of `B <= 256` threads `B / T` rows
//!   (`B` down to 64 when that gives more blocks to spread over the multiprocessors);
//! - long rows: one block of `B` threads (256, or 1024 for rows of more than `BIG_ROW`) per
//!   row; when such rows are too few to occupy the GPU, one-pass reductions (Reduce* but
//!   LogSumExp, the global pools) split each row into equal chunks, a block each, whose f32
//!   partials a second kernel joins ([`one_pass`]).
//!
//! Thread `l` of a row accumulates elements `l, l + T, l + 2T, ...` (adjacent threads read
//! adjacent elements: coalesced loads), in f32 (the inputs are f32 / f16 / bf16; f16 / bf16 are
//! widened on load). The `T` partials are then combined by a butterfly of `gpu.shuffle xor`
//! (offsets T/2 ... 1 inside a warp), which leaves the row's result in every thread of the warp;
//! across the warps of a block, lane 0 of each warp writes its warp's value to shared memory,
//! the block waits at a `gpu.barrier`, and every thread combines the warps' values in warp
//! order (so all threads hold the same result, and no second barrier is needed). Each reduction
//! phase has its own shared buffer, so a phase's writes cannot race with an earlier phase's
//! reads. Barriers and shuffles are at the kernel's top level, outside every branch: threads
//! past the last row (the tail of the last block) run the same code with an empty element range,
//! so the whole block reaches every barrier and the whole warp every shuffle.
//!
//! Results: the interpreter (and the CPU kernels) sum in f64 in row order; here the sums are in
//! f32 and tree-shaped (partials of `n / T` elements, then a balanced tree), whose rounding
//! error grows like `log2(T) + n / T` ulps rather than `n`, well inside the conformance
//! tolerance. Max / Min propagate NaN as the interpreter does (`max_nan`: a NaN on either side
//! wins, at every step); Softmax's max and ReduceLogSumExp's shift ignore NaN as theirs do.
//! Which zero (`-0` / `+0`) a tie of Max / Min returns may differ from the CPU's.
//!
//! What stays on the loop path (mapped to threads by `convert-loop-to-gpu`): f64 and integer
//! elements (shuffles move 32 bits), Reduce* whose reduced axes are not the innermost (reduce.rs
//! gives those, on the GPU target, the register plan: a thread per output element, which reads
//! coalesced there since neighbouring threads own neighbouring kept elements), Softmax along an
//! axis followed by dims other than 1 (a thread per (outer, inner) lane, likewise), reductions
//! with runtime axes, and empty outputs. Multi-pass row kernels (Softmax, the norms,
//! LogSumExp) keep a block per long row however few the rows.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common;
use crate::elementwise::broadcast_index;
use crate::reduce::Red;
use flowc_gpu::{ShuffleMode, WARP_SIZE};
use flowc_ir::{Context, Diagnostic, FloatKind, Type, Value};

/// The longest row a warp (or part of one) reduces; longer rows get a block each.
const WARP_ROW_MAX: i64 = 1024;
/// Threads per block for short rows (several rows per block) and for long rows.
const BLOCK_THREADS: i64 = 256;
/// Blocks wanted for short rows before blocks are made smaller (down to 64 threads): about two
/// per multiprocessor of an H100 (132).
const MIN_BLOCKS: i64 = 264;
/// Rows longer than this get blocks of [`BIG_BLOCK_THREADS`].
const BIG_ROW: i64 = 16384;
const BIG_BLOCK_THREADS: i64 = 1024;

// ===== The op families =====

/// A Reduce* op on the GPU when its reduced axes are the innermost (size-1 dims aside): the
/// input is `[rows, n]`, the result `[rows]`. `Ok(false)`: not applicable, the caller lowers it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reduce(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    red: Red,
    e: Elem,
    s: &[i64],
    axes: &[usize],
    x: Value,
    y: Value,
) -> Result<bool, Diagnostic> {
    if !is_f32_compute(e) {
        return Ok(false);
    }
    // In the dims that are not 1, no kept dim may follow a reduced one.
    let mut seen_reduced = false;
    for (d, &size) in s.iter().enumerate() {
        if size == 1 {
            continue;
        }
        if axes.contains(&d) {
            seen_reduced = true;
        } else if seen_reduced {
            return Ok(false);
        }
    }
    let n: i64 = axes.iter().map(|&d| s[d]).product();
    let rows: i64 = (0..s.len())
        .filter(|d| !axes.contains(d))
        .map(|d| s[d])
        .product();
    if red != Red::LogSumExp {
        let pass = OnePass {
            pre: match red {
                Red::SumSquare | Red::L2 => Pre::Square,
                Red::L1 => Pre::Abs,
                _ => Pre::Id,
            },
            join: match red {
                Red::Max => Join::Max,
                Red::Min => Join::Min,
                Red::Prod => Join::Mul,
                _ => Join::Add,
            },
            finish: match red {
                Red::Mean => Finish::DivN,
                Red::L2 => Finish::Sqrt,
                Red::LogSum => Finish::Log,
                _ => Finish::Id,
            },
        };
        return one_pass(ctx, cx, "reduce", x, y, e, rows, n, pass);
    }
    let Some(layout) = RowLayout::new(rows, n) else {
        return Ok(false);
    };
    let xv = cx.view(ctx, x, &[rows, n]);
    let yv = cx.view(ctx, y, &[rows]);
    // LogSumExp: the NaN-ignoring max, then the sum of exp(x - max) with a non-finite max taken
    // as 0, then log(sum) + max.
    row_kernel(ctx, cx, "reduce", &[xv, yv], layout, |kb, a, rt| {
        let (xa, ya) = (a[0], a[1]);
        let f32t = kb.ctx.f32_type();
        let load = |kb: &mut Kb<'_>, k: Value| kb.load_elem(e, xa, &[rt.row, k]);
        let ninf = kb.constant(f32t, f64::NEG_INFINITY);
        let m = rt.reduce(
            kb,
            &[ninf],
            &mut |kb, k, acc| {
                let v = load(kb, k);
                vec![kb.binary("arith.maxnumf", acc[0], v)]
            },
            &|kb, a, b| vec![kb.binary("arith.maxnumf", a[0], b[0])],
        )[0];
        let mo = crate::reduce::finite_or_zero(kb, m);
        let z = kb.constant(f32t, 0.0);
        let sum = rt.reduce(
            kb,
            &[z],
            &mut |kb, k, acc| {
                let v = load(kb, k);
                let d = kb.binary("arith.subf", v, mo);
                let ex = kb.unary("math.exp", d);
                vec![kb.binary("arith.addf", acc[0], ex)]
            },
            &|kb, a, b| vec![kb.binary("arith.addf", a[0], b[0])],
        )[0];
        let l = kb.unary("math.log", sum);
        let res = kb.binary("arith.addf", l, mo);
        rt.leader(kb, |kb| kb.store_elem(e, res, ya, &[rt.row]));
        Ok(())
    })?;
    Ok(true)
}

/// A reduction in one pass over the row: each element `v` becomes `pre(v)`, joined into an
/// accumulator starting at `join`'s identity, and the row's result is `finish(acc)`.
#[derive(Copy, Clone, Debug, PartialEq)]
struct OnePass {
    pre: Pre,
    join: Join,
    finish: Finish,
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Pre {
    Id,
    Square,
    Abs,
    /// `|v|^p`.
    AbsPow(f64),
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Join {
    Add,
    Mul,
    /// NaN wins (the interpreter's `max_nan`), at every step.
    Max,
    Min,
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Finish {
    Id,
    /// Divided by the row's length.
    DivN,
    Sqrt,
    Log,
    /// `acc^(1/p)`.
    Root(f64),
}

impl OnePass {
    fn init(self, kb: &mut Kb<'_>) -> Value {
        let f32t = kb.ctx.f32_type();
        let v = match self.join {
            Join::Add => 0.0,
            Join::Mul => 1.0,
            Join::Max => f64::NEG_INFINITY,
            Join::Min => f64::INFINITY,
        };
        kb.constant(f32t, v)
    }

    fn pre(self, kb: &mut Kb<'_>, v: Value) -> Value {
        match self.pre {
            Pre::Id => v,
            Pre::Square => kb.binary("arith.mulf", v, v),
            Pre::Abs => kb.unary("math.absf", v),
            Pre::AbsPow(p) => {
                let a = kb.unary("math.absf", v);
                let f32t = kb.ctx.f32_type();
                let pv = kb.constant(f32t, p);
                kb.op1("math.powf", &[a, pv], f32t, &[])
            }
        }
    }

    fn join(self, kb: &mut Kb<'_>, a: Value, b: Value) -> Value {
        let f32e = Elem::Float(FloatKind::F32);
        match self.join {
            Join::Add => kb.binary("arith.addf", a, b),
            Join::Mul => kb.binary("arith.mulf", a, b),
            Join::Max => common::max_nan(kb, f32e, a, b, true),
            Join::Min => common::max_nan(kb, f32e, a, b, false),
        }
    }

    fn finish(self, kb: &mut Kb<'_>, acc: Value, n: i64) -> Value {
        let f32t = kb.ctx.f32_type();
        match self.finish {
            Finish::Id => acc,
            Finish::DivN => {
                let c = kb.constant(f32t, n as f64);
                kb.binary("arith.divf", acc, c)
            }
            Finish::Sqrt => kb.unary("math.sqrt", acc),
            Finish::Log => kb.unary("math.log", acc),
            Finish::Root(p) => {
                let inv = kb.constant(f32t, 1.0 / p);
                kb.op1("math.powf", &[acc, inv], f32t, &[])
            }
        }
    }
}

/// `y[r] = finish(join over k of pre(x[r, k]))` for `x` seen as `[rows, n]` and `y` as `[rows]`:
/// one row kernel, or, when a few long rows would leave most multiprocessors idle, two: the
/// first reduces `split` equal chunks of each row into f32 partials (a block per chunk), the
/// second joins each row's partials in chunk order and finishes.
#[allow(clippy::too_many_arguments)]
fn one_pass(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    hint: &str,
    x: Value,
    y: Value,
    e: Elem,
    rows: i64,
    n: i64,
    pass: OnePass,
) -> Result<bool, Diagnostic> {
    let split = row_split(rows, n);
    let chunk = n / split;
    let (Some(first), Some(second)) = (
        RowLayout::new(rows * split, chunk),
        RowLayout::new(rows, split),
    ) else {
        return Ok(false);
    };
    let yv = cx.view(ctx, y, &[rows]);
    if split == 1 {
        let xv = cx.view(ctx, x, &[rows, n]);
        row_kernel(ctx, cx, hint, &[xv, yv], first, |kb, a, rt| {
            let acc = fold_row(kb, rt, pass, e, a[0]);
            let res = pass.finish(kb, acc, n);
            rt.leader(kb, |kb| kb.store_elem(e, res, a[1], &[rt.row]));
            Ok(())
        })?;
        return Ok(true);
    }
    // Chunk c of row r is row r * split + c of x seen as [rows * split, chunk].
    let xv = cx.view(ctx, x, &[rows * split, chunk]);
    let f32t = ctx.f32_type();
    let pt = ctx.memref_type(vec![rows * split], f32t);
    let partials = cx.scratch(ctx, pt);
    row_kernel(ctx, cx, hint, &[xv, partials], first, |kb, a, rt| {
        let acc = fold_row(kb, rt, pass, e, a[0]);
        rt.leader(kb, |kb| kb.store(acc, a[1], &[rt.row]));
        Ok(())
    })?;
    let pv = cx.view(ctx, partials, &[rows, split]);
    let joined = OnePass {
        pre: Pre::Id,
        ..pass
    };
    row_kernel(ctx, cx, hint, &[pv, yv], second, |kb, a, rt| {
        let f32e = Elem::Float(FloatKind::F32);
        let acc = fold_row(kb, rt, joined, f32e, a[0]);
        let res = pass.finish(kb, acc, n);
        rt.leader(kb, |kb| kb.store_elem(e, res, a[1], &[rt.row]));
        Ok(())
    })?;
    Ok(true)
}

/// The thread's row of `x` (`e` elements) reduced by `pass`, without the finish.
fn fold_row(kb: &mut Kb<'_>, rt: &RowThread, pass: OnePass, e: Elem, x: Value) -> Value {
    let init = pass.init(kb);
    rt.reduce(
        kb,
        &[init],
        &mut |kb, k, acc| {
            let v = kb.load_elem(e, x, &[rt.row, k]);
            let t = pass.pre(kb, v);
            vec![pass.join(kb, acc[0], t)]
        },
        &|kb, a, b| vec![pass.join(kb, a[0], b[0])],
    )[0]
}

/// Chunks per row for [`one_pass`]: 1 unless the rows are long (more than `BIG_ROW`) and fewer
/// than `MIN_BLOCKS`; then the largest divisor of `n` up to `MIN_BLOCKS / rows` that keeps
/// chunks of at least `MIN_CHUNK` elements (1 when there is none, e.g. a prime `n`, and when
/// there is no row: `RowLayout::new` then declines the reduction).
fn row_split(rows: i64, n: i64) -> i64 {
    if rows <= 0 || n <= BIG_ROW || rows >= MIN_BLOCKS {
        return 1;
    }
    let most = (MIN_BLOCKS / rows).min(n / MIN_CHUNK).max(1);
    (1..=most).rev().find(|s| n % s == 0).unwrap_or(1)
}

/// The shortest chunk of a split row (a block of 256 threads: 32 elements each).
const MIN_CHUNK: i64 = 8192;

/// Softmax (`kind` 0), LogSoftmax (1), Hardmax (2) when the dims after the axis are all 1
/// (contiguous rows), with the CPU kernel's formulas: `m` = the max ignoring NaN, `e = r(exp(r(x - m)))`
/// stored in the result, `s = r(sum e)`, `y = r(e / s)` (then `log`), `r` rounding into the
/// element type; Hardmax: 1 at the first index of the max (index 0 when the row has no number
/// above -inf), 0 elsewhere.
pub(crate) fn softmax(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    kind: u8,
    axis: usize,
) -> Result<bool, Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if !is_f32_compute(e) || s[axis + 1..].iter().product::<i64>() != 1 {
        return Ok(false);
    }
    let n = s[axis];
    let rows: i64 = s[..axis].iter().product();
    // Hardmax's index is shuffled as an i32.
    if kind == 2 && n > i64::from(i32::MAX) {
        return Ok(false);
    }
    let Some(layout) = RowLayout::new(rows, n) else {
        return Ok(false);
    };
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let xv = cx.view(ctx, x, &[rows, n]);
    let yv = cx.view(ctx, y, &[rows, n]);
    let hint = ["softmax", "log_softmax", "hardmax"][kind as usize];
    row_kernel(ctx, cx, hint, &[xv, yv], layout, |kb, a, rt| {
        let (xa, ya) = (a[0], a[1]);
        let f32t = kb.ctx.f32_type();
        let ninf = kb.constant(f32t, f64::NEG_INFINITY);
        if kind == 2 {
            let i32t = kb.ctx.integer_type(32);
            let zero = kb.constant(i32t, 0.0);
            // (value, index): a strictly greater value wins (NaN never does); equal values keep
            // the smaller index. Each thread visits its indices in increasing order.
            let best = rt.reduce(
                kb,
                &[ninf, zero],
                &mut |kb, k, acc| {
                    let v = kb.load_elem(e, xa, &[rt.row, k]);
                    let gt = kb.cmp(true, cmpf::OGT, v, acc[0]);
                    let i32t = kb.ctx.integer_type(32);
                    let ki = kb.cast("arith.index_cast", k, i32t);
                    vec![kb.select(gt, v, acc[0]), kb.select(gt, ki, acc[1])]
                },
                &|kb, a, b| {
                    let gt = kb.cmp(true, cmpf::OGT, b[0], a[0]);
                    let eq = kb.cmp(true, cmpf::OEQ, b[0], a[0]);
                    let lt = kb.cmp(false, cmpi::SLT, b[1], a[1]);
                    let tie = common::and(kb, eq, lt);
                    let pick = common::or(kb, gt, tie);
                    vec![kb.select(pick, b[0], a[0]), kb.select(pick, b[1], a[1])]
                },
            );
            let it = kb.ctx.index_type();
            let am = kb.cast("arith.index_cast", best[1], it);
            rt.each(kb, &mut |kb, k| {
                let hit = kb.cmp(false, cmpi::EQ, k, am);
                let f32t = kb.ctx.f32_type();
                let one = kb.constant(f32t, 1.0);
                let z = kb.constant(f32t, 0.0);
                let v = kb.select(hit, one, z);
                kb.store_elem(e, v, ya, &[rt.row, k]);
            });
            return Ok(());
        }
        let m = rt.reduce(
            kb,
            &[ninf],
            &mut |kb, k, acc| {
                let v = kb.load_elem(e, xa, &[rt.row, k]);
                let gt = kb.cmp(true, cmpf::OGT, v, acc[0]);
                vec![kb.select(gt, v, acc[0])]
            },
            &|kb, a, b| {
                let gt = kb.cmp(true, cmpf::OGT, b[0], a[0]);
                vec![kb.select(gt, b[0], a[0])]
            },
        )[0];
        let z = kb.constant(f32t, 0.0);
        // Each thread writes e to its own elements and reads them back after the sum: the
        // same thread, so no barrier is needed between the two.
        let sum = rt.reduce(
            kb,
            &[z],
            &mut |kb, k, acc| {
                let v = kb.load_elem(e, xa, &[rt.row, k]);
                let d = kb.binary("arith.subf", v, m);
                let d = common::round(kb, e, d);
                let ex = kb.unary("math.exp", d);
                let ex = common::round(kb, e, ex);
                kb.store_elem(e, ex, ya, &[rt.row, k]);
                vec![kb.binary("arith.addf", acc[0], ex)]
            },
            &|kb, a, b| vec![kb.binary("arith.addf", a[0], b[0])],
        )[0];
        let sum = common::round(kb, e, sum);
        rt.each(kb, &mut |kb, k| {
            let ex = kb.load_elem(e, ya, &[rt.row, k]);
            let q = kb.binary("arith.divf", ex, sum);
            let q = common::round(kb, e, q);
            let r = if kind == 1 {
                kb.unary("math.log", q)
            } else {
                q
            };
            kb.store_elem(e, r, ya, &[rt.row, k]);
        });
        Ok(())
    })?;
    Ok(true)
}

/// A per-element parameter (scale, bias) of a row normalization, read at the element's index:
/// `Full` when it has one value per row element (index `k`), `Single` for one value,
/// `Broadcast` otherwise (the element's index in `over` broadcast to the parameter's shape).
#[derive(Clone)]
struct Param {
    buf: Value,
    e: Elem,
    how: ParamIndex,
}

#[derive(Clone)]
enum ParamIndex {
    Full,
    Single,
    Broadcast { shape: Vec<i64> },
}

impl Param {
    /// Parameter operand `i` for rows of `n` elements: `over` is the shape it broadcasts to
    /// (ONNX broadcasting, right-aligned), whose last `norm_rank` dims are a row's.
    fn new(
        ctx: &mut Context,
        cx: &mut OpCx<'_, '_>,
        i: usize,
        n: i64,
        norm_rank: usize,
    ) -> Result<Param, Diagnostic> {
        let shape = cx.operand_shape(ctx, i);
        let e = cx.operand_elem(ctx, i)?;
        let b = cx.input(ctx, i)?;
        let count: i64 = shape.iter().product();
        // A parameter within the row's dims with a value per element has the row's shape (up
        // to 1s, for it broadcasts to it), so its row-major index is the element's.
        let how = if count == 1 {
            ParamIndex::Single
        } else if count == n && shape.len() <= norm_rank {
            ParamIndex::Full
        } else {
            ParamIndex::Broadcast { shape }
        };
        let buf = match how {
            ParamIndex::Broadcast { .. } => b,
            ParamIndex::Full => cx.view(ctx, b, &[n]),
            ParamIndex::Single => cx.view(ctx, b, &[1]),
        };
        Ok(Param { buf, e, how })
    }

    /// The value (f32) for element `k` of a row, `full_idx` giving the element's index in
    /// `over` (only called for a broadcast parameter).
    fn load(
        &self,
        kb: &mut Kb<'_>,
        buf: Value,
        k: Value,
        over: &[i64],
        full_idx: &mut dyn FnMut(&mut Kb<'_>) -> Vec<Value>,
    ) -> Value {
        let idx = match &self.how {
            ParamIndex::Full => vec![k],
            ParamIndex::Single => vec![kb.index(0)],
            ParamIndex::Broadcast { shape } => {
                let full = full_idx(kb);
                broadcast_index(kb, &full, shape, over)
            }
        };
        kb.load_elem(self.e, buf, &idx)
    }
}

/// LayerNormalization (`rms = false`) and RMSNormalization (`rms = true`) over the dims from
/// `axis` on, with the CPU kernel's formulas in f32: LayerNorm `mean = sum / n`,
/// `var = sum((x - mean)^2) / n` (two passes over the row), `inv = 1 / sqrt(var + eps)`,
/// `y = ((x - mean) * inv) * scale + bias`, and the optional Mean / InvStdDev results;
/// RMS `inv = 1 / sqrt(sum(x^2) / n + eps)`, `y = (x * inv) * scale`.
pub(crate) fn row_norm(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    rms: bool,
    axis: usize,
    eps: f64,
) -> Result<bool, Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if !is_f32_compute(e) {
        return Ok(false);
    }
    let norm_shape = s[axis..].to_vec();
    let outer_shape = s[..axis].to_vec();
    let n: i64 = norm_shape.iter().product();
    let rows: i64 = outer_shape.iter().product();
    let Some(layout) = RowLayout::new(rows, n) else {
        return Ok(false);
    };
    let has_bias = !rms && cx.has_operand(ctx, 2);
    // RMS's scale broadcasts to the whole input, LayerNorm's to the normalized dims.
    let over = if rms { s.clone() } else { norm_shape.clone() };
    let norm_rank = norm_shape.len();
    let scale = Param::new(ctx, cx, 1, n, norm_rank)?;
    let bias = if has_bias {
        Some(Param::new(ctx, cx, 2, n, norm_rank)?)
    } else {
        None
    };
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let mut args = vec![cx.view(ctx, x, &[rows, n]), scale.buf];
    if let Some(b) = &bias {
        args.push(b.buf);
    }
    args.push(cx.view(ctx, y, &[rows, n]));
    let stats = if rms {
        Vec::new()
    } else {
        crate::norm::layer_norm_stats(ctx, cx, &mut args, rows)?
    };
    let hint = if rms { "rms_norm" } else { "layer_norm" };
    row_kernel(ctx, cx, hint, &args, layout, |kb, a, rt| {
        let xa = a[0];
        let sa = a[1];
        let ba = bias.as_ref().map(|_| a[2]);
        let ya = a[if has_bias { 3 } else { 2 }];
        let first_stat = if has_bias { 4 } else { 3 };
        let f32t = kb.ctx.f32_type();
        let z = kb.constant(f32t, 0.0);
        let cnt = kb.constant(f32t, n as f64);
        let one = kb.constant(f32t, 1.0);
        let epsv = kb.constant(f32t, eps);
        let add =
            |kb: &mut Kb<'_>, a: &[Value], b: &[Value]| vec![kb.binary("arith.addf", a[0], b[0])];
        let (mean, inv) = if rms {
            let ss = rt.reduce(
                kb,
                &[z],
                &mut |kb, k, acc| {
                    let v = kb.load_elem(e, xa, &[rt.row, k]);
                    let sq = kb.binary("arith.mulf", v, v);
                    vec![kb.binary("arith.addf", acc[0], sq)]
                },
                &add,
            )[0];
            let ms = kb.binary("arith.divf", ss, cnt);
            let d = kb.binary("arith.addf", ms, epsv);
            let sq = kb.unary("math.sqrt", d);
            (z, kb.binary("arith.divf", one, sq))
        } else {
            let c = StatConsts {
                count: cnt,
                eps: epsv,
                one,
            };
            let st = RowStats::new(kb, rt, e, xa, c);
            (st.mean, st.inv)
        };
        let norm_shape = &norm_shape;
        let outer_shape = &outer_shape;
        let over = &over;
        rt.each(kb, &mut |kb, k| {
            let v = kb.load_elem(e, xa, &[rt.row, k]);
            // The element's index in `over` (only built for broadcast parameters).
            let mut full_idx = |kb: &mut Kb<'_>| {
                let mut idx = Vec::new();
                if rms {
                    idx.extend(delinearize(kb, rt.row, outer_shape));
                }
                idx.extend(delinearize(kb, k, norm_shape));
                idx
            };
            let base = if rms {
                kb.binary("arith.mulf", v, inv)
            } else {
                let d = kb.binary("arith.subf", v, mean);
                kb.binary("arith.mulf", d, inv)
            };
            let sv = scale.load(kb, sa, k, over, &mut full_idx);
            let mut r = kb.binary("arith.mulf", base, sv);
            if let (Some(b), Some(ba)) = (&bias, ba) {
                let bv = b.load(kb, ba, k, over, &mut full_idx);
                r = kb.binary("arith.addf", r, bv);
            }
            kb.store_elem(e, r, ya, &[rt.row, k]);
        });
        if !stats.is_empty() {
            rt.leader(kb, |kb| {
                for (j, &(k, se)) in stats.iter().enumerate() {
                    let v = if k == 1 { mean } else { inv };
                    let v = crate::elementwise::convert(kb, v, Elem::Float(FloatKind::F32), se);
                    kb.store_elem(se, v, a[first_stat + j], &[rt.row]);
                }
            });
        }
        Ok(())
    })?;
    Ok(true)
}

/// A row's statistics for a normalization, in f32 from two passes over the row (as the CPU
/// kernels compute them): `mean = sum(x) / count`, `var = sum((x - mean)^2) / count`, `std =
/// sqrt(var + eps)`, `inv = 1 / std`.
struct RowStats {
    mean: Value,
    std: Value,
    inv: Value,
}

impl RowStats {
    /// The statistics of the thread's row of `x` (`e` elements); `c` holds the f32 constants:
    /// the count to divide by (the row's length, or 1 for an empty row where the caller wants
    /// no division by 0), eps and 1.
    fn new(kb: &mut Kb<'_>, rt: &RowThread, e: Elem, x: Value, c: StatConsts) -> RowStats {
        let f32t = kb.ctx.f32_type();
        let z = kb.constant(f32t, 0.0);
        let add =
            |kb: &mut Kb<'_>, a: &[Value], b: &[Value]| vec![kb.binary("arith.addf", a[0], b[0])];
        let sum = rt.reduce(
            kb,
            &[z],
            &mut |kb, k, acc| {
                let v = kb.load_elem(e, x, &[rt.row, k]);
                vec![kb.binary("arith.addf", acc[0], v)]
            },
            &add,
        )[0];
        let mean = kb.binary("arith.divf", sum, c.count);
        let vs = rt.reduce(
            kb,
            &[z],
            &mut |kb, k, acc| {
                let v = kb.load_elem(e, x, &[rt.row, k]);
                let d = kb.binary("arith.subf", v, mean);
                let sq = kb.binary("arith.mulf", d, d);
                vec![kb.binary("arith.addf", acc[0], sq)]
            },
            &add,
        )[0];
        let var = kb.binary("arith.divf", vs, c.count);
        let ve = kb.binary("arith.addf", var, c.eps);
        let std = kb.unary("math.sqrt", ve);
        let inv = kb.binary("arith.divf", c.one, std);
        RowStats { mean, std, inv }
    }
}

/// The f32 constants [`RowStats::new`] uses (made by the caller, which shares them).
#[derive(Clone, Copy)]
struct StatConsts {
    count: Value,
    eps: Value,
    one: Value,
}

/// InstanceNormalization (`groups == 0`: a row per (n, c) plane, scale / bias per channel) and
/// GroupNormalization (a row per (n, group), scale / bias per channel or per group), with the
/// CPU kernels' formulas in f32: Instance `y = ((x - mean) / sqrt(var + eps)) * scale + bias`,
/// Group `y = ((x - mean) * (1 / sqrt(var + eps))) * scale + bias`.
pub(crate) fn plane_norm(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    groups: i64,
    eps: f64,
) -> Result<bool, Diagnostic> {
    let e = cx.operand_elem(ctx, 0)?;
    let s = cx.operand_shape(ctx, 0);
    if !is_f32_compute(e) || s.len() < 2 {
        return Ok(false);
    }
    let (nb, c) = (s[0], s[1]);
    let sp: i64 = s[2..].iter().product();
    let g = if groups == 0 { c } else { groups };
    if g <= 0 || c % g != 0 {
        return Ok(false);
    }
    let cpg = c / g;
    let rows = nb * g;
    let n = cpg * sp;
    let Some(layout) = RowLayout::new(rows, n) else {
        return Ok(false);
    };
    // Both parameter counts are checked before any view is made: declining (`Ok(false)`) must
    // leave nothing behind in @main.
    let Ok(counts) = crate::norm::group_param_counts(ctx, cx, c, g) else {
        return Ok(false);
    };
    let params = crate::norm::group_param_views(ctx, cx, counts)?;
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let args = [
        cx.view(ctx, x, &[rows, n]),
        params[0].0,
        params[1].0,
        cx.view(ctx, y, &[rows, n]),
    ];
    let instance = groups == 0;
    let hint = if instance {
        "instance_norm"
    } else {
        "group_norm"
    };
    row_kernel(ctx, cx, hint, &args, layout, |kb, a, rt| {
        let (xa, ya) = (a[0], a[3]);
        let f32t = kb.ctx.f32_type();
        let c = StatConsts {
            count: kb.constant(f32t, n.max(1) as f64),
            eps: kb.constant(f32t, eps),
            one: kb.constant(f32t, 1.0),
        };
        let RowStats {
            mean: m,
            std: sd,
            inv,
        } = RowStats::new(kb, rt, e, xa, c);
        // The row's group; the element's channel is group * cpg + k / sp.
        let gv = kb.index(g);
        let gi = kb.binary("arith.remui", rt.row, gv);
        let params = &params;
        rt.each(kb, &mut |kb, k| {
            let v = kb.load_elem(e, xa, &[rt.row, k]);
            let spv = kb.index(sp.max(1));
            let j = kb.binary("arith.divui", k, spv);
            let ch = kb.mul_add_index(gi, cpg, Some(j));
            let mut pv = Vec::new();
            for (i, &(_, pe, per_group)) in params.iter().enumerate() {
                let at = if per_group { gi } else { ch };
                pv.push(kb.load_elem(pe, a[1 + i], &[at]));
            }
            let d = kb.binary("arith.subf", v, m);
            let q = if instance {
                kb.binary("arith.divf", d, sd)
            } else {
                kb.binary("arith.mulf", d, inv)
            };
            let t = kb.binary("arith.mulf", q, pv[0]);
            let t = kb.binary("arith.addf", t, pv[1]);
            kb.store_elem(e, t, ya, &[rt.row, k]);
        });
        Ok(())
    })?;
    Ok(true)
}

/// What a global pool computes per (n, c) plane.
#[derive(Copy, Clone, PartialEq)]
pub(crate) enum GlobalPool {
    Max,
    Average,
    /// `(sum |x|^p)^(1/p)`.
    Lp(f64),
}

/// GlobalMaxPool (NaN propagates), GlobalAveragePool and GlobalLpPool: a row per plane.
pub(crate) fn global_pool(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    kind: GlobalPool,
    e: Elem,
    s: &[i64],
) -> Result<bool, Diagnostic> {
    if !is_f32_compute(e) {
        return Ok(false);
    }
    let rows = s[0] * s[1];
    let n: i64 = s[2..].iter().product();
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let (hint, pass) = match kind {
        GlobalPool::Max => (
            "global_max_pool",
            OnePass {
                pre: Pre::Id,
                join: Join::Max,
                finish: Finish::Id,
            },
        ),
        GlobalPool::Average => (
            "global_average_pool",
            OnePass {
                pre: Pre::Id,
                join: Join::Add,
                finish: Finish::DivN,
            },
        ),
        GlobalPool::Lp(p) => (
            "global_lp_pool",
            OnePass {
                pre: Pre::AbsPow(p),
                join: Join::Add,
                finish: Finish::Root(p),
            },
        ),
    };
    one_pass(ctx, cx, hint, x, y, e, rows, n, pass)
}

/// Element types computed in f32 (the only float a shuffle moves).
fn is_f32_compute(e: Elem) -> bool {
    matches!(
        e,
        Elem::Float(FloatKind::F32 | FloatKind::F16 | FloatKind::BF16)
    )
}

/// `lin` split into indices of `shape` (row-major).
fn delinearize(kb: &mut Kb<'_>, lin: Value, shape: &[i64]) -> Vec<Value> {
    let mut idx = vec![lin; shape.len()];
    let mut rem = lin;
    for d in (0..shape.len()).rev() {
        if d == 0 {
            idx[d] = rem;
            break;
        }
        let size = kb.index(shape[d]);
        idx[d] = kb.binary("arith.remui", rem, size);
        rem = kb.binary("arith.divui", rem, size);
    }
    idx
}

// ===== Rows on threads =====

/// How `rows` rows of `n` elements map to a grid.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowLayout {
    rows: i64,
    n: i64,
    /// Threads reducing one row together: a power of two up to 32, or the block.
    threads_per_row: i64,
    /// Threads per block (a multiple of 32).
    block: i64,
    rows_per_block: i64,
    grid: i64,
}

impl RowLayout {
    /// `None` when there is no row (nothing to launch) or the grid would be too large.
    pub(crate) fn new(rows: i64, n: i64) -> Option<RowLayout> {
        if rows <= 0 || n < 0 {
            return None;
        }
        let (threads_per_row, block) = if n <= WARP_ROW_MAX {
            let t = (n.max(1) as u64).next_power_of_two().min(WARP_SIZE as u64) as i64;
            let threads = rows.checked_mul(t)?;
            let mut block = BLOCK_THREADS.min((threads + WARP_SIZE - 1) / WARP_SIZE * WARP_SIZE);
            // Few rows: smaller blocks spread them over more multiprocessors.
            while block == BLOCK_THREADS || block == BLOCK_THREADS / 2 {
                if (threads + block - 1) / block >= MIN_BLOCKS {
                    break;
                }
                block /= 2;
            }
            (t, block)
        } else if n <= BIG_ROW {
            (BLOCK_THREADS, BLOCK_THREADS)
        } else {
            (BIG_BLOCK_THREADS, BIG_BLOCK_THREADS)
        };
        let rows_per_block = block / threads_per_row;
        let grid = (rows + rows_per_block - 1) / rows_per_block;
        if grid > i64::from(i32::MAX) {
            return None;
        }
        Some(RowLayout {
            rows,
            n,
            threads_per_row,
            block,
            rows_per_block,
            grid,
        })
    }

    /// Whether the threads of a row span several warps (shared memory joins them).
    fn spans_warps(&self) -> bool {
        self.threads_per_row > WARP_SIZE
    }
}

/// Creates kernel `hint` over `args` as a `gpu.kernel` launched per `layout`, its body built by
/// `body(kb, args, row_thread)`.
fn row_kernel(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    hint: &str,
    args: &[Value],
    layout: RowLayout,
    body: impl FnOnce(&mut Kb<'_>, &[Value], &RowThread) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    cx.kernel(ctx, hint, args, |kb, a| {
        let rt = RowThread::begin(kb, layout);
        body(kb, a, &rt)?;
        let func = kb
            .ctx
            .block_parent_op(kb.block)
            .expect("a kernel's entry block is in its function");
        flowc_gpu::mark_kernel(kb.ctx, func, [layout.grid, 1, 1], [layout.block, 1, 1]);
        Ok(())
    })
}

/// One thread's accumulation step: `(kb, element index, accumulators) -> accumulators`.
type Step<'b> = dyn FnMut(&mut Kb<'_>, Value, &[Value]) -> Vec<Value> + 'b;
/// Joins two threads' accumulators.
type JoinFn<'b> = dyn Fn(&mut Kb<'_>, &[Value], &[Value]) -> Vec<Value> + 'b;

/// One thread's place in a [`RowLayout`] kernel.
struct RowThread {
    layout: RowLayout,
    /// The thread's row, clamped into range (a thread past the last row gets row 0, an empty
    /// element range and no writes, so every address it forms is in bounds).
    row: Value,
    /// The thread's index among its row's threads.
    lane: Value,
    /// The end of the thread's element range: `n`, or 0 past the last row.
    end: Value,
    /// `threadIdx.x`.
    tid: Value,
    /// Whether the thread writes its row's results: the row's first thread, in range.
    leader: Value,
}

impl RowThread {
    fn begin(kb: &mut Kb<'_>, layout: RowLayout) -> RowThread {
        let tid = dim_op(kb, "gpu.thread_id");
        let bid = dim_op(kb, "gpu.block_id");
        let t = layout.threads_per_row;
        let (sub, lane) = if layout.rows_per_block == 1 {
            (None, tid)
        } else {
            let tv = kb.index(t);
            (
                Some(kb.binary("arith.divui", tid, tv)),
                kb.binary("arith.remui", tid, tv),
            )
        };
        let row = kb.mul_add_index(bid, layout.rows_per_block, sub);
        let zero = kb.index(0);
        let first = kb.cmp(false, cmpi::EQ, lane, zero);
        let n = kb.index(layout.n);
        // Only the last block can run past the last row, and only when the rows do not fill it.
        let (row, end, leader) = if layout.rows % layout.rows_per_block == 0 {
            (row, n, first)
        } else {
            let rows = kb.index(layout.rows);
            let valid = kb.cmp(false, cmpi::ULT, row, rows);
            let row = kb.select(valid, row, zero);
            let end = kb.select(valid, n, zero);
            let leader = common::and(kb, first, valid);
            (row, end, leader)
        };
        RowThread {
            layout,
            row,
            lane,
            end,
            tid,
            leader,
        }
    }

    /// The thread's elements `k = lane, lane + T, ... < end` in order, carrying `inits`.
    fn fold(&self, kb: &mut Kb<'_>, inits: &[Value], body: &mut common::AccBody<'_>) -> Vec<Value> {
        let step = kb.index(self.layout.threads_per_row);
        kb.for_loop(self.lane, self.end, step, inits, |kb, k, acc| {
            body(kb, &[k], acc)
        })
    }

    /// Runs `body(kb, k)` for the thread's elements.
    fn each(&self, kb: &mut Kb<'_>, body: &mut dyn FnMut(&mut Kb<'_>, Value)) {
        self.fold(kb, &[], &mut |kb, k, _| {
            body(kb, k[0]);
            Vec::new()
        });
    }

    /// Reduces the row: each thread folds its elements from `inits` with `step(kb, k, acc)`,
    /// then the partials are combined with `join` (associative and commutative up to
    /// rounding); every thread of the row gets the result. Must be called at the kernel's top
    /// level (it shuffles and may wait at a barrier).
    fn reduce(
        &self,
        kb: &mut Kb<'_>,
        inits: &[Value],
        step: &mut Step<'_>,
        join: &JoinFn<'_>,
    ) -> Vec<Value> {
        let partial = self.fold(kb, inits, &mut |kb, k, acc| step(kb, k[0], acc));
        self.all_reduce(kb, partial, join)
    }

    /// Combines one value set per thread of the row (see [`RowThread::reduce`]).
    fn all_reduce(&self, kb: &mut Kb<'_>, mut vals: Vec<Value>, join: &JoinFn<'_>) -> Vec<Value> {
        // Butterfly within the warp (or the row's segment of it): after the steps with offsets
        // W/2 ... o, lane l holds the combination of the W/o lanes whose index is l's modulo o;
        // after offset 1, of all W.
        let width = self.layout.threads_per_row.min(WARP_SIZE);
        let i32t = kb.ctx.integer_type(32);
        let wv = kb.constant(i32t, width as f64);
        let mut offset = width / 2;
        while offset >= 1 {
            let ov = kb.constant(i32t, offset as f64);
            let other: Vec<Value> = vals
                .iter()
                .map(|&v| shuffle(kb, ShuffleMode::Xor, v, ov, wv))
                .collect();
            vals = join(kb, &vals, &other);
            offset /= 2;
        }
        if !self.layout.spans_warps() {
            return vals;
        }
        // Across warps: lane 0 of warp w stores its value in slot w, then after the barrier
        // every thread joins slots 0, 1, ... in order.
        let warps = self.layout.threads_per_row / WARP_SIZE;
        let bufs: Vec<Value> = vals
            .iter()
            .map(|&v| {
                let ty = kb.value_type(v);
                let mt = flowc_gpu::shared_memref_type(kb.ctx, vec![warps], ty);
                kb.op1(flowc_gpu::AllocSharedOp::NAME, &[], mt, &[])
            })
            .collect();
        let ws = kb.index(WARP_SIZE);
        let warp = kb.binary("arith.divui", self.tid, ws);
        let wlane = kb.binary("arith.remui", self.tid, ws);
        let zero = kb.index(0);
        let first = kb.cmp(false, cmpi::EQ, wlane, zero);
        kb.if_else(
            first,
            &[],
            |kb| {
                for (&v, &b) in vals.iter().zip(&bufs) {
                    kb.store(v, b, &[warp]);
                }
                Vec::new()
            },
            None,
        );
        kb.op(flowc_gpu::BarrierOp::NAME, &[], &[], &[]);
        let firsts: Vec<Value> = bufs.iter().map(|&b| kb.load(b, &[zero])).collect();
        let one = kb.index(1);
        let wv = kb.index(warps);
        kb.for_loop(one, wv, one, &firsts, |kb, w, acc| {
            let next: Vec<Value> = bufs.iter().map(|&b| kb.load(b, &[w])).collect();
            join(kb, acc, &next)
        })
    }

    /// Runs `body` in the thread that writes the row's results.
    fn leader(&self, kb: &mut Kb<'_>, body: impl FnOnce(&mut Kb<'_>)) {
        kb.if_else(
            self.leader,
            &[],
            |kb| {
                body(kb);
                Vec::new()
            },
            None,
        );
    }
}

/// `gpu.thread_id x` and the like.
fn dim_op(kb: &mut Kb<'_>, name: &str) -> Value {
    let it = kb.ctx.index_type();
    let x = kb.ctx.string_attr(flowc_gpu::Dimension::X.name());
    kb.op1(name, &[], it, &[("dimension", x)])
}

/// `gpu.shuffle mode v, offset, width`: the value of the source lane.
fn shuffle(kb: &mut Kb<'_>, mode: ShuffleMode, v: Value, offset: Value, width: Value) -> Value {
    let ty: Type = kb.value_type(v);
    let i1 = kb.ctx.i1_type();
    let m = kb.ctx.string_attr(mode.name());
    let op = kb.op(
        flowc_gpu::ShuffleOp::NAME,
        &[v, offset, width],
        &[ty, i1],
        &[("mode", m)],
    );
    kb.ctx.result(op, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every layout launches whole warps, at most 1024 threads a block, a power-of-two part of
    /// a warp or the whole block per row, and just enough blocks for the rows.
    #[test]
    fn layouts_cover_the_rows_with_whole_warps() {
        let ns = [
            0,
            1,
            2,
            3,
            31,
            32,
            33,
            49,
            768,
            1024,
            1025,
            16384,
            16385,
            1 << 20,
        ];
        let rows = [1, 2, 3, 7, 8, 9, 100, 512, 1000, 100_000, 1 << 28];
        for &n in &ns {
            for &r in &rows {
                let l = RowLayout::new(r, n).expect("a layout");
                let t = l.threads_per_row;
                assert!(l.block % WARP_SIZE == 0 && l.block <= 1024, "{l:?}");
                assert!(l.block % t == 0 && l.rows_per_block == l.block / t, "{l:?}");
                assert!(
                    t == l.block || (t <= WARP_SIZE && t.count_ones() == 1),
                    "{l:?}"
                );
                assert!(
                    t >= n.min(WARP_SIZE),
                    "a short row has a thread per element: {l:?}"
                );
                assert!(l.grid * l.rows_per_block >= r, "{l:?}");
                assert!((l.grid - 1) * l.rows_per_block < r, "{l:?}");
            }
        }
    }

    #[test]
    fn long_rows_split_only_when_few() {
        // Short rows, or enough rows for the multiprocessors: no split.
        assert_eq!(row_split(4, 16384), 1);
        assert_eq!(row_split(264, 1 << 20), 1);
        // Two rows of 2^20: 132 blocks a row would do, 128 divides (chunks of 8192).
        assert_eq!(row_split(2, 1 << 20), 128);
        // Chunks of at least 8192: 100000 allows 12, and 10 divides it.
        assert_eq!(row_split(2, 100_000), 10);
        // 224 * 224 = 2^10 * 7^2 over 3 planes: at most 6 chunks, 4 divide.
        assert_eq!(row_split(3, 50176), 4);
        // A prime length cannot be split evenly.
        assert_eq!(row_split(1, 65537), 1);
        // Regression: no row (a [0, 20000] ReduceSum over axis 1) divided by zero.
        assert_eq!(row_split(0, 20_000), 1);
        assert_eq!(row_split(0, 200 * 200), 1);
        for rows in [1, 2, 3, 7, 100, 263] {
            for n in [16385, 65536, 100_000, 1 << 20, 3 * 7 * 8192] {
                let s = row_split(rows, n);
                assert!(
                    n % s == 0 && (s == 1 || n / s >= MIN_CHUNK),
                    "{rows} {n} {s}"
                );
                assert!(rows * s <= MIN_BLOCKS.max(rows), "{rows} {n} {s}");
            }
        }
    }

    #[test]
    fn layout_choices() {
        // ResNet's global pool: 512 planes of 49, a warp each; 16384 threads in 64-thread
        // blocks (256 blocks).
        let l = RowLayout::new(512, 49).unwrap();
        assert_eq!((l.threads_per_row, l.block, l.grid), (32, 64, 256));
        // A softmax row of 6: 8 lanes; 20 rows fill 160 threads, one block.
        let l = RowLayout::new(20, 6).unwrap();
        assert_eq!(
            (l.threads_per_row, l.block, l.rows_per_block, l.grid),
            (8, 160, 20, 1)
        );
        // Long rows: a block each, 1024 threads beyond 16384 elements.
        let l = RowLayout::new(3, 5000).unwrap();
        assert_eq!((l.threads_per_row, l.block, l.grid), (256, 256, 3));
        let l = RowLayout::new(1, 1 << 20).unwrap();
        assert_eq!((l.threads_per_row, l.block, l.grid), (1024, 1024, 1));
        // Many short rows keep 256-thread blocks.
        let l = RowLayout::new(100_000, 128).unwrap();
        assert_eq!((l.threads_per_row, l.block, l.grid), (32, 256, 12_500));
        // Nothing to launch; a grid beyond 2^31 - 1 blocks.
        assert_eq!(RowLayout::new(0, 8), None);
        assert_eq!(RowLayout::new(1 << 40, 2048), None);
    }
}
