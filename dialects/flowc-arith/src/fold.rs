//! Folders of the arith ops, with MLIR's semantics.
//!
//! - Integers are two's complement of the type's width (`index` folds as 64 bits); signless
//!   values are read signed or unsigned as the op says. Division or remainder by zero, signed
//!   division overflow (`INT_MIN / -1`) and shifts by the width or more are not folded: they are
//!   undefined behaviour (poison) in MLIR and folding them would pick a value.
//! - Floats are IEEE 754: each result is computed exactly or in `f64` and rounded once to the
//!   type's format (for `f32`, `f16` and `bf16`, rounding an `f64` result of `+ - * /` again is
//!   innocuous: `f64` has more than twice their precision plus two bits).
//! - Identities are MLIR's: `x + 0`, `x * 1`, `x * 0` (integers only), `x - x` (integers only),
//!   `x + -0.0`, `x * 1.0`, `negf(negf(x))`, casts that cancel, `select` with a constant
//!   condition or equal arms, comparisons of a value with itself.
//!
//! Constants may be scalars or dense tensors / vectors (splat or not).

use crate::elements::{
    Elements, bit_elements, bits_attr, float_attr, float_elements, int_attr, int_elements,
    int_width, splat_float, splat_int, to_unsigned, wrap,
};
use crate::flags::ROUNDING_MODES;
use flowc_ir::{Attribute, Context, FloatKind, FoldResult, Op, Type, Value};

type Folded = Option<Vec<FoldResult>>;

fn result_type(ctx: &Context, op: Op) -> Type {
    ctx.value_type(ctx.result(op, 0))
}

fn to_value(v: Value) -> Folded {
    Some(vec![FoldResult::Value(v)])
}

fn to_attr(a: Option<Attribute>) -> Folded {
    Some(vec![FoldResult::Attr(a?)])
}

fn operand_attr(operands: &[Option<Attribute>], i: usize) -> Option<Attribute> {
    operands.get(i).copied().flatten()
}

/// Whether operand `i` is an integer constant equal to `v` (wrapped to its width) everywhere.
fn is_int(ctx: &Context, operands: &[Option<Attribute>], i: usize, v: i128) -> bool {
    operand_attr(operands, i)
        .and_then(|a| int_elements(ctx, a))
        .is_some_and(|(w, e)| e.splat_value() == Some(wrap(v, w)))
}

/// Whether operand `i` is a float constant equal to `v` (bit for bit, so `-0.0 != 0.0`).
fn is_float(ctx: &Context, operands: &[Option<Attribute>], i: usize, v: f64) -> bool {
    operand_attr(operands, i)
        .and_then(|a| splat_float(ctx, a))
        .is_some_and(|x| x.to_bits() == v.to_bits())
}

/// The integer constant `v` of `op`'s result type (a splat for shaped types).
fn int_constant(ctx: &mut Context, op: Op, v: i128) -> Folded {
    let ty = result_type(ctx, op);
    to_attr(int_attr(ctx, ty, &Elements::splat(v)))
}

/// The two operands of `v`'s defining op if it is `name`.
fn match_binary(ctx: &Context, v: Value, name: &str) -> Option<(Value, Value)> {
    let op = ctx.defining_op(v)?;
    (ctx.op_name(op) == name && ctx.num_operands(op) == 2)
        .then(|| (ctx.operand(op, 0), ctx.operand(op, 1)))
}

/// The operand of `v`'s defining op if it is one of `names`.
fn match_unary(ctx: &Context, v: Value, names: &[&str]) -> Option<Value> {
    let op = ctx.defining_op(v)?;
    (names.contains(&ctx.op_name(op)) && ctx.num_operands(op) == 1).then(|| ctx.operand(op, 0))
}

fn operands2(ctx: &Context, op: Op) -> (Value, Value) {
    (ctx.operand(op, 0), ctx.operand(op, 1))
}

// ===== Constant folding drivers =====

