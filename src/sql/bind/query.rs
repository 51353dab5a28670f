//! SELECT binding: FROM (tables, joins, table functions), WHERE with access-path choice, aggregates,
//! the select list with PostgreSQL's output names, DISTINCT, ORDER BY (by output name,
//! position or any input expression), LIMIT/OFFSET/FETCH.

use super::scope::Source;
use super::{access, aggregate, ident, Binder, Scope, Typed};
use crate::catalog::{ColumnDef, TableSchema};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::functions::Func;
use crate::sql::plan::{OutCol, Plan, Rel, SortKey};
use crate::types::cast::CastKind;
use crate::types::{DataType, Value};
use sqlparser::ast::{self, SelectItem, SetExpr};
use std::sync::Arc;

/// A bound select list: expressions and their output columns.
pub struct Projection {
    pub exprs: Vec<Expr>,
    pub columns: Vec<OutCol>,
    /// Each output's SQL text (`t.col` for `*`), so ORDER BY can name an output by expression.
    pub sources: Vec<String>,
}

impl Binder<'_> {
    pub fn bind_query_plan(&mut self, q: &ast::Query) -> Result<Plan> {
        let (rel, columns) = self.bind_query(q)?;
        Ok(Plan::Query { rel, columns })
    }

    /// Binds a query; an enclosing select list's set-returning calls are out of its reach.
    pub fn bind_query(&mut self, q: &ast::Query) -> Result<(Rel, Vec<OutCol>)> {
        let set_calls = self.set_calls.take();
        let unknown_outputs = std::mem::take(&mut self.unknown_outputs);
        let base = self.ctes.len();
        let bound = match &q.with {
            Some(with) => self.push_ctes(with).and_then(|()| self.bind_query_body(q)),
            None => self.bind_query_body(q),
        };
        self.ctes.truncate(base);
        self.set_calls = set_calls;
        self.unknown_outputs = unknown_outputs;
        bound
    }

    fn bind_query_body(&mut self, q: &ast::Query) -> Result<(Rel, Vec<OutCol>)> {
        if !q.locks.is_empty() {
            return Err(Error::unsupported("SELECT ... FOR UPDATE"));
        }
        let order = match &q.order_by {
            Some(ast::OrderBy { kind: ast::OrderByKind::Expressions(e), .. }) => e.as_slice(),
            Some(_) => return Err(Error::unsupported("ORDER BY ALL")),
            None => &[],
        };
        let (rel, columns) = match q.body.as_ref() {
            SetExpr::Select(s) => self.bind_select(s, order)?,
            SetExpr::Values(v) => self.bind_values_query(v, order)?,
            SetExpr::Query(inner) if order.is_empty() => self.bind_query(inner)?,
            body @ (SetExpr::SetOperation { .. } | SetExpr::Query(_)) => {
                let (rel, columns) = self.bind_set_expr(body)?;
                (self.order_output(rel, &columns, order)?, columns)
            }
            other => return Err(Error::unsupported(format!("query {}", other.to_string().chars().take(30).collect::<String>()))),
        };
        Ok((self.bind_limit(q, rel)?, columns))
    }

    fn bind_limit(&mut self, q: &ast::Query, rel: Rel) -> Result<Rel> {
        let (mut limit, mut offset) = (None, None);
        match &q.limit_clause {
            Some(ast::LimitClause::LimitOffset { limit: l, offset: o, .. }) => {
                limit = l.as_ref().map(|e| self.bind_count(e, "LIMIT")).transpose()?;
                offset = o.as_ref().map(|o| self.bind_count(&o.value, "OFFSET")).transpose()?;
            }
            Some(ast::LimitClause::OffsetCommaLimit { .. }) => return Err(Error::syntax("LIMIT #,# syntax is not supported")),
            None => {}
        }
        if let Some(f) = &q.fetch {
            if f.with_ties || f.percent {
                return Err(Error::unsupported("FETCH ... WITH TIES / PERCENT"));
            }
            limit = Some(match &f.quantity {
                Some(e) => self.bind_count(e, "FETCH")?,
                None => Expr::Literal(Value::Int8(1)),
            });
        }
        Ok(if limit.is_none() && offset.is_none() { rel } else { Rel::Limit { input: Box::new(rel), limit, offset } })
    }

    fn bind_count(&mut self, e: &ast::Expr, _clause: &str) -> Result<Expr> {
        let t = self.bind_expr(e, &Scope::empty())?;
        self.coerce(t, &DataType::Int8, CastKind::Implicit)
    }

    pub fn bind_select(&mut self, s: &ast::Select, order: &[ast::OrderByExpr]) -> Result<(Rel, Vec<OutCol>)> {
        let group_by = match &s.group_by {
            ast::GroupByExpr::Expressions(e, mods) if mods.is_empty() => e.as_slice(),
            _ => return Err(Error::unsupported("GROUP BY ALL / ROLLUP / CUBE")),
        };
        let (mut rel, scope) = self.bind_from(&s.from)?;
        if let Some(w) = &s.selection {
            let predicate = self.bind_predicate(w, &scope, "WHERE")?;
            rel = access::choose(rel, predicate, &scope);
        }
        let clauses = aggregate::Clauses { items: &s.projection, order, group_by, having: s.having.as_ref() };
        let (rel, scope) = aggregate::bind(self, rel, scope, &clauses)?;
        let (mut proj, rel) = self.bind_projection_set(&s.projection, rel, &scope)?;
        let visible = proj.exprs.len();
        let distinct = match &s.distinct {
            None | Some(ast::Distinct::All) => false,
            Some(ast::Distinct::Distinct) => true,
            Some(ast::Distinct::On(_)) => return Err(Error::unsupported("DISTINCT ON")),
        };
        let keys = self.bind_order(order, &mut proj, &scope, distinct)?;
        let mut rel = Rel::Project { input: Box::new(rel), exprs: proj.exprs };
        if distinct {
            rel = Rel::Distinct { input: Box::new(rel) };
        }
        if !keys.is_empty() {
            rel = Rel::Sort { input: Box::new(rel), keys };
        }
        if proj.columns.len() > visible {
            proj.columns.truncate(visible);
            rel = Rel::Project { input: Box::new(rel), exprs: (0..visible).map(Expr::Column).collect() };
        }
        Ok((rel, proj.columns))
    }

    /// FROM: nothing (one empty row), or tables, table functions and virtual tables joined
    /// left to right (a comma is a cross join).
    fn bind_from(&mut self, from: &[ast::TableWithJoins]) -> Result<(Rel, Scope)> {
        let mut acc: Option<(Rel, Scope)> = None;
        for t in from {
            let item = self.bind_factor(&t.relation)?;
            acc = Some(match acc {
                None => item,
                Some(left) => self.join(left, item, None, false)?,
            });
            for j in &t.joins {
                let right = self.bind_factor(&j.relation)?;
                let (left, scope) = acc.take().expect("a left side");
                let (constraint, left_outer) = match &j.join_operator {
                    ast::JoinOperator::Join(c) | ast::JoinOperator::Inner(c) => (Some(c), false),
                    ast::JoinOperator::Left(c) | ast::JoinOperator::LeftOuter(c) => (Some(c), true),
                    ast::JoinOperator::CrossJoin(_) => (None, false),
                    _ => return Err(Error::unsupported("RIGHT, FULL and other JOIN kinds")),
                };
                let on = match constraint {
                    Some(ast::JoinConstraint::On(e)) => Some(e),
                    None | Some(ast::JoinConstraint::None) => None,
                    Some(_) => return Err(Error::unsupported("JOIN ... USING / NATURAL JOIN")),
                };
                acc = Some(self.join((left, scope), right, on, left_outer)?);
            }
        }
        Ok(acc.unwrap_or_else(|| (Rel::Values { rows: vec![vec![]] }, Scope::empty())))
    }

    fn join(
        &mut self,
        (left, scope): (Rel, Scope),
        (right, right_scope): (Rel, Scope),
        on: Option<&ast::Expr>,
        left_outer: bool,
    ) -> Result<(Rel, Scope)> {
        let mut scope = scope;
        let right_width = right_scope.width();
        for t in right_scope.tables {
            if scope.tables.iter().any(|x| x.name == t.name) {
                return Err(Error::new("42712", format!("table name \"{}\" specified more than once", t.name)));
            }
            scope.push(t);
        }
        let on = on.map(|e| self.bind_predicate(e, &scope, "JOIN/ON")).transpose()?;
        Ok((Rel::Join { left: Box::new(left), right: Box::new(right), on, left_outer, right_width }, scope))
    }

    /// One FROM item.
    fn bind_factor(&mut self, factor: &ast::TableFactor) -> Result<(Rel, Scope)> {
        if let ast::TableFactor::Table { name, alias, args: Some(args), .. } = factor {
            return self.bind_table_function(name, alias.as_ref(), args);
        }
        if let ast::TableFactor::Derived { lateral: false, subquery, alias, .. } = factor {
            return self.bind_derived(subquery, alias.as_ref());
        }
        if let ast::TableFactor::UNNEST { alias, array_exprs, with_offset: false, with_ordinality: false, .. } = factor {
            return self.bind_unnest(array_exprs, alias.as_ref());
        }
        let ast::TableFactor::Table { name, alias, args: None, .. } = factor else {
            return Err(Error::unsupported("this kind of FROM item"));
        };
        if let Some(bound) = self.bind_cte_ref(name, alias.as_ref()) {
            return bound;
        }
        let (rel, schema) = self.relation(name)?;
        let alias = alias.as_ref().map(|a| ident(&a.name)).unwrap_or_else(|| super::relation::scope_name(&schema.name));
        let source = if matches!(rel, Rel::Scan { .. }) { Source::Stored } else { Source::Computed };
        let scope = Scope::from_source(&alias, schema, source);
        Ok((rel, scope))
    }

    /// `unnest(a, b, ...) [alias [(columns)]]`: the arrays side by side as rows.
    fn bind_unnest(&mut self, arrays: &[ast::Expr], alias: Option<&ast::TableAlias>) -> Result<(Rel, Scope)> {
        let mut exprs = Vec::with_capacity(arrays.len());
        let mut columns = Vec::with_capacity(arrays.len());
        for (i, a) in arrays.iter().enumerate() {
            let t = self.bind_expr(a, &Scope::empty())?;
            let DataType::Array(elem) = &t.ty else {
                return Err(Error::new(sqlstate::UNDEFINED_FUNCTION, format!("function unnest({}) does not exist", t.ty)));
            };
            let fallback = match alias {
                Some(a) if arrays.len() == 1 => ident(&a.name),
                _ => "unnest".to_string(),
            };
            let name = alias.and_then(|a| a.columns.get(i)).map(|c| ident(&c.name)).unwrap_or(fallback);
            columns.push(ColumnDef::new(name, (**elem).clone()));
            exprs.push(t.expr);
        }
        let name = alias.map(|a| ident(&a.name)).unwrap_or_else(|| "unnest".to_string());
        let schema = TableSchema::new(name.clone(), columns);
        Ok((Rel::Unnest { arrays: exprs }, Scope::of(&name, Arc::new(schema))))
    }

    /// `(SELECT ...) alias [(column names)]`: the subquery's rows as a table.
    fn bind_derived(&mut self, q: &ast::Query, alias: Option<&ast::TableAlias>) -> Result<(Rel, Scope)> {
        let alias =
            alias.ok_or_else(|| Error::syntax("subquery in FROM must have an alias").with_hint("For example, FROM (SELECT ...) [AS] foo."))?;
        let (rel, out) = self.bind_query(q)?;
        let renamed: Vec<String> = alias.columns.iter().map(|c| ident(&c.name)).collect();
        Ok(self.derived(rel, &out, &ident(&alias.name), &renamed))
    }

    /// A query's rows as the table `name`, its first columns renamed to `renamed`.
    pub fn derived(&mut self, rel: Rel, out: &[OutCol], name: &str, renamed: &[String]) -> (Rel, Scope) {
        let columns = out
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = renamed.get(i).cloned().unwrap_or_else(|| c.name.clone());
                ColumnDef::new(name, c.data_type.clone())
            })
            .collect();
        let schema = TableSchema::new(name.to_string(), columns);
        let origins = out.iter().map(|c| c.origin.clone()).collect();
        (rel, Scope::from_source(name, Arc::new(schema), Source::Query(origins)))
    }

    /// A function in FROM (optionally `pg_catalog.`-qualified): `generate_series`, `unnest`, or
    /// any scalar function, which yields one row with one column named after the alias or
    /// the function (`SELECT * FROM current_schema()`).
    fn bind_table_function(
        &mut self,
        name: &ast::ObjectName,
        alias: Option<&ast::TableAlias>,
        args: &ast::TableFunctionArgs,
    ) -> Result<(Rel, Scope)> {
        let fname = super::function_name(name)?;
        let mut exprs = Vec::with_capacity(args.args.len());
        for a in &args.args {
            let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = a else { return Err(Error::unsupported("named arguments")) };
            exprs.push(e.clone());
        }
        match fname.as_str() {
            "generate_series" => self.bind_series(&exprs, alias),
            "unnest" => self.bind_unnest(&exprs, alias),
            _ => self.bind_scalar_in_from(&fname, &exprs, alias),
        }
    }

    /// A scalar function call as a one-row, one-column table.
    fn bind_scalar_in_from(&mut self, fname: &str, args: &[ast::Expr], alias: Option<&ast::TableAlias>) -> Result<(Rel, Scope)> {
        if super::aggregate::is_aggregate(fname) {
            return Err(Error::new(sqlstate::GROUPING_ERROR, "aggregate functions are not allowed in functions in FROM"));
        }
        let func = Func::lookup(fname).ok_or_else(|| Error::unsupported(format!("table function {fname}")))?;
        let t = self.bind_call(func, args, &Scope::empty())?;
        let table = alias.map(|a| ident(&a.name)).unwrap_or_else(|| fname.to_string());
        let column = alias.and_then(|a| a.columns.first()).map(|c| ident(&c.name)).unwrap_or_else(|| table.clone());
        let schema = TableSchema::new(table.clone(), vec![ColumnDef::new(column, t.ty)]);
        Ok((Rel::Values { rows: vec![vec![t.expr]] }, Scope::of(&table, Arc::new(schema))))
    }

    /// `generate_series(start, stop[, step]) [AS] alias`: a one-column virtual table.
    fn bind_series(&mut self, args: &[ast::Expr], alias: Option<&ast::TableAlias>) -> Result<(Rel, Scope)> {
        let fname = "generate_series".to_string();
        let typed = args.iter().map(|e| self.bind_expr(e, &Scope::empty())).collect::<Result<Vec<_>>>()?;
        if !(2..=3).contains(&typed.len()) {
            return Err(Error::new(sqlstate::UNDEFINED_FUNCTION, format!("function generate_series with {} arguments does not exist", typed.len())));
        }
        let (exprs, common) = self.unify_all(typed, "generate_series")?;
        let ty = match &common {
            DataType::Int8 => DataType::Int8,
            DataType::Int2 | DataType::Int4 | DataType::Text => DataType::Int4,
            other => return Err(Error::unsupported(format!("generate_series over {other}"))),
        };
        let mut it = exprs.into_iter().map(|e| {
            if common == ty {
                e
            } else {
                Expr::Cast { expr: e.boxed(), from: common.clone(), to: ty.clone(), kind: CastKind::Implicit }
            }
        });
        let (start, stop, step) = (it.next().unwrap_or(Expr::Literal(Value::Null)), it.next().unwrap_or(Expr::Literal(Value::Null)), it.next());
        let alias = alias.map(|a| ident(&a.name)).unwrap_or_else(|| fname.clone());
        let column = ColumnDef::new(alias.clone(), ty);
        let schema = TableSchema::new(fname, vec![column]);
        Ok((Rel::Series { start, stop, step }, Scope::of(&alias, Arc::new(schema))))
    }

    pub fn bind_projection(&mut self, items: &[SelectItem], scope: &Scope) -> Result<Projection> {
        let mut p = Projection { exprs: Vec::new(), columns: Vec::new(), sources: Vec::new() };
        for item in items {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let t = self.bind_output(e, scope)?;
                    p.push(t, output_name(e), e.to_string(), scope);
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let t = self.bind_output(expr, scope)?;
                    p.push(t, ident(alias), expr.to_string(), scope);
                }
                SelectItem::Wildcard(_) => self.expand(&mut p, scope, None)?,
                SelectItem::QualifiedWildcard(ast::SelectItemQualifiedWildcardKind::ObjectName(n), _) => {
                    self.expand(&mut p, scope, Some(super::table_name(n)?))?
                }
                other => return Err(Error::unsupported(format!("select item {other}"))),
            }
        }
        Ok(p)
    }

    /// Binds a select-list expression; unknown literals come out as text (unless a set
    /// operation resolves them), and so do the OID alias types (as the names they print as;
    /// the column is typed text).
    fn bind_output(&mut self, e: &ast::Expr, scope: &Scope) -> Result<Typed> {
        let t = self.bind_expr(e, scope)?;
        if t.ty == DataType::Unknown && self.unknown_outputs {
            return Ok(t);
        }
        if t.ty == DataType::Unknown || t.ty.is_reg() {
            let expr = self.coerce(t, &DataType::Text, CastKind::Implicit)?;
            return Ok(Typed::new(expr, DataType::Text));
        }
        Ok(t)
    }

    fn expand(&mut self, p: &mut Projection, scope: &Scope, table: Option<String>) -> Result<()> {
        if scope.tables.is_empty() {
            return Err(Error::new(sqlstate::SYNTAX_ERROR, "SELECT * with no tables specified is not valid"));
        }
        if let Some(t) = &table {
            if !scope.tables.iter().any(|x| x.name == *t) {
                return Err(Error::new(sqlstate::UNDEFINED_TABLE, format!("missing FROM-clause entry for table \"{t}\"")));
            }
        }
        for t in scope.tables.iter().filter(|t| table.as_ref().is_none_or(|n| *n == t.name)) {
            for (i, c) in t.schema.columns.iter().enumerate() {
                let typed = match scope.aggregates {
                    Some(_) => scope.column(Some(&t.name), &c.name)?,
                    None => Typed::new(Expr::Column(t.offset + i), c.data_type.clone()),
                };
                p.push(typed, c.name.clone(), format!("{}.{}", t.name, c.name), scope);
            }
        }
        Ok(())
    }

    fn bind_order(&mut self, order: &[ast::OrderByExpr], proj: &mut Projection, scope: &Scope, distinct: bool) -> Result<Vec<SortKey>> {
        let mut keys = Vec::with_capacity(order.len());
        for o in order {
            let col = self.order_target(&o.expr, proj, scope, distinct)?;
            let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            if matches!(o.options.sort, Some(ast::OrderBySort::Using(_))) {
                return Err(Error::unsupported("ORDER BY ... USING"));
            }
            keys.push(SortKey { expr: Expr::Column(col), desc, nulls_first: o.options.nulls_first.unwrap_or(desc) });
        }
        Ok(keys)
    }

    /// The position in the projected row an ORDER BY item sorts by (appending hidden columns).
    fn order_target(&mut self, e: &ast::Expr, proj: &mut Projection, scope: &Scope, distinct: bool) -> Result<usize> {
        if let ast::Expr::Value(v) = e {
            if let ast::Value::Number(n, _) = &v.value {
                let i: usize = n.parse().unwrap_or(0);
                if i == 0 || i > proj.columns.len() {
                    return Err(Error::new(sqlstate::INVALID_COLUMN_REFERENCE, format!("ORDER BY position {n} is not in select list")));
                }
                return Ok(i - 1);
            }
        }
        if let ast::Expr::Identifier(id) = e {
            let name = ident(id);
            let hits: Vec<usize> = proj.columns.iter().enumerate().filter(|(_, c)| c.name == name).map(|(i, _)| i).collect();
            if hits.len() > 1 {
                return Err(Error::new(sqlstate::AMBIGUOUS_COLUMN, format!("ORDER BY \"{name}\" is ambiguous")));
            }
            if let Some(i) = hits.first() {
                return Ok(*i);
            }
        }
        if let Some(i) = proj.sources.iter().position(|s| *s == e.to_string()) {
            return Ok(i);
        }
        let t = self.bind_output(e, scope)?;
        let bound = format!("{:?}", t.expr);
        if let Some(i) = proj.exprs.iter().position(|x| format!("{x:?}") == bound) {
            return Ok(i);
        }
        if distinct {
            return Err(Error::new(sqlstate::INVALID_COLUMN_REFERENCE, "for SELECT DISTINCT, ORDER BY expressions must appear in select list"));
        }
        proj.push(t, String::new(), String::new(), scope);
        Ok(proj.exprs.len() - 1)
    }

    pub fn bind_values_query(&mut self, v: &ast::Values, order: &[ast::OrderByExpr]) -> Result<(Rel, Vec<OutCol>)> {
        if !order.is_empty() {
            return Err(Error::unsupported("ORDER BY on VALUES"));
        }
        let width = v.rows.first().map_or(0, |r| r.len());
        let mut cols: Vec<Vec<Typed>> = vec![Vec::new(); width];
        for row in &v.rows {
            if row.len() != width {
                return Err(Error::syntax("VALUES lists must all be the same length"));
            }
            for (i, e) in row.iter().enumerate() {
                cols[i].push(self.bind_expr(e, &Scope::empty())?);
            }
        }
        let mut columns = Vec::with_capacity(width);
        let mut by_col = Vec::with_capacity(width);
        for (i, c) in cols.into_iter().enumerate() {
            let (exprs, ty) = self.unify_all(c, "VALUES")?;
            columns.push(OutCol::computed(format!("column{}", i + 1), ty));
            by_col.push(exprs);
        }
        let rows = (0..v.rows.len()).map(|r| by_col.iter().map(|c| c[r].clone()).collect()).collect();
        Ok((Rel::Values { rows }, columns))
    }
}

