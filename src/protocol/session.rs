//! What the protocol needs from a SQL session, as a trait.
//!
//! `exec::Session` is the real implementation; the trait exists so the connection state
//! machine can be tested on raw bytes against a scripted session, independently of the engine.

use crate::error::Result;
use crate::exec::{Column, Engine, Prepared, QueryResult, Session};
use crate::types::{DataType, FormatOptions, Value};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Opens sessions for new connections.
pub trait SessionFactory {
    type Session: SqlSession;
    fn open(&self, params: &[(String, String)]) -> Self::Session;
}

/// One client's SQL session as the protocol drives it (see `exec::Session`).
pub trait SqlSession {
    type Statement;
    fn execute_simple(&mut self, sql: &str) -> Vec<Result<QueryResult>>;
    fn prepare(&mut self, sql: &str, param_types: &[DataType]) -> Result<Self::Statement>;
    /// The type of a parameter type OID given in Parse; built-in types only by default.
    fn type_by_oid(&self, oid: u32) -> Result<Option<DataType>> {
        Ok(DataType::from_oid(oid))
    }
    fn execute(&mut self, statement: &Self::Statement, params: &[Value]) -> Result<QueryResult>;
    fn param_types(statement: &Self::Statement) -> &[DataType];
    fn columns(statement: &Self::Statement) -> Option<&[Column]>;
    fn transaction_status(&self) -> u8;
    fn cancel_flag(&self) -> Arc<AtomicBool>;
    fn format_options(&self) -> &FormatOptions;
    fn reported_parameters(&self) -> Vec<(String, String)>;
    fn close(&mut self);
}

impl SessionFactory for Arc<Engine> {
    type Session = Session;
    fn open(&self, params: &[(String, String)]) -> Session {
        Session::new(self.clone(), params)
    }
}

impl SqlSession for Session {
    type Statement = Prepared;
    fn execute_simple(&mut self, sql: &str) -> Vec<Result<QueryResult>> {
        Session::execute_simple(self, sql)
    }
    fn prepare(&mut self, sql: &str, param_types: &[DataType]) -> Result<Prepared> {
        Session::prepare(self, sql, param_types)
    }
    fn type_by_oid(&self, oid: u32) -> Result<Option<DataType>> {
        Session::type_by_oid(self, oid)
    }
    fn execute(&mut self, statement: &Prepared, params: &[Value]) -> Result<QueryResult> {
        Session::execute(self, statement, params)
    }
    fn param_types(statement: &Prepared) -> &[DataType] {
        &statement.param_types
    }
    fn columns(statement: &Prepared) -> Option<&[Column]> {
        statement.columns.as_deref()
    }
    fn transaction_status(&self) -> u8 {
        Session::transaction_status(self)
    }
    fn cancel_flag(&self) -> Arc<AtomicBool> {
        Session::cancel_flag(self)
    }
    fn format_options(&self) -> &FormatOptions {
        Session::format_options(self)
    }
    fn reported_parameters(&self) -> Vec<(String, String)> {
        Session::reported_parameters(self)
    }
    fn close(&mut self) {
        Session::close(self)
    }
}
