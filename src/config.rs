//! Server configuration: defaults, `smarterbase.yaml`, then command-line flags, in that order
//! of precedence (flags win).

use crate::error::{sqlstate, Error, Result};
pub use crate::protocol::auth::AuthMethod;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Which IO backend serves connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IoBackend {
    /// io_uring where the kernel allows it, else tokio.
    Auto,
    /// io_uring (Linux 6.1+); fails to start where it is unavailable.
    Uring,
    /// Portable tokio runtime.
    Tokio,
}

/// Everything `serve` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub data: PathBuf,
    pub password: Option<String>,
    /// How the password is asked for (PostgreSQL's `pg_hba.conf` method names).
    pub auth: AuthMethod,
    pub max_connections: usize,
    pub io: IoBackend,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".to_string(),
            port: 5433,
            data: PathBuf::from("./data"),
            password: None,
            auth: AuthMethod::default(),
            max_connections: 100,
            io: IoBackend::Auto,
        }
    }
}

/// The keys `smarterbase.yaml` may hold; any other key is an error naming it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    host: Option<String>,
    port: Option<u16>,
    data: Option<PathBuf>,
    password: Option<String>,
    auth: Option<AuthMethod>,
    max_connections: Option<usize>,
    io: Option<IoBackend>,
}

impl Config {
    /// Loads `path` (or `./smarterbase.yaml` when it exists and no path was given) over the
    /// defaults. An explicit path that does not exist is an error; a missing default is not.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("smarterbase.yaml"), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(Config::default()),
            Err(e) => return Err(Error::io(&path, "read config", e)),
        };
        Config::from_yaml(&text).map_err(|e| Error::new(sqlstate::CONFIG_FILE_ERROR, format!("{}: {}", path.display(), e.message)))
    }

    fn from_yaml(text: &str) -> Result<Config> {
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            serde_yaml_ng::from_str(text).map_err(|e| Error::new(sqlstate::CONFIG_FILE_ERROR, e.to_string().replace('\n', " ")))?
        };
        let d = Config::default();
        Ok(Config {
            host: file.host.unwrap_or(d.host),
            port: file.port.unwrap_or(d.port),
            data: file.data.unwrap_or(d.data),
            password: file.password.or(d.password),
            auth: file.auth.unwrap_or(d.auth),
            max_connections: file.max_connections.unwrap_or(d.max_connections),
            io: file.io.unwrap_or(d.io),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_override_defaults() {
        let c = Config::from_yaml("port: 6000\ndata: /tmp/x\nauth: md5\n").unwrap();
        assert_eq!(c.auth, AuthMethod::Md5);
        assert_eq!(c.port, 6000);
        assert_eq!(c.data, PathBuf::from("/tmp/x"));
        assert_eq!(c.host, "127.0.0.1");
        assert_eq!(Config::from_yaml("").unwrap(), Config::default());
    }

    #[test]
    fn malformed_config_names_the_key() {
        let e = Config::from_yaml("prot: 6000\n").unwrap_err();
        assert!(e.message.contains("prot"), "{}", e.message);
        let e = Config::from_yaml("port: lots\n").unwrap_err();
        assert!(e.message.contains("port"), "{}", e.message);
    }
}
