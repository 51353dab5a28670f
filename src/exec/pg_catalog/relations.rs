//! The relation-level tables: pg_namespace, pg_class (tables 'r', their indexes 'i' and
//! sequences 'S'), pg_tables and pg_database. User tables live in `public`.

use super::columns::{char1, flag, int2, int4, name, oid, schema};
use super::oids::{self, relation_oid};
use super::source::{indexes_of, Source};
use crate::catalog::{ConstraintKind, TableSchema};
use crate::types::{Row, Value};

pub fn pg_namespace() -> TableSchema {
    schema("pg_catalog.pg_namespace", "oid:oid nspname:name nspowner:oid")
}

pub fn namespace_rows(_src: &Source) -> Vec<Row> {
    oids::NAMESPACES.iter().map(|(o, n)| vec![oid(*o), name(n), oid(oids::SUPERUSER)]).collect()
}

pub fn pg_class() -> TableSchema {
    schema(
        "pg_catalog.pg_class",
        "oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid relam:oid relfilenode:oid \
         reltablespace:oid relpages:integer reltuples:real relallvisible:integer reltoastrelid:oid relhasindex:boolean \
         relisshared:boolean relpersistence:char1 relkind:char1 relnatts:smallint relchecks:smallint relhasrules:boolean \
         relhastriggers:boolean relhassubclass:boolean relrowsecurity:boolean relforcerowsecurity:boolean \
         relispopulated:boolean relreplident:char1 relispartition:boolean relrewrite:oid reloptions:text[] relpartbound:text",
    )
}

/// One pg_class row's varying parts.
struct Rel<'a> {
    name: &'a str,
    kind: char,
    natts: usize,
    checks: usize,
    has_index: bool,
    triggers: bool,
}

pub fn class_rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in &src.tables {
        let checks = t.constraints.iter().filter(|c| matches!(c.kind, ConstraintKind::Check { .. })).count();
        let has_index = !indexes_of(t).is_empty();
        rows.push(class_row(&Rel { name: &t.name, kind: 'r', natts: t.columns.len(), checks, has_index, triggers: src.has_triggers(t) }));
    }
    for i in src.indexes() {
        rows.push(class_row(&Rel { name: &i.name, kind: 'i', natts: i.columns.len(), checks: 0, has_index: false, triggers: false }));
    }
    for (seq, _) in src.sequences() {
        rows.push(class_row(&Rel { name: &seq, kind: 'S', natts: 3, checks: 0, has_index: false, triggers: false }));
    }
    rows
}

fn class_row(r: &Rel) -> Row {
    let o = relation_oid(r.name);
    let (am, pages, tuples) = match r.kind {
        'r' => (oids::HEAP_AM, 0, -1.0),
        'i' => (oids::BTREE_AM, 1, 0.0),
        _ => (0, 1, 1.0),
    };
    let replident = if r.kind == 'r' { 'd' } else { 'n' };
    vec![
        oid(o),
        name(r.name),
        oid(oids::PUBLIC),
        oid(0),
        oid(0),
        oid(oids::SUPERUSER),
        oid(am),
        oid(o),
        oid(0),
        int4(pages),
        Value::Float4(tuples),
        int4(0),
        oid(0),
        flag(r.has_index),
        flag(false),
        char1('p'),
        char1(r.kind),
        int2(r.natts),
        int2(r.checks),
        flag(false),
        flag(r.triggers),
        flag(false),
        flag(false),
        flag(false),
        flag(true),
        char1(replident),
        flag(false),
        oid(0),
        Value::Null,
        Value::Null,
    ]
}

/// pg_statio_all_tables: one row per table; SmarterBase keeps no block I/O counters (zeros,
/// and NULL for the TOAST columns: no table has a TOAST table).
pub fn pg_statio_all_tables() -> TableSchema {
    schema(
        "pg_catalog.pg_statio_all_tables",
        "relid:oid schemaname:name relname:name heap_blks_read:bigint heap_blks_hit:bigint idx_blks_read:bigint \
         idx_blks_hit:bigint toast_blks_read:bigint toast_blks_hit:bigint tidx_blks_read:bigint tidx_blks_hit:bigint",
    )
}

pub fn statio_rows(src: &Source) -> Vec<Row> {
    let zero = || Value::Int8(0);
    let row = |t: &TableSchema| {
        let idx = if indexes_of(t).is_empty() { Value::Null } else { zero() };
        let mut row = vec![oid(relation_oid(&t.name)), name("public"), name(&t.name), zero(), zero(), idx.clone(), idx];
        row.extend(std::iter::repeat_n(Value::Null, 4));
        row
    };
    src.tables.iter().map(|t| row(t)).collect()
}

pub fn pg_tables() -> TableSchema {
    schema(
        "pg_catalog.pg_tables",
        "schemaname:name tablename:name tableowner:name tablespace:name hasindexes:boolean hasrules:boolean \
         hastriggers:boolean rowsecurity:boolean",
    )
}

pub fn tables_rows(src: &Source) -> Vec<Row> {
    let row = |t: &TableSchema| {
        let has_index = !indexes_of(t).is_empty();
        vec![name("public"), name(&t.name), name("postgres"), Value::Null, flag(has_index), flag(false), flag(src.has_triggers(t)), flag(false)]
    };
    src.tables.iter().map(|t| row(t)).collect()
}

pub fn pg_database() -> TableSchema {
    schema(
        "pg_catalog.pg_database",
        "oid:oid datname:name datdba:oid encoding:integer datlocprovider:char1 datistemplate:boolean \
         datallowconn:boolean datconnlimit:integer dattablespace:oid datcollate:text datctype:text \
         daticulocale:text datcollversion:text",
    )
}

/// postgres and the two templates, plus the session's database if it has another name.
pub fn database_rows(src: &Source) -> Vec<Row> {
    let mut dbs = vec![(oids::POSTGRES_DB, "postgres"), (1, "template1"), (4, "template0")];
    if !dbs.iter().any(|(_, n)| *n == src.database) {
        dbs.push((relation_oid(&src.database), &src.database));
    }
    let row = |(o, n): (u32, &str)| {
        vec![
            oid(o),
            name(n),
            oid(oids::SUPERUSER),
            int4(6),
            char1('c'),
            flag(n.starts_with("template")),
            flag(n != "template0"),
            int4(-1),
            oid(1663),
            name("C.UTF-8"),
            name("C.UTF-8"),
            Value::Null,
            Value::Null,
        ]
    };
    dbs.into_iter().map(row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn pg_class_lists_tables_indexes_and_sequences() {
        let rows = class_rows(&sample());
        let kinds: Vec<(Value, Value)> = rows.iter().map(|r| (r[1].clone(), r[16].clone())).collect();
        let expect = [("p", 'r'), ("t", 'r'), ("p_pkey", 'i'), ("t_pkey", 'i'), ("t_e_key", 'i'), ("t_id_seq", 'S')];
        assert_eq!(kinds, expect.iter().map(|(n, k)| (name(n), char1(*k))).collect::<Vec<_>>());
        assert_eq!(rows[1][0], oid(relation_oid("t")));
        assert_eq!(rows[1][17], int2(4));
        assert!(rows.iter().all(|r| r.len() == pg_class().columns.len()));
    }

    #[test]
    fn pg_tables_and_databases() {
        let src = sample();
        let rows = tables_rows(&src);
        assert_eq!(rows[1][..3], [name("public"), name("t"), name("postgres")]);
        assert_eq!(rows[1][6], flag(true));
        assert_eq!(database_rows(&src).len(), 3);
        assert!(database_rows(&src).iter().all(|r| r.len() == pg_database().columns.len()));
    }
}
