//! GPU kernels for f32 MatMul and Gemm, and the tiled GEMM that gpu_conv.rs's implicit-GEMM
//! convolution shares (chosen when the target is [`crate::KernelTarget::Gpu`]).
//!
//! The kernels come out of the lowering already mapped (`gpu.kernel` with grid and block sizes),
//! so `convert-loop-to-gpu` leaves them alone.
//!
//! - [`tiled_kernel`]: `C[z] = A[z] · B[z]` for a batch of products. A block of threads (256,
//!   or 64 for the smallest tiles) computes a `BM x BN` tile of C. Every step of `BK` along k,
//!   the block stages an `A[BM, BK]` and a `B[BK, BN]` tile in shared memory (coalesced global
//!   loads: consecutive threads read consecutive addresses of the operand's contiguous
//!   dimension; elements outside M, N or K are loaded as 0 without touching memory), waits at a
//!   barrier, and each thread accumulates a `TM x TN` register tile (the accumulators are
//!   `loop.for` iter_args) from the shared tiles; a second barrier protects the tiles until every
//!   thread is done with them. The global loads of the next step are issued into registers
//!   (iter_args too) before the FMAs of this one, so their latency hides behind the arithmetic;
//!   they are stored to shared memory at the start of the next step. The step loop has the same
//!   trip count in every thread and the barriers sit at its top level, so every thread reaches
//!   every barrier. The accumulators then go through the caller's epilogue (bias, alpha / beta,
//!   a fused tail) and are stored, guarded by `i < M, j < N`. Three tile shapes
//!   ([`TILE_CONFIGS`]): the biggest one that still gives the GPU enough blocks. A product of
//!   too few blocks with a long K is split along K ([`choose_splits`]): each block sums one
//!   slice of K into an arena buffer of partial sums, and a second kernel ([`reduce_partials`],
//!   one thread per element of C) adds the slices in order and applies the epilogue.
//! - [`small_m_kernel`]: products with at most [`SMALL_M`] rows (a batch-1 fully connected layer)
//!   would waste most of a 32- to 128-row tile. Instead a block takes 32 columns of C and splits
//!   K into 8 interleaved slices, one warp per slice: each thread keeps the (at most 8) sums of
//!   its column, reading one element of B per k (a warp reads 32 consecutive floats: coalesced)
//!   and the row of A that every lane shares (one broadcast load). The 8 partial sums per output
//!   meet in shared memory after a barrier and the first warp adds them in slice order. This
//!   needs B with its columns contiguous: a Gemm with transB and a constant B gets B transposed
//!   at compile time (a new weight); a runtime transposed B takes the tiled kernel.
//!
//! A fused region's elementwise tail (fused.rs [`crate::fused::Tail`]) is applied to each value
//! before its store, so the product's intermediate value never reaches memory.

use crate::OpCx;
use crate::builder::{Kb, cmpi};
use crate::fused::{BoundTail, Tail};
use crate::gemm::{self, fconst, maybe_if};
use crate::matmul::batch_index;
use flowc_ir::{Context, Diagnostic, Value};

/// Threads per block of the small-M kernel.
const THREADS: i64 = 256;
/// Blocks that fill the GPU once (H100: 132 multiprocessors); a tile shape is taken only when
/// it gives at least this many blocks, and K is split below that. (Chosen from the hardware,
/// not tuned by measurement yet.)
const TARGET_BLOCKS: i64 = 132;
/// Extra columns of each shared tile row (`[bk, rows + pad]`). When consecutive threads stage
/// consecutive depths (a k-contiguous operand), a warp stores `bk` depths of `32 / bk` rows;
/// with rows a multiple of 32 words, a pad of `32 / bk` puts those 32 words in 32 different
/// banks (none would put every depth in the same few).
fn pad(bk: i64) -> i64 {
    32 / bk
}

/// The tile shape of [`tiled_kernel`]: a block of `threads` = `(bm / tm) * (bn / tn)` threads
/// computes `bm x bn` of C in steps of `bk`, a thread `tm x tn` of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tiles {
    pub bm: i64,
    pub bn: i64,
    pub bk: i64,
    pub tm: i64,
    pub tn: i64,
    pub threads: i64,
}

/// Tile shapes, biggest first (more work per block, fewer blocks). The smallest keeps a 4 x 4
/// register tile (two FMAs per shared load, where 2 x 2 would do one) with fewer threads.
pub(crate) const TILE_CONFIGS: [Tiles; 3] = [
    Tiles {
        bm: 128,
        bn: 128,
        bk: 8,
        tm: 8,
        tn: 8,
        threads: 256,
    },
    Tiles {
        bm: 64,
        bn: 64,
        bk: 16,
        tm: 4,
        tn: 4,
        threads: 256,
    },
    Tiles {
        bm: 32,
        bn: 32,
        bk: 16,
        tm: 4,
        tn: 4,
        threads: 64,
    },
];

pub(crate) fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

/// The tile shape for `batches` products of `m x n`: the first of [`TILE_CONFIGS`] whose tile
/// fits the product and that gives [`TARGET_BLOCKS`] blocks, else the smallest.
pub(crate) fn choose_tiles(batches: i64, m: i64, n: i64) -> Tiles {
    let last = TILE_CONFIGS[TILE_CONFIGS.len() - 1];
    TILE_CONFIGS
        .iter()
        .copied()
        .find(|t| {
            t.bm <= m
                && t.bn <= n
                && batches * ceil_div(m, t.bm) * ceil_div(n, t.bn) >= TARGET_BLOCKS
        })
        .unwrap_or(last)
}

