//! Value -> keys maps over a transaction's own pending rows, so a transaction that writes n
//! rows checks their unique keys (and answers index lookups) in O(1) each instead of scanning
//! everything it wrote: O(n), not O(n²), for a 100,000-row INSERT or a long import transaction.
//!
//! A map for a column list is built the first time a lookup asks for it and from then on kept
//! current by every write ([`OwnIndexes::replace`]). Lookups go through `&self` (a `TableView`
//! borrows the overlay), hence the mutex; writes hold `&mut` and skip it.

use crate::storage::Key;
use crate::types::{Row, Value};
use ahash::AHashMap;
use parking_lot::Mutex;
use smallvec::SmallVec;

type Keys = SmallVec<[Key; 1]>;
type ByValues = AHashMap<Vec<Value>, Keys>;

#[derive(Debug, Default)]
pub struct OwnIndexes(Mutex<AHashMap<Vec<usize>, ByValues>>);

impl Clone for OwnIndexes {
    fn clone(&self) -> Self {
        OwnIndexes(Mutex::new(self.0.lock().clone()))
    }
}

fn values_of(columns: &[usize], row: &Row) -> Vec<Value> {
    columns.iter().map(|c| row[*c].clone()).collect()
}

impl OwnIndexes {
    /// Keys of the rows whose `columns` equal `values`; `rows` lists every pending row, for
    /// the first lookup on these columns.
    pub fn keys<'r>(&self, columns: &[usize], values: &[Value], rows: impl Iterator<Item = (&'r Key, &'r Row)>) -> Keys {
        let mut maps = self.0.lock();
        let map = maps.entry(columns.to_vec()).or_insert_with(|| {
            let mut map = ByValues::default();
            for (key, row) in rows {
                map.entry(values_of(columns, row)).or_default().push(key.clone());
            }
            map
        });
        map.get(values).cloned().unwrap_or_default()
    }

    /// Row `key` changes from `old` to `new` (None: absent or deleted).
    pub fn replace(&mut self, key: &Key, old: Option<&Row>, new: Option<&Row>) {
        for (columns, map) in self.0.get_mut().iter_mut() {
            if let Some(old) = old {
                let values = values_of(columns, old);
                if let Some(keys) = map.get_mut(&values) {
                    keys.retain(|k| k != key);
                    if keys.is_empty() {
                        map.remove(&values);
                    }
                }
            }
            if let Some(new) = new {
                map.entry(values_of(columns, new)).or_default().push(key.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smallvec::smallvec;

    fn key(i: i32) -> Key {
        Key(smallvec![Value::Int4(i)])
    }

    #[test]
    fn built_on_first_lookup_then_kept_current() {
        let rows = [(key(1), vec![Value::Int4(1), Value::Text("a".into())]), (key(2), vec![Value::Int4(2), Value::Text("b".into())])];
        let mut idx = OwnIndexes::default();
        let all = || rows.iter().map(|(k, r)| (k, r));
        assert_eq!(idx.keys(&[1], &[Value::Text("a".into())], all()).to_vec(), vec![key(1)]);
        // Row 1 moves from "a" to "b"; row 3 arrives with "a"; the map follows without a rebuild.
        let moved = vec![Value::Int4(1), Value::Text("b".into())];
        idx.replace(&key(1), Some(&rows[0].1), Some(&moved));
        let third = vec![Value::Int4(3), Value::Text("a".into())];
        idx.replace(&key(3), None, Some(&third));
        assert_eq!(idx.keys(&[1], &[Value::Text("a".into())], std::iter::empty()).to_vec(), vec![key(3)]);
        assert_eq!(idx.keys(&[1], &[Value::Text("b".into())], std::iter::empty()).to_vec(), vec![key(2), key(1)]);
        idx.replace(&key(3), Some(&third), None);
        assert!(idx.keys(&[1], &[Value::Text("a".into())], std::iter::empty()).is_empty());
    }
}
