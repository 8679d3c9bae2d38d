//! The `func` dialect, as in MLIR: functions (`func.func`), returns, direct and indirect calls,
//! and function constants.
//!
//! ```mlir
//! func.func private @decl(i32) -> i32
//! func.func @f(%arg0: i32 {foo.attr}, %arg1: f32) -> (i32, f32) attributes {bar} {
//!   %0 = call @decl(%arg0) : (i32) -> i32
//!   %f = constant @decl : (i32) -> i32
//!   %1 = call_indirect %f(%0) : (i32) -> i32
//!   return %1, %arg1 : i32, f32
//! }
//! ```
//!
//! The custom syntax is the one `mlir-opt` 22 prints; the generic form works as for every op.

use flowc_ir::constraints::{
    ANY_TYPE, FLAT_SYMBOL_REF_ATTR, FUNCTION_TYPE_ATTR, STRING_ATTR, UNIT_ATTR,
};
use flowc_ir::parser::{Argument, OpParser, ParseResult};
use flowc_ir::pattern::{RewritePattern, Rewriter};
use flowc_ir::printer::OpPrinter;
use flowc_ir::{
    AttrConstraint, AttrData, Attribute, Block, Context, Diagnostic, DialectDef, FoldResult,
    Location, Op, OperationState, Region, Traits, Type, TypeConstraint, TypeData, Value, op_error,
};

/// `arg_attrs` / `res_attrs`: one dictionary per argument or result (MLIR's wording).
const DICTIONARY_ARRAY: AttrConstraint = AttrConstraint {
    description: "Array of dictionary attributes",
    check: |ctx, a| {
        ctx.array_value(a).is_some_and(|v| {
            v.iter()
                .all(|e| matches!(ctx.attr_data(*e), AttrData::Dictionary(_)))
        })
    },
};

/// Values of function type (the callee of `func.call_indirect`).
const FUNCTION_TYPE: TypeConstraint = TypeConstraint {
    description: "function type",
    check: |ctx, ty| ctx.function_signature(ty).is_some(),
};

flowc_ir::op! {
    /// A function: a symbol with a signature and, unless it is a declaration, a body whose entry
    /// block arguments are the function's arguments.
    pub struct FuncOp = "func.func" {
        summary: "An operation with a name containing a single `SSACFG` region",
        description: "`func.func @f(%arg0: i32) -> i32 { ... }`; generic form \
            `\"func.func\"() <{function_type = (i32) -> i32, sym_name = \"f\"}> ({...}) : () -> ()`. \
            A function without a body is a declaration and may not be public.",
        operands: {},
        results: {},
        attributes: {
            sym_name: required(STRING_ATTR),
            function_type: required(FUNCTION_TYPE_ATTR),
            sym_visibility: optional(STRING_ATTR),
            arg_attrs: optional(DICTIONARY_ARRAY),
            res_attrs: optional(DICTIONARY_ARRAY),
        },
        regions: { body },
        traits: Traits::ISOLATED_FROM_ABOVE | Traits::SYMBOL | Traits::FUNCTION_LIKE,
    }
}

