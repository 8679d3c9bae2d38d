//! The `buffer` dialect: memory. Memrefs are builtin `memref<4x8xf32>` types; code generation
//! accepts static shapes with the identity layout (dense, row-major).
//!
//! ```mlir
//! buffer.global @w0 : memref<64x3x3x3xf32> = dense_resource<w0>  // module level, read-only
//! %w = buffer.get_global @w0 : memref<64x3x3x3xf32>
//! %m = buffer.alloc() {offset = 4096 : i64} : memref<1x64x56x56xf32>  // arena offset
//! %s = buffer.alloca() : memref<8x32xf32>                              // stack scratch
//! %x = buffer.load %m[%i, %j] : memref<4x8xf32>
//! buffer.store %x, %m[%i, %j] : memref<4x8xf32>
//! %v = buffer.view %m : memref<4x8xf32> to memref<32xf32>            // same bytes, new shape
//! %r = buffer.view %m {offset = 64 : i64} : memref<4x8xf32> to memref<2x8xf32>  // rows 2..4
//! buffer.copy %src, %dst : memref<4x8xf32>, memref<4x8xf32>
//! ```
//!
//! - `buffer.global`: attributes `sym_name`, `type` (a memref type) and `value` (a `dense` or
//!   `dense_resource` elements attribute with the memref's element type and element count). A
//!   symbol. In the custom syntax a `dense_resource` value whose type is the tensor of the
//!   memref's shape is written without its type.
//! - `buffer.get_global`: the memref of a `buffer.global`, by symbol; types must match.
//! - `buffer.alloc` / `buffer.alloca`: static shapes; `alloc` has an optional `offset` (`i64`,
//!   its byte offset in the arena, set by memory planning).
//! - `buffer.load` / `buffer.store`: one `index` per dimension; the element type of the memref.
//! - `buffer.view`: both types have the same byte size; an alias, not a copy. With an `offset`
//!   (`i64`, bytes) the result is the contiguous run of the source's bytes that starts there
//!   (`offset + result bytes <= source bytes`): a contiguous slice, e.g. one of Q / K / V in a
//!   merged projection. Offset views exist in the entry function only (the launch plan turns
//!   them into argument byte offsets); kernel code generation rejects them.
//! - `buffer.copy`: same shape and element type.

use flowc_ir::constraints::{
    ANY_ATTR, ANY_TYPE, FLAT_SYMBOL_REF_ATTR, I64_ATTR, INDEX, MEMREF, STRING_ATTR, TYPE_ATTR,
};
use flowc_ir::parser::{OpParser, ParseResult};
use flowc_ir::pattern::InsertPoint;
use flowc_ir::printer::OpPrinter;
use flowc_ir::symbol::SymbolTableCollection;
use flowc_ir::{
    AttrData, Attribute, Context, Diagnostic, DialectDef, Location, Op, OperationState, Traits,
    Type, TypeData, Value, op_error,
};

flowc_ir::op! {
    /// A module-level, read-only memref initialized from an elements attribute (weights).
    pub struct GlobalOp = "buffer.global" {
        summary: "global read-only buffer",
        description: "`buffer.global @w0 : memref<64x3xf32> = dense_resource<w0>`; generic form \
            `\"buffer.global\"() <{sym_name = \"w0\", type = memref<64x3xf32>, value = dense_resource<w0> : tensor<64x3xf32>}> : () -> ()`.",
        operands: {},
        results: {},
        attributes: {
            sym_name: required(STRING_ATTR),
            value: required(ANY_ATTR),
            sym_visibility: optional(STRING_ATTR),
        },
        regions: {},
        traits: Traits::SYMBOL,
    }
}

