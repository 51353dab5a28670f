//! Starts the real `smarterbase` binary on a free loopback port over a data directory, for the
//! integration tests; `stop()` sends SIGTERM and checks for a clean exit.
//!
//! Shared by several test crates, each of which uses only part of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Starts `smarterbase serve` with extra arguments (e.g. `--io tokio`).
    pub fn start_with(data: &Path, extra: &[&str]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_smarterbase"))
            .args(["serve", "--port", &port.to_string(), "--data"])
            .arg(data)
            .args(extra)
            .spawn()
            .expect("start smarterbase");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "smarterbase did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
        Server { child, port }
    }

    pub fn start(data: &Path) -> Server {
        Server::start_with(data, &[])
    }

    pub async fn connect(&self) -> tokio_postgres::Client {
        let conn = format!("host=127.0.0.1 port={} user=postgres dbname=postgres", self.port);
        let (client, connection) = tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(connection);
        client
    }

    /// SIGTERM, then waits for a clean (exit 0) shutdown.
    pub fn stop(mut self) {
        // SAFETY: kill with a valid pid and signal.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        assert!(status.success(), "smarterbase exited with {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
