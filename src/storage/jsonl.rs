//! The row line codec: one table row <-> one compact JSON line (see docs/file-format.md).
//!
//! Writing is hand-written (keys in schema column order, serde_json only escapes strings);
//! reading parses the line with simd-json and maps each column by name to its [`Value`].
//! A key missing from the line reads as NULL, a key the schema does not know is ignored.
//! Besides rows a table file holds tombstones: `{"$deleted":{<key columns>}}` for a table
//! with a primary key and `{"$deleted_at":<byte offset of the row's line>}` for one without.

use super::timefmt;
use crate::catalog::ColumnDef;
use crate::error::{Error, Result};
use crate::types::{DataType, Row, Value};
use rust_decimal::Decimal;
use simd_json::tape::{Tape, Value as TapeValue};
use simd_json::{BorrowedValue as Json, StaticNode};
use smallvec::SmallVec;
use std::str::FromStr;

/// One decoded line of a table file.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Row(Row),
    /// A deleted row of a keyed table: its key values in primary key column order.
    Deleted(Vec<Value>),
    /// A deleted row of a table without a key: the byte offset of its line.
    DeletedAt(u64),
}

/// Where a line comes from, for error messages (`users.jsonl line 42`).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a str,
    pub line: u64,
}

/// Appends `row` as a compact JSON line (with its newline) to `out`.
pub fn encode_row(columns: &[ColumnDef], row: &[Value], out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (col, value)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(&col.name, out);
        out.push(b':');
        encode_value(value, out);
    }
    out.extend_from_slice(b"}\n");
}

/// Appends a tombstone line for the row with primary key `key` (columns `key_cols`).
pub fn encode_tombstone(columns: &[ColumnDef], key_cols: &[usize], key: &[Value], out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"$deleted\":{");
    for (i, (&c, value)) in key_cols.iter().zip(key).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(&columns[c].name, out);
        out.push(b':');
        encode_value(value, out);
    }
    out.extend_from_slice(b"}}\n");
}

/// Appends a tombstone line for the keyless row whose line starts at `offset`.
pub fn encode_tombstone_at(offset: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(format!("{{\"$deleted_at\":{offset}}}\n").as_bytes());
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends one value as JSON.
pub fn encode_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int2(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Value::Int4(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Value::Int8(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Value::Float4(v) => encode_float(*v as f64, format!("{v:?}"), out),
        Value::Float8(v) => encode_float(*v, format!("{v:?}"), out),
        Value::Numeric(d) => write_str(&d.to_string(), out),
        Value::Text(s) => write_str(s, out),
        Value::Uuid(u) => write_str(&u.to_string(), out),
        Value::Date(d) => write_str(&timefmt::format_date(*d), out),
        Value::Time(t) => write_str(&timefmt::format_time(*t), out),
        Value::Timestamp(t) => write_str(&timefmt::format_timestamp(*t), out),
        Value::Timestamptz(t) => write_str(&(timefmt::format_timestamp(*t) + "Z"), out),
        Value::Interval(i) => write_str(&timefmt::format_interval(i), out),
        Value::Json(text) => {
            let wrap = serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| needs_wrapper(&v));
            wrapped(wrap, out, |out| encode_json_text(text, out));
        }
        Value::Jsonb(j) => wrapped(needs_wrapper(j), out, |out| {
            let _ = serde_json::to_writer(&mut *out, j);
        }),
        Value::Bytea(b) => write_str(&format!("\\x{}", hex::encode(b)), out),
        Value::Enum(pos, def) => write_str(def.label(*pos), out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode_value(item, out);
            }
            out.push(b']');
        }
    }
}

fn encode_float(f: f64, shortest: String, out: &mut Vec<u8>) {
    match f {
        f if f.is_nan() => out.extend_from_slice(b"\"NaN\""),
        f if f == f64::INFINITY => out.extend_from_slice(b"\"Infinity\""),
        f if f == f64::NEG_INFINITY => out.extend_from_slice(b"\"-Infinity\""),
        _ => out.extend_from_slice(shortest.as_bytes()),
    }
}

