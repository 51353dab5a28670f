//! Name resolution: the tables a statement's expressions can see and where their columns
//! sit in the input row. Also, once a query aggregates, which aggregate calls are available
//! as input columns.

use super::Typed;
use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::types::DataType;
use sqlparser::ast;
use std::sync::Arc;

/// One visible table: its name (or alias), schema and first column's position in the row.
#[derive(Debug, Clone)]
pub struct ScopeTable {
    pub name: String,
    pub schema: Arc<TableSchema>,
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub tables: Vec<ScopeTable>,
    /// Set when the input is an aggregate's output: the aggregate calls (by their SQL text)
    /// and their types, in output order. Plain columns are then out of reach.
    pub aggregates: Option<Vec<(String, DataType)>>,
    /// Input positions of the GROUP BY columns; the aggregate's output starts with them.
    pub groups: Vec<usize>,
}

impl Scope {
    pub fn empty() -> Scope {
        Scope::default()
    }

    pub fn of(name: &str, schema: Arc<TableSchema>) -> Scope {
        Scope { tables: vec![ScopeTable { name: name.to_string(), schema, offset: 0 }], aggregates: None, groups: Vec::new() }
    }

    /// Adds a table after the existing ones (EXCLUDED in ON CONFLICT).
    pub fn with(mut self, name: &str, schema: Arc<TableSchema>) -> Scope {
        let offset = self.width();
        self.tables.push(ScopeTable { name: name.to_string(), schema, offset });
        self
    }

    pub fn width(&self) -> usize {
        self.tables.iter().map(|t| t.schema.columns.len()).sum()
    }

    /// Resolves `[table.]column`.
    pub fn column(&self, table: Option<&str>, column: &str) -> Result<Typed> {
        let (table, column) = (table.map(str::to_string), column.to_string());
        let mut found = None;
        for t in &self.tables {
            if table.as_ref().is_some_and(|n| *n != t.name) {
                continue;
            }
            if let Some(i) = t.schema.column_index(&column) {
                if found.is_some() {
                    return Err(Error::new(sqlstate::AMBIGUOUS_COLUMN, format!("column reference \"{column}\" is ambiguous")));
                }
                found = Some((t.offset + i, t.schema.columns[i].data_type.clone(), t.schema.columns[i].name.clone()));
            }
        }
        if let Some(t) = &table {
            if !self.tables.iter().any(|x| x.name == *t) {
                if self.tables.iter().any(|x| x.schema.name == *t) {
                    return Err(Error::new(sqlstate::UNDEFINED_TABLE, format!("invalid reference to FROM-clause entry for table \"{t}\"")));
                }
                return Err(Error::new(sqlstate::UNDEFINED_TABLE, format!("missing FROM-clause entry for table \"{t}\"")));
            }
        }
        let (pos, ty, name) = found.ok_or_else(|| undefined_column(table.as_deref(), &column))?;
        if self.aggregates.is_some() {
            if let Some(g) = self.groups.iter().position(|p| *p == pos) {
                return Ok(Typed::new(Expr::Column(g), ty));
            }
            let tname = &self.tables[0].name;
            return Err(Error::new(
                sqlstate::GROUPING_ERROR,
                format!("column \"{tname}.{name}\" must appear in the GROUP BY clause or be used in an aggregate function"),
            ));
        }
        Ok(Typed::new(Expr::Column(pos), ty))
    }

    /// An aggregate call, once the aggregate node computed it.
    pub fn aggregate_ref(&self, f: &ast::Function) -> Result<Typed> {
        let key = f.to_string();
        let aggs = self.aggregates.as_ref().ok_or_else(|| Error::new(sqlstate::GROUPING_ERROR, "aggregate functions are not allowed here"))?;
        let i = aggs.iter().position(|(k, _)| *k == key).ok_or_else(|| Error::internal(format!("aggregate {key} not collected")))?;
        Ok(Typed::new(Expr::Column(self.groups.len() + i), aggs[i].1.clone()))
    }
}

pub fn undefined_column(table: Option<&str>, column: &str) -> Error {
    let name = match table {
        Some(t) => format!("{t}.{column}"),
        None => column.to_string(),
    };
    Error::new(sqlstate::UNDEFINED_COLUMN, format!("column {} does not exist", quote(&name)))
}

fn quote(name: &str) -> String {
    match name.split_once('.') {
        Some((t, c)) => format!("{t}.{c}"),
        None => format!("\"{name}\""),
    }
}
