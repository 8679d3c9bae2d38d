//! Canonicalization patterns of the arith ops, after MLIR's:
//!
//! - commutative ops (and `cmpi`, with the predicate swapped) keep constants on the right
//!   (MLIR does this inside `fold`; a folder here must not change the IR, so it is a pattern);
//! - constants reassociate through chains: `addi(addi(x, c0), c1) -> addi(x, c0 + c1)` and the
//!   `subi` variants, `muli(muli(x, c0), c1) -> muli(x, c0 * c1)`;
//! - `xori(cmpi(p, a, b), true) -> cmpi(!p, a, b)`;
//! - `select(c, false, true) -> xori(c, true)`, `select(not(c), a, b) -> select(c, b, a)`,
//!   `select(c, select(c, a, b), d) -> select(c, a, d)` (and the false arm);
//! - extension and truncation chains: `extsi(extsi(x))`, `extui(extui(x))`, `extsi(extui(x))`,
//!   `trunci(trunci(x))`, `trunci(ext(x))`.
//!
//! - flags equal to their default (`overflow<none>`, `fastmath<none>`) are dropped, so ops
//!   read from mlir-opt's generic form (which spells them out) match ops written without them.
//!
//! Rewritten ops drop their overflow flags, which is always correct.

use crate::elements::{Elements, int_attr, int_elements, splat_int, wrap};
use crate::flags::{FastMathFlags, OverflowFlags};
use crate::{ConstantOp, create_op};
use flowc_ir::pattern::{InsertPoint, RewritePattern, Rewriter};
use flowc_ir::{Attribute, Context, Op, Traits, Type, Value};

type Patterns = Vec<Box<dyn RewritePattern>>;

/// The constant attribute behind `v`, if a constant-like op defines it.
pub fn constant_value(ctx: &Context, v: Value) -> Option<Attribute> {
    let op = ctx.defining_op(v)?;
    if !ctx.has_trait(op, Traits::CONSTANT_LIKE) {
        return None;
    }
    ctx.attr(op, "value")
}

fn is_constant(ctx: &Context, v: Value) -> bool {
    constant_value(ctx, v).is_some()
}

/// Materializes `value` of type `ty` as an `arith.constant` before `anchor`.
fn constant_before(rw: &mut Rewriter<'_>, anchor: Op, value: Attribute, ty: Type) -> Value {
    let loc = rw.ctx.op_loc(anchor);
    let c = ConstantOp::create_detached(rw.ctx, value, ty, loc);
    rw.set_insertion_point(InsertPoint::Before(anchor));
    rw.insert_op(c);
    rw.ctx.result(c, 0)
}

/// Replaces `op` with a new arith op `name(operands)` of `op`'s result type.
fn replace_with(
    rw: &mut Rewriter<'_>,
    op: Op,
    name: &str,
    operands: &[Value],
    attrs: &[(&str, Attribute)],
) {
    let loc = rw.ctx.op_loc(op);
    let ty = rw.ctx.value_type(rw.ctx.result(op, 0));
    let new = create_op(rw.ctx, name, operands, ty, attrs, loc);
    rw.set_insertion_point(InsertPoint::Before(op));
    rw.insert_op(new);
    let r = rw.ctx.result(new, 0);
    rw.replace_op(op, &[r]);
}

// ===== Constants to the right =====

