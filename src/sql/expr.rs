//! Bound expressions and their evaluation with PostgreSQL semantics.
//!
//! The binder resolves names to row positions and settles every type, inserting explicit
//! [`Expr::Cast`] nodes where PostgreSQL applies implicit casts, so evaluation never guesses:
//! comparisons compare two values of one type with `Value`'s `Ord` (C collation for text),
//! operators go to `types::ops`, NULL propagates with three-valued logic.

use super::catalog_functions::CatalogFn;
use super::functions::Func;
use super::like::like_match;
use super::regex::regex_match;
use crate::error::{sqlstate, Error, Result};
use crate::types::cast::{self, CastKind};
use crate::types::ops::{self, BinaryOp, UnaryOp};
use crate::types::{DataType, FormatOptions, Value};
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl CmpOp {
    fn test(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::NotEq => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::LtEq => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::GtEq => ord != Ordering::Less,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "<>",
            CmpOp::Lt => "<",
            CmpOp::LtEq => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtEq => ">=",
        }
    }
}

/// A typed expression over one input row.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Value),
    /// The value at this position of the input row.
    Column(usize),
    /// `$n` (0-based here).
    Param(usize),
    /// The value of the statement's `index`-th subquery (a scalar, EXISTS's boolean, or IN's
    /// list as an array). `args` are the outer values a correlated subquery refers to,
    /// evaluated against the current row (empty when uncorrelated).
    Subquery {
        index: usize,
        args: Vec<Expr>,
    },
    /// Inside a correlated subquery: the `i`-th value its outer query passed in.
    Outer(usize),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Compare {
        op: CmpOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// IS [NOT] TRUE/FALSE: `IsBool { value: true, negated: false }` is IS TRUE.
    IsBool {
        expr: Box<Expr>,
        value: bool,
        negated: bool,
    },
    IsDistinct {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `x op ANY (array)` / `x op ALL (array)`.
    AnyAll {
        op: CmpOp,
        left: Box<Expr>,
        array: Box<Expr>,
        all: bool,
    },
    /// `ARRAY[a, b, ...]`.
    Array(Vec<Expr>),
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<Box<Expr>>,
        case_insensitive: bool,
        negated: bool,
    },
    /// `~`, `~*`, `!~`, `!~*`: a POSIX regular expression search (see `sql::regex`).
    Regex {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        case_insensitive: bool,
        negated: bool,
    },
    Cast {
        expr: Box<Expr>,
        from: DataType,
        to: DataType,
        kind: CastKind,
    },
    Case {
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    Call {
        func: Func,
        args: Vec<Expr>,
    },
}

/// What evaluation needs besides the row: parameters, the statement's runtime and session facts.
pub struct EvalCtx<'a> {
    pub params: &'a [Value],
    pub runtime: &'a dyn Runtime,
    /// The outer values of the correlated subquery being evaluated (see [`Expr::Outer`]).
    pub outer: &'a [Value],
    pub opts: &'a FormatOptions,
    pub env: &'a Env,
}

/// What evaluation asks of the running statement besides the row: subquery values (the
/// executor runs them, per outer row when correlated) and the functions that read the catalog
/// or the session's settings (`regclass`, `pg_get_indexdef`, `current_setting`, ...).
pub trait Runtime {
    /// The value of subquery `index` for these outer values (empty when uncorrelated).
    fn subquery(&self, index: usize, outer: &[Value]) -> Result<Value>;
    /// A call of a catalog-reading function on non-null arguments.
    fn catalog_call(&self, func: CatalogFn, args: &[Value]) -> Result<Value>;
}

/// A write statement's runtime: the values of its uncorrelated subqueries, computed before
/// its first write.
impl Runtime for Vec<Value> {
    fn subquery(&self, index: usize, outer: &[Value]) -> Result<Value> {
        if !outer.is_empty() {
            return Err(Error::unsupported("correlated subquery here"));
        }
        self.get(index).cloned().ok_or_else(|| Error::internal(format!("subquery {index} not evaluated")))
    }

    fn catalog_call(&self, func: CatalogFn, _: &[Value]) -> Result<Value> {
        Err(Error::unsupported(format!("{}() in INSERT, UPDATE and DELETE", func.name())))
    }
}

