//! Elementwise ops with numpy broadcasting: one kernel per op, a loop nest over the result whose
//! outer dims are parallel tasks and whose innermost dim is a sequential, contiguous loop (which
//! LLVM vectorizes). Adjacent dims that every operand reads the same way (all full or all
//! broadcast) are merged first (through `buffer.view`s), so a same-shape op is one flat loop cut
//! into chunks of [`CHUNK`] elements. Operands are read through broadcast indices (index 0 on
//! broadcast dims).
//!
//! The scalar semantics of each op are in [`scalar_op`]; they match the interpreter's
//! (crates/flowc-interp/src/ops/elementwise.rs and num.rs): NaN propagation of Max / Min, Mod's
//! sign rules, integer division by zero giving 0, shifts out of range, f16 / bf16 computed in
//! f32 and rounded once per op (once per step for the variadic ops), casts with numpy `astype`
//! semantics.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use crate::common::{self, and, fconst, is_nan, max_nan, not_nan, or};
use flowc_ir::{Context, Diagnostic, FloatKind, Value};

/// Elements per task when a result is one long row.
pub const CHUNK: i64 = 4096;

/// Lowers `name` if it is an elementwise op; `Ok(false)` otherwise.
pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let Some(kind) = name.strip_prefix("flow.") else {
        return Ok(false);
    };
    if !is_elementwise(kind) {
        return Ok(false);
    }
    common::require_static(ctx, cx)?;
    let n = if kind == "cast_like" {
        1
    } else {
        ctx.num_operands(cx.op)
    };
    let mut ins = Vec::new();
    for i in 0..n {
        if !cx.has_operand(ctx, i) {
            continue;
        }
        let elem = cx.operand_elem(ctx, i)?;
        let shape = cx.operand_shape(ctx, i);
        ins.push((i, elem, shape));
    }
    let out_elem = cx.result_elem(ctx, 0)?;
    let out_shape = cx.result_shape(ctx, 0);
    let params = Params::read(ctx, cx, kind)?;
    let in_elems: Vec<Elem> = ins.iter().map(|x| x.1).collect();
    // Check the scalar function exists before creating anything.
    check_supported(kind, &params, &in_elems, out_elem)
        .map_err(|m| cx.unsupported(ctx, format!("{kind} {m}")))?;
    let in_shapes: Vec<Vec<i64>> = ins.iter().map(|x| x.2.clone()).collect();
    if in_shapes.iter().any(|s| s.len() > out_shape.len()) {
        return Err(cx.unsupported(ctx, "an operand of higher rank than the result"));
    }
    let (cshape, cin) = collapse(&out_shape, &in_shapes);
    let mut bufs = Vec::new();
    for (k, (i, _, _)) in ins.iter().enumerate() {
        let b = cx.input(ctx, *i)?;
        bufs.push(cx.view(ctx, b, &cin[k]));
    }
    let ob = cx.output(ctx, 0)?;
    bufs.push(cx.view(ctx, ob, &cshape));
    let kind_owned = kind.to_string();
    cx.kernel(ctx, kind, &bufs, |kb, args| {
        let (inputs, out) = args.split_at(args.len() - 1);
        let out = out[0];
        chunked_nest(kb, &cshape, &mut |kb, idx| {
            let mut vals = Vec::new();
            for (j, &m) in inputs.iter().enumerate() {
                let bidx = broadcast_index(kb, idx, &cin[j], &cshape);
                vals.push(kb.load_elem(in_elems[j], m, &bidx));
            }
            let v = scalar_op(kb, &kind_owned, &params, &in_elems, out_elem, &vals)
                .expect("checked by check_supported");
            kb.store_elem(out_elem, v, out, idx);
        });
        Ok(())
    })?;
    Ok(true)
}

pub(crate) fn is_elementwise(kind: &str) -> bool {
    is_float_unary(kind)
        || matches!(
            kind,
            "add"
                | "sub"
                | "mul"
                | "div"
                | "mod"
                | "pow"
                | "max"
                | "min"
                | "sum"
                | "mean"
                | "relu"
                | "neg"
                | "abs"
                | "sign"
                | "swi_glu"
                | "prelu"
                | "clip"
                | "where"
                | "equal"
                | "less"
                | "greater"
                | "less_or_equal"
                | "greater_or_equal"
                | "not"
                | "and"
                | "or"
                | "xor"
                | "bitwise_not"
                | "bitwise_and"
                | "bitwise_or"
                | "bitwise_xor"
                | "bit_shift"
                | "is_nan"
                | "is_inf"
                | "cast"
                | "cast_like"
        )
}

/// Attributes (and constant operands) an op's scalar function needs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params {
    alpha: f64,
    beta: f64,
    gamma: f64,
    approximate_tanh: bool,
    /// Clip: whether `min` / `max` are given (absent ones are not in the value list).
    clip_min: bool,
    clip_max: bool,
    /// Mod: C `fmod` instead of Python's `%`.
    fmod: bool,
    /// BitShift: left (else right).
    left: bool,
    detect_pos: bool,
    detect_neg: bool,
}