/// Most slices of K.
const MAX_SPLITS: i64 = 16;
/// Fewest steps of k per slice (a first guess, not measured: shorter slices make the partial
/// sums' traffic and the reduction kernel a larger share of the work).
const MIN_SPLIT_STEPS: i64 = 4;

/// Slices of K for [`tiled_kernel`] with tiles `t`: 1 when the product gives the GPU enough
/// blocks, else enough slices for about twice [`TARGET_BLOCKS`] blocks, each at least
/// [`MIN_SPLIT_STEPS`] steps of k. Every slice starts inside K; an empty product (no block, or
/// K = 0) is never split.
pub(crate) fn choose_splits(s: GemmShape, t: Tiles) -> i64 {
    let blocks = s.batches * ceil_div(s.m, t.bm) * ceil_div(s.n, t.bn);
    let nk = ceil_div(s.k, t.bk);
    if blocks == 0 || nk == 0 || blocks >= TARGET_BLOCKS {
        return 1;
    }
    let splits = ceil_div(2 * TARGET_BLOCKS, blocks)
        .min(nk / MIN_SPLIT_STEPS)
        .clamp(1, MAX_SPLITS);
    // As many slices as the steps per slice need (no empty slice at the end).
    ceil_div(nk, ceil_div(nk, splits))
}

/// The second kernel of a split product: one thread per element of C adds the `splits` partial
/// sums of `partial` (`[splits, batches * M, N]`) in slice order and stores the result through
/// `store` (a loop nest that convert-loop-to-gpu maps to a grid).
pub(crate) fn reduce_partials(
    kb: &mut Kb<'_>,
    s: GemmShape,
    partial: Value,
    splits: i64,
    store: StoreFn<'_>,
) {
    kb.parallel(&[s.batches, s.m, s.n], |kb, ivs| {
        let (z, i, j) = (ivs[0], ivs[1], ivs[2]);
        let row = kb.mul_add_index(z, s.m, Some(i));
        let first = kb.index(0);
        let mut acc = kb.load(partial, &[first, row, j]);
        for sl in 1..splits {
            let sv = kb.index(sl);
            let v = kb.load(partial, &[sv, row, j]);
            acc = kb.binary("arith.addf", acc, v);
        }
        store(kb, z, i, j, acc);
    });
}

/// The sizes of a batch of products `C[z] (M x N) = A[z] (M x K) · B[z] (K x N)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GemmShape {
    pub batches: i64,
    pub m: i64,
    pub n: i64,
    pub k: i64,
}

