//! The only call into sqlparser: SQL text to AST statements, parse errors to 42601 with
//! PostgreSQL's `syntax error at or near "x"` and a 1-based character position.

use crate::error::{Error, Result};
use sqlparser::ast::{Expr, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, Tokenizer};

/// Parses a string of zero or more statements.
pub fn parse(sql: &str) -> Result<Vec<Statement>> {
    check_chains(sql)?;
    Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| syntax_error(sql, e))
}

/// Texts shorter than this cannot chain enough operators to matter and are not pre-scanned.
const SCAN_FROM: usize = 64 << 10;
/// Most binary operators in a row (or set operations in one query) a statement may chain.
const MAX_CHAIN: usize = 20_000;

/// sqlparser builds `a + b + c ...` and `q UNION q UNION ...` iteratively, as trees one level
/// deeper per operator, but clones, visits and drops them recursively: a 4 MB `SELECT 1+1+...`
/// overflowed a 256 MB worker stack and aborted the server. So long texts are tokenized first,
/// and a chain longer than [`MAX_CHAIN`] at one parenthesis level (operators between commas,
/// set operations in one query) is refused with 54001 before a tree is built. Binding stops
/// such chains well before that anyway (`sql::stack`), and nested parentheses are limited by
/// sqlparser's own recursion limit.
fn check_chains(sql: &str) -> Result<()> {
    if sql.len() < SCAN_FROM {
        return Ok(());
    }
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().map_err(|e| syntax_error(sql, e.into()))?;
    // Per open parenthesis: (operators since the last comma, set operations).
    let mut runs: Vec<(usize, usize)> = vec![(0, 0)];
    for token in &tokens {
        let depth = runs.len();
        let run = &mut runs[depth - 1];
        match token {
            Token::LParen => runs.push((0, 0)),
            Token::RParen if depth > 1 => drop(runs.pop()),
            Token::Comma => run.0 = 0,
            Token::SemiColon => *run = (0, 0),
            Token::Word(w) if matches!(w.keyword, Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT) => run.1 += 1,
            t if chains(t) => run.0 += 1,
            _ => continue,
        }
        if runs.last().is_some_and(|&(ops, sets)| ops.max(sets) > MAX_CHAIN) {
            return Err(crate::sql::stack::too_deep());
        }
    }
    Ok(())
}

/// Tokens that join two operands into one deeper tree node.
fn chains(token: &Token) -> bool {
    use Token::*;
    match token {
        Plus | Minus | Mul | Div | Mod | StringConcat | Eq | DoubleEq | Neq | Lt | Gt | LtEq | GtEq | Caret | Ampersand | Pipe => true,
        Word(w) => matches!(w.keyword, Keyword::AND | Keyword::OR),
        _ => false,
    }
}

/// Parses one expression (a column DEFAULT or CHECK kept as SQL text in a schema file).
pub fn parse_expr(sql: &str) -> Result<Expr> {
    Parser::new(&PostgreSqlDialect {}).try_with_sql(sql).and_then(|mut p| p.parse_expr()).map_err(|e| syntax_error(sql, e))
}

fn syntax_error(sql: &str, err: ParserError) -> Error {
    let text = match err {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
        ParserError::RecursionLimitExceeded => return crate::sql::stack::too_deep(),
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
    fn long_operator_chains_are_refused_before_a_tree_is_built_and_wide_statements_are_not() {
        let chain = format!("SELECT {}", vec!["1"; 30_000].join(" + "));
        assert_eq!(parse(&chain).unwrap_err().code, "54001");
        let unions = vec!["SELECT 1, 2"; 30_000].join(" UNION ALL ");
        assert_eq!(parse(&unions).unwrap_err().code, "54001", "commas in the select lists do not hide the set operations");
        let rows: Vec<String> = (0..30_000).map(|i| format!("({i} + 1, 'a' || 'b')")).collect();
        assert_eq!(parse(&format!("INSERT INTO t VALUES {}", rows.join(", "))).unwrap().len(), 1);
        let short = format!("SELECT {}", vec!["1"; 10_000].join("+"));
        assert_eq!(parse(&short).unwrap().len(), 1, "a chain within the limit parses");
    }

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
