//! Unit tests: folders called directly on IR built with the context, custom printing,
//! verifiers and canonicalization patterns.

mod folding;
mod patterns;
mod printing;

use crate::canonicalize::constant_value;
use flowc_ir::builtin::ModuleOp;
use flowc_ir::printer::PrintOptions;
use flowc_ir::{Attribute, Block, Context, FoldResult, Location, Op, OperationState, Type, Value};

/// A context with arith registered and a module to put ops in.
pub(crate) struct Fixture {
    pub ctx: Context,
    pub module: ModuleOp,
    pub block: Block,
}

impl Fixture {
    pub fn new() -> Self {
        let mut ctx = Context::new();
        ctx.register_dialect(crate::dialect());
        let module = ModuleOp::create(&mut ctx, Location::UNKNOWN);
        let block = module.body_block(&ctx);
        Fixture { ctx, module, block }
    }

    /// A value of type `ty` that is not a constant (`"test.value"() : () -> ty`).
    pub fn value(&mut self, ty: Type) -> Value {
        let state =
            OperationState::new(&mut self.ctx, "test.value", Location::UNKNOWN).results(&[ty]);
        let op = self.ctx.create_op(state);
        self.ctx.append_op(self.block, op);
        self.ctx.result(op, 0)
    }

    /// `arith.constant` holding `attr` (of `attr`'s type).
    pub fn constant(&mut self, attr: Attribute) -> Value {
        let ty = crate::elements::constant_type(&self.ctx, attr).expect("typed constant");
        let op = crate::materialize_constant(&mut self.ctx, attr, ty, Location::UNKNOWN)
            .expect("materializable");
        self.ctx.append_op(self.block, op);
        self.ctx.result(op, 0)
    }

    pub fn int(&mut self, ty: Type, v: i128) -> Value {
        let a = self.ctx.integer_attr(ty, v);
        self.constant(a)
    }

    pub fn float(&mut self, ty: Type, v: f64) -> Value {
        let a = self.ctx.float_attr(ty, v);
        self.constant(a)
    }

    /// An op `name(operands) -> ty` with attributes, appended to the module.
    pub fn op(
        &mut self,
        name: &str,
        operands: &[Value],
        ty: Type,
        attrs: &[(&str, Attribute)],
    ) -> Op {
        let op = crate::create_op(&mut self.ctx, name, operands, ty, attrs, Location::UNKNOWN);
        self.ctx.append_op(self.block, op);
        op
    }

    /// Runs `op`'s folder with the constant values of its operands.
    pub fn fold(&mut self, op: Op) -> Option<Vec<FoldResult>> {
        let operands: Vec<Option<Attribute>> = self
            .ctx
            .operand_vec(op)
            .into_iter()
            .map(|v| constant_value(&self.ctx, v))
            .collect();
        let fold = self
            .ctx
            .op_def(op)
            .and_then(|d| d.fold)
            .expect("op has a folder");
        fold(&mut self.ctx, op, &operands)
    }

    /// The folded attribute, printed (`None` when the op does not fold to a constant).
    pub fn fold_attr(&mut self, op: Op) -> Option<String> {
        match self.fold(op)?.as_slice() {
            [FoldResult::Attr(a)] => Some(self.ctx.print_attr(*a)),
            _ => None,
        }
    }

    /// The value `op` folds to, if it folds to an existing value.
    pub fn fold_value(&mut self, op: Op) -> Option<Value> {
        match self.fold(op)?.as_slice() {
            [FoldResult::Value(v)] => Some(*v),
            _ => None,
        }
    }

    /// Builds and folds a binary op on two constants.
    pub fn fold_binary(&mut self, name: &str, a: Attribute, b: Attribute) -> Option<String> {
        let ty = self
            .ctx
            .attr_type(a)
            .or_else(|| crate::elements::constant_type(&self.ctx, a))
            .unwrap();
        let (x, y) = (self.constant(a), self.constant(b));
        let op = self.op(name, &[x, y], ty, &[]);
        self.fold_attr(op)
    }

    /// Builds and folds `name` on integer constants of type `ty`.
    pub fn fold_ints(&mut self, name: &str, ty: Type, a: i128, b: i128) -> Option<String> {
        let (a, b) = (self.ctx.integer_attr(ty, a), self.ctx.integer_attr(ty, b));
        self.fold_binary(name, a, b)
    }

    /// Builds and folds `name` on float constants of type `ty`.
    pub fn fold_floats(&mut self, name: &str, ty: Type, a: f64, b: f64) -> Option<String> {
        let (a, b) = (self.ctx.float_attr(ty, a), self.ctx.float_attr(ty, b));
        self.fold_binary(name, a, b)
    }

    /// Runs the op's verifier hook.
    pub fn verify(&self, op: Op) -> Result<(), String> {
        match self.ctx.op_def(op).and_then(|d| d.verify) {
            Some(f) => f(&self.ctx, op).map_err(|d| d.message),
            None => Ok(()),
        }
    }

    pub fn print(&self) -> String {
        self.ctx
            .print_op(self.module.op(), &PrintOptions::default())
    }

    pub fn print_generic(&self) -> String {
        self.ctx.print_op(
            self.module.op(),
            &PrintOptions {
                generic: true,
                ..Default::default()
            },
        )
    }
}
