//! Row identity: a [`Key`] (primary key values, or a synthetic row id) and a [`StoredRow`].

use crate::types::{Row, Value};
use smallvec::SmallVec;

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
