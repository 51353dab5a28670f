//! Aggregation: count(*), count, sum, avg, min, max, string_agg, array_agg, bool_and / every,
//! bool_or, over the whole input or per
//! GROUP BY group (plain columns). The calls found in the select list, HAVING and ORDER BY
//! become an Aggregate node whose rows are the group columns then the aggregate values; the
//! select list is then bound against that output (see `Scope::aggregates`).

use super::{Binder, Scope};
use crate::error::{Error, Result};
use crate::sql::plan::{AggFunc, Aggregate, Rel, SortKey};
use crate::types::cast::CastKind;
use crate::types::DataType;
use sqlparser::ast::{self, Expr as A, Visit, Visitor};
use std::ops::ControlFlow;

pub fn is_aggregate(name: &str) -> bool {
    matches!(name, "count" | "sum" | "avg" | "min" | "max" | "string_agg" | "array_agg" | "bool_and" | "bool_or" | "every")
}

/// The parts of a SELECT that aggregation looks at.
pub struct Clauses<'a> {
    pub items: &'a [ast::SelectItem],
    pub order: &'a [ast::OrderByExpr],
    pub group_by: &'a [A],
    pub having: Option<&'a A>,
}

/// Adds an Aggregate node (and HAVING's filter) when the query groups or aggregates.
pub fn bind(b: &mut Binder, rel: Rel, scope: Scope, q: &Clauses) -> Result<(Rel, Scope)> {
    let (items, order) = (q.items, q.order);
    let mut calls = Calls::default();
    for item in items {
        let _ = item.visit(&mut calls);
    }
    for o in order {
        let _ = o.visit(&mut calls);
    }
    if let Some(having) = q.having {
        let _ = having.visit(&mut calls);
    }
    let calls = calls.found;
    if calls.is_empty() && q.group_by.is_empty() && q.having.is_none() {
        return Ok((rel, scope));
    }
    let mut groups = q.group_by.iter().map(|g| group_column(b, g, items, &scope)).collect::<Result<Vec<_>>>()?;
    add_dependent_columns(&mut groups, &scope);
    let mut aggs = Vec::with_capacity(calls.len());
    let mut names = Vec::with_capacity(calls.len());
    for f in &calls {
        let agg = bind_call(b, f, &scope)?;
        names.push((f.to_string(), agg.data_type.clone()));
        aggs.push(agg);
    }
    let out = Scope { tables: scope.tables, aggregates: Some(names), groups: groups.clone() };
    let mut rel = Rel::Aggregate { input: Box::new(rel), groups, aggs };
    if let Some(h) = q.having {
        let predicate = b.bind_predicate(h, &out, "HAVING")?;
        rel = Rel::Filter { input: Box::new(rel), predicate };
    }
    Ok((rel, out))
}

/// The aggregate calls of a clause, each once, leaving out those inside subqueries (they
/// belong to the subquery).
#[derive(Default)]
struct Calls {
    found: Vec<ast::Function>,
    depth: usize,
}

impl Visitor for Calls {
    type Break = ();

    fn pre_visit_query(&mut self, _: &ast::Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &ast::Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &A) -> ControlFlow<()> {
        if let (A::Function(f), 0) = (e, self.depth) {
            // A call with OVER is a window function, not an aggregate of this query level.
            if f.over.is_none()
                && is_aggregate(&f.name.to_string().to_ascii_lowercase())
                && !self.found.iter().any(|c| c.to_string() == f.to_string())
            {
                self.found.push(f.clone());
            }
        }
        ControlFlow::Continue(())
    }
}

/// Grouping by a table's whole primary key makes its other columns functionally dependent:
/// PostgreSQL lets the select list use them, so they join the group columns.
fn add_dependent_columns(groups: &mut Vec<usize>, scope: &Scope) {
    for t in &scope.tables {
        let pk = t.schema.primary_key_columns();
        if !pk.is_empty() && pk.iter().all(|c| groups.contains(&(t.offset + c))) {
            let rest: Vec<usize> = (0..t.schema.columns.len()).map(|c| t.offset + c).filter(|c| !groups.contains(c)).collect();
            groups.extend(rest);
        }
    }
}

/// A GROUP BY item: a column, or a select-list position or alias naming a column.
fn group_column(b: &mut Binder, g: &A, items: &[ast::SelectItem], scope: &Scope) -> Result<usize> {
    let by_output = match g {
        A::Value(v) => match &v.value {
            ast::Value::Number(n, _) => {
                let i: usize = n.parse().unwrap_or(0);
                let item = i.checked_sub(1).and_then(|i| items.get(i)).ok_or_else(|| {
                    Error::new(crate::error::sqlstate::INVALID_COLUMN_REFERENCE, format!("GROUP BY position {n} is not in select list"))
                })?;
                Some(item)
            }
            _ => None,
        },
        A::Identifier(id) => {
            items.iter().find(|i| matches!(i, ast::SelectItem::ExprWithAlias { alias, .. } if super::ident(alias) == super::ident(id)))
        }
        _ => None,
    };
    let expr = match by_output {
        Some(ast::SelectItem::UnnamedExpr(e) | ast::SelectItem::ExprWithAlias { expr: e, .. }) => e,
        _ => g,
    };
    match b.bind_expr(expr, scope)?.expr {
        crate::sql::expr::Expr::Column(c) => Ok(c),
        _ => Err(Error::unsupported("GROUP BY on an expression")),
    }
}

