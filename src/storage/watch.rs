//! A cheap answer to "may a file under data/ have changed?" for [`super::Store::snapshot`].
//!
//! On Linux an inotify instance watches `data/` and `data/_schema/`. The kernel queues an
//! event before the writing process's syscall returns, so a statement sent after an edit has
//! completed always finds that event: draining the non-blocking descriptor (one `read`, a
//! fraction of a microsecond) replaces stat-ing every table and schema file on every
//! statement. Any relevant event, our own writes included, only means "look": the caller then
//! compares file fingerprints exactly as before. Events on the journal, sequence and lock
//! files are ignored (they are never table content). Without inotify (other systems, a
//! watch limit reached) every call answers "look".
//!
//! Concurrency: draining and counting happen under one mutex, and a caller compares the
//! count with the count last checked; so a thread that finds the queue empty still looks when
//! another thread drained an event whose check has not finished.

use parking_lot::Mutex;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// File names under data/ whose changes never need a reload.
const IGNORED: [&[u8]; 3] = [b"_journal.jsonl", b"_sequences.json", b".lock"];

pub struct Watch {
    #[cfg(target_os = "linux")]
    fd: Option<std::os::fd::OwnedFd>,
    /// Batches of relevant events drained so far.
    seen: Mutex<u64>,
    /// Value of `seen` that the last completed check covered.
    checked: AtomicU64,
}

impl Watch {
    pub fn new(data: &Path, schema_dir: &Path) -> Watch {
        Watch {
            #[cfg(target_os = "linux")]
            fd: inotify(&[data, schema_dir]),
            seen: Mutex::new(1),
            checked: AtomicU64::new(0),
        }
    }

    /// The change count to check up to, or None when nothing changed since the last check.
    pub fn pending(&self) -> Option<u64> {
        let mut seen = self.seen.lock();
        if self.drain() {
            *seen += 1;
        }
        let seen = *seen;
        (seen != self.checked.load(Ordering::Acquire)).then_some(seen)
    }

    /// Records that a check covering change count `upto` completed.
    pub fn checked(&self, upto: u64) {
        self.checked.fetch_max(upto, Ordering::AcqRel);
    }

    /// Reads every queued event; true if any concerns a file that may need a reload.
    #[cfg(target_os = "linux")]
    fn drain(&self) -> bool {
        let Some(fd) = &self.fd else { return true };
        let mut relevant = false;
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: reading into a buffer we own, of the length we pass.
            let n = unsafe { libc::read(std::os::fd::AsRawFd::as_raw_fd(fd), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                // EAGAIN: the queue is empty. Any other error: look, to be safe.
                let empty = n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock;
                return relevant || !empty;
            }
            relevant |= events_relevant(&buf[..n as usize]);
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn drain(&self) -> bool {
        true
    }
}

/// Walks `struct inotify_event` records: relevant unless every one names an ignored file.
#[cfg(target_os = "linux")]
fn events_relevant(mut bytes: &[u8]) -> bool {
    const HEADER: usize = std::mem::size_of::<libc::inotify_event>();
    while bytes.len() >= HEADER {
        let len = u32::from_ne_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
        let name = bytes.get(HEADER..HEADER + len).unwrap_or(&[]);
        let name = name.split(|&b| b == 0).next().unwrap_or(&[]);
        if !IGNORED.contains(&name) {
            return true;
        }
        bytes = bytes.get(HEADER + len..).unwrap_or(&[]);
    }
    false
}

#[cfg(target_os = "linux")]
fn inotify(dirs: &[&Path]) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: plain syscalls; the descriptor is owned by the OwnedFd from here on.
    let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
    if fd < 0 {
        tracing::debug!("inotify unavailable; every statement checks the files");
        return None;
    }
    let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
    let mask = libc::IN_MODIFY
        | libc::IN_ATTRIB
        | libc::IN_CLOSE_WRITE
        | libc::IN_MOVED_FROM
        | libc::IN_MOVED_TO
        | libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_DELETE_SELF
        | libc::IN_MOVE_SELF;
    for dir in dirs {
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: a valid descriptor and a NUL-terminated path.
        if unsafe { libc::inotify_add_watch(std::os::fd::AsRawFd::as_raw_fd(&fd), path.as_ptr(), mask) } < 0 {
            tracing::debug!("cannot watch {}; every statement checks the files", dir.display());
            return None;
        }
    }
    Some(fd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_edits_once_and_ignores_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("_schema");
        std::fs::create_dir(&schema).unwrap();
        let watch = Watch::new(dir.path(), &schema);
        let first = watch.pending().expect("the first call always looks");
        watch.checked(first);
        assert_eq!(watch.pending(), None, "nothing changed");
        std::fs::write(dir.path().join("_journal.jsonl"), "x").unwrap();
        assert_eq!(watch.pending(), None, "journal writes are ours");
        std::fs::write(dir.path().join("users.jsonl"), "{}\n").unwrap();
        let n = watch.pending().expect("a table file changed");
        assert_eq!(watch.pending(), Some(n), "still pending until checked");
        watch.checked(n);
        assert_eq!(watch.pending(), None);
        std::fs::write(schema.join("users.json"), "{}").unwrap();
        assert!(watch.pending().is_some(), "a schema file changed");
    }
}