/// json keeps its text; text that is not one compact line is re-serialized compactly.
/// In a json/jsonb column `null` is SQL NULL, so a JSON null value is written as
/// `{"$json":null}`; an object that is itself exactly `{"$json": ...}` is wrapped the same way
/// so that reading stays unambiguous (docs/file-format.md).
const JSON_WRAPPER: &str = "$json";

fn needs_wrapper(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Object(m) => m.len() == 1 && m.contains_key(JSON_WRAPPER),
        _ => false,
    }
}

fn wrapped(wrap: bool, out: &mut Vec<u8>, inner: impl FnOnce(&mut Vec<u8>)) {
    if wrap {
        out.extend_from_slice(b"{\"$json\":");
    }
    inner(out);
    if wrap {
        out.push(b'}');
    }
}

/// The value inside a `{"$json": ...}` wrapper, or the value itself.
fn unwrap_json<'a>(j: &'a Json<'a>) -> &'a Json<'a> {
    match j {
        Json::Object(m) if m.len() == 1 => m.get(JSON_WRAPPER).unwrap_or(j),
        _ => j,
    }
}

fn unwrap_serde(v: &serde_json::Value) -> &serde_json::Value {
    match v {
        serde_json::Value::Object(m) if m.len() == 1 => m.get(JSON_WRAPPER).unwrap_or(v),
        _ => v,
    }
}

fn encode_json_text(text: &str, out: &mut Vec<u8>) {
    let one_line = !text.contains(['\n', '\r']);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) if one_line => out.extend_from_slice(text.trim().as_bytes()),
        Ok(v) => {
            let _ = serde_json::to_writer(&mut *out, &v);
        }
        Err(_) => write_str(text, out),
    }
}

/// Decodes one line (without its newline) of a table with `columns` and primary key
/// `key_cols`.
pub fn decode_line(bytes: &[u8], columns: &[ColumnDef], key_cols: &[usize], at: Origin) -> Result<Line> {
    decode_columns(bytes, columns, key_cols, at, None)
}

/// Like [`decode_line`], but only the columns flagged in `needed` (when given) are decoded;
/// the others read as NULL. For files fully checked before: a line the byte scan of
/// [`super::trusted`] can handle is not otherwise checked.
pub fn decode_columns(bytes: &[u8], columns: &[ColumnDef], key_cols: &[usize], at: Origin, needed: Option<&[bool]>) -> Result<Line> {
    if let Some(row) = needed.and_then(|n| super::trusted::scan_needed(bytes, columns, n)) {
        return Ok(Line::Row(row));
    }
    SCRATCH.with_borrow_mut(|Scratch { buffers, copy, nodes }| {
        copy.clear();
        copy.extend_from_slice(bytes);
        let mut tape = Tape(std::mem::take(nodes)).reset();
        let line = decode_with(copy, buffers, &mut tape, Columns { all: columns, key_cols, needed }, at);
        *nodes = tape.reset().0;
        line
    })
}

/// The columns a line is decoded against.
#[derive(Clone, Copy)]
struct Columns<'a> {
    all: &'a [ColumnDef],
    key_cols: &'a [usize],
    needed: Option<&'a [bool]>,
}

