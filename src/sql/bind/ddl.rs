//! DDL binding: each statement becomes the new schema to write (plus, for ALTER TABLE
//! changes that touch rows, how each new column is computed from the old row). Constraint
//! and index names follow PostgreSQL's rules (`t_pkey`, `t_col_key`, `t_col_check`,
//! `t_col_fkey`, `t_col_idx`).

use super::{ident, table_name, Binder, Scope};
use crate::catalog::{ColumnDef, Constraint, ConstraintKind, ForeignKey, Identity, IndexDef, TableSchema};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::{Ddl, Plan};
use crate::types::cast::CastKind;
use crate::types::{duplicate_type, DataType};
use sqlparser::ast::{self, AlterColumnOperation as Acol, AlterTableOperation as Op, ColumnOption, Statement, TableConstraint};
use std::sync::Arc;

impl Binder<'_> {
    pub fn bind_ddl(&mut self, stmt: &Statement) -> Result<Plan> {
        let (ddl, tag) = match stmt {
            Statement::CreateTable(c) => (self.bind_create_table(c)?, "CREATE TABLE"),
            Statement::CreateIndex(c) => (self.bind_create_index(c)?, "CREATE INDEX"),
            Statement::AlterTable(a) => (self.bind_alter_table(a)?, "ALTER TABLE"),
            Statement::Drop { object_type: ast::ObjectType::Table, if_exists, names, cascade, .. } => {
                (self.bind_drop_table(names, *if_exists, *cascade)?, "DROP TABLE")
            }
            Statement::Drop { object_type: ast::ObjectType::Index, if_exists, names, .. } => (self.bind_drop_index(names, *if_exists)?, "DROP INDEX"),
            Statement::Drop { object_type: ast::ObjectType::Type, if_exists, names, cascade, .. } => {
                (self.bind_drop_type(names, *if_exists, *cascade)?, "DROP TYPE")
            }
            Statement::CreateType { name, representation } => (self.bind_create_type(name, representation.as_ref())?, "CREATE TYPE"),
            Statement::AlterType(alter) => (self.bind_alter_type(alter)?, "ALTER TYPE"),
            Statement::Truncate(t) => {
                let names = t.table_names.iter().map(|n| self.table(&n.name).map(|s| s.name.clone())).collect::<Result<_>>()?;
                (Ddl::Truncate { names }, "TRUNCATE TABLE")
            }
            other => return Err(Error::unsupported(statement_kind(other))),
        };
        Ok(Plan::Ddl { ddl, tag })
    }

    fn bind_create_table(&mut self, c: &ast::CreateTable) -> Result<Ddl> {
        if c.query.is_some() || c.like.is_some() {
            return Err(Error::unsupported("CREATE TABLE AS / LIKE"));
        }
        let name = table_name(&c.name)?;
        if self.table_exists(&name) {
            if c.if_not_exists {
                return Ok(Ddl::Nothing { notice: format!("relation \"{name}\" already exists, skipping") });
            }
            return Err(Error::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{name}\" already exists")));
        }
        if self.catalog.enum_type(&name).is_some() {
            return Err(duplicate_type(&name).with_hint(
                "A relation has an associated type of the same name, so you must use a name that doesn't conflict with any existing type.",
            ));
        }
        crate::catalog::check_name(&name, "table")?;
        let mut schema = TableSchema::new(name.clone(), Vec::new());
        for col in &c.columns {
            let (def, constraints) = self.column_def(&name, col)?;
            if schema.column_index(&def.name).is_some() {
                return Err(Error::new(sqlstate::DUPLICATE_COLUMN, format!("column \"{}\" specified more than once", def.name)));
            }
            schema.columns.push(def);
            for tc in constraints {
                self.add_constraint(&mut schema, &tc)?;
            }
        }
        for tc in &c.constraints {
            self.add_constraint(&mut schema, tc)?;
        }
        schema.validate()?;
        Ok(Ddl::CreateTable(Arc::new(schema)))
    }

    /// A column definition and the constraints written on it (turned into table constraints).
    fn column_def(&mut self, table: &str, col: &ast::ColumnDef) -> Result<(ColumnDef, Vec<TableConstraint>)> {
        let name = ident(&col.name);
        let type_name = col.data_type.to_string().to_ascii_lowercase();
        let (data_type, serial) = match type_name.as_str() {
            "serial" | "serial4" => (DataType::Int4, true),
            "bigserial" | "serial8" => (DataType::Int8, true),
            "smallserial" | "serial2" => (DataType::Int2, true),
            _ => (self.data_type(&col.data_type)?, false),
        };
        let mut def = ColumnDef {
            name: name.clone(),
            data_type,
            primary_key: false,
            not_null: serial,
            default: None,
            identity: serial.then_some(Identity::Serial),
        };
        let mut constraints = Vec::new();
        let cols = || vec![index_column(&col.name)];
        for opt in &col.options {
            let cname = opt.name.clone();
            match &opt.option {
                ColumnOption::Null => def.not_null = false,
                ColumnOption::NotNull => def.not_null = true,
                ColumnOption::Default(e) => {
                    self.bind_default(&e.to_string(), &def.data_type)?;
                    def.default = Some(e.to_string());
                }
                ColumnOption::PrimaryKey(pk) => constraints.push(TableConstraint::PrimaryKey(ast::PrimaryKeyConstraint {
                    name: cname.or(pk.name.clone()),
                    columns: cols(),
                    ..pk.clone()
                })),
                ColumnOption::Unique(u) => {
                    constraints.push(TableConstraint::Unique(ast::UniqueConstraint { name: cname.or(u.name.clone()), columns: cols(), ..u.clone() }))
                }
                ColumnOption::ForeignKey(fk) => constraints.push(TableConstraint::ForeignKey(ast::ForeignKeyConstraint {
                    name: cname.or(fk.name.clone()),
                    columns: vec![col.name.clone()],
                    ..fk.clone()
                })),
                ColumnOption::Check(ck) => {
                    constraints.push(TableConstraint::Check(ast::CheckConstraint { name: cname.or(ck.name.clone()), ..ck.clone() }))
                }
                ColumnOption::Generated { generated_as, generation_expr: None, .. } => {
                    def.identity = Some(if matches!(generated_as, ast::GeneratedAs::ByDefault) { Identity::ByDefault } else { Identity::Always });
                    def.not_null = true;
                }
                other => return Err(Error::unsupported(format!("column option {other} (table {table})"))),
            }
        }
        if def.identity.is_some() && !def.data_type.is_integer() {
            return Err(Error::new(sqlstate::DATATYPE_MISMATCH, "identity column type must be smallint, integer, or bigint".to_string()));
        }
        Ok((def, constraints))
    }

    fn add_constraint(&mut self, schema: &mut TableSchema, tc: &TableConstraint) -> Result<()> {
        match tc {
            TableConstraint::PrimaryKey(pk) => {
                let cols = key_columns(schema, &pk.columns)?;
                if !schema.primary_key.is_empty() || schema.columns.iter().any(|c| c.primary_key) {
                    return Err(Error::new(
                        sqlstate::INVALID_TABLE_DEFINITION,
                        format!("multiple primary keys for table \"{}\" are not allowed", schema.name),
                    ));
                }
                for c in &cols {
                    let i = schema.column_index(c).unwrap_or_default();
                    schema.columns[i].not_null = true;
                }
                if let [one] = cols.as_slice() {
                    let i = schema.column_index(one).unwrap_or_default();
                    schema.columns[i].primary_key = true;
                } else {
                    schema.primary_key = cols;
                }
                schema.primary_key_name = pk.name.as_ref().map(ident).filter(|n| *n != format!("{}_pkey", schema.name));
            }
            TableConstraint::Unique(u) => {
                let columns = key_columns(schema, &u.columns)?;
                let name = u.name.as_ref().map(ident).unwrap_or_else(|| format!("{}_{}_key", schema.name, columns.join("_")));
                schema.indexes.push(IndexDef { name, columns, unique: true, constraint: true });
            }
            TableConstraint::Check(ck) => {
                let scope = Scope::of(&schema.name, Arc::new(schema.clone()));
                self.bind_predicate(&ck.expr, &scope, "CHECK")?;
                let name = ck.name.as_ref().map(ident).unwrap_or_else(|| check_name(&schema.name, &ck.expr, schema));
                schema.constraints.push(Constraint { name, kind: ConstraintKind::Check { expr: ck.expr.to_string() } });
            }
            TableConstraint::ForeignKey(fk) => {
                let fk_def = self.foreign_key(schema, fk)?;
                let name = fk.name.as_ref().map(ident).unwrap_or_else(|| format!("{}_{}_fkey", schema.name, fk_def.columns.join("_")));
                schema.constraints.push(Constraint { name, kind: ConstraintKind::ForeignKey(fk_def) });
            }
            other => return Err(Error::unsupported(format!("constraint {other}"))),
        }
        Ok(())
    }

    fn foreign_key(&mut self, schema: &TableSchema, fk: &ast::ForeignKeyConstraint) -> Result<ForeignKey> {
        let columns: Vec<String> = fk.columns.iter().map(ident).collect();
        for c in &columns {
            schema.column_index(c).ok_or_else(|| key_column_missing(c))?;
        }
        let ref_name = table_name(&fk.foreign_table)?;
        let target = if ref_name == schema.name { Arc::new(schema.clone()) } else { self.table(&fk.foreign_table)? };
        let ref_columns: Vec<String> = if fk.referred_columns.is_empty() {
            target.primary_key_columns().iter().map(|i| target.columns[*i].name.clone()).collect()
        } else {
            fk.referred_columns.iter().map(ident).collect()
        };
        if !has_unique(&target, &ref_columns) {
            return Err(Error::new("42830", format!("there is no unique constraint matching given keys for referenced table \"{ref_name}\"")));
        }
        if ref_columns.len() != columns.len() {
            return Err(Error::new("42830", "number of referencing and referenced columns for foreign key disagree"));
        }
        let action = |a: &Option<ast::ReferentialAction>| a.as_ref().map_or("no action".to_string(), |a| a.to_string().to_lowercase());
        Ok(ForeignKey { columns, ref_table: ref_name, ref_columns, on_delete: action(&fk.on_delete), on_update: action(&fk.on_update) })
    }

    fn bind_create_index(&mut self, c: &ast::CreateIndex) -> Result<Ddl> {
        if c.predicate.is_some() || !c.include.is_empty() {
            return Err(Error::unsupported("partial or covering indexes"));
        }
        let schema = self.table(&c.table_name)?;
        let columns = key_columns(&schema, &c.columns)?;
        let name = match &c.name {
            Some(n) => table_name(n)?,
            None => format!("{}_{}_idx", schema.name, columns.join("_")),
        };
        if self.index_owner(&name).is_some() || self.table_exists(&name) {
            if c.if_not_exists {
                return Ok(Ddl::Nothing { notice: format!("relation \"{name}\" already exists, skipping") });
            }
            return Err(Error::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{name}\" already exists")));
        }
        let mut new = (*schema).clone();
        new.indexes.push(IndexDef { name, columns, unique: c.unique, constraint: false });
        let rewrite = c.unique.then(|| identity(&schema));
        Ok(Ddl::Alter { old_name: schema.name.clone(), schema: Arc::new(new), rewrite })
    }

    fn index_owner(&self, index: &str) -> Option<Arc<TableSchema>> {
        self.catalog
            .table_names()
            .into_iter()
            .filter_map(|t| self.catalog.table(&t))
            .find(|s| s.indexes.iter().any(|i| i.name == index) || s.primary_key_constraint_name() == index)
    }

    fn bind_drop_index(&mut self, names: &[ast::ObjectName], if_exists: bool) -> Result<Ddl> {
        let [name] = names else { return Err(Error::unsupported("DROP INDEX of several indexes")) };
        let name = table_name(name)?;
        let Some(schema) = self.index_owner(&name) else {
            if if_exists {
                return Ok(Ddl::Nothing { notice: format!("index \"{name}\" does not exist, skipping") });
            }
            return Err(Error::new(sqlstate::UNDEFINED_OBJECT, format!("index \"{name}\" does not exist")));
        };
        if schema.indexes.iter().any(|i| i.name == name && i.constraint) || schema.primary_key_constraint_name() == name {
            return Err(Error::new(
                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop index {name} because constraint {name} on table {} requires it", schema.name),
            )
            .with_hint(format!("You can drop constraint {name} on table {} instead.", schema.name)));
        }
        let mut new = (*schema).clone();
        new.indexes.retain(|i| i.name != name);
        Ok(Ddl::Alter { old_name: schema.name.clone(), schema: Arc::new(new), rewrite: None })
    }

    fn bind_drop_table(&mut self, names: &[ast::ObjectName], if_exists: bool, cascade: bool) -> Result<Ddl> {
        let mut out = Vec::new();
        let mut notices = Vec::new();
        for n in names {
            let name = table_name(n)?;
            if self.table_exists(&name) {
                out.push(name);
            } else if if_exists {
                notices.push(format!("table \"{name}\" does not exist, skipping"));
            } else {
                return Err(Error::new(sqlstate::UNDEFINED_TABLE, format!("table \"{name}\" does not exist")));
            }
        }
        if out.is_empty() {
            return Ok(Ddl::Nothing { notice: notices.join("\n") });
        }
        let detach = self.dependents(&out, cascade)?;
        Ok(Ddl::DropTable { names: out, detach })
    }

    /// Other tables whose foreign keys point at the tables being dropped: an error, or with
    /// CASCADE their schemas without those foreign keys.
    fn dependents(&self, dropping: &[String], cascade: bool) -> Result<Vec<Arc<TableSchema>>> {
        let mut detach = Vec::new();
        for t in self.catalog.table_names() {
            if dropping.contains(&t) {
                continue;
            }
            let Some(s) = self.catalog.table(&t) else { continue };
            let points_at = |c: &Constraint| matches!(&c.kind, ConstraintKind::ForeignKey(fk) if dropping.contains(&fk.ref_table));
            if cascade && s.constraints.iter().any(points_at) {
                let mut new = (*s).clone();
                new.constraints.retain(|c| !points_at(c));
                detach.push(Arc::new(new));
                continue;
            }
            for c in &s.constraints {
                if let ConstraintKind::ForeignKey(fk) = &c.kind {
                    if dropping.contains(&fk.ref_table) {
                        return Err(Error::new(
                            sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                            format!("cannot drop table {} because other objects depend on it", fk.ref_table),
                        )
                        .with_detail(format!("constraint {} on table {} depends on table {}", c.name, s.name, fk.ref_table))
                        .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
                    }
                }
            }
        }
        Ok(detach)
    }

    fn bind_alter_table(&mut self, a: &ast::AlterTable) -> Result<Ddl> {
        let name = table_name(&a.name)?;
        if !self.table_exists(&name) && a.if_exists {
            return Ok(Ddl::Nothing { notice: format!("relation \"{name}\" does not exist, skipping") });
        }
        let old = self.table(&a.name)?;
        let mut schema = (*old).clone();
        let mut rewrite: Option<Vec<Expr>> = None;
        for op in &a.operations {
            self.alter_op(&mut schema, &old, &mut rewrite, op)?;
        }
        schema.validate()?;
        Ok(Ddl::Alter { old_name: old.name.clone(), schema: Arc::new(schema), rewrite })
    }

    fn alter_op(&mut self, s: &mut TableSchema, old: &Arc<TableSchema>, rewrite: &mut Option<Vec<Expr>>, op: &Op) -> Result<()> {
        let row = |rewrite: &mut Option<Vec<Expr>>| -> Vec<Expr> { rewrite.take().unwrap_or_else(|| identity(old)) };
        match op {
            Op::AddColumn { column_def, if_not_exists, .. } => {
                let (def, constraints) = self.column_def(&s.name, column_def)?;
                if s.column_index(&def.name).is_some() {
                    if *if_not_exists {
                        return Ok(());
                    }
                    return Err(Error::new(sqlstate::DUPLICATE_COLUMN, format!("column \"{}\" of relation \"{}\" already exists", def.name, s.name)));
                }
                if def.identity.is_some() {
                    return Err(Error::unsupported("ADD COLUMN with serial or identity"));
                }
                let fill = match &def.default {
                    Some(text) => self.bind_default(text, &def.data_type)?,
                    None => Expr::Literal(crate::types::Value::Null),
                };
                let mut r = row(rewrite);
                r.push(fill);
                *rewrite = Some(r);
                s.columns.push(def);
                for tc in constraints {
                    self.add_constraint(s, &tc)?;
                }
            }
            Op::DropColumn { column_names, if_exists, .. } => {
                for c in column_names {
                    let c = ident(c);
                    let Some(i) = s.column_index(&c) else {
                        if *if_exists {
                            continue;
                        }
                        return Err(Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{c}\" of relation \"{}\" does not exist", s.name)));
                    };
                    let mut r = row(rewrite);
                    r.remove(i);
                    *rewrite = Some(r);
                    drop_column(s, &c);
                }
            }
            Op::RenameColumn { old_column_name, new_column_name } => {
                let (from, to) = (ident(old_column_name), ident(new_column_name));
                let i = s.column_index(&from).ok_or_else(|| Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{from}\" does not exist")))?;
                if s.column_index(&to).is_some() {
                    return Err(Error::new(sqlstate::DUPLICATE_COLUMN, format!("column \"{to}\" of relation \"{}\" already exists", s.name)));
                }
                s.columns[i].name = to.clone();
                rename_column(s, &from, &to)?;
                *rewrite = Some(row(rewrite));
            }
            Op::RenameTable { table_name: ast::RenameTableNameKind::To(n) | ast::RenameTableNameKind::As(n) } => {
                let new = table_name(n)?;
                if self.table_exists(&new) {
                    return Err(Error::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{new}\" already exists")));
                }
                if self.catalog.enum_type(&new).is_some() {
                    return Err(duplicate_type(&new));
                }
                crate::catalog::check_name(&new, "table")?;
                s.name = new;
            }
            Op::AlterColumn { column_name, op } => self.alter_column(s, old, rewrite, &ident(column_name), op)?,
            Op::AddConstraint { constraint, .. } => {
                self.add_constraint(s, constraint)?;
                *rewrite = Some(row(rewrite));
            }
            Op::DropConstraint { name, if_exists, .. } => drop_constraint(s, &ident(name), *if_exists)?,
            other => {
                return Err(Error::unsupported(format!("ALTER TABLE {}", other.to_string().split_whitespace().take(2).collect::<Vec<_>>().join(" "))))
            }
        }
        Ok(())
    }

    fn alter_column(&mut self, s: &mut TableSchema, old: &Arc<TableSchema>, rewrite: &mut Option<Vec<Expr>>, col: &str, op: &Acol) -> Result<()> {
        let i = s
            .column_index(col)
            .ok_or_else(|| Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{col}\" of relation \"{}\" does not exist", s.name)))?;
        match op {
            Acol::SetNotNull => {
                s.columns[i].not_null = true;
                *rewrite = Some(rewrite.take().unwrap_or_else(|| identity(old)));
            }
            Acol::DropNotNull => {
                if s.primary_key_columns().contains(&i) {
                    return Err(Error::new(sqlstate::INVALID_TABLE_DEFINITION, format!("column \"{col}\" is in a primary key")));
                }
                s.columns[i].not_null = false;
            }
            Acol::SetDefault { value } => {
                self.bind_default(&value.to_string(), &s.columns[i].data_type)?;
                s.columns[i].default = Some(value.to_string());
            }
            Acol::DropDefault => s.columns[i].default = None,
            Acol::SetDataType { data_type, using, .. } => {
                let to = self.data_type(data_type)?;
                let mut r = rewrite.take().unwrap_or_else(|| identity(old));
                let from = s.columns[i].data_type.clone();
                let scope = Scope::of(&old.name, old.clone());
                let source = match using {
                    Some(u) => self.bind_expr(u, &scope)?,
                    None => super::Typed::new(r[i].clone(), from.clone()),
                };
                if using.is_none() && !crate::types::cast::can_cast(&from, &to, CastKind::Assignment) {
                    return Err(Error::new(sqlstate::DATATYPE_MISMATCH, format!("column \"{col}\" cannot be cast automatically to type {to}"))
                        .with_hint(format!("You might need to specify \"USING {col}::{to}\".")));
                }
                r[i] = self.coerce(source, &to, CastKind::Assignment)?;
                *rewrite = Some(r);
                s.columns[i].data_type = to;
            }
            Acol::AddGenerated { .. } => return Err(Error::unsupported("ALTER COLUMN ADD GENERATED")),
        }
        Ok(())
    }
}

