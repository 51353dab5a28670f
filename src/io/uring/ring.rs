//! The worker's ring: submissions, completions, and the operations tasks await.
//!
//! Each worker thread owns one ring (a thread-local). An [`Op`] pushes its submission when it
//! is created and is submitted with everything else pushed before the worker next waits
//! ([`submit`]): a connection's response and its next read go to the kernel in one
//! `io_uring_enter`, and that same call sleeps until a completion arrives. The ring is set up
//! with DEFER_TASKRUN and SINGLE_ISSUER: completions are worked only inside that wait, never
//! by interrupting the thread. The response and the read are linked, and the send posts no
//! completion when it succeeds, so a round trip wakes the worker once.
//!
//! The kernel owns a buffer while its operation is in flight. An `Op` dropped early (a
//! connection shut down mid-read) asks the kernel to cancel and leaves its buffer in the ring
//! until the cancellation completes. Other threads wake the worker through an eventfd whose
//! read is always pending on the ring.

use io_uring::{opcode, squeue, types, IoUring};
use slab::Slab;
use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Submission queue size; the completion queue is twice that, and a full submission queue is
/// flushed to the kernel before more are pushed.
const ENTRIES: u32 = 1024;
/// `user_data` of the pending eventfd read that wakes a sleeping worker.
const WAKE: u64 = u64::MAX;
/// `user_data` of cancellations, whose own completions carry nothing to deliver.
const CANCEL: u64 = u64::MAX - 1;
/// IORING_ENTER_GETEVENTS: work deferred completions (and wait for `want` of them).
const ENTER_GETEVENTS: u32 = 1;

thread_local! {
    static RING: RefCell<Option<Ring>> = const { RefCell::new(None) };
}

/// One operation's place in the ring, from submission until its result is collected.
struct Slot {
    state: State,
    /// A send that posts nothing when it succeeds, linked ahead of this receive: this receive
    /// completing settles it, with the given result (a full send).
    behind: Option<(usize, i32)>,
    /// The receive linked behind this quiet send, if any.
    ahead_of: Option<usize>,
}

impl Slot {
    /// A just-submitted operation, not linked to another.
    fn pending() -> Slot {
        Slot { state: State::Pending(None), behind: None, ahead_of: None }
    }
}

enum State {
    /// In flight; the waker of the task awaiting it, once polled.
    Pending(Option<Waker>),
    /// Completed with this result (a byte count or a negated errno), not yet collected.
    Done(i32),
    /// Its `Op` was dropped in flight; the buffer stays until the kernel is done with it.
    Abandoned { _buf: Vec<u8> },
}

struct Ring {
    uring: IoUring,
    slots: Slab<Slot>,
    wake_fd: RawFd,
    /// Target of the eventfd read; boxed so it never moves while the read is pending.
    wake_buf: Box<u64>,
    /// Whether the eventfd read is in flight.
    wake_armed: bool,
    /// Set by [`uninstall`]: the eventfd read is no longer re-armed.
    closing: bool,
}

/// A ring set up with DEFER_TASKRUN and SINGLE_ISSUER (Linux 6.1+; the linked send and
/// receive need 5.19's whole-buffer sends as well). An older kernel runs the tokio backend.
pub fn build() -> io::Result<IoUring> {
    IoUring::builder()
        .setup_cqsize(2 * ENTRIES)
        .setup_single_issuer()
        .setup_defer_taskrun()
        .build(ENTRIES)
        .map_err(|e| io::Error::new(e.kind(), format!("a ring with DEFER_TASKRUN (Linux 6.1 or later) could not be set up: {e}")))
}

/// Installs `uring` as this thread's ring, with `wake_fd` (an eventfd) as its wake-up.
pub fn install(uring: IoUring, wake_fd: RawFd) {
    let mut ring = Ring { uring, slots: Slab::new(), wake_fd, wake_buf: Box::new(0), wake_armed: false, closing: false };
    ring.arm_wake();
    RING.with_borrow_mut(|slot| *slot = Some(ring));
}

/// Submits what is pushed and, when `wait` is set, sleeps until a completion arrives.
pub fn submit(wait: bool) -> io::Result<()> {
    with_ring(|ring| ring.enter(u32::from(wait)))
}

