//! User-defined enum types in the catalog: their pg_type rows (the enum type, typtype 'e',
//! and its array type `_name`) and their pg_enum rows (one per label, sort order from 1).
//! OIDs are name hashes like relations' ([`EnumDef::oid_of`]), so they are stable and agree
//! with the OIDs enum columns report.

use super::columns::{char1, flag, int4, name, oid};
use super::oids;
use super::source::Source;
use crate::types::{EnumDef, Row, Value};

/// pg_enum: every label of every enum type.
pub fn rows(src: &Source) -> Vec<Row> {
    let labels = src.types.iter().flat_map(|(t, def)| def.labels.iter().enumerate().map(move |(i, l)| (t, i, l)));
    labels
        .map(|(t, i, label)| {
            vec![oid(oids::relation_oid(&format!("label {t} {label}"))), oid(EnumDef::oid_of(t)), Value::Float4((i + 1) as f32), name(label)]
        })
        .collect()
}

/// pg_type rows of the enum types and their array types.
pub fn type_rows(src: &Source) -> Vec<Row> {
    let types = src.types.iter().map(|(t, _)| t);
    types
        .flat_map(|t| {
            let (ty, array) = (EnumDef::oid_of(t), EnumDef::array_oid_of(t));
            [type_row(ty, t, 0, array), type_row(array, &format!("_{t}"), ty, 0)]
        })
        .collect()
}

/// The enum type's row (`elem` 0) or its array type's (`elem` the enum type).
fn type_row(type_oid: u32, typname: &str, elem: u32, array: u32) -> Row {
    let is_enum = elem == 0;
    vec![
        oid(type_oid),
        name(typname),
        oid(oids::PUBLIC),
        oid(oids::SUPERUSER),
        Value::Int2(if is_enum { 4 } else { -1 }),
        flag(is_enum),
        char1(if is_enum { 'e' } else { 'b' }),
        char1(if is_enum { 'E' } else { 'A' }),
        flag(false),
        flag(true),
        char1(','),
        oid(0),
        oid(elem),
        oid(array),
        char1('i'),
        char1(if is_enum { 'p' } else { 'x' }),
        flag(false),
        oid(0),
        int4(-1),
        int4(0),
        oid(0),
        Value::Null,
        Value::Null,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::EnumType;

    #[test]
    fn enum_types_list_their_labels_and_array_type() {
        let mut src = super::super::source::tests::sample();
        src.types = vec![("mood".into(), EnumType { labels: vec!["sad".into(), "ok".into()] })];
        let labels = rows(&src);
        assert_eq!(
            labels.iter().map(|r| (r[1].clone(), r[2].clone(), r[3].clone())).collect::<Vec<_>>(),
            [(oid(EnumDef::oid_of("mood")), Value::Float4(1.0), name("sad")), (oid(EnumDef::oid_of("mood")), Value::Float4(2.0), name("ok"))]
        );
        let types = type_rows(&src);
        assert_eq!((&types[0][1], &types[0][6], &types[0][13]), (&name("mood"), &char1('e'), &types[1][0]));
        assert_eq!((&types[1][1], &types[1][7], &types[1][12]), (&name("_mood"), &char1('A'), &types[0][0]));
    }
}
