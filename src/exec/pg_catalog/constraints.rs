//! pg_constraint: primary keys ('p'), unique constraints ('u'), foreign keys ('f') and CHECK
//! constraints ('c') of the user tables. A CHECK's `conkey` lists the columns its expression
//! names. Constraint OIDs hash `table.constraint`, so they are stable like relation OIDs.

use super::columns::{char1, flag, int2, int4, name, oid, schema};
use super::oids::{self, relation_oid};
use super::source::{indexes_of, Source};
use crate::catalog::{ConstraintKind, ForeignKey, TableSchema};
use crate::types::{Row, Value};

pub fn table() -> TableSchema {
    schema(
        "pg_catalog.pg_constraint",
        "oid:oid conname:name connamespace:oid contype:char1 condeferrable:boolean condeferred:boolean \
         convalidated:boolean conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid \
         confupdtype:char1 confdeltype:char1 confmatchtype:char1 conislocal:boolean coninhcount:integer \
         connoinherit:boolean conkey:smallint[] confkey:smallint[]",
    )
}

/// One constraint of a table.
pub struct Con<'a> {
    pub name: String,
    /// 'p', 'u', 'f' or 'c'.
    pub kind: char,
    index: u32,
    /// Column positions (0-based).
    pub columns: Vec<usize>,
    pub fk: Option<(&'a ForeignKey, Option<&'a TableSchema>)>,
}

/// A table's constraints: primary key, unique constraints, then foreign keys and checks.
pub fn constraints_of<'a>(src: &'a Source, t: &'a TableSchema) -> Vec<Con<'a>> {
    let mut out = Vec::new();
    for ix in indexes_of(t).into_iter().filter(|i| i.primary || is_constraint(t, &i.name)) {
        let kind = if ix.primary { 'p' } else { 'u' };
        out.push(Con { name: ix.name.clone(), kind, index: relation_oid(&ix.name), columns: ix.columns, fk: None });
    }
    for c in &t.constraints {
        out.push(match &c.kind {
            ConstraintKind::ForeignKey(fk) => {
                let target = src.tables.iter().find(|s| s.name == fk.ref_table).map(|s| s.as_ref());
                let columns = positions(t, &fk.columns);
                Con { name: c.name.clone(), kind: 'f', index: target.map_or(0, |s| referenced_index(s, fk)), columns, fk: Some((fk, target)) }
            }
            ConstraintKind::Check { expr } => Con { name: c.name.clone(), kind: 'c', index: 0, columns: named_columns(t, expr), fk: None },
        });
    }
    out
}

pub fn rows(src: &Source) -> Vec<Row> {
    src.tables.iter().flat_map(|t| constraints_of(src, t).into_iter().map(move |c| row(t, &c))).collect()
}

fn is_constraint(t: &TableSchema, index: &str) -> bool {
    t.indexes.iter().any(|i| i.name == index && i.constraint)
}

fn row(t: &TableSchema, c: &Con) -> Row {
    let keys = |cols: &[usize]| Value::Array(cols.iter().map(|i| int2(i + 1)).collect());
    let (confrel, upd, del, matching, confkey) = match &c.fk {
        Some((fk, target)) => {
            let ref_cols = target.map(|s| positions(s, &fk.ref_columns)).unwrap_or_default();
            (target.map_or(0, |s| relation_oid(&s.name)), action(&fk.on_update), action(&fk.on_delete), 's', keys(&ref_cols))
        }
        None => (0, ' ', ' ', ' ', Value::Null),
    };
    vec![
        oid(constraint_oid(t, c)),
        name(&c.name),
        oid(oids::PUBLIC),
        char1(c.kind),
        flag(false),
        flag(false),
        flag(true),
        oid(relation_oid(&t.name)),
        oid(0),
        oid(c.index),
        oid(0),
        oid(confrel),
        char1(upd),
        char1(del),
        char1(matching),
        flag(true),
        int4(0),
        flag(c.kind != 'c'),
        keys(&c.columns),
        confkey,
    ]
}

/// The OID of a table's constraint: a hash of `table.constraint`.
pub fn constraint_oid(t: &TableSchema, c: &Con) -> u32 {
    relation_oid(&format!("{}.{}", t.name, c.name))
}

fn positions(t: &TableSchema, names: &[String]) -> Vec<usize> {
    names.iter().filter_map(|n| t.column_index(n)).collect()
}

/// The referenced table's index a foreign key relies on (its key columns' index).
fn referenced_index(target: &TableSchema, fk: &ForeignKey) -> u32 {
    let cols = positions(target, &fk.ref_columns);
    indexes_of(target).into_iter().find(|i| i.columns == cols).map_or(0, |i| relation_oid(&i.name))
}

/// PostgreSQL's one-letter referential actions.
fn action(a: &str) -> char {
    match a {
        "restrict" => 'r',
        "cascade" => 'c',
        "set null" => 'n',
        "set default" => 'd',
        _ => 'a',
    }
}

/// The table's columns a CHECK expression names, in table order.
fn named_columns(t: &TableSchema, expr: &str) -> Vec<usize> {
    let words: Vec<String> = expr.split(|c: char| !(c.is_alphanumeric() || c == '_')).map(str::to_lowercase).collect();
    (0..t.columns.len()).filter(|i| words.contains(&t.columns[*i].name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn keys_uniques_and_foreign_keys() {
        let rows = rows(&sample());
        let kinds: Vec<(Value, Value)> = rows.iter().map(|r| (r[1].clone(), r[3].clone())).collect();
        let expect = [("p_pkey", 'p'), ("t_pkey", 'p'), ("t_e_key", 'u'), ("t_p_id_fkey", 'f')];
        assert_eq!(kinds, expect.iter().map(|(n, k)| (name(n), char1(*k))).collect::<Vec<_>>());
        let fk = &rows[3];
        assert_eq!((&fk[9], &fk[11], &fk[13]), (&oid(relation_oid("p_pkey")), &oid(relation_oid("p")), &char1('a')));
        assert_eq!((&fk[18], &fk[19]), (&Value::Array(vec![int2(3)]), &Value::Array(vec![int2(1)])));
        assert!(rows.iter().all(|r| r.len() == table().columns.len()));
    }

    #[test]
    fn check_constraints_name_their_columns() {
        let src = sample();
        assert_eq!(named_columns(&src.tables[1], "((p_id > 0) AND (length(e) < 9))"), vec![1, 2]);
    }
}
