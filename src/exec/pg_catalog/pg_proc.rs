//! pg_proc: the functions and aggregates SmarterBase evaluates, with PostgreSQL 15's OIDs,
//! argument and result types (taken from PostgreSQL's own pg_proc), plus SmarterBase's
//! `gen_random_uuid7()` and its PostgreSQL 18 name `uuidv7()`.

use super::columns::{char1, flag, int2, name, oid, schema};
use super::oids;
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::{Row, Value};

pub fn table() -> TableSchema {
    schema(
        "pg_catalog.pg_proc",
        "oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:real prorows:real provariadic:oid \
         prokind:char1 prosecdef:boolean proleakproof:boolean proisstrict:boolean proretset:boolean provolatile:char1 \
         proparallel:char1 pronargs:smallint pronargdefaults:smallint prorettype:oid proargtypes:oidvector",
    )
}

/// `oid name kind(f/a) strict(t/f) volatility(i/s/v) result-type argument-types`.
const FUNCTIONS: &str = "
1394 abs f t i 700 700|1395 abs f t i 701 701|1396 abs f t i 20 20|1397 abs f t i 23 23|1398 abs f t i 21 21
1705 abs f t i 1700 1700|2100 avg a f i 1700 20|2101 avg a f i 1700 23|2102 avg a f i 1700 21|2103 avg a f i 1700 1700
2104 avg a f i 701 700|2105 avg a f i 701 701|2106 avg a f i 1186 1186|884 btrim f t i 25 25,25|885 btrim f t i 25 25
1711 ceil f t i 1700 1700|2308 ceil f t i 701 701|2167 ceiling f t i 1700 1700|2320 ceiling f t i 701 701
1372 char_length f t i 23 1042|1381 char_length f t i 23 25|1367 character_length f t i 23 1042
1369 character_length f t i 23 25|2803 count a f i 20 -|861 current_database f t s 19 -|1402 current_schema f t s 19 -
745 current_user f t s 19 -|1712 floor f t i 1700 1700|2309 floor f t i 701 701|3432 gen_random_uuid f t v 2950 -
1317 length f t i 23 25|1318 length f t i 23 1042|2010 length f t i 23 17|870 lower f t i 25 25
875 ltrim f t i 25 25,25|881 ltrim f t i 25 25|2115 max a f i 20 20|2116 max a f i 23 23|2117 max a f i 21 21
2118 max a f i 26 26|2119 max a f i 700 700|2120 max a f i 701 701|2122 max a f i 1082 1082|2123 max a f i 1083 1083
2126 max a f i 1114 1114|2127 max a f i 1184 1184|2128 max a f i 1186 1186|2129 max a f i 25 25|2130 max a f i 1700 1700
2244 max a f i 1042 1042|2131 min a f i 20 20|2132 min a f i 23 23|2133 min a f i 21 21|2134 min a f i 26 26
2135 min a f i 700 700|2136 min a f i 701 701|2138 min a f i 1082 1082|2139 min a f i 1083 1083|2142 min a f i 1114 1114
2143 min a f i 1184 1184|2144 min a f i 1186 1186|2145 min a f i 25 25|2146 min a f i 1700 1700|2245 min a f i 1042 1042
1299 now f t s 1184 -|2880 pg_advisory_lock f t v 2278 20|2886 pg_advisory_lock f t v 2278 23,23
2884 pg_advisory_unlock f t v 16 20|2890 pg_advisory_unlock f t v 16 23,23|2892 pg_advisory_unlock_all f t v 2278 -
2882 pg_try_advisory_lock f t v 16 20|2888 pg_try_advisory_lock f t v 16 23,23|2026 pg_backend_pid f t s 23 -
2087 replace f t i 25 25,25,25|1342 round f t i 701 701|1707 round f t i 1700 1700,23|1708 round f t i 1700 1700
876 rtrim f t i 25 25,25|882 rtrim f t i 25 25|746 session_user f t s 19 -|2648 statement_timestamp f t s 1184 -
3538 string_agg a f i 25 25,25|2107 sum a f i 1700 20|2108 sum a f i 20 23|2109 sum a f i 20 21|2110 sum a f i 700 700
2111 sum a f i 701 701|2113 sum a f i 1186 1186|2114 sum a f i 1700 1700|868 strpos f t i 23 25,25
877 substr f t i 25 25,23,23|883 substr f t i 25 25,23|936 substring f t i 25 25,23,23|937 substring f t i 25 25,23
2647 transaction_timestamp f t s 1184 -|871 upper f t i 25 25|89 version f t s 25 -
9895 gen_random_uuid7 f t v 2950 -|9896 uuidv7 f t v 2950 -";

pub fn rows(_src: &Source) -> Vec<Row> {
    FUNCTIONS.split(['|', '\n']).filter(|l| !l.trim().is_empty()).map(row).collect()
}

fn row(line: &str) -> Row {
    let f: Vec<&str> = line.split_whitespace().collect();
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let first = |s: &str| s.chars().next().unwrap_or('f');
    let args: Vec<Value> = f[6].split(',').filter(|a| *a != "-").map(|a| oid(num(a))).collect();
    vec![
        oid(num(f[0])),
        name(f[1]),
        oid(oids::PG_CATALOG),
        oid(oids::SUPERUSER),
        oid(12),
        Value::Float4(1.0),
        Value::Float4(0.0),
        oid(0),
        char1(first(f[2])),
        flag(false),
        flag(false),
        flag(f[3] == "t"),
        flag(false),
        char1(first(f[4])),
        char1('s'),
        int2(args.len()),
        int2(0),
        oid(num(f[5])),
        Value::Array(args),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_rows_parse_with_their_types() {
        let rows = rows(&super::super::source::tests::sample());
        let round = rows.iter().find(|r| r[0] == oid(1707)).unwrap();
        assert_eq!((&round[1], &round[15], &round[17], &round[18]), (&name("round"), &int2(2), &oid(1700), &Value::Array(vec![oid(1700), oid(23)])));
        let count = rows.iter().find(|r| r[1] == name("count")).unwrap();
        assert_eq!((&count[8], &count[15]), (&char1('a'), &int2(0)));
        assert!(rows.iter().all(|r| r.len() == table().columns.len()));
    }

    #[test]
    fn every_listed_function_is_callable() {
        for r in rows(&super::super::source::tests::sample()) {
            let n = crate::sql::expr::text(&r[1]);
            let aggregate = r[8] == char1('a');
            assert!(aggregate || crate::sql::functions::Func::lookup(n).is_some(), "{n}");
        }
    }
}