/// Folds a binary integer op whose operands are both constant; `f` gets the sign-extended
/// values and the width and returns `None` for undefined cases.
fn int_binary(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: impl Fn(i128, i128, u32) -> Option<i128>,
) -> Folded {
    let (a, b) = (operand_attr(operands, 0)?, operand_attr(operands, 1)?);
    let (w, ea) = int_elements(ctx, a)?;
    let (w2, eb) = int_elements(ctx, b)?;
    if w != w2 {
        return None;
    }
    let r = ea.zip(&eb, |x, y| f(x, y, w).map(|v| wrap(v, w)))?;
    let ty = result_type(ctx, op);
    to_attr(int_attr(ctx, ty, &r))
}

/// Folds a binary float op whose operands are both constant; the result is rounded to the
/// result's format.
fn float_binary(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: impl Fn(f64, f64) -> f64,
) -> Folded {
    let (a, b) = (operand_attr(operands, 0)?, operand_attr(operands, 1)?);
    let (ka, ea) = float_elements(ctx, a)?;
    let (kb, eb) = float_elements(ctx, b)?;
    if ka != kb {
        return None;
    }
    let r = ea.zip(&eb, |x, y| Some(f(x, y)))?;
    let ty = result_type(ctx, op);
    to_attr(float_attr(ctx, ty, &r))
}

fn smin(w: u32) -> i128 {
    -(1i128 << (w - 1))
}

fn smax(w: u32) -> i128 {
    (1i128 << (w - 1)) - 1
}

// ===== Constants =====

pub fn fold_constant(ctx: &mut Context, op: Op, _operands: &[Option<Attribute>]) -> Folded {
    to_attr(ctx.attr(op, "value"))
}

// ===== Integer arithmetic =====

pub fn fold_addi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| Some(a + b)) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if is_int(ctx, operands, 1, 0) {
        return to_value(lhs);
    }
    if is_int(ctx, operands, 0, 0) {
        return to_value(rhs);
    }
    // addi(subi(a, b), b) -> a, addi(b, subi(a, b)) -> a
    if let Some((a, b)) = match_binary(ctx, lhs, "arith.subi")
        && b == rhs
    {
        return to_value(a);
    }
    if let Some((a, b)) = match_binary(ctx, rhs, "arith.subi")
        && b == lhs
    {
        return to_value(a);
    }
    None
}

pub fn fold_subi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        return int_constant(ctx, op, 0);
    }
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| Some(a - b)) {
        return r;
    }
    if is_int(ctx, operands, 1, 0) {
        return to_value(lhs);
    }
    // subi(addi(a, b), b) -> a, subi(addi(a, b), a) -> b
    if let Some((a, b)) = match_binary(ctx, lhs, "arith.addi") {
        if b == rhs {
            return to_value(a);
        }
        if a == rhs {
            return to_value(b);
        }
    }
    None
}

pub fn fold_muli(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| Some(a.wrapping_mul(b))) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    for (c, x) in [(1, lhs), (0, rhs)] {
        if is_int(ctx, operands, c, 0) {
            return int_constant(ctx, op, 0);
        }
        if is_int(ctx, operands, c, 1) {
            return to_value(x);
        }
    }
    None
}

pub fn fold_divsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        if b == 0 || (a == smin(w) && b == -1) {
            None
        } else {
            Some(a / b)
        }
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_divui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        let (a, b) = (to_unsigned(a, w), to_unsigned(b, w));
        (b != 0).then(|| (a / b) as i128)
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_ceildivsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        if b == 0 || (a == smin(w) && b == -1) {
            return None;
        }
        let (q, r) = (a / b, a % b);
        Some(if r != 0 && ((r > 0) == (b > 0)) {
            q + 1
        } else {
            q
        })
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_ceildivui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        let (a, b) = (to_unsigned(a, w), to_unsigned(b, w));
        (b != 0).then(|| (a / b + u128::from(a % b != 0)) as i128)
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_floordivsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        if b == 0 || (a == smin(w) && b == -1) {
            return None;
        }
        let (q, r) = (a / b, a % b);
        Some(if r != 0 && ((r < 0) != (b < 0)) {
            q - 1
        } else {
            q
        })
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_remsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| (b != 0).then(|| a % b)) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return int_constant(ctx, op, 0);
    }
    None
}

