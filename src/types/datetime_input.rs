//! Text input of date, time, timestamp and timestamptz.
//!
//! A small scanner reads `[date][T| ][time][zone][ BC|AD]` where the date is ISO
//! (`2024-01-31`), MDY (`01/31/2024`, DateStyle MDY) or `20240131`, the time
//! `HH:MM[:SS[.frac]]`, and the zone `Z`, `+02`, `-03:30`, `+0530` or a zone name. The special
//! words `epoch`, `infinity`, `-infinity`, `now`, `today`, `tomorrow`, `yesterday` are understood.
//! Each type then takes the fields it needs, as PostgreSQL's input functions do.

use super::calendar::{days_from_civil, days_in_month, UNIX_TO_PG_DAYS, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC};
use super::datetime::{DATE_INFINITY, DATE_NEG_INFINITY, TS_INFINITY, TS_NEG_INFINITY};
use super::timezone;
use crate::error::{sqlstate, Error, Result};
use jiff::tz::TimeZone;

/// What the scanner found.
#[derive(Default)]
struct Fields {
    days: Option<i64>,
    time: Option<i64>,
    zone: Option<Zone>,
    special: Option<Special>,
}

enum Zone {
    Offset(i32),
    Named(TimeZone),
}

#[derive(Clone, Copy, PartialEq)]
enum Special {
    Epoch,
    Infinity,
    NegInfinity,
    Now,
    Today(i64),
}

/// Why the scanner failed: bad syntax (22007), a field out of range (22008) or an unknown
/// time zone (22023).
enum Bad {
    Syntax,
    Range,
    Zone(String),
}

/// The first day PostgreSQL accepts: 4714-11-24 BC (Julian day 0).
const MIN_DAYS: i64 = -2_451_545;
/// The day after the last timestamp (294276-12-31) and the last date (5874897-12-31).
const TS_END_DAYS: i64 = 106_751_983;
const DATE_END_DAYS: i64 = 2_145_031_948;

/// Whether a finite timestamp (µs since 2000-01-01) lies in PostgreSQL's range, 4714-11-24 BC
/// to 294276-12-31 (IS_VALID_TIMESTAMP).
pub fn timestamp_in_range(micros: i64) -> bool {
    (MIN_DAYS * USECS_PER_DAY..TS_END_DAYS * USECS_PER_DAY).contains(&micros)
}

pub fn parse_date(s: &str, tz: &TimeZone) -> Result<i32> {
    let f = scan(s).map_err(|e| error(e, "date", s))?;
    match f.special {
        Some(Special::Infinity) => Ok(DATE_INFINITY),
        Some(Special::NegInfinity) => Ok(DATE_NEG_INFINITY),
        Some(sp) => Ok(special_local(sp, tz).div_euclid(USECS_PER_DAY) as i32),
        None => match f.days {
            Some(d) if (MIN_DAYS..=DATE_END_DAYS).contains(&d) => Ok(d as i32),
            Some(_) => Err(Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date out of range: \"{s}\""))),
            None => Err(error(Bad::Syntax, "date", s)),
        },
    }
}

pub fn parse_time(s: &str, tz: &TimeZone) -> Result<i64> {
    let f = scan(s).map_err(|e| error(e, "time", s))?;
    match (f.special, f.time) {
        (Some(Special::Now), _) => Ok(special_local(Special::Now, tz).rem_euclid(USECS_PER_DAY)),
        (None, Some(t)) => Ok(t),
        _ => Err(error(Bad::Syntax, "time", s)),
    }
}

pub fn parse_timestamp(s: &str, tz: &TimeZone) -> Result<i64> {
    let f = scan(s).map_err(|e| error(e, "timestamp", s))?;
    if let Some(sp) = f.special {
        return Ok(special_local(sp, tz));
    }
    local_micros(&f, s, "timestamp")
}

