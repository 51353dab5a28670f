//! Virtual catalog tables: pg_catalog (pg_namespace, pg_class, pg_tables, pg_indexes,
//! pg_database, pg_attribute, pg_attrdef, pg_index, pg_constraint, pg_sequence, pg_type,
//! pg_proc, pg_am, pg_collation, pg_tablespace, pg_roles, pg_settings, and the empty
//! pg_description, pg_inherits, pg_enum, pg_range, pg_depend, pg_views, pg_policy,
//! pg_statistic_ext, pg_publication, pg_publication_namespace, pg_publication_rel) and
//! information_schema (schemata, tables, columns, table_constraints, key_column_usage),
//! computed from the schemas a statement's transaction sees and read through the executor
//! like any table. `registry` resolves names and scans; one file per table family;
//! `lookup` answers the catalog functions (regclass, pg_get_indexdef, ...).

mod attributes;
mod columns;
mod constraint_views;
mod constraints;
mod defaults;
mod fixed;
mod functions;
mod information_schema;
mod oids;
mod pg_enum;
mod pg_indexes;
mod pg_proc;
mod pg_settings;
mod pg_type;
mod regclass;
mod registry;
mod relations;
mod sequences;
mod source;

pub use functions::call;
pub use oids::relation_oid;
pub use registry::{lookup, scan};
