//! The JSON-file storage engine.
//!
//! A data directory holds one `<table>.jsonl` per table (one JSON row per line), its schema
//! in `_schema/<table>.json`, derived index files under `_idx/`, the commit journal
//! `_journal.jsonl` and sequence high-water marks in `_sequences.json` (all documented in
//! docs/file-format.md).
//!
//! Design in short:
//! - Each [`Table`] keeps in memory a byte-offset index (key -> line location) and its
//!   secondary indexes; reads `pread` exactly one line, scans read the file in chunks.
//! - Writes are O(1): inserts append a line, updates append the new version, deletes append a
//!   tombstone. The compactor rewrites a file to canonical form about a second after its last
//!   write (temp file + fsync + rename), blocking writers only to catch up and swap.
//! - [`Store::commit`] validates a [`WriteBatch`] under the write locks of the tables it
//!   touches, records its file effects in the journal, then appends them to the table files;
//!   a flusher thread makes groups of commits durable with one fdatasync ([`Durable`]).
//!   Checkpoints fsync the table files and empty the journal; recovery replays it.
//! - [`Store::snapshot`] reloads what changed behind our back (hand edits are first-class):
//!   an inotify watch says whether anything under data/ may have changed, and only then are
//!   the table and schema files stat-ed and compared with what we last read or wrote.

mod batch;
mod commit;
mod compact;
mod fileops;
mod files;
mod index_files;
mod journal;
mod jsonl;
mod key;
mod load;
mod offsets;
mod rebuild;
mod recovery;
mod scan;
mod secondary;
mod sequences;
mod store;
mod table;
mod timefmt;
mod trusted;
mod user_types;
mod watch;

pub use batch::{Change, WriteBatch};
pub use journal::Durable;
pub use key::{Key, StoredRow};
pub use rebuild::RebuildReport;
pub use store::{Snapshot, Store};
pub use table::Table;
pub use user_types::{EnumType, TypeChange, TypeMap};
