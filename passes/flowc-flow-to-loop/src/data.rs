//! Data movement and indexing ops with static result shapes: Transpose, Concat, Split, Slice,
//! Expand, Tile, Pad, Gather, GatherElements, GatherND, Scatter(Elements), ScatterND,
//! DepthToSpace, SpaceToDepth, Trilu, OneHot, Range, ConstantOfShape, EyeLike, CumSum, CumProd,
//! ReverseSequence, Compress, Dropout (inference), Shape, Size; semantics of
//! crates/flowc-interp/src/ops/{shape,index,reduce}.rs.
//!
//! Most are "gathers": each result element is one input element found by index arithmetic,
//! built as a loop nest over the result (parallel over the leading dims and chunks of the
//! contiguous last dim) that copies storage values unchanged. Runtime indices are wrapped
//! (negative from the end) and clamped into range, so that compiled code never reads or writes
//! out of bounds where the interpreter reports an error. Scatters copy the data, then apply the
//! updates in the interpreter's order in a one-task kernel.

use crate::OpCx;
use crate::builder::{Elem, Kb, cmpi};
use crate::common::{self, seq_nest};
use crate::elementwise::{broadcast_index, chunked_nest};
use flowc_flow::slice_view;
use flowc_ir::{Context, Diagnostic, Value};

type Lower = fn(&mut Context, &mut OpCx<'_, '_>) -> Result<(), Diagnostic>;

pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    let f: Lower = match name {
        "flow.transpose" => transpose,
        "flow.concat" => concat,
        "flow.split" => split,
        "flow.slice" => slice,
        "flow.expand" => expand,
        "flow.tile" => tile,
        "flow.pad" => pad,
        "flow.gather" => gather,
        "flow.gather_elements" => gather_elements,
        "flow.gather_nd" => gather_nd,
        "flow.scatter" | "flow.scatter_elements" => scatter_elements,
        "flow.scatter_nd" => scatter_nd,
        "flow.depth_to_space" => |c, x| space_depth(c, x, true),
        "flow.space_to_depth" => |c, x| space_depth(c, x, false),
        "flow.trilu" => trilu,
        "flow.one_hot" => one_hot,
        "flow.range" => range,
        "flow.constant_of_shape" => constant_of_shape,
        "flow.eye_like" => eye_like,
        "flow.cum_sum" => |c, x| cumulate(c, x, false),
        "flow.cum_prod" => |c, x| cumulate(c, x, true),
        "flow.reverse_sequence" => reverse_sequence,
        "flow.compress" => compress,
        "flow.dropout" => dropout,
        "flow.shape" | "flow.size" => shape_like,
        _ => return Ok(false),
    };
    common::require_static(ctx, cx)?;
    f(ctx, cx)?;
    Ok(true)
}

/// A kernel `hint` over the result `out` (shape `shape`): `value(kb, args, idx)` gives the
/// storage value of the element at `idx`; `args` are `ins` then `out`.
fn gather_kernel(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    hint: &str,
    ins: &[Value],
    out: Value,
    shape: &[i64],
    value: &mut common::ValueAt<'_>,
) -> Result<(), Diagnostic> {
    let mut args = ins.to_vec();
    args.push(out);
    cx.kernel(ctx, hint, &args, |kb, a| {
        let o = a[a.len() - 1];
        chunked_nest(kb, shape, &mut |kb, idx| {
            let v = value(kb, a, idx);
            kb.store(v, o, idx);
        });
        Ok(())
    })
}

fn transpose(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    let perm: Vec<usize> = match cx.attr_ints(ctx, "perm") {
        Some(p) => {
            let mut v = Vec::new();
            for a in p {
                v.push(common::norm_axis(ctx, cx, a, r)?);
            }
            v
        }
        None => (0..r).rev().collect(),
    };
    let mut sorted = perm.clone();
    sorted.sort_unstable();
    if sorted != (0..r).collect::<Vec<_>>() {
        return Err(cx.unsupported(ctx, format!("perm {perm:?}")));
    }
    let o = cx.result_shape(ctx, 0);
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    gather_kernel(ctx, cx, "transpose", &[x], y, &o, &mut |kb, a, idx| {
        let mut ii = vec![idx[0]; r];
        for (i, &p) in perm.iter().enumerate() {
            ii[p] = idx[i];
        }
        let _ = &kb;
        kb.load(a[0], &ii)
    })
}

/// `[outer, d * inner]` around `axis` (the 2-D view that makes a slab along `axis` contiguous).
fn slab(s: &[i64], axis: usize) -> (i64, i64) {
    let outer: i64 = s[..axis].iter().product();
    let rest: i64 = s[axis..].iter().product();
    (outer, rest)
}

fn concat(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let o = cx.result_shape(ctx, 0);
    let r = o.len();
    let Some(a) = cx.attr(ctx, "axis").and_then(|a| ctx.int_value(a)) else {
        return Err(cx.unsupported(ctx, "a missing axis"));
    };
    let axis = common::norm_axis(ctx, cx, a as i64, r)?;
    let inner: i64 = o[axis + 1..].iter().product();
    let (outer, orow) = slab(&o, axis);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[outer, orow]);
    let mut off = 0i64;
    for i in 0..ctx.num_operands(cx.op) {
        let s = cx.operand_shape(ctx, i);
        let (_, row) = slab(&s, axis);
        if outer * row > 0 {
            let x = cx.input(ctx, i)?;
            let xv = cx.view(ctx, x, &[outer, row]);
            let base = off * inner;
            cx.kernel(ctx, "concat", &[xv, yv], |kb, a| {
                chunked_nest(kb, &[outer, row], &mut |kb, idx| {
                    let v = kb.load(a[0], idx);
                    let j = common::add_const(kb, idx[1], base);
                    kb.store(v, a[1], &[idx[0], j]);
                });
                Ok(())
            })?;
        }
        off += s[axis];
    }
    Ok(())
}

fn split(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", 0), s.len())?;
    let inner: i64 = s[axis + 1..].iter().product();
    let (outer, xrow) = slab(&s, axis);
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, xrow]);
    let mut off = 0i64;
    for k in 0..ctx.num_results(cx.op) {
        let Ok(y) = cx.output(ctx, k) else {
            continue;
        };
        let o = cx.result_shape(ctx, k);
        let (_, row) = slab(&o, axis);
        if outer * row > 0 {
            let yv = cx.view(ctx, y, &[outer, row]);
            let base = off * inner;
            cx.kernel(ctx, "split", &[xv, yv], |kb, a| {
                chunked_nest(kb, &[outer, row], &mut |kb, idx| {
                    let j = common::add_const(kb, idx[1], base);
                    let v = kb.load(a[0], &[idx[0], j]);
                    kb.store(v, a[1], idx);
                });
                Ok(())
            })?;
        }
        off += o[axis];
    }
    if off != s[axis] {
        return Err(cx.unsupported(ctx, "results that do not cover the input"));
    }
    Ok(())
}

