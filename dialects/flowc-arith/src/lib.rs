//! The `arith` dialect, as in MLIR 22: integer and floating-point arithmetic on scalars,
//! vectors and tensors, comparisons, `select`, casts and constants.
//!
//! ```mlir
//! %c = arith.constant 42 : i32
//! %0 = arith.addi %a, %c overflow<nsw> : i32
//! %1 = arith.mulf %x, %y fastmath<fast> : f32
//! %2 = arith.cmpi slt, %0, %c : i32
//! %3 = arith.select %2, %0, %c : i32
//! %4 = arith.extsi %3 : i32 to i64
//! ```
//!
//! Every op has MLIR's custom syntax, its traits, an op-specific verifier where the definition
//! cannot say everything, a folder with MLIR's semantics (two's complement integers of the
//! type's width, IEEE floats rounded to the type's format; division by zero, signed overflow of
//! division and over-wide shifts are left alone), and canonicalization patterns.

pub mod canonicalize;
pub mod elements;
pub mod flags;
pub mod fold;
pub mod syntax;
mod verify;

#[cfg(test)]
mod tests;

use flags::{FASTMATH_ATTR, OVERFLOW_FLAGS_ATTR, ROUNDING_MODE_ATTR};
use flowc_ir::constraints::{
    ANY_TYPE, BOOL_LIKE, FLOAT_LIKE, SIGNLESS_FIXED_WIDTH_INTEGER_LIKE as SIGNLESS_FIXED_INT,
    SIGNLESS_INTEGER_LIKE,
};
use flowc_ir::{
    AttrConstraint, AttrData, Attribute, Context, DialectDef, Location, Op, OpDef, OperationState,
    Traits, Type, TypeConstraint, TypeData, Value,
};

// ===== Constraints with MLIR's wording =====

/// Element types of vectors and tensors, memref elements when `memref` is allowed, or the type.
fn element_of(ctx: &Context, ty: Type, memref: bool) -> Option<Type> {
    match ctx.type_data(ty) {
        TypeData::Vector { element, .. }
        | TypeData::RankedTensor { element, .. }
        | TypeData::UnrankedTensor { element } => Some(*element),
        TypeData::MemRef { element, .. } | TypeData::UnrankedMemRef { element, .. } => {
            memref.then_some(*element)
        }
        _ => Some(ty),
    }
}

/// `arith.index_cast` operands and results.
pub const INDEX_CAST_TYPE: TypeConstraint = TypeConstraint {
    description: "signless-integer-like or memref of signless-integer",
    check: |ctx, ty| {
        element_of(ctx, ty, true).is_some_and(|e| ctx.is_signless_integer(e) || ctx.is_index(e))
    },
};

/// `arith.bitcast` operands and results.
pub const BITCAST_TYPE: TypeConstraint = TypeConstraint {
    description: "signless-integer-or-float-like or memref of signless-integer or float",
    check: |ctx, ty| {
        element_of(ctx, ty, true).is_some_and(|e| ctx.is_signless_integer(e) || ctx.is_float(e))
    },
};

/// `arith.constant`'s `value`: a typed attribute (`true` / `false` count as `i1`).
pub const TYPED_ATTR: AttrConstraint = AttrConstraint {
    description: "TypedAttr instance",
    check: |ctx, a| matches!(ctx.attr_data(a), AttrData::Bool(_)) || ctx.attr_type(a).is_some(),
};

/// `arith.cmpi`'s predicate.
pub const CMPI_PREDICATE_ATTR: AttrConstraint = AttrConstraint {
    description: "allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
    check: |ctx, a| predicate_in_range(ctx, a, CMPI_PREDICATES.len()),
};

/// `arith.cmpf`'s predicate.
pub const CMPF_PREDICATE_ATTR: AttrConstraint = AttrConstraint {
    description: "allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15",
    check: |ctx, a| predicate_in_range(ctx, a, CMPF_PREDICATES.len()),
};

