//! Secondary indexes in memory: an index's column values -> the keys of the rows holding them.
//!
//! One structure serves unique and non-unique indexes; a unique index holds one key per value
//! except after a hand edit introduced duplicates (loaded as they are, reported in the log).
//! Values containing a NULL are indexed (index files list them) but never conflict and never
//! match a lookup, as in SQL.

use super::Key;
use crate::catalog::{IndexDef, TableSchema};
use crate::types::Value;
use ahash::AHashMap;
use smallvec::SmallVec;

pub struct SecondaryIndex {
    pub def: IndexDef,
    pub columns: Vec<usize>,
    pub map: AHashMap<Vec<Value>, SmallVec<[Key; 1]>>,
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
            keys.retain(|k| k != key);
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
        self.map.get(values).map(|keys| keys.to_vec()).unwrap_or_default()
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
    fn non_unique_indexes_collect_keys() {
        let mut idx = index(false);
        for i in 0..3 {
            idx.add(&[Value::Int4(i), Value::Text("x".into())], &Key(smallvec![Value::Int4(i)]));
        }
        assert_eq!(idx.lookup(&[Value::Text("x".into())]).len(), 3);
        assert_eq!(idx.conflict(&[Value::Int4(9), Value::Text("x".into())], None), None);
    }
}
