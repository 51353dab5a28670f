//! The simple query protocol: one Query message, possibly several statements.
//!
//! Each statement gets RowDescription + DataRows (text format) when it returns rows, then its
//! CommandComplete (after its commit is durable); an empty string gets EmptyQueryResponse; the
//! first error ends the string; ReadyForQuery closes the exchange.

use super::connection::{before_statement, touches_settings, Connection};
use super::deallocate::Deallocate;
use super::encode;
use super::result::{complete, send_rows, Formats};
use super::session::SqlSession;
use super::wire::Wire;
use crate::error::Result;
use crate::exec::QueryResult;
use crate::io::transport::Transport;

impl<S: SqlSession> Connection<S> {
    pub(super) async fn simple_query<T: Transport>(&mut self, wire: &mut Wire<T>, sql: &str) -> Result<()> {
        if let Some(deallocate) = Deallocate::parse(sql) {
            match deallocate.apply(&mut self.statements) {
                Ok(()) => encode::command_complete(&mut wire.out, deallocate.tag()),
                Err(e) => self.fail(&mut wire.out, e)?,
            }
            self.ready(&mut wire.out);
            return Ok(());
        }
        before_statement(&self.cancel);
        let results = self.session.execute_simple(sql);
        if results.is_empty() {
            encode::empty(&mut wire.out, b'I');
        }
        for result in results {
            if let Err(e) = self.send_statement(wire, result).await {
                self.fail(&mut wire.out, e)?;
                break;
            }
        }
        self.ready(&mut wire.out);
        Ok(())
    }

    async fn send_statement<T: Transport>(&mut self, wire: &mut Wire<T>, result: Result<QueryResult>) -> Result<()> {
        let mut result = result?;
        if let Some(columns) = result.columns.take() {
            encode::row_description(&mut wire.out, &columns, |_| 0);
            let rows = std::mem::take(&mut result.rows).into_iter();
            send_rows(wire, rows, &columns, &Formats::default(), self.session.format_options()).await?;
        }
        let tag = std::mem::take(&mut result.tag);
        self.settings_touched |= touches_settings(&tag);
        complete(&mut wire.out, &mut result, &tag).await
    }
}
