//! Symbols and symbol tables, as in MLIR.
//!
//! - A *symbol* is an operation with a string `sym_name` attribute: registered ops with the
//!   [`Traits::SYMBOL`] trait, and (for tests and generic IR) unregistered ops that carry one.
//!   Its `sym_visibility` is `"public"` (the default when absent), `"private"` or `"nested"`.
//! - A *symbol table* is an op with [`Traits::SYMBOL_TABLE`] (`builtin.module`); the symbols are
//!   the ops directly in the first block of its single region.
//! - A *symbol reference* is a `SymbolRef` attribute, `@a` or nested `@a::@b`: `@a` is looked up
//!   in the nearest symbol table enclosing the user (the user itself when it is one), then `@b`
//!   in the table `@a` names.
//!
//! Uses are found by walking attributes (into arrays and dictionaries) of operations; like
//! MLIR's `SymbolTable::getSymbolUses`, [`collect_symbol_uses`] does not enter the regions of
//! nested symbol tables, whose references are resolved in their own scope.
//! Name uniqueness is checked by the verifier, not here.

use crate::{AttrData, Attribute, Context, Ident, Op, Traits};
use rustc_hash::FxHashMap;

/// The attribute holding a symbol's name.
pub const SYM_NAME: &str = "sym_name";
/// The attribute holding a symbol's visibility.
pub const SYM_VISIBILITY: &str = "sym_visibility";

/// Who may reference a symbol.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Visible from anywhere (the default).
    Public,
    /// Visible only within the parent symbol table.
    Private,
    /// Visible from the parent symbol table and its ancestors through nested references, but not
    /// from outside the IR being compiled.
    Nested,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Nested => "nested",
        }
    }
}

/// One use of a symbol: `user` holds `symbol_ref` somewhere in its attributes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SymbolUse {
    pub user: Op,
    pub symbol_ref: Attribute,
}

/// The name of symbol `op`, if it has one.
pub fn sym_name(ctx: &Context, op: Op) -> Option<&str> {
    ctx.attr(op, SYM_NAME).and_then(|a| ctx.str_value(a))
}

/// Sets (or renames) the `sym_name` of `op`. Uses are not updated; see [`rename_symbol`].
pub fn set_sym_name(ctx: &mut Context, op: Op, name: &str) {
    let attr = ctx.string_attr(name);
    ctx.set_attr(op, SYM_NAME, attr);
}

/// The visibility of `op` (public when `sym_visibility` is absent or not understood).
pub fn sym_visibility(ctx: &Context, op: Op) -> Visibility {
    match ctx.attr(op, SYM_VISIBILITY).and_then(|a| ctx.str_value(a)) {
        Some("private") => Visibility::Private,
        Some("nested") => Visibility::Nested,
        _ => Visibility::Public,
    }
}

/// Sets the visibility; public removes the attribute, as MLIR prints it.
pub fn set_sym_visibility(ctx: &mut Context, op: Op, vis: Visibility) {
    match vis {
        Visibility::Public => {
            ctx.remove_attr(op, SYM_VISIBILITY);
        }
        _ => {
            let attr = ctx.string_attr(vis.as_str());
            ctx.set_attr(op, SYM_VISIBILITY, attr);
        }
    }
}

pub fn is_private(ctx: &Context, op: Op) -> bool {
    sym_visibility(ctx, op) == Visibility::Private
}

/// Whether `op` defines a symbol: it has a string `sym_name` and is either registered with the
/// `Symbol` trait or a declared `sym_name` attribute (an optional symbol such as a named
/// `builtin.module`), or unregistered.
pub fn is_symbol(ctx: &Context, op: Op) -> bool {
    if sym_name(ctx, op).is_none() {
        return false;
    }
    match ctx.op_def(op) {
        Some(def) => def.has_trait(Traits::SYMBOL) || def.declares_attr(SYM_NAME),
        None => true,
    }
}

