//! The open data directory: catalog of tables, commit lock, journal and background work.
//!
//! The catalog is an immutable map swapped as a whole (DDL, reloads), so a [`Snapshot`] is
//! an `Arc` clone. [`Store::snapshot`] first stats every schema and table file (and the
//! `_schema` folder): a fingerprint that differs from the one recorded when we last read or
//! wrote the file means an edit behind our back, and that table (or the table list) is
//! reloaded under the commit lock, followed by a checkpoint so the journal never replays over
//! a hand edit. Our own appends record the file's new length without a stat and raise no
//! file event (see `files::Fingerprint` and `watch`), so they never trigger a reload.

use super::batch::Change;
use super::commit;
use super::compact;
use super::files::{self, Fingerprint, Paths};
use super::journal::{Durable, Flusher, Journal};
use super::recovery;
use super::sequences::Sequences;
use super::table::Table;
use super::user_types::{TypeMap, UserTypes};
use super::watch::{Changed, Watch};
use super::WriteBatch;
use crate::catalog::TableSchema;
use crate::error::{Error, Result};
use parking_lot::{Mutex, RwLock};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

/// The set of tables as of one moment; cheap to clone.
#[derive(Clone)]
pub struct Snapshot {
    pub tables: Arc<BTreeMap<String, Arc<Table>>>,
    /// Tables whose schema file cannot be read, with the error naming the file.
    pub broken: Arc<BTreeMap<String, Error>>,
    /// User-defined types (enums) by name.
    pub types: Arc<TypeMap>,
}

impl Snapshot {
    pub fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.tables.get(name)
    }

    /// The error of a table whose schema file is malformed (it is not in `tables`).
    pub fn problem(&self, name: &str) -> Option<&Error> {
        self.broken.get(name)
    }
}

/// What commits serialize on.
pub struct CommitState {
    pub journal: Journal,
    /// The journal has its checkpoint header (it is non-empty).
    pub journal_started: bool,
}

#[derive(Clone, Default)]
struct Catalog {
    tables: Arc<BTreeMap<String, Arc<Table>>>,
    broken: Arc<BTreeMap<String, Error>>,
    broken_fps: BTreeMap<String, Fingerprint>,
    dir_fp: Fingerprint,
}

/// The open data directory.
pub struct Store {
    pub(super) paths: Paths,
    catalog: RwLock<Catalog>,
    pub(super) commit_lock: Mutex<CommitState>,
    pub(super) flusher: Arc<Flusher>,
    sequences: Sequences,
    types: UserTypes,
    generation: AtomicU32,
    pub(super) stopping: Arc<AtomicBool>,
    /// One compaction at a time (close and the maintainer may both try).
    pub(super) compacting: Mutex<()>,
    pub(super) maintainer: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Tells `snapshot` whether any file may have changed since it last looked.
    pub(super) watch: Watch,
    _lock: std::fs::File,
}

impl Store {
    /// Opens (creating if needed) a data directory: replays the commit journal, repairs torn
    /// last lines, loads schemas and builds the offset indexes.
    pub fn open(dir: &Path) -> Result<Arc<Store>> {
        let paths = Paths { root: dir.to_path_buf() };
        files::create_dir(&paths.schema_dir())?;
        let lock = files::lock_dir(&paths, std::time::Duration::from_secs(3))?;
        recovery::recover(&paths)?;
        let journal = Journal::open(&paths.journal())?;
        let flusher = Flusher::start(journal.sync_handle()?, paths.journal());
        let watch = Watch::new(&paths.root, &paths.schema_dir());
        let store = Arc::new(Store {
            sequences: Sequences::open(&paths.sequences())?,
            types: UserTypes::open(&paths.types())?,
            paths,
            catalog: RwLock::new(Catalog::default()),
            commit_lock: Mutex::new(CommitState { journal, journal_started: false }),
            flusher,
            generation: AtomicU32::new(rand::random::<u32>() & 0x7fff_ffff),
            stopping: Arc::new(AtomicBool::new(false)),
            compacting: Mutex::new(()),
            maintainer: Mutex::new(None),
            watch,
            _lock: lock,
        });
        let catalog = store.load_catalog(&Catalog::default(), &Changed::default())?;
        *store.catalog.write() = catalog;
        compact::spawn_maintainer(&store);
        Ok(store)
    }

    pub fn data_dir(&self) -> &Path {
        &self.paths.root
    }