/// simd-json's scratch space, the line copy it parses in place and its tape, reused across
/// the lines a thread decodes (no allocation per line).
#[derive(Default)]
struct Scratch {
    buffers: simd_json::Buffers,
    copy: Vec<u8>,
    nodes: Vec<simd_json::Node<'static>>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Parses the line into simd-json's flat tape (no tree, no map per line) and decodes only
/// the values of the columns wanted; nested values become a tree only when decoded.
fn decode_with<'t>(buf: &'t mut [u8], buffers: &mut simd_json::Buffers, tape: &mut Tape<'t>, cols: Columns, at: Origin) -> Result<Line> {
    let (columns, key_cols) = (cols.all, cols.key_cols);
    let ordered = json_columns_in_order(buf, columns); // before simd-json rewrites `buf`
    simd_json::fill_tape(buf, buffers, tape).map_err(|e| corrupt(at, None, &format!("not valid JSON: {e}")))?;
    let Some(obj) = tape.as_value().as_object() else {
        return Err(corrupt(at, None, "expected a JSON object"));
    };
    let mut found: SmallVec<[Option<TapeValue>; 16]> = smallvec::smallvec![None; columns.len()];
    for (position, (name, value)) in obj.iter().enumerate() {
        match name {
            "$deleted" => return decode_tombstone(&tree(value), columns, key_cols, at),
            "$deleted_at" => return deleted_at(value, at),
            _ => {
                if let Some(slot) = column_named(columns, name, position).and_then(|c| found.get_mut(c)) {
                    slot.get_or_insert(value);
                }
            }
        }
    }
    let skipped = |i: usize| cols.needed.is_some_and(|n| !n[i]);
    let row = columns.iter().zip(found).enumerate().map(|(i, (col, value))| match (value, ordered.as_ref().and_then(|m| m.get(&col.name))) {
        _ if skipped(i) => Ok(Value::Null),
        (Some(_), Some(json)) if col.data_type == DataType::Json => {
            Ok(if json.is_null() { Value::Null } else { Value::Json(unwrap_serde(json).to_string()) })
        }
        (None, _) => Ok(Value::Null),
        (Some(j), _) => decode_value(&tree(j), &col.data_type).map_err(|why| corrupt(at, Some(&col.name), &why)),
    });
    row.collect::<Result<Row>>().map(Line::Row)
}

/// The column a key names; lines written by us list columns in schema order, so the column
/// at the key's position is tried first.
pub(super) fn column_named(columns: &[ColumnDef], name: &str, position: usize) -> Option<usize> {
    match columns.get(position) {
        Some(c) if c.name == name => Some(position),
        _ => columns.iter().position(|c| c.name == name),
    }
}

/// A tape value as a simd-json value (scalars borrow the line; nothing is copied).
fn tree<'i>(value: TapeValue<'_, 'i>) -> Json<'i> {
    simd_json::value::lazy::Value::from_tape(value).into_value()
}

fn deleted_at(value: TapeValue, at: Origin) -> Result<Line> {
    match tree(value) {
        Json::Static(StaticNode::U64(o)) => Ok(Line::DeletedAt(o)),
        Json::Static(StaticNode::I64(o)) if o >= 0 => Ok(Line::DeletedAt(o as u64)),
        other => Err(corrupt(at, None, &format!("\"$deleted_at\" must be a byte offset, found {}", show(&other)))),
    }
}

/// json (unlike jsonb) keeps its keys in the order written: when the table has a json column
/// the line is also parsed with serde_json, which keeps that order.
fn json_columns_in_order(bytes: &[u8], columns: &[ColumnDef]) -> Option<serde_json::Map<String, serde_json::Value>> {
    columns.iter().any(|c| c.data_type == DataType::Json).then(|| serde_json::from_slice(bytes).ok()).flatten()
}

fn decode_tombstone(key: &Json, columns: &[ColumnDef], key_cols: &[usize], at: Origin) -> Result<Line> {
    let Json::Object(obj) = key else {
        return Err(corrupt(at, None, "\"$deleted\" must be an object of primary key columns"));
    };
    let values = key_cols.iter().map(|&c| {
        let col = &columns[c];
        let j = obj.get(col.name.as_str()).ok_or_else(|| corrupt(at, Some(&col.name), "missing from the \"$deleted\" key"))?;
        decode_value(j, &col.data_type).map_err(|why| corrupt(at, Some(&col.name), &why))
    });
    values.collect::<Result<Vec<_>>>().map(Line::Deleted)
}

fn corrupt(at: Origin, column: Option<&str>, why: &str) -> Error {
    match column {
        Some(c) => Error::corrupt(format!("{} line {}, column \"{c}\": {why}", at.file, at.line)),
        None => Error::corrupt(format!("{} line {}: {why}", at.file, at.line)),
    }
}

