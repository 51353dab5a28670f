//! Casts between types, as PostgreSQL's explicit (`CAST`, `::`) and assignment casts behave.
//!
//! [`cast`] converts the value between base types (numbers with PostgreSQL's rounding and
//! range errors, date/time through the session zone, text through the input and output
//! functions, arrays element by element) and then applies the target's modifier
//! (varchar(n)/char(n) length, numeric(p,s)). [`can_cast`] mirrors pg_cast's contexts.

use super::calendar::{USECS_PER_DAY, USECS_PER_SEC};
use super::datetime::{DATE_INFINITY, DATE_NEG_INFINITY, TS_INFINITY, TS_NEG_INFINITY};
use super::text::{format_value, parse_value};
use super::{float, integer, jsonb, numeric, strings, timezone, DataType, FormatOptions, Interval, Value};
use crate::error::{sqlstate, Error, Result};
use rust_decimal::Decimal;

/// Whether an assignment or an explicit cast: they differ for varchar(n)/char(n) (explicit
/// truncates silently, assignment raises 22001 `value too long for type character varying(n)`)
/// and for which casts are allowed at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastKind {
    Explicit,
    Assignment,
    Implicit,
}

impl CastKind {
    /// Implicit < Assignment < Explicit: a cast allowed in a context is allowed in wider ones.
    fn rank(self) -> u8 {
        match self {
            CastKind::Implicit => 0,
            CastKind::Assignment => 1,
            CastKind::Explicit => 2,
        }
    }
}

/// Converts `value` (of type `from`) to `to`. NULL stays NULL. Errors as PostgreSQL: 22P02 for
/// bad text input, 22003 for out-of-range numbers, 42846 `cannot cast type x to y` when no cast exists.
pub fn cast(value: Value, from: &DataType, to: &DataType, kind: CastKind, opts: &FormatOptions) -> Result<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let converted = convert(value, &from.without_modifier(), &to.without_modifier(), opts)?;
    apply_modifier(converted, to, kind == CastKind::Explicit)
}

fn apply_modifier(value: Value, to: &DataType, explicit: bool) -> Result<Value> {
    Ok(match (value, to) {
        (Value::Text(s), DataType::Varchar(Some(_)) | DataType::Char(Some(_)) | DataType::Name) => Value::Text(strings::fit_length(s, to, explicit)?),
        (Value::Numeric(d), DataType::Numeric(Some((p, s)))) => Value::Numeric(numeric::apply_typmod(d, *p, *s)?),
        (Value::Array(items), DataType::Array(elem)) => {
            Value::Array(items.into_iter().map(|v| if v.is_null() { Ok(v) } else { apply_modifier(v, elem, explicit) }).collect::<Result<_>>()?)
        }
        (v, _) => v,
    })
}

fn no_cast(from: &DataType, to: &DataType) -> Error {
    Error::new("42846", format!("cannot cast type {from} to {to}"))
}

/// Conversion between base types (no modifiers).
fn convert(value: Value, from: &DataType, to: &DataType, opts: &FormatOptions) -> Result<Value> {
    use DataType as T;
    if from == to {
        return Ok(value);
    }
    if from.is_reg() || (to.is_reg() && !from.is_string()) {
        let (from, to) = (if from.is_reg() { &T::Oid } else { from }, if to.is_reg() { &T::Oid } else { to });
        return convert(value, from, to, opts);
    }
    match (from, to) {
        (T::Unknown, _) => match value {
            Value::Text(s) => parse_value(&s, to, opts),
            v => Ok(v),
        },
        (T::Char(_), _) if to.is_string() => Ok(Value::Text(text_of(&value).trim_end_matches(' ').to_string())),
        (_, _) if to.is_string() => Ok(Value::Text(to_text(&value, from, opts))),
        (_, _) if from.is_string() => parse_value(&text_of(&value), to, opts),
        (T::Int4, T::Bool) => Ok(Value::Bool(value.as_i64() != Some(0))),
        (T::Bool, T::Int4) => Ok(Value::Int4(matches!(value, Value::Bool(true)) as i32)),
        (T::Oid, T::Int4) => Ok(Value::Int4(value.as_i64().unwrap_or(0) as u32 as i32)),
        (T::Int2 | T::Int4, T::Oid) => Ok(Value::Int8(value.as_i64().unwrap_or(0).rem_euclid(1 << 32))),
        (T::Int8, T::Oid) => match value.as_i64() {
            Some(v) if (0..=u32::MAX as i64).contains(&v) => Ok(Value::Int8(v)),
            _ => Err(oid_range()),
        },
        (T::Oid, T::Int8) => Ok(value),
        (T::Jsonb, T::Json) => Ok(Value::Json(match &value {
            Value::Jsonb(j) => jsonb::to_text(j),
            other => text_of(other),
        })),
        (T::Json, T::Jsonb) => parse_value(&text_of(&value), to, opts),
        (T::Jsonb, _) => from_jsonb(value, to, opts),
        (T::Array(a), T::Array(b)) => match value {
            Value::Array(items) => items.into_iter().map(|v| cast(v, a, b, CastKind::Explicit, opts)).collect::<Result<_>>().map(Value::Array),
            v => Ok(v),
        },
        _ if from.is_numeric() && to.is_numeric() => convert_number(value, to),
        _ => convert_datetime(value, to, opts).ok_or_else(|| no_cast(from, to))?,
    }
}