/// ONNX Slice's clamped start and element count on a dim of size `d`.
fn slice_range(start: i64, end: i64, step: i64, d: i64) -> (i64, i64) {
    let (d, step) = (d as i128, step as i128);
    let norm = |v: i64| if v < 0 { v as i128 + d } else { v as i128 };
    let (s, e) = (norm(start), norm(end));
    let (s, e) = if step > 0 {
        (s.clamp(0, d), e.clamp(0, d))
    } else {
        (s.clamp(-1, d - 1), e.clamp(-1, d - 1))
    };
    let count = if step > 0 {
        if e > s { (e - s + step - 1) / step } else { 0 }
    } else if s > e {
        (s - e - step - 1) / (-step)
    } else {
        0
    };
    (s as i64, count as i64)
}

/// A 1-D integer operand of Slice / Pad: known at compile time, or an input the kernel reads.
enum Ints {
    Const(Vec<i64>),
    /// Position among the kernel's arguments and element kind.
    Arg(usize, Elem),
}

impl Ints {
    /// Element `k` as an `index`.
    fn at(&self, kb: &mut Kb<'_>, a: &[Value], k: usize) -> Value {
        match self {
            Ints::Const(v) => kb.index(v[k]),
            Ints::Arg(pos, e) => {
                let kv = kb.index(k as i64);
                load_index(kb, *e, a[*pos], &[kv])
            }
        }
    }
}

/// Operand `i` of a Slice / Pad whose integer operands are not all constant: its values, or
/// the next kernel argument (pushed to `ins`); its length must be `len` when given.
fn runtime_ints(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    i: usize,
    ins: &mut Vec<Value>,
    what: &str,
) -> Result<(Ints, usize), Diagnostic> {
    if let Some(v) = common::const_ints(ctx, cx, i) {
        let n = v.len();
        return Ok((Ints::Const(v), n));
    }
    let sh = cx.operand_shape(ctx, i);
    if sh.len() != 1 {
        return Err(cx.unsupported(ctx, format!("runtime {what} of rank {}", sh.len())));
    }
    let e = cx.operand_elem(ctx, i)?;
    if !matches!(e, Elem::Int { .. }) {
        return Err(cx.unsupported(ctx, format!("runtime {what} that are not integers")));
    }
    ins.push(cx.input(ctx, i)?);
    Ok((Ints::Arg(ins.len() - 1, e), sh[0] as usize))
}

/// Whether entry `k` of `axes` (constant or runtime) names dim `d` of a rank-`r` tensor:
/// `Some(true / false)` when known at compile time, else an `i1`.
fn axis_hit(
    kb: &mut Kb<'_>,
    a: &[Value],
    axes: &Ints,
    k: usize,
    d: usize,
    r: usize,
) -> Option<Value> {
    match axes {
        Ints::Const(v) => {
            let ax = if v[k] < 0 { v[k] + r as i64 } else { v[k] };
            if ax == d as i64 {
                let i1 = kb.ctx.i1_type();
                Some(kb.constant(i1, 1.0))
            } else {
                None
            }
        }
        Ints::Arg(..) => {
            let av = axes.at(kb, a, k);
            Some(axis_is(kb, av, d, r))
        }
    }
}

/// Slice with starts / steps / axes read at run time (the static result shape fixes the
/// counts, so ends are not needed): each dim's first index and step are computed per kernel as
/// the interpreter's `slice_range` does (normalized, clamped by the step's sign, the last entry
/// naming an axis winning), and source indices are clamped into the input.
fn slice_runtime(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    let out = cx.result_shape(ctx, 0);
    if out.len() != r {
        return Err(cx.unsupported(ctx, "a result of another rank"));
    }
    let mut ins = vec![cx.input(ctx, 0)?];
    let (starts, n) = runtime_ints(ctx, cx, 1, &mut ins, "starts")?;
    let ne = cx.operand_shape(ctx, 2).first().copied().unwrap_or(-1);
    let (axes, na) = if cx.has_operand(ctx, 3) {
        runtime_ints(ctx, cx, 3, &mut ins, "axes")?
    } else {
        (Ints::Const((0..n as i64).collect()), n)
    };
    let (steps, ns) = if cx.has_operand(ctx, 4) {
        runtime_ints(ctx, cx, 4, &mut ins, "steps")?
    } else {
        (Ints::Const(vec![1; n]), n)
    };
    if ne != n as i64 || na != n || ns != n {
        return Err(cx.unsupported(ctx, "starts / ends / axes / steps of different lengths"));
    }
    if let Ints::Const(v) = &axes {
        for &x in v {
            common::norm_axis(ctx, cx, x, r)?;
        }
    }
    let y = cx.output(ctx, 0)?;
    if s.contains(&0) {
        return Ok(());
    }
    gather_kernel(ctx, cx, "slice", &ins, y, &out, &mut |kb, a, idx| {
        let mut ii = Vec::with_capacity(r);
        for d in 0..r {
            let mut begin: Option<Value> = None;
            let mut step: Option<Value> = None;
            for k in 0..n {
                let Some(hit) = axis_hit(kb, a, &axes, k, d, r) else {
                    continue;
                };
                let sv = starts.at(kb, a, k);
                let st = steps.at(kb, a, k);
                let z = kb.index(0);
                let dv = kb.index(s[d]);
                let neg = kb.cmp(false, cmpi::SLT, sv, z);
                let plus = kb.addi(sv, dv);
                let b = kb.select(neg, plus, sv);
                let up = common::clamp_index(kb, b, 0, s[d]);
                let down = common::clamp_index(kb, b, -1, s[d] - 1);
                let fwd = kb.cmp(false, cmpi::SGT, st, z);
                let b = kb.select(fwd, up, down);
                let b0 = begin.unwrap_or_else(|| kb.index(0));
                let s0 = step.unwrap_or_else(|| kb.index(1));
                begin = Some(kb.select(hit, b, b0));
                step = Some(kb.select(hit, st, s0));
            }
            ii.push(match (begin, step) {
                (Some(b), Some(st)) => {
                    let t = kb.muli(idx[d], st);
                    let p = kb.addi(t, b);
                    common::clamp_index(kb, p, 0, s[d] - 1)
                }
                _ => idx[d],
            });
        }
        kb.load(a[0], &ii)
    })
}