fn bind_call(b: &mut Binder, f: &ast::Function, scope: &Scope) -> Result<Aggregate> {
    let name = f.name.to_string().to_ascii_lowercase();
    let ast::FunctionArguments::List(list) = &f.args else { return Err(Error::unsupported(format!("{name} without arguments"))) };
    let distinct = matches!(list.duplicate_treatment, Some(ast::DuplicateTreatment::Distinct));
    let mut order = Vec::new();
    for clause in &list.clauses {
        let ast::FunctionArgumentClause::OrderBy(keys) = clause else { return Err(Error::unsupported(format!("this clause in {name}()"))) };
        for k in keys {
            let expr = b.bind_expr(&k.expr, scope)?.expr;
            let desc = matches!(k.options.sort, Some(ast::OrderBySort::Desc));
            order.push(SortKey { expr, desc, nulls_first: k.options.nulls_first.unwrap_or(desc) });
        }
    }
    let plain = |e: &ast::FunctionArg| match e {
        ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Some(e.clone()),
        _ => None,
    };
    match (name.as_str(), list.args.as_slice()) {
        ("count", [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard)]) => {
            Ok(Aggregate { func: AggFunc::CountStar, arg: None, delimiter: None, distinct: false, order, data_type: DataType::Int8 })
        }
        ("string_agg", [v, d]) => {
            let (Some(v), Some(d)) = (plain(v), plain(d)) else { return Err(Error::unsupported("this form of string_agg()")) };
            let text = |b: &mut Binder, e: &ast::Expr| -> Result<crate::sql::expr::Expr> {
                let t = b.bind_expr(e, scope)?;
                b.coerce(t, &DataType::Text, CastKind::Implicit)
            };
            let (arg, delimiter) = (Some(text(b, &v)?), Some(text(b, &d)?));
            Ok(Aggregate { func: AggFunc::StringAgg, arg, delimiter, distinct, order, data_type: DataType::Text })
        }
        (_, [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e))]) => {
            let t = b.bind_expr(e, scope)?;
            let (func, ty) = match name.as_str() {
                "count" => (AggFunc::Count, DataType::Int8),
                "sum" => (AggFunc::Sum, sum_type(&t.ty)?),
                "avg" => (AggFunc::Avg, avg_type(&t.ty)?),
                "min" => (AggFunc::Min, t.ty.clone()),
                "max" => (AggFunc::Max, t.ty.clone()),
                "array_agg" => (AggFunc::ArrayAgg, array_type(&t.ty)?),
                "bool_or" => (AggFunc::BoolOr, DataType::Bool),
                _ => (AggFunc::BoolAnd, DataType::Bool),
            };
            let arg_ty = match func {
                AggFunc::Count | AggFunc::Min | AggFunc::Max => t.ty.clone(),
                AggFunc::ArrayAgg => t.ty.without_modifier(),
                AggFunc::BoolAnd | AggFunc::BoolOr if !matches!(t.ty, DataType::Bool | DataType::Unknown) => return Err(no_function(&name, &t.ty)),
                _ => ty.clone(),
            };
            let arg = b.coerce(t, &arg_ty, CastKind::Implicit)?;
            Ok(Aggregate { func, arg: Some(arg), delimiter: None, distinct, order, data_type: ty })
        }
        _ => Err(Error::unsupported(format!("this form of {name}()"))),
    }
}

fn sum_type(t: &DataType) -> Result<DataType> {
    Ok(match t {
        DataType::Int2 | DataType::Int4 => DataType::Int8,
        DataType::Int8 | DataType::Numeric(_) => DataType::Numeric(None),
        DataType::Float4 | DataType::Float8 | DataType::Interval => t.clone(),
        other => return Err(no_function("sum", other)),
    })
}

fn array_type(t: &DataType) -> Result<DataType> {
    match t {
        DataType::Unknown => {
            Err(Error::new(crate::error::sqlstate::UNDEFINED_FUNCTION, "could not determine polymorphic type because input has type unknown"))
        }
        DataType::Array(_) => Err(Error::unsupported("array_agg over arrays")),
        other => Ok(DataType::Array(Box::new(other.without_modifier()))),
    }
}

fn avg_type(t: &DataType) -> Result<DataType> {
    Ok(match t {
        DataType::Int2 | DataType::Int4 | DataType::Int8 | DataType::Numeric(_) => DataType::Numeric(None),
        DataType::Float4 | DataType::Float8 => DataType::Float8,
        other => return Err(no_function("avg", other)),
    })
}

fn no_function(name: &str, t: &DataType) -> Error {
    Error::new(crate::error::sqlstate::UNDEFINED_FUNCTION, format!("function {name}({t}) does not exist"))
        .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
}
