//! MatMul (numpy semantics: 1-D promotion, batch broadcasting) and Gemm (transA, transB, alpha,
//! beta, C broadcast to [M, N]).
//!
//! f32 goes through the GEMM engine (gemm.rs): B is packed into `[panels, K, NR]` panels, at
//! compile time when it is a constant (a new weight), else by a packing kernel into an arena
//! scratch buffer; the product kernel's tasks are (batch, block of rows, block of columns) and
//! each runs blocks of k of the micro-kernel over its tiles, reading A in place; the tail of a
//! fused region headed by the product is applied to each tile after its last block of k
//! (gemm.rs's `finish_tile`). Other element
//! types take a plain loop nest (f16 / bf16 computed in f32 and rounded once, integers wrapping),
//! like the interpreter.

use crate::builder::{Elem, Kb, strides};
use crate::gemm::{
    self, ASrc, BSrc, Bias, Block, Count, Epilogue, First, KC, MR, NR, eq_const, mul_const,
};
use crate::{KernelTarget, OpCx, gpu_gemm, gpu_library};
use flowc_ir::{Context, Diagnostic, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    match name {
        "flow.matmul" => matmul(ctx, cx)?,
        "flow.gemm" => gemm_op(ctx, cx)?,
        "flow.matmul_integer" => matmul_integer(ctx, cx)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Shapes of a numpy matmul.
struct Plan {
    /// Broadcast batch shape and the operands' batch shapes (before broadcasting).
    batch: Vec<i64>,
    a_batch: Vec<i64>,
    b_batch: Vec<i64>,
    m: i64,
    k: i64,
    n: i64,
}

impl Plan {
    fn nb(&self) -> i64 {
        self.batch.iter().product()
    }
    fn ab(&self) -> i64 {
        self.a_batch.iter().product()
    }
    fn bb(&self) -> i64 {
        self.b_batch.iter().product()
    }
}

fn plan(cx: &OpCx<'_, '_>, ctx: &Context) -> Result<Plan, Diagnostic> {
    let mut a = cx.operand_shape(ctx, 0);
    let mut b = cx.operand_shape(ctx, 1);
    if a.is_empty() || b.is_empty() {
        return Err(cx.unsupported(ctx, "rank-0 operands"));
    }
    if a.len() == 1 {
        a.insert(0, 1);
    }
    if b.len() == 1 {
        b.push(1);
    }
    let (m, k) = (a[a.len() - 2], a[a.len() - 1]);
    let (k2, n) = (b[b.len() - 2], b[b.len() - 1]);
    if k != k2 {
        return Err(cx.unsupported(ctx, "operands whose inner dimensions differ"));
    }
    let a_batch = a[..a.len() - 2].to_vec();
    let b_batch = b[..b.len() - 2].to_vec();
    let r = a_batch.len().max(b_batch.len());
    let mut batch = vec![1i64; r];
    for (i, d) in batch.iter_mut().enumerate() {
        let da = dim_aligned(&a_batch, r, i);
        let db = dim_aligned(&b_batch, r, i);
        *d = if da == 1 { db } else { da };
        if da != 1 && db != 1 && da != db {
            return Err(cx.unsupported(ctx, "batch dimensions that do not broadcast"));
        }
    }
    Ok(Plan {
        batch,
        a_batch,
        b_batch,
        m,
        k,
        n,
    })
}

/// Dim `i` of `shape` right-aligned to rank `r` (1 where absent).
fn dim_aligned(shape: &[i64], r: usize, i: usize) -> i64 {
    let off = r - shape.len();
    if i < off { 1 } else { shape[i - off] }
}

/// The linear batch index into an operand of batch shape `shape` for the output batch `ob`
/// (linear over `batch`): broadcast dims contribute nothing.
pub(crate) fn batch_index(kb: &mut Kb<'_>, ob: Value, batch: &[i64], shape: &[i64]) -> Value {
    let r = batch.len();
    let ost = strides(batch);
    let aligned: Vec<i64> = (0..r).map(|i| dim_aligned(shape, r, i)).collect();
    let ast = strides(&aligned);
    if aligned == batch {
        return ob;
    }
    let mut acc = kb.index(0);
    for d in 0..r {
        if aligned[d] == 1 {
            continue;
        }
        let s = kb.index(ost[d]);
        let q = kb.binary("arith.divui", ob, s);
        let dm = kb.index(batch[d]);
        let c = kb.binary("arith.remui", q, dm);
        acc = kb.mul_add_index(c, ast[d], Some(acc));
    }
    acc
}

fn matmul(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let p = plan(cx, ctx)?;
    let ea = cx.operand_elem(ctx, 0)?;
    let eb = cx.operand_elem(ctx, 1)?;
    let eo = cx.result_elem(ctx, 0)?;
    if ea != eb || ea != eo || ea == Elem::Bool {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let a = cx.input(ctx, 0)?;
    let out = cx.output(ctx, 0)?;
    let f32k = Elem::Float(flowc_ir::FloatKind::F32);
    if ea == f32k && p.m > 0 && p.n > 0 && p.k > 0 && cx.target() == KernelTarget::Gpu {
        let gp = gpu_gemm::Product {
            batch: p.batch,
            a_batch: p.a_batch,
            b_batch: p.b_batch,
            m: p.m,
            k: p.k,
            n: p.n,
            trans_a: false,
            trans_b: false,
            alpha: 1.0,
            c: None,
        };
        if gpu_library::product(ctx, cx, &gp)? {
            return Ok(());
        }
        return gpu_gemm::product(ctx, cx, "matmul", gp);
    }
    if ea == f32k && p.m > 0 && p.n > 0 && p.k > 0 {
        let bsrc = gemm::packed_operand(ctx, cx, 1, [p.bb(), p.k, p.n], false, NR, "b")?;
        let op = Product {
            plan: p,
            trans_a: false,
            alpha: 1.0,
            c: None,
        };
        return product_kernel(ctx, cx, "matmul", a, bsrc, out, op);
    }
    let b = cx.input(ctx, 1)?;
    let (m, k, n) = (p.m, p.k, p.n);
    let (nb, ab, bbn) = (p.nb(), p.ab(), p.bb());
    cx.kernel(ctx, "matmul", &[a, b, out], |kb, args| {
        let a = gemm::view(kb, args[0], vec![ab, m, k]);
        let b = gemm::view(kb, args[1], vec![bbn, k, n]);
        let o = gemm::view(kb, args[2], vec![nb, m, n]);
        kb.parallel(&[nb, m], |kb, ivs| {
            let (ob, i) = (ivs[0], ivs[1]);
            let ia = batch_index(kb, ob, &p.batch, &p.a_batch);
            let ib = batch_index(kb, ob, &p.batch, &p.b_batch);
            kb.for_range(n, |kb, j| {
                let s = dot(kb, ea, k, |kb, q| {
                    let x = kb.load_elem(ea, a, &[ia, i, q]);
                    let y = kb.load_elem(ea, b, &[ib, q, j]);
                    (x, y)
                });
                kb.store_elem(ea, s, o, &[ob, i, j]);
            });
        });
        Ok(())
    })
}

/// MatMulInteger: `sum (a - a_zero_point) * (b - b_zero_point)` in i32, wrapping, with the
/// zero points scalars or per row of A / per column of B (as the interpreter).
fn matmul_integer(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let p = plan(cx, ctx)?;
    let ea = cx.operand_elem(ctx, 0)?;
    let eb = cx.operand_elem(ctx, 1)?;
    let i32k = Elem::Int {
        width: 32,
        signed: true,
    };
    let small_int = |e: Elem| matches!(e, Elem::Int { width: 8, .. });
    if !small_int(ea) || !small_int(eb) || cx.result_elem(ctx, 0)? != i32k {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let (m, k, n) = (p.m, p.k, p.n);
    let zp_len = |i: usize| -> Option<i64> {
        cx.has_operand(ctx, i)
            .then(|| cx.operand_shape(ctx, i).iter().product())
    };
    let azp = zp_len(2);
    let bzp = zp_len(3);
    if azp.is_some_and(|l| l != 1 && l != m) || bzp.is_some_and(|l| l != 1 && l != n) {
        return Err(cx.unsupported(ctx, "these zero point shapes"));
    }
    let mut args = vec![cx.input(ctx, 0)?, cx.input(ctx, 1)?];
    if azp.is_some() {
        args.push(cx.input(ctx, 2)?);
    }
    if bzp.is_some() {
        args.push(cx.input(ctx, 3)?);
    }
    args.push(cx.output(ctx, 0)?);
    let (nb, ab, bbn) = (p.nb(), p.ab(), p.bb());
    cx.kernel(ctx, "matmul_integer", &args, |kb, args| {
        let a = gemm::view(kb, args[0], vec![ab, m, k]);
        let b = gemm::view(kb, args[1], vec![bbn, k, n]);
        let o = gemm::view(kb, *args.last().expect("output"), vec![nb, m, n]);
        let mut next = 2;
        let mut zp = |kb: &mut Kb<'_>, len: Option<i64>| {
            len.map(|l| {
                next += 1;
                (gemm::view(kb, args[next - 1], vec![l]), l > 1)
            })
        };
        let azp_mem = zp(kb, azp);
        let bzp_mem = zp(kb, bzp);
        let widen = |kb: &mut Kb<'_>, e: Elem, v: Value| {
            let i32t = kb.ctx.integer_type(32);
            let signed = matches!(e, Elem::Int { signed: true, .. });
            kb.cast(if signed { "arith.extsi" } else { "arith.extui" }, v, i32t)
        };
        kb.parallel(&[nb, m], |kb, ivs| {
            let (ob, i) = (ivs[0], ivs[1]);
            let ia = batch_index(kb, ob, &p.batch, &p.a_batch);
            let ib = batch_index(kb, ob, &p.batch, &p.b_batch);
            let zero = kb.index(0);
            let i32t = kb.ctx.integer_type(32);
            let za = match azp_mem {
                Some((mz, per)) => {
                    let v = kb.load(mz, &[if per { i } else { zero }]);
                    widen(kb, ea, v)
                }
                None => kb.constant(i32t, 0.0),
            };
            kb.for_range(n, |kb, j| {
                let zb = match bzp_mem {
                    Some((mz, per)) => {
                        let v = kb.load(mz, &[if per { j } else { zero }]);
                        widen(kb, eb, v)
                    }
                    None => kb.constant(i32t, 0.0),
                };
                let s = dot(kb, i32k, k, |kb, q| {
                    let x = kb.load(a, &[ia, i, q]);
                    let x = widen(kb, ea, x);
                    let y = kb.load(b, &[ib, q, j]);
                    let y = widen(kb, eb, y);
                    (kb.subi(x, za), kb.subi(y, zb))
                });
                kb.store(s, o, &[ob, i, j]);
            });
        });
        Ok(())
    })
}

/// `sum_{q < k} x(q) · y(q)` in `elem`'s compute type (floats: multiply then add, as the
/// interpreter's f32 / f64 kernel; integers wrap).
fn dot(
    kb: &mut Kb<'_>,
    elem: Elem,
    k: i64,
    xy: impl FnOnce(&mut Kb<'_>, Value) -> (Value, Value),
) -> Value {
    let ct = elem.compute_type(kb.ctx);
    let zero = kb.constant(ct, 0.0);
    let lb = kb.index(0);
    let ub = kb.index(k);
    let one = kb.index(1);
    let float = elem.is_float();
    kb.for_loop(lb, ub, one, &[zero], |kb, q, acc| {
        let (x, y) = xy(kb, q);
        let (mul, add) = if float {
            ("arith.mulf", "arith.addf")
        } else {
            ("arith.muli", "arith.addi")
        };
        let pr = kb.binary(mul, x, y);
        vec![kb.binary(add, acc[0], pr)]
    })[0]
}

fn gemm_op(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let ash = cx.operand_shape(ctx, 0);
    let bsh = cx.operand_shape(ctx, 1);
    if ash.len() != 2 || bsh.len() != 2 {
        return Err(cx.unsupported(ctx, "A and B that are not 2-D"));
    }
    let ta = cx.attr_i64(ctx, "transA", 0) != 0;
    let tb = cx.attr_i64(ctx, "transB", 0) != 0;
    let alpha = cx.attr_f64(ctx, "alpha", 1.0);
    let beta = cx.attr_f64(ctx, "beta", 1.0);
    let (m, k) = if ta {
        (ash[1], ash[0])
    } else {
        (ash[0], ash[1])
    };
    let (k2, n) = if tb {
        (bsh[1], bsh[0])
    } else {
        (bsh[0], bsh[1])
    };
    if k != k2 {
        return Err(cx.unsupported(ctx, "A and B whose inner dimensions differ"));
    }
    let e = cx.operand_elem(ctx, 0)?;
    if cx.operand_elem(ctx, 1)? != e || cx.result_elem(ctx, 0)? != e || e == Elem::Bool {
        return Err(cx.unsupported(ctx, "these element types"));
    }
    let has_c = cx.has_operand(ctx, 2);
    let c_shape = if has_c {
        if cx.operand_elem(ctx, 2)? != e {
            return Err(cx.unsupported(ctx, "a C of another element type"));
        }
        let s = cx.operand_shape(ctx, 2);
        let s2 = match s.len() {
            0 => vec![1, 1],
            1 => vec![1, s[0]],
            2 => s,
            _ => return Err(cx.unsupported(ctx, "C of rank above 2")),
        };
        if (s2[0] != 1 && s2[0] != m) || (s2[1] != 1 && s2[1] != n) {
            return Err(cx.unsupported(ctx, "a C that does not broadcast to [M, N]"));
        }
        Some(s2)
    } else {
        None
    };
    if e == Elem::Float(flowc_ir::FloatKind::F32)
        && m > 0
        && n > 0
        && k > 0
        && cx.target() == KernelTarget::Gpu
    {
        let gp = gpu_gemm::Product {
            batch: vec![],
            a_batch: vec![],
            b_batch: vec![],
            m,
            k,
            n,
            trans_a: ta,
            trans_b: tb,
            alpha,
            c: c_shape.map(|s| (s, beta)),
        };
        if gpu_library::product(ctx, cx, &gp)? {
            return Ok(());
        }
        return gpu_gemm::product(ctx, cx, "gemm", gp);
    }
    let a = cx.input(ctx, 0)?;
    let c = if has_c { Some(cx.input(ctx, 2)?) } else { None };
    let out = cx.output(ctx, 0)?;
    let f32k = Elem::Float(flowc_ir::FloatKind::F32);
    if e == f32k && m > 0 && n > 0 && k > 0 {
        let bsrc = gemm::packed_operand(ctx, cx, 1, [1, k, n], tb, NR, "b")?;
        let op = Product {
            plan: Plan {
                batch: vec![],
                a_batch: vec![],
                b_batch: vec![],
                m,
                k,
                n,
            },
            trans_a: ta,
            alpha,
            c: c.zip(c_shape).map(|(c, s)| (c, s, beta)),
        };
        return product_kernel(ctx, cx, "gemm", a, bsrc, out, op);
    }
    if !e.is_float() && (alpha != 1.0 || (has_c && beta != 1.0)) {
        return Err(cx.unsupported(ctx, "integer Gemm with alpha or beta other than 1"));
    }
    let b = cx.input(ctx, 1)?;
    let mut args = vec![a, b];
    args.extend(c);
    args.push(out);
    cx.kernel(ctx, "gemm", &args, |kb, args| {
        let (a, b) = (args[0], args[1]);
        let o = *args.last().expect("output");
        let c = c_shape.as_ref().map(|s| gemm::view(kb, args[2], s.clone()));
        kb.parallel(&[m], |kb, ivs| {
            let i = ivs[0];
            kb.for_range(n, |kb, j| {
                let s = dot(kb, e, k, |kb, q| {
                    let x = if ta {
                        kb.load_elem(e, a, &[q, i])
                    } else {
                        kb.load_elem(e, a, &[i, q])
                    };
                    let y = if tb {
                        kb.load_elem(e, b, &[j, q])
                    } else {
                        kb.load_elem(e, b, &[q, j])
                    };
                    (x, y)
                });
                let mut y = s;
                if e.is_float() {
                    let ty = kb.value_type(s);
                    if alpha != 1.0 {
                        let av = kb.constant(ty, alpha);
                        y = kb.binary("arith.mulf", av, y);
                    }
                    if let (Some(cm), Some(cs)) = (c, &c_shape) {
                        let ci = if cs[0] == 1 { kb.index(0) } else { i };
                        let cj = if cs[1] == 1 { kb.index(0) } else { j };
                        let mut cv = kb.load_elem(e, cm, &[ci, cj]);
                        if beta != 1.0 {
                            let bv = kb.constant(ty, beta);
                            cv = kb.binary("arith.mulf", bv, cv);
                        }
                        y = kb.binary("arith.addf", y, cv);
                    }
                } else if let (Some(cm), Some(cs)) = (c, &c_shape) {
                    let ci = if cs[0] == 1 { kb.index(0) } else { i };
                    let cj = if cs[1] == 1 { kb.index(0) } else { j };
                    let cv = kb.load_elem(e, cm, &[ci, cj]);
                    y = kb.binary("arith.addi", y, cv);
                }
                kb.store_elem(e, y, o, &[i, j]);
            });
        });
        Ok(())
    })
}

/// One f32 product `out = alpha · A·B (+ beta · C)` over a batch.
struct Product {
    plan: Plan,
    trans_a: bool,
    alpha: f64,
    /// Gemm's C as `[cm, cn]`, and beta.
    c: Option<(Value, Vec<i64>, f64)>,
}

/// Splits `total` units into blocks of at most `max` units, evenly: (blocks, units per block).
fn split(total: i64, max: i64) -> (i64, i64) {
    let blocks = (total + max - 1) / max;
    let per = (total + blocks - 1) / blocks;
    ((total + per - 1) / per, per)
}

/// Blocks of rows (in tiles of MR) and columns (in panels of NR) for a product: at most 16 tiles
/// by 10 panels, split further until there are enough tasks for the threads.
pub(crate) fn choose_blocks(nb: i64, m: i64, n: i64, k: i64) -> ((i64, i64), (i64, i64)) {
    let mt = (m + MR - 1) / MR;
    let np = (n + NR - 1) / NR;
    let flops = 2.0 * (nb * m * n * k) as f64;
    let want = ((flops / 4e6) as i64).clamp(1, 16);
    let (mut max_t, mut max_p) = (16, 10);
    loop {
        let (mb, tpb) = split(mt, max_t);
        let (nbk, ppb) = split(np, max_p);
        if nb * mb * nbk >= want || (max_t == 1 && max_p == 1) {
            return ((mb, tpb), (nbk, ppb));
        }
        if max_p > 2 && (max_p >= max_t || max_t == 1) {
            max_p = (max_p + 1) / 2;
        } else if max_t > 1 {
            max_t = (max_t + 1) / 2;
        } else {
            max_p = (max_p + 1) / 2;
        }
    }
}

/// The product kernel: tasks (batch, row block, column block), blocks of k inside.
#[allow(clippy::too_many_arguments)]
fn product_kernel(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    hint: &str,
    a: Value,
    bp: Value,
    out: Value,
    op: Product,
) -> Result<(), Diagnostic> {
    let p = &op.plan;
    let (m, k, n) = (p.m, p.k, p.n);
    let (nb, ab) = (p.nb(), p.ab());
    let panels = (n + NR - 1) / NR;
    let ((mblocks, tpb), (nblocks, ppb)) = choose_blocks(nb, m, n, k);
    let mut args = vec![a, bp];
    if let Some((c, _, _)) = &op.c {
        args.push(*c);
    }
    // A fused region's tail, applied to each tile after its last block of k.
    let tail = cx.take_epilogue_tail();
    let tail_bufs = tail.as_ref().map(|t| t.buffers()).unwrap_or_default();
    let ntail = tail_bufs.len();
    args.extend(tail_bufs);
    args.push(out);
    let trans_a = op.trans_a;
    let alpha = op.alpha;
    let c_info = op.c.as_ref().map(|(_, s, beta)| (s.clone(), *beta));
    let batch = p.batch.clone();
    let (a_batch, b_batch) = (p.a_batch.clone(), p.b_batch.clone());
    cx.kernel(ctx, hint, &args, |kb, args| {
        let a2 = if trans_a {
            gemm::view(kb, args[0], vec![k, m])
        } else {
            gemm::view(kb, args[0], vec![ab * m, k])
        };
        let bp = args[1];
        let o2 = gemm::view(kb, *args.last().expect("output"), vec![nb * m, n]);
        let bias = match &c_info {
            Some((s, beta)) => Bias::Gemm {
                mem: gemm::view(kb, args[2], s.clone()),
                rows: s[0] != 1,
                cols: s[1] != 1,
                beta: *beta,
            },
            None => Bias::None,
        };
        let tmp = gemm::alloca(kb, vec![gemm::VL]);
        let nargs = args.len();
        let bound = tail
            .as_ref()
            .map(|t| t.bind(kb, &args[nargs - 1 - ntail..nargs - 1], &[nb * m, n]));
        let epi = Epilogue {
            out: o2,
            alpha,
            bias,
            tmp,
            tail: bound.as_ref(),
        };
        let nk = (k + KC - 1) / KC;
        kb.parallel(&[nb, mblocks, nblocks], |kb, ivs| {
            let (ob, mi, ni) = (ivs[0], ivs[1], ivs[2]);
            let ia = batch_index(kb, ob, &batch, &a_batch);
            let ib = batch_index(kb, ob, &batch, &b_batch);
            // Rows of this block: tiles [mi * tpb, ...), the last block holds the rest.
            let block = block_of(kb, mi, mblocks, tpb, m, MR, ni, nblocks, ppb, n, NR);
            let m0 = mul_const(kb, mi, tpb * MR);
            let n0 = mul_const(kb, ni, ppb * NR);
            let a_row0 = kb.mul_add_index(ia, m, Some(m0));
            let o_row0 = kb.mul_add_index(ob, m, Some(m0));
            let panel0 = kb.mul_add_index(ib, panels, None);
            let pfirst = mul_const(kb, ni, ppb);
            let panel0 = kb.addi(panel0, pfirst);
            let lb = kb.index(0);
            let ub = kb.index(nk);
            gemm::for_dyn(kb, lb, ub, |kb, pc| {
                let kbase = mul_const(kb, pc, KC);
                let klen = if k % KC == 0 {
                    kb.index(KC)
                } else {
                    let kv = kb.index(k);
                    let rest = kb.subi(kv, kbase);
                    let kcv = kb.index(KC);
                    kb.binary("arith.minsi", rest, kcv)
                };
                let first = if nk == 1 {
                    First::Yes
                } else {
                    First::Cond(eq_const(kb, pc, 0))
                };
                let last = (nk > 1 && epi.tail.is_some()).then(|| eq_const(kb, pc, nk - 1));
                let a_at = |kb: &mut Kb<'_>, tile: Value| {
                    let off = mul_const(kb, tile, MR);
                    if trans_a {
                        ASrc::Cols {
                            mem: a2,
                            col0: kb.addi(m0, off),
                            kbase: Some(kbase),
                        }
                    } else {
                        ASrc::Rows {
                            mem: a2,
                            row0: kb.addi(a_row0, off),
                            kbase: Some(kbase),
                        }
                    }
                };
                let b_at = |kb: &mut Kb<'_>, panel: Value, _tail: bool| BSrc::Packed {
                    mem: bp,
                    panel: kb.addi(panel0, panel),
                    kbase: Some(kbase),
                };
                let origin = gemm::BlockOrigin {
                    out_row: o_row0,
                    bias_row: m0,
                    col: n0,
                };
                gemm::macro_tile_stored(kb, klen, block, &a_at, &b_at, &epi, origin, first, last);
            });
        });
        Ok(())
    })
}

/// The tiles of block (`mi`, `ni`) of an `m x n` result split into `mblocks` blocks of `tpb`
/// row tiles of `mr` and `nblocks` blocks of `ppb` column panels of `nr`: every block is full
/// except the last of each direction, which holds the rest and the tail.
#[allow(clippy::too_many_arguments)]
pub(crate) fn block_of(
    kb: &mut Kb<'_>,
    mi: Value,
    mblocks: i64,
    tpb: i64,
    m: i64,
    mr: i64,
    ni: Value,
    nblocks: i64,
    ppb: i64,
    n: i64,
    nr: i64,
) -> Block {
    let (m_full, m_tail) = side(kb, mi, mblocks, tpb, m, mr);
    let (n_full, n_tail) = side(kb, ni, nblocks, ppb, n, nr);
    Block {
        m_full,
        m_tail,
        n_full,
        n_tail,
    }
}

fn side(
    kb: &mut Kb<'_>,
    bi: Value,
    blocks: i64,
    per: i64,
    total: i64,
    unit: i64,
) -> (Count, Option<(i64, Option<Value>)>) {
    let full_units = total / unit;
    let rem = total % unit;
    let last_full = full_units - (blocks - 1) * per;
    let is_last = (blocks > 1).then(|| eq_const(kb, bi, blocks - 1));
    let full = match is_last {
        None => Count::Static(last_full),
        Some(_) if last_full == per => Count::Static(per),
        Some(c) => {
            let lf = kb.index(last_full);
            let pv = kb.index(per);
            Count::Dyn(kb.select(c, lf, pv))
        }
    };
    let tail = (rem != 0).then_some((rem, is_last));
    (full, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_even_and_covers() {
        for total in 1..200 {
            for max in 1..20 {
                let (blocks, per) = split(total, max);
                assert!(per <= max);
                assert!(blocks * per >= total && (blocks - 1) * per < total);
            }
        }
    }

    #[test]
    fn blocks_give_enough_tasks_for_big_products() {
        let ((mb, tpb), (nbk, ppb)) = choose_blocks(1, 1024, 1024, 1024);
        assert!(mb * nbk >= 16, "{mb} x {nbk}");
        assert!(tpb * MR * mb >= 1024 && ppb * NR * nbk >= 1024);
        // A tiny product is one task.
        assert_eq!(choose_blocks(1, 4, 4, 4), ((1, 1), (1, 1)));
        // A row vector times a matrix is split over columns.
        let ((mb, _), (nbk, _)) = choose_blocks(1, 1, 4096, 4096);
        assert!(mb == 1 && nbk >= 8);
    }
}
