//! The OID alias types `regclass`, `regtype` and `regnamespace`: names to OIDs and back, as
//! the running statement's catalog has them.
//!
//! A name is split PostgreSQL's way (dots outside double quotes; unquoted parts fold to lower
//! case); a number is an OID as it is. Unqualified relation names look in pg_catalog first,
//! then public, the default search path. User relations (tables, indexes, sequences) are
//! those pg_class lists; the catalog tables have PostgreSQL 15's fixed OIDs. Types are the
//! built-in ones (`integer`, `pg_catalog.int4`, `_text`), schemas those pg_namespace lists.

use super::oids::{relation_oid, NAMESPACES};
use super::registry::source;
use crate::exec::executor::Ctx;
use crate::sql::catalog_functions::RegKind;
use crate::types::DataType;

/// PostgreSQL 15's OIDs of the catalog tables SmarterBase provides.
const SYSTEM: [(&str, u32); 20] = [
    ("pg_type", 1247),
    ("pg_attribute", 1249),
    ("pg_proc", 1255),
    ("pg_class", 1259),
    ("pg_authid", 1260),
    ("pg_database", 1262),
    ("pg_tablespace", 1213),
    ("pg_sequence", 2224),
    ("pg_am", 2601),
    ("pg_attrdef", 2604),
    ("pg_constraint", 2606),
    ("pg_depend", 2608),
    ("pg_description", 2609),
    ("pg_index", 2610),
    ("pg_inherits", 2611),
    ("pg_namespace", 2615),
    ("pg_opclass", 2616),
    ("pg_collation", 3456),
    ("pg_enum", 3501),
    ("pg_range", 3541),
];

/// The OID `input` names as an object of this kind, None when no such object exists.
pub fn reg_oid(ctx: &Ctx, kind: RegKind, input: &str) -> Option<u32> {
    if let Ok(oid) = input.trim().parse::<u32>() {
        return Some(oid);
    }
    let parts = split_name(input);
    match kind {
        RegKind::Class => regclass_oid(ctx, &parts),
        RegKind::Namespace => match parts.as_slice() {
            [n] => NAMESPACES.iter().find(|(_, name)| name == n).map(|(o, _)| *o),
            _ => None,
        },
        RegKind::Type => match parts.as_slice() {
            [t] => type_oid(ctx, t),
            [s, t] | [_, s, t] if s == "pg_catalog" || s == "public" => type_oid(ctx, t),
            _ => None,
        },
    }
}

/// The name of object `oid` of this kind as the alias type prints it (unqualified: the
/// schemas are on the search path).
pub fn reg_name(ctx: &Ctx, kind: RegKind, oid: u32) -> Option<String> {
    match kind {
        RegKind::Class => regclass_name(ctx, oid),
        RegKind::Namespace => NAMESPACES.iter().find(|(o, _)| *o == oid).map(|(_, n)| n.to_string()),
        RegKind::Type => type_by_oid(ctx, oid).filter(|_| oid != 0).map(|t| match t {
            DataType::Char(None) => "character".to_string(),
            DataType::Array(e) if *e == DataType::Char(None) => "character[]".to_string(),
            t => t.to_string(),
        }),
    }
}

/// A relation: `t`, `pg_catalog.t`, `public.t`, `db.public.t`.
fn regclass_oid(ctx: &Ctx, parts: &[String]) -> Option<u32> {
    let system = |t: &str| SYSTEM.iter().find(|(n, _)| *n == t).map(|(_, o)| *o);
    let user = |t: &str| user_relations(ctx).into_iter().find(|n| n == t).map(|n| relation_oid(&n));
    match parts {
        [t] => system(t).or_else(|| user(t)),
        [s, t] | [_, s, t] if s == "pg_catalog" => system(t),
        [s, t] | [_, s, t] if s == "public" => user(t),
        _ => None,
    }
}

fn regclass_name(ctx: &Ctx, oid: u32) -> Option<String> {
    if let Some((n, _)) = SYSTEM.iter().find(|(_, o)| *o == oid) {
        return Some(n.to_string());
    }
    user_relations(ctx).into_iter().find(|n| relation_oid(n) == oid)
}

/// A type by any of its names; `_elem` and `elem[]` are the array of `elem`.
fn type_oid(ctx: &Ctx, name: &str) -> Option<u32> {
    let named = |n: &str| DataType::parse(n).ok().or_else(|| ctx.txn.enum_data_types(ctx.snap).find(|t| t.to_string() == n));
    let ty = match name.strip_prefix('_').or_else(|| name.strip_suffix("[]")) {
        Some(elem) => DataType::Array(Box::new(named(elem)?)),
        None => named(name)?,
    };
    Some(ty.oid()).filter(|oid| *oid != 0)
}

/// The type whose OID this is: a built-in type, an enum type or an array of one.
pub fn type_by_oid(ctx: &Ctx, oid: u32) -> Option<DataType> {
    ctx.txn.type_by_oid(ctx.snap, oid)
}

fn user_relations(ctx: &Ctx) -> Vec<String> {
    let src = source(ctx);
    let tables = src.tables.iter().map(|t| t.name.clone());
    tables.chain(src.indexes().map(|i| i.name)).chain(src.sequences().map(|(s, _)| s)).collect()
}

/// `a.b`, `"A.b".c`: the parts of a qualified name.
pub fn split_name(name: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut chars) = (false, name.trim().chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                parts.last_mut().expect("one part").push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c if quoted => parts.last_mut().expect("one part").push(c),
            c => parts.last_mut().expect("one part").extend(c.to_lowercase()),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_split_on_dots_outside_quotes_and_fold_unquoted_parts() {
        assert_eq!(split_name("pg_catalog.PG_Class"), ["pg_catalog", "pg_class"]);
        assert_eq!(split_name("\"My.T\"\"x\""), ["My.T\"x"]);
        assert_eq!(split_name("public.\"Users\""), ["public", "Users"]);
        assert_eq!(split_name("public.Items"), ["public", "items"]);
    }
}
