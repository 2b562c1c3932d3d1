//! The inspection document: merges, conflicts, notes, reviews, schema checks.

use crate::common::*;
use std::collections::BTreeMap;
use xuncha_core::document::{Answer, DocError, InspectionDoc, ReviewEntry, ReviewStatus};

#[test]
fn different_items_merge_cleanly_and_same_item_conflicts() {
    let t = mini();
    let mut a = new_doc(&t, 1);
    let mut b = fork_as(&mut a, 2);
    answer(&mut a, &t, "q.credit", Answer::YesNo(true), "user1");
    answer(&mut b, &t, "q.goods", Answer::Number(700.0), "user2");
    answer(&mut a, &t, "fac.condition", Answer::Scale(5), "user1");
    answer(&mut b, &t, "fac.condition", Answer::Scale(2), "user2");
    a.automerge_mut().merge(b.automerge_mut()).unwrap();
    b.automerge_mut().merge(a.automerge_mut()).unwrap();

    let sa = a.snapshot().unwrap();
    let sb = b.snapshot().unwrap();
    assert_eq!(sa, sb, "both devices see the same document");
    assert_eq!(sa.answers["q.credit"].answer, Answer::YesNo(true));
    assert_eq!(sa.answers["q.goods"].answer, Answer::Number(700.0));
    assert_eq!(sa.conflicts.len(), 1);
    let c = &sa.conflicts[0];
    assert_eq!(c.item, "fac.condition");
    let mut who: Vec<(String, Answer)> = c.values.iter().map(|v| (v.by.clone(), v.answer.clone())).collect();
    who.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(who, vec![("user1".into(), Answer::Scale(5)), ("user2".into(), Answer::Scale(2))]);

    // Choosing resolves the conflict on every device after merge.
    answer(&mut a, &t, "fac.condition", Answer::Scale(4), "user1");
    b.automerge_mut().merge(a.automerge_mut()).unwrap();
    let sb = b.snapshot().unwrap();
    assert!(sb.conflicts.is_empty());
    assert_eq!(sb.answers["fac.condition"].answer, Answer::Scale(4));
}

#[test]
fn equal_concurrent_answers_are_not_a_conflict() {
    let t = mini();
    let mut a = new_doc(&t, 1);
    let mut b = fork_as(&mut a, 2);
    answer(&mut a, &t, "q.credit", Answer::YesNo(true), "user1");
    answer(&mut b, &t, "q.credit", Answer::YesNo(true), "user2");
    a.automerge_mut().merge(b.automerge_mut()).unwrap();
    assert!(a.conflicts().unwrap().is_empty());
}

#[test]
fn concurrent_note_edits_keep_both_texts() {
    let t = mini();
    let mut a = new_doc(&t, 1);
    let mut b = fork_as(&mut a, 2);
    a.set_notes(Some("q.remarks"), "门口堆放杂物。", 1).unwrap();
    b.set_notes(Some("q.remarks"), "灭火器过期。", 2).unwrap();
    a.set_notes(None, "总体良好", 3).unwrap();
    a.automerge_mut().merge(b.automerge_mut()).unwrap();
    let s = a.snapshot().unwrap();
    let note = &s.item_notes["q.remarks"];
    assert!(note.contains("门口堆放杂物。") && note.contains("灭火器过期。"), "{note}");
    assert_eq!(s.notes, "总体良好");
}

#[test]
fn photos_gps_sign_off_and_review_round_trip() {
    let t = mini();
    let c = centre(xuncha_core::CentreType::Community);
    let mut d = new_doc(&t, 1);
    d.add_photo(&photo_for(
        "svc.food_licence",
        "cafe",
        Some(fix_near(&c, 1.0, 3.0, xuncha_core::document::FixSource::Gnss)),
    ))
    .unwrap();
    d.add_photo(&photo_for("svc.food_licence", "cafe", None)).unwrap();
    d.add_gps_fix(&fix_near(&c, 1.0, 3.0, xuncha_core::document::FixSource::Gnss)).unwrap();
    d.sign_off("user1", 5).unwrap();
    let mut item_comments = BTreeMap::new();
    item_comments.insert("q.goods".to_string(), "请补拍货架照片".to_string());
    let entry = ReviewEntry {
        status: ReviewStatus::Returned,
        by: "sup1".into(),
        at: 9,
        comment: "退回整改".into(),
        item_comments,
        reviewed_sign_offs: BTreeMap::new(),
    };
    d.write_review(&entry).unwrap();
    let approve = ReviewEntry {
        status: ReviewStatus::Approved,
        by: "sup1".into(),
        at: 10,
        comment: "".into(),
        item_comments: BTreeMap::new(),
        reviewed_sign_offs: BTreeMap::from([("user1".to_string(), 5)]),
    };
    d.write_review(&approve).unwrap();

    let bytes = d.save();
    let loaded = InspectionDoc::load(&bytes, actor(9)).unwrap();
    let s = loaded.snapshot().unwrap();
    assert_eq!(s.photos.len(), 1, "a photo is keyed by its hash");
    assert!(s.photos["cafe"].gps.is_some(), "the first record wins");
    assert_eq!(s.gps_fixes.len(), 1);
    assert_eq!(s.sign_offs["user1"], 5);
    let review = s.review.unwrap();
    assert_eq!(review.current, approve);
    assert_eq!(review.history, vec![entry, approve]);
    assert_eq!(s.inspectors["user1"], "检查员1");
}

