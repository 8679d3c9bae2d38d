//! Types and attributes.

use super::lexer::{Kind, Token};
use super::{ParseResult, Parser};
use crate::float::bits_from_f64;
use crate::{AttrData, Attribute, DYNAMIC, Diagnostic, FloatKind, Signedness, Type, TypeData};

/// Widest integer type MLIR accepts.
const MAX_INT_WIDTH: u32 = 16_777_215;
/// Largest dense or array attribute the parser builds, in bytes.
const MAX_DENSE_BYTES: u64 = 1 << 31;

/// A decimal or `0x` hexadecimal literal.
pub(crate) fn parse_int_literal(text: &str) -> Option<u128> {
    match text.strip_prefix("0x") {
        Some(hex) => u128::from_str_radix(hex, 16).ok(),
        None => text.parse::<u128>().ok(),
    }
}

/// One element of a dense literal, before the element type is known.
#[derive(Clone, Debug)]
enum Lit {
    Int {
        neg: bool,
        magnitude: u128,
        hex: bool,
    },
    Float(f64),
    Bool(bool),
    Complex(Box<Lit>, Box<Lit>),
}

impl<'s> Parser<'s> {
    // ===== Types =====

    /// Whether the current token can start a type.
    pub(crate) fn at_type_start(&self) -> bool {
        match self.tok.kind {
            Kind::LParen | Kind::BangId => true,
            Kind::BareId => is_type_keyword(self.tok.text),
            _ => false,
        }
    }

    pub(crate) fn parse_type(&mut self) -> ParseResult<Type> {
        self.enter()?;
        let r = self.parse_type_inner();
        self.leave();
        r
    }

    fn parse_type_inner(&mut self) -> ParseResult<Type> {
        match self.tok.kind {
            Kind::LParen => self.parse_function_type(),
            Kind::BangId => self.parse_bang_type(),
            Kind::BareId => self.parse_keyword_type(),
            _ => self.err("expected type"),
        }
    }

    fn parse_function_type(&mut self) -> ParseResult<Type> {
        self.expect_punct(Kind::LParen, "(")?;
        let mut inputs = Vec::new();
        if !self.consume_if(Kind::RParen) {
            self.comma_list(|p| {
                inputs.push(p.parse_type()?);
                Ok(())
            })?;
            self.expect_punct(Kind::RParen, ")")?;
        }
        self.expect_punct(Kind::Arrow, "->")?;
        let results = self.parse_function_result_types()?;
        Ok(self.ctx.function_type(inputs, results))
    }

    /// `type` or `(type, ...)` as after `->`.
    pub(crate) fn parse_function_result_types(&mut self) -> ParseResult<Vec<Type>> {
        if !self.at(Kind::LParen) {
            return Ok(vec![self.parse_type()?]);
        }
        // `(i32) -> i32` as a single result is a function type only when followed by `->`;
        // MLIR requires parentheses around function-typed results, so `(` starts a list here.
        self.advance();
        let mut results = Vec::new();
        if !self.consume_if(Kind::RParen) {
            self.comma_list(|p| {
                results.push(p.parse_type()?);
                Ok(())
            })?;
            self.expect_punct(Kind::RParen, ")")?;
        }
        Ok(results)
    }

    fn parse_bang_type(&mut self) -> ParseResult<Type> {
        let t = self.advance();
        let name = &t.text[1..];
        match name.split_once('.') {
            None => match self.type_aliases.get(name) {
                Some(&ty) => Ok(ty),
                None => Err(Diagnostic::error(
                    self.loc_at(t.pos),
                    format!("undefined symbol alias id '{name}'"),
                )),
            },
            Some((dialect, rest)) => {
                let body = self.dialect_body(t, rest)?;
                if let Err(m) = self.check_dialect_entity(dialect, &body, true) {
                    return Err(Diagnostic::error(self.loc_at(t.pos), m));
                }
                let dialect = self.ctx.ident(dialect);
                Ok(self.ctx.intern_type(TypeData::Dialect { dialect, body }))
            }
        }
    }

