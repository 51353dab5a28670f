//! Decoding the columns of a plain line with a byte scan: the fast path of opening a table
//! whose file was fully checked before (only key and indexed columns), of filters (only the
//! columns they read) and of row reads (every column).
//!
//! A JSON parser builds a tape of the whole line; this scan walks the top-level object once,
//! skipping the values it does not need without interpreting them, and decodes the needed ones
//! when they are plain: a string without escapes, an integer, true/false/null. Anything else
//! (escapes or nesting in a needed value, a `$` key such as a tombstone, a value of the wrong
//! type, a malformed object) answers None and the caller parses the line fully, so what it
//! decodes and every error message are exactly the parser's. The values it skips are not
//! checked: the file was checked when it was loaded.

use super::jsonl::{column_named, decode_value};
use crate::catalog::ColumnDef;
use crate::types::{Row, Value};
use simd_json::{BorrowedValue as Json, StaticNode};
use smallvec::SmallVec;

/// The row of `line` with only the `needed` columns decoded (others NULL), or None when the
/// line needs the full parser.
pub fn scan_needed(line: &[u8], columns: &[ColumnDef], needed: &[bool]) -> Option<Row> {
    let mut s = Scanner { bytes: line, at: 0 };
    let mut row: Row = vec![Value::Null; columns.len()];
    let mut seen: SmallVec<[bool; 32]> = smallvec::smallvec![false; columns.len()];
    s.expect(b'{')?;
    if s.peek_after_ws()? == b'}' {
        return s.end(1).then_some(row);
    }
    for position in 0.. {
        let key = s.plain_string()?;
        if key.starts_with('$') {
            return None;
        }
        s.expect(b':')?;
        match column_named(columns, key, position).filter(|&c| needed[c] && !seen[c]) {
            Some(c) => {
                row[c] = decode_value(&s.plain_value()?, &columns[c].data_type).ok()?;
                seen[c] = true;
            }
            None => s.skip_value()?,
        }
        match s.next_after_ws()? {
            b',' => continue,
            b'}' => return s.end(0).then_some(row),
            _ => return None,
        }
    }
    None
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek_after_ws(&mut self) -> Option<u8> {
        while self.bytes.get(self.at)?.is_ascii_whitespace() {
            self.at += 1;
        }
        self.bytes.get(self.at).copied()
    }

    fn next_after_ws(&mut self) -> Option<u8> {
        let b = self.peek_after_ws()?;
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next_after_ws()? == b).then_some(())
    }

    /// Only whitespace follows (after skipping `skip` bytes).
    fn end(&mut self, skip: usize) -> bool {
        self.at += skip;
        self.bytes[self.at.min(self.bytes.len())..].iter().all(u8::is_ascii_whitespace)
    }

    /// A string without escapes.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let len = self.bytes[start..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        self.at = start + len;
        (self.bytes[self.at] == b'"').then_some(())?;
        self.at += 1;
        std::str::from_utf8(&self.bytes[start..start + len]).ok()
    }

    /// A string without escapes, a number, true, false or null.
    fn plain_value(&mut self) -> Option<Json<'a>> {
        match self.peek_after_ws()? {
            b'"' => self.plain_string().map(Json::from),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let word = self.word();
                Some(Json::Static(match word {
                    b"true" => StaticNode::Bool(true),
                    b"false" => StaticNode::Bool(false),
                    b"null" => StaticNode::Null,
                    _ => return None,
                }))
            }
        }
    }

    /// Bytes up to the next delimiter.
    fn word(&mut self) -> &'a [u8] {
        let start = self.at;
        let len =
            self.bytes[start..].iter().position(|&b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace()).unwrap_or(self.bytes.len() - start);
        self.at = start + len;
        &self.bytes[start..start + len]
    }

    fn number(&mut self) -> Option<Json<'a>> {
        let text = std::str::from_utf8(self.word()).ok()?;
        let digits = text.strip_prefix('-').unwrap_or(text);
        let number = digits.bytes().all(|b| b.is_ascii_digit()) && !(digits.starts_with('0') && text != "0");
        Some(Json::Static(match (number, text.parse::<i64>(), text.parse::<u64>()) {
            (true, Ok(i), _) => StaticNode::I64(i),
            (true, _, Ok(u)) => StaticNode::U64(u),
            _ => return None, // fractions, exponents, huge integers: the parser's own rules
        }))
    }

    /// Skips one value of any kind (strings with escapes, nested objects and arrays).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek_after_ws()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    self.at += 1;
                }
                b',' | b':' if depth > 0 => self.at += 1,
                _ if depth > 0 => {
                    self.word();
                }
                b'}' | b']' | b',' | b':' => return None,
                _ => {
                    self.word();
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.at += 1; // the opening quote
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::jsonl::{decode_line, Line, Origin};
    use crate::types::DataType;

    fn cols() -> Vec<ColumnDef> {
        ["id:bigint", "email:text", "tags:jsonb", "age:integer", "ok:boolean"]
            .iter()
            .map(|c| c.split_once(':').unwrap())
            .map(|(n, t)| ColumnDef::new(n, DataType::parse(t).unwrap()))
            .collect()
    }

    /// The scan agrees with the full parser, or declines.
    fn check(line: &str, needed: &[bool]) -> Option<Row> {
        let fast = scan_needed(line.as_bytes(), &cols(), needed);
        if let Some(row) = &fast {
            let Line::Row(mut full) = decode_line(line.as_bytes(), &cols(), &[0], Origin { file: "t", line: 1 }).unwrap() else { panic!("{line}") };
            full.iter_mut().zip(needed).filter(|(_, n)| !**n).for_each(|(v, _)| *v = Value::Null);
            assert_eq!(&full, row, "{line}");
        }
        fast
    }

    #[test]
    fn needed_columns_are_decoded_and_others_skipped() {
        let all = [true, true, false, true, true];
        let row = check(r#"{"id":-7,"email":"a@x","tags":{"k":[1,"}\"",{"z":null}]},"age":30,"ok":true}"#, &all).unwrap();
        assert_eq!(row, vec![Value::Int8(-7), Value::Text("a@x".into()), Value::Null, Value::Int4(30), Value::Bool(true)]);
        let row = check(r#" { "age" : 1 , "unknown":[[]], "id" : 5 } "#, &all).unwrap();
        assert_eq!(row, vec![Value::Int8(5), Value::Null, Value::Null, Value::Int4(1), Value::Null]);
        assert_eq!(check("{}", &all), Some(vec![Value::Null; 5]));
        assert_eq!(check(r#"{"id":1,"email":"esc\"aped"}"#, &[true, false, false, false, false]).unwrap()[0], Value::Int8(1));
    }

    #[test]
    fn anything_unusual_is_left_to_the_parser() {
        let all = [true, true, true, true, true];
        for line in [
            r#"{"id":1,"email":"esc\"aped"}"#,
            r#"{"id":1,"tags":{"a":1}}"#,
            r#"{"$deleted":{"id":1}}"#,
            r#"{"id":1.5}"#,
            r#"{"id":"x"}"#,
            r#"{"id":99999999999999999999}"#,
            r#"{"id":01}"#,
            r#"{"id":-0}"#,
            r#"{"id":1,}"#,
            r#"{"id":1} x"#,
            r#"{"id":1"#,
            r#"[1]"#,
            r#"{"id":1,"ok":nope}"#,
        ] {
            assert_eq!(check(line, &all), None, "{line}");
        }
    }
}
