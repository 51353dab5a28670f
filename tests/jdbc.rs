//! JDBC smoke test: the PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java, installed by
//! tests/run) connects to the real server, prepares statements and reads uuid, text, numeric and
//! timestamptz columns back (tests/jdbc/JdbcSmoke.java does the checking).

mod sb_server;

use sb_server::Server;
use std::process::Command;

#[test]
fn jdbc_driver_connects_prepares_and_reads_types() {
    let jar = std::env::var("SB_TEST_JDBC_JAR").unwrap_or_else(|_| "/usr/share/java/postgresql.jar".into());
    assert!(std::path::Path::new(&jar).exists(), "PostgreSQL JDBC driver not found at {jar}: run tests/run, which installs libpostgresql-jdbc-java");
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/jdbc/JdbcSmoke.java");
    let out = Command::new("java").args(["-cp", &jar, source, &server.port.to_string()]).output().expect("run java (install default-jdk-headless)");
    server.stop();
    assert!(out.status.success(), "JDBC smoke test failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "jdbc ok");
}
