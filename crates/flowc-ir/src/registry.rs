//! Operation and dialect definitions, and the registry that holds them.
//!
//! An operation is declared once, in Rust, as an [`OpDef`]: its named and constrained operands,
//! results and attributes, its regions and successors, its traits, and hooks for verification,
//! folding, canonicalization and custom assembly. The [`crate::op!`] macro declares an `OpDef`
//! together with a typed wrapper (`AddIOp(Op)`) with one accessor per named operand, result,
//! attribute and region, so the definition is the single source of truth.

use crate::parser::{OpParser, ParseResult};
use crate::pattern::RewritePattern;
use crate::printer::OpPrinter;
use crate::{Attribute, Context, Diagnostic, Ident, Location, Op, OperationState, Type, Value};
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Traits: static properties of an operation that generic code (verifier, folding, CSE, DCE,
/// printing) relies on.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Default)]
pub struct Traits(u32);

impl Traits {
    pub const NONE: Traits = Traits(0);
    /// No side effects: may be removed when unused and merged by CSE.
    pub const PURE: Traits = Traits(1 << 0);
    /// Binary op whose two operands may be swapped.
    pub const COMMUTATIVE: Traits = Traits(1 << 1);
    /// Every operand and result has the same type.
    pub const SAME_OPERANDS_AND_RESULT_TYPE: Traits = Traits(1 << 2);
    /// Every operand has the same type.
    pub const SAME_TYPE_OPERANDS: Traits = Traits(1 << 3);
    /// Must be the last operation of its block.
    pub const TERMINATOR: Traits = Traits(1 << 4);
    /// Regions may not use values defined outside the op.
    pub const ISOLATED_FROM_ABOVE: Traits = Traits(1 << 5);
    /// Regions hold a symbol table: symbol names of nested ops are unique.
    pub const SYMBOL_TABLE: Traits = Traits(1 << 6);
    /// Defines a symbol through `sym_name` (and `sym_visibility`).
    pub const SYMBOL: Traits = Traits(1 << 7);
    /// Blocks of the regions need no terminator.
    pub const NO_TERMINATOR: Traits = Traits(1 << 8);
    /// Each region has at most one block.
    pub const SINGLE_BLOCK: Traits = Traits(1 << 9);
    /// Regions are graph regions: no dominance requirement (MLIR's `RegionKind::Graph`).
    pub const GRAPH_REGIONS: Traits = Traits(1 << 10);
    /// Produces a constant from its `value` attribute (folding materializes through it).
    pub const CONSTANT_LIKE: Traits = Traits(1 << 11);
    /// Returns control to the parent op (`func.return`).
    pub const RETURN_LIKE: Traits = Traits(1 << 12);
    /// `f(f(x)) == f(x)`
    pub const IDEMPOTENT: Traits = Traits(1 << 13);
    /// `f(f(x)) == x`
    pub const INVOLUTION: Traits = Traits(1 << 14);
    /// Applies element by element to tensors and vectors.
    pub const ELEMENTWISE: Traits = Traits(1 << 15);
    /// Operand groups are sized by the `operandSegmentSizes` property.
    pub const ATTR_SIZED_OPERAND_SEGMENTS: Traits = Traits(1 << 16);
    /// A call: `callee` is a symbol reference and all operands are arguments.
    pub const CALL: Traits = Traits(1 << 17);
    /// A function: region 0 is the body, `function_type` the signature.
    pub const FUNCTION_LIKE: Traits = Traits(1 << 18);
    /// All operands and results have the same shape (element types may differ).
    pub const SAME_OPERANDS_AND_RESULT_SHAPE: Traits = Traits(1 << 19);

    pub const fn union(self, other: Traits) -> Traits {
        Traits(self.0 | other.0)
    }

    pub const fn contains(self, other: Traits) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the traits set, for documentation.
    pub fn names(self) -> Vec<&'static str> {
        const NAMES: [&str; 20] = [
            "Pure",
            "Commutative",
            "SameOperandsAndResultType",
            "SameTypeOperands",
            "Terminator",
            "IsolatedFromAbove",
            "SymbolTable",
            "Symbol",
            "NoTerminator",
            "SingleBlock",
            "GraphRegions",
            "ConstantLike",
            "ReturnLike",
            "Idempotent",
            "Involution",
            "Elementwise",
            "AttrSizedOperandSegments",
            "CallOpInterface",
            "FunctionOpInterface",
            "SameOperandsAndResultShape",
        ];
        (0..NAMES.len())
            .filter(|i| self.0 & (1 << i) != 0)
            .map(|i| NAMES[i])
            .collect()
    }
}

