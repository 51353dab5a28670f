//! Transports and runtimes: the [`transport::Transport`] trait the protocol runs on, the
//! acceptor both backends share, the portable tokio backend, and (Linux, feature `io-uring`)
//! the io_uring backend.

pub mod acceptor;
pub mod tokio;
pub mod transport;
#[cfg(all(feature = "io-uring", target_os = "linux"))]
pub mod uring;
