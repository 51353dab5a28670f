//! numeric on top of `rust_decimal`: input, typmod (precision, scale) coercion, output, and
//! conversions to and from integers and floats with PostgreSQL's rounding.
//!
//! A `Decimal` keeps its scale, so `1.50` prints as written. Its range is 28-29 significant
//! digits; larger values, and NaN/Infinity, which `Decimal` cannot hold, are 0A000 rather
//! than silently rounded.

use super::float::format_g;
use crate::error::{sqlstate, Error, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Beyond `Decimal` (about 28 digits): PostgreSQL would hold it, so this is 0A000, not 22003.
fn overflow() -> Error {
    Error::unsupported("numeric value with more than 28 digits")
}

pub fn parse_numeric(s: &str) -> Result<Decimal> {
    let t = s.trim();
    let bad = || Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type numeric: \"{s}\""));
    if ["nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"].contains(&t.to_ascii_lowercase().as_str()) {
        return Err(Error::unsupported(format!("numeric value \"{t}\"")));
    }
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().map_err(|_| bad())?),
        None => (body, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let is_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !is_digits(int) || !is_digits(frac) {
        return Err(bad());
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let scale = frac.len() as i64 - exp;
    let (digits, scale) = if scale < 0 { (format!("{digits}{}", "0".repeat((-scale) as usize)), 0) } else { (digits.to_string(), scale) };
    let m: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| overflow())? };
    let scale = u32::try_from(scale).map_err(|_| overflow())?;
    let mut d = Decimal::try_from_i128_with_scale(if neg { -m } else { m }, scale).map_err(|_| overflow())?;
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    Ok(d)
}

/// Rounds to `scale` digits (half away from zero) and checks the precision:
/// 22003 `numeric field overflow` as numeric(p,s) reports it.
pub fn apply_typmod(d: Decimal, precision: u32, scale: u32) -> Result<Decimal> {
    let r = rescaled(d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero), scale)?;
    let int_digits = r.trunc().abs().to_string().trim_start_matches('0').len() as u32;
    let max = precision.saturating_sub(scale);
    if int_digits > max {
        let limit = if max > 0 { format!("10^{max}") } else { "1".to_string() };
        return Err(Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
            .with_detail(format!("A field with precision {precision}, scale {scale} must round to an absolute value less than {limit}.")));
    }
    Ok(r)
}

pub fn format_numeric(d: &Decimal, out: &mut String) {
    let mut d = *d;
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    out.push_str(&d.to_string());
}

/// Rounds half away from zero to an i64 (numeric -> integer casts); None when out of range.
pub fn to_i64(d: &Decimal) -> Option<i64> {
    d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64()
}

/// The nearest double (numeric -> float casts), through the exact decimal string.
pub fn to_f64(d: &Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// A float as numeric the way PostgreSQL converts it: through `%.{digits}g` (15 for float8,
/// 6 for float4), so `0.1::float4::numeric` is `0.1`.
pub fn from_float(v: f64, digits: i32) -> Result<Decimal> {
    if v.is_nan() || v.is_infinite() {
        return Err(Error::unsupported("converting NaN or infinity to numeric"));
    }
    let mut s = String::new();
    format_g(v, digits, &mut s);
    parse_numeric(&s)
}

/// Base-10000 digits as PostgreSQL stores numeric: (weight of the first digit, digits),
/// without leading or trailing zero digits; zero has no digits.
pub fn to_base10000(d: &Decimal) -> (i16, Vec<i16>) {
    let scale = d.scale() as usize;
    let digits = d.mantissa().unsigned_abs().to_string();
    let (int, frac) = if digits.len() > scale { digits.split_at(digits.len() - scale) } else { ("", digits.as_str()) };
    let frac = format!("{frac:0>scale$}");
    let int_pad = (4 - int.len() % 4) % 4;
    let frac_pad = (4 - frac.len() % 4) % 4;
    let all = format!("{}{int}{frac}{}", "0".repeat(int_pad), "0".repeat(frac_pad));
    let groups: Vec<i16> = all.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("0").parse().unwrap_or(0)).collect();
    let mut weight = ((int.len() + int_pad) / 4) as i16 - 1;
    let lead = groups.iter().take_while(|g| **g == 0).count();
    let trail = groups[lead..].iter().rev().take_while(|g| **g == 0).count();
    weight -= lead as i16;
    let kept = groups[lead..groups.len() - trail].to_vec();
    if kept.is_empty() {
        return (0, kept);
    }
    (weight, kept)
}

