//! A report's frozen tables, and how a city or province consolidates the
//! reports below it. Pure functions: the service reads, these compute.

use super::level::ReportLevel;
use crate::accounts::store::Scope;
use crate::stats::store::CityPopulation;
use crate::stats::tables::{Attachment4Row, Attachment5Row, PilotRow, QuarterlyStats, round2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xuncha_core::CentreType;

/// What a report says, as it was when submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportSnapshot {
    pub quarter: String,
    pub region: Scope,
    pub level: ReportLevel,
    pub attachment4: Vec<Attachment4Row>,
    pub attachment5: Vec<Attachment5Row>,
    /// A city's own target, or every city's in a province's report; none in a county's.
    pub pilot: Vec<PilotRow>,
    /// A county's built centres without figures for the period (未报);
    /// a consolidated report counts them (`built - reporting`) instead.
    pub unreported: Vec<UnreportedCentre>,
    /// The reports a city's or province's report consolidates, by version.
    pub parts: Vec<ReportPart>,
    /// Centres built by the end of 2018Q4 (the pilot's baseline), summed up the chain.
    #[serde(default)]
    pub built_2018q4: u32,
    pub generated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct UnreportedCentre {
    pub code: String,
    pub name: String,
}

/// A report consolidated into another: which region, which version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportPart {
    pub region: Scope,
    pub id: i64,
    pub version: u32,
}

impl ReportSnapshot {
    /// A county's report: its live tables as the quarter stands now.
    pub fn of_county(region: Scope, stats: QuarterlyStats, unreported: Vec<UnreportedCentre>) -> Self {
        Self {
            built_2018q4: stats.pilot.iter().map(|p| p.built_2018q4).sum(),
            quarter: stats.quarter,
            region,
            level: ReportLevel::County,
            attachment4: stats.attachment4,
            attachment5: stats.attachment5,
            pilot: Vec::new(),
            unreported,
            parts: Vec::new(),
            generated_at: stats.generated_at,
        }
    }

    /// The tables as the statistics pages and their bilingual downloads read them.
    pub fn as_stats(&self) -> QuarterlyStats {
        QuarterlyStats {
            quarter: self.quarter.clone(),
            province: self.region.province.clone(),
            generated_at: self.generated_at,
            attachment4: self.attachment4.clone(),
            attachment5: self.attachment5.clone(),
            pilot: self.pilot.clone(),
        }
    }

    /// Built centres, and those with figures for the period.
    pub fn coverage(&self) -> (u32, u32) {
        self.attachment5.iter().fold((0, 0), |(b, r), row| (b + row.built, r + row.reporting))
    }
}

