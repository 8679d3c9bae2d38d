//! Printing diagnostics like `mlir-opt`: `file:line:col: error: message`, then the source line
//! and a caret under the column when the location is in the input file.

use flowc_ir::{Context, Diagnostic, Location};

/// The input file, for showing source lines under diagnostics.
pub struct Source<'a> {
    pub name: &'a str,
    lines: Vec<&'a str>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Source {
            name,
            lines: text
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .collect(),
        }
    }

    /// Line `n` (1-based) of the file.
    pub fn line(&self, n: u32) -> Option<&'a str> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        self.lines.get(i).copied()
    }
}

/// Where a location points: `(file, line, col)` when it contains a file location.
pub fn file_line_col(ctx: &Context, loc: Location) -> Option<(String, u32, u32)> {
    ctx.file_line_col(loc)
        .map(|(f, l, c)| (f.to_string(), l, c))
}

/// `file:line:col: <kind>: <message>` plus the source line and a caret, or `loc(...): ...` for
/// locations without a file position.
pub fn render_at(
    ctx: &Context,
    src: &Source<'_>,
    loc: Location,
    kind: &str,
    message: &str,
) -> String {
    match file_line_col(ctx, loc) {
        Some((file, line, col)) => render_file_pos(src, &file, line, col, kind, message),
        None => format!("{}: {kind}: {message}\n", ctx.print_location(loc)),
    }
}

/// [`render_at`] for a position given directly.
pub fn render_file_pos(
    src: &Source<'_>,
    file: &str,
    line: u32,
    col: u32,
    kind: &str,
    message: &str,
) -> String {
    let mut out = format!("{file}:{line}:{col}: {kind}: {message}\n");
    if file == src.name
        && let Some(text) = src.line(line)
    {
        let caret: String = text
            .chars()
            .take((col as usize).saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(text);
        out.push('\n');
        out.push_str(&caret);
        out.push_str("^\n");
    }
    out
}

/// A diagnostic and its notes.
pub fn render_diagnostic(ctx: &Context, src: &Source<'_>, d: &Diagnostic) -> String {
    let mut out = render_at(ctx, src, d.loc, d.severity.as_str(), &d.message);
    // Notes of notes are rare but possible; walk them without recursion.
    let mut stack: Vec<&Diagnostic> = d.notes.iter().rev().collect();
    while let Some(n) = stack.pop() {
        out.push_str(&render_at(ctx, src, n.loc, n.severity.as_str(), &n.message));
        stack.extend(n.notes.iter().rev());
    }
    out
}

/// A diagnostic followed by its notes (and their notes), each on its own, as MLIR's diagnostic
/// verifier sees them.
pub fn flatten(d: &Diagnostic) -> Vec<&Diagnostic> {
    let mut out = Vec::new();
    let mut stack = vec![d];
    while let Some(x) = stack.pop() {
        out.push(x);
        stack.extend(x.notes.iter().rev());
    }
    out
}
