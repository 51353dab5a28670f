//! What the virtual tables are computed from: the tables and enum types the session's
//! transaction sees (with indexes and sequences derived from the schemas), the session's user
//! and database, and its settings.

use crate::catalog::{ConstraintKind, Identity, TableSchema};
use crate::storage::EnumType;
use std::sync::Arc;

pub struct Source {
    /// The visible tables, by name.
    pub tables: Vec<Arc<TableSchema>>,
    /// The visible enum types, by name.
    pub types: Vec<(String, EnumType)>,
    /// The virtual catalog tables themselves (qualified names), for information_schema.
    pub system: Vec<Arc<TableSchema>>,
    pub database: String,
    /// The session's settings (name, value), by name.
    pub settings: Vec<(String, String)>,
}

/// An index of a table: the primary key's, a unique constraint's or a CREATE INDEX one.
pub struct Index<'a> {
    pub name: String,
    pub table: &'a TableSchema,
    /// Column positions (0-based).
    pub columns: Vec<usize>,
    pub unique: bool,
    pub primary: bool,
}

impl Source {
    pub fn indexes(&self) -> impl Iterator<Item = Index<'_>> {
        self.tables.iter().flat_map(|t| indexes_of(t))
    }

    /// Sequences behind serial and identity columns: (name, table).
    pub fn sequences(&self) -> impl Iterator<Item = (String, &TableSchema)> {
        self.tables.iter().flat_map(|t| sequence_names(t).into_iter().map(move |n| (n, t.as_ref())))
    }

    /// Whether a table has foreign-key triggers (it references or is referenced).
    pub fn has_triggers(&self, t: &TableSchema) -> bool {
        let refs =
            |s: &TableSchema, target: &str| s.constraints.iter().any(|c| matches!(&c.kind, ConstraintKind::ForeignKey(fk) if fk.ref_table == target));
        t.constraints.iter().any(|c| matches!(c.kind, ConstraintKind::ForeignKey(_))) || self.tables.iter().any(|s| refs(s, &t.name))
    }
}

/// A table's indexes: the primary key first, then the schema's indexes in order.
pub fn indexes_of(t: &TableSchema) -> Vec<Index<'_>> {
    let pk = t.primary_key_columns();
    let primary = (!pk.is_empty()).then(|| Index { name: t.primary_key_constraint_name(), table: t, columns: pk, unique: true, primary: true });
    let others = t.indexes.iter().map(|i| Index {
        name: i.name.clone(),
        table: t,
        columns: i.columns.iter().filter_map(|c| t.column_index(c)).collect(),
        unique: i.unique,
        primary: false,
    });
    primary.into_iter().chain(others).collect()
}

/// `<table>_<column>_seq` for every serial or identity column.
pub fn sequence_names(t: &TableSchema) -> Vec<String> {
    t.columns.iter().filter(|c| c.identity.is_some()).map(|c| format!("{}_{}_seq", t.name, c.name)).collect()
}

/// PostgreSQL's attidentity: 'a' (ALWAYS), 'd' (BY DEFAULT) or none (also for serial).
pub fn identity_kind(identity: Option<Identity>) -> char {
    match identity {
        Some(Identity::Always) => 'a',
        Some(Identity::ByDefault) => 'd',
        _ => '\0',
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A source with a table `t` (serial pk, unique text, FK to `p`) and a table `p`.
    pub fn sample() -> Source {
        let t = r#"{"name":"t","columns":[{"name":"id","type":"integer","primary_key":true,"identity":"serial"},{"name":"e","type":"varchar(20)","not_null":true},{"name":"p_id","type":"bigint"},{"name":"tags","type":"text[]","default":"'{}'::text[]"}],
            "indexes":[{"name":"t_e_key","columns":["e"],"unique":true,"constraint":true}],
            "constraints":[{"name":"t_p_id_fkey","kind":"foreign_key","columns":["p_id"],"ref_table":"p","ref_columns":["id"]}]}"#;
        let p = r#"{"name":"p","columns":[{"name":"id","type":"bigint","primary_key":true},{"name":"n","type":"numeric(10,2)"}],"indexes":[]}"#;
        let tables = [p, t].iter().map(|s| Arc::new(serde_json::from_str::<TableSchema>(s).unwrap())).collect();
        Source { tables, types: Vec::new(), system: Vec::new(), database: "postgres".into(), settings: vec![("timezone".into(), "UTC".into())] }
    }

    #[test]
    fn indexes_sequences_and_triggers_follow_the_schemas() {
        let s = sample();
        let names: Vec<String> = s.indexes().map(|i| i.name).collect();
        assert_eq!(names, ["p_pkey", "t_pkey", "t_e_key"]);
        assert_eq!(s.sequences().map(|(n, _)| n).collect::<Vec<_>>(), ["t_id_seq"]);
        assert!(s.has_triggers(&s.tables[0]) && s.has_triggers(&s.tables[1]));
    }
}
