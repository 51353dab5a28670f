//! What a commit carries: a [`WriteBatch`] of [`Change`]s applied all together or not at all.

use super::{Key, TypeChange};
use crate::catalog::TableSchema;
use crate::types::Row;

/// One change in a [`WriteBatch`].
pub enum Change {
    CreateTable(TableSchema),
    DropTable(String),
    /// Replaces a table's schema. `rows`, when given, replaces the table's content (used by
    /// ALTER TABLE ... ADD COLUMN with a default, ALTER TYPE, DROP/RENAME COLUMN); rows are in
    /// the new schema's column order.
    AlterTable {
        old_name: String,
        schema: TableSchema,
        rows: Option<Vec<Row>>,
    },
    Truncate(String),
    /// Creates or drops a user-defined type (`data/_types.json`).
    Type(TypeChange),
    Insert {
        table: String,
        row: Row,
    },
    /// Replaces the row of `key`, which must still be at `expected_version` (else 40001).
    /// `old` is the row the caller read at that version: the commit takes its secondary-index
    /// entries out (a version names one line, so it is that line's row).
    Update {
        table: String,
        key: Key,
        expected_version: u64,
        row: Row,
        old: Row,
    },
    /// Deletes the row of `key` at `expected_version`; `old` as for [`Change::Update`].
    Delete {
        table: String,
        key: Key,
        expected_version: u64,
        old: Row,
    },
}

/// Changes committed all together or not at all, durable when the commit's `Durable` resolves.
#[derive(Default)]
pub struct WriteBatch {
    pub changes: Vec<Change>,
}
