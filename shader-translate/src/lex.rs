//! Tokens of TGSI text, produced on demand (no token vector is allocated).
//!
//! A token is a *word* (a run of ASCII letters, digits and `_`: keywords,
//! opcodes, numbers, `2D`, `0x3f800000`) or one punctuation character.
//! Whitespace separates tokens and is otherwise insignificant; the text ends at
//! its end (the caller cuts it at the first NUL).

use crate::error::{Error, ErrorKind};
use naga::Span;

/// One token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// A run of `[A-Za-z0-9_]`.
    Word(&'a str),
    /// One of `[ ] , . : { } ( ) | + -`.
    Punct(char),
    /// The end of the text.
    Eof,
}

impl Tok<'_> {
    /// The token as written, for error messages.
    pub(crate) fn describe(self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Eof => "end of text".to_owned(),
        }
    }
}

/// A token and where it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    pub(crate) tok: Tok<'a>,
    pub(crate) span: Span,
}

/// A cursor over the text.
#[derive(Clone, Debug)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

const PUNCT: &[u8] = b"[],.:{}()|+-";

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn span(start: usize, end: usize) -> Span {
    // The text is at most `MAX_TEXT_BYTES` long, so offsets fit in u32.
    Span::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub(crate) const fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or(&[])
    }

    fn skip_whitespace(&mut self) {
        let skip = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.pos += skip;
    }

    /// The next token, consumed.
    pub(crate) fn next_token(&mut self) -> Result<Token<'a>, Error> {
        self.skip_whitespace();
        let start = self.pos;
        let Some(&first) = self.rest().first() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: span(start, start),
            });
        };
        if is_word_byte(first) {
            let len = self.rest().iter().take_while(|&&b| is_word_byte(b)).count();
            self.pos += len;
            let word = self.text.get(start..self.pos).unwrap_or("");
            return Ok(Token {
                tok: Tok::Word(word),
                span: span(start, self.pos),
            });
        }
        if PUNCT.contains(&first) {
            self.pos += 1;
            return Ok(Token {
                tok: Tok::Punct(char::from(first)),
                span: span(start, self.pos),
            });
        }
        let c = self.text.get(start..).and_then(|s| s.chars().next());
        let len = c.map_or(1, char::len_utf8);
        Err(Error::new(
            ErrorKind::BadCharacter(c.unwrap_or('\u{fffd}')),
            span(start, start + len),
        ))
    }

    /// The next token, not consumed.
    pub(crate) fn peek(&self) -> Result<Token<'a>, Error> {
        self.clone().next_token()
    }

    /// The raw text up to (not including) the next `,` or `}`, trimmed, and its
    /// span; used for immediate values, whose float syntax (`1.5e-3`) is not
    /// made of tokens.
    pub(crate) fn raw_value(&mut self) -> (&'a str, Span) {
        self.skip_whitespace();
        let start = self.pos;
        let len = self
            .rest()
            .iter()
            .take_while(|&&b| b != b',' && b != b'}')
            .count();
        self.pos += len;
        let raw = self.text.get(start..self.pos).unwrap_or("");
        let trimmed = raw.trim_end();
        (trimmed, span(start, start + trimmed.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Tok<'_>> {
        let mut lex = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let t = lex.next_token().unwrap().tok;
            if t == Tok::Eof {
                return out;
            }
            out.push(t);
        }
    }

    #[test]
    fn splits_words_and_punctuation() {
        assert_eq!(
            words("  3: MOV_SAT TEMP[ADDR[0].x+9](4), -|IN[0].xyzw|\n"),
            vec![
                Tok::Word("3"),
                Tok::Punct(':'),
                Tok::Word("MOV_SAT"),
                Tok::Word("TEMP"),
                Tok::Punct('['),
                Tok::Word("ADDR"),
                Tok::Punct('['),
                Tok::Word("0"),
                Tok::Punct(']'),
                Tok::Punct('.'),
                Tok::Word("x"),
                Tok::Punct('+'),
                Tok::Word("9"),
                Tok::Punct(']'),
                Tok::Punct('('),
                Tok::Word("4"),
                Tok::Punct(')'),
                Tok::Punct(','),
                Tok::Punct('-'),
                Tok::Punct('|'),
                Tok::Word("IN"),
                Tok::Punct('['),
                Tok::Word("0"),
                Tok::Punct(']'),
                Tok::Punct('.'),
                Tok::Word("xyzw"),
                Tok::Punct('|'),
            ]
        );
    }

    #[test]
    fn rejects_other_characters_with_their_place() {
        let mut lex = Lexer::new("MOV é");
        lex.next_token().unwrap();
        let err = lex.next_token().unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::BadCharacter('é'));
        assert_eq!(err.span().to_range(), Some(4..6));
    }

    #[test]
    fn raw_values_stop_at_separators() {
        let mut lex = Lexer::new("{ -1.5e-3 , 0x3f800000}");
        lex.next_token().unwrap();
        assert_eq!(lex.raw_value().0, "-1.5e-3");
        lex.next_token().unwrap();
        assert_eq!(lex.raw_value().0, "0x3f800000");
    }
}
