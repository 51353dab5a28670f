//! Interval text input and output (IntervalStyle postgres) and interval arithmetic helpers.
//!
//! Output follows PostgreSQL's EncodeInterval: `1 year 2 mons 3 days 04:05:06.5`, signs per
//! field, `+` after a negative field. Input reads the postgres verbose format (`1 day 2 hours`,
//! `@ 1 minute ago`, `-01:02:03`, bare numbers as seconds) and ISO 8601 (`P1Y2M3DT4H5M6S`),
//! spreading fractional units down as PostgreSQL does (`1.5 months` = `1 mon 15 days`).

use super::calendar::{USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC};
use super::datetime::push_seconds;
use super::Interval;
use crate::error::{sqlstate, Error, Result};
use std::fmt::Write;

const DAYS_PER_MONTH: f64 = 30.0;

pub fn format_interval(iv: &Interval, out: &mut String) {
    let (years, mons) = (iv.months / 12, iv.months % 12);
    let (mut is_zero, mut is_before) = (true, false);
    for (value, unit) in [(years, "year"), (mons, "mon"), (iv.days, "day")] {
        if value != 0 {
            let sep = if is_zero { "" } else { " " };
            let plus = if is_before && value > 0 { "+" } else { "" };
            let plural = if value != 1 { "s" } else { "" };
            let _ = write!(out, "{sep}{plus}{value} {unit}{plural}");
            is_before = value < 0;
            is_zero = false;
        }
    }
    if is_zero || iv.micros != 0 {
        let sign = if iv.micros < 0 {
            "-"
        } else if is_before {
            "+"
        } else {
            ""
        };
        let a = iv.micros.unsigned_abs();
        let (hour, minute) = (USECS_PER_HOUR as u64, USECS_PER_MINUTE as u64);
        let _ = write!(out, "{}{sign}{:02}:{:02}:", if is_zero { "" } else { " " }, a / hour, a / minute % 60);
        push_seconds((a % minute) as i64, out);
    }
}

/// Accumulates an interval from fields that may carry fractions.
#[derive(Default)]
struct Acc {
    months: f64,
    days: f64,
    micros: f64,
}

impl Acc {
    /// Adds `n` units; fractions spill into smaller units like PostgreSQL's AdjustFract*.
    fn add(&mut self, n: f64, unit: Unit) {
        match unit {
            Unit::Months(k) => {
                let whole = (n * k).trunc();
                self.months += whole;
                self.add(n * k - whole, Unit::Days(DAYS_PER_MONTH));
            }
            Unit::Days(k) => {
                let whole = (n * k).trunc();
                self.days += whole;
                self.micros += (n * k - whole) * USECS_PER_DAY as f64;
            }
            Unit::Micros(k) => self.micros += n * k,
        }
    }

    fn finish(self, negate: bool) -> Option<Interval> {
        let sign = if negate { -1.0 } else { 1.0 };
        let fits = |v: f64| v.is_finite() && v.abs() <= i32::MAX as f64;
        let (months, days, micros) = (self.months * sign, self.days * sign, (self.micros * sign).round());
        (fits(months) && fits(days) && micros.abs() <= i64::MAX as f64).then_some(Interval {
            months: months as i32,
            days: days as i32,
            micros: micros as i64,
        })
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Months(f64),
    Days(f64),
    Micros(f64),
}

fn unit(word: &str) -> Option<Unit> {
    Some(match word {
        "microsecond" | "microseconds" | "us" | "usec" | "usecs" | "useconds" => Unit::Micros(1.0),
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" | "mseconds" => Unit::Micros(1e3),
        "second" | "seconds" | "s" | "sec" | "secs" => Unit::Micros(1e6),
        "minute" | "minutes" | "m" | "min" | "mins" => Unit::Micros(6e7),
        "hour" | "hours" | "h" | "hr" | "hrs" => Unit::Micros(3.6e9),
        "day" | "days" | "d" => Unit::Days(1.0),
        "week" | "weeks" | "w" => Unit::Days(7.0),
        "month" | "months" | "mon" | "mons" => Unit::Months(1.0),
        "year" | "years" | "y" | "yr" | "yrs" => Unit::Months(12.0),
        "decade" | "decades" => Unit::Months(120.0),
        "century" | "centuries" => Unit::Months(1200.0),
        "millennium" | "millennia" => Unit::Months(12000.0),
        _ => return None,
    })
}

pub fn parse_interval(s: &str) -> Result<Interval> {
    let lower = s.trim().to_ascii_lowercase();
    let parsed = match lower.strip_prefix('p') {
        Some(iso) => parse_iso(iso),
        None => parse_verbose(&lower),
    };
    let (acc, negate) =
        parsed.ok_or_else(|| Error::new(sqlstate::INVALID_DATETIME_FORMAT, format!("invalid input syntax for type interval: \"{s}\"")))?;
    acc.finish(negate).ok_or_else(|| Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("interval field value out of range: \"{s}\"")))
}

