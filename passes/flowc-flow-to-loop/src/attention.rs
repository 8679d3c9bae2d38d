//! Attention, LinearAttention, RotaryEmbedding and CausalConvWithState, as the interpreter
//! computes them (crates/flowc-interp/src/ops/extra.rs `attention`, extra2.rs
//! `rotary_embedding`, extra3.rs `linear_attention` / `causal_conv_with_state`).
//!
//! Attention is two kernels. The first (a task per batch and key / value head) concatenates the
//! past and new keys / values into the `present_*` results where they are wanted, and writes the
//! scaled keys transposed (`[B, Hkv, D, Skv]`, in the compute type) to a scratch buffer. The
//! second is a task per batch, query head and block of query rows; per row it keeps the scores in
//! a stack row (`scores[j] += q[d] * kT[d][j]`, contiguous in `j`), applies softcap, the mask and
//! the causal / window / padding frontiers, a numerically stable softmax (fully masked rows give
//! zeros), and accumulates `p[j] * V[j][:]` into a stack row of the value head size: the full
//! score tensor is only written when `qk_matmul_output` is a result. f16 / bf16 are computed in
//! f32 and rounded after each step as the reference does; `softmax_precision` picks the type the
//! softmax is rounded to (f64 computes it in f64).

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common;
use crate::elementwise::convert;
use flowc_ir::{Context, Diagnostic, FloatKind, Type, Value};

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let f = match name {
        "flow.attention" => attention,
        "flow.linear_attention" => linear_attention,
        "flow.rotary_embedding" => rotary_embedding,
        "flow.causal_conv_with_state" => causal_conv_with_state,
        _ => return Ok(false),
    };
    common::require_static(ctx, cx)?;
    f(ctx, cx)?;
    Ok(true)
}

fn float_kind(ctx: &Context, cx: &OpCx<'_, '_>, i: usize) -> Result<FloatKind, Diagnostic> {
    match cx.operand_elem(ctx, i)? {
        Elem::Float(k) => Ok(k),
        e => Err(cx.unsupported(ctx, format!("element type {e:?} of operand #{i}"))),
    }
}

/// Rounds the f32 / f64 value `v` to the precision of `kind` (and back to `v`'s type).
fn round_to(kb: &mut Kb<'_>, v: Value, kind: FloatKind) -> Value {
    let t = kb.value_type(v);
    let w = match kb.ctx.type_data(t) {
        flowc_ir::TypeData::Float(k) => k.width(),
        _ => return v,
    };
    if kind.width() >= w {
        return v;
    }
    let nt = kb.ctx.float_type(kind);
    let n = kb.cast("arith.truncf", v, nt);
    kb.cast("arith.extf", n, t)
}

/// Rounds an f64 into `kind`'s precision at compile time.
fn round_host(v: f64, kind: FloatKind) -> f64 {
    match kind {
        FloatKind::F16 => flowc_tensor::half::f16::from_f64(v).to_f64(),
        FloatKind::BF16 => flowc_tensor::half::bf16::from_f64(v).to_f64(),
        FloatKind::F32 => v as f32 as f64,
        FloatKind::F64 => v,
    }
}

/// A stack buffer (placed at the kernel's top level; codegen hoists it to the entry block).
fn alloca(kb: &mut Kb<'_>, shape: Vec<i64>, et: Type) -> Value {
    let t = kb.ctx.memref_type(shape, et);
    kb.op1("buffer.alloca", &[], t, &[])
}

/// The result buffer `i`, if that result is present.
fn opt_output(ctx: &Context, cx: &OpCx<'_, '_>, i: usize) -> Option<Value> {
    if i < ctx.num_results(cx.op) {
        cx.output(ctx, i).ok()
    } else {
        None
    }
}

/// `lb..ub` (static) loop with step 1.
fn range(kb: &mut Kb<'_>, lb: i64, ub: i64, body: impl FnOnce(&mut Kb<'_>, Value)) {
    let l = kb.index(lb);
    let u = kb.index(ub);
    let one = kb.index(1);
    kb.for_loop(l, u, one, &[], |kb, iv, _| {
        body(kb, iv);
        Vec::new()
    });
}

