//! Starts the real `smarterbase` binary on a free loopback port with a temporary data
//! directory, waits for its startup log line, and stops it (SIGTERM) or kills it on drop.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
    /// The server's stderr, line by line (the startup line is consumed by `start`).
    pub log: mpsc::Receiver<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// Starts the server with `--io <io>` and `extra` flags over a fresh data directory.
    pub fn start(io: &str, extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let mut server = Server::start_in(io, extra, &data);
        server._dir = Some(dir);
        server
    }

    /// Starts the server over an existing data directory.
    pub fn start_in(io: &str, extra: &[&str], data: &Path) -> Server {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_smarterbase"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--io", io])
            .arg("--data")
            .arg(data)
            .args(extra)
            .env("RUST_LOG", "smarterbase=info")
            .env_remove("SMARTERBASE_PASSWORD")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start smarterbase");
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[server] {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Server { child: Some(child), port, data: data.to_path_buf(), _dir: None, log };
        server.wait_for_log("listening on");
        server
    }

    /// Waits (up to 30 s) for a log line containing `needle` and returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        loop {
            match self.log.recv_timeout(Duration::from_secs(30)) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => continue,
                Err(e) => panic!("server never logged {needle:?}: {e}"),
            }
        }
    }

    /// A tokio-postgres / libpq connection string.
    pub fn conn_str(&self) -> String {
        format!("host=127.0.0.1 port={} user=postgres dbname=postgres", self.port)
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("server running");
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
