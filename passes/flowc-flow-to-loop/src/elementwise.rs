//! Elementwise ops with numpy broadcasting: one kernel per op, a loop nest over the result whose
//! outer dims are parallel tasks and whose innermost dim is a sequential, contiguous loop (which
//! LLVM vectorizes). Operands are read through broadcast indices (index 0 on size-1 dims).
//!
//! The scalar semantics of each op are in [`scalar_op`]; they match the interpreter's
//! (crates/flowc-interp/src/ops/elementwise.rs): NaN propagation of Max / Min, Mod's sign rules,
//! f16 / bf16 computed in f32 and rounded once per op.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpf, cmpi};
use flowc_ir::{Context, Diagnostic, Value};

/// Elements per task when a result is one long row.
const CHUNK: i64 = 4096;

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
    let n = ctx.num_operands(cx.op);
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
    let mut bufs = Vec::new();
    for (i, _, _) in &ins {
        bufs.push(cx.input(ctx, *i)?);
    }
    bufs.push(cx.output(ctx, 0)?);
    let in_elems: Vec<Elem> = ins.iter().map(|x| x.1).collect();
    let in_shapes: Vec<Vec<i64>> = ins.iter().map(|x| x.2.clone()).collect();
    let kind_owned = kind.to_string();
    let op = cx.op;
    cx.kernel(ctx, kind, &bufs, |kb, args| {
        let (inputs, out) = args.split_at(args.len() - 1);
        let out = out[0];
        let mut err = None;
        broadcast_nest(kb, &out_shape, |kb, idx| {
            let mut vals = Vec::new();
            for (j, &m) in inputs.iter().enumerate() {
                let bidx = broadcast_index(kb, idx, &in_shapes[j], &out_shape);
                vals.push(kb.load_elem(in_elems[j], m, &bidx));
            }
            match scalar_op(kb, &kind_owned, &params, &in_elems, out_elem, &vals) {
                Ok(v) => kb.store_elem(out_elem, v, out, idx),
                Err(e) => err = Some(e),
            }
        });
        match err {
            Some(msg) => Err(flowc_ir::op_error(
                kb.ctx,
                op,
                format!("has no CPU lowering: {msg}"),
            )),
            None => Ok(()),
        }
    })?;
    Ok(true)
}

fn is_elementwise(kind: &str) -> bool {
    matches!(
        kind,
        "add"
            | "sub"
            | "mul"
            | "div"
            | "pow"
            | "max"
            | "min"
            | "sum"
            | "mean"
            | "relu"
            | "neg"
            | "abs"
            | "exp"
            | "log"
            | "sqrt"
            | "sigmoid"
            | "tanh"
            | "erf"
            | "reciprocal"
            | "floor"
            | "ceil"
            | "leaky_relu"
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
            | "cast"
            | "gelu"
            | "softplus"
            | "hard_sigmoid"
            | "hard_swish"
            | "elu"
            | "selu"
            | "sin"
            | "cos"
            | "sign"
            | "prelu"
    )
}

/// Attributes (and constant operands) an op's scalar function needs.
#[derive(Clone, Debug, Default)]
struct Params {
    alpha: f64,
    beta: f64,
    gamma: f64,
    approximate_tanh: bool,
    /// Clip: whether `min` / `max` are given (absent ones are not in the value list).
    clip_min: bool,
    clip_max: bool,
}

impl Params {
    fn read(ctx: &Context, cx: &OpCx<'_, '_>, kind: &str) -> Result<Params, Diagnostic> {
        let (alpha, beta, gamma) = match kind {
            "leaky_relu" => (cx.attr_f64(ctx, "alpha", 0.01), 0.0, 0.0),
            "elu" => (cx.attr_f64(ctx, "alpha", 1.0), 0.0, 0.0),
            "selu" => (
                cx.attr_f64(ctx, "alpha", 1.673_263_192_176_818_8),
                0.0,
                cx.attr_f64(ctx, "gamma", 1.050_701_022_148_132_3),
            ),
            "hard_sigmoid" => (
                cx.attr_f64(ctx, "alpha", 0.2),
                cx.attr_f64(ctx, "beta", 0.5),
                0.0,
            ),
            _ => (0.0, 0.0, 0.0),
        };
        Ok(Params {
            alpha,
            beta,
            gamma,
            approximate_tanh: cx.attr_str(ctx, "approximate") == Some("tanh"),
            clip_min: kind == "clip" && cx.has_operand(ctx, 1),
            clip_max: kind == "clip" && cx.has_operand(ctx, 2),
        })
    }
}

