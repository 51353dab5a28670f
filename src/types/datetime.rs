//! Text output of date, time, timestamp and timestamptz (DateStyle ISO, MDY).
//!
//! Dates are days and timestamps microseconds since 2000-01-01; `i32::MAX`/`i32::MIN` (dates)
//! and `i64::MAX`/`i64::MIN` (timestamps) are `infinity`/`-infinity`, as in PostgreSQL.
//! Years <= 0 print as BC (`0044-03-15 BC`); fractional seconds drop trailing zeros.

use super::calendar::{civil_from_days, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC};
use super::timezone;
use jiff::tz::TimeZone;
use std::fmt::Write;

pub const DATE_INFINITY: i32 = i32::MAX;
pub const DATE_NEG_INFINITY: i32 = i32::MIN;
pub const TS_INFINITY: i64 = i64::MAX;
pub const TS_NEG_INFINITY: i64 = i64::MIN;

/// `2024-01-31`, `0044-03-15 BC`, `infinity`.
pub fn format_date(days: i32, out: &mut String) {
    match days {
        DATE_INFINITY => out.push_str("infinity"),
        DATE_NEG_INFINITY => out.push_str("-infinity"),
        _ => {
            let bc = push_ymd(days as i64, out);
            if bc {
                out.push_str(" BC");
            }
        }
    }
}

/// Writes `YYYY-MM-DD` and tells whether the year is BC.
fn push_ymd(days: i64, out: &mut String) -> bool {
    let (y, m, d) = civil_from_days(days);
    let bc = y <= 0;
    let _ = write!(out, "{:04}-{:02}-{:02}", if bc { 1 - y } else { y }, m, d);
    bc
}

/// `13:45:00`, `13:45:00.5`, `24:00:00`.
pub fn format_time(micros: i64, out: &mut String) {
    let (h, rem) = (micros / USECS_PER_HOUR, micros % USECS_PER_HOUR);
    let _ = write!(out, "{:02}:{:02}:", h, rem / USECS_PER_MINUTE);
    push_seconds(rem % USECS_PER_MINUTE, out);
}

/// Seconds with 2 digits and the fraction without trailing zeros (`05`, `05.25`); the
/// interval output shares it.
pub fn push_seconds(micros: i64, out: &mut String) {
    let _ = write!(out, "{:02}", micros / USECS_PER_SEC);
    let frac = micros % USECS_PER_SEC;
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// `2024-01-31 13:45:00.123`, `0044-03-15 10:00:00 BC`.
pub fn format_timestamp(micros: i64, out: &mut String) {
    if !push_infinity(micros, out) {
        let bc = push_datetime(micros, out);
        if bc {
            out.push_str(" BC");
        }
    }
}

/// A timestamptz in the session zone: `2024-01-31 13:45:00+05:30`.
pub fn format_timestamptz(micros: i64, tz: &TimeZone, out: &mut String) {
    if push_infinity(micros, out) {
        return;
    }
    let offset = timezone::utc_offset(tz, micros);
    let bc = push_datetime(micros.saturating_add(offset as i64 * USECS_PER_SEC), out);
    timezone::format_offset(offset, out);
    if bc {
        out.push_str(" BC");
    }
}

fn push_infinity(micros: i64, out: &mut String) -> bool {
    match micros {
        TS_INFINITY => out.push_str("infinity"),
        TS_NEG_INFINITY => out.push_str("-infinity"),
        _ => return false,
    }
    true
}

fn push_datetime(micros: i64, out: &mut String) -> bool {
    let bc = push_ymd(micros.div_euclid(USECS_PER_DAY), out);
    out.push(' ');
    format_time(micros.rem_euclid(USECS_PER_DAY), out);
    bc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::calendar::days_from_civil;

    fn s(f: impl FnOnce(&mut String)) -> String {
        let mut o = String::new();
        f(&mut o);
        o
    }

    #[test]
    fn dates_print_like_postgres() {
        assert_eq!(s(|o| format_date(days_from_civil(2024, 1, 31) as i32, o)), "2024-01-31");
        assert_eq!(s(|o| format_date(days_from_civil(-43, 3, 15) as i32, o)), "0044-03-15 BC");
        assert_eq!(s(|o| format_date(DATE_INFINITY, o)), "infinity");
    }

    #[test]
    fn times_and_timestamps_print_like_postgres() {
        assert_eq!(s(|o| format_time(13 * USECS_PER_HOUR + 45 * USECS_PER_MINUTE + 500_000, o)), "13:45:00.5");
        let ts = days_from_civil(2024, 1, 31) * USECS_PER_DAY + 13 * USECS_PER_HOUR + 45 * USECS_PER_MINUTE + 123_000;
        assert_eq!(s(|o| format_timestamp(ts, o)), "2024-01-31 13:45:00.123");
        let bc = days_from_civil(-43, 3, 15) * USECS_PER_DAY + 10 * USECS_PER_HOUR;
        assert_eq!(s(|o| format_timestamp(bc, o)), "0044-03-15 10:00:00 BC");
        let kolkata = timezone::resolve("Asia/Kolkata").unwrap();
        let midnight = days_from_civil(2024, 1, 1) * USECS_PER_DAY;
        assert_eq!(s(|o| format_timestamptz(midnight, &kolkata, o)), "2024-01-01 05:30:00+05:30");
        let ny = timezone::resolve("America/New_York").unwrap();
        assert_eq!(s(|o| format_timestamptz(bc, &ny, o)), "0044-03-15 05:03:58-04:56:02 BC");
    }
}
