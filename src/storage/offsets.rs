//! The byte-offset index: primary key -> where the row's current line is in the table file.
//!
//! Entries are packed: a [`Loc`] is 16 bytes (offset, length, row version) and a single
//! uuid key is stored as two `u64`s, a single integer key as an `i64`. Those compact maps
//! ([`PackedMap`]) keep their entries in a dense vector (32 bytes per uuid row) and hash only
//! 4-byte positions into it, so the hash table's power-of-two slack costs ~5 bytes per slot
//! instead of a whole entry. Other keys (composite, text, synthetic row ids of tables without
//! a key) are stored as [`Key`]s in a plain hash map.

use super::Key;
use crate::types::{DataType, Value};
use ahash::AHashMap;
use hashbrown::HashTable;
use smallvec::smallvec;
use std::hash::Hash;

/// Where a row's current line is, and its version (bumped on every write to the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub offset: u64,
    pub len: u32,
    pub version: u32,
}

/// Primary key -> [`Loc`], with a compact representation for common key shapes.
pub enum Offsets {
    Uuid(PackedMap<[u64; 2]>),
    /// A single integer column (of this type, to rebuild the Value).
    Int(PackedMap<i64>, DataType),
    Any(AHashMap<Key, Loc>),
}

/// A hash map of small `Copy` keys stored densely: entries in a vector, the hash table holds
/// only their positions. Removal swaps the last entry into the hole.
pub struct PackedMap<K> {
    slots: HashTable<u32>,
    entries: Vec<(K, Loc)>,
    hasher: ahash::RandomState,
}

impl<K: Copy + Eq + Hash> PackedMap<K> {
    pub fn new() -> Self {
        PackedMap { slots: HashTable::new(), entries: Vec::new(), hasher: ahash::RandomState::new() }
    }

    fn find(&self, key: &K) -> Option<usize> {
        let entries = &self.entries;
        self.slots.find(self.hasher.hash_one(key), |&i| entries[i as usize].0 == *key).map(|&i| i as usize)
    }

    pub fn get(&self, key: &K) -> Option<Loc> {
        self.find(key).map(|i| self.entries[i].1)
    }

