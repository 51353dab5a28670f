//! Virtual catalog tables, read through the same executor as stored tables. Only
//! `pg_tables` exists so far (drivers and tests ask it whether a table exists); the rest of
//! pg_catalog and information_schema slot in here as more schemas and row builders.

use crate::catalog::{ColumnDef, TableSchema};
use crate::types::{DataType, Row, Value};
use std::sync::Arc;

/// The schema of a virtual table addressed as `[pg_catalog.]name`, if there is one.
pub fn schema(schema_name: Option<&str>, name: &str) -> Option<Arc<TableSchema>> {
    if !matches!(schema_name, None | Some("pg_catalog")) || name != "pg_tables" {
        return None;
    }
    let col = |n: &str, t: DataType| ColumnDef { name: n.into(), data_type: t, primary_key: false, not_null: false, default: None, identity: None };
    let columns = vec![
        col("schemaname", DataType::Name),
        col("tablename", DataType::Name),
        col("tableowner", DataType::Name),
        col("tablespace", DataType::Name),
        col("hasindexes", DataType::Bool),
        col("hasrules", DataType::Bool),
        col("hastriggers", DataType::Bool),
        col("rowsecurity", DataType::Bool),
    ];
    Some(Arc::new(TableSchema { name: name.into(), columns, primary_key: Vec::new(), primary_key_name: None, indexes: Vec::new(), constraints: Vec::new() }))
}

/// The rows of `pg_tables` for these user tables.
pub fn pg_tables_rows(tables: &[Arc<TableSchema>], owner: &str) -> Vec<Row> {
    tables
        .iter()
        .map(|t| {
            let indexed = !t.primary_key_columns().is_empty() || !t.indexes.is_empty();
            vec![
                Value::Text("public".into()),
                Value::Text(t.name.clone()),
                Value::Text(owner.into()),
                Value::Null,
                Value::Bool(indexed),
                Value::Bool(false),
                Value::Bool(false),
                Value::Bool(false),
            ]
        })
        .collect()
}
