//! The f32 GEMM engine behind MatMul, Gemm and Conv: `C[M, N] (+)= A[M, K] · B[K, N]` with a
//! register-blocked micro-kernel written in the vector dialect.
//!
//! - Micro-kernel: an `MR x NR` tile of C (`MR` = 8 rows, `NR` = `NV` = 3 vectors of 16 f32 per
//!   row, 24 accumulators carried as `loop.for` iter_args) over a block of `kc` steps of k: per
//!   step, `NV` `vector.load`s of B, then per row one scalar load of A, `vector.broadcast` and
//!   `NV` `vector.fma`s. Tails are narrower / shorter variants of the same kernel (fewer rows,
//!   fewer vectors), with the last partial vector of a row stored through a 16-element stack
//!   buffer.
//! - B is read as vectors from row-major rows (`mem[kbase + p, col0 + 16 v]`: a packed block on
//!   the stack, or the input itself for 1x1 convolutions) or from panels packed as
//!   `[panels, K, NR]` (weights packed at compile time, or by a packing kernel).
//! - A is read as scalars: rows of a row-major matrix, columns of a transposed one, or panels
//!   packed as `[panels, K, MR]` (convolution weights).
//! - The epilogue adds the bias (per row of C, or Gemm's broadcast `beta · C`) on the first block
//!   of k and accumulates into C on later ones. An optional elementwise tail (a `flow.fused`
//!   region's ops after this product, fused.rs) is applied to a tile by [`finish_tile`] right
//!   after its last block of k is stored, while the tile is in cache: the fused activation /
//!   residual add costs no kernel and no intermediate buffer.
//!
//! The loop nests around the micro-kernel (tasks, cache blocks) are the callers' (matmul.rs,
//! conv.rs); [`macro_tile`] runs the micro-kernel over a block of tiles.

use crate::OpCx;
use crate::builder::{Kb, cmpi};
use crate::fused::BoundTail;
use flowc_ir::{Context, Diagnostic, Type, Value};

/// f32 lanes per vector (AVX-512).
pub const VL: i64 = 16;
/// Rows of the micro-tile.
pub const MR: i64 = 8;
/// Vectors per micro-tile row.
pub const NV: i64 = 3;
/// Columns of the micro-tile.
pub const NR: i64 = NV * VL;
/// Depth of a block of k.
pub const KC: i64 = 256;

pub fn f32t(kb: &mut Kb<'_>) -> Type {
    kb.ctx.f32_type()
}

pub fn vec_t(kb: &mut Kb<'_>) -> Type {
    let f = kb.ctx.f32_type();
    kb.ctx.vector_type(vec![VL], f)
}

pub fn vload(kb: &mut Kb<'_>, mem: Value, idx: &[Value]) -> Value {
    let vt = vec_t(kb);
    let mut ops = vec![mem];
    ops.extend_from_slice(idx);
    kb.op1("vector.load", &ops, vt, &[])
}

pub fn vstore(kb: &mut Kb<'_>, v: Value, mem: Value, idx: &[Value]) {
    let mut ops = vec![v, mem];
    ops.extend_from_slice(idx);
    kb.op("vector.store", &ops, &[], &[]);
}

pub fn bcast(kb: &mut Kb<'_>, s: Value) -> Value {
    let vt = vec_t(kb);
    kb.op1("vector.broadcast", &[s], vt, &[])
}

pub fn vfma(kb: &mut Kb<'_>, a: Value, b: Value, c: Value) -> Value {
    let vt = vec_t(kb);
    kb.op1("vector.fma", &[a, b, c], vt, &[])
}

pub fn fconst(kb: &mut Kb<'_>, v: f64) -> Value {
    let f = f32t(kb);
    kb.constant(f, v)
}

