//! Crash test: a child process (this binary re-executed with `SB_CRASH_DIR` set) commits
//! batches under load from several threads and prints every acknowledged batch; the parent
//! SIGKILLs it at random moments, reopens the data directory and checks that every
//! acknowledged insert and delete is there, that every multi-table batch is wholly present or
//! wholly absent, and that every line of every table file parses.

use rand::Rng;
use smallvec::smallvec;
use smarterbase::catalog::TableSchema;
use smarterbase::storage::{Change, Key, Store, WriteBatch};
use smarterbase::types::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: u64 = 14;
const THREADS: i64 = 4;

fn main() {
    match std::env::var("SB_CRASH_DIR") {
        Ok(dir) => child(Path::new(&dir), std::env::var("SB_CRASH_BASE").unwrap().parse().unwrap()),
        Err(_) => parent(),
    }
}

fn schema(name: &str) -> TableSchema {
    let text = format!(r#"{{"name":"{name}","columns":[{{"name":"id","type":"bigint","primary_key":true}},{{"name":"payload","type":"text"}}]}}"#);
    serde_json::from_str(&text).unwrap()
}

fn key(id: i64) -> Key {
    Key(smallvec![Value::Int8(id)])
}

fn row(id: i64) -> Vec<Value> {
    vec![Value::Int8(id), Value::Text(format!("row {id} {}", "x".repeat((id % 50) as usize)))]
}

/// Child: commit forever, printing `ins <id> [del <id>]` once each batch is durable.
fn child(dir: &Path, base: i64) {
    let store = Store::open(dir).unwrap();
    if store.snapshot().unwrap().table("a").is_none() {
        let batch = WriteBatch { changes: vec![Change::CreateTable(schema("a")), Change::CreateTable(schema("b"))] };
        store.commit(batch).unwrap().wait_blocking().unwrap();
    }
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || writer(&store, base + t * 10_000_000))
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
}

fn writer(store: &Store, base: i64) {
    let stdout = std::io::stdout();
    for n in 0.. {
        let id = base + n;
        let mut changes = vec![Change::Insert { table: "a".into(), row: row(id) }, Change::Insert { table: "b".into(), row: row(id) }];
        let old = id - 5;
        let deleting = n >= 5 && n % 3 == 0;
        if deleting {
            let snap = store.snapshot().unwrap();
            for t in ["a", "b"] {
                let stored = snap.table(t).unwrap().get(&key(old)).unwrap().unwrap();
                changes.push(Change::Delete { table: t.into(), key: key(old), expected_version: stored.version, old: stored.row });
            }
        }
        store.commit(WriteBatch { changes }).unwrap().wait_blocking().unwrap();
        // One write per batch (atomic on a pipe), so a kill never splits a batch's report.
        let report = if deleting { format!("ins {id} del {old}\n") } else { format!("ins {id}\n") };
        let mut out = stdout.lock();
        out.write_all(report.as_bytes()).unwrap();
        out.flush().unwrap();
    }
}

/// Parent: run, kill, verify, many times.
fn parent() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (mut inserted, mut deleted) = (BTreeSet::new(), BTreeSet::new());
    let mut rng = rand::rng();
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env("SB_CRASH_DIR", dir.path())
            .env("SB_CRASH_BASE", (round as i64 * 1_000_000_000).to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<_>>());
        std::thread::sleep(Duration::from_millis(rng.random_range(150..700)));
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let words: Vec<&str> = line.split(' ').collect();
            for pair in words.chunks(2) {
                let id: i64 = pair[1].parse().unwrap();
                if pair[0] == "ins" {
                    inserted.insert(id)
                } else {
                    deleted.insert(id)
                };
            }
        }
        verify(dir.path(), &inserted, &deleted, round);
    }
    assert!(inserted.len() > 100, "the child committed too little to test anything: {}", inserted.len());
    println!(
        "crash test: {ROUNDS} kills, {} acknowledged inserts, {} deletes, all present, in {:?}",
        inserted.len(),
        deleted.len(),
        started.elapsed()
    );
}

/// Batch `n` of a writer deletes the row of batch `n - 5` when this holds.
fn deletes(id: i64) -> bool {
    let n = id % 10_000_000;
    n >= 5 && n % 3 == 0
}

/// Whether the batch that deletes `id` committed: its own row is there, acknowledged, or
/// itself deleted by a committed batch.
fn deleted_by_committed_batch(id: i64, a: &BTreeSet<i64>, acked: &BTreeSet<i64>) -> bool {
    let by = id + 5;
    deletes(by) && (a.contains(&by) || acked.contains(&by) || deleted_by_committed_batch(by, a, acked))
}

fn verify(dir: &Path, inserted: &BTreeSet<i64>, deleted: &BTreeSet<i64>, round: u64) {
    let store = Store::open(dir).unwrap();
    let snap = store.snapshot().unwrap();
    let ids = |t: &str| -> BTreeSet<i64> { snap.table(t).unwrap().scan().unwrap().map(|r| r.unwrap().row[0].as_i64().unwrap()).collect() };
    let (a, b) = (ids("a"), ids("b"));
    assert_eq!(a, b, "round {round}: a batch is present in one table and not the other");
    for id in inserted.difference(deleted) {
        // Missing is fine only if the batch deleting it committed (acknowledged or not).
        assert!(a.contains(id) || deleted_by_committed_batch(*id, &a, inserted), "round {round}: acknowledged insert {id} lost");
        if a.contains(id) {
            assert_eq!(snap.table("a").unwrap().get(&key(*id)).unwrap().unwrap().row, row(*id));
        }
    }
    for id in deleted {
        assert!(!a.contains(id), "round {round}: acknowledged delete of {id} lost");
    }
    for t in ["a", "b"] {
        let text = std::fs::read_to_string(dir.join(format!("{t}.jsonl"))).unwrap();
        for (n, line) in text.lines().enumerate() {
            serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("round {round}: {t}.jsonl line {}: {e}", n + 1));
        }
    }
    if round % 3 == 2 {
        store.close().unwrap();
    }
}
