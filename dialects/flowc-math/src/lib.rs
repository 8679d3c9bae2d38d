//! The `math` dialect, as in MLIR 22: elementary functions on floating-point scalars, vectors
//! and tensors, and bit counts / powers on integers.
//!
//! ```mlir
//! %0 = math.exp %x fastmath<fast> : f32
//! %1 = math.atan2 %y, %x : f32
//! %2 = math.fma %a, %b, %c : vector<4xf32>
//! %3 = math.fpowi %x, %n : f32, i32
//! %4 = math.ctlz %i : i32
//! %5 = math.isnan %x : f32
//! ```
//!
//! Folders evaluate constant operands the way MLIR does, with the host's C math library: `f64`
//! with the `double` functions, `f32` with the `float` ones (Rust's `f32::exp` is `expf`), so
//! results match `mlir-opt` on the same machine bit for bit. `f16` and `bf16` (which MLIR does
//! not fold) are computed in `f32` and rounded to the type. `erf` / `erfc` come from the `libm`
//! crate (Rust's standard library has neither). Like MLIR, square roots and logarithms of
//! negative numbers are left unfolded. Constants are materialized as `arith.constant`.

#[cfg(test)]
mod tests;

use flowc_arith::elements::{
    Elements, float_attr, float_elements, int_attr, int_elements, to_unsigned, wrap,
};
use flowc_arith::flags::FASTMATH_ATTR;
use flowc_arith::syntax::{
    parse_binary, parse_binary_fastmath, parse_unary, parse_unary_fastmath, print_binary,
    print_unary,
};
use flowc_ir::constraints::{BOOL_LIKE, FLOAT_LIKE, SIGNLESS_INTEGER_LIKE};
use flowc_ir::parser::{OpParser, ParseResult};
use flowc_ir::printer::OpPrinter;
use flowc_ir::{
    Attribute, Context, DialectDef, FloatKind, FoldResult, Op, OpDef, OperationState, Traits, Type,
};

type Folded = Option<Vec<FoldResult>>;

const ELEMENTWISE: Traits = Traits::PURE
    .union(Traits::SAME_OPERANDS_AND_RESULT_TYPE)
    .union(Traits::ELEMENTWISE);

fn result_type(ctx: &Context, op: Op) -> Type {
    ctx.value_type(ctx.result(op, 0))
}

fn operand_attr(operands: &[Option<Attribute>], i: usize) -> Option<Attribute> {
    operands.get(i).copied().flatten()
}

fn to_attr(a: Option<Attribute>) -> Folded {
    Some(vec![FoldResult::Attr(a?)])
}

/// Evaluates `f32` / `f64` functions in the precision of `kind` (`f16` / `bf16` through `f32`).
fn eval(kind: FloatKind, x: f64, f32f: fn(f32) -> f32, f64f: fn(f64) -> f64) -> f64 {
    match kind {
        FloatKind::F64 => f64f(x),
        _ => f32f(x as f32) as f64,
    }
}

/// Folds a unary float op on a constant operand inside `domain`.
fn fold_unary_float(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    domain: fn(f64) -> bool,
    f32f: fn(f32) -> f32,
    f64f: fn(f64) -> f64,
) -> Folded {
    let (kind, e) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let r = e.map(|x| domain(x).then(|| eval(kind, x, f32f, f64f)))?;
    let ty = result_type(ctx, op);
    to_attr(float_attr(ctx, ty, &r))
}

/// Folds a binary float op on constant operands.
fn fold_binary_float(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f32f: fn(f32, f32) -> f32,
    f64f: fn(f64, f64) -> f64,
) -> Folded {
    let (kind, a) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let (_, b) = float_elements(ctx, operand_attr(operands, 1)?)?;
    let r = a.zip(&b, |x, y| {
        Some(match kind {
            FloatKind::F64 => f64f(x, y),
            _ => f32f(x as f32, y as f32) as f64,
        })
    })?;
    let ty = result_type(ctx, op);
    to_attr(float_attr(ctx, ty, &r))
}

