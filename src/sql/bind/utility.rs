//! Transaction control (BEGIN, COMMIT, SAVEPOINT, ...) and session statements (SET, RESET,
//! SHOW), and ANALYZE. Their effects live in `exec`; binding only normalizes names and values.

use super::{ddl::statement_kind, ident, Binder};
use crate::error::{sqlstate, Error, Result};
use crate::sql::plan::{Plan, SessionCmd, TxnCmd};
use sqlparser::ast::{self, Statement};

impl Binder<'_> {
    pub fn bind_utility(&mut self, stmt: &Statement) -> Result<Plan> {
        Ok(match stmt {
            Statement::StartTransaction { modes, .. } => {
                let (isolation, read_only) = transaction_modes(modes);
                Plan::Txn(TxnCmd::Begin { read_only: read_only.unwrap_or(false), isolation })
            }
            Statement::Commit { chain: false, .. } => Plan::Txn(TxnCmd::Commit),
            Statement::Rollback { chain: false, savepoint: None } => Plan::Txn(TxnCmd::Rollback),
            Statement::Rollback { chain: false, savepoint: Some(sp) } => Plan::Txn(TxnCmd::RollbackTo(ident(sp))),
            Statement::Savepoint { name } => Plan::Txn(TxnCmd::Savepoint(ident(name))),
            Statement::ReleaseSavepoint { name } => Plan::Txn(TxnCmd::Release(ident(name))),
            Statement::Set(set) => Plan::Session(bind_set(set)?),
            Statement::Reset(r) => Plan::Session(SessionCmd::Reset {
                name: match &r.reset {
                    ast::Reset::ALL => None,
                    ast::Reset::ConfigurationParameter(n) => Some(setting_name(&n.to_string())),
                    ast::Reset::SessionAuthorization => Some("session_authorization".into()),
                },
            }),
            Statement::ShowVariable { variable } => {
                let words: Vec<String> = variable.iter().map(ident).collect();
                Plan::Session(SessionCmd::Show { name: setting_name(&words.join(" ")) })
            }
            Statement::Close { cursor: ast::CloseCursor::All } => Plan::NoOp { tag: "CLOSE CURSOR ALL".into() },
            Statement::UNLISTEN { .. } => Plan::NoOp { tag: "UNLISTEN".into() },
            Statement::Deallocate { name, .. } if name.quote_style.is_none() && name.value.eq_ignore_ascii_case("all") => {
                Plan::NoOp { tag: "DEALLOCATE ALL".into() }
            }
            Statement::Deallocate { .. } => Plan::NoOp { tag: "DEALLOCATE".into() },
            Statement::Discard { object_type: ast::DiscardObject::ALL } => Plan::Session(SessionCmd::Discard),
            Statement::CreateExtension(ext) if BUILT_IN_EXTENSIONS.contains(&ext.name.value.as_str()) => {
                Plan::NoOp { tag: "CREATE EXTENSION".into() }
            }
            Statement::CreateExtension(ext) => return Err(Error::unsupported(format!("extension \"{}\"", ext.name.value))),
            Statement::Analyze(a) => self.bind_analyze(a)?,
            other => return Err(Error::unsupported(statement_kind(other))),
        })
    }

    /// ANALYZE [table [(columns)]]: there are no planner statistics to gather, so once the
    /// names check out it has nothing to do.
    fn bind_analyze(&mut self, a: &ast::Analyze) -> Result<Plan> {
        if let Some(name) = &a.table_name {
            let schema = self.table(name)?;
            if let Some(c) = a.columns.iter().map(ident).find(|c| schema.column_index(c).is_none()) {
                return Err(Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{c}\" of relation \"{}\" does not exist", schema.name)));
            }
        }
        Ok(Plan::NoOp { tag: "ANALYZE".into() })
    }
}

/// Extensions whose functions SmarterBase always has (uuid-ossp's uuid_generate_v4,
/// pgcrypto's gen_random_uuid), so CREATE EXTENSION has nothing to do.
const BUILT_IN_EXTENSIONS: [&str; 3] = ["uuid-ossp", "pgcrypto", "plpgsql"];

fn transaction_modes(modes: &[ast::TransactionMode]) -> (Option<String>, Option<bool>) {
    let (mut iso, mut ro) = (None, None);
    for m in modes {
        match m {
            ast::TransactionMode::IsolationLevel(l) => iso = Some(l.to_string().to_lowercase()),
            ast::TransactionMode::AccessMode(a) => ro = Some(matches!(a, ast::TransactionAccessMode::ReadOnly)),
        }
    }
    (iso, ro)
}

fn bind_set(set: &ast::Set) -> Result<SessionCmd> {
    use ast::Set as S;
    Ok(match set {
        S::SingleAssignment { scope, variable, values, .. } => {
            let local = matches!(scope, Some(ast::ContextModifier::Local));
            let name = setting_name(&variable.to_string());
            let value = setting_value(values);
            SessionCmd::Set { name, value, local }
        }
        S::SetTimeZone { local, value } => SessionCmd::Set { name: "timezone".into(), value: time_zone_value(value), local: *local },
        S::SetNames { charset_name, .. } => SessionCmd::Set { name: "client_encoding".into(), value: Some(charset_name.value.clone()), local: false },
        S::SetTransaction { modes, session, snapshot: None } => {
            let (iso, ro) = transaction_modes(modes);
            let (name, value) = match (iso, ro) {
                (Some(i), _) => (if *session { "default_transaction_isolation" } else { "transaction_isolation" }, i),
                (None, Some(r)) => {
                    (if *session { "default_transaction_read_only" } else { "transaction_read_only" }, if r { "on".into() } else { "off".into() })
                }
                (None, None) => return Err(Error::syntax("syntax error at end of input")),
            };
            SessionCmd::Set { name: name.into(), value: Some(value), local: !*session }
        }
        other => return Err(Error::unsupported(format!("SET {}", other.to_string().split_whitespace().nth(1).unwrap_or("")))),
    })
}

/// Canonical setting names: lower case, with the SQL-standard spellings mapped.
pub fn setting_name(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    match lower.as_str() {
        "time zone" => "timezone".into(),
        "transaction isolation level" => "transaction_isolation".into(),
        "session authorization" => "session_authorization".into(),
        _ => lower,
    }
}

/// `SET TIME ZONE 'x'`, or `SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE` (an offset east of
/// UTC, kept in PostgreSQL's POSIX form `<+02:00>-02:00`).
fn time_zone_value(value: &ast::Expr) -> Option<String> {
    if let ast::Expr::Interval(iv) = value {
        if let ast::Expr::Value(v) = iv.value.as_ref() {
            if let ast::Value::SingleQuotedString(s) = &v.value {
                let flipped = match s.strip_prefix('-') {
                    Some(rest) => format!("+{rest}"),
                    None => format!("-{}", s.trim_start_matches('+')),
                };
                return Some(format!("<{s}>{flipped}"));
            }
        }
    }
    setting_value(std::slice::from_ref(value))
}

/// A SET value list as the text PostgreSQL stores (`a, b` for lists); None for DEFAULT.
fn setting_value(values: &[ast::Expr]) -> Option<String> {
    let parts: Vec<String> = values
        .iter()
        .map(|v| match v {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::SingleQuotedString(s) => s.clone(),
                other => other.to_string(),
            },
            ast::Expr::Identifier(id) => ident(id),
            other => other.to_string(),
        })
        .collect();
    if parts.len() == 1 && parts[0].eq_ignore_ascii_case("default") {
        return None;
    }
    Some(parts.join(", "))
}
