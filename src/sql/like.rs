//! LIKE / ILIKE pattern matching: `%` any run, `_` one character, an escape character
//! (default backslash) makes the next character literal.

use crate::error::{sqlstate, Error, Result};

/// Whether `value` matches `pattern`.
pub fn like_match(value: &str, pattern: &str, escape: Option<&str>, case_insensitive: bool) -> Result<bool> {
    let esc = match escape.map(|e| e.chars().collect::<Vec<_>>()) {
        None => None,
        Some(c) if c.is_empty() => None,
        Some(c) if c.len() == 1 => Some(c[0]),
        Some(_) => {
            return Err(
                Error::new(sqlstate::INVALID_ESCAPE_SEQUENCE, "invalid escape string").with_hint("Escape string must be empty or one character.")
            )
        }
    };
    let fold = |s: &str| -> Vec<char> {
        if case_insensitive {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let tokens = tokenize(&fold(pattern), esc)?;
    Ok(matches(&fold(value), &tokens))
}

#[derive(Debug, PartialEq)]
enum Tok {
    Any,
    One,
    Lit(char),
}

fn tokenize(p: &[char], esc: Option<char>) -> Result<Vec<Tok>> {
    let mut out = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        if Some(c) == esc {
            let next =
                p.get(i + 1).ok_or_else(|| Error::new(sqlstate::INVALID_ESCAPE_SEQUENCE, "LIKE pattern must not end with escape character"))?;
            out.push(Tok::Lit(*next));
            i += 2;
            continue;
        }
        out.push(match c {
            '%' => Tok::Any,
            '_' => Tok::One,
            c => Tok::Lit(c),
        });
        i += 1;
    }
    Ok(out)
}

/// Iterative wildcard matching with backtracking to the last `%`.
fn matches(v: &[char], p: &[Tok]) -> bool {
    let (mut vi, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        match p.get(pi) {
            Some(Tok::Any) => {
                star = Some((pi, vi));
                pi += 1;
            }
            Some(Tok::One) => {
                vi += 1;
                pi += 1;
            }
            Some(Tok::Lit(c)) if *c == v[vi] => {
                vi += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    pi = sp + 1;
                    vi = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Any)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_escapes() {
        assert!(like_match("item1", "item%", None, false).unwrap());
        assert!(like_match("abc", "a_c", None, false).unwrap());
        assert!(!like_match("abc", "a_", None, false).unwrap());
        assert!(like_match("a%c", "a\\%c", Some("\\"), false).unwrap());
        assert!(!like_match("abc", "a\\%c", Some("\\"), false).unwrap());
        assert!(like_match("a_c", "a#_c", Some("#"), false).unwrap());
        assert!(like_match("ABC", "a%", None, true).unwrap());
        assert!(like_match("", "%", None, false).unwrap());
        assert!(like_match("mississippi", "%iss%pi", None, false).unwrap());
        assert!(like_match("x", "x\\", Some("\\"), false).is_err());
    }
}
