//! The app's API (what the Tauri commands call) against a real server:
//! enrolment errors by code, the screens' views, edits answering with the
//! new provisional score, and the provisional score equal to the official one.

use std::time::Duration;
use xuncha_client::app::{App, EnrolRequest, ErrorCode, FixInput, Language, Platform, Stage};
use xuncha_client::sync::SyncState;
use xuncha_core::document::{Answer, FixSource, WorkflowStatus};
use xuncha_tests::{PASSWORD, TestServer};

fn enrol_req(url: &str, username: &str, password: &str) -> EnrolRequest {
    EnrolRequest {
        server_url: url.into(),
        username: username.into(),
        password: password.into(),
        device_name: "测试手机".into(),
    }
}

#[tokio::test]
async fn enrolment_errors_have_codes_and_change_nothing() {
    let server = TestServer::start().await;
    server.seed();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Platform::Desktop, "0.1.0").unwrap();
    assert!(app.status().unwrap().me.is_none());
    assert_eq!(app.status().unwrap().language, Language::ZhCn, "Chinese by default");

    let bad = app.enrol(enrol_req("ftp://x", "wang", PASSWORD)).await.unwrap_err();
    assert_eq!(bad.code, ErrorCode::BadInput);
    let wrong = app.enrol(enrol_req(&server.url, "wang", "not-the-password")).await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::Unauthorized);
    // A port nobody listens on: the server cannot be reached.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let offline = app.enrol(enrol_req(&url, "wang", PASSWORD)).await.unwrap_err();
    assert_eq!(offline.code, ErrorCode::Offline);
    assert!(app.status().unwrap().me.is_none(), "failed enrolments leave the device as it was");
    assert_eq!(app.sync_now().unwrap_err().code, ErrorCode::NotEnrolled);

    app.set_language(Language::En).unwrap();
    drop(app);
    let app = App::open(dir.path(), Platform::Desktop, "0.1.0").unwrap();
    assert_eq!(app.status().unwrap().language, Language::En, "the language is kept across restarts");
    server.stop().await;
}

#[tokio::test]
async fn the_screens_views_follow_the_work_and_the_score_matches_the_server() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-C01", &["wang"]).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Platform::Desktop, "0.1.0").unwrap();
    let me = app.enrol(enrol_req(&server.url, "wang", PASSWORD)).await.unwrap();
    assert_eq!(me.username, "wang");

    let cards = app.centres().unwrap();
    assert_eq!(cards.len(), 1);
    let card = &cards[0];
    assert_eq!(card.doc.to_string(), doc);
    assert_eq!(card.stage, Some(Stage::NotStarted));
    assert!(card.distance_m.is_none(), "no position recorded yet");
    let centre = card.centre.clone().expect("the centre is in the catalog");

    // Edits answer with the whole checklist, score included.
    let view = app.inspection(&doc).unwrap();
    let total_before = view.report.total;
    let yes_no: Vec<String> = view
        .template
        .items()
        .filter(|(_, i)| matches!(i.answer, xuncha_core::template::AnswerSpec::YesNo))
        .map(|(_, i)| i.id.clone())
        .collect();
    let view = app.set_answer(&doc, &yes_no[0], Answer::YesNo(true)).unwrap();
    assert_eq!(view.snapshot.answers[&yes_no[0]].answer, Answer::YesNo(true));
    assert!(view.report.total > total_before, "a yes earns points at once");
    assert_eq!(view.stage, Stage::Draft);
    let refused = app.set_answer(&doc, &yes_no[0], Answer::Scale(3)).unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidAnswer);
    assert_eq!(app.set_answer(&doc, "no.such.item", Answer::YesNo(true)).unwrap_err().code, ErrorCode::UnknownItem);
    assert_eq!(app.inspection("automerge:nonsense").unwrap_err().code, ErrorCode::UnknownInspection);

    // A manual position at the centre: inside the fence, never proof of presence.
    let taken_at = Some(xuncha_server::now_ms() - 60_000);
    let fix = FixInput {
        lat: centre.lat,
        lon: centre.lon,
        accuracy_m: 10.0,
        source: FixSource::Manual,
        mock: None,
        taken_at,
    };
    let view = app.add_fix(&doc, fix).unwrap();
    let position = view.position.expect("the newest fix is checked against the centre");
    assert!(position.inside_fence && position.distance_m < 1.0);
    assert!(!view.report.on_site.verified, "a typed position does not verify presence");
    assert_eq!(view.snapshot.gps_fixes.last().map(|f| Some(f.at)), Some(taken_at), "dated when it was taken");
    let bad_fix =
        FixInput { lat: 91.0, lon: 0.0, accuracy_m: 10.0, source: FixSource::Manual, mock: None, taken_at: None };
    assert_eq!(app.add_fix(&doc, bad_fix).unwrap_err().code, ErrorCode::BadInput);
    assert!(app.centres().unwrap()[0].distance_m.is_some_and(|d| d < 1.0), "cards show the distance");

    // A photo takes the fresh fix and has a thumbnail on the device.
    let photo = xuncha_server::cli::demo::demo_photo(3).unwrap();
    let view = app.add_photo(&doc, Some(&yes_no[0]), &photo).unwrap();
    let record = view.snapshot.photos.values().next().unwrap().clone();
    assert!(record.gps.is_some(), "the inspection's recent fix travels with the photo");
    assert!(!app.thumbnail(&record.sha256).unwrap().is_empty());
    let by_own_hash = app.thumbnail(record.thumbnail.as_deref().unwrap()).unwrap();
    assert_eq!(by_own_hash, app.thumbnail(&record.sha256).unwrap(), "a thumbnail by its own hash or its photo's");
    assert_eq!(app.thumbnail("../../etc/passwd").unwrap_err().code, ErrorCode::BadInput);
    assert_eq!(app.add_photo(&doc, None, b"not an image").unwrap_err().code, ErrorCode::Photo);

    let view = app.set_notes(&doc, None, Some(""), "门口台阶需修缮").unwrap();
    assert_eq!(view.snapshot.notes, "门口台阶需修缮");
    let view = app.sign_off(&doc).unwrap();
    assert!(view.signed_by_me);
    assert!(matches!(view.stage, Stage::Signed | Stage::Synced));

    // The background loop (started by enrolment) delivers everything.
    app.sync_now().unwrap();
    let mut panel = app.sync_panel().unwrap();
    for _ in 0..200 {
        if matches!(panel.state, SyncState::UpToDate { .. }) && panel.pending_documents == 0 && panel.photos.is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        panel = app.sync_panel().unwrap();
    }
    assert!(matches!(panel.state, SyncState::UpToDate { .. }), "synced: {panel:?}");
    assert!(panel.last_success.is_some());
    let view = app.inspection(&doc).unwrap();
    assert_eq!(view.stage, Stage::Synced);
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(report["inspection"]["total"].as_f64().unwrap(), view.report.total, "official = provisional");

    let detail = app.centre(&centre.code).unwrap();
    assert_eq!(detail.last.as_ref().map(|l| l.total), Some(view.report.total));
    // "Sync now" refreshes the catalog too: the centre's official result arrives.
    app.sync_now().unwrap();
    let mut official = None;
    for _ in 0..200 {
        official = app.centre(&centre.code).unwrap().official;
        if official.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let official = official.expect("the server's latest signed result reaches the device");
    assert_eq!((official.total, official.status), (view.report.total, WorkflowStatus::Submitted));
    assert_eq!(app.centre("no-such-centre").unwrap_err().code, ErrorCode::UnknownCentre);
    server.stop().await;
}
