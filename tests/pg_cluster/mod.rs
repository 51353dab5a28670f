//! A throw-away PostgreSQL 15 cluster for tests that compare SmarterBase with the real thing.
//!
//! `PgCluster::start()` runs initdb into a fresh temp directory and starts postgres on a free
//! loopback port (never as root: when the tests run as root, the server runs as the `postgres`
//! user via runuser). Dropping the value stops the server and removes the directory. Binaries
//! come from `SB_PG_BIN` or /usr/lib/postgresql/15/bin; if they are missing the test fails with
//! a message saying how to install them (tests/run does), never skips.
//!
//! Shared by several test crates, each of which uses only part of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct PgCluster {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind a free port").local_addr().unwrap().port()
}

impl PgCluster {
    pub fn start() -> PgCluster {
        let bin = PathBuf::from(std::env::var("SB_PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".into()));
        assert!(
            bin.join("initdb").exists(),
            "PostgreSQL 15 not found in {} (install Debian's postgresql-15, as tests/run does, or set SB_PG_BIN)",
            bin.display()
        );
        let dir = tempdir_for_postgres();
        let port = free_port();
        let cluster = PgCluster { port, dir, bin };
        cluster.run("initdb", &["-D", &cluster.data(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
        let opts =
            format!("-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={} -c fsync=off -c TimeZone=UTC", cluster.dir.display());
        cluster.run("pg_ctl", &["-D", &cluster.data(), "-l", &cluster.dir.join("log").display().to_string(), "-o", &opts, "-w", "start"]);
        cluster.wait_ready();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().unwrap_or_else(|e| panic!("could not run {}: {e}", exe.display()));
        assert!(out.status.success(), "{tool} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "PostgreSQL did not start; see {}", self.dir.join("log").display());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A libpq-style connection string for database `db`.
    pub fn conn_str(&self, db: &str) -> String {
        format!("host=127.0.0.1 port={} user=postgres dbname={db}", self.port)
    }

    /// Runs SQL through psql against database `postgres`, panicking on error.
    pub fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql")
            .args([
                "-X",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        assert!(out.status.success(), "psql failed on {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn tempdir_for_postgres() -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("sb-pg-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    if is_root() {
        let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().map(|s| s.success()).unwrap_or(false);
        assert!(ok, "could not chown {} to postgres", dir.display());
    }
    dir
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if is_root() {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        };
        let _ = std::fs::remove_dir_all(Path::new(&self.dir));
    }
}
