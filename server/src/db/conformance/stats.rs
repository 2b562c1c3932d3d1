//! Conformance of the statistics the database groups: Attachments 4 and 5
//! per city and centre type, the centres without figures, and the charts'
//! newest official inspection per centre and quarter.

use super::{check, county, err, new_doc};
use crate::accounts::store::Scope;
use crate::db::Store;
use crate::inspections::store::DocWrite;
use crate::operators::store::{FigureValues, NewFigures};
use crate::stats::store::{ChartGroup, CityTypeGroup, StatPeriod};
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;
use xuncha_core::template::StatFigure;
use xuncha_core::{CentreStatus, CentreType};

const BASELINE_END: i64 = 50;

/// A village station of `city` (长安区 of 石家庄市, or 丛台区 of 邯郸市), registered at `at`.
fn register(store: &dyn Store, code: &str, city: &str, status: CentreStatus, at: i64) -> Result<(), String> {
    let county = if city == "石家庄市" { "长安区" } else { "丛台区" };
    store.upsert_centres(&[super::village(code, city, county, status)], at).map(|_| ()).map_err(err)
}

/// An inspection of `code` in `quarter` with its status, score and figures.
fn inspection(
    code: &str,
    quarter: &str,
    status: WorkflowStatus,
    total: Option<f64>,
    figures: &[(StatFigure, f64)],
) -> DocWrite {
    let (_, mut w) = new_doc(code, &["wang"], &[]);
    w.meta.quarter = quarter.into();
    w.summary.status = status;
    w.summary.total = total;
    w.summary.grade = total.map(|t| if t >= 90.0 { Grade::Excellent } else { Grade::Pass });
    w.summary.figures = figures.iter().copied().collect();
    w
}

fn own_figures(store: &dyn Store, code: &str, period: &str, turnover_wan: f64, at: i64) -> Result<(), String> {
    let f = NewFigures {
        centre_code: code.into(),
        period: period.into(),
        values: FigureValues { turnover_wan, visits: 100, staff: 3, merchants: 2 },
        ledger_photo: None,
        note: String::new(),
        warnings: Vec::new(),
        reported_by: "op".into(),
    };
    store.add_figures(&f, at).map(|_| ()).map_err(err)
}

