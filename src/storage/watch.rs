//! A cheap answer to "may a file under data/ have changed, and which?" for
//! [`super::Store::snapshot`].
//!
//! On Linux an inotify instance watches `data/` and `data/_schema/`. The kernel queues an
//! event before the editing process's `close` (or rename) returns, so a statement sent after
//! an edit has completed always finds that event: draining the non-blocking descriptor (one `read`, a
//! fraction of a microsecond) replaces stat-ing every table and schema file on every
//! statement. An event only means "look": the caller then compares file fingerprints, but
//! only for the table files the events name. Events on the journal, sequence and lock files
//! are ignored (they are never table content); any event in `_schema/`, on a watched folder
//! itself or a queue overflow means "look at everything". Without inotify (other systems, a
//! watch limit reached) every call answers "look at everything, events may be lost".
//!
//! Writes are seen when the writer closes the file (IN_CLOSE_WRITE), and renames, creations,
//! deletions and attribute changes at once; plain modifications (IN_MODIFY) are not watched.
//! Our own appends go through handles that stay open, so they raise no event at all: no read
//! of our own events and no `stat` after each write (see `files::Fingerprint` for why that
//! stat was costly). Editors, shell redirections, `sed -i` and scripts all close the file when
//! done; a process that keeps a table file open and writes to it is seen when it closes it.
//!
//! Concurrency: draining and counting happen under one mutex, and a caller compares the
//! count with the count last checked; so a thread that finds the queue empty still looks when
//! another thread drained an event whose check has not finished. The names drained since the
//! last completed check are handed to every caller until a check covers them.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// File names under data/ whose changes never need a reload.
const IGNORED: [&[u8]; 3] = [b"_journal.jsonl", b"_sequences.json", b".lock"];

pub struct Watch {
    #[cfg(target_os = "linux")]
    fd: Option<std::os::fd::OwnedFd>,
    /// The watch descriptor of `data/` (events elsewhere concern `_schema/`).
    #[cfg(target_os = "linux")]
    data_wd: i32,
    seen: Mutex<Seen>,
    /// Value of `Seen::count` that the last completed check covered.
    checked: AtomicU64,
}

/// What to look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// Every table and schema file.
    pub everything: bool,
    /// Tables whose `<name>.jsonl` file had events, with the number of the latest batch of
    /// events (the change count) that named each.
    pub tables: BTreeMap<String, u64>,
    /// Events may have been missed (queue overflow, a read error, no inotify).
    pub lost: bool,
}

impl Changed {
    /// Whether table `name`'s file may have been changed by someone else after the file
    /// events counted up to `seen` (those a fingerprint's stat came after).
    pub fn touches(&self, name: &str, seen: u64) -> bool {
        self.lost || self.tables.get(name).is_some_and(|&batch| batch > seen)
    }
}

#[derive(Default)]
struct Seen {
    /// Batches of relevant events drained so far.
    count: u64,
    /// What they named, since the last check that covered them all.
    changed: Changed,
    /// Where events are read to, allocated once (zeroing 8 KB per statement cost more than
    /// the rest of a point query).
    buf: Vec<u8>,
}

impl Watch {
    pub fn new(data: &Path, schema_dir: &Path) -> Watch {
        #[cfg(target_os = "linux")]
        let (fd, data_wd) = match inotify(&[data, schema_dir]) {
            Some((fd, wds)) => (Some(fd), wds[0]),
            None => (None, -1),
        };
        #[cfg(not(target_os = "linux"))]
        let _ = (data, schema_dir);
        Watch {
            #[cfg(target_os = "linux")]
            fd,
            #[cfg(target_os = "linux")]
            data_wd,
            seen: Mutex::new(Seen { count: 1, changed: Changed { everything: true, tables: BTreeMap::new(), lost: true }, buf: vec![0; 8192] }),
            checked: AtomicU64::new(0),
        }
    }

    /// The change count to check up to and what to look at, or None when nothing changed
    /// since the last check.
    pub fn pending(&self) -> Option<(u64, Changed)> {
        let mut seen = self.seen.lock();
        self.drain_into(&mut seen);
        (seen.count != self.checked.load(Ordering::Acquire)).then(|| (seen.count, seen.changed.clone()))
    }

    /// The change count after draining the queue: every event it counts was queued before
    /// this call (so a `stat` taken next sees their effects).
    pub fn drained(&self) -> u64 {
        let mut seen = self.seen.lock();
        self.drain_into(&mut seen);
        seen.count
    }

    fn drain_into(&self, seen: &mut Seen) {
        let Seen { count, changed, buf } = seen;
        if self.drain(changed, buf, *count + 1) {
            *count += 1;
        }
    }

    /// Whether file events come in (else every check looks at every file).
    pub fn is_active(&self) -> bool {
        #[cfg(target_os = "linux")]
        return self.fd.is_some();
        #[cfg(not(target_os = "linux"))]
        false
    }

    /// Records that a check covering change count `upto` completed.
    pub fn checked(&self, upto: u64) {
        let mut seen = self.seen.lock();
        self.checked.fetch_max(upto, Ordering::AcqRel);
        if seen.count == upto {
            seen.changed = Changed::default();
        }
    }