fn oid_range() -> Error {
    Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "OID out of range")
}

/// The text of a string-typed value.
fn text_of(value: &Value) -> String {
    match value {
        Value::Text(s) | Value::Json(s) => s.clone(),
        other => format_value(other, &DataType::Text, &FormatOptions::default()),
    }
}

/// A value as text for a cast to a string type: the output function, except bool, which
/// casts to `true`/`false`.
fn to_text(value: &Value, from: &DataType, opts: &FormatOptions) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        v => format_value(v, from, opts),
    }
}

/// Numeric conversions with PostgreSQL's rounding: floats round half to even (rint),
/// numeric rounds half away from zero, and floats become numeric through `%.15g`/`%.6g`.
fn convert_number(value: Value, to: &DataType) -> Result<Value> {
    match (value, to) {
        (Value::Float4(f), DataType::Float8) => Ok(Value::Float8(f as f64)),
        (Value::Float8(f), DataType::Float4) => float::narrow_f32(f).map(Value::Float4),
        (Value::Float4(f), _) => float_to(f as f64, 6, to),
        (Value::Float8(f), _) => float_to(f, 15, to),
        (Value::Numeric(d), _) => numeric_to(&d, to),
        (v, _) => int_to(v.as_i64().unwrap_or(0), to),
    }
}

fn int_to(i: i64, to: &DataType) -> Result<Value> {
    match to {
        DataType::Float4 => Ok(Value::Float4(i as f32)),
        DataType::Float8 => Ok(Value::Float8(i as f64)),
        DataType::Numeric(_) => Ok(Value::Numeric(Decimal::from(i))),
        _ => integer::narrow(i, to),
    }
}

fn float_to(f: f64, digits: i32, to: &DataType) -> Result<Value> {
    match to {
        DataType::Numeric(_) => numeric::from_float(f, digits).map(Value::Numeric),
        _ => {
            let r = f.round_ties_even();
            // i64::MIN as f64 is exact; i64::MAX as f64 rounds up to 2^63, just out of range.
            if !(i64::MIN as f64..i64::MAX as f64).contains(&r) {
                return Err(integer::out_of_range(to));
            }
            integer::narrow(r as i64, to)
        }
    }
}

fn numeric_to(d: &Decimal, to: &DataType) -> Result<Value> {
    match to {
        DataType::Float8 => Ok(Value::Float8(numeric::to_f64(d))),
        DataType::Float4 => Ok(Value::Float4(d.to_string().parse().unwrap_or(f32::NAN))),
        DataType::Numeric(_) => Ok(Value::Numeric(*d)),
        _ => numeric::to_i64(d).ok_or_else(|| integer::out_of_range(to)).and_then(|i| integer::narrow(i, to)),
    }
}

