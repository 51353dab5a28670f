//! The Linux io_uring backend: one tokio-uring runtime per core serving the connections the
//! acceptor (`io::acceptor`) deals it, socket reads and writes submitted through io_uring
//! with owned, reused buffers. A connection never moves between threads, so its future need
//! not be `Send`.

use super::acceptor::{serve_with_workers, Handoff, SharedState};
use super::transport::{Transport, Written};
use crate::protocol::connection::resume;
use crate::protocol::wire::Wire;
use std::io;
use tokio::sync::mpsc::UnboundedReceiver;
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

    async fn write_then_read(&mut self, out: Vec<u8>, buf: Vec<u8>) -> Written {
        let len = buf.len();
        let (written, (read, slice)) = tokio::join!(self.0.write_all(out), self.0.read(buf.slice(len..)));
        (written, (read, slice.into_inner()))
    }
}

/// Whether this kernel lets us create a ring (seccomp, old kernels and
/// `kernel.io_uring_disabled` refuse), with the reason when it does not.
pub fn probe() -> Result<(), String> {
    tokio_uring::Runtime::new(&tokio_uring::builder()).map(drop).map_err(|e| e.to_string())
}

/// Serves `listener` with `threads` io_uring workers until shutdown, then waits for every
/// connection to end. Blocks the calling thread.
pub fn serve(listener: std::net::TcpListener, shared: SharedState, threads: usize) -> io::Result<()> {
    serve_with_workers(listener, shared, threads, worker)
}

fn worker(mut connections: UnboundedReceiver<Handoff>, shared: SharedState) -> io::Result<()> {
    // COOP_TASKRUN: completions wait for this thread's next kernel entry instead of
    // interrupting it (8-client point lookups: io_uring went from 0.84-0.90x to 0.99-1.15x the
    // tokio backend's tps, two runs each). DEFER_TASKRUN would be better still, but
    // tokio-uring sleeps in epoll on the ring, which a deferred completion never wakes.
    let mut ring = tokio_uring::uring_builder();
    ring.setup_coop_taskrun();
    tokio_uring::Runtime::new(tokio_uring::builder().uring_builder(&ring))?.block_on(async move {
        while let Some(handoff) = connections.recv().await {
            // io_uring honours O_NONBLOCK (it would return EAGAIN), so the socket goes back to blocking.
            if handoff.stream.set_nonblocking(false).is_err() {
                continue;
            }
            let shared = shared.clone();
            tokio_uring::spawn(async move {
                let stream = tokio_uring::net::TcpStream::from_std(handoff.stream);
                resume(Wire::with_input(UringTransport(stream), handoff.input), &shared, &handoff.params).await
            });
        }
        shared.wait_idle().await;
        Ok(())
    })
}
