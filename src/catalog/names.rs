//! Names that become file names, and index values that become file names.
//!
//! Table names name `data/<table>.jsonl` and `data/_schema/<table>.json`; column and index
//! names name folders under `data/_idx/`. [`check_name`] refuses anything that could escape
//! `data/`, hide a file, or clash with the format's own `_` folders on any common file system.
//! [`encode_index_value`] turns any value into a safe, reversible file name stem (see
//! docs/file-format.md, "Index value encoding").

use crate::error::{sqlstate, Error, Result};

/// PostgreSQL's NAMEDATALEN - 1.
pub const MAX_NAME_BYTES: usize = 63;

const RESERVED_DEVICE_NAMES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5",
    "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Checks that `name` (of a `kind`: "table", "column", "index", ...) is safe as a file name.
pub fn check_name(name: &str, kind: &str) -> Result<()> {
    let refuse = |why: &str| Err(Error::new(sqlstate::INVALID_NAME, format!("invalid {kind} name \"{}\": {why}", name.escape_debug())));
    if name.is_empty() {
        return refuse("it is empty");
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(Error::new(sqlstate::NAME_TOO_LONG, format!("{kind} name \"{name}\" is longer than {MAX_NAME_BYTES} bytes")));
    }
    if let Some(c) = name.chars().find(|c| c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')) {
        return refuse(&format!("it contains the character {:?}, which cannot appear in a file name", c));
    }
    if name.starts_with('.') || name.ends_with('.') || name.ends_with(' ') {
        return refuse("file names may not start or end with '.' or end with a space");
    }
    if kind == "table" && name.starts_with('_') {
        return refuse("names starting with '_' are reserved for SmarterBase's own files");
    }
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    if RESERVED_DEVICE_NAMES.contains(&stem.as_str()) {
        return refuse("it is a reserved device name on Windows");
    }
    Ok(())
}

/// Longest encoded stem written as is; longer values get a hashed stem.
const MAX_STEM_BYTES: usize = 120;

/// Encodes an index value's text (None = SQL NULL) as a file name stem.
///
/// Kept as they are: `a-z 0-9 - _ . @ +` (not leading `.` or `_`). Everything else, upper
/// case letters included (case-insensitive file systems), becomes `%XX` per UTF-8 byte. NULL
/// is `_null`, the empty string `_empty`. A stem over 120 bytes is cut to 100 bytes plus `~`
/// and 16 hex digits of the value's SHA-256; such files store the value inside them.
pub fn encode_index_value(value: Option<&str>) -> String {
    let Some(value) = value else { return "_null".to_string() };
    if value.is_empty() {
        return "_empty".to_string();
    }
    let mut out = String::with_capacity(value.len());
    for (i, b) in value.bytes().enumerate() {
        let keep = b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'@' | b'+') || (i > 0 && matches!(b, b'.' | b'_'));
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.len() > MAX_STEM_BYTES {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(value.as_bytes());
        let mut cut = 100;
        while !out.is_char_boundary(cut) || out[..cut].ends_with('%') || out.as_bytes()[cut - 2] == b'%' {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('~');
        out.push_str(&hex::encode(&digest[..8]));
    }
    out
}

/// Decodes a stem made by [`encode_index_value`]: `Some(None)` for NULL, `Some(Some(text))`
/// for a value, `None` for a hashed stem (whose value is stored in the file) or a stem that is
/// not an encoding at all.
pub fn decode_index_value(stem: &str) -> Option<Option<String>> {
    match stem {
        "_null" => return Some(None),
        "_empty" => return Some(Some(String::new())),
        _ if stem.contains('~') => return None,
        _ => {}
    }
    let mut bytes = Vec::with_capacity(stem.len());
    let mut rest = stem.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail.get(..2)?;
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_table_names_are_refused() {
        for bad in ["", "..", "../etc", "a/b", "a\\b", "nul\0x", "_schema", "_idx", ".hidden", "CON", "com1.txt", "x".repeat(64).as_str()] {
            assert!(check_name(bad, "table").is_err(), "{bad:?} should be refused");
        }
        for good in ["users", "Users", "order_items", "café", "t1", "select"] {
            check_name(good, "table").unwrap();
        }
        check_name("_private", "column").unwrap();
    }

    #[test]
    fn index_values_encode_readably() {
        assert_eq!(encode_index_value(Some("admin")), "admin");
        assert_eq!(encode_index_value(Some("alice@example.com")), "alice@example.com");
        assert_eq!(encode_index_value(Some("Admin")), "%41dmin");
        assert_eq!(encode_index_value(Some("../x")), "%2E.%2Fx");
        assert_eq!(encode_index_value(None), "_null");
        assert_eq!(encode_index_value(Some("")), "_empty");
        assert_eq!(encode_index_value(Some("_x")), "%5Fx");
    }

    #[test]
    fn long_values_get_a_hashed_stem() {
        let long = "é".repeat(5000);
        let stem = encode_index_value(Some(&long));
        assert!(stem.len() <= MAX_STEM_BYTES + 17, "{}", stem.len());
        assert_eq!(decode_index_value(&stem), None);
        assert_ne!(stem, encode_index_value(Some(&"é".repeat(5001))));
    }

    proptest! {
        #[test]
        fn encoding_is_safe_and_reversible(value in proptest::option::of(".{0,60}")) {
            let stem = encode_index_value(value.as_deref());
            prop_assert!(!stem.contains('/') && !stem.contains('\0') && !stem.starts_with('.'));
            let unescaped: String = stem.split('%').enumerate().map(|(i, part)| if i == 0 { part } else { part.get(2..).unwrap_or("") }).collect();
            prop_assert!(!unescaped.bytes().any(|b| b.is_ascii_uppercase()), "upper case left in {}", stem);
            if !stem.contains('~') {
                prop_assert_eq!(decode_index_value(&stem), Some(value));
            }
        }
    }
}