/// Session facts functions read: the statement's start time, user, database, backend pid.
#[derive(Debug, Clone)]
pub struct Env {
    /// Transaction start, microseconds since 2000-01-01 UTC (now() and current_timestamp).
    pub now: i64,
    pub user: Arc<str>,
    pub database: Arc<str>,
    pub schema: Arc<str>,
    pub pid: i32,
}

impl Expr {
    pub fn boxed(self) -> Box<Expr> {
        Box::new(self)
    }

    /// The value of an operand, borrowed when it is a column, literal or parameter (a filter
    /// compares millions of them without copying a string each time).
    fn operand<'v>(&'v self, row: &'v [Value], ctx: &'v EvalCtx) -> Result<std::borrow::Cow<'v, Value>> {
        use std::borrow::Cow;
        match self {
            Expr::Literal(v) => Ok(Cow::Borrowed(v)),
            Expr::Column(i) => Ok(Cow::Borrowed(&row[*i])),
            Expr::Param(i) => ctx.params.get(*i).map(Cow::Borrowed).ok_or_else(|| missing_param(*i)),
            other => other.eval(row, ctx).map(Cow::Owned),
        }
    }

    /// Evaluates against `row`.
    pub fn eval(&self, row: &[Value], ctx: &EvalCtx) -> Result<Value> {
        match self {
            Expr::Literal(_) | Expr::Column(_) | Expr::Param(_) => self.operand(row, ctx).map(std::borrow::Cow::into_owned),
            Expr::Subquery { index, args } => {
                let outer = args.iter().map(|a| a.eval(row, ctx)).collect::<Result<Vec<_>>>()?;
                ctx.runtime.subquery(*index, &outer)
            }
            Expr::Outer(i) => ctx.outer.get(*i).cloned().ok_or_else(|| Error::internal(format!("outer value {i} not passed"))),
            Expr::Binary { op, left, right } => strict2(left.eval(row, ctx)?, right.eval(row, ctx)?, |l, r| ops::binary(*op, &l, &r)),
            Expr::Unary { op, expr } => strict1(expr.eval(row, ctx)?, |v| ops::unary(*op, &v)),
            Expr::Compare { op, left, right } => {
                let (l, r) = (left.operand(row, ctx)?, right.operand(row, ctx)?);
                Ok(if l.is_null() || r.is_null() { Value::Null } else { Value::Bool(op.test(l.cmp(&r))) })
            }
            Expr::And(l, r) => eval_and(l, r, row, ctx),
            Expr::Or(l, r) => eval_or(l, r, row, ctx),
            Expr::Not(e) => strict1(e.eval(row, ctx)?, |v| Ok(Value::Bool(!truth(&v)))),
            Expr::IsNull { expr, negated } => Ok(Value::Bool(expr.eval(row, ctx)?.is_null() != *negated)),
            Expr::IsBool { expr, value, negated } => {
                let v = expr.eval(row, ctx)?;
                Ok(Value::Bool((!v.is_null() && truth(&v) == *value) != *negated))
            }
            Expr::IsDistinct { left, right, negated } => {
                let (l, r) = (left.eval(row, ctx)?, right.eval(row, ctx)?);
                Ok(Value::Bool((l != r) != *negated))
            }
            Expr::InList { expr, list, negated } => eval_in(expr, list, *negated, row, ctx),
            Expr::AnyAll { op, left, array, all } => eval_any_all(*op, left.eval(row, ctx)?, array.eval(row, ctx)?, *all),
            Expr::Array(items) => Ok(Value::Array(items.iter().map(|e| e.eval(row, ctx)).collect::<Result<_>>()?)),
            Expr::Like { expr, pattern, escape, case_insensitive, negated } => {
                let esc = match escape {
                    Some(e) => Some(e.eval(row, ctx)?),
                    None => Some(Value::Text("\\".into())),
                };
                let (v, p) = (expr.eval(row, ctx)?, pattern.eval(row, ctx)?);
                if v.is_null() || p.is_null() || esc.as_ref().is_some_and(Value::is_null) {
                    return Ok(Value::Null);
                }
                let matched = like_match(text(&v), text(&p), esc.as_ref().map(text), *case_insensitive)?;
                Ok(Value::Bool(matched != *negated))
            }
            Expr::Regex { expr, pattern, case_insensitive, negated } => strict2(expr.eval(row, ctx)?, pattern.eval(row, ctx)?, |v, p| {
                Ok(Value::Bool(regex_match(text(&v), text(&p), *case_insensitive)? != *negated))
            }),
            Expr::Cast { expr, from, to, kind } => cast::cast(expr.eval(row, ctx)?, from, to, *kind, ctx.opts),
            Expr::Case { whens, otherwise } => eval_case(whens, otherwise.as_deref(), row, ctx),
            Expr::Call { func, args } => func.call(args, row, ctx),
        }
    }

    /// Visits this expression and every sub-expression.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        let mut each = |e: &Expr| e.walk(f);
        match self {
            Expr::Literal(_) | Expr::Column(_) | Expr::Param(_) | Expr::Outer(_) => {}
            Expr::Binary { left, right, .. }
            | Expr::Compare { left, right, .. }
            | Expr::IsDistinct { left, right, .. }
            | Expr::AnyAll { left, array: right, .. }
            | Expr::Regex { expr: left, pattern: right, .. } => {
                each(left);
                each(right)
            }
            Expr::And(l, r) | Expr::Or(l, r) => {
                each(l);
                each(r)
            }
            Expr::Unary { expr, .. } | Expr::Not(expr) | Expr::IsNull { expr, .. } | Expr::IsBool { expr, .. } | Expr::Cast { expr, .. } => {
                each(expr)
            }
            Expr::InList { expr, list, .. } => {
                each(expr);
                list.iter().for_each(each)
            }
            Expr::Like { expr, pattern, escape, .. } => {
                each(expr);
                each(pattern);
                escape.iter().for_each(|e| each(e))
            }
            Expr::Case { whens, otherwise } => {
                whens.iter().for_each(|(c, r)| {
                    each(c);
                    each(r)
                });
                otherwise.iter().for_each(|e| each(e))
            }
            Expr::Call { args, .. } | Expr::Array(args) | Expr::Subquery { args, .. } => args.iter().for_each(each),
        }
    }
}