/// A stack buffer of `shape` f32 (place it at the kernel's top level, before the parallel loop).
pub fn alloca(kb: &mut Kb<'_>, shape: Vec<i64>) -> Value {
    let f = f32t(kb);
    let t = kb.ctx.memref_type(shape, f);
    kb.op1("buffer.alloca", &[], t, &[])
}

/// `mem` under another shape of the same size (no op when the shape is the same).
pub fn view(kb: &mut Kb<'_>, mem: Value, shape: Vec<i64>) -> Value {
    let mt = kb.value_type(mem);
    if kb.ctx.shape(mt).is_some_and(|s| s == shape.as_slice()) {
        return mem;
    }
    let et = kb.ctx.element_type(mt).expect("memref");
    let t = kb.ctx.memref_type(shape, et);
    kb.op1("buffer.view", &[mem], t, &[])
}

/// `loop.if cond { body }` without results.
pub fn if_then(kb: &mut Kb<'_>, cond: Value, body: impl FnOnce(&mut Kb<'_>)) {
    kb.if_else(
        cond,
        &[],
        |kb| {
            body(kb);
            Vec::new()
        },
        None,
    );
}

/// Runs `body` under `cond` when given, unconditionally otherwise.
pub fn maybe_if(kb: &mut Kb<'_>, cond: Option<Value>, body: impl FnOnce(&mut Kb<'_>)) {
    match cond {
        Some(c) => if_then(kb, c, body),
        None => body(kb),
    }
}

/// `for iv in lb..ub` (step 1) without iter_args.
pub fn for_dyn(kb: &mut Kb<'_>, lb: Value, ub: Value, body: impl FnOnce(&mut Kb<'_>, Value)) {
    let one = kb.index(1);
    kb.for_loop(lb, ub, one, &[], |kb, iv, _| {
        body(kb, iv);
        Vec::new()
    });
}

pub fn add_opt(kb: &mut Kb<'_>, a: Value, b: Option<Value>) -> Value {
    match b {
        Some(b) => kb.addi(a, b),
        None => a,
    }
}

pub fn add_const(kb: &mut Kb<'_>, a: Value, c: i64) -> Value {
    if c == 0 {
        return a;
    }
    let cv = kb.index(c);
    kb.addi(a, cv)
}

pub fn mul_const(kb: &mut Kb<'_>, a: Value, c: i64) -> Value {
    kb.mul_add_index(a, c, None)
}

pub fn eq_const(kb: &mut Kb<'_>, a: Value, c: i64) -> Value {
    let cv = kb.index(c);
    kb.cmp(false, cmpi::EQ, a, cv)
}

/// Where the micro-kernel reads its scalars of A (`A(i, p)` for the tile's rows `i`).
#[derive(Clone, Copy, Debug)]
pub enum ASrc {
    /// `mem[row0 + r, kbase + p]`: row-major A.
    Rows {
        mem: Value,
        row0: Value,
        kbase: Option<Value>,
    },
    /// `mem[kbase + p, col0 + r]`: A stored transposed.
    Cols {
        mem: Value,
        col0: Value,
        kbase: Option<Value>,
    },
    /// `mem[panel, kbase + p, r]`: panels packed as `[panels, K, MR]`.
    Packed {
        mem: Value,
        panel: Value,
        kbase: Option<Value>,
    },
}

/// Where the micro-kernel reads its vectors of B (`B(p, j .. j + 16)`).
#[derive(Clone, Copy, Debug)]
pub enum BSrc {
    /// `mem[kbase + p, col0 + 16 v]`: row-major rows of B.
    Rows {
        mem: Value,
        col0: Value,
        kbase: Option<Value>,
    },
    /// `mem[panel, kbase + p, 16 v]`: panels packed as `[panels, K, NR]`.
    Packed {
        mem: Value,
        panel: Value,
        kbase: Option<Value>,
    },
}

