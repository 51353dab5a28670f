//! pg_settings: the session's settings (what SHOW reports), with PostgreSQL's capitalized
//! names for the few that have them. Only `name` and `setting` carry real information; the
//! descriptive columns are NULL.

use super::columns::{name, schema};
use super::source::Source;
use crate::catalog::TableSchema;
use crate::types::{Row, Value};

pub fn table() -> TableSchema {
    schema(
        "pg_catalog.pg_settings",
        "name:text setting:text unit:text category:text short_desc:text extra_desc:text context:text vartype:text \
         source:text min_val:text max_val:text enumvals:text[] boot_val:text reset_val:text sourcefile:text \
         sourceline:integer pending_restart:boolean",
    )
}

pub fn rows(src: &Source) -> Vec<Row> {
    let row = |(n, v): &(String, String)| {
        let mut r = vec![name(display_name(n)), name(v)];
        r.extend(std::iter::repeat_n(Value::Null, 14));
        r.push(Value::Bool(false));
        r
    };
    src.settings.iter().map(row).collect()
}

fn display_name(n: &str) -> &str {
    match n {
        "datestyle" => "DateStyle",
        "intervalstyle" => "IntervalStyle",
        "timezone" => "TimeZone",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_rows_use_postgres_names() {
        let rows = rows(&super::super::source::tests::sample());
        assert_eq!(rows[0][..2], [name("TimeZone"), name("UTC")]);
        assert_eq!(rows[0].len(), table().columns.len());
    }
}
