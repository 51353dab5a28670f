//! UNION / INTERSECT / EXCEPT [ALL].
//!
//! Both sides must have the same number of columns; each column's type is resolved across the
//! two sides the way CASE resolves its results (numbers promote, strings meet at text, an
//! untyped literal takes the other side's type, no match is 42804), and a side whose column
//! has another type is wrapped in a Project that casts it. Names come from the left side. ORDER BY over the result may name an output
//! column or give its position, nothing else, as in PostgreSQL.

use super::coerce::common_type;
use super::{ident, Binder, Typed};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::{OutCol, Rel, SetOp, SortKey};
use crate::types::cast::CastKind;
use sqlparser::ast::{self, SetExpr};

impl Binder<'_> {
    /// A set operation, or a parenthesized query, as one row source.
    pub fn bind_set_expr(&mut self, body: &SetExpr) -> Result<(Rel, Vec<OutCol>)> {
        crate::sql::stack::check()?;
        let SetExpr::SetOperation { left, op, set_quantifier, right } = body else {
            return match body {
                SetExpr::Select(s) => self.bind_select(s, &[]),
                SetExpr::Values(v) => self.bind_values_query(v, &[]),
                SetExpr::Query(q) => self.bind_query(q),
                other => Err(Error::unsupported(format!("query {}", other.to_string().chars().take(30).collect::<String>()))),
            };
        };
        let name = op.to_string().to_uppercase();
        let op = match op {
            ast::SetOperator::Union => SetOp::Union,
            ast::SetOperator::Intersect => SetOp::Intersect,
            ast::SetOperator::Except => SetOp::Except,
            ast::SetOperator::Minus => return Err(Error::unsupported("MINUS")),
        };
        let all = match set_quantifier {
            ast::SetQuantifier::All => true,
            ast::SetQuantifier::Distinct | ast::SetQuantifier::None => false,
            other => return Err(Error::unsupported(format!("{name} {other}"))),
        };
        let (l, lcols) = self.bind_operand(left)?;
        let (r, rcols) = self.bind_operand(right)?;
        if lcols.len() != rcols.len() {
            return Err(Error::syntax(format!("each {name} query must have the same number of columns")));
        }
        let mut columns = Vec::with_capacity(lcols.len());
        for (a, b) in lcols.iter().zip(&rcols) {
            let ty = common_type(&a.data_type, &b.data_type).ok_or_else(|| {
                Error::new(sqlstate::DATATYPE_MISMATCH, format!("{name} types {} and {} cannot be matched", a.data_type, b.data_type))
            })?;
            let ty = if ty == crate::types::DataType::Unknown { crate::types::DataType::Text } else { ty };
            columns.push(OutCol::computed(a.name.clone(), ty));
        }
        let (left, right) = (self.cast_side(l, &lcols, &columns)?, self.cast_side(r, &rcols, &columns)?);
        Ok((Rel::SetOp { op, all, left: Box::new(left), right: Box::new(right) }, columns))
    }

    /// One side of a set operation. A SELECT's untyped literals (`'x'`, NULL) stay unknown
    /// until the other side's type is known, as PostgreSQL resolves them.
    fn bind_operand(&mut self, side: &SetExpr) -> Result<(Rel, Vec<OutCol>)> {
        let SetExpr::Select(s) = side else { return self.bind_set_expr(side) };
        let saved = std::mem::replace(&mut self.unknown_outputs, true);
        let bound = self.bind_select(s, &[]);
        self.unknown_outputs = saved;
        bound
    }

    /// Casts a side's columns to the resolved types (as is when they already match).
    fn cast_side(&mut self, rel: Rel, have: &[OutCol], want: &[OutCol]) -> Result<Rel> {
        if have.iter().zip(want).all(|(h, w)| h.data_type == w.data_type) {
            return Ok(rel);
        }
        let exprs = have
            .iter()
            .zip(want)
            .enumerate()
            .map(|(i, (h, w))| self.coerce(Typed::new(Expr::Column(i), h.data_type.clone()), &w.data_type, CastKind::Implicit))
            .collect::<Result<Vec<_>>>()?;
        Ok(Rel::Project { input: Box::new(rel), exprs })
    }

    /// ORDER BY over a set operation's result: output names and positions only.
    pub fn order_output(&mut self, rel: Rel, columns: &[OutCol], order: &[ast::OrderByExpr]) -> Result<Rel> {
        if order.is_empty() {
            return Ok(rel);
        }
        let mut keys = Vec::with_capacity(order.len());
        for o in order {
            let col = match &o.expr {
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::Number(n, _) => n
                        .parse::<usize>()
                        .ok()
                        .filter(|i| (1..=columns.len()).contains(i))
                        .map(|i| i - 1)
                        .ok_or_else(|| Error::new(sqlstate::INVALID_COLUMN_REFERENCE, format!("ORDER BY position {n} is not in select list")))?,
                    _ => return Err(invalid_order()),
                },
                ast::Expr::Identifier(id) => {
                    let name = ident(id);
                    columns
                        .iter()
                        .position(|c| c.name == name)
                        .ok_or_else(|| Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{name}\" does not exist")))?
                }
                _ => return Err(invalid_order()),
            };
            let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            keys.push(SortKey { expr: Expr::Column(col), desc, nulls_first: o.options.nulls_first.unwrap_or(desc) });
        }
        Ok(Rel::Sort { input: Box::new(rel), keys })
    }
}

fn invalid_order() -> Error {
    Error::new(sqlstate::FEATURE_NOT_SUPPORTED, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause")
        .with_detail("Only result column names can be used, not expressions or functions.")
        .with_hint("Add the expression/function to every SELECT, or move the UNION into a FROM clause.")
}
