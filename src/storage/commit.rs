//! Applying a [`WriteBatch`]: validation, in-memory changes, journal, file writes.
//!
//! Under the store's commit lock a [`Stage`] write-locks each table the batch touches (so
//! readers never see half a batch) and applies the changes one by one to the in-memory
//! indexes, keeping an undo log; new lines are encoded into a per-table pending buffer. Any
//! violation (23505, 40001, ...) undoes everything and nothing is written. Otherwise the
//! batch's [`FileOp`]s are journaled, then executed, and the locks released. DDL builds fresh
//! table images that replace the old ones in the catalog when the batch is published.

use super::fileops::FileOp;
use super::files::{self, Fingerprint};
use super::journal::{Durable, Record};
use super::jsonl;
use super::load::Source;
use super::offsets::Loc;
use super::store::{CommitState, Store};
use super::table::{key_of, State, Table};
use super::user_types::TypeMap;
use super::{Change, Key, WriteBatch};
use crate::catalog::TableSchema;
use crate::error::{sqlstate, Error, Result};
use crate::types::{Row, Value};
use parking_lot::lock_api::ArcRwLockWriteGuard;
use parking_lot::RawRwLock;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::Instant;

/// Commits `batch` (see the module doc), with `types` the user-defined types after it when it
/// changes them. Called with the commit lock held.
pub fn commit(store: &Store, cs: &mut CommitState, batch: WriteBatch, types: Option<&TypeMap>) -> Result<Durable> {
    if batch.changes.is_empty() {
        return Ok(Durable::done());
    }
    let header = (!cs.journal_started).then(|| store.table_lengths());
    let mut stage = Stage::new(store);
    stage.ops.extend(types.map(|t| FileOp::Types(t.clone())));
    if let Err(e) = batch.changes.into_iter().try_for_each(|c| stage.apply(c)) {
        stage.rollback();
        return Err(e);
    }
    let ops = match stage.finish_ops() {
        Ok(ops) => ops,
        Err(e) => {
            stage.rollback();
            return Err(e);
        }
    };
    if let Err(e) = journal(cs, header, &ops) {
        stage.rollback();
        return Err(e);
    }
    let handles = |t: &str| stage.handle(t);
    ops.iter().try_for_each(|op| op.execute(&store.paths, &handles))?;
    stage.publish(store)?;
    Ok(Durable::after(store.flusher.clone()))
}

fn journal(cs: &mut CommitState, header: Option<BTreeMap<String, u64>>, ops: &[FileOp]) -> Result<()> {
    if let Some(lengths) = header {
        cs.journal.append(&Record::Checkpoint(lengths))?;
        cs.journal_started = true;
    }
    cs.journal.append(&Record::Commit(ops.to_vec()))
}

type Guard = ArcRwLockWriteGuard<RawRwLock, State>;

/// A table's image while a batch is applied to it.
enum Image {
    /// An existing table, write-locked.
    Locked(Guard),
    /// A table created or rebuilt by this batch, with its content so far (its file is
    /// written only when the batch is).
    Fresh(Box<State>, Vec<u8>),
}

/// How to undo one row change: the key's previous location and row, and the row now indexed.
struct Undo {
    key: Key,
    prev: Option<(Loc, Row)>,
    now: Option<Row>,
}

struct Slot {
    schema: Arc<TableSchema>,
    image: Image,
    /// File length before this batch; pending lines go after it.
    base_len: u64,
    pending: Vec<u8>,
    undo: Vec<Undo>,
    saved: (u64, u32),
}

impl Slot {
    fn locked(table: &Table) -> Slot {
        let guard = table.state.write_arc();
        let (base_len, saved) = (guard.len, (guard.garbage, guard.next_version));
        Slot { schema: table.schema().clone(), image: Image::Locked(guard), base_len, pending: Vec::new(), undo: Vec::new(), saved }
    }

