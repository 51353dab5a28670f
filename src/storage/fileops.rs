//! The file effects of a committed batch, as journaled and as (re)played.
//!
//! A commit turns its changes into an ordered list of [`FileOp`]s, writes them to the journal
//! as one record, then executes them. Recovery executes the same ops again for every journal
//! record: each op is idempotent (appends write at a fixed offset, the rest replace whole
//! files), so replaying a batch that already reached the files changes nothing.

use super::files::{self, Paths};
use super::user_types::{self, TypeMap};
use crate::catalog::TableSchema;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileOp {
    /// Row and tombstone lines written at byte `at` of `<table>.jsonl`.
    Append { table: String, at: u64, lines: String },
    /// `_schema/<name>.json` replaced with this schema.
    Schema(TableSchema),
    /// `<table>.jsonl` replaced with exactly these lines (create, truncate, rewrite).
    Rewrite { table: String, lines: String },
    /// A renamed table: its file moves, the old schema file and index files go.
    Rename { from: String, to: String },
    /// A dropped table: file, schema file and index files removed.
    Remove { table: String },
    /// `_types.json` replaced with these types (a commit that creates or drops types).
    Types(TypeMap),
}

/// The open handle of a table file, when the caller has one.
pub type Handles<'a> = &'a dyn Fn(&str) -> Option<Arc<File>>;

impl FileOp {
    pub fn execute(&self, paths: &Paths, handles: Handles) -> Result<()> {
        match self {
            FileOp::Append { table, at, lines } => {
                let path = paths.table(table);
                let file = match handles(table) {
                    Some(f) => f,
                    None => Arc::new(files::open_rw(&path)?),
                };
                file.write_all_at(lines.as_bytes(), *at).map_err(|e| Error::io(&path, "write", e))
            }
            FileOp::Schema(schema) => {
                let mut text = serde_json::to_vec_pretty(schema).map_err(|e| Error::internal(e.to_string()))?;
                text.push(b'\n');
                files::write_atomic(&paths.schema(&schema.name), &text)
            }
            FileOp::Rewrite { table, lines } => files::write_atomic(&paths.table(table), lines.as_bytes()),
            FileOp::Rename { from, to } => {
                if paths.table(from).exists() {
                    files::rename_durably(&paths.table(from), &paths.table(to))?;
                }
                remove_table_extras(paths, from)
            }
            FileOp::Remove { table } => {
                files::remove_file(&paths.table(table))?;
                remove_table_extras(paths, table)?;
                files::sync_dir(&paths.root)
            }
            FileOp::Types(types) => user_types::write(&paths.types(), types),
        }
    }
}

/// Removes a table's schema file and index folder.
fn remove_table_extras(paths: &Paths, table: &str) -> Result<()> {
    files::remove_file(&paths.schema(table))?;
    files::sync_dir(&paths.schema_dir())?;
    let idx = paths.index_dir(table);
    match std::fs::remove_dir_all(&idx) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&idx, "remove", e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(name: &str) -> TableSchema {
        serde_json::from_str(&format!(r#"{{"name":"{name}","columns":[{{"name":"id","type":"integer","primary_key":true}}]}}"#)).unwrap()
    }

    #[test]
    fn ops_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths { root: dir.path().to_path_buf() };
        files::create_dir(&paths.schema_dir()).unwrap();
        let none: Handles = &|_| None;
        let ops = [
            FileOp::Schema(schema("t")),
            FileOp::Rewrite { table: "t".into(), lines: String::new() },
            FileOp::Append { table: "t".into(), at: 0, lines: "{\"id\":1}\n".into() },
            FileOp::Append { table: "t".into(), at: 9, lines: "{\"id\":2}\n".into() },
            FileOp::Rename { from: "t".into(), to: "u".into() },
            FileOp::Schema(schema("u")),
        ];
        for _ in 0..2 {
            ops.iter().for_each(|op| op.execute(&paths, none).unwrap());
        }
        assert_eq!(std::fs::read_to_string(paths.table("u")).unwrap(), "{\"id\":1}\n{\"id\":2}\n");
        assert!(!paths.schema("t").exists() && paths.schema("u").exists());
        FileOp::Remove { table: "u".into() }.execute(&paths, none).unwrap();
        assert!(!paths.table("u").exists() && !paths.schema("u").exists());
    }
}