flowc_ir::op! {
    /// Returns from the enclosing `func.func` with values matching its result types.
    pub struct ReturnOp = "func.return" {
        summary: "Function return operation",
        description: "`return %a, %b : i32, f32`; generic form `\"func.return\"(%a, %b) : (i32, f32) -> ()`.",
        operands: { operands: variadic(ANY_TYPE) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::TERMINATOR | Traits::RETURN_LIKE | Traits::PURE,
    }
}

flowc_ir::op! {
    /// A direct call of a function named by a symbol in the nearest symbol table.
    pub struct CallOp = "func.call" {
        summary: "call operation",
        description: "`%r = call @f(%a) : (i32) -> i32`; generic form \
            `%r = \"func.call\"(%a) <{callee = @f}> : (i32) -> i32`.",
        operands: { operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {
            callee: required(FLAT_SYMBOL_REF_ATTR),
            arg_attrs: optional(DICTIONARY_ARRAY),
            res_attrs: optional(DICTIONARY_ARRAY),
            no_inline: optional(UNIT_ATTR),
        },
        regions: {},
        traits: Traits::CALL,
    }
}

flowc_ir::op! {
    /// A call through a value of function type.
    pub struct CallIndirectOp = "func.call_indirect" {
        summary: "indirect call operation",
        description: "`%r = call_indirect %f(%a) : (i32) -> i32`; generic form \
            `%r = \"func.call_indirect\"(%f, %a) : ((i32) -> i32, i32) -> i32`.",
        operands: { callee: one(FUNCTION_TYPE), callee_operands: variadic(ANY_TYPE) },
        results: { results: variadic(ANY_TYPE) },
        attributes: {
            arg_attrs: optional(DICTIONARY_ARRAY),
            res_attrs: optional(DICTIONARY_ARRAY),
        },
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// A function symbol as an SSA value of function type.
    pub struct ConstantOp = "func.constant" {
        summary: "constant",
        description: "`%f = constant @f : (i32) -> i32`; generic form \
            `%f = \"func.constant\"() <{value = @f}> : () -> ((i32) -> i32)`.",
        operands: {},
        results: { result: one(ANY_TYPE) },
        attributes: { value: required(FLAT_SYMBOL_REF_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::CONSTANT_LIKE,
    }
}

/// The `func` dialect definition.
pub fn dialect() -> DialectDef {
    let func = FuncOp::base_def()
        .default_dialect("func")
        .verifier(verify_func);
    let ret = ReturnOp::base_def().verifier(verify_return);
    let call = CallOp::base_def().symbol_use_verifier(verify_call);
    let call_indirect = CallIndirectOp::base_def()
        .verifier(verify_call_indirect)
        .canonicalizer(call_indirect_patterns);
    let constant = ConstantOp::base_def()
        .symbol_use_verifier(verify_constant)
        .folder(fold_constant);
    let mut d = DialectDef::new("func", "Functions, calls and returns")
        .op(func.assembly(print_func, parse_func))
        .op(ret.assembly(print_return, parse_return))
        .op(call.assembly(print_call, parse_call))
        .op(call_indirect.assembly(print_call_indirect, parse_call_indirect))
        .op(constant.assembly(print_constant, parse_constant));
    d.materialize_constant = Some(materialize_constant);
    d
}

// ===== Builders and accessors =====

impl FuncOp {
    /// Creates a detached function `@name` of type `function_type` with an entry block whose
    /// arguments match the inputs.
    pub fn create(ctx: &mut Context, name: &str, function_type: Type, loc: Location) -> FuncOp {
        let inputs = ctx
            .function_signature(function_type)
            .map(|(i, _)| i.to_vec())
            .unwrap_or_default();
        let region = ctx.create_region();
        let args: Vec<(Type, Location)> = inputs.iter().map(|&t| (t, loc)).collect();
        let block = ctx.create_block(&args);
        ctx.append_block(region, block);
        let op = Self::create_with_region(ctx, name, function_type, region, loc);
        FuncOp(op)
    }

    /// Creates a detached declaration (no body), private as MLIR requires.
    pub fn create_declaration(
        ctx: &mut Context,
        name: &str,
        function_type: Type,
        loc: Location,
    ) -> FuncOp {
        let region = ctx.create_region();
        let op = Self::create_with_region(ctx, name, function_type, region, loc);
        let private = ctx.string_attr("private");
        ctx.set_attr(op, "sym_visibility", private);
        FuncOp(op)
    }

    fn create_with_region(
        ctx: &mut Context,
        name: &str,
        function_type: Type,
        region: Region,
        loc: Location,
    ) -> Op {
        let sym = ctx.string_attr(name);
        let ty = ctx.type_attr(function_type);
        let mut state = OperationState::new(ctx, Self::NAME, loc);
        state.add_attr(ctx, "sym_name", sym);
        state.add_attr(ctx, "function_type", ty);
        state.regions.push(region);
        ctx.create_op(state)
    }

    /// The symbol name (`f` for `@f`).
    pub fn name(self, ctx: &Context) -> &str {
        self.sym_name(ctx)
            .and_then(|a| ctx.str_value(a))
            .unwrap_or("")
    }

    /// The function type, `None` when the attribute is missing or malformed.
    pub fn function_type_value(self, ctx: &Context) -> Option<Type> {
        let ty = ctx.type_value(self.function_type(ctx)?)?;
        ctx.function_signature(ty).is_some().then_some(ty)
    }

    /// `(inputs, results)` of the signature.
    pub fn signature(self, ctx: &Context) -> (Vec<Type>, Vec<Type>) {
        match self
            .function_type_value(ctx)
            .and_then(|t| ctx.function_signature(t))
        {
            Some((i, r)) => (i.to_vec(), r.to_vec()),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// A declaration has an empty body region.
    pub fn is_declaration(self, ctx: &Context) -> bool {
        ctx.region_is_empty(self.body(ctx))
    }

    pub fn entry_block(self, ctx: &Context) -> Option<Block> {
        ctx.region_entry(self.body(ctx))
    }

    /// `public` (the default), `private` or `nested`.
    pub fn visibility(self, ctx: &Context) -> &str {
        self.sym_visibility(ctx)
            .and_then(|a| ctx.str_value(a))
            .unwrap_or("public")
    }
}

impl ReturnOp {
    /// Creates a detached `func.return`.
    pub fn create(ctx: &mut Context, values: &[Value], loc: Location) -> ReturnOp {
        let state = OperationState::new(ctx, Self::NAME, loc).operands(values);
        ReturnOp(ctx.create_op(state))
    }
}

impl CallOp {
    /// Creates a detached `func.call @callee(args) : (...) -> results`.
    pub fn create(
        ctx: &mut Context,
        callee: &str,
        args: &[Value],
        results: &[Type],
        loc: Location,
    ) -> CallOp {
        let callee = ctx.symbol_ref_attr(callee);
        let mut state = OperationState::new(ctx, Self::NAME, loc)
            .operands(args)
            .results(results);
        state.add_attr(ctx, "callee", callee);
        CallOp(ctx.create_op(state))
    }

    /// The callee's symbol name.
    pub fn callee_name(self, ctx: &Context) -> Option<&str> {
        ctx.flat_symbol(self.callee(ctx)?)
    }
}

/// The `func.func` that `symbol` names from `from`, if any: looked up in the nearest symbol
/// table around `from`, and only there (MLIR's `SymbolTable::lookupNearestSymbolFrom`).
pub fn lookup_function(ctx: &Context, from: Op, symbol: &str) -> Option<FuncOp> {
    flowc_ir::symbol::lookup_symbol_in_nearest_table(ctx, from, symbol)
        .and_then(|op| FuncOp::cast(ctx, op))
}

/// [`lookup_function`] through a cache of symbol tables (for verifiers, which look up many
/// callees in the same tables).
fn lookup_function_in(
    ctx: &Context,
    from: Op,
    symbol: &str,
    symbols: &mut flowc_ir::symbol::SymbolTableCollection,
) -> Option<FuncOp> {
    symbols
        .lookup_nearest(ctx, from, symbol)
        .and_then(|op| FuncOp::cast(ctx, op))
}

// ===== Verifiers =====

fn verify_func(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let func = FuncOp(op);
    let Some(fty) = func.function_type_value(ctx) else {
        return Ok(());
    };
    let (inputs, results) = ctx
        .function_signature(fty)
        .map(|(i, r)| (i.to_vec(), r.to_vec()))
        .unwrap_or_default();
    if let Some(vis) = func.sym_visibility(ctx) {
        let v = ctx.str_value(vis).unwrap_or("");
        if !matches!(v, "public" | "private" | "nested") {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "visibility expected to be one of [\"public\", \"private\", \"nested\"], but got \"{v}\""
                ),
            ));
        }
    }
    for (attr, count, what, kind) in [
        (func.arg_attrs(ctx), inputs.len(), "argument", "arguments"),
        (func.res_attrs(ctx), results.len(), "result", "results"),
    ] {
        if let Some(n) = attr
            .and_then(|a| ctx.array_value(a))
            .map(<[Attribute]>::len)
            && n != count
        {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "expects {what} attribute array to have the same number of elements as the number of function {kind}, got {n}, but expected {count}"
                ),
            ));
        }
    }
    let Some(entry) = func.entry_block(ctx) else {
        if func.visibility(ctx) == "public" {
            return Err(op_error(
                ctx,
                op,
                "symbol declaration cannot have public visibility",
            ));
        }
        return Ok(());
    };
    let args = ctx.block_args(entry);
    if args.len() != inputs.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "entry block must have {} arguments to match function signature",
                inputs.len()
            ),
        ));
    }
    for (i, (&arg, &ty)) in args.iter().zip(&inputs).enumerate() {
        let arg_ty = ctx.value_type(arg);
        if arg_ty != ty {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "type of entry block argument #{i}('{}') must match the type of the corresponding argument in function signature('{}')",
                    ctx.print_type(arg_ty),
                    ctx.print_type(ty)
                ),
            ));
        }
    }
    Ok(())
}

