//! POSIX regular expressions (`~`, `~*`, `!~`, `!~*`) on the `regex` crate.
//!
//! PostgreSQL's advanced regular expressions (AREs) and Rust's syntax share the common subset
//! (anchors, classes, `[[:alpha:]]`, quantifiers and bounds, groups, alternation, `\d \s \w`,
//! embedded `(?i)`). A pattern is translated before it is compiled: `.` and bracket
//! expressions match newlines (the `s` flag, PostgreSQL's default), `\m \M \y \Y \Z` become
//! Rust's word-boundary and end assertions, `***=` makes the rest literal. Back-references
//! and look-around, which Rust cannot match, are refused with 0A000 rather than matched
//! wrongly. Compiled patterns are cached per thread, since a scan applies one pattern to
//! every row.

use crate::error::{Error, Result};
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;

/// SQLSTATE 2201B invalid_regular_expression.
const INVALID_REGULAR_EXPRESSION: &str = "2201B";

/// Patterns kept per thread before the cache starts over.
const CACHE_LIMIT: usize = 256;

thread_local! {
    /// Compiled patterns by text: case-sensitive ones, then case-insensitive ones.
    static CACHE: RefCell<[HashMap<String, Regex>; 2]> = RefCell::new([HashMap::new(), HashMap::new()]);
}

/// Whether `value` contains a match of `pattern` (PostgreSQL's `~`, or `~*` when
/// `case_insensitive`).
pub fn regex_match(value: &str, pattern: &str, case_insensitive: bool) -> Result<bool> {
    let slot = case_insensitive as usize;
    if let Some(found) = CACHE.with(|c| c.borrow()[slot].get(pattern).map(|re| re.is_match(value))) {
        return Ok(found);
    }
    let re = compile(pattern, case_insensitive)?;
    let matched = re.is_match(value);
    CACHE.with(|c| {
        let cache = &mut c.borrow_mut()[slot];
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re);
    });
    Ok(matched)
}

fn compile(pattern: &str, case_insensitive: bool) -> Result<Regex> {
    let body = match pattern.strip_prefix("***=") {
        Some(literal) => regex::escape(literal),
        None => translate(pattern.strip_prefix("***:").unwrap_or(pattern))?,
    };
    let flags = if case_insensitive { "(?si)" } else { "(?s)" };
    Regex::new(&format!("{flags}{body}"))
        .map_err(|e| Error::new(INVALID_REGULAR_EXPRESSION, format!("invalid regular expression: {}", reason(&e.to_string()))))
}

/// PostgreSQL's wording for the common syntax errors, else the `regex` crate's.
fn reason(message: &str) -> String {
    let last = message.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().trim_start_matches("error: ");
    match last {
        l if l.contains("unclosed group") || l.contains("unopened group") => "parentheses () not balanced".into(),
        l if l.contains("unclosed character class") => "brackets [] not balanced".into(),
        l if l.contains("repetition operator missing expression") => "quantifier operand invalid".into(),
        other => other.to_string(),
    }
}

/// Rewrites the ARE escapes Rust spells differently; refuses what Rust cannot match.
fn translate(pattern: &str) -> Result<String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    return Err(Error::new(INVALID_REGULAR_EXPRESSION, "invalid regular expression: invalid escape \\ sequence"));
                };
                match next {
                    '1'..='9' if !in_bracket => return Err(Error::unsupported("back-references in regular expressions")),
                    'm' if !in_bracket => out.push_str(r"\b{start}"),
                    'M' if !in_bracket => out.push_str(r"\b{end}"),
                    'y' if !in_bracket => out.push_str(r"\b"),
                    'Y' if !in_bracket => out.push_str(r"\B"),
                    'Z' if !in_bracket => out.push_str(r"\z"),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' if !in_bracket => {
                in_bracket = true;
                out.push('[');
                for lead in ['^', ']'] {
                    if chars.peek() == Some(&lead) {
                        out.push(chars.next().unwrap_or(lead));
                    }
                }
            }
            '[' if chars.peek() == Some(&':') => {
                out.push('[');
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            ']' if in_bracket => {
                in_bracket = false;
                out.push(']');
            }
            '(' if !in_bracket && chars.peek() == Some(&'?') => {
                let rest: String = chars.clone().skip(1).take(2).collect();
                if rest.starts_with('=') || rest.starts_with('!') || rest == "<=" || rest == "<!" {
                    return Err(Error::unsupported("look-around constraints in regular expressions"));
                }
                out.push('(');
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(v: &str, p: &str) -> bool {
        regex_match(v, p, false).unwrap()
    }

    #[test]
    fn common_subset_matches_like_postgres() {
        assert!(m("users", "^(users)$"));
        assert!(!m("users2", "^(users)$"));
        assert!(m("pg_toast", "^pg_"));
        assert!(m("a\nb", "a.b"));
        assert!(m("abc", "[[:alpha:]]+"));
        assert!(m("x]y", "[]]"));
        assert!(!m("ABC", "abc"));
        assert!(regex_match("ABC", "abc", true).unwrap());
        assert!(m("hello world", r"\mworld\M"));
        assert!(!m("helloworld", r"\mworld"));
        assert!(m("a.b", "***=a.b"));
        assert!(!m("axb", "***=a.b"));
    }

    #[test]
    fn errors_carry_postgres_sqlstates() {
        assert_eq!(regex_match("a", "(a", false).unwrap_err().code, "2201B");
        assert_eq!(regex_match("aa", r"(a)\1", false).unwrap_err().code, "0A000");
        assert_eq!(regex_match("ab", "a(?=b)", false).unwrap_err().code, "0A000");
    }
}