/// Where a `flow.slice` is a contiguous run of its operand's row-major bytes: the byte offset of
/// that run, for a `buffer.view` at an offset instead of a copy kernel (the Q / K / V slices of a
/// merged projection, a Split along the outermost axis, ...). `constant` gives the value of a
/// `flow.constant` result.
///
/// Starts / ends / axes / steps must be constants and the types static; the rule (steps 1, one
/// run, an offset aligned for a kernel argument) is flowc_flow's
/// [`contiguous_run`](flowc_flow::slice_view::contiguous_run), which flow-saturate's cost model
/// asks too. `None` otherwise (an empty result included): the gather kernel of [`slice`] copies
/// it.
pub(crate) fn contiguous_slice(
    ctx: &Context,
    op: flowc_ir::Op,
    constant: &dyn Fn(Value) -> Option<flowc_ir::Attribute>,
) -> Option<u64> {
    let n = ctx.num_operands(op);
    let ints = |i: usize| -> Option<Option<Vec<i64>>> {
        if i >= n {
            return Some(None);
        }
        let v = ctx.operand(op, i);
        if matches!(ctx.type_data(ctx.value_type(v)), flowc_ir::TypeData::None) {
            return Some(None);
        }
        flowc_flow::dense_i64s(ctx, constant(v)?).map(Some)
    };
    let s = ctx.shape(ctx.value_type(ctx.operand(op, 0)))?.to_vec();
    let out = ctx.shape(ctx.value_type(ctx.result(op, 0)))?.to_vec();
    let elem = ctx.element_type(ctx.value_type(ctx.operand(op, 0)))?;
    let width = ctx.scalar_byte_width(elem)? as u64;
    let starts = ints(1)??;
    let ends = ints(2)??;
    let (axes, steps) = (ints(3)?, ints(4)?);
    let (axes, steps) = (axes.as_deref(), steps.as_deref());
    // The view takes the result's type: it must be the box's (shape inference makes it so; a
    // view of another size would go unnoticed).
    let (_, count) = slice_view::slice_box(&s, &starts, &ends, axes, steps)?;
    if count != out {
        return None;
    }
    slice_view::contiguous_run(&s, width, &starts, &ends, axes, steps)
}

fn slice(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    let runtime = (1..5)
        .any(|i| i != 2 && cx.has_operand(ctx, i) && common::const_ints(ctx, cx, i).is_none());
    if runtime || common::const_ints(ctx, cx, 2).is_none() {
        return slice_runtime(ctx, cx);
    }
    let need = |i: usize, what: &str| {
        common::const_ints(ctx, cx, i).ok_or_else(|| cx.unsupported(ctx, format!("runtime {what}")))
    };
    let starts = need(1, "starts")?;
    let ends = need(2, "ends")?;
    let axes: Vec<i64> = if cx.has_operand(ctx, 3) {
        need(3, "axes")?
    } else {
        (0..starts.len() as i64).collect()
    };
    let steps: Vec<i64> = if cx.has_operand(ctx, 4) {
        need(4, "steps")?
    } else {
        vec![1; starts.len()]
    };
    if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
        return Err(cx.unsupported(ctx, "starts / ends / axes / steps of different lengths"));
    }
    let mut begin = vec![0i64; r];
    let mut step = vec![1i64; r];
    let mut out = s.clone();
    for k in 0..axes.len() {
        let a = common::norm_axis(ctx, cx, axes[k], r)?;
        if steps[k] == 0 {
            return Err(cx.unsupported(ctx, "step 0"));
        }
        let (b, c) = slice_range(starts[k], ends[k], steps[k], s[a]);
        begin[a] = b;
        step[a] = steps[k];
        out[a] = c;
    }
    if out != cx.result_shape(ctx, 0) {
        return Err(cx.unsupported(ctx, "a result shape that differs from the slice's"));
    }
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    gather_kernel(ctx, cx, "slice", &[x], y, &out, &mut |kb, a, idx| {
        let ii: Vec<Value> = (0..r)
            .map(|d| {
                let t = kb.mul_add_index(idx[d], step[d], None);
                common::add_const(kb, t, begin[d])
            })
            .collect();
        kb.load(a[0], &ii)
    })
}

fn expand(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let o = cx.result_shape(ctx, 0);
    if s.len() > o.len() {
        return Err(cx.unsupported(ctx, "a result of lower rank"));
    }
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    gather_kernel(ctx, cx, "expand", &[x], y, &o, &mut |kb, a, idx| {
        let bi = broadcast_index(kb, idx, &s, &o);
        kb.load(a[0], &bi)
    })
}

fn tile(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let o = cx.result_shape(ctx, 0);
    if s.len() != o.len() {
        return Err(cx.unsupported(ctx, "a result of another rank"));
    }
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    gather_kernel(ctx, cx, "tile", &[x], y, &o, &mut |kb, a, idx| {
        let ii: Vec<Value> = (0..s.len())
            .map(|d| {
                if s[d] == o[d] {
                    idx[d]
                } else if s[d] == 1 {
                    kb.index(0)
                } else {
                    let dv = kb.index(s[d]);
                    kb.binary("arith.remui", idx[d], dv)
                }
            })
            .collect();
        kb.load(a[0], &ii)
    })
}

/// Euclidean remainder of a signed index by a positive constant.
fn rem_euclid(kb: &mut Kb<'_>, p: Value, m: i64) -> Value {
    let mv = kb.index(m);
    let r = kb.binary("arith.remsi", p, mv);
    let z = kb.index(0);
    let neg = kb.cmp(false, cmpi::SLT, r, z);
    let rm = kb.addi(r, mv);
    kb.select(neg, rm, r)
}

