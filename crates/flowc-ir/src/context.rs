//! The context: owner of every type, attribute, location, identifier and IR entity, and of the
//! registry of dialects and operations.
//!
//! All IR mutation goes through `&mut Context`; entities are named by small copyable ids, so
//! passes hold ids in worklists and maps without borrowing the IR.

use crate::attributes::{AttrData, ResourceBlob};
use crate::ir::{BlockData, OperationData, RegionData, ValueData};
use crate::location::LocData;
use crate::registry::Registry;
use crate::types::TypeData;
use crate::uniquer::{StringInterner, Uniquer};
use std::collections::BTreeMap;

crate::entity_id! {
    /// An interned identifier (op names, attribute names, symbol names, file names).
    pub struct Ident, "ident";
}

pub struct Context {
    pub(crate) strings: StringInterner,
    pub(crate) types: Uniquer<TypeData>,
    pub(crate) attrs: Uniquer<AttrData>,
    pub(crate) locs: Uniquer<LocData>,
    pub(crate) ops: Vec<OperationData>,
    pub(crate) blocks: Vec<BlockData>,
    pub(crate) regions: Vec<RegionData>,
    pub(crate) values: Vec<ValueData>,
    pub(crate) registry: Registry,
    pub(crate) resources: BTreeMap<String, ResourceBlob>,
    /// Diagnostics emitted by passes and verifiers, drained by the tool that reports them.
    pub(crate) diagnostics: Vec<crate::Diagnostic>,
    /// Accept operations of dialects that are not registered (`--allow-unregistered-dialect`).
    pub allow_unregistered_dialects: bool,
}

impl Default for Context {
    fn default() -> Self {
        Self::new()
    }
}

impl Context {
    /// A context with the builtin dialect registered.
    pub fn new() -> Self {
        let mut ctx = Context {
            strings: StringInterner::new(),
            types: Uniquer::new(),
            attrs: Uniquer::new(),
            locs: Uniquer::new(),
            ops: Vec::new(),
            blocks: Vec::new(),
            regions: Vec::new(),
            values: Vec::new(),
            registry: Registry::default(),
            resources: BTreeMap::new(),
            diagnostics: Vec::new(),
            allow_unregistered_dialects: false,
        };
        let unknown = ctx.intern_loc(LocData::Unknown);
        debug_assert_eq!(unknown, crate::Location::UNKNOWN);
        ctx.register_dialect(crate::builtin::dialect());
        ctx
    }

    /// Interns an identifier.
    pub fn ident(&mut self, s: &str) -> Ident {
        Ident::from_index(self.strings.intern(s) as usize)
    }

    /// The identifier for `s` if it was ever interned (a cheap negative answer for lookups).
    pub fn lookup_ident(&self, s: &str) -> Option<Ident> {
        self.strings
            .lookup(s)
            .map(|i| Ident::from_index(i as usize))
    }

    #[inline]
    pub fn ident_str(&self, id: Ident) -> &str {
        self.strings.get(id.index() as u32)
    }

    /// Records a diagnostic (MLIR's `emitError` / `emitWarning` / `emitRemark`); the tool
    /// drains them with [`Context::take_diagnostics`].
    pub fn emit(&mut self, diagnostic: crate::Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether an error has been emitted and not yet drained.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::Severity::Error)
    }

    pub fn take_diagnostics(&mut self) -> Vec<crate::Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// Number of live operations (for statistics and tests).
    pub fn num_live_ops(&self) -> usize {
        self.ops.iter().filter(|o| o.alive).count()
    }
}
