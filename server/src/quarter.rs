//! Quarters (季度) as the policy reports them, in China Standard Time.

const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// `2026Q4` for a time in milliseconds since the epoch.
pub fn quarter_of(ms: i64) -> String {
    let days = ms.saturating_add(CST_OFFSET_MS).div_euclid(86_400_000);
    let (year, month) = civil_from_days(days);
    format!("{year}Q{}", (month - 1) / 3 + 1)
}

/// The last millisecond of a quarter (`2026Q3`), in China Standard Time;
/// `None` for text that is not a quarter.
pub fn quarter_end(q: &str) -> Option<i64> {
    if !is_quarter(q) {
        return None;
    }
    let year: i64 = q.get(..4)?.parse().ok()?;
    let n: i64 = q.get(5..)?.parse().ok()?;
    let (next_year, next_month) = if n == 4 { (year + 1, 1) } else { (year, n * 3 + 1) };
    Some(days_from_civil(next_year, next_month) * 86_400_000 - CST_OFFSET_MS - 1)
}

/// Accepts `YYYYQn` with a plausible year.
pub fn is_quarter(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6
        && s.get(..4).and_then(|y| y.parse::<u16>().ok()).is_some_and(|y| (2000..=2200).contains(&y))
        && b.get(4) == Some(&b'Q')
        && matches!(b.get(5), Some(b'1'..=b'4'))
}

/// The quarter `delta` quarters after `q` (before it when negative):
/// `offset("2027Q1", -1)` is `2026Q4`.
pub fn offset(q: &str, delta: i64) -> Option<String> {
    if !is_quarter(q) {
        return None;
    }
    let index = q.get(..4)?.parse::<i64>().ok()? * 4 + q.get(5..)?.parse::<i64>().ok()? - 1 + delta;
    Some(format!("{}Q{}", index.div_euclid(4), index.rem_euclid(4) + 1))
}

/// `2026Q4` as official tables write it: 2026年第四季度.
pub fn quarter_zh(q: &str) -> String {
    let n = match q.get(5..) {
        Some("1") => "一",
        Some("2") => "二",
        Some("3") => "三",
        Some("4") => "四",
        _ => return q.to_owned(),
    };
    format!("{}年第{n}季度", q.get(..4).unwrap_or_default())
}

/// Days since 1970-01-01 to (year, month), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// (year, month) to days since 1970-01-01 of the month's first day (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_cross_years() {
        assert_eq!(offset("2027Q1", -1).as_deref(), Some("2026Q4"));
        assert_eq!(offset("2026Q4", 1).as_deref(), Some("2027Q1"));
        assert_eq!(offset("2026Q3", -8).as_deref(), Some("2024Q3"));
        assert_eq!(offset("2026Q5", 1), None);
    }

    #[test]
    fn quarters_in_china_time() {
        assert_eq!(quarter_of(0), "1970Q1");
        // 2026-09-30T16:00:00Z is 2026-10-01 00:00 in Beijing.
        assert_eq!(quarter_of(1_790_784_000_000), "2026Q4");
        assert_eq!(quarter_of(1_790_784_000_000 - 1), "2026Q3");
        assert_eq!(quarter_of(1_767_196_800_000), "2026Q1"); // 2025-12-31T16:00Z
        assert!(is_quarter("2026Q4"));
        assert_eq!(quarter_end("2026Q3"), Some(1_790_784_000_000 - 1));
        assert_eq!(quarter_end("2025Q4"), Some(1_767_196_800_000 - 1));
        for q in ["2024Q1", "2024Q2", "2024Q4", "2100Q1"] {
            let end = quarter_end(q).unwrap();
            assert_eq!(quarter_of(end), q);
            assert_ne!(quarter_of(end + 1), q);
        }
        assert_eq!(quarter_end("2026Q5"), None);
        for bad in ["2026Q5", "2026q1", "26Q1", "2026Q", "1999Q1"] {
            assert!(!is_quarter(bad), "{bad}");
        }
    }
}