fn pad(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    let mode = cx.attr_str(ctx, "mode").unwrap_or("constant").to_string();
    if !matches!(mode.as_str(), "constant" | "edge" | "reflect" | "wrap") {
        return Err(cx.unsupported(ctx, format!("mode {mode}")));
    }
    let o = cx.result_shape(ctx, 0);
    let e = cx.operand_elem(ctx, 0)?;
    if mode != "constant" && s.contains(&0) && !o.contains(&0) {
        return Err(cx.unsupported(ctx, format!("mode {mode} on an empty input")));
    }
    let has_c = cx.has_operand(ctx, 2) && cx.operand_shape(ctx, 2).iter().product::<i64>() > 0;
    let mut ins = vec![cx.input(ctx, 0)?];
    if has_c {
        let c = cx.input(ctx, 2)?;
        let n = cx.operand_shape(ctx, 2).iter().product::<i64>();
        ins.push(cx.view(ctx, c, &[n]));
    }
    // Pads and axes read at run time: each dim's leading pad is found by the kernel (the last
    // entry naming an axis wins, as in the interpreter); the static result shape fixes the rest.
    let (pads, np) = runtime_ints(ctx, cx, 1, &mut ins, "pads")?;
    let (axes, na) = if cx.has_operand(ctx, 3) {
        runtime_ints(ctx, cx, 3, &mut ins, "axes")?
    } else {
        (Ints::Const((0..r as i64).collect()), r)
    };
    if np != 2 * na {
        return Err(cx.unsupported(ctx, "pads of the wrong length"));
    }
    let mut before: Option<Vec<i64>> = None;
    if let Ints::Const(av) = &axes {
        for &x in av {
            common::norm_axis(ctx, cx, x, r)?;
        }
        if let Ints::Const(pv) = &pads {
            let mut b = vec![0i64; r];
            for (k, &x) in av.iter().enumerate() {
                b[common::norm_axis(ctx, cx, x, r)?] = pv[k];
            }
            before = Some(b);
        }
    }
    let y = cx.output(ctx, 0)?;
    gather_kernel(ctx, cx, "pad", &ins, y, &o, &mut |kb, a, idx| {
        let i1 = kb.ctx.i1_type();
        let mut inside = kb.constant(i1, 1.0);
        let mut ii = Vec::with_capacity(r);
        for d in 0..r {
            let p = match &before {
                Some(b) if b[d] == 0 && o[d] == s[d] => None,
                Some(b) => Some(common::add_const(kb, idx[d], -b[d])),
                None => {
                    let mut lead: Option<Value> = None;
                    for k in 0..na {
                        let Some(hit) = axis_hit(kb, a, &axes, k, d, r) else {
                            continue;
                        };
                        let pv = pads.at(kb, a, k);
                        let l0 = lead.unwrap_or_else(|| kb.index(0));
                        lead = Some(kb.select(hit, pv, l0));
                    }
                    lead.map(|l| kb.subi(idx[d], l))
                }
            };
            let Some(p) = p else {
                ii.push(idx[d]);
                continue;
            };
            let dd = s[d];
            let q = match mode.as_str() {
                "constant" => {
                    let z = kb.index(0);
                    let dv = kb.index(dd);
                    let ge = kb.cmp(false, cmpi::SGE, p, z);
                    let lt = kb.cmp(false, cmpi::SLT, p, dv);
                    let ok = common::and(kb, ge, lt);
                    inside = common::and(kb, inside, ok);
                    common::clamp_index(kb, p, 0, dd - 1)
                }
                "edge" => common::clamp_index(kb, p, 0, dd - 1),
                "wrap" => rem_euclid(kb, p, dd),
                _ => {
                    if dd == 1 {
                        kb.index(0)
                    } else {
                        let period = 2 * (dd - 1);
                        let q = rem_euclid(kb, p, period);
                        let dv = kb.index(dd);
                        let big = kb.cmp(false, cmpi::SGE, q, dv);
                        let pv = kb.index(period);
                        let m = kb.binary("arith.subi", pv, q);
                        kb.select(big, m, q)
                    }
                }
            };
            ii.push(q);
        }
        if s.contains(&0) {
            // Everything is padding.
            return pad_value(kb, e, a, has_c);
        }
        let v = kb.load(a[0], &ii);
        if mode == "constant" && ii.iter().zip(idx).any(|(x, y)| x != y) {
            let c = pad_value(kb, e, a, has_c);
            kb.select(inside, v, c)
        } else {
            v
        }
    })
}

/// Pad's constant value (operand 2's first element, else zero) as a storage value.
fn pad_value(kb: &mut Kb<'_>, e: Elem, a: &[Value], has_c: bool) -> Value {
    if has_c {
        let z = kb.index(0);
        kb.load(a[1], &[z])
    } else {
        let st = e.storage_type(kb.ctx);
        kb.constant(st, 0.0)
    }
}

/// An element of an integer index tensor as an `index`.
fn load_index(kb: &mut Kb<'_>, e: Elem, m: Value, idx: &[Value]) -> Value {
    let v = kb.load_elem(e, m, idx);
    common::to_index(kb, e, v)
}

fn gather(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", 0), s.len())?;
    let ie = cx.operand_elem(ctx, 1)?;
    let nind: i64 = cx.operand_shape(ctx, 1).iter().product();
    let outer: i64 = s[..axis].iter().product();
    let d = s[axis];
    let inner: i64 = s[axis + 1..].iter().product();
    if d == 0 && nind > 0 {
        return Err(cx.unsupported(ctx, "gathering from an empty axis"));
    }
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, d, inner]);
    let ind = cx.input(ctx, 1)?;
    let iv = cx.view(ctx, ind, &[nind]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[outer, nind, inner]);
    gather_kernel(
        ctx,
        cx,
        "gather",
        &[xv, iv],
        yv,
        &[outer, nind, inner],
        &mut |kb, a, idx| {
            let j = load_index(kb, ie, a[1], &[idx[1]]);
            let j = common::wrap_index(kb, j, d);
            kb.load(a[0], &[idx[0], j, idx[2]])
        },
    )
}

