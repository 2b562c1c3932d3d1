//! The policy's quarterly statistics (商服贸函〔2018〕157号 三(六)), the 2018
//! pilot targets and the dashboard's chart figures. Pure functions over what
//! the store returns.

use super::store::{CityPopulation, StatDoc};
use crate::operators::store::FigureValues;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;
use xuncha_core::template::StatFigure;
use xuncha_core::{Centre, CentreStatus, CentreType};

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

/// Signed work counts: submitted or approved, not drafts or returned work.
fn signed(d: &StatDoc) -> bool {
    matches!(d.status, WorkflowStatus::Submitted | WorkflowStatus::Approved)
}

/// The newest signed inspection per centre (per quarter when `by_quarter`).
fn latest_signed(docs: &[StatDoc], by_quarter: bool) -> BTreeMap<(String, String), &StatDoc> {
    let mut latest: BTreeMap<(String, String), &StatDoc> = BTreeMap::new();
    for d in docs.iter().filter(|d| signed(d)) {
        let key = (if by_quarter { d.quarter.clone() } else { String::new() }, d.centre_code.clone());
        let newer =
            latest.get(&key).is_none_or(|l| (l.quarter.as_str(), l.updated_at) < (d.quarter.as_str(), d.updated_at));
        if newer {
            latest.insert(key, d);
        }
    }
    latest
}

/// What Attachment 5 sums for a period: each centre's own report of it,
/// and inspectors' observations of it (an inspection asks for the last
/// complete quarter, so the next quarter's inspections observe this one).
#[derive(Debug, Default)]
pub struct PeriodFigures<'a> {
    /// Centre code → the newest version the centre (or its county) reported.
    pub reported: BTreeMap<String, FigureValues>,
    /// The next quarter's inspections.
    pub observed: &'a [StatDoc],
}

fn add_reported(row: &mut Attachment5Row, v: &FigureValues) {
    row.turnover_10k_yuan += v.turnover_wan;
    row.service_visits += v.visits as f64;
    row.staff += v.staff as f64;
    row.tenants += v.merchants as f64;
}

fn add_observed(row: &mut Attachment5Row, figures: &BTreeMap<StatFigure, f64>) {
    for (&figure, &value) in figures {
        let value = if value.is_finite() { value } else { 0.0 };
        match figure {
            StatFigure::Turnover10kYuan => row.turnover_10k_yuan += value,
            StatFigure::ServiceVisits => row.service_visits += value,
            StatFigure::Staff => row.staff += value,
            StatFigure::Tenants => row.tenants += value,
        }
    }
}

/// Where a centre's figures for the period come from.
enum Figures<'a> {
    Own(&'a FigureValues),
    Observed(&'a BTreeMap<StatFigure, f64>),
}

fn figures_of<'a>(
    c: &Centre,
    period: &'a PeriodFigures<'_>,
    latest: &BTreeMap<(String, String), &'a StatDoc>,
) -> Option<Figures<'a>> {
    if let Some(own) = period.reported.get(&c.code) {
        return Some(Figures::Own(own));
    }
    let observed = latest.get(&(String::new(), c.code.clone())).map(|d| &d.figures).filter(|f| !f.is_empty())?;
    Some(Figures::Observed(observed))
}

/// Built centres with no figures for the period, neither their own nor
/// an inspector's (未报): who the county still has to chase.
pub fn unreported<'c>(centres: &'c [Centre], period: &PeriodFigures<'_>) -> Vec<&'c Centre> {
    let latest = latest_signed(period.observed, false);
    centres.iter().filter(|c| c.status == CentreStatus::Built && figures_of(c, period, &latest).is_none()).collect()
}

