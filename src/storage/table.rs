//! One open table: its schema, the byte-offset index and the secondary indexes of its file.
//!
//! The file is the truth; [`State`] is what a scan of it yields: for every live row the
//! location of its current line (a later line for the same key supersedes an earlier one, a
//! tombstone removes it). Reads take the table's read lock only to find a location and clone
//! the file handle, then `pread` the line, so a compaction that swaps the file underneath does
//! not disturb them. A table whose file cannot be read is kept as `broken`: every access
//! returns the error that names the file, line and column, until the file is fixed.

use super::files::{self, Fingerprint, Paths};
use super::jsonl::{self, Line, Origin};
use super::offsets::{Loc, Offsets};
use super::secondary::SecondaryIndex;
use super::{Key, StoredRow};
use crate::catalog::TableSchema;
use crate::error::{Error, Result};
use crate::types::{Row, Value};
use ahash::AHashMap;
use parking_lot::RwLock;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub struct Table {
    schema: Arc<TableSchema>,
    key_cols: Vec<usize>,
    pub(super) path: PathBuf,
    pub(super) schema_fp: Fingerprint,
    pub(super) state: Arc<RwLock<State>>,
    pub(super) broken: Option<Error>,
}

/// The in-memory image of a table file.
pub struct State {
    pub file: Option<Arc<File>>,
    /// Bytes of the file accounted for (the next append goes here).
    pub len: u64,
    pub offsets: Offsets,
    pub secondary: Vec<SecondaryIndex>,
    pub key_cols: Vec<usize>,
    pub next_version: u32,
    /// Next synthetic row id (tables without a primary key).
    pub next_rowid: i64,
    /// Superseded lines and tombstones: compaction is due when non-zero.
    pub garbage: u64,
    pub last_write: Option<Instant>,
    pub fp: Fingerprint,
    /// The `_idx/` files may not mirror the in-memory indexes.
    pub index_files_stale: bool,
}

impl State {
    /// An empty table of `schema`, not yet backed by a file.
    pub fn empty(schema: &TableSchema, version: u32) -> State {
        let key_cols = schema.primary_key_columns();
        let types: Vec<_> = key_cols.iter().map(|&c| schema.columns[c].data_type.clone()).collect();
        State {
            file: None,
            len: 0,
            offsets: if key_cols.is_empty() { Offsets::Any(AHashMap::new()) } else { Offsets::for_key_types(&types) },
            secondary: SecondaryIndex::for_schema(schema),
            key_cols,
            next_version: version,
            next_rowid: 1,
            garbage: 0,
            last_write: None,
            fp: Fingerprint::default(),
            index_files_stale: true,
        }
    }

    /// Builds the image of file content `bytes` (`file` names it in errors).
    pub fn build(schema: &TableSchema, bytes: &[u8], file: &str, version: u32) -> Result<State> {
        let mut load = Loader { state: State::empty(schema, version), schema, bytes, file, keyless: AHashMap::new() };
        load.state.offsets.reserve(bytes.len() / 64);
        let mut offset = 0u64;
        for (n, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
            let line = trim_line(raw);
            if !line.iter().all(u8::is_ascii_whitespace) {
                let at = Origin { file, line: n as u64 + 1 };
                let loc = Loc { offset, len: raw.len() as u32, version };
                load.line(jsonl::decode_line(line, &schema.columns, &load.state.key_cols, at)?, loc, at)?;
            }
            offset += raw.len() as u64;
        }
        load.state.len = offset;
        Ok(load.state)
    }

    pub fn new_rowid(&mut self) -> Key {
        self.next_rowid += 1;
        Key([Value::Int8(self.next_rowid - 1)].into())
    }

    pub fn bump_version(&mut self) -> u32 {
        self.next_version = self.next_version.wrapping_add(1);
        self.next_version
    }

