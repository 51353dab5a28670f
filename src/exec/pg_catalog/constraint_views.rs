//! information_schema.table_constraints and information_schema.key_column_usage, from the
//! same constraint list as pg_constraint. As in PostgreSQL 15, table_constraints also lists
//! each NOT NULL column as a CHECK constraint named `<namespace oid>_<table oid>_<attnum>_not_null`.

use super::columns::{int4, name, opt, schema};
use super::constraints::{constraints_of, Con};
use super::oids::{self, relation_oid};
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::{Row, Value};

pub fn table_constraints() -> TableSchema {
    schema(
        "information_schema.table_constraints",
        "constraint_catalog:name constraint_schema:name constraint_name:name table_catalog:name table_schema:name \
         table_name:name constraint_type:varchar is_deferrable:varchar(3) initially_deferred:varchar(3) \
         enforced:varchar(3) nulls_distinct:varchar(3)",
    )
}

pub fn table_constraints_rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in &src.tables {
        for c in constraints_of(src, t) {
            rows.push(constraint_row(src, t, &c.name, kind_name(c.kind), c.kind == 'u'));
        }
        for (i, _) in t.columns.iter().enumerate().filter(|(_, c)| c.not_null || c.primary_key) {
            let n = format!("{}_{}_{}_not_null", oids::PUBLIC, relation_oid(&t.name), i + 1);
            rows.push(constraint_row(src, t, &n, "CHECK", false));
        }
    }
    rows
}

fn constraint_row(src: &Source, t: &TableSchema, constraint: &str, kind: &str, unique: bool) -> Row {
    let db = name(&src.database);
    vec![
        db.clone(),
        name("public"),
        name(constraint),
        db,
        name("public"),
        name(&t.name),
        name(kind),
        name("NO"),
        name("NO"),
        name("YES"),
        if unique { name("YES") } else { Value::Null },
    ]
}

fn kind_name(kind: char) -> &'static str {
    match kind {
        'p' => "PRIMARY KEY",
        'u' => "UNIQUE",
        'f' => "FOREIGN KEY",
        _ => "CHECK",
    }
}

pub fn key_column_usage() -> TableSchema {
    schema(
        "information_schema.key_column_usage",
        "constraint_catalog:name constraint_schema:name constraint_name:name table_catalog:name table_schema:name \
         table_name:name column_name:name ordinal_position:integer position_in_unique_constraint:integer",
    )
}

pub fn key_column_usage_rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in &src.tables {
        for c in constraints_of(src, t).iter().filter(|c| c.kind != 'c') {
            rows.extend(c.columns.iter().enumerate().map(|(i, col)| usage_row(src, t, c, i, *col)));
        }
    }
    rows
}

fn usage_row(src: &Source, t: &TableSchema, c: &Con, i: usize, col: usize) -> Row {
    let db = name(&src.database);
    let in_unique = c.fk.map(|_| i as i64 + 1);
    vec![
        db.clone(),
        name("public"),
        name(&c.name),
        db,
        name("public"),
        name(&t.name),
        name(&t.columns[col].name),
        int4(i as i64 + 1),
        opt(in_unique, int4),
    ]
}

/// The columns each constraint uses: a key's or check's own columns, and for a foreign key
/// the referenced columns (of the referenced table), as PostgreSQL lists them.
pub fn constraint_column_usage() -> TableSchema {
    schema(
        "information_schema.constraint_column_usage",
        "table_catalog:name table_schema:name table_name:name column_name:name constraint_catalog:name \
         constraint_schema:name constraint_name:name",
    )
}

pub fn constraint_column_usage_rows(src: &Source) -> Vec<Row> {
    let db = name(&src.database);
    let mut rows = Vec::new();
    for t in &src.tables {
        for c in constraints_of(src, t) {
            let (table, columns): (&str, Vec<&str>) = match c.fk {
                Some((fk, _)) => (&fk.ref_table, fk.ref_columns.iter().map(String::as_str).collect()),
                None => (&t.name, c.columns.iter().map(|i| t.columns[*i].name.as_str()).collect()),
            };
            for col in columns {
                rows.push(vec![db.clone(), name("public"), name(table), name(col), db.clone(), name("public"), name(&c.name)]);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn constraints_and_not_nulls_are_listed() {
        let rows = table_constraints_rows(&sample());
        let t: Vec<(Value, Value)> = rows.iter().filter(|r| r[5] == name("t")).map(|r| (r[2].clone(), r[6].clone())).collect();
        let not_null = |n: usize| name(&format!("2200_{}_{n}_not_null", relation_oid("t")));
        let expect = vec![
            (name("t_pkey"), name("PRIMARY KEY")),
            (name("t_e_key"), name("UNIQUE")),
            (name("t_p_id_fkey"), name("FOREIGN KEY")),
            (not_null(1), name("CHECK")),
            (not_null(2), name("CHECK")),
        ];
        assert_eq!(t, expect);
        assert!(rows.iter().all(|r| r.len() == table_constraints().columns.len()));
    }

    #[test]
    fn key_columns_with_their_positions() {
        let rows = key_column_usage_rows(&sample());
        let fk = rows.iter().find(|r| r[2] == name("t_p_id_fkey")).unwrap();
        assert_eq!(fk[6..], [name("p_id"), int4(1), int4(1)]);
        let pk = rows.iter().find(|r| r[2] == name("t_pkey")).unwrap();
        assert_eq!(pk[6..], [name("id"), int4(1), Value::Null]);
    }
}