/// Short rendering of a JSON value for error messages.
fn show(j: &Json) -> String {
    let text = to_serde(j).to_string();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// Decodes one JSON value as a value of type `ty`; the error says what is wrong.
pub fn decode_value(j: &Json, ty: &DataType) -> Result<Value, String> {
    if let Json::Static(StaticNode::Null) = j {
        return Ok(Value::Null);
    }
    let expected = |what: &str| format!("expected {what}, found {}", show(j));
    let text = || j_str(j).ok_or_else(|| expected("a string"));
    match ty {
        DataType::Bool => match j {
            Json::Static(StaticNode::Bool(b)) => Ok(Value::Bool(*b)),
            _ => Err(expected("true or false")),
        },
        DataType::Int2 => j_int(j).and_then(|v| i16::try_from(v).ok()).map(Value::Int2).ok_or_else(|| expected("a smallint")),
        DataType::Int4 => j_int(j).and_then(|v| i32::try_from(v).ok()).map(Value::Int4).ok_or_else(|| expected("an integer")),
        DataType::Int8 | DataType::Oid | DataType::RegClass | DataType::RegType | DataType::RegNamespace => {
            j_int(j).map(Value::Int8).ok_or_else(|| expected("a bigint"))
        }
        DataType::Float4 => j_float(j).map(|f| Value::Float4(f as f32)).ok_or_else(|| expected("a number")),
        DataType::Float8 => j_float(j).map(Value::Float8).ok_or_else(|| expected("a number")),
        DataType::Numeric(_) => decode_numeric(j).ok_or_else(|| expected("a numeric (as a string)")),
        DataType::Text | DataType::Varchar(_) | DataType::Char(_) | DataType::Name | DataType::InternalChar | DataType::Unknown => {
            text().map(|s| Value::Text(s.to_string()))
        }
        DataType::Uuid => uuid::Uuid::parse_str(text()?).map(Value::Uuid).map_err(|_| expected("a uuid")),
        DataType::Date => timefmt::parse_date(text()?).map(Value::Date).ok_or_else(|| expected("a date like \"2024-01-31\"")),
        DataType::Time => timefmt::parse_time(text()?).map(Value::Time).ok_or_else(|| expected("a time like \"13:45:00\"")),
        DataType::Timestamp => {
            timefmt::parse_timestamp(text()?).map(Value::Timestamp).ok_or_else(|| expected("a timestamp like \"2024-01-31T13:45:00\""))
        }
        DataType::Timestamptz => {
            timefmt::parse_timestamptz(text()?).map(Value::Timestamptz).ok_or_else(|| expected("a timestamp like \"2024-01-31T13:45:00Z\""))
        }
        DataType::Interval => timefmt::parse_interval(text()?).map(Value::Interval).ok_or_else(|| expected("an ISO-8601 interval like \"P1DT2H\"")),
        DataType::Json => Ok(Value::Json(to_serde(unwrap_json(j)).to_string())),
        DataType::Jsonb => Ok(Value::jsonb(to_serde(unwrap_json(j)))),
        DataType::Bytea => decode_bytea(text()?).map(Value::Bytea).ok_or_else(|| expected("bytea as \"\\\\x...\" hex")),
        DataType::Enum(def) => def.input(text()?).map_err(|_| expected(&format!("a label of enum {}", def.name))),
        DataType::Array(elem) | DataType::Vector(elem) => match j {
            Json::Array(items) => items.iter().map(|i| decode_value(i, elem)).collect::<Result<Vec<_>, _>>().map(Value::Array),
            _ => Err(expected("an array")),
        },
    }
}

fn j_str<'a>(j: &'a Json) -> Option<&'a str> {
    match j {
        Json::String(s) => Some(s),
        _ => None,
    }
}

fn j_int(j: &Json) -> Option<i64> {
    match j {
        Json::Static(StaticNode::I64(v)) => Some(*v),
        Json::Static(StaticNode::U64(v)) => i64::try_from(*v).ok(),
        _ => None,
    }
}

