//! The byte-offset index: primary key -> where the row's current line is in the table file.
//!
//! Entries are packed: a [`Loc`] is 16 bytes (offset, length, row version) and a single
//! uuid key is stored as a `u128`, a single integer key as an `i64`, so a uuid-keyed row costs
//! 32 bytes plus the hash table's slack. Other keys (composite, text, synthetic row ids of
//! tables without a key) are stored as [`Key`]s.

use super::Key;
use crate::types::{DataType, Value};
use ahash::AHashMap;
use smallvec::smallvec;

/// Where a row's current line is, and its version (bumped on every write to the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub offset: u64,
    pub len: u32,
    pub version: u32,
}

/// Primary key -> [`Loc`], with a compact representation for common key shapes.
pub enum Offsets {
    Uuid(AHashMap<u128, Loc>),
    /// A single integer column (of this type, to rebuild the Value).
    Int(AHashMap<i64, Loc>, DataType),
    Any(AHashMap<Key, Loc>),
}

impl Offsets {
    /// An empty index for keys of these column types.
    pub fn for_key_types(types: &[DataType]) -> Offsets {
        match types {
            [DataType::Uuid] => Offsets::Uuid(AHashMap::new()),
            [t] if t.is_integer() => Offsets::Int(AHashMap::new(), t.clone()),
            _ => Offsets::Any(AHashMap::new()),
        }
    }

    pub fn get(&self, key: &Key) -> Option<Loc> {
        match (self, key.0.as_slice()) {
            (Offsets::Uuid(m), [Value::Uuid(u)]) => m.get(&u.as_u128()).copied(),
            (Offsets::Int(m, _), [v]) => v.as_i64().and_then(|i| m.get(&i).copied()),
            (Offsets::Any(m), _) => m.get(key).copied(),
            _ => None,
        }
    }

    /// Sets a key's location, returning the previous one.
    pub fn insert(&mut self, key: &Key, loc: Loc) -> Option<Loc> {
        match (self, key.0.as_slice()) {
            (Offsets::Uuid(m), [Value::Uuid(u)]) => m.insert(u.as_u128(), loc),
            (Offsets::Int(m, _), [v]) if v.as_i64().is_some() => m.insert(v.as_i64().unwrap_or_default(), loc),
            (Offsets::Any(m), _) => m.insert(key.clone(), loc),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: &Key) -> Option<Loc> {
        match (self, key.0.as_slice()) {
            (Offsets::Uuid(m), [Value::Uuid(u)]) => m.remove(&u.as_u128()),
            (Offsets::Int(m, _), [v]) => v.as_i64().and_then(|i| m.remove(&i)),
            (Offsets::Any(m), _) => m.remove(key),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Offsets::Uuid(m) => m.len(),
            Offsets::Int(m, _) => m.len(),
            Offsets::Any(m) => m.len(),
        }
    }

    pub fn reserve(&mut self, n: usize) {
        match self {
            Offsets::Uuid(m) => m.reserve(n),
            Offsets::Int(m, _) => m.reserve(n),
            Offsets::Any(m) => m.reserve(n),
        }
    }

    /// Every (key, location), in no particular order.
    pub fn entries(&self) -> Vec<(Key, Loc)> {
        match self {
            Offsets::Uuid(m) => m.iter().map(|(u, l)| (Key(smallvec![Value::Uuid(uuid::Uuid::from_u128(*u))]), *l)).collect(),
            Offsets::Int(m, t) => m.iter().map(|(i, l)| (Key(smallvec![int_value(*i, t)]), *l)).collect(),
            Offsets::Any(m) => m.iter().map(|(k, l)| (k.clone(), *l)).collect(),
        }
    }

    /// Rewrites every location in place (compaction moves lines).
    pub fn remap(&mut self, mut f: impl FnMut(&mut Loc)) {
        match self {
            Offsets::Uuid(m) => m.values_mut().for_each(&mut f),
            Offsets::Int(m, _) => m.values_mut().for_each(&mut f),
            Offsets::Any(m) => m.values_mut().for_each(&mut f),
        }
    }
}

fn int_value(i: i64, t: &DataType) -> Value {
    match t {
        DataType::Int2 => Value::Int2(i as i16),
        DataType::Int4 => Value::Int4(i as i32),
        _ => Value::Int8(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(v: Value) -> Key {
        Key(smallvec![v])
    }

    #[test]
    fn compact_keys_round_trip() {
        let loc = Loc { offset: 10, len: 5, version: 1 };
        let mut uuids = Offsets::for_key_types(&[DataType::Uuid]);
        let u = key(Value::Uuid(uuid::Uuid::now_v7()));
        assert_eq!(uuids.insert(&u, loc), None);
        assert_eq!(uuids.get(&u), Some(loc));
        assert_eq!(uuids.entries(), vec![(u.clone(), loc)]);
        let mut ints = Offsets::for_key_types(&[DataType::Int4]);
        ints.insert(&key(Value::Int4(7)), loc);
        assert_eq!(ints.get(&key(Value::Int8(7))), Some(loc));
        assert_eq!(ints.entries()[0].0, key(Value::Int4(7)));
        assert_eq!(ints.remove(&key(Value::Int4(7))), Some(loc));
        assert_eq!(ints.len(), 0);
        assert_eq!(std::mem::size_of::<(u128, Loc)>(), 32);
    }
}
