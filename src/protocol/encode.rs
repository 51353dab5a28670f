//! Backend message encoding straight into the connection's reusable output buffer.
//!
//! Every message is `tag, int32 length, body`; [`begin`] writes the tag and a length
//! placeholder, [`finish`] patches the length in, so no message needs a buffer of its own.
//! Encoding the hot messages (DataRow, CommandComplete, ...) here instead of through pgwire's
//! owned message structs keeps the per-row path free of allocations.

use crate::error::Error;
use crate::exec::Column;

/// Starts a message: writes the tag and a length placeholder, returns where the length sits.
pub fn begin(out: &mut Vec<u8>, tag: u8) -> usize {
    out.push(tag);
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    at
}

/// Patches the length of the message begun at `at` (the length counts itself, not the tag).
pub fn finish(out: &mut [u8], at: usize) {
    let len = (out.len() - at) as u32;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
}

pub fn cstr(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

pub fn i16(out: &mut Vec<u8>, v: i16) {
    out.extend_from_slice(&v.to_be_bytes());
}

pub fn i32(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// A message with an empty body: ParseComplete '1', BindComplete '2', CloseComplete '3',
/// NoData 'n', PortalSuspended 's', EmptyQueryResponse 'I'.
pub fn empty(out: &mut Vec<u8>, tag: u8) {
    let at = begin(out, tag);
    finish(out, at);
}

/// Authentication request 'R' with its code and optional payload (SASL data).
pub fn authentication(out: &mut Vec<u8>, code: i32, payload: &[u8]) {
    let at = begin(out, b'R');
    i32(out, code);
    out.extend_from_slice(payload);
    finish(out, at);
}

pub fn parameter_status(out: &mut Vec<u8>, name: &str, value: &str) {
    let at = begin(out, b'S');
    cstr(out, name);
    cstr(out, value);
    finish(out, at);
}

pub fn backend_key_data(out: &mut Vec<u8>, pid: i32, secret: i32) {
    let at = begin(out, b'K');
    i32(out, pid);
    i32(out, secret);
    finish(out, at);
}

pub fn ready_for_query(out: &mut Vec<u8>, status: u8) {
    let at = begin(out, b'Z');
    out.push(status);
    finish(out, at);
}

pub fn command_complete(out: &mut Vec<u8>, tag: &str) {
    let at = begin(out, b'C');
    cstr(out, tag);
    finish(out, at);
}

/// NegotiateProtocolVersion: the newest minor version we speak and the options we ignored.
pub fn negotiate_protocol_version(out: &mut Vec<u8>, minor: i32, unrecognized: &[String]) {
    let at = begin(out, b'v');
    i32(out, minor);
    i32(out, unrecognized.len() as i32);
    for option in unrecognized {
        cstr(out, option);
    }
    finish(out, at);
}

/// RowDescription; `format(i)` is the wire format (0 text, 1 binary) of column i.
pub fn row_description(out: &mut Vec<u8>, columns: &[Column], format: impl Fn(usize) -> i16) {
    let at = begin(out, b'T');
    i16(out, columns.len() as i16);
    for (i, c) in columns.iter().enumerate() {
        cstr(out, &c.name);
        i32(out, c.table_oid as i32);
        i16(out, c.column_id);
        i32(out, c.data_type.oid() as i32);
        i16(out, c.data_type.typlen());
        i32(out, c.data_type.typmod());
        i16(out, format(i));
    }
    finish(out, at);
}

pub fn parameter_description(out: &mut Vec<u8>, oids: impl ExactSizeIterator<Item = u32>) {
    let at = begin(out, b't');
    i16(out, oids.len() as i16);
    for oid in oids {
        i32(out, oid as i32);
    }
    finish(out, at);
}

/// ErrorResponse with every field `Error` carries (S, V, C, M, D, H, P).
pub fn error_response(out: &mut Vec<u8>, e: &Error) {
    let at = begin(out, b'E');
    let severity = e.severity.as_str();
    for (field, value) in [(b'S', severity), (b'V', severity), (b'C', e.code), (b'M', e.message.as_str())] {
        out.push(field);
        cstr(out, value);
    }
    for (field, value) in [(b'D', &e.detail), (b'H', &e.hint)] {
        if let Some(value) = value {
            out.push(field);
            cstr(out, value);
        }
    }
    if let Some(position) = e.position {
        out.push(b'P');
        cstr(out, &position.to_string());
    }
    out.push(0);
    finish(out, at);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::sqlstate;
    use crate::types::DataType;

    #[test]
    fn command_complete_bytes() {
        let mut out = Vec::new();
        command_complete(&mut out, "SELECT 1");
        assert_eq!(out, b"C\0\0\0\x0dSELECT 1\0");
    }

    #[test]
    fn row_description_carries_type_metadata() {
        let mut out = Vec::new();
        let col = Column { name: "v".into(), data_type: DataType::Varchar(Some(10)), table_oid: 16384, column_id: 2 };
        row_description(&mut out, &[col], |_| 1);
        let mut want = b"T\0\0\0\x1a\0\x01v\0".to_vec();
        want.extend_from_slice(&16384i32.to_be_bytes());
        want.extend_from_slice(&2i16.to_be_bytes());
        want.extend_from_slice(&1043i32.to_be_bytes());
        want.extend_from_slice(&(-1i16).to_be_bytes());
        want.extend_from_slice(&14i32.to_be_bytes());
        want.extend_from_slice(&1i16.to_be_bytes());
        assert_eq!(out, want);
    }

    #[test]
    fn error_response_fields() {
        let mut out = Vec::new();
        let e = Error::new(sqlstate::UNDEFINED_TABLE, "relation \"t\" does not exist").with_position(15);
        error_response(&mut out, &e);
        let body = &out[5..];
        assert_eq!(body, b"SERROR\0VERROR\0C42P01\0Mrelation \"t\" does not exist\0P15\0\0");
        assert_eq!(u32::from_be_bytes(out[1..5].try_into().unwrap()) as usize, out.len() - 1);
    }
}
