//! Column defaults as PostgreSQL prints them back (information_schema.columns.column_default,
//! pg_get_expr): schema files keep a default as it was written, and PostgreSQL's deparser
//! decorates the plain literal forms: `'x'` on a text column is `'x'::text`, a negative
//! number is `'-1'::integer`. Anything else (function calls, casts already written, positive
//! numbers, booleans) prints as written.

use crate::catalog::{ColumnDef, Identity, TableSchema};
use crate::types::DataType;

/// A column's default as PostgreSQL prints it: the sequence call behind a serial column,
/// none for an identity column, else the stored default deparsed.
pub fn column_default(t: &TableSchema, c: &ColumnDef) -> Option<String> {
    match c.identity {
        Some(Identity::Serial) => Some(format!("nextval('{}_{}_seq'::regclass)", t.name, c.name)),
        Some(_) => None,
        None => c.default.as_deref().map(|d| deparse(d, &c.data_type)),
    }
}

/// The default expression `written` for a column of type `ty`, as PostgreSQL prints it.
pub fn deparse(written: &str, ty: &DataType) -> String {
    let t = written.trim();
    if is_string_literal(t) && !ty.is_numeric() && *ty != DataType::Bool {
        return format!("{t}::{}", type_name(ty));
    }
    if ty.is_numeric() && t.starts_with('-') && t[1..].parse::<f64>().is_ok() {
        return format!("'{t}'::{}", type_name(ty));
    }
    t.to_string()
}

/// One single-quoted literal, nothing after it.
fn is_string_literal(t: &str) -> bool {
    let Some(inner) = t.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) else { return false };
    !inner.replace("''", "").contains('\'')
}

/// The type name the deparser writes after `::` (no modifiers; char is bpchar).
fn type_name(ty: &DataType) -> String {
    match ty {
        DataType::Char(_) => "bpchar".into(),
        DataType::Array(e) => format!("{}[]", type_name(e)),
        other => other.without_modifier().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_get_postgres_decorations() {
        assert_eq!(deparse("'x'", &DataType::Text), "'x'::text");
        assert_eq!(deparse("'it''s'", &DataType::Varchar(Some(9))), "'it''s'::character varying");
        assert_eq!(deparse("'{}'", &DataType::Jsonb), "'{}'::jsonb");
        assert_eq!(deparse("'{}'", &DataType::Array(Box::new(DataType::Text))), "'{}'::text[]");
        assert_eq!(deparse("-1", &DataType::Int4), "'-1'::integer");
        assert_eq!(deparse("0", &DataType::Int8), "0");
        assert_eq!(deparse("now()", &DataType::Timestamptz), "now()");
        assert_eq!(deparse("'x'::text", &DataType::Text), "'x'::text");
        assert_eq!(deparse("'a' || 'b'", &DataType::Text), "'a' || 'b'");
    }
}
