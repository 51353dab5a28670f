//! Binding of CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE and DROP TYPE, with
//! PostgreSQL's errors. A type's definition is the whole label list: ALTER TYPE replaces it.

use super::{table_name, Binder};
use crate::error::{sqlstate, Error, Result};
use crate::sql::plan::Ddl;
use crate::storage::EnumType;
use crate::types::{duplicate_type, undefined_type, DataType};
use sqlparser::ast;

/// Longest enum label PostgreSQL accepts, in bytes (NAMEDATALEN - 1).
const MAX_LABEL: usize = 63;

/// 42602 for a label longer than PostgreSQL accepts.
fn check_label(label: &str) -> Result<()> {
    if label.len() > MAX_LABEL {
        return Err(Error::new(sqlstate::INVALID_NAME, format!("invalid enum label \"{label}\""))
            .with_detail(format!("Labels must be {MAX_LABEL} bytes or less.")));
    }
    Ok(())
}

impl Binder<'_> {
    /// CREATE TYPE name AS ENUM (labels); other kinds of types are 0A000.
    pub(super) fn bind_create_type(&self, name: &ast::ObjectName, repr: Option<&ast::UserDefinedTypeRepresentation>) -> Result<Ddl> {
        let Some(ast::UserDefinedTypeRepresentation::Enum { labels }) = repr else {
            return Err(Error::unsupported("CREATE TYPE other than AS ENUM"));
        };
        let name = table_name(name)?;
        if self.catalog.enum_type(&name).is_some() || self.table_exists(&name) {
            return Err(duplicate_type(&name));
        }
        if DataType::parse(&name).is_ok() {
            return Err(Error::unsupported(format!("a user-defined type named like the built-in type {name}")));
        }
        let mut def = EnumType { labels: Vec::new() };
        for label in labels.iter().map(|l| l.value.clone()) {
            check_label(&label)?;
            if def.labels.contains(&label) {
                // PostgreSQL's own wording: the catalog's unique index catches it.
                return Err(Error::new(sqlstate::UNIQUE_VIOLATION, "duplicate key value violates unique constraint \"pg_enum_typid_label_index\""));
            }
            def.labels.push(label);
        }
        Ok(Ddl::CreateType { name, def })
    }

    /// ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label' [BEFORE | AFTER 'label']: the type is
    /// replaced by one with the new label (stored values are labels, so no row changes).
    /// RENAME TO and RENAME VALUE would change stored names and are 0A000.
    pub(super) fn bind_alter_type(&self, alter: &ast::AlterType) -> Result<Ddl> {
        let name = table_name(&alter.name)?;
        let mut def = self.catalog.enum_type(&name).ok_or_else(|| undefined_type(&name))?;
        let ast::AlterTypeOperation::AddValue(add) = &alter.operation else {
            return Err(Error::unsupported("ALTER TYPE other than ADD VALUE"));
        };
        let label = add.value.value.clone();
        check_label(&label)?;
        if def.labels.contains(&label) {
            let exists = format!("enum label \"{label}\" already exists");
            return match add.if_not_exists {
                true => Ok(Ddl::Nothing { notice: format!("{exists}, skipping") }),
                false => Err(Error::new(sqlstate::DUPLICATE_OBJECT, exists)),
            };
        }
        let at = match &add.position {
            None => def.labels.len(),
            Some(ast::AlterTypeAddValuePosition::Before(n) | ast::AlterTypeAddValuePosition::After(n)) => {
                let pos = def
                    .labels
                    .iter()
                    .position(|l| *l == n.value)
                    .ok_or_else(|| Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("\"{}\" is not an existing enum label", n.value)))?;
                pos + matches!(add.position, Some(ast::AlterTypeAddValuePosition::After(_))) as usize
            }
        };
        def.labels.insert(at, label);
        Ok(Ddl::AlterType { name, def })
    }

    /// DROP TYPE: user-defined enum types; built-in types cannot be dropped (2BP01).
    pub(super) fn bind_drop_type(&self, names: &[ast::ObjectName], if_exists: bool, cascade: bool) -> Result<Ddl> {
        if cascade {
            return Err(Error::unsupported("DROP TYPE ... CASCADE"));
        }
        let (mut found, mut missing) = (Vec::new(), Vec::new());
        for name in names {
            let written = name.to_string();
            if let Ok(ty) = DataType::parse(written.strip_prefix("pg_catalog.").unwrap_or(&written).trim_matches('"')) {
                return Err(Error::new(
                    sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                    format!("cannot drop type {ty} because it is required by the database system"),
                ));
            }
            let name = table_name(name)?;
            if self.table_exists(&name) {
                return Err(Error::new(sqlstate::DEPENDENT_OBJECTS_STILL_EXIST, format!("cannot drop type {name} because table {name} requires it"))
                    .with_hint(format!("You can drop table {name} instead.")));
            }
            match self.catalog.enum_type(&name) {
                Some(_) => {
                    self.check_unused(&name)?;
                    found.push(name)
                }
                None => missing.push(name),
            }
        }
        if let (Some(m), false) = (missing.first(), if_exists) {
            return Err(undefined_type(m));
        }
        if found.is_empty() {
            let notices: Vec<String> = missing.iter().map(|m| format!("type \"{m}\" does not exist, skipping")).collect();
            return Ok(Ddl::Nothing { notice: notices.join("\n") });
        }
        Ok(Ddl::DropType { names: found })
    }
}

impl Binder<'_> {
    /// 2BP01 when a column's type is the enum type `name` or an array of it.
    fn check_unused(&self, name: &str) -> Result<()> {
        let mut users = Vec::new();
        for table in self.catalog.table_names().iter().filter_map(|t| self.catalog.table(t)) {
            for col in &table.columns {
                let base = col.data_type.element().unwrap_or(&col.data_type);
                if matches!(base, DataType::Enum(def) if def.name == name) {
                    users.push(format!("column {} of table {} depends on type {}", col.name, table.name, col.data_type));
                }
            }
        }
        if users.is_empty() {
            return Ok(());
        }
        Err(Error::new(sqlstate::DEPENDENT_OBJECTS_STILL_EXIST, format!("cannot drop type {name} because other objects depend on it"))
            .with_detail(users.join("\n"))
            .with_hint("Use DROP ... CASCADE to drop the dependent objects too."))
    }
}
