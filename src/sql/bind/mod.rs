//! Binding: AST statements to typed [`Plan`]s against a catalog.
//!
//! A [`Binder`] resolves names against a [`Catalog`] (the snapshot's schemas as the session's
//! transaction sees them), settles every expression's type and collects the types of `$n`
//! parameters as the context implies them. One file per statement family.

mod access;
mod aggregate;
mod coerce;
mod cte;
mod ddl;
mod dml;
mod expr;
mod query;
mod recursive;
mod relation;
mod scope;
mod set_ops;
mod srf;
mod subquery;
mod type_ddl;
mod utility;

pub use scope::Scope;

use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::{OutCol, Plan, SubQuery};
use crate::types::DataType;
use sqlparser::ast::{self, Statement};
use std::sync::Arc;

/// The schemas a statement is bound against.
pub trait Catalog {
    fn table(&self, name: &str) -> Option<Arc<TableSchema>>;
    fn table_names(&self) -> Vec<String>;
    /// A virtual catalog table (`pg_catalog.x`, `information_schema.x`, or a bare
    /// pg_catalog name); none by default.
    fn system_table(&self, name: &str) -> Option<Arc<TableSchema>> {
        let _ = name;
        None
    }
    /// A user-defined enum type; none by default.
    fn enum_type(&self, name: &str) -> Option<crate::storage::EnumType> {
        let _ = name;
        None
    }
}

/// A bound expression and its type.
#[derive(Debug, Clone)]
pub struct Typed {
    pub expr: Expr,
    pub ty: DataType,
}

impl Typed {
    pub fn new(expr: Expr, ty: DataType) -> Typed {
        Typed { expr, ty }
    }
}

/// A bound statement with what the wire layer describes.
#[derive(Debug, Clone)]
pub struct Bound {
    pub plan: Plan,
    pub params: Vec<DataType>,
    /// Result columns (RETURNING or query output), None for statements without rows.
    pub columns: Option<Vec<OutCol>>,
    /// The tables bound against, to notice a schema change before reusing the plan.
    pub deps: Vec<Arc<TableSchema>>,
    /// The subqueries of the statement's expressions, inner ones first.
    pub subqueries: Vec<SubQuery>,
}

pub struct Binder<'a> {
    catalog: &'a dyn Catalog,
    pub params: Vec<DataType>,
    deps: Vec<Arc<TableSchema>>,
    subqueries: Vec<SubQuery>,
    /// The enclosing queries of the subquery being bound, outermost first.
    outer: Vec<subquery::Frame>,
    /// The WITH entries in scope, outermost first.
    ctes: Vec<cte::CteDef>,
    /// Set-returning calls of the select list being bound (None where none are allowed).
    set_calls: Option<srf::SetCalls>,
    /// The id the next recursive WITH entry's work table gets.
    next_work_table: usize,
    /// Binding a side of a set operation: its select list keeps untyped literals unknown.
    unknown_outputs: bool,
}

/// Binds one statement. `params` are the types the client gave (Unknown where unspecified).
pub fn bind(catalog: &dyn Catalog, stmt: &Statement, params: &[DataType]) -> Result<Bound> {
    let mut b = Binder::new(catalog);
    b.params = params.to_vec();
    let (plan, returning) = b.bind_statement(stmt)?;
    let columns = plan.columns(&returning);
    let params = b.params.into_iter().map(|t| if t == DataType::Unknown { DataType::Text } else { t }).collect();
    Ok(Bound { plan, params, columns, deps: b.deps, subqueries: b.subqueries })
}

impl<'a> Binder<'a> {
    pub fn new(catalog: &'a dyn Catalog) -> Binder<'a> {
        Binder {
            catalog,
            params: Vec::new(),
            deps: Vec::new(),
            subqueries: Vec::new(),
            outer: Vec::new(),
            ctes: Vec::new(),
            set_calls: None,
            next_work_table: 0,
            unknown_outputs: false,
        }
    }
}

impl Binder<'_> {
    fn bind_statement(&mut self, stmt: &Statement) -> Result<(Plan, Vec<OutCol>)> {
        let plain = |p: Plan| Ok((p, Vec::new()));
        match stmt {
            Statement::Query(q) => plain(self.bind_query_plan(q)?),
            Statement::Insert(i) => self.bind_write(|b| b.bind_insert(i)),
            Statement::Update(u) => self.bind_write(|b| b.bind_update(u)),
            Statement::Delete(d) => self.bind_write(|b| b.bind_delete(d)),
            Statement::CreateTable(_)
            | Statement::CreateIndex(_)
            | Statement::CreateType { .. }
            | Statement::AlterType(_)
            | Statement::AlterTable(_)
            | Statement::Drop { .. }
            | Statement::Truncate(_) => plain(self.bind_ddl(stmt)?),
            other => plain(self.bind_utility(other)?),
        }
    }

