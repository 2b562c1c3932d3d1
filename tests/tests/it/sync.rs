//! Sync against a real server: merging, conflicts, replays, refusals and
//! what flows down to devices.

use automerge::ActorId;
use reqwest::StatusCode;
use xuncha_core::Centre;
use xuncha_core::document::{Answer, InspectionDoc, ReviewEntry, ReviewStatus};
use xuncha_core::scoring::{EvidenceFacts, score};
use xuncha_core::sync::{DocPush, DocStatus, Heads, SYNC_PROTOCOL, SyncRequest, encode};
use xuncha_core::template::{AnswerSpec, Template};
use xuncha_tests::{Api, Device, TestServer};

async fn setup() -> (TestServer, Api, String, Device, Device, Template) {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-C01", &["wang", "li"]).await;
    let mut a = Device::enrol(&server.url, "wang").await;
    let mut b = Device::enrol(&server.url, "li").await;
    for d in [&mut a, &mut b] {
        let res = d.sync().await;
        assert_eq!(res.assignments.len(), 1, "the assignment flows down");
        assert!(d.docs.contains_key(&doc.parse().unwrap()), "the assigned document flows down");
    }
    let tref = a.doc(&doc).snapshot().unwrap().template;
    let template = a.template(&tref).await;
    (server, sup, doc, a, b, template)
}

fn yes_no_items(t: &Template) -> Vec<String> {
    t.items()
        .filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo) && i.points > 0.0)
        .map(|(_, i)| i.id.clone())
        .collect()
}

/// Rows that a replayed or refused round must not add to.
fn counts(server: &TestServer) -> [i64; 4] {
    [
        server.state.store.current_seq().unwrap() as i64,
        server.count("SELECT count(*) FROM changes"),
        server.count("SELECT count(*) FROM scores"),
        server.count("SELECT CAST(sum(change_count) AS BIGINT) FROM documents"),
    ]
}

