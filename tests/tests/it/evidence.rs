//! Signed evidence over HTTP against a real server: a device enrolled with a
//! key records a signed position and photo; the report names the device.
//! A hand-built change moving the recorded position, a new position without a
//! signature, and a position signed with another device's id are refused
//! with their codes and change nothing; a device enrolled before signing
//! still adds unsigned records.

use automerge::transaction::Transactable;
use automerge::{ROOT, ReadDoc};
use serde_json::Value;
use xuncha_core::DocumentId;
use xuncha_core::document::{FixSource, GpsFix, InspectionDoc, PhotoRecord, keys};
use xuncha_core::evidence::{SigningKey, sign_fix, sign_photo};
use xuncha_core::sync::DocStatus;
use xuncha_tests::device::LocalDoc;
use xuncha_tests::{Device, TestServer};

fn fix(by: &str, lat: f64) -> GpsFix {
    GpsFix {
        lat,
        lon: 114.612,
        accuracy_m: 8.0,
        source: FixSource::Gnss,
        at: xuncha_server::now_ms(),
        mock: Some(false),
        by: by.into(),
        signature: None,
    }
}

fn signed(key: &SigningKey, device: i64, doc: &DocumentId, f: GpsFix) -> GpsFix {
    GpsFix { signature: Some(sign_fix(key, device, doc, &f)), ..f }
}

/// The code of the reply for `doc`, or "accepted".
async fn push(dev: &mut Device, doc: &DocumentId) -> String {
    let res = dev.sync().await;
    match &res.docs.iter().find(|r| r.doc == *doc).expect("a reply for the document").status {
        DocStatus::Refused { code, .. } => code.clone(),
        _ => "accepted".into(),
    }
}

#[tokio::test]
async fn the_server_verifies_signed_evidence_and_refuses_what_was_altered_or_unsigned() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-T01", &["wang", "li"]).await;
    let id: DocumentId = doc.parse().unwrap();
    let (mut wang, key) = Device::enrol_signing(&server.url, "wang").await;
    wang.sync().await;

    let position = signed(&key, wang.device_id, &id, fix("wang", 38.089));
    wang.doc(&doc).add_gps_fix(&position).unwrap();
    let record = PhotoRecord { gps: Some(position.clone()), ..xuncha_tests::photo_record(b"signed photo", "wang") };
    let record = PhotoRecord { signature: Some(sign_photo(&key, wang.device_id, &id, &record)), ..record };
    wang.doc(&doc).add_photo(&record).unwrap();
    assert_eq!(push(&mut wang, &id).await, "accepted");

    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    let signers = report["signers"].as_array().unwrap();
    assert_eq!(signers.len(), 1, "{report}");
    assert_eq!(
        (signers[0]["device"].as_i64(), signers[0]["name"].as_str()),
        (Some(wang.device_id), Some("test phone"))
    );
    assert_eq!(signers[0]["username"], "wang");
    let fixes = report["document"]["gps_fixes"].as_array().unwrap();
    assert_eq!(fixes[0]["signature"]["device"].as_i64(), Some(wang.device_id));
    let photo = &report["document"]["photos"][record.sha256.as_str()];
    assert_eq!(photo["signature"]["device"].as_i64(), Some(wang.device_id), "{photo}");

    let base = wang.docs.get_mut(&id).unwrap().doc.save();
    let ack = wang.docs[&id].ack.clone();
    let changes = server.count("SELECT count(*) FROM changes");
    let actor = wang.actor.clone();
    let retry = |edit: &dyn Fn(&mut InspectionDoc)| {
        let mut d = InspectionDoc::load(&base, actor.clone()).unwrap();
        edit(&mut d);
        d.automerge_mut().commit();
        LocalDoc { doc: d, ack: ack.clone() }
    };

    // A hand-built change moves the recorded position 500 m north: its signature no longer verifies.
    let moved = retry(&|d| {
        let am = d.automerge_mut();
        let (_, list) = am.get(ROOT, keys::GPS).unwrap().unwrap();
        let (_, first) = am.get(&list, 0).unwrap().unwrap();
        am.put(&first, "lat", 38.0935).unwrap();
    });
    wang.docs.insert(id, moved);
    assert_eq!(push(&mut wang, &id).await, "bad_signature");

    // A new position without a signature, from a device that signs.
    wang.docs.insert(id, retry(&|d| d.add_gps_fix(&fix("wang", 38.0891)).unwrap()));
    assert_eq!(push(&mut wang, &id).await, "unsigned");

    // A position signed with this key but claimed for another device (li's, enrolled below).
    let (li, _) = Device::enrol_signing(&server.url, "li").await;
    let claimed =
        GpsFix { signature: Some(sign_fix(&key, li.device_id, &id, &fix("wang", 38.0892))), ..fix("wang", 38.0892) };
    wang.docs.insert(id, retry(&|d| d.add_gps_fix(&claimed).unwrap()));
    assert_eq!(push(&mut wang, &id).await, "bad_signature");
    assert_eq!(server.count("SELECT count(*) FROM changes"), changes, "nothing of the refused batches stored");

    // li's phone enrolled by an app before signing (no key): its records are kept, shown unsigned.
    let mut old = Device::enrol(&server.url, "li").await;
    old.sync().await;
    old.doc(&doc).add_gps_fix(&fix("li", 38.0893)).unwrap();
    assert_eq!(push(&mut old, &id).await, "accepted");
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    let unsigned: Vec<&Value> =
        report["document"]["gps_fixes"].as_array().unwrap().iter().filter(|f| f["signature"].is_null()).collect();
    assert_eq!(unsigned.len(), 1);
    assert_eq!(unsigned[0]["by"], "li");
    server.stop().await;
}

