//! Column lists of the virtual tables, written as `name:type` specs in PostgreSQL 15's
//! column order, and the small value constructors their rows are built from.
//!
//! Type names parse with `DataType::parse`, except PostgreSQL's internal single-byte
//! `"char"`, written `char1` here.

use crate::catalog::{ColumnDef, TableSchema};
use crate::types::{DataType, Value};

/// A virtual table's schema: `qualified` is `pg_catalog.x` or `information_schema.x`.
pub fn schema(qualified: &str, spec: &str) -> TableSchema {
    let columns = spec.split_whitespace().map(column).collect();
    TableSchema::new(qualified, columns)
}

fn column(spec: &str) -> ColumnDef {
    let (name, ty) = spec.split_once(':').unwrap_or((spec, "text"));
    let data_type = match ty {
        "char1" => DataType::InternalChar,
        other => DataType::parse(other).unwrap_or(DataType::Text),
    };
    ColumnDef::new(name, data_type)
}

pub fn name(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn oid(n: u32) -> Value {
    Value::Int8(n as i64)
}

pub fn flag(b: bool) -> Value {
    Value::Bool(b)
}

pub fn int2(n: usize) -> Value {
    Value::Int2(n as i16)
}

pub fn int4(n: i64) -> Value {
    Value::Int4(n as i32)
}

/// A `"char"` value; `'\0'` is the empty string, as PostgreSQL prints it.
pub fn char1(c: char) -> Value {
    Value::Text(if c == '\0' { String::new() } else { c.to_string() })
}

/// A value that may be NULL.
pub fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map_or(Value::Null, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_into_postgres_types() {
        let s = schema("pg_catalog.x", "oid:oid relname:name relkind:char1 indkey:int2vector n:smallint");
        let types: Vec<_> = s.columns.iter().map(|c| c.data_type.clone()).collect();
        let int2s = DataType::Vector(Box::new(DataType::Int2));
        assert_eq!(types, vec![DataType::Oid, DataType::Name, DataType::InternalChar, int2s, DataType::Int2]);
        assert_eq!(char1('\0'), Value::Text(String::new()));
        assert_eq!(oid(2200), Value::Int8(2200));
    }
}
