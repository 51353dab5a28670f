//! Execution: sessions, transactions and the executor. (CONTRACT STUB: the SQL engine work
//! replaces every `todo!()`.)
//!
//! A [`Session`] is one client's state: settings (SET/SHOW), prepared statements are kept by
//! the protocol layer as [`Prepared`] values, and the transaction in progress. The protocol
//! layer calls only the methods below.

use crate::error::Result;
use crate::storage::Store;
use crate::types::{DataType, Row, Value};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What every session shares: the store and server-wide settings.
pub struct Engine {
    pub store: Arc<Store>,
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

/// A parsed, bound statement ready to execute many times.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The statement's parameter types, given by the client or inferred.
    pub param_types: Vec<DataType>,
    /// The result columns, or None for a statement that returns no rows.
    pub columns: Option<Vec<Column>>,
    _plan: (),
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

/// One client's session.
pub struct Session {
    _private: (),
}

impl Session {
    /// A new session; `params` are the startup parameters (user, database, options, ...).
    pub fn new(_engine: Arc<Engine>, _params: &[(String, String)]) -> Session {
        todo!()
    }

    /// Splits a simple-query string into statements and runs them one by one, in the implicit
    /// transaction PostgreSQL gives a multi-statement string. Stops at the first error.
    pub fn execute_simple(&mut self, _sql: &str) -> Vec<Result<QueryResult>> {
        todo!()
    }

    /// Parses and binds one statement (Parse). `param_types` are what the client gave (Unknown
    /// where it left a type unspecified).
    pub fn prepare(&mut self, _sql: &str, _param_types: &[DataType]) -> Result<Prepared> {
        todo!()
    }

    /// Executes a prepared statement with parameter values already decoded to its types.
    pub fn execute(&mut self, _prepared: &Prepared, _params: &[Value]) -> Result<QueryResult> {
        todo!()
    }

    /// ReadyForQuery status: b'I' idle, b'T' in a transaction block, b'E' failed block.
    pub fn transaction_status(&self) -> u8 {
        todo!()
    }

    /// Flag the executor checks between rows; set by a CancelRequest (57014).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        todo!()
    }

    /// Settings that shape text output (TimeZone, DateStyle, extra_float_digits, ...).
    pub fn format_options(&self) -> &FormatOptions {
        todo!()
    }

    /// ParameterStatus values to report after startup or after a SET of a reported setting.
    pub fn reported_parameters(&self) -> Vec<(String, String)> {
        todo!()
    }

    /// Called when the connection ends: rolls back any open transaction.
    pub fn close(&mut self) {}
}