/// The fields of the postgres format, and whether `ago` negates them.
fn parse_verbose(s: &str) -> Option<(Acc, bool)> {
    let mut acc = Acc::default();
    let mut tokens = split_tokens(s.strip_prefix('@').unwrap_or(s)).into_iter().peekable();
    let (mut ago, mut any, mut bare_seconds) = (false, false, false);
    while let Some(tok) = tokens.next() {
        if tok == "ago" && !ago {
            ago = true;
            continue;
        }
        any = true;
        if tok.contains(':') {
            acc.micros += clock_micros(tok)?;
        } else if let Some(months) = year_month(tok) {
            acc.months += months;
        } else {
            let n: f64 = tok.parse().ok().filter(|n: &f64| n.is_finite())?;
            let next = tokens.peek().copied();
            match next.and_then(unit) {
                Some(u) => {
                    tokens.next();
                    acc.add(n, u);
                }
                // SQL-standard `3 4:05:06`: a bare number before a clock time is days.
                None if next.is_some_and(|w| w.contains(':')) => acc.add(n, Unit::Days(1.0)),
                None if !bare_seconds => {
                    bare_seconds = true;
                    acc.add(n, Unit::Micros(1e6));
                }
                None => return None,
            }
        }
    }
    any.then_some((acc, ago))
}

/// SQL-standard `Y-M` (`1-2`, `-1-2`) as months.
fn year_month(tok: &str) -> Option<f64> {
    let (neg, body) = tok.strip_prefix('-').map_or((false, tok), |b| (true, b));
    let (y, m) = body.split_once('-')?;
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(y) || !all_digits(m) {
        return None;
    }
    let months = y.parse::<f64>().ok()? * 12.0 + m.parse::<f64>().ok()?;
    Some(if neg { -months } else { months })
}

/// Splits `1day2h -3 hours` into `1`, `day`, `2`, `h`, `-3`, `hours`: numbers and units
/// may touch. Clock times (`-01:02:03`) stay whole.
fn split_tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in s.split_whitespace() {
        if word.contains(':') {
            out.push(word);
            continue;
        }
        let mut start = 0;
        let bytes = word.as_bytes();
        for i in 1..bytes.len() {
            if bytes[i].is_ascii_alphabetic() != bytes[i - 1].is_ascii_alphabetic() {
                out.push(&word[start..i]);
                start = i;
            }
        }
        out.push(&word[start..]);
    }
    out
}

/// `[-]H:MM[:SS[.frac]]` as signed microseconds.
fn clock_micros(tok: &str) -> Option<f64> {
    let (neg, body) = match tok.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, tok.strip_prefix('+').unwrap_or(tok)),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let num = |p: &str| p.parse::<f64>().ok().filter(|v| *v >= 0.0 && !p.starts_with(['+', '-']));
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (num(h)?, num(m)?, 0.0),
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        _ => return None,
    };
    if m >= 60.0 || sec >= 60.0 || m.fract() != 0.0 || h.fract() != 0.0 {
        return None;
    }
    let v = h * USECS_PER_HOUR as f64 + m * USECS_PER_MINUTE as f64 + sec * USECS_PER_SEC as f64;
    Some(if neg { -v } else { v })
}

/// ISO 8601 `P1Y2M3W4DT5H6M7.5S` (the leading `P` already removed).
fn parse_iso(s: &str) -> Option<(Acc, bool)> {
    let mut acc = Acc::default();
    let (date, time) = s.split_once('t').unwrap_or((s, ""));
    for (part, in_time) in [(date, false), (time, true)] {
        let mut rest = part;
        while !rest.is_empty() {
            let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let n: f64 = rest[..end].parse().ok()?;
            let u = match (rest.as_bytes()[end], in_time) {
                (b'y', false) => Unit::Months(12.0),
                (b'm', false) => Unit::Months(1.0),
                (b'w', false) => Unit::Days(7.0),
                (b'd', false) => Unit::Days(1.0),
                (b'h', true) => Unit::Micros(3.6e9),
                (b'm', true) => Unit::Micros(6e7),
                (b's', true) => Unit::Micros(1e6),
                _ => return None,
            };
            acc.add(n, u);
            rest = &rest[end + 1..];
        }
    }
    (!s.is_empty()).then_some((acc, false))
}

