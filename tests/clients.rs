//! Real drivers against the real server: psycopg 3 (tests/clients/python_client.py),
//! node-postgres (tests/clients/node_client.js) and pgjdbc (tests/clients/JdbcSmoke.java, with
//! Debian's libpostgresql-jdbc-java), on each IO backend.
//!
//! The drivers live under target/ and are installed by `tests/clients/setup.sh`; this test
//! FAILS (never skips) when they are missing, saying how to install them.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::server::Server;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn require(path: &Path, what: &str) {
    assert!(path.exists(), "{what} is missing at {}: run tests/clients/setup.sh first", path.display());
}

fn run_client(server: &Server, mut cmd: Command, name: &str) {
    let out = cmd
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", server.port.to_string())
        .env("PGUSER", "postgres")
        .env_remove("PGPASSWORD")
        .output()
        .unwrap_or_else(|e| panic!("could not run the {name} client: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name} client failed:\n{stdout}\n{stderr}");
    println!("{stdout}");
}

fn python(io: &str) {
    let python = target_dir().join("client-venv/bin/python");
    require(&python, "the Python venv with psycopg");
    let server = Server::start(io, &[]);
    let mut cmd = Command::new(python);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/python_client.py"));
    run_client(&server, cmd, "python");
}

fn node(io: &str) {
    let modules = target_dir().join("client-node/node_modules");
    require(&modules.join("pg"), "node-postgres (pg)");
    let server = Server::start(io, &[]);
    let mut cmd = Command::new("node");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/node_client.js")).env("NODE_PATH", modules);
    run_client(&server, cmd, "node");
}

fn jdbc(io: &str) {
    let jar = Path::new("/usr/share/java/postgresql.jar");
    require(jar, "pgjdbc (Debian package libpostgresql-jdbc-java)");
    let server = Server::start(io, &[]);
    let mut cmd = Command::new("java");
    cmd.arg("-cp").arg(jar).arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/JdbcSmoke.java"));
    run_client(&server, cmd, "jdbc");
}

#[test]
fn jdbc_tokio() {
    jdbc("tokio")
}

#[cfg(all(feature = "io-uring", target_os = "linux"))]
#[test]
fn jdbc_uring() {
    jdbc("uring")
}

#[test]
fn python_tokio() {
    python("tokio")
}

#[test]
fn node_tokio() {
    node("tokio")
}

#[cfg(all(feature = "io-uring", target_os = "linux"))]
#[test]
fn python_uring() {
    python("uring")
}

#[cfg(all(feature = "io-uring", target_os = "linux"))]
#[test]
fn node_uring() {
    node("uring")
}
