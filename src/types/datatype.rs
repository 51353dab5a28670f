//! Column and expression types, their PostgreSQL names, OIDs and wire sizes.

use super::EnumDef;
use crate::error::{sqlstate, Error, Result};
use std::fmt;
use std::sync::Arc;

/// A SQL type as PostgreSQL knows it. Serial types are not types: they are `Int4`/`Int8`
/// columns with an identity sequence (see `catalog::ColumnDef`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataType {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    /// numeric(precision, scale); `None` is unconstrained numeric.
    Numeric(Option<(u32, u32)>),
    Text,
    /// varchar(n); `None` is unbounded varchar.
    Varchar(Option<u32>),
    /// char(n), blank-padded (bpchar). `None` is bpchar without a length.
    Char(Option<u32>),
    Name,
    /// PostgreSQL's one-byte internal `"char"` (pg_type.typtype, pg_class.relkind, ...).
    InternalChar,
    Uuid,
    Date,
    Time,
    Timestamp,
    Timestamptz,
    Interval,
    Json,
    Jsonb,
    Bytea,
    Oid,
    /// The OID alias types: an OID that reads and prints as a relation, type or schema name.
    /// The binder turns their text conversions into catalog lookups (`sql::catalog_functions`).
    RegClass,
    RegType,
    RegNamespace,
    /// One-dimensional array of a basic type.
    Array(Box<DataType>),
    /// The catalog's `int2vector` (of Int2) and `oidvector` (of Oid): arrays whose text form is
    /// the elements separated by spaces.
    Vector(Box<DataType>),
    /// A user-defined enum type (`CREATE TYPE ... AS ENUM`).
    Enum(Arc<EnumDef>),
    /// The type of an untyped literal or parameter not yet resolved (PostgreSQL's `unknown`).
    Unknown,
}

impl DataType {
    /// The type's OID in pg_type.
    pub fn oid(&self) -> u32 {
        match self {
            DataType::Bool => 16,
            DataType::Bytea => 17,
            DataType::InternalChar => 18,
            DataType::Name => 19,
            DataType::Int8 => 20,
            DataType::Int2 => 21,
            DataType::Int4 => 23,
            DataType::Text => 25,
            DataType::Oid => 26,
            DataType::RegClass => 2205,
            DataType::RegType => 2206,
            DataType::RegNamespace => 4089,
            DataType::Json => 114,
            DataType::Float4 => 700,
            DataType::Float8 => 701,
            DataType::Unknown => 705,
            DataType::Char(_) => 1042,
            DataType::Varchar(_) => 1043,
            DataType::Date => 1082,
            DataType::Time => 1083,
            DataType::Timestamp => 1114,
            DataType::Timestamptz => 1184,
            DataType::Interval => 1186,
            DataType::Numeric(_) => 1700,
            DataType::Uuid => 2950,
            DataType::Jsonb => 3802,
            DataType::Array(elem) => elem.array_oid(),
            DataType::Enum(def) => def.oid(),
            DataType::Vector(elem) if **elem == DataType::Int2 => 22,
            DataType::Vector(_) => 30,
        }
    }

    /// The OID of the array type whose elements are `self` (pg_type.typarray).
    pub fn array_oid(&self) -> u32 {
        match self {
            DataType::Bool => 1000,
            DataType::Bytea => 1001,
            DataType::Name => 1003,
            DataType::InternalChar => 1002,
            DataType::Int2 => 1005,
            DataType::Int4 => 1007,
            DataType::Text => 1009,
            DataType::Oid => 1028,
            DataType::RegClass => 2210,
            DataType::RegType => 2211,
            DataType::RegNamespace => 4090,
            DataType::Char(_) => 1014,
            DataType::Varchar(_) => 1015,
            DataType::Int8 => 1016,
            DataType::Float4 => 1021,
            DataType::Float8 => 1022,
            DataType::Timestamp => 1115,
            DataType::Date => 1182,
            DataType::Time => 1183,
            DataType::Timestamptz => 1185,
            DataType::Interval => 1187,
            DataType::Numeric(_) => 1231,
            DataType::Uuid => 2951,
            DataType::Json => 199,
            DataType::Jsonb => 3807,
            DataType::Vector(elem) if **elem == DataType::Int2 => 1006,
            DataType::Vector(_) => 1013,
            DataType::Enum(def) => def.array_oid(),
            DataType::Array(_) | DataType::Unknown => 0,
        }
    }

