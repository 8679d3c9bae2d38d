//! Pass options: kebab-case `key=value` pairs, as in MLIR's `canonicalize{max-iterations=3 top-down=false}`.
//!
//! A pass declares its options in its [`crate::PassInfo`] ([`PassOptionInfo`]: name, description,
//! default); the registry rejects unknown keys before the pass is created, and the pass reads the
//! values it was given through the typed accessors of [`PassOptions`].

use std::fmt;

/// The declaration of one option of a registered pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassOptionInfo {
    /// Kebab-case key (`max-iterations`).
    pub name: &'static str,
    pub description: &'static str,
    /// The default value, in the textual form the option accepts (`10`, `true`, `""`).
    pub default: String,
}

impl PassOptionInfo {
    pub fn new(name: &'static str, description: &'static str, default: impl ToString) -> Self {
        PassOptionInfo {
            name,
            description,
            default: default.to_string(),
        }
    }
}

/// The options given to one pass instance, in the order written. A key given twice keeps its
/// last value (as MLIR's command-line options do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassOptions {
    entries: Vec<(String, String)>,
}

impl PassOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the body of an option list: `key=value key2="a b" flag`, separated by whitespace.
    /// A key without `=` gets the empty value, which the boolean accessor reads as `true`.
    pub fn parse(text: &str) -> Result<PassOptions, OptionParseError> {
        let mut opts = PassOptions::new();
        for (key, value, _) in parse_option_list(text)? {
            opts.set(key, value);
        }
        Ok(opts)
    }

    /// Sets `key` (replacing an earlier value).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Builder form of [`PassOptions::set`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// The raw value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `(key, value)` pairs in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A string option.
    pub fn get_str(&self, key: &str, default: &str) -> String {
        self.get(key).unwrap_or(default).to_string()
    }

    /// A boolean option: `true` / `false` / `1` / `0`; a bare key (`{top-down}`) means `true`.
    pub fn get_bool(&self, key: &str, default: bool) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(default),
            Some("" | "true" | "1" | "TRUE" | "True") => Ok(true),
            Some("false" | "0" | "FALSE" | "False") => Ok(false),
            Some(v) => Err(invalid(key, v, "expected 'true', 'false', '1' or '0'")),
        }
    }

    /// A non-negative integer option.
    pub fn get_usize(&self, key: &str, default: usize) -> Result<usize, String> {
        self.get_parsed(key, default, "expected a non-negative integer")
    }

    pub fn get_u64(&self, key: &str, default: u64) -> Result<u64, String> {
        self.get_parsed(key, default, "expected a non-negative integer")
    }

    /// A signed integer option (MLIR uses `-1` for "no limit").
    pub fn get_i64(&self, key: &str, default: i64) -> Result<i64, String> {
        self.get_parsed(key, default, "expected an integer")
    }

    pub fn get_f64(&self, key: &str, default: f64) -> Result<f64, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(invalid(key, v, "expected a number")),
            },
        }
    }

    /// A list option: comma-separated values (`names=a,b,c`); empty when absent or empty.
    pub fn get_list(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            None | Some("") => Vec::new(),
            Some(v) => v.split(',').map(|s| s.trim().to_string()).collect(),
        }
    }

    /// One of a fixed set of values (`region-simplify=normal`).
    pub fn get_choice(
        &self,
        key: &str,
        choices: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => choices.iter().find(|c| **c == v).copied().ok_or_else(|| {
                invalid(key, v, &format!("expected one of: {}", choices.join(", ")))
            }),
        }
    }

    fn get_parsed<T: std::str::FromStr>(
        &self,
        key: &str,
        default: T,
        expected: &str,
    ) -> Result<T, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.trim().parse::<T>().map_err(|_| invalid(key, v, expected)),
        }
    }
}

fn invalid(key: &str, value: &str, expected: &str) -> String {
    format!("invalid value '{value}' for option '{key}': {expected}")
}