/// `0..n` loop carrying `inits`.
fn fold(
    kb: &mut Kb<'_>,
    n: i64,
    inits: &[Value],
    body: impl FnOnce(&mut Kb<'_>, Value, &[Value]) -> Vec<Value>,
) -> Vec<Value> {
    let l = kb.index(0);
    let u = kb.index(n);
    let one = kb.index(1);
    kb.for_loop(l, u, one, inits, body)
}

/// Largest divisor of `n` that is at most `max`.
fn block_rows(n: i64, max: i64) -> i64 {
    (1..=max.min(n).max(1))
        .rev()
        .find(|d| n % d == 0)
        .unwrap_or(1)
}

/// Index of element `(b, head, pos, d)` of a Q / K / V operand: `[B, S, H, D]` (a view of the 3-D
/// form) or `[B, H, S, D]`.
fn qkv_idx(rank3: bool, b: Value, h: Value, s: Value, d: Value) -> Vec<Value> {
    if rank3 {
        vec![b, s, h, d]
    } else {
        vec![b, h, s, d]
    }
}

#[allow(clippy::too_many_lines)]
fn attention(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let kind = float_kind(ctx, cx, 0)?;
    let e = Elem::Float(kind);
    for i in [1, 2] {
        if cx.operand_elem(ctx, i)? != e {
            return Err(cx.unsupported(ctx, "Q, K and V of different element types"));
        }
    }
    let (qs, ks, vs) = (
        cx.operand_shape(ctx, 0),
        cx.operand_shape(ctx, 1),
        cx.operand_shape(ctx, 2),
    );
    let rank3 = qs.len() == 3;
    if qs.len() != ks.len() || qs.len() != vs.len() || !(rank3 || qs.len() == 4) {
        return Err(cx.unsupported(ctx, "Q, K and V that are not all 3-D or all 4-D"));
    }
    let (batch, qh, sq, d, kh, snew, dk, dv);
    if rank3 {
        let qa = cx.attr_i64(ctx, "q_num_heads", 0);
        let ka = cx.attr_i64(ctx, "kv_num_heads", 0);
        if qa <= 0 || ka <= 0 || qs[2] % qa != 0 || ks[2] % ka != 0 || vs[2] % ka != 0 {
            return Err(cx.unsupported(
                ctx,
                "3-D inputs without q_num_heads / kv_num_heads dividing the hidden sizes",
            ));
        }
        (batch, sq, qh, d) = (qs[0], qs[1], qa, qs[2] / qa);
        (kh, snew, dk, dv) = (ka, ks[1], ks[2] / ka, vs[2] / ka);
        if vs[1] != snew {
            return Err(cx.unsupported(ctx, "K and V of different sequence lengths"));
        }
    } else {
        (batch, qh, sq, d) = (qs[0], qs[1], qs[2], qs[3]);
        (kh, snew, dk, dv) = (ks[1], ks[2], ks[3], vs[3]);
        if vs[1] != kh || vs[2] != snew {
            return Err(cx.unsupported(ctx, "K and V of different heads / sequence lengths"));
        }
    }
    if ks[0] != batch || vs[0] != batch || dk != d {
        return Err(cx.unsupported(ctx, "K that does not match Q's batch / head size"));
    }
    if kh == 0 || qh % kh != 0 {
        return Err(cx.unsupported(ctx, "query heads not a multiple of key / value heads"));
    }
    let reps = qh / kh;
    let has_past = cx.has_operand(ctx, 4) || cx.has_operand(ctx, 5);
    let mut past = 0;
    if has_past {
        if !(cx.has_operand(ctx, 4) && cx.has_operand(ctx, 5)) {
            return Err(cx.unsupported(ctx, "past_key without past_value"));
        }
        let (pk, pv) = (cx.operand_shape(ctx, 4), cx.operand_shape(ctx, 5));
        if pk.len() != 4 || pv.len() != 4 || pk[..2] != [batch, kh] || pv[..2] != [batch, kh] {
            return Err(cx.unsupported(ctx, "past_key / past_value not matching K / V heads"));
        }
        if pk[2] != pv[2] || pk[3] != d || pv[3] != dv {
            return Err(cx.unsupported(ctx, "past_key / past_value of mismatched sizes"));
        }
        if cx.operand_elem(ctx, 4)? != e || cx.operand_elem(ctx, 5)? != e {
            return Err(cx.unsupported(ctx, "past key / value of another element type"));
        }
        past = pk[2];
    }
    let skv = past + snew;
    let has_nonpad = cx.has_operand(ctx, 6);
    if has_nonpad {
        if has_past {
            return Err(cx.unsupported(ctx, "nonpad_kv_seqlen with past_key / past_value"));
        }
        let ne = cx.operand_elem(ctx, 6)?;
        if !matches!(ne, Elem::Int { .. }) || cx.operand_shape(ctx, 6) != [batch] {
            return Err(cx.unsupported(ctx, "nonpad_kv_seqlen that is not an integer [batch]"));
        }
    }
    let nonpad_e = if has_nonpad {
        Some(cx.operand_elem(ctx, 6)?)
    } else {
        None
    };
    let has_mask = cx.has_operand(ctx, 3);
    let (mask_e, ms) = if has_mask {
        (Some(cx.operand_elem(ctx, 3)?), cx.operand_shape(ctx, 3))
    } else {
        (None, Vec::new())
    };
    let full = [batch, qh, sq, skv];
    if has_mask {
        let ok_elem = matches!(mask_e, Some(Elem::Bool | Elem::Float(_)));
        let r = ms.len();
        let ok_shape = (1..=4).contains(&r)
            && ms[r - 1] <= skv
            && (0..r - 1).all(|k| ms[k] == 1 || ms[k] == full[4 - r + k]);
        if !ok_elem || !ok_shape {
            return Err(cx.unsupported(ctx, "an attn_mask that does not broadcast to the scores"));
        }
    }
    let scale = match cx.attr(ctx, "scale").and_then(|a| ctx.float_value(a)) {
        Some(s) => s,
        None => round_host(1.0 / (d as f64).sqrt(), kind),
    };
    let ss = round_host(scale.sqrt(), kind);
    let softcap = cx.attr_f64(ctx, "softcap", 0.0);
    let mode = cx.attr_i64(ctx, "qk_matmul_output_mode", 0);
    if !(0..=3).contains(&mode) {
        return Err(cx.unsupported(ctx, format!("qk_matmul_output_mode {mode}")));
    }
    let sr = match cx
        .attr(ctx, "softmax_precision")
        .and_then(|a| ctx.int_value(a))
    {
        None => kind,
        Some(1) => FloatKind::F32,
        Some(10) => FloatKind::F16,
        Some(11) => FloatKind::F64,
        Some(16) => FloatKind::BF16,
        Some(c) => return Err(cx.unsupported(ctx, format!("softmax_precision {c}"))),
    };
    let causal = cx.attr_i64(ctx, "is_causal", 0) != 0;
    let left = cx.attr_i64(ctx, "left_window_size", -1);
    let right = cx.attr_i64(ctx, "right_window_size", -1);
    let window = left >= 0 || right >= 0;

    // Buffers.
    let q = cx.input(ctx, 0)?;
    let k = cx.input(ctx, 1)?;
    let v = cx.input(ctx, 2)?;
    let (q, k, v) = if rank3 {
        (
            cx.view(ctx, q, &[batch, sq, qh, d]),
            cx.view(ctx, k, &[batch, snew, kh, d]),
            cx.view(ctx, v, &[batch, snew, kh, dv]),
        )
    } else {
        (q, k, v)
    };
    let y = cx.output(ctx, 0)?;
    let y = if rank3 {
        cx.view(ctx, y, &[batch, sq, qh, dv])
    } else {
        y
    };
    let present_k = opt_output(ctx, cx, 1);
    let present_v = opt_output(ctx, cx, 2);
    let qk_out = opt_output(ctx, cx, 3);
    if let Some(p) = present_k {
        let s = ctx.shape(ctx.value_type(p)).map(<[i64]>::to_vec);
        if s.as_deref() != Some(&[batch, kh, skv, d][..]) {
            return Err(cx.unsupported(ctx, "a present_key of an unexpected shape"));
        }
    }
    if let Some(p) = present_v {
        let s = ctx.shape(ctx.value_type(p)).map(<[i64]>::to_vec);
        if s.as_deref() != Some(&[batch, kh, skv, dv][..]) {
            return Err(cx.unsupported(ctx, "a present_value of an unexpected shape"));
        }
    }
    if let Some(p) = qk_out {
        let s = ctx.shape(ctx.value_type(p)).map(<[i64]>::to_vec);
        if s.as_deref() != Some(&full[..]) || cx.result_elem(ctx, 3)? != e {
            return Err(cx.unsupported(ctx, "a qk_matmul_output of an unexpected type"));
        }
    }
    if cx.result_elem(ctx, 0)? != e {
        return Err(cx.unsupported(ctx, "a result of another element type"));
    }
    if batch * qh * sq * dv == 0 && present_k.is_none() && present_v.is_none() {
        return Ok(());
    }
    let ct = e.compute_type(ctx);
    let f64t = common::f64_type_ctx(ctx);
    let st = if sr == FloatKind::F64 { f64t } else { ct };
    let kt_ty = ctx.memref_type(vec![batch, kh, d, skv], ct);
    let kt = cx.scratch(ctx, kt_ty);
    // Values as [B, Hkv, Skv, Dv] (present_value or scratch) when there is a past.
    let vfull = if has_past {
        Some(match present_v {
            Some(p) => p,
            None => {
                let et = e.storage_type(ctx);
                let t = ctx.memref_type(vec![batch, kh, skv, dv], et);
                cx.scratch(ctx, t)
            }
        })
    } else {
        present_v
    };

    // Kernel 1: present key / value, scaled transposed keys.
    let mut args = vec![k, v];
    let (pk_i, pv_i) = if has_past {
        args.push(cx.input(ctx, 4)?);
        args.push(cx.input(ctx, 5)?);
        (Some(2), Some(3))
    } else {
        (None, None)
    };
    let pres_k_i = present_k.map(|p| {
        args.push(p);
        args.len() - 1
    });
    let vfull_i = vfull.map(|p| {
        args.push(p);
        args.len() - 1
    });
    args.push(kt);
    let kt_i = args.len() - 1;
    cx.kernel(ctx, "attention_kv", &args, |kb, a| {
        kb.parallel(&[batch, kh], |kb, ivs| {
            let (b, h) = (ivs[0], ivs[1]);
            let ssv = kb.constant(ct, ss);
            // Keys: position j of the present keys comes from the past (j < past) or K.
            let key = |kb: &mut Kb<'_>, j: Value, from_past: bool| {
                kb.for_range(d, |kb, dd| {
                    let x = if from_past {
                        kb.load(a[pk_i.expect("past")], &[b, h, j, dd])
                    } else {
                        let jn = common::add_const(kb, j, -past);
                        let idx = qkv_idx(rank3, b, h, jn, dd);
                        kb.load(a[0], &idx)
                    };
                    if let Some(pi) = pres_k_i {
                        kb.store(x, a[pi], &[b, h, j, dd]);
                    }
                    let xc = kb.to_compute(e, x);
                    let m = kb.binary("arith.mulf", xc, ssv);
                    let m = common::round(kb, e, m);
                    kb.store(m, a[kt_i], &[b, h, dd, j]);
                });
            };
            if past > 0 {
                range(kb, 0, past, |kb, j| key(kb, j, true));
            }
            range(kb, past, skv, |kb, j| key(kb, j, false));
            if let Some(vi) = vfull_i {
                let val = |kb: &mut Kb<'_>, j: Value, from_past: bool| {
                    kb.for_range(dv, |kb, m| {
                        let x = if from_past {
                            kb.load(a[pv_i.expect("past")], &[b, h, j, m])
                        } else {
                            let jn = common::add_const(kb, j, -past);
                            let idx = qkv_idx(rank3, b, h, jn, m);
                            kb.load(a[1], &idx)
                        };
                        kb.store(x, a[vi], &[b, h, j, m]);
                    });
                };
                if past > 0 {
                    range(kb, 0, past, |kb, j| val(kb, j, true));
                }
                range(kb, past, skv, |kb, j| val(kb, j, false));
            }
        });
        Ok(())
    })?;
    if batch * qh * sq * dv == 0 && qk_out.is_none() {
        return Ok(());
    }

    // Kernel 2: scores, softmax and the weighted sum, a task per (batch, head, row block).
    let (vsrc, v4) = match vfull {
        Some(p) => (p, true),
        None => (v, !rank3),
    };
    let mut args = vec![q, kt, vsrc];
    let mask_i = if has_mask {
        args.push(cx.input(ctx, 3)?);
        Some(args.len() - 1)
    } else {
        None
    };
    let nonpad_i = if has_nonpad {
        args.push(cx.input(ctx, 6)?);
        Some(args.len() - 1)
    } else {
        None
    };
    args.push(y);
    let y_i = args.len() - 1;
    let qk_i = qk_out.map(|p| {
        args.push(p);
        args.len() - 1
    });
    let rb = block_rows(sq, 8);
    cx.kernel(ctx, "attention", &args, |kb, a| {
        let qrow = alloca(kb, vec![d.max(1)], ct);
        let sc = alloca(kb, vec![skv.max(1)], ct);
        let xr = if st == ct {
            sc
        } else {
            alloca(kb, vec![skv.max(1)], st)
        };
        let yacc = alloca(kb, vec![dv.max(1)], ct);
        kb.parallel(&[batch, qh, sq / rb], |kb, ivs| {
            let (b, h, blk) = (ivs[0], ivs[1], ivs[2]);
            let rk = kb.index(reps);
            let kvh = kb.binary("arith.divui", h, rk);
            // The frontier offset: nonpad_kv_seqlen[b] - sq, or the past length.
            let off = match nonpad_i {
                Some(ni) => {
                    let l = kb.load(a[ni], &[b]);
                    let l = common::to_index(kb, nonpad_e.expect("nonpad"), l);
                    let sqv = kb.index(sq);
                    Some((kb.subi(l, sqv), l))
                }
                None => None,
            };
            let i0 = common::mul_const(kb, blk, rb);
            kb.for_range(rb, |kb, ii| {
                let i = kb.addi(i0, ii);
                let ssv = kb.constant(ct, ss);
                kb.for_range(d, |kb, dd| {
                    let idx = qkv_idx(rank3, b, h, i, dd);
                    let x = kb.load_elem(e, a[0], &idx);
                    let m = kb.binary("arith.mulf", x, ssv);
                    let m = common::round(kb, e, m);
                    kb.store(m, qrow, &[dd]);
                });
                // scores[j] = sum_d q[d] * kT[d][j], in order of d.
                let zero = kb.constant(ct, 0.0);
                kb.for_range(skv, |kb, j| kb.store(zero, sc, &[j]));
                kb.for_range(d, |kb, dd| {
                    let qd = kb.load(qrow, &[dd]);
                    kb.for_range(skv, |kb, j| {
                        let kv = kb.load(a[1], &[b, kvh, dd, j]);
                        let s = kb.load(sc, &[j]);
                        let p = kb.binary("arith.mulf", qd, kv);
                        let s = kb.binary("arith.addf", s, p);
                        kb.store(s, sc, &[j]);
                    });
                });
                // Softcap, bias, running max (NaN ignored) and whether any key is allowed.
                let ninf_s = kb.constant(st, f64::NEG_INFINITY);
                let i1 = kb.ctx.i1_type();
                let fls = kb.constant(i1, 0.0);
                let (pos, lim) = match off {
                    Some((o, l)) => (kb.addi(i, o), Some(l)),
                    None => (common::add_const(kb, i, past), None),
                };
                let r = fold(kb, skv, &[ninf_s, fls], |kb, j, acc| {
                    let s = kb.load(sc, &[j]);
                    let mut s = common::round(kb, e, s);
                    if softcap > 0.0 {
                        let cap = kb.constant(ct, softcap);
                        let t = kb.binary("arith.divf", s, cap);
                        let t = common::round(kb, e, t);
                        let t = kb.unary("math.tanh", t);
                        let t = common::round(kb, e, t);
                        let t = kb.binary("arith.mulf", t, cap);
                        s = common::round(kb, e, t);
                    }
                    if let (Some(qi), 0 | 1) = (qk_i, mode) {
                        kb.store_elem(e, s, a[qi], &[b, h, i, j]);
                    }
                    let ninf = kb.constant(ct, f64::NEG_INFINITY);
                    let zero = kb.constant(ct, 0.0);
                    let mut bias = zero;
                    if let (Some(mi), Some(me)) = (mask_i, mask_e) {
                        let r = ms.len();
                        let ml = ms[r - 1];
                        let full_idx = [b, h, i, j];
                        let mut idx: Vec<Value> = (0..r - 1)
                            .map(|kk| {
                                if ms[kk] == 1 {
                                    kb.index(0)
                                } else {
                                    full_idx[4 - r + kk]
                                }
                            })
                            .collect();
                        let jm = if ml < skv {
                            common::clamp_index(kb, j, 0, ml - 1)
                        } else {
                            j
                        };
                        idx.push(jm);
                        let mv = kb.load_elem(me, a[mi], &idx);
                        let mut mb = match me {
                            Elem::Bool => kb.select(mv, zero, ninf),
                            _ => {
                                let c = convert(kb, mv, me, e);
                                common::round(kb, e, c)
                            }
                        };
                        if ml < skv {
                            let mlv = kb.index(ml);
                            let inside = kb.cmp(false, cmpi::SLT, j, mlv);
                            mb = kb.select(inside, mb, ninf);
                        }
                        bias = mb;
                    }
                    // Frontiers: a blocked key adds -inf to the bias.
                    let mut blocked: Option<Value> = None;
                    let mut block = |kb: &mut Kb<'_>, c: Value| {
                        blocked = Some(match blocked {
                            Some(p) => common::or(kb, p, c),
                            None => c,
                        });
                    };
                    if causal {
                        let c = kb.cmp(false, cmpi::SGT, j, pos);
                        block(kb, c);
                    }
                    if window {
                        // delta = pos - j; blocked when delta > left or j - pos > right.
                        let delta = kb.subi(pos, j);
                        if left >= 0 {
                            let lv = kb.index(left);
                            let c = kb.cmp(false, cmpi::SGT, delta, lv);
                            block(kb, c);
                        }
                        if right >= 0 {
                            let nd = kb.subi(j, pos);
                            let rv = kb.index(right);
                            let c = kb.cmp(false, cmpi::SGT, nd, rv);
                            block(kb, c);
                        }
                    }
                    if let Some(l) = lim {
                        let c = kb.cmp(false, cmpi::SGE, j, l);
                        block(kb, c);
                    }
                    if let Some(bl) = blocked {
                        let plus = kb.binary("arith.addf", bias, ninf);
                        bias = kb.select(bl, plus, bias);
                    }
                    let allowed = kb.cmp(true, cmpf::UNE, bias, ninf);
                    let any = common::or(kb, acc[1], allowed);
                    let wb = kb.binary("arith.addf", s, bias);
                    let wb = common::round(kb, e, wb);
                    if let (Some(qi), 2) = (qk_i, mode) {
                        kb.store_elem(e, wb, a[qi], &[b, h, i, j]);
                    }
                    let x = convert(kb, wb, e, Elem::Float(if st == ct { kind } else { sr }));
                    let x = round_to(kb, x, sr);
                    kb.store(x, xr, &[j]);
                    let gt = kb.cmp(true, cmpf::OGT, x, acc[0]);
                    let mx = kb.select(gt, x, acc[0]);
                    vec![mx, any]
                });
                let (mx, any) = (r[0], r[1]);
                let isninf = kb.cmp(true, cmpf::OEQ, mx, ninf_s);
                let zs = kb.constant(st, 0.0);
                let mx = kb.select(isninf, zs, mx);
                let sum = fold(kb, skv, &[zs], |kb, j, acc| {
                    let x = kb.load(xr, &[j]);
                    let t = kb.binary("arith.subf", x, mx);
                    let t = round_to(kb, t, sr);
                    let ex = kb.unary("math.exp", t);
                    let ex = round_to(kb, ex, sr);
                    kb.store(ex, xr, &[j]);
                    vec![kb.binary("arith.addf", acc[0], ex)]
                })[0];
                let sum = round_to(kb, sum, sr);
                let is0 = kb.cmp(true, cmpf::OEQ, sum, zs);
                let ones = kb.constant(st, 1.0);
                let sum = kb.select(is0, ones, sum);
                kb.for_range(skv, |kb, j| {
                    let ex = kb.load(xr, &[j]);
                    let p = kb.binary("arith.divf", ex, sum);
                    let p = round_to(kb, p, sr);
                    let zs = kb.constant(st, 0.0);
                    let p = kb.select(any, p, zs);
                    // Into the compute type, rounded into the element type.
                    let p = convert(kb, p, Elem::Float(if st == ct { kind } else { sr }), e);
                    let p = common::round(kb, e, p);
                    if let (Some(qi), 3) = (qk_i, mode) {
                        kb.store_elem(e, p, a[qi], &[b, h, i, j]);
                    }
                    kb.store(p, sc, &[j]);
                });
                // y[:] = sum_j p[j] * V[j][:], contiguous in the value head dim.
                let zero = kb.constant(ct, 0.0);
                kb.for_range(dv, |kb, m| kb.store(zero, yacc, &[m]));
                kb.for_range(skv, |kb, j| {
                    let p = kb.load(sc, &[j]);
                    kb.for_range(dv, |kb, m| {
                        let idx = if v4 {
                            vec![b, kvh, j, m]
                        } else {
                            vec![b, j, kvh, m]
                        };
                        let vv = kb.load_elem(e, a[2], &idx);
                        let acc = kb.load(yacc, &[m]);
                        let t = kb.binary("arith.mulf", p, vv);
                        let acc = kb.binary("arith.addf", acc, t);
                        kb.store(acc, yacc, &[m]);
                    });
                });
                kb.for_range(dv, |kb, m| {
                    let acc = kb.load(yacc, &[m]);
                    let idx = qkv_idx(rank3, b, h, i, m);
                    kb.store_elem(e, acc, a[y_i], &idx);
                });
            });
        });
        Ok(())
    })
}

