//! Functions clients call in catalog queries: `format_type`, `pg_table_is_visible`,
//! `pg_get_userbyid`, `pg_get_expr`, `col_description`, `obj_description`,
//! `pg_get_indexdef`, `pg_get_constraintdef`, `to_regclass`, and the input and output of the
//! OID alias types (`'t'::regclass`, `oid::regtype::text`). Most work from their arguments
//! alone: every relation SmarterBase lists is visible (public and pg_catalog are on the
//! search path), the only role is the bootstrap superuser, pg_attrdef already holds defaults
//! as text (so pg_get_expr returns it), and there are no comments. The others read the
//! catalog the statement's transaction sees through [`CatalogLookup`], which `exec`
//! implements.

use crate::error::{sqlstate, Error, Result};
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

/// What catalog functions read at run time, as the running statement's transaction sees it.
pub trait CatalogLookup {
    /// The OID of the object of this kind called `name` (already unquoted and folded).
    fn oid_of(&self, kind: RegKind, name: &str) -> Option<u32>;
    /// The name of the object of this kind with this OID.
    fn name_of(&self, kind: RegKind, oid: u32) -> Option<String>;
    /// `CREATE INDEX ...` for an index; `pretty` leaves the table's schema out.
    fn index_def(&self, oid: u32, pretty: bool) -> Option<String>;
    /// `PRIMARY KEY (id)`, `FOREIGN KEY (a) REFERENCES t(id)`, ... for a constraint.
    fn constraint_def(&self, oid: u32) -> Option<String>;
    /// Whether the OID is a user table's (not an index's or a sequence's).
    fn is_table(&self, oid: u32) -> bool;
}

/// A catalog with nothing in it, where a statement cannot read one.
pub struct NoCatalog;

impl CatalogLookup for NoCatalog {
    fn oid_of(&self, _: RegKind, _: &str) -> Option<u32> {
        None
    }
    fn name_of(&self, _: RegKind, _: u32) -> Option<String> {
        None
    }
    fn index_def(&self, _: u32, _: bool) -> Option<String> {
        None
    }
    fn constraint_def(&self, _: u32) -> Option<String> {
        None
    }
    fn is_table(&self, _: u32) -> bool {
        false
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogFn {
    FormatType,
    TableIsVisible,
    GetUserById,
    GetExpr,
    ColDescription,
    ObjDescription,
    GetIndexDef,
    GetConstraintDef,
    /// Whether a relation can be published (a table); always NULL for statistics objects,
    /// of which there are none.
    RelationIsPublishable,
    StatisticsObjDefColumns,
    /// `to_regclass(text)`: the relation's OID, or NULL.
    ToRegClass,
    /// The input and output functions of regclass, regtype and regnamespace.
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
            "pg_table_is_visible" => CatalogFn::TableIsVisible,
            "pg_get_userbyid" => CatalogFn::GetUserById,
            "pg_get_expr" => CatalogFn::GetExpr,
            "col_description" => CatalogFn::ColDescription,
            "obj_description" => CatalogFn::ObjDescription,
            "pg_get_indexdef" => CatalogFn::GetIndexDef,
            "pg_get_constraintdef" => CatalogFn::GetConstraintDef,
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
            (CatalogFn::GetIndexDef | CatalogFn::GetConstraintDef, 1) => OID,
            (CatalogFn::GetIndexDef, 3) => OID_INT4_BOOL,
            (CatalogFn::GetConstraintDef, 2) => OID_BOOL,
            (CatalogFn::ToRegClass | CatalogFn::RegIn(_), 1) => TEXT,
            (CatalogFn::RegOut(_) | CatalogFn::RelationIsPublishable | CatalogFn::StatisticsObjDefColumns, 1) => OID,
            _ => return None,
        };
        Some(types)
    }

    pub fn result_type(self) -> DataType {
        match self {
            CatalogFn::TableIsVisible | CatalogFn::RelationIsPublishable => DataType::Bool,
            CatalogFn::GetUserById => DataType::Name,
            CatalogFn::ToRegClass | CatalogFn::RegIn(RegKind::Class) => DataType::RegClass,
            CatalogFn::RegIn(RegKind::Type) => DataType::RegType,
            CatalogFn::RegIn(RegKind::Namespace) => DataType::RegNamespace,
            _ => DataType::Text,
        }
    }