pub fn is_symbol_table(ctx: &Context, op: Op) -> bool {
    ctx.has_trait(op, Traits::SYMBOL_TABLE)
}

/// The nearest symbol table containing `op`, starting with `op` itself (MLIR's
/// `SymbolTable::getNearestSymbolTable`).
pub fn nearest_symbol_table(ctx: &Context, op: Op) -> Option<Op> {
    let mut cur = Some(op);
    while let Some(o) = cur {
        if is_symbol_table(ctx, o) {
            return Some(o);
        }
        cur = ctx.op_parent_op(o);
    }
    None
}

/// The symbols directly in `table_op`'s body, in order.
pub fn symbols_in(ctx: &Context, table_op: Op) -> Vec<Op> {
    let Some(&region) = ctx.regions(table_op).first() else {
        return Vec::new();
    };
    let Some(block) = ctx.region_entry(region) else {
        return Vec::new();
    };
    ctx.block_ops(block)
        .filter(|&o| is_symbol(ctx, o))
        .collect()
}

/// The symbol named `name` directly in `table_op`'s body (a linear scan; build a
/// [`SymbolTable`] for repeated lookups).
pub fn lookup_symbol_in(ctx: &Context, table_op: Op, name: &str) -> Option<Op> {
    let block = ctx.region_entry(*ctx.regions(table_op).first()?)?;
    ctx.block_ops(block)
        .find(|&o| is_symbol(ctx, o) && sym_name(ctx, o) == Some(name))
}

/// The root and nested names of a symbol reference attribute.
pub fn symbol_ref_path(ctx: &Context, attr: Attribute) -> Option<Vec<&str>> {
    match ctx.attr_data(attr) {
        AttrData::SymbolRef { root, nested } => {
            let mut path = vec![ctx.ident_str(*root)];
            path.extend(nested.iter().map(|&n| ctx.ident_str(n)));
            Some(path)
        }
        _ => None,
    }
}

/// Resolves a (possibly nested) reference in `table_op`: returns the symbols along the path,
/// `@a::@b` giving `[a, b]` (MLIR's `lookupSymbolIn` with a result vector), or `None` when any
/// part does not resolve or an intermediate symbol is not a symbol table.
pub fn resolve_symbol_ref_path(ctx: &Context, table_op: Op, attr: Attribute) -> Option<Vec<Op>> {
    let path = symbol_ref_path(ctx, attr)?;
    let mut table = table_op;
    let mut out = Vec::with_capacity(path.len());
    for (i, name) in path.iter().enumerate() {
        if i > 0 && !is_symbol_table(ctx, table) {
            return None;
        }
        let sym = lookup_symbol_in(ctx, table, name)?;
        out.push(sym);
        table = sym;
    }
    Some(out)
}

/// Resolves a (possibly nested) reference in `table_op` to the symbol it names.
pub fn lookup_symbol_ref_in(ctx: &Context, table_op: Op, attr: Attribute) -> Option<Op> {
    resolve_symbol_ref_path(ctx, table_op, attr)?.pop()
}

/// Resolves `name` (`foo`, or a nested `a::b` path given as an attribute) from `from_op`: looked up
/// in the nearest symbol table enclosing `from_op` (MLIR's `lookupNearestSymbolFrom`).
pub fn lookup_symbol_in_nearest_table(ctx: &Context, from_op: Op, name: &str) -> Option<Op> {
    let table = nearest_symbol_table(ctx, from_op)?;
    let mut parts = name.split("::");
    let mut sym = lookup_symbol_in(ctx, table, parts.next()?.trim_start_matches('@'))?;
    for part in parts {
        if !is_symbol_table(ctx, sym) {
            return None;
        }
        sym = lookup_symbol_in(ctx, sym, part.trim_start_matches('@'))?;
    }
    Some(sym)
}

