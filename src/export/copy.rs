//! COPY ... FROM stdin text format: one line per row, tab-separated, `\N` for NULL, and
//! backslash escapes for the characters the format reserves.

use crate::types::text::format_value;
use crate::types::{DataType, FormatOptions, Value};

/// Appends one row in COPY text format (with its newline) to `out`.
pub fn write_row(out: &mut String, row: &[Value], types: &[DataType], opts: &FormatOptions) {
    for (i, (value, ty)) in row.iter().zip(types).enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match value {
            Value::Null => out.push_str("\\N"),
            v => escape_into(out, &format_value(v, ty, opts)),
        }
    }
    out.push('\n');
}

/// Escapes backslash, newline, carriage return and tab, as COPY's text format requires.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped() {
        let mut out = String::new();
        escape_into(&mut out, "a\tb\nc\\d\re");
        assert_eq!(out, "a\\tb\\nc\\\\d\\re");
    }
}
