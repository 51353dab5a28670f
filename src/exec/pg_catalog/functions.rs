//! The catalog-reading functions a statement's runtime evaluates (see
//! `sql::catalog_functions`): input and output of regclass, regtype and regnamespace,
//! `to_regclass`, `pg_relation_is_publishable`, `pg_get_indexdef`,
//! `pg_get_constraintdef` (PostgreSQL's text for keys, foreign keys and checks),
//! `pg_get_serial_sequence`, `format_type`, `current_setting` and `set_config` (as a no-op). An OID that names nothing gives NULL, as
//! in PostgreSQL.

use super::constraints::{constraint_oid, constraints_of};
use super::oids::relation_oid;
use super::pg_indexes::index_def;
use super::regclass::{reg_name, reg_oid, split_name, type_by_oid};
use super::registry::source;
use super::source::{sequence_names, Source};
use crate::catalog::{ConstraintKind, ForeignKey, TableSchema};
use crate::error::{sqlstate, Error, Result};
use crate::exec::executor::Ctx;
use crate::export::quote::{ident as quote_ident, idents};
use crate::sql::catalog_functions::{format_type, CatalogFn, RegKind};
use crate::sql::expr::text;
use crate::types::Value;

/// Evaluates `func` on non-null arguments.
pub fn call(ctx: &Ctx, func: CatalogFn, args: &[Value]) -> Result<Value> {
    let int = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(0);
    let oid_value = |o: u32| Value::Int8(o.into());
    let or_null = |s: Option<String>| s.map_or(Value::Null, Value::Text);
    Ok(match func {
        CatalogFn::RegIn(kind) => oid_value(reg_oid(ctx, kind, text(&args[0])).ok_or_else(|| undefined(kind, text(&args[0])))?),
        CatalogFn::ToRegClass => reg_oid(ctx, RegKind::Class, text(&args[0])).map_or(Value::Null, oid_value),
        CatalogFn::RegOut(_) if int(0) == 0 => Value::Text("-".into()),
        CatalogFn::RegOut(kind) => Value::Text(reg_name(ctx, kind, int(0) as u32).unwrap_or_else(|| int(0).to_string())),
        CatalogFn::RelationIsPublishable => match source(ctx) {
            src if src.tables.iter().any(|t| relation_oid(&t.name) == int(0) as u32) => Value::Bool(true),
            _ if reg_name(ctx, RegKind::Class, int(0) as u32).is_some() => Value::Bool(false),
            _ => Value::Null,
        },
        CatalogFn::GetIndexDef => or_null(index_definition(&source(ctx), int(0) as u32, int(1), args.get(2) == Some(&Value::Bool(true)))),
        CatalogFn::GetConstraintDef => or_null(constraint_definition(&source(ctx), int(0) as u32, args.get(1) == Some(&Value::Bool(true)))),
        CatalogFn::GetSerialSequence => or_null(serial_sequence(&source(ctx), text(&args[0]), text(&args[1]))?),
        CatalogFn::CurrentSetting => {
            let settings = ctx.settings.ok_or_else(|| Error::unsupported("current_setting() here"))?;
            match settings.get(text(&args[0])) {
                Ok(v) => Value::Text(v.to_string()),
                Err(_) if args.get(1) == Some(&Value::Bool(true)) => Value::Null,
                Err(e) => return Err(e),
            }
        }
        CatalogFn::SetConfig => {
            let settings = ctx.settings.ok_or_else(|| Error::unsupported("set_config() here"))?;
            match settings.get(text(&args[0]))? {
                current if current == text(&args[1]) => Value::Text(current.to_string()),
                _ => return Err(Error::unsupported("set_config() changing a setting (use SET)")),
            }
        }
        CatalogFn::FormatType if args[0].is_null() => Value::Null,
        CatalogFn::FormatType => Value::Text(format_type(type_by_oid(ctx, int(0) as u32), args[1].as_i64().unwrap_or(-1))),
        other => return Err(Error::internal(format!("{}() is not a runtime function", other.name()))),
    })
}

/// The error of a name that names no object of this kind.
fn undefined(kind: RegKind, name: &str) -> Error {
    match kind {
        RegKind::Class => crate::sql::bind::undefined_table(name),
        RegKind::Type => crate::types::undefined_type(name),
        RegKind::Namespace => Error::new(sqlstate::UNDEFINED_SCHEMA, format!("schema \"{name}\" does not exist")),
    }
}

/// The CREATE INDEX statement of index `oid`, or its `column`-th column (1-based) when not 0.
fn index_definition(src: &Source, oid: u32, column: i64, pretty: bool) -> Option<String> {
    let ix = src.indexes().find(|i| relation_oid(&i.name) == oid)?;
    match usize::try_from(column).ok().filter(|c| *c > 0) {
        None => Some(index_def(&ix, !pretty)),
        Some(c) => ix.columns.get(c - 1).map(|p| quote_ident(&ix.table.columns[*p].name)),
    }
}

/// `PRIMARY KEY (id)`, `UNIQUE (email)`, `FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE`,
/// `CHECK ((qty > 0))` (one pair of parentheses fewer when pretty).
fn constraint_definition(src: &Source, oid: u32, pretty: bool) -> Option<String> {
    let (t, c) = src.tables.iter().find_map(|t| constraints_of(src, t).into_iter().find(|c| constraint_oid(t, c) == oid).map(|c| (t.as_ref(), c)))?;
    let list = |t: &TableSchema, cols: &[usize]| cols.iter().map(|i| quote_ident(&t.columns[*i].name)).collect::<Vec<_>>().join(", ");
    Some(match c.kind {
        'p' => format!("PRIMARY KEY ({})", list(t, &c.columns)),
        'u' => format!("UNIQUE ({})", list(t, &c.columns)),
        'f' => {
            let (fk, target) = c.fk?;
            let target = target.map_or(fk.ref_table.as_str(), |s| s.name.as_str());
            foreign_key_definition(&list(t, &c.columns), fk, target)
        }
        _ => {
            let expr = t.constraints.iter().find_map(|k| match &k.kind {
                ConstraintKind::Check { expr } if k.name == c.name => Some(expr.as_str()),
                _ => None,
            })?;
            if pretty {
                format!("CHECK ({expr})")
            } else {
                format!("CHECK (({expr}))")
            }
        }
    })
}

fn foreign_key_definition(columns: &str, fk: &ForeignKey, target: &str) -> String {
    let ref_cols = idents(&fk.ref_columns);
    let mut def = format!("FOREIGN KEY ({columns}) REFERENCES {}({ref_cols})", quote_ident(target));
    for (what, action) in [("UPDATE", &fk.on_update), ("DELETE", &fk.on_delete)] {
        if action != "no action" {
            def.push_str(&format!(" ON {what} {}", action.to_uppercase()));
        }
    }
    def
}

/// `public.<table>_<column>_seq` for a serial or identity column, NULL for another column.
fn serial_sequence(src: &Source, table: &str, column: &str) -> Result<Option<String>> {
    let parts = split_name(table);
    let name = match parts.as_slice() {
        [t] | [_, t] => t,
        _ => return Err(crate::sql::bind::undefined_table(table)),
    };
    let t = src.tables.iter().find(|t| t.name == *name).ok_or_else(|| crate::sql::bind::undefined_table(table))?;
    let c = t
        .columns
        .iter()
        .find(|c| c.name == column)
        .ok_or_else(|| Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{column}\" of relation \"{name}\" does not exist")))?;
    let seq = format!("{}_{}_seq", t.name, c.name);
    Ok(sequence_names(t).contains(&seq).then(|| format!("public.{}", quote_ident(&seq))))
}