fn verify_return(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(func) = ctx.op_parent_op(op).and_then(|p| FuncOp::cast(ctx, p)) else {
        return Err(op_error(ctx, op, "expects parent op 'func.func'"));
    };
    let (_, results) = func.signature(ctx);
    let operands = ctx.operand_types(op);
    let name = func.name(ctx);
    if operands.len() != results.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "has {} operands, but enclosing function (@{name}) returns {}",
                operands.len(),
                results.len()
            ),
        ));
    }
    for (i, (&got, &want)) in operands.iter().zip(&results).enumerate() {
        if got != want {
            // MLIR emits this one without the `'func.return' op` prefix.
            return Err(Diagnostic::error(
                ctx.op_loc(op),
                format!(
                    "type of return operand {i} ('{}') doesn't match function result type ('{}') in function @{name}",
                    ctx.print_type(got),
                    ctx.print_type(want)
                ),
            ));
        }
    }
    Ok(())
}

fn verify_call(
    ctx: &Context,
    op: Op,
    symbols: &mut flowc_ir::symbol::SymbolTableCollection,
) -> Result<(), Diagnostic> {
    let call = CallOp(op);
    let Some(name) = call.callee_name(ctx) else {
        return Ok(());
    };
    let func = lookup_function_in(ctx, op, name, symbols);
    let Some(func) = func else {
        return Err(op_error(
            ctx,
            op,
            format!("'{name}' does not reference a valid function"),
        ));
    };
    let (inputs, results) = func.signature(ctx);
    let operands = ctx.operand_types(op);
    if operands.len() != inputs.len() {
        return Err(op_error(ctx, op, "incorrect number of operands for callee"));
    }
    for (i, (&got, &want)) in operands.iter().zip(&inputs).enumerate() {
        if got != want {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "operand type mismatch: expected operand type '{}', but provided '{}' for operand number {i}",
                    ctx.print_type(want),
                    ctx.print_type(got)
                ),
            ));
        }
    }
    let result_types = ctx.result_types(op);
    if result_types.len() != results.len() {
        return Err(op_error(ctx, op, "incorrect number of results for callee"));
    }
    for (i, (&got, &want)) in result_types.iter().zip(&results).enumerate() {
        if got != want {
            let loc = ctx.op_loc(op);
            return Err(
                op_error(ctx, op, format!("result type mismatch at index {i}"))
                    .with_note(
                        loc,
                        format!(
                            "      op result types: {}",
                            quoted_types(ctx, &result_types)
                        ),
                    )
                    .with_note(
                        loc,
                        format!("function result types: {}", quoted_types(ctx, &results)),
                    ),
            );
        }
    }
    Ok(())
}

