//! information_schema.schemata, and information_schema.tables and information_schema.columns
//! for the user tables (and the virtual catalog tables themselves, as PostgreSQL lists its
//! catalogs there), with the values PostgreSQL 15's views compute. Their domain types are served as PostgreSQL sends
//! them on the wire (the base types): sql_identifier as name, character_data as varchar,
//! yes_or_no as varchar(3), cardinal_number as integer.

use super::columns::{int4, name, opt, schema};
use super::defaults::column_default;
use super::source::Source;
use crate::catalog::{ColumnDef, Identity, TableSchema};
use crate::types::{DataType, Row, Value};

pub fn schemata() -> TableSchema {
    schema(
        "information_schema.schemata",
        "catalog_name:name schema_name:name schema_owner:name default_character_set_catalog:name \
         default_character_set_schema:name default_character_set_name:name sql_path:varchar",
    )
}

/// The four schemas; `public` is owned by pg_database_owner, as in PostgreSQL 15.
pub fn schemata_rows(src: &Source) -> Vec<Row> {
    let schemas = [("information_schema", "postgres"), ("pg_catalog", "postgres"), ("pg_toast", "postgres"), ("public", "pg_database_owner")];
    let row = |(s, owner): &(&str, &str)| {
        let mut r = vec![name(&src.database), name(s), name(owner)];
        r.extend(std::iter::repeat_n(Value::Null, 4));
        r
    };
    schemas.iter().map(row).collect()
}

pub fn tables() -> TableSchema {
    schema(
        "information_schema.tables",
        "table_catalog:name table_schema:name table_name:name table_type:varchar self_referencing_column_name:name \
         reference_generation:varchar user_defined_type_catalog:name user_defined_type_schema:name \
         user_defined_type_name:name is_insertable_into:varchar(3) is_typed:varchar(3) commit_action:varchar",
    )
}

/// The pg_catalog relations PostgreSQL defines as views (every information_schema one is).
const VIEWS: [&str; 5] = ["pg_tables", "pg_indexes", "pg_views", "pg_settings", "pg_roles"];

pub fn tables_rows(src: &Source) -> Vec<Row> {
    let row = |t: &TableSchema| {
        let (space, table) = split_name(t);
        let view = space == "information_schema" || (space == "pg_catalog" && VIEWS.contains(&table));
        let mut r = vec![name(&src.database), name(space), name(table), name(if view { "VIEW" } else { "BASE TABLE" })];
        r.extend(std::iter::repeat_n(Value::Null, 5));
        r.extend([name(if view { "NO" } else { "YES" }), name("NO"), Value::Null]);
        r
    };
    src.tables.iter().chain(&src.system).map(|t| row(t)).collect()
}

/// A table's schema and name: `public` for user tables, the prefix for virtual ones.
fn split_name(t: &TableSchema) -> (&str, &str) {
    t.name.split_once('.').unwrap_or(("public", &t.name))
}

pub fn columns() -> TableSchema {
    schema(
        "information_schema.columns",
        "table_catalog:name table_schema:name table_name:name column_name:name ordinal_position:integer \
         column_default:varchar is_nullable:varchar(3) data_type:varchar character_maximum_length:integer \
         character_octet_length:integer numeric_precision:integer numeric_precision_radix:integer \
         numeric_scale:integer datetime_precision:integer interval_type:varchar interval_precision:integer \
         character_set_catalog:name character_set_schema:name character_set_name:name collation_catalog:name \
         collation_schema:name collation_name:name domain_catalog:name domain_schema:name domain_name:name \
         udt_catalog:name udt_schema:name udt_name:name scope_catalog:name scope_schema:name scope_name:name \
         maximum_cardinality:integer dtd_identifier:name is_self_referencing:varchar(3) is_identity:varchar(3) \
         identity_generation:varchar identity_start:varchar identity_increment:varchar identity_maximum:varchar \
         identity_minimum:varchar identity_cycle:varchar(3) is_generated:varchar generation_expression:varchar \
         is_updatable:varchar(3)",
    )
}

pub fn columns_rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in src.tables.iter().chain(&src.system) {
        rows.extend(t.columns.iter().enumerate().map(|(i, c)| column_row(src, t, i + 1, c)));
    }
    rows
}

