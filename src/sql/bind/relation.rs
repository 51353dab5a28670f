//! FROM-item name resolution: user tables (bare or `public.`-qualified), and the virtual
//! catalog tables the [`Catalog`](super::Catalog) offers: `pg_catalog.x`,
//! `information_schema.x`, and a bare `x` naming a pg_catalog table when no user table has
//! that name. Virtual schemas carry qualified names (`pg_catalog.pg_class`), which is what
//! a Scan of them names; the scope sees them by their bare name.

use super::{ident, undefined_table, Binder};
use crate::catalog::TableSchema;
use crate::error::Result;
use sqlparser::ast;
use std::sync::Arc;

const SYSTEM_SCHEMAS: [&str; 2] = ["pg_catalog", "information_schema"];

impl Binder<'_> {
    /// The table a FROM item reads.
    pub fn relation(&mut self, name: &ast::ObjectName) -> Result<Arc<TableSchema>> {
        let parts: Vec<String> = name.0.iter().map(|p| p.as_ident().map(ident).unwrap_or_default()).collect();
        match parts.as_slice() {
            [s, t] if SYSTEM_SCHEMAS.contains(&s.as_str()) => {
                let qualified = format!("{s}.{t}");
                self.catalog.system_table(&qualified).ok_or_else(|| undefined_table(&qualified))
            }
            [t] if !self.table_exists(t) => match self.catalog.system_table(t) {
                Some(schema) => Ok(schema),
                None => self.table(name),
            },
            _ => self.table(name),
        }
    }
}

/// The name a FROM item is known by in its query: the table name without its schema.
pub fn scope_name(table: &str) -> String {
    table.rsplit('.').next().unwrap_or(table).to_string()
}