    /// The body of `!d.name<...>` / `#d.name<...>`: `name` plus the angle-bracketed text when the
    /// `<` follows the name directly.
    fn dialect_body(&mut self, t: Token<'s>, rest: &str) -> ParseResult<String> {
        if rest.is_empty() {
            return Err(Diagnostic::error(
                self.loc_at(t.pos),
                "expected dialect entity name after '.'",
            ));
        }
        let end = t.pos + t.text.len();
        let src = self.lex.source();
        if src.as_bytes().get(end) == Some(&b'<') && self.at(Kind::Less) {
            let Some(close) = self.lex.find_matching_greater(end + 1) else {
                return Err(Diagnostic::error(
                    self.loc_at(end),
                    "unbalanced '<' in dialect type or attribute body",
                ));
            };
            let body = format!("{rest}{}", &src[end..=close]);
            self.relex_from(close + 1);
            return Ok(body);
        }
        Ok(rest.to_string())
    }

    fn check_dialect_entity(&self, dialect: &str, body: &str, is_type: bool) -> Result<(), String> {
        let verifier = if is_type {
            self.ctx.dialect_type_verifier(dialect)
        } else {
            self.ctx.dialect_attr_verifier(dialect)
        };
        match verifier {
            Some(Some(check)) => check(body),
            Some(None) => Ok(()),
            None if self.ctx.allow_unregistered_dialects => Ok(()),
            None => Err(format!(
                "{} of unregistered dialect '{dialect}' (use --allow-unregistered-dialect to accept it)",
                if is_type { "type" } else { "attribute" }
            )),
        }
    }

    fn parse_keyword_type(&mut self) -> ParseResult<Type> {
        let t = self.tok;
        let text = t.text;
        let simple = match text {
            "index" => Some(TypeData::Index),
            "f16" => Some(TypeData::Float(FloatKind::F16)),
            "bf16" => Some(TypeData::Float(FloatKind::BF16)),
            "f32" => Some(TypeData::Float(FloatKind::F32)),
            "f64" => Some(TypeData::Float(FloatKind::F64)),
            "none" => Some(TypeData::None),
            _ => None,
        };
        if let Some(data) = simple {
            self.advance();
            return Ok(self.ctx.intern_type(data));
        }
        if let Some((sign, digits)) = int_type_parts(text) {
            self.advance();
            let width = digits.parse::<u32>().ok().filter(|w| *w <= MAX_INT_WIDTH);
            let Some(width) = width else {
                return Err(Diagnostic::error(
                    self.loc_at(t.pos),
                    format!("integer bitwidth is limited to {MAX_INT_WIDTH} bits"),
                ));
            };
            return Ok(self.ctx.intern_type(TypeData::Integer {
                width,
                signedness: sign,
            }));
        }
        match text {
            "tensor" => self.parse_tensor_type(),
            "memref" => self.parse_memref_type(),
            "vector" => self.parse_vector_type(),
            "complex" => {
                self.advance();
                self.expect_punct(Kind::Less, "<")?;
                let e = self.parse_type()?;
                self.expect_punct(Kind::Greater, ">")?;
                Ok(self.ctx.intern_type(TypeData::Complex(e)))
            }
            "tuple" => {
                self.advance();
                self.expect_punct(Kind::Less, "<")?;
                let mut elems = Vec::new();
                if !self.consume_if(Kind::Greater) {
                    self.comma_list(|p| {
                        elems.push(p.parse_type()?);
                        Ok(())
                    })?;
                    self.expect_punct(Kind::Greater, ">")?;
                }
                Ok(self.ctx.intern_type(TypeData::Tuple(elems)))
            }
            _ if is_float_keyword(text) => {
                self.err(format!("unsupported floating-point type '{text}'"))
            }
            _ => self.err("expected non-function type"),
        }
    }

    /// Consumes the `x` after a dimension (splitting tokens such as `x4xf32`).
    fn expect_dim_x(&mut self) -> ParseResult<()> {
        if self.tok.kind == Kind::BareId && self.tok.text.starts_with('x') {
            let pos = self.tok.pos;
            self.relex_from(pos + 1);
            return Ok(());
        }
        self.err("expected 'x' in dimension list")
    }

    /// Continues after a dimension that ends at byte `end`, which must be followed by `x`. The
    /// lexer restarts after the `x`, so `1x1x...xf32` is lexed in linear time.
    fn dim_separator(&mut self, end: usize) -> ParseResult<()> {
        if self.lex.source().as_bytes().get(end) == Some(&b'x') {
            self.relex_from(end + 1);
            return Ok(());
        }
        self.relex_from(end);
        self.err("expected 'x' in dimension list")
    }

