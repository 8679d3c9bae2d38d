//! Helpers shared by the lowerings of the op families: loop nests over static shapes, element
//! constants (lowest / highest), rounding to f16 / bf16 between steps, NaN tests, index math,
//! constant operands and axes.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use flowc_ir::{Context, Diagnostic, FloatKind, Type, Value};

/// A body called with the indices of a loop nest.
pub type NestBody<'b> = dyn FnMut(&mut Kb<'_>, &[Value]) + 'b;

/// A body called with the indices of a loop nest and the accumulators, returning the next ones.
pub type AccBody<'b> = dyn FnMut(&mut Kb<'_>, &[Value], &[Value]) -> Vec<Value> + 'b;

/// A function of the indices of a loop nest and the kernel arguments giving one value.
pub type ValueAt<'b> = dyn FnMut(&mut Kb<'_>, &[Value], &[Value]) -> Value + 'b;

/// Sequential `loop.for` nest over `shape` (row-major: the last dim innermost).
pub fn seq_nest(kb: &mut Kb<'_>, shape: &[i64], body: &mut NestBody<'_>) {
    fn go(kb: &mut Kb<'_>, shape: &[i64], idx: &mut Vec<Value>, body: &mut NestBody<'_>) {
        if idx.len() == shape.len() {
            body(kb, idx);
            return;
        }
        let n = shape[idx.len()];
        kb.for_range(n, |kb, i| {
            idx.push(i);
            go(kb, shape, idx, body);
            idx.pop();
        });
    }
    let mut idx = Vec::new();
    go(kb, shape, &mut idx, body);
}

/// Sequential nest over `shape` carrying accumulators (`iter_args` through every level).
pub fn acc_nest(
    kb: &mut Kb<'_>,
    shape: &[i64],
    inits: &[Value],
    body: &mut AccBody<'_>,
) -> Vec<Value> {
    fn go(
        kb: &mut Kb<'_>,
        shape: &[i64],
        idx: &mut Vec<Value>,
        accs: &[Value],
        body: &mut AccBody<'_>,
    ) -> Vec<Value> {
        if idx.len() == shape.len() {
            return body(kb, idx, accs);
        }
        let n = shape[idx.len()];
        let lb = kb.index(0);
        let ub = kb.index(n);
        let one = kb.index(1);
        kb.for_loop(lb, ub, one, accs, |kb, i, a| {
            idx.push(i);
            let r = go(kb, shape, idx, a, body);
            idx.pop();
            r
        })
    }
    let mut idx = Vec::new();
    go(kb, shape, &mut idx, inits, body)
}

/// A loop nest over `shape` whose first `npar` dims are one `loop.parallel` (the kernel's tasks)
/// and the rest sequential loops. With `npar == 0` (or a rank-0 shape) the nest has one task.
pub fn par_nest(kb: &mut Kb<'_>, shape: &[i64], npar: usize, body: &mut NestBody<'_>) {
    let npar = npar.min(shape.len());
    if npar == 0 {
        seq_nest(kb, shape, body);
        return;
    }
    let (p, s) = shape.split_at(npar);
    let s = s.to_vec();
    kb.parallel(p, |kb, ivs| {
        let ivs = ivs.to_vec();
        seq_nest(kb, &s, &mut |kb, rest| {
            let mut idx = ivs.clone();
            idx.extend_from_slice(rest);
            body(kb, &idx);
        });
    });
}

/// Rounds a compute value to `elem` and back (f16 / bf16: the rounding the interpreter does
/// between steps); identity for other types.
pub fn round(kb: &mut Kb<'_>, elem: Elem, v: Value) -> Value {
    match elem {
        Elem::Float(FloatKind::F16 | FloatKind::BF16) => {
            let s = kb.to_storage(elem, v);
            kb.to_compute(elem, s)
        }
        _ => v,
    }
}

/// `isnan(v)` as `i1`.
pub fn is_nan(kb: &mut Kb<'_>, v: Value) -> Value {
    kb.cmp(true, cmpf::UNO, v, v)
}

/// `!isnan(v)` as `i1`.
pub fn not_nan(kb: &mut Kb<'_>, v: Value) -> Value {
    kb.cmp(true, cmpf::ORD, v, v)
}

pub fn and(kb: &mut Kb<'_>, a: Value, b: Value) -> Value {
    kb.binary("arith.andi", a, b)
}

pub fn or(kb: &mut Kb<'_>, a: Value, b: Value) -> Value {
    kb.binary("arith.ori", a, b)
}

