//! The acceptor shared by both backends: one small epoll-based tokio runtime that accepts,
//! refuses SSL, reads the startup packet and honours CancelRequests itself, then hands each
//! connection (socket, startup parameters, bytes already read) to the workers in turn.
//!
//! Statements run on the worker that owns the connection and may block it; because the
//! acceptor never runs SQL, new connections and cancels get through even while every worker
//! is busy in a long statement.

use super::tokio::TokioTransport;
use crate::exec::Engine;
use crate::protocol::connection::{report, startup};
use crate::protocol::wire::Wire;
use crate::protocol::Shared;
use bytes::BytesMut;
use std::io;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Stack of a worker thread, where statements are parsed, bound and run. Deeply nested SQL
/// (a UNION ALL of hundreds of SELECTs, long chains of operators) recurses once per level; the
/// default 2 MiB overflowed at 200 UNION arms in a debug build, and an overflow aborts the
/// whole server. Binding stops at a quarter of it (`sql::stack`, 54001), so running what was
/// bound fits in the rest. The memory is reserved, not committed: only the pages a statement
/// touches are used.
const WORKER_STACK: usize = 256 << 20;

/// A client that has not sent its startup packet by then is dropped (PostgreSQL's
/// authentication_timeout default).
const STARTUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub type SharedState = Arc<Shared<Arc<Engine>>>;

/// A connection past its startup packet, on its way to a worker.
pub struct Handoff {
    pub stream: std::net::TcpStream,
    pub input: BytesMut,
    pub params: Vec<(String, String)>,
}

/// Accepts on `listener` until shutdown, dealing connections to `workers` round robin.
/// Dropping the senders on return tells the workers no more connections will come.
pub fn accept_loop(listener: std::net::TcpListener, shared: SharedState, workers: Vec<UnboundedSender<Handoff>>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let mut shutdown = shared.shutdown_signal();
        for turn in 0.. {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = shutdown.wait_for(|down| *down) => break,
            };
            match accepted {
                Ok((stream, _)) => {
                    let worker = workers[turn % workers.len()].clone();
                    tokio::spawn(hand_over(stream, shared.clone(), worker));
                }
                Err(e) => tracing::warn!("accept failed: {e}"),
            }
        }
        Ok(())
    })
}

/// Runs the startup phase, then passes the connection to `worker`.
async fn hand_over(stream: tokio::net::TcpStream, shared: SharedState, worker: UnboundedSender<Handoff>) {
    let _ = stream.set_nodelay(true);
    let mut wire = Wire::new(TokioTransport(stream));
    let params = match tokio::time::timeout(STARTUP_TIMEOUT, startup(&mut wire, &shared)).await {
        Ok(Ok(Some(params))) => params,
        Ok(Ok(None)) | Err(_) => return,
        Ok(Err(e)) => return report(&mut wire, Err(e)).await,
    };
    if wire.flush().await.is_err() {
        return;
    }
    let (transport, input) = wire.into_parts();
    if let Ok(stream) = transport.0.into_std() {
        let _ = worker.send(Handoff { stream, input, params });
    }
}

/// Starts `threads` workers (each given its receiving end), runs the acceptor on this thread,
/// then waits for the workers to finish their connections.
pub fn serve_with_workers<W>(listener: std::net::TcpListener, shared: SharedState, threads: usize, worker: W) -> io::Result<()>
where
    W: Fn(tokio::sync::mpsc::UnboundedReceiver<Handoff>, SharedState) -> io::Result<()> + Send + Clone + 'static,
{
    let mut senders = Vec::new();
    let mut handles = Vec::new();
    for i in 0..threads {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (shared, worker) = (shared.clone(), worker.clone());
        senders.push(tx);
        let thread = std::thread::Builder::new().name(format!("sb-worker-{i}")).stack_size(WORKER_STACK);
        handles.push(thread.spawn(move || {
            crate::sql::stack::mark_base();
            worker(rx, shared)
        })?);
    }
    let accepted = accept_loop(listener, shared, senders);
    for handle in handles {
        handle.join().map_err(|_| io::Error::other("worker thread panicked"))??;
    }
    accepted
}