fn gather_elements(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let is = cx.operand_shape(ctx, 1);
    if s.is_empty() || is.len() != s.len() {
        return Err(cx.unsupported(ctx, "indices of another rank than the data"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", 0), s.len())?;
    let ie = cx.operand_elem(ctx, 1)?;
    let x = cx.input(ctx, 0)?;
    let ind = cx.input(ctx, 1)?;
    let y = cx.output(ctx, 0)?;
    let d = s[axis];
    gather_kernel(
        ctx,
        cx,
        "gather_elements",
        &[x, ind],
        y,
        &is,
        &mut |kb, a, idx| {
            let j = load_index(kb, ie, a[1], idx);
            let j = common::wrap_index(kb, j, d);
            let mut ii = idx.to_vec();
            ii[axis] = j;
            for k in 0..ii.len() {
                if k != axis && is[k] > s[k] {
                    ii[k] = common::clamp_index(kb, ii[k], 0, s[k] - 1);
                }
            }
            kb.load(a[0], &ii)
        },
    )
}

fn gather_nd(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let is = cx.operand_shape(ctx, 1);
    let b = cx.attr_i64(ctx, "batch_dims", 0).max(0) as usize;
    let ir = is.len();
    if ir == 0 {
        return Err(cx.unsupported(ctx, "rank-0 indices"));
    }
    let k = is[ir - 1] as usize;
    if b >= ir || b + k > s.len() || is[..b] != s[..b] {
        return Err(cx.unsupported(ctx, "indices that do not fit the data"));
    }
    let ie = cx.operand_elem(ctx, 1)?;
    let nb: i64 = s[..b].iter().product();
    let t: i64 = is[b..ir - 1].iter().product();
    let sl: i64 = s[b + k..].iter().product();
    let mut xshape = vec![nb];
    xshape.extend_from_slice(&s[b..b + k]);
    xshape.push(sl);
    let dims: Vec<i64> = s[b..b + k].to_vec();
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &xshape);
    let ind = cx.input(ctx, 1)?;
    let iv = cx.view(ctx, ind, &[nb, t, k as i64]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[nb, t, sl]);
    gather_kernel(
        ctx,
        cx,
        "gather_nd",
        &[xv, iv],
        yv,
        &[nb, t, sl],
        &mut |kb, a, idx| {
            let mut ii = vec![idx[0]];
            for (j, &dd) in dims.iter().enumerate() {
                let jv = kb.index(j as i64);
                let v = load_index(kb, ie, a[1], &[idx[0], idx[1], jv]);
                ii.push(common::wrap_index(kb, v, dd));
            }
            ii.push(idx[2]);
            kb.load(a[0], &ii)
        },
    )
}

#[derive(Copy, Clone, PartialEq)]
enum Red {
    None,
    Add,
    Mul,
    Max,
    Min,
}

fn reduction(ctx: &Context, cx: &OpCx<'_, '_>) -> Result<Red, Diagnostic> {
    Ok(match cx.attr_str(ctx, "reduction").unwrap_or("none") {
        "none" => Red::None,
        "add" => Red::Add,
        "mul" => Red::Mul,
        "max" => Red::Max,
        "min" => Red::Min,
        o => return Err(cx.unsupported(ctx, format!("reduction {o}"))),
    })
}

/// `old (op) new` on compute values, the interpreter's `combine`.
fn combine(kb: &mut Kb<'_>, e: Elem, red: Red, old: Value, new: Value) -> Value {
    let float = e.is_float();
    match red {
        Red::None => new,
        Red::Add if e == Elem::Bool => kb.binary("arith.ori", old, new),
        Red::Mul if e == Elem::Bool => kb.binary("arith.andi", old, new),
        Red::Add => kb.binary(if float { "arith.addf" } else { "arith.addi" }, old, new),
        Red::Mul => kb.binary(if float { "arith.mulf" } else { "arith.muli" }, old, new),
        Red::Max => common::max_nan(kb, e, old, new, true),
        Red::Min => common::max_nan(kb, e, old, new, false),
    }
}

/// `y = x`, contiguous and chunked.
fn copy_kernel(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    x: Value,
    y: Value,
    n: i64,
) -> Result<(), Diagnostic> {
    let xv = cx.view(ctx, x, &[n]);
    let yv = cx.view(ctx, y, &[n]);
    cx.kernel(ctx, "copy", &[xv, yv], |kb, a| {
        chunked_nest(kb, &[n], &mut |kb, idx| {
            let v = kb.load(a[0], idx);
            kb.store(v, a[1], idx);
        });
        Ok(())
    })
}

fn scatter_elements(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let is = cx.operand_shape(ctx, 1);
    if s.is_empty() || is.len() != s.len() || cx.operand_shape(ctx, 2) != is {
        return Err(cx.unsupported(ctx, "indices / updates that do not match the data"));
    }
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", 0), s.len())?;
    let red = reduction(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let ie = cx.operand_elem(ctx, 1)?;
    let x = cx.input(ctx, 0)?;
    let ind = cx.input(ctx, 1)?;
    let upd = cx.input(ctx, 2)?;
    let y = cx.output(ctx, 0)?;
    let n: i64 = s.iter().product();
    copy_kernel(ctx, cx, x, y, n)?;
    cx.kernel(ctx, "scatter_elements", &[ind, upd, y], |kb, a| {
        seq_nest(kb, &is, &mut |kb, idx| {
            let j = load_index(kb, ie, a[0], idx);
            let j = common::wrap_index(kb, j, s[axis]);
            let mut ii = idx.to_vec();
            ii[axis] = j;
            for k in 0..ii.len() {
                if k != axis && is[k] > s[k] {
                    ii[k] = common::clamp_index(kb, ii[k], 0, s[k] - 1);
                }
            }
            let u = kb.load_elem(e, a[1], idx);
            let v = if red == Red::None {
                u
            } else {
                let old = kb.load_elem(e, a[2], &ii);
                combine(kb, e, red, old, u)
            };
            kb.store_elem(e, v, a[2], &ii);
        });
        Ok(())
    })
}

fn scatter_nd(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let is = cx.operand_shape(ctx, 1);
    let ir = is.len();
    if ir == 0 {
        return Err(cx.unsupported(ctx, "rank-0 indices"));
    }
    let k = is[ir - 1] as usize;
    if k > s.len() {
        return Err(cx.unsupported(ctx, "index tuples longer than the data's rank"));
    }
    let red = reduction(ctx, cx)?;
    let e = cx.operand_elem(ctx, 0)?;
    let ie = cx.operand_elem(ctx, 1)?;
    let t: i64 = is[..ir - 1].iter().product();
    let sl: i64 = s[k..].iter().product();
    let mut xshape: Vec<i64> = s[..k].to_vec();
    xshape.push(sl);
    let dims: Vec<i64> = s[..k].to_vec();
    let x = cx.input(ctx, 0)?;
    let ind = cx.input(ctx, 1)?;
    let upd = cx.input(ctx, 2)?;
    if cx.operand_shape(ctx, 2).iter().product::<i64>() != t * sl {
        return Err(cx.unsupported(ctx, "updates of the wrong size"));
    }
    let y = cx.output(ctx, 0)?;
    let n: i64 = s.iter().product();
    copy_kernel(ctx, cx, x, y, n)?;
    let iv = cx.view(ctx, ind, &[t, k as i64]);
    let uv = cx.view(ctx, upd, &[t, sl]);
    let yv = cx.view(ctx, y, &xshape);
    cx.kernel(ctx, "scatter_nd", &[iv, uv, yv], |kb, a| {
        if dims.contains(&0) {
            return Ok(());
        }
        kb.for_range(t, |kb, ti| {
            let mut ii = Vec::new();
            for (j, &dd) in dims.iter().enumerate() {
                let jv = kb.index(j as i64);
                let v = load_index(kb, ie, a[0], &[ti, jv]);
                ii.push(common::wrap_index(kb, v, dd));
            }
            kb.for_range(sl, |kb, q| {
                let mut yi = ii.clone();
                yi.push(q);
                let u = kb.load_elem(e, a[1], &[ti, q]);
                let v = if red == Red::None {
                    u
                } else {
                    let old = kb.load_elem(e, a[2], &yi);
                    combine(kb, e, red, old, u)
                };
                kb.store_elem(e, v, a[2], &yi);
            });
        });
        Ok(())
    })
}

/// DepthToSpace (`d2s`) and SpaceToDepth, modes DCR and CRD.
fn space_depth(ctx: &mut Context, cx: &mut OpCx<'_, '_>, d2s: bool) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    if s.len() != 4 {
        return Err(cx.unsupported(ctx, "an input of rank other than 4"));
    }
    let b = cx.attr_i64(ctx, "blocksize", 0);
    if b <= 0 {
        return Err(cx.unsupported(ctx, format!("blocksize {b}")));
    }
    let dcr = match cx.attr_str(ctx, "mode").unwrap_or("DCR") {
        "DCR" => true,
        "CRD" => false,
        o => return Err(cx.unsupported(ctx, format!("mode {o}"))),
    };
    let o = cx.result_shape(ctx, 0);
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let hint = if d2s {
        "depth_to_space"
    } else {
        "space_to_depth"
    };
    gather_kernel(ctx, cx, hint, &[x], y, &o, &mut |kb, a, idx| {
        let (n, c, h, w) = (idx[0], idx[1], idx[2], idx[3]);
        let bv = kb.index(b);
        if d2s {
            let c2 = o[1];
            let hh = kb.binary("arith.divui", h, bv);
            let i = kb.binary("arith.remui", h, bv);
            let ww = kb.binary("arith.divui", w, bv);
            let j = kb.binary("arith.remui", w, bv);
            let ij = kb.mul_add_index(i, b, Some(j));
            let ch = if dcr {
                kb.mul_add_index(ij, c2, Some(c))
            } else {
                kb.mul_add_index(c, b * b, Some(ij))
            };
            kb.load(a[0], &[n, ch, hh, ww])
        } else {
            let cin = s[1];
            let (i, j, ch) = if dcr {
                let cv = kb.index(cin);
                let ij = kb.binary("arith.divui", c, cv);
                let ch = kb.binary("arith.remui", c, cv);
                let i = kb.binary("arith.divui", ij, bv);
                let j = kb.binary("arith.remui", ij, bv);
                (i, j, ch)
            } else {
                let bb = kb.index(b * b);
                let ch = kb.binary("arith.divui", c, bb);
                let ij = kb.binary("arith.remui", c, bb);
                let i = kb.binary("arith.divui", ij, bv);
                let j = kb.binary("arith.remui", ij, bv);
                (i, j, ch)
            };
            let hh = kb.mul_add_index(h, b, Some(i));
            let ww = kb.mul_add_index(w, b, Some(j));
            kb.load(a[0], &[n, ch, hh, ww])
        }
    })
}

fn trilu(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    if r < 2 {
        return Err(cx.unsupported(ctx, "an input of rank < 2"));
    }
    let upper = cx.attr_i64(ctx, "upper", 1) != 0;
    let e = cx.operand_elem(ctx, 0)?;
    let mut ins = vec![cx.input(ctx, 0)?];
    let has_k = cx.has_operand(ctx, 1);
    let ke = if has_k {
        Some(cx.operand_elem(ctx, 1)?)
    } else {
        None
    };
    if has_k {
        let k = cx.input(ctx, 1)?;
        let n: i64 = cx.operand_shape(ctx, 1).iter().product();
        if n != 1 {
            return Err(cx.unsupported(ctx, "k with other than one element"));
        }
        ins.push(cx.view(ctx, k, &[1]));
    }
    let y = cx.output(ctx, 0)?;
    gather_kernel(ctx, cx, "trilu", &ins, y, &s, &mut |kb, a, idx| {
        let k = match ke {
            Some(ke) => {
                let z = kb.index(0);
                load_index(kb, ke, a[1], &[z])
            }
            None => kb.index(0),
        };
        let i = idx[r - 2];
        let j = idx[r - 1];
        let dji = kb.binary("arith.subi", j, i);
        let keep = kb.cmp(false, if upper { cmpi::SGE } else { cmpi::SLE }, dji, k);
        let v = kb.load(a[0], idx);
        let st = e.storage_type(kb.ctx);
        let z = kb.constant(st, 0.0);
        kb.select(keep, v, z)
    })
}

fn one_hot(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let is = cx.operand_shape(ctx, 0);
    let o = cx.result_shape(ctx, 0);
    let axis = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "axis", -1), is.len() + 1)?;
    let depth = o[axis];
    let outer: i64 = o[..axis].iter().product();
    let inner: i64 = o[axis + 1..].iter().product();
    if cx.operand_shape(ctx, 2).iter().product::<i64>() != 2 {
        return Err(cx.unsupported(ctx, "values with other than two elements"));
    }
    let ie = cx.operand_elem(ctx, 0)?;
    let ind = cx.input(ctx, 0)?;
    let iv = cx.view(ctx, ind, &[outer, inner]);
    let vals = cx.input(ctx, 2)?;
    let vv = cx.view(ctx, vals, &[2]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[outer, depth, inner]);
    let i64e = Elem::Int {
        width: 64,
        signed: true,
    };
    gather_kernel(
        ctx,
        cx,
        "one_hot",
        &[iv, vv],
        yv,
        &[outer, depth, inner],
        &mut |kb, a, idx| {
            let v = kb.load_elem(ie, a[0], &[idx[0], idx[2]]);
            let f = common::to_f64(kb, ie, v);
            let t = kb.unary("math.trunc", f);
            let k = crate::elementwise::convert(kb, t, Elem::Float(flowc_ir::FloatKind::F64), i64e);
            let i64t = kb.ctx.integer_type(64);
            let z = kb.constant(i64t, 0.0);
            let dv = kb.constant(i64t, depth as f64);
            let neg = kb.cmp(false, cmpi::SLT, k, z);
            let kp = kb.binary("arith.addi", k, dv);
            let k = kb.select(neg, kp, k);
            let cur = kb.cast("arith.index_cast", idx[1], i64t);
            let hit = kb.cmp(false, cmpi::EQ, cur, k);
            let zi = kb.index(0);
            let oi = kb.index(1);
            let off = kb.load(a[1], &[zi]);
            let on = kb.load(a[1], &[oi]);
            kb.select(hit, on, off)
        },
    )
}