impl Params {
    pub(crate) fn read(ctx: &Context, cx: &OpCx<'_, '_>, kind: &str) -> Result<Params, Diagnostic> {
        let f = |n: &str, d: f64| cx.attr_f64(ctx, n, d);
        // Float attributes are f32 in ONNX: the interpreter widens the f32 value.
        let (alpha, beta, gamma) = match kind {
            "leaky_relu" => (f("alpha", 0.01f32 as f64), 0.0, 0.0),
            "elu" | "celu" | "thresholded_relu" | "swish" | "swi_glu" => {
                (f("alpha", 1.0), 0.0, 0.0)
            }
            "selu" => (
                f("alpha", 1.673_263_2f32 as f64),
                0.0,
                f("gamma", 1.050_701f32 as f64),
            ),
            "hard_sigmoid" => (f("alpha", 0.2f32 as f64), f("beta", 0.5), 0.0),
            // Shrink: alpha = bias, beta = lambd.
            "shrink" => (f("bias", 0.0), f("lambd", 0.5), 0.0),
            _ => (0.0, 0.0, 0.0),
        };
        let approximate_tanh = match cx.attr_str(ctx, "approximate") {
            None | Some("none") => false,
            Some("tanh") => true,
            Some(o) => return Err(cx.unsupported(ctx, format!("approximate = \"{o}\""))),
        };
        let left = if kind == "bit_shift" {
            match cx.attr_str(ctx, "direction") {
                Some("LEFT") => true,
                Some("RIGHT") => false,
                o => return Err(cx.unsupported(ctx, format!("direction {o:?}"))),
            }
        } else {
            false
        };
        Ok(Params {
            alpha,
            beta,
            gamma,
            approximate_tanh,
            clip_min: kind == "clip" && cx.has_operand(ctx, 1),
            clip_max: kind == "clip" && cx.has_operand(ctx, 2),
            fmod: cx.attr_i64(ctx, "fmod", 0) != 0,
            left,
            detect_pos: cx.attr_i64(ctx, "detect_positive", 1) != 0,
            detect_neg: cx.attr_i64(ctx, "detect_negative", 1) != 0,
        })
    }
}

/// Merges adjacent result dims that every operand reads alike, drops size-1 result dims.
/// Returns the collapsed result shape and each operand's collapsed shape (same rank; 1 on
/// broadcast dims).
fn collapse(out: &[i64], ins: &[Vec<i64>]) -> (Vec<i64>, Vec<Vec<i64>>) {
    let r = out.len();
    // Per operand, per result dim: true when the operand is broadcast along it.
    let bc: Vec<Vec<bool>> = ins
        .iter()
        .map(|s| {
            let off = r - s.len();
            (0..r)
                .map(|d| d < off || (s[d - off] == 1 && out[d] != 1))
                .collect()
        })
        .collect();
    let mut cout: Vec<i64> = Vec::new();
    let mut cbc: Vec<Vec<bool>> = vec![Vec::new(); ins.len()];
    for d in 0..r {
        if out[d] == 1 {
            continue;
        }
        let same_as_last =
            !cout.is_empty() && (0..ins.len()).all(|k| cbc[k].last().copied() == Some(bc[k][d]));
        if same_as_last {
            *cout.last_mut().expect("non-empty") *= out[d];
        } else {
            cout.push(out[d]);
            for k in 0..ins.len() {
                cbc[k].push(bc[k][d]);
            }
        }
    }
    let cins = cbc
        .iter()
        .map(|b| {
            b.iter()
                .zip(&cout)
                .map(|(&x, &n)| if x { 1 } else { n })
                .collect()
        })
        .collect();
    (cout, cins)
}

/// The loop nest of an elementwise kernel over `shape`: parallel over the leading dims and over
/// chunks of [`CHUNK`] elements of the last dim, the chunk a sequential contiguous loop. No loop
/// at all for an empty shape. For the GPU ([`Kb::gpu`]) one parallel loop over every dim: one
/// thread per element, neighbouring threads on neighbouring elements.
pub fn chunked_nest(kb: &mut Kb<'_>, shape: &[i64], body: &mut common::NestBody<'_>) {
    if shape.contains(&0) {
        return;
    }
    let r = shape.len();
    if r == 0 {
        body(kb, &[]);
        return;
    }
    if kb.gpu {
        kb.parallel(shape, |kb, ivs| body(kb, ivs));
        return;
    }
    let inner = shape[r - 1];
    let chunks = (inner + CHUNK - 1) / CHUNK;
    let mut par: Vec<i64> = shape[..r - 1].to_vec();
    if chunks > 1 {
        par.push(chunks);
    }
    let mut inner_loop = |kb: &mut Kb<'_>, outer: &[Value]| {
        let (lo, hi) = if chunks > 1 {
            let c = outer[r - 1];
            let lo = kb.mul_add_index(c, CHUNK, None);
            let hi = common::add_const(kb, lo, CHUNK);
            let nv = kb.index(inner);
            let hi = kb.binary("arith.minsi", hi, nv);
            (lo, hi)
        } else {
            (kb.index(0), kb.index(inner))
        };
        let lead = outer[..r - 1].to_vec();
        let one = kb.index(1);
        kb.for_loop(lo, hi, one, &[], |kb, i, _| {
            let mut idx = lead;
            idx.push(i);
            body(kb, &idx);
            Vec::new()
        });
    };
    if par.is_empty() {
        inner_loop(kb, &[]);
    } else {
        kb.parallel(&par, |kb, ivs| inner_loop(kb, ivs));
    }
}

