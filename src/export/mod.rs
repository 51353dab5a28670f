//! `smarterbase export`: a clean PostgreSQL dump of a data directory.
//!
//! The dump is ordered so that PostgreSQL 15 loads it in one transaction: header comment,
//! session settings, `BEGIN;`, helper functions the defaults need (`gen_random_uuid7()`), every
//! CREATE TABLE (keys, UNIQUE and CHECK inline), the data (COPY blocks, or multi-row INSERTs
//! with `--inserts`), `setval` for serial/identity counters, CREATE INDEX, foreign keys last,
//! `COMMIT;`. No migration history: the schema files are the schema.

mod copy;
mod ddl;
pub(crate) mod quote;

use crate::catalog::{ConstraintKind, TableSchema};
use crate::error::{sqlstate, Error, Result};
use crate::storage::{Snapshot, Table};
use crate::types::text::format_value;
use crate::types::{DataType, FormatOptions, Value};
use std::io::Write;
use std::sync::Arc;

/// What to export and how.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub ddl_only: bool,
    pub data_only: bool,
    /// Only these tables (all when empty).
    pub tables: Vec<String>,
    /// Multi-row INSERT statements instead of COPY.
    pub inserts: bool,
    /// Target PostgreSQL major version: 18 and later have uuidv7() built in.
    pub pg_version: u32,
    /// Show a progress bar on stderr (when it is a terminal).
    pub progress: bool,
}

/// Rows per INSERT statement with `--inserts`.
const INSERT_BATCH: usize = 500;

/// Writes the dump of `snapshot` to `out`.
pub fn export(snapshot: &Snapshot, opts: &ExportOptions, out: &mut impl Write) -> Result<()> {
    let tables = selected_tables(snapshot, &opts.tables)?;
    let schemas: Vec<&TableSchema> = tables.iter().map(|t| t.schema().as_ref()).collect();
    let io = |e: std::io::Error| Error::new(sqlstate::IO_ERROR, format!("could not write the dump: {e}"));
    let mut w = |s: &str| out.write_all(s.as_bytes()).map_err(io);

    w(&header(&schemas))?;
    w("SET standard_conforming_strings = on;\nSET client_encoding = 'UTF8';\nSET check_function_bodies = false;\n\nBEGIN;\n\n")?;
    if !opts.data_only {
        w(&helpers(&schemas, opts.pg_version))?;
        for (name, def) in snapshot.types.iter() {
            w(&ddl::create_type(name, def))?;
        }
        for schema in &schemas {
            w(&ddl::create_table(schema))?;
            w("\n")?;
        }
    }
    if !opts.ddl_only {
        for table in &tables {
            table_data(table, opts, &mut w)?;
        }
    }
    if !opts.data_only {
        for schema in &schemas {
            w(&ddl::create_indexes(schema))?;
        }
        for schema in &schemas {
            w(&ddl::foreign_keys(schema))?;
        }
    }
    w("\nCOMMIT;\n")?;
    out.flush().map_err(io)
}

/// The tables to export, referenced tables before the tables that reference them (so that a
/// `--data-only` dump loads into a schema whose foreign keys already exist).
fn selected_tables(snapshot: &Snapshot, names: &[String]) -> Result<Vec<Arc<Table>>> {
    // A dump that silently leaves out a table whose schema file is broken would lose data.
    let broken = snapshot.broken.iter().find(|(name, _)| names.is_empty() || names.contains(name));
    if let Some((_, err)) = broken {
        return Err(err.clone().with_hint("fix the file, then export again"));
    }
    let mut tables: Vec<Arc<Table>> = if names.is_empty() {
        snapshot.tables.values().cloned().collect()
    } else {
        names
            .iter()
            .map(|n| snapshot.table(n).cloned().ok_or_else(|| Error::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{n}\" does not exist"))))
            .collect::<Result<_>>()?
    };
    let mut ordered: Vec<Arc<Table>> = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready = |t: &Arc<Table>| references(t.schema()).iter().all(|r| *r == t.schema().name || !tables.iter().any(|o| &o.schema().name == r));
        // A cycle of foreign keys: take the rest in name order (their keys are added last anyway).
        let next = tables.iter().position(ready).unwrap_or(0);
        ordered.push(tables.remove(next));
    }
    Ok(ordered)
}

fn references(schema: &TableSchema) -> Vec<String> {
    schema
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => Some(fk.ref_table.clone()),
            ConstraintKind::Check { .. } => None,
        })
        .collect()
}

