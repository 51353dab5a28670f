//! One client's session: settings, the transaction state machine (idle, in a block, failed
//! block) and statement dispatch. Every statement starts from `store.snapshot()`; writes
//! outside a block are a transaction of one statement (or of the whole simple-query string).

use super::dml::{Exec, Written};
use super::executor::run;
use super::interrupt::Interrupt;
use super::runtime::Runner;
use super::settings::Settings;
use super::txn::{read_only_error, TxnState};
use super::{columns_of, Engine, FormatOptions, Prepared, PreparedPlan, QueryResult};
use crate::error::{sqlstate, Error, Result};
use crate::sql::bind::{self, Bound};
use crate::sql::expr::{Env, EvalCtx};
use crate::sql::plan::{Plan, SessionCmd, TxnCmd};
use crate::storage::{Durable, Snapshot};
use crate::types::{DataType, Value};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;

/// How many times an autocommit statement is run again after losing a write conflict (40001)
/// before the error reaches the client.
const AUTOCOMMIT_RETRIES: u32 = 100;

static NEXT_PID: AtomicI32 = AtomicI32::new(0);

/// What a statement outside a transaction block sees besides committed data: nothing.
static NO_WRITES: std::sync::LazyLock<TxnState> = std::sync::LazyLock::new(TxnState::default);

/// A transaction in progress.
struct Txn {
    state: TxnState,
    savepoints: Vec<(String, TxnState)>,
    read_only: bool,
    /// The implicit transaction of a multi-statement simple query (no BEGIN seen).
    implicit: bool,
    failed: bool,
    started: i64,
}

/// One client's session.
pub struct Session {
    engine: Arc<Engine>,
    settings: Settings,
    env: Env,
    txn: Option<Txn>,
    interrupt: Interrupt,
}

impl Session {
    /// A new session; `params` are the startup parameters (user, database, options, ...).
    pub fn new(engine: Arc<Engine>, params: &[(String, String)]) -> Session {
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let user = get("user").unwrap_or_else(|| "postgres".into());
        let database = get("database").unwrap_or_else(|| user.clone());
        let mut settings = Settings::new(&user);
        for (k, v) in params.iter().filter(|(k, _)| !matches!(k.as_str(), "user" | "database" | "options" | "replication")) {
            let _ = settings.set(&k.to_lowercase(), Some(v.clone()), false);
        }
        let pid = std::process::id() as i32 % 100_000 * 10 + NEXT_PID.fetch_add(1, Ordering::Relaxed);
        let env = Env { now: 0, user: user.into(), database: database.into(), schema: "public".into(), pid };
        engine.sessions.fetch_add(1, Ordering::Relaxed);
        Session { engine, settings, env, txn: None, interrupt: Interrupt::new() }
    }

    /// Splits a simple-query string into statements and runs them one by one, in the implicit
    /// transaction PostgreSQL gives a multi-statement string. Stops at the first error.
    pub fn execute_simple(&mut self, sql: &str) -> Vec<Result<QueryResult>> {
        let stmts = match crate::sql::parse::parse(sql) {
            Ok(s) => s,
            Err(e) => return vec![Err(self.fail(e))],
        };
        if stmts.is_empty() {
            return vec![Ok(result(None, Vec::new(), String::new()))];
        }
        let implicit = stmts.len() > 1 && self.txn.is_none();
        if implicit {
            self.txn = Some(self.new_txn(false, true));
        }
        let mut out = Vec::with_capacity(stmts.len());
        for stmt in &stmts {
            let r = self.bind_and_run(Some(stmt), None, &[]);
            let failed = r.is_err();
            out.push(r);
            if failed {
                break;
            }
        }
        if self.txn.as_ref().is_some_and(|t| t.implicit) {
            self.finish_implicit(&mut out);
        }
        out
    }

    /// Ends the implicit transaction of a multi-statement string: commit after success
    /// (the last result carries the commit's Durable), discard after an error.
    fn finish_implicit(&mut self, out: &mut [Result<QueryResult>]) {
        let txn = self.txn.take().expect("implicit transaction");
        self.settings.end_transaction();
        if out.last().is_some_and(|r| r.is_err()) {
            return;
        }
        match self.commit_state(txn.state) {
            Ok(durable) => {
                if let Some(Ok(last)) = out.last_mut() {
                    last.durable = durable;
                }
            }
            Err(e) => {
                if let Some(last) = out.last_mut() {
                    *last = Err(e);
                }
            }
        }
    }