/// Builds the loop nest over `shape`: the leading dims (all but the last) are one
/// `loop.parallel`, the last dim a sequential `loop.for`; a rank-1 result is cut into chunks of
/// [`CHUNK`] elements, one task each. `body(kb, idx)` gets the full index.
pub fn broadcast_nest(kb: &mut Kb<'_>, shape: &[i64], body: impl FnOnce(&mut Kb<'_>, &[Value])) {
    let mut body = Some(body);
    chunked_nest(kb, shape, &mut |kb, idx| {
        if let Some(b) = body.take() {
            b(kb, idx)
        }
    });
}

/// The index into an operand of `shape` broadcast to `out`: trailing-aligned, 0 on size-1 dims
/// (and on leading dims the result lacks, which are size 1).
pub fn broadcast_index(kb: &mut Kb<'_>, idx: &[Value], shape: &[i64], out: &[i64]) -> Vec<Value> {
    let r = out.len() as isize;
    let off = r - shape.len() as isize;
    (0..shape.len())
        .map(|d| {
            let od = d as isize + off;
            if od < 0 || (shape[d] == 1 && out[od as usize] != 1) {
                kb.index(0)
            } else {
                idx[od as usize]
            }
        })
        .collect()
}

fn is_float_unary(kind: &str) -> bool {
    matches!(
        kind,
        "exp"
            | "log"
            | "sqrt"
            | "sigmoid"
            | "tanh"
            | "erf"
            | "reciprocal"
            | "floor"
            | "ceil"
            | "round"
            | "sin"
            | "cos"
            | "tan"
            | "asin"
            | "acos"
            | "atan"
            | "sinh"
            | "cosh"
            | "asinh"
            | "acosh"
            | "atanh"
            | "softplus"
            | "softsign"
            | "elu"
            | "selu"
            | "celu"
            | "hard_sigmoid"
            | "hard_swish"
            | "leaky_relu"
            | "thresholded_relu"
            | "mish"
            | "gelu"
            | "shrink"
            | "swish"
    )
}

/// Whether [`scalar_op`] handles `kind` on these element types (the error says why not).
pub(crate) fn check_supported(
    kind: &str,
    p: &Params,
    ins: &[Elem],
    out: Elem,
) -> Result<(), String> {
    let e = ins.first().copied().unwrap_or(out);
    let float = e.is_float();
    let is_int = matches!(e, Elem::Int { .. });
    let ok = match kind {
        _ if is_float_unary(kind) => {
            float || (is_int && matches!(kind, "shrink" | "erf" | "leaky_relu"))
        }
        "add" | "sub" | "mul" | "div" | "mod" | "sum" => e != Elem::Bool,
        "mean" => float,
        "max" | "min" | "where" | "cast" | "cast_like" | "equal" | "less" | "greater"
        | "less_or_equal" | "greater_or_equal" => true,
        "abs" | "neg" | "sign" | "relu" | "prelu" | "clip" => e != Elem::Bool,
        "pow" => e != Elem::Bool && ins.get(1).is_some_and(|y| *y != Elem::Bool),
        "not" | "and" | "or" | "xor" => e == Elem::Bool,
        "bitwise_not" | "bitwise_and" | "bitwise_or" | "bitwise_xor" | "bit_shift" => is_int,
        "is_nan" | "is_inf" => float,
        "swi_glu" => float,
        _ => false,
    };
    let _ = p;
    if ok {
        Ok(())
    } else {
        Err(format!("on element type {e:?}"))
    }
}