    /// Points `key` at `new` (or removes it), moving the secondary index entries from
    /// `old_row` to the new row. Returns the previous location.
    pub fn set(&mut self, key: &Key, new: Option<(Loc, &Row)>, old_row: Option<&Row>) -> Option<Loc> {
        if let Some(old) = old_row {
            self.secondary.iter_mut().for_each(|ix| ix.remove(old, key));
        }
        let prev = match new {
            Some((loc, row)) => {
                self.secondary.iter_mut().for_each(|ix| ix.add(row, key));
                self.offsets.insert(key, loc)
            }
            None => self.offsets.remove(key),
        };
        prev
    }
}

/// Builds a [`State`] line by line.
struct Loader<'a> {
    state: State,
    schema: &'a TableSchema,
    bytes: &'a [u8],
    file: &'a str,
    /// Tables without a key: line offset -> row id, for `$deleted_at` tombstones.
    keyless: AHashMap<u64, i64>,
}

impl Loader<'_> {
    fn line(&mut self, line: Line, loc: Loc, at: Origin) -> Result<()> {
        match line {
            Line::Row(row) => self.row(row, loc, at),
            Line::Deleted(values) => self.delete(&Key(values.into())),
            Line::DeletedAt(off) => {
                let id = self.keyless.remove(&off).unwrap_or(0);
                self.delete(&Key([Value::Int8(id)].into()))
            }
        }
    }

    fn row(&mut self, row: Row, loc: Loc, at: Origin) -> Result<()> {
        let key = if self.state.key_cols.is_empty() {
            self.keyless.insert(loc.offset, self.state.next_rowid);
            self.state.new_rowid()
        } else {
            key_of(&row, &self.state.key_cols)
        };
        if key.0.iter().any(Value::is_null) {
            return Err(Error::corrupt(format!("{} line {}: the primary key is null", at.file, at.line)));
        }
        let old = self.old_row(&key)?;
        if old.is_some() {
            self.state.garbage += 1;
        }
        self.state.set(&key, Some((loc, &row)), old.as_ref());
        Ok(())
    }

    fn delete(&mut self, key: &Key) -> Result<()> {
        self.state.garbage += 1;
        let old = self.old_row(key)?;
        if old.is_some() {
            self.state.garbage += 1;
            self.state.set(key, None, old.as_ref());
        }
        Ok(())
    }

    /// The row a key's current line holds, when it has one.
    fn old_row(&self, key: &Key) -> Result<Option<Row>> {
        let Some(loc) = self.state.offsets.get(key) else { return Ok(None) };
        if self.state.secondary.is_empty() {
            return Ok(Some(Row::new())); // nothing to unindex: skip the parse
        }
        decode_at(self.bytes, loc, self.schema, &self.state.key_cols, self.file).map(Some)
    }
}

