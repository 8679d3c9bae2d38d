//! `--verify-diagnostics`, with MLIR's semantics.
//!
//! The input declares the diagnostics it expects in comments matching
//!
//! ```text
//! expected-(error|note|remark|warning)(-re)? *(@([+-][0-9]+|above|below|unknown))? *{{(.*)}}$
//! ```
//!
//! - without a designator the diagnostic is expected on the comment's own line; `@+N` / `@-N`
//!   are relative to it; `@above` is the closest line above that is not an expectation comment,
//!   `@below` the closest such line below; `@unknown` matches diagnostics without a file location;
//! - the text between `{{` and the final `}}` must be contained in the message; with `-re` it is
//!   literal text in which `{{...}}` blocks are regular expressions;
//! - every diagnostic (and every note attached to one) must match an expectation of its kind on
//!   its line, and every expectation must be matched by some diagnostic.
//!
//! Mismatches are reported as errors (`unexpected error: ...`, `expected error "..." was not
//! produced`), and the check fails.

use crate::render::{Source, file_line_col, flatten, render_at, render_file_pos};
use flowc_ir::{Context, Diagnostic, Severity};
use regex::Regex;

/// One `expected-*` comment.
#[derive(Debug)]
pub struct Expectation {
    pub kind: Severity,
    /// The file line the diagnostic is expected on (unused for `@unknown`).
    pub line: u32,
    /// Where the `expected-...` text is (for reporting unmet expectations).
    pub decl_line: u32,
    pub decl_col: u32,
    /// `@unknown`: matches diagnostics without a file location.
    pub unknown_loc: bool,
    /// The expected text, as written.
    pub text: String,
    regex: Option<Regex>,
    pub matched: bool,
}

impl Expectation {
    fn matches(&self, message: &str) -> bool {
        match &self.regex {
            Some(re) => re.is_match(message),
            None => message.contains(&self.text),
        }
    }
}

/// The expectations of one chunk, and errors found while reading them (bad regexes).
pub struct Expectations {
    pub list: Vec<Expectation>,
    pub errors: Vec<String>,
}

fn severity_of(word: &str) -> Option<Severity> {
    Some(match word {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "remark" => Severity::Remark,
        "note" => Severity::Note,
        _ => return None,
    })
}

enum Designator {
    Here,
    Offset(i64),
    Above,
    Below,
    Unknown,
}

struct Parsed<'l> {
    kind: Severity,
    is_regex: bool,
    designator: Designator,
    text: &'l str,
    /// Byte offset of `expected-` in the line.
    start: usize,
}

/// Matches MLIR's expectation regex against one (right-trimmed) line: the leftmost
/// `expected-...` that matches wins.
fn parse_line(line: &str) -> Option<Parsed<'_>> {
    let mut search = 0;
    while let Some(rel) = line[search..].find("expected-") {
        let start = search + rel;
        if let Some(p) = parse_at(line, start) {
            return Some(p);
        }
        search = start + 1;
    }
    None
}

fn parse_at(line: &str, start: usize) -> Option<Parsed<'_>> {
    let mut rest = &line[start + "expected-".len()..];
    let word_len = rest
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(rest.len());
    let kind = severity_of(&rest[..word_len])?;
    rest = &rest[word_len..];
    let is_regex = match rest.strip_prefix("-re") {
        Some(r) => {
            rest = r;
            true
        }
        None => false,
    };
    rest = rest.trim_start_matches(' ');
    let mut designator = Designator::Here;
    if let Some(r) = rest.strip_prefix('@') {
        if let Some(r2) = r.strip_prefix("above") {
            designator = Designator::Above;
            rest = r2;
        } else if let Some(r2) = r.strip_prefix("below") {
            designator = Designator::Below;
            rest = r2;
        } else if let Some(r2) = r.strip_prefix("unknown") {
            designator = Designator::Unknown;
            rest = r2;
        } else {
            let sign = match r.as_bytes().first() {
                Some(b'+') => 1i64,
                Some(b'-') => -1i64,
                _ => return None,
            };
            let digits = &r[1..];
            let n = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            if n == 0 {
                return None;
            }
            let value: i64 = digits[..n].parse().unwrap_or(i64::MAX);
            designator = Designator::Offset(sign.saturating_mul(value));
            rest = &digits[n..];
        }
        rest = rest.trim_start_matches(' ');
    }
    let body = rest.strip_prefix("{{")?.strip_suffix("}}")?;
    Some(Parsed {
        kind,
        is_regex,
        designator,
        text: body,
        start,
    })
}

/// `literal{{regex}}literal` -> an anchored-nowhere regex (literal parts escaped).
fn build_regex(text: &str) -> Result<Regex, String> {
    let mut pattern = String::new();
    let mut rest = text;
    loop {
        match rest.find("{{") {
            None => {
                pattern.push_str(&regex::escape(rest));
                break;
            }
            Some(i) => {
                pattern.push_str(&regex::escape(&rest[..i]));
                let after = &rest[i + 2..];
                let end = after
                    .find("}}")
                    .ok_or_else(|| "found start of regex with no end '}}'".to_string())?;
                pattern.push('(');
                pattern.push_str(&after[..end]);
                pattern.push(')');
                rest = &after[end + 2..];
            }
        }
    }
    Regex::new(&pattern).map_err(|e| format!("invalid regex: {e}"))
}

