//! Type converters: how types change in a conversion, and how values cross between the old and
//! the new types (materializations).

use flowc_ir::{Context, Location, Op, Type, Value};
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// A type conversion rule: `Some(types)` converts (`vec![]` drops the type, several types split
/// it 1:N), `None` leaves the type to the next (older) rule.
pub type ConversionFn<'a> = Box<dyn Fn(&mut Context, Type) -> Option<Vec<Type>> + 'a>;

/// Builds a detached op whose first result is `inputs` converted to the given type, or `None` to
/// leave it to the next (older) materialization; the last resort is a
/// `builtin.unrealized_conversion_cast`.
pub type MaterializationFn<'a> =
    Box<dyn Fn(&mut Context, Type, &[Value], Location) -> Option<Op> + 'a>;

/// Converts types for a conversion (MLIR's `TypeConverter`). Rules are tried from the most
/// recently added to the oldest; a type no rule converts is illegal (not convertible). Results
/// are cached per type.
#[derive(Default)]
pub struct TypeConverter<'a> {
    conversions: Vec<ConversionFn<'a>>,
    source_materializations: Vec<MaterializationFn<'a>>,
    target_materializations: Vec<MaterializationFn<'a>>,
    cache: RefCell<FxHashMap<Type, Option<Vec<Type>>>>,
}

impl<'a> TypeConverter<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule, tried before the rules added earlier.
    pub fn add_conversion(
        &mut self,
        f: impl Fn(&mut Context, Type) -> Option<Vec<Type>> + 'a,
    ) -> &mut Self {
        self.conversions.push(Box::new(f));
        self.cache.borrow_mut().clear();
        self
    }

    /// Adds a 1:1 rule (`Some(t)` converts to `t`).
    pub fn add_type_conversion(
        &mut self,
        f: impl Fn(&mut Context, Type) -> Option<Type> + 'a,
    ) -> &mut Self {
        self.add_conversion(move |ctx, t| f(ctx, t).map(|t| vec![t]))
    }

    /// Adds the identity rule: every type converts to itself (usually added first, as the
    /// fallback of the other rules).
    pub fn add_identity_conversion(&mut self) -> &mut Self {
        self.add_conversion(|_, t| Some(vec![t]))
    }

    /// A materialization from converted values back to an original type (for users not converted
    /// yet).
    pub fn add_source_materialization(
        &mut self,
        f: impl Fn(&mut Context, Type, &[Value], Location) -> Option<Op> + 'a,
    ) -> &mut Self {
        self.source_materializations.push(Box::new(f));
        self
    }

    /// A materialization from an original value to a converted type (for the operands patterns
    /// see).
    pub fn add_target_materialization(
        &mut self,
        f: impl Fn(&mut Context, Type, &[Value], Location) -> Option<Op> + 'a,
    ) -> &mut Self {
        self.target_materializations.push(Box::new(f));
        self
    }

    /// Whether the converter has any rule (a converter without rules converts nothing and is
    /// treated as absent by the driver).
    pub fn is_empty(&self) -> bool {
        self.conversions.is_empty()
    }

    /// The types `ty` converts to, or `None` when it is not convertible.
    pub fn convert_type_n(&self, ctx: &mut Context, ty: Type) -> Option<Vec<Type>> {
        if let Some(hit) = self.cache.borrow().get(&ty) {
            return hit.clone();
        }
        let result = self.conversions.iter().rev().find_map(|f| f(ctx, ty));
        self.cache.borrow_mut().insert(ty, result.clone());
        result
    }

    /// The type `ty` converts to when the conversion is 1:1.
    pub fn convert_type(&self, ctx: &mut Context, ty: Type) -> Option<Type> {
        match self.convert_type_n(ctx, ty)?.as_slice() {
            [t] => Some(*t),
            _ => None,
        }
    }

    /// Converts each type and concatenates the results.
    pub fn convert_types(&self, ctx: &mut Context, types: &[Type]) -> Option<Vec<Type>> {
        let mut out = Vec::with_capacity(types.len());
        for &t in types {
            out.extend(self.convert_type_n(ctx, t)?);
        }
        Some(out)
    }

    /// Whether `ty` converts to itself.
    pub fn is_legal_type(&self, ctx: &mut Context, ty: Type) -> bool {
        self.convert_type(ctx, ty) == Some(ty)
    }

    pub fn are_legal_types(&self, ctx: &mut Context, types: &[Type]) -> bool {
        types.iter().all(|&t| self.is_legal_type(ctx, t))
    }

    /// Whether every operand and result type of `op` is legal.
    pub fn is_legal_op(&self, ctx: &mut Context, op: Op) -> bool {
        let types: Vec<Type> = ctx
            .operand_types(op)
            .into_iter()
            .chain(ctx.result_types(op))
            .collect();
        self.are_legal_types(ctx, &types)
    }

    /// Whether the block arguments of every block of `op`'s regions have legal types.
    pub fn are_regions_legal(&self, ctx: &mut Context, op: Op) -> bool {
        let mut types = Vec::new();
        for &r in ctx.regions(op) {
            for &b in ctx.region_blocks(r) {
                types.extend(ctx.block_args(b).iter().map(|&a| ctx.value_type(a)));
            }
        }
        self.are_legal_types(ctx, &types)
    }

    /// Whether a function type's inputs and results are legal.
    pub fn is_signature_legal(&self, ctx: &mut Context, function_type: Type) -> bool {
        let Some((inputs, results)) = ctx.function_signature(function_type) else {
            return false;
        };
        let types: Vec<Type> = inputs.iter().chain(results).copied().collect();
        self.are_legal_types(ctx, &types)
    }

    /// Whether a function-like op (`function_type` attribute, body in region 0) has a legal
    /// signature and legal block arguments.
    pub fn is_function_legal(&self, ctx: &mut Context, op: Op) -> bool {
        let fty = ctx
            .attr(op, "function_type")
            .and_then(|a| ctx.type_value(a));
        fty.is_some_and(|t| self.is_signature_legal(ctx, t)) && self.are_regions_legal(ctx, op)
    }

    /// Builds (detached) a value of `ty` from converted `inputs`, through the source
    /// materializations or an unrealized conversion cast.
    pub fn materialize_source(
        &self,
        ctx: &mut Context,
        ty: Type,
        inputs: &[Value],
        loc: Location,
    ) -> Op {
        materialize(&self.source_materializations, ctx, ty, inputs, loc)
    }

    /// Builds (detached) a value of converted type `ty` from an original value, through the
    /// target materializations or an unrealized conversion cast.
    pub fn materialize_target(
        &self,
        ctx: &mut Context,
        ty: Type,
        inputs: &[Value],
        loc: Location,
    ) -> Op {
        materialize(&self.target_materializations, ctx, ty, inputs, loc)
    }
}

