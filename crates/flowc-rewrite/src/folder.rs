//! Constant folding support: recognising constants, and uniquing the constants that folding
//! materializes (MLIR's `OperationFolder`).
//!
//! Constants are hoisted to the start of the entry block of their *insertion region*: the nearest
//! enclosing region whose parent op is isolated from above (or unregistered, or the root the
//! driver runs on), and uniqued there by `(dialect, value, type)`. So folding `x + (2 + 3)` in a
//! loop body reuses one `5` at the top of the function instead of creating one per fold.

use flowc_ir::pattern::{InsertPoint, RewriteListener, Rewriter};
use flowc_ir::{Attribute, Block, Context, Ident, Op, Region, Traits, Type, Value};
use rustc_hash::FxHashMap;

/// The constant value of `op`: its `value` attribute when it is constant-like.
pub fn op_constant_value(ctx: &Context, op: Op) -> Option<Attribute> {
    if ctx.has_trait(op, Traits::CONSTANT_LIKE) && ctx.num_results(op) == 1 {
        ctx.attr(op, "value")
    } else {
        None
    }
}

/// The constant value of `v`, when it is the result of a constant-like op.
pub fn constant_value(ctx: &Context, v: Value) -> Option<Attribute> {
    op_constant_value(ctx, ctx.defining_op(v)?)
}

/// Whether `op` can be erased: unused, pure (with only pure ops nested), and neither a
/// terminator nor a symbol (MLIR's `isOpTriviallyDead`).
pub fn is_trivially_dead(ctx: &Context, op: Op) -> bool {
    !ctx.has_trait(op, Traits::TERMINATOR)
        && !flowc_ir::symbol::is_symbol(ctx, op)
        && ctx.is_trivially_dead(op)
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
struct ConstKey {
    region: Region,
    dialect: Ident,
    value: Attribute,
    ty: Type,
}

/// What [`OperationFolder::insert_known_constant`] did with an existing constant.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KnownConstant {
    /// It is (now) the unique constant of its value, in place.
    Kept,
    /// It is the unique constant of its value and was moved to the start of its insertion block.
    Hoisted,
    /// An equal constant already existed; the op was replaced with it and erased.
    Replaced,
}

/// Uniques and hoists constants within a root op.
pub struct OperationFolder {
    root: Op,
    constants: FxHashMap<ConstKey, Op>,
    owned: FxHashMap<Op, ConstKey>,
}

impl OperationFolder {
    /// A folder for ops nested in `root` (constants are never hoisted out of `root`).
    pub fn new(root: Op) -> Self {
        OperationFolder {
            root,
            constants: FxHashMap::default(),
            owned: FxHashMap::default(),
        }
    }

    /// Whether `op` is a constant this folder uniqued.
    pub fn is_folder_owned(&self, op: Op) -> bool {
        self.owned.contains_key(&op)
    }

    /// Forgets `op` (call before erasing it).
    pub fn notify_removal(&mut self, op: Op) {
        if let Some(key) = self.owned.remove(&op)
            && self.constants.get(&key) == Some(&op)
        {
            self.constants.remove(&key);
        }
    }

    /// The region where constants used in `block` are materialized.
    pub fn insertion_region(&self, ctx: &Context, block: Block) -> Option<Region> {
        let mut region = ctx.block_parent_region(block)?;
        loop {
            let Some(parent) = ctx.region_parent_op(region) else {
                return Some(region);
            };
            if parent == self.root
                || !ctx.is_registered(parent)
                || ctx.has_trait(parent, Traits::ISOLATED_FROM_ABOVE)
            {
                return Some(region);
            }
            let Some(pb) = ctx.op_parent_block(parent) else {
                return Some(region);
            };
            region = ctx.block_parent_region(pb)?;
        }
    }