fn range(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let o = cx.result_shape(ctx, 0);
    let e = cx.result_elem(ctx, 0)?;
    if e == Elem::Bool {
        return Err(cx.unsupported(ctx, "bool"));
    }
    let n = o.first().copied().unwrap_or(0);
    let mut ins = Vec::new();
    for i in [0, 2] {
        if cx.operand_shape(ctx, i).iter().product::<i64>() != 1 {
            return Err(cx.unsupported(ctx, "non-scalar start / delta"));
        }
        let b = cx.input(ctx, i)?;
        ins.push(cx.view(ctx, b, &[1]));
    }
    let y = cx.output(ctx, 0)?;
    ins.push(y);
    cx.kernel(ctx, "range", &ins, |kb, a| {
        let z = kb.index(0);
        let s = kb.load_elem(e, a[0], &[z]);
        let d = kb.load_elem(e, a[1], &[z]);
        let lb = kb.index(0);
        let ub = kb.index(n);
        let one = kb.index(1);
        kb.for_loop(lb, ub, one, &[s], |kb, i, acc| {
            kb.store_elem(e, acc[0], a[2], &[i]);
            let nx = kb.binary(
                if e.is_float() {
                    "arith.addf"
                } else {
                    "arith.addi"
                },
                acc[0],
                d,
            );
            vec![common::round(kb, e, nx)]
        });
        Ok(())
    })
}

