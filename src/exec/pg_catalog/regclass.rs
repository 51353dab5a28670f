//! `regclass`: relation names to OIDs and back, as the running statement's catalog has them.
//!
//! A name is split PostgreSQL's way (dots outside double quotes; unquoted parts fold to lower
//! case). Unqualified names look in pg_catalog first, then public, the default search path.
//! User relations (tables, indexes, sequences) are those pg_class lists; the catalog tables
//! have PostgreSQL 15's fixed OIDs.

use super::oids::relation_oid;
use super::registry::source;
use crate::exec::executor::Ctx;

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

/// The OID `name` means, None when no such relation exists.
pub fn regclass_oid(ctx: &Ctx, name: &str) -> Option<u32> {
    let parts = split_name(name);
    let system = |t: &str| SYSTEM.iter().find(|(n, _)| *n == t).map(|(_, o)| *o);
    let user = |t: &str| user_relations(ctx).into_iter().find(|n| n == t).map(|n| relation_oid(&n));
    match parts.as_slice() {
        [t] => system(t).or_else(|| user(t)),
        [s, t] if s == "pg_catalog" => system(t),
        [s, t] if s == "public" => user(t),
        _ => None,
    }
}

/// The name of relation `oid` as regclass prints it (unqualified: both schemas are on the path).
pub fn regclass_name(ctx: &Ctx, oid: u32) -> Option<String> {
    if let Some((n, _)) = SYSTEM.iter().find(|(_, o)| *o == oid) {
        return Some(n.to_string());
    }
    user_relations(ctx).into_iter().find(|n| relation_oid(n) == oid)
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
    }
}
