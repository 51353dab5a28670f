//! Operators on values: arithmetic, concatenation, date/time arithmetic and the jsonb
//! operators, with PostgreSQL's result types and errors. Comparisons are not here: the binder
//! casts both sides to one type and the executor compares with `Value`'s `Ord`.
//!
//! [`binary_result_type`] resolves the operator like PostgreSQL's operator catalog (numeric
//! promotion int2 < int4 < int8 < numeric, floats win as float8 unless both are float4);
//! [`binary`] evaluates on values of those types, dispatching on the value variants.

use super::calendar::{add_months, USECS_PER_DAY, USECS_PER_SEC};
use super::datetime::{TS_INFINITY, TS_NEG_INFINITY};
use super::datetime_input::timestamp_in_range;
use super::jsonb_ops::{self, Step};
use super::text::format_value;
use super::{float, integer, interval, numeric, timezone, DataType, FormatOptions, Interval, Value};
use crate::error::{sqlstate, Error, Result};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// `||` on text (and arrays, jsonb).
    Concat,
    /// jsonb `->`
    JsonGet,
    /// jsonb `->>`
    JsonGetText,
    /// jsonb `#>`
    JsonPath,
    /// jsonb `#>>`
    JsonPathText,
    /// jsonb `@>`
    JsonContains,
    /// jsonb `<@`
    JsonContainedBy,
    /// jsonb `?`
    JsonHasKey,
}

impl BinaryOp {
    /// The operator as written in SQL.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Concat => "||",
            BinaryOp::JsonGet => "->",
            BinaryOp::JsonGetText => "->>",
            BinaryOp::JsonPath => "#>",
            BinaryOp::JsonPathText => "#>>",
            BinaryOp::JsonContains => "@>",
            BinaryOp::JsonContainedBy => "<@",
            BinaryOp::JsonHasKey => "?",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
}

/// The result type of `left op right` for argument types already resolved (unknown-typed
/// literals resolved by the binder first); 42883 `operator does not exist: integer + boolean`
/// when there is none.
pub fn binary_result_type(op: BinaryOp, left: &DataType, right: &DataType) -> Result<DataType> {
    let (l, r) = (left.without_modifier(), right.without_modifier());
    let found = match op {
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            arithmetic_type(op, &l, &r).or_else(|| datetime_type(op, &l, &r))
        }
        BinaryOp::Concat => concat_type(&l, &r),
        _ => json_type(op, &l, &r),
    };
    found.ok_or_else(|| {
        Error::new(sqlstate::UNDEFINED_FUNCTION, format!("operator does not exist: {left} {} {right}", op.symbol()))
            .with_hint("No operator matches the given name and argument types. You might need to add explicit type casts.")
    })
}

fn arithmetic_type(op: BinaryOp, l: &DataType, r: &DataType) -> Option<DataType> {
    let (a, b) = (l.numeric_rank()?, r.numeric_rank()?);
    let wider = if a >= b { l } else { r };
    match wider {
        DataType::Float4 | DataType::Float8 if op == BinaryOp::Mod => None,
        DataType::Float4 if l != r => Some(DataType::Float8),
        _ => Some(wider.clone()),
    }
}

fn datetime_type(op: BinaryOp, l: &DataType, r: &DataType) -> Option<DataType> {
    use DataType as T;
    let small_int = |t: &DataType| matches!(t, T::Int2 | T::Int4);
    Some(match (op, l, r) {
        (BinaryOp::Add, T::Date, t) | (BinaryOp::Add, t, T::Date) | (BinaryOp::Sub, T::Date, t) if small_int(t) => T::Date,
        (BinaryOp::Sub, T::Date, T::Date) => T::Int4,
        (BinaryOp::Add, T::Date, T::Time) | (BinaryOp::Add, T::Time, T::Date) => T::Timestamp,
        (BinaryOp::Add, T::Date | T::Timestamp, T::Interval) | (BinaryOp::Add, T::Interval, T::Date | T::Timestamp) => T::Timestamp,
        (BinaryOp::Sub, T::Date | T::Timestamp, T::Interval) => T::Timestamp,
        (BinaryOp::Add, T::Timestamptz, T::Interval) | (BinaryOp::Add, T::Interval, T::Timestamptz) => T::Timestamptz,
        (BinaryOp::Sub, T::Timestamptz, T::Interval) => T::Timestamptz,
        (BinaryOp::Add, T::Time, T::Interval) | (BinaryOp::Add, T::Interval, T::Time) | (BinaryOp::Sub, T::Time, T::Interval) => T::Time,
        (BinaryOp::Sub, T::Timestamp, T::Timestamp) | (BinaryOp::Sub, T::Timestamptz, T::Timestamptz) | (BinaryOp::Sub, T::Time, T::Time) => {
            T::Interval
        }
        (BinaryOp::Add | BinaryOp::Sub, T::Interval, T::Interval) => T::Interval,
        (BinaryOp::Mul, T::Interval, t) | (BinaryOp::Mul, t, T::Interval) | (BinaryOp::Div, T::Interval, t) if t.numeric_rank().is_some() => {
            T::Interval
        }
        _ => return None,
    })
}