    fn fresh(schema: Arc<TableSchema>, state: State, content: Vec<u8>) -> Slot {
        let base_len = state.len;
        Slot { schema, image: Image::Fresh(Box::new(state), content), base_len, pending: Vec::new(), undo: Vec::new(), saved: (0, 0) }
    }

    fn state(&mut self) -> &mut State {
        match &mut self.image {
            Image::Locked(g) => g,
            Image::Fresh(s, _) => s,
        }
    }

    fn file(&self) -> Option<Arc<File>> {
        match &self.image {
            Image::Locked(g) => g.file.clone(),
            Image::Fresh(..) => None,
        }
    }

    fn writer(&self) -> Option<Arc<File>> {
        match &self.image {
            Image::Locked(g) => g.writer.clone(),
            Image::Fresh(..) => None,
        }
    }

    /// `len` bytes at `offset` of the table's content before this batch.
    fn base_bytes(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        if let Image::Fresh(_, content) = &self.image {
            return Ok(content[offset as usize..offset as usize + len].to_vec());
        }
        let file = self.file().ok_or_else(|| Error::internal("table has no file"))?;
        let mut buf = vec![0u8; len];
        file.read_exact_at(&mut buf, offset).map_err(|e| Error::io(std::path::Path::new(&format!("{}.jsonl", self.schema.name)), "read", e))?;
        Ok(buf)
    }

    fn next_loc(&mut self, version: u32) -> Loc {
        Loc { offset: self.base_len + self.pending.len() as u64, len: 0, version }
    }

    /// Appends the row's line and points `key` at it.
    fn write_row(&mut self, key: &Key, row: Row, old: Option<Row>) {
        let version = self.state().bump_version();
        let mut loc = self.next_loc(version);
        jsonl::encode_row(&self.schema.columns, &row, &mut self.pending);
        loc.len = (self.base_len + self.pending.len() as u64 - loc.offset) as u32;
        let prev = self.state().set(key, Some((loc, &row)), old.as_ref());
        self.undo.push(Undo { key: key.clone(), prev: prev.zip(old), now: Some(row) });
    }

    /// Appends a tombstone for `key` (whose line is at `loc`) and forgets it.
    fn delete_row(&mut self, key: &Key, loc: Loc, old: Row) {
        let key_cols = self.state().key_cols.clone();
        if key_cols.is_empty() {
            jsonl::encode_tombstone_at(loc.offset, &mut self.pending);
        } else {
            jsonl::encode_tombstone(&self.schema.columns, &key_cols, &key.0, &mut self.pending);
        }
        self.state().garbage += 2;
        self.state().set(key, None, Some(&old));
        self.undo.push(Undo { key: key.clone(), prev: Some((loc, old)), now: None });
    }

    /// Where the row of `key` is, checked against the version the caller read (40001 when
    /// another commit replaced it since).
    fn current(&mut self, key: &Key, expected_version: u64) -> Result<Loc> {
        self.state().offsets.get(key).filter(|l| l.version as u64 == expected_version).ok_or_else(conflict)
    }

    /// The table's whole content as of now (file prefix plus pending lines).
    fn content(&mut self) -> Result<Vec<u8>> {
        let mut bytes = self.base_bytes(0, self.base_len as usize)?;
        bytes.extend_from_slice(&self.pending);
        Ok(bytes)
    }

    fn rollback(&mut self) {
        let saved = self.saved;
        let undo = std::mem::take(&mut self.undo);
        let state = self.state();
        for u in undo.into_iter().rev() {
            state.set(&u.key, u.prev.as_ref().map(|(l, r)| (*l, r)), u.now.as_ref());
        }
        (state.garbage, state.next_version) = saved;
    }
}

fn conflict() -> Error {
    Error::new(sqlstate::SERIALIZATION_FAILURE, "could not serialize access due to concurrent update")
}

