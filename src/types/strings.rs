//! Length rules of the character types and input of the small scalar types (bool, uuid).
//!
//! varchar(n) and char(n) reject longer values with 22001 unless the excess is blanks (then
//! they truncate); explicit casts truncate silently. char(n) pads with blanks. Lengths count
//! characters, not bytes. name is cut to 63 bytes.

use super::DataType;
use crate::error::{sqlstate, Error, Result};

const NAMEDATALEN: usize = 63;

/// Fits `s` to a character type's length. `explicit` (a `::varchar(3)` cast) truncates
/// silently; otherwise only blanks may be cut, else 22001 `value too long for type ...`.
pub fn fit_length(s: String, ty: &DataType, explicit: bool) -> Result<String> {
    match ty {
        DataType::Varchar(Some(n)) => truncate(s, *n as usize, ty, explicit),
        DataType::Char(Some(n)) => {
            let mut t = truncate(s, *n as usize, ty, explicit)?;
            let len = t.chars().count();
            t.extend(std::iter::repeat_n(' ', *n as usize - len));
            Ok(t)
        }
        DataType::Name => {
            let mut cut = s.len().min(NAMEDATALEN);
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            Ok(s[..cut].to_string())
        }
        _ => Ok(s),
    }
}

fn truncate(s: String, n: usize, ty: &DataType, explicit: bool) -> Result<String> {
    let Some((cut, _)) = s.char_indices().nth(n) else { return Ok(s) };
    if !explicit && s[cut..].bytes().any(|b| b != b' ') {
        return Err(Error::new(sqlstate::STRING_DATA_RIGHT_TRUNCATION, format!("value too long for type {ty}")));
    }
    Ok(s[..cut].to_string())
}

/// boolin: `t`, `true`, `yes`, `on`, `1` and their false twins, any case, unique prefixes.
pub fn parse_bool(s: &str) -> Result<bool> {
    let t = s.trim().to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| t.len() >= min && word.starts_with(t.as_str());
    let v = if prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || t == "1" {
        Some(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || t == "0" {
        Some(false)
    } else {
        None
    };
    v.ok_or_else(|| Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type boolean: \"{s}\"")))
}

/// uuid_in: 32 hex digits, optionally in braces, with hyphens allowed after any group of four.
pub fn parse_uuid(s: &str) -> Result<uuid::Uuid> {
    let bad = || Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type uuid: \"{s}\""));
    let body = s.strip_prefix('{').and_then(|b| b.strip_suffix('}')).unwrap_or(s);
    let mut hex = String::with_capacity(32);
    let mut last_hyphen = true;
    for c in body.chars() {
        if c == '-' && !last_hyphen && hex.len() % 4 == 0 && hex.len() < 32 {
            last_hyphen = true;
        } else if c.is_ascii_hexdigit() {
            hex.push(c);
            last_hyphen = false;
        } else {
            return Err(bad());
        }
    }
    if hex.len() != 32 || last_hyphen {
        return Err(bad());
    }
    uuid::Uuid::parse_str(&hex).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varchar_and_char_lengths() {
        let v3 = DataType::Varchar(Some(3));
        assert_eq!(fit_length("abcd".into(), &v3, true).unwrap(), "abc");
        assert_eq!(fit_length("ab   ".into(), &v3, false).unwrap(), "ab ");
        let e = fit_length("abcd".into(), &v3, false).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22001", "value too long for type character varying(3)"));
        assert_eq!(fit_length("ab".into(), &DataType::Char(Some(4)), false).unwrap(), "ab  ");
        assert_eq!(fit_length("héllo".into(), &DataType::Char(Some(2)), true).unwrap(), "hé");
        assert_eq!(fit_length("x".repeat(70), &DataType::Name, false).unwrap().len(), 63);
    }

    #[test]
    fn bools_like_postgres() {
        for t in ["t", "TRUE", "ye", " on ", "1", "Yes"] {
            assert!(parse_bool(t).unwrap(), "{t}");
        }
        for f in ["f", "fal", "n", "of", "OFF", "0"] {
            assert!(!parse_bool(f).unwrap(), "{f}");
        }
        for bad in ["o", "tr ue", "2", "", "yess"] {
            assert_eq!(parse_bool(bad).unwrap_err().code, "22P02", "{bad}");
        }
    }

    #[test]
    fn uuids_like_postgres() {
        let want = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        for s in [
            "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
        ] {
            assert_eq!(parse_uuid(s).unwrap().to_string(), want, "{s}");
        }
        let e = parse_uuid("a0eebc99-9c0b").unwrap_err();
        assert_eq!(e.message, "invalid input syntax for type uuid: \"a0eebc99-9c0b\"");
        assert!(parse_uuid("-a0eebc999c0b4ef8bb6d6bb9bd380a11").is_err());
    }
}