    /// Dimensions up to the element type: `2x?x` (and `[4]x` when `scalable` is given).
    fn parse_dims(&mut self, mut scalable: Option<&mut Vec<bool>>) -> ParseResult<Vec<i64>> {
        let mut dims = Vec::new();
        loop {
            let mut is_scalable = false;
            if scalable.is_some() && self.at(Kind::LSquare) {
                self.advance();
                is_scalable = true;
            }
            let t = self.tok;
            let (dim, end) = match t.kind {
                Kind::Question if scalable.is_none() => (DYNAMIC, t.pos + 1),
                // `0x4xf32` lexes as a hexadecimal literal: it is a zero dimension and an `x`.
                Kind::Integer if t.text.starts_with("0x") => (0, t.pos + 1),
                Kind::Integer => match t.text.parse::<i64>() {
                    Ok(d) => (d, t.pos + t.text.len()),
                    Err(_) => return self.err("invalid dimension"),
                },
                _ if is_scalable => {
                    return self.err("expected dimension size in scalable dimension");
                }
                _ => return Ok(dims),
            };
            let end = if is_scalable {
                self.relex_from(end);
                if !self.at(Kind::RSquare) {
                    return self.err("expected ']'");
                }
                self.tok.pos + 1
            } else {
                end
            };
            if let Some(s) = scalable.as_deref_mut() {
                s.push(is_scalable);
            }
            dims.push(dim);
            self.dim_separator(end)?;
        }
    }

    fn parse_tensor_type(&mut self) -> ParseResult<Type> {
        self.advance();
        self.expect_punct(Kind::Less, "<")?;
        if self.consume_if(Kind::Star) {
            self.expect_dim_x()?;
            let element = self.parse_type()?;
            self.expect_punct(Kind::Greater, ">")?;
            self.check_element_type(element, "tensor")?;
            return Ok(self.ctx.intern_type(TypeData::UnrankedTensor { element }));
        }
        let shape = self.parse_dims(None)?;
        let element = self.parse_type()?;
        self.check_element_type(element, "tensor")?;
        let encoding = if self.consume_if(Kind::Comma) {
            Some(self.parse_attribute(None)?)
        } else {
            None
        };
        self.expect_punct(Kind::Greater, ">")?;
        Ok(self.ctx.intern_type(TypeData::RankedTensor {
            shape,
            element,
            encoding,
        }))
    }

    fn check_element_type(&mut self, element: Type, what: &str) -> ParseResult<()> {
        let bad = matches!(
            self.ctx.type_data(element),
            TypeData::Function { .. }
                | TypeData::RankedTensor { .. }
                | TypeData::UnrankedTensor { .. }
                | TypeData::MemRef { .. }
                | TypeData::UnrankedMemRef { .. }
                | TypeData::None
                | TypeData::Tuple(_)
        );
        if bad {
            self.err(format!("invalid {what} element type"))
        } else {
            Ok(())
        }
    }

    fn parse_memref_type(&mut self) -> ParseResult<Type> {
        self.advance();
        self.expect_punct(Kind::Less, "<")?;
        let unranked = self.consume_if(Kind::Star);
        let shape = if unranked {
            self.expect_dim_x()?;
            Vec::new()
        } else {
            self.parse_dims(None)?
        };
        let element = self.parse_type()?;
        self.check_element_type(element, "memref")?;
        let (mut layout, mut memory_space) = (None, None);
        while self.consume_if(Kind::Comma) {
            let a = self.parse_attribute(None)?;
            let is_layout = matches!(
                self.ctx.attr_data(a),
                AttrData::StridedLayout { .. } | AttrData::Affine { is_set: false, .. }
            );
            if is_layout && layout.is_none() && memory_space.is_none() && !unranked {
                layout = Some(a);
            } else if memory_space.is_none() {
                memory_space = Some(a);
            } else {
                return self.err("expected '>' after memory space");
            }
        }
        self.expect_punct(Kind::Greater, ">")?;
        let data = if unranked {
            TypeData::UnrankedMemRef {
                element,
                memory_space,
            }
        } else {
            TypeData::MemRef {
                shape,
                element,
                layout,
                memory_space,
            }
        };
        Ok(self.ctx.intern_type(data))
    }

    fn parse_vector_type(&mut self) -> ParseResult<Type> {
        self.advance();
        self.expect_punct(Kind::Less, "<")?;
        let mut scalable = Vec::new();
        let shape = self.parse_dims(Some(&mut scalable))?;
        if shape.iter().any(|&d| d <= 0) {
            return self.err("vector types must have positive constant sizes");
        }
        let element = self.parse_type()?;
        let ok = matches!(
            self.ctx.type_data(element),
            TypeData::Integer { .. } | TypeData::Index | TypeData::Float(_)
        );
        if !ok {
            return self.err("vector elements must be int/index/float type");
        }
        self.expect_punct(Kind::Greater, ">")?;
        Ok(self.ctx.intern_type(TypeData::Vector {
            shape,
            scalable,
            element,
        }))
    }

