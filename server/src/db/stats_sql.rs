//! The quarterly statistics and the chart figures as the database groups
//! them, written once for both backends: the rows that leave the database
//! are one per city and centre type, or per quarter, county and grade,
//! whatever a province's number of centres.
//! What differs between the backends is their `keyset::Dialect` and how
//! each writes "official work" (`official!`).

use super::keyset::Dialect;
use super::sql::scope_filter;
use crate::accounts::store::Scope;
use crate::stats::store::{MAX_GROUPS, StatPeriod};
use xuncha_core::template::StatFigure;

/// The newest status recorded at or before `at` (ms, from the code).
fn status_at(at: i64) -> String {
    format!(
        "(SELECT s.status FROM centre_status s WHERE s.code = c.code AND s.since <= {at} ORDER BY s.since DESC LIMIT 1)"
    )
}

/// `WITH st, own, seen`: the scope's centres with their status as the
/// period ended (the first recorded when none is that old, else the
/// registry's) and at the end of the pilot year (none when unknown then);
/// each centre's newest own figures of the period; and the figures of its
/// newest official inspection of the next quarter, which observes the
/// period, when that inspection recorded any. Arguments: the scope's, then
/// the period and the observing quarter.
fn period_ctes(scope: &Scope, p: &StatPeriod, d: Dialect, official: &str) -> (String, Vec<String>) {
    let (conditions, mut args) = scope_filter(scope, "c.", d, 1);
    args.extend([p.quarter.clone(), p.observed_in.clone()]);
    let (period, observed_in) = ((d.mark)(args.len() - 1), (d.mark)(args.len()));
    let sql = format!(
        "WITH st AS (
             SELECT c.code, c.city, c.centre_type,
                 coalesce({at_end},
                     (SELECT s.status FROM centre_status s WHERE s.code = c.code ORDER BY s.since LIMIT 1),
                     c.status) AS status,
                 {at_baseline} AS baseline
             FROM centres c WHERE 1 = 1{conditions}),
         own AS (
             SELECT f.centre_code, f.turnover_wan, f.visits, f.staff, f.merchants
             FROM centre_figures f JOIN centres c ON c.code = f.centre_code
             WHERE f.period = {period}{conditions} AND f.version =
                 (SELECT max(m.version) FROM centre_figures m WHERE m.centre_code = f.centre_code AND m.period = {period})),
         seen AS (
             SELECT l.centre_code, l.figures FROM (
                 SELECT d.centre_code, d.figures,
                     row_number() OVER (PARTITION BY d.centre_code ORDER BY d.updated_at DESC, d.doc_id DESC) AS n
                 FROM documents d JOIN centres c ON c.code = d.centre_code
                 WHERE d.quarter = {observed_in} AND {official}{conditions}) l
             WHERE l.n = 1 AND l.figures IS NOT NULL AND l.figures <> '{{}}')",
        at_end = status_at(p.end),
        at_baseline = status_at(p.baseline_end),
    );
    (sql, args)
}

const JOIN_FIGURES: &str =
    "FROM st LEFT JOIN own ON own.centre_code = st.code LEFT JOIN seen ON seen.centre_code = st.code";

/// Attachments 4 and 5 and the pilot counts per city and centre type:
/// `city, centre_type, built, under_construction, planned, built_baseline,
/// reporting, self_reported, turnover, visits, staff, tenants`. A built
/// centre's own report comes first; one that has not reported counts with
/// what an inspector observed.
pub(crate) fn attachment_groups(scope: &Scope, p: &StatPeriod, d: Dialect, official: &str) -> (String, Vec<String>) {
    let (ctes, args) = period_ctes(scope, p, d, official);
    let built = |what: &str| format!("sum(CASE WHEN st.status = 'built' THEN {what} ELSE 0 END)");
    let figure = |own: &str, seen: StatFigure| {
        let key = crate::db::sql::text_of(&seen);
        built(&format!("CAST(coalesce(own.{own}, {}, 0) AS DOUBLE PRECISION)", (d.json_number)("seen.figures", &key)))
    };
    let sql = format!(
        "{ctes}
         SELECT st.city, st.centre_type, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}
         {JOIN_FIGURES}
         GROUP BY st.city, st.centre_type ORDER BY st.city, st.centre_type LIMIT {}",
        built("1"),
        "sum(CASE WHEN st.status = 'under_construction' THEN 1 ELSE 0 END)",
        "sum(CASE WHEN st.status = 'planned' THEN 1 ELSE 0 END)",
        "sum(CASE WHEN st.baseline = 'built' THEN 1 ELSE 0 END)",
        built("CASE WHEN own.centre_code IS NOT NULL OR seen.centre_code IS NOT NULL THEN 1 ELSE 0 END"),
        built("CASE WHEN own.centre_code IS NOT NULL THEN 1 ELSE 0 END"),
        figure("turnover_wan", StatFigure::Turnover10kYuan),
        figure("visits", StatFigure::ServiceVisits),
        figure("staff", StatFigure::Staff),
        figure("merchants", StatFigure::Tenants),
        u64::from(MAX_GROUPS) + 1,
    );
    (sql, args)
}

/// The centres built as the period ended with no figures for it, neither
/// their own nor an inspector's (未报), `centre_cols` over `centres c`, by
/// county and code, at most `limit`.
pub(crate) fn unreported(
    scope: &Scope,
    p: &StatPeriod,
    limit: u32,
    d: Dialect,
    official: &str,
    centre_cols: &str,
) -> (String, Vec<String>) {
    let (ctes, args) = period_ctes(scope, p, d, official);
    let sql = format!(
        "{ctes}
         SELECT {centre_cols} {JOIN_FIGURES} JOIN centres c ON c.code = st.code
         WHERE st.status = 'built' AND own.centre_code IS NULL AND seen.centre_code IS NULL
         ORDER BY c.county, c.code LIMIT {limit}"
    );
    (sql, args)
}

/// The newest official inspection of each centre per quarter, where
/// scored, counted and summed per quarter, county and grade:
/// `quarter, county, grade, count, sum of totals`.
pub(crate) fn chart_groups(scope: &Scope, d: Dialect, official: &str) -> (String, Vec<String>) {
    let (conditions, args) = scope_filter(scope, "c.", d, 1);
    let sql = format!(
        "SELECT l.quarter, l.county, l.grade, count(*), sum(l.total) FROM (
             SELECT d.quarter, c.county, d.grade, d.total,
                 row_number() OVER (PARTITION BY d.quarter, d.centre_code ORDER BY d.updated_at DESC, d.doc_id DESC) AS n
             FROM documents d JOIN centres c ON c.code = d.centre_code
             WHERE {official}{conditions}) l
         WHERE l.n = 1 AND l.total IS NOT NULL
         GROUP BY l.quarter, l.county, l.grade ORDER BY l.quarter, l.county, l.grade LIMIT {}",
        u64::from(MAX_GROUPS) + 1
    );
    (sql, args)
}