fn concat_type(l: &DataType, r: &DataType) -> Option<DataType> {
    use DataType as T;
    match (l, r) {
        (T::Array(a), T::Array(b)) if a == b => Some(l.clone()),
        (T::Array(a), t) | (t, T::Array(a)) if a.without_modifier() == t.without_modifier() => Some(T::Array(a.clone())),
        (T::Array(_), _) | (_, T::Array(_)) => None,
        (T::Jsonb, T::Jsonb) => Some(T::Jsonb),
        (T::Bytea, T::Bytea) => Some(T::Bytea),
        _ if l.is_string() || r.is_string() || *l == T::Unknown || *r == T::Unknown => Some(T::Text),
        _ => None,
    }
}

fn json_type(op: BinaryOp, l: &DataType, r: &DataType) -> Option<DataType> {
    use DataType as T;
    if *l != T::Jsonb {
        return None;
    }
    let text_array = matches!(r, T::Array(e) if e.is_string());
    Some(match op {
        BinaryOp::JsonGet if r.is_string() || small_index(r) => T::Jsonb,
        BinaryOp::JsonGetText if r.is_string() || small_index(r) => T::Text,
        BinaryOp::JsonPath if text_array => T::Jsonb,
        BinaryOp::JsonPathText if text_array => T::Text,
        BinaryOp::JsonContains | BinaryOp::JsonContainedBy if *r == T::Jsonb => T::Bool,
        BinaryOp::JsonHasKey if r.is_string() => T::Bool,
        _ => return None,
    })
}

fn small_index(t: &DataType) -> bool {
    matches!(t, DataType::Int2 | DataType::Int4)
}

/// Evaluates `left op right` on non-null values of the argument types given to
/// [`binary_result_type`]. Overflow gives 22003 (`integer out of range`), division by zero 22012.
/// Uses UTC for timestamptz calendar arithmetic; see [`binary_with`] for a session zone.
pub fn binary(op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
    binary_with(op, left, right, &FormatOptions::default())
}

/// [`binary`] in a session: timestamptz +/- interval counts months and days in `opts.timezone`
/// and `||` prints timestamptz operands in it.
pub fn binary_with(op: BinaryOp, left: &Value, right: &Value, opts: &FormatOptions) -> Result<Value> {
    let no_op =
        || Error::new(sqlstate::UNDEFINED_FUNCTION, format!("operator does not exist: {} {} {}", value_type(left), op.symbol(), value_type(right)));
    match op {
        BinaryOp::Concat => concat(left, right, opts).ok_or_else(no_op),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => match (numeric_kind(left), numeric_kind(right)) {
            (Some(_), Some(_)) => arithmetic(op, left, right),
            _ => datetime_op(op, left, right, opts).unwrap_or_else(|| Err(no_op())),
        },
        _ => json_op(op, left, right).ok_or_else(no_op),
    }
}

