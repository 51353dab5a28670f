//! Binding of AST expressions into typed [`Expr`]s: names to row positions, literals to
//! values, operators and functions to their typed forms with implicit casts inserted.

use super::{Binder, Scope, Typed};
use crate::error::{sqlstate, Error, Result};
use crate::sql::array_functions::ArrayFn;
use crate::sql::expr::{CmpOp, Expr};
use crate::sql::functions::{ArgRule, Func};
use crate::sql::plan::{SetFunc, SubqueryKind};
use crate::types::cast::CastKind;
use crate::types::ops::{self, BinaryOp, UnaryOp};
use crate::types::{DataType, Value};
use rust_decimal::Decimal;
use sqlparser::ast::{self, BinaryOperator as B, Expr as A, UnaryOperator};
use std::str::FromStr;

impl Binder<'_> {
    /// Binds an expression and requires a boolean (WHERE, CHECK, ON CONFLICT ... WHERE).
    pub fn bind_predicate(&mut self, e: &A, scope: &Scope, clause: &str) -> Result<Expr> {
        let t = self.bind_expr(e, scope)?;
        match t.ty {
            DataType::Bool => Ok(t.expr),
            DataType::Unknown => self.coerce(t, &DataType::Bool, CastKind::Implicit),
            other => Err(Error::new(sqlstate::DATATYPE_MISMATCH, format!("argument of {clause} must be type boolean, not type {other}"))),
        }
    }

    pub fn bind_expr(&mut self, e: &A, scope: &Scope) -> Result<Typed> {
        crate::sql::stack::check()?;
        match e {
            A::Identifier(id) => self.column(scope, None, &super::ident(id)),
            A::CompoundIdentifier(ids) => self.bind_compound(ids, scope),
            A::Value(v) => self.bind_value(&v.value),
            A::Nested(inner) => self.bind_expr(inner, scope),
            A::BinaryOp { left, op, right } => self.bind_binary(left, op, right, scope),
            A::UnaryOp { op, expr } => self.bind_unary(op, expr, scope),
            A::IsNull(x) | A::IsNotNull(x) => {
                let expr = self.bind_expr(x, scope)?.expr.boxed();
                Ok(Typed::new(Expr::IsNull { expr, negated: matches!(e, A::IsNotNull(_)) }, DataType::Bool))
            }
            A::IsTrue(x) | A::IsNotTrue(x) | A::IsFalse(x) | A::IsNotFalse(x) => {
                let expr = self.bind_predicate(x, scope, "IS TRUE")?.boxed();
                let value = matches!(e, A::IsTrue(_) | A::IsNotTrue(_));
                let negated = matches!(e, A::IsNotTrue(_) | A::IsNotFalse(_));
                Ok(Typed::new(Expr::IsBool { expr, value, negated }, DataType::Bool))
            }
            A::IsDistinctFrom(l, r) | A::IsNotDistinctFrom(l, r) => {
                let (l, r) = (self.bind_expr(l, scope)?, self.bind_expr(r, scope)?);
                let (left, right, _) = self.unify(l, r, "=")?;
                let negated = matches!(e, A::IsNotDistinctFrom(..));
                Ok(Typed::new(Expr::IsDistinct { left: left.boxed(), right: right.boxed(), negated }, DataType::Bool))
            }
            A::InList { expr, list, negated } => self.bind_in(expr, list, *negated, scope),
            A::Between { expr, negated, low, high } => self.bind_between(expr, *negated, low, high, scope),
            A::Like { negated, any: false, expr, pattern, escape_char } => self.bind_like(expr, pattern, escape_char, false, *negated, scope),
            A::ILike { negated, any: false, expr, pattern, escape_char } => self.bind_like(expr, pattern, escape_char, true, *negated, scope),
            A::Cast { expr, data_type, format: None, kind } => {
                let to = self.data_type(data_type)?;
                let inner = self.bind_expr(expr, scope)?;
                let _ = kind;
                Ok(Typed::new(self.coerce(inner, &to, CastKind::Explicit)?, to))
            }
            A::TypedString(ts) => {
                let to = self.data_type(&ts.data_type)?;
                let inner = self.bind_value(&ts.value.value)?;
                Ok(Typed::new(self.coerce(inner, &to, CastKind::Explicit)?, to))
            }
            A::Interval(iv) => self.bind_interval(iv, scope),
            A::Collate { expr, collation } => self.bind_collate(expr, collation, scope),
            A::CompoundFieldAccess { root, access_chain } => self.bind_subscript(root, access_chain, scope),
            A::Subquery(q) => self.bind_subquery(q, SubqueryKind::Scalar, scope),
            A::Exists { subquery, negated } => {
                let t = self.bind_subquery(subquery, SubqueryKind::Exists, scope)?;
                Ok(if *negated { Typed::new(Expr::Not(t.expr.boxed()), DataType::Bool) } else { t })
            }
            A::InSubquery { expr, subquery, negated } => {
                let list = self.bind_subquery(subquery, SubqueryKind::List, scope)?;
                let DataType::Array(elem) = list.ty.clone() else { return Err(Error::internal("IN subquery is not a list")) };
                let l = self.bind_expr(expr, scope)?;
                let ty = super::coerce::common_type(&l.ty, &elem).ok_or_else(|| super::coerce::no_operator("=", &l.ty, &elem))?;
                let left = self.coerce(l, &ty, CastKind::Implicit)?.boxed();
                let array = self.coerce(list, &DataType::Array(Box::new(ty)), CastKind::Implicit)?.boxed();
                let any = Expr::AnyAll { op: CmpOp::Eq, left, array, all: false };
                Ok(Typed::new(if *negated { Expr::Not(any.boxed()) } else { any }, DataType::Bool))
            }
            A::AnyOp { left, compare_op, right, .. } => self.bind_any_all(left, compare_op, right, false, scope),
            A::AllOp { left, compare_op, right } => self.bind_any_all(left, compare_op, right, true, scope),
            A::Array(arr) => {
                let items = arr.elem.iter().map(|e| self.bind_expr(e, scope)).collect::<Result<Vec<_>>>()?;
                if items.is_empty() {
                    return Err(Error::new("42P18", "cannot determine type of empty array")
                        .with_hint("Explicitly cast to the desired type, for example ARRAY[]::integer[]."));
                }
                let (exprs, ty) = self.unify_all(items, "ARRAY")?;
                Ok(Typed::new(Expr::Array(exprs), DataType::Array(Box::new(ty))))
            }
            A::Case { operand, conditions, else_result, .. } => self.bind_case(operand.as_deref(), conditions, else_result.as_deref(), scope),
            A::Function(f) => self.bind_function(f, scope),
            A::Substring { expr, substring_from, substring_for, .. } => {
                let mut args = vec![expr.as_ref().clone()];
                args.push(substring_from.as_deref().cloned().unwrap_or(A::value(ast::Value::Number("1".into(), false))));
                args.extend(substring_for.as_deref().cloned());
                self.bind_call(Func::Substring, &args, scope)
            }
            A::Position { expr, r#in } => self.bind_call(Func::Position, &[r#in.as_ref().clone(), expr.as_ref().clone()], scope),
            A::Trim { trim_where, trim_what, expr, trim_characters: None } => {
                let func = match trim_where {
                    Some(ast::TrimWhereField::Leading) => Func::Ltrim,
                    Some(ast::TrimWhereField::Trailing) => Func::Rtrim,
                    _ => Func::Btrim,
                };
                let mut args = vec![expr.as_ref().clone()];
                args.extend(trim_what.as_deref().cloned());
                self.bind_call(func, &args, scope)
            }
            A::Ceil { expr, field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime) } => {
                self.bind_call(Func::Ceil, &[expr.as_ref().clone()], scope)
            }
            A::Floor { expr, field: ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime) } => {
                self.bind_call(Func::Floor, &[expr.as_ref().clone()], scope)
            }
            other => Err(Error::unsupported(format!("expression {}", first_words(&other.to_string())))),
        }
    }

    /// `INTERVAL '1 day'`, and `INTERVAL '2' HOUR` (the unit appended to the text).
    fn bind_interval(&mut self, iv: &ast::Interval, scope: &Scope) -> Result<Typed> {
        if iv.last_field.is_some() || iv.fractional_seconds_precision.is_some() || iv.leading_precision.is_some() {
            return Err(Error::unsupported("interval field ranges"));
        }
        let value = match (iv.value.as_ref(), &iv.leading_field) {
            (A::Value(v), Some(unit)) => match &v.value {
                ast::Value::SingleQuotedString(s) => self.bind_value(&ast::Value::SingleQuotedString(format!("{s} {unit}")))?,
                _ => return Err(Error::unsupported("this INTERVAL literal")),
            },
            (e, _) => self.bind_expr(e, scope)?,
        };
        Ok(Typed::new(self.coerce(value, &DataType::Interval, CastKind::Explicit)?, DataType::Interval))
    }

    fn bind_any_all(&mut self, left: &A, op: &B, right: &A, all: bool, scope: &Scope) -> Result<Typed> {
        let cmp = compare_op(op).ok_or_else(|| Error::unsupported(format!("operator {op} with ANY/ALL")))?;
        let right = match right {
            A::Nested(inner) => inner.as_ref(),
            other => other,
        };
        let l = self.bind_expr(left, scope)?;
        let r = match right {
            A::Subquery(q) => self.bind_subquery(q, SubqueryKind::List, scope)?,
            other => self.bind_expr(other, scope)?,
        };
        let elem = match &r.ty {
            DataType::Array(e) | DataType::Vector(e) => e.as_ref().clone(),
            DataType::Unknown => {
                if l.ty == DataType::Unknown {
                    DataType::Text
                } else {
                    l.ty.without_modifier()
                }
            }
            other => return Err(Error::new(sqlstate::DATATYPE_MISMATCH, format!("op ANY/ALL (array) requires array on right side, not {other}"))),
        };
        let ty = super::coerce::common_type(&l.ty, &elem).ok_or_else(|| super::coerce::no_operator(cmp.symbol(), &l.ty, &elem))?;
        let ty = if ty == DataType::Unknown { DataType::Text } else { ty };
        let left = self.coerce(l, &ty, CastKind::Implicit)?.boxed();
        let array = self.coerce(r, &DataType::Array(Box::new(ty)), CastKind::Implicit)?.boxed();
        Ok(Typed::new(Expr::AnyAll { op: cmp, left, array, all }, DataType::Bool))
    }

    fn bind_compound(&mut self, ids: &[ast::Ident], scope: &Scope) -> Result<Typed> {
        match ids {
            [t, c] | [_, t, c] => self.column(scope, Some(&super::ident(t)), &super::ident(c)),
            _ => Err(Error::unsupported(format!("name {}", ids.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(".")))),
        }
    }

    pub fn bind_value(&mut self, v: &ast::Value) -> Result<Typed> {
        use ast::Value as V;
        Ok(match v {
            V::Number(n, _) => number_literal(n)?,
            V::SingleQuotedString(s) | V::EscapedStringLiteral(s) | V::UnicodeStringLiteral(s) => {
                Typed::new(Expr::Literal(Value::Text(s.clone())), DataType::Unknown)
            }
            V::DollarQuotedString(d) => Typed::new(Expr::Literal(Value::Text(d.value.clone())), DataType::Unknown),
            V::Boolean(b) => Typed::new(Expr::Literal(Value::Bool(*b)), DataType::Bool),
            V::Null => Typed::new(Expr::Literal(Value::Null), DataType::Unknown),
            V::Placeholder(p) => self.bind_param(p)?,
            other => return Err(Error::unsupported(format!("literal {other}"))),
        })
    }

    fn bind_param(&mut self, p: &str) -> Result<Typed> {
        let n: usize = p.trim_start_matches('$').parse().map_err(|_| Error::syntax(format!("syntax error at or near \"{p}\"")))?;
        if n == 0 {
            return Err(Error::new(sqlstate::UNDEFINED_PARAMETER, format!("there is no parameter ${n}")));
        }
        if self.params.len() < n {
            self.params.resize(n, DataType::Unknown);
        }
        Ok(Typed::new(Expr::Param(n - 1), self.params[n - 1].clone()))
    }

    fn bind_binary(&mut self, left: &A, op: &B, right: &A, scope: &Scope) -> Result<Typed> {
        if let Some(cmp) = compare_op(op) {
            let (l, r) = (self.bind_expr(left, scope)?, self.bind_expr(right, scope)?);
            let (l, r, _) = self.unify(l, r, cmp.symbol())?;
            return Ok(Typed::new(Expr::Compare { op: cmp, left: l.boxed(), right: r.boxed() }, DataType::Bool));
        }
        match op {
            B::And | B::Or => {
                let l = self.bind_predicate(left, scope, if *op == B::And { "AND" } else { "OR" })?.boxed();
                let r = self.bind_predicate(right, scope, if *op == B::And { "AND" } else { "OR" })?.boxed();
                Ok(Typed::new(if *op == B::And { Expr::And(l, r) } else { Expr::Or(l, r) }, DataType::Bool))
            }
            B::PGRegexMatch | B::PGRegexIMatch | B::PGRegexNotMatch | B::PGRegexNotIMatch => {
                let ci = matches!(op, B::PGRegexIMatch | B::PGRegexNotIMatch);
                let neg = matches!(op, B::PGRegexNotMatch | B::PGRegexNotIMatch);
                self.bind_regex(left, right, ci, neg, scope)
            }
            B::PGCustomBinaryOperator(path) => {
                let op = qualified_operator(path).ok_or_else(|| Error::unsupported(format!("operator {op}")))?;
                self.bind_binary(left, &op, right, scope)
            }
            B::PGLikeMatch | B::PGILikeMatch | B::PGNotLikeMatch | B::PGNotILikeMatch => {
                let ci = matches!(op, B::PGILikeMatch | B::PGNotILikeMatch);
                let neg = matches!(op, B::PGNotLikeMatch | B::PGNotILikeMatch);
                self.bind_like(left, right, &None, ci, neg, scope)
            }
            _ => {
                let bop = arith_op(op)?;
                let (l, r) = (self.bind_expr(left, scope)?, self.bind_expr(right, scope)?);
                self.bind_operator(bop, l, r, &op.to_string())
            }
        }
    }

    /// Types an arithmetic, concatenation or jsonb operator and its operands.
    pub fn bind_operator(&mut self, op: BinaryOp, l: Typed, r: Typed, symbol: &str) -> Result<Typed> {
        let (lt, rt) = operand_types(op, &l.ty, &r.ty).ok_or_else(|| super::coerce::no_operator(symbol, &l.ty, &r.ty))?;
        let ty = ops::binary_result_type(op, &lt, &rt)?;
        let left = self.coerce(l, &lt, CastKind::Implicit)?.boxed();
        let right = self.coerce(r, &rt, CastKind::Implicit)?.boxed();
        Ok(Typed::new(Expr::Binary { op, left, right }, ty))
    }

    fn bind_unary(&mut self, op: &UnaryOperator, e: &A, scope: &Scope) -> Result<Typed> {
        match op {
            UnaryOperator::Not => Ok(Typed::new(Expr::Not(self.bind_predicate(e, scope, "NOT")?.boxed()), DataType::Bool)),
            UnaryOperator::Plus => self.bind_expr(e, scope),
            UnaryOperator::Minus => {
                if let A::Value(v) = e {
                    if let ast::Value::Number(n, _) = &v.value {
                        return number_literal(&format!("-{n}"));
                    }
                }
                let t = self.bind_expr(e, scope)?;
                let ty = if t.ty == DataType::Unknown { DataType::Numeric(None) } else { t.ty.clone() };
                let expr = self.coerce(t, &ty, CastKind::Implicit)?.boxed();
                Ok(Typed::new(Expr::Unary { op: UnaryOp::Neg, expr }, ty))
            }
            other => Err(Error::unsupported(format!("operator {other}"))),
        }
    }

    fn bind_in(&mut self, expr: &A, list: &[A], negated: bool, scope: &Scope) -> Result<Typed> {
        let mut items = vec![self.bind_expr(expr, scope)?];
        for e in list {
            items.push(self.bind_expr(e, scope)?);
        }
        let (mut exprs, _) = self.unify_all(items, "IN")?;
        let expr = exprs.remove(0).boxed();
        Ok(Typed::new(Expr::InList { expr, list: exprs, negated }, DataType::Bool))
    }

    fn bind_between(&mut self, expr: &A, negated: bool, low: &A, high: &A, scope: &Scope) -> Result<Typed> {
        let items = vec![self.bind_expr(expr, scope)?, self.bind_expr(low, scope)?, self.bind_expr(high, scope)?];
        let (mut e, _) = self.unify_all(items, "BETWEEN")?;
        let (x, hi) = (e.remove(0), e.pop().unwrap_or(Expr::Literal(Value::Null)));
        let lo = e.remove(0);
        let ge = Expr::Compare { op: CmpOp::GtEq, left: x.clone().boxed(), right: lo.boxed() };
        let le = Expr::Compare { op: CmpOp::LtEq, left: x.boxed(), right: hi.boxed() };
        let both = Expr::And(ge.boxed(), le.boxed());
        Ok(Typed::new(if negated { Expr::Not(both.boxed()) } else { both }, DataType::Bool))
    }

    fn bind_like(&mut self, expr: &A, pattern: &A, escape: &Option<Box<A>>, ci: bool, negated: bool, scope: &Scope) -> Result<Typed> {
        let op = if ci { "~~*" } else { "~~" };
        let expr = self.text_operand(expr, scope, op)?.boxed();
        let pattern = self.text_operand(pattern, scope, op)?.boxed();
        let escape = match escape {
            Some(e) => Some(self.text_operand(e, scope, op)?.boxed()),
            None => None,
        };
        Ok(Typed::new(Expr::Like { expr, pattern, escape, case_insensitive: ci, negated }, DataType::Bool))
    }

    fn bind_regex(&mut self, expr: &A, pattern: &A, ci: bool, negated: bool, scope: &Scope) -> Result<Typed> {
        let op = match (negated, ci) {
            (false, false) => "~",
            (false, true) => "~*",
            (true, false) => "!~",
            (true, true) => "!~*",
        };
        let expr = self.text_operand(expr, scope, op)?.boxed();
        let pattern = self.text_operand(pattern, scope, op)?.boxed();
        Ok(Typed::new(Expr::Regex { expr, pattern, case_insensitive: ci, negated }, DataType::Bool))
    }

    /// An operand of a text pattern operator: a string type or an unknown literal, as text.
    fn text_operand(&mut self, e: &A, scope: &Scope, op: &str) -> Result<Expr> {
        let t = self.bind_expr(e, scope)?;
        if !t.ty.is_string() && t.ty != DataType::Unknown {
            return Err(super::coerce::no_operator(op, &t.ty, &DataType::Text));
        }
        self.coerce(t, &DataType::Text, CastKind::Implicit)
    }

    /// `array[i]`, `t.array[i]` (one dimension; slices and field access are refused).
    /// int2vector and oidvector subscripts start at 0, so they are shifted to the arrays'
    /// 1-based ones.
    fn bind_subscript(&mut self, root: &A, chain: &[ast::AccessExpr], scope: &Scope) -> Result<Typed> {
        let unsupported = || Error::unsupported("array slices, multi-dimensional subscripts and field selection");
        let Some((ast::AccessExpr::Subscript(ast::Subscript::Index { index }), path)) = chain.split_last() else { return Err(unsupported()) };
        let root = match (root, path) {
            (_, []) => root.clone(),
            (A::Identifier(first), path) => {
                let mut names = vec![first.clone()];
                for part in path {
                    let ast::AccessExpr::Dot(A::Identifier(id)) = part else { return Err(unsupported()) };
                    names.push(id.clone());
                }
                A::CompoundIdentifier(names)
            }
            _ => return Err(unsupported()),
        };
        let array = self.bind_expr(&root, scope)?;
        if array.ty.element().is_none() {
            return Err(Error::new(
                sqlstate::DATATYPE_MISMATCH,
                format!("cannot subscript type {} because it does not support subscripting", array.ty),
            ));
        }
        let index = self.bind_expr(index, scope)?;
        if !index.ty.is_integer() && index.ty != DataType::Unknown {
            return Err(Error::new(sqlstate::DATATYPE_MISMATCH, "array subscript must have type integer"));
        }
        let ty = ArrayFn::Subscript.result_type(Some(&array.ty));
        let mut index = self.coerce(index, &DataType::Int4, CastKind::Implicit)?;
        if matches!(array.ty, DataType::Vector(_)) {
            index = Expr::Binary { op: BinaryOp::Add, left: index.boxed(), right: Expr::Literal(Value::Int4(1)).boxed() };
        }
        Ok(Typed::new(Expr::Call { func: Func::Array(ArrayFn::Subscript), args: vec![array.expr, index] }, ty))
    }

    /// `expr COLLATE name`: the deterministic collations that compare bytewise, as text
    /// already does here (`default`, `C`, `POSIX`), leave the expression as it is.
    fn bind_collate(&mut self, expr: &A, collation: &ast::ObjectName, scope: &Scope) -> Result<Typed> {
        let name = collation.0.last().and_then(|p| p.as_ident()).map(|i| i.value.clone()).unwrap_or_default();
        let schema_ok = collation.0.len() == 1 || collation.0.first().and_then(|p| p.as_ident()).is_some_and(|i| i.value == "pg_catalog");
        if !schema_ok || !matches!(name.as_str(), "default" | "C" | "POSIX" | "ucs_basic") {
            return Err(Error::unsupported(format!("COLLATE {collation}")));
        }
        self.bind_expr(expr, scope)
    }

    fn bind_case(&mut self, operand: Option<&A>, conds: &[ast::CaseWhen], otherwise: Option<&A>, scope: &Scope) -> Result<Typed> {
        let mut tests = Vec::with_capacity(conds.len());
        let mut results = Vec::with_capacity(conds.len() + 1);
        for c in conds {
            let test = match operand {
                Some(op) => {
                    let eq = A::BinaryOp { left: Box::new(op.clone()), op: B::Eq, right: Box::new(c.condition.clone()) };
                    self.bind_predicate(&eq, scope, "CASE")?
                }
                None => self.bind_predicate(&c.condition, scope, "CASE/WHEN")?,
            };
            tests.push(test);
            results.push(self.bind_expr(&c.result, scope)?);
        }
        let has_else = otherwise.is_some();
        if let Some(e) = otherwise {
            results.push(self.bind_expr(e, scope)?);
        }
        let (mut exprs, ty) = self.unify_all(results, "CASE")?;
        let otherwise = if has_else { exprs.pop().map(Expr::boxed) } else { None };
        Ok(Typed::new(Expr::Case { whens: tests.into_iter().zip(exprs).collect(), otherwise }, ty))
    }

    fn bind_function(&mut self, f: &ast::Function, scope: &Scope) -> Result<Typed> {
        let name = f.name.to_string().to_ascii_lowercase();
        let name = name.rsplit('.').next().unwrap_or(&name).trim_matches('"').to_string();
        if f.over.is_some() || f.filter.is_some() {
            return Err(Error::unsupported("window functions and FILTER"));
        }
        let args = match &f.args {
            ast::FunctionArguments::None => Vec::new(),
            ast::FunctionArguments::List(l) => l.args.iter().map(plain_arg).collect::<Result<Vec<_>>>()?,
            ast::FunctionArguments::Subquery(q) if name == "array" => return self.bind_subquery(q, SubqueryKind::List, scope),
            ast::FunctionArguments::Subquery(_) => return Err(Error::unsupported("subquery as function argument")),
        };
        if super::aggregate::is_aggregate(&name) {
            return scope.aggregate_ref(f);
        }
        match name.as_str() {
            "unnest" => return self.bind_set_call(SetFunc::Unnest, &args, scope),
            "generate_subscripts" => return self.bind_set_call(SetFunc::Subscripts, &args, scope),
            _ => {}
        }
        let func = Func::lookup(&name).ok_or_else(|| unknown_function(&name, args.len()))?;
        self.bind_call(func, &args, scope)
    }

    pub fn bind_call(&mut self, func: Func, args: &[A], scope: &Scope) -> Result<Typed> {
        let bound = args.iter().map(|a| self.bind_expr(a, scope)).collect::<Result<Vec<_>>>()?;
        let rule = func.arg_rule(bound.len()).ok_or_else(|| wrong_args(func, &bound))?;
        let (exprs, types) = match rule {
            ArgRule::Fixed(types) => {
                let exprs = bound.into_iter().zip(types).map(|(b, t)| self.coerce_arg(func, b, t)).collect::<Result<Vec<_>>>()?;
                (exprs, types.to_vec())
            }
            ArgRule::AnyText => {
                let exprs = bound.into_iter().map(|b| self.output_text(b)).collect::<Result<Vec<_>>>()?;
                (exprs, vec![])
            }
            ArgRule::Any => {
                let known = |b: Typed| if b.ty == DataType::Unknown { DataType::Text } else { b.ty.clone() };
                let exprs = bound
                    .into_iter()
                    .map(|b| {
                        let ty = known(b.clone());
                        self.coerce(b, &ty, CastKind::Implicit)
                    })
                    .collect::<Result<Vec<_>>>()?;
                (exprs, vec![])
            }
            ArgRule::Common => {
                let (exprs, ty) = self.unify_all(bound, &func.name().to_uppercase())?;
                (exprs, vec![ty])
            }
            ArgRule::Numeric => self.numeric_args(func, bound)?,
            ArgRule::ArrayThen(types) => {
                if !matches!(bound.first().map(|b| &b.ty), Some(DataType::Array(_))) {
                    return Err(wrong_args(func, &bound));
                }
                let mut it = bound.into_iter();
                let array = it.next().ok_or_else(|| wrong_args(func, &[]))?;
                let array_ty = array.ty.clone();
                let mut exprs = vec![array.expr];
                for (b, t) in it.zip(types) {
                    exprs.push(self.coerce_arg(func, b, t)?);
                }
                (exprs, std::iter::once(array_ty).chain(types.iter().cloned()).collect())
            }
        };
        Ok(Typed::new(Expr::Call { func, args: exprs }, func.result_type(&types)))
    }

    /// A value as its type's output function writes it (what concat() uses): the text cast,
    /// except for booleans, whose output is `t`/`f` where the cast says `true`/`false`.
    fn output_text(&mut self, b: Typed) -> Result<Expr> {
        if b.ty != DataType::Bool {
            return self.coerce(b, &DataType::Text, CastKind::Explicit);
        }
        let test = |value: bool| Expr::IsBool { expr: b.expr.clone().boxed(), value, negated: false };
        let text = |s: &str| Expr::Literal(Value::Text(s.into()));
        Ok(Expr::Case { whens: vec![(test(true), text("t")), (test(false), text("f"))], otherwise: None })
    }

    fn coerce_arg(&mut self, func: Func, b: Typed, t: &DataType) -> Result<Expr> {
        let integer = |t: &DataType| t.is_integer() || *t == DataType::Oid;
        let ok = b.ty == DataType::Unknown
            || b.ty == *t
            || (t.is_string() && b.ty.is_string())
            || (integer(t) && b.ty.is_integer())
            || (*t == DataType::Oid && b.ty.is_reg());
        if !ok {
            return Err(wrong_args(func, std::slice::from_ref(&b)));
        }
        self.coerce(b, t, CastKind::Implicit)
    }

    fn numeric_args(&mut self, func: Func, mut bound: Vec<Typed>) -> Result<(Vec<Expr>, Vec<DataType>)> {
        let first = bound.remove(0);
        let ty = match &first.ty {
            DataType::Unknown => DataType::Float8,
            t if t.is_numeric() => t.without_modifier(),
            _ => return Err(wrong_args(func, &[first])),
        };
        let ty = if !bound.is_empty() && ty.is_integer() { DataType::Numeric(None) } else { ty };
        let mut exprs = vec![self.coerce(first, &ty, CastKind::Implicit)?];
        for b in bound {
            exprs.push(self.coerce(b, &DataType::Int4, CastKind::Implicit)?);
        }
        let types = std::iter::once(ty).chain(exprs.iter().skip(1).map(|_| DataType::Int4)).collect();
        Ok((exprs, types))
    }
}