#[test]
fn unknown_items_and_newer_schemas_are_refused() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let rec = xuncha_core::document::AnswerRecord { answer: Answer::YesNo(true), by: "u".into(), at: 0 };
    assert!(matches!(d.set_answer(&t, "nope", &rec), Err(DocError::UnknownItem(_))));

    use automerge::transaction::Transactable;
    d.automerge_mut().put(automerge::ROOT, "schema", automerge::ScalarValue::Uint(99)).unwrap();
    let bytes = d.save();
    assert!(matches!(InspectionDoc::load(&bytes, actor(2)), Err(DocError::NewerSchema(99))));
    assert!(InspectionDoc::load(b"not a document", actor(2)).is_err());
}

#[test]
fn malformed_records_are_errors_not_panics() {
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    let t = mini();
    let mut d = new_doc(&t, 1);
    let doc = d.automerge_mut();
    let (_, answers) = doc.get(automerge::ROOT, "answers").unwrap().unwrap();
    doc.put(&answers, "q.credit", "yes please").unwrap();
    let err = d.snapshot().unwrap_err();
    assert!(err.to_string().contains("answers.q.credit"), "{err}");
}

/// Sign-off times come from phones whose clocks may be far off the
/// server's: a review stands until a sign-off it did not see appears.
#[test]
fn a_review_stands_until_a_new_sign_off_whatever_the_clocks() {
    use xuncha_core::document::WorkflowStatus::{Approved, Draft, Returned, Submitted};
    let t = mini();
    let mut d = new_doc(&t, 1);
    let status = |d: &InspectionDoc| d.snapshot().unwrap().status();
    let review = |d: &InspectionDoc, status: ReviewStatus, at: i64| ReviewEntry {
        status,
        by: "sup1".into(),
        at,
        comment: String::new(),
        item_comments: BTreeMap::new(),
        reviewed_sign_offs: d.snapshot().unwrap().sign_offs,
    };
    assert_eq!(status(&d), Draft);
    // The phone's clock runs a day ahead of the server's.
    d.sign_off("user1", 1_000_000 + 86_400_000).unwrap();
    assert_eq!(status(&d), Submitted);
    let returned = review(&d, ReviewStatus::Returned, 1_000_000);
    d.write_review(&returned).unwrap();
    assert_eq!(status(&d), Returned, "a sign-off the review saw does not supersede it, late clock or not");
    // Reworked and signed again, now with a clock behind the server's.
    d.sign_off("user1", 5).unwrap();
    assert_eq!(status(&d), Submitted, "a sign-off the review did not see supersedes it, early clock or not");
    let approved = review(&d, ReviewStatus::Approved, 2_000_000);
    d.write_review(&approved).unwrap();
    assert_eq!(status(&d), Approved);
    // A co-inspector signing as well reopens it.
    d.sign_off("user2", 6).unwrap();
    assert_eq!(status(&d), Submitted);
    let approved = review(&d, ReviewStatus::Approved, 3_000_000);
    d.write_review(&approved).unwrap();
    // A withdrawn sign-off reopens it too; with none left it is a draft again.
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    let sign_offs = d.automerge_mut().get(automerge::ROOT, "sign_offs").unwrap().unwrap().1;
    d.automerge_mut().delete(&sign_offs, "user2").unwrap();
    assert_eq!(status(&d), Submitted);
    d.automerge_mut().delete(&sign_offs, "user1").unwrap();
    assert_eq!(status(&d), Draft);

    // Documents written before reviews recorded their sign-offs keep the clock rule.
    let legacy = ReviewEntry { reviewed_sign_offs: BTreeMap::new(), ..returned };
    assert!(legacy.stands(&BTreeMap::from([("user1".to_string(), 1_000_000)])));
    assert!(!legacy.stands(&BTreeMap::from([("user1".to_string(), 1_000_001)])));
}

/// A sync can merge a co-inspector's words into a note while the inspector
/// has it open: the inspector's next save keeps them.
#[test]
fn a_note_edit_on_an_open_screen_keeps_words_merged_meanwhile() {
    let t = mini();
    let mut a = new_doc(&t, 1);
    a.set_notes(None, "门头整洁", 1).unwrap();
    let mut b = fork_as(&mut a, 2);
    b.set_notes(None, "消防通道畅通。门头整洁", 2).unwrap();
    let on_screen = a.snapshot().unwrap().notes;
    a.automerge_mut().merge(b.automerge_mut()).unwrap();
    // The screen still shows the text before the merge and appends to it.
    a.edit_notes(None, &on_screen, &format!("{on_screen}，灯箱损坏"), 3).unwrap();
    assert_eq!(a.snapshot().unwrap().notes, "消防通道畅通。门头整洁，灯箱损坏");
    // Replacing the whole text, as before, would have lost the co-inspector's words.
    let mut c = fork_as(&mut b, 3);
    c.set_notes(None, "门头整洁，灯箱损坏", 4).unwrap();
    assert_eq!(c.snapshot().unwrap().notes, "门头整洁，灯箱损坏");
}