    /// The current tables, after reloading any table or schema file edited behind our back.
    pub fn snapshot(&self) -> Result<Snapshot> {
        if let Some((upto, changed)) = self.watch.pending() {
            self.refresh(&changed)?;
            self.watch.checked(upto);
        }
        let catalog = self.catalog.read();
        Ok(Snapshot { tables: catalog.tables.clone(), broken: catalog.broken.clone(), types: self.types.current() })
    }

    /// Reloads every table or schema file whose fingerprint changed, when one of those
    /// `changed` names did, and `_types.json` (with the tables that use its types) when it
    /// changed.
    fn refresh(&self, changed: &Changed) -> Result<()> {
        if self.is_stale(changed) {
            let mut cs = self.commit_lock.lock();
            if self.is_stale(changed) {
                let types_changed = self.types.reload()?;
                self.reload_catalog(types_changed, changed)?;
                self.checkpoint(&mut cs)?;
            }
        }
        Ok(())
    }

    /// Rereads the schema folder and changed files; with `type_users`, also reopens every table
    /// with columns of user-defined types, so they take the current types. Called with the
    /// commit lock held.
    fn reload_catalog(&self, type_users: bool, changed: &Changed) -> Result<()> {
        let mut current = self.catalog.read().clone();
        if type_users {
            let unaffected = current.tables.iter().filter(|(_, t)| !t.schema().columns.iter().any(|c| c.data_type.is_user_defined()));
            current.tables = Arc::new(unaffected.map(|(n, t)| (n.clone(), t.clone())).collect());
        }
        let catalog = self.load_catalog(&current, changed)?;
        *self.catalog.write() = catalog;
        Ok(())
    }

