//! User-defined enum types (`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`).
//!
//! A [`EnumDef`] is shared by every `DataType::Enum` and `Value::Enum` of the type (an `Arc`),
//! so a value knows its label and its position: values compare by label position, as
//! PostgreSQL's enums do, and print (and are stored in JSONL) as the label. The type's OIDs
//! are hashes of its name, stable across restarts.

use super::Value;
use crate::error::{sqlstate, Error, Result};
use std::sync::Arc;

/// An enum type: its name and its labels in sort order.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct EnumDef {
    pub name: String,
    pub labels: Vec<String>,
}

impl EnumDef {
    /// The type's OID (pg_type.oid).
    pub fn oid(&self) -> u32 {
        Self::oid_of(&self.name)
    }

    /// The OID of its array type `_name`.
    pub fn array_oid(&self) -> u32 {
        Self::array_oid_of(&self.name)
    }

    /// The OID of the user-defined type called `name`.
    pub fn oid_of(name: &str) -> u32 {
        stable_oid(&format!("type {name}"))
    }

    /// The OID of the array type of the user-defined type called `name`.
    pub fn array_oid_of(name: &str) -> u32 {
        Self::oid_of(&format!("_{name}"))
    }

    /// The value of `label`: 22P02 when the type has no such label.
    pub fn input(self: &Arc<Self>, label: &str) -> Result<Value> {
        match self.labels.iter().position(|l| l == label) {
            Some(pos) => Ok(Value::Enum(pos as u32, self.clone())),
            None => Err(Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("invalid input value for enum {}: \"{label}\"", self.name))),
        }
    }

    /// The label at `pos`.
    pub fn label(&self, pos: u32) -> &str {
        self.labels.get(pos as usize).map_or("", String::as_str)
    }
}

const FIRST_USER_OID: u32 = 16384;

/// A stable OID for a user object described by `key`: a hash into [16384, 2^31), PostgreSQL's
/// range for user objects.
pub fn stable_oid(key: &str) -> u32 {
    let hash = key.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193));
    FIRST_USER_OID + hash % (i32::MAX as u32 - FIRST_USER_OID)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_by_position_and_unknown_labels_are_22p02() {
        let mood = Arc::new(EnumDef { name: "mood".into(), labels: vec!["sad".into(), "ok".into()] });
        assert!(mood.input("sad").unwrap() < mood.input("ok").unwrap());
        assert!(matches!(mood.input("ok").unwrap(), Value::Enum(1, _)));
        let err = mood.input("angry").unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (sqlstate::INVALID_TEXT_REPRESENTATION, "invalid input value for enum mood: \"angry\""));
        assert_ne!(mood.oid(), mood.array_oid());
    }
}