flowc_ir::op! {
    /// The memref of a `buffer.global`.
    pub struct GetGlobalOp = "buffer.get_global" {
        summary: "the memref of a global buffer",
        description: "`%w = buffer.get_global @w0 : memref<64x3xf32>`",
        operands: {},
        results: { result: one(MEMREF) },
        attributes: { name: required(FLAT_SYMBOL_REF_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// A buffer in the arena of the launch plan; `offset` is its byte offset there.
    pub struct AllocOp = "buffer.alloc" {
        summary: "arena buffer",
        description: "`%m = buffer.alloc() {offset = 4096 : i64} : memref<1x64x56x56xf32>`; \
            `offset` is set by memory planning.",
        operands: {},
        results: { memref: one(MEMREF) },
        attributes: { offset: optional(I64_ATTR) },
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Kernel scratch on the stack, live until the enclosing function returns.
    pub struct AllocaOp = "buffer.alloca" {
        summary: "stack buffer",
        description: "`%s = buffer.alloca() : memref<8x32xf32>`",
        operands: {},
        results: { memref: one(MEMREF) },
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Reads one element.
    pub struct LoadOp = "buffer.load" {
        summary: "load one element",
        description: "`%x = buffer.load %m[%i, %j] : memref<4x8xf32>`",
        operands: { memref: one(MEMREF), indices: variadic(INDEX) },
        results: { result: one(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Writes one element.
    pub struct StoreOp = "buffer.store" {
        summary: "store one element",
        description: "`buffer.store %x, %m[%i, %j] : memref<4x8xf32>`",
        operands: { value: one(ANY_TYPE), memref: one(MEMREF), indices: variadic(INDEX) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// The same bytes under another shape (the reshape family), or with `offset` a contiguous
    /// run of them: an alias, not a copy.
    pub struct ViewOp = "buffer.view" {
        summary: "reinterpret a buffer (or a contiguous part of it) with another shape",
        description: "`%v = buffer.view %m : memref<4x8xf32> to memref<32xf32>`; both types have \
            the same byte size. `%v = buffer.view %m {offset = 64 : i64} : memref<4x8xf32> to \
            memref<2x8xf32>`: the result's bytes start `offset` bytes into the source's and end \
            within them.",
        operands: { source: one(MEMREF) },
        results: { result: one(MEMREF) },
        attributes: { offset: optional(I64_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// Copies every element of `source` to `target`.
    pub struct CopyOp = "buffer.copy" {
        summary: "copy a buffer",
        description: "`buffer.copy %src, %dst : memref<4x8xf32>, memref<4x8xf32>`",
        operands: { source: one(MEMREF), target: one(MEMREF) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

/// The `buffer` dialect definition.
pub fn dialect() -> DialectDef {
    DialectDef::new(
        "buffer",
        "Memory: globals, arena and stack buffers, loads, stores, views, copies",
    )
    // `type` is not a Rust identifier the op! macro can name; it is declared here.
    .op(GlobalOp::base_def()
        .attribute("type", false, TYPE_ATTR)
        .verifier(verify_global)
        .assembly(print_global, parse_global))
    .op(GetGlobalOp::base_def()
        .symbol_use_verifier(verify_get_global)
        .assembly(print_get_global, parse_get_global))
    .op(AllocOp::base_def()
        .verifier(verify_alloc)
        .assembly(print_alloc, parse_alloc))
    .op(AllocaOp::base_def()
        .verifier(verify_alloc)
        .assembly(print_alloc, parse_alloc))
    .op(LoadOp::base_def()
        .verifier(verify_load)
        .assembly(print_load, parse_load))
    .op(StoreOp::base_def()
        .verifier(verify_store)
        .assembly(print_store, parse_store))
    .op(ViewOp::base_def()
        .verifier(verify_view)
        .assembly(print_view, parse_view))
    .op(CopyOp::base_def()
        .verifier(verify_copy)
        .assembly(print_copy, parse_copy))
}

// ===== Type helpers (shared with lowerings and code generation) =====

/// `(shape, element type)` of a ranked memref; `None` for any other type.
pub fn memref_parts(ctx: &Context, ty: Type) -> Option<(&[i64], Type)> {
    match ctx.type_data(ty) {
        TypeData::MemRef { shape, element, .. } => Some((shape, *element)),
        _ => None,
    }
}

/// Whether `ty` is a memref code generation accepts: ranked, static shape, identity layout,
/// default memory space, element type of known byte width.
pub fn is_static_dense_memref(ctx: &Context, ty: Type) -> bool {
    match ctx.type_data(ty) {
        TypeData::MemRef {
            shape,
            element,
            layout,
            memory_space,
        } => {
            shape.iter().all(|&d| d >= 0)
                && layout.is_none()
                && memory_space.is_none()
                && ctx.scalar_byte_width(*element).is_some()
        }
        _ => false,
    }
}

/// The byte size of a statically shaped memref (element count times element byte width).
pub fn byte_size(ctx: &Context, ty: Type) -> Option<u64> {
    let (_, element) = memref_parts(ctx, ty)?;
    let width = ctx.scalar_byte_width(element)? as u64;
    ctx.num_elements(ty)?.checked_mul(width)
}

/// Row-major element strides of a static shape (`[8, 1]` for `4x8`).
pub fn row_major_strides(shape: &[i64]) -> Vec<i64> {
    let mut strides = vec![1i64; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1].saturating_mul(shape[i + 1]);
    }
    strides
}

/// The tensor type with the shape and element type of a memref (the type of a global's value).
pub fn value_type_of(ctx: &mut Context, memref: Type) -> Option<Type> {
    let (shape, element) = memref_parts(ctx, memref)?;
    let shape = shape.to_vec();
    Some(ctx.tensor_type(shape, element))
}

// ===== Accessors =====

impl GlobalOp {
    /// The symbol name (`w0` for `@w0`).
    pub fn name(self, ctx: &Context) -> &str {
        self.sym_name(ctx)
            .and_then(|a| ctx.str_value(a))
            .unwrap_or("")
    }

    /// The memref type.
    pub fn memref_type(self, ctx: &Context) -> Option<Type> {
        ctx.type_value(ctx.attr(self.0, "type")?)
    }
}

impl GetGlobalOp {
    /// The referenced global's symbol name.
    pub fn global_name(self, ctx: &Context) -> Option<&str> {
        ctx.flat_symbol(self.name(ctx)?)
    }
}

impl ViewOp {
    /// The byte offset of the view into its source (0 without the attribute).
    pub fn offset_value(self, ctx: &Context) -> Option<i64> {
        match self.offset(ctx) {
            None => Some(0),
            Some(a) => ctx.int_value(a).and_then(|v| i64::try_from(v).ok()),
        }
    }
}

impl AllocOp {
    /// The planned arena offset in bytes, if set.
    pub fn offset_value(self, ctx: &Context) -> Option<i64> {
        self.offset(ctx)
            .and_then(|a| ctx.int_value(a))
            .and_then(|v| i64::try_from(v).ok())
    }
}

// ===== Builders =====

fn insert(ctx: &mut Context, ip: &mut InsertPoint, op: Op) {
    *ip = ip.insert(ctx, op);
}

fn create(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    name: &str,
    operands: &[Value],
    results: &[Type],
    attrs: &[(&str, Attribute)],
    loc: Location,
) -> Op {
    let mut state = OperationState::new(ctx, name, loc)
        .operands(operands)
        .results(results);
    for &(n, a) in attrs {
        state.add_attr(ctx, n, a);
    }
    let op = ctx.create_op(state);
    insert(ctx, ip, op);
    op
}

/// Creates `buffer.global @name : ty = value` at `*ip` (a module body), advancing `*ip`.
pub fn build_global(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    name: &str,
    ty: Type,
    value: Attribute,
    loc: Location,
) -> GlobalOp {
    let sym = ctx.string_attr(name);
    let ty = ctx.type_attr(ty);
    let attrs = [("sym_name", sym), ("type", ty), ("value", value)];
    GlobalOp(create(ctx, ip, GlobalOp::NAME, &[], &[], &attrs, loc))
}

/// Creates `buffer.get_global @name : ty` at `*ip` and returns the memref.
pub fn build_get_global(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    name: &str,
    ty: Type,
    loc: Location,
) -> Value {
    let sym = ctx.symbol_ref_attr(name);
    let op = create(
        ctx,
        ip,
        GetGlobalOp::NAME,
        &[],
        &[ty],
        &[("name", sym)],
        loc,
    );
    ctx.result(op, 0)
}

/// Creates `buffer.alloc() [{offset = N : i64}] : ty` at `*ip` and returns the memref.
pub fn build_alloc(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    ty: Type,
    offset: Option<i64>,
    loc: Location,
) -> Value {
    let attrs: Vec<(&str, Attribute)> = offset
        .map(|o| ("offset", ctx.i64_attr(o)))
        .into_iter()
        .collect();
    let op = create(ctx, ip, AllocOp::NAME, &[], &[ty], &attrs, loc);
    ctx.result(op, 0)
}

/// Creates `buffer.alloca() : ty` at `*ip` and returns the memref.
pub fn build_alloca(ctx: &mut Context, ip: &mut InsertPoint, ty: Type, loc: Location) -> Value {
    let op = create(ctx, ip, AllocaOp::NAME, &[], &[ty], &[], loc);
    ctx.result(op, 0)
}

/// Creates `buffer.load memref[indices]` at `*ip` and returns the element. `memref` must be a
/// ranked memref (the result type is its element type).
pub fn build_load(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    memref: Value,
    indices: &[Value],
    loc: Location,
) -> Value {
    let ty = ctx.value_type(memref);
    let element = ctx.element_type(ty).unwrap_or(ty);
    let mut operands = vec![memref];
    operands.extend_from_slice(indices);
    let op = create(ctx, ip, LoadOp::NAME, &operands, &[element], &[], loc);
    ctx.result(op, 0)
}

/// Creates `buffer.store value, memref[indices]` at `*ip`.
pub fn build_store(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    value: Value,
    memref: Value,
    indices: &[Value],
    loc: Location,
) -> StoreOp {
    let mut operands = vec![value, memref];
    operands.extend_from_slice(indices);
    StoreOp(create(ctx, ip, StoreOp::NAME, &operands, &[], &[], loc))
}

/// Creates `buffer.view source : ... to ty` at `*ip` and returns the view.
pub fn build_view(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    source: Value,
    ty: Type,
    loc: Location,
) -> Value {
    let op = create(ctx, ip, ViewOp::NAME, &[source], &[ty], &[], loc);
    ctx.result(op, 0)
}

/// Creates `buffer.copy source, target` at `*ip`.
pub fn build_copy(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    source: Value,
    target: Value,
    loc: Location,
) -> CopyOp {
    CopyOp(create(
        ctx,
        ip,
        CopyOp::NAME,
        &[source, target],
        &[],
        &[],
        loc,
    ))
}

// ===== Verifiers =====

fn ty_str(ctx: &Context, ty: Type) -> String {
    ctx.print_type(ty)
}

/// The ranked memref type of `v`, or an error.
fn ranked(ctx: &Context, op: Op, v: Value, what: &str) -> Result<(Vec<i64>, Type), Diagnostic> {
    let ty = ctx.value_type(v);
    memref_parts(ctx, ty)
        .map(|(s, e)| (s.to_vec(), e))
        .ok_or_else(|| {
            op_error(
                ctx,
                op,
                format!(
                    "expects {what} to be a ranked memref, but got '{}'",
                    ty_str(ctx, ty)
                ),
            )
        })
}

fn require_static(ctx: &Context, op: Op, ty: Type, what: &str) -> Result<(), Diagnostic> {
    match memref_parts(ctx, ty) {
        Some((shape, _)) if shape.iter().all(|&d| d >= 0) => Ok(()),
        _ => Err(op_error(
            ctx,
            op,
            format!(
                "expects {what} to be a statically shaped memref, but got '{}'",
                ty_str(ctx, ty)
            ),
        )),
    }
}

fn check_indices(ctx: &Context, op: Op, rank: usize, indices: usize) -> Result<(), Diagnostic> {
    if rank != indices {
        return Err(op_error(
            ctx,
            op,
            format!(
                "incorrect number of indices: expected {rank} (the memref's rank), got {indices}"
            ),
        ));
    }
    Ok(())
}

fn verify_global(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let g = GlobalOp(op);
    let Some(ty) = g.memref_type(ctx) else {
        return Ok(());
    };
    if !is_static_dense_memref(ctx, ty) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "type should be a statically shaped memref with the identity layout, but got '{}'",
                ty_str(ctx, ty)
            ),
        ));
    }
    let Some(value) = g.value(ctx) else {
        return Ok(());
    };
    let value_ty = match ctx.attr_data(value) {
        AttrData::DenseElements { ty, .. } | AttrData::DenseResource { ty, .. } => *ty,
        _ => {
            return Err(op_error(
                ctx,
                op,
                "initial value should be a dense or dense_resource elements attribute",
            ));
        }
    };
    let (_, element) = memref_parts(ctx, ty).expect("checked above");
    if ctx.element_type(value_ty) != Some(element)
        || ctx.num_elements(value_ty) != ctx.num_elements(ty)
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "initial value of type '{}' does not match the element type and count of '{}'",
                ty_str(ctx, value_ty),
                ty_str(ctx, ty)
            ),
        ));
    }
    Ok(())
}

fn verify_get_global(
    ctx: &Context,
    op: Op,
    symbols: &mut SymbolTableCollection,
) -> Result<(), Diagnostic> {
    let get = GetGlobalOp(op);
    let Some(name) = get.global_name(ctx) else {
        return Ok(());
    };
    let global = symbols
        .lookup_nearest(ctx, op, name)
        .and_then(|g| GlobalOp::cast(ctx, g));
    let Some(global) = global else {
        return Err(op_error(
            ctx,
            op,
            format!("'{name}' does not reference a valid global buffer"),
        ));
    };
    let result = ctx.value_type(get.result(ctx));
    if global.memref_type(ctx) != Some(result) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type '{}' does not match type '{}' of the global buffer @{name}",
                ty_str(ctx, result),
                global
                    .memref_type(ctx)
                    .map_or_else(String::new, |t| ty_str(ctx, t))
            ),
        ));
    }
    Ok(())
}

fn verify_alloc(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let ty = ctx.value_type(ctx.result(op, 0));
    require_static(ctx, op, ty, "the result")?;
    if let Some(o) = ctx.attr(op, "offset").and_then(|a| ctx.int_value(a))
        && o < 0
    {
        return Err(op_error(
            ctx,
            op,
            format!("offset must be non-negative, got {o}"),
        ));
    }
    Ok(())
}

fn verify_load(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let load = LoadOp(op);
    let (shape, element) = ranked(ctx, op, load.memref(ctx), "the memref operand")?;
    check_indices(ctx, op, shape.len(), load.indices(ctx).len())?;
    let result = ctx.value_type(load.result(ctx));
    if result != element {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type '{}' does not match the memref element type '{}'",
                ty_str(ctx, result),
                ty_str(ctx, element)
            ),
        ));
    }
    Ok(())
}