/// LinearAttention: a task per (batch, key / value head), sequential over time; the recurrent
/// state `[Dk, Dv]` lives in f32 (in `present_state` when that is f32, else a scratch buffer
/// converted at the end), every step rounded to f32 as the reference does.
#[allow(clippy::too_many_lines)]
fn linear_attention(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    float_kind(ctx, cx, 0)?;
    let (qs, ks, vs) = (
        cx.operand_shape(ctx, 0),
        cx.operand_shape(ctx, 1),
        cx.operand_shape(ctx, 2),
    );
    if qs.len() != 3 || ks.len() != 3 || vs.len() != 3 {
        return Err(cx.unsupported(ctx, "query / key / value that are not [B, T, H*D]"));
    }
    let (gating, delta) = match cx.attr_str(ctx, "update_rule").unwrap_or("gated_delta") {
        "linear" => (false, false),
        "gated" => (true, false),
        "delta" => (false, true),
        "gated_delta" => (true, true),
        other => return Err(cx.unsupported(ctx, format!("update_rule '{other}'"))),
    };
    let qh = cx.attr_i64(ctx, "q_num_heads", 0);
    let kh = cx.attr_i64(ctx, "kv_num_heads", 0);
    if qh <= 0 || kh <= 0 || qh % kh != 0 {
        return Err(cx.unsupported(ctx, "q_num_heads not a positive multiple of kv_num_heads"));
    }
    let (b, t) = (qs[0], qs[1]);
    let dk = qs[2] / qh;
    let dv = vs[2] / kh;
    if qs[2] != qh * dk || ks[2] != kh * dk || vs[2] != kh * dv || ks[..2] != qs[..2] {
        return Err(cx.unsupported(ctx, "head sizes that do not match"));
    }
    if vs[..2] != qs[..2] {
        return Err(cx.unsupported(ctx, "value of another batch / length"));
    }
    for i in [1, 2] {
        float_kind(ctx, cx, i)?;
    }
    let has_past = cx.has_operand(ctx, 3);
    let has_decay = cx.has_operand(ctx, 4);
    let has_beta = cx.has_operand(ctx, 5);
    if gating != has_decay || delta != has_beta {
        return Err(cx.unsupported(ctx, "an update_rule that does not match decay / beta"));
    }
    if has_past && cx.operand_shape(ctx, 3) != [b, kh, dk, dv] {
        return Err(cx.unsupported(ctx, "a past_state that is not [B, Hkv, Dk, Dv]"));
    }
    let past_e = if has_past {
        Some(Elem::Float(float_kind(ctx, cx, 3)?))
    } else {
        None
    };
    let decay_per_d = if has_decay {
        let s = cx.operand_shape(ctx, 4);
        float_kind(ctx, cx, 4)?;
        if s.len() != 3 || s[..2] != [b, t] || (s[2] != kh && s[2] != kh * dk) {
            return Err(cx.unsupported(ctx, "a decay that is not [B, T, Hkv] or [B, T, Hkv*Dk]"));
        }
        s[2] != kh
    } else {
        false
    };
    let beta_per_h = if has_beta {
        let s = cx.operand_shape(ctx, 5);
        float_kind(ctx, cx, 5)?;
        if s.len() != 3 || s[..2] != [b, t] || (s[2] != kh && s[2] != 1) {
            return Err(cx.unsupported(ctx, "a beta that is not [B, T, Hkv] or [B, T, 1]"));
        }
        s[2] != 1 || kh == 1
    } else {
        false
    };
    let f32k = FloatKind::F32;
    let fe = Elem::Float(f32k);
    let scale = match cx.attr(ctx, "scale").and_then(|a| ctx.float_value(a)) {
        Some(s) if s != 0.0 => s,
        _ => round_host(1.0 / (dk as f64).sqrt(), f32k),
    };
    let group = qh / kh;
    let out = cx.output(ctx, 0)?;
    let state_out = opt_output(ctx, cx, 1);
    let state_out_e = match state_out {
        Some(_) => Some(cx.result_elem(ctx, 1)?),
        None => None,
    };
    let f32t = ctx.f32_type();
    let state = match (state_out, state_out_e) {
        (Some(s), Some(se)) if se == fe => s,
        _ => {
            let ty = ctx.memref_type(vec![b, kh, dk, dv], f32t);
            cx.scratch(ctx, ty)
        }
    };
    let convert_state = state_out.is_some() && state_out != Some(state);
    let q = cx.input(ctx, 0)?;
    let k = cx.input(ctx, 1)?;
    let v = cx.input(ctx, 2)?;
    let qe = cx.operand_elem(ctx, 0)?;
    let ke = cx.operand_elem(ctx, 1)?;
    let ve = cx.operand_elem(ctx, 2)?;
    let mut args = vec![
        cx.view(ctx, q, &[b, t, qh, dk]),
        cx.view(ctx, k, &[b, t, kh, dk]),
        cx.view(ctx, v, &[b, t, kh, dv]),
    ];
    let past_i = if has_past {
        args.push(cx.input(ctx, 3)?);
        Some(args.len() - 1)
    } else {
        None
    };
    let (decay_i, decay_e) = if has_decay {
        let dcy = cx.input(ctx, 4)?;
        let shape = if decay_per_d {
            vec![b, t, kh, dk]
        } else {
            vec![b, t, kh]
        };
        args.push(cx.view(ctx, dcy, &shape));
        (Some(args.len() - 1), Some(cx.operand_elem(ctx, 4)?))
    } else {
        (None, None)
    };
    let (beta_i, beta_e) = if has_beta {
        args.push(cx.input(ctx, 5)?);
        (Some(args.len() - 1), Some(cx.operand_elem(ctx, 5)?))
    } else {
        (None, None)
    };
    let ye = cx.result_elem(ctx, 0)?;
    args.push(cx.view(ctx, out, &[b, t, qh, dv]));
    let out_i = args.len() - 1;
    args.push(state);
    let st_i = args.len() - 1;
    let so_i = if convert_state {
        args.push(state_out.expect("state output"));
        Some(args.len() - 1)
    } else {
        None
    };
    if b * kh * dk * dv == 0 && b * t * qh * dv == 0 {
        return Ok(());
    }
    cx.kernel(ctx, "linear_attention", &args, |kb, a| {
        let f32t = kb.ctx.f32_type();
        let kr = alloca(kb, vec![dk.max(1)], f32t);
        let vr = alloca(kb, vec![dv.max(1)], f32t);
        let acc = alloca(kb, vec![dv.max(1)], f32t);
        kb.parallel(&[b, kh], |kb, ivs| {
            let (bi, h) = (ivs[0], ivs[1]);
            let sa = a[st_i];
            // Initial state.
            kb.for_range(dk, |kb, d| {
                kb.for_range(dv, |kb, m| {
                    let x = match (past_i, past_e) {
                        (Some(pi), Some(pe)) => {
                            let x = kb.load_elem(pe, a[pi], &[bi, h, d, m]);
                            convert(kb, x, pe, fe)
                        }
                        _ => kb.constant(f32t, 0.0),
                    };
                    kb.store(x, sa, &[bi, h, d, m]);
                });
            });
            let zero = kb.constant(f32t, 0.0);
            let zero_acc = |kb: &mut Kb<'_>| {
                kb.for_range(dv, |kb, m| kb.store(zero, acc, &[m]));
            };
            // acc[m] += x[d] * state[d][m] over d (x read by `xd`).
            let state_dot = |kb: &mut Kb<'_>, xd: &dyn Fn(&mut Kb<'_>, Value) -> Value| {
                kb.for_range(dk, |kb, d| {
                    let x = xd(kb, d);
                    kb.for_range(dv, |kb, m| {
                        let s = kb.load(sa, &[bi, h, d, m]);
                        let p = kb.binary("arith.mulf", s, x);
                        let c = kb.load(acc, &[m]);
                        let c = kb.binary("arith.addf", c, p);
                        kb.store(c, acc, &[m]);
                    });
                });
            };
            kb.for_range(t, |kb, ti| {
                kb.for_range(dk, |kb, d| {
                    let x = kb.load_elem(ke, a[1], &[bi, ti, h, d]);
                    let x = convert(kb, x, ke, fe);
                    kb.store(x, kr, &[d]);
                });
                kb.for_range(dv, |kb, m| {
                    let x = kb.load_elem(ve, a[2], &[bi, ti, h, m]);
                    let x = convert(kb, x, ve, fe);
                    kb.store(x, vr, &[m]);
                });
                if let (Some(di), Some(de)) = (decay_i, decay_e) {
                    let gate = |kb: &mut Kb<'_>, d: Value| {
                        let idx = if decay_per_d {
                            vec![bi, ti, h, d]
                        } else {
                            vec![bi, ti, h]
                        };
                        let g = kb.load_elem(de, a[di], &idx);
                        let g = convert(kb, g, de, fe);
                        kb.unary("math.exp", g)
                    };
                    kb.for_range(dk, |kb, d| {
                        let g = gate(kb, d);
                        kb.for_range(dv, |kb, m| {
                            let s = kb.load(sa, &[bi, h, d, m]);
                            let s = kb.binary("arith.mulf", s, g);
                            kb.store(s, sa, &[bi, h, d, m]);
                        });
                    });
                }
                if let (Some(bi_), Some(be_)) = (beta_i, beta_e) {
                    let hidx = if beta_per_h { h } else { kb.index(0) };
                    let be = kb.load_elem(be_, a[bi_], &[bi, ti, hidx]);
                    let be = convert(kb, be, be_, fe);
                    zero_acc(kb);
                    state_dot(kb, &|kb, d| kb.load(kr, &[d]));
                    kb.for_range(dv, |kb, m| {
                        let x = kb.load(vr, &[m]);
                        let r = kb.load(acc, &[m]);
                        let x = kb.binary("arith.subf", x, r);
                        let x = kb.binary("arith.mulf", be, x);
                        kb.store(x, vr, &[m]);
                    });
                }
                kb.for_range(dk, |kb, d| {
                    let kd = kb.load(kr, &[d]);
                    kb.for_range(dv, |kb, m| {
                        let vm = kb.load(vr, &[m]);
                        let p = kb.binary("arith.mulf", kd, vm);
                        let s = kb.load(sa, &[bi, h, d, m]);
                        let s = kb.binary("arith.addf", s, p);
                        kb.store(s, sa, &[bi, h, d, m]);
                    });
                });
                kb.for_range(group, |kb, g| {
                    let hk = kb.index(group);
                    let hq = kb.muli(h, hk);
                    let hq = kb.addi(hq, g);
                    zero_acc(kb);
                    state_dot(kb, &|kb, d| {
                        let x = kb.load_elem(qe, a[0], &[bi, ti, hq, d]);
                        convert(kb, x, qe, fe)
                    });
                    let sc = kb.constant(f32t, scale);
                    kb.for_range(dv, |kb, m| {
                        let s = kb.load(acc, &[m]);
                        let s = kb.binary("arith.mulf", sc, s);
                        let s = convert(kb, s, fe, ye);
                        kb.store_elem(ye, s, a[out_i], &[bi, ti, hq, m]);
                    });
                });
            });
            if let (Some(oi), Some(oe)) = (so_i, state_out_e) {
                kb.for_range(dk, |kb, d| {
                    kb.for_range(dv, |kb, m| {
                        let s = kb.load(sa, &[bi, h, d, m]);
                        let s = convert(kb, s, fe, oe);
                        kb.store_elem(oe, s, a[oi], &[bi, h, d, m]);
                    });
                });
            }
        });
        Ok(())
    })
}