    /// Reads every queued event into `changed` as batch number `batch`; true if any concerns a
    /// file that may need a reload.
    #[cfg(target_os = "linux")]
    fn drain(&self, changed: &mut Changed, buf: &mut [u8], batch: u64) -> bool {
        const MAX_EVENT: usize = std::mem::size_of::<libc::inotify_event>() + libc::NAME_MAX as usize + 1;
        let Some(fd) = &self.fd else {
            (changed.everything, changed.lost) = (true, true);
            return true;
        };
        let mut relevant = false;
        loop {
            // SAFETY: reading into a buffer we own, of the length we pass.
            let n = unsafe { libc::read(std::os::fd::AsRawFd::as_raw_fd(fd), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                // EAGAIN: the queue is empty. Any other error: look, to be safe.
                let empty = n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock;
                changed.everything |= !empty;
                changed.lost |= !empty;
                return relevant || !empty;
            }
            relevant |= self.note_events(&buf[..n as usize], changed, batch);
            // The kernel stops copying events when the queue is empty or the next one does
            // not fit: with room for the largest event left, the queue was empty.
            if buf.len() - n as usize >= MAX_EVENT {
                return relevant;
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn drain(&self, changed: &mut Changed, _buf: &mut [u8], _batch: u64) -> bool {
        (changed.everything, changed.lost) = (true, true);
        true
    }

    /// Walks `struct inotify_event` records into `changed`; true unless every one names an
    /// ignored file.
    #[cfg(target_os = "linux")]
    fn note_events(&self, mut bytes: &[u8], changed: &mut Changed, batch: u64) -> bool {
        const HEADER: usize = std::mem::size_of::<libc::inotify_event>();
        let mut relevant = false;
        while bytes.len() >= HEADER {
            let word = |at: usize| u32::from_ne_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
            let (wd, mask, len) = (word(0) as i32, word(4), word(12) as usize);
            let name = bytes.get(HEADER..HEADER + len).unwrap_or(&[]);
            let name = name.split(|&b| b == 0).next().unwrap_or(&[]);
            bytes = bytes.get(HEADER + len..).unwrap_or(&[]);
            if IGNORED.contains(&name) {
                continue;
            }
            relevant = true;
            changed.lost |= mask & libc::IN_Q_OVERFLOW != 0;
            let table = std::str::from_utf8(name).ok().and_then(|n| n.strip_suffix(".jsonl"));
            match table {
                Some(t) if wd == self.data_wd && mask & libc::IN_ISDIR == 0 => {
                    changed.tables.insert(t.to_string(), batch);
                }
                // Our own temp files in data/ (a compaction's copy, renamed over its table file).
                None if wd == self.data_wd && name.starts_with(b".") => {}
                _ => changed.everything = true,
            }
        }
        relevant
    }
}

#[cfg(target_os = "linux")]
/// An inotify descriptor watching `dirs`, and their watch descriptors in the same order.
fn inotify(dirs: &[&Path]) -> Option<(std::os::fd::OwnedFd, Vec<i32>)> {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: plain syscalls; the descriptor is owned by the OwnedFd from here on.
    let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
    if fd < 0 {
        tracing::debug!("inotify unavailable; every statement checks the files");
        return None;
    }
    let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
    let mask = libc::IN_ATTRIB
        | libc::IN_CLOSE_WRITE
        | libc::IN_MOVED_FROM
        | libc::IN_MOVED_TO
        | libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_DELETE_SELF
        | libc::IN_MOVE_SELF;
    let mut wds = Vec::new();
    for dir in dirs {
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: a valid descriptor and a NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(std::os::fd::AsRawFd::as_raw_fd(&fd), path.as_ptr(), mask) };
        if wd < 0 {
            tracing::debug!("cannot watch {}; every statement checks the files", dir.display());
            return None;
        }
        wds.push(wd);
    }
    Some((fd, wds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_edits_once_names_table_files_and_ignores_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("_schema");
        std::fs::create_dir(&schema).unwrap();
        let watch = Watch::new(dir.path(), &schema);
        let (first, changed) = watch.pending().expect("the first call always looks");
        assert!(changed.everything);
        watch.checked(first);
        assert_eq!(watch.pending(), None, "nothing changed");
        std::fs::write(dir.path().join("_journal.jsonl"), "x").unwrap();
        assert_eq!(watch.pending(), None, "journal writes are ours");
        std::fs::write(dir.path().join("users.jsonl"), "{}\n").unwrap();
        std::fs::write(dir.path().join(".users.jsonl.compact"), "{}\n").unwrap();
        std::fs::rename(dir.path().join(".users.jsonl.compact"), dir.path().join("users.jsonl")).unwrap();
        let (n, changed) = watch.pending().expect("a table file changed");
        assert_eq!(changed, Changed { everything: false, tables: [("users".to_string(), n)].into(), lost: false });
        assert!(changed.touches("users", n - 1) && !changed.touches("users", n), "events up to a stat's count are covered by it");
        std::fs::write(dir.path().join("orders.jsonl"), "{}\n").unwrap();
        let (m, changed) = watch.pending().expect("still pending until checked");
        assert_eq!(changed.tables.len(), 2, "names accumulate until a check covers them");
        watch.checked(n);
        assert_eq!(watch.pending().map(|(_, c)| c.tables.len()), Some(2), "a check of older events keeps the newer names");
        watch.checked(m);
        assert_eq!(watch.pending(), None);
        std::fs::write(schema.join("users.json"), "{}").unwrap();
        let (n, changed) = watch.pending().expect("a schema file changed");
        assert!(changed.everything && !changed.touches("users", 0), "{changed:?}");
        watch.checked(n);
        // Writes through a handle kept open (ours) raise no event; closing one does.
        let mut held = std::fs::OpenOptions::new().append(true).open(dir.path().join("users.jsonl")).unwrap();
        std::io::Write::write_all(&mut held, b"{}\n").unwrap();
        assert_eq!(watch.pending(), None, "a write through an open handle");
        drop(held);
        assert!(watch.pending().is_some_and(|(_, c)| c.touches("users", n) && !c.lost), "closed after writing");
    }
}
