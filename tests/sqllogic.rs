//! Runs every `tests/sql/*.slt` file in-process: each file gets a fresh data directory and
//! an [`Engine`]; every `connection` in a file is its own [`Session`] on that engine. Values
//! print through PostgreSQL's text output (`types::text::format_value`), NULL as `NULL`, the
//! empty string as `(empty)`.

use smarterbase::exec::{Engine, QueryResult, Session};
use smarterbase::storage::Store;
use smarterbase::types::text::format_value;
use sqllogictest::{DBOutput, DefaultColumnType, Runner};
use std::path::Path;
use std::sync::Arc;

struct Db {
    session: Session,
}

#[derive(Debug)]
struct SqlError(smarterbase::Error);

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (SQLSTATE {})", self.0, self.0.code)
    }
}

impl std::error::Error for SqlError {}

impl Db {
    fn output(&self, r: QueryResult) -> Result<DBOutput<DefaultColumnType>, SqlError> {
        if let Some(d) = r.durable {
            d.wait_blocking().map_err(SqlError)?;
        }
        let Some(columns) = r.columns else {
            let count = r.tag.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            return Ok(DBOutput::StatementComplete(count));
        };
        let opts = self.session.format_options();
        let rows = r
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&columns)
                    .map(|(v, c)| match v {
                        v if v.is_null() => "NULL".to_string(),
                        v => match format_value(v, &c.data_type, opts) {
                            s if s.is_empty() => "(empty)".to_string(),
                            s => s,
                        },
                    })
                    .collect()
            })
            .collect();
        Ok(DBOutput::Rows { types: vec![DefaultColumnType::Any; columns.len()], rows })
    }
}

impl sqllogictest::DB for Db {
    type Error = SqlError;
    type ColumnType = DefaultColumnType;

    fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, SqlError> {
        let mut last = None;
        for r in self.session.execute_simple(sql) {
            last = Some(r.map_err(SqlError)?);
        }
        match last {
            Some(r) => self.output(r),
            None => Ok(DBOutput::StatementComplete(0)),
        }
    }

    fn engine_name(&self) -> &str {
        "smarterbase"
    }

    fn error_sql_state(err: &SqlError) -> Option<String> {
        Some(err.0.code.to_string())
    }
}

fn run_file(path: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(Engine::new(Store::open(dir.path()).unwrap()));
    let params = vec![("user".to_string(), "postgres".to_string()), ("database".to_string(), "postgres".to_string())];
    let mut runner = Runner::new(move || {
        let session = Session::new(engine.clone(), &params);
        async move { Ok::<_, SqlError>(Db { session }) }
    });
    runner.run_file(path).unwrap_or_else(|e| panic!("{}", e.display(true)));
}

#[test]
fn sqllogictest_files() {
    let mut files: Vec<_> =
        std::fs::read_dir("tests/sql").unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "slt")).collect();
    files.sort();
    let filter = std::env::var("SLT").unwrap_or_default();
    let mut failures = Vec::new();
    for f in files.iter().filter(|f| f.to_string_lossy().contains(&filter)) {
        if let Err(e) = std::panic::catch_unwind(|| run_file(f)) {
            let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            failures.push(format!("{}:\n{msg}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{} file(s) failed:\n{}", failures.len(), failures.join("\n\n"));
}
