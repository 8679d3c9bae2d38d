//! MLIR's textual pass pipeline syntax:
//!
//! ```text
//! pipeline ::= op-anchor `(` element-list? `)`
//! element  ::= pipeline | pass-argument options?
//! options  ::= `{` (key (`=` value)?)* `}`          -- separated by whitespace
//! value    ::= bare-word | `"` ... `"` | `'` ... `'` | `{` ... `}`
//! ```
//!
//! `op-anchor` is an op name (`builtin.module`, `func.func`) or `any`. For example
//! `builtin.module(func.func(canonicalize{max-iterations=3 top-down=false},cse),symbol-dce)`.
//! Errors carry the position in the pipeline text; nothing here panics on any input.

use crate::options::{RawOption, parse_option_list_at};
use crate::{OpPassManager, PassOptions, PassRegistry};
use std::fmt;

/// Pipelines nested deeper than this are rejected (they are certainly mistakes, and the parser
/// and the pass manager recurse once per level).
const MAX_NESTING: usize = 64;

/// A located error in a textual pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineError {
    /// Byte offset in the pipeline text.
    pub offset: usize,
    /// 1-based line and column (in characters) of `offset`.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl PipelineError {
    fn at(text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = clamp_to_char_boundary(text, offset);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        PipelineError {
            offset,
            line,
            column,
            message: message.into(),
        }
    }

    /// Renders the error like a compiler diagnostic, with the offending line and a caret:
    ///
    /// ```text
    /// <pass-pipeline>:1:16: error: unknown pass 'foo'
    /// builtin.module(foo)
    ///                ^
    /// ```
    pub fn render(&self, source_name: &str, text: &str) -> String {
        let line_text = text.lines().nth(self.line - 1).unwrap_or("");
        let caret: String = line_text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{source_name}:{}:{}: error: {}\n{line_text}\n{caret}^\n",
            self.line, self.column, self.message
        )
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for PipelineError {}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Parses an anchored pipeline (`builtin.module(...)`, `func.func(...)`, `any(...)`) and creates
/// its passes from `registry`.
pub fn parse_pass_pipeline(
    text: &str,
    registry: &PassRegistry,
) -> Result<OpPassManager, PipelineError> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    let anchor_pos = p.pos;
    let anchor = p.name();
    if anchor.is_empty() {
        return Err(p.error_here(
            "expected pass pipeline to be wrapped with the anchor operation type, e.g. 'builtin.module(...)'",
        ));
    }
    p.skip_ws();
    if !p.eat(b'(') {
        return Err(PipelineError::at(
            text,
            anchor_pos,
            format!(
                "expected pass pipeline to be wrapped with the anchor operation type, e.g. 'builtin.module({anchor})'"
            ),
        ));
    }
    let elements = p.element_list(1)?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.error_here(format!(
            "unexpected '{}' after the end of the pipeline",
            p.peek_char()
        )));
    }
    let mut pm = OpPassManager::with_anchor(anchor_of(anchor));
    build(text, &mut pm, &elements, registry)?;
    Ok(pm)
}

/// Parses a comma-separated list of pipeline elements (`canonicalize{max-iterations=2},cse` or
/// `func.func(cse)`) and appends them to `pm` (MLIR's `parsePassPipeline(text, pm)`).
pub fn parse_pass_list(
    text: &str,
    registry: &PassRegistry,
    pm: &mut OpPassManager,
) -> Result<(), PipelineError> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    let mut elements = Vec::new();
    if p.pos < text.len() {
        loop {
            elements.push(p.element(1)?);
            p.skip_ws();
            if p.pos >= text.len() {
                break;
            }
            if !p.eat(b',') {
                return Err(p.error_here(format!(
                    "expected ',' or the end of the pipeline, found '{}'",
                    p.peek_char()
                )));
            }
        }
    }
    build(text, pm, &elements, registry)
}

fn anchor_of(name: &str) -> Option<&str> {
    if name == "any" { None } else { Some(name) }
}

enum ElementKind {
    Pass { options: Vec<RawOption> },
    Nested(Vec<Element>),
}