pub fn fold_remui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        let (a, b) = (to_unsigned(a, w), to_unsigned(b, w));
        (b != 0).then(|| (a % b) as i128)
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 1) {
        return int_constant(ctx, op, 0);
    }
    None
}

// ===== Bitwise and shifts =====

/// `andi(x, xori(x, -1))` or `andi(xori(x, -1), x)`: `x & ~x`.
fn is_and_not_self(ctx: &Context, a: Value, b: Value) -> bool {
    let is_not_of = |v: Value, x: Value| {
        let Some(op) = ctx.defining_op(v) else {
            return false;
        };
        if ctx.op_name(op) != "arith.xori" {
            return false;
        }
        let (p, q) = (ctx.operand(op, 0), ctx.operand(op, 1));
        let all_ones = |c: Value| {
            ctx.defining_op(c)
                .and_then(|d| {
                    ctx.attr(d, "value")
                        .filter(|_| ctx.op_name(d) == "arith.constant")
                })
                .and_then(|a| splat_int(ctx, a))
                == Some(-1)
        };
        (p == x && all_ones(q)) || (q == x && all_ones(p))
    };
    is_not_of(b, a) || is_not_of(a, b)
}

pub fn fold_andi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| Some(a & b)) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        return to_value(lhs);
    }
    for (c, x) in [(1, lhs), (0, rhs)] {
        if is_int(ctx, operands, c, 0) {
            return int_constant(ctx, op, 0);
        }
        if is_int(ctx, operands, c, -1) {
            return to_value(x);
        }
    }
    if is_and_not_self(ctx, lhs, rhs) {
        return int_constant(ctx, op, 0);
    }
    None
}

pub fn fold_ori(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| Some(a | b)) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        return to_value(lhs);
    }
    for (c, x) in [(1, lhs), (0, rhs)] {
        if is_int(ctx, operands, c, 0) {
            return to_value(x);
        }
        if is_int(ctx, operands, c, -1) {
            return int_constant(ctx, op, -1);
        }
    }
    None
}

pub fn fold_xori(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        return int_constant(ctx, op, 0);
    }
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, _| Some(a ^ b)) {
        return r;
    }
    if is_int(ctx, operands, 1, 0) {
        return to_value(lhs);
    }
    if is_int(ctx, operands, 0, 0) {
        return to_value(rhs);
    }
    // xori(xori(a, b), b) -> a, xori(xori(a, b), a) -> b
    if let Some((a, b)) = match_binary(ctx, lhs, "arith.xori") {
        if b == rhs {
            return to_value(a);
        }
        if a == rhs {
            return to_value(b);
        }
    }
    None
}

/// The shift amount as an unsigned number, `None` when it is the width or more.
fn shift_amount(b: i128, w: u32) -> Option<u32> {
    let b = to_unsigned(b, w);
    (b < w as u128).then_some(b as u32)
}

pub fn fold_shli(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        shift_amount(b, w).map(|s| a << s)
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 0) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_shrsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        shift_amount(b, w).map(|s| a >> s)
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 0) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_shrui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| {
        shift_amount(b, w).map(|s| (to_unsigned(a, w) >> s) as i128)
    }) {
        return r;
    }
    if is_int(ctx, operands, 1, 0) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

// ===== Min / max =====

/// Shared shape of the integer min / max folders: `absorbing` is the value that wins against
/// anything (the result), `neutral` the one that always loses (the other operand is the
/// result).
fn fold_minmax_int(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: fn(i128, i128, u32) -> i128,
    absorbing: fn(u32) -> i128,
    neutral: fn(u32) -> i128,
) -> Folded {
    if let r @ Some(_) = int_binary(ctx, op, operands, |a, b, w| Some(f(a, b, w))) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        return to_value(lhs);
    }
    let w = int_width(ctx, ctx.element_type_or_self(result_type(ctx, op)))?;
    for (c, x) in [(1, lhs), (0, rhs)] {
        if is_int(ctx, operands, c, absorbing(w)) {
            return to_value(if c == 1 { rhs } else { lhs });
        }
        if is_int(ctx, operands, c, neutral(w)) {
            return to_value(x);
        }
    }
    None
}

