//! Execution: sessions, transactions and the executor.
//!
//! A [`Session`] is one client's state: settings (SET/SHOW), the transaction in progress and
//! its failed/idle status. Prepared statements are kept by the protocol layer as
//! [`Prepared`] values holding the bound plan. The protocol layer calls only the methods of
//! [`Session`]; `txn` holds a transaction's overlay, `executor` runs row sources (with
//! `runtime` running their subqueries and catalog-reading functions), `dml`
//! and `ddl` apply writes, `constraints` checks them.

mod constraints;
mod ddl;
mod dml;
mod executor;
mod interrupt;
mod own_index;
pub mod pg_catalog;
mod runtime;
mod session;
mod settings;
mod txn;

pub use session::Session;
pub use settings::{SERVER_VERSION, VERSION_STRING};

use crate::sql::bind::Bound;
use crate::storage::Store;
use crate::types::{DataType, Row};
use std::sync::Arc;

/// What every session shares: the store and server-wide settings.
pub struct Engine {
    pub store: Arc<Store>,
    /// Sessions open now. The commit of a lone session syncs the journal on its own thread
    /// (see `storage::journal`): there is no other client's commit to group it with.
    sessions: std::sync::atomic::AtomicUsize,
}

impl Engine {
    pub fn new(store: Arc<Store>) -> Engine {
        Engine { store, sessions: Default::default() }
    }
}

/// A result column as RowDescription describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
    /// OID of the table the column comes from, and its attribute number (0 when computed).
    pub table_oid: u32,
    pub column_id: i16,
}

impl Column {
    fn of(c: &crate::sql::plan::OutCol) -> Column {
        let (table_oid, column_id) = c.origin.as_ref().map_or((0, 0), |o| (pg_catalog::relation_oid(&o.table), o.attnum));
        Column { name: c.name.clone(), data_type: c.data_type.clone(), table_oid, column_id }
    }
}

/// A parsed, bound statement ready to execute many times.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The statement's parameter types, given by the client or inferred.
    pub param_types: Vec<DataType>,
    /// The result columns, or None for a statement that returns no rows.
    pub columns: Option<Vec<Column>>,
    plan: Arc<PreparedPlan>,
}

/// The statement's AST (to bind again after a schema change) and its bound plan.
#[derive(Debug)]
struct PreparedPlan {
    stmt: Option<sqlparser::ast::Statement>,
    bound: Bound,
}

/// The outcome of one statement.
#[derive(Debug)]
pub struct QueryResult {
    pub columns: Option<Vec<Column>>,
    pub rows: Vec<Row>,
    /// The CommandComplete tag: `SELECT 3`, `INSERT 0 1`, `CREATE TABLE`, ...
    pub tag: String,
    /// Set when the statement committed writes: the protocol layer awaits it before it sends
    /// the statement's CommandComplete (a commit is acknowledged only once it is on disk).
    pub durable: Option<crate::storage::Durable>,
}

/// Output settings the protocol layer needs to render values as text.
pub use crate::types::FormatOptions;

fn columns_of(bound: &Bound) -> Option<Vec<Column>> {
    bound.columns.as_ref().map(|cols| cols.iter().map(Column::of).collect())
}
