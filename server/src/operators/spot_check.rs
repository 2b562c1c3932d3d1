//! Inspectors' figures as a spot check (抽查核实) of what a centre reported:
//! an inspection of quarter Q records the last complete quarter's figures
//! (Q−1), so they are compared with the centre's own report of Q−1, figure
//! by figure, and a deviation past the province's threshold is flagged.

use super::store::{CentreFigures, Figure, FigureValues};
use serde::Serialize;
use std::collections::BTreeMap;
use xuncha_core::template::StatFigure;

/// The province's default: a deviation over 20% is flagged.
pub const DEFAULT_THRESHOLD: f64 = 0.2;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct SpotCheck {
    /// The period both describe (统计期): the quarter before the inspection's.
    pub period: String,
    /// The centre's newest report of the period, if it reported.
    pub reported: Option<CentreFigures>,
    pub rows: Vec<SpotRow>,
    /// Deviations past this fraction are flagged (province setting).
    pub threshold: f64,
}

/// One figure: reported, observed, and how far the observation is from the report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct SpotRow {
    pub figure: Figure,
    pub reported: Option<f64>,
    pub observed: Option<f64>,
    /// (observed − reported) / reported; none unless both are there and the report is not zero.
    pub deviation: Option<f64>,
    pub flagged: bool,
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn reported_value(v: &FigureValues, figure: Figure) -> f64 {
    match figure {
        Figure::Turnover => v.turnover_wan,
        Figure::Visits => v.visits as f64,
        Figure::Staff => v.staff as f64,
        Figure::Merchants => v.merchants as f64,
    }
}

fn stat_of(figure: Figure) -> StatFigure {
    match figure {
        Figure::Turnover => StatFigure::Turnover10kYuan,
        Figure::Visits => StatFigure::ServiceVisits,
        Figure::Staff => StatFigure::Staff,
        Figure::Merchants => StatFigure::Tenants,
    }
}

/// The comparison of a report with an inspection's observed figures.
pub fn compare(
    period: String,
    reported: Option<CentreFigures>,
    observed: &BTreeMap<StatFigure, f64>,
    threshold: f64,
) -> SpotCheck {
    let rows = [Figure::Turnover, Figure::Visits, Figure::Staff, Figure::Merchants]
        .into_iter()
        .map(|figure| {
            let r = reported.as_ref().map(|f| reported_value(&f.values, figure));
            let o = observed.get(&stat_of(figure)).copied().filter(|v| v.is_finite());
            let deviation =
                r.zip(o).filter(|(r, _)| *r != 0.0).map(|(r, o)| ((o - r) / r * 10_000.0).round() / 10_000.0);
            let flagged = match (r, o) {
                (Some(0.0), Some(o)) => o != 0.0,
                _ => deviation.is_some_and(|d| d.abs() > threshold),
            };
            SpotRow { figure, reported: r, observed: o, deviation, flagged }
        })
        .collect();
    SpotCheck { period, reported, rows, threshold }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(turnover_wan: f64, visits: i64) -> CentreFigures {
        CentreFigures {
            centre_code: "C1".into(),
            period: "2026Q3".into(),
            version: 1,
            values: FigureValues { turnover_wan, visits, staff: 5, merchants: 0 },
            ledger_photo: None,
            note: String::new(),
            warnings: Vec::new(),
            reported_by: "op".into(),
            reported_at: 1,
        }
    }

    #[test]
    fn deviations_past_the_threshold_are_flagged() {
        let observed =
            [(StatFigure::Turnover10kYuan, 130.0), (StatFigure::ServiceVisits, 1_100.0), (StatFigure::Tenants, 2.0)]
                .into_iter()
                .collect();
        let s = compare("2026Q3".into(), Some(report(100.0, 1_000)), &observed, 0.2);
        let rows: Vec<_> = s.rows.iter().map(|r| (r.figure, r.deviation, r.flagged)).collect();
        assert_eq!(
            rows,
            [
                (Figure::Turnover, Some(0.3), true),
                (Figure::Visits, Some(0.1), false),
                (Figure::Staff, None, false),
                (Figure::Merchants, None, true),
            ],
            "staff was not observed; merchants reported as none but seen"
        );
    }

    #[test]
    fn without_a_report_nothing_is_flagged() {
        let observed = [(StatFigure::Turnover10kYuan, 130.0)].into_iter().collect();
        let s = compare("2026Q3".into(), None, &observed, 0.2);
        assert!(s.rows.iter().all(|r| !r.flagged && r.deviation.is_none()));
        assert_eq!(s.rows.first().and_then(|r| r.observed), Some(130.0));
    }
}