/// `load(kb, z, mn, k, guard)`: the operand's element at row `mn` of A (column `mn` of B) and
/// depth `k` of product `z`; where `guard` is given and false it must be 0.0 and read nothing.
pub(crate) type LoadFn<'f> = &'f dyn Fn(&mut Kb<'_>, Value, Value, Value, Option<Value>) -> Value;
/// `store(kb, z, i, j, acc)`: the epilogue and store of C[z][i, j] = `acc` (called only for
/// `i < M`, `j < N`).
pub(crate) type StoreFn<'f> = &'f dyn Fn(&mut Kb<'_>, Value, Value, Value, Value);

/// How [`tiled_kernel`] reads one operand.
#[derive(Clone, Copy)]
pub(crate) struct Side<'f> {
    /// Whether consecutive k are adjacent in memory (row-major A, transposed B); else
    /// consecutive rows of A / columns of B are. The staging loads follow that dimension.
    pub k_fast: bool,
    pub load: LoadFn<'f>,
}

/// `if guard { load } else { 0.0 }` (just `load` without a guard): a load that reads nothing
/// out of bounds.
pub(crate) fn guarded(
    kb: &mut Kb<'_>,
    guard: Option<Value>,
    load: impl FnOnce(&mut Kb<'_>) -> Value,
) -> Value {
    let Some(g) = guard else {
        return load(kb);
    };
    let f = kb.ctx.f32_type();
    kb.if_else(
        g,
        &[f],
        |kb| vec![load(kb)],
        Some(Box::new(|kb: &mut Kb<'_>| vec![fconst(kb, 0.0)])),
    )[0]
}

/// `a && b` of optional conditions (`None` = statically true).
pub(crate) fn and_opt(kb: &mut Kb<'_>, a: Option<Value>, b: Option<Value>) -> Option<Value> {
    match (a, b) {
        (Some(a), Some(b)) => Some(kb.binary("arith.andi", a, b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// `v < bound` (unsigned) unless `statically_true`.
pub(crate) fn lt_unless(
    kb: &mut Kb<'_>,
    v: Value,
    bound: i64,
    statically_true: bool,
) -> Option<Value> {
    (!statically_true).then(|| {
        let b = kb.index(bound);
        kb.cmp(false, cmpi::ULT, v, b)
    })
}

pub(crate) fn div_const(kb: &mut Kb<'_>, a: Value, c: i64) -> Value {
    if c == 1 {
        return a;
    }
    let cv = kb.index(c);
    kb.binary("arith.divui", a, cv)
}

pub(crate) fn rem_const(kb: &mut Kb<'_>, a: Value, c: i64) -> Value {
    if c == 1 {
        return kb.index(0);
    }
    let cv = kb.index(c);
    kb.binary("arith.remui", a, cv)
}

/// Marks the kernel being built (the function owning `kb`'s block) as a GPU kernel of `grid`
/// blocks of `block` threads (1-D).
pub(crate) fn mark_kernel(kb: &mut Kb<'_>, grid: i64, block: i64) {
    let f = kb
        .ctx
        .block_parent_op(kb.block)
        .expect("a kernel body belongs to its function");
    flowc_gpu::mark_kernel(kb.ctx, f, [grid, 1, 1], [block, 1, 1]);
}

fn gpu_id(kb: &mut Kb<'_>, name: &str) -> Value {
    let index = kb.ctx.index_type();
    let x = kb.ctx.string_attr("x");
    kb.op1(name, &[], index, &[("dimension", x)])
}

fn barrier(kb: &mut Kb<'_>) {
    kb.op("gpu.barrier", &[], &[], &[]);
}

fn alloc_shared(kb: &mut Kb<'_>, shape: Vec<i64>) -> Value {
    let f = kb.ctx.f32_type();
    let t = flowc_gpu::shared_memref_type(kb.ctx, shape, f);
    kb.op1("gpu.alloc_shared", &[], t, &[])
}

fn fma(kb: &mut Kb<'_>, a: Value, b: Value, c: Value) -> Value {
    let f = kb.ctx.f32_type();
    kb.op1("math.fma", &[a, b, c], f, &[])
}

/// The most blocks of a 1-D grid.
pub(crate) const MAX_BLOCKS: i64 = i32::MAX as i64;

/// Where [`tiled_kernel`] puts its accumulators.
#[derive(Clone, Copy)]
pub(crate) enum Out<'f> {
    /// Through the epilogue into C.
    Store(StoreFn<'f>),
    /// K split into `splits` slices, one per block: a block's sums over its slice go to
    /// `mem[slice, z * M + i, j]` (`[splits, batches * M, N]`), for [`reduce_partials`].
    Partial { mem: Value, splits: i64 },
}

/// Builds the body of a tiled GEMM kernel (see the module comment) into `kb` and marks the
/// kernel: a 1-D grid of `splits * batches * ceil(M / bm) * ceil(N / bn)` blocks, column tiles
/// fastest (neighbouring blocks share their rows of A), then row tiles, then the product `z`,
/// then the slice of K.
pub(crate) fn tiled_kernel(
    kb: &mut Kb<'_>,
    s: GemmShape,
    t: Tiles,
    a: Side<'_>,
    b: Side<'_>,
    out: Out<'_>,
) {
    let Tiles {
        bm,
        bn,
        bk,
        tm,
        tn,
        threads,
    } = t;
    debug_assert_eq!((bm / tm) * (bn / tn), threads);
    let (mt, nt) = (ceil_div(s.m, bm), ceil_div(s.n, bn));
    let splits = match out {
        Out::Store(_) => 1,
        Out::Partial { splits, .. } => splits,
    };
    // Steps of k per slice; every slice starts inside K (see choose_splits), and K = 0 is one
    // empty slice.
    let nk = ceil_div(s.k, bk);
    let per = ceil_div(nk, splits);
    debug_assert!(splits == 1 || (splits - 1) * per < nk);
    mark_kernel(kb, splits * s.batches * mt * nt, threads);
    let a_s = alloc_shared(kb, vec![bk, bm + pad(bk)]);
    let b_s = alloc_shared(kb, vec![bk, bn + pad(bk)]);
    let tid = gpu_id(kb, "gpu.thread_id");
    let bid = gpu_id(kb, "gpu.block_id");
    let tcol = rem_const(kb, bid, nt);
    let rest = div_const(kb, bid, nt);
    let trow = rem_const(kb, rest, mt);
    let rest = div_const(kb, rest, mt);
    let (z, slice) = if splits == 1 {
        (rest, None)
    } else {
        let z = rem_const(kb, rest, s.batches);
        (z, Some(div_const(kb, rest, s.batches)))
    };
    // The first step of this block's slice of K.
    let step0 = match slice {
        Some(sl) => kb.mul_add_index(sl, per, None),
        None => kb.index(0),
    };
    let m0 = kb.mul_add_index(trow, bm, None);
    let n0 = kb.mul_add_index(tcol, bn, None);
    // This thread's register tile: rows ty + i * (bm / tm) and columns tx + j * (bn / tn) of the
    // block tile. Spread rather than contiguous: the threads of a warp then read consecutive
    // words of a shared B row (no bank conflicts; they share one or two words of A), and store
    // consecutive columns of C.
    let (row_step, col_step) = (bm / tm, bn / tn);
    let tx = rem_const(kb, tid, col_step);
    let ty = div_const(kb, tid, col_step);
    let a_map = StageMap::new(kb, tid, threads, bm, bk, a.k_fast);
    let b_map = StageMap::new(kb, tid, threads, bn, bk, b.k_fast);
    // The first step's tiles, into registers. (Its k are inside K when bk divides K: the
    // slice starts at a step below ceil(K / bk).)
    let k0 = kb.mul_add_index(step0, bk, None);
    let first_k_ok = s.k % bk == 0;
    let mut inits = fetch(kb, &a, &a_map, s.m, s.k, m0, k0, z, first_k_ok);
    inits.extend(fetch(kb, &b, &b_map, s.n, s.k, n0, k0, z, first_k_ok));
    let nstaged = inits.len();
    let zero = fconst(kb, 0.0);
    inits.extend(vec![zero; (tm * tn) as usize]);
    let lb = kb.index(0);
    let ub = kb.index(per);
    let one = kb.index(1);
    let results = kb.for_loop(lb, ub, one, &inits, |kb, kt, args| {
        let (staged, accs) = args.split_at(nstaged);
        put(kb, &a_map, a_s, &staged[..a_map.loads as usize]);
        put(kb, &b_map, b_s, &staged[a_map.loads as usize..]);
        barrier(kb);
        // The next step's tiles, into registers: their loads are in flight while this step's
        // FMAs run. Past the last step the k guard (always checked here) reads nothing.
        let next = kb.addi(step0, kt);
        let next = kb.addi(next, one);
        let k1 = kb.mul_add_index(next, bk, None);
        let mut yielded = fetch(kb, &a, &a_map, s.m, s.k, m0, k1, z, false);
        yielded.extend(fetch(kb, &b, &b_map, s.n, s.k, n0, k1, z, false));
        let mut acc = accs.to_vec();
        for p in 0..bk {
            let pv = kb.index(p);
            let av: Vec<Value> = (0..tm)
                .map(|i| {
                    let r = gemm::add_const(kb, ty, i * row_step);
                    kb.load(a_s, &[pv, r])
                })
                .collect();
            let bv: Vec<Value> = (0..tn)
                .map(|j| {
                    let c = gemm::add_const(kb, tx, j * col_step);
                    kb.load(b_s, &[pv, c])
                })
                .collect();
            for i in 0..tm as usize {
                for j in 0..tn as usize {
                    let x = &mut acc[i * tn as usize + j];
                    *x = fma(kb, av[i], bv[j], *x);
                }
            }
        }
        // Nobody overwrites the tiles of the next step before everyone has read these.
        barrier(kb);
        yielded.extend(acc);
        yielded
    });
    let accs = &results[nstaged..];
    let cols: Vec<(Value, Option<Value>)> = (0..tn)
        .map(|j| {
            let c = kb.addi(n0, tx);
            let c = gemm::add_const(kb, c, j * col_step);
            let ok = lt_unless(kb, c, s.n, s.n % bn == 0);
            (c, ok)
        })
        .collect();
    for i in 0..tm {
        let r = kb.addi(m0, ty);
        let r = gemm::add_const(kb, r, i * row_step);
        let row_ok = lt_unless(kb, r, s.m, s.m % bm == 0);
        maybe_if(kb, row_ok, |kb| {
            for (j, &(c, col_ok)) in cols.iter().enumerate() {
                let acc = accs[(i * tn) as usize + j];
                maybe_if(kb, col_ok, |kb| match out {
                    Out::Store(store) => store(kb, z, r, c, acc),
                    Out::Partial { mem, .. } => {
                        let row = kb.mul_add_index(z, s.m, Some(r));
                        let sl = slice.expect("a split kernel has slices");
                        kb.store(acc, mem, &[sl, row, c]);
                    }
                });
            }
        });
    }
}

/// Which element of an operand tile (`rows x bk`, rows being M of A or N of B) a thread stages
/// in each of its `rows * bk / threads` loads: consecutive threads take consecutive elements of
/// the dimension that is contiguous in memory. `fixed` is the thread's index along that
/// dimension (the same in every load, since `threads` is a multiple of its extent), `first` its
/// index along the other one in load 0, advancing by `step` per load.
struct StageMap {
    k_fast: bool,
    fixed: Value,
    first: Value,
    step: i64,
    loads: i64,
    rows: i64,
}

impl StageMap {
    fn new(
        kb: &mut Kb<'_>,
        tid: Value,
        threads: i64,
        rows: i64,
        bk: i64,
        k_fast: bool,
    ) -> StageMap {
        let fast = if k_fast { bk } else { rows };
        debug_assert!(threads % fast == 0 && (rows * bk) % threads == 0);
        StageMap {
            k_fast,
            fixed: rem_const(kb, tid, fast),
            first: div_const(kb, tid, fast),
            step: threads / fast,
            loads: rows * bk / threads,
            rows,
        }
    }
}

/// The (row, depth) in the tile of this thread's load `l`.
fn staged_at(kb: &mut Kb<'_>, map: &StageMap, l: i64) -> (Value, Value) {
    let other = gemm::add_const(kb, map.first, l * map.step);
    if map.k_fast {
        (other, map.fixed)
    } else {
        (map.fixed, other)
    }
}

/// This thread's elements of the operand tile of rows `base ..` and depths `k0 .. k0 + bk`
/// (zeros outside `extent` rows and `k` depths; the depth is not checked when `k_ok` says it
/// is in bounds).
#[allow(clippy::too_many_arguments)]
fn fetch(
    kb: &mut Kb<'_>,
    side: &Side<'_>,
    map: &StageMap,
    extent: i64,
    k: i64,
    base: Value,
    k0: Value,
    z: Value,
    k_ok: bool,
) -> Vec<Value> {
    (0..map.loads)
        .map(|l| {
            let (row, kk) = staged_at(kb, map, l);
            let g_row = kb.addi(base, row);
            let g_k = kb.addi(k0, kk);
            let row_ok = lt_unless(kb, g_row, extent, extent % map.rows == 0);
            let k_ok = lt_unless(kb, g_k, k, k_ok);
            let guard = and_opt(kb, row_ok, k_ok);
            (side.load)(kb, z, g_row, g_k, guard)
        })
        .collect()
}

/// Stores the values of [`fetch`] into the shared tile, `smem[depth][row]`.
fn put(kb: &mut Kb<'_>, map: &StageMap, smem: Value, vals: &[Value]) {
    for (l, &v) in vals.iter().enumerate() {
        let (row, kk) = staged_at(kb, map, l as i64);
        kb.store(v, smem, &[kk, row]);
    }
}

/// At most this many rows take [`small_m_kernel`].
pub(crate) const SMALL_M: i64 = 8;
/// Columns of C per block of [`small_m_kernel`] (a warp).
const SM_COLS: i64 = 32;
/// Slices of K per block of [`small_m_kernel`] (one warp each).
const SM_SLICES: i64 = THREADS / SM_COLS;

/// Builds a [`small_m_kernel`] body: `load_a(kb, z, i, k)` and `load_b(kb, z, k, j)` read A and
/// B (in bounds, no guard needed), `store` as for [`tiled_kernel`]. Grid: `batches *
/// ceil(N / 32)` blocks, column blocks fastest.
pub(crate) fn small_m_kernel(
    kb: &mut Kb<'_>,
    s: GemmShape,
    load_a: &dyn Fn(&mut Kb<'_>, Value, Value, Value) -> Value,
    load_b: &dyn Fn(&mut Kb<'_>, Value, Value, Value) -> Value,
    store: StoreFn<'_>,
) {
    debug_assert!(s.m <= SMALL_M);
    let nt = ceil_div(s.n, SM_COLS);
    mark_kernel(kb, s.batches * nt, THREADS);
    // red[slice * M + i][column]: the partial sums.
    let red = alloc_shared(kb, vec![SM_SLICES * s.m, SM_COLS]);
    let tid = gpu_id(kb, "gpu.thread_id");
    let bid = gpu_id(kb, "gpu.block_id");
    let c = rem_const(kb, tid, SM_COLS);
    let slice = div_const(kb, tid, SM_COLS);
    let tile = rem_const(kb, bid, nt);
    let z = div_const(kb, bid, nt);
    let j0 = kb.mul_add_index(tile, SM_COLS, None);
    let j = kb.addi(j0, c);
    let in_n = lt_unless(kb, j, s.n, s.n % SM_COLS == 0);
    let f = kb.ctx.f32_type();
    let types = vec![f; s.m as usize];
    let sums = |kb: &mut Kb<'_>| -> Vec<Value> {
        let zero = fconst(kb, 0.0);
        let inits = vec![zero; s.m as usize];
        let ub = kb.index(s.k);
        let step = kb.index(SM_SLICES);
        kb.for_loop(slice, ub, step, &inits, |kb, q, accs| {
            let bv = load_b(kb, z, q, j);
            (0..s.m)
                .map(|i| {
                    let iv = kb.index(i);
                    let av = load_a(kb, z, iv, q);
                    fma(kb, av, bv, accs[i as usize])
                })
                .collect()
        })
    };
    // A thread past N has no column: its sums are zeros (it must still reach the barrier).
    let partial = match in_n {
        None => sums(kb),
        Some(ok) => kb.if_else(
            ok,
            &types,
            sums,
            Some(Box::new(|kb: &mut Kb<'_>| {
                let zero = fconst(kb, 0.0);
                vec![zero; s.m as usize]
            })),
        ),
    };
    for (i, &p) in partial.iter().enumerate() {
        let row = kb.mul_add_index(slice, s.m, None);
        let row = gemm::add_const(kb, row, i as i64);
        kb.store(p, red, &[row, c]);
    }
    barrier(kb);
    let zero_i = kb.index(0);
    let first = kb.cmp(false, cmpi::EQ, slice, zero_i);
    let owner = and_opt(kb, Some(first), in_n);
    maybe_if(kb, owner, |kb| {
        for i in 0..s.m {
            let r = kb.index(i);
            let mut tot = kb.load(red, &[r, c]);
            for sl in 1..SM_SLICES {
                let r = kb.index(sl * s.m + i);
                let v = kb.load(red, &[r, c]);
                tot = kb.binary("arith.addf", tot, v);
            }
            let iv = kb.index(i);
            store(kb, z, iv, j, tot);
        }
    });
}

/// An f32 MatMul or Gemm: `out = alpha · A·B (+ beta · C)` over a broadcast batch (numpy's
/// batch dims as in matmul.rs; none for Gemm).
pub(crate) struct Product {
    pub batch: Vec<i64>,
    pub a_batch: Vec<i64>,
    pub b_batch: Vec<i64>,
    pub m: i64,
    pub k: i64,
    pub n: i64,
    /// A stored `[K, M]` (Gemm's transA).
    pub trans_a: bool,
    /// B stored `[N, K]` (Gemm's transB).
    pub trans_b: bool,
    pub alpha: f64,
    /// Gemm's C (operand 2) viewed as `[cm, cn]` (each 1 or M / N), and beta.
    pub c: Option<(Vec<i64>, f64)>,
}

/// Lowers an f32 MatMul (`hint` "matmul") or Gemm ("gemm") to one GPU kernel: the small-M
/// kernel for at most [`SMALL_M`] rows when B's columns are (or can be made at compile time)
/// contiguous, else the tiled kernel.
pub(crate) fn product(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    hint: &str,
    p: Product,
) -> Result<(), Diagnostic> {
    let (m, k, n) = (p.m, p.k, p.n);
    let nb: i64 = p.batch.iter().product();
    let ab: i64 = p.a_batch.iter().product();
    let bb: i64 = p.b_batch.iter().product();
    let f32t = ctx.f32_type();
    // A constant transposed B, transposed at compile time for the small-M kernel.
    let b_transposed = (m <= SMALL_M && p.trans_b)
        .then(|| cx.constant_operand(ctx, 1))
        .flatten()
        .and_then(|attr| gemm::f32_constant(ctx, attr))
        .filter(|d| d.len() as i64 == bb * n * k)
        .map(|d| transpose_batches(&d, n as usize, k as usize));
    let small = m <= SMALL_M && (!p.trans_b || b_transposed.is_some());
    let trans_b = p.trans_b && b_transposed.is_none();
    let shape = GemmShape {
        batches: nb,
        m,
        n,
        k,
    };
    let tiles = choose_tiles(nb, m, n);
    let splits = if small {
        1
    } else {
        choose_splits(shape, tiles)
    };
    let blocks = if small {
        nb * ceil_div(n, SM_COLS)
    } else {
        splits * nb * ceil_div(m, tiles.bm) * ceil_div(n, tiles.bn)
    };
    if blocks > MAX_BLOCKS {
        return Err(cx.unsupported(ctx, "a product of more than 2^31 - 1 blocks"));
    }
    let a = cx.input(ctx, 0)?;
    let b = match b_transposed {
        Some(data) => {
            let attr = gemm::f32_resource(ctx, "transposed_b", vec![bb * k, n], &data);
            let ty = ctx.memref_type(vec![bb * k, n], f32t);
            cx.weight(ctx, attr, ty)
        }
        None => cx.input(ctx, 1)?,
    };
    let mut args = vec![a, b];
    if p.c.is_some() {
        args.push(cx.input(ctx, 2)?);
    }
    let (tail, ntail) = push_epilogue_args(ctx, cx, &mut args)?;
    let nargs = args.len();
    // The kernel body for a stage; a split product runs it twice (partial sums, then their
    // reduction and the epilogue).
    let body = |kb: &mut Kb<'_>, sc: &StageCx<'_>| {
        let args = sc.args;
        let (operands, epilogue) = (sc.operands(), sc.epilogue());
        let view = StageCx::view;
        let a_shape = if p.trans_a {
            vec![ab, k, m]
        } else {
            vec![ab, m, k]
        };
        let a_mem = view(kb, operands, args[0], a_shape);
        let b_shape = if trans_b {
            vec![bb, n, k]
        } else {
            vec![bb, k, n]
        };
        let b_mem = view(kb, operands, args[1], b_shape);
        let c_mem = p.c.as_ref().map(|(s, beta)| {
            let mem = view(kb, epilogue, args[2], s.clone());
            (mem, s[0] != 1, s[1] != 1, *beta)
        });
        let out = view(kb, epilogue, args[nargs - 1], vec![nb * m, n]);
        let tail_args = &args[nargs - 1 - ntail..nargs - 1];
        let bound = sc.bind_tail(kb, tail.as_ref(), tail_args, &[nb * m, n]);
        let (batch, a_batch, b_batch) = (&p.batch, &p.a_batch, &p.b_batch);
        let load_a = |kb: &mut Kb<'_>, z: Value, i: Value, q: Value| {
            let ia = batch_index(kb, z, batch, a_batch);
            if p.trans_a {
                kb.load(a_mem, &[ia, q, i])
            } else {
                kb.load(a_mem, &[ia, i, q])
            }
        };
        let load_b = |kb: &mut Kb<'_>, z: Value, q: Value, j: Value| {
            let ib = batch_index(kb, z, batch, b_batch);
            if trans_b {
                kb.load(b_mem, &[ib, j, q])
            } else {
                kb.load(b_mem, &[ib, q, j])
            }
        };
        // alpha · acc (+ beta · C[i, j]), the fused tail, the store.
        let store = |kb: &mut Kb<'_>, z: Value, i: Value, j: Value, acc: Value| {
            let row = kb.mul_add_index(z, m, Some(i));
            let mut v = acc;
            if p.alpha != 1.0 {
                let al = fconst(kb, p.alpha);
                v = kb.binary("arith.mulf", v, al);
            }
            if let Some((cm, rows, cols, beta)) = c_mem {
                let zero = kb.index(0);
                let ci = if rows { i } else { zero };
                let cj = if cols { j } else { zero };
                let mut cv = kb.load(cm, &[ci, cj]);
                if beta != 1.0 {
                    let be = fconst(kb, beta);
                    cv = kb.binary("arith.mulf", be, cv);
                }
                v = kb.binary("arith.addf", v, cv);
            }
            if let Some(t) = &bound {
                v = t.eval(kb, v, &[row, j]);
            }
            kb.store(v, out, &[row, j]);
        };
        let a_side = |kb: &mut Kb<'_>, z: Value, i: Value, q: Value, g: Option<Value>| {
            guarded(kb, g, |kb| load_a(kb, z, i, q))
        };
        let b_side = |kb: &mut Kb<'_>, z: Value, j: Value, q: Value, g: Option<Value>| {
            guarded(kb, g, |kb| load_b(kb, z, q, j))
        };
        let sides = (
            Side {
                k_fast: !p.trans_a,
                load: &a_side,
            },
            Side {
                k_fast: trans_b,
                load: &b_side,
            },
        );
        if small {
            small_m_kernel(kb, shape, &load_a, &load_b, &store);
        } else {
            sc.tiled(kb, shape, tiles, sides, &store);
        }
        Ok(())
    };
    let kind = if small { "small_m" } else { "tiled" };
    emit_stages(
        ctx,
        cx,
        &format!("{hint}_{kind}"),
        args,
        shape,
        splits,
        &body,
    )
}

/// Appends the buffers of a product's epilogue to its kernel arguments `args`: those of the
/// fused tail it takes ([`OpCx::take_epilogue_tail`]), then the output. Returns the tail and
/// its buffer count (they come right before the output).
pub(crate) fn push_epilogue_args(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    args: &mut Vec<Value>,
) -> Result<(Option<Tail>, usize), Diagnostic> {
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(cx.output(ctx, 0)?);
    Ok((tail, ntail))
}

/// Which kernel of a product a body builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The only one: products and epilogue.
    Whole,
    /// Of a split product: the partial sums ([`Out::Partial`]).
    Partial,
    /// Of a split product: their sum and the epilogue ([`reduce_partials`]).
    Reduce,
}

/// One kernel of a product being built by [`emit_stages`]: its stage and its buffers.
pub(crate) struct StageCx<'a> {
    pub stage: Stage,
    /// The kernel's views of the product's buffers (those given to [`emit_stages`]).
    pub args: &'a [Value],
    /// The partial sums `[splits, batches * M, N]` of a split product.
    partials: Option<Value>,
    splits: i64,
}

impl StageCx<'_> {
    /// Whether the kernel reads the operands (all but the reduction of a split product).
    pub fn operands(&self) -> bool {
        self.stage != Stage::Reduce
    }

    /// Whether the kernel applies the epilogue (all but the partial sums' kernel).
    pub fn epilogue(&self) -> bool {
        self.stage != Stage::Partial
    }

    /// `v` viewed as `shape` where the kernel reads it (`used`: [`StageCx::operands`] or
    /// [`StageCx::epilogue`]), else `v` itself: a kernel gets no views it does not use, and
    /// the closures of the other side are then never called.
    pub fn view(kb: &mut Kb<'_>, used: bool, v: Value, shape: Vec<i64>) -> Value {
        if used { gemm::view(kb, v, shape) } else { v }
    }

    /// `tail` bound to its buffers `bufs` over C seen as `shape`, where the kernel applies the
    /// epilogue.
    pub fn bind_tail<'t>(
        &self,
        kb: &mut Kb<'_>,
        tail: Option<&'t Tail>,
        bufs: &[Value],
        shape: &[i64],
    ) -> Option<BoundTail<'t>> {
        tail.filter(|_| self.epilogue())
            .map(|t| t.bind(kb, bufs, shape))
    }

    /// Builds the kernel's body on [`tiled_kernel`] with tiles `t` and operands `(a, b)`: the
    /// whole product through `store`, one slice's partial sums, or their reduction through
    /// `store`.
    pub fn tiled(
        &self,
        kb: &mut Kb<'_>,
        s: GemmShape,
        t: Tiles,
        (a, b): (Side<'_>, Side<'_>),
        store: StoreFn<'_>,
    ) {
        let partials = || self.partials.expect("a split product has its partial sums");
        match self.stage {
            Stage::Whole => tiled_kernel(kb, s, t, a, b, Out::Store(store)),
            Stage::Partial => {
                let out = Out::Partial {
                    mem: partials(),
                    splits: self.splits,
                };
                tiled_kernel(kb, s, t, a, b, out);
            }
            Stage::Reduce => reduce_partials(kb, s, partials(), self.splits, store),
        }
    }
}

