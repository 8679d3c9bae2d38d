//! `flow.fused` (made by `flow-saturate`): a region becomes ONE kernel.
//!
//! - A region of elementwise ops is a loop nest over the result that evaluates the whole chain
//!   per element. The region's arguments are loaded from their buffers (with numpy broadcasting,
//!   as in [`crate::elementwise`]); every intermediate stays in registers, so no intermediate
//!   buffer exists.
//! - A region whose first op is a `flow.conv`, `flow.gemm` or `flow.matmul` (its *head*, reading
//!   only region arguments) followed by elementwise ops (its *tail*) is the head's own kernel with
//!   the tail as an epilogue ([`Tail`]): the f32 GEMM / convolution kernels (gemm.rs's
//!   [`crate::gemm::Epilogue`], conv.rs's depthwise and transposed kernels) apply the tail to each
//!   output element right after its final value is stored, while the tile is in cache, reading
//!   the tail's other operands (a residual of the output's shape, scalars) at the same index. A
//!   head lowering without an epilogue (other element types, direct convolutions) leaves the
//!   tail to a second kernel that applies it in place on the result (no intermediate buffer
//!   either way). The tail's operands must then be the result's shape or a single element for
//!   the epilogue; anything else broadcasting takes the in-place kernel. A view of the head's
//!   result (a reshape right after it: a rank-3 MatMul is a Gemm between reshapes) is the same
//!   buffer, so the tail reads the head's elements in the view's shape.
//!
//! Each op's scalar function is [`elementwise::scalar_op`], the one the unfused lowering uses;
//! f16 / bf16 intermediates are rounded to their type after each op as the unfused kernels'
//! stores would, so fused and unfused results are bit-identical.
//!
//! Every op of the region but a head (and views right after it) must be elementwise, produce the region's result shape, and
//! read only the region's arguments or earlier ops of the region; anything else is a located
//! error.

use crate::OpCx;
use crate::builder::{Elem, Kb};
use crate::common;
use crate::elementwise::{self, Params, broadcast_index, chunked_nest};
use flowc_ir::{Context, Diagnostic, Op, Value, op_error};

/// Ops that may head a fused region.
pub const HEADS: &[&str] = &["flow.conv", "flow.gemm", "flow.matmul"];

/// One op of the region, ready to evaluate.
#[derive(Clone)]
struct Step {
    kind: String,
    params: Params,
    /// Per operand: the region argument index, or the step index.
    srcs: Vec<Src>,
    in_elems: Vec<Elem>,
    out_elem: Elem,
}

#[derive(Copy, Clone)]
enum Src {
    Arg(usize),
    Step(usize),
    /// The head's result (tails only).
    Head,
}

/// Lowers `flow.fused`; `Ok(false)` for other ops.
pub(crate) fn lower(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    name: &str,
) -> Result<bool, Diagnostic> {
    if name != "flow.fused" {
        return Ok(false);
    }
    common::require_static(ctx, cx)?;
    let op = cx.op;
    let block = ctx
        .regions(op)
        .first()
        .and_then(|&r| ctx.region_entry(r))
        .ok_or_else(|| op_error(ctx, op, "has no body"))?;
    let body: Vec<Op> = ctx.block_ops(block).collect();
    let (yield_op, inner) = body
        .split_last()
        .ok_or_else(|| op_error(ctx, op, "has an empty body"))?;
    if ctx.op_name(*yield_op) != "flow.yield" || ctx.num_operands(*yield_op) != 1 {
        return Err(cx.unsupported(ctx, "a fused region not ending in a one-value flow.yield"));
    }
    let args = ctx.block_args(block).to_vec();
    let head = inner
        .first()
        .copied()
        .filter(|&o| HEADS.contains(&ctx.op_name(o)));
    let (steps, last) = parse_steps(ctx, cx, inner, &args, head, *yield_op)?;
    match head {
        Some(h) => lower_headed(ctx, cx, h, &args, steps, last),
        None => lower_chain(ctx, cx, &args, &steps, last),
    }
    .map(|()| true)
}

