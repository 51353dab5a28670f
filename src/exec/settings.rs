//! Session settings (SET / RESET / SHOW): the values PostgreSQL 15 starts a session with,
//! validation of the ones whose values matter, and which of them are reported to the
//! client in ParameterStatus.

use crate::error::{sqlstate, Error, Result};
use crate::types::FormatOptions;
use std::collections::BTreeMap;

/// The server_version SmarterBase reports (a PostgreSQL 15 version, so drivers pick 15's dialect).
pub const SERVER_VERSION: &str = "15.18 (SmarterBase 0.1.0)";

/// What version() returns.
pub const VERSION_STRING: &str = "PostgreSQL 15.18 (SmarterBase 0.1.0) on x86_64-pc-linux-gnu, compiled by rustc, 64-bit";

const DEFAULTS: [(&str, &str); 23] = [
    ("application_name", ""),
    ("client_encoding", "UTF8"),
    ("client_min_messages", "notice"),
    ("datestyle", "ISO, MDY"),
    ("default_table_access_method", "heap"),
    ("default_transaction_isolation", "read committed"),
    ("default_transaction_read_only", "off"),
    ("extra_float_digits", "1"),
    ("idle_in_transaction_session_timeout", "0"),
    ("integer_datetimes", "on"),
    ("intervalstyle", "postgres"),
    ("is_superuser", "on"),
    ("lock_timeout", "0"),
    ("max_identifier_length", "63"),
    ("search_path", "\"$user\", public"),
    ("server_encoding", "UTF8"),
    ("server_version", SERVER_VERSION),
    ("server_version_num", "150018"),
    ("standard_conforming_strings", "on"),
    ("statement_timeout", "0"),
    ("timezone", "UTC"),
    ("transaction_isolation", "read committed"),
    ("transaction_read_only", "off"),
];

/// Settings reported in ParameterStatus, with the capitalization PostgreSQL uses.
const REPORTED: [(&str, &str); 11] = [
    ("server_version", "server_version"),
    ("server_encoding", "server_encoding"),
    ("client_encoding", "client_encoding"),
    ("DateStyle", "datestyle"),
    ("integer_datetimes", "integer_datetimes"),
    ("standard_conforming_strings", "standard_conforming_strings"),
    ("TimeZone", "timezone"),
    ("IntervalStyle", "intervalstyle"),
    ("application_name", "application_name"),
    ("is_superuser", "is_superuser"),
    ("session_authorization", "session_authorization"),
];

const READ_ONLY: [&str; 6] =
    ["server_version", "server_encoding", "integer_datetimes", "is_superuser", "server_version_num", "max_identifier_length"];

#[derive(Debug, Clone)]
pub struct Settings {
    values: BTreeMap<String, String>,
    /// Values before SET LOCAL / transaction-scoped changes, restored at transaction end.
    saved: BTreeMap<String, String>,
    pub format: FormatOptions,
    /// `statement_timeout`, parsed (None when 0).
    pub statement_timeout: Option<std::time::Duration>,
}

impl Settings {
    pub fn new(user: &str) -> Settings {
        let mut values: BTreeMap<String, String> = DEFAULTS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        values.insert("session_authorization".into(), user.to_string());
        Settings { values, saved: BTreeMap::new(), format: FormatOptions::default(), statement_timeout: None }
    }

    pub fn get(&self, name: &str) -> Result<&str> {
        self.values.get(name).map(String::as_str).ok_or_else(|| unknown(name))
    }

    /// SET name = value (None = DEFAULT). Local settings are undone at transaction end.
    pub fn set(&mut self, name: &str, value: Option<String>, local: bool) -> Result<()> {
        if !self.values.contains_key(name) {
            return Err(unknown(name));
        }
        if READ_ONLY.contains(&name) {
            return Err(Error::new("55P02", format!("parameter \"{name}\" cannot be changed")));
        }
        let value = match value {
            Some(v) => normalize(name, &v)?,
            None => default_of(name).to_string(),
        };
        if local || name.starts_with("transaction_") {
            self.saved.entry(name.to_string()).or_insert_with(|| self.values[name].clone());
        }
        self.values.insert(name.to_string(), value);
        self.sync_derived();
        Ok(())
    }

    pub fn reset(&mut self, name: Option<&str>) -> Result<()> {
        match name {
            Some(n) => self.set(n, None, false),
            None => {
                let names: Vec<String> =
                    self.values.keys().filter(|k| !READ_ONLY.contains(&k.as_str()) && *k != "session_authorization").cloned().collect();
                names.iter().try_for_each(|n| self.set(n, None, false))
            }
        }
    }

    /// Undoes SET LOCAL and transaction characteristics at COMMIT/ROLLBACK.
    pub fn end_transaction(&mut self) {
        let default_iso = self.values["default_transaction_isolation"].clone();
        for (k, v) in std::mem::take(&mut self.saved) {
            self.values.insert(k, v);
        }
        self.values.insert("transaction_isolation".into(), default_iso);
        self.sync_derived();
    }

    /// Every setting and its value, by name (pg_settings).
    pub fn all(&self) -> Vec<(String, String)> {
        self.values.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    pub fn reported(&self) -> Vec<(String, String)> {
        REPORTED.iter().map(|(wire, key)| (wire.to_string(), self.values.get(*key).cloned().unwrap_or_default())).collect()
    }

    /// Refreshes the parsed forms of the settings the engine reads on every statement.
    fn sync_derived(&mut self) {
        self.format.timezone = self.values["timezone"].clone();
        self.format.extra_float_digits = self.values["extra_float_digits"].parse().unwrap_or(1);
        let timeout = millis(&self.values["statement_timeout"]).map_or(0, |(ms, _)| ms);
        self.statement_timeout = (timeout > 0).then(|| std::time::Duration::from_millis(timeout));
    }
}

fn default_of(name: &str) -> &'static str {
    DEFAULTS.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v)
}

