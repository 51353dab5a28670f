//! pg_type: one row per built-in type SmarterBase has (every `DataType` but arrays and
//! unknown, and the array type of each), with PostgreSQL 15's OIDs and properties, then the
//! user-defined enum types (`pg_enum`). The per-type properties are shared with pg_attribute.
//! No type has privileges (typacl is NULL).

use super::columns::{char1, flag, int4, name, oid, schema};
use super::oids;
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::{DataType, Row, Value};

pub fn table() -> TableSchema {
    schema(
        "pg_catalog.pg_type",
        "oid:oid typname:name typnamespace:oid typowner:oid typlen:smallint typbyval:boolean typtype:char1 \
         typcategory:char1 typispreferred:boolean typisdefined:boolean typdelim:char1 typrelid:oid typelem:oid \
         typarray:oid typalign:char1 typstorage:char1 typnotnull:boolean typbasetype:oid typtypmod:integer \
         typndims:integer typcollation:oid typdefault:text typacl:text[]",
    )
}

/// The base types, in OID order.
const BASE: [DataType; 23] = [
    DataType::Bool,
    DataType::Bytea,
    DataType::InternalChar,
    DataType::Name,
    DataType::Int8,
    DataType::Int2,
    DataType::Int4,
    DataType::Text,
    DataType::Oid,
    DataType::Json,
    DataType::Float4,
    DataType::Float8,
    DataType::Unknown,
    DataType::Char(None),
    DataType::Varchar(None),
    DataType::Date,
    DataType::Time,
    DataType::Timestamp,
    DataType::Timestamptz,
    DataType::Interval,
    DataType::Numeric(None),
    DataType::Uuid,
    DataType::Jsonb,
];

/// Every type pg_type lists: the base types and their array types.
pub fn all_types() -> Vec<DataType> {
    let arrays = BASE.iter().filter(|t| t.array_oid() != 0).map(|t| DataType::Array(Box::new(t.clone())));
    let mut all: Vec<DataType> = BASE.iter().cloned().chain(arrays).collect();
    all.sort_by_key(DataType::oid);
    all
}

pub fn rows(src: &Source) -> Vec<Row> {
    let mut rows: Vec<Row> = all_types().iter().map(row).collect();
    rows.extend(super::pg_enum::type_rows(src));
    rows
}

fn row(t: &DataType) -> Row {
    let elem = match t {
        DataType::Array(e) => e.oid(),
        DataType::Name => 18,
        _ => 0,
    };
    let kind = if *t == DataType::Unknown { 'p' } else { 'b' };
    vec![
        oid(t.oid()),
        name(&t.typname()),
        oid(oids::PG_CATALOG),
        oid(oids::SUPERUSER),
        Value::Int2(t.typlen()),
        flag(by_value(t)),
        char1(kind),
        char1(category(t)),
        flag(preferred(t)),
        flag(true),
        char1(','),
        oid(0),
        oid(elem),
        oid(t.array_oid()),
        char1(align(t)),
        char1(storage(t)),
        flag(false),
        oid(0),
        int4(-1),
        int4(0),
        oid(collation(t)),
        Value::Null,
        Value::Null,
    ]
}

pub fn by_value(t: &DataType) -> bool {
    (1..=8).contains(&t.typlen())
}

fn category(t: &DataType) -> char {
    match t {
        DataType::Array(_) => 'A',
        DataType::Bool => 'B',
        DataType::Date | DataType::Time | DataType::Timestamp | DataType::Timestamptz => 'D',
        DataType::Interval => 'T',
        DataType::Unknown => 'X',
        DataType::InternalChar => 'Z',
        t if t.is_numeric() || *t == DataType::Oid => 'N',
        t if t.is_string() => 'S',
        _ => 'U',
    }
}

fn preferred(t: &DataType) -> bool {
    matches!(t, DataType::Bool | DataType::Text | DataType::Oid | DataType::Float8 | DataType::Timestamptz | DataType::Interval)
}

pub fn align(t: &DataType) -> char {
    match t {
        DataType::Array(e) if align(e) == 'd' => 'd',
        DataType::Bool | DataType::Name | DataType::InternalChar | DataType::Unknown | DataType::Uuid => 'c',
        DataType::Int2 => 's',
        DataType::Int8 | DataType::Float8 | DataType::Time | DataType::Timestamp | DataType::Timestamptz | DataType::Interval => 'd',
        _ => 'i',
    }
}

pub fn storage(t: &DataType) -> char {
    match t {
        DataType::Numeric(_) => 'm',
        t if t.typlen() == -1 => 'x',
        _ => 'p',
    }
}

/// pg_type.typcollation (also pg_attribute.attcollation).
pub fn collation(t: &DataType) -> u32 {
    match t {
        DataType::Array(e) => collation(e),
        DataType::Name => oids::C_COLLATION,
        t if t.is_string() => oids::DEFAULT_COLLATION,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_rows_carry_postgres_properties() {
        let rows = rows(&super::super::source::tests::sample());
        assert_eq!(rows.len(), 45);
        let find = |o: i64| rows.iter().find(|r| r[0] == Value::Int8(o)).unwrap();
        let int4 = find(23);
        assert_eq!((&int4[1], &int4[4], &int4[5], &int4[13]), (&name("int4"), &Value::Int2(4), &flag(true), &oid(1007)));
        let text_array = find(1009);
        assert_eq!((&text_array[1], &text_array[7], &text_array[12], &text_array[20]), (&name("_text"), &char1('A'), &oid(25), &oid(100)));
        assert_eq!(find(1700)[15], char1('m'));
        assert!(rows.iter().all(|r| r.len() == table().columns.len()));
    }
}