/// Each column of the old row as is.
fn identity(s: &TableSchema) -> Vec<Expr> {
    (0..s.columns.len()).map(Expr::Column).collect()
}

fn index_column(id: &ast::Ident) -> ast::IndexColumn {
    let column =
        ast::OrderByExpr { expr: ast::Expr::Identifier(id.clone()), options: ast::OrderByOptions { sort: None, nulls_first: None }, with_fill: None };
    ast::IndexColumn { column, operator_class: None }
}

fn key_columns(s: &TableSchema, cols: &[ast::IndexColumn]) -> Result<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column.expr {
            ast::Expr::Identifier(id) => {
                let n = ident(id);
                s.column_index(&n).map(|_| n.clone()).ok_or_else(|| key_column_missing(&n))
            }
            _ => Err(Error::unsupported("index on an expression")),
        })
        .collect()
}

fn key_column_missing(c: &str) -> Error {
    Error::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{c}\" named in key does not exist"))
}

fn has_unique(s: &TableSchema, cols: &[String]) -> bool {
    let mut want: Vec<&String> = cols.iter().collect();
    want.sort();
    let pk: Vec<String> = s.primary_key_columns().iter().map(|i| s.columns[*i].name.clone()).collect();
    std::iter::once(pk).chain(s.indexes.iter().filter(|i| i.unique).map(|i| i.columns.clone())).any(|k| {
        let mut k: Vec<&String> = k.iter().collect();
        k.sort();
        k == want
    })
}