fn verify_store(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let store = StoreOp(op);
    let (shape, element) = ranked(ctx, op, store.memref(ctx), "the memref operand")?;
    check_indices(ctx, op, shape.len(), store.indices(ctx).len())?;
    let value = ctx.value_type(store.value(ctx));
    if value != element {
        return Err(op_error(
            ctx,
            op,
            format!(
                "value type '{}' does not match the memref element type '{}'",
                ty_str(ctx, value),
                ty_str(ctx, element)
            ),
        ));
    }
    Ok(())
}

fn verify_view(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let view = ViewOp(op);
    let source = ctx.value_type(view.source(ctx));
    let result = ctx.value_type(view.result(ctx));
    require_static(ctx, op, source, "the source")?;
    require_static(ctx, op, result, "the result")?;
    let (a, b) = (byte_size(ctx, source), byte_size(ctx, result));
    let bytes = |n: Option<u64>| n.map_or("?".to_string(), |n| n.to_string());
    let Some(offset) = view.offset(ctx) else {
        if a.is_none() || a != b {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "source '{}' ({} bytes) and result '{}' ({} bytes) must have the same byte size",
                    ty_str(ctx, source),
                    bytes(a),
                    ty_str(ctx, result),
                    bytes(b)
                ),
            ));
        }
        return Ok(());
    };
    let offset = ctx.int_value(offset).and_then(|v| u64::try_from(v).ok());
    let Some(offset) = offset else {
        return Err(op_error(ctx, op, "offset must be non-negative"));
    };
    let fits =
        matches!((a, b), (Some(a), Some(b)) if offset.checked_add(b).is_some_and(|e| e <= a));
    if !fits {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result '{}' ({} bytes) at offset {offset} does not fit in source '{}' ({} bytes)",
                ty_str(ctx, result),
                bytes(b),
                ty_str(ctx, source),
                bytes(a)
            ),
        ));
    }
    Ok(())
}