/// The Decimal for base-10000 digits with display scale `dscale`.
pub fn from_base10000(negative: bool, weight: i16, digits: &[i16], dscale: u16) -> Result<Decimal> {
    let mut text = String::from(if negative { "-" } else { "" });
    let int_groups = (weight as i32 + 1).max(0) as usize;
    for i in 0..int_groups.max(1) {
        let g = if i < int_groups { digits.get(i).copied().unwrap_or(0) } else { 0 };
        text.push_str(&format!("{g:04}"));
    }
    text.push('.');
    for i in 0..(dscale as usize).div_ceil(4) {
        let idx = i as i32 + weight as i32 + 1;
        let g = if idx >= 0 { digits.get(idx as usize).copied().unwrap_or(0) } else { 0 };
        text.push_str(&format!("{g:04}"));
    }
    let d = parse_numeric(text.trim_end_matches('.'))?;
    rescaled(d.round_dp_with_strategy(dscale as u32, RoundingStrategy::ToZero), dscale as u32)
}

/// `a / b` with PostgreSQL's result scale (at least 16 significant digits, at least the
/// inputs' scales); 0A000 when that needs more digits than `Decimal` has, 22012 on zero.
pub fn div(a: &Decimal, b: &Decimal) -> Result<Decimal> {
    if b.is_zero() {
        return Err(Error::new(sqlstate::DIVISION_BY_ZERO, "division by zero"));
    }
    let first = |d: &Decimal| {
        let (w, digits) = to_base10000(d);
        (w as i32, digits.first().copied().unwrap_or(0))
    };
    let ((w1, f1), (w2, f2)) = (first(a), first(b));
    let qweight = w1 - w2 - i32::from(f1 <= f2);
    let rscale = (16 - qweight * 4).max(a.scale() as i32).max(b.scale() as i32).max(0) as u32;
    let q = a.checked_div(*b).ok_or_else(overflow)?;
    rescaled(q.round_dp_with_strategy(rscale.min(28), RoundingStrategy::MidpointAwayFromZero), rscale)
}

/// `d` (already rounded) shown with exactly `scale` fractional digits, or 0A000 when
/// `Decimal` cannot hold that many.
fn rescaled(mut d: Decimal, scale: u32) -> Result<Decimal> {
    if scale > 28 {
        return Err(overflow());
    }
    d.rescale(scale);
    if d.scale() != scale {
        return Err(overflow());
    }
    Ok(d)
}

/// `a * b` exactly, with PostgreSQL's result scale (the sum of the scales); a product that
/// `Decimal` cannot hold exactly is 0A000 rather than silently rounded.
pub fn mul(a: &Decimal, b: &Decimal) -> Result<Decimal> {
    let mut m = a.mantissa().checked_mul(b.mantissa()).ok_or_else(overflow)?;
    let mut scale = a.scale() + b.scale();
    while scale > 28 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    if scale > 28 {
        return Err(overflow());
    }
    let mut d = Decimal::try_from_i128_with_scale(m, scale).map_err(|_| overflow())?;
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    Ok(d)
}

/// `a + b` (or `a - b`) exactly, at the larger scale as PostgreSQL; 0A000 when `Decimal`
/// would have to round.
pub fn add(a: &Decimal, b: &Decimal, subtract: bool) -> Result<Decimal> {
    let r = if subtract { a.checked_sub(*b) } else { a.checked_add(*b) }.ok_or_else(overflow)?;
    rescaled(r, a.scale().max(b.scale()))
}

