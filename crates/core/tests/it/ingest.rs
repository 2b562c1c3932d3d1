//! The server's check of incoming changes: refused batches store nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use crate::common::*;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ReadDoc};
use std::collections::BTreeMap;
use xuncha_core::document::{Answer, InspectionDoc, ReviewEntry, ReviewStatus};
use xuncha_core::ingest::{IngestLimits, Refusal, Writer, check_incoming};

fn device(n: u8) -> Vec<automerge::ActorId> {
    vec![actor(n)]
}

/// The server's copy after accepting a device's first upload.
fn server_copy(doc: &mut InspectionDoc) -> AutoCommit {
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    check_incoming(None, &doc.save(), &w, IngestLimits::default()).unwrap().doc
}

fn review() -> ReviewEntry {
    ReviewEntry {
        status: ReviewStatus::Returned,
        by: "sup".into(),
        at: 5,
        comment: "请补充".into(),
        item_comments: BTreeMap::new(),
        reviewed_sign_offs: BTreeMap::new(),
    }
}

#[test]
fn a_new_document_from_its_creator_is_accepted_and_replays_are_no_ops() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    answer(&mut d, &t, "q.credit", Answer::YesNo(true), "user1");
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    let bytes = d.save();
    let mut accepted = check_incoming(None, &bytes, &w, IngestLimits::default()).unwrap();
    assert_eq!(accepted.changes.len(), 2);
    assert_eq!(accepted.snapshot.answers["q.credit"].answer, Answer::YesNo(true));
    let again = check_incoming(Some(&mut accepted.doc), &bytes, &w, IngestLimits::default()).unwrap();
    assert_eq!(again.changes.len(), 0);
    assert_eq!(again.heads, accepted.heads);

    let other = Writer::Device { actors: &actors, user_id: "someone-else", evidence: unsigned_allowed() };
    assert!(matches!(check_incoming(None, &bytes, &other, IngestLimits::default()), Err(Refusal::WrongCreator { .. })));
}

#[test]
fn incremental_changes_apply_and_missing_dependencies_are_reported() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let mut server = server_copy(&mut d);
    let acked = d.automerge_mut().get_heads();
    answer(&mut d, &t, "q.goods", Answer::Number(650.0), "user1");
    let increment = d.automerge_mut().save_after(&acked);
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    let ok = check_incoming(Some(&mut server), &increment, &w, IngestLimits::default()).unwrap();
    assert_eq!(ok.changes.len(), 1);
    // The same increment against a server that lacks the base.
    match check_incoming(Some(&mut AutoCommit::new()), &increment, &w, IngestLimits::default()) {
        Err(Refusal::MissingDeps(m)) => assert!(!m.is_empty()),
        other => panic!("expected missing deps, got {other:?}"),
    }
}

#[test]
fn changes_by_actors_not_registered_to_the_device_are_refused() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let mut server = server_copy(&mut d);
    let mut stranger = fork_as(&mut d, 7);
    answer(&mut stranger, &t, "q.credit", Answer::YesNo(false), "user1");
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    let before = server.get_heads();
    let err = check_incoming(Some(&mut server), &stranger.save(), &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::ForeignActor(_)), "{err}");
    assert_eq!(server.get_heads(), before, "the stored document is untouched");
}

#[test]
fn inspectors_cannot_write_the_review_even_concurrently() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let mut server = server_copy(&mut d);
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };

    // Directly.
    let mut forged = fork_as(&mut d, 1);
    forged.write_review(&review()).unwrap();
    let err = check_incoming(Some(&mut server), &forged.save(), &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::ServerOwned(_)), "{err}");

    // The server reviews; the device, not having synced, writes a conflicting review.
    let mut server_doc = InspectionDoc::from_automerge(server.fork()).unwrap();
    server_doc.automerge_mut().set_actor(actor(200));
    server_doc.write_review(&review()).unwrap();
    let mut server = server_doc.into_automerge();
    let mut sneaky = fork_as(&mut d, 1);
    let mut approved = review();
    approved.status = ReviewStatus::Approved;
    approved.at = 1;
    sneaky.write_review(&approved).unwrap();
    let err = check_incoming(Some(&mut server), &sneaky.save(), &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::ServerOwned(_)), "{err}");

    // The server itself may write it.
    let mut by_server = InspectionDoc::from_automerge(server.fork()).unwrap();
    by_server.automerge_mut().set_actor(actor(200));
    by_server.write_review(&approved).unwrap();
    let ok = check_incoming(Some(&mut server), &by_server.save(), &Writer::Server, IngestLimits::default()).unwrap();
    assert_eq!(ok.snapshot.review.unwrap().history.len(), 2);
}

