//! Calendar dates (UTC days) for flag ages: parsing, arithmetic and printing, by hand because the
//! report needs nothing more.

use std::fmt;

/// A day, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

/// The years a written date may have: a flag's remove-by date, a state export's `modified`,
/// `--today`. Anything else is a typo or an attempt to overflow the arithmetic.
pub const YEARS: std::ops::RangeInclusive<i64> = 1970..=9999;

impl Date {
    /// `YYYY-MM-DD` (anything may follow the day, such as a time), in [`YEARS`].
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: i64 = parts.next()?.parse().ok()?;
        let day: i64 = parts.next()?.get(..2)?.parse().ok()?;
        if !YEARS.contains(&year)
            || !(1..=12).contains(&month)
            || !(1..=days_in_month(year, month)).contains(&day)
        {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// The UTC day of a Unix timestamp.
    pub fn from_unix(seconds: i64) -> Date {
        Date(seconds.div_euclid(86_400))
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Date::from_unix(seconds)
    }

    /// Days from `earlier` to `self`.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.0 - earlier.0
    }

    pub fn plus_days(self, days: i64) -> Date {
        Date(self.0 + days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_arithmetic() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2026-03-01",
            "2026-12-31",
            "9999-12-31",
        ] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap(), Date(1));
        let a = Date::parse("2026-01-05").unwrap();
        let b = Date::parse("2026-05-01").unwrap();
        assert_eq!(b.days_since(a), 116);
        assert_eq!(a.plus_days(116), b);
        assert_eq!(Date::from_unix(1_767_225_600).to_string(), "2026-01-01");
        // A timestamp with a time part is the day it falls on.
        assert_eq!(
            Date::parse("2026-03-01T12:00:00").unwrap().to_string(),
            "2026-03-01"
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "yesterday",
            "2026-1",
            "",
            "1969-12-31",
            "10000-01-01",
            "9223372036854775807-12-31",
            "-9223372036854775808-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }
}
