//! Conversion targets: which operations are legal after a conversion.

use flowc_ir::{Context, Op};
use rustc_hash::{FxHashMap, FxHashSet};

/// The legality of one op instance.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Legality {
    /// Legal (explicitly, through its dialect, or dynamically).
    Legal,
    /// Illegal: explicitly, or a dynamic legality callback said no.
    Illegal,
    /// The target says nothing about the op.
    Unknown,
}

/// A legality callback: whether an op instance is legal.
pub type LegalityFn<'a> = Box<dyn Fn(&mut Context, Op) -> bool + 'a>;

enum Action<'a> {
    Legal,
    Illegal,
    Dynamic(LegalityFn<'a>),
}

/// What a conversion must produce (MLIR's `ConversionTarget`): legality by op name, then by
/// dialect, then through the unknown-op callback. Op-name entries win over dialect entries.
#[derive(Default)]
pub struct ConversionTarget<'a> {
    ops: FxHashMap<String, Action<'a>>,
    dialects: FxHashMap<String, Action<'a>>,
    unknown: Option<LegalityFn<'a>>,
    recursively_legal: FxHashSet<String>,
}

impl<'a> ConversionTarget<'a> {
    pub fn new() -> Self {
        ConversionTarget {
            ops: FxHashMap::default(),
            dialects: FxHashMap::default(),
            unknown: None,
            recursively_legal: FxHashSet::default(),
        }
    }

    pub fn add_legal_op(&mut self, name: &str) -> &mut Self {
        self.ops.insert(name.to_owned(), Action::Legal);
        self
    }

    pub fn add_illegal_op(&mut self, name: &str) -> &mut Self {
        self.ops.insert(name.to_owned(), Action::Illegal);
        self
    }

    /// `name` is legal when `f` says so (and illegal otherwise).
    pub fn add_dynamically_legal_op(
        &mut self,
        name: &str,
        f: impl Fn(&mut Context, Op) -> bool + 'a,
    ) -> &mut Self {
        self.ops
            .insert(name.to_owned(), Action::Dynamic(Box::new(f)));
        self
    }

    pub fn add_legal_dialect(&mut self, dialect: &str) -> &mut Self {
        self.dialects.insert(dialect.to_owned(), Action::Legal);
        self
    }

    pub fn add_illegal_dialect(&mut self, dialect: &str) -> &mut Self {
        self.dialects.insert(dialect.to_owned(), Action::Illegal);
        self
    }

    pub fn add_dynamically_legal_dialect(
        &mut self,
        dialect: &str,
        f: impl Fn(&mut Context, Op) -> bool + 'a,
    ) -> &mut Self {
        self.dialects
            .insert(dialect.to_owned(), Action::Dynamic(Box::new(f)));
        self
    }

    /// Ops the target otherwise says nothing about are legal when `f` says so, illegal
    /// otherwise (MLIR's `markUnknownOpDynamicallyLegal`).
    pub fn mark_unknown_op_dynamically_legal(
        &mut self,
        f: impl Fn(&mut Context, Op) -> bool + 'a,
    ) -> &mut Self {
        self.unknown = Some(Box::new(f));
        self
    }

    /// When an op named `name` is legal, the ops nested in it are legal too and not visited.
    pub fn mark_op_recursively_legal(&mut self, name: &str) -> &mut Self {
        self.recursively_legal.insert(name.to_owned());
        self
    }

    pub fn is_recursively_legal(&self, ctx: &Context, op: Op) -> bool {
        self.recursively_legal.contains(ctx.op_name(op))
    }

    /// The legality of `op`.
    pub fn legality(&self, ctx: &mut Context, op: Op) -> Legality {
        let action = self
            .ops
            .get(ctx.op_name(op))
            .or_else(|| self.dialects.get(ctx.op_dialect(op)));
        let decide = |b: bool| {
            if b {
                Legality::Legal
            } else {
                Legality::Illegal
            }
        };
        match action {
            Some(Action::Legal) => Legality::Legal,
            Some(Action::Illegal) => Legality::Illegal,
            Some(Action::Dynamic(f)) => decide(f(ctx, op)),
            None => match &self.unknown {
                Some(f) => decide(f(ctx, op)),
                None => Legality::Unknown,
            },
        }
    }

    pub fn is_legal(&self, ctx: &mut Context, op: Op) -> bool {
        self.legality(ctx, op) == Legality::Legal
    }
}