impl std::ops::BitOr for Traits {
    type Output = Traits;
    fn bitor(self, rhs: Traits) -> Traits {
        self.union(rhs)
    }
}

impl std::fmt::Debug for Traits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Traits({})", self.names().join(" | "))
    }
}

/// A predicate on types with a description used in verifier messages
/// (`operand #0 must be signless-integer-like, but got 'f32'`).
#[derive(Copy, Clone)]
pub struct TypeConstraint {
    pub description: &'static str,
    pub check: fn(&Context, Type) -> bool,
}

/// A predicate on attributes with a description used in verifier messages.
#[derive(Copy, Clone)]
pub struct AttrConstraint {
    pub description: &'static str,
    pub check: fn(&Context, Attribute) -> bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Arity {
    Single,
    Optional,
    Variadic,
}

/// A named operand or result group.
#[derive(Copy, Clone)]
pub struct ArgDef {
    pub name: &'static str,
    pub arity: Arity,
    pub constraint: TypeConstraint,
}

/// A named attribute.
#[derive(Copy, Clone)]
pub struct AttrDef {
    pub name: &'static str,
    pub optional: bool,
    pub constraint: AttrConstraint,
}

/// A named region.
#[derive(Copy, Clone, Debug)]
pub struct RegionDef {
    pub name: &'static str,
}

/// What a folder produces for one result: a constant attribute or an existing value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FoldResult {
    Attr(Attribute),
    Value(Value),
}

/// Folds `op` given the constant values of its operands (`None` when not constant). Returns one
/// result per op result, or `None` when nothing folds. A folder must not change the IR.
pub type FoldFn = fn(&mut Context, Op, &[Option<Attribute>]) -> Option<Vec<FoldResult>>;
/// Op-specific verification, run after the generic checks of the definition.
pub type VerifyFn = fn(&Context, Op) -> Result<(), Diagnostic>;
/// Verification of the symbols an op references (MLIR's `verifySymbolUses`), given a cache of
/// symbol tables shared by the whole verification.
pub type SymbolUseVerifyFn =
    fn(&Context, Op, &mut crate::symbol::SymbolTableCollection) -> Result<(), Diagnostic>;
/// Custom assembly printer: prints everything after `op-name ` (results are printed already).
pub type PrintFn = fn(&mut OpPrinter<'_, '_>, Op);
/// Custom assembly parser: parses everything after the op name into the state.
pub type ParseFn = fn(&mut OpParser<'_, '_>, &mut OperationState) -> ParseResult<()>;
/// Canonicalization patterns of an op.
pub type PatternsFn = fn() -> Vec<Box<dyn RewritePattern>>;
/// Checks the body of a dialect type (`!d.body`) or attribute (`#d.body`).
pub type EntityVerifyFn = fn(&str) -> Result<(), String>;
/// Makes a constant op of `ty` holding `value` (for folding), detached.
pub type MaterializeFn = fn(&mut Context, Attribute, Type, Location) -> Option<Op>;

/// The definition of an operation.
#[derive(Clone)]
pub struct OpDef {
    pub name: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub operands: Vec<ArgDef>,
    pub results: Vec<ArgDef>,
    pub attributes: Vec<AttrDef>,
    pub regions: Vec<RegionDef>,
    /// Number of successors, `None` for any number.
    pub successors: Option<usize>,
    pub traits: Traits,
    pub verify: Option<VerifyFn>,
    pub verify_symbol_uses: Option<SymbolUseVerifyFn>,
    pub fold: Option<FoldFn>,
    pub canonicalize: Option<PatternsFn>,
    pub print: Option<PrintFn>,
    pub parse: Option<ParseFn>,
    /// Dialect whose ops may drop their prefix inside this op's regions (`return` in `func.func`).
    pub default_dialect: Option<&'static str>,
}

impl OpDef {
    pub fn new(name: &'static str) -> Self {
        OpDef {
            name,
            summary: "",
            description: "",
            operands: Vec::new(),
            results: Vec::new(),
            attributes: Vec::new(),
            regions: Vec::new(),
            successors: Some(0),
            traits: Traits::NONE,
            verify: None,
            verify_symbol_uses: None,
            fold: None,
            canonicalize: None,
            print: None,
            parse: None,
            default_dialect: None,
        }
    }