fn predicate_in_range(ctx: &Context, a: Attribute, n: usize) -> bool {
    matches!(ctx.attr_data(a), AttrData::Integer { value, ty }
        if ctx.is_signless_int_of_width(*ty, 64) && (0..n as i128).contains(value))
}

/// `arith.cmpi` predicate names, indexed by their value.
pub const CMPI_PREDICATES: [&str; 10] = [
    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
];
/// `arith.cmpf` predicate names, indexed by their value.
pub const CMPF_PREDICATES: [&str; 16] = [
    "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule",
    "une", "uno", "true",
];

// ===== Op declarations =====

const ARITH_BINARY: Traits = Traits::PURE
    .union(Traits::SAME_OPERANDS_AND_RESULT_TYPE)
    .union(Traits::ELEMENTWISE);
const CAST: Traits = Traits::PURE
    .union(Traits::SAME_OPERANDS_AND_RESULT_SHAPE)
    .union(Traits::ELEMENTWISE);

macro_rules! binary_op {
    ($(#[$m:meta])* $ty:ident = $name:literal, $summary:literal, $c:expr, $traits:expr,
     { $($attr:ident : $kind:ident($ac:expr)),* }) => {
        flowc_ir::op! {
            $(#[$m])*
            pub struct $ty = $name {
                summary: $summary,
                operands: { lhs: one($c), rhs: one($c) },
                results: { result: one($c) },
                attributes: { $($attr : $kind($ac)),* },
                regions: {},
                traits: ARITH_BINARY.union($traits),
            }
        }
    };
}

macro_rules! cast_op {
    ($(#[$m:meta])* $ty:ident = $name:literal, $summary:literal, $in:expr, $out:expr,
     { $($attr:ident : $kind:ident($ac:expr)),* }) => {
        flowc_ir::op! {
            $(#[$m])*
            pub struct $ty = $name {
                summary: $summary,
                operands: { input: one($in) },
                results: { out: one($out) },
                attributes: { $($attr : $kind($ac)),* },
                regions: {},
                traits: CAST,
            }
        }
    };
}

flowc_ir::op! {
    /// A constant scalar, vector or tensor: `arith.constant 42 : i32`,
    /// `arith.constant dense<1.0> : tensor<4xf32>`.
    pub struct ConstantOp = "arith.constant" {
        summary: "integer or floating point constant",
        operands: {},
        results: { result: one(ANY_TYPE) },
        attributes: { value: required(TYPED_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::CONSTANT_LIKE,
    }
}

const C: Traits = Traits::COMMUTATIVE;
const N: Traits = Traits::NONE;

binary_op!(AddIOp = "arith.addi", "integer addition operation", SIGNLESS_INTEGER_LIKE, C,
    { overflowFlags: optional(OVERFLOW_FLAGS_ATTR) });
binary_op!(SubIOp = "arith.subi", "Integer subtraction operation.", SIGNLESS_INTEGER_LIKE, N,
    { overflowFlags: optional(OVERFLOW_FLAGS_ATTR) });
binary_op!(MulIOp = "arith.muli", "Integer multiplication operation.", SIGNLESS_INTEGER_LIKE, C,
    { overflowFlags: optional(OVERFLOW_FLAGS_ATTR) });
binary_op!(
    DivSIOp = "arith.divsi",
    "signed integer division operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    DivUIOp = "arith.divui",
    "unsigned integer division operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    CeilDivSIOp = "arith.ceildivsi",
    "signed ceil integer division operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    CeilDivUIOp = "arith.ceildivui",
    "unsigned ceil integer division operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    FloorDivSIOp = "arith.floordivsi",
    "signed floor integer division operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    RemSIOp = "arith.remsi",
    "signed integer division remainder operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    RemUIOp = "arith.remui",
    "unsigned integer division remainder operation",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    AndIOp = "arith.andi",
    "integer binary and",
    SIGNLESS_INTEGER_LIKE,
    C.union(Traits::IDEMPOTENT),
    {}
);
binary_op!(
    OrIOp = "arith.ori",
    "integer binary or",
    SIGNLESS_INTEGER_LIKE,
    C.union(Traits::IDEMPOTENT),
    {}
);
binary_op!(
    XOrIOp = "arith.xori",
    "integer binary xor",
    SIGNLESS_INTEGER_LIKE,
    C,
    {}
);
binary_op!(ShLIOp = "arith.shli", "integer left-shift", SIGNLESS_INTEGER_LIKE, N,
    { overflowFlags: optional(OVERFLOW_FLAGS_ATTR) });
binary_op!(
    ShRSIOp = "arith.shrsi",
    "signed integer right-shift",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    ShRUIOp = "arith.shrui",
    "unsigned integer right-shift",
    SIGNLESS_INTEGER_LIKE,
    N,
    {}
);
binary_op!(
    MaxSIOp = "arith.maxsi",
    "signed integer maximum operation",
    SIGNLESS_INTEGER_LIKE,
    C,
    {}
);
binary_op!(
    MaxUIOp = "arith.maxui",
    "unsigned integer maximum operation",
    SIGNLESS_INTEGER_LIKE,
    C,
    {}
);
binary_op!(
    MinSIOp = "arith.minsi",
    "signed integer minimum operation",
    SIGNLESS_INTEGER_LIKE,
    C,
    {}
);
binary_op!(
    MinUIOp = "arith.minui",
    "unsigned integer minimum operation",
    SIGNLESS_INTEGER_LIKE,
    C,
    {}
);

binary_op!(AddFOp = "arith.addf", "floating point addition operation", FLOAT_LIKE, C,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(SubFOp = "arith.subf", "floating point subtraction operation", FLOAT_LIKE, N,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(MulFOp = "arith.mulf", "floating point multiplication operation", FLOAT_LIKE, C,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(DivFOp = "arith.divf", "floating point division operation", FLOAT_LIKE, N,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(RemFOp = "arith.remf", "floating point division remainder operation", FLOAT_LIKE, N,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(MaximumFOp = "arith.maximumf", "floating-point maximum operation", FLOAT_LIKE, C,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(MinimumFOp = "arith.minimumf", "floating-point minimum operation", FLOAT_LIKE, C,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(MaxNumFOp = "arith.maxnumf", "floating-point maximum operation", FLOAT_LIKE, C,
    { fastmath: optional(FASTMATH_ATTR) });
binary_op!(MinNumFOp = "arith.minnumf", "floating-point minimum operation", FLOAT_LIKE, C,
    { fastmath: optional(FASTMATH_ATTR) });

flowc_ir::op! {
    /// Floating point negation: `arith.negf %x : f32`.
    pub struct NegFOp = "arith.negf" {
        summary: "floating point negation",
        operands: { operand: one(FLOAT_LIKE) },
        results: { result: one(FLOAT_LIKE) },
        attributes: { fastmath: optional(FASTMATH_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::SAME_OPERANDS_AND_RESULT_TYPE | Traits::ELEMENTWISE | Traits::INVOLUTION,
    }
}

flowc_ir::op! {
    /// Integer comparison: `arith.cmpi slt, %a, %b : i32`.
    pub struct CmpIOp = "arith.cmpi" {
        summary: "integer comparison operation",
        operands: { lhs: one(SIGNLESS_INTEGER_LIKE), rhs: one(SIGNLESS_INTEGER_LIKE) },
        results: { result: one(BOOL_LIKE) },
        attributes: { predicate: required(CMPI_PREDICATE_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::SAME_TYPE_OPERANDS | Traits::ELEMENTWISE,
    }
}

flowc_ir::op! {
    /// Floating-point comparison: `arith.cmpf olt, %a, %b : f32`.
    pub struct CmpFOp = "arith.cmpf" {
        summary: "floating-point comparison operation",
        operands: { lhs: one(FLOAT_LIKE), rhs: one(FLOAT_LIKE) },
        results: { result: one(BOOL_LIKE) },
        attributes: { predicate: required(CMPF_PREDICATE_ATTR), fastmath: optional(FASTMATH_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::SAME_TYPE_OPERANDS | Traits::ELEMENTWISE,
    }
}

flowc_ir::op! {
    /// `arith.select %c, %a, %b : i32`; with a vector / tensor condition the choice is made per
    /// element: `arith.select %c, %a, %b : vector<4xi1>, vector<4xf32>`.
    pub struct SelectOp = "arith.select" {
        summary: "select operation",
        operands: { condition: one(BOOL_LIKE), true_value: one(ANY_TYPE), false_value: one(ANY_TYPE) },
        results: { result: one(ANY_TYPE) },
        attributes: {},
        regions: {},
        traits: Traits::PURE | Traits::ELEMENTWISE,
    }
}

cast_op!(
    ExtSIOp = "arith.extsi",
    "integer sign extension operation",
    SIGNLESS_FIXED_INT,
    SIGNLESS_FIXED_INT,
    {}
);
cast_op!(
    ExtUIOp = "arith.extui",
    "integer zero extension operation",
    SIGNLESS_FIXED_INT,
    SIGNLESS_FIXED_INT,
    {}
);
cast_op!(TruncIOp = "arith.trunci", "integer truncation operation", SIGNLESS_FIXED_INT, SIGNLESS_FIXED_INT,
    { overflowFlags: optional(OVERFLOW_FLAGS_ATTR) });
cast_op!(
    SIToFPOp = "arith.sitofp",
    "cast from integer type to floating-point",
    SIGNLESS_FIXED_INT,
    FLOAT_LIKE,
    {}
);
cast_op!(
    UIToFPOp = "arith.uitofp",
    "cast from unsigned integer type to floating-point",
    SIGNLESS_FIXED_INT,
    FLOAT_LIKE,
    {}
);
cast_op!(
    FPToSIOp = "arith.fptosi",
    "cast from floating-point type to integer type",
    FLOAT_LIKE,
    SIGNLESS_FIXED_INT,
    {}
);
cast_op!(
    FPToUIOp = "arith.fptoui",
    "cast from floating-point type to integer type",
    FLOAT_LIKE,
    SIGNLESS_FIXED_INT,
    {}
);
cast_op!(ExtFOp = "arith.extf", "cast from floating-point to wider floating-point", FLOAT_LIKE, FLOAT_LIKE,
    { fastmath: optional(FASTMATH_ATTR) });
cast_op!(TruncFOp = "arith.truncf", "cast from floating-point to narrower floating-point", FLOAT_LIKE,
    FLOAT_LIKE, { roundingmode: optional(ROUNDING_MODE_ATTR), fastmath: optional(FASTMATH_ATTR) });
cast_op!(
    BitcastOp = "arith.bitcast",
    "bitcast between values of equal bit width",
    BITCAST_TYPE,
    BITCAST_TYPE,
    {}
);
cast_op!(
    IndexCastOp = "arith.index_cast",
    "index cast operation",
    INDEX_CAST_TYPE,
    INDEX_CAST_TYPE,
    {}
);
cast_op!(
    IndexCastUIOp = "arith.index_castui",
    "unsigned index cast operation",
    INDEX_CAST_TYPE,
    INDEX_CAST_TYPE,
    {}
);

// ===== The dialect =====

/// The `arith` dialect definition.
pub fn dialect() -> DialectDef {
    use canonicalize as canon;
    use fold as f;
    use syntax as s;
    let int_bin = |def: OpDef, fold: flowc_ir::FoldFn| {
        def.folder(fold).assembly(s::print_binary, s::parse_binary)
    };
    let int_ovf = |def: OpDef, fold: flowc_ir::FoldFn| {
        def.folder(fold)
            .assembly(s::print_binary, s::parse_binary_overflow)
    };
    let float_bin = |def: OpDef, fold: flowc_ir::FoldFn| {
        def.folder(fold)
            .assembly(s::print_binary, s::parse_binary_fastmath)
    };
    let cast = |def: OpDef, fold: flowc_ir::FoldFn| {
        def.folder(fold)
            .verifier(verify::verify_cast)
            .assembly(s::print_cast, s::parse_cast)
    };
    let ops = vec![
        ConstantOp::base_def()
            .verifier(verify::verify_constant)
            .folder(f::fold_constant)
            .assembly(s::print_constant, s::parse_constant),
        int_ovf(AddIOp::base_def(), f::fold_addi).canonicalizer(canon::addi_patterns),
        int_ovf(SubIOp::base_def(), f::fold_subi).canonicalizer(canon::subi_patterns),
        int_ovf(MulIOp::base_def(), f::fold_muli).canonicalizer(canon::muli_patterns),
        int_bin(DivSIOp::base_def(), f::fold_divsi),
        int_bin(DivUIOp::base_def(), f::fold_divui),
        int_bin(CeilDivSIOp::base_def(), f::fold_ceildivsi),
        int_bin(CeilDivUIOp::base_def(), f::fold_ceildivui),
        int_bin(FloorDivSIOp::base_def(), f::fold_floordivsi),
        int_bin(RemSIOp::base_def(), f::fold_remsi),
        int_bin(RemUIOp::base_def(), f::fold_remui),
        int_bin(AndIOp::base_def(), f::fold_andi).canonicalizer(canon::andi_patterns),
        int_bin(OrIOp::base_def(), f::fold_ori).canonicalizer(canon::ori_patterns),
        int_bin(XOrIOp::base_def(), f::fold_xori).canonicalizer(canon::xori_patterns),
        int_ovf(ShLIOp::base_def(), f::fold_shli).canonicalizer(canon::shli_patterns),
        int_bin(ShRSIOp::base_def(), f::fold_shrsi),
        int_bin(ShRUIOp::base_def(), f::fold_shrui),
        int_bin(MaxSIOp::base_def(), f::fold_maxsi).canonicalizer(canon::maxsi_patterns),
        int_bin(MaxUIOp::base_def(), f::fold_maxui).canonicalizer(canon::maxui_patterns),
        int_bin(MinSIOp::base_def(), f::fold_minsi).canonicalizer(canon::minsi_patterns),
        int_bin(MinUIOp::base_def(), f::fold_minui).canonicalizer(canon::minui_patterns),
        float_bin(AddFOp::base_def(), f::fold_addf).canonicalizer(canon::addf_patterns),
        float_bin(SubFOp::base_def(), f::fold_subf).canonicalizer(canon::subf_patterns),
        float_bin(MulFOp::base_def(), f::fold_mulf).canonicalizer(canon::mulf_patterns),
        float_bin(DivFOp::base_def(), f::fold_divf).canonicalizer(canon::divf_patterns),
        float_bin(RemFOp::base_def(), f::fold_remf).canonicalizer(canon::remf_patterns),
        float_bin(MaximumFOp::base_def(), f::fold_maximumf).canonicalizer(canon::maximumf_patterns),
        float_bin(MinimumFOp::base_def(), f::fold_minimumf).canonicalizer(canon::minimumf_patterns),
        float_bin(MaxNumFOp::base_def(), f::fold_maxnumf).canonicalizer(canon::maxnumf_patterns),
        float_bin(MinNumFOp::base_def(), f::fold_minnumf).canonicalizer(canon::minnumf_patterns),
        NegFOp::base_def()
            .folder(f::fold_negf)
            .canonicalizer(canon::negf_patterns)
            .assembly(s::print_unary, s::parse_unary_fastmath),
        CmpIOp::base_def()
            .verifier(verify::verify_cmp)
            .folder(f::fold_cmpi)
            .canonicalizer(canon::cmpi_patterns)
            .assembly(s::print_cmp, s::parse_cmpi),
        CmpFOp::base_def()
            .verifier(verify::verify_cmp)
            .folder(f::fold_cmpf)
            .canonicalizer(canon::cmpf_patterns)
            .assembly(s::print_cmp, s::parse_cmpf),
        SelectOp::base_def()
            .verifier(verify::verify_select)
            .folder(f::fold_select)
            .canonicalizer(canon::select_patterns)
            .assembly(s::print_select, s::parse_select),
        cast(ExtSIOp::base_def(), f::fold_extsi).canonicalizer(canon::extsi_patterns),
        cast(ExtUIOp::base_def(), f::fold_extui).canonicalizer(canon::extui_patterns),
        cast(TruncIOp::base_def(), f::fold_trunci).canonicalizer(canon::trunci_patterns),
        cast(SIToFPOp::base_def(), f::fold_sitofp),
        cast(UIToFPOp::base_def(), f::fold_uitofp),
        cast(FPToSIOp::base_def(), f::fold_fptosi),
        cast(FPToUIOp::base_def(), f::fold_fptoui),
        cast(ExtFOp::base_def(), f::fold_extf).canonicalizer(canon::extf_patterns),
        cast(TruncFOp::base_def(), f::fold_truncf).canonicalizer(canon::truncf_patterns),
        cast(BitcastOp::base_def(), f::fold_bitcast),
        cast(IndexCastOp::base_def(), f::fold_index_cast),
        cast(IndexCastUIOp::base_def(), f::fold_index_castui),
    ];
    let mut d = DialectDef::new(
        "arith",
        "Basic integer and floating-point arithmetic, comparisons, select and casts",
    );
    for op in ops {
        d = d.op(op);
    }
    d.materialize_constant = Some(materialize_constant);
    d.verify_attr = Some(flags::verify_attr_body);
    d
}

// ===== Builders =====

/// Makes a detached `arith.constant` of type `ty` holding `value`, when `value` is a constant
/// of that type (integers, floats, `true` / `false`, dense elements).
pub fn materialize_constant(
    ctx: &mut Context,
    value: Attribute,
    ty: Type,
    loc: Location,
) -> Option<Op> {
    let value = match ctx.attr_data(value) {
        AttrData::Bool(b) if ctx.is_signless_int_of_width(ty, 1) => {
            let b = *b;
            ctx.integer_attr(ty, b as i128)
        }
        AttrData::Integer { .. }
        | AttrData::Float { .. }
        | AttrData::DenseElements { .. }
        | AttrData::DenseResource { .. } => value,
        _ => return None,
    };
    if ctx.attr_type(value) != Some(ty) {
        return None;
    }
    Some(ConstantOp::create_detached(ctx, value, ty, loc))
}

impl ConstantOp {
    /// A detached `arith.constant` (the caller checks that `value` has type `ty`).
    pub fn create_detached(ctx: &mut Context, value: Attribute, ty: Type, loc: Location) -> Op {
        let mut state = OperationState::new(ctx, Self::NAME, loc).results(&[ty]);
        state.add_attr(ctx, "value", value);
        ctx.create_op(state)
    }
}

/// Creates a detached arith op `name` with `operands`, one result of type `ty`, and
/// `attributes`.
pub fn create_op(
    ctx: &mut Context,
    name: &str,
    operands: &[Value],
    ty: Type,
    attributes: &[(&str, Attribute)],
    loc: Location,
) -> Op {
    let mut state = OperationState::new(ctx, name, loc)
        .operands(operands)
        .results(&[ty]);
    for &(n, a) in attributes {
        state.add_attr(ctx, n, a);
    }
    ctx.create_op(state)
}

/// The `i1`-like type matching `ty`'s shape (the result type of comparisons).
pub fn bool_like(ctx: &mut Context, ty: Type) -> Type {
    let i1 = ctx.i1_type();
    ctx.with_element_type(ty, i1)
}