/// The steps of the region's elementwise ops (after the head, if any) and the index of the step
/// whose result is yielded.
fn parse_steps(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    inner: &[Op],
    args: &[Value],
    head: Option<Op>,
    yield_op: Op,
) -> Result<(Vec<Step>, usize), Diagnostic> {
    let out_shape = cx.result_shape(ctx, 0);
    let mut steps: Vec<Step> = Vec::new();
    let mut step_of: Vec<(Value, usize)> = Vec::new();
    // The head's value, and views of it (a reshape right after the head: no data moves).
    let mut head_values: Vec<Value> = head.map(|h| ctx.result(h, 0)).into_iter().collect();
    if let Some(h) = head {
        for v in ctx.operand_vec(h) {
            if !args.contains(&v) {
                return Err(op_error(
                    ctx,
                    h,
                    "heading a flow.fused must read only the region's arguments",
                ));
            }
        }
        let n = |t| ctx.shape(t).map(|s| s.iter().product::<i64>());
        if n(ctx.value_type(ctx.result(h, 0))) != Some(out_shape.iter().product()) {
            return Err(op_error(
                ctx,
                h,
                "in flow.fused must have as many elements as the fused op's result",
            ));
        }
    }
    for &o in &inner[head.is_some() as usize..] {
        let kind = ctx
            .op_name(o)
            .strip_prefix("flow.")
            .unwrap_or("")
            .to_string();
        if steps.is_empty()
            && crate::is_view_op(ctx.op_name(o))
            && ctx.num_operands(o) >= 1
            && head_values.contains(&ctx.operand(o, 0))
        {
            head_values.push(ctx.result(o, 0));
            continue;
        }
        if !elementwise::is_elementwise(&kind) || ctx.num_results(o) != 1 {
            return Err(op_error(
                ctx,
                o,
                "cannot be fused into a loop nest: only elementwise ops (after a conv, gemm or matmul head) are supported in flow.fused",
            ));
        }
        let r = ctx.result(o, 0);
        if ctx.shape(ctx.value_type(r)) != Some(out_shape.as_slice()) {
            return Err(op_error(
                ctx,
                o,
                "in flow.fused must have the fused op's result shape",
            ));
        }
        let mut srcs = Vec::new();
        let mut in_elems = Vec::new();
        for v in ctx.operand_vec(o) {
            let src = if let Some(i) = args.iter().position(|&a| a == v) {
                Src::Arg(i)
            } else if let Some(&(_, s)) = step_of.iter().find(|(x, _)| *x == v) {
                Src::Step(s)
            } else if head_values.contains(&v) {
                Src::Head
            } else {
                return Err(op_error(
                    ctx,
                    o,
                    "in flow.fused reads a value from outside the region",
                ));
            };
            let t = ctx.value_type(v);
            let e = ctx
                .element_type(t)
                .and_then(|e| Elem::of(ctx, e))
                .ok_or_else(|| op_error(ctx, o, "has an operand without a numeric element type"))?;
            srcs.push(src);
            in_elems.push(e);
        }
        let oe = ctx
            .element_type(ctx.value_type(r))
            .and_then(|e| Elem::of(ctx, e))
            .ok_or_else(|| op_error(ctx, o, "has a result without a numeric element type"))?;
        let params = {
            let sub = OpCx {
                lw: &mut *cx.lw,
                op: o,
                outputs: Vec::new(),
                tail: None,
            };
            let p = Params::read(ctx, &sub, &kind)?;
            elementwise::check_supported(&kind, &p, &in_elems, oe)
                .map_err(|m| sub.unsupported(ctx, format!("{kind} {m}")))?;
            p
        };
        step_of.push((r, steps.len()));
        steps.push(Step {
            kind,
            params,
            srcs,
            in_elems,
            out_elem: oe,
        });
    }
    if let Some(h) = head
        && ctx.shape(ctx.value_type(*head_values.last().expect("the head"))) != Some(&out_shape)
    {
        return Err(op_error(
            ctx,
            h,
            "in flow.fused must have the fused op's result shape (or a view of it that has)",
        ));
    }
    let result = ctx.operand(yield_op, 0);
    match step_of.iter().find(|(x, _)| *x == result) {
        Some(&(_, s)) => Ok((steps, s)),
        None => Err(cx.unsupported(
            ctx,
            "a fused region yielding one of its arguments or its head",
        )),
    }
}