fn verify_copy(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let copy = CopyOp(op);
    let (s1, e1) = ranked(ctx, op, copy.source(ctx), "the source")?;
    let (s2, e2) = ranked(ctx, op, copy.target(ctx), "the target")?;
    if s1 != s2 || e1 != e2 {
        return Err(op_error(
            ctx,
            op,
            format!(
                "source '{}' and target '{}' must have the same shape and element type",
                ty_str(ctx, ctx.value_type(copy.source(ctx))),
                ty_str(ctx, ctx.value_type(copy.target(ctx)))
            ),
        ));
    }
    Ok(())
}

// ===== Custom syntax =====

const VISIBILITIES: [&str; 3] = ["private", "public", "nested"];

// buffer.global [visibility] @name : memref<...> = value {attrs}
fn print_global(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let g = GlobalOp(op);
    if let Some(v) = g.sym_visibility(ctx).and_then(|a| ctx.str_value(a)) {
        p.write(" ");
        p.write(v);
    }
    p.write(" ");
    p.print_symbol_name(g.name(ctx));
    p.write(" : ");
    if let Some(ty) = g.memref_type(ctx) {
        p.print_type(ty);
    }
    if let Some(value) = g.value(ctx) {
        p.write(" = ");
        // `dense_resource<name>` of the memref's tensor type reads back without its type.
        let implied = match (ctx.attr_data(value), g.memref_type(ctx)) {
            (AttrData::DenseResource { ty, .. }, Some(m)) => memref_parts(ctx, m)
                .is_some_and(|(shape, element)| {
                    matches!(ctx.type_data(*ty), TypeData::RankedTensor { shape: s, element: e, encoding: None }
                        if s.as_slice() == shape && *e == element)
                }),
            _ => false,
        };
        if implied {
            p.print_attr_without_type(value);
        } else {
            p.print_attr(value);
        }
    }
    p.print_optional_attr_dict(op, &["sym_name", "type", "value", "sym_visibility"]);
}