/// RotaryEmbedding: a task per (batch, position); the cache row from `position_ids` (clamped
/// into the cache) or the position; rotation in f64, rounded once; dims past
/// `rotary_embedding_dim` copied.
fn rotary_embedding(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = Elem::Float(float_kind(ctx, cx, 0)?);
    let xs = cx.operand_shape(ctx, 0);
    let four = xs.len() == 4;
    let (b, s, h, d) = if four {
        (xs[0], xs[2], xs[1], xs[3])
    } else if xs.len() == 3 {
        let heads = cx.attr_i64(ctx, "num_heads", 0);
        if heads <= 0 || xs[2] % heads != 0 {
            return Err(cx.unsupported(ctx, "3-D input without num_heads dividing its size"));
        }
        (xs[0], xs[1], heads, xs[2] / heads)
    } else {
        return Err(cx.unsupported(ctx, "input that is not 3-D or 4-D"));
    };
    let rd = match cx.attr_i64(ctx, "rotary_embedding_dim", 0) {
        0 => d,
        v => v,
    };
    if rd <= 0 || rd > d || rd % 2 != 0 {
        return Err(cx.unsupported(ctx, format!("rotary_embedding_dim {rd}")));
    }
    let half = rd / 2;
    let interleaved = cx.attr_i64(ctx, "interleaved", 0) != 0;
    let cs = cx.operand_shape(ctx, 1);
    if cs.last() != Some(&half) || cx.operand_shape(ctx, 2) != cs {
        return Err(cx.unsupported(ctx, "cos / sin caches not ending in rotary_dim / 2"));
    }
    let ce = Elem::Float(float_kind(ctx, cx, 1)?);
    let se = Elem::Float(float_kind(ctx, cx, 2)?);
    let rows: i64 = cs.iter().product::<i64>() / half;
    let has_pos = cx.has_operand(ctx, 3);
    let pos_n: i64 = if has_pos {
        cx.operand_shape(ctx, 3).iter().product()
    } else {
        0
    };
    if has_pos && pos_n == 0 {
        return Err(cx.unsupported(ctx, "empty position_ids"));
    }
    let pe = if has_pos {
        let pe = cx.operand_elem(ctx, 3)?;
        if !matches!(pe, Elem::Int { .. }) {
            return Err(cx.unsupported(ctx, "position_ids that are not integers"));
        }
        Some(pe)
    } else {
        None
    };
    let cache_fits = (cs.len() == 3 && cs[..2] == [b, s]) || (cs.len() == 2 && cs[0] >= s);
    if !has_pos && !cache_fits {
        return Err(cx.unsupported(ctx, "caches too short for the sequence"));
    }
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let xshape = if four {
        vec![b, h, s, d]
    } else {
        vec![b, s, h, d]
    };
    let mut args = vec![cx.view(ctx, x, &xshape)];
    let c = cx.input(ctx, 1)?;
    args.push(cx.view(ctx, c, &[rows, half]));
    let sn = cx.input(ctx, 2)?;
    args.push(cx.view(ctx, sn, &[rows, half]));
    if has_pos {
        let p = cx.input(ctx, 3)?;
        args.push(cx.view(ctx, p, &[pos_n]));
    }
    args.push(cx.view(ctx, y, &xshape));
    let y_i = args.len() - 1;
    if b * s * h * d == 0 {
        return Ok(());
    }
    cx.kernel(ctx, "rotary_embedding", &args, |kb, a| {
        kb.parallel(&[b, s], |kb, ivs| {
            let (bi, si) = (ivs[0], ivs[1]);
            let row = match pe {
                Some(pe) => {
                    let p = if pos_n == b * s {
                        let sv = kb.index(s);
                        let o = kb.muli(bi, sv);
                        kb.addi(o, si)
                    } else {
                        si
                    };
                    let inb = {
                        let n = kb.index(pos_n);
                        kb.cmp(false, cmpi::SLT, p, n)
                    };
                    let pc = common::clamp_index(kb, p, 0, pos_n - 1);
                    let pid = kb.load(a[3], &[pc]);
                    let pid = common::to_index(kb, pe, pid);
                    let z = kb.index(0);
                    let pid = kb.select(inb, pid, z);
                    common::clamp_index(kb, pid, 0, rows - 1)
                }
                None if cs.len() == 3 => {
                    let sv = kb.index(s);
                    let o = kb.muli(bi, sv);
                    kb.addi(o, si)
                }
                None => si,
            };
            let at = |hi: Value, k: Value| {
                if four {
                    vec![bi, hi, si, k]
                } else {
                    vec![bi, si, hi, k]
                }
            };
            kb.for_range(h, |kb, hi| {
                kb.for_range(half, |kb, j| {
                    let cv = kb.load_elem(ce, a[1], &[row, j]);
                    let cv = common::to_f64(kb, ce, cv);
                    let sv = kb.load_elem(se, a[2], &[row, j]);
                    let sv = common::to_f64(kb, se, sv);
                    let (i1, i2) = if interleaved {
                        let j2 = common::mul_const(kb, j, 2);
                        (j2, common::add_const(kb, j2, 1))
                    } else {
                        (j, common::add_const(kb, j, half))
                    };
                    let x1 = kb.load_elem(e, a[0], &at(hi, i1));
                    let x1 = common::to_f64(kb, e, x1);
                    let x2 = kb.load_elem(e, a[0], &at(hi, i2));
                    let x2 = common::to_f64(kb, e, x2);
                    let cx1 = kb.binary("arith.mulf", cv, x1);
                    let sx2 = kb.binary("arith.mulf", sv, x2);
                    let o1 = kb.binary("arith.subf", cx1, sx2);
                    let sx1 = kb.binary("arith.mulf", sv, x1);
                    let cx2 = kb.binary("arith.mulf", cv, x2);
                    let o2 = kb.binary("arith.addf", sx1, cx2);
                    let o1 = common::from_f64(kb, e, o1);
                    let o2 = common::from_f64(kb, e, o2);
                    kb.store_elem(e, o1, a[y_i], &at(hi, i1));
                    kb.store_elem(e, o2, a[y_i], &at(hi, i2));
                });
                if rd < d {
                    range(kb, rd, d, |kb, k| {
                        let x = kb.load(a[0], &at(hi, k));
                        kb.store(x, a[y_i], &at(hi, k));
                    });
                }
            });
        });
        Ok(())
    })
}

