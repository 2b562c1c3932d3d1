//! xuncha-client against a real server: enrolment, catalog, sync rounds,
//! photo uploads, and two devices converging.

use xuncha_client::Device;
use xuncha_client::sync::Server;
use xuncha_core::document::{Answer, Purpose};
use xuncha_core::template::AnswerSpec;
use xuncha_tests::{PASSWORD, TestServer};

#[tokio::test]
async fn devices_enrol_sync_upload_photos_and_converge() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-C01", &["wang", "li"]).await;

    let dir_a = tempfile::tempdir().unwrap();
    let mut a = Device::open(dir_a.path()).unwrap();
    let conn_a = Server::enrol(&mut a, &server.url, "wang", PASSWORD, "王的手机").await.unwrap();
    conn_a.refresh_catalog(&a).await.unwrap();
    conn_a.sync(&a).await.unwrap();
    let docs = a.store().docs().unwrap();
    assert_eq!(docs.len(), 1, "the assigned inspection arrived");
    assert_eq!(docs[0].doc.to_string(), doc);
    assert_eq!(a.store().assignments().unwrap().len(), 1);
    let id = docs[0].doc;
    let t = a.template(&docs[0].template).unwrap();
    let items: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();

    a.set_answer(&id, &items[0], Answer::YesNo(true), xuncha_server::now_ms()).unwrap();
    let photo = xuncha_server::cli::demo::demo_photo(9).unwrap();
    let record = a.add_photo(&id, Some(&items[0]), &photo, None, xuncha_server::now_ms()).unwrap();
    conn_a.sync(&a).await.unwrap();
    assert!(a.store().pending_photos().unwrap().is_empty(), "the photo is uploaded");
    assert_eq!(server.count("SELECT count(*) FROM blobs"), 2, "the photo and its thumbnail");
    let thumb = record.thumbnail.clone().unwrap();
    let res =
        sup.http.get(format!("{}/api/v1/blobs/{thumb}", server.url)).bearer_auth(&sup.token).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK, "the supervisor can triage with the device's thumbnail");
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(report["document"]["answers"][&items[0]]["answer"]["value"], true);
    assert!(report["document"]["photos"].get(&record.sha256).is_some());

    let dir_b = tempfile::tempdir().unwrap();
    let mut b = Device::open(dir_b.path()).unwrap();
    let conn_b = Server::enrol(&mut b, &server.url, "li", PASSWORD, "李的平板").await.unwrap();
    conn_b.refresh_catalog(&b).await.unwrap();
    conn_b.sync(&b).await.unwrap();
    b.set_answer(&id, &items[1], Answer::YesNo(false), xuncha_server::now_ms()).unwrap();
    conn_b.sync(&b).await.unwrap();
    conn_a.sync(&a).await.unwrap();
    let (sa, sb) = (a.snapshot(&id).unwrap(), b.snapshot(&id).unwrap());
    assert_eq!(sa, sb, "both devices hold the same inspection");
    assert_eq!(sa.answers.len(), 2);

    // Concurrent different answers are a conflict; choosing one resolves it everywhere.
    a.set_answer(&id, &items[2], Answer::YesNo(true), xuncha_server::now_ms()).unwrap();
    b.set_answer(&id, &items[2], Answer::YesNo(false), xuncha_server::now_ms()).unwrap();
    conn_a.sync(&a).await.unwrap();
    conn_b.sync(&b).await.unwrap();
    conn_a.sync(&a).await.unwrap();
    let conflict = a.conflicts(&id).unwrap().into_iter().find(|c| c.item == items[2]).expect("a conflict");
    let keep = conflict.values.iter().position(|v| v.answer == Answer::YesNo(false)).unwrap();
    a.resolve_conflict(&id, &items[2], keep, xuncha_server::now_ms()).unwrap();
    conn_a.sync(&a).await.unwrap();
    conn_b.sync(&b).await.unwrap();
    assert!(b.conflicts(&id).unwrap().is_empty());
    assert_eq!(b.snapshot(&id).unwrap().answers[&items[2]].answer, Answer::YesNo(false));
    let (sa, sb) = (a.snapshot(&id).unwrap(), b.snapshot(&id).unwrap());
    assert_eq!(sa, sb);
    // The built-in template applies to this province (no variant published).
    let centre: xuncha_core::Centre = serde_json::from_str(&a.store().centre("130102-C01").unwrap().unwrap()).unwrap();
    assert_eq!(a.template_for(&centre).unwrap().id, "community");

    // The provisional score on the device is the official one.
    let provisional = a.provisional_score(&id, &centre).unwrap();
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(report["inspection"]["total"].as_f64().unwrap(), provisional.total);

    // Reopened from disk, the device has everything.
    drop(a);
    let a = Device::open(dir_a.path()).unwrap();
    assert_eq!(a.snapshot(&id).unwrap(), sb);
    assert_eq!(Server::of(&a).unwrap().sync(&a).await.unwrap(), 1, "nothing left: one round");
    server.stop().await;
}