pub(super) fn attachments(store: &dyn Store) -> Result<(), String> {
    use CentreStatus::*;
    // The end of the period the case reads.
    let end = crate::quarter::quarter_end("2026Q4").ok_or("2026Q4 ends")?;
    for code in ["C1", "C2", "C3", "C4"] {
        register(store, code, "石家庄市", Built, 1)?;
    }
    // C4 was under construction when the period ended. E1 has no record
    // that old: its first record (built) stands in, neither its newest nor
    // the registry's (planned). D1 was built only later.
    store.date_statuses(&[("C4".into(), UnderConstruction, end - 10)]).map_err(err)?;
    register(store, "E1", "石家庄市", Planned, end + 5)?;
    store.date_statuses(&[("E1".into(), Built, end + 1)]).map_err(err)?;
    register(store, "D1", "邯郸市", Planned, 1)?;
    store.date_statuses(&[("D1".into(), Built, end + 1_000)]).map_err(err)?;
    // C1 reported its own figures (the newest version counts) and was also
    // inspected; C2's newest official inspection of 2027Q1 observed its 2026Q4.
    own_figures(store, "C1", "2026Q4", 10.5, 2)?;
    own_figures(store, "C1", "2026Q4", 11.0, 3)?;
    // Neither another period's figures nor a centre's not built then count.
    own_figures(store, "C2", "2026Q3", 500.0, 4)?;
    own_figures(store, "C4", "2026Q4", 700.0, 5)?;
    let turnover = StatFigure::Turnover10kYuan;
    let approved = WorkflowStatus::Approved;
    let seen = [
        inspection("C1", "2027Q1", approved, Some(90.0), &[(turnover, 99.0)]),
        inspection("C2", "2027Q1", approved, Some(80.0), &[(turnover, 10.0)]),
    ];
    store.commit_round(seen.to_vec(), None, 10).map_err(err)?;
    let newer = inspection("C2", "2027Q1", approved, Some(85.0), &[(turnover, 12.5), (StatFigure::Staff, 5.0)]);
    store.commit_round(vec![newer], None, 11).map_err(err)?;
    // A newer draft hides nothing: drafts are not results.
    let draft = inspection("C2", "2027Q1", WorkflowStatus::Draft, Some(10.0), &[(turnover, 99.0)]);
    store.commit_round(vec![draft], None, 13).map_err(err)?;
    // Neither a draft nor another quarter's inspection is the period's figures.
    let draft = inspection("C3", "2027Q1", WorkflowStatus::Draft, Some(50.0), &[(turnover, 7.0)]);
    let other = inspection("C3", "2026Q4", approved, Some(50.0), &[(turnover, 7.0)]);
    store.commit_round(vec![draft, other], None, 12).map_err(err)?;

    let period = StatPeriod { quarter: "2026Q4".into(), observed_in: "2027Q1".into(), end, baseline_end: BASELINE_END };
    let province = Scope { province: "河北省".into(), ..Scope::default() };
    let groups = store.attachment_groups(&province, &period).map_err(err)?;
    let by_city = |city: &str| groups.iter().find(|g| g.city == city).cloned().ok_or(format!("{city} is counted"));
    let sjz = by_city("石家庄市")?;
    let expected = CityTypeGroup {
        city: "石家庄市".into(),
        centre_type: CentreType::Village,
        built: 4,
        under_construction: 1,
        planned: 0,
        built_baseline: 4,
        reporting: 2,
        self_reported: 1,
        turnover_10k_yuan: 23.5,
        service_visits: 100.0,
        staff: 8.0,
        tenants: 2.0,
    };
    check(sjz == expected, &format!("石家庄市 as the period ended, own figures first: {sjz:?}"))?;
    let hd = by_city("邯郸市")?;
    check((hd.built, hd.planned, hd.reporting) == (0, 1, 0), "D1 was only planned then")?;
    check(groups.len() == 2, "one group per city and type")?;
    let handan = Scope { province: "河北省".into(), city: "邯郸市".into(), county: "丛台区".into() };
    let county_groups = store.attachment_groups(&handan, &period).map_err(err)?;
    let cities: Vec<&str> = county_groups.iter().map(|g| g.city.as_str()).collect();
    check(cities == ["邯郸市"], "a county reads its own")?;

    let missing = store.unreported(&province, &period, 10).map_err(err)?;
    let codes: Vec<&str> = missing.iter().map(|c| c.code.as_str()).collect();
    check(codes == ["C3", "E1"], &format!("built then without figures, by county and code: {codes:?}"))?;
    check(store.unreported(&province, &period, 1).map_err(err)?.len() == 1, "the limit holds")?;
    let later = StatPeriod { end: end + 2_000, ..period };
    let hd = store.attachment_groups(&province, &later).map_err(err)?;
    check(hd.iter().any(|g| g.city == "邯郸市" && g.built == 1), "D1 built by a later end")
}

pub(super) fn charts(store: &dyn Store) -> Result<(), String> {
    super::centre(store, "C1", "长安区")?;
    super::centre(store, "C2", "长安区")?;
    super::centre(store, "C3", "桥西区")?;
    let approved = WorkflowStatus::Approved;
    store.commit_round(vec![inspection("C1", "2026Q3", approved, Some(70.0), &[])], None, 1).map_err(err)?;
    store.commit_round(vec![inspection("C1", "2026Q4", approved, Some(80.0), &[])], None, 2).map_err(err)?;
    // The newest official inspection of a centre in a quarter is its result.
    store.commit_round(vec![inspection("C1", "2026Q4", approved, Some(90.0), &[])], None, 3).map_err(err)?;
    let draft = inspection("C2", "2026Q4", WorkflowStatus::Draft, Some(10.0), &[]);
    // Submitted work nobody assigned counts only once approved.
    let unassigned = inspection("C2", "2026Q4", WorkflowStatus::Submitted, Some(20.0), &[]);
    let unscored = inspection("C3", "2026Q4", approved, None, &[]);
    store.commit_round(vec![draft, unassigned, unscored], None, 4).map_err(err)?;
    let groups = store.chart_groups(&Scope { province: "河北省".into(), ..Scope::default() }).map_err(err)?;
    let g = |quarter: &str, grade, total_sum| ChartGroup {
        quarter: quarter.into(),
        county: "长安区".into(),
        grade: Some(grade),
        count: 1,
        total_sum,
    };
    let expected = [g("2026Q3", Grade::Pass, 70.0), g("2026Q4", Grade::Excellent, 90.0)];
    check(groups == expected, &format!("the newest official, scored inspection per centre and quarter: {groups:?}"))?;
    check(store.chart_groups(&county("桥西区")).map_err(err)?.is_empty(), "another county's")
}
