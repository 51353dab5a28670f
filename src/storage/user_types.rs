//! User-defined types (`CREATE TYPE ... AS ENUM`), persisted in `data/_types.json`.
//!
//! The file maps each type name to its definition, `{"mood": {"enum": ["sad", "ok"]}}`, and is
//! rewritten whole and atomically (temp file, fsync, rename) when a commit creates or drops a
//! type: the new map is one of the commit's journaled file operations, so recovery redoes it
//! with the rest of the commit. A hand edit of the file is noticed like one of a schema file
//! (its fingerprint changed) and reread before the next statement. The map is immutable and
//! swapped as a whole, so a snapshot holds an `Arc` of it. Types are transactional: a
//! transaction's CREATE/DROP TYPE reach this file only at COMMIT.

use super::files::{self, Fingerprint};
use crate::error::{Error, Result};
use crate::types::{duplicate_type, undefined_type, EnumDef};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An enum type: its labels in sort order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    #[serde(rename = "enum")]
    pub labels: Vec<String>,
}

impl EnumType {
    /// The type as columns and values use it.
    pub fn resolved(&self, name: &str) -> Arc<EnumDef> {
        Arc::new(EnumDef { name: name.to_string(), labels: self.labels.clone() })
    }
}

/// Every user-defined type by name.
pub type TypeMap = BTreeMap<String, EnumType>;

/// A change to the types: `Some` creates, `None` drops.
pub type TypeChange = (String, Option<EnumType>);

/// The types as last read or written, and the file's fingerprint then (a differing
/// fingerprint is a hand edit: [`UserTypes::reload`]).
pub struct UserTypes {
    path: PathBuf,
    state: RwLock<(Arc<TypeMap>, Fingerprint)>,
}

impl UserTypes {
    pub fn open(path: &Path) -> Result<UserTypes> {
        Ok(UserTypes { path: path.to_path_buf(), state: RwLock::new(read(path)?) })
    }

    pub fn current(&self) -> Arc<TypeMap> {
        self.state.read().0.clone()
    }

    /// Whether the file changed since it was last read or written.
    pub fn is_stale(&self) -> bool {
        Fingerprint::of(&self.path) != self.state.read().1
    }

    /// Rereads a file changed behind our back; true when the types differ from before.
    pub fn reload(&self) -> Result<bool> {
        if !self.is_stale() {
            return Ok(false);
        }
        let (map, fp) = read(&self.path)?;
        let mut state = self.state.write();
        let changed = *state.0 != *map;
        *state = (map, fp);
        Ok(changed)
    }

    /// The map after `changes`, or the error a concurrent commit's conflicting change causes.
    pub fn changed(&self, changes: &[TypeChange]) -> Result<TypeMap> {
        let mut map = (*self.current()).clone();
        for (name, change) in changes {
            match change {
                Some(def) if map.insert(name.clone(), def.clone()).is_some() => return Err(duplicate_type(name)),
                None if map.remove(name).is_none() => return Err(undefined_type(name)),
                _ => {}
            }
        }
        Ok(map)
    }

    /// Makes `map` current (its file was written by the commit's [`super::fileops::FileOp::Types`]).
    pub fn install(&self, map: TypeMap) {
        *self.state.write() = (Arc::new(map), Fingerprint::of(&self.path));
    }
}

/// The file's types (none when it does not exist) and its fingerprint before reading.
fn read(path: &Path) -> Result<(Arc<TypeMap>, Fingerprint)> {
    let fp = Fingerprint::of(path);
    let map = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| Error::corrupt(format!("_types.json: {e}")))?,
        Err(_) => TypeMap::new(),
    };
    Ok((Arc::new(map), fp))
}

/// Replaces the types file at `path` with `map`.
pub fn write(path: &Path, map: &TypeMap) -> Result<()> {
    let text = serde_json::to_vec_pretty(map).map_err(|e| Error::internal(e.to_string()))?;
    files::write_atomic(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::sqlstate;

    fn mood() -> EnumType {
        EnumType { labels: vec!["sad".into(), "ok".into()] }
    }

    #[test]
    fn types_survive_reopen_and_conflicting_changes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("_types.json");
        let types = UserTypes::open(&path).unwrap();
        let map = types.changed(&[("mood".into(), Some(mood()))]).unwrap();
        write(&path, &map).unwrap();
        types.install(map);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\n  \"mood\": {\n    \"enum\": [\n      \"sad\",\n      \"ok\"\n    ]\n  }\n}");
        let reopened = UserTypes::open(&path).unwrap();
        assert_eq!(reopened.current().get("mood"), Some(&mood()));
        assert_eq!(reopened.changed(&[("mood".into(), Some(mood()))]).unwrap_err().code, sqlstate::DUPLICATE_OBJECT);
        assert_eq!(reopened.changed(&[("x".into(), None)]).unwrap_err().code, sqlstate::UNDEFINED_OBJECT);
        assert!(reopened.changed(&[("mood".into(), None)]).unwrap().is_empty());
    }
}
