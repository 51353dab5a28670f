//! The JSON-file storage engine. (CONTRACT STUB: the storage work replaces every `todo!()`.)
//!
//! A data directory holds one `<table>.jsonl` per table, its schema in
//! `_schema/<table>.json` and derived index files under `_idx/`. Every public operation the
//! SQL layer needs is here: a [`Store`] gives [`Snapshot`]s of the catalog (after noticing hand
//! edits) and applies [`WriteBatch`]es atomically and durably.

use crate::catalog::TableSchema;
use crate::error::Result;
use crate::types::{Row, Value};
use smallvec::SmallVec;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A row's identity: its primary key values, or for a table without a primary key a
/// synthetic row id (`[Int8(id)]`) that lives only in memory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub SmallVec<[Value; 1]>);

/// A row read from a table, with what identifies it and the version it had when read
/// (handed back in Update/Delete so that commit can detect a concurrent change: 40001).
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub key: Key,
    pub version: u64,
    pub row: Row,
}

/// The open data directory.
pub struct Store {
    _private: (),
}

/// The set of tables as of one moment; cheap to clone.
#[derive(Clone)]
pub struct Snapshot {
    pub tables: Arc<BTreeMap<String, Arc<Table>>>,
}

/// One open table: schema, offset index and secondary indexes. Reads see committed data.
pub struct Table {
    _private: (),
}

/// One change in a [`WriteBatch`].
pub enum Change {
    CreateTable(TableSchema),
    DropTable(String),
    /// Replaces a table's schema. `rows`, when given, replaces the table's content (used by
    /// ALTER TABLE ... ADD COLUMN with a default, ALTER TYPE, DROP/RENAME COLUMN); rows are in
    /// the new schema's column order.
    AlterTable { old_name: String, schema: TableSchema, rows: Option<Vec<Row>> },
    Truncate(String),
    Insert { table: String, row: Row },
    Update { table: String, key: Key, expected_version: u64, row: Row },
    Delete { table: String, key: Key, expected_version: u64 },
}

/// Changes committed all together or not at all, durable when [`Store::commit`] returns.
#[derive(Default)]
pub struct WriteBatch {
    pub changes: Vec<Change>,
}

impl Store {
    /// Opens (creating if needed) a data directory: loads schemas, builds offset indexes,
    /// repairs a torn last line, replays the commit journal.
    pub fn open(_dir: &Path) -> Result<Arc<Store>> {
        todo!()
    }

    /// The current tables, after reloading any table or schema file edited behind our back.
    pub fn snapshot(&self) -> Result<Snapshot> {
        todo!()
    }

    /// Applies a batch atomically: re-checks primary key and unique indexes (23505) and
    /// expected row versions (40001) under the tables' write locks, makes the changes visible
    /// to readers, and queues them for the group-commit flusher. The change is durable (and
    /// may be acknowledged to the client) once the returned [`Durable`] resolves.
    pub fn commit(&self, _batch: WriteBatch) -> Result<Durable> {
        todo!()
    }

    /// Next value of a serial/identity column's sequence: non-transactional like PostgreSQL's
    /// nextval, and never handed out twice, across restarts too.
    pub fn next_sequence_value(&self, _table: &str, _column: &str) -> Result<i64> {
        todo!()
    }

    /// Flushes everything and compacts every table file to canonical form (clean shutdown).
    pub fn close(&self) -> Result<()> {
        todo!()
    }
}

/// Resolves when a commit is on disk (one fdatasync shared by every commit in its group).
/// Works from any runtime (tokio, tokio-uring) or from a plain thread.
pub struct Durable {
    _private: (),
}

impl Durable {
    pub async fn wait(self) -> Result<()> {
        todo!()
    }

    pub fn wait_blocking(self) -> Result<()> {
        todo!()
    }
}

impl std::fmt::Debug for Durable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Durable")
    }
}

impl Snapshot {
    pub fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.tables.get(name)
    }
}

impl Table {
    pub fn schema(&self) -> &Arc<TableSchema> {
        todo!()
    }

    /// Point read through the byte-offset index.
    pub fn get(&self, _key: &Key) -> Result<Option<StoredRow>> {
        todo!()
    }

    /// Keys of the rows whose `columns` (an index's or unique constraint's columns, or the
    /// primary key's) equal `values`, through the in-memory index for those columns.
    /// Returns None when no index covers exactly these columns.
    pub fn lookup(&self, _columns: &[usize], _values: &[Value]) -> Result<Option<Vec<Key>>> {
        todo!()
    }

    /// Every live row, in file order.
    pub fn scan(&self) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + '_>> {
        todo!()
    }

    /// Number of live rows.
    pub fn len(&self) -> usize {
        todo!()
    }
}
