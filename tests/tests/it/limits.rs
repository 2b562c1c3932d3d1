//! Bad sync input gets a clear 4xx and changes nothing.

use flate2::Compression;
use flate2::write::GzEncoder;
use reqwest::StatusCode;
use std::io::Write;
use xuncha_core::DocumentId;
use xuncha_core::sync::{CBOR_MIME, DocPush, Heads, SYNC_PROTOCOL, SyncRequest, encode};
use xuncha_tests::{Device, TestServer};

async fn post(dev: &Device, body: Vec<u8>, gzip: bool, content_type: &str) -> (StatusCode, serde_json::Value) {
    let mut req =
        dev.http.post(format!("{}/api/v1/sync", dev.url)).bearer_auth(&dev.token).header("content-type", content_type);
    if gzip {
        req = req.header("content-encoding", "gzip");
    }
    let res = req.body(body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or_default())
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn oversize_too_many_documents_malformed_and_bombs_are_refused() {
    let server = TestServer::start_with(|c| {
        c.limits.sync_body_bytes = 64 * 1024;
        c.limits.sync_inflated_bytes = 256 * 1024;
        c.limits.docs_per_sync = 3;
    })
    .await;
    server.seed();
    let sup = server.api("sup-a").await;
    sup.assign("130102-C01", &["wang"]).await;
    let mut dev = Device::enrol(&server.url, "wang").await;
    dev.sync().await;
    let before = (server.state.store.current_seq().unwrap() as i64, server.count("SELECT count(*) FROM changes"));

    let (status, body) = post(&dev, vec![7; 100 * 1024], false, CBOR_MIME).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")),
        "oversize body"
    );

    let push = |_| DocPush {
        doc: DocumentId::random(),
        client_heads: Heads::default(),
        ack_heads: Heads::default(),
        changes: Vec::new(),
    };
    let many = SyncRequest { protocol: SYNC_PROTOCOL, cursor: 0, docs: (0..4).map(push).collect() };
    let (status, body) = post(&dev, encode(&many), false, CBOR_MIME).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "too many documents");
    assert!(body["message"].as_str().unwrap().contains("4 documents"), "{body}");

    let (status, body) = post(&dev, b"\xa3 not cbor at all".to_vec(), false, CBOR_MIME).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "malformed");

    let bomb = gz(&vec![0u8; 10 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    let (status, body) = post(&dev, bomb, true, CBOR_MIME).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "gzip bomb");
    assert!(body["message"].as_str().unwrap().contains("inflates"), "{body}");

    let (status, _) = post(&dev, gz(b"garbage"), true, CBOR_MIME).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "malformed after inflating");
    let (status, _) = post(&dev, encode(&many), false, "application/json").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A compressed Automerge payload (Automerge would inflate it without a limit).
    let id: DocumentId = dev.docs.keys().next().copied().unwrap();
    let compressed = dev.docs.get_mut(&id).unwrap().doc.save();
    let req = SyncRequest {
        protocol: SYNC_PROTOCOL,
        cursor: 0,
        docs: vec![DocPush {
            doc: id,
            client_heads: Heads::default(),
            ack_heads: Heads::default(),
            changes: compressed,
        }],
    };
    let res = dev.send(&req).await;
    assert!(
        matches!(&res.docs[0].status, xuncha_core::sync::DocStatus::Refused { code, .. } if code == "bad_payload"),
        "{:?}",
        res.docs[0].status
    );

    let res =
        reqwest::Client::new().post(format!("{}/api/v1/sync", server.url)).body(encode(&many)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let after = (server.state.store.current_seq().unwrap() as i64, server.count("SELECT count(*) FROM changes"));
    assert_eq!(before, after, "nothing changed");
    server.stop().await;
}
