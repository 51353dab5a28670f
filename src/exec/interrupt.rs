//! Why a running statement must stop early: a CancelRequest, or `statement_timeout`.
//!
//! The CancelRequest arrives on the acceptor thread, which sets the session's shared flag;
//! the deadline is set when a statement starts. The executor asks [`Interrupt::check`] for
//! every row a table scan produces (scans are where statements spend their time, joins and
//! subqueries included); the clock is read only every [`CLOCK_EVERY`] asks, so a scan pays
//! about a nanosecond per row for the timeout. Both errors are PostgreSQL's 57014.

use crate::error::{sqlstate, Error, Result};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLOCK_EVERY: u32 = 1024;

pub struct Interrupt {
    cancel: Arc<AtomicBool>,
    deadline: Option<Instant>,
    asks: AtomicU32,
}

impl Interrupt {
    pub fn new() -> Interrupt {
        Interrupt { cancel: Arc::new(AtomicBool::new(false)), deadline: None, asks: AtomicU32::new(0) }
    }

    /// The flag a CancelRequest sets.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// A statement starts: earlier cancels are forgotten (as in PostgreSQL, a cancel that
    /// arrives between statements does nothing) and the timeout, if any, starts counting.
    pub fn start(&mut self, timeout: Option<Duration>) {
        self.cancel.store(false, Ordering::Relaxed);
        self.deadline = timeout.map(|t| Instant::now() + t);
        self.asks.store(0, Ordering::Relaxed);
    }

    /// Err(57014) once the statement was cancelled or ran out of time.
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::new(sqlstate::QUERY_CANCELED, "canceling statement due to user request"));
        }
        if let Some(deadline) = self.deadline {
            if self.asks.fetch_add(1, Ordering::Relaxed) % CLOCK_EVERY == 0 && Instant::now() >= deadline {
                return Err(Error::new(sqlstate::QUERY_CANCELED, "canceling statement due to statement timeout"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_and_timeout() {
        let mut i = Interrupt::new();
        i.start(None);
        assert!(i.check().is_ok());
        i.cancel_flag().store(true, Ordering::Relaxed);
        assert_eq!(i.check().unwrap_err().message, "canceling statement due to user request");
        i.start(Some(Duration::from_millis(20)));
        assert!(i.check().is_ok(), "a new statement forgets the old cancel");
        std::thread::sleep(Duration::from_millis(25));
        let e = (0..=CLOCK_EVERY).find_map(|_| i.check().err()).expect("the deadline is seen within CLOCK_EVERY asks");
        assert_eq!((e.code, e.message.as_str()), (sqlstate::QUERY_CANCELED, "canceling statement due to statement timeout"));
        i.start(None);
        assert!((0..=CLOCK_EVERY).all(|_| i.check().is_ok()));
    }
}
