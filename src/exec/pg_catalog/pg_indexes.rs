//! pg_indexes (each index with the CREATE INDEX statement PostgreSQL's pg_get_indexdef
//! writes for it) and pg_views (SmarterBase has no views, so it is empty).

use super::columns::{name, schema};
use super::source::{Index, Source};
use crate::catalog::TableSchema;
use crate::export::quote::ident as quote_ident;
use crate::types::{Row, Value};

pub fn pg_indexes() -> TableSchema {
    schema("pg_catalog.pg_indexes", "schemaname:name tablename:name indexname:name tablespace:name indexdef:text")
}

pub fn indexes_rows(src: &Source) -> Vec<Row> {
    let row = |ix: Index| vec![name("public"), name(&ix.table.name), name(&ix.name), Value::Null, name(&index_def(&ix, true))];
    src.indexes().map(row).collect()
}

/// `CREATE [UNIQUE] INDEX name ON public.table USING btree (col, ...)`; without `qualified`
/// the table's schema is left out (pg_get_indexdef's pretty form: public is on the path).
pub fn index_def(ix: &Index, qualified: bool) -> String {
    let unique = if ix.unique { "UNIQUE " } else { "" };
    let cols: Vec<String> = ix.columns.iter().map(|c| quote_ident(&ix.table.columns[*c].name)).collect();
    let schema = if qualified { "public." } else { "" };
    format!("CREATE {unique}INDEX {} ON {schema}{} USING btree ({})", quote_ident(&ix.name), quote_ident(&ix.table.name), cols.join(", "))
}

pub fn pg_views() -> TableSchema {
    schema("pg_catalog.pg_views", "schemaname:name viewname:name viewowner:name definition:text")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn index_definitions_read_like_postgres() {
        let rows = indexes_rows(&sample());
        let defs: Vec<Value> = rows.iter().map(|r| r[4].clone()).collect();
        assert_eq!(defs[1], name("CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)"));
        assert_eq!(defs[2], name("CREATE UNIQUE INDEX t_e_key ON public.t USING btree (e)"));
        assert!(rows.iter().all(|r| r.len() == pg_indexes().columns.len()));
    }
}
