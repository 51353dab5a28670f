//! Catalogs whose contents do not depend on the user's tables: pg_am (PostgreSQL 15's
//! access methods) and pg_description (SmarterBase keeps no comments, so it is empty).

use super::columns::{char1, name, oid, schema};
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::Row;

pub fn pg_am() -> TableSchema {
    schema("pg_catalog.pg_am", "oid:oid amname:name amtype:char1")
}

pub fn am_rows(_src: &Source) -> Vec<Row> {
    let methods = [(2, "heap", 't'), (403, "btree", 'i'), (405, "hash", 'i'), (783, "gist", 'i'), (2742, "gin", 'i'), (4000, "spgist", 'i'), (3580, "brin", 'i')];
    methods.iter().map(|(o, n, t)| vec![oid(*o), name(n), char1(*t)]).collect()
}

pub fn pg_description() -> TableSchema {
    schema("pg_catalog.pg_description", "objoid:oid classoid:oid objsubid:integer description:text")
}

pub fn description_rows(_src: &Source) -> Vec<Row> {
    Vec::new()
}