    /// Parses and binds one statement (Parse). `param_types` are what the client gave (Unknown
    /// where it left a type unspecified).
    pub fn prepare(&mut self, sql: &str, param_types: &[DataType]) -> Result<Prepared> {
        let mut stmts = crate::sql::parse::parse(sql)?;
        if stmts.len() > 1 {
            return Err(Error::syntax("cannot insert multiple commands into a prepared statement"));
        }
        let stmt = stmts.pop();
        let bound = match &stmt {
            Some(s) => self.bind(s, param_types)?,
            None => Bound { plan: Plan::Empty, params: param_types.to_vec(), columns: None, deps: Vec::new(), subqueries: Vec::new() },
        };
        self.check_failed(Some(&bound.plan))?;
        let columns = columns_of(&bound);
        Ok(Prepared { param_types: bound.params.clone(), columns, plan: Arc::new(PreparedPlan { stmt, bound }) })
    }

    /// The type a client means by a parameter type OID in Parse (enum types included).
    pub fn type_by_oid(&self, oid: u32) -> Result<Option<DataType>> {
        Ok(self.state().type_by_oid(&self.engine.store.snapshot()?, oid))
    }

    /// Executes a prepared statement with parameter values already decoded to its types.
    pub fn execute(&mut self, prepared: &Prepared, params: &[Value]) -> Result<QueryResult> {
        if params.len() != prepared.param_types.len() {
            return Err(Error::new(
                sqlstate::PROTOCOL_VIOLATION,
                format!("bind message supplies {} parameters, but prepared statement requires {}", params.len(), prepared.param_types.len()),
            ));
        }
        let r = self.bind_and_run(prepared.plan.stmt.as_ref(), Some(prepared), params);
        if self.txn.as_ref().is_some_and(|t| t.implicit) && r.is_err() {
            self.txn = None;
        }
        r
    }

    /// ReadyForQuery status: b'I' idle, b'T' in a transaction block, b'E' failed block.
    pub fn transaction_status(&self) -> u8 {
        match &self.txn {
            None => b'I',
            Some(t) if t.failed => b'E',
            Some(_) => b'T',
        }
    }