    pub fn summary(mut self, s: &'static str) -> Self {
        self.summary = s;
        self
    }

    pub fn description(mut self, s: &'static str) -> Self {
        self.description = s;
        self
    }

    pub fn operand(mut self, name: &'static str, arity: Arity, constraint: TypeConstraint) -> Self {
        self.operands.push(ArgDef {
            name,
            arity,
            constraint,
        });
        self
    }

    pub fn result(mut self, name: &'static str, arity: Arity, constraint: TypeConstraint) -> Self {
        self.results.push(ArgDef {
            name,
            arity,
            constraint,
        });
        self
    }

    pub fn attribute(
        mut self,
        name: &'static str,
        optional: bool,
        constraint: AttrConstraint,
    ) -> Self {
        self.attributes.push(AttrDef {
            name,
            optional,
            constraint,
        });
        self
    }

    pub fn region(mut self, name: &'static str) -> Self {
        self.regions.push(RegionDef { name });
        self
    }

    pub fn successors(mut self, count: Option<usize>) -> Self {
        self.successors = count;
        self
    }

    pub fn traits(mut self, traits: Traits) -> Self {
        self.traits = self.traits | traits;
        self
    }

    pub fn verifier(mut self, f: VerifyFn) -> Self {
        self.verify = Some(f);
        self
    }

    pub fn symbol_use_verifier(mut self, f: SymbolUseVerifyFn) -> Self {
        self.verify_symbol_uses = Some(f);
        self
    }

    pub fn folder(mut self, f: FoldFn) -> Self {
        self.fold = Some(f);
        self
    }

    pub fn canonicalizer(mut self, f: PatternsFn) -> Self {
        self.canonicalize = Some(f);
        self
    }

    pub fn assembly(mut self, print: PrintFn, parse: ParseFn) -> Self {
        self.print = Some(print);
        self.parse = Some(parse);
        self
    }

    pub fn default_dialect(mut self, d: &'static str) -> Self {
        self.default_dialect = Some(d);
        self
    }

    pub fn has_trait(&self, t: Traits) -> bool {
        self.traits.contains(t)
    }

    pub fn declares_attr(&self, name: &str) -> bool {
        self.attributes.iter().any(|a| a.name == name)
            || (name == "operandSegmentSizes"
                && self.traits.contains(Traits::ATTR_SIZED_OPERAND_SEGMENTS))
    }

    pub fn dialect(&self) -> &'static str {
        self.name.split_once('.').map_or(self.name, |(d, _)| d)
    }
}

/// The definition of a dialect: its ops and dialect-wide hooks.
pub struct DialectDef {
    pub name: &'static str,
    pub summary: &'static str,
    pub ops: Vec<OpDef>,
    /// Builds a constant op for folded values of this dialect's ops.
    pub materialize_constant: Option<MaterializeFn>,
    /// Checks the body of `!dialect.body` types; `None` accepts any body.
    pub verify_type: Option<EntityVerifyFn>,
    /// Checks the body of `#dialect.body` attributes; `None` accepts any body.
    pub verify_attr: Option<EntityVerifyFn>,
}

impl DialectDef {
    pub fn new(name: &'static str, summary: &'static str) -> Self {
        DialectDef {
            name,
            summary,
            ops: Vec::new(),
            materialize_constant: None,
            verify_type: None,
            verify_attr: None,
        }
    }

    pub fn op(mut self, def: OpDef) -> Self {
        self.ops.push(def);
        self
    }
}

pub(crate) type OpDefId = u32;

pub(crate) struct DialectInfo {
    pub(crate) summary: &'static str,
    pub(crate) materialize_constant: Option<MaterializeFn>,
    pub(crate) verify_type: Option<EntityVerifyFn>,
    pub(crate) verify_attr: Option<EntityVerifyFn>,
}

#[derive(Default)]
pub(crate) struct Registry {
    pub(crate) dialects: FxHashMap<&'static str, DialectInfo>,
    pub(crate) ops: Vec<OpDef>,
    pub(crate) by_name: FxHashMap<Ident, OpDefId>,
}

impl Registry {
    pub(crate) fn lookup_op(&self, name: Ident) -> Option<OpDefId> {
        self.by_name.get(&name).copied()
    }

