//! The jsonb operators: `->`, `->>`, `#>`, `#>>`, `@>`, `<@`, `?` and `||`.
//!
//! Missing keys, out-of-range indexes and type mismatches give SQL NULL, as in PostgreSQL.
//! Containment follows PostgreSQL: objects contain objects key by key, arrays contain arrays
//! when each right element is contained in some left element, a top-level array contains a
//! scalar it holds, and numbers compare by value.

use super::jsonb::{canonical, to_text};
use super::Value;
use serde_json::Value as Json;

/// A path step: an object key or an array index (negative counts from the end).
pub enum Step<'a> {
    Key(&'a str),
    Index(i64),
}

/// `json -> step`.
pub fn get<'a>(j: &'a Json, step: &Step) -> Option<&'a Json> {
    match (j, step) {
        (Json::Object(map), Step::Key(k)) => map.get(*k),
        (Json::Array(items), Step::Index(i)) => {
            let idx = if *i < 0 { items.len() as i64 + i } else { *i };
            usize::try_from(idx).ok().and_then(|i| items.get(i))
        }
        (scalar, Step::Index(0 | -1)) if !scalar.is_object() => Some(scalar),
        _ => None,
    }
}

/// `json #> path` (path elements are text; array steps parse them as integers).
pub fn path<'a>(j: &'a Json, steps: &[Value]) -> Option<&'a Json> {
    steps.iter().try_fold(j, |cur, step| match step {
        Value::Text(k) if cur.is_array() => k.trim().parse::<i64>().ok().and_then(|i| get(cur, &Step::Index(i))),
        Value::Text(k) => get(cur, &Step::Key(k)),
        _ => None,
    })
}

/// A jsonb result as `->>` returns it: strings unquoted, JSON null as SQL NULL.
pub fn as_text(j: Option<&Json>) -> Value {
    match j {
        None | Some(Json::Null) => Value::Null,
        Some(Json::String(s)) => Value::Text(s.clone()),
        Some(other) => Value::Text(to_text(other)),
    }
}

/// `a @> b`.
pub fn contains(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(items), scalar) if !scalar.is_array() && !scalar.is_object() => items.iter().any(|x| scalar_eq(x, scalar)),
        _ => contains_same_kind(a, b),
    }
}

fn contains_same_kind(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => y.iter().all(|(k, yv)| x.get(k).is_some_and(|xv| contains_same_kind(xv, yv))),
        (Json::Array(x), Json::Array(y)) => y.iter().all(|yv| x.iter().any(|xv| contains_same_kind(xv, yv))),
        _ => scalar_eq(a, b),
    }
}

fn scalar_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Json::Array(_) | Json::Object(_), _) => false,
        _ => a == b,
    }
}

/// `a ? key`: an object key, or a string element of an array, or the string itself.
pub fn has_key(a: &Json, key: &str) -> bool {
    match a {
        Json::Object(map) => map.contains_key(key),
        Json::Array(items) => items.iter().any(|x| x.as_str() == Some(key)),
        Json::String(s) => s == key,
        _ => false,
    }
}

/// `a || b`: objects merge (right wins), otherwise both sides concatenate as arrays.
pub fn concat(a: &Json, b: &Json) -> Json {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let mut merged = x.clone();
            merged.extend(y.iter().map(|(k, v)| (k.clone(), v.clone())));
            canonical(Json::Object(merged))
        }
        _ => {
            let items = |j: &Json| match j {
                Json::Array(v) => v.clone(),
                other => vec![other.clone()],
            };
            Json::Array([items(a), items(b)].concat())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::jsonb::parse_jsonb;

    fn j(s: &str) -> Json {
        parse_jsonb(s).unwrap()
    }

    #[test]
    fn navigation_matches_postgres() {
        let doc = j(r#"{"a":[1,{"b":2}],"n":null}"#);
        assert_eq!(get(&doc, &Step::Key("a")).map(to_text).unwrap(), r#"[1, {"b": 2}]"#);
        assert_eq!(get(&j("[1,2,3]"), &Step::Index(-1)), Some(&j("3")));
        assert_eq!(get(&j("[1,2,3]"), &Step::Index(3)), None);
        assert_eq!(get(&j("[1,2,3]"), &Step::Key("0")), None);
        let p = [Value::Text("a".into()), Value::Text("1".into())];
        assert_eq!(path(&doc, &p).map(to_text).unwrap(), r#"{"b": 2}"#);
        assert_eq!(as_text(get(&doc, &Step::Key("n"))), Value::Null);
        assert_eq!(as_text(get(&j(r#""x""#), &Step::Index(0))), Value::Text("x".into()));
    }

    #[test]
    fn containment_and_keys_match_postgres() {
        assert!(contains(&j("[1,2]"), &j("1")));
        assert!(contains(&j(r#"{"a":[1,2,3],"b":1}"#), &j(r#"{"a":[3]}"#)));
        assert!(!contains(&j(r#"{"a":[1,2,3]}"#), &j(r#"{"a":3}"#)));
        assert!(contains(&j("[1.0]"), &j("[1]")));
        assert!(has_key(&j(r#"["a","b"]"#), "a"));
        assert!(!has_key(&j(r#"{"x":{"a":1}}"#), "a"));
    }

    #[test]
    fn concatenation_matches_postgres() {
        assert_eq!(to_text(&concat(&j(r#"{"b":1}"#), &j(r#"{"a":2,"b":3}"#))), r#"{"a": 2, "b": 3}"#);
        assert_eq!(to_text(&concat(&j("[1,2]"), &j("3"))), "[1, 2, 3]");
        assert_eq!(to_text(&concat(&j("1"), &j("2"))), "[1, 2]");
    }
}
