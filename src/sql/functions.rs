//! Scalar functions: name lookup, argument types and result type (for the binder), and
//! evaluation with PostgreSQL's NULL rules (strict functions return NULL on a NULL argument;
//! coalesce, concat, greatest and least are not strict).

use super::advisory::{self, LockKey};
use super::array_functions::ArrayFn;
use super::catalog_functions::CatalogFn;
use super::expr::{text, EvalCtx, Expr};
use crate::error::{sqlstate, Error, Result};
use crate::types::ops;
use crate::types::{DataType, Value};
use rust_decimal::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Lower,
    Upper,
    Length,
    Substring,
    Btrim,
    Ltrim,
    Rtrim,
    Replace,
    Position,
    Concat,
    Coalesce,
    Nullif,
    Greatest,
    Least,
    Abs,
    Round,
    Ceil,
    Floor,
    Now,
    CurrentDate,
    GenRandomUuid,
    QuoteIdent,
    UuidV7,
    Version,
    CurrentSchema,
    CurrentDatabase,
    CurrentUser,
    PgBackendPid,
    /// Releases every advisory lock the session holds.
    PgAdvisoryUnlockAll,
    /// pg_advisory_lock / pg_try_advisory_lock / pg_advisory_unlock, on one bigint key or two
    /// integer keys (see `sql::advisory`).
    PgAdvisoryLock,
    PgTryAdvisoryLock,
    PgAdvisoryUnlock,
    /// json_build_object(key, value, ...)
    JsonBuildObject,
    /// format_type, pg_table_is_visible and the other catalog-query helpers.
    Catalog(CatalogFn),
    /// array_to_string, array_length, array_upper, array_lower.
    Array(ArrayFn),
}