/// The micro-kernel: `acc[r][v] = sum_{p < klen} A(r, p) · B(p, 16 v ..)` for `mr` rows and
/// `nv` vectors; returns the accumulators, row-major (`r * nv + v`).
pub fn micro(kb: &mut Kb<'_>, mr: i64, nv: i64, klen: Value, a: ASrc, b: BSrc) -> Vec<Value> {
    // Loop-invariant indices.
    let a_idx: Vec<Value> = (0..mr)
        .map(|r| match a {
            ASrc::Rows { row0, .. } => add_const(kb, row0, r),
            ASrc::Cols { col0, .. } => add_const(kb, col0, r),
            ASrc::Packed { .. } => kb.index(r),
        })
        .collect();
    let b_idx: Vec<Value> = (0..nv)
        .map(|v| match b {
            BSrc::Rows { col0, .. } => add_const(kb, col0, v * VL),
            BSrc::Packed { .. } => kb.index(v * VL),
        })
        .collect();
    let zero = fconst(kb, 0.0);
    let zv = bcast(kb, zero);
    let inits = vec![zv; (mr * nv) as usize];
    let lb = kb.index(0);
    let one = kb.index(1);
    kb.for_loop(lb, klen, one, &inits, |kb, p, accs| {
        let bv: Vec<Value> = match b {
            BSrc::Rows { mem, kbase, .. } => {
                let row = add_opt(kb, p, kbase);
                b_idx.iter().map(|&c| vload(kb, mem, &[row, c])).collect()
            }
            BSrc::Packed { mem, panel, kbase } => {
                let row = add_opt(kb, p, kbase);
                b_idx
                    .iter()
                    .map(|&c| vload(kb, mem, &[panel, row, c]))
                    .collect()
            }
        };
        let mut next = Vec::with_capacity(accs.len());
        let ka = match a {
            ASrc::Rows { kbase, .. } | ASrc::Cols { kbase, .. } | ASrc::Packed { kbase, .. } => {
                add_opt(kb, p, kbase)
            }
        };
        for r in 0..mr as usize {
            let s = match a {
                ASrc::Rows { mem, .. } => kb.load(mem, &[a_idx[r], ka]),
                ASrc::Cols { mem, .. } => kb.load(mem, &[ka, a_idx[r]]),
                ASrc::Packed { mem, panel, .. } => kb.load(mem, &[panel, ka, a_idx[r]]),
            };
            let sv = bcast(kb, s);
            for (v, &bvv) in bv.iter().enumerate() {
                next.push(vfma(kb, sv, bvv, accs[r * nv as usize + v]));
            }
        }
        next
    })
}

/// What is added to `alpha · A·B` on the first block of k.
#[derive(Clone, Copy, Debug)]
pub enum Bias {
    None,
    /// `mem[row]` (1-D) for the C row's bias index.
    Row(Value),
    /// Gemm's `beta · C` with C viewed as 2-D `[cm, cn]`, `cm` in {1, M}, `cn` in {1, N}.
    Gemm {
        mem: Value,
        rows: bool,
        cols: bool,
        beta: f64,
    },
}

/// How a micro-tile is written to C.
#[derive(Clone, Copy)]
pub struct Epilogue<'t> {
    /// C as a 2-D memref.
    pub out: Value,
    pub alpha: f64,
    pub bias: Bias,
    /// A 16-element stack buffer for partial vectors.
    pub tmp: Value,
    /// The elementwise tail of a fused region, bound to C's 2-D shape: applied by
    /// [`finish_tile`] once a tile holds its final values (not by [`store_tile`]).
    pub tail: Option<&'t BoundTail<'t>>,
}

/// When the tile is stored: the first block of k (initialize with the bias), a later one
/// (accumulate), or decided at run time (`true` = first).
#[derive(Clone, Copy, Debug)]
pub enum First {
    Yes,
    Cond(Value),
}