pub fn parse_timestamptz(s: &str, tz: &TimeZone) -> Result<i64> {
    let f = scan(s).map_err(|e| error(e, "timestamp with time zone", s))?;
    match f.special {
        Some(Special::Infinity) => return Ok(TS_INFINITY),
        Some(Special::NegInfinity) => return Ok(TS_NEG_INFINITY),
        Some(Special::Epoch) => return Ok(-UNIX_TO_PG_DAYS * USECS_PER_DAY),
        Some(Special::Now) => return Ok(now_utc()),
        Some(sp @ Special::Today(_)) => return Ok(to_utc(special_local(sp, tz), tz)),
        None => {}
    }
    let local = local_micros(&f, s, "timestamp with time zone")?;
    Ok(match &f.zone {
        Some(Zone::Offset(o)) => local - *o as i64 * USECS_PER_SEC,
        Some(Zone::Named(named)) => to_utc(local, named),
        None => to_utc(local, tz),
    })
}

fn to_utc(local: i64, tz: &TimeZone) -> i64 {
    local - timezone::local_offset(tz, local) as i64 * USECS_PER_SEC
}

fn local_micros(f: &Fields, s: &str, ty: &str) -> Result<i64> {
    let days = f.days.ok_or_else(|| error(Bad::Syntax, ty, s))?;
    if !(MIN_DAYS..TS_END_DAYS).contains(&days) {
        return Err(Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("timestamp out of range: \"{s}\"")));
    }
    Ok(days * USECS_PER_DAY + f.time.unwrap_or(0))
}

/// A special word as a local timestamp in the session zone.
fn special_local(sp: Special, tz: &TimeZone) -> i64 {
    let now = now_utc();
    let local_now = now + timezone::utc_offset(tz, now) as i64 * USECS_PER_SEC;
    match sp {
        Special::Infinity => TS_INFINITY,
        Special::NegInfinity => TS_NEG_INFINITY,
        Special::Epoch => -UNIX_TO_PG_DAYS * USECS_PER_DAY,
        Special::Now => local_now,
        Special::Today(shift) => (local_now.div_euclid(USECS_PER_DAY) + shift) * USECS_PER_DAY,
    }
}

fn now_utc() -> i64 {
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
    unix - UNIX_TO_PG_DAYS * USECS_PER_DAY
}

fn error(bad: Bad, ty: &str, s: &str) -> Error {
    match bad {
        Bad::Syntax => Error::new(sqlstate::INVALID_DATETIME_FORMAT, format!("invalid input syntax for type {ty}: \"{s}\"")),
        Bad::Range => Error::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date/time field value out of range: \"{s}\"")),
        Bad::Zone(z) => Error::new(sqlstate::INVALID_PARAMETER_VALUE, format!("time zone \"{z}\" not recognized")),
    }
}

fn special_word(s: &str) -> Option<Special> {
    Some(match s.to_ascii_lowercase().as_str() {
        "epoch" => Special::Epoch,
        "infinity" | "+infinity" => Special::Infinity,
        "-infinity" => Special::NegInfinity,
        "now" => Special::Now,
        "today" => Special::Today(0),
        "tomorrow" => Special::Today(1),
        "yesterday" => Special::Today(-1),
        _ => return None,
    })
}

fn scan(s: &str) -> std::result::Result<Fields, Bad> {
    let t = s.trim();
    if let Some(sp) = special_word(t) {
        return Ok(Fields { special: Some(sp), ..Fields::default() });
    }
    let mut c = Cursor { s: t, i: 0 };
    let mut f = Fields::default();
    let ymd = match c.textual_date() {
        Some(ymd) => Some(ymd),
        None => c.date()?,
    };
    if ymd.is_some() && c.peek().is_some_and(|b| b.is_ascii_alphabetic() && !b.eq_ignore_ascii_case(&b't')) {
        return Err(Bad::Syntax);
    }
    c.skip_ws();
    if ymd.is_some() && matches!(c.peek(), Some(b'T' | b't')) {
        c.i += 1;
    }
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        f.time = Some(c.time()?);
    }
    c.skip_ws();
    let mut bc = false;
    while let Some(word) = c.word() {
        match word.to_ascii_lowercase().as_str() {
            "bc" => bc = true,
            "ad" => {}
            half @ ("am" | "pm") => f.time = Some(twelve_hour(f.time.ok_or(Bad::Syntax)?, half == "pm")?),
            _ if f.zone.is_none() && (ymd.is_some() || f.time.is_some()) => f.zone = Some(zone(word)?),
            _ => return Err(Bad::Syntax),
        }
        c.skip_ws();
    }
    if let Some((y, m, d)) = ymd {
        let year = if bc { 1 - y } else { y };
        if y <= 0 || y > i32::MAX as i64 || !(1..=12).contains(&m) || d == 0 || d > days_in_month(year, m) {
            return Err(Bad::Range);
        }
        f.days = Some(days_from_civil(year, m, d));
    } else if bc {
        return Err(Bad::Syntax);
    }
    Ok(f)
}

