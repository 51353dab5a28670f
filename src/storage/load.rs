//! Building a table's in-memory image ([`State`]) from its JSONL content, streamed in blocks.
//!
//! The content is never read whole: it comes in rounds of about [`ROUND`] bytes cut at line
//! ends, each round split into one piece per core and decoded on scoped threads while the
//! calling thread applies the previous round's lines in file order (a later line for a key
//! supersedes an earlier one, a tombstone removes it). Memory stays at two rounds of text and
//! their decoded keys, whatever the file's size. A `trusted` file (fully checked before,
//! unchanged since) has only its key and indexed columns decoded; otherwise every value of
//! every line is checked, and the first bad line in file order is the error.

use super::jsonl::{self, Line, Origin};
use super::offsets::Loc;
use super::table::{key_of, State};
use super::Key;
use crate::catalog::TableSchema;
use crate::error::{Error, Result};
use crate::types::{Row, Value};
use ahash::AHashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

/// Bytes of text decoded per round (all pieces together); small in unit tests, so that
/// their files take several rounds.
pub const ROUND: usize = if cfg!(test) { 256 << 10 } else { 8 << 20 };
/// Content smaller than this is decoded on the calling thread.
const PARALLEL_FROM: usize = 1 << 20;

/// Where a table's content comes from.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Bytes(&'a [u8]),
    /// The first `len` bytes of a file.
    File {
        file: &'a File,
        path: &'a Path,
        len: u64,
    },
}

impl Source<'_> {
    pub fn len(&self) -> u64 {
        match self {
            Source::Bytes(b) => b.len() as u64,
            Source::File { len, .. } => *len,
        }
    }

    /// Fills as much of `buf` as the content has from `offset` on; returns the bytes read.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let want = buf.len().min(self.len().saturating_sub(offset) as usize);
        match self {
            Source::Bytes(b) => buf[..want].copy_from_slice(&b[offset as usize..offset as usize + want]),
            Source::File { file, path, .. } => file.read_exact_at(&mut buf[..want], offset).map_err(|e| Error::io(path, "read", e))?,
        }
        Ok(want)
    }

    /// 1-based number of the line starting at `offset` (for error messages).
    pub fn line_number(&self, offset: u64) -> Result<u64> {
        let mut blocks = Blocks::new(*self, ROUND);
        let mut lines = 1;
        while let Some(block) = blocks.next_block()? {
            let end = (offset.saturating_sub(block.start) as usize).min(block.bytes.len());
            lines += count_lines(&block.bytes[..end]);
            if block.start + block.bytes.len() as u64 >= offset {
                break;
            }
        }
        Ok(lines)
    }
}

/// Whole lines of a source, block by block.
pub struct Blocks<'a> {
    source: Source<'a>,
    size: usize,
    next: u64,
    next_line: u64,
}

/// A run of whole lines: where it starts and the number of its first line.
pub struct Block {
    pub start: u64,
    pub first_line: u64,
    pub bytes: Vec<u8>,
}

impl<'a> Blocks<'a> {
    /// Blocks of about `size` bytes (longer when one line is).
    pub fn new(source: Source<'a>, size: usize) -> Blocks<'a> {
        Blocks { source, size, next: 0, next_line: 1 }
    }

    pub fn next_block(&mut self) -> Result<Option<Block>> {
        let remaining = self.source.len() - self.next;
        if remaining == 0 {
            return Ok(None);
        }
        let mut size = self.size.min(remaining as usize);
        let mut bytes = Vec::new();
        let end = loop {
            bytes.resize(size, 0);
            let n = self.source.read_at(&mut bytes, self.next)?;
            bytes.truncate(n);
            if n as u64 == remaining {
                break n; // the last block; its last line may lack a newline
            }
            match bytes.iter().rposition(|&b| b == b'\n') {
                Some(nl) => break nl + 1,
                None => size = (size * 2).min(remaining as usize), // a line longer than a block
            }
        };
        bytes.truncate(end);
        let block = Block { start: self.next, first_line: self.next_line, bytes };
        self.next += end as u64;
        self.next_line += count_lines(&block.bytes);
        Ok(Some(block))
    }
}

fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl State {
    /// Builds the image of `source` (`file` names it in errors); see the module doc.
    pub fn build(schema: &TableSchema, source: Source, file: &str, version: u32, trusted: bool) -> Result<State> {
        let state = State::empty(schema, version);
        let (key_cols, keep_rows) = (state.key_cols.clone(), !state.secondary.is_empty());
        let needed = trusted.then(|| needed_columns(&state, schema.columns.len()));
        let decoder = Decoder { schema, key_cols: &key_cols, needed: needed.as_deref(), keep_rows, file, version };
        let mut load = Loader { state, decoder, source, keyless: AHashMap::new() };
        let threads = if source.len() < PARALLEL_FROM as u64 { 1 } else { std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) };
        let mut blocks = Blocks::new(source, ROUND);
        std::thread::scope(|scope| -> Result<()> {
            let mut previous = Vec::new();
            while let Some(block) = blocks.next_block()? {
                if block.start == 0 {
                    load.reserve(&block);
                }
                let block = Arc::new(block);
                let decoding = split_pieces(&block.bytes, threads).into_iter().map(|piece| match threads {
                    1 => Decoding::Done(decoder.decode(&block, piece, Vec::new())),
                    _ => {
                        let block = block.clone();
                        // Allocated here, so the memory comes back to this thread's heap
                        // (what a thread allocates stays in its own glibc arena).
                        let out = Vec::with_capacity((piece.1 - piece.0) / 64);
                        Decoding::Running(scope.spawn(move || decoder.decode(&block, piece, out)))
                    }
                });
                let decoding = decoding.collect();
                load.apply(std::mem::replace(&mut previous, decoding))?;
            }
            load.apply(previous)
        })?;
        load.state.len = source.len();
        load.state.offsets.shrink_to_fit();
        if threads > 1 {
            give_back_freed_memory();
        }
        Ok(load.state)
    }
}

