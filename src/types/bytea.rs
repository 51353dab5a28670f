//! bytea text input and output (bytea_output = hex).
//!
//! Output is `\x` and two lowercase hex digits per byte. Input accepts the hex format
//! (whitespace allowed between byte pairs) and the traditional escape format (`\\`, `\ooo`).

use crate::error::{sqlstate, Error, Result};

pub fn format_bytea(bytes: &[u8], out: &mut String) {
    out.push_str("\\x");
    out.push_str(&hex::encode(bytes));
}

pub fn parse_bytea(s: &str) -> Result<Vec<u8>> {
    match s.strip_prefix("\\x").or_else(|| s.strip_prefix("\\X")) {
        Some(hex) => parse_hex(hex),
        None => parse_escape(s),
    }
}

fn parse_hex(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut chars = s.chars().filter(|c| !c.is_ascii_whitespace());
    while let Some(hi) = chars.next() {
        let lo = chars.next().ok_or_else(|| Error::new(sqlstate::INVALID_PARAMETER_VALUE, "invalid hexadecimal data: odd number of digits"))?;
        out.push(hex_digit(hi)? << 4 | hex_digit(lo)?);
    }
    Ok(out)
}

fn hex_digit(c: char) -> Result<u8> {
    c.to_digit(16).map(|d| d as u8).ok_or_else(|| Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("invalid hexadecimal digit: \"{c}\"")))
}

fn parse_escape(s: &str) -> Result<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
        } else if b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            let oct = b.get(i + 1..i + 4).filter(|o| (b'0'..=b'3').contains(&o[0]) && o[1..].iter().all(|d| (b'0'..=b'7').contains(d)));
            let o = oct.ok_or_else(|| Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea"))?;
            out.push((o[0] - b'0') << 6 | (o[1] - b'0') << 3 | (o[2] - b'0'));
            i += 4;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_escape_formats() {
        let mut o = String::new();
        format_bytea(&[0x0a, 0x0b, 0xff], &mut o);
        assert_eq!(o, "\\x0a0bff");
        assert_eq!(parse_bytea("\\x0A 0b").unwrap(), vec![0x0a, 0x0b]);
        assert_eq!(parse_bytea("a\\\\b\\001").unwrap(), b"a\\b\x01".to_vec());
        assert_eq!(parse_bytea("\\xz0").unwrap_err().message, "invalid hexadecimal digit: \"z\"");
        assert_eq!(parse_bytea("\\x0").unwrap_err().code, "22023");
        assert_eq!(parse_bytea("\\9").unwrap_err().code, "22P02");
    }
}
