//! Constraint checks at statement time, against committed data plus the transaction's own
//! writes: NOT NULL (23502), CHECK (23514), UNIQUE / PRIMARY KEY (23505) and FOREIGN KEY
//! (23503), with PostgreSQL's messages and `Failing row contains (...)` / `Key (...)` details.

use super::txn::{TableView, TxnState};
use crate::catalog::{ConstraintKind, ForeignKey, TableSchema};
use crate::error::{sqlstate, Error, Result};
use crate::sql::bind::{Binder, Catalog, Scope};
use crate::sql::expr::{EvalCtx, Expr};
use crate::storage::{Key, Snapshot, StoredRow};
use crate::types::text::format_value;
use crate::types::{FormatOptions, Row, Value};
use std::sync::Arc;

/// A table's constraints, bound once per statement.
pub struct Checker {
    pub schema: Arc<TableSchema>,
    checks: Vec<(String, Expr)>,
    /// Unique keys (primary key first): constraint name and column positions.
    pub keys: Vec<(String, Vec<usize>)>,
    fks: Vec<(String, ForeignKey, Vec<usize>)>,
}

impl Checker {
    pub fn new(schema: Arc<TableSchema>, catalog: &dyn Catalog) -> Result<Checker> {
        let mut checks = Vec::new();
        let mut fks = Vec::new();
        for c in &schema.constraints {
            match &c.kind {
                ConstraintKind::Check { expr } => checks.push((c.name.clone(), bind_check(&schema, expr, catalog)?)),
                ConstraintKind::ForeignKey(fk) => {
                    let cols = fk.columns.iter().filter_map(|n| schema.column_index(n)).collect();
                    fks.push((c.name.clone(), fk.clone(), cols));
                }
            }
        }
        let pk = schema.primary_key_columns();
        let mut keys = Vec::new();
        if !pk.is_empty() {
            keys.push((schema.primary_key_constraint_name(), pk));
        }
        for i in schema.indexes.iter().filter(|i| i.unique) {
            keys.push((i.name.clone(), i.columns.iter().filter_map(|n| schema.column_index(n)).collect()));
        }
        Ok(Checker { schema, checks, keys, fks })
    }

    /// NOT NULL and CHECK on a new row version.
    pub fn check_row(&self, row: &Row, ctx: &EvalCtx) -> Result<()> {
        for (c, v) in self.schema.columns.iter().zip(row) {
            if v.is_null() && c.not_null {
                return Err(Error::new(
                    sqlstate::NOT_NULL_VIOLATION,
                    format!("null value in column \"{}\" of relation \"{}\" violates not-null constraint", c.name, self.schema.name),
                )
                .with_detail(failing_row(&self.schema, row, ctx.opts)));
            }
        }
        for (name, e) in &self.checks {
            if matches!(e.eval(row, ctx)?, Value::Bool(false)) {
                return Err(Error::new(
                    sqlstate::CHECK_VIOLATION,
                    format!("new row for relation \"{}\" violates check constraint \"{name}\"", self.schema.name),
                )
                .with_detail(failing_row(&self.schema, row, ctx.opts)));
            }
        }
        Ok(())
    }

    /// The first existing row (other than `own`, the row `row` is a new version of) that `row`
    /// collides with on `keys`. A key whose values `own` already had is not looked up: no other
    /// row can hold them (an update of other columns reads no row for its unique keys).
    pub fn conflict(&self, view: &TableView, row: &Row, own: Option<&StoredRow>, only: Option<&[usize]>) -> Result<Option<(usize, StoredRow)>> {
        for (i, (_, cols)) in self.keys.iter().enumerate() {
            if only.is_some_and(|o| !same_set(o, cols)) || own.is_some_and(|o| cols.iter().all(|c| o.row[*c] == row[*c])) {
                continue;
            }
            let values: Vec<Value> = cols.iter().map(|c| row[*c].clone()).collect();
            if values.iter().any(Value::is_null) {
                continue;
            }
            let found = match view.lookup(cols, &values)? {
                Some(rows) => rows,
                None => view
                    .scan()?
                    .filter(|r| r.as_ref().map_or(true, |r| cols.iter().zip(&values).all(|(c, v)| r.row[*c] == *v)))
                    .collect::<Result<_>>()?,
            };
            if let Some(hit) = found.into_iter().find(|r| own.is_none_or(|o| o.key != r.key)) {
                return Ok(Some((i, hit)));
            }
        }
        Ok(None)
    }