    /// The type whose OID this is, for parameter types sent by clients in Parse.
    pub fn from_oid(oid: u32) -> Option<DataType> {
        const BASIC: [DataType; 26] = [
            DataType::Bool,
            DataType::Int2,
            DataType::Int4,
            DataType::Int8,
            DataType::Float4,
            DataType::Float8,
            DataType::Numeric(None),
            DataType::Text,
            DataType::Varchar(None),
            DataType::Char(None),
            DataType::Name,
            DataType::InternalChar,
            DataType::Uuid,
            DataType::Date,
            DataType::Time,
            DataType::Timestamp,
            DataType::Timestamptz,
            DataType::Interval,
            DataType::Json,
            DataType::Jsonb,
            DataType::Bytea,
            DataType::Oid,
            DataType::RegClass,
            DataType::RegType,
            DataType::RegNamespace,
            DataType::Unknown,
        ];
        if oid == 0 {
            return Some(DataType::Unknown);
        }
        BASIC
            .iter()
            .find(|t| t.oid() == oid)
            .cloned()
            .or_else(|| BASIC.iter().find(|t| t.array_oid() == oid).map(|t| DataType::Array(Box::new(t.clone()))))
    }

    /// pg_type.typlen: the fixed size in bytes, or -1 for variable length.
    pub fn typlen(&self) -> i16 {
        match self {
            DataType::Bool | DataType::InternalChar => 1,
            DataType::Int2 => 2,
            DataType::Int4 | DataType::Float4 | DataType::Date | DataType::Oid | DataType::Enum(_) => 4,
            DataType::RegClass | DataType::RegType | DataType::RegNamespace => 4,
            DataType::Int8 | DataType::Float8 | DataType::Time => 8,
            DataType::Timestamp | DataType::Timestamptz => 8,
            DataType::Interval | DataType::Uuid => 16,
            DataType::Name => 64,
            DataType::Unknown => -2,
            _ => -1,
        }
    }

    /// The type modifier (atttypmod) as PostgreSQL reports it in RowDescription.
    pub fn typmod(&self) -> i32 {
        match self {
            DataType::Varchar(Some(n)) | DataType::Char(Some(n)) => *n as i32 + 4,
            DataType::Numeric(Some((p, s))) => (((*p as i32) << 16) | *s as i32) + 4,
            _ => -1,
        }
    }