fn column_row(src: &Source, t: &TableSchema, pos: usize, c: &ColumnDef) -> Row {
    let ty = &c.data_type;
    let yes_no = |b: bool| name(if b { "YES" } else { "NO" });
    let (precision, radix, scale) = numeric_facts(ty);
    let (space, table) = split_name(t);
    let mut r = vec![name(&src.database), name(space), name(table), name(&c.name), int4(pos as i64)];
    r.extend([opt(column_default(t, c), |d| name(&d)), yes_no(!(c.not_null || c.primary_key)), name(&data_type(ty))]);
    r.extend([opt(max_length(ty), int4), opt(octet_length(ty), int4), opt(precision, int4), opt(radix, int4), opt(scale, int4)]);
    r.extend([opt(datetime_precision(ty), int4), Value::Null, Value::Null]);
    r.extend(std::iter::repeat_n(Value::Null, 9));
    r.extend([name(&src.database), name("pg_catalog"), name(&ty.typname()), Value::Null, Value::Null, Value::Null, Value::Null]);
    r.extend([name(&pos.to_string()), yes_no(false)]);
    r.extend(identity_facts(c));
    r.extend([name("NEVER"), Value::Null, yes_no(true)]);
    r
}

fn data_type(t: &DataType) -> String {
    match t {
        DataType::Array(_) => "ARRAY".into(),
        DataType::Enum(_) => "USER-DEFINED".into(),
        DataType::Char(_) => "character".into(),
        other => other.without_modifier().to_string(),
    }
}

fn max_length(t: &DataType) -> Option<i64> {
    match t {
        DataType::Varchar(Some(n)) | DataType::Char(Some(n)) => Some(*n as i64),
        _ => None,
    }
}

fn octet_length(t: &DataType) -> Option<i64> {
    match t {
        DataType::Varchar(Some(n)) | DataType::Char(Some(n)) => Some(*n as i64 * 4),
        DataType::Text | DataType::Varchar(None) | DataType::Char(None) => Some(1_073_741_824),
        _ => None,
    }
}

/// numeric_precision, numeric_precision_radix, numeric_scale.
fn numeric_facts(t: &DataType) -> (Option<i64>, Option<i64>, Option<i64>) {
    match t {
        DataType::Int2 => (Some(16), Some(2), Some(0)),
        DataType::Int4 => (Some(32), Some(2), Some(0)),
        DataType::Int8 => (Some(64), Some(2), Some(0)),
        DataType::Float4 => (Some(24), Some(2), None),
        DataType::Float8 => (Some(53), Some(2), None),
        DataType::Numeric(Some((p, s))) => (Some(*p as i64), Some(10), Some(*s as i64)),
        DataType::Numeric(None) => (None, Some(10), None),
        _ => (None, None, None),
    }
}

fn datetime_precision(t: &DataType) -> Option<i64> {
    match t {
        DataType::Date => Some(0),
        DataType::Time | DataType::Timestamp | DataType::Timestamptz | DataType::Interval => Some(6),
        _ => None,
    }
}

/// is_identity, identity_generation, start, increment, maximum, minimum, cycle.
fn identity_facts(c: &ColumnDef) -> [Value; 7] {
    let generation = match c.identity {
        Some(Identity::Always) => "ALWAYS",
        Some(Identity::ByDefault) => "BY DEFAULT",
        _ => return [name("NO"), Value::Null, Value::Null, Value::Null, Value::Null, Value::Null, name("NO")],
    };
    let max = match c.data_type {
        DataType::Int2 => i16::MAX as i64,
        DataType::Int4 => i32::MAX as i64,
        _ => i64::MAX,
    };
    [name("YES"), name(generation), name("1"), name("1"), name(&max.to_string()), name("1"), name("NO")]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn columns_describe_types_like_postgres() {
        let src = sample();
        let rows = columns_rows(&src);
        assert!(rows.iter().all(|r| r.len() == columns().columns.len()));
        let col = |table: &str, column: &str| rows.iter().find(|r| r[2] == name(table) && r[3] == name(column)).unwrap().clone();
        let id = col("t", "id");
        assert_eq!(id[5..8], [name("nextval('t_id_seq'::regclass)"), name("NO"), name("integer")]);
        assert_eq!(id[10..13], [int4(32), int4(2), int4(0)]);
        let e = col("t", "e");
        assert_eq!((&e[7], &e[8], &e[9], &e[27]), (&name("character varying"), &int4(20), &int4(80), &name("varchar")));
        let n = col("p", "n");
        assert_eq!(n[10..13], [int4(10), int4(10), int4(2)]);
        assert_eq!((&col("t", "tags")[7], &col("t", "tags")[27]), (&name("ARRAY"), &name("_text")));
    }

    #[test]
    fn schemata_list_the_four_schemas() {
        let rows = schemata_rows(&sample());
        assert_eq!(rows[3][1..3], [name("public"), name("pg_database_owner")]);
        assert!(rows.iter().all(|r| r.len() == schemata().columns.len()));
    }

    #[test]
    fn tables_are_base_tables_in_public() {
        let rows = tables_rows(&sample());
        assert_eq!(rows[1][..4], [name("postgres"), name("public"), name("t"), name("BASE TABLE")]);
        assert_eq!(rows[1].len(), tables().columns.len());
    }
}
