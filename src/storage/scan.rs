//! Full-table scans: the live rows of a table file, in file order.
//!
//! A scan walks the offset index's entries sorted by offset and reads the file in 1 MB chunks.
//! For a selective filter over 100,000 rows, sorting the entries and decoding the columns the
//! filter reads cost far more than everything else, so both are kept between scans in a
//! [`FileOrder`]: the entries in file order and, decoded on first use per column, the values of
//! the columns filters read. A filter then runs over those values, and only the rows it keeps
//! are read (one `pread` each) and decoded.
//!
//! A [`FileOrder`] describes one exact image of the file and is used only while the table's
//! file handle and length are the ones it was built from: every write appends (so changes the
//! length), a compaction swaps the handle, and a reload after a hand edit makes a new `Table`.
//! It is kept only while its estimated size stays under [`CACHE_MAX`]; past that, scans sort
//! and decode as they go.

use super::offsets::Loc;
use super::table::{State, Table};
use super::{Key, StoredRow};
use crate::error::{Error, Result};
use crate::types::{Row, Value};
use parking_lot::Mutex;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// A row filter for [`Table::scan_where`].
pub type Keep<'a> = Box<dyn FnMut(&Row) -> Result<bool> + 'a>;

/// Largest estimated size of one table's [`FileOrder`] (entries plus cached column values).
const CACHE_MAX: usize = 128 << 20;
const SCAN_CHUNK: usize = 1 << 20;

/// Cached columns a filter reads: (schema column, its value in each row in file order).
type CachedColumns = Vec<(usize, Arc<[Value]>)>;

/// The live rows of one file image in file order, and the columns decoded so far.
pub struct FileOrder {
    file: Option<Arc<File>>,
    len: u64,
    entries: Vec<(Key, Loc)>,
    /// Per schema column: its value in each row, in `entries` order, once a filter read it.
    columns: Mutex<Vec<Option<Arc<[Value]>>>>,
}

impl FileOrder {
    /// The live rows of `state`, not yet sorted (see [`Self::sorted`]): taken under the
    /// table's read lock, which the sort need not hold.
    pub fn of(state: &State, width: usize) -> FileOrder {
        FileOrder { file: state.file.clone(), len: state.len, entries: state.offsets.entries(), columns: Mutex::new(vec![None; width]) }
    }

    /// Puts the entries in file order.
    fn sorted(mut self) -> FileOrder {
        self.entries.sort_unstable_by_key(|(_, loc)| loc.offset);
        self
    }

    /// Whether this is the image `state` has now.
    pub fn describes(&self, state: &State) -> bool {
        let same_file = match (&self.file, &state.file) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_file && self.len == state.len
    }

    fn file(&self) -> Result<&File> {
        self.file.as_deref().ok_or_else(|| Error::internal("table has no file"))
    }

    /// Estimated bytes held with `columns` columns decoded.
    pub fn size(&self, columns: usize) -> usize {
        self.entries.len() * (size_of::<(Key, Loc)>() + columns * size_of::<Value>())
    }

    /// The values of the `needed` columns, decoding those not cached yet in one pass over the
    /// file; None when caching them would pass [`CACHE_MAX`].
    fn columns(&self, table: &Table, needed: &[bool]) -> Result<Option<CachedColumns>> {
        let mut cached = self.columns.lock();
        let missing: Vec<bool> = needed.iter().zip(cached.iter()).map(|(n, c)| *n && c.is_none()).collect();
        if missing.contains(&true) {
            let total = cached.iter().zip(needed).filter(|(c, n)| c.is_some() || **n).count();
            if self.size(total) > CACHE_MAX {
                return Ok(None);
            }
            let mut decoded: Vec<Vec<Value>> = missing.iter().map(|&m| Vec::with_capacity(if m { self.entries.len() } else { 0 })).collect();
            let mut chunks = Chunks::new(self.file.clone());
            for (_, loc) in &self.entries {
                let raw = chunks.line(table, *loc)?;
                let mut row = table.decode_row(raw, loc.offset, self.file()?, Some(&missing))?;
                for (c, values) in decoded.iter_mut().enumerate().filter(|(c, _)| missing[*c]) {
                    values.push(std::mem::replace(&mut row[c], Value::Null));
                }
            }
            for (c, values) in decoded.into_iter().enumerate().filter(|(c, _)| missing[*c]) {
                cached[c] = Some(values.into());
            }
        }
        Ok(Some(cached.iter().enumerate().filter(|(c, _)| needed[*c]).filter_map(|(c, v)| Some((c, v.clone()?))).collect()))
    }
}

