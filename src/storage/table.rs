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
use super::load::{trim_line, Source};
use super::offsets::{Loc, Offsets};
use super::scan::FileOrder;
use super::secondary::SecondaryIndex;
use super::watch::Changed;
use super::{Key, StoredRow};
use crate::catalog::TableSchema;
use crate::error::{Error, Result};
use crate::types::{DataType, Row, Value};
use ahash::AHashMap;
use parking_lot::{Mutex, RwLock};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub struct Table {
    schema: Arc<TableSchema>,
    key_cols: Vec<usize>,
    file_name: String,
    pub(super) path: PathBuf,
    pub(super) schema_fp: Fingerprint,
    pub(super) state: Arc<RwLock<State>>,
    pub(super) broken: Option<Error>,
    /// Every column flagged, for the byte-scan decoding of whole rows; None when a json column
    /// (which keeps its text as written) needs the parser.
    every_column: Option<Vec<bool>>,
    /// The live rows in file order as the last scan saw them (see `scan.rs`).
    pub(super) scan_cache: Mutex<Option<Arc<FileOrder>>>,
}

/// The in-memory image of a table file.
pub struct State {
    /// Read-only: readers clone it, and the close of a read-only handle raises no file event.
    pub file: Option<Arc<File>>,
    /// The handle our appends go through. Closing a handle opened for writing raises a file
    /// event (IN_CLOSE_WRITE) as a hand edit does, so only the image holds this one, and
    /// compaction closes the old one before it takes the new file's fingerprint.
    pub writer: Option<Arc<File>>,
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
            writer: None,
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

/// The key of a row of a table with primary key columns `key_cols`.
pub fn key_of(row: &[Value], key_cols: &[usize]) -> Key {
    Key(key_cols.iter().map(|&c| row[c].clone()).collect())
}

impl Table {
    /// Whether the file on disk is no longer the one `fp` (this table's fingerprint)
    /// describes; `changed`: the file events no check has covered yet.
    pub(super) fn changed_on_disk(&self, fp: &Fingerprint, changed: &Changed) -> bool {
        fp.differs(&Fingerprint::of(&self.path), changed.touches(self.name(), fp.events))
    }