/// The batch being applied.
struct Stage<'s> {
    store: &'s Store,
    tables: Arc<BTreeMap<String, Arc<Table>>>,
    /// Table names as of the changes applied so far.
    names: BTreeSet<String>,
    slots: BTreeMap<String, Slot>,
    retired: Vec<Slot>,
    ops: Vec<FileOp>,
    ddl: bool,
}

impl<'s> Stage<'s> {
    fn new(store: &'s Store) -> Stage<'s> {
        let tables = store.tables();
        let names = tables.keys().cloned().collect();
        Stage { store, tables, names, slots: BTreeMap::new(), retired: Vec::new(), ops: Vec::new(), ddl: false }
    }

    fn apply(&mut self, change: Change) -> Result<()> {
        match change {
            Change::Insert { table, row } => self.insert(&table, row),
            Change::Update { table, key, expected_version, row, old } => self.update(&table, &key, expected_version, row, old),
            Change::Delete { table, key, expected_version, old } => {
                let slot = self.slot(&table)?;
                let loc = slot.current(&key, expected_version)?;
                slot.delete_row(&key, loc, old);
                Ok(())
            }
            Change::CreateTable(schema) => self.create(schema),
            Change::DropTable(name) => self.drop_table(&name),
            Change::Truncate(name) => self.truncate(&name),
            Change::AlterTable { old_name, schema, rows } => self.alter(&old_name, schema, rows),
            // The store checks type changes and hands their result to `commit` as one map.
            Change::Type(_) => Ok(()),
        }
    }

    /// The slot of table `name`, write-locking it on first use.
    fn slot(&mut self, name: &str) -> Result<&mut Slot> {
        if !self.slots.contains_key(name) {
            let table = self.tables.get(name).filter(|_| self.names.contains(name)).ok_or_else(|| undefined(name))?;
            table.check()?;
            let slot = Slot::locked(table);
            if let Image::Locked(state) = &slot.image {
                // No file event since the last check: nothing changed on disk; else stat.
                if self.store.watch.pending().is_some_and(|(_, changed)| table.changed_on_disk(&state.fp, &changed)) {
                    // Edited by hand since the last snapshot: appending at our length would
                    // overwrite the edit. The retry's snapshot reloads the table.
                    return Err(conflict().with_detail(format!("{} was changed on disk.", table.file_name())));
                }
            }
            self.slots.insert(name.to_string(), slot);
        }
        self.slots.get_mut(name).ok_or_else(|| undefined(name))
    }

    fn insert(&mut self, table: &str, row: Row) -> Result<()> {
        let slot = self.slot(table)?;
        let key = if slot.state().key_cols.is_empty() { slot.state().new_rowid() } else { key_of(&row, &slot.state().key_cols) };
        check_key(slot, &key, &row)?;
        check_unique(slot, &row, None)?;
        slot.write_row(&key, row, None);
        Ok(())
    }

    fn update(&mut self, table: &str, key: &Key, expected_version: u64, row: Row, old: Row) -> Result<()> {
        let slot = self.slot(table)?;
        let loc = slot.current(key, expected_version)?;
        let key_cols = slot.state().key_cols.clone();
        let new_key = if key_cols.is_empty() { key.clone() } else { key_of(&row, &key_cols) };
        if new_key != *key || key_cols.is_empty() {
            if new_key != *key {
                check_key(slot, &new_key, &row)?;
            }
            slot.delete_row(key, loc, old);
            check_unique(slot, &row, None)?;
            slot.write_row(&new_key, row, None);
            return Ok(());
        }
        check_unique(slot, &row, Some(key))?;
        slot.state().garbage += 1;
        slot.write_row(key, row, Some(old));
        Ok(())
    }

    fn create(&mut self, schema: TableSchema) -> Result<()> {
        schema.validate()?;
        if self.names.contains(&schema.name) {
            return Err(Error::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{}\" already exists", schema.name)));
        }
        self.ddl = true;
        self.names.insert(schema.name.clone());
        self.ops.push(FileOp::Schema(schema.clone()));
        self.ops.push(FileOp::Rewrite { table: schema.name.clone(), lines: String::new() });
        let state = State::empty(&schema, self.store.next_generation());
        self.slots.insert(schema.name.clone(), Slot::fresh(Arc::new(schema), state, Vec::new()));
        Ok(())
    }

    fn drop_table(&mut self, name: &str) -> Result<()> {
        if !self.names.contains(name) {
            return Err(Error::new(sqlstate::UNDEFINED_TABLE, format!("table \"{name}\" does not exist")));
        }
        self.retire(name)?;
        self.names.remove(name);
        self.ops.push(FileOp::Remove { table: name.to_string() });
        Ok(())
    }

    fn truncate(&mut self, name: &str) -> Result<()> {
        let schema = self.slot(name)?.schema.clone();
        self.retire(name)?;
        self.ops.push(FileOp::Rewrite { table: name.to_string(), lines: String::new() });
        let state = State::empty(&schema, self.store.next_generation());
        self.slots.insert(name.to_string(), Slot::fresh(schema, state, Vec::new()));
        Ok(())
    }

    fn alter(&mut self, old: &str, schema: TableSchema, rows: Option<Vec<Row>>) -> Result<()> {
        schema.validate()?;
        let new = schema.name.clone();
        if old != new && self.names.contains(&new) {
            return Err(Error::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{new}\" already exists")));
        }
        let slot = self.slot(old)?;
        let content = match &rows {
            Some(rows) => rows.iter().fold(Vec::new(), |mut out, row| {
                jsonl::encode_row(&schema.columns, row, &mut out);
                out
            }),
            None => slot.content()?,
        };
        self.retire(old)?;
        let state = State::build(&schema, Source::Bytes(&content), &format!("{new}.jsonl"), self.store.next_generation(), false)?;
        if old != new {
            self.ops.push(FileOp::Rename { from: old.to_string(), to: new.clone() });
            self.names.remove(old);
            self.names.insert(new.clone());
        }
        self.ops.push(FileOp::Schema(schema.clone()));
        if rows.is_some() {
            self.ops.push(FileOp::Rewrite { table: new.clone(), lines: into_text(content.clone())? });
        }
        self.slots.insert(new, Slot::fresh(Arc::new(schema), state, content));
        Ok(())
    }

    /// Ends a table's slot before DDL replaces the table: its pending lines become an op.
    fn retire(&mut self, name: &str) -> Result<()> {
        self.ddl = true;
        if let Some(mut slot) = self.slots.remove(name) {
            let lines = into_text(std::mem::take(&mut slot.pending))?;
            if !lines.is_empty() {
                self.ops.push(FileOp::Append { table: name.to_string(), at: slot.base_len, lines });
            }
            self.retired.push(slot);
        }
        Ok(())
    }

    /// The ops of the batch: DDL in order, then every table's appended lines.
    fn finish_ops(&mut self) -> Result<Vec<FileOp>> {
        let mut ops = std::mem::take(&mut self.ops);
        for (name, slot) in &self.slots {
            if !slot.pending.is_empty() {
                let lines = String::from_utf8(slot.pending.clone()).map_err(|e| Error::internal(e.to_string()))?;
                ops.push(FileOp::Append { table: name.clone(), at: slot.base_len, lines });
            }
        }
        Ok(ops)
    }

    fn handle(&self, table: &str) -> Option<Arc<File>> {
        self.slots.get(table).and_then(Slot::writer)
    }

    fn rollback(mut self) {
        self.retired.iter_mut().chain(self.slots.values_mut()).for_each(Slot::rollback);
    }

    /// Makes the batch visible: table lengths, new table images, the new catalog.
    fn publish(self, store: &Store) -> Result<()> {
        let now = Instant::now();
        let (mut fresh, mut guards) = (Vec::new(), Vec::new());
        for (name, mut slot) in self.slots {
            let written = slot.pending.len() as u64;
            let is_fresh = matches!(slot.image, Image::Fresh(..));
            let path = store.paths.table(&name);
            let state = slot.state();
            state.len += written;
            if written > 0 || is_fresh {
                state.last_write = Some(now);
                state.index_files_stale = true;
            }
            // Our writes raise no file event, so with events watched the new length is all
            // the fingerprint needs (no stat: see `Fingerprint`). Without them, our handle,
            // not the path: a hand edit that replaced the file meanwhile must still look changed.
            match state.file.as_deref() {
                Some(_) if store.watch.is_active() => {
                    let len = state.len;
                    state.fp.written(len);
                }
                Some(file) => state.fp = Fingerprint::of_file(file),
                None => {
                    let events = store.watch.drained();
                    state.fp = Fingerprint::of(&path).after_events(events);
                }
            }
            match slot.image {
                Image::Fresh(mut state, _) => {
                    state.file = Some(Arc::new(files::open_read(&path)?));
                    state.writer = Some(Arc::new(files::open_rw(&path)?));
                    fresh.push(Table::new(slot.schema, path, Fingerprint::of(&store.paths.schema(&name)), *state, None));
                }
                Image::Locked(guard) => guards.push(guard),
            }
        }
        if self.ddl {
            store.replace_tables(&self.names, fresh);
        }
        drop(guards);
        Ok(())
    }
}

