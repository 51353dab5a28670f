//! WITH (common table expressions).
//!
//! A query's WITH list is kept on the binder while the query is bound; a FROM item naming
//! one of its entries (innermost WITH first, so inner names shadow outer ones and tables) is
//! bound from the entry's query as a derived table, each time it is named. The entry's body
//! is bound seeing only the entries declared before it, as PostgreSQL scopes them. Inlining
//! is what PostgreSQL 12+ does for side-effect-free CTEs; one named twice runs twice.
//! Entries of WITH RECURSIVE that refer to themselves are bound by `recursive`.

use super::{ident, Binder, Scope};
use crate::error::{Error, Result};
use crate::sql::plan::{OutCol, Rel};
use sqlparser::ast;

/// One WITH entry.
#[derive(Debug, Clone)]
pub struct CteDef {
    pub name: String,
    pub query: ast::Query,
    pub columns: Vec<String>,
    /// Declared in WITH RECURSIVE.
    pub recursive: bool,
    /// Set while the entry's own recursive body is bound.
    pub work: Option<super::recursive::Work>,
}

impl Binder<'_> {
    /// Makes a query's WITH entries visible (the caller drops them after the query).
    pub fn push_ctes(&mut self, with: &ast::With) -> Result<()> {
        let base = self.ctes.len();
        for cte in &with.cte_tables {
            let name = ident(&cte.alias.name);
            if self.ctes[base..].iter().any(|c| c.name == name) {
                return Err(Error::new("42712", format!("WITH query name \"{name}\" specified more than once")));
            }
            let columns = cte.alias.columns.iter().map(|c| ident(&c.name)).collect();
            self.ctes.push(CteDef { name, query: cte.query.as_ref().clone(), columns, recursive: with.recursive, work: None });
        }
        Ok(())
    }

    /// The WITH entry a FROM item names, bound as a derived table, or None.
    pub fn bind_cte_ref(&mut self, name: &ast::ObjectName, alias: Option<&ast::TableAlias>) -> Option<Result<(Rel, Scope)>> {
        let [part] = name.0.as_slice() else { return None };
        let wanted = ident(part.as_ident()?);
        let at = self.ctes.iter().rposition(|c| c.name == wanted)?;
        Some(self.bind_cte_at(at).map(|(rel, out, columns)| {
            let name = alias.map_or(wanted, |a| ident(&a.name));
            let mut renamed = columns;
            for (i, c) in alias.map_or(&[][..], |a| a.columns.as_slice()).iter().enumerate() {
                match renamed.get_mut(i) {
                    Some(slot) => *slot = ident(&c.name),
                    None => renamed.push(ident(&c.name)),
                }
            }
            self.derived(rel, &out, &name, &renamed)
        }))
    }

    /// The rows of entry `at`, their columns, and the entry's column names: its work table
    /// inside its own recursive body, else its query.
    fn bind_cte_at(&mut self, at: usize) -> Result<(Rel, Vec<OutCol>, Vec<String>)> {
        if self.ctes[at].work.is_some() {
            let (rel, out) = self.work_table_ref(at)?;
            return Ok((rel, out, Vec::new()));
        }
        let def = self.ctes[at].clone();
        let (rel, out) = if def.recursive { self.bind_recursive(at)? } else { self.bind_cte_body(at)? };
        if def.columns.len() > out.len() {
            let msg = format!("WITH query \"{}\" has {} columns available but {} columns specified", def.name, out.len(), def.columns.len());
            return Err(Error::new("42P10", msg));
        }
        Ok((rel, out, def.columns))
    }

    /// An entry's query as a plain query: it sees the entries declared before it.
    pub fn bind_cte_body(&mut self, at: usize) -> Result<(Rel, Vec<OutCol>)> {
        let query = self.ctes[at].query.clone();
        let hidden = self.ctes.split_off(at);
        let bound = self.bind_query(&query);
        self.ctes.extend(hidden);
        bound
    }
}