    // ===== Attributes =====

    pub(crate) fn parse_attribute(&mut self, hint: Option<Type>) -> ParseResult<Attribute> {
        self.enter()?;
        let r = self.parse_attribute_inner(hint);
        self.leave();
        r
    }

    fn parse_optional_colon_type(&mut self) -> ParseResult<Option<Type>> {
        if self.consume_if(Kind::Colon) {
            self.parse_type().map(Some)
        } else {
            Ok(None)
        }
    }

    fn parse_attribute_inner(&mut self, hint: Option<Type>) -> ParseResult<Attribute> {
        match self.tok.kind {
            Kind::Minus | Kind::Integer | Kind::Float => {
                let pos = self.tok.pos;
                let neg = self.consume_if(Kind::Minus);
                let t = self.advance();
                let ty = match self.parse_optional_colon_type()? {
                    Some(t) => Some(t),
                    None => hint,
                };
                self.number_attr(t, neg, ty, pos)
            }
            Kind::String => {
                let t = self.advance();
                let value = self.string_value(t)?;
                let ty = self.parse_optional_colon_type()?;
                Ok(self.ctx.intern_attr(AttrData::String { value, ty }))
            }
            Kind::LSquare => {
                self.advance();
                let mut elems = Vec::new();
                if !self.consume_if(Kind::RSquare) {
                    self.comma_list(|p| {
                        elems.push(p.parse_attribute(None)?);
                        Ok(())
                    })?;
                    self.expect_punct(Kind::RSquare, "]")?;
                }
                Ok(self.ctx.array_attr(elems))
            }
            Kind::LBrace => {
                let mut entries = Vec::new();
                self.parse_attr_dict_into(&mut entries)?;
                Ok(self.ctx.dictionary_attr(entries))
            }
            Kind::AtId => {
                let t = self.advance();
                let root = self.symbol_text(t)?;
                let root = self.ctx.ident(&root);
                let mut nested = Vec::new();
                while self.consume_if(Kind::ColonColon) {
                    let n = self.expect(Kind::AtId, "symbol reference")?;
                    let s = self.symbol_text(n)?;
                    nested.push(self.ctx.ident(&s));
                }
                Ok(self.ctx.intern_attr(AttrData::SymbolRef { root, nested }))
            }
            Kind::HashId => {
                let t = self.advance();
                let name = &t.text[1..];
                match name.split_once('.') {
                    None => match self.attr_aliases.get(name) {
                        Some(&a) => Ok(a),
                        None => Err(Diagnostic::error(
                            self.loc_at(t.pos),
                            format!("undefined symbol alias id '{name}'"),
                        )),
                    },
                    Some((dialect, rest)) => {
                        let body = self.dialect_body(t, rest)?;
                        if let Err(m) = self.check_dialect_entity(dialect, &body, false) {
                            return Err(Diagnostic::error(self.loc_at(t.pos), m));
                        }
                        let dialect = self.ctx.ident(dialect);
                        Ok(self.ctx.intern_attr(AttrData::Dialect { dialect, body }))
                    }
                }
            }
            Kind::BareId => self.parse_keyword_attribute(hint),
            Kind::LParen | Kind::BangId => {
                let ty = self.parse_type()?;
                Ok(self.ctx.type_attr(ty))
            }
            _ => self.err("expected attribute value"),
        }
    }