struct Element {
    name: String,
    pos: usize,
    kind: ElementKind,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn peek_char(&self) -> char {
        self.text[self.pos..].chars().next().unwrap_or(' ')
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn error_here(&self, message: impl Into<String>) -> PipelineError {
        PipelineError::at(self.text, self.pos, message)
    }

    /// A pass argument or op name: `[A-Za-z0-9_.$-]+` (may be empty).
    fn name(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'$'))
        {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    /// After an opening `(`: elements up to and including the matching `)`.
    fn element_list(&mut self, depth: usize) -> Result<Vec<Element>, PipelineError> {
        let open = self.pos - 1;
        let mut elements = Vec::new();
        self.skip_ws();
        if self.eat(b')') {
            return Ok(elements);
        }
        loop {
            elements.push(self.element(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                }
                Some(b')') => {
                    self.pos += 1;
                    return Ok(elements);
                }
                None => {
                    let col = PipelineError::at(self.text, open, "").column;
                    return Err(
                        self.error_here(format!("expected ')' to close the '(' at column {col}"))
                    );
                }
                Some(_) => {
                    return Err(self
                        .error_here(format!("expected ',' or ')', found '{}'", self.peek_char())));
                }
            }
        }
    }

    fn element(&mut self, depth: usize) -> Result<Element, PipelineError> {
        self.skip_ws();
        let pos = self.pos;
        let name = self.name();
        if name.is_empty() {
            return Err(match self.peek() {
                None => self
                    .error_here("expected a pass or pipeline name, found the end of the pipeline"),
                Some(b'{') => self.error_here("expected a pass name before '{'"),
                Some(b'(') => self.error_here("expected an op name (or 'any') before '('"),
                Some(_) => self.error_here(format!(
                    "expected a pass or pipeline name, found '{}'",
                    self.peek_char()
                )),
            });
        }
        self.skip_ws();
        match self.peek() {
            Some(b'(') => {
                if depth >= MAX_NESTING {
                    return Err(self.error_here(format!(
                        "pass pipeline nested too deeply (more than {MAX_NESTING} levels)"
                    )));
                }
                self.pos += 1;
                let children = self.element_list(depth + 1)?;
                Ok(Element {
                    name: name.to_string(),
                    pos,
                    kind: ElementKind::Nested(children),
                })
            }
            Some(b'{') => {
                let open = self.pos;
                let (options, close) =
                    parse_option_list_at(self.text, open + 1, true).map_err(|e| {
                        if e.offset >= self.text.len() {
                            PipelineError::at(
                                self.text,
                                open,
                                format!("unterminated option list of pass '{name}': expected '}}'"),
                            )
                        } else {
                            PipelineError::at(self.text, e.offset, e.message)
                        }
                    })?;
                self.pos = close + 1;
                let after = self.pos;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    return Err(PipelineError::at(
                        self.text,
                        after,
                        format!("options of '{name}' can't be followed by '('"),
                    ));
                }
                Ok(Element {
                    name: name.to_string(),
                    pos,
                    kind: ElementKind::Pass { options },
                })
            }
            _ => Ok(Element {
                name: name.to_string(),
                pos,
                kind: ElementKind::Pass {
                    options: Vec::new(),
                },
            }),
        }
    }
}

fn build(
    text: &str,
    pm: &mut OpPassManager,
    elements: &[Element],
    registry: &PassRegistry,
) -> Result<(), PipelineError> {
    for e in elements {
        match &e.kind {
            ElementKind::Nested(children) => {
                let nested = pm.add_nested(OpPassManager::with_anchor(anchor_of(&e.name)));
                build(text, nested, children, registry)?;
            }
            ElementKind::Pass { options } => {
                let Some(info) = registry.lookup(&e.name) else {
                    return Err(PipelineError::at(
                        text,
                        e.pos,
                        registry.unknown_pass_message(&e.name),
                    ));
                };
                let mut opts = PassOptions::new();
                for (key, value, key_pos) in options {
                    let single = PassOptions::new().with(key.as_str(), value.as_str());
                    info.check_options(&single)
                        .map_err(|m| PipelineError::at(text, *key_pos, m))?;
                    opts.set(key.as_str(), value.as_str());
                }
                let pass = info
                    .create_pass(&opts)
                    .map_err(|m| PipelineError::at(text, e.pos, m))?;
                pm.add_pass_with_options(pass, info.effective_options(&opts))
                    .map_err(|m| PipelineError::at(text, e.pos, m))?;
            }
        }
    }
    Ok(())
}
