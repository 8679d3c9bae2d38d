//! The lexer: MLIR's tokens as slices of the source, never allocating.

/// Token kinds. Identifier kinds keep their sigil in the token text.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Eof,
    /// A lexing error; the token text is the offending input.
    Error,
    /// `foo`, `foo.bar`, `i32`, `x4xf32` ...
    BareId,
    /// `%name`
    PercentId,
    /// `^bb0`
    CaretId,
    /// `@name` or `@"quoted"`
    AtId,
    /// `#name`
    HashId,
    /// `!name`
    BangId,
    /// `42`, `0x2A`
    Integer,
    /// `1.5`, `2.0e-3`
    Float,
    /// `"..."` (text includes the quotes)
    String,
    LParen,
    RParen,
    LSquare,
    RSquare,
    LBrace,
    RBrace,
    Less,
    Greater,
    Comma,
    Colon,
    ColonColon,
    Equal,
    Arrow,
    Question,
    Star,
    Plus,
    Minus,
    Ellipsis,
    Vertical,
    /// `{-#`
    FileMetadataBegin,
    /// `#-}`
    FileMetadataEnd,
}

#[derive(Copy, Clone, Debug)]
pub(crate) struct Token<'s> {
    pub(crate) kind: Kind,
    pub(crate) text: &'s str,
    /// Byte offset of the token in the source.
    pub(crate) pos: usize,
}

pub(crate) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
}

fn is_id_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.'
}