    fn parse_keyword_attribute(&mut self, hint: Option<Type>) -> ParseResult<Attribute> {
        match self.tok.text {
            "unit" => {
                self.advance();
                Ok(self.ctx.unit_attr())
            }
            "true" | "false" => {
                let v = self.advance().text == "true";
                match hint {
                    Some(t) if self.ctx.is_signless_int_of_width(t, 1) => {
                        Ok(self.ctx.integer_attr(t, v as i128))
                    }
                    _ => Ok(self.ctx.bool_attr(v)),
                }
            }
            "dense" => self.parse_dense(),
            "dense_resource" => {
                self.advance();
                self.expect_punct(Kind::Less, "<")?;
                let t = self.advance();
                let name = match t.kind {
                    Kind::BareId => t.text.to_string(),
                    Kind::String => self.string_value(t)?,
                    _ => {
                        return Err(Diagnostic::error(
                            self.loc_at(t.pos),
                            "expected resource handle",
                        ));
                    }
                };
                self.expect_punct(Kind::Greater, ">")?;
                self.expect_punct(Kind::Colon, ":")?;
                let ty = self.parse_type()?;
                if !self.ctx.is_shaped(ty) {
                    return self.err("dense_resource requires a shaped type");
                }
                Ok(self.ctx.intern_attr(AttrData::DenseResource { name, ty }))
            }
            "array" => self.parse_dense_array(),
            "strided" => {
                self.advance();
                self.expect_punct(Kind::Less, "<")?;
                self.expect_punct(Kind::LSquare, "[")?;
                let mut strides = Vec::new();
                if !self.consume_if(Kind::RSquare) {
                    self.comma_list(|p| {
                        strides.push(p.parse_dim_or_question()?);
                        Ok(())
                    })?;
                    self.expect_punct(Kind::RSquare, "]")?;
                }
                let mut offset = 0;
                if self.consume_if(Kind::Comma) {
                    if !self.consume_keyword("offset") {
                        return self.err("expected 'offset' after comma");
                    }
                    self.expect_punct(Kind::Colon, ":")?;
                    offset = self.parse_dim_or_question()?;
                }
                self.expect_punct(Kind::Greater, ">")?;
                Ok(self
                    .ctx
                    .intern_attr(AttrData::StridedLayout { strides, offset }))
            }
            "affine_map" | "affine_set" => {
                let is_set = self.tok.text == "affine_set";
                let t = self.advance();
                if !self.at(Kind::Less) {
                    return self.err("expected '<'");
                }
                let open = self.tok.pos;
                let Some(close) = self.lex.find_matching_greater(open + 1) else {
                    return Err(Diagnostic::error(
                        self.loc_at(t.pos),
                        "unbalanced '<' in affine map",
                    ));
                };
                let body = self.lex.source()[open + 1..close].to_string();
                self.relex_from(close + 1);
                Ok(self.ctx.intern_attr(AttrData::Affine { is_set, body }))
            }
            "loc" => {
                let l = self.parse_location()?;
                Ok(self.ctx.intern_attr(AttrData::Location(l)))
            }
            "distinct" | "sparse" | "opaque" => {
                let kw = self.tok.text;
                self.err(format!("'{kw}' attributes are not supported by flowc"))
            }
            _ if self.at_type_start() => {
                let ty = self.parse_type()?;
                Ok(self.ctx.type_attr(ty))
            }
            other => {
                let other = other.to_string();
                self.err(format!("expected attribute value, found '{other}'"))
            }
        }
    }

    fn parse_dim_or_question(&mut self) -> ParseResult<i64> {
        if self.consume_if(Kind::Question) {
            return Ok(DYNAMIC);
        }
        let neg = self.consume_if(Kind::Minus);
        let t = self.expect(Kind::Integer, "integer or '?'")?;
        let v = parse_int_literal(t.text).and_then(|v| i64::try_from(v).ok());
        match v {
            Some(v) => Ok(if neg { -v } else { v }),
            None => Err(Diagnostic::error(
                self.loc_at(t.pos),
                "integer value too large",
            )),
        }
    }

