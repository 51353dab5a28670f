//! Server limits. Every table holds two file descriptors in the server (a read-only one for
//! readers, one for its appends), so the server raises its soft open-files limit to the hard
//! limit at start: a data directory with more tables than half the usual soft limit still
//! works. A statement nested too deeply gets 54001 instead of overflowing a worker's stack
//! (which would abort the whole server).

mod support;

use support::server::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_tables_than_a_low_soft_file_limit_allows() {
    // The server inherits this process's limits: a soft limit of 256, the hard one unchanged.
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain syscalls on a struct we own.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        assert!(limit.rlim_max >= 1024, "this test needs a hard limit of at least 1024 open files");
        limit.rlim_cur = 256;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
    let server = Server::start("auto", &[]);
    let (client, connection) = tokio_postgres::connect(&server.conn_str(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let tables = 200; // 400 descriptors: over the soft limit the server started with
    let ddl: String = (0..tables).map(|i| format!("CREATE TABLE t{i} (id integer PRIMARY KEY); INSERT INTO t{i} VALUES ({i});")).collect();
    client.batch_execute(&ddl).await.unwrap();
    let union: Vec<String> = (0..tables).map(|i| format!("SELECT id FROM t{i}")).collect();
    let row = client.query_one(&format!("SELECT count(*), sum(id) FROM ({}) AS u", union.join(" UNION ALL ")), &[]).await.unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (tables, (0..tables).sum::<i64>()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_nested_too_deeply_gets_54001_and_the_server_keeps_serving() {
    let server = Server::start("auto", &[]);
    let (client, connection) = tokio_postgres::connect(&server.conn_str(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let deep = format!("SELECT {}", vec!["1"; 20_000].join(" + "));
    let err = client.simple_query(&deep).await.unwrap_err();
    let db = err.as_db_error().expect("an error from the server");
    assert_eq!((db.code().code(), db.message()), ("54001", "stack depth limit exceeded"));
    // A 4 MB chain: refused before sqlparser builds a million-level tree (cloning or dropping
    // one overflowed even a release build's worker stack).
    let huge = format!("SELECT {}", vec!["1"; 1_000_000].join("+"));
    let err = client.simple_query(&huge).await.unwrap_err();
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("54001"));
    let unions = vec!["SELECT 1"; 300].join(" UNION ALL ");
    assert_eq!(client.query(&unions, &[]).await.unwrap().len(), 300, "ordinary nesting still works");
    let row = client.query_one("SELECT 1 + 1", &[]).await.unwrap();
    assert_eq!(row.get::<_, i32>(0), 2);
}
