//! Functions clients call in catalog queries: `format_type`, `pg_table_is_visible`,
//! `pg_get_userbyid`, `pg_get_expr`, `col_description`, `obj_description` and
//! `pg_get_statisticsobjdef_columns` work from their arguments alone: every relation
//! SmarterBase lists is visible (public and pg_catalog are on the search path), the only role
//! is the bootstrap superuser, pg_attrdef already holds defaults as text (so pg_get_expr
//! returns it), and there are no comments or extended statistics. The input and output of
//! the OID alias types (`'t'::regclass`, `oid::regtype::text`), `to_regclass`,
//! `pg_get_indexdef`, `pg_get_constraintdef`, `pg_get_serial_sequence`,
//! `pg_relation_is_publishable` and `current_setting` need the catalog or the session: the
//! statement's runtime evaluates them (`exec::pg_catalog::functions`).

use crate::error::Result;
use crate::sql::expr::EvalCtx;
use crate::types::{DataType, Value};

/// The kinds of object the OID alias types name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegKind {
    Class,
    Type,
    Namespace,
}

impl RegKind {
    pub fn of(ty: &DataType) -> Option<RegKind> {
        Some(match ty {
            DataType::RegClass => RegKind::Class,
            DataType::RegType => RegKind::Type,
            DataType::RegNamespace => RegKind::Namespace,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogFn {
    FormatType,
    /// `pg_table_is_visible` and `pg_type_is_visible`: everything is on the search path.
    TableIsVisible,
    GetUserById,
    GetExpr,
    ColDescription,
    ObjDescription,
    /// `pg_get_indexdef(index_oid [, column, pretty])`
    GetIndexDef,
    /// `pg_get_constraintdef(constraint_oid [, pretty])`
    GetConstraintDef,
    /// `pg_get_serial_sequence(table, column)`
    GetSerialSequence,
    /// `current_setting(name [, missing_ok])`
    CurrentSetting,
    /// `set_config(name, value, is_local)`: only as a no-op (the setting already has the value).
    SetConfig,
    CollationIsVisible,
    /// Whether a relation can be published (a table); always NULL for statistics objects,
    /// of which there are none.
    RelationIsPublishable,
    StatisticsObjDefColumns,
    /// `to_regclass(text)`: the relation's OID, or NULL.
    ToRegClass,
    /// The input and output functions of regclass, regtype and regnamespace: `name::regclass`
    /// is the relation's OID (42P01 when there is none), `regclass::text` its name (the OID as
    /// text when there is none).
    RegIn(RegKind),
    RegOut(RegKind),
}

const OID_INT4: &[DataType] = &[DataType::Oid, DataType::Int4];
const OID: &[DataType] = &[DataType::Oid];
const EXPR2: &[DataType] = &[DataType::Text, DataType::Oid];
const EXPR3: &[DataType] = &[DataType::Text, DataType::Oid, DataType::Bool];
const OID_NAME: &[DataType] = &[DataType::Oid, DataType::Name];
const OID_BOOL: &[DataType] = &[DataType::Oid, DataType::Bool];
const OID_INT4_BOOL: &[DataType] = &[DataType::Oid, DataType::Int4, DataType::Bool];
const TEXT: &[DataType] = &[DataType::Text];

impl CatalogFn {
    pub fn lookup(name: &str) -> Option<CatalogFn> {
        Some(match name {
            "format_type" => CatalogFn::FormatType,
            "pg_table_is_visible" | "pg_type_is_visible" => CatalogFn::TableIsVisible,
            "pg_get_userbyid" => CatalogFn::GetUserById,
            "pg_get_expr" => CatalogFn::GetExpr,
            "col_description" => CatalogFn::ColDescription,
            "obj_description" => CatalogFn::ObjDescription,
            "pg_get_indexdef" => CatalogFn::GetIndexDef,
            "pg_get_constraintdef" => CatalogFn::GetConstraintDef,
            "pg_get_serial_sequence" => CatalogFn::GetSerialSequence,
            "current_setting" => CatalogFn::CurrentSetting,
            "set_config" => CatalogFn::SetConfig,
            "pg_collation_is_visible" => CatalogFn::CollationIsVisible,
            "to_regclass" => CatalogFn::ToRegClass,
            "pg_relation_is_publishable" => CatalogFn::RelationIsPublishable,
            "pg_get_statisticsobjdef_columns" => CatalogFn::StatisticsObjDefColumns,
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
            CatalogFn::GetIndexDef => "pg_get_indexdef",
            CatalogFn::GetConstraintDef => "pg_get_constraintdef",
            CatalogFn::GetSerialSequence => "pg_get_serial_sequence",
            CatalogFn::CurrentSetting => "current_setting",
            CatalogFn::SetConfig => "set_config",
            CatalogFn::CollationIsVisible => "pg_collation_is_visible",
            CatalogFn::ToRegClass => "to_regclass",
            CatalogFn::RelationIsPublishable => "pg_relation_is_publishable",
            CatalogFn::StatisticsObjDefColumns => "pg_get_statisticsobjdef_columns",
            CatalogFn::RegIn(RegKind::Class) => "regclassin",
            CatalogFn::RegIn(RegKind::Type) => "regtypein",
            CatalogFn::RegIn(RegKind::Namespace) => "regnamespacein",
            CatalogFn::RegOut(RegKind::Class) => "regclassout",
            CatalogFn::RegOut(RegKind::Type) => "regtypeout",
            CatalogFn::RegOut(RegKind::Namespace) => "regnamespaceout",
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
            (CatalogFn::GetIndexDef | CatalogFn::GetConstraintDef | CatalogFn::CollationIsVisible, 1) => OID,
            (CatalogFn::GetIndexDef, 3) => OID_INT4_BOOL,
            (CatalogFn::GetConstraintDef, 2) => OID_BOOL,
            (CatalogFn::GetSerialSequence, 2) => &[DataType::Text, DataType::Text],
            (CatalogFn::CurrentSetting, 1) => TEXT,
            (CatalogFn::CurrentSetting, 2) => &[DataType::Text, DataType::Bool],
            (CatalogFn::SetConfig, 3) => &[DataType::Text, DataType::Text, DataType::Bool],
            (CatalogFn::ToRegClass | CatalogFn::RegIn(_), 1) => TEXT,
            (CatalogFn::RegOut(_) | CatalogFn::RelationIsPublishable | CatalogFn::StatisticsObjDefColumns, 1) => OID,
            _ => return None,
        };
        Some(types)
    }

    pub fn result_type(self) -> DataType {
        match self {
            CatalogFn::TableIsVisible | CatalogFn::CollationIsVisible | CatalogFn::RelationIsPublishable => DataType::Bool,
            CatalogFn::GetUserById => DataType::Name,
            CatalogFn::ToRegClass | CatalogFn::RegIn(RegKind::Class) => DataType::RegClass,
            CatalogFn::RegIn(RegKind::Type) => DataType::RegType,
            CatalogFn::RegIn(RegKind::Namespace) => DataType::RegNamespace,
            _ => DataType::Text,
        }
    }

    /// Evaluates the call on non-null arguments.
    pub fn apply(self, args: &[Value], ctx: &EvalCtx) -> Result<Value> {
        let int = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(-1);
        Ok(match self {
            CatalogFn::TableIsVisible => Value::Bool(true),
            CatalogFn::GetUserById if int(0) == 10 => Value::Text("postgres".into()),
            CatalogFn::GetUserById => Value::Text(format!("unknown (OID={})", int(0))),
            CatalogFn::GetExpr => args[0].clone(),
            CatalogFn::ColDescription | CatalogFn::ObjDescription | CatalogFn::StatisticsObjDefColumns => Value::Null,
            CatalogFn::CollationIsVisible => Value::Bool(true),
            CatalogFn::FormatType
            | CatalogFn::GetIndexDef
            | CatalogFn::GetConstraintDef
            | CatalogFn::GetSerialSequence
            | CatalogFn::CurrentSetting
            | CatalogFn::SetConfig
            | CatalogFn::RelationIsPublishable
            | CatalogFn::ToRegClass
            | CatalogFn::RegIn(_)
            | CatalogFn::RegOut(_) => ctx.runtime.catalog_call(self, args)?,
        })
    }
}

/// `format_type(type_oid, typmod)`: the SQL name of a type (the one the OID names, looked up by
/// the caller) with its modifier.
pub fn format_type(ty: Option<DataType>, typmod: i64) -> String {
    ty.map_or_else(|| "???".into(), |ty| with_typmod(ty, typmod).to_string())
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
        let format = |oid: u32, typmod: i64| format_type(DataType::from_oid(oid), typmod);
        assert_eq!(format(23, -1), "integer");
        assert_eq!(format(1043, 24), "character varying(20)");
        assert_eq!(format(1700, 655366), "numeric(10,2)");
        assert_eq!(format(1042, 7), "character(3)");
        assert_eq!(format(1015, 14), "character varying(10)[]");
        assert_eq!(format(1184, -1), "timestamp with time zone");
        assert_eq!(format(424242, -1), "???");
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
