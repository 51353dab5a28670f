//! The portable backend: one current-thread tokio runtime (epoll/kqueue) per core serving the
//! connections the acceptor (`io::acceptor`) deals it.
//!
//! Always built (the only backend off Linux or without the `io-uring` feature). Statements run
//! synchronously on the connection's thread; one runtime per thread (rather than tokio's
//! work-stealing pool) keeps a long statement from stalling the IO driver of the whole pool,
//! and the acceptor keeps cancels flowing while a worker is busy.

use super::acceptor::{serve_with_workers, Handoff, SharedState};
use super::transport::Transport;
use crate::protocol::connection::resume;
use crate::protocol::wire::Wire;
use std::io;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedReceiver;

pub struct TokioTransport(pub TcpStream);

impl Transport for TokioTransport {
    async fn read(&mut self, mut buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>) {
        let result = self.0.read_buf(&mut buf).await;
        (result, buf)
    }

    async fn write_all(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        let result = self.0.write_all(&buf).await;
        (result, buf)
    }
}

/// Serves `listener` with `threads` tokio workers until shutdown, then waits for every
/// connection to end. Blocks the calling thread.
pub fn serve(listener: std::net::TcpListener, shared: SharedState, threads: usize) -> io::Result<()> {
    serve_with_workers(listener, shared, threads, worker)
}

fn worker(mut connections: UnboundedReceiver<Handoff>, shared: SharedState) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        while let Some(handoff) = connections.recv().await {
            let Ok(stream) = handoff.stream.set_nonblocking(true).and_then(|()| TcpStream::from_std(handoff.stream)) else { continue };
            let shared = shared.clone();
            tokio::task::spawn_local(async move { resume(Wire::with_input(TokioTransport(stream), handoff.input), &shared, &handoff.params).await });
        }
        shared.wait_idle().await;
        Ok(())
    })
}
