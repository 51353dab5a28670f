//! Functions clients call in catalog queries: `format_type`, `pg_table_is_visible`,
//! `pg_get_userbyid`, `pg_get_expr`, `col_description` and `obj_description`. They work from
//! their arguments alone: every relation SmarterBase lists is visible (public and
//! pg_catalog are on the search path), the only role is the bootstrap superuser, pg_attrdef
//! already holds defaults as text (so pg_get_expr returns it), and there are no comments.

use crate::types::{DataType, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogFn {
    FormatType,
    TableIsVisible,
    GetUserById,
    GetExpr,
    ColDescription,
    ObjDescription,
}

const OID_INT4: &[DataType] = &[DataType::Oid, DataType::Int4];
const OID: &[DataType] = &[DataType::Oid];
const EXPR2: &[DataType] = &[DataType::Text, DataType::Oid];
const EXPR3: &[DataType] = &[DataType::Text, DataType::Oid, DataType::Bool];
const OID_NAME: &[DataType] = &[DataType::Oid, DataType::Name];

impl CatalogFn {
    pub fn lookup(name: &str) -> Option<CatalogFn> {
        Some(match name {
            "format_type" => CatalogFn::FormatType,
            "pg_table_is_visible" => CatalogFn::TableIsVisible,
            "pg_get_userbyid" => CatalogFn::GetUserById,
            "pg_get_expr" => CatalogFn::GetExpr,
            "col_description" => CatalogFn::ColDescription,
            "obj_description" => CatalogFn::ObjDescription,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            CatalogFn::FormatType => "format_type",
            CatalogFn::TableIsVisible => "pg_table_is_visible",
            CatalogFn::GetUserById => "pg_get_userbyid",
            CatalogFn::GetExpr => "pg_get_expr",
            CatalogFn::ColDescription => "col_description",
            CatalogFn::ObjDescription => "obj_description",
        }
    }

    /// The argument types for `n` arguments, None when the count is wrong.
    pub fn arg_types(self, n: usize) -> Option<&'static [DataType]> {
        let types = match (self, n) {
            (CatalogFn::FormatType | CatalogFn::ColDescription, 2) => OID_INT4,
            (CatalogFn::TableIsVisible | CatalogFn::GetUserById | CatalogFn::ObjDescription, 1) => OID,
            (CatalogFn::ObjDescription, 2) => OID_NAME,
            (CatalogFn::GetExpr, 2) => EXPR2,
            (CatalogFn::GetExpr, 3) => EXPR3,
            _ => return None,
        };
        Some(types)
    }

    pub fn result_type(self) -> DataType {
        match self {
            CatalogFn::TableIsVisible => DataType::Bool,
            CatalogFn::GetUserById => DataType::Name,
            _ => DataType::Text,
        }
    }

    /// Evaluates the call on non-null arguments.
    pub fn apply(self, args: &[Value]) -> Value {
        let int = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(-1);
        match self {
            CatalogFn::FormatType => Value::Text(format_type(int(0), int(1))),
            CatalogFn::TableIsVisible => Value::Bool(true),
            CatalogFn::GetUserById if int(0) == 10 => Value::Text("postgres".into()),
            CatalogFn::GetUserById => Value::Text(format!("unknown (OID={})", int(0))),
            CatalogFn::GetExpr => args[0].clone(),
            CatalogFn::ColDescription | CatalogFn::ObjDescription => Value::Null,
        }
    }
}

/// `format_type(type_oid, typmod)`: the SQL name of a type with its modifier.
fn format_type(oid: i64, typmod: i64) -> String {
    let Some(ty) = u32::try_from(oid).ok().and_then(DataType::from_oid) else { return "???".into() };
    with_typmod(ty, typmod).to_string()
}

fn with_typmod(ty: DataType, typmod: i64) -> DataType {
    let m = typmod - 4;
    match ty {
        _ if typmod < 4 => ty,
        DataType::Varchar(_) => DataType::Varchar(Some(m as u32)),
        DataType::Char(_) => DataType::Char(Some(m as u32)),
        DataType::Numeric(_) => DataType::Numeric(Some(((m >> 16) as u32, (m & 0xffff) as u32))),
        DataType::Array(elem) => DataType::Array(Box::new(with_typmod(*elem, typmod))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_applies_modifiers() {
        assert_eq!(format_type(23, -1), "integer");
        assert_eq!(format_type(1043, 24), "character varying(20)");
        assert_eq!(format_type(1700, 655366), "numeric(10,2)");
        assert_eq!(format_type(1042, 7), "character(3)");
        assert_eq!(format_type(1015, 14), "character varying(10)[]");
        assert_eq!(format_type(1184, -1), "timestamp with time zone");
        assert_eq!(format_type(424242, -1), "???");
    }

    #[test]
    fn lookups_and_fixed_answers() {
        let f = CatalogFn::lookup("pg_get_userbyid").unwrap();
        assert_eq!(f.apply(&[Value::Int8(10)]), Value::Text("postgres".into()));
        assert_eq!(CatalogFn::GetExpr.apply(&[Value::Text("now()".into()), Value::Int8(1)]), Value::Text("now()".into()));
        assert!(CatalogFn::FormatType.arg_types(1).is_none());
    }
}
