//! Catalogs whose contents do not depend on the user's tables: pg_am (PostgreSQL 15's
//! access methods), pg_opclass (the default btree operator classes of the types SmarterBase
//! has), pg_collation (default, C, POSIX), pg_tablespace, pg_roles (the one
//! superuser), and the catalogs SmarterBase has nothing to put in: pg_description (no
//! comments), pg_inherits, pg_enum, pg_range, pg_depend, and the row-security policies,
//! extended statistics and publications (pg_policy, pg_statistic_ext, pg_publication,
//! pg_publication_namespace, pg_publication_rel) psql's `\d` asks about.

use super::columns::{char1, flag, int4, name, oid, schema};
use super::oids;
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::{DataType, Row, Value};

pub fn pg_am() -> TableSchema {
    schema("pg_catalog.pg_am", "oid:oid amname:name amtype:char1")
}

pub fn am_rows(_src: &Source) -> Vec<Row> {
    let methods = [
        (2, "heap", 't'),
        (403, "btree", 'i'),
        (405, "hash", 'i'),
        (783, "gist", 'i'),
        (2742, "gin", 'i'),
        (4000, "spgist", 'i'),
        (3580, "brin", 'i'),
    ];
    methods.iter().map(|(o, n, t)| vec![oid(*o), name(n), char1(*t)]).collect()
}

pub fn pg_opclass() -> TableSchema {
    schema(
        "pg_catalog.pg_opclass",
        "oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid opcintype:oid opcdefault:boolean opckeytype:oid",
    )
}

/// PostgreSQL 15's default btree operator classes: (oid, name, family, input type).
const OPCLASSES: [(u32, &str, u32, u32); 20] = [
    (1978, "int4_ops", 1976, 23),
    (1979, "int2_ops", 1976, 21),
    (1981, "oid_ops", 1989, 26),
    (3122, "date_ops", 434, 1082),
    (3123, "float8_ops", 1970, 701),
    (3124, "int8_ops", 1976, 20),
    (3125, "numeric_ops", 1988, 1700),
    (3126, "text_ops", 1994, 25),
    (3127, "timestamptz_ops", 434, 1184),
    (3128, "timestamp_ops", 434, 1114),
    (10000, "array_ops", 397, 2277),
    (10003, "bool_ops", 424, 16),
    (10004, "bpchar_ops", 426, 1042),
    (10006, "bytea_ops", 428, 17),
    (10012, "float4_ops", 1970, 700),
    (10022, "interval_ops", 1982, 1186),
    (10028, "name_ops", 1994, 19),
    (10038, "time_ops", 1996, 1083),
    (10065, "uuid_ops", 2968, 2950),
    (10088, "jsonb_ops", 4033, 3802),
];

pub fn opclass_rows(_src: &Source) -> Vec<Row> {
    let row = |(o, n, family, input): &(u32, &str, u32, u32)| {
        vec![oid(*o), oid(oids::BTREE_AM), name(n), oid(oids::PG_CATALOG), oid(oids::SUPERUSER), oid(*family), oid(*input), flag(true), oid(0)]
    };
    OPCLASSES.iter().map(row).collect()
}

/// The default btree operator class of a column type (pg_index.indclass): varchar uses
/// text's, arrays anyarray's.
pub fn default_opclass(t: &DataType) -> u32 {
    let input = match t {
        DataType::Varchar(_) => DataType::Text.oid(),
        DataType::Array(_) => 2277,
        other => other.oid(),
    };
    OPCLASSES.iter().find(|c| c.3 == input).map_or(0, |c| c.0)
}

pub fn pg_collation() -> TableSchema {
    schema(
        "pg_catalog.pg_collation",
        "oid:oid collname:name collnamespace:oid collowner:oid collprovider:char1 collisdeterministic:boolean \
         collencoding:integer collcollate:text collctype:text colliculocale:text collversion:text",
    )
}

pub fn collation_rows(_src: &Source) -> Vec<Row> {
    let row = |o: u32, n: &str, provider: char, locale: Value| {
        vec![
            oid(o),
            name(n),
            oid(oids::PG_CATALOG),
            oid(oids::SUPERUSER),
            char1(provider),
            flag(true),
            int4(-1),
            locale.clone(),
            locale,
            Value::Null,
            Value::Null,
        ]
    };
    vec![
        row(oids::DEFAULT_COLLATION, "default", 'd', Value::Null),
        row(oids::C_COLLATION, "C", 'c', name("C")),
        row(951, "POSIX", 'c', name("POSIX")),
    ]
}

