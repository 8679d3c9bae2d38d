//! The textual parser: MLIR's generic syntax for every op, custom syntax for registered ops
//! that declare it, type and attribute aliases, forward references (graph regions, blocks),
//! location aliases defined after use, and the `{-# dialect_resources #-}` section.
//!
//! Malformed input of any kind gets a located [`Diagnostic`], never a panic; nesting depth is
//! bounded so absurdly nested input cannot overflow the stack.

mod lexer;
mod syntax;

use crate::builtin::ModuleOp;
use crate::{
    Attribute, Block, Context, Diagnostic, Location, NamedAttr, Op, OperationState, Region, Type,
    Value,
};
use lexer::{Kind, Lexer, Token};
use rustc_hash::FxHashMap;

pub type ParseResult<T> = Result<T, Diagnostic>;

/// A use of an SSA value not yet resolved to a [`Value`]: `%name` or `%name#3`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnresolvedOperand {
    pub name: String,
    pub number: usize,
    pub loc: Location,
    /// Byte offset of the name in the source, so scopes can key on source slices.
    pub(crate) pos: usize,
}

/// A region argument declared in custom syntax (`%arg0: i32 {attrs} loc(...)`).
#[derive(Clone, Debug)]
pub struct Argument {
    pub name: UnresolvedOperand,
    pub ty: Type,
    pub attrs: Option<Attribute>,
    pub loc: Option<Location>,
}

/// Deepest nesting of regions, types, attributes and locations the parser accepts. The parser
/// recurses once per level; 128 levels fit in a 2 MiB thread stack even in debug builds (256 did
/// not: nested regions overflowed a test thread), and real IR rarely nests beyond a dozen.
const MAX_DEPTH: usize = 128;

/// Parses a whole source buffer into a `builtin.module` (top-level ops not in a single module are
/// wrapped in one, as MLIR does). `filename` is used for locations; `line_offset` is added to
/// every line number (for `--split-input-file` chunks). On failure, returns the diagnostics.
pub fn parse_source(
    ctx: &mut Context,
    source: &str,
    filename: &str,
    line_offset: u32,
) -> Result<Op, Vec<Diagnostic>> {
    let mut p = Parser::new(ctx, source, filename, line_offset);
    p.parse_top_level().map_err(|d| vec![d])
}

/// Parses a standalone type such as `tensor<?x4xf32>`.
pub fn parse_type_str(ctx: &mut Context, text: &str) -> ParseResult<Type> {
    let mut p = Parser::new(ctx, text, "<type>", 0);
    let t = p.parse_type()?;
    p.expect(Kind::Eof, "end of type")?;
    Ok(t)
}

/// Parses a standalone attribute such as `dense<1.0> : tensor<2xf32>`.
pub fn parse_attribute_str(ctx: &mut Context, text: &str) -> ParseResult<Attribute> {
    let mut p = Parser::new(ctx, text, "<attribute>", 0);
    let a = p.parse_attribute(None)?;
    p.expect(Kind::Eof, "end of attribute")?;
    Ok(a)
}

/// A name bound to the results of one op (or to one block argument).
struct Binding {
    values: Vec<Value>,
}

/// Forward references of one isolated name scope: name → placeholders by result number.
#[derive(Default)]
struct IsolatedScope<'s> {
    forward: FxHashMap<&'s str, Vec<(usize, Value, Location)>>,
}

/// Blocks of the region being parsed, by label.
#[derive(Default)]
struct BlockScope<'s> {
    blocks: FxHashMap<&'s str, (Block, bool, Location)>,
}

pub(crate) struct Parser<'s> {
    ctx: &'s mut Context,
    lex: Lexer<'s>,
    tok: Token<'s>,
    filename: crate::Ident,
    line_offset: u32,
    line_starts: Vec<usize>,
    depth: usize,
    type_aliases: FxHashMap<&'s str, Type>,
    attr_aliases: FxHashMap<&'s str, Attribute>,
    /// Location aliases used before their definition: placeholder → alias name.
    loc_forward: FxHashMap<Location, &'s str>,
    /// Value names per region scope (innermost last).
    names: Vec<FxHashMap<&'s str, Binding>>,
    /// Index into `names` where each isolated scope starts, with its forward references.
    isolated: Vec<(usize, IsolatedScope<'s>)>,
    blocks: Vec<BlockScope<'s>>,
    /// Default dialects of the enclosing ops (`func` inside `func.func`).
    default_dialects: Vec<Option<&'static str>>,
    /// Whether the op whose regions are parsed next is isolated from above.
    next_region_isolated: Vec<bool>,
    /// Result count of the op being parsed in custom form.
    num_results: usize,
}

impl<'s> Parser<'s> {
    fn new(ctx: &'s mut Context, src: &'s str, filename: &str, line_offset: u32) -> Self {
        let filename = ctx.ident(filename);
        let mut lex = Lexer::new(src);
        let tok = lex.next_token();
        let mut line_starts = vec![0];
        line_starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Parser {
            ctx,
            lex,
            tok,
            filename,
            line_offset,
            line_starts,
            depth: 0,
            type_aliases: FxHashMap::default(),
            attr_aliases: FxHashMap::default(),
            loc_forward: FxHashMap::default(),
            names: vec![FxHashMap::default()],
            isolated: vec![(0, IsolatedScope::default())],
            blocks: Vec::new(),
            default_dialects: Vec::new(),
            next_region_isolated: Vec::new(),
            num_results: 0,
        }
    }

    // ===== Tokens and errors =====