/// Reads the expectations of a chunk whose first line is file line `line_offset + 1`.
pub fn parse_expectations(chunk: &str, line_offset: u32, src: &Source<'_>) -> Expectations {
    let mut list: Vec<Expectation> = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<&str> = chunk.split('\n').collect();
    let file_line = |i: usize| line_offset.saturating_add(u32::try_from(i + 1).unwrap_or(u32::MAX));
    // Line (0-based index) of the last line that is not an expectation; MLIR starts at 0.
    let mut last_plain = 0usize;
    let mut pending_below: Vec<usize> = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim_end();
        let Some(p) = parse_line(line) else {
            for &e in &pending_below {
                list[e].line = file_line(i);
            }
            pending_below.clear();
            last_plain = i;
            continue;
        };
        let decl_line = file_line(i);
        let decl_col = u32::try_from(line[..p.start].chars().count() + 1).unwrap_or(u32::MAX);
        let regex = if p.is_regex {
            match build_regex(p.text) {
                Ok(r) => Some(r),
                Err(m) => {
                    errors.push(render_file_pos(
                        src, src.name, decl_line, decl_col, "error", &m,
                    ));
                    continue;
                }
            }
        } else {
            None
        };
        let mut e = Expectation {
            kind: p.kind,
            line: decl_line,
            decl_line,
            decl_col,
            unknown_loc: false,
            text: p.text.to_string(),
            regex,
            matched: false,
        };
        match p.designator {
            Designator::Here => {}
            Designator::Offset(n) => {
                e.line = u32::try_from((i64::from(decl_line)).saturating_add(n).max(0))
                    .unwrap_or(u32::MAX);
            }
            Designator::Above => e.line = file_line(last_plain),
            Designator::Below => {
                // Dangling `@below` designators point past the end of the chunk.
                e.line = file_line(lines.len() - 1);
                pending_below.push(list.len());
            }
            Designator::Unknown => e.unknown_loc = true,
        }
        list.push(e);
    }
    Expectations { list, errors }
}

