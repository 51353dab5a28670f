//! Server-wide state every connection shares: the session factory, the password credentials, the
//! connection limit, the cancel-key registry and the shutdown signal.

use super::auth::Credentials;
use crate::error::{sqlstate, Error, Result};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{watch, Notify};

pub struct Shared<F> {
    pub factory: F,
    pub credentials: Option<Credentials>,
    max_connections: usize,
    active: AtomicUsize,
    idle: Notify,
    next_pid: AtomicI32,
    cancels: Mutex<HashMap<i32, (i32, Arc<AtomicBool>)>>,
    shutdown: watch::Sender<bool>,
}

/// Holds one connection slot (and its cancel key) until dropped.
pub struct Admission<'a, F> {
    shared: &'a Shared<F>,
    pid: Option<i32>,
}

impl<F> Shared<F> {
    pub fn new(factory: F, credentials: Option<Credentials>, max_connections: usize) -> Self {
        Shared {
            factory,
            credentials,
            max_connections,
            active: AtomicUsize::new(0),
            idle: Notify::new(),
            next_pid: AtomicI32::new(std::process::id() as i32 & 0xffff),
            cancels: Mutex::new(HashMap::new()),
            shutdown: watch::channel(false).0,
        }
    }

    /// Takes a connection slot, or FATAL 53300 when `max_connections` are in use.
    pub fn admit(&self) -> Result<Admission<'_, F>> {
        let admission = Admission { shared: self, pid: None };
        if self.active.fetch_add(1, Ordering::AcqRel) >= self.max_connections {
            return Err(Error::new(sqlstate::TOO_MANY_CONNECTIONS, "sorry, too many clients already").fatal());
        }
        Ok(admission)
    }

    /// Sets the cancel flag of the session registered under (pid, secret), if any.
    pub fn cancel(&self, pid: i32, secret: i32) {
        if let Some((key, flag)) = self.cancels.lock().get(&pid) {
            if *key == secret {
                flag.store(true, Ordering::Release);
            }
        }
    }

    /// Asks every connection to finish and stops accepting new sessions.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn is_shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Resolves once no connection is open.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.active.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }

    pub fn active_connections(&self) -> usize {
        self.active.load(Ordering::Acquire)
    }
}

impl<F> Admission<'_, F> {
    /// Registers the session's cancel flag; returns the (pid, secret) for BackendKeyData.
    pub fn register_cancel(&mut self, flag: Arc<AtomicBool>) -> (i32, i32) {
        let pid = self.shared.next_pid.fetch_add(1, Ordering::Relaxed) & i32::MAX;
        let secret = rand::random::<i32>();
        self.shared.cancels.lock().insert(pid, (secret, flag));
        self.pid = Some(pid);
        (pid, secret)
    }
}

impl<F> Drop for Admission<'_, F> {
    fn drop(&mut self) {
        if let Some(pid) = self.pid {
            self.shared.cancels.lock().remove(&pid);
        }
        if self.shared.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_release() {
        let shared = Shared::new((), None, 1);
        let first = shared.admit().unwrap();
        let e = shared.admit().err().unwrap();
        assert_eq!((e.code, e.message.as_str()), (sqlstate::TOO_MANY_CONNECTIONS, "sorry, too many clients already"));
        drop(first);
        assert!(shared.admit().is_ok());
        assert_eq!(shared.active_connections(), 0);
    }

    #[test]
    fn cancel_needs_the_right_secret() {
        let shared = Shared::new((), None, 5);
        let mut a = shared.admit().unwrap();
        let flag = Arc::new(AtomicBool::new(false));
        let (pid, secret) = a.register_cancel(flag.clone());
        shared.cancel(pid, secret.wrapping_add(1));
        assert!(!flag.load(Ordering::Acquire));
        shared.cancel(pid, secret);
        assert!(flag.load(Ordering::Acquire));
    }
}