/// jsonb -> bool/number casts: the scalar must be of the matching JSON kind (22023 otherwise).
fn from_jsonb(value: Value, to: &DataType, opts: &FormatOptions) -> Result<Value> {
    let Value::Jsonb(j) = value else { return Err(no_cast(&DataType::Jsonb, to)) };
    let j = *j;
    let kind = match &j {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "numeric",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    };
    match (&j, to) {
        (serde_json::Value::Bool(b), DataType::Bool) => Ok(Value::Bool(*b)),
        (serde_json::Value::Number(n), DataType::Float4 | DataType::Float8) => {
            convert(Value::Float8(n.as_f64().unwrap_or(f64::NAN)), &DataType::Float8, to, opts)
        }
        (serde_json::Value::Number(_), _) if to.is_numeric() => {
            let d = numeric::parse_numeric(&jsonb::to_text(&j))?;
            convert(Value::Numeric(d), &DataType::Numeric(None), to, opts)
        }
        _ if to.is_numeric() || *to == DataType::Bool => {
            Err(Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("cannot cast jsonb {kind} to type {to}")))
        }
        _ => Err(no_cast(&DataType::Jsonb, to)),
    }
}

/// Date/time conversions; None when there is no such cast.
fn convert_datetime(value: Value, to: &DataType, opts: &FormatOptions) -> Option<Result<Value>> {
    let tz = opts.zone();
    let to_local = |utc: i64| utc + timezone::utc_offset(&tz, utc) as i64 * USECS_PER_SEC;
    let to_utc = |local: i64| local - timezone::local_offset(&tz, local) as i64 * USECS_PER_SEC;
    let infinite = |t: i64| t == TS_INFINITY || t == TS_NEG_INFINITY;
    Some(Ok(match (value, to) {
        (Value::Date(d), DataType::Timestamp) => Value::Timestamp(date_to_ts(d)),
        (Value::Date(d), DataType::Timestamptz) => {
            let local = date_to_ts(d);
            Value::Timestamptz(if infinite(local) { local } else { to_utc(local) })
        }
        (Value::Timestamp(t), DataType::Timestamptz) => Value::Timestamptz(if infinite(t) { t } else { to_utc(t) }),
        (Value::Timestamptz(t), DataType::Timestamp) => Value::Timestamp(if infinite(t) { t } else { to_local(t) }),
        (Value::Timestamp(t), DataType::Date) => Value::Date(ts_to_date(t)),
        (Value::Timestamptz(t), DataType::Date) => Value::Date(ts_to_date(if infinite(t) { t } else { to_local(t) })),
        (Value::Timestamp(t), DataType::Time) => Value::Time(t.rem_euclid(USECS_PER_DAY)),
        (Value::Timestamptz(t), DataType::Time) => Value::Time(to_local(t).rem_euclid(USECS_PER_DAY)),
        (Value::Time(t), DataType::Interval) => Value::Interval(Interval { months: 0, days: 0, micros: t }),
        (Value::Interval(iv), DataType::Time) => Value::Time(iv.micros.rem_euclid(USECS_PER_DAY)),
        _ => return None,
    }))
}

fn date_to_ts(d: i32) -> i64 {
    match d {
        DATE_INFINITY => TS_INFINITY,
        DATE_NEG_INFINITY => TS_NEG_INFINITY,
        d => d as i64 * USECS_PER_DAY,
    }
}

fn ts_to_date(t: i64) -> i32 {
    match t {
        TS_INFINITY => DATE_INFINITY,
        TS_NEG_INFINITY => DATE_NEG_INFINITY,
        t => t.div_euclid(USECS_PER_DAY) as i32,
    }
}

/// Whether PostgreSQL would apply a cast from `from` to `to` of this kind without being told
/// (used by the binder to resolve operator and function arguments).
pub fn can_cast(from: &DataType, to: &DataType, kind: CastKind) -> bool {
    context(&from.without_modifier(), &to.without_modifier()).is_some_and(|needed| needed.rank() <= kind.rank())
}

