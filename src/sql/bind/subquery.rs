//! Subqueries in expressions (scalar, EXISTS, IN / ANY / ALL, ARRAY) and correlation.
//!
//! While a subquery is bound, each enclosing query's scope sits on a stack of frames. A name
//! the subquery's own FROM items do not define is looked up in those scopes, innermost first.
//! An outer column is *captured*: the frame of the query that owns it records the column's
//! expression (over that query's rows), and the subquery reads it as [`Expr::Outer`]. A column
//! two or more levels out is captured by each level in between, so every subquery receives
//! exactly the values it reads. The captures become the `args` of the [`Expr::Subquery`]
//! standing for the subquery, evaluated against the outer row each time it runs.

use super::{Binder, Scope, Typed};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::{SubQuery, SubqueryKind};
use crate::types::DataType;
use sqlparser::ast;

/// An enclosing query while one of its subqueries is bound.
#[derive(Debug)]
pub struct Frame {
    scope: Scope,
    /// The values of this query the subquery reads, as expressions over this query's rows.
    captures: Vec<Expr>,
}

impl Binder<'_> {
    /// Binds a subquery of an expression over `scope` and returns the expression standing for
    /// its value, typed: the column's type, boolean for EXISTS, an array for a list.
    pub fn bind_subquery(&mut self, q: &ast::Query, kind: SubqueryKind, scope: &Scope) -> Result<Typed> {
        self.outer.push(Frame { scope: scope.clone(), captures: Vec::new() });
        let bound = self.bind_query(q);
        let frame = self.outer.pop().expect("the frame pushed above");
        let (rel, cols) = bound?;
        let ty = match (kind, cols.as_slice()) {
            (SubqueryKind::Exists, _) => DataType::Bool,
            (SubqueryKind::List, [c]) => DataType::Array(Box::new(c.data_type.clone())),
            (_, [c]) => c.data_type.clone(),
            _ => return Err(Error::syntax("subquery must return only one column")),
        };
        let correlated = !frame.captures.is_empty();
        self.subqueries.push(SubQuery { rel, kind, correlated });
        Ok(Typed::new(Expr::Subquery { index: self.subqueries.len() - 1, args: frame.captures }, ty))
    }

    /// Resolves `[table.]column` in `scope`, else in the enclosing queries' scopes.
    pub fn column(&mut self, scope: &Scope, table: Option<&str>, column: &str) -> Result<Typed> {
        let inner = match scope.column(table, column) {
            Err(e) if not_found(&e) => e,
            found => return found,
        };
        for level in (0..self.outer.len()).rev() {
            match self.outer[level].scope.column(table, column) {
                Err(e) if not_found(&e) => continue,
                Err(e) if e.code == sqlstate::GROUPING_ERROR => return Err(ungrouped(&self.outer[level].scope, table, column)),
                Err(e) => return Err(e),
                Ok(t) => return Ok(self.capture(level, t)),
            }
        }
        Err(inner)
    }

    /// Threads a column of the query at `level` down to the subquery being bound.
    fn capture(&mut self, level: usize, t: Typed) -> Typed {
        let mut expr = t.expr;
        for frame in &mut self.outer[level..] {
            let i = match frame.captures.iter().position(|c| *c == expr) {
                Some(i) => i,
                None => {
                    frame.captures.push(expr);
                    frame.captures.len() - 1
                }
            };
            expr = Expr::Outer(i);
        }
        Typed::new(expr, t.ty)
    }

    /// Whether the statement bound so far has a correlated subquery.
    pub fn has_correlated_subquery(&self) -> bool {
        self.subqueries.iter().any(|s| s.correlated)
    }
}

/// Errors that let name lookup go on to an enclosing query.
fn not_found(e: &Error) -> bool {
    e.code == sqlstate::UNDEFINED_COLUMN || (e.code == sqlstate::UNDEFINED_TABLE && e.message.starts_with("missing FROM-clause"))
}

fn ungrouped(scope: &Scope, table: Option<&str>, column: &str) -> Error {
    let owner = table.or_else(|| scope.tables.iter().find(|t| t.schema.column_index(column).is_some()).map(|t| t.name.as_str()));
    let name = owner.map_or(column.to_string(), |t| format!("{t}.{column}"));
    Error::new(sqlstate::GROUPING_ERROR, format!("subquery uses ungrouped column \"{name}\" from outer query"))
}
