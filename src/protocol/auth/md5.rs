//! The `md5` password method: the server sends a random 4-byte salt and expects
//! `"md5" + hex(md5(hex(md5(password + user)) + salt))`, exactly as PostgreSQL's `md5` method.

use super::{check, read_password};
use crate::error::Result;
use crate::io::transport::Transport;
use crate::protocol::encode;
use crate::protocol::wire::Wire;
use md5::{Digest, Md5};

const AUTH_MD5: i32 = 5;

/// The answer a client must give for `password`, `user` and `salt`.
fn expected(password: &str, user: &str, salt: [u8; 4]) -> String {
    let inner = hex::encode(Md5::new().chain_update(password).chain_update(user).finalize());
    let outer = Md5::new().chain_update(inner).chain_update(salt).finalize();
    format!("md5{}", hex::encode(outer))
}

pub(super) async fn authenticate<T: Transport>(wire: &mut Wire<T>, password: &str, user: &str) -> Result<()> {
    let salt = rand::random::<[u8; 4]>();
    encode::authentication(&mut wire.out, AUTH_MD5, &salt);
    wire.flush().await?;
    check(&read_password(wire).await?, &expected(password, user, salt), user)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same answer PostgreSQL computes: `'md5' || md5(md5('pencil' || 'user') || salt)`.
    #[test]
    fn answer_matches_postgres_formula() {
        // SELECT 'md5' || md5(md5('penciluser') || 'abcd') gives this in PostgreSQL 15.
        assert_eq!(expected("pencil", "user", *b"abcd"), "md5d621238dc9a10c6c869b264c13379ee7");
    }
}