impl fmt::Display for PassOptions {
    /// `key=value key2="a b"`: the body of the `{...}` list, re-parsable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write_option(f, k, v)?;
        }
        Ok(())
    }
}

/// Writes `key=value`, quoting the value when it would not parse back as a bare word.
pub(crate) fn write_option(f: &mut impl fmt::Write, key: &str, value: &str) -> fmt::Result {
    f.write_str(key)?;
    f.write_char('=')?;
    write_option_value(f, value)
}

fn write_option_value(f: &mut impl fmt::Write, value: &str) -> fmt::Result {
    let bare = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '{' | '}' | '"' | '\'' | '='))
        && !value.starts_with(['(', ')', ',']);
    if bare {
        f.write_str(value)
    } else if !value.contains('"') {
        write!(f, "\"{value}\"")
    } else if !value.contains('\'') {
        write!(f, "'{value}'")
    } else {
        write!(f, "{{{value}}}")
    }
}

/// An error in an option list: a message and the byte offset in the text where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for OptionParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionParseError {}

/// `(key, value, byte offset of the key)` as written in an option list.
pub(crate) type RawOption = (String, String, usize);

/// Parses `key=value key2="a b" flag` into `(key, value, offset of key)` triples, starting at
/// byte `start`. Values are bare words (which may hold balanced `{}`), `"..."` / `'...'` quoted
/// strings, or `{...}` blocks whose braces are stripped (MLIR's three forms).
///
/// With `in_braces`, the list is the body of a `{...}` block: it ends at the first `}` outside a
/// value, whose offset is returned; otherwise the whole text is consumed and its length returned.
pub(crate) fn parse_option_list_at(
    text: &str,
    start: usize,
    in_braces: bool,
) -> Result<(Vec<RawOption>, usize), OptionParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    let err = |offset: usize, message: String| OptionParseError { offset, message };
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            if in_braces {
                return Err(err(i, "expected '}' to close the option list".to_string()));
            }
            return Ok((out, i));
        }
        if in_braces && bytes[i] == b'}' {
            return Ok((out, i));
        }
        let key_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'{' | b'}' | b'"' | b'\'')
        {
            i += 1;
        }
        let key = &text[key_start..i];
        if key.is_empty() {
            return Err(err(
                key_start,
                format!(
                    "expected an option name, found '{}'",
                    char_at(text, key_start)
                ),
            ));
        }
        if !is_option_name(key) {
            return Err(err(
                key_start,
                format!("invalid option name '{key}': expected a kebab-case name"),
            ));
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            // `flag` alone: the empty value (true for booleans).
            let at_end = i >= bytes.len()
                || bytes[i].is_ascii_whitespace()
                || (in_braces && bytes[i] == b'}');
            if !at_end {
                return Err(err(
                    i,
                    format!("expected '=' or whitespace after option '{key}'"),
                ));
            }
            out.push((key.to_string(), String::new(), key_start));
            continue;
        }
        i += 1; // '='
        let value_start = i;
        let value = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let close = text[i + 1..].find(q as char).ok_or_else(|| {
                    err(
                        value_start,
                        format!(
                            "unterminated quoted value for option '{key}': missing closing {}",
                            q as char
                        ),
                    )
                })?;
                let v = &text[i + 1..i + 1 + close];
                i += close + 2;
                v.to_string()
            }
            Some(b'{') => {
                let end = matching_brace(bytes, i).ok_or_else(|| {
                    err(
                        value_start,
                        format!("unbalanced '{{' in the value of option '{key}'"),
                    )
                })?;
                let v = &text[i + 1..end];
                i = end + 1;
                v.to_string()
            }
            _ => {
                let mut depth = 0usize;
                while i < bytes.len() {
                    match bytes[i] {
                        b'{' => depth += 1,
                        b'}' if depth == 0 => {
                            if in_braces {
                                break;
                            }
                            return Err(err(
                                i,
                                format!("unexpected '}}' in the value of option '{key}'"),
                            ));
                        }
                        b'}' => depth -= 1,
                        c if c.is_ascii_whitespace() && depth == 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
                if depth != 0 {
                    return Err(err(
                        value_start,
                        format!("unbalanced '{{' in the value of option '{key}'"),
                    ));
                }
                text[value_start..i].to_string()
            }
        };
        let at_end =
            i >= bytes.len() || bytes[i].is_ascii_whitespace() || (in_braces && bytes[i] == b'}');
        if !at_end {
            return Err(err(
                i,
                format!("expected whitespace after the value of option '{key}'"),
            ));
        }
        out.push((key.to_string(), value, key_start));
    }
}