/// docs/document.schema.json describes the snapshot a third-party client
/// reads: it must accept what the engine writes, every kind of record
/// included, and refuse what the engine never writes.
#[test]
fn the_documented_json_schema_matches_what_the_engine_writes() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/document.schema.json")).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema");
    let t = mini();
    let c = centre(xuncha_core::CentreType::Community);
    let mut a = new_doc(&t, 1);
    answer(&mut a, &t, "svc.basic", Answer::Choices(vec!["store".into(), "repair".into()]), "user1");
    answer(&mut a, &t, "svc.sells_food", Answer::YesNo(true), "user1");
    answer(&mut a, &t, "fac.area", Answer::Number(120.5), "user1");
    answer(&mut a, &t, "fac.mgmt", Answer::Choice("partial".into()), "user1");
    answer(&mut a, &t, "q.satisfaction", Answer::Sample { asked: 30, satisfied: 27 }, "user1");
    answer(&mut a, &t, "svc.food_licence", Answer::NotApplicable, "user1");
    a.set_notes(None, "现场检查：服务设施齐全。", 5).unwrap();
    a.set_notes(Some("fac.area"), "实测", 5).unwrap();
    let fix = fix_near(&c, 20.0, 8.0, xuncha_core::document::FixSource::Gnss);
    a.add_gps_fix(&fix).unwrap();
    // A signed position and photo record, as apps that sign write them.
    let key = xuncha_core::evidence::SigningKey::from_bytes(&[5; 32]);
    let doc_id = xuncha_core::DocumentId::from_bytes([1; 16]);
    let signature = Some(xuncha_core::evidence::sign_fix(&key, 3, &doc_id, &fix));
    let signed = xuncha_core::document::GpsFix { signature, at: fix.at + 1, ..fix.clone() };
    a.add_gps_fix(&signed).unwrap();
    let photo = photo_for("fac.area", &"ab".repeat(32), Some(signed));
    let signature = Some(xuncha_core::evidence::sign_photo(&key, 3, &doc_id, &photo));
    a.add_photo(&xuncha_core::document::PhotoRecord { signature, ..photo }).unwrap();
    a.add_photo(&photo_for("fac.area", &"cd".repeat(32), Some(fix))).unwrap();
    let mut b = fork_as(&mut a, 2);
    answer(&mut a, &t, "fac.condition", Answer::Scale(5), "user1");
    answer(&mut b, &t, "fac.condition", Answer::Scale(2), "user2");
    a.automerge_mut().merge(b.automerge_mut()).unwrap();
    a.sign_off("user1", 10).unwrap();
    let returned = ReviewEntry {
        status: ReviewStatus::Returned,
        by: "sup".into(),
        at: 20,
        comment: "请补拍".into(),
        item_comments: BTreeMap::from([("fac.area".to_string(), "照片不清".to_string())]),
        reviewed_sign_offs: BTreeMap::from([("user1".to_string(), 10)]),
    };
    a.write_review(&returned).unwrap();
    let old = xuncha_core::document::AnswerRecord { answer: Answer::Number(700.0), by: "user1".into(), at: 3 };
    let plan = xuncha_core::template::MigrationPlan {
        removed: BTreeMap::from([("fac.old".to_string(), old.clone())]),
        added: vec!["q.remarks".into()],
        ..Default::default()
    };
    a.migrate(1, &t, &plan, &BTreeMap::from([("fac.late".to_string(), old)]), "server", 30).unwrap();

    let snap = a.snapshot().unwrap();
    assert!(!snap.conflicts.is_empty() && snap.review.is_some() && !snap.photos.is_empty());
    assert_eq!(snap.migrations.len(), 1);
    let value = serde_json::to_value(&snap).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A fresh document validates too.
    assert!(validator.is_valid(&serde_json::to_value(new_doc(&t, 3).snapshot().unwrap()).unwrap()));

    // And the schema is not a blank cheque.
    let mut wrong_kind = value.clone();
    wrong_kind["answers"]["fac.area"]["kind"] = "nonsense".into();
    let mut extra = value.clone();
    extra["score"] = 100.into();
    let mut bad_source = value;
    bad_source["gps_fixes"][0]["source"] = "guess".into();
    for (what, v) in [("an unknown answer kind", wrong_kind), ("a score", extra), ("an unknown fix source", bad_source)]
    {
        assert!(!validator.is_valid(&v), "{what} passed");
    }
}
