//! Runs every `tests/sql/*.slt` file against a throw-away PostgreSQL 15 cluster.
//!
//! The in-process run (`tests/sqllogic.rs`) checks SmarterBase against the expectations; this
//! run checks the expectations against PostgreSQL 15 itself, so an expectation is only accepted
//! if PostgreSQL gives it too. Each file runs in its own fresh database. Results are rendered
//! as text the same way in both runs: NULL as `NULL`, the empty string as `(empty)`.

mod pg_cluster;

use pg_cluster::PgCluster;
use sqllogictest::{AsyncDB, DBOutput, DefaultColumnType};
use tokio_postgres::{NoTls, SimpleQueryMessage};

struct Pg {
    client: tokio_postgres::Client,
}

#[derive(Debug)]
struct PgError(tokio_postgres::Error);

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(db) => write!(f, "{}: {}", db.severity(), db.message()),
            None => write!(f, "{}", self.0),
        }
    }
}

impl std::error::Error for PgError {}

#[async_trait::async_trait]
impl AsyncDB for Pg {
    type Error = PgError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, PgError> {
        let messages = self.client.simple_query(sql).await.map_err(PgError)?;
        let mut rows = Vec::new();
        let mut columns = None;
        let mut count = 0;
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(desc) => columns = Some(desc.len()),
                SimpleQueryMessage::Row(row) => {
                    columns = Some(row.len());
                    rows.push((0..row.len()).map(|i| render(row.get(i))).collect::<Vec<_>>());
                }
                SimpleQueryMessage::CommandComplete(n) => count = n,
                _ => {}
            }
        }
        Ok(match columns {
            Some(n) => DBOutput::Rows { types: vec![DefaultColumnType::Any; n], rows },
            None => DBOutput::StatementComplete(count),
        })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "postgres"
    }

    fn error_sql_state(err: &PgError) -> Option<String> {
        err.0.code().map(|c| c.code().to_string())
    }
}

fn render(value: Option<&str>) -> String {
    match value {
        None => "NULL".to_string(),
        Some("") => "(empty)".to_string(),
        Some(s) => s.to_string(),
    }
}

async fn connect(conn_str: String) -> Result<Pg, PgError> {
    let (client, connection) = tokio_postgres::connect(&conn_str, NoTls).await.map_err(PgError)?;
    tokio::spawn(connection);
    Ok(Pg { client })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slt_files_agree_with_postgres_15() {
    let cluster = PgCluster::start();
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sql"))
        .expect("tests/sql exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .slt files found");
    let mut failures = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let db = format!("slt_{i}");
        cluster.psql(&format!("CREATE DATABASE {db}"));
        let conn_str = cluster.conn_str(&db);
        let mut runner = sqllogictest::Runner::new(move || connect(conn_str.clone()));
        if let Err(e) = runner.run_file_async(file).await {
            failures.push(format!("{}: {e}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{} file(s) disagree with PostgreSQL 15:\n{}", failures.len(), failures.join("\n\n"));
}
