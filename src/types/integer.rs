//! Integer input (int2/int4/int8/oid) and the range errors shared by casts and operators.
//!
//! Input follows PostgreSQL 15's pg_strtoint*: optional surrounding whitespace, an optional
//! sign and decimal digits; anything else is 22P02, a value outside the type is 22003.

use super::{DataType, Value};
use crate::error::{sqlstate, Error, Result};

/// The SQL name of an integer type, for messages.
fn name(ty: &DataType) -> &'static str {
    match ty {
        DataType::Int2 => "smallint",
        DataType::Int8 => "bigint",
        DataType::Oid => "oid",
        _ => "integer",
    }
}

fn range(ty: &DataType) -> (i64, i64) {
    match ty {
        DataType::Int2 => (i16::MIN as i64, i16::MAX as i64),
        DataType::Int8 => (i64::MIN, i64::MAX),
        DataType::Oid => (i32::MIN as i64, u32::MAX as i64),
        _ => (i32::MIN as i64, i32::MAX as i64),
    }
}

/// 22003 `integer out of range` (`smallint`/`bigint`/`oid` as `ty` says).
pub fn out_of_range(ty: &DataType) -> Error {
    Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("{} out of range", name(ty)))
}

/// The value as the variant of integer type `ty`, or 22003 when it does not fit.
pub fn narrow(v: i64, ty: &DataType) -> Result<Value> {
    let (lo, hi) = range(ty);
    if v < lo || v > hi {
        return Err(out_of_range(ty));
    }
    Ok(match ty {
        DataType::Int2 => Value::Int2(v as i16),
        DataType::Int8 | DataType::Oid => Value::Int8(v),
        _ => Value::Int4(v as i32),
    })
}

/// Parses integer text for `ty` (Int2, Int4, Int8 or Oid; negative oids wrap as in PostgreSQL).
pub fn parse_int(s: &str, ty: &DataType) -> Result<Value> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type {}: \"{s}\"", name(ty))));
    }
    let too_big = || Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("value \"{s}\" is out of range for type {}", name(ty)));
    let v: i64 = t.parse().map_err(|_| too_big())?;
    let (lo, hi) = range(ty);
    if v < lo || v > hi {
        return Err(too_big());
    }
    Ok(match ty {
        DataType::Oid => Value::Int8(v.rem_euclid(1 << 32)),
        _ => narrow(v, ty)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_like_postgres() {
        assert_eq!(parse_int("  -42 ", &DataType::Int4).unwrap(), Value::Int4(-42));
        assert_eq!(parse_int("+7", &DataType::Int2).unwrap(), Value::Int2(7));
        let e = parse_int("abc", &DataType::Int4).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type integer: \"abc\""));
        let e = parse_int("99999999999", &DataType::Int4).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22003", "value \"99999999999\" is out of range for type integer"));
        assert_eq!(parse_int("99999999999999999999", &DataType::Int8).unwrap_err().code, "22003");
        assert_eq!(parse_int("1 2", &DataType::Int4).unwrap_err().code, "22P02");
        assert_eq!(parse_int("-1", &DataType::Oid).unwrap(), Value::Int8(4294967295));
    }

    #[test]
    fn narrowing_reports_the_type() {
        assert_eq!(narrow(40000, &DataType::Int2).unwrap_err().message, "smallint out of range");
        assert_eq!(narrow(40000, &DataType::Int4).unwrap(), Value::Int4(40000));
    }

    proptest! {
        #[test]
        fn int8_round_trips(v in any::<i64>()) {
            prop_assert_eq!(parse_int(&v.to_string(), &DataType::Int8).unwrap(), Value::Int8(v));
        }
    }
}