/// [`parse_option_list_at`] over a whole text.
pub(crate) fn parse_option_list(text: &str) -> Result<Vec<RawOption>, OptionParseError> {
    parse_option_list_at(text, 0, false).map(|(v, _)| v)
}

/// The byte index of the `}` matching the `{` at `open` (braces only; quotes are not special).
pub(crate) fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_option_name(key: &str) -> bool {
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn char_at(text: &str, offset: usize) -> char {
    text[offset..].chars().next().unwrap_or(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_value_forms() {
        let o = PassOptions::parse(r#"a=1 b="x y" c='p "q"' d={k=v w} flag"#).unwrap();
        assert_eq!(o.get("a"), Some("1"));
        assert_eq!(o.get("b"), Some("x y"));
        assert_eq!(o.get("c"), Some(r#"p "q""#));
        assert_eq!(o.get("d"), Some("k=v w"));
        assert_eq!(o.get("flag"), Some(""));
        assert_eq!(o.get_bool("flag", false), Ok(true));
    }

    #[test]
    fn last_value_wins_and_order_is_kept() {
        let o = PassOptions::parse("b=1 a=2 b=3").unwrap();
        assert_eq!(o.iter().collect::<Vec<_>>(), vec![("b", "3"), ("a", "2")]);
    }

    #[test]
    fn typed_accessors() {
        let o = PassOptions::new()
            .with("n", "12")
            .with("t", "0")
            .with("l", "a, b,c")
            .with("x", "-3")
            .with("bad", "zz");
        assert_eq!(o.get_usize("n", 1), Ok(12));
        assert_eq!(o.get_usize("missing", 7), Ok(7));
        assert_eq!(o.get_bool("t", true), Ok(false));
        assert_eq!(o.get_list("l"), vec!["a", "b", "c"]);
        assert_eq!(o.get_i64("x", 0), Ok(-3));
        assert!(
            o.get_usize("x", 0)
                .unwrap_err()
                .contains("invalid value '-3' for option 'x'")
        );
        assert!(
            o.get_bool("bad", false)
                .unwrap_err()
                .contains("expected 'true'")
        );
        assert_eq!(o.get_str("bad", ""), "zz");
        assert_eq!(
            o.get_choice("bad", &["a", "b"], "a").unwrap_err(),
            "invalid value 'zz' for option 'bad': expected one of: a, b"
        );
    }

    #[test]
    fn errors_are_located() {
        let e = PassOptions::parse("a=\"x").unwrap_err();
        assert_eq!(e.offset, 2);
        let e = PassOptions::parse("a=1 =2").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(PassOptions::parse("a=x}").is_err());
        assert!(PassOptions::parse("a={x").is_err());
        assert!(PassOptions::parse("a=\"x\"y").is_err());
    }

    #[test]
    fn display_round_trips() {
        let o = PassOptions::new()
            .with("a", "x y")
            .with("b", "")
            .with("c", "plain")
            .with("d", "has\"quote")
            .with("e", "both\"'");
        let text = o.to_string();
        assert_eq!(text, r#"a="x y" b="" c=plain d='has"quote' e={both"'}"#);
        assert_eq!(PassOptions::parse(&text).unwrap(), o);
    }
}