/// A kernel that fills the result with `value(kb, idx)` (compute values).
fn fill(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    k: usize,
    hint: &str,
    value: &mut dyn FnMut(&mut Kb<'_>, &[Value]) -> Value,
) -> Result<(), Diagnostic> {
    let e = cx.result_elem(ctx, k)?;
    let o = cx.result_shape(ctx, k);
    let y = cx.output(ctx, k)?;
    cx.kernel(ctx, hint, &[y], |kb, a| {
        chunked_nest(kb, &o, &mut |kb, idx| {
            let v = value(kb, idx);
            kb.store_elem(e, v, a[0], idx);
        });
        Ok(())
    })
}

/// A compute-type constant of `e` holding `v` (floats through f64, integers exactly).
fn elem_const(kb: &mut Kb<'_>, e: Elem, f: f64, i: i64) -> Value {
    let t = e.compute_type(kb.ctx);
    match e {
        Elem::Float(_) => kb.constant(t, f),
        Elem::Int { .. } => kb.constant_int(t, i128::from(i)),
        Elem::Bool => kb.constant(t, if i != 0 { 1.0 } else { 0.0 }),
    }
}

fn constant_of_shape(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let e = cx.result_elem(ctx, 0)?;
    let (f, i) = match cx.attr(ctx, "value") {
        None => (0.0, 0),
        Some(a) => {
            let f = flowc_flow::dense_f64s(ctx, a).and_then(|v| v.first().copied());
            let i = flowc_flow::dense_i64s(ctx, a).and_then(|v| v.first().copied());
            match (f, i) {
                (Some(f), i) => (f, i.unwrap_or(f as i64)),
                (None, Some(i)) => (i as f64, i),
                _ => return Err(cx.unsupported(ctx, "this value attribute")),
            }
        }
    };
    fill(ctx, cx, 0, "constant_of_shape", &mut |kb, _| {
        elem_const(kb, e, f, i)
    })
}

fn eye_like(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let o = cx.result_shape(ctx, 0);
    if o.len() != 2 {
        return Err(cx.unsupported(ctx, "a result of rank other than 2"));
    }
    let e = cx.result_elem(ctx, 0)?;
    let k = cx.attr_i64(ctx, "k", 0);
    fill(ctx, cx, 0, "eye_like", &mut |kb, idx| {
        let ik = common::add_const(kb, idx[0], k);
        let hit = kb.cmp(false, cmpi::EQ, idx[1], ik);
        let one = elem_const(kb, e, 1.0, 1);
        let z = elem_const(kb, e, 0.0, 0);
        kb.select(hit, one, z)
    })
}

fn shape_like(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let vals: Vec<i64> = if ctx.op_name(cx.op) == "flow.size" {
        vec![s.iter().product()]
    } else {
        let r = s.len() as i64;
        let clampi = |v: i64| if v < 0 { (v + r).max(0) } else { v.min(r) };
        let st = clampi(cx.attr_i64(ctx, "start", 0));
        let en = clampi(cx.attr_i64(ctx, "end", r));
        if en > st {
            s[st as usize..en as usize].to_vec()
        } else {
            Vec::new()
        }
    };
    let e = cx.result_elem(ctx, 0)?;
    let o = cx.result_shape(ctx, 0);
    if o.iter().product::<i64>() != vals.len() as i64 {
        return Err(cx.unsupported(ctx, "a result shape that does not match"));
    }
    fill(ctx, cx, 0, "shape", &mut |kb, idx| {
        // One element at most per position: select through the (few) values.
        let lin = if idx.is_empty() { kb.index(0) } else { idx[0] };
        let mut v = elem_const(kb, e, 0.0, 0);
        for (k, &x) in vals.iter().enumerate() {
            let kv = kb.index(k as i64);
            let hit = kb.cmp(false, cmpi::EQ, lin, kv);
            let c = elem_const(kb, e, x as f64, x);
            v = kb.select(hit, c, v);
        }
        v
    })
}

/// CumSum / CumProd along `axis`, in the element type (rounded per step), optionally exclusive
/// and / or reversed; the result row is the running accumulator. A runtime axis: one kernel with
/// a branch per possible axis (one task).
fn cumulate(ctx: &mut Context, cx: &mut OpCx<'_, '_>, prod: bool) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    if s.is_empty() {
        return Err(cx.unsupported(ctx, "a rank-0 input"));
    }
    let r = s.len();
    let e = cx.operand_elem(ctx, 0)?;
    if e == Elem::Bool {
        return Err(cx.unsupported(ctx, "bool"));
    }
    let exclusive = cx.attr_i64(ctx, "exclusive", 0) != 0;
    let reverse = cx.attr_i64(ctx, "reverse", 0) != 0;
    let hint = if prod { "cum_prod" } else { "cum_sum" };
    let axis = match common::const_ints(ctx, cx, 1).and_then(|v| v.first().copied()) {
        Some(a) => Some(common::norm_axis(ctx, cx, a, r)?),
        None if r == 1 => Some(0),
        None => None,
    };
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    let split = |axis: usize| -> (i64, i64, i64) {
        (
            s[..axis].iter().product(),
            s[axis],
            s[axis + 1..].iter().product(),
        )
    };
    let cum = CumOp {
        e,
        prod,
        exclusive,
        reverse,
    };
    if let Some(axis) = axis {
        let (outer, d, inner) = split(axis);
        let xv = cx.view(ctx, x, &[outer, d, inner]);
        let yv = cx.view(ctx, y, &[outer, d, inner]);
        return cx.kernel(ctx, hint, &[xv, yv], |kb, a| {
            cum.body(kb, a[0], a[1], (outer, d, inner), true);
            Ok(())
        });
    }
    // Runtime axis: views per candidate axis, the branch taken by the axis value.
    let ae = cx.operand_elem(ctx, 1)?;
    let ab = cx.input(ctx, 1)?;
    let av = cx.view(ctx, ab, &[1]);
    let mut args = vec![av];
    for axis in 0..r {
        let (outer, d, inner) = split(axis);
        args.push(cx.view(ctx, x, &[outer, d, inner]));
        args.push(cx.view(ctx, y, &[outer, d, inner]));
    }
    cx.kernel(ctx, hint, &args, |kb, a| {
        let z = kb.index(0);
        let av = load_index(kb, ae, a[0], &[z]);
        for axis in 0..r {
            let hit = axis_is(kb, av, axis, r);
            let dims = split(axis);
            let (xa, ya) = (a[1 + 2 * axis], a[2 + 2 * axis]);
            kb.if_else(
                hit,
                &[],
                |kb| {
                    cum.body(kb, xa, ya, dims, false);
                    Vec::new()
                },
                None,
            );
        }
        Ok(())
    })
}

/// Whether the runtime axis `a` (an index, possibly negative) is `axis` of a rank-`r` tensor.
pub(crate) fn axis_is(kb: &mut Kb<'_>, a: Value, axis: usize, r: usize) -> Value {
    let pos = kb.index(axis as i64);
    let neg = kb.index(axis as i64 - r as i64);
    let p = kb.cmp(false, cmpi::EQ, a, pos);
    let n = kb.cmp(false, cmpi::EQ, a, neg);
    common::or(kb, p, n)
}

#[derive(Copy, Clone)]
struct CumOp {
    e: Elem,
    prod: bool,
    exclusive: bool,
    reverse: bool,
}