    /// Flag the executor checks between rows; set by a CancelRequest (57014).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.cancel_flag()
    }

    /// Settings that shape text output (TimeZone, DateStyle, extra_float_digits, ...).
    pub fn format_options(&self) -> &FormatOptions {
        &self.settings.format
    }

    /// ParameterStatus values to report after startup or after a SET of a reported setting.
    pub fn reported_parameters(&self) -> Vec<(String, String)> {
        self.settings.reported()
    }

    /// Called when the connection ends: rolls back any open transaction.
    pub fn close(&mut self) {
        self.txn = None;
    }

    /// The open transaction's writes, or none.
    fn state(&self) -> &TxnState {
        self.txn.as_ref().map_or(&NO_WRITES, |t| &t.state)
    }

    fn new_txn(&self, read_only: bool, implicit: bool) -> Txn {
        Txn { state: TxnState::default(), savepoints: Vec::new(), read_only, implicit, failed: false, started: now_micros() }
    }

    fn bind(&self, stmt: &sqlparser::ast::Statement, param_types: &[DataType]) -> Result<Bound> {
        let snap = self.engine.store.snapshot()?;
        bind::bind(&self.state().catalog(&snap), stmt, param_types)
    }

    /// Binds (or reuses a prepared plan whose tables did not change) and runs a statement;
    /// an error inside a transaction block marks it failed.
    ///
    /// A statement of its own (autocommit) whose commit met a concurrent change to a row it
    /// wrote (40001) runs again from a fresh snapshot: PostgreSQL's READ COMMITTED waits for
    /// the other writer and applies the statement to the row's new version, so an autocommit
    /// UPDATE never fails that way there. Nothing reached the client or the files before the
    /// retry. Inside a block the conflict is only seen at COMMIT and still gives 40001.
    fn bind_and_run(&mut self, stmt: Option<&sqlparser::ast::Statement>, prepared: Option<&Prepared>, params: &[Value]) -> Result<QueryResult> {
        self.interrupt.start(self.settings.statement_timeout);
        let autocommit = self.txn.is_none();
        let mut retries = 0;
        loop {
            match self.try_run(stmt, prepared, params) {
                Err(e) if e.code == sqlstate::SERIALIZATION_FAILURE && autocommit && retries < AUTOCOMMIT_RETRIES => retries += 1,
                r => return r.map_err(|e| self.fail(e)),
            }
        }
    }

    fn fail(&mut self, e: Error) -> Error {
        if let Some(t) = &mut self.txn {
            t.failed = true;
        }
        e
    }

    fn try_run(&mut self, stmt: Option<&sqlparser::ast::Statement>, prepared: Option<&Prepared>, params: &[Value]) -> Result<QueryResult> {
        let snap = self.engine.store.snapshot()?;
        let reuse = prepared.filter(|p| self.plan_is_current(&p.plan.bound, &snap));
        let fresh;
        let bound = match (reuse, stmt) {
            (Some(p), _) => &p.plan.bound,
            (None, Some(s)) => {
                let types = prepared.map_or(&[][..], |p| &p.param_types[..]);
                fresh = bind::bind(&self.state().catalog(&snap), s, types);
                self.check_failed(fresh.as_ref().ok().map(|b| &b.plan))?;
                fresh.as_ref().map_err(Clone::clone)?
            }
            (None, None) => &prepared.expect("a statement or a plan").plan.bound,
        };
        self.check_failed(Some(&bound.plan))?;
        self.run_plan(bound, &snap, params)
    }

    fn plan_is_current(&self, bound: &Bound, snap: &Snapshot) -> bool {
        let state = self.state();
        bound.deps.iter().all(|d| state.schema(snap, &d.name).is_some_and(|s| Arc::ptr_eq(&s, d) || *s == **d))
    }

    /// In a failed block only ROLLBACK / COMMIT / ROLLBACK TO pass.
    fn check_failed(&self, plan: Option<&Plan>) -> Result<()> {
        let failed = self.txn.as_ref().is_some_and(|t| t.failed);
        let allowed = matches!(plan, Some(Plan::Txn(TxnCmd::Rollback | TxnCmd::Commit | TxnCmd::RollbackTo(_))));
        if failed && !allowed {
            return Err(Error::new(
                sqlstate::IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block",
            ));
        }
        Ok(())
    }

    fn run_plan(&mut self, bound: &Bound, snap: &Snapshot, params: &[Value]) -> Result<QueryResult> {
        let columns = columns_of(bound);
        match &bound.plan {
            Plan::Txn(cmd) => self.transaction(cmd),
            Plan::Session(cmd) => self.session_cmd(cmd),
            Plan::Empty => Ok(result(None, Vec::new(), String::new())),
            Plan::NoOp { tag } => Ok(result(None, Vec::new(), tag.clone())),
            Plan::Query { rel, .. } => {
                let env = self.env_now();
                let runner = Runner::new(&bound.subqueries, snap, self.state(), &self.interrupt, &self.settings, params, &env);
                let eval = runner.eval_ctx();
                let rows = run(rel, &runner.ctx(&eval))?.collect::<Result<Vec<_>>>()?;
                let tag = format!("SELECT {}", rows.len());
                Ok(result(columns, rows, tag))
            }
            plan => {
                let env = self.env_now();
                let subqueries = Runner::new(&bound.subqueries, snap, self.state(), &self.interrupt, &self.settings, params, &env).all()?;
                let opts = self.settings.format.clone();
                let eval = EvalCtx { params, runtime: &subqueries, outer: &[], opts: &opts, env: &env };
                self.write(plan, columns, snap, &eval)
            }
        }
    }

    /// INSERT / UPDATE / DELETE / DDL: into the open transaction, or as one of their own.
    fn write(&mut self, plan: &Plan, columns: Option<Vec<super::Column>>, snap: &Snapshot, eval: &EvalCtx) -> Result<QueryResult> {
        if self.txn.as_ref().is_some_and(|t| t.read_only) {
            return Err(read_only_error(&command_word(plan)));
        }
        let mut own = TxnState::default();
        let autocommit = self.txn.is_none();
        let state = match &mut self.txn {
            Some(t) => &mut t.state,
            None => &mut own,
        };
        // A failed statement leaves the block failed: its partial writes are never seen, as
        // only ROLLBACK (discarding all) or ROLLBACK TO (restoring a copy) can follow.
        let mut exec = Exec { store: &self.engine.store, snap, txn: state, eval, interrupt: &self.interrupt };
        let (tag, written) = run_write(&mut exec, plan)?;
        let durable = if autocommit { self.commit_state(own)? } else { None };
        let mut r = result(columns, written.rows, tag);
        r.durable = durable;
        Ok(r)
    }

    fn commit_state(&self, state: TxnState) -> Result<Option<Durable>> {
        if state.is_empty() {
            return Ok(None);
        }
        let durable = self.engine.store.commit(state.into_batch())?;
        let alone = self.engine.sessions.load(Ordering::Relaxed) == 1;
        Ok(Some(if alone { durable.on_waiting_thread() } else { durable }))
    }

    fn env_now(&self) -> Env {
        let mut env = self.env.clone();
        env.now = self.txn.as_ref().map_or_else(now_micros, |t| t.started);
        env
    }

    fn transaction(&mut self, cmd: &TxnCmd) -> Result<QueryResult> {
        let tag = |t: &str| Ok(result(None, Vec::new(), t.to_string()));
        match cmd {
            TxnCmd::Begin { read_only, isolation } => {
                match &mut self.txn {
                    Some(t) if t.implicit => t.implicit = false,
                    Some(_) => {}
                    None => self.txn = Some(self.new_txn(*read_only, false)),
                }
                if let Some(iso) = isolation {
                    self.settings.set("transaction_isolation", Some(iso.clone()), true)?;
                }
                tag("BEGIN")
            }
            TxnCmd::Commit => {
                let Some(txn) = self.txn.take() else { return tag("COMMIT") };
                self.settings.end_transaction();
                if txn.failed {
                    return tag("ROLLBACK");
                }
                let durable = self.commit_state(txn.state)?;
                let mut r = result(None, Vec::new(), "COMMIT".into());
                r.durable = durable;
                Ok(r)
            }
            TxnCmd::Rollback => {
                self.txn = None;
                self.settings.end_transaction();
                tag("ROLLBACK")
            }
            TxnCmd::Savepoint(name) => {
                let t = self.block("SAVEPOINT")?;
                let copy = t.state.clone();
                t.savepoints.push((name.clone(), copy));
                tag("SAVEPOINT")
            }
            TxnCmd::Release(name) => {
                let t = self.block("RELEASE SAVEPOINT")?;
                let i = savepoint(t, name)?;
                t.savepoints.truncate(i);
                tag("RELEASE")
            }
            TxnCmd::RollbackTo(name) => {
                let t = self.block("ROLLBACK TO SAVEPOINT")?;
                let i = savepoint(t, name)?;
                t.savepoints.truncate(i + 1);
                t.state = t.savepoints[i].1.clone();
                t.failed = false;
                tag("ROLLBACK")
            }
        }
    }

    fn block(&mut self, what: &str) -> Result<&mut Txn> {
        match &mut self.txn {
            Some(t) if !t.implicit => Ok(t),
            _ => Err(Error::new(sqlstate::NO_ACTIVE_SQL_TRANSACTION, format!("{what} can only be used in transaction blocks"))),
        }
    }

    fn session_cmd(&mut self, cmd: &SessionCmd) -> Result<QueryResult> {
        match cmd {
            SessionCmd::Set { name, value, local } => {
                if *local && self.txn.is_none() {
                    return Ok(result(None, Vec::new(), "SET".into()));
                }
                self.settings.set(name, value.clone(), *local)?;
                Ok(result(None, Vec::new(), "SET".into()))
            }
            SessionCmd::Reset { name } => {
                self.settings.reset(name.as_deref())?;
                Ok(result(None, Vec::new(), "RESET".into()))
            }
            SessionCmd::Discard => {
                if self.txn.as_ref().is_some_and(|t| !t.implicit) {
                    return Err(Error::new(sqlstate::ACTIVE_SQL_TRANSACTION, "DISCARD ALL cannot run inside a transaction block"));
                }
                self.settings.reset(None)?;
                Ok(result(None, Vec::new(), "DISCARD ALL".into()))
            }
            SessionCmd::Show { name } => {
                let value = self.settings.get(name)?.to_string();
                let col = super::Column { name: name.clone(), data_type: DataType::Text, table_oid: 0, column_id: 0 };
                Ok(result(Some(vec![col]), vec![vec![Value::Text(value)]], "SHOW".into()))
            }
        }
    }
}