pub fn fold_maxsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_int(ctx, op, operands, |a, b, _| a.max(b), smax, smin)
}

pub fn fold_minsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_int(ctx, op, operands, |a, b, _| a.min(b), smin, smax)
}

pub fn fold_maxui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_int(
        ctx,
        op,
        operands,
        |a, b, w| to_unsigned(a, w).max(to_unsigned(b, w)) as i128,
        |_| -1,
        |_| 0,
    )
}

pub fn fold_minui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_int(
        ctx,
        op,
        operands,
        |a, b, w| to_unsigned(a, w).min(to_unsigned(b, w)) as i128,
        |_| 0,
        |_| -1,
    )
}

// ===== Float arithmetic =====

pub fn fold_addf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = float_binary(ctx, op, operands, |a, b| a + b) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if is_float(ctx, operands, 1, -0.0) {
        return to_value(lhs);
    }
    if is_float(ctx, operands, 0, -0.0) {
        return to_value(rhs);
    }
    None
}

pub fn fold_subf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = float_binary(ctx, op, operands, |a, b| a - b) {
        return r;
    }
    if is_float(ctx, operands, 1, 0.0) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_mulf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = float_binary(ctx, op, operands, |a, b| a * b) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if is_float(ctx, operands, 1, 1.0) {
        return to_value(lhs);
    }
    if is_float(ctx, operands, 0, 1.0) {
        return to_value(rhs);
    }
    None
}

pub fn fold_divf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = float_binary(ctx, op, operands, |a, b| a / b) {
        return r;
    }
    if is_float(ctx, operands, 1, 1.0) {
        return to_value(ctx.operand(op, 0));
    }
    None
}

pub fn fold_remf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    // `%` on floats is C's `fmod` (the result is exact), as MLIR's `APFloat::mod`.
    float_binary(ctx, op, operands, |a, b| a % b)
}

/// IEEE 754-2019 `maximum`: NaN-propagating, `-0 < +0`.
pub fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        return a;
    }
    if b.is_nan() {
        return b;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { b } else { a };
    }
    if a > b { a } else { b }
}

/// IEEE 754-2019 `minimum`: NaN-propagating, `-0 < +0`.
pub fn minimum(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        return a;
    }
    if b.is_nan() {
        return b;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { a } else { b };
    }
    if a < b { a } else { b }
}

/// IEEE 754-2008 `maxNum` (LLVM's `maxnum`): a NaN operand loses, `-0 < +0`.
pub fn maxnum(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        return b;
    }
    if b.is_nan() {
        return a;
    }
    maximum(a, b)
}

/// IEEE 754-2008 `minNum` (LLVM's `minnum`): a NaN operand loses, `-0 < +0`.
pub fn minnum(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        return b;
    }
    if b.is_nan() {
        return a;
    }
    minimum(a, b)
}

/// Shared shape of the float min / max folders: `x op x -> x`, and `x op neutral -> x`.
fn fold_minmax_float(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: fn(f64, f64) -> f64,
    neutral: f64,
) -> Folded {
    if let r @ Some(_) = float_binary(ctx, op, operands, f) {
        return r;
    }
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        return to_value(lhs);
    }
    if is_float(ctx, operands, 1, neutral) {
        return to_value(lhs);
    }
    if is_float(ctx, operands, 0, neutral) {
        return to_value(rhs);
    }
    None
}

pub fn fold_maximumf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_float(ctx, op, operands, maximum, f64::NEG_INFINITY)
}

pub fn fold_minimumf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_float(ctx, op, operands, minimum, f64::INFINITY)
}

pub fn fold_maxnumf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_float(ctx, op, operands, maxnum, f64::NEG_INFINITY)
}

pub fn fold_minnumf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    fold_minmax_float(ctx, op, operands, minnum, f64::INFINITY)
}