/// The least context in which pg_cast allows the cast, or None when there is no cast.
fn context(from: &DataType, to: &DataType) -> Option<CastKind> {
    use CastKind::{Assignment as A, Explicit as E, Implicit as I};
    use DataType as T;
    Some(match (from, to) {
        _ if from == to => I,
        (T::Unknown, _) => I,
        (T::Name, T::Varchar(_) | T::Char(_)) => A,
        (T::InternalChar, T::Text) => I,
        (T::InternalChar, _) if to.is_string() => A,
        (_, T::InternalChar) if from.is_string() => A,
        _ if from.is_string() && to.is_string() => I,
        _ if to.is_string() => A,
        _ if from.is_string() => E,
        (T::Int2, T::Int4 | T::Int8) | (T::Int4, T::Int8) => I,
        (T::Int2 | T::Int4 | T::Int8, T::Float4 | T::Float8 | T::Numeric(_) | T::Oid) => I,
        (T::Numeric(_), T::Float4 | T::Float8) | (T::Float4, T::Float8) => I,
        (T::Int4 | T::Int8, T::Int2) | (T::Int8, T::Int4) => A,
        (T::Float4 | T::Float8 | T::Numeric(_), T::Int2 | T::Int4 | T::Int8) => A,
        (T::Float4 | T::Float8, T::Numeric(_)) | (T::Float8, T::Float4) => A,
        (T::Oid, T::Int4 | T::Int8) => A,
        (T::Oid | T::Int2 | T::Int4 | T::Int8, t) if t.is_reg() => I,
        (f, T::Oid) if f.is_reg() => I,
        (f, T::Int4 | T::Int8) if f.is_reg() => A,
        (T::Int4, T::Bool) | (T::Bool, T::Int4) => E,
        (T::Date, T::Timestamp | T::Timestamptz) | (T::Timestamp, T::Timestamptz) | (T::Time, T::Interval) => I,
        (T::Timestamptz, T::Timestamp | T::Date | T::Time) | (T::Timestamp, T::Date | T::Time) | (T::Interval, T::Time) => A,
        (T::Json, T::Jsonb) | (T::Jsonb, T::Json) => A,
        (T::Jsonb, T::Bool | T::Int2 | T::Int4 | T::Int8 | T::Float4 | T::Float8 | T::Numeric(_)) => E,
        (T::Array(a), T::Array(b)) => return context(a, b),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::text::parse_value;

    fn opts() -> FormatOptions {
        FormatOptions::default()
    }

    fn c(v: Value, from: &str, to: &str) -> Result<Value> {
        cast(v, &DataType::parse(from).unwrap(), &DataType::parse(to).unwrap(), CastKind::Explicit, &opts())
    }

    /// Casts text to `from`, then to `to`, and prints the result.
    fn chain(text: &str, from: &str, to: &str) -> Result<String> {
        let (f, t) = (DataType::parse(from).unwrap(), DataType::parse(to).unwrap());
        let v = parse_value(text, &f, &opts())?;
        cast(v, &f, &t, CastKind::Explicit, &opts()).map(|v| format_value(&v, &t, &opts()))
    }

    #[test]
    fn numeric_casts_round_like_postgres() {
        // PostgreSQL 15: 1.5::float8::int = 2, 2.5::float8::int = 2, 2.5::numeric::int = 3
        assert_eq!(c(Value::Float8(1.5), "float8", "int4").unwrap(), Value::Int4(2));
        assert_eq!(c(Value::Float8(2.5), "float8", "int4").unwrap(), Value::Int4(2));
        assert_eq!(chain("2.5", "numeric", "int4").unwrap(), "3");
        assert_eq!(chain("-2.5", "numeric", "int4").unwrap(), "-3");
        assert_eq!(chain("0.1", "float4", "numeric").unwrap(), "0.1");
        assert_eq!(chain("1.2345", "numeric", "numeric(5,2)").unwrap(), "1.23");
        assert_eq!(c(Value::Int8(1 << 40), "int8", "int4").unwrap_err().message, "integer out of range");
        assert_eq!(c(Value::Int4(70000), "int4", "int2").unwrap_err().message, "smallint out of range");
        assert_eq!(c(Value::Float8(1e300), "float8", "float4").unwrap_err().code, "22003");
        assert_eq!(c(Value::Float8(f64::NAN), "float8", "int8").unwrap_err().message, "bigint out of range");
    }

    #[test]
    fn string_casts_truncate_or_fail() {
        let v = Value::Text("abcd".into());
        assert_eq!(c(v.clone(), "text", "varchar(3)").unwrap(), Value::Text("abc".into()));
        let e = cast(v, &DataType::Text, &DataType::Varchar(Some(3)), CastKind::Assignment, &opts()).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22001", "value too long for type character varying(3)"));
        assert_eq!(c(Value::Text("ab  ".into()), "char(4)", "text").unwrap(), Value::Text("ab".into()));
        assert_eq!(c(Value::Bool(true), "bool", "text").unwrap(), Value::Text("true".into()));
        assert_eq!(chain("42", "int4", "text").unwrap(), "42");
        assert_eq!(c(Value::Text("x".into()), "text", "int4").unwrap_err().code, "22P02");
        assert_eq!(chain("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "uuid", "text").unwrap(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    }

    #[test]
    fn datetime_casts_use_the_session_zone() {
        let ny = FormatOptions { timezone: "America/New_York".into(), ..opts() };
        let tz = DataType::Timestamptz;
        let v = parse_value("2024-01-31 03:00:00+00", &tz, &ny).unwrap();
        let d = cast(v.clone(), &tz, &DataType::Date, CastKind::Explicit, &ny).unwrap();
        assert_eq!(format_value(&d, &DataType::Date, &ny), "2024-01-30");
        let ts = cast(v, &tz, &DataType::Timestamp, CastKind::Explicit, &ny).unwrap();
        assert_eq!(format_value(&ts, &DataType::Timestamp, &ny), "2024-01-30 22:00:00");
        let back = cast(d, &DataType::Date, &tz, CastKind::Implicit, &ny).unwrap();
        assert_eq!(format_value(&back, &tz, &ny), "2024-01-30 00:00:00-05");
        assert_eq!(chain("2024-01-31 13:45:10", "timestamp", "time").unwrap(), "13:45:10");
        assert_eq!(chain("infinity", "date", "timestamp").unwrap(), "infinity");
    }

    #[test]
    fn json_bool_and_missing_casts() {
        assert_eq!(chain("{\"b\":1,\"a\":2}", "json", "jsonb").unwrap(), "{\"a\": 2, \"b\": 1}");
        assert_eq!(chain("12.5", "jsonb", "numeric").unwrap(), "12.5");
        assert_eq!(chain("1e300", "jsonb", "float8").unwrap(), "1e+300");
        assert_eq!(chain("-1", "int8", "oid").unwrap_err().message, "OID out of range");
        assert_eq!(chain("\"x\"", "jsonb", "int4").unwrap_err().message, "cannot cast jsonb string to type integer");
        assert_eq!(c(Value::Int4(5), "int4", "bool").unwrap(), Value::Bool(true));
        assert_eq!(c(Value::Bool(true), "bool", "int4").unwrap(), Value::Int4(1));
        let e = c(Value::Bool(true), "bool", "date").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("42846", "cannot cast type boolean to date"));
        assert_eq!(chain("{1,2}", "int4[]", "int8[]").unwrap(), "{1,2}");
        assert_eq!(c(Value::Null, "int4", "date").unwrap(), Value::Null);
    }

    #[test]
    fn cast_contexts_follow_pg_cast() {
        let t = |s: &str| DataType::parse(s).unwrap();
        assert!(can_cast(&t("int4"), &t("int8"), CastKind::Implicit));
        assert!(!can_cast(&t("int8"), &t("int4"), CastKind::Implicit));
        assert!(can_cast(&t("int8"), &t("int4"), CastKind::Assignment));
        assert!(can_cast(&t("int4"), &t("text"), CastKind::Assignment));
        assert!(!can_cast(&t("text"), &t("int4"), CastKind::Assignment));
        assert!(can_cast(&t("text"), &t("int4"), CastKind::Explicit));
        assert!(can_cast(&t("varchar(3)"), &t("text"), CastKind::Implicit));
        assert!(can_cast(&t("date"), &t("timestamptz"), CastKind::Implicit));
        assert!(!can_cast(&t("timestamptz"), &t("date"), CastKind::Implicit));
        assert!(!can_cast(&t("bool"), &t("int4"), CastKind::Assignment));
        assert!(!can_cast(&t("bool"), &t("date"), CastKind::Explicit));
        assert!(can_cast(&t("int4[]"), &t("numeric[]"), CastKind::Implicit));
    }
}