/// Resolves a symbol reference attribute from `from_op` (the nearest enclosing table).
pub fn lookup_symbol_ref_from(ctx: &Context, from_op: Op, attr: Attribute) -> Option<Op> {
    let table = nearest_symbol_table(ctx, from_op)?;
    lookup_symbol_ref_in(ctx, table, attr)
}

/// The symbol-reference attributes inside `attr`, found through arrays and dictionaries.
pub fn symbol_refs_in_attr(ctx: &Context, attr: Attribute, out: &mut Vec<Attribute>) {
    let mut stack = vec![attr];
    while let Some(a) = stack.pop() {
        match ctx.attr_data(a) {
            AttrData::SymbolRef { .. } => out.push(a),
            AttrData::Array(elems) => stack.extend(elems.iter().rev().copied()),
            AttrData::Dictionary(entries) => stack.extend(entries.iter().rev().map(|(_, v)| *v)),
            _ => {}
        }
    }
}

/// The symbol references held by `op`'s own attributes (properties and discardable ones).
pub fn op_symbol_refs(ctx: &Context, op: Op) -> Vec<Attribute> {
    let mut out = Vec::new();
    for (_, a) in ctx.all_attrs(op) {
        symbol_refs_in_attr(ctx, a, &mut out);
    }
    out
}

/// All symbol uses in `op` and the operations nested in it, in pre-order, without entering the
/// regions of nested symbol tables (their own attributes are included): MLIR's
/// `SymbolTable::getSymbolUses(op)`. When `op` is itself a symbol table its body is walked.
pub fn collect_symbol_uses(ctx: &Context, op: Op) -> Vec<SymbolUse> {
    collect_uses_impl(ctx, op, false)
}

/// All symbol uses in `op` and every operation nested in it, nested symbol tables included.
pub fn collect_all_symbol_uses(ctx: &Context, op: Op) -> Vec<SymbolUse> {
    collect_uses_impl(ctx, op, true)
}

fn collect_uses_impl(ctx: &Context, root: Op, enter_tables: bool) -> Vec<SymbolUse> {
    let mut uses = Vec::new();
    let mut stack = vec![root];
    while let Some(op) = stack.pop() {
        for r in op_symbol_refs(ctx, op) {
            uses.push(SymbolUse {
                user: op,
                symbol_ref: r,
            });
        }
        if op != root && !enter_tables && is_symbol_table(ctx, op) {
            continue;
        }
        let start = stack.len();
        for &region in ctx.regions(op) {
            for &b in ctx.region_blocks(region) {
                stack.extend(ctx.block_ops(b));
            }
        }
        stack[start..].reverse();
    }
    uses
}

/// The uses of `symbol` within `scope` (any op; usually the module): every reference nested in
/// `scope` whose path, resolved from the user's nearest symbol table, passes through `symbol`
/// (`@a::@b` uses both `@a` and `@b`). Nested symbol tables are searched too.
pub fn symbol_uses(ctx: &Context, symbol: Op, scope: Op) -> Vec<SymbolUse> {
    let Some(name) = sym_name(ctx, symbol) else {
        return Vec::new();
    };
    let Some(name_id) = ctx.lookup_ident(name) else {
        return Vec::new();
    };
    collect_all_symbol_uses(ctx, scope)
        .into_iter()
        .filter(|u| {
            // Cheap filter: the name must appear in the path.
            let mentions = match ctx.attr_data(u.symbol_ref) {
                AttrData::SymbolRef { root, nested } => {
                    *root == name_id || nested.contains(&name_id)
                }
                _ => false,
            };
            mentions
                && nearest_symbol_table(ctx, u.user)
                    .and_then(|t| resolve_symbol_ref_path(ctx, t, u.symbol_ref))
                    .is_some_and(|path| path.contains(&symbol))
        })
        .collect()
}

/// Whether any op nested in `scope` references `symbol` (MLIR's `!symbolKnownUseEmpty`).
pub fn symbol_is_used(ctx: &Context, symbol: Op, scope: Op) -> bool {
    !symbol_uses(ctx, symbol, scope).is_empty()
}