pub fn fold_negf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let Some(a) = operand_attr(operands, 0)
        && let Some((_, e)) = float_elements(ctx, a)
    {
        let ty = result_type(ctx, op);
        return to_attr(float_attr(ctx, ty, &e.map(|x| Some(-x))?));
    }
    match_unary(ctx, ctx.operand(op, 0), &["arith.negf"]).and_then(to_value)
}

// ===== Comparisons =====

/// Evaluates an `arith.cmpi` predicate on sign-extended `width`-bit values.
pub fn eval_cmpi(predicate: i128, a: i128, b: i128, w: u32) -> Option<bool> {
    let (ua, ub) = (to_unsigned(a, w), to_unsigned(b, w));
    Some(match predicate {
        0 => a == b,
        1 => a != b,
        2 => a < b,
        3 => a <= b,
        4 => a > b,
        5 => a >= b,
        6 => ua < ub,
        7 => ua <= ub,
        8 => ua > ub,
        9 => ua >= ub,
        _ => return None,
    })
}

/// Evaluates an `arith.cmpf` predicate (`o*` false and `u*` true when either is NaN).
pub fn eval_cmpf(predicate: i128, a: f64, b: f64) -> Option<bool> {
    let u = a.is_nan() || b.is_nan();
    Some(match predicate {
        0 => false,
        1 => !u && a == b,
        2 => !u && a > b,
        3 => !u && a >= b,
        4 => !u && a < b,
        5 => !u && a <= b,
        6 => !u && a != b,
        7 => !u,
        8 => u || a == b,
        9 => u || a > b,
        10 => u || a >= b,
        11 => u || a < b,
        12 => u || a <= b,
        13 => u || a != b,
        14 => u,
        15 => true,
        _ => return None,
    })
}

fn predicate(ctx: &Context, op: Op) -> Option<i128> {
    ctx.attr(op, "predicate").and_then(|a| ctx.int_value(a))
}

fn bool_result(ctx: &mut Context, op: Op, values: &Elements<bool>) -> Folded {
    let ty = result_type(ctx, op);
    let ints = values.map(|b| Some(if b { -1 } else { 0 }))?;
    to_attr(int_attr(ctx, ty, &ints))
}

pub fn fold_cmpi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let pred = predicate(ctx, op)?;
    let (lhs, rhs) = operands2(ctx, op);
    if lhs == rhs {
        // eq, sle, sge, ule, uge hold for equal operands; ne, slt, sgt, ult, ugt do not.
        let holds = eval_cmpi(pred, 0, 0, 1)?;
        return bool_result(ctx, op, &Elements::splat(holds));
    }
    if let (Some(a), Some(b)) = (operand_attr(operands, 0), operand_attr(operands, 1))
        && let (Some((w, ea)), Some((_, eb))) = (int_elements(ctx, a), int_elements(ctx, b))
    {
        let r = ea.zip(&eb, |x, y| eval_cmpi(pred, x, y, w))?;
        return bool_result(ctx, op, &r);
    }
    let lhs_ty = ctx.value_type(lhs);
    if ctx.is_signless_int_of_width(lhs_ty, 1) {
        // cmpi ne, %x, false -> %x ; cmpi eq, %x, true -> %x
        if (pred == 1 && is_int(ctx, operands, 1, 0)) || (pred == 0 && is_int(ctx, operands, 1, -1))
        {
            return to_value(lhs);
        }
    }
    // cmpi ne, (extsi|extui %x : i1), 0 -> %x
    if pred == 1
        && is_int(ctx, operands, 1, 0)
        && let Some(x) = match_unary(ctx, lhs, &["arith.extsi", "arith.extui"])
        && ctx.is_signless_int_of_width(ctx.value_type(x), 1)
        && !ctx.is_shaped(lhs_ty)
    {
        return to_value(x);
    }
    None
}

pub fn fold_cmpf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let pred = predicate(ctx, op)?;
    if pred == 0 || pred == 15 {
        return bool_result(ctx, op, &Elements::splat(pred == 15));
    }
    let (a, b) = (operand_attr(operands, 0)?, operand_attr(operands, 1)?);
    let (_, ea) = float_elements(ctx, a)?;
    let (_, eb) = float_elements(ctx, b)?;
    let r = ea.zip(&eb, |x, y| eval_cmpf(pred, x, y))?;
    bool_result(ctx, op, &r)
}

