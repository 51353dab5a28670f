//! The list of virtual tables, name resolution (`pg_catalog.x`, `information_schema.x`,
//! and bare `x` for pg_catalog tables) and the scan the executor runs for them.
//!
//! Schemas are built once; rows are computed per scan from the transaction's view of the
//! tables, so a statement sees the tables its own transaction created or dropped.

use super::source::Source;
use super::{
    attributes, constraint_views, constraints, fixed, information_schema, pg_enum, pg_indexes, pg_proc, pg_settings, pg_type, relations, sequences,
};
use crate::catalog::TableSchema;
use crate::error::Result;
use crate::exec::executor::Ctx;
use crate::sql::bind::Catalog;
use crate::types::Row;
use std::sync::{Arc, OnceLock};

type RowsFn = fn(&Source) -> Vec<Row>;

const TABLES: [(fn() -> TableSchema, RowsFn); 36] = [
    (relations::pg_namespace, relations::namespace_rows),
    (relations::pg_class, relations::class_rows),
    (relations::pg_tables, relations::tables_rows),
    (relations::pg_database, relations::database_rows),
    (attributes::pg_attribute, attributes::attribute_rows),
    (attributes::pg_index, attributes::index_rows),
    (attributes::pg_attrdef, attributes::attrdef_rows),
    (pg_indexes::pg_indexes, pg_indexes::indexes_rows),
    (pg_indexes::pg_views, fixed::no_rows),
    (constraints::table, constraints::rows),
    (sequences::table, sequences::rows),
    (fixed::pg_am, fixed::am_rows),
    (fixed::pg_opclass, fixed::opclass_rows),
    (relations::pg_statio_all_tables, relations::statio_rows),
    (fixed::pg_collation, fixed::collation_rows),
    (fixed::pg_tablespace, fixed::tablespace_rows),
    (fixed::pg_roles, fixed::roles_rows),
    (fixed::pg_description, fixed::no_rows),
    (fixed::pg_inherits, fixed::no_rows),
    (fixed::pg_enum, pg_enum::rows),
    (fixed::pg_range, fixed::no_rows),
    (fixed::pg_depend, fixed::no_rows),
    (fixed::pg_policy, fixed::no_rows),
    (fixed::pg_statistic_ext, fixed::no_rows),
    (fixed::pg_publication, fixed::no_rows),
    (fixed::pg_publication_namespace, fixed::no_rows),
    (fixed::pg_publication_rel, fixed::no_rows),
    (pg_type::table, pg_type::rows),
    (pg_proc::table, pg_proc::rows),
    (pg_settings::table, pg_settings::rows),
    (information_schema::schemata, information_schema::schemata_rows),
    (information_schema::tables, information_schema::tables_rows),
    (information_schema::columns, information_schema::columns_rows),
    (constraint_views::table_constraints, constraint_views::table_constraints_rows),
    (constraint_views::key_column_usage, constraint_views::key_column_usage_rows),
    (constraint_views::constraint_column_usage, constraint_views::constraint_column_usage_rows),
];

fn all() -> &'static [(Arc<TableSchema>, RowsFn)] {
    static ALL: OnceLock<Vec<(Arc<TableSchema>, RowsFn)>> = OnceLock::new();
    ALL.get_or_init(|| TABLES.iter().map(|(schema, rows)| (Arc::new(schema()), *rows)).collect())
}

fn find(qualified: &str) -> Option<&'static (Arc<TableSchema>, RowsFn)> {
    all().iter().find(|(s, _)| s.name == qualified)
}

/// The virtual table `name` means: `schema.table` as written, or a bare pg_catalog name.
pub fn lookup(name: &str) -> Option<Arc<TableSchema>> {
    let qualified = if name.contains('.') { name.to_string() } else { format!("pg_catalog.{name}") };
    find(&qualified).map(|(s, _)| s.clone())
}

/// The rows of a virtual table as the running statement's transaction sees the catalog.
pub fn scan(table: &str, ctx: &Ctx) -> Result<Vec<Row>> {
    let (_, rows) = find(table).ok_or_else(|| crate::sql::bind::undefined_table(table))?;
    Ok(rows(&source(ctx)))
}

pub fn source(ctx: &Ctx) -> Source {
    let catalog = ctx.txn.catalog(ctx.snap);
    let mut names = catalog.table_names();
    names.sort();
    let tables = names.iter().filter_map(|n| catalog.table(n)).collect();
    let settings = ctx.settings.map(|s| s.all()).unwrap_or_default();
    let env = ctx.eval.env;
    let system = all().iter().map(|(s, _)| s.clone()).collect();
    let types = ctx.txn.enum_types(ctx.snap);
    Source { tables, types, system, database: env.database.to_string(), settings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_qualified_and_bare() {
        assert_eq!(lookup("pg_tables").unwrap().name, "pg_catalog.pg_tables");
        assert_eq!(lookup("pg_catalog.pg_class").unwrap().columns[1].name, "relname");
        assert!(lookup("information_schema.columns").is_some());
        assert!(lookup("columns").is_none());
        assert!(lookup("pg_catalog.nope").is_none());
    }
}