/// How the binder must type a function's arguments.
pub enum ArgRule {
    /// Exactly these argument types (unknown literals take them).
    Fixed(&'static [DataType]),
    /// Any number of arguments of any type, as text.
    AnyText,
    /// Arguments of any type, as they are (unknown literals as text).
    Any,
    /// All arguments share one common type (coalesce, greatest, least, nullif).
    Common,
    /// One numeric argument, optionally an integer second (round).
    Numeric,
    /// An array of any type, then arguments of these types.
    ArrayThen(&'static [DataType]),
}

const TEXT1: &[DataType] = &[DataType::Text];
const TEXT2: &[DataType] = &[DataType::Text, DataType::Text];
const TEXT3: &[DataType] = &[DataType::Text, DataType::Text, DataType::Text];
const SUBSTR2: &[DataType] = &[DataType::Text, DataType::Int4];
const SUBSTR3: &[DataType] = &[DataType::Text, DataType::Int4, DataType::Int4];

impl Func {
    /// The function of this (lower-case) name, if any.
    pub fn lookup(name: &str) -> Option<Func> {
        Some(match name {
            "lower" => Func::Lower,
            "upper" => Func::Upper,
            "length" | "char_length" | "character_length" => Func::Length,
            "substring" | "substr" => Func::Substring,
            "btrim" => Func::Btrim,
            "ltrim" => Func::Ltrim,
            "rtrim" => Func::Rtrim,
            "replace" => Func::Replace,
            "strpos" => Func::Position,
            "concat" => Func::Concat,
            "coalesce" => Func::Coalesce,
            "nullif" => Func::Nullif,
            "greatest" => Func::Greatest,
            "least" => Func::Least,
            "abs" => Func::Abs,
            "round" => Func::Round,
            "ceil" | "ceiling" => Func::Ceil,
            "floor" => Func::Floor,
            "now" | "transaction_timestamp" | "statement_timestamp" | "current_timestamp" => Func::Now,
            "current_date" => Func::CurrentDate,
            "gen_random_uuid" | "uuid_generate_v4" => Func::GenRandomUuid,
            "quote_ident" => Func::QuoteIdent,
            "gen_random_uuid7" | "uuidv7" => Func::UuidV7,
            "version" => Func::Version,
            "current_schema" => Func::CurrentSchema,
            "current_database" | "current_catalog" => Func::CurrentDatabase,
            "current_user" | "session_user" | "user" => Func::CurrentUser,
            "pg_backend_pid" => Func::PgBackendPid,
            "pg_advisory_unlock_all" => Func::PgAdvisoryUnlockAll,
            "pg_advisory_lock" => Func::PgAdvisoryLock,
            "pg_try_advisory_lock" => Func::PgTryAdvisoryLock,
            "pg_advisory_unlock" => Func::PgAdvisoryUnlock,
            "json_build_object" => Func::JsonBuildObject,
            other => return CatalogFn::lookup(other).map(Func::Catalog).or_else(|| ArrayFn::lookup(other).map(Func::Array)),
        })
    }

    /// The function's name as PostgreSQL prints it (also the output column name).
    pub fn name(self) -> &'static str {
        match self {
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Length => "length",
            Func::Substring => "substring",
            Func::Btrim => "btrim",
            Func::Ltrim => "ltrim",
            Func::Rtrim => "rtrim",
            Func::Replace => "replace",
            Func::Position => "strpos",
            Func::Concat => "concat",
            Func::Coalesce => "coalesce",
            Func::Nullif => "nullif",
            Func::Greatest => "greatest",
            Func::Least => "least",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Ceil => "ceil",
            Func::Floor => "floor",
            Func::Now => "now",
            Func::CurrentDate => "current_date",
            Func::GenRandomUuid => "gen_random_uuid",
            Func::QuoteIdent => "quote_ident",
            Func::UuidV7 => "uuidv7",
            Func::Version => "version",
            Func::CurrentSchema => "current_schema",
            Func::CurrentDatabase => "current_database",
            Func::CurrentUser => "current_user",
            Func::PgBackendPid => "pg_backend_pid",
            Func::PgAdvisoryUnlockAll => "pg_advisory_unlock_all",
            Func::PgAdvisoryLock => "pg_advisory_lock",
            Func::PgTryAdvisoryLock => "pg_try_advisory_lock",
            Func::PgAdvisoryUnlock => "pg_advisory_unlock",
            Func::JsonBuildObject => "json_build_object",
            Func::Catalog(f) => f.name(),
            Func::Array(f) => f.name(),
        }
    }

    /// How to type `n` arguments; None when the count is wrong.
    pub fn arg_rule(self, n: usize) -> Option<ArgRule> {
        use Func::*;
        let fixed = |types: &'static [DataType]| (types.len() == n).then_some(ArgRule::Fixed(types));
        match self {
            Lower | Upper | Length | QuoteIdent => fixed(TEXT1),
            Btrim | Ltrim | Rtrim => fixed(if n == 1 { TEXT1 } else { TEXT2 }),
            Substring => fixed(if n == 2 { SUBSTR2 } else { SUBSTR3 }),
            Replace => fixed(TEXT3),
            Position => fixed(TEXT2),
            Concat => Some(ArgRule::AnyText),
            JsonBuildObject if n % 2 == 0 => Some(ArgRule::Any),
            Coalesce | Greatest | Least if n > 0 => Some(ArgRule::Common),
            Nullif if n == 2 => Some(ArgRule::Common),
            Abs | Ceil | Floor if n == 1 => Some(ArgRule::Numeric),
            Round if n == 1 || n == 2 => Some(ArgRule::Numeric),
            PgAdvisoryLock | PgTryAdvisoryLock | PgAdvisoryUnlock => {
                fixed(if n == 1 { &[DataType::Int8] } else { &[DataType::Int4, DataType::Int4] })
            }
            Now | CurrentDate | GenRandomUuid | UuidV7 | Version | CurrentSchema | CurrentDatabase | CurrentUser | PgBackendPid
            | PgAdvisoryUnlockAll => fixed(&[]),
            Catalog(f) => f.arg_types(n).map(ArgRule::Fixed),
            Array(f) => f.rest_types(n).map(ArgRule::ArrayThen),
            _ => None,
        }
    }

    /// The result type for arguments of these (already coerced) types.
    pub fn result_type(self, args: &[DataType]) -> DataType {
        use Func::*;
        match self {
            Lower | Upper | QuoteIdent | Substring | Btrim | Ltrim | Rtrim | Replace | Concat | Version | PgAdvisoryUnlockAll | PgAdvisoryLock => {
                DataType::Text
            }
            PgTryAdvisoryLock | PgAdvisoryUnlock => DataType::Bool,
            JsonBuildObject => DataType::Json,
            Catalog(f) => f.result_type(),
            Array(f) => f.result_type(args.first()),
            Length | Position | PgBackendPid => DataType::Int4,
            Coalesce | Nullif | Greatest | Least | Abs | Ceil | Floor => args[0].clone(),
            Round if args.len() == 2 => DataType::Numeric(None),
            Round => args[0].clone(),
            Now => DataType::Timestamptz,
            CurrentDate => DataType::Date,
            GenRandomUuid | UuidV7 => DataType::Uuid,
            CurrentSchema | CurrentDatabase | CurrentUser => DataType::Name,
        }
    }

    fn is_strict(self) -> bool {
        match self {
            Func::Concat | Func::Coalesce | Func::Greatest | Func::Least | Func::Nullif | Func::JsonBuildObject => false,
            // format_type(oid, NULL) is the type's name without a modifier.
            Func::Catalog(CatalogFn::FormatType) => false,
            Func::Array(f) => f.is_strict(),
            _ => true,
        }
    }

    /// Evaluates the call.
    pub fn call(self, args: &[Expr], row: &[Value], ctx: &EvalCtx) -> Result<Value> {
        if self == Func::Coalesce {
            for a in args {
                let v = a.eval(row, ctx)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            return Ok(Value::Null);
        }
        let vals = args.iter().map(|a| a.eval(row, ctx)).collect::<Result<Vec<_>>>()?;
        if (self.is_strict() && vals.iter().any(Value::is_null)) || matches!((self, vals.first()), (Func::Array(_), Some(Value::Null))) {
            return Ok(Value::Null);
        }
        self.apply(&vals, ctx)
    }

    fn apply(self, v: &[Value], ctx: &EvalCtx) -> Result<Value> {
        use Func::*;
        let t = |i: usize| text(&v[i]);
        Ok(match self {
            Lower => Value::Text(map_chars(t(0), char::to_lowercase)),
            QuoteIdent => Value::Text(crate::export::quote::ident(t(0))),
            Upper => Value::Text(map_chars(t(0), char::to_uppercase)),
            Length => Value::Int4(t(0).chars().count() as i32),
            Substring => substring(t(0), int(&v[1]), v.get(2).map(int))?,
            Btrim | Ltrim | Rtrim => Value::Text(trim(self, t(0), v.get(1).map(text).unwrap_or(" "))),
            Replace => Value::Text(if t(1).is_empty() { t(0).to_string() } else { t(0).replace(t(1), t(2)) }),
            Position => Value::Int4(t(0).find(t(1)).map_or(0, |b| t(0)[..b].chars().count() as i32 + 1)),
            Concat => Value::Text(v.iter().map(text).collect()),
            Nullif => {
                if !v[0].is_null() && v[0] == v[1] {
                    Value::Null
                } else {
                    v[0].clone()
                }
            }
            Greatest => v.iter().filter(|x| !x.is_null()).max().cloned().unwrap_or(Value::Null),
            Least => v.iter().filter(|x| !x.is_null()).min().cloned().unwrap_or(Value::Null),
            Abs => abs(&v[0])?,
            Round => round(&v[0], v.get(1).map(int))?,
            Ceil => rounding(&v[0], f64::ceil, Decimal::ceil),
            Floor => rounding(&v[0], f64::floor, Decimal::floor),
            Now => Value::Timestamptz(ctx.env.now),
            CurrentDate => current_date(ctx)?,
            GenRandomUuid => Value::Uuid(uuid::Uuid::new_v4()),
            UuidV7 => Value::Uuid(uuid::Uuid::now_v7()),
            Version => Value::Text(crate::exec::VERSION_STRING.to_string()),
            CurrentSchema => Value::Text(ctx.env.schema.to_string()),
            CurrentDatabase => Value::Text(ctx.env.database.to_string()),
            CurrentUser => Value::Text(ctx.env.user.to_string()),
            PgBackendPid => Value::Int4(ctx.env.pid),
            PgAdvisoryUnlockAll => {
                advisory::unlock_all(ctx.env.pid);
                Value::Text(String::new())
            }
            PgAdvisoryLock => {
                advisory::lock(LockKey::of(v), ctx.env.pid)?;
                Value::Text(String::new())
            }
            PgTryAdvisoryLock => Value::Bool(advisory::try_lock(LockKey::of(v), ctx.env.pid)),
            PgAdvisoryUnlock => Value::Bool(advisory::unlock(LockKey::of(v), ctx.env.pid)),
            Catalog(f) => f.apply(v, ctx)?,
            JsonBuildObject => json_object(v, ctx)?,
            Array(f) => f.apply(v, ctx.opts),
            Coalesce => unreachable!("coalesce is evaluated lazily"),
        })
    }
}

/// `{"key" : value, ...}` as PostgreSQL's json_build_object writes it.
fn json_object(v: &[Value], ctx: &EvalCtx) -> Result<Value> {
    let mut out = String::from("{");
    for (i, pair) in v.chunks(2).enumerate() {
        if pair[0].is_null() {
            return Err(Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("argument {} cannot be null", 2 * i + 1))
                .with_hint("Object keys should be text."));
        }
        if i > 0 {
            out.push_str(", ");
        }
        crate::types::json_escape(&crate::types::text::format_value(&pair[0], &DataType::Unknown, ctx.opts), &mut out);
        out.push_str(" : ");
        json_value(&pair[1], ctx, &mut out);
    }
    out.push('}');
    Ok(Value::Json(out))
}

/// A value as JSON: numbers and booleans as themselves, json as is, arrays as arrays,
/// everything else as a string of its text form.
fn json_value(v: &Value, ctx: &EvalCtx, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) | Value::Numeric(_) | Value::Json(_) | Value::Jsonb(_) => {
            out.push_str(&crate::types::text::format_value(v, &DataType::Unknown, ctx.opts))
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_value(item, ctx, out);
            }
            out.push(']');
        }
        other => crate::types::json_escape(&crate::types::text::format_value(other, &DataType::Unknown, ctx.opts), out),
    }
}