/// `'i32', 'f32'`, as MLIR lists types in notes.
fn quoted_types(ctx: &Context, types: &[Type]) -> String {
    types
        .iter()
        .map(|&t| format!("'{}'", ctx.print_type(t)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn verify_call_indirect(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    if ctx.num_operands(op) == 0 {
        return Ok(());
    }
    let callee_ty = ctx.value_type(ctx.operand(op, 0));
    let Some((inputs, results)) = ctx.function_signature(callee_ty) else {
        return Ok(());
    };
    let args: Vec<Type> = ctx.operand_types(op)[1..].to_vec();
    if args != inputs {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that callee input types match argument types",
        ));
    }
    if ctx.result_types(op) != results {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that callee result types match result types",
        ));
    }
    Ok(())
}

fn verify_constant(
    ctx: &Context,
    op: Op,
    symbols: &mut flowc_ir::symbol::SymbolTableCollection,
) -> Result<(), Diagnostic> {
    let Some(name) = ConstantOp(op).value(ctx).and_then(|a| ctx.flat_symbol(a)) else {
        return Ok(());
    };
    let func = lookup_function_in(ctx, op, name, symbols);
    let Some(func) = func else {
        return Err(op_error(
            ctx,
            op,
            format!("reference to undefined function '{name}'"),
        ));
    };
    if func.function_type_value(ctx) != Some(ctx.value_type(ctx.result(op, 0))) {
        return Err(op_error(
            ctx,
            op,
            "reference to function with mismatched type",
        ));
    }
    Ok(())
}