pub fn pg_tablespace() -> TableSchema {
    schema("pg_catalog.pg_tablespace", "oid:oid spcname:name spcowner:oid")
}

pub fn tablespace_rows(_src: &Source) -> Vec<Row> {
    [(1663, "pg_default"), (1664, "pg_global")].iter().map(|(o, n)| vec![oid(*o), name(n), oid(oids::SUPERUSER)]).collect()
}

pub fn pg_roles() -> TableSchema {
    schema(
        "pg_catalog.pg_roles",
        "rolname:name rolsuper:boolean rolinherit:boolean rolcreaterole:boolean rolcreatedb:boolean \
         rolcanlogin:boolean rolreplication:boolean rolconnlimit:integer rolpassword:text \
         rolvaliduntil:timestamptz rolbypassrls:boolean rolconfig:text[] oid:oid",
    )
}

pub fn roles_rows(_src: &Source) -> Vec<Row> {
    let mut row = vec![name("postgres")];
    row.extend(std::iter::repeat_n(flag(true), 6));
    row.extend([int4(-1), name("********"), Value::Null, flag(true), Value::Null, oid(oids::SUPERUSER)]);
    vec![row]
}

pub fn pg_description() -> TableSchema {
    schema("pg_catalog.pg_description", "objoid:oid classoid:oid objsubid:integer description:text")
}

pub fn pg_inherits() -> TableSchema {
    schema("pg_catalog.pg_inherits", "inhrelid:oid inhparent:oid inhseqno:integer inhdetachpending:boolean")
}

pub fn pg_enum() -> TableSchema {
    schema("pg_catalog.pg_enum", "oid:oid enumtypid:oid enumsortorder:real enumlabel:name")
}

pub fn pg_range() -> TableSchema {
    schema("pg_catalog.pg_range", "rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid")
}

pub fn pg_depend() -> TableSchema {
    schema("pg_catalog.pg_depend", "classid:oid objid:oid objsubid:integer refclassid:oid refobjid:oid refobjsubid:integer deptype:char1")
}

pub fn pg_policy() -> TableSchema {
    schema(
        "pg_catalog.pg_policy",
        "oid:oid polname:name polrelid:oid polcmd:char1 polpermissive:boolean polroles:oid[] polqual:text polwithcheck:text",
    )
}

pub fn pg_statistic_ext() -> TableSchema {
    schema(
        "pg_catalog.pg_statistic_ext",
        "oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid stxstattarget:integer stxkeys:int2vector stxkind:text[]",
    )
}

pub fn pg_publication() -> TableSchema {
    schema(
        "pg_catalog.pg_publication",
        "oid:oid pubname:name pubowner:oid puballtables:boolean pubinsert:boolean pubupdate:boolean pubdelete:boolean \
         pubtruncate:boolean pubviaroot:boolean",
    )
}

pub fn pg_publication_namespace() -> TableSchema {
    schema("pg_catalog.pg_publication_namespace", "oid:oid pnpubid:oid pnnspid:oid")
}

pub fn pg_publication_rel() -> TableSchema {
    schema("pg_catalog.pg_publication_rel", "oid:oid prpubid:oid prrelid:oid prqual:text prattrs:int2vector")
}

/// The rows of a catalog SmarterBase has nothing to put in.
pub fn no_rows(_src: &Source) -> Vec<Row> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::pg_catalog::source::tests::sample;

    #[test]
    fn fixed_rows_match_their_columns() {
        let src = sample();
        type Fixed = (fn() -> TableSchema, fn(&Source) -> Vec<Row>);
        let tables: [Fixed; 5] =
            [(pg_am, am_rows), (pg_collation, collation_rows), (pg_tablespace, tablespace_rows), (pg_roles, roles_rows), (pg_enum, no_rows)];
        for (schema, rows) in tables {
            let width = schema().columns.len();
            assert!(rows(&src).iter().all(|r| r.len() == width), "{}", schema().name);
        }
        assert_eq!(roles_rows(&src)[0][12], oid(10));
        assert_eq!(collation_rows(&src)[1][1], name("C"));
    }
}
