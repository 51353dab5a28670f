//! SmarterBase: a PostgreSQL-compatible database server that keeps its data as plain JSON
//! files (`data/<table>.jsonl`, one row per line).
//!
//! # Layout
//! - [`types`]: SQL types and values, text and binary formats.
//! - [`catalog`]: table schemas (`data/_schema/*.json`) and file-name rules.
//! - [`storage`]: JSONL tables, byte-offset and secondary indexes, commit journal, compaction.
//! - [`sql`]: parsing (sqlparser) and binding into typed plans.
//! - [`exec`]: sessions, transactions and the executor.
//! - [`protocol`]: the PostgreSQL v3 wire protocol state machine.
//! - [`io`]: transports and runtimes (io_uring and tokio).
//! - [`server`]: listener, connection limit, graceful shutdown.
//!
//! # Life of a query
//! socket -> `io` transport -> `protocol` connection decodes a message -> `exec::Session`
//! -> `sql::parse` -> `sql::bind` against a `storage::Snapshot` -> `exec` executor reads rows
//! (point lookups through the offset index, else scans) -> rows -> `protocol` encodes
//! RowDescription/DataRow/CommandComplete -> one buffered write -> socket.

pub mod catalog;
pub mod config;
pub mod error;
pub mod exec;
pub mod export;
pub mod io;
pub mod protocol;
pub mod server;
pub mod sql;
pub mod storage;
pub mod types;

pub use error::{Error, Result};

/// mimalloc instead of glibc's malloc: a statement allocates and frees many small values
/// (decoded rows, plans), and glibc's malloc and free were ~25% of a 10-row index read
/// (docs/performance.md). Set here rather than in `main.rs`, so that benchmarks and tests run
/// with the allocator the server ships with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