/// The scalar function of an elementwise op on compute-type values.
pub(crate) fn scalar_op(
    kb: &mut Kb<'_>,
    kind: &str,
    p: &Params,
    ins: &[Elem],
    out: Elem,
    v: &[Value],
) -> Result<Value, String> {
    let e = ins.first().copied().unwrap_or(out);
    let float = e.is_float();
    let signed = matches!(e, Elem::Int { signed: true, .. });
    let ty = kb.value_type(v.first().copied().ok_or("no operands")?);
    if is_float_unary(kind) {
        if let Elem::Int { .. } = e {
            // Integer Shrink / Erf / LeakyRelu: computed in f64 and cast back.
            let f64e = Elem::Float(FloatKind::F64);
            let x = convert(kb, v[0], e, f64e);
            let y = float_unary(kb, kind, p, x);
            return Ok(convert(kb, y, f64e, e));
        }
        return Ok(float_unary(kb, kind, p, v[0]));
    }
    let r = match kind {
        "add" => kb.binary(if float { "arith.addf" } else { "arith.addi" }, v[0], v[1]),
        "sub" => kb.binary(if float { "arith.subf" } else { "arith.subi" }, v[0], v[1]),
        "mul" => kb.binary(if float { "arith.mulf" } else { "arith.muli" }, v[0], v[1]),
        "div" => div(kb, e, v[0], v[1]),
        "mod" => {
            if p.fmod {
                fmod(kb, e, v[0], v[1])
            } else {
                pymod(kb, e, v[0], v[1])
            }
        }
        "sum" | "mean" => {
            let name = if float { "arith.addf" } else { "arith.addi" };
            let mut acc = v[0];
            for &x in &v[1..] {
                acc = kb.binary(name, acc, x);
                acc = common::round(kb, e, acc);
            }
            if kind == "mean" {
                let n = kb.constant(ty, v.len() as f64);
                acc = kb.binary("arith.divf", acc, n);
            }
            acc
        }
        "max" | "min" => {
            let mut acc = v[0];
            for &x in &v[1..] {
                acc = max_nan(kb, e, acc, x, kind == "max");
            }
            acc
        }
        "pow" => pow(kb, e, ins[1], out, v[0], v[1]),
        "relu" => {
            let z = kb.constant(ty, 0.0);
            let lt = common::compare(kb, e, "lt", v[0], z);
            kb.select(lt, z, v[0])
        }
        "neg" if float => kb.unary("arith.negf", v[0]),
        "neg" => {
            let z = kb.constant(ty, 0.0);
            kb.binary("arith.subi", z, v[0])
        }
        "abs" if float => kb.unary("math.absf", v[0]),
        "abs" if signed => {
            // wrapping: abs(MIN) = MIN
            let z = kb.constant(ty, 0.0);
            let n = kb.binary("arith.subi", z, v[0]);
            let lt = kb.cmp(false, cmpi::SLT, v[0], z);
            kb.select(lt, n, v[0])
        }
        "abs" => v[0],
        "sign" => {
            let z = kb.constant(ty, 0.0);
            let one = kb.constant(ty, 1.0);
            let m1 = if float {
                kb.constant(ty, -1.0)
            } else {
                kb.constant_int(ty, -1)
            };
            let gt = common::compare(kb, e, "gt", v[0], z);
            let lt = common::compare(kb, e, "lt", v[0], z);
            let s = kb.select(lt, m1, z);
            let s = kb.select(gt, one, s);
            if float {
                let nan = is_nan(kb, v[0]);
                kb.select(nan, v[0], s)
            } else {
                s
            }
        }
        "prelu" => {
            let z = kb.constant(ty, 0.0);
            let m = kb.binary(if float { "arith.mulf" } else { "arith.muli" }, v[0], v[1]);
            let lt = common::compare(kb, e, "lt", v[0], z);
            kb.select(lt, m, v[0])
        }
        "swi_glu" => {
            // r(swish(x) * g), swish rounded to the element type first.
            let s = swish(kb, p.alpha, v[0]);
            let s = common::round(kb, e, s);
            kb.binary("arith.mulf", s, v[1])
        }
        "clip" => {
            // Clip(x, min?, max?): operands present in `v` in order; absent ones were skipped.
            let mut x = v[0];
            let lo = p.clip_min.then(|| v[1]);
            let hi = p.clip_max.then(|| v[if p.clip_min { 2 } else { 1 }]);
            if let Some(lo) = lo {
                let mut c = common::compare(kb, e, "lt", x, lo);
                if float {
                    let n = is_nan(kb, lo);
                    c = or(kb, c, n);
                }
                x = kb.select(c, lo, x);
            }
            if let Some(hi) = hi {
                let mut c = common::compare(kb, e, "gt", x, hi);
                if float {
                    let n = is_nan(kb, hi);
                    c = or(kb, c, n);
                }
                x = kb.select(c, hi, x);
            }
            x
        }
        "where" => kb.select(v[0], v[1], v[2]),
        "equal" => common::compare(kb, e, "eq", v[0], v[1]),
        "less" => common::compare(kb, e, "lt", v[0], v[1]),
        "greater" => common::compare(kb, e, "gt", v[0], v[1]),
        "less_or_equal" => common::compare(kb, e, "le", v[0], v[1]),
        "greater_or_equal" => common::compare(kb, e, "ge", v[0], v[1]),
        "not" => common::not(kb, v[0]),
        "and" | "bitwise_and" => kb.binary("arith.andi", v[0], v[1]),
        "or" | "bitwise_or" => kb.binary("arith.ori", v[0], v[1]),
        "xor" | "bitwise_xor" => kb.binary("arith.xori", v[0], v[1]),
        "bitwise_not" => {
            let m1 = kb.constant_int(ty, -1);
            kb.binary("arith.xori", v[0], m1)
        }
        "bit_shift" => bit_shift(kb, e, p.left, v[0], v[1]),
        "is_nan" => is_nan(kb, v[0]),
        "is_inf" => {
            let pinf = kb.constant(ty, f64::INFINITY);
            let ninf = kb.constant(ty, f64::NEG_INFINITY);
            let i1 = kb.ctx.i1_type();
            let mut r = kb.constant(i1, 0.0);
            if p.detect_pos {
                let c = kb.cmp(true, cmpf::OEQ, v[0], pinf);
                r = or(kb, r, c);
            }
            if p.detect_neg {
                let c = kb.cmp(true, cmpf::OEQ, v[0], ninf);
                r = or(kb, r, c);
            }
            r
        }
        "cast" | "cast_like" => convert(kb, v[0], e, out),
        _ => return Err(format!("{kind} on {e:?}")),
    };
    Ok(r)
}

