//! float4/float8 text input and output.
//!
//! Output with extra_float_digits >= 1 is the shortest string that reads back to the same
//! value (PostgreSQL 12+): exponent form when the decimal exponent is < -4 or >= 15 (6 for
//! float4), `e+NN` with at least two exponent digits. With extra_float_digits <= 0 it is C's
//! `%.{15+efd}g` (`%.{6+efd}g` for float4). Input is strtod-like with PostgreSQL's errors.

use crate::error::{sqlstate, Error, Result};

/// Which float type: its digits for `%g` (DBL_DIG/FLT_DIG) and its SQL name for errors.
#[derive(Clone, Copy)]
pub enum FloatKind {
    F4,
    F8,
}

impl FloatKind {
    fn dig(self) -> i32 {
        match self {
            FloatKind::F4 => 6,
            FloatKind::F8 => 15,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FloatKind::F4 => "real",
            FloatKind::F8 => "double precision",
        }
    }
}

pub fn format_f64(v: f64, extra_float_digits: i32, out: &mut String) {
    format_float(v, format!("{v:e}"), FloatKind::F8, extra_float_digits, out)
}

pub fn format_f32(v: f32, extra_float_digits: i32, out: &mut String) {
    format_float(v as f64, format!("{v:e}"), FloatKind::F4, extra_float_digits, out)
}

/// `shortest` is Rust's shortest round-trip `{:e}` rendering of the value in its own width.
fn format_float(v: f64, shortest: String, kind: FloatKind, efd: i32, out: &mut String) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
    } else if efd > 0 {
        let (mantissa, exp) = split_exp(&shortest);
        layout(mantissa, exp, exp < -4 || exp >= kind.dig(), out);
    } else {
        format_g(v, (kind.dig() + efd).max(1), out);
    }
}

/// C's `%.{precision}g`.
pub fn format_g(v: f64, precision: i32, out: &mut String) {
    let sci = format!("{:.*e}", (precision - 1) as usize, v);
    let (mantissa, exp) = split_exp(&sci);
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    layout(mantissa, exp, exp < -4 || exp >= precision, out);
}

/// The shortest round-trip digits of `v` in plain notation, never an exponent (`0.0000001`).
pub fn format_plain(v: f64, out: &mut String) {
    let s = format!("{v:e}");
    let (mantissa, exp) = split_exp(&s);
    layout(mantissa, exp, false, out);
}

fn split_exp(sci: &str) -> (&str, i32) {
    let (m, e) = sci.split_once('e').unwrap_or((sci, "0"));
    (m, e.parse().unwrap_or(0))
}

/// Lays out a mantissa `[-]d[.ddd]` with decimal exponent `exp` in exponent or plain form.
fn layout(mantissa: &str, exp: i32, exponent_form: bool, out: &mut String) {
    let (neg, m) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    if neg {
        out.push('-');
    }
    if exponent_form {
        out.push_str(m);
        out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
        return;
    }
    let digits: String = m.chars().filter(|c| *c != '.').collect();
    let point = exp + 1;
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
}

/// A double narrowed to float4 with PostgreSQL's 22003 `value out of range: overflow` /
/// `underflow` (casts and float4 arithmetic, which is exact when computed in double).
pub fn narrow_f32(v: f64) -> Result<f32> {
    let r = v as f32;
    let fault = if r.is_infinite() && v.is_finite() {
        "overflow"
    } else if r == 0.0 && v != 0.0 {
        "underflow"
    } else {
        return Ok(r);
    };
    Err(Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("value out of range: {fault}")))
}

pub fn parse_f64(s: &str) -> Result<f64> {
    parse_float(s, FloatKind::F8, |t| t.parse::<f64>().ok())
}

pub fn parse_f32(s: &str) -> Result<f32> {
    parse_float(s, FloatKind::F4, |t| t.parse::<f32>().ok().map(f64::from)).map(|v| v as f32)
}

fn parse_float(s: &str, kind: FloatKind, parse: impl Fn(&str) -> Option<f64>) -> Result<f64> {
    let t = s.trim();
    let v = parse(t)
        .filter(|_| !t.contains('_'))
        .ok_or_else(|| Error::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("invalid input syntax for type {}: \"{s}\"", kind.name())))?;
    let named = t.to_ascii_lowercase().contains("inf");
    let underflow = v == 0.0 && t.split(['e', 'E']).next().is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)));
    if (v.is_infinite() && !named) || underflow {
        return Err(Error::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("\"{s}\" is out of range for type {}", kind.name())));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn f8(v: f64, efd: i32) -> String {
        let mut o = String::new();
        format_f64(v, efd, &mut o);
        o
    }

    fn f4(v: f32, efd: i32) -> String {
        let mut o = String::new();
        format_f32(v, efd, &mut o);
        o
    }

    #[test]
    fn shortest_output_matches_postgres() {
        // Expected strings from PostgreSQL 15 with extra_float_digits = 1.
        assert_eq!(f8(0.1, 1), "0.1");
        assert_eq!(f8(1e100, 1), "1e+100");
        assert_eq!(f8(1.2345678901234567e-05, 1), "1.2345678901234568e-05");
        assert_eq!(f8(1e15, 1), "1e+15");
        assert_eq!(f8(123456789012345.0, 1), "123456789012345");
        assert_eq!(f8(1e-5, 1), "1e-05");
        assert_eq!(f8(1e-4, 1), "0.0001");
        assert_eq!(f8(-0.0, 1), "-0");
        assert_eq!(f8(f64::NEG_INFINITY, 1), "-Infinity");
        assert_eq!(f8(f64::NAN, 1), "NaN");
        assert_eq!(f4(1e6, 1), "1e+06");
        assert_eq!(f4(100000.0, 1), "100000");
        assert_eq!(f4(1.5e-7, 1), "1.5e-07");
        assert_eq!(f4(0.1, 1), "0.1");
    }

    #[test]
    fn g_output_matches_postgres() {
        // Expected strings from PostgreSQL 15 with extra_float_digits = 0.
        assert_eq!(f8(0.1, 0), "0.1");
        assert_eq!(f8(1e100, 0), "1e+100");
        assert_eq!(f8(1.0 / 3.0, 0), "0.333333333333333");
        assert_eq!(f8(1e15, 0), "1e+15");
        assert_eq!(f4(1234567.0, 0), "1.23457e+06");
        assert_eq!(f4(100000.0, 0), "100000");
    }

    #[test]
    fn input_errors_match_postgres() {
        assert_eq!(parse_f64(" -Infinity ").unwrap(), f64::NEG_INFINITY);
        assert!(parse_f64("nan").unwrap().is_nan());
        let e = parse_f64("abc").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type double precision: \"abc\""));
        let e = parse_f64("1e400").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22003", "\"1e400\" is out of range for type double precision"));
        assert_eq!(parse_f32("1e-50").unwrap_err().code, "22003");
        assert_eq!(parse_f64("0.0e5").unwrap(), 0.0);
    }

    proptest! {
        #[test]
        fn f64_round_trips(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
            prop_assert_eq!(parse_f64(&f8(v, 1)).unwrap().to_bits(), v.to_bits());
        }

        #[test]
        fn f32_round_trips(v in any::<f32>().prop_filter("finite", |v| v.is_finite())) {
            prop_assert_eq!(parse_f32(&f4(v, 1)).unwrap().to_bits(), v.to_bits());
        }
    }
}
