//! The `vector` dialect: 1-D SIMD values (`vector<16xf32>`) read from and written to memrefs,
//! broadcast from scalars, combined with fused multiply-adds and reduced to scalars. `arith`
//! and `math` ops work on vectors element by element.
//!
//! ```mlir
//! %v = vector.load %m[%i, %j] : memref<4x32xf32>, vector<16xf32>   // contiguous along the last dim
//! vector.store %v, %m[%i, %j] : memref<4x32xf32>, vector<16xf32>
//! %b = vector.broadcast %s : f32 to vector<16xf32>
//! %r = vector.fma %a, %b, %c : vector<16xf32>
//! %s = vector.reduction <add>, %v : vector<16xf32> into f32
//! ```
//!
//! Reduction kinds are the `#vector.kind<...>` attribute (property `kind`): `add mul minsi
//! maxsi minui maxui minnumf maxnumf minimumf maximumf and or xor`.

use flowc_ir::constraints::{ANY_TYPE, INDEX, MEMREF};
use flowc_ir::parser::{OpParser, ParseResult, UnresolvedOperand};
use flowc_ir::pattern::InsertPoint;
use flowc_ir::printer::OpPrinter;
use flowc_ir::{
    AttrConstraint, AttrData, Attribute, Context, Diagnostic, DialectDef, Location, Op,
    OperationState, Traits, Type, TypeConstraint, TypeData, Value, op_error,
};

/// Any vector type.
pub const VECTOR: TypeConstraint = TypeConstraint {
    description: "vector",
    check: |ctx, ty| matches!(ctx.type_data(ty), TypeData::Vector { .. }),
};

/// A vector of floating-point values.
pub const FLOAT_VECTOR: TypeConstraint = TypeConstraint {
    description: "vector of floating-point values",
    check: |ctx, ty| matches!(ctx.type_data(ty), TypeData::Vector { element, .. } if ctx.is_float(*element)),
};

/// `#vector.kind<...>`.
pub const KIND_ATTR: AttrConstraint = AttrConstraint {
    description: "vector combining kind",
    check: |ctx, a| CombiningKind::from_attr(ctx, a).is_some(),
};

/// How `vector.reduction` combines elements.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CombiningKind {
    Add,
    Mul,
    MinSI,
    MaxSI,
    MinUI,
    MaxUI,
    MinNumF,
    MaxNumF,
    MinimumF,
    MaximumF,
    And,
    Or,
    Xor,
}

impl CombiningKind {
    pub const ALL: [CombiningKind; 13] = [
        CombiningKind::Add,
        CombiningKind::Mul,
        CombiningKind::MinSI,
        CombiningKind::MaxSI,
        CombiningKind::MinUI,
        CombiningKind::MaxUI,
        CombiningKind::MinNumF,
        CombiningKind::MaxNumF,
        CombiningKind::MinimumF,
        CombiningKind::MaximumF,
        CombiningKind::And,
        CombiningKind::Or,
        CombiningKind::Xor,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            CombiningKind::Add => "add",
            CombiningKind::Mul => "mul",
            CombiningKind::MinSI => "minsi",
            CombiningKind::MaxSI => "maxsi",
            CombiningKind::MinUI => "minui",
            CombiningKind::MaxUI => "maxui",
            CombiningKind::MinNumF => "minnumf",
            CombiningKind::MaxNumF => "maxnumf",
            CombiningKind::MinimumF => "minimumf",
            CombiningKind::MaximumF => "maximumf",
            CombiningKind::And => "and",
            CombiningKind::Or => "or",
            CombiningKind::Xor => "xor",
        }
    }

    pub fn from_keyword(k: &str) -> Option<CombiningKind> {
        Self::ALL.into_iter().find(|c| c.keyword() == k)
    }

    /// Whether the kind applies to integer elements (`add`, `mul`, the integer min / max and
    /// the bitwise kinds).
    pub fn supports_integers(self) -> bool {
        !self.supports_floats() || matches!(self, CombiningKind::Add | CombiningKind::Mul)
    }

    /// Whether the kind applies to float elements (`add`, `mul` and the float min / max).
    pub fn supports_floats(self) -> bool {
        matches!(
            self,
            CombiningKind::Add
                | CombiningKind::Mul
                | CombiningKind::MinNumF
                | CombiningKind::MaxNumF
                | CombiningKind::MinimumF
                | CombiningKind::MaximumF
        )
    }

    /// The kind of a `#vector.kind<...>` attribute.
    pub fn from_attr(ctx: &Context, a: Attribute) -> Option<CombiningKind> {
        match ctx.attr_data(a) {
            AttrData::Dialect { dialect, body } if ctx.ident_str(*dialect) == "vector" => {
                Self::from_body(body)
            }
            _ => None,
        }
    }

    fn from_body(body: &str) -> Option<CombiningKind> {
        let inner = body
            .trim()
            .strip_prefix("kind")?
            .trim_start()
            .strip_prefix('<')?
            .strip_suffix('>')?;
        Self::from_keyword(inner.trim())
    }

    /// `#vector.kind<add>`
    pub fn to_attr(self, ctx: &mut Context) -> Attribute {
        let dialect = ctx.ident("vector");
        ctx.intern_attr(AttrData::Dialect {
            dialect,
            body: format!("kind<{}>", self.keyword()),
        })
    }
}