    /// Evaluates the call on non-null arguments.
    pub fn apply(self, args: &[Value], catalog: &dyn CatalogLookup) -> Result<Value> {
        let int = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(-1);
        let oid = || u32::try_from(int(0)).unwrap_or(0);
        let text_or_null = |s: Option<String>| s.map_or(Value::Null, Value::Text);
        Ok(match self {
            CatalogFn::FormatType => Value::Text(format_type(int(0), int(1))),
            CatalogFn::TableIsVisible => Value::Bool(true),
            CatalogFn::GetUserById if int(0) == 10 => Value::Text("postgres".into()),
            CatalogFn::GetUserById => Value::Text(format!("unknown (OID={})", int(0))),
            CatalogFn::GetExpr => args[0].clone(),
            CatalogFn::ColDescription | CatalogFn::ObjDescription | CatalogFn::StatisticsObjDefColumns => Value::Null,
            CatalogFn::RelationIsPublishable if catalog.name_of(RegKind::Class, oid()).is_none() => Value::Null,
            CatalogFn::RelationIsPublishable => Value::Bool(catalog.is_table(oid())),
            CatalogFn::GetIndexDef if int(1) > 0 => return Err(Error::unsupported("pg_get_indexdef of one index column")),
            CatalogFn::GetIndexDef => text_or_null(catalog.index_def(oid(), args.get(2) == Some(&Value::Bool(true)))),
            CatalogFn::GetConstraintDef => text_or_null(catalog.constraint_def(oid())),
            CatalogFn::ToRegClass => reg_in(RegKind::Class, crate::sql::expr::text(&args[0]), catalog).map_or(Value::Null, oid_value),
            CatalogFn::RegIn(kind) => {
                let name = crate::sql::expr::text(&args[0]);
                oid_value(reg_in(kind, name, catalog).ok_or_else(|| undefined(kind, name))?)
            }
            CatalogFn::RegOut(kind) => Value::Text(catalog.name_of(kind, oid()).unwrap_or_else(|| oid().to_string())),
        })
    }
}

fn oid_value(oid: u32) -> Value {
    Value::Int8(oid as i64)
}

/// The OID a regclass/regtype/regnamespace input names: a number as it is, else the object
/// called that (`public.t`, `"Mixed"`, `pg_catalog.int4`, `integer`).
fn reg_in(kind: RegKind, input: &str, catalog: &dyn CatalogLookup) -> Option<u32> {
    let input = input.trim();
    if let Ok(oid) = input.parse::<u32>() {
        return Some(oid);
    }
    let name = match split_name(input).as_slice() {
        [name] => name.clone(),
        [schema, name] | [_, schema, name] if kind != RegKind::Namespace && (schema == "public" || schema == "pg_catalog") => name.clone(),
        _ => return None,
    };
    match kind {
        RegKind::Type => {
            let ty = match name.strip_prefix('_') {
                Some(elem) => DataType::Array(Box::new(DataType::parse(elem).ok()?)),
                None => DataType::parse(&name).ok()?,
            };
            catalog.oid_of(kind, &ty.typname())
        }
        _ => catalog.oid_of(kind, &name),
    }
}

/// A possibly qualified, possibly quoted name split at its dots, unquoted parts folded.
fn split_name(input: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                parts.last_mut().map(|p| p.push('"'));
            }
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                parts.push(String::new());
                was_quoted = false;
            }
            c if quoted || was_quoted => parts.last_mut().map_or((), |p| p.push(c)),
            c => parts.last_mut().map_or((), |p| p.push(c.to_ascii_lowercase())),
        }
    }
    parts
}

fn undefined(kind: RegKind, name: &str) -> Error {
    match kind {
        RegKind::Class => crate::sql::bind::undefined_table(name),
        RegKind::Type => Error::new(sqlstate::UNDEFINED_OBJECT, format!("type \"{name}\" does not exist")),
        RegKind::Namespace => Error::new(sqlstate::UNDEFINED_SCHEMA, format!("schema \"{name}\" does not exist")),
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
        assert_eq!(f.apply(&[Value::Int8(10)], &NoCatalog).unwrap(), Value::Text("postgres".into()));
        let expr = [Value::Text("now()".into()), Value::Int8(1)];
        assert_eq!(CatalogFn::GetExpr.apply(&expr, &NoCatalog).unwrap(), Value::Text("now()".into()));
        assert!(CatalogFn::FormatType.arg_types(1).is_none());
    }

    #[test]
    fn reg_names_split_fold_and_unquote() {
        assert_eq!(split_name("public.Items"), ["public", "items"]);
        assert_eq!(split_name("\"My\"\"T\""), ["My\"T"]);
        assert_eq!(reg_in(RegKind::Class, "16400", &NoCatalog), Some(16400));
        assert_eq!(reg_in(RegKind::Class, "t", &NoCatalog), None);
    }
}
