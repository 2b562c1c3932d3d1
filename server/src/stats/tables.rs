//! The policy's quarterly statistics (商服贸函〔2018〕157号 三(六)), the 2018
//! pilot targets and the dashboard's chart figures. Pure functions over the
//! groups the database counted and summed.

use super::store::{ChartGroup, CityPopulation, CityTypeGroup};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xuncha_core::CentreType;
use xuncha_core::scoring::Grade;

/// Attachment 4: centres built, under construction and planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Attachment4Row {
    pub city: String,
    #[schema(value_type = String)]
    pub centre_type: CentreType,
    pub built: u32,
    pub under_construction: u32,
    pub planned: u32,
}

/// Attachment 5: operations of built centres in the statistics period (统计期).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Attachment5Row {
    pub city: String,
    #[schema(value_type = String)]
    pub centre_type: CentreType,
    /// Built centres of this city and type.
    pub built: u32,
    /// Of those, the ones with figures for the period.
    pub reporting: u32,
    /// Of those reporting, the ones whose figures the centre reported
    /// itself (or its county for it); the others' come from an inspector.
    pub self_reported: u32,
    /// 营业额, 10,000 yuan.
    pub turnover_10k_yuan: f64,
    /// 服务人次
    pub service_visits: f64,
    /// 员工数量
    pub staff: f64,
    /// 入驻商户数
    pub tenants: f64,
}

/// The 2018 pilot targets (三(四)): at least 10 centres in a city of 10
/// million residents (常住人口) or more, at least 5 in a city of 5–10
/// million; evaluated when the 2018 pilot ended (2018Q4) and at the quarter shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PilotRow {
    pub city: String,
    /// 常住人口
    pub population: Option<u64>,
    pub target: Option<u32>,
    /// Built centres of every type at the quarter's end.
    pub built: u32,
    #[serde(default)]
    pub under_construction: u32,
    pub met: Option<bool>,
    /// Built by the end of 2018Q4, as the registry's dated statuses know it
    /// (a centre with no status recorded by then is not counted).
    #[serde(default)]
    pub built_2018q4: u32,
    #[serde(default)]
    pub met_2018q4: Option<bool>,
}

/// The end of the 2018 pilot year, the targets' own deadline.
pub const PILOT_QUARTER: &str = "2018Q4";

