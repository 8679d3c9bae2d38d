//! Diagnostics with locations and notes, printed the way MLIR prints them.

use crate::{Context, Location, Op};
use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Remark,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Remark => "remark",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One diagnostic: a severity, a location, a message and attached notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub loc: Location,
    pub message: String,
    pub notes: Vec<Diagnostic>,
}

impl Diagnostic {
    pub fn error(loc: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    pub fn warning(loc: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    pub fn remark(loc: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Remark,
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// Attaches a note.
    pub fn with_note(mut self, loc: Location, message: impl Into<String>) -> Self {
        self.notes.push(Diagnostic {
            severity: Severity::Note,
            loc,
            message: message.into(),
            notes: Vec::new(),
        });
        self
    }

    /// Renders the diagnostic and its notes like MLIR: `file:line:col: error: message`.
    pub fn render(&self, ctx: &Context) -> String {
        let mut out = String::new();
        self.render_into(ctx, &mut out);
        out
    }

    fn render_into(&self, ctx: &Context, out: &mut String) {
        use fmt::Write;
        match ctx.file_line_col(self.loc) {
            Some((file, line, col)) => {
                let _ = write!(out, "{file}:{line}:{col}: ");
            }
            None => {
                let _ = write!(out, "{}: ", ctx.print_location(self.loc));
            }
        }
        let _ = writeln!(out, "{}: {}", self.severity.as_str(), self.message);
        for n in &self.notes {
            n.render_into(ctx, out);
        }
    }
}

/// Builds the `'op.name' op <message>` error MLIR's verifiers emit for an operation.
pub fn op_error(ctx: &Context, op: Op, message: impl fmt::Display) -> Diagnostic {
    Diagnostic::error(
        ctx.op_loc(op),
        format!("'{}' op {}", ctx.op_name(op), message),
    )
}

/// Result of a fallible IR operation that reports through diagnostics.
pub type DiagResult<T> = Result<T, Diagnostic>;