/// Delivers every completion that has arrived to its awaiting task.
pub fn reap() {
    with_ring(Ring::reap)
}

/// Cancels what is still in flight, waits for the kernel to let go of every buffer, and
/// removes this thread's ring. Run after the last task is dropped.
pub fn uninstall() -> io::Result<()> {
    let Some(mut ring) = RING.with_borrow_mut(Option::take) else { return Ok(()) };
    ring.closing = true;
    ring.push(opcode::AsyncCancel::new(WAKE).build().user_data(CANCEL));
    let in_flight: Vec<u64> = ring.slots.iter().map(|(id, _)| id as u64).collect();
    for id in in_flight {
        ring.push(opcode::AsyncCancel::new(id).build().user_data(CANCEL));
    }
    while ring.wake_armed || ring.slots.iter().any(|(_, slot)| !matches!(slot.state, State::Done(_))) {
        ring.enter(1)?;
        ring.reap();
    }
    Ok(())
}

fn with_ring<R>(f: impl FnOnce(&mut Ring) -> R) -> R {
    RING.with_borrow_mut(|ring| f(ring.as_mut().expect("io_uring operation outside a ring worker")))
}

impl Ring {
    fn push(&mut self, entry: squeue::Entry) {
        // SAFETY: every buffer an entry points to is owned by its slot (or `wake_buf`) until
        // the entry's completion has been reaped.
        while unsafe { self.uring.submission().push(&entry) }.is_err() {
            self.enter(0).expect("io_uring submission failed");
        }
    }

    fn arm_wake(&mut self) {
        let read = opcode::Read::new(types::Fd(self.wake_fd), (&raw mut *self.wake_buf).cast(), 8);
        self.push(read.build().user_data(WAKE));
        self.wake_armed = true;
    }

    fn enter(&mut self, want: u32) -> io::Result<()> {
        let pushed = self.uring.submission().len() as u32;
        // SAFETY: plain io_uring_enter with no signal mask argument.
        match unsafe { self.uring.submitter().enter::<libc::sigset_t>(pushed, want, ENTER_GETEVENTS, None) } {
            Ok(_) => Ok(()),
            // Interrupted, or completions overflowed the queue: reap them and come back.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINTR | libc::EBUSY)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn reap(&mut self) {
        let mut completed = smallvec::SmallVec::<[(u64, i32); 16]>::new();
        loop {
            completed.extend(self.uring.completion().map(|cqe| (cqe.user_data(), cqe.result())));
            if completed.is_empty() {
                return;
            }
            for (data, result) in completed.drain(..) {
                self.complete(data, result);
            }
        }
    }

    fn complete(&mut self, data: u64, result: i32) {
        match data {
            CANCEL => {}
            // The eventfd was read, which also reset its count.
            WAKE if self.closing => self.wake_armed = false,
            WAKE => self.arm_wake(),
            id => self.settle(id as usize, result),
        }
    }

    /// Records `result` for operation `id` and wakes its task (or frees its buffer if nobody
    /// waits any more), and settles its linked partner: a quiet send completes only when it
    /// fails, and the kernel then cancels the receive behind it without a completion of its
    /// own; a receive completing means the quiet send ahead of it succeeded.
    fn settle(&mut self, id: usize, result: i32) {
        let slot = &mut self.slots[id];
        let (behind, ahead_of) = (slot.behind.take(), slot.ahead_of.take());
        match std::mem::replace(&mut slot.state, State::Done(result)) {
            State::Pending(waker) => waker.into_iter().for_each(Waker::wake),
            State::Abandoned { .. } => drop(self.slots.remove(id)),
            State::Done(_) => unreachable!("io_uring completed an operation twice"),
        }
        if let Some(recv) = ahead_of {
            self.slots[recv].behind = None;
            self.settle(recv, -libc::ECANCELED);
        }
        if let Some((send, sent)) = behind {
            self.slots[send].ahead_of = None;
            self.settle(send, sent);
        }
    }
}

/// An operation in flight: resolves to its result and the buffer it used.
pub struct Op {
    id: Option<usize>,
    buf: Option<Vec<u8>>,
}

impl Op {
    /// Receives into the spare capacity of `buf`.
    pub fn recv(fd: &impl AsRawFd, mut buf: Vec<u8>) -> Op {
        Op::submit(recv_entry(fd, &mut buf), buf)
    }