/// CausalConvWithState: a task per (batch, channel); the depthwise causal convolution over the
/// past state then the input, summed in f64 after the bias, rounded, SiLU in f64; the last
/// `k - 1` padded inputs are the new state.
fn causal_conv_with_state(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = Elem::Float(float_kind(ctx, cx, 0)?);
    let xs = cx.operand_shape(ctx, 0);
    let ws = cx.operand_shape(ctx, 1);
    if xs.len() != 3 || ws.len() != 3 {
        return Err(cx.unsupported(ctx, "input / weight that are not 3-D"));
    }
    let (b, c, l) = (xs[0], xs[1], xs[2]);
    let k = ws[2];
    if ws[0] != c || ws[1] != 1 || k == 0 {
        return Err(cx.unsupported(ctx, "a weight that is not [channels, 1, k]"));
    }
    let silu = match cx.attr_str(ctx, "activation").unwrap_or("none") {
        "none" => false,
        "silu" | "swish" => true,
        other => return Err(cx.unsupported(ctx, format!("activation '{other}'"))),
    };
    let we = Elem::Float(float_kind(ctx, cx, 1)?);
    let has_bias = cx.has_operand(ctx, 2);
    if has_bias && cx.operand_shape(ctx, 2) != [c] {
        return Err(cx.unsupported(ctx, "a bias that is not [channels]"));
    }
    let has_past = cx.has_operand(ctx, 3) && k > 1;
    if cx.has_operand(ctx, 3) && cx.operand_shape(ctx, 3) != [b, c, k - 1] {
        return Err(cx.unsupported(ctx, "a past_state that is not [batch, channels, k - 1]"));
    }
    let ye = cx.result_elem(ctx, 0)?;
    let mut args = vec![cx.input(ctx, 0)?];
    let w = cx.input(ctx, 1)?;
    args.push(cx.view(ctx, w, &[c, k]));
    let (bias_i, bias_e) = if has_bias {
        args.push(cx.input(ctx, 2)?);
        (Some(args.len() - 1), Some(cx.operand_elem(ctx, 2)?))
    } else {
        (None, None)
    };
    let (past_i, past_e) = if has_past {
        args.push(cx.input(ctx, 3)?);
        (Some(args.len() - 1), Some(cx.operand_elem(ctx, 3)?))
    } else {
        (None, None)
    };
    args.push(cx.output(ctx, 0)?);
    let y_i = args.len() - 1;
    let state = opt_output(ctx, cx, 1).filter(|_| k > 1);
    let state_e = match state {
        Some(_) => Some(cx.result_elem(ctx, 1)?),
        None => None,
    };
    let st_i = state.map(|s| {
        args.push(s);
        args.len() - 1
    });
    if b * c == 0 {
        return Ok(());
    }
    let pad = k - 1;
    cx.kernel(ctx, "causal_conv_with_state", &args, |kb, a| {
        kb.parallel(&[b, c], |kb, ivs| {
            let (bi, ch) = (ivs[0], ivs[1]);
            let f64t = common::f64_type(kb);
            // Element `p` of [past_state, input] along time, in f64.
            let padded = |kb: &mut Kb<'_>, p: Value| -> Value {
                let xi = common::add_const(kb, p, -pad);
                let xi = common::clamp_index(kb, xi, 0, l - 1);
                let xv = kb.load_elem(e, a[0], &[bi, ch, xi]);
                let xv = common::to_f64(kb, e, xv);
                if pad == 0 {
                    return xv;
                }
                let pv = match (past_i, past_e) {
                    (Some(pi), Some(pe)) => {
                        let pc = common::clamp_index(kb, p, 0, pad - 1);
                        let v = kb.load_elem(pe, a[pi], &[bi, ch, pc]);
                        common::to_f64(kb, pe, v)
                    }
                    _ => kb.constant(f64t, 0.0),
                };
                let pv_ = kb.index(pad);
                let in_past = kb.cmp(false, cmpi::SLT, p, pv_);
                kb.select(in_past, pv, xv)
            };
            if l > 0 {
                kb.for_range(l, |kb, t| {
                    let s0 = match (bias_i, bias_e) {
                        (Some(bi_), Some(be)) => {
                            let v = kb.load_elem(be, a[bi_], &[ch]);
                            common::to_f64(kb, be, v)
                        }
                        _ => kb.constant(f64t, 0.0),
                    };
                    let s = fold(kb, k, &[s0], |kb, j, acc| {
                        let p = kb.addi(t, j);
                        let xv = padded(kb, p);
                        let wv = kb.load_elem(we, a[1], &[ch, j]);
                        let wv = common::to_f64(kb, we, wv);
                        let m = kb.binary("arith.mulf", xv, wv);
                        vec![kb.binary("arith.addf", acc[0], m)]
                    })[0];
                    // Rounded into the input's type, then SiLU in f64.
                    let s = common::from_f64(kb, e, s);
                    let s = common::to_f64(kb, e, s);
                    let s = if silu {
                        let one = kb.constant(f64t, 1.0);
                        let n = kb.unary("arith.negf", s);
                        let ex = kb.unary("math.exp", n);
                        let den = kb.binary("arith.addf", one, ex);
                        let sg = kb.binary("arith.divf", one, den);
                        kb.binary("arith.mulf", s, sg)
                    } else {
                        s
                    };
                    let s = common::from_f64(kb, ye, s);
                    kb.store_elem(ye, s, a[y_i], &[bi, ch, t]);
                });
            }
            if let (Some(si), Some(se)) = (st_i, state_e) {
                kb.for_range(pad, |kb, p| {
                    let q = common::add_const(kb, p, l);
                    let v = if l > 0 {
                        padded(kb, q)
                    } else {
                        // No input: the state is the past state.
                        match (past_i, past_e) {
                            (Some(pi), Some(pe)) => {
                                let v = kb.load_elem(pe, a[pi], &[bi, ch, p]);
                                common::to_f64(kb, pe, v)
                            }
                            _ => kb.constant(f64t, 0.0),
                        }
                    };
                    let v = common::from_f64(kb, se, v);
                    kb.store_elem(se, v, a[si], &[bi, ch, p]);
                });
            }
        });
        Ok(())
    })
}