/// `body(kb, stage)`: builds the kernel of a stage into `kb`.
pub(crate) type StageBody<'f> = &'f dyn Fn(&mut Kb<'_>, &StageCx<'_>) -> Result<(), Diagnostic>;

/// Creates the kernels of product `s` over `args`: `name` running the whole product, or with
/// `splits` slices of K, an arena scratch buffer for the partial sums (`[splits, batches * M,
/// N]` f32, passed to both kernels after `args`), `name` for the partial sums and
/// `name_reduce` for their reduction and the epilogue.
pub(crate) fn emit_stages(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
    mut args: Vec<Value>,
    s: GemmShape,
    splits: i64,
    body: StageBody<'_>,
) -> Result<(), Diagnostic> {
    let nargs = args.len();
    let run = |stage: Stage| {
        move |kb: &mut Kb<'_>, all: &[Value]| {
            let sc = StageCx {
                stage,
                args: &all[..nargs],
                partials: all.get(nargs).copied(),
                splits,
            };
            body(kb, &sc)
        }
    };
    if splits == 1 {
        return cx.kernel(ctx, name, &args, run(Stage::Whole));
    }
    let f32t = ctx.f32_type();
    let ty = ctx.memref_type(vec![splits, s.batches * s.m, s.n], f32t);
    args.push(cx.scratch(ctx, ty));
    cx.kernel(ctx, name, &args, run(Stage::Partial))?;
    cx.kernel(ctx, &format!("{name}_reduce"), &args, run(Stage::Reduce))
}