/// Checks `diagnostics` against the expectations; returns the error messages to print (empty
/// when everything matched).
pub fn check(
    ctx: &Context,
    src: &Source<'_>,
    diagnostics: &[Diagnostic],
    expectations: &mut Expectations,
) -> Vec<String> {
    let mut out = std::mem::take(&mut expectations.errors);
    for d in diagnostics.iter().flat_map(flatten) {
        let pos = file_line_col(ctx, d.loc);
        let in_file = match &pos {
            Some((file, _, _)) => file == src.name,
            None => true,
        };
        let mut near_miss: Option<usize> = None;
        let mut found = false;
        if in_file {
            for (i, e) in expectations.list.iter_mut().enumerate() {
                let line_ok = match &pos {
                    Some((_, line, _)) => !e.unknown_loc && *line == e.line,
                    None => e.unknown_loc,
                };
                if !line_ok || !e.matches(&d.message) {
                    continue;
                }
                if e.kind == d.severity {
                    e.matched = true;
                    found = true;
                    break;
                }
                near_miss = Some(i);
            }
        }
        if found {
            continue;
        }
        match near_miss {
            Some(i) => {
                let e = &expectations.list[i];
                let msg = format!(
                    "'{}' diagnostic emitted when expecting a '{}'",
                    d.severity.as_str(),
                    e.kind.as_str()
                );
                out.push(render_file_pos(
                    src,
                    src.name,
                    e.decl_line,
                    e.decl_col,
                    "error",
                    &msg,
                ));
            }
            None => {
                let msg = format!("unexpected {}: {}", d.severity.as_str(), d.message);
                out.push(render_at(ctx, src, d.loc, "error", &msg));
            }
        }
    }
    for e in &expectations.list {
        if !e.matched {
            let msg = format!(
                "expected {} \"{}\" was not produced",
                e.kind.as_str(),
                e.text
            );
            out.push(render_file_pos(
                src,
                src.name,
                e.decl_line,
                e.decl_col,
                "error",
                &msg,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exps(text: &str) -> Vec<(Severity, u32, bool, String)> {
        let src = Source::new("f.mlir", text);
        parse_expectations(text, 0, &src)
            .list
            .into_iter()
            .map(|e| (e.kind, e.line, e.unknown_loc, e.text))
            .collect()
    }

    #[test]
    fn designators() {
        let text = "\
op1 // expected-error {{here}}
// expected-warning @+2 {{two below}}
// expected-remark@-2 {{two above}}
op2
// expected-note @above {{above}}
// expected-error @below {{below}}
// expected-error @below {{below too}}
op3
// expected-error @unknown {{nowhere}}
// expected-error @below {{dangling}}";
        assert_eq!(
            exps(text),
            vec![
                (Severity::Error, 1, false, "here".into()),
                (Severity::Warning, 4, false, "two below".into()),
                (Severity::Remark, 1, false, "two above".into()),
                (Severity::Note, 4, false, "above".into()),
                (Severity::Error, 8, false, "below".into()),
                (Severity::Error, 8, false, "below too".into()),
                (Severity::Error, 9, true, "nowhere".into()),
                (Severity::Error, 10, false, "dangling".into()),
            ]
        );
    }

    #[test]
    fn syntax_variants() {
        assert_eq!(exps("// expected-error{{a}}")[0].3, "a");
        assert_eq!(
            exps("// expected-error   @+1   {{a {{b}} c}}")[0].3,
            "a {{b}} c"
        );
        assert_eq!(
            exps("// expected-error {{ends with braces}}  ")[0].3,
            "ends with braces"
        );
        assert!(exps("// expected-error {{no end}} trailing").is_empty());
        assert!(exps("// expected-fatal {{x}}").is_empty());
        assert!(exps("// expected-error @x {{x}}").is_empty());
        assert!(exps("// expected-error @+ {{x}}").is_empty());
        // The leftmost expectation that parses wins.
        assert_eq!(
            exps("// expected-bogus expected-note {{n}}")[0].0,
            Severity::Note
        );
    }

    #[test]
    fn regex_expectations() {
        let text = "x // expected-error-re {{op {{[0-9]+}} is (bad)}}";
        let src = Source::new("f.mlir", text);
        let e = parse_expectations(text, 0, &src);
        assert!(e.errors.is_empty());
        assert!(e.list[0].matches("the op 42 is (bad) indeed"));
        assert!(!e.list[0].matches("the op x is (bad)"));
        let text = "x // expected-error-re {{{{[}}}}";
        let src = Source::new("f.mlir", text);
        let e = parse_expectations(text, 0, &src);
        assert_eq!(e.list.len(), 0);
        assert!(e.errors[0].contains("invalid regex"), "{:?}", e.errors);
    }

    #[test]
    fn offsets_apply() {
        let text = "a\n// expected-error @+1 {{x}}\nb";
        let src = Source::new("f.mlir", text);
        let e = parse_expectations(text, 10, &src);
        assert_eq!(e.list[0].line, 13);
        assert_eq!(e.list[0].decl_line, 12);
        assert_eq!(e.list[0].decl_col, 4);
    }

    #[test]
    fn matching() {
        let mut ctx = Context::new();
        let text = "op1 // expected-error {{boom}}\n// expected-warning @+1 {{careful}}\nop2\nop3 // expected-note {{unused}}\n";
        let src = Source::new("f.mlir", text);
        let mut e = parse_expectations(text, 0, &src);
        let l1 = ctx.file_loc("f.mlir", 1, 1);
        let l3 = ctx.file_loc("f.mlir", 3, 5);
        let diags = vec![
            Diagnostic::error(l1, "big boom here"),
            Diagnostic::error(l3, "careful now"),
            Diagnostic::remark(l3, "surprise").with_note(l1, "a note"),
        ];
        let out = check(&ctx, &src, &diags, &mut e);
        assert_eq!(
            out,
            vec![
                "f.mlir:2:4: error: 'error' diagnostic emitted when expecting a 'warning'\n\
                 // expected-warning @+1 {{careful}}\n   ^\n"
                    .to_string(),
                "f.mlir:3:5: error: unexpected remark: surprise\nop2\n   ^\n".to_string(),
                "f.mlir:1:1: error: unexpected note: a note\nop1 // expected-error {{boom}}\n^\n"
                    .to_string(),
                "f.mlir:2:4: error: expected warning \"careful\" was not produced\n\
                 // expected-warning @+1 {{careful}}\n   ^\n"
                    .to_string(),
                "f.mlir:4:8: error: expected note \"unused\" was not produced\n\
                 op3 // expected-note {{unused}}\n       ^\n"
                    .to_string(),
            ]
        );
    }

    #[test]
    fn everything_matched_is_silent() {
        let mut ctx = Context::new();
        let text = "// expected-error @below {{a}}\nop\n// expected-remark @unknown {{u}}";
        let src = Source::new("f.mlir", text);
        let mut e = parse_expectations(text, 0, &src);
        let l2 = ctx.file_loc("f.mlir", 2, 1);
        let diags = vec![
            Diagnostic::error(l2, "a"),
            Diagnostic::error(l2, "a again"),
            Diagnostic::remark(flowc_ir::Location::UNKNOWN, "u!"),
        ];
        assert!(check(&ctx, &src, &diags, &mut e).is_empty());
        // A diagnostic in another file is unexpected.
        let other = ctx.file_loc("other.mlir", 2, 1);
        let mut e = parse_expectations(text, 0, &src);
        let out = check(&ctx, &src, &[Diagnostic::error(other, "a")], &mut e);
        assert_eq!(out[0], "other.mlir:2:1: error: unexpected error: a\n");
    }
}