/// The SQL type of a value's variant (unconstrained; arrays and NULL are `unknown`).
fn value_type(v: &Value) -> DataType {
    match v {
        Value::Bool(_) => DataType::Bool,
        Value::Int2(_) => DataType::Int2,
        Value::Int4(_) => DataType::Int4,
        Value::Int8(_) => DataType::Int8,
        Value::Float4(_) => DataType::Float4,
        Value::Float8(_) => DataType::Float8,
        Value::Numeric(_) => DataType::Numeric(None),
        Value::Text(_) => DataType::Text,
        Value::Uuid(_) => DataType::Uuid,
        Value::Date(_) => DataType::Date,
        Value::Time(_) => DataType::Time,
        Value::Timestamp(_) => DataType::Timestamp,
        Value::Timestamptz(_) => DataType::Timestamptz,
        Value::Interval(_) => DataType::Interval,
        Value::Json(_) => DataType::Json,
        Value::Jsonb(_) => DataType::Jsonb,
        Value::Bytea(_) => DataType::Bytea,
        Value::Enum(_, def) => DataType::Enum(def.clone()),
        Value::Array(_) | Value::Null => DataType::Unknown,
    }
}

fn numeric_kind(v: &Value) -> Option<DataType> {
    Some(value_type(v)).filter(DataType::is_numeric)
}

fn division_by_zero() -> Error {
    Error::new(sqlstate::DIVISION_BY_ZERO, "division by zero")
}

fn arithmetic(op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
    let (lt, rt) = (numeric_kind(left).unwrap_or(DataType::Int4), numeric_kind(right).unwrap_or(DataType::Int4));
    let ty = arithmetic_type(op, &lt, &rt)
        .ok_or_else(|| Error::new(sqlstate::UNDEFINED_FUNCTION, format!("operator does not exist: {lt} {} {rt}", op.symbol())))?;
    match ty {
        DataType::Float4 => float_op(op, as_f64(left), as_f64(right)).and_then(float::narrow_f32).map(Value::Float4),
        DataType::Float8 => float_op(op, as_f64(left), as_f64(right)).map(Value::Float8),
        DataType::Numeric(_) => numeric_op(op, &as_decimal(left), &as_decimal(right)).map(Value::Numeric),
        _ => int_op(op, left.as_i64().unwrap_or(0), right.as_i64().unwrap_or(0), &ty),
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Float4(f) => *f as f64,
        Value::Float8(f) => *f,
        Value::Numeric(d) => numeric::to_f64(d),
        other => other.as_i64().unwrap_or(0) as f64,
    }
}

fn as_decimal(v: &Value) -> Decimal {
    match v {
        Value::Numeric(d) => *d,
        other => Decimal::from(other.as_i64().unwrap_or(0)),
    }
}

fn int_op(op: BinaryOp, a: i64, b: i64, ty: &DataType) -> Result<Value> {
    if matches!(op, BinaryOp::Div | BinaryOp::Mod) && b == 0 {
        return Err(division_by_zero());
    }
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => a.checked_div(b),
        _ if b == -1 => Some(0),
        _ => a.checked_rem(b),
    };
    integer::narrow(r.ok_or_else(|| integer::out_of_range(ty))?, ty)
}

fn float_op(op: BinaryOp, a: f64, b: f64) -> Result<f64> {
    let r = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        _ if b == 0.0 => return Err(division_by_zero()),
        _ => a / b,
    };
    if r.is_infinite() && a.is_finite() && b.is_finite() {
        return Err(Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow"));
    }
    if r == 0.0 && a != 0.0 && op != BinaryOp::Add && op != BinaryOp::Sub && b.is_finite() {
        return Err(Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow"));
    }
    Ok(r)
}

fn numeric_op(op: BinaryOp, a: &Decimal, b: &Decimal) -> Result<Decimal> {
    match op {
        BinaryOp::Add => numeric::add(a, b, false),
        BinaryOp::Sub => numeric::add(a, b, true),
        BinaryOp::Mul => numeric::mul(a, b),
        BinaryOp::Div => numeric::div(a, b),
        _ if b.is_zero() => Err(division_by_zero()),
        _ => numeric::checked(a.checked_rem(*b)),
    }
}

/// Text for `||`: the output function, except bool, which concatenates as `true`/`false`.
fn concat_text(v: &Value, opts: &FormatOptions) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => s.clone(),
        other => format_value(other, &DataType::Unknown, opts),
    }
}

