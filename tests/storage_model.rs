//! Model test: random inserts, updates, deletes, stale updates, reopens (with and without a
//! clean close) and hand edits of the .jsonl file, checked after every step against a
//! BTreeMap: every point read, every scan and every index lookup.

use proptest::prelude::*;
use smallvec::smallvec;
use smarterbase::catalog::TableSchema;
use smarterbase::error::sqlstate;
use smarterbase::storage::{Change, Key, Store, StoredRow, WriteBatch};
use smarterbase::types::Value;
use std::collections::BTreeMap;
use std::path::Path;

const SCHEMA: &str = r#"{"name":"t","columns":[{"name":"id","type":"integer","primary_key":true},{"name":"email","type":"text"},{"name":"n","type":"bigint"}],
  "indexes":[{"name":"t_email_key","columns":["email"],"unique":true},{"name":"t_n_idx","columns":["n"]}]}"#;

type Model = BTreeMap<i32, (Option<String>, i64)>;

#[derive(Debug, Clone)]
enum Op {
    Insert(i32, Option<String>, i64),
    Update(i32, Option<String>, i64),
    Delete(i32),
    StaleUpdate(i32),
    Reopen,
    CloseReopen,
    HandEdit(i32, i64),
}

fn op() -> impl Strategy<Value = Op> {
    let id = 0..12i32;
    let email = proptest::option::of("[a-c]{1,2}");
    prop_oneof![
        4 => (id.clone(), email.clone(), 0..4i64).prop_map(|(i, e, n)| Op::Insert(i, e, n)),
        3 => (id.clone(), email, 0..4i64).prop_map(|(i, e, n)| Op::Update(i, e, n)),
        2 => id.clone().prop_map(Op::Delete),
        1 => id.clone().prop_map(Op::StaleUpdate),
        1 => Just(Op::Reopen),
        1 => Just(Op::CloseReopen),
        1 => (id, 0..4i64).prop_map(|(i, n)| Op::HandEdit(i, n)),
    ]
}

fn row(id: i32, email: &Option<String>, n: i64) -> Vec<Value> {
    vec![Value::Int4(id), email.clone().map_or(Value::Null, Value::Text), Value::Int8(n)]
}

fn key(id: i32) -> Key {
    Key(smallvec![Value::Int4(id)])
}

fn commit(store: &Store, change: Change) -> Result<(), smarterbase::Error> {
    store.commit(WriteBatch { changes: vec![change] })?.wait_blocking()
}

fn stored(store: &Store, id: i32) -> Option<StoredRow> {
    store.snapshot().unwrap().table("t").unwrap().get(&key(id)).unwrap()
}

fn email_taken(model: &Model, id: i32, email: &Option<String>) -> bool {
    email.is_some() && model.iter().any(|(other, (e, _))| *other != id && e == email)
}

/// Applies `op` to the store and the model, checking the store's answer.
fn step(dir: &Path, store: &Store, model: &mut Model, op: &Op) {
    let update = |id, email: &Option<String>, n, old: &StoredRow| Change::Update {
        table: "t".into(),
        key: key(id),
        expected_version: old.version,
        row: row(id, email, n),
        old: old.row.clone(),
    };
    match op {
        Op::Insert(id, email, n) => {
            let result = commit(store, Change::Insert { table: "t".into(), row: row(*id, email, *n) });
            if model.contains_key(id) || email_taken(model, *id, email) {
                assert_eq!(result.unwrap_err().code, sqlstate::UNIQUE_VIOLATION);
            } else {
                result.unwrap();
                model.insert(*id, (email.clone(), *n));
            }
        }
        Op::Update(id, email, n) => {
            let Some(old) = stored(store, *id) else { return };
            let result = commit(store, update(*id, email, *n, &old));
            if email_taken(model, *id, email) {
                assert_eq!(result.unwrap_err().code, sqlstate::UNIQUE_VIOLATION);
            } else {
                result.unwrap();
                model.insert(*id, (email.clone(), *n));
            }
        }
        Op::Delete(id) => {
            let Some(old) = stored(store, *id) else { return };
            commit(store, Change::Delete { table: "t".into(), key: key(*id), expected_version: old.version, old: old.row }).unwrap();
            model.remove(id);
        }
        Op::StaleUpdate(id) => {
            let Some(old) = stored(store, *id) else { return };
            let (email, n) = model[id].clone();
            commit(store, update(*id, &email, n + 1, &old)).unwrap();
            model.insert(*id, (email.clone(), n + 1));
            let err = commit(store, update(*id, &email, n + 2, &old)).unwrap_err();
            assert_eq!(err.code, sqlstate::SERIALIZATION_FAILURE);
        }
        Op::HandEdit(id, n) => hand_edit(dir, model, *id, *n),
        Op::Reopen | Op::CloseReopen => unreachable!("the test loop reopens"),
    }
}

/// Rewrites the live line of `id` the way an editor would (new file renamed over the old).
fn hand_edit(dir: &Path, model: &mut Model, id: i32, n: i64) {
    let Some((email, _)) = model.get(&id).cloned() else { return };
    let path = dir.join("t.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let is_row = |l: &str| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"] == serde_json::json!(id);
    let last = lines.iter().rposition(|l| is_row(l)).expect("a live row has a line");
    let email_json = serde_json::to_string(&email).unwrap();
    lines[last] = format!("{{ \"id\": {id}, \"n\": {n}, \"email\": {email_json} }}");
    let tmp = dir.join("t.jsonl.edit");
    std::fs::write(&tmp, lines.join("\n") + "\n").unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    model.insert(id, (email, n));
}

/// Every read the store offers agrees with the model.
fn check(store: &Store, model: &Model) {
    let snap = store.snapshot().unwrap();
    let t = snap.table("t").unwrap();
    for id in 0..12 {
        let got = t.get(&key(id)).unwrap().map(|r| r.row);
        assert_eq!(got, model.get(&id).map(|(e, n)| row(id, e, *n)), "get {id}");
    }
    let mut scanned: Vec<Vec<Value>> = t.scan().unwrap().map(|r| r.unwrap().row).collect();
    scanned.sort();
    let expected: Vec<Vec<Value>> = model.iter().map(|(id, (e, n))| row(*id, e, *n)).collect();
    assert_eq!(scanned, expected, "scan");
    assert_eq!(t.len(), model.len());
    for (id, (email, _)) in model {
        if let Some(e) = email {
            assert_eq!(t.lookup(&[1], &[Value::Text(e.clone())]).unwrap(), Some(vec![key(*id)]), "email {e}");
        }
    }
    for n in 0..6 {
        let mut keys = t.lookup(&[2], &[Value::Int8(n)]).unwrap().unwrap();
        keys.sort();
        let expected: Vec<Key> = model.iter().filter(|(_, (_, m))| *m == n).map(|(id, _)| key(*id)).collect();
        assert_eq!(keys, expected, "n = {n}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn storage_matches_a_btreemap(ops in proptest::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let schema: TableSchema = serde_json::from_str(SCHEMA).unwrap();
        commit(&store, Change::CreateTable(schema)).unwrap();
        let mut model = Model::new();
        for op in &ops {
            match op {
                Op::Reopen | Op::CloseReopen => {
                    if matches!(op, Op::CloseReopen) {
                        store.close().unwrap();
                    }
                    drop(store); // releases the data directory lock
                    store = Store::open(dir.path()).unwrap();
                }
                _ => step(dir.path(), &store, &mut model, op),
            }
            check(&store, &model);
        }
    }
}
