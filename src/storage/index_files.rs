//! The `_idx/` files: derived mirrors of the in-memory secondary indexes.
//!
//! Per table folder `_idx/<table>/`, an index over columns `a,b` is named `a,b`:
//! - unique: `a,b.json`, one JSON object value text -> primary key;
//! - non-unique: folder `a,b/`, one file per value (stem from
//!   [`crate::catalog::encode_index_value`]) holding a JSON array of primary keys, or
//!   `{"value": ..., "keys": [...]}` when the stem is hashed.
//!
//! A value's text is the value as in the row file with a string's quotes dropped; a composite
//! value is the JSON array text. A key is its JSON value (an array for a composite key).
//! Tables without a primary key have no index files (their row ids live only in memory).
//! Files are compared before writing, so a check on open rewrites only stale files, and files
//! of values or indexes that no longer exist are removed.

use super::jsonl;
use super::table::State;
use super::Key;
use crate::catalog::{decode_index_value, encode_index_value};
use crate::error::{Error, Result};
use crate::types::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What the index folder of one table should contain: relative path -> content.
pub type Plan = BTreeMap<String, Vec<u8>>;

pub fn plan(state: &State) -> Plan {
    let mut plan = Plan::new();
    if state.key_cols.is_empty() {
        return plan;
    }
    for ix in &state.secondary {
        let name = ix.def.columns.join(",");
        if ix.def.unique {
            let object: BTreeMap<String, serde_json::Value> =
                ix.map.iter().flat_map(|(v, keys)| keys.iter().map(move |k| (value_text(v).unwrap_or_default(), key_json(k)))).collect();
            plan.insert(format!("{name}.json"), to_json(&object));
        } else {
            for (values, keys) in &ix.map {
                let text = value_text(values);
                let stem = encode_index_value(text.as_deref());
                let keys: Vec<serde_json::Value> = keys.iter().map(key_json).collect();
                let content = match decode_index_value(&stem) {
                    Some(_) => to_json(&keys),
                    None => to_json(&serde_json::json!({"value": text, "keys": keys})),
                };
                plan.insert(format!("{name}/{stem}.json"), content);
            }
        }
    }
    plan
}

fn to_json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    out
}

fn json_of(v: &Value) -> serde_json::Value {
    let mut out = Vec::new();
    jsonl::encode_value(v, &mut out);
    serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null)
}

/// The text of an index value (None for a single NULL).
fn value_text(values: &[Value]) -> Option<String> {
    match values {
        [Value::Null] => None,
        [v] => Some(match json_of(v) {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }),
        many => Some(serde_json::Value::Array(many.iter().map(json_of).collect()).to_string()),
    }
}

fn key_json(key: &Key) -> serde_json::Value {
    match key.0.as_slice() {
        [v] => json_of(v),
        many => serde_json::Value::Array(many.iter().map(json_of).collect()),
    }
}

/// Makes `dir` hold exactly `plan`'s files (only differing files are written).
pub fn write(dir: &Path, plan: &Plan) -> Result<()> {
    let existing = list(dir, dir)?;
    for stale in existing.iter().filter(|f| !plan.contains_key(*f)) {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    for (rel, content) in plan {
        let path = dir.join(rel);
        if std::fs::read(&path).ok().as_deref() == Some(content.as_slice()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create directory", e))?;
        }
        std::fs::write(&path, content).map_err(|e| Error::io(&path, "write", e))?;
    }
    remove_empty_dirs(dir);
    Ok(())
}

/// Relative paths of the files under `dir`.
fn list(root: &Path, dir: &Path) -> Result<Vec<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(list(root, &path)?);
        } else if entry.file_name().to_string_lossy().starts_with('.') {
            continue; // the `.checked` marker is not an index file
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten().filter(|e| e.path().is_dir()) {
            remove_empty_dirs(&entry.path());
        }
    }
    let _ = std::fs::remove_dir(dir); // fails unless empty, which is the point
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::TableSchema;

    #[test]
    fn plan_follows_the_documented_layout() {
        let text = r#"{"name":"t","columns":[{"name":"id","type":"integer","primary_key":true},{"name":"email","type":"text"},{"name":"role","type":"text"}],
            "indexes":[{"name":"e","columns":["email"],"unique":true},{"name":"r","columns":["role"]},{"name":"er","columns":["email","role"]}]}"#;
        let schema: TableSchema = serde_json::from_str(text).unwrap();
        let mut state = State::empty(&schema, 0);
        let long = "x".repeat(300);
        for (id, email, role) in [(1, "a@x", "Admin"), (2, "b@x", long.as_str())] {
            let row = vec![Value::Int4(id), Value::Text(email.into()), Value::Text(role.into())];
            let key = Key([Value::Int4(id)].into());
            state.secondary.iter_mut().for_each(|ix| ix.add(&row, &key));
        }
        let plan = plan(&state);
        assert_eq!(plan["email.json"], b"{\"a@x\":1,\"b@x\":2}\n");
        assert_eq!(plan["role/%41dmin.json"], b"[1]\n");
        let hashed = plan.iter().find(|(k, _)| k.starts_with("role/x") && k.contains('~')).unwrap();
        assert!(String::from_utf8_lossy(hashed.1).starts_with(&format!("{{\"value\":\"{long}\",\"keys\":[2]}}")));
        assert!(plan.contains_key(&format!("email,role/{}.json", encode_index_value(Some("[\"a@x\",\"Admin\"]")))));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("gone")).unwrap();
        std::fs::write(dir.path().join("gone/x.json"), "[]").unwrap();
        write(dir.path(), &plan).unwrap();
        assert!(!dir.path().join("gone").exists());
        assert_eq!(std::fs::read(dir.path().join("email.json")).unwrap(), plan["email.json"]);
    }
}
