//! The attacks of issue 11, each against a real server: what an outsider
//! learns of an inspection or a photo (nothing), forged and backdated
//! records, denial of service from small requests, password guessing, a
//! full disk, cross-site requests, and the smaller defects.

use automerge::transaction::Transactable;
use automerge::{ROOT, ReadDoc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use xuncha_core::DocumentId;
use xuncha_core::document::{Answer, FixSource, GpsFix, InspectionDoc, NewInspection, keys};
use xuncha_core::sync::{CBOR_MIME, DocPush, DocStatus, Heads, SYNC_PROTOCOL, SyncRequest, decode_response, encode};
use xuncha_core::template::{Template, TemplateRef};
use xuncha_tests::device::LocalDoc;
use xuncha_tests::{Api, Device, PASSWORD, TestServer};

/// Starts an inspection of `centre` on the device, the way the app does offline.
async fn start_adhoc(dev: &mut Device, centre: &str, template: &str, at: i64) -> (String, Template) {
    let t = dev.template(&TemplateRef { id: template.into(), version: 1 }).await;
    let new = NewInspection {
        centre_code: centre.into(),
        template: t.reference(),
        purpose: Default::default(),
        created_by: dev.username.clone(),
        created_by_name: dev.username.clone(),
        at,
    };
    let doc = InspectionDoc::create(dev.actor.clone(), &new, &t).unwrap();
    let id = DocumentId::random();
    dev.docs.insert(id, LocalDoc { doc, ack: Vec::new() });
    (id.to_string(), t)
}

fn yes_no_items(t: &Template) -> Vec<String> {
    t.items()
        .filter(|(_, i)| matches!(i.answer, xuncha_core::template::AnswerSpec::YesNo))
        .map(|(_, i)| i.id.clone())
        .collect()
}

/// One push, sent as is; the reply is not applied to the device.
async fn push_one(dev: &Device, doc: DocumentId, changes: Vec<u8>) -> (DocStatus, Vec<u8>, usize) {
    let req = SyncRequest {
        protocol: SYNC_PROTOCOL,
        cursor: 0,
        docs: vec![DocPush { doc, client_heads: Heads::default(), ack_heads: Heads::default(), changes }],
    };
    let res = dev.post_raw(&encode(&req)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = decode_response(&res.bytes().await.unwrap()).unwrap();
    let reply = res.docs.into_iter().find(|d| d.doc == doc).expect("a reply for the pushed document");
    (reply.status, reply.changes, reply.server_heads.0.len())
}

async fn upload(dev: &Device, bytes: &[u8]) -> StatusCode {
    dev.upload(bytes).await
}

/// An inspection of 长安区 with an answer, a note, a photo and a review
/// comment: what an outsider must never see.
struct Secret {
    doc: String,
    sha: String,
    note: &'static str,
    comment: &'static str,
}

async fn secret_inspection(server: &TestServer) -> Secret {
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-T01", &["wang"]).await;
    let mut wang = Device::enrol(&server.url, "wang").await;
    wang.sync().await;
    let t = wang.template(&TemplateRef { id: "township".into(), version: 1 }).await;
    let note = "秘密备注-7Q4X";
    wang.answer(&doc, &t, &yes_no_items(&t)[0], Answer::YesNo(true));
    wang.doc(&doc).set_notes(None, note, xuncha_server::now_ms()).unwrap();
    // Once approved, a problem whose finding is the secret too.
    wang.doc(&doc).set_notes(Some("find.problems"), note, xuncha_server::now_ms()).unwrap();
    let bytes = xuncha_server::cli::demo::demo_photo(3).unwrap();
    wang.doc(&doc).add_photo(&xuncha_tests::photo_record(&bytes, "wang")).unwrap();
    wang.doc(&doc).sign_off("wang", xuncha_server::now_ms()).unwrap();
    wang.sync().await;
    assert_eq!(upload(&wang, &bytes).await, StatusCode::NO_CONTENT);
    let comment = "退回意见-K9P2";
    let (status, body) = sup
        .post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "returned", "comment": comment}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Secret { doc, sha: xuncha_core::photo::sha256_hex(&bytes), note, comment }
}

impl Secret {
    fn leaked_in(&self, body: &[u8]) -> Option<&'static str> {
        let text = String::from_utf8_lossy(body);
        let id_bytes: DocumentId = self.doc.parse().unwrap();
        if text.contains(&self.doc) {
            return Some("the document id");
        }
        if text.contains(&self.sha) {
            return Some("the photo hash");
        }
        if text.contains(self.note) || text.contains(self.comment) {
            return Some("the document's text");
        }
        if body.windows(16).any(|w| w == id_bytes.as_bytes()) {
            return Some("the document id's bytes");
        }
        None
    }
}

#[tokio::test]
async fn a_device_outside_an_inspection_learns_nothing_of_it_whatever_it_pushes() {
    let server = TestServer::start().await;
    server.seed();
    let secret = secret_inspection(&server).await;
    let id: DocumentId = secret.doc.parse().unwrap();
    let mut zhao = Device::enrol(&server.url, "zhao").await;
    // zhao's own inspection, whose bytes he pushes under the other id.
    let (own, _) = start_adhoc(&mut zhao, "130104-V01", "village", xuncha_server::now_ms()).await;
    let own_bytes = zhao.doc(&own).save();
    let mut missing_deps = zhao.doc(&own).automerge_mut().fork();
    missing_deps.put(ROOT, "x", 1).unwrap();
    let after = missing_deps.save_after(&zhao.doc(&own).automerge_mut().get_heads());

    let uniform = push_one(&zhao, DocumentId::random(), Vec::new()).await;
    assert!(matches!(&uniform.0, DocStatus::Refused { code, .. } if code == "not_member"), "{:?}", uniform.0);
    for (what, changes) in [
        ("garbage", vec![1u8, 2, 3, 4, 5]),
        ("nothing", Vec::new()),
        ("a whole document", own_bytes),
        ("changes with missing dependencies", after),
    ] {
        let (status, changes, heads) = push_one(&zhao, id, changes).await;
        assert_eq!(status, uniform.0, "{what}: the same refusal as for an id that does not exist");
        assert_eq!((changes.len(), heads), (0, 0), "{what}: nothing of the document comes back");
    }
    // The cursor offers nothing of it either.
    let res = zhao.sync().await;
    assert!(res.docs.iter().all(|d| d.doc != id));
    assert!(res.assignments.iter().all(|a| a.doc != id));
    server.stop().await;
}

