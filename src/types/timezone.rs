//! The session TimeZone: resolving its name and finding UTC offsets.
//!
//! Names resolve through jiff's time zone database (the system zoneinfo), except POSIX-style
//! offsets (`+02:00`, `UTC+2`, `<+03>-3`), which PostgreSQL reads with the POSIX sign: positive
//! means west of Greenwich. Offsets are seconds east of UTC. Local times in a DST gap use the
//! offset before the gap and ambiguous local times the standard (later) one, as PostgreSQL does.

use super::calendar::{UNIX_TO_PG_DAYS, USECS_PER_DAY, USECS_PER_SEC};
use crate::error::{sqlstate, Error, Result};
use jiff::tz::{Offset, TimeZone};
use std::cell::RefCell;

const UNIX_TO_PG_USECS: i64 = UNIX_TO_PG_DAYS * USECS_PER_DAY;

thread_local! {
    /// The last zone resolved on this thread: sessions format many values in one zone.
    static LAST: RefCell<Option<(String, TimeZone)>> = const { RefCell::new(None) };
}

/// Resolves a TimeZone setting; 22023 when PostgreSQL would reject it.
pub fn resolve(name: &str) -> Result<TimeZone> {
    if let Some(tz) = LAST.with(|l| l.borrow().as_ref().filter(|(n, _)| n == name).map(|(_, tz)| tz.clone())) {
        return Ok(tz);
    }
    let tz = lookup(name.trim())
        .ok_or_else(|| Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("invalid value for parameter \"TimeZone\": \"{name}\"")))?;
    LAST.with(|l| *l.borrow_mut() = Some((name.to_string(), tz.clone())));
    Ok(tz)
}

fn lookup(name: &str) -> Option<TimeZone> {
    if let Some(secs_west) = posix_offset(name) {
        return Offset::from_seconds(-secs_west).ok().map(TimeZone::fixed);
    }
    TimeZone::get(name).ok().or_else(|| TimeZone::posix(name).ok())
}

/// `+02:00`, `-3`, `UTC+2`, `GMT-05:30`, `<+03>-3`: an optional abbreviation then a POSIX
/// offset (seconds west of UTC).
fn posix_offset(name: &str) -> Option<i32> {
    let rest = match name.strip_prefix('<') {
        Some(r) => &r[r.find('>')? + 1..],
        None => name.trim_start_matches(|c: char| c.is_ascii_alphabetic()),
    };
    if rest.is_empty() || rest.len() == name.len() && !rest.starts_with(['+', '-']) {
        return None;
    }
    parse_hms_offset(rest)
}

/// `[+-]H[H][:MM[:SS]]` or `[+-]HHMM` as signed seconds.
pub fn parse_hms_offset(s: &str) -> Option<i32> {
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let parts: Vec<&str> = digits.split(':').collect();
    let all_digits = |p: &&str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    let (h, m, sec) = match parts.as_slice() {
        [hhmm] if hhmm.len() == 4 && hhmm.bytes().all(|b| b.is_ascii_digit()) => (&hhmm[..2], &hhmm[2..], "0"),
        [h] if all_digits(h) => (*h, "0", "0"),
        [h, m] if all_digits(h) && all_digits(m) => (*h, *m, "0"),
        [h, m, s] if all_digits(h) && all_digits(m) && all_digits(s) => (*h, *m, *s),
        _ => return None,
    };
    let (h, m, sec): (i32, i32, i32) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    (h <= 15 && m < 60 && sec < 60).then_some(sign * (h * 3600 + m * 60 + sec))
}

/// The offset (seconds east) in effect at a UTC instant (microseconds since 2000-01-01).
pub fn utc_offset(tz: &TimeZone, pg_micros: i64) -> i32 {
    let unix = pg_micros.saturating_add(UNIX_TO_PG_USECS);
    jiff::Timestamp::from_microsecond(unix).map(|ts| tz.to_offset(ts).seconds()).unwrap_or(0)
}

/// The offset (seconds east) that applies to a local wall-clock time.
pub fn local_offset(tz: &TimeZone, local_micros: i64) -> i32 {
    let at = |o: i32| utc_offset(tz, local_micros - o as i64 * USECS_PER_SEC);
    let (before, after) = (at(-86_400), at(86_400));
    let valid: Vec<i32> = [before, after].into_iter().filter(|&o| at(o) == o).collect();
    valid.into_iter().min().unwrap_or(before.min(after))
}

/// Formats an offset as PostgreSQL prints it after a timestamptz: `+00`, `+05:30`, `-04:56:02`.
pub fn format_offset(secs: i32, out: &mut String) {
    let (sign, a) = if secs < 0 { ('-', -secs) } else { ('+', secs) };
    out.push(sign);
    out.push_str(&format!("{:02}", a / 3600));
    if a % 3600 != 0 {
        out.push_str(&format!(":{:02}", a / 60 % 60));
    }
    if a % 60 != 0 {
        out.push_str(&format!(":{:02}", a % 60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::calendar::{days_from_civil, USECS_PER_HOUR};

    fn at(y: i64, m: u32, d: u32, hour: i64) -> i64 {
        days_from_civil(y, m, d) * USECS_PER_DAY + hour * USECS_PER_HOUR
    }

    #[test]
    fn posix_offsets_invert_sign() {
        let tz = resolve("+02:00").unwrap();
        assert_eq!(utc_offset(&tz, 0), -7200);
        assert_eq!(utc_offset(&resolve("UTC+2").unwrap(), 0), -7200);
        assert_eq!(utc_offset(&resolve("UTC").unwrap(), 0), 0);
        assert!(resolve("Mars/Olympus").is_err());
    }

    #[test]
    fn named_zones_and_dst() {
        let ny = resolve("America/New_York").unwrap();
        assert_eq!(utc_offset(&ny, at(2024, 1, 31, 12)), -5 * 3600);
        assert_eq!(utc_offset(&ny, at(2024, 7, 1, 12)), -4 * 3600);
        // 01:30 on fall-back day is ambiguous: PostgreSQL takes standard time.
        assert_eq!(local_offset(&ny, at(2024, 11, 3, 1) + 30 * 60_000_000), -5 * 3600);
        // 02:30 on spring-forward day does not exist: the offset before the gap applies.
        assert_eq!(local_offset(&ny, at(2024, 3, 10, 2) + 30 * 60_000_000), -5 * 3600);
    }

    #[test]
    fn offsets_print_like_postgres() {
        let f = |s| {
            let mut o = String::new();
            format_offset(s, &mut o);
            o
        };
        assert_eq!(f(0), "+00");
        assert_eq!(f(19800), "+05:30");
        assert_eq!(f(-10800), "-03");
        assert_eq!(f(-(4 * 3600 + 56 * 60 + 2)), "-04:56:02");
    }
}