/// The rounds' text and decoded lines (tens of MB) are freed by now; glibc may keep freed heap
/// memory (in its main heap and the decoding threads' arenas) unless asked to give it back.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap memory; it touches nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Which columns loading a trusted file decodes: the key's and the secondary indexes'.
fn needed_columns(state: &State, n: usize) -> Vec<bool> {
    let mut needed = vec![false; n];
    for &c in state.key_cols.iter().chain(state.secondary.iter().flat_map(|ix| ix.columns.iter())) {
        needed[c] = true;
    }
    needed
}

/// A piece of a block: byte range and the 0-based line offset of its first line.
type Piece = (usize, usize, u64);

/// Splits `bytes` at line ends into up to `n` pieces of about equal size.
fn split_pieces(bytes: &[u8], n: usize) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::with_capacity(n);
    let (mut start, mut line) = (0, 0);
    for i in 1..=n {
        let guess = (bytes.len() * i / n).max(start);
        let end = if i == n { bytes.len() } else { bytes[guess..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |nl| guess + nl + 1) };
        if end > start {
            pieces.push((start, end, line));
            line += count_lines(&bytes[start..end]);
            start = end;
        }
    }
    pieces
}

/// What decoding needs, shared with the decoding threads.
#[derive(Clone, Copy)]
struct Decoder<'a> {
    schema: &'a TableSchema,
    key_cols: &'a [usize],
    needed: Option<&'a [bool]>,
    keep_rows: bool,
    file: &'a str,
    version: u32,
}

/// One decoded line: only what loading needs is kept (the whole row only when secondary
/// indexes need it).
struct Decoded {
    item: Item,
    loc: Loc,
    line: u64,
}

enum Item {
    /// A row: its key (None for a table without a key) and, when indexes need it, the row.
    Row(Option<Key>, Option<Row>),
    Deleted(Key),
    DeletedAt(u64),
}

impl Decoder<'_> {
    /// Decodes the lines of one piece of `block` into `out`.
    fn decode(&self, block: &Block, (start, end, line_offset): Piece, mut out: Vec<Decoded>) -> Result<Vec<Decoded>> {
        let mut offset = block.start + start as u64;
        for (n, raw) in block.bytes[start..end].split_inclusive(|&b| b == b'\n').enumerate() {
            let line = trim_line(raw);
            if !line.iter().all(u8::is_ascii_whitespace) {
                let at = Origin { file: self.file, line: block.first_line + line_offset + n as u64 };
                let item = match jsonl::decode_columns(line, &self.schema.columns, self.key_cols, at, self.needed)? {
                    Line::Row(row) => Item::Row((!self.key_cols.is_empty()).then(|| key_of(&row, self.key_cols)), self.keep_rows.then_some(row)),
                    Line::Deleted(values) => Item::Deleted(Key(values.into())),
                    Line::DeletedAt(off) => Item::DeletedAt(off),
                };
                out.push(Decoded { item, loc: Loc { offset, len: raw.len() as u32, version: self.version }, line: at.line });
            }
            offset += raw.len() as u64;
        }
        Ok(out)
    }
}

/// Applies decoded lines to a [`State`] in file order.
struct Loader<'a> {
    state: State,
    decoder: Decoder<'a>,
    source: Source<'a>,
    /// Tables without a key: line offset -> row id, for `$deleted_at` tombstones.
    keyless: AHashMap<u64, i64>,
}

/// The decoded lines of one piece: decoded here, or on a thread.
enum Decoding<'s> {
    Done(Result<Vec<Decoded>>),
    Running(std::thread::ScopedJoinHandle<'s, Result<Vec<Decoded>>>),
}