/// Checks the body of `#vector.*` attributes.
fn verify_attr_body(body: &str) -> Result<(), String> {
    CombiningKind::from_body(body).map(|_| ()).ok_or_else(|| {
        "expected #vector.kind<K> with K one of: add, mul, minsi, maxsi, minui, maxui, minnumf, maxnumf, minimumf, maximumf, and, or, xor".to_string()
    })
}

flowc_ir::op! {
    /// Reads a vector of consecutive elements along the memref's last dimension.
    pub struct LoadOp = "vector.load" {
        summary: "load a vector from a memref",
        description: "`%v = vector.load %m[%i, %j] : memref<4x32xf32>, vector<16xf32>`",
        operands: { base: one(MEMREF), indices: variadic(INDEX) },
        results: { result: one(VECTOR) },
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// Writes a vector to consecutive elements along the memref's last dimension.
    pub struct StoreOp = "vector.store" {
        summary: "store a vector to a memref",
        description: "`vector.store %v, %m[%i, %j] : memref<4x32xf32>, vector<16xf32>`",
        operands: { value: one(VECTOR), base: one(MEMREF), indices: variadic(INDEX) },
        results: {},
        attributes: {},
        regions: {},
        traits: Traits::NONE,
    }
}

flowc_ir::op! {
    /// A vector with every element equal to a scalar.
    pub struct BroadcastOp = "vector.broadcast" {
        summary: "broadcast a scalar to a vector",
        description: "`%b = vector.broadcast %s : f32 to vector<16xf32>`",
        operands: { source: one(ANY_TYPE) },
        results: { vector: one(VECTOR) },
        attributes: {},
        regions: {},
        traits: Traits::PURE,
    }
}

flowc_ir::op! {
    /// Element-wise `a * b + c` with one rounding.
    pub struct FmaOp = "vector.fma" {
        summary: "vector fused multiply-add",
        description: "`%r = vector.fma %a, %b, %c : vector<16xf32>`",
        operands: { lhs: one(FLOAT_VECTOR), rhs: one(FLOAT_VECTOR), acc: one(FLOAT_VECTOR) },
        results: { result: one(FLOAT_VECTOR) },
        attributes: {},
        regions: {},
        traits: Traits::PURE | Traits::SAME_OPERANDS_AND_RESULT_TYPE | Traits::ELEMENTWISE,
    }
}

flowc_ir::op! {
    /// Combines the elements of a vector into one scalar.
    pub struct ReductionOp = "vector.reduction" {
        summary: "reduce a vector to a scalar",
        description: "`%s = vector.reduction <add>, %v : vector<16xf32> into f32`",
        operands: { vector: one(VECTOR) },
        results: { dest: one(ANY_TYPE) },
        attributes: { kind: required(KIND_ATTR) },
        regions: {},
        traits: Traits::PURE,
    }
}

/// The `vector` dialect definition.
pub fn dialect() -> DialectDef {
    let mut d = DialectDef::new(
        "vector",
        "1-D SIMD vectors: load, store, broadcast, fma, reduction",
    )
    .op(LoadOp::base_def()
        .verifier(verify_load)
        .assembly(print_load, parse_load))
    .op(StoreOp::base_def()
        .verifier(verify_store)
        .assembly(print_store, parse_store))
    .op(BroadcastOp::base_def()
        .verifier(verify_broadcast)
        .assembly(print_broadcast, parse_broadcast))
    .op(FmaOp::base_def().assembly(print_fma, parse_fma))
    .op(ReductionOp::base_def()
        .verifier(verify_reduction)
        .assembly(print_reduction, parse_reduction));
    d.verify_attr = Some(verify_attr_body);
    d
}

// ===== Helpers =====

/// `(length, element type)` of a fixed-length 1-D vector type.
pub fn vector_1d(ctx: &Context, ty: Type) -> Option<(i64, Type)> {
    match ctx.type_data(ty) {
        TypeData::Vector {
            shape,
            scalable,
            element,
        } if shape.len() == 1 && !scalable[0] => Some((shape[0], *element)),
        _ => None,
    }
}

impl ReductionOp {
    /// The combining kind.
    pub fn kind_value(self, ctx: &Context) -> Option<CombiningKind> {
        CombiningKind::from_attr(ctx, self.kind(ctx)?)
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
    loc: Location,
) -> Op {
    let state = OperationState::new(ctx, name, loc)
        .operands(operands)
        .results(results);
    let op = ctx.create_op(state);
    insert(ctx, ip, op);
    op
}

/// Creates `vector.load memref[indices] : ..., vector_ty` at `*ip` (advancing it).
pub fn build_load(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    vector_ty: Type,
    memref: Value,
    indices: &[Value],
    loc: Location,
) -> Value {
    let mut operands = vec![memref];
    operands.extend_from_slice(indices);
    let op = create(ctx, ip, LoadOp::NAME, &operands, &[vector_ty], loc);
    ctx.result(op, 0)
}

/// Creates `vector.store value, memref[indices]` at `*ip` (advancing it).
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
    StoreOp(create(ctx, ip, StoreOp::NAME, &operands, &[], loc))
}

/// Creates `vector.broadcast scalar : ... to vector_ty` at `*ip` (advancing it).
pub fn build_broadcast(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    scalar: Value,
    vector_ty: Type,
    loc: Location,
) -> Value {
    let op = create(ctx, ip, BroadcastOp::NAME, &[scalar], &[vector_ty], loc);
    ctx.result(op, 0)
}

/// Creates `vector.fma a, b, c` (`a * b + c`) at `*ip` (advancing it).
pub fn build_fma(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    a: Value,
    b: Value,
    c: Value,
    loc: Location,
) -> Value {
    let ty = ctx.value_type(a);
    let op = create(ctx, ip, FmaOp::NAME, &[a, b, c], &[ty], loc);
    ctx.result(op, 0)
}

/// Creates `vector.reduction <kind>, vector` at `*ip` (advancing it); the result has the
/// vector's element type.
pub fn build_reduction(
    ctx: &mut Context,
    ip: &mut InsertPoint,
    kind: CombiningKind,
    vector: Value,
    loc: Location,
) -> Value {
    let ty = ctx.value_type(vector);
    let element = ctx.element_type(ty).unwrap_or(ty);
    let kind = kind.to_attr(ctx);
    let mut state = OperationState::new(ctx, ReductionOp::NAME, loc)
        .operands(&[vector])
        .results(&[element]);
    state.add_attr(ctx, "kind", kind);
    let op = ctx.create_op(state);
    insert(ctx, ip, op);
    ctx.result(op, 0)
}

// ===== Verifiers =====

fn ty_str(ctx: &Context, ty: Type) -> String {
    ctx.print_type(ty)
}

/// Checks a vector access: a ranked memref of rank >= 1, one index per dimension, a 1-D vector of
/// the memref's element type that fits in the last dimension.
fn verify_access(
    ctx: &Context,
    op: Op,
    memref: Value,
    indices: usize,
    vector: Type,
) -> Result<(), Diagnostic> {
    let mty = ctx.value_type(memref);
    let TypeData::MemRef { shape, element, .. } = ctx.type_data(mty) else {
        return Err(op_error(
            ctx,
            op,
            format!("expects a ranked memref, but got '{}'", ty_str(ctx, mty)),
        ));
    };
    if shape.is_empty() {
        return Err(op_error(ctx, op, "expects a memref of rank 1 or more"));
    }
    if indices != shape.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "incorrect number of indices: expected {} (the memref's rank), got {indices}",
                shape.len()
            ),
        ));
    }
    let Some((len, velem)) = vector_1d(ctx, vector) else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects a fixed-length 1-D vector, but got '{}'",
                ty_str(ctx, vector)
            ),
        ));
    };
    if velem != *element {
        return Err(op_error(
            ctx,
            op,
            format!(
                "vector element type '{}' does not match the memref element type '{}'",
                ty_str(ctx, velem),
                ty_str(ctx, *element)
            ),
        ));
    }
    let last = shape[shape.len() - 1];
    if last >= 0 && len > last {
        return Err(op_error(
            ctx,
            op,
            format!("vector of {len} elements does not fit in the last memref dimension ({last})"),
        ));
    }
    Ok(())
}