    pub(crate) fn op(&self, id: OpDefId) -> &OpDef {
        &self.ops[id as usize]
    }
}

impl Context {
    /// Registers a dialect and its operations. Registering the same dialect twice is a no-op.
    pub fn register_dialect(&mut self, dialect: DialectDef) {
        if self.registry.dialects.contains_key(dialect.name) {
            return;
        }
        self.registry.dialects.insert(
            dialect.name,
            DialectInfo {
                summary: dialect.summary,
                materialize_constant: dialect.materialize_constant,
                verify_type: dialect.verify_type,
                verify_attr: dialect.verify_attr,
            },
        );
        for def in dialect.ops {
            let name = self.ident(def.name);
            let id = self.registry.ops.len() as OpDefId;
            self.registry.ops.push(def);
            self.registry.by_name.insert(name, id);
        }
        // Ops created before registration (e.g. parsed as unregistered) keep `def: None`.
    }

    pub fn is_dialect_registered(&self, name: &str) -> bool {
        self.registry.dialects.contains_key(name)
    }

    /// Registered dialects as `(name, summary)`, sorted by name.
    pub fn registered_dialects(&self) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = self
            .registry
            .dialects
            .iter()
            .map(|(n, d)| (*n, d.summary))
            .collect();
        v.sort();
        v
    }

    /// Every registered op definition, sorted by name.
    pub fn registered_ops(&self) -> Vec<&OpDef> {
        let mut v: Vec<&OpDef> = self.registry.ops.iter().collect();
        v.sort_by_key(|d| d.name);
        v
    }

    /// The definition of a registered op name.
    pub fn lookup_op_def(&self, name: &str) -> Option<&OpDef> {
        let id = self.lookup_ident(name)?;
        self.registry.lookup_op(id).map(|d| self.registry.op(d))
    }

    /// The definition of `op`, or `None` for unregistered ops.
    #[inline]
    pub fn op_def(&self, op: Op) -> Option<&OpDef> {
        self.ops[op.index()].def.map(|d| self.registry.op(d))
    }

    pub fn is_registered(&self, op: Op) -> bool {
        self.ops[op.index()].def.is_some()
    }

    /// Whether `op` has trait `t` (unregistered ops have none).
    #[inline]
    pub fn has_trait(&self, op: Op, t: Traits) -> bool {
        self.op_def(op).is_some_and(|d| d.traits.contains(t))
    }

    /// Whether `op` may be removed when its results are unused: pure and (for region-holding
    /// ops) with only pure operations nested.
    pub fn is_trivially_dead(&self, op: Op) -> bool {
        !self.op_has_uses(op) && self.is_pure_recursively(op)
    }

    /// Pure, and everything nested is pure or a terminator.
    pub fn is_pure_recursively(&self, op: Op) -> bool {
        if !self.has_trait(op, Traits::PURE) {
            return false;
        }
        self.nested_ops(op)
            .into_iter()
            .all(|o| self.has_trait(o, Traits::PURE) || self.has_trait(o, Traits::TERMINATOR))
    }

    /// The dialect-level constant materializer for the dialect of `op`.
    pub fn materializer(&self, dialect: &str) -> Option<MaterializeFn> {
        self.registry
            .dialects
            .get(dialect)
            .and_then(|d| d.materialize_constant)
    }

    pub(crate) fn dialect_type_verifier(&self, dialect: &str) -> Option<Option<EntityVerifyFn>> {
        self.registry.dialects.get(dialect).map(|d| d.verify_type)
    }

    pub(crate) fn dialect_attr_verifier(&self, dialect: &str) -> Option<Option<EntityVerifyFn>> {
        self.registry.dialects.get(dialect).map(|d| d.verify_attr)
    }

    /// The range of operands forming group `group` of `op`'s definition: a single operand,
    /// an optional one (0 or 1) or a variadic group. With one variadic group its size is what
    /// the others leave; with several, `operandSegmentSizes` gives the sizes. Several optional
    /// groups and no variadic one, without `operandSegmentSizes`, are positional: the values
    /// present fill the groups in order (absent optional values are trailing).
    pub fn operand_segment(&self, op: Op, group: usize) -> Range<usize> {
        let def = self
            .op_def(op)
            .expect("operand_segment on an unregistered op");
        let total = self.num_operands(op);
        segment(self, op, &def.operands, group, total, "operandSegmentSizes")
    }

    pub fn operand_group(&self, op: Op, group: usize) -> Vec<Value> {
        let r = self.operand_segment(op, group);
        self.operands(op).skip(r.start).take(r.len()).collect()
    }

    pub fn result_segment(&self, op: Op, group: usize) -> Range<usize> {
        let def = self
            .op_def(op)
            .expect("result_segment on an unregistered op");
        let total = self.num_results(op);
        segment(self, op, &def.results, group, total, "resultSegmentSizes")
    }
}