/// Checked numeric arithmetic: `None` (overflow of `Decimal`) becomes 0A000.
pub fn checked(r: Option<Decimal>) -> Result<Decimal> {
    r.ok_or_else(overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn show(d: Decimal) -> String {
        let mut o = String::new();
        format_numeric(&d, &mut o);
        o
    }

    #[test]
    fn input_keeps_scale_like_postgres() {
        assert_eq!(show(parse_numeric(" 1.50 ").unwrap()), "1.50");
        assert_eq!(show(parse_numeric("1e5").unwrap()), "100000");
        assert_eq!(show(parse_numeric("1.5e-3").unwrap()), "0.0015");
        assert_eq!(show(parse_numeric("1.50e1").unwrap()), "15.0");
        assert_eq!(show(parse_numeric("-0.00").unwrap()), "0.00");
        assert_eq!(show(parse_numeric(".5").unwrap()), "0.5");
        let e = parse_numeric("abc").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type numeric: \"abc\""));
        assert_eq!(parse_numeric("NaN").unwrap_err().code, "0A000");
    }

    #[test]
    fn typmod_rounds_and_overflows() {
        let d = parse_numeric("123.455").unwrap();
        assert_eq!(show(apply_typmod(d, 5, 2).unwrap()), "123.46");
        assert_eq!(show(apply_typmod(parse_numeric("1.5").unwrap(), 5, 2).unwrap()), "1.50");
        assert_eq!(show(apply_typmod(parse_numeric("-2.5").unwrap(), 3, 0).unwrap()), "-3");
        let e = apply_typmod(parse_numeric("1234.5").unwrap(), 5, 2).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22003", "numeric field overflow"));
        assert_eq!(e.detail.unwrap(), "A field with precision 5, scale 2 must round to an absolute value less than 10^3.");
        assert!(apply_typmod(parse_numeric("999.995").unwrap(), 5, 2).is_err());
        assert_eq!(apply_typmod(parse_numeric("1").unwrap(), 40, 35).unwrap_err().code, "0A000");
    }

    #[test]
    fn conversions_round_like_postgres() {
        assert_eq!(to_i64(&parse_numeric("2.5").unwrap()), Some(3));
        assert_eq!(to_i64(&parse_numeric("-2.5").unwrap()), Some(-3));
        assert_eq!(show(from_float(0.1f32 as f64, 6).unwrap()), "0.1");
        assert_eq!(show(from_float(1e20, 15).unwrap()), "100000000000000000000");
        assert_eq!(to_f64(&parse_numeric("0.1").unwrap()), 0.1);
    }

    #[test]
    fn base10000_digits_and_division_scale() {
        assert_eq!(to_base10000(&parse_numeric("123456789").unwrap()), (2, vec![1, 2345, 6789]));
        assert_eq!(to_base10000(&parse_numeric("0.001").unwrap()), (-1, vec![10]));
        assert_eq!(to_base10000(&parse_numeric("0.00").unwrap()), (0, vec![]));
        assert_eq!(show(from_base10000(true, -1, &[10], 3).unwrap()), "-0.001");
        // PostgreSQL 15: 1/3, 10/4, 123456789/0.001
        let n = |s| parse_numeric(s).unwrap();
        assert_eq!(show(div(&n("1"), &n("3")).unwrap()), "0.33333333333333333333");
        assert_eq!(show(div(&n("10"), &n("4")).unwrap()), "2.5000000000000000");
        assert_eq!(show(div(&n("123456789"), &n("0.001")).unwrap()), "123456789000.00000000");
        assert_eq!(div(&n("1"), &n("0")).unwrap_err().code, "22012");
        assert_eq!(div(&n("0.00000000000000000001"), &n("3")).unwrap_err().code, "0A000");
        assert_eq!(show(mul(&n("1.50"), &n("2.0")).unwrap()), "3.000");
        assert_eq!(show(add(&n("1.10"), &n("2.205"), false).unwrap()), "3.305");
        assert_eq!(show(add(&n("1.10"), &n("1.1"), true).unwrap()), "0.00");
        assert_eq!(add(&n("70000000000000000000000000000"), &n("0.5"), false).unwrap_err().code, "0A000");
        assert_eq!(show(mul(&n("12345678901234567890"), &n("1000000000")).unwrap()), "12345678901234567890000000000");
        assert_eq!(mul(&n("1.123456789012345"), &n("1.123456789012345")).unwrap_err().code, "0A000");
        assert_eq!(mul(&n("79228162514264337593543950335"), &n("2")).unwrap_err().code, "0A000");
        assert_eq!(parse_numeric("1e-30").unwrap_err().code, "0A000");
    }

    proptest! {
        #[test]
        fn base10000_round_trips(m in any::<i64>(), scale in 0u32..12) {
            let d = Decimal::new(m, scale);
            let (w, digits) = to_base10000(&d);
            prop_assert_eq!(show(from_base10000(m < 0, w, &digits, scale as u16).unwrap()), show(d));
        }

        #[test]
        fn numeric_round_trips(m in any::<i64>(), scale in 0u32..12) {
            let d = Decimal::new(m, scale);
            prop_assert_eq!(show(parse_numeric(&show(d)).unwrap()), show(d));
        }
    }
}
