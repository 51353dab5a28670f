//! The only call into sqlparser: SQL text to AST statements, parse errors to 42601 with
//! PostgreSQL's `syntax error at or near "x"` and a 1-based character position.

use crate::error::{Error, Result};
use sqlparser::ast::{Expr, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};

/// Parses a string of zero or more statements.
pub fn parse(sql: &str) -> Result<Vec<Statement>> {
    Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| syntax_error(sql, e))
}

/// Parses one expression (a column DEFAULT or CHECK kept as SQL text in a schema file).
pub fn parse_expr(sql: &str) -> Result<Expr> {
    Parser::new(&PostgreSqlDialect {}).try_with_sql(sql).and_then(|mut p| p.parse_expr()).map_err(|e| syntax_error(sql, e))
}

fn syntax_error(sql: &str, err: ParserError) -> Error {
    let text = match err {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
        ParserError::RecursionLimitExceeded => return Error::new("54001", "stack depth limit exceeded"),
    };
    let found = text.split("found: ").nth(1).map(|rest| rest.split(" at Line: ").next().unwrap_or(rest).trim().to_string());
    let position = line_col(&text).map(|(l, c)| char_position(sql, l, c));
    let err = match found.as_deref() {
        Some("EOF") | None if found.is_some() || text.contains("EOF") => Error::syntax("syntax error at end of input"),
        Some(tok) => Error::syntax(format!("syntax error at or near \"{}\"", tok.trim_matches('\'').trim_matches('"'))),
        None => Error::syntax(format!("syntax error: {text}")),
    };
    match (position, found.as_deref()) {
        (_, Some("EOF")) => err.with_position(sql.chars().count() as u32 + 1),
        (Some(p), _) => err.with_position(p),
        _ => err,
    }
}

/// "... at Line: 1, Column: 8" -> (1, 8).
fn line_col(text: &str) -> Option<(usize, usize)> {
    let rest = text.rsplit("Line: ").next()?;
    let (line, col) = rest.split_once(", Column: ")?;
    let col: String = col.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

fn char_position(sql: &str, line: usize, col: usize) -> u32 {
    let before: usize = sql.split('\n').take(line.saturating_sub(1)).map(|l| l.chars().count() + 1).sum();
    (before + col) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_several_statements() {
        assert_eq!(parse("SELECT 1; SELECT 2").unwrap().len(), 2);
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn syntax_errors_name_the_token_and_position() {
        let e = parse("SELECT * FORM t").unwrap_err();
        assert_eq!(e.code, "42601");
        assert_eq!(e.message, "syntax error at or near \"t\"", "{e:?}");
        let e = parse("SELEC 1").unwrap_err();
        assert_eq!(e.message, "syntax error at or near \"SELEC\"");
        assert_eq!(e.position, Some(1));
        let e = parse("SELECT 1 +").unwrap_err();
        assert_eq!(e.message, "syntax error at end of input");
    }
}
