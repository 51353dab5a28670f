//! End to end over loopback, through the real `smarterbase` binary, once per IO backend:
//! - a prepared primary-key point lookup (100,000 rows): the round trip a driver sees;
//! - a durable single-row INSERT (autocommit: the commit's group fdatasync is inside).
//!
//! The client is tokio-postgres on a current-thread runtime, so its own cost (a few µs) is in
//! every figure; perf/run compares the server with PostgreSQL 15 under pgbench instead.

#[path = "../tests/support/server.rs"]
mod server;

use criterion::{criterion_group, criterion_main, Criterion};
use server::Server;
use tokio_postgres::{Client, NoTls};

const ROWS: i32 = 100_000;

fn backends() -> Vec<&'static str> {
    let mut v = vec!["tokio"];
    if cfg!(all(feature = "io-uring", target_os = "linux")) {
        v.insert(0, "uring");
    }
    v
}

async fn connect(server: &Server) -> Client {
    let (client, connection) = tokio_postgres::connect(&server.conn_str(), NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

async fn load(client: &Client) {
    client
        .batch_execute(&format!(
            "CREATE TABLE bench_users (id integer PRIMARY KEY, email text UNIQUE, name text, age integer);
             INSERT INTO bench_users SELECT g, 'user' || g || '@example.com', 'User ' || g, 18 + g % 73 FROM generate_series(0, {}) g;
             CREATE TABLE bench_events (id bigserial PRIMARY KEY, user_id integer, kind text, payload jsonb)",
            ROWS - 1
        ))
        .await
        .unwrap();
}

fn end_to_end(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for io in backends() {
        let server = Server::start(io, &[]);
        let client = rt.block_on(connect(&server));
        rt.block_on(load(&client));
        let point = rt.block_on(client.prepare("SELECT * FROM bench_users WHERE id = $1")).unwrap();
        let insert = rt.block_on(client.prepare("INSERT INTO bench_events (user_id, kind, payload) VALUES ($1, 'click', '{\"x\": 1}')")).unwrap();
        let mut i = 0;
        c.bench_function(&format!("e2e prepared pk point lookup ({io})"), |b| {
            b.iter(|| {
                i = (i * 7919 + 1) % ROWS;
                let row = rt.block_on(client.query_one(&point, &[&i])).unwrap();
                assert_eq!(row.get::<_, i32>(0), i);
            })
        });
        c.bench_function(&format!("e2e durable single-row insert ({io})"), |b| {
            b.iter(|| assert_eq!(rt.block_on(client.execute(&insert, &[&i])).unwrap(), 1))
        });
    }
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