#[tokio::test]
async fn two_inspectors_offline_merge_to_the_same_document_and_score_everywhere() {
    let (server, sup, doc, mut a, mut b, t) = setup().await;
    let items = yes_no_items(&t);
    let (mine, theirs, both) = (&items[0], &items[1], &items[2]);
    // Offline: different items, and one item answered differently.
    a.answer(&doc, &t, mine, Answer::YesNo(true));
    a.answer(&doc, &t, both, Answer::YesNo(true));
    b.answer(&doc, &t, theirs, Answer::YesNo(true));
    b.answer(&doc, &t, both, Answer::YesNo(false));
    a.sync().await;
    b.sync().await;
    a.sync().await;

    let (status, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(status, StatusCode::OK);
    let snap_a = a.doc(&doc).snapshot().unwrap();
    let snap_b = b.doc(&doc).snapshot().unwrap();
    assert_eq!(snap_a, snap_b);
    assert_eq!(serde_json::to_value(&snap_a).unwrap(), report["document"], "server and devices hold one document");
    assert_eq!(a.doc(&doc).automerge_mut().get_heads(), b.doc(&doc).automerge_mut().get_heads());
    assert!(snap_a.answers.contains_key(mine) && snap_a.answers.contains_key(theirs));
    let conflict = snap_a.conflicts.iter().find(|c| &c.item == both).expect("the different answers are a conflict");
    assert_eq!(conflict.values.len(), 2);
    assert_eq!(report["inspection"]["conflicts"], 1);
    assert!(report["score"]["report"]["conflicts"].as_array().unwrap().iter().any(|c| c == both.as_str()));

    // The device's provisional score is the server's official one.
    let centre: Centre = serde_json::from_value(sup.get("/api/v1/centres/130102-C01").await.1).unwrap();
    let provisional = score(&t, &snap_a, &centre, &EvidenceFacts::default()).unwrap();
    assert_eq!(serde_json::to_value(&provisional).unwrap(), report["score"]["report"]);
    assert_eq!(report["inspection"]["total"].as_f64().unwrap(), provisional.total);

    // The dashboard's flags find it: an open conflict, and no position on site.
    let listed = |list: serde_json::Value| list["items"].as_array().unwrap().iter().any(|r| r["doc"] == doc.as_str());
    assert!(listed(sup.get("/api/v1/inspections?flag=conflicts").await.1));
    assert!(listed(sup.get("/api/v1/inspections?flag=conflicts,not_verified").await.1));
    assert!(!listed(sup.get("/api/v1/inspections?flag=veto").await.1), "no veto item answered against it");
    server.stop().await;
}

#[tokio::test]
async fn a_cursor_from_the_future_starts_over() {
    let server = TestServer::start().await;
    server.seed();
    server.api("sup-a").await.assign("130102-V01", &["wang"]).await;
    let mut a = Device::enrol(&server.url, "wang").await;
    a.cursor = 1_000_000; // as after the server was restored from an older backup
    let res = a.sync().await;
    assert_eq!(res.assignments.len(), 1);
    assert_eq!(a.docs.len(), 1, "the assigned inspection still arrives");
    assert!(res.cursor < 1_000_000);
    server.stop().await;
}

#[tokio::test]
async fn replaying_a_sync_request_stores_nothing_new() {
    let (server, _sup, doc, mut a, _b, t) = setup().await;
    a.answer(&doc, &t, &yes_no_items(&t)[0], Answer::YesNo(true));
    let body = encode(&a.request());
    let first = a.post_raw(&body).await;
    assert_eq!(first.status(), StatusCode::OK);
    let before = counts(&server);
    for _ in 0..2 {
        let again = a.post_raw(&body).await;
        assert_eq!(again.status(), StatusCode::OK);
        let res = xuncha_core::sync::decode_response(&again.bytes().await.unwrap()).unwrap();
        assert_eq!(res.docs[0].status, DocStatus::Accepted { new: 0 });
        assert_eq!(counts(&server), before, "a replay adds nothing");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_foreign_actor_and_a_device_written_review_are_refused_and_store_nothing() {
    let (server, _sup, doc, mut a, _b, t) = setup().await;
    let before = counts(&server);
    let id = doc.parse().unwrap();
    let ack = a.docs[&id].ack.clone();

    // Changes signed with an actor the server never registered to this device.
    let mut forged =
        InspectionDoc::from_automerge(a.doc(&doc).automerge_mut().fork().with_actor(ActorId::random())).unwrap();
    forged
        .set_answer(
            &t,
            &yes_no_items(&t)[0],
            &xuncha_core::document::AnswerRecord { answer: Answer::YesNo(true), by: "wang".into(), at: 1 },
        )
        .unwrap();
    let am = forged.automerge_mut();
    let push = DocPush {
        doc: id,
        client_heads: Heads(am.get_heads()),
        ack_heads: Heads(ack.clone()),
        changes: am.save_after(&ack),
    };
    let res = a.send(&SyncRequest { protocol: SYNC_PROTOCOL, cursor: a.cursor, docs: vec![push] }).await;
    assert!(
        matches!(&res.docs[0].status, DocStatus::Refused { code, .. } if code == "foreign_actor"),
        "{:?}",
        res.docs[0].status
    );
    assert_eq!(res.docs[0].server_heads.0, ack, "the server's document is unchanged");
    assert_eq!(counts(&server), before);

    // The inspector's own actor writing the review section.
    let review = ReviewEntry {
        status: ReviewStatus::Approved,
        by: "wang".into(),
        at: 1,
        comment: "自己批准".into(),
        item_comments: Default::default(),
        reviewed_sign_offs: Default::default(),
    };
    a.doc(&doc).write_review(&review).unwrap();
    let res = a.sync().await;
    assert!(
        matches!(&res.docs[0].status, DocStatus::Refused { code, .. } if code == "server_owned"),
        "{:?}",
        res.docs[0].status
    );
    assert_eq!(counts(&server), before);
    server.stop().await;
}

#[tokio::test]
async fn a_device_may_not_sign_off_or_answer_in_another_inspectors_name() {
    let (server, _sup, doc, mut a, mut b, t) = setup().await;
    let item = yes_no_items(&t)[0].clone();
    // The co-inspector answers an item and records a position; both reach wang's device.
    b.answer(&doc, &t, &item, Answer::YesNo(false));
    let centre: Centre = serde_json::from_value(_sup.get("/api/v1/centres/130102-C01").await.1).unwrap();
    let fix = xuncha_core::document::GpsFix {
        lat: centre.lat,
        lon: centre.lon,
        accuracy_m: 8.0,
        source: xuncha_core::document::FixSource::Gnss,
        at: xuncha_server::now_ms(),
        mock: None,
        by: "li".into(),
        signature: None,
    };
    b.doc(&doc).add_gps_fix(&fix).unwrap();
    b.sync().await;
    a.sync().await;
    let before = counts(&server);
    let id = doc.parse().unwrap();
    let ack = a.docs[&id].ack.clone();
    // Edits made on a copy with the device's own, registered actor: only the
    // names they carry are wrong.
    let forge = |a: &mut Device, edit: &dyn Fn(&mut InspectionDoc)| {
        let mut copy =
            InspectionDoc::from_automerge(a.doc(&doc).automerge_mut().fork().with_actor(a.actor.clone())).unwrap();
        edit(&mut copy);
        let am = copy.automerge_mut();
        DocPush {
            doc: id,
            client_heads: Heads(am.get_heads()),
            ack_heads: Heads(ack.clone()),
            changes: am.save_after(&ack),
        }
    };
    let pushes = [
        forge(&mut a, &|d| d.sign_off("li", 5).unwrap()),
        // Editing the co-inspector's answer record in place, under their name.
        forge(&mut a, &|d| {
            use automerge::ReadDoc;
            use automerge::transaction::Transactable;
            let am = d.automerge_mut();
            let answers = am.get(automerge::ROOT, "answers").unwrap().unwrap().1;
            let record = am.get(&answers, item.as_str()).unwrap().unwrap().1;
            am.put(&record, "at", automerge::ScalarValue::Timestamp(7)).unwrap();
        }),
        forge(&mut a, &|d| {
            let record = xuncha_core::document::AnswerRecord { answer: Answer::YesNo(true), by: "li".into(), at: 5 };
            d.set_answer(&t, &item, &record).unwrap();
        }),
        forge(&mut a, &|d| d.add_photo(&xuncha_tests::photo_record(b"not checked here", "li")).unwrap()),
    ];
    for push in pushes {
        let res = a.send(&SyncRequest { protocol: SYNC_PROTOCOL, cursor: a.cursor, docs: vec![push] }).await;
        assert!(
            matches!(&res.docs[0].status, DocStatus::Refused { code, .. } if code == "other_user"),
            "{:?}",
            res.docs[0].status
        );
        assert_eq!(counts(&server), before, "a refused change stores nothing");
    }
    // Replacing the sign-offs wholesale would drop everyone's at once.
    let wipe = forge(&mut a, &|d| {
        use automerge::transaction::Transactable;
        d.automerge_mut().put_object(automerge::ROOT, "sign_offs", automerge::ObjType::Map).unwrap();
    });
    let res = a.send(&SyncRequest { protocol: SYNC_PROTOCOL, cursor: a.cursor, docs: vec![wipe] }).await;
    assert!(matches!(&res.docs[0].status, DocStatus::Refused { code, .. } if code == "identity_changed"));
    assert_eq!(counts(&server), before);

    // Answering over the co-inspector (a new record in one's own name) is fine,
    // and so is one's own photo that happens to carry the co-inspector's fix.
    a.answer(&doc, &t, &item, Answer::YesNo(true));
    let mut photo = xuncha_tests::photo_record(b"a photo at li's position", "wang");
    photo.gps = Some(fix.clone());
    a.doc(&doc).add_photo(&photo).unwrap();
    assert!(matches!(a.sync().await.docs[0].status, DocStatus::Accepted { new: 2 }));
    // Signing off in one's own name is accepted.
    a.doc(&doc).sign_off("wang", 6).unwrap();
    assert!(matches!(a.sync().await.docs[0].status, DocStatus::Accepted { new: 1 }));
    server.stop().await;
}

#[tokio::test]
async fn reviews_reach_the_inspector_through_the_cursor() {
    let (server, sup, doc, mut a, _b, t) = setup().await;
    let review_path = format!("/api/v1/inspections/{doc}/review");
    a.answer(&doc, &t, &yes_no_items(&t)[0], Answer::YesNo(true));
    a.sync().await;
    // A draft cannot be approved: its figures would count without anyone signing for them.
    let before = counts(&server);
    let (status, body) = sup.post(&review_path, &serde_json::json!({"status": "approved"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("not_signed")), "{body}");
    assert_eq!(counts(&server), before, "a refused review writes nothing");

    // The phone's clock runs an hour ahead of the server's.
    a.doc(&doc).sign_off("wang", xuncha_server::now_ms() + 3_600_000).unwrap();
    a.sync().await;
    let (status, row) = sup.get(&format!("/api/v1/inspections/{doc}")).await;
    assert_eq!((status, row["status"].as_str()), (StatusCode::OK, Some("submitted")));

    let (status, row) =
        sup.post(&review_path, &serde_json::json!({"status": "returned", "comment": "请补拍消防通道"})).await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert_eq!(row["status"], "returned");
    let res = a.sync().await;
    assert!(res.docs.iter().any(|d| d.status == DocStatus::Offered), "the reviewed document is offered");
    let review = a.doc(&doc).snapshot().unwrap().review.expect("review on the device");
    assert_eq!(review.current.status, ReviewStatus::Returned);
    assert_eq!(review.current.comment, "请补拍消防通道");
    // Offered once: the next round has nothing new.
    let res = a.sync().await;
    assert!(res.docs.iter().all(|d| d.changes.is_empty()));

    // Reworked and signed again by a phone whose clock is now a day behind.
    a.doc(&doc).sign_off("wang", xuncha_server::now_ms() - 86_400_000).unwrap();
    a.sync().await;
    let (_, row) = sup.get(&format!("/api/v1/inspections/{doc}")).await;
    assert_eq!(row["status"], "submitted", "a new sign-off supersedes the return, whatever the clocks");
    let (status, row) = sup.post(&review_path, &serde_json::json!({"status": "approved"})).await;
    assert_eq!((status, row["status"].as_str()), (StatusCode::OK, Some("approved")));
    server.stop().await;
}

#[tokio::test]
async fn an_inspector_can_start_an_inspection_offline_and_others_cannot_touch_it() {
    let server = TestServer::start().await;
    server.seed();
    let mut a = Device::enrol(&server.url, "wang").await;
    let mut zhao = Device::enrol(&server.url, "zhao").await;
    let t = a.template(&xuncha_core::template::TemplateRef { id: "village".into(), version: 1 }).await;
    let new = xuncha_core::document::NewInspection {
        centre_code: "130102-V02".into(),
        template: t.reference(),
        purpose: Default::default(),
        created_by: "wang".into(),
        created_by_name: "王".into(),
        at: xuncha_server::now_ms(),
    };
    let d = InspectionDoc::create(a.actor.clone(), &new, &t).unwrap();
    let id = xuncha_core::DocumentId::random();
    a.docs.insert(id, xuncha_tests::device::LocalDoc { doc: d, ack: Vec::new() });
    let res = a.sync().await;
    assert!(matches!(res.docs[0].status, DocStatus::Accepted { new: 1 }), "{:?}", res.docs[0].status);

    // Another county's inspector pushing to it is refused.
    let doc = a.docs.remove(&id).unwrap();
    let mut bytes = doc.doc;
    zhao.docs.insert(
        id,
        xuncha_tests::device::LocalDoc {
            doc: InspectionDoc::load(&bytes.save(), zhao.actor.clone()).unwrap(),
            ack: Vec::new(),
        },
    );
    zhao.answer(&id.to_string(), &t, &yes_no_items(&t)[0], Answer::YesNo(false));
    let res = zhao.sync().await;
    assert!(matches!(&res.docs[0].status, DocStatus::Refused { code, .. } if code == "not_member"));
    server.stop().await;
}
