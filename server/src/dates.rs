//! Calendar dates as Chinese offices count them: deadlines and "overdue" are
//! China Standard Time (UTC+8, no daylight saving) dates, YYYY-MM-DD.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

fn china() -> TimeZone {
    TimeZone::fixed(Offset::constant(8))
}

/// The China date of an instant (ms since the Unix epoch).
pub fn date_of(ms: i64) -> Date {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH).to_zoned(china()).date()
}

pub fn today() -> String {
    date_of(crate::storage::now_ms()).to_string()
}

/// The date `days` after the China date of `ms`, as YYYY-MM-DD.
pub fn days_after(ms: i64, days: u32) -> String {
    let date = date_of(ms);
    date.checked_add(i64::from(days).days()).unwrap_or(date).to_string()
}

/// The first millisecond of a China date written YYYY-MM-DD.
pub fn start_of(text: &str) -> Option<i64> {
    if !is_date(text) {
        return None;
    }
    let date: Date = text.parse().ok()?;
    Some(date.to_zoned(china()).ok()?.timestamp().as_millisecond())
}

/// Whether `text` is a valid date written YYYY-MM-DD.
pub fn is_date(text: &str) -> bool {
    text.len() == 10 && text.parse::<Date>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_dates_turn_at_midnight_beijing_time() {
        // 2026-12-31T15:59:59.999Z is 23:59:59.999 in Beijing; a ms later it is the new year.
        let last = 1_798_732_799_999;
        assert_eq!(date_of(last).to_string(), "2026-12-31");
        assert_eq!(date_of(last + 1).to_string(), "2027-01-01");
        assert_eq!(days_after(last, 30), "2027-01-30");
        assert!(is_date("2027-02-28") && !is_date("2027-02-30") && !is_date("2027-2-1"));
        assert_eq!(start_of("2027-01-01"), Some(last + 1));
        assert_eq!(start_of("2027-02-30"), None);
    }
}