    /// Opens the table `schema` describes from its file (created empty when missing). A file
    /// that cannot be read gives a broken table (see the module doc), never an error here.
    pub fn open(paths: &Paths, schema: TableSchema, schema_fp: Fingerprint, version: u32) -> Table {
        let path = paths.table(&schema.name);
        let loaded = load_file(paths, &schema, version);
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
        Table {
            key_cols: schema.primary_key_columns(),
            every_column: (!schema.columns.iter().any(|c| c.data_type == DataType::Json)).then(|| vec![true; schema.columns.len()]),
            file_name: format!("{}.jsonl", schema.name),
            schema,
            path,
            schema_fp,
            state: Arc::new(RwLock::new(state)),
            broken,
            scan_cache: Mutex::new(None),
        }
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

    /// Point reads of several keys, in `keys` order (missing ones are skipped). Lines that lie
    /// close together in the file (the ten newest rows of one role, say) come in one `pread`.
    pub fn get_many(&self, keys: Vec<Key>) -> Result<Vec<StoredRow>> {
        if let [key] = keys.as_slice() {
            return Ok(self.get(key)?.into_iter().collect()); // a point lookup: no sorting or span buffer
        }
        self.check()?;
        let (mut found, file) = {
            let state = self.state.read();
            let found: Vec<(usize, Key, Loc)> =
                keys.into_iter().enumerate().filter_map(|(i, k)| state.offsets.get(&k).map(|loc| (i, k, loc))).collect();
            (found, state.file.clone())
        };
        let Some(file) = file else { return Ok(Vec::new()) };
        found.sort_unstable_by_key(|(_, _, loc)| loc.offset);
        let mut rows = Vec::with_capacity(found.len());
        let mut rest = found.as_slice();
        while let Some((_, _, first)) = rest.first() {
            // At least the first line, however long.
            let span = rest.iter().take_while(|(_, _, l)| l.offset + l.len as u64 - first.offset <= SPAN_MAX).count().max(1);
            let (run, tail) = rest.split_at(span);
            let last = run[span - 1].2;
            let len = (last.offset + last.len as u64 - first.offset) as usize;
            with_span_buf(len, |buf| -> Result<()> {
                file.read_exact_at(buf, first.offset).map_err(|e| Error::io(&self.path, "read", e))?;
                for (i, key, loc) in run {
                    let at = (loc.offset - first.offset) as usize;
                    let row = self.decode_row(&buf[at..at + loc.len as usize], loc.offset, &file, None)?;
                    rows.push((*i, StoredRow { key: key.clone(), version: loc.version as u64, row }));
                }
                Ok(())
            })?;
            rest = tail;
        }
        rows.sort_unstable_by_key(|(i, _)| *i);
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }

    /// Reads and decodes the row line at `loc`.
    pub fn read_row(&self, file: &File, loc: Loc) -> Result<Row> {
        let mut buf = vec![0u8; loc.len as usize];
        file.read_exact_at(&mut buf, loc.offset).map_err(|e| Error::io(&self.path, "read", e))?;
        self.decode_row(&buf, loc.offset, file, None)
    }

    /// Decodes a row line: the `needed` columns, or all of them. A plain line (no escapes, no
    /// nesting, no `$` keys) is decoded by the byte scan of `trusted`, which is several times
    /// faster than building the parser's tape; every column is still decoded and type-checked,
    /// and anything else takes the parser, with its exact errors. Only the values of keys that
    /// are not columns go unchecked: the file was checked when it was loaded.
    pub(super) fn decode_row(&self, raw: &[u8], offset: u64, file: &File, needed: Option<&[bool]>) -> Result<Row> {
        let name = &self.file_name;
        let needed = needed.or(self.every_column.as_deref());
        let decoded = jsonl::decode_columns(trim_line(raw), &self.schema.columns, &self.key_cols, Origin { file: name, line: 0 }, needed);
        match decoded {
            Ok(Line::Row(row)) => Ok(row),
            Ok(_) => Err(Error::corrupt(format!("{name}: expected a row at byte {offset}, found a tombstone"))),
            Err(e) => Err(Error::corrupt(e.message.replace(" line 0", &format!(" line {}", line_number(file, &self.path, offset))))),
        }
    }

    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Keys of the rows whose `columns` equal `values`, through the primary key or the
    /// secondary index on exactly these columns; None when no index covers them. A NULL among
    /// `values` matches nothing (SQL equality).
    pub fn lookup(&self, columns: &[usize], values: &[Value]) -> Result<Option<Vec<Key>>> {
        self.lookup_page(columns, values, false, None, usize::MAX)
    }

    /// [`Self::lookup`] a page at a time: up to `n` keys in key order (descending when `desc`),
    /// after the key `after` when given.
    pub fn lookup_page(&self, columns: &[usize], values: &[Value], desc: bool, after: Option<&Key>, n: usize) -> Result<Option<Vec<Key>>> {
        self.check()?;
        let state = self.state.read();
        if !state.key_cols.is_empty() && columns == state.key_cols.as_slice() {
            let key = Key(values.iter().cloned().collect());
            let hit = after.is_none() && n > 0 && !values.iter().any(Value::is_null) && state.offsets.get(&key).is_some();
            return Ok(Some(if hit { vec![key] } else { Vec::new() }));
        }
        Ok(state.secondary.iter().find(|ix| ix.columns == columns).map(|ix| ix.page(values, desc, after, n)))
    }

    /// Number of live rows.
    pub fn len(&self) -> usize {
        self.state.read().offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads a table file (streamed in blocks), repairing a torn last line, and builds its image.
///
/// Every value of every line is checked, unless the `_idx/<table>/.checked` marker says this
/// very file (same fingerprint) was checked before or written only by us: then only the key
/// and indexed columns are decoded (reads still check the rows they return).
fn load_file(paths: &Paths, schema: &TableSchema, version: u32) -> Result<State> {
    let path = &paths.table(&schema.name);
    let writer = Arc::new(files::open_rw(path)?);
    let len = repair_tail(path, &writer)?;
    let fp = Fingerprint::of(path);
    let file = Arc::new(files::open_read(path)?);
    let trusted = std::fs::read_to_string(paths.checked(&schema.name)).is_ok_and(|t| t == fp.to_text());
    let name = format!("{}.jsonl", schema.name);
    let mut state = State::build(schema, Source::File { file: &file, path, len }, &name, version, trusted)?;
    (state.file, state.writer, state.fp) = (Some(file), Some(writer), fp);
    if !trusted {
        mark_checked(paths, &schema.name, fp);
    }
    Ok(state)
}

/// Records that the table file with fingerprint `fp` holds only valid lines.
pub fn mark_checked(paths: &Paths, table: &str, fp: Fingerprint) {
    let marker = paths.checked(table);
    let written = std::fs::create_dir_all(paths.index_dir(table)).and_then(|_| std::fs::write(&marker, fp.to_text()));
    if let Err(e) = written {
        tracing::warn!("could not write {}: {e}", marker.display());
    }
}

/// A last line without its newline is either a hand edit that forgot it (it parses: the
/// newline is added) or a write torn by a crash (it does not: it is cut off, with a log line).
/// Only the last line is read. Returns the file's length afterwards.
pub fn repair_tail(path: &std::path::Path, file: &File) -> Result<u64> {
    let len = file.metadata().map_err(|e| Error::io(path, "stat", e))?.len();
    let read = |from: u64, to: u64| -> Result<Vec<u8>> {
        let mut buf = vec![0u8; (to - from) as usize];
        file.read_exact_at(&mut buf, from).map_err(|e| Error::io(path, "read", e))?;
        Ok(buf)
    };
    let (mut start, mut tail) = (len, Vec::new());
    while start > 0 {
        let from = start.saturating_sub(TAIL_STEP);
        let mut chunk = read(from, start)?;
        let newline = chunk.iter().rposition(|&b| b == b'\n');
        chunk.append(&mut tail);
        (start, tail) = (from, chunk);
        if let Some(nl) = newline {
            tail.drain(..=nl);
            start += nl as u64 + 1;
            break;
        }
    }
    if tail.is_empty() {
        return Ok(len);
    }
    if simd_json::to_borrowed_value(&mut tail).is_ok() {
        file.write_all_at(b"\n", len).map_err(|e| Error::io(path, "write", e))?;
        return Ok(len + 1);
    }
    tracing::warn!("{}: repaired a torn last line ({} bytes cut at byte {start})", path.display(), len - start);
    file.set_len(start).map_err(|e| Error::io(path, "truncate", e))?;
    file.sync_data().map_err(|e| Error::io(path, "fsync", e))?;
    Ok(start)
}

/// Widest stretch of the file [`Table::get_many`] reads with one `pread`.
const SPAN_MAX: u64 = 64 << 10;

thread_local! {
    /// [`Table::get_many`]'s read buffer, kept per thread: zeroed only when it grows, not
    /// allocated per read (that was a tenth of a 10-row range query's instructions).
    static SPAN_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on a buffer of `len` bytes: the thread's span buffer, or a buffer of its own for
/// a line longer than a span (so one huge row does not stay allocated).
fn with_span_buf<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    if len as u64 > SPAN_MAX {
        return f(&mut vec![0; len]);
    }
    SPAN_BUF.with_borrow_mut(|buf| {
        if buf.len() < len {
            buf.resize(len, 0);
        }
        f(&mut buf[..len])
    })
}

/// How far back [`repair_tail`] reads at a time looking for the last line's start.
const TAIL_STEP: u64 = 64 << 10;

/// 1-based line number of the line starting at `offset` (error messages only).
fn line_number(file: &File, path: &std::path::Path, offset: u64) -> u64 {
    Source::File { file, path, len: offset }.line_number(offset).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::super::scan::Keep;
    use super::*;

    fn schema(keyed: bool) -> TableSchema {
        let pk = if keyed { r#","primary_key":true"# } else { "" };
        let text = format!(
            r#"{{"name":"t","columns":[{{"name":"id","type":"integer"{pk}}},{{"name":"v","type":"text"}}],"indexes":[{{"name":"t_v","columns":["v"]}}]}}"#
        );
        serde_json::from_str(&text).unwrap()
    }

    fn open(dir: &tempfile::TempDir, keyed: bool, content: &str) -> Table {
        let paths = Paths { root: dir.path().to_path_buf() };
        std::fs::write(paths.table("t"), content).unwrap();
        Table::open(&paths, schema(keyed), Fingerprint::default(), 0)
    }

    fn rows(t: &Table) -> Vec<Row> {
        t.scan().unwrap().map(|r| r.unwrap().row).collect()
    }

    fn r(id: i32, v: &str) -> Row {
        vec![Value::Int4(id), Value::Text(v.into())]
    }

    #[test]
    fn scan_where_filters_on_the_needed_columns_and_returns_whole_rows() {
        let dir = tempfile::tempdir().unwrap();
        let t = open(&dir, true, "{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v\":\"b\"}\n{\"id\":3,\"v\":\"c\"}\n{\"id\":2,\"v\":\"B\"}\n");
        let mut seen = Vec::new();
        let keep: Keep = Box::new(|row: &Row| {
            seen.push(row.clone());
            Ok(matches!(row[0], Value::Int4(i) if i >= 2))
        });
        let kept: Vec<Row> = t.scan_where(vec![true, false], keep).unwrap().map(|r| r.unwrap().row).collect();
        assert_eq!(kept, vec![r(3, "c"), r(2, "B")], "whole rows, current versions, file order");
        assert_eq!(seen, vec![vec![Value::Int4(1), Value::Null], vec![Value::Int4(3), Value::Null], vec![Value::Int4(2), Value::Null]]);
        let failing: Keep = Box::new(|_: &Row| Err(Error::internal("stop")));
        assert_eq!(t.scan_where(vec![true, false], failing).unwrap().next().unwrap().unwrap_err().message, "stop");
    }

    #[test]
    fn get_many_keeps_the_asked_order_skips_missing_keys_and_reads_long_lines_alone() {
        let dir = tempfile::tempdir().unwrap();
        let big = "x".repeat(70_000); // each line longer than one read's span
        let t = open(&dir, true, &format!("{{\"id\":1,\"v\":\"{big}\"}}\n{{\"id\":2,\"v\":\"b\"}}\n{{\"id\":3,\"v\":\"{big}\"}}\n"));
        let key = |i: i32| Key([Value::Int4(i)].into());
        let got: Vec<Row> = t.get_many(vec![key(3), key(9), key(1), key(2)]).unwrap().into_iter().map(|s| s.row).collect();
        assert_eq!(got, vec![r(3, &big), r(1, &big), r(2, "b")]);
        assert!(t.get_many(vec![key(9)]).unwrap().is_empty());
    }

    #[test]
    fn later_lines_supersede_and_tombstones_delete() {
        let dir = tempfile::tempdir().unwrap();
        let t = open(&dir, true, "{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v\":\"b\"}\n\n{\"id\":1,\"v\":\"c\"}\n{\"$deleted\":{\"id\":2}}\n");
        assert_eq!(rows(&t), vec![r(1, "c")]);
        assert_eq!(t.lookup(&[1], &[Value::Text("a".into())]).unwrap(), Some(vec![]));
        assert_eq!(t.lookup(&[1], &[Value::Text("c".into())]).unwrap().unwrap().len(), 1);
        assert_eq!(t.state.read().garbage, 3);
    }

    #[test]
    fn keyless_tables_get_row_ids_and_offset_tombstones() {
        let dir = tempfile::tempdir().unwrap();
        let t = open(&dir, false, "{\"id\":1,\"v\":\"a\"}\n{\"id\":1,\"v\":\"a\"}\n{\"$deleted_at\":0}\n");
        assert_eq!(rows(&t), vec![r(1, "a")], "the duplicate row survives, the first is deleted");
        assert_eq!(t.scan().unwrap().next().unwrap().unwrap().key, Key([Value::Int8(2)].into()));
    }

    #[test]
    fn torn_last_line_is_cut_and_a_missing_newline_is_added() {
        let dir = tempfile::tempdir().unwrap();
        let t = open(&dir, true, "{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v");
        assert_eq!(rows(&t), vec![r(1, "a")]);
        assert_eq!(std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap(), "{\"id\":1,\"v\":\"a\"}\n");
        let t = open(&dir, true, "{\"id\":1,\"v\":\"a\"}\n{\"id\":2,\"v\":\"b\"}");
        assert_eq!(rows(&t).len(), 2);
        assert!(std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap().ends_with("}\n"));
        let long = "x".repeat(200_000); // a last line longer than one step back from the end
        let t = open(&dir, true, &format!("{{\"id\":1,\"v\":\"a\"}}\n{{\"id\":2,\"v\":\"{long}\"}}"));
        assert_eq!(rows(&t)[1], r(2, &long));
        let t = open(&dir, true, &format!("{{\"id\":1,\"v\":\"a\"}}\n{{\"id\":2,\"v\":\"{long}"));
        assert_eq!(rows(&t), vec![r(1, "a")]);
    }

    #[test]
    fn a_bad_line_breaks_the_table_with_a_precise_error() {
        let dir = tempfile::tempdir().unwrap();
        let t = open(&dir, true, "{\"id\":1,\"v\":\"a\"}\n{\"id\":null,\"v\":\"b\"}\n");
        let err = t.get(&Key([Value::Int4(1)].into())).unwrap_err();
        assert_eq!(err.message, "t.jsonl line 2: the primary key is null");
        assert!(t.scan().is_err() && t.lookup(&[0], &[Value::Int4(1)]).is_err());
    }

    #[test]
    fn large_files_load_in_parallel_chunks_with_exact_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let mut text: String = (0..40_000).map(|i| format!("{{\"id\":{i},\"v\":\"value number {i}\"}}\n")).collect();
        text.push_str("{\"id\":5,\"v\":\"late\"}\n{\"$deleted\":{\"id\":39999}}\n");
        assert!(text.len() > 1 << 20);
        let t = open(&dir, true, &text);
        assert_eq!(t.len(), 39_999);
        assert_eq!(t.get(&Key([Value::Int4(5)].into())).unwrap().unwrap().row, r(5, "late"));
        assert_eq!(t.lookup(&[1], &[Value::Text("value number 5".into())]).unwrap(), Some(vec![]));
        let bad = text.replace("\"id\":30000,", "\"id\":\"x\",");
        let err = open(&dir, true, &bad).check().unwrap_err();
        assert_eq!(err.message, "t.jsonl line 30001, column \"id\": expected an integer, found \"x\"");
    }

    #[test]
    fn a_checked_file_loads_only_key_and_index_columns_and_reads_still_check() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths { root: dir.path().to_path_buf() };
        let mut plain = schema(true);
        plain.indexes.clear();
        plain.columns[1].data_type = crate::types::DataType::Int4;
        std::fs::write(paths.table("t"), "{\"id\":1,\"v\":2}\n{\"id\":2,\"v\":\"x\"}\n").unwrap();
        let t = Table::open(&paths, plain.clone(), Fingerprint::default(), 0);
        assert!(t.check().is_err(), "an unknown file is checked in full");
        mark_checked(&paths, "t", Fingerprint::of(&paths.table("t")));
        let t = Table::open(&paths, plain, Fingerprint::default(), 0);
        assert_eq!(t.len(), 2);
        assert_eq!(t.get(&Key([Value::Int4(1)].into())).unwrap().unwrap().row, vec![Value::Int4(1), Value::Int4(2)]);
        let err = t.get(&Key([Value::Int4(2)].into())).unwrap_err();
        assert_eq!(err.message, "t.jsonl line 2, column \"v\": expected an integer, found \"x\"");
    }
}