    /// INSERT / UPDATE / DELETE: their subqueries run before the first write, so none may be
    /// correlated.
    fn bind_write(&mut self, bind: impl FnOnce(&mut Self) -> Result<(Plan, Vec<OutCol>)>) -> Result<(Plan, Vec<OutCol>)> {
        let bound = bind(self)?;
        if self.has_correlated_subquery() {
            return Err(Error::unsupported("correlated subqueries in INSERT, UPDATE and DELETE"));
        }
        Ok(bound)
    }

    /// The schema of a table, or 42P01.
    pub fn table(&mut self, name: &ast::ObjectName) -> Result<Arc<TableSchema>> {
        let name = table_name(name)?;
        let schema = self.catalog.table(&name).ok_or_else(|| undefined_table(&name))?;
        self.deps.push(schema.clone());
        Ok(schema)
    }

    pub fn table_exists(&self, name: &str) -> bool {
        self.catalog.table(name).is_some()
    }
}

pub fn undefined_table(name: &str) -> Error {
    Error::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{name}\" does not exist"))
}

/// PostgreSQL's reserved key words that sqlparser lets through as names.
const RESERVED: [&str; 24] = [
    "all", "and", "any", "as", "case", "check", "create", "distinct", "else", "end", "from", "group", "having", "in", "limit", "not", "null",
    "offset", "or", "order", "select", "table", "where", "with",
];

/// A table name without its schema (`public.t` -> `t`); other schemas are refused.
pub fn table_name(name: &ast::ObjectName) -> Result<String> {
    if let Some(id) =
        name.0.iter().filter_map(|p| p.as_ident()).find(|i| i.quote_style.is_none() && RESERVED.contains(&i.value.to_lowercase().as_str()))
    {
        return Err(Error::syntax(format!("syntax error at or near \"{}\"", id.value)));
    }
    let parts: Vec<String> = name.0.iter().map(|p| p.as_ident().map(ident).unwrap_or_default()).collect();
    match parts.as_slice() {
        [t] => Ok(t.clone()),
        [s, t] if s == "public" => Ok(t.clone()),
        [s, t] => Err(undefined_table(&format!("{s}.{t}"))),
        _ => Err(Error::unsupported(format!("name {name}"))),
    }
}

/// A function name, bare or `pg_catalog.`-qualified, as PostgreSQL folds it.
pub fn function_name(name: &ast::ObjectName) -> Result<String> {
    let parts: Vec<String> = name.0.iter().map(|p| p.as_ident().map(ident).unwrap_or_default()).collect();
    match parts.as_slice() {
        [f] => Ok(f.clone()),
        [s, f] if s == "pg_catalog" => Ok(f.clone()),
        _ => Err(Error::new(sqlstate::UNDEFINED_FUNCTION, format!("function {name} does not exist"))),
    }
}

/// An identifier as PostgreSQL folds it: lower case unless quoted.
pub fn ident(id: &ast::Ident) -> String {
    if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_lowercase()
    }
}

impl Binder<'_> {
    /// [`sql_type`], or a user-defined enum type (`mood`, `public.mood`, `mood[]`).
    fn data_type(&self, t: &ast::DataType) -> Result<DataType> {
        use ast::ArrayElemTypeDef as E;
        match t {
            ast::DataType::Custom(name, mods) if mods.is_empty() => {
                let found = table_name(name).ok().and_then(|n| self.catalog.enum_type(&n).map(|def| def.resolved(&n)));
                found.map(DataType::Enum).map_or_else(|| sql_type(t), Ok)
            }
            ast::DataType::Array(E::SquareBracket(elem, _) | E::Qualified(elem, _)) if matches!(**elem, ast::DataType::Custom(..)) => {
                Ok(DataType::Array(Box::new(self.data_type(elem)?)))
            }
            _ => sql_type(t),
        }
    }
}

/// A SQL type name to a [`DataType`].
pub fn sql_type(t: &ast::DataType) -> Result<DataType> {
    let written = t.to_string();
    let text = written.strip_prefix("pg_catalog.").unwrap_or(&written).replace('"', "");
    DataType::parse(&text).map_err(|_| crate::types::undefined_type(&text.to_lowercase()))
}