fn segment(
    ctx: &Context,
    op: Op,
    groups: &[ArgDef],
    group: usize,
    total: usize,
    sizes_attr: &str,
) -> Range<usize> {
    let non_single = groups.iter().filter(|g| g.arity != Arity::Single).count();
    if non_single > 1
        && let Some(sizes) = ctx
            .attr(op, sizes_attr)
            .and_then(|a| ctx.dense_array_i64(a))
    {
        let start: i64 = sizes.iter().take(group).sum();
        let len = sizes.get(group).copied().unwrap_or(0);
        let start = (start.max(0) as usize).min(total);
        return start..(start + len.max(0) as usize).min(total);
    }
    // Several optional groups and no variadic one, without sizes: positional, as ONNX's
    // optional inputs are. An optional group holds a value when more values remain than the
    // single groups after it need, so absent optional values can only be trailing.
    if non_single > 1 && groups.iter().all(|g| g.arity != Arity::Variadic) {
        let mut start = 0;
        for (i, g) in groups.iter().enumerate() {
            let singles_after = groups[i + 1..]
                .iter()
                .filter(|g| g.arity == Arity::Single)
                .count();
            let len = match g.arity {
                Arity::Single => 1,
                _ => usize::from(total.saturating_sub(start) > singles_after),
            };
            if i == group {
                return start.min(total)..(start + len).min(total);
            }
            start += len;
        }
        return total..total;
    }
    // At most one non-single group: its size is whatever the single groups leave.
    let singles = groups.len() - non_single;
    let rest = total.saturating_sub(singles);
    let mut start = 0;
    for (i, g) in groups.iter().enumerate() {
        let len = if g.arity == Arity::Single { 1 } else { rest };
        if i == group {
            return start.min(total)..(start + len).min(total);
        }
        start += len;
    }
    total..total
}

