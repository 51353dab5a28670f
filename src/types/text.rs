//! Text input and output of values in PostgreSQL's exact formats (DateStyle ISO, MDY;
//! IntervalStyle postgres; bytea_output hex). This file only dispatches on the type: each
//! format lives in its own module.

use super::{array, bytea, datetime, datetime_input, float, integer, interval, jsonb, numeric, strings, timezone};
use super::{DataType, Value};
use crate::error::{Error, Result};
use jiff::tz::TimeZone;

/// Session settings that change how values print.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatOptions {
    /// IANA zone or fixed offset for timestamptz output (TimeZone setting).
    pub timezone: String,
    /// extra_float_digits (default 1: shortest round-trip output).
    pub extra_float_digits: i32,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { timezone: "UTC".to_string(), extra_float_digits: 1 }
    }
}

impl FormatOptions {
    /// The session zone; an unknown name (already rejected by SET) falls back to UTC.
    pub fn zone(&self) -> TimeZone {
        timezone::resolve(&self.timezone).unwrap_or(TimeZone::UTC)
    }
}

/// Renders a non-null value as PostgreSQL's text output function would.
pub fn format_value(value: &Value, ty: &DataType, opts: &FormatOptions) -> String {
    let mut out = String::new();
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Int2(v) => out.push_str(&v.to_string()),
        Value::Int4(v) => out.push_str(&v.to_string()),
        Value::Int8(v) => out.push_str(&v.to_string()),
        Value::Float4(v) => float::format_f32(*v, opts.extra_float_digits, &mut out),
        Value::Float8(v) => float::format_f64(*v, opts.extra_float_digits, &mut out),
        Value::Numeric(d) => numeric::format_numeric(d, &mut out),
        Value::Text(s) | Value::Json(s) => out.push_str(s),
        Value::Uuid(u) => out.push_str(&u.hyphenated().to_string()),
        Value::Date(d) => datetime::format_date(*d, &mut out),
        Value::Time(t) => datetime::format_time(*t, &mut out),
        Value::Timestamp(t) => datetime::format_timestamp(*t, &mut out),
        Value::Timestamptz(t) => datetime::format_timestamptz(*t, &opts.zone(), &mut out),
        Value::Interval(iv) => interval::format_interval(iv, &mut out),
        Value::Jsonb(j) => jsonb::format_jsonb(j, &mut out),
        Value::Bytea(b) => bytea::format_bytea(b, &mut out),
        Value::Enum(pos, def) => out.push_str(def.label(*pos)),
        Value::Array(items) if matches!(ty, DataType::Vector(_)) => {
            out.push_str(&items.iter().map(|v| format_value(v, &DataType::Unknown, opts)).collect::<Vec<_>>().join(" "))
        }
        Value::Array(items) => {
            let elem = match ty {
                DataType::Array(e) => e.as_ref(),
                _ => &DataType::Unknown,
            };
            array::format_array(items, elem, opts, &mut out)
        }
    }
    out
}

