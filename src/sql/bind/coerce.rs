//! Implicit casts as PostgreSQL applies them: unknown-typed literals and parameters take the
//! type the context wants (literals are converted right away with the type's input function),
//! numbers promote along int2 < int4 < int8 < numeric < float4 < float8, string types meet at
//! text, date and timestamp meet at the wider of the two.

use super::{Binder, Typed};
use crate::error::{sqlstate, Error, Result};
use crate::sql::catalog_functions::CatalogFn;
use crate::sql::expr::Expr;
use crate::sql::functions::Func;
use crate::types::cast::{can_cast, CastKind};
use crate::types::text::parse_value;
use crate::types::{DataType, FormatOptions, Value};

fn datetime_rank(t: &DataType) -> Option<u8> {
    Some(match t {
        DataType::Date => 0,
        DataType::Timestamp => 1,
        DataType::Timestamptz => 2,
        _ => return None,
    })
}

/// The type two known types meet at for comparison and CASE/COALESCE, if any.
pub fn common_type(a: &DataType, b: &DataType) -> Option<DataType> {
    if a.without_modifier() == b.without_modifier() {
        return Some(a.without_modifier());
    }
    if let (Some(x), Some(y)) = (a.numeric_rank(), b.numeric_rank()) {
        return Some(if x >= y { a.without_modifier() } else { b.without_modifier() });
    }
    if let (Some(x), Some(y)) = (datetime_rank(a), datetime_rank(b)) {
        return Some(if x >= y { a.clone() } else { b.clone() });
    }
    if a.is_string() && b.is_string() {
        return Some(DataType::Text);
    }
    match (a, b) {
        (DataType::Unknown, t) | (t, DataType::Unknown) => Some(t.without_modifier()),
        (r, t) | (t, r) if r.is_reg() && (t.is_integer() || *t == DataType::Oid) => Some(DataType::Oid),
        (DataType::Json, DataType::Jsonb) | (DataType::Jsonb, DataType::Json) => None,
        _ if can_cast(b, a, CastKind::Implicit) => Some(a.clone()),
        _ if can_cast(a, b, CastKind::Implicit) => Some(b.clone()),
        _ => None,
    }
}

impl Binder<'_> {
    /// Converts `e` to type `to`: folds unknown literals, types unknown parameters, and
    /// otherwise wraps a cast of the given kind.
    pub fn coerce(&mut self, e: Typed, to: &DataType, kind: CastKind) -> Result<Expr> {
        if e.ty == *to || *to == DataType::Unknown {
            return Ok(e.expr);
        }
        if e.ty.is_reg() || to.is_reg() {
            return self.coerce_reg(e, to, kind);
        }
        match (&e.expr, &e.ty) {
            (Expr::Literal(Value::Null), _) => Ok(e.expr),
            (Expr::Literal(Value::Text(s)), DataType::Unknown) => Ok(Expr::Literal(parse_value(s, to, &FormatOptions::default())?)),
            (Expr::Param(i), DataType::Unknown) => {
                self.params[*i] = to.clone();
                Ok(e.expr)
            }
            _ if e.ty.without_modifier() == *to => Ok(e.expr),
            // int2vector / oidvector hold the same values as the arrays of their elements.
            (_, DataType::Vector(v)) if matches!(to, DataType::Array(a) if a == v) => Ok(e.expr),
            _ => Ok(Expr::Cast { expr: e.expr.boxed(), from: e.ty, to: to.clone(), kind }),
        }
    }

    /// regclass and regtype hold OIDs: names go in and come out through the catalog, numbers
    /// pass as oid.
    fn coerce_reg(&mut self, e: Typed, to: &DataType, kind: CastKind) -> Result<Expr> {
        let call = |f: CatalogFn, arg: Expr| Expr::Call { func: Func::Catalog(f), args: vec![arg] };
        match (&e.ty, to) {
            (_, _) if matches!(e.expr, Expr::Literal(Value::Null)) => Ok(e.expr),
            (from, t) if from.is_reg() && t.is_string() => Ok(call(CatalogFn::reg_out(from), e.expr)),
            (from, _) if from.is_reg() => self.coerce(Typed::new(e.expr, DataType::Oid), to, kind),
            (t, _) if t.is_string() || *t == DataType::Unknown => Ok(call(CatalogFn::reg_in(to), self.coerce(e, &DataType::Text, kind)?)),
            (t, _) if t.is_integer() || *t == DataType::Oid => self.coerce(e, &DataType::Oid, kind),
            (t, _) => Err(Error::new(sqlstate::CANNOT_COERCE, format!("cannot cast type {t} to {to}"))),
        }
    }

    /// Resolves two operands of a comparison to one type; 42883 when none exists.
    pub fn unify(&mut self, l: Typed, r: Typed, op: &str) -> Result<(Expr, Expr, DataType)> {
        let ty = match (&l.ty, &r.ty) {
            (DataType::Unknown, DataType::Unknown) => DataType::Text,
            (a, b) => common_type(a, b).ok_or_else(|| no_operator(op, a, b))?,
        };
        Ok((self.coerce(l, &ty, CastKind::Implicit)?, self.coerce(r, &ty, CastKind::Implicit)?, ty))
    }

    /// Resolves many expressions to one type (IN lists, CASE results, COALESCE).
    pub fn unify_all(&mut self, items: Vec<Typed>, what: &str) -> Result<(Vec<Expr>, DataType)> {
        let mut ty = DataType::Unknown;
        for it in &items {
            ty = common_type(&ty, &it.ty)
                .ok_or_else(|| Error::new(sqlstate::DATATYPE_MISMATCH, format!("{what} types {} and {} cannot be matched", ty, it.ty)))?;
        }
        if ty == DataType::Unknown {
            ty = DataType::Text;
        }
        let exprs = items.into_iter().map(|it| self.coerce(it, &ty, CastKind::Implicit)).collect::<Result<_>>()?;
        Ok((exprs, ty))
    }
}

pub fn no_operator(op: &str, a: &DataType, b: &DataType) -> Error {
    Error::new(sqlstate::UNDEFINED_FUNCTION, format!("operator does not exist: {a} {op} {b}"))
        .with_hint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_promote_and_strings_meet_at_text() {
        assert_eq!(common_type(&DataType::Int4, &DataType::Int8), Some(DataType::Int8));
        assert_eq!(common_type(&DataType::Numeric(Some((10, 2))), &DataType::Int4), Some(DataType::Numeric(None)));
        assert_eq!(common_type(&DataType::Float8, &DataType::Numeric(None)), Some(DataType::Float8));
        assert_eq!(common_type(&DataType::Varchar(Some(3)), &DataType::Text), Some(DataType::Text));
        assert_eq!(common_type(&DataType::Date, &DataType::Timestamptz), Some(DataType::Timestamptz));
    }
}
