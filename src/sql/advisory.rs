//! Session-level advisory locks (pg_advisory_lock, pg_try_advisory_lock, pg_advisory_unlock,
//! pg_advisory_unlock_all): one process-wide table of held keys, each with its holding
//! session (backend pid) and how many times that session took it. Sessions really exclude
//! each other; a session releases what it holds when it ends.
//!
//! A session waiting for a held key blocks its thread, so the wait is bounded (a holder on
//! the same IO worker could otherwise never run its unlock): after [`MAX_WAIT`] it fails the
//! way PostgreSQL's lock_timeout does.

use crate::error::{Error, Result};
use crate::types::Value;
use parking_lot::{Condvar, Mutex};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const MAX_WAIT: Duration = Duration::from_secs(10);

/// A lock key: one bigint, or two integers (a key space of its own, as in PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockKey {
    One(i64),
    Two(i32, i32),
}

impl LockKey {
    /// The key the function's (non-null, already typed) arguments name.
    pub fn of(args: &[Value]) -> LockKey {
        let int = |v: &Value| v.as_i64().unwrap_or(0);
        match args {
            [a, b] => LockKey::Two(int(a) as i32, int(b) as i32),
            [a, ..] => LockKey::One(int(a)),
            [] => LockKey::One(0),
        }
    }
}

#[derive(Default)]
struct Locks {
    /// Key -> (holding pid, times taken).
    held: Mutex<HashMap<LockKey, (i32, u32)>>,
    released: Condvar,
}

fn locks() -> &'static Locks {
    static LOCKS: OnceLock<Locks> = OnceLock::new();
    LOCKS.get_or_init(Locks::default)
}

fn acquire(held: &mut HashMap<LockKey, (i32, u32)>, key: LockKey, pid: i32) -> bool {
    let entry = held.entry(key).or_insert((pid, 0));
    if entry.0 != pid {
        return false;
    }
    entry.1 += 1;
    true
}

/// pg_try_advisory_lock: takes the key unless another session holds it.
pub fn try_lock(key: LockKey, pid: i32) -> bool {
    acquire(&mut locks().held.lock(), key, pid)
}

/// pg_advisory_lock: takes the key, waiting while another session holds it.
pub fn lock(key: LockKey, pid: i32) -> Result<()> {
    let l = locks();
    let deadline = Instant::now() + MAX_WAIT;
    let mut held = l.held.lock();
    while !acquire(&mut held, key, pid) {
        if l.released.wait_until(&mut held, deadline).timed_out() {
            return match acquire(&mut held, key, pid) {
                true => Ok(()),
                false => Err(Error::new("55P03", "canceling statement due to lock timeout")),
            };
        }
    }
    Ok(())
}

/// pg_advisory_unlock: releases one hold of the key; false when this session holds none.
pub fn unlock(key: LockKey, pid: i32) -> bool {
    let l = locks();
    let mut held = l.held.lock();
    let Some(entry) = held.get_mut(&key).filter(|(p, _)| *p == pid) else { return false };
    entry.1 -= 1;
    if entry.1 == 0 {
        held.remove(&key);
        l.released.notify_all();
    }
    true
}

/// pg_advisory_unlock_all, and a session's end: releases every key the session holds.
pub fn unlock_all(pid: i32) {
    let l = locks();
    let mut held = l.held.lock();
    let before = held.len();
    held.retain(|_, (p, _)| *p != pid);
    if held.len() != before {
        l.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_exclude_each_other_and_locks_are_reentrant() {
        let key = LockKey::One(-7_001);
        assert!(try_lock(key, 1) && try_lock(key, 1));
        assert!(!try_lock(key, 2));
        assert!(!unlock(key, 2));
        assert!(unlock(key, 1));
        assert!(!try_lock(key, 2), "still held once");
        assert!(unlock(key, 1));
        assert!(try_lock(key, 2));
        assert!(try_lock(LockKey::Two(-1, 0), 1), "two-key locks are a separate space");
        unlock_all(2);
        unlock_all(1);
        assert!(!unlock(key, 2));
    }

    #[test]
    fn a_waiting_session_gets_the_lock_when_it_is_released() {
        let key = LockKey::One(-7_002);
        lock(key, 11).unwrap();
        let waiter = std::thread::spawn(move || lock(key, 12).map(|_| try_lock(key, 11)));
        std::thread::sleep(Duration::from_millis(50));
        unlock_all(11);
        assert!(!waiter.join().unwrap().unwrap());
        unlock_all(12);
    }
}