    /// Sends `buf[from..]`.
    pub fn send(fd: &impl AsRawFd, buf: Vec<u8>, from: usize) -> Op {
        Op::submit(send_entry(fd, &buf[from..]), buf)
    }

    /// Sends all of `out`, then receives into the spare capacity of `buf`, as two linked
    /// operations that post one completion: the receive's when the send succeeds (whole: the
    /// send retries a partial write itself), the send's when it fails or is cut short, which
    /// cancels the receive.
    pub fn send_then_recv(fd: &impl AsRawFd, out: Vec<u8>, mut buf: Vec<u8>) -> (Op, Op) {
        let send = send_entry(fd, &out).flags(squeue::Flags::IO_LINK | squeue::Flags::SKIP_SUCCESS);
        let recv = recv_entry(fd, &mut buf);
        let sent = out.len() as i32;
        let (send_id, recv_id) = with_ring(|ring| {
            let send_id = ring.slots.insert(Slot::pending());
            let recv_id = ring.slots.insert(Slot { behind: Some((send_id, sent)), ..Slot::pending() });
            ring.slots[send_id].ahead_of = Some(recv_id);
            ring.push(send.user_data(send_id as u64));
            ring.push(recv.user_data(recv_id as u64));
            (send_id, recv_id)
        });
        (Op { id: Some(send_id), buf: Some(out) }, Op { id: Some(recv_id), buf: Some(buf) })
    }

    fn submit(entry: squeue::Entry, buf: Vec<u8>) -> Op {
        let id = with_ring(|ring| {
            let id = ring.slots.insert(Slot::pending());
            ring.push(entry.user_data(id as u64));
            id
        });
        Op { id: Some(id), buf: Some(buf) }
    }
}

fn recv_entry(fd: &impl AsRawFd, buf: &mut Vec<u8>) -> squeue::Entry {
    let spare = buf.spare_capacity_mut();
    opcode::Recv::new(types::Fd(fd.as_raw_fd()), spare.as_mut_ptr().cast(), spare.len() as u32).build()
}

/// MSG_WAITALL makes io_uring send the whole buffer (retrying after a partial write) or fail.
fn send_entry(fd: &impl AsRawFd, bytes: &[u8]) -> squeue::Entry {
    opcode::Send::new(types::Fd(fd.as_raw_fd()), bytes.as_ptr(), bytes.len() as u32).flags(libc::MSG_NOSIGNAL | libc::MSG_WAITALL).build()
}

impl Future for Op {
    type Output = (io::Result<usize>, Vec<u8>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let id = self.id.expect("Op polled after it completed");
        let done = with_ring(|ring| match &mut ring.slots[id].state {
            State::Done(result) => {
                let result = *result;
                ring.slots.remove(id);
                Some(result)
            }
            State::Pending(waker) => {
                if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *waker = Some(cx.waker().clone());
                }
                None
            }
            State::Abandoned { .. } => unreachable!("a live Op's slot is never abandoned"),
        });
        let Some(result) = done else { return Poll::Pending };
        self.id = None;
        let result = if result < 0 { Err(io::Error::from_raw_os_error(-result)) } else { Ok(result as usize) };
        Poll::Ready((result, self.buf.take().expect("an Op's buffer is kept until it completes")))
    }
}

impl Drop for Op {
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        let buf = self.buf.take().unwrap_or_default();
        // A thread that is exiting has no ring left; the ring's own teardown cancelled this.
        let _ = RING.try_with(|ring| {
            let mut ring = ring.borrow_mut();
            let Some(ring) = ring.as_mut() else { return };
            let slot = &mut ring.slots[id];
            if let State::Done(_) = slot.state {
                ring.slots.remove(id);
            } else {
                slot.state = State::Abandoned { _buf: buf };
                ring.push(opcode::AsyncCancel::new(id as u64).build().user_data(CANCEL));
            }
        });
    }
}
