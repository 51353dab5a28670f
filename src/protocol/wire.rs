//! A connection's buffered byte stream: the transport plus reusable input and output buffers.
//!
//! Reads land in a scratch buffer (owned, so io_uring can hold it) and are appended to the
//! input `BytesMut`, from which complete frames are split off without copying. Responses
//! accumulate in `out` and leave in one write per batch of input.

use crate::error::{Error, Result};
use crate::io::transport::Transport;
use bytes::BytesMut;

/// SQLSTATE 08006 connection_failure (not in `error::sqlstate`, only this layer uses it).
const CONNECTION_FAILURE: &str = "08006";
const READ_CHUNK: usize = 16 * 1024;
/// Past this many pending output bytes a long result is written out mid-batch.
pub const FLUSH_THRESHOLD: usize = 256 * 1024;

pub struct Wire<T> {
    transport: T,
    pub input: BytesMut,
    scratch: Vec<u8>,
    pub out: Vec<u8>,
}

impl<T: Transport> Wire<T> {
    pub fn new(transport: T) -> Self {
        Wire { transport, input: BytesMut::with_capacity(READ_CHUNK), scratch: Vec::with_capacity(READ_CHUNK), out: Vec::with_capacity(READ_CHUNK) }
    }

    /// A connection handed over from another thread with input it already buffered.
    pub fn with_input(transport: T, input: BytesMut) -> Self {
        Wire { input, ..Wire::new(transport) }
    }

    /// The transport and any input not consumed yet (for handing a connection over).
    pub fn into_parts(self) -> (T, BytesMut) {
        (self.transport, self.input)
    }

    /// Reads once more from the socket into `input`. End of stream is an error (the client
    /// went away), which closes the connection quietly.
    pub async fn fill(&mut self) -> Result<()> {
        let scratch = self.take_scratch();
        let read = self.transport.read(scratch).await;
        self.absorb(read)
    }

    /// Writes everything in `out` with one write, keeping the buffer for reuse.
    pub async fn flush(&mut self) -> Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        let written = self.transport.write_all(out).await;
        self.restore_out(written)
    }

    /// [`Self::flush`] then [`Self::fill`], which the transport may overlap.
    pub async fn flush_and_fill(&mut self) -> Result<()> {
        if self.out.is_empty() {
            return self.fill().await;
        }
        let (out, scratch) = (std::mem::take(&mut self.out), self.take_scratch());
        let (written, read) = self.transport.write_then_read(out, scratch).await;
        self.restore_out(written)?;
        self.absorb(read)
    }

    fn take_scratch(&mut self) -> Vec<u8> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.reserve(READ_CHUNK);
        scratch
    }

    /// Appends what a read brought to `input` and keeps its buffer.
    fn absorb(&mut self, (res, scratch): (std::io::Result<usize>, Vec<u8>)) -> Result<()> {
        let n = res.map_err(|e| closed(&e.to_string()))?;
        if n == 0 {
            return Err(closed("end of stream"));
        }
        self.input.extend_from_slice(&scratch[..n]);
        self.scratch = scratch;
        Ok(())
    }

    fn restore_out(&mut self, (res, mut out): (std::io::Result<()>, Vec<u8>)) -> Result<()> {
        out.clear();
        self.out = out;
        res.map_err(|e| closed(&e.to_string()))
    }

    /// Makes sure `n` bytes are buffered in `input`.
    pub async fn fill_to(&mut self, n: usize) -> Result<()> {
        while self.input.len() < n {
            self.fill().await?;
        }
        Ok(())
    }
}

/// The error for a connection the client has dropped; nothing is sent back.
pub fn closed(why: &str) -> Error {
    Error::new(CONNECTION_FAILURE, format!("connection closed: {why}")).fatal()
}

/// True for errors that mean the socket is gone (no ErrorResponse can be delivered).
pub fn is_closed(e: &Error) -> bool {
    e.code == CONNECTION_FAILURE
}