/// The float unary functions, in the compute type of `x` (f32 or f64).
fn float_unary(kb: &mut Kb<'_>, kind: &str, p: &Params, x: Value) -> Value {
    let ty = kb.value_type(x);
    let c = |kb: &mut Kb<'_>, v: f64| kb.constant(ty, v);
    match kind {
        "exp" | "log" | "sqrt" | "tanh" | "erf" | "floor" | "ceil" | "sin" | "cos" | "tan"
        | "asin" | "acos" | "atan" | "sinh" | "cosh" | "asinh" | "acosh" | "atanh" => {
            kb.unary(&format!("math.{kind}"), x)
        }
        "round" => kb.unary("math.roundeven", x),
        "reciprocal" => {
            let one = c(kb, 1.0);
            kb.binary("arith.divf", one, x)
        }
        "sigmoid" => sigmoid(kb, x),
        "softplus" => softplus(kb, x),
        "softsign" => {
            let one = c(kb, 1.0);
            let a = kb.unary("math.absf", x);
            let d = kb.binary("arith.addf", one, a);
            kb.binary("arith.divf", x, d)
        }
        "elu" => {
            // x > 0 || isnan(x) ? x : alpha * (exp(x) - 1)
            let z = c(kb, 0.0);
            let one = c(kb, 1.0);
            let a = c(kb, p.alpha);
            let ex = kb.unary("math.exp", x);
            let em1 = kb.binary("arith.subf", ex, one);
            let neg = kb.binary("arith.mulf", a, em1);
            let keep = kb.cmp(true, 9, x, z); // ugt: x > 0 or NaN
            kb.select(keep, x, neg)
        }
        "selu" => {
            // x > 0 ? g x : isnan(x) ? x : g (a exp(x) - a)
            let z = c(kb, 0.0);
            let a = c(kb, p.alpha);
            let g = c(kb, p.gamma);
            let ex = kb.unary("math.exp", x);
            let aex = kb.binary("arith.mulf", a, ex);
            let d = kb.binary("arith.subf", aex, a);
            let neg = kb.binary("arith.mulf", g, d);
            let pos = kb.binary("arith.mulf", g, x);
            let nan = is_nan(kb, x);
            let r = kb.select(nan, x, neg);
            let gt = kb.cmp(true, cmpf::OGT, x, z);
            kb.select(gt, pos, r)
        }
        "celu" => {
            // isnan ? x : max(x, 0) + min(alpha (exp(x / alpha) - 1), 0)
            let z = c(kb, 0.0);
            let one = c(kb, 1.0);
            let a = c(kb, p.alpha);
            let gt = kb.cmp(true, cmpf::OGT, x, z);
            let pos = kb.select(gt, x, z);
            let xa = kb.binary("arith.divf", x, a);
            let ex = kb.unary("math.exp", xa);
            let em1 = kb.binary("arith.subf", ex, one);
            let neg = kb.binary("arith.mulf", a, em1);
            let lt = kb.cmp(true, cmpf::OLT, neg, z);
            let neg = kb.select(lt, neg, z);
            let s = kb.binary("arith.addf", pos, neg);
            let nan = is_nan(kb, x);
            kb.select(nan, x, s)
        }
        "hard_sigmoid" | "hard_swish" => {
            let y = if kind == "hard_swish" {
                let a = c(kb, 1.0 / 6.0);
                let b = c(kb, 0.5);
                let ax = kb.binary("arith.mulf", x, a);
                let y = kb.binary("arith.addf", ax, b);
                clamp01(kb, y)
            } else {
                let a = c(kb, p.alpha);
                let b = c(kb, p.beta);
                let ax = kb.binary("arith.mulf", a, x);
                let y = kb.binary("arith.addf", ax, b);
                clamp01(kb, y)
            };
            if kind == "hard_swish" {
                kb.binary("arith.mulf", x, y)
            } else {
                y
            }
        }
        "leaky_relu" => {
            let z = c(kb, 0.0);
            let a = c(kb, p.alpha);
            let ax = kb.binary("arith.mulf", a, x);
            let ge = kb.cmp(true, cmpf::OGE, x, z);
            kb.select(ge, x, ax)
        }
        "thresholded_relu" => {
            let z = c(kb, 0.0);
            let a = c(kb, p.alpha);
            let keep = kb.cmp(true, 9, x, a); // ugt: x > alpha or NaN
            kb.select(keep, x, z)
        }
        "mish" => {
            let sp = softplus(kb, x);
            let t = kb.unary("math.tanh", sp);
            kb.binary("arith.mulf", x, t)
        }
        "swish" => swish(kb, p.alpha, x),
        "gelu" => {
            let half = c(kb, 0.5);
            let one = c(kb, 1.0);
            let hx = kb.binary("arith.mulf", half, x);
            let inner = if p.approximate_tanh {
                // tanh(k * (x + ((0.044715 x) x) x))
                let k = c(kb, (2.0 / std::f64::consts::PI).sqrt());
                let q = c(kb, 0.044715);
                let t = kb.binary("arith.mulf", q, x);
                let t = kb.binary("arith.mulf", t, x);
                let t = kb.binary("arith.mulf", t, x);
                let s = kb.binary("arith.addf", x, t);
                let ks = kb.binary("arith.mulf", k, s);
                kb.unary("math.tanh", ks)
            } else {
                let k = c(kb, std::f64::consts::FRAC_1_SQRT_2);
                let xs = kb.binary("arith.mulf", x, k);
                kb.unary("math.erf", xs)
            };
            let s = kb.binary("arith.addf", one, inner);
            kb.binary("arith.mulf", hx, s)
        }
        "shrink" => {
            // x < -lambd ? x + bias : x > lambd ? x - bias : isnan ? x : 0
            let z = c(kb, 0.0);
            let bias = c(kb, p.alpha);
            let l = c(kb, p.beta);
            let nl = c(kb, -p.beta);
            let nan = is_nan(kb, x);
            let r = kb.select(nan, x, z);
            let gt = kb.cmp(true, cmpf::OGT, x, l);
            let sub = kb.binary("arith.subf", x, bias);
            let r = kb.select(gt, sub, r);
            let lt = kb.cmp(true, cmpf::OLT, x, nl);
            let add = kb.binary("arith.addf", x, bias);
            kb.select(lt, add, r)
        }
        _ => unreachable!("not a float unary op: {kind}"),
    }
}

