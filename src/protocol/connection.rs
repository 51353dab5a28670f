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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// Serves one client until it terminates, fails fatally or the server shuts down.
pub async fn run<T: Transport, F: SessionFactory>(transport: T, shared: &Shared<F>) {
    let mut wire = Wire::new(transport);
    let result = async {
        match startup(&mut wire, shared).await? {
            Some(params) => session(&mut wire, shared, &params).await,
            None => Ok(()),
        }
    }
    .await;
    report(&mut wire, result).await;
}

/// Continues a connection whose startup packet another thread has read (see `io::uring`).
pub async fn resume<T: Transport, F: SessionFactory>(mut wire: Wire<T>, shared: &Shared<F>, params: &[(String, String)]) {
    let result = session(&mut wire, shared, params).await;
    report(&mut wire, result).await;
}

/// Sends a connection-ending error, unless the client is already gone.
pub async fn report<T: Transport>(wire: &mut Wire<T>, result: Result<()>) {
    if let Err(e) = result {
        if !is_closed(&e) {
            encode::error_response(&mut wire.out, &e);
            let _ = wire.flush().await;
        }
    }
}

/// The startup phase: encryption refusals, protocol negotiation and CancelRequest (honoured
/// here). Returns the startup parameters, or None for a cancel connection.
pub async fn startup<T: Transport, F>(wire: &mut Wire<T>, shared: &Shared<F>) -> Result<Option<Vec<(String, String)>>> {
    match startup::negotiate(wire).await? {
        Startup::Cancel { pid, secret } => {
            shared.cancel(pid, secret);
            Ok(None)
        }
        Startup::Connect(params) => Ok(Some(params)),
    }
}