/// SQL truth of a non-null boolean.
pub fn truth(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// The string inside a text value (callers have checked the type).
pub fn text(v: &Value) -> &str {
    match v {
        Value::Text(s) | Value::Json(s) => s,
        _ => "",
    }
}

fn missing_param(i: usize) -> Error {
    Error::new(sqlstate::UNDEFINED_PARAMETER, format!("there is no parameter ${}", i + 1))
}

fn strict1(v: Value, f: impl FnOnce(Value) -> Result<Value>) -> Result<Value> {
    if v.is_null() {
        Ok(Value::Null)
    } else {
        f(v)
    }
}

fn strict2(l: Value, r: Value, f: impl FnOnce(Value, Value) -> Result<Value>) -> Result<Value> {
    if l.is_null() || r.is_null() {
        Ok(Value::Null)
    } else {
        f(l, r)
    }
}

fn eval_and(l: &Expr, r: &Expr, row: &[Value], ctx: &EvalCtx) -> Result<Value> {
    let a = l.eval(row, ctx)?;
    if matches!(a, Value::Bool(false)) {
        return Ok(a);
    }
    let b = r.eval(row, ctx)?;
    Ok(match (a, b) {
        (_, Value::Bool(false)) => Value::Bool(false),
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        _ => Value::Bool(true),
    })
}

fn eval_or(l: &Expr, r: &Expr, row: &[Value], ctx: &EvalCtx) -> Result<Value> {
    let a = l.eval(row, ctx)?;
    if matches!(a, Value::Bool(true)) {
        return Ok(a);
    }
    let b = r.eval(row, ctx)?;
    Ok(match (a, b) {
        (_, Value::Bool(true)) => Value::Bool(true),
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        _ => Value::Bool(false),
    })
}

fn eval_in(expr: &Expr, list: &[Expr], negated: bool, row: &[Value], ctx: &EvalCtx) -> Result<Value> {
    let v = expr.eval(row, ctx)?;
    if v.is_null() {
        return Ok(Value::Null);
    }
    let mut saw_null = false;
    for item in list {
        let x = item.eval(row, ctx)?;
        if x.is_null() {
            saw_null = true;
        } else if x == v {
            return Ok(Value::Bool(!negated));
        }
    }
    Ok(if saw_null { Value::Null } else { Value::Bool(negated) })
}

/// ANY: true if some element matches, else NULL if some comparison was unknown, else false.
/// ALL: false if some element fails, else NULL if some was unknown, else true.
fn eval_any_all(op: CmpOp, left: Value, array: Value, all: bool) -> Result<Value> {
    let Value::Array(items) = array else { return Ok(Value::Null) };
    if left.is_null() {
        return Ok(if items.is_empty() { Value::Bool(all) } else { Value::Null });
    }
    let mut unknown = false;
    for item in &items {
        if item.is_null() {
            unknown = true;
        } else if op.test(left.cmp(item)) != all {
            return Ok(Value::Bool(!all));
        }
    }
    Ok(if unknown { Value::Null } else { Value::Bool(all) })
}

fn eval_case(whens: &[(Expr, Expr)], otherwise: Option<&Expr>, row: &[Value], ctx: &EvalCtx) -> Result<Value> {
    for (cond, result) in whens {
        if truth(&cond.eval(row, ctx)?) {
            return result.eval(row, ctx);
        }
    }
    otherwise.map_or(Ok(Value::Null), |e| e.eval(row, ctx))
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(v) => write!(f, "{v:?}"),
            Expr::Column(i) => write!(f, "#{i}"),
            Expr::Param(i) => write!(f, "${}", i + 1),
            Expr::Subquery { index, args } => write!(f, "(subquery {index}{})", args.iter().map(|a| format!(" {a}")).collect::<String>()),
            Expr::Outer(i) => write!(f, "outer#{i}"),
            Expr::Binary { op, left, right } => write!(f, "({left} {op:?} {right})"),
            Expr::Unary { expr, .. } => write!(f, "(-{expr})"),
            Expr::Compare { op, left, right } => write!(f, "({left} {} {right})", op.symbol()),
            Expr::And(l, r) => write!(f, "({l} AND {r})"),
            Expr::Or(l, r) => write!(f, "({l} OR {r})"),
            Expr::Not(e) => write!(f, "(NOT {e})"),
            Expr::Cast { expr, to, .. } => write!(f, "{expr}::{to}"),
            Expr::Call { func, args } => {
                let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                write!(f, "{}({})", func.name(), args.join(", "))
            }
            other => write!(f, "{}", format!("{other:?}").split_whitespace().next().unwrap_or("?")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_eval(e: &Expr) -> Value {
        let env = Env { now: 0, user: "u".into(), database: "d".into(), schema: "public".into(), pid: 1 };
        let opts = FormatOptions::default();
        e.eval(&[Value::Null, Value::Int4(3)], &EvalCtx { params: &[], runtime: &Vec::new(), outer: &[], opts: &opts, env: &env }).unwrap()
    }

    #[test]
    fn three_valued_logic() {
        let null = || Expr::Column(0).boxed();
        let f = || Expr::Literal(Value::Bool(false)).boxed();
        let t = || Expr::Literal(Value::Bool(true)).boxed();
        assert_eq!(ctx_eval(&Expr::And(null(), f())), Value::Bool(false));
        assert!(ctx_eval(&Expr::And(null(), t())).is_null());
        assert_eq!(ctx_eval(&Expr::Or(null(), t())), Value::Bool(true));
        assert!(ctx_eval(&Expr::Not(null())).is_null());
    }

    #[test]
    fn in_list_with_null_is_unknown_when_no_match() {
        let e = |v: i32, negated| Expr::InList { expr: Expr::Literal(Value::Int4(v)).boxed(), list: vec![Expr::Column(1), Expr::Column(0)], negated };
        assert_eq!(ctx_eval(&e(3, false)), Value::Bool(true));
        assert!(ctx_eval(&e(4, false)).is_null());
        assert!(ctx_eval(&e(4, true)).is_null());
        assert_eq!(ctx_eval(&e(3, true)), Value::Bool(false));
    }

    #[test]
    fn is_distinct_treats_nulls_as_equal() {
        let e = Expr::IsDistinct { left: Expr::Column(0).boxed(), right: Expr::Literal(Value::Null).boxed(), negated: false };
        assert_eq!(ctx_eval(&e), Value::Bool(false));
    }
}