/// `v` clamped into [0, 1], NaN kept.
fn clamp01(kb: &mut Kb<'_>, v: Value) -> Value {
    let z = fconst(kb, v, 0.0);
    let one = fconst(kb, v, 1.0);
    let lt = kb.cmp(true, cmpf::OLT, v, z);
    let r = kb.select(lt, z, v);
    let gt = kb.cmp(true, cmpf::OGT, r, one);
    kb.select(gt, one, r)
}

/// The interpreter's sigmoid: `x >= 0 ? 1 / (1 + exp(-x)) : e / (1 + e)` with `e = exp(x)`.
pub fn sigmoid(kb: &mut Kb<'_>, x: Value) -> Value {
    let z = fconst(kb, x, 0.0);
    let one = fconst(kb, x, 1.0);
    let n = kb.unary("arith.negf", x);
    let en = kb.unary("math.exp", n);
    let d = kb.binary("arith.addf", one, en);
    let pos = kb.binary("arith.divf", one, d);
    let e = kb.unary("math.exp", x);
    let d2 = kb.binary("arith.addf", one, e);
    let neg = kb.binary("arith.divf", e, d2);
    let ge = kb.cmp(true, cmpf::OGE, x, z);
    kb.select(ge, pos, neg)
}

/// `x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))`.
fn softplus(kb: &mut Kb<'_>, x: Value) -> Value {
    let z = fconst(kb, x, 0.0);
    let n = kb.unary("arith.negf", x);
    let en = kb.unary("math.exp", n);
    let l = kb.unary("math.log1p", en);
    let pos = kb.binary("arith.addf", x, l);
    let e = kb.unary("math.exp", x);
    let neg = kb.unary("math.log1p", e);
    let gt = kb.cmp(true, cmpf::OGT, x, z);
    kb.select(gt, pos, neg)
}

/// Swish: `x * sigmoid(alpha x)` (extra.rs `swish_of`).
fn swish(kb: &mut Kb<'_>, alpha: f64, x: Value) -> Value {
    let a = fconst(kb, x, alpha);
    let ax = kb.binary("arith.mulf", a, x);
    let s = sigmoid(kb, ax);
    kb.binary("arith.mulf", x, s)
}

/// Integer `a / b` with the interpreter's rules (by 0 gives 0, MIN / -1 wraps); IEEE for floats.
fn div(kb: &mut Kb<'_>, e: Elem, a: Value, b: Value) -> Value {
    let ty = kb.value_type(a);
    match e {
        Elem::Float(_) => kb.binary("arith.divf", a, b),
        Elem::Int { signed, .. } => {
            let z = kb.constant(ty, 0.0);
            let one = kb.constant(ty, 1.0);
            let is0 = kb.cmp(false, cmpi::EQ, b, z);
            if signed {
                let m1 = kb.constant_int(ty, -1);
                let ism1 = kb.cmp(false, cmpi::EQ, b, m1);
                let bad = or(kb, is0, ism1);
                let safe = kb.select(bad, one, b);
                let q = kb.binary("arith.divsi", a, safe);
                let na = kb.binary("arith.subi", z, a);
                let q = kb.select(ism1, na, q);
                kb.select(is0, z, q)
            } else {
                let safe = kb.select(is0, one, b);
                let q = kb.binary("arith.divui", a, safe);
                kb.select(is0, z, q)
            }
        }
        Elem::Bool => kb.binary("arith.andi", a, b),
    }
}

/// C `fmod` (sign of the dividend); integer remainder by 0 or -1 gives 0.
fn fmod(kb: &mut Kb<'_>, e: Elem, a: Value, b: Value) -> Value {
    let ty = kb.value_type(a);
    match e {
        Elem::Float(_) => kb.binary("arith.remf", a, b),
        Elem::Int { signed, .. } => {
            let z = kb.constant(ty, 0.0);
            let one = kb.constant(ty, 1.0);
            let is0 = kb.cmp(false, cmpi::EQ, b, z);
            let bad = if signed {
                let m1 = kb.constant_int(ty, -1);
                let ism1 = kb.cmp(false, cmpi::EQ, b, m1);
                or(kb, is0, ism1)
            } else {
                is0
            };
            let safe = kb.select(bad, one, b);
            let r = kb.binary(if signed { "arith.remsi" } else { "arith.remui" }, a, safe);
            kb.select(bad, z, r)
        }
        Elem::Bool => kb.constant(ty, 0.0),
    }
}

