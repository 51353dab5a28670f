//! Secondary indexes in memory: an index's column values -> the keys of the rows holding them.
//!
//! One structure serves unique and non-unique indexes; a unique index holds one key per value
//! except after a hand edit introduced duplicates (loaded as they are, reported in the log).
//! Values containing a NULL are indexed (index files list them) but never conflict and never
//! match a lookup, as in SQL.
//!
//! A value's keys ([`Postings`]) stay in the order their rows' lines have in the file (an
//! updated row moves to the end, as its new line does). Removing a key from a long list must
//! not scan it (an UPDATE of one row of a 1,000,000-row table with an index on a column of
//! five values would otherwise look through 200,000 keys): from [`LONG`] keys on, a hash table
//! of positions finds it, and it leaves a hole that is squeezed out once holes outnumber keys.

use super::Key;
use crate::catalog::{IndexDef, TableSchema};
use crate::types::Value;
use ahash::AHashMap;
use hashbrown::HashTable;
use smallvec::SmallVec;

pub struct SecondaryIndex {
    pub def: IndexDef,
    pub columns: Vec<usize>,
    pub map: AHashMap<Vec<Value>, Postings>,
}

/// Lists this long get a position table.
const LONG: usize = 32;

/// The keys of the rows holding one index value, in file order (see the module doc).
#[derive(Default)]
pub struct Postings {
    keys: SmallVec<[Option<Key>; 1]>,
    holes: usize,
    /// From [`LONG`] keys on: the position in `keys` of each key, found by its hash.
    positions: Option<Box<(HashTable<u32>, ahash::RandomState)>>,
}

impl Postings {
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.keys.len() - self.holes
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, key: Key) {
        if let Some(p) = &mut self.positions {
            let (table, hasher) = &mut **p;
            let keys = &self.keys;
            table.insert_unique(hasher.hash_one(&key), keys.len() as u32, |&i| hash_at(keys, i, hasher));
        }
        self.keys.push(Some(key));
        if self.positions.is_none() && self.keys.len() >= LONG {
            self.index_positions();
        }
    }

    pub fn remove(&mut self, key: &Key) {
        let Some(p) = &mut self.positions else {
            if let Some(i) = self.keys.iter().position(|k| k.as_ref() == Some(key)) {
                self.keys.remove(i);
            }
            return;
        };
        let (table, hasher) = &mut **p;
        let keys = &self.keys;
        let Ok(found) = table.find_entry(hasher.hash_one(key), |&i| keys[i as usize].as_ref() == Some(key)) else { return };
        let (i, _) = found.remove();
        self.keys[i as usize] = None;
        self.holes += 1;
        if self.holes > self.len() {
            self.keys.retain(|k| k.is_some());
            self.holes = 0;
            self.index_positions();
        }
    }

    /// (Re)builds the position table (there are no holes).
    fn index_positions(&mut self) {
        let hasher = ahash::RandomState::new();
        let mut table = HashTable::with_capacity(self.keys.len());
        for (i, key) in self.keys.iter().flatten().enumerate() {
            table.insert_unique(hasher.hash_one(key), i as u32, |&j| hash_at(&self.keys, j, &hasher));
        }
        self.positions = Some(Box::new((table, hasher)));
    }
}

/// The hash of the key at position `i` (only live positions are in the table).
fn hash_at(keys: &[Option<Key>], i: u32, hasher: &ahash::RandomState) -> u64 {
    keys[i as usize].as_ref().map_or(0, |k| hasher.hash_one(k))
}

impl SecondaryIndex {
    /// The indexes a schema declares.
    pub fn for_schema(schema: &TableSchema) -> Vec<SecondaryIndex> {
        let columns = |d: &IndexDef| d.columns.iter().filter_map(|c| schema.column_index(c)).collect();
        schema.indexes.iter().map(|d| SecondaryIndex { def: d.clone(), columns: columns(d), map: AHashMap::new() }).collect()
    }

