//! The server: picks the IO backend, opens the store, accepts connections under a connection
//! limit and shuts down gracefully on SIGINT/SIGTERM.
//!
//! The main thread owns signal handling (a small current-thread tokio runtime); the chosen
//! backend serves on its own threads. On a signal the shared shutdown flag stops the accept
//! loops and ends idle sessions (57P01); statements in flight finish first. When the last
//! connection is gone the store is closed (flushed and compacted) and `serve` returns.

use crate::config::{Config, IoBackend};
use crate::error::{sqlstate, Error, Result};
use crate::exec::Engine;
use crate::protocol::auth::Credentials;
use crate::protocol::Shared;
use crate::storage::Store;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

/// Raises the soft limit on open files to the hard limit: every table holds two descriptors
/// (a read-only one for readers, one for our appends) besides one per connection, and the
/// usual soft limit of 1024 would cap a data directory at a few hundred tables.
fn raise_file_limit() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain syscalls on a struct we own.
    let raised = unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max && {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0
        }
    };
    if raised {
        tracing::debug!("open files limit raised to {}", limit.rlim_cur);
    }
}

/// Which backend runs, and why (for the startup log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Uring,
    Tokio,
}

/// Runs the server until SIGINT/SIGTERM; returns after a clean shutdown.
pub fn serve(config: Config) -> Result<()> {
    let (backend, why) = choose_backend(config.io)?;
    let addr = resolve(&config)?;
    raise_file_limit();
    let store = Store::open(&config.data)?;
    let engine = Arc::new(Engine::new(store.clone()));
    let credentials = config.password.as_deref().map(|p| Credentials::new(config.auth, p));
    let shared = Arc::new(Shared::new(engine, credentials, config.max_connections));
    let signals = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(io_error)?;
    let stop = signals.block_on(async { shutdown_signal() }).map_err(io_error)?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (server, finished, bound) = start(backend, addr, shared.clone(), threads)?;
    let name = if backend == Backend::Uring { "io_uring" } else { "tokio" };
    tracing::info!("listening on {bound}, data directory {}, io backend {name} ({why})", config.data.display());
    // Wait for a signal, or for the server thread to fail on its own.
    signals.block_on(async {
        tokio::select! {
            _ = stop => {}
            _ = finished => {}
        }
    });
    tracing::info!("shutting down: finishing {} connection(s)", shared.active_connections());
    shared.begin_shutdown();
    server.join().map_err(|_| Error::internal("server thread panicked"))?.map_err(io_error)?;
    store.close()?;
    tracing::info!("shut down cleanly");
    Ok(())
}

fn io_error(e: std::io::Error) -> Error {
    Error::new(sqlstate::IO_ERROR, e.to_string())
}

fn resolve(config: &Config) -> Result<SocketAddr> {
    (config.host.as_str(), config.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| Error::new(sqlstate::CONFIG_FILE_ERROR, format!("could not resolve listen address \"{}\"", config.host)))
}

/// `--io auto|uring|tokio`: auto probes for a usable ring.
fn choose_backend(wanted: IoBackend) -> Result<(Backend, String)> {
    match (wanted, uring_probe()) {
        (IoBackend::Tokio, _) => Ok((Backend::Tokio, "forced by --io tokio".into())),
        (IoBackend::Uring, Ok(())) => Ok((Backend::Uring, "forced by --io uring".into())),
        (IoBackend::Uring, Err(why)) => Err(Error::unsupported(format!("--io uring ({why})"))),
        (IoBackend::Auto, Ok(())) => Ok((Backend::Uring, "auto: io_uring is available".into())),
        (IoBackend::Auto, Err(why)) => Ok((Backend::Tokio, format!("auto: io_uring unavailable: {why}"))),
    }
}

#[cfg(all(feature = "io-uring", target_os = "linux"))]
fn uring_probe() -> std::result::Result<(), String> {
    crate::io::uring::probe()
}

#[cfg(not(all(feature = "io-uring", target_os = "linux")))]
fn uring_probe() -> std::result::Result<(), String> {
    Err("built without the io-uring feature or not on Linux".into())
}

type ServerThread = std::thread::JoinHandle<std::io::Result<()>>;
/// Resolves (with an error) when the server thread ends.
type Finished = tokio::sync::oneshot::Receiver<()>;

/// Binds the listener on this thread (so errors surface before the log line) and serves it
/// on a background thread.
fn start(backend: Backend, addr: SocketAddr, shared: Arc<Shared<Arc<Engine>>>, threads: usize) -> Result<(ServerThread, Finished, SocketAddr)> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| Error::new(sqlstate::IO_ERROR, format!("could not bind to {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(io_error)?;
    let serve = match backend {
        #[cfg(all(feature = "io-uring", target_os = "linux"))]
        Backend::Uring => crate::io::uring::serve,
        #[cfg(not(all(feature = "io-uring", target_os = "linux")))]
        Backend::Uring => unreachable!("the probe never picks io_uring without the feature"),
        Backend::Tokio => crate::io::tokio::serve,
    };
    let (done, finished) = tokio::sync::oneshot::channel();
    let thread = std::thread::spawn(move || {
        let result = serve(listener, shared, threads);
        drop(done);
        result
    });
    Ok((thread, finished, bound))
}

/// Registers SIGINT and SIGTERM handlers now and returns a future that resolves on either.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_tokio_and_auto_choice() {
        assert_eq!(choose_backend(IoBackend::Tokio).unwrap().0, Backend::Tokio);
        let (auto, why) = choose_backend(IoBackend::Auto).unwrap();
        assert_eq!(auto == Backend::Uring, uring_probe().is_ok(), "{why}");
    }
}
