//! A session's transaction: its writes kept aside as an overlay over the committed tables,
//! so its own later statements see them and nobody else does until COMMIT turns them into
//! one `storage::WriteBatch`. Schema changes are buffered the same way (a rolled-back
//! CREATE or ALTER TABLE never reaches a schema file). Savepoints are copies of the state.

use super::own_index::OwnIndexes;
use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::storage::{Change, EnumType, Key, Snapshot, StoredRow, Table, WriteBatch};
use crate::types::{DataType, Row, Value};
use ahash::AHashMap;
use smallvec::SmallVec;
use std::sync::Arc;

/// A pending change to one row, by key.
#[derive(Debug, Clone)]
pub enum Pending {
    Inserted(Row),
    /// A committed row replaced; `version` is the one read (checked at commit: 40001) and
    /// `old` its row (the commit takes that row's index entries out without reading it again).
    Updated {
        version: u64,
        row: Row,
        old: Row,
    },
    Deleted {
        version: u64,
        old: Row,
    },
}

/// One table's pending writes.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// Committed rows are invisible: the table was created, truncated or rewritten here.
    pub hide_committed: bool,
    pub rows: AHashMap<Key, Pending>,
    /// Keys in first-write order, so scans list new rows in insertion order.
    pub order: Vec<Key>,
    /// Index lookups over `rows` (kept current by [`Overlay::set`] and [`Overlay::remove`]).
    own: OwnIndexes,
}

impl Overlay {
    fn hiding_committed() -> Self {
        Overlay { hide_committed: true, ..Overlay::default() }
    }

    fn set(&mut self, key: Key, pending: Pending) {
        let old = self.rows.get(&key).and_then(own_values);
        self.own.replace(&key, old, own_values(&pending));
        self.rows.insert(key, pending);
    }

    fn remove(&mut self, key: &Key) -> Option<Pending> {
        let old = self.rows.remove(key)?;
        self.own.replace(key, own_values(&old), None);
        Some(old)
    }
}

/// A buffered schema change.
#[derive(Debug, Clone)]
pub enum DdlOp {
    Create(Arc<TableSchema>),
    Drop(String),
    /// `rewrite`: the rows were rebuilt into the overlay (the table's content is replaced).
    Alter {
        old_name: String,
        schema: Arc<TableSchema>,
        rewrite: bool,
    },
    Truncate(String),
    /// CREATE TYPE (Some) or DROP TYPE (None).
    Type(String, Option<EnumType>),
}

/// Everything a transaction has written so far.
#[derive(Debug, Clone, Default)]
pub struct TxnState {
    pub ddl: Vec<DdlOp>,
    /// Schemas changed here: Some(new schema) or None (dropped).
    pub schemas: AHashMap<String, Option<Arc<TableSchema>>>,
    pub tables: AHashMap<String, Overlay>,
    /// Types created (Some) or dropped (None) here.
    pub types: AHashMap<String, Option<EnumType>>,
    next_row_id: i64,
}

/// One table as the transaction sees it.
pub struct TableView<'a> {
    pub schema: Arc<TableSchema>,
    committed: Option<&'a Arc<Table>>,
    overlay: Option<&'a Overlay>,
}

impl TxnState {
    pub fn is_empty(&self) -> bool {
        self.ddl.is_empty() && self.tables.values().all(|o| o.rows.is_empty())
    }

    pub fn catalog<'a>(&'a self, snap: &'a Snapshot) -> TxnCatalog<'a> {
        TxnCatalog { snap, state: self }
    }

    /// The schema of `name` as this transaction sees it.
    pub fn schema(&self, snap: &Snapshot, name: &str) -> Option<Arc<TableSchema>> {
        match self.schemas.get(name) {
            Some(s) => s.clone(),
            None => snap.table(name).map(|t| t.schema().clone()),
        }
    }