/// Evaluates `steps` at one element: `arg(kb, i)` loads region argument `i` (called once per
/// argument), `head` is the head's value. Returns the value of step `last`.
fn eval_steps(
    kb: &mut Kb<'_>,
    steps: &[Step],
    last: usize,
    nargs: usize,
    head: Option<Value>,
    arg: &mut dyn FnMut(&mut Kb<'_>, usize) -> Value,
) -> Value {
    let mut loaded: Vec<Option<Value>> = vec![None; nargs];
    let mut vals: Vec<Value> = Vec::with_capacity(steps.len());
    for (k, st) in steps.iter().enumerate() {
        let mut ops = Vec::with_capacity(st.srcs.len());
        for s in &st.srcs {
            ops.push(match *s {
                Src::Step(j) => vals[j],
                Src::Head => head.expect("a tail has a head"),
                Src::Arg(i) => match loaded[i] {
                    Some(v) => v,
                    None => {
                        let v = arg(kb, i);
                        loaded[i] = Some(v);
                        v
                    }
                },
            });
        }
        let v = elementwise::scalar_op(kb, &st.kind, &st.params, &st.in_elems, st.out_elem, &ops)
            .expect("checked by check_supported");
        // Intermediates are rounded as a store to their type would.
        let v = if k == last {
            v
        } else {
            common::round(kb, st.out_elem, v)
        };
        vals.push(v);
    }
    vals[last]
}

/// A region of elementwise ops: one loop nest.
fn lower_chain(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    args: &[Value],
    steps: &[Step],
    last: usize,
) -> Result<(), Diagnostic> {
    let out_shape = cx.result_shape(ctx, 0);
    let out_elem = cx.result_elem(ctx, 0)?;
    // Buffers: the operands (with their shapes, for broadcasting), then the result.
    let mut bufs = Vec::new();
    let mut shapes = Vec::new();
    let mut arg_elems = Vec::new();
    for i in 0..args.len() {
        let s = cx.operand_shape(ctx, i);
        if s.len() > out_shape.len() {
            return Err(cx.unsupported(ctx, "an operand of higher rank than the result"));
        }
        arg_elems.push(cx.operand_elem(ctx, i)?);
        bufs.push(cx.input(ctx, i)?);
        shapes.push(s);
    }
    bufs.push(cx.output(ctx, 0)?);
    cx.kernel(ctx, "fused", &bufs, |kb, kargs| {
        let (inputs, out) = kargs.split_at(kargs.len() - 1);
        let out = out[0];
        chunked_nest(kb, &out_shape, &mut |kb, idx| {
            let v = eval_steps(kb, steps, last, inputs.len(), None, &mut |kb, i| {
                let bidx = broadcast_index(kb, idx, &shapes[i], &out_shape);
                kb.load_elem(arg_elems[i], inputs[i], &bidx)
            });
            kb.store_elem(out_elem, v, out, idx);
        });
        Ok(())
    })
}

/// The elementwise tail of a fused region with a conv / gemm / matmul head, handed to the head's
/// lowering through [`OpCx::tail`]. A lowering that applies it as an epilogue takes it with
/// [`OpCx::take_epilogue_tail`], adds [`Tail::buffers`] to its kernel's arguments (before the
/// output) and [`Tail::bind`]s them in the kernel.
pub(crate) struct Tail {
    steps: Vec<Step>,
    last: usize,
    /// Per region argument the tail reads (others `None`): its buffer in the entry function,
    /// shape and element type.
    ins: Vec<Option<(Value, Vec<i64>, Elem)>>,
    out_shape: Vec<i64>,
    out_elem: Elem,
}

/// A [`Tail`] inside a kernel: the memrefs of its operands, each a view with the shape the
/// kernel indexes its output with (`full`), or of one element.
pub struct BoundTail<'t> {
    tail: &'t Tail,
    mems: Vec<Option<(Value, bool)>>,
}

fn strip_ones(s: &[i64]) -> &[i64] {
    let k = s.iter().take_while(|&&d| d == 1).count();
    &s[k..]
}

impl Tail {
    /// Whether every operand of the tail is the result's shape (leading 1s aside) or a single
    /// element, so that it can be read at the index of the output element in any view of it.
    pub(crate) fn fits_epilogue(&self) -> bool {
        self.ins.iter().flatten().all(|(_, s, _)| {
            strip_ones(s) == strip_ones(&self.out_shape) || s.iter().product::<i64>() == 1
        }) && self.out_elem == Elem::Float(flowc_ir::FloatKind::F32)
    }

    /// The buffers the tail reads, in order: append them to the kernel's arguments.
    pub(crate) fn buffers(&self) -> Vec<Value> {
        self.ins.iter().flatten().map(|(b, _, _)| *b).collect()
    }

    /// The tail in a kernel whose arguments for [`Tail::buffers`] are `kargs`, and whose output
    /// is indexed as a memref of `shape`.
    pub(crate) fn bind(&self, kb: &mut Kb<'_>, kargs: &[Value], shape: &[i64]) -> BoundTail<'_> {
        let mut next = 0;
        let mems = self
            .ins
            .iter()
            .map(|i| {
                i.as_ref().map(|(_, s, _)| {
                    let m = kargs[next];
                    next += 1;
                    let full = s.iter().product::<i64>() != 1;
                    let shape = if full { shape.to_vec() } else { vec![1] };
                    (crate::gemm::view(kb, m, shape), full)
                })
            })
            .collect();
        BoundTail { tail: self, mems }
    }
}

impl BoundTail<'_> {
    /// The tail applied to the head's value `v` of the output element at `idx`.
    pub fn eval(&self, kb: &mut Kb<'_>, v: Value, idx: &[Value]) -> Value {
        let t = self.tail;
        eval_steps(kb, &t.steps, t.last, t.ins.len(), Some(v), &mut |kb, i| {
            let (m, full) = self.mems[i].expect("the tail reads this argument");
            let (_, _, e) = t.ins[i].as_ref().expect("bound");
            if full {
                kb.load_elem(*e, m, idx)
            } else {
                let z = kb.index(0);
                kb.load_elem(*e, m, &[z])
            }
        })
    }