// ===== Folding =====

fn fold_constant(
    ctx: &mut Context,
    op: Op,
    _operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    ctx.attr(op, "value").map(|a| vec![FoldResult::Attr(a)])
}

/// Materializes a symbol reference of function type as `func.constant`.
fn materialize_constant(
    ctx: &mut Context,
    value: Attribute,
    ty: Type,
    loc: Location,
) -> Option<Op> {
    ctx.flat_symbol(value)?;
    if !matches!(ctx.type_data(ty), TypeData::Function { .. }) {
        return None;
    }
    let mut state = OperationState::new(ctx, ConstantOp::NAME, loc).results(&[ty]);
    state.add_attr(ctx, "value", value);
    Some(ctx.create_op(state))
}

// ===== Canonicalization =====

/// `call_indirect (constant @f)(args) -> call @f(args)` (MLIR's `SimplifyIndirectCallWithKnownCallee`).
struct IndirectCallOfConstant;

impl RewritePattern for IndirectCallOfConstant {
    fn name(&self) -> &str {
        "func-indirect-call-of-constant"
    }
    fn root(&self) -> Option<&str> {
        Some(CallIndirectOp::NAME)
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let Some(callee) = ctx.operands(op).next() else {
            return false;
        };
        let Some(symbol) = ctx
            .defining_op(callee)
            .filter(|&c| ctx.op_name(c) == ConstantOp::NAME)
            .and_then(|c| ctx.attr(c, "value"))
        else {
            return false;
        };
        let args: Vec<Value> = ctx.operands(op).skip(1).collect();
        let results = ctx.result_types(op);
        let mut state = OperationState::new(rw.ctx, CallOp::NAME, rw.ctx.op_loc(op))
            .operands(&args)
            .results(&results);
        state.add_attr(rw.ctx, "callee", symbol);
        rw.replace_op_with_new(op, state);
        true
    }
}

fn call_indirect_patterns() -> Vec<Box<dyn RewritePattern>> {
    vec![Box::new(IndirectCallOfConstant)]
}

// ===== Custom syntax =====

/// Attributes that `func.func`'s custom syntax prints in place, not in `attributes {...}`.
const FUNC_ELIDED: [&str; 5] = [
    "sym_name",
    "function_type",
    "sym_visibility",
    "arg_attrs",
    "res_attrs",
];

/// The dictionary at `index` of an `arg_attrs` / `res_attrs` array, if it is not empty.
fn entry_dict(ctx: &Context, array: Option<Attribute>, index: usize) -> Option<Attribute> {
    let d = *array.and_then(|a| ctx.array_value(a))?.get(index)?;
    match ctx.attr_data(d) {
        AttrData::Dictionary(entries) if !entries.is_empty() => Some(d),
        _ => None,
    }
}

// func.func [visibility] @name(%arg0: i32 {attrs}, ...) -> (i32 {attrs}, f32) attributes {...} { ... }
fn print_func(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let func = FuncOp(op);
    if let Some(vis) = func.sym_visibility(ctx).and_then(|a| ctx.str_value(a)) {
        p.write(" ");
        p.write(vis);
    }
    p.write(" ");
    p.print_symbol_name(func.name(ctx));
    let (inputs, results) = func.signature(ctx);
    let arg_attrs = func.arg_attrs(ctx);
    let res_attrs = func.res_attrs(ctx);
    let entry = func.entry_block(ctx);
    p.write("(");
    for (i, &ty) in inputs.iter().enumerate() {
        if i > 0 {
            p.write(", ");
        }
        let arg = entry.and_then(|b| ctx.block_args(b).get(i).copied());
        match arg {
            Some(arg) => p.print_block_arg_with_type(arg),
            None => p.print_type(ty),
        }
        if let Some(d) = entry_dict(ctx, arg_attrs, i) {
            p.write(" ");
            p.print_attr(d);
        }
        if let Some(arg) = arg {
            p.print_optional_location(ctx.value_loc(arg));
        }
    }
    p.write(")");
    if !results.is_empty() {
        p.write(" -> ");
        let any_attrs = (0..results.len()).any(|i| entry_dict(ctx, res_attrs, i).is_some());
        let parens = results.len() > 1
            || any_attrs
            || matches!(ctx.type_data(results[0]), TypeData::Function { .. });
        if parens {
            p.write("(");
        }
        for (i, &ty) in results.iter().enumerate() {
            if i > 0 {
                p.write(", ");
            }
            p.print_type(ty);
            if let Some(d) = entry_dict(ctx, res_attrs, i) {
                p.write(" ");
                p.print_attr(d);
            }
        }
        if parens {
            p.write(")");
        }
    }
    p.print_optional_attr_dict_with_keyword(op, &FUNC_ELIDED);
    let body = func.body(ctx);
    if !ctx.region_is_empty(body) {
        p.write(" ");
        p.print_region(body, false, true);
    }
}