    /// Applies a batch atomically: re-checks primary key and unique indexes (23505) and
    /// expected row versions (40001) under the tables' write locks, makes the changes visible
    /// to readers, and queues them for the group-commit flusher. The change is durable (and
    /// may be acknowledged to the client) once the returned [`Durable`] resolves. The batch's
    /// type changes are checked first (42710, 42704); the new `_types.json` is journaled and
    /// written with the batch's table files, and tables using an altered type are reopened.
    pub fn commit(&self, batch: WriteBatch) -> Result<Durable> {
        // A table's sequences live and die with it, as PostgreSQL's owned sequences do.
        let renames: Vec<(String, Option<String>)> = batch
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::DropTable(name) => Some((name.clone(), None)),
                Change::AlterTable { old_name, schema, .. } if *old_name != schema.name => Some((old_name.clone(), Some(schema.name.clone()))),
                _ => None,
            })
            .collect();
        let type_changes: Vec<_> = batch.changes.iter().filter_map(|c| if let Change::Type(t) = c { Some(t.clone()) } else { None }).collect();
        let mut cs = self.commit_lock.lock();
        let types = (!type_changes.is_empty()).then(|| self.types.changed(&type_changes)).transpose()?;
        let durable = commit::commit(self, &mut cs, batch, types.as_ref())?;
        if let Some(types) = types {
            // A type created under a name it already had was altered (ALTER TYPE ... ADD VALUE).
            let altered = type_changes.iter().any(|(name, def)| def.is_some() && self.types.current().contains_key(name));
            self.types.install(types);
            if altered {
                self.reload_catalog(true, &self.unchecked_events())?;
            }
        }
        for (old, new) in renames {
            self.sequences.move_table(&old, new.as_deref())?;
        }
        Ok(durable)
    }

    /// Next value of a serial/identity column's sequence: non-transactional like PostgreSQL's
    /// nextval, and never handed out twice, across restarts too.
    pub fn next_sequence_value(&self, table: &str, column: &str) -> Result<i64> {
        self.sequences.next(table, column, || self.column_max(table, column))
    }

    /// The file events no check has covered yet.
    pub(super) fn unchecked_events(&self) -> Changed {
        self.watch.pending().map(|(_, changed)| changed).unwrap_or_default()
    }

    /// Flushes everything and compacts every table file to canonical form (clean shutdown).
    pub fn close(&self) -> Result<()> {
        self.stopping.store(true, Ordering::Relaxed);
        if let Some(thread) = self.maintainer.lock().take() {
            let _ = thread.join();
        }
        for table in self.tables().values() {
            compact::compact(self, table)?;
            compact::write_index_files(self, table)?;
            let fp = table.state.read().fp;
            if table.check().is_ok() && !table.changed_on_disk(&fp, &self.unchecked_events()) {
                super::table::mark_checked(&self.paths, table.name(), Fingerprint::of(&table.path));
            }
        }
        let mut cs = self.commit_lock.lock();
        self.checkpoint(&mut cs)
    }

    /// Fsyncs every table file and empties the journal. Called with the commit lock held.
    pub(super) fn checkpoint(&self, cs: &mut CommitState) -> Result<()> {
        if !cs.journal_started {
            return Ok(());
        }
        for table in self.tables().values() {
            if let Some(file) = table.state.read().file.clone() {
                file.sync_data().map_err(|e| Error::io(&table.path, "fsync", e))?;
            }
        }
        files::sync_dir(&self.paths.root)?;
        cs.journal.truncate()?;
        cs.journal_started = false;
        Ok(())
    }

    pub(super) fn tables(&self) -> Arc<BTreeMap<String, Arc<Table>>> {
        self.catalog.read().tables.clone()
    }

    /// Every table file's length (the journal's checkpoint header).
    pub(super) fn table_lengths(&self) -> BTreeMap<String, u64> {
        self.tables().iter().map(|(n, t)| (n.clone(), t.state.read().len)).collect()
    }

    /// A base for row versions of a newly loaded table image, so versions read from a
    /// replaced image never match the new one.
    pub(super) fn next_generation(&self) -> u32 {
        self.generation.fetch_add(1 << 20, Ordering::Relaxed)
    }

    /// After DDL: the catalog holds exactly `names`, new images from `fresh`.
    pub(super) fn replace_tables(&self, names: &BTreeSet<String>, fresh: Vec<Table>) {
        let mut catalog = self.catalog.write();
        let mut fresh: BTreeMap<String, Arc<Table>> = fresh.into_iter().map(|t| (t.name().to_string(), Arc::new(t))).collect();
        let tables = names.iter().filter_map(|n| fresh.remove(n).or_else(|| catalog.tables.get(n).cloned()).map(|t| (n.clone(), t)));
        catalog.tables = Arc::new(tables.collect());
        catalog.dir_fp = Fingerprint::of(&self.paths.schema_dir());
    }

    /// Did any of the `changed` files change behind our back since we last read or wrote it?
    fn is_stale(&self, changed: &Changed) -> bool {
        // Clone, so no table lock is taken under the catalog lock (a commit holds table
        // locks while it swaps the catalog).
        let catalog = self.catalog.read().clone();
        let file_changed = |t: &Arc<Table>| {
            let fp = t.state.read().fp;
            t.changed_on_disk(&fp, changed)
        };
        if !changed.everything {
            return changed.tables.keys().filter_map(|n| catalog.tables.get(n)).any(file_changed);
        }
        let changed = |t: &Arc<Table>| Fingerprint::of(&self.paths.schema(t.name())) != t.schema_fp || file_changed(t);
        Fingerprint::of(&self.paths.schema_dir()) != catalog.dir_fp
            || self.types.is_stale()
            || catalog.broken_fps.iter().any(|(n, fp)| Fingerprint::of(&self.paths.schema(n)) != *fp)
            || catalog.tables.values().any(changed)
    }

    /// Reads the `_schema` folder, keeping the tables of `current` whose files did not change
    /// (`changed`: the file events not checked yet).
    fn load_catalog(&self, current: &Catalog, changed: &Changed) -> Result<Catalog> {
        let dir = self.paths.schema_dir();
        let dir_fp = Fingerprint::of(&dir);
        let (mut tables, mut broken, mut broken_fps) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for name in schema_names(&dir)? {
            let fp = Fingerprint::of(&self.paths.schema(&name));
            let unchanged = |t: &&Arc<Table>| {
                let file_fp = t.state.read().fp;
                t.schema_fp == fp && !t.changed_on_disk(&file_fp, changed)
            };
            let kept = current.tables.get(&name).filter(unchanged);
            if let Some(t) = kept {
                tables.insert(name, t.clone());
                continue;
            }
            match read_schema(&self.paths, &name, &self.types.current()) {
                Ok(schema) => {
                    tables.insert(name, Arc::new(Table::open(&self.paths, schema, fp, self.next_generation())));
                }
                Err(e) => {
                    tracing::error!("{}", e.message);
                    broken.insert(name.clone(), e);
                    broken_fps.insert(name, fp);
                }
            }
        }
        Ok(Catalog { tables: Arc::new(tables), broken: Arc::new(broken), broken_fps, dir_fp })
    }

    /// Largest value of an integer column (sequences start above it).
    fn column_max(&self, table: &str, column: &str) -> Result<i64> {
        let Some(t) = self.tables().get(table).cloned() else { return Ok(0) };
        let Some(c) = t.schema().column_index(column) else { return Ok(0) };
        let mut max = 0;
        for row in t.scan()? {
            max = max.max(row?.row[c].as_i64().unwrap_or(0));
        }
        Ok(max)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.flusher.stop();
    }
}

