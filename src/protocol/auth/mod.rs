//! Password authentication, with PostgreSQL's three password methods (the `pg_hba.conf` names):
//!
//! - `scram-sha-256` (the default): what libpq >= 10 and every maintained driver speak; the
//!   password never crosses the wire ([`scram`]).
//! - `md5`: for old clients; a salted double MD5 of the password ([`md5`]).
//! - `password`: cleartext, for clients that know nothing else (only sensible on loopback).
//!
//! The server holds the password itself, so each method checks it for real. A wrong password is
//! FATAL 28P01 and the connection closes.

mod md5;
mod scram;

pub use scram::ScramSecret;

use crate::error::{sqlstate, Error, Result};
use crate::io::transport::Transport;
use crate::protocol::encode;
use crate::protocol::frame;
use crate::protocol::wire::Wire;
use pgwire::messages::startup::PasswordMessageFamily;
use pgwire::messages::PgWireFrontendMessage;

const AUTH_CLEARTEXT: i32 = 3;

/// How `serve` asks for the configured password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
pub enum AuthMethod {
    #[default]
    #[value(name = "scram-sha-256")]
    #[serde(rename = "scram-sha-256")]
    ScramSha256,
    #[value(name = "md5")]
    #[serde(rename = "md5")]
    Md5,
    /// Cleartext.
    #[value(name = "password")]
    #[serde(rename = "password")]
    Password,
}

/// The configured password in the form its method needs, derived once at server start.
pub enum Credentials {
    Scram(ScramSecret),
    Md5(String),
    Cleartext(String),
}

impl Credentials {
    pub fn new(method: AuthMethod, password: &str) -> Self {
        match method {
            AuthMethod::ScramSha256 => Credentials::Scram(ScramSecret::new(password)),
            AuthMethod::Md5 => Credentials::Md5(password.to_string()),
            AuthMethod::Password => Credentials::Cleartext(password.to_string()),
        }
    }
}

/// Runs the exchange of `credentials`' method on the wire for `user`.
pub async fn authenticate<T: Transport>(wire: &mut Wire<T>, credentials: &Credentials, user: &str) -> Result<()> {
    match credentials {
        Credentials::Scram(secret) => scram::authenticate(wire, secret, user).await,
        Credentials::Md5(password) => md5::authenticate(wire, password, user).await,
        Credentials::Cleartext(password) => {
            encode::authentication(&mut wire.out, AUTH_CLEARTEXT, &[]);
            wire.flush().await?;
            check(&read_password(wire).await?, password, user)
        }
    }
}

/// Ok when the `given` answer equals the `expected` one, else FATAL 28P01.
fn check(given: &str, expected: &str, user: &str) -> Result<()> {
    if given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0, |acc, (a, b)| acc | (a ^ b)) == 0 {
        Ok(())
    } else {
        Err(password_failed(user))
    }
}

fn password_failed(user: &str) -> Error {
    Error::new(sqlstate::INVALID_PASSWORD, format!("password authentication failed for user \"{user}\"")).fatal()
}

fn utf8(bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| frame::violation("invalid password packet"))
}

/// Reads a PasswordMessage ('p') holding a plain string (cleartext or md5 answer).
async fn read_password<T: Transport>(wire: &mut Wire<T>) -> Result<String> {
    let message = read_password_message(wire).await?;
    message.into_password().map(|p| p.password).map_err(|_| frame::violation("invalid password packet"))
}

async fn read_password_message<T: Transport>(wire: &mut Wire<T>) -> Result<PasswordMessageFamily> {
    loop {
        if let Some(bytes) = frame::next_frame(&mut wire.input)? {
            return match frame::decode(bytes)? {
                PgWireFrontendMessage::PasswordMessageFamily(m) => Ok(m),
                _ => Err(Error::new(sqlstate::PROTOCOL_VIOLATION, "expected password response, got message type other than 'p'").fatal()),
            };
        }
        wire.fill().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_compares_whole_strings() {
        assert!(check("secret", "secret", "u").is_ok());
        assert_eq!(check("secre", "secret", "u").unwrap_err().code, sqlstate::INVALID_PASSWORD);
        assert!(check("secreT", "secret", "u").is_err());
        assert!(check("", "secret", "u").is_err());
    }
}
