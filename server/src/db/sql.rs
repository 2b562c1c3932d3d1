//! What both SQL backends write the same way: the list filters and
//! orders, the scope conditions, the report's scored items, the figures'
//! JSON. What differs between them is their `keyset::Dialect`.

use super::keyset::{Dialect, Key, Kind};
use crate::accounts::store::Scope;
use crate::inspections::store::{InspectionFilter, InspectionFlag, InspectionRow, InspectionSort};
use crate::problems::store::Problem;
use crate::stats::store::CentreFilter;
use crate::storage::{Cursor, CursorKey};
use std::collections::BTreeMap;
use xuncha_core::scoring::{ItemScore, Report};
use xuncha_core::template::StatFigure;

/// The `FROM … WHERE …` of an inspection list and its arguments. Only the
/// conditions set are written, so each backend can choose the index that
/// fits them. Flags and sort keys come from closed enums, never from the
/// request's text.
pub(crate) fn inspection_filter(f: &InspectionFilter, d: Dialect) -> (String, Vec<String>) {
    let (scope, mut args) = scope_filter(&f.scope, "c.", d, 1);
    let mut filter = format!("FROM documents d JOIN centres c ON c.code = d.centre_code WHERE 1 = 1{scope}");
    let conditions = [
        ("d.quarter", f.quarter.clone()),
        ("c.centre_type", f.centre_type.map(|t| t.as_str().to_owned())),
        ("d.status", f.status.as_ref().map(text_of)),
        ("d.grade", f.grade.as_ref().map(text_of)),
        ("d.centre_code", f.centre_code.clone()),
        ("c.township", f.township.clone()),
        ("d.template_id", f.template.clone()),
        ("d.purpose", f.purpose.as_ref().map(text_of)),
    ];
    for (column, value) in conditions {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            args.push(value);
            filter.push_str(&format!(" AND {column} = {}", (d.mark)(args.len())));
        }
    }
    if let Some(member) = f.member.clone().filter(|m| !m.is_empty()) {
        args.push(member);
        let m = (d.mark)(args.len());
        filter.push_str(&format!(" AND d.doc_id IN (SELECT doc_id FROM members WHERE username = {m})"));
    }
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
    (filter, args)
}

/// The conditions of a registry filter over `centres c` and their
/// arguments, only those set.
pub(crate) fn centre_filter(f: &CentreFilter, d: Dialect) -> (String, Vec<String>) {
    let (scope, mut args) = scope_filter(&f.scope, "c.", d, 1);
    let mut sql = format!("1 = 1{scope}");
    let conditions = [
        ("c.centre_type", f.centre_type.map(|t| t.as_str().to_owned())),
        ("c.status", f.status.map(|s| s.as_str().to_owned())),
    ];
    for (column, value) in conditions {
        if let Some(value) = value {
            args.push(value);
            sql.push_str(&format!(" AND {column} = {}", (d.mark)(args.len())));
        }
    }
    if let Some(q) = f.query.clone().filter(|q| !q.is_empty()) {
        args.push(q);
        let m = (d.mark)(args.len());
        sql.push_str(&format!(" AND ({} OR {})", (d.contains)("c.name", &m), (d.contains)("c.code", &m)));
    }
    (sql, args)
}

/// The registry's one order: by code, which is unique.
pub(crate) const CENTRE_KEYS: [Key; 1] = [Key { expr: "c.code", kind: Kind::Text, desc: false }];

pub(crate) fn centre_cursor(code: &str) -> Cursor {
    Cursor(vec![CursorKey::Text(code.to_owned())])
}

/// The ledger's one order: newest problem first.
pub(crate) const PROBLEM_KEYS: [Key; 1] = [Key { expr: "id", kind: Kind::Int, desc: true }];

pub(crate) fn problem_cursor(p: &Problem) -> Cursor {
    Cursor(vec![CursorKey::Int(p.id)])
}

/// ` AND {prefix}province = …` for each level of `scope` that is set, and
/// their arguments, numbered from `first`: only what is set is written,
/// so the region's index serves the statement.
pub(crate) fn scope_filter(scope: &Scope, prefix: &str, d: Dialect, first: usize) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut args = Vec::new();
    for (column, value) in [("province", &scope.province), ("city", &scope.city), ("county", &scope.county)] {
        if !value.is_empty() {
            args.push(value.clone());
            sql.push_str(&format!(" AND {prefix}{column} = {}", (d.mark)(first + args.len() - 1)));
        }
    }
    (sql, args)
}

/// How an enumeration of the core is kept in a text column: its serde name
/// (`"excellent"`, `"submitted"`, …), the name the API and the document use.
pub(crate) fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The keys of each order of the inspection list. Unscored inspections
/// sort last either way; the document id breaks ties, so every row has
/// one place and a page link can name it.
pub(crate) fn inspection_keys(sort: InspectionSort, ascending: bool) -> Vec<Key> {
    let desc = !ascending;
    let key = |expr, kind, desc| Key { expr, kind, desc };
    let doc = |desc| key("d.doc_id", Kind::Doc, desc);
    match sort {
        InspectionSort::Updated => vec![key("d.updated_at", Kind::Int, desc), doc(desc)],
        InspectionSort::Total => vec![
            key("CASE WHEN d.total IS NULL THEN 1 ELSE 0 END", Kind::Int, false),
            key("COALESCE(d.total, 0)", Kind::Real, desc),
            key("d.updated_at", Kind::Int, true),
            doc(false),
        ],
        InspectionSort::Centre => vec![key("c.name", Kind::Text, desc), key("d.quarter", Kind::Text, true), doc(false)],
        InspectionSort::Quarter => {
            vec![key("d.quarter", Kind::Text, desc), key("d.updated_at", Kind::Int, true), doc(false)]
        }
    }
}

/// A listed inspection's place in `sort` order (its keys as `inspection_keys` reads them).
pub(crate) fn inspection_cursor(row: &InspectionRow, sort: InspectionSort) -> Cursor {
    let doc = CursorKey::Text(hex::encode(row.doc.as_bytes()));
    let updated = CursorKey::Int(row.updated_at);
    Cursor(match sort {
        InspectionSort::Updated => vec![updated, doc],
        InspectionSort::Total => vec![
            CursorKey::Int(i64::from(row.summary.total.is_none())),
            CursorKey::Real(row.summary.total.unwrap_or(0.0)),
            updated,
            doc,
        ],
        InspectionSort::Centre => {
            vec![CursorKey::Text(row.centre_name.clone()), CursorKey::Text(row.quarter.clone()), doc]
        }
        InspectionSort::Quarter => vec![CursorKey::Text(row.quarter.clone()), updated, doc],
    })
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
