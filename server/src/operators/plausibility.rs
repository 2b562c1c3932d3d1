//! Plausibility checks (合理性校验) of a centre's figures before they are
//! submitted: the reporter sees the warnings and confirms them or corrects
//! the figures; confirmed warnings are kept with the figures, so a
//! supervisor sees what was queried.

use super::store::{Figure, FigureValues, FigureWarning};

/// A change larger than this fraction against the previous period is queried.
pub const MAX_CHANGE: f64 = 0.5;

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn as_f64(n: i64) -> f64 {
    n as f64
}

/// The warnings for `current`, against the previous period's figures if any.
pub fn check(current: &FigureValues, previous: Option<(&str, &FigureValues)>) -> Vec<FigureWarning> {
    let mut warnings = Vec::new();
    if let Some((period, prev)) = previous {
        let pairs = [
            (Figure::Turnover, prev.turnover_wan, current.turnover_wan),
            (Figure::Visits, as_f64(prev.visits), as_f64(current.visits)),
            (Figure::Staff, as_f64(prev.staff), as_f64(current.staff)),
            (Figure::Merchants, as_f64(prev.merchants), as_f64(current.merchants)),
        ];
        for (figure, previous, now) in pairs {
            if previous > 0.0 && ((now - previous) / previous).abs() > MAX_CHANGE {
                let previous_period = period.to_owned();
                warnings.push(FigureWarning::ChangeOverHalf { figure, previous_period, previous, current: now });
            }
        }
    }
    if current.turnover_wan > 0.0 && current.staff == 0 {
        warnings.push(FigureWarning::TurnoverWithoutStaff);
    }
    if current.turnover_wan > 0.0 && current.visits == 0 {
        warnings.push(FigureWarning::TurnoverWithoutVisits);
    }
    if current.turnover_wan == 0.0 && current.visits > 0 {
        warnings.push(FigureWarning::VisitsWithoutTurnover);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(turnover_wan: f64, visits: i64, staff: i64, merchants: i64) -> FigureValues {
        FigureValues { turnover_wan, visits, staff, merchants }
    }

    #[test]
    fn a_steady_centre_raises_nothing() {
        let q3 = values(120.0, 9_000, 12, 8);
        assert_eq!(check(&values(130.0, 9_500, 12, 9), Some(("2026Q3", &q3))), vec![]);
    }

    #[test]
    fn a_doubling_and_turnover_without_staff_are_queried() {
        let q3 = values(120.0, 9_000, 12, 8);
        let w = check(&values(250.0, 9_000, 0, 8), Some(("2026Q3", &q3)));
        assert_eq!(
            w,
            vec![
                FigureWarning::ChangeOverHalf {
                    figure: Figure::Turnover,
                    previous_period: "2026Q3".into(),
                    previous: 120.0,
                    current: 250.0
                },
                FigureWarning::ChangeOverHalf {
                    figure: Figure::Staff,
                    previous_period: "2026Q3".into(),
                    previous: 12.0,
                    current: 0.0
                },
                FigureWarning::TurnoverWithoutStaff,
            ]
        );
    }

    #[test]
    fn exactly_half_is_still_plausible() {
        let q3 = values(100.0, 1_000, 10, 10);
        assert_eq!(check(&values(150.0, 500, 15, 5), Some(("2026Q3", &q3))), vec![]);
    }

    proptest! {
        /// Without a previous period only the consistency checks can fire,
        /// and a centre with turnover, staff and visits raises nothing.
        #[test]
        fn consistent_figures_alone_raise_nothing(t in 0.01f64..1e6, v in 1i64..10_000_000, s in 1i64..10_000, m in 0i64..10_000) {
            prop_assert_eq!(check(&values(t, v, s, m), None), vec![]);
        }

        /// The same figures as last period never raise a change.
        #[test]
        fn unchanged_figures_raise_no_change(t in 0.0f64..1e6, v in 0i64..10_000_000, s in 0i64..10_000, m in 0i64..10_000) {
            let same = values(t, v, s, m);
            let raised = check(&same, Some(("2026Q3", &same)));
            let changed = raised.iter().any(|w| matches!(w, FigureWarning::ChangeOverHalf { .. }));
            prop_assert!(!changed, "no change raised: {:?}", raised);
        }
    }
}