/// `12:30 PM` -> 12:30, `12:30 AM` -> 00:30; hours above 12 are out of range.
fn twelve_hour(time: i64, pm: bool) -> std::result::Result<i64, Bad> {
    let hour = time / USECS_PER_HOUR;
    if hour > 12 {
        return Err(Bad::Range);
    }
    let shift = match (hour == 12, pm) {
        (true, false) => -12,
        (false, true) => 12,
        _ => 0,
    };
    Ok(time + shift * USECS_PER_HOUR)
}

fn zone(word: &str) -> std::result::Result<Zone, Bad> {
    if word.starts_with(['+', '-']) {
        return timezone::parse_hms_offset(word).map(Zone::Offset).ok_or(Bad::Syntax);
    }
    if let Some(hours) = abbreviation(word) {
        return Ok(Zone::Offset(hours * 3600));
    }
    timezone::resolve(word).map(Zone::Named).map_err(|_| Bad::Zone(word.to_ascii_lowercase()))
}

/// Common zone abbreviations from PostgreSQL's Default set (hours east of UTC).
fn abbreviation(word: &str) -> Option<i32> {
    Some(match word.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" | "UT" | "WET" => 0,
        "BST" | "CET" | "WEST" => 1,
        "CEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "JST" | "KST" => 9,
        "EST" => -5,
        "EDT" | "AST" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "AKST" => -9,
        "AKDT" => -8,
        "HST" => -10,
        _ => return None,
    })
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn digits(&mut self) -> &str {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn number(&mut self) -> std::result::Result<i64, Bad> {
        let d = self.digits();
        if d.is_empty() || d.len() > 9 {
            return Err(Bad::Syntax);
        }
        d.parse().map_err(|_| Bad::Syntax)
    }

    fn expect(&mut self, b: u8) -> std::result::Result<(), Bad> {
        if self.peek() != Some(b) {
            return Err(Bad::Syntax);
        }
        self.i += 1;
        Ok(())
    }

    /// `YYYY-MM-DD`, `MM/DD/YYYY` or `YYYYMMDD`; None (cursor unmoved) when a time starts here.
    fn date(&mut self) -> std::result::Result<Option<(i64, u32, u32)>, Bad> {
        let start = self.i;
        let first = self.digits().to_string();
        match self.peek() {
            Some(b'-') => {
                self.i += 1;
                let m = self.number()?;
                self.expect(b'-')?;
                Ok(Some((first.parse().map_err(|_| Bad::Syntax)?, m as u32, self.number()? as u32)))
            }
            Some(b'/') => {
                self.i += 1;
                let d = self.number()?;
                self.expect(b'/')?;
                let year_text = self.digits();
                let y: i64 = year_text.parse().map_err(|_| Bad::Syntax)?;
                let y = if year_text.len() <= 2 { y + if y < 70 { 2000 } else { 1900 } } else { y };
                Ok(Some((y, first.parse::<u32>().map_err(|_| Bad::Syntax)?, d as u32)))
            }
            _ if first.len() == 8 => {
                let n = |r: std::ops::Range<usize>| first[r].parse::<u32>().map_err(|_| Bad::Syntax);
                Ok(Some((n(0..4)? as i64, n(4..6)?, n(6..8)?)))
            }
            _ => {
                self.i = start;
                Ok(None)
            }
        }
    }

    /// `Jan 31 2024`, `31 January, 2024`, `2024-Jan-31`, optionally after a weekday name;
    /// None (cursor unmoved) when the text does not start with such a date.
    fn textual_date(&mut self) -> Option<(i64, u32, u32)> {
        let start = self.i;
        let mut parts: Vec<&'a str> = Vec::with_capacity(3);
        while parts.len() < 3 {
            while self.peek().is_some_and(|b| matches!(b, b' ' | b',' | b'-' | b'\t')) {
                self.i += 1;
            }
            let run = self.alnum_run();
            if run.is_empty() {
                break;
            }
            if !(parts.is_empty() && is_weekday(run)) {
                parts.push(run);
            }
        }
        let found = ymd_with_month_name(&parts);
        if found.is_none() {
            self.i = start;
        }
        found
    }

    /// A run of only letters or only digits.
    fn alnum_run(&mut self) -> &'a str {
        let start = self.i;
        let alpha = self.peek().is_some_and(|b| b.is_ascii_alphabetic());
        while self.peek().is_some_and(|b| if alpha { b.is_ascii_alphabetic() } else { b.is_ascii_digit() }) {
            self.i += 1;
        }
        let s: &'a str = self.s;
        &s[start..self.i]
    }

    /// `HH:MM[:SS[.frac]]` as microseconds, fraction rounded to the microsecond.
    fn time(&mut self) -> std::result::Result<i64, Bad> {
        let h = self.number()?;
        self.expect(b':')?;
        let m = self.number()?;
        let (mut sec, mut frac) = (0, 0);
        if self.peek() == Some(b':') {
            self.i += 1;
            sec = self.number()?;
            if self.peek() == Some(b'.') {
                self.i += 1;
                frac = fraction_micros(self.digits())?;
            }
        }
        let micros = h * USECS_PER_HOUR + m * USECS_PER_MINUTE + sec * USECS_PER_SEC + frac;
        if m > 59 || sec > 60 || micros > USECS_PER_DAY {
            return Err(Bad::Range);
        }
        Ok(micros)
    }

    /// The next whitespace-free word, or None at the end.
    fn word(&mut self) -> Option<&str> {
        let start = self.i;
        while self.peek().is_some_and(|b| !b.is_ascii_whitespace()) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }
}