fn parse_global(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let visibility = VISIBILITIES
        .into_iter()
        .find(|v| p.parse_optional_keyword(v));
    let name = p.parse_symbol_name()?;
    let ty = p.parse_colon_type()?;
    p.parse_punct("=")?;
    let value = if p.parse_optional_keyword("dense_resource") {
        // `dense_resource<handle>` with an optional `: type` (default: the memref's tensor).
        p.parse_punct("<")?;
        let handle = match p.parse_optional_any_keyword() {
            Some(h) => h,
            None => p.parse_string()?,
        };
        p.parse_punct(">")?;
        let value_ty = if p.parse_optional_punct(":") {
            p.parse_type()?
        } else {
            match value_type_of(p.ctx(), ty) {
                Some(t) => t,
                None => return Err(p.error("expected a ranked memref type for the global")),
            }
        };
        p.ctx().intern_attr(AttrData::DenseResource {
            name: handle,
            ty: value_ty,
        })
    } else {
        p.parse_attribute()?
    };
    let ctx = p.ctx();
    let sym = ctx.string_attr(name);
    state.add_attr(ctx, "sym_name", sym);
    let ty = ctx.type_attr(ty);
    state.add_attr(ctx, "type", ty);
    state.add_attr(ctx, "value", value);
    if let Some(v) = visibility {
        let v = ctx.string_attr(v);
        state.add_attr(ctx, "sym_visibility", v);
    }
    p.parse_optional_attr_dict(&mut state.attributes)?;
    Ok(())
}