fn trim_line(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

fn decode_at(bytes: &[u8], loc: Loc, schema: &TableSchema, key_cols: &[usize], file: &str) -> Result<Row> {
    let raw = &bytes[loc.offset as usize..(loc.offset + loc.len as u64) as usize];
    let line = bytes[..loc.offset as usize].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    match jsonl::decode_line(trim_line(raw), &schema.columns, key_cols, Origin { file, line })? {
        Line::Row(row) => Ok(row),
        _ => Err(Error::corrupt(format!("{file} line {line}: expected a row, found a tombstone"))),
    }
}

/// The key of a row of a table with primary key columns `key_cols`.
pub fn key_of(row: &[Value], key_cols: &[usize]) -> Key {
    Key(key_cols.iter().map(|&c| row[c].clone()).collect())
}

impl Table {
    /// Opens the table `schema` describes from its file (created empty when missing). A file
    /// that cannot be read gives a broken table (see the module doc), never an error here.
    pub fn open(paths: &Paths, schema: TableSchema, schema_fp: Fingerprint, version: u32) -> Table {
        let path = paths.table(&schema.name);
        let loaded = load_file(&path, &schema, version);
        let (state, broken) = match loaded {
            Ok(state) => (state, None),
            Err(e) => {
                tracing::error!("{}", e.message);
                let mut state = State::empty(&schema, version);
                state.fp = Fingerprint::of(&path); // reload only when the file changes again
                (state, Some(e))
            }
        };
        Table::new(Arc::new(schema), path, schema_fp, state, broken)
    }

    pub fn new(schema: Arc<TableSchema>, path: PathBuf, schema_fp: Fingerprint, state: State, broken: Option<Error>) -> Table {
        Table { key_cols: schema.primary_key_columns(), schema, path, schema_fp, state: Arc::new(RwLock::new(state)), broken }
    }

    pub fn schema(&self) -> &Arc<TableSchema> {
        &self.schema
    }

    pub fn name(&self) -> &str {
        &self.schema.name
    }

    /// The error every access returns while the table's file cannot be read.
    pub fn check(&self) -> Result<()> {
        self.broken.as_ref().map_or(Ok(()), |e| Err(e.clone()))
    }

    /// Point read through the byte-offset index.
    pub fn get(&self, key: &Key) -> Result<Option<StoredRow>> {
        self.check()?;
        let (loc, file) = {
            let state = self.state.read();
            match (state.offsets.get(key), &state.file) {
                (Some(loc), Some(file)) => (loc, file.clone()),
                _ => return Ok(None),
            }
        };
        let row = self.read_row(&file, loc)?;
        Ok(Some(StoredRow { key: key.clone(), version: loc.version as u64, row }))
    }

    /// Reads and decodes the row line at `loc`.
    pub fn read_row(&self, file: &File, loc: Loc) -> Result<Row> {
        let mut buf = vec![0u8; loc.len as usize];
        file.read_exact_at(&mut buf, loc.offset).map_err(|e| Error::io(&self.path, "read", e))?;
        self.decode_row(&buf, loc.offset, file)
    }

    fn decode_row(&self, raw: &[u8], offset: u64, file: &File) -> Result<Row> {
        let name = self.file_name();
        let decoded = jsonl::decode_line(trim_line(raw), &self.schema.columns, &self.key_cols, Origin { file: &name, line: 0 });
        match decoded {
            Ok(Line::Row(row)) => Ok(row),
            Ok(_) => Err(Error::corrupt(format!("{name}: expected a row at byte {offset}, found a tombstone"))),
            Err(e) => Err(Error::corrupt(e.message.replace(" line 0", &format!(" line {}", line_number(file, offset))))),
        }
    }

    pub fn file_name(&self) -> String {
        format!("{}.jsonl", self.schema.name)
    }

    /// Keys of the rows whose `columns` equal `values`, through the primary key or the
    /// secondary index on exactly these columns; None when no index covers them. A NULL among
    /// `values` matches nothing (SQL equality).
    pub fn lookup(&self, columns: &[usize], values: &[Value]) -> Result<Option<Vec<Key>>> {
        self.check()?;
        let state = self.state.read();
        if !state.key_cols.is_empty() && columns == state.key_cols.as_slice() {
            let key = Key(values.iter().cloned().collect());
            let hit = !values.iter().any(Value::is_null) && state.offsets.get(&key).is_some();
            return Ok(Some(if hit { vec![key] } else { Vec::new() }));
        }
        Ok(state.secondary.iter().find(|ix| ix.columns == columns).map(|ix| ix.lookup(values)))
    }

    /// Every live row, in file order.
    pub fn scan(&self) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + '_>> {
        Ok(Box::new(self.scan_locs()?.map(|r| r.map(|(_, row)| row))))
    }

    /// Every live row in file order, with the location it was read from.
    pub(super) fn scan_locs(&self) -> Result<Scan<'_>> {
        self.check()?;
        let (mut entries, file) = {
            let state = self.state.read();
            (state.offsets.entries(), state.file.clone())
        };
        entries.sort_unstable_by_key(|(_, loc)| loc.offset);
        Ok(Scan { table: self, file, entries: entries.into_iter(), buf: Vec::new(), buf_start: 0 })
    }

    /// Number of live rows.
    pub fn len(&self) -> usize {
        self.state.read().offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads a table file whole, repairing a torn last line, and builds its image.
fn load_file(path: &std::path::Path, schema: &TableSchema, version: u32) -> Result<State> {
    let file = Arc::new(files::open_rw(path)?);
    let mut bytes = std::fs::read(path).map_err(|e| Error::io(path, "read", e))?;
    repair_tail(path, &file, &mut bytes)?;
    let name = format!("{}.jsonl", schema.name);
    let mut state = State::build(schema, &bytes, &name, version)?;
    state.file = Some(file);
    state.fp = Fingerprint::of(path);
    Ok(state)
}

/// A last line without its newline is either a hand edit that forgot it (it parses: the
/// newline is added) or a write torn by a crash (it does not: it is cut off, with a log line).
pub fn repair_tail(path: &std::path::Path, file: &File, bytes: &mut Vec<u8>) -> Result<()> {
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(());
    }
    let start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let mut tail = bytes[start..].to_vec();
    if simd_json::to_borrowed_value(&mut tail).is_ok() {
        file.write_all_at(b"\n", bytes.len() as u64).map_err(|e| Error::io(path, "write", e))?;
        bytes.push(b'\n');
    } else {
        tracing::warn!("{}: repaired a torn last line ({} bytes cut at byte {start})", path.display(), bytes.len() - start);
        file.set_len(start as u64).map_err(|e| Error::io(path, "truncate", e))?;
        file.sync_data().map_err(|e| Error::io(path, "fsync", e))?;
        bytes.truncate(start);
    }
    Ok(())
}

