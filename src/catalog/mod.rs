//! The catalog: table schemas as they are written in `data/_schema/<table>.json`, and the
//! rules for names that become file names.
//!
//! A [`TableSchema`] is plain data (serde) so the file is the truth: the storage layer reads
//! and writes it, the binder resolves names and types against it, and export turns it back
//! into CREATE TABLE.

mod names;
mod schema;

pub use names::{check_name, decode_index_value, encode_index_value};
pub use schema::{ColumnDef, Constraint, ConstraintKind, ForeignKey, Identity, IndexDef, TableSchema};