    fn advance(&mut self) -> Token<'s> {
        let t = self.tok;
        self.tok = self.lex.next_token();
        t
    }

    fn at(&self, kind: Kind) -> bool {
        self.tok.kind == kind
    }

    fn at_keyword(&self, kw: &str) -> bool {
        self.tok.kind == Kind::BareId && self.tok.text == kw
    }

    fn consume_if(&mut self, kind: Kind) -> bool {
        if self.at(kind) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn consume_keyword(&mut self, kw: &str) -> bool {
        if self.at_keyword(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn loc_at(&mut self, pos: usize) -> Location {
        let line = self.line_starts.partition_point(|&s| s <= pos);
        let col = pos - self.line_starts[line - 1] + 1;
        let line = (line as u32).saturating_add(self.line_offset);
        let file = self.filename;
        self.ctx.intern_loc(crate::LocData::FileLineCol {
            file,
            line,
            col: col as u32,
        })
    }

    fn cur_loc(&mut self) -> Location {
        let pos = self.tok.pos;
        self.loc_at(pos)
    }

    fn err<T>(&mut self, msg: impl Into<String>) -> ParseResult<T> {
        Err(self.error_here(msg))
    }

    fn error_here(&mut self, msg: impl Into<String>) -> Diagnostic {
        let loc = self.cur_loc();
        let msg = msg.into();
        if self.tok.kind == Kind::Error {
            if self.tok.text.starts_with('"') || self.tok.text.starts_with("@\"") {
                return Diagnostic::error(loc, "expected '\"' in string literal");
            }
            return Diagnostic::error(loc, format!("unexpected character '{}'", self.tok.text));
        }
        Diagnostic::error(loc, msg)
    }

    fn expect(&mut self, kind: Kind, what: &str) -> ParseResult<Token<'s>> {
        if self.at(kind) {
            Ok(self.advance())
        } else {
            self.err(format!("expected {what}"))
        }
    }

    fn expect_punct(&mut self, kind: Kind, text: &str) -> ParseResult<()> {
        self.expect(kind, &format!("'{text}'")).map(|_| ())
    }

    fn enter(&mut self) -> ParseResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("nesting too deep (more than {MAX_DEPTH} levels)"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Re-lexes from `pos` (to split a token such as `4xf32` in a shape).
    fn relex_from(&mut self, pos: usize) {
        self.lex.reset(pos);
        self.tok = self.lex.next_token();
    }

    /// Parses `elem (, elem)*`.
    fn comma_list(&mut self, mut f: impl FnMut(&mut Self) -> ParseResult<()>) -> ParseResult<()> {
        loop {
            f(self)?;
            if !self.consume_if(Kind::Comma) {
                return Ok(());
            }
        }
    }

    fn string_value(&mut self, tok: Token<'s>) -> ParseResult<String> {
        let bytes = lexer::unescape(tok.text).map_err(|m| {
            let loc = self.loc_at(tok.pos);
            Diagnostic::error(loc, m)
        })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    // ===== Top level =====

    fn parse_top_level(&mut self) -> ParseResult<Op> {
        let holder = self.ctx.create_block(&[]);
        self.blocks.push(BlockScope::default());
        loop {
            match self.tok.kind {
                Kind::Eof => break,
                Kind::HashId => self.parse_attr_alias_def()?,
                Kind::BangId => self.parse_type_alias_def()?,
                Kind::FileMetadataBegin => self.parse_file_metadata()?,
                _ => {
                    let op = self.parse_operation()?;
                    self.ctx.append_op(holder, op);
                }
            }
        }
        self.finish_isolated_scope()?;
        self.resolve_forward_locations(holder)?;
        let ops: Vec<Op> = self.ctx.block_ops(holder).collect();
        if ops.len() == 1 && self.ctx.op_name(ops[0]) == ModuleOp::NAME {
            self.ctx.detach_op(ops[0]);
            return Ok(ops[0]);
        }
        let file = self.filename;
        let loc = self.ctx.intern_loc(crate::LocData::FileLineCol {
            file,
            line: 1 + self.line_offset,
            col: 1,
        });
        let module = ModuleOp::create(self.ctx, loc);
        let body = module.body_block(self.ctx);
        for op in ops {
            self.ctx.detach_op(op);
            self.ctx.append_op(body, op);
        }
        Ok(module.op())
    }

    fn parse_attr_alias_def(&mut self) -> ParseResult<()> {
        let tok = self.advance();
        let name = &tok.text[1..];
        if name.contains('.') {
            return self.err("expected '=' in attribute alias definition (dialect attributes cannot be defined here)");
        }
        self.expect_punct(Kind::Equal, "=")?;
        if self.attr_aliases.contains_key(name) {
            let loc = self.loc_at(tok.pos);
            return Err(Diagnostic::error(
                loc,
                format!("redefinition of attribute alias id '{name}'"),
            ));
        }
        let attr = self.parse_attribute(None)?;
        self.attr_aliases.insert(name, attr);
        Ok(())
    }

    fn parse_type_alias_def(&mut self) -> ParseResult<()> {
        let tok = self.advance();
        let name = &tok.text[1..];
        if name.contains('.') {
            return self.err(
                "expected '=' in type alias definition (dialect types cannot be defined here)",
            );
        }
        self.expect_punct(Kind::Equal, "=")?;
        if self.type_aliases.contains_key(name) {
            let loc = self.loc_at(tok.pos);
            return Err(Diagnostic::error(
                loc,
                format!("redefinition of type alias id '{name}'"),
            ));
        }
        self.consume_keyword("type");
        let ty = self.parse_type()?;
        self.type_aliases.insert(name, ty);
        Ok(())
    }

    /// `{-# dialect_resources: { builtin: { name: "0x..." } }, external_resources: {...} #-}`
    fn parse_file_metadata(&mut self) -> ParseResult<()> {
        self.advance();
        if !self.at(Kind::FileMetadataEnd) {
            self.comma_list(|p| {
                let section =
                    p.expect(Kind::BareId, "'dialect_resources' or 'external_resources'")?;
                p.expect_punct(Kind::Colon, ":")?;
                p.expect_punct(Kind::LBrace, "{")?;
                let is_dialect = match section.text {
                    "dialect_resources" => true,
                    "external_resources" => false,
                    other => return p.err(format!("unknown file metadata section '{other}'")),
                };
                if !p.consume_if(Kind::RBrace) {
                    p.comma_list(|p| p.parse_resource_group(is_dialect))?;
                    p.expect_punct(Kind::RBrace, "}")?;
                }
                Ok(())
            })?;
        }
        self.expect(Kind::FileMetadataEnd, "'#-}'")?;
        Ok(())
    }

    fn parse_resource_group(&mut self, is_dialect: bool) -> ParseResult<()> {
        let owner = self.expect(Kind::BareId, "resource group name")?;
        self.expect_punct(Kind::Colon, ":")?;
        self.expect_punct(Kind::LBrace, "{")?;
        if self.consume_if(Kind::RBrace) {
            return Ok(());
        }
        self.comma_list(|p| {
            let key_tok = p.advance();
            let key = match key_tok.kind {
                Kind::BareId => key_tok.text.to_string(),
                Kind::String => p.string_value(key_tok)?,
                _ => {
                    return Err(Diagnostic::error(
                        p.loc_at(key_tok.pos),
                        "expected resource key",
                    ));
                }
            };
            p.expect_punct(Kind::Colon, ":")?;
            if is_dialect && owner.text == "builtin" {
                let blob_tok = p.expect(Kind::String, "a hex string for the resource blob")?;
                let hex = p.string_value(blob_tok)?;
                let bytes = decode_hex(&hex).ok_or_else(|| {
                    Diagnostic::error(
                        p.loc_at(blob_tok.pos),
                        "expected hex string blob for key '".to_string() + &key + "'",
                    )
                })?;
                if bytes.len() < 4 {
                    return Err(Diagnostic::error(
                        p.loc_at(blob_tok.pos),
                        "resource blob is missing its alignment",
                    ));
                }
                let alignment = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                p.ctx.set_resource(
                    key,
                    crate::ResourceBlob {
                        alignment,
                        data: bytes[4..].to_vec(),
                    },
                );
            } else {
                // Resources of other dialects and external resources are not used by flowc.
                p.parse_attribute(None)?;
            }
            Ok(())
        })?;
        self.expect_punct(Kind::RBrace, "}")
    }

    // ===== Operations =====

    fn parse_operation(&mut self) -> ParseResult<Op> {
        let start_loc = self.cur_loc();
        // Result bindings: `%a, %b:2 =`
        let mut results: Vec<(&'s str, usize, usize)> = Vec::new();
        if self.at(Kind::PercentId) {
            loop {
                let t = self.expect(Kind::PercentId, "SSA value name")?;
                let mut count = 1;
                if self.consume_if(Kind::Colon) {
                    let n = self.expect(Kind::Integer, "integer number of results")?;
                    count = match n.text.parse::<usize>() {
                        Ok(c) if c >= 1 => c,
                        _ => {
                            return Err(Diagnostic::error(
                                self.loc_at(n.pos),
                                "expected named operation to have at least 1 result",
                            ));
                        }
                    };
                }
                results.push((&t.text[1..], count, t.pos));
                if !self.consume_if(Kind::Comma) {
                    break;
                }
            }
            self.expect_punct(Kind::Equal, "=")?;
        }
        let declared: usize = results.iter().map(|r| r.1).sum();

        let op = match self.tok.kind {
            Kind::String => self.parse_generic_operation(start_loc)?,
            Kind::BareId => self.parse_custom_operation(start_loc, declared)?,
            _ => return self.err("expected operation name in quotes"),
        };
        if let Some(loc) = self.parse_trailing_location()? {
            self.ctx.set_op_loc(op, loc);
        }
        let actual = self.ctx.num_results(op);
        if !results.is_empty() && actual != declared {
            return Err(Diagnostic::error(
                start_loc,
                format!("operation defines {actual} results but was provided {declared} to bind"),
            ));
        }
        let mut next = 0;
        for (name, count, pos) in results {
            let values = self.ctx.results(op)[next..next + count].to_vec();
            next += count;
            self.define_values(name, values, pos)?;
        }
        Ok(op)
    }

    fn parse_trailing_location(&mut self) -> ParseResult<Option<Location>> {
        if self.at_keyword("loc") {
            self.parse_location().map(Some)
        } else {
            Ok(None)
        }
    }

    fn check_op_name_allowed(&mut self, name: &str, pos: usize) -> ParseResult<()> {
        if self.ctx.lookup_op_def(name).is_some() || self.ctx.allow_unregistered_dialects {
            return Ok(());
        }
        let loc = self.loc_at(pos);
        let dialect = name.split_once('.').map_or(name, |(d, _)| d);
        if self.ctx.is_dialect_registered(dialect) {
            Err(Diagnostic::error(
                loc,
                format!(
                    "unregistered operation '{name}' found in dialect ('{dialect}') that does not allow unknown operations"
                ),
            ))
        } else {
            Err(Diagnostic::error(
                loc,
                "operation being parsed with an unregistered dialect. If this is intended, please use -allow-unregistered-dialect with the MLIR tool used",
            ))
        }
    }

    fn parse_generic_operation(&mut self, loc: Location) -> ParseResult<Op> {
        let name_tok = self.advance();
        let name = self.string_value(name_tok)?;
        if name.is_empty() {
            return Err(Diagnostic::error(
                self.loc_at(name_tok.pos),
                "empty operation name is invalid",
            ));
        }
        self.check_op_name_allowed(&name, name_tok.pos)?;
        let mut state = OperationState::new(self.ctx, &name, loc);
        let def = self
            .ctx
            .lookup_op_def(&name)
            .map(|d| (d.traits, d.default_dialect));

        self.expect_punct(Kind::LParen, "(")?;
        let mut operands = Vec::new();
        if !self.consume_if(Kind::RParen) {
            self.comma_list(|p| {
                operands.push(p.parse_operand_ref()?);
                Ok(())
            })?;
            self.expect_punct(Kind::RParen, ")")?;
        }
        if self.consume_if(Kind::LSquare) {
            self.comma_list(|p| {
                let b = p.parse_successor_ref()?;
                state.successors.push(b);
                Ok(())
            })?;
            self.expect_punct(Kind::RSquare, "]")?;
        }
        if self.at(Kind::Less) {
            self.advance();
            let props = self.parse_attribute(None)?;
            match self.ctx.attr_data(props) {
                crate::AttrData::Dictionary(entries) => state.properties = entries.clone(),
                _ => return self.err("expected dictionary of properties"),
            }
            self.expect_punct(Kind::Greater, ">")?;
        }
        if self.consume_if(Kind::LParen) {
            let isolated = def.is_some_and(|(t, _)| t.contains(crate::Traits::ISOLATED_FROM_ABOVE));
            self.default_dialects.push(def.and_then(|(_, d)| d));
            self.comma_list(|p| {
                let region = p.ctx.create_region();
                p.parse_region_impl(region, &[], isolated)?;
                state.regions.push(region);
                Ok(())
            })?;
            self.default_dialects.pop();
            self.expect_punct(Kind::RParen, ")")?;
        }
        if self.at(Kind::LBrace) {
            self.parse_attr_dict_into(&mut state.attributes)?;
        }
        self.expect_punct(Kind::Colon, ":")?;
        let fn_loc = self.cur_loc();
        let fty = self.parse_type()?;
        let Some((ins, outs)) = self
            .ctx
            .function_signature(fty)
            .map(|(i, o)| (i.to_vec(), o.to_vec()))
        else {
            return Err(Diagnostic::error(fn_loc, "expected function type"));
        };
        if ins.len() != operands.len() {
            return Err(Diagnostic::error(
                fn_loc,
                format!(
                    "expected {} operand type{} but had {}",
                    operands.len(),
                    if operands.len() == 1 { "" } else { "s" },
                    ins.len()
                ),
            ));
        }
        for (u, ty) in operands.iter().zip(&ins) {
            let v = self.resolve(u, *ty)?;
            state.operands.push(v);
        }
        state.result_types = outs;
        Ok(self.ctx.create_op(state))
    }

    /// Resolves a custom op name: exact, then `builtin.` + name, then the enclosing op's
    /// default dialect.
    fn resolve_custom_name(&mut self, name: &'s str) -> Option<&'static str> {
        if let Some(d) = self.ctx.lookup_op_def(name) {
            return Some(d.name);
        }
        if !name.contains('.') {
            if let Some(d) = self.ctx.lookup_op_def(&format!("builtin.{name}")) {
                return Some(d.name);
            }
            if let Some(Some(dialect)) = self.default_dialects.last()
                && let Some(d) = self.ctx.lookup_op_def(&format!("{dialect}.{name}"))
            {
                return Some(d.name);
            }
        }
        None
    }

    fn parse_custom_operation(&mut self, loc: Location, num_results: usize) -> ParseResult<Op> {
        let name_tok = self.advance();
        let Some(full) = self.resolve_custom_name(name_tok.text) else {
            let dialect = name_tok.text.split_once('.').map_or("", |(d, _)| d);
            let msg = if !dialect.is_empty() && !self.ctx.is_dialect_registered(dialect) {
                format!(
                    "Dialect `{dialect}' not found for custom op '{}' ",
                    name_tok.text
                )
            } else {
                format!("custom op '{}' is unknown", name_tok.text)
            };
            return Err(Diagnostic::error(self.loc_at(name_tok.pos), msg));
        };
        let def = self
            .ctx
            .lookup_op_def(full)
            .expect("resolved name is registered");
        let (parse, traits, default_dialect) = (def.parse, def.traits, def.default_dialect);
        let Some(parse) = parse else {
            return Err(Diagnostic::error(
                self.loc_at(name_tok.pos),
                format!("custom op '{full}' has no custom assembly form; use the generic form"),
            ));
        };
        let mut state = OperationState::new(self.ctx, full, loc);
        self.default_dialects.push(default_dialect);
        self.next_region_isolated
            .push(traits.contains(crate::Traits::ISOLATED_FROM_ABOVE));
        let saved = std::mem::replace(&mut self.num_results, num_results);
        let r = parse(&mut OpParser { p: self }, &mut state);
        self.num_results = saved;
        self.next_region_isolated.pop();
        self.default_dialects.pop();
        r?;
        Ok(self.ctx.create_op(state))
    }

    // ===== Values =====

    fn parse_operand_ref(&mut self) -> ParseResult<UnresolvedOperand> {
        let t = self.expect(Kind::PercentId, "SSA operand")?;
        let loc = self.loc_at(t.pos);
        let mut number = 0;
        if self.at(Kind::HashId) {
            // `%0#1` lexes as `%0` then `#1`.
            let h = self.advance();
            number = h.text[1..].parse::<usize>().map_err(|_| {
                Diagnostic::error(self.loc_at(h.pos), "invalid SSA value result number")
            })?;
        }
        Ok(UnresolvedOperand {
            name: t.text[1..].to_string(),
            number,
            loc,
            pos: t.pos,
        })
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        let start = self.isolated.last().map_or(0, |s| s.0);
        self.names[start..]
            .iter()
            .rev()
            .find_map(|scope| scope.get(name))
    }

    fn resolve(&mut self, u: &UnresolvedOperand, ty: Type) -> ParseResult<Value> {
        if let Some(b) = self.lookup(&u.name) {
            let Some(&v) = b.values.get(u.number) else {
                return Err(Diagnostic::error(
                    u.loc,
                    format!(
                        "reference to invalid result number %{}#{}",
                        u.name, u.number
                    ),
                ));
            };
            return self.check_use_type(u, v, ty);
        }
        // A forward reference: reuse the placeholder for this name and number, or make one.
        let key: &'s str = self.source_name(u);
        let scope = &mut self
            .isolated
            .last_mut()
            .expect("an isolated scope is open")
            .1;
        let entries = scope.forward.entry(key).or_default();
        if let Some(&(_, v, _)) = entries.iter().find(|(n, _, _)| *n == u.number) {
            return self.check_use_type(u, v, ty);
        }
        let v = self.ctx.create_placeholder(ty, u.loc);
        let scope = &mut self
            .isolated
            .last_mut()
            .expect("an isolated scope is open")
            .1;
        scope
            .forward
            .entry(key)
            .or_default()
            .push((u.number, v, u.loc));
        Ok(v)
    }

    /// `v` if it has the type this use expects.
    fn check_use_type(&self, u: &UnresolvedOperand, v: Value, ty: Type) -> ParseResult<Value> {
        let actual = self.ctx.value_type(v);
        if actual == ty {
            return Ok(v);
        }
        Err(Diagnostic::error(
            u.loc,
            format!(
                "use of value '%{}' expects different type than prior uses: '{}' vs '{}'",
                u.name,
                self.ctx.print_type(ty),
                self.ctx.print_type(actual)
            ),
        ))
    }

    /// The operand's name as a slice of the source (scopes key on source slices).
    fn source_name(&self, u: &UnresolvedOperand) -> &'s str {
        let src = self.lex.source();
        src.get(u.pos + 1..u.pos + 1 + u.name.len()).unwrap_or("")
    }

    fn define_values(&mut self, name: &'s str, values: Vec<Value>, pos: usize) -> ParseResult<()> {
        if self.lookup(name).is_some() {
            let loc = self.loc_at(pos);
            return Err(Diagnostic::error(
                loc,
                format!("redefinition of SSA value '%{name}'"),
            ));
        }
        // Resolve forward references to this name.
        let pending = self
            .isolated
            .last_mut()
            .expect("an isolated scope is open")
            .1
            .forward
            .remove(name);
        if let Some(pending) = pending {
            for (number, placeholder, loc) in pending {
                let Some(&v) = values.get(number) else {
                    return Err(Diagnostic::error(
                        loc,
                        format!("reference to invalid result number %{name}#{number}"),
                    ));
                };
                let (pt, vt) = (self.ctx.value_type(placeholder), self.ctx.value_type(v));
                if pt != vt {
                    return Err(Diagnostic::error(
                        loc,
                        format!(
                            "definition of SSA value '%{name}#{number}' has type '{}' but was used as '{}'",
                            self.ctx.print_type(vt),
                            self.ctx.print_type(pt)
                        ),
                    ));
                }
                self.ctx.replace_all_uses(placeholder, v);
            }
        }
        self.names
            .last_mut()
            .expect("a name scope is open")
            .insert(name, Binding { values });
        Ok(())
    }

    fn finish_isolated_scope(&mut self) -> ParseResult<()> {
        let scope = &self.isolated.last().expect("an isolated scope is open").1;
        let first = scope
            .forward
            .values()
            .flatten()
            .min_by_key(|(_, v, _)| v.index())
            .copied();
        if let Some((_, _, loc)) = first {
            return Err(Diagnostic::error(loc, "use of undeclared SSA value name"));
        }
        Ok(())
    }

    // ===== Regions and blocks =====

    fn parse_successor_ref(&mut self) -> ParseResult<Block> {
        let t = self.expect(Kind::CaretId, "block name")?;
        let loc = self.loc_at(t.pos);
        let Some(scope) = self.blocks.last_mut() else {
            return Err(Diagnostic::error(
                loc,
                "successors are only allowed inside a region",
            ));
        };
        if let Some(&(b, _, _)) = scope.blocks.get(t.text) {
            return Ok(b);
        }
        let b = self.ctx.create_block(&[]);
        self.blocks
            .last_mut()
            .expect("checked above")
            .blocks
            .insert(t.text, (b, false, loc));
        Ok(b)
    }

    fn parse_region_impl(
        &mut self,
        region: Region,
        entry_args: &[Argument],
        isolated: bool,
    ) -> ParseResult<()> {
        self.enter()?;
        self.expect_punct(Kind::LBrace, "{")?;
        if isolated {
            self.isolated
                .push((self.names.len(), IsolatedScope::default()));
        }
        self.names.push(FxHashMap::default());
        self.blocks.push(BlockScope::default());
        let r = self.parse_region_body(region, entry_args);
        self.blocks.pop();
        self.names.pop();
        if isolated {
            let check = if r.is_ok() {
                self.finish_isolated_scope()
            } else {
                Ok(())
            };
            self.isolated.pop();
            check?;
        }
        self.leave();
        r
    }

    fn parse_region_body(&mut self, region: Region, entry_args: &[Argument]) -> ParseResult<()> {
        let entry = if !entry_args.is_empty() {
            let b = self.ctx.create_block(&[]);
            for a in entry_args {
                let loc = a.loc.unwrap_or(a.name.loc);
                let v = self.ctx.add_block_arg(b, a.ty, loc);
                if !a.name.name.is_empty() {
                    let name = self.source_name(&a.name);
                    self.define_values(name, vec![v], a.name.pos)?;
                }
            }
            self.ctx.append_block(region, b);
            if self.at(Kind::CaretId) {
                return self.err("invalid block name in region with named arguments");
            }
            Some(b)
        } else {
            None
        };
        if self.consume_if(Kind::RBrace) {
            return Ok(());
        }
        let mut current = match entry {
            Some(b) => b,
            None if self.at(Kind::CaretId) => self.parse_block_header(region)?,
            None => {
                let b = self.ctx.create_block(&[]);
                self.ctx.append_block(region, b);
                b
            }
        };
        loop {
            match self.tok.kind {
                Kind::RBrace => {
                    self.advance();
                    break;
                }
                Kind::CaretId => current = self.parse_block_header(region)?,
                Kind::Eof => return self.err("expected '}' to end region"),
                _ => {
                    let op = self.parse_operation()?;
                    self.ctx.append_op(current, op);
                }
            }
        }
        let scope = self.blocks.last().expect("block scope open");
        if let Some((name, (_, _, loc))) = scope
            .blocks
            .iter()
            .filter(|(_, (_, defined, _))| !defined)
            .min_by_key(|(_, (b, _, _))| b.index())
        {
            return Err(Diagnostic::error(
                *loc,
                format!("reference to an undefined block '{name}'"),
            ));
        }
        Ok(())
    }

    /// `^bb1(%a: i32 loc(...), %b: f32):`; appends the block to the region.
    fn parse_block_header(&mut self, region: Region) -> ParseResult<Block> {
        let t = self.advance();
        let loc = self.loc_at(t.pos);
        let scope = self.blocks.last_mut().expect("block scope open");
        let block = match scope.blocks.get(t.text).copied() {
            Some((_, true, _)) => {
                return Err(Diagnostic::error(
                    loc,
                    format!("redefinition of block '{}'", t.text),
                ));
            }
            Some((b, false, _)) => b,
            None => self.ctx.create_block(&[]),
        };
        self.blocks
            .last_mut()
            .expect("block scope open")
            .blocks
            .insert(t.text, (block, true, loc));
        self.ctx.append_block(region, block);
        if self.consume_if(Kind::LParen) && !self.consume_if(Kind::RParen) {
            self.comma_list(|p| {
                let a = p.expect(Kind::PercentId, "SSA value name")?;
                p.expect_punct(Kind::Colon, ":")?;
                let ty = p.parse_type()?;
                let loc = match p.parse_trailing_location()? {
                    Some(l) => l,
                    None => p.loc_at(a.pos),
                };
                let v = p.ctx.add_block_arg(block, ty, loc);
                p.define_values(&a.text[1..], vec![v], a.pos)
            })?;
            self.expect_punct(Kind::RParen, ")")?;
        }
        self.expect_punct(Kind::Colon, ":")?;
        Ok(block)
    }

    // ===== Attribute dictionaries =====

    fn parse_attr_dict_into(&mut self, out: &mut Vec<NamedAttr>) -> ParseResult<()> {
        self.expect_punct(Kind::LBrace, "{")?;
        if self.consume_if(Kind::RBrace) {
            return Ok(());
        }
        self.enter()?;
        self.comma_list(|p| {
            let key_tok = p.advance();
            let key = match key_tok.kind {
                Kind::BareId => key_tok.text.to_string(),
                Kind::String => p.string_value(key_tok)?,
                _ => {
                    return Err(Diagnostic::error(
                        p.loc_at(key_tok.pos),
                        "expected attribute name",
                    ));
                }
            };
            if key.is_empty() {
                return Err(Diagnostic::error(
                    p.loc_at(key_tok.pos),
                    "expected valid attribute name",
                ));
            }
            let value = if p.consume_if(Kind::Equal) {
                p.parse_attribute(None)?
            } else {
                p.ctx.unit_attr()
            };
            let id = p.ctx.ident(&key);
            if out.iter().any(|(n, _)| *n == id) {
                return Err(Diagnostic::error(
                    p.loc_at(key_tok.pos),
                    format!("attribute '{key}' occurs more than once in the attribute list"),
                ));
            }
            out.push((id, value));
            Ok(())
        })?;
        self.leave();
        self.expect_punct(Kind::RBrace, "}")
    }

    // ===== Locations =====

    /// `loc(...)`
    fn parse_location(&mut self) -> ParseResult<Location> {
        self.advance(); // `loc`
        self.expect_punct(Kind::LParen, "(")?;
        let l = self.parse_location_body()?;
        self.expect_punct(Kind::RParen, ")")?;
        Ok(l)
    }

    fn parse_location_body(&mut self) -> ParseResult<Location> {
        self.enter()?;
        let r = self.parse_location_body_inner();
        self.leave();
        r
    }

    fn parse_location_body_inner(&mut self) -> ParseResult<Location> {
        use crate::LocData;
        match self.tok.kind {
            Kind::BareId if self.tok.text == "unknown" => {
                self.advance();
                Ok(Location::UNKNOWN)
            }
            Kind::BareId if self.tok.text == "callsite" => {
                self.advance();
                self.expect_punct(Kind::LParen, "(")?;
                let callee = self.parse_location_body()?;
                if !self.consume_keyword("at") {
                    return self.err("expected 'at' in callsite location");
                }
                let caller = self.parse_location_body()?;
                self.expect_punct(Kind::RParen, ")")?;
                Ok(self.ctx.intern_loc(LocData::CallSite { callee, caller }))
            }
            Kind::BareId if self.tok.text == "fused" => {
                self.advance();
                let mut metadata = None;
                if self.consume_if(Kind::Less) {
                    metadata = Some(self.parse_attribute(None)?);
                    self.expect_punct(Kind::Greater, ">")?;
                }
                self.expect_punct(Kind::LSquare, "[")?;
                let mut locs = Vec::new();
                if !self.consume_if(Kind::RSquare) {
                    self.comma_list(|p| {
                        locs.push(p.parse_location_body()?);
                        Ok(())
                    })?;
                    self.expect_punct(Kind::RSquare, "]")?;
                }
                Ok(self.ctx.intern_loc(LocData::Fused { locs, metadata }))
            }
            Kind::String => {
                let t = self.advance();
                let s = self.string_value(t)?;
                if self.consume_if(Kind::Colon) {
                    let line = self.parse_u32("line number")?;
                    self.expect_punct(Kind::Colon, ":")?;
                    let col = self.parse_u32("column number")?;
                    // `"f":1:2 to 3:4` ranges keep their start.
                    if self.consume_keyword("to") {
                        if self.at(Kind::Integer) {
                            self.parse_u32("line number")?;
                        }
                        self.expect_punct(Kind::Colon, ":")?;
                        self.parse_u32("column number")?;
                    }
                    return Ok(self.ctx.file_loc(&s, line, col));
                }
                let child = if self.consume_if(Kind::LParen) {
                    let c = self.parse_location_body()?;
                    self.expect_punct(Kind::RParen, ")")?;
                    Some(c)
                } else {
                    None
                };
                Ok(self.ctx.name_loc(&s, child))
            }
            Kind::HashId => {
                let t = self.advance();
                let name = &t.text[1..];
                if let Some(&a) = self.attr_aliases.get(name) {
                    return match self.ctx.attr_data(a) {
                        crate::AttrData::Location(l) => Ok(*l),
                        _ => Err(Diagnostic::error(
                            self.loc_at(t.pos),
                            "expected location attribute, but got a different alias",
                        )),
                    };
                }
                // Defined later (mlir-opt prints location aliases at the end of the file).
                // A marker location unique to the alias, replaced once the file is parsed.
                let key = self.ctx.ident(&format!("\u{0}forward-location#{name}"));
                let marker = self.ctx.intern_loc(LocData::Name {
                    name: key,
                    child: None,
                });
                self.loc_forward.insert(marker, name);
                Ok(marker)
            }
            _ => self.err("expected location instance"),
        }
    }

    fn parse_u32(&mut self, what: &str) -> ParseResult<u32> {
        let t = self.expect(Kind::Integer, what)?;
        t.text
            .parse::<u32>()
            .map_err(|_| Diagnostic::error(self.loc_at(t.pos), format!("expected {what}")))
    }

    /// Replaces forward-referenced location aliases in every op and block argument.
    fn resolve_forward_locations(&mut self, holder: Block) -> ParseResult<()> {
        if self.loc_forward.is_empty() {
            return Ok(());
        }
        let mut resolved: FxHashMap<Location, Location> = FxHashMap::default();
        for (&marker, &name) in &self.loc_forward {
            match self.attr_aliases.get(name).map(|&a| self.ctx.attr_data(a)) {
                Some(crate::AttrData::Location(l)) => {
                    resolved.insert(marker, *l);
                }
                _ => {
                    return Err(Diagnostic::error(
                        Location::UNKNOWN,
                        format!("undefined symbol alias id '{name}'"),
                    ));
                }
            }
        }
        let ops: Vec<Op> = self.ctx.block_ops(holder).collect();
        for top in ops {
            for op in self.ctx.walk(top, crate::WalkOrder::Pre) {
                let l = self.ctx.op_loc(op);
                let nl = self.substitute_loc(l, &resolved);
                self.ctx.set_op_loc(op, nl);
                for ri in 0..self.ctx.regions(op).len() {
                    let r = self.ctx.region(op, ri);
                    for b in self.ctx.region_blocks(r).to_vec() {
                        for a in self.ctx.block_args(b).to_vec() {
                            let l = self.ctx.value_loc(a);
                            let nl = self.substitute_loc(l, &resolved);
                            self.ctx.set_value_loc(a, nl);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn substitute_loc(&mut self, loc: Location, map: &FxHashMap<Location, Location>) -> Location {
        use crate::LocData;
        if let Some(&l) = map.get(&loc) {
            return l;
        }
        match self.ctx.loc_data(loc).clone() {
            LocData::Name {
                name,
                child: Some(c),
            } => {
                let nc = self.substitute_loc(c, map);
                if nc == c {
                    loc
                } else {
                    self.ctx.intern_loc(LocData::Name {
                        name,
                        child: Some(nc),
                    })
                }
            }
            LocData::CallSite { callee, caller } => {
                let (a, b) = (
                    self.substitute_loc(callee, map),
                    self.substitute_loc(caller, map),
                );
                self.ctx.intern_loc(LocData::CallSite {
                    callee: a,
                    caller: b,
                })
            }
            LocData::Fused { locs, metadata } => {
                let locs = locs
                    .into_iter()
                    .map(|l| self.substitute_loc(l, map))
                    .collect();
                self.ctx.intern_loc(LocData::Fused { locs, metadata })
            }
            _ => loc,
        }
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let digits = s.strip_prefix("0x")?;
    if digits.len() % 2 != 0 {
        return None;
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The parser view given to custom op parsers (MLIR's `OpAsmParser`).
pub struct OpParser<'p, 's> {
    p: &'p mut Parser<'s>,
}

impl OpParser<'_, '_> {
    pub fn ctx(&mut self) -> &mut Context {
        self.p.ctx
    }

    /// The number of results the op was declared with (`%0:2 = ...` gives 2).
    pub fn num_results(&self) -> usize {
        self.p.num_results
    }

    /// The location of the current token.
    pub fn current_loc(&mut self) -> Location {
        self.p.cur_loc()
    }

    /// An error at the current token.
    pub fn error(&mut self, message: &str) -> Diagnostic {
        self.p.error_here(message)
    }

    /// `%name` or `%name#N`.
    pub fn parse_operand(&mut self) -> ParseResult<UnresolvedOperand> {
        self.p.parse_operand_ref()
    }

    pub fn parse_optional_operand(&mut self) -> ParseResult<Option<UnresolvedOperand>> {
        if self.p.at(Kind::PercentId) {
            self.p.parse_operand_ref().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Zero or more comma-separated operands (no delimiters).
    pub fn parse_operand_list(&mut self) -> ParseResult<Vec<UnresolvedOperand>> {
        let mut out = Vec::new();
        if !self.p.at(Kind::PercentId) {
            return Ok(out);
        }
        self.p.comma_list(|p| {
            out.push(p.parse_operand_ref()?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Resolves an operand against the given type (forward references become placeholders).
    pub fn resolve_operand(&mut self, operand: &UnresolvedOperand, ty: Type) -> ParseResult<Value> {
        self.p.resolve(operand, ty)
    }

    /// Resolves operands one for one against types, appending to `out`; errors on count mismatch.
    pub fn resolve_operands(
        &mut self,
        operands: &[UnresolvedOperand],
        types: &[Type],
        out: &mut Vec<Value>,
    ) -> ParseResult<()> {
        if operands.len() != types.len() {
            let loc = operands.first().map_or_else(|| self.p.cur_loc(), |o| o.loc);
            return Err(Diagnostic::error(
                loc,
                format!(
                    "{} operands present, but expected {}",
                    operands.len(),
                    types.len()
                ),
            ));
        }
        for (o, &t) in operands.iter().zip(types) {
            out.push(self.p.resolve(o, t)?);
        }
        Ok(())
    }

    pub fn parse_type(&mut self) -> ParseResult<Type> {
        self.p.parse_type()
    }

    /// `%x {attrs} : T to U`: the operand and result of a one-operand conversion (the form
    /// `OpPrinter::print_conversion` prints).
    pub fn parse_conversion(&mut self, state: &mut OperationState) -> ParseResult<()> {
        let source = self.parse_operand()?;
        self.parse_optional_attr_dict(&mut state.attributes)?;
        let from = self.parse_colon_type()?;
        self.parse_keyword("to")?;
        let to = self.parse_type()?;
        let source = self.resolve_operand(&source, from)?;
        state.operands.push(source);
        state.result_types.push(to);
        Ok(())
    }

    /// `: type`
    pub fn parse_colon_type(&mut self) -> ParseResult<Type> {
        self.p.expect_punct(Kind::Colon, ":")?;
        self.p.parse_type()
    }

    /// One or more comma-separated types (no delimiters); empty when the next token cannot start a type.
    pub fn parse_type_list(&mut self) -> ParseResult<Vec<Type>> {
        let mut out = Vec::new();
        if !self.p.at_type_start() {
            return Ok(out);
        }
        self.p.comma_list(|p| {
            out.push(p.parse_type()?);
            Ok(())
        })?;
        Ok(out)
    }

    /// `-> type` or `-> (type, ...)`; empty when there is no arrow.
    pub fn parse_optional_arrow_type_list(&mut self) -> ParseResult<Vec<Type>> {
        if !self.p.consume_if(Kind::Arrow) {
            return Ok(Vec::new());
        }
        self.parse_result_type_list()
    }

    /// A result type list as after `->`: `type` or `(type, ...)`.
    pub fn parse_result_type_list(&mut self) -> ParseResult<Vec<Type>> {
        self.p.parse_function_result_types()
    }

    pub fn parse_attribute(&mut self) -> ParseResult<Attribute> {
        self.p.parse_attribute(None)
    }

    /// An attribute whose type, if absent in the text, is `ty` (e.g. `42` in `arith.constant 42 : i32`).
    pub fn parse_attribute_of_type(&mut self, ty: Option<Type>) -> ParseResult<Attribute> {
        self.p.parse_attribute(ty)
    }

    /// `{a = 1, b}` if present, appended to `out`.
    pub fn parse_optional_attr_dict(&mut self, out: &mut Vec<NamedAttr>) -> ParseResult<()> {
        if self.p.at(Kind::LBrace) {
            self.p.parse_attr_dict_into(out)
        } else {
            Ok(())
        }
    }

    /// `attributes {a = 1}` if present.
    pub fn parse_optional_attr_dict_with_keyword(
        &mut self,
        out: &mut Vec<NamedAttr>,
    ) -> ParseResult<()> {
        if self.p.consume_keyword("attributes") {
            self.p.parse_attr_dict_into(out)
        } else {
            Ok(())
        }
    }

    pub fn parse_keyword(&mut self, keyword: &str) -> ParseResult<()> {
        if self.p.consume_keyword(keyword) {
            Ok(())
        } else {
            self.p.err(format!("expected '{keyword}'"))
        }
    }

    pub fn parse_optional_keyword(&mut self, keyword: &str) -> bool {
        self.p.consume_keyword(keyword)
    }

    /// Any bare identifier, if next.
    pub fn parse_optional_any_keyword(&mut self) -> Option<String> {
        if self.p.at(Kind::BareId) {
            Some(self.p.advance().text.to_string())
        } else {
            None
        }
    }

    /// Punctuation: one of `( ) [ ] { } < > , : :: = -> ? * + - ... |`.
    pub fn parse_punct(&mut self, punct: &str) -> ParseResult<()> {
        if self.parse_optional_punct(punct) {
            Ok(())
        } else {
            self.p.err(format!("expected '{punct}'"))
        }
    }

    pub fn parse_optional_punct(&mut self, punct: &str) -> bool {
        if self.peek_punct(punct) {
            self.p.advance();
            true
        } else {
            false
        }
    }

    /// Whether the next token is the punctuation, without consuming it.
    pub fn peek_punct(&mut self, punct: &str) -> bool {
        punct_kind(punct).is_some_and(|k| self.p.at(k))
    }

    pub fn parse_integer(&mut self) -> ParseResult<i64> {
        let neg = self.p.consume_if(Kind::Minus);
        let t = self.p.expect(Kind::Integer, "integer value")?;
        let v = syntax::parse_int_literal(t.text).and_then(|v| i64::try_from(v).ok());
        match v {
            Some(v) => Ok(if neg { -v } else { v }),
            None => Err(Diagnostic::error(
                self.p.loc_at(t.pos),
                "integer value too large",
            )),
        }
    }

    pub fn parse_string(&mut self) -> ParseResult<String> {
        let t = self.p.expect(Kind::String, "string")?;
        self.p.string_value(t)
    }

    /// `@name` (or `@"quoted name"`).
    pub fn parse_symbol_name(&mut self) -> ParseResult<String> {
        match self.parse_optional_symbol_name()? {
            Some(s) => Ok(s),
            None => self.p.err("expected valid '@'-identifier for symbol name"),
        }
    }

    pub fn parse_optional_symbol_name(&mut self) -> ParseResult<Option<String>> {
        if !self.p.at(Kind::AtId) {
            return Ok(None);
        }
        let t = self.p.advance();
        self.p.symbol_text(t).map(Some)
    }

    /// `^bb3`: a successor block (forward references allowed).
    pub fn parse_successor(&mut self) -> ParseResult<Block> {
        self.p.parse_successor_ref()
    }

    /// `(%arg0: i32 {attrs} loc(...), ...)` as in function signatures. With `allow_attrs`,
    /// each argument may carry a dictionary; locations are always allowed. An entry written as a
    /// bare type gets an empty name (for declarations).
    pub fn parse_argument_list(&mut self, allow_attrs: bool) -> ParseResult<Vec<Argument>> {
        self.p.expect_punct(Kind::LParen, "(")?;
        let mut out = Vec::new();
        if self.p.consume_if(Kind::RParen) {
            return Ok(out);
        }
        self.p.comma_list(|p| {
            let name = if p.at(Kind::PercentId) {
                let n = p.parse_operand_ref()?;
                p.expect_punct(Kind::Colon, ":")?;
                n
            } else {
                let loc = p.cur_loc();
                UnresolvedOperand {
                    name: String::new(),
                    number: 0,
                    loc,
                    pos: p.tok.pos,
                }
            };
            let ty = p.parse_type()?;
            let attrs = if allow_attrs && p.at(Kind::LBrace) {
                let mut entries = Vec::new();
                p.parse_attr_dict_into(&mut entries)?;
                Some(p.ctx.dictionary_attr(entries))
            } else {
                None
            };
            let loc = p.parse_trailing_location()?;
            out.push(Argument {
                name,
                ty,
                attrs,
                loc,
            });
            Ok(())
        })?;
        self.p.expect_punct(Kind::RParen, ")")?;
        Ok(out)
    }

    /// `{ ... }` into `region`; `entry_args` become the entry block's arguments (then the region
    /// text may not label its entry block). Names from enclosing regions stay visible unless the
    /// op is isolated from above; `enable_name_shadowing` is accepted for MLIR parity (flowc
    /// always reports redefinitions).
    pub fn parse_region(
        &mut self,
        region: Region,
        entry_args: &[Argument],
        enable_name_shadowing: bool,
    ) -> ParseResult<()> {
        let _ = enable_name_shadowing;
        let isolated = self.p.next_region_isolated.last().copied().unwrap_or(false);
        self.p.parse_region_impl(region, entry_args, isolated)
    }

    /// Parses a region if the next token is `{`.
    pub fn parse_optional_region(
        &mut self,
        region: Region,
        entry_args: &[Argument],
    ) -> ParseResult<bool> {
        if !self.p.at(Kind::LBrace) {
            return Ok(false);
        }
        self.parse_region(region, entry_args, false)?;
        Ok(true)
    }

    /// Adds an empty entry block when `region` has none (for ops with implicit blocks).
    pub fn ensure_block(&mut self, region: Region) {
        if self.p.ctx.region_is_empty(region) {
            let b = self.p.ctx.create_block(&[]);
            self.p.ctx.append_block(region, b);
        }
    }

    /// `loc(...)` if next.
    pub fn parse_optional_location(&mut self) -> ParseResult<Option<Location>> {
        self.p.parse_trailing_location()
    }
}

fn punct_kind(punct: &str) -> Option<Kind> {
    Some(match punct {
        "(" => Kind::LParen,
        ")" => Kind::RParen,
        "[" => Kind::LSquare,
        "]" => Kind::RSquare,
        "{" => Kind::LBrace,
        "}" => Kind::RBrace,
        "<" => Kind::Less,
        ">" => Kind::Greater,
        "," => Kind::Comma,
        ":" => Kind::Colon,
        "::" => Kind::ColonColon,
        "=" => Kind::Equal,
        "->" => Kind::Arrow,
        "?" => Kind::Question,
        "*" => Kind::Star,
        "+" => Kind::Plus,
        "-" => Kind::Minus,
        "..." => Kind::Ellipsis,
        "|" => Kind::Vertical,
        _ => return None,
    })
}