// ===== Select =====

pub fn fold_select(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (cond, t, f) = (ctx.operand(op, 0), ctx.operand(op, 1), ctx.operand(op, 2));
    if t == f {
        return to_value(t);
    }
    if let Some(c) = operand_attr(operands, 0).and_then(|a| splat_int(ctx, a)) {
        return to_value(if c != 0 { t } else { f });
    }
    // select %c, true, false -> %c (same i1 type)
    let ty = result_type(ctx, op);
    if ctx.value_type(cond) == ty
        && ctx.is_signless_int_of_width(ctx.element_type_or_self(ty), 1)
        && is_int(ctx, operands, 1, -1)
        && is_int(ctx, operands, 2, 0)
    {
        return to_value(cond);
    }
    // All constant: element by element.
    let (c, a, b) = (
        operand_attr(operands, 0)?,
        operand_attr(operands, 1)?,
        operand_attr(operands, 2)?,
    );
    let (_, ec) = int_elements(ctx, c)?;
    if let (Some((_, ea)), Some((_, eb))) = (int_elements(ctx, a), int_elements(ctx, b)) {
        let r = ec.zip3(&ea, &eb, |c, x, y| Some(if c != 0 { x } else { y }))?;
        return to_attr(int_attr(ctx, ty, &r));
    }
    let (_, ea) = float_elements(ctx, a)?;
    let (_, eb) = float_elements(ctx, b)?;
    let r = ec.zip3(&ea, &eb, |c, x, y| Some(if c != 0 { x } else { y }))?;
    to_attr(float_attr(ctx, ty, &r))
}

// ===== Casts =====

/// Folds a cast of a constant integer operand through `f` (value, source width) to an integer
/// result.
fn cast_int_to_int(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    f: impl Fn(i128, u32) -> i128,
) -> Folded {
    let (w, e) = int_elements(ctx, operand_attr(operands, 0)?)?;
    let ty = result_type(ctx, op);
    to_attr(int_attr(ctx, ty, &e.map(|v| Some(f(v, w)))?))
}

pub fn fold_extsi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    cast_int_to_int(ctx, op, operands, |v, _| v)
}

pub fn fold_extui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    cast_int_to_int(ctx, op, operands, |v, w| to_unsigned(v, w) as i128)
}

pub fn fold_trunci(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let r @ Some(_) = cast_int_to_int(ctx, op, operands, |v, _| v) {
        return r;
    }
    // trunci(extsi(x)) / trunci(extui(x)) -> x when x has the result type.
    let x = match_unary(ctx, ctx.operand(op, 0), &["arith.extsi", "arith.extui"])?;
    (ctx.value_type(x) == result_type(ctx, op))
        .then_some(())
        .and_then(|_| to_value(x))
}

/// `cast(cast(x)) -> x` when `x` has the result type, for the casts in `names`.
fn cancel_cast_pair(ctx: &Context, op: Op, names: &[&str]) -> Folded {
    let x = match_unary(ctx, ctx.operand(op, 0), names)?;
    if ctx.value_type(x) == result_type(ctx, op) {
        to_value(x)
    } else {
        None
    }
}

pub fn fold_index_cast(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    // Sign-extends or truncates: the sign-extended value is the value.
    if let r @ Some(_) = cast_int_to_int(ctx, op, operands, |v, _| v) {
        return r;
    }
    cancel_cast_pair(ctx, op, &["arith.index_cast"])
}

pub fn fold_index_castui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    // Zero-extends into `index`, truncates out of it.
    let from_index = ctx.is_index(ctx.element_type_or_self(ctx.value_type(ctx.operand(op, 0))));
    if let r @ Some(_) = cast_int_to_int(ctx, op, operands, |v, w| {
        if from_index {
            v
        } else {
            to_unsigned(v, w) as i128
        }
    }) {
        return r;
    }
    cancel_cast_pair(ctx, op, &["arith.index_castui"])
}

