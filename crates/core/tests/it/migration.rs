//! Open drafts move to a newer template version: answers kept, renamed
//! items mapped, removed ones kept as history, new ones unanswered; a device
//! that kept editing the old version offline loses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use crate::common::*;
use std::collections::BTreeMap;
use xuncha_core::CentreType;
use xuncha_core::document::{Answer, InspectionDoc};
use xuncha_core::ingest::{IngestLimits, Refusal, Writer, check_incoming};
use xuncha_core::scoring::{EvidenceFacts, ItemStatus, score};
use xuncha_core::template::{Template, builtin_templates, plan_migration, plan_stragglers};

fn community(version: u32) -> Template {
    builtin_templates().unwrap().into_iter().find(|t| t.id == "community" && t.version == version).unwrap()
}

fn choices(ids: &[&str]) -> Answer {
    Answer::Choices(ids.iter().map(|s| s.to_string()).collect())
}

/// A draft on version 1 with answers of every kind of fate.
fn v1_draft(v1: &Template) -> InspectionDoc {
    let mut d = new_doc(v1, 1);
    for (item, a) in [
        ("basic.permit", Answer::YesNo(true)),
        ("basic.facility_area", Answer::Number(700.0)),
        ("safety.fire_hazard", Answer::YesNo(true)),
        ("safety.food_licence", Answer::YesNo(false)),
        ("svc.basic", choices(&["breakfast", "repair", "housekeeping", "convenience_store"])),
        ("svc.optional", choices(&["childcare", "laundry"])),
    ] {
        answer(&mut d, v1, item, a, "user1");
    }
    d.set_notes(Some("safety.fire_hazard"), "配电箱周边堆放纸箱，已当场清理。", 1).unwrap();
    d
}

#[test]
fn a_draft_on_version_1_moves_to_version_2_keeping_mapping_and_recording_what_changed() {
    let (v1, v2) = (community(1), community(2));
    let mut d = v1_draft(&v1);
    let plan = plan_migration(&v1, &v2, &d.snapshot().unwrap().answers);
    assert_eq!(plan.kept, ["basic.permit"]);
    let moved: BTreeMap<&str, (&str, &Answer)> =
        plan.moved.iter().map(|(k, (to, r))| (k.as_str(), (to.as_str(), &r.answer))).collect();
    assert_eq!(moved["safety.fire_hazard"], ("safety.fire_check", &Answer::Choice("none".into())));
    assert_eq!(moved["safety.food_licence"], ("safety.food_permit", &Answer::Choice("unlicensed".into())));
    assert_eq!(
        moved["svc.basic"],
        ("svc.basic", &choices(&["catering", "repair", "housekeeping", "convenience_store"]))
    );
    // No item takes these: the fact is registry data now, and childcare is a basic service.
    assert_eq!(plan.removed.keys().collect::<Vec<_>>(), ["basic.facility_area", "svc.optional"]);
    assert!(plan.added.contains(&"sat.opinions".to_string()) && plan.added.contains(&"safety.fire_check".to_string()));

    let record = d.migrate(1, &v2, &plan, &BTreeMap::new(), "server", 2_000).unwrap();
    let snap = d.snapshot().unwrap();
    assert_eq!(snap.template, v2.reference());
    assert_eq!(snap.migrations, vec![record]);
    assert_eq!(snap.answers["safety.fire_check"].answer, Answer::Choice("none".into()));
    assert_eq!(snap.answers["safety.fire_check"].by, "user1", "the answer keeps its author");
    assert!(!snap.answers.contains_key("safety.fire_hazard") && !snap.answers.contains_key("basic.facility_area"));
    assert_eq!(snap.migrations[0].removed["basic.facility_area"].answer, Answer::Number(700.0));
    // The note follows the renamed item; the old one stays as history.
    assert_eq!(snap.item_notes["safety.fire_check"], "配电箱周边堆放纸箱，已当场清理。");
    // New items can take notes, and the draft scores on version 2: the unlicensed seller vetoes.
    d.set_notes(Some("sat.opinions"), "居民希望增加早餐供应。", 3).unwrap();
    let c = centre(CentreType::Community);
    let r = score(&v2, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.item("safety.food_permit").unwrap().status, ItemStatus::Failed);
    assert_eq!(r.vetoes.len(), 1);
    assert_eq!(r.item("basic.permit").unwrap().status, ItemStatus::Passed);
}