fn compare_op(op: &B) -> Option<CmpOp> {
    Some(match op {
        B::Eq => CmpOp::Eq,
        B::NotEq => CmpOp::NotEq,
        B::Lt => CmpOp::Lt,
        B::LtEq => CmpOp::LtEq,
        B::Gt => CmpOp::Gt,
        B::GtEq => CmpOp::GtEq,
        _ => return None,
    })
}

/// `OPERATOR(pg_catalog.op)` (or `OPERATOR(op)`): the built-in operator it names.
fn qualified_operator(path: &[String]) -> Option<B> {
    let symbol = match path {
        [s, op] if s == "pg_catalog" => op,
        [op] => op,
        _ => return None,
    };
    Some(match symbol.as_str() {
        "=" => B::Eq,
        "<>" | "!=" => B::NotEq,
        "<" => B::Lt,
        "<=" => B::LtEq,
        ">" => B::Gt,
        ">=" => B::GtEq,
        "~" => B::PGRegexMatch,
        "~*" => B::PGRegexIMatch,
        "!~" => B::PGRegexNotMatch,
        "!~*" => B::PGRegexNotIMatch,
        "~~" => B::PGLikeMatch,
        "~~*" => B::PGILikeMatch,
        "!~~" => B::PGNotLikeMatch,
        "!~~*" => B::PGNotILikeMatch,
        "+" => B::Plus,
        "-" => B::Minus,
        "*" => B::Multiply,
        "/" => B::Divide,
        "%" => B::Modulo,
        "||" => B::StringConcat,
        _ => return None,
    })
}