/// A device's settings from its server: the photo format the deployment
/// chose, the server's key and a certificate that verifies with it, naming
/// the device, its user, actors and region; none for a device without a
/// key; refused to a browser session, with a JSON error.
#[tokio::test]
async fn a_device_gets_the_photo_format_and_a_certificate_its_server_signed() {
    use xuncha_core::certificate::{DeviceCertificate, server_key};
    let server = TestServer::start_with(|c| c.photos.format = xuncha_core::photo::PhotoFormat::Jpeg).await;
    server.seed();
    let (wang, key) = Device::enrol_signing(&server.url, "wang").await;
    let get = |token: String| {
        let url = format!("{}/api/v1/devices/current", server.url);
        async move {
            let res = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, config) = get(wang.token.clone()).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{config}");
    assert_eq!((config["photo_format"].as_str(), config["device"].as_i64()), (Some("jpeg"), Some(wang.device_id)));
    let cert: DeviceCertificate = serde_json::from_value(config["certificate"].clone()).unwrap();
    let server_key = server_key(config["server_key"].as_str().unwrap()).unwrap();
    let now = xuncha_server::now_ms();
    let body = cert.verify(&server_key, now).expect("the certificate verifies with the server's key");
    assert_eq!((body.device, body.username.as_str()), (wang.device_id, "wang"));
    assert_eq!(body.device_key().unwrap(), key.verifying_key());
    assert_eq!(body.actor_ids().unwrap(), vec![wang.actor.clone()]);
    assert_eq!(body.region, ["河北省", "石家庄市", "长安区"]);
    assert!((29 * 86_400_000..=30 * 86_400_000).contains(&(body.expires_at - now)), "valid for 30 days");
    // The same key signs every certificate of this server.
    let (_, again) = get(wang.token.clone()).await;
    assert_eq!(again["server_key"], config["server_key"]);

    let old = Device::enrol(&server.url, "li").await;
    let (status, config) = get(old.token.clone()).await;
    assert_eq!((status, config["certificate"].is_null()), (reqwest::StatusCode::OK, true));
    let sup = server.api("sup-a").await;
    let (status, body) = get(sup.token.clone()).await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    assert!(body["code"].is_string() && body["message"].is_string(), "{body}");
    server.stop().await;
}
