//! JDBC smoke test: the PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java, installed by
//! tests/run) connects to the real server, prepares statements and reads uuid, text, numeric and
//! timestamptz columns back (tests/jdbc/JdbcSmoke.java does the checking).

use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn jdbc_driver_connects_prepares_and_reads_types() {
    let jar = std::env::var("SB_TEST_JDBC_JAR").unwrap_or_else(|_| "/usr/share/java/postgresql.jar".into());
    assert!(std::path::Path::new(&jar).exists(), "PostgreSQL JDBC driver not found at {jar}: run tests/run, which installs libpostgresql-jdbc-java");
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_smarterbase"))
        .args(["serve", "--port", &port.to_string(), "--data"])
        .arg(dir.path().join("data"))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/jdbc/JdbcSmoke.java");
    let out = Command::new("java").args(["-cp", &jar, source, &port.to_string()]).output().expect("run java (install default-jdk-headless)");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(out.status.success(), "JDBC smoke test failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "jdbc ok");
}