/// Parses text as a value of `ty` (the type's input function): 22P02 etc. on bad input.
/// Lengths of varchar(n)/char(n) are checked as on assignment (22001 unless the excess is blanks).
pub fn parse_value(text: &str, ty: &DataType, opts: &FormatOptions) -> Result<Value> {
    Ok(match ty {
        DataType::Bool => Value::Bool(strings::parse_bool(text)?),
        DataType::Int2 | DataType::Int4 | DataType::Int8 | DataType::Oid => integer::parse_int(text, ty)?,
        DataType::RegClass | DataType::RegType | DataType::RegNamespace => match text.trim().parse::<u32>() {
            Ok(oid) => Value::Int8(oid as i64),
            Err(_) => return Err(Error::unsupported(format!("{ty} input of a name outside an SQL cast"))),
        },
        DataType::Float4 => Value::Float4(float::parse_f32(text)?),
        DataType::Float8 => Value::Float8(float::parse_f64(text)?),
        DataType::Numeric(None) => Value::Numeric(numeric::parse_numeric(text)?),
        DataType::Numeric(Some((p, s))) => Value::Numeric(numeric::apply_typmod(numeric::parse_numeric(text)?, *p, *s)?),
        DataType::Text | DataType::Varchar(_) | DataType::Char(_) | DataType::Name | DataType::Unknown => {
            Value::Text(strings::fit_length(text.to_string(), ty, false)?)
        }
        // "char" keeps the first character (PostgreSQL keeps the first byte).
        DataType::InternalChar => Value::Text(text.chars().take(1).collect()),
        DataType::Uuid => Value::Uuid(strings::parse_uuid(text)?),
        DataType::Date => Value::Date(datetime_input::parse_date(text, &opts.zone())?),
        DataType::Time => Value::Time(datetime_input::parse_time(text, &opts.zone())?),
        DataType::Timestamp => Value::Timestamp(datetime_input::parse_timestamp(text, &opts.zone())?),
        DataType::Timestamptz => Value::Timestamptz(datetime_input::parse_timestamptz(text, &opts.zone())?),
        DataType::Interval => Value::Interval(interval::parse_interval(text)?),
        DataType::Json => {
            jsonb::validate_json(text)?;
            Value::Json(text.to_string())
        }
        DataType::Jsonb => Value::jsonb(jsonb::parse_jsonb(text)?),
        DataType::Bytea => Value::Bytea(bytea::parse_bytea(text)?),
        DataType::Array(elem) => array::parse_array(text, elem, opts)?,
        DataType::Enum(def) => def.input(text)?,
        DataType::Vector(elem) => Value::Array(text.split_whitespace().map(|t| parse_value(t, elem, opts)).collect::<Result<_>>()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round(text: &str, ty: &str) -> String {
        let opts = FormatOptions::default();
        let ty = DataType::parse(ty).unwrap();
        format_value(&parse_value(text, &ty, &opts).unwrap(), &ty, &opts)
    }

    #[test]
    fn every_type_round_trips_like_postgres() {
        // (input, type, PostgreSQL 15 output)
        let cases = [
            ("yes", "bool", "t"),
            (" 42 ", "int4", "42"),
            ("1e100", "float8", "1e+100"),
            ("1.50", "numeric", "1.50"),
            ("1.555", "numeric(5,2)", "1.56"),
            ("ab", "char(4)", "ab  "),
            ("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            ("2024-01-31", "date", "2024-01-31"),
            ("13:45", "time", "13:45:00"),
            ("2024-01-31 13:45:00.123", "timestamp", "2024-01-31 13:45:00.123"),
            ("2024-01-31 13:45:00+02", "timestamptz", "2024-01-31 11:45:00+00"),
            ("1 year 2 mons", "interval", "1 year 2 mons"),
            ("{\"b\": 1,\"a\":2}", "json", "{\"b\": 1,\"a\":2}"),
            ("{\"b\": 1,\"a\":2}", "jsonb", "{\"a\": 2, \"b\": 1}"),
            ("\\x0a0b", "bytea", "\\x0a0b"),
            ("{1,2,NULL}", "int4[]", "{1,2,NULL}"),
            ("{\"a b\",x}", "text[]", "{\"a b\",x}"),
            ("{\"\\\\x01\"}", "bytea[]", "{\"\\\\x01\"}"),
        ];
        for (input, ty, want) in cases {
            assert_eq!(round(input, ty), want, "{input}::{ty}");
        }
    }

    #[test]
    fn timestamptz_prints_in_session_zone() {
        let opts = FormatOptions { timezone: "Asia/Kolkata".into(), ..FormatOptions::default() };
        let v = parse_value("2024-01-01 00:00:00+00", &DataType::Timestamptz, &opts).unwrap();
        assert_eq!(format_value(&v, &DataType::Timestamptz, &opts), "2024-01-01 05:30:00+05:30");
    }

    #[test]
    fn input_errors_carry_postgres_codes() {
        let opts = FormatOptions::default();
        let e = parse_value("abc", &DataType::Int4, &opts).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type integer: \"abc\""));
        assert_eq!(parse_value("abcd", &DataType::Varchar(Some(3)), &opts).unwrap_err().code, "22001");
        assert_eq!(parse_value("{", &DataType::Jsonb, &opts).unwrap_err().code, "22P02");
    }

    proptest! {
        #[test]
        fn no_input_panics(text in "[-+0-9a-zA-Z:./ {},\"\\\\]{0,24}") {
            let opts = FormatOptions::default();
            for ty in ["int4", "float8", "numeric(5,2)", "bool", "date", "time", "timestamp", "timestamptz", "interval", "jsonb", "bytea", "uuid", "int4[]", "text[]"] {
                let ty = DataType::parse(ty).unwrap();
                if let Ok(v) = parse_value(&text, &ty, &opts) {
                    format_value(&v, &ty, &opts);
                }
            }
        }

        #[test]
        fn dates_round_trip(days in -2_451_545i32..2_145_031_948) {
            let opts = FormatOptions::default();
            let text = format_value(&Value::Date(days), &DataType::Date, &opts);
            prop_assert_eq!(parse_value(&text, &DataType::Date, &opts).unwrap(), Value::Date(days));
        }

        #[test]
        fn timestamps_round_trip(micros in -211_813_488_000_000_000i64..9_223_371_331_200_000_000) {
            let opts = FormatOptions { timezone: "Europe/Paris".into(), ..FormatOptions::default() };
            for ty in [DataType::Timestamp, DataType::Timestamptz] {
                let v = if ty == DataType::Timestamp { Value::Timestamp(micros) } else { Value::Timestamptz(micros) };
                let text = format_value(&v, &ty, &opts);
                prop_assert_eq!(parse_value(&text, &ty, &opts).unwrap(), v);
            }
        }

        #[test]
        fn intervals_round_trip(months in any::<i32>(), days in any::<i32>(), micros in -(1i64 << 50)..(1i64 << 50)) {
            let opts = FormatOptions::default();
            let v = Value::Interval(crate::types::Interval { months, days, micros });
            let text = format_value(&v, &DataType::Interval, &opts);
            prop_assert_eq!(parse_value(&text, &DataType::Interval, &opts).unwrap(), v);
        }

        #[test]
        fn uuids_round_trip(bytes in any::<[u8; 16]>()) {
            let opts = FormatOptions::default();
            let v = Value::Uuid(uuid::Uuid::from_bytes(bytes));
            let text = format_value(&v, &DataType::Uuid, &opts);
            prop_assert_eq!(parse_value(&text.to_uppercase(), &DataType::Uuid, &opts).unwrap(), v);
        }
    }
}
