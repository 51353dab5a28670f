//! INSERT, UPDATE and DELETE binding: target columns, assignment casts, column defaults,
//! ON CONFLICT, RETURNING, and the access path to the rows an UPDATE/DELETE touches.

use super::scope::Source;
use super::{access, ident, srf, Binder, Scope};
use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::{ColumnDefault, DeletePlan, InsertPlan, InsertSource, OnConflict, OutCol, Plan, Rel, Target, UpdatePlan};
use crate::types::cast::CastKind;
use crate::types::DataType;
use sqlparser::ast::{self, Expr as A};
use std::sync::Arc;

impl Binder<'_> {
    pub fn bind_insert(&mut self, i: &ast::Insert) -> Result<(Plan, Vec<OutCol>)> {
        let ast::TableObject::TableName(name) = &i.table else { return Err(Error::unsupported("INSERT into a table function")) };
        let schema = self.table(name)?;
        let alias = i.table_alias.as_ref().map(|a| ident(&a.alias)).unwrap_or_else(|| schema.name.clone());
        let columns = self.target_columns(&schema, &i.columns)?;
        let defaults = self.column_defaults(&schema)?;
        let source = match &i.source {
            None => InsertSource::Values(vec![vec![None; schema.columns.len()]]),
            Some(q) => self.insert_source(&schema, &columns, q)?,
        };
        let scope = Scope::from_source(&alias, schema.clone(), Source::Stored);
        let on_conflict = self.bind_on_conflict(&schema, &scope, i.on.as_ref())?;
        let (returning, out) = self.bind_returning(i.returning.as_deref(), &scope)?;
        let plan = InsertPlan { table: schema.name.clone(), source, defaults, on_conflict, returning };
        Ok((Plan::Insert(plan), out))
    }

    fn target_columns(&mut self, schema: &TableSchema, names: &[ast::ObjectName]) -> Result<Vec<usize>> {
        if names.is_empty() {
            return Ok((0..schema.columns.len()).collect());
        }
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            let col = n.0.last().and_then(|p| p.as_ident()).map(ident).unwrap_or_default();
            let i = schema.column_index(&col).ok_or_else(|| no_such_column(&col, &schema.name))?;
            if out.contains(&i) {
                return Err(Error::new(sqlstate::DUPLICATE_COLUMN, format!("column \"{col}\" specified more than once")));
            }
            out.push(i);
        }
        Ok(out)
    }

    /// Each column's default, bound once per statement.
    pub fn column_defaults(&mut self, schema: &TableSchema) -> Result<Vec<ColumnDefault>> {
        let pk = schema.primary_key_columns();
        let mut out = Vec::with_capacity(schema.columns.len());
        for (i, c) in schema.columns.iter().enumerate() {
            out.push(match (&c.identity, &c.default) {
                (Some(_), _) => ColumnDefault::Sequence,
                (None, Some(text)) => ColumnDefault::Expr(self.bind_default(text, &c.data_type)?),
                (None, None) if c.data_type == DataType::Uuid && pk == [i] => ColumnDefault::Uuid7,
                _ => ColumnDefault::Null,
            });
        }
        Ok(out)
    }

    pub fn bind_default(&mut self, text: &str, ty: &DataType) -> Result<Expr> {
        let e = crate::sql::parse::parse_expr(text)?;
        let t = self.bind_expr(&e, &Scope::empty())?;
        self.coerce(t, ty, CastKind::Assignment)
    }

    fn insert_source(&mut self, schema: &TableSchema, columns: &[usize], q: &ast::Query) -> Result<InsertSource> {
        let plain_values = q.order_by.is_none() && q.limit_clause.is_none() && q.with.is_none();
        if let (ast::SetExpr::Values(v), true) = (q.body.as_ref(), plain_values) {
            let rows = v.rows.iter().map(|r| self.insert_row(schema, columns, r)).collect::<Result<_>>()?;
            return Ok(InsertSource::Values(rows));
        }
        let (rel, out) = self.bind_query(q)?;
        check_width(out.len(), columns.len())?;
        let mut exprs = Vec::with_capacity(out.len());
        for (i, (o, c)) in out.iter().zip(columns).enumerate() {
            let t = super::Typed::new(Expr::Column(i), o.data_type.clone());
            exprs.push(self.assign(t, schema, *c)?);
        }
        let rel = Rel::Project { input: Box::new(rel), exprs };
        Ok(InsertSource::Query { rel: Box::new(rel), columns: columns.to_vec() })
    }

    fn insert_row(&mut self, schema: &TableSchema, columns: &[usize], row: &[A]) -> Result<Vec<Option<Expr>>> {
        check_width(row.len(), columns.len())?;
        let mut cells = vec![None; schema.columns.len()];
        for (e, c) in row.iter().zip(columns) {
            if is_default(e) {
                continue;
            }
            let t = self.bind_expr(e, &Scope::empty())?;
            cells[*c] = Some(self.assign(t, schema, *c)?);
        }
        Ok(cells)
    }

    /// An assignment cast to column `c`, with PostgreSQL's error when no cast exists.
    fn assign(&mut self, t: super::Typed, schema: &TableSchema, c: usize) -> Result<Expr> {
        let col = &schema.columns[c];
        let ok = t.ty == DataType::Unknown
            || t.ty.without_modifier() == col.data_type.without_modifier()
            || crate::types::cast::can_cast(&t.ty, &col.data_type, CastKind::Assignment);
        if !ok {
            return Err(Error::new(
                sqlstate::DATATYPE_MISMATCH,
                format!("column \"{}\" is of type {} but expression is of type {}", col.name, col.data_type, t.ty),
            )
            .with_hint("You will need to rewrite or cast the expression."));
        }
        self.coerce(t, &col.data_type, CastKind::Assignment)
    }

    fn bind_on_conflict(&mut self, schema: &Arc<TableSchema>, scope: &Scope, on: Option<&ast::OnInsert>) -> Result<OnConflict> {
        let Some(on) = on else { return Ok(OnConflict::Error) };
        let ast::OnInsert::OnConflict(oc) = on else { return Err(Error::unsupported("ON DUPLICATE KEY UPDATE")) };
        let columns = match &oc.conflict_target {
            None => Vec::new(),
            Some(ast::ConflictTarget::Columns(cols)) => {
                let names: Vec<String> = cols.iter().map(ident).collect();
                conflict_columns(schema, &names)?
            }
            Some(ast::ConflictTarget::OnConstraint(_)) => return Err(Error::unsupported("ON CONFLICT ON CONSTRAINT")),
        };
        match &oc.action {
            ast::OnConflictAction::DoNothing => Ok(OnConflict::DoNothing { columns }),
            ast::OnConflictAction::DoUpdate(u) => {
                if columns.is_empty() {
                    return Err(Error::syntax("ON CONFLICT DO UPDATE requires inference specification or constraint name")
                        .with_hint("For example, ON CONFLICT (column_name)."));
                }
                let scope = scope.clone().with("excluded", schema.clone());
                let sets = self.bind_assignments(schema, &u.assignments, &scope)?;
                let predicate = u.selection.as_ref().map(|w| self.bind_predicate(w, &scope, "WHERE")).transpose()?;
                Ok(OnConflict::DoUpdate { columns, sets, predicate })
            }
        }
    }

    fn bind_assignments(&mut self, schema: &TableSchema, assignments: &[ast::Assignment], scope: &Scope) -> Result<Vec<(usize, Expr)>> {
        let mut sets = Vec::with_capacity(assignments.len());
        for a in assignments {
            let ast::AssignmentTarget::ColumnName(n) = &a.target else { return Err(Error::unsupported("SET (a, b) = ...")) };
            let col = n.0.last().and_then(|p| p.as_ident()).map(ident).unwrap_or_default();
            let c = schema.column_index(&col).ok_or_else(|| no_such_column(&col, &schema.name))?;
            if sets.iter().any(|(x, _)| *x == c) {
                return Err(Error::new(sqlstate::DUPLICATE_COLUMN, format!("multiple assignments to same column \"{col}\"")));
            }
            let e = if is_default(&a.value) {
                match &schema.columns[c].default {
                    Some(text) => self.bind_default(text, &schema.columns[c].data_type)?,
                    None => Expr::Literal(crate::types::Value::Null),
                }
            } else {
                let t = self.bind_expr(&a.value, scope)?;
                self.assign(t, schema, c)?
            };
            sets.push((c, e));
        }
        Ok(sets)
    }

    fn bind_returning(&mut self, items: Option<&[ast::SelectItem]>, scope: &Scope) -> Result<(Option<Vec<Expr>>, Vec<OutCol>)> {
        let Some(items) = items else { return Ok((None, Vec::new())) };
        let p = self.bind_projection(items, scope).map_err(|e| srf::in_clause(e, "RETURNING"))?;
        Ok((Some(p.exprs), p.columns))
    }

    pub fn bind_update(&mut self, u: &ast::Update) -> Result<(Plan, Vec<OutCol>)> {
        if u.from.is_some() {
            return Err(Error::unsupported("UPDATE ... FROM"));
        }
        let (schema, scope) = self.dml_table(&u.table)?;
        let sets = self.bind_assignments(&schema, &u.assignments, &scope)?;
        let target = self.bind_target(&schema, &scope, u.selection.as_ref())?;
        let (returning, out) = self.bind_returning(u.returning.as_deref(), &scope)?;
        Ok((Plan::Update(UpdatePlan { target, sets, returning }), out))
    }

    pub fn bind_delete(&mut self, d: &ast::Delete) -> Result<(Plan, Vec<OutCol>)> {
        let tables = match &d.from {
            ast::FromTable::WithFromKeyword(t) | ast::FromTable::WithoutKeyword(t) => t,
        };
        if d.using.is_some() || tables.len() != 1 {
            return Err(Error::unsupported("DELETE ... USING"));
        }
        let (schema, scope) = self.dml_table(&tables[0])?;
        let target = self.bind_target(&schema, &scope, d.selection.as_ref())?;
        let (returning, out) = self.bind_returning(d.returning.as_deref(), &scope)?;
        Ok((Plan::Delete(DeletePlan { target, returning }), out))
    }

    fn dml_table(&mut self, t: &ast::TableWithJoins) -> Result<(Arc<TableSchema>, Scope)> {
        let ast::TableFactor::Table { name, alias, .. } = &t.relation else { return Err(Error::unsupported("this kind of target table")) };
        if !t.joins.is_empty() {
            return Err(Error::unsupported("JOIN"));
        }
        let schema = self.table(name)?;
        let alias = alias.as_ref().map(|a| ident(&a.name)).unwrap_or_else(|| schema.name.clone());
        let scope = Scope::from_source(&alias, schema.clone(), Source::Stored);
        Ok((schema, scope))
    }

    fn bind_target(&mut self, schema: &TableSchema, scope: &Scope, selection: Option<&A>) -> Result<Target> {
        let scan = Rel::Scan { table: schema.name.clone() };
        let source = match selection {
            Some(w) => access::choose(scan, self.bind_predicate(w, scope, "WHERE")?, scope),
            None => scan,
        };
        Ok(Target { table: schema.name.clone(), source })
    }
}

