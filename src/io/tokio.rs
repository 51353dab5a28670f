//! The portable backend: a multi-threaded tokio runtime, one listener, one task per client.
//!
//! Always built (the only backend off Linux or without the `io-uring` feature). Connections
//! are spawned onto tokio's work-stealing pool, so a client busy in a long statement never
//! delays the others.

use super::transport::Transport;
use crate::exec::Engine;
use crate::protocol::{self, Shared};
use std::io;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// Serves `listener` until shutdown is signalled on `shared`, then waits for every
/// connection to end. Blocks the calling thread.
pub fn serve(listener: std::net::TcpListener, shared: Arc<Shared<Arc<Engine>>>, threads: usize) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let mut shutdown = shared.shutdown_signal();
        loop {
            tokio::select! {
                accepted = listener.accept() => spawn_connection(accepted, &shared),
                _ = shutdown.wait_for(|down| *down) => break,
            }
        }
        drop(listener);
        shared.wait_idle().await;
        Ok(())
    })
}

fn spawn_connection(accepted: io::Result<(TcpStream, std::net::SocketAddr)>, shared: &Arc<Shared<Arc<Engine>>>) {
    match accepted {
        Ok((stream, _)) => {
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            tokio::spawn(async move { protocol::run(TokioTransport(stream), &shared).await });
        }
        Err(e) => tracing::warn!("accept failed: {e}"),
    }
}
