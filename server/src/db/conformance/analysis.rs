//! Conformance of the analysis' reads: each scored item of a document's
//! latest report, summed per county and centre type over official work.

use super::{check, err, new_doc};
use crate::accounts::store::Scope;
use crate::db::Store;
use crate::inspections::store::ScoreWrite;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::location::{OnSite, OnSiteStatus};
use xuncha_core::scoring::{Grade, ItemScore, ItemStatus, Report, VetoHit};
use xuncha_core::template::TemplateRef;

fn item(id: &str, points: f64, max_points: f64) -> ItemScore {
    let status = if points < max_points { ItemStatus::Failed } else { ItemStatus::Passed };
    ItemScore { id: id.into(), section: "s".into(), status, points, max_points, value: None, problem: None }
}

/// A scored report of three items: fire (4 points, `fire_points` earned), price (2 of 2), a note (no points);
/// and two that lose nothing: a skipped item (its condition false) and an absent bonus (加分项).
pub(crate) fn report(fire_points: f64, veto: bool) -> ScoreWrite {
    let report = Report {
        template: TemplateRef { id: "village".into(), version: 1 },
        centre_code: "V1".into(),
        total: 50.0,
        base_total: 50.0,
        bonus: 0.0,
        grade: Grade::Fail,
        complete: true,
        sections: vec![xuncha_core::scoring::SectionScore {
            id: "extra".into(),
            weight: 0.0,
            earned: 0.0,
            possible: 2.0,
            counted: false,
            score: 0.0,
            bonus: true,
        }],
        items: vec![
            item("fire", fire_points, 4.0),
            item("price", 2.0, 2.0),
            item("note", 0.0, 0.0),
            ItemScore { status: ItemStatus::Skipped, ..item("skipped", 0.0, 3.0) },
            ItemScore { section: "extra".into(), ..item("app", 0.0, 2.0) },
        ],
        vetoes: if veto { vec![VetoHit { item: "fire".into(), rule: "x".into() }] } else { Vec::new() },
        evidence_problems: Vec::new(),
        unanswered: Vec::new(),
        conflicts: Vec::new(),
        on_site: OnSite { status: OnSiteStatus::Verified, verified: true, best: None, mock_location: false },
        figures: Default::default(),
    };
    ScoreWrite { total: 50.0, grade: Grade::Fail, report: Box::new(report), reason: "test".into() }
}

pub(super) fn item_losses(store: &dyn Store) -> Result<(), String> {
    super::centre(store, "V1", "长安区")?;
    let scored = |fire: f64, veto: bool, status: WorkflowStatus| {
        let (_, mut write) = new_doc("V1", &["wang"], &[]);
        write.summary.status = status;
        write.score = Some(report(fire, veto));
        write
    };
    let official = [scored(0.0, true, WorkflowStatus::Approved), scored(3.0, false, WorkflowStatus::Approved)];
    store.commit_round(official.to_vec(), None, 1).map_err(err)?;
    // A draft counts for nothing yet.
    store.commit_round(vec![scored(0.0, true, WorkflowStatus::Draft)], None, 2).map_err(err)?;
    let province = Scope { province: "河北省".into(), ..Scope::default() };
    let rows = store.item_losses(&province, "2026Q4", 100).map_err(err)?;
    let fire = rows.iter().find(|r| r.item == "fire").ok_or("the fire item is read")?;
    check(fire.inspections == 2 && fire.county == "长安区", "two official inspections of 长安区")?;
    check((fire.max_points, fire.lost_points, fire.vetoes) == (8.0, 5.0, 1), "4 + 1 points lost of 8, one veto")?;
    check(rows.iter().any(|r| r.item == "price" && r.lost_points == 0.0), "an item that lost nothing")?;
    check(rows.iter().all(|r| r.item != "note"), "items without points are not results")?;
    check(rows.iter().all(|r| r.item != "skipped" && r.item != "app"), "nor those that do not apply or only add")?;
    check(store.item_losses(&province, "2026Q3", 100).map_err(err)?.is_empty(), "another quarter")?;
    check(store.item_losses(&super::county("桥西区"), "2026Q4", 100).map_err(err)?.is_empty(), "another county")?;
    check(store.item_losses(&province, "2026Q4", 1).map_err(err)?.len() == 1, "bounded")?;
    // A new score replaces the document's items: a changed one, one gone.
    let mut rescored = report(4.0, false);
    rescored.report.items.retain(|i| i.id != "price");
    let (doc, summary) = (official[1].meta.doc, official[1].summary.clone());
    store.add_score(&doc, &[], &summary, &rescored, 3).map_err(err)?;
    let rows = store.item_losses(&province, "2026Q4", 100).map_err(err)?;
    let fire = rows.iter().find(|r| r.item == "fire").ok_or("the fire item is read")?;
    check((fire.max_points, fire.lost_points, fire.vetoes) == (8.0, 4.0, 1), "the rescored item lost nothing")?;
    let price = rows.iter().find(|r| r.item == "price").ok_or("the price item is read")?;
    check(price.inspections == 1, "an item the new report lacks is gone from it")
}