/// Stores the accumulators of an `mr x nv` tile whose first element is C[orow, ocol], with `width`
/// valid columns; `brow` is the row index for the bias (`Bias::Row`, Gemm's C).
#[allow(clippy::too_many_arguments)]
pub fn store_tile(
    kb: &mut Kb<'_>,
    epi: &Epilogue<'_>,
    accs: &[Value],
    mr: i64,
    nv: i64,
    width: i64,
    orow: Value,
    brow: Value,
    ocol: Value,
    first: First,
) {
    match first {
        First::Yes => store_tile_with(kb, epi, accs, mr, nv, width, orow, brow, ocol, true),
        First::Cond(c) => {
            let accs = accs.to_vec();
            let accs2 = accs.clone();
            kb.if_else(
                c,
                &[],
                move |kb| {
                    store_tile_with(kb, epi, &accs, mr, nv, width, orow, brow, ocol, true);
                    Vec::new()
                },
                Some(Box::new(move |kb: &mut Kb<'_>| {
                    store_tile_with(kb, epi, &accs2, mr, nv, width, orow, brow, ocol, false);
                    Vec::new()
                })),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn store_tile_with(
    kb: &mut Kb<'_>,
    epi: &Epilogue<'_>,
    accs: &[Value],
    mr: i64,
    nv: i64,
    width: i64,
    orow: Value,
    brow: Value,
    ocol: Value,
    first: bool,
) {
    let alpha = (epi.alpha != 1.0).then(|| {
        let a = fconst(kb, epi.alpha);
        bcast(kb, a)
    });
    let beta = match epi.bias {
        Bias::Gemm { beta, .. } if beta != 1.0 => Some(fconst(kb, beta)),
        _ => None,
    };
    let zero = kb.index(0);
    for r in 0..mr {
        let row = add_const(kb, orow, r);
        let br = add_const(kb, brow, r);
        // The per-row bias scalar (Row, Gemm with a column of C), loaded once per row.
        let row_scalar = if first {
            match epi.bias {
                Bias::Row(m) => Some(kb.load(m, &[br])),
                Bias::Gemm {
                    mem, rows, cols, ..
                } if !cols => {
                    let i = if rows { br } else { zero };
                    let s = kb.load(mem, &[i, zero]);
                    Some(match beta {
                        Some(b) => kb.binary("arith.mulf", s, b),
                        None => s,
                    })
                }
                _ => None,
            }
        } else {
            None
        };
        for v in 0..nv {
            let mut val = accs[(r * nv + v) as usize];
            if let Some(a) = alpha {
                val = kb.binary("arith.mulf", val, a);
            }
            let col = add_const(kb, ocol, v * VL);
            let valid = (width - v * VL).min(VL);
            if valid == VL {
                let out = if first {
                    match (epi.bias, row_scalar) {
                        (_, Some(s)) => {
                            let sv = bcast(kb, s);
                            kb.binary("arith.addf", val, sv)
                        }
                        (Bias::Gemm { mem, rows, .. }, None) => {
                            let i = if rows { br } else { zero };
                            let mut c = vload(kb, mem, &[i, col]);
                            if let Some(b) = beta {
                                let bv = bcast(kb, b);
                                c = kb.binary("arith.mulf", c, bv);
                            }
                            kb.binary("arith.addf", val, c)
                        }
                        _ => val,
                    }
                } else {
                    let old = vload(kb, epi.out, &[row, col]);
                    kb.binary("arith.addf", old, val)
                };
                vstore(kb, out, epi.out, &[row, col]);
            } else if valid > 0 {
                // Partial vector: through the stack buffer, element by element.
                vstore(kb, val, epi.tmp, &[zero]);
                let bias = epi.bias;
                let tmp = epi.tmp;
                let out_mem = epi.out;
                kb.for_range(valid, |kb, e| {
                    let s = kb.load(tmp, &[e]);
                    let c = kb.addi(col, e);
                    let o = if first {
                        match (bias, row_scalar) {
                            (_, Some(b)) => kb.binary("arith.addf", s, b),
                            (Bias::Gemm { mem, rows, .. }, None) => {
                                let i = if rows { br } else { zero };
                                let mut cv = kb.load(mem, &[i, c]);
                                if let Some(b) = beta {
                                    cv = kb.binary("arith.mulf", cv, b);
                                }
                                kb.binary("arith.addf", s, cv)
                            }
                            _ => s,
                        }
                    } else {
                        let old = kb.load(out_mem, &[row, c]);
                        kb.binary("arith.addf", old, s)
                    };
                    kb.store(o, out_mem, &[row, c]);
                });
            }
        }
    }
}

/// Where a task's block of the result starts: the output row and the bias row of its first row
/// tile, and its first output column.
#[derive(Clone, Copy, Debug)]
pub struct BlockOrigin {
    pub out_row: Value,
    pub bias_row: Value,
    pub col: Value,
}

/// The `store` step of [`macro_tile`] for a row-major result: row tile `tile` and column panel
/// `panel` of the block at `origin` are stored ([`store_tile`]) and, after the last block of k,
/// put through the epilogue's tail ([`finish_tile`]).
#[allow(clippy::too_many_arguments)]
pub fn store_block_tile(
    kb: &mut Kb<'_>,
    epi: &Epilogue<'_>,
    origin: BlockOrigin,
    accs: &[Value],
    (mr, nv, width): (i64, i64, i64),
    tile: Value,
    panel: Value,
    first: First,
    last: Option<Value>,
) {
    let roff = mul_const(kb, tile, MR);
    let orow = kb.addi(origin.out_row, roff);
    let brow = kb.addi(origin.bias_row, roff);
    let coff = mul_const(kb, panel, NR);
    let ocol = kb.addi(origin.col, coff);
    store_tile(kb, epi, accs, mr, nv, width, orow, brow, ocol, first);
    finish_tile(kb, epi, mr, width, orow, ocol, last);
}

/// Applies the epilogue's tail (if any) in place to the `mr x width` tile whose first element is
/// C[orow, ocol], just written by [`store_tile`]: call it after every `store_tile` with `last`
/// the condition that this block of k is the last one (`None`: there is only one block). Each
/// element is re-read from the cache-hot tile, put through the tail's scalar functions (with the
/// tail's other operands read at the same index) and stored back.
#[allow(clippy::too_many_arguments)]
pub fn finish_tile(
    kb: &mut Kb<'_>,
    epi: &Epilogue<'_>,
    mr: i64,
    width: i64,
    orow: Value,
    ocol: Value,
    last: Option<Value>,
) {
    let Some(tail) = epi.tail else {
        return;
    };
    let out = epi.out;
    maybe_if(kb, last, |kb| {
        kb.for_range(mr, |kb, r| {
            let row = kb.addi(orow, r);
            kb.for_range(width, |kb, e| {
                let col = kb.addi(ocol, e);
                tail.apply(kb, out, &[row, col]);
            });
        });
    });
}

/// A count known at compile time or at run time.
#[derive(Clone, Copy, Debug)]
pub enum Count {
    Static(i64),
    Dyn(Value),
}

impl Count {
    pub fn value(self, kb: &mut Kb<'_>) -> Value {
        match self {
            Count::Static(n) => kb.index(n),
            Count::Dyn(v) => v,
        }
    }
}

/// The tiles of one block of C: `m_full` full tiles of `MR` rows then optionally a tail of
/// `rows < MR` rows (under a condition when given); likewise `n_full` panels of `NR` columns and
/// a tail of `width < NR` columns.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub m_full: Count,
    pub m_tail: Option<(i64, Option<Value>)>,
    pub n_full: Count,
    pub n_tail: Option<(i64, Option<Value>)>,
}

/// Runs the micro-kernel over the tiles of `block` for one block of k (`klen` steps):
/// `a_at(kb, tile)` gives the A source of row tile `tile` (index value; the tail is tile
/// `m_full`), `b_at(kb, panel, is_tail)` the B source of column panel `panel`, and
/// `store(kb, accs, mr, nv, width, tile, panel)` writes a tile.
#[allow(clippy::type_complexity)]
pub fn macro_tile(
    kb: &mut Kb<'_>,
    klen: Value,
    block: Block,
    a_at: &dyn Fn(&mut Kb<'_>, Value) -> ASrc,
    b_at: &dyn Fn(&mut Kb<'_>, Value, bool) -> BSrc,
    store: &dyn Fn(&mut Kb<'_>, &[Value], i64, i64, i64, Value, Value),
) {
    let row_tile = |kb: &mut Kb<'_>, tile: Value, mr: i64| {
        let a = a_at(kb, tile);
        // (No loop at all when there are statically no full panels: its vector accesses might
        // not even fit the memrefs' last dimensions.)
        if !matches!(block.n_full, Count::Static(0)) {
            let lb = kb.index(0);
            let nf = block.n_full.value(kb);
            for_dyn(kb, lb, nf, |kb, jr| {
                let b = b_at(kb, jr, false);
                let accs = micro(kb, mr, NV, klen, a, b);
                store(kb, &accs, mr, NV, NR, tile, jr);
            });
        }
        if let Some((width, cond)) = block.n_tail {
            maybe_if(kb, cond, |kb| {
                let jr = block.n_full.value(kb);
                let b = b_at(kb, jr, true);
                let nv = (width + VL - 1) / VL;
                let accs = micro(kb, mr, nv, klen, a, b);
                store(kb, &accs, mr, nv, width, tile, jr);
            });
        }
    };
    if !matches!(block.m_full, Count::Static(0)) {
        let lb = kb.index(0);
        let mf = block.m_full.value(kb);
        for_dyn(kb, lb, mf, |kb, ir| row_tile(kb, ir, MR));
    }
    if let Some((rows, cond)) = block.m_tail {
        maybe_if(kb, cond, |kb| {
            let ir = block.m_full.value(kb);
            row_tile(kb, ir, rows);
        });
    }
}

/// [`macro_tile`] with each tile stored by [`store_block_tile`] at `origin`: the store of a
/// block of C that the GEMM, conv and NHWC conv kernels share (bias on the first block of k,
/// the epilogue's tail after the last).
#[allow(clippy::too_many_arguments)]
pub fn macro_tile_stored(
    kb: &mut Kb<'_>,
    klen: Value,
    block: Block,
    a_at: &dyn Fn(&mut Kb<'_>, Value) -> ASrc,
    b_at: &dyn Fn(&mut Kb<'_>, Value, bool) -> BSrc,
    epi: &Epilogue<'_>,
    origin: BlockOrigin,
    first: First,
    last: Option<Value>,
) {
    let store = |kb: &mut Kb<'_>,
                 accs: &[Value],
                 mr: i64,
                 nv: i64,
                 width: i64,
                 tile: Value,
                 panel: Value| {
        store_block_tile(
            kb,
            epi,
            origin,
            accs,
            (mr, nv, width),
            tile,
            panel,
            first,
            last,
        );
    };
    macro_tile(kb, klen, block, a_at, b_at, &store);
}

/// Packs `b(p, j)` (`b[p * n + j]`, or `b[j * k + p]` when `trans`) into panels
/// `[ceil(n / nr), k, nr]`, zero past column `n`.
pub fn pack_panels(b: &[f32], k: usize, n: usize, trans: bool, nr: usize) -> Vec<f32> {
    let panels = n.div_ceil(nr);
    let mut out = vec![0.0f32; panels * k * nr];
    for jp in 0..panels {
        for p in 0..k {
            for j in 0..nr {
                let col = jp * nr + j;
                if col < n {
                    out[(jp * k + p) * nr + j] = if trans {
                        b[col * k + p]
                    } else {
                        b[p * n + col]
                    };
                }
            }
        }
    }
    out
}

#[cfg(test)]
/// The inverse of [`pack_panels`] (not transposed): the `[k, n]` matrix.
pub fn unpack_panels(packed: &[f32], k: usize, n: usize, nr: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; k * n];
    for p in 0..k {
        for col in 0..n {
            let (jp, j) = (col / nr, col % nr);
            out[p * n + col] = packed[(jp * k + p) * nr + j];
        }
    }
    out
}

/// Adds a compile-time computed f32 array as a `dense_resource` blob named after `hint` and
/// returns the attribute (a tensor of `shape`).
pub fn f32_resource(
    ctx: &mut Context,
    hint: &str,
    shape: Vec<i64>,
    data: &[f32],
) -> flowc_ir::Attribute {
    let f = ctx.f32_type();
    let bytes = data.iter().flat_map(|x| x.to_le_bytes()).collect();
    resource(ctx, hint, shape, f, bytes)
}

/// Adds a compile-time computed array of `elem` elements (`bytes`, little-endian) as a
/// `dense_resource` blob named after `hint` (with a suffix `_1`, `_2`, ... when the name is
/// taken) and returns the attribute (a tensor of `shape`).
pub fn resource(
    ctx: &mut Context,
    hint: &str,
    shape: Vec<i64>,
    elem: flowc_ir::Type,
    bytes: Vec<u8>,
) -> flowc_ir::Attribute {
    let mut name = hint.to_string();
    let mut i = 0;
    while ctx.resource(&name).is_some() {
        i += 1;
        name = format!("{hint}_{i}");
    }
    ctx.set_resource(
        name.clone(),
        flowc_ir::ResourceBlob {
            alignment: 64,
            data: bytes,
        },
    );
    let ty = ctx.tensor_type(shape, elem);
    ctx.intern_attr(flowc_ir::AttrData::DenseResource { name, ty })
}

/// The f32 values of a constant operand, if it is an f32 constant.
pub fn f32_constant(ctx: &Context, attr: flowc_ir::Attribute) -> Option<Vec<f32>> {
    let t = flowc_interp::attribute_to_tensor(ctx, attr).ok()?;
    t.as_slice::<f32>().ok().map(<[f32]>::to_vec)
}

/// A kernel body that packs `src` (viewed as `batch` matrices `[k, n]`, or `[n, k]` when
/// `trans`) into `dst: [batch * ceil(n / NR_), k, NR_]`, zero past column `n`; one task per
/// panel.
#[allow(clippy::too_many_arguments)]
pub fn pack_panels_kernel(
    kb: &mut Kb<'_>,
    src: Value,
    dst: Value,
    batch: i64,
    k: i64,
    n: i64,
    trans: bool,
    nr: i64,
) {
    let panels = (n + nr - 1) / nr;
    let src = if trans {
        view(kb, src, vec![batch * n, k])
    } else {
        view(kb, src, vec![batch * k, n])
    };
    let full = n / nr;
    let rem = n % nr;
    kb.parallel(&[batch, panels], |kb, ivs| {
        let (b, jp) = (ivs[0], ivs[1]);
        let panel = kb.mul_add_index(b, panels, Some(jp));
        let col0 = mul_const(kb, jp, nr);
        // Source row of element (p, col): b*k + p (or b*n + col when transposed). Columns
        // `width..nr` of the tail panel are zeros (two loops with static bounds, no branch).
        let copy = |kb: &mut Kb<'_>, width: i64| {
            kb.for_range(k, |kb, p| {
                kb.for_range(width, |kb, j| {
                    let col = kb.addi(col0, j);
                    let v = if trans {
                        let r = kb.mul_add_index(b, n, Some(col));
                        kb.load(src, &[r, p])
                    } else {
                        let r = kb.mul_add_index(b, k, Some(p));
                        kb.load(src, &[r, col])
                    };
                    kb.store(v, dst, &[panel, p, j]);
                });
                if width < nr {
                    let zero = fconst(kb, 0.0);
                    let lo = kb.index(width);
                    let hi = kb.index(nr);
                    for_dyn(kb, lo, hi, |kb, j| kb.store(zero, dst, &[panel, p, j]));
                }
            });
        };
        if rem == 0 {
            copy(kb, nr);
        } else if full == 0 {
            copy(kb, rem);
        } else {
            let is_tail = eq_const(kb, jp, full);
            kb.if_else(
                is_tail,
                &[],
                |kb| {
                    copy(kb, rem);
                    Vec::new()
                },
                Some(Box::new(|kb: &mut Kb<'_>| {
                    copy(kb, nr);
                    Vec::new()
                })),
            );
        }
    });
}

/// Operand `operand` of the op, `batches` matrices of `k x cols` (`cols x k` when `trans`),
/// packed into `[batches * ceil(cols / width), k, width]` panels: at compile time into a weight
/// when the operand is a constant, else into an arena buffer by a packing kernel. (MatMul's B,
/// Conv's weights per group.) `name` names the weight (`packed_<name>`) and the kernel
/// (`pack_<name>`).
#[allow(clippy::too_many_arguments)]
pub fn packed_operand(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    operand: usize,
    [batches, k, cols]: [i64; 3],
    trans: bool,
    width: i64,
    name: &str,
) -> Result<Value, Diagnostic> {
    let panels = (cols + width - 1) / width;
    let shape = vec![batches * panels, k, width];
    let f32t = ctx.f32_type();
    let ty = ctx.memref_type(shape.clone(), f32t);
    if let Some(data) = cx
        .constant_operand(ctx, operand)
        .and_then(|attr| f32_constant(ctx, attr))
    {
        let (k_, c_) = (k as usize, cols as usize);
        let mut packed = Vec::with_capacity((batches * panels * k * width) as usize);
        for bi in 0..batches as usize {
            packed.extend(pack_panels(
                &data[bi * k_ * c_..(bi + 1) * k_ * c_],
                k_,
                c_,
                trans,
                width as usize,
            ));
        }
        let attr = f32_resource(ctx, &format!("packed_{name}"), shape, &packed);
        return Ok(cx.weight(ctx, attr, ty));
    }
    let src = cx.input(ctx, operand)?;
    let dst = cx.scratch(ctx, ty);
    cx.kernel(ctx, &format!("pack_{name}"), &[src, dst], |kb, args| {
        pack_panels_kernel(kb, args[0], args[1], batches, k, cols, trans, width);
        Ok(())
    })?;
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_then_unpack_is_identity_with_zero_padding() {
        for &(k, n, nr) in &[
            (1, 1, 48),
            (3, 47, 48),
            (5, 48, 48),
            (7, 100, 48),
            (4, 9, 8),
        ] {
            let b: Vec<f32> = (0..k * n).map(|i| i as f32 + 1.0).collect();
            let p = pack_panels(&b, k, n, false, nr);
            assert_eq!(p.len(), n.div_ceil(nr) * k * nr);
            assert_eq!(unpack_panels(&p, k, n, nr), b, "{k}x{n}");
            // Every element past column n is zero, every other one is nonzero.
            for (i, &x) in p.iter().enumerate() {
                let jp = i / (k * nr);
                let j = i % nr;
                assert_eq!(x == 0.0, jp * nr + j >= n, "element {i} of {k}x{n}");
            }
        }
    }

    #[test]
    fn pack_transposed_reads_columns() {
        // bt is [n, k]: b(p, j) = bt[j, p].
        let (k, n) = (3, 5);
        let bt: Vec<f32> = (0..n * k).map(|i| i as f32).collect();
        let p = pack_panels(&bt, k, n, true, 4);
        let b = unpack_panels(&p, k, n, 4);
        for pp in 0..k {
            for j in 0..n {
                assert_eq!(b[pp * n + j], bt[j * k + pp]);
            }
        }
    }
}
