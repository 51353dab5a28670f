//! The catalog as catalog functions read it at run time ([`CatalogLookup`]): relation, type
//! and schema names by OID and back, index and constraint definitions. The schemas the
//! statement's transaction sees are gathered once, on first use, so statements that call
//! no catalog function pay nothing.

use super::constraints::{constraint_oid, constraints_of, definition};
use super::oids::{relation_oid, NAMESPACES};
use super::pg_indexes::index_def;
use super::registry::tables_source;
use super::source::Source;
use crate::exec::txn::TxnState;
use crate::sql::catalog_functions::{CatalogLookup, RegKind};
use crate::storage::Snapshot;
use crate::types::DataType;
use std::cell::OnceCell;

pub struct LiveCatalog<'a> {
    snap: &'a Snapshot,
    txn: &'a TxnState,
    source: OnceCell<Source>,
}

impl<'a> LiveCatalog<'a> {
    pub fn new(snap: &'a Snapshot, txn: &'a TxnState) -> LiveCatalog<'a> {
        LiveCatalog { snap, txn, source: OnceCell::new() }
    }

    fn source(&self) -> &Source {
        self.source.get_or_init(|| tables_source(self.snap, self.txn))
    }

    /// Every relation pg_class lists: tables, indexes, sequences.
    fn relation_names(&self) -> Vec<String> {
        let src = self.source();
        let tables = src.tables.iter().map(|t| t.name.clone());
        tables.chain(src.indexes().map(|i| i.name)).chain(src.sequences().map(|(n, _)| n)).collect()
    }
}

impl CatalogLookup for LiveCatalog<'_> {
    fn oid_of(&self, kind: RegKind, name: &str) -> Option<u32> {
        match kind {
            RegKind::Class => self.relation_names().iter().any(|n| n == name).then(|| relation_oid(name)),
            RegKind::Type => match name.strip_prefix('_') {
                Some(elem) => DataType::parse(elem).ok().map(|t| t.array_oid()).filter(|o| *o != 0),
                None => DataType::parse(name).ok().map(|t| t.oid()),
            },
            RegKind::Namespace => NAMESPACES.iter().find(|(_, n)| *n == name).map(|(o, _)| *o),
        }
    }

    fn name_of(&self, kind: RegKind, oid: u32) -> Option<String> {
        match kind {
            RegKind::Class => self.relation_names().into_iter().find(|n| relation_oid(n) == oid),
            RegKind::Type => DataType::from_oid(oid).filter(|_| oid != 0).map(|t| match t {
                DataType::Char(None) => "character".to_string(),
                DataType::Array(e) if *e == DataType::Char(None) => "character[]".to_string(),
                t => t.to_string(),
            }),
            RegKind::Namespace => NAMESPACES.iter().find(|(o, _)| *o == oid).map(|(_, n)| n.to_string()),
        }
    }

    fn index_def(&self, oid: u32, pretty: bool) -> Option<String> {
        let def = self.source().indexes().find(|i| relation_oid(&i.name) == oid).map(|i| index_def(&i))?;
        Some(if pretty { def.replacen(" ON public.", " ON ", 1) } else { def })
    }

    fn is_table(&self, oid: u32) -> bool {
        self.source().tables.iter().any(|t| relation_oid(&t.name) == oid)
    }

    fn constraint_def(&self, oid: u32) -> Option<String> {
        let src = self.source();
        src.tables.iter().find_map(|t| constraints_of(src, t).into_iter().find(|c| constraint_oid(t, c) == oid).map(|c| definition(t, &c)))
    }
}