    /// The enum type `name` as this transaction sees it.
    pub fn enum_type(&self, snap: &Snapshot, name: &str) -> Option<EnumType> {
        match self.types.get(name) {
            Some(t) => t.clone(),
            None => snap.types.get(name).cloned(),
        }
    }

    /// Every enum type this transaction sees, by name.
    pub fn enum_types(&self, snap: &Snapshot) -> Vec<(String, EnumType)> {
        let mut all: std::collections::BTreeMap<String, EnumType> = (*snap.types).clone();
        for (name, def) in &self.types {
            match def {
                Some(def) => all.insert(name.clone(), def.clone()),
                None => all.remove(name),
            };
        }
        all.into_iter().collect()
    }

    /// Every enum type this transaction sees, as a column type.
    pub fn enum_data_types(&self, snap: &Snapshot) -> impl Iterator<Item = DataType> {
        self.enum_types(snap).into_iter().map(|(name, def)| DataType::Enum(def.resolved(&name)))
    }

    /// The type with this OID: a built-in type, or an enum type this transaction sees or an
    /// array of one.
    pub fn type_by_oid(&self, snap: &Snapshot, oid: u32) -> Option<DataType> {
        DataType::from_oid(oid)
            .or_else(|| self.enum_data_types(snap).flat_map(|t| [DataType::Array(Box::new(t.clone())), t]).find(|t| t.oid() == oid))
    }

    pub fn view<'a>(&'a self, snap: &'a Snapshot, name: &str) -> Result<TableView<'a>> {
        let schema = self.schema(snap, name).ok_or_else(|| crate::sql::bind::undefined_table(name))?;
        let overlay = self.tables.get(name);
        let hidden = overlay.is_some_and(|o| o.hide_committed) || self.schemas.contains_key(name) && snap.table(name).is_none();
        let committed = if hidden { None } else { snap.table(name) };
        Ok(TableView { schema, committed, overlay })
    }

    fn overlay(&mut self, table: &str) -> &mut Overlay {
        self.tables.entry(table.to_string()).or_default()
    }

    /// The key a new row gets: its primary key, or a transaction-local row id.
    fn new_key(&mut self, schema: &TableSchema, row: &Row) -> Key {
        let pk = schema.primary_key_columns();
        if pk.is_empty() {
            self.next_row_id -= 1;
            return Key(SmallVec::from_elem(Value::Int8(i64::MIN / 2 + self.next_row_id), 1));
        }
        Key(pk.iter().map(|i| row[*i].clone()).collect())
    }

    /// Records a new row; returns the key it is known by in this transaction.
    pub fn insert(&mut self, schema: &TableSchema, row: Row) -> Key {
        let key = self.new_key(schema, &row);
        self.put(&schema.name, key.clone(), row);
        key
    }

    fn put(&mut self, table: &str, key: Key, row: Row) {
        let o = self.overlay(table);
        let pending = match o.rows.get(&key) {
            Some(Pending::Deleted { version, old }) => Pending::Updated { version: *version, row, old: old.clone() },
            Some(_) => Pending::Inserted(row),
            None => {
                o.order.push(key.clone());
                Pending::Inserted(row)
            }
        };
        o.set(key, pending);
    }

    pub fn update(&mut self, schema: &TableSchema, old: &StoredRow, row: Row) {
        let pk = schema.primary_key_columns();
        let new_key = if pk.is_empty() { old.key.clone() } else { Key(pk.iter().map(|i| row[*i].clone()).collect()) };
        if new_key != old.key {
            self.delete(&schema.name, old);
            self.put(&schema.name, new_key, row);
            return;
        }
        let o = self.overlay(&schema.name);
        let pending = match o.rows.get(&old.key) {
            Some(Pending::Inserted(_)) => Pending::Inserted(row),
            Some(Pending::Updated { version, old, .. }) => Pending::Updated { version: *version, row, old: old.clone() },
            _ => Pending::Updated { version: old.version, row, old: old.row.clone() },
        };
        if !o.rows.contains_key(&old.key) {
            o.order.push(old.key.clone());
        }
        o.set(old.key.clone(), pending);
    }