impl CumOp {
    /// The scan over `[outer, d, inner]` views, parallel over `outer` when `parallel`.
    fn body(self, kb: &mut Kb<'_>, xa: Value, ya: Value, dims: (i64, i64, i64), parallel: bool) {
        let (outer, d, inner) = dims;
        let CumOp {
            e,
            prod,
            exclusive,
            reverse,
        } = self;
        if outer * d * inner == 0 {
            return;
        }
        let float = e.is_float();
        let op = match (prod, float) {
            (false, true) => "arith.addf",
            (false, false) => "arith.addi",
            (true, true) => "arith.mulf",
            (true, false) => "arith.muli",
        };
        let row = |kb: &mut Kb<'_>, o: Value| {
            // First position.
            let k0 = if reverse {
                kb.index(d - 1)
            } else {
                kb.index(0)
            };
            kb.for_range(inner, |kb, i| {
                let t = e.compute_type(kb.ctx);
                let start = kb.constant(t, if prod { 1.0 } else { 0.0 });
                let v = if exclusive {
                    start
                } else {
                    let x0 = kb.load_elem(e, xa, &[o, k0, i]);
                    kb.binary(op, start, x0)
                };
                kb.store_elem(e, v, ya, &[o, k0, i]);
            });
            // The rest: y[k] = y[prev] op x[k or prev].
            kb.for_range(d - 1, |kb, j| {
                let (k, prev) = if reverse {
                    let dm = kb.index(d - 2);
                    let p = kb.binary("arith.subi", dm, j);
                    let prev = common::add_const(kb, p, 1);
                    (p, prev)
                } else {
                    (common::add_const(kb, j, 1), j)
                };
                kb.for_range(inner, |kb, i| {
                    let acc = kb.load_elem(e, ya, &[o, prev, i]);
                    let src = if exclusive { prev } else { k };
                    let xv = kb.load_elem(e, xa, &[o, src, i]);
                    let v = kb.binary(op, acc, xv);
                    kb.store_elem(e, v, ya, &[o, k, i]);
                });
            });
        };
        if parallel {
            kb.parallel(&[outer], |kb, ivs| row(kb, ivs[0]));
        } else {
            kb.for_range(outer, |kb, o| row(kb, o));
        }
    }
}

fn reverse_sequence(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let r = s.len();
    if r < 2 {
        return Err(cx.unsupported(ctx, "an input of rank < 2"));
    }
    let ba = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "batch_axis", 1), r)?;
    let ta = common::norm_axis(ctx, cx, cx.attr_i64(ctx, "time_axis", 0), r)?;
    if ba == ta {
        return Err(cx.unsupported(ctx, "batch_axis = time_axis"));
    }
    let le = cx.operand_elem(ctx, 1)?;
    let x = cx.input(ctx, 0)?;
    let lens = cx.input(ctx, 1)?;
    let y = cx.output(ctx, 0)?;
    let tmax = s[ta];
    gather_kernel(
        ctx,
        cx,
        "reverse_sequence",
        &[x, lens],
        y,
        &s,
        &mut |kb, a, idx| {
            let l = load_index(kb, le, a[1], &[idx[ba]]);
            let l = common::clamp_index(kb, l, 0, tmax);
            let c = idx[ta];
            let lt = kb.cmp(false, cmpi::SLT, c, l);
            let lm1 = common::add_const(kb, l, -1);
            let rc = kb.binary("arith.subi", lm1, c);
            let t = kb.select(lt, rc, c);
            let mut ii = idx.to_vec();
            ii[ta] = t;
            kb.load(a[0], &ii)
        },
    )
}

/// Compress with a runtime condition: the result shape is static, the kept slices are found
/// by a sequential scan (a slice beyond the result's extent is dropped).
fn compress(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    let s = cx.operand_shape(ctx, 0);
    let o = cx.result_shape(ctx, 0);
    let ncond: i64 = cx.operand_shape(ctx, 1).iter().product();
    let (outer, d, inner, od) = match cx.attr(ctx, "axis").and_then(|a| ctx.int_value(a)) {
        Some(a) => {
            let axis = common::norm_axis(ctx, cx, a as i64, s.len())?;
            (
                s[..axis].iter().product::<i64>(),
                s[axis],
                s[axis + 1..].iter().product::<i64>(),
                o[axis],
            )
        }
        None => (1, s.iter().product::<i64>(), 1, o.iter().product::<i64>()),
    };
    let m = ncond.min(d);
    let x = cx.input(ctx, 0)?;
    let xv = cx.view(ctx, x, &[outer, d, inner]);
    let c = cx.input(ctx, 1)?;
    let cv = cx.view(ctx, c, &[ncond]);
    let y = cx.output(ctx, 0)?;
    let yv = cx.view(ctx, y, &[outer, od, inner]);
    cx.kernel(ctx, "compress", &[xv, cv, yv], |kb, a| {
        if outer * od * inner == 0 {
            return Ok(());
        }
        kb.parallel(&[outer], |kb, ivs| {
            let o = ivs[0];
            let z = kb.index(0);
            let lb = kb.index(0);
            let ub = kb.index(m);
            let one = kb.index(1);
            kb.for_loop(lb, ub, one, &[z], |kb, k, acc| {
                let cnt = acc[0];
                let cval = kb.load_elem(Elem::Bool, a[1], &[k]);
                let odv = kb.index(od);
                let room = kb.cmp(false, cmpi::SLT, cnt, odv);
                let take = common::and(kb, cval, room);
                let it = kb.ctx.index_type();
                let r = kb.if_else(
                    take,
                    &[it],
                    |kb| {
                        kb.for_range(inner, |kb, i| {
                            let v = kb.load(a[0], &[o, k, i]);
                            kb.store(v, a[2], &[o, cnt, i]);
                        });
                        vec![common::add_const(kb, cnt, 1)]
                    },
                    Some(Box::new(move |_kb: &mut Kb<'_>| vec![cnt])),
                );
                vec![r[0]]
            });
        });
        Ok(())
    })
}

fn dropout(ctx: &mut Context, cx: &mut OpCx<'_, '_>) -> Result<(), Diagnostic> {
    if cx.has_operand(ctx, 2) {
        let training = common::const_ints(ctx, cx, 2).and_then(|v| v.first().copied());
        let ratio0 = common::const_floats(ctx, cx, 1)
            .and_then(|v| v.first().copied())
            .is_some_and(|r| r == 0.0);
        if training != Some(0) && !ratio0 {
            return Err(cx.unsupported(ctx, "training mode (random)"));
        }
    }
    let s = cx.operand_shape(ctx, 0);
    let n: i64 = s.iter().product();
    let x = cx.input(ctx, 0)?;
    let y = cx.output(ctx, 0)?;
    copy_kernel(ctx, cx, x, y, n)?;
    if ctx.num_results(cx.op) > 1 && cx.output(ctx, 1).is_ok() {
        let me = cx.result_elem(ctx, 1)?;
        fill(ctx, cx, 1, "mask", &mut |kb, _| elem_const(kb, me, 1.0, 1))?;
    }
    Ok(())
}
