//! Storage benchmarks: point lookup through the offset index, a one-row commit (append plus
//! group-commit fdatasync), and opening a 1,000,000-row table (index build; the timed opens
//! find the file already checked). Also prints the first open's time (every value checked)
//! and the resident memory the open costs per row.

use criterion::{criterion_group, criterion_main, Criterion};
use smallvec::smallvec;
use smarterbase::catalog::TableSchema;
use smarterbase::storage::{Change, Key, Store, WriteBatch};
use smarterbase::types::Value;
use std::io::Write;
use std::path::Path;

const SCHEMA: &str = r#"{"name":"users","columns":[{"name":"id","type":"uuid","primary_key":true},{"name":"email","type":"text"},{"name":"name","type":"text"},{"name":"age","type":"integer"}]}"#;

fn uuid(i: u64) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0193_63e8_0000_7000_8000_0000_0000_0000 | i as u128)
}

/// Writes a table of `rows` rows straight to files, as a user (or an export) would.
fn write_table(dir: &Path, rows: u64) {
    std::fs::create_dir_all(dir.join("_schema")).unwrap();
    std::fs::write(dir.join("_schema/users.json"), SCHEMA).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("users.jsonl")).unwrap());
    for i in 0..rows {
        writeln!(out, r#"{{"id":"{}","email":"user{i}@example.com","name":"User {i}","age":{}}}"#, uuid(i), i % 90).unwrap();
    }
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
}

fn lookup_and_append(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    write_table(dir.path(), 100_000);
    let store = Store::open(dir.path()).unwrap();
    let table = store.snapshot().unwrap().table("users").unwrap().clone();
    let mut i = 0u64;
    c.bench_function("point lookup (100k rows)", |b| {
        b.iter(|| {
            i = (i * 7919 + 1) % 100_000;
            table.get(&Key(smallvec![Value::Uuid(uuid(i))])).unwrap().unwrap()
        })
    });
    let mut n = 1_000_000u64;
    c.bench_function("commit 1 insert (durable)", |b| {
        b.iter(|| {
            n += 1;
            let row = vec![Value::Uuid(uuid(n)), Value::Text(format!("u{n}@example.com")), Value::Text("New".into()), Value::Int4(30)];
            store.commit(WriteBatch { changes: vec![Change::Insert { table: "users".into(), row }] }).unwrap().wait_blocking().unwrap()
        })
    });
}

fn open_million(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    write_table(dir.path(), 1_000_000);
    let before = rss_bytes();
    let started = std::time::Instant::now();
    let store = Store::open(dir.path()).unwrap();
    let first = started.elapsed();
    let after = rss_bytes();
    println!(
        "first open of 1,000,000 rows (every value checked): {first:?}; resident memory grew {} bytes/row",
        (after.saturating_sub(before)) / 1_000_000
    );
    drop(store);
    let mut group = c.benchmark_group("open");
    group.sample_size(10);
    group.bench_function("open 1,000,000-row table", |b| b.iter(|| Store::open(dir.path()).unwrap()));
    group.finish();
    let _ = serde_json::from_str::<TableSchema>(SCHEMA).unwrap();
}

criterion_group!(benches, lookup_and_append, open_million);
criterion_main!(benches);