fn verify_load(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let l = LoadOp(op);
    let ty = ctx.value_type(l.result(ctx));
    verify_access(ctx, op, l.base(ctx), l.indices(ctx).len(), ty)
}

fn verify_store(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let s = StoreOp(op);
    let ty = ctx.value_type(s.value(ctx));
    verify_access(ctx, op, s.base(ctx), s.indices(ctx).len(), ty)
}

fn verify_broadcast(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let b = BroadcastOp(op);
    let source = ctx.value_type(b.source(ctx));
    let result = ctx.value_type(b.vector(ctx));
    let Some((_, element)) = vector_1d(ctx, result) else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects a fixed-length 1-D vector result, but got '{}'",
                ty_str(ctx, result)
            ),
        ));
    };
    if source != element && source != result {
        return Err(op_error(
            ctx,
            op,
            format!(
                "source type '{}' must be the element type or the type of the result '{}'",
                ty_str(ctx, source),
                ty_str(ctx, result)
            ),
        ));
    }
    Ok(())
}

fn verify_reduction(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let r = ReductionOp(op);
    let vty = ctx.value_type(r.vector(ctx));
    let Some((_, element)) = vector_1d(ctx, vty) else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects a fixed-length 1-D vector operand, but got '{}'",
                ty_str(ctx, vty)
            ),
        ));
    };
    let dest = ctx.value_type(r.dest(ctx));
    if dest != element {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type '{}' does not match the vector element type '{}'",
                ty_str(ctx, dest),
                ty_str(ctx, element)
            ),
        ));
    }
    let Some(kind) = r.kind_value(ctx) else {
        return Ok(());
    };
    let ok = if ctx.is_float(element) {
        kind.supports_floats()
    } else if ctx.is_signless_integer(element) || ctx.is_index(element) {
        kind.supports_integers()
    } else {
        false
    };
    if !ok {
        return Err(op_error(
            ctx,
            op,
            format!(
                "unsupported reduction kind '{}' for element type '{}'",
                kind.keyword(),
                ty_str(ctx, element)
            ),
        ));
    }
    Ok(())
}