    pub fn delete(&mut self, table: &str, old: &StoredRow) {
        let o = self.overlay(table);
        match o.rows.get(&old.key) {
            Some(Pending::Inserted(_)) => {
                o.remove(&old.key);
                o.order.retain(|k| *k != old.key);
            }
            Some(Pending::Updated { version, old: committed, .. }) => {
                let deleted = Pending::Deleted { version: *version, old: committed.clone() };
                o.set(old.key.clone(), deleted);
            }
            _ => {
                o.order.push(old.key.clone());
                o.set(old.key.clone(), Pending::Deleted { version: old.version, old: old.row.clone() });
            }
        }
    }

    /// Records a schema change; `content` (when given) replaces the table's rows.
    pub fn apply_ddl(&mut self, op: DdlOp, content: Option<Vec<Row>>) {
        match &op {
            DdlOp::Create(s) => {
                self.schemas.insert(s.name.clone(), Some(s.clone()));
                self.tables.insert(s.name.clone(), Overlay::hiding_committed());
            }
            DdlOp::Drop(name) => {
                self.schemas.insert(name.clone(), None);
                self.tables.remove(name);
            }
            DdlOp::Truncate(name) => {
                self.tables.insert(name.clone(), Overlay::hiding_committed());
            }
            DdlOp::Type(name, def) => {
                self.types.insert(name.clone(), def.clone());
            }
            DdlOp::Alter { old_name, schema, .. } => {
                let overlay = self.tables.remove(old_name);
                if *old_name != schema.name {
                    self.schemas.insert(old_name.clone(), None);
                }
                self.schemas.insert(schema.name.clone(), Some(schema.clone()));
                if let Some(o) = overlay {
                    self.tables.insert(schema.name.clone(), o);
                }
            }
        }
        if let (DdlOp::Alter { schema, .. }, Some(rows)) = (&op, content) {
            self.tables.insert(schema.name.clone(), Overlay::hiding_committed());
            rows.into_iter().for_each(|r| {
                self.insert(schema, r);
            });
        }
        self.ddl.push(op);
    }

    /// The transaction as one batch: schema changes in order, then deletes, updates, inserts.
    pub fn into_batch(self) -> WriteBatch {
        let mut changes: Vec<Change> = self.ddl.into_iter().map(ddl_change).collect();
        let mut updates = Vec::new();
        let mut inserts = Vec::new();
        for (table, mut o) in self.tables {
            for key in o.order {
                match o.rows.remove(&key) {
                    Some(Pending::Deleted { version, old }) => {
                        changes.push(Change::Delete { table: table.clone(), key, expected_version: version, old })
                    }
                    Some(Pending::Updated { version, row, old }) => {
                        updates.push(Change::Update { table: table.clone(), key, expected_version: version, row, old })
                    }
                    Some(Pending::Inserted(row)) => inserts.push(Change::Insert { table: table.clone(), row }),
                    None => {}
                }
            }
        }
        changes.extend(updates);
        changes.extend(inserts);
        WriteBatch { changes }
    }
}

fn ddl_change(op: DdlOp) -> Change {
    match op {
        DdlOp::Create(s) => Change::CreateTable((*s).clone()),
        DdlOp::Drop(n) => Change::DropTable(n),
        DdlOp::Truncate(n) => Change::Truncate(n),
        DdlOp::Type(name, def) => Change::Type((name, def)),
        DdlOp::Alter { old_name, schema, rewrite } => Change::AlterTable { old_name, schema: (*schema).clone(), rows: rewrite.then(Vec::new) },
    }
}

