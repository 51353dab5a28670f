//! Set-returning functions in a select list: `unnest(array)` and
//! `generate_subscripts(array, dim)` (from 1, or from 0 over int2vector / oidvector).
//!
//! While a (non-aggregating) select list is bound, each such call is collected and stands for
//! a column appended after the input row's columns. A [`Rel::ProjectSet`] below the projection
//! then turns each input row into as many rows as its longest set, the calls advancing in
//! lockstep and padding with NULLs, as PostgreSQL 10+ runs them; a row whose sets are all
//! empty yields nothing.

use super::{Binder, Scope, Typed};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::Expr;
use crate::sql::plan::{Rel, SetCall, SetFunc};
use crate::types::cast::CastKind;
use crate::types::DataType;
use sqlparser::ast;

const NOT_ALLOWED: &str = "set-returning functions are not allowed";

/// A set-returning call's error in a clause that cannot have one, naming the clause as
/// PostgreSQL does (`... are not allowed in RETURNING`); other errors as they are.
pub fn in_clause(e: Error, clause: &str) -> Error {
    if e.code == sqlstate::FEATURE_NOT_SUPPORTED && e.message.starts_with(NOT_ALLOWED) {
        return Error::new(sqlstate::FEATURE_NOT_SUPPORTED, format!("{NOT_ALLOWED} in {clause}"));
    }
    e
}

/// The set-returning calls of the select list being bound.
#[derive(Debug, Default)]
pub struct SetCalls {
    /// The input row's width: the first call's column follows it.
    base: usize,
    calls: Vec<SetCall>,
}

impl Binder<'_> {
    /// Binds a select list, collecting its set-returning calls; wraps `rel` in a ProjectSet
    /// when there are any.
    pub fn bind_projection_set(&mut self, items: &[ast::SelectItem], rel: Rel, scope: &Scope) -> Result<(super::query::Projection, Rel)> {
        let slot = scope.aggregates.is_none().then(|| SetCalls { base: scope.width(), calls: Vec::new() });
        let outer = std::mem::replace(&mut self.set_calls, slot);
        let proj = self.bind_projection(items, scope);
        let calls = std::mem::replace(&mut self.set_calls, outer).map_or_else(Vec::new, |s| s.calls);
        let rel = if calls.is_empty() { rel } else { Rel::ProjectSet { input: Box::new(rel), calls } };
        Ok((proj?, rel))
    }

    /// A set-returning call where one is allowed (the select list), else 0A000.
    pub fn bind_set_call(&mut self, func: SetFunc, args: &[ast::Expr], scope: &Scope) -> Result<Typed> {
        let name = func.name();
        let bound = args.iter().map(|a| self.bind_expr(a, scope)).collect::<Result<Vec<_>>>()?;
        let types: Vec<String> = bound.iter().map(|b| b.ty.to_string()).collect();
        let mut bound = bound.into_iter();
        let (array, dim) = (bound.next(), bound.next());
        let elem = match array.as_ref().map(|a| &a.ty) {
            Some(DataType::Array(e) | DataType::Vector(e)) if bound.len() == 0 && dim.is_some() == (func == SetFunc::Subscripts) => {
                e.as_ref().clone()
            }
            _ => {
                return Err(Error::new(sqlstate::UNDEFINED_FUNCTION, format!("function {name}({}) does not exist", types.join(", ")))
                    .with_hint("No function matches the given name and argument types. You might need to add explicit type casts."));
            }
        };
        let array = array.expect("checked above");
        let lower = if matches!(array.ty, DataType::Vector(_)) { 0 } else { 1 };
        let array = array.expr;
        let dim = dim.map(|d| self.coerce(d, &DataType::Int4, CastKind::Implicit)).transpose()?;
        let ty = if func == SetFunc::Subscripts { DataType::Int4 } else { elem };
        let Some(set) = self.set_calls.as_mut() else {
            return Err(Error::new(sqlstate::FEATURE_NOT_SUPPORTED, format!("{NOT_ALLOWED} here ({name})")));
        };
        set.calls.push(SetCall { func, array, dim, lower });
        Ok(Typed::new(Expr::Column(set.base + set.calls.len() - 1), ty))
    }
}
