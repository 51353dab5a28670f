//! Sequences of serial and identity columns, persisted in `data/_sequences.json`.
//!
//! The file maps `"<table>.<column>"` to a value no call has handed out yet; values are
//! reserved in blocks of [`BLOCK`] (one atomic file write per block), so after a crash a
//! sequence may skip up to a block, as PostgreSQL's does, but never repeats. The first use
//! after opening also starts above the column's largest value (rows added by hand).

use super::files;
use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const BLOCK: i64 = 64;

pub struct Sequences {
    path: PathBuf,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Per sequence: every value below this may have been handed out.
    reserved: BTreeMap<String, i64>,
    next: HashMap<String, i64>,
}

impl Sequences {
    pub fn open(path: &Path) -> Result<Sequences> {
        let reserved = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| Error::corrupt(format!("_sequences.json: {e}")))?,
            Err(_) => BTreeMap::new(),
        };
        Ok(Sequences { path: path.to_path_buf(), state: Mutex::new(State { reserved, next: HashMap::new() }) })
    }

    /// The next value of `table.column`; `column_max` gives the column's largest value.
    pub fn next(&self, table: &str, column: &str, column_max: impl FnOnce() -> Result<i64>) -> Result<i64> {
        let name = format!("{table}.{column}");
        let mut state = self.state.lock();
        let reserved = state.reserved.get(&name).copied().unwrap_or(1);
        let value = match state.next.get(&name) {
            Some(n) => *n,
            None => reserved.max(column_max()?.saturating_add(1)),
        };
        if value >= reserved {
            state.reserved.insert(name.clone(), value + BLOCK);
            let text = serde_json::to_vec_pretty(&state.reserved).map_err(|e| Error::internal(e.to_string()))?;
            files::write_atomic(&self.path, &text)?;
        }
        state.next.insert(name, value + 1);
        Ok(value)
    }

    /// Moves a table's sequences to its new name, or forgets them when it was dropped (so a
    /// table created again under that name counts from 1, as PostgreSQL's new sequence does).
    pub fn move_table(&self, table: &str, new_name: Option<&str>) -> Result<()> {
        let prefix = format!("{table}.");
        let mut state = self.state.lock();
        let State { reserved, next } = &mut *state;
        let moved: Vec<(String, i64)> = reserved.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(k, v)| (k.clone(), *v)).collect();
        if moved.is_empty() {
            return Ok(());
        }
        for (key, value) in moved {
            reserved.remove(&key);
            let carried = next.remove(&key);
            if let Some(new_name) = new_name {
                let column = &key[prefix.len()..];
                reserved.insert(format!("{new_name}.{column}"), value);
                if let Some(n) = carried {
                    next.insert(format!("{new_name}.{column}"), n);
                }
            }
        }
        let text = serde_json::to_vec_pretty(reserved).map_err(|e| Error::internal(e.to_string()))?;
        files::write_atomic(&self.path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_tables_forget_and_renamed_tables_keep_their_sequences() {
        let dir = tempfile::tempdir().unwrap();
        let seq = Sequences::open(&dir.path().join("s.json")).unwrap();
        assert_eq!(seq.next("a", "id", || Ok(0)).unwrap(), 1);
        assert_eq!(seq.next("a", "id", || Ok(0)).unwrap(), 2);
        seq.move_table("a", Some("b")).unwrap();
        assert_eq!(seq.next("b", "id", || Ok(0)).unwrap(), 3);
        seq.move_table("b", None).unwrap();
        assert_eq!(seq.next("b", "id", || Ok(0)).unwrap(), 1);
        let reopened = Sequences::open(&dir.path().join("s.json")).unwrap();
        assert!(reopened.next("b", "id", || Ok(0)).unwrap() > 1, "values reserved before the reopen are not reused");
    }

    #[test]
    fn values_never_repeat_across_reopen_and_start_above_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("_sequences.json");
        let seqs = Sequences::open(&path).unwrap();
        let first: Vec<i64> = (0..3).map(|_| seqs.next("t", "id", || Ok(0)).unwrap()).collect();
        assert_eq!(first, vec![1, 2, 3]);
        let again = Sequences::open(&path).unwrap();
        let after = again.next("t", "id", || Ok(0)).unwrap();
        assert!(after > 3, "{after}");
        assert_eq!(again.next("u", "n", || Ok(41)).unwrap(), 42);
    }
}