fn unknown(name: &str) -> Error {
    Error::new(sqlstate::UNDEFINED_OBJECT, format!("unrecognized configuration parameter \"{name}\""))
}

fn invalid(name: &str, value: &str) -> Error {
    let shown = REPORTED.iter().find(|(_, k)| *k == name).map_or(name, |(wire, _)| *wire);
    Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("invalid value for parameter \"{shown}\": \"{value}\""))
}

/// Validates and normalizes a value the way PostgreSQL stores it.
fn normalize(name: &str, value: &str) -> Result<String> {
    let lower = value.to_lowercase();
    Ok(match name {
        "client_encoding" => match lower.replace(['-', '_'], "").as_str() {
            "utf8" | "unicode" => "UTF8".into(),
            _ => return Err(Error::new(sqlstate::FEATURE_NOT_SUPPORTED, format!("conversion between {value} and UTF8 is not supported"))),
        },
        "datestyle" => datestyle(&lower).ok_or_else(|| invalid(name, value))?,
        "extra_float_digits" => match value.parse::<i32>() {
            Ok(n) if (-15..=3).contains(&n) => n.to_string(),
            _ => return Err(invalid(name, value)),
        },
        "standard_conforming_strings" => match lower.as_str() {
            "on" | "true" | "1" | "yes" => "on".into(),
            _ => return Err(invalid(name, value)),
        },
        "transaction_isolation" | "default_transaction_isolation" => match lower.as_str() {
            "read uncommitted" | "read committed" | "repeatable read" | "serializable" => lower,
            _ => return Err(invalid(name, value)),
        },
        "timezone" => timezone(value).ok_or_else(|| invalid(name, value))?,
        "statement_timeout" | "lock_timeout" | "idle_in_transaction_session_timeout" => duration_ms(&lower).ok_or_else(|| invalid(name, value))?,
        _ => value.to_string(),
    })
}

fn datestyle(v: &str) -> Option<String> {
    let mut out = ("ISO", "MDY");
    for part in v.split(',').map(str::trim) {
        match part {
            "iso" => out.0 = "ISO",
            "mdy" | "us" | "noneuropean" => out.1 = "MDY",
            "dmy" | "euro" | "european" => out.1 = "DMY",
            "ymd" => out.1 = "YMD",
            "" => {}
            _ => return None,
        }
    }
    Some(format!("{}, {}", out.0, out.1))
}

fn timezone(v: &str) -> Option<String> {
    if v.eq_ignore_ascii_case("utc") || v.eq_ignore_ascii_case("gmt") || v.eq_ignore_ascii_case("z") {
        return Some(if v.eq_ignore_ascii_case("gmt") { "GMT".into() } else { "UTC".into() });
    }
    if v.parse::<i32>().is_ok() {
        return Some(format!("<{}>{}", v, v.trim_start_matches('+')));
    }
    let posix = v.starts_with('<') || v.starts_with(['+', '-']) || v.to_ascii_uppercase().starts_with("UTC");
    (posix || jiff::tz::TimeZone::get(v).is_ok()).then(|| v.to_string())
}

/// A duration setting in milliseconds, with its unit (PostgreSQL's default unit is ms).
fn millis(v: &str) -> Option<(u64, &str)> {
    let v = v.trim();
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let n: u64 = v[..digits].parse().ok()?;
    let unit = v[digits..].trim();
    let ms = match unit {
        "" | "ms" => n,
        "s" => n * 1000,
        "min" => n * 60_000,
        "h" => n * 3_600_000,
        _ => return None,
    };
    Some((ms, unit))
}

fn duration_ms(v: &str) -> Option<String> {
    let (ms, unit) = millis(v)?;
    Some(if ms == 0 {
        "0".into()
    } else if ms % 60_000 == 0 && unit != "ms" && !unit.is_empty() {
        format!("{}min", ms / 60_000)
    } else if ms % 1000 == 0 && unit != "ms" && !unit.is_empty() {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_show_reset() {
        let mut s = Settings::new("alice");
        s.set("datestyle", Some("iso, dmy".into()), false).unwrap();
        assert_eq!(s.get("datestyle").unwrap(), "ISO, DMY");
        s.set("timezone", Some("Europe/Paris".into()), false).unwrap();
        assert_eq!(s.format.timezone, "Europe/Paris");
        assert!(s.set("timezone", Some("Mars/Olympus".into()), false).is_err());
        assert_eq!(s.set("nope", None, false).unwrap_err().code, "42704");
        s.reset(None).unwrap();
        assert_eq!(s.get("timezone").unwrap(), "UTC");
        assert_eq!(s.get("session_authorization").unwrap(), "alice");
    }

    #[test]
    fn local_settings_end_with_the_transaction() {
        let mut s = Settings::new("u");
        s.set("statement_timeout", Some("5s".into()), true).unwrap();
        assert_eq!(s.get("statement_timeout").unwrap(), "5s");
        assert_eq!(s.statement_timeout, Some(std::time::Duration::from_secs(5)));
        s.end_transaction();
        assert_eq!(s.get("statement_timeout").unwrap(), "0");
    }
}