    pub fn values_of(&self, row: &[Value]) -> Vec<Value> {
        self.columns.iter().map(|&c| row.get(c).cloned().unwrap_or(Value::Null)).collect()
    }

    pub fn add(&mut self, row: &[Value], key: &Key) {
        let values = self.values_of(row);
        self.map.entry(values).or_default().push(key.clone());
    }

    pub fn remove(&mut self, row: &[Value], key: &Key) {
        let values = self.values_of(row);
        if let Some(keys) = self.map.get_mut(&values) {
            keys.remove(key);
            if keys.is_empty() {
                self.map.remove(&values);
            }
        }
    }

    /// For a unique index: another row (not `own`) that already holds `row`'s values.
    pub fn conflict(&self, row: &[Value], own: Option<&Key>) -> Option<Vec<Value>> {
        if !self.def.unique {
            return None;
        }
        let values = self.values_of(row);
        if values.iter().any(Value::is_null) {
            return None;
        }
        let keys = self.map.get(&values)?;
        keys.iter().any(|k| Some(k) != own).then_some(values)
    }

    /// Keys of the rows whose index columns equal `values` (none when a value is NULL).
    pub fn lookup(&self, values: &[Value]) -> Vec<Key> {
        if values.iter().any(Value::is_null) {
            return Vec::new();
        }
        self.map.get(values).map(|keys| keys.iter().cloned().collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smallvec::smallvec;

    fn index(unique: bool) -> SecondaryIndex {
        let def = IndexDef { name: "t_email_key".into(), columns: vec!["email".into()], unique, constraint: false };
        SecondaryIndex { def, columns: vec![1], map: AHashMap::new() }
    }

    #[test]
    fn unique_conflicts_ignore_nulls_and_the_row_itself() {
        let mut idx = index(true);
        let k1 = Key(smallvec![Value::Int4(1)]);
        let row = [Value::Int4(1), Value::Text("a".into())];
        idx.add(&row, &k1);
        assert_eq!(idx.conflict(&[Value::Int4(2), Value::Text("a".into())], None), Some(vec![Value::Text("a".into())]));
        assert_eq!(idx.conflict(&row, Some(&k1)), None);
        idx.add(&[Value::Int4(3), Value::Null], &Key(smallvec![Value::Int4(3)]));
        assert_eq!(idx.conflict(&[Value::Int4(4), Value::Null], None), None);
        assert!(idx.lookup(&[Value::Null]).is_empty());
        idx.remove(&row, &k1);
        assert!(idx.lookup(&[Value::Text("a".into())]).is_empty());
        assert!(idx.map.len() == 1);
    }

    #[test]
    fn long_postings_keep_file_order_through_removals() {
        let key = |i: i32| Key(smallvec![Value::Int4(i)]);
        let mut postings = Postings::default();
        let mut model: Vec<Key> = Vec::new();
        for i in 0..500 {
            postings.push(key(i));
            model.push(key(i));
            if i % 3 == 0 {
                let gone = key(i * 7 % (i + 1)); // an earlier key, or one already removed
                postings.remove(&gone);
                model.retain(|k| *k != gone);
            }
            if i % 50 == 0 {
                postings.remove(&key(i)); // moved to the end, as an updated row's line is
                postings.push(key(i));
                model.retain(|k| *k != key(i));
                model.push(key(i));
            }
            assert_eq!(postings.len(), model.len());
        }
        assert!(postings.positions.is_some());
        assert_eq!(postings.iter().cloned().collect::<Vec<_>>(), model);
        model.clone().iter().for_each(|k| postings.remove(k));
        assert!(postings.is_empty() && postings.iter().next().is_none());
    }

    #[test]
    fn non_unique_indexes_collect_keys() {
        let mut idx = index(false);
        for i in 0..3 {
            idx.add(&[Value::Int4(i), Value::Text("x".into())], &Key(smallvec![Value::Int4(i)]));
        }
        assert_eq!(idx.lookup(&[Value::Text("x".into())]).len(), 3);
        assert_eq!(idx.conflict(&[Value::Int4(9), Value::Text("x".into())], None), None);
    }
}