/// Builds the loop nest over `shape`: the leading dims (all but the last) are one
/// `loop.parallel`, the last dim a sequential `loop.for`; a rank-1 result is cut into chunks of
/// [`CHUNK`] elements, one task each. `body(kb, idx)` gets the full index.
pub fn broadcast_nest(kb: &mut Kb<'_>, shape: &[i64], body: impl FnOnce(&mut Kb<'_>, &[Value])) {
    match shape.len() {
        0 => body(kb, &[]),
        1 => {
            let n = shape[0];
            let tasks = (n + CHUNK - 1) / CHUNK;
            kb.parallel(&[tasks.max(1)], |kb, ivs| {
                let lo = kb.mul_add_index(ivs[0], CHUNK, None);
                let chunk = kb.index(CHUNK);
                let hi = kb.addi(lo, chunk);
                let nv = kb.index(n);
                let hi = kb.binary("arith.minsi", hi, nv);
                let one = kb.index(1);
                kb.for_loop(lo, hi, one, &[], |kb, i, _| {
                    body(kb, &[i]);
                    Vec::new()
                });
            });
        }
        r => {
            let inner = shape[r - 1];
            kb.parallel(&shape[..r - 1], |kb, ivs| {
                let ivs = ivs.to_vec();
                kb.for_range(inner, |kb, i| {
                    let mut idx = ivs;
                    idx.push(i);
                    body(kb, &idx);
                });
            });
        }
    }
}

/// The index into an operand of `shape` broadcast to `out`: trailing-aligned, 0 on size-1 dims.
pub fn broadcast_index(kb: &mut Kb<'_>, idx: &[Value], shape: &[i64], out: &[i64]) -> Vec<Value> {
    let off = out.len() - shape.len();
    (0..shape.len())
        .map(|d| {
            if shape[d] == 1 && out[off + d] != 1 {
                kb.index(0)
            } else {
                idx[off + d]
            }
        })
        .collect()
}