fn j_float(j: &Json) -> Option<f64> {
    match j {
        Json::Static(StaticNode::I64(v)) => Some(*v as f64),
        Json::Static(StaticNode::U64(v)) => Some(*v as f64),
        Json::Static(StaticNode::F64(v)) => Some(*v),
        Json::String(s) => match s.as_ref() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

fn decode_numeric(j: &Json) -> Option<Value> {
    let d = match j {
        Json::String(s) => Decimal::from_str(s).or_else(|_| Decimal::from_scientific(s)).ok()?,
        Json::Static(StaticNode::I64(v)) => Decimal::from(*v),
        Json::Static(StaticNode::U64(v)) => Decimal::from(*v),
        Json::Static(StaticNode::F64(v)) => Decimal::from_str(&v.to_string()).ok()?,
        _ => return None,
    };
    Some(Value::Numeric(d))
}

fn decode_bytea(s: &str) -> Option<Vec<u8>> {
    hex::decode(s.strip_prefix("\\x")?).ok()
}

/// Converts a simd-json value to a serde_json value (for json/jsonb columns).
pub fn to_serde(j: &Json) -> serde_json::Value {
    use serde_json::Value as S;
    match j {
        Json::Static(StaticNode::Null) => S::Null,
        Json::Static(StaticNode::Bool(b)) => S::Bool(*b),
        Json::Static(StaticNode::I64(v)) => S::from(*v),
        Json::Static(StaticNode::U64(v)) => S::from(*v),
        Json::Static(StaticNode::F64(v)) => serde_json::Number::from_f64(*v).map(S::Number).unwrap_or(S::Null),
        Json::String(s) => S::String(s.to_string()),
        Json::Array(items) => S::Array(items.iter().map(to_serde).collect()),
        Json::Object(obj) => S::Object(obj.iter().map(|(k, v)| (k.to_string(), to_serde(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Interval;

    fn col(name: &str, ty: &str) -> ColumnDef {
        ColumnDef::new(name, DataType::parse(ty).unwrap())
    }

    fn every_type() -> (Vec<ColumnDef>, Row) {
        let cols = [
            ("id", "uuid"),
            ("t", "text"),
            ("b", "boolean"),
            ("s", "smallint"),
            ("i", "integer"),
            ("l", "bigint"),
            ("r", "real"),
            ("d", "double precision"),
            ("nan", "double precision"),
            ("inf", "real"),
            ("n", "numeric"),
            ("dt", "date"),
            ("tm", "time"),
            ("ts", "timestamp"),
            ("tz", "timestamptz"),
            ("iv", "interval"),
            ("j", "json"),
            ("jb", "jsonb"),
            ("by", "bytea"),
            ("a", "integer[]"),
            ("nul", "text"),
            ("c", "character(3)"),
        ];
        let row = vec![
            Value::Uuid(uuid::Uuid::parse_str("019363e8-0000-7000-8000-000000000001").unwrap()),
            Value::Text("Alice \"A\"\n\u{e9}".into()),
            Value::Bool(true),
            Value::Int2(-7),
            Value::Int4(42),
            Value::Int8(i64::MAX),
            Value::Float4(1.5),
            Value::Float8(0.1),
            Value::Float8(f64::NAN),
            Value::Float4(f32::NEG_INFINITY),
            Value::Numeric(Decimal::from_str("12345678901234567890.000123").unwrap()),
            Value::Date(8796),
            Value::Time(49_500_123_456),
            Value::Timestamp(760_023_900_123_456),
            Value::Timestamptz(-1),
            Value::Interval(Interval { months: 14, days: 3, micros: 14_706_500_000 }),
            Value::Json("{\"b\":1,\"a\":[true]}".into()),
            Value::jsonb(serde_json::json!({"k": [1, "x", null]})),
            Value::Bytea(vec![10, 11]),
            Value::Array(vec![Value::Int4(1), Value::Null]),
            Value::Null,
            Value::Text("ab ".into()),
        ];
        (cols.iter().map(|(n, t)| col(n, t)).collect(), row)
    }

    const AT: Origin = Origin { file: "t.jsonl", line: 1 };

    #[test]
    fn every_type_round_trips() {
        let (cols, row) = every_type();
        let mut out = Vec::new();
        encode_row(&cols, &row, &mut out);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1, "one line");
        let back = decode_line(&out[..out.len() - 1], &cols, &[0], AT).unwrap();
        assert_eq!(back, Line::Row(row));
    }

    #[test]
    fn sql_null_and_json_null_stay_apart_in_json_columns() {
        let cols = vec![col("j", "json"), col("jb", "jsonb"), col("x", "jsonb"), col("y", "jsonb")];
        let row = vec![Value::Json("null".into()), Value::jsonb(serde_json::Value::Null), Value::Null, Value::jsonb(serde_json::json!({"$json": 1}))];
        let mut out = Vec::new();
        encode_row(&cols, &row, &mut out);
        assert_eq!(String::from_utf8_lossy(&out), "{\"j\":{\"$json\":null},\"jb\":{\"$json\":null},\"x\":null,\"y\":{\"$json\":{\"$json\":1}}}\n");
        assert_eq!(decode_line(&out[..out.len() - 1], &cols, &[], AT).unwrap(), Line::Row(row));
        let hand = decode_line(br#"{"j":null,"jb":{"a":null}}"#, &cols, &[], AT).unwrap();
        assert_eq!(hand, Line::Row(vec![Value::Null, Value::jsonb(serde_json::json!({"a": null})), Value::Null, Value::Null]));
    }

    #[test]
    fn values_are_written_in_the_documented_shape() {
        let (cols, row) = every_type();
        let mut out = Vec::new();
        encode_row(&cols, &row, &mut out);
        let text = String::from_utf8(out).unwrap();
        for piece in [
            r#"{"id":"019363e8-0000-7000-8000-000000000001","#,
            r#""b":true,"s":-7,"i":42,"#,
            r#""r":1.5,"d":0.1,"nan":"NaN","inf":"-Infinity""#,
            r#""n":"12345678901234567890.000123""#,
            r#""dt":"2024-01-31""#,
            r#""tm":"13:45:00.123456""#,
            r#""ts":"2024-01-31T13:45:00.123456""#,
            r#""tz":"1999-12-31T23:59:59.999999Z""#,
            r#""iv":"P1Y2M3DT4H5M6.5S""#,
            r#""j":{"b":1,"a":[true]}"#,
            r#""jb":{"k":[1,"x",null]}"#,
            r#""by":"\\x0a0b""#,
            r#""a":[1,null],"nul":null"#,
        ] {
            assert!(text.contains(piece), "{piece} not in {text}");
        }
    }

    #[test]
    fn missing_keys_read_as_null_and_unknown_keys_are_ignored() {
        let cols = vec![col("id", "integer"), col("name", "text")];
        let line = decode_line(br#"{"id":1,"gone":"x"}"#, &cols, &[0], AT).unwrap();
        assert_eq!(line, Line::Row(vec![Value::Int4(1), Value::Null]));
        let n = decode_line(br#"{"id":1,"name":"x"}"#, &[col("id", "integer"), col("n", "numeric")], &[0], AT).unwrap();
        assert_eq!(n, Line::Row(vec![Value::Int4(1), Value::Null]));
        let hand = decode_line(br#"{"n":1.25}"#, &[col("n", "numeric")], &[], AT).unwrap();
        assert_eq!(hand, Line::Row(vec![Value::Numeric(Decimal::from_str("1.25").unwrap())]));
    }

    #[test]
    fn wrong_values_name_file_line_and_column() {
        let cols = vec![col("id", "integer"), col("age", "integer")];
        let at = Origin { file: "users.jsonl", line: 42 };
        let err = decode_line(br#"{"id":1,"age":"abc"}"#, &cols, &[0], at).unwrap_err();
        assert_eq!(err.code, crate::error::sqlstate::DATA_CORRUPTED);
        assert_eq!(err.message, r#"users.jsonl line 42, column "age": expected an integer, found "abc""#);
        let err = decode_line(br#"{"id":1,"#, &cols, &[0], at).unwrap_err();
        assert!(err.message.starts_with("users.jsonl line 42: not valid JSON"), "{}", err.message);
        assert!(decode_line(br#"{"id":3000000000}"#, &cols, &[0], at).is_err());
    }

    #[test]
    fn tombstones_round_trip() {
        let cols = vec![col("id", "integer"), col("name", "text")];
        let mut out = Vec::new();
        encode_tombstone(&cols, &[0], &[Value::Int4(7)], &mut out);
        assert_eq!(out, b"{\"$deleted\":{\"id\":7}}\n");
        assert_eq!(decode_line(&out[..out.len() - 1], &cols, &[0], AT).unwrap(), Line::Deleted(vec![Value::Int4(7)]));
        out.clear();
        encode_tombstone_at(123, &mut out);
        assert_eq!(decode_line(&out[..out.len() - 1], &cols, &[], AT).unwrap(), Line::DeletedAt(123));
    }
}