/// Attachments 4 and 5 and the pilot targets of one province and quarter.
/// `centres` are the province's registry as the quarter ended; `baseline`
/// their statuses as known at the end of [`PILOT_QUARTER`]. A centre's
/// own report of the period comes first; a centre that has not reported
/// counts with what an inspector observed, so the table says how many of
/// its figures are the centres' own.
pub fn quarterly(
    quarter: &str,
    province: &str,
    centres: &[Centre],
    period: &PeriodFigures<'_>,
    populations: &[CityPopulation],
    baseline: &HashMap<String, CentreStatus>,
    now: i64,
) -> QuarterlyStats {
    let mut a4: BTreeMap<(String, CentreType), Attachment4Row> = BTreeMap::new();
    let mut a5: BTreeMap<(String, CentreType), Attachment5Row> = BTreeMap::new();
    let latest = latest_signed(period.observed, false);
    for c in centres {
        let key = (c.region.city.clone(), c.centre_type);
        let row = a4.entry(key.clone()).or_insert_with(|| Attachment4Row {
            city: c.region.city.clone(),
            centre_type: c.centre_type,
            built: 0,
            under_construction: 0,
            planned: 0,
        });
        match c.status {
            CentreStatus::Built => row.built += 1,
            CentreStatus::UnderConstruction => row.under_construction += 1,
            CentreStatus::Planned => row.planned += 1,
        }
        if c.status != CentreStatus::Built {
            continue;
        }
        let row = a5.entry(key).or_insert_with(|| Attachment5Row {
            city: c.region.city.clone(),
            centre_type: c.centre_type,
            built: 0,
            reporting: 0,
            self_reported: 0,
            turnover_10k_yuan: 0.0,
            service_visits: 0.0,
            staff: 0.0,
            tenants: 0.0,
        });
        row.built += 1;
        match figures_of(c, period, &latest) {
            Some(Figures::Own(own)) => {
                (row.reporting, row.self_reported) = (row.reporting + 1, row.self_reported + 1);
                add_reported(row, own);
            }
            Some(Figures::Observed(figures)) => {
                row.reporting += 1;
                add_observed(row, figures);
            }
            None => {}
        }
    }
    let mut cities: BTreeSet<String> = centres.iter().map(|c| c.region.city.clone()).collect();
    cities.extend(populations.iter().filter(|p| p.province == province).map(|p| p.city.clone()));
    let pilot = cities
        .into_iter()
        .map(|city| {
            let population =
                populations.iter().find(|p| p.province == province && p.city == city).map(|p| p.population);
            let of_city = || centres.iter().filter(|c| c.region.city == city);
            let built = count(of_city().filter(|c| c.status == CentreStatus::Built));
            let building = count(of_city().filter(|c| c.status == CentreStatus::UnderConstruction));
            let by_2018 = count(of_city().filter(|c| baseline.get(&c.code) == Some(&CentreStatus::Built)));
            PilotRow::new(city, population, built, building, by_2018)
        })
        .collect();
    QuarterlyStats {
        quarter: quarter.to_owned(),
        province: province.to_owned(),
        generated_at: now,
        attachment4: a4.into_values().collect(),
        attachment5: a5
            .into_values()
            .map(|mut r| {
                r.turnover_10k_yuan = round2(r.turnover_10k_yuan);
                r
            })
            .collect(),
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

/// Chart figures from the newest signed inspection of each centre per
/// quarter; `quarter` limits the grade and county charts (None: all quarters).
pub fn charts(docs: &[StatDoc], quarter: Option<&str>) -> ChartData {
    let latest = latest_signed(docs, true);
    let scored: Vec<&StatDoc> = latest.values().copied().filter(|d| d.total.is_some()).collect();
    let in_quarter: Vec<&StatDoc> = scored.iter().copied().filter(|d| quarter.is_none_or(|q| d.quarter == q)).collect();
    let grades = [Grade::Excellent, Grade::Good, Grade::Pass, Grade::Fail]
        .into_iter()
        .map(|g| GradeCount { grade: g, count: count(in_quarter.iter().filter(|d| d.grade == Some(g))) })
        .collect();
    ChartData {
        grades,
        by_county: averages(in_quarter.iter().map(|d| (d.county.clone(), d.total)))
            .map(|(county, average, count)| CountyAverage { county, average, count })
            .collect(),
        by_quarter: averages(scored.iter().map(|d| (d.quarter.clone(), d.total)))
            .map(|(quarter, average, count)| QuarterAverage { quarter, average, count })
            .collect(),
    }
}

/// (key, average rounded to 0.01, count) per key, in key order.
fn averages(values: impl Iterator<Item = (String, Option<f64>)>) -> impl Iterator<Item = (String, f64, u32)> {
    let mut sums: BTreeMap<String, (f64, u32)> = BTreeMap::new();
    for (key, total) in values {
        if let Some(t) = total {
            let e = sums.entry(key).or_default();
            e.0 += t;
            e.1 += 1;
        }
    }
    sums.into_iter().map(|(key, (sum, n))| (key, round2(sum / f64::from(n.max(1))), n))
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuncha_core::Region;

    fn centre(code: &str, city: &str, t: CentreType, status: CentreStatus) -> Centre {
        Centre {
            code: code.into(),
            name: code.into(),
            centre_type: t,
            region: Region {
                province: "河北省".into(),
                city: city.into(),
                county: "长安区".into(),
                township: String::new(),
            },
            lat: 38.0,
            lon: 114.5,
            geofence_m: 150.0,
            floor_area_m2: Some(1200.0),
            community_floor_area_m2: Some(10_000.0),
            households: Some(3000.0),
            population_served: None,
            status,
            zone: None,
            datum: Default::default(),
        }
    }

    fn doc(code: &str, status: &str, quarter: &str, at: i64, figures: &str, total: f64) -> StatDoc {
        StatDoc {
            centre_code: code.into(),
            city: "石家庄市".into(),
            county: "长安区".into(),
            quarter: quarter.into(),
            status: serde_json::from_value(serde_json::Value::String(status.into())).unwrap(),
            total: Some(total),
            grade: Some(if total >= 90.0 { Grade::Excellent } else { Grade::Pass }),
            figures: serde_json::from_str(figures).unwrap(),
            updated_at: at,
        }
    }

    #[test]
    fn attachments_count_the_registry_and_sum_the_latest_signed_figures() {
        let centres = [
            centre("C1", "石家庄市", CentreType::Community, CentreStatus::Built),
            centre("C2", "石家庄市", CentreType::Community, CentreStatus::Built),
            centre("C3", "石家庄市", CentreType::Community, CentreStatus::Planned),
            centre("V1", "邯郸市", CentreType::Village, CentreStatus::UnderConstruction),
        ];
        // 2027Q1's inspections observe 2026Q4, the period of the table.
        let docs = [
            doc("C1", "submitted", "2027Q1", 1, r#"{"turnover10k_yuan": 10.0, "staff": 4}"#, 80.0),
            // A newer signed inspection of the same centre replaces the older one.
            doc("C1", "approved", "2027Q1", 2, r#"{"turnover10k_yuan": 12.5, "staff": 5}"#, 92.0),
            // Drafts do not count.
            doc("C2", "draft", "2027Q1", 3, r#"{"turnover10k_yuan": 99.0}"#, 50.0),
        ];
        let pops = [
            CityPopulation { province: "河北省".into(), city: "石家庄市".into(), population: 11_235_086 },
            CityPopulation { province: "河北省".into(), city: "邯郸市".into(), population: 9_413_990 },
        ];
        let period = PeriodFigures { reported: BTreeMap::new(), observed: &docs };
        let baseline = [("C1".to_owned(), CentreStatus::Built), ("C2".to_owned(), CentreStatus::Planned)].into();
        let s = quarterly("2026Q4", "河北省", &centres, &period, &pops, &baseline, 0);
        let sjz = s.attachment4.iter().find(|r| r.city == "石家庄市").unwrap();
        assert_eq!((sjz.built, sjz.under_construction, sjz.planned), (2, 0, 1));
        let a5 = &s.attachment5[0];
        assert_eq!((a5.built, a5.reporting, a5.self_reported), (2, 1, 0));
        assert_eq!((a5.turnover_10k_yuan, a5.staff), (12.5, 5.0));
        // The centres' own reports come first; the inspector's observation fills the gap.
        let own = FigureValues { turnover_wan: 30.25, visits: 900, staff: 3, merchants: 2 };
        let reported = [("C1".to_owned(), own), ("C2".to_owned(), own)].into_iter().collect();
        let period = PeriodFigures { reported, observed: &docs };
        let s = quarterly("2026Q4", "河北省", &centres, &period, &pops, &baseline, 0);
        let a5 = &s.attachment5[0];
        assert_eq!((a5.reporting, a5.self_reported, a5.turnover_10k_yuan, a5.staff), (2, 2, 60.5, 6.0));
        assert!(s.attachment5.iter().all(|r| r.city != "邯郸市"), "only built centres report operations");
        let pilot: Vec<_> = s.pilot.iter().map(|p| (p.city.as_str(), p.target, p.built, p.met)).collect();
        assert_eq!(pilot, [("石家庄市", Some(10), 2, Some(false)), ("邯郸市", Some(5), 0, Some(false))]);
        let handan = &s.pilot[1];
        assert_eq!(handan.under_construction, 1, "under construction is shown beside built");
        assert_eq!((s.pilot[0].built_2018q4, s.pilot[0].met_2018q4), (1, Some(false)), "built by 2018Q4: C1 only");
    }

    #[test]
    fn pilot_targets_include_their_thresholds() {
        assert_eq!(pilot_target(10_000_000), Some(10));
        assert_eq!(pilot_target(9_999_999), Some(5));
        assert_eq!(pilot_target(5_000_000), Some(5));
        assert_eq!(pilot_target(4_999_999), None);
    }

    #[test]
    fn charts_use_the_latest_signed_inspection_per_centre_and_quarter() {
        let docs = [
            doc("C1", "submitted", "2026Q3", 1, "{}", 70.0),
            doc("C1", "submitted", "2026Q4", 2, "{}", 80.0),
            doc("C1", "approved", "2026Q4", 3, "{}", 90.0),
            doc("C2", "returned", "2026Q4", 4, "{}", 10.0),
        ];
        let c = charts(&docs, Some("2026Q4"));
        assert_eq!(c.grades.iter().map(|g| g.count).sum::<u32>(), 1);
        assert_eq!(c.by_county, [CountyAverage { county: "长安区".into(), average: 90.0, count: 1 }]);
        let q: Vec<_> = c.by_quarter.iter().map(|a| (a.quarter.as_str(), a.average)).collect();
        assert_eq!(q, [("2026Q3", 70.0), ("2026Q4", 90.0)]);
    }
}