    /// `mem[idx] = tail(mem[idx])`.
    pub fn apply(&self, kb: &mut Kb<'_>, mem: Value, idx: &[Value]) {
        let e = self.tail.out_elem;
        let v = kb.load_elem(e, mem, idx);
        let y = self.eval(kb, v, idx);
        kb.store_elem(e, y, mem, idx);
    }
}

/// A region headed by a conv / gemm / matmul: the head's lowering, given the tail.
fn lower_headed(
    ctx: &mut Context,
    cx: &mut OpCx<'_, '_>,
    head: Op,
    args: &[Value],
    steps: Vec<Step>,
    last: usize,
) -> Result<(), Diagnostic> {
    let op = cx.op;
    // The region's arguments stand for the fused op's operands: same buffers, constants and
    // (for function arguments) tensor types.
    for (i, &a) in args.iter().enumerate() {
        if !cx.has_operand(ctx, i) {
            continue;
        }
        let v = ctx.operand(op, i);
        if let Some(&c) = cx.lw.constants.get(&v) {
            cx.lw.constants.insert(a, c);
        } else {
            let b = cx.lw.buffer(ctx, v, op)?;
            cx.lw.buffers.insert(a, b);
        }
        if let Some(&t) = cx.lw.arg_tensor_types.get(&v) {
            cx.lw.arg_tensor_types.insert(a, t);
        }
    }
    let mut ins: Vec<Option<(Value, Vec<i64>, Elem)>> = vec![None; args.len()];
    for st in &steps {
        for s in &st.srcs {
            if let Src::Arg(i) = *s
                && ins[i].is_none()
            {
                let b = cx.lw.buffer(ctx, args[i], op)?;
                ins[i] = Some((b, cx.operand_shape(ctx, i), cx.operand_elem(ctx, i)?));
            }
        }
    }
    let tail = Tail {
        steps,
        last,
        ins,
        out_shape: cx.result_shape(ctx, 0),
        out_elem: cx.result_elem(ctx, 0)?,
    };
    // The head writes the result's buffer, seen in the head's shape when a view follows it.
    let head_shape = ctx
        .shape(ctx.value_type(ctx.result(head, 0)))
        .map(<[i64]>::to_vec)
        .unwrap_or_default();
    let out = cx.output(ctx, 0)?;
    let head_out = cx.view(ctx, out, &head_shape);
    let mut sub = OpCx {
        lw: &mut *cx.lw,
        op: head,
        outputs: vec![Some(head_out)],
        tail: Some(tail),
    };
    crate::lower_op(ctx, &mut sub)?;
    let Some(tail) = sub.tail.take() else {
        return Ok(());
    };
    // The head's kernel took no epilogue: the tail in place on the result, a second kernel.
    let mut bufs = tail.buffers();
    bufs.push(out);
    let shapes: Vec<Vec<i64>> = tail.ins.iter().flatten().map(|x| x.1.clone()).collect();
    cx.kernel(ctx, "fused_tail", &bufs, |kb, kargs| {
        let out = kargs[kargs.len() - 1];
        let t = &tail;
        // Argument i of the region is the k-th bound buffer.
        let pos: Vec<Option<usize>> = {
            let mut k = 0;
            t.ins
                .iter()
                .map(|x| {
                    x.as_ref().map(|_| {
                        k += 1;
                        k - 1
                    })
                })
                .collect()
        };
        chunked_nest(kb, &t.out_shape, &mut |kb, idx| {
            let v = kb.load_elem(t.out_elem, out, idx);
            let y = eval_steps(kb, &t.steps, t.last, t.ins.len(), Some(v), &mut |kb, i| {
                let k = pos[i].expect("the tail reads this argument");
                let (_, _, e) = t.ins[i].as_ref().expect("bound");
                let bidx = broadcast_index(kb, idx, &shapes[k], &t.out_shape);
                kb.load_elem(*e, kargs[k], &bidx)
            });
            kb.store_elem(t.out_elem, y, out, idx);
        });
        Ok(())
    })
}