/// Renames `symbol` to `new_name` and updates every reference to it within `scope` (the root or
/// nested part of each reference that resolves to it). Returns the number of references changed.
pub fn rename_symbol(ctx: &mut Context, symbol: Op, new_name: &str, scope: Op) -> usize {
    let Some(old) = sym_name(ctx, symbol).map(str::to_owned) else {
        return 0;
    };
    let uses = symbol_uses(ctx, symbol, scope);
    let old_id = ctx.ident(&old);
    let new_id = ctx.ident(new_name);
    let mut changed = 0;
    // Replace per user: rewrite every attribute that contains a reference through `symbol`.
    let mut users: Vec<Op> = uses.iter().map(|u| u.user).collect();
    users.sort();
    users.dedup();
    for user in users {
        let table = nearest_symbol_table(ctx, user);
        let attrs: Vec<(Ident, Attribute)> = ctx.all_attrs(user).collect();
        for (attr_name, value) in attrs {
            let mut count = 0;
            let new_value = replace_refs(ctx, value, &mut |ctx, r| {
                let path = table.and_then(|t| resolve_symbol_ref_path(ctx, t, r))?;
                let pos = path.iter().position(|&p| p == symbol)?;
                let AttrData::SymbolRef { root, nested } = ctx.attr_data(r).clone() else {
                    return None;
                };
                let mut parts = vec![root];
                parts.extend(nested);
                debug_assert_eq!(parts[pos], old_id);
                parts[pos] = new_id;
                count += 1;
                Some(ctx.intern_attr(AttrData::SymbolRef {
                    root: parts[0],
                    nested: parts[1..].to_vec(),
                }))
            });
            if new_value != value {
                ctx.set_attr_by_ident(user, attr_name, new_value);
                changed += count;
            }
        }
    }
    set_sym_name(ctx, symbol, new_name);
    changed
}

/// Rebuilds `attr` with each symbol reference `r` replaced by `f(r)` when it returns `Some`.
pub fn replace_refs(
    ctx: &mut Context,
    attr: Attribute,
    f: &mut dyn FnMut(&mut Context, Attribute) -> Option<Attribute>,
) -> Attribute {
    match ctx.attr_data(attr).clone() {
        AttrData::SymbolRef { .. } => f(ctx, attr).unwrap_or(attr),
        AttrData::Array(elems) => {
            let new: Vec<Attribute> = elems.iter().map(|&e| replace_refs(ctx, e, f)).collect();
            if new == elems {
                attr
            } else {
                ctx.array_attr(new)
            }
        }
        AttrData::Dictionary(entries) => {
            let new: Vec<(Ident, Attribute)> = entries
                .iter()
                .map(|&(n, e)| (n, replace_refs(ctx, e, f)))
                .collect();
            if new == entries {
                attr
            } else {
                ctx.intern_attr(AttrData::Dictionary(new))
            }
        }
        _ => attr,
    }
}

/// A name → symbol map over one symbol table's body (MLIR's `SymbolTable`), for repeated
/// lookups. It is a snapshot: [`SymbolTable::insert`] / [`SymbolTable::erase`] keep it in sync
/// with changes made through it.
#[derive(Clone, Debug)]
pub struct SymbolTable {
    op: Op,
    map: FxHashMap<String, Op>,
}

impl SymbolTable {
    /// Indexes the symbols of `table_op` (which must have a region; the first symbol of a
    /// duplicated name wins).
    pub fn new(ctx: &Context, table_op: Op) -> Self {
        let mut map = FxHashMap::default();
        for s in symbols_in(ctx, table_op) {
            let name = sym_name(ctx, s).expect("symbols have names").to_owned();
            map.entry(name).or_insert(s);
        }
        SymbolTable { op: table_op, map }
    }

    /// The symbol table operation.
    pub fn op(&self) -> Op {
        self.op
    }

