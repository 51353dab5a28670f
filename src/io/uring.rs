//! The Linux io_uring backend: one tokio-uring runtime per core, each with its own listener
//! on the same port (SO_REUSEPORT, so the kernel spreads new connections), socket reads and
//! writes submitted through io_uring with owned, reused buffers. Connections never move
//! between threads, so their futures need not be `Send`.

use super::transport::Transport;
use crate::exec::Engine;
use crate::protocol::{self, Shared};
use std::io;
use std::net::SocketAddr;
use std::os::fd::{FromRawFd, IntoRawFd};
use std::sync::Arc;
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

/// Binds one SO_REUSEPORT listener per thread on `addr` (the first fixes the port when
/// `addr` asks for port 0).
pub fn bind(addr: SocketAddr, threads: usize) -> io::Result<Vec<std::net::TcpListener>> {
    let first = bind_reuseport(addr)?;
    let addr = first.local_addr()?;
    let mut listeners = vec![first];
    for _ in 1..threads {
        listeners.push(bind_reuseport(addr)?);
    }
    Ok(listeners)
}

fn bind_reuseport(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    let fd = socket.into_raw_fd();
    // SAFETY: `fd` is a bound socket we own; from_raw_fd takes ownership exactly once.
    let listener = unsafe { std::net::TcpListener::from_raw_fd(fd) };
    // SAFETY: plain listen(2) on a valid socket descriptor.
    if unsafe { libc::listen(fd, 1024) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(listener)
}

/// Runs one io_uring thread per listener until shutdown, then waits for their connections.
pub fn serve(listeners: Vec<std::net::TcpListener>, shared: Arc<Shared<Arc<Engine>>>) -> io::Result<()> {
    let threads: Vec<_> = listeners
        .into_iter()
        .enumerate()
        .map(|(i, listener)| {
            let shared = shared.clone();
            std::thread::Builder::new().name(format!("uring-{i}")).spawn(move || serve_thread(listener, shared))
        })
        .collect::<io::Result<_>>()?;
    for thread in threads {
        thread.join().map_err(|_| io::Error::other("io_uring thread panicked"))??;
    }
    Ok(())
}

fn serve_thread(listener: std::net::TcpListener, shared: Arc<Shared<Arc<Engine>>>) -> io::Result<()> {
    tokio_uring::Runtime::new(&tokio_uring::builder())?.block_on(async move {
        let listener = tokio_uring::net::TcpListener::from_std(listener);
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

fn spawn_connection(accepted: io::Result<(tokio_uring::net::TcpStream, SocketAddr)>, shared: &Arc<Shared<Arc<Engine>>>) {
    match accepted {
        Ok((stream, _)) => {
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            tokio_uring::spawn(async move { protocol::run(UringTransport(stream), &shared).await });
        }
        Err(e) => tracing::warn!("accept failed: {e}"),
    }
}
