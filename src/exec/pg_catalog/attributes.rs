//! pg_attribute (the user columns of tables and indexes; system columns such as ctid are
//! not listed) and pg_index.

use super::columns::{char1, flag, int2, int4, name, oid, schema};
use super::oids::relation_oid;
use super::pg_type::{align, by_value, collation, storage};
use super::source::{identity_kind, Source};
use crate::catalog::{ColumnDef, TableSchema};
use crate::types::{DataType, Row, Value};

pub fn pg_attribute() -> TableSchema {
    schema(
        "pg_catalog.pg_attribute",
        "attrelid:oid attname:name atttypid:oid attstattarget:integer attlen:smallint attnum:smallint \
         attndims:integer attcacheoff:integer atttypmod:integer attbyval:boolean attalign:char1 attstorage:char1 \
         attcompression:char1 attnotnull:boolean atthasdef:boolean atthasmissing:boolean attidentity:char1 \
         attgenerated:char1 attisdropped:boolean attislocal:boolean attinhcount:integer attcollation:oid",
    )
}

pub fn attribute_rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in &src.tables {
        let rel = relation_oid(&t.name);
        rows.extend(t.columns.iter().enumerate().map(|(i, c)| attribute_row(rel, i + 1, c, true)));
    }
    for ix in src.indexes() {
        let rel = relation_oid(&ix.name);
        rows.extend(ix.columns.iter().enumerate().map(|(i, c)| attribute_row(rel, i + 1, &ix.table.columns[*c], false)));
    }
    rows
}

/// A column's row; index columns carry the type but no constraint, default or identity.
fn attribute_row(rel: u32, num: usize, c: &ColumnDef, of_table: bool) -> Row {
    let t = &c.data_type;
    let dims = matches!(t, DataType::Array(_)) as i64;
    let not_null = of_table && (c.not_null || c.primary_key);
    let has_default = of_table && (c.default.is_some() || c.identity == Some(crate::catalog::Identity::Serial));
    let identity = if of_table { identity_kind(c.identity) } else { '\0' };
    vec![
        oid(rel),
        name(&c.name),
        oid(t.oid()),
        int4(-1),
        Value::Int2(t.typlen()),
        int2(num),
        int4(dims),
        int4(-1),
        int4(t.typmod() as i64),
        flag(by_value(t)),
        char1(align(t)),
        char1(storage(t)),
        char1('\0'),
        flag(not_null),
        flag(has_default),
        flag(false),
        char1(identity),
        char1('\0'),
        flag(false),
        flag(true),
        int4(0),
        oid(collation(t)),
    ]
}

pub fn pg_attrdef() -> TableSchema {
    schema("pg_catalog.pg_attrdef", "oid:oid adrelid:oid adnum:smallint adbin:text")
}

/// Column defaults; `adbin` holds the expression as PostgreSQL prints it (what
/// `pg_get_expr(adbin, adrelid)` returns there).
pub fn attrdef_rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in &src.tables {
        for (i, c) in t.columns.iter().enumerate() {
            if let Some(d) = super::defaults::column_default(t, c) {
                rows.push(vec![oid(relation_oid(&format!("{}.{}.default", t.name, c.name))), oid(relation_oid(&t.name)), int2(i + 1), name(&d)]);
            }
        }
    }
    rows
}

pub fn pg_index() -> TableSchema {
    schema(
        "pg_catalog.pg_index",
        "indexrelid:oid indrelid:oid indnatts:smallint indnkeyatts:smallint indisunique:boolean \
         indnullsnotdistinct:boolean indisprimary:boolean indisexclusion:boolean indimmediate:boolean \
         indisclustered:boolean indisvalid:boolean indcheckxmin:boolean indisready:boolean indislive:boolean \
         indisreplident:boolean indkey:int2vector indexprs:text indpred:text",
    )
}

pub fn index_rows(src: &Source) -> Vec<Row> {
    let row = |ix: super::source::Index| {
        let n = ix.columns.len();
        let key = Value::Array(ix.columns.iter().map(|c| int2(c + 1)).collect());
        vec![
            oid(relation_oid(&ix.name)),
            oid(relation_oid(&ix.table.name)),
            int2(n),
            int2(n),
            flag(ix.unique),
            flag(false),
            flag(ix.primary),
            flag(false),
            flag(true),
            flag(false),
            flag(true),
            flag(false),
            flag(true),
            flag(true),
            flag(false),
            key,
            Value::Null,
            Value::Null,
        ]
    };
    src.indexes().map(row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn attributes_of_tables_and_indexes() {
        let rows = attribute_rows(&sample());
        let t = relation_oid("t");
        let of_t: Vec<&Row> = rows.iter().filter(|r| r[0] == oid(t)).collect();
        assert_eq!(of_t.len(), 4);
        assert_eq!((&of_t[1][1], &of_t[1][2], &of_t[1][8], &of_t[1][13]), (&name("e"), &oid(1043), &int4(24), &flag(true)));
        assert_eq!((&of_t[0][14], &of_t[3][6]), (&flag(true), &int4(1)));
        let key = rows.iter().find(|r| r[0] == oid(relation_oid("t_e_key"))).unwrap();
        assert_eq!((&key[1], &key[5], &key[13]), (&name("e"), &int2(1), &flag(false)));
        assert!(rows.iter().all(|r| r.len() == pg_attribute().columns.len()));
    }

    #[test]
    fn defaults_of_serial_and_plain_columns() {
        let rows = attrdef_rows(&sample());
        let adbin: Vec<(Value, Value)> = rows.iter().map(|r| (r[2].clone(), r[3].clone())).collect();
        assert_eq!(adbin, vec![(int2(1), name("nextval('t_id_seq'::regclass)")), (int2(4), name("'{}'::text[]"))]);
    }

    #[test]
    fn index_rows_point_at_their_tables() {
        let rows = index_rows(&sample());
        let pk = rows.iter().find(|r| r[0] == oid(relation_oid("t_pkey"))).unwrap();
        assert_eq!((&pk[1], &pk[4], &pk[6], &pk[15]), (&oid(relation_oid("t")), &flag(true), &flag(true), &Value::Array(vec![int2(1)])));
        assert!(rows.iter().all(|r| r.len() == pg_index().columns.len()));
    }
}
