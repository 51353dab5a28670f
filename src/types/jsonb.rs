//! json and jsonb text input and output.
//!
//! json keeps the text as written after validation. jsonb is a parsed `serde_json::Value` in
//! PostgreSQL's canonical form: object keys ordered by length then bytes, duplicate keys
//! resolved to the last value. Output uses `", "` and `": "` separators and prints numbers in
//! plain decimal (no exponent) as numeric does. Limitation: numbers pass through serde_json's
//! i64/u64/f64 (and table files through simd-json's), so trailing fractional zeros (`1.50`) are
//! not kept; a number those types cannot hold exactly (an integer beyond 64 bits, more than ~16
//! significant digits) is refused with 0A000 rather than silently rounded ([`exact_numbers`]).

use super::float::format_plain;
use crate::error::{sqlstate, Error, Result};
use serde_json::{Map, Number, Value as Json};
use std::cmp::Ordering;

fn invalid() -> Error {
    Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json")
}

/// Validates json text (the json type keeps the text itself).
pub fn validate_json(s: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(s).map_err(|_| invalid())?;
    exact_numbers(s)
}

pub fn parse_jsonb(s: &str) -> Result<Json> {
    let value = serde_json::from_str::<Json>(s).map(canonical).map_err(|_| invalid())?;
    exact_numbers(s)?;
    Ok(value)
}

/// Err(0A000) when a number in the (valid) JSON text `s` would not survive a 64-bit integer or
/// a double unchanged in value; trailing zeros alone (`1.50`) are a change of form, not value.
fn exact_numbers(s: &str) -> Result<()> {
    let bytes = s.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            in_string = b != b'"';
            i += if b == b'\\' { 2 } else { 1 };
            continue;
        }
        if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let len = bytes[i..].iter().take_while(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')).count();
            let token = &s[i..i + len];
            if !exact(token) {
                return Err(Error::unsupported(format!("JSON number {token} (more digits than a 64-bit integer or a double holds exactly)")));
            }
            i += len;
            continue;
        }
        i += 1;
    }
    Ok(())
}

fn exact(token: &str) -> bool {
    if token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok() {
        return true;
    }
    let Ok(double) = token.parse::<f64>() else { return false };
    let decimal = |t: &str| rust_decimal::Decimal::from_scientific(t).or_else(|_| t.parse::<rust_decimal::Decimal>()).ok();
    match (decimal(token), decimal(&format!("{double:e}"))) {
        (Some(written), Some(held)) => written == held,
        // Beyond rust_decimal (over 28 digits, or an exponent past its scale): a finite double's
        // `{:e}` always parses back to itself, so only the token's length can tell a loss.
        _ => double.is_finite() && token.len() <= 17,
    }
}

/// PostgreSQL's jsonb key order: shorter keys first, then bytewise.
pub fn key_order(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// The value with every object's keys in jsonb order.
pub fn canonical(v: Json) -> Json {
    match v {
        Json::Object(map) => {
            let mut entries: Vec<(String, Json)> = map.into_iter().collect();
            entries.sort_by(|a, b| key_order(&a.0, &b.0));
            Json::Object(entries.into_iter().map(|(k, v)| (k, canonical(v))).collect::<Map<_, _>>())
        }
        Json::Array(items) => Json::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

pub fn format_jsonb(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => format_number(n, out),
        Json::String(s) => escape(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                format_jsonb(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by(|a, b| key_order(a.0, b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                escape(k, out);
                out.push_str(": ");
                format_jsonb(v, out);
            }
            out.push('}');
        }
    }
}

/// Numbers as numeric prints them: integers as is, floats in plain decimal notation.
fn format_number(n: &Number, out: &mut String) {
    match n.as_f64().filter(|_| n.is_f64()) {
        Some(f) => format_plain(f, out),
        None => out.push_str(&n.to_string()),
    }
}

/// A JSON string literal as PostgreSQL's escape_json writes it.
pub fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A jsonb value rendered as text.
pub fn to_text(v: &Json) -> String {
    let mut s = String::new();
    format_jsonb(v, &mut s);
    s
}

#[cfg(test)]
mod tests {

    #[test]
    fn numbers_that_would_change_are_refused() {
        assert!(parse_jsonb(r#"{"a": 10.50, "b": [1e3, -0.25, 9007199254740993, 18446744073709551615], "s": "123456789012345678901234"}"#).is_ok());
        for bad in ["12345678901234567890123", "0.12345678901234567891", "[1, -99999999999999999999]", r#"{"x": {"y": 1.00000000000000000001}}"#] {
            assert_eq!(parse_jsonb(bad).unwrap_err().code, sqlstate::FEATURE_NOT_SUPPORTED, "{bad}");
            assert_eq!(validate_json(bad).unwrap_err().code, sqlstate::FEATURE_NOT_SUPPORTED, "{bad}");
        }
        assert_eq!(parse_jsonb(r#""\\" 5"#).unwrap_err().code, sqlstate::INVALID_TEXT_REPRESENTATION);
    }

    use super::*;

    #[test]
    fn canonical_output_matches_postgres() {
        // PostgreSQL 15: {"a": 3, "b": 1, "d": 1000, "aa": 2} for the input below.
        let v = parse_jsonb(r#"{"b":1, "aa":2, "a":[1,2], "a":3, "d":1e3}"#).unwrap();
        assert_eq!(to_text(&v), r#"{"a": 3, "b": 1, "d": 1000, "aa": 2}"#);
        assert_eq!(
            to_text(&parse_jsonb(r#"[1.5, -0.0000001, "x\"y\n", null, true, {}]"#).unwrap()),
            r#"[1.5, -0.0000001, "x\"y\n", null, true, {}]"#
        );
    }

    #[test]
    fn invalid_json_is_22p02() {
        let e = parse_jsonb("{bad").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type json"));
        assert!(validate_json("[1, 2]").is_ok());
        assert!(validate_json("[1, 2").is_err());
    }
}