/// `{...}` after an argument or result type, as a dictionary attribute (empty when absent).
fn parse_optional_dict(p: &mut OpParser<'_, '_>) -> ParseResult<Attribute> {
    let mut entries = Vec::new();
    p.parse_optional_attr_dict(&mut entries)?;
    Ok(p.ctx().dictionary_attr(entries))
}

/// The `arg_attrs` / `res_attrs` array, or `None` when every dictionary is empty.
fn dict_array(ctx: &mut Context, dicts: Vec<Attribute>) -> Option<Attribute> {
    let any = dicts
        .iter()
        .any(|&d| matches!(ctx.attr_data(d), AttrData::Dictionary(e) if !e.is_empty()));
    any.then(|| ctx.array_attr(dicts))
}

fn parse_func(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let mut visibility = None;
    for v in ["private", "public", "nested"] {
        if p.parse_optional_keyword(v) {
            visibility = Some(v);
            break;
        }
    }
    let name = p.parse_symbol_name()?;
    // Arguments: `%arg0: i32 {attrs} loc(...)` for definitions, `i32 {attrs}` for declarations.
    p.parse_punct("(")?;
    let mut args: Vec<Argument> = Vec::new();
    let mut input_types = Vec::new();
    let mut arg_dicts = Vec::new();
    let mut named = None;
    if !p.parse_optional_punct(")") {
        loop {
            let operand = p.parse_optional_operand()?;
            let is_named = operand.is_some();
            if *named.get_or_insert(is_named) != is_named {
                return Err(p.error(if is_named {
                    "expected type instead of SSA identifier"
                } else {
                    "expected SSA identifier"
                }));
            }
            if operand.is_some() {
                p.parse_punct(":")?;
            }
            let ty = p.parse_type()?;
            let dict = parse_optional_dict(p)?;
            let loc = p.parse_optional_location()?;
            if let Some(name) = operand {
                let attrs = Some(dict);
                args.push(Argument {
                    name,
                    ty,
                    attrs,
                    loc,
                });
            }
            input_types.push(ty);
            arg_dicts.push(dict);
            if !p.parse_optional_punct(",") {
                break;
            }
        }
        p.parse_punct(")")?;
    }
    // Results: `-> type` or `-> (type {attrs}, ...)`.
    let mut result_types = Vec::new();
    let mut res_dicts = Vec::new();
    if p.parse_optional_punct("->") {
        if p.parse_optional_punct("(") {
            if !p.parse_optional_punct(")") {
                loop {
                    result_types.push(p.parse_type()?);
                    res_dicts.push(parse_optional_dict(p)?);
                    if !p.parse_optional_punct(",") {
                        break;
                    }
                }
                p.parse_punct(")")?;
            }
        } else {
            result_types.push(p.parse_type()?);
            let empty = p.ctx().dictionary_attr(Vec::new());
            res_dicts.push(empty);
        }
    }
    let ctx = p.ctx();
    let sym = ctx.string_attr(name);
    state.add_attr(ctx, "sym_name", sym);
    let fty = ctx.function_type(input_types, result_types);
    let fty = ctx.type_attr(fty);
    state.add_attr(ctx, "function_type", fty);
    if let Some(v) = visibility {
        let v = ctx.string_attr(v);
        state.add_attr(ctx, "sym_visibility", v);
    }
    if let Some(a) = dict_array(ctx, arg_dicts) {
        state.add_attr(ctx, "arg_attrs", a);
    }
    if let Some(a) = dict_array(ctx, res_dicts) {
        state.add_attr(ctx, "res_attrs", a);
    }
    p.parse_optional_attr_dict_with_keyword(&mut state.attributes)?;
    let region = p.ctx().create_region();
    p.parse_optional_region(region, &args)?;
    state.regions.push(region);
    Ok(())
}

