//! The Linux io_uring backend: one tokio-uring runtime per core serving connections, fed by
//! one acceptor thread.
//!
//! The acceptor (a small epoll-based tokio runtime) accepts, answers SSLRequest, reads the
//! startup packet and honours CancelRequests itself, then hands the socket, its startup
//! parameters and any bytes already read to the workers in turn. Because the acceptor never
//! runs SQL, a cancel reaches its session even when every worker is busy in a long statement.
//! Workers do all session IO through io_uring with owned, reused buffers; a connection never
//! moves between threads, so its future need not be `Send`.

use super::tokio::TokioTransport;
use super::transport::Transport;
use crate::exec::Engine;
use crate::protocol::connection::{report, resume, startup};
use crate::protocol::wire::Wire;
use crate::protocol::Shared;
use bytes::BytesMut;
use std::io;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio_uring::buf::BoundedBuf;

pub struct UringTransport(tokio_uring::net::TcpStream);

impl Transport for UringTransport {
    async fn read(&mut self, buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>) {
        let len = buf.len();
        let (result, slice) = self.0.read(buf.slice(len..)).await;
        (result, slice.into_inner())
    }

    async fn write_all(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        self.0.write_all(buf).await
    }
}

/// Whether this kernel lets us create a ring (seccomp, old kernels and
/// `kernel.io_uring_disabled` refuse), with the reason when it does not.
pub fn probe() -> Result<(), String> {
    tokio_uring::Runtime::new(&tokio_uring::builder()).map(drop).map_err(|e| e.to_string())
}

/// A connection past its startup packet, on its way to a worker.
struct Handoff {
    stream: std::net::TcpStream,
    input: BytesMut,
    params: Vec<(String, String)>,
}

type SharedState = Arc<Shared<Arc<Engine>>>;

/// Serves `listener` with `threads` io_uring workers until shutdown, then waits for every
/// connection to end. Blocks the calling thread.
pub fn serve(listener: std::net::TcpListener, shared: SharedState, threads: usize) -> io::Result<()> {
    let mut senders = Vec::new();
    let mut workers = Vec::new();
    for i in 0..threads {
        let (tx, rx) = unbounded_channel();
        let shared = shared.clone();
        senders.push(tx);
        workers.push(std::thread::Builder::new().name(format!("uring-{i}")).spawn(move || worker(rx, shared))?);
    }
    let accepted = accept_loop(listener, shared, senders);
    for worker in workers {
        worker.join().map_err(|_| io::Error::other("io_uring worker panicked"))??;
    }
    accepted
}

fn accept_loop(listener: std::net::TcpListener, shared: SharedState, workers: Vec<UnboundedSender<Handoff>>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let mut shutdown = shared.shutdown_signal();
        for turn in 0.. {
            let stream = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = shutdown.wait_for(|down| *down) => break,
            };
            match stream {
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

/// Runs the startup phase on the acceptor, then passes the connection to `worker`.
async fn hand_over(stream: tokio::net::TcpStream, shared: SharedState, worker: UnboundedSender<Handoff>) {
    let _ = stream.set_nodelay(true);
    let mut wire = Wire::new(TokioTransport(stream));
    let params = match startup(&mut wire, &shared).await {
        Ok(Some(params)) => params,
        Ok(None) => return,
        Err(e) => return report(&mut wire, Err(e)).await,
    };
    if wire.flush().await.is_err() {
        return;
    }
    let (transport, input) = wire.into_parts();
    // io_uring honours O_NONBLOCK (it would return EAGAIN), so the socket goes back to blocking.
    let Ok(stream) = transport.0.into_std().and_then(|s| s.set_nonblocking(false).map(|()| s)) else { return };
    let _ = worker.send(Handoff { stream, input, params });
}

fn worker(mut connections: UnboundedReceiver<Handoff>, shared: SharedState) -> io::Result<()> {
    tokio_uring::Runtime::new(&tokio_uring::builder())?.block_on(async move {
        while let Some(handoff) = connections.recv().await {
            let shared = shared.clone();
            tokio_uring::spawn(async move {
                let stream = tokio_uring::net::TcpStream::from_std(handoff.stream);
                let wire = Wire::with_input(UringTransport(stream), handoff.input);
                resume(wire, &shared, &handoff.params).await
            });
        }
        shared.wait_idle().await;
        Ok(())
    })
}