impl Drop for Session {
    /// A session's advisory locks end with it.
    fn drop(&mut self) {
        self.engine.sessions.fetch_sub(1, Ordering::Relaxed);
        crate::sql::advisory::unlock_all(self.env.pid);
    }
}

/// A subquery's rows as the single value its expression stands for.
fn run_write(exec: &mut Exec, plan: &Plan) -> Result<(String, Written)> {
    Ok(match plan {
        Plan::Insert(p) => {
            let w = exec.insert(p)?;
            (format!("INSERT 0 {}", w.count), w)
        }
        Plan::Update(p) => {
            let w = exec.update(p)?;
            (format!("UPDATE {}", w.count), w)
        }
        Plan::Delete(p) => {
            let w = exec.delete(p)?;
            (format!("DELETE {}", w.count), w)
        }
        Plan::Ddl { ddl, tag } => {
            exec.ddl(ddl)?;
            (tag.to_string(), Written::default())
        }
        other => return Err(Error::internal(format!("not a write: {other}"))),
    })
}

fn command_word(plan: &Plan) -> String {
    match plan {
        Plan::Insert(_) => "INSERT".into(),
        Plan::Update(_) => "UPDATE".into(),
        Plan::Delete(_) => "DELETE".into(),
        Plan::Ddl { tag, .. } => tag.to_string(),
        _ => "this statement".into(),
    }
}