// ===== Custom syntax =====

fn print_indexed(p: &mut OpPrinter<'_, '_>, memref: Value, indices: &[Value]) {
    p.print_operand(memref);
    p.write("[");
    p.print_operands(indices);
    p.write("]");
}

type Indexed = (UnresolvedOperand, Vec<UnresolvedOperand>);

fn parse_indexed(p: &mut OpParser<'_, '_>) -> ParseResult<Indexed> {
    let memref = p.parse_operand()?;
    p.parse_punct("[")?;
    let indices = p.parse_operand_list()?;
    p.parse_punct("]")?;
    Ok((memref, indices))
}

/// `: memref<...>, vector<...>`, resolving the memref and the indices.
fn parse_access_types(
    p: &mut OpParser<'_, '_>,
    (memref, indices): &Indexed,
    out: &mut Vec<Value>,
) -> ParseResult<Type> {
    let mty = p.parse_colon_type()?;
    p.parse_punct(",")?;
    let vty = p.parse_type()?;
    let m = p.resolve_operand(memref, mty)?;
    out.push(m);
    let index = p.ctx().index_type();
    p.resolve_operands(indices, &vec![index; indices.len()], out)?;
    Ok(vty)
}

// vector.load %m[%i] {attrs} : memref<...>, vector<...>
fn print_load(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let l = LoadOp(op);
    p.write(" ");
    print_indexed(p, l.base(ctx), &l.indices(ctx));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(l.base(ctx)));
    p.write(", ");
    p.print_type(ctx.value_type(l.result(ctx)));
}