/// A city's or province's report from the reports of the regions below it:
/// their rows summed by city and type. A city's pilot target is its own
/// (from its population); a province's lists its cities'.
pub fn consolidate(
    quarter: &str,
    region: Scope,
    level: ReportLevel,
    parts: &[(ReportPart, &ReportSnapshot)],
    populations: &[CityPopulation],
    now: i64,
) -> ReportSnapshot {
    let mut a4: BTreeMap<(String, CentreType), Attachment4Row> = BTreeMap::new();
    let mut a5: BTreeMap<(String, CentreType), Attachment5Row> = BTreeMap::new();
    for (_, s) in parts {
        for r in &s.attachment4 {
            let row = a4.entry((r.city.clone(), r.centre_type)).or_insert_with(|| Attachment4Row {
                built: 0,
                under_construction: 0,
                planned: 0,
                ..r.clone()
            });
            row.built += r.built;
            row.under_construction += r.under_construction;
            row.planned += r.planned;
        }
        for r in &s.attachment5 {
            let row = a5.entry((r.city.clone(), r.centre_type)).or_insert_with(|| Attachment5Row {
                built: 0,
                reporting: 0,
                self_reported: 0,
                turnover_10k_yuan: 0.0,
                service_visits: 0.0,
                staff: 0.0,
                tenants: 0.0,
                ..r.clone()
            });
            row.built += r.built;
            row.reporting += r.reporting;
            row.self_reported += r.self_reported;
            row.turnover_10k_yuan += r.turnover_10k_yuan;
            row.service_visits += r.service_visits;
            row.staff += r.staff;
            row.tenants += r.tenants;
        }
    }
    let built_2018q4 = parts.iter().map(|(_, s)| s.built_2018q4).sum();
    let pilot = match level {
        ReportLevel::City => {
            let population = populations
                .iter()
                .find(|p| p.province == region.province && p.city == region.city)
                .map(|p| p.population);
            let built = a4.values().map(|r| r.built).sum();
            let building = a4.values().map(|r| r.under_construction).sum();
            vec![PilotRow::new(region.city.clone(), population, built, building, built_2018q4)]
        }
        ReportLevel::Province => {
            let mut rows: Vec<PilotRow> = parts.iter().flat_map(|(_, s)| s.pilot.iter().cloned()).collect();
            rows.sort_by(|a, b| a.city.cmp(&b.city));
            rows
        }
        ReportLevel::County => Vec::new(),
    };
    ReportSnapshot {
        quarter: quarter.to_owned(),
        region,
        level,
        attachment4: a4.into_values().collect(),
        attachment5: a5
            .into_values()
            .map(|mut r| {
                r.turnover_10k_yuan = round2(r.turnover_10k_yuan);
                r
            })
            .collect(),
        pilot,
        unreported: Vec::new(),
        parts: parts.iter().map(|(p, _)| p.clone()).collect(),
        built_2018q4,
        generated_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn county(name: &str, built: u32, reporting: u32, turnover: f64) -> ReportSnapshot {
        let region = Scope { province: "河北省".into(), city: "石家庄市".into(), county: name.into() };
        ReportSnapshot {
            quarter: "2026Q4".into(),
            region,
            level: ReportLevel::County,
            attachment4: vec![Attachment4Row {
                city: "石家庄市".into(),
                centre_type: CentreType::Village,
                built,
                under_construction: 1,
                planned: 2,
            }],
            attachment5: vec![Attachment5Row {
                city: "石家庄市".into(),
                centre_type: CentreType::Village,
                built,
                reporting,
                self_reported: reporting,
                turnover_10k_yuan: turnover,
                service_visits: 10.0,
                staff: 2.0,
                tenants: 1.0,
            }],
            pilot: Vec::new(),
            unreported: Vec::new(),
            parts: Vec::new(),
            built_2018q4: built / 2,
            generated_at: 0,
        }
    }

    fn part(s: &ReportSnapshot) -> (ReportPart, &ReportSnapshot) {
        (ReportPart { region: s.region.clone(), id: 1, version: 1 }, s)
    }

    fn city() -> Scope {
        Scope { province: "河北省".into(), city: "石家庄市".into(), county: String::new() }
    }

    #[test]
    fn a_city_sums_its_counties_and_meets_its_pilot_target_at_exactly_ten() {
        let (a, b) = (county("长安区", 6, 5, 12.5), county("桥西区", 4, 4, 7.25));
        let pops =
            [CityPopulation { province: "河北省".into(), city: "石家庄市".into(), population: 10_000_000 }];
        let s = consolidate("2026Q4", city(), ReportLevel::City, &[part(&a), part(&b)], &pops, 5);
        assert_eq!(s.attachment4.len(), 1);
        assert_eq!((s.attachment4[0].built, s.attachment4[0].under_construction, s.attachment4[0].planned), (10, 2, 4));
        assert_eq!((s.attachment5[0].built, s.attachment5[0].reporting), (10, 9));
        assert_eq!(s.attachment5[0].turnover_10k_yuan, 19.75);
        assert_eq!(s.coverage(), (10, 9));
        assert_eq!(s.pilot.len(), 1);
        assert_eq!((s.pilot[0].target, s.pilot[0].built, s.pilot[0].met), (Some(10), 10, Some(true)));
        assert_eq!(
            (s.pilot[0].under_construction, s.pilot[0].built_2018q4, s.pilot[0].met_2018q4),
            (2, 5, Some(false))
        );
        assert_eq!(s.parts.len(), 2);
    }

    proptest! {
        /// Consolidating never loses or invents a centre or a yuan.
        #[test]
        fn consolidation_preserves_totals(counties in prop::collection::vec((0u32..500, 0u32..500, 0u32..100_000), 1..30)) {
            let snaps: Vec<ReportSnapshot> = counties
                .iter()
                .enumerate()
                .map(|(i, &(built, rep, cents))| county(&format!("县{i}"), built, rep.min(built), f64::from(cents) / 100.0))
                .collect();
            let parts: Vec<_> = snaps.iter().map(part).collect();
            let s = consolidate("2026Q4", city(), ReportLevel::City, &parts, &[], 0);
            let built: u32 = counties.iter().map(|c| c.0).sum();
            let reporting: u32 = counties.iter().map(|c| c.1.min(c.0)).sum();
            let cents: u64 = counties.iter().map(|c| u64::from(c.2)).sum();
            prop_assert_eq!(s.coverage(), (built, reporting));
            prop_assert!((s.attachment5[0].turnover_10k_yuan - cents as f64 / 100.0).abs() < 1e-6);
            prop_assert_eq!(s.attachment4[0].planned, 2 * counties.len() as u32);
        }
    }
}
