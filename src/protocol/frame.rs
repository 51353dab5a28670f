//! Splitting the input stream into frontend messages.
//!
//! The length word is checked here (under 4 or over 1 GiB is a FATAL protocol violation),
//! then the complete frame is split off the input buffer (zero-copy) and handed to pgwire's
//! decoder on its own, so a malformed body can never read into the next message. pgwire's
//! decoders index the buffer without bounds checks, so a truncated body panics inside the
//! isolated frame; that panic is caught and reported as a malformed message.

use crate::error::{sqlstate, Error, Result};
use bytes::BytesMut;
use pgwire::messages::{DecodeContext, PgWireFrontendMessage, ProtocolVersion};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Largest message body PostgreSQL accepts (1 GiB).
pub const MAX_MESSAGE_LEN: usize = 1 << 30;

/// The protocol-violation error that ends the connection.
pub fn violation(message: impl Into<String>) -> Error {
    Error::new(sqlstate::PROTOCOL_VIOLATION, message).fatal()
}

/// Validates a length word (which counts itself) against PostgreSQL's limits.
pub fn check_len(len: i32) -> Result<usize> {
    if len < 4 || len as usize > MAX_MESSAGE_LEN {
        return Err(violation(format!("invalid message length {len}")));
    }
    Ok(len as usize)
}

/// Splits the next complete typed message off `buf`, or `None` if it has not all arrived.
pub fn next_frame(buf: &mut BytesMut) -> Result<Option<BytesMut>> {
    if buf.len() < 5 {
        return Ok(None);
    }
    let len = check_len(i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]))?;
    // Memory grows only as bytes arrive: a declared length reserves nothing up front.
    if buf.len() < len + 1 {
        return Ok(None);
    }
    Ok(Some(buf.split_to(len + 1)))
}

/// Decodes one complete typed frame with pgwire.
pub fn decode(mut frame: BytesMut) -> Result<PgWireFrontendMessage> {
    let tag = frame[0];
    let ctx = decode_context();
    let decoded = catch_unwind(AssertUnwindSafe(|| PgWireFrontendMessage::decode(&mut frame, &ctx)));
    match decoded {
        Ok(Ok(Some(message))) => Ok(message),
        Ok(Err(pgwire::error::PgWireError::InvalidMessageType(t))) => Err(violation(format!("invalid frontend message type {t}"))),
        _ => Err(violation(format!("invalid message format (message type '{}')", tag as char))),
    }
}

fn decode_context() -> DecodeContext {
    let mut ctx = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
    ctx.awaiting_frontend_ssl = false;
    ctx.awaiting_frontend_startup = false;
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_complete_frames() {
        let mut buf = BytesMut::from(&b"Q\0\0\0\x0dSELECT 1\0S\0\0"[..]);
        let frame = next_frame(&mut buf).unwrap().unwrap();
        assert!(matches!(decode(frame).unwrap(), PgWireFrontendMessage::Query(q) if q.query == "SELECT 1"));
        assert!(next_frame(&mut buf).unwrap().is_none());
        buf.extend_from_slice(b"\0\x04");
        assert!(matches!(decode(next_frame(&mut buf).unwrap().unwrap()).unwrap(), PgWireFrontendMessage::Sync(_)));
        assert!(buf.is_empty());
    }

    #[test]
    fn rejects_bad_lengths() {
        for len in [0i32, 3, -1, (MAX_MESSAGE_LEN as i32) + 1] {
            let mut buf = BytesMut::from(&b"Q"[..]);
            buf.extend_from_slice(&len.to_be_bytes());
            let e = next_frame(&mut buf).unwrap_err();
            assert_eq!(e.code, sqlstate::PROTOCOL_VIOLATION);
            assert_eq!(e.severity, crate::error::Severity::Fatal);
        }
    }

    #[test]
    fn rejects_unknown_types_and_truncated_bodies() {
        let e = decode(BytesMut::from(&b"x\0\0\0\x04"[..])).unwrap_err();
        assert_eq!(e.message, "invalid frontend message type 120");
        // A Bind whose body ends before its parameter count.
        let e = decode(BytesMut::from(&b"B\0\0\0\x06\0\0"[..])).unwrap_err();
        assert_eq!(e.code, sqlstate::PROTOCOL_VIOLATION);
    }
}