fn parse_load(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let access = parse_indexed(p)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let vty = parse_access_types(p, &access, &mut state.operands)?;
    state.result_types.push(vty);
    Ok(())
}

// vector.store %v, %m[%i] {attrs} : memref<...>, vector<...>
fn print_store(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let s = StoreOp(op);
    p.write(" ");
    p.print_operand(s.value(ctx));
    p.write(", ");
    print_indexed(p, s.base(ctx), &s.indices(ctx));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(s.base(ctx)));
    p.write(", ");
    p.print_type(ctx.value_type(s.value(ctx)));
}

fn parse_store(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let value = p.parse_operand()?;
    p.parse_punct(",")?;
    let access = parse_indexed(p)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let mut rest = Vec::new();
    let vty = parse_access_types(p, &access, &mut rest)?;
    let value = p.resolve_operand(&value, vty)?;
    state.operands.push(value);
    state.operands.extend(rest);
    Ok(())
}

// vector.broadcast %s {attrs} : f32 to vector<16xf32>
fn print_broadcast(p: &mut OpPrinter<'_, '_>, op: Op) {
    p.print_conversion(op);
}

fn parse_broadcast(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_conversion(state)
}

// vector.fma %a, %b, %c {attrs} : vector<16xf32>
fn print_fma(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operands(&ctx.operand_vec(op));
    p.print_optional_attr_dict(op, &[]);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn parse_fma(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let operands = p.parse_operand_list()?;
    if operands.len() != 3 {
        return Err(p.error("expected 3 operands"));
    }
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&operands, &[ty, ty, ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

// vector.reduction <kind>, %v {attrs} : vector<16xf32> into f32
fn print_reduction(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    let r = ReductionOp(op);
    p.write(" <");
    p.write(r.kind_value(ctx).map_or("?", CombiningKind::keyword));
    p.write(">, ");
    p.print_operand(r.vector(ctx));
    p.print_optional_attr_dict(op, &["kind"]);
    p.write(" : ");
    p.print_type(ctx.value_type(r.vector(ctx)));
    p.write(" into ");
    p.print_type(ctx.value_type(r.dest(ctx)));
}

fn parse_reduction(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    p.parse_punct("<")?;
    let Some(kind) = p
        .parse_optional_any_keyword()
        .and_then(|k| CombiningKind::from_keyword(&k))
    else {
        return Err(p.error(
            "expected a combining kind: add, mul, minsi, maxsi, minui, maxui, minnumf, maxnumf, minimumf, maximumf, and, or, xor",
        ));
    };
    p.parse_punct(">")?;
    p.parse_punct(",")?;
    let v = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let vty = p.parse_colon_type()?;
    p.parse_keyword("into")?;
    let dest = p.parse_type()?;
    let v = p.resolve_operand(&v, vty)?;
    state.operands.push(v);
    state.result_types.push(dest);
    let kind = kind.to_attr(p.ctx());
    state.add_attr(p.ctx(), "kind", kind);
    Ok(())
}

#[cfg(test)]
mod tests;