fn is_suffix_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.' | b'-')
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(src: &'s str) -> Self {
        Lexer { src, pos: 0 }
    }

    pub(crate) fn source(&self) -> &'s str {
        self.src
    }

    /// Continues lexing at byte offset `pos` (used to split `4xf32` in shapes).
    pub(crate) fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    fn bytes(&self) -> &'s [u8] {
        self.src.as_bytes()
    }

    fn peek_at(&self, i: usize) -> u8 {
        self.bytes().get(i).copied().unwrap_or(0)
    }

    fn tok(&self, kind: Kind, start: usize) -> Token<'s> {
        Token {
            kind,
            text: &self.src[start..self.pos],
            pos: start,
        }
    }

    pub(crate) fn next_token(&mut self) -> Token<'s> {
        self.skip_trivia();
        let start = self.pos;
        let b = self.bytes();
        if start >= b.len() {
            return Token {
                kind: Kind::Eof,
                text: "",
                pos: start,
            };
        }
        let c = b[start];
        self.pos += 1;
        match c {
            b'(' => self.tok(Kind::LParen, start),
            b')' => self.tok(Kind::RParen, start),
            b'[' => self.tok(Kind::LSquare, start),
            b']' => self.tok(Kind::RSquare, start),
            b'{' => {
                if self.peek_at(self.pos) == b'-' && self.peek_at(self.pos + 1) == b'#' {
                    self.pos += 2;
                    return self.tok(Kind::FileMetadataBegin, start);
                }
                self.tok(Kind::LBrace, start)
            }
            b'}' => self.tok(Kind::RBrace, start),
            b'<' => self.tok(Kind::Less, start),
            b'>' => self.tok(Kind::Greater, start),
            b',' => self.tok(Kind::Comma, start),
            b'=' => self.tok(Kind::Equal, start),
            b'?' => self.tok(Kind::Question, start),
            b'*' => self.tok(Kind::Star, start),
            b'+' => self.tok(Kind::Plus, start),
            b'|' => self.tok(Kind::Vertical, start),
            b':' => {
                if self.peek_at(self.pos) == b':' {
                    self.pos += 1;
                    return self.tok(Kind::ColonColon, start);
                }
                self.tok(Kind::Colon, start)
            }
            b'-' => {
                if self.peek_at(self.pos) == b'>' {
                    self.pos += 1;
                    return self.tok(Kind::Arrow, start);
                }
                self.tok(Kind::Minus, start)
            }
            b'.' => {
                if self.peek_at(self.pos) == b'.' && self.peek_at(self.pos + 1) == b'.' {
                    self.pos += 2;
                    return self.tok(Kind::Ellipsis, start);
                }
                self.tok(Kind::Error, start)
            }
            b'"' => self.lex_string(start),
            b'@' => {
                if self.peek_at(self.pos) == b'"' {
                    self.pos += 1;
                    let s = self.lex_string(start + 1);
                    if s.kind == Kind::Error {
                        return s;
                    }
                    return self.tok(Kind::AtId, start);
                }
                self.lex_suffix_id(Kind::AtId, start, true)
            }
            b'%' => self.lex_suffix_id(Kind::PercentId, start, false),
            b'^' => self.lex_suffix_id(Kind::CaretId, start, false),
            b'!' => self.lex_suffix_id(Kind::BangId, start, true),
            b'#' => {
                if self.peek_at(self.pos) == b'-' && self.peek_at(self.pos + 1) == b'}' {
                    self.pos += 2;
                    return self.tok(Kind::FileMetadataEnd, start);
                }
                self.lex_suffix_id(Kind::HashId, start, true)
            }
            b'0'..=b'9' => self.lex_number(start),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while is_id_char(self.peek_at(self.pos)) {
                    self.pos += 1;
                }
                self.tok(Kind::BareId, start)
            }
            _ => {
                // Step over a whole UTF-8 character so the error text is valid.
                while self.pos < b.len() && !self.src.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
                self.tok(Kind::Error, start)
            }
        }
    }

    fn skip_trivia(&mut self) {
        let b = self.bytes();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.pos + 1 < b.len() && b[self.pos] == b'/' && b[self.pos + 1] == b'/' {
                while self.pos < b.len() && b[self.pos] != b'\n' {
                    self.pos += 1;
                }
                continue;
            }
            break;
        }
    }

    fn lex_suffix_id(&mut self, kind: Kind, start: usize, letters_only_start: bool) -> Token<'s> {
        let first = self.peek_at(self.pos);
        let ok_start = if letters_only_start {
            first.is_ascii_alphabetic()
                || matches!(first, b'_' | b'$' | b'.' | b'-')
                || first.is_ascii_digit()
        } else {
            is_suffix_char(first)
        };
        if !ok_start {
            return self.tok(Kind::Error, start);
        }
        if first.is_ascii_digit() {
            while self.peek_at(self.pos).is_ascii_digit() {
                self.pos += 1;
            }
        } else {
            while is_suffix_char(self.peek_at(self.pos)) {
                // `->` after an identifier is an arrow, not part of the name.
                if self.peek_at(self.pos) == b'-' && self.peek_at(self.pos + 1) == b'>' {
                    break;
                }
                self.pos += 1;
            }
        }
        self.tok(kind, start)
    }

    fn lex_number(&mut self, start: usize) -> Token<'s> {
        let b = self.bytes();
        if b[start] == b'0'
            && self.peek_at(self.pos) == b'x'
            && self.peek_at(self.pos + 1).is_ascii_hexdigit()
        {
            self.pos += 1;
            while self.peek_at(self.pos).is_ascii_hexdigit() {
                self.pos += 1;
            }
            return self.tok(Kind::Integer, start);
        }
        while self.peek_at(self.pos).is_ascii_digit() {
            self.pos += 1;
        }
        if self.peek_at(self.pos) != b'.' || self.peek_at(self.pos + 1) == b'.' {
            return self.tok(Kind::Integer, start);
        }
        self.pos += 1;
        while self.peek_at(self.pos).is_ascii_digit() {
            self.pos += 1;
        }
        if matches!(self.peek_at(self.pos), b'e' | b'E') {
            let mut p = self.pos + 1;
            if matches!(self.peek_at(p), b'+' | b'-') {
                p += 1;
            }
            if self.peek_at(p).is_ascii_digit() {
                self.pos = p;
                while self.peek_at(self.pos).is_ascii_digit() {
                    self.pos += 1;
                }
            }
        }
        self.tok(Kind::Float, start)
    }

    fn lex_string(&mut self, start: usize) -> Token<'s> {
        let b = self.bytes();
        while self.pos < b.len() {
            match b[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return self.tok(Kind::String, start);
                }
                b'\\' => self.pos += 2,
                b'\n' => break,
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(b.len());
        while self.pos < b.len() && !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        self.tok(Kind::Error, start)
    }

    /// From `pos` (just after an opening `<`), the offset of the matching `>`, skipping strings,
    /// `->` and nested brackets. Used for bodies kept as text (dialect types, affine maps).
    pub(crate) fn find_matching_greater(&self, pos: usize) -> Option<usize> {
        let b = self.bytes();
        let mut depth = 1usize;
        let mut i = pos;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                b'-' if b.get(i + 1) == Some(&b'>') => i += 1,
                b'<' | b'(' | b'[' | b'{' => depth += 1,
                b'>' | b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return (b[i] == b'>').then_some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }
}

/// Decodes a string literal's text (with quotes) into bytes, MLIR's escapes included.
pub(crate) fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let b = text.as_bytes();
    let inner = &b[1..b.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = inner.get(i + 1) else {
            return Err("unterminated escape".into());
        };
        match e {
            b'"' | b'\\' => {
                out.push(e);
                i += 2;
            }
            b'n' => {
                out.push(b'\n');
                i += 2;
            }
            b't' => {
                out.push(b'\t');
                i += 2;
            }
            _ => {
                let hex = inner
                    .get(i + 1..i + 3)
                    .ok_or("unknown escape in string literal")?;
                let s = std::str::from_utf8(hex).map_err(|_| "unknown escape in string literal")?;
                let v =
                    u8::from_str_radix(s, 16).map_err(|_| "unknown escape in string literal")?;
                out.push(v);
                i += 3;
            }
        }
    }
    Ok(out)
}