/// SQLSTATE 22011 substring_error.
const SUBSTRING_ERROR: &str = "22011";

/// Case mapping one character at a time, as PostgreSQL's towupper/towlower: a character
/// whose mapping is several characters (ß) stays as it is.
fn map_chars<I: Iterator<Item = char> + ExactSizeIterator>(s: &str, f: fn(char) -> I) -> String {
    s.chars()
        .map(|c| {
            let mut m = f(c);
            if m.len() == 1 {
                m.next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// substring(s FROM start FOR count) with PostgreSQL's clamping of out-of-range starts.
fn substring(s: &str, start: i64, count: Option<i64>) -> Result<Value> {
    if count.is_some_and(|c| c < 0) {
        return Err(Error::new(SUBSTRING_ERROR, "negative substring length not allowed"));
    }
    let end = count.map(|c| start.saturating_add(c));
    let from = start.max(1) as usize - 1;
    let chars = s.chars().skip(from);
    Ok(Value::Text(match end {
        Some(e) if e <= 1 => String::new(),
        Some(e) => chars.take(e as usize - 1 - from).collect(),
        None => chars.collect(),
    }))
}

fn trim(f: Func, s: &str, set: &str) -> String {
    let strip = |c: char| set.contains(c);
    match f {
        Func::Ltrim => s.trim_start_matches(strip),
        Func::Rtrim => s.trim_end_matches(strip),
        _ => s.trim_matches(strip),
    }
    .to_string()
}

fn abs(v: &Value) -> Result<Value> {
    let neg = |v: &Value| ops::unary(ops::UnaryOp::Neg, v);
    let is_negative = match v {
        Value::Numeric(d) => d.is_sign_negative(),
        Value::Float4(f) => *f < 0.0,
        Value::Float8(f) => *f < 0.0,
        other => other.as_i64().is_some_and(|i| i < 0),
    };
    if is_negative {
        neg(v)
    } else {
        Ok(v.clone())
    }
}

fn round(v: &Value, places: Option<i64>) -> Result<Value> {
    Ok(match (v, places) {
        (Value::Float8(f), None) => Value::Float8(f.round_ties_even()),
        (Value::Float4(f), None) => Value::Float4(f.round_ties_even()),
        (Value::Numeric(d), p) => Value::Numeric(round_decimal(*d, p.unwrap_or(0))),
        (other, Some(p)) => match other.as_i64() {
            Some(i) => Value::Numeric(round_decimal(Decimal::from(i), p)),
            None => return Err(Error::new(sqlstate::UNDEFINED_FUNCTION, "function round(double precision, integer) does not exist")),
        },
        (other, None) => other.clone(),
    })
}

fn round_decimal(d: Decimal, places: i64) -> Decimal {
    if places >= 0 {
        d.round_dp_with_strategy(places.min(28) as u32, RoundingStrategy::MidpointAwayFromZero)
    } else {
        let factor = Decimal::from(10i64.pow((-places).min(18) as u32));
        (d / factor).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero) * factor
    }
}

fn rounding(v: &Value, f: fn(f64) -> f64, d: fn(&Decimal) -> Decimal) -> Value {
    match v {
        Value::Float8(x) => Value::Float8(f(*x)),
        Value::Float4(x) => Value::Float4(f(*x as f64) as f32),
        Value::Numeric(x) => Value::Numeric(d(x)),
        other => other.clone(),
    }
}

fn current_date(ctx: &EvalCtx) -> Result<Value> {
    let ts = Value::Timestamptz(ctx.env.now);
    crate::types::cast::cast(ts, &DataType::Timestamptz, &DataType::Date, crate::types::cast::CastKind::Explicit, ctx.opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_clamps_like_postgres() {
        assert_eq!(substring("hello", 2, Some(3)).unwrap(), Value::Text("ell".into()));
        assert_eq!(substring("hello", 0, Some(3)).unwrap(), Value::Text("he".into()));
        assert_eq!(substring("hello", -5, Some(3)).unwrap(), Value::Text("".into()));
        assert_eq!(substring("hello", 3, None).unwrap(), Value::Text("llo".into()));
        assert!(substring("hello", 1, Some(-1)).is_err());
    }

    #[test]
    fn trims_and_rounds() {
        assert_eq!(trim(Func::Btrim, "xxhixx", "x"), "hi");
        assert_eq!(trim(Func::Ltrim, "  hi ", " "), "hi ");
        assert_eq!(round_decimal(Decimal::new(25, 1), 0), Decimal::from(3));
        assert_eq!(round_decimal(Decimal::new(-25, 1), 0), Decimal::from(-3));
        assert_eq!(round_decimal(Decimal::from(1234), -2), Decimal::from(1200));
    }
}