/// `interval * factor` as PostgreSQL's interval_mul: fractional months become days and
/// fractional days become time.
pub fn mul(iv: &Interval, factor: f64) -> Result<Interval> {
    let months = iv.months as f64 * factor;
    let month_days = ((months - months.trunc()) * DAYS_PER_MONTH * 1e6).round() / 1e6;
    let days = iv.days as f64 * factor;
    let mut sec_rem = (days - days.trunc() + month_days - month_days.trunc()) * 86_400.0;
    sec_rem = (sec_rem * 1e6).round() / 1e6;
    let mut whole_days = days.trunc() + month_days.trunc();
    if sec_rem.abs() >= 86_400.0 {
        whole_days += (sec_rem / 86_400.0).trunc();
        sec_rem -= (sec_rem / 86_400.0).trunc() * 86_400.0;
    }
    let micros = (iv.micros as f64 * factor + sec_rem * 1e6).round();
    let fits = |v: f64| v.is_finite() && v.abs() <= i32::MAX as f64;
    if !fits(months) || !fits(whole_days) || micros.is_nan() || micros.abs() > i64::MAX as f64 {
        return Err(Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, "interval out of range"));
    }
    Ok(Interval { months: months.trunc() as i32, days: whole_days as i32, micros: micros as i64 })
}

/// Field-wise sum or difference; 22008 `interval out of range` on overflow.
pub fn add(a: &Interval, b: &Interval, negate_b: bool) -> Result<Interval> {
    let s = if negate_b { -1 } else { 1 };
    let months = (a.months as i64 + s * b.months as i64).try_into().ok();
    let days = (a.days as i64 + s * b.days as i64).try_into().ok();
    let micros = b.micros.checked_mul(s).and_then(|m| a.micros.checked_add(m));
    match (months, days, micros) {
        (Some(months), Some(days), Some(micros)) => Ok(Interval { months, days, micros }),
        _ => Err(Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, "interval out of range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str) -> String {
        let mut o = String::new();
        format_interval(&parse_interval(s).unwrap(), &mut o);
        o
    }

    #[test]
    fn output_matches_postgres() {
        // Expected strings from PostgreSQL 15 (`select 'x'::interval`).
        assert_eq!(round("1 year 2 mons 3 days 04:05:06.5"), "1 year 2 mons 3 days 04:05:06.5");
        assert_eq!(round("-1 year 2 mons"), "-10 mons");
        assert_eq!(round("1.5 years"), "1 year 6 mons");
        assert_eq!(round("1.5 months"), "1 mon 15 days");
        assert_eq!(round("1.5 days"), "1 day 12:00:00");
        assert_eq!(round("-1 days -02:00:00"), "-1 days -02:00:00");
        assert_eq!(round("1 day -1 second"), "1 day -00:00:01");
        assert_eq!(round("P1DT2H"), "1 day 02:00:00");
        assert_eq!(round("100 hours"), "100:00:00");
        assert_eq!(round("0"), "00:00:00");
        assert_eq!(round("-1 day"), "-1 days");
        assert_eq!(round("@ 1 minute ago"), "-00:01:00");
        assert_eq!(round("2 hours 30 minutes"), "02:30:00");
        assert_eq!(round("01:02:03"), "01:02:03");
        assert_eq!(round("-1 days +2 hours"), "-1 days +02:00:00");
        assert_eq!(round("1 week"), "7 days");
        assert_eq!(round("P1Y2M3W"), "1 year 2 mons 21 days");
        let mut o = String::new();
        format_interval(&Interval { months: 0, days: 0, micros: i64::MIN }, &mut o);
        assert_eq!(o, "-2562047788:00:54.775808");
        assert_eq!(round("1d2h"), "1 day 02:00:00");
        assert_eq!(round("3 4:05:06"), "3 days 04:05:06");
        assert_eq!(round("-1-2"), "-1 years -2 mons");
        assert_eq!(round("1-2 3 4:05:06"), "1 year 2 mons 3 days 04:05:06");
        assert_eq!(round("3 days 4"), "3 days 00:00:04");
        assert!(parse_interval("3 4").is_err());
        assert_eq!(round("1 year ago 2 days"), "-1 years -2 days");
    }

    #[test]
    fn bad_input_is_22007() {
        let e = parse_interval("1 fortnight").unwrap_err();
        assert_eq!(e.code, "22007");
        assert_eq!(e.message, "invalid input syntax for type interval: \"1 fortnight\"");
        assert!(parse_interval("").is_err());
        assert!(parse_interval("ago").is_err());
        let e = parse_interval("99999999999999999999 years").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22008", "interval field value out of range: \"99999999999999999999 years\""));
    }

    #[test]
    fn multiplication_spreads_fractions() {
        let iv = parse_interval("1 mon 1 day").unwrap();
        let mut o = String::new();
        format_interval(&mul(&iv, 1.5).unwrap(), &mut o);
        assert_eq!(o, "1 mon 16 days 12:00:00");
        // PostgreSQL 15 rounds the days carried from months to the microsecond-day first.
        let mut o = String::new();
        format_interval(&mul(&parse_interval("1 mon").unwrap(), 1.0 / 7.0).unwrap(), &mut o);
        assert_eq!(o, "4 days 06:51:25.6896");
    }
}
