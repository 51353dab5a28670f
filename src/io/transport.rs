//! The byte stream a connection runs on, with owned buffers so io_uring fits.
//!
//! io_uring needs the kernel to own a buffer while a read or write is in flight, so the calls
//! take the buffer and hand it back; the tokio backend simply borrows it. The futures need not
//! be `Send`: each backend runs a connection on one thread.

use std::io;

/// A connected client socket.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Reads into the spare capacity of `buf` (appending after `buf.len()`); returns the number
    /// of bytes read (0 at end of stream) and the buffer.
    async fn read(&mut self, buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>);

    /// Writes all of `buf` and returns it for reuse.
    async fn write_all(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>);

    /// [`Self::write_all`] of `out`, then [`Self::read`] into `buf`. A backend may submit both
    /// at once: io_uring links them in one system call, which saves a wake-up per
    /// request-response round.
    async fn write_then_read(&mut self, out: Vec<u8>, buf: Vec<u8>) -> Written {
        let written = self.write_all(out).await;
        if written.0.is_err() {
            return (written, (Ok(0), buf));
        }
        (written, self.read(buf).await)
    }
}

/// What [`Transport::write_then_read`] gives back: each call's result and buffer.
pub type Written = ((io::Result<()>, Vec<u8>), (io::Result<usize>, Vec<u8>));

#[cfg(test)]
pub mod mock {
    //! An in-memory transport for protocol tests: scripted input chunks, captured output.
    use super::*;
    use std::collections::VecDeque;

    #[derive(Default)]
    pub struct MockTransport {
        pub input: VecDeque<Vec<u8>>,
        pub output: Vec<u8>,
        /// Number of write calls, to prove batching.
        pub writes: usize,
    }

    impl Transport for MockTransport {
        async fn read(&mut self, mut buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>) {
            let chunk = self.input.pop_front().unwrap_or_default();
            buf.extend_from_slice(&chunk);
            (Ok(chunk.len()), buf)
        }

        async fn write_all(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
            self.output.extend_from_slice(&buf);
            self.writes += 1;
            (Ok(()), buf)
        }
    }
}
