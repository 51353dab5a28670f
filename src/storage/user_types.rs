//! User-defined types (`CREATE TYPE ... AS ENUM`), persisted in `data/_types.json`.
//!
//! The file maps each type name to its definition, `{"mood": {"enum": ["sad", "ok"]}}`, and is
//! rewritten whole and atomically (temp file, fsync, rename) when a commit creates or drops a
//! type: the new map is one of the commit's journaled file operations, so recovery redoes it
//! with the rest of the commit. The map is immutable and swapped as a whole, so a snapshot holds an `Arc` of it.
//! Types are transactional: a transaction's CREATE/DROP TYPE reach this file only at COMMIT.

use super::files;
use crate::error::{sqlstate, Error, Result};
use crate::types::EnumDef;
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// An enum type: its labels in sort order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

pub struct UserTypes {
    map: RwLock<Arc<TypeMap>>,
}

impl UserTypes {
    pub fn open(path: &Path) -> Result<UserTypes> {
        let map = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| Error::corrupt(format!("_types.json: {e}")))?,
            Err(_) => TypeMap::new(),
        };
        Ok(UserTypes { map: RwLock::new(Arc::new(map)) })
    }

    pub fn current(&self) -> Arc<TypeMap> {
        self.map.read().clone()
    }

    /// The map after `changes`, or the error a concurrent commit's conflicting change causes.
    pub fn changed(&self, changes: &[TypeChange]) -> Result<TypeMap> {
        let mut map = (*self.current()).clone();
        for (name, change) in changes {
            match change {
                Some(def) if map.insert(name.clone(), def.clone()).is_some() => {
                    return Err(Error::new(sqlstate::DUPLICATE_OBJECT, format!("type \"{name}\" already exists")))
                }
                None if map.remove(name).is_none() => return Err(Error::new(sqlstate::UNDEFINED_OBJECT, format!("type \"{name}\" does not exist"))),
                _ => {}
            }
        }
        Ok(map)
    }

    /// Makes `map` current (its file was written by the commit's [`super::fileops::FileOp::Types`]).
    pub fn install(&self, map: TypeMap) {
        *self.map.write() = Arc::new(map);
    }
}

/// Replaces the types file at `path` with `map`.
pub fn write(path: &Path, map: &TypeMap) -> Result<()> {
    let text = serde_json::to_vec_pretty(map).map_err(|e| Error::internal(e.to_string()))?;
    files::write_atomic(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