/// Every route that takes an inspection id, a photo hash or a centre code,
/// and every list and export, walked by outsiders.
#[tokio::test]
async fn every_route_shows_an_outsider_nothing_of_another_regions_inspection_or_photo() {
    let server = TestServer::start().await;
    server.seed();
    let secret = secret_inspection(&server).await;
    let (doc, sha) = (secret.doc.clone(), secret.sha.clone());
    // A drawn plan of the secret's county.
    let plan_body = json!({"name": "长安区抽查", "quarter": "2026Q4", "sampling": {"count": 1}, "per_task": 1,
        "seed": "s", "pool": [{"username": "wang"}]});
    let sup_a = server.api("sup-a").await;
    let (_, plan) = sup_a.post("/api/v1/plans", &plan_body).await;
    let plan_id = plan["id"].as_i64().unwrap();
    let (status, _) = sup_a.post(&format!("/api/v1/plans/{plan_id}/draw"), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    // Reworked and approved: its problem, issued in a notice.
    let mut wang = Device::enrol(&server.url, "wang").await;
    wang.sync().await;
    wang.doc(&doc).sign_off("wang", xuncha_server::now_ms() + 1).unwrap();
    wang.sync().await;
    let (status, _) = sup_a.post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "approved"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, problems) = sup_a.get("/api/v1/problems").await;
    assert_eq!(problems["total"], 1, "{problems}");
    let problem_id = problems["items"][0]["id"].as_i64().unwrap();
    let (status, notice) = sup_a.post("/api/v1/notices", &json!({"problems": [problem_id]})).await;
    assert_eq!(status, StatusCode::CREATED, "{notice}");
    let notice_id = notice["id"].as_i64().unwrap();
    // The county's figures of the centre, with a ledger photo and a note no outsider may read.
    let due = xuncha_server::operators::service::due_period();
    let ledger = sup_a.http.post(format!("{}/api/v1/centres/130102-T01/ledger-photos", sup_a.url));
    let ledger = ledger.bearer_auth(&sup_a.token).header("content-type", "image/jpeg");
    let ledger: Value =
        ledger.body(xuncha_server::cli::demo::demo_photo(77).unwrap()).send().await.unwrap().json().await.unwrap();
    let figures = json!({"centre_code": "130102-T01", "period": due, "turnover_wan": 1.0, "visits": 1, "staff": 1,
        "merchants": 1, "note": "机密台账备注", "ledger_photo": ledger["sha256"]});
    assert_eq!(sup_a.post("/api/v1/figures", &figures).await.0, StatusCode::CREATED);
    // The county's report of the period, which carries those figures.
    let report = json!({"quarter": due, "reason": "",
        "header": {"unit": "长安区商务局", "preparer": "李", "checker": "王", "phone": "0311-1234567"}});
    let (status, report) = sup_a.post("/api/v1/reports", &report).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let report_id = report["id"].as_i64().unwrap();
    let routes: Vec<(&str, String)> = vec![
        ("/api/v1/analysis", "/api/v1/analysis?quarter=2026Q4".into()),
        ("/api/v1/exemplars", "/api/v1/exemplars".into()),
        ("/public/exemplars", "/public/exemplars".into()),
        ("/api/v1/reports", format!("/api/v1/reports?quarter={due}")),
        ("/api/v1/reports/draft", format!("/api/v1/reports/draft?quarter={due}")),
        ("/api/v1/reports/{id}", format!("/api/v1/reports/{report_id}")),
        ("/api/v1/reports/{id}/tables.xlsx", format!("/api/v1/reports/{report_id}/tables.xlsx")),
        ("/api/v1/reports/{id}/attachment4.csv", format!("/api/v1/reports/{report_id}/attachment4.csv")),
        ("/api/v1/reports/{id}/attachment5.csv", format!("/api/v1/reports/{report_id}/attachment5.csv")),
        ("/api/v1/centres/{code}/figures", "/api/v1/centres/130102-T01/figures".into()),
        (
            "/api/v1/centres/{code}/figures/{period}/{version}/ledger-photo",
            format!("/api/v1/centres/130102-T01/figures/{due}/1/ledger-photo"),
        ),
        ("/api/v1/figures/coverage", format!("/api/v1/figures/coverage?period={due}")),
        ("/api/v1/operator/centres", "/api/v1/operator/centres".into()),
        ("/api/v1/operator/problems", "/api/v1/operator/problems".into()),
        ("/api/v1/operators", "/api/v1/operators".into()),
        ("/api/v1/problems", "/api/v1/problems?per_page=200".into()),
        ("/api/v1/problems/{id}", format!("/api/v1/problems/{problem_id}")),
        ("/api/v1/problems/ledger", "/api/v1/problems/ledger".into()),
        ("/api/v1/problems/export.csv", "/api/v1/problems/export.csv".into()),
        ("/api/v1/problems/export.xlsx", "/api/v1/problems/export.xlsx".into()),
        ("/api/v1/notices/{id}", format!("/api/v1/notices/{notice_id}")),
        ("/api/v1/notices/{id}/print", format!("/api/v1/notices/{notice_id}/print")),
        ("/api/v1/plans/{id}/publications", format!("/api/v1/plans/{plan_id}/publications")),
        ("/api/v1/public/publications", "/api/v1/public/publications".into()),
        ("/api/v1/public/publications/{id}", format!("/api/v1/public/publications/{plan_id}")),
        ("/public", "/public".into()),
        ("/public/plans/{id}", format!("/public/plans/{plan_id}")),
        ("/api/v1/plans", "/api/v1/plans".into()),
        ("/api/v1/plans/{id}", format!("/api/v1/plans/{plan_id}")),
        ("/api/v1/inspections", "/api/v1/inspections?per_page=200".into()),
        ("/api/v1/inspections/{doc}", format!("/api/v1/inspections/{doc}")),
        ("/api/v1/inspections/{doc}/report", format!("/api/v1/inspections/{doc}/report")),
        ("/api/v1/inspections/{doc}/scores", format!("/api/v1/inspections/{doc}/scores")),
        ("/api/v1/inspections/{doc}/figures", format!("/api/v1/inspections/{doc}/figures")),
        ("/api/v1/inspections/export.csv", "/api/v1/inspections/export.csv".into()),
        ("/api/v1/inspections/items.csv", "/api/v1/inspections/items.csv?template=township".into()),
        ("/api/v1/inspections/export.geojson", "/api/v1/inspections/export.geojson".into()),
        ("/api/v1/blobs/{sha256}", format!("/api/v1/blobs/{sha}")),
        ("/api/v1/blobs/{sha256}/thumbnail", format!("/api/v1/blobs/{sha}/thumbnail")),
        ("/api/v1/centres", "/api/v1/centres".into()),
        ("/api/v1/centres/{code}", "/api/v1/centres/130102-T01".into()),
        ("/api/v1/centres/{code}/overview", "/api/v1/centres/130102-T01/overview".into()),
        ("/api/v1/centres/export.csv", "/api/v1/centres/export.csv".into()),
        ("/api/v1/centres/export.geojson", "/api/v1/centres/export.geojson".into()),
        ("/api/v1/registry", "/api/v1/registry".into()),
        ("/api/v1/regions", "/api/v1/regions".into()),
        ("/api/v1/assignments", "/api/v1/assignments".into()),
        ("/api/v1/stats/quarterly", "/api/v1/stats/quarterly?quarter=2026Q4".into()),
        ("/api/v1/stats/attachment4.csv", "/api/v1/stats/attachment4.csv?quarter=2026Q4".into()),
        ("/api/v1/stats/attachment5.csv", "/api/v1/stats/attachment5.csv?quarter=2026Q4".into()),
        ("/api/v1/stats/quarterly.xlsx", "/api/v1/stats/quarterly.xlsx?quarter=2026Q4".into()),
        ("/api/v1/stats/charts", "/api/v1/stats/charts".into()),
        ("/api/v1/stats/reported", "/api/v1/stats/reported".into()),
        ("/api/v1/templates", "/api/v1/templates".into()),
        ("/api/v1/templates/{id}/{version}", "/api/v1/templates/township/1".into()),
        ("/api/v1/templates/{id}/{version}/drafts", "/api/v1/templates/township/2/drafts".into()),
        ("/api/v1/users", "/api/v1/users".into()),
        ("/api/v1/devices", "/api/v1/devices".into()),
        ("/api/v1/me", "/api/v1/me".into()),
        ("/healthz", "/healthz".into()),
    ];
    // A route added later must be walked here too.
    let (_, openapi) = server.api("admin").await.get("/api/openapi.json").await;
    let mut walked: BTreeSet<&str> = routes.iter().map(|(t, _)| *t).collect();
    walked.insert("/api/v1/inspections/{doc}/review"); // posted below
    walked.extend(["/api/v1/plans/{id}/draw", "/api/v1/plans/{id}/replace", "/api/v1/plans/{id}/confirm"]); // posted below
    walked.extend(["/api/v1/notices", "/api/v1/problems/{id}/feedback", "/api/v1/problems/{id}/escalate"]); // posted below
    walked.extend(["/api/v1/problems/followup", "/api/v1/problems/{id}/photos"]); // posted below
    walked.extend(["/api/v1/figures", "/api/v1/figures/check", "/api/v1/centres/{code}/ledger-photos"]); // posted below
    walked.insert("/api/v1/reports/{id}/review"); // posted below
    // Nominations need an excellent result (the demo's, it::dashboard walks them).
    walked.extend(["/api/v1/exemplars/{id}", "/api/v1/exemplars/{id}/actions", "/api/v1/exemplars/{id}/case"]);
    // These take no inspection, photo or centre and answer nothing of one
    // (sign-in, sync with its own test above, uploads of new data, deletions by id).
    let unwalked = [
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/sync",
        "/api/v1/assignments/{id}",
        "/api/v1/devices/{id}",
        // The calling device's own settings and certificate (it::evidence walks it).
        "/api/v1/devices/current",
        "/api/v1/centres/import",
        "/api/v1/communities/import",
    ];
    let missing: Vec<&String> = openapi["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|p| !walked.contains(p.as_str()) && !unwalked.contains(&p.as_str()))
        .collect();
    assert!(missing.is_empty(), "not walked: {missing:?}");

    let other_supervisor = server.api("sup-b").await;
    let other_inspector = Device::enrol(&server.url, "zhao").await;
    // Same county, but not working on it: an inspector sees only their own work.
    let colleague = Device::enrol(&server.url, "li").await;
    // A centre operator of the same county, for another centre.
    let op = json!({"username": "op-c01", "display_name": "东关运营", "password": "yunying-2026-op",
        "centres": ["130102-C01"]});
    assert_eq!(sup_a.post("/api/v1/operators", &op).await.0, StatusCode::CREATED);
    let operator = xuncha_tests::Api::login_with(&server.url, "op-c01", "yunying-2026-op").await;
    let outsiders = [
        ("a supervisor of another county", other_supervisor.token.clone()),
        ("an inspector of another county", other_inspector.token.clone()),
        ("an inspector not on the inspection", colleague.token.clone()),
        ("an operator of another centre", operator.token.clone()),
    ];
    let http = reqwest::Client::new();
    for (who, token) in &outsiders {
        for (template, path) in &routes {
            let res = http.get(format!("{}{path}", server.url)).bearer_auth(token).send().await.unwrap();
            let status = res.status();
            let body = res.bytes().await.unwrap();
            if let Some(what) = secret.leaked_in(&body) {
                panic!("{who} reads {what} at {template} ({status})");
            }
            let text = String::from_utf8_lossy(&body);
            assert!(!text.contains("机密台账备注"), "{who} reads the centre's figures at {template}");
            assert!(
                !(template.contains("ledger-photo") && status.is_success()),
                "{who} reads the ledger photo ({status})"
            );
            // Staff routes refuse operators whatever they name: one answer too.
            let uniform = if who.starts_with("an operator") { StatusCode::FORBIDDEN } else { StatusCode::NOT_FOUND };
            if template.contains("{doc}") || template.contains("{sha256}") {
                assert_eq!(status, uniform, "{who} at {template}: the same answer as for no such thing");
            }
            assert!(!(template.contains("/reports/{id}") && status.is_success()), "{who} reads the report");
        }
        let res = http
            .post(format!("{}/api/v1/inspections/{doc}/review", server.url))
            .bearer_auth(token)
            .json(&json!({"status": "approved"}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error(), "{who} reviews it: {}", res.status());
        assert!(secret.leaked_in(&res.bytes().await.unwrap()).is_none());
        // Another region's plan: not seen, not drawn, not changed, not confirmed.
        let res = http.get(format!("{}/api/v1/plans", server.url)).bearer_auth(token).send().await.unwrap();
        let seen: Value = res.json().await.unwrap_or_default();
        assert!(seen.as_array().is_none_or(|l| l.iter().all(|p| p["id"] != plan_id)), "{who} lists the plan");
        for action in ["draw", "replace", "confirm"] {
            let body = json!({"centre_code": "130102-T01", "inspector": "wang", "reason": "x"});
            let url = format!("{}/api/v1/plans/{plan_id}/{action}", server.url);
            let res = http.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            assert!(matches!(res.status().as_u16(), 403 | 404), "{who} may {action} it: {}", res.status());
        }
        // Another county's report: not reviewed.
        let res = http.post(format!("{}/api/v1/reports/{report_id}/review", server.url)).bearer_auth(token);
        let res = res.json(&json!({"decision": "approve"})).send().await.unwrap();
        assert!(matches!(res.status().as_u16(), 403 | 404), "{who} reviews the report: {}", res.status());
        // Another region's problem: not edited, answered, escalated or issued again.
        let problem = format!("{}/api/v1/problems/{problem_id}", server.url);
        let res = http.patch(&problem).bearer_auth(token).json(&json!({"action": "x"})).send().await.unwrap();
        assert!(matches!(res.status().as_u16(), 403 | 404), "{who} edits it: {}", res.status());
        for action in ["feedback", "escalate"] {
            let body = json!({"text": "x", "reason": "x"});
            let res = http.post(format!("{problem}/{action}")).bearer_auth(token).json(&body).send().await.unwrap();
            assert!(matches!(res.status().as_u16(), 403 | 404), "{who} may {action} it: {}", res.status());
        }
        let res = http.post(format!("{}/api/v1/notices", server.url)).bearer_auth(token);
        let res = res.json(&json!({"problems": [problem_id]})).send().await.unwrap();
        assert!(matches!(res.status().as_u16(), 403 | 404), "{who} issues it: {}", res.status());
        let res = http.post(format!("{problem}/photos")).bearer_auth(token).header("content-type", "image/jpeg");
        let res = res.body(xuncha_server::cli::demo::demo_photo(5).unwrap()).send().await.unwrap();
        assert!(matches!(res.status().as_u16(), 403 | 404), "{who} sends it a photo: {}", res.status());
        let res = http.post(format!("{}/api/v1/problems/followup", server.url)).bearer_auth(token);
        let res = res.json(&json!({"centre_code": "130102-T01", "inspectors": ["wang"]})).send().await.unwrap();
        assert!(matches!(res.status().as_u16(), 403 | 404), "{who} sends a follow-up: {}", res.status());
        // Another centre's figures: not reported, checked or given a ledger photo.
        for path in ["/api/v1/figures", "/api/v1/figures/check"] {
            let res =
                http.post(format!("{}{path}", server.url)).bearer_auth(token).json(&figures).send().await.unwrap();
            assert!(matches!(res.status().as_u16(), 403 | 404), "{who} posts {path}: {}", res.status());
        }
        let res = http.post(format!("{}/api/v1/centres/130102-T01/ledger-photos", server.url)).bearer_auth(token);
        let res = res.header("content-type", "image/jpeg").body(xuncha_server::cli::demo::demo_photo(6).unwrap());
        let status = res.send().await.unwrap().status();
        assert!(matches!(status.as_u16(), 403 | 404), "{who} sends a ledger photo: {status}");
    }
    assert_eq!(server.count("SELECT count(*) FROM centre_figures"), 1, "outsiders reported nothing");
    let (_, record) = sup_a.get(&format!("/api/v1/problems/{problem_id}")).await;
    let kinds: Vec<&str> = record["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["found", "issued"], "outsiders changed nothing");
    let (_, view) = sup_a.get(&format!("/api/v1/plans/{plan_id}")).await;
    assert_eq!(view["plan"]["state"], "drawn", "outsiders changed nothing");
    assert_eq!(view["events"].as_array().map(Vec::len), Some(1));
    // A hash that exists answers as one that does not.
    let missing = "0".repeat(64);
    let a = http.get(format!("{}/api/v1/blobs/{sha}", server.url)).bearer_auth(&other_supervisor.token).send().await;
    let b =
        http.get(format!("{}/api/v1/blobs/{missing}", server.url)).bearer_auth(&other_supervisor.token).send().await;
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.status(), b.status());
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a, b);
    server.stop().await;
}

#[tokio::test]
async fn naming_anothers_photo_in_ones_own_inspection_grants_no_access_to_it() {
    let server = TestServer::start().await;
    server.seed();
    let secret = secret_inspection(&server).await;
    let mut zhao = Device::enrol(&server.url, "zhao").await;
    let (own, _) = start_adhoc(&mut zhao, "130104-V01", "village", xuncha_server::now_ms()).await;
    // The hash as a photo record's key, and as another record's thumbnail.
    let mut fake = xuncha_tests::photo_record(b"not the bytes", "zhao");
    fake.sha256.clone_from(&secret.sha);
    zhao.doc(&own).add_photo(&fake).unwrap();
    let mut with_thumb = xuncha_tests::photo_record(b"other bytes", "zhao");
    with_thumb.thumbnail = Some(secret.sha.clone());
    zhao.doc(&own).add_photo(&with_thumb).unwrap();
    let res = zhao.sync().await;
    assert!(matches!(res.docs[0].status, DocStatus::Accepted { .. }), "{:?}", res.docs[0].status);

    let sup_b = server.api("sup-b").await;
    for token in [&zhao.token, &sup_b.token] {
        for suffix in ["", "/thumbnail"] {
            let url = format!("{}/api/v1/blobs/{}{suffix}", server.url, secret.sha);
            let res = zhao.http.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND);
        }
    }
    // The photo is not "received" for zhao's inspection: the server holds
    // bytes, but he never delivered them.
    let head = zhao.http.head(format!("{}/api/v1/blobs/{}", server.url, secret.sha)).bearer_auth(&zhao.token);
    let head = head.send().await.unwrap();
    assert_eq!(head.headers()["x-upload-complete"], "false", "he must deliver the bytes to have them");
    let own_id: DocumentId = own.parse().unwrap();
    assert!(server.state.store.received(&own_id, std::slice::from_ref(&secret.sha)).unwrap().is_empty());
    // Whoever delivers the bytes has them: then the photo is his inspection's too.
    let bytes = xuncha_server::cli::demo::demo_photo(3).unwrap();
    assert_eq!(upload(&zhao, &bytes).await, StatusCode::NO_CONTENT);
    let url = format!("{}/api/v1/blobs/{}", server.url, secret.sha);
    assert_eq!(zhao.http.get(url).bearer_auth(&sup_b.token).send().await.unwrap().status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn ad_hoc_work_counts_only_once_approved_dates_are_checked_and_a_reported_quarter_is_closed() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let now = xuncha_server::now_ms();
    let stats = |sup: Api| async move {
        let (status, mut s) = sup.get("/api/v1/stats/quarterly?quarter=2026Q4").await;
        assert_eq!(status, StatusCode::OK);
        s.as_object_mut().unwrap().remove("generated_at");
        let (status, charts) = sup.get("/api/v1/stats/charts").await;
        assert_eq!(status, StatusCode::OK);
        (s, charts)
    };
    let official_grade = |sup: Api| async move {
        let (_, o) = sup.get("/api/v1/centres/130102-V02/overview").await;
        o["trend"].as_array().unwrap().len()
    };

    // A backdated start is refused, whatever quarter it names.
    let mut wang = Device::enrol(&server.url, "wang").await;
    let (old, _) = start_adhoc(&mut wang, "130102-V02", "village", 1_560_000_000_000).await; // 2019
    let res = wang.sync().await;
    let old_id: DocumentId = old.parse().unwrap();
    let reply = res.docs.iter().find(|d| d.doc == old_id).unwrap();
    assert!(matches!(&reply.status, DocStatus::Refused { code, .. } if code == "bad_time"), "{:?}", reply.status);
    wang.docs.remove(&old_id);

    // A signed ad-hoc inspection does not count until a supervisor approves it.
    let before = stats(sup.clone()).await;
    let (doc, t) = start_adhoc(&mut wang, "130102-V02", "village", now).await;
    for item in yes_no_items(&t) {
        wang.answer(&doc, &t, &item, Answer::YesNo(true));
    }
    wang.doc(&doc).sign_off("wang", now).unwrap();
    wang.sync().await;
    let (_, row) = sup.get(&format!("/api/v1/inspections/{doc}")).await;
    assert_eq!((row["status"].as_str(), row["official"].as_bool()), (Some("submitted"), Some(false)));
    assert_eq!(stats(sup.clone()).await, before, "statistics unchanged by unapproved ad-hoc work");
    assert_eq!(official_grade(sup.clone()).await, 0, "nor the centre's official trend");
    let (status, row) = sup.post(&format!("/api/v1/inspections/{doc}/review"), &json!({"status": "approved"})).await;
    assert_eq!((status, row["official"].as_bool()), (StatusCode::OK, Some(true)));
    assert_eq!(official_grade(sup.clone()).await, 1, "approved, it is the centre's result");

    // Once the county reported 2026Q4, devices change nothing in it.
    let (status, _) = sup.post("/api/v1/stats/reported", &json!({"quarter": "2026Q4"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = sup.post("/api/v1/stats/reported", &json!({"quarter": "2026Q4"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "reported once");
    let heads_before = server.count("SELECT count(*) FROM changes");
    wang.doc(&doc).set_notes(None, "补记", now).unwrap();
    let res = wang.sync().await;
    let reply = res.docs.iter().find(|d| d.doc.to_string() == doc).unwrap();
    assert!(matches!(&reply.status, DocStatus::Refused { code, .. } if code == "quarter_reported"));
    assert_eq!(server.count("SELECT count(*) FROM changes"), heads_before, "nothing stored");
    let (_, new_doc_t) = start_adhoc(&mut wang, "130102-V01", "village", now).await;
    let res = wang.sync().await;
    assert!(
        res.docs.iter().any(|d| matches!(&d.status, DocStatus::Refused { code, .. } if code == "quarter_reported"))
    );
    drop(new_doc_t);
    // Another county has not reported: its inspectors carry on.
    let mut zhao = Device::enrol(&server.url, "zhao").await;
    start_adhoc(&mut zhao, "130104-V01", "village", now).await;
    let res = zhao.sync().await;
    assert!(matches!(res.docs[0].status, DocStatus::Accepted { .. }));
    server.stop().await;
}

/// wang and li work on one inspection; li tries to rewrite or remove wang's records.
#[tokio::test]
async fn a_co_inspector_cannot_rewrite_or_remove_the_others_records() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-T01", &["wang", "li"]).await;
    let mut wang = Device::enrol(&server.url, "wang").await;
    let mut li = Device::enrol(&server.url, "li").await;
    wang.sync().await;
    let t = wang.template(&TemplateRef { id: "township".into(), version: 1 }).await;
    let items = yes_no_items(&t);
    wang.answer(&doc, &t, &items[0], Answer::YesNo(true));
    let mut photo = xuncha_tests::photo_record(b"wang's photo", "wang");
    photo.item_id = Some(items[0].clone());
    wang.doc(&doc).add_photo(&photo).unwrap();
    let fix = GpsFix {
        lat: 38.089,
        lon: 114.612,
        accuracy_m: 8.0,
        source: FixSource::Gnss,
        at: xuncha_server::now_ms(),
        mock: None,
        by: "wang".into(),
        signature: None,
    };
    wang.doc(&doc).add_gps_fix(&fix).unwrap();
    wang.sync().await;
    li.sync().await;
    let id: DocumentId = doc.parse().unwrap();
    let base = li.docs.get_mut(&id).unwrap().doc.save();
    let ack = li.docs[&id].ack.clone();

    type Edit = Box<dyn Fn(&mut automerge::AutoCommit)>;
    let (item0, sha) = (items[0].clone(), photo.sha256.clone());
    let record = |am: &automerge::AutoCommit, key: &str, sub: &str| {
        let (_, container) = am.get(ROOT, key).unwrap().unwrap();
        am.get(&container, sub).unwrap().unwrap().1
    };
    let attacks: Vec<(&str, Edit)> = vec![
        ("rename the author and change the answer in one change", {
            let item0 = item0.clone();
            Box::new(move |am: &mut automerge::AutoCommit| {
                let r = record(am, keys::ANSWERS, &item0);
                am.put(&r, "by", "li").unwrap();
                am.put(&r, "v", false).unwrap();
            })
        }),
        ("delete the other's photo record", {
            let sha = sha.clone();
            Box::new(move |am: &mut automerge::AutoCommit| {
                let (_, photos) = am.get(ROOT, keys::PHOTOS).unwrap().unwrap();
                am.delete(&photos, sha.as_str()).unwrap();
            })
        }),
        ("move the other's photo to another item", {
            let (sha, other) = (sha.clone(), items[1].clone());
            Box::new(move |am: &mut automerge::AutoCommit| {
                let r = record(am, keys::PHOTOS, &sha);
                am.put(&r, "item_id", other.as_str()).unwrap();
            })
        }),
        ("replace the other's photo record with one's own on another item", {
            let (sha, other) = (sha.clone(), items[1].clone());
            Box::new(move |am: &mut automerge::AutoCommit| {
                let (_, photos) = am.get(ROOT, keys::PHOTOS).unwrap().unwrap();
                let r = am.put_object(&photos, sha.as_str(), automerge::ObjType::Map).unwrap();
                am.put(&r, "sha256", sha.as_str()).unwrap();
                am.put(&r, "item_id", other.as_str()).unwrap();
                am.put(&r, "by", "li").unwrap();
            })
        }),
        ("delete the other's position fix", {
            Box::new(move |am: &mut automerge::AutoCommit| {
                let (_, gps) = am.get(ROOT, keys::GPS).unwrap().unwrap();
                am.delete(&gps, 0).unwrap();
            })
        }),
    ];
    let changes_before = server.count("SELECT count(*) FROM changes");
    for (what, edit) in &attacks {
        let mut d = InspectionDoc::load(&base, li.actor.clone()).unwrap();
        edit(d.automerge_mut());
        d.automerge_mut().commit();
        li.docs.insert(id, LocalDoc { doc: d, ack: ack.clone() });
        let res = li.sync().await;
        let reply = res.docs.iter().find(|r| r.doc == id).unwrap();
        assert!(
            matches!(&reply.status, DocStatus::Refused { code, .. } if code == "other_user"),
            "{what}: {:?}",
            reply.status
        );
    }
    assert_eq!(server.count("SELECT count(*) FROM changes"), changes_before, "nothing of it stored");

    // The shared checklist stays shared: li may answer over wang, or clear an answer.
    let mut d = InspectionDoc::load(&base, li.actor.clone()).unwrap();
    d.clear_answer(&t, &item0, xuncha_server::now_ms()).unwrap();
    li.docs.insert(id, LocalDoc { doc: d, ack: ack.clone() });
    let res = li.sync().await;
    assert!(matches!(res.docs.iter().find(|r| r.doc == id).unwrap().status, DocStatus::Accepted { .. }));
    li.answer(&doc, &t, &item0, Answer::YesNo(false));
    let res = li.sync().await;
    assert!(matches!(res.docs.iter().find(|r| r.doc == id).unwrap().status, DocStatus::Accepted { .. }));
    server.stop().await;
}

#[tokio::test]
async fn small_requests_cannot_make_the_server_decode_or_apply_without_bound() {
    let server = TestServer::start_with(|c| c.limits.header_read_secs = 1).await;
    server.seed();
    let mut zhao = Device::enrol(&server.url, "zhao").await;

    // Tens of kilobytes of gzip that inflate to a request of 300,000 documents.
    let push = DocPush {
        doc: DocumentId::random(),
        client_heads: Heads::default(),
        ack_heads: Heads::default(),
        changes: Vec::new(),
    };
    let bomb = SyncRequest { protocol: SYNC_PROTOCOL, cursor: 0, docs: vec![push; 300_000] };
    let raw = encode(&bomb);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &raw).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() < 100_000 && raw.len() > 5_000_000, "{} B of gzip, {} B of CBOR", gz.len(), raw.len());
    let res = zhao
        .http
        .post(format!("{}/api/v1/sync", server.url))
        .bearer_auth(&zhao.token)
        .header("content-type", CBOR_MIME)
        .header("content-encoding", "gzip")
        .body(gz)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("more than 1000 documents"), "{body}");

    // One small push of a change with 150,000 operations: refused before Automerge applies it.
    let (doc, _) = start_adhoc(&mut zhao, "130104-V01", "village", xuncha_server::now_ms()).await;
    let id: DocumentId = doc.parse().unwrap();
    zhao.sync().await;
    let ack = zhao.docs[&id].ack.clone();
    let am = zhao.doc(&doc).automerge_mut();
    let (_, notes) = am.get(ROOT, keys::NOTES).unwrap().unwrap();
    am.splice_text(&notes, 0, 0, &"a".repeat(150_000)).unwrap();
    am.commit();
    let changes = am.save_after(&ack);
    assert!(changes.len() < 200_000, "{} B", changes.len());
    let (status, _, _) = push_one(&zhao, id, changes).await;
    assert!(matches!(&status, DocStatus::Refused { code, .. } if code == "bad_payload"), "{status:?}");

    // One round per device at a time: a second one while the first runs is refused at once.
    let held = server.state.sync.begin_round(zhao.device_id).unwrap();
    let res = zhao.post_raw(&encode(&SyncRequest { protocol: SYNC_PROTOCOL, cursor: 0, docs: vec![] })).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    drop(held);
    let res = zhao.post_raw(&encode(&SyncRequest { protocol: SYNC_PROTOCOL, cursor: 0, docs: vec![] })).await;
    assert_eq!(res.status(), StatusCode::OK);

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A client that stops sending its body half way is answered and let go.
    let server2 = TestServer::start_with(|c| c.limits.body_idle_secs = 1).await;
    server2.seed();
    let mut stalled = tokio::net::TcpStream::connect(server2.url.trim_start_matches("http://")).await.unwrap();
    let head = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user";
    stalled.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), stalled.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "a stalled body kept the connection");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.1 408"), "{answer}");
    server2.stop().await;

    // A client that never finishes its headers is disconnected.
    let mut slow = tokio::net::TcpStream::connect(server.url.trim_start_matches("http://")).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was left open");
    assert!(buf.is_empty() || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"), "{buf:?}");
    server.stop().await;
}

fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().filter(|c| c.starts_with(&format!("{name}="))).map(str::to_owned))
}