/// Python / numpy `%`: the sign of the divisor.
fn pymod(kb: &mut Kb<'_>, e: Elem, a: Value, b: Value) -> Value {
    let ty = kb.value_type(a);
    let r = fmod(kb, e, a, b);
    match e {
        Elem::Float(_) => {
            let z = kb.constant(ty, 0.0);
            let rnz = kb.cmp(true, cmpf::UNE, r, z);
            let rneg = kb.cmp(true, cmpf::OLT, r, z);
            let bneg = kb.cmp(true, cmpf::OLT, b, z);
            let diff = kb.binary("arith.xori", rneg, bneg);
            let fix = and(kb, rnz, diff);
            let rb = kb.binary("arith.addf", r, b);
            let req0 = kb.cmp(true, cmpf::OEQ, r, z);
            let absr = kb.unary("math.absf", r);
            let signed0 = kb.op1("math.copysign", &[absr, b], ty, &[]);
            let r2 = kb.select(req0, signed0, r);
            kb.select(fix, rb, r2)
        }
        Elem::Int { signed: true, .. } => {
            let z = kb.constant(ty, 0.0);
            let rnz = kb.cmp(false, cmpi::NE, r, z);
            let rneg = kb.cmp(false, cmpi::SLT, r, z);
            let bneg = kb.cmp(false, cmpi::SLT, b, z);
            let diff = kb.binary("arith.xori", rneg, bneg);
            let fix = and(kb, rnz, diff);
            let rb = kb.binary("arith.addi", r, b);
            kb.select(fix, rb, r)
        }
        _ => r,
    }
}

/// BitShift: amounts outside `0..bits` give 0, or -1 for a right shift of a negative signed
/// value; right shifts of signed values are arithmetic.
fn bit_shift(kb: &mut Kb<'_>, e: Elem, left: bool, x: Value, y: Value) -> Value {
    let ty = kb.value_type(x);
    let Elem::Int { width, signed } = e else {
        unreachable!("checked")
    };
    let bits = kb.constant(ty, f64::from(width));
    let z = kb.constant(ty, 0.0);
    // Negative amounts are huge as unsigned: out of range too.
    let inr = kb.cmp(false, cmpi::ULT, y, bits);
    let safe = kb.select(inr, y, z);
    let shifted = if left {
        kb.binary("arith.shli", x, safe)
    } else if signed {
        kb.binary("arith.shrsi", x, safe)
    } else {
        kb.binary("arith.shrui", x, safe)
    };
    let fallback = if !left && signed {
        let bm1 = kb.constant(ty, f64::from(width - 1));
        kb.binary("arith.shrsi", x, bm1)
    } else {
        z
    };
    kb.select(inr, shifted, fallback)
}

/// Pow: float base: exponent converted to the base's compute type, `powf`; integer base and
/// float exponent: computed in f64 and truncated back; integer both: exact wrapping power by
/// squaring (negative exponents: 1, ±1 or 0 as the interpreter's `ipow`).
fn pow(kb: &mut Kb<'_>, xe: Elem, ye: Elem, out: Elem, x: Value, y: Value) -> Value {
    let ty = kb.value_type(x);
    match (xe, ye) {
        (Elem::Float(_), _) => {
            let e = match ye {
                Elem::Float(FloatKind::F32) => convert(kb, y, ye, xe_compute(xe)),
                _ => {
                    let f = common::to_f64(kb, ye, y);
                    convert(kb, f, Elem::Float(FloatKind::F64), xe_compute(xe))
                }
            };
            kb.op1("math.powf", &[x, e], ty, &[])
        }
        (Elem::Int { .. }, Elem::Float(_)) => {
            let xf = common::to_f64(kb, xe, x);
            let yf = common::to_f64(kb, ye, y);
            let f64t = kb.value_type(xf);
            let r = kb.op1("math.powf", &[xf, yf], f64t, &[]);
            common::from_f64(kb, out, r)
        }
        (
            Elem::Int { .. },
            Elem::Int {
                width: yw,
                signed: ys,
            },
        ) => {
            let i64t = kb.ctx.integer_type(64);
            let e = if yw < 64 {
                kb.cast(if ys { "arith.extsi" } else { "arith.extui" }, y, i64t)
            } else {
                y
            };
            let one = kb.constant(ty, 1.0);
            let z64 = kb.constant(i64t, 0.0);
            let one64 = kb.constant(i64t, 1.0);
            let lb = kb.index(0);
            let ub = kb.index(64);
            let st = kb.index(1);
            let res = kb.for_loop(lb, ub, st, &[one, x, e], |kb, _, a| {
                let (r, b, e) = (a[0], a[1], a[2]);
                let bit = kb.binary("arith.andi", e, one64);
                let odd = kb.cmp(false, cmpi::NE, bit, z64);
                let rb = kb.binary("arith.muli", r, b);
                let r = kb.select(odd, rb, r);
                let b = kb.binary("arith.muli", b, b);
                let e = kb.binary("arith.shrui", e, one64);
                vec![r, b, e]
            });
            let pos = res[0];
            if !ys {
                return pos;
            }
            // Negative exponent: base 1 -> 1; base -1 -> 1 or -1 by parity; else 0.
            let neg = kb.cmp(false, cmpi::SLT, e, z64);
            let m1 = kb.constant_int(ty, -1);
            let z = kb.constant(ty, 0.0);
            let is1 = kb.cmp(false, cmpi::EQ, x, one);
            let ism1 = kb.cmp(false, cmpi::EQ, x, m1);
            let bit = kb.binary("arith.andi", e, one64);
            let even = kb.cmp(false, cmpi::EQ, bit, z64);
            let pm = kb.select(even, one, x);
            let r = kb.select(ism1, pm, z);
            let r = kb.select(is1, one, r);
            kb.select(neg, r, pos)
        }
        _ => unreachable!("checked"),
    }
}

/// The float kind a base of kind `xe` is computed in (f32 for f16 / bf16).
fn xe_compute(xe: Elem) -> Elem {
    match xe {
        Elem::Float(FloatKind::F16 | FloatKind::BF16) => Elem::Float(FloatKind::F32),
        other => other,
    }
}

