//! pg_sequence: the sequences behind serial and identity columns (typed like their column,
//! starting at 1, step 1, up to the type's maximum).

use super::columns::{flag, oid, schema};
use super::oids::relation_oid;
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::{DataType, Row, Value};

pub fn table() -> TableSchema {
    schema(
        "pg_catalog.pg_sequence",
        "seqrelid:oid seqtypid:oid seqstart:bigint seqincrement:bigint seqmax:bigint seqmin:bigint seqcache:bigint seqcycle:boolean",
    )
}

pub fn rows(src: &Source) -> Vec<Row> {
    let mut rows = Vec::new();
    for t in &src.tables {
        for c in t.columns.iter().filter(|c| c.identity.is_some()) {
            let max = match c.data_type {
                DataType::Int2 => i16::MAX as i64,
                DataType::Int4 => i32::MAX as i64,
                _ => i64::MAX,
            };
            let seq = format!("{}_{}_seq", t.name, c.name);
            let one = Value::Int8(1);
            rows.push(vec![
                oid(relation_oid(&seq)),
                oid(c.data_type.oid()),
                one.clone(),
                one.clone(),
                Value::Int8(max),
                one.clone(),
                one,
                flag(false),
            ]);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_columns_have_int4_sequences() {
        let rows = rows(&super::super::source::tests::sample());
        assert_eq!(
            rows,
            vec![vec![
                oid(relation_oid("t_id_seq")),
                oid(23),
                Value::Int8(1),
                Value::Int8(1),
                Value::Int8(2147483647),
                Value::Int8(1),
                Value::Int8(1),
                flag(false)
            ]]
        );
        assert_eq!(rows[0].len(), table().columns.len());
    }
}
