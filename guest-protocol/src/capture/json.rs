//! Just enough JSON to read a top-level string or integer field of the small
//! objects in a capture (header, CONN_OPEN, CONN_CLOSE), without a JSON crate.
//! Malformed input gives `None`, never a panic; nesting is walked iteratively.

use std::string::String;

struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.bump()? == c).then_some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = char::from(self.bump()?).to_digit(16)?;
            v = v * 16 + d;
        }
        Some(v)
    }

    /// A string starting at the opening quote, unescaped.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.i;
            while !matches!(self.peek()?, b'"' | b'\\') {
                self.i += 1;
            }
            out.push_str(core::str::from_utf8(self.s.get(start..self.i)?).ok()?);
            if self.bump()? == b'"' {
                return Some(out);
            }
            let c = match self.bump()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = self.hex4()?;
                    let code = if (0xd800..0xdc00).contains(&hi) {
                        if self.bump()? != b'\\' || self.bump()? != b'u' {
                            return None;
                        }
                        let lo = self.hex4()?;
                        if !(0xdc00..0xe000).contains(&lo) {
                            return None;
                        }
                        0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                    } else {
                        hi
                    };
                    char::from_u32(code)?
                }
                _ => return None,
            };
            out.push(c);
        }
    }

    /// Skips one value of any type.
    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        let mut depth = 0usize;
        loop {
            self.ws();
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    self.i += 1;
                    depth += 1;
                    continue;
                }
                b'}' | b']' => {
                    self.i += 1;
                    depth = depth.checked_sub(1)?;
                }
                b',' | b':' if depth > 0 => {
                    self.i += 1;
                    continue;
                }
                _ => {
                    let start = self.i;
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r')
                    ) {
                        self.i += 1;
                    }
                    if self.i == start {
                        return None;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// Positions the scanner on the value of top-level `key`.
    fn find(&mut self, key: &str) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            return None;
        }
        loop {
            self.ws();
            let k = self.string()?;
            self.eat(b':')?;
            self.ws();
            if k == key {
                return Some(());
            }
            self.skip_value()?;
            self.ws();
            match self.bump()? {
                b',' => {}
                _ => return None,
            }
        }
    }
}

/// The value of the top-level string field `key` of the JSON object `json`.
pub fn string_field(json: &str, key: &str) -> Option<String> {
    let mut scanner = Scanner {
        s: json.as_bytes(),
        i: 0,
    };
    scanner.find(key)?;
    scanner.string()
}

/// The value of the top-level non-negative integer field `key` of `json`.
pub fn u64_field(json: &str, key: &str) -> Option<u64> {
    let mut scanner = Scanner {
        s: json.as_bytes(),
        i: 0,
    };
    scanner.find(key)?;
    let start = scanner.i;
    while matches!(scanner.peek(), Some(b'0'..=b'9')) {
        scanner.i += 1;
    }
    core::str::from_utf8(scanner.s.get(start..scanner.i)?)
        .ok()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_fields_only() {
        let j = r#"{"tool": "x", "nested": {"label": "no", "a": [1, {"b": "]"}]}, "n": 42,
                   "label": "glxgears \"q\" \u00e9\ud83d\ude00", "t": true}"#;
        assert_eq!(
            string_field(j, "label").as_deref(),
            Some("glxgears \"q\" é😀")
        );
        assert_eq!(string_field(j, "tool").as_deref(), Some("x"));
        assert_eq!(u64_field(j, "n"), Some(42));
        assert_eq!(string_field(j, "missing"), None);
        assert_eq!(string_field(j, "n"), None);
        assert_eq!(string_field("{}", "label"), None);
        assert_eq!(string_field(r#"{"label": "unterminated"#, "label"), None);
        assert_eq!(string_field(r#"{"a": [[[}"#, "label"), None);
        assert_eq!(string_field("", "label"), None);
    }
}