    /// The type without its modifier (varchar(10) -> varchar): what an expression yields.
    pub fn without_modifier(&self) -> DataType {
        match self {
            DataType::Varchar(_) => DataType::Varchar(None),
            DataType::Char(_) => DataType::Char(None),
            DataType::Numeric(_) => DataType::Numeric(None),
            other => other.clone(),
        }
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, DataType::Int2 | DataType::Int4 | DataType::Int8)
    }

    pub fn is_numeric(&self) -> bool {
        self.is_integer() || matches!(self, DataType::Float4 | DataType::Float8 | DataType::Numeric(_))
    }

    /// Position in PostgreSQL's numeric promotion order (int2 < int4 < int8 < numeric <
    /// float4 < float8), None for other types.
    pub fn numeric_rank(&self) -> Option<u8> {
        Some(match self {
            DataType::Int2 => 0,
            DataType::Int4 => 1,
            DataType::Int8 => 2,
            DataType::Numeric(_) => 3,
            DataType::Float4 => 4,
            DataType::Float8 => 5,
            _ => return None,
        })
    }

    /// pg_type.typname: `int4`, `varchar`, `bpchar`, `_text` for text[], ...
    pub fn typname(&self) -> String {
        let name = match self {
            DataType::Array(e) => return format!("_{}", e.typname()),
            DataType::Bool => "bool",
            DataType::Int2 => "int2",
            DataType::Int4 => "int4",
            DataType::Int8 => "int8",
            DataType::Float4 => "float4",
            DataType::Float8 => "float8",
            DataType::Numeric(_) => "numeric",
            DataType::Varchar(_) => "varchar",
            DataType::Char(_) => "bpchar",
            DataType::InternalChar => "char",
            DataType::Time => "time",
            DataType::Timestamp => "timestamp",
            DataType::Timestamptz => "timestamptz",
            other => return other.to_string(),
        };
        name.to_string()
    }

    /// The element type of an array or vector.
    pub fn element(&self) -> Option<&DataType> {
        match self {
            DataType::Array(e) | DataType::Vector(e) => Some(e),
            _ => None,
        }
    }

    /// A user-defined (enum) type or an array of one.
    pub fn is_user_defined(&self) -> bool {
        match self {
            DataType::Enum(_) => true,
            DataType::Array(elem) => elem.is_user_defined(),
            _ => false,
        }
    }

    /// regclass, regtype, regnamespace: OIDs that read and print as names.
    pub fn is_reg(&self) -> bool {
        matches!(self, DataType::RegClass | DataType::RegType | DataType::RegNamespace)
    }

    pub fn is_string(&self) -> bool {
        matches!(self, DataType::Text | DataType::Varchar(_) | DataType::Char(_) | DataType::Name)
    }

    /// Parses a type name as written in schema files and in SQL (`integer`, `varchar(255)`,
    /// `numeric(10,2)`, `timestamp with time zone`, `text[]`, ...). Serial names are not
    /// accepted here: the binder turns them into an integer type plus a sequence.
    pub fn parse(name: &str) -> Result<DataType> {
        let lower = name.trim().to_ascii_lowercase();
        if let Some(elem) = lower.strip_suffix("[]") {
            return Ok(DataType::Array(Box::new(DataType::parse(elem)?)));
        }
        let (base, args) = match lower.find('(') {
            Some(open) if lower.ends_with(')') => (lower[..open].trim(), Some(&lower[open + 1..lower.len() - 1])),
            _ => (lower.as_str(), None),
        };
        let nums = |args: Option<&str>| -> Result<Vec<u32>> {
            args.map(|a| a.split(',').map(|n| n.trim().parse::<u32>().map_err(|_| undefined_type(name))).collect()).unwrap_or(Ok(Vec::new()))
        };
        let n = nums(args)?;
        let one = |n: &[u32]| -> Result<Option<u32>> {
            match n {
                [] => Ok(None),
                [x] => Ok(Some(*x)),
                _ => Err(undefined_type(name)),
            }
        };
        Ok(match base {
            "bool" | "boolean" => DataType::Bool,
            "int2" | "smallint" => DataType::Int2,
            "int" | "int4" | "integer" => DataType::Int4,
            "int8" | "bigint" => DataType::Int8,
            "float4" | "real" => DataType::Float4,
            "float8" | "double precision" | "float" => DataType::Float8,
            "numeric" | "decimal" => match n.as_slice() {
                [] => DataType::Numeric(None),
                [p] => DataType::Numeric(Some((*p, 0))),
                [p, s] => DataType::Numeric(Some((*p, *s))),
                _ => return Err(undefined_type(name)),
            },
            "text" => DataType::Text,
            "varchar" | "character varying" => DataType::Varchar(one(&n)?),
            "char" | "character" | "bpchar" => DataType::Char(one(&n)?.or(if base == "bpchar" { None } else { Some(1) })),
            "name" => DataType::Name,
            "uuid" => DataType::Uuid,
            "date" => DataType::Date,
            "time" | "time without time zone" => DataType::Time,
            "timestamp" | "timestamp without time zone" => DataType::Timestamp,
            "timestamptz" | "timestamp with time zone" => DataType::Timestamptz,
            "interval" => DataType::Interval,
            "json" => DataType::Json,
            "jsonb" => DataType::Jsonb,
            "bytea" => DataType::Bytea,
            "oid" => DataType::Oid,
            "regclass" => DataType::RegClass,
            "regtype" => DataType::RegType,
            "regnamespace" => DataType::RegNamespace,
            "int2vector" => DataType::Vector(Box::new(DataType::Int2)),
            "oidvector" => DataType::Vector(Box::new(DataType::Oid)),
            _ => return Err(undefined_type(name)),
        })
    }

    /// The name PostgreSQL's format_type() prints (`character varying(255)`, `integer`, ...).
    pub fn sql_name(&self) -> String {
        self.to_string()
    }
}

