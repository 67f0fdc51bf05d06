//! The one error type: what went wrong ([`ErrorKind`]) and where in the TGSI
//! text ([`Span`]), rendered with a caret under the offending line.

use naga::Span;
use std::fmt::Write as _;

/// A translation failure, located in the TGSI text.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: ErrorKind,
    span: Span,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text does not follow the TGSI grammar.
    #[error("expected {expected}, found {found}")]
    Syntax {
        /// What the grammar allows here.
        expected: &'static str,
        /// What the text has instead.
        found: String,
    },
    /// A character that no TGSI token contains.
    #[error("unexpected character {0:?}")]
    BadCharacter(char),
    /// A name (opcode, semantic, target, …) the grammar does not know.
    #[error("unknown {what} `{name}`")]
    UnknownName {
        /// Which kind of name.
        what: &'static str,
        /// The name as written.
        name: String,
    },
    /// A count or index beyond one of the [`limits`](crate::limits).
    #[error("{what}: {count} exceeds the limit of {max}")]
    TooLarge {
        /// What was counted.
        what: &'static str,
        /// The count or index asked for.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// Valid TGSI that this translator (or WebGPU) cannot express.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Grammatical TGSI that breaks a rule of the language (undeclared
    /// register, `ELSE` without `IF`, operand of the wrong file, …).
    #[error("invalid shader: {0}")]
    Invalid(String),
    /// naga rejected the module the translator built (a translator bug).
    #[error("naga validation failed: {0}")]
    Validation(String),
}

impl Error {
    /// An error of `kind` at `span` of the text.
    pub(crate) const fn new(kind: ErrorKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// Shorthand for [`ErrorKind::Unsupported`].
    pub(crate) fn unsupported(what: impl Into<String>, span: Span) -> Self {
        Self::new(ErrorKind::Unsupported(what.into()), span)
    }

    /// Shorthand for [`ErrorKind::Invalid`].
    pub(crate) fn invalid(what: impl Into<String>, span: Span) -> Self {
        Self::new(ErrorKind::Invalid(what.into()), span)
    }

    /// Shorthand for [`ErrorKind::TooLarge`].
    pub(crate) fn too_large(what: &'static str, count: u64, max: u64, span: Span) -> Self {
        Self::new(ErrorKind::TooLarge { what, count, max }, span)
    }

    /// What went wrong.
    pub const fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Where in the text (byte range); undefined for errors about the whole
    /// text (too long) or that naga could not place.
    pub const fn span(&self) -> Span {
        self.span
    }

    /// The message followed, when the error has a place, by the TGSI line
    /// with a caret under the offending text:
    ///
    /// ```text
    /// error: unknown opcode `FOO`
    ///  --> 3:3
    ///   |
    /// 3 |   FOO TEMP[0], IN[0]
    ///   |   ^^^
    /// ```
    pub fn render(&self, source: &str) -> String {
        self.render_at(source, "")
    }

    /// [`Self::render`] with the file name before the line number
    /// (`--> shader.tgsi:3:3`).
    pub fn render_with_path(&self, source: &str, path: &str) -> String {
        self.render_at(source, &format!("{path}:"))
    }

    fn render_at(&self, source: &str, prefix: &str) -> String {
        let mut out = format!("error: {}\n", self.kind);
        let Some(range) = self.span.to_range() else {
            return out;
        };
        let start = range.start.min(source.len());
        let line_start = source
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = source
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(source.len(), |i| start + i);
        let line_no = source
            .get(..start)
            .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count())
            + 1;
        // Guest text: never echo control characters to a terminal.
        let line: String = source
            .get(line_start..line_end)
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let column = source
            .get(line_start..start)
            .map_or(0, |s| s.chars().count());
        let width = source
            .get(start..range.end.min(line_end).max(start))
            .map_or(1, |s| s.chars().count().max(1));
        let gutter = " ".repeat(line_no.to_string().len());
        let _ = writeln!(out, "{gutter}--> {prefix}{line_no}:{}", column + 1);
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{line_no} | {line}");
        let _ = writeln!(
            out,
            "{gutter} | {}{}",
            " ".repeat(column),
            "^".repeat(width)
        );
        out
    }
}
