//! Applying bound DDL to a transaction: schema changes are buffered like row writes, and an
//! ALTER TABLE that reshapes rows recomputes them here and validates them against the new
//! schema (NOT NULL, CHECK, UNIQUE, FOREIGN KEY) with PostgreSQL's messages.

use super::constraints::{key_text, Checker};
use super::dml::Exec;
use super::txn::DdlOp;
use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::Ddl;
use crate::types::{Row, Value};
use std::sync::Arc;

impl Exec<'_> {
    pub fn ddl(&mut self, ddl: &Ddl) -> Result<()> {
        match ddl {
            Ddl::CreateTable(s) => self.txn.apply_ddl(DdlOp::Create(s.clone()), None),
            Ddl::DropTable { names, detach } => {
                for s in detach {
                    self.txn.apply_ddl(DdlOp::Alter { old_name: s.name.clone(), schema: s.clone(), rewrite: false }, None);
                }
                names.iter().for_each(|n| self.txn.apply_ddl(DdlOp::Drop(n.clone()), None))
            }
            Ddl::Truncate { names } => names.iter().for_each(|n| self.txn.apply_ddl(DdlOp::Truncate(n.clone()), None)),
            Ddl::Alter { old_name, schema, rewrite: None } => {
                self.txn.apply_ddl(DdlOp::Alter { old_name: old_name.clone(), schema: schema.clone(), rewrite: false }, None)
            }
            Ddl::Alter { old_name, schema, rewrite: Some(exprs) } => {
                let rows = self.rewrite_rows(old_name, schema, exprs)?;
                self.txn.apply_ddl(DdlOp::Alter { old_name: old_name.clone(), schema: schema.clone(), rewrite: true }, Some(rows))
            }
            Ddl::CreateType { name, def } => self.txn.apply_ddl(DdlOp::Type(name.clone(), Some(def.clone())), None),
            Ddl::AlterType { name, def } => {
                self.txn.apply_ddl(DdlOp::Type(name.clone(), None), None);
                self.txn.apply_ddl(DdlOp::Type(name.clone(), Some(def.clone())), None)
            }
            Ddl::DropType { names } => names.iter().for_each(|n| self.txn.apply_ddl(DdlOp::Type(n.clone(), None), None)),
            Ddl::Nothing { .. } => {}
        }
        Ok(())
    }

    fn rewrite_rows(&mut self, old_name: &str, schema: &Arc<TableSchema>, exprs: &[Expr]) -> Result<Vec<Row>> {
        let old: Vec<Row> = self.txn.view(self.snap, old_name)?.scan()?.map(|r| r.map(|s| s.row)).collect::<Result<_>>()?;
        let mut rows = Vec::with_capacity(old.len());
        for r in &old {
            rows.push(exprs.iter().map(|e| e.eval(r, self.eval)).collect::<Result<Row>>()?);
        }
        self.validate(schema, &rows)?;
        Ok(rows)
    }

    fn validate(&self, schema: &Arc<TableSchema>, rows: &[Row]) -> Result<()> {
        let checker = Checker::new(schema.clone(), &self.txn.catalog(self.snap))?;
        for row in rows {
            if let Some(c) = schema.columns.iter().zip(row).find(|(c, v)| c.not_null && v.is_null()).map(|(c, _)| c) {
                return Err(Error::new(
                    sqlstate::NOT_NULL_VIOLATION,
                    format!("column \"{}\" of relation \"{}\" contains null values", c.name, schema.name),
                ));
            }
            checker.check_row(row, self.eval).map_err(|e| match e.code {
                sqlstate::CHECK_VIOLATION => {
                    let name = e.message.rsplit(" constraint ").next().unwrap_or("").to_string();
                    Error::new(sqlstate::CHECK_VIOLATION, format!("check constraint {name} of relation \"{}\" is violated by some row", schema.name))
                }
                _ => e,
            })?;
            checker.check_parents(row, self.txn, self.snap, self.eval.opts)?;
        }
        for (name, cols) in &checker.keys {
            let mut seen = ahash::AHashSet::new();
            for row in rows {
                let key: Vec<Value> = cols.iter().map(|c| row[*c].clone()).collect();
                if !key.iter().any(Value::is_null) && !seen.insert(key) {
                    return Err(Error::new(sqlstate::UNIQUE_VIOLATION, format!("could not create unique index \"{name}\""))
                        .with_detail(format!("Key {} is duplicated.", key_text(schema, cols, row, self.eval.opts))));
                }
            }
        }
        Ok(())
    }
}
