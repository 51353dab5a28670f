//! Proleptic Gregorian calendar arithmetic on PostgreSQL's internal representations.
//!
//! Dates are days and timestamps microseconds since 2000-01-01 (PostgreSQL's epoch); year 0
//! is 1 BC, as in PostgreSQL's internal `tm_year`. The day/civil conversions are Howard
//! Hinnant's branch-free algorithms, valid for the whole `i32` day range.

pub const USECS_PER_SEC: i64 = 1_000_000;
pub const USECS_PER_MINUTE: i64 = 60 * USECS_PER_SEC;
pub const USECS_PER_HOUR: i64 = 60 * USECS_PER_MINUTE;
pub const USECS_PER_DAY: i64 = 24 * USECS_PER_HOUR;
/// Days from 1970-01-01 (Unix epoch) to 2000-01-01 (PostgreSQL epoch).
pub const UNIX_TO_PG_DAYS: i64 = 10_957;

/// Days since 2000-01-01 of a civil date (month 1..=12, day 1..=31, not validated).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 - UNIX_TO_PG_DAYS
}

/// The civil date (year, month, day) of a day count since 2000-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + UNIX_TO_PG_DAYS + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Adds whole months to a day count, clamping the day to the end of the month as
/// PostgreSQL does (`2024-01-31 + 1 mon = 2024-02-29`).
pub fn add_months(days: i64, months: i64) -> i64 {
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m as i64 - 1) + months;
    let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_round_trip() {
        assert_eq!(days_from_civil(2000, 1, 1), 0);
        assert_eq!(days_from_civil(1970, 1, 1), -10_957);
        assert_eq!(civil_from_days(days_from_civil(-43, 3, 15)), (-43, 3, 15));
        for d in (-3_000_000..3_000_000).step_by(9973) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn month_addition_clamps() {
        let jan31 = days_from_civil(2024, 1, 31);
        assert_eq!(civil_from_days(add_months(jan31, 1)), (2024, 2, 29));
        assert_eq!(civil_from_days(add_months(jan31, -2)), (2023, 11, 30));
    }
}
