//! The PostgreSQL v3 wire protocol: framing, startup, SCRAM authentication, the simple and
//! extended query protocols, all over the [`crate::io::transport::Transport`] trait so the
//! io_uring and tokio backends share one state machine. pgwire decodes frontend messages;
//! backend messages are encoded in place by `encode`.

pub mod auth;
pub mod connection;
mod deallocate;
pub mod encode;
mod extended;
pub mod frame;
mod result;
pub mod session;
pub mod shared;
mod simple;
pub mod startup;
pub mod wire;

pub use connection::run;
pub use shared::Shared;