// return {attrs} %a, %b : i32, f32
fn print_return(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.print_optional_attr_dict(op, &[]);
    let operands = ctx.operand_vec(op);
    if !operands.is_empty() {
        p.write(" ");
        p.print_operands(&operands);
        p.write(" : ");
        p.print_type_list(&ctx.operand_types(op));
    }
}

fn parse_return(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let operands = p.parse_operand_list()?;
    if !operands.is_empty() {
        p.parse_punct(":")?;
        let types = p.parse_type_list()?;
        p.resolve_operands(&operands, &types, &mut state.operands)?;
    }
    Ok(())
}

/// `(i32, f32) -> i32`
fn print_function_type(p: &mut OpPrinter<'_, '_>, inputs: &[Type], results: &[Type]) {
    p.write("(");
    p.print_type_list(inputs);
    p.write(") -> ");
    p.print_arrow_type_list(results);
}

/// A function type, or an error at the current token.
fn parse_function_type(p: &mut OpParser<'_, '_>) -> ParseResult<(Type, Vec<Type>, Vec<Type>)> {
    let ty = p.parse_type()?;
    match p.ctx().function_signature(ty) {
        Some((i, r)) => {
            let (i, r) = (i.to_vec(), r.to_vec());
            Ok((ty, i, r))
        }
        None => Err(p.error("expected function type")),
    }
}

// call @f(%a, %b) {attrs} : (i32, f32) -> i32
fn print_call(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    if let Some(callee) = ctx.attr(op, "callee") {
        p.print_attr(callee);
    }
    p.write("(");
    p.print_operands(&ctx.operand_vec(op));
    p.write(")");
    p.print_optional_attr_dict(op, &["callee"]);
    p.write(" : ");
    print_function_type(p, &ctx.operand_types(op), &ctx.result_types(op));
}

fn parse_call(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let callee = p.parse_symbol_name()?;
    p.parse_punct("(")?;
    let operands = p.parse_operand_list()?;
    p.parse_punct(")")?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    p.parse_punct(":")?;
    let (_, inputs, results) = parse_function_type(p)?;
    p.resolve_operands(&operands, &inputs, &mut state.operands)?;
    state.result_types = results;
    let callee = p.ctx().symbol_ref_attr(&callee);
    state.add_attr(p.ctx(), "callee", callee);
    Ok(())
}

// call_indirect %f(%a) {attrs} : (i32) -> i32
fn print_call_indirect(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let operands = ctx.operand_vec(op);
    let Some((&callee, args)) = operands.split_first() else {
        return;
    };
    p.write(" ");
    p.print_operand(callee);
    p.write("(");
    p.print_operands(args);
    p.write(")");
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(callee));
}

fn parse_call_indirect(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let callee = p.parse_operand()?;
    p.parse_punct("(")?;
    let operands = p.parse_operand_list()?;
    p.parse_punct(")")?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    p.parse_punct(":")?;
    let (fty, inputs, results) = parse_function_type(p)?;
    let callee = p.resolve_operand(&callee, fty)?;
    state.operands.push(callee);
    p.resolve_operands(&operands, &inputs, &mut state.operands)?;
    state.result_types = results;
    Ok(())
}

// constant @f {attrs} : (i32) -> i32
fn print_constant(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    if let Some(v) = ctx.attr(op, "value") {
        p.print_attr(v);
    }
    p.print_optional_attr_dict(op, &["value"]);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn parse_constant(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let name = p.parse_symbol_name()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    state.result_types.push(ty);
    let value = p.ctx().symbol_ref_attr(&name);
    state.add_attr(p.ctx(), "value", value);
    Ok(())
}

#[cfg(test)]
mod tests;