impl Decoding<'_> {
    fn lines(self) -> Result<Vec<Decoded>> {
        match self {
            Decoding::Done(lines) => lines,
            Decoding::Running(thread) => thread.join().unwrap_or_else(|_| Err(Error::internal("a table loading thread panicked"))),
        }
    }
}

impl Loader<'_> {
    /// Sizes the offset index from the first block's line length (no rehash while loading).
    fn reserve(&mut self, first: &Block) {
        let lines = count_lines(&first.bytes).max(1);
        let estimate = self.source.len() / (first.bytes.len() as u64 / lines).max(1);
        self.state.offsets.reserve((estimate + estimate / 16) as usize);
    }

    /// Waits for the pieces of one round and applies their lines in order.
    fn apply(&mut self, pieces: Vec<Decoding>) -> Result<()> {
        for piece in pieces {
            for d in piece.lines()? {
                self.line(d.item, d.loc, Origin { file: self.decoder.file, line: d.line })?;
            }
        }
        Ok(())
    }

    fn line(&mut self, item: Item, loc: Loc, at: Origin) -> Result<()> {
        match item {
            Item::Row(key, row) => self.row(key, row.unwrap_or_default(), loc, at),
            Item::Deleted(key) => self.delete(&key),
            Item::DeletedAt(off) => {
                let id = self.keyless.remove(&off).unwrap_or(0);
                self.delete(&Key([Value::Int8(id)].into()))
            }
        }
    }

    fn row(&mut self, key: Option<Key>, row: Row, loc: Loc, at: Origin) -> Result<()> {
        let key = match key {
            Some(key) => key,
            None => {
                self.keyless.insert(loc.offset, self.state.next_rowid);
                self.state.new_rowid()
            }
        };
        if key.0.iter().any(Value::is_null) {
            return Err(Error::corrupt(format!("{} line {}: the primary key is null", at.file, at.line)));
        }
        if self.state.secondary.is_empty() {
            // Nothing to unindex: one probe of the offset index does it all.
            if self.state.offsets.insert(&key, loc).is_some() {
                self.state.garbage += 1;
            }
            return Ok(());
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

    /// The row a key's current line holds, when it has one (read back from the source).
    fn old_row(&self, key: &Key) -> Result<Option<Row>> {
        let Some(loc) = self.state.offsets.get(key) else { return Ok(None) };
        if self.state.secondary.is_empty() {
            return Ok(Some(Row::new())); // nothing to unindex: skip the parse
        }
        let mut raw = vec![0u8; loc.len as usize];
        self.source.read_at(&mut raw, loc.offset)?;
        let Decoder { schema, key_cols, needed, file, .. } = self.decoder;
        match jsonl::decode_columns(trim_line(&raw), &schema.columns, key_cols, Origin { file, line: 0 }, needed) {
            Ok(Line::Row(row)) => Ok(Some(row)),
            Ok(_) => Err(Error::corrupt(format!("{file} line {}: expected a row, found a tombstone", self.source.line_number(loc.offset)?))),
            Err(e) => Err(Error::corrupt(e.message.replace(" line 0", &format!(" line {}", self.source.line_number(loc.offset)?)))),
        }
    }
}

/// A line without its `\n` or `\r\n`.
pub fn trim_line(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_line_ends_and_count_lines() {
        let text = b"{\"a\":1}\n{\"a\":22}\n{\"a\":333}\nlong line without end";
        let mut blocks = Blocks::new(Source::Bytes(text), 12);
        let mut seen = Vec::new();
        while let Some(b) = blocks.next_block().unwrap() {
            assert!(b.bytes.ends_with(b"\n") || b.start + b.bytes.len() as u64 == text.len() as u64);
            seen.push((b.start, b.first_line, b.bytes.len()));
        }
        assert_eq!(seen, vec![(0, 1, 8), (8, 2, 9), (17, 3, 10), (27, 4, 21)]);
        assert_eq!(Source::Bytes(text).line_number(17).unwrap(), 3);
        assert_eq!(Source::Bytes(text).line_number(0).unwrap(), 1);
    }

    #[test]
    fn pieces_cover_the_block_at_line_ends() {
        let text: Vec<u8> = (0..1000).flat_map(|i| format!("{{\"id\":{i}}}\n").into_bytes()).collect();
        let pieces = split_pieces(&text, 3);
        assert_eq!(pieces.len(), 3);
        assert_eq!((pieces[0].0, pieces[2].1), (0, text.len()));
        for pair in pieces.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            assert_eq!(text[pair[1].0 - 1], b'\n');
            assert_eq!(pair[1].2, count_lines(&text[..pair[1].0]));
        }
        assert_eq!(split_pieces(b"", 2), vec![]);
    }
}