/// 1-based line number of the line starting at `offset` (error messages only).
fn line_number(file: &File, offset: u64) -> u64 {
    let mut buf = vec![0u8; offset as usize];
    match file.read_exact_at(&mut buf, 0) {
        Ok(()) => buf.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
        Err(_) => 0,
    }
}

/// The live rows of a table in file order, read in large chunks.
pub(super) struct Scan<'a> {
    table: &'a Table,
    file: Option<Arc<File>>,
    entries: std::vec::IntoIter<(Key, Loc)>,
    buf: Vec<u8>,
    buf_start: u64,
}

const SCAN_CHUNK: usize = 1 << 20;

impl Scan<'_> {
    fn line(&mut self, loc: Loc) -> Result<&[u8]> {
        let end = loc.offset + loc.len as u64;
        if loc.offset < self.buf_start || end > self.buf_start + self.buf.len() as u64 {
            let want = (loc.len as usize).max(SCAN_CHUNK);
            self.buf.resize(want, 0);
            let file = self.file.as_ref().ok_or_else(|| Error::internal("table has no file"))?;
            let n = read_up_to(file, &mut self.buf, loc.offset).map_err(|e| Error::io(&self.table.path, "read", e))?;
            self.buf.truncate(n);
            self.buf_start = loc.offset;
            if n < loc.len as usize {
                return Err(Error::corrupt(format!("{}: a line at byte {} is cut short", self.table.file_name(), loc.offset)));
            }
        }
        let start = (loc.offset - self.buf_start) as usize;
        Ok(&self.buf[start..start + loc.len as usize])
    }
}

fn read_up_to(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], offset + n as u64)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

impl Iterator for Scan<'_> {
    type Item = Result<(Loc, StoredRow)>;

    fn next(&mut self) -> Option<Self::Item> {
        let (key, loc) = self.entries.next()?;
        let row = self.line(loc).map(<[u8]>::to_vec).and_then(|raw| match &self.file {
            Some(file) => self.table.decode_row(&raw, loc.offset, file),
            None => Err(Error::internal("table has no file")),
        });
        Some(row.map(|row| (loc, StoredRow { key, version: loc.version as u64, row })))
    }
}