fn is_weekday(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    w.len() >= 3 && ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"].iter().any(|d| d.starts_with(&w))
}

/// The month (1..=12) named by `word` (`jan`, `January`, `sept`).
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    let w = word.to_ascii_lowercase();
    (w.len() >= 3).then_some(())?;
    MONTHS.iter().position(|m| m.starts_with(&w)).map(|i| i as u32 + 1)
}

/// (year, month, day) from three parts, one a month name: `Mon DD YYYY`, `DD Mon YYYY` or
/// `YYYY Mon DD`.
fn ymd_with_month_name(parts: &[&str]) -> Option<(i64, u32, u32)> {
    let [a, b, c] = parts else { return None };
    let num = |p: &str| p.parse::<i64>().ok();
    let (month, x, y) = match (month_number(a), month_number(b)) {
        (Some(m), _) => (m, num(b)?, *c),
        (None, Some(m)) => (m, num(a)?, *c),
        _ => return None,
    };
    let last = num(y)?;
    if month_number(a).is_none() && a.len() > 2 {
        return Some((x, month, u32::try_from(last).ok()?));
    }
    Some((last, month, u32::try_from(x).ok()?))
}

/// Digits after a decimal point as microseconds, rounded half up like PostgreSQL.
fn fraction_micros(digits: &str) -> std::result::Result<i64, Bad> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Bad::Syntax);
    }
    let padded = format!("{digits:0<7}");
    let seven: i64 = padded[..7].parse().map_err(|_| Bad::Syntax)?;
    Ok((seven + 5) / 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::datetime::{format_date, format_timestamp, format_timestamptz};

    fn utc() -> TimeZone {
        timezone::resolve("UTC").unwrap()
    }

    fn ts(s: &str) -> String {
        let mut o = String::new();
        format_timestamp(parse_timestamp(s, &utc()).unwrap(), &mut o);
        o
    }

    fn tstz(s: &str, zone: &str) -> String {
        let tz = timezone::resolve(zone).unwrap();
        let mut o = String::new();
        format_timestamptz(parse_timestamptz(s, &tz).unwrap(), &tz, &mut o);
        o
    }

    #[test]
    fn dates_parse_in_common_formats() {
        let d = |s| {
            let mut o = String::new();
            format_date(parse_date(s, &utc()).unwrap(), &mut o);
            o
        };
        assert_eq!(d("2024-01-31"), "2024-01-31");
        assert_eq!(d(" 01/02/2024 "), "2024-01-02");
        assert_eq!(d("20240131"), "2024-01-31");
        assert_eq!(d("0044-03-15 BC"), "0044-03-15 BC");
        assert_eq!(d("epoch"), "1970-01-01");
        assert_eq!(d("infinity"), "infinity");
        assert_eq!(d("2024-01-31 13:45:00"), "2024-01-31");
        assert_eq!(d("Jan 31 2024"), "2024-01-31");
        assert_eq!(d("Wed, 31 January, 2024"), "2024-01-31");
        assert_eq!(d("2024-Feb-05"), "2024-02-05");
        assert_eq!(ts("Jan 31 2024 10:00 PM"), "2024-01-31 22:00:00");
        let e = parse_date("2024-02-30", &utc()).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22008", "date/time field value out of range: \"2024-02-30\""));
        assert_eq!(parse_date("2024-01-31x", &utc()).unwrap_err().code, "22007");
        let e = parse_date("abc", &utc()).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22007", "invalid input syntax for type date: \"abc\""));
    }

    #[test]
    fn timestamps_parse_like_postgres() {
        assert_eq!(ts("2024-01-31 13:45:00.123"), "2024-01-31 13:45:00.123");
        assert_eq!(ts("2024-01-31T13:45"), "2024-01-31 13:45:00");
        assert_eq!(ts("2024-01-31 13:45:00+02"), "2024-01-31 13:45:00");
        assert_eq!(ts("2024-01-31 13:45:00.1234567"), "2024-01-31 13:45:00.123457");
        assert!(parse_timestamp("2024-01-31 25:00", &utc()).is_err());
        assert_eq!(ts("2024-01-31 12:05 AM"), "2024-01-31 00:05:00");
        assert_eq!(ts("2024-01-31 1:05 pm"), "2024-01-31 13:05:00");
    }

    #[test]
    fn timestamptz_zones_like_postgres() {
        let ny = "America/New_York";
        assert_eq!(tstz("2024-11-03 01:30", ny), "2024-11-03 01:30:00-05");
        assert_eq!(tstz("2024-03-10 02:30", ny), "2024-03-10 03:30:00-04");
        assert_eq!(tstz("2024-01-31 13:45:00+02", ny), "2024-01-31 06:45:00-05");
        assert_eq!(tstz("2024-01-31T13:45:00Z", ny), "2024-01-31 08:45:00-05");
        assert_eq!(tstz("2024-01-31 13:45 Europe/Berlin", ny), "2024-01-31 07:45:00-05");
        assert_eq!(tstz("epoch", ny), "1969-12-31 19:00:00-05");
        assert_eq!(tstz("0044-03-15 10:00 BC", ny), "0044-03-15 10:00:00-04:56:02 BC");
        assert_eq!(tstz("2024-01-01 00:00:00+00", "+02:00"), "2023-12-31 22:00:00-02");
        assert_eq!(tstz("2024-07-01 10:00 PST", "UTC"), "2024-07-01 18:00:00+00");
        let e = parse_timestamptz("2024-01-31 10:00 Nowhere/Zone", &utc()).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22023", "time zone \"nowhere/zone\" not recognized"));
    }

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("13:45:00.5", &utc()).unwrap(), 13 * USECS_PER_HOUR + 45 * USECS_PER_MINUTE + 500_000);
        assert_eq!(parse_time("24:00", &utc()).unwrap(), USECS_PER_DAY);
        assert_eq!(parse_time("25:00", &utc()).unwrap_err().code, "22008");
    }
}
