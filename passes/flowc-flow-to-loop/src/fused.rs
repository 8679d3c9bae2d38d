//! `flow.fused` (made by `flow-saturate`): a region of elementwise ops becomes ONE kernel, a loop
//! nest over the result that evaluates the whole chain per element. The region's arguments are
//! loaded from their buffers (with numpy broadcasting, as in [`crate::elementwise`]); every
//! intermediate stays in registers, so no intermediate buffer exists. Each op's scalar function
//! is [`elementwise::scalar_op`], the one the unfused lowering uses; f16 / bf16 intermediates
//! are rounded to their type after each op as the unfused kernels' stores would, so fused and
//! unfused results are bit-identical.
//!
//! Every op of the region must be elementwise, produce the region's result shape, and read only
//! the region's arguments or earlier ops of the region; anything else is a located error.

use crate::OpCx;
use crate::builder::Elem;
use crate::common;
use crate::elementwise::{self, Params, broadcast_index, chunked_nest};
use flowc_ir::{Context, Diagnostic, Op, Value, op_error};

/// One op of the region, ready to evaluate.
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
    let out_shape = cx.result_shape(ctx, 0);
    let out_elem = cx.result_elem(ctx, 0)?;
    let args = ctx.block_args(block).to_vec();
    let mut steps: Vec<Step> = Vec::new();
    let mut step_of: Vec<(Value, usize)> = Vec::new();
    for &o in inner {
        let kind = ctx
            .op_name(o)
            .strip_prefix("flow.")
            .unwrap_or("")
            .to_string();
        if !elementwise::is_elementwise(&kind) || ctx.num_results(o) != 1 {
            return Err(op_error(
                ctx,
                o,
                "cannot be fused into a loop nest: only elementwise ops are supported in flow.fused",
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
    let result = ctx.operand(*yield_op, 0);
    let last = match step_of.iter().find(|(x, _)| *x == result) {
        Some(&(_, s)) => s,
        None => return Err(cx.unsupported(ctx, "a fused region yielding one of its arguments")),
    };
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
            let mut loaded: Vec<Option<Value>> = vec![None; inputs.len()];
            let mut vals: Vec<Value> = Vec::with_capacity(steps.len());
            for (k, st) in steps.iter().enumerate() {
                let mut ops = Vec::with_capacity(st.srcs.len());
                for s in &st.srcs {
                    ops.push(match *s {
                        Src::Step(j) => vals[j],
                        Src::Arg(i) => match loaded[i] {
                            Some(v) => v,
                            None => {
                                let bidx = broadcast_index(kb, idx, &shapes[i], &out_shape);
                                let v = kb.load_elem(arg_elems[i], inputs[i], &bidx);
                                loaded[i] = Some(v);
                                v
                            }
                        },
                    });
                }
                let v = elementwise::scalar_op(
                    kb,
                    &st.kind,
                    &st.params,
                    &st.in_elems,
                    st.out_elem,
                    &ops,
                )
                .expect("checked by check_supported");
                // Intermediates are rounded as a store to their type would.
                let v = if k == last {
                    v
                } else {
                    common::round(kb, st.out_elem, v)
                };
                vals.push(v);
            }
            kb.store_elem(out_elem, vals[last], out, idx);
        });
        Ok(())
    })?;
    Ok(true)
}