    pub fn unique_error(&self, key: usize, row: &Row, opts: &FormatOptions) -> Error {
        let (name, cols) = &self.keys[key];
        Error::new(sqlstate::UNIQUE_VIOLATION, format!("duplicate key value violates unique constraint \"{name}\""))
            .with_detail(format!("Key {} already exists.", key_text(&self.schema, cols, row, opts)))
    }

    /// Every foreign key of this table must find its parent row.
    pub fn check_parents(&self, row: &Row, txn: &TxnState, snap: &Snapshot, opts: &FormatOptions) -> Result<()> {
        for (name, fk, cols) in &self.fks {
            let values: Vec<Value> = cols.iter().map(|c| row[*c].clone()).collect();
            if values.iter().any(Value::is_null) {
                continue;
            }
            let parent = txn.view(snap, &fk.ref_table)?;
            let ref_cols: Vec<usize> = fk.ref_columns.iter().filter_map(|n| parent.schema.column_index(n)).collect();
            if !exists(&parent, &ref_cols, &values)? {
                return Err(Error::new(
                    sqlstate::FOREIGN_KEY_VIOLATION,
                    format!("insert or update on table \"{}\" violates foreign key constraint \"{name}\"", self.schema.name),
                )
                .with_detail(format!(
                    "Key {} is not present in table \"{}\".",
                    key_text(&self.schema, cols, row, opts),
                    fk.ref_table
                )));
            }
        }
        Ok(())
    }
}

/// Whether any visible row has `values` in `cols`.
pub fn exists(view: &TableView, cols: &[usize], values: &[Value]) -> Result<bool> {
    Ok(!matching(view, cols, values)?.is_empty())
}

/// Visible rows with `values` in `cols` (through an index when one covers them).
pub fn matching(view: &TableView, cols: &[usize], values: &[Value]) -> Result<Vec<StoredRow>> {
    if view.schema.primary_key_columns() == cols {
        return Ok(view.get(&Key(values.iter().cloned().collect()))?.into_iter().collect());
    }
    match view.lookup(cols, values)? {
        Some(rows) => Ok(rows),
        None => view.scan()?.filter(|r| r.as_ref().map_or(true, |r| cols.iter().zip(values).all(|(c, v)| r.row[*c] == *v))).collect(),
    }
}

fn same_set(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

fn bind_check(schema: &Arc<TableSchema>, expr: &str, catalog: &dyn Catalog) -> Result<Expr> {
    let ast = crate::sql::parse::parse_expr(expr)?;
    let mut b = Binder::new(catalog);
    b.bind_predicate(&ast, &Scope::of(&schema.name, schema.clone()), "CHECK")
}

/// `(a, b)=(1, x)` as in PostgreSQL's key details.
pub fn key_text(schema: &TableSchema, cols: &[usize], row: &Row, opts: &FormatOptions) -> String {
    let names: Vec<&str> = cols.iter().map(|c| schema.columns[*c].name.as_str()).collect();
    let values: Vec<String> = cols.iter().map(|c| value_text(&row[*c], &schema.columns[*c].data_type, opts)).collect();
    format!("({})=({})", names.join(", "), values.join(", "))
}

/// `Failing row contains (1, null, x).`
pub fn failing_row(schema: &TableSchema, row: &Row, opts: &FormatOptions) -> String {
    let values: Vec<String> = row.iter().zip(&schema.columns).map(|(v, c)| value_text(v, &c.data_type, opts)).collect();
    format!("Failing row contains ({}).", values.join(", "))
}

fn value_text(v: &Value, ty: &crate::types::DataType, opts: &FormatOptions) -> String {
    if v.is_null() {
        "null".to_string()
    } else {
        format_value(v, ty, opts)
    }
}