#[test]
fn identity_fields_and_malformed_records_are_refused() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let mut server = server_copy(&mut d);
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };

    let mut moved = fork_as(&mut d, 1);
    moved.automerge_mut().put(ROOT, "centre", "C-999").unwrap();
    let err = check_incoming(Some(&mut server), &moved.save(), &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::IdentityChanged(ref k) if k == "centre"), "{err}");

    let mut repurposed = fork_as(&mut d, 1);
    repurposed.automerge_mut().put(ROOT, "purpose", "random").unwrap();
    let err = check_incoming(Some(&mut server), &repurposed.save(), &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::IdentityChanged(ref k) if k == "purpose"), "{err}");
    assert_eq!(d.snapshot().unwrap().purpose, xuncha_core::document::Purpose::Routine, "a new document's default");

    let mut broken = fork_as(&mut d, 1);
    let answers = broken.automerge().get(ROOT, "answers").unwrap().unwrap().1;
    broken.automerge_mut().put(&answers, "q.credit", 42).unwrap();
    let err = check_incoming(Some(&mut server), &broken.save(), &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::Malformed(_)), "{err}");

    let err = check_incoming(None, b"\x85\x6f\x4a\x83garbage", &w, IngestLimits::default()).unwrap_err();
    assert!(matches!(err, Refusal::Undecodable(_) | Refusal::Malformed(_)), "{err}");
}

#[test]
fn batches_over_the_change_limit_are_refused() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    for v in 0..5 {
        answer(&mut d, &t, "q.goods", Answer::Number(f64::from(v)), "user1");
    }
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    let err =
        check_incoming(None, &d.save(), &w, IngestLimits { max_changes: 3, ..IngestLimits::default() }).unwrap_err();
    assert!(matches!(err, Refusal::TooManyChanges(6, 3)), "{err}");
}

#[test]
fn edits_after_a_review_has_synced_are_accepted() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let server = server_copy(&mut d);
    let mut server_doc = InspectionDoc::from_automerge(server).unwrap();
    server_doc.automerge_mut().set_actor(actor(200));
    server_doc.write_review(&review()).unwrap();
    let mut server = server_doc.into_automerge();
    // The review reaches the device, which reworks an item.
    d.automerge_mut().merge(&mut server.fork()).unwrap();
    let acked = d.automerge_mut().get_heads();
    answer(&mut d, &t, "q.goods", Answer::Number(700.0), "user1");
    d.set_notes(Some("q.goods"), "已补充货架照片", 9).unwrap();
    let actors = device(1);
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    let ok =
        check_incoming(Some(&mut server), &d.automerge_mut().save_after(&acked), &w, IngestLimits::default()).unwrap();
    assert_eq!(ok.changes.len(), 2);
    assert_eq!(ok.snapshot.review.unwrap().current.status, ReviewStatus::Returned);
}

