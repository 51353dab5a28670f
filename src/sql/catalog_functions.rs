//! Functions clients call in catalog queries: `format_type`, `pg_table_is_visible`,
//! `pg_get_userbyid`, `pg_get_expr`, `col_description` and `obj_description` work from
//! their arguments alone: every relation SmarterBase lists is visible (public and
//! pg_catalog are on the search path), the only role is the bootstrap superuser, pg_attrdef
//! already holds defaults as text (so pg_get_expr returns it), and there are no comments.
//! The `regclass` conversions, `pg_get_indexdef`, `pg_get_constraintdef`,
//! `pg_get_serial_sequence` and `current_setting` need the catalog or the session: the
//! statement's runtime evaluates them (`exec::pg_catalog::functions`).

use crate::error::Result;
use crate::sql::expr::EvalCtx;
use crate::types::{DataType, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogFn {
    FormatType,
    TableIsVisible,
    GetUserById,
    GetExpr,
    ColDescription,
    ObjDescription,
    /// `name::regclass`: the relation's OID, 42P01 when there is none.
    RegclassIn,
    /// `regclass::text`: the relation's name (the OID as text when there is none).
    RegclassOut,
    /// `to_regclass(name)`: the relation's OID or NULL.
    ToRegclass,
    /// `name::regtype`: the type's OID, 42704 when there is none.
    RegtypeIn,
    /// `regtype::text`: the type's name (`-` for 0, the OID as text when there is none).
    RegtypeOut,
    /// `pg_get_indexdef(index_oid [, column, pretty])`
    GetIndexDef,
    /// `pg_get_constraintdef(constraint_oid [, pretty])`
    GetConstraintDef,
    /// `pg_get_serial_sequence(table, column)`
    GetSerialSequence,
    /// `current_setting(name [, missing_ok])`
    CurrentSetting,
    CollationIsVisible,
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
            "to_regclass" => CatalogFn::ToRegclass,
            "pg_get_indexdef" => CatalogFn::GetIndexDef,
            "pg_get_constraintdef" => CatalogFn::GetConstraintDef,
            "pg_get_serial_sequence" => CatalogFn::GetSerialSequence,
            "current_setting" => CatalogFn::CurrentSetting,
            "pg_collation_is_visible" => CatalogFn::CollationIsVisible,
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
            CatalogFn::RegclassIn => "regclassin",
            CatalogFn::RegclassOut => "regclassout",
            CatalogFn::ToRegclass => "to_regclass",
            CatalogFn::RegtypeIn => "regtypein",
            CatalogFn::RegtypeOut => "regtypeout",
            CatalogFn::GetIndexDef => "pg_get_indexdef",
            CatalogFn::GetConstraintDef => "pg_get_constraintdef",
            CatalogFn::GetSerialSequence => "pg_get_serial_sequence",
            CatalogFn::CurrentSetting => "current_setting",
            CatalogFn::CollationIsVisible => "pg_collation_is_visible",
        }
    }

    /// The input function of regclass or regtype.
    pub fn reg_in(t: &DataType) -> CatalogFn {
        if *t == DataType::Regtype {
            CatalogFn::RegtypeIn
        } else {
            CatalogFn::RegclassIn
        }
    }

    /// The output function of regclass or regtype.
    pub fn reg_out(t: &DataType) -> CatalogFn {
        if *t == DataType::Regtype {
            CatalogFn::RegtypeOut
        } else {
            CatalogFn::RegclassOut
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
            (CatalogFn::RegclassIn | CatalogFn::ToRegclass | CatalogFn::RegtypeIn, 1) => &[DataType::Text],
            (CatalogFn::RegclassOut, 1) => &[DataType::Regclass],
            (CatalogFn::RegtypeOut, 1) => &[DataType::Regtype],
            (CatalogFn::GetIndexDef | CatalogFn::GetConstraintDef | CatalogFn::CollationIsVisible, 1) => OID,
            (CatalogFn::GetIndexDef, 3) => &[DataType::Oid, DataType::Int4, DataType::Bool],
            (CatalogFn::GetConstraintDef, 2) => &[DataType::Oid, DataType::Bool],
            (CatalogFn::GetSerialSequence, 2) => &[DataType::Text, DataType::Text],
            (CatalogFn::CurrentSetting, 1) => &[DataType::Text],
            (CatalogFn::CurrentSetting, 2) => &[DataType::Text, DataType::Bool],
            _ => return None,
        };
        Some(types)
    }

    pub fn result_type(self) -> DataType {
        match self {
            CatalogFn::TableIsVisible | CatalogFn::CollationIsVisible => DataType::Bool,
            CatalogFn::GetUserById => DataType::Name,
            CatalogFn::RegclassIn | CatalogFn::ToRegclass => DataType::Regclass,
            CatalogFn::RegtypeIn => DataType::Regtype,
            _ => DataType::Text,
        }
    }

    /// Evaluates the call on non-null arguments.
    pub fn apply(self, args: &[Value], ctx: &EvalCtx) -> Result<Value> {
        let int = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(-1);
        Ok(match self {
            CatalogFn::FormatType => Value::Text(format_type(int(0), int(1))),
            CatalogFn::TableIsVisible => Value::Bool(true),
            CatalogFn::GetUserById if int(0) == 10 => Value::Text("postgres".into()),
            CatalogFn::GetUserById => Value::Text(format!("unknown (OID={})", int(0))),
            CatalogFn::GetExpr => args[0].clone(),
            CatalogFn::ColDescription | CatalogFn::ObjDescription => Value::Null,
            CatalogFn::CollationIsVisible => Value::Bool(true),
            CatalogFn::RegclassIn
            | CatalogFn::RegclassOut
            | CatalogFn::ToRegclass
            | CatalogFn::RegtypeIn
            | CatalogFn::RegtypeOut
            | CatalogFn::GetIndexDef
            | CatalogFn::GetConstraintDef
            | CatalogFn::GetSerialSequence
            | CatalogFn::CurrentSetting => ctx.runtime.catalog_call(self, args)?,
        })
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
        let env = crate::sql::expr::Env { now: 0, user: "u".into(), database: "d".into(), schema: "public".into(), pid: 1 };
        let opts = crate::types::FormatOptions::default();
        let ctx = EvalCtx { params: &[], runtime: &Vec::new(), outer: &[], opts: &opts, env: &env };
        assert_eq!(f.apply(&[Value::Int8(10)], &ctx).unwrap(), Value::Text("postgres".into()));
        let expr = CatalogFn::GetExpr.apply(&[Value::Text("now()".into()), Value::Int8(1)], &ctx).unwrap();
        assert_eq!(expr, Value::Text("now()".into()));
        assert!(CatalogFn::FormatType.arg_types(1).is_none());
    }
}