fn any(_: f64) -> bool {
    true
}

/// `x >= 0`, or NaN (which folds to NaN).
fn non_negative(x: f64) -> bool {
    x >= 0.0 || x.is_nan()
}

/// `x >= -1`, or NaN.
fn above_minus_one(x: f64) -> bool {
    x >= -1.0 || x.is_nan()
}

macro_rules! float_unary_ops {
    ($($(#[$m:meta])* $ty:ident = $name:literal, $summary:literal, $domain:expr, $f32:expr, $f64:expr;)*) => {
        $(
            flowc_ir::op! {
                $(#[$m])*
                pub struct $ty = $name {
                    summary: $summary,
                    operands: { operand: one(FLOAT_LIKE) },
                    results: { result: one(FLOAT_LIKE) },
                    attributes: { fastmath: optional(FASTMATH_ATTR) },
                    regions: {},
                    traits: ELEMENTWISE,
                }
            }
        )*

        /// The definitions of the unary float ops, with their folders.
        fn float_unary_defs() -> Vec<OpDef> {
            vec![$(
                $ty::base_def()
                    .folder({
                        fn fold(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
                            fold_unary_float(ctx, op, operands, $domain, $f32, $f64)
                        }
                        fold
                    })
                    .assembly(print_unary, parse_unary_fastmath)
            ),*]
        }
    };
}

float_unary_ops! {
    /// `|x|`
    AbsFOp = "math.absf", "floating point absolute-value operation", any, f32::abs, f64::abs;
    CeilOp = "math.ceil", "ceiling of the specified value", any, f32::ceil, f64::ceil;
    FloorOp = "math.floor", "floor of the specified value", any, f32::floor, f64::floor;
    /// Rounds half away from zero (C's `round`).
    RoundOp = "math.round", "round of the specified value", any, f32::round, f64::round;
    /// Rounds half to even.
    RoundEvenOp = "math.roundeven", "round of the specified value with halfway cases to even", any,
        f32::round_ties_even, f64::round_ties_even;
    TruncOp = "math.trunc", "trunc of the specified value", any, f32::trunc, f64::trunc;
    SqrtOp = "math.sqrt", "sqrt of the specified value", non_negative, f32::sqrt, f64::sqrt;
    RsqrtOp = "math.rsqrt", "reciprocal of sqrt (1 / sqrt of the specified value)", non_negative,
        |x: f32| 1.0 / x.sqrt(), |x: f64| 1.0 / x.sqrt();
    CbrtOp = "math.cbrt", "cube root of the specified value", any, f32::cbrt, f64::cbrt;
    ExpOp = "math.exp", "base-e exponential of the specified value", any, f32::exp, f64::exp;
    Exp2Op = "math.exp2", "base-2 exponential of the specified value", any, f32::exp2, f64::exp2;
    ExpM1Op = "math.expm1", "base-e exponential of the specified value minus 1", any, f32::exp_m1, f64::exp_m1;
    LogOp = "math.log", "base-e logarithm of the specified value", non_negative, f32::ln, f64::ln;
    Log2Op = "math.log2", "base-2 logarithm of the specified value", non_negative, f32::log2, f64::log2;
    Log10Op = "math.log10", "base-10 logarithm of the specified value", non_negative, f32::log10, f64::log10;
    Log1pOp = "math.log1p", "Computes the natural logarithm of one plus the given value", above_minus_one,
        f32::ln_1p, f64::ln_1p;
    SinOp = "math.sin", "sine of the specified value", any, f32::sin, f64::sin;
    CosOp = "math.cos", "cosine of the specified value", any, f32::cos, f64::cos;
    TanOp = "math.tan", "tangent of the specified value", any, f32::tan, f64::tan;
    SinhOp = "math.sinh", "hyperbolic sine of the specified value", any, f32::sinh, f64::sinh;
    CoshOp = "math.cosh", "hyperbolic cosine of the specified value", any, f32::cosh, f64::cosh;
    TanhOp = "math.tanh", "hyperbolic tangent of the specified value", any, f32::tanh, f64::tanh;
    AsinOp = "math.asin", "arcus sine of the given value", any, f32::asin, f64::asin;
    AcosOp = "math.acos", "arcus cosine of the given value", any, f32::acos, f64::acos;
    AtanOp = "math.atan", "arcus tangent of the given value", any, f32::atan, f64::atan;
    AsinhOp = "math.asinh", "Hyperbolic arcus sine of the given value", any, f32::asinh, f64::asinh;
    AcoshOp = "math.acosh", "Hyperbolic arcus cosine of the given value", any, f32::acosh, f64::acosh;
    AtanhOp = "math.atanh", "Hyperbolic arcus tangent of the given value", any, f32::atanh, f64::atanh;
    /// The error function (from the `libm` crate).
    ErfOp = "math.erf", "error function of the specified value", any, libm::erff, libm::erf;
    /// The complementary error function `1 - erf(x)` (from the `libm` crate).
    ErfcOp = "math.erfc", "complementary error function of the specified value", any, libm::erfcf, libm::erfc;
}

macro_rules! float_binary_op {
    ($(#[$m:meta])* $ty:ident = $name:literal, $summary:literal) => {
        flowc_ir::op! {
            $(#[$m])*
            pub struct $ty = $name {
                summary: $summary,
                operands: { lhs: one(FLOAT_LIKE), rhs: one(FLOAT_LIKE) },
                results: { result: one(FLOAT_LIKE) },
                attributes: { fastmath: optional(FASTMATH_ATTR) },
                regions: {},
                traits: ELEMENTWISE,
            }
        }
    };
}

float_binary_op!(
    /// `atan2(y, x)`: `math.atan2 %y, %x : f32`.
    Atan2Op = "math.atan2", "2-argument arcus tangent of the given values");
float_binary_op!(
    /// `math.powf %x, %y : f32`.
    PowFOp = "math.powf", "floating point raised to the power of operation");
float_binary_op!(
    /// The magnitude of the first operand with the sign of the second.
    CopySignOp = "math.copysign", "A copysign operation");

flowc_ir::op! {
    /// Fused multiply-add `a * b + c` with one rounding: `math.fma %a, %b, %c : f32`.
    pub struct FmaOp = "math.fma" {
        summary: "floating point fused multipy-add operation",
        operands: { a: one(FLOAT_LIKE), b: one(FLOAT_LIKE), c: one(FLOAT_LIKE) },
        results: { result: one(FLOAT_LIKE) },
        attributes: { fastmath: optional(FASTMATH_ATTR) },
        regions: {},
        traits: ELEMENTWISE,
    }
}

flowc_ir::op! {
    /// A float raised to a signless integer power: `math.fpowi %x, %n : f32, i32`.
    pub struct FPowIOp = "math.fpowi" {
        summary: "floating point raised to the signed integer power",
        operands: { lhs: one(FLOAT_LIKE), rhs: one(SIGNLESS_INTEGER_LIKE) },
        results: { result: one(FLOAT_LIKE) },
        attributes: { fastmath: optional(FASTMATH_ATTR) },
        regions: {},
        traits: Traits::PURE | Traits::SAME_OPERANDS_AND_RESULT_SHAPE | Traits::ELEMENTWISE,
    }
}

macro_rules! int_unary_op {
    ($(#[$m:meta])* $ty:ident = $name:literal, $summary:literal) => {
        flowc_ir::op! {
            $(#[$m])*
            pub struct $ty = $name {
                summary: $summary,
                operands: { operand: one(SIGNLESS_INTEGER_LIKE) },
                results: { result: one(SIGNLESS_INTEGER_LIKE) },
                attributes: {},
                regions: {},
                traits: ELEMENTWISE,
            }
        }
    };
}

int_unary_op!(
    /// `|x|`, wrapping (`absi(INT_MIN) == INT_MIN`).
    AbsIOp = "math.absi", "integer absolute-value operation");
int_unary_op!(
    /// Leading zero bits (the width for zero).
    CountLeadingZerosOp = "math.ctlz", "counts the leading zeros an integer value");
int_unary_op!(
    /// Trailing zero bits (the width for zero).
    CountTrailingZerosOp = "math.cttz", "counts the trailing zeros an integer value");
int_unary_op!(
    /// Set bits.
    CtPopOp = "math.ctpop", "counts the number of set bits of an integer value");

flowc_ir::op! {
    /// A signless integer raised to a signless integer power: `math.ipowi %a, %b : i32`.
    pub struct IPowIOp = "math.ipowi" {
        summary: "signed integer raised to the power of operation",
        operands: { lhs: one(SIGNLESS_INTEGER_LIKE), rhs: one(SIGNLESS_INTEGER_LIKE) },
        results: { result: one(SIGNLESS_INTEGER_LIKE) },
        attributes: {},
        regions: {},
        traits: ELEMENTWISE,
    }
}

macro_rules! float_class_op {
    ($(#[$m:meta])* $ty:ident = $name:literal, $summary:literal) => {
        flowc_ir::op! {
            $(#[$m])*
            pub struct $ty = $name {
                summary: $summary,
                operands: { operand: one(FLOAT_LIKE) },
                results: { result: one(BOOL_LIKE) },
                attributes: { fastmath: optional(FASTMATH_ATTR) },
                regions: {},
                traits: Traits::PURE | Traits::SAME_OPERANDS_AND_RESULT_SHAPE | Traits::ELEMENTWISE,
            }
        }
    };
}

float_class_op!(
    IsNaNOp = "math.isnan",
    "returns true if the operand classifies as NaN"
);
float_class_op!(
    IsInfOp = "math.isinf",
    "returns true if the operand classifies as infinite"
);
float_class_op!(
    IsFiniteOp = "math.isfinite",
    "returns true if the operand classifies as finite"
);
float_class_op!(
    IsNormalOp = "math.isnormal",
    "returns true if the operand classifies as normal"
);

/// The `math` dialect definition.
pub fn dialect() -> DialectDef {
    let mut ops = float_unary_defs();
    ops.extend([
        Atan2Op::base_def()
            .folder(fold_atan2)
            .assembly(print_binary, parse_binary_fastmath),
        PowFOp::base_def()
            .folder(fold_powf)
            .assembly(print_binary, parse_binary_fastmath),
        CopySignOp::base_def()
            .folder(fold_copysign)
            .assembly(print_binary, parse_binary_fastmath),
        FmaOp::base_def()
            .folder(fold_fma)
            .assembly(print_fma, parse_fma),
        FPowIOp::base_def()
            .folder(fold_fpowi)
            .assembly(print_fpowi, parse_fpowi),
        AbsIOp::base_def()
            .folder(fold_absi)
            .assembly(print_unary, parse_unary),
        CountLeadingZerosOp::base_def()
            .folder(fold_ctlz)
            .assembly(print_unary, parse_unary),
        CountTrailingZerosOp::base_def()
            .folder(fold_cttz)
            .assembly(print_unary, parse_unary),
        CtPopOp::base_def()
            .folder(fold_ctpop)
            .assembly(print_unary, parse_unary),
        IPowIOp::base_def()
            .folder(fold_ipowi)
            .assembly(print_binary, parse_binary),
        IsNaNOp::base_def()
            .folder(fold_isnan)
            .assembly(print_class, parse_class),
        IsInfOp::base_def()
            .folder(fold_isinf)
            .assembly(print_class, parse_class),
        IsFiniteOp::base_def()
            .folder(fold_isfinite)
            .assembly(print_class, parse_class),
        IsNormalOp::base_def()
            .folder(fold_isnormal)
            .assembly(print_class, parse_class),
    ]);
    let mut d = DialectDef::new(
        "math",
        "Elementary math functions on floats and bit operations on integers",
    );
    for op in ops {
        d = d.op(op);
    }
    // As in MLIR, folded math values become `arith.constant`s.
    d.materialize_constant = Some(flowc_arith::materialize_constant);
    d
}

// ===== Folders =====

fn fold_atan2(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_binary_float(ctx, op, operands, f32::atan2, f64::atan2)
}

fn fold_powf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_binary_float(ctx, op, operands, f32::powf, f64::powf)
}

fn fold_copysign(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_binary_float(ctx, op, operands, f32::copysign, f64::copysign)
}

fn fold_fma(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (kind, a) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let (_, b) = float_elements(ctx, operand_attr(operands, 1)?)?;
    let (_, c) = float_elements(ctx, operand_attr(operands, 2)?)?;
    let r = a.zip3(&b, &c, |x, y, z| {
        Some(match kind {
            FloatKind::F32 => (x as f32).mul_add(y as f32, z as f32) as f64,
            // f64 itself, and f16 / bf16 through f64 (their product is exact there).
            _ => x.mul_add(y, z),
        })
    })?;
    let ty = result_type(ctx, op);
    to_attr(float_attr(ctx, ty, &r))
}

fn fold_fpowi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (kind, a) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let (_, n) = int_elements(ctx, operand_attr(operands, 1)?)?;
    let r = a.zip(&n, |x, n| {
        Some(match kind {
            FloatKind::F64 => x.powf(n as f64),
            _ => (x as f32).powf(n as f32) as f64,
        })
    })?;
    let ty = result_type(ctx, op);
    to_attr(float_attr(ctx, ty, &r))
}

/// Folds a unary integer op; `f` gets the sign-extended value and the width.
fn fold_unary_int(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: fn(i128, u32) -> i128,
) -> Folded {
    let (w, e) = int_elements(ctx, operand_attr(operands, 0)?)?;
    let r = e.map(|v| Some(wrap(f(v, w), w)))?;
    let ty = result_type(ctx, op);
    to_attr(int_attr(ctx, ty, &r))
}

fn fold_absi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_unary_int(ctx, op, operands, |v, _| v.abs())
}

fn fold_ctlz(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_unary_int(ctx, op, operands, |v, w| {
        (to_unsigned(v, w).leading_zeros() - (128 - w)) as i128
    })
}

fn fold_cttz(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_unary_int(ctx, op, operands, |v, w| {
        to_unsigned(v, w).trailing_zeros().min(w) as i128
    })
}

fn fold_ctpop(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_unary_int(ctx, op, operands, |v, w| {
        to_unsigned(v, w).count_ones() as i128
    })
}

/// `base ** power` in `w`-bit two's complement, as MLIR's `IPowIOp::fold`: a negative power
/// gives 0 unless `|base| == 1`; `0 ** negative` is not folded.
pub fn ipowi(base: i128, power: i128, w: u32) -> Option<i128> {
    if power == 0 {
        return Some(wrap(1, w));
    }
    if power < 0 {
        return match base {
            0 => None,
            1 => Some(1),
            -1 => Some(if power & 1 == 1 { -1 } else { wrap(1, w) }),
            _ => Some(0),
        };
    }
    let (mut result, mut b, mut p) = (1i128, base, power as u128);
    loop {
        if p & 1 == 1 {
            result = wrap(result.wrapping_mul(b), w);
        }
        p >>= 1;
        if p == 0 {
            return Some(result);
        }
        b = wrap(b.wrapping_mul(b), w);
    }
}

fn fold_ipowi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (w, a) = int_elements(ctx, operand_attr(operands, 0)?)?;
    let (_, b) = int_elements(ctx, operand_attr(operands, 1)?)?;
    let r = a.zip(&b, |x, y| ipowi(x, y, w))?;
    let ty = result_type(ctx, op);
    to_attr(int_attr(ctx, ty, &r))
}

/// Folds a classification op (`isnan` ...) to an `i1`-like constant.
fn fold_class(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: fn(FloatKind, f64) -> bool,
) -> Folded {
    let (kind, e) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let r: Elements<i128> = e.map(|x| Some(if f(kind, x) { -1 } else { 0 }))?;
    let ty = result_type(ctx, op);
    to_attr(int_attr(ctx, ty, &r))
}

fn fold_isnan(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_class(ctx, op, operands, |_, x| x.is_nan())
}

fn fold_isinf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_class(ctx, op, operands, |_, x| x.is_infinite())
}

fn fold_isfinite(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_class(ctx, op, operands, |_, x| x.is_finite())
}

/// Normal in the operand's own format (not in `f64`, where every `f32` subnormal is normal).
fn is_normal_in(kind: FloatKind, x: f64) -> bool {
    let min_normal = match kind {
        FloatKind::F16 => 2f64.powi(-14),
        FloatKind::BF16 | FloatKind::F32 => 2f64.powi(-126),
        FloatKind::F64 => f64::MIN_POSITIVE,
    };
    x.is_finite() && x.abs() >= min_normal
}

fn fold_isnormal(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_class(ctx, op, operands, is_normal_in)
}

// ===== Custom syntax =====

/// Prints the ` fastmath<...>` flag unless it is `none`; returns the names to elide.
fn print_fastmath(p: &mut OpPrinter<'_, '_>, op: Op) -> Vec<&'static str> {
    let ctx = p.ctx();
    match ctx
        .attr(op, "fastmath")
        .and_then(|a| flowc_arith::flags::FastMathFlags::from_attr(ctx, a))
    {
        Some(f) => {
            if f != flowc_arith::flags::FastMathFlags::NONE {
                p.write(" fastmath<");
                p.write(&f.keywords());
                p.write(">");
            }
            vec!["fastmath"]
        }
        None => Vec::new(),
    }
}

fn parse_fastmath(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    if let Some(f) = flowc_arith::flags::parse_optional_fastmath(p)?
        && f != flowc_arith::flags::FastMathFlags::NONE
    {
        let a = f.to_attr(p.ctx());
        state.add_attr(p.ctx(), "fastmath", a);
    }
    Ok(())
}

// fma %a, %b, %c [fastmath<...>] {attrs} : type
fn print_fma(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operands(&ctx.operand_vec(op));
    let elided = print_fastmath(p, op);
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type(result_type(ctx, op));
}

fn parse_fma(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let operands = p.parse_operand_list()?;
    if operands.len() != 3 {
        return Err(p.error("expected 3 operands"));
    }
    parse_fastmath(p, state)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&operands, &[ty, ty, ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

// fpowi %x, %n [fastmath<...>] {attrs} : f32, i32
fn print_fpowi(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operands(&ctx.operand_vec(op));
    let elided = print_fastmath(p, op);
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type_list(&ctx.operand_types(op));
}

fn parse_fpowi(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let x = p.parse_operand()?;
    p.parse_punct(",")?;
    let n = p.parse_operand()?;
    parse_fastmath(p, state)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.parse_punct(",")?;
    let int_ty = p.parse_type()?;
    p.resolve_operands(&[x, n], &[ty, int_ty], &mut state.operands)?;
    state.result_types.push(ty);
    Ok(())
}

// isnan %x [fastmath<...>] {attrs} : f32   (the result is i1 of the operand's shape)
fn print_class(p: &mut OpPrinter<'_, '_>, op: Op) {
    let ctx = p.ctx();
    p.write(" ");
    p.print_operand(ctx.operand(op, 0));
    let elided = print_fastmath(p, op);
    p.print_optional_attr_dict(op, &elided);
    p.write(" : ");
    p.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn parse_class(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> ParseResult<()> {
    let x = p.parse_operand()?;
    parse_fastmath(p, state)?;
    p.parse_optional_attr_dict(&mut state.attributes)?;
    let ty = p.parse_colon_type()?;
    p.resolve_operands(&[x], &[ty], &mut state.operands)?;
    let result = flowc_arith::bool_like(p.ctx(), ty);
    state.result_types.push(result);
    Ok(())
}
