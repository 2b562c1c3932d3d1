//! What both SQL backends write the same way: the inspection list's
//! filter and order, the report's scored items, the figures' JSON. Only
//! parameter marks differ (`?1` in SQLite, `$1` in PostgreSQL).

use crate::inspections::store::{InspectionFilter, InspectionFlag, InspectionSort};
use std::collections::BTreeMap;
use xuncha_core::scoring::{ItemScore, Report};
use xuncha_core::template::StatFigure;

/// How a backend writes parameter `n` (from 1).
pub(crate) type Mark = fn(usize) -> String;

/// The `FROM … WHERE …` of an inspection list and its twelve arguments.
/// Flags and sort keys come from closed enums, never from the request's text.
pub(crate) fn inspection_filter(f: &InspectionFilter, mark: Mark) -> (String, Vec<String>) {
    let p = |n: usize| mark(n);
    let eq = |n: usize, col: &str| format!("({} = '' OR {col} = {})", p(n), p(n));
    let mut filter = format!(
        "FROM documents d JOIN centres c ON c.code = d.centre_code
         WHERE {} AND {} AND {}
         AND ({} = '' OR d.doc_id IN (SELECT doc_id FROM members WHERE username = {}))
         AND {} AND {} AND {} AND {} AND {} AND {} AND {} AND {}",
        eq(1, "c.province"),
        eq(2, "c.city"),
        eq(3, "c.county"),
        p(4),
        p(4),
        eq(5, "d.quarter"),
        eq(6, "c.centre_type"),
        eq(7, "d.status"),
        eq(8, "d.grade"),
        eq(9, "d.centre_code"),
        eq(10, "c.township"),
        eq(11, "d.template_id"),
        eq(12, "d.purpose"),
    );
    if let Some(v) = f.template_below {
        // A number from the code, not from a request: safe to write into the statement.
        filter.push_str(&format!(" AND d.template_version < {v}"));
    }
    for flag in &f.flags {
        filter.push_str(match flag {
            InspectionFlag::NotVerified => " AND d.on_site IS DISTINCT FROM 'verified'",
            InspectionFlag::Conflicts => " AND d.conflicts > 0",
            InspectionFlag::MissingEvidence => " AND d.evidence_problems > 0",
            InspectionFlag::Veto => " AND d.vetoes > 0",
        });
    }
    let args = vec![
        f.scope.province.clone(),
        f.scope.city.clone(),
        f.scope.county.clone(),
        f.member.clone().unwrap_or_default(),
        f.quarter.clone().unwrap_or_default(),
        f.centre_type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        f.status.as_ref().map(text_of).unwrap_or_default(),
        f.grade.as_ref().map(text_of).unwrap_or_default(),
        f.centre_code.clone().unwrap_or_default(),
        f.township.clone().unwrap_or_default(),
        f.template.clone().unwrap_or_default(),
        f.purpose.as_ref().map(text_of).unwrap_or_default(),
    ];
    (filter, args)
}

/// How an enumeration of the core is kept in a text column: its serde name
/// (`"excellent"`, `"submitted"`, …), the name the API and the document use.
pub(crate) fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Unscored inspections sort last either way; ties keep a stable order.
pub(crate) fn order_by(sort: InspectionSort, ascending: bool) -> String {
    let dir = if ascending { "ASC" } else { "DESC" };
    match sort {
        InspectionSort::Updated => format!("d.updated_at {dir}, d.doc_id"),
        InspectionSort::Total => format!("d.total IS NULL, d.total {dir}, d.updated_at DESC, d.doc_id"),
        InspectionSort::Centre => format!("c.name {dir}, d.quarter DESC, d.doc_id"),
        InspectionSort::Quarter => format!("d.quarter {dir}, d.updated_at DESC, d.doc_id"),
    }
}

/// The report's items the analysis keeps, with whether each vetoed: those
/// with points that count, or vetoing. An item that does not apply (N/A,
/// or its condition false) loses nothing, nor does an encouraged practice
/// (加分项) that is absent: neither is where a region is weak.
pub(crate) fn scored_items(report: &Report) -> Vec<(&ItemScore, bool)> {
    let bonus: std::collections::HashSet<&str> =
        report.sections.iter().filter(|s| s.bonus).map(|s| s.id.as_str()).collect();
    report
        .items
        .iter()
        .filter_map(|item| {
            let veto = report.vetoes.iter().any(|v| v.item == item.id);
            let counts = item.status.counts() && !bonus.contains(item.section.as_str());
            ((item.max_points > 0.0 && counts) || veto).then_some((item, veto))
        })
        .collect()
}

/// Attachment 5 figures kept as JSON `{figure: value}`; none is NULL.
pub(crate) fn figures_json(figures: &BTreeMap<StatFigure, f64>) -> Option<String> {
    (!figures.is_empty()).then(|| serde_json::to_string(figures).ok()).flatten()
}