#[test]
fn offline_edits_on_version_1_land_on_the_mapped_items_or_wait_as_conflicts() {
    let (v1, v2) = (community(1), community(2));
    let mut server = v1_draft(&v1);
    // The device took the draft out before the move and keeps working on version 1.
    let mut device = fork_as(&mut server, 7);
    answer(&mut device, &v1, "safety.fire_hazard", Answer::YesNo(false), "user1"); // clashes with the moved "none"
    answer(&mut device, &v1, "safety.food_licence", Answer::YesNo(true), "user1"); // clashes too
    answer(&mut device, &v1, "safety.gas", Answer::YesNo(true), "user1"); // same id in both versions
    answer(&mut device, &v1, "ops.records", Answer::YesNo(true), "user1");
    // Version 2 asks residents one by one: a count pair under the same id has no item to land on.
    answer(&mut device, &v1, "sat.residents", Answer::Sample { asked: 12, satisfied: 11 }, "user1");

    let plan = plan_migration(&v1, &v2, &server.snapshot().unwrap().answers);
    server.migrate(1, &v2, &plan, &BTreeMap::new(), "server", 2_000).unwrap();
    // Meanwhile nobody answered the food permit on version 2; clear it to show a straggler landing.
    let mut s = server.snapshot().unwrap();
    assert!(s.answers.contains_key("safety.food_permit"));
    server.clear_answer(&v2, "safety.food_permit", 2_100).unwrap();

    server.automerge_mut().merge(device.automerge_mut()).unwrap();
    s = server.snapshot().unwrap();
    assert_eq!(s.template, v2.reference());
    assert_eq!(s.answers["safety.fire_hazard"].answer, Answer::YesNo(false), "the offline edit survived the merge");

    let (late, conflicting) = plan_stragglers(&v1, &v2, &s);
    assert_eq!(late.moved["safety.food_licence"].0, "safety.food_permit");
    assert_eq!(conflicting.keys().collect::<Vec<_>>(), ["safety.fire_hazard"]);
    server.migrate(1, &v2, &late, &conflicting, "server", 3_000).unwrap();
    let s = server.snapshot().unwrap();
    assert_eq!(s.answers["safety.food_permit"].answer, Answer::Choice("licensed_or_filed".into()));
    assert_eq!(s.answers["safety.fire_check"].answer, Answer::Choice("none".into()), "the moved answer stands");
    // The clash waits, in the new version's terms (no → a suspected major hazard).
    let clash = &s.migrations[1].conflicting["safety.fire_hazard"];
    assert_eq!(clash.answer, Answer::Choice("suspected_major".into()));
    assert_eq!(s.answers["safety.gas"].answer, Answer::YesNo(true));
    assert_eq!(s.answers["ops.records"].answer, Answer::YesNo(true));
    assert!(!s.answers.contains_key("sat.residents"), "no longer an answer of the draft");
    assert_eq!(
        s.migrations[1].removed["sat.residents"].answer,
        Answer::Sample { asked: 12, satisfied: 11 },
        "kept as history"
    );
    assert!(plan_stragglers(&v1, &v2, &s).0.moved.is_empty(), "nothing left behind");
}

#[test]
fn a_device_cannot_write_the_migration_record() {
    use automerge::transaction::Transactable;
    let v1 = community(1);
    let mut server = v1_draft(&v1);
    let mut device = fork_as(&mut server, 7);
    let am = device.automerge_mut();
    let before = am.get_heads();
    let list = am.put_object(automerge::ROOT, "migrations", automerge::ObjType::List).unwrap();
    am.insert(&list, 0, "forged").unwrap();
    am.commit();
    let bytes = am.save_after(&before);
    let actors = [actor(7)];
    let writer = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    let refused = check_incoming(Some(server.automerge_mut()), &bytes, &writer, IngestLimits::default());
    assert!(matches!(&refused, Err(Refusal::ServerOwned(k)) if k == "migrations"), "{refused:?}");
}