    pub fn insert(&mut self, key: K, loc: Loc) -> Option<Loc> {
        let (entries, hasher) = (&mut self.entries, &self.hasher);
        let position = entries.len() as u32;
        let entry = self.slots.entry(hasher.hash_one(key), |&i| entries[i as usize].0 == key, |&i| hasher.hash_one(entries[i as usize].0));
        match entry {
            hashbrown::hash_table::Entry::Occupied(found) => Some(std::mem::replace(&mut entries[*found.get() as usize].1, loc)),
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(position);
                entries.push((key, loc));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &K) -> Option<Loc> {
        let (entries, hasher) = (&self.entries, &self.hasher);
        let slot = self.slots.find_entry(hasher.hash_one(key), |&i| entries[i as usize].0 == *key).ok()?;
        let hole = slot.remove().0 as usize;
        let last = self.entries.len() - 1;
        let (_, loc) = self.entries.swap_remove(hole);
        if hole != last {
            let moved = self.hasher.hash_one(self.entries[hole].0);
            if let Some(slot) = self.slots.find_mut(moved, |&i| i as usize == last) {
                *slot = hole as u32;
            }
        }
        Some(loc)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn reserve(&mut self, n: usize) {
        let (entries, hasher) = (&self.entries, &self.hasher);
        self.slots.reserve(n, |&i| hasher.hash_one(entries[i as usize].0));
        self.entries.reserve(n);
    }

    /// Gives back the memory a generous `reserve` did not use.
    pub fn shrink_to_fit(&mut self) {
        let (entries, hasher) = (&self.entries, &self.hasher);
        self.slots.shrink_to_fit(|&i| hasher.hash_one(entries[i as usize].0));
        self.entries.shrink_to_fit();
    }
}

impl Offsets {
    /// An empty index for keys of these column types.
    pub fn for_key_types(types: &[DataType]) -> Offsets {
        match types {
            [DataType::Uuid] => Offsets::Uuid(PackedMap::new()),
            [t] if t.is_integer() => Offsets::Int(PackedMap::new(), t.clone()),
            _ => Offsets::Any(AHashMap::new()),
        }
    }

    pub fn get(&self, key: &Key) -> Option<Loc> {
        match (self, key.0.as_slice()) {
            (Offsets::Uuid(m), [Value::Uuid(u)]) => m.get(&pack(u)),
            (Offsets::Int(m, _), [v]) => v.as_i64().and_then(|i| m.get(&i)),
            (Offsets::Any(m), _) => m.get(key).copied(),
            _ => None,
        }
    }

    /// Sets a key's location, returning the previous one.
    pub fn insert(&mut self, key: &Key, loc: Loc) -> Option<Loc> {
        match (self, key.0.as_slice()) {
            (Offsets::Uuid(m), [Value::Uuid(u)]) => m.insert(pack(u), loc),
            (Offsets::Int(m, _), [v]) if v.as_i64().is_some() => m.insert(v.as_i64().unwrap_or_default(), loc),
            (Offsets::Any(m), _) => m.insert(key.clone(), loc),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: &Key) -> Option<Loc> {
        match (self, key.0.as_slice()) {
            (Offsets::Uuid(m), [Value::Uuid(u)]) => m.remove(&pack(u)),
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

    pub fn shrink_to_fit(&mut self) {
        match self {
            Offsets::Uuid(m) => m.shrink_to_fit(),
            Offsets::Int(m, _) => m.shrink_to_fit(),
            Offsets::Any(m) => m.shrink_to_fit(),
        }
    }

    /// Every (key, location), in no particular order.
    pub fn entries(&self) -> Vec<(Key, Loc)> {
        match self {
            Offsets::Uuid(m) => m.entries.iter().map(|(u, l)| (Key(smallvec![Value::Uuid(unpack(u))]), *l)).collect(),
            Offsets::Int(m, t) => m.entries.iter().map(|(i, l)| (Key(smallvec![int_value(*i, t)]), *l)).collect(),
            Offsets::Any(m) => m.iter().map(|(k, l)| (k.clone(), *l)).collect(),
        }
    }

    /// Rewrites every location in place (compaction moves lines).
    pub fn remap(&mut self, mut f: impl FnMut(&mut Loc)) {
        match self {
            Offsets::Uuid(m) => m.entries.iter_mut().for_each(|(_, l)| f(l)),
            Offsets::Int(m, _) => m.entries.iter_mut().for_each(|(_, l)| f(l)),
            Offsets::Any(m) => m.values_mut().for_each(&mut f),
        }
    }
}

fn pack(u: &uuid::Uuid) -> [u64; 2] {
    let (hi, lo) = u.as_u64_pair();
    [hi, lo]
}

fn unpack(p: &[u64; 2]) -> uuid::Uuid {
    uuid::Uuid::from_u64_pair(p[0], p[1])
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
        assert_eq!(std::mem::size_of::<([u64; 2], Loc)>(), 32);
    }

    #[test]
    fn packed_map_survives_removals_in_any_order() {
        let mut m = PackedMap::new();
        let mut model = std::collections::HashMap::new();
        for i in 0..2000i64 {
            let loc = Loc { offset: i as u64, len: 1, version: 0 };
            assert_eq!(m.insert(i * 7 % 2003, loc), model.insert(i * 7 % 2003, loc));
            if i % 3 == 0 {
                let k = (i * 13) % 1000;
                assert_eq!(m.remove(&k), model.remove(&k));
            }
        }
        assert_eq!(m.len(), model.len());
        m.shrink_to_fit();
        for k in 0..2003 {
            assert_eq!(m.get(&k), model.get(&k).copied(), "{k}");
        }
    }
}