impl Table {
    /// The live rows in file order: the kept [`FileOrder`] when it describes the file as it is.
    fn file_order(&self) -> Result<Arc<FileOrder>> {
        self.check()?;
        let order = {
            let state = self.state.read();
            let kept = self.scan_cache.lock().clone();
            match kept {
                Some(order) if order.describes(&state) => return Ok(order),
                _ => FileOrder::of(&state, self.schema().columns.len()),
            }
        };
        let order = Arc::new(order.sorted());
        if order.size(0) <= CACHE_MAX {
            *self.scan_cache.lock() = Some(order.clone());
        }
        Ok(order)
    }

    /// Every live row, in file order.
    pub fn scan(&self) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + '_>> {
        Ok(Box::new(self.scan_locs()?.map(|r| r.map(|(_, row)| row))))
    }

    /// The live rows `keep` accepts, in file order. `keep` sees a row where only the columns
    /// flagged in `needed` are set (the others read as NULL), so it must look at no other
    /// column; only the rows it keeps are read whole. A selective filter thus skips most of the
    /// decoding, and after the first scan most of the reading too (see the module doc).
    pub fn scan_where<'a>(&'a self, needed: Vec<bool>, keep: Keep<'a>) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + 'a>> {
        let mut scan = self.scan_locs()?;
        let cached = scan.order.columns(self, &needed)?;
        let probe = vec![Value::Null; needed.len()];
        scan.filter = Some(Filter { needed, keep, cached: cached.map(|c| (c, probe)) });
        Ok(Box::new(scan.map(|r| r.map(|(_, row)| row))))
    }

    /// Every live row in file order, with the location it was read from.
    pub(super) fn scan_locs(&self) -> Result<Scan<'_>> {
        let order = self.file_order()?;
        let chunks = Chunks::new(order.file.clone());
        Ok(Scan { table: self, order, at: 0, chunks, filter: None })
    }
}

pub(super) struct Scan<'a> {
    table: &'a Table,
    order: Arc<FileOrder>,
    /// Position of the next entry in `order`.
    at: usize,
    chunks: Chunks,
    filter: Option<Filter<'a>>,
}

struct Filter<'a> {
    /// The columns `keep` reads.
    needed: Vec<bool>,
    keep: Keep<'a>,
    /// Their cached values, and a row to set them in.
    cached: Option<(CachedColumns, Row)>,
}

impl Iterator for Scan<'_> {
    type Item = Result<(Loc, StoredRow)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let i = self.at;
            let loc = self.order.entries.get(i)?.1;
            self.at += 1;
            match self.row(i, loc) {
                Ok(Some(row)) => return Some(Ok((loc, StoredRow { key: self.order.entries[i].0.clone(), version: loc.version as u64, row }))),
                Ok(None) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Scan<'_> {
    /// The row of entry `i` (at `loc`), or None when the filter rejects it.
    fn row(&mut self, i: usize, loc: Loc) -> Result<Option<Row>> {
        let Scan { table, order, chunks, filter, .. } = self;
        let file = order.file()?;
        match filter {
            None => table.decode_row(chunks.line(table, loc)?, loc.offset, file, None).map(Some),
            Some(Filter { keep, cached: Some((columns, probe)), .. }) => {
                for (c, values) in columns.iter() {
                    probe[*c] = values[i].clone();
                }
                if !keep(probe)? {
                    return Ok(None);
                }
                table.read_row(file, loc).map(Some)
            }
            Some(Filter { needed, keep, cached: None }) => {
                let raw = chunks.line(table, loc)?;
                if !keep(&table.decode_row(raw, loc.offset, file, Some(needed))?)? {
                    return Ok(None);
                }
                table.decode_row(raw, loc.offset, file, None).map(Some)
            }
        }
    }
}

/// Reads the lines of a file in increasing offset order, a large chunk at a time.
struct Chunks {
    file: Option<Arc<File>>,
    buf: Vec<u8>,
    start: u64,
}

impl Chunks {
    fn new(file: Option<Arc<File>>) -> Chunks {
        Chunks { file, buf: Vec::new(), start: 0 }
    }

    fn line(&mut self, table: &Table, loc: Loc) -> Result<&[u8]> {
        let end = loc.offset + loc.len as u64;
        if loc.offset < self.start || end > self.start + self.buf.len() as u64 {
            self.buf.resize((loc.len as usize).max(SCAN_CHUNK), 0);
            let file = self.file.as_ref().ok_or_else(|| Error::internal("table has no file"))?;
            let n = read_up_to(file, &mut self.buf, loc.offset).map_err(|e| Error::io(&table.path, "read", e))?;
            self.buf.truncate(n);
            self.start = loc.offset;
            if n < loc.len as usize {
                return Err(Error::corrupt(format!("{}: a line at byte {} is cut short", table.file_name(), loc.offset)));
            }
        }
        let from = (loc.offset - self.start) as usize;
        Ok(&self.buf[from..from + loc.len as usize])
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
