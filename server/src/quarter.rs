//! Quarters (季度) as the policy reports them, in China Standard Time.

const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// `2026Q4` for a time in milliseconds since the epoch.
pub fn quarter_of(ms: i64) -> String {
    let days = ms.saturating_add(CST_OFFSET_MS).div_euclid(86_400_000);
    let (year, month) = civil_from_days(days);
    format!("{year}Q{}", (month - 1) / 3 + 1)
}

/// Accepts `YYYYQn` with a plausible year.
pub fn is_quarter(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6
        && s.get(..4).and_then(|y| y.parse::<u16>().ok()).is_some_and(|y| (2000..=2200).contains(&y))
        && b.get(4) == Some(&b'Q')
        && matches!(b.get(5), Some(b'1'..=b'4'))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_in_china_time() {
        assert_eq!(quarter_of(0), "1970Q1");
        // 2026-09-30T16:00:00Z is 2026-10-01 00:00 in Beijing.
        assert_eq!(quarter_of(1_790_784_000_000), "2026Q4");
        assert_eq!(quarter_of(1_790_784_000_000 - 1), "2026Q3");
        assert_eq!(quarter_of(1_767_196_800_000), "2026Q1"); // 2025-12-31T16:00Z
        assert!(is_quarter("2026Q4"));
        for bad in ["2026Q5", "2026q1", "26Q1", "2026Q", "1999Q1"] {
            assert!(!is_quarter(bad), "{bad}");
        }
    }
}
