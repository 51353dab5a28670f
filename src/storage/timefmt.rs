//! Date, time and interval text as written in table files (ISO-8601, see docs/file-format.md).
//!
//! Values count from PostgreSQL's epoch (2000-01-01): dates in days, times and timestamps in
//! microseconds. Output is hand-formatted (fast, exact: trailing zero fractions dropped);
//! input goes through jiff so hand edits may use any ISO-8601 spelling jiff accepts.

use crate::types::Interval;

use crate::types::calendar::{civil_from_days, days_from_civil, UNIX_TO_PG_DAYS, USECS_PER_DAY as DAY_MICROS};

pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn format_time(micros: i64) -> String {
    let (secs, frac) = (micros / 1_000_000, micros % 1_000_000);
    let mut out = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    push_fraction(frac, &mut out);
    out
}

fn push_fraction(frac: i64, out: &mut String) {
    if frac != 0 {
        let digits = format!("{:06}", frac.abs());
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

pub fn format_timestamp(micros: i64) -> String {
    let days = micros.div_euclid(DAY_MICROS);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{}", format_time(micros.rem_euclid(DAY_MICROS)))
}

/// PostgreSQL's `iso_8601` interval style: `P1Y2M3DT4H5M6.5S`, `PT0S` for zero.
pub fn format_interval(i: &Interval) -> String {
    let mut out = String::from("P");
    let field = |out: &mut String, n: i64, unit: char| {
        if n != 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    };
    field(&mut out, (i.months / 12) as i64, 'Y');
    field(&mut out, (i.months % 12) as i64, 'M');
    field(&mut out, i.days as i64, 'D');
    if i.micros != 0 {
        out.push('T');
        let secs = i.micros / 1_000_000;
        field(&mut out, secs / 3600, 'H');
        field(&mut out, secs / 60 % 60, 'M');
        let (s, frac) = (secs % 60, i.micros % 1_000_000);
        if s != 0 || frac != 0 {
            if i.micros < 0 && s == 0 {
                out.push('-');
            }
            out.push_str(&s.to_string());
            push_fraction(frac, &mut out);
            out.push('S');
        }
    }
    if out == "P" {
        out.push_str("T0S");
    }
    out
}

fn date_days(d: jiff::civil::Date) -> i64 {
    days_from_civil(d.year() as i64, d.month() as u32, d.day() as u32)
}

fn time_micros(t: jiff::civil::Time) -> i64 {
    (t.hour() as i64 * 3600 + t.minute() as i64 * 60 + t.second() as i64) * 1_000_000 + t.subsec_nanosecond() as i64 / 1000
}

pub fn parse_date(s: &str) -> Option<i32> {
    s.parse::<jiff::civil::Date>().ok().and_then(|d| i32::try_from(date_days(d)).ok())
}

pub fn parse_time(s: &str) -> Option<i64> {
    s.parse::<jiff::civil::Time>().ok().map(time_micros)
}

pub fn parse_timestamp(s: &str) -> Option<i64> {
    let dt = s.parse::<jiff::civil::DateTime>().ok()?;
    Some(date_days(dt.date()) * DAY_MICROS + time_micros(dt.time()))
}

pub fn parse_timestamptz(s: &str) -> Option<i64> {
    let ts = s.parse::<jiff::Timestamp>().ok()?;
    Some(ts.as_microsecond() - UNIX_TO_PG_DAYS * DAY_MICROS)
}

/// Parses `P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]` with signed fields.
pub fn parse_interval(s: &str) -> Option<Interval> {
    let mut rest = s.strip_prefix('P')?;
    let mut iv = Interval::default();
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
        let (num, unit) = (&rest[..end], rest.as_bytes()[end]);
        rest = &rest[end + 1..];
        match (in_time, unit) {
            (false, b'Y') => iv.months = iv.months.checked_add(num.parse::<i32>().ok()?.checked_mul(12)?)?,
            (false, b'M') => iv.months = iv.months.checked_add(num.parse().ok()?)?,
            (false, b'W') => iv.days = iv.days.checked_add(num.parse::<i32>().ok()?.checked_mul(7)?)?,
            (false, b'D') => iv.days = iv.days.checked_add(num.parse().ok()?)?,
            (true, b'H') => iv.micros += num.parse::<i64>().ok()?.checked_mul(3_600_000_000)?,
            (true, b'M') => iv.micros += num.parse::<i64>().ok()?.checked_mul(60_000_000)?,
            (true, b'S') => iv.micros += parse_seconds(num)?,
            _ => return None,
        }
    }
    Some(iv)
}

fn parse_seconds(num: &str) -> Option<i64> {
    let d: rust_decimal::Decimal = num.parse().ok()?;
    let micros = d.checked_mul(rust_decimal::Decimal::from(1_000_000))?.round();
    i64::try_from(micros).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_around_the_epoch() {
        for (days, text) in [(0, "2000-01-01"), (8796, "2024-01-31"), (-1, "1999-12-31"), (-730_119, "0001-01-01"), (59, "2000-02-29")] {
            assert_eq!(format_date(days), text);
            assert_eq!(parse_date(text), Some(days));
        }
    }

    #[test]
    fn times_drop_trailing_zero_fractions() {
        assert_eq!(format_time(49_500_000_000), "13:45:00");
        assert_eq!(format_time(49_500_120_000), "13:45:00.12");
        assert_eq!(parse_time("13:45:00.12"), Some(49_500_120_000));
        assert_eq!(format_timestamp(-1), "1999-12-31T23:59:59.999999");
        assert_eq!(parse_timestamp("1999-12-31T23:59:59.999999"), Some(-1));
        assert_eq!(parse_timestamptz("2000-01-01T01:00:00+01:00"), Some(0));
    }

    #[test]
    fn intervals_use_postgres_iso_style() {
        let cases = [
            (Interval { months: 14, days: 3, micros: 14_706_500_000 }, "P1Y2M3DT4H5M6.5S"),
            (Interval::default(), "PT0S"),
            (Interval { months: -1, days: 0, micros: -500_000 }, "P-1MT-0.5S"),
            (Interval { months: 0, days: 1, micros: 3_600_000_000 }, "P1DT1H"),
        ];
        for (iv, text) in cases {
            assert_eq!(format_interval(&iv), text);
            assert_eq!(parse_interval(text), Some(iv), "{text}");
        }
        assert_eq!(parse_interval("P2W"), Some(Interval { months: 0, days: 14, micros: 0 }));
        assert_eq!(parse_interval("1 day"), None);
    }
}