    pub(crate) fn symbol_text(&mut self, t: Token<'s>) -> ParseResult<String> {
        let body = &t.text[1..];
        if body.starts_with('"') {
            let bytes = super::lexer::unescape(body)
                .map_err(|m| Diagnostic::error(self.loc_at(t.pos), m))?;
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
        Ok(body.to_string())
    }

    /// An integer or float literal (`neg` when a `-` preceded it) of type `ty` (default `i64`
    /// for integers, `f64` for floats).
    fn number_attr(
        &mut self,
        t: Token<'s>,
        neg: bool,
        ty: Option<Type>,
        pos: usize,
    ) -> ParseResult<Attribute> {
        let loc = self.loc_at(pos);
        if t.kind == Kind::Float {
            let v: f64 = t
                .text
                .parse()
                .map_err(|_| Diagnostic::error(loc, "invalid floating point literal"))?;
            let v = if neg { -v } else { v };
            let ty = match ty {
                Some(ty) => ty,
                None => self.ctx.f64_type(),
            };
            let Some(kind) = self.ctx.float_kind(ty) else {
                return Err(Diagnostic::error(
                    loc,
                    "floating point value not valid for specified type",
                ));
            };
            let bits = bits_from_f64(kind, v);
            return Ok(self.ctx.intern_attr(AttrData::Float { bits, ty }));
        }
        if t.kind != Kind::Integer {
            return Err(Diagnostic::error(
                loc,
                "expected integer or floating point literal",
            ));
        }
        let ty = match ty {
            Some(ty) => ty,
            None => self.ctx.i64_type(),
        };
        let magnitude = parse_int_literal(t.text)
            .ok_or_else(|| Diagnostic::error(loc, "integer constant out of range for attribute"))?;
        if let Some(kind) = self.ctx.float_kind(ty) {
            if !t.text.starts_with("0x") || neg {
                return Err(Diagnostic::error(
                    loc,
                    "unexpected decimal integer literal for a floating point value (add a '.0' or use a hexadecimal bit pattern)",
                ));
            }
            if magnitude >> kind.width() != 0 {
                return Err(Diagnostic::error(
                    loc,
                    "hexadecimal float constant out of range for type",
                ));
            }
            return Ok(self.ctx.intern_attr(AttrData::Float {
                bits: magnitude as u64,
                ty,
            }));
        }
        let value = self
            .int_in_range(ty, neg, magnitude)
            .map_err(|m| Diagnostic::error(loc, m))?;
        Ok(self.ctx.integer_attr(ty, value))
    }

    /// Checks an integer literal against `ty` and returns its value.
    fn int_in_range(&self, ty: Type, neg: bool, magnitude: u128) -> Result<i128, String> {
        let out_of_range = || "integer constant out of range for attribute".to_string();
        let (width, sign) = match self.ctx.type_data(ty) {
            TypeData::Integer { width, signedness } => (*width, *signedness),
            TypeData::Index => (64, Signedness::Signless),
            _ => return Err("integer literal not valid for specified type".into()),
        };
        if magnitude > i128::MAX as u128 + neg as u128 {
            return Err(out_of_range());
        }
        let value: i128 = if neg {
            (magnitude as i128).wrapping_neg()
        } else {
            magnitude as i128
        };
        if width >= 127 {
            return Ok(value);
        }
        let unsigned_max = (1i128 << width) - 1;
        let signed_min = -(1i128 << (width - 1).min(126));
        let ok = match sign {
            Signedness::Unsigned => !neg && value <= unsigned_max,
            Signedness::Signed => value >= signed_min && value <= unsigned_max >> 1,
            Signedness::Signless => value >= signed_min && value <= unsigned_max,
        };
        if !ok {
            return Err(out_of_range());
        }
        Ok(value)
    }

    // ===== Dense elements =====

    fn parse_dense(&mut self) -> ParseResult<Attribute> {
        let kw = self.advance();
        self.expect_punct(Kind::Less, "<")?;
        enum Body {
            Empty,
            Hex(Vec<u8>, usize),
            Splat(Lit),
            List(Vec<i64>, Vec<Lit>),
        }
        let body = match self.tok.kind {
            Kind::Greater => Body::Empty,
            Kind::String => {
                let t = self.advance();
                let s = self.string_value(t)?;
                let Some(bytes) = super::decode_hex(&s) else {
                    return Err(Diagnostic::error(
                        self.loc_at(t.pos),
                        "expected hex string in dense elements literal",
                    ));
                };
                Body::Hex(bytes, t.pos)
            }
            Kind::LSquare => {
                let mut flat = Vec::new();
                let shape = self.parse_dense_list(&mut flat)?;
                Body::List(shape, flat)
            }
            _ => Body::Splat(self.parse_dense_lit()?),
        };
        self.expect_punct(Kind::Greater, ">")?;
        self.expect_punct(Kind::Colon, ":")?;
        let ty_loc = self.cur_loc();
        let ty = self.parse_type()?;
        let (Some(shape), Some(elem)) = (
            self.ctx.shape(ty).map(<[i64]>::to_vec),
            self.ctx.element_type(ty),
        ) else {
            return Err(Diagnostic::error(
                ty_loc,
                "elements literal type must be a ranked shaped type",
            ));
        };
        if shape.iter().any(|&d| d < 0)
            || !matches!(
                self.ctx.type_data(ty),
                TypeData::RankedTensor { .. } | TypeData::Vector { .. }
            )
        {
            return Err(Diagnostic::error(
                ty_loc,
                "elements literal type must have static shape",
            ));
        }
        let Some(width) = self.ctx.scalar_byte_width(elem) else {
            return Err(Diagnostic::error(
                ty_loc,
                "unsupported element type in dense elements literal",
            ));
        };
        let count = self
            .ctx
            .num_elements(ty)
            .filter(|&n| n.saturating_mul(width as u64) <= MAX_DENSE_BYTES);
        let Some(count) = count else {
            return Err(Diagnostic::error(
                ty_loc,
                "dense elements literal is too large",
            ));
        };
        let (splat, data) = match body {
            Body::Empty => {
                if count != 0 {
                    return Err(Diagnostic::error(
                        self.loc_at(kw.pos),
                        format!(
                            "parsed zero elements, but type ({}) expected at least 1",
                            self.ctx.print_type(ty)
                        ),
                    ));
                }
                (false, Vec::new())
            }
            Body::Hex(bytes, pos) => {
                if bytes.len() == width && count != 1 {
                    (true, bytes)
                } else if bytes.len() as u64 == count * width as u64 {
                    (false, bytes)
                } else {
                    return Err(Diagnostic::error(
                        self.loc_at(pos),
                        "elements hex data size is invalid for provided type",
                    ));
                }
            }
            Body::Splat(lit) => {
                let mut data = Vec::with_capacity(width);
                self.encode_lit(&lit, elem, &mut data)
                    .map_err(|m| Diagnostic::error(self.loc_at(kw.pos), m))?;
                (true, data)
            }
            Body::List(lit_shape, flat) => {
                if lit_shape != shape {
                    return Err(Diagnostic::error(
                        self.loc_at(kw.pos),
                        format!(
                            "inferred shape of elements literal ({lit_shape:?}) does not match type ({shape:?})"
                        ),
                    ));
                }
                let mut data = Vec::with_capacity(flat.len() * width);
                for lit in &flat {
                    self.encode_lit(lit, elem, &mut data)
                        .map_err(|m| Diagnostic::error(self.loc_at(kw.pos), m))?;
                }
                (false, data)
            }
        };
        Ok(self
            .ctx
            .intern_attr(AttrData::DenseElements { ty, splat, data }))
    }

    /// `[[1, 2], [3, 4]]`: returns the literal's shape, elements appended to `flat`.
    fn parse_dense_list(&mut self, flat: &mut Vec<Lit>) -> ParseResult<Vec<i64>> {
        self.enter()?;
        self.expect_punct(Kind::LSquare, "[")?;
        let mut inner: Option<Vec<i64>> = None;
        let mut n = 0i64;
        if !self.consume_if(Kind::RSquare) {
            loop {
                let shape = if self.at(Kind::LSquare) {
                    self.parse_dense_list(flat)?
                } else {
                    flat.push(self.parse_dense_lit()?);
                    Vec::new()
                };
                match &inner {
                    None => inner = Some(shape),
                    Some(s) if *s != shape => {
                        return self.err(
                            "tensor literal is invalid; ranks are not consistent between elements",
                        );
                    }
                    Some(_) => {}
                }
                n += 1;
                if !self.consume_if(Kind::Comma) {
                    break;
                }
            }
            self.expect_punct(Kind::RSquare, "]")?;
        }
        self.leave();
        let mut shape = vec![n];
        shape.extend(inner.unwrap_or_default());
        Ok(shape)
    }

    fn parse_dense_lit(&mut self) -> ParseResult<Lit> {
        match self.tok.kind {
            Kind::BareId if self.tok.text == "true" || self.tok.text == "false" => {
                Ok(Lit::Bool(self.advance().text == "true"))
            }
            Kind::LParen => {
                self.enter()?;
                self.advance();
                let re = self.parse_dense_lit()?;
                self.expect_punct(Kind::Comma, ",")?;
                let im = self.parse_dense_lit()?;
                self.expect_punct(Kind::RParen, ")")?;
                self.leave();
                Ok(Lit::Complex(Box::new(re), Box::new(im)))
            }
            _ => {
                let neg = self.consume_if(Kind::Minus);
                let t = self.advance();
                match t.kind {
                    Kind::Integer => match parse_int_literal(t.text) {
                        Some(magnitude) => Ok(Lit::Int {
                            neg,
                            magnitude,
                            hex: t.text.starts_with("0x"),
                        }),
                        None => Err(Diagnostic::error(
                            self.loc_at(t.pos),
                            "integer constant out of range",
                        )),
                    },
                    Kind::Float => {
                        let v: f64 = t.text.parse().map_err(|_| {
                            Diagnostic::error(self.loc_at(t.pos), "invalid floating point literal")
                        })?;
                        Ok(Lit::Float(if neg { -v } else { v }))
                    }
                    _ => Err(Diagnostic::error(
                        self.loc_at(t.pos),
                        "expected element literal of primitive type",
                    )),
                }
            }
        }
    }

    /// Appends the little-endian storage of `lit` as an element of type `elem`.
    fn encode_lit(&self, lit: &Lit, elem: Type, out: &mut Vec<u8>) -> Result<(), String> {
        let width = self
            .ctx
            .scalar_byte_width(elem)
            .ok_or("unsupported element type")?;
        match (self.ctx.type_data(elem), lit) {
            (TypeData::Complex(inner), Lit::Complex(re, im)) => {
                self.encode_lit(re, *inner, out)?;
                self.encode_lit(im, *inner, out)
            }
            (TypeData::Complex(_), _) => Err("expected '(' for a complex element".into()),
            (TypeData::Float(kind), _) => {
                let bits = match lit {
                    Lit::Float(v) => bits_from_f64(*kind, *v),
                    Lit::Int {
                        neg: false,
                        magnitude,
                        hex: true,
                    } => {
                        if magnitude >> kind.width() != 0 {
                            return Err("hexadecimal float constant out of range for type".into());
                        }
                        *magnitude as u64
                    }
                    Lit::Int {
                        neg,
                        magnitude,
                        hex: false,
                    } => {
                        let v = *magnitude as f64;
                        bits_from_f64(*kind, if *neg { -v } else { v })
                    }
                    _ => return Err("expected floating point literal".into()),
                };
                out.extend_from_slice(&bits.to_le_bytes()[..width]);
                Ok(())
            }
            (TypeData::Integer { .. } | TypeData::Index, _) => {
                let value = match lit {
                    Lit::Int { neg, magnitude, .. } => self.int_in_range(elem, *neg, *magnitude)?,
                    Lit::Bool(b) if self.ctx.is_signless_int_of_width(elem, 1) => *b as i128,
                    _ => {
                        return Err(
                            "expected integer elements, but parsed floating-point or bool".into(),
                        );
                    }
                };
                out.extend_from_slice(&value.to_le_bytes()[..width]);
                Ok(())
            }
            _ => Err("unsupported element type".into()),
        }
    }

    /// `array<i64: 1, 2>`
    fn parse_dense_array(&mut self) -> ParseResult<Attribute> {
        self.advance();
        self.expect_punct(Kind::Less, "<")?;
        let elem_loc = self.cur_loc();
        let element = self.parse_type()?;
        let ok = matches!(
            self.ctx.type_data(element),
            TypeData::Integer {
                width: 1 | 8 | 16 | 32 | 64,
                signedness: Signedness::Signless
            } | TypeData::Float(FloatKind::F32 | FloatKind::F64)
        );
        if !ok {
            return Err(Diagnostic::error(
                elem_loc,
                "expected integer or float type for dense array",
            ));
        }
        let mut data = Vec::new();
        if self.consume_if(Kind::Colon) {
            self.comma_list(|p| {
                let pos = p.tok.pos;
                let lit = p.parse_dense_lit()?;
                p.encode_lit(&lit, element, &mut data)
                    .map_err(|m| Diagnostic::error(p.loc_at(pos), m))
            })?;
        }
        self.expect_punct(Kind::Greater, ">")?;
        Ok(self.ctx.intern_attr(AttrData::DenseArray { element, data }))
    }
}

fn int_type_parts(text: &str) -> Option<(Signedness, &str)> {
    let (sign, digits) = if let Some(d) = text.strip_prefix("si") {
        (Signedness::Signed, d)
    } else if let Some(d) = text.strip_prefix("ui") {
        (Signedness::Unsigned, d)
    } else if let Some(d) = text.strip_prefix('i') {
        (Signedness::Signless, d)
    } else {
        return None;
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((sign, digits))
}

fn is_float_keyword(text: &str) -> bool {
    matches!(text, "tf32" | "f80" | "f128")
        || text.starts_with("f8E")
        || text.starts_with("f6E")
        || text.starts_with("f4E")
}

fn is_type_keyword(text: &str) -> bool {
    matches!(
        text,
        "index"
            | "f16"
            | "bf16"
            | "f32"
            | "f64"
            | "none"
            | "tensor"
            | "memref"
            | "vector"
            | "complex"
            | "tuple"
    ) || int_type_parts(text).is_some()
        || is_float_keyword(text)
}