fn plain_arg(a: &ast::FunctionArg) -> Result<A> {
    match a {
        ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Ok(e.clone()),
        ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) => Ok(A::Wildcard(ast::helpers::attached_token::AttachedToken::empty())),
        other => Err(Error::unsupported(format!("function argument {other}"))),
    }
}

fn unknown_function(name: &str, n: usize) -> Error {
    let args = vec!["unknown"; n].join(", ");
    Error::new(sqlstate::UNDEFINED_FUNCTION, format!("function {name}({args}) does not exist"))
        .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

fn wrong_args(func: Func, args: &[Typed]) -> Error {
    let types: Vec<String> = args.iter().map(|a| a.ty.to_string()).collect();
    Error::new(sqlstate::UNDEFINED_FUNCTION, format!("function {}({}) does not exist", func.name(), types.join(", ")))
        .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

fn arith_op(op: &B) -> Result<BinaryOp> {
    Ok(match op {
        B::Plus => BinaryOp::Add,
        B::Minus => BinaryOp::Sub,
        B::Multiply => BinaryOp::Mul,
        B::Divide => BinaryOp::Div,
        B::Modulo => BinaryOp::Mod,
        B::StringConcat => BinaryOp::Concat,
        B::Arrow => BinaryOp::JsonGet,
        B::LongArrow => BinaryOp::JsonGetText,
        B::HashArrow => BinaryOp::JsonPath,
        B::HashLongArrow => BinaryOp::JsonPathText,
        B::AtArrow => BinaryOp::JsonContains,
        B::ArrowAt => BinaryOp::JsonContainedBy,
        B::Question => BinaryOp::JsonHasKey,
        other => return Err(Error::unsupported(format!("operator {other}"))),
    })
}

/// The types the operands of `op` take, resolving unknown literals from the other side.
fn operand_types(op: BinaryOp, l: &DataType, r: &DataType) -> Option<(DataType, DataType)> {
    use DataType as T;
    let known = |a: &T, b: &T| if *a == T::Unknown { b.clone() } else { a.clone() };
    Some(match op {
        BinaryOp::Concat => match (l, r) {
            (T::Jsonb, _) | (_, T::Jsonb) => (T::Jsonb, T::Jsonb),
            (T::Array(_), _) | (_, T::Array(_)) => (known(l, r), known(r, l)),
            (T::Bytea, T::Bytea | T::Unknown) | (T::Unknown, T::Bytea) => (T::Bytea, T::Bytea),
            _ => (T::Text, T::Text),
        },
        BinaryOp::JsonGet | BinaryOp::JsonGetText => {
            let key = if matches!(r, T::Int2 | T::Int4 | T::Int8) { T::Int4 } else { T::Text };
            (known(l, &T::Jsonb), key)
        }
        BinaryOp::JsonPath | BinaryOp::JsonPathText => (known(l, &T::Jsonb), T::Array(Box::new(T::Text))),
        BinaryOp::JsonContains | BinaryOp::JsonContainedBy => (T::Jsonb, T::Jsonb),
        BinaryOp::JsonHasKey => (T::Jsonb, T::Text),
        _ => match (l, r) {
            (T::Unknown, T::Unknown) => (T::Numeric(None), T::Numeric(None)),
            (a, b) if a.is_numeric() && b.is_numeric() => {
                let c = super::coerce::common_type(a, b)?;
                (c.clone(), c)
            }
            (a, T::Unknown) if a.is_numeric() => (a.without_modifier(), a.without_modifier()),
            (T::Unknown, b) if b.is_numeric() => (b.without_modifier(), b.without_modifier()),
            (T::Timestamp | T::Timestamptz | T::Date | T::Time, T::Unknown) if op == BinaryOp::Add => (l.clone(), T::Interval),
            (T::Timestamp | T::Timestamptz | T::Time, T::Unknown) => (l.clone(), T::Interval),
            (T::Date, T::Unknown) => (T::Date, T::Int4),
            (a, b) => (known(a, b), known(b, a)),
        },
    })
}

/// Integer literals are int4, then int8, then numeric; decimals are numeric.
fn number_literal(n: &str) -> Result<Typed> {
    if let Ok(i) = n.parse::<i32>() {
        return Ok(Typed::new(Expr::Literal(Value::Int4(i)), DataType::Int4));
    }
    if let Ok(i) = n.parse::<i64>() {
        return Ok(Typed::new(Expr::Literal(Value::Int8(i)), DataType::Int8));
    }
    let d = Decimal::from_str(n)
        .or_else(|_| Decimal::from_scientific(n))
        .map_err(|_| Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("value out of range: \"{n}\"")))?;
    Ok(Typed::new(Expr::Literal(Value::Numeric(d)), DataType::Numeric(None)))
}

fn first_words(s: &str) -> String {
    s.chars().take(40).collect()
}
