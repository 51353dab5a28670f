//! The SQL engine in-process: parse + bind + execute, without the network.
//! - a prepared primary-key point query (bind parameters -> row), the issue's < 3 µs target;
//! - the same query as a fresh simple-protocol statement (parse and bind every time);
//! - a 10-row ORDER BY ... LIMIT through the role index;
//! - a full scan with a filter (rows per second).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use smarterbase::exec::{Engine, Session};
use smarterbase::storage::Store;
use smarterbase::types::Value;
use std::sync::Arc;

const ROWS: i32 = 100_000;

fn session(dir: &std::path::Path) -> Session {
    let engine = Arc::new(Engine::new(Store::open(dir).unwrap()));
    let mut s = Session::new(engine, &[]);
    let ok = |r: Vec<smarterbase::Result<smarterbase::exec::QueryResult>>| {
        for r in r {
            if let Some(d) = r.unwrap().durable {
                d.wait_blocking().unwrap();
            }
        }
    };
    ok(s.execute_simple("CREATE TABLE bench_users (id integer PRIMARY KEY, email text UNIQUE, role text, age integer)"));
    ok(s.execute_simple("CREATE INDEX bench_users_role ON bench_users (role)"));
    let roles = ["admin", "editor", "viewer", "member", "guest"];
    for chunk in (0..ROWS).collect::<Vec<_>>().chunks(1000) {
        let values: Vec<String> =
            chunk.iter().map(|i| format!("({i}, 'user{i}@example.com', '{}', {})", roles[*i as usize % 5], 18 + i % 73)).collect();
        ok(s.execute_simple(&format!("INSERT INTO bench_users VALUES {}", values.join(","))));
    }
    s
}

fn queries(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let point = s.prepare("SELECT * FROM bench_users WHERE id = $1", &[]).unwrap();
    let mut i = 0;
    c.bench_function("prepared pk point query (execute)", |b| {
        b.iter(|| {
            i = (i * 7919 + 1) % ROWS;
            let r = s.execute(&point, &[Value::Int4(i)]).unwrap();
            assert_eq!(r.rows.len(), 1);
        })
    });
    c.bench_function("pk point query (parse + bind + execute)", |b| {
        b.iter(|| {
            i = (i * 7919 + 1) % ROWS;
            let r = s.execute_simple(&format!("SELECT * FROM bench_users WHERE id = {i}")).pop().unwrap().unwrap();
            assert_eq!(r.rows.len(), 1);
        })
    });
    let top = s.prepare("SELECT * FROM bench_users WHERE role = 'admin' ORDER BY id DESC LIMIT 10", &[]).unwrap();
    c.bench_function("10-row ORDER BY LIMIT via role index", |b| b.iter(|| assert_eq!(s.execute(&top, &[]).unwrap().rows.len(), 10)));
    let scan = s.prepare("SELECT * FROM bench_users WHERE age > 89", &[]).unwrap();
    let mut g = c.benchmark_group("full scan with filter");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.sample_size(10);
    g.bench_function("100k rows", |b| b.iter(|| s.execute(&scan, &[]).unwrap().rows.len()));
    g.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
