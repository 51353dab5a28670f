//! FROM-item name resolution: user tables (bare or `public.`-qualified), and the virtual
//! catalog tables the [`Catalog`](super::Catalog) offers: `pg_catalog.x`,
//! `information_schema.x`, and a bare `x` naming a pg_catalog table when no user table has
//! that name. Virtual schemas carry qualified names (`pg_catalog.pg_class`), which is what
//! their `Rel::Virtual` names; the scope sees them by their bare name.

use super::{ident, undefined_table, Binder};
use crate::catalog::TableSchema;
use crate::error::Result;
use crate::sql::plan::Rel;
use sqlparser::ast;
use std::sync::Arc;

const SYSTEM_SCHEMAS: [&str; 2] = ["pg_catalog", "information_schema"];

impl Binder<'_> {
    /// The row source a FROM item names, and its schema.
    pub fn relation(&mut self, name: &ast::ObjectName) -> Result<(Rel, Arc<TableSchema>)> {
        let schema = match self.system_relation(name) {
            Some(found) => return found.map(|s| (Rel::Virtual { table: s.name.clone() }, s)),
            None => self.table(name)?,
        };
        Ok((Rel::Scan { table: schema.name.clone() }, schema))
    }

    /// The virtual table a name means, an error for a missing one in a system schema, or
    /// None for a user table.
    fn system_relation(&mut self, name: &ast::ObjectName) -> Option<Result<Arc<TableSchema>>> {
        let parts: Vec<String> = name.0.iter().map(|p| p.as_ident().map(ident).unwrap_or_default()).collect();
        match parts.as_slice() {
            [s, t] if SYSTEM_SCHEMAS.contains(&s.as_str()) => {
                let qualified = format!("{s}.{t}");
                Some(self.catalog.system_table(&qualified).ok_or_else(|| undefined_table(&qualified)))
            }
            [t] if !self.table_exists(t) => self.catalog.system_table(t).map(Ok),
            _ => None,
        }
    }
}

/// The name a FROM item is known by in its query: the table name without its schema.
pub fn scope_name(table: &str) -> String {
    table.rsplit('.').next().unwrap_or(table).to_string()
}