/// Table names of the schema files in `_schema/`, sorted.
fn schema_names(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "list", e))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// Reads and checks `_schema/<name>.json`; errors name the file.
fn read_schema(paths: &Paths, name: &str, types: &TypeMap) -> Result<TableSchema> {
    let path = paths.schema(name);
    let bad = |why: String| Error::corrupt(format!("_schema/{name}.json: {why}"));
    let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
    let mut schema: TableSchema = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    schema.validate().map_err(|e| bad(e.message))?;
    schema.resolve_types(|t| types.get(t).map(|def| def.resolved(t))).map_err(|e| bad(e.message))?;
    if schema.name != name {
        return Err(bad(format!("it describes table \"{}\"; the file must be named _schema/{}.json", schema.name, schema.name)));
    }
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::sqlstate;
    use crate::storage::{Change, Key};
    use crate::types::{Row, Value};
    use smallvec::smallvec;
    use std::io::Write;

    fn users() -> TableSchema {
        let text = r#"{"name":"users","columns":[{"name":"id","type":"integer","primary_key":true},{"name":"email","type":"text"},{"name":"role","type":"text"}],
            "indexes":[{"name":"users_email_key","columns":["email"],"unique":true,"constraint":true},{"name":"users_role_idx","columns":["role"]}]}"#;
        serde_json::from_str(text).unwrap()
    }

    fn row(id: i32, email: &str, role: &str) -> Row {
        vec![Value::Int4(id), Value::Text(email.into()), Value::Text(role.into())]
    }

    fn key(id: i32) -> Key {
        Key(smallvec![Value::Int4(id)])
    }

    fn commit(store: &Store, changes: Vec<Change>) -> Result<()> {
        store.commit(WriteBatch { changes })?.wait_blocking()
    }

    fn insert(id: i32, email: &str, role: &str) -> Change {
        Change::Insert { table: "users".into(), row: row(id, email, role) }
    }

    /// An update of users row `id` as it reads now (its version and its row).
    fn update(store: &Store, id: i32, email: &str, role: &str) -> Change {
        let old = table(store).get(&key(id)).unwrap().unwrap();
        Change::Update { table: "users".into(), key: key(id), expected_version: old.version, row: row(id, email, role), old: old.row }
    }

    /// A delete of users row `id` as it reads now.
    fn delete(store: &Store, id: i32) -> Change {
        let old = table(store).get(&key(id)).unwrap().unwrap();
        Change::Delete { table: "users".into(), key: key(id), expected_version: old.version, old: old.row }
    }

    #[test]
    fn types_are_written_only_by_a_commit_that_succeeds_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mood = crate::storage::EnumType { labels: vec!["sad".into(), "ok".into()] };
        let create = |name: &str| Change::Type((name.into(), Some(mood.clone())));
        {
            let store = Store::open(dir.path()).unwrap();
            commit(&store, vec![create("mood")]).unwrap();
            let failing = commit(&store, vec![create("other"), Change::DropTable("nope".into())]).unwrap_err();
            assert_eq!(failing.code, sqlstate::UNDEFINED_TABLE);
            assert_eq!(commit(&store, vec![create("mood")]).unwrap_err().code, sqlstate::DUPLICATE_OBJECT);
            assert_eq!(store.snapshot().unwrap().types.keys().collect::<Vec<_>>(), ["mood"]);
            store.close().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.snapshot().unwrap().types.get("mood"), Some(&mood));
        commit(&store, vec![Change::Type(("mood".into(), None))]).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("_types.json")).unwrap(), "{}");
    }

    #[test]
    fn a_hand_edit_of_the_types_reaches_the_tables_that_use_them() {
        let (dir, store) = setup();
        let mood = crate::storage::EnumType { labels: vec!["sad".into()] };
        let text = r#"{"name":"pets","columns":[{"name":"id","type":"integer","primary_key":true},{"name":"m","type":"mood[]"}],"indexes":[]}"#;
        let mut pets: TableSchema = serde_json::from_str(text).unwrap();
        pets.resolve_types(|n| Some(mood.resolved(n))).unwrap();
        commit(&store, vec![Change::Type(("mood".into(), Some(mood.clone()))), Change::CreateTable(pets)]).unwrap();
        let users_before = table(&store);
        std::fs::write(dir.path().join("_types.json"), r#"{"mood": {"enum": ["sad", "ok"]}}"#).unwrap();
        let snap = store.snapshot().unwrap();
        let labels = |t: &crate::types::DataType| match t.element() {
            Some(crate::types::DataType::Enum(def)) => def.labels.clone(),
            _ => Vec::new(),
        };
        assert_eq!(labels(&snap.table("pets").unwrap().schema().columns[1].data_type), ["sad", "ok"]);
        assert_eq!(snap.types.get("mood").unwrap().labels, ["sad", "ok"]);
        assert!(Arc::ptr_eq(&users_before, &table(&store)), "a table without enum columns is kept");
        std::fs::write(dir.path().join("_types.json"), "{}").unwrap();
        let snap = store.snapshot().unwrap();
        assert!(snap.table("pets").is_none());
        assert_eq!(snap.broken.get("pets").unwrap().message, "_schema/pets.json: type \"mood\" does not exist");
    }

    fn setup() -> (tempfile::TempDir, Arc<Store>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        commit(&store, vec![Change::CreateTable(users()), insert(1, "a@x", "admin"), insert(2, "b@x", "user")]).unwrap();
        (dir, store)
    }

    fn table(store: &Store) -> Arc<Table> {
        store.snapshot().unwrap().table("users").unwrap().clone()
    }

    fn file(dir: &tempfile::TempDir) -> String {
        std::fs::read_to_string(dir.path().join("users.jsonl")).unwrap()
    }

    #[test]
    fn rows_are_readable_by_key_index_and_scan_and_survive_reopen() {
        let (dir, store) = setup();
        let t = table(&store);
        assert_eq!(t.get(&key(2)).unwrap().unwrap().row, row(2, "b@x", "user"));
        assert_eq!(t.lookup(&[1], &[Value::Text("a@x".into())]).unwrap(), Some(vec![key(1)]));
        assert_eq!(t.lookup(&[2], &[Value::Text("user".into())]).unwrap(), Some(vec![key(2)]));
        assert_eq!(t.lookup(&[0], &[Value::Int4(3)]).unwrap(), Some(vec![]));
        assert_eq!(t.lookup(&[1, 2], &[Value::Null, Value::Null]).unwrap(), None);
        assert_eq!(file(&dir), "{\"id\":1,\"email\":\"a@x\",\"role\":\"admin\"}\n{\"id\":2,\"email\":\"b@x\",\"role\":\"user\"}\n");
        drop((t, store));
        let store = Store::open(dir.path()).unwrap();
        let rows: Vec<Row> = table(&store).scan().unwrap().map(|r| r.unwrap().row).collect();
        assert_eq!(rows, vec![row(1, "a@x", "admin"), row(2, "b@x", "user")]);
    }

    #[test]
    fn violations_have_postgres_codes_and_undo_the_whole_batch() {
        let (dir, store) = setup();
        let err = commit(&store, vec![insert(3, "c@x", "user"), insert(4, "a@x", "user")]).unwrap_err();
        assert_eq!(err.code, sqlstate::UNIQUE_VIOLATION);
        assert_eq!(err.message, "duplicate key value violates unique constraint \"users_email_key\"");
        assert_eq!(err.detail.as_deref(), Some("Key (email)=(a@x) already exists."));
        let err = commit(&store, vec![insert(1, "z@x", "user")]).unwrap_err();
        assert_eq!(err.message, "duplicate key value violates unique constraint \"users_pkey\"");
        assert_eq!(err.detail.as_deref(), Some("Key (id)=(1) already exists."));
        let t = table(&store);
        assert!(t.get(&key(3)).unwrap().is_none(), "first insert of the failed batch undone");
        assert_eq!(t.lookup(&[1], &[Value::Text("c@x".into())]).unwrap(), Some(vec![]));
        assert_eq!(t.len(), 2);
        assert_eq!(file(&dir).lines().count(), 2);
    }

    #[test]
    fn updates_and_deletes_check_versions_then_compact_to_canonical() {
        let (dir, store) = setup();
        let t = table(&store);
        let (first, stale) = (update(&store, 1, "new@x", "admin"), update(&store, 1, "other@x", "admin"));
        commit(&store, vec![first]).unwrap();
        let err = commit(&store, vec![stale]).unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (sqlstate::SERIALIZATION_FAILURE, "could not serialize access due to concurrent update"));
        assert_eq!(t.lookup(&[1], &[Value::Text("a@x".into())]).unwrap(), Some(vec![]));
        assert_eq!(t.lookup(&[1], &[Value::Text("new@x".into())]).unwrap(), Some(vec![key(1)]));
        commit(&store, vec![delete(&store, 2)]).unwrap();
        assert_eq!(t.lookup(&[1], &[Value::Text("b@x".into())]).unwrap(), Some(vec![]));
        assert!(file(&dir).contains("{\"$deleted\":{\"id\":2}}"));
        assert_eq!(file(&dir).lines().count(), 4);
        crate::storage::compact::compact(&store, &t).unwrap();
        assert_eq!(file(&dir), "{\"id\":1,\"email\":\"new@x\",\"role\":\"admin\"}\n");
        assert_eq!(t.get(&key(1)).unwrap().unwrap().row, row(1, "new@x", "admin"));
        commit(&store, vec![update(&store, 1, "after@x", "admin")]).unwrap();
        assert_eq!(t.scan().unwrap().count(), 1);
    }

    #[test]
    fn filtered_scans_see_every_write_compaction_and_failed_batch() {
        let (_dir, store) = setup();
        let t = table(&store);
        let admins = |t: &Table| -> Vec<i32> {
            let keep: super::super::scan::Keep = Box::new(|r: &Row| Ok(r[2] == Value::Text("admin".into())));
            t.scan_where(vec![false, false, true], keep).unwrap().map(|r| r.unwrap().row[0].as_i64().unwrap() as i32).collect()
        };
        assert_eq!(admins(&t), [1]);
        assert_eq!(admins(&t), [1], "again, from the cached columns");
        commit(&store, vec![insert(3, "c@x", "admin")]).unwrap();
        assert_eq!(admins(&t), [1, 3]);
        commit(&store, vec![update(&store, 2, "b@x", "admin")]).unwrap();
        assert_eq!(admins(&t), [1, 3, 2], "file order: the updated row's line is last");
        assert!(commit(&store, vec![insert(4, "d@x", "admin"), insert(5, "c@x", "admin")]).is_err());
        assert_eq!(admins(&t), [1, 3, 2]);
        commit(&store, vec![delete(&store, 1)]).unwrap();
        assert_eq!(admins(&t), [3, 2]);
        crate::storage::compact::compact(&store, &t).unwrap();
        assert_eq!(admins(&t), [3, 2]);
        commit(&store, vec![update(&store, 3, "c@x", "user")]).unwrap();
        assert_eq!(admins(&t), [2]);
    }

    #[test]
    fn hand_edits_reload_and_bad_lines_break_only_their_table() {
        let (dir, store) = setup();
        let mut other = users();
        other.name = "other".into();
        commit(&store, vec![Change::CreateTable(other), Change::Insert { table: "other".into(), row: row(1, "o@x", "r") }]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(dir.path().join("users.jsonl"), "{\"id\":7,\"email\":\"h@x\"}\n").unwrap();
        let t = table(&store);
        assert_eq!(t.get(&key(7)).unwrap().unwrap().row, vec![Value::Int4(7), Value::Text("h@x".into()), Value::Null]);
        assert_eq!(t.len(), 1);
        std::fs::write(dir.path().join("users.jsonl"), "{\"id\":7}\n{\"id\":\"x\"}\n").unwrap();
        let snap = store.snapshot().unwrap();
        let err = snap.table("users").unwrap().scan().err().unwrap();
        assert_eq!(err.message, "users.jsonl line 2, column \"id\": expected an integer, found \"x\"");
        assert_eq!(snap.table("other").unwrap().len(), 1);
        assert_eq!(file(&dir), "{\"id\":7}\n{\"id\":\"x\"}\n", "nothing overwritten");
        std::fs::write(dir.path().join("_schema/other.json"), "{\"name\":").unwrap();
        let snap = store.snapshot().unwrap();
        assert!(snap.table("other").is_none());
        assert!(snap.problem("other").unwrap().message.starts_with("_schema/other.json: "));
    }

    #[test]
    fn ddl_renames_rewrites_truncates_and_drops() {
        let (dir, store) = setup();
        let mut renamed = users();
        renamed.name = "people".into();
        renamed.columns.truncate(2);
        renamed.indexes.truncate(1);
        let rows = vec![vec![Value::Int4(1), Value::Text("a@x".into())]];
        commit(&store, vec![Change::AlterTable { old_name: "users".into(), schema: renamed, rows: Some(rows) }]).unwrap();
        assert!(!dir.path().join("users.jsonl").exists() && !dir.path().join("_schema/users.json").exists());
        assert_eq!(std::fs::read_to_string(dir.path().join("people.jsonl")).unwrap(), "{\"id\":1,\"email\":\"a@x\"}\n");
        let snap = store.snapshot().unwrap();
        assert!(snap.table("users").is_none());
        assert_eq!(snap.table("people").unwrap().len(), 1);
        commit(&store, vec![Change::Truncate("people".into()), Change::Insert { table: "people".into(), row: vec![Value::Int4(5), Value::Null] }])
            .unwrap();
        assert_eq!(store.snapshot().unwrap().table("people").unwrap().len(), 1);
        let err = commit(&store, vec![Change::DropTable("people".into()), Change::DropTable("people".into())]).unwrap_err();
        assert_eq!(err.code, sqlstate::UNDEFINED_TABLE);
        assert!(dir.path().join("people.jsonl").exists(), "failed batch changed nothing");
        commit(&store, vec![Change::DropTable("people".into())]).unwrap();
        assert!(store.snapshot().unwrap().tables.is_empty());
        assert!(!dir.path().join("people.jsonl").exists() && !dir.path().join("_schema/people.json").exists());
    }

    #[test]
    fn close_compacts_writes_index_files_and_empties_the_journal() {
        let (dir, store) = setup();
        commit(&store, vec![delete(&store, 2)]).unwrap();
        store.close().unwrap();
        assert_eq!(file(&dir).lines().count(), 1);
        assert_eq!(std::fs::metadata(dir.path().join("_journal.jsonl")).unwrap().len(), 0);
        assert_eq!(std::fs::read_to_string(dir.path().join("_idx/users/email.json")).unwrap(), "{\"a@x\":1}\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("_idx/users/role/admin.json")).unwrap(), "[1]\n");
        assert!(!dir.path().join("_idx/users/role/user.json").exists());
        assert_eq!(store.next_sequence_value("users", "id").unwrap(), 2);
    }

    #[test]
    fn keyless_tables_update_and_delete_by_row_id_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut log = users();
        log.name = "log".into();
        log.columns[0].primary_key = false;
        log.indexes.clear();
        let add = |id| Change::Insert { table: "log".into(), row: row(id, "same", "r") };
        commit(&store, vec![Change::CreateTable(log), add(1), add(1), add(2)]).unwrap();
        let t = store.snapshot().unwrap().table("log").unwrap().clone();
        let found: Vec<_> = t.scan().unwrap().map(|r| r.unwrap()).collect();
        let (first, second) = (&found[0], &found[1]);
        commit(
            &store,
            vec![Change::Update {
                table: "log".into(),
                key: first.key.clone(),
                expected_version: first.version,
                row: row(9, "same", "r"),
                old: first.row.clone(),
            }],
        )
        .unwrap();
        commit(
            &store,
            vec![Change::Delete { table: "log".into(), key: second.key.clone(), expected_version: second.version, old: second.row.clone() }],
        )
        .unwrap();
        let ids = |t: &Table| -> Vec<i64> { t.scan().unwrap().map(|r| r.unwrap().row[0].as_i64().unwrap()).collect() };
        assert_eq!(ids(&t), vec![2, 9]);
        drop((t, store));
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(ids(store.snapshot().unwrap().table("log").unwrap()), vec![2, 9]);
    }

    #[test]
    fn one_batch_may_create_fill_and_alter_a_table_twice() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut v2 = users();
        v2.indexes.clear();
        let mut v3 = v2.clone();
        v3.name = "members".into();
        commit(
            &store,
            vec![
                Change::CreateTable(users()),
                insert(1, "a@x", "admin"),
                Change::AlterTable { old_name: "users".into(), schema: v2, rows: None },
                insert(2, "b@x", "user"),
                Change::AlterTable { old_name: "users".into(), schema: v3, rows: None },
            ],
        )
        .unwrap();
        let t = store.snapshot().unwrap().table("members").unwrap().clone();
        assert_eq!(t.scan().unwrap().count(), 2);
        assert_eq!(std::fs::read_to_string(dir.path().join("members.jsonl")).unwrap().lines().count(), 2);
        drop((t, store));
        assert_eq!(Store::open(dir.path()).unwrap().snapshot().unwrap().table("members").unwrap().len(), 2);
    }

    #[test]
    fn compaction_keeps_up_with_concurrent_writers() {
        let (dir, store) = setup();
        let t = table(&store);
        let writer = {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 10..300 {
                    commit(&store, vec![insert(i, &format!("{i}@x"), "w")]).unwrap();
                    commit(&store, vec![update(&store, i, &format!("{i}@y"), "w")]).unwrap();
                }
            })
        };
        while !writer.is_finished() {
            crate::storage::compact::compact(&store, &t).unwrap();
        }
        writer.join().unwrap();
        let rows: Vec<Row> = t.scan().unwrap().map(|r| r.unwrap().row).collect();
        assert_eq!(rows.len(), 292);
        assert!(rows.iter().skip(2).all(|r| matches!(&r[1], Value::Text(e) if e.ends_with("@y"))));
        store.close().unwrap();
        assert_eq!(file(&dir).lines().count(), 292);
    }

    #[test]
    fn store_table_and_snapshot_are_shareable_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Store>();
        shareable::<Table>();
        shareable::<Snapshot>();
        let (_dir, store) = setup();
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let snap = store.snapshot().unwrap();
                std::thread::spawn(move || snap.table("users").unwrap().scan().unwrap().count())
            })
            .collect();
        assert!(readers.into_iter().all(|r| r.join().unwrap() == 2));
    }

    #[test]
    fn snapshots_run_alongside_ddl_batches() {
        let (_dir, store) = setup();
        let ddl = {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 10..40 {
                    let mut extra = users();
                    extra.name = "extra".into();
                    commit(&store, vec![Change::CreateTable(extra), insert(i, &format!("{i}@x"), "r")]).unwrap();
                    commit(&store, vec![Change::DropTable("extra".into())]).unwrap();
                }
            })
        };
        while !ddl.is_finished() {
            assert!(store.snapshot().unwrap().table("users").is_some());
        }
        ddl.join().unwrap();
        assert_eq!(table(&store).len(), 32);
    }

    #[test]
    fn a_commit_never_writes_over_an_edit_it_has_not_seen() {
        let (dir, store) = setup();
        let t = table(&store);
        std::fs::OpenOptions::new().append(true).open(dir.path().join("users.jsonl")).unwrap().write_all(b"{\"id\":3}\n").unwrap();
        let err = commit(&store, vec![insert(4, "d@x", "r")]).unwrap_err();
        assert_eq!(err.code, sqlstate::SERIALIZATION_FAILURE);
        assert!(file(&dir).ends_with("{\"id\":3}\n"));
        store.snapshot().unwrap(); // what a retry does first: the edit is loaded
        commit(&store, vec![insert(4, "d@x", "r")]).unwrap();
        assert_eq!(table(&store).len(), 4);
        assert_eq!(t.len(), 2, "the old image is unchanged");
    }

    #[test]
    fn an_in_place_edit_of_the_same_length_after_our_writes_is_seen() {
        let (dir, store) = setup();
        commit(&store, vec![insert(3, "c@x", "r")]).unwrap();
        assert_eq!(table(&store).len(), 3, "our own write is not taken for an edit");
        let path = dir.path().join("users.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.find("c@x").unwrap() as u64;
        // Same length, same inode, written in place the way some editors save.
        std::os::unix::fs::FileExt::write_all_at(&std::fs::OpenOptions::new().write(true).open(&path).unwrap(), b"z@x", at).unwrap();
        let err = commit(&store, vec![insert(4, "d@x", "r")]).unwrap_err();
        assert_eq!((err.code, err.detail.as_deref()), (sqlstate::SERIALIZATION_FAILURE, Some("users.jsonl was changed on disk.")));
        let t = table(&store);
        assert!(t.get(&key(3)).unwrap().is_some_and(|r| r.row[1] == Value::Text("z@x".into())), "the edit was loaded");
        commit(&store, vec![insert(4, "d@x", "r")]).unwrap();
        assert_eq!(table(&store).len(), 4);
    }

    #[test]
    fn a_batch_of_ten_inserts_is_one_fdatasync() {
        let (_dir, store) = setup();
        let before = store.flusher.syncs.load(Ordering::Relaxed);
        commit(&store, (10..20).map(|i| insert(i, &format!("{i}@x"), "r")).collect()).unwrap();
        assert_eq!(store.flusher.syncs.load(Ordering::Relaxed) - before, 1);
        assert_eq!(table(&store).len(), 12);
    }
}