fn concat(left: &Value, right: &Value, opts: &FormatOptions) -> Option<Value> {
    Some(match (left, right) {
        (Value::Array(a), Value::Array(b)) => Value::Array([a.clone(), b.clone()].concat()),
        (Value::Array(a), v) => Value::Array([a.clone(), vec![v.clone()]].concat()),
        (v, Value::Array(b)) => Value::Array([vec![v.clone()], b.clone()].concat()),
        (Value::Jsonb(a), Value::Jsonb(b)) => Value::jsonb(jsonb_ops::concat(a, b)),
        (Value::Bytea(a), Value::Bytea(b)) => Value::Bytea([a.as_slice(), b.as_slice()].concat()),
        (Value::Text(_), _) | (_, Value::Text(_)) => Value::Text(concat_text(left, opts) + &concat_text(right, opts)),
        _ => return None,
    })
}

fn date_range() -> Error {
    Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, "date out of range")
}

fn ts_range() -> Error {
    Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, "timestamp out of range")
}

/// Date/time arithmetic; None when the operand variants have no such operator.
fn datetime_op(op: BinaryOp, l: &Value, r: &Value, opts: &FormatOptions) -> Option<Result<Value>> {
    use BinaryOp::{Add, Div, Mul, Sub};
    use Value as V;
    let neg = |iv: &Interval| interval::add(&Interval::default(), iv, true);
    Some(match (op, l, r) {
        (Add, V::Date(d), n @ (V::Int2(_) | V::Int4(_))) | (Add, n @ (V::Int2(_) | V::Int4(_)), V::Date(d)) => date_plus(*d, n.as_i64()?),
        (Sub, V::Date(d), n @ (V::Int2(_) | V::Int4(_))) => date_plus(*d, -n.as_i64()?),
        (Sub, V::Date(a), V::Date(b)) => Ok(V::Int4(a.wrapping_sub(*b))),
        (Add, V::Date(d), V::Time(t)) | (Add, V::Time(t), V::Date(d)) => Ok(V::Timestamp(*d as i64 * USECS_PER_DAY + t)),
        (Add, V::Date(d), V::Interval(iv)) | (Add, V::Interval(iv), V::Date(d)) => ts_plus(*d as i64 * USECS_PER_DAY, iv).map(V::Timestamp),
        (Sub, V::Date(d), V::Interval(iv)) => neg(iv).and_then(|n| ts_plus(*d as i64 * USECS_PER_DAY, &n)).map(V::Timestamp),
        (Add, V::Timestamp(t), V::Interval(iv)) | (Add, V::Interval(iv), V::Timestamp(t)) => ts_plus(*t, iv).map(V::Timestamp),
        (Sub, V::Timestamp(t), V::Interval(iv)) => neg(iv).and_then(|n| ts_plus(*t, &n)).map(V::Timestamp),
        (Add, V::Timestamptz(t), V::Interval(iv)) | (Add, V::Interval(iv), V::Timestamptz(t)) => tstz_plus(*t, iv, opts).map(V::Timestamptz),
        (Sub, V::Timestamptz(t), V::Interval(iv)) => neg(iv).and_then(|n| tstz_plus(*t, &n, opts)).map(V::Timestamptz),
        (Add, V::Time(t), V::Interval(iv)) | (Add, V::Interval(iv), V::Time(t)) => Ok(V::Time((t + iv.micros).rem_euclid(USECS_PER_DAY))),
        (Sub, V::Time(t), V::Interval(iv)) => Ok(V::Time((t - iv.micros).rem_euclid(USECS_PER_DAY))),
        (Sub, V::Time(a), V::Time(b)) => Ok(V::Interval(Interval { months: 0, days: 0, micros: a - b })),
        (Sub, V::Timestamp(a), V::Timestamp(b)) | (Sub, V::Timestamptz(a), V::Timestamptz(b)) => ts_diff(*a, *b),
        (Add, V::Interval(a), V::Interval(b)) => interval::add(a, b, false).map(V::Interval),
        (Sub, V::Interval(a), V::Interval(b)) => interval::add(a, b, true).map(V::Interval),
        (Mul, V::Interval(iv), n) | (Mul, n, V::Interval(iv)) if numeric_kind(n).is_some() => interval::mul(iv, as_f64(n)).map(V::Interval),
        (Div, V::Interval(_), n) if numeric_kind(n).is_some() && as_f64(n) == 0.0 => Err(division_by_zero()),
        (Div, V::Interval(iv), n) if numeric_kind(n).is_some() => interval::mul(iv, 1.0 / as_f64(n)).map(V::Interval),
        _ => return None,
    })
}