    pub fn lookup(&self, name: &str) -> Option<Op> {
        self.map.get(name).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Inserts the detached symbol `symbol` at the end of the table's body (before a
    /// terminator if the body has one), renaming it `name_N` if its name is taken. Returns the
    /// final name.
    pub fn insert(&mut self, ctx: &mut Context, symbol: Op) -> String {
        let base = sym_name(ctx, symbol)
            .expect("inserting an op without sym_name")
            .to_owned();
        let mut name = base.clone();
        let mut n = 0;
        while self.map.contains_key(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        if name != base {
            set_sym_name(ctx, symbol, &name);
        }
        let region = ctx.region(self.op, 0);
        let block = match ctx.region_entry(region) {
            Some(b) => b,
            None => {
                let b = ctx.create_block(&[]);
                ctx.append_block(region, b);
                b
            }
        };
        match ctx.block_last_op(block) {
            Some(last) if ctx.has_trait(last, Traits::TERMINATOR) => {
                ctx.insert_op_before(last, symbol)
            }
            _ => ctx.append_op(block, symbol),
        }
        self.map.insert(name.clone(), symbol);
        name
    }

    /// Forgets `symbol` and erases it.
    pub fn erase(&mut self, ctx: &mut Context, symbol: Op) {
        if let Some(name) = sym_name(ctx, symbol)
            && self.map.get(name) == Some(&symbol)
        {
            let name = name.to_owned();
            self.map.remove(&name);
        }
        ctx.erase_op(symbol);
    }

    /// Forgets `symbol` without erasing it (after it was erased or moved elsewhere).
    pub fn remove(&mut self, ctx: &Context, symbol: Op) {
        self.map.retain(|_, &mut s| s != symbol);
        let _ = ctx;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::ModuleOp;
    use crate::{Location, OperationState};

    fn ctx() -> Context {
        let mut ctx = Context::new();
        ctx.allow_unregistered_dialects = true;
        ctx
    }

    /// An unregistered symbol op `test.sym @name` appended to `parent`'s body.
    fn sym(ctx: &mut Context, parent: Block, name: &str, vis: Option<&str>) -> Op {
        let mut state = OperationState::new(ctx, "test.sym", Location::UNKNOWN);
        let n = ctx.string_attr(name);
        state.add_attr(ctx, SYM_NAME, n);
        if let Some(v) = vis {
            let v = ctx.string_attr(v);
            state.add_attr(ctx, SYM_VISIBILITY, v);
        }
        let op = ctx.create_op(state);
        ctx.append_op(parent, op);
        op
    }

    fn user(ctx: &mut Context, parent: Block, refs: Vec<Attribute>) -> Op {
        let mut state = OperationState::new(ctx, "test.user", Location::UNKNOWN);
        let arr = ctx.array_attr(refs);
        let empty = ctx.unit_attr();
        let key = ctx.ident("k");
        let dict = ctx.dictionary_attr(vec![(key, arr)]);
        state.add_attr(ctx, "refs", dict);
        state.add_attr(ctx, "flag", empty);
        let op = ctx.create_op(state);
        ctx.append_op(parent, op);
        op
    }

    fn nested_ref(ctx: &mut Context, root: &str, nested: &[&str]) -> Attribute {
        let root = ctx.ident(root);
        let nested = nested.iter().map(|n| ctx.ident(n)).collect();
        ctx.intern_attr(AttrData::SymbolRef { root, nested })
    }

    use crate::Block;

    /// module { module @inner { test.sym @leaf }  test.sym @f private  test.user }
    fn setup(ctx: &mut Context) -> (Op, Op, Op, Op) {
        let top = ModuleOp::create(ctx, Location::UNKNOWN);
        let body = top.body_block(ctx);
        let inner = ModuleOp::create(ctx, Location::UNKNOWN);
        let name = ctx.string_attr("inner");
        ctx.set_attr(inner.0, SYM_NAME, name);
        ctx.append_op(body, inner.0);
        let inner_body = inner.body_block(ctx);
        let leaf = sym(ctx, inner_body, "leaf", Some("nested"));
        let f = sym(ctx, body, "f", Some("private"));
        (top.0, inner.0, leaf, f)
    }

    #[test]
    fn accessors_and_visibility() {
        let mut ctx = ctx();
        let (top, inner, leaf, f) = setup(&mut ctx);
        assert_eq!(sym_name(&ctx, f), Some("f"));
        assert_eq!(sym_visibility(&ctx, f), Visibility::Private);
        assert_eq!(sym_visibility(&ctx, leaf), Visibility::Nested);
        assert_eq!(sym_visibility(&ctx, inner), Visibility::Public);
        assert!(is_symbol(&ctx, inner) && is_symbol_table(&ctx, inner));
        assert!(!is_symbol(&ctx, top), "an unnamed module is not a symbol");
        set_sym_visibility(&mut ctx, f, Visibility::Public);
        assert!(!ctx.has_attr(f, SYM_VISIBILITY));
        set_sym_visibility(&mut ctx, f, Visibility::Private);
        assert!(is_private(&ctx, f));
        assert_eq!(symbols_in(&ctx, top), vec![inner, f]);
    }

    #[test]
    fn lookups_flat_and_nested() {
        let mut ctx = ctx();
        let (top, inner, leaf, f) = setup(&mut ctx);
        let table = SymbolTable::new(&ctx, top);
        assert_eq!(table.lookup("f"), Some(f));
        assert_eq!(table.lookup("inner"), Some(inner));
        assert_eq!(table.lookup("leaf"), None);
        assert_eq!(lookup_symbol_in(&ctx, inner, "leaf"), Some(leaf));
        let r = nested_ref(&mut ctx, "inner", &["leaf"]);
        assert_eq!(lookup_symbol_ref_in(&ctx, top, r), Some(leaf));
        assert_eq!(
            resolve_symbol_ref_path(&ctx, top, r),
            Some(vec![inner, leaf])
        );
        let bad = nested_ref(&mut ctx, "f", &["leaf"]);
        assert_eq!(
            lookup_symbol_ref_in(&ctx, top, bad),
            None,
            "f is not a symbol table"
        );
        // From an op inside the top module.
        assert_eq!(
            lookup_symbol_in_nearest_table(&ctx, f, "inner::leaf"),
            Some(leaf)
        );
        assert_eq!(
            lookup_symbol_in_nearest_table(&ctx, f, "@inner::@leaf"),
            Some(leaf)
        );
        assert_eq!(
            lookup_symbol_in_nearest_table(&ctx, leaf, "f"),
            None,
            "no lookup in outer tables"
        );
        assert_eq!(nearest_symbol_table(&ctx, leaf), Some(inner));
    }

    #[test]
    fn uses_are_found_in_nested_attributes_and_scoped() {
        let mut ctx = ctx();
        let (top, inner, leaf, f) = setup(&mut ctx);
        let body = ctx.region_entry(ctx.region(top, 0)).unwrap();
        let rf = ctx.symbol_ref_attr("f");
        let rleaf = nested_ref(&mut ctx, "inner", &["leaf"]);
        let u = user(&mut ctx, body, vec![rf, rleaf]);
        // A use inside the inner module, resolved there.
        let inner_body = ctx.region_entry(ctx.region(inner, 0)).unwrap();
        let rl = ctx.symbol_ref_attr("leaf");
        let u2 = user(&mut ctx, inner_body, vec![rl]);

        let uses = collect_symbol_uses(&ctx, top);
        assert_eq!(
            uses,
            vec![
                SymbolUse {
                    user: u,
                    symbol_ref: rf
                },
                SymbolUse {
                    user: u,
                    symbol_ref: rleaf
                }
            ]
        );
        assert_eq!(collect_all_symbol_uses(&ctx, top).len(), 3);
        assert!(symbol_is_used(&ctx, f, top));
        assert_eq!(symbol_uses(&ctx, leaf, top).len(), 2);
        assert_eq!(
            symbol_uses(&ctx, inner, top).len(),
            1,
            "@inner::@leaf uses @inner"
        );
        assert_eq!(
            symbol_uses(&ctx, leaf, inner),
            vec![SymbolUse {
                user: u2,
                symbol_ref: rl
            }]
        );
        ctx.erase_op(u);
        assert!(!symbol_is_used(&ctx, f, top));
    }

    #[test]
    fn rename_updates_references() {
        let mut ctx = ctx();
        let (top, inner, leaf, f) = setup(&mut ctx);
        let body = ctx.region_entry(ctx.region(top, 0)).unwrap();
        let rf = ctx.symbol_ref_attr("f");
        let rleaf = nested_ref(&mut ctx, "inner", &["leaf"]);
        let u = user(&mut ctx, body, vec![rf, rleaf, rf]);
        assert_eq!(rename_symbol(&mut ctx, f, "g", top), 2);
        assert_eq!(sym_name(&ctx, f), Some("g"));
        assert_eq!(rename_symbol(&mut ctx, inner, "outer", top), 1);
        let refs = op_symbol_refs(&ctx, u);
        let printed: Vec<String> = refs.iter().map(|&r| ctx.print_attr(r)).collect();
        assert_eq!(printed, vec!["@g", "@outer::@leaf", "@g"]);
        assert_eq!(
            lookup_symbol_in_nearest_table(&ctx, u, "outer::leaf"),
            Some(leaf)
        );
    }

    #[test]
    fn insert_uniquifies_names() {
        let mut ctx = ctx();
        let (top, _inner, _leaf, f) = setup(&mut ctx);
        let mut table = SymbolTable::new(&ctx, top);
        let mut state = OperationState::new(&mut ctx, "test.sym", Location::UNKNOWN);
        let n = ctx.string_attr("f");
        state.add_attr(&mut ctx, SYM_NAME, n);
        let dup = ctx.create_op(state);
        assert_eq!(table.insert(&mut ctx, dup), "f_0");
        assert_eq!(table.lookup("f_0"), Some(dup));
        assert_eq!(table.lookup("f"), Some(f));
        table.erase(&mut ctx, f);
        assert_eq!(table.lookup("f"), None);
        assert!(!ctx.is_op_alive(f));
        assert_eq!(table.len(), 2);
    }
}

/// Lazily built [`SymbolTable`]s for many lookups over unchanging IR (MLIR's
/// `SymbolTableCollection`): the verifier hands one to every symbol-use check, so verifying
/// n calls into a table of n functions is linear, not quadratic.
#[derive(Default)]
pub struct SymbolTableCollection {
    tables: FxHashMap<Op, SymbolTable>,
}

impl SymbolTableCollection {
    pub fn new() -> Self {
        Self::default()
    }

    /// The table of `table_op`, built on first use.
    pub fn table(&mut self, ctx: &Context, table_op: Op) -> &SymbolTable {
        self.tables
            .entry(table_op)
            .or_insert_with(|| SymbolTable::new(ctx, table_op))
    }

    /// Like [`lookup_symbol_in_nearest_table`], through cached tables.
    pub fn lookup_nearest(&mut self, ctx: &Context, from_op: Op, name: &str) -> Option<Op> {
        let table = nearest_symbol_table(ctx, from_op)?;
        let mut parts = name.split("::");
        let mut sym = self
            .table(ctx, table)
            .lookup(parts.next()?.trim_start_matches('@'))?;
        for part in parts {
            if !is_symbol_table(ctx, sym) {
                return None;
            }
            sym = self.table(ctx, sym).lookup(part.trim_start_matches('@'))?;
        }
        Some(sym)
    }
}
