//! One client connection from the first byte to the last: startup, authentication, then the
//! message loop.
//!
//! The loop decodes every complete message already buffered, handles each (appending responses
//! to the output buffer), and only then writes, once: a pipelined Parse/Bind/Describe/Execute/
//! Sync costs one read and one write. While waiting for input the task sleeps in the transport
//! (idle clients cost no CPU) or wakes for a server shutdown. After an error in an extended-
//! protocol message every message up to Sync is skipped, as PostgreSQL does.

use super::extended::{Portal, Statement};
use super::frame;
use super::session::{SessionFactory, SqlSession};
use super::shared::Shared;
use super::startup::{self, Startup};
use super::wire::{is_closed, Wire};
use super::{auth, encode};
use crate::error::{sqlstate, Error, Result, Severity};
use crate::io::transport::Transport;
use pgwire::messages::PgWireFrontendMessage as Msg;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::watch;

/// Serves one client until it terminates, fails fatally or the server shuts down.
pub async fn run<T: Transport, F: SessionFactory>(transport: T, shared: &Shared<F>) {
    let mut wire = Wire::new(transport);
    if let Err(e) = serve(&mut wire, shared).await {
        if !is_closed(&e) {
            encode::error_response(&mut wire.out, &e);
            let _ = wire.flush().await;
        }
    }
}

async fn serve<T: Transport, F: SessionFactory>(wire: &mut Wire<T>, shared: &Shared<F>) -> Result<()> {
    let params = match startup::negotiate(wire).await? {
        Startup::Cancel { pid, secret } => return Ok(shared.cancel(pid, secret)),
        Startup::Connect(params) => params,
    };
    if shared.is_shutting_down() {
        return Err(Error::new("57P03", "the database system is shutting down").fatal());
    }
    let mut admission = shared.admit()?;
    if let Some(secret) = &shared.scram {
        let user = params.iter().find(|(k, _)| k == "user").map_or("", |(_, v)| v.as_str());
        auth::authenticate(wire, secret, user).await?;
    }
    encode::authentication(&mut wire.out, 0, &[]);
    let mut conn = Connection::new(shared.factory.open(&params));
    let (pid, secret) = admission.register_cancel(conn.session.cancel_flag());
    for (name, value) in conn.session.reported_parameters() {
        encode::parameter_status(&mut wire.out, &name, &value);
    }
    encode::backend_key_data(&mut wire.out, pid, secret);
    encode::ready_for_query(&mut wire.out, conn.session.transaction_status());
    let result = conn.serve(wire, shared.shutdown_signal()).await;
    conn.session.close();
    result
}

/// The state of a logged-in connection: the session and its named statements and portals.
pub struct Connection<S: SqlSession> {
    pub(super) session: S,
    pub(super) statements: HashMap<String, Arc<Statement<S::Statement>>>,
    pub(super) portals: HashMap<String, Portal<S::Statement>>,
    /// Set by an error in an extended-protocol message; cleared by Sync.
    skipping: bool,
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Terminate,
}

impl<S: SqlSession> Connection<S> {
    pub fn new(session: S) -> Self {
        Connection { session, statements: HashMap::new(), portals: HashMap::new(), skipping: false }
    }

    async fn serve<T: Transport>(&mut self, wire: &mut Wire<T>, mut shutdown: watch::Receiver<bool>) -> Result<()> {
        loop {
            while let Some(bytes) = frame::next_frame(&mut wire.input)? {
                if self.handle(wire, frame::decode(bytes)?).await? == Flow::Terminate {
                    return wire.flush().await;
                }
            }
            wire.flush().await?;
            tokio::select! {
                filled = wire.fill() => filled?,
                _ = shutdown.wait_for(|down| *down) => {
                    return Err(Error::new(sqlstate::ADMIN_SHUTDOWN, "terminating connection due to administrator command").fatal())
                }
            }
        }
    }

    async fn handle<T: Transport>(&mut self, wire: &mut Wire<T>, message: Msg) -> Result<Flow> {
        match message {
            Msg::Terminate(_) => return Ok(Flow::Terminate),
            Msg::Sync(_) => self.sync(&mut wire.out),
            Msg::Flush(_) => wire.flush().await?,
            Msg::CopyData(_) | Msg::CopyDone(_) | Msg::CopyFail(_) => {}
            _ if self.skipping => {}
            Msg::Query(q) => self.simple_query(wire, &q.query).await?,
            Msg::PasswordMessageFamily(_) => return Err(frame::violation("invalid frontend message type 112")),
            message => {
                if let Err(e) = self.extended(wire, message).await {
                    self.fail(&mut wire.out, e)?;
                    self.skipping = true;
                }
            }
        }
        Ok(Flow::Continue)
    }

    /// Reports a statement error; a FATAL one is returned to end the connection instead.
    pub(super) fn fail(&self, out: &mut Vec<u8>, e: Error) -> Result<()> {
        if e.severity == Severity::Fatal {
            return Err(e);
        }
        encode::error_response(out, &e);
        Ok(())
    }

    fn sync(&mut self, out: &mut Vec<u8>) {
        self.skipping = false;
        let status = self.session.transaction_status();
        if status == b'I' {
            self.portals.clear();
        }
        encode::ready_for_query(out, status);
    }
}