fn check_width(values: usize, columns: usize) -> Result<()> {
    match values.cmp(&columns) {
        std::cmp::Ordering::Greater => Err(Error::syntax("INSERT has more expressions than target columns")),
        std::cmp::Ordering::Less => Err(Error::syntax("INSERT has more target columns than expressions")),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

fn is_default(e: &A) -> bool {
    matches!(e, A::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default"))
}

fn no_such_column(col: &str, table: &str) -> Error {
    Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{col}\" of relation \"{table}\" does not exist"))
}

/// The ON CONFLICT target: must be exactly the primary key or a unique index's columns.
fn conflict_columns(schema: &TableSchema, names: &[String]) -> Result<Vec<usize>> {
    let mut cols = names
        .iter()
        .map(|n| schema.column_index(n).ok_or_else(|| Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{n}\" does not exist"))))
        .collect::<Result<Vec<_>>>()?;
    cols.sort_unstable();
    let mut keys = vec![schema.primary_key_columns()];
    keys.extend(schema.indexes.iter().filter(|i| i.unique).map(|i| i.columns.iter().filter_map(|c| schema.column_index(c)).collect()));
    let matches = keys.into_iter().any(|mut k| {
        k.sort_unstable();
        k == cols
    });
    if !matches {
        return Err(Error::new(
            sqlstate::INVALID_COLUMN_REFERENCE,
            "there is no unique or exclusion constraint matching the ON CONFLICT specification",
        ));
    }
    Ok(cols)
}
