//! INSERT, UPDATE and DELETE: compute the new row versions, check constraints, handle ON
//! CONFLICT and foreign-key actions, and record the writes in the transaction.

use super::constraints::{key_text, matching, Checker};
use super::executor::{run, stored_rows, Ctx};
use super::interrupt::Interrupt;
use super::txn::TxnState;
use crate::catalog::{ConstraintKind, ForeignKey, Identity, TableSchema};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::{truth, EvalCtx, Expr};
use crate::sql::plan::{ColumnDefault, DeletePlan, InsertPlan, InsertSource, OnConflict, UpdatePlan};
use crate::storage::{Key, Snapshot, Store, StoredRow};
use crate::types::{DataType, Row, Value};
use std::sync::Arc;

/// What a write statement runs against.
pub struct Exec<'a> {
    pub store: &'a Store,
    pub snap: &'a Snapshot,
    pub txn: &'a mut TxnState,
    pub eval: &'a EvalCtx<'a>,
    pub interrupt: &'a Interrupt,
}

/// Rows affected and RETURNING rows.
#[derive(Default)]
pub struct Written {
    pub count: u64,
    pub rows: Vec<Row>,
}

impl Exec<'_> {
    fn read<T>(&self, f: impl FnOnce(&Ctx) -> Result<T>) -> Result<T> {
        let ctx = Ctx { snap: self.snap, txn: self.txn, eval: self.eval, interrupt: self.interrupt, settings: None, work: &[] };
        f(&ctx)
    }

    fn schema(&self, table: &str) -> Result<Arc<TableSchema>> {
        self.txn.schema(self.snap, table).ok_or_else(|| crate::sql::bind::undefined_table(table))
    }

    fn checker(&self, table: &str) -> Result<Checker> {
        Checker::new(self.schema(table)?, &self.txn.catalog(self.snap))
    }

    fn returning(&self, exprs: &Option<Vec<Expr>>, row: &Row, out: &mut Written) -> Result<()> {
        out.count += 1;
        if let Some(exprs) = exprs {
            out.rows.push(exprs.iter().map(|e| e.eval(row, self.eval)).collect::<Result<_>>()?);
        }
        Ok(())
    }

    pub fn insert(&mut self, plan: &InsertPlan) -> Result<Written> {
        let checker = self.checker(&plan.table)?;
        let cells = self.insert_cells(plan, checker.schema.columns.len())?;
        let mut out = Written::default();
        let mut touched: Vec<Key> = Vec::new();
        for cells in cells {
            let row = self.fill_defaults(&checker.schema, &plan.defaults, cells)?;
            checker.check_row(&row, self.eval)?;
            checker.check_parents(&row, self.txn, self.snap, self.eval.opts)?;
            let conflict_on = match &plan.on_conflict {
                OnConflict::DoNothing { columns } | OnConflict::DoUpdate { columns, .. } => Some(columns.as_slice()),
                OnConflict::Error => None,
            };
            let hit = match conflict_on {
                Some(cols) => self.read(|c| checker.conflict(&c.view(&plan.table)?, &row, None, (!cols.is_empty()).then_some(cols)))?,
                None => None,
            };
            match (hit, &plan.on_conflict) {
                (None, _) => {
                    if let Some((k, _)) = self.read(|c| checker.conflict(&c.view(&plan.table)?, &row, None, None))? {
                        return Err(checker.unique_error(k, &row, self.eval.opts));
                    }
                    touched.push(self.txn.insert(&checker.schema, row.clone()));
                    self.returning(&plan.returning, &row, &mut out)?;
                }
                (Some(_), OnConflict::DoNothing { .. }) => {}
                (Some((_, existing)), OnConflict::DoUpdate { sets, predicate, .. }) => {
                    if touched.contains(&existing.key) {
                        return Err(Error::new(sqlstate::CARDINALITY_VIOLATION, "ON CONFLICT DO UPDATE command cannot affect row a second time")
                            .with_hint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values."));
                    }
                    touched.push(existing.key.clone());
                    let merged: Row = existing.row.iter().chain(&row).cloned().collect();
                    if let Some(p) = predicate {
                        if !truth(&p.eval(&merged, self.eval)?) {
                            continue;
                        }
                    }
                    let new = self.apply_sets(&existing.row, &merged, sets)?;
                    let new = self.write_update(&checker, &existing, new)?;
                    self.returning(&plan.returning, &new, &mut out)?;
                }
                (Some(_), OnConflict::Error) => unreachable!("conflicts are only looked up with ON CONFLICT"),
            }
        }
        Ok(out)
    }

    /// The source rows as one optional value per table column (None = default).
    fn insert_cells(&self, plan: &InsertPlan, width: usize) -> Result<Vec<Vec<Option<Value>>>> {
        match &plan.source {
            InsertSource::Values(rows) => {
                rows.iter().map(|r| r.iter().map(|c| c.as_ref().map(|e| e.eval(&[], self.eval)).transpose()).collect()).collect()
            }
            InsertSource::Query { rel, columns } => {
                let rows: Vec<Row> = self.read(|c| run(rel, c)?.collect())?;
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        let mut cells = vec![None; width];
                        r.into_iter().zip(columns).for_each(|(v, c)| cells[*c] = Some(v));
                        cells
                    })
                    .collect())
            }
        }
    }

    fn fill_defaults(&self, schema: &TableSchema, defaults: &[ColumnDefault], cells: Vec<Option<Value>>) -> Result<Row> {
        let mut row = Vec::with_capacity(cells.len());
        for ((cell, default), col) in cells.into_iter().zip(defaults).zip(&schema.columns) {
            if cell.is_some() && col.identity == Some(Identity::Always) {
                return Err(Error::new("428C9", format!("cannot insert a non-DEFAULT value into column \"{}\"", col.name))
                    .with_detail(format!("Column \"{}\" is an identity column defined as GENERATED ALWAYS.", col.name))
                    .with_hint("Use OVERRIDING SYSTEM VALUE to override."));
            }
            row.push(match (cell, default) {
                (Some(v), _) => v,
                (None, ColumnDefault::Null) => Value::Null,
                (None, ColumnDefault::Expr(e)) => e.eval(&[], self.eval)?,
                (None, ColumnDefault::Uuid7) => Value::Uuid(uuid::Uuid::now_v7()),
                (None, ColumnDefault::Sequence) => sequence_value(self.store.next_sequence_value(&schema.name, &col.name)?, &col.data_type)?,
            });
        }
        Ok(row)
    }

    fn apply_sets(&self, old: &Row, input: &Row, sets: &[(usize, Expr)]) -> Result<Row> {
        let mut new = old.clone();
        for (c, e) in sets {
            new[*c] = e.eval(input, self.eval)?;
        }
        Ok(new)
    }

    /// Checks and records a new version of `old`; returns the row written.
    fn write_update(&mut self, checker: &Checker, old: &StoredRow, new: Row) -> Result<Row> {
        checker.check_row(&new, self.eval)?;
        checker.check_parents(&new, self.txn, self.snap, self.eval.opts)?;
        if let Some((k, _)) = self.read(|c| checker.conflict(&c.view(&checker.schema.name)?, &new, Some(old), None))? {
            return Err(checker.unique_error(k, &new, self.eval.opts));
        }
        self.enforce_children(&checker.schema, &old.row, Some(&new))?;
        self.txn.update(&checker.schema, old, new.clone());
        Ok(new)
    }

    pub fn update(&mut self, plan: &UpdatePlan) -> Result<Written> {
        let checker = self.checker(&plan.target.table)?;
        let targets: Vec<StoredRow> = self.read(|c| stored_rows(&plan.target.source, c)?.collect())?;
        let mut out = Written::default();
        for old in targets {
            let new = self.apply_sets(&old.row, &old.row, &plan.sets)?;
            let new = self.write_update(&checker, &old, new)?;
            self.returning(&plan.returning, &new, &mut out)?;
        }
        Ok(out)
    }

    pub fn delete(&mut self, plan: &DeletePlan) -> Result<Written> {
        let schema = self.schema(&plan.target.table)?;
        let targets: Vec<StoredRow> = self.read(|c| stored_rows(&plan.target.source, c)?.collect())?;
        let mut out = Written::default();
        for old in targets {
            self.delete_row(&schema, &old)?;
            self.returning(&plan.returning, &old.row, &mut out)?;
        }
        Ok(out)
    }

    fn delete_row(&mut self, schema: &TableSchema, old: &StoredRow) -> Result<()> {
        self.enforce_children(schema, &old.row, None)?;
        self.txn.delete(&schema.name, old);
        Ok(())
    }

    /// Foreign keys pointing at `parent`: a deleted row (`new` None) or a changed key must not
    /// leave children behind, unless the key says CASCADE or SET NULL.
    fn enforce_children(&mut self, parent: &TableSchema, old: &Row, new: Option<&Row>) -> Result<()> {
        for (child, name, fk) in self.referencing(&parent.name) {
            let parent_cols: Vec<usize> = fk.ref_columns.iter().filter_map(|n| parent.column_index(n)).collect();
            let values: Vec<Value> = parent_cols.iter().map(|c| old[*c].clone()).collect();
            if values.iter().any(Value::is_null) || new.is_some_and(|n| parent_cols.iter().all(|c| n[*c] == old[*c])) {
                continue;
            }
            let child_cols: Vec<usize> = fk.columns.iter().filter_map(|n| child.column_index(n)).collect();
            let rows = self.read(|c| matching(&c.view(&child.name)?, &child_cols, &values))?;
            if rows.is_empty() {
                continue;
            }
            let action = if new.is_some() { &fk.on_update } else { &fk.on_delete };
            match (action.as_str(), new) {
                ("cascade", None) => rows.iter().try_for_each(|r| self.delete_row(&child, r))?,
                ("cascade", Some(n)) => self.set_children(&child, &rows, &child_cols, |i| n[parent_cols[i]].clone())?,
                ("set null", _) => self.set_children(&child, &rows, &child_cols, |_| Value::Null)?,
                _ => {
                    return Err(Error::new(
                        sqlstate::FOREIGN_KEY_VIOLATION,
                        format!(
                            "update or delete on table \"{}\" violates foreign key constraint \"{name}\" on table \"{}\"",
                            parent.name, child.name
                        ),
                    )
                    .with_detail(format!(
                        "Key {} is still referenced from table \"{}\".",
                        key_text(parent, &parent_cols, old, self.eval.opts),
                        child.name
                    )))
                }
            }
        }
        Ok(())
    }

    fn set_children(&mut self, child: &Arc<TableSchema>, rows: &[StoredRow], cols: &[usize], value: impl Fn(usize) -> Value) -> Result<()> {
        let checker = Checker::new(child.clone(), &self.txn.catalog(self.snap))?;
        for r in rows {
            let mut new = r.row.clone();
            cols.iter().enumerate().for_each(|(i, c)| new[*c] = value(i));
            checker.check_row(&new, self.eval)?;
            self.txn.update(child, r, new);
        }
        Ok(())
    }

    /// Tables with a foreign key to `table`: (child schema, constraint name, key).
    fn referencing(&self, table: &str) -> Vec<(Arc<TableSchema>, String, ForeignKey)> {
        let catalog = self.txn.catalog(self.snap);
        let mut out = Vec::new();
        for name in crate::sql::bind::Catalog::table_names(&catalog) {
            let Some(s) = crate::sql::bind::Catalog::table(&catalog, &name) else { continue };
            for c in &s.constraints {
                if let ConstraintKind::ForeignKey(fk) = &c.kind {
                    if fk.ref_table == table {
                        out.push((s.clone(), c.name.clone(), fk.clone()));
                    }
                }
            }
        }
        out
    }
}

/// A sequence's next value as the column's integer type.
fn sequence_value(v: i64, ty: &DataType) -> Result<Value> {
    let out_of_range = || Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("nextval: reached maximum value of sequence ({v})"));
    Ok(match ty {
        DataType::Int2 => Value::Int2(i16::try_from(v).map_err(|_| out_of_range())?),
        DataType::Int4 => Value::Int4(i32::try_from(v).map_err(|_| out_of_range())?),
        _ => Value::Int8(v),
    })
}
