//! Crash recovery: redo the commit journal, then cut table lines no journal record covers.
//!
//! Each record's ops are executed again (they are idempotent, see `fileops`). The table
//! lengths this yields (starting from the checkpoint header) are where each file must end:
//! anything beyond belongs to a batch whose journal record never reached the disk, so it was
//! never acknowledged and is cut off. The files are then fsynced and the journal emptied.

use super::fileops::FileOp;
use super::files::{self, Paths};
use super::journal::{self, Record};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

pub fn recover(paths: &Paths) -> Result<()> {
    let records = journal::read_records(&paths.journal())?;
    let mut ends: BTreeMap<String, u64> = BTreeMap::new();
    for record in &records {
        match record {
            Record::Checkpoint(lengths) => ends.extend(lengths.iter().map(|(t, l)| (t.clone(), *l))),
            Record::Commit(ops) => ops.iter().try_for_each(|op| redo(paths, op, &mut ends))?,
        }
    }
    for (table, end) in &ends {
        cut_and_sync(paths, table, *end)?;
    }
    if !records.is_empty() {
        tracing::info!("replayed {} journal records from {}", records.len(), paths.journal().display());
        files::sync_dir(&paths.root)?;
    }
    let journal = paths.journal();
    if journal.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&journal)
            .and_then(|f| f.set_len(0).and_then(|_| f.sync_all()))
            .map_err(|e| Error::io(&journal, "truncate", e))?;
    }
    Ok(())
}

fn redo(paths: &Paths, op: &FileOp, ends: &mut BTreeMap<String, u64>) -> Result<()> {
    op.execute(paths, &|_| None)?;
    match op {
        FileOp::Append { table, at, lines } => ends.insert(table.clone(), at + lines.len() as u64),
        FileOp::Rewrite { table, lines } => ends.insert(table.clone(), lines.len() as u64),
        FileOp::Rename { from, to } => ends.remove(from).and_then(|end| ends.insert(to.clone(), end)),
        FileOp::Remove { table } => ends.remove(table),
        FileOp::Schema(_) | FileOp::Types(_) => None,
    };
    Ok(())
}

/// Cuts a table file to `end` bytes (when longer) and fsyncs it.
fn cut_and_sync(paths: &Paths, table: &str, end: u64) -> Result<()> {
    let path = paths.table(table);
    if !path.exists() {
        return Ok(());
    }
    let file = files::open_rw(&path)?;
    let len = file.metadata().map_err(|e| Error::io(&path, "stat", e))?.len();
    if len > end {
        tracing::warn!("{}: cut {} bytes written by a batch that was never committed", path.display(), len - end);
        file.set_len(end).map_err(|e| Error::io(&path, "truncate", e))?;
    }
    file.sync_all().map_err(|e| Error::io(&path, "fsync", e))
}

#[cfg(test)]
mod tests {
    use super::super::journal::Journal;
    use super::*;

    #[test]
    fn replay_restores_lost_lines_and_cuts_unjournaled_ones() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths { root: dir.path().to_path_buf() };
        std::fs::write(paths.table("a"), "{\"id\":1}\n").unwrap();
        std::fs::write(paths.table("b"), "{\"id\":1}\n{\"id\":9}\n").unwrap();
        let mut j = Journal::open(&paths.journal()).unwrap();
        j.append(&Record::Checkpoint(BTreeMap::from([("a".into(), 9), ("b".into(), 9)]))).unwrap();
        j.append(&Record::Commit(vec![FileOp::Append { table: "a".into(), at: 9, lines: "{\"id\":2}\n".into() }])).unwrap();
        recover(&paths).unwrap();
        assert_eq!(std::fs::read_to_string(paths.table("a")).unwrap(), "{\"id\":1}\n{\"id\":2}\n");
        assert_eq!(std::fs::read_to_string(paths.table("b")).unwrap(), "{\"id\":1}\n", "b's unjournaled line is cut");
        assert_eq!(std::fs::metadata(paths.journal()).unwrap().len(), 0);
        recover(&paths).unwrap();
        assert_eq!(std::fs::read_to_string(paths.table("a")).unwrap(), "{\"id\":1}\n{\"id\":2}\n");
    }

    #[test]
    fn replay_redoes_a_type_change_whose_file_was_lost() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths { root: dir.path().to_path_buf() };
        let types = BTreeMap::from([("mood".to_string(), crate::storage::EnumType { labels: vec!["sad".into()] })]);
        let mut j = Journal::open(&paths.journal()).unwrap();
        j.append(&Record::Checkpoint(BTreeMap::new())).unwrap();
        j.append(&Record::Commit(vec![FileOp::Types(types.clone())])).unwrap();
        recover(&paths).unwrap();
        assert_eq!(*super::super::user_types::UserTypes::open(&paths.types()).unwrap().current(), types);
    }
}