impl Projection {
    /// Adds an output; one that shows a stored table's column unchanged keeps its origin.
    fn push(&mut self, t: Typed, name: String, source: String, scope: &Scope) {
        let origin = match t.expr {
            Expr::Column(i) => scope.origin(i),
            _ => None,
        };
        self.exprs.push(t.expr);
        self.columns.push(OutCol { name, data_type: t.ty, origin });
        self.sources.push(source);
    }
}

/// The column name PostgreSQL gives an unaliased select-list expression.
pub fn output_name(e: &ast::Expr) -> String {
    use ast::Expr as A;
    match e {
        A::Identifier(id) => ident(id),
        A::CompoundIdentifier(ids) => ids.last().map(ident).unwrap_or_default(),
        A::Function(f) => {
            let name = f.name.0.last().and_then(|p| p.as_ident()).map(ident).unwrap_or_default();
            match name.as_str() {
                "session_user" | "user" if matches!(f.args, ast::FunctionArguments::None) => "session_user".into(),
                "substr" => "substr".into(),
                "ceiling" => "ceiling".into(),
                _ => name,
            }
        }
        A::Cast { expr, data_type, .. } => match output_name(expr).as_str() {
            "?column?" => type_output_name(data_type),
            inner if matches!(expr.as_ref(), A::Identifier(_) | A::CompoundIdentifier(_) | A::Function(_)) => inner.to_string(),
            _ => type_output_name(data_type),
        },
        A::TypedString(ts) => type_output_name(&ts.data_type),
        A::Nested(inner) => output_name(inner),
        A::CompoundFieldAccess { root, .. } => output_name(root),
        A::Case { else_result: Some(e), .. } if is_strong_name(e) => output_name(e),
        A::Case { .. } => "case".into(),
        A::Subquery(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.first() {
                Some(SelectItem::UnnamedExpr(e)) => output_name(e),
                Some(SelectItem::ExprWithAlias { alias, .. }) => ident(alias),
                _ => "?column?".into(),
            },
            _ => "?column?".into(),
        },
        A::Exists { .. } => "exists".into(),
        A::Array(_) => "array".into(),
        A::Substring { .. } => "substring".into(),
        A::Position { .. } => "position".into(),
        A::Trim { .. } => "btrim".into(),
        A::Ceil { .. } => "ceil".into(),
        A::Floor { .. } => "floor".into(),
        _ => "?column?".into(),
    }
}

/// Whether an expression names its column as strongly as a column reference or a function
/// call does (PostgreSQL's FigureColname strength 2), which a CASE's ELSE passes on.
fn is_strong_name(e: &ast::Expr) -> bool {
    use ast::Expr as A;
    match e {
        A::Identifier(_) | A::CompoundIdentifier(_) | A::Function(_) => true,
        A::Nested(inner) | A::Cast { expr: inner, .. } => is_strong_name(inner),
        A::Case { else_result: Some(inner), .. } => is_strong_name(inner),
        _ => false,
    }
}

/// The internal type name PostgreSQL uses as the column name of `x::type` (an array's is its
/// element's; a user-defined type's is its name as written).
fn type_output_name(t: &ast::DataType) -> String {
    use ast::ArrayElemTypeDef as E;
    match (super::sql_type(t), t) {
        (Ok(DataType::Array(e)), _) => e.typname(),
        (Ok(ty), _) => ty.typname(),
        (Err(_), ast::DataType::Custom(name, _)) => name.0.last().and_then(|p| p.as_ident()).map(ident).unwrap_or_default(),
        (Err(_), ast::DataType::Array(E::SquareBracket(elem, _))) => type_output_name(elem),
        (Err(_), _) => "?column?".into(),
    }
}