/// The value of integer `v` rounded once to the nearest value of `kind` (ties to even), as an
/// `f64` that [`float_attr`] then stores exactly.
pub fn int_to_float(kind: FloatKind, v: i128) -> f64 {
    match kind {
        // Rust's integer-to-float `as` rounds to nearest, ties to even.
        FloatKind::F64 => v as f64,
        FloatKind::F32 => (v as f32) as f64,
        FloatKind::F16 | FloatKind::BF16 => {
            // Keep 53 significant bits and a sticky bit, so that the final rounding to the
            // narrow format (at most 11 bits) is the only one that matters.
            let mag = v.unsigned_abs();
            let bits = 128 - mag.leading_zeros();
            let approx = if bits <= 53 {
                mag as f64
            } else {
                let shift = bits - 53;
                let sticky = u128::from(mag & ((1u128 << shift) - 1) != 0);
                (((mag >> shift) | sticky) as f64) * 2f64.powi(shift as i32)
            };
            if v < 0 { -approx } else { approx }
        }
    }
}

fn int_to_float_cast(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    unsigned: bool,
) -> Folded {
    let (w, e) = int_elements(ctx, operand_attr(operands, 0)?)?;
    let ty = result_type(ctx, op);
    let kind = ctx.float_kind(ctx.element_type_or_self(ty))?;
    let r = e.map(|v| {
        Some(int_to_float(
            kind,
            if unsigned {
                to_unsigned(v, w) as i128
            } else {
                v
            },
        ))
    })?;
    to_attr(float_attr(ctx, ty, &r))
}

pub fn fold_sitofp(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    int_to_float_cast(ctx, op, operands, false)
}

pub fn fold_uitofp(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    int_to_float_cast(ctx, op, operands, true)
}

/// Float to integer, rounding toward zero; out-of-range values and NaNs are not folded.
fn float_to_int_cast(
    ctx: &mut Context,
    op: Op,
    operands: &[Option<Attribute>],
    unsigned: bool,
) -> Folded {
    let (_, e) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let ty = result_type(ctx, op);
    let w = int_width(ctx, ctx.element_type_or_self(ty))?;
    let (lo, hi) = if unsigned {
        (0.0, 2f64.powi(w as i32))
    } else {
        (-(2f64.powi(w as i32 - 1)), 2f64.powi(w as i32 - 1))
    };
    let r = e.map(|x| {
        let t = x.trunc();
        (t.is_finite() && t >= lo && t < hi).then_some(t as i128)
    })?;
    to_attr(int_attr(ctx, ty, &r))
}

pub fn fold_fptosi(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    float_to_int_cast(ctx, op, operands, false)
}

pub fn fold_fptoui(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    float_to_int_cast(ctx, op, operands, true)
}

/// Float to float: exact for `extf`, rounded to nearest even for `truncf`.
fn float_to_float_cast(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    let (_, e) = float_elements(ctx, operand_attr(operands, 0)?)?;
    let ty = result_type(ctx, op);
    to_attr(float_attr(ctx, ty, &e))
}

pub fn fold_extf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    float_to_float_cast(ctx, op, operands)
}

pub fn fold_truncf(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    // Only the default rounding (to nearest, ties to even) is folded.
    let mode = ctx.attr(op, "roundingmode").and_then(|a| ctx.int_value(a));
    if mode.is_none_or(|m| m == 0) {
        debug_assert_eq!(ROUNDING_MODES[0], "to_nearest_even");
        if let r @ Some(_) = float_to_float_cast(ctx, op, operands) {
            return r;
        }
    }
    // truncf(extf(x)) -> x when x has the result type (extf is exact).
    cancel_cast_pair(ctx, op, &["arith.extf"])
}

pub fn fold_bitcast(ctx: &mut Context, op: Op, operands: &[Option<Attribute>]) -> Folded {
    if let Some(a) = operand_attr(operands, 0)
        && let Some((_, e)) = bit_elements(ctx, a)
    {
        let ty = result_type(ctx, op);
        return to_attr(bits_attr(ctx, ty, &e));
    }
    cancel_cast_pair(ctx, op, &["arith.bitcast"])
}
