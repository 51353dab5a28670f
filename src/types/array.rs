//! Array text input and output (`{1,2,NULL}`, `{"a b","c\"d"}`).
//!
//! Output quotes an element when it is empty, is `NULL` in any case, or contains braces,
//! quotes, commas, backslashes or whitespace, escaping `"` and `\` with a backslash. Input
//! reads one-dimensional literals; multi-dimensional ones and explicit bounds are 0A000.

use super::text::{format_value, parse_value};
use super::{DataType, FormatOptions, Value};
use crate::error::{sqlstate, Error, Result};

pub fn format_array(items: &[Value], elem: &DataType, opts: &FormatOptions, out: &mut String) {
    out.push('{');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Value::Null => out.push_str("NULL"),
            Value::Array(inner) => format_array(inner, elem, opts, out),
            v => push_element(&format_value(v, elem, opts), out),
        }
    }
    out.push('}');
}

fn push_element(s: &str, out: &mut String) {
    let quote =
        s.is_empty() || s.eq_ignore_ascii_case("null") || s.chars().any(|c| matches!(c, '{' | '}' | '"' | ',' | '\\') || c.is_ascii_whitespace());
    if !quote {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

pub fn parse_array(s: &str, elem: &DataType, opts: &FormatOptions) -> Result<Value> {
    let malformed =
        |detail: &str| Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("malformed array literal: \"{s}\"")).with_detail(detail.to_string());
    let t = strip_bounds(s.trim())?;
    let body = t.strip_prefix('{').ok_or_else(|| malformed("Array value must start with \"{\" or dimension information."))?;
    let mut items = Vec::new();
    let mut chars = body.chars().peekable();
    skip_ws(&mut chars);
    if chars.peek() == Some(&'}') {
        chars.next();
        return finish(chars, items, &malformed);
    }
    loop {
        skip_ws(&mut chars);
        if chars.peek() == Some(&'{') {
            return Err(Error::unsupported("multidimensional array literal"));
        }
        let (text, quoted) = element(&mut chars).ok_or_else(|| malformed("Unexpected end of input."))?;
        items.push(if !quoted && text.eq_ignore_ascii_case("null") { Value::Null } else { parse_value(&text, elem, opts)? });
        match chars.next() {
            Some(',') => continue,
            Some('}') => return finish(chars, items, &malformed),
            _ => return Err(malformed("Unexpected array element.")),
        }
    }
}

/// Drops a `[1:n]=` dimension decoration; other lower bounds are 0A000.
fn strip_bounds(t: &str) -> Result<&str> {
    let Some(rest) = t.strip_prefix('[') else { return Ok(t) };
    let (bounds, body) = rest.split_once("]=").ok_or_else(|| Error::unsupported("array literal with explicit bounds"))?;
    match bounds.split_once(':') {
        Some(("1", _)) => Ok(body.trim_start()),
        _ => Err(Error::unsupported("array literal with a lower bound other than 1")),
    }
}

fn finish(mut rest: std::iter::Peekable<std::str::Chars>, items: Vec<Value>, malformed: &dyn Fn(&str) -> Error) -> Result<Value> {
    skip_ws(&mut rest);
    match rest.next() {
        None => Ok(Value::Array(items)),
        Some(_) => Err(malformed("Junk after closing right brace.")),
    }
}

fn skip_ws(chars: &mut std::iter::Peekable<std::str::Chars>) {
    while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
        chars.next();
    }
}

/// One element's text up to (not including) the following `,` or `}`, and whether any part
/// of it was quoted. Unquoted trailing whitespace is dropped; backslash escapes anywhere.
fn element(chars: &mut std::iter::Peekable<std::str::Chars>) -> Option<(String, bool)> {
    let (mut text, mut quoted, mut in_quotes) = (String::new(), false, false);
    let mut keep = 0;
    loop {
        match *chars.peek()? {
            ',' | '}' if !in_quotes => break,
            c if quoted && !in_quotes && !c.is_ascii_whitespace() => return None,
            '"' => {
                in_quotes = !in_quotes;
                quoted = true;
                chars.next();
                keep = text.len();
            }
            '\\' => {
                chars.next();
                text.push(chars.next()?);
                keep = text.len();
            }
            c => {
                chars.next();
                text.push(c);
                if in_quotes || !c.is_ascii_whitespace() {
                    keep = text.len();
                }
            }
        }
    }
    text.truncate(keep);
    (quoted || !text.is_empty()).then_some((text, quoted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str, elem: DataType) -> String {
        let opts = FormatOptions::default();
        let Value::Array(items) = parse_array(s, &elem, &opts).unwrap() else { panic!("not an array") };
        let mut o = String::new();
        format_array(&items, &elem, &opts, &mut o);
        o
    }

    #[test]
    fn quoting_matches_postgres() {
        // PostgreSQL 15: select '{"a b","c\"d",NULL,"",x}'::text[]
        assert_eq!(round(r#"{"a b","c\"d",NULL,"",x}"#, DataType::Text), r#"{"a b","c\"d",NULL,"",x}"#);
        assert_eq!(round("{ 1 , 2,NULL }", DataType::Int4), "{1,2,NULL}");
        assert_eq!(round(r#"{"null",Null}"#, DataType::Text), r#"{"null",NULL}"#);
        assert_eq!(round("{}", DataType::Int4), "{}");
    }

    #[test]
    fn malformed_literals_are_22p02() {
        let opts = FormatOptions::default();
        let e = parse_array("1,2", &DataType::Int4, &opts).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "malformed array literal: \"1,2\""));
        assert!(parse_array("{1,2} x", &DataType::Int4, &opts).is_err());
        assert!(parse_array("{1,", &DataType::Int4, &opts).is_err());
        assert!(parse_array(r#"{"a"b}"#, &DataType::Text, &opts).is_err());
        assert_eq!(parse_array("[1:2]={1,2}", &DataType::Int4, &opts).unwrap(), Value::Array(vec![Value::Int4(1), Value::Int4(2)]));
        assert_eq!(parse_array("{a}", &DataType::Int4, &opts).unwrap_err().code, "22P02");
        assert_eq!(parse_array("{{1}}", &DataType::Int4, &opts).unwrap_err().code, "0A000");
    }
}
