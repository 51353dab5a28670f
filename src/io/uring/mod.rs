//! The Linux io_uring backend: one worker thread per core, each with its own ring and a small
//! executor (`executor`) that runs the connections the acceptor (`io::acceptor`) deals it.
//! Socket reads and writes are io_uring operations (`ring`) on owned, reused buffers; a
//! connection's response and its next read are submitted together, and the worker sleeps in
//! that same `io_uring_enter`. A connection never moves between threads, so its future need
//! not be `Send`.
//!
//! The ring is driven directly (the `io-uring` crate) rather than through tokio-uring, which
//! sleeps in epoll on the ring's descriptor: that costs an extra system call and wake-up path
//! per round trip and rules out DEFER_TASKRUN. docs/performance.md has the measurements.

mod executor;
mod ring;

use super::acceptor::{serve_with_workers, Handoff, SharedState};
use super::transport::{Transport, Written};
use crate::protocol::connection::resume;
use crate::protocol::wire::Wire;
use ring::Op;
use std::io;
use std::net::TcpStream;
use tokio::sync::mpsc::UnboundedReceiver;

pub struct UringTransport(TcpStream);

impl UringTransport {
    /// Waits for `send` (of `buf[from..]`) and sends whatever a short write left.
    async fn finish_send(&self, mut send: Op, mut from: usize) -> (io::Result<()>, Vec<u8>) {
        loop {
            let (result, buf) = send.await;
            match result {
                Ok(0) => return (Err(io::ErrorKind::WriteZero.into()), buf),
                Ok(n) if from + n < buf.len() => from += n,
                Ok(_) => return (Ok(()), buf),
                Err(e) => return (Err(e), buf),
            }
            send = Op::send(&self.0, buf, from);
        }
    }
}

impl Transport for UringTransport {
    async fn read(&mut self, buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>) {
        filled(Op::recv(&self.0, buf).await)
    }

    async fn write_all(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        self.finish_send(Op::send(&self.0, buf, 0), 0).await
    }

    async fn write_then_read(&mut self, out: Vec<u8>, buf: Vec<u8>) -> Written {
        let len = out.len();
        let (send, recv) = Op::send_then_recv(&self.0, out, buf);
        let ((sent, out), read) = tokio::join!(send, recv);
        match sent {
            Ok(n) if n == len => ((Ok(()), out), filled(read)),
            // Cut short (the receive was cancelled with it): send the rest, then receive.
            Ok(n) => {
                let written = self.finish_send(Op::send(&self.0, out, n), n).await;
                if written.0.is_err() {
                    return (written, read);
                }
                (written, self.read(read.1).await)
            }
            Err(e) => ((Err(e), out), read),
        }
    }
}

/// A completed receive: the bytes it wrote into the spare capacity become part of the buffer.
fn filled((result, mut buf): (io::Result<usize>, Vec<u8>)) -> (io::Result<usize>, Vec<u8>) {
    if let Ok(n) = result {
        // SAFETY: the kernel initialised `n` bytes of the spare capacity the receive was given.
        unsafe { buf.set_len(buf.len() + n) };
    }
    (result, buf)
}

/// Whether this kernel lets us create a ring (seccomp, old kernels and
/// `kernel.io_uring_disabled` refuse), with the reason when it does not.
pub fn probe() -> Result<(), String> {
    ring::build().map(drop).map_err(|e| e.to_string())
}

/// Serves `listener` with `threads` io_uring workers until shutdown, then waits for every
/// connection to end. Blocks the calling thread.
pub fn serve(listener: std::net::TcpListener, shared: SharedState, threads: usize) -> io::Result<()> {
    serve_with_workers(listener, shared, threads, worker)
}

