//! Secondary indexes in memory: an index's column values -> the keys of the rows holding them.
//!
//! One structure serves unique and non-unique indexes; a unique index holds one key per value
//! except after a hand edit introduced duplicates (loaded as they are, reported in the log).
//! Values containing a NULL are indexed (index files list them) but never conflict and never
//! match a lookup, as in SQL.
//!
//! A value's keys ([`Postings`]) are kept in primary-key order, so `WHERE role = 'admin'
//! ORDER BY id DESC LIMIT 10` reads the last ten keys of one list instead of sorting all of
//! them. A few keys sit in a sorted inline vector; from [`LONG`] keys on they move to a B-tree,
//! where adding or removing one key of a long list (an UPDATE of one row of a 1,000,000-row
//! table with an index on a column of five values) costs O(log n), not a scan or a shift.

use super::Key;
use crate::catalog::{IndexDef, TableSchema};
use crate::types::Value;
use ahash::AHashMap;
use smallvec::SmallVec;
use std::collections::BTreeSet;
use std::ops::Bound;

pub struct SecondaryIndex {
    pub def: IndexDef,
    pub columns: Vec<usize>,
    pub map: AHashMap<Vec<Value>, Postings>,
}

/// Lists this long move to a B-tree.
const LONG: usize = 32;

/// The keys of the rows holding one index value, in key order (see the module doc).
pub enum Postings {
    Few(SmallVec<[Key; 1]>),
    Many(BTreeSet<Key>),
}

impl Default for Postings {
    fn default() -> Self {
        Postings::Few(SmallVec::new())
    }
}

impl Postings {
    /// The keys in ascending order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Key> {
        let (few, many) = match self {
            Postings::Few(keys) => (Some(keys.iter()), None),
            Postings::Many(keys) => (None, Some(keys.iter())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }

    /// The keys after `after` (exclusive; from the first when None), ascending, or descending
    /// from the last when `desc`.
    pub fn after<'a>(&'a self, after: Option<&Key>, desc: bool) -> Box<dyn Iterator<Item = &'a Key> + 'a> {
        match self {
            Postings::Few(keys) => {
                let keys = keys.as_slice();
                match (after, desc) {
                    (None, false) => Box::new(keys.iter()),
                    (None, true) => Box::new(keys.iter().rev()),
                    (Some(a), false) => Box::new(keys[keys.partition_point(|k| k <= a)..].iter()),
                    (Some(a), true) => Box::new(keys[..keys.partition_point(|k| k < a)].iter().rev()),
                }
            }
            Postings::Many(keys) => match (after, desc) {
                (None, false) => Box::new(keys.iter()),
                (None, true) => Box::new(keys.iter().rev()),
                (Some(a), false) => Box::new(keys.range((Bound::Excluded(a), Bound::Unbounded))),
                (Some(a), true) => Box::new(keys.range((Bound::Unbounded, Bound::Excluded(a))).rev()),
            },
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Postings::Few(keys) => keys.len(),
            Postings::Many(keys) => keys.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, key: Key) {
        match self {
            Postings::Few(keys) => {
                let at = keys.partition_point(|k| *k < key);
                if keys.get(at) == Some(&key) {
                    return;
                }
                keys.insert(at, key);
                if keys.len() >= LONG {
                    *self = Postings::Many(std::mem::take(keys).into_iter().collect());
                }
            }
            Postings::Many(keys) => {
                keys.insert(key);
            }
        }
    }

    pub fn remove(&mut self, key: &Key) {
        match self {
            Postings::Few(keys) => {
                if let Ok(at) = keys.binary_search(key) {
                    keys.remove(at);
                }
            }
            Postings::Many(keys) => {
                keys.remove(key);
            }
        }
    }
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

    /// Up to `n` keys holding `values` after `after`, in key order (see [`Postings::after`]).
    pub fn page(&self, values: &[Value], desc: bool, after: Option<&Key>, n: usize) -> Vec<Key> {
        if values.iter().any(Value::is_null) {
            return Vec::new();
        }
        self.map.get(values).map(|keys| keys.after(after, desc).take(n).cloned().collect()).unwrap_or_default()
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
        assert!(idx.page(&[Value::Null], false, None, 9).is_empty());
        idx.remove(&row, &k1);
        assert!(idx.page(&[Value::Text("a".into())], false, None, 9).is_empty());
        assert!(idx.map.len() == 1);
    }

    #[test]
    fn postings_stay_in_key_order_through_pushes_and_removals() {
        let key = |i: i32| Key(smallvec![Value::Int4(i)]);
        let mut postings = Postings::default();
        let mut model = std::collections::BTreeSet::new();
        for i in 0..500 {
            let k = (i * 7919) % 1000; // not in key order
            postings.push(key(k));
            model.insert(k);
            if i % 3 == 0 {
                let gone = (i * 31) % 1000; // present or not
                postings.remove(&key(gone));
                model.remove(&gone);
            }
            assert_eq!(postings.len(), model.len());
        }
        assert!(matches!(postings, Postings::Many(_)));
        let ascending: Vec<Key> = model.iter().map(|&i| key(i)).collect();
        assert_eq!(postings.iter().cloned().collect::<Vec<_>>(), ascending);
        model.iter().for_each(|&i| postings.remove(&key(i)));
        assert!(postings.is_empty() && postings.iter().next().is_none());
    }

    #[test]
    fn after_pages_through_keys_both_ways_for_short_and_long_lists() {
        let key = |i: i32| Key(smallvec![Value::Int4(i)]);
        for n in [5, 100] {
            let mut postings = Postings::default();
            (0..n).rev().for_each(|i| postings.push(key(i * 2)));
            let page = |after: Option<i32>, desc| postings.after(after.map(key).as_ref(), desc).take(3).cloned().collect::<Vec<_>>();
            assert_eq!(page(None, false), [key(0), key(2), key(4)]);
            assert_eq!(page(None, true), [key(n * 2 - 2), key(n * 2 - 4), key(n * 2 - 6)]);
            assert_eq!(page(Some(2), false), [key(4), key(6), key(8)]);
            assert_eq!(page(Some(3), false), [key(4), key(6), key(8)]);
            assert_eq!(page(Some(6), true), [key(4), key(2), key(0)]);
            assert_eq!(page(Some(5), true), [key(4), key(2), key(0)]);
            assert!(page(Some(0), true).is_empty());
        }
    }

    #[test]
    fn non_unique_indexes_collect_keys() {
        let mut idx = index(false);
        for i in 0..3 {
            idx.add(&[Value::Int4(i), Value::Text("x".into())], &Key(smallvec![Value::Int4(i)]));
        }
        assert_eq!(idx.page(&[Value::Text("x".into())], true, None, 2).len(), 2);
        assert_eq!(idx.conflict(&[Value::Int4(9), Value::Text("x".into())], None), None);
    }
}
