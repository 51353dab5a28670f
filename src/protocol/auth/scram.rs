//! SCRAM-SHA-256 (RFC 5802 / RFC 7677) the way PostgreSQL does it.
//!
//! The salted secret is derived once at server start ([`ScramSecret`]); each login costs two
//! HMACs and a hash. As in PostgreSQL the SCRAM user name is ignored (the startup packet names
//! the user) and channel binding is not offered (no TLS).

use super::{password_failed, read_password_message, utf8};
use crate::error::Result;
use crate::io::transport::Transport;
use crate::protocol::encode;
use crate::protocol::frame::violation;
use crate::protocol::wire::Wire;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const MECHANISM: &str = "SCRAM-SHA-256";
const ITERATIONS: u32 = 4096;
const AUTH_SASL: i32 = 10;
const AUTH_SASL_CONTINUE: i32 = 11;
const AUTH_SASL_FINAL: i32 = 12;

/// The stored form of the password: salt, StoredKey and ServerKey.
#[derive(Clone)]
pub struct ScramSecret {
    salt: Vec<u8>,
    iterations: u32,
    stored_key: [u8; 32],
    server_key: [u8; 32],
}

/// What the server remembers between its first and final SCRAM messages.
pub struct Exchange {
    client_first_bare: String,
    server_first: String,
    gs2_header: String,
    nonce: String,
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl ScramSecret {
    /// Derives the secret with a fresh random salt.
    pub fn new(password: &str) -> Self {
        Self::with_salt(password, rand::random::<[u8; 16]>().to_vec(), ITERATIONS)
    }

    pub fn with_salt(password: &str, salt: Vec<u8>, iterations: u32) -> Self {
        let mut salted = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, &mut salted);
        let client_key = hmac(&salted, b"Client Key");
        ScramSecret { salt, iterations, stored_key: Sha256::digest(client_key).into(), server_key: hmac(&salted, b"Server Key") }
    }

    /// Answers client-first-message (`n,,n=user,r=nonce`) with server-first-message.
    pub fn server_first(&self, client_first: &str, server_nonce: &str) -> Result<(Exchange, String)> {
        let (gs2_header, bare) = split_gs2(client_first)?;
        let client_nonce = attribute(bare, 'r')?;
        let nonce = format!("{client_nonce}{server_nonce}");
        let server_first = format!("r={nonce},s={},i={}", B64.encode(&self.salt), self.iterations);
        let exchange =
            Exchange { client_first_bare: bare.to_string(), server_first: server_first.clone(), gs2_header: gs2_header.to_string(), nonce };
        Ok((exchange, server_first))
    }

    /// Verifies client-final-message; on success returns server-final-message (`v=...`), on a
    /// wrong proof `None`.
    pub fn verify_final(&self, exchange: &Exchange, client_final: &str) -> Result<Option<String>> {
        let (without_proof, proof) = client_final.rsplit_once(",p=").ok_or_else(malformed)?;
        let channel = B64.decode(attribute(without_proof, 'c')?).map_err(|_| malformed())?;
        if channel != exchange.gs2_header.as_bytes() || attribute(without_proof, 'r')? != exchange.nonce {
            return Err(malformed());
        }
        let proof = B64.decode(proof).map_err(|_| malformed())?;
        let auth_message = format!("{},{},{}", exchange.client_first_bare, exchange.server_first, without_proof);
        let signature = hmac(&self.stored_key, auth_message.as_bytes());
        if proof.len() != 32 {
            return Ok(None);
        }
        let client_key: Vec<u8> = proof.iter().zip(signature).map(|(p, s)| p ^ s).collect();
        if Sha256::digest(&client_key).as_slice() != self.stored_key {
            return Ok(None);
        }
        Ok(Some(format!("v={}", B64.encode(hmac(&self.server_key, auth_message.as_bytes())))))
    }
}

pub(super) fn malformed() -> crate::error::Error {
    violation("malformed SCRAM message")
}

/// Splits `gs2-header` (`n,,` or `y,,`; channel binding `p=` is refused) from the bare message.
fn split_gs2(message: &str) -> Result<(&str, &str)> {
    let mut parts = message.splitn(3, ',');
    let flag = parts.next().ok_or_else(malformed)?;
    let _authzid = parts.next().ok_or_else(malformed)?;
    let bare = parts.next().ok_or_else(malformed)?;
    if flag.starts_with("p=") {
        return Err(violation("channel binding is not supported"));
    }
    if flag != "n" && flag != "y" {
        return Err(malformed());
    }
    Ok((&message[..message.len() - bare.len()], bare))
}

/// The value of `name=` among the comma-separated attributes of `message`.
fn attribute(message: &str, name: char) -> Result<&str> {
    message.split(',').find_map(|a| a.strip_prefix(name).and_then(|a| a.strip_prefix('='))).ok_or_else(malformed)
}

/// Runs the SASL exchange on the wire; FATAL 28P01 for a wrong password.
pub(super) async fn authenticate<T: Transport>(wire: &mut Wire<T>, secret: &ScramSecret, user: &str) -> Result<()> {
    let mut mechanisms = Vec::new();
    encode::cstr(&mut mechanisms, MECHANISM);
    mechanisms.push(0);
    encode::authentication(&mut wire.out, AUTH_SASL, &mechanisms);
    wire.flush().await?;
    let initial = read_password_message(wire).await?.into_sasl_initial_response().map_err(|_| malformed())?;
    if initial.auth_method != MECHANISM {
        return Err(violation("client selected an invalid SASL authentication mechanism"));
    }
    let client_first = utf8(initial.data.as_deref().unwrap_or_default())?;
    let server_nonce = B64.encode(rand::random::<[u8; 18]>());
    let (exchange, server_first) = secret.server_first(&client_first, &server_nonce)?;
    encode::authentication(&mut wire.out, AUTH_SASL_CONTINUE, server_first.as_bytes());
    wire.flush().await?;
    let response = read_password_message(wire).await?.into_sasl_response().map_err(|_| malformed())?;
    match secret.verify_final(&exchange, &utf8(&response.data)?)? {
        Some(server_final) => {
            encode::authentication(&mut wire.out, AUTH_SASL_FINAL, server_final.as_bytes());
            Ok(())
        }
        None => Err(password_failed(user)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677 section 3: user "user", password "pencil".
    #[test]
    fn rfc7677_test_vector() {
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let secret = ScramSecret::with_salt("pencil", salt, 4096);
        let (exchange, server_first) = secret.server_first("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0").unwrap();
        assert_eq!(server_first, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        let client_final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        let server_final = secret.verify_final(&exchange, client_final).unwrap();
        assert_eq!(server_final.as_deref(), Some("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    #[test]
    fn wrong_proof_and_tampered_nonce() {
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let secret = ScramSecret::with_salt("not pencil", salt, 4096);
        let (exchange, _) = secret.server_first("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0").unwrap();
        let client_final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        assert_eq!(secret.verify_final(&exchange, client_final).unwrap(), None);
        assert!(secret.verify_final(&exchange, "c=biws,r=other,p=dHzb").is_err());
        assert!(secret.server_first("p=tls-server-end-point,,n=,r=x", "y").is_err());
    }
}