/// 42704 for a type name that names no type.
pub fn undefined_type(name: &str) -> Error {
    Error::new(sqlstate::UNDEFINED_OBJECT, format!("type \"{name}\" does not exist"))
}

/// 42710 for a type name already taken (by a type, or a table's row type).
pub fn duplicate_type(name: &str) -> Error {
    Error::new(sqlstate::DUPLICATE_OBJECT, format!("type \"{name}\" already exists"))
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Bool => f.write_str("boolean"),
            DataType::Int2 => f.write_str("smallint"),
            DataType::Int4 => f.write_str("integer"),
            DataType::Int8 => f.write_str("bigint"),
            DataType::Float4 => f.write_str("real"),
            DataType::Float8 => f.write_str("double precision"),
            DataType::Numeric(None) => f.write_str("numeric"),
            DataType::Numeric(Some((p, s))) => write!(f, "numeric({p},{s})"),
            DataType::Text => f.write_str("text"),
            DataType::Varchar(None) => f.write_str("character varying"),
            DataType::Varchar(Some(n)) => write!(f, "character varying({n})"),
            DataType::Char(None) => f.write_str("bpchar"),
            DataType::Char(Some(n)) => write!(f, "character({n})"),
            DataType::Name => f.write_str("name"),
            DataType::InternalChar => f.write_str("\"char\""),
            DataType::Uuid => f.write_str("uuid"),
            DataType::Date => f.write_str("date"),
            DataType::Time => f.write_str("time without time zone"),
            DataType::Timestamp => f.write_str("timestamp without time zone"),
            DataType::Timestamptz => f.write_str("timestamp with time zone"),
            DataType::Interval => f.write_str("interval"),
            DataType::Json => f.write_str("json"),
            DataType::Jsonb => f.write_str("jsonb"),
            DataType::Bytea => f.write_str("bytea"),
            DataType::Oid => f.write_str("oid"),
            DataType::RegClass => f.write_str("regclass"),
            DataType::RegType => f.write_str("regtype"),
            DataType::RegNamespace => f.write_str("regnamespace"),
            DataType::Array(elem) => write!(f, "{elem}[]"),
            DataType::Enum(def) => f.write_str(&def.name),
            DataType::Vector(elem) if **elem == DataType::Int2 => f.write_str("int2vector"),
            DataType::Vector(_) => f.write_str("oidvector"),
            DataType::Unknown => f.write_str("unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for name in ["integer", "character varying(255)", "numeric(10,2)", "timestamp with time zone", "text[]", "character(3)", "uuid"] {
            let t = DataType::parse(name).unwrap();
            assert_eq!(t.to_string(), name);
            assert_eq!(DataType::parse(&t.to_string()).unwrap(), t);
        }
        assert_eq!(DataType::parse("VARCHAR(10)").unwrap(), DataType::Varchar(Some(10)));
        assert_eq!(DataType::parse("char").unwrap(), DataType::Char(Some(1)));
        assert!(DataType::parse("widget").is_err());
    }

    #[test]
    fn oids_round_trip() {
        for t in [DataType::Int4, DataType::Uuid, DataType::Array(Box::new(DataType::Text)), DataType::Timestamptz] {
            assert_eq!(DataType::from_oid(t.oid()).unwrap().oid(), t.oid());
        }
        assert_eq!(DataType::Varchar(Some(10)).typmod(), 14);
        assert_eq!(DataType::Numeric(Some((10, 2))).typmod(), (10 << 16 | 2) + 4);
    }
}