fn date_plus(d: i32, n: i64) -> Result<Value> {
    i32::try_from(d as i64 + n).map(Value::Date).map_err(|_| date_range())
}

/// timestamp + interval: months (clamping the day), then days, then time.
fn ts_plus(t: i64, iv: &Interval) -> Result<i64> {
    if t == TS_INFINITY || t == TS_NEG_INFINITY {
        return Ok(t);
    }
    let (day, time) = (t.div_euclid(USECS_PER_DAY), t.rem_euclid(USECS_PER_DAY));
    let day = add_months(day, iv.months as i64) + iv.days as i64;
    let sum = day.checked_mul(USECS_PER_DAY).and_then(|v| v.checked_add(time)).and_then(|v| v.checked_add(iv.micros));
    sum.filter(|&v| timestamp_in_range(v)).ok_or_else(ts_range)
}

/// timestamptz + interval: months and days move the local wall clock in the session zone,
/// then the time part is added to the instant, as PostgreSQL does across DST changes.
fn tstz_plus(t: i64, iv: &Interval, opts: &FormatOptions) -> Result<i64> {
    if t == TS_INFINITY || t == TS_NEG_INFINITY {
        return Ok(t);
    }
    let tz = opts.zone();
    let local = t + timezone::utc_offset(&tz, t) as i64 * USECS_PER_SEC;
    let moved = ts_plus(local, &Interval { micros: 0, ..*iv })?;
    let utc = moved - timezone::local_offset(&tz, moved) as i64 * USECS_PER_SEC;
    utc.checked_add(iv.micros).filter(|&v| timestamp_in_range(v)).ok_or_else(ts_range)
}

/// timestamp - timestamp: an interval of days and time (justify_hours), no months.
fn ts_diff(a: i64, b: i64) -> Result<Value> {
    let micros = a.checked_sub(b).ok_or_else(|| Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, "interval out of range"))?;
    let (mut days, mut time) = (micros / USECS_PER_DAY, micros % USECS_PER_DAY);
    if days > 0 && time < 0 {
        time += USECS_PER_DAY;
        days -= 1;
    } else if days < 0 && time > 0 {
        time -= USECS_PER_DAY;
        days += 1;
    }
    Ok(Value::Interval(Interval { months: 0, days: days as i32, micros: time }))
}

fn json_op(op: BinaryOp, left: &Value, right: &Value) -> Option<Value> {
    let Value::Jsonb(j) = left else { return None };
    let step = match right {
        Value::Text(k) => Some(Step::Key(k)),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => Some(Step::Index(right.as_i64()?)),
        _ => None,
    };
    let steps = match right {
        Value::Array(items) => Some(items.as_slice()),
        _ => None,
    };
    let jsonb = |found: Option<&serde_json::Value>| found.map_or(Value::Null, |v| Value::jsonb(v.clone()));
    Some(match (op, right) {
        (BinaryOp::JsonGet, _) => jsonb(jsonb_ops::get(j, &step?)),
        (BinaryOp::JsonGetText, _) => jsonb_ops::as_text(jsonb_ops::get(j, &step?)),
        (BinaryOp::JsonPath, _) => jsonb(jsonb_ops::path(j, steps?)),
        (BinaryOp::JsonPathText, _) => jsonb_ops::as_text(jsonb_ops::path(j, steps?)),
        (BinaryOp::JsonContains, Value::Jsonb(r)) => Value::Bool(jsonb_ops::contains(j, r)),
        (BinaryOp::JsonContainedBy, Value::Jsonb(r)) => Value::Bool(jsonb_ops::contains(r, j)),
        (BinaryOp::JsonHasKey, Value::Text(k)) => Value::Bool(jsonb_ops::has_key(j, k)),
        _ => return None,
    })
}