fn materialize(
    fns: &[MaterializationFn<'_>],
    ctx: &mut Context,
    ty: Type,
    inputs: &[Value],
    loc: Location,
) -> Op {
    for f in fns.iter().rev() {
        if let Some(op) = f(ctx, ty, inputs, loc) {
            if ctx.num_results(op) >= 1 && ctx.value_type(ctx.result(op, 0)) == ty {
                return op;
            }
            ctx.erase_op(op);
        }
    }
    flowc_ir::builtin::create_cast(ctx, inputs, &[ty], loc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_tried_newest_first_and_cached() {
        let mut ctx = Context::new();
        let (i32, i64, f32) = (ctx.i32_type(), ctx.i64_type(), ctx.f32_type());
        let mut tc = TypeConverter::new();
        tc.add_identity_conversion();
        tc.add_type_conversion(move |_, t| (t == i32).then_some(i64));
        tc.add_conversion(move |_, t| (t == f32).then(Vec::new));
        assert_eq!(tc.convert_type(&mut ctx, i32), Some(i64));
        assert_eq!(tc.convert_type(&mut ctx, i64), Some(i64));
        assert_eq!(tc.convert_type_n(&mut ctx, f32), Some(vec![]));
        assert_eq!(tc.convert_type(&mut ctx, f32), None);
        assert!(tc.is_legal_type(&mut ctx, i64));
        assert!(!tc.is_legal_type(&mut ctx, i32));
        assert_eq!(
            tc.convert_types(&mut ctx, &[i32, f32, i64]),
            Some(vec![i64, i64])
        );
        let fty = ctx.function_type(vec![i64], vec![i32]);
        assert!(!tc.is_signature_legal(&mut ctx, fty));
    }

    #[test]
    fn materialization_falls_back_to_a_cast() {
        let mut ctx = Context::new();
        let i64 = ctx.i64_type();
        let tc = TypeConverter::new();
        let op = tc.materialize_source(&mut ctx, i64, &[], Location::UNKNOWN);
        assert_eq!(ctx.op_name(op), "builtin.unrealized_conversion_cast");
        assert_eq!(ctx.result_types(op), vec![i64]);
    }
}
