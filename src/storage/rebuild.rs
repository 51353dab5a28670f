//! `smarterbase rebuild-indexes`: rebuilds each table's byte-offset index and its `_idx/` files
//! from the JSONL file alone (read in blocks, never whole), and reports rows, time and every line that fails to parse.
//!
//! Rebuilding checks the whole file rather than stopping at the first bad line, so one run
//! lists everything to fix (`users.jsonl line 42, column "age": ...`). A table with bad lines
//! keeps its old index files: nothing is written from a file that does not fully parse.

use super::index_files;
use super::jsonl::{self, Origin};
use super::load::{trim_line, Blocks, Source, ROUND};
use super::table::State;
use super::Store;
use crate::error::{sqlstate, Error, Result};
use std::time::{Duration, Instant};

/// What rebuilding one table found.
#[derive(Debug)]
pub struct RebuildReport {
    pub table: String,
    /// Live rows indexed (0 when the table has errors).
    pub rows: usize,
    pub elapsed: Duration,
    /// Every line (or the schema file) that failed, each naming file and line.
    pub errors: Vec<Error>,
}

impl Store {
    /// Rebuilds the indexes of every table, or only of `only`.
    pub fn rebuild_indexes(&self, only: Option<&str>) -> Result<Vec<RebuildReport>> {
        let snapshot = self.snapshot()?;
        if let Some(name) = only {
            if snapshot.table(name).is_none() && snapshot.problem(name).is_none() {
                return Err(Error::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{name}\" does not exist")));
            }
        }
        let wanted = |name: &str| only.is_none_or(|o| o == name);
        let mut reports: Vec<RebuildReport> = snapshot
            .broken
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(name, err)| RebuildReport { table: name.clone(), rows: 0, elapsed: Duration::ZERO, errors: vec![err.clone()] })
            .collect();
        for table in snapshot.tables.values().filter(|t| wanted(t.name())) {
            reports.push(self.rebuild_table(table.schema())?);
        }
        reports.sort_by(|a, b| a.table.cmp(&b.table));
        Ok(reports)
    }

    fn rebuild_table(&self, schema: &crate::catalog::TableSchema) -> Result<RebuildReport> {
        let start = Instant::now();
        let path = self.paths.table(&schema.name);
        let file = match std::fs::File::open(&path) {
            Ok(file) => Some(file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(&path, "open", e)),
        };
        let len = match &file {
            Some(f) => f.metadata().map_err(|e| Error::io(&path, "stat", e))?.len(),
            None => 0,
        };
        let source = match &file {
            Some(file) => Source::File { file, path: &path, len },
            None => Source::Bytes(&[]),
        };
        let name = format!("{}.jsonl", schema.name);
        // Every line is checked here, so the build below may decode only key and index columns.
        let errors = bad_lines(source, schema, &name)?;
        let mut rows = 0;
        if errors.is_empty() {
            let state = State::build(schema, source, &name, 0, true)?;
            rows = state.offsets.len();
            index_files::write(&self.paths.index_dir(&schema.name), &index_files::plan(&state))?;
        }
        Ok(RebuildReport { table: schema.name.clone(), rows, elapsed: start.elapsed(), errors })
    }
}

/// Every line of `source` that does not decode as a row or tombstone of `schema`.
fn bad_lines(source: Source, schema: &crate::catalog::TableSchema, file: &str) -> Result<Vec<Error>> {
    let key_cols = schema.primary_key_columns();
    let mut errors = Vec::new();
    let mut blocks = Blocks::new(source, ROUND);
    while let Some(block) = blocks.next_block()? {
        for (i, raw) in block.bytes.split_inclusive(|&b| b == b'\n').enumerate() {
            let line = trim_line(raw);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if let Err(e) = jsonl::decode_line(line, &schema.columns, &key_cols, Origin { file, line: block.first_line + i as u64 }) {
                errors.push(e);
            }
        }
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Change, WriteBatch};
    use crate::types::Value;

    #[test]
    fn rebuild_reports_rows_and_every_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let schema: crate::catalog::TableSchema = serde_json::from_str(
            r#"{"name":"people","columns":[{"name":"id","type":"integer","primary_key":true},{"name":"role","type":"text"}],"indexes":[{"name":"people_role","columns":["role"]}]}"#,
        )
        .unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let mut changes = vec![Change::CreateTable(schema.clone())];
            for i in 0..3 {
                changes.push(Change::Insert { table: "people".into(), row: vec![Value::Int4(i), Value::Text("admin".into())] });
            }
            store.commit(WriteBatch { changes }).unwrap().wait_blocking().unwrap();
            store.close().unwrap();
        }
        std::fs::remove_dir_all(dir.path().join("_idx")).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let reports = store.rebuild_indexes(None).unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!((reports[0].rows, reports[0].errors.len()), (3, 0));
        let ids = std::fs::read_to_string(dir.path().join("_idx/people/role/admin.json")).unwrap();
        assert_eq!(ids.matches(',').count(), 2, "three ids in {ids}");
        drop(store);

        let path = dir.path().join("people.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}{{\"id\":\"x\"}}\n{{broken\n")).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let reports = store.rebuild_indexes(Some("people")).unwrap();
        let messages: Vec<&str> = reports[0].errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("people.jsonl line 4, column \"id\""), "{}", messages[0]);
        assert!(messages[1].starts_with("people.jsonl line 5"), "{}", messages[1]);
        assert!(store.rebuild_indexes(Some("nobody")).is_err());
    }
}