/// The scalar function of an elementwise op on compute-type values.
fn scalar_op(
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
    let r = match kind {
        "add" | "sum" => fold(kb, v, if float { "arith.addf" } else { "arith.addi" }),
        "sub" => kb.binary(if float { "arith.subf" } else { "arith.subi" }, v[0], v[1]),
        "mul" => kb.binary(if float { "arith.mulf" } else { "arith.muli" }, v[0], v[1]),
        "div" => kb.binary(
            if float {
                "arith.divf"
            } else if signed {
                "arith.divsi"
            } else {
                "arith.divui"
            },
            v[0],
            v[1],
        ),
        "mean" => {
            if !float {
                return Err("Mean of integers".into());
            }
            let s = fold(kb, v, "arith.addf");
            let n = kb.constant(ty, v.len() as f64);
            kb.binary("arith.divf", s, n)
        }
        "max" | "min" => {
            let name = match (kind, float, signed) {
                ("max", true, _) => "arith.maximumf",
                ("min", true, _) => "arith.minimumf",
                ("max", false, true) => "arith.maxsi",
                ("max", false, false) => "arith.maxui",
                ("min", false, true) => "arith.minsi",
                _ => "arith.minui",
            };
            fold(kb, v, name)
        }
        "pow" if float && ins.get(1).is_some_and(|e| e.is_float()) => {
            let b = v[1];
            let bt = kb.value_type(b);
            let b = if bt == ty {
                b
            } else {
                kb.cast(
                    if bt_wider(kb, bt, ty) {
                        "arith.truncf"
                    } else {
                        "arith.extf"
                    },
                    b,
                    ty,
                )
            };
            kb.op1("math.powf", &[v[0], b], ty, &[])
        }
        "relu" if float => {
            let z = kb.constant(ty, 0.0);
            // max(x, 0) that keeps NaN: x > 0 ? x : (x != x ? x : 0)
            let gt = kb.cmp(true, cmpf::OGT, v[0], z);
            let nan = kb.cmp(true, cmpf::UNO, v[0], v[0]);
            let keep = kb.binary("arith.ori", gt, nan);
            kb.select(keep, v[0], z)
        }
        "relu" => {
            let z = kb.constant(ty, 0.0);
            kb.binary(if signed { "arith.maxsi" } else { "arith.maxui" }, v[0], z)
        }
        "neg" if float => kb.unary("arith.negf", v[0]),
        "neg" => {
            let z = kb.constant(ty, 0.0);
            kb.binary("arith.subi", z, v[0])
        }
        "abs" if float => kb.unary("math.absf", v[0]),
        "abs" if signed => kb.unary("math.absi", v[0]),
        "abs" => v[0],
        "exp" | "log" | "sqrt" | "tanh" | "erf" | "floor" | "ceil" | "sin" | "cos" if float => {
            kb.unary(&format!("math.{kind}"), v[0])
        }
        "sigmoid" if float => {
            // 1 / (1 + exp(-x))
            let n = kb.unary("arith.negf", v[0]);
            let ex = kb.unary("math.exp", n);
            let one = kb.constant(ty, 1.0);
            let d = kb.binary("arith.addf", one, ex);
            kb.binary("arith.divf", one, d)
        }
        "reciprocal" if float => {
            let one = kb.constant(ty, 1.0);
            kb.binary("arith.divf", one, v[0])
        }
        "leaky_relu" if float => {
            let z = kb.constant(ty, 0.0);
            let a = kb.constant(ty, p.alpha);
            let ax = kb.binary("arith.mulf", a, v[0]);
            let lt = kb.cmp(true, cmpf::OLT, v[0], z);
            kb.select(lt, ax, v[0])
        }
        "prelu" if float => {
            let z = kb.constant(ty, 0.0);
            let ax = kb.binary("arith.mulf", v[1], v[0]);
            let lt = kb.cmp(true, cmpf::OLT, v[0], z);
            kb.select(lt, ax, v[0])
        }
        "elu" if float => {
            let z = kb.constant(ty, 0.0);
            let one = kb.constant(ty, 1.0);
            let a = kb.constant(ty, p.alpha);
            let ex = kb.unary("math.exp", v[0]);
            let em1 = kb.binary("arith.subf", ex, one);
            let neg = kb.binary("arith.mulf", a, em1);
            let lt = kb.cmp(true, cmpf::OLT, v[0], z);
            kb.select(lt, neg, v[0])
        }
        "selu" if float => {
            let z = kb.constant(ty, 0.0);
            let a = kb.constant(ty, p.alpha);
            let g = kb.constant(ty, p.gamma);
            let ex = kb.unary("math.exp", v[0]);
            let aex = kb.binary("arith.mulf", a, ex);
            let neg = kb.binary("arith.subf", aex, a);
            let le = kb.cmp(true, cmpf::OLE, v[0], z);
            let s = kb.select(le, neg, v[0]);
            kb.binary("arith.mulf", g, s)
        }
        "softplus" if float => {
            let ex = kb.unary("math.exp", v[0]);
            kb.unary("math.log1p", ex)
        }
        "hard_sigmoid" | "hard_swish" if float => {
            let (alpha, beta) = if kind == "hard_swish" {
                (1.0 / 6.0, 0.5)
            } else {
                (p.alpha, p.beta)
            };
            let a = kb.constant(ty, alpha);
            let b = kb.constant(ty, beta);
            let z = kb.constant(ty, 0.0);
            let one = kb.constant(ty, 1.0);
            let ax = kb.binary("arith.mulf", a, v[0]);
            let y = kb.binary("arith.addf", ax, b);
            let y = kb.binary("arith.maximumf", y, z);
            let y = kb.binary("arith.minimumf", y, one);
            if kind == "hard_swish" {
                kb.binary("arith.mulf", v[0], y)
            } else {
                y
            }
        }
        "gelu" if float => {
            let half = kb.constant(ty, 0.5);
            let one = kb.constant(ty, 1.0);
            let hx = kb.binary("arith.mulf", half, v[0]);
            let inner = if p.approximate_tanh {
                // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
                let c = kb.constant(ty, (2.0 / std::f64::consts::PI).sqrt());
                let k = kb.constant(ty, 0.044715);
                let x2 = kb.binary("arith.mulf", v[0], v[0]);
                let x3 = kb.binary("arith.mulf", x2, v[0]);
                let kx3 = kb.binary("arith.mulf", k, x3);
                let s = kb.binary("arith.addf", v[0], kx3);
                let cs = kb.binary("arith.mulf", c, s);
                kb.unary("math.tanh", cs)
            } else {
                let c = kb.constant(ty, std::f64::consts::FRAC_1_SQRT_2);
                let xs = kb.binary("arith.mulf", v[0], c);
                kb.unary("math.erf", xs)
            };
            let s = kb.binary("arith.addf", one, inner);
            kb.binary("arith.mulf", hx, s)
        }
        "sign" if float => {
            let z = kb.constant(ty, 0.0);
            let one = kb.constant(ty, 1.0);
            let m1 = kb.constant(ty, -1.0);
            let gt = kb.cmp(true, cmpf::OGT, v[0], z);
            let lt = kb.cmp(true, cmpf::OLT, v[0], z);
            let s = kb.select(lt, m1, v[0]);
            kb.select(gt, one, s)
        }
        "clip" => {
            // Clip(x, min?, max?): operands present in `v` in order; absent ones were skipped.
            let mut x = v[0];
            let cx_min = p.clip_min.then(|| v[1]);
            let cx_max = p.clip_max.then(|| v[if p.clip_min { 2 } else { 1 }]);
            if let Some(lo) = cx_min {
                let lt = if float {
                    kb.cmp(true, cmpf::OLT, x, lo)
                } else {
                    kb.cmp(false, if signed { cmpi::SLT } else { cmpi::ULT }, x, lo)
                };
                x = kb.select(lt, lo, x);
            }
            if let Some(hi) = cx_max {
                let gt = if float {
                    kb.cmp(true, cmpf::OGT, x, hi)
                } else {
                    kb.cmp(false, if signed { cmpi::SGT } else { cmpi::UGT }, x, hi)
                };
                x = kb.select(gt, hi, x);
            }
            x
        }
        "where" => kb.select(v[0], v[1], v[2]),
        "equal" | "less" | "greater" | "less_or_equal" | "greater_or_equal" => {
            let (fp, sp, up) = match kind {
                "equal" => (cmpf::OEQ, cmpi::EQ, cmpi::EQ),
                "less" => (cmpf::OLT, cmpi::SLT, cmpi::ULT),
                "greater" => (cmpf::OGT, cmpi::SGT, cmpi::UGT),
                "less_or_equal" => (cmpf::OLE, cmpi::SLE, cmpi::ULE),
                _ => (cmpf::OGE, cmpi::SGE, cmpi::UGE),
            };
            if float {
                kb.cmp(true, fp, v[0], v[1])
            } else if e == Elem::Bool {
                kb.cmp(false, up, v[0], v[1])
            } else {
                kb.cmp(false, if signed { sp } else { up }, v[0], v[1])
            }
        }
        "not" => {
            let t = kb.constant(ty, 1.0);
            kb.binary("arith.xori", v[0], t)
        }
        "and" => kb.binary("arith.andi", v[0], v[1]),
        "or" => kb.binary("arith.ori", v[0], v[1]),
        "xor" => kb.binary("arith.xori", v[0], v[1]),
        "cast" => convert(kb, v[0], e, out),
        _ => return Err(format!("{kind} on {e:?}")),
    };
    Ok(r)
}

