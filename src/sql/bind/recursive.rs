//! WITH RECURSIVE: `name [(cols)] AS (non-recursive term UNION [ALL] recursive term)`.
//!
//! The non-recursive term is bound first (a reference to the entry there is 42P19) and fixes
//! the columns' names and types. While the recursive term is bound, the entry's name means a
//! work table ([`Rel::WorkTable`]): the rows the previous iteration produced. Its columns must
//! have the same types on both sides (42804, as in PostgreSQL). The executor runs the
//! non-recursive term, then the recursive term over the newest rows until it yields none
//! (UNION also drops rows seen before). An entry of WITH RECURSIVE that never refers to itself
//! is an ordinary one.

use super::Binder;
use crate::error::{sqlstate, Error, Result};
use crate::sql::plan::{OutCol, Rel};
use sqlparser::ast::{self, SetExpr};

/// The work table of a recursive entry whose body is being bound.
#[derive(Debug, Clone)]
pub struct Work {
    id: usize,
    /// The columns, once the non-recursive term is bound.
    columns: Option<Vec<OutCol>>,
    used: bool,
    /// How many subquery levels deep the body is (a reference from a subquery is refused).
    depth: usize,
}

impl Binder<'_> {
    /// Binds the entry at `at` of a WITH RECURSIVE list.
    pub fn bind_recursive(&mut self, at: usize) -> Result<(Rel, Vec<OutCol>)> {
        let def = self.ctes[at].clone();
        let q = &def.query;
        let SetExpr::SetOperation { op: ast::SetOperator::Union, set_quantifier, left, right } = q.body.as_ref() else {
            return self.bind_cte_body(at);
        };
        if q.order_by.is_some() || q.limit_clause.is_some() || q.with.is_some() {
            return Err(Error::unsupported("ORDER BY, LIMIT or WITH in a recursive query"));
        }
        let all = match set_quantifier {
            ast::SetQuantifier::All => true,
            ast::SetQuantifier::None | ast::SetQuantifier::Distinct => false,
            other => return Err(Error::unsupported(format!("UNION {other}"))),
        };
        let id = self.next_work_table;
        self.next_work_table += 1;
        let hidden = self.ctes.split_off(at + 1);
        self.ctes[at].work = Some(Work { id, columns: None, used: false, depth: self.outer.len() });
        let bound = self.bind_terms(at, left, right);
        let work = self.ctes[at].work.take();
        self.ctes.extend(hidden);
        let (base, step, columns) = bound?;
        if !work.is_some_and(|w| w.used) {
            return self.bind_cte_body(at);
        }
        Ok((Rel::Recursive { id, all, base: Box::new(base), step: Box::new(step) }, columns))
    }

    fn bind_terms(&mut self, at: usize, left: &SetExpr, right: &SetExpr) -> Result<(Rel, Rel, Vec<OutCol>)> {
        let (base, mut columns) = self.bind_set_expr(left)?;
        for (c, name) in columns.iter_mut().zip(&self.ctes[at].columns) {
            c.name = name.clone();
        }
        if let Some(w) = self.ctes[at].work.as_mut() {
            w.columns = Some(columns.clone());
        }
        let (step, step_columns) = self.bind_set_expr(right)?;
        let name = &self.ctes[at].name;
        if step_columns.len() != columns.len() {
            return Err(Error::syntax("each UNION query must have the same number of columns"));
        }
        for (i, (a, b)) in columns.iter().zip(&step_columns).enumerate() {
            if a.data_type.without_modifier() != b.data_type.without_modifier() {
                return Err(Error::new(
                    sqlstate::DATATYPE_MISMATCH,
                    format!(
                        "recursive query \"{name}\" column {} has type {} in non-recursive term but type {} overall",
                        i + 1,
                        a.data_type,
                        b.data_type
                    ),
                )
                .with_hint("Cast the output of the non-recursive term to the correct type."));
            }
        }
        Ok((base, step, columns))
    }

    /// A reference to a recursive entry from inside its own body.
    pub fn work_table_ref(&mut self, at: usize) -> Result<(Rel, Vec<OutCol>)> {
        let depth = self.outer.len();
        let name = self.ctes[at].name.clone();
        let work = self.ctes[at].work.as_mut().expect("checked by the caller");
        let refused = |what: &str| Error::new("42P19", format!("recursive reference to query \"{name}\" must not appear within {what}"));
        if depth > work.depth {
            return Err(refused("a subquery"));
        }
        let columns = work.columns.clone().ok_or_else(|| refused("its non-recursive term"))?;
        work.used = true;
        Ok((Rel::WorkTable { id: work.id }, columns))
    }
}