impl PilotRow {
    pub fn new(city: String, population: Option<u64>, built: u32, under_construction: u32, built_2018q4: u32) -> Self {
        let target = population.and_then(pilot_target);
        PilotRow {
            city,
            population,
            target,
            built,
            under_construction,
            met: target.map(|t| built >= t),
            built_2018q4,
            met_2018q4: target.map(|t| built_2018q4 >= t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct QuarterlyStats {
    pub quarter: String,
    pub province: String,
    pub generated_at: i64,
    pub attachment4: Vec<Attachment4Row>,
    pub attachment5: Vec<Attachment5Row>,
    pub pilot: Vec<PilotRow>,
}

/// 常住人口 "1000万以上" includes 10,000,000 itself, as "500万至1000万"
/// includes 5,000,000.
pub fn pilot_target(population: u64) -> Option<u32> {
    match population {
        p if p >= 10_000_000 => Some(10),
        p if p >= 5_000_000 => Some(5),
        _ => None,
    }
}

/// Attachments 4 and 5 and the pilot targets of one province and quarter,
/// from the groups the database counted (see `StatsStore::attachment_groups`):
/// every city and type with a centre has an Attachment 4 row, those with a
/// built centre an Attachment 5 row; every city with a centre or a known
/// population has a pilot row.
pub fn quarterly(
    quarter: &str,
    province: &str,
    groups: &[CityTypeGroup],
    populations: &[CityPopulation],
    now: i64,
) -> QuarterlyStats {
    let mut groups: Vec<&CityTypeGroup> = groups.iter().collect();
    groups.sort_by(|a, b| (&a.city, a.centre_type).cmp(&(&b.city, b.centre_type)));
    let attachment4 = groups
        .iter()
        .map(|g| Attachment4Row {
            city: g.city.clone(),
            centre_type: g.centre_type,
            built: g.built,
            under_construction: g.under_construction,
            planned: g.planned,
        })
        .collect();
    let attachment5 = groups
        .iter()
        .filter(|g| g.built > 0)
        .map(|g| Attachment5Row {
            city: g.city.clone(),
            centre_type: g.centre_type,
            built: g.built,
            reporting: g.reporting,
            self_reported: g.self_reported,
            turnover_10k_yuan: round2(g.turnover_10k_yuan),
            service_visits: g.service_visits,
            staff: g.staff,
            tenants: g.tenants,
        })
        .collect();
    let mut cities: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
    for g in &groups {
        let c = cities.entry(&g.city).or_default();
        *c = (c.0 + g.built, c.1 + g.under_construction, c.2 + g.built_baseline);
    }
    for p in populations.iter().filter(|p| p.province == province) {
        cities.entry(&p.city).or_default();
    }
    let pilot = cities
        .into_iter()
        .map(|(city, (built, building, by_2018))| {
            let population =
                populations.iter().find(|p| p.province == province && p.city == city).map(|p| p.population);
            PilotRow::new(city.to_owned(), population, built, building, by_2018)
        })
        .collect();
    QuarterlyStats {
        quarter: quarter.to_owned(),
        province: province.to_owned(),
        generated_at: now,
        attachment4,
        attachment5,
        pilot,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct GradeCount {
    #[schema(value_type = String, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Grade,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CountyAverage {
    pub county: String,
    pub average: f64,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct QuarterAverage {
    pub quarter: String,
    pub average: f64,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ChartData {
    /// Signed inspections of the quarter by grade, best first.
    pub grades: Vec<GradeCount>,
    pub by_county: Vec<CountyAverage>,
    /// Every quarter of the scope, oldest first.
    pub by_quarter: Vec<QuarterAverage>,
}

/// Chart figures from the newest official inspection of each centre per
/// quarter, as the database grouped them; `quarter` limits the grade and
/// county charts (None: all quarters).
pub fn charts(groups: &[ChartGroup], quarter: Option<&str>) -> ChartData {
    let in_quarter = || groups.iter().filter(|g| quarter.is_none_or(|q| g.quarter == q));
    let grades = [Grade::Excellent, Grade::Good, Grade::Pass, Grade::Fail]
        .into_iter()
        .map(|grade| GradeCount {
            grade,
            count: in_quarter().filter(|g| g.grade == Some(grade)).map(|g| g.count).sum(),
        })
        .collect();
    ChartData {
        grades,
        by_county: averages(in_quarter().map(|g| (&g.county, g)))
            .map(|(county, average, count)| CountyAverage { county, average, count })
            .collect(),
        by_quarter: averages(groups.iter().map(|g| (&g.quarter, g)))
            .map(|(quarter, average, count)| QuarterAverage { quarter, average, count })
            .collect(),
    }
}

/// (key, average total rounded to 0.01, count) per key, in key order.
fn averages<'a>(
    groups: impl Iterator<Item = (&'a String, &'a ChartGroup)>,
) -> impl Iterator<Item = (String, f64, u32)> {
    let mut sums: BTreeMap<&String, (f64, u32)> = BTreeMap::new();
    for (key, g) in groups {
        let e = sums.entry(key).or_default();
        (e.0, e.1) = (e.0 + g.total_sum, e.1 + g.count);
    }
    sums.into_iter().map(|(key, (sum, n))| (key.clone(), round2(sum / f64::from(n.max(1))), n))
}

pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(city: &str, t: CentreType, built: u32, building: u32, by_2018: u32) -> CityTypeGroup {
        CityTypeGroup {
            city: city.into(),
            centre_type: t,
            built,
            under_construction: building,
            planned: 1,
            built_baseline: by_2018,
            reporting: built,
            self_reported: 0,
            turnover_10k_yuan: 10.006,
            service_visits: 3.0,
            staff: 2.0,
            tenants: 1.0,
        }
    }

    #[test]
    fn the_tables_follow_the_groups_and_pilot_rows_sum_a_city_over_its_types() {
        let groups = [
            group("邯郸市", CentreType::Village, 0, 1, 0),
            group("石家庄市", CentreType::Village, 4, 0, 2),
            group("石家庄市", CentreType::Community, 3, 2, 1),
        ];
        let pops = [
            CityPopulation { province: "河北省".into(), city: "石家庄市".into(), population: 11_235_086 },
            CityPopulation { province: "河北省".into(), city: "保定市".into(), population: 9_241_000 },
            CityPopulation { province: "山西省".into(), city: "太原市".into(), population: 5_430_000 },
        ];
        let s = quarterly("2026Q4", "河北省", &groups, &pops, 0);
        let a4: Vec<_> = s.attachment4.iter().map(|r| (r.city.as_str(), r.centre_type)).collect();
        assert_eq!(
            a4,
            [("石家庄市", CentreType::Community), ("石家庄市", CentreType::Village), ("邯郸市", CentreType::Village)],
            "by city, then type"
        );
        assert!(s.attachment5.iter().all(|r| r.city != "邯郸市"), "only built centres report operations");
        assert_eq!(s.attachment5[0].turnover_10k_yuan, 10.01, "rounded to 0.01 (10,000 yuan)");
        let pilot: Vec<_> =
            s.pilot.iter().map(|p| (p.city.as_str(), p.target, p.built, p.under_construction)).collect();
        assert_eq!(pilot, [("保定市", Some(5), 0, 0), ("石家庄市", Some(10), 7, 2), ("邯郸市", None, 0, 1)]);
        assert_eq!((s.pilot[1].built_2018q4, s.pilot[1].met_2018q4), (3, Some(false)));
    }

    #[test]
    fn chart_averages_weigh_each_group_by_its_count() {
        let g = |quarter: &str, county: &str, grade, count, total_sum| ChartGroup {
            quarter: quarter.into(),
            county: county.into(),
            grade,
            count,
            total_sum,
        };
        let groups = [
            g("2026Q3", "长安区", Some(Grade::Pass), 1, 70.0),
            g("2026Q4", "长安区", Some(Grade::Excellent), 3, 285.0),
            g("2026Q4", "长安区", Some(Grade::Pass), 1, 65.0),
            g("2026Q4", "桥西区", None, 2, 100.0),
        ];
        let c = charts(&groups, Some("2026Q4"));
        let grades: Vec<u32> = c.grades.iter().map(|g| g.count).collect();
        assert_eq!(grades, [3, 0, 1, 0], "an ungraded total counts in averages, not in grades");
        assert_eq!(c.by_county[0], CountyAverage { county: "桥西区".into(), average: 50.0, count: 2 });
        assert_eq!(c.by_county[1], CountyAverage { county: "长安区".into(), average: 87.5, count: 4 });
        let q: Vec<_> = c.by_quarter.iter().map(|a| (a.quarter.as_str(), a.average, a.count)).collect();
        assert_eq!(q, [("2026Q3", 70.0, 1), ("2026Q4", 75.0, 6)]);
        assert_eq!(charts(&groups, None).grades[2].count, 2, "every quarter");
    }

    #[test]
    fn pilot_targets_include_their_thresholds() {
        assert_eq!(pilot_target(10_000_000), Some(10));
        assert_eq!(pilot_target(9_999_999), Some(5));
        assert_eq!(pilot_target(5_000_000), Some(5));
        assert_eq!(pilot_target(4_999_999), None);
    }
}
