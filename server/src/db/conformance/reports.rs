//! Conformance of the report chain's storage.

use super::{check, err};
use crate::accounts::store::Scope;
use crate::db::Store;
use crate::reporting::snapshot::ReportSnapshot;
use crate::reporting::store::{NewReport, ReportHeader, ReportLevel, ReportReview, ReportStatus};

fn new_report(region: Scope, quarter: &str, reason: &str) -> NewReport {
    NewReport {
        quarter: quarter.into(),
        snapshot: ReportSnapshot {
            quarter: quarter.into(),
            region: region.clone(),
            level: ReportLevel::County,
            attachment4: Vec::new(),
            attachment5: Vec::new(),
            pilot: Vec::new(),
            unreported: Vec::new(),
            parts: Vec::new(),
            built_2018q4: 0,
            generated_at: 1,
        },
        region,
        status: ReportStatus::Submitted,
        reason: reason.into(),
        header: ReportHeader {
            unit: "长安区商务局".into(),
            preparer: "李".into(),
            checker: "王".into(),
            phone: "0311-1234567".into(),
        },
        submitted_by: "sup".into(),
    }
}

fn review(status: ReportStatus) -> ReportReview {
    ReportReview { status, by: "city".into(), comment: "ok".into() }
}

pub(super) fn report_versions(store: &dyn Store) -> Result<(), String> {
    let changan = super::county("长安区");
    let first = store.add_report(&new_report(changan.clone(), "2026Q4", ""), None, 10).map_err(err)?;
    let first = first.ok_or("the first version is stored")?;
    check(first.summary.version == 1 && first.summary.status == ReportStatus::Submitted, "version 1, submitted")?;
    check(first.snapshot.region == changan && first.header.phone == "0311-1234567", "snapshot and header kept")?;
    check(
        store.add_report(&new_report(changan.clone(), "2026Q4", ""), None, 11).map_err(err)?.is_none(),
        "a submission that did not see version 1 is refused",
    )?;
    check(store.review_report(first.summary.id, &review(ReportStatus::Returned), 12).map_err(err)?, "returned")?;
    check(!store.review_report(first.summary.id, &review(ReportStatus::Approved), 13).map_err(err)?, "reviewed once")?;
    let second = store.add_report(&new_report(changan.clone(), "2026Q4", "fixed"), Some(1), 14).map_err(err)?;
    let second = second.ok_or("version 2 after version 1")?;
    check(second.summary.version == 2 && second.summary.reason == "fixed", "version 2 with its note")?;
    let third = store.add_report(&new_report(changan.clone(), "2026Q4", "again"), Some(2), 15).map_err(err)?;
    let third = third.ok_or("version 3")?;
    check(
        !store.review_report(second.summary.id, &review(ReportStatus::Approved), 16).map_err(err)?,
        "a superseded version is not reviewed",
    )?;
    check(store.review_report(third.summary.id, &review(ReportStatus::Approved), 17).map_err(err)?, "approved")?;
    let got = store.report(third.summary.id).map_err(err)?.ok_or("read back")?;
    check(
        got.summary.status == ReportStatus::Approved
            && got.summary.reviewed_by.as_deref() == Some("city")
            && got.summary.reviewed_at == Some(17),
        "the review records who and when",
    )?;
    let first_again = store.report(first.summary.id).map_err(err)?.ok_or("version 1 kept")?;
    check(first_again.summary.status == ReportStatus::Returned, "earlier versions are kept as they were")?;
    store.add_report(&new_report(super::county("桥西区"), "2026Q3", ""), None, 18).map_err(err)?;
    let province = Scope { province: "河北省".into(), ..Scope::default() };
    let all = store.report_summaries(&province, "2026Q3", "2026Q4", 100).map_err(err)?;
    check(all.len() == 4, "the province sees its counties' versions")?;
    check(all.first().is_some_and(|v| v.quarter == "2026Q3"), "oldest quarter first")?;
    let mine = store.report_summaries(&changan, "2026Q4", "2026Q4", 100).map_err(err)?;
    check(mine.len() == 3 && mine.iter().all(|v| v.region == changan), "a county sees its own")?;
    check(store.report_summaries(&province, "2026Q4", "2026Q4", 2).map_err(err)?.len() == 2, "bounded")?;
    check(store.report(9_999).map_err(err)?.is_none(), "an unknown version is none")
}