/// Declares an op: an [`OpDef`] and a typed wrapper with accessors.
///
/// ```
/// use flowc_ir::constraints::SIGNLESS_INTEGER_LIKE;
/// use flowc_ir::{Context, DialectDef, Location, OperationState, Traits};
///
/// flowc_ir::op! {
///     /// Integer addition.
///     pub struct AddIOp = "demo.addi" {
///         summary: "integer addition",
///         operands: { lhs: one(SIGNLESS_INTEGER_LIKE), rhs: one(SIGNLESS_INTEGER_LIKE) },
///         results: { result: one(SIGNLESS_INTEGER_LIKE) },
///         attributes: {},
///         regions: {},
///         traits: Traits::PURE | Traits::COMMUTATIVE,
///     }
/// }
///
/// let mut ctx = Context::new();
/// ctx.register_dialect(DialectDef::new("demo", "a demo").op(AddIOp::base_def()));
/// let i32t = ctx.i32_type();
/// let block = ctx.create_block(&[(i32t, Location::UNKNOWN)]);
/// let x = ctx.block_arg(block, 0);
/// let state = OperationState::new(&mut ctx, AddIOp::NAME, Location::UNKNOWN).operands(&[x, x]).results(&[i32t]);
/// let add = AddIOp(ctx.create_op(state));
/// assert_eq!(add.lhs(&ctx), x);
/// assert!(ctx.has_trait(add.op(), Traits::COMMUTATIVE));
/// ```
///
/// Each operand or result is `name: one(C)`, `name: optional(C)` or `name: variadic(C)`;
/// each attribute is `name: required(C)` or `name: optional(C)`. The accessor of a single
/// operand or result returns its `Value`; that of an optional or variadic group a `Vec<Value>`. `def()` returns the `OpDef`, to be extended with the builder methods (verifier,
/// folder, assembly, canonicalizer).
#[macro_export]
macro_rules! op {
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident = $name:literal {
            summary: $summary:expr,
            $(description: $description:expr,)?
            operands: { $($opnd:ident : $opnd_kind:ident($opnd_c:expr)),* $(,)? },
            results: { $($res:ident : $res_kind:ident($res_c:expr)),* $(,)? },
            attributes: { $($attr:ident : $attr_kind:ident($attr_c:expr)),* $(,)? },
            regions: { $($region:ident),* $(,)? },
            traits: $traits:expr $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        $vis struct $ty(pub $crate::Op);

        #[allow(dead_code, non_snake_case)]
        impl $ty {
            pub const NAME: &'static str = $name;

            /// The definition, without hooks; extend it with the `OpDef` builder methods.
            pub fn base_def() -> $crate::OpDef {
                let def = $crate::OpDef::new($name).summary($summary).traits($traits);
                $(let def = def.description($description);)?
                $(let def = def.operand(stringify!($opnd), $crate::op!(@arity $opnd_kind), $opnd_c);)*
                $(let def = def.result(stringify!($res), $crate::op!(@arity $res_kind), $res_c);)*
                $(let def = def.attribute(stringify!($attr), $crate::op!(@optional $attr_kind), $attr_c);)*
                $(let def = def.region(stringify!($region));)*
                def
            }

            /// `Some` when `op` is a `
            #[doc = $name]
            /// `.
            pub fn cast(ctx: &$crate::Context, op: $crate::Op) -> Option<Self> {
                (ctx.op_name(op) == $name).then_some($ty(op))
            }

            pub fn op(self) -> $crate::Op {
                self.0
            }

            $crate::op!(@operands $($opnd $opnd_kind)*);
            $crate::op!(@results $($res $res_kind)*);

            $(
                pub fn $attr(self, ctx: &$crate::Context) -> Option<$crate::Attribute> {
                    ctx.attr(self.0, stringify!($attr))
                }
            )*

            $crate::op!(@regions 0usize; $($region)*);
        }
    };

    (@arity one) => { $crate::Arity::Single };
    (@arity optional) => { $crate::Arity::Optional };
    (@arity variadic) => { $crate::Arity::Variadic };
    (@optional required) => { false };
    (@optional optional) => { true };

    (@operands $($opnd:ident $kind:ident)*) => {
        $crate::op!(@operand_acc 0usize; $($opnd $kind)*);
    };
    (@operand_acc $i:expr; ) => {};
    (@operand_acc $i:expr; $first:ident one $($rest:ident $rk:ident)*) => {
        pub fn $first(self, ctx: &$crate::Context) -> $crate::Value {
            ctx.operand(self.0, ctx.operand_segment(self.0, $i).start)
        }
        $crate::op!(@operand_acc $i + 1usize; $($rest $rk)*);
    };
    (@operand_acc $i:expr; $first:ident $kind:ident $($rest:ident $rk:ident)*) => {
        pub fn $first(self, ctx: &$crate::Context) -> Vec<$crate::Value> {
            ctx.operand_group(self.0, $i)
        }
        $crate::op!(@operand_acc $i + 1usize; $($rest $rk)*);
    };
    (@results $($res:ident $kind:ident)*) => {
        $crate::op!(@result_acc 0usize; $($res $kind)*);
    };
    (@result_acc $i:expr; ) => {};
    (@result_acc $i:expr; $first:ident one $($rest:ident $rk:ident)*) => {
        pub fn $first(self, ctx: &$crate::Context) -> $crate::Value {
            ctx.result(self.0, ctx.result_segment(self.0, $i).start)
        }
        $crate::op!(@result_acc $i + 1usize; $($rest $rk)*);
    };
    (@result_acc $i:expr; $first:ident $kind:ident $($rest:ident $rk:ident)*) => {
        pub fn $first(self, ctx: &$crate::Context) -> Vec<$crate::Value> {
            let r = ctx.result_segment(self.0, $i);
            ctx.results(self.0)[r].to_vec()
        }
        $crate::op!(@result_acc $i + 1usize; $($rest $rk)*);
    };
    (@regions $i:expr; ) => {};
    (@regions $i:expr; $first:ident $($rest:ident)*) => {
        pub fn $first(self, ctx: &$crate::Context) -> $crate::Region {
            ctx.region(self.0, $i)
        }
        $crate::op!(@regions $i + 1usize; $($rest)*);
    };
}
