//! `DEALLOCATE [PREPARE] { name | ALL }`: drops protocol-level prepared statements.
//!
//! Named statements created by Parse live in the protocol layer, so the statement that drops
//! them is answered here rather than by the SQL engine (psycopg 3 sends `DEALLOCATE ALL` after
//! DDL to reset its statement cache).

use crate::error::{sqlstate, Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub enum Deallocate {
    All,
    Name(String),
}

impl Deallocate {
    /// Recognises a statement string that is exactly one DEALLOCATE.
    pub fn parse(sql: &str) -> Option<Deallocate> {
        let sql = sql.trim().trim_end_matches(';').trim_end();
        let mut words = sql.split_whitespace();
        if !words.next()?.eq_ignore_ascii_case("deallocate") {
            return None;
        }
        let mut target = words.next()?;
        if target.eq_ignore_ascii_case("prepare") {
            target = words.next()?;
        }
        if words.next().is_some() {
            return None;
        }
        Some(match target {
            t if t.eq_ignore_ascii_case("all") => Deallocate::All,
            t if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') => Deallocate::Name(t[1..t.len() - 1].replace("\"\"", "\"")),
            t => Deallocate::Name(t.to_lowercase()),
        })
    }

    pub fn tag(&self) -> &'static str {
        match self {
            Deallocate::All => "DEALLOCATE ALL",
            Deallocate::Name(_) => "DEALLOCATE",
        }
    }

    /// Removes the statement(s) from `statements`; 26000 for an unknown name.
    pub fn apply<V>(&self, statements: &mut std::collections::HashMap<String, V>) -> Result<()> {
        match self {
            Deallocate::All => statements.retain(|name, _| name.is_empty()),
            Deallocate::Name(name) => {
                statements
                    .remove(name)
                    .ok_or_else(|| Error::new(sqlstate::INVALID_SQL_STATEMENT_NAME, format!("prepared statement \"{name}\" does not exist")))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn recognises_the_forms() {
        assert_eq!(Deallocate::parse(" deallocate ALL; "), Some(Deallocate::All));
        assert_eq!(Deallocate::parse("DEALLOCATE PREPARE _pg3_0"), Some(Deallocate::Name("_pg3_0".into())));
        assert_eq!(Deallocate::parse("DEALLOCATE \"Mixed\""), Some(Deallocate::Name("Mixed".into())));
        assert_eq!(Deallocate::parse("SELECT 1"), None);
        assert_eq!(Deallocate::parse("DEALLOCATE a; SELECT 1"), None);
    }

    #[test]
    fn applies_to_named_statements() {
        let mut statements: HashMap<String, ()> = [("".into(), ()), ("a".into(), ()), ("b".into(), ())].into();
        Deallocate::Name("a".into()).apply(&mut statements).unwrap();
        assert_eq!(Deallocate::Name("a".into()).apply(&mut statements).unwrap_err().code, sqlstate::INVALID_SQL_STATEMENT_NAME);
        Deallocate::All.apply(&mut statements).unwrap();
        assert_eq!(statements.keys().collect::<Vec<_>>(), [""]);
    }
}
