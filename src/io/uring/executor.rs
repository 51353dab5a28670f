//! A single-threaded executor that sleeps in the ring.
//!
//! Tasks live in a slab on the worker thread and are never moved to another. A task's waker
//! pushes its id on the ready queue, from any thread; a waker on another thread (the acceptor
//! handing over a connection, the journal's flusher finishing a sync, shutdown) also writes
//! the worker's eventfd if the worker is asleep, which completes the read pending on the ring.
//! When nothing is ready, the worker submits and sleeps in one `io_uring_enter`.

use super::ring;
use parking_lot::Mutex;
use slab::Slab;
use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// The id the future given to [`block_on`] wakes with.
const MAIN: usize = usize::MAX;

type Task = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    /// Spawned tasks; a slot is `None` while its task is being polled.
    static TASKS: RefCell<Slab<Option<(Task, Waker)>>> = RefCell::new(Slab::new());
    static QUEUE: RefCell<Option<Arc<Queue>>> = const { RefCell::new(None) };
}

/// The ready queue, shared with every waker.
struct Queue {
    ready: Mutex<Vec<usize>>,
    /// Set while the worker is (about to be) asleep in the ring.
    sleeping: AtomicBool,
    wake_fd: OwnedFd,
}

impl Queue {
    fn push(&self, id: usize) {
        self.ready.lock().push(id);
        if self.sleeping.swap(false, Ordering::SeqCst) {
            let one = 1u64;
            // SAFETY: an 8-byte write from a live u64 to our eventfd. It cannot fail short of
            // overflowing the count, and a lost wake-up there still leaves the count readable.
            unsafe { libc::write(self.wake_fd.as_raw_fd(), (&raw const one).cast(), 8) };
        }
    }
}

struct TaskWaker {
    id: usize,
    queue: Arc<Queue>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.queue.push(self.id);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.queue.push(self.id);
    }
}

/// Runs `main` and the tasks it spawns on this thread until `main` completes, then drops the
/// tasks still running and tears the ring down.
pub fn block_on<F: Future>(uring: io_uring::IoUring, main: F) -> io::Result<F::Output> {
    // SAFETY: eventfd returns a new descriptor that nothing else owns, or -1.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created and is owned here alone.
    let queue = Arc::new(Queue { ready: Mutex::new(vec![MAIN]), sleeping: AtomicBool::new(false), wake_fd: unsafe { OwnedFd::from_raw_fd(fd) } });
    ring::install(uring, fd);
    QUEUE.with_borrow_mut(|q| *q = Some(queue.clone()));
    let output = run(&queue, main);
    TASKS.with_borrow_mut(std::mem::take);
    QUEUE.with_borrow_mut(Option::take);
    ring::uninstall()?;
    output
}

fn run<F: Future>(queue: &Arc<Queue>, main: F) -> io::Result<F::Output> {
    let mut main = std::pin::pin!(main);
    let main_waker = Waker::from(Arc::new(TaskWaker { id: MAIN, queue: queue.clone() }));
    let mut ready = Vec::new();
    loop {
        std::mem::swap(&mut ready, &mut *queue.ready.lock());
        for id in ready.drain(..) {
            if id == MAIN {
                if let Poll::Ready(output) = main.as_mut().poll(&mut Context::from_waker(&main_waker)) {
                    return Ok(output);
                }
            } else {
                poll_task(id);
            }
        }
        queue.sleeping.store(true, Ordering::SeqCst);
        let idle = queue.ready.lock().is_empty();
        ring::submit(idle)?;
        queue.sleeping.store(false, Ordering::SeqCst);
        ring::reap();
    }
}

/// Polls task `id` if it still exists (a stale wake-up of a finished task is ignored; one that
/// reaches a newer task in the same slot only polls it once more than needed). A task that
/// panics ends there, as a tokio task would: its connection closes, the worker and its other
/// connections go on (the panic hook has already reported it).
fn poll_task(id: usize) {
    let Some((mut task, waker)) = TASKS.with_borrow_mut(|tasks| tasks.get_mut(id).and_then(Option::take)) else { return };
    let polled = std::panic::catch_unwind(AssertUnwindSafe(|| task.as_mut().poll(&mut Context::from_waker(&waker))));
    let done = polled.map_or(true, |poll| poll.is_ready());
    TASKS.with_borrow_mut(|tasks| {
        if done {
            tasks.remove(id);
        } else {
            tasks[id] = Some((task, waker))
        }
    });
}

/// Starts `task` on this worker's executor.
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    let queue = QUEUE.with_borrow(|q| q.clone()).expect("spawn outside a ring worker");
    let id = TASKS.with_borrow_mut(|tasks| {
        let entry = tasks.vacant_entry();
        let id = entry.key();
        let waker = Waker::from(Arc::new(TaskWaker { id, queue: queue.clone() }));
        entry.insert(Some((Box::pin(task), waker)));
        id
    });
    queue.push(id);
}