#[tokio::test]
async fn a_refused_photo_never_blocks_the_others() {
    // The server takes photos of at most 40 kB; the device has one larger.
    let server = TestServer::start_with(|c| c.limits.photo_bytes = 40_000).await;
    server.seed();
    let doc = server.api("sup-a").await.assign("130102-V01", &["li"]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut dev = Device::open(dir.path()).unwrap();
    let conn = Server::enrol(&mut dev, &server.url, "li", PASSWORD, "tablet").await.unwrap();
    conn.refresh_catalog(&dev).await.unwrap();
    conn.sync(&dev).await.unwrap();
    let id = doc.parse().unwrap();
    let noisy = {
        let img = image::RgbImage::from_fn(900, 700, |x, y| {
            image::Rgb([((x * 7) ^ (y * 13)) as u8, (x * y) as u8, (x + y * 3) as u8])
        });
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    };
    let big = dev.add_photo(&id, None, &noisy, None, 1).unwrap();
    assert!(big.bytes > 40_000, "{} bytes", big.bytes);
    let small = dev.add_photo(&id, None, &xuncha_server::cli::demo::demo_photo(1).unwrap(), None, 2).unwrap();
    assert!(small.bytes < 40_000, "{} bytes", small.bytes);
    conn.sync(&dev).await.unwrap();
    let status = dev.photo_sync().unwrap();
    assert_eq!(status.len(), 1, "only the refused photo is left: {status:?}");
    assert_eq!(status[0].sha256, big.sha256);
    assert!(status[0].failed.as_deref().unwrap().starts_with("payload_too_large"));
    assert_eq!(server.count(&format!("SELECT count(*) FROM blobs WHERE sha256 = '{}'", small.sha256)), 1);
    server.stop().await;
}

/// A follow-up's checklist (复查) is in no list of templates: the device
/// fetches it for its task, and works and syncs the follow-up like any.
#[tokio::test]
async fn a_follow_up_checklist_reaches_the_device_with_its_task() {
    let server = TestServer::start().await;
    let state = server.state.clone();
    tokio::task::spawn_blocking(move || xuncha_server::cli::demo::seed(&state).unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut zhao = Device::open(dir.path()).unwrap();
    let password = xuncha_server::cli::demo::PASSWORD;
    let conn = Server::enrol(&mut zhao, &server.url, "insp-zhao", password, "赵的手机").await.unwrap();
    conn.refresh_catalog(&zhao).await.unwrap();
    conn.sync(&zhao).await.unwrap();
    let tasks = zhao.assignments_view().unwrap();
    let task = tasks.iter().find(|t| t.assignment.purpose == Purpose::FollowUp).expect("the follow-up task");
    let doc = task.assignment.doc;
    let checklist = zhao.template(&task.assignment.template).expect("its checklist is on the device");
    assert!(checklist.is_follow_up() && checklist.items().count() >= 1);
    let (_, first) = checklist.items().next().unwrap();
    zhao.set_answer(&doc, &first.id, Answer::Choice("partly".into()), xuncha_server::now_ms()).unwrap();
    conn.sync(&zhao).await.unwrap();
    let sup = xuncha_tests::Api::login_with(&server.url, "sup-qiaoxi", password).await;
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(report["document"]["answers"][&first.id]["answer"]["value"], "partly");
    server.stop().await;
}

/// A follow-up (复查) shows the original finding's photos: the inspector's
/// device fetches their thumbnails with the task, so they show offline.
#[tokio::test]
async fn a_follow_up_brings_the_original_findings_photos_to_the_device() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-B01", &["wang"]).await;
    let dir_a = tempfile::tempdir().unwrap();
    let mut a = Device::open(dir_a.path()).unwrap();
    let conn_a = Server::enrol(&mut a, &server.url, "wang", PASSWORD, "王的手机").await.unwrap();
    conn_a.refresh_catalog(&a).await.unwrap();
    conn_a.sync(&a).await.unwrap();
    let id = a.store().docs().unwrap()[0].doc;
    let t = a.template(&a.store().docs().unwrap()[0].template).unwrap();
    let failed = t
        .items()
        .find(|(_, i)| matches!(i.answer, AnswerSpec::YesNo) && i.points > 0.0 && !i.critical)
        .map(|(_, i)| i.id.clone())
        .unwrap();
    a.set_answer(&id, &failed, Answer::YesNo(false), xuncha_server::now_ms()).unwrap();
    let photo = a
        .add_photo(
            &id,
            Some(&failed),
            &xuncha_server::cli::demo::demo_photo(17).unwrap(),
            None,
            xuncha_server::now_ms(),
        )
        .unwrap();
    a.sign_off(&id, xuncha_server::now_ms()).unwrap();
    conn_a.sync(&a).await.unwrap();
    let review = format!("/api/v1/inspections/{doc}/review");
    assert_eq!(sup.post(&review, &serde_json::json!({"status": "approved"})).await.0, reqwest::StatusCode::OK);
    let (_, found) = sup.get(&format!("/api/v1/problems?doc={doc}")).await;
    let problem = found["items"].as_array().unwrap().iter().find(|p| p["item"] == failed.as_str()).unwrap().clone();
    assert_eq!(problem["photos"], serde_json::json!([photo.sha256]));
    let id_of = problem["id"].as_i64().unwrap();
    sup.post("/api/v1/notices", &serde_json::json!({"problems": [id_of]})).await;
    let body = serde_json::json!({"centre_code": "130102-B01", "inspectors": ["li"]});
    assert_eq!(sup.post("/api/v1/problems/followup", &body).await.0, reqwest::StatusCode::CREATED);

    let dir_b = tempfile::tempdir().unwrap();
    let mut b = Device::open(dir_b.path()).unwrap();
    let conn_b = Server::enrol(&mut b, &server.url, "li", PASSWORD, "李的平板").await.unwrap();
    assert!(b.store().thumbnail(&photo.sha256).unwrap().is_none());
    conn_b.sync(&b).await.unwrap();
    let follow = b.store().docs().unwrap().into_iter().find(|d| d.doc != id).unwrap();
    let checklist = b.template(&follow.template).unwrap();
    let item = checklist.item(&format!("p{id_of}")).unwrap();
    assert_eq!(item.reference_photos, std::slice::from_ref(&photo.sha256));
    let thumb = b.store().thumbnail(&photo.sha256).unwrap().expect("the thumbnail came with the task");
    assert_eq!(thumb.get(..2), Some(&[0xFF, 0xD8][..]), "a JPEG thumbnail");
    // Granting it to the follow-up opened it to no one else.
    let other = server.api("sup-b").await;
    let path = format!("/api/v1/blobs/{}/thumbnail", photo.sha256);
    assert_eq!(other.get(&path).await.0, reqwest::StatusCode::NOT_FOUND);
}

/// A photo goes the whole way as lossy WebP: processed on the device, signed,
/// uploaded, accepted and thumbnailed (JPEG) by the server, served to a
/// supervisor as image/webp; a server configured for JPEG gets JPEG from the
/// same app, which learns the format at its catalog refresh.
#[tokio::test]
async fn photos_travel_as_webp_and_a_server_may_ask_for_jpeg() {
    for (format, mime, magic) in [
        (xuncha_core::photo::PhotoFormat::Webp, "image/webp", &b"RIFF"[..]),
        (xuncha_core::photo::PhotoFormat::Jpeg, "image/jpeg", &[0xFF, 0xD8][..]),
    ] {
        let server = TestServer::start_with(|c| c.photos.format = format).await;
        server.seed();
        let sup = server.api("sup-a").await;
        let doc = sup.assign("130102-C01", &["wang"]).await;
        let dir = tempfile::tempdir().unwrap();
        let mut a = Device::open(dir.path()).unwrap();
        let conn = Server::enrol(&mut a, &server.url, "wang", PASSWORD, "王的手机").await.unwrap();
        conn.refresh_catalog(&a).await.unwrap();
        conn.sync(&a).await.unwrap();
        let id = a.store().docs().unwrap()[0].doc;
        let photo = xuncha_server::cli::demo::demo_photo(3).unwrap();
        let record = a.add_photo(&id, None, &photo, None, xuncha_server::now_ms()).unwrap();
        assert_eq!(record.mime, mime);
        assert!(record.signature.is_some(), "signed by the device");
        conn.sync(&a).await.unwrap();
        assert!(a.store().pending_photos().unwrap().is_empty(), "uploaded");
        let get = |path: String| {
            let (http, token) = (sup.http.clone(), sup.token.clone());
            async move { http.get(path).bearer_auth(token).send().await.unwrap() }
        };
        let res = get(format!("{}/api/v1/blobs/{}", server.url, record.sha256)).await;
        assert_eq!(res.headers()["content-type"].to_str().unwrap(), mime);
        assert!(res.bytes().await.unwrap().starts_with(magic));
        let thumb = get(format!("{}/api/v1/blobs/{}/thumbnail", server.url, record.sha256)).await;
        assert_eq!(thumb.headers()["content-type"].to_str().unwrap(), "image/jpeg", "the server's own thumbnail");
        assert!(thumb.bytes().await.unwrap().starts_with(&[0xFF, 0xD8]));
        let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
        assert_eq!(report["document"]["photos"][&record.sha256]["mime"], mime);
        assert_eq!(report["signers"][0]["name"], "王的手机");
        server.stop().await;
    }
}