fn into_text(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::internal(e.to_string()))
}

fn undefined(name: &str) -> Error {
    Error::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{name}\" does not exist"))
}

/// A new primary key must not be NULL or taken.
fn check_key(slot: &mut Slot, key: &Key, row: &[Value]) -> Result<()> {
    let key_cols = slot.state().key_cols.clone();
    if let Some(&c) = key_cols.iter().find(|&&c| row[c].is_null()) {
        let msg =
            format!("null value in column \"{}\" of relation \"{}\" violates not-null constraint", slot.schema.columns[c].name, slot.schema.name);
        return Err(Error::new(sqlstate::NOT_NULL_VIOLATION, msg));
    }
    if slot.state().offsets.get(key).is_some() {
        return Err(duplicate(&slot.schema, &slot.schema.primary_key_constraint_name(), &key_cols, &key.0));
    }
    Ok(())
}

fn check_unique(slot: &mut Slot, row: &[Value], own: Option<&Key>) -> Result<()> {
    let schema = slot.schema.clone();
    let hit = slot.state().secondary.iter().find_map(|ix| ix.conflict(row, own).map(|v| (ix.def.name.clone(), ix.columns.clone(), v)));
    match hit {
        Some((name, cols, values)) => Err(duplicate(&schema, &name, &cols, &values)),
        None => Ok(()),
    }
}

/// PostgreSQL's 23505 with its detail line.
fn duplicate(schema: &TableSchema, constraint: &str, cols: &[usize], values: &[Value]) -> Error {
    let names: Vec<&str> = cols.iter().map(|&c| schema.columns[c].name.as_str()).collect();
    let shown: Vec<String> = values.iter().map(render).collect();
    Error::new(sqlstate::UNIQUE_VIOLATION, format!("duplicate key value violates unique constraint \"{constraint}\"")).with_detail(format!(
        "Key ({})=({}) already exists.",
        names.join(", "),
        shown.join(", ")
    ))
}

/// A value as PostgreSQL prints it in a key detail (its text form).
fn render(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Bool(b) => (if *b { "t" } else { "f" }).to_string(),
        Value::Null => "null".to_string(),
        other => {
            let mut out = Vec::new();
            jsonl::encode_value(other, &mut out);
            let text = String::from_utf8_lossy(&out).into_owned();
            serde_json::from_str::<String>(&text).unwrap_or(text)
        }
    }
}