    /// Registers the existing constant op `op` (MLIR's `insertKnownConstant`): replaces it with
    /// an equal constant already known in its insertion region, or makes it the known one,
    /// hoisting it to the start of the insertion region's entry block unless it already sits in
    /// the run of uniqued constants there.
    pub fn insert_known_constant(
        &mut self,
        ctx: &mut Context,
        op: Op,
        listener: &mut dyn RewriteListener,
    ) -> KnownConstant {
        let Some(value) = op_constant_value(ctx, op) else {
            return KnownConstant::Kept;
        };
        let Some(block) = ctx.op_parent_block(op) else {
            return KnownConstant::Kept;
        };
        if self.is_folder_owned(op) {
            return if self.rehoist(ctx, op, block) {
                listener.op_modified(ctx, op);
                KnownConstant::Hoisted
            } else {
                KnownConstant::Kept
            };
        }
        let Some(region) = self.insertion_region(ctx, block) else {
            return KnownConstant::Kept;
        };
        let dialect = ctx.op_dialect(op).to_owned();
        let key = ConstKey {
            region,
            dialect: ctx.ident(&dialect),
            value,
            ty: ctx.value_type(ctx.result(op, 0)),
        };
        if let Some(&existing) = self.constants.get(&key)
            && existing != op
            && ctx.is_op_alive(existing)
        {
            // MLIR fuses the two locations; that grows without bound (and quadratically in
            // time) when thousands of equal constants merge, so the survivor keeps its own.
            let replacement = ctx.result(existing, 0);
            let mut rewriter = Rewriter::new(ctx, listener);
            rewriter.replace_op(op, &[replacement]);
            return KnownConstant::Replaced;
        }
        let insert_block = ctx
            .region_entry(region)
            .expect("insertion region has a block");
        let in_place =
            block == insert_block && ctx.prev_op(op).is_none_or(|p| self.is_folder_owned(p));
        self.constants.insert(key, op);
        self.owned.insert(op, key);
        if in_place {
            return KnownConstant::Kept;
        }
        ctx.detach_op(op);
        ctx.prepend_op(insert_block, op);
        listener.op_modified(ctx, op);
        KnownConstant::Hoisted
    }

    /// Moves an owned constant back to the start of its block when something else was inserted
    /// before it.
    fn rehoist(&self, ctx: &mut Context, op: Op, block: Block) -> bool {
        match ctx.prev_op(op) {
            Some(p) if !self.is_folder_owned(p) => {
                ctx.detach_op(op);
                ctx.prepend_op(block, op);
                true
            }
            _ => false,
        }
    }

    /// The uniqued constant of `value : ty` replacing a result of `user` (an op nested in the
    /// root, being folded), materialized through the materializer of `user`'s dialect at the
    /// start of the insertion region when it does not exist yet. `None` when the dialect cannot
    /// materialize it.
    pub fn get_or_create_constant(
        &mut self,
        ctx: &mut Context,
        user: Op,
        value: Attribute,
        ty: Type,
        listener: &mut dyn RewriteListener,
    ) -> Option<Value> {
        let dialect = ctx.op_dialect(user).to_owned();
        let dialect = dialect.as_str();
        let loc = ctx.op_loc(user);
        let block = ctx.op_parent_block(user)?;
        let region = self.insertion_region(ctx, block)?;
        let dialect_id = ctx.ident(dialect);
        let key = ConstKey {
            region,
            dialect: dialect_id,
            value,
            ty,
        };
        if let Some(&existing) = self.constants.get(&key)
            && ctx.is_op_alive(existing)
        {
            return Some(ctx.result(existing, 0));
        }
        let materialize = ctx.materializer(dialect)?;
        let op = materialize(ctx, value, ty, loc)?;
        if ctx.num_results(op) != 1 || ctx.value_type(ctx.result(op, 0)) != ty {
            ctx.erase_op(op);
            return None;
        }
        let insert_block = ctx.region_entry(region)?;
        let mut rewriter = Rewriter::new(ctx, listener);
        match op_constant_value(rewriter.ctx, op) {
            Some(actual) => {
                // The materializer may canonicalize the value; unique under what it produced.
                let actual_key = ConstKey {
                    value: actual,
                    ..key
                };
                if let Some(&existing) = self.constants.get(&actual_key)
                    && rewriter.ctx.is_op_alive(existing)
                {
                    rewriter.ctx.erase_op(op);
                    self.constants.insert(key, existing);
                    return Some(rewriter.ctx.result(existing, 0));
                }
                rewriter.set_insertion_point(InsertPoint::Start(insert_block));
                rewriter.insert_op(op);
                self.constants.insert(actual_key, op);
                self.constants.insert(key, op);
                self.owned.insert(op, actual_key);
            }
            None => {
                // Not a constant we can unique: materialize it right where it is needed.
                rewriter.set_insertion_point(InsertPoint::Before(user));
                rewriter.insert_op(op);
            }
        }
        Some(rewriter.ctx.result(op, 0))
    }
}