// buffer.get_global @name {attrs} : type
fn print_get_global(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    if let Some(name) = ctx.attr(op, "name") {
        p.print_attr(name);
    }
    p.print_optional_attr_dict(op, &["name"]);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn parse_get_global(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let name = p.parse_symbol_name()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    state.result_types.push(ty);
    let name = p.ctx().symbol_ref_attr(&name);
    state.add_attr(p.ctx(), "name", name);
    Ok(())
}

// buffer.alloc() {attrs} : type      (also buffer.alloca)
fn print_alloc(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write("()");
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn parse_alloc(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_punct("(")?;
    p.parse_punct(")")?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    state.result_types.push(ty);
    Ok(())
}

fn print_indexed(p: &mut OpPrinter<'_, '_>, memref: Value, indices: &[Value]) {
    p.print_operand(memref);
    p.write("[");
    p.print_operands(indices);
    p.write("]");
}

/// `%m[%i, %j]` resolved against `memref_ty` (indices as `index`), appended to `out`.
fn parse_indexed(
    p: &mut OpParser<'_, '_>,
) -> ParseResult<(
    flowc_ir::parser::UnresolvedOperand,
    Vec<flowc_ir::parser::UnresolvedOperand>,
)> {
    let memref = p.parse_operand()?;
    p.parse_punct("[")?;
    let indices = p.parse_operand_list()?;
    p.parse_punct("]")?;
    Ok((memref, indices))
}

fn resolve_indexed(
    p: &mut OpParser<'_, '_>,
    memref: &flowc_ir::parser::UnresolvedOperand,
    indices: &[flowc_ir::parser::UnresolvedOperand],
    memref_ty: Type,
    out: &mut Vec<Value>,
) -> ParseResult<()> {
    let m = p.resolve_operand(memref, memref_ty)?;
    out.push(m);
    let index = p.ctx().index_type();
    let types = vec![index; indices.len()];
    p.resolve_operands(indices, &types, out)
}

// buffer.load %m[%i, %j] {attrs} : memref<...>
fn print_load(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let load = LoadOp(op);
    p.write(" ");
    print_indexed(p, load.memref(ctx), &load.indices(ctx));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(load.memref(ctx)));
}

fn parse_load(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let (memref, indices) = parse_indexed(p)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    let Some((_, element)) = memref_parts(p.ctx(), ty) else {
        return Err(p.error("expected a ranked memref type"));
    };
    resolve_indexed(p, &memref, &indices, ty, &mut state.operands)?;
    state.result_types.push(element);
    Ok(())
}

// buffer.store %x, %m[%i, %j] {attrs} : memref<...>
fn print_store(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let store = StoreOp(op);
    p.write(" ");
    p.print_operand(store.value(ctx));
    p.write(", ");
    print_indexed(p, store.memref(ctx), &store.indices(ctx));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(store.memref(ctx)));
}

fn parse_store(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let value = p.parse_operand()?;
    p.parse_punct(",")?;
    let (memref, indices) = parse_indexed(p)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    let Some((_, element)) = memref_parts(p.ctx(), ty) else {
        return Err(p.error("expected a ranked memref type"));
    };
    let value = p.resolve_operand(&value, element)?;
    state.operands.push(value);
    resolve_indexed(p, &memref, &indices, ty, &mut state.operands)
}

// buffer.view %m {attrs} : memref<...> to memref<...>
fn print_view(p: &mut OpPrinter<'_, '_>, op: Op) {
    p.print_conversion(op);
}

fn parse_view(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_conversion(state)
}

// buffer.copy %src, %dst {attrs} : memref<...>, memref<...>
fn print_copy(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operands(&ctx.operand_vec(op));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type_list(&ctx.operand_types(op));
}

fn parse_copy(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let operands = p.parse_operand_list()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    p.parse_punct(":")?;
    let types = p.parse_type_list()?;
    p.resolve_operands(&operands, &types, &mut state.operands)
}

#[cfg(test)]
mod tests;