/// `op(c, x) -> op(x, c)` for a commutative op (MLIR's `OpTrait::IsCommutative` folding).
struct ConstantToRight(&'static str);

impl RewritePattern for ConstantToRight {
    fn name(&self) -> &str {
        "arith-commutative-constant-to-right"
    }
    fn root(&self) -> Option<&str> {
        Some(self.0)
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let (l, r) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
        if !is_constant(rw.ctx, l) || is_constant(rw.ctx, r) {
            return false;
        }
        rw.modify_in_place(op, |ctx| ctx.set_operands(op, &[r, l]));
        true
    }
}

macro_rules! swap_only_patterns {
    ($($f:ident = $name:literal),* $(,)?) => {
        $(
            #[doc = concat!("Patterns of `", $name, "`: constants to the right, default flags dropped.")]
            pub fn $f() -> Patterns {
                vec![Box::new(ConstantToRight($name)), Box::new(DropDefaultFlags($name))]
            }
        )*
    };
}

swap_only_patterns!(
    andi_patterns = "arith.andi",
    ori_patterns = "arith.ori",
    maxsi_patterns = "arith.maxsi",
    maxui_patterns = "arith.maxui",
    minsi_patterns = "arith.minsi",
    minui_patterns = "arith.minui",
    addf_patterns = "arith.addf",
    mulf_patterns = "arith.mulf",
    maximumf_patterns = "arith.maximumf",
    minimumf_patterns = "arith.minimumf",
    maxnumf_patterns = "arith.maxnumf",
    minnumf_patterns = "arith.minnumf",
);

/// `cmpi(p, c, x) -> cmpi(swap(p), x, c)`.
struct CmpIConstantToRight;

/// The predicate `q` with `a p b == b q a`.
fn swapped_cmpi_predicate(p: i128) -> i128 {
    match p {
        2 => 4, // slt -> sgt
        3 => 5, // sle -> sge
        4 => 2,
        5 => 3,
        6 => 8, // ult -> ugt
        7 => 9, // ule -> uge
        8 => 6,
        9 => 7,
        p => p, // eq, ne
    }
}

/// The predicate that is true exactly when `p` is false.
fn inverted_cmpi_predicate(p: i128) -> i128 {
    match p {
        0 => 1,
        1 => 0,
        2 => 5, // slt -> sge
        3 => 4, // sle -> sgt
        4 => 3,
        5 => 2,
        6 => 9, // ult -> uge
        7 => 8, // ule -> ugt
        8 => 7,
        9 => 6,
        p => p,
    }
}

impl RewritePattern for CmpIConstantToRight {
    fn name(&self) -> &str {
        "arith-cmpi-constant-to-right"
    }
    fn root(&self) -> Option<&str> {
        Some("arith.cmpi")
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let (l, r) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
        if !is_constant(rw.ctx, l) || is_constant(rw.ctx, r) {
            return false;
        }
        let Some(p) = rw
            .ctx
            .attr(op, "predicate")
            .and_then(|a| rw.ctx.int_value(a))
        else {
            return false;
        };
        let swapped = rw.ctx.i64_attr(swapped_cmpi_predicate(p) as i64);
        rw.modify_in_place(op, |ctx| {
            ctx.set_operands(op, &[r, l]);
            ctx.set_attr(op, "predicate", swapped);
        });
        true
    }
}

// ===== Constant reassociation =====

/// `(x, sign, k)` for `v = sign * x + k`, when `v` is `addi` / `subi` of a non-constant `x` and
/// a constant.
fn linear_form(ctx: &Context, v: Value) -> Option<(Value, i128, u32, Elements<i128>)> {
    let op = ctx.defining_op(v)?;
    let name = ctx.op_name(op);
    if name != "arith.addi" && name != "arith.subi" {
        return None;
    }
    let (a, b) = (ctx.operand(op, 0), ctx.operand(op, 1));
    let (ca, cb) = (constant_value(ctx, a), constant_value(ctx, b));
    match (name, ca, cb) {
        ("arith.addi", None, Some(c)) | ("arith.addi", Some(c), None) => {
            let x = if ca.is_none() { a } else { b };
            let (w, k) = int_elements(ctx, c)?;
            Some((x, 1, w, k))
        }
        ("arith.subi", None, Some(c)) => {
            let (w, k) = int_elements(ctx, c)?;
            Some((a, 1, w, k.map(|v| Some(wrap(-v, w)))?))
        }
        ("arith.subi", Some(c), None) => {
            let (w, k) = int_elements(ctx, c)?;
            Some((b, -1, w, k))
        }
        _ => None,
    }
}

/// `addi` / `subi` of an `addi` / `subi` with a constant, and a constant: one op with the
/// constants combined (MLIR's `AddIAddConstant`, `AddISubConstantRHS`, `SubIRHSAddConstant`, ...).
struct ReassociateAddSubConstants(&'static str);

impl RewritePattern for ReassociateAddSubConstants {
    fn name(&self) -> &str {
        "arith-reassociate-add-sub-constants"
    }
    fn root(&self) -> Option<&str> {
        Some(self.0)
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let is_add = ctx.op_name(op) == "arith.addi";
        let (p, q) = (ctx.operand(op, 0), ctx.operand(op, 1));
        // outer = sign_outer * inner + c1_sign * c1
        let (inner, c1, inner_sign, c1_sign) =
            match (constant_value(ctx, p), constant_value(ctx, q)) {
                (None, Some(c)) => (p, c, 1, if is_add { 1 } else { -1 }),
                (Some(c), None) => (q, c, if is_add { 1 } else { -1 }, 1),
                _ => return false,
            };
        let Some((x, s, w, k)) = linear_form(ctx, inner) else {
            return false;
        };
        let Some((w1, c1)) = int_elements(ctx, c1) else {
            return false;
        };
        if w1 != w {
            return false;
        }
        // inner_sign * (s * x + k) + c1_sign * c1
        let sign = inner_sign * s;
        let Some(total) = k.zip(&c1, |k, c| Some(wrap(inner_sign * k + c1_sign * c, w))) else {
            return false;
        };
        let ty = ctx.value_type(ctx.result(op, 0));
        let Some(total) = int_attr(rw.ctx, ty, &total) else {
            return false;
        };
        let c = constant_before(rw, op, total, ty);
        if sign == 1 {
            replace_with(rw, op, "arith.addi", &[x, c], &[]);
        } else {
            replace_with(rw, op, "arith.subi", &[c, x], &[]);
        }
        true
    }
}

/// `muli(muli(x, c0), c1) -> muli(x, c0 * c1)`.
struct ReassociateMulConstants;

impl RewritePattern for ReassociateMulConstants {
    fn name(&self) -> &str {
        "arith-reassociate-mul-constants"
    }
    fn root(&self) -> Option<&str> {
        Some("arith.muli")
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let (p, q) = (ctx.operand(op, 0), ctx.operand(op, 1));
        let (inner, c1) = match (constant_value(ctx, p), constant_value(ctx, q)) {
            (None, Some(c)) => (p, c),
            (Some(c), None) => (q, c),
            _ => return false,
        };
        let Some(inner_op) = ctx
            .defining_op(inner)
            .filter(|&o| ctx.op_name(o) == "arith.muli")
        else {
            return false;
        };
        let (a, b) = (ctx.operand(inner_op, 0), ctx.operand(inner_op, 1));
        let (x, c0) = match (constant_value(ctx, a), constant_value(ctx, b)) {
            (None, Some(c)) => (a, c),
            (Some(c), None) => (b, c),
            _ => return false,
        };
        let (Some((w, c0)), Some((w1, c1))) = (int_elements(ctx, c0), int_elements(ctx, c1)) else {
            return false;
        };
        if w != w1 {
            return false;
        }
        let Some(prod) = c0.zip(&c1, |a, b| Some(wrap(a.wrapping_mul(b), w))) else {
            return false;
        };
        let ty = ctx.value_type(ctx.result(op, 0));
        let Some(prod) = int_attr(rw.ctx, ty, &prod) else {
            return false;
        };
        let c = constant_before(rw, op, prod, ty);
        replace_with(rw, op, "arith.muli", &[x, c], &[]);
        true
    }
}

// ===== xori / select =====

/// Whether `v` is a constant all-ones (`true` for `i1`).
fn is_all_ones(ctx: &Context, v: Value) -> bool {
    constant_value(ctx, v).and_then(|a| splat_int(ctx, a)) == Some(-1)
}

fn is_zero(ctx: &Context, v: Value) -> bool {
    constant_value(ctx, v).and_then(|a| splat_int(ctx, a)) == Some(0)
}

/// `xori(cmpi(p, a, b), true) -> cmpi(!p, a, b)` (MLIR's `XOrINotCmpI`).
struct XOrINotCmpI;

impl RewritePattern for XOrINotCmpI {
    fn name(&self) -> &str {
        "arith-xori-not-cmpi"
    }
    fn root(&self) -> Option<&str> {
        Some("arith.xori")
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let (l, r) = (ctx.operand(op, 0), ctx.operand(op, 1));
        let ty = ctx.value_type(ctx.result(op, 0));
        if !ctx.is_signless_int_of_width(ctx.element_type_or_self(ty), 1) || !is_all_ones(ctx, r) {
            return false;
        }
        let Some(cmp) = ctx
            .defining_op(l)
            .filter(|&o| ctx.op_name(o) == "arith.cmpi")
        else {
            return false;
        };
        let Some(p) = ctx.attr(cmp, "predicate").and_then(|a| ctx.int_value(a)) else {
            return false;
        };
        let (a, b) = (ctx.operand(cmp, 0), ctx.operand(cmp, 1));
        let pred = rw.ctx.i64_attr(inverted_cmpi_predicate(p) as i64);
        replace_with(rw, op, "arith.cmpi", &[a, b], &[("predicate", pred)]);
        true
    }
}

/// The `xori(c, true)` operand `c`, if `v` is one.
fn not_of(ctx: &Context, v: Value) -> Option<Value> {
    let op = ctx
        .defining_op(v)
        .filter(|&o| ctx.op_name(o) == "arith.xori")?;
    let (a, b) = (ctx.operand(op, 0), ctx.operand(op, 1));
    if is_all_ones(ctx, b) {
        Some(a)
    } else if is_all_ones(ctx, a) {
        Some(b)
    } else {
        None
    }
}

/// `select(c, false, true) -> xori(c, true)`, `select(not(c), a, b) -> select(c, b, a)`,
/// `select(c, select(c, a, b), d) -> select(c, a, d)`, `select(c, a, select(c, b, d)) ->
/// select(c, a, d)`.
struct SimplifySelect;

impl RewritePattern for SimplifySelect {
    fn name(&self) -> &str {
        "arith-simplify-select"
    }
    fn root(&self) -> Option<&str> {
        Some("arith.select")
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let (c, t, f) = (ctx.operand(op, 0), ctx.operand(op, 1), ctx.operand(op, 2));
        let ty = ctx.value_type(ctx.result(op, 0));
        if ctx.value_type(c) == ty && is_zero(ctx, t) && is_all_ones(ctx, f) {
            let Some(one) = int_attr(rw.ctx, ty, &Elements::splat(-1)) else {
                return false;
            };
            let one = constant_before(rw, op, one, ty);
            replace_with(rw, op, "arith.xori", &[c, one], &[]);
            return true;
        }
        if let Some(inner) = not_of(ctx, c) {
            rw.modify_in_place(op, |ctx| ctx.set_operands(op, &[inner, f, t]));
            return true;
        }
        let same_select = |v: Value| {
            ctx.defining_op(v)
                .filter(|&o| ctx.op_name(o) == "arith.select" && ctx.operand(o, 0) == c)
                .map(|o| (ctx.operand(o, 1), ctx.operand(o, 2)))
        };
        if let Some((a, _)) = same_select(t) {
            rw.modify_in_place(op, |ctx| ctx.set_operand(op, 1, a));
            return true;
        }
        if let Some((_, d)) = same_select(f) {
            rw.modify_in_place(op, |ctx| ctx.set_operand(op, 2, d));
            return true;
        }
        false
    }
}

// ===== Extension and truncation chains =====

fn int_width_of(ctx: &Context, v: Value) -> Option<u32> {
    ctx.integer_width(ctx.element_type_or_self(ctx.value_type(v)))
}

/// `extsi(extsi(x)) -> extsi(x)`, `extui(extui(x)) -> extui(x)`, `extsi(extui(x)) -> extui(x)`.
struct ExtOfExt(&'static str);

impl RewritePattern for ExtOfExt {
    fn name(&self) -> &str {
        "arith-ext-of-ext"
    }
    fn root(&self) -> Option<&str> {
        Some(self.0)
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let Some(inner) = ctx.defining_op(ctx.operand(op, 0)) else {
            return false;
        };
        let inner_name = ctx.op_name(inner);
        let new_name = match (self.0, inner_name) {
            ("arith.extsi", "arith.extsi") => "arith.extsi",
            ("arith.extsi", "arith.extui") | ("arith.extui", "arith.extui") => "arith.extui",
            _ => return false,
        };
        let x = ctx.operand(inner, 0);
        replace_with(rw, op, new_name, &[x], &[]);
        true
    }
}

/// `trunci(trunci(x)) -> trunci(x)`; `trunci(ext(x))` -> `ext(x)` when `x` is narrower than
/// the result, `trunci(x)` when wider (equal widths fold to `x`).
struct TruncIOfCast;

impl RewritePattern for TruncIOfCast {
    fn name(&self) -> &str {
        "arith-trunci-of-cast"
    }
    fn root(&self) -> Option<&str> {
        Some("arith.trunci")
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let Some(inner) = ctx.defining_op(ctx.operand(op, 0)) else {
            return false;
        };
        let inner_name = ctx.op_name(inner);
        let x = ctx.operand(inner, 0);
        let (Some(wx), Some(wr)) = (int_width_of(ctx, x), int_width_of(ctx, ctx.result(op, 0)))
        else {
            return false;
        };
        match inner_name {
            "arith.trunci" => replace_with(rw, op, "arith.trunci", &[x], &[]),
            "arith.extsi" | "arith.extui" if wx < wr => {
                let name = inner_name.to_string();
                replace_with(rw, op, &name, &[x], &[]);
            }
            "arith.extsi" | "arith.extui" if wx > wr => {
                replace_with(rw, op, "arith.trunci", &[x], &[])
            }
            _ => return false,
        }
        true
    }
}

// ===== Default flags =====

/// Drops `overflowFlags = #arith.overflow<none>` and `fastmath = #arith.fastmath<none>`: the
/// defaults, which mlir-opt's generic form spells out. Without them, an op read from
/// mlir-opt's output and the same op written in custom syntax are equal for CSE.
struct DropDefaultFlags(&'static str);

impl RewritePattern for DropDefaultFlags {
    fn name(&self) -> &str {
        "arith-drop-default-flags"
    }
    fn root(&self) -> Option<&str> {
        Some(self.0)
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut Rewriter<'_>) -> bool {
        let ctx = &*rw.ctx;
        let default = |name: &str| {
            let Some(a) = ctx.attr(op, name) else {
                return false;
            };
            match name {
                "overflowFlags" => OverflowFlags::from_attr(ctx, a) == Some(OverflowFlags::NONE),
                _ => FastMathFlags::from_attr(ctx, a) == Some(FastMathFlags::NONE),
            }
        };
        let names: Vec<&'static str> = ["overflowFlags", "fastmath"]
            .into_iter()
            .filter(|n| default(n))
            .collect();
        if names.is_empty() {
            return false;
        }
        rw.modify_in_place(op, |ctx| {
            for n in names {
                ctx.remove_attr(op, n);
            }
        });
        true
    }
}

macro_rules! flags_only_patterns {
    ($($f:ident = $name:literal),* $(,)?) => {
        $(
            #[doc = concat!("Patterns of `", $name, "`: default flags dropped.")]
            pub fn $f() -> Patterns {
                vec![Box::new(DropDefaultFlags($name))]
            }
        )*
    };
}

flags_only_patterns!(
    shli_patterns = "arith.shli",
    subf_patterns = "arith.subf",
    divf_patterns = "arith.divf",
    remf_patterns = "arith.remf",
    negf_patterns = "arith.negf",
    cmpf_patterns = "arith.cmpf",
    extf_patterns = "arith.extf",
    truncf_patterns = "arith.truncf",
);

// ===== Per-op pattern lists =====

pub fn addi_patterns() -> Patterns {
    vec![
        Box::new(ConstantToRight("arith.addi")),
        Box::new(ReassociateAddSubConstants("arith.addi")),
        Box::new(DropDefaultFlags("arith.addi")),
    ]
}

pub fn subi_patterns() -> Patterns {
    vec![
        Box::new(ReassociateAddSubConstants("arith.subi")),
        Box::new(DropDefaultFlags("arith.subi")),
    ]
}

pub fn muli_patterns() -> Patterns {
    vec![
        Box::new(ConstantToRight("arith.muli")),
        Box::new(ReassociateMulConstants),
        Box::new(DropDefaultFlags("arith.muli")),
    ]
}

pub fn xori_patterns() -> Patterns {
    vec![
        Box::new(ConstantToRight("arith.xori")),
        Box::new(XOrINotCmpI),
    ]
}

pub fn cmpi_patterns() -> Patterns {
    vec![Box::new(CmpIConstantToRight)]
}

pub fn select_patterns() -> Patterns {
    vec![Box::new(SimplifySelect)]
}

pub fn extsi_patterns() -> Patterns {
    vec![Box::new(ExtOfExt("arith.extsi"))]
}

pub fn extui_patterns() -> Patterns {
    vec![Box::new(ExtOfExt("arith.extui"))]
}

pub fn trunci_patterns() -> Patterns {
    vec![
        Box::new(TruncIOfCast),
        Box::new(DropDefaultFlags("arith.trunci")),
    ]
}
