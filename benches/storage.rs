//! Storage benchmarks: point lookup through the offset index, a one-row commit (append plus
//! group-commit fdatasync), an UPDATE by primary key on a 1,000-row and a 1,000,000-row table
//! (through `Store::commit`, as the engine does), and opening a 1,000,000-row table (index
//! build; the timed opens find the file already checked). Also prints the first open's time
//! (every value checked), the resident memory the open keeps per row and its peak.

use criterion::{criterion_group, criterion_main, Criterion};
use smallvec::smallvec;
use smarterbase::storage::{Change, Key, Store, WriteBatch};
use smarterbase::types::Value;
use std::io::Write;
use std::path::Path;

const SCHEMA: &str = r#"{"name":"users","columns":[{"name":"id","type":"uuid","primary_key":true},{"name":"email","type":"text"},{"name":"name","type":"text"},{"name":"age","type":"integer"}]}"#;
/// The same table with a unique index on email (an update must maintain it).
const SCHEMA_UNIQUE_EMAIL: &str = r#"{"name":"users","columns":[{"name":"id","type":"uuid","primary_key":true},{"name":"email","type":"text"},{"name":"name","type":"text"},{"name":"age","type":"integer"}],"indexes":[{"name":"users_email_key","columns":["email"],"unique":true,"constraint":true}]}"#;

fn uuid(i: u64) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0193_63e8_0000_7000_8000_0000_0000_0000 | i as u128)
}

/// Writes a table of `rows` rows straight to files, as a user (or an export) would.
fn write_table(dir: &Path, schema: &str, rows: u64) {
    std::fs::create_dir_all(dir.join("_schema")).unwrap();
    std::fs::write(dir.join("_schema/users.json"), schema).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("users.jsonl")).unwrap());
    for i in 0..rows {
        writeln!(out, r#"{{"id":"{}","email":"user{i}@example.com","name":"User {i}","age":{}}}"#, uuid(i), i % 90).unwrap();
    }
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
}

/// Peak resident memory since the last [`reset_peak_rss`] (VmHWM).
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok());
    kb.unwrap_or(0) * 1024
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn lookup_and_append(c: &mut Criterion) {
    // Set up on first use: criterion calls a benchmark only when the filter selects it.
    let mut setup = None;
    let mut i = 0u64;
    c.bench_function("point lookup (100k rows)", |b| {
        let (_dir, store) = setup.get_or_insert_with(|| table_of(SCHEMA, 100_000));
        let table = store.snapshot().unwrap().table("users").unwrap().clone();
        b.iter(|| {
            i = (i * 7919 + 1) % 100_000;
            table.get(&Key(smallvec![Value::Uuid(uuid(i))])).unwrap().unwrap()
        })
    });
    let mut n = 1_000_000u64;
    c.bench_function("commit 1 insert (durable)", |b| {
        let (_dir, store) = setup.get_or_insert_with(|| table_of(SCHEMA, 100_000));
        b.iter(|| {
            n += 1;
            let row = vec![Value::Uuid(uuid(n)), Value::Text(format!("u{n}@example.com")), Value::Text("New".into()), Value::Int4(30)];
            store.commit(WriteBatch { changes: vec![Change::Insert { table: "users".into(), row }] }).unwrap().wait_blocking().unwrap()
        })
    });
}

/// A store over a fresh table of `rows` rows.
fn table_of(schema: &str, rows: u64) -> (tempfile::TempDir, std::sync::Arc<Store>) {
    let dir = tempfile::tempdir().unwrap();
    write_table(dir.path(), schema, rows);
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

/// CPU time (user + system, every thread) the process has used so far.
fn cpu_time() -> std::time::Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct we pass.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    std::time::Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

fn open_million(c: &mut Criterion) {
    let mut group = c.benchmark_group("open");
    group.sample_size(10);
    let mut setup = None;
    group.bench_function("open 1,000,000-row table", |b| {
        let dir = setup.get_or_insert_with(first_open_of_a_million_rows);
        b.iter(|| Store::open(dir.path()).unwrap())
    });
    group.finish();
}

/// Writes a 1,000,000-row table and opens it once (every value checked), printing the time,
/// CPU time and memory that took.
fn first_open_of_a_million_rows() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_table(dir.path(), SCHEMA, 1_000_000);
    let before = rss_bytes();
    reset_peak_rss();
    let (started, cpu) = (std::time::Instant::now(), cpu_time());
    let store = Store::open(dir.path()).unwrap();
    let (first, cpu) = (started.elapsed(), cpu_time() - cpu);
    let after = rss_bytes();
    println!(
        "first open of 1,000,000 rows (every value checked): {first:?} ({cpu:?} CPU); resident memory grew {} bytes/row, peaked {} MB above the start",
        (after.saturating_sub(before)) / 1_000_000,
        peak_rss_bytes().saturating_sub(before) >> 20
    );
    drop(store);
    let (started, cpu) = (std::time::Instant::now(), cpu_time());
    drop(Store::open(dir.path()).unwrap());
    println!("second open (file known checked): {:?} ({:?} CPU)", started.elapsed(), cpu_time() - cpu);
    dir
}

/// UPDATE users SET age = age + 1 WHERE id = $1, as the engine commits it: read the row by
/// key, then one batch with the new row and the version read. Timed without waiting for the
/// fdatasync (the flusher still runs), so the numbers show what the update itself costs.
fn update_by_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("update");
    for rows in [1_000u64, 1_000_000] {
        let mut setup = None;
        let mut i = 0u64;
        group.bench_function(format!("update by key ({rows} rows)"), |b| {
            let (_dir, store) = setup.get_or_insert_with(|| table_of(SCHEMA_UNIQUE_EMAIL, rows));
            b.iter(|| {
                i = (i * 7919 + 1) % rows;
                let key = Key(smallvec![Value::Uuid(uuid(i))]);
                let stored = store.snapshot().unwrap().table("users").unwrap().get(&key).unwrap().unwrap();
                let mut row = stored.row.clone();
                row[3] = Value::Int4(row[3].as_i64().unwrap() as i32 + 1);
                let change = Change::Update { table: "users".into(), key, expected_version: stored.version, row, old: stored.row };
                store.commit(WriteBatch { changes: vec![change] }).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lookup_and_append, update_by_key, open_million);
criterion_main!(benches);