pub fn not(kb: &mut Kb<'_>, a: Value) -> Value {
    let t = kb.value_type(a);
    let one = kb.constant(t, 1.0);
    kb.binary("arith.xori", a, one)
}

/// The smallest value of `elem` in its compute type (`-inf` for floats, `MIN`, `false`).
pub fn lowest(kb: &mut Kb<'_>, elem: Elem) -> Value {
    let t = elem.compute_type(kb.ctx);
    match elem {
        Elem::Float(_) => kb.constant(t, f64::NEG_INFINITY),
        Elem::Int { width, signed } => kb.constant_int(t, int_min(width, signed)),
        Elem::Bool => kb.constant(t, 0.0),
    }
}

/// The largest value of `elem` in its compute type.
pub fn highest(kb: &mut Kb<'_>, elem: Elem) -> Value {
    let t = elem.compute_type(kb.ctx);
    match elem {
        Elem::Float(_) => kb.constant(t, f64::INFINITY),
        Elem::Int { width, signed } => kb.constant_int(t, int_max(width, signed)),
        Elem::Bool => kb.constant(t, 1.0),
    }
}

pub fn int_min(width: u32, signed: bool) -> i128 {
    if signed { -(1i128 << (width - 1)) } else { 0 }
}

pub fn int_max(width: u32, signed: bool) -> i128 {
    if signed {
        (1i128 << (width - 1)) - 1
    } else {
        (1i128 << width) - 1
    }
}

/// numpy `maximum` / `minimum` (the interpreter's `max_nan` / `min_nan`): a NaN `a` wins, else a
/// NaN `b` wins, else the larger (smaller); ties keep `a`.
pub fn max_nan(kb: &mut Kb<'_>, elem: Elem, a: Value, b: Value, max: bool) -> Value {
    match elem {
        Elem::Float(_) => {
            // pick b when a is not NaN and (b is NaN or b > a): ugt / ult are true on NaN.
            let a_ok = not_nan(kb, a);
            let p = if max { 9 } else { 11 }; // UGT / ULT
            let better = kb.cmp(true, p, b, a);
            let pick = and(kb, a_ok, better);
            kb.select(pick, b, a)
        }
        Elem::Int { signed, .. } => {
            let name = match (max, signed) {
                (true, true) => "arith.maxsi",
                (true, false) => "arith.maxui",
                (false, true) => "arith.minsi",
                (false, false) => "arith.minui",
            };
            kb.binary(name, a, b)
        }
        Elem::Bool => kb.binary(if max { "arith.ori" } else { "arith.andi" }, a, b),
    }
}

/// Ordered comparison `a pred b` for any element kind (`pred` one of "lt" "le" "gt" "ge" "eq").
pub fn compare(kb: &mut Kb<'_>, elem: Elem, pred: &str, a: Value, b: Value) -> Value {
    let (fp, sp, up) = match pred {
        "eq" => (cmpf::OEQ, cmpi::EQ, cmpi::EQ),
        "ne" => (cmpf::UNE, cmpi::NE, cmpi::NE),
        "lt" => (cmpf::OLT, cmpi::SLT, cmpi::ULT),
        "gt" => (cmpf::OGT, cmpi::SGT, cmpi::UGT),
        "le" => (cmpf::OLE, cmpi::SLE, cmpi::ULE),
        _ => (cmpf::OGE, cmpi::SGE, cmpi::UGE),
    };
    match elem {
        Elem::Float(_) => kb.cmp(true, fp, a, b),
        Elem::Int { signed: true, .. } => kb.cmp(false, sp, a, b),
        _ => kb.cmp(false, up, a, b),
    }
}

/// Float constant of the type of `like`.
pub fn fconst(kb: &mut Kb<'_>, like: Value, v: f64) -> Value {
    let t = kb.value_type(like);
    kb.constant(t, v)
}

pub fn f64_type(kb: &mut Kb<'_>) -> Type {
    kb.ctx.float_type(FloatKind::F64)
}

pub fn f64_type_ctx(ctx: &mut Context) -> Type {
    ctx.float_type(FloatKind::F64)
}

/// Converts a compute value of `elem` to `f64` (the interpreter's `to_f64`).
pub fn to_f64(kb: &mut Kb<'_>, elem: Elem, v: Value) -> Value {
    crate::elementwise::convert(kb, v, elem, Elem::Float(FloatKind::F64))
}