/// `t_<first column the expression names>_check`, or `t_check`.
fn check_name(table: &str, e: &ast::Expr, s: &TableSchema) -> String {
    let mut first = None;
    let _ = ast::visit_expressions(e, |x| {
        if let ast::Expr::Identifier(id) = x {
            if first.is_none() && s.column_index(&ident(id)).is_some() {
                first = Some(ident(id));
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    match first {
        Some(c) => format!("{table}_{c}_check"),
        None => format!("{table}_check"),
    }
}

fn drop_column(s: &mut TableSchema, c: &str) {
    s.columns.retain(|x| x.name != c);
    s.indexes.retain(|i| !i.columns.iter().any(|x| x == c));
    if s.primary_key.iter().any(|x| x == c) {
        s.primary_key.clear();
    }
    s.constraints.retain(|k| match &k.kind {
        ConstraintKind::ForeignKey(fk) => !fk.columns.iter().any(|x| x == c),
        ConstraintKind::Check { expr } => !mentions(expr, c),
    });
}

fn mentions(expr: &str, c: &str) -> bool {
    let Ok(e) = crate::sql::parse::parse_expr(expr) else { return false };
    let mut found = false;
    let _ = ast::visit_expressions(&e, |x| {
        found |= matches!(x, ast::Expr::Identifier(id) if ident(id) == c);
        std::ops::ControlFlow::<()>::Continue(())
    });
    found
}

fn rename_column(s: &mut TableSchema, from: &str, to: &str) -> Result<()> {
    let swap = |n: &mut String| {
        if n == from {
            *n = to.to_string()
        }
    };
    s.primary_key.iter_mut().for_each(swap);
    s.indexes.iter_mut().flat_map(|i| i.columns.iter_mut()).for_each(swap);
    for k in &mut s.constraints {
        match &mut k.kind {
            ConstraintKind::ForeignKey(fk) => fk.columns.iter_mut().for_each(swap),
            ConstraintKind::Check { expr } => {
                let mut e = crate::sql::parse::parse_expr(expr)?;
                let _ = ast::visit_expressions_mut(&mut e, |x| {
                    if let ast::Expr::Identifier(id) = x {
                        if ident(id) == from {
                            *id = ast::Ident::new(to);
                        }
                    }
                    std::ops::ControlFlow::<()>::Continue(())
                });
                *expr = e.to_string();
            }
        }
    }
    Ok(())
}

fn drop_constraint(s: &mut TableSchema, name: &str, if_exists: bool) -> Result<()> {
    if s.primary_key_constraint_name() == name && !s.primary_key_columns().is_empty() {
        s.primary_key.clear();
        s.primary_key_name = None;
        s.columns.iter_mut().for_each(|c| c.primary_key = false);
        return Ok(());
    }
    let before = s.indexes.len() + s.constraints.len();
    s.indexes.retain(|i| !(i.constraint && i.name == name));
    s.constraints.retain(|c| c.name != name);
    if before == s.indexes.len() + s.constraints.len() && !if_exists {
        return Err(Error::new(sqlstate::UNDEFINED_OBJECT, format!("constraint \"{name}\" of relation \"{}\" does not exist", s.name)));
    }
    Ok(())
}

/// The statement's kind in words, for 0A000 messages.
pub fn statement_kind(s: &Statement) -> String {
    s.to_string().split_whitespace().take(2).collect::<Vec<_>>().join(" ").to_uppercase()
}