/// Evaluates a unary operator on a non-null value.
pub fn unary(op: UnaryOp, value: &Value) -> Result<Value> {
    let UnaryOp::Neg = op;
    let overflow = |ty: DataType| integer::out_of_range(&ty);
    Ok(match value {
        Value::Int2(v) => Value::Int2(v.checked_neg().ok_or_else(|| overflow(DataType::Int2))?),
        Value::Int4(v) => Value::Int4(v.checked_neg().ok_or_else(|| overflow(DataType::Int4))?),
        Value::Int8(v) => Value::Int8(v.checked_neg().ok_or_else(|| overflow(DataType::Int8))?),
        Value::Float4(v) => Value::Float4(-v),
        Value::Float8(v) => Value::Float8(-v),
        Value::Numeric(d) => Value::Numeric(if d.is_zero() { *d } else { -*d }),
        Value::Interval(iv) => Value::Interval(interval::add(&Interval::default(), iv, true)?),
        other => return Err(Error::new(sqlstate::UNDEFINED_FUNCTION, format!("operator does not exist: - {}", value_type(other)))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::text::parse_value;

    fn t(s: &str) -> DataType {
        DataType::parse(s).unwrap()
    }

    /// Parses both operands, checks the result type and prints the result.
    fn eval(op: BinaryOp, l: &str, lt: &str, r: &str, rt: &str) -> Result<String> {
        let opts = FormatOptions::default();
        let ty = binary_result_type(op, &t(lt), &t(rt))?;
        let v = binary(op, &parse_value(l, &t(lt), &opts)?, &parse_value(r, &t(rt), &opts)?)?;
        Ok(format_value(&v, &ty, &opts))
    }

    #[test]
    fn result_types_follow_postgres() {
        assert_eq!(binary_result_type(BinaryOp::Add, &t("int2"), &t("int2")).unwrap(), t("int2"));
        assert_eq!(binary_result_type(BinaryOp::Add, &t("int4"), &t("int8")).unwrap(), t("int8"));
        assert_eq!(binary_result_type(BinaryOp::Add, &t("int4"), &t("float4")).unwrap(), t("float8"));
        assert_eq!(binary_result_type(BinaryOp::Add, &t("numeric(5,2)"), &t("int4")).unwrap(), t("numeric"));
        assert_eq!(binary_result_type(BinaryOp::Sub, &t("date"), &t("date")).unwrap(), t("int4"));
        assert_eq!(binary_result_type(BinaryOp::Add, &t("date"), &t("interval")).unwrap(), t("timestamp"));
        assert_eq!(binary_result_type(BinaryOp::Concat, &t("text"), &t("int4")).unwrap(), t("text"));
        assert_eq!(binary_result_type(BinaryOp::JsonGetText, &t("jsonb"), &t("int4")).unwrap(), t("text"));
        let e = binary_result_type(BinaryOp::Add, &t("int4"), &t("bool")).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("42883", "operator does not exist: integer + boolean"));
        assert!(binary_result_type(BinaryOp::Mod, &t("float8"), &t("float8")).is_err());
    }

    #[test]
    fn arithmetic_matches_postgres() {
        use BinaryOp::*;
        assert_eq!(eval(Div, "-7", "int4", "2", "int4").unwrap(), "-3");
        assert_eq!(eval(Mod, "-7", "int4", "2", "int4").unwrap(), "-1");
        assert_eq!(eval(Mul, "2", "int2", "2", "int2").unwrap(), "4");
        assert_eq!(eval(Add, "2147483647", "int4", "1", "int4").unwrap_err().message, "integer out of range");
        assert_eq!(eval(Mul, "200", "int2", "200", "int2").unwrap_err().message, "smallint out of range");
        assert_eq!(eval(Mul, "9223372036854775807", "int8", "2", "int8").unwrap_err().message, "bigint out of range");
        assert_eq!(eval(Mod, "-9223372036854775808", "int8", "-1", "int8").unwrap(), "0");
        let e = eval(Div, "1", "int4", "0", "int4").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22012", "division by zero"));
        assert_eq!(eval(Div, "1", "numeric", "3", "int4").unwrap(), "0.33333333333333333333");
        assert_eq!(eval(Mul, "1.50", "numeric", "2.0", "numeric").unwrap(), "3.000");
        assert_eq!(eval(Mod, "7.5", "numeric", "2", "numeric").unwrap(), "1.5");
        assert_eq!(eval(Add, "1", "int4", "1.5", "float4").unwrap(), "2.5");
        assert_eq!(eval(Div, "5", "float4", "2", "float4").unwrap(), "2.5");
        assert_eq!(eval(Mul, "3e38", "float4", "10", "float4").unwrap_err().message, "value out of range: overflow");
        assert_eq!(eval(Div, "1", "float8", "0", "float8").unwrap_err().code, "22012");
        assert_eq!(eval(Mul, "1e300", "float8", "1e300", "float8").unwrap_err().code, "22003");
    }

    #[test]
    fn datetime_arithmetic_matches_postgres() {
        use BinaryOp::*;
        assert_eq!(eval(Sub, "2024-01-03", "timestamp", "2024-01-01 12:00", "timestamp").unwrap(), "1 day 12:00:00");
        assert_eq!(eval(Sub, "2024-01-01", "timestamp", "2024-01-03 12:00", "timestamp").unwrap(), "-2 days -12:00:00");
        assert_eq!(eval(Mul, "1 mon 1 day", "interval", "1.5", "float8").unwrap(), "1 mon 16 days 12:00:00");
        assert_eq!(eval(Div, "1 day", "interval", "3", "int4").unwrap(), "08:00:00");
        assert_eq!(eval(Add, "2024-01-31", "date", "1 month", "interval").unwrap(), "2024-02-29 00:00:00");
        assert_eq!(eval(Sub, "2024-03-01", "date", "2024-02-01", "date").unwrap(), "29");
        assert_eq!(eval(Add, "2024-02-28", "date", "2", "int4").unwrap(), "2024-03-01");
        assert_eq!(eval(Add, "1 day", "interval", "-2 hours", "interval").unwrap(), "1 day -02:00:00");
        assert_eq!(eval(Add, "23:00", "time", "2 hours", "interval").unwrap(), "01:00:00");
        let ny = FormatOptions { timezone: "America/New_York".into(), ..FormatOptions::default() };
        let start = parse_value("2024-03-09 12:00", &t("timestamptz"), &ny).unwrap();
        let day = parse_value("1 day", &t("interval"), &ny).unwrap();
        let v = binary_with(Add, &start, &day, &ny).unwrap();
        assert_eq!(format_value(&v, &t("timestamptz"), &ny), "2024-03-10 12:00:00-04");
    }

    #[test]
    fn concat_and_jsonb_match_postgres() {
        use BinaryOp::*;
        assert_eq!(eval(Concat, "a", "text", "true", "bool").unwrap(), "atrue");
        assert_eq!(eval(Concat, "n=", "text", "42", "int4").unwrap(), "n=42");
        assert_eq!(eval(Concat, "{1,2}", "int4[]", "{3}", "int4[]").unwrap(), "{1,2,3}");
        assert_eq!(eval(Concat, "{\"a\":1}", "jsonb", "{\"b\":2}", "jsonb").unwrap(), "{\"a\": 1, \"b\": 2}");
        assert_eq!(eval(JsonGet, "[1,2,3]", "jsonb", "-1", "int4").unwrap(), "3");
        assert_eq!(eval(JsonGetText, "{\"a\":\"x\"}", "jsonb", "a", "text").unwrap(), "x");
        assert_eq!(eval(JsonPath, "{\"a\":[1,{\"b\":2}]}", "jsonb", "{a,1}", "text[]").unwrap(), "{\"b\": 2}");
        assert_eq!(eval(JsonPathText, "{\"a\":[1,{\"b\":2}]}", "jsonb", "{a,1,b}", "text[]").unwrap(), "2");
        assert_eq!(eval(JsonContains, "{\"a\":[1,2,3]}", "jsonb", "{\"a\":[3]}", "jsonb").unwrap(), "t");
        assert_eq!(eval(JsonContainedBy, "{\"a\":[1,2,3]}", "jsonb", "{\"a\":[3]}", "jsonb").unwrap(), "f");
        assert_eq!(eval(JsonHasKey, "[\"a\",\"b\"]", "jsonb", "a", "text").unwrap(), "t");
        let missing = binary(JsonGet, &Value::jsonb(serde_json::json!({"a": 1})), &Value::Text("z".into())).unwrap();
        assert!(missing.is_null());
    }

    #[test]
    fn negation() {
        assert_eq!(unary(UnaryOp::Neg, &Value::Int4(5)).unwrap(), Value::Int4(-5));
        assert_eq!(unary(UnaryOp::Neg, &Value::Int2(i16::MIN)).unwrap_err().message, "smallint out of range");
        assert_eq!(unary(UnaryOp::Neg, &Value::Bool(true)).unwrap_err().code, "42883");
    }
}