/// Converts a compute value of kind `from` to the compute type of `to`, with numpy `astype`
/// semantics as the interpreter has them (num.rs `from_wide`): float to integer truncates
/// toward zero through i64 (wrapping into narrower types), NaN gives 0 and values beyond the
/// i64 range saturate; integer to float rounds once; float to f16 / bf16 rounds once (through
/// the storage type, so a later store is exact); anything non-zero (NaN included) is `true`.
pub fn convert(kb: &mut Kb<'_>, v: Value, from: Elem, to: Elem) -> Value {
    let tt = to.compute_type(kb.ctx);
    let ft = kb.value_type(v);
    if from == to {
        return v;
    }
    match (from, to) {
        (Elem::Float(_), Elem::Float(tk)) => {
            let fw = width_of(kb, ft);
            if matches!(tk, FloatKind::F16 | FloatKind::BF16) {
                // One rounding straight into the narrow type, then back to f32.
                let st = kb.ctx.float_type(tk);
                let n = kb.cast("arith.truncf", v, st);
                return kb.cast("arith.extf", n, tt);
            }
            let tw = width_of(kb, tt);
            if fw < tw {
                kb.cast("arith.extf", v, tt)
            } else if fw > tw {
                kb.cast("arith.truncf", v, tt)
            } else {
                v
            }
        }
        (Elem::Float(_), Elem::Int { width, signed }) => float_to_int(kb, v, width, signed),
        (Elem::Float(_), Elem::Bool) => {
            let z = kb.constant(ft, 0.0);
            kb.cmp(true, cmpf::UNE, v, z)
        }
        (Elem::Int { signed, .. }, Elem::Float(tk)) => {
            let name = if signed {
                "arith.sitofp"
            } else {
                "arith.uitofp"
            };
            if matches!(tk, FloatKind::F16 | FloatKind::BF16) {
                // Through f64 (exact for every i64 below 2^53), one rounding into the narrow type.
                let f64t = kb.ctx.float_type(FloatKind::F64);
                let w = kb.cast(name, v, f64t);
                return convert(kb, w, Elem::Float(FloatKind::F64), to);
            }
            kb.cast(name, v, tt)
        }
        (Elem::Bool, Elem::Float(_)) => kb.cast("arith.uitofp", v, tt),
        (Elem::Int { width: fw, signed }, Elem::Int { width: tw, .. }) => {
            if fw < tw {
                kb.cast(if signed { "arith.extsi" } else { "arith.extui" }, v, tt)
            } else if fw > tw {
                kb.cast("arith.trunci", v, tt)
            } else {
                v
            }
        }
        (Elem::Bool, Elem::Int { .. }) => kb.cast("arith.extui", v, tt),
        (Elem::Int { .. }, Elem::Bool) => {
            let z = kb.constant(ft, 0.0);
            kb.cmp(false, cmpi::NE, v, z)
        }
        (Elem::Bool, Elem::Bool) => v,
    }
}

/// Float (f32 / f64) to an integer type as num.rs `from_wide(Wide::F)`: truncation toward zero;
/// within the i64 range through i64 and wrapped into narrower types; NaN gives 0; beyond the i64
/// range the target's saturated value (u64 keeps values up to 2^64 exactly).
fn float_to_int(kb: &mut Kb<'_>, v: Value, width: u32, signed: bool) -> Value {
    let ft = kb.value_type(v);
    let i64t = kb.ctx.integer_type(64);
    let tt = kb.ctx.integer_type(width);
    let bound = 9_223_372_036_854_775_808.0f64;
    let lo = kb.constant(ft, -bound);
    let hi = kb.constant(ft, bound);
    let ge = kb.cmp(true, cmpf::OGE, v, lo);
    let lt = kb.cmp(true, cmpf::OLT, v, hi);
    let inr = and(kb, ge, lt);
    let z = kb.constant(ft, 0.0);
    let safe = kb.select(inr, v, z);
    let i = kb.cast("arith.fptosi", safe, i64t);
    let wrapped = if width < 64 {
        kb.cast("arith.trunci", i, tt)
    } else {
        i
    };
    let tmin = kb.constant_int(tt, common::int_min(width, signed));
    let tmax = kb.constant_int(tt, common::int_max(width, signed));
    let tz = kb.constant(tt, 0.0);
    let neg = kb.cmp(true, cmpf::OLT, v, z);
    let mut sat = kb.select(neg, tmin, tmax);
    if width == 64 && !signed {
        // [2^63, 2^64): exact through fptoui.
        let top = kb.constant(ft, bound * 2.0);
        let below = kb.cmp(true, cmpf::OLT, v, top);
        let big = kb.cmp(true, cmpf::OGE, v, hi);
        let mid = and(kb, below, big);
        let safe2 = kb.select(mid, v, hi);
        let u = kb.cast("arith.fptoui", safe2, tt);
        sat = kb.select(mid, u, sat);
    }
    let nan = common::is_nan(kb, v);
    let sat = kb.select(nan, tz, sat);
    let _ = not_nan;
    kb.select(inr, wrapped, sat)
}

fn width_of(kb: &Kb<'_>, t: flowc_ir::Type) -> u32 {
    match kb.ctx.type_data(t) {
        flowc_ir::TypeData::Float(k) => k.width(),
        flowc_ir::TypeData::Integer { width, .. } => *width,
        _ => 64,
    }
}