async fn session<T: Transport, F: SessionFactory>(wire: &mut Wire<T>, shared: &Shared<F>, params: &[(String, String)]) -> Result<()> {
    if shared.is_shutting_down() {
        return Err(Error::new("57P03", "the database system is shutting down").fatal());
    }
    let mut admission = shared.admit()?;
    if let Some(credentials) = &shared.credentials {
        let user = params.iter().find(|(k, _)| k == "user").map_or("", |(_, v)| v.as_str());
        auth::authenticate(wire, credentials, user).await?;
    }
    encode::authentication(&mut wire.out, 0, &[]);
    let mut conn = Connection::new(shared.factory.open(params));
    let (pid, secret) = admission.register_cancel(conn.cancel.clone());
    for (name, value) in &conn.reported {
        encode::parameter_status(&mut wire.out, name, value);
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
    pub(super) cancel: Arc<AtomicBool>,
    /// ParameterStatus values the client has been told.
    reported: Vec<(String, String)>,
    /// A statement since the last ReadyForQuery may have changed a reported setting.
    pub(super) settings_touched: bool,
}

/// Whether a statement with this command tag may have changed a reported setting.
pub(super) fn touches_settings(tag: &str) -> bool {
    matches!(tag.split(' ').next(), Some("SET" | "RESET" | "DISCARD" | "COMMIT" | "ROLLBACK"))
}

/// Called before each statement runs: a CancelRequest that arrived while the session was
/// idle must not cancel the next statement (PostgreSQL ignores it too).
pub(super) fn before_statement(cancel: &AtomicBool) {
    cancel.store(false, Ordering::Release);
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Terminate,
}

impl<S: SqlSession> Connection<S> {
    pub fn new(session: S) -> Self {
        let cancel = session.cancel_flag();
        let reported = session.reported_parameters();
        Connection { session, statements: HashMap::new(), portals: HashMap::new(), skipping: false, cancel, reported, settings_touched: false }
    }

    /// ReadyForQuery, preceded by ParameterStatus for every reported setting that changed.
    pub(super) fn ready(&mut self, out: &mut Vec<u8>) {
        if std::mem::take(&mut self.settings_touched) {
            let now = self.session.reported_parameters();
            for (name, value) in now.iter().filter(|p| !self.reported.contains(p)) {
                encode::parameter_status(out, name, value);
            }
            self.reported = now;
        }
        encode::ready_for_query(out, self.session.transaction_status());
    }

    async fn serve<T: Transport>(&mut self, wire: &mut Wire<T>, mut shutdown: watch::Receiver<bool>) -> Result<()> {
        loop {
            while let Some(bytes) = frame::next_frame(&mut wire.input)? {
                if self.handle(wire, frame::decode(bytes)?).await? == Flow::Terminate {
                    return wire.flush().await;
                }
            }
            // Responses leave and the next read starts together. A shutdown while they are
            // leaving drops the future: a submitted io_uring write still completes; a tokio
            // write can only be pending on a full socket buffer, and the connection closes.
            tokio::select! {
                filled = wire.flush_and_fill() => filled?,
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
        if self.session.transaction_status() == b'I' {
            self.portals.clear();
        }
        self.ready(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{Column, QueryResult};
    use crate::io::transport::mock::MockTransport;
    use crate::types::{DataType, FormatOptions, Value};
    use std::sync::atomic::AtomicBool;

    /// A scripted session: `select` yields three NULL rows, `fail` a syntax error.
    struct Fake(FormatOptions, &'static str);

    fn rows(sql: &str) -> Result<QueryResult> {
        if sql.contains("fail") {
            return Err(Error::syntax("syntax error at or near \"fail\""));
        }
        let columns = sql.contains("select").then(|| vec![Column { name: "a".into(), data_type: DataType::Int4, table_oid: 0, column_id: 0 }]);
        let rows = if columns.is_some() { vec![vec![Value::Null]; 3] } else { vec![] };
        let tag = if columns.is_some() { "SELECT 3".into() } else { "CREATE TABLE".into() };
        Ok(QueryResult { columns, rows, tag, durable: None })
    }

    impl SqlSession for Fake {
        type Statement = (String, Vec<DataType>, Option<Vec<Column>>);
        fn execute_simple(&mut self, sql: &str) -> Vec<Result<QueryResult>> {
            let mut out = Vec::new();
            for part in sql.split(';').filter(|s| !s.trim().is_empty()) {
                if part.contains("set") {
                    self.1 = "Europe/Paris";
                    out.push(Ok(QueryResult { columns: None, rows: vec![], tag: "SET".into(), durable: None }));
                    continue;
                }
                out.push(rows(part));
                if out.last().unwrap().is_err() {
                    break;
                }
            }
            out
        }
        fn prepare(&mut self, sql: &str, types: &[DataType]) -> Result<Self::Statement> {
            let columns = rows(sql)?.columns;
            Ok((sql.to_string(), types.to_vec(), columns))
        }
        fn execute(&mut self, st: &Self::Statement, _: &[Value]) -> Result<QueryResult> {
            rows(&st.0)
        }
        fn param_types(st: &Self::Statement) -> &[DataType] {
            &st.1
        }
        fn columns(st: &Self::Statement) -> Option<&[Column]> {
            st.2.as_deref()
        }
        fn transaction_status(&self) -> u8 {
            b'I'
        }
        fn cancel_flag(&self) -> Arc<std::sync::atomic::AtomicBool> {
            Arc::new(AtomicBool::new(false))
        }
        fn format_options(&self) -> &FormatOptions {
            &self.0
        }
        fn reported_parameters(&self) -> Vec<(String, String)> {
            vec![("server_version".into(), "15.0".into()), ("TimeZone".into(), self.1.into())]
        }
        fn close(&mut self) {}
    }

    struct FakeFactory;
    impl SessionFactory for FakeFactory {
        type Session = Fake;
        fn open(&self, _: &[(String, String)]) -> Fake {
            Fake(FormatOptions::default(), "UTC")
        }
    }

    fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![tag];
        m.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    fn startup_packet() -> Vec<u8> {
        let body = b"\0\x03\0\0user\0u\0\0";
        let mut m = ((body.len() + 4) as i32).to_be_bytes().to_vec();
        m.extend_from_slice(body);
        m
    }

    fn parse(name: &str, sql: &str) -> Vec<u8> {
        msg(b'P', &[name.as_bytes(), b"\0", sql.as_bytes(), b"\0\0\0"].concat())
    }

    fn bind(portal: &str, statement: &str) -> Vec<u8> {
        msg(b'B', &[portal.as_bytes(), b"\0", statement.as_bytes(), b"\0\0\0\0\0\0\0"].concat())
    }

    fn execute(portal: &str, max_rows: i32) -> Vec<u8> {
        msg(b'E', &[portal.as_bytes(), b"\0", &max_rows.to_be_bytes()].concat())
    }

    /// Runs a connection over `chunks` (each one read) and returns the message types sent
    /// after the startup exchange, plus the number of writes.
    fn converse(chunks: Vec<Vec<u8>>, shared: &Shared<FakeFactory>) -> (Vec<(u8, Vec<u8>)>, usize) {
        let mut input = vec![startup_packet()];
        input.extend(chunks);
        let transport = MockTransport { input: input.into(), ..Default::default() };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut wire = Wire::new(transport);
        let transport = rt.block_on(async {
            let result = match startup(&mut wire, shared).await {
                Ok(Some(params)) => session(&mut wire, shared, &params).await,
                other => other.map(drop),
            };
            report(&mut wire, result).await;
            wire.into_parts().0
        });
        (split(&transport.output), transport.writes)
    }

    fn split(mut bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let len = u32::from_be_bytes(bytes[1..5].try_into().unwrap()) as usize;
            out.push((bytes[0], bytes[5..1 + len].to_vec()));
            bytes = &bytes[1 + len..];
        }
        out
    }

    fn tags(messages: &[(u8, Vec<u8>)]) -> String {
        messages.iter().map(|(t, _)| *t as char).collect()
    }

    fn shared() -> Shared<FakeFactory> {
        Shared::new(FakeFactory, None, 10)
    }

    #[test]
    fn startup_and_simple_queries() {
        let (out, _) = converse(vec![msg(b'Q', b"select; create\0"), msg(b'Q', b"\0"), msg(b'X', b"")], &shared());
        // R(ok) S S K Z | T D D D C C Z | I Z
        assert_eq!(tags(&out), "RSSKZTDDDCCZIZ");
        assert_eq!(out[9].1, b"SELECT 3\0");
        assert_eq!(out[10].1, b"CREATE TABLE\0");
        assert_eq!(out[13].1, b"I");
    }

    #[test]
    fn changed_settings_are_reported_before_ready() {
        let (out, _) = converse(vec![msg(b'Q', b"create\0"), msg(b'Q', b"set\0")], &shared());
        assert_eq!(tags(&out[5..]), "CZCSZ");
        assert_eq!(out[8].1, b"TimeZone\0Europe/Paris\0");
    }

    #[test]
    fn simple_query_error_stops_the_string() {
        let (out, _) = converse(vec![msg(b'Q', b"create; fail; select\0")], &shared());
        assert_eq!(tags(&out[5..]), "CEZ");
        assert!(out[6].1.windows(6).any(|w| w == b"C42601"));
    }

    #[test]
    fn pipelined_extended_is_one_write() {
        let batch = [parse("", "select"), bind("", ""), msg(b'D', b"P\0"), execute("", 0), msg(b'S', b"")].concat();
        let (out, writes) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "12TDDDCZ");
        assert_eq!(writes, 2, "one write for startup, one for the whole pipeline");
    }

    #[test]
    fn row_limit_suspends_and_resumes() {
        let batch = [parse("s", "select"), bind("p", "s"), execute("p", 2), execute("p", 2), msg(b'S', b"")].concat();
        let (out, _) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "12DDsDCZ");
        assert_eq!(out[11].1, b"SELECT 1\0");
        let batch = [parse("s", "select"), bind("p", "s"), execute("p", 3), execute("p", 3), msg(b'S', b"")].concat();
        let (out, _) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "12DDDsCZ");
        assert_eq!(out[11].1, b"SELECT 0\0");
    }

    #[test]
    fn errors_skip_to_sync() {
        let batch = [parse("", "fail"), bind("", ""), execute("", 0), msg(b'S', b""), parse("", "select"), msg(b'S', b"")].concat();
        let (out, _) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "EZ1Z");
    }

    #[test]
    fn unknown_names_and_duplicates() {
        let batch =
            [bind("", "nope"), msg(b'S', b""), execute("nope", 0), msg(b'S', b""), parse("s", "select"), parse("s", "select"), msg(b'S', b"")]
                .concat();
        let (out, _) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "EZEZ1EZ");
        let codes: Vec<bool> =
            [(5, "C26000"), (7, "C34000"), (10, "C42P05")].iter().map(|(i, code)| out[*i].1.windows(6).any(|w| w == code.as_bytes())).collect();
        assert_eq!(codes, [true, true, true]);
    }

    #[test]
    fn deallocate_drops_protocol_statements() {
        let batch = [parse("s", "select"), msg(b'S', b""), msg(b'Q', b"DEALLOCATE s\0"), bind("", "s"), msg(b'S', b"")].concat();
        let (out, _) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "1ZCZEZ");
        assert_eq!(out[7].1, b"DEALLOCATE\0");
        assert!(out[9].1.windows(6).any(|w| w == b"C26000"));
    }

    #[test]
    fn describe_statement_and_empty_query() {
        let batch = [parse("s", "select"), msg(b'D', b"Ss\0"), parse("e", ""), bind("", "e"), execute("", 0), msg(b'S', b"")].concat();
        let (out, _) = converse(vec![batch], &shared());
        assert_eq!(tags(&out[5..]), "1tT12IZ");
    }

    #[test]
    fn malformed_messages_are_fatal() {
        for bad in [vec![b'Q', 0, 0, 0, 2], msg(b'x', b""), msg(b'B', b"\0")] {
            let (out, _) = converse(vec![bad], &shared());
            let last = out.last().unwrap();
            assert_eq!(last.0, b'E');
            assert!(last.1.windows(6).any(|w| w == b"C08P01"), "{:?}", String::from_utf8_lossy(&last.1));
            assert!(last.1.starts_with(b"SFATAL"));
        }
    }

    #[test]
    fn connection_limit() {
        let shared = Shared::new(FakeFactory, None, 1);
        let _held = shared.admit().unwrap();
        let (out, _) = converse(vec![], &shared);
        assert_eq!(tags(&out), "E");
        assert!(out[0].1.windows(6).any(|w| w == b"C53300"));
    }
}
