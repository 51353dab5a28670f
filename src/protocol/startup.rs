//! The untyped startup phase: SSLRequest / GSSENCRequest (answered 'N'), CancelRequest and
//! the StartupMessage with its parameters.
//!
//! These packets carry no type byte, so they are read here by hand rather than by pgwire's
//! decoder (whose state flags would add nothing): `int32 length, int32 code, body`.

use super::encode;
use super::frame::violation;
use super::wire::Wire;
use crate::error::{sqlstate, Error, Result};
use crate::io::transport::Transport;

const SSL_REQUEST: i32 = 80877103;
const GSSENC_REQUEST: i32 = 80877104;
const CANCEL_REQUEST: i32 = 80877102;
const MAX_STARTUP_LEN: usize = 10000;

/// What a new connection asked for.
#[derive(Debug, PartialEq)]
pub enum Startup {
    Connect(Vec<(String, String)>),
    Cancel { pid: i32, secret: i32 },
}

/// Reads packets until a StartupMessage or CancelRequest arrives; answers encryption
/// requests with 'N' and a newer 3.x minor version with NegotiateProtocolVersion.
pub async fn negotiate<T: Transport>(wire: &mut Wire<T>) -> Result<Startup> {
    loop {
        let packet = read_packet(wire).await?;
        let code = be_i32(&packet[0..4]);
        match code {
            SSL_REQUEST | GSSENC_REQUEST => {
                wire.out.push(b'N');
                wire.flush().await?;
            }
            CANCEL_REQUEST if packet.len() == 12 => return Ok(Startup::Cancel { pid: be_i32(&packet[4..8]), secret: be_i32(&packet[8..12]) }),
            _ => return connect(wire, code, &packet[4..]),
        }
    }
}

fn connect<T: Transport>(wire: &mut Wire<T>, code: i32, body: &[u8]) -> Result<Startup> {
    let (major, minor) = (code >> 16, code & 0xffff);
    if major != 3 {
        return Err(Error::new(
            sqlstate::FEATURE_NOT_SUPPORTED,
            format!("unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0"),
        )
        .fatal());
    }
    let params = parse_params(body)?;
    let unrecognized: Vec<String> = params.iter().filter(|(k, _)| k.starts_with("_pq_.")).map(|(k, _)| k.clone()).collect();
    if minor > 0 || !unrecognized.is_empty() {
        encode::negotiate_protocol_version(&mut wire.out, 0, &unrecognized);
    }
    if !params.iter().any(|(k, _)| k == "user") {
        return Err(Error::new(sqlstate::INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet").fatal());
    }
    Ok(Startup::Connect(params.into_iter().filter(|(k, _)| !k.starts_with("_pq_.")).collect()))
}

/// Parses `name\0value\0 ... \0`.
fn parse_params(body: &[u8]) -> Result<Vec<(String, String)>> {
    let invalid = || violation("invalid startup packet layout: expected terminator as last byte");
    let (last, body) = body.split_last().ok_or_else(invalid)?;
    if *last != 0 {
        return Err(invalid());
    }
    let Some(body) = body.strip_suffix(b"\0") else {
        return if body.is_empty() { Ok(Vec::new()) } else { Err(invalid()) };
    };
    let strings: Vec<&[u8]> = body.split(|b| *b == 0).collect();
    if strings.len() % 2 != 0 {
        return Err(invalid());
    }
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| violation("invalid startup packet: parameters must be UTF-8"));
    strings.chunks(2).map(|kv| Ok((text(kv[0])?, text(kv[1])?))).collect()
}

/// Reads one length-prefixed startup packet and returns its body (code included).
async fn read_packet<T: Transport>(wire: &mut Wire<T>) -> Result<Vec<u8>> {
    wire.fill_to(4).await?;
    let len = be_i32(&wire.input[0..4]);
    if len < 8 || len as usize > MAX_STARTUP_LEN {
        return Err(violation("invalid length of startup packet"));
    }
    wire.fill_to(len as usize).await?;
    let packet = wire.input.split_to(len as usize);
    Ok(packet[4..].to_vec())
}

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::transport::mock::MockTransport;

    fn packet(code: i32, body: &[u8]) -> Vec<u8> {
        let mut p = ((body.len() + 8) as i32).to_be_bytes().to_vec();
        p.extend_from_slice(&code.to_be_bytes());
        p.extend_from_slice(body);
        p
    }

    fn run(chunks: Vec<Vec<u8>>) -> (Result<Startup>, Vec<u8>) {
        let mut wire = Wire::new(MockTransport { input: chunks.into(), ..Default::default() });
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let result = rt.block_on(negotiate(&mut wire));
        let _ = rt.block_on(wire.flush());
        (result, wire.into_parts().0.output)
    }

    #[test]
    fn ssl_then_startup_split_across_reads() {
        let start = packet(196608, b"user\0alice\0database\0db\0\0");
        let (a, b) = start.split_at(7);
        let (result, out) = run(vec![packet(SSL_REQUEST, b""), packet(GSSENC_REQUEST, b""), a.to_vec(), b.to_vec()]);
        assert_eq!(out, b"NN");
        let want = vec![("user".to_string(), "alice".to_string()), ("database".to_string(), "db".to_string())];
        assert_eq!(result.unwrap(), Startup::Connect(want));
    }

    #[test]
    fn cancel_request() {
        let mut body = 42i32.to_be_bytes().to_vec();
        body.extend_from_slice(&7i32.to_be_bytes());
        assert_eq!(run(vec![packet(CANCEL_REQUEST, &body)]).0.unwrap(), Startup::Cancel { pid: 42, secret: 7 });
    }

    #[test]
    fn bad_versions_and_lengths() {
        let e = run(vec![packet(2 << 16, b"user\0a\0\0")]).0.unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (sqlstate::FEATURE_NOT_SUPPORTED, "unsupported frontend protocol 2.0: server supports 3.0 to 3.0"));
        let e = run(vec![vec![0, 0, 0, 2]]).0.unwrap_err();
        assert_eq!(e.code, sqlstate::PROTOCOL_VIOLATION);
        let e = run(vec![packet(196608, b"database\0x\0\0")]).0.unwrap_err();
        assert_eq!(e.code, sqlstate::INVALID_AUTHORIZATION_SPECIFICATION);
    }

    #[test]
    fn newer_minor_gets_negotiated_down() {
        let (result, out) = run(vec![packet(196610, b"user\0a\0_pq_.x\0y\0\0")]);
        assert!(matches!(result.unwrap(), Startup::Connect(p) if p.len() == 1));
        assert_eq!(out[0], b'v');
        assert_eq!(&out[5..9], &0i32.to_be_bytes());
        assert_eq!(&out[9..13], &1i32.to_be_bytes());
    }
}