fn header(schemas: &[&TableSchema]) -> String {
    let now = jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S UTC");
    let names: Vec<&str> = schemas.iter().map(|s| s.name.as_str()).collect();
    format!(
        "--\n-- SmarterBase {} export, {now}\n-- Tables: {}\n-- Load with: psql -v ON_ERROR_STOP=1 -1 -f dump.sql\n--\n\n",
        env!("CARGO_PKG_VERSION"),
        if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
    )
}

/// SQL functions that column defaults call but stock PostgreSQL lacks.
fn helpers(schemas: &[&TableSchema], pg_version: u32) -> String {
    let defaults: Vec<&str> = schemas.iter().flat_map(|s| s.columns.iter().filter_map(|c| c.default.as_deref())).collect();
    let mut out = String::new();
    // gen_random_uuid() with the version nibble set to 7 and the first 48 bits the Unix time in ms.
    let body = "SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing \
                substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) \
                from 1 for 6), 52, 1), 53, 1), 'hex')::uuid";
    if defaults.iter().any(|d| d.contains("gen_random_uuid7(")) {
        out.push_str(&format!("CREATE OR REPLACE FUNCTION gen_random_uuid7() RETURNS uuid LANGUAGE sql VOLATILE AS $$ {body} $$;\n\n"));
    }
    if pg_version < 18 && defaults.iter().any(|d| d.contains("uuidv7(")) {
        out.push_str(&format!("CREATE OR REPLACE FUNCTION uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $$ {body} $$;\n\n"));
    }
    out
}

/// Bytes of output gathered before they are handed to the writer.
const CHUNK: usize = 1 << 16;

/// Writes the table's rows (COPY or INSERTs) followed by setval for its counters.
fn table_data(table: &Table, opts: &ExportOptions, w: &mut impl FnMut(&str) -> Result<()>) -> Result<()> {
    let schema = table.schema();
    let types: Vec<DataType> = schema.columns.iter().map(|c| c.data_type.clone()).collect();
    let counted: Vec<usize> = ddl::counted_columns(schema).filter_map(|c| schema.column_index(&c.name)).collect();
    let mut max: Vec<Option<i64>> = vec![None; counted.len()];
    let fmt = FormatOptions::default();
    let columns = quote::idents(&schema.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>());
    let name = quote::ident(&schema.name);
    let progress = progress_bar(opts.progress, table.len() as u64, &schema.name);
    let mut out = String::new();
    let mut batch: Vec<String> = Vec::new();
    if !opts.inserts {
        out.push_str(&format!("COPY {name} ({columns}) FROM stdin;\n"));
    }
    for stored in table.scan()? {
        let row = stored?.row;
        for (m, &i) in max.iter_mut().zip(&counted) {
            if let Some(v) = row[i].as_i64() {
                *m = Some(m.map_or(v, |m| m.max(v)));
            }
        }
        if opts.inserts {
            batch.push(insert_tuple(&row, &types, &fmt));
            if batch.len() == INSERT_BATCH {
                flush_inserts(&mut out, &name, &columns, &mut batch);
            }
        } else {
            copy::write_row(&mut out, &row, &types, &fmt);
        }
        if out.len() >= CHUNK {
            w(&out)?;
            out.clear();
        }
        if let Some(p) = &progress {
            p.inc(1);
        }
    }
    if opts.inserts {
        flush_inserts(&mut out, &name, &columns, &mut batch);
    } else {
        out.push_str("\\.\n");
    }
    out.push('\n');
    for (&i, m) in counted.iter().zip(max) {
        if let Some(m) = m {
            let seq = format!("pg_get_serial_sequence({}, {})", quote::literal(&name), quote::literal(&schema.columns[i].name));
            out.push_str(&format!("SELECT pg_catalog.setval({seq}, {m}, true);\n"));
        }
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    w(&out)
}

fn insert_tuple(row: &[Value], types: &[DataType], fmt: &FormatOptions) -> String {
    let values: Vec<String> = row
        .iter()
        .zip(types)
        .map(|(v, t)| match v {
            Value::Null => "NULL".to_string(),
            v => quote::literal(&format_value(v, t, fmt)),
        })
        .collect();
    format!("({})", values.join(", "))
}

fn flush_inserts(out: &mut String, name: &str, columns: &str, batch: &mut Vec<String>) {
    if !batch.is_empty() {
        out.push_str(&format!("INSERT INTO {name} ({columns}) VALUES\n    {};\n", batch.join(",\n    ")));
        batch.clear();
    }
}

fn progress_bar(wanted: bool, rows: u64, table: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !wanted || rows < 100_000 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(rows);
    bar.set_message(table.to_string());
    Some(bar)
}