fn savepoint(t: &Txn, name: &str) -> Result<usize> {
    t.savepoints.iter().rposition(|(n, _)| n == name).ok_or_else(|| Error::new("3B001", format!("savepoint \"{name}\" does not exist")))
}

fn result(columns: Option<Vec<super::Column>>, rows: Vec<crate::types::Row>, tag: String) -> QueryResult {
    QueryResult { columns, rows, tag, durable: None }
}

/// Microseconds since 2000-01-01 UTC.
fn now_micros() -> i64 {
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
    unix - 946_684_800_000_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Store;

    fn session() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let engine = Arc::new(Engine::new(Store::open(dir.path()).unwrap()));
        let mut s = Session::new(engine, &[("user".into(), "alice".into())]);
        run(&mut s, "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, score bigint)");
        run(&mut s, "INSERT INTO t VALUES (1, 'a', 10), (2, 'b', NULL)");
        (dir, s)
    }

    fn run(s: &mut Session, sql: &str) -> QueryResult {
        let mut out = s.execute_simple(sql);
        let r = out.pop().unwrap().unwrap();
        if let Some(d) = r.durable {
            d.wait_blocking().unwrap();
        }
        QueryResult { durable: None, ..r }
    }

    fn err(s: &mut Session, sql: &str) -> Error {
        s.execute_simple(sql).pop().unwrap().unwrap_err()
    }

    #[test]
    fn parameter_types_are_inferred_from_context() {
        let (_d, mut s) = session();
        let p = s.prepare("SELECT name FROM t WHERE id = $1", &[]).unwrap();
        assert_eq!(p.param_types, vec![DataType::Int4]);
        assert_eq!(p.columns.as_ref().unwrap()[0].name, "name");
        assert!(p.plan.bound.plan.to_string().contains("IndexLookup t columns=[0]"), "{}", p.plan.bound.plan);
        let p = s.prepare("INSERT INTO t (score, name, id) VALUES ($1, $2, $3)", &[]).unwrap();
        assert_eq!(p.param_types, vec![DataType::Int8, DataType::Text, DataType::Int4]);
        let p = s.prepare("SELECT $1, id FROM t LIMIT $2", &[]).unwrap();
        assert_eq!(p.param_types, vec![DataType::Text, DataType::Int8]);
        let p = s.prepare("SELECT $1::int + 1", &[DataType::Unknown]).unwrap();
        assert_eq!(p.param_types, vec![DataType::Int4]);
        let p = s.prepare("SELECT name FROM t WHERE id = $1", &[DataType::Int8]).unwrap();
        assert!(p.plan.bound.plan.to_string().contains("IndexLookup t columns=[0]"), "{}", p.plan.bound.plan);
        assert_eq!(s.execute(&p, &[Value::Int8(2)]).unwrap().rows, vec![vec![Value::Text("b".into())]]);
        let p = s.prepare("UPDATE t SET score = $1 WHERE name = $2", &[DataType::Int4]).unwrap();
        assert_eq!(p.param_types, vec![DataType::Int4, DataType::Text]);
    }

    #[test]
    fn prepared_statements_execute_and_rebind_after_schema_changes() {
        let (_d, mut s) = session();
        let p = s.prepare("SELECT * FROM t WHERE id = $1", &[]).unwrap();
        let r = s.execute(&p, &[Value::Int4(1)]).unwrap();
        assert_eq!(r.rows, vec![vec![Value::Int4(1), Value::Text("a".into()), Value::Int8(10)]]);
        assert_eq!(r.tag, "SELECT 1");
        run(&mut s, "ALTER TABLE t ADD COLUMN extra text DEFAULT 'x'");
        let r = s.execute(&p, &[Value::Int4(2)]).unwrap();
        assert_eq!(r.rows[0].len(), 4);
        assert!(s.execute(&p, &[]).is_err());
    }

    #[test]
    fn constraint_errors_carry_postgres_details() {
        let (_d, mut s) = session();
        let e = err(&mut s, "INSERT INTO t VALUES (1, 'dup', 0)");
        assert_eq!((e.code, e.detail.as_deref()), ("23505", Some("Key (id)=(1) already exists.")));
        let e = err(&mut s, "INSERT INTO t (id) VALUES (3)");
        assert_eq!(e.message, "null value in column \"name\" of relation \"t\" violates not-null constraint");
        assert_eq!(e.detail.as_deref(), Some("Failing row contains (3, null, null)."));
        let e = err(&mut s, "SELEC 1");
        assert_eq!((e.code, e.position), ("42601", Some(1)));
    }

    #[test]
    fn transaction_status_follows_the_block() {
        let (_d, mut s) = session();
        assert_eq!(s.transaction_status(), b'I');
        run(&mut s, "BEGIN");
        assert_eq!(s.transaction_status(), b'T');
        err(&mut s, "SELECT 1/0");
        assert_eq!(s.transaction_status(), b'E');
        assert_eq!(s.prepare("SELECT 1", &[]).unwrap_err().code, "25P02");
        assert!(s.prepare("ROLLBACK", &[]).is_ok());
        assert_eq!(run(&mut s, "COMMIT").tag, "ROLLBACK");
        assert_eq!(s.transaction_status(), b'I');
        let params = s.reported_parameters();
        assert!(params.contains(&("session_authorization".into(), "alice".into())));
        assert!(params.iter().any(|(k, v)| k == "server_version" && v.starts_with("15.")));
    }

    #[test]
    fn autocommit_writes_are_durable_and_visible_to_other_sessions() {
        let (_d, mut s) = session();
        let mut other = Session::new(s.engine.clone(), &[]);
        let r = s.execute_simple("INSERT INTO t VALUES (3, 'c', 1)").pop().unwrap().unwrap();
        r.durable.expect("a commit").wait_blocking().unwrap();
        assert_eq!(run(&mut other, "SELECT count(*) FROM t").rows, vec![vec![Value::Int8(3)]]);
    }

    #[test]
    fn the_engine_counts_open_sessions_for_lone_commits() {
        let (_d, s) = session();
        let count = || s.engine.sessions.load(Ordering::Relaxed);
        assert_eq!(count(), 1);
        let other = Session::new(s.engine.clone(), &[]);
        assert_eq!(count(), 2);
        drop(other);
        assert_eq!(count(), 1);
    }

    #[test]
    fn concurrent_autocommit_updates_of_one_row_all_apply_as_in_read_committed() {
        let (_d, s) = session();
        let (threads, each) = (4, 150);
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let mut s = Session::new(s.engine.clone(), &[]);
                std::thread::spawn(move || {
                    for _ in 0..each {
                        let r = s.execute_simple("UPDATE t SET score = score + 1 WHERE id = 1").pop().unwrap();
                        assert_eq!(r.as_ref().map(|r| r.tag.as_str()).map_err(|e| e.code), Ok("UPDATE 1"));
                    }
                })
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        let mut s = Session::new(s.engine.clone(), &[]);
        assert_eq!(
            run(&mut s, "SELECT score FROM t WHERE id = 1").rows,
            vec![vec![Value::Int8(10 + threads * each)]],
            "every increment applied once"
        );
        let mut block = Session::new(s.engine.clone(), &[]);
        run(&mut block, "BEGIN");
        run(&mut block, "UPDATE t SET score = 0 WHERE id = 1");
        run(&mut s, "UPDATE t SET score = 1 WHERE id = 1");
        assert_eq!(err(&mut block, "COMMIT").code, "40001", "inside a block the conflict still shows at COMMIT");
    }
}