fn bt_wider(kb: &Kb<'_>, a: flowc_ir::Type, b: flowc_ir::Type) -> bool {
    let w = |t| match kb.ctx.type_data(t) {
        flowc_ir::TypeData::Float(k) => k.width(),
        _ => 0,
    };
    w(a) > w(b)
}

/// `v0 op v1 op v2 ...`, left to right.
fn fold(kb: &mut Kb<'_>, v: &[Value], name: &str) -> Value {
    let mut acc = v[0];
    for &x in &v[1..] {
        acc = kb.binary(name, acc, x);
    }
    acc
}

/// Converts a compute value of kind `from` to the compute type of `to` (ONNX Cast semantics:
/// float -> int truncates toward zero; saturation of out-of-range values is not defined by ONNX).
pub fn convert(kb: &mut Kb<'_>, v: Value, from: Elem, to: Elem) -> Value {
    let tt = to.compute_type(kb.ctx);
    let ft = kb.value_type(v);
    if ft == tt && from != Elem::Bool && to != Elem::Bool {
        return v;
    }
    match (from, to) {
        (Elem::Float(_), Elem::Float(_)) => {
            let fw = width_of(kb, ft);
            let tw = width_of(kb, tt);
            if fw < tw {
                kb.cast("arith.extf", v, tt)
            } else if fw > tw {
                kb.cast("arith.truncf", v, tt)
            } else {
                v
            }
        }
        (Elem::Float(_), Elem::Int { signed, .. }) => kb.cast(
            if signed {
                "arith.fptosi"
            } else {
                "arith.fptoui"
            },
            v,
            tt,
        ),
        (Elem::Float(_), Elem::Bool) => {
            let z = kb.constant(ft, 0.0);
            kb.cmp(true, cmpf::UNE, v, z)
        }
        (Elem::Int { signed, .. }, Elem::Float(_)) => kb.cast(
            if signed {
                "arith.sitofp"
            } else {
                "arith.uitofp"
            },
            v,
            tt,
        ),
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

fn width_of(kb: &Kb<'_>, t: flowc_ir::Type) -> u32 {
    match kb.ctx.type_data(t) {
        flowc_ir::TypeData::Float(k) => k.width(),
        flowc_ir::TypeData::Integer { width, .. } => *width,
        _ => 64,
    }
}
