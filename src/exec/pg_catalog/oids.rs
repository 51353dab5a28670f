//! Object identifiers: PostgreSQL 15's fixed OIDs for the built-in schemas, role and
//! database, and stable OIDs for user relations (tables, their indexes and sequences).
//!
//! A relation's OID is a hash of its name into [16384, 2^31), PostgreSQL's range for user
//! objects: it survives restarts and does not move when other tables come and go (names are
//! unique across tables, indexes and sequences, as they are in one PostgreSQL schema).

pub const PG_CATALOG: u32 = 11;
pub const PG_TOAST: u32 = 99;
pub const PUBLIC: u32 = 2200;
pub const INFORMATION_SCHEMA: u32 = 13207;
/// The bootstrap superuser, owner of everything.
pub const SUPERUSER: u32 = 10;
pub const POSTGRES_DB: u32 = 5;
/// pg_am: heap tables and btree indexes.
pub const HEAP_AM: u32 = 2;
pub const BTREE_AM: u32 = 403;
/// The default collation, and "C" (which `name` uses).
pub const DEFAULT_COLLATION: u32 = 100;
pub const C_COLLATION: u32 = 950;

/// The schemas pg_namespace lists.
pub const NAMESPACES: [(u32, &str); 4] =
    [(PG_TOAST, "pg_toast"), (PG_CATALOG, "pg_catalog"), (PUBLIC, "public"), (INFORMATION_SCHEMA, "information_schema")];

/// The OID of the user relation (table, index or sequence) called `name`.
pub fn relation_oid(name: &str) -> u32 {
    crate::types::stable_oid(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_oids_are_stable_and_in_the_user_range() {
        assert_eq!(relation_oid("items"), relation_oid("items"));
        assert_ne!(relation_oid("items"), relation_oid("items_pkey"));
        for n in ["a", "items", "a_very_long_table_name_with_many_characters"] {
            let oid = relation_oid(n);
            assert!((16384..i32::MAX as u32).contains(&oid), "{n}: {oid}");
        }
    }
}