impl<'a> TableView<'a> {
    /// Every visible row: committed rows not overridden, then this transaction's rows.
    pub fn scan(&self) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + 'a>> {
        let committed: Box<dyn Iterator<Item = Result<StoredRow>> + 'a> = match self.committed {
            Some(t) => Box::new(t.scan()?.filter(self.not_overridden())),
            None => Box::new(std::iter::empty()),
        };
        Ok(Box::new(committed.chain(self.own_rows().map(Ok))))
    }

    /// The visible rows `keep` accepts. Committed rows are filtered while they are decoded,
    /// `keep` seeing only the `needed` columns ([`Table::scan_where`]); the transaction's own
    /// rows are whole.
    pub fn scan_where(
        &self,
        needed: Vec<bool>,
        mut keep: impl FnMut(&Row) -> Result<bool> + 'a,
    ) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + 'a>> {
        let mut own_kept = Vec::new();
        for r in self.own_rows() {
            if keep(&r.row)? {
                own_kept.push(r);
            }
        }
        let committed: Box<dyn Iterator<Item = Result<StoredRow>> + 'a> = match self.committed {
            Some(t) => Box::new(t.scan_where(needed, Box::new(keep))?.filter(self.not_overridden())),
            None => Box::new(std::iter::empty()),
        };
        Ok(Box::new(committed.chain(own_kept.into_iter().map(Ok))))
    }

    /// The transaction's own rows, in first-write order.
    fn own_rows(&self) -> impl Iterator<Item = StoredRow> + 'a {
        self.overlay.into_iter().flat_map(|o| o.order.iter().filter_map(|k| own_row(k, o.rows.get(k)?)))
    }

    /// Whether a committed row read by a scan is still the visible one (not replaced or
    /// deleted by this transaction).
    fn not_overridden(&self) -> impl Fn(&Result<StoredRow>) -> bool + 'a {
        let overlay = self.overlay;
        move |r| r.as_ref().map_or(true, |r| !shadowed(overlay, &r.key))
    }

    /// The row with this key, if visible.
    pub fn get(&self, key: &Key) -> Result<Option<StoredRow>> {
        if let Some(p) = self.overlay.and_then(|o| o.rows.get(key)) {
            return Ok(own_row(key, p));
        }
        match self.committed {
            Some(t) => t.get(key),
            None => Ok(None),
        }
    }

    /// Rows whose `columns` equal `values` through an index; None when no index covers them.
    pub fn lookup(&self, columns: &[usize], values: &[Value]) -> Result<Option<Vec<StoredRow>>> {
        let mut out = Vec::new();
        if let Some(t) = self.committed {
            let Some(mut keys) = t.lookup(columns, values)? else { return Ok(None) };
            keys.retain(|k| !shadowed(self.overlay, k));
            out = t.get_many(keys)?;
        } else if !self.has_index(columns) {
            return Ok(None);
        }
        out.extend(self.own_matches(columns, values));
        Ok(Some(out))
    }

    /// The first `n` rows, in primary key order (`desc` per key column), among those whose
    /// `columns` equal `values` and that `keep` accepts: the index hands out its keys in key
    /// order a page at a time, so only about `n` rows are read (plus the transaction's own
    /// matching rows). The flag says whether the rows are in that order (they are unless the
    /// transaction has matching rows of its own); None as for [`Self::lookup`], or when the
    /// key columns are sorted in mixed directions.
    pub fn lookup_first(
        &self,
        columns: &[usize],
        values: &[Value],
        desc: &[bool],
        n: usize,
        keep: impl Fn(&Row) -> Result<bool>,
    ) -> Result<Option<(Vec<StoredRow>, bool)>> {
        let mut out = Vec::new();
        let Some(t) = self.committed else {
            let Some(rows) = self.lookup(columns, values)? else { return Ok(None) };
            for r in rows {
                if keep(&r.row)? {
                    out.push(r);
                }
            }
            return Ok(Some((out, false)));
        };
        let desc = match desc {
            [first, rest @ ..] if rest.iter().all(|d| d == first) => *first,
            _ => return Ok(None),
        };
        let mut after: Option<Key> = None;
        while out.len() < n {
            let want = n - out.len();
            let Some(page) = t.lookup_page(columns, values, desc, after.as_ref(), want)? else { return Ok(None) };
            let (full, last) = (page.len() == want, page.last().cloned());
            let visible = page.into_iter().filter(|k| !shadowed(self.overlay, k)).collect();
            for r in t.get_many(visible)? {
                if keep(&r.row)? {
                    out.push(r);
                }
            }
            if !full {
                break;
            }
            after = last;
        }
        let ordered = out.len();
        for r in self.own_matches(columns, values) {
            if keep(&r.row)? {
                out.push(r);
            }
        }
        let ordered = out.len() == ordered;
        Ok(Some((out, ordered)))
    }

    /// The transaction's own rows whose `columns` equal `values`, in first-write order.
    fn own_matches(&self, columns: &[usize], values: &[Value]) -> Vec<StoredRow> {
        let Some(o) = self.overlay else { return Vec::new() };
        let mut keys = if columns == self.schema.primary_key_columns() {
            SmallVec::from_elem(Key(values.iter().cloned().collect()), 1)
        } else {
            o.own.keys(columns, values, o.rows.iter().filter_map(|(k, p)| Some((k, own_values(p)?))))
        };
        if keys.len() > 1 {
            let position: AHashMap<&Key, usize> = o.order.iter().enumerate().map(|(i, k)| (k, i)).collect();
            keys.sort_by_key(|k| position.get(k).copied());
        }
        keys.iter().filter_map(|k| own_row(k, o.rows.get(k)?)).collect()
    }

    fn has_index(&self, columns: &[usize]) -> bool {
        let s = &self.schema;
        let same = |names: &[String]| names.iter().filter_map(|n| s.column_index(n)).collect::<Vec<_>>() == columns;
        s.primary_key_columns() == columns || s.indexes.iter().any(|i| same(&i.columns))
    }
}

