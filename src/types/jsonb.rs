//! json and jsonb text input and output.
//!
//! json keeps the text as written after validation. jsonb is a parsed `serde_json::Value` in
//! PostgreSQL's canonical form: object keys ordered by length then bytes, duplicate keys
//! resolved to the last value. Output uses `", "` and `": "` separators and prints numbers in
//! plain decimal (no exponent) as numeric does. Limitation: numbers pass through serde_json's
//! i64/u64/f64, so trailing fractional zeros (`1.50`) are not kept.

use super::float::format_plain;
use crate::error::{sqlstate, Error, Result};
use serde_json::{Map, Number, Value as Json};
use std::cmp::Ordering;

fn invalid() -> Error {
    Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json")
}

/// Validates json text (the json type keeps the text itself).
pub fn validate_json(s: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(s).map(|_| ()).map_err(|_| invalid())
}

pub fn parse_jsonb(s: &str) -> Result<Json> {
    serde_json::from_str::<Json>(s).map(canonical).map_err(|_| invalid())
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