/// `d` as a batch of `[rows, cols]` matrices, each transposed to `[cols, rows]`.
fn transpose_batches(d: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0f32; d.len()];
    for (src, dst) in d
        .chunks_exact(rows * cols)
        .zip(t.chunks_exact_mut(rows * cols))
    {
        for r in 0..rows {
            for c in 0..cols {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposed_weights_are_read_by_column() {
        // Two [2, 3] matrices.
        let d: Vec<f32> = (0..12).map(|x| x as f32).collect();
        let t = transpose_batches(&d, 2, 3);
        assert_eq!(
            t,
            [0., 3., 1., 4., 2., 5., 6., 9., 7., 10., 8., 11.].to_vec()
        );
    }

    #[test]
    fn tile_configs_fill_a_block_and_stage_evenly() {
        for t in TILE_CONFIGS {
            assert_eq!((t.bm / t.tm) * (t.bn / t.tn), t.threads, "{t:?}");
            assert_eq!(t.threads % 32, 0, "whole warps: {t:?}");
            for rows in [t.bm, t.bn] {
                // Both staging orders: the contiguous extent divides the block, and every
                // thread loads the same number of elements.
                assert_eq!(t.threads % t.bk, 0, "{t:?}");
                assert_eq!(t.threads % rows, 0, "{t:?}");
                assert_eq!((rows * t.bk) % t.threads, 0, "{t:?}");
            }
        }
    }

    /// The staging stores of a warp hit 32 different banks, in both orders.
    #[test]
    fn staging_stores_are_free_of_bank_conflicts() {
        for t in TILE_CONFIGS {
            for rows in [t.bm, t.bn] {
                assert_eq!(rows % 32, 0, "{t:?}");
                let stride = rows + pad(t.bk);
                for k_fast in [false, true] {
                    let fast = if k_fast { t.bk } else { rows };
                    for warp in 0..t.threads / 32 {
                        for l in 0..rows * t.bk / t.threads {
                            let mut banks: Vec<i64> = (warp * 32..warp * 32 + 32)
                                .map(|tid| {
                                    let other = tid / fast + l * (t.threads / fast);
                                    let (row, kk) = if k_fast {
                                        (other, tid % fast)
                                    } else {
                                        (tid % fast, other)
                                    };
                                    (kk * stride + row) % 32
                                })
                                .collect();
                            banks.sort_unstable();
                            banks.dedup();
                            assert_eq!(banks.len(), 32, "{t:?} rows {rows} k_fast {k_fast}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn tiles_follow_the_amount_of_parallelism() {
        assert_eq!(choose_tiles(1, 4096, 4096), TILE_CONFIGS[0]);
        assert_eq!(choose_tiles(1, 1024, 1024), TILE_CONFIGS[1]);
        // Too few blocks with bigger tiles, or a product smaller than them: the smallest.
        assert_eq!(choose_tiles(1, 128, 768), TILE_CONFIGS[2]);
        assert_eq!(choose_tiles(1, 20, 5000), TILE_CONFIGS[2]);
        // A batch gives blocks too.
        assert_eq!(choose_tiles(256, 128, 128), TILE_CONFIGS[0]);
        assert_eq!(choose_tiles(64, 128, 128), TILE_CONFIGS[1]);
    }

    #[test]
    fn k_is_split_only_for_few_blocks_and_every_slice_starts_inside_k() {
        let t = TILE_CONFIGS[2];
        let shape = |batches, m, n, k| GemmShape { batches, m, n, k };
        // Enough blocks, or too few steps of k: no split.
        assert_eq!(choose_splits(shape(1, 512, 512, 4096), t), 1);
        assert_eq!(choose_splits(shape(1, 32, 32, 48), t), 1);
        // 4 blocks, 128 steps: 16 slices of 8.
        assert_eq!(choose_splits(shape(1, 64, 64, 2048), t), 16);
        for k in 1..400 {
            for (m, n) in [(32, 32), (64, 96), (300, 20)] {
                let s = choose_splits(shape(1, m, n, k), t);
                let nk = ceil_div(k, t.bk);
                let per = ceil_div(nk, s);
                assert!((1..=MAX_SPLITS).contains(&s));
                assert!(
                    s == 1 || per >= MIN_SPLIT_STEPS,
                    "k {k}: {s} slices of {per}"
                );
                // Every slice starts at a step inside K, and together they cover it.
                assert!(
                    (s - 1) * per < nk && s * per >= nk,
                    "k {k}: {s} x {per} for {nk}"
                );
            }
        }
    }

    /// Regression: K = 0 (a conv whose W has a zero kernel dim) and M = 0 (no block) divided by
    /// zero here.
    #[test]
    fn empty_products_are_not_split() {
        let t = TILE_CONFIGS[2];
        let shape = |batches, m, n, k| GemmShape { batches, m, n, k };
        assert_eq!(choose_splits(shape(1, 64, 64, 0), t), 1);
        assert_eq!(choose_splits(shape(1, 0, 64, 2048), t), 1);
        assert_eq!(choose_splits(shape(0, 64, 64, 2048), t), 1);
        assert_eq!(choose_splits(shape(1, 64, 0, 0), t), 1);
    }

    /// Every (row, depth) of a tile is staged by exactly one (thread, load) in both orders.
    #[test]
    fn staging_covers_each_tile_element_once() {
        for t in TILE_CONFIGS {
            for rows in [t.bm, t.bn] {
                for k_fast in [false, true] {
                    let fast = if k_fast { t.bk } else { rows };
                    let mut seen = vec![0u32; (rows * t.bk) as usize];
                    for tid in 0..t.threads {
                        for l in 0..rows * t.bk / t.threads {
                            let other = tid / fast + l * (t.threads / fast);
                            let (row, kk) = if k_fast {
                                (other, tid % fast)
                            } else {
                                (tid % fast, other)
                            };
                            assert!(row < rows && kk < t.bk);
                            seen[(kk * rows + row) as usize] += 1;
                        }
                    }
                    assert!(
                        seen.iter().all(|&c| c == 1),
                        "{t:?} rows {rows} k_fast {k_fast}"
                    );
                }
            }
        }
    }
}