fn own_values(p: &Pending) -> Option<&Row> {
    match p {
        Pending::Inserted(row) | Pending::Updated { row, .. } => Some(row),
        Pending::Deleted { .. } => None,
    }
}

fn own_row(key: &Key, p: &Pending) -> Option<StoredRow> {
    match p {
        Pending::Inserted(row) => Some(StoredRow { key: key.clone(), version: 0, row: row.clone() }),
        Pending::Updated { version, row, .. } => Some(StoredRow { key: key.clone(), version: *version, row: row.clone() }),
        Pending::Deleted { .. } => None,
    }
}

/// The schemas a statement binds against: committed ones overridden by the transaction's.
pub struct TxnCatalog<'a> {
    snap: &'a Snapshot,
    state: &'a TxnState,
}

impl crate::sql::bind::Catalog for TxnCatalog<'_> {
    fn table(&self, name: &str) -> Option<Arc<TableSchema>> {
        self.state.schema(self.snap, name)
    }

    fn table_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.snap.tables.keys().filter(|n| !self.state.schemas.contains_key(*n)).cloned().collect();
        names.extend(self.state.schemas.iter().filter(|(_, s)| s.is_some()).map(|(n, _)| n.clone()));
        names
    }

    fn system_table(&self, name: &str) -> Option<Arc<TableSchema>> {
        super::pg_catalog::lookup(name)
    }

    fn enum_type(&self, name: &str) -> Option<EnumType> {
        self.state.enum_type(self.snap, name)
    }
}

/// Whether the transaction wrote (updated, deleted or replaced) the committed row `key`, whose
/// committed version is then not visible to it.
fn shadowed(overlay: Option<&Overlay>, key: &Key) -> bool {
    overlay.is_some_and(|o| o.rows.contains_key(key))
}

/// 25006 for a write in a READ ONLY transaction.
pub fn read_only_error(what: &str) -> Error {
    Error::new(sqlstate::READ_ONLY_SQL_TRANSACTION, format!("cannot execute {what} in a read-only transaction"))
}