/// An `f64` value to `elem`'s compute type with the interpreter's `from_f64` (one rounding for
/// floats, truncation with wrapping for integers, `!= 0` for bool).
pub fn from_f64(kb: &mut Kb<'_>, elem: Elem, v: Value) -> Value {
    crate::elementwise::convert(kb, v, Elem::Float(FloatKind::F64), elem)
}

/// An integer value (any width, signed or not) as an `index`.
pub fn to_index(kb: &mut Kb<'_>, elem: Elem, v: Value) -> Value {
    let it = kb.ctx.index_type();
    match elem {
        Elem::Int { signed: false, .. } => kb.cast("arith.index_castui", v, it),
        Elem::Bool => kb.cast("arith.index_castui", v, it),
        _ => kb.cast("arith.index_cast", v, it),
    }
}

/// `i < 0 ? i + d : i`, then clamped into `0..d` (an out-of-range index is an error in the
/// interpreter; compiled code must not read out of bounds, so it is clamped).
pub fn wrap_index(kb: &mut Kb<'_>, i: Value, d: i64) -> Value {
    let zero = kb.index(0);
    let dv = kb.index(d);
    let neg = kb.cmp(false, cmpi::SLT, i, zero);
    let plus = kb.addi(i, dv);
    let j = kb.select(neg, plus, i);
    clamp_index(kb, j, 0, d - 1)
}

/// `min(max(i, lo), hi)` on indices.
pub fn clamp_index(kb: &mut Kb<'_>, i: Value, lo: i64, hi: i64) -> Value {
    let lov = kb.index(lo);
    let hiv = kb.index(hi.max(lo));
    let a = kb.binary("arith.maxsi", i, lov);
    kb.binary("arith.minsi", a, hiv)
}

/// `a + k` on indices (folding `k == 0`).
pub fn add_const(kb: &mut Kb<'_>, a: Value, k: i64) -> Value {
    if k == 0 {
        return a;
    }
    let kv = kb.index(k);
    kb.addi(a, kv)
}

/// `a * k` on indices (folding `k == 1`).
pub fn mul_const(kb: &mut Kb<'_>, a: Value, k: i64) -> Value {
    kb.mul_add_index(a, k, None)
}

/// The flat row-major offset of `idx` in `shape`.
pub fn linearize(kb: &mut Kb<'_>, idx: &[Value], shape: &[i64]) -> Value {
    let st = crate::builder::strides(shape);
    let mut acc: Option<Value> = None;
    for (d, &i) in idx.iter().enumerate() {
        if shape[d] == 1 {
            continue;
        }
        let t = mul_const(kb, i, st[d]);
        acc = Some(match acc {
            Some(a) => kb.addi(a, t),
            None => t,
        });
    }
    acc.unwrap_or_else(|| kb.index(0))
}

/// A possibly negative axis normalized into `0..rank`.
pub fn norm_axis(
    ctx: &Context,
    cx: &OpCx<'_, '_>,
    axis: i64,
    rank: usize,
) -> Result<usize, Diagnostic> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(cx.unsupported(ctx, format!("axis {axis} out of range for rank {rank}")));
    }
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

/// The integer values of constant operand `i`, if it is present and constant.
pub fn const_ints(ctx: &Context, cx: &OpCx<'_, '_>, i: usize) -> Option<Vec<i64>> {
    if !cx.has_operand(ctx, i) {
        return None;
    }
    cx.constant_operand(ctx, i)
        .and_then(|a| flowc_flow::dense_i64s(ctx, a))
}

/// The float values of constant operand `i`, if it is present and constant.
pub fn const_floats(ctx: &Context, cx: &OpCx<'_, '_>, i: usize) -> Option<Vec<f64>> {
    if !cx.has_operand(ctx, i) {
        return None;
    }
    cx.constant_operand(ctx, i)
        .and_then(|a| flowc_flow::dense_f64s(ctx, a))
}

/// Requires static shapes on every operand and result (a located error otherwise).
pub fn require_static(ctx: &Context, cx: &OpCx<'_, '_>) -> Result<(), Diagnostic> {
    for i in 0..ctx.num_operands(cx.op) {
        if !cx.has_operand(ctx, i) {
            continue;
        }
        let t = ctx.value_type(ctx.operand(cx.op, i));
        match ctx.shape(t) {
            Some(s) if s.iter().all(|&d| d >= 0) => {}
            _ => {
                return Err(cx.unsupported(ctx, format!("operand #{i} without a static shape")));
            }
        }
    }
    Ok(())
}
