//! Compaction (a table file back to canonical form) and the background maintainer.
//!
//! Compaction copies the live rows, re-encoded, to `.<table>.jsonl.compact` without holding
//! any lock (lines below the length it started from never change), fsyncs it, then takes the
//! commit lock and the table's write lock just long enough to copy the lines appended
//! meanwhile, repoint the offset index, rename the new file over the old one and fsync the
//! folder. The journal's offsets into the old file would be wrong for the new one, so a
//! checkpoint empties the journal before the swap.
//! The maintainer thread compacts and writes index files for tables idle for [`IDLE`], and
//! checkpoints when every table is idle.

use super::files::{self, Fingerprint};
use super::index_files;
use super::jsonl;
use super::offsets::Loc;
use super::store::Store;
use super::table::{self, Table};
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// How long a table must go without writes before the maintainer touches it.
pub const IDLE: Duration = Duration::from_millis(1000);
const TICK: Duration = Duration::from_millis(200);
/// A journal this large is checkpointed even while tables are busy.
const JOURNAL_MAX: u64 = 64 << 20;

/// Old offset -> new location of every copied line, sorted by old offset.
type Remap = Vec<(u64, u64, u32)>;

/// Rewrites `table`'s file to one line per live row (no-op when it has no garbage).
pub fn compact(store: &Store, table: &Arc<Table>) -> Result<()> {
    let _one_at_a_time = store.compacting.lock();
    if table.check().is_err() || table.state.read().garbage == 0 {
        return Ok(());
    }
    let tmp = table.path.with_file_name(format!(".{}.compact", table.file_name()));
    let (from_len, mut out, remap) = copy_live_rows(table, &tmp)?;
    let mut cs = store.commit_lock.lock();
    if !store.tables().get(table.name()).is_some_and(|t| Arc::ptr_eq(t, table)) {
        return files::remove_file(&tmp); // dropped or replaced meanwhile
    }
    // The journal's offsets into the old file must not outlive it: empty the journal first
    // (no commit can run while we hold the commit lock).
    store.checkpoint(&mut cs)?;
    let mut state = table.state.write();
    if table.changed_on_disk(&state.fp, &store.unchecked_events()) {
        drop(state);
        return files::remove_file(&tmp); // edited behind our back: the reload wins
    }
    let old = state.file.clone().ok_or_else(|| Error::internal("table has no file"))?;
    let mut out_len = out.metadata().map_err(|e| Error::io(&tmp, "stat", e))?.len();
    let (mut failed, mut still_live) = (None, 0u64);
    state.offsets.remap(|loc| {
        still_live += u64::from(loc.offset < from_len);
        match relocate(loc, from_len, &remap, &old, &out, &mut out_len) {
            Ok(new) => *loc = new,
            Err(e) => failed = Some(e),
        }
    });
    if let Some(e) = failed {
        return Err(Error::io(&tmp, "copy to", e));
    }
    out.flush().and_then(|_| out.sync_all()).map_err(|e| Error::io(&tmp, "fsync", e))?;
    drop(out);
    files::rename_durably(&tmp, &table.path)?;
    state.file = Some(Arc::new(files::open_read(&table.path)?));
    state.writer = Some(Arc::new(files::open_rw(&table.path)?));
    // The file events of the rename and of closing the old writer are drained before the
    // stat, so they are not taken for an edit.
    let events = store.watch.drained();
    // The scan cache describes the old file (and holds it open): drop it.
    *table.scan_cache.lock() = None;
    // A row updated while its old line was being copied leaves that copy behind as garbage:
    // counting it keeps the next compaction coming, so the file still ends up canonical.
    (state.len, state.garbage, state.fp) = (out_len, remap.len() as u64 - still_live, Fingerprint::of(&table.path).after_events(events));
    table::mark_checked(&store.paths, table.name(), state.fp);
    Ok(())
}

/// Copies the live rows as of now to `tmp`, re-encoded in canonical form.
fn copy_live_rows(table: &Table, tmp: &std::path::Path) -> Result<(u64, File, Remap)> {
    let from_len = table.state.read().len;
    let mut out = File::create(tmp).map_err(|e| Error::io(tmp, "create", e))?;
    let (mut buf, mut remap, mut written) = (Vec::new(), Vec::new(), 0u64);
    for item in table.scan_locs()? {
        let (loc, stored) = item?;
        if loc.offset >= from_len {
            continue; // appended after we started: the catch-up copies it
        }
        let start = buf.len();
        jsonl::encode_row(&table.schema().columns, &stored.row, &mut buf);
        remap.push((loc.offset, written + start as u64, (buf.len() - start) as u32));
        if buf.len() > 1 << 20 {
            out.write_all(&buf).map_err(|e| Error::io(tmp, "write", e))?;
            written += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf).and_then(|_| out.sync_data()).map_err(|e| Error::io(tmp, "write", e))?;
    Ok((from_len, out, remap))
}

/// The new location of a line: from the copy, or copied now when appended meanwhile.
fn relocate(loc: &Loc, from_len: u64, remap: &Remap, old: &File, out: &File, out_len: &mut u64) -> std::io::Result<Loc> {
    if loc.offset < from_len {
        let i = remap.binary_search_by_key(&loc.offset, |r| r.0).map_err(|_| std::io::Error::other("a live line was not copied"))?;
        return Ok(Loc { offset: remap[i].1, len: remap[i].2, version: loc.version });
    }
    let mut line = vec![0u8; loc.len as usize];
    old.read_exact_at(&mut line, loc.offset)?;
    out.write_all_at(&line, *out_len)?;
    *out_len += line.len() as u64;
    Ok(Loc { offset: *out_len - line.len() as u64, ..*loc })
}

/// Writes `table`'s index files when they may be stale.
pub fn write_index_files(store: &Store, table: &Arc<Table>) -> Result<()> {
    let (plan, as_of) = {
        let state = table.state.read();
        if !state.index_files_stale || table.check().is_err() {
            return Ok(());
        }
        (index_files::plan(&state), state.last_write)
    };
    index_files::write(&store.paths.index_dir(table.name()), &plan)?;
    let mut state = table.state.write();
    if state.last_write == as_of {
        state.index_files_stale = false;
    }
    Ok(())
}

/// Starts the background thread (it ends when the store is closed or dropped).
pub fn spawn_maintainer(store: &Arc<Store>) {
    let weak = Arc::downgrade(store);
    let stopping = store.stopping.clone();
    let spawned = std::thread::Builder::new().name("sb-maintainer".into()).spawn(move || loop {
        std::thread::sleep(TICK);
        let Some(store) = weak.upgrade().filter(|_| !stopping.load(Ordering::Relaxed)) else { return };
        if let Err(e) = maintain(&store) {
            tracing::warn!("background maintenance: {}", e.message);
        }
    });
    match spawned {
        Ok(thread) => *store.maintainer.lock() = Some(thread),
        Err(e) => tracing::error!("could not start the maintenance thread: {e}"),
    }
}

/// One round: compact and index idle tables, checkpoint when all are idle.
fn maintain(store: &Store) -> Result<()> {
    let mut busy = false;
    for table in store.tables().values() {
        let idle = table.state.read().last_write.is_none_or(|t| t.elapsed() >= IDLE);
        if !idle {
            busy = true;
            continue;
        }
        compact(store, table)?;
        write_index_files(store, table)?;
    }
    let mut cs = store.commit_lock.lock();
    if !busy || cs.journal.len > JOURNAL_MAX {
        store.checkpoint(&mut cs)?;
    }
    Ok(())
}