/// Signs in from the loopback address `from` (all of 127.0.0.0/8 reaches the server).
async fn sign_in_from(from: &str, url: &str, user: &str, password: &str, cookie: Option<&str>) -> reqwest::Response {
    let http = reqwest::Client::builder().local_address(from.parse::<std::net::IpAddr>().unwrap()).build().unwrap();
    let req = http.post(format!("{url}/api/v1/login"));
    let req = match cookie {
        Some(c) => req.header("cookie", c),
        None => req,
    };
    req.json(&json!({"username": user, "password": password})).send().await.unwrap()
}

async fn sign_in(url: &str, user: &str, password: &str, cookie: Option<&str>) -> reqwest::Response {
    sign_in_from("127.0.0.1", url, user, password, cookie).await
}

#[tokio::test]
async fn guessing_passwords_is_slow_without_locking_owners_out() {
    let server = TestServer::start_with(|c| c.limits.login_attempts_per_address = 12).await;
    server.seed();
    let url = server.url.clone();
    // The administrator signed in from this browser before.
    let first = sign_in_from("127.0.0.2", &url, "admin", PASSWORD, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let known = cookie_of(&first, "xuncha_known").expect("the browser is remembered");

    // An attacker with a valid account of their own guesses at the administrator.
    let attacker = "127.0.0.3";
    for i in 0..6 {
        let own = sign_in_from(attacker, &url, "wang", PASSWORD, None).await;
        assert_eq!(own.status(), StatusCode::OK, "own account {i}");
        let guess = sign_in_from(attacker, &url, "admin", "wrong-guess-1", None).await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    // Six successes in between did not reset the address's count: 12 attempts, then it waits.
    let own = sign_in_from(attacker, &url, "wang", PASSWORD, None).await;
    assert_eq!(own.status(), StatusCode::TOO_MANY_REQUESTS);

    // After six failures the account waits a little, whoever asks...
    let stranger = sign_in_from("127.0.0.4", &url, "admin", PASSWORD, None).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = stranger.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "an owner waits at most a minute, not {retry} s");
    // ...except the owner's own browser, which passes at once.
    let own = sign_in_from("127.0.0.2", &url, "admin", PASSWORD, Some(&known)).await;
    assert_eq!(own.status(), StatusCode::OK, "the owner's own browser passes the account's wait");
    server.stop().await;
}

#[tokio::test]
async fn a_password_reset_revokes_devices_and_weak_passwords_are_refused() {
    let server = TestServer::start().await;
    server.seed();
    let dev = Device::enrol(&server.url, "wang").await;
    let session = server.api("wang").await;
    let me = |token: String| {
        let url = format!("{}/api/v1/me", server.url);
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(me(dev.token.clone()).await, StatusCode::OK);
    let hash = xuncha_server::accounts::passwords::hash_password("new-horse-77").unwrap();
    assert!(server.state.store.set_password("wang", &hash, true).unwrap());
    server.state.accounts.forget_cached_tokens(); // the command line runs in another process; its change shows within 10 s
    assert_eq!(me(dev.token.clone()).await, StatusCode::UNAUTHORIZED, "the device is revoked");
    assert_eq!(me(session.token.clone()).await, StatusCode::UNAUTHORIZED, "the session is ended");

    let admin = server.api("admin").await;
    for weak in ["password123", "12345678", "newuser1", "zzzzzzzzz"] {
        let (status, body) = admin
            .post(
                "/api/v1/users",
                &json!({"username": "newuser1", "display_name": "新", "role": "inspector",
                    "scope": {"province": "河北省", "city": "石家庄市", "county": "长安区"}, "password": weak}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}: {body}");
    }
    server.stop().await;
}

#[tokio::test]
async fn unfinished_uploads_and_devices_are_bounded() {
    let server = TestServer::start_with(|c| {
        c.limits.partial_bytes_per_device = 100_000;
        c.limits.devices_per_user = 3;
    })
    .await;
    server.seed();
    let mut zhao = Device::enrol(&server.url, "zhao").await;
    let (doc, _) = start_adhoc(&mut zhao, "130104-V01", "village", xuncha_server::now_ms()).await;
    let shas: Vec<String> = (0..3u8).map(|i| xuncha_core::photo::sha256_hex(&[i; 8])).collect();
    for sha in &shas {
        let mut p = xuncha_tests::photo_record(b"x", "zhao");
        p.sha256.clone_from(sha);
        zhao.doc(&doc).add_photo(&p).unwrap();
    }
    zhao.sync().await;
    let part = |sha: String, offset: usize, bytes: Vec<u8>| {
        let (http, url, token) = (zhao.http.clone(), format!("{}/api/v1/blobs/{sha}", zhao.url), zhao.token.clone());
        async move {
            http.patch(url)
                .bearer_auth(token)
                .header("content-type", "application/offset+octet-stream")
                .header("upload-offset", offset.to_string())
                .header("upload-length", "90000")
                .body(bytes)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Three uploads started with one byte each pass the cap...
    for sha in &shas {
        assert_eq!(part(sha.clone(), 0, vec![0]).await, StatusCode::NO_CONTENT);
    }
    // ...and then cannot grow together past it.
    assert_eq!(part(shas[0].clone(), 1, vec![0; 60_000]).await, StatusCode::NO_CONTENT);
    assert_eq!(part(shas[1].clone(), 1, vec![0; 60_000]).await, StatusCode::PAYLOAD_TOO_LARGE);
    // Parts are kept one object each under partial/<device>/<sha>/.
    fn size_of(dir: &std::path::Path) -> u64 {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| if e.file_type().unwrap().is_dir() { size_of(&e.path()) } else { e.metadata().unwrap().len() })
            .sum()
    }
    let partial = size_of(&server.photo_dir.join("partial"));
    assert!((60_003..=100_000).contains(&partial), "{partial} bytes kept");

    // A fourth device of one user is refused: no old one is revoked behind its owner's back.
    let first = Device::enrol(&server.url, "wang").await;
    for _ in 0..2 {
        Device::enrol(&server.url, "wang").await;
    }
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/devices", server.url))
        .json(&json!({"username": "wang", "password": PASSWORD, "device_name": "fourth"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let me = first.http.get(format!("{}/api/v1/me", server.url)).bearer_auth(&first.token).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK, "the first device still works");
    let active = "SELECT count(*) FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = 'wang' AND revoked_at IS NULL";
    assert_eq!(server.count(active), 3);
    // Once one is revoked, the new one enrols.
    let own = server.api("wang").await;
    let revoke = own.http.delete(format!("{}/api/v1/devices/{}", server.url, first.device_id)).bearer_auth(&own.token);
    assert_eq!(revoke.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    Device::enrol(&server.url, "wang").await;
    server.stop().await;
}

#[tokio::test]
async fn a_cookie_request_from_another_origin_changes_nothing_and_responses_carry_security_headers() {
    let server = TestServer::start().await;
    server.seed();
    let res = sign_in(&server.url, "admin", PASSWORD, None).await;
    let session = cookie_of(&res, "xuncha_session").unwrap();
    let csv = "code,name,centre_type,province,city,county,township,lat,lon,geofence_m,floor_area_m2,community_floor_area_m2,households,status\n\
               X1,伪造中心,community,河北省,石家庄市,长安区,x,38.05,114.52,150,,,,built\n";
    let before = server.count("SELECT count(*) FROM centres");
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/centres/import", server.url);
    let host = server.url.trim_start_matches("http://").to_owned();
    // A plain form from another port of the same host, as a browser sends it.
    let form = http
        .post(&url)
        .header("cookie", &session)
        .header("origin", "http://127.0.0.1:1")
        .header("sec-fetch-site", "same-site")
        .header("content-type", "text/plain")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    let body: Value = form.json().await.unwrap();
    assert_eq!(body["code"], "cross_site");
    // An older browser without Sec-Fetch-Site, with the wrong Origin.
    let old = http.post(&url).header("cookie", &session).header("origin", "http://evil.example").body(csv);
    assert_eq!(old.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    // Same origin, but a content type a form can send: refused too.
    let same = http.post(&url).header("cookie", &session).header("origin", format!("http://{host}"));
    let same = same.header("content-type", "text/plain").body(csv).send().await.unwrap();
    assert_eq!(same.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(server.count("SELECT count(*) FROM centres"), before, "no centre was created");

    for res in [
        http.get(format!("{}/healthz", server.url)).send().await.unwrap(),
        http.get(format!("{}/api/v1/me", server.url)).send().await.unwrap(),
    ] {
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(h.contains_key("referrer-policy") && h.contains_key("content-security-policy"));
    }
    server.stop().await;
}

#[tokio::test]
async fn two_devices_completing_one_photo_at_once_both_succeed_and_charts_count_past_the_row_limit() {
    let server = TestServer::start_with(|c| c.limits.stats_rows = 1).await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-T01", &["wang", "li"]).await;
    let mut wang = Device::enrol(&server.url, "wang").await;
    let mut li = Device::enrol(&server.url, "li").await;
    wang.sync().await;
    li.sync().await;
    for round in 0..4u8 {
        let bytes = xuncha_server::cli::demo::demo_photo(10 + round).unwrap();
        wang.doc(&doc).add_photo(&xuncha_tests::photo_record(&bytes, "wang")).unwrap();
        wang.sync().await;
        let (a, b) = tokio::join!(upload(&wang, &bytes), upload(&li, &bytes));
        assert_eq!((a, b), (StatusCode::NO_CONTENT, StatusCode::NO_CONTENT), "round {round}");
    }
    // Two signed assigned inspections, and a list of rows may hold only one.
    let t = wang.template(&TemplateRef { id: "township".into(), version: 1 }).await;
    wang.answer(&doc, &t, &yes_no_items(&t)[0], Answer::YesNo(true));
    wang.doc(&doc).sign_off("wang", xuncha_server::now_ms()).unwrap();
    wang.sync().await;
    let other = sup.assign("130102-C01", &["wang"]).await;
    wang.sync().await;
    let t = wang.template(&TemplateRef { id: "community".into(), version: 1 }).await;
    wang.answer(&other, &t, &yes_no_items(&t)[0], Answer::YesNo(true));
    wang.doc(&other).sign_off("wang", xuncha_server::now_ms()).unwrap();
    wang.sync().await;
    // The database groups the charts: no row leaves it, so none is cut.
    let (status, body) = sup.get("/api/v1/stats/charts").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let graded: u64 = body["grades"].as_array().unwrap().iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(graded, 2, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn a_sign_in_flood_is_refused_at_once_beyond_a_short_queue() {
    let server = TestServer::start_with(|c| c.limits.login_attempts_per_address = 10_000).await;
    server.seed();
    // Unknown names, so no account's own wait plays a part: only the queue of password checks.
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..300 {
        let url = server.url.clone();
        attempts.spawn(async move { sign_in(&url, &format!("nobody-{i}"), "wrong-guess-1", None).await.status() });
    }
    let statuses = attempts.join_all().await;
    let busy = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(busy + checked, statuses.len(), "{statuses:?}");
    assert!(busy > 0 && checked > 0, "{busy} refused at once, {checked} checked");
    server.stop().await;
}

/// The server as a process, its log read line by line: a refused change
/// leaves a trace with its code, one line sums up the round, and no token
/// or password is ever written.
#[tokio::test]
async fn a_refusal_is_logged_with_its_code_and_no_secret_is() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    const BIN: &str = env!("CARGO_BIN_EXE_server-under-test");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let seeded = Command::new(BIN).args(["--data-dir", data, "demo"]).env("RUST_LOG", "warn").status().unwrap();
    assert!(seeded.success());
    let mut child = Command::new(BIN)
        .args(["--data-dir", data, "serve", "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let mut wait_for = |pred: &dyn Fn(&str) -> bool| -> String {
        loop {
            let line = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the expected log line");
            log.push(line.clone());
            if pred(&line) {
                return line;
            }
        }
    };
    let addr = wait_for(&|l| l.starts_with("listening on "));
    let url = format!("http://{}", addr.trim_start_matches("listening on ").trim());
    let password = xuncha_server::cli::demo::PASSWORD;
    let mut wang = Device::enrol_with(&url, "insp-wang", password).await;
    wang.sync().await;
    let theirs = *wang.docs.keys().next().unwrap();
    let zhao = Device::enrol_with(&url, "insp-zhao", password).await;
    let (status, _, _) = push_one(&zhao, theirs, vec![1, 2, 3]).await;
    assert_eq!(status.refusal(), Some(xuncha_core::sync::RefusalCode::NotMember));

    let refusal = wait_for(&|l| l.contains("sync refused a document"));
    assert!(refusal.contains("WARN") && refusal.contains("not_member") && refusal.contains("insp-zhao"), "{refusal}");
    let round = wait_for(&|l| l.contains("sync round") && l.contains("refused=not_member"));
    assert!(round.contains("bytes_in=") && round.contains("ms="), "{round}");
    child.kill().unwrap();
    let _ = child.wait();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
        log.push(line);
    }
    let all = log.join("\n");
    for secret in [zhao.token.as_str(), wang.token.as_str(), password] {
        assert!(!all.contains(secret), "a secret in the log");
    }
}