fn worker(mut connections: UnboundedReceiver<Handoff>, shared: SharedState) -> io::Result<()> {
    executor::block_on(ring::build()?, async move {
        while let Some(handoff) = connections.recv().await {
            // io_uring honours O_NONBLOCK (it would return EAGAIN), so the socket goes back to blocking.
            if handoff.stream.set_nonblocking(false).is_err() {
                continue;
            }
            let shared = shared.clone();
            executor::spawn(async move { resume(Wire::with_input(UringTransport(handoff.stream), handoff.input), &shared, &handoff.params).await });
        }
        shared.wait_idle().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener};
    use std::time::Duration;

    /// A connected pair: our end (blocking, as the worker sets it) and the peer's.
    fn pair() -> (UringTransport, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (ours, _) = listener.accept().unwrap();
        peer.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        (UringTransport(ours), peer)
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        executor::block_on(ring::build().unwrap(), f).unwrap()
    }

    #[test]
    fn response_then_request_round_trips() {
        let (mut ours, mut peer) = pair();
        let echo = std::thread::spawn(move || {
            for _ in 0..3 {
                let mut got = [0u8; 5];
                peer.read_exact(&mut got).unwrap();
                peer.write_all(&got.map(|b| b.to_ascii_uppercase())).unwrap();
            }
        });
        run(async {
            let mut buf = Vec::with_capacity(64);
            for word in ["alpha", "bravo", "delta"] {
                let ((written, out), (read, filled)) = ours.write_then_read(word.as_bytes().to_vec(), buf).await;
                written.unwrap();
                assert_eq!(out, word.as_bytes(), "the sent buffer comes back intact");
                let n = read.unwrap();
                assert_eq!(&filled[filled.len() - n..], word.to_uppercase().as_bytes());
                buf = filled;
                buf.clear();
            }
        });
        echo.join().unwrap();
    }

    #[test]
    fn a_send_larger_than_the_socket_buffer_arrives_whole_before_the_read() {
        let (mut ours, mut peer) = pair();
        let big: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
        let expected = big.clone();
        let reader = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50)); // let the send fill the buffers first
            let mut got = vec![0u8; expected.len()];
            peer.read_exact(&mut got).unwrap();
            assert!(got == expected, "the bytes arrive in order, none lost");
            peer.write_all(b"ok").unwrap();
        });
        let ((written, _), (read, buf)) = run(ours.write_then_read(big, Vec::with_capacity(16)));
        written.unwrap();
        assert_eq!((read.unwrap(), buf.as_slice()), (2, &b"ok"[..]));
        reader.join().unwrap();
    }

    #[test]
    fn a_failed_send_cancels_its_read_and_reports_the_send_error() {
        let (mut ours, _peer) = pair();
        ours.0.shutdown(Shutdown::Write).unwrap();
        let ((written, out), (read, _)) = run(ours.write_then_read(b"late".to_vec(), Vec::with_capacity(16)));
        assert_eq!(written.unwrap_err().raw_os_error(), Some(libc::EPIPE));
        assert_eq!(out, b"late");
        assert_eq!(read.unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    }

    #[test]
    fn a_read_dropped_in_flight_is_cancelled_and_the_worker_still_ends() {
        let (mut ours, mut peer) = pair();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        // Another thread ends the wait: the wake-up crosses threads through the eventfd.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            tx.send(()).unwrap();
        });
        run(async {
            tokio::select! {
                _ = ours.write_then_read(b"ping".to_vec(), Vec::with_capacity(16)) => panic!("nothing was sent back"),
                _ = rx => {}
            }
        });
        let mut got = [0u8; 4];
        peer.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"ping", "the send went out before the read was dropped");
        // The socket is still usable: the cancelled read took nothing.
        peer.write_all(b"pong").unwrap();
        let (read, buf) = run(ours.read(Vec::with_capacity(16)));
        assert_eq!((read.unwrap(), buf.as_slice()), (4, &b"pong"[..]));
    }

    #[test]
    fn a_panicking_task_ends_alone() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let done = run(async move {
            executor::spawn(async { panic!("a bug in one connection") });
            executor::spawn(async move { tx.send(7).unwrap() });
            rx.await.unwrap()
        });
        assert_eq!(done, 7);
    }

    #[test]
    fn spawned_tasks_run_to_completion_and_wake_each_other() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let done = run(async move {
            executor::spawn(async move { tx.send(42).unwrap() });
            rx.await.unwrap()
        });
        assert_eq!(done, 42);
    }
}
