//! Test helpers: build a `func.func` of `flow` ops, run it, compare results.
#![allow(dead_code)]

use flowc_interp::{InterpError, run_function};
use flowc_ir::{Context, Op, OperationState, Type};
use flowc_tensor::{DType, Tensor};

/// The MLIR tensor type of a tensor.
pub fn type_str(t: &Tensor) -> String {
    let mut s = String::from("tensor<");
    for d in t.shape() {
        s.push_str(&format!("{d}x"));
    }
    s.push_str(t.dtype().mlir_name());
    s.push('>');
    s
}

/// Parses a function whose entry block arguments `%arg0, %arg1, ...` take `inputs` and whose
/// body is `body` (generic-form ops, ending with `"func.return"(...)`), and runs it.
pub fn run_text(body: &str, inputs: Vec<Tensor>) -> Result<Vec<Tensor>, InterpError> {
    let mut ctx = Context::new();
    ctx.allow_unregistered_dialects = true;
    let types: Vec<String> = inputs.iter().map(type_str).collect();
    let args: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("%arg{i}: {t}"))
        .collect();
    let src = format!(
        "\"func.func\"() ({{\n^bb0({}):\n{body}\n}}) {{function_type = ({}) -> (), sym_name = \"main\"}} : () -> ()\n",
        args.join(", "),
        types.join(", ")
    );
    let module = flowc_ir::parser::parse_source(&mut ctx, &src, "test.mlir", 0)
        .unwrap_or_else(|d| panic!("parse error: {d:?}\n{src}"));
    let block = flowc_ir::builtin::ModuleOp(module).body_block(&ctx);
    let func = ctx.block_ops(block).next().expect("a function");
    run_function(&ctx, func, inputs)
}

/// Runs one op `name` with `attrs` (MLIR attribute dictionary text, without braces) on
/// `inputs` (absent optional inputs as `None`), returning `num_results` results.
pub fn run_op(
    name: &str,
    attrs: &str,
    inputs: Vec<Option<Tensor>>,
    num_results: usize,
) -> Result<Vec<Tensor>, InterpError> {
    let mut body = String::new();
    let mut operands = Vec::new();
    let mut operand_types = Vec::new();
    let mut present = Vec::new();
    let mut k = 0;
    for (i, t) in inputs.iter().enumerate() {
        match t {
            Some(t) => {
                operands.push(format!("%arg{k}"));
                operand_types.push(type_str(t));
                present.push(t.clone());
                k += 1;
            }
            None => {
                body.push_str(&format!("  %none{i} = \"flow.none\"() : () -> none\n"));
                operands.push(format!("%none{i}"));
                operand_types.push("none".into());
            }
        }
    }
    let results: Vec<String> = (0..num_results).map(|i| format!("%r#{i}")).collect();
    let result_types: Vec<String> = (0..num_results).map(|_| "tensor<*xf32>".into()).collect();
    let attrs = if attrs.is_empty() {
        String::new()
    } else {
        format!(" {{{attrs}}}")
    };
    body.push_str(&format!(
        "  %r:{num_results} = \"{name}\"({}){attrs} : ({}) -> ({}) loc(\"node0\")\n",
        operands.join(", "),
        operand_types.join(", "),
        result_types.join(", ")
    ));
    body.push_str(&format!(
        "  \"func.return\"({}) : ({}) -> ()\n",
        results.join(", "),
        result_types.join(", ")
    ));
    run_text(&body, present)
}

/// Runs a one-result op and returns the result.
pub fn run1(name: &str, attrs: &str, inputs: Vec<Tensor>) -> Tensor {
    let mut r = run_op(name, attrs, inputs.into_iter().map(Some).collect(), 1)
        .unwrap_or_else(|e| panic!("{e}"));
    r.remove(0)
}

/// Runs a one-result op expecting an error; returns its message.
pub fn run_err(name: &str, attrs: &str, inputs: Vec<Tensor>) -> String {
    match run_op(name, attrs, inputs.into_iter().map(Some).collect(), 1) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e.to_string(),
    }
}

pub fn f32t(shape: &[usize], v: &[f32]) -> Tensor {
    Tensor::from_f32(shape.to_vec(), v.to_vec()).unwrap()
}
pub fn f64t(shape: &[usize], v: &[f64]) -> Tensor {
    Tensor::from_f64(shape.to_vec(), v.to_vec()).unwrap()
}
pub fn i64t(shape: &[usize], v: &[i64]) -> Tensor {
    Tensor::from_i64(shape.to_vec(), v.to_vec()).unwrap()
}
pub fn i32t(shape: &[usize], v: &[i32]) -> Tensor {
    Tensor::from_i32(shape.to_vec(), v.to_vec()).unwrap()
}
pub fn boolt(shape: &[usize], v: &[bool]) -> Tensor {
    Tensor::from_bool(shape.to_vec(), v.to_vec()).unwrap()
}

/// Asserts `t` is an f32 tensor of `shape` close to `v` (rtol 1e-5, atol 1e-6, NaN equal).
#[track_caller]
pub fn assert_f32(t: &Tensor, shape: &[usize], v: &[f32]) {
    let e = f32t(shape, v);
    assert!(
        flowc_tensor::all_close(t, &e, 1e-5, 1e-6, true),
        "got {t:?}\nexpected {e:?}"
    );
}

#[track_caller]
pub fn assert_i64(t: &Tensor, shape: &[usize], v: &[i64]) {
    assert_eq!(t.dtype(), DType::I64);
    assert_eq!(t.shape(), shape);
    assert_eq!(t.as_slice::<i64>().unwrap(), v);
}

/// The programmatic way: builds `func.func @main` with one `name` op through the `Context`
/// API (no text), for callers that construct IR directly.
pub fn build_single_op_func(
    ctx: &mut Context,
    name: &str,
    input_types: &[Type],
    num_results: usize,
) -> Op {
    ctx.allow_unregistered_dialects = true;
    let loc = ctx.name_loc("node0", None);
    let f32 = ctx.f32_type();
    let result_ty = ctx.intern_type(flowc_ir::TypeData::UnrankedTensor { element: f32 });
    let region = ctx.create_region();
    let args: Vec<(Type, flowc_ir::Location)> = input_types.iter().map(|&t| (t, loc)).collect();
    let block = ctx.create_block(&args);
    ctx.append_block(region, block);
    let operands = ctx.block_args(block).to_vec();
    let state = OperationState::new(ctx, name, loc)
        .operands(&operands)
        .results(&vec![result_ty; num_results]);
    let op = ctx.create_op(state);
    ctx.append_op(block, op);
    let results = ctx.results(op).to_vec();
    let ret = OperationState::new(ctx, "func.return", loc).operands(&results);
    let ret = ctx.create_op(ret);
    ctx.append_op(block, ret);
    let fty = ctx.function_type(input_types.to_vec(), vec![result_ty; num_results]);
    let fty = ctx.type_attr(fty);
    let sym = ctx.string_attr("main");
    let mut state = OperationState::new(ctx, "func.func", loc);
    state.add_attr(ctx, "function_type", fty);
    state.add_attr(ctx, "sym_name", sym);
    state.regions.push(region);
    ctx.create_op(state)
}