/// A device adds respondents in its own user's name and removes only its own.
#[test]
fn respondents_are_recorded_and_removed_only_in_ones_own_name() {
    use xuncha_core::document::Respondent;
    let t = xuncha_core::template::builtin_templates()
        .unwrap()
        .into_iter()
        .find(|t| t.id == "village" && t.version == 2)
        .unwrap();
    let person = |by: &str| Respondent { at: 5, satisfied: true, opinion: None, phone: None, by: by.into() };
    let mut server = new_doc(&t, 1);
    server.add_respondent(&t, "sat.villagers", &person("user1")).unwrap();
    let actors1 = [actor(1)];
    let actors2 = [actor(2)];
    let push = |server: &mut xuncha_core::document::InspectionDoc,
                dev: &mut xuncha_core::document::InspectionDoc,
                user: &str,
                actors: &[automerge::ActorId]| {
        let bytes = dev.automerge_mut().save();
        let writer = Writer::Device { actors, user_id: user, evidence: unsigned_allowed() };
        check_incoming(Some(server.automerge_mut()), &bytes, &writer, IngestLimits::default())
    };
    // user2 adds one of their own: accepted.
    let mut two = fork_as(&mut server, 2);
    two.add_respondent(&t, "sat.villagers", &person("user2")).unwrap();
    assert!(push(&mut server, &mut two, "user2", &actors2).is_ok());
    // … but not one in user1's name, and does not remove user1's.
    let mut forged = fork_as(&mut server, 2);
    forged.add_respondent(&t, "sat.villagers", &person("user1")).unwrap();
    assert!(matches!(push(&mut server, &mut forged, "user2", &actors2), Err(Refusal::OtherUser(_))));
    let mut remover = fork_as(&mut server, 2);
    remover.remove_respondent(&t, "sat.villagers", 0, 6).unwrap();
    assert!(matches!(push(&mut server, &mut remover, "user2", &actors2), Err(Refusal::OtherUser(_))));
    // user1 removes their own: accepted.
    let mut one = fork_as(&mut server, 1);
    one.remove_respondent(&t, "sat.villagers", 0, 6).unwrap();
    assert!(push(&mut server, &mut one, "user1", &actors1).is_ok());
}

/// Two co-inspectors answer one item differently at once: the losing answer
/// is hidden, but shown in the conflict under its author's name. Neither
/// may change the other's record, hidden or not.
#[test]
fn a_hidden_conflicting_answer_of_another_user_cannot_be_rewritten() {
    use automerge::transaction::Transactable;
    let t = mini();
    let mut d = new_doc(&t, 1);
    let mut server = server_copy(&mut d);
    let mut two = fork_as(&mut d, 2);
    two.join("user2", "检查员2", 1).unwrap();
    let push = |server: &mut AutoCommit, dev: &mut InspectionDoc, user: &str, n: u8| {
        let actors = device(n);
        let w = Writer::Device { actors: &actors, user_id: user, evidence: unsigned_allowed() };
        let bytes = dev.automerge_mut().save();
        check_incoming(Some(server), &bytes, &w, IngestLimits::default())
    };
    server = push(&mut server, &mut two, "user2", 2).unwrap().doc;
    answer(&mut d, &t, "q.credit", Answer::YesNo(false), "user1");
    answer(&mut two, &t, "q.credit", Answer::YesNo(true), "user2");
    server = push(&mut server, &mut d, "user1", 1).unwrap().doc;
    let accepted = push(&mut server, &mut two, "user2", 2).unwrap();
    assert_eq!(accepted.snapshot.conflicts.len(), 1, "the answers differ");
    server = accepted.doc;

    // user2's device rewrites user1's record (the hidden one) in place.
    let mut forger = fork_as(&mut InspectionDoc::from_automerge(server.fork()).unwrap(), 2);
    let am = forger.automerge_mut();
    let (_, answers) = am.get(ROOT, "answers").unwrap().unwrap();
    let records: Vec<_> = am.get_all(&answers, "q.credit").unwrap().into_iter().map(|(_, r)| r).collect();
    let mut hidden_of_user1 = false;
    for (i, record) in records.iter().enumerate() {
        let by = am.get(record, "by").unwrap().unwrap().0.into_scalar().unwrap().into_string().unwrap();
        if by == "user1" {
            hidden_of_user1 = i + 1 < records.len() || am.get(&answers, "q.credit").unwrap().unwrap().1 != *record;
            am.put(record, "answer", true).unwrap();
        }
    }
    assert!(hidden_of_user1, "user1's answer is the losing, hidden one");
    let err = push(&mut server, &mut forger, "user2", 2).unwrap_err();
    assert!(matches!(err, Refusal::OtherUser(_)), "{err}");
}
