//! Rewrite patterns and the rewriter through which they change the IR.
//!
//! A pattern matches an operation and, if it applies, rewrites it through a [`Rewriter`]; the
//! rewriter tells its [`RewriteListener`] about every created, modified and erased operation, so
//! a driver (the greedy driver, dialect conversion) can keep its worklist right. A pattern that
//! returns `false` must not have changed the IR.

use crate::{Attribute, Context, Op, OperationState, Value};

/// One rewrite.
pub trait RewritePattern {
    /// A short kebab-case name, used in debug output and statistics.
    fn name(&self) -> &str;
    /// The op name this pattern applies to, or `None` for any op.
    fn root(&self) -> Option<&str>;
    /// Higher benefit patterns are tried first.
    fn benefit(&self) -> u16 {
        1
    }
    /// Rewrites `op` and returns `true`, or returns `false` without changing anything.
    fn match_and_rewrite(&self, op: Op, rewriter: &mut Rewriter<'_>) -> bool;
}

/// Observes changes made through a [`Rewriter`].
pub trait RewriteListener {
    fn op_inserted(&mut self, _ctx: &Context, _op: Op) {}
    fn op_modified(&mut self, _ctx: &Context, _op: Op) {}
    /// Called before `op` is erased (it is still alive).
    fn op_erased(&mut self, _ctx: &Context, _op: Op) {}
    /// Called before the results of `op` are replaced with `values`.
    fn op_replaced(&mut self, _ctx: &Context, _op: Op, _values: &[Value]) {}
}

/// A listener that ignores everything.
pub struct NoListener;
impl RewriteListener for NoListener {}

/// Where the rewriter inserts new operations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum InsertPoint {
    Before(Op),
    After(Op),
    /// At the end of a block.
    End(crate::Block),
    /// At the start of a block.
    Start(crate::Block),
}

impl InsertPoint {
    /// Inserts the detached `op` here and returns where the next op goes so that a sequence of
    /// insertions keeps its order (after `op` for `After` and `Start`, unchanged otherwise).
    pub fn insert(self, ctx: &mut Context, op: Op) -> InsertPoint {
        match self {
            InsertPoint::Before(anchor) => {
                ctx.insert_op_before(anchor, op);
                self
            }
            InsertPoint::After(anchor) => {
                ctx.insert_op_after(anchor, op);
                InsertPoint::After(op)
            }
            InsertPoint::End(block) => {
                ctx.append_op(block, op);
                self
            }
            InsertPoint::Start(block) => {
                ctx.prepend_op(block, op);
                InsertPoint::After(op)
            }
        }
    }
}

pub struct Rewriter<'a> {
    pub ctx: &'a mut Context,
    listener: &'a mut dyn RewriteListener,
    insert: Option<InsertPoint>,
}

impl<'a> Rewriter<'a> {
    pub fn new(ctx: &'a mut Context, listener: &'a mut dyn RewriteListener) -> Self {
        Rewriter {
            ctx,
            listener,
            insert: None,
        }
    }

    pub fn set_insertion_point(&mut self, ip: InsertPoint) {
        self.insert = Some(ip);
    }

    pub fn insertion_point(&self) -> Option<InsertPoint> {
        self.insert
    }

    /// Creates an op at the insertion point (after the previously inserted op when the point is
    /// `After`, so a sequence of creations keeps its order).
    pub fn create(&mut self, state: OperationState) -> Op {
        let op = self.ctx.create_op(state);
        self.insert_op(op);
        op
    }

    /// Inserts a detached op at the insertion point.
    pub fn insert_op(&mut self, op: Op) {
        let ip = self.insert.expect("rewriter has no insertion point");
        self.insert = Some(ip.insert(self.ctx, op));
        for o in self.ctx.walk(op, crate::WalkOrder::Pre) {
            self.listener.op_inserted(self.ctx, o);
        }
    }

    /// Replaces `op`'s results with `values` and erases `op`.
    pub fn replace_op(&mut self, op: Op, values: &[Value]) {
        self.listener.op_replaced(self.ctx, op, values);
        self.notify_users_modified(op);
        self.ctx.replace_all_op_uses(op, values);
        self.erase_op(op);
    }

    /// Creates `state` before `op`, replaces `op` with its results and returns the new op.
    pub fn replace_op_with_new(&mut self, op: Op, state: OperationState) -> Op {
        let saved = self.insert;
        self.insert = Some(InsertPoint::Before(op));
        let new = self.create(state);
        self.insert = saved;
        let results = self.ctx.results(new).to_vec();
        self.replace_op(op, &results);
        new
    }

    /// Erases `op` (its results must be unused).
    pub fn erase_op(&mut self, op: Op) {
        for o in self.ctx.walk(op, crate::WalkOrder::Post) {
            self.listener.op_erased(self.ctx, o);
        }
        // The ops feeding `op` may become dead.
        let defs: Vec<Op> = self
            .ctx
            .operands(op)
            .filter_map(|v| self.ctx.defining_op(v))
            .collect();
        self.ctx.erase_op(op);
        for d in defs {
            if self.ctx.is_op_alive(d) {
                self.listener.op_modified(self.ctx, d);
            }
        }
    }

    /// Replaces every use of `from` with `to`, telling the listener about the changed users.
    pub fn replace_all_uses(&mut self, from: Value, to: Value) {
        for u in self.ctx.users(from) {
            self.listener.op_modified(self.ctx, u);
        }
        self.ctx.replace_all_uses(from, to);
    }

    /// Changes `op` in place through `f`, then notifies the listener.
    pub fn modify_in_place<R>(&mut self, op: Op, f: impl FnOnce(&mut Context) -> R) -> R {
        let r = f(self.ctx);
        self.listener.op_modified(self.ctx, op);
        r
    }

    pub fn set_attr(&mut self, op: Op, name: &str, value: Attribute) {
        self.modify_in_place(op, |ctx| ctx.set_attr(op, name, value));
    }

    fn notify_users_modified(&mut self, op: Op) {
        for &r in self.ctx.results(op).to_vec().iter() {
            for u in self.ctx.users(r) {
                self.listener.op_modified(self.ctx, u);
            }
        }
    }
}
