//! When each level reports a quarter (下季度初: the province sets the
//! days), whether a region is overdue, and its 报送及时率.

use super::store::{ReportLevel, ReportSummary};
use crate::accounts::store::Scope;
use crate::dates;
use crate::quarter::quarter_end;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The day of the month after a quarter by which each level submits its
/// report of it: counties first, so that cities and then the province
/// have days to review and consolidate. Each is kept within 1..=28.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportDeadlines {
    pub county: u8,
    pub city: u8,
    /// 报送商务部: the policy's 下季度初.
    pub province: u8,
}

impl Default for ReportDeadlines {
    fn default() -> Self {
        Self { county: 5, city: 8, province: 10 }
    }
}

impl ReportDeadlines {
    /// The last day (China, YYYY-MM-DD) a level may submit its first
    /// version of a quarter's report on time; None for text that is not a quarter.
    pub fn deadline(&self, quarter: &str, level: ReportLevel) -> Option<String> {
        let day = match level {
            ReportLevel::County => self.county,
            ReportLevel::City => self.city,
            ReportLevel::Province => self.province,
        };
        let next_quarter_starts = dates::date_of(quarter_end(quarter)?.checked_add(1)?);
        let days = i64::from(day.clamp(1, 28)) - 1;
        Some(next_quarter_starts.checked_add(days.days()).ok()?.to_string())
    }
}

/// A region's timeliness over some quarters: how many reports were due,
/// how many came by their deadline, late, or not yet.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Timeliness {
    pub region: Scope,
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    /// Due (past its deadline) and never submitted.
    pub missing: u32,
    /// on_time ÷ due, to four places; None when nothing was due.
    pub rate: Option<f64>,
}

/// The first submission of each (quarter, region) in `versions`.
pub fn first_submissions(versions: &[ReportSummary]) -> BTreeMap<(String, Scope), i64> {
    let mut first: BTreeMap<(String, Scope), i64> = BTreeMap::new();
    for v in versions {
        let at = first.entry((v.quarter.clone(), v.region.clone())).or_insert(v.submitted_at);
        *at = (*at).min(v.submitted_at);
    }
    first
}

/// Timeliness of `region` over `quarters`: a quarter whose deadline has not
/// passed counts only once it was submitted (then on time).
pub fn timeliness(
    region: &Scope,
    level: ReportLevel,
    quarters: &[String],
    first: &BTreeMap<(String, Scope), i64>,
    deadlines: &ReportDeadlines,
    today: &str,
) -> Timeliness {
    let mut t = Timeliness { region: region.clone(), due: 0, on_time: 0, late: 0, missing: 0, rate: None };
    for q in quarters {
        let Some(deadline) = deadlines.deadline(q, level) else { continue };
        match first.get(&(q.clone(), region.clone())) {
            Some(&at) if dates::date_of(at).to_string() <= deadline => t.on_time += 1,
            Some(_) => t.late += 1,
            None if today > deadline.as_str() => t.missing += 1,
            None => continue,
        }
        t.due += 1;
    }
    t.rate = (t.due > 0).then(|| (f64::from(t.on_time) / f64::from(t.due) * 10_000.0).round() / 10_000.0);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_fall_early_in_the_next_quarter_in_china_time() {
        let d = ReportDeadlines::default();
        assert_eq!(d.deadline("2026Q4", ReportLevel::County).as_deref(), Some("2027-01-05"));
        assert_eq!(d.deadline("2026Q4", ReportLevel::Province).as_deref(), Some("2027-01-10"));
        assert_eq!(d.deadline("2026Q1", ReportLevel::City).as_deref(), Some("2026-04-08"));
        let odd = ReportDeadlines { county: 0, city: 40, province: 10 };
        assert_eq!(odd.deadline("2026Q2", ReportLevel::County).as_deref(), Some("2026-07-01"), "at least the 1st");
        assert_eq!(odd.deadline("2026Q2", ReportLevel::City).as_deref(), Some("2026-07-28"), "at most the 28th");
        assert_eq!(d.deadline("2026Q5", ReportLevel::City), None);
    }

    #[test]
    fn a_report_on_its_deadline_day_is_on_time_and_one_never_sent_is_missing() {
        let d = ReportDeadlines::default();
        let county = Scope { province: "河北省".into(), city: "石家庄市".into(), county: "长安区".into() };
        // 2027-01-05 23:59 in Beijing is 15:59 UTC.
        let on_deadline = 1_799_164_740_000;
        let mut first = BTreeMap::new();
        first.insert(("2026Q4".to_owned(), county.clone()), on_deadline);
        first.insert(("2026Q3".to_owned(), county.clone()), on_deadline);
        let quarters = ["2026Q2", "2026Q3", "2026Q4", "2027Q1"].map(String::from);
        let t = timeliness(&county, ReportLevel::County, &quarters, &first, &d, "2027-01-20");
        assert_eq!((t.due, t.on_time, t.late, t.missing), (3, 1, 1, 1), "2027Q1 is not due yet");
        assert_eq!(t.rate, Some(0.3333));
    }
}
