//! Name resolution: the tables a statement's expressions can see and where their columns
//! sit in the input row. Also, once a query aggregates, which aggregate calls are available
//! as input columns.

use super::Typed;
use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::Origin;
use crate::types::DataType;
use sqlparser::ast;
use std::sync::Arc;

/// One visible table: its name (or alias), schema, first column's position in the row, and
/// where its columns come from.
#[derive(Debug, Clone)]
pub struct ScopeTable {
    pub name: String,
    pub schema: Arc<TableSchema>,
    pub offset: usize,
    pub source: Source,
}

/// What a visible table is, for the stored columns its columns show (RowDescription).
#[derive(Debug, Clone)]
pub enum Source {
    /// A stored table: column i is its attribute i + 1.
    Stored,
    /// A subquery or CTE: each output's origin, if it shows a stored column unchanged.
    Query(Vec<Option<Origin>>),
    /// A function, VALUES list or system view.
    Computed,
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
        Scope::from_source(name, schema, Source::Computed)
    }

    pub fn from_source(name: &str, schema: Arc<TableSchema>, source: Source) -> Scope {
        Scope { tables: vec![ScopeTable { name: name.to_string(), schema, offset: 0, source }], aggregates: None, groups: Vec::new() }
    }

    /// The stored table column input position `i` shows unchanged, if any. Past an aggregate,
    /// only the GROUP BY columns (the first outputs) are still input columns.
    pub fn origin(&self, i: usize) -> Option<Origin> {
        let i = if self.aggregates.is_some() { *self.groups.get(i)? } else { i };
        let t = self.tables.iter().find(|t| (t.offset..t.offset + t.schema.columns.len()).contains(&i))?;
        match &t.source {
            Source::Stored => Some(Origin { table: t.schema.name.clone(), attnum: (i - t.offset + 1) as i16 }),
            Source::Query(origins) => origins[i - t.offset].clone(),
            Source::Computed => None,
        }
    }

    /// Adds a table after the existing ones (EXCLUDED in ON CONFLICT).
    pub fn with(mut self, name: &str, schema: Arc<TableSchema>) -> Scope {
        self.push(ScopeTable { name: name.to_string(), schema, offset: 0, source: Source::Computed });
        self
    }

    /// Appends `table` after the existing tables (its columns follow theirs in the row).
    pub fn push(&mut self, table: ScopeTable) {
        let offset = self.width();
        self.tables.push(ScopeTable { offset, ..table });
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
